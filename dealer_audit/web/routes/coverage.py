"""Coverage in the browser (issue 16): how far a wave has come — planned visits against stored audits.

Thin over `services.field_operations.coverage_of` (the states are core/coverage.py's): per region and per
auditor the visits planned, captured (a draft), imported (finalised), missing (nothing stored yet) and, of
those, overdue; and the dealers nobody has visited. A regional manager's view is computed over their regions
only, so their auditors' counts hold only the visits they answer for. Dealers and auditors do not see it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dealer_audit.core.coverage import VisitState
from dealer_audit.errors import NotFound
from dealer_audit.services.field_operations import coverage_of
from dealer_audit.web.follow_up import follower, refuse, region_names, today, workspace_of
from dealer_audit.web.pages import render
from dealer_audit.web.principal import Role

router = APIRouter(prefix="/coverage")


@dataclass(frozen=True)
class CoverageRow:
    """One line of the page: the core's state counts in the words HQ uses."""

    name: str
    counts: Counter[VisitState]

    @property
    def planned(self) -> int:
        return sum(self.counts.values())

    @property
    def captured(self) -> int:
        return self.counts[VisitState.CAPTURED]

    @property
    def imported(self) -> int:
        return self.counts[VisitState.DONE]

    @property
    def missing(self) -> int:
        """Planned visits with nothing stored yet (still to come, or overdue)."""
        return self.counts[VisitState.PLANNED] + self.counts[VisitState.OVERDUE]

    @property
    def overdue(self) -> int:
        return self.counts[VisitState.OVERDUE]


@router.get("", response_class=HTMLResponse)
def coverage_page(request: Request, wave: str = "") -> HTMLResponse:
    principal = follower(request, Role.HQ, Role.REGIONAL)
    repo = workspace_of(request).repo
    waves = [w.code for w in repo.list_waves()]
    planned = [w for w in waves if repo.list_plan(w)]
    chosen = wave or (planned[-1] if planned else (waves[-1] if waves else ""))
    if not chosen:
        return render(request, "coverage/page.html", wave="", waves=waves, planned=planned, coverage=None)
    regions = None if principal.role is Role.HQ else principal.regions
    try:
        coverage = coverage_of(repo, chosen, today(), regions)
    except NotFound as error:
        raise refuse(request, 404, "coverage.err.no_wave", str(error), wave=chosen[:50]) from None
    return render(
        request,
        "coverage/page.html",
        wave=chosen,
        waves=waves,
        planned=planned,
        coverage=coverage,
        total=CoverageRow("", coverage.totals()),
        by_region=[CoverageRow(r, c) for r, c in sorted(coverage.by_region.items())],
        by_auditor=[CoverageRow(a, c) for a, c in sorted(coverage.by_auditor.items())],
        stored=[CoverageRow(r, c) for r, c in sorted(coverage.stored_by_region.items())],
        stand_ins=sum(1 for v in coverage.visits if v.by_stand_in),
        region_names=region_names(request),
    )

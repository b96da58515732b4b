"""How far a wave has come: each planned visit against the audits stored, per region and per auditor.

Why a visit is matched on (dealer, standard) and not on auditor: a visit made by a stand-in auditor still covers
the dealer; it is counted as done and flagged as made by someone else, so HQ sees both facts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from dealer_audit.core.answers import Audit, AuditKind
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.planning import PlannedVisit


class VisitState(StrEnum):
    DONE = "done"  # a finalised audit is stored (imported at HQ, or finalised on this laptop)
    CAPTURED = "captured"  # a draft is stored: the visit happened, the audit is not final yet
    PLANNED = "planned"  # nothing yet, and its day has not passed
    OVERDUE = "overdue"  # nothing final yet, and its day has passed


@dataclass(frozen=True)
class VisitCoverage:
    visit: PlannedVisit
    region: str
    state: VisitState
    audited_by: str = ""  # the auditor of the stored audit, when there is one

    @property
    def by_stand_in(self) -> bool:
        return bool(self.audited_by) and self.audited_by != self.visit.auditor_id


@dataclass
class Coverage:
    wave: str
    today: date
    visits: list[VisitCoverage]
    unvisited_dealers: list[Dealer]  # dealers with no audit of any standard in the wave
    unplanned_audits: int = 0  # audits stored for a dealer × standard the plan does not hold
    by_region: dict[str, Counter[VisitState]] = field(default_factory=dict)
    by_auditor: dict[str, Counter[VisitState]] = field(default_factory=dict)

    def totals(self) -> Counter[VisitState]:
        return Counter(v.state for v in self.visits)


def wave_coverage(
    wave: str,
    plan: Sequence[PlannedVisit],
    audits: Iterable[Audit],
    dealers: Mapping[str, Dealer],
    today: date,
) -> Coverage:
    """The state of every planned visit on `today`, the counts per region and auditor, and the unvisited dealers."""
    stored: dict[tuple[str, str], list[Audit]] = defaultdict(list)
    for audit in audits:
        if audit.wave == wave and audit.kind is not AuditKind.SELF:  # the dealer's own form is no visit
            stored[(audit.dealer_code, audit.standard_id)].append(audit)
    rows: list[VisitCoverage] = []
    planned_keys: set[tuple[str, str]] = set()
    for visit in sorted(plan, key=lambda v: (v.day, v.auditor_id, v.dealer_code, v.standard_id)):
        key = (visit.dealer_code, visit.standard_id)
        planned_keys.add(key)
        found = stored.get(key, [])
        own = [a for a in found if a.auditor == visit.auditor_id]
        # a double audit's two visits each need their own auditor's audit; a single visit takes any auditor's
        candidates = own if visit.double else (own or found)
        final = [a for a in candidates if a.is_final]
        if final:
            state, by = VisitState.DONE, final[0].auditor
        elif candidates:
            state, by = VisitState.CAPTURED, candidates[0].auditor
        else:
            state, by = (VisitState.OVERDUE if visit.day < today else VisitState.PLANNED), ""
        dealer = dealers.get(visit.dealer_code)
        rows.append(VisitCoverage(visit, dealer.region if dealer else "", state, by))
    by_region: dict[str, Counter[VisitState]] = defaultdict(Counter)
    by_auditor: dict[str, Counter[VisitState]] = defaultdict(Counter)
    for row in rows:
        by_region[row.region][row.state] += 1
        by_auditor[row.visit.auditor_id][row.state] += 1
    visited = {dealer for (dealer, _standard) in stored}
    unvisited = [d for code, d in sorted(dealers.items()) if code not in visited]
    unplanned = sum(len(found) for key, found in stored.items() if key not in planned_keys)
    return Coverage(wave, today, rows, unvisited, unplanned, dict(by_region), dict(by_auditor))

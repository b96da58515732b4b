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

from dealer_audit.core.answers import Audit
from dealer_audit.core.auditor_lookup import AuditorRegister
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
    audited_by: str = ""  # the auditor of the stored audit (their register id when it resolves), when there is one

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
    # every audit of the wave per dealer region, planned or not (DONE = final, CAPTURED = draft): still true
    # when no plan is stored, so HQ sees how far the wave has come either way
    stored_by_region: dict[str, Counter[VisitState]] = field(default_factory=dict)
    planned: bool = True  # False when no plan is stored for the wave (the per-visit figures are then empty)

    def totals(self) -> Counter[VisitState]:
        return Counter(v.state for v in self.visits)

    @property
    def stand_in_visits(self) -> int:
        return sum(1 for v in self.visits if v.by_stand_in)

    @property
    def overdue(self) -> list[VisitCoverage]:
        return [v for v in self.visits if v.state is VisitState.OVERDUE]


def wave_coverage(
    wave: str,
    plan: Sequence[PlannedVisit],
    audits: Iterable[Audit],
    dealers: Mapping[str, Dealer],
    today: date,
    register: AuditorRegister | None = None,
) -> Coverage:
    """The state of every planned visit on `today`, the counts per region and auditor, and the unvisited dealers.

    A visit is its planned auditor's own when the audit's auditor text resolves to that auditor in `register`
    (core/auditor_lookup.py: by id or by name), so an audit signed `王芳` covers the visit planned for `wang.fang`
    and is not counted as a stand-in's. Without a register only the very same text matches."""
    known = register or AuditorRegister()
    stored: dict[tuple[str, str], list[Audit]] = defaultdict(list)
    for audit in audits:
        if audit.wave == wave and audit.counts_in_scores:  # a visit: no self-assessment, no calibration session
            stored[(audit.dealer_code, audit.standard_id)].append(audit)
    rows: list[VisitCoverage] = []
    planned_keys: set[tuple[str, str]] = set()
    for visit in sorted(plan, key=lambda v: (v.day, v.auditor_id, v.dealer_code, v.standard_id)):
        key = (visit.dealer_code, visit.standard_id)
        planned_keys.add(key)
        found = stored.get(key, [])
        own = [a for a in found if known.key(a.auditor) == visit.auditor_id]
        # a double audit's two visits each need their own auditor's audit; a single visit takes any auditor's
        candidates = own if visit.double else (own or found)
        final = [a for a in candidates if a.is_final]
        if final:
            state, by = VisitState.DONE, known.key(final[0].auditor)
        elif candidates:
            state, by = VisitState.CAPTURED, known.key(candidates[0].auditor)
        else:
            state, by = (VisitState.OVERDUE if visit.day < today else VisitState.PLANNED), ""
        dealer = dealers.get(visit.dealer_code)
        rows.append(VisitCoverage(visit, dealer.region if dealer else "", state, by))
    by_region: dict[str, Counter[VisitState]] = defaultdict(Counter)
    by_auditor: dict[str, Counter[VisitState]] = defaultdict(Counter)
    for row in rows:
        by_region[row.region][row.state] += 1
        by_auditor[row.visit.auditor_id][row.state] += 1
    stored_by_region: dict[str, Counter[VisitState]] = defaultdict(Counter)
    for found in stored.values():
        for audit in found:
            dealer = dealers.get(audit.dealer_code)
            stored_by_region[dealer.region if dealer else ""][
                VisitState.DONE if audit.is_final else VisitState.CAPTURED
            ] += 1
    visited = {dealer for (dealer, _standard) in stored}
    unvisited = [d for code, d in sorted(dealers.items()) if code not in visited]
    unplanned = sum(len(found) for key, found in stored.items() if key not in planned_keys)
    return Coverage(
        wave, today, rows, unvisited, unplanned, dict(by_region), dict(by_auditor), dict(stored_by_region), bool(plan)
    )


STATES = (VisitState.DONE, VisitState.CAPTURED, VisitState.PLANNED, VisitState.OVERDUE)  # the columns, in order


def state_counts(counts: Mapping[VisitState, int]) -> dict[str, int]:
    """One row of figures: each state (zero included, so every row has the same keys) and the total."""
    return {**{s.value: int(counts.get(s, 0)) for s in STATES}, "total": int(sum(counts.values()))}


def coverage_to_dict(coverage: Coverage, lang: str = "en") -> dict[str, object]:
    """Plain data (JSON) of the coverage: what `dealer-audit coverage --json` prints and the HQ workbook's
    Coverage sheet shows, built once here so the two cannot disagree."""
    return {
        "wave": coverage.wave,
        "today": coverage.today.isoformat(),
        "plan_stored": coverage.planned,
        "by_region": [{"region": r, **state_counts(c)} for r, c in sorted(coverage.by_region.items())],
        "all_regions": state_counts(coverage.totals()),
        "by_auditor": [{"auditor": a, **state_counts(c)} for a, c in sorted(coverage.by_auditor.items())],
        "stored_by_region": [
            {"region": r, "final": c[VisitState.DONE], "draft": c[VisitState.CAPTURED]}
            for r, c in sorted(coverage.stored_by_region.items())
        ],
        "stand_in_visits": coverage.stand_in_visits,
        "unplanned_audits": coverage.unplanned_audits,
        "overdue": [
            {
                "day": v.visit.day.isoformat(),
                "auditor": v.visit.auditor_id,
                "dealer": v.visit.dealer_code,
                "standard": v.visit.standard_id,
                "region": v.region,
                "double": v.visit.double,
            }
            for v in coverage.overdue
        ],
        "unvisited_dealers": [
            {"code": d.code, "name": d.name.get(lang), "region": d.region, "city": d.city}
            for d in coverage.unvisited_dealers
        ],
    }

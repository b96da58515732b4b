"""Wave coverage: each planned visit's state on a given day, counts by region and auditor, unvisited dealers."""

from __future__ import annotations

from datetime import date

from dealer_audit.core.answers import Audit, AuditStatus
from dealer_audit.core.coverage import VisitState, wave_coverage
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.planning import PlannedVisit
from dealer_audit.core.standard import LocalText

DEALERS = {
    code: Dealer(code, LocalText(en=code), region)
    for code, region in [("E1", "east"), ("E2", "east"), ("W1", "west"), ("W2", "west")]
}


def audit(dealer: str, auditor: str, status: AuditStatus, standard: str = "svc", wave: str = "2026-Q4") -> Audit:
    return Audit(f"{dealer}-{auditor}", dealer, standard, "1", wave, auditor=auditor, status=status)


def test_each_visit_state_and_the_counts() -> None:
    plan = [
        PlannedVisit("E1", "svc", "A1", date(2026, 10, 5)),
        PlannedVisit("E2", "svc", "A1", date(2026, 10, 6)),
        PlannedVisit("W1", "svc", "A2", date(2026, 10, 5)),
        PlannedVisit("W2", "svc", "A2", date(2026, 10, 9)),
    ]
    audits = [
        audit("E1", "A1", AuditStatus.FINALISED),
        audit("W1", "A3", AuditStatus.DRAFT),  # a stand-in started it
        audit("W1", "A9", AuditStatus.FINALISED, wave="2026-Q3"),  # another wave: ignored
    ]
    coverage = wave_coverage("2026-Q4", plan, audits, DEALERS, today=date(2026, 10, 7))
    states = {(v.visit.dealer_code): v.state for v in coverage.visits}
    assert states == {
        "E1": VisitState.DONE,
        "E2": VisitState.OVERDUE,
        "W1": VisitState.CAPTURED,
        "W2": VisitState.PLANNED,
    }
    stand_in = next(v for v in coverage.visits if v.visit.dealer_code == "W1")
    assert stand_in.by_stand_in and stand_in.audited_by == "A3"
    assert coverage.by_region["east"] == {VisitState.DONE: 1, VisitState.OVERDUE: 1}
    assert coverage.by_auditor["A2"] == {VisitState.CAPTURED: 1, VisitState.PLANNED: 1}
    assert [d.code for d in coverage.unvisited_dealers] == ["E2", "W2"]


def test_a_double_audit_needs_each_auditors_own_audit() -> None:
    plan = [
        PlannedVisit("E1", "svc", "A1", date(2026, 10, 5), double=True),
        PlannedVisit("E1", "svc", "A2", date(2026, 10, 5), double=True),
    ]
    coverage = wave_coverage("2026-Q4", plan, [audit("E1", "A1", AuditStatus.FINALISED)], DEALERS, date(2026, 10, 9))
    assert [v.state for v in coverage.visits] == [VisitState.DONE, VisitState.OVERDUE]


def test_audits_outside_the_plan_are_counted() -> None:
    coverage = wave_coverage("2026-Q4", [], [audit("E1", "A1", AuditStatus.FINALISED)], DEALERS, date(2026, 10, 9))
    assert coverage.unplanned_audits == 1


def test_a_dealers_self_assessment_is_no_visit() -> None:
    """The dealer's own form (kind self) neither completes a planned visit nor makes a dealer visited."""
    from dataclasses import replace

    from dealer_audit.core.answers import AuditKind

    plan = [PlannedVisit("E1", "svc", "A1", date(2026, 10, 9))]
    own = replace(audit("E1", "店长", AuditStatus.FINALISED), kind=AuditKind.SELF)
    coverage = wave_coverage("2026-Q4", plan, [own], DEALERS, today=date(2026, 10, 7))
    assert [v.state for v in coverage.visits] == [VisitState.PLANNED]
    assert "E1" in [d.code for d in coverage.unvisited_dealers] and coverage.unplanned_audits == 0


def test_audits_stored_per_region_count_with_or_without_a_plan() -> None:
    """Final and draft audits per dealer region, planned or not; the dealer's own form is left out."""
    from dataclasses import replace

    from dealer_audit.core.answers import AuditKind
    from dealer_audit.core.coverage import coverage_to_dict

    audits = [
        audit("E1", "A1", AuditStatus.FINALISED),
        audit("E2", "A1", AuditStatus.DRAFT),
        audit("W1", "A2", AuditStatus.FINALISED),
        audit("W1", "A3", AuditStatus.FINALISED),  # a second audit of one dealer × standard counts too
        replace(audit("W2", "店长", AuditStatus.FINALISED), kind=AuditKind.SELF),
    ]
    unplanned = wave_coverage("2026-Q4", [], audits, DEALERS, date(2026, 10, 9))
    assert not unplanned.planned and unplanned.by_region == {}
    assert unplanned.stored_by_region == {
        "east": {VisitState.DONE: 1, VisitState.CAPTURED: 1},
        "west": {VisitState.DONE: 2},
    }
    planned = wave_coverage("2026-Q4", [PlannedVisit("E1", "svc", "A1", date(2026, 10, 5))], audits, DEALERS,
                            date(2026, 10, 9))  # fmt: skip
    assert planned.planned and planned.stored_by_region == unplanned.stored_by_region
    data = coverage_to_dict(planned)
    assert data["all_regions"] == {"done": 1, "captured": 0, "planned": 0, "overdue": 0, "total": 1}
    assert data["stored_by_region"] == [
        {"region": "east", "final": 1, "draft": 1},
        {"region": "west", "final": 2, "draft": 0},
    ]
    assert data["unplanned_audits"] == 3 and [d["code"] for d in data["unvisited_dealers"]] == ["W2"]

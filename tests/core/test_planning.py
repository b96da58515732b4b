"""The wave plan solver: known optima on small cases (checked by brute force), every refusal named with its size."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealer_audit.core.auditors import Auditor
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.planning import (
    PlanInfeasible,
    PlanRules,
    VisitNeed,
    plan_wave,
    visit_needs,
    working_days,
    workload_cost,
)
from dealer_audit.core.standard import LocalText, Wave

WAVE = Wave("2026-Q4", start="2026-10-05", end="2026-10-16")  # two working weeks: 10 days


def auditor(code: str, region: str, active: bool = True) -> Auditor:
    return Auditor(code, LocalText(en=code), region, active=active)


def need(dealer: str, region: str, copies: int = 1, standard: str = "svc") -> VisitNeed:
    return VisitNeed(dealer, region, "", standard, copies)


def brute_force_cost(
    needs: list[VisitNeed], auditors: list[Auditor], locked: set[tuple[str, str]], rules: PlanRules
) -> int | None:
    """The optimum by enumeration: every way to give each visit its copies of distinct, allowed auditors."""
    days = len(working_days(WAVE, rules.weekdays_only))
    cap = min(rules.max_visits_per_day * days, rules.max_visits_per_auditor or 10**9)
    demand = sum(n.copies for n in needs)
    fair = -(-demand // len(auditors))
    options = [
        list(itertools.combinations([a for a in auditors if (a.id, n.dealer_code) not in locked], n.copies))
        for n in needs
    ]
    best: int | None = None
    for choice in itertools.product(*options):
        load = Counter(a.id for group in choice for a in group)
        if any(count > cap for count in load.values()):
            continue
        travel = sum(
            rules.out_of_region_cost
            for n, group in zip(needs, choice, strict=True)
            for a in group
            if a.home_region != n.region
        )
        cost = travel + sum(workload_cost(load[a.id], fair, rules) for a in auditors)
        best = cost if best is None else min(best, cost)
    return best


def test_everyone_stays_home_when_they_can() -> None:
    auditors = [auditor("A1", "east"), auditor("A2", "west")]
    needs = [need("E1", "east"), need("E2", "east"), need("W1", "west"), need("W2", "west")]
    plan = plan_wave(WAVE, needs, auditors, set(), PlanRules())
    assert plan.out_of_region == 0
    assert plan.cost == 2 * workload_cost(2, 2, PlanRules())  # only the workload part: no travel
    assert {(v.dealer_code, v.auditor_id) for v in plan.visits} == {
        ("E1", "A1"),
        ("E2", "A1"),
        ("W1", "A2"),
        ("W2", "A2"),
    }


def test_lockout_sends_an_auditor_out_of_region_at_the_travel_cost() -> None:
    auditors = [auditor("A1", "east"), auditor("A2", "west")]
    needs = [need("E1", "east"), need("W1", "west")]
    plan = plan_wave(WAVE, needs, auditors, {("A1", "E1")}, PlanRules(out_of_region_cost=7))
    assert {(v.dealer_code, v.auditor_id) for v in plan.visits} == {("E1", "A2"), ("W1", "A2")}
    # A2 carries 2 where the fair share is 1: one visit above the share, plus one out-of-region visit
    assert plan.cost == 7 + 3 + PlanRules().overload_cost
    assert plan.out_of_region == 1 and plan.overload == 1


def test_workloads_are_spread_evenly_among_auditors_of_one_region() -> None:
    auditors = [auditor(f"A{n}", "east") for n in range(4)]
    plan = plan_wave(WAVE, [need(f"E{n:02}", "east") for n in range(40)], auditors, set(), PlanRules())
    assert sorted(plan.load().values()) == [10, 10, 10, 10]


def test_the_workload_cost_is_convex() -> None:
    rules = PlanRules()
    marginal = [workload_cost(n + 1, 20, rules) - workload_cost(n, 20, rules) for n in range(60)]
    assert marginal == sorted(marginal) and marginal[0] == 0 and max(marginal[:20]) <= 3


def test_a_double_audit_gets_two_different_auditors() -> None:
    auditors = [auditor("A1", "east"), auditor("A2", "east"), auditor("A3", "west")]
    plan = plan_wave(WAVE, [need("E1", "east", copies=2)], auditors, set(), PlanRules())
    assert sorted(v.auditor_id for v in plan.visits) == ["A1", "A2"]
    assert all(v.double for v in plan.visits)


def test_days_lie_in_the_window_on_working_days_and_respect_the_daily_cap() -> None:
    auditors = [auditor("A1", "east")]
    needs = [need(f"E{n}", "east") for n in range(17)]
    plan = plan_wave(WAVE, needs, auditors, set(), PlanRules(max_visits_per_day=2))
    per_day = Counter(v.day for v in plan.visits)
    assert max(per_day.values()) <= 2
    assert all(date(2026, 10, 5) <= d <= date(2026, 10, 16) and d.weekday() < 5 for d in per_day)


def test_both_auditors_of_a_double_audit_come_on_the_same_day_within_the_daily_cap() -> None:
    """Calibration compares the two audits of a double audit as one scene: same day, and no day over the cap."""
    auditors = [auditor(f"A{n}", "east") for n in range(4)]
    needs = [need(f"E{n:02}", "east", copies=2 if n % 5 == 0 else 1) for n in range(30)]  # 6 double audits
    plan = plan_wave(WAVE, needs, auditors, set(), PlanRules(max_visits_per_day=1))
    days: dict[str, set[date]] = {}
    for visit in plan.visits:
        if visit.double:
            days.setdefault(visit.dealer_code, set()).add(visit.day)
    assert len(days) == 6 and all(len(d) == 1 for d in days.values())
    assert max(Counter((v.auditor_id, v.day) for v in plan.visits).values()) == 1
    staffed = Counter(v.dealer_code for v in plan.visits)
    assert len(plan.visits) == 36 and all(staffed[d] == 2 for d in days)  # each double audit: 2 auditors
    assert len({(v.dealer_code, v.auditor_id) for v in plan.visits}) == 36  # ... and never one auditor twice


def test_too_few_auditors_names_the_caps_and_the_shortfall() -> None:
    auditors = [auditor("A1", "east"), auditor("A2", "west")]
    needs = [need(f"E{n}", "east") for n in range(25)]
    with pytest.raises(PlanInfeasible) as refused:
        plan_wave(WAVE, needs, auditors, set(), PlanRules(max_visits_per_auditor=12))
    assert [str(reason) for reason in refused.value.reasons] == [
        "workload caps: the wave needs 25 auditor-visits, 2 auditors may make at most 24 "
        "(max_visits_per_auditor 12 each); short by 1. Raise the cap, widen the window or enrol more auditors"
    ]


def test_a_lockout_that_leaves_a_dealer_nobody_names_the_dealer() -> None:
    auditors = [auditor("A1", "east"), auditor("A2", "east")]
    with pytest.raises(PlanInfeasible) as refused:
        plan_wave(WAVE, [need("E1", "east", copies=2)], auditors, {("A2", "E1")}, PlanRules())
    assert [str(reason) for reason in refused.value.reasons] == [
        "lockout: E1 svc needs 2 auditor(s), 1 may go (lockout of 1 wave(s) bars A2); short by 1"
    ]


def test_a_double_audit_with_one_active_auditor_names_the_double_audits_not_the_lockout() -> None:
    auditors = [auditor("A1", "east"), auditor("A2", "east", active=False)]
    needs = [need("E1", "east", copies=2), need("E2", "east", copies=2), need("E3", "east")]
    with pytest.raises(PlanInfeasible) as refused:
        plan_wave(WAVE, needs, auditors, set(), PlanRules(double_audit_share=0.5))
    assert [str(reason) for reason in refused.value.reasons] == [
        "double audits: 2 visit(s) need 2 different auditors each (double_audit_share 0.5), 1 auditor(s) are "
        "active; short by 1. Enrol another auditor or set double_audit_share to 0"
    ]


def test_a_wave_without_dates_cannot_be_planned() -> None:
    with pytest.raises(PlanInfeasible, match="wave 2026-Q1 has no start and end dates"):
        plan_wave(Wave("2026-Q1"), [need("E1", "east")], [auditor("A1", "east")], set(), PlanRules())


def test_inactive_auditors_are_not_planned() -> None:
    with pytest.raises(PlanInfeasible, match="no active auditor"):
        plan_wave(WAVE, [need("E1", "east")], [auditor("A1", "east", active=False)], set(), PlanRules())


def test_double_audits_are_drawn_deterministically_at_the_share() -> None:
    dealers = [Dealer(f"D{n:02}", LocalText(en="x"), "east") for n in range(20)]
    first = visit_needs("2026-Q4", dealers, ["svc", "dig"], 0.1)
    again = visit_needs("2026-Q4", list(reversed(dealers)), ["svc", "dig"], 0.1)
    assert first == again
    assert sum(n.copies == 2 for n in first) == 4
    assert visit_needs("2027-Q1", dealers, ["svc", "dig"], 0.1) != first  # another wave, another draw


@settings(max_examples=60, deadline=None)
@given(
    regions=st.lists(st.sampled_from(["east", "west", "north"]), min_size=1, max_size=5),
    copies=st.lists(st.integers(1, 2), min_size=5, max_size=5),
    homes=st.lists(st.sampled_from(["east", "west", "north"]), min_size=2, max_size=3),
    locks=st.sets(st.tuples(st.integers(0, 2), st.integers(0, 4)), max_size=4),
    cap=st.integers(1, 4),
)
def test_the_solver_finds_the_brute_force_optimum(
    regions: list[str], copies: list[int], homes: list[str], locks: set[tuple[int, int]], cap: int
) -> None:
    auditors = [auditor(f"A{n}", home) for n, home in enumerate(homes)]
    needs = [need(f"D{n}", region, min(copies[n], len(auditors))) for n, region in enumerate(regions)]
    locked = {(f"A{a}", f"D{d}") for a, d in locks if a < len(auditors) and d < len(needs)}
    rules = PlanRules(max_visits_per_auditor=cap, out_of_region_cost=5, overload_cost=2)
    expected = brute_force_cost(needs, auditors, locked, rules)
    if expected is None:
        with pytest.raises(PlanInfeasible):
            plan_wave(WAVE, needs, auditors, locked, rules)
        return
    plan = plan_wave(WAVE, needs, auditors, locked, rules)
    assert plan.cost == expected
    assert all((v.auditor_id, v.dealer_code) not in locked for v in plan.visits)

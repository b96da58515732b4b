"""Incentive tiers, eligibility, gap, borderline and consecutive-wave streaks (core/incentives.py) by hand."""

from __future__ import annotations

import pytest

from dealer_audit.core.incentives import (
    Candidate,
    ConsecutiveRule,
    Eligibility,
    IncentiveRules,
    Payout,
    StreakStatus,
    Tier,
    assign_tiers,
    consecutive_status,
    evaluate_incentives,
    net_payout,
    top_count,
)
from dealer_audit.core.kpi_report import incentive_lines
from dealer_audit.core.kpis import DealerKpis, KpiWave, Reweighted
from dealer_audit.core.standard import LocalText
from dealer_audit.core.stats import Interval

GOLD = Tier("gold", LocalText(en="Gold"), Payout(percent=1.5), min=85)
SILVER = Tier("silver", LocalText(en="Silver"), Payout(percent=1.0), min=75)
BRONZE = Tier("bronze", LocalText(en="Bronze"), Payout(amount=20000), min=65)
ABSOLUTE = IncentiveRules((GOLD, SILVER, BRONZE))


def one(rules: IncentiveRules, candidate: Candidate):
    return assign_tiers(rules, [candidate])[candidate.dealer_code]


@pytest.mark.parametrize(
    ("score", "tier", "next_tier", "gap"),
    [
        (100.0, "gold", None, None),
        (85.0, "gold", None, None),  # exactly at the threshold reaches it
        (84.99, "silver", "gold", 0.01),
        (75.0, "silver", "gold", 10.0),
        (74.99, "bronze", "silver", 0.01),
        (65.0, "bronze", "silver", 10.0),
        (64.99, None, "bronze", 0.01),
        (0.0, None, "bronze", 65.0),
    ],
)
def test_absolute_tiers_at_every_threshold(score, tier, next_tier, gap):
    outcome = one(ABSOLUTE, Candidate("D1", "east", score))
    assert (outcome.tier.code if outcome.tier else None) == tier
    assert (outcome.next_tier.code if outcome.next_tier else None) == next_tier
    assert outcome.gap == (pytest.approx(gap) if gap is not None else None)
    assert outcome.eligible and not outcome.borderline


@pytest.mark.parametrize(("percent", "n", "count"), [(25, 4, 1), (25, 5, 2), (20, 7, 2), (10, 10, 1), (100, 3, 3),
                                                      (50, 0, 0), (30, 10, 3), (0.1, 1, 1)])  # fmt: skip
def test_top_percent_rounds_up(percent, n, count):
    assert top_count(percent, n) == count


def test_top_percent_of_the_region_with_ties_and_a_minimum():
    top = Tier("top", LocalText(en="Top"), Payout(percent=2), min=80, top_percent=25)
    rules = IncentiveRules((top, SILVER))
    east = [Candidate(f"E{i}", "east", s) for i, s in enumerate([95, 90, 90, 70, 60])]  # top 25 % of 5 = 2 dealers
    north = [Candidate("N0", "north", 78), Candidate("N1", "north", 60)]  # best of the north misses min 80
    outcomes = assign_tiers(rules, east + north)
    assert [outcomes[f"E{i}"].tier.code if outcomes[f"E{i}"].tier else None for i in range(5)] == [
        "top", "top", "top", None, None,  # E2 ties the 2nd dealer: a tie is not split
    ]  # fmt: skip
    assert outcomes["E0"].thresholds["top"] == 90  # the region's cut-off is above the minimum
    assert outcomes["N0"].tier == SILVER and outcomes["N0"].thresholds["top"] == 80  # the minimum is above the cut-off
    assert outcomes["N0"].gap == pytest.approx(2.0)
    assert outcomes["E3"].gap == pytest.approx(5.0)  # silver (75) is next for a dealer at 70


def test_eligibility_needs_visits_and_a_survey_base():
    rules = IncentiveRules((GOLD,), Eligibility(min_visits=2, min_kpi_base=30))
    ok = one(rules, Candidate("D1", "east", 90, visits=2, kpi_bases={"nps": 30, "csi": None}))
    assert ok.eligible and ok.tier == GOLD  # 30 is enough; a value without a base is not checked
    few = one(rules, Candidate("D2", "east", 90, visits=1, kpi_bases={"nps": 29}))
    assert not few.eligible and few.tier is None and few.gap is None
    assert [r.en for r in few.reasons] == ["1 visit(s), fewer than 2", "nps rests on 29, fewer than 30"]
    none = one(rules, Candidate("D3", "east", None, visits=3))
    assert not none.eligible and [r.en for r in none.reasons] == ["no composite index"]


def test_an_ineligible_dealer_does_not_count_in_the_regions_top_percent():
    top = Tier("top", LocalText(en="Top"), Payout(percent=2), top_percent=50)
    rules = IncentiveRules((top,), Eligibility(min_visits=2))
    outcomes = assign_tiers(
        rules,
        [
            Candidate("A", "east", 99, visits=1),
            Candidate("B", "east", 80, visits=2),
            Candidate("C", "east", 70, visits=2),
        ],
    )
    assert outcomes["A"].tier is None  # not eligible, however high
    assert outcomes["B"].tier == top and outcomes["C"].tier is None  # top 50 % of the 2 eligible = 1


@pytest.mark.parametrize(
    ("low", "high", "borderline"),
    [
        (75.0, 80.0, False),  # low equal to the silver threshold: every plausible value keeps silver
        (74.9, 80.0, True),  # could fall below silver
        (76.0, 84.9, False),
        (76.0, 85.0, True),  # high reaches gold: could be gold
        (60.0, 90.0, True),
    ],
)
def test_borderline_when_the_interval_holds_the_own_or_next_threshold(low, high, borderline):
    outcome = one(ABSOLUTE, Candidate("D1", "east", 78, Interval(low, high)))
    assert outcome.tier == SILVER
    assert outcome.borderline is borderline


def test_borderline_ignores_a_threshold_two_tiers_away():
    # bronze at 65 in the interval while the dealer is gold: silver (75) is in it too, so borderline anyway;
    # a dealer without a tier is borderline only at bronze
    outcome = one(ABSOLUTE, Candidate("D1", "east", 50, Interval(40, 64.99)))
    assert outcome.tier is None and not outcome.borderline
    assert one(ABSOLUTE, Candidate("D1", "east", 50, Interval(40, 65))).borderline


RULE = ConsecutiveRule(below=65, warning_after=2, penalty_after=3)


@pytest.mark.parametrize(
    ("history", "count", "status"),
    [
        ([], 0, StreakStatus.OK),
        ([70], 0, StreakStatus.OK),
        ([64.9], 1, StreakStatus.WATCH),
        ([65], 0, StreakStatus.OK),  # at the threshold is not below it
        ([60, 60], 2, StreakStatus.WARNING),
        ([60, 60, 60], 3, StreakStatus.PENALTY),
        ([60, 60, 60, 60], 4, StreakStatus.PENALTY),
        ([60, 60, 70], 0, StreakStatus.CURED),  # a cure resets the count
        ([60, 60, 70, 60], 1, StreakStatus.WATCH),  # and counting starts again
        ([60, 70, 72], 0, StreakStatus.OK),
        ([60, 70], 0, StreakStatus.OK),  # one wave below then a pass: nothing to cure
        ([60, None, 60], 2, StreakStatus.WARNING),  # a wave without a composite neither counts nor cures
        ([60, 60, None], 2, StreakStatus.WARNING),
        ([None, None], 0, StreakStatus.OK),
    ],
)
def test_consecutive_waves(history, count, status):
    streak = consecutive_status(RULE, history)
    assert (streak.count, streak.status) == (count, status)


# ---- the penalty payout (worked by hand in docs/kpis-and-incentives.md) ------------------------------------------


@pytest.mark.parametrize(
    ("tier", "penalty", "net"),
    [
        (None, None, None),
        (Payout(percent=1.0), None, Payout(percent=1.0)),
        (None, Payout(percent=-0.5), Payout(percent=-0.5)),  # no tier: the penalty alone
        (Payout(percent=1.0), Payout(percent=-0.5), Payout(percent=0.5)),  # 1.0 % − 0.5 % = 0.5 %
        (Payout(amount=20000), Payout(amount=-5000), Payout(amount=15000)),  # 20,000 − 5,000
        (Payout(amount=20000), Payout(percent=-0.5), None),  # an amount and a percentage do not add up
    ],
)
def test_net_payout_adds_a_penalty_of_the_same_kind(tier, penalty, net):
    assert net_payout(tier, penalty) == net


def _wave(code: str, composites: dict[str, float]) -> KpiWave:
    dealers = tuple(
        DealerKpis(dealer, "east", (), Reweighted(None, 0.0), score, score, None, 3)
        for dealer, score in composites.items()
    )
    return KpiWave(code, (), dealers, scale=1000)


def test_a_dealer_in_penalty_status_shows_the_penalty_and_its_net_payout():
    """Below 80 for three waves in a row → penalty −0.5 %. D1 (60, 60, 60) reaches no tier: net −0.5 %. D2 (78 × 3)
    is still silver at 1.0 %: net 0.5 %. D3 (70 × 3) is bronze, paid 20,000: no net (amount + percent). D4 (78, 78,
    90) cured, D5 (90, 60, 60) warned: no penalty."""
    rules = IncentiveRules((GOLD, SILVER, BRONZE), consecutive=ConsecutiveRule(80, 2, 3, penalty=Payout(percent=-0.5)))
    history = {"D1": (60, 60, 60), "D2": (78, 78, 78), "D3": (70, 70, 70), "D4": (78, 78, 90), "D5": (90, 60, 60)}
    waves = [_wave(f"W{i}", {d: h[i] for d, h in history.items()}) for i in range(3)]
    card = evaluate_incentives(rules, waves[-1], waves[:-1])
    rows = {r.dealer_code: r for r in card.incentives}
    assert {d for d, r in rows.items() if r.penalty is not None} == {"D1", "D2", "D3"}
    assert rows["D1"].net_payout == Payout(percent=-0.5)
    assert rows["D2"].outcome.tier == SILVER and rows["D2"].net_payout == Payout(percent=0.5)
    assert rows["D3"].outcome.tier == BRONZE and rows["D3"].net_payout is None
    assert rows["D4"].streak.status is StreakStatus.CURED and rows["D4"].penalty is None
    assert rows["D5"].streak.status is StreakStatus.WARNING and rows["D5"].penalty is None

    lines = {line.dealer: line for line in incentive_lines(card, "en")}
    assert (lines["D1"].streak, lines["D1"].penalty, lines["D1"].net_payout) == ("penalty (3)", "-0.5 %", "-0.5 %")
    assert (lines["D2"].payout, lines["D2"].penalty, lines["D2"].net_payout) == ("1 %", "-0.5 %", "0.5 %")
    assert (lines["D3"].payout, lines["D3"].net_payout) == ("20,000", "—")
    assert lines["D4"].penalty == lines["D5"].penalty == lines["D5"].net_payout == ""
    chinese = {line.dealer: line for line in incentive_lines(card, "zh")}
    assert (chinese["D1"].streak, chinese["D1"].penalty) == ("处罚 (3)", "-0.5 %")

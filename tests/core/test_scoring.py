"""Hand-computed cases for each scoring rule (docs/scoring.md states the rules these numbers follow)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dealer_audit.core.aggregate import score_wave
from dealer_audit.core.answers import Answer
from dealer_audit.core.scoring import display_round, format_score, item_fraction, score_audit, value_problem
from dealer_audit.core.standard import (
    AnswerType,
    Checklist,
    ChecklistKind,
    Critical,
    CriticalEffect,
    Item,
    LocalText,
    NumberBand,
    Option,
    ScaleRange,
    Section,
)
from tests.core.scoring_fixtures import BANDS, NA, audit, dealer, mini_standard, program, simple_standard, yes_no

STD = mini_standard()
EV = dealer(has_ev_service=True)
FULL = {"R01": "yes", "R02": "yes", "R03": "no", "R04": 1, "W01": "wait", "W02": 5, "W03": ("wifi",), "W04": "yes"}


def one_section(*items: Item, weight: float | None = None) -> Checklist:
    return Checklist(
        "t", "1", ChecklistKind.MYSTERY_SHOP, LocalText(en="t"), (Section("S", LocalText(), items, weight),)
    )


def test_full_audit_of_the_mini_standard() -> None:
    score = score_audit(STD, audit(STD, **FULL), EV)
    reception, waiting = score.sections
    assert (reception.earned, reception.possible, reception.percent) == (8, 8, 100)
    # W02 5/5 -> 1 x 2, W03 wifi only -> 1/2 x 2, W04 yes -> 1; W01 is unscored, W05-W07 unanswered
    assert (waiting.earned, waiting.possible, waiting.percent) == (4, 5, 80)
    assert waiting.weight == 5  # default section weight: the sum of its scored, non-bonus item weights
    assert score.index == pytest.approx((40 * 100 + 5 * 80) / 45)
    assert score.raw_index == score.index
    assert score.band is not None and score.band.code == "excellent"
    assert score.complete and score.knock_outs == ()


def test_worked_example_of_docs_scoring_md() -> None:
    """The example in docs/scoring.md; change both together."""
    values = {**FULL, "R01": "no", "R04": 1.5, "W02": 4, "W03": ("wifi", "drinks"), "W04": "no", "W06": "yes"}
    values["R01"] = Answer("R01", "no", note="paper check-in sheet", evidence=())
    score = score_audit(STD, audit(STD, **values), EV)
    reception, waiting = score.sections
    assert (reception.earned, reception.possible) == (5, 8)
    assert reception.percent == 62.5
    assert (waiting.earned, waiting.possible) == (4.5, 5)  # 1.5 + 2 + 0 + bonus 1
    assert waiting.percent == 90
    assert score.raw_index == pytest.approx(2950 / 45)
    assert display_round(score.raw_index) == 65.6
    assert score.index == 60
    assert [(k.item_id, k.effect.value, k.cap, k.binding) for k in score.knock_outs] == [("R01", "cap", 60, True)]
    assert score.band is not None and score.band.code == "fair"
    r01 = score.item("R01")
    assert r01 is not None and r01.failed and r01.critical_failed and r01.points_lost == 3


def test_worked_example_numbers_in_the_docs() -> None:
    """docs/scoring.md's worked-example table states exactly what the code computes (display-rounded)."""
    text = (Path(__file__).parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
    block = text.split("<!-- worked-example:start -->")[1].split("<!-- worked-example:end -->")[0]
    stated = dict(
        tuple(cell.strip() for cell in line.strip().strip("|").split("|")) for line in block.strip().splitlines()[2:]
    )
    values = {**FULL, "R01": "no", "R04": 1.5, "W02": 4, "W03": ("wifi", "drinks"), "W04": "no", "W06": "yes"}
    a = audit(STD, **values)
    score = score_audit(STD, a, EV)
    reception, waiting = score.sections
    wave = score_wave(program((("mini-service", 1),)), {STD.key: STD}, [EV], [a], "2026-Q4")
    first = wave.dealers[0].opportunities[0]
    computed = {
        "reception earned / possible": f"{reception.earned:g} / {reception.possible:g}",
        "reception %": format_score(reception.percent),
        "waiting earned / possible": f"{waiting.earned:g} / {waiting.possible:g}",
        "waiting %": format_score(waiting.percent),
        "raw index": format_score(score.raw_index),
        "gated index": format_score(score.index),
        "band": score.band.code if score.band else "",
        "knock-outs": ", ".join(f"{k.item_id} {k.effect.value} {k.cap:g}" for k in score.knock_outs),
        "R01 opportunity (index points)": f"{first.item_id == 'R01' and format_score(first.index_points)}",
    }
    assert stated == computed


@pytest.mark.parametrize(
    ("item", "value", "expected"),
    [
        (yes_no("Y"), "yes", 1.0),
        (yes_no("Y"), "no", 0.0),
        (yes_no("Y", compliant_answer="no"), "no", 1.0),
        (yes_no("Y", compliant_answer="no"), "yes", 0.0),
        (Item("S", LocalText(), AnswerType.SCALE, scale=ScaleRange(1, 5)), 1, 0.0),
        (Item("S", LocalText(), AnswerType.SCALE, scale=ScaleRange(1, 5)), 4, 0.75),
        (Item("S", LocalText(), AnswerType.SCALE), 3, 0.5),  # default scale 1..5
        (Item("S", LocalText(), AnswerType.SCALE, scale=ScaleRange(0, 10)), 7, 0.7),
        (
            Item(
                "S",
                LocalText(),
                AnswerType.SCALE,
                scale=ScaleRange(1, 3),
                options=(Option("1", LocalText(), 0), Option("2", LocalText(), 4), Option("3", LocalText(), 5)),
            ),
            2,
            0.8,  # options carry points: 4 / best 5, not (2-1)/(3-1)
        ),
        (
            Item(
                "C",
                LocalText(),
                AnswerType.SINGLE_CHOICE,
                options=(Option("a", LocalText(), 4), Option("b", LocalText(), 1), Option("c", LocalText(), 0)),
            ),
            "b",
            0.25,
        ),
        (Item("T", LocalText(), AnswerType.TEXT), "all good", None),
        (Item("T", LocalText(), AnswerType.TEXT, scored=True), "all good", 1.0),
        (Item("P", LocalText(), AnswerType.PHOTO, scored=True), "board.jpg", 1.0),
        (Item("P", LocalText(), AnswerType.PHOTO), "board.jpg", None),
    ],
)
def test_item_fractions(item: Item, value: object, expected: float | None) -> None:
    assert item_fraction(item, value) == expected  # type: ignore[arg-type]


MULTI = Item(
    "M",
    LocalText(),
    AnswerType.MULTIPLE_CHOICE,
    options=(
        Option("wifi", LocalText(), 1),
        Option("drinks", LocalText(), 1),
        Option("snacks", LocalText(), 2),
        Option("dirty", LocalText(), -3),
        Option("none", LocalText(), 0),
    ),
)


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ((), 0.0),
        (("wifi",), 0.25),  # 1 / (1 + 1 + 2): negative and zero points are not "possible"
        (("wifi", "snacks"), 0.75),
        (("wifi", "drinks", "snacks"), 1.0),
        (("wifi", "wifi", "drinks", "snacks"), 1.0),  # a duplicate code counts once
        (("wifi", "dirty"), 0.0),  # a negative option subtracts; the fraction never goes below 0
        (("wifi", "drinks", "snacks", "dirty"), 0.25),
        (("none",), 0.0),
    ],
)
def test_multiple_choice(chosen: tuple[str, ...], expected: float) -> None:
    assert item_fraction(MULTI, chosen) == pytest.approx(expected)


NUMBER = Item(
    "N",
    LocalText(),
    AnswerType.NUMBER,
    bands=(NumberBand(1, max=2), NumberBand(0.5, min=2, max=5), NumberBand(0.2, min=10, max=20)),
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1.0), (2, 1.0), (2.01, 0.5), (5, 0.5), (7, 0.0), (10, 0.2), (20, 0.2), (21, 0.0), (-1, 1.0)],
)
def test_number_first_matching_band(value: float, expected: float) -> None:
    """First match wins (2 is in both of the first bands: 1.0); no matching band scores 0."""
    assert item_fraction(NUMBER, value) == expected


def test_na_removes_the_item_from_earned_and_possible() -> None:
    score = score_audit(STD, audit(STD, **{**FULL, "R02": NA, "R04": 4}), EV)
    reception = score.sections[0]
    assert (reception.earned, reception.possible) == (5, 6)  # R01 3 + R03 1 + R04 0.5 x 2; R02 dropped
    r02 = score.item("R02")
    assert r02 is not None and r02.na and not r02.counted and not r02.failed and r02.possible == 0


def test_false_condition_removes_items_and_an_empty_section_drops_out() -> None:
    values = {"R01": "yes", "R02": "no", "R03": "no", "R04": 1, "W01": "leave", "W02": 1, "W06": "yes"}
    score = score_audit(STD, audit(STD, **values), EV)
    reception, waiting = score.sections
    assert reception.percent == 100 * 6 / 8
    # W02 answered but hidden (customer left); W06 is a bonus and adds no possible points: nothing to rate
    assert waiting.percent is None and not waiting.applicable and waiting.possible == 0
    assert score.index == 75.0  # the N/A section's weight leaves the denominator
    w02 = score.item("W02")
    assert w02 is not None and not w02.applicable and not w02.counted


def test_dealer_attribute_conditions() -> None:
    without_ev = score_audit(STD, audit(STD, **{**FULL, "W04": "no"}), dealer(has_ev_service=False))
    assert without_ev.sections[1].possible == 4  # W04 does not apply
    with_ev = score_audit(STD, audit(STD, **{**FULL, "W04": "no"}), EV)
    assert with_ev.sections[1].possible == 5
    assert with_ev.sections[1].earned == 3


def test_no_scored_answer_gives_no_index() -> None:
    score = score_audit(STD, audit(STD, final=False, W07="nice"), EV)
    assert score.index is None and score.raw_index is None and score.band is None
    assert not score.complete
    assert score.missing_required == ("R01", "R02", "R03", "R04", "W01")


def test_unanswered_items_do_not_count_and_flag_the_draft() -> None:
    values = {k: v for k, v in FULL.items() if k not in ("R04",)}
    score = score_audit(STD, audit(STD, final=False, **values), EV)
    assert score.sections[0].possible == 6
    assert score.missing_required == ("R04",) and not score.complete and not score.final


def test_invalid_answers_do_not_count_and_are_listed() -> None:
    score = score_audit(STD, audit(STD, **{**FULL, "R01": "maybe", "W03": ("cake",)}), EV)
    assert score.invalid_items == ("R01", "W03")
    assert score.sections[0].possible == 5
    assert value_problem(STD.items_by_id["R01"], "maybe") is not None


# ---- knock-outs ----------------------------------------------------------------------------------------------------


def knockout_standard(critical: Critical, weight_b: float | None = None) -> Checklist:
    return Checklist(
        "k",
        "1",
        ChecklistKind.MYSTERY_SHOP,
        LocalText(),
        (
            Section("A", LocalText(), (yes_no("A1", critical=critical), yes_no("A2"), yes_no("A3"), yes_no("A4"))),
            Section("B", LocalText(), (yes_no("B1"), yes_no("B2")), weight=weight_b),
        ),
        bands=BANDS,
    )


def test_zero_section() -> None:
    std = knockout_standard(Critical(CriticalEffect.ZERO_SECTION))
    score = score_audit(std, audit(std, A1="no", A2="yes", A3="yes", A4="yes", B1="yes", B2="no"))
    a, b = score.sections
    assert (a.raw_percent, a.percent, a.zeroed) == (75, 0, True)
    assert b.percent == 50
    assert score.raw_index == pytest.approx((4 * 75 + 2 * 50) / 6)
    assert score.index == pytest.approx((4 * 0 + 2 * 50) / 6)
    assert [(k.item_id, k.effect, k.binding) for k in score.knock_outs] == [("A1", CriticalEffect.ZERO_SECTION, True)]


def test_zero_index() -> None:
    std = knockout_standard(Critical(CriticalEffect.ZERO_INDEX))
    score = score_audit(std, audit(std, A1="no", A2="yes", A3="yes", A4="yes", B1="yes", B2="yes"))
    assert score.raw_index == pytest.approx(500 / 6)
    assert score.index == 0
    assert score.band is not None and score.band.code == "poor"
    passed = score_audit(std, audit(std, A1="yes", A2="yes", A3="yes", A4="yes", B1="yes", B2="yes"))
    assert passed.index == 100 and passed.knock_outs == ()


def test_cap_binds_only_above_the_cap() -> None:
    std = knockout_standard(Critical(CriticalEffect.CAP, 70))
    high = score_audit(std, audit(std, A1="no", A2="yes", A3="yes", A4="yes", B1="yes", B2="yes"))
    assert (high.raw_index, high.index) == (pytest.approx(500 / 6), 70)
    assert high.knock_outs[0].binding
    low = score_audit(std, audit(std, A1="no", A2="no", A3="no", A4="yes", B1="yes", B2="no"))
    assert low.index == low.raw_index == pytest.approx(200 / 6)
    assert not low.knock_outs[0].binding


def test_several_caps_the_lowest_wins_and_a_critical_na_does_not_knock_out() -> None:
    std = Checklist(
        "k",
        "1",
        ChecklistKind.MYSTERY_SHOP,
        LocalText(),
        (
            Section(
                "A",
                LocalText(),
                (
                    yes_no("A1", critical=Critical(CriticalEffect.CAP, 80)),
                    yes_no("A2", critical=Critical(CriticalEffect.CAP, 50)),
                    yes_no("A3", critical=Critical(CriticalEffect.ZERO_INDEX), na_allowed=True),
                    *(yes_no(f"A{n}") for n in range(4, 20)),
                ),
            ),
        ),
    )
    values = {"A1": "no", "A2": "no", "A3": NA, **{f"A{n}": "yes" for n in range(4, 20)}}
    score = score_audit(std, audit(std, **values))
    assert score.raw_index == pytest.approx(100 * 16 / 18)
    assert score.index == 50
    assert [k.item_id for k in score.knock_outs] == ["A1", "A2"]


def test_partial_credit_on_a_critical_item_is_a_failure() -> None:
    item = Item(
        "N1",
        LocalText(),
        AnswerType.NUMBER,
        bands=(NumberBand(1, max=2), NumberBand(0.5)),
        critical=Critical("cap", 40),
    )
    std = one_section(item, yes_no("Y"))
    score = score_audit(std, audit(std, N1=3, Y="yes"))
    assert score.raw_index == pytest.approx(75) and score.index == 40


# ---- bonus, weights --------------------------------------------------------------------------------------------------


def test_bonus_adds_earned_not_possible_and_the_index_is_capped_at_100() -> None:
    std = one_section(yes_no("Y1"), yes_no("Y2"), yes_no("B", weight=2, bonus=True))
    some = score_audit(std, audit(std, Y1="yes", Y2="no", B="yes"))
    assert (some.sections[0].earned, some.sections[0].possible) == (3, 2)
    assert some.index == 100  # 150% capped
    partial = score_audit(std, audit(std, Y1="no", Y2="no", B="yes"))
    assert partial.index == 100
    std = one_section(yes_no("Y1"), yes_no("Y2"), yes_no("Y3"), yes_no("Y4"), yes_no("B", bonus=True))
    bonus = score_audit(std, audit(std, Y1="yes", Y2="no", Y3="no", Y4="no", B="yes"))
    assert bonus.index == 50  # (1 + 1) / 4
    bonus_failed = score_audit(std, audit(std, Y1="yes", Y2="no", Y3="no", Y4="no", B="no"))
    assert bonus_failed.index == 25
    b = bonus_failed.item("B")
    assert b is not None and b.failed and b.points_lost == 0  # a missed bonus loses nothing


def test_explicit_section_weights() -> None:
    std = simple_standard(sections={"A": 4, "B": 1}, section_weights={"A": 1, "B": 3})
    score = score_audit(std, audit(std, A1="yes", A2="no", A3="no", A4="no", B1="yes"))
    assert score.index == pytest.approx((1 * 25 + 3 * 100) / 4)


def test_item_weights_in_a_section() -> None:
    std = one_section(yes_no("Y1", weight=3), yes_no("Y2", weight=1))
    assert score_audit(std, audit(std, Y1="yes", Y2="no")).index == 75
    assert score_audit(std, audit(std, Y1="no", Y2="yes")).index == 25


def test_the_score_records_what_it_was_computed_with() -> None:
    a = replace(audit(STD, **FULL), standard_hash="abc")
    score = score_audit(STD, a, EV)
    assert (score.standard_id, score.standard_version, score.standard_hash, score.dealer_code, score.wave) == (
        "mini-service",
        "2026.1",
        "abc",
        "D1",
        "2026-Q4",
    )
    assert score.final
    assert score.earned == 12 and score.possible == 13


# ---- rounding ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(84.25, 1, 84.3), (84.24999, 1, 84.2), (-0.05, 1, -0.1), (0.05, 1, 0.1), (2.675, 2, 2.68), (100.0, 1, 100.0)],
)
def test_display_round_half_away_from_zero(value: float, digits: int, expected: float) -> None:
    assert display_round(value, digits) == expected


def test_format_score() -> None:
    assert format_score(2950 / 45) == "65.6"
    assert format_score(100) == "100.0"
    assert format_score(None) == "N/A"
    assert format_score(-0.04) == "0.0"
    assert format_score(-0.05) == "-0.1"


# ---- conditions in scoring ---------------------------------------------------------------------------------------


def chain_standard() -> Checklist:
    return one_section(
        yes_no("G", na_allowed=True),
        yes_no("X", condition="G == 'yes'"),
        yes_no("Y", condition="X == 'yes'"),
        yes_no("Z", condition="answered(G) and G != 'yes'"),
        yes_no("E", condition="dealer.region == 'north' or dealer.has_ev_service"),
    )


def test_a_hidden_answer_does_not_steer_later_conditions() -> None:
    std = chain_standard()
    score = score_audit(std, audit(std, G="no", X="yes", Y="yes", Z="yes", E="yes"), dealer(region="east"))
    applicable = {i.item_id: i.applicable for i in score.items}
    # X is hidden by G = no, so its stale "yes" must not reveal Y
    assert applicable == {"G": True, "X": False, "Y": False, "Z": True, "E": False}
    assert score.sections[0].possible == 2


def test_na_counts_as_answered_but_reads_as_no_value() -> None:
    std = chain_standard()
    score = score_audit(std, audit(std, G=NA, Z="no"), dealer(region="north"))
    applicable = {i.item_id: i.applicable for i in score.items}
    # answered(G) is true for N/A, and G != 'yes' is false for a missing value (comparisons with null are false)
    assert applicable == {"G": True, "X": False, "Y": False, "Z": False, "E": True}
    assert score.missing_required == ("E",)


def test_dealer_master_data_and_attributes_in_conditions() -> None:
    std = chain_standard()
    east_ev = score_audit(
        std, audit(std, G="yes", X="yes", Y="yes", E="yes"), dealer(region="east", has_ev_service=True)
    )
    assert east_ev.item("E").applicable  # type: ignore[union-attr]
    assert score_audit(std, audit(std, E="yes"), {"region": "north"}).item("E").applicable  # type: ignore[union-attr]
    assert not score_audit(std, audit(std, E="yes"), None).item("E").applicable  # type: ignore[union-attr]

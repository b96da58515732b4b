"""A scored wave keeps each distinct item and section record once (core/scoring.py `_item_row`, `_shared_section`,
core/aggregate.py `_item_results`): equal records are shared between audits and dealers, and sharing never changes
a number — not its type, not the sign of a zero."""

from __future__ import annotations

import math

from dealer_audit.core.aggregate import score_wave
from dealer_audit.core.scoring import ItemScore, score_audit
from dealer_audit.core.standard import AnswerType, Checklist, ChecklistKind, Item, LocalText, NumberBand, Section
from tests.core.scoring_fixtures import audit, dealer, mini_standard, program, simple_standard

MINI = mini_standard()
EV = dealer(has_ev_service=True)
ANSWERS = {"R01": "yes", "R02": "no", "R03": "no", "R04": 3, "W01": "wait", "W02": 4, "W03": ("wifi",)}


def number_standard() -> Checklist:
    """One number item whose bands give 1 (an int), 1.0, 0.0 and -0.0 for the values 1, 2, 3 and 4: equal
    numbers a dict would not tell apart."""
    bands = (NumberBand(1, max=1), NumberBand(1.0, max=2), NumberBand(0.0, max=3), NumberBand(-0.0))
    item = Item("N", LocalText(en="N"), AnswerType.NUMBER, weight=2.0, bands=bands)
    section = Section("S", LocalText(en="S"), (item,))
    return Checklist("simple", "1", ChecklistKind.MYSTERY_SHOP, LocalText(en="n"), (section,))


def test_audits_with_the_same_outcome_share_their_item_records() -> None:
    first = score_audit(MINI, audit(MINI, "D1", **ANSWERS), EV)
    second = score_audit(MINI, audit(MINI, "D2", **ANSWERS), EV)
    assert first.items == second.items
    assert all(a is b for a, b in zip(first.items, second.items, strict=True))
    assert all(a is b for a, b in zip(first.failures, second.failures, strict=True))
    assert first.sections == second.sections
    assert all(a is b for a, b in zip(first.sections, second.sections, strict=True))
    # the shared records are the ones scoring builds: an unanswered bonus item, an unscored answer, a counted one
    assert first.item("W06") == ItemScore("W06", "waiting", 1.0, True, False, False, False, None, 0.0, 0.0, True)
    assert first.item("W01") == ItemScore("W01", "waiting", 1.0, True, True, False, False, None, 0.0, 0.0)
    assert first.item("R04") == ItemScore("R04", "reception", 2, True, True, False, True, 0.5, 1.0, 2)


def test_a_counted_record_is_shared_only_for_the_same_number() -> None:
    standard = number_standard()
    scores = [score_audit(standard, audit(standard, "D1", N=value), None).item("N") for value in (1, 2, 3, 4, 1, 4)]
    fractions = [s.fraction for s in scores if s is not None]
    assert [type(f) for f in fractions] == [int, float, float, float, int, float]
    assert [math.copysign(1.0, f) for f in fractions] == [1.0, 1.0, 1.0, -1.0, 1.0, -1.0]
    earned = [s.earned for s in scores if s is not None]
    assert [type(e) for e in earned] == [float] * 6 and [math.copysign(1.0, e) for e in earned[2:4]] == [1.0, -1.0]
    assert scores[0] is scores[4]  # the same number again: the same record
    assert scores[0] is not scores[1] and scores[2] is not scores[3]  # an equal number: a record of its own
    assert scores[3] == scores[5] and math.copysign(1.0, scores[5].fraction) == -1.0  # type: ignore[union-attr,arg-type]


def test_dealers_with_the_same_outcome_share_their_item_results() -> None:
    standard = simple_standard()
    answers = {"A1": "yes", "A2": "no", "B1": "yes", "B2": "yes"}
    dealers = [dealer("D1", "east"), dealer("D2", "north")]
    audits = [audit(standard, d.code, **answers) for d in dealers]
    result = score_wave(program(), {standard.key: standard}, dealers, audits, "2026-Q4")
    one, two = (result.dealer(d.code).checklist("simple").items for d in dealers)  # type: ignore[union-attr]
    assert one == two and all(a is b for a, b in zip(one, two, strict=True))
    assert [(i.item_id, i.passed, i.failed) for i in one] == [("A1", 1, 0), ("A2", 0, 1), ("B1", 1, 0), ("B2", 1, 0)]


def test_a_dealer_mean_of_minus_zero_is_plus_zero_as_a_sum_from_zero_gives() -> None:
    """A dealer's figures are its audits' rows summed onto +0.0, even where they are kept in place of a row."""
    standard = number_standard()
    result = score_wave(program(), {standard.key: standard}, [dealer("D1")], [audit(standard, "D1", N=4)], "2026-Q4")
    item = result.dealer("D1").checklist("simple").items[0]  # type: ignore[union-attr]
    assert item.counted == 1 and item.mean_fraction == 0.0 and math.copysign(1.0, item.mean_fraction) == 1.0
    assert result.audit_scores[0].item("N").fraction == 0.0  # type: ignore[union-attr]
    assert math.copysign(1.0, result.audit_scores[0].item("N").fraction) == -1.0  # type: ignore[union-attr,arg-type]


def test_the_shared_records_of_an_item_stay_bounded() -> None:
    """The plan outlives a wave (cached per standard): an item with more distinct fractions than the table keeps
    still scores every one right, and the table stops growing at its bound."""
    from dealer_audit.core import scoring

    bands = (*(NumberBand(k / 400, max=k) for k in range(400)), NumberBand(1.0))
    item = Item("N", LocalText(en="N"), AnswerType.NUMBER, weight=2.0, bands=bands)
    standard = Checklist(
        "many", "1", ChecklistKind.MYSTERY_SHOP, LocalText(en="n"), (Section("S", LocalText(en="S"), (item,)),)
    )
    for value in range(400):
        score = score_audit(standard, audit(standard, "D1", N=value), None).item("N")
        assert score is not None and score.fraction == value / 400 and score.earned == 2.0 * (value / 400)
    ((_, rows),) = scoring._plan(standard).rows
    assert len(rows[0][7]) == scoring._SHARED_FRACTIONS < 400  # the first ones kept, the rest built apart

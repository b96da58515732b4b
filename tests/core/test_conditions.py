"""The skip-logic language: parsing errors point at a column, evaluation is safe and total."""

import pytest

from dealer_audit.core.conditions import ConditionError, parse_condition


@pytest.mark.parametrize(
    ("text", "answers", "dealer", "expected"),
    [
        ("W01 == 'wait'", {"W01": "wait"}, {}, True),
        ("W01 == 'wait'", {}, {}, False),
        ("dealer.has_ev_service", {}, {"has_ev_service": True}, True),
        ("dealer.has_ev_service", {}, {}, False),
        ("dealer.has_ev_service and W01 == 'wait'", {"W01": "wait"}, {"has_ev_service": False}, False),
        ("R04 > 5 or R01 == 'no'", {"R04": 7}, {}, True),
        ("R04 >= 5", {"R04": 5}, {}, True),
        ("R04 < 5", {}, {}, False),
        ("not R01", {"R01": "no"}, {}, True),
        ("'wifi' in W03", {"W03": ("wifi", "drinks")}, {}, True),
        ("selected(W03, 'drinks')", {"W03": ("wifi",)}, {}, False),
        ("count(W03) >= 2", {"W03": ("wifi", "drinks")}, {}, True),
        ("W01 in ['wait', 'stay']", {"W01": "stay"}, {}, True),
        ("W01 not in ['wait', 'stay']", {"W01": "leave"}, {}, True),
        ("R02 != 'yes'", {}, {}, False),
        ("R02 != null", {"R02": "no"}, {}, True),
        ("dealer.tier == 2", {}, {"tier": 2}, True),
    ],
)
def test_evaluates(text: str, answers: dict, dealer: dict, expected: bool) -> None:
    assert parse_condition(text).evaluate(answers, dealer) is expected


def test_answered_counts_na_when_told() -> None:
    condition = parse_condition("answered(R02)")
    assert condition.evaluate({}, answered=lambda item: item == "R02") is True
    assert condition.evaluate({}) is False


def test_references_are_listed() -> None:
    condition = parse_condition("dealer.has_ev_service and (W01 == 'wait' or selected(W03, 'wifi'))")
    assert [r.item_id for r in condition.item_refs] == ["W01", "W03"]
    assert [r.attribute for r in condition.dealer_refs] == ["has_ev_service"]


@pytest.mark.parametrize(
    ("text", "column"),
    [("R01 ==", 7), ("R01 = 'yes'", 5), ("__import__('os')", 11), ("R01 and and", 9), ("(R01", 5), ("", 1)],
)
def test_syntax_errors_name_the_column(text: str, column: int) -> None:
    with pytest.raises(ConditionError) as raised:
        parse_condition(text)
    assert raised.value.column == column

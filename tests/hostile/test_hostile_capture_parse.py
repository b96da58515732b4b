"""What an auditor types into the capture wizard is parsed by `capture.session.parse_answer`; hostile or careless
numbers end in a CaptureError the wizard shows before asking again — never a ValueError or a stored `inf`."""

from __future__ import annotations

import pytest

from dealer_audit.capture.session import CaptureError, parse_answer


@pytest.mark.parametrize(
    ("item_id", "typed"),
    [("W02", "9" * 5000), ("W02", "inf"), ("R04", "inf"), ("R04", "-Infinity"), ("R04", "nan"), ("R04", "9" * 400)],
)
def test_unusable_numbers_are_refused_with_a_message(mini_standard, item_id, typed):
    item = mini_standard.items_by_id[item_id]
    with pytest.raises(CaptureError):
        parse_answer(item, typed)


def test_a_plain_number_still_parses(mini_standard):
    assert parse_answer(mini_standard.items_by_id["R04"], "7") == (7, False)
    assert parse_answer(mini_standard.items_by_id["W02"], "4") == (4, False)

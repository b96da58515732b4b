"""core/actions.py: status rules, one action per failed item, the next wave verifies or reopens (repeat failure).

The mini standard: R01 (critical yes/no) fails on "no"; R03 ("customer asked again?") passes on "no" and fails on
"yes"; make_audit's defaults fail R04 (3 minutes: half marks) and W02 (4 of 5), and miss the bonus W06.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealer_audit.core.actions import (
    DEALER_TRANSITIONS,
    Action,
    ActionStatus,
    actions_for_wave,
    transition_problem,
    verify_actions,
)
from dealer_audit.core.aggregate import score_wave
from dealer_audit.core.answers import Answer, AuditStatus


def failed_items(result: Any, dealer: str) -> set[str]:
    """Items the scoring itself says the dealer failed (the rule actions must follow)."""
    d = result.dealer(dealer)
    return {i.item_id for c in d.checklists for i in c.items if i.failed}


@pytest.fixture
def wave(mini_standard: Any, mini_program: Any, sample_dealers: list[Any], make_audit: Any) -> Any:
    def score(audits: list[Any], wave: str = "2026-Q4", previous: list[Any] | None = None) -> Any:
        return score_wave(
            mini_program, {mini_standard.key: mini_standard}, sample_dealers, audits, wave, previous or []
        )

    return score


def test_every_failed_item_becomes_one_action_with_its_finding(wave: Any, make_audit: Any) -> None:
    audit = make_audit(dealer_code="SH002", audit_id="a1")
    audit = audit.with_answer(Answer("R01", "no", note="无预约单 no booking sheet"))
    second = make_audit(dealer_code="SH002", audit_id="a2").with_answer(Answer("R01", "no", note="still none"))
    draft = make_audit(dealer_code="BJ001", audit_id="d1", status=AuditStatus.DRAFT)
    result = wave([audit, second, draft])
    actions = actions_for_wave(result, [audit, second, draft], due=date(2026, 12, 31))
    expected = failed_items(result, "SH002") - {"W06"}  # W06 is a bonus item: missing it is no breach
    assert "W06" in failed_items(result, "SH002")
    assert {a.item_id for a in actions} == expected == {"R01", "R04", "W02"}
    assert all(a.dealer_code == "SH002" for a in actions)  # the draft counts for nothing
    r01 = next(a for a in actions if a.item_id == "R01")
    assert r01.action_id == "2026-Q4/SH002/mini-service/R01"
    assert r01.finding == "无预约单 no booking sheet; still none"
    assert r01.audit_ids == ("a1", "a2") and r01.critical and r01.section_id == "reception"
    assert (r01.status, r01.due, r01.last_wave, r01.repeat_count) == (
        ActionStatus.OPEN,
        date(2026, 12, 31),
        "2026-Q4",
        0,
    )


def test_generating_twice_adds_nothing(wave: Any, make_audit: Any) -> None:
    audits = [make_audit(dealer_code="SH002")]
    result = wave(audits)
    first = actions_for_wave(result, audits)
    assert first
    assert actions_for_wave(result, audits, first) == []


def test_next_wave_verifies_a_fixed_item_and_reopens_a_repeat_failure(wave: Any, make_audit: Any) -> None:
    q3 = [make_audit(dealer_code="SH002", wave="2026-Q3", audit_id="q3")]
    q3 = [q3[0].with_answer(Answer("R03", "yes"))]  # fails R03, R04 and W02 in Q3
    actions = actions_for_wave(wave(q3, "2026-Q3"), q3)
    assert {a.item_id for a in actions} == {"R03", "R04", "W02"}
    q4 = [make_audit(dealer_code="SH002", audit_id="q4").with_answer(Answer("W02", 5))]  # R03, W02 pass; R04 fails
    q4_result = wave(q4, previous=q3)
    changes = {v.action.item_id: v for v in verify_actions(q4_result, actions, date(2027, 1, 31))}
    assert changes["R03"].action.status is ActionStatus.VERIFIED
    assert changes["W02"].action.status is ActionStatus.VERIFIED
    reopened = changes["R04"].action
    assert (reopened.status, reopened.repeat_count, reopened.last_wave) == (ActionStatus.REOPENED, 1, "2026-Q4")
    assert reopened.due == date(2027, 1, 31)
    # the same rule as the scoring's repeat failures: every reopened item is one of them
    repeats = {r.item_id for r in q4_result.repeat_failures} - {"W06"}  # the bonus item has no action
    assert {i for i, v in changes.items() if v.action.status is ActionStatus.REOPENED} == repeats == {"R04"}
    # a reopened item gets no second action in Q4
    current = [changes[a.item_id].action if a.item_id in changes else a for a in actions]
    assert actions_for_wave(q4_result, q4, current) == []


def test_actions_of_an_older_wave_or_not_rated_items_are_left_alone(wave: Any, make_audit: Any) -> None:
    q3 = [make_audit(dealer_code="SH002", wave="2026-Q3")]
    actions = actions_for_wave(wave(q3, "2026-Q3"), q3)
    # Q4 without any audit of SH002: nothing rated, nothing changes
    assert verify_actions(wave([make_audit(dealer_code="BJ001")], previous=q3), actions) == []
    # a verified action is closed for good
    closed = [replace(a, status=ActionStatus.VERIFIED) for a in actions]
    assert verify_actions(wave([make_audit(dealer_code="SH002")], previous=q3), closed) == []


@pytest.mark.parametrize(
    ("before", "after", "allowed"),
    [
        (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, True),
        (ActionStatus.OPEN, ActionStatus.DONE, True),
        (ActionStatus.IN_PROGRESS, ActionStatus.DONE, True),
        (ActionStatus.REOPENED, ActionStatus.IN_PROGRESS, True),
        (ActionStatus.DONE, ActionStatus.OPEN, False),
        (ActionStatus.IN_PROGRESS, ActionStatus.OPEN, False),
        (ActionStatus.DONE, ActionStatus.VERIFIED, False),  # only the next audit verifies
        (ActionStatus.OPEN, ActionStatus.REOPENED, False),
        (ActionStatus.VERIFIED, ActionStatus.IN_PROGRESS, False),
    ],
)
def test_status_changes(before: ActionStatus, after: ActionStatus, allowed: bool) -> None:
    assert (transition_problem(before, after) is None) is allowed


@given(st.sampled_from(list(ActionStatus)), st.sampled_from(list(ActionStatus)))
def test_no_hand_made_change_reaches_verified_or_reopened(before: ActionStatus, after: ActionStatus) -> None:
    if after in (ActionStatus.VERIFIED, ActionStatus.REOPENED) and after != before:
        assert transition_problem(before, after) is not None
    assert not DEALER_TRANSITIONS[ActionStatus.VERIFIED]


def test_overdue() -> None:
    action = Action("x", "SH001", "2026-Q4", "s", "1", "sec", "R01", due=date(2026, 12, 1))
    assert action.overdue(date(2026, 12, 2)) and not action.overdue(date(2026, 12, 1))
    assert not replace(action, status=ActionStatus.DONE).overdue(date(2027, 1, 1))
    assert replace(action, status=ActionStatus.REOPENED).overdue(date(2027, 1, 1))

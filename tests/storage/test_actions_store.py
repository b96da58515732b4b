"""storage/actions.py on SQLite and PostgreSQL: actions kept whole, generated once, verdicts and returned changes
with a trail, stale and concurrent edits refused as a whole."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from dealer_audit.core.actions import Action, ActionState, ActionStatus, Verification, summarise_actions
from dealer_audit.errors import Conflict, NotFound
from dealer_audit.storage.actions import ActionUpdate
from dealer_audit.storage.repository import Repository


def action(item: str = "R01", **fields: Any) -> Action:
    base = Action(
        action_id=f"2026-Q3/SH002/mini-service/{item}",
        dealer_code="SH002",
        wave="2026-Q3",
        standard_id="mini-service",
        standard_version="2026.1",
        section_id="reception",
        item_id=item,
        finding="无预约单; no booking sheet",
        evidence=("desk.jpg", "sheet 2.png"),
        audit_ids=("a1", "a2"),
        critical=True,
        due=date(2026, 10, 31),
        last_wave="2026-Q3",
    )
    return replace(base, **fields)


def test_actions_round_trip_and_generating_twice_adds_nothing(loaded_repo: Any) -> None:
    first = [action("R01"), action("R04", critical=False, due=None, evidence=())]
    assert loaded_repo.record_actions(first, [], who="hq", source="wave 2026-Q3") == (2, 0)
    assert loaded_repo.record_actions(first, [], who="hq") == (0, 0)
    assert loaded_repo.list_actions() == first
    assert loaded_repo.list_actions(dealer_code="SH001") == []
    assert loaded_repo.list_actions(status=ActionStatus.OPEN, wave="2026-Q3") == first
    trail = loaded_repo.action_trail(first[0].action_id)
    assert [(t.who, t.from_status, t.to_status, t.source) for t in trail] == [("hq", None, "open", "wave 2026-Q3")]
    with pytest.raises(NotFound):
        loaded_repo.get_action("2026-Q3/SH002/mini-service/R99")


def test_action_states_are_the_stored_actions_dealer_status_and_due(loaded_repo: Any) -> None:
    """What the browser's overview counts: one state per stored action, the same dealer, status and due date, and
    the same summary as from the whole actions (one overdue rule)."""
    stored = [
        action("R01"),
        action("R04", due=None),
        action("R05", status=ActionStatus.DONE),
        action("R06", dealer_code="SH001", status=ActionStatus.REOPENED, due=date(2026, 12, 1)),
    ]
    loaded_repo.record_actions(stored, [])
    states = loaded_repo.list_action_states()
    assert sorted(states, key=repr) == sorted((ActionState(a.dealer_code, a.status, a.due) for a in stored), key=repr)
    day = date(2026, 11, 15)
    summary = summarise_actions(states, day)
    assert summary == summarise_actions(loaded_repo.list_actions(), day)
    assert [(s.dealer_code, s.total, s.open, s.overdue, s.done, s.reopened) for s in summary] == [
        ("SH001", 1, 1, 0, 0, 1),
        ("SH002", 3, 2, 1, 1, 0),
    ]


def test_verdicts_bump_the_version_and_leave_a_trail(loaded_repo: Any) -> None:
    stored = action()
    loaded_repo.record_actions([stored], [])
    reopened = replace(stored, status=ActionStatus.REOPENED, repeat_count=1, last_wave="2026-Q4", due=date(2027, 1, 31))
    assert loaded_repo.record_actions([], [Verification(reopened, ActionStatus.OPEN, "2026-Q4")], who="hq") == (0, 1)
    now = loaded_repo.get_action(stored.action_id)
    assert (now.status, now.repeat_count, now.last_wave, now.due, now.version) == (
        ActionStatus.REOPENED, 1, "2026-Q4", date(2027, 1, 31), 2,
    )  # fmt: skip
    assert loaded_repo.action_trail(stored.action_id)[-1].details == "wave 2026-Q4; repeat failure #1"
    # a verdict computed from a stale read is refused, nothing stored
    with pytest.raises(Conflict, match="changed while"):
        loaded_repo.record_actions([action("R04")], [Verification(reopened, ActionStatus.OPEN, "2026-Q4")])
    assert [a.item_id for a in loaded_repo.list_actions()] == ["R01"]


def test_returned_changes_are_all_or_nothing(loaded_repo: Any) -> None:
    loaded_repo.record_actions([action("R01"), action("R04")], [])
    change = ActionUpdate(action("R01").action_id, 1, ActionStatus.DONE, "张经理", date(2026, 11, 15), "已整改")
    stale = ActionUpdate(action("R04").action_id, 7, ActionStatus.IN_PROGRESS, "", None, "")
    with pytest.raises(Conflict, match="changed since this file was exported"):
        loaded_repo.update_actions([change, stale], who="dealer")
    assert all(a.status is ActionStatus.OPEN and a.version == 1 for a in loaded_repo.list_actions())
    assert loaded_repo.update_actions([change], who="dealer", source="SH002.xlsx") == 1
    now = loaded_repo.get_action(change.action_id)
    assert (now.status, now.owner, now.due, now.note, now.version) == (
        ActionStatus.DONE, "张经理", date(2026, 11, 15), "已整改", 2,
    )  # fmt: skip
    last = loaded_repo.action_trail(change.action_id)[-1]
    assert (last.who, last.from_status, last.to_status, last.source, last.details) == (
        "dealer", "open", "done", "SH002.xlsx", "owner, due, note",
    )  # fmt: skip
    # the same content again: nothing changes, no version bump
    assert loaded_repo.update_actions([replace(change, read_version=2)]) == 0
    assert loaded_repo.get_action(change.action_id).version == 2


@pytest.mark.postgres
def test_two_writers_on_the_same_action_one_wins(db_url: str, loaded_repo: Any) -> None:
    """Two people return the same action at once (threads, own connections): exactly one change stands and the
    other is told; on PostgreSQL this runs as two concurrent transactions."""
    loaded_repo.record_actions([action()], [])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def write(owner: str) -> None:
        repo = Repository.open(db_url)
        try:
            barrier.wait()
            repo.update_actions([ActionUpdate(action().action_id, 1, ActionStatus.IN_PROGRESS, owner, None, "")])
            outcomes.append(f"stored {owner}")
        except Conflict:
            outcomes.append("refused")
        finally:
            repo.close()

    threads = [threading.Thread(target=write, args=(name,)) for name in ("李", "王")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.split()[0] for o in outcomes) == ["refused", "stored"]
    stored = loaded_repo.get_action(action().action_id)
    assert stored.version == 2 and f"stored {stored.owner}" in outcomes
    assert len(loaded_repo.action_trail(stored.action_id)) == 2  # generated + the one change

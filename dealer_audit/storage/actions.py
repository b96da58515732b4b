"""Storage of action plans: the `actions` table and its trail (who changed what, when, through which file).

A mixin of `Repository`: it speaks `core.actions.Action` and runs each method in one transaction through the
repository's `_write` / `_read`, so the retry and error rules are those of the rest of storage.

Optimistic concurrency: every stored change bumps an action's `version`. `update_actions` takes the version the
caller read (a workbook carries it) and refuses the whole batch — nothing stored — when any action has moved on
since, naming them; two people editing the same action never silently overwrite each other.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dealer_audit.core.actions import Action, ActionState, ActionStatus, Verification
from dealer_audit.errors import Conflict, NotFound
from dealer_audit.storage import models as m
from dealer_audit.storage.db import updated_rows

T = TypeVar("T")


_actions = m.table("actions")
_trail = m.table("action_trail")


@dataclass(frozen=True)
class ActionTrailEntry:
    action_id: str
    at: str
    who: str
    from_status: str | None
    to_status: str
    source: str
    details: str


@dataclass(frozen=True)
class ActionUpdate:
    """A change asked for one action: the fields a dealer returns, and the version it was read at."""

    action_id: str
    read_version: int
    status: ActionStatus
    owner: str
    due: date | None
    note: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _row_values(action: Action) -> dict[str, Any]:
    return {
        "action_id": action.action_id,
        "dealer_code": action.dealer_code,
        "wave": action.wave,
        "standard_id": action.standard_id,
        "standard_version": action.standard_version,
        "section_id": action.section_id,
        "item_id": action.item_id,
        "critical": action.critical,
        "finding": action.finding,
        "evidence": json.dumps(list(action.evidence), ensure_ascii=False),
        "audit_ids": json.dumps(list(action.audit_ids)),
        "owner": action.owner,
        "due": action.due.isoformat() if action.due else None,
        "status": action.status.value,
        "repeat_count": action.repeat_count,
        "last_wave": action.last_wave or action.wave,
        "note": action.note,
        "version": action.version,
    }


def _action(row: Any) -> Action:
    return Action(
        action_id=row.action_id,
        dealer_code=row.dealer_code,
        wave=row.wave,
        standard_id=row.standard_id,
        standard_version=row.standard_version,
        section_id=row.section_id,
        item_id=row.item_id,
        finding=row.finding,
        evidence=tuple(json.loads(row.evidence or "[]")),
        audit_ids=tuple(json.loads(row.audit_ids or "[]")),
        critical=bool(row.critical),
        owner=row.owner,
        due=date.fromisoformat(row.due) if row.due else None,
        status=ActionStatus(row.status),
        repeat_count=row.repeat_count,
        last_wave=row.last_wave,
        note=row.note,
        version=row.version,
    )


class ActionStore:
    """Actions and their trail (mixed into Repository)."""

    if TYPE_CHECKING:

        def _write(self, work: Callable[[Session], T]) -> T: ...
        def _read(self) -> AbstractContextManager[Session]: ...

    def _trail_row(
        self, action_id: str, who: str, before: str | None, after: str, source: str, details: str = ""
    ) -> dict[str, Any]:
        return {
            "action_id": action_id,
            "at": _now(),
            "who": who,
            "from_status": before,
            "to_status": after,
            "source": source,
            "details": details,
        }

    def record_actions(
        self, new: Sequence[Action], verified: Sequence[Verification], who: str = "", source: str = ""
    ) -> tuple[int, int]:
        """Store a wave's new actions and the next audit's verdicts on older ones, in one transaction.

        New actions whose id is already stored are left alone (generating twice adds nothing); a verdict on an
        action that changed since it was read is refused (Conflict, nothing stored). Returns (added, changed)."""

        def work(session: Session) -> tuple[int, int]:
            stamp = _now()
            ids = [a.action_id for a in new]
            present = set(
                session.execute(sa.select(_actions.c.action_id).where(_actions.c.action_id.in_(ids))).scalars()
                if ids
                else ()
            )
            rows = [
                {**_row_values(a), "created_at": stamp, "updated_at": stamp, "updated_by": who}
                for a in new
                if a.action_id not in present
            ]
            if rows:
                session.execute(sa.insert(_actions), rows)
                session.execute(
                    sa.insert(_trail),
                    [self._trail_row(r["action_id"], who, None, r["status"], source, "generated") for r in rows],
                )
            for change in verified:
                action = change.action
                done = updated_rows(
                    session,
                    sa.update(_actions)
                    .where(_actions.c.action_id == action.action_id, _actions.c.version == action.version)
                    .values(
                        status=action.status.value,
                        repeat_count=action.repeat_count,
                        last_wave=action.last_wave,
                        due=action.due.isoformat() if action.due else None,
                        version=action.version + 1,
                        updated_at=stamp,
                        updated_by=who,
                    ),
                )
                if done != 1:
                    raise Conflict(
                        f"action {action.action_id} changed while the wave {change.wave} was being checked; "
                        "nothing was stored — run the command again",
                        zh=f"核对稽核批次 {change.wave} 期间，整改项 {action.action_id} 被他人修改；未做任何保存，"
                        "请重新运行该命令",
                    )
                details = f"wave {change.wave}" + (
                    f"; repeat failure #{action.repeat_count}" if change.action.status is ActionStatus.REOPENED else ""
                )
                session.execute(
                    sa.insert(_trail),
                    [
                        self._trail_row(
                            action.action_id, who, change.previous.value, action.status.value, source, details
                        )
                    ],
                )
            return len(rows), len(verified)

        return self._write(work)

    def list_actions(
        self,
        wave: str | None = None,
        dealer_code: str | None = None,
        status: ActionStatus | None = None,
        region_dealers: Iterable[str] | None = None,
    ) -> list[Action]:
        """Stored actions, sorted by id, filtered by the wave they were found in, dealer, status or dealers."""
        query = sa.select(_actions).order_by(_actions.c.action_id)
        if wave is not None:
            query = query.where(_actions.c.wave == wave)
        if dealer_code is not None:
            query = query.where(_actions.c.dealer_code == dealer_code)
        if status is not None:
            query = query.where(_actions.c.status == status.value)
        if region_dealers is not None:
            query = query.where(_actions.c.dealer_code.in_(list(region_dealers)))
        with self._read() as session:
            return [_action(row) for row in session.execute(query).all()]

    def list_action_states(self) -> list[ActionState]:
        """Each stored action's dealer, status and due date only: what an overview counts (no finding, no trail)."""
        query = sa.select(_actions.c.dealer_code, _actions.c.status, _actions.c.due)
        with self._read() as session:
            rows = session.execute(query).all()
        statuses = {s.value: s for s in ActionStatus}
        return [
            ActionState(code, statuses[status], date.fromisoformat(due) if due else None) for code, status, due in rows
        ]

    def get_action(self, action_id: str) -> Action:
        with self._read() as session:
            row = session.execute(sa.select(_actions).where(_actions.c.action_id == action_id)).first()
        if row is None:
            raise NotFound(f"no action {action_id}", zh=f"没有整改项 {action_id}")
        return _action(row)

    def update_actions(self, updates: Sequence[ActionUpdate], who: str = "", source: str = "") -> int:
        """Apply a dealer's returned actions in one transaction; returns how many changed.

        Each update names the version it was read at: when any stored action has moved on since (another
        workbook, the next wave's audit), the whole batch is refused with a Conflict naming them, and nothing is
        stored. Updates that change nothing are skipped (no version bump, no trail row)."""

        def work(session: Session) -> int:
            ids = [u.action_id for u in updates]
            rows = {
                row.action_id: row
                for row in (
                    session.execute(sa.select(_actions).where(_actions.c.action_id.in_(ids))).all() if ids else []
                )
            }
            missing = [i for i in ids if i not in rows]
            if missing:
                raise NotFound(
                    f"no stored action {', '.join(missing[:5])}", zh=f"没有已保存的整改项 {', '.join(missing[:5])}"
                )
            stale = [u.action_id for u in updates if rows[u.action_id].version != u.read_version]
            if stale:
                raise Conflict(
                    f"{len(stale)} action(s) changed since this file was exported ({', '.join(stale[:5])}); nothing "
                    "was stored — export the actions again and re-enter the changes",
                    zh=f"有 {len(stale)} 个整改项在导出此文件后已被修改（{', '.join(stale[:5])}）；未做任何保存，"
                    "请重新导出整改项并再次填写修改",
                )
            stamp = _now()
            changed = 0
            for update in updates:
                row = rows[update.action_id]
                due = update.due.isoformat() if update.due else None
                if (row.status, row.owner, row.due, row.note) == (update.status.value, update.owner, due, update.note):
                    continue
                done = updated_rows(
                    session,
                    sa.update(_actions)
                    .where(_actions.c.action_id == update.action_id, _actions.c.version == update.read_version)
                    .values(
                        status=update.status.value,
                        owner=update.owner,
                        due=due,
                        note=update.note,
                        version=update.read_version + 1,
                        updated_at=stamp,
                        updated_by=who,
                    ),
                )
                if done != 1:
                    raise Conflict(
                        f"action {update.action_id} changed meanwhile; nothing was stored — try again",
                        zh=f"整改项 {update.action_id} 在此期间已被修改；未做任何保存，请重试",
                    )
                fields = [
                    name
                    for name, before, after in (
                        ("owner", row.owner, update.owner),
                        ("due", row.due, due),
                        ("note", row.note, update.note),
                    )
                    if before != after
                ]
                session.execute(
                    sa.insert(_trail),
                    [
                        self._trail_row(
                            update.action_id, who, row.status, update.status.value, source, ", ".join(fields)
                        )
                    ],
                )
                changed += 1
            return changed

        return self._write(work)

    def action_trail(self, action_id: str) -> list[ActionTrailEntry]:
        query = sa.select(_trail).where(_trail.c.action_id == action_id).order_by(_trail.c.id)
        with self._read() as session:
            return [
                ActionTrailEntry(r.action_id, r.at, r.who, r.from_status, r.to_status, r.source, r.details)
                for r in session.execute(query).all()
            ]

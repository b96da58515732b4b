"""Storage of field operations: the auditor register, the public keys HQ enrolled, the stored wave plans.

A mixin of `Repository` (one of the rooms the repository is split into): it speaks the core dataclasses and
runs each method in one transaction through the repository's `_write` / `_read`, so the retry and error rules
are the same as everywhere else in storage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dealer_audit.core.auditors import Auditor
from dealer_audit.core.lookup import did_you_mean_hint
from dealer_audit.core.planning import PlannedVisit
from dealer_audit.core.standard import LocalText
from dealer_audit.errors import Conflict, Message, NotFound
from dealer_audit.storage import models as m

T = TypeVar("T")

_auditors = m.table("auditors")
_keys = m.table("auditor_keys")
_plan = m.table("plan_visits")
_audits = m.table("audits")


@dataclass(frozen=True)
class EnrolledKey:
    key_id: str
    auditor_id: str
    public_key: str
    enrolled_at: str
    enrolled_by: str = ""
    revoked_at: str | None = None
    revoked_why: str = ""

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _now() -> str:
    """The same ISO text as every other stored time (storage stores times as text: see models.py)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class FieldOperationsStore:
    """Auditors, keys and plans (mixed into Repository)."""

    if TYPE_CHECKING:

        def _write(self, work: Callable[[Session], T]) -> T: ...
        def _read(self) -> AbstractContextManager[Session]: ...

    # ---- auditors ----------------------------------------------------------------------------------------------

    def save_auditors(self, auditors: Iterable[Auditor]) -> int:
        """Insert or update auditors by id (the register is master data: a re-import updates it)."""
        rows = [
            {
                "id": a.id,
                "name_zh": a.name.zh,
                "name_en": a.name.en,
                "home_region": a.home_region,
                "languages": ",".join(a.languages),
                "active": a.active,
                "updated_at": _now(),
            }
            for a in auditors
        ]

        def work(session: Session) -> int:
            for row in rows:
                existing = session.get(m.AuditorRow, row["id"])
                if existing is None:
                    session.add(m.AuditorRow(**row))
                else:
                    for key, value in row.items():
                        setattr(existing, key, value)
            return len(rows)

        return self._write(work)

    @staticmethod
    def _auditor(row: sa.Row[tuple[object, ...]] | m.AuditorRow) -> Auditor:
        languages = str(row.languages or "")
        return Auditor(
            id=str(row.id),
            name=LocalText(zh=str(row.name_zh), en=str(row.name_en)),
            home_region=str(row.home_region),
            languages=tuple(x for x in languages.split(",") if x),
            active=bool(row.active),
        )

    def list_auditors(self, active_only: bool = False) -> list[Auditor]:
        query = sa.select(_auditors).order_by(_auditors.c.id)
        if active_only:
            query = query.where(_auditors.c.active.is_(True))
        with self._read() as session:
            return [self._auditor(row) for row in session.execute(query)]

    def get_auditor(self, auditor_id: str) -> Auditor:
        with self._read() as session:
            row = session.get(m.AuditorRow, auditor_id)
            if row is not None:
                return self._auditor(row)
            known = list(session.scalars(sa.select(_auditors.c.id)))
        load = Message(
            "load them with `dealer-audit auditors import`", "请用 `dealer-audit auditors import` 载入稽核员"
        )
        hint = did_you_mean_hint(auditor_id, known, otherwise=load)
        raise NotFound(f"unknown auditor {auditor_id} ({hint.en})", zh=f"未知稽核员 {auditor_id}（{hint.zh}）")

    # ---- keys --------------------------------------------------------------------------------------------------

    def enrol_key(self, auditor_id: str, key_id: str, public_key: str, who: str = "") -> EnrolledKey:
        """Enrol a public key for a registered auditor; the same key again is a no-op, for another auditor a
        Conflict; a revoked key cannot come back (make a new one)."""
        self.get_auditor(auditor_id)

        def work(session: Session) -> EnrolledKey:
            existing = session.get(m.AuditorKeyRow, key_id)
            if existing is not None:
                if existing.auditor_id != auditor_id:
                    raise Conflict(
                        f"key {key_id} is already enrolled for auditor {existing.auditor_id}",
                        zh=f"密钥 {key_id} 已登记给稽核员 {existing.auditor_id}",
                    )
                if existing.revoked_at is not None:
                    raise Conflict(
                        f"key {key_id} was revoked on {existing.revoked_at}: the auditor makes a new key "
                        "(dealer-audit keys init) and HQ enrols that one",
                        zh=f"密钥 {key_id} 已于 {existing.revoked_at} 吊销：请稽核员生成新密钥"
                        "（dealer-audit keys init），再由总部登记新密钥",
                    )
                return self._key(existing)
            row = m.AuditorKeyRow(
                key_id=key_id, auditor_id=auditor_id, public_key=public_key, enrolled_at=_now(), enrolled_by=who
            )
            session.add(row)
            return self._key(row)

        return self._write(work)

    def revoke_key(self, key_id: str, why: str, who: str = "") -> EnrolledKey:
        def work(session: Session) -> EnrolledKey:
            row = session.get(m.AuditorKeyRow, key_id)
            if row is None:
                raise NotFound(
                    f"no enrolled key {key_id} (dealer-audit auditors keys lists them)",
                    zh=f"没有已登记的密钥 {key_id}（dealer-audit auditors keys 可列出已登记的密钥）",
                )
            if row.revoked_at is None:
                row.revoked_at = _now()
                row.revoked_why = f"{why} ({who})" if who else why
            return self._key(row)

        return self._write(work)

    @staticmethod
    def _key(row: m.AuditorKeyRow) -> EnrolledKey:
        return EnrolledKey(
            row.key_id,
            row.auditor_id,
            row.public_key,
            row.enrolled_at,
            row.enrolled_by,
            row.revoked_at,
            row.revoked_why,
        )

    def find_key(self, key_id: str) -> EnrolledKey | None:
        with self._read() as session:
            row = session.get(m.AuditorKeyRow, key_id)
            return self._key(row) if row is not None else None

    def list_keys(self, auditor_id: str | None = None) -> list[EnrolledKey]:
        with self._read() as session:
            query = sa.select(m.AuditorKeyRow).order_by(m.AuditorKeyRow.auditor_id, m.AuditorKeyRow.enrolled_at)
            if auditor_id is not None:
                query = query.where(m.AuditorKeyRow.auditor_id == auditor_id)
            return [self._key(row) for row in session.scalars(query)]

    # ---- plans -------------------------------------------------------------------------------------------------

    def save_plan(self, wave: str, visits: Sequence[PlannedVisit]) -> None:
        """Replace the wave's plan with `visits` (one transaction: readers see the old plan or the new one)."""
        stamp = _now()
        rows = [
            {
                "wave": wave,
                "dealer_code": v.dealer_code,
                "standard_id": v.standard_id,
                "auditor_id": v.auditor_id,
                "day": v.day.isoformat(),
                "double": v.double,
                "planned_at": stamp,
            }
            for v in visits
        ]

        def work(session: Session) -> None:
            session.execute(sa.delete(_plan).where(_plan.c.wave == wave))
            for start in range(0, len(rows), 500):
                session.execute(sa.insert(_plan), rows[start : start + 500])

        self._write(work)

    def list_plan(self, wave: str) -> list[PlannedVisit]:
        query = sa.select(_plan).where(_plan.c.wave == wave).order_by(_plan.c.day, _plan.c.auditor_id)
        with self._read() as session:
            return [
                PlannedVisit(r.dealer_code, r.standard_id, r.auditor_id, date.fromisoformat(r.day), bool(r.double))
                for r in session.execute(query)
            ]

    def visited_pairs(self, waves: Sequence[str]) -> set[tuple[str, str]]:
        """(auditor, dealer) pairs of `waves`: audits stored and visits planned (what a lockout forbids)."""
        if not waves:
            return set()
        with self._read() as session:
            audited = session.execute(
                sa.select(_audits.c.auditor, _audits.c.dealer_code).where(_audits.c.wave.in_(list(waves)))
            )
            planned = session.execute(
                sa.select(_plan.c.auditor_id, _plan.c.dealer_code).where(_plan.c.wave.in_(list(waves)))
            )
            return {(str(a), str(d)) for a, d in audited} | {(str(a), str(d)) for a, d in planned}

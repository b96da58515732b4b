"""Storage of disputes and report issue dates (a mixin of `Repository`, like storage/actions.py).

A ruling is one transaction that (1) sets the ruling only if the dispute is still open at the version the ruler
read — `UPDATE … WHERE version = :read AND status = 'open'` — and (2) for an overturn revises the audit's answer
through the repository's own answer-revision path (new revision + audit-trail row: who, when, why). Two HQ users
ruling at once: the second UPDATE matches no row (on PostgreSQL it waits for the first transaction's row lock,
then sees the new version), so exactly one ruling stands and the other gets a Conflict naming who ruled.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dealer_audit.core.answers import Answer, Audit, EvidenceRef
from dealer_audit.core.disputes import Dispute, DisputeStatus, ruling_problem
from dealer_audit.errors import Conflict, Message, NotFound
from dealer_audit.storage import models as m
from dealer_audit.storage.db import updated_rows

T = TypeVar("T")


_issues = m.table("report_issues")
_disputes = m.table("disputes")


def _dispute(row: Any) -> Dispute:
    revised = json.loads(row.revised_value) if row.revised_value is not None else None
    return Dispute(
        dispute_id=row.dispute_id,
        audit_id=row.audit_id,
        dealer_code=row.dealer_code,
        wave=row.wave,
        standard_id=row.standard_id,
        item_id=row.item_id,
        auditor=row.auditor,
        reason=row.reason,
        filed_at=datetime.fromisoformat(row.filed_at),
        filed_by=row.filed_by,
        evidence=tuple(
            EvidenceRef(e["file_name"], e.get("sha256", ""), e.get("size"), e.get("media_type", ""))
            for e in json.loads(row.evidence or "[]")
        ),
        status=DisputeStatus(row.status),
        ruled_by=row.ruled_by,
        ruled_at=datetime.fromisoformat(row.ruled_at) if row.ruled_at else None,
        ruling_why=row.ruling_why,
        revised_value=tuple(revised) if isinstance(revised, list) else revised,
        version=row.version,
    )


def _evidence_json(refs: tuple[EvidenceRef, ...]) -> str:
    rows = [{"file_name": e.file_name, "sha256": e.sha256, "size": e.size, "media_type": e.media_type} for e in refs]
    return json.dumps(rows, ensure_ascii=False)


def _value_json(answer: Answer | None) -> str | None:
    if answer is None:
        return None
    value = list(answer.value) if isinstance(answer.value, tuple) else answer.value
    return json.dumps(value, ensure_ascii=False)


class DisputeStore:
    """Report issue dates and disputes (mixed into Repository)."""

    if TYPE_CHECKING:

        def _write(self, work: Callable[[Session], T]) -> T: ...
        def _read(self) -> AbstractContextManager[Session]: ...
        def _save_answer_in(self, session: Session, audit_id: str, answer: Answer, who: str, why: str) -> Audit: ...

    # ---- report issue dates ------------------------------------------------------------------------------------

    def record_issue(self, wave: str, dealer_codes: Iterable[str], issued_on: date, who: str = "") -> int:
        """Record that `wave`'s report was issued to these dealers on `issued_on`. A dealer whose report was
        already recorded keeps its first date (the window does not restart). Returns how many were recorded now."""
        codes = sorted(set(dealer_codes))
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")

        def work(session: Session) -> int:
            present = set(
                session.execute(
                    sa.select(_issues.c.dealer_code).where(_issues.c.wave == wave, _issues.c.dealer_code.in_(codes))
                ).scalars()
            )
            rows = [
                {"wave": wave, "dealer_code": c, "issued_on": issued_on.isoformat(), "recorded_at": stamp,
                 "recorded_by": who}
                for c in codes
                if c not in present
            ]  # fmt: skip
            if rows:
                session.execute(sa.insert(_issues), rows)
            return len(rows)

        return self._write(work)

    def issued_on(self, wave: str, dealer_code: str) -> date | None:
        with self._read() as session:
            value = session.execute(
                sa.select(_issues.c.issued_on).where(_issues.c.wave == wave, _issues.c.dealer_code == dealer_code)
            ).scalar_one_or_none()
        return date.fromisoformat(value) if value else None

    # ---- disputes ----------------------------------------------------------------------------------------------

    def file_dispute(self, dispute: Dispute) -> Dispute:
        """Store a new dispute (its id gets the next number for that audit × item). Refused (Conflict) while
        another dispute of the same finding is open."""

        def work(session: Session) -> Dispute:
            rows = session.execute(
                sa.select(_disputes.c.dispute_id, _disputes.c.status).where(
                    _disputes.c.audit_id == dispute.audit_id, _disputes.c.item_id == dispute.item_id
                )
            ).all()
            pending = [r.dispute_id for r in rows if r.status == DisputeStatus.OPEN.value]
            if pending:
                raise Conflict(
                    f"item {dispute.item_id} of audit {dispute.audit_id} is already disputed ({pending[0]}, not yet "
                    "ruled)",
                    zh=f"稽核 {dispute.audit_id} 的检查项 {dispute.item_id} 已在申诉中（{pending[0]}，尚未裁决）",
                )
            stored = replace(dispute, dispute_id=f"{dispute.audit_id}/{dispute.item_id}/{len(rows) + 1}")
            session.execute(
                sa.insert(_disputes),
                [
                    {
                        "dispute_id": stored.dispute_id,
                        "audit_id": stored.audit_id,
                        "dealer_code": stored.dealer_code,
                        "wave": stored.wave,
                        "standard_id": stored.standard_id,
                        "item_id": stored.item_id,
                        "auditor": stored.auditor,
                        "reason": stored.reason,
                        "evidence": _evidence_json(stored.evidence),
                        "filed_at": stored.filed_at.isoformat(timespec="seconds"),
                        "filed_by": stored.filed_by,
                        "status": DisputeStatus.OPEN.value,
                        "ruled_by": "",
                        "ruled_at": None,
                        "ruling_why": "",
                        "revised_value": None,
                        "version": 1,
                    }
                ],
            )
            return stored

        return self._write(work)

    def list_disputes(
        self, wave: str | None = None, dealer_code: str | None = None, status: DisputeStatus | None = None
    ) -> list[Dispute]:
        query = sa.select(_disputes).order_by(_disputes.c.filed_at, _disputes.c.dispute_id)
        if wave is not None:
            query = query.where(_disputes.c.wave == wave)
        if dealer_code is not None:
            query = query.where(_disputes.c.dealer_code == dealer_code)
        if status is not None:
            query = query.where(_disputes.c.status == status.value)
        with self._read() as session:
            return [_dispute(row) for row in session.execute(query).all()]

    def get_dispute(self, dispute_id: str) -> Dispute:
        with self._read() as session:
            row = session.execute(sa.select(_disputes).where(_disputes.c.dispute_id == dispute_id)).first()
            if row is None:
                like = (
                    session.execute(
                        sa.select(_disputes.c.dispute_id).where(_disputes.c.dispute_id.startswith(dispute_id))
                    )
                    .scalars()
                    .all()
                )
        if row is None:
            if len(like) == 1:
                return self.get_dispute(like[0])
            hint = f" (matches {', '.join(like[:5])})" if like else ""
            hint_zh = f"（匹配的申诉：{', '.join(like[:5])}）" if like else ""
            raise NotFound(f"no dispute {dispute_id}{hint}", zh=f"没有申诉 {dispute_id}{hint_zh}")
        return _dispute(row)

    def rule_dispute(
        self,
        dispute_id: str,
        read_version: int,
        ruling: DisputeStatus,
        who: str,
        why: str,
        revised: Answer | None = None,
    ) -> Dispute:
        """Rule on a dispute in one transaction; an overturn also stores `revised` as the audit's new answer
        (a new revision with an audit-trail row). Conflict when someone ruled first (nothing of ours stored)."""

        def work(session: Session) -> Dispute:
            stamp = datetime.now().astimezone().isoformat(timespec="seconds")
            done = updated_rows(
                session,
                sa.update(_disputes)
                .where(
                    _disputes.c.dispute_id == dispute_id,
                    _disputes.c.version == read_version,
                    _disputes.c.status == DisputeStatus.OPEN.value,
                )
                .values(
                    status=ruling.value,
                    ruled_by=who,
                    ruled_at=stamp,
                    ruling_why=why,
                    revised_value=_value_json(revised),
                    version=read_version + 1,
                )
            )  # fmt: skip
            row = session.execute(sa.select(_disputes).where(_disputes.c.dispute_id == dispute_id)).first()
            if row is None:
                raise NotFound(f"no dispute {dispute_id}", zh=f"没有申诉 {dispute_id}")
            if done != 1:
                current = _dispute(row)
                problem = ruling_problem(current, ruling) or Message(
                    f"dispute {dispute_id} changed since you read it (version {read_version}, now {current.version})",
                    f"申诉 {dispute_id} 在您读取后已被修改（当时为第 {read_version} 版，现为第 {current.version} 版）",
                )
                raise Conflict(problem.en, zh=problem.zh)
            if ruling is DisputeStatus.OVERTURNED and revised is not None:
                self._save_answer_in(session, row.audit_id, revised, who, f"dispute {dispute_id} overturned: {why}")
            return _dispute(row)

        return self._write(work)

"""Editing a stored audit one answer at a time: the wizard's and the browser's autosave, deleting an answer,
finalising. Optimistic: every write takes the `draft_token` the editor read and refuses (DraftChanged) when the
audit moved on; changing a finalised audit needs a reason and writes an audit-trail row.

A mixin of `Repository` (storage/repository.py); whole audits are saved by storage/audits.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dealer_audit.core.answers import Answer, Audit, AuditStatus
from dealer_audit.errors import Conflict, DraftChanged, Message, NotFound
from dealer_audit.storage import limits
from dealer_audit.storage import models as m
from dealer_audit.storage.audits import audit_digest, value_to_json
from dealer_audit.storage.common import StoreBase, now_text, time_text

_audits = m.table("audits")
_answers = m.table("answers")
_evidence = m.table("evidence")


class AnswerStore(StoreBase):
    """One answer at a time into a stored audit (mixed into Repository)."""

    if TYPE_CHECKING:  # provided by Repository or its other stores

        def _trail(
            self, session: Session, audit_id: str, action: str, who: str, why: str, revision: int, details: str = ""
        ) -> None: ...
        @staticmethod
        def _insert_answers(session: Session, audit_id: str, answers: list[Answer], start: int) -> None: ...
        def _load_audits(self, session: Session, conditions: list[Any]) -> list[Audit]: ...

    def _audit_row_for_update(self, session: Session, audit_id: str) -> m.AuditRow:
        row = session.get(m.AuditRow, audit_id, with_for_update=self.dialect == "postgresql")
        if row is None:
            raise NotFound(f"no audit {audit_id} in {self.display_url}", zh=f"{self.display_url} 中没有稽核 {audit_id}")
        return row

    def draft_token(self, audit_id: str) -> str:
        """The version token of a stored audit (see `draft_token`): what an editor passes back as `expected`."""
        with self._read() as session:
            row = session.get(m.AuditRow, audit_id)
            if row is None:
                raise NotFound(
                    f"no audit {audit_id} in {self.display_url}", zh=f"{self.display_url} 中没有稽核 {audit_id}"
                )
            return f"{row.revision}:{row.content_digest}"

    def _check_expected(self, session: Session, row: m.AuditRow, expected: str | None) -> None:
        """Refuse (DraftChanged, with the stored audit) a write whose editor saw another version of the audit.
        Runs inside the write transaction after the row is locked, so no other write can slip in between."""
        found = f"{row.revision}:{row.content_digest}"
        if expected is not None and expected != found:
            current = self._load_audits(session, [_audits.c.audit_id == row.audit_id])[0]
            raise DraftChanged(row.audit_id, expected, found, current)

    def _refresh_digest(self, session: Session, row: m.AuditRow) -> Audit:
        session.flush()
        audit = self._load_audits(session, [_audits.c.audit_id == row.audit_id])[0]
        row.content_digest = audit_digest(audit)
        row.updated_at = now_text()
        return audit

    def save_answer(
        self, audit_id: str, answer: Answer, who: str = "", why: str = "", expected: str | None = None
    ) -> Audit:
        """Store or overwrite one answer in its own short transaction (the wizard's autosave) and return the audit.

        Answering a finalised audit is a change after finalisation: it needs `why`, bumps the revision and writes
        an audit-trail row; without `why` it raises Conflict. With `expected` (the `draft_token` the editor last
        saw), a write to an audit that changed since is refused with DraftChanged and nothing is stored.
        """
        probe = Audit(audit_id, "", "", "", "", answers={answer.item_id: answer})
        item = answer.item_id[:100]
        label = Message(f"answer {item}", f"检查项 {item} 的回答")
        limits.refuse_unstorable(label, limits.audit_issues(probe))
        limits.refuse_unstorable(label, limits.actor_issues(who, why))
        return self._write(lambda session: self._save_answer_in(session, audit_id, answer, who, why, expected))

    def _save_answer_in(
        self, session: Session, audit_id: str, answer: Answer, who: str, why: str, expected: str | None = None
    ) -> Audit:
        """`save_answer` inside the caller's transaction (a dispute ruling revises an answer in its own)."""
        row = self._audit_row_for_update(session, audit_id)
        self._check_expected(session, row, expected)
        existing = session.get(m.AnswerRow, (audit_id, answer.item_id))
        before = None
        if row.status == AuditStatus.FINALISED.value:
            if not why:
                raise Conflict(
                    f"audit {audit_id} is finalised: changing {answer.item_id} needs a reason (why) for the audit "
                    "trail",
                    zh=f"稽核 {audit_id} 已定稿：修改检查项 {answer.item_id} 需要说明理由，理由会记入修改记录",
                )
            before = self._answer_text(existing)
        if existing is None:
            position = session.execute(
                sa.select(sa.func.coalesce(sa.func.max(_answers.c.position), -1)).where(_answers.c.audit_id == audit_id)
            ).scalar_one()
            self._insert_answers(session, audit_id, [answer], start=int(position) + 1)
        else:
            session.execute(
                _evidence.delete().where((_evidence.c.audit_id == audit_id) & (_evidence.c.item_id == answer.item_id))
            )
            existing.value = value_to_json(answer.value)
            existing.na = answer.na
            existing.note = answer.note
            existing.answered_at = time_text(answer.answered_at)
            session.flush()
            self._insert_evidence(session, audit_id, answer)
        if before is not None:
            row.revision += 1
            self._trail(
                session,
                audit_id,
                "answer_changed",
                who,
                why,
                row.revision,
                f"{answer.item_id}: {before} → {self._answer_text_of(answer)}",
            )
        return self._refresh_digest(session, row)

    @staticmethod
    def _insert_evidence(session: Session, audit_id: str, answer: Answer) -> None:
        if answer.evidence:
            session.execute(
                _evidence.insert(),
                [
                    {
                        "audit_id": audit_id,
                        "item_id": answer.item_id,
                        "position": j,
                        "file_name": e.file_name,
                        "sha256": e.sha256,
                        "size": e.size,
                        "media_type": e.media_type,
                    }
                    for j, e in enumerate(answer.evidence)
                ],
            )

    @staticmethod
    def _answer_text_of(answer: Answer) -> str:
        if answer.na:
            return "N/A"
        return "(none)" if answer.value is None else value_to_json(answer.value) or ""

    @staticmethod
    def _answer_text(row: m.AnswerRow | None) -> str:
        if row is None:
            return "(none)"
        return "N/A" if row.na else (row.value or "(none)")

    def delete_answer(
        self, audit_id: str, item_id: str, who: str = "", why: str = "", expected: str | None = None
    ) -> Audit:
        """Remove an answer (the wizard's "clear"); same finalisation and `expected` rules as `save_answer`."""

        def work(session: Session) -> Audit:
            row = self._audit_row_for_update(session, audit_id)
            self._check_expected(session, row, expected)
            existing = session.get(m.AnswerRow, (audit_id, item_id))
            if existing is None:
                return self._load_audits(session, [_audits.c.audit_id == audit_id])[0]
            if row.status == AuditStatus.FINALISED.value:
                if not why:
                    raise Conflict(
                        f"audit {audit_id} is finalised: removing {item_id} needs a reason (why)",
                        zh=f"稽核 {audit_id} 已定稿：删除检查项 {item_id} 的答案需要说明理由",
                    )
                row.revision += 1
                self._trail(session, audit_id, "answer_changed", who, why, row.revision, f"{item_id}: removed")
            session.execute(
                _evidence.delete().where((_evidence.c.audit_id == audit_id) & (_evidence.c.item_id == item_id))
            )
            session.delete(existing)
            return self._refresh_digest(session, row)

        return self._write(work)

    def finalise(self, audit_id: str, who: str, why: str = "", expected: str | None = None) -> Audit:
        """Mark an audit final (who, when → audit trail). Finalising a final audit changes nothing. With
        `expected`, an audit that changed since the editor last saw it is refused (DraftChanged)."""
        limits.refuse_unstorable(limits.audit_label(audit_id), limits.actor_issues(who, why))

        def work(session: Session) -> Audit:
            row = self._audit_row_for_update(session, audit_id)
            self._check_expected(session, row, expected)
            if row.status != AuditStatus.FINALISED.value:
                row.status = AuditStatus.FINALISED.value
                row.finalised_at = now_text()
                row.finalised_by = who
                self._trail(session, audit_id, "finalised", who, why, row.revision)
            return self._refresh_digest(session, row)

        return self._write(work)

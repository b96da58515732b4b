"""Storage of audits: saving whole audits (idempotent by UUID and content digest, replaceable with a trail row),
reading them back in a few queries whatever the count, the audit trail and the evidence they cite.

A mixin of `Repository` (storage/repository.py). Editing one answer of a stored draft is storage/answers.py.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dealer_audit.core.answers import Answer, Audit, AuditKind, AuditStatus, EvidenceRef
from dealer_audit.core.canonical import canonical_hash
from dealer_audit.errors import Conflict, Message, NotFound
from dealer_audit.storage import limits
from dealer_audit.storage import models as m
from dealer_audit.storage.common import (
    StoreBase,
    chunks_of,
    did_you_mean_suffix,
    now_text,
    parse_time,
    time_text,
)

_audits = m.table("audits")
_answers = m.table("answers")
_evidence = m.table("evidence")
_disputes = m.table("disputes")
_waves = m.table("waves")
_standards = m.table("standards")
_programs = m.table("programs")
_dealers = m.table("dealers")
_trail_table = m.table("audit_trail")
_ANSWER_BATCH = 20_000  # answer rows fetched at a time when loading audits
_UNSEEN = object()


class SaveOutcome(StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"


@dataclass(frozen=True)
class TrailEntry:
    """One change after capture: finalisation, a replacement by import, an answer edited after finalising."""

    audit_id: str
    at: datetime
    who: str
    action: str
    why: str
    revision: int
    details: str = ""


@dataclass(frozen=True)
class EvidenceRecord:
    audit_id: str
    item_id: str
    ref: EvidenceRef


def audit_digest(audit: Audit) -> str:
    """sha256 of an audit's content: what makes a re-import `unchanged` rather than a conflict.

    Left out: the revision (HQ bumps it on replacement), the source (a file name), the format header, and the
    standard hash (fixed by the standard id+version, which the repository checks separately).
    """
    from dealer_audit.core.audit_form import audit_to_dict

    data = audit_to_dict(audit)
    for key in ("format", "format_version", "revision"):
        data.pop(key, None)
    data["standard"].pop("hash", None)
    for entry in data["answers"].values():
        value = entry.get("value")
        if isinstance(value, float) and value.is_integer():
            entry["value"] = int(value)
    return canonical_hash(data)


def draft_token(audit: Audit) -> str:
    """The version token of a stored audit as the repository returned it: its revision and content digest.

    Every write of the repository that changes an audit changes its digest (or, for a replacement with the same
    content, its revision), so an editor holding an older token is told (DraftChanged) instead of overwriting.
    Nothing new is stored: the token is made of columns the audits table already has."""
    return f"{audit.revision}:{audit_digest(audit)}"


def value_to_json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def value_from_json(text: str | None) -> Any:
    if text is None:
        return None
    if text.startswith('"') and "\\" not in text:  # the common case ("yes", "no", option codes): no parser
        return text[1:-1]
    if text.isdigit():
        return int(text)
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else value


_FIELDS_ZH = {  # an audit's identifying fields as the Chinese summary names them
    "dealer_code": "经销商代码",
    "standard_id": "稽核标准",
    "standard_version": "标准版本",
    "wave": "稽核批次",
    "auditor": "稽核员",
    "status": "状态",
}


def describe_differences(old: Audit, new: Audit) -> Message:
    """A short human summary of what differs, in both languages: the Conflict message shows the user's, the trail
    row keeps the English."""
    changes: list[str] = []
    changes_zh: list[str] = []
    for name, name_zh in _FIELDS_ZH.items():
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(f"{name} {before!s} → {after!s}")
            changes_zh.append(f"{name_zh} {before!s} → {after!s}")
    if (old.visit_start, old.visit_end) != (new.visit_start, new.visit_end):
        changes.append("visit times")
        changes_zh.append("到店时间")
    items = sorted(
        item_id
        for item_id in set(old.answers) | set(new.answers)
        if audit_digest(replace(old, answers={k: v for k, v in old.answers.items() if k == item_id}))
        != audit_digest(replace(old, answers={k: v for k, v in new.answers.items() if k == item_id}))
    )
    if items:
        more = len(items) - 6
        shown = ", ".join(items[:6])
        changes.append(f"answers to {shown}" + (f" and {more} more" if more > 0 else ""))
        changes_zh.append(f"{shown}{f' 等另外 {more} 项' if more > 0 else ''}的答案")
    return Message("; ".join(changes) or "content", "；".join(changes_zh) or "内容")


class AuditStore(StoreBase):
    """Audits, their answers and evidence rows, and the audit trail (mixed into Repository)."""

    if TYPE_CHECKING:  # provided by Repository or its other stores

        def _insert_ignore(self, session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None: ...
        def _raise_standard_not_found(self, session: Session, standard_id: str, version: str | None) -> None: ...

    # ---- audits: writing -------------------------------------------------------------------------------------

    def save_audit(self, audit: Audit, replace: bool = False, who: str = "", why: str = "") -> SaveOutcome:
        """Store one audit idempotently: created, unchanged (same UUID and content) or replaced (`replace=True`).

        Other content under a stored UUID raises Conflict naming what differs. Unknown dealer or standard →
        NotFound; a standard hash on the audit that differs from the stored standard's → Conflict.
        """
        return self.save_audits([audit], replace=replace, who=who, why=why)[0]

    def save_audits(
        self,
        audits: Sequence[Audit],
        replace: bool = False,
        who: str = "",
        why: str = "",
        trail: tuple[str, str] | None = None,
    ) -> list[SaveOutcome]:
        """Store several audits in ONE transaction (a bundle): either all are stored or none is.

        `trail` (action, details) adds that audit-trail row to every audit created or replaced, in the same
        transaction (a verified bundle's signer: services/bundle_signatures.py).

        Outcomes are returned in input order. On any Conflict/NotFound nothing is written. Built for batches:
        existing audits, dealers and standards are looked up once per batch and new audits, answers and
        evidence are written with one multi-row INSERT each, so thousands of audits import in seconds.
        """
        order = sorted(range(len(audits)), key=lambda i: audits[i].audit_id)  # same lock order in every process
        for audit in audits:
            limits.refuse_unstorable(limits.audit_label(audit.audit_id, audit.source), limits.audit_issues(audit))
        limits.refuse_unstorable(Message("import", "导入"), limits.actor_issues(who, why))

        def work(session: Session) -> list[SaveOutcome]:
            outcomes: dict[int, SaveOutcome] = {}
            revisions: dict[str, int] = {}  # the revision each created or replaced audit is stored at (the trail's)
            ids = sorted({a.audit_id for a in audits})
            existing: dict[str, Any] = {}
            for chunk in chunks_of(ids):
                for row in session.execute(
                    sa.select(_audits.c.audit_id, _audits.c.content_digest, _audits.c.revision).where(
                        _audits.c.audit_id.in_(chunk)
                    )
                ):
                    existing[row.audit_id] = row
            dealer_codes = sorted({a.dealer_code for a in audits})
            known_dealers: set[str] = set()
            for chunk in chunks_of(dealer_codes):
                known_dealers.update(
                    session.execute(sa.select(_dealers.c.code).where(_dealers.c.code.in_(chunk))).scalars()
                )
            standard_hashes = {
                (r.id, r.version): r.content_hash
                for r in session.execute(sa.select(_standards.c.id, _standards.c.version, _standards.c.content_hash))
            }
            new_rows: list[dict[str, Any]] = []
            new_answers: list[tuple[str, list[Answer]]] = []
            batch_digests: dict[str, str] = {}
            stamp = now_text()
            for index in order:
                audit = audits[index]
                if not audit.audit_id:
                    raise Conflict(
                        f"{audit.source or 'audit'}: an audit needs an audit_id (UUID)",
                        zh=f"{audit.source or '稽核'}：稽核需要 audit_id（UUID）",
                    )
                standard_hash = self._check_references(session, audit, known_dealers, standard_hashes)
                digest = audit_digest(audit)
                if audit.audit_id in batch_digests:  # the same audit twice in one batch
                    if batch_digests[audit.audit_id] != digest:
                        raise Conflict(
                            f"audit {audit.audit_id} appears twice with different content",
                            zh=f"稽核 {audit.audit_id} 出现了两次，且内容不同",
                        )
                    outcomes[index] = SaveOutcome.UNCHANGED
                    continue
                batch_digests[audit.audit_id] = digest
                stored_row = existing.get(audit.audit_id)
                if stored_row is None:
                    new_rows.append(
                        {
                            "audit_id": audit.audit_id,
                            "revision": audit.revision,
                            "content_digest": digest,
                            "created_at": stamp,
                            "updated_at": stamp,
                            "finalised_at": stamp if audit.is_final else None,
                            "finalised_by": audit.auditor if audit.is_final else "",
                            **self._audit_values(audit, standard_hash),
                        }
                    )
                    new_answers.append((audit.audit_id, list(audit.answers.values())))
                    revisions[audit.audit_id] = audit.revision
                    outcomes[index] = SaveOutcome.CREATED
                elif stored_row.content_digest == digest:
                    outcomes[index] = SaveOutcome.UNCHANGED
                else:
                    revisions[audit.audit_id] = self._replace_audit(
                        session, audit, standard_hash, digest, replace, who, why
                    )
                    outcomes[index] = SaveOutcome.REPLACED
            for rows in chunks_of(new_rows):
                session.execute(_audits.insert(), list(rows))
            self._insert_answer_rows(session, new_answers)
            self._insert_ignore(session, _waves, [{"code": w} for w in sorted({a.wave for a in audits})])
            if trail is not None:
                for index, outcome in outcomes.items():
                    if outcome is not SaveOutcome.UNCHANGED:
                        audit = audits[index]
                        revision = revisions[audit.audit_id]  # known here: no query per audit
                        self._trail(session, audit.audit_id, trail[0], who or audit.auditor, why, revision, trail[1])
            return [outcomes[i] for i in range(len(audits))]

        return self._write(work)

    def _check_references(
        self, session: Session, audit: Audit, known_dealers: set[str], standard_hashes: dict[tuple[str, str], str]
    ) -> str:
        """Dealer and standard must exist; returns the stored standard's hash."""
        label = f"audit {audit.audit_id}" + (f" ({audit.source})" if audit.source else "")
        label_zh = f"稽核 {audit.audit_id}" + (f"（{audit.source}）" if audit.source else "")
        if audit.dealer_code not in known_dealers:
            codes = list(session.execute(sa.select(_dealers.c.code)).scalars())
            suffix = did_you_mean_suffix(audit.dealer_code, codes)
            raise NotFound(
                f"{label}: unknown dealer {audit.dealer_code}{suffix.en}",
                zh=f"{label_zh}：未知经销商 {audit.dealer_code}{suffix.zh}",
            )
        stored_hash = standard_hashes.get((audit.standard_id, audit.standard_version))
        if stored_hash is None:
            try:
                self._raise_standard_not_found(session, audit.standard_id, audit.standard_version)
            except NotFound as error:
                raise NotFound(f"{label}: {error}", zh=f"{label_zh}：{error.text('zh')}") from None
        assert stored_hash is not None
        if audit.standard_hash and audit.standard_hash != stored_hash:
            raise Conflict(
                f"{label} was captured on standard {audit.standard_id} {audit.standard_version} with content hash "
                f"{audit.standard_hash[:12]}…, but this database holds {stored_hash[:12]}… for that "
                "version: the two copies of the standard differ",
                zh=f"{label_zh} 采集时所用的稽核标准 {audit.standard_id} {audit.standard_version} 内容哈希为 "
                f"{audit.standard_hash[:12]}…，而本数据库中该版本的哈希为 {stored_hash[:12]}…：两份标准内容不一致",
            )
        return stored_hash

    def _replace_audit(
        self, session: Session, audit: Audit, standard_hash: str, digest: str, replace_: bool, who: str, why: str
    ) -> int:
        """Other content under a stored UUID: Conflict naming the differences, or (replace) a new revision (its
        number returned)."""
        row = session.get(m.AuditRow, audit.audit_id, with_for_update=self.dialect == "postgresql")
        assert row is not None
        stored = self._load_audits(session, [_audits.c.audit_id == audit.audit_id])[0]
        differences = describe_differences(stored, audit)
        if not replace_:
            raise Conflict(
                f"audit {audit.audit_id}"
                + (f" from {audit.source}" if audit.source else "")
                + f" is already stored (revision {row.revision}) with different content ({differences.en}); "
                "import with --replace to store it as a new revision",
                zh=f"稽核 {audit.audit_id}"
                + (f"（来自 {audit.source}）" if audit.source else "")
                + f"已存储（第 {row.revision} 版），但内容不同（{differences.zh}）；"
                "如要保存为新版本，请加 --replace 导入",
            )
        stamp = now_text()
        revision = max(row.revision + 1, audit.revision)
        session.execute(_evidence.delete().where(_evidence.c.audit_id == audit.audit_id))
        session.execute(_answers.delete().where(_answers.c.audit_id == audit.audit_id))
        for key, value in self._audit_values(audit, standard_hash).items():
            setattr(row, key, value)
        row.revision = revision
        row.content_digest = digest
        row.updated_at = stamp
        if audit.is_final and row.finalised_at is None:
            row.finalised_at, row.finalised_by = stamp, who or audit.auditor
        session.flush()
        self._insert_answers(session, audit.audit_id, list(audit.answers.values()), start=0)
        self._trail(
            session,
            audit.audit_id,
            "replaced",
            who or audit.auditor,
            why or f"replaced by {audit.source or 'a new copy'}",
            revision,
            differences.en,
        )
        return revision

    @staticmethod
    def _audit_values(audit: Audit, standard_hash: str) -> dict[str, Any]:
        return {
            "dealer_code": audit.dealer_code,
            "standard_id": audit.standard_id,
            "standard_version": audit.standard_version,
            "standard_hash": standard_hash,
            "wave": audit.wave,
            "auditor": audit.auditor,
            "visit_start": time_text(audit.visit_start),
            "visit_end": time_text(audit.visit_end),
            "status": audit.status.value,
            "source": audit.source,
            "kind": audit.kind.value,
            "scenario": audit.scenario,
        }

    @staticmethod
    def _insert_answers(session: Session, audit_id: str, answers: list[Answer], start: int) -> None:
        AuditStore._insert_answer_rows(session, [(audit_id, answers)], start)

    @staticmethod
    def _insert_answer_rows(session: Session, groups: list[tuple[str, list[Answer]]], start: int = 0) -> None:
        """Answers (and their evidence) of several audits with one multi-row INSERT per table and chunk."""
        answer_rows = [
            {
                "audit_id": audit_id,
                "item_id": a.item_id,
                "position": start + i,
                "value": value_to_json(a.value),
                "na": a.na,
                "note": a.note,
                "answered_at": time_text(a.answered_at),
            }
            for audit_id, answers in groups
            for i, a in enumerate(answers)
        ]
        evidence_rows = [
            {
                "audit_id": audit_id,
                "item_id": a.item_id,
                "position": j,
                "file_name": e.file_name,
                "sha256": e.sha256,
                "size": e.size,
                "media_type": e.media_type,
            }
            for audit_id, answers in groups
            for a in answers
            for j, e in enumerate(a.evidence)
        ]
        for chunk in chunks_of(answer_rows, 5000):
            session.execute(_answers.insert(), list(chunk))
        for chunk in chunks_of(evidence_rows, 5000):
            session.execute(_evidence.insert(), list(chunk))

    def _trail(
        self, session: Session, audit_id: str, action: str, who: str, why: str, revision: int, details: str = ""
    ) -> None:
        session.add(
            m.AuditTrailRow(
                audit_id=audit_id, at=now_text(), who=who, action=action, why=why, revision=revision, details=details
            )
        )

    # ---- audits: reading -------------------------------------------------------------------------------------

    def get_audit(self, audit_id: str) -> Audit:
        """An audit by UUID or by a unique prefix of at least 6 characters (as printed in lists)."""
        with self._read() as session:
            found = self._load_audits(session, [_audits.c.audit_id == audit_id])
            if found:
                return found[0]
            if len(audit_id) >= 6:
                matches = list(
                    session.execute(
                        sa.select(_audits.c.audit_id).where(_audits.c.audit_id.startswith(audit_id, autoescape=True))
                    ).scalars()
                )
                if len(matches) == 1:
                    return self._load_audits(session, [_audits.c.audit_id == matches[0]])[0]
                if len(matches) > 1:
                    shown = ", ".join(sorted(matches)[:5])
                    raise NotFound(
                        f"audit id {audit_id} is ambiguous: {shown}", zh=f"稽核编号 {audit_id} 不唯一：{shown}"
                    )
        raise NotFound(f"no audit {audit_id} in {self.display_url}", zh=f"{self.display_url} 中没有稽核 {audit_id}")

    def list_audits(
        self,
        wave: str | None = None,
        dealer_code: str | None = None,
        standard_id: str | None = None,
        status: AuditStatus | str | None = None,
        standard_version: str | None = None,
    ) -> list[Audit]:
        """Audits matching every given filter, with their answers and evidence, sorted by wave, dealer, visit.

        Three queries whatever the count (audits, then all their answers, then all their evidence), so a wave
        of 6,000 audits × 100 answers loads in seconds, not in 6,000 round trips.
        """
        conditions: list[Any] = []
        if wave is not None:
            conditions.append(_audits.c.wave == wave)
        if dealer_code is not None:
            conditions.append(_audits.c.dealer_code == dealer_code)
        if standard_id is not None:
            conditions.append(_audits.c.standard_id == standard_id)
        if standard_version is not None:
            conditions.append(_audits.c.standard_version == standard_version)
        if status is not None:
            conditions.append(_audits.c.status == AuditStatus(status).value)
        # Hundreds of thousands of small frozen objects: the cyclic GC would rescan them all repeatedly while they
        # are built, and none of them form cycles, so pause it for the load.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            with self._read() as session:
                return self._load_audits(session, conditions)
        finally:
            if gc_was_enabled:
                gc.enable()

    def standard_versions(self, audit_ids: Iterable[str]) -> dict[str, str]:
        """audit id → the standard version it was captured on, for the given ids (unknown ids left out): what a page
        naming findings of many audits needs (the wording they were audited against) without loading answers."""
        wanted = sorted(set(audit_ids))
        found: dict[str, str] = {}
        with self._read() as session:
            for chunk in chunks_of(wanted):
                query = sa.select(_audits.c.audit_id, _audits.c.standard_version).where(_audits.c.audit_id.in_(chunk))
                found.update({row.audit_id: row.standard_version for row in session.execute(query)})
        return found

    def count_audits(self) -> int:
        with self._read() as session:
            return int(session.execute(sa.select(sa.func.count()).select_from(_audits)).scalar_one())

    def data_fingerprint(self) -> tuple[int, ...]:
        """A cheap value that changes whenever what the reports show changes, for a server that keeps scored waves
        and checks this before every page: how many finalised audits (a new one imported, a draft finalised), the
        audit trail's size and newest entry (every change to a stored audit after the fact — a finalisation, a
        corrected answer, a replaced revision — writes one), and how many dealers, standards and programs.

        One query over indexes (about a millisecond at 24,000 audits), never a scan of the audits. Drafts are left
        out on purpose: reports count finalised audits only, so an auditor capturing a draft does not make every
        manager's next page re-score the wave. Not seen: a dealer's master data edited in place (same count)."""
        one = sa.select(
            sa.select(sa.func.count())
            .select_from(_audits)
            .where(_audits.c.status == AuditStatus.FINALISED.value)
            .scalar_subquery(),
            sa.select(sa.func.count()).select_from(_trail_table).scalar_subquery(),
            sa.select(sa.func.coalesce(sa.func.max(_trail_table.c.id), 0)).scalar_subquery(),
            sa.select(sa.func.count()).select_from(_dealers).scalar_subquery(),
            sa.select(sa.func.count()).select_from(_standards).scalar_subquery(),
            sa.select(sa.func.count()).select_from(_programs).scalar_subquery(),
        )
        with self._read() as session:
            return tuple(int(value) for value in session.execute(one).one())

    def _load_audits(self, session: Session, conditions: list[Any]) -> list[Audit]:
        audit_rows = session.execute(
            sa.select(_audits)
            .where(*conditions)
            .order_by(_audits.c.wave, _audits.c.dealer_code, _audits.c.visit_start, _audits.c.audit_id)
        ).all()
        if not audit_rows:
            return []
        ids = sa.select(_audits.c.audit_id).where(*conditions)
        evidence: dict[tuple[str, str], list[EvidenceRef]] = {}
        for e in session.execute(
            sa.select(_evidence).where(_evidence.c.audit_id.in_(ids)).order_by(_evidence.c.position)
        ):
            evidence.setdefault((e.audit_id, e.item_id), []).append(
                EvidenceRef(e.file_name, e.sha256, e.size, e.media_type)
            )
        answers: dict[str, dict[str, Answer]] = {}
        columns = (_answers.c.audit_id, _answers.c.item_id, _answers.c.value, _answers.c.na, _answers.c.note)
        query = (
            sa.select(*columns, _answers.c.answered_at)
            .where(_answers.c.audit_id.in_(ids))
            .order_by(_answers.c.audit_id, _answers.c.position)
        )
        current_id, current = None, {}
        no_evidence: tuple[EvidenceRef, ...] = ()
        # A wave repeats a few hundred item ids, option codes and note phrasings across ~350,000 answers: each
        # distinct text is kept once and shared, as is each UTC offset's tzinfo (fromisoformat makes one per
        # call), instead of one copy per row (~100 MB of a 3,000-dealer wave). Rows are read in batches, not all
        # at once, so the raw rows never all exist together.
        shared: dict[str, str] = {}
        share = shared.setdefault
        values: dict[str, Any] = {}
        zones: dict[tzinfo, tzinfo] = {}
        fromisoformat = datetime.fromisoformat
        for audit_id, item_id, value, na, note, answered_at in session.execute(
            query.execution_options(yield_per=_ANSWER_BATCH)
        ):
            if audit_id != current_id:  # rows arrive grouped by audit: one dict lookup per audit, not per answer
                current_id, current = audit_id, answers.setdefault(audit_id, {})
            refs = evidence.get((audit_id, item_id)) if evidence else None
            item_id = share(item_id, item_id)
            if value is None:
                parsed = None
            else:
                parsed = values.get(value, _UNSEEN)
                if parsed is _UNSEEN:
                    parsed = value_from_json(value)
                    if isinstance(parsed, str | int | float | tuple):  # immutable, so safe to share
                        values[value] = parsed
            when = fromisoformat(answered_at) if answered_at else None
            if when is not None and when.tzinfo is not None:  # one tzinfo per offset, not one per answer
                zone = zones.setdefault(when.tzinfo, when.tzinfo)
                if zone is not when.tzinfo:
                    when = when.replace(tzinfo=zone)
            current[item_id] = Answer(
                item_id,
                parsed,
                bool(na),
                share(note, note) if note else "",
                tuple(refs) if refs else no_evidence,
                when,
            )
        return [
            Audit(
                audit_id=r.audit_id,
                dealer_code=r.dealer_code,
                standard_id=r.standard_id,
                standard_version=r.standard_version,
                wave=r.wave,
                auditor=r.auditor,
                visit_start=parse_time(r.visit_start),
                visit_end=parse_time(r.visit_end),
                status=AuditStatus(r.status),
                revision=r.revision,
                answers=answers.get(r.audit_id, {}),
                standard_hash=r.standard_hash,
                source=r.source,
                kind=AuditKind(r.kind),
                scenario=r.scenario,
            )
            for r in audit_rows
        ]

    def audit_trail(self, audit_id: str) -> list[TrailEntry]:
        """Changes recorded for an audit, oldest first."""
        t = _trail_table.c
        with self._read() as session:
            rows = session.execute(sa.select(_trail_table).where(t.audit_id == audit_id).order_by(t.id)).all()
        return [
            TrailEntry(r.audit_id, datetime.fromisoformat(r.at), r.who, r.action, r.why, r.revision, r.details)
            for r in rows
        ]

    def evidence_in_use(self, sha256: str) -> bool:
        """Whether any stored answer or dispute cites evidence with this hash (before deleting a file from the
        store, which both share by content: a dealer's dispute photo may be the same bytes as a draft's)."""
        with self._read() as session:
            found = session.execute(sa.select(_evidence.c.id).where(_evidence.c.sha256 == sha256).limit(1)).first()
            if found is None:  # a dispute keeps its evidence as JSON; a sha256 is 64 hex digits, never a substring
                cited = _disputes.c.evidence.contains(sha256, autoescape=True)
                found = session.execute(sa.select(_disputes.c.dispute_id).where(cited).limit(1)).first()
        return found is not None

    def list_evidence(self, audit_ids: Sequence[str] | None = None) -> list[EvidenceRecord]:
        """Evidence rows (file name, sha256, size, media type) of the given audits, or of all audits."""
        found: list[EvidenceRecord] = []
        with self._read() as session:
            groups: Iterable[Sequence[str] | None] = [None] if audit_ids is None else chunks_of(list(audit_ids))
            for chunk in groups:
                query = sa.select(_evidence).order_by(_evidence.c.audit_id, _evidence.c.item_id, _evidence.c.position)
                if chunk is not None:
                    query = query.where(_evidence.c.audit_id.in_(chunk))
                found.extend(
                    EvidenceRecord(e.audit_id, e.item_id, EvidenceRef(e.file_name, e.sha256, e.size, e.media_type))
                    for e in session.execute(query)
                )
        return found

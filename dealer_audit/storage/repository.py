"""The repository: the one object the rest of the tool uses to keep and find standards, dealers and audits.

It speaks the core dataclasses (Checklist, Program, Dealer, Audit, Answer) and hides the tables, so the wizard,
the importers and scoring never see SQL. The same code runs on SQLite (auditor laptop) and PostgreSQL (HQ).

API summary (each method is one transaction unless it says otherwise)::

    repo = Repository.open("audit.db" | "sqlite:///…" | "postgresql://…")   # new: created at head; checks schema
    # standards (stored as the canonical JSON of core.standard_codec)
    repo.save_standard(checklist) -> bool        # True = stored now, False = identical copy already there
    repo.get_standard(id, version) -> Checklist  # NotFound naming stored versions / close ids
    repo.latest_standard(id) -> Checklist        # highest version (numeric-aware: 2026.10 > 2026.9)
    repo.list_standards() -> list[Checklist]
    # programs and waves
    repo.save_program(program) -> bool           # also records the program's waves
    repo.get_program(id=None) -> Program         # None = the most recently loaded program
    repo.list_programs() -> list[Program]; repo.list_waves() -> list[Wave]
    # dealers
    repo.save_dealers(dealers) -> DealerSaveResult   # upsert, all in one transaction
    repo.get_dealer(code) -> Dealer              # NotFound with close-match suggestions
    repo.list_dealers(region=None) -> list[Dealer]; repo.suggest_dealers(code) -> list[str]
    # audits
    repo.save_audit(audit, replace=False, who="", why="") -> SaveOutcome   # created | unchanged | replaced
    repo.save_audits(audits, replace=False, who="", why="") -> list[SaveOutcome]   # all or nothing
    repo.get_audit(id_or_unique_prefix) -> Audit
    repo.list_audits(wave=None, dealer_code=None, standard_id=None, status=None, standard_version=None)
                                                 # -> list[Audit], in 3 queries whatever the count
    repo.save_answer(audit_id, answer, who="", why="", expected=None) -> Audit  # the wizard's autosave
    repo.delete_answer(audit_id, item_id, who="", why="", expected=None) -> Audit
    repo.draft_token(audit_id) -> str            # the version an editor passes back as expected= (optimistic)
    repo.finalise(audit_id, who, expected=None) -> Audit   # expected: draft_token, else DraftChanged
    repo.audit_trail(audit_id) -> list[TrailEntry]
    repo.list_evidence(audit_ids=None) -> list[EvidenceRecord]; repo.evidence_in_use(sha256) -> bool
    repo.count_audits() -> int; repo.standard_hash(id, version) -> str | None
    repo.display_url (password hidden); repo.schema_version(); repo.close() / `with Repository.open(…) as repo:`
    # action plans (storage/actions.py, mixed in)
    repo.record_actions(new, verified, who, source) -> (added, changed)
    repo.list_actions(wave=None, dealer_code=None, status=None) -> list[Action]; repo.get_action(id)
    repo.update_actions(updates, who, source) -> int   # optimistic: a stale version refuses the whole batch
    repo.action_trail(action_id) -> list[ActionTrailEntry]
    # disputes (storage/disputes.py, mixed in)
    repo.record_issue(wave, dealer_codes, issued_on, who) -> int; repo.issued_on(wave, dealer) -> date | None
    repo.file_dispute(dispute) -> Dispute; repo.list_disputes(wave, dealer_code, status); repo.get_dispute(id)
    repo.rule_dispute(id, read_version, ruling, who, why, revised_answer) -> Dispute   # one ruling stands

Changing a finalised audit (save_answer/delete_answer) needs `why`: it bumps the revision and writes an
audit-trail row. Errors are the tool's own: NotFound, Conflict, ConfigurationError (never raw driver errors).

Idempotency: an audit is identified by its UUID and compared by a content digest (`audit_digest`: everything
but revision, source and the standard hash, which the standard id+version already fix). Saving the same content
again is `unchanged`; other content under a stored UUID is a `Conflict` unless `replace=True`, which bumps the
revision and writes an audit-trail row (who, when, why). Concurrent writers (two HQ import processes) are safe:
a unique-key violation or deadlock rolls the transaction back and it is retried, and on the retry the other
process's copy is found and reported as `unchanged`.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from dealer_audit.core.accounts import Account, Role
from dealer_audit.core.answers import Answer, Audit, AuditKind, AuditStatus, EvidenceRef
from dealer_audit.core.batches import chunks
from dealer_audit.core.canonical import canonical_hash, canonical_json
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.lookup import close_matches
from dealer_audit.core.standard import Checklist, LocalText, Program, Wave
from dealer_audit.core.versions import version_key
from dealer_audit.errors import ConfigurationError, Conflict, DraftChanged, NotFound
from dealer_audit.storage import limits, schema
from dealer_audit.storage import models as m
from dealer_audit.storage.actions import ActionStore
from dealer_audit.storage.db import (
    make_engine,
    normalise_url,
    redact_url,
    scrub_secret,
    sqlite_write_problem,
    write_engine,
)
from dealer_audit.storage.disputes import DisputeStore
from dealer_audit.storage.field_operations import FieldOperationsStore

T = TypeVar("T")

_RETRIES = 6
_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
_CHUNK = 500  # keeps IN (...) lists well under every database's parameter limit

_audits = m.table("audits")
_answers = m.table("answers")
_evidence = m.table("evidence")
_waves = m.table("waves")
_standards = m.table("standards")
_programs = m.table("programs")
_dealers = m.table("dealers")
_schema_info = m.table("schema_info")
_trail_table = m.table("audit_trail")


class SaveOutcome(StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"


@dataclass(frozen=True)
class DealerSaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


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


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _time_text(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = close_matches(word, candidates)
    return f" (did you mean {', '.join(close)}?)" if close else ""


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


def _value_to_json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def _value_from_json(text: str | None) -> Any:
    if text is None:
        return None
    if text.startswith('"') and "\\" not in text:  # the common case ("yes", "no", option codes): no parser
        return text[1:-1]
    if text.isdigit():
        return int(text)
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else value


def _chunks(values: Sequence[T], size: int = _CHUNK) -> Iterable[Sequence[T]]:
    """Batches of at most `size` (default: under every database's parameter limit)."""
    return chunks(values, size)


def _describe_differences(old: Audit, new: Audit) -> str:
    """A short human summary of what differs, for Conflict messages and trail rows."""
    changes: list[str] = []
    for name in ("dealer_code", "standard_id", "standard_version", "wave", "auditor", "status"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(f"{name} {before!s} → {after!s}")
    if (old.visit_start, old.visit_end) != (new.visit_start, new.visit_end):
        changes.append("visit times")
    items = sorted(
        item_id
        for item_id in set(old.answers) | set(new.answers)
        if audit_digest(replace(old, answers={k: v for k, v in old.answers.items() if k == item_id}))
        != audit_digest(replace(old, answers={k: v for k, v in new.answers.items() if k == item_id}))
    )
    if items:
        shown = ", ".join(items[:6]) + (f" and {len(items) - 6} more" if len(items) > 6 else "")
        changes.append(f"answers to {shown}")
    return "; ".join(changes) or "content"


class Repository(ActionStore, DisputeStore, FieldOperationsStore):
    """Storage for one database. Thread-compatible (one per thread); processes may share a database."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self._write_engine = write_engine(engine)
        self._url = url
        self._standard_cache: dict[tuple[str, str, str], Checklist] = {}

    # ---- opening ---------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | URL, base_dir: Any = None) -> Repository:
        """Connect to a dealer-audit database; an empty one (or a new SQLite file) is created at the schema head.

        `url` is a SQLAlchemy URL or a plain SQLite file path (relative paths resolve against `base_dir`).
        The schema is read before anything is written (`storage.schema`): a database of another application,
        one written by a newer dealer-audit, or an older one that needs ``dealer-audit db upgrade`` raises
        ConfigurationError and is left untouched. Unreachable databases raise ConfigurationError too (the
        message shows the URL without its password).
        """
        parsed = url if isinstance(url, URL) else normalise_url(url, base_dir)
        status = schema.inspect_database(parsed)
        problem = schema.refusal(status, parsed)
        if problem is not None:
            raise problem
        read_only = sqlite_write_problem(parsed.database or "") if parsed.get_backend_name() == "sqlite" else None
        if read_only and Path(parsed.database or "").parent.is_dir():
            raise ConfigurationError(
                f"cannot use the database {redact_url(parsed)}: {read_only}; nothing was changed. dealer-audit needs "
                "to write there (even to read: SQLite's WAL journal) — make it writable or work on a copy / 数据库只读"
            )
        engine = make_engine(parsed)
        repo = cls(engine, parsed)
        try:
            if status.state is schema.SchemaState.EMPTY:
                schema.upgrade(engine, parsed)
        except DBAPIError as error:
            engine.dispose()
            raise ConfigurationError(f"cannot open the database {repo.display_url}: {repo._scrub(error)}") from None
        except BaseException:
            engine.dispose()
            raise
        return repo

    @property
    def display_url(self) -> str:
        """The database URL with its password hidden (safe for messages and logs)."""
        return redact_url(self._url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Repository({self.display_url})"

    def _scrub(self, error: BaseException) -> str:
        original = getattr(error, "orig", None) or error
        first_line = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
        return scrub_secret(first_line, self._url)

    def schema_version(self) -> int:
        """The schema version recorded in the database (the number of its Alembic revision)."""
        with self._read() as session:
            value = session.execute(
                sa.select(_schema_info.c.value).where(_schema_info.c.key == "schema_version")
            ).scalar_one_or_none()
        return int(value) if value is not None else 0

    # ---- transactions ----------------------------------------------------------------------------------------

    def _write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one write transaction, retrying when a concurrent writer got there first.

        A retry re-runs `work` from scratch in a fresh transaction, so it sees what the other writer committed
        (e.g. the audit it inserted) and takes the idempotent path. Domain errors (Conflict, NotFound) roll back
        and propagate untouched.
        """
        for attempt in range(_RETRIES):
            try:
                with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
                    return work(session)
            except IntegrityError as error:
                if attempt == _RETRIES - 1:
                    message = f"the database {self.display_url} refused the change: {self._scrub(error)}"
                    raise Conflict(message) from None
            except OperationalError as error:
                sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None)
                locked = "database is locked" in str(error)
                if attempt == _RETRIES - 1 or not (sqlstate in _RETRYABLE_SQLSTATES or locked):
                    raise ConfigurationError(f"database error on {self.display_url}: {self._scrub(error)}") from None
            except DBAPIError as error:  # data errors (value too long …): a message, never a traceback
                raise ConfigurationError(f"database error on {self.display_url}: {self._scrub(error)}") from None
            time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A read session; a failing database becomes a ConfigurationError with the URL's password hidden."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
        except DBAPIError as error:
            raise ConfigurationError(f"database error on {self.display_url}: {self._scrub(error)}") from None

    def _insert_ignore(self, session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        """INSERT … ON CONFLICT DO NOTHING on either database (two importers may add the same wave at once)."""
        if not rows:
            return
        insert = pg_dialect.insert if self.dialect == "postgresql" else sqlite_dialect.insert
        session.execute(insert(table).on_conflict_do_nothing(), rows)

    # ---- standards -------------------------------------------------------------------------------------------

    def save_standard(self, checklist: Checklist) -> bool:
        """Store a standard version; True when stored now, False when the identical content is already there.

        The same id+version with different content raises Conflict: a published standard version never changes,
        a changed standard needs a new version (or audits scored on it would silently change meaning).
        """
        from dealer_audit.core.standard_codec import content_hash, standard_to_dict

        label = checklist.source or f"standard {checklist.id[:60]}"
        limits.refuse_unstorable(label, limits.checklist_issues(checklist))
        data = standard_to_dict(checklist)
        data.pop("source", None)
        digest = content_hash(checklist)
        body = canonical_json(data)

        def work(session: Session) -> bool:
            row = session.get(m.StandardRow, (checklist.id, checklist.version))
            if row is not None:
                if row.content_hash == digest:
                    return False
                raise Conflict(
                    f"standard {checklist.id} version {checklist.version} is already stored with other content "
                    f"(stored hash {row.content_hash[:12]}…, {checklist.source or 'new'} has {digest[:12]}…): "
                    "a changed standard needs a new version"
                )
            session.add(
                m.StandardRow(
                    id=checklist.id,
                    version=checklist.version,
                    content_hash=digest,
                    kind=checklist.kind.value,
                    title_zh=checklist.title.zh,
                    title_en=checklist.title.en,
                    body=body,
                    loaded_at=now_text(),
                )
            )
            return True

        return self._write(work)

    def _decode_standard(self, row: Any) -> Checklist:
        from dealer_audit.core.standard_codec import standard_from_dict

        key = (row.id, row.version, row.content_hash)
        cached = self._standard_cache.get(key)
        if cached is None:
            cached = standard_from_dict(json.loads(row.body), source=f"database standard {row.id} {row.version}")
            self._standard_cache[key] = cached
        return cached

    def get_standard(self, standard_id: str, version: str) -> Checklist:
        """The stored standard; NotFound names the versions stored for that id, or close ids."""
        with self._read() as session:
            row = session.get(m.StandardRow, (standard_id, version))
            if row is not None:
                return self._decode_standard(row)
            self._raise_standard_not_found(session, standard_id, version)
        raise AssertionError("unreachable")  # pragma: no cover

    def _raise_standard_not_found(self, session: Session, standard_id: str, version: str | None) -> None:
        rows = session.execute(sa.select(_standards.c.id, _standards.c.version)).all()
        versions = sorted((v for i, v in rows if i == standard_id), key=version_key)
        if versions and version is not None:
            raise NotFound(f"standard {standard_id} has no version {version}; stored versions: {', '.join(versions)}")
        ids = sorted({i for i, _ in rows})
        known = f"; stored standards: {', '.join(ids)}" if ids else "; no standards are loaded yet"
        raise NotFound(
            f"unknown standard {standard_id}{_did_you_mean(standard_id, ids)}{known} "
            "(load it with `dealer-audit standards import`)"
        )

    def latest_standard(self, standard_id: str) -> Checklist:
        """The highest stored version of a standard (versions compare number parts numerically)."""
        with self._read() as session:
            rows = session.execute(sa.select(m.StandardRow).where(_standards.c.id == standard_id)).scalars().all()
            if not rows:
                self._raise_standard_not_found(session, standard_id, None)
            best = max(rows, key=lambda r: version_key(r.version))
            return self._decode_standard(best)

    def list_standards(self) -> list[Checklist]:
        """Every stored standard version, sorted by id then version."""
        with self._read() as session:
            rows = session.execute(sa.select(m.StandardRow)).scalars().all()
            rows = sorted(rows, key=lambda r: (r.id, version_key(r.version)))
            return [self._decode_standard(r) for r in rows]

    def standard_hash(self, standard_id: str, version: str) -> str | None:
        """The stored content hash of a standard version, or None when it is not stored."""
        with self._read() as session:
            row = session.get(m.StandardRow, (standard_id, version))
            return row.content_hash if row else None

    # ---- programs and waves ----------------------------------------------------------------------------------

    def save_program(self, program: Program) -> bool:
        """Store (or update) a program and its waves; False when the identical program is already stored.

        Unlike standards, a program may change under the same id (a wave is added during the year).
        """
        from dealer_audit.core.standard_codec import program_to_dict

        limits.refuse_unstorable(program.source or f"program {program.id[:60]}", limits.program_issues(program))
        data = program_to_dict(program)
        data.pop("source", None)
        body = canonical_json(data)
        digest = canonical_hash(data)

        def work(session: Session) -> bool:
            row = session.get(m.ProgramRow, program.id)
            if row is not None and row.content_hash == digest:
                return False
            if row is None:
                session.add(m.ProgramRow(id=program.id, content_hash=digest, body=body, loaded_at=now_text()))
            else:
                row.content_hash, row.body, row.loaded_at = digest, body, now_text()
            for position, wave in enumerate(program.waves):
                existing = session.get(m.WaveRow, wave.code)
                values: dict[str, Any] = {
                    "title_zh": wave.title.zh,
                    "title_en": wave.title.en,
                    "start": wave.start,
                    "end": wave.end,
                    "position": position,
                }
                if existing is None:
                    session.add(m.WaveRow(code=wave.code, **values))
                else:
                    for key, value in values.items():
                        setattr(existing, key, value)
            return True

        return self._write(work)

    def _decode_program(self, row: m.ProgramRow) -> Program:
        from dealer_audit.core.standard_codec import program_from_dict

        return program_from_dict(json.loads(row.body), source=f"database program {row.id}")

    def get_program(self, program_id: str | None = None) -> Program:
        """A stored program; with no id, the most recently loaded one. NotFound when none is stored."""
        with self._read() as session:
            if program_id is not None:
                row = session.get(m.ProgramRow, program_id)
            else:
                row = session.execute(
                    sa.select(m.ProgramRow).order_by(_programs.c.loaded_at.desc(), _programs.c.id).limit(1)
                ).scalar_one_or_none()
            if row is None:
                ids = list(session.execute(sa.select(_programs.c.id)).scalars())
                if program_id is None:
                    raise NotFound("no program is loaded: load the program file with `dealer-audit standards import`")
                raise NotFound(
                    f"unknown program {program_id}{_did_you_mean(program_id, ids)}"
                    + (f"; stored programs: {', '.join(sorted(ids))}" if ids else "; no program is loaded")
                )
            return self._decode_program(row)

    def program_region_codes(self) -> set[str] | None:
        """The stored program's region codes (what master data may name), or None when no program is loaded."""
        try:
            return {r.code for r in self.get_program().regions} or None
        except NotFound:
            return None

    def list_programs(self) -> list[Program]:
        with self._read() as session:
            rows = session.execute(sa.select(m.ProgramRow).order_by(_programs.c.id)).scalars().all()
            return [self._decode_program(r) for r in rows]

    def list_waves(self) -> list[Wave]:
        """Waves from programs (in program order, with titles and dates), then waves seen only on audits."""
        with self._read() as session:
            rows = session.execute(sa.select(m.WaveRow)).scalars().all()
        rows = sorted(rows, key=lambda r: (r.position is None, r.position or 0, r.start or "", r.code))
        return [Wave(r.code, LocalText(r.title_zh, r.title_en), r.start, r.end) for r in rows]

    def audited_waves(self) -> set[str]:
        """The codes of the waves at least one stored audit belongs to."""
        with self._read() as session:
            return set(session.execute(sa.select(_audits.c.wave).distinct()).scalars())

    # ---- dealers ---------------------------------------------------------------------------------------------

    @staticmethod
    def _dealer_values(dealer: Dealer) -> dict[str, Any]:
        return {
            "name_zh": dealer.name.zh,
            "name_en": dealer.name.en,
            "region": dealer.region,
            "province": dealer.province,
            "city": dealer.city,
            "group_name": dealer.group,
            "brand": dealer.brand,
            "attributes": json.dumps(dict(dealer.attributes), ensure_ascii=False, sort_keys=True),
        }

    @staticmethod
    def _dealer_from_row(row: m.DealerRow) -> Dealer:
        return Dealer(
            code=row.code,
            name=LocalText(row.name_zh, row.name_en),
            region=row.region,
            province=row.province,
            city=row.city,
            group=row.group_name,
            brand=row.brand,
            attributes=json.loads(row.attributes or "{}"),
        )

    def save_dealers(self, dealers: Iterable[Dealer]) -> DealerSaveResult:
        """Insert or update dealers by code, all in one transaction (a master-data file loads fully or not at all)."""
        by_code = {d.code: d for d in dealers}  # a later row for the same code wins
        for dealer in by_code.values():
            limits.refuse_unstorable(f"dealer {dealer.code[:60]!r}", limits.dealer_issues(dealer))

        def work(session: Session) -> DealerSaveResult:
            created = updated = unchanged = 0
            codes = list(by_code)
            existing: dict[str, m.DealerRow] = {}
            for chunk in _chunks(codes):
                for row in session.execute(sa.select(m.DealerRow).where(_dealers.c.code.in_(chunk))).scalars():
                    existing[row.code] = row
            for code, dealer in by_code.items():
                values = self._dealer_values(dealer)
                found = existing.get(code)
                if found is None:
                    session.add(m.DealerRow(code=code, **values))
                    created += 1
                elif all(getattr(found, k) == v for k, v in values.items()):
                    unchanged += 1
                else:
                    for key, value in values.items():
                        setattr(found, key, value)
                    updated += 1
            return DealerSaveResult(created, updated, unchanged)

        return self._write(work)

    def suggest_dealers(self, code: str) -> list[str]:
        """Stored dealer codes close to `code` (for "did you mean" in messages)."""
        with self._read() as session:
            codes = list(session.execute(sa.select(_dealers.c.code)).scalars())
        return close_matches(code, codes)

    def get_dealer(self, code: str) -> Dealer:
        """A dealer by code; NotFound suggests close codes (SH001 for sh001, SH01 …)."""
        with self._read() as session:
            row = session.get(m.DealerRow, code)
            if row is not None:
                return self._dealer_from_row(row)
        raise NotFound(self.unknown_dealer_message(code))

    def unknown_dealer_message(self, code: str) -> str:
        close = self.suggest_dealers(code)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (load dealers with `dealer-audit dealers import`)"
        return f"unknown dealer {code}{hint}"

    def list_dealers(self, region: str | None = None) -> list[Dealer]:
        with self._read() as session:
            query = sa.select(m.DealerRow).order_by(_dealers.c.code)
            if region is not None:
                query = query.where(_dealers.c.region == region)
            return [self._dealer_from_row(r) for r in session.execute(query).scalars()]

    # ---- audits: writing -------------------------------------------------------------------------------------

    def save_audit(self, audit: Audit, replace: bool = False, who: str = "", why: str = "") -> SaveOutcome:
        """Store one audit idempotently: created, unchanged (same UUID and content) or replaced (`replace=True`).

        Other content under a stored UUID raises Conflict naming what differs. Unknown dealer or standard →
        NotFound; a standard hash on the audit that differs from the stored standard's → Conflict.
        """
        return self.save_audits([audit], replace=replace, who=who, why=why)[0]

    def save_audits(
        self, audits: Sequence[Audit], replace: bool = False, who: str = "", why: str = ""
    ) -> list[SaveOutcome]:
        """Store several audits in ONE transaction (a bundle): either all are stored or none is.

        Outcomes are returned in input order. On any Conflict/NotFound nothing is written. Built for batches:
        existing audits, dealers and standards are looked up once per batch and new audits, answers and
        evidence are written with one multi-row INSERT each, so thousands of audits import in seconds.
        """
        order = sorted(range(len(audits)), key=lambda i: audits[i].audit_id)  # same lock order in every process
        for audit in audits:
            limits.refuse_unstorable(audit.source or f"audit {audit.audit_id[:64]}", limits.audit_issues(audit))
        limits.refuse_unstorable("import", limits.actor_issues(who, why))

        def work(session: Session) -> list[SaveOutcome]:
            outcomes: dict[int, SaveOutcome] = {}
            ids = sorted({a.audit_id for a in audits})
            existing: dict[str, Any] = {}
            for chunk in _chunks(ids):
                for row in session.execute(
                    sa.select(_audits.c.audit_id, _audits.c.content_digest, _audits.c.revision).where(
                        _audits.c.audit_id.in_(chunk)
                    )
                ):
                    existing[row.audit_id] = row
            dealer_codes = sorted({a.dealer_code for a in audits})
            known_dealers: set[str] = set()
            for chunk in _chunks(dealer_codes):
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
                    raise Conflict(f"{audit.source or 'audit'}: an audit needs an audit_id (UUID)")
                standard_hash = self._check_references(session, audit, known_dealers, standard_hashes)
                digest = audit_digest(audit)
                if audit.audit_id in batch_digests:  # the same audit twice in one batch
                    if batch_digests[audit.audit_id] != digest:
                        raise Conflict(f"audit {audit.audit_id} appears twice with different content")
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
                    outcomes[index] = SaveOutcome.CREATED
                elif stored_row.content_digest == digest:
                    outcomes[index] = SaveOutcome.UNCHANGED
                else:
                    self._replace_audit(session, audit, standard_hash, digest, replace, who, why)
                    outcomes[index] = SaveOutcome.REPLACED
            for rows in _chunks(new_rows):
                session.execute(_audits.insert(), list(rows))
            self._insert_answer_rows(session, new_answers)
            self._insert_ignore(session, _waves, [{"code": w} for w in sorted({a.wave for a in audits})])
            return [outcomes[i] for i in range(len(audits))]

        return self._write(work)

    def _check_references(
        self, session: Session, audit: Audit, known_dealers: set[str], standard_hashes: dict[tuple[str, str], str]
    ) -> str:
        """Dealer and standard must exist; returns the stored standard's hash."""
        label = f"audit {audit.audit_id}" + (f" ({audit.source})" if audit.source else "")
        if audit.dealer_code not in known_dealers:
            codes = list(session.execute(sa.select(_dealers.c.code)).scalars())
            raise NotFound(f"{label}: unknown dealer {audit.dealer_code}{_did_you_mean(audit.dealer_code, codes)}")
        stored_hash = standard_hashes.get((audit.standard_id, audit.standard_version))
        if stored_hash is None:
            try:
                self._raise_standard_not_found(session, audit.standard_id, audit.standard_version)
            except NotFound as error:
                raise NotFound(f"{label}: {error}") from None
        assert stored_hash is not None
        if audit.standard_hash and audit.standard_hash != stored_hash:
            raise Conflict(
                f"{label} was captured on standard {audit.standard_id} {audit.standard_version} with content hash "
                f"{audit.standard_hash[:12]}…, but this database holds {stored_hash[:12]}… for that "
                "version: the two copies of the standard differ"
            )
        return stored_hash

    def _replace_audit(
        self, session: Session, audit: Audit, standard_hash: str, digest: str, replace_: bool, who: str, why: str
    ) -> None:
        """Other content under a stored UUID: Conflict naming the differences, or (replace) a new revision."""
        row = session.get(m.AuditRow, audit.audit_id, with_for_update=self.dialect == "postgresql")
        assert row is not None
        stored = self._load_audits(session, [_audits.c.audit_id == audit.audit_id])[0]
        differences = _describe_differences(stored, audit)
        if not replace_:
            raise Conflict(
                f"audit {audit.audit_id}"
                + (f" from {audit.source}" if audit.source else "")
                + f" is already stored (revision {row.revision}) with different content ({differences}); "
                "import with --replace to store it as a new revision"
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
            differences,
        )

    @staticmethod
    def _audit_values(audit: Audit, standard_hash: str) -> dict[str, Any]:
        return {
            "dealer_code": audit.dealer_code,
            "standard_id": audit.standard_id,
            "standard_version": audit.standard_version,
            "standard_hash": standard_hash,
            "wave": audit.wave,
            "auditor": audit.auditor,
            "visit_start": _time_text(audit.visit_start),
            "visit_end": _time_text(audit.visit_end),
            "status": audit.status.value,
            "source": audit.source,
            "kind": audit.kind.value,
            "scenario": audit.scenario,
        }

    @staticmethod
    def _insert_answers(session: Session, audit_id: str, answers: list[Answer], start: int) -> None:
        Repository._insert_answer_rows(session, [(audit_id, answers)], start)

    @staticmethod
    def _insert_answer_rows(session: Session, groups: list[tuple[str, list[Answer]]], start: int = 0) -> None:
        """Answers (and their evidence) of several audits with one multi-row INSERT per table and chunk."""
        answer_rows = [
            {
                "audit_id": audit_id,
                "item_id": a.item_id,
                "position": start + i,
                "value": _value_to_json(a.value),
                "na": a.na,
                "note": a.note,
                "answered_at": _time_text(a.answered_at),
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
        for chunk in _chunks(answer_rows, 5000):
            session.execute(_answers.insert(), list(chunk))
        for chunk in _chunks(evidence_rows, 5000):
            session.execute(_evidence.insert(), list(chunk))

    def _trail(
        self, session: Session, audit_id: str, action: str, who: str, why: str, revision: int, details: str = ""
    ) -> None:
        session.add(
            m.AuditTrailRow(
                audit_id=audit_id, at=now_text(), who=who, action=action, why=why, revision=revision, details=details
            )
        )

    def _audit_row_for_update(self, session: Session, audit_id: str) -> m.AuditRow:
        row = session.get(m.AuditRow, audit_id, with_for_update=self.dialect == "postgresql")
        if row is None:
            raise NotFound(f"no audit {audit_id} in {self.display_url}")
        return row

    def draft_token(self, audit_id: str) -> str:
        """The version token of a stored audit (see `draft_token`): what an editor passes back as `expected`."""
        with self._read() as session:
            row = session.get(m.AuditRow, audit_id)
            if row is None:
                raise NotFound(f"no audit {audit_id} in {self.display_url}")
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
        limits.refuse_unstorable(f"answer {answer.item_id[:100]}", limits.audit_issues(probe))
        limits.refuse_unstorable(f"answer {answer.item_id[:100]}", limits.actor_issues(who, why))
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
                    f"audit {audit_id} is finalised: changing {answer.item_id} needs a reason (why) for the audit trail"
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
            existing.value = _value_to_json(answer.value)
            existing.na = answer.na
            existing.note = answer.note
            existing.answered_at = _time_text(answer.answered_at)
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
        return "(none)" if answer.value is None else _value_to_json(answer.value) or ""

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
                    raise Conflict(f"audit {audit_id} is finalised: removing {item_id} needs a reason (why)")
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
        limits.refuse_unstorable(f"audit {audit_id[:64]}", limits.actor_issues(who, why))

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
                    raise NotFound(f"audit id {audit_id} is ambiguous: {', '.join(sorted(matches)[:5])}")
        raise NotFound(f"no audit {audit_id} in {self.display_url}")

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
        fromisoformat = datetime.fromisoformat
        for audit_id, item_id, value, na, note, answered_at in session.execute(
            query
        ).all():  # one fetchall, not 350k fetchone
            if audit_id != current_id:  # rows arrive grouped by audit: one dict lookup per audit, not per answer
                current_id, current = audit_id, answers.setdefault(audit_id, {})
            refs = evidence.get((audit_id, item_id)) if evidence else None
            current[item_id] = Answer(
                item_id,
                _value_from_json(value),
                bool(na),
                note or "",
                tuple(refs) if refs else no_evidence,
                fromisoformat(answered_at) if answered_at else None,
            )
        return [
            Audit(
                audit_id=r.audit_id,
                dealer_code=r.dealer_code,
                standard_id=r.standard_id,
                standard_version=r.standard_version,
                wave=r.wave,
                auditor=r.auditor,
                visit_start=_parse_time(r.visit_start),
                visit_end=_parse_time(r.visit_end),
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
        """Whether any stored answer cites evidence with this hash (before deleting a file from the store)."""
        with self._read() as session:
            found = session.execute(sa.select(_evidence.c.id).where(_evidence.c.sha256 == sha256).limit(1)).first()
        return found is not None

    def list_evidence(self, audit_ids: Sequence[str] | None = None) -> list[EvidenceRecord]:
        """Evidence rows (file name, sha256, size, media type) of the given audits, or of all audits."""
        found: list[EvidenceRecord] = []
        with self._read() as session:
            groups: Iterable[Sequence[str] | None] = [None] if audit_ids is None else _chunks(list(audit_ids))
            for chunk in groups:
                query = sa.select(_evidence).order_by(_evidence.c.audit_id, _evidence.c.item_id, _evidence.c.position)
                if chunk is not None:
                    query = query.where(_evidence.c.audit_id.in_(chunk))
                found.extend(
                    EvidenceRecord(e.audit_id, e.item_id, EvidenceRef(e.file_name, e.sha256, e.size, e.media_type))
                    for e in session.execute(query)
                )
        return found

    # ---- accounts of the browser app ---------------------------------------------------------------------------

    @staticmethod
    def _account_from_row(row: m.UserRow) -> Account:
        regions = frozenset(r for r in row.regions.split(",") if r)
        return Account(row.name, Role(row.role), regions, row.display_name, row.password_hash, row.created_at)

    def save_account(self, account: Account, replace: bool = False) -> None:
        """Store a new account; an existing name is a Conflict unless `replace` (changing role, regions or
        password of an account that must exist: NotFound otherwise)."""

        def work(session: Session) -> None:
            row = session.get(m.UserRow, account.name)
            stamp = now_text()
            if row is None and replace:
                raise NotFound(f"no account {account.name}{_did_you_mean(account.name, self._account_names(session))}")
            if row is not None and not replace:
                raise Conflict(f"account {account.name} already exists (change it with `dealer-audit users passwd`)")
            if row is None:
                row = m.UserRow(name=account.name, role="", password_hash="", created_at=stamp, updated_at=stamp)
                session.add(row)
            row.role = account.role.value
            row.regions = ",".join(sorted(account.regions))
            row.display_name = account.display_name
            row.password_hash = account.password_hash
            row.updated_at = stamp

        self._write(work)

    @staticmethod
    def _account_names(session: Session) -> list[str]:
        return list(session.execute(sa.select(m.table("users").c.name)).scalars())

    def get_account(self, name: str) -> Account | None:
        with self._read() as session:
            row = session.get(m.UserRow, name)
            return None if row is None else self._account_from_row(row)

    def list_accounts(self) -> list[Account]:
        with self._read() as session:
            rows = session.execute(sa.select(m.UserRow).order_by(m.table("users").c.name)).scalars()
            return [self._account_from_row(row) for row in rows]

    def count_accounts(self) -> int:
        with self._read() as session:
            return int(session.execute(sa.select(sa.func.count()).select_from(m.table("users"))).scalar_one())

    def remove_account(self, name: str) -> None:
        """Delete an account (its audits keep the auditor's name); NotFound when there is none."""

        def work(session: Session) -> None:
            row = session.get(m.UserRow, name)
            if row is None:
                raise NotFound(f"no account {name}{_did_you_mean(name, self._account_names(session))}")
            session.delete(row)

        self._write(work)

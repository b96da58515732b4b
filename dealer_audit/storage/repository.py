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
    repo.list_dealers(region=None) -> list[Dealer]
    repo.unknown_dealer_message(code) -> Message  # both languages, close codes read and matched once
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

Each group of methods is a store of its own module, mixed in here (a newcomer finds a table's code by its name):
storage/standards.py (standards, programs, waves), dealers.py, audits.py (whole audits, trail, evidence),
answers.py (one answer at a time, finalising), accounts.py, actions.py, disputes.py, field_operations.py,
kpis.py.
This module opens the database and runs transactions (`_write` with retries, `_read`) for all of them.

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

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from dealer_audit.core.standard import Checklist
from dealer_audit.errors import ConfigurationError, Conflict
from dealer_audit.storage import models as m
from dealer_audit.storage import schema
from dealer_audit.storage.accounts import AccountStore
from dealer_audit.storage.actions import ActionStore
from dealer_audit.storage.answers import AnswerStore
from dealer_audit.storage.audits import (
    AuditStore,
    EvidenceRecord,
    SaveOutcome,
    TrailEntry,
    audit_digest,
    draft_token,
)
from dealer_audit.storage.common import T, now_text
from dealer_audit.storage.db import (
    make_engine,
    normalise_url,
    redact_url,
    scrub_secret,
    sqlite_write_problem,
    write_engine,
)
from dealer_audit.storage.dealers import DealerSaveResult, DealerStore
from dealer_audit.storage.disputes import DisputeStore
from dealer_audit.storage.field_operations import FieldOperationsStore
from dealer_audit.storage.kpis import KpiValueStore
from dealer_audit.storage.standards import StandardStore

_RETRIES = 6
_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
_schema_info = m.table("schema_info")


class Repository(
    StandardStore,
    DealerStore,
    AuditStore,
    AnswerStore,
    AccountStore,
    ActionStore,
    DisputeStore,
    FieldOperationsStore,
    KpiValueStore,
):
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
                f"cannot use the database {redact_url(parsed)}: {read_only.en}; nothing was changed. dealer-audit "
                "needs to write there (even to read: SQLite's WAL journal) — make it writable or work on a copy",
                zh=f"无法使用数据库 {redact_url(parsed)}：{read_only.zh}，未做任何修改。dealer-audit 需要在此写入"
                "（即使只读取也要写入 SQLite 的 WAL 日志）：请将其设为可写，或在副本上操作",
            )
        engine = make_engine(parsed)
        repo = cls(engine, parsed)
        try:
            if status.state is schema.SchemaState.EMPTY:
                schema.upgrade(engine, parsed)
        except DBAPIError as error:
            engine.dispose()
            raise ConfigurationError(
                f"cannot open the database {repo.display_url}: {repo._scrub(error)}",
                zh=f"无法打开数据库 {repo.display_url}：{repo._scrub(error)}",
            ) from None
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
                    detail = self._scrub(error)
                    raise Conflict(
                        f"the database {self.display_url} refused the change: {detail}",
                        zh=f"数据库 {self.display_url} 拒绝了此次修改：{detail}",
                    ) from None
            except OperationalError as error:
                sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None)
                locked = "database is locked" in str(error)
                if attempt == _RETRIES - 1 or not (sqlstate in _RETRYABLE_SQLSTATES or locked):
                    raise self._database_error(error) from None
            except DBAPIError as error:  # data errors (value too long …): a message, never a traceback
                raise self._database_error(error) from None
            time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A read session; a failing database becomes a ConfigurationError with the URL's password hidden."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
        except DBAPIError as error:
            raise self._database_error(error) from None

    def _database_error(self, error: DBAPIError) -> ConfigurationError:
        """A failing database as a message (its password hidden), the driver's own words as the detail."""
        detail = self._scrub(error)
        return ConfigurationError(
            f"database error on {self.display_url}: {detail}", zh=f"数据库 {self.display_url} 出错：{detail}"
        )

    def _insert_ignore(self, session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        """INSERT … ON CONFLICT DO NOTHING on either database (two importers may add the same wave at once)."""
        if not rows:
            return
        insert = pg_dialect.insert if self.dialect == "postgresql" else sqlite_dialect.insert
        session.execute(insert(table).on_conflict_do_nothing(), rows)


__all__ = [  # the repository's public names, wherever their store lives
    "DealerSaveResult",
    "EvidenceRecord",
    "Repository",
    "SaveOutcome",
    "TrailEntry",
    "audit_digest",
    "draft_token",
    "now_text",
]

"""Which schema a database has, and bringing it to this tool's: Alembic revisions behind one small API.

Why this module exists: opening a database must never change its schema behind the user's back, a database of
another application must be refused before a single byte is written, and an old database must be upgraded by
one explicit command (``dealer-audit db upgrade``) in one transaction. Everything that knows about Alembic, the
``alembic_version`` table and the first release's ``schema_info`` marker lives here.

Schema versions are numbers: revision ``0001`` is schema version 1 (the first release's tables), ``0002`` is 2,
and so on (tests/storage/test_migrations.py keeps the chain linear and numbered). Two markers are kept:

- ``alembic_version`` — Alembic's own table, the authority for this tool;
- ``schema_info.schema_version`` — the first release's marker, kept equal to the head's number on every upgrade
  so that release (which knows no Alembic) still refuses a database a later revision changed.

A database written by the first release has no ``alembic_version``; its ``schema_version = 1`` row identifies it
as revision 0001, and ``db upgrade`` stamps it so before running any later revision.
"""

from __future__ import annotations

import ast
import shlex
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError

from dealer_audit.errors import ConfigurationError
from dealer_audit.storage.db import is_sqlite, redact_url, scrub_secret, url_secrets, write_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
MARKER_TABLE = "schema_info"
MARKER_KEY = "schema_version"
V1_REVISION = "0001"
_PG_LOCK_KEY = 0x6461_7564_6974  # "daudit": one upgrade at a time per PostgreSQL database


class SchemaState(StrEnum):
    EMPTY = "empty"  # no tables at all: created at the head on first use
    CURRENT = "current"  # at this tool's head
    OLDER = "older"  # an earlier revision: `dealer-audit db upgrade` brings it up
    NEWER = "newer"  # written by a newer dealer-audit: refused
    FOREIGN = "foreign"  # tables of another application: refused before anything is written


@dataclass(frozen=True)
class SchemaStatus:
    """What a database holds, read without writing to it."""

    state: SchemaState
    head: str  # this tool's head revision
    revision: str | None = None  # the database's revision (a v1 database not yet stamped: 0001); None if none
    stamped: bool = False  # alembic_version records `revision` (False for a first-release database)
    marker: int | None = None  # schema_info.schema_version, when present
    tables: tuple[str, ...] = field(default=())  # every table found (named when a database is refused)

    @property
    def version(self) -> int | None:
        """The schema version as a number (revision 0002 → 2), whichever marker says more."""
        numbers = [n for n in (_number(self.revision), self.marker) if n is not None]
        return max(numbers) if numbers else None


@dataclass(frozen=True)
class UpgradeResult:
    before: SchemaStatus
    applied: tuple[str, ...]  # revisions run, in order
    stamped_v1: bool  # a first-release database was stamped as 0001 first

    @property
    def changed(self) -> bool:
        return bool(self.applied) or self.stamped_v1


def _number(revision: str | None) -> int | None:
    return int(revision) if revision is not None and revision.isdigit() else None


# ---- the revisions this tool knows ---------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _chain_at(location: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(revision, the revisions it follows) of every migration script at `location`, in file-name order.

    Read from the scripts' `revision` and `down_revision` assignments without importing them: opening a
    database only compares its revision with these, and importing Alembic for that (~35 MB, beside a scored
    wave in every report run) is what `upgrade` alone needs. Alembic itself reads the same two names
    (tests/storage/test_migrations.py holds both readings equal)."""
    chain = []
    for path in sorted((location / "versions").glob("*.py")):
        names: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
            target = node.target if isinstance(node, ast.AnnAssign) else target
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and node.value:  # type: ignore[union-attr]
                names[target.id] = ast.literal_eval(node.value)  # type: ignore[union-attr]
        revision, down = names.get("revision"), names.get("down_revision")
        if not isinstance(revision, str):
            continue  # not a revision script
        follows = (down,) if isinstance(down, str) else tuple(down) if isinstance(down, tuple | list) else ()
        chain.append((revision, tuple(str(d) for d in follows)))
    return tuple(chain)


def _chain(location: Path | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The revisions at `location`, default the package's own (looked up at call time, so tests can add one)."""
    return _chain_at(location or MIGRATIONS)


def revisions(location: Path | None = None) -> tuple[str, ...]:
    """Every known revision, oldest first (each after the revisions it follows)."""
    pending = dict(_chain(location))
    ordered: list[str] = []
    while pending:
        ready = sorted(r for r, follows in pending.items() if all(f in ordered or f not in pending for f in follows))
        if not ready:  # a loop of down_revisions: not a history
            raise ConfigurationError(
                f"the migrations in {location or MIGRATIONS} form a cycle",
                zh=f"{location or MIGRATIONS} 中的数据库迁移脚本形成了循环",
            )
        ordered.append(ready[0])
        del pending[ready[0]]
    return tuple(ordered)


def head_revision(location: Path | None = None) -> str:
    chain = _chain(location)
    followed = {f for _, follows in chain for f in follows}
    heads = [revision for revision, _ in chain if revision not in followed]
    if len(heads) != 1:  # two engineers' revisions both following the same one: renumber before release
        raise ConfigurationError(
            f"the migrations in {location or MIGRATIONS} have {len(heads)} heads ({', '.join(heads)})",
            zh=f"{location or MIGRATIONS} 中的数据库迁移有 {len(heads)} 个末端版本（{', '.join(heads)}）",
        )
    return heads[0]


def head_version(location: Path | None = None) -> int:
    """This tool's schema version: the number of its head revision."""
    return _number(head_revision(location)) or 0


def alembic_config(connection: Connection, location: Path | None = None) -> Config:
    """An Alembic config for the revisions at `location` (default: the package's), running on `connection`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(location or MIGRATIONS))
    config.attributes["connection"] = connection
    return config


# ---- reading the state ---------------------------------------------------------------------------------------


def read_status(connection: Connection, location: Path | None = None) -> SchemaStatus:
    """The schema state seen through `connection` (reads only)."""
    head = head_revision(location)
    tables = tuple(sorted(sa.inspect(connection).get_table_names()))
    if not tables:
        return SchemaStatus(SchemaState.EMPTY, head)
    marker: int | None = None
    if MARKER_TABLE in tables:
        info = sa.table(MARKER_TABLE, sa.column("key"), sa.column("value"))
        value = connection.execute(sa.select(info.c.value).where(info.c.key == MARKER_KEY)).scalar()
        marker = int(value) if isinstance(value, str) and value.isdigit() else None
    if marker is None:  # no dealer-audit marker: whatever these tables are, they are not ours
        return SchemaStatus(SchemaState.FOREIGN, head, tables=tables)
    stamped_revision: str | None = None
    if VERSION_TABLE in tables:
        version = sa.table(VERSION_TABLE, sa.column("version_num"))
        stamped_revision = connection.execute(sa.select(version.c.version_num)).scalar()
    revision = stamped_revision or (V1_REVISION if marker == 1 else None)
    known = revisions(location)
    if revision is None or revision not in known or marker > head_version(location):
        state = SchemaState.NEWER
    elif revision == head:
        state = SchemaState.CURRENT
    else:
        state = SchemaState.OLDER
    return SchemaStatus(state, head, revision, stamped_revision is not None, marker, tables)


@contextmanager
def _read_only(url: URL) -> Iterator[Connection | None]:
    """A connection that cannot write: SQLite files are opened read-only (no WAL switch, no -journal), so a file
    of another application is looked at without being touched. Yields None for a SQLite file that does not
    exist yet (or is in memory)."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if not database or database == ":memory:" or not Path(database).exists():
            yield None
            return
        if not Path(database).is_file():
            raise ConfigurationError(f"the database {database} is not a file", zh=f"数据库 {database} 不是文件")
        uri = f"file:{quote(str(Path(database).resolve()))}?mode=ro"
        engine = sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=sa.NullPool)
    else:
        engine = sa.create_engine(url, poolclass=sa.NullPool, connect_args={"connect_timeout": 10})
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def inspect_database(url: URL, location: Path | None = None) -> SchemaStatus:
    """The state of the database at `url`, found without writing anything to it."""
    try:
        with _read_only(url) as connection:
            if connection is None:
                return SchemaStatus(SchemaState.EMPTY, head_revision(location))
            return read_status(connection, location)
    except DBAPIError as error:
        raise ConfigurationError(
            f"cannot open the database {redact_url(url)}: {_scrub(error, url)}",
            zh=f"无法打开数据库 {redact_url(url)}：{_scrub(error, url)}",
        ) from None


def _scrub(error: DBAPIError, url: URL) -> str:
    text = str(error.orig or error).strip()
    return scrub_secret(text.splitlines()[0] if text else type(error).__name__, url)


def upgrade_command(url: URL) -> str:
    """The exact command that upgrades this database (the password shown as *** — put it back, or use the
    DEALER_AUDIT_DB variable)."""
    if url.get_backend_name() == "sqlite" and url.database:
        target = url.database
    else:
        target = redact_url(url.set(drivername=url.get_backend_name()))
    return f"dealer-audit db upgrade --db {shlex.quote(target)}"


def refusal(status: SchemaStatus, url: URL) -> ConfigurationError | None:
    """Why a command may not use this database as it is (None: it may). The same words for every command."""
    shown = redact_url(url)
    if status.state is SchemaState.FOREIGN:
        more = len(status.tables) - 8
        listed = ", ".join(status.tables[:8]) + (f" and {more} more" if more > 0 else "")
        listed_zh = ", ".join(status.tables[:8]) + (f" 等另外 {more} 个" if more > 0 else "")
        return ConfigurationError(
            f"the database {shown} is not a dealer-audit database (it holds other tables: {listed}); nothing was "
            "written to it. Point --db at a dealer-audit database or at a new, empty one",
            zh=f"数据库 {shown} 不是 dealer-audit 数据库（其中有其他数据表：{listed_zh}），未做任何写入。"
            "请用 --db 指向 dealer-audit 数据库或一个新的空数据库",
        )
    if status.state is SchemaState.NEWER:
        found = status.version
        what = f"schema version {found}" if found is not None else f"schema revision {status.revision}"
        what_zh = f"结构版本 {found}" if found is not None else f"结构修订 {status.revision}"
        return ConfigurationError(
            f"the database {shown} has {what}, but this dealer-audit only knows schema version "
            f"{_number(status.head)}: upgrade dealer-audit to open it",
            zh=f"数据库 {shown} 为{what_zh}，而此版本的 dealer-audit 只支持到结构版本 {_number(status.head)}："
            "数据库由较新版本写入，请升级 dealer-audit 后再打开",
        )
    if status.state is SchemaState.OLDER:
        secret = bool(url_secrets(url))
        hint = " (with the password in place of ***, or set DEALER_AUDIT_DB and leave out --db)" if secret else ""
        hint_zh = "（请把 *** 换成密码，或设置 DEALER_AUDIT_DB 并省略 --db）" if secret else ""
        return ConfigurationError(
            f"the database {shown} has schema version {status.version}, this dealer-audit needs schema version "
            f"{_number(status.head)}; nothing was changed. Back it up, then run: {upgrade_command(url)}{hint}",
            zh=f"数据库 {shown} 的结构版本为 {status.version}，此版本的 dealer-audit 需要结构版本 "
            f"{_number(status.head)}；未做任何修改。数据库结构较旧：请先备份，再运行：{upgrade_command(url)}{hint_zh}",
        )
    return None


# ---- changing it ---------------------------------------------------------------------------------------------


def upgrade(engine: Engine, url: URL, location: Path | None = None) -> UpgradeResult:
    """Bring the database to the head in one transaction: create it when empty, stamp a first-release database
    as 0001, run the missing revisions, keep schema_info's marker equal to the head's number.

    Refuses (ConfigurationError, nothing written) a database of another application or of a newer dealer-audit.
    The state is read again under the write lock, so two processes upgrading at once run each revision once.
    """
    before = inspect_database(url, location)
    problem = refusal(before, url) if before.state is not SchemaState.OLDER else None
    if problem is not None:
        raise problem
    try:
        with _migration_connection(engine) as connection:
            status = read_status(connection, location)
            problem = refusal(status, url) if status.state is not SchemaState.OLDER else None
            if problem is not None:
                raise problem
            if status.state is SchemaState.CURRENT and status.stamped:
                return UpgradeResult(status, (), stamped_v1=False)
            from alembic import command  # only when migrating

            config = alembic_config(connection, location)
            stamped_v1 = status.state is not SchemaState.EMPTY and not status.stamped
            if stamped_v1:
                command.stamp(config, V1_REVISION)
            known = revisions(location)
            start = known.index(status.revision) + 1 if status.revision else 0
            command.upgrade(config, "head")
            _write_marker(connection, status.head)
            if is_sqlite(engine):
                _check_foreign_keys(connection)
            return UpgradeResult(status, known[start:], stamped_v1)
    except DBAPIError as error:
        raise ConfigurationError(
            f"cannot upgrade the database {redact_url(url)}: {_scrub(error, url)}",
            zh=f"无法升级数据库 {redact_url(url)}：{_scrub(error, url)}",
        ) from None


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """One write transaction for the whole upgrade.

    SQLite: foreign keys are switched off first (outside the transaction, the only place SQLite allows it) so
    batch mode's copy-and-rename of a parent table cascades no row away; `_check_foreign_keys` verifies the
    result before commit, and they are switched on again afterwards. PostgreSQL: DDL is transactional and an
    advisory lock makes a second upgrader wait, then find the work done.
    """
    sqlite = is_sqlite(engine)
    with write_engine(engine).connect() as connection:
        raw = connection.connection.dbapi_connection
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if not sqlite:
                    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
                yield connection
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def _write_marker(connection: Connection, head: str) -> None:
    info = sa.table(MARKER_TABLE, sa.column("key"), sa.column("value"))
    connection.execute(info.update().where(info.c.key == MARKER_KEY).values(value=str(_number(head))))


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise ConfigurationError(
            f"the upgrade would leave {len(broken)} rows without their parent row (tables {', '.join(tables)}); "
            "it was rolled back and nothing changed",
            zh=f"升级会使 {len(broken)} 行数据失去其上级数据行（数据表 {', '.join(tables)}）；已回滚，未做任何修改",
        )


def upgrade_database(url: URL) -> UpgradeResult:
    """`upgrade` on a database named by URL (``dealer-audit db upgrade``); the engine is closed afterwards."""
    from dealer_audit.storage.db import make_engine

    inspect_database(url)  # refuses a foreign file before make_engine's first connection switches it to WAL
    engine = make_engine(url)
    try:
        return upgrade(engine, url)
    finally:
        engine.dispose()

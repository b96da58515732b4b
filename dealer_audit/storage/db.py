"""Database engines from URLs: SQLite on the auditor's laptop, PostgreSQL at HQ, one code path for both.

Why this module exists: every connection detail that differs between the two databases lives here, so the
repository above it writes plain SQLAlchemy and never asks which database it talks to.

- SQLite runs in WAL mode (readers never block the writer; a killed process loses at most the transaction in
  flight) with foreign keys on and a busy timeout, and write transactions start with ``BEGIN IMMEDIATE`` so two
  writers queue instead of failing half-way when one upgrades its read lock.
- ``postgresql://`` URLs are mapped to the installed psycopg 3 driver.
- A URL's credentials never reach output or logs: everything that shows a URL goes through `redact_url` (the
  password, and every query parameter that can carry a secret: ``password``, ``sslpassword``, ``passfile``,
  ``sslkey``, tokens…), and driver error messages are scrubbed with `scrub_secret` before they become
  user-facing errors.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, CursorResult, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from dealer_audit.errors import ConfigurationError, Message

SQLITE_BUSY_TIMEOUT_S = 30.0
_IMMEDIATE = "dealer_audit_immediate"
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][\w+.-]*://[^/:@\s]*:)(?P<pw>[^@\s]*)(?P<tail>@)")
# Query parameters (libpq and driver options) whose value is a secret or names where one is kept.
_SECRET_KEY = re.compile(r"pass|pwd|secret|token|key|auth|credential|cookie|session", re.IGNORECASE)
_QUERY_PARAMETER = re.compile(r"(?P<head>[?&;](?P<key>[^=&;#\s]+)=)(?P<value>[^&;#\s]*)")
_HIDDEN = "***"


def is_secret_parameter(name: str) -> bool:
    """Whether a URL query parameter may carry a credential (hidden wherever a URL is shown)."""
    return bool(_SECRET_KEY.search(name))


def _redact_query_text(text: str) -> str:
    """Hide secret query parameters in URL text that no parser could read."""
    return _QUERY_PARAMETER.sub(
        lambda m: f"{m['head']}{_HIDDEN}" if is_secret_parameter(m["key"]) else m.group(0), text
    )


def _render_redacted(url: URL) -> str:
    query = {key: _HIDDEN if is_secret_parameter(key) else value for key, value in url.query.items()}
    text = url.set(query=query).render_as_string(hide_password=True)
    return text.replace("%2A%2A%2A", _HIDDEN)  # render_as_string percent-encodes the query's '***'


def _split_userinfo(url: str) -> tuple[str, str, str, str] | None:
    """(scheme://, user, password, @host/rest) split at the LAST '@' of the authority, or None without a password.

    Users paste passwords with a raw '@' in them; URL parsers then split at the first '@' and would show the
    rest of the password as part of the host.
    """
    match = re.match(r"^(?P<scheme>[a-zA-Z][\w+.-]*://)(?P<authority>[^/?#]*)(?P<rest>.*)$", url, re.DOTALL)
    if not match or "@" not in match["authority"]:
        return None
    userinfo, host = match["authority"].rsplit("@", 1)
    if ":" not in userinfo:
        return None
    user, password = userinfo.split(":", 1)
    return match["scheme"], user, password, f"@{host}{match['rest']}"


def redact_url(url: str | URL) -> str:
    """The URL as it may be shown to people: the password and secret query parameters replaced by ``***``
    (works on malformed URLs too)."""
    if isinstance(url, URL):
        return _render_redacted(url)
    parts = _split_userinfo(url)
    if parts is not None and "@" in parts[2]:
        scheme, user, _password, tail = parts
        return _redact_query_text(f"{scheme}{user}:{_HIDDEN}{tail}")
    try:
        return _render_redacted(make_url(url))
    except (ArgumentError, ValueError):
        return _redact_query_text(_URL_PASSWORD.sub(lambda m: f"{m['head']}{_HIDDEN}{m['tail']}", url))


def url_secrets(url: str | URL) -> list[str]:
    """Every secret a URL holds: its password and the values of secret query parameters."""
    secrets = [url_password(url)]
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
        for key, value in parsed.query.items():
            if is_secret_parameter(key):
                secrets.extend([value] if isinstance(value, str) else value)
    except (ArgumentError, ValueError):
        text = str(url)
        secrets.extend(m["value"] for m in _QUERY_PARAMETER.finditer(text) if is_secret_parameter(m["key"]))
    return [secret for secret in secrets if secret]


def url_password(url: str | URL) -> str:
    """The password part of a URL ('' when none), so messages can be scrubbed of it."""
    if isinstance(url, str):
        parts = _split_userinfo(url)
        if parts is not None and "@" in parts[2]:
            return parts[2]
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except (ArgumentError, ValueError):
        match = _URL_PASSWORD.search(str(url))
        return match["pw"] if match else ""
    return parsed.password or ""


def scrub_secret(text: str, url: str | URL) -> str:
    """Remove the URL's secrets from a (driver) message, whatever form they took there."""
    for secret in sorted(url_secrets(url), key=len, reverse=True):  # the known secrets first, longest first
        if len(secret) >= 2:
            for form in {secret, quote(secret, safe="")}:  # as typed and as percent-encoded in URLs
                text = text.replace(form, _HIDDEN)
    text = _redact_query_text(_URL_PASSWORD.sub(lambda m: f"{m['head']}{_HIDDEN}{m['tail']}", text))
    return re.sub(
        r"\b(?P<key>\w*(?:password|passfile)\w*)\s*=\s*(?P<q>['\"]?)[^\s'\"]+(?P=q)",  # libpq DSN: password=…
        lambda m: f"{m['key']}={_HIDDEN}",
        text,
        flags=re.IGNORECASE,
    )


def normalise_url(url: str | Path, base_dir: Path | None = None) -> URL:
    """Turn what a user typed into a SQLAlchemy URL.

    A bare path (``audit.db``) means SQLite; relative SQLite paths are taken relative to `base_dir` (the
    workspace) so the settings file works from any current directory; ``postgres://`` and ``postgresql://``
    use psycopg 3, the driver the tool ships with.
    """
    text = str(url)
    if "://" not in text:
        path = Path(text)
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        return URL.create("sqlite", database=str(path))
    parts = _split_userinfo(text)
    if parts is not None and "@" in parts[2]:
        raise ConfigurationError(
            f"the database URL {redact_url(text)} has an '@' in its password: write it as %40",
            zh=f"数据库地址 {redact_url(text)} 的密码中含有“@”：请写成 %40",
        )
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError) as error:
        raise ConfigurationError(
            f"cannot read the database URL {redact_url(text)}: {error}",
            zh=f"无法识别数据库地址 {redact_url(text)}：{error}",
        ) from None
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and base_dir is not None and not Path(database).is_absolute():
            parsed = parsed.set(database=str(base_dir / database))
    else:
        raise ConfigurationError(
            f"unsupported database {redact_url(parsed)}: use a SQLite file or a postgresql:// URL",
            zh=f"不支持的数据库 {redact_url(parsed)}：请使用 SQLite 文件或 postgresql:// 地址",
        )
    return parsed


def sqlite_write_problem(database: str) -> Message | None:
    """Why this tool could not write the SQLite file `database`, in both languages (None: it can). Checked before
    connecting, so a
    read-only workspace is named as such instead of failing later as "attempt to write a readonly database"
    (or, for its evidence, as a file that "cannot be read")."""
    if not database or database == ":memory:":
        return None
    path = Path(database)
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        return Message(f"the database file {path} is read-only", f"数据库文件 {path} 为只读")
    if not os.access(folder, os.W_OK | os.X_OK):
        journal = f"{path.name}-wal and {path.name}-shm" if path.exists() else path.name
        journal_zh = f"{path.name}-wal 和 {path.name}-shm" if path.exists() else path.name
        return Message(
            f"its folder {folder} is not writable (SQLite must create {journal} there)",
            f"其所在文件夹 {folder} 不可写（SQLite 需要在其中创建 {journal_zh}）",
        )
    return None


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str | URL) -> Engine:
    """An engine configured for this tool: WAL + foreign keys on SQLite, pre-ping on PostgreSQL. No SQL echo."""
    parsed = normalise_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            parent = Path(database).parent
            if not parent.is_dir():
                raise ConfigurationError(
                    f"cannot create the database {database}: folder {parent} does not exist",
                    zh=f"无法创建数据库 {database}：文件夹 {parent} 不存在",
                )
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def write_engine(engine: Engine) -> Engine:
    """A view of `engine` whose transactions take SQLite's write lock at BEGIN (no-op elsewhere)."""
    return engine.execution_options(**{_IMMEDIATE: True}) if is_sqlite(engine) else engine


def _configure_sqlite(engine: Engine) -> None:
    """pysqlite's own transaction handling starts transactions late; take control so BEGIN means BEGIN."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # FULL: every commit reaches the disk before the wizard moves on, so even a flat battery (not just a
            # killed process, which NORMAL survives too) loses no answer that was saved.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def updated_rows(session: Session, statement: sa.Update) -> int:
    """Rows an UPDATE matched: the optimistic-concurrency check of actions and dispute rulings (0: someone
    changed the row first)."""
    result = cast("CursorResult[Any]", session.execute(statement))
    return result.rowcount

"""Database engines from URLs: SQLite on the auditor's laptop, PostgreSQL at HQ, one code path for both.

Why this module exists: every connection detail that differs between the two databases lives here, so the
repository above it writes plain SQLAlchemy and never asks which database it talks to.

- SQLite runs in WAL mode (readers never block the writer; a killed process loses at most the transaction in
  flight) with foreign keys on and a busy timeout, and write transactions start with ``BEGIN IMMEDIATE`` so two
  writers queue instead of failing half-way when one upgrades its read lock.
- ``postgresql://`` URLs are mapped to the installed psycopg 3 driver.
- A URL's password never reaches output or logs: everything that shows a URL goes through `redact_url`, and
  driver error messages are scrubbed with `scrub_secret` before they become user-facing errors.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError

from dealer_audit.errors import ConfigurationError

SQLITE_BUSY_TIMEOUT_S = 30.0
_IMMEDIATE = "dealer_audit_immediate"
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][\w+.-]*://[^/:@\s]*:)(?P<pw>[^@\s]*)(?P<tail>@)")


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
    """The URL as it may be shown to people: the password replaced by ``***`` (works on malformed URLs too)."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    parts = _split_userinfo(url)
    if parts is not None and "@" in parts[2]:
        scheme, user, _password, tail = parts
        return f"{scheme}{user}:***{tail}"
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return _URL_PASSWORD.sub(lambda m: f"{m['head']}***{m['tail']}", url)


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
    """Remove the URL's password from a (driver) message, whatever form it took there."""
    password = url_password(url)
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}***{m['tail']}", text)
    if password and len(password) >= 2:
        for form in {password, quote(password, safe="")}:  # as typed and as percent-encoded in URLs
            text = text.replace(form, "***")
    return text


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
        raise ConfigurationError(f"the database URL {redact_url(text)} has an '@' in its password: write it as %40")
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError) as error:
        raise ConfigurationError(f"cannot read the database URL {redact_url(text)}: {error}") from None
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and base_dir is not None and not Path(database).is_absolute():
            parsed = parsed.set(database=str(base_dir / database))
    else:
        raise ConfigurationError(f"unsupported database {redact_url(parsed)}: use a SQLite file or a postgresql:// URL")
    return parsed


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
                raise ConfigurationError(f"cannot create the database {database}: folder {parent} does not exist")
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

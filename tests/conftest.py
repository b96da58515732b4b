"""Shared fixtures: databases (SQLite and PostgreSQL), the mini standard and program, dealers, workspaces.

Storage tests take the parametrized `repo` fixture and so run twice: on a fresh SQLite file and on PostgreSQL.
PostgreSQL (127.0.0.1:5432, trust auth, user postgres; override with DEALER_AUDIT_TEST_PG) gets a database of
its own per test run (``da_test_<pid>_<random>``), created through the ``postgres`` maintenance database at
session start and dropped at the end, so parallel runs never see each other's data; tables are emptied before
every test. When the server is unreachable, PostgreSQL tests are skipped locally but FAIL when CI=true.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PG_ADMIN_URL = os.environ.get("DEALER_AUDIT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_unavailable(reason: str) -> None:
    message = f"PostgreSQL is not available for tests ({reason})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI=true requires it", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a PostgreSQL database created for this test run only (dropped at the end)."""
    try:
        import psycopg
    except ImportError as error:  # pragma: no cover - psycopg is a dependency
        _pg_unavailable(str(error))
    name = f"da_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        _pg_unavailable(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def clean_database(url: str) -> None:
    """Empty every table of the tool, and put the schema markers back at the head (a test may have changed them)."""
    import sqlalchemy as sa

    from dealer_audit.storage import schema
    from dealer_audit.storage.db import make_engine, normalise_url
    from dealer_audit.storage.models import ALL_TABLES

    engine = make_engine(normalise_url(url))
    try:
        inspector = sa.inspect(engine)
        present = [t.name for t in ALL_TABLES if inspector.has_table(t.name)]
        if present:
            with engine.begin() as connection:
                connection.exec_driver_sql(f"TRUNCATE {', '.join(present)} CASCADE")
                if "schema_info" in present:
                    connection.exec_driver_sql(
                        f"INSERT INTO schema_info (key, value) VALUES ('schema_version', '{schema.head_version()}')"
                    )
                if inspector.has_table(schema.VERSION_TABLE):
                    connection.exec_driver_sql(
                        f"UPDATE {schema.VERSION_TABLE} SET version_num = '{schema.head_revision()}'"
                    )
    finally:
        engine.dispose()


@pytest.fixture
def clean_pg_url(pg_url: str) -> str:
    """The run's PostgreSQL database, emptied for this test."""
    clean_database(pg_url)
    return pg_url


@pytest.fixture
def new_pg_database(pg_url: str) -> Iterator[Callable[[], str]]:
    """Factory: one more empty PostgreSQL database for this test only (``<run database>_<n>``, dropped after)."""
    import psycopg

    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    base, run_name = pg_url.rsplit("/", 1)
    made: list[str] = []

    def create() -> str:
        name = f"{run_name}_{len(made) + 1}"
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return f"{base}/{name}"

    yield create
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        for name in made:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def v1_pg_url(new_pg_database: Callable[[], str]) -> str:
    """A database of its own holding tests/fixtures/v1/postgres.sql: what the first release wrote (restored
    with psql, as an administrator would; psql's dump-only \\restrict lines are left out for older clients)."""
    import shutil
    import subprocess

    if shutil.which("psql") is None:
        _pg_unavailable("psql is not installed")
    url = new_pg_database()
    dump = (FIXTURES / "v1" / "postgres.sql").read_text(encoding="utf-8")
    script = "\n".join(line for line in dump.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url], input=script, text=True, check=True,
        capture_output=True,
    )  # fmt: skip
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: a SQLite file, then (second parameter) the run's PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'audit.db'}"
    return request.getfixturevalue("clean_pg_url")


@pytest.fixture
def repo(db_url: str) -> Iterator[Any]:
    """An empty Repository on SQLite and on PostgreSQL (tests using it run once per database)."""
    from dealer_audit.storage.repository import Repository

    repository = Repository.open(db_url)
    yield repository
    repository.close()


# ---- domain fixtures -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def mini_standard() -> Any:
    """tests/fixtures/mini_standard.yaml as a Checklist (every feature of the format)."""
    from dealer_audit.formats.standard_yaml import load_standard

    return load_standard(FIXTURES / "mini_standard.yaml")


@pytest.fixture(scope="session")
def mini_program() -> Any:
    from dealer_audit.formats.standard_yaml import load_program

    return load_program(FIXTURES / "mini_program.yaml")


@pytest.fixture(scope="session")
def sample_dealers() -> list[Any]:
    """Three dealers in two regions; SH001 offers EV service (the mini standard's W04 condition)."""
    from dealer_audit.core.dealers import Dealer
    from dealer_audit.core.standard import LocalText

    return [
        Dealer("SH001", LocalText("上海浦东4S店", "Shanghai Pudong"), "east", "上海", "上海", "申华", "Demo",
               {"has_ev_service": True}),
        Dealer("SH002", LocalText("上海闵行4S店", "Shanghai Minhang"), "east", "上海", "上海", "", "Demo",
               {"has_ev_service": False}),
        Dealer("BJ001", LocalText("北京朝阳4S店", "Beijing Chaoyang"), "north", "北京", "北京", "", "Demo",
               {"has_ev_service": True}),
    ]  # fmt: skip


@pytest.fixture
def loaded_repo(repo: Any, mini_standard: Any, mini_program: Any, sample_dealers: list[Any]) -> Any:
    """`repo` (both databases) holding the mini standard, the mini program and the sample dealers."""
    repo.save_standard(mini_standard)
    repo.save_program(mini_program)
    repo.save_dealers(sample_dealers)
    return repo


@pytest.fixture
def make_audit() -> Callable[..., Any]:
    """Factory for a complete, valid finalised audit of the mini standard (override any field by keyword)."""
    from dealer_audit.core.answers import Answer, Audit, AuditStatus

    def build(**overrides: Any) -> Any:
        at = datetime.fromisoformat("2026-10-12T09:40:00+08:00")
        answers = {
            "R01": Answer("R01", "yes", answered_at=at),
            "R02": Answer("R02", na=True, answered_at=at),
            "R03": Answer("R03", "no", answered_at=at),
            "R04": Answer("R04", 3, note="等了3分钟", answered_at=at),
            "W01": Answer("W01", "wait", answered_at=at),
            "W02": Answer("W02", 4, answered_at=at),
            "W03": Answer("W03", ("wifi", "drinks"), answered_at=at),
            "W04": Answer("W04", "yes", answered_at=at),
            "W06": Answer("W06", "no", answered_at=at),
        }
        fields: dict[str, Any] = {
            "audit_id": str(uuid.uuid4()),
            "dealer_code": "SH001",
            "standard_id": "mini-service",
            "standard_version": "2026.1",
            "wave": "2026-Q4",
            "auditor": "王芳",
            "visit_start": datetime.fromisoformat("2026-10-12T09:30:00+08:00"),
            "visit_end": datetime.fromisoformat("2026-10-12T11:05:00+08:00"),
            "status": AuditStatus.FINALISED,
            "answers": answers,
        }
        fields.update(overrides)
        return Audit(**fields)

    return build


@pytest.fixture
def workspace(tmp_path: Path, mini_standard: Any, mini_program: Any, sample_dealers: list[Any]) -> Iterator[Any]:
    """An initialised SQLite workspace in tmp_path/ws holding the mini standard, program and dealers."""
    from dealer_audit.storage.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    ws.repo.save_standard(mini_standard)
    ws.repo.save_program(mini_program)
    ws.repo.save_dealers(sample_dealers)
    yield ws
    ws.close()


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own DEALER_AUDIT_* variables must not leak into tests."""
    monkeypatch.delenv("DEALER_AUDIT_WORKSPACE", raising=False)
    monkeypatch.delenv("DEALER_AUDIT_DB", raising=False)

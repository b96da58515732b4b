"""Schema migrations (storage/schema.py + storage/migrations/): the revision chain, revision 0001 against the DDL
the first release wrote (tests/fixtures/v1/), the models against the head, and concurrent first opens."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from dealer_audit.errors import ConfigurationError
from dealer_audit.storage import schema
from dealer_audit.storage.db import make_engine, normalise_url
from dealer_audit.storage.models import SQLModel
from dealer_audit.storage.repository import Repository

V1 = Path(__file__).parents[1] / "fixtures" / "v1"


def create_at_revision_0001(url: str) -> None:
    """A fresh database built by revision 0001 alone (whatever later revisions add)."""
    engine = make_engine(normalise_url(url))
    try:
        with engine.begin() as connection:
            command.upgrade(schema.alembic_config(connection), "0001")
    finally:
        engine.dispose()


def test_revisions_are_one_chain_numbered_0001_0002_and_so_on():
    known = schema.revisions()
    assert known == tuple(f"{n:04d}" for n in range(1, len(known) + 1))
    assert schema.head_revision() == known[-1] and schema.head_version() == len(known)


def test_the_revisions_read_without_alembic_are_alembics(tmp_path):
    """Opening a database reads the scripts' revision ids without importing Alembic (schema._chain_at); Alembic
    reads the same scripts to migrate, so both readings must agree, on the package's chain and on a branch."""
    from alembic.script import ScriptDirectory

    alembic_view = ScriptDirectory(str(schema.MIGRATIONS))
    assert schema.revisions() == tuple(reversed([s.revision for s in alembic_view.walk_revisions()]))
    assert schema.head_revision() == alembic_view.get_current_head()
    branched = tmp_path / "migrations"
    (branched / "versions").mkdir(parents=True)
    for name, revision, down in (("a.py", "0001", None), ("b.py", "0002", "0001"), ("c.py", "0003", "0001")):
        body = f"revision: str = {revision!r}\ndown_revision: str | None = {down!r}\n"
        (branched / "versions" / name).write_text(body, encoding="utf-8")
    with pytest.raises(ConfigurationError, match="2 heads"):
        schema.head_revision(branched)


def test_opening_a_current_database_does_not_import_alembic(tmp_path):
    """Alembic is for migrating; every report process opens the database, so it does not pay for it."""
    Repository.open(str(tmp_path / "audit.db")).close()  # created (and migrated) here
    code = (
        "import sys; from dealer_audit.storage.repository import Repository; "
        f"Repository.open({str(tmp_path / 'audit.db')!r}).close(); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_head_schema_is_what_the_models_say(db_url):
    """A model changed without a revision (or a revision that forgot a column) fails here, on both databases."""
    Repository.open(db_url).close()
    engine = make_engine(normalise_url(db_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        engine.dispose()


def test_revision_0001_creates_on_sqlite_exactly_the_tables_the_first_release_did(tmp_path):
    import sqlite3

    create_at_revision_0001(str(tmp_path / "new.db"))

    def ddl(path: Path) -> set[tuple[str, str, str | None]]:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return set(
                connection.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name != 'alembic_version'")
            )

    fixture = tmp_path / "v1.db"
    fixture.write_bytes((V1 / "workspace" / "audit.db").read_bytes())
    assert ddl(tmp_path / "new.db") == ddl(fixture)


def _schema_statements(dump: str) -> set[str]:
    """The DDL statements of a pg_dump, without comments, session settings and the alembic_version table."""
    body = "\n".join(
        line for line in dump.splitlines() if line.strip() and not line.startswith(("--", "\\", "SET ", "SELECT "))
    )
    return {
        re.sub(r"\s+", " ", statement).strip()
        for statement in body.split(";")
        if statement.strip() and "alembic_version" not in statement
    }


@pytest.mark.postgres
def test_revision_0001_creates_on_postgres_exactly_the_tables_the_first_release_did(v1_pg_url, new_pg_database):
    fresh = new_pg_database()
    create_at_revision_0001(fresh)

    def dump(url: str) -> str:
        return subprocess.run(
            ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    statements = _schema_statements(dump(v1_pg_url))
    assert any(s.startswith("CREATE TABLE public.audits") for s in statements)
    assert _schema_statements(dump(fresh)) == statements


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_three_connections_opening_one_empty_database_create_it_once(engine, request, tmp_path):
    """The write lock (SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock) makes the later creators wait, then
    find the schema made (no duplicate-table error)."""
    url = str(tmp_path / "new.db") if engine == "sqlite" else request.getfixturevalue("new_pg_database")()
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            Repository.open(url).close()
        except BaseException as error:  # collected: the assertion below names it
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    status = schema.inspect_database(normalise_url(url))
    assert status.state is schema.SchemaState.CURRENT and status.stamped


def test_a_stamped_revision_this_tool_does_not_know_is_refused(db_url):
    Repository.open(db_url).close()
    engine = make_engine(normalise_url(db_url))
    with engine.begin() as connection:
        connection.execute(sa.text(f"UPDATE {schema.VERSION_TABLE} SET version_num = '0099'"))
    engine.dispose()
    status = schema.inspect_database(normalise_url(db_url))
    assert status.state is schema.SchemaState.NEWER and status.version == 99
    with pytest.raises(Exception, match=r"has schema version 99, but this dealer-audit only knows schema version"):
        Repository.open(db_url)


def test_the_upgrade_command_for_a_url_with_a_password_hides_it_and_says_so():
    url = normalise_url("postgresql://hq:S3cretPw@db.example/audits?sslpassword=KeyPw77")
    older = schema.SchemaStatus(schema.SchemaState.OLDER, "0002", "0001", stamped=True, marker=1)
    message = str(schema.refusal(older, url))
    assert "dealer-audit db upgrade --db 'postgresql://hq:***@db.example/audits?sslpassword=***'" in message
    assert "with the password in place of ***, or set DEALER_AUDIT_DB" in message
    assert "S3cretPw" not in message and "KeyPw77" not in message

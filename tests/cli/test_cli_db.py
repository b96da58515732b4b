"""`dealer-audit db upgrade|current` on the first release's databases (tests/fixtures/v1/), SQLite and PostgreSQL.

The upgrade must keep every row: each table is read in full before and after and compared (tables and columns
that later revisions add are left out of the comparison). "An older database" needs a revision after the head;
a test-only revision (rebuilding the audits table the way SQLite batch mode does) is added to a copy of the
migrations, never shipped. Every expectation is relative to the shipped head, so adding a revision keeps these
tests meaningful.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.storage import schema
from dealer_audit.storage.db import make_engine, normalise_url
from dealer_audit.storage.models import ALL_TABLES
from dealer_audit.storage.repository import Repository

V1 = Path(__file__).parents[1] / "fixtures" / "v1"
V1_TABLES = [t.name for t in ALL_TABLES]
HEAD = schema.head_revision()
HEAD_VERSION = schema.head_version()
NEXT = f"{HEAD_VERSION + 1:04d}"

TEST_ONLY_REVISION = f'''"""Test only: add a column to audits, rebuilding the table on SQLite."""

import sqlalchemy as sa
from alembic import op

revision = "{NEXT}"
down_revision = "{HEAD}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"  # SQLite: copy the table (as for any change but ADD COLUMN)
    with op.batch_alter_table("audits", recreate="always" if sqlite else "auto") as batch:
        batch.add_column(sa.Column("test_only_marker", sa.String(20), nullable=False, server_default="x"))
'''


def run(*args: str, env: dict[str, str] | None = None):
    console.reset_for_tests(200)
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def v1(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """The first release's workspace copied to tmp_path/ws, and its database URL: the workspace's SQLite file, or
    (second parameter) a PostgreSQL database restored from the fixture's dump."""
    ws = tmp_path / "ws"
    shutil.copytree(V1 / "workspace", ws)
    if request.param == "sqlite":
        return {"ws": ws, "url": str(ws / "audit.db"), "file": ws / "audit.db"}
    return {"ws": ws, "url": request.getfixturevalue("v1_pg_url"), "file": None}


def snapshot(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, sorted, as dicts (what 'keeps every row' is checked against)."""
    engine = make_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            result: dict[str, list[dict[str, Any]]] = {}
            for name in tables:
                rows = [dict(row._mapping) for row in connection.execute(sa.text(f"SELECT * FROM {name}"))]
                result[name] = sorted(rows, key=lambda row: repr(sorted(row.items())))
            return result
    finally:
        engine.dispose()


def as_before(after: dict[str, list[dict[str, Any]]], before: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """`after` restricted to the tables and columns `before` had (what later revisions add is not compared)."""
    result: dict[str, list[dict[str, Any]]] = {}
    for name, rows in before.items():
        columns = set(rows[0]) if rows else None
        kept = [{k: v for k, v in row.items() if columns is None or k in columns} for row in after.get(name, [])]
        result[name] = sorted(kept, key=lambda row: repr(sorted(row.items())))
    return result


def file_digest(path: Path | None) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path else None


@pytest.fixture
def with_test_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This tool, one revision later: the shipped migrations plus the test-only revision after the head."""
    location = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS, location, ignore=shutil.ignore_patterns("__pycache__"))
    (location / "versions" / f"{NEXT}_test_only.py").write_text(TEST_ONLY_REVISION, encoding="utf-8")
    monkeypatch.setattr(schema, "MIGRATIONS", location)
    return location


def test_db_upgrade_of_a_first_release_database_keeps_every_row(v1):
    before = snapshot(v1["url"])
    assert len(before["audits"]) == 14 and len(before["audit_trail"]) == 3 and len(before["evidence"]) == 31
    assert "alembic_version" not in before

    shown = run("db", "current", "--db", v1["url"])
    assert shown.exit_code == 0, shown.output
    assert "schema version 1 (revision 0001, first release" in shown.output
    assert ("up to date" if HEAD_VERSION == 1 else "dealer-audit db upgrade") in shown.output

    result = run("db", "upgrade", "--db", v1["url"])
    assert result.exit_code == 0, result.output
    if HEAD_VERSION == 1:
        assert "Recorded schema version 1 (revision 0001)" in result.output
    else:
        assert f"from schema version 1 to schema version {HEAD_VERSION} (revision {HEAD})" in result.output

    after = snapshot(v1["url"])
    assert after.pop("alembic_version") == [{"version_num": HEAD}]
    assert after.pop("schema_info") == [{"key": "schema_version", "value": str(HEAD_VERSION)}]
    before.pop("schema_info")
    assert as_before(after, before) == before
    again = run("db", "upgrade", "--db", v1["url"])
    assert again.exit_code == 0
    assert f"already at schema version {HEAD_VERSION} (revision {HEAD}): nothing to do" in again.output

    with Repository.open(v1["url"]) as repo:
        audits = repo.list_audits()
        assert len(audits) == 14
        assert sum(len(a.answers) for a in audits) == len(before["answers"])
        assert len(repo.list_evidence()) == 31
        trail = [entry for audit in audits for entry in repo.audit_trail(audit.audit_id)]
        assert sorted(entry.action for entry in trail) == ["answer_changed", "finalised", "replaced"]
    scored = run("score", "--wave", "2026-Q4", "-w", str(v1["ws"]), "--db", v1["url"], "--lang", "en")
    assert scored.exit_code == 0, scored.output
    assert "CD002" in scored.output and "TY001" in scored.output


def test_a_first_release_database_is_opened_without_a_write(v1):
    """At head 0001 it is used as it is; past it, it is refused with the upgrade command. Either way nothing
    is written to it."""
    digest = file_digest(v1["file"])
    result = run("score", "--wave", "2026-Q3", "-w", str(v1["ws"]), "--db", v1["url"], "--lang", "en")
    if HEAD_VERSION == 1:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1 and "dealer-audit db upgrade" in result.output, result.output
    assert file_digest(v1["file"]) == digest
    assert "alembic_version" not in snapshot(v1["url"])


def test_an_older_database_names_the_upgrade_command_changes_nothing_then_upgrades(v1, with_test_revision):
    before = snapshot(v1["url"])
    digest = file_digest(v1["file"])
    refused = run("score", "--wave", "2026-Q4", "-w", str(v1["ws"]), "--db", v1["url"])
    assert refused.exit_code == 1
    needs = f"has schema version 1, this dealer-audit needs schema version {HEAD_VERSION + 1}; nothing was changed"
    assert needs in refused.output
    expected = v1["url"] if v1["file"] else v1["url"].replace("postgresql+psycopg://", "postgresql://")
    assert f"run: dealer-audit db upgrade --db {expected}" in refused.output
    assert "Traceback" not in refused.output
    assert file_digest(v1["file"]) == digest and snapshot(v1["url"]) == before

    upgraded = run("db", "upgrade", "--db", v1["url"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"from schema version 1 to schema version {HEAD_VERSION + 1} (revision {NEXT})" in upgraded.output

    after = snapshot(v1["url"])
    assert after.pop("alembic_version") == [{"version_num": NEXT}]
    assert after.pop("schema_info") == [{"key": "schema_version", "value": str(HEAD_VERSION + 1)}]
    assert {row.pop("test_only_marker") for row in after["audits"]} == {"x"}
    before.pop("schema_info")
    # the audits table was rebuilt on SQLite: no answer, evidence or trail row cascaded away
    assert as_before(after, before) == before
    assert "up to date" in run("db", "current", "--db", v1["url"]).output
    assert run("score", "--wave", "2026-Q4", "-w", str(v1["ws"]), "--db", v1["url"]).exit_code == 0


def test_a_database_upgraded_by_a_newer_tool_is_refused_by_this_one(v1, with_test_revision, monkeypatch):
    assert run("db", "upgrade", "--db", v1["url"]).exit_code == 0
    monkeypatch.setattr(schema, "MIGRATIONS", Path(schema.__file__).parent / "migrations")  # back to this tool
    digest = file_digest(v1["file"])
    for command in (["db", "upgrade"], ["score", "--wave", "2026-Q4", "-w", str(v1["ws"])]):
        result = run(*command, "--db", v1["url"])
        assert result.exit_code == 1, result.output
        newer = f"has schema version {HEAD_VERSION + 1}, but this dealer-audit only knows schema version {HEAD_VERSION}"
        assert newer in result.output
        assert "upgrade dealer-audit" in result.output and "Traceback" not in result.output
    assert file_digest(v1["file"]) == digest
    shown = run("db", "current", "--db", v1["url"])
    assert shown.exit_code == 0 and "written by a newer dealer-audit" in shown.output


def test_db_upgrade_creates_an_empty_database_at_the_head(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "empty" in run("db", "current", "--db", "new.db").output
    assert not (tmp_path / "new.db").exists()  # looking changed nothing
    result = run("db", "upgrade", "--db", "new.db")
    assert result.exit_code == 0, result.output
    created = f"Created the database sqlite:///{tmp_path / 'new.db'} at schema version {HEAD_VERSION} (revision {HEAD})"
    assert created in result.output


def test_db_commands_use_the_workspace_database_without_db(tmp_path):
    assert run("init", str(tmp_path / "ws")).exit_code == 0
    shown = run("db", "current", "-w", str(tmp_path / "ws"), env={"DEALER_AUDIT_LANG": "en"})
    assert shown.exit_code == 0, shown.output
    assert f"sqlite:///{tmp_path / 'ws' / 'audit.db'}" in shown.output
    assert f"schema version {HEAD_VERSION} (revision {HEAD}, recorded)" in shown.output
    chinese = run("db", "current", "-w", str(tmp_path / "ws"))  # the workspace's language (zh)
    assert f"数据库结构：结构版本 {HEAD_VERSION}（修订 {HEAD}，已记录）" in chinese.output
    assert "状态：已是最新" in chinese.output and "up to date" not in chinese.output


def test_revision_0002_makes_every_stored_audit_an_ordinary_visit(v1):
    """Revision 0002 (audit kind, docs/calibration.md) on the first release's database: every audit stored before
    it becomes an ordinary visit with no scenario, and counts in the scores as before."""
    assert run("db", "upgrade", "--db", v1["url"]).exit_code == 0
    rows = snapshot(v1["url"])["audits"]
    assert len(rows) == 14 and {(row["kind"], row["scenario"]) for row in rows} == {("visit", "")}
    with Repository.open(v1["url"]) as repo:
        assert {(a.kind.value, a.scenario, a.counts_in_scores) for a in repo.list_audits()} == {("visit", "", True)}

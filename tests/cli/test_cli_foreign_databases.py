"""Issue 12, "Databases that are not ours": credentials in URLs never printed, another application's database
refused before anything is written to it, a read-only workspace named as such. Through the CLI: the message, the
exit code, no traceback, and the database unchanged byte for byte."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.errors import ConfigurationError
from dealer_audit.storage.db import normalise_url, redact_url, scrub_secret
from dealer_audit.storage.workspace import EvidenceStore

ROOT = Path(__file__).parents[2]
SAMPLES = ROOT / "sample_audits"
AUDIT_WITH_PHOTOS = SAMPLES / "2026-Q4" / "CD002_digital-service_1.json"


def run(*args: str, env: dict[str, str] | None = None):
    console.reset_for_tests(200)
    return CliRunner().invoke(app, list(args), env=env)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- credentials in URLs -------------------------------------------------------------------------------------

SECRET_URLS = [
    ("postgresql://hq:Pw0rdInUserinfo@db.example/audits", ["Pw0rdInUserinfo"]),
    ("postgresql://hq@db.example/audits?password=Pw0rdInQuery", ["Pw0rdInQuery"]),
    ("postgresql://hq@db.example/audits?sslmode=require&sslpassword=KeyPhrase77", ["KeyPhrase77"]),
    ("postgresql://hq@db.example/audits?passfile=/home/hq/.secret-pgpass", ["/home/hq/.secret-pgpass"]),
    ("postgresql://hq@db.example/audits?sslkey=/etc/keys/hq-private.key", ["/etc/keys/hq-private.key"]),
    ("postgresql://hq:p@ss@word@db.example/audits", ["p@ss@word", "ss@word"]),  # a raw '@' in the password
    ("postgresql://hq:Pw1@db.example:notaport/audits?password=Pw2nd", ["Pw1", "Pw2nd"]),  # unparseable
    ("postgresql://hq:A%2FB%3Dc@db.example/audits?PASSWORD=UpperKey9", ["A%2FB%3Dc", "A/B=c", "UpperKey9"]),
]


@pytest.mark.parametrize(("url", "secrets"), SECRET_URLS)
def test_every_credential_form_is_hidden_where_a_url_is_shown(url, secrets):
    shown = redact_url(url)
    assert "***" in shown and "db.example" in shown
    for secret in secrets:
        assert secret not in shown
    message = f"connection to {url} failed: password={secrets[0]} rejected"  # a driver echoing its DSN
    scrubbed = scrub_secret(message, url)
    for secret in secrets:
        assert secret not in scrubbed


def test_harmless_query_parameters_stay_visible():
    shown = redact_url(normalise_url("postgresql://hq@db/audits?application_name=hq-import&sslmode=require"))
    assert shown == "postgresql+psycopg://hq@db/audits?application_name=hq-import&sslmode=require"


@pytest.mark.parametrize(
    "command",
    [
        ["standards", "import", str(ROOT / "checklists")],
        ["db", "current"],
        ["db", "upgrade"],
        ["score", "--wave", "2026-Q4"],
    ],
)
def test_no_command_prints_a_password_from_the_query_string(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = "postgresql://hq@127.0.0.1:1/audits?password=Sup3rSecret&sslpassword=KeyPass99"  # nothing listens on 1
    for result in (run(*command, "--db", url), run(*command, env={"DEALER_AUDIT_DB": url})):
        assert result.exit_code == 1, result.output
        assert "Sup3rSecret" not in result.output and "KeyPass99" not in result.output
        assert "postgresql+psycopg://hq@127.0.0.1:1/audits?password=***&sslpassword=***" in result.output
        assert "Traceback" not in result.output


def test_init_warns_about_a_query_string_password_without_echoing_it(tmp_path):
    result = run("init", str(tmp_path / "hq"), "--db", "postgresql://hq@127.0.0.1:1/audits?password=Hunter2pw")
    assert result.exit_code == 1 and "Hunter2pw" not in result.output
    assert "password=***" in result.output


# ---- another application's database --------------------------------------------------------------------------


@pytest.fixture
def other_app_db(tmp_path: Path) -> Path:
    """Another application's SQLite file, in SQLite's default rollback-journal mode."""
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO customers (name) VALUES ('王芳')")
    connection.close()
    return path


def journal_mode(path: Path) -> str:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        connection.close()


@pytest.mark.parametrize(
    "command",
    [
        ["standards", "import", str(ROOT / "checklists")],
        ["dealers", "import", str(SAMPLES / "dealers.csv")],
        ["import", str(AUDIT_WITH_PHOTOS), "--evidence-dir", "."],
        ["score", "--wave", "2026-Q4"],
        ["db", "upgrade"],
    ],
)
def test_another_applications_sqlite_file_is_refused_before_anything_is_written(command, other_app_db, monkeypatch):
    monkeypatch.chdir(other_app_db.parent)
    before = digest(other_app_db)
    result = run(*command, "--db", str(other_app_db))
    assert result.exit_code == 1, result.output
    assert f"the database sqlite:///{other_app_db} is not a dealer-audit database" in result.output
    assert "(it holds other tables: customers); nothing was written to it" in result.output
    assert "Traceback" not in result.output
    assert digest(other_app_db) == before
    assert journal_mode(other_app_db) == "delete"  # not switched to WAL
    assert sorted(p.name for p in other_app_db.parent.iterdir() if p.name.startswith("crm")) == ["crm.db"]


def test_init_on_another_applications_file_is_refused_too(other_app_db, tmp_path):
    before = digest(other_app_db)
    result = run("init", str(tmp_path / "ws"), "--db", str(other_app_db))
    assert result.exit_code == 1 and "is not a dealer-audit database" in result.output
    assert digest(other_app_db) == before and not (tmp_path / "ws" / "dealer-audit.toml").exists()


def test_db_current_describes_a_foreign_database_without_touching_it(other_app_db):
    before = digest(other_app_db)
    result = run("db", "current", "--db", str(other_app_db))
    assert result.exit_code == 0
    assert "not a dealer-audit database (tables: customers)" in result.output
    assert digest(other_app_db) == before and journal_mode(other_app_db) == "delete"


def test_a_file_that_is_no_database_at_all_is_named(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database, just notes\n" * 200, encoding="utf-8")
    before = digest(notes)
    result = run("score", "--wave", "2026-Q4", "--db", str(notes))
    assert result.exit_code == 1
    assert f"cannot open the database sqlite:///{notes}: file is not a database" in result.output
    assert "Traceback" not in result.output and digest(notes) == before


@pytest.mark.postgres
def test_a_postgres_database_with_foreign_tables_is_refused_and_left_alone(new_pg_database, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = new_pg_database()
    engine = sa.create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE customers (id serial PRIMARY KEY, name text)")
        connection.exec_driver_sql("INSERT INTO customers (name) VALUES ('王芳')")
    try:
        for command in (["standards", "import", str(ROOT / "checklists")], ["db", "upgrade"]):
            result = run(*command, "--db", url)
            assert result.exit_code == 1, result.output
            assert "is not a dealer-audit database (it holds other tables: customers)" in result.output
            assert "Traceback" not in result.output
        with engine.connect() as connection:
            assert sa.inspect(connection).get_table_names() == ["customers"]
            assert connection.exec_driver_sql("SELECT name FROM customers").scalars().all() == ["王芳"]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_an_empty_postgres_database_is_made_ours(new_pg_database, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = new_pg_database()
    result = run("standards", "import", "--db", url, str(ROOT / "checklists"))
    assert result.exit_code == 0, result.output
    assert "up to date" in run("db", "current", "--db", url).output


# ---- a read-only workspace -----------------------------------------------------------------------------------


def _unprivileged() -> list[str]:
    """A command prefix under which file permissions apply: as root, drop the capabilities that bypass them."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file permissions cannot be made to apply")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


def cli_unprivileged(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    for name in ("DEALER_AUDIT_WORKSPACE", "DEALER_AUDIT_DB", "DEALER_AUDIT_EVIDENCE", "DEALER_AUDIT_LANG"):
        env.pop(name, None)
    command = [*_unprivileged(), sys.executable, "-m", "dealer_audit", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def read_only_setup(tmp_path: Path) -> dict[str, Path]:
    """A workspace with standards and dealers, and a bundle from another workspace to import into it."""
    ws, source = tmp_path / "ws", tmp_path / "src"
    for folder in (ws, source):
        assert run("init", str(folder)).exit_code == 0
        assert run("standards", "import", "-w", str(folder), str(ROOT / "checklists")).exit_code == 0
        assert run("dealers", "import", "-w", str(folder), str(SAMPLES / "dealers.csv")).exit_code == 0
    assert run("import", "-w", str(source), str(AUDIT_WITH_PHOTOS)).exit_code == 0
    bundle = tmp_path / "cd002.zip"
    assert run("export", "-w", str(source), "--wave", "2026-Q4", "-o", str(bundle)).exit_code == 0
    probe = cli_unprivileged("version", cwd=tmp_path)
    assert probe.returncode == 0, probe.stderr
    return {"ws": ws, "bundle": bundle, "tmp": tmp_path}


def _make_read_only(*paths: Path) -> None:
    for path in paths:
        path.chmod(path.stat().st_mode & ~0o222)


def _writable_again(*paths: Path) -> None:
    for path in paths:
        path.chmod(path.stat().st_mode | 0o200)


def test_a_read_only_evidence_folder_is_named_not_blamed_on_the_bundle(read_only_setup):
    ws, bundle = read_only_setup["ws"], read_only_setup["bundle"]
    database = ws / "audit.db"
    before = digest(database)
    _make_read_only(ws / "evidence")
    try:
        probe = cli_unprivileged("import", "-w", str(ws), str(bundle), cwd=read_only_setup["tmp"])
        if probe.returncode == 0:
            pytest.skip("this machine ignores file permissions (e.g. a root without capability bounding)")
        output = probe.stdout + probe.stderr
        assert probe.returncode == 1
        # the workspace's language (zh)
        assert f"工作区 {ws} 为只读：证据文件夹 {ws / 'evidence'} 不可写，未做任何修改" in output
        assert "cannot read" not in output and "Traceback" not in output
    finally:
        _writable_again(ws / "evidence")
    assert digest(database) == before


def test_a_read_only_workspace_database_is_named_for_every_command(read_only_setup):
    ws = read_only_setup["ws"]
    database = ws / "audit.db"
    before = digest(database)
    _make_read_only(database, ws)
    try:
        for command in (["score", "--wave", "2026-Q4"], ["import", str(read_only_setup["bundle"])]):
            result = cli_unprivileged(*command, "-w", str(ws), cwd=read_only_setup["tmp"])
            output = result.stdout + result.stderr
            assert result.returncode == 1, output
            assert f"工作区 {ws} 为只读：数据库文件 {database} 为只读" in output  # the workspace's zh: which of the two
            assert "cannot read" not in output and "Traceback" not in output
    finally:
        _writable_again(database, ws)
    assert digest(database) == before


def test_an_evidence_store_that_fails_to_write_names_itself(tmp_path, monkeypatch):
    """The backstop below the up-front check (a disk that fills, a folder made read-only mid-import)."""
    import tempfile

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(ConfigurationError, match=r"cannot store evidence in the evidence folder .*: Permission denied"):
        EvidenceStore(tmp_path / "evidence").add_bytes(b"photo", "a.jpg")

"""HQ on `--db` alone: every command works from a folder that is no workspace, with the evidence store and the
language from configuration (--evidence-dir / DEALER_AUDIT_EVIDENCE, DEALER_AUDIT_LANG); SQLite and PostgreSQL."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.storage.repository import Repository
from dealer_audit.storage.workspace import Workspace

ROOT = Path(__file__).parents[2]
SAMPLES = ROOT / "sample_audits"
CD002_Q4 = sorted((SAMPLES / "2026-Q4").glob("CD002_*.json"))  # audits citing evidence photos


def run(*args: str, env: dict[str, str] | None = None):
    console.reset_for_tests(200)
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hq(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An empty folder as the current directory (no dealer-audit.toml anywhere above it) and a database URL."""
    here = tmp_path / "hq"
    here.mkdir()
    monkeypatch.chdir(here)
    assert Workspace.find_root(here) is None
    url = "hq.db" if request.param == "sqlite" else request.getfixturevalue("clean_pg_url")
    (here / "evidence-store").mkdir()
    return {"db": url, "evidence": str(here / "evidence-store")}


def loaded(hq: dict[str, str]) -> None:
    assert run("standards", "import", "--db", hq["db"], str(ROOT / "checklists")).exit_code == 0
    assert run("dealers", "import", "--db", hq["db"], str(SAMPLES / "dealers.csv")).exit_code == 0


def test_every_command_runs_on_the_database_alone(hq, tmp_path):
    loaded(hq)
    imported = run("import", "--db", hq["db"], "--evidence-dir", hq["evidence"], *map(str, CD002_Q4))
    assert imported.exit_code == 0, imported.output
    stored = sorted(p.name for p in Path(hq["evidence"]).iterdir())
    assert stored and all(len(name.split(".")[0]) == 64 for name in stored)  # content-addressed copies

    scored = run("score", "--wave", "2026-Q4", "--db", hq["db"], "--lang", "en")
    assert scored.exit_code == 0 and "CD002" in scored.output

    env = {"DEALER_AUDIT_DB": hq["db"], "DEALER_AUDIT_EVIDENCE": hq["evidence"], "DEALER_AUDIT_LANG": "en"}
    report = run("report", "dealer", "CD002", "--wave", "2026-Q4", "-o", str(tmp_path / "out"), env=env)
    assert report.exit_code == 0, report.output
    assert (tmp_path / "out" / "2026-Q4" / "dealers" / "CD002_2026-Q4_en.pdf").is_file()  # language from the env

    bundle = tmp_path / "cd002.zip"
    exported = run("export", "--wave", "2026-Q4", "-o", str(bundle), env=env)
    assert exported.exit_code == 0, exported.output
    with zipfile.ZipFile(bundle) as archive:
        members = {Path(name).name for name in archive.namelist() if name.startswith("evidence/")}
    assert members == set(stored)

    workbook = run("consolidate", "--wave", "2026-Q4", "-o", str(tmp_path / "net.xlsx"), "--db", hq["db"])
    assert workbook.exit_code == 0, workbook.output  # needs no evidence store
    assert run("dealers", "list", "--db", hq["db"]).exit_code == 0
    assert "up to date" in run("db", "current", "--db", hq["db"]).output


@pytest.mark.parametrize("command", ["import", "export", "report"])
def test_a_command_needing_evidence_says_how_to_configure_it_and_stores_nothing(hq, command, tmp_path):
    loaded(hq)
    args = {
        "import": ["import", *map(str, CD002_Q4)],
        "export": ["export", "--wave", "2026-Q4", "-o", str(tmp_path / "b.zip")],
        "report": ["report", "dealer", "CD002", "--wave", "2026-Q4", "-o", str(tmp_path / "out")],
    }[command]
    result = run(*args, "--db", hq["db"])
    assert result.exit_code == 1
    assert "this command needs the evidence store" in result.output
    assert "--evidence-dir DIR or set DEALER_AUDIT_EVIDENCE" in result.output
    assert "Traceback" not in result.output
    with Repository.open(hq["db"] if "://" in hq["db"] else str(Path.cwd() / hq["db"])) as repo:
        assert repo.count_audits() == 0
    assert not (tmp_path / "b.zip").exists() and not (tmp_path / "out").exists()


def test_an_evidence_folder_that_does_not_exist_is_named(hq):
    loaded(hq)
    result = run("import", "--db", hq["db"], "--evidence-dir", "no-such-folder", *map(str, CD002_Q4))
    assert result.exit_code == 1
    assert f"the evidence folder {Path.cwd() / 'no-such-folder'}" in result.output and "does not exist" in result.output
    assert not (Path.cwd() / "no-such-folder").exists()


def test_without_db_and_without_a_workspace_the_message_names_both_ways(hq):
    result = run("score", "--wave", "2026-Q4")
    assert result.exit_code == 1
    assert "no dealer-audit workspace here" in result.output and "HQ can pass --db URL" in result.output


def test_a_bad_language_in_the_environment_is_named(hq):
    result = run("score", "--wave", "2026-Q4", "--db", hq["db"], env={"DEALER_AUDIT_LANG": "fr"})
    assert result.exit_code == 1 and "DEALER_AUDIT_LANG must be one of zh, en, not 'fr'" in result.output


def test_a_workspace_may_keep_its_evidence_elsewhere(tmp_path, mini_standard):
    """[evidence] dir in dealer-audit.toml (relative to the workspace), overridden by --evidence-dir."""
    assert run("init", str(tmp_path / "ws")).exit_code == 0
    settings = tmp_path / "ws" / "dealer-audit.toml"
    assert 'dir = "evidence"' in settings.read_text(encoding="utf-8")
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('dir = "evidence"', 'dir = "../shared-evidence"'), encoding="utf-8"
    )
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.evidence_dir == tmp_path / "shared-evidence"
    with Workspace.open(tmp_path / "ws", evidence_dir=tmp_path) as ws:
        assert ws.evidence_dir == tmp_path

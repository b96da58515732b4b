"""`dealer-audit import` and `dealer-audit export` through CliRunner: the auditor → HQ round trip."""

from __future__ import annotations

import json
import zipfile

import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.core.answers import Answer
from dealer_audit.formats.audit_json import write_audit_file
from dealer_audit.storage.workspace import Workspace


def run(*args: str):
    """In English (the workspaces are zh); refusals in Chinese: tests/cli/test_cli_error_language*.py."""
    console.reset_for_tests(120)
    return CliRunner().invoke(app, list(args), env={"DEALER_AUDIT_LANG": "en"})


@pytest.fixture
def laptop(workspace, make_audit):
    """The auditor's workspace holding two finalised audits of wave 2026-Q4 and one of 2026-Q3."""
    audits = [make_audit(), make_audit(dealer_code="BJ001"), make_audit(wave="2026-Q3")]
    workspace.repo.save_audits(audits)
    workspace.close()
    return workspace.root, audits


@pytest.fixture
def hq(tmp_path, mini_standard, sample_dealers):
    ws = Workspace.init(tmp_path / "hq")
    ws.repo.save_standard(mini_standard)
    ws.repo.save_dealers(sample_dealers)
    ws.close()
    return ws.root


def test_export_wave_then_import_twice(laptop, hq, tmp_path):
    root, audits = laptop
    exported = run("export", "-w", str(root), "--wave", "2026-Q4", "-o", str(tmp_path / "q4.zip"))
    assert exported.exit_code == 0, exported.output
    assert f"Wrote {tmp_path / 'q4.zip'}: 2 audit(s), 0 evidence file(s)" in exported.output
    with zipfile.ZipFile(tmp_path / "q4.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert {a["audit_id"] for a in manifest["audits"]} == {audits[0].audit_id, audits[1].audit_id}

    first = run("import", "-w", str(hq), str(tmp_path / "q4.zip"))
    assert first.exit_code == 0, first.output
    assert "2 imported, 0 unchanged, 0 replaced, 0 file(s) refused" in first.output
    assert "q4.zip" in first.output and "bundle" in first.output
    second = run("import", "-w", str(hq), str(tmp_path / "q4.zip"))
    assert second.exit_code == 0
    assert "0 imported, 2 unchanged, 0 replaced, 0 file(s) refused" in second.output


def test_export_mentions_drafts(workspace, make_audit, tmp_path):
    from dealer_audit.core.answers import AuditStatus

    workspace.repo.save_audits([make_audit(), make_audit(status=AuditStatus.DRAFT)])
    result = run("export", "-w", str(workspace.root), "--wave", "2026-Q4", "-o", str(tmp_path / "q4.zip"))
    assert result.exit_code == 0 and "2 audit(s)" in result.output
    assert "1 of them not finalised yet" in result.output


def test_export_one_audit_by_prefix(laptop, tmp_path):
    root, audits = laptop
    result = run("export", "-w", str(root), "--audit", audits[2].audit_id[:8], "-o", str(tmp_path / "one.zip"))
    assert result.exit_code == 0, result.output
    assert "1 audit(s)" in result.output


def test_export_needs_exactly_one_selection(laptop, tmp_path):
    root, audits = laptop
    neither = run("export", "-w", str(root), "-o", str(tmp_path / "x.zip"))
    both = run("export", "-w", str(root), "--wave", "2026-Q4", "--audit", audits[0].audit_id, "-o", "x.zip")
    assert neither.exit_code != 0 and both.exit_code != 0
    assert "give exactly one of --audit ID or --wave W" in neither.output
    unknown = run("export", "-w", str(root), "--audit", "feedfacecafe", "-o", str(tmp_path / "x.zip"))
    assert unknown.exit_code == 1 and "no audit feedfacecafe" in unknown.output


def test_conflict_is_refused_then_replace_makes_a_revision(laptop, hq, tmp_path):
    root, audits = laptop
    run("export", "-w", str(root), "--audit", audits[0].audit_id, "-o", str(tmp_path / "v1.zip"))
    assert run("import", "-w", str(hq), str(tmp_path / "v1.zip")).exit_code == 0
    with Workspace.open(root) as ws:
        ws.repo.save_answer(audits[0].audit_id, Answer("W06", "yes"), who="王芳", why="看错了")
    run("export", "-w", str(root), "--audit", audits[0].audit_id, "-o", str(tmp_path / "v2.zip"))

    refused = run("import", "-w", str(hq), str(tmp_path / "v2.zip"))
    assert refused.exit_code == 1
    assert "refused" in refused.output and f"audit {audits[0].audit_id}" in refused.output
    assert "answers to W06" in refused.output and "--replace" in refused.output
    with Workspace.open(hq) as ws:
        assert ws.repo.get_audit(audits[0].audit_id).answers["W06"].value == "no"

    replaced = run("import", "-w", str(hq), "--replace", "--who", "HQ 张", str(tmp_path / "v2.zip"))
    assert replaced.exit_code == 0, replaced.output
    assert "0 imported, 0 unchanged, 1 replaced" in replaced.output
    with Workspace.open(hq) as ws:
        stored = ws.repo.get_audit(audits[0].audit_id)
        (entry,) = ws.repo.audit_trail(audits[0].audit_id)
    assert stored.revision == 2 and stored.answers["W06"].value == "yes"
    assert (entry.action, entry.who) == ("replaced", "HQ 张") and "v2.zip" in entry.why


def test_corrupt_bundle_is_refused_naming_the_member(laptop, hq, tmp_path):
    root, _ = laptop
    run("export", "-w", str(root), "--wave", "2026-Q4", "-o", str(tmp_path / "q4.zip"))
    with zipfile.ZipFile(tmp_path / "q4.zip") as old, zipfile.ZipFile(tmp_path / "evil.zip", "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        new.writestr("../../outside.txt", b"zip slip")
    result = run("import", "-w", str(hq), str(tmp_path / "evil.zip"))
    assert result.exit_code == 1
    assert "../../outside.txt" in result.output and "escapes its folder" in result.output
    assert not (tmp_path / "outside.txt").exists()
    with Workspace.open(hq) as ws:
        assert ws.repo.count_audits() == 0


def test_summary_lists_refusals_with_reasons(hq, tmp_path, make_audit):
    write_audit_file(make_audit(), tmp_path / "good.json")
    write_audit_file(make_audit(dealer_code="SH0001"), tmp_path / "typo.json")
    result = run("import", "-w", str(hq), str(tmp_path / "good.json"), str(tmp_path / "typo.json"))
    assert result.exit_code == 1
    assert "1 imported, 0 unchanged, 0 replaced, 1 file(s) refused" in result.output
    assert "unknown dealer SH0001 (did you mean SH001" in result.output


def test_long_batches_show_a_progress_bar(hq, tmp_path, make_audit):
    folder = tmp_path / "batch"
    folder.mkdir()
    for index in range(12):
        write_audit_file(make_audit(), folder / f"a{index:02}.json")
    result = run("import", "-w", str(hq), str(folder))
    assert result.exit_code == 0, result.output
    assert "Importing" in result.output and "12/12" in result.output
    short = run("import", "-w", str(hq), str(folder / "a00.json"))
    assert "Importing" not in short.output


def test_many_files_print_counts_and_refusals_in_full(hq, tmp_path, make_audit):
    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(24):
        write_audit_file(make_audit(dealer_code="SH001" if index % 2 else "BJ001"), folder / f"a{index:02}.json")
    write_audit_file(make_audit(dealer_code="SH0001"), folder / "typo.json")
    result = run("import", "-w", str(hq), str(folder))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert not any("a07.json" in line for line in lines)  # no line per file
    table = [[c.strip() for c in line.strip("│").split("│")] for line in lines if line.startswith("│")]
    assert ["audit", "imported", "24", "24", ""] in table
    assert ["audit", "refused", "1", "", ""] in table
    assert "unknown dealer SH0001 (did you mean SH001" in result.stdout  # the refusal in full
    assert "25 file(s); --verbose lists each file" in result.stdout
    assert "24 imported, 0 unchanged, 0 replaced, 1 file(s) refused" in result.stdout
    verbose = run("import", "-w", str(hq), "--verbose", str(folder))
    assert sum("a0" in line or "a1" in line or "a2" in line for line in verbose.stdout.splitlines()) >= 24
    assert "24 unchanged" in verbose.stdout


def test_an_unknown_timezone_is_refused(hq, tmp_path, make_audit):
    write_audit_file(make_audit(), tmp_path / "good.json")
    result = run("import", "-w", str(hq), "--timezone", "Mars/Olympus", str(tmp_path / "good.json"))
    assert result.exit_code == 2 and "unknown timezone 'Mars/Olympus'" in result.output
    assert "Traceback" not in result.output
    ok = run("import", "-w", str(hq), "--timezone", "Asia/Shanghai", str(tmp_path / "good.json"))
    assert ok.exit_code == 0, ok.output


@pytest.mark.postgres
def test_hq_on_postgresql_via_db_option(laptop, tmp_path, clean_pg_url, mini_standard, sample_dealers):
    root, _ = laptop
    run("export", "-w", str(root), "--wave", "2026-Q4", "-o", str(tmp_path / "q4.zip"))
    hq = Workspace.init(tmp_path / "hq-pg")  # settings say SQLite; --db points at HQ's PostgreSQL
    hq.close()
    with Workspace.open(hq.root, db_url=clean_pg_url) as ws:
        ws.repo.save_standard(mini_standard)
        ws.repo.save_dealers(sample_dealers)
    for expected in ("2 imported, 0 unchanged", "0 imported, 2 unchanged"):
        result = run("import", "-w", str(hq.root), "--db", clean_pg_url, str(tmp_path / "q4.zip"))
        assert result.exit_code == 0, result.output
        assert expected in result.output
    with Workspace.open(hq.root, db_url=clean_pg_url) as ws:
        assert ws.repo.dialect == "postgresql" and ws.repo.count_audits() == 2
    with Workspace.open(hq.root) as ws:
        assert ws.repo.count_audits() == 0  # the SQLite file was not touched

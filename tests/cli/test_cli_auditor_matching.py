"""Audits that name their auditor by name, end to end through the CLI: the register, the import check, the
lockout of the next wave's plan, coverage and the program's `auditors: {registered_only: true}`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.formats.audit_json import write_audit_file

FIXTURES = Path(__file__).parents[1] / "fixtures"
REGISTER = """id,name_zh,name_en,home_region,languages,active
wang,王芳,Wang Fang,east,"zh,en",yes
li,李强,Li Qiang,north,zh,yes
"""


def run(*args: str) -> Any:
    """The command in English (the workspace speaks Chinese; test_cli_error_language_more.py reads the Chinese)."""
    console.reset_for_tests(200)
    return CliRunner().invoke(app, list(args), env={"DEALER_AUDIT_LANG": "en"})


def register(ws: str, tmp_path: Path) -> None:
    path = tmp_path / "auditors.csv"
    path.write_text(REGISTER, encoding="utf-8")
    result = run("auditors", "import", str(path), "-w", ws)
    assert result.exit_code == 0, result.output


def audit_file(tmp_path: Path, name: str, audit: Any) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    write_audit_file(audit, path)
    return path


def test_an_audit_named_by_name_locks_its_auditor_out_and_covers_their_visit(
    workspace: Any, tmp_path: Path, make_audit: Any
) -> None:
    ws = str(workspace.root)
    register(ws, tmp_path)
    last_wave = audit_file(tmp_path, "q3.json", make_audit(wave="2026-Q3", dealer_code="SH001", auditor="王芳"))
    imported = run("import", str(last_wave), "-w", ws)
    assert imported.exit_code == 0, imported.output
    assert "warning" not in imported.output  # 王芳 is wang in the register

    planned = run("plan", "--wave", "2026-Q4", "-w", ws)
    assert planned.exit_code == 0, planned.output
    pairs = {(v.dealer_code, v.auditor_id) for v in workspace.repo.list_plan("2026-Q4")}
    # wang is the only auditor of the east: without the lockout he takes both Shanghai dealers (as in
    # test_cli_field_operations); having audited SH001 in 2026-Q3 as 王芳, he may not return there
    assert pairs == {("SH001", "li"), ("SH002", "wang"), ("BJ001", "li")}

    this_wave = audit_file(tmp_path, "q4.json", make_audit(dealer_code="SH002", auditor="Wang Fang"))
    assert run("import", str(this_wave), "-w", ws).exit_code == 0
    shown = run("coverage", "--wave", "2026-Q4", "--today", "2026-10-01", "--json", "-w", ws)
    assert shown.exit_code == 0, shown.output
    coverage = json.loads(shown.output)
    by_auditor = {row["auditor"]: (row["done"], row["planned"]) for row in coverage["by_auditor"]}
    assert by_auditor == {"li": (0, 2), "wang": (1, 0)}
    assert coverage["stand_in_visits"] == 0


def test_an_unregistered_auditor_is_a_located_warning_with_a_did_you_mean(
    workspace: Any, tmp_path: Path, make_audit: Any
) -> None:
    ws = str(workspace.root)
    unregistered = audit_file(tmp_path, "typo.json", make_audit(auditor="Wang Fan"))
    quiet = run("import", str(unregistered), "-w", ws)
    assert quiet.exit_code == 0 and "warning" not in quiet.output  # no register stored: nothing is checked

    register(ws, tmp_path)
    again = audit_file(tmp_path, "typo2.json", make_audit(auditor="Wang Fan"))
    warned = run("import", str(again), "-w", ws)
    assert warned.exit_code == 0, warned.output
    assert f"warning: {again} (auditor): audit " in warned.output
    assert "auditor 'Wang Fan' is not in the auditor register" in warned.output
    assert "did you mean 'Wang Fang'?" in warned.output
    assert len(workspace.repo.list_audits()) == 2  # a warning: both stored


def test_a_program_requiring_registered_auditors_refuses_and_stores_nothing(
    workspace: Any, tmp_path: Path, make_audit: Any
) -> None:
    ws = str(workspace.root)
    register(ws, tmp_path)
    program = tmp_path / "program.yaml"
    text = (FIXTURES / "mini_program.yaml").read_text(encoding="utf-8")
    program.write_text(text + "auditors: {registered_only: true}\n", encoding="utf-8")
    loaded = run("standards", "import", str(program), "-w", ws)
    assert loaded.exit_code == 0, loaded.output
    assert workspace.repo.get_program().require_registered_auditors

    stranger = audit_file(tmp_path, "stranger.json", make_audit(auditor="Wang Fan"))
    refused = run("import", str(stranger), "-w", ws)
    assert refused.exit_code == 1
    assert "auditor 'Wang Fan' is not in the auditor register" in refused.output
    assert workspace.repo.list_audits() == []
    known = audit_file(tmp_path, "known.json", make_audit(auditor="李强"))
    assert run("import", str(known), "-w", ws).exit_code == 0
    assert [a.auditor for a in workspace.repo.list_audits()] == ["李强"]


def test_a_misspelt_setting_is_refused_with_its_location(workspace: Any, tmp_path: Path) -> None:
    program = tmp_path / "program.yaml"
    text = (FIXTURES / "mini_program.yaml").read_text(encoding="utf-8")
    program.write_text(text + "auditors: {registered: true}\n", encoding="utf-8")
    refused = run("standards", "import", str(program), "-w", str(workspace.root))
    assert refused.exit_code == 1
    assert "registered" in refused.output and "registered_only" in refused.output


def test_a_bundle_signed_under_the_name_verifies_for_the_registered_id(
    workspace: Any, tmp_path: Path, make_audit: Any
) -> None:
    """The laptop knows the auditor as 王芳 (key, signed comment) and her audits say 王芳 or Wang Fang; HQ's
    register calls her `wang`: `--auditor 王芳` exports both audits, HQ verifies and records the signer `wang`."""
    from dealer_audit.storage.workspace import Workspace

    laptop = str(workspace.root)
    register(laptop, tmp_path)
    workspace.repo.save_audits([make_audit(), make_audit(dealer_code="BJ001", auditor="Wang Fang")])
    workspace.repo.save_audits([make_audit(dealer_code="SH002", auditor="李强")])
    env = {"DEALER_AUDIT_KEY_PASSPHRASE": "correct horse battery", "DEALER_AUDIT_LANG": "en"}
    console.reset_for_tests(200)
    made = CliRunner().invoke(app, ["keys", "init", "--auditor", "王芳", "-w", laptop], env=env)
    assert made.exit_code == 0, made.output
    bundle = tmp_path / "wang-2026-Q4.zip"
    export = ["export", "--wave", "2026-Q4", "--auditor", "王芳", "-o", str(bundle), "-w", laptop]
    exported = CliRunner().invoke(app, export, env=env)
    assert exported.exit_code == 0 and ": 2 audit(s)" in exported.output, exported.output

    hq = Workspace.init(tmp_path / "hq")
    hq.repo.save_standard(workspace.repo.list_standards()[0])
    hq.repo.save_program(workspace.repo.get_program())
    hq.repo.save_dealers(workspace.repo.list_dealers())
    hq.close()
    register(str(hq.root), tmp_path)
    public = workspace.root / "keys" / "wang.pub"  # the key files are named by the register id 王芳 resolves to
    enrolled = run("auditors", "enrol", "wang", str(public), "-w", str(hq.root))
    assert enrolled.exit_code == 0, enrolled.output
    imported = run("import", str(bundle), "-w", str(hq.root))
    assert imported.exit_code == 0 and "2 imported" in imported.output, imported.output
    with Workspace.open(hq.root) as opened:
        audits = opened.repo.list_audits()
        trails = [opened.repo.audit_trail(a.audit_id) for a in audits]
    assert sorted(a.auditor for a in audits) == ["Wang Fang", "王芳"]
    assert all(t[0].details.startswith("signed by auditor wang with key") for t in trails)

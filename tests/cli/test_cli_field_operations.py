"""Field operations through the CLI: the auditor register, a wave plan with its files, coverage, keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from icalendar import Calendar
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app

AUDITORS = """id,name_zh,name_en,home_region,languages,active
wang,王芳,Wang Fang,east,"zh,en",yes
li,李强,Li Qiang,north,zh,yes
zhao,赵敏,Zhao Min,east,zh,no
"""


ENGLISH = {"DEALER_AUDIT_LANG": "en"}  # the workspace speaks Chinese; test_cli_error_language_more.py reads that


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    console.reset_for_tests(160)
    return CliRunner().invoke(app, list(args), env=env)


def test_register_plan_files_and_coverage(workspace: Any, tmp_path: Path, make_audit: Any) -> None:
    ws = str(workspace.root)
    register = tmp_path / "auditors.csv"
    register.write_text(AUDITORS, encoding="utf-8")
    imported = run("auditors", "import", str(register), "-w", ws, env=ENGLISH)
    assert imported.exit_code == 0, imported.output
    assert "imported 3 auditors" in imported.output

    out = tmp_path / "plan"
    planned = run("plan", "--wave", "2026-Q4", "-o", str(out), "-w", ws)
    assert planned.exit_code == 0, planned.output
    # 3 dealers × 1 standard, 2 active auditors (zhao is inactive): everyone at home, fair share 2; said in the
    # workspace's language (zh), the language of the files too
    assert "走访计划 2026-Q4：2 名稽核员在 " in planned.output and "内完成 3 次走访" in planned.output
    assert "0 次走访在稽核员常驻区域之外" in planned.output
    stored = workspace.repo.list_plan("2026-Q4")
    assert {(v.dealer_code, v.auditor_id) for v in stored} == {("SH001", "wang"), ("SH002", "wang"), ("BJ001", "li")}
    assert sorted(p.name for p in out.iterdir()) == [
        "plan-2026-Q4-li.ics", "plan-2026-Q4-li.xlsx", "plan-2026-Q4-wang.ics", "plan-2026-Q4-wang.xlsx"
    ]  # fmt: skip
    sheet = openpyxl.load_workbook(out / "plan-2026-Q4-wang.xlsx").active
    assert sheet["C4"].value == "SH001" and sheet["D4"].value == "上海浦东4S店"
    events = [e for e in Calendar.from_ical((out / "plan-2026-Q4-wang.ics").read_bytes()).walk("VEVENT")]
    assert sorted(str(e["summary"])[:5] for e in events) == ["SH001", "SH002"]

    workspace.repo.save_audit(make_audit(dealer_code="SH001", auditor="wang"))
    shown = run("coverage", "--wave", "2026-Q4", "--today", "2026-12-30", "-w", ws, env=ENGLISH)
    assert shown.exit_code == 0, shown.output
    assert "2 dealer(s) nobody has visited yet" in shown.output
    assert "SH002" in shown.output.split("nobody has visited yet")[1]


def test_an_infeasible_plan_names_the_constraint(workspace: Any, tmp_path: Path) -> None:
    register = tmp_path / "auditors.csv"
    register.write_text("id,home_region\nwang,east\n", encoding="utf-8")
    assert run("auditors", "import", str(register), "-w", str(workspace.root)).exit_code == 0
    workspace.repo.save_plan("2026-Q3", [])  # no earlier visits
    program = workspace.repo.get_program()
    from dataclasses import replace

    from dealer_audit.core.standard import PlanRules

    workspace.repo.save_program(replace(program, planning=PlanRules(max_visits_per_auditor=2)))
    refused = run("plan", "--wave", "2026-Q4", "-w", str(workspace.root), env=ENGLISH)
    assert refused.exit_code == 2
    assert "workload caps: the wave needs 3 auditor-visits, 1 auditors may make at most 2" in refused.output
    assert "short by 1" in refused.output and "Traceback" not in refused.output
    assert workspace.repo.list_plan("2026-Q4") == []


def test_a_bad_register_is_refused_by_row_and_column(workspace: Any, tmp_path: Path) -> None:
    register = tmp_path / "auditors.csv"
    register.write_text("id,home_region,languages\nwang,east,zh\nwang,mars,fr\n", encoding="utf-8")
    refused = run("auditors", "import", str(register), "-w", str(workspace.root), env=ENGLISH)
    assert refused.exit_code == 1
    assert f"{register}:3: id: duplicate auditor id 'wang'" in refused.output
    assert "home_region: unknown region 'mars'" in refused.output
    assert "languages: 'fr' is not one of zh, en" in refused.output
    assert workspace.repo.list_auditors() == []


def test_keys_init_enrol_and_revoke(workspace: Any, tmp_path: Path) -> None:
    ws = str(workspace.root)
    register = tmp_path / "auditors.csv"
    register.write_text("id,home_region\nwang,east\n", encoding="utf-8")
    assert run("auditors", "import", str(register), "-w", ws).exit_code == 0
    env = {"DEALER_AUDIT_KEY_PASSPHRASE": "correct horse"}
    made = run("keys", "init", "--auditor", "wang", "-w", ws, env={**env, **ENGLISH})
    assert made.exit_code == 0, made.output
    public = Path(ws) / "keys" / "wang.pub"
    key_id = made.output.split()[1]
    assert run("auditors", "enrol", "wang", str(public), "-w", ws).exit_code == 0
    listed = run("auditors", "list", "-w", ws)
    assert key_id in listed.output
    again = run("keys", "init", "--auditor", "wang", "-w", ws, env={**env, "DEALER_AUDIT_LANG": "en"})
    assert again.exit_code == 1 and "already exists" in again.output
    again_zh = run("keys", "init", "--auditor", "wang", "-w", ws, env=env)  # the workspace's language: zh
    assert again_zh.exit_code == 1 and "已存在：请保留它，或先删除它再生成新密钥" in again_zh.output
    revoked = run("auditors", "revoke", key_id, "--why", "laptop stolen", "-w", ws, env=ENGLISH)
    assert revoked.exit_code == 0 and f"revoked key {key_id}" in revoked.output
    assert f"{key_id} (revoked)" in run("auditors", "list", "-w", ws, env=ENGLISH).output
    assert f"{key_id}（已吊销）" in run("auditors", "list", "-w", ws).output  # the workspace's language: zh
    back = run("auditors", "enrol", "wang", str(public), "-w", ws, env={"DEALER_AUDIT_LANG": "en"})
    assert back.exit_code == 1 and "was revoked" in back.output

"""`dealer-audit actions generate | list | export | import` end to end on a workspace: the whole loop.

Q3: SH002 fails R03 (asked to repeat booking data), R04 (3 minutes: half marks) and W02 (4 of 5). Actions are
generated, exported, returned by the dealer (a workbook edited as a dealer would) and imported. Q4: R03 and W02
pass (verified), R04 fails again (reopened, a repeat failure); Q4's new failure R01 gets its own action.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.core.actions import ActionStatus
from dealer_audit.core.answers import Answer
from dealer_audit.formats.actions_xlsx import COLUMN, FIRST_ROW, META, META_ROWS_FROM, SHEET

R03 = "2026-Q3/SH002/mini-service/R03"
R04 = "2026-Q3/SH002/mini-service/R04"
W02 = "2026-Q3/SH002/mini-service/W02"


@pytest.fixture
def runner() -> CliRunner:
    console.reset_for_tests(200)
    return CliRunner()


@pytest.fixture
def loop_workspace(workspace: Any, make_audit: Any) -> Any:
    repo = workspace.repo
    repo.save_audit(make_audit(audit_id="q3", dealer_code="SH002", wave="2026-Q3").with_answer(Answer("R03", "yes")))
    q4 = make_audit(audit_id="q4", dealer_code="SH002").with_answer(Answer("W02", 5))
    repo.save_audit(q4.with_answer(Answer("R01", "no", note="前台无人 nobody at the desk")))
    return workspace


def run(runner: CliRunner, ws: Any, *args: str, lang: str | None = None) -> Any:
    """The CLI in the workspace; with `lang`, messages (and outputs) in that language (DEALER_AUDIT_LANG)."""
    return runner.invoke(app, [*args, "--workspace", str(ws.root)], env={"DEALER_AUDIT_LANG": lang} if lang else None)


def column(key: str) -> str:
    return "ABCDEFGHIJKLMNOP"[COLUMN[key]]


def edit(path: Path, changes: dict[str, Any]) -> None:
    """Change cells of the Actions sheet as a dealer would in Excel (protection is Excel's, not the file's)."""
    workbook = load_workbook(path)
    for cell, value in changes.items():
        workbook[SHEET][cell] = value
    workbook.save(path)


def row_of(path: Path, action_id: str) -> int:
    sheet = load_workbook(path)[SHEET]
    for row in range(FIRST_ROW, sheet.max_row + 1):
        if sheet[f"{column('action')}{row}"].value == action_id:
            return row
    raise AssertionError(f"{action_id} not in {path}")


def test_the_loop_from_failed_item_to_verified_and_reopened(
    runner: CliRunner, loop_workspace: Any, tmp_path: Path
) -> None:
    ws = loop_workspace
    generate = ("actions", "generate", "--wave", "2026-Q3", "--today", "2026-10-01")
    result = run(runner, ws, *generate, "--who", "hq", lang="en")  # the workspace speaks zh; asked in English
    assert result.exit_code == 0, result.output
    assert "wave 2026-Q3: 3 new action(s)" in result.output
    again = run(runner, ws, *generate, lang="en")
    assert "wave 2026-Q3: 0 new action(s)" in again.output

    book = tmp_path / "SH002-actions.xlsx"
    result = run(runner, ws, "actions", "export", "--dealer", "SH002", "-o", str(book))
    assert result.exit_code == 0, result.output
    assert f"已写入 {book}：经销商 SH002 的 3 个整改项" in result.output  # the workspace's language, as the workbook
    sheet = load_workbook(book)[SHEET]
    assert sheet[f"{column('due')}{FIRST_ROW}"].value == datetime(2026, 10, 31)
    assert sheet[f"{column('requirement')}{row_of(book, R04)}"].value == "等待接待的时间"
    assert sheet.data_validations.dataValidation  # the status dropdown and the date check travel with the file

    r03, r04, w02 = row_of(book, R03), row_of(book, R04), row_of(book, W02)
    edit(
        book,
        {
            f"{column('status')}{r03}": "已完成 / done",
            f"{column('owner')}{r03}": "张经理",
            f"{column('note')}{r03}": "预约系统已打通 booking data shared",
            f"{column('status')}{r04}": "in progress",
            f"{column('due')}{r04}": datetime(2026, 11, 30),
            f"{column('status')}{w02}": "整改中",
        },
    )
    result = run(runner, ws, "actions", "import", str(book), "--who", "SH002 service manager", lang="en")
    assert result.exit_code == 0, result.output
    assert "3 of 3 action(s) changed for SH002" in result.output
    stored = {a.action_id: a for a in ws.repo.list_actions()}
    assert stored[R03].status is ActionStatus.DONE and stored[R03].owner == "张经理"
    assert stored[R04].status is ActionStatus.IN_PROGRESS and stored[R04].due.isoformat() == "2026-11-30"

    listed = run(runner, ws, "actions", "list", "--dealer", "SH002", "--today", "2026-12-15", lang="en")
    assert listed.exit_code == 0 and "3 action(s)" in listed.output
    assert listed.output.count("overdue") == 1 + 2  # the header, R04 (in progress, due 11-30) and W02 (10-31)

    result = run(runner, ws, "actions", "generate", "--wave", "2026-Q4", "--today", "2026-12-20", lang="en")
    assert result.exit_code == 0, result.output
    assert "2 verified, 1 reopened" in result.output and f"reopened {R04} (repeat #1)" in result.output
    assert "wave 2026-Q4: 1 new action(s)" in result.output
    stored = {a.action_id: a for a in ws.repo.list_actions()}
    assert stored[R03].status is stored[W02].status is ActionStatus.VERIFIED
    assert (stored[R04].status, stored[R04].repeat_count, stored[R04].due.isoformat()) == (
        ActionStatus.REOPENED, 1, "2027-01-19",
    )  # fmt: skip
    assert stored["2026-Q4/SH002/mini-service/R01"].finding == "前台无人 nobody at the desk"
    trail = ws.repo.action_trail(R03)
    assert [(t.who, t.from_status, t.to_status) for t in trail] == [
        ("hq", None, "open"), ("SH002 service manager", "open", "done"), (trail[2].who, "done", "verified"),
    ]  # fmt: skip

    summary = run(runner, ws, "actions", "list", "--summary", "--today", "2027-02-01")
    line = next(line for line in summary.output.splitlines() if "SH002" in line)
    assert [c.strip() for c in line.split("│")[1:-1]] == ["SH002", "4", "2", "2", "0", "2", "1"]


def test_a_bad_workbook_is_reported_by_cell_and_nothing_is_stored(
    runner: CliRunner, loop_workspace: Any, tmp_path: Path
) -> None:
    ws = loop_workspace
    run(runner, ws, "actions", "generate", "--wave", "2026-Q3")
    book = tmp_path / "back.xlsx"
    run(runner, ws, "actions", "export", "--dealer", "SH002", "-o", str(book))
    r03, r04, w02 = row_of(book, R03), row_of(book, R04), row_of(book, W02)
    edit(
        book,
        {
            f"{column('status')}{r03}": "fixed!",  # not a status
            f"{column('due')}{r04}": "next month",  # not a date
            f"{column('status')}{w02}": "verified",  # only the next audit verifies
            f"{column('owner')}{r04}": "someone",
        },
    )
    before = ws.repo.list_actions()
    result = run(runner, ws, "actions", "import", str(book), lang="en")
    assert result.exit_code == 1
    assert "nothing was stored" in result.output
    status, due = column("status"), column("due")
    assert f"{book}!Actions!{status}{r03}: status 'fixed!' is not one of" in result.output
    assert f"{book}!Actions!{due}{r04}: 'next month' is not a date" in result.output
    assert f"{book}!Actions!{status}{w02}: verified is set by the next wave's audit" in result.output  # all at once
    assert "3 problem(s)" in result.output
    assert ws.repo.list_actions() == before

    # with the two cell errors fixed, the forbidden change is the one left, with its cell
    edit(book, {f"{status}{r03}": "done", f"{due}{r04}": None})
    result = run(runner, ws, "actions", "import", str(book), lang="en")
    assert result.exit_code == 1
    assert f"{book}!Actions!{status}{w02}: verified is set by the next wave's audit" in result.output
    assert ws.repo.list_actions() == before


def test_a_stale_or_rearranged_workbook_is_refused(runner: CliRunner, loop_workspace: Any, tmp_path: Path) -> None:
    ws = loop_workspace
    run(runner, ws, "actions", "generate", "--wave", "2026-Q3")
    old = tmp_path / "old.xlsx"
    run(runner, ws, "actions", "export", "--dealer", "SH002", "-o", str(old))
    newer = tmp_path / "newer.xlsx"
    run(runner, ws, "actions", "export", "--dealer", "SH002", "-o", str(newer))
    edit(newer, {f"{column('status')}{row_of(newer, R03)}": "done"})
    assert run(runner, ws, "actions", "import", str(newer), lang="en").exit_code == 0
    edit(old, {f"{column('status')}{row_of(old, R03)}": "in_progress"})
    result = run(runner, ws, "actions", "import", str(old), lang="en")
    assert result.exit_code == 1
    assert f"{R03} changed since this file was exported" in result.output
    assert ws.repo.get_action(R03).status is ActionStatus.DONE

    moved = tmp_path / "moved.xlsx"
    run(runner, ws, "actions", "export", "--dealer", "SH002", "-o", str(moved))
    edit(moved, {f"{column('action')}{FIRST_ROW}": "2026-Q3/SH002/mini-service/R99"})
    result = run(runner, ws, "actions", "import", str(moved), lang="en")
    assert result.exit_code == 1
    assert f"{moved}!Actions!A{FIRST_ROW}: this row should hold action" in result.output

    not_actions = tmp_path / "plain.xlsx"
    from openpyxl import Workbook

    Workbook().save(not_actions)
    result = run(runner, ws, "actions", "import", str(not_actions), lang="en")
    assert result.exit_code == 1 and "not a dealer-audit actions workbook" in result.output
    assert "Traceback" not in result.output


def edit_hidden(path: Path, changes: dict[str, Any]) -> None:
    """Change cells of the hidden _actions record, as someone would who unhides it in Excel."""
    workbook = load_workbook(path)
    for cell, value in changes.items():
        workbook[META][cell] = value
    workbook.save(path)


@pytest.mark.parametrize(
    ("cell", "value", "why"),
    [
        ("B3", "SH001", "another dealer's code"),
        (f"B{META_ROWS_FROM}", 9, "a stale row passed off as current (version raised)"),
        (f"A{META_ROWS_FROM}", "2026-Q3/SH001/mini-service/R03", "another action's id"),
        ("B7", "0" * 64, "a forged seal"),
    ],
)
def test_a_workbook_whose_hidden_record_was_edited_is_refused_at_the_seal(
    runner: CliRunner, loop_workspace: Any, tmp_path: Path, cell: str, value: Any, why: str
) -> None:
    """The hidden _actions sheet is sealed with the workspace's form key (like the fill-in form's _meta): any
    edit to it is refused at FILE!_actions!B7 and nothing is stored, whatever the visible sheet says."""
    ws = loop_workspace
    run(runner, ws, "actions", "generate", "--wave", "2026-Q3")
    book = tmp_path / "SH002.xlsx"
    run(runner, ws, "actions", "export", "--dealer", "SH002", "-o", str(book))
    assert load_workbook(book)[META]["A7"].value == "seal"
    before = ws.repo.list_actions()
    edit(book, {f"{column('status')}{row_of(book, R03)}": "done"})
    edit_hidden(book, {cell: value})
    result = run(runner, ws, "actions", "import", str(book), lang="en")
    assert result.exit_code == 1, why
    assert f"{book}!_actions!B7: the hidden _actions sheet does not carry this workspace's seal" in result.output
    assert ws.repo.list_actions() == before


def test_a_workbook_exported_by_another_workspace_is_refused(
    runner: CliRunner, loop_workspace: Any, tmp_path: Path
) -> None:
    ws = loop_workspace
    run(runner, ws, "actions", "generate", "--wave", "2026-Q3")
    book = tmp_path / "SH002.xlsx"
    run(runner, ws, "actions", "export", "--dealer", "SH002", "-o", str(book))
    ws.form_key_path.write_text("ab" * 32, encoding="ascii")  # as if another workspace (another key) read it
    ws.__dict__.pop("form_key", None)
    result = run(runner, ws, "actions", "import", str(book), lang="en")
    assert result.exit_code == 1 and "_actions!B7" in result.output and "seal" in result.output


def test_unknown_dealer_wave_and_status_are_messages(runner: CliRunner, loop_workspace: Any, tmp_path: Path) -> None:
    ws = loop_workspace
    result = run(runner, ws, "actions", "export", "--dealer", "SH0002", "-o", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1 and "SH002" in result.output  # did you mean
    result = run(runner, ws, "actions", "generate", "--wave", "2031-Q1", lang="en")
    assert result.exit_code == 1 and "wave 2031-Q1" in result.output
    result = run(runner, ws, "actions", "list", "--status", "closed")
    assert result.exit_code == 2 and "in_progress" in result.output


def test_reports_show_the_follow_up(runner: CliRunner, loop_workspace: Any, tmp_path: Path) -> None:
    """Region PDF: open and overdue actions per dealer; HQ workbook: an Actions sheet; dealer PDF: owner, due
    date and status in the action plan."""
    from pypdf import PdfReader

    ws = loop_workspace
    run(runner, ws, "actions", "generate", "--wave", "2026-Q3", "--today", "2026-10-01")
    # due dates long past, whatever today is: both open actions are overdue in reports dated today
    run(runner, ws, "actions", "generate", "--wave", "2026-Q4", "--today", "2020-01-01")
    book = tmp_path / "back.xlsx"
    run(runner, ws, "actions", "export", "--dealer", "SH002", "-o", str(book))
    row = row_of(book, "2026-Q4/SH002/mini-service/R01")
    edit(book, {f"{column('owner')}{row}": "前台主管 Li", f"{column('status')}{row}": "in progress"})
    assert run(runner, ws, "actions", "import", str(book), lang="en").exit_code == 0

    out = tmp_path / "out"
    result = run(runner, ws, "report", "region", "east", "--wave", "2026-Q4", "--lang", "en", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in PdfReader(next(out.rglob("region_east*.pdf"))).pages)
    assert "Action follow-up (open and overdue)" in text
    follow_up = text[text.index("Action follow-up") :]
    line = " ".join(follow_up[follow_up.index("SH002") :].split())  # the dealer's row (its name may wrap)
    # Q3 R03 and W02 verified, Q3 R04 reopened, Q4 R01 in progress: 4 actions, 2 open, both overdue, 1 reopened,
    # none done and waiting, 2 verified
    assert line.split()[3:9] == ["4", "2", "2", "1", "–", "2"]

    result = run(runner, ws, "report", "dealer", "SH002", "--wave", "2026-Q4", "--lang", "en", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in PdfReader(next(out.rglob("SH002*.pdf"))).pages)
    assert "前台主管 Li" in text and "in progress" in text

    hq = tmp_path / "hq.xlsx"
    assert run(runner, ws, "consolidate", "--wave", "2026-Q4", "--lang", "en", "-o", str(hq)).exit_code == 0
    sheet = load_workbook(hq)["Actions"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {a.action_id for a in ws.repo.list_actions()}
    assert rows["2026-Q4/SH002/mini-service/R01"][7:9] == ("in progress", "前台主管 Li")
    assert rows[R04][11] == 1  # the repeat count of the reopened action


def test_the_dealer_report_workbook_is_returned_as_it_is(
    runner: CliRunner, loop_workspace: Any, tmp_path: Path
) -> None:
    """The dealer's report workbook (`report dealer --xlsx`) carries the same Actions sheet: the dealer fills it
    there and `actions import` reads that very file."""
    ws = loop_workspace
    run(runner, ws, "actions", "generate", "--wave", "2026-Q3")
    out = tmp_path / "out"
    result = run(runner, ws, "report", "dealer", "SH002", "--wave", "2026-Q3", "--xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    book = next(out.rglob("SH002*.xlsx"))
    workbook = load_workbook(book)
    assert workbook.sheetnames[:2] != [SHEET] and SHEET in workbook.sheetnames  # Summary first, Actions added
    row = row_of(book, R03)
    edit(book, {f"{column('status')}{row}": "已完成 / done", f"{column('owner')}{row}": "王主管"})
    result = run(runner, ws, "actions", "import", str(book), lang="en")
    assert result.exit_code == 0, result.output
    assert (ws.repo.get_action(R03).status, ws.repo.get_action(R03).owner) == (ActionStatus.DONE, "王主管")


def test_the_loop_on_both_databases_with_db_alone(
    runner: CliRunner,
    db_url: str,
    loaded_repo: Any,
    make_audit: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HQ on --db alone (no workspace folder), on SQLite and PostgreSQL: generate, export, return, close. The
    form key that seals the Actions sheet comes from $DEALER_AUDIT_FORM_KEY there."""
    monkeypatch.setenv("DEALER_AUDIT_FORM_KEY", str(tmp_path / "form.key"))
    loaded_repo.save_audit(
        make_audit(audit_id="q3", dealer_code="SH002", wave="2026-Q3").with_answer(Answer("R03", "yes"))
    )
    loaded_repo.save_audit(make_audit(audit_id="q4", dealer_code="SH002").with_answer(Answer("W02", 5)))

    def cli(*args: str) -> Any:
        result = runner.invoke(app, [*args, "--db", db_url])
        assert result.exit_code == 0, result.output
        return result

    cli("actions", "generate", "--wave", "2026-Q3", "--today", "2026-10-01")
    book = tmp_path / "SH002.xlsx"
    cli("actions", "export", "--dealer", "SH002", "-o", str(book))
    edit(book, {f"{column('status')}{row_of(book, R04)}": "done"})
    assert "1 of 3 action(s) changed" in cli("actions", "import", str(book)).output
    assert "2 verified, 1 reopened" in cli("actions", "generate", "--wave", "2026-Q4").output
    stored = {a.item_id: a for a in loaded_repo.list_actions(wave="2026-Q3")}
    assert {k: (a.status.value, a.repeat_count) for k, a in stored.items()} == {
        "R03": ("verified", 0), "R04": ("reopened", 1), "W02": ("verified", 0),
    }  # fmt: skip

"""The HQ workbook's Coverage sheet shows what `dealer-audit coverage --json` prints, with and without a plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.core.answers import AuditStatus
from dealer_audit.render.xlsx.coverage_sheet import LABELS, SHEET, STATE_KEYS
from dealer_audit.services.reporting import prepare_wave, write_network_workbook

WAVE = "2026-Q4"
TODAY = "2026-11-20"  # SH001 and BJ001 were planned for 1 October, SH002 for mid-November: all past
AUDITORS = "id,home_region\nwang,east\nli,north\n"


def run(*args: str) -> Any:
    console.reset_for_tests(160)
    return CliRunner().invoke(app, list(args))


def coverage_json(ws: str, lang: str) -> dict[str, Any]:
    shown = run("coverage", "--wave", WAVE, "--today", TODAY, "--json", "--lang", lang, "-w", ws)
    assert shown.exit_code == 0, shown.output
    return json.loads(shown.stdout)


def hq_sheet(workspace: Any, path: Path, lang: str) -> list[tuple[Any, ...]]:
    context = prepare_wave(workspace, WAVE, generated=TODAY)
    write_network_workbook(context, path, lang=lang)
    book = openpyxl.load_workbook(path, read_only=True)
    assert SHEET in book.sheetnames
    readme = [row[0] for row in book["README"].iter_rows(values_only=True)]
    assert SHEET in readme  # the README names the sheet
    return list(book[SHEET].iter_rows(values_only=True))


def table(rows: list[tuple[Any, ...]], caption: str) -> tuple[list[Any], list[list[Any]]]:
    """The header and data rows under `caption` (column A), up to the next blank row."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == caption)
    header = [c for c in rows[start + 1] if c is not None]
    body: list[list[Any]] = []
    for row in rows[start + 2 :]:
        if not row or row[0] is None:
            break
        body.append(list(row[: len(header)]))
    return header, body


def with_audits(workspace: Any, make_audit: Any) -> None:
    workspace.repo.save_audit(make_audit(dealer_code="SH001", auditor="wang"))
    workspace.repo.save_audit(make_audit(dealer_code="BJ001", auditor="li", status=AuditStatus.DRAFT))


def test_the_sheet_equals_coverage_json_for_a_planned_wave(workspace: Any, tmp_path: Path, make_audit: Any) -> None:
    ws = str(workspace.root)
    register = tmp_path / "auditors.csv"
    register.write_text(AUDITORS, encoding="utf-8")
    assert run("auditors", "import", str(register), "-w", ws).exit_code == 0
    assert run("plan", "--wave", WAVE, "-w", ws).exit_code == 0
    with_audits(workspace, make_audit)

    for lang in ("en", "zh"):
        label = LABELS[lang]
        expected = coverage_json(ws, lang)
        assert expected["plan_stored"] and expected["today"] == TODAY
        rows = hq_sheet(workspace, tmp_path / f"hq-{lang}.xlsx", lang)
        assert rows[0][0] == label["title"].format(wave=WAVE, today=TODAY)

        header, body = table(rows, label["by_region"])
        assert header == [label["region"], *(label[k] for k in STATE_KEYS)]
        regions = [{"region": r[0], **dict(zip(STATE_KEYS, r[1:], strict=True))} for r in body]
        assert regions[:-1] == expected["by_region"]
        assert regions[-1] == {"region": label["all"], **expected["all_regions"]}
        _, body = table(rows, label["by_auditor"])
        assert [{"auditor": r[0], **dict(zip(STATE_KEYS, r[1:], strict=True))} for r in body] == expected["by_auditor"]
        _, body = table(rows, label["stored"])
        assert [{"region": r[0], "final": r[1], "draft": r[2]} for r in body] == expected["stored_by_region"]
        _, body = table(rows, label["overdue_list"].format(count=len(expected["overdue"])))
        keys = ("day", "auditor", "dealer", "standard", "region")
        assert [{**dict(zip(keys, r[:5], strict=True)), "double": r[5] == label["yes"]} for r in body] == expected[
            "overdue"
        ]
        _, body = table(rows, label["unvisited"].format(count=len(expected["unvisited_dealers"])))
        assert [dict(zip(("code", "name", "region", "city"), r, strict=True)) for r in body] == expected[
            "unvisited_dealers"
        ]
        counts = {row[0]: row[2] for row in rows if row and row[0] in (label["stand_ins"], label["unplanned"])}
        assert counts == {
            label["stand_ins"]: expected["stand_in_visits"],
            label["unplanned"]: expected["unplanned_audits"],
        }

    # what the figures are, so the equality above is not two empty tables agreeing
    assert expected["all_regions"] == {"done": 1, "captured": 1, "planned": 0, "overdue": 1, "total": 3}
    assert [d["code"] for d in expected["unvisited_dealers"]] == ["SH002"]
    assert [(v["dealer"], v["auditor"]) for v in expected["overdue"]] == [("SH002", "wang")]


def test_without_a_plan_the_sheet_says_so_and_still_counts_the_audits(
    workspace: Any, tmp_path: Path, make_audit: Any
) -> None:
    with_audits(workspace, make_audit)
    expected = coverage_json(str(workspace.root), "zh")
    shown = run("coverage", "--wave", WAVE, "--today", TODAY, "--lang", "en", "-w", str(workspace.root))
    assert shown.exit_code == 0 and "no plan stored for 2026-Q4" in shown.output
    assert "audits stored (no plan)" in shown.output and "1 dealer(s) nobody has visited yet" in shown.output
    assert not expected["plan_stored"] and expected["by_region"] == []
    rows = hq_sheet(workspace, tmp_path / "hq.xlsx", "zh")
    label = LABELS["zh"]
    assert rows[2][0] == label["no_plan"].format(wave=WAVE)
    assert not any(row and row[0] == label["by_region"] for row in rows)  # no empty planned-visit tables
    _, body = table(rows, label["stored"])
    assert [{"region": r[0], "final": r[1], "draft": r[2]} for r in body] == expected["stored_by_region"]
    assert expected["stored_by_region"] == [
        {"region": "east", "final": 1, "draft": 0},
        {"region": "north", "final": 0, "draft": 1},
    ]
    _, body = table(rows, label["unvisited"].format(count=1))
    assert body == [["SH002", "上海闵行4S店", "east", "上海"]]

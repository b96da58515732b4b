"""The auditor register's duplicate-id check names the earlier record as the file's readers do: "line N" in a CSV
file (it said "row N", unlike the dealer and KPI registers), "row N" in a workbook; "第 N 行" in Chinese."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from dealer_audit.formats.auditors import check_auditors

ZH = "id：稽核员编号“wang”重复（首次出现在第 2 行）"


def test_a_duplicate_id_in_a_csv_register_names_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "auditors.csv"
    path.write_text("id,home_region\nwang,east\nli,east\nwang,north\n", encoding="utf-8")
    _auditors, problems = check_auditors(path)
    assert [(str(p.location), p.text("en"), p.text("zh"), p.code) for p in problems] == [
        (f"{path}:4", "id: duplicate auditor id 'wang' (first on line 2)", ZH, "duplicate"),
    ]


def test_a_duplicate_id_in_a_workbook_names_the_first_row(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Auditors"
    for row in (["id", "home_region"], ["wang", "east"], ["li", "east"], ["wang", "north"]):
        sheet.append(row)
    path = tmp_path / "auditors.xlsx"
    workbook.save(path)
    _auditors, problems = check_auditors(path)
    assert [(str(p.location), p.text("en"), p.text("zh")) for p in problems] == [
        (f"{path}!Auditors!A4", "id: duplicate auditor id 'wang' (first on row 2)", ZH),
    ]

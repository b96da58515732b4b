"""KPI files as vendors send them (formats/kpi_values.py): zh/en headers, every problem with its row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealer_audit.core.kpis import KpiValue
from dealer_audit.errors import ValidationFailed
from dealer_audit.formats.kpi_values import read_kpi_values, write_kpi_values_xlsx
from dealer_audit.formats.standard_yaml import load_program

SHIPPED = Path(__file__).parents[2] / "dealer_audit" / "data" / "checklists" / "program-2026.yaml"
KPIS = load_program(SHIPPED).kpis
DEALERS = ["SH001", "SH002", "BJ001"]


def csv_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dms.csv"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as failure:
        read_kpi_values(path, KPIS, DEALERS)
    return [str(p) for p in failure.value.problems]


def test_english_csv_with_percent_signs_names_and_lowercase_codes(tmp_path):
    path = csv_file(
        tmp_path,
        "Dealer Code,KPI ID,Value,Base N\n"
        "SH001,tablet_checkin,96 %,1200\n"
        "sh002,Online booking share,45.5,\n"  # a KPI by its English name, a code in lower case
        'BJ001,csi,"1,000",88\n',
    )
    assert read_kpi_values(path, KPIS, DEALERS) == [
        KpiValue("SH001", "tablet_checkin", 96.0, 1200, "dms.csv"),
        KpiValue("SH002", "online_booking", 45.5, None, "dms.csv"),
        KpiValue("BJ001", "csi", 1000.0, 88, "dms.csv"),
    ]


def test_chinese_headers_in_a_workbook(tmp_path):
    path = write_kpi_values_xlsx(
        tmp_path / "survey.xlsx",
        ["经销商代码", "指标", "数值", "样本量"],
        [["SH001", "净推荐值", 42.5, 80], ["BJ001", "千单投诉率", 3.25, 1500]],
    )
    assert read_kpi_values(path, KPIS, DEALERS) == [
        KpiValue("SH001", "nps", 42.5, 80, "survey.xlsx"),
        KpiValue("BJ001", "complaints", 3.25, 1500, "survey.xlsx"),
    ]


def test_every_row_problem_at_its_line(tmp_path):
    path = csv_file(
        tmp_path,
        "dealer_code,kpi,value,base_n\n"
        "SH001,tablet_checkin,ninety,100\n"  # line 2: bad number
        "SH01,nps,40,50\n"  # line 3: unknown dealer
        "SH002,npss,40,50\n"  # line 4: unknown KPI
        "BJ001,tablet_checkin,120,10\n"  # line 5: out of range
        "BJ001,nps,30,12.5\n"  # line 6: base n not whole
        "SH001,tablet_checkin,90,100\n",  # line 7: duplicate of line 2
    )
    assert problems(path) == [
        f"{path}:2: value: 'ninety' is not a number",
        f"{path}:3: unknown dealer 'SH01' (did you mean SH001, SH002?)",
        f"{path}:4: unknown KPI 'npss' (did you mean 'nps'?)",
        f"{path}:5: value 120 is outside tablet_checkin's range 0..100",
        f"{path}:6: base n: '12.5' is not a whole number of 0 or more",
        f"{path}:7: tablet_checkin of SH001 is given twice (first on line 2)",
    ]


def test_workbook_problems_name_sheet_and_cell(tmp_path):
    path = write_kpi_values_xlsx(
        tmp_path / "survey.xlsx",
        ["经销商代码", "指标", "数值"],
        [["SH001", "nps", 40], ["XX999", "nps", "n/a"]],
    )
    assert problems(path) == [
        f"{path}!KPI!A3: unknown dealer 'XX999' (load it with `dealer-audit dealers import`)",
        f"{path}!KPI!C3: value: 'n/a' is not a number",
    ]


def test_a_missing_column_is_named_with_what_the_header_has(tmp_path):
    path = csv_file(tmp_path, "dealer_code,kpi,amount\nSH001,nps,40\n")
    (message,) = problems(path)
    assert message.startswith(f"{path}:1: the header has no value column (e.g. value, kpi value or ")
    assert "the header has: dealer_code, kpi, amount" in message


def test_an_empty_file_and_a_header_alone(tmp_path):
    assert problems(csv_file(tmp_path, "")) == [
        f"{tmp_path / 'dms.csv'}:1: the file is empty; its first row names the columns (dealer_code, kpi, value)"
    ]
    assert problems(csv_file(tmp_path, "dealer_code,kpi,value\n")) == [
        f"{tmp_path / 'dms.csv'}:1: the file lists no values"
    ]

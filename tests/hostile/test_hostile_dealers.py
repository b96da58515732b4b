"""Hostile dealer master data (CSV and XLSX) through `dealers check` and `dealers import`: attribute numbers
that are not finite or have thousands of digits, a stray cell a million rows down, a sheet claiming 16,384
columns. Each is refused with its line or cell, exit 1, no traceback, and nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealer_audit.formats.files import MAX_SHEET_COLUMNS
from tests.hostile.helpers import assert_refused, run, snapshot

HEADER = ["code", "name_zh", "name_en", "region", "city", "service_bays"]
ROW = ["GZ001", "广州天河4S店", "Guangzhou Tianhe", "east", "广州", "12"]


def _csv(tmp_path: Path, bays: str) -> Path:
    path = tmp_path / "dealers.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join([*ROW[:-1], bays]) + "\n", encoding="utf-8")
    return path


def _refused(ws_root: Path, path: Path, *texts: str) -> None:
    assert_refused(run("dealers", "check", str(path)), *texts)
    before = snapshot(ws_root)
    assert_refused(run("dealers", "import", "-w", str(ws_root), str(path)), *texts)
    assert snapshot(ws_root) == before


def test_control_the_base_file_imports(ws_root, tmp_path):
    result = run("dealers", "import", "-w", str(ws_root), str(_csv(tmp_path, "12")))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("bays", "expected"),
    [("9" * 5000, "5,000 digits"), ("1e999", "too large to be a finite number"), ("-1e400", "too large")],
)
def test_attribute_number_that_cannot_be_used(ws_root, tmp_path, bays, expected):
    path = _csv(tmp_path, bays)
    _refused(ws_root, path, f"{path}:2", "service_bays", expected)


def _workbook(tmp_path: Path) -> tuple[Path, object]:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dealers"
    sheet.append(HEADER)
    sheet.append([*ROW[:-1], 12])
    return tmp_path / "dealers.xlsx", workbook


def test_workbook_stray_cell_in_the_last_row(ws_root, tmp_path):
    path, workbook = _workbook(tmp_path)
    workbook.active.cell(row=1_048_576, column=1, value="GZ999")
    workbook.save(path)
    _refused(ws_root, path, f"{path}!Dealers!A1048576", "row 1,048,576")


def test_workbook_claiming_every_column(ws_root, tmp_path):
    path, workbook = _workbook(tmp_path)
    workbook.active.cell(row=1, column=16_384, value="x")
    workbook.save(path)
    _refused(ws_root, path, f"{path}!Dealers!A1", f"at most {MAX_SHEET_COLUMNS:,} are read")


def _rewrite_sheet_xml(path: Path, old: bytes, new: bytes) -> None:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert old in members[sheet]
    members[sheet] = members[sheet].replace(old, new)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_workbook_whose_dimension_hides_a_row_far_below(ws_root, tmp_path):
    """The <dimension> says A1:F2, but a row 200,000 holds a dealer: found and refused, not silently dropped."""
    path, workbook = _workbook(tmp_path)
    workbook.active.cell(row=200_000, column=1, value="GZ999")
    workbook.save(path)
    _rewrite_sheet_xml(path, b'<dimension ref="A1:F200000" />', b'<dimension ref="A1:F2" />')
    _refused(ws_root, path, f"{path}!Dealers!A200000", "row 200,000")


def test_workbook_with_a_row_numbered_past_excels_last(ws_root, tmp_path):
    path, workbook = _workbook(tmp_path)
    workbook.active.cell(row=200_000, column=1, value="GZ999")
    workbook.save(path)
    _rewrite_sheet_xml(path, b'r="200000"', b'r="999999999"')
    _rewrite_sheet_xml(path, b'r="A200000"', b'r="A999999999"')
    _refused(ws_root, path, "A1048576", "Excel's last")

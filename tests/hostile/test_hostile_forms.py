"""Hostile fill-in workbooks through `dealer-audit import`: number answers that are not finite, evidence names
leaving the audit's folder, a stray cell a million rows down, a number cell of thousands of digits. Each is
refused with its cell, exit 1, no traceback, and the workspace unchanged."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.hostile.helpers import assert_refused, run, snapshot


@pytest.fixture
def form(ws_root: Path, tmp_path: Path) -> Path:
    """A blank form for SH001 with the answers that make a complete audit, R04 (row 9) answered 3."""
    from openpyxl import load_workbook

    path = tmp_path / "SH001.xlsx"
    made = run("form", "-w", str(ws_root), "-d", "SH001", "-s", "mini-service", "--wave", "2026-Q4", "-o", str(path))
    assert made.exit_code == 0, made.output
    workbook = load_workbook(path)
    sheet = workbook["Audit"]
    sheet["H6"], sheet["H7"], sheet["H8"], sheet["H9"], sheet["H10"] = "是/Yes", "否/No", "否/No", 3, "离店 / Left"
    workbook.save(path)
    return path


def _edit(path: Path, **cells: object) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    for cell, value in cells.items():
        workbook["Audit"][cell] = value
    workbook.save(path)


def _refused(ws_root: Path, path: Path, *texts: str) -> None:
    before = snapshot(ws_root)
    assert_refused(run("import", "-w", str(ws_root), str(path)), str(path), *texts)
    assert snapshot(ws_root) == before


def test_control_the_base_form_imports(ws_root, form):
    result = run("import", "-w", str(ws_root), str(form))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("text", ["inf", "-Infinity", "nan", "1e999"])
def test_number_answer_that_is_not_finite(ws_root, form, text):
    _edit(form, H9=text)
    _refused(ws_root, form, "Audit!H9", "not a finite number")


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/shadow", "..\\boot.ini"])
def test_evidence_name_leaving_the_folder(ws_root, form, name):
    _edit(form, K6=name)
    _refused(ws_root, form, "Audit!K6", "refused")


def test_stray_cell_a_million_rows_down(ws_root, form):
    _edit(form, A1048576="x")
    _refused(ws_root, form, "Audit!A1048576", "row 1,048,576")


def test_number_cell_with_thousands_of_digits(ws_root, form):
    _edit(form, H9=424242)
    with zipfile.ZipFile(form) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = next(n for n, data in members.items() if n.startswith("xl/worksheets/") and b"<v>424242</v>" in data)
    members[sheet] = members[sheet].replace(b"<v>424242</v>", b"<v>" + b"4" * 5000 + b"</v>")
    with zipfile.ZipFile(form, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    _refused(ws_root, form, "digits")

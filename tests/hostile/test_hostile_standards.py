"""Hostile standards (YAML and XLSForm-style workbooks) through `checklist validate` and `standards import`:
alias bombs, cycles, nesting, conditions nested thousands deep, numbers that are not finite or have thousands of
digits, weights whose sum would overflow, duplicate keys. Each is refused with its line or cell, exit 1, no
traceback, and nothing stored."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.hostile.helpers import assert_refused, run, snapshot

MINI = Path(__file__).parents[1] / "fixtures" / "mini_standard.yaml"
BASE = MINI.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2099.1"', 1)
WEIGHT_LINE = BASE.splitlines().index("        weight: 3") + 1  # R01's weight, 1-based


def _refused(ws_root: Path, path: Path, *texts: str) -> None:
    validated = run("checklist", "validate", str(path))
    assert_refused(validated, *texts)
    before = snapshot(ws_root)
    loaded = run("standards", "import", "-w", str(ws_root), str(path))
    assert_refused(loaded, *texts)
    assert snapshot(ws_root) == before


def test_control_the_base_standard_loads(ws_root, tmp_path):
    path = tmp_path / "base.yaml"
    path.write_text(BASE, encoding="utf-8")
    result = run("standards", "import", "-w", str(ws_root), str(path))
    assert result.exit_code == 0, result.output


BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefghi", "bcdefghij", strict=True)
)


@pytest.mark.parametrize(
    ("tail", "line", "expected"),
    [
        ("x-bomb:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + re.sub("^", "  ", BOMB, flags=re.M),
         None, "through aliases"),
        ("x-cycle: &loop [*loop]\n", None, "contains itself"),
        ("x-deep: " + "[" * 5000 + "]" * 5000 + "\n", None, "nested more than"),
        ("x-deep: " + "[" * 40 + "]" * 40 + "\n", None, "nested more than"),
    ],
)  # fmt: skip
def test_yaml_structure_bombs(ws_root, tmp_path, tail, line, expected):
    path = tmp_path / "bomb.yaml"
    path.write_text(BASE + tail, encoding="utf-8")
    _refused(ws_root, path, str(path), expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (".inf", ".inf is not a finite number"),
        ("-.Inf", "-.Inf is not a finite number"),
        (".nan", ".nan is not a finite number"),
        ("7" * 5000, "5,000 digits"),
        ("1.0e+999", "too large to be a finite number"),
        ("1.0e+308", "must be a finite number of at most"),  # finite, but a sum of two overflows
    ],
)
def test_weight_that_is_not_a_usable_number_is_refused_at_its_line(ws_root, tmp_path, value, expected):
    path = tmp_path / "weight.yaml"
    path.write_text(BASE.replace("        weight: 3\n", f"        weight: {value}\n", 1), encoding="utf-8")
    _refused(ws_root, path, f"{path}:{WEIGHT_LINE}", expected)


def test_duplicate_key_is_refused_at_its_line(ws_root, tmp_path):
    text = BASE.replace("        weight: 3\n", "        weight: 3\n        weight: 30\n", 1)
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    _refused(ws_root, path, f"{path}:{WEIGHT_LINE + 1}", "duplicate key 'weight'")


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("(" * 5000 + "W01 == 'wait'" + ")" * 5000, "too long"),
        ("(" * 100 + "W01 == 'wait'" + ")" * 100, "nested more than 32 levels deep"),
        ("not " * 200 + "W01 == 'wait'", "nested more than 32 levels deep"),
        ("W01 == " + "9" * 3000, "at most 18 digits"),
    ],
)
def test_condition_bombs_are_refused(ws_root, tmp_path, condition, expected):
    text = BASE.replace("""condition: "W01 == 'wait'\"""", f'condition: "{condition}"', 1)
    assert condition in text
    path = tmp_path / "condition.yaml"
    path.write_text(text, encoding="utf-8")
    _refused(ws_root, path, str(path), expected)


# ---- workbooks ---------------------------------------------------------------------------------------------------


def _workbook(tmp_path: Path) -> Path:
    source = tmp_path / "base.yaml"
    source.write_text(BASE, encoding="utf-8")
    path = tmp_path / "standard.xlsx"
    result = run("checklist", "convert", str(source), str(path))
    assert result.exit_code == 0, result.output
    return path


def _patch_cell_xml(path: Path, old: str, new: str) -> None:
    """Replace a raw cell value in the survey sheet's XML (to write what openpyxl itself refuses to write)."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = next(n for n in members if n.startswith("xl/worksheets/sheet1"))
    xml = members[sheet].decode()
    assert old in xml
    members[sheet] = xml.replace(old, new, 1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _set_weight(path: Path, value: float) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook["survey"]
    sheet["I3"] = value  # R01's weight
    workbook.save(path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1e308", "at most 1e+09, got 1e+308"),
        ("1e999", "finite number of at most 1e+09, got inf"),
        ("NaN", "cannot be read"),
    ],
)
def test_workbook_weight_that_is_not_usable(ws_root, tmp_path, raw, expected):
    """openpyxl writes no infinity or NaN, but a file from elsewhere holds whatever text its <v> element says."""
    path = _workbook(tmp_path)
    _set_weight(path, 424242)
    _patch_cell_xml(path, "<v>424242</v>", f"<v>{raw}</v>")
    _refused(ws_root, path, f"{path}!survey!", expected)


def test_workbook_number_with_thousands_of_digits(ws_root, tmp_path):
    path = _workbook(tmp_path)
    _set_weight(path, 424242)
    _patch_cell_xml(path, "<v>424242</v>", f"<v>{'4' * 5000}</v>")
    _refused(ws_root, path, f"{path}!survey!", "cannot be read")


def test_workbook_with_a_stray_cell_a_million_rows_down(ws_root, tmp_path):
    from openpyxl import load_workbook

    path = _workbook(tmp_path)
    workbook = load_workbook(path)
    workbook["survey"].cell(row=1_048_576, column=2, value="stray")
    workbook.save(path)
    _refused(ws_root, path, f"{path}!survey!A1048576", "row 1,048,576")


def test_condition_that_explodes_as_xpath_is_refused_by_the_xlsform_export(tmp_path):
    """Valid for scoring (31 levels), but comparing comparisons grows the XPath fourfold per level: refused by
    item and path instead of building gigabytes of `relevant` text."""
    condition = "W01 == 'wait'"
    for _ in range(31):
        condition = f"({condition}) == R01"
    text = BASE.replace("""condition: "W01 == 'wait'\"""", f'condition: "{condition}"', 1)
    path = tmp_path / "explodes.yaml"
    path.write_text(text, encoding="utf-8")
    assert run("checklist", "validate", str(path)).exit_code == 0
    output = tmp_path / "form.xlsx"
    result = run("checklist", "xlsform", str(path), "-o", str(output))
    assert_refused(result, f"{path} (sections[1].items[1].condition)", "item W02", "more than 20,000 characters")
    assert not output.exists()

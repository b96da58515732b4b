"""Standard workbooks: lossless round trip with YAML, and errors that name the sheet and cell."""

from pathlib import Path

import pytest
from openpyxl import load_workbook

from dealer_audit.core.standard_codec import standard_to_dict
from dealer_audit.formats.standard_xlsx import check_standard_xlsx, read_standard_xlsx, write_standard_xlsx
from dealer_audit.formats.standard_yaml import load_standard

FIXTURES = Path(__file__).parent.parent / "fixtures"
STANDARDS = [FIXTURES / "mini_standard.yaml"] + [
    p
    for p in sorted((Path(__file__).parent.parent.parent / "checklists").glob("*.yaml"))
    if "checklists:" not in p.read_text(encoding="utf-8")  # program files are not standards
]

# Survey layout of the mini standard as written: row 2 opens 'reception', R01..R04 on rows 3-6, row 7 closes it,
# row 8 opens 'waiting', W01..W07 on rows 9-15. Columns: A type, B name, C label::zh, H relevant, I weight, S bands.


@pytest.mark.parametrize("path", STANDARDS, ids=lambda p: p.name)
def test_yaml_to_xlsx_and_back_is_lossless(path: Path, tmp_path: Path) -> None:
    checklist = load_standard(path)
    target = tmp_path / "standard.xlsx"
    write_standard_xlsx(checklist, target)
    again = read_standard_xlsx(target)
    assert standard_to_dict(again) == standard_to_dict(checklist)
    assert again.content_hash == checklist.content_hash


@pytest.fixture
def workbook_path(tmp_path: Path) -> Path:
    path = tmp_path / "mini.xlsx"
    write_standard_xlsx(load_standard(FIXTURES / "mini_standard.yaml"), path)
    return path


def _edit(path: Path, sheet: str, cells: dict[str, object]) -> None:
    workbook = load_workbook(path)
    for cell, value in cells.items():
        workbook[sheet][cell] = value
    workbook.save(path)


def _errors(path: Path) -> list[tuple[str, str, str]]:
    _, problems = check_standard_xlsx(path)
    return [(str(p.location), p.message, p.hint) for p in problems if p.is_error]


def test_layout_is_xlsform_like(workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames == ["survey", "choices", "settings", "bands"]
    survey = workbook["survey"]
    assert [c.value for c in survey[1]][:4] == ["type", "name", "label::zh", "label::en"]
    assert [survey[f"A{r}"].value for r in (2, 3, 7, 11)] == [
        "begin group",
        "yes_no",
        "end group",
        "select_multiple W03",
    ]
    assert survey["S6"].value == "<=2: 1; <=5: 0.5; else: 0"
    assert survey["P10"].value == "start=1 end=5"
    assert survey["N3"].value == "cap" and survey["O3"].value == 60
    assert survey.freeze_panes == "A2"


def test_choice_list_missing_from_the_workbook(workbook_path: Path) -> None:
    _edit(workbook_path, "survey", {"A11": "select_multiple amenities"})
    name = str(workbook_path)
    assert _errors(workbook_path) == [
        (
            f"{name}!survey!A11",
            "choice list 'amenities' is not on the choices sheet",
            "add its options to the choices sheet",
        )
    ]


def test_choice_list_typo_gets_a_hint(workbook_path: Path) -> None:
    _edit(workbook_path, "survey", {"A11": "select_multiple W3"})
    [(where, message, hint)] = _errors(workbook_path)
    assert (where.endswith("!survey!A11"), message, hint) == (
        True,
        "choice list 'W3' is not on the choices sheet",
        "did you mean 'W03'?",
    )


def test_many_cell_errors_at_once(workbook_path: Path) -> None:
    _edit(
        workbook_path,
        "survey",
        {"A3": "yesno", "I4": 0, "B5": "R01", "S6": "<=2: 1; soon: 0", "H9": "W05 != null", "I12": -2},
    )
    name = str(workbook_path)
    assert _errors(workbook_path) == [
        (f"{name}!survey!A3", "unknown type 'yesno'", "did you mean 'yes_no'?"),
        (
            f"{name}!survey!I4",
            "weight must be greater than 0, got 0",
            "use scored: false for an item that should not count",
        ),
        (f"{name}!survey!B5", "duplicate item id 'R01' (first used at B3)", ""),
        (
            f"{name}!survey!S6",
            "cannot read band 'soon: 0'",
            "write e.g. '<=2: 1; <=5: 0.5; else: 0' (also '>=N: s' and 'a..b: s')",
        ),
        (
            f"{name}!survey!H9",
            "condition of 'W01' refers forward to 'W05', which comes later",
            "move 'W05' before 'W01': a condition may only look at earlier items",
        ),
        (
            f"{name}!survey!I12",
            "weight must be greater than 0, got -2",
            "use scored: false for an item that should not count",
        ),
    ]


def test_unknown_column_with_hint(workbook_path: Path) -> None:
    _edit(workbook_path, "survey", {"I1": "wieght"})
    [(where, message, hint)] = _errors(workbook_path)
    assert (where, message, hint) == (
        f"{workbook_path}!survey!I1",
        "unknown column 'wieght' on the survey sheet",
        "did you mean 'weight'?",
    )


def test_missing_settings_sheet(workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)
    del workbook["settings"]
    workbook.save(workbook_path)
    assert _errors(workbook_path) == [
        (f"{workbook_path}!settings", "the workbook has no 'settings' sheet", "sheets found: survey, choices, bands")
    ]


def test_unclosed_group_and_item_outside_a_section(workbook_path: Path) -> None:
    _edit(workbook_path, "survey", {"A7": None, "B7": None, "A16": None, "B16": None})
    workbook = load_workbook(workbook_path)
    workbook["survey"].insert_rows(2)
    workbook["survey"]["A2"] = "text"
    workbook["survey"]["B2"] = "X01"
    workbook.save(workbook_path)
    messages = [(where.rsplit("!", 1)[1], message) for where, message, _ in _errors(workbook_path)]
    assert messages == [
        ("A2", "an item outside a section"),
        ("A9", "sections cannot nest: the group opened on row 3 is still open"),
        ("A9", "the group 'waiting' opened here is never closed"),
    ]


def test_xlsform_language_headers_are_accepted(workbook_path: Path) -> None:
    _edit(workbook_path, "survey", {"C1": "label::Chinese (zh)", "D1": "label::English (en)"})
    checklist = read_standard_xlsx(workbook_path)
    assert checklist.items_by_id["R01"].text.zh == "服务顾问使用平板电脑接车"
    assert checklist.items_by_id["R01"].text.en.startswith("The service advisor")


def test_text_starting_with_equals_stays_text(tmp_path: Path) -> None:
    from dataclasses import replace

    checklist = load_standard(FIXTURES / "mini_standard.yaml")
    first = checklist.sections[0]
    item = replace(first.items[0], reference='=HYPERLINK("http://x")')
    checklist = replace(checklist, sections=(replace(first, items=(item, *first.items[1:])), *checklist.sections[1:]))
    path = tmp_path / "inject.xlsx"
    write_standard_xlsx(checklist, path)
    cell = load_workbook(path)["survey"]["V3"]
    assert cell.data_type == "s"
    assert read_standard_xlsx(path).items_by_id["R01"].reference == '=HYPERLINK("http://x")'


def test_numeric_version_cell_is_a_warning(workbook_path: Path) -> None:
    _edit(workbook_path, "settings", {"B2": 2026.1})
    checklist, problems = check_standard_xlsx(workbook_path)
    assert checklist is not None and checklist.version == "2026.1"
    assert [(str(p.location), p.severity.value, p.message) for p in problems] == [
        (
            f"{workbook_path}!settings!B2",
            "warning",
            "version is a number in Excel (2026.1); 2026.10 would read as 2026.1",
        )
    ]


EVERY_FIELD = """
id: every-field
version: "3"
kind: digital_service
title: {en: Only English}
sections:
  - id: a
    title: {zh: 甲}
    items:
      - id: S1
        text: {zh: 评分, en: Rating}
        guidance: {en: Only English guidance}
        type: scale
        scale: {min: 1, max: 3}
        options:
          - {code: "1", label: {en: Bad}}
          - {code: "2", label: {en: OK}, points: 0.5}
          - {code: "3", label: {en: Good}, points: 1}
        na_allowed: true
        required: false
      - id: N1
        text: {en: Minutes}
        type: number
        range: {max: 60}
        bands:
          - {max: 2, score: 1, label: {zh: 快, en: fast}}
          - {min: 2.5, max: 10, score: 0.25}
          - {min: 30, score: 0, label: {en: slow}}
        evidence: {photo: always}
        critical: {effect: zero_index}
      - id: T1
        text: {en: Proof}
        type: text
        scored: true
        weight: 0.5
        bonus: true
        evidence: {note: always}
        condition: "S1 >= 2 and not (N1 > 5)"
"""


def test_every_optional_field_survives_the_workbook(tmp_path: Path) -> None:
    source = tmp_path / "every.yaml"
    source.write_text(EVERY_FIELD, encoding="utf-8")
    checklist = load_standard(source)
    target = tmp_path / "every.xlsx"
    write_standard_xlsx(checklist, target)
    assert standard_to_dict(read_standard_xlsx(target)) == standard_to_dict(checklist)
    survey = load_workbook(target)["survey"]
    assert survey["A3"].value == "scale S1"
    assert survey["S4"].value == "<=2: 1 [快|fast]; 2.5..10: 0.25; >=30: 0 [|slow]"
    assert survey["P4"].value == "max=60"


def test_chinese_yes_no_in_flag_columns(workbook_path: Path) -> None:
    """A Chinese-labelled workbook is often filled in Chinese: 是/否 are yes/no like everywhere else."""
    _edit(workbook_path, "survey", {"G3": "否", "L4": "是", "J5": "maybe"})
    assert _errors(workbook_path) == [
        (f"{workbook_path}!survey!J5", "scored must be yes or no (是/否), got 'maybe'", ""),
    ]
    _edit(workbook_path, "survey", {"J5": None})
    checklist = read_standard_xlsx(workbook_path)
    first, second = list(checklist.items())[:2]
    assert (first.required, second.na_allowed) == (False, True)


def test_a_mistyped_type_goes_on_as_its_closest_type(workbook_path: Path) -> None:
    """'selectone W01' on a choice item: one error, not also 'W01 has no options' or 'options make no sense'."""
    from openpyxl import load_workbook

    survey = load_workbook(workbook_path)["survey"]
    row = next(r for r in range(2, survey.max_row + 1) if str(survey[f"A{r}"].value or "").startswith("select_one"))
    _edit(workbook_path, "survey", {f"A{row}": survey[f"A{row}"].value.replace("select_one", "selectone")})
    assert [(cell, message) for cell, message, _ in _errors(workbook_path)] == [
        (f"{workbook_path}!survey!A{row}", "unknown type 'selectone W01'"),
    ]


def test_a_text_file_named_xlsx_is_one_located_message(tmp_path: Path) -> None:
    path = tmp_path / "standard.xlsx"
    path.write_text("id: x\n", encoding="utf-8")
    checklist, problems = check_standard_xlsx(path)
    assert checklist is None
    assert [(p.location.file, "not a zip archive" in p.message) for p in problems] == [(str(path), True)]

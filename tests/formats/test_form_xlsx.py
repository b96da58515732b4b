"""The fill-in workbook: written for a dealer, filled like a user would (openpyxl), read back or refused."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from dealer_audit.core.answers import AuditStatus, EvidenceRef
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import LocalText
from dealer_audit.errors import ValidationFailed
from dealer_audit.formats.form_xlsx import (
    META,
    SHEET,
    item_checksum,
    read_form,
    read_form_with_warnings,
    write_form,
)
from dealer_audit.formats.standard_yaml import load_standard

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini_standard.yaml"
AUDIT_ID = "22222222-2222-4222-8222-222222222222"
KEY = bytes(range(32))  # a workspace form key; the seal itself is tested in tests/hostile/test_hostile_forms_tamper.py
# rows of the mini standard: R01..R04 = 6..9, W01..W07 = 10..16


@pytest.fixture(scope="module")
def standard():
    return load_standard(FIXTURE)


@pytest.fixture
def dealer():
    return Dealer("SH001", LocalText("上海一店", "Shanghai One"), "east", attributes={"has_ev_service": True})


@pytest.fixture
def form(tmp_path, standard, dealer):
    return write_form(standard, dealer, "2026-Q4", tmp_path / "SH001.xlsx", audit_id=AUDIT_ID, key=KEY)


def fill(path: Path, cells: dict[str, object], sheet: str = SHEET) -> Path:
    """What an auditor does in Excel: type into cells and save."""
    workbook = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        workbook[sheet][ref] = value
    workbook.save(path)
    return path


COMPLETE = {
    "B3": "王芳",
    "F3": datetime(2026, 10, 12),
    "H6": "否/No",
    "J6": "顾问用纸质单据接车",
    "K6": "job-card.jpg",
    "I7": "N/A",
    "H8": "否/No",
    "H9": 7,
    "H10": "店内等待 / Waited on site",
    "H11": 4,
    "H12": "无线网络 / Wi-Fi, drinks",
    "H13": "是/Yes",
    "H14": "board.jpg",
    "H16": "服务热情",
}


def errors_of(failure: ValidationFailed) -> dict[str, str]:
    return {str(p.location).split("!", 1)[1]: p.message for p in failure.errors}


def test_workbook_layout_protection_and_meta(form, standard):
    workbook = openpyxl.load_workbook(form)
    assert workbook.sheetnames[0] == SHEET
    sheet, meta = workbook[SHEET], workbook[META]
    assert meta.sheet_state == "hidden" and workbook["_lists"].sheet_state == "hidden"
    values = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 15)}
    assert values["standard_id"] == "mini-service" and values["standard_version"] == "2026.1"
    assert values["standard_hash"] == standard.content_hash and values["item_checksum"] == item_checksum(standard)
    assert values["dealer_code"] == "SH001" and values["wave"] == "2026-Q4" and values["audit_id"] == AUDIT_ID
    assert values["form_version"] == 2 and len(values["seal"]) == 64
    # headers locked, answer columns open, sheet protected, panes frozen
    assert sheet.protection.sheet
    assert sheet["B5"].protection.locked and sheet["C6"].protection.locked
    assert all(not sheet[f"{c}6"].protection.locked for c in "HIJK")
    assert sheet.freeze_panes == "C6"
    assert sheet["C6"].value == "服务顾问使用平板电脑接车" and sheet["B13"].value == "W04"
    assert sheet["L11"].value == "仅当 only if: W01 == 'wait'"
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    yes_no = next(v for k, v in validations.items() if "H6" in k.split())
    assert yes_no.type == "list" and "是/Yes" in yes_no.formula1 and "N/A" not in yes_no.formula1
    assert yes_no.showErrorMessage
    assert validations["H7"].formula1 == '"是/Yes,否/No,N/A"'
    assert (validations["H9"].type, validations["H9"].formula1, validations["H9"].formula2) == ("decimal", "0", "240")
    assert (validations["H11"].type, validations["H11"].formula1, validations["H11"].formula2) == ("whole", "1", "5")
    assert validations["H10"].formula1 == "'_lists'!$A$2:$A$3"
    assert [workbook["_lists"].cell(r, 1).value for r in (2, 3)] == ["店内等待 / Waited on site", "离店 / Left"]


def test_rows_that_do_not_apply_to_the_dealer_are_greyed_and_locked(tmp_path, standard):
    no_ev = Dealer("BJ002", LocalText("北京二店", "Beijing Two"), "north", attributes={"has_ev_service": False})
    sheet = openpyxl.load_workbook(write_form(standard, no_ev, "2026-Q4", tmp_path / "BJ002.xlsx", key=KEY))[SHEET]
    assert sheet["L13"].value == "不适用于本经销商 / does not apply to this dealer"
    assert sheet["H13"].fill.fgColor.rgb.endswith("D9D9D9") and sheet["H13"].protection.locked
    assert sheet["H12"].fill.fgColor.rgb.endswith("FFF9C4") and not sheet["H12"].protection.locked


def test_filled_form_reads_back_to_the_audit(form, standard):
    audit = read_form(fill(form, COMPLETE), [standard], key=KEY)
    assert (audit.audit_id, audit.dealer_code, audit.standard_id, audit.standard_version, audit.wave) == (
        AUDIT_ID,
        "SH001",
        "mini-service",
        "2026.1",
        "2026-Q4",
    )
    assert audit.auditor == "王芳" and audit.visit_start == datetime(2026, 10, 12)
    assert audit.status is AuditStatus.FINALISED and audit.standard_hash == standard.content_hash
    simple = {k: (a.value, a.na) for k, a in audit.answers.items()}
    assert simple == {
        "R01": ("no", False),
        "R02": (None, True),
        "R03": ("no", False),
        "R04": (7, False),
        "W01": ("wait", False),
        "W02": (4, False),
        "W03": (("wifi", "drinks"), False),
        "W04": ("yes", False),
        "W05": ("board.jpg", False),
        "W07": ("服务热情", False),
    }
    assert audit.answers["R01"].note == "顾问用纸质单据接车"
    assert audit.answers["R01"].evidence == (EvidenceRef("job-card.jpg"),)
    assert audit.answers["W05"].evidence == (EvidenceRef("board.jpg"),)
    # the same workbook read twice is the same audit (same UUID): importing it again changes nothing
    assert read_form(form, {standard.key: standard}, key=KEY) == audit


def test_incomplete_form_is_a_draft_with_warnings(form, standard):
    audit, warnings = read_form_with_warnings(fill(form, {"H6": "是/Yes", "H9": 1.5}), [standard], key=KEY)
    assert audit.status is AuditStatus.DRAFT and audit.answers["R04"].value == 1.5
    where = [str(w.location).split("!", 1)[1] for w in warnings if w.code == "missing_required"]
    assert where == ["Audit!H7", "Audit!H8", "Audit!H10"]


def test_every_problem_is_reported_at_once_with_its_cell(form, standard):
    fill(
        form,
        {
            "H6": "否/No",  # failed critical item: note and photo required, neither given
            "H7": "maybe",  # not yes/no
            "I8": "N/A",  # R03 does not allow N/A
            "H9": 300,  # out of range 0..240
            "H10": "咖啡",  # unknown choice
            "H16": "ok",
            "F3": "next tuesday",
        },
    )
    with pytest.raises(ValidationFailed) as raised:
        read_form(form, [standard], key=KEY)
    found = errors_of(raised.value)
    assert set(found) == {"Audit!H7", "Audit!I8", "Audit!H9", "Audit!H10", "Audit!F3"}
    assert "'maybe' is not an answer" in found["Audit!H7"]
    assert "N/A is not allowed" in found["Audit!I8"]
    assert "300 is out of range 0–240" in found["Audit!H9"]
    assert "unknown choice '咖啡'" in found["Audit!H10"]
    assert str(raised.value.errors[0].location).startswith(f"{form}!Audit!")


def test_evidence_rules_point_at_note_and_evidence_cells(form, standard):
    fill(form, {**COMPLETE, "J6": None, "K6": None})
    with pytest.raises(ValidationFailed) as raised:
        read_form(form, [standard], key=KEY)
    found = errors_of(raised.value)
    assert set(found) == {"Audit!J6", "Audit!K6"}
    assert "a note is required" in found["Audit!J6"] and "a photo is required" in found["Audit!K6"]


def test_multiple_choice_unknown_and_scale_off_range(form, standard):
    fill(form, {"H10": "wait", "H11": 9, "H12": "wifi, tea"})
    with pytest.raises(ValidationFailed) as raised:
        read_form(form, [standard], key=KEY)
    found = errors_of(raised.value)
    assert "whole number from 1 to 5" in found["Audit!H11"] and "unknown choice 'tea'" in found["Audit!H12"]


def test_answer_in_a_row_that_does_not_apply_is_refused(tmp_path, standard):
    no_ev = Dealer("BJ002", LocalText("北京二店", "Beijing Two"), "north", attributes={"has_ev_service": False})
    path = write_form(standard, no_ev, "2026-Q4", tmp_path / "BJ002.xlsx", key=KEY)
    fill(path, {"H13": "是/Yes"})
    with pytest.raises(ValidationFailed) as raised:
        read_form(path, [standard], key=KEY)
    assert "does not apply to this dealer" in errors_of(raised.value)["Audit!H13"]


def test_edited_item_text_is_detected(form, standard):
    fill(form, {**COMPLETE, "D8": "Was the customer asked nicely"})
    with pytest.raises(ValidationFailed) as raised:
        read_form(form, [standard], key=KEY)
    found = errors_of(raised.value)
    assert list(found) == ["Audit!D8"] and "R03: this cell was edited" in found["Audit!D8"]


def test_reordered_rows_are_detected(form, standard):
    workbook = openpyxl.load_workbook(form)
    sheet = workbook[SHEET]
    for column in range(1, 13):
        a, b = sheet.cell(7, column), sheet.cell(8, column)
        a.value, b.value = b.value, a.value
    workbook.save(form)
    with pytest.raises(ValidationFailed) as raised:
        read_form(form, [standard], key=KEY)
    found = errors_of(raised.value)
    assert set(found) == {"Audit!B7", "Audit!B8"}
    assert "expected item R02 in this row, found R03" in found["Audit!B7"]


def test_deleted_and_inserted_rows_are_detected(tmp_path, standard, dealer):
    deleted = write_form(standard, dealer, "2026-Q4", tmp_path / "deleted.xlsx", key=KEY)
    workbook = openpyxl.load_workbook(deleted)
    workbook[SHEET].delete_rows(8)
    workbook.save(deleted)
    with pytest.raises(ValidationFailed) as raised:
        read_form(deleted, [standard], key=KEY)
    found = errors_of(raised.value)
    assert "expected item R03 in this row, found R04" in found["Audit!B8"]
    assert "found an empty cell" in found["Audit!B16"]

    inserted = write_form(standard, dealer, "2026-Q4", tmp_path / "inserted.xlsx", key=KEY)
    workbook = openpyxl.load_workbook(inserted)
    workbook[SHEET].insert_rows(9)
    workbook.save(inserted)
    with pytest.raises(ValidationFailed) as raised:
        read_form(inserted, [standard], key=KEY)
    found = errors_of(raised.value)
    assert "found an empty cell" in found["Audit!B9"] and "unexpected content below the last item" in found["Audit!A17"]


def test_unknown_standard_and_foreign_workbooks_are_refused(form, standard, tmp_path):
    other = load_standard(FIXTURE)
    from dataclasses import replace

    with pytest.raises(ValidationFailed, match="not loaded"):
        read_form(form, [replace(other, version="2027.1")], key=KEY)
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with pytest.raises(ValidationFailed, match="not a dealer-audit fill-in form"):
        read_form(plain, [standard], key=KEY)
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a zip")
    with pytest.raises(ValidationFailed, match=r"not a readable \.xlsx"):
        read_form(broken, [standard], key=KEY)


def test_item_list_checksum_guards_against_another_copy_of_the_standard(form, standard):
    from dataclasses import replace

    reworded_item = replace(standard.sections[0].items[0], text=LocalText("改过的文字", "Reworded"))
    section = replace(standard.sections[0], items=(reworded_item, *standard.sections[0].items[1:]))
    reworded = replace(standard, sections=(section, *standard.sections[1:]))
    with pytest.raises(ValidationFailed, match="checksum does not match"):
        read_form(form, [reworded], key=KEY)


def test_formula_like_texts_stay_text(tmp_path, standard, dealer):
    from dataclasses import replace

    item = replace(standard.sections[0].items[1], text=LocalText("=1+1 环车", '=HYPERLINK("x")'))
    section = replace(
        standard.sections[0], items=(standard.sections[0].items[0], item, *standard.sections[0].items[2:])
    )
    risky = replace(standard, sections=(section, *standard.sections[1:]))
    path = write_form(risky, dealer, "2026-Q4", tmp_path / "risky.xlsx", key=KEY)
    cell = openpyxl.load_workbook(path)[SHEET]["D7"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("x")'
    assert read_form(path, [risky], key=KEY).answers == {}


SHIPPED = sorted(p for p in (Path(__file__).parents[2] / "checklists").glob("*.yaml") if "program" not in p.name)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_standards_round_trip_through_a_form(tmp_path, path):
    """Every row answered the way the workbook offers it (dropdown labels, range minimum, scale maximum) reads
    back without an error, whatever the standard's types and conditions."""
    from dealer_audit.core.standard import AnswerType
    from dealer_audit.formats.form_xlsx import COLUMN_INDEX, FIRST_ROW, NOT_APPLICABLE, option_label

    standard = load_standard(path)
    dealer = Dealer("SH001", LocalText("上海一店", "Shanghai One"), "east", attributes={"tier": "A"})
    form = write_form(standard, dealer, "2026-Q4", tmp_path / "form.xlsx", key=KEY)
    workbook = openpyxl.load_workbook(form)
    sheet = workbook[SHEET]
    expected = {}
    for offset, item in enumerate(standard.items()):
        row = FIRST_ROW + offset
        if sheet.cell(row, COLUMN_INDEX["applies"]).value == NOT_APPLICABLE:
            continue
        if item.type is AnswerType.YES_NO:
            cell, value = "是/Yes", "yes"
        elif item.type is AnswerType.SCALE:
            top = item.scale.max if item.scale else 5
            cell, value = top, top
        elif item.type is AnswerType.NUMBER:
            low = item.range.min if item.range and item.range.min is not None else 0
            cell, value = low, low
        elif item.type is AnswerType.SINGLE_CHOICE:
            option = item.options[0]
            cell, value = option_label(option.label.zh, option.label.en, option.code), option.code
        elif item.type is AnswerType.MULTIPLE_CHOICE:
            cell = ", ".join(o.code for o in item.options[:2])
            value = tuple(o.code for o in item.options[:2])
        else:
            cell, value = f"{item.id}.jpg", f"{item.id}.jpg"
        sheet.cell(row, COLUMN_INDEX["answer"], cell)
        sheet.cell(row, COLUMN_INDEX["note"], "看到了 seen")
        sheet.cell(row, COLUMN_INDEX["evidence"], f"{item.id}-1.jpg")
        expected[item.id] = value
    workbook.save(form)
    audit, warnings = read_form_with_warnings(form, [standard], key=KEY)
    assert {k: a.value for k, a in audit.answers.items()} == expected
    assert all(w.code in ("not_applicable", "no_band") for w in warnings), [str(w) for w in warnings]


def test_an_edited_row_number_in_meta_is_a_message_not_a_crash(form, standard):
    fill(form, {"B20": "six"}, sheet=META)  # the first item's row number, overwritten with text
    with pytest.raises(
        ValidationFailed, match=r"_meta!B14: the hidden _meta sheet does not carry this workspace's seal"
    ):
        read_form(form, [standard], key=KEY)


def test_yes_no_answers_in_the_words_auditors_type(form, standard):
    fill(form, {"H6": "1", "H7": "TRUE", "H8": "否"})
    audit, _ = read_form_with_warnings(form, [standard], key=KEY)
    assert [audit.answers[i].value for i in ("R01", "R02", "R03")] == ["yes", "yes", "no"]


def test_printed_form_fits_the_page_and_its_rows_fit_their_text(form, standard):
    """File → Print: A4 landscape, one page wide, header row on every page, rows as tall as their wrapped text."""
    from dealer_audit.formats.form_xlsx import COLUMNS, FIRST_ROW, HEADER_ROW, text_lines

    sheet = openpyxl.load_workbook(form)[SHEET]
    items = list(standard.items())
    last = FIRST_ROW + len(items) - 1
    assert sheet.print_area == f"'{SHEET}'!$A$1:${chr(ord('A') + len(COLUMNS) - 1)}${last}"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.page_setup.orientation == "landscape"
    widths = {n: c.width for n, c in enumerate(COLUMNS, 1)}
    for row in range(FIRST_ROW, last + 1):
        height = sheet.row_dimensions[row].height
        assert height is not None, row  # the default 15 pt would let wrapped text spill over the next rows
        for col, width in widths.items():
            text = str(sheet.cell(row, col).value or "")
            assert height >= text_lines(text, width) * 14, (row, col, text)
    assert max(sheet.row_dimensions[r].height for r in range(FIRST_ROW, last + 1)) > 15


def test_text_lines_counts_wide_characters_and_newlines():
    from dealer_audit.formats.form_xlsx import text_lines

    assert text_lines("", 10) == 1
    assert text_lines("a" * 11, 10) == 2  # 11 × 0.8 × 1.05 = 9.2 > 9 usable
    assert text_lines("检查" * 5, 10) == 2  # ten wide characters: 16 > 9
    assert text_lines("one\ntwo\nthree", 30) == 3

"""The fill-in workbook: one dealer's audit form as .xlsx, and reading a filled one back into an Audit.

Why a workbook: some auditors prefer Excel on the laptop (or print it). The form is generated for one dealer,
standard version and wave; only the yellow answer columns (answer, N/A, note, evidence files) and the auditor /
visit-date cells are unlocked. A hidden `_meta` sheet names the standard (id, version, content hash), the
dealer (with the attributes conditions read), the wave, the audit UUID (so importing the same workbook twice is
idempotent), a checksum of the item list and, for anything but an ordinary visit, the audit's `kind` (a dealer's
self-assessment form says `self`: its header asks for the dealer staff member who fills it, not an auditor).
Reading regenerates every locked cell from the standard and compares, so a row that was reordered, deleted,
inserted or edited outside the answer columns is found and named by its cell; every problem is reported at once
as ``FILE!Sheet!Cell: what is wrong``.

Sheet protection has no password (Excel's is trivially removed anyway), so `_meta` is sealed instead: its last
key row, ``seal``, holds an HMAC-SHA256 over every other `_meta` cell read (key/value rows and the item rows),
keyed with the workspace's secret (storage/workspace.py ``form.key``). A filler without that secret cannot
make an edited `_meta` verify; the visible dealer and wave header must agree with the sealed `_meta`. What this
proves and what it does not: docs/security.md, "Fill-in workbook tamper check".
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dealer_audit.core.answers import Answer, AnswerValue, Audit, AuditKind, AuditStatus, EvidenceRef
from dealer_audit.core.audit_form import evidence_name_message
from dealer_audit.core.conditions import BoolOp, Condition, ItemRef, parse_condition, walk
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.scoring import dealer_context
from dealer_audit.core.standard import AnswerType, Checklist, Item
from dealer_audit.core.validation import validate_audit
from dealer_audit.errors import Location, Message, NotFound, Problem, ProblemCollector, Severity, ValidationFailed
from dealer_audit.formats.files import (
    cell_text,
    check_sheet_size,
    open_workbook,
    write_atomically,
    yes_no,
)
from dealer_audit.formats.json_input import parse_json
from dealer_audit.formats.seal import seal_cells, seal_matches
from dealer_audit.storage.limits import audit_issues, located

FORMAT = "dealer-audit/form"
FORM_VERSION = 2  # 2: `_meta` sealed with the workspace key (version 1 forms had no seal and are refused)
SEAL_KEY = "seal"
SEAL_CONTEXT = b"dealer-audit/form seal v2\n"
DEALER_CELL = "B2"
WAVE_CELL = "F2"
SHEET = "Audit"
META = "_meta"
LISTS = "_lists"
HEADER_ROW = 5
FIRST_ROW = 6
AUDITOR_CELL = "B3"
VISIT_CELL = "F3"
META_ITEMS_ROW = 20  # _meta: key/value pairs above, one row per item (id, row) from here
# kinds a fill-in form can carry: a calibration session needs its scenario id, which the form has no cell for
FORM_KINDS = (AuditKind.VISIT, AuditKind.DOUBLE, AuditKind.SELF)

YES_LABEL = "是/Yes"
NO_LABEL = "否/No"
NA_LABEL = "N/A"
# what auditors type besides the dropdown's labels and the yes/no words every reader knows
_YES_NO_MARKS = {YES_LABEL.lower(): True, NO_LABEL.lower(): False, "1": True, "0": False, "√": True, "×": False}
NOT_APPLICABLE = "不适用于本经销商 / does not apply to this dealer"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    editable: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("section", "章节\nSection", 16),
    Column("id", "编号\nItem", 9),
    Column("text_zh", "检查项目", 34),
    Column("text_en", "Checklist item", 38),
    Column("guidance", "检查指引 Guidance", 34),
    Column("type", "类型\nType", 16),
    Column("allowed", "可填答案\nAllowed answers", 30),
    Column("answer", "答案\nAnswer", 18, editable=True),
    Column("na", "不适用\nN/A", 9, editable=True),
    Column("note", "备注\nNote", 32, editable=True),
    Column("evidence", "证据文件\nEvidence files", 24, editable=True),
    Column("applies", "适用条件\nApplies when", 26),
)
COLUMN_INDEX = {c.key: n for n, c in enumerate(COLUMNS, 1)}
LETTER = {c.key: get_column_letter(n) for n, c in enumerate(COLUMNS, 1)}
LOCKED_KEYS = tuple(c.key for c in COLUMNS if not c.editable)

TYPE_LABELS = {
    AnswerType.YES_NO: "是否 Yes/No",
    AnswerType.SCALE: "评分 Scale",
    AnswerType.NUMBER: "数字 Number",
    AnswerType.SINGLE_CHOICE: "单选 Single choice",
    AnswerType.MULTIPLE_CHOICE: "多选 Multiple choice",
    AnswerType.TEXT: "文字 Text",
    AnswerType.PHOTO: "照片 Photo",
}

YELLOW = PatternFill("solid", fgColor="FFF9C4")
GREY = PatternFill("solid", fgColor="D9D9D9")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


LINE_HEIGHT = 14.5  # points per line of 11-point text (Excel's default row is 15 pt)
LATIN_WIDTH, CJK_WIDTH = 0.8, 1.6  # average character widths in digit widths (Calibri / Carlito 11)
WORD_BREAK_SLACK = 1.05  # wrapping at word boundaries leaves part of each line empty
ROW_PADDING = 3.0


# ---- shared helpers --------------------------------------------------------------------------------------------


def text_lines(text: str, width: float) -> int:
    """How many lines `text` takes when wrapped in a column `width` characters wide (Excel's unit: the width of
    one digit of the default font). Measured on Calibri/Carlito 11 as LibreOffice prints it: a Latin character
    averages ~0.8 digit, a CJK one ~1.6; a little is added for words that do not fill the line end."""
    per_line = max(1.0, width - 1.0)  # the cell's inner margins
    lines = 0
    for part in text.split("\n"):
        cells = sum(CJK_WIDTH if unicodedata.east_asian_width(ch) in "WF" else LATIN_WIDTH for ch in part)
        lines += max(1, math.ceil(cells * WORD_BREAK_SLACK / per_line))
    return lines


def row_height(values: Mapping[str, str]) -> float:
    """A row tall enough for its longest wrapped cell: neither Excel nor LibreOffice grows a row's height when
    the file is opened or printed, so without it wrapped text spills over the next rows on paper."""
    widths = {c.key: c.width for c in COLUMNS}
    lines = max((text_lines(text, widths[key]) for key, text in values.items() if text), default=1)
    return lines * LINE_HEIGHT + ROW_PADDING


def _print_setup(sheet: Worksheet, last_row: int) -> None:
    """File → Print gives a usable form: A4 landscape, every column on the page width (as many pages tall as
    needed), the column headers repeated on each page, and nothing outside the form printed."""
    sheet.print_area = f"A1:{get_column_letter(len(COLUMNS))}{last_row}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # without it Excel ignores fitToWidth
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # 0 = as many pages tall as the rows need
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.print_options.gridLines = False


def item_checksum(standard: Checklist) -> str:
    """sha256 of the item list (ids and both texts, in order): any reordering or rewording changes it."""
    text = "\n".join(f"{i.id}\t{i.text.zh}\t{i.text.en}" for i in standard.items())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def meta_seal(key: bytes, rows: Iterable[tuple[Any, Any]]) -> str:
    """The seal of `_meta`'s cells as read back: every (column A, column B) pair in sheet order (formats/seal.py)."""
    return seal_cells(key, SEAL_CONTEXT, rows)


def option_label(option_label_zh: str, option_label_en: str, code: str) -> str:
    parts = [p for p in (option_label_zh, option_label_en) if p]
    return " / ".join(dict.fromkeys(parts)) or code


def dealer_applicability(item: Item, attributes: Mapping[str, Any]) -> bool | None:
    """True/False when the dealer's attributes alone decide the condition, None when it depends on answers.

    A conjunction is false as soon as one of its answer-free parts is false ("dealer.has_ev and W01 == 'wait'"
    for a dealer without EV service), so such rows are greyed too.
    """
    if not item.condition:
        return True
    condition = parse_condition(item.condition)
    if not condition.item_refs:
        return condition.evaluate({}, attributes)
    root = condition.root
    if isinstance(root, BoolOp) and root.op == "and":
        for operand in root.operands:
            answer_free = not any(isinstance(n, ItemRef) for n in walk(operand))
            if answer_free and not Condition("", operand).evaluate({}, attributes):
                return False
    return None


def _set_text(cell: Any, text: str) -> None:
    """Text that starts like a formula is stored as text, never evaluated (formula injection)."""
    cell.value = text if text else None
    if text.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"


# ---- writing ---------------------------------------------------------------------------------------------------


def row_values(standard: Checklist, item: Item, attributes: Mapping[str, Any]) -> dict[str, str]:
    """The locked cells of an item's row; the reader regenerates them to detect edits."""
    section = standard.section_of[item.id]
    allowed = allowed_text(item)
    applies = dealer_applicability(item, attributes)
    if applies is False:
        applies_text = NOT_APPLICABLE
    elif item.condition and applies is None:
        applies_text = f"仅当 only if: {item.condition}"
    else:
        applies_text = ""
    guidance = " / ".join(p for p in dict.fromkeys((item.guidance.zh, item.guidance.en)) if p)
    kind = TYPE_LABELS[item.type]
    flags = [("必答 required" if item.required else "选答 optional")]
    if item.critical is not None:
        flags.append("关键项 critical")
    return {
        "section": option_label(section.title.zh, section.title.en, section.id),
        "id": item.id,
        "text_zh": item.text.zh,
        "text_en": item.text.en,
        "guidance": guidance,
        "type": f"{kind}\n{' · '.join(flags)}",
        "allowed": allowed,
        "applies": applies_text,
    }


def allowed_text(item: Item) -> str:
    na = f"; {NA_LABEL}" if item.na_allowed else ""
    if item.type is AnswerType.YES_NO:
        return f"{YES_LABEL}; {NO_LABEL}{na}"
    if item.type is AnswerType.SCALE:
        low, high = (item.scale.min, item.scale.max) if item.scale else (1, 5)
        return f"{low}–{high}{na}"
    if item.type is AnswerType.NUMBER:
        unit = option_label(item.unit.zh, item.unit.en, "") if item.unit else ""
        low_text = "" if not item.range or item.range.min is None else f"{item.range.min:g}"
        high_text = "" if not item.range or item.range.max is None else f"{item.range.max:g}"
        limits = f" {low_text}–{high_text}" if (low_text or high_text) else ""
        return f"数字 number{limits}{(' ' + unit) if unit else ''}{na}"
    if item.type in (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE):
        labels = "; ".join(option_label(o.label.zh, o.label.en, o.code) for o in item.options)
        if item.type is AnswerType.MULTIPLE_CHOICE:
            return f"{labels}\n(多选用逗号分隔 several: separate with commas){na}"
        return labels + na
    if item.type is AnswerType.PHOTO:
        return f"照片文件名 photo file name{na}"
    return f"文字 text{na}"


def write_form(
    standard: Checklist,
    dealer: Dealer,
    wave: str,
    path: str | Path,
    audit_id: str | None = None,
    *,
    key: bytes,
    kind: AuditKind = AuditKind.VISIT,
) -> Path:
    """Write the fill-in workbook for one dealer, standard version and wave; returns the path written.

    `key` is the workspace's form key: `_meta` is sealed with it and only a workspace holding the same key
    reads the workbook back. `kind` (one of FORM_KINDS) is sealed into `_meta`; a `self` form is the dealer's
    self-assessment (docs/actions-and-disputes.md)."""
    if kind not in FORM_KINDS:
        raise ValueError(f"a fill-in form cannot carry kind {kind.value!r}")
    path = Path(path)
    attributes = dict(dealer_context(dealer))
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    lists = workbook.create_sheet(LISTS)
    meta = workbook.create_sheet(META)

    title = f"{standard.title.zh} / {standard.title.en} — {standard.id} {standard.version}"
    if kind is AuditKind.SELF:
        title += " — 经销商自评 Dealer self-assessment"
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = "经销商 Dealer"
    _set_text(sheet[DEALER_CELL], f"{dealer.code} {option_label(dealer.name.zh, dealer.name.en, '')}".strip())
    sheet["E2"] = "波次 Wave"
    _set_text(sheet[WAVE_CELL], wave)
    sheet["A3"] = "填写人 Filled in by" if kind is AuditKind.SELF else "稽核员 Auditor"
    sheet["E3"] = "填写日期 Date" if kind is AuditKind.SELF else "访问日期 Visit date"
    sheet["A4"] = (
        "只填写黄色单元格（答案、不适用、备注、证据文件）；灰色行不适用于本经销商。"
        " Fill in the yellow cells only (answer, N/A, note, evidence files); grey rows do not apply to this dealer."
    )
    sheet.merge_cells(f"A4:{get_column_letter(len(COLUMNS))}4")  # one line across the form, on screen and paper
    sheet["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    for ref in ("A2", "A3", "E2", "E3"):
        sheet[ref].font = Font(bold=True)
    for ref in (AUDITOR_CELL, VISIT_CELL):
        sheet[ref].fill = YELLOW
        sheet[ref].border = BOX
        sheet[ref].protection = Protection(locked=False)
    sheet[VISIT_CELL].number_format = "yyyy-mm-dd"
    visit = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
    visit.error = "请输入日期 Enter a date (yyyy-mm-dd)"
    sheet.add_data_validation(visit)
    visit.add(VISIT_CELL)

    for n, column in enumerate(COLUMNS, 1):
        cell = sheet.cell(HEADER_ROW, n, column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = BOX
        sheet.column_dimensions[get_column_letter(n)].width = column.width
    sheet.row_dimensions[HEADER_ROW].height = 32

    yes_no = DataValidation(type="list", formula1=f'"{YES_LABEL},{NO_LABEL}"', allow_blank=True)
    yes_no_na = DataValidation(type="list", formula1=f'"{YES_LABEL},{NO_LABEL},{NA_LABEL}"', allow_blank=True)
    na_mark = DataValidation(type="list", formula1=f'"{NA_LABEL}"', allow_blank=True)
    for validation in (yes_no, yes_no_na, na_mark):
        validation.error = "请从下拉列表选择 Choose from the list"
        validation.errorTitle = "dealer-audit"
        sheet.add_data_validation(validation)

    list_column = 0
    for offset, item in enumerate(standard.items()):
        row = FIRST_ROW + offset
        values = row_values(standard, item, attributes)
        applies = dealer_applicability(item, attributes) is not False
        for column_key, text in values.items():
            cell = sheet.cell(row, COLUMN_INDEX[column_key])
            _set_text(cell, text)
        sheet.row_dimensions[row].height = row_height(values)
        for n, column in enumerate(COLUMNS, 1):
            cell = sheet.cell(row, n)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = BOX
            if not applies:
                cell.fill = GREY
                cell.font = Font(color="808080")
            elif column.editable:
                cell.fill = YELLOW
                cell.protection = Protection(locked=False)
        answer_ref = f"{LETTER['answer']}{row}"
        if not applies:
            continue
        if item.na_allowed:
            na_mark.add(f"{LETTER['na']}{row}")
        if item.type is AnswerType.YES_NO:
            (yes_no_na if item.na_allowed else yes_no).add(answer_ref)
        elif item.type is AnswerType.SINGLE_CHOICE and item.options:
            list_column += 1
            letter = get_column_letter(list_column)
            labels = [option_label(o.label.zh, o.label.en, o.code) for o in item.options]
            if item.na_allowed:
                labels.append(NA_LABEL)
            lists.cell(1, list_column, item.id)
            for k, label in enumerate(labels, 2):
                _set_text(lists.cell(k, list_column), label)
            choice = DataValidation(
                type="list", formula1=f"'{LISTS}'!${letter}$2:${letter}${len(labels) + 1}", allow_blank=True
            )
            choice.error = "请从下拉列表选择 Choose from the list"
            sheet.add_data_validation(choice)
            choice.add(answer_ref)
        elif item.type in (AnswerType.SCALE, AnswerType.NUMBER):
            number = _number_validation(item)
            sheet.add_data_validation(number)
            number.add(answer_ref)

    for validation in sheet.data_validations.dataValidation:
        validation.showErrorMessage = True  # openpyxl defaults to False, i.e. Excel would not enforce the rule
        validation.errorStyle = "stop"
    sheet.freeze_panes = sheet.cell(FIRST_ROW, COLUMN_INDEX["text_zh"])
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # auditors may widen columns and rows
    sheet.protection.formatRows = False
    sheet.protection.formatCells = False
    _print_setup(sheet, FIRST_ROW + sum(1 for _ in standard.items()) - 1)

    entries: list[tuple[str, Any]] = [
        ("format", FORMAT),
        ("form_version", FORM_VERSION),
        ("audit_id", audit_id or str(uuid.uuid4())),
        ("standard_id", standard.id),
        ("standard_version", standard.version),
        ("standard_hash", standard.content_hash),
        ("dealer_code", dealer.code),
        ("dealer_attributes", json.dumps(attributes, ensure_ascii=False, sort_keys=True, default=str)),
        ("wave", wave),
        ("item_count", sum(1 for _ in standard.items())),
        ("item_checksum", item_checksum(standard)),
        ("first_row", FIRST_ROW),
        ("generated_at", datetime.now(UTC).replace(microsecond=0).isoformat()),
    ]
    if kind is not AuditKind.VISIT:  # absent = an ordinary visit, as in every form made before kinds existed
        entries.append(("kind", kind.value))
    for n, (name, value) in enumerate(entries, 1):
        meta.cell(n, 1, name)
        meta.cell(n, 2, value)
    item_rows = [(item.id, FIRST_ROW + offset) for offset, item in enumerate(standard.items())]
    meta.cell(META_ITEMS_ROW - 1, 1, "item_id")
    meta.cell(META_ITEMS_ROW - 1, 2, "row")
    for offset, (item_id, row) in enumerate(item_rows):
        meta.cell(META_ITEMS_ROW + offset, 1, item_id)
        meta.cell(META_ITEMS_ROW + offset, 2, row)
    meta.cell(len(entries) + 1, 1, SEAL_KEY)
    meta.cell(len(entries) + 1, 2, meta_seal(key, [*entries, ("item_id", "row"), *item_rows]))
    for hidden in (meta, lists):
        hidden.sheet_state = "hidden"
        hidden.protection.sheet = True
    write_atomically(path, workbook.save)
    return path


def _number_validation(item: Item) -> DataValidation:
    if item.type is AnswerType.SCALE:
        low, high = (item.scale.min, item.scale.max) if item.scale else (1, 5)
        validation = DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high))
        validation.error = f"请输入 {low}–{high} 的整数 Enter a whole number {low}–{high}"
    else:
        low_value = item.range.min if item.range else None
        high_value = item.range.max if item.range else None
        if low_value is not None and high_value is not None:
            validation = DataValidation(
                type="decimal", operator="between", formula1=f"{low_value:g}", formula2=f"{high_value:g}"
            )
        elif low_value is not None:
            validation = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=f"{low_value:g}")
        elif high_value is not None:
            validation = DataValidation(type="decimal", operator="lessThanOrEqual", formula1=f"{high_value:g}")
        else:
            validation = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15")
        low_text = "" if low_value is None else f"{low_value:g}"
        high_text = "" if high_value is None else f"{high_value:g}"
        validation.error = f"请输入数字 Enter a number {low_text}–{high_text}".rstrip("–")
    validation.errorTitle = "dealer-audit"
    validation.allow_blank = True
    return validation


# ---- reading ---------------------------------------------------------------------------------------------------


def _standards_by_key(standards: Iterable[Checklist] | Mapping[Any, Checklist]) -> dict[tuple[str, str], Checklist]:
    values = standards.values() if isinstance(standards, Mapping) else standards
    return {s.key: s for s in values}


def _split_list(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,，;；\n]+", text) if p.strip()]


class _Reader:
    """Reads one filled workbook; collects every problem with its cell."""

    def __init__(self, path: Path, standards: Mapping[tuple[str, str], Checklist], key: bytes) -> None:
        self.path = path
        self.file = str(path)
        self.standards = standards
        self.key = key
        self.problems = ProblemCollector()

    def at(self, cell: str | None = None, sheet: str = SHEET) -> Location:
        return Location(file=self.file, sheet=sheet, cell=cell)

    def error(
        self,
        cell: str | None,
        message: str,
        code: str = "invalid",
        hint: str = "",
        sheet: str = SHEET,
        *,
        zh: str = "",
        hint_zh: str = "",
    ) -> None:
        self.problems.error(self.at(cell, sheet), message, code=code, hint=hint, zh=zh, hint_zh=hint_zh)

    def fatal(
        self,
        message: str,
        cell: str | None = None,
        sheet: str = SHEET,
        hint: str = "",
        *,
        zh: str = "",
        hint_zh: str = "",
    ) -> ValidationFailed:
        return ValidationFailed(
            [Problem(self.at(cell, sheet), message, "invalid_form", hint=hint, zh=zh, hint_zh=hint_zh)]
        )

    def read(self) -> Audit:
        try:
            workbook = open_workbook(self.path, read_only=False)
        except NotFound:
            raise ValidationFailed([Problem(Location(file=self.file), "file not found", zh="文件不存在")]) from None
        if META not in workbook.sheetnames:
            raise ValidationFailed(
                [
                    Problem(
                        Location(file=self.file),
                        "not a dealer-audit fill-in form (no _meta sheet)",
                        "invalid_form",
                        hint="generate one with `dealer-audit form`",
                        zh="这不是 dealer-audit 生成的填报表（缺少 _meta 工作表）",
                        hint_zh="请用 `dealer-audit form` 生成填报表",
                    )
                ]
            )
        if SHEET not in workbook.sheetnames:
            raise self.fatal(
                f"the sheet {SHEET!r} is missing (renamed or deleted?)",
                sheet=SHEET,
                zh=f"缺少工作表 {SHEET!r}（是否被改名或删除？）",
            )
        for name in (META, SHEET):
            check_sheet_size(workbook[name], self.file)
        meta = self.read_meta(workbook[META])
        sheet = workbook[SHEET]
        self.check_seal(sheet, meta)
        standard = self.find_standard(meta)
        self.check_structure(sheet, standard, meta)
        if self.problems.has_errors:
            raise ValidationFailed(
                self.problems.problems,
                f"{self.file}: the item rows were changed outside the answer columns; nothing was imported",
                summary_zh=f"{self.file}：检查项行在答题列以外被改动过，未导入任何数据",
            )
        return self.read_answers(sheet, standard, meta)

    # -- meta and standard ---------------------------------------------------------------------------------------

    def read_meta(self, sheet: Worksheet) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        sealed: list[tuple[Any, Any]] = []  # every cell pair of columns A:B the seal covers, in sheet order
        seal_row = 0
        for n, row in enumerate(sheet.iter_rows(min_row=1, max_row=META_ITEMS_ROW - 2, max_col=2, values_only=True), 1):
            if row[0] == SEAL_KEY:
                meta[SEAL_KEY], seal_row = row[1], n
            elif row[0] is not None or row[1] is not None:
                sealed.append((row[0], row[1]))
                if row[0]:
                    meta[str(row[0])] = row[1]
        if meta.get("format") != FORMAT:
            found = meta.get("format")
            raise self.fatal(
                f"_meta format is {found!r}, expected {FORMAT!r}",
                "B1",
                META,
                zh=f"_meta 格式为 {found!r}，应为 {FORMAT!r}",
            )
        version = meta.get("form_version")
        if not isinstance(version, int) or version > FORM_VERSION:
            raise self.fatal(
                f"form version {version!r} is not supported (this tool reads {FORM_VERSION})",
                "B2",
                META,
                hint="upgrade dealer-audit",
                zh=f"不支持填报表版本 {version!r}（本工具读取版本 {FORM_VERSION}）",
                hint_zh="请升级 dealer-audit",
            )
        if version < FORM_VERSION:
            raise self.fatal(
                f"form version {version} was made by an older dealer-audit without a tamper seal",
                "B2",
                META,
                hint="generate a new form with `dealer-audit form` and copy the answers into it",
                zh=f"填报表版本 {version} 由旧版 dealer-audit 生成，没有防篡改封印，不能导入",
                hint_zh="请用 `dealer-audit form` 生成新的填报表，并把答案复制进去",
            )
        missing = [
            k
            for k in ("audit_id", "standard_id", "standard_version", "dealer_code", "wave", "item_checksum")
            if not meta.get(k)
        ]
        if missing:
            raise self.fatal(f"_meta lacks {', '.join(missing)}", sheet=META, zh=f"_meta 缺少 {', '.join(missing)}")
        kind_text = str(meta.get("kind") or AuditKind.VISIT.value)
        if kind_text not in {k.value for k in FORM_KINDS}:
            kinds = ", ".join(k.value for k in FORM_KINDS)
            raise self.fatal(
                f"_meta kind {kind_text!r} is not one of {kinds}",
                sheet=META,
                zh=f"_meta 中的表单类型 {kind_text!r} 无效，只能是 {kinds} 之一",
            )
        meta["kind"] = AuditKind(kind_text)
        try:
            meta["dealer_attributes"] = parse_json(str(meta.get("dealer_attributes") or "{}"), f"{self.file}!{META}")
        except ValidationFailed:
            raise self.fatal(
                "_meta dealer_attributes is not valid JSON",
                sheet=META,
                zh="_meta 中的 dealer_attributes 不是有效的 JSON",
            ) from None
        rows: list[tuple[str, int]] = []
        for n, (item_id, row) in enumerate(
            sheet.iter_rows(min_row=META_ITEMS_ROW - 1, max_col=2, values_only=True), META_ITEMS_ROW - 1
        ):
            if item_id is None and row is None:
                break
            sealed.append((item_id, row))  # the header row (item_id, row) is sealed too
            if n >= META_ITEMS_ROW:
                rows.append((str(item_id), row if isinstance(row, int) else -1))  # -1: edited, fails the list check
        meta["rows"] = rows
        meta["_sealed"] = sealed
        meta["_seal_row"] = seal_row
        return meta

    def check_seal(self, sheet: Worksheet, meta: dict[str, Any]) -> None:
        """Refuse a workbook whose `_meta` does not verify with this workspace's key, or whose visible dealer and
        wave header disagrees with `_meta`; every such problem at once, each at its cell."""
        problems: list[Problem] = []
        seal = meta.get(SEAL_KEY)
        seal_cell = f"B{meta['_seal_row']}" if meta["_seal_row"] else None
        if not seal_matches(self.key, SEAL_CONTEXT, meta["_sealed"], seal):
            problems.append(
                Problem(
                    self.at(seal_cell, META),
                    "the hidden _meta sheet does not carry this workspace's seal: it was edited after the form was "
                    "made, or the form was made by another workspace",
                    "form_tampered",
                    hint="generate a new form with `dealer-audit form` in this workspace and copy the answers into it",
                    zh="隐藏的 _meta 工作表未通过本工作区的防篡改校验：表格生成后被改动过，或由其他工作区生成",
                    hint_zh="请在本工作区用 `dealer-audit form` 生成新的填报表，并把答案复制进去",
                )
            )
        code = str(meta.get("dealer_code") or "")
        shown = cell_text(sheet[DEALER_CELL].value)
        if shown != code and not shown.startswith(f"{code} "):
            shown_code = shown.split(" ")[0] if shown else "(none)"
            problems.append(
                Problem(
                    self.at(DEALER_CELL),
                    f"the header names dealer {shown_code!r} but the hidden _meta sheet names {code!r}",
                    "form_tampered",
                    zh=f"表头中的经销商 {shown_code!r} 与隐藏的 _meta 工作表中的 {code!r} 不一致",
                )
            )
        wave = str(meta.get("wave") or "")
        shown_wave = cell_text(sheet[WAVE_CELL].value)
        if shown_wave != wave:
            problems.append(
                Problem(
                    self.at(WAVE_CELL),
                    f"the header names wave {shown_wave!r} but the hidden _meta sheet names {wave!r}",
                    "form_tampered",
                    zh=f"表头中的批次 {shown_wave!r} 与隐藏的 _meta 工作表中的 {wave!r} 不一致",
                )
            )
        if problems:
            raise ValidationFailed(
                problems,
                f"{self.file}: the form failed its tamper check; nothing was imported",
                summary_zh=f"{self.file}：填报表未通过防篡改校验，未导入任何数据",
            )

    def find_standard(self, meta: dict[str, Any]) -> Checklist:
        key = (str(meta["standard_id"]), str(meta["standard_version"]))
        standard = self.standards.get(key)
        if standard is None:
            known = ", ".join(f"{i} {v}" for i, v in sorted(self.standards))
            raise self.fatal(
                f"the form was made for standard {key[0]} {key[1]}, which is not loaded (loaded: {known or 'none'})",
                sheet=META,
                hint="import that standard version first",
                zh=f"该填报表对应标准 {key[0]} {key[1]}，但该标准尚未导入（已导入：{known or '无'}）",
                hint_zh="请先导入该版本的标准",
            )
        if meta["item_checksum"] != item_checksum(standard):
            raise self.fatal(
                f"the item list checksum does not match standard {key[0]} {key[1]}: the form was made from "
                "another copy of the standard",
                sheet=META,
                zh=f"检查项清单校验值与标准 {key[0]} {key[1]} 不符：该填报表是用另一份标准生成的",
            )
        expected_hash = meta.get("standard_hash") or ""
        if expected_hash and expected_hash != standard.content_hash:
            raise self.fatal(
                f"standard {key[0]} {key[1]} loaded here differs from the one the form was made from "
                f"(content hash {str(expected_hash)[:12]}… vs {standard.content_hash[:12]}…)",
                sheet=META,
                zh=f"本工作区导入的标准 {key[0]} {key[1]} 与生成该填报表时的标准不同"
                f"（内容哈希 {str(expected_hash)[:12]}… 与 {standard.content_hash[:12]}…）",
            )
        return standard

    # -- structure -----------------------------------------------------------------------------------------------

    def check_structure(self, sheet: Worksheet, standard: Checklist, meta: dict[str, Any]) -> None:
        items = list(standard.items())
        expected_rows = [(item.id, FIRST_ROW + n) for n, item in enumerate(items)]
        if meta["rows"] != expected_rows:
            self.error(
                None, "the _meta item list does not match the standard", sheet=META, zh="_meta 中的检查项清单与标准不符"
            )
            return
        attributes = meta["dealer_attributes"]
        for n, column in enumerate(COLUMNS, 1):
            found = cell_text(sheet.cell(HEADER_ROW, n).value)
            if found != column.header.strip():
                expected = column.header.replace(chr(10), " ")
                self.error(
                    f"{get_column_letter(n)}{HEADER_ROW}",
                    f"header changed: expected {expected!r}, found {found!r}",
                    code="form_edited",
                    zh=f"表头被改动：应为 {expected!r}，实际为 {found!r}",
                )
        for item, (_, row) in zip(items, expected_rows, strict=True):
            values = row_values(standard, item, attributes)
            found_id = cell_text(sheet.cell(row, COLUMN_INDEX["id"]).value)
            if found_id != item.id:
                self.error(
                    f"{LETTER['id']}{row}",
                    f"expected item {item.id} in this row, found {found_id or 'an empty cell'}: item rows were "
                    "reordered, inserted or deleted",
                    code="form_edited",
                    hint="copy the answers into a freshly generated form",
                    zh=f"此行应为检查项 {item.id}，实际为{found_id or '空单元格'}：检查项行被调换、插入或删除过",
                    hint_zh="请把答案复制到新生成的填报表中",
                )
                continue
            for key in LOCKED_KEYS:
                if key == "id":
                    continue
                found = cell_text(sheet.cell(row, COLUMN_INDEX[key]).value)
                if found != values[key].strip():
                    self.error(
                        f"{LETTER[key]}{row}",
                        f"{item.id}: this cell was edited (only the answer, N/A, note and evidence columns may change)",
                        code="form_edited",
                        zh=f"{item.id}：此单元格被改动过（只能修改答案、不适用、备注和证据列）",
                    )
        last = FIRST_ROW + len(items) - 1
        for row in range(last + 1, sheet.max_row + 1):
            for n in range(1, len(COLUMNS) + 1):
                if cell_text(sheet.cell(row, n).value):
                    self.error(
                        f"{get_column_letter(n)}{row}",
                        "unexpected content below the last item (rows added?)",
                        code="form_edited",
                        zh="最后一个检查项下方有多余内容（是否添加了行？）",
                    )
                    break

    # -- answers -------------------------------------------------------------------------------------------------

    def read_answers(self, sheet: Worksheet, standard: Checklist, meta: dict[str, Any]) -> Audit:
        attributes = meta["dealer_attributes"]
        answers: dict[str, Answer] = {}
        cells: dict[str, int] = {}
        for offset, item in enumerate(standard.items()):
            row = FIRST_ROW + offset
            cells[item.id] = row
            answer = self.read_row(sheet, item, row, dealer_applicability(item, attributes) is not False)
            if answer is not None:
                answers[item.id] = answer
        auditor = cell_text(sheet[AUDITOR_CELL].value)
        visit_start = self.read_visit(sheet[VISIT_CELL].value)
        audit = Audit(
            audit_id=str(meta["audit_id"]),
            dealer_code=str(meta["dealer_code"]),
            standard_id=standard.id,
            standard_version=standard.version,
            wave=str(meta["wave"]),
            auditor=auditor,
            visit_start=visit_start,
            answers=answers,
            standard_hash=str(meta.get("standard_hash") or ""),
            source=self.path.name,
            kind=meta["kind"],
        )
        self.problems.extend(located(audit_issues(audit), lambda field: self.cell_of(field, cells)))
        if not self.problems.has_errors:
            self.apply_validation(standard, audit, attributes, cells)
        if self.problems.has_errors:
            count = self.count_errors()
            raise ValidationFailed(
                self.problems.problems,
                f"{self.file}: {count} problem(s); nothing was imported",
                summary_zh=f"{self.file}：发现 {count} 处问题，未导入任何数据",
            )
        complete = not any(p.code == "missing_required" for p in self.problems.problems)
        return replace(audit, status=AuditStatus.FINALISED if complete else AuditStatus.DRAFT)

    def cell_of(self, field: str, rows: Mapping[str, int]) -> Location:
        """The cell an audit field (a JSON path of storage/limits.py) was read from."""
        if field == "auditor":
            return self.at(AUDITOR_CELL)
        for item_id, row in rows.items():
            prefix = f"answers.{item_id}"
            if field == prefix or field.startswith(prefix + "."):
                rest = field[len(prefix) + 1 :]
                column = "note" if rest == "note" else "evidence" if rest.startswith("evidence") else "answer"
                return self.at(f"{LETTER[column]}{row}")
        return self.at(None, META)

    def count_errors(self) -> int:
        return sum(1 for p in self.problems.problems if p.is_error)

    def read_visit(self, value: Any) -> datetime | None:
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        try:
            return datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.error(
                VISIT_CELL,
                f"{value!r} is not a date (use yyyy-mm-dd)",
                zh=f"{value!r} 不是日期（请按 yyyy-mm-dd 填写）",
            )
            return None

    def read_row(self, sheet: Worksheet, item: Item, row: int, applies: bool) -> Answer | None:
        def ref(key: str) -> str:
            return f"{LETTER[key]}{row}"

        raw_answer = sheet.cell(row, COLUMN_INDEX["answer"]).value
        raw_na = cell_text(sheet.cell(row, COLUMN_INDEX["na"]).value)
        note = cell_text(sheet.cell(row, COLUMN_INDEX["note"]).value)
        files = _split_list(cell_text(sheet.cell(row, COLUMN_INDEX["evidence"]).value))
        answer_text = cell_text(raw_answer)
        if not (answer_text or raw_na or note or files):
            return None
        if not applies:
            self.error(
                ref("answer") if answer_text else ref("note"),
                f"{item.id} does not apply to this dealer; leave its row empty",
                code="not_applicable",
                zh=f"{item.id} 不适用于该经销商，请将此行留空",
            )
            return None
        na = False
        if raw_na:
            if raw_na.upper() not in (NA_LABEL, "NA", "不适用", "X", "✓", "1") and not yes_no(raw_na):
                self.error(
                    ref("na"),
                    f"{raw_na!r} is not a mark: put N/A or leave it empty",
                    zh=f"{raw_na!r} 不是有效标记：请填 N/A 或留空",
                )
            elif not item.na_allowed:
                refused = _na_refused(item.id)
                self.error(ref("na"), refused.en, code="na_not_allowed", zh=refused.zh)
            else:
                na = True
        value: AnswerValue = None
        if answer_text.upper() in ("N/A", "NA", "不适用"):
            if not item.na_allowed:
                refused = _na_refused(item.id)
                self.error(ref("answer"), refused.en, code="na_not_allowed", zh=refused.zh)
            else:
                na = True
        elif answer_text:
            if na:
                self.error(
                    ref("answer"),
                    f"{item.id}: both an answer and N/A are given; keep one",
                    zh=f"{item.id}：同时填写了答案和不适用（N/A），请只保留一个",
                )
            value = self.parse_value(item, raw_answer, answer_text, ref("answer"))
        for name in files:
            if reason := evidence_name_message(name):
                refused = _evidence_refused(item.id, name, reason)
                self.error(ref("evidence"), refused.en, "evidence_path", zh=refused.zh)
        evidence = tuple(EvidenceRef(file_name=name) for name in files if not evidence_name_message(name))
        if item.type is AnswerType.PHOTO and isinstance(value, str):
            if reason := evidence_name_message(value):
                refused = _evidence_refused(item.id, value, reason)
                self.error(ref("answer"), refused.en, "evidence_path", zh=refused.zh)
            else:
                evidence = tuple(dict.fromkeys((EvidenceRef(file_name=value), *evidence)))
        return Answer(item.id, None if na else value, na=na, note=note, evidence=evidence)

    def parse_value(self, item: Item, raw: Any, text: str, cell: str) -> AnswerValue:
        kind = item.type
        if kind is AnswerType.YES_NO:
            flag = raw if isinstance(raw, bool) else _YES_NO_MARKS.get(text.lower(), yes_no(text))
            if flag is not None:
                return "yes" if flag else "no"
            self.error(
                cell,
                f"{item.id}: {text!r} is not an answer; choose {YES_LABEL} or {NO_LABEL}",
                "invalid_value",
                zh=f"{item.id}：{text!r} 不是有效答案，请选择 {YES_LABEL} 或 {NO_LABEL}",
            )
            return None
        if kind in (AnswerType.SCALE, AnswerType.NUMBER):
            number = raw if isinstance(raw, int | float) and not isinstance(raw, bool) else None
            if number is None:
                try:
                    number = float(text.replace("，", ".").replace(",", "."))
                except ValueError:
                    self.error(
                        cell,
                        f"{item.id}: {text!r} is not a number",
                        "invalid_value",
                        zh=f"{item.id}：{text!r} 不是数字",
                    )
                    return None
            if not math.isfinite(number):
                self.error(
                    cell,
                    f"{item.id}: {text[:20]!r} is not a finite number",
                    "invalid_value",
                    zh=f"{item.id}：{text[:20]!r} 不是有限的数值",
                )
                return None
            if kind is AnswerType.SCALE:
                low, high = (item.scale.min, item.scale.max) if item.scale else (1, 5)
                if float(number) != int(number) or not low <= number <= high:
                    self.error(
                        cell,
                        f"{item.id}: {text} is not a whole number from {low} to {high}",
                        "out_of_range",
                        zh=f"{item.id}：{text} 不是 {low} 到 {high} 之间的整数",
                    )
                    return None
                return int(number)
            limits = item.range
            if limits is not None and (
                (limits.min is not None and number < limits.min) or (limits.max is not None and number > limits.max)
            ):
                floor = "" if limits.min is None else f"{limits.min:g}"
                ceiling = "" if limits.max is None else f"{limits.max:g}"
                self.error(
                    cell,
                    f"{item.id}: {number:g} is out of range {floor}–{ceiling}",
                    "out_of_range",
                    zh=f"{item.id}：{number:g} 超出范围 {floor}–{ceiling}",
                )
                return None
            return int(number) if float(number).is_integer() else float(number)
        if kind in (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE):
            parts = [text] if kind is AnswerType.SINGLE_CHOICE else _split_list(text)
            codes: list[str] = []
            for part in parts:
                code = self.option_code(item, part)
                if code is None:
                    labels = "; ".join(option_label(o.label.zh, o.label.en, o.code) for o in item.options)
                    self.error(
                        cell,
                        f"{item.id}: unknown choice {part!r}; choose from {labels}",
                        "invalid_value",
                        zh=f"{item.id}：未知选项 {part!r}，请从以下选项中选择：{labels}",
                    )
                    return None
                codes.append(code)
            if kind is AnswerType.SINGLE_CHOICE:
                return codes[0]
            return tuple(dict.fromkeys(codes))
        return text

    @staticmethod
    def option_code(item: Item, text: str) -> str | None:
        lowered = text.strip().lower()
        for option in item.options:
            names = {
                option.code.lower(),
                option.label.zh.lower(),
                option.label.en.lower(),
                option_label(option.label.zh, option.label.en, option.code).lower(),
            }
            if lowered in names:
                return option.code
        return None

    def apply_validation(
        self, standard: Checklist, audit: Audit, attributes: Mapping[str, Any], rows: Mapping[str, int]
    ) -> None:
        """Evidence rules, answers to items hidden by earlier answers, missing items: from core.validation, moved
        onto the cell the auditor has to change."""
        column_for = {
            "note_required": "note",
            "photo_required": "evidence",
            "na_not_allowed": "na",
        }
        for problem in validate_audit(standard, audit, attributes, finalising=False):
            path = problem.location.path or ""
            item_id = path.removeprefix("answers.") if path.startswith("answers.") else None
            if item_id is None or item_id not in rows:
                self.problems.extend([replace(problem, location=self.at(None), hint="", hint_zh="")])
                continue
            key = column_for.get(problem.code, "answer")
            item = standard.items_by_id[item_id]
            if problem.code == "photo_required" and item.type is AnswerType.PHOTO:
                key = "answer"
            moved = replace(problem, location=self.at(f"{LETTER[key]}{rows[item_id]}"))
            if problem.code == "missing_required":
                moved = replace(
                    moved,
                    message=f"{problem.message}; imported as a draft",
                    zh=f"{problem.text('zh')}；已作为草稿导入",
                )
            self.problems.extend([moved])


def _na_refused(item_id: str) -> Message:
    return Message(f"{item_id}: N/A is not allowed for this item", f"{item_id}：此检查项不允许选择不适用（N/A）")


def _evidence_refused(item_id: str, name: str, reason: Message) -> Message:
    return Message(
        f"{item_id}: evidence {name!r} refused: {reason.en}", f"{item_id}：证据文件 {name!r} 被拒绝：{reason.zh}"
    )


def read_form_with_warnings(
    path: str | Path, standards: Iterable[Checklist] | Mapping[Any, Checklist], *, key: bytes
) -> tuple[Audit, list[Problem]]:
    """`read_form` plus the warnings that did not stop the import (missing required answers — the audit is then
    a draft —, answers to items hidden by earlier answers, numbers no scoring band matches)."""
    reader = _Reader(Path(path), _standards_by_key(standards), key)
    audit = reader.read()
    return audit, [p for p in reader.problems.problems if p.severity is Severity.WARNING]


def read_form(path: str | Path, standards: Iterable[Checklist] | Mapping[Any, Checklist], *, key: bytes) -> Audit:
    """Read a filled workbook into an Audit, finalised when complete, else a draft. Raises ValidationFailed with
    every error at once (``FILE!Audit!H7: …``); nothing should be stored when it does. `key`: the workspace's
    form key the workbook was sealed with."""
    return read_form_with_warnings(path, standards, key=key)[0]

"""The Actions workbook a dealer fills and returns: written by `write_actions_workbook`
(`dealer-audit actions export`), read back by `read_actions_workbook` (`dealer-audit actions import`).

One module owns the format, so the writer and the reader share its layout and cannot drift (as form_xlsx.py does
for the fill-in form). The sheet has one row per action: the status as a dropdown, the due date as a date cell,
owner and the dealer's note as text, everything else locked. A hidden `_actions` sheet records what was exported:
the format, the dealer, and per row the action id and the version it was exported at. That record is sealed
like the fill-in form's `_meta` (formats/seal.py, keyed with the workspace's form key): a returned workbook
whose hidden ids, versions, rows or dealer were edited — to touch another dealer's actions or to pass a stale
row off as current — is refused at the seal's cell.

Reading collects every problem with its place (``FILE!Actions!H7``) and raises them together as one
ValidationFailed, so a dealer fixes the file in one pass; the caller stores nothing when anything is wrong.
Checked here: the file is an actions workbook of a format this tool reads; each row still holds the action the
hidden sheet says it held (no rows moved, added or ids edited); the status is one of the dropdown's; the due date
is a date. The status *change* and staleness are checked by the service against what is stored now
(core.actions.transition_problem, the stored version), also with the cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from openpyxl.utils import get_column_letter

from dealer_audit.core.actions import (
    DEALER_STATUSES,
    STATUS_LABELS,
    Action,
    ActionStatus,
    RequirementKey,
    requirement_key,
)
from dealer_audit.core.standard import LocalText
from dealer_audit.errors import Location, Message, Problem, ProblemCollector, ValidationFailed
from dealer_audit.formats.files import cell_text, open_workbook
from dealer_audit.formats.seal import seal_cells, seal_matches

SHEET = "Actions"
META = "_actions"
FORMAT = "dealer-audit/actions"
FORMAT_VERSION = 2  # 2: the hidden record is sealed (version 1 had no seal and is refused)
SEAL_KEY = "seal"
SEAL_CONTEXT = b"dealer-audit/actions seal v2\n"
_PAIR_KEYS = ("format", "format_version", "dealer_code", "dealer_name", "exported_at", "actions")
_LIST_HEADER = ("action_id", "version", "row")
FIRST_ROW = 2  # 1-based row of the first action (row 1 is the header)
META_ROWS_FROM = 10  # _actions: key/value pairs above, one row per action (id, version, sheet row) from here

COLUMNS: tuple[tuple[str, str, str, float], ...] = (
    ("action", "整改项编号", "Action", 34),
    ("item", "检查项", "Item", 10),
    ("requirement", "检查内容", "Requirement", 40),
    ("finding", "稽核发现", "Finding", 36),
    ("evidence", "证据文件", "Evidence", 22),
    ("critical", "关键项", "Critical", 8),
    ("repeat", "重复次数", "Repeats", 8),
    ("status", "状态", "Status", 18),
    ("owner", "责任人", "Owner", 16),
    ("due", "完成期限", "Due date", 12),
    ("note", "整改说明", "Dealer note", 40),
)
COLUMN = {key: index for index, (key, *_rest) in enumerate(COLUMNS)}  # 0-based
EDITABLE = ("status", "owner", "due", "note")


def status_text(status: ActionStatus) -> str:
    """What the dropdown shows for a status: both languages, so the reader can match either."""
    label = STATUS_LABELS[status]
    return f"{label.zh} / {label.en}"


_WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
_HEADER = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3A5F", "border": 1, "text_wrap": True,
           "valign": "top"}  # fmt: skip


def _cell(ws: Any, row: int, col: int, text: str, fmt: Any) -> None:
    """Text, always as a string (a finding starting with '=' never becomes a formula) or, when empty, a blank
    cell that still carries the format (unlocked, shaded)."""
    if text:
        ws.write_string(row, col, text, fmt)
    else:
        ws.write_blank(row, col, None, fmt)


@dataclass(frozen=True)
class ExportHeader:
    dealer_code: str
    dealer_name: LocalText
    exported_at: datetime


def write_actions_workbook(
    path: Path,
    head: ExportHeader,
    actions: Sequence[Action],
    requirements: Mapping[RequirementKey, str],
    key: bytes,
) -> None:
    """Write the dealer's actions; `requirements` maps `requirement_key`s to the items' texts; `key` is the
    workspace's form key that seals the hidden record."""
    workbook = xlsxwriter.Workbook(str(path), _WORKBOOK_OPTIONS)
    try:
        add_actions_sheets(workbook, head, actions, requirements, key)
        workbook.worksheets()[0].activate()
    finally:
        workbook.close()


def add_actions_sheets(
    workbook: Any,
    head: ExportHeader,
    actions: Sequence[Action],
    requirements: Mapping[RequirementKey, str],
    key: bytes,
) -> None:
    """Add the Actions sheet and its sealed hidden record to an open xlsxwriter workbook (the export, or the
    dealer's report workbook, which `actions import` then reads back the same way)."""
    ws = workbook.add_worksheet(SHEET)
    head_fmt = workbook.add_format(_HEADER)
    wrap = workbook.add_format({"text_wrap": True, "valign": "top", "locked": True})
    editable = workbook.add_format({"text_wrap": True, "valign": "top", "locked": False, "bg_color": "#FFF8E1"})
    date_fmt = workbook.add_format(
        {"num_format": "yyyy-mm-dd", "valign": "top", "locked": False, "bg_color": "#FFF8E1"}
    )
    for col, (_key, zh, en, width) in enumerate(COLUMNS):
        ws.write_string(0, col, f"{zh}\n{en}", head_fmt)
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide when printed, as many long as needed
    ws.repeat_rows(0)
    ws.set_row(0, 32)
    statuses = [status_text(s) for s in DEALER_STATUSES]
    last = FIRST_ROW - 1 + max(len(actions), 1)
    for offset, action in enumerate(actions):
        row = FIRST_ROW - 1 + offset
        values = {
            "action": action.action_id,
            "item": action.item_id,
            "requirement": requirements.get(requirement_key(action), ""),
            "finding": action.finding,
            "evidence": ", ".join(action.evidence),
            "critical": "是 / yes" if action.critical else "",
            "repeat": str(action.repeat_count) if action.repeat_count else "",
        }
        for column, text in values.items():
            _cell(ws, row, COLUMN[column], text, wrap)
        ws.write_string(row, COLUMN["status"], status_text(action.status), editable)
        _cell(ws, row, COLUMN["owner"], action.owner, editable)
        if action.due is not None:
            ws.write_datetime(row, COLUMN["due"], datetime.combine(action.due, datetime.min.time()), date_fmt)
        else:
            ws.write_blank(row, COLUMN["due"], None, date_fmt)
        _cell(ws, row, COLUMN["note"], action.note, editable)
    if actions:
        first = FIRST_ROW - 1
        ws.data_validation(
            first,
            COLUMN["status"],
            last,
            COLUMN["status"],
            {
                "validate": "list",
                "source": statuses,
                "error_title": "状态 / Status",
                "error_message": "请从列表选择 / pick a status from the list",
            },
        )
        ws.data_validation(
            first,
            COLUMN["due"],
            last,
            COLUMN["due"],
            {
                "validate": "date",
                "criteria": ">=",
                "value": date(2000, 1, 1),
                "error_title": "完成期限 / Due date",
                "error_message": "请输入日期 / enter a date (yyyy-mm-dd)",
            },
        )
    ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False})
    ws.autofilter(0, 0, last, len(COLUMNS) - 1)
    meta = workbook.add_worksheet(META)
    pairs: tuple[tuple[str, str | int], ...] = (
        ("format", FORMAT),
        ("format_version", FORMAT_VERSION),
        ("dealer_code", head.dealer_code),
        ("dealer_name", f"{head.dealer_name.zh} / {head.dealer_name.en}"),
        ("exported_at", head.exported_at.isoformat(timespec="seconds")),
        ("actions", len(actions)),
    )
    header = _LIST_HEADER
    listed = [(action.action_id, action.version, FIRST_ROW + offset) for offset, action in enumerate(actions)]
    for row, (name, value) in enumerate(pairs):
        meta.write_string(row, 0, name)
        if isinstance(value, int):
            meta.write_number(row, 1, value)
        else:
            meta.write_string(row, 1, value)
    meta.write_string(len(pairs), 0, SEAL_KEY)
    meta.write_string(len(pairs), 1, seal_cells(key, SEAL_CONTEXT, [*pairs, header, *listed]))
    for col, title in enumerate(header):
        meta.write_string(META_ROWS_FROM - 2, col, title)
    for offset, (action_id, version, sheet_row) in enumerate(listed):
        row = META_ROWS_FROM - 1 + offset
        meta.write_string(row, 0, action_id)
        meta.write_number(row, 1, version)
        meta.write_number(row, 2, sheet_row)
    meta.hide()
    meta.protect()


@dataclass(frozen=True)
class ReturnedAction:
    """One row as the dealer returned it, with the cells it came from (for later messages)."""

    action_id: str
    version: int  # the version it was exported at
    status: ActionStatus
    owner: str
    due: date | None
    note: str
    row: int

    def cell(self, key: str) -> str:
        return f"{get_column_letter(COLUMN[key] + 1)}{self.row}"


@dataclass(frozen=True)
class ReturnedWorkbook:
    """The rows that could be read, and the problems of those that could not (cell by cell): the caller adds
    its own (status changes, staleness) and stores nothing unless the list is empty."""

    dealer_code: str
    exported_at: str
    rows: tuple[ReturnedAction, ...]
    problems: tuple[Problem, ...] = ()


def _status_names() -> dict[str, ActionStatus]:
    names: dict[str, ActionStatus] = {}
    for status, label in STATUS_LABELS.items():
        for text in (status.value, status.value.replace("_", " "), label.zh, label.en, status_text(status)):
            names[" ".join(text.lower().split())] = status
    return names


_STATUS_NAMES = _status_names()


def parse_status(text: str) -> ActionStatus | None:
    return _STATUS_NAMES.get(" ".join(text.lower().split()))


def _parse_date(value: Any) -> date | Message | None:
    """A date, None (empty) or the reason it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    shown = repr(cell_text(value))
    return Message(
        f"{shown} is not a date (write it as yyyy-mm-dd, e.g. 2026-12-31)",
        f"{shown} 不是日期（请按 yyyy-mm-dd 填写，例如 2026-12-31）",
    )


def read_actions_workbook(path: Path, key: bytes) -> ReturnedWorkbook:
    """The returned rows and every bad cell; ValidationFailed when the file is not a readable actions workbook
    or its hidden record does not carry the seal of `key` (the workspace's form key)."""
    file = str(path)
    problems = ProblemCollector()

    def at(cell: str | None = None, sheet: str = SHEET) -> Location:
        return Location(file=file, sheet=sheet, cell=cell)

    workbook = open_workbook(path, read_only=False)
    if META not in workbook.sheetnames:
        raise ValidationFailed(
            [Problem(Location(file=file), "not a dealer-audit actions workbook (no _actions sheet)", "invalid_form",
                     hint="export one with `dealer-audit actions export`",
                     zh="这不是 dealer-audit 导出的整改措施工作簿（缺少 _actions 工作表）",
                     hint_zh="请用 `dealer-audit actions export` 导出")]
        )  # fmt: skip
    if SHEET not in workbook.sheetnames:
        raise ValidationFailed(
            [Problem(at(), f"the sheet {SHEET!r} is missing (renamed or deleted?)",
                     zh=f"缺少工作表 {SHEET!r}（是否被改名或删除？）")]
        )  # fmt: skip
    meta_sheet = workbook[META]
    meta: dict[str, Any] = {}
    sealed: list[tuple[Any, ...]] = []  # every hidden cell the seal covers, row by row in sheet order
    seal_cell = f"B{len(_PAIR_KEYS) + 1}"
    for n, row in enumerate(
        meta_sheet.iter_rows(min_row=1, max_row=META_ROWS_FROM - 2, max_col=2, values_only=True), 1
    ):
        if row[0] == SEAL_KEY:
            meta[SEAL_KEY], seal_cell = row[1], f"B{n}"
        elif row[0] is not None or row[1] is not None:
            sealed.append(tuple(row))
            if row[0]:
                meta[str(row[0])] = row[1]
    if meta.get("format") != FORMAT:
        found = meta.get("format")
        raise ValidationFailed(
            [
                Problem(
                    at("B1", META), f"format is {found!r}, expected {FORMAT!r}", zh=f"格式为 {found!r}，应为 {FORMAT!r}"
                )
            ]
        )
    version = meta.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValidationFailed(
            [Problem(at("B2", META), f"format version {version!r} is not supported (this tool reads "
                     f"{FORMAT_VERSION})", hint="upgrade dealer-audit",
                     zh=f"不支持格式版本 {version!r}（本工具读取版本 {FORMAT_VERSION}）",
                     hint_zh="请升级 dealer-audit")]
        )  # fmt: skip
    if version < FORMAT_VERSION:
        raise ValidationFailed(
            [Problem(at("B2", META), f"format version {version} was exported by an older dealer-audit without a "
                     "tamper seal", "actions_tampered",
                     hint="export the actions again with `dealer-audit actions export`",
                     zh=f"格式版本 {version} 由旧版 dealer-audit 导出，没有防篡改封印，不能导入",
                     hint_zh="请用 `dealer-audit actions export` 重新导出整改措施")]
        )  # fmt: skip
    listed: list[tuple[Any, ...]] = []
    for row in meta_sheet.iter_rows(min_row=META_ROWS_FROM - 1, max_col=3, values_only=True):
        if all(value is None for value in row):
            break
        listed.append(tuple(row))
    if not seal_matches(key, SEAL_CONTEXT, [*sealed, *listed], meta.get(SEAL_KEY)):
        raise ValidationFailed(
            [Problem(at(seal_cell, META), "the hidden _actions sheet does not carry this workspace's seal: its action "
                     "ids, versions, rows or dealer were edited after export, or another workspace exported it",
                     "actions_tampered", hint="export the actions again in this workspace and re-enter the changes",
                     zh="隐藏的 _actions 工作表未通过本工作区的防篡改校验：导出后措施编号、版本、行或经销商被改动过，"
                     "或由其他工作区导出",
                     hint_zh="请在本工作区重新导出整改措施，再重新填写改动")]
        )  # fmt: skip
    dealer_code = str(meta.get("dealer_code") or "")
    expected: list[tuple[str, int, int]] = []
    for action_id, action_version, sheet_row in listed[1:]:
        if not isinstance(action_version, int) or not isinstance(sheet_row, int):  # pragma: no cover - sealed
            raise ValidationFailed(
                [Problem(at(None, META), "the hidden action list was edited; export again",
                         zh="隐藏的措施清单被改动过，请重新导出")]
            )  # fmt: skip
        expected.append((str(action_id), action_version, sheet_row))
    sheet = workbook[SHEET]
    rows: list[ReturnedAction] = []
    id_col = get_column_letter(COLUMN["action"] + 1)
    for action_id, action_version, sheet_row in expected:
        cells = {key: sheet.cell(row=sheet_row, column=col + 1).value for key, col in COLUMN.items()}
        found = cell_text(cells["action"]).strip()
        if found != action_id:
            problems.error(
                at(f"{id_col}{sheet_row}"),
                f"this row should hold action {action_id} but holds {found or 'nothing'}: rows were moved, "
                "deleted or the id edited",
                hint="keep the rows as exported; only change status, owner, due date and note",
                zh=f"此行应为措施 {action_id}，实际为{found or '空'}：行被移动、删除或编号被改动",
                hint_zh="请保持导出时的行，只修改状态、负责人、截止日期和备注",
            )
            continue
        status_cell = f"{get_column_letter(COLUMN['status'] + 1)}{sheet_row}"
        status = parse_status(cell_text(cells["status"]))
        if status is None:
            choices = ", ".join(repr(status_text(s)) for s in DEALER_STATUSES)
            shown = repr(cell_text(cells["status"]))
            problems.error(
                at(status_cell),
                f"status {shown} is not one of {choices}",
                zh=f"状态 {shown} 无效，只能是 {choices} 之一",
            )
        due = _parse_date(cells["due"])
        if isinstance(due, Message):
            problems.error(at(f"{get_column_letter(COLUMN['due'] + 1)}{sheet_row}"), due.en, zh=due.zh)
        if status is not None and not isinstance(due, Message):
            rows.append(
                ReturnedAction(
                    action_id,
                    action_version,
                    status,
                    cell_text(cells["owner"]).strip(),
                    due,
                    cell_text(cells["note"]).strip(),
                    sheet_row,
                )
            )
    extra_row = FIRST_ROW + len(expected)
    if cell_text(sheet.cell(row=extra_row, column=COLUMN["action"] + 1).value).strip():
        problems.error(
            at(f"{id_col}{extra_row}"),
            "a row was added below the exported actions; new actions come from audits, not from this file",
            zh="导出的措施下方新增了一行；新的整改措施只能来自稽核，不能在此文件中添加",
        )
    return ReturnedWorkbook(dealer_code, str(meta.get("exported_at") or ""), tuple(rows), tuple(problems.problems))

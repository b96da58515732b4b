"""Master-data tables (dealers, auditors) from CSV or XLSX: rows of cells that know how to name a cell.

One reader for every register the tool imports, so the encodings accepted (UTF-8 with or without BOM, GB18030),
the workbook limits and the way a cell is named in messages (`file:line` or `file!Sheet!B7`) are the same for
all of them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, TypeVar

from dealer_audit.errors import Location, NotFound, Problem, ValidationFailed
from dealer_audit.formats.files import open_workbook, sheet_rows

K = TypeVar("K")


class Table:
    """Rows of cells with a way to name a cell in messages (csv line or workbook cell)."""

    def __init__(self, source: str, sheet: str | None) -> None:
        self.source = source
        self.sheet = sheet
        self.header: list[str] = []
        self.rows: list[tuple[int, list[Any]]] = []  # (line or row number, cells)

    def where(self, number: int, column: int | None = None) -> Location:
        if self.sheet is not None:  # a workbook's table: openpyxl is loaded already (not imported for CSV)
            from openpyxl.utils import get_column_letter

            letter = get_column_letter((column or 0) + 1)
            return Location(self.source, sheet=self.sheet, cell=f"{letter}{number}")
        return Location(self.source, line=number)

    def row_name(self, number: int) -> str:
        """How a message names a row in English: "row 7" of a workbook, "line 7" of a CSV file."""
        return f"row {number}" if self.sheet is not None else f"line {number}"


def first_row(seen: dict[K, int], key: K, number: int) -> int | None:
    """The row `key` first stood on in a register, or None when it is new (then `seen` keeps it at `number`): the
    one duplicate-row check of the registers (dealers, auditors, KPI values), each with its own message."""
    earlier = seen.get(key)
    if earlier is None:
        seen[key] = number
    return earlier


def read_csv(path: Path) -> Table:
    """UTF-8 (with or without the BOM Excel writes) or GB18030 (Excel on Chinese Windows)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            message = "cannot read the text: save the CSV as UTF-8"
            zh = "无法识别文件编码：请将 CSV 另存为 UTF-8 格式"
            raise ValidationFailed([Problem(Location(str(path)), message, "encoding", zh=zh)]) from None
    table = Table(str(path), None)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = iter(reader)
        table.header = [c.strip() for c in next(rows, [])]
        table.rows = [(reader.line_num, row) for row in rows if any(c.strip() for c in row)]
    except csv.Error as error:  # e.g. a field over the size limit: say where instead of a traceback
        location = Location(str(path), line=reader.line_num or 1)
        problem = Problem(location, f"cannot read the CSV: {error}", "format", zh=f"无法读取该 CSV 文件：{error}")
        raise ValidationFailed([problem]) from None
    return table


def read_xlsx(path: Path, sheet_name: str) -> Table:
    """The sheet called `sheet_name` (any case), else the first sheet."""
    workbook = open_workbook(path)
    try:
        names = {n.lower(): n for n in workbook.sheetnames}
        name = names.get(sheet_name.lower(), workbook.sheetnames[0])
        table = Table(str(path), name)
        for number, row in enumerate(sheet_rows(workbook[name], str(path)), start=1):
            cells = list(row)
            if number == 1:
                table.header = ["" if c is None else str(c).strip() for c in cells]
            elif any(c is not None and str(c).strip() != "" for c in cells):
                table.rows.append((number, cells))
    finally:
        workbook.close()
    return table


_WHAT_ZH = {"dealer": "经销商", "auditor": "稽核员", "KPI": "KPI "}


def read_table(path: Path, what: str, sheet_name: str) -> Table:
    """A .csv or .xlsx register; `what` names it in messages ("dealer", "auditor")."""
    path = Path(path)
    what_zh = _WHAT_ZH.get(what, what)
    if not path.exists():
        raise NotFound(f"{path}: no such file", zh=f"{path}：文件不存在")
    where = Location(str(path))
    if path.is_dir():
        message, zh = f"this is a folder; give the {what} file", f"这是一个文件夹，请指定{what_zh}数据文件"
        raise ValidationFailed([Problem(where, message, "suffix", zh=zh)])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet_name)
    message, zh = f"{what} data must be a .csv or .xlsx file", f"{what_zh}数据必须是 .csv 或 .xlsx 文件"
    raise ValidationFailed([Problem(where, message, "suffix", zh=zh)])

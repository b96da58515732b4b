"""What every reader and writer of outside files shares: yes/no words, cell text, opening a workbook, saving.

Why one module: each format used to spell these its own way, so a Chinese `是` was a yes in one workbook column
and an error in the next, a text file renamed `.xlsx` gave a clear message in one command and a traceback in
another, and a save that failed half-way left a truncated file where the user expected a complete one.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from dealer_audit.core.audit_form import evidence_name_problem
from dealer_audit.errors import Location, NotFound, Problem, ValidationFailed

YES_WORDS = frozenset({"yes", "y", "true", "是"})
NO_WORDS = frozenset({"no", "n", "false", "否"})


def yes_no(text: str) -> bool | None:
    """True or False for a yes/no word in English or Chinese (any case), None for anything else."""
    word = text.strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


def cell_text(value: Any) -> str:
    """A cell as the text a user sees: empty for a blank cell, `3` rather than `3.0` for a whole number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _unreadable(path: Path, message: str, zh: str) -> ValidationFailed:
    return ValidationFailed(
        [Problem(Location(str(path)), message, "format", zh=zh)],
        f"{path}: not readable",
        summary_zh=f"{path}：无法读取",
    )


def open_workbook(path: Path, *, read_only: bool = True, data_only: bool = True) -> Any:
    """An openpyxl workbook, or NotFound / ValidationFailed naming the file and what it really is.

    Users hand us CSV files renamed `.xlsx`, zips of other things and folders; openpyxl answers those with half a
    dozen exception types whose text means nothing to them.
    """
    from openpyxl import load_workbook

    path = Path(path)
    if not path.exists():
        raise NotFound(f"{path}: no such file", zh=f"{path}：文件不存在")
    if path.is_dir():
        raise _unreadable(path, "this is a folder, not a workbook", "这是一个文件夹，不是工作簿")
    try:
        return load_workbook(path, read_only=read_only, data_only=data_only)
    except zipfile.BadZipFile:
        raise _unreadable(
            path,
            "not a readable .xlsx workbook: the file is not a zip archive (a CSV or text file renamed .xlsx?)",
            "不是可读取的 .xlsx 工作簿：文件不是 zip 压缩包（是否把 CSV 或文本文件改名成了 .xlsx？）",
        ) from None
    except KeyError:
        raise _unreadable(
            path,
            "not a readable .xlsx workbook: a zip archive without spreadsheet parts",
            "不是可读取的 .xlsx 工作簿：zip 压缩包中没有表格内容",
        ) from None
    except Exception as error:  # openpyxl raises many types (InvalidFileException, XML errors) for a non-workbook
        if _too_many_digits(error):
            raise _unreadable(
                path,
                "a cell holds a number of thousands of digits, more than any reader accepts: shorten or delete it",
                "某个单元格中的数字长达数千位，超出任何读取程序的承受范围：请缩短或删除",
            ) from None
        detail = f"{type(error).__name__}: {error}"
        raise _unreadable(
            path, f"not a readable .xlsx workbook ({detail})", f"不是可读取的 .xlsx 工作簿（{detail}）"
        ) from None


def _too_many_digits(error: BaseException | None) -> bool:
    """Whether Python's int-from-text limit (4,300 digits) is somewhere in this exception's chain."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, ValueError) and "integer string conversion" in str(error):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


MAX_SHEET_ROWS = 100_000  # a dealer list, a standard, a form or an export sheet: far more than any real one
MAX_SHEET_COLUMNS = 2_000  # an ODK export of a 500-item standard has ~1,000 columns
EXCEL_MAX_ROWS = 1_048_576


def _sheet_problem(source: str, sheet: Any, row: int, message: str, zh: str) -> ValidationFailed:
    location = Location(file=source, sheet=sheet.title, cell=f"A{row}")
    problem = Problem(location, message, "sheet_limit", zh=zh)
    return ValidationFailed([problem], f"{source}: refused", summary_zh=f"{source}：已拒绝")


def sheet_rows(sheet: Any, source: str, max_rows: int = MAX_SHEET_ROWS) -> Iterator[tuple[Any, ...]]:
    """The rows of a (read-only) worksheet as value tuples, from row 1, bounded whatever the file claims.

    Why: a stray cell in row 1,048,576 made openpyxl pad a million empty rows (and a forged row number far
    more); a cell holding a number of thousands of digits raised a bare ValueError from inside openpyxl; a
    `<dimension>` claiming 16,384 columns padded every row that wide. Here rows past `max_rows` are never
    handed out: the sheet is refused (ValidationFailed naming the row) when any of them holds a value, so no
    value is dropped silently; more than MAX_SHEET_COLUMNS claimed columns, an unreadable number, or a row
    numbered past Excel's last is refused with its row. Empty rows past the limit cost a cheap identity check
    each (openpyxl pads gaps with one shared tuple), and nothing past Excel's own last row is read.
    """
    claimed_columns = _claimed(sheet, "max_column")
    if claimed_columns is not None and claimed_columns > MAX_SHEET_COLUMNS:
        raise _sheet_problem(
            source,
            sheet,
            1,
            f"the sheet claims {claimed_columns:,} columns; at most {MAX_SHEET_COLUMNS:,} are read",
            f"工作表声明有 {claimed_columns:,} 列；最多只读取 {MAX_SHEET_COLUMNS:,} 列",
        )
    number = 0
    try:
        for row in sheet.iter_rows(max_row=max_rows, values_only=True):
            number += 1  # rows handed out so far: an unreadable value lies below this one
            yield row
        if number < max_rows:
            return  # openpyxl pads up to `max_rows` only when a row lies beyond it: every row has been seen
        previous: tuple[Any, ...] | None = None
        padded_to_the_end = False
        rows = sheet.iter_rows(min_row=max_rows + 1, max_row=EXCEL_MAX_ROWS, values_only=True)
        for number, row in enumerate(rows, start=max_rows + 1):
            padded_to_the_end = row is previous  # gaps are padded with one shared tuple; real rows are new ones
            if padded_to_the_end:
                continue
            if any(value is not None and value != "" for value in row):
                raise _sheet_problem(
                    source,
                    sheet,
                    number,
                    f"a value in row {number:,}: sheets are read up to row {max_rows:,}; "
                    "delete the stray cells below your data (Ctrl+End shows the last used cell)",
                    f"第 {number:,} 行有内容：工作表最多读取到第 {max_rows:,} 行；"
                    "请删除数据下方多余的单元格（按 Ctrl+End 可定位最后一个使用过的单元格）",
                )
            previous = row
        if number == EXCEL_MAX_ROWS and padded_to_the_end:
            raise _sheet_problem(
                source,
                sheet,
                EXCEL_MAX_ROWS,
                f"rows numbered past {EXCEL_MAX_ROWS:,}, Excel's last: not a valid sheet",
                f"行号超过了 Excel 的最大行号 {EXCEL_MAX_ROWS:,}：不是有效的工作表",
            )
    except (ValueError, OverflowError) as error:
        raise _sheet_problem(
            source,
            sheet,
            number + 1,
            f"a value below row {number:,} cannot be read ({error})"[:300],
            f"第 {number:,} 行下方有无法读取的值（{error}）"[:300],
        ) from None


def _claimed(sheet: Any, attribute: str) -> int | None:
    """What the sheet's own dimension says (None when it does not say, or says nonsense)."""
    try:
        value = getattr(sheet, attribute)
    except (ValueError, TypeError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def check_sheet_size(sheet: Any, source: str, max_rows: int = MAX_SHEET_ROWS) -> None:
    """Refuse a fully loaded (not read-only) worksheet whose used range exceeds the limits, before any loop
    over `range(1, sheet.max_row + 1)` creates a cell object for each of a million empty rows."""
    if sheet.max_row > max_rows:
        raise _sheet_problem(
            source,
            sheet,
            sheet.max_row,
            f"a value or format in row {sheet.max_row:,}: sheets are read up to row {max_rows:,}; "
            "delete the stray cells below your data (Ctrl+End shows the last used cell)",
            f"第 {sheet.max_row:,} 行有内容或格式：工作表最多读取到第 {max_rows:,} 行；"
            "请删除数据下方多余的单元格（按 Ctrl+End 可定位最后一个使用过的单元格）",
        )
    if sheet.max_column > MAX_SHEET_COLUMNS:
        raise _sheet_problem(
            source,
            sheet,
            1,
            f"the sheet uses {sheet.max_column:,} columns; at most {MAX_SHEET_COLUMNS:,} are read",
            f"工作表使用了 {sheet.max_column:,} 列；最多只读取 {MAX_SHEET_COLUMNS:,} 列",
        )


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Let `write` fill a temporary file beside `path`, then rename it over `path`.

    A failure (invalid data found late, a full disk, Ctrl-C) thus leaves the previous file or no file, never half
    of one; an OSError becomes a ValidationFailed naming the target instead of a traceback.
    """
    path = Path(path)
    if path.is_dir():
        raise ValidationFailed(
            [
                Problem(
                    Location(str(path)),
                    "this is a folder; give a file name",
                    "write",
                    zh="这是一个文件夹，请给出文件名",
                )
            ],
            f"{path}: nothing written",
            summary_zh=f"{path}：未写入任何内容",
        )
    temp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
        os.close(handle)
        temp = Path(name)
        write(temp)
        temp.chmod(_mode_for(path))  # mkstemp makes the file private; the user expects an ordinary file
        temp.replace(path)
    except OSError as error:
        reason = error.strerror or error
        raise ValidationFailed(
            [Problem(Location(str(path)), f"cannot write the file: {reason}", "write", zh=f"无法写入文件：{reason}")],
            f"{path}: nothing written",
            summary_zh=f"{path}：未写入任何内容",
        ) from None
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)


def _mode_for(path: Path) -> int:
    """The permissions a plain `open(path, "w")` would give: the old file's, else 0o666 less the umask."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_table_sheet(
    workbook: Any, title: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]], max_width: int = 60
) -> None:
    """A plain table sheet: bold frozen header, one row per mapping, widths fitted to the text.

    Every string is stored as text, so a label that starts with `=` never becomes a formula (formula injection).
    """
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(c) for c in columns]
    for values in rows:
        sheet.append([None if values.get(c) == "" else values.get(c) for c in columns])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                widths[cell.column - 1] = max(widths[cell.column - 1], len(cell.value))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max_width, max(8, width + 2))


# ---- evidence references: never a file outside the audit's own folder ------------------------------------------


def evidence_file_inside(folder: Path, name: str) -> Path:
    """The file `name` (an evidence reference) inside `folder`, resolved; ValueError with the reason when the
    name, or a symbolic link on its way, leads outside `folder`. The file need not exist."""
    reason = evidence_name_problem(name)
    if reason:
        raise ValueError(reason)
    root = Path(folder).resolve()
    target = (root / name).resolve()
    if target != root and root not in target.parents:
        raise ValueError("a symbolic link leads outside the audit's folder")
    return target

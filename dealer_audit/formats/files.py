"""What every reader and writer of outside files shares: yes/no words, cell text, opening a workbook, saving.

Why one module: each format used to spell these its own way, so a Chinese `是` was a yes in one workbook column
and an error in the next, a text file renamed `.xlsx` gave a clear message in one command and a traceback in
another, and a save that failed half-way left a truncated file where the user expected a complete one.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

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


def _unreadable(path: Path, message: str) -> ValidationFailed:
    return ValidationFailed([Problem(Location(str(path)), message, "format")], f"{path}: not readable")


def open_workbook(path: Path, *, read_only: bool = True, data_only: bool = True) -> Any:
    """An openpyxl workbook, or NotFound / ValidationFailed naming the file and what it really is.

    Users hand us CSV files renamed `.xlsx`, zips of other things and folders; openpyxl answers those with half a
    dozen exception types whose text means nothing to them.
    """
    from openpyxl import load_workbook

    path = Path(path)
    if not path.exists():
        raise NotFound(f"{path}: no such file")
    if path.is_dir():
        raise _unreadable(path, "this is a folder, not a workbook")
    try:
        return load_workbook(path, read_only=read_only, data_only=data_only)
    except zipfile.BadZipFile:
        raise _unreadable(
            path, "not a readable .xlsx workbook: the file is not a zip archive (a CSV or text file renamed .xlsx?)"
        ) from None
    except KeyError:
        raise _unreadable(path, "not a readable .xlsx workbook: a zip archive without spreadsheet parts") from None
    except Exception as error:  # openpyxl raises many types (InvalidFileException, XML errors) for a non-workbook
        raise _unreadable(path, f"not a readable .xlsx workbook ({type(error).__name__}: {error})") from None


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Let `write` fill a temporary file beside `path`, then rename it over `path`.

    A failure (invalid data found late, a full disk, Ctrl-C) thus leaves the previous file or no file, never half
    of one; an OSError becomes a ValidationFailed naming the target instead of a traceback.
    """
    path = Path(path)
    if path.is_dir():
        raise ValidationFailed(
            [Problem(Location(str(path)), "this is a folder; give a file name", "write")], f"{path}: nothing written"
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
        raise ValidationFailed(
            [Problem(Location(str(path)), f"cannot write the file: {error.strerror or error}", "write")],
            f"{path}: nothing written",
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


def evidence_name_problem(name: str) -> str:
    """Why an evidence file name cited by an audit is refused ('' when it is a plain name inside its folder).

    Every reader (audit JSON, bundles, fill-in workbooks, field-app exports) applies this one rule, so an audit
    from a careless or hostile source can never make the importer read — or `export` ship — a file of the HQ
    machine: no absolute path (``/etc/passwd``, ``C:\\…``, ``\\\\server\\share``), no ``..`` step, no backslash,
    no control character.
    """
    if not name.strip():
        return "empty evidence file name"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "control character in the evidence file name"
    if "\\" in name:
        return "backslash in the evidence file name (use a plain name such as board.jpg)"
    if name.startswith(("/", "~")) or (len(name) > 1 and name[1] == ":"):
        return "absolute path: evidence must lie inside the audit's own folder"
    if any(part == ".." for part in name.split("/")):
        return "'..' leaves the audit's folder: evidence must lie inside it"
    return ""


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

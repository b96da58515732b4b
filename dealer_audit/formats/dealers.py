"""Dealer master data from CSV or XLSX: one record per dealer code, every problem reported by row and column.

Columns: code, name_zh, name_en, region, province, city, group, brand (headers are case-insensitive); every other
column is a dealer attribute that checklist conditions may test (`dealer.has_ev_service`). Attribute cells are
typed: yes/no/true/false/是/否 become booleans, numbers become int or float, anything else stays text, and an
empty cell means "unknown" (the attribute is left out). CSV may be UTF-8 (with or without the BOM Excel writes)
or GB18030 (what Excel on Chinese Windows saves). Nothing is returned unless the whole file is clean, so an
import with errors stores nothing.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from dealer_audit.core.dealers import AttributeValue, Dealer
from dealer_audit.core.standard import LocalText
from dealer_audit.errors import Location, NotFound, Problem, ProblemCollector, Severity, ValidationFailed

STANDARD_COLUMNS = ("code", "name_zh", "name_en", "region", "province", "city", "group", "brand")
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_TRUE = ("yes", "true", "y", "是")
_FALSE = ("no", "false", "n", "否")
_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$")
SHEET_NAME = "Dealers"


class _Table:
    """Rows of cells with a way to name a cell in messages (csv line or workbook cell)."""

    def __init__(self, source: str, sheet: str | None) -> None:
        self.source = source
        self.sheet = sheet
        self.header: list[str] = []
        self.rows: list[tuple[int, list[Any]]] = []  # (line or row number, cells)

    def where(self, number: int, column: int | None = None) -> Location:
        if self.sheet is not None:
            letter = _column_letter(column if column is not None else 0)
            return Location(self.source, sheet=self.sheet, cell=f"{letter}{number}")
        return Location(self.source, line=number)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _read_csv(path: Path) -> _Table:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ValidationFailed(
                [Problem(Location(str(path)), "cannot read the text: save the CSV as UTF-8", "encoding")]
            ) from None
    table = _Table(str(path), None)
    reader = csv.reader(io.StringIO(text, newline=""))
    first = True
    for row in reader:
        if first:
            table.header = [c.strip() for c in row]
            first = False
            continue
        if any(c.strip() for c in row):
            table.rows.append((reader.line_num, row))
    return table


def _read_xlsx(path: Path) -> _Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a non-workbook
        raise ValidationFailed(
            [Problem(Location(str(path)), f"not a readable .xlsx workbook ({type(error).__name__})", "format")]
        ) from None
    try:
        names = {n.lower(): n for n in workbook.sheetnames}
        name = names.get(SHEET_NAME.lower(), workbook.sheetnames[0])
        table = _Table(str(path), name)
        for number, row in enumerate(workbook[name].iter_rows(values_only=True), start=1):
            cells = list(row)
            if number == 1:
                table.header = ["" if c is None else str(c).strip() for c in cells]
            elif any(c is not None and str(c).strip() != "" for c in cells):
                table.rows.append((number, cells))
    finally:
        workbook.close()
    return table


def _read_table(path: Path) -> _Table:
    path = Path(path)
    if not path.exists():
        raise NotFound(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise ValidationFailed([Problem(Location(str(path)), "dealer data must be a .csv or .xlsx file", "suffix")])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_attribute(value: Any) -> AttributeValue | None:
    """yes/no -> bool, numbers -> int/float, else text; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    text = str(value).strip()
    if not text:
        return None
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def check_dealers(path: Path, regions: Collection[str] | None = None) -> tuple[list[Dealer], list[Problem]]:
    """The dealers of a file and every problem found (by row and column); dealers are only valid without errors."""
    table = _read_table(Path(path))
    problems = ProblemCollector()
    header = [h.lower() if h.lower() in STANDARD_COLUMNS else h for h in table.header]
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        if not name:
            if any(position < len(row) and _text(row[position]) for _, row in table.rows):
                problems.error(table.where(1, position), f"column {_column_letter(position)} has data but no header")
            continue
        if name in index:
            problems.error(table.where(1, position), f"column '{name}' appears twice", code="duplicate")
            continue
        if name not in STANDARD_COLUMNS and not ATTRIBUTE_NAME.match(name):
            problems.error(
                table.where(1, position),
                f"attribute column '{name}' cannot be used in conditions",
                hint="use letters, digits and _ (e.g. has_ev_service)",
                code="attribute",
            )
            continue
        index[name] = position
    for required in ("code", "region"):
        if required not in index:
            problems.error(
                table.where(1),
                f"the header has no '{required}' column",
                hint=_hint(required, header) or f"columns are {', '.join(STANDARD_COLUMNS)}",
                code="missing",
            )
    if "name_zh" not in index and "name_en" not in index:
        problems.error(table.where(1), "the header needs a name_zh or name_en column", code="missing")
    if problems.has_errors:
        return [], problems.problems
    attribute_columns = [n for n in index if n not in STANDARD_COLUMNS]
    dealers: list[Dealer] = []
    seen: dict[str, int] = {}
    known_regions = set(regions) if regions is not None else None
    for number, row in table.rows:

        def cell(name: str, row: list[Any] = row) -> Any:
            position = index.get(name)
            return row[position] if position is not None and position < len(row) else None

        def where(name: str, number: int = number) -> Location:
            return table.where(number, index.get(name, 0))

        code = _text(cell("code"))
        if not code:
            problems.error(where("code"), "code: a dealer code is required", code="missing")
        else:
            key = code.upper()
            if key in seen:
                first = f"row {seen[key]}" if table.sheet is not None else f"line {seen[key]}"
                problems.error(
                    where("code"), f"code: duplicate dealer code '{code}' (first on {first})", code="duplicate"
                )
            else:
                seen[key] = number
        dealer_name = LocalText(zh=_text(cell("name_zh")), en=_text(cell("name_en")))
        if not dealer_name:
            column = "name_zh" if "name_zh" in index else "name_en"
            problems.error(
                where(column), f"{column}: dealer '{code}' needs a name (name_zh or name_en)", code="missing"
            )
        region = _text(cell("region"))
        if not region:
            problems.error(where("region"), f"region: dealer '{code}' has no region", code="missing")
        elif known_regions is not None and region not in known_regions:
            problems.error(
                where("region"),
                f"region: unknown region '{region}'",
                hint="; ".join(
                    h for h in (_hint(region, known_regions), f"known regions: {', '.join(sorted(known_regions))}") if h
                ),
                code="unknown-region",
            )
        attributes: dict[str, AttributeValue] = {}
        for attribute in attribute_columns:
            value = parse_attribute(cell(attribute))
            if value is not None:
                attributes[attribute] = value
        dealers.append(
            Dealer(
                code=code,
                name=dealer_name,
                region=region,
                province=_text(cell("province")),
                city=_text(cell("city")),
                group=_text(cell("group")),
                brand=_text(cell("brand")),
                attributes=attributes,
            )
        )
    if not table.rows and not problems.has_errors:
        problems.warning(table.where(1), "the file lists no dealers", code="empty")
    return dealers, problems.problems


def read_dealers(path: Path, regions: Collection[str] | None = None) -> list[Dealer]:
    """Every dealer of a CSV/XLSX file, or ValidationFailed listing all problems (row and column) at once."""
    dealers, problems = check_dealers(Path(path), regions)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise ValidationFailed(errors, f"{path}: {len(errors)} error(s); nothing imported")
    return dealers


CONDITION_FIELDS = ("code", "region", "province", "city", "group", "brand")  # what scoring's dealer context exposes


def dealer_attribute_names(path: Path) -> set[str]:
    """The attribute columns of a dealer file; with CONDITION_FIELDS, what `dealer.x` in a condition may name."""
    table = _read_table(Path(path))
    return {h for h in table.header if h and h.lower() not in STANDARD_COLUMNS}


def _hint(word: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(word, [c for c in choices if c], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""

"""Dealer master data from CSV or XLSX: one record per dealer code, every problem reported by row and column.

Columns: code, name_zh, name_en, region, province, city, group, brand (headers are case-insensitive); every other
column is a dealer attribute that checklist conditions may test (`dealer.has_ev_service`). Attribute cells are
typed: yes/no/true/false/是/否 become booleans, numbers become int or float, anything else stays text, and an
empty cell means "unknown" (the attribute is left out). CSV may be UTF-8 (with or without the BOM Excel writes)
or GB18030 (what Excel on Chinese Windows saves). Nothing is returned unless the whole file is clean, so an
import with errors stores nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from dealer_audit.core.dealers import AttributeValue, Dealer, code_problem
from dealer_audit.core.lookup import did_you_mean
from dealer_audit.core.standard import LocalText
from dealer_audit.errors import Location, Problem, ProblemCollector, Severity, ValidationFailed
from dealer_audit.formats.files import cell_text, yes_no
from dealer_audit.formats.tables import read_table
from dealer_audit.storage.limits import dealer_issues, located

STANDARD_COLUMNS = ("code", "name_zh", "name_en", "region", "province", "city", "group", "brand")
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$")
SHEET_NAME = "Dealers"
MAX_INT_DIGITS = 18


def parse_attribute(value: Any) -> AttributeValue | None:
    """yes/no -> bool, numbers -> int/float, else text; None for an empty cell.

    ValueError (with the reason) for a number no condition can use: infinite, not-a-number, or a whole number of
    more than MAX_INT_DIGITS digits (which Python itself refuses to read)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if len(str(abs(value))) > MAX_INT_DIGITS:
            raise ValueError(f"a whole number of more than {MAX_INT_DIGITS} digits")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number")
        return int(value) if value.is_integer() else value
    text = str(value).strip()
    if not text:
        return None
    flag = yes_no(text)
    if flag is not None:
        return flag
    if _INT.match(text):
        if len(text.lstrip("+-")) > MAX_INT_DIGITS:
            raise ValueError(f"a whole number of {len(text.lstrip('+-')):,} digits (at most {MAX_INT_DIGITS})")
        return int(text)
    if _FLOAT.match(text):
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(f"{text[:20]} is too large to be a finite number")
        return number
    return text


def check_dealers(path: Path, regions: Collection[str] | None = None) -> tuple[list[Dealer], list[Problem]]:
    """The dealers of a file and every problem found (by row and column); dealers are only valid without errors."""
    table = read_table(Path(path), "dealer", SHEET_NAME)
    problems = ProblemCollector()
    if not any(table.header) and not table.rows:
        problems.error(
            table.where(1), f"the file is empty; its first row names the columns ({', '.join(STANDARD_COLUMNS)})"
        )
        return [], problems.problems
    header = [h.lower() if h.lower() in STANDARD_COLUMNS else h for h in table.header]
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        if not name:
            if any(position < len(row) and cell_text(row[position]) for _, row in table.rows):
                problems.error(
                    table.where(1, position), f"column {get_column_letter(position + 1)} has data but no header"
                )
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
                hint=did_you_mean(required, header) or f"columns are {', '.join(STANDARD_COLUMNS)}",
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

        code = cell_text(cell("code"))
        unsafe = code_problem(code)
        if not code:
            problems.error(where("code"), "code: a dealer code is required", code="missing")
        elif unsafe:
            problems.error(where("code"), f"code: {unsafe}", code="unsafe_code")
        else:
            key = code.upper()
            if key in seen:
                first = f"row {seen[key]}" if table.sheet is not None else f"line {seen[key]}"
                problems.error(
                    where("code"), f"code: duplicate dealer code '{code}' (first on {first})", code="duplicate"
                )
            else:
                seen[key] = number
        dealer_name = LocalText(zh=cell_text(cell("name_zh")), en=cell_text(cell("name_en")))
        if not dealer_name:
            column = "name_zh" if "name_zh" in index else "name_en"
            problems.error(
                where(column), f"{column}: dealer '{code}' needs a name (name_zh or name_en)", code="missing"
            )
        region = cell_text(cell("region"))
        unsafe_region = code_problem(region, "region code")
        if not region:
            problems.error(where("region"), f"region: dealer '{code}' has no region", code="missing")
        elif unsafe_region:
            problems.error(where("region"), f"region: {unsafe_region}", code="unsafe_code")
        elif known_regions is not None and region not in known_regions:
            problems.error(
                where("region"),
                f"region: unknown region '{region}'",
                hint="; ".join(
                    h
                    for h in (did_you_mean(region, known_regions), f"known regions: {', '.join(sorted(known_regions))}")
                    if h
                ),
                code="unknown-region",
            )
        attributes: dict[str, AttributeValue] = {}
        for attribute in attribute_columns:
            try:
                value = parse_attribute(cell(attribute))
            except ValueError as error:
                problems.error(where(attribute), f"{attribute}: {error}", code="number")
                continue
            if value is not None:
                attributes[attribute] = value
        dealer = Dealer(
            code=code,
            name=dealer_name,
            region=region,
            province=cell_text(cell("province")),
            city=cell_text(cell("city")),
            group=cell_text(cell("group")),
            brand=cell_text(cell("brand")),
            attributes=attributes,
        )
        problems.extend(located(dealer_issues(dealer), where))  # what the database cannot hold, at its cell
        dealers.append(dealer)
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


def dealer_attribute_names(path: Path) -> set[str]:
    """The attribute columns of a dealer file: with the master-data fields, what `dealer.x` in a condition may name."""
    table = read_table(Path(path), "dealer", SHEET_NAME)
    return {h for h in table.header if h and h.lower() not in STANDARD_COLUMNS}

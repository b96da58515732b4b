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
from dealer_audit.core.lookup import did_you_mean, did_you_mean_zh
from dealer_audit.core.standard import LocalText
from dealer_audit.errors import Location, Message, Problem, ProblemCollector, Severity, ValidationFailed
from dealer_audit.formats.files import cell_text, yes_no
from dealer_audit.formats.tables import first_row, read_table
from dealer_audit.storage.limits import dealer_issues, located

STANDARD_COLUMNS = ("code", "name_zh", "name_en", "region", "province", "city", "group", "brand")
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$")
SHEET_NAME = "Dealers"
MAX_INT_DIGITS = 18


def parse_attribute(value: Any) -> AttributeValue | None:
    """yes/no -> bool, numbers -> int/float, else text; None for an empty cell.

    ValueError (with the reason, a `Message` in both languages) for a number no condition can use: infinite,
    not-a-number, or a whole number of more than MAX_INT_DIGITS digits (which Python itself refuses to read)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if len(str(abs(value))) > MAX_INT_DIGITS:
            raise ValueError(
                Message(f"a whole number of more than {MAX_INT_DIGITS} digits", f"整数超过 {MAX_INT_DIGITS} 位")
            )
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(Message(f"{value} is not a finite number", f"{value} 不是有限的数值"))
        return int(value) if value.is_integer() else value
    text = str(value).strip()
    if not text:
        return None
    flag = yes_no(text)
    if flag is not None:
        return flag
    if _INT.match(text):
        if len(text.lstrip("+-")) > MAX_INT_DIGITS:
            digits = len(text.lstrip("+-"))
            raise ValueError(
                Message(
                    f"a whole number of {digits:,} digits (at most {MAX_INT_DIGITS})",
                    f"整数有 {digits:,} 位（最多 {MAX_INT_DIGITS} 位）",
                )
            )
        return int(text)
    if _FLOAT.match(text):
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(
                Message(f"{text[:20]} is too large to be a finite number", f"{text[:20]} 数值过大，不是有限的数值")
            )
        return number
    return text


def check_dealers(path: Path, regions: Collection[str] | None = None) -> tuple[list[Dealer], list[Problem]]:
    """The dealers of a file and every problem found (by row and column); dealers are only valid without errors."""
    table = read_table(Path(path), "dealer", SHEET_NAME)
    problems = ProblemCollector()
    if not any(table.header) and not table.rows:
        columns = ", ".join(STANDARD_COLUMNS)
        problems.error(
            table.where(1),
            f"the file is empty; its first row names the columns ({columns})",
            zh=f"文件为空；第一行应为列名（{columns}）",
        )
        return [], problems.problems
    header = [h.lower() if h.lower() in STANDARD_COLUMNS else h for h in table.header]
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        if not name:
            if any(position < len(row) and cell_text(row[position]) for _, row in table.rows):
                letter = get_column_letter(position + 1)
                problems.error(
                    table.where(1, position),
                    f"column {letter} has data but no header",
                    zh=f"第 {letter} 列有数据但没有表头",
                )
            continue
        if name in index:
            problems.error(
                table.where(1, position),
                f"column '{name}' appears twice",
                zh=f"“{name}”列出现了两次",
                code="duplicate",
            )
            continue
        if name not in STANDARD_COLUMNS and not ATTRIBUTE_NAME.match(name):
            problems.error(
                table.where(1, position),
                f"attribute column '{name}' cannot be used in conditions",
                zh=f"属性列“{name}”的名称无法在条件中使用",
                hint="use letters, digits and _ (e.g. has_ev_service)",
                hint_zh="请只用英文字母、数字和下划线，例如 has_ev_service",
                code="attribute",
            )
            continue
        index[name] = position
    for required in ("code", "region"):
        if required not in index:
            problems.error(
                table.where(1),
                f"the header has no '{required}' column",
                zh=f"表头缺少“{required}”列",
                hint=did_you_mean(required, header) or f"columns are {', '.join(STANDARD_COLUMNS)}",
                hint_zh=did_you_mean_zh(required, header) or f"可用的列：{', '.join(STANDARD_COLUMNS)}",
                code="missing",
            )
    if "name_zh" not in index and "name_en" not in index:
        problems.error(
            table.where(1),
            "the header needs a name_zh or name_en column",
            zh="表头需要 name_zh 或 name_en 列",
            code="missing",
        )
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
        unsafe = code_problem(code, what_zh="经销商代码")
        if not code:
            problems.error(where("code"), "code: a dealer code is required", zh="code：经销商代码必填", code="missing")
        elif unsafe:
            problems.error(where("code"), f"code: {unsafe.en}", zh=f"code：{unsafe.zh}", code="unsafe_code")
        else:
            earlier = first_row(seen, code.upper(), number)
            if earlier is not None:
                problems.error(
                    where("code"),
                    f"code: duplicate dealer code '{code}' (first on {table.row_name(earlier)})",
                    zh=f"code：经销商代码“{code}”重复（首次出现在第 {earlier} 行）",
                    code="duplicate",
                )
        dealer_name = LocalText(zh=cell_text(cell("name_zh")), en=cell_text(cell("name_en")))
        if not dealer_name:
            column = "name_zh" if "name_zh" in index else "name_en"
            problems.error(
                where(column),
                f"{column}: dealer '{code}' needs a name (name_zh or name_en)",
                zh=f"{column}：经销商“{code}”缺少名称（name_zh 或 name_en）",
                code="missing",
            )
        region = cell_text(cell("region"))
        unsafe_region = code_problem(region, "region code", "区域代码")
        if not region:
            problems.error(
                where("region"),
                f"region: dealer '{code}' has no region",
                zh=f"region：经销商“{code}”没有填写区域",
                code="missing",
            )
        elif unsafe_region:
            problems.error(
                where("region"), f"region: {unsafe_region.en}", zh=f"region：{unsafe_region.zh}", code="unsafe_code"
            )
        elif known_regions is not None and region not in known_regions:
            problems.error(
                where("region"),
                f"region: unknown region '{region}'",
                zh=f"region：未知区域“{region}”",
                hint="; ".join(
                    h
                    for h in (did_you_mean(region, known_regions), f"known regions: {', '.join(sorted(known_regions))}")
                    if h
                ),
                hint_zh="；".join(
                    h
                    for h in (did_you_mean_zh(region, known_regions), f"已有区域：{', '.join(sorted(known_regions))}")
                    if h
                ),
                code="unknown-region",
            )
        attributes: dict[str, AttributeValue] = {}
        for attribute in attribute_columns:
            try:
                value = parse_attribute(cell(attribute))
            except ValueError as error:
                reason = error.args[0] if error.args and isinstance(error.args[0], Message) else Message(str(error))
                problems.error(
                    where(attribute), f"{attribute}: {reason.en}", zh=f"{attribute}：{reason.text('zh')}", code="number"
                )
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
        problems.warning(table.where(1), "the file lists no dealers", zh="文件中没有经销商", code="empty")
    return dealers, problems.problems


def read_dealers(path: Path, regions: Collection[str] | None = None) -> list[Dealer]:
    """Every dealer of a CSV/XLSX file, or ValidationFailed listing all problems (row and column) at once."""
    dealers, problems = check_dealers(Path(path), regions)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise ValidationFailed(
            errors,
            f"{path}: {len(errors)} error(s); nothing imported",
            summary_zh=f"{path}：发现 {len(errors)} 处错误，未导入任何数据",
        )
    return dealers


def dealer_attribute_names(path: Path) -> set[str]:
    """The attribute columns of a dealer file: with the master-data fields, what `dealer.x` in a condition may name."""
    table = read_table(Path(path), "dealer", SHEET_NAME)
    return {h for h in table.header if h and h.lower() not in STANDARD_COLUMNS}

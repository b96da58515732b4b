"""KPI values from CSV or XLSX as DMS and survey vendors export them: one row per dealer and KPI.

Columns (header names in English or Chinese, any case; order free): dealer code (经销商代码), KPI (指标), value
(数值), base n (样本量; optional). A KPI is named by its id or by its name in either language (移动接车率 or
tablet_checkin). Values may carry a percent sign (96 %) or thousands separators (1,234). Every problem is
reported at once with its place (`file:line` for CSV, `file!Sheet!C7` for workbooks): an unreadable number, a
value outside the KPI's range, an unknown dealer or KPI (with did-you-mean), a duplicate row, a missing column.
Nothing is returned unless the whole file is clean, so a file with errors stores nothing.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from dealer_audit.core.kpis import KpiDefinition, KpiValue
from dealer_audit.core.lookup import did_you_mean, did_you_mean_hint, did_you_mean_zh
from dealer_audit.errors import Location, Message, ProblemCollector, ValidationFailed
from dealer_audit.formats.files import cell_text
from dealer_audit.formats.tables import Table, first_row, read_table

SHEET_NAME = "KPI"

# the column -> the header names vendors use for it (compared without case, spaces, '_' and '-')
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "dealer_code": (
        "dealer_code", "dealer", "code", "dealer code", "dealer no", "dealer id", "经销商代码", "经销商编码",
        "经销商编号", "经销商", "门店代码", "网点代码", "店代码",
    ),
    "kpi": ("kpi", "kpi_id", "kpi id", "kpi code", "indicator", "metric", "指标", "指标代码", "指标编号", "指标名称"),
    "value": ("value", "kpi value", "result", "actual", "值", "数值", "指标值", "结果", "实际值"),
    "base_n": ("base_n", "base", "n", "sample", "sample size", "responses", "样本量", "样本数", "基数", "有效样本"),
}  # fmt: skip
REQUIRED = ("dealer_code", "kpi", "value")
_LOAD_DEALER = Message(
    "load it with `dealer-audit dealers import`", "请先用 `dealer-audit dealers import` 导入该经销商"
)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def _key(header: str) -> str:
    return re.sub(r"[\s_\-（）()]+", "", header).lower()


_ALIASES = {_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}


def parse_number(value: Any) -> float:
    """A cell as a finite number: 96, 96.5, "96 %", "1,234", "-12"; ValueError naming what was found (its
    argument a `Message` in both languages)."""
    if isinstance(value, bool):
        raise ValueError(Message(f"{value!r} is not a number", f"{value!r} 不是数字"))
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("％", "%").rstrip("%").strip()
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(Message(f"'{str(value)[:40]}' is not a number", f"“{str(value)[:40]}”不是数字")) from None
    if not math.isfinite(number):
        raise ValueError(Message(f"'{str(value)[:40]}' is not a finite number", f"“{str(value)[:40]}”不是有限的数值"))
    return number


def _reason(error: ValueError) -> Message:
    """The bilingual reason `parse_number` gave (an English-only one from elsewhere stays English)."""
    found = error.args[0] if error.args else ""
    return found if isinstance(found, Message) else Message(str(error))


def _columns(table: Table, problems: ProblemCollector) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, header in enumerate(table.header):
        column = _ALIASES.get(_key(header)) if header else None
        if column is None:
            continue
        if column in index:
            problems.error(
                table.where(1, position),
                f"two columns mean {column}: '{header}' and another",
                zh=f"有两列都表示 {column}：“{header}”和另一列",
                code="duplicate",
            )
            continue
        index[column] = position
    for column in REQUIRED:
        if column not in index:
            examples = f"{', '.join(COLUMNS[column][:2])}"
            present = ", ".join(h for h in table.header if h)
            problems.error(
                table.where(1),
                f"the header has no {column} column (e.g. {examples} or {COLUMNS[column][-4]})",
                zh=f"表头缺少 {column} 列（例如 {examples} 或 {COLUMNS[column][-4]}）",
                hint=did_you_mean(column, table.header) or f"the header has: {present}",
                hint_zh=did_you_mean_zh(column, table.header) or f"表头现有：{present}",
                code="missing",
            )
    return index


def _kpi_lookup(kpis: Sequence[KpiDefinition]) -> dict[str, KpiDefinition]:
    """A KPI by its id or either name, without case: vendors write the name they see on their report."""
    found: dict[str, KpiDefinition] = {}
    for k in kpis:
        for name in (k.id, k.name.zh, k.name.en):
            if name:
                found.setdefault(name.strip().lower(), k)
    return found


def check_kpi_values(
    path: Path, kpis: Sequence[KpiDefinition], dealers: Collection[str]
) -> tuple[list[KpiValue], ProblemCollector]:
    """The values of a file and every problem found (by row and column)."""
    table = read_table(Path(path), "KPI", SHEET_NAME)
    problems = ProblemCollector()
    if not any(table.header) and not table.rows:
        problems.error(
            table.where(1),
            "the file is empty; its first row names the columns (dealer_code, kpi, value)",
            zh="文件为空；第一行应为列名（dealer_code, kpi, value）",
        )
        return [], problems
    if not kpis:
        problems.error(
            Location(str(path)),
            "the program defines no KPIs",
            zh="稽核方案中没有定义 KPI 指标",
            hint="add a kpis: list to the program file",
            hint_zh="请在方案文件中添加 kpis: 列表",
            code="kpi",
        )
        return [], problems
    index = _columns(table, problems)
    if problems.has_errors:
        return [], problems
    lookup = _kpi_lookup(kpis)
    known_dealers = set(dealers)
    by_upper = {code.upper(): code for code in known_dealers}
    values: list[KpiValue] = []
    seen: dict[tuple[str, str], int] = {}
    source = Path(path).name
    for number, row in table.rows:

        def cell(column: str, row: list[Any] = row) -> Any:
            position = index.get(column)
            return row[position] if position is not None and position < len(row) else None

        def where(column: str, number: int = number) -> Location:
            return table.where(number, index[column])

        code = cell_text(cell("dealer_code"))
        if not code:
            problems.error(where("dealer_code"), "dealer code is empty", zh="经销商代码为空", code="missing")
        elif code not in known_dealers:
            if code.upper() in by_upper:  # vendors' exports upper- or lower-case codes: the same dealer
                code = by_upper[code.upper()]
            else:
                hint = did_you_mean_hint(code, known_dealers, otherwise=_LOAD_DEALER)
                problems.error(
                    where("dealer_code"),
                    f"unknown dealer '{code}'",
                    zh=f"未知经销商“{code}”",
                    hint=hint.en,
                    hint_zh=hint.zh,
                    code="unknown-dealer",
                )
        kpi_text = cell_text(cell("kpi"))
        definition = lookup.get(kpi_text.lower()) if kpi_text else None
        if not kpi_text:
            problems.error(where("kpi"), "KPI is empty", zh="KPI 指标为空", code="missing")
        elif definition is None:
            problems.error(
                where("kpi"),
                f"unknown KPI '{kpi_text}'",
                zh=f"未知 KPI 指标“{kpi_text}”",
                hint=did_you_mean(kpi_text, [k.id for k in kpis])
                or f"the program's KPIs: {', '.join(k.id for k in kpis)}",
                hint_zh=did_you_mean_zh(kpi_text, [k.id for k in kpis])
                or f"方案中的 KPI 指标：{', '.join(k.id for k in kpis)}",
                code="unknown-kpi",
            )
        raw_value = cell("value")
        value: float | None = None
        if raw_value is None or cell_text(raw_value) == "":
            problems.error(
                where("value"),
                "value is empty",
                zh="数值为空",
                hint="leave the row out when there is no value",
                hint_zh="没有数值时请删去这一行",
            )
        else:
            try:
                value = parse_number(raw_value)
            except ValueError as error:
                reason = _reason(error)
                problems.error(where("value"), f"value: {reason.en}", zh=f"数值：{reason.text('zh')}", code="number")
        if value is not None and definition is not None and definition.range is not None:
            low, high = definition.range.min, definition.range.max
            if (low is not None and value < low) or (high is not None and value > high):
                shown = f"{'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'}"
                problems.error(
                    where("value"),
                    f"value {value:g} is outside {definition.id}'s range {shown}",
                    zh=f"数值 {value:g} 超出 {definition.id} 的范围 {shown}",
                    code="range",
                )
        base_n: int | None = None
        raw_base = cell("base_n")
        if raw_base is not None and cell_text(raw_base) != "":
            try:
                base = parse_number(raw_base)
                if base < 0 or base != int(base):
                    shown_base = cell_text(raw_base)
                    raise ValueError(
                        Message(
                            f"'{shown_base}' is not a whole number of 0 or more", f"“{shown_base}”不是大于等于 0 的整数"
                        )
                    )
                base_n = int(base)
            except ValueError as error:
                reason = _reason(error)
                problems.error(
                    where("base_n"), f"base n: {reason.en}", zh=f"样本量：{reason.text('zh')}", code="number"
                )
        if code and definition is not None:
            earlier = first_row(seen, (code, definition.id), number)
            if earlier is not None:
                problems.error(
                    where("kpi"),
                    f"{definition.id} of {code} is given twice (first on {table.row_name(earlier)})",
                    zh=f"{code} 的 {definition.id} 出现了两次（首次出现在第 {earlier} 行）",
                    code="duplicate",
                )
            elif value is not None:
                values.append(KpiValue(code, definition.id, value, base_n, source))
    if not table.rows and not problems.has_errors:
        problems.error(table.where(1), "the file lists no values", zh="文件中没有任何数值", code="empty")
    return values, problems


def read_kpi_values(path: Path, kpis: Sequence[KpiDefinition], dealers: Collection[str]) -> list[KpiValue]:
    """Every value of a CSV/XLSX KPI file, or ValidationFailed listing all problems (row and column) at once."""
    values, problems = check_kpi_values(Path(path), kpis, dealers)
    errors = [p for p in problems.problems if p.is_error]
    if errors:
        raise ValidationFailed(
            errors,
            f"{path}: {len(errors)} error(s); nothing imported",
            summary_zh=f"{path}：发现 {len(errors)} 处错误，未导入任何数据",
        )
    return values


def write_kpi_values_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """A KPI file as a vendor would send it (sheet KPI, one header row): the sample data and a template."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for column, width in zip("ABCDE", (14, 22, 10, 10, 10), strict=False):
        sheet.column_dimensions[column].width = width
    workbook.properties.creator = "dealer-audit"
    workbook.properties.created = datetime(2026, 1, 1)  # the same rows give the same file
    buffer = io.BytesIO()
    workbook.save(buffer)
    # the zip members carry the save time: fixed, so the shipped sample files rebuild byte-identical
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps `modified` with the save time
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            target.writestr(fixed, data)
    return Path(path)

"""The auditor register from CSV or XLSX: one record per auditor id, every problem by row and column.

Columns: id, name_zh, name_en, home_region, languages (zh,en — separated by commas, spaces or 、), active
(yes/no, default yes); headers are case-insensitive. An auditor's audits carry the `id` or either name in their
`auditor` field (matched by core/auditor_lookup.py). Nothing is returned unless the whole file is clean, so an
import with errors stores nothing.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from dealer_audit.core.auditors import Auditor
from dealer_audit.core.lookup import did_you_mean, did_you_mean_zh
from dealer_audit.core.standard import LocalText
from dealer_audit.errors import Location, Problem, ProblemCollector, Severity, ValidationFailed
from dealer_audit.formats.files import cell_text, yes_no
from dealer_audit.formats.tables import first_row, read_table

COLUMNS = ("id", "name_zh", "name_en", "home_region", "languages", "active")
REQUIRED = ("id", "home_region")
LANGUAGES = ("zh", "en")
SHEET_NAME = "Auditors"
_SPLIT = re.compile(r"[,;、\s]+")


def check_auditors(path: Path, regions: Collection[str] | None = None) -> tuple[list[Auditor], list[Problem]]:
    """The auditors of a file and every problem found; the auditors are only valid without errors."""
    table = read_table(Path(path), "auditor", SHEET_NAME)
    problems = ProblemCollector()
    header = [h.lower() for h in table.header]
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        if not name:
            continue
        if name not in COLUMNS:
            problems.error(
                table.where(1, position),
                f"unknown column '{table.header[position]}'",
                hint=did_you_mean(name, COLUMNS) or f"columns are {', '.join(COLUMNS)}",
                code="unknown-column",
                zh=f"未知的列“{table.header[position]}”",
                hint_zh=did_you_mean_zh(name, COLUMNS) or f"可用的列：{', '.join(COLUMNS)}",
            )
        elif name in index:
            problems.error(
                table.where(1, position), f"column '{name}' appears twice", code="duplicate", zh=f"“{name}”列出现了两次"
            )
        else:
            index[name] = position
    for required in REQUIRED:
        if required not in index:
            problems.error(
                table.where(1), f"the header has no '{required}' column", code="missing", zh=f"表头缺少“{required}”列"
            )
    if problems.has_errors:
        return [], problems.problems
    known_regions = set(regions) if regions is not None else None
    seen: dict[str, int] = {}
    auditors: list[Auditor] = []
    for number, row in table.rows:

        def cell(name: str, row: list[object] = row) -> str:
            position = index.get(name)
            return cell_text(row[position]) if position is not None and position < len(row) else ""

        def where(name: str, number: int = number) -> Location:
            return table.where(number, index.get(name, 0))

        auditor_id = cell("id")
        if not auditor_id:
            problems.error(where("id"), "id: an auditor id is required", code="missing", zh="id：稽核员编号必填")
        elif (earlier := first_row(seen, auditor_id, number)) is not None:
            problems.error(
                where("id"),
                f"id: duplicate auditor id '{auditor_id}' (first on {table.row_name(earlier)})",
                zh=f"id：稽核员编号“{auditor_id}”重复（首次出现在第 {earlier} 行）",
                code="duplicate",
            )
        region = cell("home_region")
        if not region:
            problems.error(
                where("home_region"),
                f"home_region: auditor '{auditor_id}' has no home region",
                zh=f"home_region：稽核员“{auditor_id}”没有填写所属区域",
            )
        elif known_regions is not None and region not in known_regions:
            problems.error(
                where("home_region"),
                f"home_region: unknown region '{region}'",
                hint=did_you_mean(region, known_regions) or f"known regions: {', '.join(sorted(known_regions))}",
                code="unknown-region",
                zh=f"home_region：未知区域“{region}”",
                hint_zh=did_you_mean_zh(region, known_regions) or f"已有区域：{', '.join(sorted(known_regions))}",
            )
        languages = tuple(x.lower() for x in _SPLIT.split(cell("languages")) if x)
        for language in languages:
            if language not in LANGUAGES:
                problems.error(
                    where("languages"),
                    f"languages: '{language}' is not one of {', '.join(LANGUAGES)}",
                    zh=f"languages：“{language}”无效，只能是 {', '.join(LANGUAGES)}",
                )
        active_text = cell("active")
        active = yes_no(active_text) if active_text else True
        if active is None:
            problems.error(
                where("active"),
                f"active: '{active_text}' is not yes or no",
                zh=f"active：“{active_text}”无效，请填写 yes/是 或 no/否",
            )
        auditors.append(
            Auditor(
                id=auditor_id,
                name=LocalText(zh=cell("name_zh"), en=cell("name_en")),
                home_region=region,
                languages=languages,
                active=bool(active),
            )
        )
    if not table.rows:
        problems.warning(table.where(1), "the file lists no auditors", code="empty", zh="文件中没有列出任何稽核员")
    return auditors, problems.problems


def read_auditors(path: Path, regions: Collection[str] | None = None) -> list[Auditor]:
    """Every auditor of the file, or ValidationFailed listing all problems (row and column) at once."""
    auditors, problems = check_auditors(Path(path), regions)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise ValidationFailed(
            errors,
            f"{path}: {len(errors)} error(s); nothing imported",
            summary_zh=f"{path}：发现 {len(errors)} 处错误，未导入任何数据",
        )
    return auditors

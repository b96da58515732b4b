"""The HQ workbook's Coverage sheet: how far the wave plan has come on the report's date — per region and per
auditor (done, captured, planned, overdue), the audits stored per region, the overdue visits and the dealers
nobody has visited yet.

Plain values, no formulas: the figures of `core.coverage` (the `Coverage` the report model carries, made by the
same service as `dealer-audit coverage`), so the sheet and the command cannot disagree. With no plan stored for
the wave the sheet says so and still shows the audits stored per region and the unvisited dealers (both hold
without a plan).
Called from render/xlsx/network.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Protocol

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from dealer_audit.core.coverage import STATES, VisitState, state_counts
from dealer_audit.core.report_model import NetworkReport
from dealer_audit.render.xlsx.common import write_text

SHEET = "Coverage"
STATE_KEYS = (*(s.value for s in STATES), "total")
WIDTHS = (16, 22, 16, 16, 16, 16, 12)  # columns A–G: name, then figures (the dealer list puts names in B)
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Coverage of wave {wave} on {today}",
        "intro": "Each planned visit (dealer × standard × auditor, dealer-audit plan) is done (a finalised audit is "
        "stored), captured (a draft is stored), planned (nothing yet, its day is to come) or overdue (nothing "
        "final, its day has passed). A visit made by a stand-in auditor still counts. docs/field-operations.md.",
        "no_plan": "No plan is stored for wave {wave} (make one with dealer-audit plan --wave {wave}): there are no "
        "planned or overdue visits to show. The audits stored per region and the dealers nobody has visited yet "
        "below are complete all the same.",
        "by_region": "Planned visits by region",
        "by_auditor": "Planned visits by auditor",
        "stored": "Audits stored in the wave by region (planned or not)",
        "overdue_list": "Overdue visits ({count})",
        "unvisited": "Dealers nobody has visited yet ({count})",
        "region": "Region",
        "auditor": "Auditor",
        "all": "All regions",
        "done": "Done (final)",
        "captured": "Captured (draft)",
        "planned": "Planned",
        "overdue": "Overdue",
        "total": "Total",
        "final": "Final audits",
        "draft": "Drafts",
        "stand_ins": "Visits made by a stand-in auditor",
        "unplanned": "Audits stored outside the plan",
        "day": "Day",
        "dealer": "Dealer",
        "standard": "Standard",
        "double": "Double audit",
        "name": "Name",
        "city": "City",
        "yes": "yes",
    },
    "zh": {
        "title": "批次 {wave} 稽核进度（截至 {today}）",
        "intro": "每次计划到访（经销商 × 标准 × 稽核员，见 dealer-audit plan）的状态：已完成（已存定稿稽核）、"
        "已采集（已存草稿）、待访（尚无记录，日期未到）或逾期（尚无定稿，日期已过）。由替补稽核员完成的到访同样计入。"
        "详见 docs/field-operations.md。",
        "no_plan": "批次 {wave} 尚无已保存的稽核计划（用 dealer-audit plan --wave {wave} 生成），因此没有待访或逾期"
        "的到访可列。下方按大区统计的已存稽核与尚无人到访的经销商仍然完整。",
        "by_region": "按大区统计的计划到访",
        "by_auditor": "按稽核员统计的计划到访",
        "stored": "本批次已存稽核（按大区，不论是否在计划内）",
        "overdue_list": "逾期到访（{count}）",
        "unvisited": "尚无人到访的经销商（{count}）",
        "region": "大区",
        "auditor": "稽核员",
        "all": "全部大区",
        "done": "已完成（定稿）",
        "captured": "已采集（草稿）",
        "planned": "待访",
        "overdue": "逾期",
        "total": "合计",
        "final": "定稿稽核",
        "draft": "草稿",
        "stand_ins": "由替补稽核员完成的到访",
        "unplanned": "计划外的已存稽核",
        "day": "日期",
        "dealer": "经销商",
        "standard": "标准",
        "double": "双人稽核",
        "name": "名称",
        "city": "城市",
        "yes": "是",
    },
}
README = {
    "en": "The wave plan against the audits stored, on the generation date: done, captured, planned and overdue "
    "visits per region and per auditor, the audits stored per region, the overdue visits and the dealers nobody "
    "has visited yet (the figures of dealer-audit coverage --json; docs/field-operations.md).",
    "zh": "截至生成日期的稽核计划进度：按大区与稽核员统计的已完成、已采集、待访与逾期到访，按大区的已存稽核，"
    "逾期到访清单与尚无人到访的经销商（与 dealer-audit coverage --json 的数字相同；见 docs/field-operations.md）。",
}


def _lang(report: NetworkReport) -> str:
    return "zh" if report.lang.startswith("zh") else "en"


def readme_line(report: NetworkReport) -> tuple[str, str] | None:
    """The README sheet's line about this sheet (None when the workbook has no such sheet)."""
    return (SHEET, README[_lang(report)]) if report.coverage is not None else None


class SheetFormats(Protocol):
    """The cell formats the HQ workbook already made (render/xlsx/network.py `_Formats`)."""

    header: Format
    fail: Format
    wrap: Format
    bold: Format
    title: Format


def _paragraph(ws: Worksheet, row: int, text: str, fmt: Format) -> None:
    """A long explanation wrapped over the sheet's width (merged cells), tall enough to read in print."""
    ws.merge_range(row, 0, row, len(WIDTHS) - 1, text, fmt)
    width = sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)  # a CJK character takes two columns' room
    ws.set_row(row, 15 * math.ceil(width / (0.9 * sum(WIDTHS))))


def _counts(ws: Worksheet, row: int, name: str, counts: Mapping[VisitState, int], fmt: Format | None = None) -> None:
    write_text(ws, row, 0, name, fmt)
    for col, figure in enumerate(state_counts(counts).values(), start=1):
        ws.write_number(row, col, figure, fmt)


def _table(ws: Worksheet, row: int, caption: str, titles: Sequence[str], f: SheetFormats) -> int:
    """Caption and header rows; returns the first data row."""
    write_text(ws, row, 0, caption, f.bold)
    for col, title in enumerate(titles):
        ws.write_string(row + 1, col, title, f.header)
    return row + 2


def coverage_sheet(ws: Worksheet, f: SheetFormats, report: NetworkReport) -> None:
    """Fill the sheet top to bottom (the workbook is written in constant-memory mode)."""
    coverage = report.coverage
    if coverage is None:
        return
    label = LABELS[_lang(report)]
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # printed one page wide, as long as it needs
    write_text(ws, 0, 0, label["title"].format(wave=coverage.wave, today=coverage.today.isoformat()), f.title)
    _paragraph(ws, 1, label["intro"], f.wrap)
    row = 3
    if not coverage.planned:
        _paragraph(ws, 2, label["no_plan"].format(wave=coverage.wave), f.wrap)
        row = 4
    else:
        states = [label[k] for k in STATE_KEYS]
        row = _table(ws, row, label["by_region"], [label["region"], *states], f)
        for region, counts in sorted(coverage.by_region.items()):
            _counts(ws, row, region, counts)
            row += 1
        _counts(ws, row, label["all"], coverage.totals(), f.bold)
        row = _table(ws, row + 2, label["by_auditor"], [label["auditor"], *states], f)
        for auditor, counts in sorted(coverage.by_auditor.items()):
            _counts(ws, row, auditor, counts)
            row += 1
        row += 1
    row = _table(ws, row, label["stored"], [label["region"], label["final"], label["draft"]], f)
    for region, counts in sorted(coverage.stored_by_region.items()):
        write_text(ws, row, 0, region)
        ws.write_number(row, 1, counts[VisitState.DONE])
        ws.write_number(row, 2, counts[VisitState.CAPTURED])
        row += 1
    for key, figure in (("stand_ins", coverage.stand_in_visits), ("unplanned", coverage.unplanned_audits)):
        write_text(ws, row + 1, 0, label[key], f.bold)
        ws.write_number(row + 1, 2, figure)
        row += 1
    row += 1
    if coverage.planned:
        overdue = coverage.overdue
        titles = [label[k] for k in ("day", "auditor", "dealer", "standard", "region", "double")]
        row = _table(ws, row + 1, label["overdue_list"].format(count=len(overdue)), titles, f)
        for line in overdue:
            visit = line.visit
            cells = (visit.day.isoformat(), visit.auditor_id, visit.dealer_code, visit.standard_id, line.region)
            for col, text in enumerate(cells):
                write_text(ws, row, col, text)
            if visit.double:
                write_text(ws, row, 5, label["yes"])
            row += 1
    titles = [label[k] for k in ("dealer", "name", "region", "city")]
    row = _table(ws, row + 1, label["unvisited"].format(count=len(coverage.unvisited_dealers)), titles, f)
    for dealer in coverage.unvisited_dealers:
        for col, text in enumerate((dealer.code, dealer.name.get(report.lang), dealer.region, dealer.city)):
            write_text(ws, row, col, text)
        row += 1

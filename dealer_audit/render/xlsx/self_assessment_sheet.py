"""The HQ workbook's Self-assessment sheet: the dealers whose self-assessment claims more than the auditors saw
(most over-claimed items first), then every item where an over-claiming dealer's claim and the audit differ.

Plain values, no formulas: the figures come from the core rules through the report model
(core/self_assessment_view.py), the same rows the region PDF lists. Called from render/xlsx/network.py.
"""

from __future__ import annotations

from typing import Protocol

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from dealer_audit.core.report_model import NetworkReport, labels_under
from dealer_audit.render.xlsx.common import header, write_text

SHEET = "Self-assessment"
README = {
    "en": "The dealers whose self-assessment claims more than the auditors saw (most over-claimed items first), then "
    "every item where their claim and the audit differ (docs/actions-and-disputes.md, Self-assessment).",
    "zh": "自评高于稽核结论的经销商（虚报项最多者在前），以及其自评与稽核不一致的每个项目"
    "（见 docs/actions-and-disputes.md）。",
}


def readme_line(report: NetworkReport) -> tuple[str, str] | None:
    """The README sheet's line about this sheet (None when the workbook has no such sheet)."""
    return (SHEET, README["zh" if report.lang.startswith("zh") else "en"]) if report.over_claims else None


class SheetFormats(Protocol):
    """The cell formats the HQ workbook already made (render/xlsx/network.py `_Formats`)."""

    header: Format
    score: Format
    delta: Format
    percent: Format
    fail: Format
    wrap: Format
    bold: Format


def _number(ws: Worksheet, row: int, col: int, value: float | None, fmt: Format) -> None:
    if value is not None:
        ws.write_number(row, col, value, fmt)


def self_assessment_sheet(ws: Worksheet, f: SheetFormats, report: NetworkReport) -> None:
    """Fill the sheet: one row per over-claiming self audit, then one row per differing item of each."""
    label = labels_under("self_sheet.", report.lang)
    ws.write_string(0, 0, label["intro"])
    keys = ["dealer", "name", "region", "standard", "self_audit", "filled_by", "visits", "self", "audited", "gap",
            "over_claims"]  # fmt: skip
    header(ws, [label[k] for k in keys], f.header, [10, 28, 9, 16, 38, 16, 8, 10, 10, 9, 10], row=2)
    row = 3
    for v in report.over_claims:
        for col, text in enumerate(
            (v.dealer_code, v.dealer_name, v.region, v.standard_id, v.self_audit_id, v.filled_by)
        ):
            write_text(ws, row, col, text)
        ws.write_number(row, 6, v.visits)
        _number(ws, row, 7, v.self_index, f.score)
        _number(ws, row, 8, v.audited_index, f.score)
        _number(ws, row, 9, v.index_gap, f.delta)
        ws.write_number(row, 10, v.over_claims, f.fail)
        row += 1
    row += 1
    write_text(ws, row, 0, label["items"], f.bold)
    row += 1
    keys = ["dealer", "standard", "item", "section", "requirement", "claimed", "observed", "item_gap",
            "failed_visits", "over_claim"]  # fmt: skip
    for col, key in enumerate(keys):
        ws.write_string(row, col, label[key], f.header)
    for v in report.over_claims:
        for line in v.items:
            row += 1
            for col, text in enumerate((v.dealer_code, v.standard_id, line.item_id, line.section, line.text)):
                write_text(ws, row, col, text)
            _number(ws, row, 5, line.claimed, f.percent)
            _number(ws, row, 6, line.observed, f.percent)
            _number(ws, row, 7, line.gap, f.percent)
            ws.write_number(row, 8, line.failed_visits)
            if line.over_claim:
                ws.write_string(row, 9, label["yes"], f.fail)

"""The HQ workbook's KPI sheets: measured KPIs per dealer (value and score), incentive tiers, data-integrity flags.

Called with one line from render/xlsx/network.py; everything comes from the report's `kpis` panel
(core/kpi_report.py), the same figures the dealer PDF's box and `dealer-audit incentives` show. Values are
numbers at full precision (the workbook is for analysis), text goes through `write_text` (no formula injection).
The workbook runs in constant-memory mode: each sheet is written top to bottom here, right after it is added.
"""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from dealer_audit.core.kpi_report import NetworkKpiPanel
from dealer_audit.core.report_model import NetworkReport
from dealer_audit.render.xlsx.common import HEADER_FORMAT, SCORE_FORMAT, header, write_text


def add_kpi_sheets(wb: Workbook, report: NetworkReport) -> None:
    """Add and fill the KPIs, Incentives and Data integrity sheets (nothing when the program has no KPIs)."""
    panel = report.kpis
    if panel is None:
        return
    formats = {
        "header": wb.add_format(HEADER_FORMAT),
        "score": wb.add_format(SCORE_FORMAT),
        "value": wb.add_format({"num_format": "0.0#"}),
        "flag": wb.add_format({"bg_color": "#FDECEA", "font_color": "#C62828"}),
        "warn": wb.add_format({"bg_color": "#FFF4E5", "font_color": "#B26A00"}),
    }
    if panel.columns:
        _kpis(wb.add_worksheet("KPIs"), panel, formats)
    if panel.incentives:
        _incentives(wb.add_worksheet("Incentives"), panel, formats)
    if panel.columns:
        _integrity(wb.add_worksheet("Data integrity"), panel, formats)


def _kpis(ws: Worksheet, p: NetworkKpiPanel, f: dict[str, Format]) -> None:
    titles = [p.t("dealer"), p.t("region")]
    widths: list[float] = [9, 9]
    for c in p.columns:
        unit = f" ({c.unit})" if c.unit else ""
        titles += [f"{c.name}{unit} · {c.direction} · {c.enters} ×{c.weight:g}", f"{c.kpi_id} {p.t('score')}"]
        widths += [16, 9]
    titles += [p.t("kpi_index"), p.t("audit_composite"), p.t("composite"), p.t("integrity")]
    widths += [10, 12, 12, 10]
    header(ws, titles, f["header"], widths)
    ws.set_row(0, 48)
    flags: dict[str, int] = {}
    for flag in p.flags:
        flags[flag.dealer_code] = flags.get(flag.dealer_code, 0) + 1
    for i, row in enumerate(p.rows, start=1):
        write_text(ws, i, 0, row.dealer)
        write_text(ws, i, 1, row.region)
        col = 2
        for value, score in zip(row.values, row.scores, strict=True):
            if value is not None:
                ws.write_number(i, col, value, f["value"])
            if score is not None:
                ws.write_number(i, col + 1, score, f["score"])
            col += 2
        for figure in (row.kpi_index, row.audit_composite, row.composite):
            if figure is not None:
                ws.write_number(i, col, figure, f["score"])
            col += 1
        if row.dealer in flags:
            ws.write_number(i, col, flags[row.dealer], f["flag"])
    ws.autofilter(0, 0, max(len(p.rows), 1), len(titles) - 1)
    ws.freeze_panes(1, 1)


def _incentives(ws: Worksheet, p: NetworkKpiPanel, f: dict[str, Format]) -> None:
    keys = ["dealer", "region", "composite", "interval", "tier", "payout", "next_tier", "gap", "borderline",
            "streak", "penalty", "net_payout", "note"]  # fmt: skip
    header(ws, [p.t(k) for k in keys], f["header"], [9, 9, 12, 16, 12, 10, 12, 9, 10, 16, 10, 12, 48])
    for i, line in enumerate(p.incentives, start=1):
        write_text(ws, i, 0, line.dealer)
        write_text(ws, i, 1, line.region)
        if line.composite_value is not None:
            ws.write_number(i, 2, line.composite_value, f["score"])
        write_text(ws, i, 3, line.interval)
        write_text(ws, i, 4, line.tier)
        write_text(ws, i, 5, line.payout)
        write_text(ws, i, 6, line.next)
        if line.gap_value is not None:
            ws.write_number(i, 7, line.gap_value, f["score"])
        write_text(ws, i, 8, line.borderline, f["warn"] if line.borderline else None)
        alarm = line.streak_status in ("warning", "penalty")
        write_text(ws, i, 9, line.streak, f["flag"] if alarm else None)
        write_text(ws, i, 10, line.penalty, f["flag"] if line.penalty else None)
        write_text(ws, i, 11, line.net_payout)
        write_text(ws, i, 12, line.note)
    ws.autofilter(0, 0, max(len(p.incentives), 1), len(keys) - 1)


def _integrity(ws: Worksheet, p: NetworkKpiPanel, f: dict[str, Format]) -> None:
    header(ws, [p.t("dealer"), p.t("region"), p.t("kpi"), "item", p.t("integrity")], f["header"], [9, 9, 16, 9, 90])
    for i, flag in enumerate(p.flags, start=1):
        for col, text in enumerate((flag.dealer_code, flag.region, flag.kpi_id, flag.item_id)):
            write_text(ws, i, col, text)
        write_text(ws, i, 4, flag.text, f["flag"])
    if not p.flags:
        write_text(ws, 1, 0, p.t("no_flags"))

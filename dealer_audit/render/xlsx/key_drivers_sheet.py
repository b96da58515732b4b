"""The HQ workbook's "Key drivers" sheet: every section and item driver at full precision, with the refusals.

One row per predictor that entered an analysis: standard, level, code, name, raw importance (part of R²), share
of the explained variance with its 95% bootstrap interval, the stated weight, and the plain correlation with the
outcome. Below the rows, one line per analysis: its R² and interval, or why it was refused.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook

from dealer_audit.core.insight_view import InsightView
from dealer_audit.render.xlsx.common import HEADER_FORMAT, PERCENT_FORMAT, header, write_text

SHEET = "Key drivers"


def key_drivers_sheet(wb: Workbook, view: InsightView | None) -> None:
    """Add and fill the sheet (nothing without insight). Works in xlsxwriter's constant-memory mode: rows are
    written top to bottom."""
    if view is None or not view.drivers_intro:
        return
    ws = wb.add_worksheet(SHEET)
    head_fmt = wb.add_format(HEADER_FORMAT)
    pct = wb.add_format(PERCENT_FORMAT)
    num = wb.add_format({"num_format": "0.0000"})
    t = view.t
    titles = [
        t("standard"),
        t("level"),
        "id",
        t("name"),
        "R² part",
        t("share"),
        f"{t('interval')} low",
        f"{t('interval')} high",
        t("stated"),
        "r",
    ]
    header(ws, titles, head_fmt, [26, 10, 12, 50, 10, 12, 12, 12, 12, 8])
    row = 1
    for r in view.key_points:
        write_text(ws, row, 0, r.standard)
        write_text(ws, row, 1, t(r.level))
        write_text(ws, row, 2, r.code)
        write_text(ws, row, 3, r.name)
        ws.write_number(row, 4, r.weight, num)
        for col, fig in ((5, r.share), (6, r.low), (7, r.high), (8, r.stated)):
            if fig.value is not None:
                ws.write_number(row, col, fig.value, pct)
        ws.write_number(row, 9, r.correlation, num)
        row += 1
    row += 1
    for line in (view.drivers_heading, view.drivers_intro, *view.driver_notes):
        write_text(ws, row, 0, line)
        row += 1

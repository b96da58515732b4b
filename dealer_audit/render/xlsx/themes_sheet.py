"""The HQ workbook's "Themes" sheet: the wave's note themes with counts per region, then the unknown issues.

One row per theme (id, kind, keywords, notes, dealers, last wave's notes in the matched theme, the failed items
it explains, an example, then one column per region), followed by every unknown-issue note (未知体验) with its
dealer, region and item, so HQ can filter them like any other list.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook

from dealer_audit.core.insight_view import InsightView
from dealer_audit.render.xlsx.common import HEADER_FORMAT, header, write_text

SHEET = "Themes"


def themes_sheet(wb: Workbook, view: InsightView | None) -> None:
    if view is None or not view.themes_intro:
        return
    ws = wb.add_worksheet(SHEET)
    head_fmt = wb.add_format(HEADER_FORMAT)
    bold = wb.add_format({"bold": True})
    t = view.t
    regions = list(view.region_codes)
    titles = [t("theme"), t("kind"), t("keywords"), t("notes_all"), t("previous"), t("items"), t("example"), *regions]
    header(ws, titles, head_fmt, [8, 14, 36, 10, 10, 50, 50] + [10] * len(regions))
    row = 1
    for r in view.themes:
        write_text(ws, row, 0, r.theme_id)
        write_text(ws, row, 1, r.kind_text)
        write_text(ws, row, 2, r.keywords)
        ws.write_number(row, 3, r.notes_all)
        if r.previous_notes is None:
            write_text(ws, row, 4, r.previous)
        else:
            ws.write_number(row, 4, r.previous_notes)
        write_text(ws, row, 5, r.items)
        write_text(ws, row, 6, r.example)
        counts = dict(r.regions)
        for k, code in enumerate(regions):
            ws.write_number(row, 7 + k, counts.get(code, 0))
        row += 1
    row += 1
    write_text(ws, row, 0, view.themes_intro)
    row += 2
    write_text(ws, row, 0, t("unknown"), bold)
    row += 1
    for col, title in enumerate((t("dealer"), "region", t("item"), t("note"))):
        ws.write_string(row, col, title, head_fmt)
    row += 1
    for n in view.unknown:
        write_text(ws, row, 0, n.dealer_code)
        write_text(ws, row, 1, n.region)
        write_text(ws, row, 2, n.item)
        write_text(ws, row, 3, n.text)
        row += 1

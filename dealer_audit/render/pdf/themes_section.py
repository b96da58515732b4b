"""The region PDF's themes section: what auditors keep writing in this region, and what no item explains.

A table of themes (keywords, notes here and network-wide, last wave's count, the failed items each explains,
an example) and below it the unknown issues (未知体验): notes of recurring themes no checklist item covers and
one-off notes on failures. Data: `RegionReport.insight` (core/insight_view.py).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table

from dealer_audit.core.insight_view import InsightView
from dealer_audit.core.themes import ThemeKind
from dealer_audit.render.pdf.key_drivers_section import _cells
from dealer_audit.render.pdf.styles import FAIL_TEXT, GREY_TEXT, PARTIAL_TEXT, Styles, TableCell, TableCommand


def themes_section(view: InsightView | None, st: Styles, width: float) -> list[Flowable]:
    if view is None or not view.themes_intro:
        return []
    lines, table_style = _cells()
    t = view.t
    head = [
        t("theme"),
        t("kind"),
        t("keywords"),
        t("notes_here"),
        t("notes_all"),
        t("previous"),
        t("items"),
        t("example"),
    ]
    widths = [12 * mm, 22 * mm, 42 * mm, 16 * mm, 18 * mm, 16 * mm, 0.0, 60 * mm]
    widths[6] = width - sum(widths)
    rows: list[list[TableCell]] = [[lines(h, st, w) for h, w in zip(head, widths, strict=True)]]
    extra: list[TableCommand] = []
    for k, r in enumerate(view.themes, start=1):
        rows.append(
            [
                r.theme_id,
                lines(r.kind_text, st, widths[1]),
                lines(r.keywords, st, widths[2]),
                str(r.notes_here),
                str(r.notes_all),
                lines(r.previous, st, widths[5]),
                lines(r.items, st, widths[6]),
                lines(r.example, st, widths[7]),
            ]
        )
        if r.kind is ThemeKind.UNKNOWN:
            extra.append(("TEXTCOLOR", (1, k), (1, k), FAIL_TEXT))
        elif r.kind is ThemeKind.REMARK:
            extra.append(("TEXTCOLOR", (1, k), (1, k), GREY_TEXT))
    story: list[Flowable] = [
        CondPageBreak(50 * mm),
        Paragraph(st.fonts.markup(t("themes")), st.h2),
        Paragraph(st.fonts.markup(view.themes_intro), st.muted),
        Spacer(1, 3),
    ]
    if len(rows) > 1:
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(table_style(st, [("ALIGN", (3, 0), (5, -1), "RIGHT"), *extra]))
        story.append(table)
    if view.unknown:
        uw = [50 * mm, 20 * mm, 0.0]
        uw[2] = width - sum(uw)
        unknown: list[list[TableCell]] = [[t("dealer"), t("item"), t("note")]]
        unknown += [[n.dealer_code, n.item, lines(n.text, st, uw[2])] for n in view.unknown]
        table = Table(unknown, colWidths=uw, repeatRows=1)
        table.setStyle(table_style(st, [("TEXTCOLOR", (2, 1), (2, -1), PARTIAL_TEXT)]))
        story += [CondPageBreak(30 * mm), Paragraph(st.fonts.markup(t("unknown")), st.h2), table]
    return story

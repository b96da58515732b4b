"""The region PDF's "关键体验点 / Key experience points" table: which sections and items go with the outcome.

One row per section (general dominance) and the top items (relative weights) of each standard: the derived
share of the explained variance with its 95% bootstrap interval beside the stated weight, so a reader sees at
once where the standard's weights and the dealers' reality disagree. Refusals ("too few dealers") are printed
where the rows would be. Data: `RegionReport.insight` (core/insight_view.py).
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from dealer_audit.core.insight_view import InsightView, KeyPointRow
from dealer_audit.render.pdf.styles import FAIL_TEXT, GREY_FILL, PASS_TEXT, Styles, TableCell, TableCommand
from dealer_audit.render.pdf.text import TextBlock

CellWrapper = Callable[..., str | TextBlock]  # region._lines: text wrapped to its column


def _cells() -> tuple[CellWrapper, Callable[..., TableStyle]]:
    """The region PDF's own cell wrapper and table style, so the section looks like its neighbours (imported
    late: region.py imports this module)."""
    from dealer_audit.render.pdf import region

    return region._lines, region._table_style


def _bar(share: float | None, width: float) -> Table:
    """A thin bar of the share (0..1): the eye finds the big drivers before reading numbers."""
    filled = max(0.5, min(1.0, share or 0.0) * width)
    bar = Table([[""]], colWidths=[filled], rowHeights=[5])
    bar.setStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#2E6DB4"))])
    return bar


def key_drivers_section(view: InsightView | None, st: Styles, width: float) -> list[Flowable]:
    """The section's flowables; nothing when the report carries no insight."""
    if view is None or not view.drivers_intro:
        return []
    lines, table_style = _cells()
    t = view.t
    head = [t("standard"), t("level"), t("name"), t("share"), "", t("interval"), t("stated"), t("direction")]
    widths = [34 * mm, 16 * mm, 0.0, 22 * mm, 30 * mm, 30 * mm, 20 * mm, 14 * mm]
    widths[2] = width - sum(widths)
    rows: list[list[TableCell]] = [[lines(h, st, w) for h, w in zip(head, widths, strict=True)]]
    extra: list[TableCommand] = []
    previous: tuple[str, str] | None = None
    for k, r in enumerate(view.key_points, start=1):
        rows.append(_row(r, st, widths, lines, view, (r.standard_id, r.level) != previous))
        previous = (r.standard_id, r.level)
        if r.level == "item":
            extra.append(("BACKGROUND", (0, k), (-1, k), GREY_FILL))
        extra.append(("TEXTCOLOR", (7, k), (7, k), PASS_TEXT if r.correlation >= 0 else FAIL_TEXT))
    story: list[Flowable] = [
        CondPageBreak(60 * mm),
        Paragraph(st.fonts.markup(view.drivers_heading), st.h2),
        Paragraph(st.fonts.markup(view.drivers_intro), st.muted),
        Spacer(1, 3),
    ]
    if len(rows) > 1:
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(
            table_style(st, [("ALIGN", (3, 0), (3, -1), "RIGHT"), ("VALIGN", (4, 1), (4, -1), "MIDDLE"), *extra])
        )
        story.append(table)
    story += [Spacer(1, 2)] + [Paragraph(st.fonts.markup(n), st.small) for n in view.driver_notes]
    return story


def _row(
    r: KeyPointRow, st: Styles, widths: list[float], lines: CellWrapper, view: InsightView, first: bool
) -> list[TableCell]:
    return [
        lines(r.standard if first else "", st, widths[0]),
        view.t(r.level) if first else "",
        lines(f"{r.code} {r.name}" if r.level == "item" else r.name, st, widths[2]),
        r.share.text,
        _bar(r.share.value, widths[4] - 6),
        r.interval,
        r.stated.text,
        r.direction,
    ]


__all__ = ["key_drivers_section"]

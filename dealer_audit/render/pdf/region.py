"""The regional PDF: how a region's dealers stand, where they fail, and who needs a call this week.

Landscape A4 so the heat map (dealers × every section of every standard) fits across one page: key figures,
the band distribution, the league table, the heat map, the most-failed standards, alerts and repeat failures.
Everything comes from a `RegionReport`; cells are pre-wrapped plain strings (see text.py) for speed and so that
user text never acts as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from dealer_audit.core.report_model import DealerNotice, HeatRow, RegionReport, label_format
from dealer_audit.render.pdf.charts import band_distribution
from dealer_audit.render.pdf.key_drivers_section import key_drivers_section
from dealer_audit.render.pdf.kpi_section import region_kpi_story
from dealer_audit.render.pdf.page import PageFrame, build_pdf, content_width
from dealer_audit.render.pdf.rowtable import Cell, Row, RowTable, cell_lines, make_row
from dealer_audit.render.pdf.self_assessment_section import region_over_claims
from dealer_audit.render.pdf.styles import (
    FAIL_TEXT,
    GREY_FILL,
    GREY_LINE,
    GREY_TEXT,
    NAVY,
    NAVY_LIGHT,
    PARTIAL_TEXT,
    PASS_TEXT,
    Styles,
    TableCell,
    TableCommand,
    band_color,
    heat_color,
    styles,
)
from dealer_audit.render.pdf.text import TextBlock, wrap_text
from dealer_audit.render.pdf.themes_section import themes_section


def _lines(text: str, st: Styles, width: float, size: float = 7.5) -> str | TextBlock:
    """A table cell's text wrapped to its column (at most text.MAX_LINES lines, then an ellipsis); a TextBlock
    when it holds characters of the fallback font, which a plain Table string would draw as empty boxes."""
    cleaned = st.fonts.clean(text)
    if st.fonts.fallback is not None and not st.fonts.chars.issuperset(cleaned):
        return TextBlock(cleaned, st.fonts.regular, size)
    return "\n".join(wrap_text(cleaned, st.fonts.regular, size, width - 6))


def _table_style(st: Styles, extra: list[TableCommand] | None = None, size: float = 7.5) -> TableStyle:
    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), st.fonts.regular, size, size * 1.25),
            ("BACKGROUND", (0, 0), (-1, 0), NAVY),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 1), (-1, -1), 0.3, GREY_LINE),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            *(extra or []),
        ]
    )


def _key_figures(r: RegionReport, st: Styles, width: float) -> Table:
    t = r.t
    cells = [
        (t("dealers_n"), str(r.n_dealers)),
        (f"{t('mean')} ({r.composite_name})", r.mean.text),
        (t("median"), r.median.text),
        (t("min"), r.min.text),
        (t("max"), r.max.text),
        (t("network_avg"), r.network_mean.text),
    ]
    col = width / len(cells)
    top = [_lines(k, st, col, 7.5) for k, _ in cells]
    bottom = [v for _, v in cells]
    table = Table([top, bottom], colWidths=[col] * len(cells))
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), st.fonts.regular, 7.5, 9.5),
                ("FONT", (0, 1), (-1, 1), st.fonts.regular, 18, 22),
                ("TEXTCOLOR", (0, 0), (-1, 0), GREY_TEXT),
                ("TEXTCOLOR", (0, 1), (-1, 1), NAVY),
                ("BACKGROUND", (0, 0), (-1, -1), NAVY_LIGHT),
                ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _league(r: RegionReport, st: Styles, width: float) -> list[Flowable]:
    """The league table: rank, plausible rank range and the composite with its 95% interval and shrunken estimate
    (beside the index, never instead of it), so a manager sees which places are firm and which the visits cannot
    separate; Δ is coloured only when it is beyond noise."""
    t = r.t
    head = [
        t("rank_region"),
        t("rank_range"),
        t("code"),
        t("name"),
        t("city"),
        r.composite_name,
        t("ci95"),
        t("shrunk"),
        t("band"),
        t("delta_short"),
        t("visits"),
        t("rank_network"),
        t("alert"),
    ]
    widths = [14, 16, 18, 0, 20, 21, 26, 17, 20, 26, 13, 17, 12]
    widths = [w * mm for w in widths]
    widths[3] = width - sum(widths)
    # drawn as a RowTable (one text object per page, no per-cell style lookups): at 750 dealers this table is
    # most of the report, and it looks as the platypus Table with _table_style did (same paddings, leading,
    # rules, row shading, alignment)
    aligns = ["left"] * len(head)
    for j in (5, 6, 7, 9, 10, 11):
        aligns[j] = "right"
    for j in (0, 1, 12):
        aligns[j] = "center"
    lead = 7.5 * 1.25
    header = make_row(
        [
            Cell(cell_lines(h, st.fonts, w), colors.white, align=a, leading=lead)
            for h, w, a in zip(head, widths, aligns, strict=True)
        ]
    )
    rows: list[Row] = []
    for i, row in enumerate(r.league, start=1):
        change = f" {row.change.short}" if row.change and row.delta.value is not None else ""
        significant = row.change is None or row.change.significant
        delta_colour = GREY_TEXT
        if row.delta.value is not None and row.delta.value < 0 and significant:
            delta_colour = FAIL_TEXT
        elif row.delta.value is not None and row.delta.value > 0 and significant:
            delta_colour = PASS_TEXT
        banded = bool(row.band.code)
        texts: list[tuple[list[str], colors.Color]] = [
            (["–" if row.rank_region is None else str(row.rank_region)], colors.black),
            ([row.rank_range_region or "–"], GREY_TEXT),
            ([row.dealer_code], colors.black),
            (cell_lines(row.dealer_name, st.fonts, widths[3]), colors.black),
            (cell_lines(row.city, st.fonts, widths[4]), colors.black),
            ([row.index.text], colors.black),
            ([row.interval.text if row.interval else "–"], GREY_TEXT),
            ([row.shrunk.text], colors.black),
            (cell_lines(row.band.label, st.fonts, widths[8]), colors.white if banded else colors.black),
            ([row.delta.text + change], delta_colour),
            ([str(row.n_visits)], colors.black),
            (["–" if row.rank_network is None else str(row.rank_network)], colors.black),
            (["●" if row.alert else ""], PARTIAL_TEXT),
        ]
        cells = [Cell(lines, colour, align=a, leading=lead) for (lines, colour), a in zip(texts, aligns, strict=True)]
        cells[5] = Cell(cells[5].lines, align="right", size=8.5, leading=lead)  # the index, larger
        # the band cell is not shaded with its row: its band's colour, or white
        band_fill = band_color(row.band.color) if banded else colors.white
        cells[8] = Cell(cells[8].lines, cells[8].color, leading=lead, fill=band_fill)
        rows.append(make_row(cells, None if i % 2 else GREY_FILL))
    table = RowTable(widths, header, rows, st.fonts.regular, header_fill=NAVY, line_color=GREY_LINE, table_lines=True)
    note = (
        "排名区间：按各店95%置信区间模拟得到的区域内最好与最差可能排名；收缩估计：向全网平均收缩后的指数"
        "（走访越少收缩越多），供排名决策参考，不替代指数；Δ 仅在超出走访误差时着色。"
        if r.lang.startswith("zh")
        else "Rank range: the best and worst rank in the region the dealer plausibly holds, simulated from the "
        "95% intervals. Shrunken estimate: the index pulled toward the network mean, the more so the fewer the "
        "visits, for ranking decisions (never instead of the index). Δ is coloured only when the change is beyond "
        "visit-to-visit noise."
    )
    return [Paragraph(t("league"), st.h2), table, Paragraph(st.fonts.markup(note), st.muted)]


HEAT_FULL_MAX = 40  # dealers: up to this many the heat map lists them all; beyond, an overview (docs/reports.md)
HEAT_WORST = 15


def _heat_table(r: RegionReport, rows_in: Sequence[HeatRow], st: Styles, width: float) -> Table:
    """Rows × every section, coloured by score; a first header row names each standard over its sections (two
    standards may both have a section called 服务进度透明)."""
    name_w = 46 * mm
    n = len(r.heat_columns)
    col = min(22 * mm, (width - name_w) / n)
    size = 6.5 if col < 16 * mm else 7
    standards = [""] + [c.standard_id for c in r.heat_columns]
    head = [r.t("dealer")] + [_lines(c.title, st, col, size) for c in r.heat_columns]
    # each standard's id once, in the first cell of the span over its sections (a span draws it across them)
    ids = [sid if j == 1 or sid != standards[j - 1] else "" for j, sid in enumerate(standards[1:], start=1)]
    rows: list[list[TableCell]] = [["", *ids], head]
    extra: list[TableCommand] = []
    start = 1
    for j in range(2, n + 2):  # span each standard's id over its columns
        if j == n + 1 or standards[j] != standards[start]:
            extra.append(("SPAN", (start, 0), (j - 1, 0)))
            if start > 1:
                extra.append(("LINEBEFORE", (start, 0), (start, -1), 1.5, NAVY))
            start = j
    for i, row in enumerate(rows_in, start=2):
        name = f"{row.dealer_code} {row.dealer_name}".strip()
        rows.append([_lines(name, st, name_w, 7)] + [c.text for c in row.cells])
        for j, cell in enumerate(row.cells, start=1):
            extra.append(("BACKGROUND", (j, i), (j, i), heat_color(cell.value)))
            if cell.value is None:
                extra.append(("TEXTCOLOR", (j, i), (j, i), GREY_TEXT))
    table = Table(rows, colWidths=[name_w] + [col] * n, repeatRows=2)
    table.setStyle(
        _table_style(
            st,
            [
                ("FONTSIZE", (1, 0), (-1, 1), size),
                ("LEADING", (1, 0), (-1, 1), size * 1.2),
                ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, 1), "BOTTOM"),
                ("GRID", (1, 2), (-1, -1), 0.5, colors.white),
                *extra,
            ],
            size=7,
        )
    )
    return table


def _heatmap(r: RegionReport, st: Styles, width: float) -> list[Flowable]:
    """Up to HEAT_FULL_MAX dealers: every dealer. A bigger region (750 dealers ran to 26 pages in rank order): its
    ranking in tenths (mean section scores), then the lowest-ranked dealers; the full list is in the workbook."""
    if not r.heat_columns:
        return []
    legend = (
        "≥ 90 / 75–90 / 60–75 / < 60"
        if not r.lang.startswith("zh")
        else "≥ 90 / 75–90 / 60–75 / < 60（模块得分，满分 100）"
    )
    story: list[Flowable] = [CondPageBreak(60 * mm)]
    if len(r.heat_rows) <= HEAT_FULL_MAX:
        story += [Paragraph(r.t("heatmap"), st.h2), Paragraph(legend, st.small), Spacer(1, 3)]
        return [*story, _heat_table(r, r.heat_rows, st, width)]
    worst = r.heat_rows[-HEAT_WORST:]
    story += [Paragraph(r.t("heat_overview"), st.h2), Paragraph(legend, st.small), Spacer(1, 3)]
    story += [_heat_table(r, r.heat_overview, st, width), Spacer(1, 6)]
    story += [CondPageBreak(50 * mm), Paragraph(label_format("heat_worst", r.lang, n=len(worst)), st.h2)]
    story += [_heat_table(r, worst, st, width), Spacer(1, 3)]
    story.append(Paragraph(label_format("heat_full_list", r.lang, n=len(r.heat_rows)), st.small))
    return story


def _most_failed(r: RegionReport, st: Styles, width: float) -> list[Flowable]:
    if not r.most_failed:
        return []
    t = r.t
    head = [t("item"), t("standard"), t("section"), "", t("failed_n"), t("fail_rate")]
    widths = [22 * mm, 30 * mm, 40 * mm, 0.0, 22 * mm, 22 * mm]
    widths[3] = width - sum(widths)
    rows: list[list[TableCell]] = [[_lines(h, st, w) for h, w in zip(head, widths, strict=True)]]
    for f in r.most_failed:
        rows.append(
            [
                f.item_id + (f"\n{f.reference}" if f.reference else ""),
                _lines(f.standard_id, st, widths[1]),
                _lines(f.section, st, widths[2]),
                _lines(f.text, st, widths[3]),
                f"{f.failed} / {f.applicable}",
                f.fail_rate.text,
            ]
        )
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        _table_style(
            st,
            [
                ("ALIGN", (4, 0), (5, -1), "RIGHT"),
                ("TEXTCOLOR", (5, 1), (5, -1), FAIL_TEXT),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, GREY_FILL]),
            ],
        )
    )
    return [CondPageBreak(40 * mm), Paragraph(t("most_failed"), st.h2), table]


def _notices(
    title: str, notices: Sequence[DealerNotice], st: Styles, width: float, colour: colors.Color, r: RegionReport
) -> list[Flowable]:
    t = r.t
    head = [t("dealer"), ""]
    widths = [60 * mm, width - 60 * mm]
    rows: list[list[TableCell]] = [[t("dealer"), title]]
    del head
    for n in notices:
        rows.append([_lines(f"{n.dealer_code} {n.dealer_name}", st, widths[0]), _lines(n.text, st, widths[1])])
    if len(rows) == 1:
        rows.append([t("none"), ""])
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_table_style(st, [("TEXTCOLOR", (1, 1), (1, -1), colour)]))
    return [CondPageBreak(30 * mm), Paragraph(title, st.h2), table]


def _action_follow_up(r: RegionReport, st: Styles, width: float) -> list[Flowable]:
    """Open and overdue actions per dealer (only when action plans are kept: `dealer-audit actions`)."""
    if not r.actions:
        return []
    t = r.t
    keys = ("actions_total", "open_n", "overdue_n", "reopened_n", "done_n", "verified_n")
    widths = [0.0] + [24 * mm] * len(keys)
    widths[0] = width - sum(widths)
    rows: list[list[TableCell]] = [
        [_lines(t("dealer"), st, widths[0])] + [_lines(t(k), st, w) for k, w in zip(keys, widths[1:], strict=True)]
    ]
    for a in r.actions:
        rows.append(
            [_lines(f"{a.dealer_code} {a.dealer_name}", st, widths[0])]
            + [str(n) if n else "–" for n in (a.total, a.open, a.overdue, a.reopened, a.done, a.verified)]
        )
    extra: list[TableCommand] = [("ALIGN", (1, 0), (-1, -1), "RIGHT")]
    for k, a in enumerate(r.actions, start=1):
        if a.overdue:
            extra.append(("TEXTCOLOR", (2, k), (3, k), FAIL_TEXT))
        if a.reopened:
            extra.append(("TEXTCOLOR", (4, k), (4, k), FAIL_TEXT))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_table_style(st, extra))
    return [CondPageBreak(30 * mm), Paragraph(t("action_follow_up"), st.h2), table]


def region_story(r: RegionReport, st: Styles) -> list[Flowable]:
    width = content_width(wide=True)
    story: list[Flowable] = [
        Paragraph(st.fonts.markup(f"{r.region_name} · {r.wave_title or r.wave}"), st.h1),
        Paragraph(st.fonts.markup(r.program_title), st.muted),
        Spacer(1, 6),
        _key_figures(r, st, width),
        Spacer(1, 4),
    ]
    dist = [Paragraph(r.t("distribution"), st.h2), band_distribution(r.bands, st, width * 0.45)]
    story.append(KeepTogether(dist))
    story.extend(_league(r, st, width))
    story.extend(_heatmap(r, st, width))
    story.extend(_most_failed(r, st, width))
    story.extend(key_drivers_section(r.insight, st, width) + themes_section(r.insight, st, width))
    story.extend(_notices(r.t("alerts"), r.alerts, st, width, PARTIAL_TEXT, r))
    story.extend(_notices(r.t("repeats"), r.repeats, st, width, FAIL_TEXT, r))
    story.extend(region_kpi_story(r, st))  # data-integrity flags and incentive tiers
    story.extend(_action_follow_up(r, st, width))
    story.extend(region_over_claims(r, st, width))
    return story


def render_region_pdf(
    report: RegionReport, target: str | Path | BinaryIO, *, invariant: bool = False, font: str | None = None
) -> None:
    st = styles(font)
    frame = PageFrame(
        title=report.t("region_report"),
        subtitle=f"{report.region_name} · {report.wave_title or report.wave} · {report.program_title}",
        footer_left=(f"{report.t('standard')}: {report.footer.standards}", report.footer.audit_ids),
        footer_right=f"{report.t('generated')}: {report.footer.generated}",
        page_label=report.t("page"),
    )
    build_pdf(
        str(target) if isinstance(target, Path) else target,
        region_story(report, st),
        frame,
        st,
        title=f"{report.t('region_report')} {report.region_code} {report.wave}",
        invariant=invariant,
        wide=True,
    )

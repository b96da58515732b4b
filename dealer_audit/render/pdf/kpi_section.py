"""The KPI pages of the PDFs: the dealer's incentive tier box, data-integrity flags and measured KPIs; the region's
data-integrity flags and incentive lines.

Called with one line from render/pdf/dealer.py and render/pdf/region.py; everything shown comes from the report's
`kpis` panel (core/kpi_report.py), so this module only lays it out. A report without a panel (a program without
KPIs or tiers) gets nothing.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer

from dealer_audit.core.kpi_report import DealerKpiPanel, IncentiveLine, IntegrityFlag, RegionKpiPanel
from dealer_audit.core.report_model import DealerReport, RegionReport
from dealer_audit.render.pdf.grid import BOX_PAD, EMPTY_CELL, framed_box
from dealer_audit.render.pdf.page import content_width
from dealer_audit.render.pdf.paragraphs import cell_text, paragraph
from dealer_audit.render.pdf.rowtable import Cell, Row, RowTable, cell_lines, make_row
from dealer_audit.render.pdf.styles import (
    ALERT_FILL,
    ALERT_LINE,
    FAIL_TEXT,
    GREY_FILL,
    GREY_LINE,
    GREY_TEXT,
    NAVY,
    NAVY_LIGHT,
    PARTIAL_TEXT,
    PASS_TEXT,
    Styles,
)
from dealer_audit.render.pdf.text import Run

STREAK_COLOURS = {"warning": PARTIAL_TEXT, "penalty": FAIL_TEXT, "watch": GREY_TEXT, "cured": PASS_TEXT}


def _incentive_box(p: DealerKpiPanel, scale: int, st: Styles, width: float) -> list[Flowable]:
    line = p.incentive
    if line is None:
        return []
    tier_colour = NAVY if line.tier_code else GREY_TEXT
    label_width = 38 * mm
    rows: list[list[Flowable | None]] = [[paragraph(p.t("incentive"), st.h3, st, width - 2 * BOX_PAD)]]
    tier = [Run(line.tier, tier_colour, 11)]
    if line.payout:
        tier.append(Run(f"{p.t('payout')}: {line.payout}", GREY_TEXT, 8))
    rows.append([cell_text(p.t("tier"), st, 8.5), cell_text(tier, st, 8.5)])
    composite = f"{line.composite} / {scale}"
    if line.interval:
        composite += f"   ({p.t('interval')} {line.interval})"
    rows.append([cell_text(p.t("composite"), st, 8.5), cell_text(composite, st, 8.5)])
    if line.next:
        rows.append([cell_text(p.t("next_tier"), st, 8.5), cell_text(f"{line.next}: {p.t('gap')} {line.gap}", st, 8.5)])
    if line.borderline:
        rows.append([cell_text(p.t("borderline"), st, 8.5), cell_text(line.note, st, 8.5, PARTIAL_TEXT)])
    elif line.note:
        rows.append([cell_text(p.t("note"), st, 8.5), cell_text(line.note, st, 8.5, FAIL_TEXT)])
    if line.streak:
        colour = STREAK_COLOURS.get(line.streak_status, colors.black)
        rows.append([cell_text(p.t("streak"), st, 8.5), cell_text(line.streak, st, 8.5, colour)])
    if line.penalty:
        penalty = f"{line.penalty}   ({p.t('net_payout')}: {line.net_payout})"
        rows.append([cell_text(p.t("penalty"), st, 8.5), cell_text(penalty, st, 8.5, FAIL_TEXT)])
    alarm = line.streak_status in ("warning", "penalty")
    box = framed_box(rows, [label_width, width - label_width], ALERT_FILL if alarm else NAVY_LIGHT,
               ALERT_LINE if alarm else NAVY)  # fmt: skip
    return [box, Spacer(1, 6)]


def _flag_box(title: str, flags: tuple[IntegrityFlag, ...], none: str, st: Styles, width: float) -> list[Flowable]:
    rows: list[list[Flowable | None]] = [[paragraph(title, st.h3, st, width - 2 * BOX_PAD)]]
    for f in flags:
        rows.append([cell_text(f"■ {f.dealer_code}", st, 8.5, FAIL_TEXT), cell_text(f.text, st, 8.5)])
    if not flags:
        rows.append([cell_text(none, st, 8.5, PASS_TEXT), Spacer(0, EMPTY_CELL)])
    return [framed_box(rows, [22 * mm, width - 22 * mm], ALERT_FILL if flags else GREY_FILL,
                 ALERT_LINE if flags else GREY_LINE), Spacer(1, 6)]  # fmt: skip


def _kpi_table(p: DealerKpiPanel, st: Styles, width: float) -> RowTable:
    """One row per KPI: a `RowTable` (rowtable.py), which draws what the platypus Table with
    `header_table_style` drew here (navy header, a rule under each row, the same paddings and line spacing) at a
    fraction of its cost; the name column holds the KPI's direction under it, smaller and grey."""
    widths = [width - 112 * mm, 22 * mm, 24 * mm, 18 * mm, 18 * mm, 30 * mm]
    head = [p.t("kpi"), p.t("value"), "", p.t("base_n"), p.t("score"), p.t("enters")]
    header = make_row([Cell(cell_lines(h, st.fonts, w), colors.white) for h, w in zip(head, widths, strict=True)])
    rows = []
    for line in p.lines:
        value = line.value.text if line.value.value is not None else "–"
        score = line.score.text if line.score.value is not None else "–"
        cells = [
            Cell(
                cell_lines(line.name, st.fonts, widths[0]),
                after=cell_lines(line.direction, st.fonts, widths[0], 6.5),
                after_color=GREY_TEXT,
                after_size=6.5,
            ),
            Cell(cell_lines(value, st.fonts, widths[1]), align="right"),
            Cell(cell_lines(line.unit, st.fonts, widths[2], 7), GREY_TEXT, 7),
            Cell(cell_lines(line.base_n, st.fonts, widths[3]), align="right"),
            Cell(cell_lines(score, st.fonts, widths[4]), align="right"),
            Cell(cell_lines(line.enters, st.fonts, widths[5], 7), GREY_TEXT, 7),
        ]
        rows.append(make_row(cells))
    return RowTable(widths, header, rows, st.fonts.regular, header_fill=NAVY, line_color=GREY_LINE, table_lines=True)


def dealer_kpi_story(r: DealerReport, st: Styles) -> list[Flowable]:
    """The dealer PDF's KPI part: incentive tier box, data-integrity flags, the KPI table and its index."""
    p = r.kpis
    if p is None:
        return []
    width = content_width()
    story: list[Flowable] = [CondPageBreak(70 * mm), paragraph(p.t("kpis"), st.h2, st, width)]
    story.extend(_incentive_box(p, r.scale, st, width))
    if p.flags:
        story.append(KeepTogether(_flag_box(p.t("integrity"), p.flags, p.t("no_flags"), st, width)))
    if p.lines:
        story.append(_kpi_table(p, st, width))
        summary = (
            f"{p.t('kpi_index')} {p.kpi_index.text} ({p.t('coverage')} {p.coverage}) · "
            f"{p.t('audit_composite')} {p.audit_composite.text} → {p.t('composite')} {p.composite.text}"
        )
        story += [Spacer(1, 2), cell_text(summary, st, 7.5, GREY_TEXT), Spacer(1, 6)]
    return story


def _incentive_table(p: RegionKpiPanel, lines: tuple[IncentiveLine, ...], st: Styles, width: float) -> RowTable:
    """Drawn as a RowTable (pre-wrapped lines, one text object per page): a region's incentive lines are one row
    per dealer, 750 rows at HQ scale, and a platypus Table of text blocks cost as much as the rest of the region
    report together. Same look as the header-styled Table it replaces (navy header, rules between rows)."""
    widths = [18 * mm, 20 * mm, 20 * mm, 16 * mm, 24 * mm, 16 * mm, 22 * mm]
    widths.append(width - sum(widths))
    head = ["dealer", "composite", "tier", "payout", "next_tier", "gap", "streak", "note"]
    aligns = ["left", "right", "left", "right", "left", "right", "left", "left"]
    header = make_row([Cell(cell_lines(p.t(h), st.fonts, w), colors.white) for h, w in zip(head, widths, strict=True)])
    rows: list[Row] = []
    for line in lines:
        texts: list[tuple[str, colors.Color, float]] = [
            (line.dealer, colors.black, 7.5),
            (line.composite, colors.black, 7.5),
            (line.tier, NAVY if line.tier_code else GREY_TEXT, 7.5),
            (line.payout, colors.black, 7.5),
            (line.next, colors.black, 7.5),
            (line.gap, colors.black, 7.5),
            (line.streak, STREAK_COLOURS.get(line.streak_status, colors.black), 7.5),
            (line.note, PARTIAL_TEXT if line.borderline else FAIL_TEXT, 7.0),
        ]
        rows.append(
            make_row(
                [
                    Cell(cell_lines(text, st.fonts, w, size), colour, size, align)
                    for (text, colour, size), w, align in zip(texts, widths, aligns, strict=True)
                ]
            )
        )
    return RowTable(widths, header, rows, st.fonts.regular, header_fill=NAVY, line_color=GREY_LINE, table_lines=True)


def region_kpi_story(r: RegionReport, st: Styles) -> list[Flowable]:
    """The region PDF's data-integrity flags (every dealer of the region) and its incentive lines."""
    p = r.kpis
    if p is None:
        return []
    width = content_width(wide=True)  # the region report is landscape
    story: list[Flowable] = [CondPageBreak(40 * mm), Paragraph(p.t("integrity"), st.h2)]
    story.extend(_flag_box(p.t("integrity"), p.flags, p.t("no_flags"), st, width))
    if p.incentives:
        story += [CondPageBreak(50 * mm), Paragraph(p.t("incentive"), st.h2), _incentive_table(p, p.incentives, st,
                                                                                                width)]  # fmt: skip
    return story

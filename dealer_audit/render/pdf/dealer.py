"""The per-dealer PDF: page 1 says where the dealer stands, the next pages what failed and what to fix first.

Layout (A4 portrait): identity and a large composite index in its band colour beside ranks and deltas; the
index per standard; section bars against region and network; the trend over waves. Then knock-outs and alerts
in a box, the top improvement opportunities, every visit's items by section (✓/✗/N/A, points, note, evidence
thumbnails, failed rows highlighted, repeat failures marked) and an action plan to fill in.

Everything shown comes from a `DealerReport`; this module only lays it out. User text passes through
`Fonts.markup` (escape + unsupported glyphs replaced) so notes with `<`, `&`, emoji or 300-character words render.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
)

from dealer_audit.core.kpi_report import KpiLine
from dealer_audit.core.report_model import (
    AuditBlock,
    ChangeLabel,
    DealerReport,
    EvidenceView,
    ItemRow,
    Result,
    SectionBlock,
    label,
)
from dealer_audit.render.pdf.charts import fit_text, section_bars, trend_line
from dealer_audit.render.pdf.grid import BOX_PAD, EMPTY_CELL, CellGrid, Rule, framed_box
from dealer_audit.render.pdf.kpi_section import dealer_kpi_story
from dealer_audit.render.pdf.page import PageFrame, bold_text, build_pdf, content_width
from dealer_audit.render.pdf.paragraphs import cell_text, heading, paragraph
from dealer_audit.render.pdf.rowtable import Cell, Row, RowTable, Thumb, cell_lines, make_row
from dealer_audit.render.pdf.self_assessment_section import dealer_self_assessment
from dealer_audit.render.pdf.styles import (
    ALERT_FILL,
    ALERT_LINE,
    FAIL_FILL,
    FAIL_TEXT,
    GREY_FILL,
    GREY_LINE,
    GREY_TEXT,
    NAVY,
    NAVY_LIGHT,
    PARTIAL_TEXT,
    PASS_TEXT,
    Styles,
    band_color,
    styles,
)
from dealer_audit.render.pdf.text import MAX_LINES, Heading, text_width

EvidenceResolver = Callable[[EvidenceView], Path | None]
THUMB_PX = 240  # longest side of an embedded thumbnail; keeps PDFs small whatever the camera resolution


# ---------------------------------------------------------------------------------------------------------------
# small flowables


class ScoreCard(Flowable):
    """The large composite index on its band colour: the first thing a reader's eye lands on."""

    def __init__(self, report: DealerReport, st: Styles, width: float, height: float) -> None:
        super().__init__()
        self.report, self.st, self.width, self.height = report, st, width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        r, canv, font = self.report, self.canv, self.st.fonts.regular
        canv.setFillColor(band_color(r.band.color))
        canv.roundRect(0, 0, self.width, self.height, 4, stroke=0, fill=1)
        canv.setFillColor(colors.white)
        canv.setStrokeColor(colors.white)
        canv.setFont(font, 8)
        canv.drawCentredString(self.width / 2, self.height - 13, fit_text(r.composite_name, font, 8, self.width - 8))
        bold_text(canv, self.width / 2, self.height / 2 - 4, r.composite.text, font, 30, anchor="center")
        canv.setFont(font, 8)
        scale_text = f"/ {r.scale}"
        if r.interval is not None:
            scale_text += f" · {r.t('ci95')} {r.interval.text}"
            self._whisker(r.interval.low.value, r.interval.high.value, r.composite.value, 29)
        canv.drawCentredString(self.width / 2, 16, fit_text(scale_text, font, 8, self.width - 8))
        bold_text(canv, self.width / 2, 5, fit_text(r.band.label, font, 9, self.width - 8), font, 9, anchor="center")

    def _whisker(self, low: float | None, high: float | None, value: float | None, y: float) -> None:
        """The composite's 95% interval on a 0..scale rule across the card: a thin rule, the interval as a thick
        bar with end ticks, the value as a dot."""
        if low is None or high is None or value is None:
            return
        canv, left, right = self.canv, 10.0, self.width - 10.0

        def x_of(v: float) -> float:
            return left + (right - left) * max(0.0, min(v, self.report.scale)) / self.report.scale

        canv.setLineWidth(0.5)
        canv.line(left, y, right, y)
        canv.setLineWidth(2.2)
        canv.line(x_of(low), y, x_of(high), y)
        canv.setLineWidth(0.8)
        for end in (low, high):
            canv.line(x_of(end), y - 3, x_of(end), y + 3)
        canv.setFillColor(colors.white)
        canv.circle(x_of(value), y, 2.2, stroke=0, fill=1)


# ---------------------------------------------------------------------------------------------------------------


def _colored(text: str, colour: colors.Color, style: ParagraphStyle, st: Styles) -> Paragraph:
    return Paragraph(f'<font color="{colour.hexval()}">{st.fonts.markup(text)}</font>', st.pick(style, text))


def _identity(r: DealerReport, st: Styles) -> list[Flowable]:
    d = r.dealer
    other = d.name_en if r.lang.startswith("zh") else d.name_zh
    place = " · ".join(x for x in (d.code, d.region_name, d.city) if x)
    wave = f"{r.t('wave')}: {r.wave_title or r.wave}"
    out: list[Flowable] = [paragraph(d.name(r.lang), st.h1, st)]
    if other and other != d.name(r.lang):
        out.append(paragraph(other, st.muted, st))
    out.append(paragraph(f"{place} · {wave}", st.muted, st))
    out.append(Spacer(1, 4))
    return out


def _change_colour(value: float | None, change: ChangeLabel | None) -> colors.Color:
    """Green or red only for a change beyond noise; a change within noise (or untested) stays grey, so the eye
    is not drawn to movements the visits cannot tell from chance."""
    if not value or (change is not None and not change.significant):
        return GREY_TEXT
    return PASS_TEXT if value > 0 else FAIL_TEXT


def _range_note(r: DealerReport, text: str) -> str:
    return f"{r.t('rank_range')} {text}" if text else ""


def _key_figures(r: DealerReport, st: Styles, width: float) -> CellGrid:
    """Score card beside ranks, delta and the index of each standard."""
    card_w = 52 * mm
    right_w = width - card_w - 5 * mm
    delta_colour = _change_colour(r.delta.value, r.change)
    facts = [
        [cell_text(r.t("rank_region"), st, 7.5, GREY_TEXT), cell_text(r.t("rank_network"), st, 7.5, GREY_TEXT),
         cell_text(r.t("delta"), st, 7.5, GREY_TEXT)],
        [cell_text(r.rank_region.text, st, 16, NAVY), cell_text(r.rank_network.text, st, 16, NAVY),
         cell_text(r.delta.text, st, 16, delta_colour)],
        [cell_text(_range_note(r, r.rank_range_region), st, 7, GREY_TEXT),
         cell_text(_range_note(r, r.rank_range_network), st, 7, GREY_TEXT),
         cell_text(r.change.text if r.change else "", st, 7, delta_colour)],
    ]  # fmt: skip
    col = right_w / 3
    facts_grid = CellGrid(facts, [col] * 3, right=6, bottom=[1, 1, 4], valign="bottom", rules=[Rule(2, 0.5, GREY_LINE)])
    head = [r.t("standard"), r.t("index"), r.t("ci95"), r.t("band"), r.t("delta_short"), r.t("visits")]
    aligns = ("left", "right", "right", "left", "right", "right")
    rows: list[list[Flowable | None]] = [[cell_text(h, st, 7, GREY_TEXT, a) for h, a in zip(head, aligns, strict=True)]]
    for c in r.checklists:
        colour = _change_colour(c.delta.value, c.change)
        delta = c.delta.text + (f" {c.change.short}" if c.change and c.delta.value is not None else "")
        rows.append(
            [
                cell_text(c.title, st, 8),
                cell_text(c.index.text, st, 8, align="right"),
                cell_text(c.interval.text if c.interval else "–", st, 7.5, GREY_TEXT, align="right"),
                cell_text(c.band.label, st, 8, band_color(c.band.color)),
                cell_text(delta, st, 7.5, colour, align="right"),
                cell_text(str(c.n_audits) + (" *" if c.n_audits == 1 and c.interval else ""), st, 8, align="right"),
            ]
        )
    std_grid = CellGrid(
        rows,
        [right_w - 84 * mm, 12 * mm, 22 * mm, 16 * mm, 20 * mm, 14 * mm],
        right=3,
        top=1.5,
        bottom=1.5,
        valign="bottom",
        rules=[Rule(k, 0.3, GREY_LINE) for k in range(1, len(rows) - 1)],
    )
    card_h = 36 * mm
    stack = CellGrid([[facts_grid], [std_grid]], [right_w], top=[0, 4])
    return CellGrid([[ScoreCard(r, st, card_w, card_h), stack]], [card_w + 5 * mm, right_w], top=3, bottom=3)


def _precision_notes(r: DealerReport, st: Styles, width: float) -> list[Flowable]:
    """How sure the figures are, under the key figures (a one-visit figure is marked * in the table)."""
    if not r.precision_notes:
        return []
    notes = list(r.precision_notes)
    if any(c.n_audits == 1 and c.interval for c in r.checklists):
        notes[-1] = "* " + notes[-1]
    return [Spacer(1, 3), *(paragraph(n, st.muted, st, width) for n in notes)]


def _charts(r: DealerReport, st: Styles, width: float) -> list[Flowable]:
    legend = (r.t("this_dealer"), r.t("region_avg"), r.t("network_avg"))
    out: list[Flowable] = [paragraph(r.t("sections_chart"), st.h2, st)]
    titles = {c.standard_id: c.title for c in r.checklists}
    if r.sections:
        out.append(section_bars(r.sections, st, width, legend, max_height=250, group_titles=titles))
    else:  # no finalised audit in this wave: say so rather than draw empty axes
        out.append(paragraph(f"{r.t('visits')}: 0", st.muted, st))
    if any(p.dealer is not None for p in r.trend):
        out.append(paragraph(r.t("trend"), st.h2, st))
        out.append(trend_line(r.trend, st, width, 52 * mm, legend, float(r.scale)))
    return out


def _notices(r: DealerReport, st: Styles, width: float) -> list[Flowable]:
    rows: list[list[Flowable | None]] = [[paragraph(r.t("knockouts_alerts"), st.h3, st, width - 2 * BOX_PAD)]]
    if not r.notices:
        rows.append([cell_text(r.t("none"), st, 8.5, PASS_TEXT), Spacer(0, EMPTY_CELL)])
    for n in r.notices:
        tag = r.t("knockout") if n.kind == "knockout" else r.t("alert")
        colour = FAIL_TEXT if n.kind == "knockout" else PARTIAL_TEXT
        rows.append([cell_text("■ " + tag, st, 8.5, colour), cell_text(n.text, st, 8.5)])
    box = framed_box(
        rows,
        [22 * mm, width - 22 * mm],
        ALERT_FILL if r.notices else GREY_FILL,
        ALERT_LINE if r.notices else GREY_LINE,
        top=1,
    )
    return [box, Spacer(1, 6)]


def _cell(text: str, st: Styles, width: float, color: colors.Color = colors.black, align: str = "left") -> Cell:
    """A RowTable cell of plain user or model text wrapped to its column (7.5 pt, as in the item lists)."""
    return Cell(_wrapped(text, st, width), color, align=align)


def _opportunities(r: DealerReport, st: Styles, width: float) -> list[Flowable]:
    if not r.opportunities:
        return []
    head = ["#", r.t("item"), r.t("section"), r.t("points_lost"), r.t("impact")]
    widths = [8 * mm, width - 88 * mm, 40 * mm, 20 * mm, 20 * mm]
    header = make_row([_cell(h, st, w, colors.white) for h, w in zip(head, widths, strict=True)])
    rows = []
    for k, o in enumerate(r.opportunities, start=1):
        impact = f"+{o.impact.text}" if o.impact.value else o.impact.text
        cells = [
            _cell(str(k), st, widths[0]),
            _cell(f"{o.item_id}  {o.text}", st, widths[1]),
            _cell(o.section, st, widths[2]),
            _cell(o.points_lost.text, st, widths[3], align="right"),
            _cell(impact, st, widths[4], PASS_TEXT, "right"),
        ]
        rows.append(make_row(cells, None if k % 2 else GREY_FILL))  # alternate white and grey, from white
    table = RowTable(widths, header, rows, st.fonts.regular, header_fill=NAVY, line_color=GREY_LINE)
    return [paragraph(r.t("opportunities"), st.h2, st), table]


THUMB_SOURCE_MAX_PIXELS = 64_000_000  # the import limit of storage/media.MAX_IMAGE_PIXELS: larger is not decoded


@lru_cache(maxsize=256)
def _thumbnail(path: str) -> tuple[bytes, float, float] | None:
    """A small in-memory JPEG of an evidence photo (full-size photos would make each PDF megabytes)."""
    try:
        from PIL import Image as PILImage

        with PILImage.open(path) as img:  # reads the header only: the size is known before any pixel is decoded
            if img.width * img.height > THUMB_SOURCE_MAX_PIXELS:
                return None  # a huge image stored before import refused them: its name is listed instead
            img.thumbnail((THUMB_PX, THUMB_PX))
            buffer = io.BytesIO()
            img.convert("RGB").save(buffer, "JPEG", quality=70)
            size = img.size
    except (OSError, ValueError, SyntaxError, MemoryError, PILImage.DecompressionBombError):
        return None
    return buffer.getvalue(), float(size[0]), float(size[1])


_RESULT_COLOURS = {
    Result.PASS: PASS_TEXT,
    Result.FAIL: FAIL_TEXT,
    Result.PARTIAL: PARTIAL_TEXT,
}


NOTE_LIMIT = 1500  # characters of a note shown in the PDF (the workbook has it in full); keeps a row on a page


def _wrapped(text: str, st: Styles, width: float, size: float = 7.5, max_lines: int = MAX_LINES) -> list[str]:
    """A cell's lines (`rowtable.cell_lines`); an empty text has none, so an empty note takes no height."""
    return cell_lines(text, st.fonts, width, size, max_lines) if text else []


def _evidence(row: ItemRow, st: Styles, resolver: EvidenceResolver | None, word: str, width: float) -> Cell:
    note = row.note if len(row.note) <= NOTE_LIMIT else row.note[:NOTE_LIMIT] + "…"
    thumbs: list[Thumb] = []
    names: list[str] = []
    for ev in row.evidence:
        path = resolver(ev) if resolver else None
        thumb = _thumbnail(str(path)) if path else None
        if thumb is None:
            names.append(ev.file_name)
            continue
        data, w, h = thumb
        target_h = 15 * mm
        if len(thumbs) < 3:  # a strip of at most three fits the column
            thumbs.append(Thumb(data, target_h * w / h, target_h))
    # note, thumbnails and file names share one cell: together they stay within half a page
    after = _wrapped(f"{word}: " + ", ".join(names), st, width, max_lines=8) if names else []
    return Cell(_wrapped(note, st, width, max_lines=28), thumbs=thumbs, after=after, after_color=GREY_TEXT)


# column widths, language, knock-out tag, repeat tag, the word "evidence"
_Shape = tuple[tuple[float, ...], str, str, str, str]
_PARTIAL_FILL = colors.HexColor("#fff8e1")


@lru_cache(maxsize=8192)
def _plain_item_row(row: ItemRow, st: Styles, shape: _Shape) -> Row:
    """An item row without evidence: the same answer to the same item looks the same in every report of a
    batch (most items pass without a note), so it is laid out once per process."""
    return _item_row(row, st, shape, None)


def _item_row(row: ItemRow, st: Styles, shape: _Shape, resolver: EvidenceResolver | None) -> Row:
    """One item as a row: id and reference, text, ✓/✗/N/A with its tags, answer, points, note and evidence."""
    widths, lang, tag_ko, tag_repeat, word = shape
    f = st.fonts
    marks = {Result.PASS: f.check, Result.FAIL: f.cross}
    glyph = marks.get(row.result) or ""
    mark = glyph or ("" if row.result in marks else label(row.result.value, lang))
    tags = [tag for tag, on in ((tag_ko, row.critical), (tag_repeat, row.repeat_failure)) if on]
    if row.result not in (Result.FAIL, Result.PARTIAL):
        tags = []
    if row.dispute:  # disputed, and how it was ruled: shown whatever the result (an overturned item now passes)
        tags.append(row.dispute)
    colour = _RESULT_COLOURS.get(row.result, GREY_TEXT)
    drawn = (row.result is Result.PASS) if row.result in marks and not glyph else None
    mark_lines = ([mark] if mark else ([""] if drawn is not None else [])) + [
        line for tag in tags for line in _wrapped(tag, st, widths[2], 7)
    ]
    ident = row.item_id + ("\n" + row.reference if row.reference else "")
    cells = [
        Cell(_wrapped(ident, st, widths[0], 7), GREY_TEXT, 7),
        Cell(_wrapped(row.text, st, widths[1])),
        Cell(mark_lines, colour, 9 if glyph and not tags else 7.5, "center", drawn_mark=drawn),
        Cell(_wrapped(row.answer_text, st, widths[3])),
        Cell([row.points_text], align="right"),
        _evidence(row, st, resolver, word, widths[5]),
    ]
    if row.result is Result.FAIL:
        return make_row(cells, FAIL_FILL, FAIL_TEXT)
    if row.result is Result.PARTIAL:
        return make_row(cells, _PARTIAL_FILL)
    return make_row(cells)


@lru_cache(maxsize=32)
def _section_header(head: tuple[str, ...], widths: tuple[float, ...], st: Styles) -> Row:
    """The item lists' header row: the same in every section of every report of a batch in one language, so one
    row object, laid out and written once (see rowtable.Row.text_runs and text.RunBlock)."""
    return make_row([Cell(_wrapped(h, st, w), colors.white) for h, w in zip(head, widths, strict=True)])


def _section_table(
    block: SectionBlock, r: DealerReport, st: Styles, width: float, resolver: EvidenceResolver | None
) -> list[Flowable]:
    """One section's items as a RowTable (see rowtable.py: the lean path for long item lists)."""
    head = [r.t("item"), "", r.t("result"), r.t("answer"), r.t("points"), f"{r.t('note')} / {r.t('evidence')}"]
    widths = [15 * mm, 0.0, 16 * mm, 22 * mm, 15 * mm, 58 * mm]
    widths[1] = width - sum(widths)
    f = st.fonts
    header = _section_header(tuple(head), tuple(widths), st)
    tag_ko, tag_repeat = r.t("knockout"), "↻ " + r.t("repeat_short")
    word = r.t("evidence")
    shape = (tuple(widths), r.lang, tag_ko, tag_repeat, word)
    rows = [
        _item_row(row, st, shape, resolver) if row.evidence else _plain_item_row(row, st, shape) for row in block.items
    ]
    table = RowTable(widths, header, rows, f.regular, header_fill=NAVY, line_color=GREY_LINE)
    score = block.score.text + ("  ⚠ " + r.t("knockout") if block.zeroed_by_knockout else "")
    title_text = " ".join(f.clean(block.title).split())
    score_text = " ".join(f.clean(score).split())
    if Heading.fits(title_text, st.h3.fontName, st.h3.fontSize, width - text_width(" " + score_text, f.regular, 8.5)):
        title: Flowable = heading(title_text, st.h3, score_text, 8.5, GREY_TEXT)
    else:
        title = Paragraph(
            f"{st.fonts.markup(block.title)}"
            f'<font color="{GREY_TEXT.hexval()}" size="8.5">    {st.fonts.markup(score)}</font>',
            st.h3,
        )
    return [CondPageBreak(30 * mm), title, table]


def _audit_blocks(
    a: AuditBlock, r: DealerReport, st: Styles, width: float, resolver: EvidenceResolver | None
) -> list[Flowable]:
    status = "" if a.final else f" ({r.t('draft')})"
    heading = paragraph(f"{a.standard_title}{status}", st.h2, st)
    facts = (
        f"{r.t('audit')}: {a.audit_id}    {r.t('visit_date')}: {a.visit_date or '–'}    "
        f"{r.t('auditor')}: {a.auditor or '–'}    {r.t('index')}: {a.index.text}"
        + (f"  ({r.t('raw_index')}: {a.raw_index.text})" if a.raw_index.text != a.index.text else "")
    )
    out: list[Flowable] = [CondPageBreak(45 * mm), heading, paragraph(facts, st.muted, st), Spacer(1, 2)]
    for block in a.sections:
        out.extend(_section_table(block, r, st, width, resolver))
    return out


def _action_plan(r: DealerReport, st: Styles, width: float) -> list[Flowable]:
    head = [r.t("item"), r.t("what_to_fix"), r.t("owner"), r.t("due")]
    widths = [width * 0.36, width * 0.38, width * 0.13, width * 0.13]
    header = make_row([_cell(h, st, w, colors.white) for h, w in zip(head, widths, strict=True)])
    texts = [
        (f"{a.item_id}  {a.text}", a.what_to_fix, a.owner, "\n".join(t for t in (a.due, a.status) if t))
        for a in r.actions
    ] or [(r.t("none"), "", "", "")]
    rows = [
        make_row(
            [
                _cell(item, st, widths[0]),
                _cell(fix, st, widths[1]),
                _cell(owner, st, widths[2]) if owner else Cell(),
                _cell(due, st, widths[3]) if due else Cell(),
            ],
            min_height=13 * mm,
        )
        for item, fix, owner, due in texts
    ]
    table = RowTable(
        widths,
        header,
        rows,
        st.fonts.regular,
        header_fill=NAVY,
        line_color=GREY_LINE,
        column_fills=(None, None, NAVY_LIGHT, NAVY_LIGHT),  # owner and due date: to fill in by hand
        grid=True,
    )
    return [CondPageBreak(50 * mm), paragraph(r.t("action_plan"), st.h2, st), table]


def dealer_story(r: DealerReport, st: Styles, resolver: EvidenceResolver | None = None) -> list[Flowable]:
    width = content_width()
    story: list[Flowable] = []
    story.extend(_identity(r, st))
    story.append(_key_figures(r, st, width))
    story.extend(_precision_notes(r, st, width))
    story.extend(_charts(r, st, width))
    story.append(CondPageBreak(60 * mm))
    story.append(KeepTogether(_notices(r, st, width)))
    story.extend(dealer_kpi_story(r, st))  # measured KPIs, incentive tier, data-integrity flags
    story.extend(_opportunities(r, st, width))
    story.extend(dealer_self_assessment(r, st, width))
    for a in r.audits:
        story.extend(_audit_blocks(a, r, st, width, resolver))
    story.extend(_action_plan(r, st, width))
    return story


# the labels a dealer report prints (part of its font seed)
_LABEL_KEYS = (
    "action_plan", "alert", "answer", "audit", "auditor", "band", "ci95", "dealer_report", "delta", "delta_short",
    "draft", "due", "evidence", "generated", "impact", "index", "item", "knockout", "knockouts_alerts",
    "network_avg", "none", "note", "opportunities", "owner", "page", "points", "points_lost", "rank_network",
    "rank_range", "rank_region", "raw_index", "region_avg", "repeat_short", "result", "section", "sections_chart",
    "standard", "this_dealer", "trend", "visit_date", "visits", "wave", "what_to_fix",
)  # fmt: skip
_KPI_LABEL_KEYS = (
    "kpis", "incentive", "tier", "payout", "composite", "interval", "next_tier", "gap", "borderline", "note",
    "streak", "penalty", "net_payout", "integrity", "no_flags", "kpi", "value", "base_n", "score", "enters",
    "kpi_index", "coverage", "audit_composite",
)  # fmt: skip
_SEED_MARKS = "·–→✓✔✗✘■*"  # separators, arrows and marks most pages draw (a mark the font lacks is skipped)
_SEEDS: dict[tuple[str, tuple[str, ...]], _Seed] = {}


def font_seed(r: DealerReport) -> str:
    """The characters every report of this language and these standards draws, in a fixed order.

    The union over the reports this process has rendered (labels, standard, section and item texts), in the
    order first seen: dealers differ in which items they were asked (skip logic), so one report's own set would
    not be stable, but the union is, and a character seen later only adds to its end; so the first font subsets
    of a batch's reports are identical and embedded from a cache (`fonts.CachedSubsetFace`). Reading order (not
    code point order) keeps one line's characters in one subset, so lines need few font switches. The price is
    the glyphs of items a dealer was not asked: a few hundred bytes. Only texts of the standard and the tool go
    in (labels, item texts, answers as labels and values), never what one dealer's auditor wrote or its own
    figures' notes: those would grow the seed (and `_Seed.texts`) with every report of a long-running web app and
    embed their characters in other dealers' PDFs.
    """
    key = (r.lang, tuple(sorted({a.standard_id for a in r.audits})))
    seed = _SEEDS.get(key)
    if seed is None:
        seed = _SEEDS[key] = _Seed()
    texts: list[str] = [r.t("dealer_report"), r.wave_title, r.program_title, _SEED_MARKS]  # the page frame
    texts += [r.t(k) for k in _LABEL_KEYS]
    texts += [r.band.label, *(c.band.label for c in r.checklists)]
    if r.kpis is not None:  # the KPI panel's labels and its KPIs' names (the same KPIs for every dealer)
        p = r.kpis
        texts += [p.t(k) for k in _KPI_LABEL_KEYS]
        texts += [x for line in p.lines for x in _kpi_texts(line)]
    for a in r.audits:
        texts += [a.standard_title, *(b.title for b in a.sections)]
        for block in a.sections:
            for row in block.items:
                texts += (row.item_id, row.reference, row.text)
                if not row.free_answer:  # labels and values; what an auditor wrote stays the report's own
                    texts.append(row.answer_text)
    return seed.add(texts)


class _Seed:
    """One font seed: its characters in the order first seen, and the texts already taken in (most texts of a
    report, item texts and labels, recur in every report: each is scanned once per process)."""

    def __init__(self) -> None:
        self.chars: dict[str, None] = {}
        self.texts: set[str] = set()
        self.text = ""

    def add(self, texts: list[str]) -> str:
        known, chars = self.texts, self.chars
        grown = False
        for text in texts:
            if text in known:
                continue
            known.add(text)
            for ch in text:
                if ch not in chars and ch != "\n":
                    chars[ch] = None
                    grown = True
        if grown or not self.text:
            self.text = "".join(chars)
        return self.text


def _kpi_texts(line: KpiLine) -> tuple[str, ...]:
    return line.name, line.direction, line.unit, line.enters


def page_frame(r: DealerReport) -> PageFrame:
    return PageFrame(
        title=r.t("dealer_report"),
        subtitle=f"{r.dealer.code} · {r.wave_title or r.wave} · {r.program_title}",
        footer_left=(f"{r.t('standard')}: {r.footer.standards}", f"{r.t('audit')}: {r.footer.audit_ids}"),
        footer_right=f"{r.t('generated')}: {r.footer.generated}",
        page_label=r.t("page"),
    )


def render_dealer_pdf(
    report: DealerReport,
    target: str | Path | BinaryIO,
    *,
    resolver: EvidenceResolver | None = None,
    invariant: bool = False,
    font: str | None = None,
) -> None:
    """Write one dealer's PDF to a path or binary stream."""
    st = styles(font)
    story = dealer_story(report, st, resolver)
    build_pdf(
        str(target) if isinstance(target, Path) else target,
        story,
        page_frame(report),
        st,
        title=f"{report.t('dealer_report')} {report.dealer.code} {report.wave}",
        invariant=invariant,
        font_seed=font_seed(report),
    )

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
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from dealer_audit.core.report_model import (
    AuditBlock,
    DealerReport,
    EvidenceView,
    ItemRow,
    Result,
    SectionBlock,
    label,
)
from dealer_audit.render.pdf.charts import fit_text, section_bars, trend_line
from dealer_audit.render.pdf.page import PageFrame, bold_text, build_pdf, content_width
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
from dealer_audit.render.pdf.text import Run, TextBlock, wrap_text

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
        bold_text(canv, self.width / 2, self.height / 2 - 9, r.composite.text, font, 30, anchor="center")
        canv.setFont(font, 8)
        canv.drawCentredString(self.width / 2, 16, f"/ {r.scale}")
        bold_text(canv, self.width / 2, 5, fit_text(r.band.label, font, 9, self.width - 8), font, 9, anchor="center")


class Mark(Flowable):
    """A drawn ✓ or ✗ for fonts without those glyphs (a missing glyph is a bug, not a blank)."""

    def __init__(self, passed: bool, size: float = 7) -> None:
        super().__init__()
        self.passed, self.size = passed, size
        self._offset = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._offset = max(0.0, (available_width - self.size) / 2)  # centred in its cell
        return available_width, self.size

    def draw(self) -> None:
        c, s = self.canv, self.size
        c.translate(self._offset, 0)
        c.setLineWidth(1.2)
        if self.passed:
            c.setStrokeColor(PASS_TEXT)
            c.lines([(0, s * 0.5, s * 0.35, s * 0.1), (s * 0.35, s * 0.1, s, s * 0.9)])
        else:
            c.setStrokeColor(FAIL_TEXT)
            c.lines([(0, 0, s, s), (0, s, s, 0)])


# ---------------------------------------------------------------------------------------------------------------


def _p(text: str, style: Any, st: Styles) -> Paragraph:
    """A paragraph of *user or model* text: escaped, cleaned, CJK-wrapped when it has Chinese."""
    return Paragraph(st.fonts.markup(text), st.pick(style, text))


def _t(
    text: str | list[Run],
    st: Styles,
    size: float = 7.5,
    color: colors.Color = colors.black,
    align: str = "left",
) -> TextBlock:
    """A table cell of plain text (user text safe as-is: no markup is interpreted), wrapped to the column."""
    f = st.fonts
    runs = [Run(f.clean(text))] if isinstance(text, str) else [Run(f.clean(r.text), r.color, r.size) for r in text]
    return TextBlock(runs, f.regular, size, color, align=align)


def _colored(text: str, colour: colors.Color, style: Any, st: Styles) -> Paragraph:
    return Paragraph(f'<font color="{colour.hexval()}">{st.fonts.markup(text)}</font>', st.pick(style, text))


def _header_style(extra: list[tuple[Any, ...]] | None = None) -> TableStyle:
    base: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, GREY_LINE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    return TableStyle(base + (extra or []))


def _identity(r: DealerReport, st: Styles) -> list[Flowable]:
    d = r.dealer
    other = d.name_en if r.lang.startswith("zh") else d.name_zh
    place = " · ".join(x for x in (d.code, d.region_name, d.city) if x)
    wave = f"{r.t('wave')}: {r.wave_title or r.wave}"
    out: list[Flowable] = [_p(d.name(r.lang), st.h1, st)]
    if other and other != d.name(r.lang):
        out.append(_p(other, st.muted, st))
    out.append(_p(f"{place}    {wave}", st.muted, st))
    out.append(Spacer(1, 4))
    return out


def _key_figures(r: DealerReport, st: Styles, width: float) -> Table:
    """Score card beside ranks, delta and the index of each standard."""
    card_w = 58 * mm
    right_w = width - card_w - 5 * mm
    delta_colour = PASS_TEXT if (r.delta.value or 0) > 0 else FAIL_TEXT if (r.delta.value or 0) < 0 else GREY_TEXT
    facts = [
        [_p(r.t("rank_region"), st.small, st), _p(r.t("rank_network"), st.small, st), _p(r.t("delta"), st.small, st)],
        [
            Paragraph(f'<font size="15">{r.rank_region.text}</font>', st.body),
            Paragraph(f'<font size="15">{r.rank_network.text}</font>', st.body),
            Paragraph(f'<font size="15" color="{delta_colour.hexval()}">{r.delta.text}</font>', st.body),
        ],
    ]
    col = right_w / 3
    facts_table = Table(facts, colWidths=[col] * 3, rowHeights=[11, 22])
    facts_table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (0, 1), (-1, 1), 0.5, GREY_LINE),
            ]
        )
    )
    head = [r.t("standard"), r.t("index"), r.t("band"), r.t("delta_short"), r.t("visits")]
    rows: list[list[Any]] = [[_t(h, st, 7, GREY_TEXT) for h in head]]
    for c in r.checklists:
        rows.append(
            [
                _t(c.title, st, 8),
                _t(c.index.text, st, 8, align="right"),
                _t(c.band.label, st, 8, band_color(c.band.color)),
                _t(c.delta.text, st, 8, align="right"),
                _t(str(c.n_audits), st, 8, align="right"),
            ]
        )
    std_table = Table(rows, colWidths=[right_w - 64 * mm, 16 * mm, 18 * mm, 15 * mm, 15 * mm])
    std_table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LINEBELOW", (0, 1), (-1, -2), 0.3, GREY_LINE),
            ]
        )
    )
    card_h = 36 * mm
    outer = Table(
        [[ScoreCard(r, st, card_w, card_h), [facts_table, Spacer(1, 5), std_table]]],
        colWidths=[card_w + 5 * mm, right_w],
    )
    outer.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return outer


def _charts(r: DealerReport, st: Styles, width: float) -> list[Flowable]:
    legend = (r.t("this_dealer"), r.t("region_avg"), r.t("network_avg"))
    out: list[Flowable] = [Paragraph(r.t("sections_chart"), st.h2)]
    titles = {c.standard_id: c.title for c in r.checklists}
    out.append(section_bars(r.sections, st, width, legend, max_height=250, group_titles=titles))
    if len(r.trend) >= 1:
        out.append(Paragraph(r.t("trend"), st.h2))
        out.append(trend_line(r.trend, st, width, 52 * mm, legend, float(r.scale)))
    return out


def _notices(r: DealerReport, st: Styles, width: float) -> list[Flowable]:
    rows: list[list[Any]] = [[Paragraph(r.t("knockouts_alerts"), st.h3), ""]]
    if not r.notices:
        rows.append([_t(r.t("none"), st, 8.5, PASS_TEXT), ""])
    for n in r.notices:
        tag = r.t("knockout") if n.kind == "knockout" else r.t("alert")
        colour = FAIL_TEXT if n.kind == "knockout" else PARTIAL_TEXT
        rows.append([_t("■ " + tag, st, 8.5, colour), _t(n.text, st, 8.5)])
    box = Table(rows, colWidths=[22 * mm, width - 22 * mm])
    box.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (-1, 0)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), ALERT_FILL if r.notices else GREY_FILL),
                ("BOX", (0, 0), (-1, -1), 0.8, ALERT_LINE if r.notices else GREY_LINE),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
            ]
        )
    )
    return [box, Spacer(1, 6)]


def _opportunities(r: DealerReport, st: Styles, width: float) -> list[Flowable]:
    if not r.opportunities:
        return []
    head = ["#", r.t("item"), r.t("section"), r.t("points_lost"), r.t("impact")]
    rows: list[list[Any]] = [[_t(h, st, color=colors.white) for h in head]]
    for k, o in enumerate(r.opportunities, start=1):
        rows.append(
            [
                _t(str(k), st),
                _t(f"{o.item_id}  {o.text}", st),
                _t(o.section, st),
                _t(o.points_lost.text, st, align="right"),
                _t(f"+{o.impact.text}" if o.impact.value else o.impact.text, st, color=PASS_TEXT, align="right"),
            ]
        )
    table = Table(rows, colWidths=[8 * mm, width - 88 * mm, 40 * mm, 20 * mm, 20 * mm], repeatRows=1)
    table.setStyle(_header_style([("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, GREY_FILL])]))
    return [Paragraph(r.t("opportunities"), st.h2), table]


@lru_cache(maxsize=256)
def _thumbnail(path: str) -> tuple[bytes, float, float] | None:
    """A small in-memory JPEG of an evidence photo (full-size photos would make each PDF megabytes)."""
    try:
        from PIL import Image as PILImage

        with PILImage.open(path) as img:
            img.thumbnail((THUMB_PX, THUMB_PX))
            buffer = io.BytesIO()
            img.convert("RGB").save(buffer, "JPEG", quality=70)
            size = img.size
    except (OSError, ValueError, SyntaxError):
        return None
    return buffer.getvalue(), float(size[0]), float(size[1])


def _evidence_cell(
    row: ItemRow, st: Styles, resolver: EvidenceResolver | None, word: str, width: float = 0.0
) -> list[Flowable]:
    out: list[Flowable] = []
    if row.note:
        out.append(_t(row.note, st))
    names: list[str] = []
    thumbs: list[Flowable] = []
    for ev in row.evidence:
        path = resolver(ev) if resolver else None
        thumb = _thumbnail(str(path)) if path else None
        if thumb is None:
            names.append(ev.file_name)
            continue
        data, w, h = thumb
        target_h = 15 * mm
        thumbs.append(Image(io.BytesIO(data), width=target_h * w / h, height=target_h))
    if thumbs:
        strip = Table([thumbs], hAlign="LEFT")
        strip.setStyle(
            TableStyle(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        out.append(strip)
    if names:
        out.append(_t(f"{word}: " + ", ".join(names), st, 6.5, GREY_TEXT))
    return out


def _lines(text: str, st: Styles, width: float, size: float = 7.5) -> str:
    """Text pre-wrapped for a plain table cell of `width` points (3 pt padding each side), glyph-cleaned."""
    return "\n".join(wrap_text(st.fonts.clean(text), st.fonts.regular, size, width - 6))


_RESULT_COLOURS = {
    Result.PASS: PASS_TEXT,
    Result.FAIL: FAIL_TEXT,
    Result.PARTIAL: PARTIAL_TEXT,
}


def _section_table(
    block: SectionBlock, r: DealerReport, st: Styles, width: float, resolver: EvidenceResolver | None
) -> list[Flowable]:
    """One section's items. Cells are plain pre-wrapped strings (Table draws those without a flowable per cell,
    the cheapest path in reportlab); only evidence thumbnails are flowables."""
    head = [r.t("item"), "", r.t("result"), r.t("answer"), r.t("points"), f"{r.t('note')} / {r.t('evidence')}"]
    widths = [15 * mm, 0.0, 16 * mm, 22 * mm, 15 * mm, 58 * mm]
    widths[1] = width - sum(widths)
    f = st.fonts
    rows: list[list[Any]] = [[_lines(h, st, w) for h, w in zip(head, widths, strict=True)]]
    extra: list[tuple[Any, ...]] = []
    tag_ko, tag_repeat = r.t("knockout"), "↻ " + r.t("repeat_short")
    marks = {Result.PASS: f.check, Result.FAIL: f.cross}
    for i, row in enumerate(block.items, start=1):
        glyph = marks.get(row.result, "")
        mark = glyph or ("" if row.result in marks else label(row.result.value, r.lang))
        tags = [tag for tag, on in ((tag_ko, row.critical), (tag_repeat, row.repeat_failure)) if on]
        if row.result not in (Result.FAIL, Result.PARTIAL):
            tags = []
        mark_cell: Any = _lines("\n".join(x for x in [mark, *tags] if x), st, widths[2], 7)
        if row.result in marks and not glyph:
            # the font has no ✓/✗: draw the mark instead of printing a missing glyph
            mark_cell = [Mark(row.result is Result.PASS)] + ([_t("\n".join(tags), st, 7, FAIL_TEXT)] if tags else [])
        ident = row.item_id + ("\n" + row.reference if row.reference else "")
        evidence: Any = (
            _evidence_cell(row, st, resolver, r.t("evidence"), widths[5])
            if row.evidence
            else (_lines(row.note, st, widths[5]) if row.note else "")
        )
        rows.append(
            [
                _lines(ident, st, widths[0], 7),
                _lines(row.text, st, widths[1]),
                mark_cell,
                _lines(row.answer_text, st, widths[3]),
                row.points_text,
                evidence,
            ]
        )
        colour = _RESULT_COLOURS.get(row.result)
        if colour is not None and row.result is not Result.PASS:
            extra.append(("TEXTCOLOR", (2, i), (2, i), colour))
        if row.result is Result.FAIL:
            extra.append(("BACKGROUND", (0, i), (-1, i), FAIL_FILL))
            extra.append(("LINEBEFORE", (0, i), (0, i), 2, FAIL_TEXT))
        elif row.result is Result.PARTIAL:
            extra.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#fff8e1")))
        elif row.result is not Result.PASS:
            extra.append(("TEXTCOLOR", (2, i), (2, i), GREY_TEXT))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        _header_style(
            [
                ("FONT", (0, 0), (-1, -1), f.regular, 7.5, 9.4),
                ("FONTSIZE", (0, 1), (0, -1), 7),
                ("FONTSIZE", (2, 1), (2, -1), 7),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("TEXTCOLOR", (0, 1), (0, -1), GREY_TEXT),
                ("TEXTCOLOR", (2, 1), (2, -1), PASS_TEXT),
                ("ALIGN", (2, 0), (2, -1), "CENTER"),
                ("ALIGN", (4, 0), (4, -1), "RIGHT"),
                *extra,
            ]
        )
    )
    score = block.score.text + ("  ⚠ " + r.t("knockout") if block.zeroed_by_knockout else "")
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
    heading = Paragraph(st.fonts.markup(f"{a.standard_title}{status}"), st.h2)
    facts = (
        f"{r.t('audit')}: {a.audit_id}    {r.t('visit_date')}: {a.visit_date or '–'}    "
        f"{r.t('auditor')}: {a.auditor or '–'}    {r.t('index')}: {a.index.text}"
        + (f"  ({r.t('raw_index')}: {a.raw_index.text})" if a.raw_index.text != a.index.text else "")
    )
    out: list[Flowable] = [CondPageBreak(45 * mm), heading, _p(facts, st.muted, st), Spacer(1, 2)]
    for block in a.sections:
        out.extend(_section_table(block, r, st, width, resolver))
    return out


def _action_plan(r: DealerReport, st: Styles, width: float) -> list[Flowable]:
    head = [r.t("item"), r.t("what_to_fix"), r.t("owner"), r.t("due")]
    rows: list[list[Any]] = [[_t(h, st, color=colors.white) for h in head]]
    for a in r.actions:
        rows.append([_t(f"{a.item_id}  {a.text}", st), _t(a.what_to_fix, st), "", ""])
    if not r.actions:
        rows.append([_t(r.t("none"), st), "", "", ""])
    widths = [width * 0.36, width * 0.38, width * 0.13, width * 0.13]
    table = Table(rows, colWidths=widths, repeatRows=1, minRowHeights=[0] + [13 * mm] * (len(rows) - 1))
    table.setStyle(
        _header_style([("GRID", (0, 1), (-1, -1), 0.3, GREY_LINE), ("BACKGROUND", (2, 1), (-1, -1), NAVY_LIGHT)])
    )
    return [CondPageBreak(50 * mm), Paragraph(r.t("action_plan"), st.h2), table]


def dealer_story(r: DealerReport, st: Styles, resolver: EvidenceResolver | None = None) -> list[Flowable]:
    width = content_width()
    story: list[Flowable] = []
    story.extend(_identity(r, st))
    story.append(_key_figures(r, st, width))
    story.extend(_charts(r, st, width))
    story.append(CondPageBreak(60 * mm))
    story.append(KeepTogether(_notices(r, st, width)))
    story.extend(_opportunities(r, st, width))
    for a in r.audits:
        story.extend(_audit_blocks(a, r, st, width, resolver))
    story.extend(_action_plan(r, st, width))
    return story


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
    )

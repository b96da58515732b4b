"""The look of every PDF: one palette, one set of paragraph and table styles, built once per process.

Why cached: styles are immutable once made and a batch renders thousands of reports per process; building them
per document would be wasted work. Colours are few and used with one meaning each (navy = structure, the band
colours = standing, red = failure), so a regional manager reads a page by colour before reading a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, TableStyle

from dealer_audit.render.pdf.fonts import Fonts, fonts

NAVY = colors.HexColor("#1f3a5f")
NAVY_LIGHT = colors.HexColor("#e8eef5")
GREY_TEXT = colors.HexColor("#5f6b7a")
GREY_LINE = colors.HexColor("#c9d1db")
GREY_FILL = colors.HexColor("#f4f6f8")
FAIL_FILL = colors.HexColor("#fdecea")
FAIL_TEXT = colors.HexColor("#c62828")
PASS_TEXT = colors.HexColor("#1b7f3b")
PARTIAL_TEXT = colors.HexColor("#b26a00")
ALERT_FILL = colors.HexColor("#fff4e5")
ALERT_LINE = colors.HexColor("#f0a030")
REGION_BAR = colors.HexColor("#8fa9c7")
NETWORK_BAR = colors.HexColor("#c9d1db")
DEALER_BAR = NAVY
WHISKER = colors.HexColor("#e08a00")  # a 95% interval drawn across a bar: visible on navy and on white

PAGE_MARGIN = 14 * mm
HEADER_HEIGHT = 16 * mm
FOOTER_HEIGHT = 12 * mm

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


TableCommand = tuple[object, ...]  # a TableStyle command: name, (col, row) from, (col, row) to, its arguments


def header_table_style(extra: list[TableCommand] | None = None) -> TableStyle:
    """The look of every dealer-report table: a navy header row, thin rules between rows, tight padding; the
    sections (KPIs, self-assessment, items) add their colours through `extra`."""
    base: list[TableCommand] = [
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, GREY_LINE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    return TableStyle(base + (extra or []))


TableCell = Flowable | str  # what a platypus Table cell holds in these reports (a text block, a paragraph or text)


@dataclass(frozen=True)
class Styles:
    fonts: Fonts
    body: ParagraphStyle
    body_cjk: ParagraphStyle
    small: ParagraphStyle
    small_cjk: ParagraphStyle
    cell: ParagraphStyle
    cell_cjk: ParagraphStyle
    cell_right: ParagraphStyle
    cell_center: ParagraphStyle
    head_cell: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    muted: ParagraphStyle

    def pick(self, style: ParagraphStyle, text: str) -> ParagraphStyle:
        """The CJK-wrapping twin of a style when the text has Chinese (which has no spaces to wrap at).

        Latin text keeps word wrapping (with reportlab's long-word splitting), so English words are not broken
        mid-word unless a single word is wider than its column.
        """
        if not has_cjk(text):
            return style
        twin = {
            self.body.name: self.body_cjk,
            self.small.name: self.small_cjk,
            self.cell.name: self.cell_cjk,
        }.get(style.name)
        return twin or style


def _style(name: str, font: str, size: float, **kw: object) -> ParagraphStyle:
    base = {"fontName": font, "fontSize": size, "leading": size * 1.3, "splitLongWords": 1}
    base.update(kw)
    return ParagraphStyle(name, **base)  # type: ignore[arg-type]


@lru_cache(maxsize=4)
def styles(configured_font: str | None = None) -> Styles:
    f = fonts(configured_font)
    r, b = f.regular, f.bold
    return Styles(
        fonts=f,
        body=_style("body", r, 9),
        body_cjk=_style("body_cjk", r, 9, wordWrap="CJK"),
        small=_style("small", r, 7.5, textColor=GREY_TEXT),
        small_cjk=_style("small_cjk", r, 7.5, textColor=GREY_TEXT, wordWrap="CJK"),
        cell=_style("cell", r, 7.5, leading=9.5),
        cell_cjk=_style("cell_cjk", r, 7.5, leading=9.5, wordWrap="CJK"),
        cell_right=_style("cell_right", r, 7.5, leading=9.5, alignment=TA_RIGHT),
        cell_center=_style("cell_center", r, 7.5, leading=9.5, alignment=TA_CENTER),
        head_cell=_style("head_cell", b, 7.5, leading=9.5, textColor=colors.white, wordWrap="CJK"),
        h1=_style("h1", b, 16, leading=20, textColor=NAVY, alignment=TA_LEFT),
        h2=_style("h2", b, 11.5, leading=15, textColor=NAVY, spaceBefore=8, spaceAfter=4),
        h3=_style("h3", b, 9.5, leading=12.5, textColor=NAVY, spaceBefore=5, spaceAfter=2),
        muted=_style("muted", r, 8, textColor=GREY_TEXT, wordWrap="CJK"),
    )


def band_color(hex_color: str) -> colors.Color:
    try:
        return colors.HexColor(hex_color)
    except (ValueError, TypeError):
        return colors.HexColor("#9e9e9e")


def heat_color(value: float | None) -> colors.Color:
    """A section score's cell colour: red below 60, amber to 75, light green to 90, green above (on 0..100)."""
    if value is None:
        return GREY_FILL
    if value >= 90:
        return colors.HexColor("#c8e6c9")
    if value >= 75:
        return colors.HexColor("#e6f2d5")
    if value >= 60:
        return colors.HexColor("#fff3cd")
    return colors.HexColor("#f8d0cc")

"""The page frame every report shares: a title bar on top, a footer with "page x of y" at the bottom.

Why a deferred-numbering canvas: "page x of y" needs the total, which is only known at the end. Building the
document twice (reportlab's multiBuild) would double the cost of each of thousands of reports; instead the
canvas keeps each finished page's state and draws the footers when the document is saved (one pass).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from dealer_audit.render.pdf.charts import fit_text
from dealer_audit.render.pdf.fonts import seed_font
from dealer_audit.render.pdf.styles import FOOTER_HEIGHT, GREY_LINE, GREY_TEXT, HEADER_HEIGHT, NAVY, PAGE_MARGIN, Styles
from dealer_audit.render.pdf.text import colour_key, draw_label, fast_font, show_all, text_width

# Streams are compressed (zlib) anyway; ASCII85-encoding them on top only makes files 25% bigger and costs
# noticeable time in reportlab's pure-Python encoder. Binary PDF streams are what every reader expects.
rl_config.useA85 = 0


@dataclass(frozen=True)
class PageFrame:
    """What the title bar and footer say; the same on every page of one report."""

    title: str  # left of the title bar
    subtitle: str  # right of the title bar (dealer code · wave)
    footer_left: Sequence[str]  # up to two lines: standards, audit ids
    footer_right: str  # "generated 2026-11-23"
    page_label: str  # "Page {x} of {y}" in the report language


def bold_text(canv: Canvas, x: float, y: float, text: str, font: str, size: float, anchor: str = "left") -> None:
    """Text with a thin outline: a faux bold for CJK fonts that ship a regular weight only."""
    canv.saveState()
    canv.setFont(font, size)
    text_obj = canv.beginText()
    text_obj.setTextRenderMode(2)
    canv.setLineWidth(size * 0.03)
    width = canv.stringWidth(text, font, size)
    if anchor == "right":
        x -= width
    elif anchor == "center":
        x -= width / 2
    text_obj.setTextOrigin(x, y)
    text_obj.textOut(text)
    canv.drawText(text_obj)
    canv.restoreState()


def _canvas_class(frame: PageFrame, st: Styles, seed: str = "") -> type[Canvas]:
    font = st.fonts.regular

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            seed_font(font, self._doc, seed)
            self.font_seed = (font, seed)  # text.show_all shares the encoding of lines made of seeded characters

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _footer(self, total: int) -> None:
            width, _ = self._pagesize
            y = FOOTER_HEIGHT - 4
            self.setStrokeColor(GREY_LINE)
            self.setLineWidth(0.5)
            self.line(PAGE_MARGIN, y + 5, width - PAGE_MARGIN, y + 5)
            page = frame.page_label.format(x=self._pageNumber, y=total)
            right = width - PAGE_MARGIN
            room = width - 2 * PAGE_MARGIN - 90
            lines = [
                (right - text_width(page, font, 6.5), y - 3, page),
                (right - text_width(frame.footer_right, font, 6.5), y - 11, frame.footer_right),
                *(
                    (PAGE_MARGIN, y - 3 - 8 * k, fit_text(line, font, 6.5, room))
                    for k, line in enumerate(frame.footer_left[:2])
                ),
            ]
            shown = fast_font(font)
            if shown is not None:
                key = colour_key(GREY_TEXT)
                text = self.beginText()
                show_all(text, self, shown, font, [(6.5, key, GREY_TEXT, x, ly, line) for x, ly, line in lines])
                self.drawText(text)
                return
            self.setFillColor(GREY_TEXT)
            self.setFont(font, 6.5)
            for x, ly, line in lines:
                self.drawString(x, ly, line)

    return NumberedCanvas


def _title_bar(frame: PageFrame, st: Styles) -> Callable[[Canvas, BaseDocTemplate], None]:
    """The title bar drawn on every page. It is the same on every page of a document, so its operators are
    recorded on the first page and copied onto the others (drawing it costs more than copying ~20 strings: colour
    parsing, text objects, widths); it sits in its own saved graphics state (q … Q), so nothing else depends on
    how it was drawn."""
    font = st.fonts.regular

    def draw(canv: Canvas, doc: BaseDocTemplate) -> None:
        recorded: list[str] | None = canv.__dict__.get("_title_bar_code")
        if recorded is not None:
            canv._code.extend(recorded)
            return
        start = len(canv._code)
        width, height = doc.pagesize
        canv.saveState()
        canv.setFillColor(NAVY)
        canv.rect(0, height - HEADER_HEIGHT + 3, width, HEADER_HEIGHT - 3, stroke=0, fill=1)
        canv.setFillColor(colors.white)
        canv.setStrokeColor(colors.white)
        y = height - HEADER_HEIGHT / 2 - 2
        bold_text(canv, PAGE_MARGIN, y, frame.title, font, 11)
        draw_label(canv, width - PAGE_MARGIN, y, fit_text(frame.subtitle, font, 8.5, width * 0.5), font, 8.5, "end")
        canv.restoreState()
        canv.__dict__["_title_bar_code"] = canv._code[start:]

    return draw


def build_pdf(
    target: str | BinaryIO,
    story: list[Flowable],
    frame: PageFrame,
    st: Styles,
    *,
    title: str,
    invariant: bool = False,
    wide: bool = False,
    font_seed: str = "",
) -> None:
    """Lay the story out on A4 (landscape when `wide`) with the shared title bar and footer.

    `font_seed`: characters most documents of a batch draw, numbered first in the font subsets so that those
    subsets are the same in every document and embedded from a cache (see `fonts.seed_font`).
    """
    pagesize = landscape(A4) if wide else A4
    doc = BaseDocTemplate(
        target,
        pagesize=pagesize,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=HEADER_HEIGHT + 4,
        bottomMargin=FOOTER_HEIGHT + 6,
        title=title,
        author="dealer-audit",
        creator="dealer-audit",
        invariant=1 if invariant else 0,
    )
    body = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[body], onPage=_title_bar(frame, st))])
    doc.build(story, canvasmaker=_canvas_class(frame, st, font_seed))


def content_width(wide: bool = False) -> float:
    width = landscape(A4)[0] if wide else A4[0]
    return width - 2 * PAGE_MARGIN

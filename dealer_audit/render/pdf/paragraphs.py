"""A line of user, model or label text for a PDF story: a `Heading` when it fits one line, else a Paragraph.

Why: a report draws some thirty short lines (headings, captions, box titles), and reportlab's Paragraph parses
markup and runs its line breaker for each; a `Heading` draws what the one-line Paragraph would, for less.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from dealer_audit.render.pdf.page import content_width
from dealer_audit.render.pdf.styles import Styles
from dealer_audit.render.pdf.text import Heading, Run, TextBlock


def paragraph(text: str, style: ParagraphStyle, st: Styles, width: float | None = None) -> Flowable:
    """A paragraph of *user or model* text: escaped, cleaned, CJK-wrapped when it has Chinese.

    A text that fits one line of `width` (the page's by default) is drawn as a `Heading` (what the Paragraph
    would draw, cheaper); runs of spaces collapse to one, as in a Paragraph.
    """
    line = " ".join(st.fonts.clean(text).split())
    if "\n" not in text and Heading.fits(line, style.fontName, style.fontSize, width or content_width()):
        return heading(line, style)
    return Paragraph(st.fonts.markup(text), st.pick(style, text))


def heading(
    text: str,
    style: ParagraphStyle,
    suffix: str = "",
    suffix_size: float = 0.0,
    suffix_color: colors.Color | None = None,
) -> Heading:
    """A one-line `Heading` in a paragraph style's font, size, leading, colour and spacing."""
    return Heading(
        text,
        style.fontName,
        style.fontSize,
        style.leading,
        style.textColor,
        space_before=style.spaceBefore,
        space_after=style.spaceAfter,
        suffix=suffix,
        suffix_size=suffix_size,
        suffix_color=suffix_color,
    )


def cell_text(
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

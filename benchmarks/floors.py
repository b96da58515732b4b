"""The floors the benchmark compares rendering with: what reportlab itself needs for the same pages, text and
photos (plain paragraphs in the same embedded CJK TrueType font, no product code), and the size of a PDF that
sets a floor's shape."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

FLOOR_TEXT = (
    "服务顾问使用平板电脑接车并与客户一同环车检查，服务实况看板实时更新。"
    "The service advisor checked the car in on a tablet; the status board was live and the estimate matched. "
)


def floor_font() -> tuple[str, str]:
    """The CJK TrueType font the product embeds, registered directly with reportlab (no product code in the floor)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from dealer_audit.render.pdf.fonts import resolve_font

    spec, _bold = resolve_font()
    name = "FloorCJK"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(spec.path), subfontIndex=spec.index))
    return name, str(spec.path)


_FLOOR_PHOTO: list[str] = []


def floor_photo() -> str:
    """A stock evidence photo (the generator's PNG) on disk, for floors of reports that embed thumbnails."""
    if not _FLOOR_PHOTO:
        from dealer_audit.services.sample_network import render_photo

        handle, name = tempfile.mkstemp(suffix=".png")
        os.write(handle, render_photo("看板", "Status board", (28, 52, 84), (120, 200, 120)))
        os.close(handle)
        _FLOOR_PHOTO.append(name)
    return _FLOOR_PHOTO[0]


def floor_pdf(path: str, pages: int, chars_per_page: int, images: int = 0) -> float:
    """reportlab's minimal work for a document of `pages` pages with `chars_per_page` characters on each and
    `images` embedded photos (thumbnail size): plain paragraphs in the same CJK TrueType font, no tables."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate

    font, _ = floor_font()
    photo = floor_photo() if images else ""
    style = ParagraphStyle("floor", fontName=font, fontSize=8, leading=10)
    started = time.perf_counter()
    text = (FLOOR_TEXT * (chars_per_page // len(FLOOR_TEXT) + 1))[:chars_per_page]
    story: list[Any] = []
    for page in range(pages):
        # paragraphs of ~200 characters, like item rows and notes; a page break keeps the page count equal
        story.extend(Paragraph(text[i : i + 200], style) for i in range(0, len(text), 200))
        story.extend(Image(photo, width=64, height=40) for _ in range(images // pages + (page < images % pages)))
        if page < pages - 1:
            story.append(PageBreak())
    SimpleDocTemplate(path, pagesize=A4).build(story)
    return time.perf_counter() - started


def pdf_text_size(path: Path) -> tuple[int, int, int]:
    """Pages, extracted characters and embedded images of a PDF."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    chars = sum(len(page.extract_text() or "") for page in reader.pages)
    return len(reader.pages), chars, sum(len(page.images) for page in reader.pages)

"""The per-process render caches a batch relies on: they change no byte of a report, and the warm-up before a
batch forks renders only a few reports."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from pypdf import PdfReader
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFace

from dealer_audit.core.report_model import DealerReport
from dealer_audit.render.pdf.dealer import _plain_item_row, dealer_story, render_dealer_pdf
from dealer_audit.render.pdf.fonts import (
    REGULAR,
    CachedSubsetFace,
    CachedSubsetFont,
    close_subset,
    fonts,
    resolve_font,
    seed_font,
)
from dealer_audit.render.pdf.region import render_region_pdf
from dealer_audit.render.pdf.rowtable import RowTable
from dealer_audit.render.pdf.styles import styles
from dealer_audit.render.pdf.warm import SEED_REPORTS, WARM_REPORTS, warm_dealer_pdfs
from tests.render.report_fixtures import make_dealer_report, make_region_report


def _region_bytes(lang: str) -> bytes:
    buffer = io.BytesIO()
    render_region_pdf(make_region_report(lang, n=60), buffer, invariant=True)
    return buffer.getvalue()


def test_cached_font_subset_objects_write_the_same_bytes() -> None:
    """A report rendered with its fonts' subset objects (widths, ToUnicode maps, subset programs) built afresh
    and one rendered from the cache are the same file, byte for byte."""
    fonts()
    font = pdfmetrics.getFont(REGULAR)
    assert isinstance(font, CachedSubsetFont)
    for lang in ("zh", "en"):
        font._objects_cache.clear()
        font.face._subset_cache.clear()
        fresh = _region_bytes(lang)
        assert font._objects_cache, "the render filled the cache"
        assert _region_bytes(lang) == fresh


def test_subsets_cut_from_table_views_are_reportlabs_own_bytes() -> None:
    """The face that reads the glyph and PostScript tables through views (no whole-table copy per subset) makes
    the same subset program as reportlab's own face, composite glyphs (accented Latin) included."""
    fonts()
    face = pdfmetrics.getFont(REGULAR).face
    assert isinstance(face, CachedSubsetFace)
    spec, _bold = resolve_font()
    plain = TTFontFace(str(spec.path), subfontIndex=spec.index)
    composite = [ord(ch) for ch in "ÀÉçÜñ"]
    assert all(_is_composite(plain, code) for code in composite), "the test font's accented letters are composites"
    for subset in (
        [32, *map(ord, "服务顾问接车看板ABCxyz0123")],
        [32, *composite, *map(ord, "稽核é")],
        list(range(32, 127)),
    ):
        assert face.makeSubset(subset) == plain.makeSubset(subset)


def test_a_seeded_document_numbers_its_characters_as_reportlab_would() -> None:
    """The seed's numbering copied from the process's first working-out (`fonts._seeded_codes`) is what reportlab's
    own splitString and `close_subset` give a fresh document, and a later character continues after it."""
    fonts()
    font = pdfmetrics.getFont(REGULAR)
    # 300 CJK characters: the numbering runs into a second subset, which the seed closes (`close_subset`)
    seed = "服务顾问 The board was live · 稽核（二）é" + "".join(chr(0x4E00 + 7 * k) for k in range(300))
    copied, worked = pdfdoc.PDFDocument(), pdfdoc.PDFDocument()
    for _ in range(2):  # the second time from the process's copy
        seed_font(REGULAR, copied, seed)
        font.splitString(seed, worked)
        close_subset(font, worked)
        mine, theirs = font.state.pop(copied), font.state.pop(worked)
        assert (mine.assignments, mine.subsets, mine.nextCode) == (theirs.assignments, theirs.subsets, theirs.nextCode)
        assert mine.nextCode == 512, "the seed ends on a closed subset"
    seed_font(REGULAR, copied, seed)
    font.splitString(seed, worked)
    close_subset(font, worked)
    assert font.splitString("驗", copied) == font.splitString("驗", worked)
    font.state.pop(copied), font.state.pop(worked)


def _is_composite(face: TTFontFace, code: int) -> bool:
    glyph = face.charToGlyph[code]
    start = face.get_table_pos("glyf")[0] + face.glyphPos[glyph]
    return face.glyphPos[glyph + 1] > face.glyphPos[glyph] and face._ttf_data[start] & 0x80 != 0


def test_warm_up_renders_a_few_reports_and_writes_nothing() -> None:
    """The warm-up before forking builds at most WARM_REPORTS + SEED_REPORTS reports of a long list, lazily
    (renders the first ones, adds the others' texts to the font seed), and a report rendered after it reads the
    same (its font subsets may be numbered differently: the seed is the union of what the process has seen, see
    `dealer.font_seed`)."""
    built: list[str] = []

    def reports() -> Iterator[DealerReport]:
        for k in range(100):
            built.append(str(k))
            yield make_dealer_report("zh")

    before = io.BytesIO()
    render_dealer_pdf(make_dealer_report("en"), before, invariant=True)
    warm_dealer_pdfs(reports())
    assert len(built) == WARM_REPORTS + SEED_REPORTS
    after = io.BytesIO()
    render_dealer_pdf(make_dealer_report("en"), after, invariant=True)
    assert _text(after.getvalue()) == _text(before.getvalue())


def _text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_font_seed_takes_no_text_an_auditor_wrote() -> None:
    """Free-text answers and photo names are the report's own: they never join the process-wide seed (which
    would grow with every report of a long-running web app and put their glyphs in other dealers' PDFs)."""
    from dataclasses import replace

    from dealer_audit.render.pdf.dealer import font_seed

    report = make_dealer_report("zh")
    block = report.audits[0].sections[0]
    written = replace(block.items[0], answer_text="龘齉 written by the auditor", free_answer=True)
    labelled = replace(block.items[1], answer_text="鬱 a label", free_answer=False)
    sections = (replace(block, items=(written, labelled, *block.items[2:])), *report.audits[0].sections[1:])
    seed = font_seed(replace(report, audits=(replace(report.audits[0], sections=sections), *report.audits[1:])))
    assert "龘" not in seed and "齉" not in seed and "鬱" in seed


def _placed_text(pdf: bytes) -> list[tuple[int, str, float, float]]:
    """Every piece of text of a PDF with its page and where it starts (text matrix × CTM), in drawing order."""
    placed: list[tuple[int, str, float, float]] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):

        def visit(
            text: str, cm: list[float], tm: list[float], _font: object, _size: object, page: int = number
        ) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                placed.append((page, text, x, y))

        page.extract_text(visitor_text=visit)
    return placed


def test_a_row_shown_again_as_one_block_is_placed_where_its_lines_were() -> None:
    """An item row drawn by an earlier report is written as one kept string of text operators (`text.RunBlock`,
    lines moved relative to each other); a second render of the same report places every piece of text where
    the first, line-by-line render placed it, in the same order and colours."""
    for lang in ("zh", "en"):
        report = make_dealer_report(lang, n_items=40)
        _plain_item_row.cache_clear()  # rows shown by earlier tests would be blocks in the first render too
        first, second = io.BytesIO(), io.BytesIO()
        render_dealer_pdf(report, first, invariant=True)
        render_dealer_pdf(report, second, invariant=True)
        contents = [
            b"".join(p.get_contents().get_data() for p in PdfReader(io.BytesIO(b.getvalue())).pages)
            for b in (first, second)
        ]
        assert contents[1].count(b" Td ") > contents[0].count(b" Td ") + 40, "the second render wrote blocks"
        before, after = _placed_text(first.getvalue()), _placed_text(second.getvalue())
        assert [(p, t) for p, t, _x, _y in after] == [(p, t) for p, t, _x, _y in before]
        for (_p, text, x0, y0), (_q, _t, x1, y1) in zip(before, after, strict=True):
            assert abs(x1 - x0) <= 0.02 and abs(y1 - y0) <= 0.02, text
        colours = [sorted(set(re.findall(rb"[-\d. ]+ rg", content))) for content in contents]
        assert colours[0] == colours[1]


def test_every_item_list_of_a_batch_shares_one_header_row() -> None:
    """The item lists' header row is one object across sections and reports of one language, so it is laid out
    and its text written once, then copied (`text.RunBlock`), not rebuilt for each of a report's ~16 sections."""
    st = styles()
    headers = []
    for _ in range(2):  # two reports
        story = dealer_story(make_dealer_report("zh", n_items=30), st, None)
        headers += [f.header for f in story if isinstance(f, RowTable) and f.header.cells[2].lines == ["结果"]]
    assert len(headers) >= 4 and all(h is headers[0] for h in headers)

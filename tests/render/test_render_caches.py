"""The per-process render caches a batch relies on: they change no byte of a report, and the warm-up before a
batch forks renders only a few reports."""

from __future__ import annotations

import io
from collections.abc import Iterator

from pypdf import PdfReader
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFace

from dealer_audit.core.report_model import DealerReport
from dealer_audit.render.pdf.dealer import render_dealer_pdf
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

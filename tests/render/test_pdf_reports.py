"""Dealer and regional PDFs read back: text per page (Chinese too), golden pages, hostile notes, evidence photos.

Golden files hold the extracted text of every page of a report rendered from a hand-written model with
reportlab's invariant mode. They depend on the font's metrics (line breaks), so they are compared only with the
font the install script sets up (WenQuanYi Micro Hei); regenerate with ``UPDATE_GOLDEN=1 pytest tests/render``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from dealer_audit.core.report_model import DealerReport, EvidenceView, RegionReport, Result
from dealer_audit.render.pdf import dealer as dealer_pdf
from dealer_audit.render.pdf import rowtable
from dealer_audit.render.pdf.dealer import render_dealer_pdf
from dealer_audit.render.pdf.fonts import fonts
from dealer_audit.render.pdf.region import render_region_pdf
from tests.render.report_fixtures import NASTY_NOTE, ScoredNetwork

GOLDEN = Path(__file__).parent / "golden"


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def render(report: DealerReport, resolver: object = None) -> bytes:
    buffer = io.BytesIO()
    render_dealer_pdf(report, buffer, resolver=resolver, invariant=True)  # type: ignore[arg-type]
    return buffer.getvalue()


def render_region(report: RegionReport) -> bytes:
    buffer = io.BytesIO()
    render_region_pdf(report, buffer, invariant=True)
    return buffer.getvalue()


def check_golden(name: str, pages: list[str]) -> None:
    if "wqy-microhei" not in fonts().source:
        pytest.skip(f"golden text was made with WenQuanYi Micro Hei; this machine uses {fonts().source}")
    path = GOLDEN / f"{name}.txt"
    text = "\n\f\n".join(pages)
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8").split("\n\f\n")
    assert len(pages) == len(expected), f"{name}: {len(pages)} pages, golden has {len(expected)}"
    for number, (got, want) in enumerate(zip(pages, expected, strict=True), start=1):
        assert got == want, f"{name} page {number} differs from {path}"


def resolver_for(folder: Path) -> Callable[[EvidenceView], Path | None]:
    def resolve(ev: EvidenceView) -> Path | None:
        path = folder / ev.sha256
        return path if path.is_file() else None

    return resolve


def test_dealer_pdf_page_one_shows_standing_in_english(dealer_report_en: DealerReport) -> None:
    pages = pages_text(render(dealer_report_en))
    first = pages[0]
    for expected in (
        "Shanghai Pudong Motors",
        "上海浦东汽车销售服务有限公司",
        "SH001",
        "East",
        "Shanghai",
        "600.0",
        "/ 1000",
        "Fair",
        "3 / 12",
        "17 / 48",
        "-125.4",
        "Section scores vs region and network",
        "Trend over waves",
        "Mini service mystery shop",
    ):
        assert expected in first, expected
    assert all(f"Page {n} of {len(pages)}" in text for n, text in enumerate(pages, start=1))
    assert all("mini-service 2026.1" in text and "Generated: 2026-11-23" in text for text in pages)


def test_dealer_pdf_in_chinese_reads_back(dealer_report_zh: DealerReport) -> None:
    pages = pages_text(render(dealer_report_zh))
    assert "经销商服务稽核报告" in pages[0]
    assert "服务体验指数" in pages[0] and "区域排名" in pages[0]
    body = "\n".join(pages)
    assert "服务顾问使用平板电脑接车" in body and "等了7分钟才有人接待" in body
    assert f"第 1 页 / 共 {len(pages)} 页" in pages[0]
    assert "整改计划" in body and "责任人" in body


def test_hostile_note_renders_as_text(dealer_report_en: DealerReport) -> None:
    """`<b>&`, emoji the font lacks and a 300-character word: no crash, text kept, nothing lost."""
    body = "\n".join(pages_text(render(dealer_report_en)))
    assert "Customer said <b>price & time</b> were fine" in body
    assert body.count("x") >= 300 * 2  # in the item table and the action plan, split over lines
    assert "👍" not in body  # replaced by a visible substitute, not an invisible missing glyph
    assert NASTY_NOTE.startswith("Customer said <b>")


def test_failed_items_repeat_and_knockout_marks(dealer_report_en: DealerReport) -> None:
    body = "\n".join(pages_text(render(dealer_report_en)))
    f = fonts()
    assert f.cross in body and f.check in body
    assert "↻ repeat" in body and "Knock-out" in body


def test_missing_check_glyphs_are_drawn_not_dropped(
    dealer_report_en: DealerReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dealer_audit.render.pdf import styles as styles_module

    real = styles_module.styles()
    no_marks = replace(real, fonts=replace(real.fonts, check=None, cross=None))
    monkeypatch.setattr(dealer_pdf, "styles", lambda font=None: no_marks)
    drawn: list[bool] = []
    original = rowtable._draw_mark

    def spy(canv: object, centre: float, bottom: float, size: float, passed: bool, colour: object) -> None:
        drawn.append(passed)
        original(canv, centre, bottom, size, passed, colour)  # type: ignore[arg-type]

    monkeypatch.setattr(rowtable, "_draw_mark", spy)
    render(dealer_report_en)
    assert True in drawn and False in drawn


def test_evidence_thumbnail_is_embedded(dealer_report_en: DealerReport, evidence_dir: Path) -> None:
    with_photo = PdfReader(io.BytesIO(render(dealer_report_en, resolver_for(evidence_dir))))
    without = PdfReader(io.BytesIO(render(dealer_report_en)))
    images = sum(len(page.images) for page in with_photo.pages)
    assert images == 1
    assert sum(len(page.images) for page in without.pages) == 0
    # a thumbnail, not the camera original: the PDF stays small
    assert len(with_photo.pages[1].images[0].data) < 60_000
    # embedded as the thumbnail's own JPEG bytes (rowtable.JpegReader names images by a digest instead of
    # reportlab's getRGBData: if reportlab ever drew from that, this would catch it)
    thumbnails = {t[0] for f in evidence_dir.iterdir() if (t := dealer_pdf._thumbnail(str(f))) is not None}
    (image,) = [x.get_object() for x in with_photo.pages[1]["/Resources"]["/XObject"].values()]
    assert list(image["/Filter"]) == ["/DCTDecode"] and image.get_data() in thumbnails


def test_missing_evidence_file_is_named_instead(dealer_report_en: DealerReport, tmp_path: Path) -> None:
    body = "\n".join(pages_text(render(dealer_report_en, resolver_for(tmp_path))))
    assert "Evidence: board.png" in body


def test_dealer_golden_pages(dealer_report_en: DealerReport, dealer_report_zh: DealerReport) -> None:
    check_golden("dealer_en", pages_text(render(dealer_report_en)))
    check_golden("dealer_zh", pages_text(render(dealer_report_zh)))


def test_invariant_output_is_byte_identical(dealer_report_en: DealerReport) -> None:
    assert render(dealer_report_en) == render(dealer_report_en)


def test_region_pdf_reads_back(region_report_en: RegionReport) -> None:
    pages = pages_text(render_region(region_report_en))
    body = "\n".join(pages)
    for expected in (
        "Regional Service Audit Report",
        "East",
        "League table",
        "Distribution across bands",
        "Heat map: dealers × sections",
        "Most-failed standards in the region",
        "Repeat failures",
        "E000",
        "950.0",
        "66.7%",
        "Index fell 25.0 points",
    ):
        assert expected in body, expected
    assert f"Page 1 of {len(pages)}" in pages[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_region_league_shows_the_shrunken_estimate_beside_the_index(lang: str) -> None:
    """Each league row reads index, 95% interval, then the shrunken estimate (the index is never replaced)."""
    from tests.render.report_fixtures import make_region_report

    report = make_region_report(lang)
    lines = "\n".join(pages_text(render_region(report))).splitlines()
    head = lines.index("收缩估计" if lang == "zh" else "Shrunken")
    assert lines[head - 1] == report.t("ci95") and lines[head + 1].strip() in ("等级", "estimate")
    for row in report.league:
        at = lines.index(row.dealer_code)
        assert row.interval is not None
        assert lines[at + 3 : at + 6] == [row.index.text, row.interval.text, row.shrunk.text]


def test_region_golden_pages(region_report_en: RegionReport) -> None:
    check_golden("region_en", pages_text(render_region(region_report_en)))


@pytest.mark.slow
def test_real_network_reports_render_in_both_languages(network: ScoredNetwork) -> None:
    """Builders on real scores feed the renderers: every dealer's PDF renders, figures match the scores."""
    from dealer_audit.core.report_model import build_dealer_report, build_region_report

    for d in (network.result.dealers[0], network.result.dealers[-1]):
        for lang in ("zh", "en"):
            report = build_dealer_report(
                network.result,
                d.code,
                network.standards,
                network.audits,
                lang=lang,
                generated="2026-11-23",
                history=[network.previous],
            )
            text = pages_text(render(report, network.resolver()))
            assert report.composite.text in text[0]
            assert d.dealer.name.zh in text[0]
            failed = sum(1 for a in report.audits for s in a.sections for i in s.items if i.result is Result.FAIL)
            assert "\n".join(text).count(fonts().cross) >= failed
    region = build_region_report(
        network.result, network.result.regions[0].code, network.standards, lang="zh", generated="2026-11-23"
    )
    assert "区域排名表" in "\n".join(pages_text(render_region(region)))


def test_heat_tenths_average_each_tenth_of_the_ranking() -> None:
    from dealer_audit.core.report_model import Figure, HeatRow
    from dealer_audit.core.report_model.region import _heat_tenths

    rows = [HeatRow(f"D{k:03}", "", (Figure.of(100.0 - k), Figure.of(None if k % 2 else 50.0))) for k in range(25)]
    tenths = _heat_tenths(rows, "en")
    assert len(tenths) == 10
    assert tenths[0].dealer_name == "Tenth 1/10 (ranks 1–2)" and tenths[-1].dealer_name == "Tenth 10/10 (ranks 23–25)"
    assert tenths[0].cells[0].value == pytest.approx(99.5)  # dealers 0 and 1
    assert tenths[0].cells[1].value == pytest.approx(50.0)  # only dealer 0 has a score there
    assert tenths[-1].cells[0].value == pytest.approx((100 - 22 + 100 - 23 + 100 - 24) / 3)
    small = _heat_tenths(rows[:3], "zh")
    assert [r.dealer_name for r in small] == [
        "第 1/3 段（第 1–1 名）",
        "第 2/3 段（第 2–2 名）",
        "第 3/3 段（第 3–3 名）",
    ]


@pytest.mark.slow
def test_a_big_region_gets_a_heat_map_overview(tmp_path: Path) -> None:
    """A region of more than 40 dealers: its ranking in tenths, then the 15 lowest-ranked dealers; the standard
    of each column is named above it."""
    from dealer_audit.core.report_model import build_region_report
    from tests.render.report_fixtures import scored_network

    network = scored_network(str(tmp_path), dealers=200)
    group = max(network.result.regions, key=lambda g: len(g.dealer_codes))
    assert len(group.dealer_codes) > 40
    report = build_region_report(network.result, group.code, network.standards, lang="en", generated="2026-11-23")
    text = "\n".join(pages_text(render_region(report)))
    assert "Section scores by ranking tenth" in text and "Tenth 10/10" in text
    assert "The 15 lowest-ranked dealers" in text and "HQ workbook, Dealers sheet" in text
    heat = text[text.index("Section scores by ranking tenth") : text.index("HQ workbook, Dealers sheet")]
    ranked = [row.dealer_code for row in report.heat_rows]
    listed = [code for code in ranked if code in heat]
    assert listed == ranked[-15:]  # the lowest-ranked, not all 40+
    assert "svc-mystery-shop" in heat and "digital-service" in heat

"""The dealer PDF's KPI table (render/pdf/kpi_section.py), now a RowTable: every text the platypus Table showed,
in the same sizes (the KPI's name 7.5 pt with its direction under it at 6.5 pt, unit and "counts in" at 7 pt),
read in the same order, and the header repeated when it runs onto a second page."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, SimpleDocTemplate

from dealer_audit.core.kpi_report import DealerKpiPanel, KpiLine
from dealer_audit.core.report_model import Figure
from dealer_audit.render.pdf.kpi_section import _kpi_table
from dealer_audit.render.pdf.page import content_width
from dealer_audit.render.pdf.rowtable import RowTable
from dealer_audit.render.pdf.styles import styles


def _panel(lines: int) -> DealerKpiPanel:
    kpi_lines = tuple(
        KpiLine(
            kpi_id=f"k{k}",
            name=f"移动接车率 {k}",
            unit="%",
            direction="越高越好",
            enters="KPI 指数",
            value=Figure(80.0 + k, f"{80.0 + k:.1f}"),
            score=Figure(None, "–"),
            base_n=str(100 + k),
        )
        for k in range(lines)
    )
    none = Figure(None, "–")
    return DealerKpiPanel("zh", kpi_lines, none, "0%", none, none, None, ())


def _render(story: list[Flowable]) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story)
    return buffer.getvalue()


def _sized_text(data: bytes) -> list[tuple[str, float]]:
    """Every piece of text with its font size, in reading order."""
    pieces: list[tuple[str, float]] = []

    def visit(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
        if text.strip():
            pieces.append((text.strip(), round(size * tm[0], 2)))

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return pieces


def test_kpi_table_shows_each_text_in_its_size_and_order() -> None:
    st = styles()
    table = _kpi_table(_panel(2), st, content_width())
    assert isinstance(table, RowTable)
    pieces = _sized_text(_render([table]))
    texts = [t for t, _ in pieces]
    for k in range(2):
        name = texts.index(f"移动接车率 {k}")
        assert texts[name + 1 : name + 7] == ["越高越好", f"{80.0 + k:.1f}", "%", str(100 + k), "–", "KPI 指数"]
    sizes = dict(pieces)
    assert sizes["移动接车率 0"] == 7.5
    assert sizes["越高越好"] == 6.5  # the direction under the name, smaller
    assert sizes["%"] == 7 and sizes["KPI 指数"] == 7
    assert sizes["指标"] == 7.5  # the header


def test_kpi_table_repeats_its_header_on_the_next_page() -> None:
    data = _render([_kpi_table(_panel(40), styles(), content_width())])
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) == 2
    assert all("指标" in page and "样本量" in page for page in pages)
    assert "移动接车率 39" in pages[1] and "移动接车率 39" not in pages[0]

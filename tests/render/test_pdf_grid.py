"""grid.CellGrid, which draws the dealer PDF's key figures and boxes in place of platypus Tables: the same
cells give the same height and every text at the same place, in the same size and reading order as the Table
with the matching style (paddings, spanned title row, top or bottom alignment, an empty cell's height)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dealer_audit.render.pdf.grid import EMPTY_CELL, CellGrid, Rule, framed_box
from dealer_audit.render.pdf.styles import GREY_LINE, GREY_TEXT, NAVY, Styles, styles
from dealer_audit.render.pdf.text import Run, TextBlock

Placed = tuple[str, float, float, float]  # text, x, y, size


def _placed(story: list[Flowable]) -> list[Placed]:
    """Every piece of text with its page position and size, in reading order."""
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story)
    pieces: list[Placed] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            pieces.append((text.strip(), round(x, 1), round(y, 1), round(size * tm[0], 2)))

    for page in PdfReader(io.BytesIO(buffer.getvalue())).pages:
        page.extract_text(visitor_text=visit)
    return pieces


def _cells(st: Styles) -> list[list[TextBlock]]:
    font = st.fonts.regular
    return [
        [
            TextBlock("排名 region", font, 7.5, GREY_TEXT),
            TextBlock("a label that wraps onto two lines", font, 7),
        ],
        [
            TextBlock([Run("金牌", NAVY, 11), Run("返利 1.5 %", GREY_TEXT, 8)], font, 8.5),
            TextBlock("17 / 48", font, 16),
        ],
        [TextBlock("–12.5", font, 7.5, align="right"), TextBlock("significant", font, 7, colors.green)],
    ]


def test_grid_places_text_as_the_table_did_with_bottom_alignment_and_rules() -> None:
    st = styles()
    widths = [120.0, 90.0]
    table = Table(_cells(st), colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 1),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 1),
                ("BOTTOMPADDING", (0, 2), (-1, 2), 4),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (0, 2), (-1, 2), 0.5, GREY_LINE),
            ]
        )
    )
    grid = CellGrid(_cells(st), widths, right=6, bottom=[1, 1, 4], valign="bottom", rules=[Rule(2, 0.5, GREY_LINE)])
    assert grid.wrap(500, 800)[1] == table.wrap(500, 800)[1]
    expected = _placed([table])
    assert len(expected) == 8  # the label wraps onto two lines, the tier and its payout are two runs
    assert _placed([grid]) == expected


def test_framed_box_matches_the_boxed_table_with_a_title_across_and_an_empty_cell() -> None:
    st = styles()
    widths = [60.0, 300.0]
    font = st.fonts.regular

    def body() -> list[list[TextBlock]]:
        return [
            [TextBlock("■ 否决项", font, 8.5, colors.red), TextBlock("R02 预约数据再次询问：指数上限 60", font, 8.5)],
            [TextBlock("无", font, 8.5, colors.green)],
        ]

    table_rows: list[list[Flowable | str]] = [[Paragraph("否决项与预警", st.h3), ""], *body()]
    table_rows[-1].append("")  # an empty string cell: a Table makes it one 12 pt line high
    table = Table(table_rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (-1, 0)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), colors.lightgrey),
                ("BOX", (0, 0), (-1, -1), 0.8, GREY_LINE),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
            ]
        )
    )
    grid_rows: list[list[Flowable | None]] = [[Paragraph("否决项与预警", st.h3)], *body()]  # one cell: across
    grid_rows[-1].append(Spacer(0, EMPTY_CELL))
    box = framed_box(grid_rows, widths, colors.lightgrey, GREY_LINE)
    assert box.wrap(500, 800)[1] == table.wrap(500, 800)[1]
    expected = _placed([table])
    assert [t for t, *_ in expected] == ["否决项与预警", "■ 否决项", "R02 预约数据再次询问：指数上限 60", "无"]
    assert _placed([box]) == expected


def test_a_box_taller_than_a_page_breaks_between_rows_and_keeps_every_row() -> None:
    """A dealer with dozens of knock-outs and alerts (a region with many flagged dealers): the box is continued on
    the next page, every row once and in order, each part framed, instead of a LayoutError."""
    st = styles()
    font = st.fonts.regular
    rows: list[list[TextBlock | None]] = [[TextBlock("扣分项与警示 Knock-outs and alerts", font, 9)]]
    rows += [[TextBlock(f"警示 {k}", font, 8), TextBlock(f"alert number {k:03d} " * 6, font, 8)] for k in range(90)]
    box = framed_box(rows, [120, 380], colors.whitesmoke, GREY_LINE)
    texts = [text for text, *_ in _placed([box])]
    numbers = [int(t.split()[2]) for t in texts if t.startswith("alert number")]
    assert numbers == list(range(90))
    pages = PdfReader(io.BytesIO(_built([framed_box(rows, [120, 380], colors.whitesmoke, GREY_LINE)]))).pages
    assert len(pages) >= 2


def _built(story: list[Flowable]) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story)
    return buffer.getvalue()


def test_a_dealer_pdf_with_eighty_alerts_renders_them_all() -> None:
    from dataclasses import replace

    from dealer_audit.core.report_model.dealer import Notice
    from dealer_audit.render.pdf.dealer import render_dealer_pdf
    from tests.render.report_fixtures import make_dealer_report

    report = replace(make_dealer_report("en"), notices=tuple(Notice("alert", f"alert {k:02d} fell") for k in range(80)))
    buffer = io.BytesIO()
    render_dealer_pdf(report, buffer)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages)
    assert all(f"alert {k:02d} fell" in text for k in range(80))

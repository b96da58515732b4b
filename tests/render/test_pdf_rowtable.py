"""RowTable's backgrounds: painted in layers, each colour's rectangles in one path, they must look exactly as
painting row by row looked (row fill, then column fills, then the failed row's bar, then cell fills)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from dealer_audit.render.pdf.rowtable import Cell, Row, RowTable, make_row
from dealer_audit.render.pdf.styles import styles

GREY = colors.HexColor("#eeeeee")
PINK = colors.HexColor("#fde8e8")
RED = colors.HexColor("#c62828")
BLUE = colors.HexColor("#e3f2fd")
NAVY = colors.HexColor("#1f3a5f")
WIDTHS = (40.0, 120.0, 60.0, 50.0)


def _rows() -> list[Row]:
    """Rows whose fills overlap within a row and repeat across rows: a later row's fill has the colour of an
    earlier layer, so painting a colour's rectangles together in the wrong order would show."""
    rows = []
    for k in range(9):
        cells = [Cell([f"r{k}c{c}"], fill=BLUE if (k, c) in {(2, 1), (5, 3), (7, 0)} else None) for c in range(4)]
        fill = (PINK if k % 3 == 0 else GREY) if k % 2 == 0 or k % 3 == 0 else None
        rows.append(make_row(cells, fill, RED if k % 3 == 0 else None))
    return rows


def _painted(content: str) -> list[tuple[tuple[float, float, float], tuple[float, float, float, float]]]:
    """The filled rectangles of a content stream in painting order, with the fill colour each was painted in."""
    painted = []
    colour = (0.0, 0.0, 0.0)
    pending: list[tuple[float, float, float, float]] = []
    tokens = re.findall(r"\((?:\\.|[^\\)])*\)|\S+", content)
    for i, token in enumerate(tokens):
        if token == "rg":
            colour = tuple(float(v) for v in tokens[i - 3 : i])  # type: ignore[assignment]
        elif token == "re":
            pending.append(tuple(float(v) for v in tokens[i - 4 : i]))  # type: ignore[arg-type]
        elif token in ("f", "f*"):
            painted.extend((colour, rect) for rect in pending)
            pending = []
        elif token in ("n", "S"):
            pending = []
    return painted


def _colour_at(painted: list, x: float, y: float) -> tuple[float, float, float] | None:
    shown = None
    for colour, (rx, ry, rw, rh) in painted:
        if rx <= x <= rx + rw and ry <= y <= ry + rh:
            shown = colour
    return shown


def _rgb(colour: colors.Color) -> tuple[float, float, float]:
    return (round(colour.red, 3), round(colour.green, 3), round(colour.blue, 3))


def test_the_layered_fills_show_what_row_by_row_painting_showed() -> None:
    st = styles()
    header = make_row([Cell(["h"], colors.white) for _ in WIDTHS])
    column_fills = (None, None, GREY, None)  # the same grey as some rows: must still lie over every row fill
    rows = _rows()
    table = RowTable(
        WIDTHS, header, rows, st.fonts.regular, header_fill=NAVY, line_color=GREY, column_fills=column_fills
    )
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=0)
    table.wrapOn(canvas, 400, 800)
    table.drawOn(canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    content = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].get_contents().get_data().decode("latin-1")
    painted = [(tuple(round(v, 3) for v in c), r) for c, r in _painted(content)]

    xs = [0.0]
    for w in WIDTHS:
        xs.append(xs[-1] + w)
    y = table.height - header.height
    assert _colour_at(painted, 100, y + header.height / 2) == _rgb(NAVY)
    for row in rows:
        middle = y - row.height / 2
        for c, cell in enumerate(row.cells):
            expected = None  # what row-by-row painting left on top in this cell
            for layer in (row.fill, column_fills[c], row.bar if c == 0 else None, cell.fill):
                if layer is not None:
                    expected = _rgb(layer)
            x = xs[c] + (1 if c == 0 else (xs[c + 1] - xs[c]) / 2)  # x=1 lies on the 2-point bar
            assert _colour_at(painted, x, middle) == expected, (row, c)
        y -= row.height
    # one colour operator per colour of each layer, not one per row
    fill_pass = content[: content.index("BT", content.index(" re"))]  # the page up to the table's text
    assert fill_pass.count(" rg") == 6  # navy; pink and grey rows; grey columns; red bars; blue cells

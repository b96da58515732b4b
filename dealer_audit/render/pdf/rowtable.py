"""A lean table for long item lists: pre-wrapped cells, one text object per page, a repeated header.

Why not platypus.Table for the item lists: a dealer report is mostly item rows (100–300 of them, six cells
each), and Table's generality costs per cell — a style lookup, a saved and restored graphics state, a new
text object for every line, a second layout pass for the split. `RowTable` knows its cells are plain text in
one font (plus the odd thumbnail), so it lays rows out once, splits between rows, and writes each page chunk's
text in a single BT…ET block. Same look as the Table it replaces; several times less work per cell.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from dealer_audit.render.pdf.fonts import Fonts
from dealer_audit.render.pdf.text import MAX_LINES, BlockOps, RunBlock, fill_op, is_opaque, text_width, wrap_text
from dealer_audit.render.pdf.text import Run_ as _Run
from dealer_audit.render.pdf.text import colour_key as _colour_key
from dealer_audit.render.pdf.text import show_all as _show_all

PAD_X, PAD_TOP, PAD_BOTTOM = 3.0, 2.0, 2.5


@dataclass(frozen=True)
class Thumb:
    data: bytes  # a small JPEG
    width: float  # as drawn, in points
    height: float


@dataclass(frozen=True)
class Cell:
    lines: Sequence[str] = ()
    color: colors.Color = colors.black
    size: float = 7.5
    align: str = "left"  # left | right | center
    thumbs: Sequence[Thumb] = ()
    after: Sequence[str] = ()  # lines under the thumbnails (e.g. file names), in `after_color`
    after_color: colors.Color = colors.grey
    after_size: float = 0.0  # the size of the `after` lines when not `size` (a smaller second line), same leading
    drawn_mark: bool | None = None  # draw a ✓ (True) or ✗ (False) with lines: for fonts without those glyphs
    fill: colors.Color | None = None  # this cell's background, over the row's
    leading: float = 0.0  # line spacing when not 1.25 × size (a larger figure in a row of smaller text)

    @property
    def lead(self) -> float:
        return self.leading or self.size * 1.25

    def height(self) -> float:
        lead = self.lead
        h = len(self.lines) * lead
        if self.thumbs:
            h += max(t.height for t in self.thumbs) + 2
        return h + len(self.after) * lead


@dataclass(frozen=True)
class Row:
    cells: Sequence[Cell]
    fill: colors.Color | None = None
    bar: colors.Color | None = None  # a coloured bar on the left edge (failed rows)
    height: float = field(default=0.0)
    # the row's text runs laid out per font and column layout (baselines relative to its top): most rows of a
    # batch are shared by its reports (dealer._plain_item_row), so each is laid out once per process, not per PDF
    text_runs: dict[tuple[str, tuple[float, ...]], list[_Run]] = field(default_factory=dict, compare=False, repr=False)
    # and, per column layout, those runs' text operators once written (see text.RunBlock)
    text_ops: dict[tuple[str, tuple[float, ...]], dict[tuple[str, str], BlockOps | None]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def has_thumbs(self) -> bool:
        return any(cell.thumbs for cell in self.cells)


def cell_lines(
    text: str,
    fonts: Fonts,
    width: float,
    size: float = 7.5,
    max_lines: int = MAX_LINES,
) -> list[str]:
    """A cell's text cleaned for the report font and wrapped to its column inside the padding (at most
    `max_lines` lines, then an ellipsis); characters of the fallback font stay (the RowTable draws them).
    An empty text is one empty line."""
    if not text:
        return [""]
    return wrap_text(fonts.clean(text), fonts.regular, size, width - 2 * PAD_X, max_lines)


def make_row(
    cells: Sequence[Cell], fill: colors.Color | None = None, bar: colors.Color | None = None, min_height: float = 0.0
) -> Row:
    return Row(cells, fill, bar, max(max((c.height() for c in cells), default=0.0) + PAD_TOP + PAD_BOTTOM, min_height))


class RowTable(Flowable):
    def __init__(
        self,
        widths: Sequence[float],
        header: Row,
        rows: Sequence[Row],
        font: str,
        *,
        header_fill: colors.Color,
        line_color: colors.Color,
        column_fills: Sequence[colors.Color | None] = (),
        grid: bool = False,
        table_lines: bool = False,
    ) -> None:
        """`column_fills`: a background per column of the body rows (cells to fill in by hand); `grid`: lines
        between the columns of the body too, not only between rows; `table_lines`: every line ends as platypus
        Table's `drawString` ends it (T*), so text extraction reads the cells exactly as it read a Table's (for
        tables that replace one whose extracted text is relied on)."""
        super().__init__()
        self.widths, self.header, self.rows, self.font = list(widths), header, list(rows), font
        self.header_fill, self.line_color = header_fill, line_color
        self.column_fills, self.grid, self.table_lines = tuple(column_fills), grid, table_lines
        self.width = sum(self.widths)
        self.height = header.height + sum(r.height for r in self.rows)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        room = available_height - self.header.height
        used, k = 0.0, 0
        for row in self.rows:
            if used + row.height > room:
                break
            used += row.height
            k += 1
        if k == 0 or k == len(self.rows):
            return []  # not even one row fits (the frame moves the table to the next page), or all fit
        return [self._part(self.rows[:k]), self._part(self.rows[k:])]

    def _part(self, rows: Sequence[Row]) -> RowTable:
        return RowTable(
            self.widths,
            self.header,
            rows,
            self.font,
            header_fill=self.header_fill,
            line_color=self.line_color,
            column_fills=self.column_fills,
            grid=self.grid,
            table_lines=self.table_lines,
        )

    def draw(self) -> None:
        canv = self.canv
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        # pass 1: fills, bars and rules. The fills are painted in layers (the header's, the rows', the columns',
        # the failed rows' bars, the cells'), each layer's rectangles of one colour in one path. Rows never overlap
        # one another, so this paints what row-by-row painting paints, with a few operators instead of a colour
        # and a rectangle call per row (the canvas API's cost per call was most of this pass in a long item list).
        y = self.height
        canv.saveState()
        layers: tuple[_FillLayer, ...] = ({}, {}, {}, {}, {})
        header_layer, row_layer, column_layer, bar_layer, cell_layer = layers
        _add_fill(header_layer, self.header_fill, 0, y - self.header.height, self.width, self.header.height)
        y -= self.header.height
        rules: list[float] = []
        marks: list[tuple[Cell, float, float]] = []
        column_fills = [
            (fill, x0, x1 - x0) for fill, x0, x1 in zip(self.column_fills, xs, xs[1:], strict=False) if fill is not None
        ]
        for row in self.rows:
            top = y
            y -= row.height
            if row.fill is not None:
                _add_fill(row_layer, row.fill, 0, y, self.width, row.height)
            for column_fill, x0, w in column_fills:
                _add_fill(column_layer, column_fill, x0, y, w, row.height)
            if row.bar is not None:
                _add_fill(bar_layer, row.bar, 0, y, 2, row.height)
            for cell, x0, x1 in zip(row.cells, xs, xs[1:], strict=False):
                if cell.fill is not None:
                    _add_fill(cell_layer, cell.fill, x0, y, x1 - x0, row.height)
                if cell.drawn_mark is not None:
                    marks.append((cell, (x0 + x1) / 2, top - PAD_TOP - cell.size))
            rules.append(y)
        _paint_fills(canv, layers)
        for cell, centre, bottom in marks:
            _draw_mark(canv, centre, bottom, cell.size, bool(cell.drawn_mark), cell.color)
        if rules:
            canv.setStrokeColor(self.line_color)
            canv.setLineWidth(0.3)
            path = canv.beginPath()
            for ry in rules:
                path.moveTo(0, ry)
                path.lineTo(self.width, ry)
            if self.grid:
                body_top = self.height - self.header.height
                path.moveTo(0, body_top)
                path.lineTo(self.width, body_top)
                for gx in xs:
                    path.moveTo(gx, body_top)
                    path.lineTo(gx, rules[-1])
            canv.drawPath(path, stroke=1, fill=0)
        # pass 2: every line of text of this chunk in one text object, in reading order (row by row, so text
        # extraction and screen readers follow the table); font and colour are set only when they change
        runs: list[_Run | RunBlock] = []
        images: list[tuple[Thumb, float, float]] = []
        y = self.height
        columns = (self.font, tuple(xs))
        font = pdfmetrics.getFont(self.font)
        fast = isinstance(font, TTFont) and not font.shapable
        blocks = fast and not self.table_lines  # rows shown before may be shown as one block (text.RunBlock)
        for row in [self.header, *self.rows]:
            if row.has_thumbs:
                runs.extend(self._lay_out(row, xs, y, images))
            else:
                laid = row.text_runs.get(columns)
                if laid is not None and blocks:  # a row shown before, most likely by another report of the batch
                    runs.append(RunBlock(y, laid, row.text_ops.setdefault(columns, {})))
                else:
                    if laid is None:  # the row's lines, placed once per column layout (see Row.text_runs)
                        laid = row.text_runs[columns] = self._lay_out(row, xs)
                    runs.extend([(size, key, colour, x, y + dy, line) for size, key, colour, x, dy, line in laid])
            y -= row.height
        # a Table starts each line's text object at the line; so does this one with `table_lines`
        text = canv.beginText(*runs[0][3:5]) if self.table_lines and runs else canv.beginText()  # type: ignore[misc]
        if fast:
            _show_all(text, canv, font, self.font, runs, "T*" if self.table_lines else "")
        else:
            current: tuple[float, str] | None = None
            for size, key, colour, x, base, line in runs:  # type: ignore[misc]  (no blocks: not `fast`)
                if current is None or current[0] != size:
                    text.setFont(self.font, size)
                if current is None or current[1] != key:
                    text.setFillColor(colour)
                current = (size, key)
                text.setTextOrigin(x, base)
                if self.table_lines:
                    text.textLine(line)
                else:
                    text.textOut(line)
        canv.drawText(text)
        for thumb, tx, ty in images:
            canv.drawImage(_reader(thumb.data), tx, ty, thumb.width, thumb.height)
        canv.restoreState()

    def _lay_out(
        self,
        row: Row,
        xs: Sequence[float],
        top: float = 0.0,
        images: list[tuple[Thumb, float, float]] | None = None,
    ) -> list[_Run]:
        """A row's text runs with baselines from `top` (0: relative to the row's top, as cached per column layout);
        with `images`, each cell's thumbnails are placed there too, between its text and its `after` lines."""
        runs: list[_Run] = []
        for cell, x0, x1 in zip(row.cells, xs, xs[1:], strict=False):
            lead = cell.lead
            baseline = self._place(runs, cell.lines, cell, x0, x1, top - PAD_TOP - cell.size, lead, cell.color)
            if cell.thumbs and images is not None:
                tx = x0 + PAD_X
                tallest = max(t.height for t in cell.thumbs)
                thumbs_top = baseline + cell.size - 1
                for thumb in cell.thumbs:
                    images.append((thumb, tx, thumbs_top - thumb.height))
                    tx += thumb.width + 2
                baseline -= tallest + 2
            if cell.after:
                size = cell.after_size or cell.size
                self._place(runs, cell.after, cell, x0, x1, baseline, lead, cell.after_color, size)
        return runs

    def _place(
        self,
        runs: list[_Run],
        lines: Sequence[str],
        cell: Cell,
        x0: float,
        x1: float,
        baseline: float,
        lead: float,
        colour: colors.Color,
        size: float = 0.0,
    ) -> float:
        key = _colour_key(colour)
        size = size or cell.size
        for line in lines:
            if line:
                if cell.align == "right":
                    x = x1 - PAD_X - text_width(line, self.font, size)
                elif cell.align == "center":
                    x = (x0 + x1 - text_width(line, self.font, size)) / 2
                else:
                    x = x0 + PAD_X
                runs.append((size, key, colour, x, baseline, line))
            baseline -= lead
        return baseline


_FillLayer = dict[str, tuple[colors.Color, list[str]]]  # colour key -> (colour, its rectangles as PDF numbers)


def _add_fill(layer: _FillLayer, colour: colors.Color, x: float, y: float, width: float, height: float) -> None:
    key = _colour_key(colour)
    entry = layer.get(key)
    if entry is None:
        entry = layer[key] = (colour, [])
    entry[1].append(fp_str(x, y, width, height))


def _paint_fills(canv: Canvas, layers: Sequence[_FillLayer]) -> None:
    """Each layer in turn, each colour of a layer as one filled path of its rectangles (what `Canvas.rect` with
    `fill=1, stroke=0` paints, one rectangle at a time)."""
    code = canv._code
    for layer in layers:
        for colour, rectangles in layer.values():
            if is_opaque(colour):
                code.append(fill_op(colour))
            else:
                canv.setFillColor(colour)  # the canvas API sets the transparency's graphics state
            code.append("n " + " re ".join(rectangles) + " re f")


class JpegReader(ImageReader):
    """An image reader of a JPEG whose identity for `Canvas.drawImage` is a digest of its bytes, made once.

    Why: drawImage names an image (to embed a repeated one once per document) by hashing `getRGBData()` — every
    decoded pixel of the photo, copied and hashed again for every photo of every PDF (~0.2 ms each). A JPEG is
    embedded as it is (DCTDecode, `jpeg_fh`), never from its pixels, so its own bytes identify it as well; the
    embedded image is the same."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self._identity = hashlib.sha256(data).digest() if self.jpeg_fh() is not None else None
        self._dataA = None  # no transparency (what getRGBData would set for a JPEG)

    def getRGBData(self) -> bytes:
        """The digest for drawImage's name of a JPEG (its pixels are not needed to embed it), else the pixels."""
        return self._identity if self._identity is not None else bytes(super().getRGBData())


@lru_cache(maxsize=256)
def _reader(data: bytes) -> ImageReader:
    """One image reader per thumbnail and process, so a photo shown in many reports of a batch is read once."""
    return JpegReader(data)


def _draw_mark(canv: Canvas, centre: float, bottom: float, size: float, passed: bool, colour: colors.Color) -> None:
    canv.setStrokeColor(colour)
    canv.setLineWidth(1.1)
    x = centre - size / 2
    if passed:
        tick = [(x, bottom + size * 0.5, x + size * 0.35, bottom + size * 0.1),
                (x + size * 0.35, bottom + size * 0.1, x + size, bottom + size * 0.9)]  # fmt: skip
        canv.lines(tick)
    else:
        canv.lines([(x, bottom, x + size, bottom + size), (x, bottom + size, x + size, bottom)])

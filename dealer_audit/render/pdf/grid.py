"""A small grid of cells drawn directly: the boxes and key figures of the dealer PDF.

Why not platypus.Table: a dealer PDF has a handful of small tables (key figures, knock-outs and alerts, incentive
tier, integrity flags) and Table's generality (style commands resolved per cell, a saved graphics state and a
text object per cell, span bookkeeping, split support) cost ~1.6 ms per PDF together, a tenth of a small report. A
`CellGrid` lays its cells out as Table did (the same paddings, row heights and vertical alignment) and writes the
text of its `TextBlock` cells itself (no style lookup or flowable protocol per cell). A grid taller than the
frame breaks between rows as Table did (a dealer with dozens of knock-outs and alerts, a region with many flagged
dealers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from reportlab.lib import colors
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable

from dealer_audit.render.pdf.text import TextBlock, fast_font, show_all

EMPTY_CELL = 12.0  # the height a Table gave an empty string cell (one line of its default 10 pt font): a Spacer
# of this height in a row keeps that row as high as it was


@dataclass(frozen=True)
class Rule:
    """A line under row `row` (negative counts from the end) across the grid."""

    row: int
    width: float
    color: colors.Color


class CellGrid(Flowable):
    def __init__(
        self,
        rows: Sequence[Sequence[Flowable | None]],
        widths: Sequence[float],
        *,
        left: float = 0.0,
        right: float = 0.0,
        top: float | Sequence[float] = 0.0,
        bottom: float | Sequence[float] = 0.0,
        valign: str = "top",
        fill: colors.Color | None = None,
        box: tuple[float, colors.Color] | None = None,
        rules: Sequence[Rule] = (),
    ) -> None:
        """`rows`: a row of one cell spans every column; None is an empty cell (no height). `top`/`bottom`: the
        cell paddings, one for all rows or one per row; `valign`: top or bottom (a Table's VALIGN);
        `fill` and `box`: the grid's background and its border (width, colour)."""
        super().__init__()
        self.rows = [list(r) for r in rows]
        self.widths = list(widths)
        self.left, self.right, self.valign = left, right, valign
        n = len(self.rows)
        self.tops = list(top) if isinstance(top, Sequence) else [top] * n
        self.bottoms = list(bottom) if isinstance(bottom, Sequence) else [bottom] * n
        self.fill, self.box, self.rules = fill, box, list(rules)
        self.width = sum(self.widths)
        self.hAlign = "CENTER"  # in a frame wider than the grid, as a Table sits
        self.heights: list[float] = []
        self.height = 0.0

    def _spans(self, row: Sequence[Flowable | None]) -> list[tuple[Flowable | None, float, float]]:
        """(cell, x, width) of each cell of a row."""
        if len(row) == 1:
            return [(row[0], 0.0, self.width)]
        out, x = [], 0.0
        for cell, w in zip(row, self.widths, strict=True):
            out.append((cell, x, w))
            x += w
        return out

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if not self.heights:
            for k, row in enumerate(self.rows):
                h = 0.0
                for cell, _x, w in self._spans(row):
                    if cell is not None:
                        h = max(h, cell.wrap(w - self.left - self.right, 1e6)[1])
                self.heights.append(h + self.tops[k] + self.bottoms[k])
            self.height = sum(self.heights)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        """The rows that fit `available_height`, then the rest, each part with the grid's fill, box and rules;
        nothing (move on whole) when not even the first row fits."""
        self.wrap(available_width, available_height)
        used, fits = 0.0, 0
        while fits < len(self.rows) and used + self.heights[fits] <= available_height:
            used += self.heights[fits]
            fits += 1
        if fits in (0, len(self.rows)):
            return []
        return [self._part(0, fits), self._part(fits, len(self.rows))]

    def _part(self, start: int, stop: int) -> CellGrid:
        n = len(self.rows)
        rules = [replace(r, row=r.row % n - start) for r in self.rules if start <= r.row % n < stop]
        return CellGrid(
            self.rows[start:stop],
            self.widths,
            left=self.left,
            right=self.right,
            top=self.tops[start:stop],
            bottom=self.bottoms[start:stop],
            valign=self.valign,
            fill=self.fill,
            box=self.box,
            rules=rules,
        )

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        if self.fill is not None:
            canv.setFillColor(self.fill)
            canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        blocks: list[tuple[TextBlock, TTFont, float, float]] = []
        y = self.height
        for k, row in enumerate(self.rows):
            bottom = y - self.heights[k]
            for cell, x, _w in self._spans(row):
                if cell is None:
                    continue
                cx = x + self.left
                cy = y - self.tops[k] - cell.height if self.valign == "top" else bottom + self.bottoms[k]
                font = fast_font(cell.font) if isinstance(cell, TextBlock) else None
                if isinstance(cell, TextBlock) and font is not None:
                    blocks.append((cell, font, cx, cy))
                else:
                    cell.drawOn(canv, cx, cy)
            y = bottom
        for rule in self.rules:
            ry = self.height - sum(self.heights[: rule.row % len(self.rows) + 1])
            canv.setStrokeColor(rule.color)
            canv.setLineWidth(rule.width)
            canv.line(0, ry, self.width, ry)
        if self.box is not None:
            canv.setStrokeColor(self.box[1])
            canv.setLineWidth(self.box[0])
            canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        # one text object per cell in the cell's own coordinates, as each TextBlock in a Table wrote it (text
        # extraction joins and breaks the lines of the cells as it did)
        for block, font, cx, cy in blocks:
            canv.saveState()
            canv.translate(cx, cy)
            text = canv.beginText()
            show_all(text, canv, font, block.font, block.placed_runs())
            canv.drawText(text)
            canv.restoreState()
        canv.restoreState()


BOX_PAD = 6.0  # a framed box's padding at the sides of its cells and under its last row


def framed_box(
    rows: Sequence[Sequence[Flowable | None]],
    widths: Sequence[float],
    fill: colors.Color,
    line: colors.Color,
    top: float = 1.5,
) -> CellGrid:
    """A box with a border and a background: a title across, then label and text rows (knock-outs and alerts,
    the incentive tier, data-integrity flags)."""
    bottoms = [1.5] * (len(rows) - 1) + [BOX_PAD]
    return CellGrid(rows, widths, left=BOX_PAD, right=BOX_PAD, top=top, bottom=bottoms, fill=fill, box=(0.8, line))

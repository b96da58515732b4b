"""Charts as plain canvas drawing: section bars, the trend line and the band distribution.

Why not reportlab's chart widgets, nor even reportlab.graphics shapes: the widgets lay out axes and labels
generically, and graphics shapes validate every attribute and render through a generic node walker — together
more than a tenth of a dealer report's rendering time. Every chart here has a fixed, simple geometry, labels
must be CJK-aware and clipped to their space, and a batch draws 6,000 of them; so the chart functions record a
handful of primitives (`Rect`, `Line`, `String`, `Circle`, `PolyLine`, with the reportlab-shape keywords) on a
`Sketch`, a flowable that replays them straight onto the canvas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from dealer_audit.core.report_model import BandCount, SectionComparison, TrendPoint, fmt_number
from dealer_audit.render.pdf.styles import (
    DEALER_BAR,
    GREY_LINE,
    GREY_TEXT,
    NAVY,
    NETWORK_BAR,
    REGION_BAR,
    WHISKER,
    Styles,
)
from dealer_audit.render.pdf.text import colour_key, draw_label, fast_font, label_text, show_all, text_width


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fillColor: colors.Color | None = None
    strokeColor: colors.Color | None = None


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    strokeColor: colors.Color = colors.black
    strokeWidth: float = 1.0
    strokeDashArray: Sequence[float] | None = None


@dataclass(frozen=True, slots=True)
class String:
    x: float
    y: float
    text: str
    fontName: str = ""
    fontSize: float = 7.0
    fillColor: colors.Color = colors.black
    textAnchor: str = "start"


@dataclass(frozen=True, slots=True)
class Circle:
    cx: float
    cy: float
    r: float
    fillColor: colors.Color | None = None
    strokeColor: colors.Color | None = None
    strokeWidth: float = 0.5


@dataclass(frozen=True, slots=True)
class PolyLine:
    points: Sequence[float]
    strokeColor: colors.Color = colors.black
    strokeWidth: float = 1.0


Shape = Rect | Line | String | Circle | PolyLine


class Sketch(Flowable):
    """A fixed-size drawing replayed onto the canvas (see the module docstring)."""

    def __init__(self, width: float, height: float) -> None:
        super().__init__()
        self.width, self.height = width, height
        self.shapes: list[Shape] = []

    def add(self, shape: Shape) -> None:
        self.shapes.append(shape)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        """The shapes in order, then the labels (labels never sit under a shape here: they are beside bars, under
        axes, above points), in the order added, so they read in the same order."""
        c = self.canv
        c.saveState()
        fill: colors.Color | None = None  # the fill colour set last: set again only when it changes
        labels: list[String] = []
        for shape in self.shapes:
            if isinstance(shape, String):
                labels.append(shape)
            elif isinstance(shape, Rect):
                colour = shape.fillColor or colors.white
                if colour != fill:
                    c.setFillColor(colour)
                    fill = colour
                c.rect(shape.x, shape.y, shape.width, shape.height, stroke=0, fill=1)
            elif isinstance(shape, Line):
                c.setStrokeColor(shape.strokeColor)
                c.setLineWidth(shape.strokeWidth)
                c.setDash(shape.strokeDashArray or [])
                c.line(shape.x1, shape.y1, shape.x2, shape.y2)
            elif isinstance(shape, PolyLine):
                c.setStrokeColor(shape.strokeColor)
                c.setLineWidth(shape.strokeWidth)
                c.setDash([])
                path = c.beginPath()
                pts = list(shape.points)
                path.moveTo(pts[0], pts[1])
                for k in range(2, len(pts), 2):
                    path.lineTo(pts[k], pts[k + 1])
                c.drawPath(path, stroke=1, fill=0)
            elif isinstance(shape, Circle):
                c.setFillColor(shape.fillColor)
                fill = shape.fillColor
                c.setStrokeColor(shape.strokeColor or shape.fillColor)
                c.setLineWidth(shape.strokeWidth)
                c.setDash([])
                c.circle(shape.cx, shape.cy, shape.r, stroke=1 if shape.strokeColor else 0, fill=1)
        self._labels(labels)
        c.restoreState()

    def _labels(self, labels: Sequence[String]) -> None:
        """Labels written by `text.show_all` (each line's font subsets encoded once per document or batch, not
        per label as drawString does), each in its own text object and ended as drawString ends it (T*), so text
        extraction reads them as before; a label with characters of the fallback font is drawn by `draw_label`."""
        c = self.canv
        for label in labels:
            font, size = label.fontName, label.fontSize
            text = label_text(label.text, font)
            shown = fast_font(font)
            if shown is None or text != label.text:
                c.setFillColor(label.fillColor)
                draw_label(c, label.x, label.y, label.text, font, size, label.textAnchor)
                continue
            x = label.x
            if label.textAnchor != "start":
                width = text_width(text, font, size)
                x -= width / 2 if label.textAnchor == "middle" else width
            line = c.beginText(x, label.y)
            run = (size, colour_key(label.fillColor), label.fillColor, x, label.y, text)
            show_all(line, c, shown, font, [run], "T*")
            c.drawText(line)


Drawing = Sketch


@lru_cache(maxsize=4096)
def fit_text(text: str, font: str, size: float, width: float) -> str:
    """The text cut with an ellipsis so it fits `width` points (chart labels have no room to wrap); characters
    the font lacks are already replaced or taken from the fallback font (text.label_text)."""
    text = label_text(text, font)
    if text_width(text, font, size) <= width:
        return text
    text = text[: int(width)]  # no glyph is narrower than a point: never measure more than can be shown
    while text and text_width(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _legend(drawing: Drawing, st: Styles, x: float, y: float, entries: Sequence[tuple[str, colors.Color]]) -> None:
    font = st.fonts.regular
    for text, colour in entries:
        drawing.add(Rect(x, y, 7, 7, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 10, y + 0.5, text, fontName=font, fontSize=7, fillColor=GREY_TEXT))
        x += 16 + stringWidth(text, font, 7)


def section_bars(
    sections: Sequence[SectionComparison],
    st: Styles,
    width: float,
    labels: tuple[str, str, str],
    max_height: float = 260,
    group_titles: Mapping[str, str] | None = None,
) -> Drawing:
    """Horizontal grouped bars: per section the dealer's score (labelled) against region and network means,
    with the dealer's 95% interval as a whisker across its bar (a bar whose whisker overlaps the region's or
    network's bar is not reliably different from it).

    With sections of several standards, each standard's sections sit under a small heading (its title from
    `group_titles`), so the labels can stay short.
    """
    font = st.fonts.regular
    rows: list[SectionComparison | str] = []
    previous = None
    for s in sections:
        if group_titles and len(set(x.standard_id for x in sections)) > 1 and s.standard_id != previous:
            rows.append(group_titles.get(s.standard_id, s.standard_id))
        previous = s.standard_id
        rows.append(s)
    n_bars = max(sum(1 for r in rows if not isinstance(r, str)), 1)
    n_heads = sum(1 for r in rows if isinstance(r, str))
    head_h = 11.0
    group = min(21.0, max(10.5, (max_height - 30 - n_heads * head_h) / n_bars))
    bar = (group - 3) / 3
    height = n_bars * group + n_heads * head_h + 30
    label_w = min(150.0, width * 0.34)
    plot_x = label_w + 6
    plot_w = width - plot_x - 26
    d = Drawing(width, height)
    top = height - 18
    for tick in (0, 25, 50, 75, 100):
        x = plot_x + plot_w * tick / 100
        dash = None if tick == 0 else [1, 2]
        d.add(Line(x, 12, x, top, strokeColor=GREY_LINE, strokeWidth=0.4, strokeDashArray=dash))
        d.add(String(x, 3, str(tick), fontName=font, fontSize=6.5, fillColor=GREY_TEXT, textAnchor="middle"))
    y_top = top
    for row in rows:
        if isinstance(row, str):
            y_top -= head_h
            d.add(
                String(0, y_top + 3, fit_text(row, font, 7.5, width * 0.6), fontName=font, fontSize=7.5, fillColor=NAVY)
            )
            d.add(Line(0, y_top + 1.5, label_w, y_top + 1.5, strokeColor=NAVY, strokeWidth=0.5))
            continue
        s = row
        y0 = y_top - group + 1.5
        y_top -= group
        d.add(String(6, y0 + group / 2 - 4, fit_text(s.title, font, 7.5, label_w - 6), fontName=font, fontSize=7.5))
        for j, (fig, colour) in enumerate(((s.dealer, DEALER_BAR), (s.region, REGION_BAR), (s.network, NETWORK_BAR))):
            y = y0 + (2 - j) * bar
            if fig.value is None:
                continue
            w = plot_w * max(0.0, min(fig.value, 100.0)) / 100
            d.add(Rect(plot_x, y, w, bar - 0.6, fillColor=colour, strokeColor=None))
            if j == 0:
                label_x = plot_x + w + 2
                if s.interval is not None and s.interval.low.value is not None and s.interval.high.value is not None:
                    x_low = plot_x + plot_w * max(0.0, min(s.interval.low.value, 100.0)) / 100
                    x_high = plot_x + plot_w * max(0.0, min(s.interval.high.value, 100.0)) / 100
                    _whisker(d, x_low, x_high, y + (bar - 0.6) / 2, min(bar / 2, 3.0))
                    label_x = max(label_x, x_high + 3)
                d.add(String(label_x, y + 0.6, s.dealer.text, fontName=font, fontSize=6.5, fillColor=NAVY))
        if s.dealer.value is None:
            d.add(String(plot_x + 2, y0 + 2 * bar, s.dealer.text, fontName=font, fontSize=6.5, fillColor=GREY_TEXT))
    _legend(d, st, plot_x, height - 9, list(zip(labels, (DEALER_BAR, REGION_BAR, NETWORK_BAR), strict=True)))
    return d


def _whisker(d: Drawing, x_low: float, x_high: float, y: float, tick: float) -> None:
    """An interval drawn across a bar: a line from low to high with end ticks, in the whisker colour."""
    d.add(Line(x_low, y, x_high, y, strokeColor=WHISKER, strokeWidth=0.9))
    for x in (x_low, x_high):
        d.add(Line(x, y - tick, x, y + tick, strokeColor=WHISKER, strokeWidth=0.9))


def trend_line(
    points: Sequence[TrendPoint], st: Styles, width: float, height: float, labels: tuple[str, str, str], scale: float
) -> Drawing:
    """Index over the available waves: the dealer (labelled) against region and network means."""
    font = st.fonts.regular
    d = Drawing(width, height)
    plot_x, plot_y = 28.0, 16.0
    plot_w, plot_h = width - plot_x - 12, height - plot_y - 18
    values = [v for p in points for v in (p.dealer, p.region, p.network) if v is not None]
    low = 0.0
    if values:
        # zoom in on the used range, but keep steps of 10% of the scale so small moves do not look dramatic
        step = scale / 10
        low = max(0.0, (min(values) // step - 1) * step)
    high = scale
    span = high - low or 1.0

    def y_of(v: float) -> float:
        return plot_y + plot_h * (v - low) / span

    for k in range(5):
        v = low + span * k / 4
        y = y_of(v)
        d.add(
            Line(
                plot_x,
                y,
                plot_x + plot_w,
                y,
                strokeColor=GREY_LINE,
                strokeWidth=0.4,
                strokeDashArray=None if k == 0 else [1, 2],
            )
        )
        d.add(
            String(
                plot_x - 3,
                y - 2.5,
                fmt_number(v, 0),
                fontName=font,
                fontSize=6.5,
                fillColor=GREY_TEXT,
                textAnchor="end",
            )
        )
    n = len(points)

    def x_of(i: int) -> float:
        return plot_x + (plot_w / 2 if n == 1 else plot_w * (0.06 + 0.88 * i / (n - 1)))

    for i, p in enumerate(points):
        d.add(
            String(
                x_of(i),
                4,
                fit_text(p.wave, font, 6.5, plot_w / max(n, 1)),
                fontName=font,
                fontSize=6.5,
                fillColor=GREY_TEXT,
                textAnchor="middle",
            )
        )
    series = (
        ([p.network for p in points], NETWORK_BAR, 1.0),
        ([p.region for p in points], REGION_BAR, 1.0),
        ([p.dealer for p in points], DEALER_BAR, 1.8),
    )
    for k, (vals, colour, stroke) in enumerate(series):
        pts = [(x_of(i), y_of(v)) for i, v in enumerate(vals) if v is not None]
        if len(pts) > 1:
            d.add(PolyLine([c for xy in pts for c in xy], strokeColor=colour, strokeWidth=stroke))
        for x, y in pts:
            d.add(Circle(x, y, 2.2 if k == 2 else 1.5, fillColor=colour, strokeColor=colors.white, strokeWidth=0.5))
        if k == 2:
            for (x, y), v in zip(pts, [v for v in vals if v is not None], strict=True):
                d.add(String(x, y + 4, fmt_number(v), fontName=font, fontSize=6.5, fillColor=NAVY, textAnchor="middle"))
    _legend(d, st, plot_x, height - 9, list(zip(labels, (DEALER_BAR, REGION_BAR, NETWORK_BAR), strict=True)))
    return d


def band_distribution(counts: Sequence[BandCount], st: Styles, width: float) -> Drawing:
    """One horizontal bar per band, in the band's colour, with the count of dealers."""
    font = st.fonts.regular
    row = 13.0
    height = row * max(len(counts), 1) + 4
    d = Drawing(width, height)
    label_w = 60.0
    plot_w = width - label_w - 30
    most = max((c.count for c in counts), default=0) or 1
    from dealer_audit.render.pdf.styles import band_color

    for i, c in enumerate(counts):
        y = height - (i + 1) * row
        d.add(String(0, y + 3, fit_text(c.band.label, font, 7.5, label_w - 4), fontName=font, fontSize=7.5))
        w = plot_w * c.count / most
        if c.count:
            d.add(Rect(label_w, y + 1.5, w, row - 4, fillColor=band_color(c.band.color), strokeColor=None))
        d.add(String(label_w + w + 3, y + 3, str(c.count), fontName=font, fontSize=7.5, fillColor=NAVY))
    return d

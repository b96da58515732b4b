"""Lean wrapped text for table cells: the flowable most of a report's area is made of.

Why not reportlab's Paragraph everywhere: a dealer report has hundreds of item rows × several cells, and a
Paragraph parses its text as XML-ish markup (HTML parser, fragments, style resolution) before wrapping. Cells
here hold plain text in one font, so `TextBlock` wraps with cached glyph widths and draws lines with
`drawString`: several times cheaper, and immune to markup in user text by construction (`<b>&` is just text).

Wrapping rules: Chinese/Japanese characters may break anywhere, Latin text breaks at spaces, and a word wider
than the column (a 300-character token) is split across lines, so nothing ever overflows its cell. A cell
never grows taller than MAX_LINES lines: longer text is cut, its last line ending in an ellipsis, so no single
row can outgrow a page (reportlab's LayoutError) whatever an auditor typed. The workbooks keep the full text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable

_TOKENS = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|\s+|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+"
)


Run_ = tuple[float, str, colors.Color, float, float, str]  # size, colour key, colour, x, baseline, text
# a block's text operators and the state they leave: subset, size, colour key, x and baseline of the last line
BlockOps = tuple[str, int, float, str, float, float]


@dataclass(frozen=True, slots=True)
class RunBlock:
    """Lines laid out relative to a top (a table row's runs, baselines from its top edge), shown from `top`.

    `ops` is where `show_all` keeps the block's text operators once written, per document font name and font
    seed: a row every report of a batch shows (an item that passed without a note) is then one string to copy,
    not a line-by-line encoding, in every later report. None marks a block that cannot be kept so."""

    top: float
    runs: Sequence[Run_]
    ops: dict[tuple[str, str], BlockOps | None]


# primary font name -> (its characters, fallback font name, the characters the fallback adds); see fonts.py
_FALLBACKS: dict[str, tuple[frozenset[str], str, frozenset[str]]] = {}
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def register_fallback(font: str, chars: frozenset[str], fallback: str, adds: frozenset[str]) -> None:
    """Draw the characters `font` lacks (`adds`) with `fallback`: in widths, wrapping and `show_all`."""
    _FALLBACKS[font] = (chars, fallback, adds)
    _width_table.cache_clear()


_IGNORED = frozenset([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


def clean_text(text: str, chars: frozenset[str], extra: frozenset[str] = frozenset()) -> str:
    """`text` with Arabic joined (reshaped), invisible joiners and emoji modifiers dropped, and every character
    in neither `chars` (the font's) nor `extra` (the fallback's) replaced by `missing_marker`."""
    if _ARABIC.search(text):
        import arabic_reshaper

        text = str(arabic_reshaper.reshape(text))
    out = []
    for ch in text:
        if ch in chars or ch in extra:
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif ord(ch) in _IGNORED or unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cc", "Sk"):
            continue  # joiners, variation selectors, combining marks of emoji sequences, control characters
        else:
            out.append(missing_marker(ch))
    return "".join(out)


def missing_marker(ch: str) -> str:
    """What a character no font here can draw is shown as: its Unicode name in brackets ("[thumbs up sign]"),
    else its code point ("[U+E000]"). Visible and telling, unlike the empty box a PDF viewer would show."""
    name = unicodedata.name(ch, "")
    return f"[{name.lower()}]" if name and len(name) <= 40 else f"[U+{ord(ch):04X}]"


def label_text(text: str, font: str) -> str:
    """A one-line label (chart, page header) ready to draw in `font`: cleaned as `clean_text` against the font
    and its fallback, right-to-left runs in visual order. Returns `text` itself when the font has it all."""
    fallback = _FALLBACKS.get(font)
    if fallback is None or fallback[0].issuperset(text):
        return text
    return visual_order(clean_text(text, fallback[0], fallback[2]))


def draw_label(canv: Canvas, x: float, y: float, text: str, font: str, size: float, anchor: str = "start") -> None:
    """drawString / drawCentredString / drawRightString (by `anchor`: start, middle, end) that draws characters
    the font lacks from its fallback (the canvas's fill colour is used)."""
    text = label_text(text, font)
    fallback = _FALLBACKS.get(font)
    face = fast_font(font)
    if fallback is None or face is None or fallback[0].issuperset(text):
        draw = {"middle": canv.drawCentredString, "end": canv.drawRightString}.get(anchor, canv.drawString)
        if canv._fontname != font or canv._fontsize != size or canv._leading != size * 1.2:
            canv.setFont(font, size)  # (a chart sets the same font for label after label: written once)
        draw(x, y, text)
        return
    width = text_width(text, font, size)
    x -= width / 2 if anchor == "middle" else width if anchor == "end" else 0.0
    obj = canv.beginText(x, y)
    obj.setFont(font, size)
    _show_mixed(obj._code, canv._doc, canv._escape, face, fallback, text, size, obj._leading, {})
    obj._curSubset = -1
    canv.drawText(obj)


def visual_order(line: str, base: str | None = None) -> str:
    """One line in visual (left-to-right drawing) order when it holds right-to-left script, else unchanged:
    reportlab draws glyphs in the order given, so Hebrew and Arabic are reordered here (python-bidi). `base`
    is the paragraph's direction ("L" or "R"; default: from the line's first strong character), so every line
    of a wrapped paragraph is ordered the same way."""
    if not _RTL.search(line):
        return line
    from bidi import get_display

    return str(get_display(line, base_dir=base or base_direction(line)))


def base_direction(text: str) -> str:
    """ "R" when the first strongly directional character is right-to-left (Unicode bidi rule P2), else "L"."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "L"
        if kind in ("R", "AL"):
            return "R"
    return "L"


@lru_cache(maxsize=16)
def _width_table(font: str, size: float) -> dict[str, float]:
    return {}


def text_width(text: str, font: str, size: float) -> float:
    table = _width_table(font, size)
    total = 0.0
    for ch in text:
        w = table.get(ch)
        if w is None:
            w = table[ch] = _char_width(ch, font, size)
        total += w
    return total


def _char_width(ch: str, font: str, size: float) -> float:
    """A character's advance, from the fallback font when the primary font lacks it (the glyph drawn)."""
    fallback = _FALLBACKS.get(font)
    if fallback is not None and ch in fallback[2]:
        return float(stringWidth(ch, fallback[1], size))
    return float(stringWidth(ch, font, size))


MAX_LINES = 40  # lines of one cell: 40 × 7.5 pt × 1.25 = 375 pt, half a page, so a row always fits a page
ELLIPSIS = "…"


def wrap_text(text: str, font: str, size: float, width: float, max_lines: int = MAX_LINES) -> list[str]:
    """Greedy line breaking for one font; '\\n' starts a new line; at most `max_lines` lines, the last one
    ending in an ellipsis when the text was cut.

    Cached: item texts, answers and headings repeat in every report of a batch (same standard, same columns),
    so each is wrapped once per process.
    """
    if len(text) <= 400:
        cached = _wrap_cached(text, font, size, width)
        return list(cached) if len(cached) <= max_lines else cut_lines(cached, font, size, width, max_lines)
    # long text: wrap only what can be shown (max_lines lines of the narrowest glyph would hold no more)
    room = max_lines * max(int(width / max(text_width(".", font, size), 0.5)) + 1, 1)
    lines = _wrap(text[:room], font, size, width)
    if len(lines) > max_lines or len(text) > room:
        return cut_lines(lines, font, size, width, max_lines)
    return lines


def cut_lines(lines: Sequence[str], font: str, size: float, width: float, max_lines: int) -> list[str]:
    """The first `max_lines` lines, the last one shortened until it fits with an ellipsis after it."""
    kept = list(lines[:max_lines])
    last = kept[-1].rstrip() if kept else ""
    room = width - text_width(ELLIPSIS, font, size)
    while last and text_width(last, font, size) > room:
        last = last[:-1]
    if kept:
        kept[-1] = last + ELLIPSIS
    return kept


@lru_cache(maxsize=32768)
def _wrap_cached(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    return tuple(_wrap(text, font, size, width))


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    space = text_width(" ", font, size)
    for para in text.split("\n"):
        line = ""
        used = 0.0
        pending_space = False
        for token in _TOKENS.findall(para):
            if token.isspace():
                pending_space = bool(line)
                continue
            tw = text_width(token, font, size)
            gap = space if pending_space else 0.0
            pending_space = False
            if used + gap + tw <= width:
                line += (" " if gap else "") + token
                used += gap + tw
                continue
            if line and tw <= width:
                lines.append(line)
                line, used = token, tw
                continue
            if line and gap:
                line += " "
                used += gap
            for ch in token:  # a token wider than what is left: split it by character
                cw = text_width(ch, font, size)
                if used + cw > width and line.strip():
                    lines.append(line.rstrip())
                    line, used = "", 0.0
                line += ch
                used += cw
        lines.append(line)
    if _RTL.search(text):  # right-to-left runs: drawn in visual order, line by line (after breaking)
        base = base_direction(text)
        return [visual_order(line, base) for line in lines]
    return lines


@dataclass(frozen=True)
class Run:
    """A piece of a TextBlock: its own colour and size, starting on a new line."""

    text: str
    color: colors.Color | None = None
    size: float | None = None


class TextBlock(Flowable):
    """Plain text wrapped to the cell width: one or more runs, each starting on a new line."""

    def __init__(
        self,
        runs: Sequence[Run] | str,
        font: str,
        size: float = 7.5,
        color: colors.Color = colors.black,
        leading: float | None = None,
        align: str = "left",
    ) -> None:
        super().__init__()
        self.runs = [Run(runs)] if isinstance(runs, str) else list(runs)
        self.font, self.size, self.color, self.align = font, size, color, align
        self.leading = leading or size * 1.25
        self._lines: list[tuple[str, float, colors.Color]] = []
        self._for_width = -1.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if available_width != self._for_width:
            lines = []
            for run in self.runs:
                size = run.size or self.size
                colour = run.color or self.color
                for line in wrap_text(run.text, self.font, size, max(available_width, 1.0)):
                    lines.append((line, size, colour))
            self._lines = lines
            self._for_width = available_width
        self.width = available_width
        self.height = len(self._lines) * self.leading
        return self.width, self.height

    def _first_baseline(self) -> float:
        return self.height - self.leading + (self.leading - self.size) * 0.5 + self.size * 0.12

    def placed_runs(self) -> list[Run_]:
        """The wrapped lines as `show_all` draws them, placed in the block (after `wrap`)."""
        runs: list[Run_] = []
        y = self._first_baseline()
        for line, size, colour in self._lines:
            if line:
                x = 0.0
                if self.align != "left":
                    w = text_width(line, self.font, size)
                    x = (self.width - w) if self.align == "right" else (self.width - w) / 2
                runs.append((size, colour_key(colour), colour, x, y, line))
            y -= self.leading
        return runs

    def draw(self) -> None:
        # one text object per block (not one per line): fewer operators and coordinates in the page stream,
        # which is most of what a report's rendering time goes to
        canv = self.canv
        y = self._first_baseline()
        font = fast_font(self.font)
        if font is not None:
            text = canv.beginText()
            text.setLeading(self.leading)
            show_all(text, canv, font, self.font, self.placed_runs())
            canv.drawText(text)
            return
        text = canv.beginText(0, y)
        text.setLeading(self.leading)
        current: tuple[float, colors.Color] | None = None
        left = self.align == "left"
        x = 0.0
        for line, size, colour in self._lines:
            if (size, colour) != current:
                text.setFont(self.font, size, self.leading)
                text.setFillColor(colour)
                current = (size, colour)
            if left:
                text.textLine(line)
                continue
            w = text_width(line, self.font, size)
            shift = (self.width - w) if self.align == "right" else (self.width - w) / 2
            text.moveCursor(shift - x, 0)
            x = shift
            text.textOut(line)
            text.moveCursor(0, self.leading)
        canv.drawText(text)

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return []  # cells are never split; a row moves to the next page whole


class Heading(Flowable):
    """A one-line paragraph drawn directly: headings and single-line captions, with an optional smaller suffix
    in another colour (a section's score beside its title).

    Why: a report has some thirty of these and reportlab's Paragraph parses markup and runs its line breaker
    for each; this draws what a one-line Paragraph of the same style draws (first baseline one font size below
    the top, height one leading, the style's space before and after). Callers use it only when the text fits
    the line (`fits`), and fall back to a Paragraph otherwise.
    """

    def __init__(
        self,
        text: str,
        font: str,
        size: float,
        leading: float,
        color: colors.Color,
        *,
        space_before: float = 0.0,
        space_after: float = 0.0,
        suffix: str = "",
        suffix_size: float = 0.0,
        suffix_color: colors.Color | None = None,
    ) -> None:
        super().__init__()
        text, suffix = visual_order(text), visual_order(suffix)  # right-to-left runs, as wrap_text does for cells
        self.text, self.font, self.size, self.leading, self.color = text, font, size, leading, color
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.suffix, self.suffix_size, self.suffix_color = suffix, suffix_size or size, suffix_color or color

    @staticmethod
    def fits(text: str, font: str, size: float, width: float) -> bool:
        return "\n" not in text and text_width(text, font, size) <= width

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, self.leading
        return self.width, self.height

    def draw(self) -> None:
        font = fast_font(self.font)
        if font is not None:
            y = self.height - self.size
            runs: list[Run_] = [(self.size, colour_key(self.color), self.color, 0.0, y, self.text)]
            if self.suffix:
                x = text_width(self.text, self.font, self.size)
                runs.append(
                    (self.suffix_size, colour_key(self.suffix_color), self.suffix_color, x, y, " " + self.suffix)
                )
            text = self.canv.beginText()
            show_all(text, self.canv, font, self.font, runs)
            self.canv.drawText(text)
            return
        text = self.canv.beginText(0, self.height - self.size)
        text.setFont(self.font, self.size)
        text.setFillColor(self.color)
        text.textOut(self.text)
        if self.suffix:
            text.setFont(self.font, self.suffix_size)
            text.setFillColor(self.suffix_color)
            text.textOut(" " + self.suffix)
        self.canv.drawText(text)


@lru_cache(maxsize=64)
def fill_op(colour: colors.Color) -> str:
    """The PDF operator that sets an opaque RGB fill colour (what TextObject.setFillColor writes for one)."""
    return f"{fp_str(colour.red, colour.green, colour.blue)} rg"


def is_opaque(colour: colors.Color) -> bool:
    """Whether `fill_op` can set the colour (an alpha below 1 needs the canvas API's graphics state)."""
    alpha = getattr(colour, "alpha", 1)
    return alpha is None or alpha >= 1


@lru_cache(maxsize=256)
def colour_key(colour: colors.Color) -> str:
    """A colour's hex value (colours hash by value; hexval itself is slow for how often cells ask)."""
    return str(colour.hexval())


_ASCII = frozenset(chr(c) for c in range(32, 127))


@lru_cache(maxsize=8)
def _seeded_lines(font_name: str, seed: str) -> tuple[frozenset[str], dict[str, list[tuple[int, str]]]]:
    """For one font seed: the characters whose codes it fixes (the seed and ASCII, which reportlab numbers
    first in every document), and the encoded lines made only of those, shared by the documents seeded so."""
    return frozenset(seed) | _ASCII, {}


def show_all(
    text: PDFTextObject,
    canv: Canvas,
    font: TTFont,
    font_name: str,
    runs: Sequence[Run_ | RunBlock],
    line_end: str = "",
) -> None:
    """Position and show every line of a chunk in an unshaped TrueType font: what TextObject.setFillColor,
    setTextOrigin and textOut emit, without their per-call overhead (state saving, alpha checks, generic number
    formatting) — the inner loop of every item list.

    A line's subset chunks are encoded once per document (answers, points and labels repeat on every page;
    a character's code in a document never changes once given), and once per process when all its characters
    are in the document's font seed (`fonts.seed_font`): those have the same codes in every document with the
    same seed. The text object's subset bookkeeping (`_curSubset`) is kept in step, so calls through the
    public API before or after stay correct.

    A `RunBlock` whose characters are all in the seed is written as one string kept on the block (`RunBlock.ops`):
    a text matrix at its top, then each line moved to relative to the one before (Td, in hundredths of a point,
    so the lines land where absolute positions put them) with its colour and font set at the block's start and
    wherever they change. Its encoding is the same in every document with the same seed and font name.
    """
    code = text._code
    doc = canv._doc
    escape = canv._escape
    encoded: dict[str, list[tuple[int, str]]] = canv.__dict__.setdefault("_encoded_lines", {}).setdefault(font_name, {})
    seeded_font, seed = getattr(canv, "font_seed", ("", ""))
    known, shared = _seeded_lines(font_name, seed) if seed and seeded_font == font_name else (frozenset(), None)
    names: dict[int, str] = {}
    switches: dict[tuple[int, float], str] = {}  # (subset, size) -> the operators that select that font
    fallback = _FALLBACKS.get(font_name)
    size_now = -1.0
    key_now = ""
    subset_now = text._curSubset
    x = y = 0.0
    font_stale = False
    items: Iterable[Run_ | RunBlock | tuple[float, BlockOps]] = runs
    if any(type(item) is RunBlock for item in runs):  # only a RowTable's runs hold blocks
        kept = shared is not None and not line_end
        block_key = (font.getSubsetInternalName(0, doc)[:-1], seed) if kept else None
        items = _blocks_written(runs, block_key, font, doc, escape, known, shared, fallback)
    for item in items:
        if len(item) == 2:  # a block's operators, at its top
            top, (ops, subset_now, size_now, key_now, x, dy) = item  # type: ignore[misc]
            code.append(f"1 0 0 1 0 {top:.2f} Tm")
            code.append(ops)
            y = top + dy
            font_stale = True  # the text object still has the size it had before the block
            continue
        size, key, colour, x, y, line = item  # type: ignore[misc]
        if size != size_now:
            text.setFont(font_name, size)  # writes nothing for a subset font; the Tf comes with the first chunk
            font_stale = False
            size_now = size
            subset_now = -1
        if key != key_now:
            if is_opaque(colour):
                code.append(fill_op(colour))
            else:
                text.setFillColor(colour)
            key_now = key
        code.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
        chunks = encoded.get(line)
        if chunks is None and shared is not None:
            chunks = shared.get(line)  # encoded by an earlier document with this seed (and checked then)
            if chunks is not None:
                encoded[line] = chunks
        if chunks is None and fallback is not None and not fallback[0].issuperset(line):
            # characters of the fallback font: the rare path, checked only for lines not encoded yet
            _show_mixed(code, doc, escape, font, fallback, line, size, text._leading, names)
            subset_now = -1  # the next line names its font again
            if line_end:
                code.append(line_end)
            continue
        if chunks is None:  # not encoded yet in this document, nor by an earlier one with this seed
            chunks = [(subset, f"({escape(chunk)}) Tj") for subset, chunk in font.splitString(line, doc)]
            if shared is not None and len(shared) < 100_000 and known.issuperset(line):
                shared[line] = chunks
            encoded[line] = chunks
        for subset, shown in chunks:
            if subset != subset_now:
                switch = switches.get((subset, size))
                if switch is None:
                    name = names.get(subset)
                    if name is None:
                        name = names[subset] = font.getSubsetInternalName(subset, doc)
                    # the leading (TL) matters only to T*, which only `line_end` writes: left out otherwise
                    switch = f"{name} {size:g} Tf {text._leading:g} TL" if line_end else f"{name} {size:g} Tf"
                    switches[(subset, size)] = switch
                code.append(switch)
                subset_now = subset
            code.append(shown)
        if line_end:
            code.append(line_end)
    if font_stale:
        text.setFont(font_name, size_now)  # the text object's size in step (writes nothing for a subset font)
    text._curSubset = subset_now
    text._x0 = text._x = x
    text._y0 = text._y = y


def _blocks_written(
    runs: Sequence[Run_ | RunBlock],
    block_key: tuple[str, str] | None,
    font: TTFont,
    doc: PDFDocument,
    escape: Callable[[str], str],
    known: frozenset[str],
    shared: dict[str, list[tuple[int, str]]] | None,
    fallback: tuple[frozenset[str], str, frozenset[str]] | None,
) -> Iterator[Run_ | tuple[float, BlockOps]]:
    """`runs` with each `RunBlock` as (top, its operators) where they can be kept (see `show_all`), else as its
    lines placed at its top."""
    for item in runs:
        if type(item) is not RunBlock:
            yield item  # type: ignore[misc]
            continue
        ops = None
        if block_key is not None and shared is not None:
            if block_key in item.ops:
                ops = item.ops[block_key]
            else:
                ops = _block_ops(item.runs, block_key[0], font, doc, escape, known, shared, fallback)
                item.ops.clear()  # one slot: the operators of an earlier seed or document font name are not kept
                item.ops[block_key] = ops
        if ops is not None:
            yield item.top, ops
        else:
            top = item.top
            for size, key, colour, x, dy, line in item.runs:
                yield size, key, colour, x, top + dy, line


def _block_ops(
    runs: Sequence[Run_],
    font_prefix: str,
    font: TTFont,
    doc: PDFDocument,
    escape: Callable[[str], str],
    known: frozenset[str],
    shared: dict[str, list[tuple[int, str]]],
    fallback: tuple[frozenset[str], str, frozenset[str]] | None,
) -> BlockOps | None:
    """A block's text operators from a text matrix at its top (see `show_all`), or None when a line has a
    character outside the font seed (its codes differ between documents) or of the fallback font, or a colour
    with transparency."""
    parts: list[str] = []
    subset_now, size_now, key_now = -1, -1.0, ""
    x_now = y_now = 0  # hundredths of a point from the block's top left
    for size, key, colour, x, dy, line in runs:
        if not known.issuperset(line) or (fallback is not None and not fallback[0].issuperset(line)):
            return None
        if not is_opaque(colour):
            return None
        chunks = shared.get(line)
        if chunks is None:
            chunks = [(subset, f"({escape(chunk)}) Tj") for subset, chunk in font.splitString(line, doc)]
            if len(shared) < 100_000:
                shared[line] = chunks
        if key != key_now:
            parts.append(fill_op(colour))
            key_now = key
        if size != size_now:
            size_now, subset_now = size, -1
        x_to, y_to = round(x * 100), round(dy * 100)
        parts.append(f"{(x_to - x_now) / 100:.2f} {(y_to - y_now) / 100:.2f} Td")
        x_now, y_now = x_to, y_to
        for subset, shown in chunks:
            if subset != subset_now:
                parts.append(f"{font_prefix}{subset} {size:g} Tf")
                subset_now = subset
            parts.append(shown)
    if not parts:
        return None
    return " ".join(parts), subset_now, size_now, key_now, x_now / 100, y_now / 100


def _show_mixed(
    code: list[str],
    doc: PDFDocument,
    escape: Callable[[str], str],
    font: TTFont,
    fallback: tuple[frozenset[str], str, frozenset[str]],
    line: str,
    size: float,
    leading: float,
    names: dict[int, str],
) -> None:
    """A line with characters of the fallback font: each run shown in its own font, one after the other (the
    text position advances by the glyphs' widths, so no positions are computed). The rare path: not cached."""
    other = pdfmetrics.getFont(fallback[1])
    primary_chars = fallback[0]
    run = ""
    runs: list[tuple[bool, str]] = []
    for ch in line:
        mine = ch in primary_chars or ch not in fallback[2]
        if runs and runs[-1][0] == mine:
            runs[-1] = (mine, runs[-1][1] + ch)
        else:
            runs.append((mine, ch))
    for mine, run in runs:
        face = font if mine else other
        for subset, chunk in face.splitString(run, doc):
            name = names.get(subset) if mine else None
            if name is None:
                name = face.getSubsetInternalName(subset, doc)
                if mine:
                    names[subset] = name
            code.append(f"{name} {size:g} Tf {leading:g} TL")
            code.append(f"({escape(chunk)}) Tj")


def fast_font(font_name: str) -> TTFont | None:
    """The font object when `show_all` can write its text (an unshaped TrueType subset font), else None."""
    font = pdfmetrics.getFont(font_name)
    return font if isinstance(font, TTFont) and not font.shapable else None

"""Finding, registering and using a CJK TrueType font, the one thing every PDF of this tool depends on.

Why this module exists: reportlab embeds only TrueType-outline fonts (`.ttf`/`.ttc`); its built-in CID fonts
(`STSong-Light`) are not embedded and render as blanks on a reader without them, and the CFF-based `.otf` that
most Noto CJK packages ship cannot be embedded at all. So a report must carry a real TrueType CJK font, subset
(reportlab embeds only the glyphs used). We look for one in this order:

1. the `DEALER_AUDIT_CJK_FONT` environment variable, or the `cjk_font` setting passed in (``path`` or
   ``path#index`` for a collection);
2. the usual system places: Windows (Microsoft YaHei, SimSun), macOS (PingFang is CFF, so Songti/STHeiti/
   Arial Unicode), Linux (WenQuanYi Micro Hei from Debian's `fonts-wqy-microhei`, Noto/Droid TTFs);

and raise a ConfigurationError naming what to install when none is there.

Registration is once per process (font parsing costs ~0.2 s; a batch renders thousands of PDFs per process).

Characters the CJK font lacks are drawn from a fallback TrueType font when one is found (`DEALER_AUDIT_FALLBACK_
FONT`, else DejaVu Sans from Debian's `fonts-dejavu-core`, Arial on Windows, Arial Unicode on macOS): Hebrew,
Arabic, Greek, Cyrillic, many symbols and some emoji. Right-to-left text is put in visual order (python-bidi) and
Arabic letters joined (arabic-reshaper), since reportlab draws glyphs left to right as given. A character
neither font has (most emoji) is never drawn as an empty box: it is replaced by its Unicode name in brackets,
e.g. "[thumbs up sign]", so the reader sees that something was there and what. Markup characters are escaped,
so auditor notes never break a report.
"""

from __future__ import annotations

import os
import re
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFError,
    TTFont,
    TTFontFace,
    makeToUnicodeCMap,
)

from dealer_audit.errors import ConfigurationError
from dealer_audit.render.pdf.text import base_direction, clean_text, register_fallback, visual_order

ENV_VAR = "DEALER_AUDIT_CJK_FONT"
FALLBACK_ENV_VAR = "DEALER_AUDIT_FALLBACK_FONT"
FALLBACK = "DA-Fallback"
REGULAR = "DA-CJK"
BOLD = "DA-CJK-Bold"
FAMILY = "DA-CJK-Family"

# (regular, bold or None); a path may end in "#N" for the Nth font of a collection.
CANDIDATES: tuple[tuple[str, str | None], ...] = (
    # Windows
    (r"C:\Windows\Fonts\msyh.ttc#0", r"C:\Windows\Fonts\msyhbd.ttc#0"),
    (r"C:\Windows\Fonts\msyh.ttf", r"C:\Windows\Fonts\msyhbd.ttf"),
    (r"C:\Windows\Fonts\simhei.ttf", None),
    (r"C:\Windows\Fonts\simsun.ttc#0", None),
    # macOS (TrueType-outline ones; PingFang is CFF-based and cannot be embedded)
    ("/System/Library/Fonts/STHeiti Medium.ttc#0", None),
    ("/System/Library/Fonts/Supplemental/Songti.ttc#0", None),
    ("/Library/Fonts/Arial Unicode.ttf", None),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", None),
    # Linux
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#0", None),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc#0", None),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#0", None),
    ("/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSansSC-Bold.ttf"),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),
    ("/usr/share/fonts/truetype/arphic/uming.ttc#0", None),
)

# TrueType fonts with the scripts and symbols CJK fonts lack (first one present wins)
FALLBACK_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    r"C:\Windows\Fonts\arial.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
)
_IGNORED = frozenset([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")

INSTALL_HINT = (
    "no CJK TrueType font found for PDF reports. Install one: on Debian/Ubuntu `sudo apt-get install "
    "fonts-wqy-microhei`; on Fedora `sudo dnf install wqy-microhei-fonts`; on Windows and macOS a system font is "
    f"found automatically. Or point {ENV_VAR} (or the `cjk_font` setting) at a .ttf/.ttc file "
    "(`path#index` picks a font of a collection). CFF-based .otf files cannot be embedded."
)
INSTALL_HINT_ZH = (
    "未找到可用于 PDF 报告的中日韩（CJK）TrueType 字体。请安装一种：Debian/Ubuntu 上运行 `sudo apt-get install "
    "fonts-wqy-microhei`；Fedora 上运行 `sudo dnf install wqy-microhei-fonts`；Windows 和 macOS 会自动找到系统字体。"
    f"也可以把 {ENV_VAR}（或 `cjk_font` 设置）指向一个 .ttf/.ttc 文件（`路径#序号` 选择字体集中的某一款）。"
    "基于 CFF 的 .otf 文件无法嵌入。"
)

CHECK = "✓"
CROSS = "✗"
CROSS_ALTERNATIVES = ("✗", "✘", "×")  # first one the font has wins
CHECK_ALTERNATIVES = ("✓", "✔", "√")
SUBSTITUTE_ALTERNATIVES = ("□", "?")
PARAGRAPH_CHARS = 1000  # user text in a Paragraph (names, titles): more is cut with an ellipsis


@dataclass(frozen=True)
class FontSpec:
    path: Path
    index: int = 0

    @classmethod
    def parse(cls, text: str) -> FontSpec:
        match = re.fullmatch(r"(.*?)(?:#(\d+))?", text.strip())
        assert match is not None  # the pattern matches any string
        return cls(Path(match.group(1)).expanduser(), int(match.group(2) or 0))

    def __str__(self) -> str:
        return f"{self.path}#{self.index}" if self.index else str(self.path)


@dataclass(frozen=True)
class Fonts:
    """The registered font names and what they can draw; one per process (see `fonts()`)."""

    regular: str
    bold: str
    source: str
    check: str | None  # the ✓-like glyph the font has, or None: draw it instead
    cross: str | None
    substitute: str
    codepoints: frozenset[int]
    chars: frozenset[str]  # the same as characters, plus "\n" (a fast subset test for whole strings)
    fallback: str | None = None  # the registered fallback font, when one was found
    fallback_chars: frozenset[str] = frozenset()  # what it adds (characters the CJK font lacks)

    def has(self, ch: str) -> bool:
        return ord(ch) in self.codepoints

    def clean(self, text: str) -> str:
        """The text with every character neither font has replaced by its bracketed Unicode name, and Arabic
        letters joined (their presentation forms), ready to be wrapped; the common case returns at once."""
        if self.chars.issuperset(text):
            return text
        return clean_text(text, self.chars, self.fallback_chars)

    def markup(self, text: str) -> str:
        """Plain user text made safe for a reportlab Paragraph: known glyphs only, markup escaped, newlines kept,
        and at most PARAGRAPH_CHARS characters (then an ellipsis): a paragraph of user text never fills pages."""
        if len(text) > PARAGRAPH_CHARS:
            text = text[:PARAGRAPH_CHARS].rstrip() + "…"
        text = self.clean(text)
        if self.fallback is None or not self.fallback_chars.intersection(text):
            return escape(text).replace("\n", "<br/>")
        base = base_direction(text)
        lines = [visual_order(line, base) for line in text.split("\n")]
        out = []
        for line in lines:
            parts = []
            for is_fallback, run in _runs(line, self.fallback_chars):
                parts.append(f'<font face="{self.fallback}">{escape(run)}</font>' if is_fallback else escape(run))
            out.append("".join(parts))
        return "<br/>".join(out)


def _runs(text: str, chars: frozenset[str]) -> list[tuple[bool, str]]:
    """`text` cut into runs of characters in `chars` (True) and not (False), in order."""
    runs: list[tuple[bool, str]] = []
    for ch in text:
        flag = ch in chars
        if runs and runs[-1][0] == flag:
            runs[-1] = (flag, runs[-1][1] + ch)
        else:
            runs.append((flag, ch))
    return runs


_SETTING = "setting cjk_font"  # the origin of a font named in the workspace's settings


def _spec_candidates(configured: str | None) -> list[tuple[FontSpec, FontSpec | None, str]]:
    found: list[tuple[FontSpec, FontSpec | None, str]] = []
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        found.append((FontSpec.parse(env), None, f"${ENV_VAR}"))
    if configured:
        found.append((FontSpec.parse(configured), None, _SETTING))
    for regular, bold in CANDIDATES:
        found.append((FontSpec.parse(regular), FontSpec.parse(bold) if bold else None, "system"))
    return found


SUBSET_CACHE_SIZE = 48  # font subsets (~35 KB compressed each) kept per face
SLICED_TABLES = frozenset({"glyf", "post"})  # tables reportlab's makeSubset only ever reads by slices


class _TableSlices:
    """A font table that hands out copies of its slices without copying the whole table first.

    Why: reportlab's `makeSubset` takes `get_table("glyf")` (3.5 MB for WenQuanYi Micro Hei, bytes sliced from the
    font file, so a full copy) only to cut a few hundred glyphs out of it, and the 540 KB `post` table only for
    12 bytes. In a forked render worker that copy lands on copy-on-write pages: about 1,000 page faults (~4 ms)
    for each new subset, i.e. for every dealer PDF."""

    __slots__ = ("_view",)

    def __init__(self, view: memoryview) -> None:
        self._view = view

    def __getitem__(self, part: slice) -> bytes:
        return self._view[part].tobytes()


class CachedSubsetFace(TTFontFace):
    """A font face that reuses the embedded subset programs of earlier documents of this process.

    Why: embedding a CJK subset means building a TrueType file of its ~256 glyphs and deflating it (~50 KB),
    several milliseconds per subset — with three subsets per dealer report, about a fifth of its rendering
    time. Reports of one batch share most of their characters (labels, the standards' items), and when a
    document's font subsets are seeded in the same order (`seed_font`), their subsets are identical byte for
    byte; so the deflated subset is built once per process and copied into every later document.
    """

    _subset_cache: OrderedDict[tuple[int, ...], tuple[bytes, bytes]]

    def get_table(self, tag: str) -> bytes | _TableSlices:  # type: ignore[override]
        """reportlab's table, or for SLICED_TABLES a view handing out slices (see `_TableSlices`); a test holds
        every subset byte-identical to reportlab's own."""
        if tag not in SLICED_TABLES:
            return super().get_table(tag)
        position, length = self.get_table_pos(tag)
        return _TableSlices(memoryview(self._ttf_data)[position : position + length])

    def addSubsetObjects(
        self, doc: pdfdoc.PDFDocument, fontname: str, subset: Sequence[int]
    ) -> pdfdoc.PDFObjectReference:
        """What TTFontFace.addSubsetObjects writes, with the font program taken from the cache when it can be."""
        key = tuple(subset)
        cache = self._subset_cache
        hit = cache.get(key)
        if hit is None:
            raw = self.makeSubset(subset)
            hit = (raw, zlib.compress(raw))
            cache[key] = hit
            if len(cache) > SUBSET_CACHE_SIZE:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        raw, deflated = hit
        font_file = pdfdoc.PDFStream()
        font_file.dictionary["Length1"] = len(raw)
        if doc.compression:
            # already deflated: a stream whose dictionary names its filter is written as it is
            font_file.content = deflated
            font_file.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        else:
            font_file.content = raw
        font_file_ref = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": self.ascent,
                "CapHeight": self.capHeight,
                "Descent": self.descent,
                "Flags": (self.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(self.bbox),
                "FontName": pdfdoc.PDFName(fontname),
                "ItalicAngle": self.italicAngle,
                "StemV": self.stemV,
                "FontFile2": font_file_ref,
                "MissingWidth": self.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)


class _Formatted(pdfdoc.PDFObject):
    """A PDF object whose bytes are known already: a font subset's widths array, the same in every document."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        return self.data


class CachedSubsetFont(TTFont):
    """A TrueType font that reuses, besides the subset programs (`CachedSubsetFace`), each subset's widths array
    and ToUnicode map from earlier documents of this process.

    Why: for every subset of every document reportlab looks up 256 glyph widths, formats them as a PDF array
    and builds and deflates the subset's ToUnicode CMap — the same bytes for the subsets a batch's reports share
    (see `seed_font`), ~5% of a dealer report's rendering. `addObjects` is reportlab's, with those parts cached.
    """

    _objects_cache: OrderedDict[tuple[str, tuple[int, ...]], tuple[bytes, bytes, bytes]]

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        cache = self._objects_cache
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_font_name = (b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))).decode("pdfdoc")
            key = (base_font_name, tuple(subset))
            hit = cache.get(key)
            if hit is None:
                widths = pdfdoc.PDFArray(list(map(self.face.getCharWidth, subset))).format(doc)
                cmap = makeToUnicodeCMap(base_font_name, subset)
                cmap_raw = cmap.encode("utf8") if isinstance(cmap, str) else cmap
                hit = (widths, cmap_raw, zlib.compress(cmap_raw))
                cache[key] = hit
                if len(cache) > SUBSET_CACHE_SIZE:
                    cache.popitem(last=False)
            else:
                cache.move_to_end(key)
            widths, cmap_raw, cmap_deflated = hit

            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
            pdf_font.Name = internal_name
            pdf_font.BaseFont = base_font_name
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = _Formatted(widths)
            cmap_stream = pdfdoc.PDFStream()
            if doc.compression:
                # already deflated: a stream whose dictionary names its filter is written as it is
                cmap_stream.content = cmap_deflated
                cmap_stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
            else:
                cmap_stream.content = cmap_raw
            pdf_font.ToUnicode = doc.Reference(cmap_stream, "toUnicodeCMap:" + base_font_name)
            pdf_font.FontDescriptor = self.face.addSubsetObjects(doc, base_font_name, subset)
            doc.Reference(pdf_font, internal_name)
            font_dict = doc.idToObject["BasicFonts"].dict
            font_dict[internal_name] = pdf_font
        del self.state[doc]


class _GlyphMetrics:
    """The face's per-glyph (advance width, left side bearing) pairs in two flat arrays, read as reportlab's list
    of tuples is (`makeSubset` is its only reader).

    Why: reportlab keeps one tuple per glyph (30,000 for a CJK font) and the glyph offsets as 30,000 int objects;
    a new subset reads ~256 of each, scattered over the heap, and reading a Python object writes its reference
    count. In a render worker forked from the warmed parent every such page is copied on write: ~500 page faults
    per dealer PDF. An array hands out new numbers and writes nothing shared."""

    __slots__ = ("_advances", "_bearings")

    def __init__(self, pairs: Sequence[tuple[float, int]]) -> None:
        self._advances = array("d", (advance for advance, _ in pairs))  # exact: reportlab stores ints and floats
        self._bearings = array("q", (bearing for _, bearing in pairs))

    def __len__(self) -> int:
        return len(self._advances)

    def __getitem__(self, glyph: int) -> tuple[float, int]:
        advance = self._advances[glyph]
        return (int(advance) if advance.is_integer() else advance), self._bearings[glyph]


def _load(spec: FontSpec, name: str) -> TTFont:
    font = TTFont(name, str(spec.path), subfontIndex=spec.index)
    font.__class__ = CachedSubsetFont  # same data, methods more clever (see the classes)
    font._objects_cache = OrderedDict()
    font.face.__class__ = CachedSubsetFace
    font.face._subset_cache = OrderedDict()
    font.face.hmetrics = _GlyphMetrics(font.face.hmetrics)  # same values, no per-glyph objects (see the class)
    font.face.glyphPos = array("q", font.face.glyphPos)
    return font


def seed_font(font_name: str, doc: pdfdoc.PDFDocument, text: str) -> None:
    """Give the characters of `text` their codes in the document's font subsets now, in this order.

    reportlab numbers a TrueType font's characters in the order a document first draws them, so two reports
    with the same characters still get different subsets. Seeding every report of a batch with the same
    characters first (the labels and the standards' item texts) makes their first subsets identical, which
    `CachedSubsetFace` then embeds without rebuilding them. Characters seeded but never drawn cost only their
    glyphs in the file.
    """
    font = pdfmetrics.getFont(font_name)
    if not isinstance(font, TTFont) or not text:
        return
    if doc in font.state:  # the document drew before its seed: number the seed after what it drew
        font.splitString(text, doc)
        close_subset(font, doc)
        return
    face = (font.face.filename, font.face.subfontNameX)  # which font file the name stands for now
    assignments, subsets, next_code = _seeded_codes(font_name, face, text)
    state = font.state[doc] = TTFont.State(font._asciiReadable, font)
    state.assignments = dict(assignments)
    state.subsets = [list(subset) for subset in subsets]
    state.nextCode = next_code


SeededCodes = tuple[dict[int, int], tuple[tuple[int, ...], ...], int]  # assignments, subsets, next code
SEEDED_CODES_KEPT = 4  # a batch has one seed; a process rendering several languages or fonts a few


@lru_cache(maxsize=SEEDED_CODES_KEPT)
def _seeded_codes(font_name: str, face: tuple[str, bytes], text: str) -> SeededCodes:
    """The codes a fresh document's subsets give the seed's characters (reportlab's `splitString` on a scratch
    document, then `close_subset`), worked out once per process and copied into each document.

    Why: numbering a seed of ~2,000 characters looks each one up in the face's character map, whose keys are
    30,000 int objects; a lookup writes the found key's reference count, so in a render worker forked from the
    warmed parent each document copied ~300 of the map's pages on write (~1 ms). The copy of the numbering is
    compact, and the same codes (a test holds them equal to reportlab's). `face` (the font file and subfont)
    is part of the key: another font registered under the same name numbers the characters otherwise."""
    font = pdfmetrics.getFont(font_name)
    scratch = pdfdoc.PDFDocument()
    font.splitString(text, scratch)
    close_subset(font, scratch)
    state = font.state.pop(scratch)
    return dict(state.assignments), tuple(tuple(subset) for subset in state.subsets), state.nextCode


def close_subset(font: TTFont, doc: pdfdoc.PDFDocument) -> None:
    """Fill the rest of the document's last font subset with unused codes, so the next new character starts a
    subset of its own.

    Why: the seed rarely ends on a subset boundary (256 codes), so its last subset used to take the report's own
    characters (dealer name, notes, auditors) after it; that subset then differed from report to report and was
    built and deflated afresh for every document (~150 glyphs, ~2.5 ms). Closed here, the seed's subsets are all
    shared (`CachedSubsetFace`) and only the report's own characters (a few dozen glyphs) make a new subset.
    The filler codes map to the .notdef glyph (code 0, as reportlab's own unused codes do; code 32 stays the
    space) and are never drawn.
    """
    state = font.state.get(doc)
    if state is None or state.frozen:
        return
    code = state.nextCode
    position, index = code & 0xFF, code >> 8
    if code < 128 or not position or index >= len(state.subsets) or len(state.subsets[index]) != position:
        return  # still filling subset 0's first codes, already on a boundary, or not laid out as expected
    state.subsets[index].extend(32 if (n == 32 and index) else 0 for n in range(position, 256))
    state.nextCode = (index + 1) << 8


def resolve_font(configured: str | None = None) -> tuple[FontSpec, FontSpec | None]:
    """The CJK font to use (and a bold face when one sits beside it), without registering anything."""
    for spec, bold, origin in _spec_candidates(configured):
        if spec.path.is_file():
            return spec, (bold if bold is not None and bold.path.is_file() else None)
        if origin != "system":
            origin_zh = "设置项 cjk_font" if origin == _SETTING else f"环境变量 {origin}"
            raise ConfigurationError(
                f"{origin} names {spec.path}, which does not exist; {INSTALL_HINT}",
                zh=f"{origin_zh} 指向的 {spec.path} 不存在；{INSTALL_HINT_ZH}",
            )
    raise ConfigurationError(INSTALL_HINT, zh=INSTALL_HINT_ZH)


def _first_present(codepoints: frozenset[int], alternatives: tuple[str, ...]) -> str | None:
    return next((ch for ch in alternatives if ord(ch) in codepoints), None)


@lru_cache(maxsize=4)
def fonts(configured: str | None = None) -> Fonts:
    """Register the CJK font (regular + bold) once per process and describe what it can draw."""
    spec, bold_spec = resolve_font(configured)
    try:
        regular = _load(spec, REGULAR)
    except (TTFError, OSError) as error:
        raise ConfigurationError(
            f"cannot use {spec} as a PDF font ({error}); {INSTALL_HINT}",
            zh=f"无法将 {spec} 用作 PDF 字体（{error}）；{INSTALL_HINT_ZH}",
        ) from error
    if not any(0x4E00 <= cp <= 0x9FFF for cp in regular.face.charToGlyph):
        raise ConfigurationError(
            f"{spec} has no Chinese glyphs; {INSTALL_HINT}", zh=f"{spec} 中没有中文字形；{INSTALL_HINT_ZH}"
        )
    pdfmetrics.registerFont(regular)
    bold_name = REGULAR
    if bold_spec is not None:
        try:
            pdfmetrics.registerFont(_load(bold_spec, BOLD))
            bold_name = BOLD
        except (TTFError, OSError):
            bold_name = REGULAR
    pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=bold_name, italic=REGULAR, boldItalic=bold_name)
    # reportlab resolves <b> inside a Paragraph through the family of the style's font name
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=bold_name, italic=REGULAR, boldItalic=bold_name)
    codepoints = frozenset(regular.face.charToGlyph)
    chars = frozenset(chr(cp) for cp in codepoints) | {"\n"}
    fallback_name, fallback_chars = _register_fallback(chars)
    if fallback_name is not None:
        register_fallback(REGULAR, chars, fallback_name, fallback_chars)
        register_fallback(bold_name, chars, fallback_name, fallback_chars)
    return Fonts(
        regular=REGULAR,
        bold=bold_name,
        source=str(spec),
        check=_first_present(codepoints, CHECK_ALTERNATIVES),
        cross=_first_present(codepoints, CROSS_ALTERNATIVES),
        substitute=_first_present(codepoints, SUBSTITUTE_ALTERNATIVES) or "?",
        codepoints=codepoints,
        chars=chars,
        fallback=fallback_name,
        fallback_chars=fallback_chars,
    )


def _register_fallback(primary: frozenset[str]) -> tuple[str | None, frozenset[str]]:
    """Register the first fallback font present (once per process): its name and the characters it adds."""
    configured = os.environ.get(FALLBACK_ENV_VAR, "").strip()
    for candidate in ([configured] if configured else []) + list(FALLBACK_CANDIDATES):
        spec = FontSpec.parse(candidate)
        if not spec.path.is_file():
            continue
        try:
            font = _load(spec, FALLBACK)
        except (TTFError, OSError):
            continue
        pdfmetrics.registerFont(font)
        # astral characters (emoji) are left out: reportlab's ToUnicode map of a subset holds 16-bit codes only,
        # so a copied or extracted emoji would come out as another character; they get their name instead
        adds = frozenset(chr(cp) for cp in font.face.charToGlyph if chr(cp) not in primary and 32 <= cp <= 0xFFFF)
        return FALLBACK, adds
    return None, frozenset()

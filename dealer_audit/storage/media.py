"""What an evidence file is and what it is called inside the store: one rule for every way files arrive.

Capture (a photo attached in the wizard) and import (bundles, field exports, files next to an audit) both store
evidence through `EvidenceStore`; both must agree on the media type and the stored name, or the same photo would
be described differently depending on how it came in.
"""

from __future__ import annotations

import io
import mimetypes
from pathlib import Path
from typing import BinaryIO

from dealer_audit.errors import Message

HEAD_BYTES = 32  # enough for every signature below

_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"BM", 0, "image/bmp"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
)


def sniffed_media_type(head: bytes) -> str | None:
    """The media type the first bytes prove, or None when no known signature matches (the name is not asked:
    an upload that must be a photo is judged by this alone)."""
    for signature, offset, media_type in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
            return "image/heic"
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    return None


def media_type_of(head: bytes, file_name: str) -> str:
    """The media type from a file's first bytes (a renamed .jpg is still a PNG), else from its name's suffix."""
    sniffed = sniffed_media_type(head)
    if sniffed is not None:
        return sniffed
    guessed, _ = mimetypes.guess_type(file_name)
    return guessed or "application/octet-stream"


def detect_media_type(path: Path, head: bytes | None = None) -> str:
    """`media_type_of` for a file on disk (reads only its first bytes unless `head` is given)."""
    if head is None:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    return media_type_of(head, path.name)


def stored_suffix(file_name: str) -> str:
    """The suffix the stored copy keeps: the original one, lower-cased, when it is short plain ASCII (".jpg");
    otherwise none, so a name typed on any laptop can never put odd characters into the store."""
    suffix = Path(file_name).suffix.lower()
    return suffix if suffix.isascii() and len(suffix) <= 10 and suffix[1:].isalnum() else ""


MAX_IMAGE_PIXELS = 64_000_000  # 8000 × 8000: above any phone's normal output (48 MP = 8000 × 6000)
MEGAPIXELS = MAX_IMAGE_PIXELS // 1_000_000


def image_problem(source: Path | bytes | BinaryIO) -> Message | None:
    """Why an evidence image is refused, in both languages (None when it is fine or not an image Pillow knows).

    Pillow reads the header only (width and height) — nothing is decoded — so a 20000 × 20000 PNG of a few kB
    ("decompression bomb") is refused at import before it can exhaust memory in a report. Files that are not
    images (PDF, video) pass: they are stored as files and never decoded.
    """
    from PIL import Image, UnidentifiedImageError

    stream: Path | BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with Image.open(stream) as image:
            width, height = image.size
    except Image.DecompressionBombError as error:  # over twice Pillow's own limit: its message gives the size
        return Message(
            f"an image far beyond {MEGAPIXELS} megapixels ({error})",
            f"图片远超 {MEGAPIXELS} 百万像素（{error}）",
        )
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    if width * height > MAX_IMAGE_PIXELS:
        return Message(
            f"an image of {width:,} × {height:,} pixels; at most {MEGAPIXELS} megapixels",
            f"图片为 {width:,} × {height:,} 像素，最多 {MEGAPIXELS} 百万像素",
        )
    return None

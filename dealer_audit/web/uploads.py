"""Photos arriving over HTTP: checked by content, capped in size, stored by hash; thumbnails by hash only.

Why its own module: an upload is the one place user bytes and a user-chosen file name reach the server. The name
is kept only as a label (never a path: the store names files by sha256), the type is taken from the bytes (the
same signatures storage/media.py uses for every other way evidence arrives), and Pillow must be able to decode
the image, so a truncated or disguised file is refused with a message instead of stored.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath, PureWindowsPath

from PIL import Image, UnidentifiedImageError
from starlette.datastructures import UploadFile

from dealer_audit.core.answers import EvidenceRef
from dealer_audit.storage.media import HEAD_BYTES, sniffed_media_type
from dealer_audit.storage.workspace import EvidenceStore

log = logging.getLogger("dealer_audit.web")

PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})  # what every browser shows
THUMB_PX = 320
READ_BLOCK = 1 << 20


@dataclass(frozen=True)
class UploadRefused(Exception):
    """Why an upload was not stored: `code` picks the user's words (capture.upload.<code>), `params` fill them."""

    code: str
    file_name: str
    detail: str = ""

    def __str__(self) -> str:
        return f"upload {self.file_name!r} refused ({self.code}){': ' + self.detail if self.detail else ''}"


def label_of(file_name: str | None) -> str:
    """The upload's name as a label only: its last part under either path convention, control characters
    removed, at most 120 characters ("photo.png" when nothing is left)."""
    raw = file_name or ""
    base = PureWindowsPath(PurePosixPath(raw).name).name
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return cleaned[:120] or "photo.png"


async def read_capped(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refusing more than `limit` (read in blocks, so an oversized upload is never held whole)."""
    name = label_of(upload.filename)
    chunks: list[bytes] = []
    total = 0
    while block := await upload.read(READ_BLOCK):
        total += len(block)
        if total > limit:
            raise UploadRefused("too_large", name, f"more than {limit} bytes")
        chunks.append(block)
    return b"".join(chunks)


def check_photo(data: bytes, file_name: str) -> str:
    """The photo's media type, proven by its content; UploadRefused for empty, non-image or undecodable data."""
    if not data:
        raise UploadRefused("empty", file_name)
    media_type = sniffed_media_type(data[:HEAD_BYTES])
    if media_type not in PHOTO_TYPES:
        raise UploadRefused("not_image", file_name, f"content is {media_type or 'not a known file type'}")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UploadRefused("broken", file_name, f"{media_type} does not decode: {error}") from None
    return media_type


def store_photo(store: EvidenceStore, data: bytes, file_name: str) -> EvidenceRef:
    check_photo(data, file_name)
    return store.add_bytes(data, file_name)


@lru_cache(maxsize=512)
def thumbnail(path: Path) -> tuple[bytes, str]:
    """A small JPEG (or PNG, for images with transparency) of a stored photo, made once per process; the store's
    files never change under their hash name, so the cache needs no invalidation."""
    with Image.open(path) as image:
        image.thumbnail((THUMB_PX, THUMB_PX))
        keeps_alpha = image.mode in ("RGBA", "LA", "P")
        out = io.BytesIO()
        if keeps_alpha:
            image.save(out, "PNG", optimize=True)
        else:
            image.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue(), "image/png" if keeps_alpha else "image/jpeg"

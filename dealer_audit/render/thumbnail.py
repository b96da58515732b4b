"""Small previews of evidence photos for the browser (a phone photo is megabytes; a row shows it at 120 px).

Pillow is imported here and in the PDF renderer only. A file Pillow cannot read gives None: the page then links the
file instead of showing a preview.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

THUMBNAIL_PX = 320  # longest side; sharp at 120–160 CSS px on a 2× screen


@lru_cache(maxsize=256)
def thumbnail_jpeg(path: Path, max_px: int = THUMBNAIL_PX) -> bytes | None:
    """A JPEG no larger than `max_px` on its longest side, upright (EXIF orientation applied). Cached per path:
    the store names files by their content hash, so a path's bytes never change."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.draft("RGB", (max_px, max_px))  # JPEG: decode at a reduced scale, much faster
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((max_px, max_px))
            out = io.BytesIO()
            upright.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
            return out.getvalue()
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None


__all__ = ["THUMBNAIL_PX", "thumbnail_jpeg"]

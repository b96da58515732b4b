"""Give the memory a finished analysis freed back to the operating system (glibc's `malloc_trim`).

Why: the key drivers and the themes (`services.insight.ensure_insight`) make tens of megabytes of short-lived
arrays and model tables after the scored wave is loaded. Python frees them, but glibc keeps the freed heap
pages mapped for reuse, so the process's resident size stays at the analysis's peak while the HQ workbook is
written on top of it (~70 MB at 3,000 dealers; docs/performance.md). Trimming returns those pages; it changes
no result. Elsewhere than glibc (macOS, Windows, musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:  # the symbols already loaded into this process (libc among them); no ctypes.util.find_library, which
        # runs ldconfig in a subprocess (a fork of a process holding a scored wave)
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
        return trim
    except (OSError, AttributeError):  # not glibc
        return None


def return_freed_memory() -> bool:
    """Trim the C heap; True when it was possible here (glibc), whether or not pages came back."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True

"""The one ordering of version texts (standards' versions), so capture, storage and re-scoring agree on "newest".

Two copies used to disagree: one split `1-9` into 1, "-", 9 and sorted it after `1.10`. Here `.`, `-`, `_` and
spaces all separate parts, number parts compare as numbers and come before text parts.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[.\-_ ]+")
_PARTS = re.compile(r"\d+|\D+")


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key: `2026.10` after `2026.9`, `1.10` after `1-9`, `2026.1` before `2026.1a`."""
    parts = [p for chunk in _SEPARATORS.split(version) if chunk for p in _PARTS.findall(chunk)]
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)

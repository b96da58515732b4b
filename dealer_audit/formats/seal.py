"""The tamper seal of the workbooks dealer-audit hands out and reads back: an HMAC-SHA256 over hidden cells.

Why one module: the fill-in form's `_meta` (formats/form_xlsx.py) and the dealer's Actions sheet record
(formats/actions_xlsx.py) are sealed the same way with the same per-workspace secret (storage/workspace.py
``form.key``); one implementation means one thing to review. Sheet protection in Excel has no real password, so
the hidden cells are sealed instead: whoever lacks the key cannot make an edited hidden sheet verify. Each
format passes its own `context` (a versioned label), so a seal taken from one kind of workbook never verifies
another. What it proves and what it does not: docs/security.md, "Fill-in workbook tamper check".
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["seal_cells", "seal_matches"]


def seal_cells(key: bytes, context: bytes, rows: Iterable[Sequence[Any]]) -> str:
    """The HMAC-SHA256 (hex) of hidden cells as read back: every row's cell values, in sheet order.

    Values are serialised with their JSON type, so a number retyped as text (or the reverse) breaks the seal too.
    """
    payload = json.dumps([list(row) for row in rows], ensure_ascii=False, separators=(",", ":"), default=str)
    return hmac.new(key, context + payload.encode("utf-8"), hashlib.sha256).hexdigest()


def seal_matches(key: bytes, context: bytes, rows: Iterable[Sequence[Any]], seal: object) -> bool:
    """Whether `seal` (the cell as read: any type, possibly empty) is the seal of `rows`; compared in constant
    time so the check tells nothing about how close a forged seal came."""
    return isinstance(seal, str) and hmac.compare_digest(seal, seal_cells(key, context, rows))

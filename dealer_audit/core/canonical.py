"""The canonical JSON text of plain data and its sha256: one definition for every content hash (a standard's
`content_hash`, a program's, an audit's digest) and for the JSON bodies storage keeps, so equal meaning always
gives equal text and equal hashes."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(data: Any) -> str:
    """Keys sorted, no spaces, UTF-8 text kept as is (not \\u-escaped)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_hash(data: Any) -> str:
    """sha256 hex of `canonical_json(data)`."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()

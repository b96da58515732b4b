"""A dealer (4S store) as master data: one record per dealer code, the attributes conditions may test."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from dealer_audit.core.standard import LocalText

AttributeValue = str | int | float | bool

# Dealer and region codes name report files (SH001_2026-Q4_zh.pdf), so they keep to characters every file system
# takes as they are: two codes that differ only in characters a file name cannot hold (A/B and A_B) would
# otherwise name one file. Case is not enough to tell codes apart either (Windows and macOS ignore it): the
# dealer reader refuses SH001 next to sh001. See docs/security.md, "Report file names".
CODE_ALPHABET = "ASCII letters and digits, and '-', '_' or '.' after the first character"
_SAFE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


def code_problem(code: str, what: str = "dealer code") -> str | None:
    """Why `code` is not a safe dealer/region code (None when it is): the message names the offending character."""
    if not code or _SAFE_CODE.match(code):
        return None
    bad = next((ch for ch in code if not (ch.isascii() and (ch.isalnum() or ch in "._-"))), code[0])
    shown = repr(bad) if bad.isprintable() else f"U+{ord(bad):04X}"
    return f"{what} {code!r} contains {shown}: codes use {CODE_ALPHABET} (they name report files)"


@dataclass(frozen=True)
class Dealer:
    """A dealer of the network: code, names, region and the attributes conditions can test (e.g. has_ev_service)."""

    code: str
    name: LocalText
    region: str  # region code, one of the program's regions
    province: str = ""
    city: str = ""
    group: str = ""  # dealer group (经销商集团)
    brand: str = ""
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)  # e.g. has_ev_service: True

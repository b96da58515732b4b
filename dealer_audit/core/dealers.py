"""A dealer (4S store) as master data: one record per dealer code, the attributes conditions may test."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from dealer_audit.core.standard import LocalText
from dealer_audit.errors import Message

AttributeValue = str | int | float | bool

# Dealer and region codes name report files (SH001_2026-Q4_zh.pdf), so they keep to characters every file system
# takes as they are: two codes that differ only in characters a file name cannot hold (A/B and A_B) would
# otherwise name one file. Case is not enough to tell codes apart either (Windows and macOS ignore it): the
# dealer reader refuses SH001 next to sh001. See docs/security.md, "Report file names".
CODE_ALPHABET = "ASCII letters and digits, and '-', '_' or '.' after the first character"
CODE_ALPHABET_ZH = "代码只能使用英文字母和数字，首字符之后还可以用“-”“_”“.”"
_SAFE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


def code_problem(code: str, what: str = "dealer code", what_zh: str = "") -> Message | None:
    """Why `code` is not a safe dealer/region code (None when it is): the message names the offending character.

    `str()` of the answer is the English; its `zh` is filled when the caller names the code in Chinese (`what_zh`).
    """
    if not code or _SAFE_CODE.match(code):
        return None
    bad = next((ch for ch in code if not (ch.isascii() and (ch.isalnum() or ch in "._-"))), code[0])
    shown = repr(bad) if bad.isprintable() else f"U+{ord(bad):04X}"
    en = f"{what} {code!r} contains {shown}: codes use {CODE_ALPHABET} (they name report files)"
    zh = f"{what_zh}“{code}”含有字符 {shown}：{CODE_ALPHABET_ZH}（代码会用作报告文件名）" if what_zh else ""
    return Message(en, zh)


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

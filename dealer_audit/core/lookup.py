"""Where a problem is, and what a typo meant: the logical paths of a standard or program (`sections[0].items`),
the `Locate` that turns a path into a file location, and every "did you mean" of the tool.

Low in the core (imports only errors.py), so readers, rules, storage and services share one copy without importing
a codec for a helper.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

from dealer_audit.errors import Location, Message

Locate = Callable[[str], Location]


def join(path: str, key: str | int) -> str:
    """The logical path of a child: ``join("sections[0]", "items")`` -> ``sections[0].items``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def parent_path(path: str) -> str:
    """One step up: ``a.b[2].c`` -> ``a.b[2]`` -> ``a.b`` -> ``a`` -> ``""``."""
    if path.endswith("]"):
        return path[: path.rindex("[")]
    return path.rsplit(".", 1)[0] if "." in path else ""


def locator(source: str, locations: dict[str, Location] | None = None) -> Locate:
    """A `Locate` over a reader's side map: the deepest recorded ancestor of a path wins (a missing key is reported
    where its parent starts); without a map, locations carry the logical path."""

    def locate(path: str) -> Location:
        if locations:
            probe = path
            while True:
                if probe in locations:
                    return locations[probe]
                if not probe:
                    break
                probe = parent_path(probe)
        return Location(file=source, path=path or None)

    return locate


def close_matches(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Known words a typo may have meant, best first: the same letters in another case (sh001 → SH001), then
    words it begins (SH0 → SH001), then fuzzy matches. Every "did you mean" in the tool comes from here."""
    pool = sorted({c for c in choices if c})
    lowered = word.lower()
    found = [c for c in pool if c.lower() == lowered and c != word]
    found += [c for c in pool if c.lower().startswith(lowered) and c not in found and c != word] if word else []
    scored = sorted((-difflib.SequenceMatcher(None, word, c).ratio(), c) for c in pool if c not in found)
    found += [c for ratio, c in scored if -ratio >= 0.6]
    return found[:n]


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The known word a typo most likely meant, or None when nothing is close."""
    matches = close_matches(word, choices, n=1)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known word, or "" when nothing is close (every reader's "did you mean")."""
    guess = closest(word, choices)
    return f"did you mean '{guess}'?" if guess else ""


def did_you_mean_zh(word: str, choices: Iterable[str]) -> str:
    """`did_you_mean` in Chinese (the same guess), for a Problem's `hint_zh`."""
    guess = closest(word, choices)
    return f"是否应为“{guess}”？" if guess else ""


def did_you_mean_hint(
    word: str, choices: Iterable[str], *, quoted: bool = False, otherwise: Message | None = None
) -> Message:
    """A hint naming every close known word (`close_matches`: up to three, best first) in both languages, for
    refusals where several candidates help (codes, regions, waves); `otherwise` (default: empty texts) when none is.
    One scan of `choices` for both texts: with thousands of dealer codes a scan is what a message costs.
    `quoted` for words that may hold spaces (an auditor's name): 'Wang Fang' / “Wang Fang”."""
    close = close_matches(word, choices)
    if not close:
        return otherwise if otherwise is not None else Message("", "")
    return Message(
        f"did you mean {', '.join(repr(c) if quoted else c for c in close)}?",
        f"是否应为 {', '.join(f'“{c}”' if quoted else c for c in close)}？",
    )


def unknown_region(region: str, wave: str, known: Iterable[str]) -> Message:
    """The one refusal of a region a wave does not have (score, report, insight, kpis, the region report model):
    close codes when there are, else every code of the wave."""
    codes = sorted(set(known))
    listed = ", ".join(codes) or "–"
    hint = did_you_mean_hint(region, codes, otherwise=Message(f"regions: {listed}", f"已有区域：{listed}"))
    return Message(
        f"no region {region} in wave {wave} ({hint.en})", f"稽核批次 {wave} 中没有区域 {region}（{hint.zh}）"
    )

"""Reading JSON that arrives from outside (audit files, bundle manifests) with bounds on everything.

Why not plain `json.loads`: nested ten thousand levels deep it ends in a RecursionError traceback; an integer of
five thousand digits in a ValueError (Python's int-from-text limit); `NaN`, `Infinity` or `1e999` become
numbers nobody can score; and the same key twice (an item answered twice) silently keeps the last one. Here each
of these is a `Problem` located by its JSON path, all reported at once.

The checks use json's own hooks (`object_pairs_hook`, `parse_int`, `parse_float`, `parse_constant`): a bad
number becomes a marker the tree walk then reports with its path; depth is checked by an iterative walk (never
recursion), and a document nested beyond what the C parser itself can descend is caught as RecursionError.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dealer_audit.errors import Location, Message, Problem, ValidationFailed

MAX_DEPTH = 32  # an audit file nests 5 levels; a manifest 4
MAX_INT_DIGITS = 18  # fits a 64-bit column; sizes and revisions never need more
MAX_JSON_BYTES = 20 * 1024 * 1024  # one audit file: thousands of answers and notes fit in a few MB


@dataclass(frozen=True)
class _BadNumber:
    """A number json read but we refuse (non-finite, or too many digits); the walk reports it with its path."""

    text: str
    reason: Message


class _Object(dict[str, Any]):
    """A JSON object that remembers keys it saw more than once (the last value wins in the dict itself)."""

    duplicates: tuple[str, ...] = ()


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    result = _Object()
    seen: list[str] = []
    for key, value in pairs:
        if key in result:
            seen.append(key)
        result[key] = value
    result.duplicates = tuple(dict.fromkeys(seen))
    return result


def _int(text: str) -> int | _BadNumber:
    digits = text.lstrip("-")
    if len(digits) > MAX_INT_DIGITS:
        return _BadNumber(
            f"{text[:12]}…",
            Message(
                f"a whole number of {len(digits):,} digits (at most {MAX_INT_DIGITS})",
                f"整数有 {len(digits):,} 位（最多 {MAX_INT_DIGITS} 位）",
            ),
        )
    return int(text)


def _float(text: str) -> float | _BadNumber:
    if len(text) > 64:
        return _BadNumber(
            f"{text[:12]}…",
            Message(
                f"a number written with {len(text):,} characters (at most 64)",
                f"数字写了 {len(text):,} 个字符（最多 64 个）",
            ),
        )
    value = float(text)
    if not math.isfinite(value):
        return _BadNumber(text, Message("a number too large to be finite", "数值过大，不是有限的数值"))
    return value


def _constant(text: str) -> _BadNumber:
    return _BadNumber(text, Message("not a finite number", "不是有限的数值"))


def _child_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return key if path == "$" else f"{path}.{key}"


def _walk(data: Any, source: str) -> tuple[Any, list[Problem]]:
    """Check depth, numbers and duplicate keys without recursion; return the tree with plain dicts."""
    problems: list[Problem] = []

    def where(path: str) -> Location:
        return Location(file=source, path=path)

    root_holder: list[Any] = [data]
    # (container, key in container, value, path, depth)
    stack: list[tuple[Any, Any, Any, str, int]] = [(root_holder, 0, data, "$", 0)]
    while stack:
        parent, key, value, path, depth = stack.pop()
        if isinstance(value, _BadNumber):
            problems.append(
                Problem(
                    where(path),
                    f"{value.text} refused: {value.reason.en}",
                    "number",
                    zh=f"{value.text} 被拒绝：{value.reason.zh}",
                )
            )
            parent[key] = None
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                problems.append(_too_deep(where(path)))
                parent[key] = None
                continue
            if isinstance(value, _Object):
                for duplicate in value.duplicates:
                    problems.append(
                        Problem(
                            where(_child_path(path, duplicate)),
                            f"{duplicate!r} appears more than once in the same object",
                            "duplicate_key",
                            hint="keep one entry (an item answered twice is ambiguous)",
                            zh=f"{duplicate!r} 在同一对象中出现了不止一次",
                            hint_zh="只保留一个（同一检查项回答两次会产生歧义）",
                        )
                    )
                value = dict(value)
                parent[key] = value
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((value, k, v, _child_path(path, k), depth + 1) for k, v in items)
    return root_holder[0], problems


def _too_deep(location: Location) -> Problem:
    return Problem(
        location,
        f"nested more than {MAX_DEPTH} levels deep; refused",
        "too_deep",
        zh=f"嵌套超过 {MAX_DEPTH} 层，已拒绝",
    )


def parse_json(text: str | bytes, source: str) -> Any:
    """The JSON value of `text`, or ValidationFailed listing every problem located by file and line or JSON path
    (syntax, depth, huge or non-finite numbers, duplicate keys, size)."""
    if len(text) > MAX_JSON_BYTES:
        message = f"{len(text):,} bytes; at most {MAX_JSON_BYTES:,} are read"
        zh = f"文件有 {len(text):,} 字节，最多只读取 {MAX_JSON_BYTES:,} 字节"
        raise ValidationFailed(
            [Problem(Location(file=source), message, "too_big", zh=zh)],
            f"{source}: refused",
            summary_zh=f"{source}：已拒绝",
        )
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as error:
        location = Location(file=source, line=error.lineno, column=error.colno)
        raise ValidationFailed(
            [Problem(location, f"invalid JSON: {error.msg}", zh=f"JSON 格式错误：{error.msg}")],
            f"{source}: not valid JSON",
            summary_zh=f"{source}：不是有效的 JSON",
        ) from None
    except UnicodeDecodeError:
        raise ValidationFailed(
            [Problem(Location(file=source), "not UTF-8 text", zh="不是 UTF-8 编码的文本")],
            f"{source}: not UTF-8",
            summary_zh=f"{source}：不是 UTF-8 编码",
        ) from None
    except RecursionError:
        raise ValidationFailed(
            [_too_deep(Location(file=source))], f"{source}: refused", summary_zh=f"{source}：已拒绝"
        ) from None
    data, problems = _walk(data, source)
    if problems:
        raise ValidationFailed(problems, f"{source}: refused", summary_zh=f"{source}：已拒绝")
    return data


def read_json_file(path: Path, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """`parse_json` of a file, reading at most `max_bytes` (+1 to know it is larger) whatever its size."""
    with Path(path).open("rb") as handle:
        data = handle.read(max_bytes + 1)
    return parse_json(data, str(path))

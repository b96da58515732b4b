"""The descriptive statistics roll-ups need (means, medians, ranks), in plain Python: they are exact sums over
short lists. Inferential statistics (t quantiles, intervals, tests) live in core/intervals.py, on scipy.

Sums use `math.fsum`, which is correctly rounded and therefore independent of the order of its inputs: the same
audits give the same means however storage happens to return them.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Σ w·x / Σ w over (weight, value) pairs with positive weight; None when no weight remains."""
    pairs = [(w, x) for w, x in pairs if w > 0]
    total = math.fsum(w for w, _ in pairs)
    if total <= 0:
        return None
    return math.fsum(w * x for w, x in pairs) / total


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def stdev(values: Sequence[float]) -> float | None:
    """Sample standard deviation (n − 1); None below two values."""
    if len(values) < 2:
        return None
    centre = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / (len(values) - 1))


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval [low, high] (built by core/intervals.py)."""

    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


@dataclass(frozen=True, slots=True)
class Summary:
    """Descriptive statistics of a set of values (dealer indices of a region, say); all None when n == 0."""

    n: int
    mean: float | None = None
    median: float | None = None
    min: float | None = None
    max: float | None = None
    stdev: float | None = None

    @classmethod
    def of(cls, values: Iterable[float]) -> Summary:
        data = list(values)
        if not data:
            return cls(0)
        return cls(len(data), mean(data), median(data), min(data), max(data), stdev(data))


def competition_ranks(values: Mapping[K, float | None], descending: bool = True) -> dict[K, int | None]:
    """Standard competition ranking ("1224"): equal values share the best rank and the next rank skips. Compares
    at full precision; keys with value None are unranked (None)."""
    ranked = [(v, k) for k, v in values.items() if v is not None]
    ordered = sorted((v for v, _ in ranked), reverse=descending)
    first_position: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    result: dict[K, int | None] = {k: None for k in values}
    for value, key in ranked:
        result[key] = first_position[value]
    return result

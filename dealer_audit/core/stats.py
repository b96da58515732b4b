"""The few statistics roll-ups need, in plain Python (no scipy/numpy in the pure core).

Sums use `math.fsum`, which is correctly rounded and therefore independent of the order of its inputs: the same
audits give the same means however storage happens to return them.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

# Two-sided 95% critical values of Student's t (the 0.975 quantile) for 1..30 degrees of freedom.
_T975 = (
    12.706204736,
    4.302652730,
    3.182446305,
    2.776445105,
    2.570581836,
    2.446911851,
    2.364624252,
    2.306004135,
    2.262157163,
    2.228138852,
    2.200985160,
    2.178812830,
    2.160368656,
    2.144786688,
    2.131449546,
    2.119905299,
    2.109815578,
    2.100922040,
    2.093024054,
    2.085963447,
    2.079613845,
    2.073873068,
    2.068657610,
    2.063898562,
    2.059538553,
    2.055529439,
    2.051830516,
    2.048407142,
    2.045229642,
    2.042272456,
)
_Z975 = 1.959963984540054


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with `df` degrees of freedom: a table up to 30, then the Cornish-Fisher
    expansion around the normal quantile (error below 1e-5 for df > 30, far under display precision)."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z = _Z975
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


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
    """A confidence interval [low, high] around a mean."""

    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def confidence_interval(
    values: Sequence[float], level_t: float | None = None, bounds: tuple[float, float] | None = None
) -> Interval | None:
    """The 95% t-interval of the mean of `values` (None below two values), clipped to `bounds` when given (an
    index cannot leave 0..100 even when a small sample's interval would)."""
    n = len(values)
    if n < 2:
        return None
    centre = math.fsum(values) / n
    spread = stdev(values) or 0.0
    half = (level_t if level_t is not None else t975(n - 1)) * spread / math.sqrt(n)
    low, high = centre - half, centre + half
    if bounds is not None:
        low, high = max(bounds[0], low), min(bounds[1], high)
    return Interval(low, high)


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

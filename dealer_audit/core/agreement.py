"""Inter-rater agreement: Gwet's AC1/AC2 and Krippendorff's alpha, with seeded bootstrap intervals.

Pure (numpy only, no I/O). Data come as *units*: one sequence of ratings per unit (a recorded scenario or a
double-audited visit, for one item), missing ratings simply absent (or None). Neither coefficient needs to know
which rater gave which rating, so any number of raters and any pattern of missing data are handled.

Formulas (docs/calibration.md explains them in plain words):

- Krippendorff's alpha, from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
  Alpha-Reliability"): alpha = 1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck), where o_ck counts the pairs
  of values c, k within a unit (each unit weighted 1 / (m_u - 1)), n_c the pairable values c, n their total, and
  d_ck the squared difference of the level: nominal 1 for c != k; ordinal (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2;
  interval (c - k)^2. Units with fewer than two ratings are not pairable and do not count.
- Gwet's AC1 (nominal) and AC2 (weighted) for several raters (Gwet 2014, Handbook of Inter-Rater Reliability,
  4th ed., ch. 2-3): pa = mean over units with >= 2 ratings of sum_k r_uk (r*_uk - 1) / (r_u (r_u - 1)) with
  r*_uk = sum_l w_kl r_ul; pi_k = mean over units with >= 1 rating of r_uk / r_u; pe = T_w / (q (q - 1)) *
  sum_k pi_k (1 - pi_k) with T_w the sum of all weights; AC = (pa - pe) / (1 - pe). Weights: identity (nominal),
  Gwet's ordinal weights 1 - C(|k - l| + 1, 2) / C(q, 2) (ordinal), quadratic 1 - (x_k - x_l)^2 / (x_max - x_min)^2
  (interval). q is the number of possible categories — pass them (a yes/no item has two even when everyone said
  yes), otherwise the observed ones are used.

A coefficient is `None` where it is undefined: no pairable unit, or no variation at all for alpha (every value
the same: alpha is 0/0; AC1 is still defined when the categories are known and gives 1).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from math import comb

import numpy as np
from numpy.typing import NDArray

Rating = Hashable
DEFAULT_REPLICATES = 1000
DEFAULT_SEED = 20261  # fixed: the same data always give the same interval


class Level(StrEnum):
    """Level of measurement, which decides how far apart two different ratings are."""

    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"


@dataclass(frozen=True)
class Estimate:
    """A coefficient with its 95 % percentile-bootstrap interval (units resampled with replacement)."""

    value: float | None
    low: float | None = None
    high: float | None = None

    def text(self) -> str:
        """`0.78 [0.61, 0.90]` (or the value alone, or – ): how the CLI table and the calibration PDF show it."""
        if self.value is None:
            return "–"
        if self.low is None or self.high is None:
            return f"{self.value:.2f}"
        return f"{self.value:.2f} [{self.low:.2f}, {self.high:.2f}]"


@dataclass(frozen=True)
class Agreement:
    """Agreement on one set of units: Gwet's AC1 (AC2 when weighted), Krippendorff's alpha and raw agreement."""

    level: Level
    units: int  # units with at least two ratings (the pairable ones)
    ratings: int  # ratings in those units
    categories: int
    percent: float | None  # the (weighted) share of agreeing rating pairs, Gwet's pa
    ac: Estimate  # AC1 for nominal data, AC2 with ordinal / quadratic weights otherwise
    alpha: Estimate

    @property
    def ac_name(self) -> str:
        return "AC1" if self.level is Level.NOMINAL else "AC2"


@dataclass(frozen=True)
class _Table:
    """Units as counts: r[u, k] = how many raters put unit u in category k."""

    categories: tuple[Rating, ...]
    values: NDArray[np.float64]  # numeric value of each category (ranks for nominal data: unused)
    counts: NDArray[np.float64]


def _table(units: Sequence[Sequence[Rating | None]], level: Level, categories: Sequence[Rating] | None) -> _Table:
    observed = {r for unit in units for r in unit if r is not None}
    if categories is None:
        known: list[Rating] = list(observed)
    else:
        known = list(dict.fromkeys(categories))
        unknown = observed - set(known)
        if unknown:
            raise ValueError(f"ratings outside the categories given: {sorted(map(repr, unknown))}")
    if level is Level.NOMINAL:
        known.sort(key=repr)
        values = np.arange(len(known), dtype=float)
    else:
        known.sort(key=lambda c: float(c))  # type: ignore[arg-type]  # ordinal/interval ratings are numbers
        values = np.array([float(c) for c in known])  # type: ignore[arg-type]
    index = {c: i for i, c in enumerate(known)}
    counts = np.zeros((len(units), len(known)))
    for u, unit in enumerate(units):
        for rating in unit:
            if rating is not None:
                counts[u, index[rating]] += 1
    return _Table(tuple(known), values, counts)


def gwet_weights(values: NDArray[np.float64], level: Level) -> NDArray[np.float64]:
    """Gwet's agreement weights: identity (nominal), ordinal, or quadratic on the values (interval)."""
    q = len(values)
    if level is Level.NOMINAL or q < 2:
        return np.eye(q)
    if level is Level.ORDINAL:
        ranks = np.arange(q)
        distance = np.abs(ranks[:, None] - ranks[None, :])
        return 1 - np.vectorize(lambda d: comb(int(d) + 1, 2))(distance) / comb(q, 2)
    spread = values.max() - values.min()
    return 1 - (values[:, None] - values[None, :]) ** 2 / spread**2


def _alpha_distance(values: NDArray[np.float64], n_c: NDArray[np.float64], level: Level) -> NDArray[np.float64]:
    """Squared difference d_ck for each pair of categories; `n_c` may be one row of marginals or a batch (B, q)."""
    q = len(values)
    if level is Level.NOMINAL:
        return 1 - np.eye(q)
    if level is Level.INTERVAL:
        return (values[:, None] - values[None, :]) ** 2
    cum = np.cumsum(n_c, axis=-1)
    lo = np.minimum(np.arange(q)[:, None], np.arange(q)[None, :])
    hi = np.maximum(np.arange(q)[:, None], np.arange(q)[None, :])
    between = cum[..., hi] - cum[..., lo] + n_c[..., lo]  # sum of n_g for g = lo..hi
    return (between - (n_c[..., :, None] + n_c[..., None, :]) / 2) ** 2


def _unit_weights(counts: NDArray[np.float64]) -> NDArray[np.float64]:
    """1 / (m_u - 1) for units with at least two ratings, 0 for the others (they are not pairable)."""
    m = counts.sum(axis=1)
    return np.where(m >= 2, 1 / np.maximum(m - 1, 1), 0.0)


def _coincidence_total(counts: NDArray[np.float64]) -> NDArray[np.float64]:
    """The coincidence matrix of all units at once: sum_u w_u (r_u r_u^T - diag r_u), as two matrix products."""
    w = _unit_weights(counts)
    return (counts.T * w) @ counts - np.diag(w @ counts)


def _unit_coincidences(counts: NDArray[np.float64]) -> NDArray[np.float64]:
    """Per unit the coincidence matrix (r r^T - diag r) / (m - 1); zero for units with fewer than two ratings."""
    m = counts.sum(axis=1)
    pairs = counts[:, :, None] * counts[:, None, :]
    idx = np.arange(counts.shape[1])
    pairs[:, idx, idx] -= counts
    scale = np.where(m >= 2, 1 / np.maximum(m - 1, 1), 0.0)
    return pairs * scale[:, None, None]


def _alpha_from(coincidence: NDArray[np.float64], values: NDArray[np.float64], level: Level) -> NDArray[np.float64]:
    """Alpha for a batch of coincidence matrices (B, q, q); NaN where undefined."""
    n_c = coincidence.sum(axis=2)
    n = n_c.sum(axis=1)
    d = _alpha_distance(values, n_c, level)
    observed = (coincidence * d).sum(axis=(1, 2))
    expected = (n_c[:, :, None] * n_c[:, None, :] * d).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (n - 1) * observed / expected
    return np.where((expected > 0) & (n >= 2), alpha, np.nan)


@lru_cache(maxsize=64)
def _multiplicity(units: int, replicates: int, seed: int) -> NDArray[np.float64]:
    """How often each unit is drawn in each bootstrap replicate (replicates x units), seeded; shared by every item
    with the same number of units (read-only)."""
    draws = np.random.default_rng(seed).integers(0, units, size=(replicates, units))
    offsets = (np.arange(replicates) * units)[:, None]
    counts = np.bincount((draws + offsets).ravel(), minlength=replicates * units).reshape(replicates, units)
    result = counts.astype(float)
    result.flags.writeable = False
    return result


def _alpha_samples(
    multiplicity: NDArray[np.float64],
    counts: NDArray[np.float64],
    total: NDArray[np.float64],
    values: NDArray[np.float64],
    level: Level,
) -> NDArray[np.float64]:
    """Alpha for each bootstrap draw (rows of `multiplicity`). Nominal and interval distances do not depend on the
    draw, so each unit's observed disagreement is one number and each draw needs only its marginals; ordinal
    distances do (they count the values between two ranks), so ordinal draws build their coincidence matrices —
    affordable, as ordinal items have few categories."""
    if level is Level.ORDINAL:
        return _alpha_from(np.einsum("bu,uij->bij", multiplicity, _unit_coincidences(counts)), values, level)
    w = _unit_weights(counts)
    d = _alpha_distance(values, total.sum(axis=1), level)
    per_unit_observed = w * ((counts @ d) * counts).sum(axis=1)  # the diagonal of d is 0
    per_unit_values = counts * (w > 0)[:, None]  # a unit's coincidence marginals are its pairable values
    summed = multiplicity @ np.column_stack([per_unit_observed, per_unit_values])
    observed, n_c = summed[:, 0], summed[:, 1:]
    n = n_c.sum(axis=1)
    expected = np.einsum("bi,ij,bj->b", n_c, d, n_c)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (n - 1) * observed / expected
    return np.where((expected > 0) & (n >= 2), alpha, np.nan)


def _gwet_parts(
    counts: NDArray[np.float64], weights: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per unit: its agreement pa_u (units with >= 2 ratings), its category shares, and which units count."""
    m = counts.sum(axis=1)
    weighted = counts @ weights.T
    with np.errstate(divide="ignore", invalid="ignore"):
        pa_u = np.where(m >= 2, (counts * (weighted - 1)).sum(axis=1) / (m * (m - 1)), 0.0)
        shares = np.where(m[:, None] >= 1, counts / np.maximum(m, 1)[:, None], 0.0)
    return pa_u, shares, (m >= 2).astype(float), (m >= 1).astype(float)


def _gwet_from(
    multiplicity: NDArray[np.float64],
    parts: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]],
    weights: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """AC and pa for a batch of unit multiplicities (B, U): each row says how often each unit is drawn."""
    pa_u, shares, pairable, rated = parts
    q = weights.shape[0]
    summed = multiplicity @ np.column_stack([pa_u * pairable, pairable, rated, shares])  # one product per batch
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = summed[:, 0] / summed[:, 1]
        pi = summed[:, 3:] / summed[:, 2:3]
        if q < 2:
            return np.full(len(pa), np.nan), pa
        pe = weights.sum() / (q * (q - 1)) * (pi * (1 - pi)).sum(axis=1)
        ac = (pa - pe) / (1 - pe)
    return np.where(np.isfinite(ac), ac, np.nan), pa


def _number(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def krippendorff_alpha(
    units: Sequence[Sequence[Rating | None]], level: Level, categories: Sequence[Rating] | None = None
) -> float | None:
    """Krippendorff's alpha of `units` at `level`; None where undefined (see the module docstring)."""
    table = _table(units, level, categories)
    if not table.categories:
        return None
    coincidence = _coincidence_total(table.counts)
    return _number(_alpha_from(coincidence[None], table.values, level)[0])


def gwet_ac(
    units: Sequence[Sequence[Rating | None]], level: Level, categories: Sequence[Rating] | None = None
) -> float | None:
    """Gwet's AC1 (nominal) or AC2 (ordinal weights / quadratic weights for interval data); None if undefined."""
    table = _table(units, level, categories)
    if not table.categories:
        return None
    weights = gwet_weights(table.values, level)
    ac, _ = _gwet_from(np.ones((1, len(units))), _gwet_parts(table.counts, weights), weights)
    return _number(ac[0])


def _interval(samples: NDArray[np.float64]) -> tuple[float | None, float | None]:
    finite = samples[np.isfinite(samples)]
    if len(finite) < max(10, len(samples) // 2):  # mostly undefined replicates: no honest interval
        return None, None
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


def agreement(
    units: Sequence[Sequence[Rating | None]],
    level: Level,
    categories: Sequence[Rating] | None = None,
    *,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
) -> Agreement:
    """Both coefficients with 95 % percentile-bootstrap intervals over units (seeded: deterministic).

    The bootstrap draws the rated units with replacement `replicates` times; replicates where a coefficient is
    undefined are dropped, and when more than half are, no interval is given. With a single pairable unit the
    interval collapses onto the estimate: read it as "no interval", which the report says in words."""
    table = _table(units, level, categories)
    counts = table.counts[table.counts.sum(axis=1) >= 1]  # single ratings still inform Gwet's category shares
    n_units = counts.shape[0]
    pairable = int((counts.sum(axis=1) >= 2).sum())
    q = len(table.categories)
    if pairable == 0 or q == 0:
        empty = Estimate(None)
        return Agreement(level, 0, 0, q, None, empty, empty)
    weights = gwet_weights(table.values, level)
    parts = _gwet_parts(counts, weights)
    ac, pa = _gwet_from(np.ones((1, n_units)), parts, weights)
    total = _coincidence_total(counts)
    alpha = _alpha_from(total[None], table.values, level)
    multiplicity = _multiplicity(n_units, replicates, seed)
    ac_samples, _ = _gwet_from(multiplicity, parts, weights)
    alpha_samples = _alpha_samples(multiplicity, counts, total, table.values, level)
    return Agreement(
        level=level,
        units=pairable,
        ratings=int(counts[counts.sum(axis=1) >= 2].sum()),
        categories=q,
        percent=_number(pa[0]),
        ac=Estimate(_number(ac[0]), *_interval(ac_samples)) if _number(ac[0]) is not None else Estimate(None),
        alpha=Estimate(_number(alpha[0]), *_interval(alpha_samples))
        if _number(alpha[0]) is not None
        else Estimate(None),
    )

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
    summed = multiplicity @ np.column_stack([pa_u * pairable, pairable, rated, shares])  # one product per batch
    return _gwet_from_sums(summed, weights)


def _gwet_from_sums(
    summed: NDArray[np.float64], weights: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """AC and pa of each draw from its Gwet columns summed over the draw (draws x (3 + q): agreement, pairable,
    rated, category shares): the one place the formula stands, for the point estimate and the bootstrap alike."""
    q = weights.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = summed[:, 0] / summed[:, 1]
        if q < 2:
            return np.full(len(pa), np.nan), pa
        pi = summed[:, 3 : 3 + q] / summed[:, 2:3]
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


@dataclass(frozen=True)
class _Prepared:
    """One item's data ready for the bootstrap: the point estimates, and per unit the columns whose sums over a
    draw give that draw's coefficients (Gwet: agreement, pairable, rated, category shares; alpha: observed
    disagreement and pairable values, or, for ordinal data, the unit's whole coincidence matrix)."""

    level: Level
    values: NDArray[np.float64]
    weights: NDArray[np.float64]
    pairable: int
    ratings: int
    q: int
    percent: float | None
    ac: float | None
    alpha: float | None
    columns: NDArray[np.float64]  # units x (3 + q + alpha columns)
    distance: NDArray[np.float64]  # d_ck for nominal and interval data (unused for ordinal)


def _prepare(
    units: Sequence[Sequence[Rating | None]], level: Level, categories: Sequence[Rating] | None
) -> _Prepared | Agreement:
    """The point estimates and bootstrap columns of one item; an empty Agreement when nothing is pairable."""
    table = _table(units, level, categories)
    counts = table.counts[table.counts.sum(axis=1) >= 1]  # single ratings still inform Gwet's category shares
    n_units = counts.shape[0]
    m = counts.sum(axis=1)
    pairable = int((m >= 2).sum())
    q = len(table.categories)
    if pairable == 0 or q == 0:
        empty = Estimate(None)
        return Agreement(level, 0, 0, q, None, empty, empty)
    weights = gwet_weights(table.values, level)
    parts = _gwet_parts(counts, weights)
    ac, pa = _gwet_from(np.ones((1, n_units)), parts, weights)
    total = _coincidence_total(counts)
    alpha = _alpha_from(total[None], table.values, level)
    pa_u, shares, pairable_u, rated = parts
    if level is Level.ORDINAL:  # ordinal distances depend on each draw's marginals: sum whole coincidences
        alpha_columns = _unit_coincidences(counts).reshape(n_units, q * q)
        distance = np.zeros((q, q))
    else:  # the distances are fixed: a unit's observed disagreement is one number, its marginals its values
        w = _unit_weights(counts)
        distance = _alpha_distance(table.values, total.sum(axis=1), level)
        observed = w * ((counts @ distance) * counts).sum(axis=1)  # the diagonal of d is 0
        alpha_columns = np.column_stack([observed, counts * (w > 0)[:, None]])
    columns = np.column_stack([pa_u * pairable_u, pairable_u, rated, shares, alpha_columns])
    return _Prepared(
        level,
        table.values,
        weights,
        pairable,
        int(counts[m >= 2].sum()),
        q,
        _number(pa[0]),
        _number(ac[0]),
        _number(alpha[0]),
        columns,
        distance,
    )


def _samples(prepared: _Prepared, summed: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """AC and alpha of each bootstrap draw from the item's columns summed over the draw (draws x columns)."""
    q, level = prepared.q, prepared.level
    ac_samples, _ = _gwet_from_sums(summed[:, : 3 + q], prepared.weights)
    rest = summed[:, 3 + q :]
    if level is Level.ORDINAL:
        alpha_samples = _alpha_from(rest.reshape(-1, q, q), prepared.values, level)
    else:
        observed, n_c = rest[:, 0], rest[:, 1:]
        n = n_c.sum(axis=1)
        expected = ((n_c @ prepared.distance) * n_c).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha_samples = 1 - (n - 1) * observed / expected
        alpha_samples = np.where((expected > 0) & (n >= 2), alpha_samples, np.nan)
    return ac_samples, alpha_samples


def _from_sums(prepared: _Prepared, summed: NDArray[np.float64]) -> Agreement:
    """The Agreement of one item from its columns summed over each bootstrap draw (draws x columns)."""
    ac_samples, alpha_samples = _samples(prepared, summed)
    ac, alpha, level, q = prepared.ac, prepared.alpha, prepared.level, prepared.q
    return Agreement(
        level=level,
        units=prepared.pairable,
        ratings=prepared.ratings,
        categories=q,
        percent=prepared.percent,
        ac=Estimate(ac, *_interval(ac_samples)) if ac is not None else Estimate(None),
        alpha=Estimate(alpha, *_interval(alpha_samples)) if alpha is not None else Estimate(None),
    )


def agreements(
    requests: Sequence[tuple[Sequence[Sequence[Rating | None]], Level, Sequence[Rating] | None]],
    *,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
) -> list[Agreement]:
    """`agreement` for many items at once (units, level, categories each), the same figures as one call per item.

    Why: a calibration compares ~100 items over the same shared units. Each item's bootstrap is a product of the
    draws (replicates x units: how often each unit is drawn) with a few columns per unit; items with the same
    number of rated units use the same draws (seeded by that number), so their columns are joined and multiplied
    once — one large matrix product instead of a hundred small ones."""
    prepared = [_prepare(units, level, categories) for units, level, categories in requests]
    results: list[Agreement | None] = [p if isinstance(p, Agreement) else None for p in prepared]
    by_size: dict[int, list[int]] = {}
    for k, p in enumerate(prepared):
        if isinstance(p, _Prepared):
            by_size.setdefault(p.columns.shape[0], []).append(k)
    for n_units, members in sorted(by_size.items()):
        parts = [prepared[k] for k in members]
        joined = np.hstack([p.columns for p in parts if isinstance(p, _Prepared)])
        summed = _multiplicity(n_units, replicates, seed) @ joined
        offset = 0
        for k, p in zip(members, parts, strict=True):
            assert isinstance(p, _Prepared)
            width = p.columns.shape[1]
            results[k] = _from_sums(p, summed[:, offset : offset + width])
            offset += width
    return [r for r in results if r is not None]


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
    return agreements([(units, level, categories)], replicates=replicates, seed=seed)[0]

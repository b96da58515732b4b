"""How sure each figure is: intervals, shrunken estimates, real-or-noise tests and rank ranges (pure statistics).

Why this module: a dealer's index rests on one to four visits, so a ranking without a statement of its precision
invites decisions on noise. Everything here is a plain function of numbers (no dealers, standards or I/O); the
roll-ups in core/aggregate.py apply it to a wave. docs/scoring.md §9 explains every formula with a worked example.

* The visit-to-visit (within-dealer) variance σ² of a figure is pooled over the network from the dealers with two
  or more visits (one-way random-effects ANOVA: σ² = Σ_i Σ_j (x_ij − x̄_i)² ÷ Σ_i (n_i − 1), the within-group mean
  square), so even a dealer with a single visit gets an honest interval: x̄_i ± t(0.975, df) · σ ÷ √n_i.
* The between-dealer variance τ² is the ANOVA method-of-moments estimate (MSB − MSW) ÷ n₀, kept at ≥ 0; the
  empirical-Bayes estimate pulls a dealer's mean toward the network mean by B = (σ²/n_i) ÷ (σ²/n_i + τ²).
* A change between waves is tested with Welch's t on the two means (each with its wave's pooled σ²), and labelled
  after a Benjamini–Hochberg correction across the family screened (all dealers of the network on one figure).
* Rank ranges are simulated: each dealer's figure is drawn from its sampling distribution, the draws are ranked,
  and the 2.5th and 97.5th percentiles of each dealer's rank are its best and worst plausible rank (seeded).

Quantiles and tail probabilities come from scipy.special's ufuncs (`stdtrit`, `stdtr`, `ndtri`, the routines behind
scipy.stats.t and scipy.stats.norm) because they cost microseconds per call, and a wave needs ~100,000 of them.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

import numpy as np
from scipy import special

from dealer_audit.core.stats import Interval

K = TypeVar("K", bound=Hashable)

LEVEL = 0.95  # every interval in the product is a 95 % interval
ALPHA = 0.05  # the false discovery rate allowed when screening changes across the network
RANK_DRAWS = 1000  # simulated rankings per wave (the 25th and 975th ordered ranks give the range)
RANK_SEED = 20261  # fixed: the same wave always gives the same rank ranges


@lru_cache(maxsize=4096)
def t_quantile(df: float, level: float = LEVEL) -> float:
    """The two-sided critical value of Student's t: the (1 + level) ÷ 2 quantile with `df` degrees of freedom
    (df may be fractional, as Welch–Satterthwaite gives; infinite df is the normal quantile)."""
    if not df > 0:
        raise ValueError("degrees of freedom must be greater than 0")
    p = (1 + level) / 2
    if math.isinf(df):
        return float(special.ndtri(p))
    return float(special.stdtrit(df, p))


def z_quantile(level: float = LEVEL) -> float:
    """The two-sided critical value of the standard normal distribution (1.959964 for 95 %)."""
    return float(special.ndtri((1 + level) / 2))


# ---- compliance rates ------------------------------------------------------------------------------------------


def wilson_interval(successes: int, trials: int, level: float = LEVEL) -> Interval | None:
    """The Wilson score interval of a proportion (Wilson 1927; Newcombe 1998, method 3): unlike p ± z·√(p(1−p)/n)
    it stays inside 0..1 and does not collapse to a point at 0 % or 100 %, which compliance rates often are.
    None when there are no trials."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and the number of trials")
    z = z_quantile(level)
    p = successes / trials
    z2n = z * z / trials
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / trials + z2n / (4 * trials))
    # at 0 % and 100 % the bound is exactly 0 or 1 (the formula leaves a rounding crumb of 1e-17)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(low, high)


# ---- variance components -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VarianceComponents:
    """One figure (a standard's index, a section's percent) over the network's dealers in one wave.

    `within` is σ², the pooled visit-to-visit variance (None when no dealer has two visits), with `within_df`
    = Σ(n_i − 1) degrees of freedom; `between` is τ², the variance of the dealers' true levels (None below two
    dealers); `target` is the network mean of the dealer means, the point estimates are shrunk toward."""

    within: float | None
    within_df: int
    between: float | None
    target: float | None
    dealers: int
    visits: int


def variance_components(groups: Iterable[Sequence[float]]) -> VarianceComponents:
    """One-way random-effects ANOVA estimates from each dealer's visit values (unbalanced design).

    σ² = SSW ÷ (N − k) over all dealers (a single visit adds nothing to SSW or its df); τ² = (MSB − MSW) ÷ n₀
    with MSB = Σ n_i (x̄_i − x̄)² ÷ (k − 1), x̄ the mean of all visits and n₀ = (N − Σ n_i² ÷ N) ÷ (k − 1)
    (Searle, Casella & McCulloch, *Variance Components*, §3.5), truncated at 0."""
    data = [list(values) for values in groups if len(values)]
    k = len(data)
    if k == 0:
        return VarianceComponents(None, 0, None, None, 0, 0)
    counts = np.array([len(values) for values in data], dtype=float)
    flat = np.fromiter((v for values in data for v in values), dtype=float, count=int(counts.sum()))
    which = np.repeat(np.arange(k), counts.astype(int))
    means = np.bincount(which, weights=flat, minlength=k) / counts
    total = int(counts.sum())
    df_within = total - k
    within = float(np.sum((flat - means[which]) ** 2)) / df_within if df_within > 0 else None
    target = float(np.mean(means))
    between = None
    if k >= 2 and within is not None:
        grand = float(flat.mean())
        msb = float(np.sum(counts * (means - grand) ** 2)) / (k - 1)
        n0 = (total - float(np.sum(counts * counts)) / total) / (k - 1)
        between = max(0.0, (msb - within) / n0)
    return VarianceComponents(within, df_within, between, target, k, total)


# ---- the precision of one dealer's figure ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SamplingError:
    """The sampling variance of a mean (its squared standard error) and the degrees of freedom of that estimate."""

    variance: float
    df: float

    @property
    def se(self) -> float:
        return math.sqrt(self.variance)


def error_of_mean(n: int, components: VarianceComponents) -> SamplingError | None:
    """σ² ÷ n with the pooled df; None without visits or without a pooled σ²."""
    if n <= 0 or components.within is None:
        return None
    return SamplingError(components.within / n, float(components.within_df))


def combine_errors(parts: Sequence[tuple[float, SamplingError | None]]) -> SamplingError | None:
    """The error of Σ c_k · x̄_k for independent means (a weighted composite, or a difference with c = ±1):
    variance Σ c_k² v_k, degrees of freedom by Welch–Satterthwaite (Σ c_k² v_k)² ÷ Σ (c_k² v_k)² ÷ df_k.
    None when any part has no error."""
    terms = []
    for c, error in parts:
        if error is None:
            return None
        terms.append((c * c * error.variance, error.df))
    if not terms:
        return None
    variance = math.fsum(v for v, _ in terms)
    denominator = math.fsum(v * v / df for v, df in terms if v > 0)
    df = variance * variance / denominator if denominator > 0 else min(df for _, df in terms)
    return SamplingError(variance, df)


def mean_interval(
    centre: float | None, error: SamplingError | None, bounds: tuple[float, float] | None = None, level: float = LEVEL
) -> Interval | None:
    """centre ± t(df) · se, clipped to `bounds` (an index cannot leave 0..100 even when its interval would)."""
    if centre is None or error is None:
        return None
    half = t_quantile(error.df, level) * error.se if error.variance > 0 else 0.0
    low, high = centre - half, centre + half
    if bounds is not None:
        low, high = max(bounds[0], low), min(bounds[1], high)
    return Interval(low, high)


@dataclass(frozen=True, slots=True)
class Shrunk:
    """An empirical-Bayes estimate: `value` = B · target + (1 − B) · mean, `factor` = B (0 keeps the mean,
    1 moves it all the way to the target)."""

    value: float
    factor: float


def shrink(centre: float | None, n: int, components: VarianceComponents) -> Shrunk | None:
    """Shrink a dealer's mean of `n` visits toward the network mean: B = (σ²/n) ÷ (σ²/n + τ²). A dealer with few
    visits, or a network whose dealers hardly differ (small τ²), is pulled hardest. None when σ² or τ² is
    unknown."""
    if centre is None or n <= 0 or components.within is None or components.between is None:
        return None
    if components.target is None:
        return None
    noise = components.within / n
    total = noise + components.between
    factor = noise / total if total > 0 else 1.0
    return Shrunk(factor * components.target + (1 - factor) * centre, factor)


# ---- real or noise -----------------------------------------------------------------------------------------------


class Significance(StrEnum):
    """The label of a wave-over-wave change."""

    SIGNIFICANT = "significant"
    NOISE = "within noise"
    INSUFFICIENT = "insufficient data"


SIGNIFICANCE_TEXT: dict[Significance, dict[str, str]] = {
    Significance.SIGNIFICANT: {"zh": "显著", "en": "significant"},
    Significance.NOISE: {"zh": "在误差范围内", "en": "within noise"},
    Significance.INSUFFICIENT: {"zh": "数据不足", "en": "insufficient data"},
}


@dataclass(frozen=True, slots=True)
class DeltaTest:
    """A change tested against its noise: the label, Welch's two-sided p and the Benjamini–Hochberg adjusted q
    across the family screened (None when the change could not be tested)."""

    label: Significance
    p: float | None = None
    q: float | None = None


ChangeCase = tuple[float | None, SamplingError | None, SamplingError | None]  # a change, its means' errors


def change_p_value(change: float | None, current: SamplingError | None, previous: SamplingError | None) -> float | None:
    """Welch's two-sided p for `change` = current mean − previous mean, each mean with its own wave's error;
    None when either error is unknown. A change with zero noise is certain (p = 0) unless it is zero (p = 1)."""
    return change_p_values([(change, current, previous)])[0]


def change_p_values(cases: Sequence[ChangeCase]) -> list[float | None]:
    """`change_p_value` for many changes at once: the Welch statistics of a whole family as numpy arrays and one
    vectorised t-distribution call (a wave has ~100,000 changes to test)."""
    result: list[float | None] = [None] * len(cases)
    positions, changes, v1, df1, v2, df2 = [], [], [], [], [], []
    for k, (change, current, previous) in enumerate(cases):
        if change is None or current is None or previous is None:
            continue
        positions.append(k)
        changes.append(change)
        v1.append(current.variance)
        df1.append(current.df)
        v2.append(previous.variance)
        df2.append(previous.df)
    if not positions:
        return result
    change_a, var1, var2 = np.array(changes), np.array(v1), np.array(v2)
    variance = var1 + var2
    denominator = np.where(var1 > 0, var1 * var1 / np.array(df1), 0.0) + np.where(
        var2 > 0, var2 * var2 / np.array(df2), 0.0
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(denominator > 0, variance * variance / denominator, 1.0)
        t = -np.abs(change_a) / np.sqrt(variance)
        p = np.where(variance > 0, 2 * special.stdtr(df, t), np.where(change_a != 0, 0.0, 1.0))
    for k, value in zip(positions, p, strict=True):
        result[k] = float(value)
    return result


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p values (q): q_(i) = min over j >= i of p_(j) · m ÷ j, at most 1 — the same
    figures as scipy.stats.false_discovery_control(p, method="bh") (a test holds them equal). Written out because
    importing scipy.stats costs ~0.5 s, more than every interval, test and rank range of a 3,000-dealer wave."""
    m = len(p)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * (m / np.arange(1, m + 1))  # the same rounding as scipy: p times (m / i)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    result = np.empty(m)
    result[order] = np.clip(adjusted, 0, 1)
    return result


def label_changes(p_values: Mapping[K, float | None], alpha: float = ALPHA) -> dict[K, DeltaTest]:
    """Label one family of changes (say, every dealer's composite change in the network): Benjamini–Hochberg
    adjusted q (scipy.stats.false_discovery_control) below `alpha` is `significant`, else `within noise`; a change
    without a p value is `insufficient data`. Screening many dealers at p < 0.05 would flag 5 % of the stable
    ones; controlling the false discovery rate keeps the flagged list mostly real."""
    keys = [k for k, p in p_values.items() if p is not None]
    result = {k: DeltaTest(Significance.INSUFFICIENT) for k, p in p_values.items() if p is None}
    if keys:
        raw = np.array([p_values[k] for k in keys], dtype=float)
        adjusted = benjamini_hochberg(raw) if len(keys) > 1 else raw
        for key, p, q in zip(keys, raw, adjusted, strict=True):
            label = Significance.SIGNIFICANT if q < alpha else Significance.NOISE
            result[key] = DeltaTest(label, float(p), float(q))
    return result


# ---- rank ranges ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RankRange:
    """The best and worst rank (1 = best) a dealer plausibly holds, network-wide and within its region."""

    network_best: int
    network_worst: int
    region_best: int
    region_worst: int


def rank_ranges(
    estimates: Mapping[K, tuple[float, SamplingError | None]],
    regions: Mapping[K, str],
    observed: Mapping[K, tuple[int, int]],
    draws: int = RANK_DRAWS,
    seed: int = RANK_SEED,
) -> dict[K, RankRange]:
    """Simulated rank ranges. Each draw gives every dealer mean + se · T(df) (its sampling distribution), ranks
    the network (higher is better) and each region; a dealer's range is the 2.5th to 97.5th percentile of its
    ranks over `draws` draws, widened to include its published rank (`observed`: network, region). Dealers
    without an error are held at their mean and get no range. Keys are processed in sorted order and the
    generator is seeded, so the same wave always gives the same ranges."""
    keys = sorted(estimates, key=str)
    if not keys:
        return {}
    centres = np.array([estimates[k][0] for k in keys], dtype=float)
    errors = [estimates[k][1] for k in keys]
    known = np.array([e is not None for e in errors])
    if not known.any():
        return {}
    se = np.array([e.se if e is not None else 0.0 for e in errors])
    df = np.array([e.df if e is not None else 1.0 for e in errors])
    rng = np.random.default_rng(seed)
    noise = rng.standard_t(df, size=(draws, len(keys)))
    sample = centres + noise * se  # (draws, dealers)

    # Ranks are kept dealers x draws, so that each dealer's ranks over the draws are contiguous for the partial
    # sort below. One sort per draw ranks the network; each region's dealers are then ranked by their network
    # ranks (a permutation: no ties, so dealers held at equal means keep the network sort's order in the region).
    n = len(keys)
    draw_index = np.arange(draws)[:, None]
    network_ranks = np.empty((n, draws), dtype=np.int32)
    network_ranks[np.argsort(-sample, axis=1), draw_index] = np.arange(1, n + 1, dtype=np.int32)
    region_names = sorted({regions[k] for k in keys})
    region_code = np.array([region_names.index(regions[k]) for k in keys])
    region_ranks = np.empty((n, draws), dtype=np.int32)
    for code in range(len(region_names)):
        columns = np.flatnonzero(region_code == code)
        in_region = np.argsort(np.ascontiguousarray(network_ranks[columns].T), axis=1)
        region_ranks[columns[in_region], draw_index] = np.arange(1, len(columns) + 1, dtype=np.int32)

    # the 2.5th percentile is the ⌊0.025·(draws − 1)⌋-th smallest rank, the 97.5th the ⌈0.975·(draws − 1)⌉-th
    # (numpy's "lower" and "higher" quantiles); a partial sort finds both without sorting whole rows
    k_low = math.floor((1 - LEVEL) / 2 * (draws - 1))
    k_high = math.ceil((1 + LEVEL) / 2 * (draws - 1))

    def percentiles(ranks: np.ndarray) -> tuple[list[int], list[int]]:
        parted = np.partition(ranks, (k_low, k_high), axis=1)
        return parted[:, k_low].tolist(), parted[:, k_high].tolist()

    network_low, network_high = percentiles(network_ranks)
    region_low, region_high = percentiles(region_ranks)
    result: dict[K, RankRange] = {}
    for i, key in enumerate(keys):
        if not known[i]:
            continue
        net, reg = observed[key]
        result[key] = RankRange(
            min(network_low[i], net), max(network_high[i], net), min(region_low[i], reg), max(region_high[i], reg)
        )
    return result

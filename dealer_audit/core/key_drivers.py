"""Key drivers (关键体验点): which checklist sections and items move an outcome across dealers.

Two relative-importance measures that split a regression's R² among correlated predictors, so "which part of the
experience goes with a high index / a high NPS" has an answer that does not flip with the order predictors enter:

* **Relative weights** (Johnson 2000): regress the outcome on the orthogonal counterpart of the predictors
  (Z = X·Rxx^-½) and share each orthogonal part's contribution back by the squared loadings Λ². Cheap (one
  eigen-decomposition), so it suits item level where predictors are many.
* **General dominance** (Budescu 1993; Azen & Budescu 2003): a predictor's R² increment averaged over every
  subset of the others (equal weight per subset size, i.e. the Shapley value of R²). Exact but 2^p regressions,
  so it is used at section level and refused above `MAX_DOMINANCE_PREDICTORS`.

Both sum to the full model's R². Intervals are percentile bootstraps over dealers, computed for all resamples at
once with stacked numpy linear algebra (no Python loop over resamples).

Pure: numpy arrays and plain data in, plain data out. Too few dealers, or an outcome that does not vary, give a
`DriverAnalysis` with a bilingual `refusal` instead of figures, because an importance split of a regression with
about as many predictors as dealers is noise presented as insight (docs/insight.md, "When it refuses").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from dealer_audit.core.standard import LocalText

Array = NDArray[np.float64]

MIN_DEALERS = 20  # never fewer dealers than this, whatever the number of predictors
DEALERS_PER_PREDICTOR = 3  # and at least this many dealers for each predictor that enters
MAX_DOMINANCE_PREDICTORS = 12  # 2^12 = 4,096 subset regressions per resample; above it use relative weights
MIN_MEASURED_SHARE = 0.8  # a predictor measured at fewer dealers than this share is left out (not imputed)
DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 20260101  # fixed: the same data give the same intervals in every report
_EIGEN_TOL = 1e-10


class Method(StrEnum):
    RELATIVE_WEIGHTS = "relative_weights"
    DOMINANCE = "dominance"


@dataclass(frozen=True, slots=True)
class Predictor:
    """One column of the analysis: a section or an item of one standard, with its stated share of the outcome.

    `stated_share` is what the standard says the predictor weighs in the composite (program weight × section
    weight × item weight, normalised over the standard), so an analyst sees stated and derived importance side by
    side: a section weighted 10 % that explains 40 % of the NPS differences is the finding."""

    key: str  # "standard/section" or "standard/section/item": unique in one analysis
    standard_id: str
    section_id: str
    item_id: str | None
    label: LocalText
    stated_share: float | None = None


@dataclass(frozen=True, slots=True)
class DriverTable:
    """Dealer × predictor values (NaN = not measured at that dealer), the input of `analyse`."""

    dealer_codes: tuple[str, ...]
    predictors: tuple[Predictor, ...]
    values: Array  # shape (len(dealer_codes), len(predictors))


@dataclass(frozen=True, slots=True)
class DriverEstimate:
    """A predictor's importance: `weight` is its part of R² (the parts sum to R²), `share` the part of the
    explained variance (weight ÷ R², sums to 1); `low`..`high` the bootstrap interval of `share`."""

    predictor: Predictor
    weight: float
    share: float
    low: float
    high: float
    correlation: float  # the plain correlation with the outcome (its sign says which way the predictor goes)


@dataclass(frozen=True, slots=True)
class Dropped:
    predictor: Predictor
    reason: LocalText


@dataclass(frozen=True, slots=True)
class DriverAnalysis:
    """The answer for one set of predictors against one outcome. With `refusal` set, there are no estimates."""

    method: Method
    outcome: str
    n_dealers: int
    estimates: tuple[DriverEstimate, ...] = ()  # largest share first
    r_squared: float | None = None
    r_squared_low: float | None = None
    r_squared_high: float | None = None
    resamples: int = 0
    confidence: float = 0.95
    dropped: tuple[Dropped, ...] = ()
    refusal: LocalText | None = None

    @property
    def refused(self) -> bool:
        return self.refusal is not None


@dataclass(frozen=True, slots=True)
class Requirement:
    """The documented minimum for `n_predictors` predictors."""

    n_predictors: int
    min_dealers: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_dealers", max(MIN_DEALERS, DEALERS_PER_PREDICTOR * self.n_predictors))


# ---------------------------------------------------------------------------------------------------------------
# the two measures, on (stacks of) correlation matrices


def correlations(data: Array) -> Array:
    """Correlation matrices of a stack of samples, shape (..., n, k) → (..., k, k).

    A column constant within a sample (a resample that missed the only failing dealer) correlates 0 with every
    other column instead of NaN, so it simply earns no importance in that resample."""
    centred = data - data.mean(axis=-2, keepdims=True)
    flat = centred.reshape(-1, *centred.shape[-2:])
    cov = np.stack([m.T @ m for m in flat]).reshape(*centred.shape[:-2], centred.shape[-1], centred.shape[-1])
    return _as_correlation(cov)


def _as_correlation(cov: Array) -> Array:
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=-2, axis2=-1), 0.0, None))
    safe = np.where(sd > 1e-12 * max(1.0, float(np.abs(cov).max(initial=0.0))), sd, np.inf)
    corr = cov / (safe[..., :, None] * safe[..., None, :])
    k = corr.shape[-1]
    corr[..., np.arange(k), np.arange(k)] = 1.0
    return np.asarray(corr, dtype=np.float64)


def relative_weights(rxx: Array, rxy: Array) -> Array:
    """Johnson's (2000) raw relative weights ε from the predictor correlations `rxx` (..., p, p) and the
    predictor–outcome correlations `rxy` (..., p); they sum to the model R².

    Rxx = V·diag(δ)·V', Λ = V·diag(√δ)·V' (the loadings of X on its orthogonal counterpart Z), β = Λ⁺·rxy (the
    regression of y on Z), ε_j = Σ_k Λ²_jk β²_k. A pseudo-inverse keeps exactly collinear items (always failed
    together) from breaking the analysis: they share their weight."""
    eigval, eigvec = np.linalg.eigh(rxx)
    eigval = np.clip(eigval, 0.0, None)
    root = np.sqrt(eigval)
    lam = np.einsum("...ik,...k,...jk->...ij", eigvec, root, eigvec)
    inv_root = np.where(root > _EIGEN_TOL, 1.0 / np.where(root > _EIGEN_TOL, root, 1.0), 0.0)
    lam_pinv = np.einsum("...ik,...k,...jk->...ij", eigvec, inv_root, eigvec)
    beta = np.einsum("...ij,...j->...i", lam_pinv, rxy)
    return np.asarray(np.einsum("...jk,...k->...j", lam**2, beta**2), dtype=np.float64)


def _subset_r2(rxx: Array, rxy: Array, columns: tuple[int, ...]) -> Array:
    """R² of the regression on `columns`, for every matrix of the stack at once."""
    if not columns:
        return np.zeros(rxx.shape[:-2])
    idx = np.asarray(columns)
    sub = rxx[..., idx[:, None], idx[None, :]]
    r = rxy[..., idx]
    coef = np.einsum("...ij,...j->...i", np.linalg.pinv(sub, hermitian=True), r)
    return np.asarray(np.einsum("...i,...i->...", coef, r), dtype=np.float64)


def general_dominance(rxx: Array, rxy: Array) -> Array:
    """General dominance weights (Azen & Budescu 2003): for each predictor, its R² increment over each subset of
    the others, averaged within subset size and then over sizes. Computed as the Shapley weighting
    |S|!(p−|S|−1)!/p! over all 2^p subsets, which is the same average. They sum to the full model's R²."""
    p = rxx.shape[-1]
    if p > MAX_DOMINANCE_PREDICTORS:
        raise ValueError(f"dominance analysis of {p} predictors (at most {MAX_DOMINANCE_PREDICTORS})")
    r2: dict[tuple[int, ...], Array] = {}
    for size in range(p + 1):
        for subset in combinations(range(p), size):
            r2[subset] = _subset_r2(rxx, rxy, subset)
    weights = np.zeros((*rxx.shape[:-2], p))
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for size in range(p):
            factor = math.factorial(size) * math.factorial(p - size - 1) / math.factorial(p)
            for subset in combinations(others, size):
                with_j = tuple(sorted((*subset, j)))
                weights[..., j] += factor * (r2[with_j] - r2[subset])
    return weights


_MEASURES = {Method.RELATIVE_WEIGHTS: relative_weights, Method.DOMINANCE: general_dominance}


# ---------------------------------------------------------------------------------------------------------------
# the analysis: screening, refusal, bootstrap


def _text(zh: str, en: str) -> LocalText:
    return LocalText(zh=zh, en=en)


def analyse(
    table: DriverTable,
    outcome: Mapping[str, float],
    *,
    method: Method,
    outcome_name: str = "composite",
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = 0.95,
    seed: int = DEFAULT_SEED,
) -> DriverAnalysis:
    """Split the outcome's explained variance among the table's predictors, with bootstrap intervals.

    Dealers without an outcome value are left out. Predictors measured at fewer than `MIN_MEASURED_SHARE` of the
    remaining dealers, or constant across them, are left out and listed in `dropped` with the reason; then
    dealers missing any remaining predictor are left out. Refuses (a `refusal`, no figures) when the outcome does
    not vary, no predictor is left, dominance would need more than `MAX_DOMINANCE_PREDICTORS` predictors, or
    there are fewer dealers than `Requirement(p).min_dealers`."""
    rows = [i for i, code in enumerate(table.dealer_codes) if _finite(outcome.get(code))]
    x = table.values[rows, :] if rows else np.zeros((0, len(table.predictors)))
    y = np.array([float(outcome[table.dealer_codes[i]]) for i in rows])
    base = {"method": method, "outcome": outcome_name, "confidence": confidence}

    dropped: list[Dropped] = []
    keep: list[int] = []
    for j, predictor in enumerate(table.predictors):
        column = x[:, j]
        measured = np.isfinite(column)
        if len(column) == 0 or measured.mean() < MIN_MEASURED_SHARE:
            dropped.append(
                Dropped(
                    predictor,
                    _text(
                        f"测得的经销商不足 {MIN_MEASURED_SHARE:.0%}",
                        f"measured at fewer than {MIN_MEASURED_SHARE:.0%} of the dealers",
                    ),
                )
            )
        elif np.ptp(column[measured]) == 0:
            reason = _text("各经销商结果相同（无差异）", "the same at every dealer (no variance)")
            dropped.append(Dropped(predictor, reason))
        else:
            keep.append(j)
    x = x[:, keep]
    complete = np.all(np.isfinite(x), axis=1) if keep else np.ones(len(y), dtype=bool)
    x, y = x[complete], y[complete]
    predictors = tuple(table.predictors[j] for j in keep)
    n, p = len(y), len(predictors)

    refusal = _refusal(method, n, p, y)
    if refusal is not None:
        return DriverAnalysis(**base, n_dealers=n, dropped=tuple(dropped), refusal=refusal)  # type: ignore[arg-type]

    measure = _MEASURES[method]
    data = np.column_stack([y, x])
    corr = correlations(data)
    weights = measure(corr[1:, 1:], corr[0, 1:])
    r2 = float(weights.sum())

    rng = np.random.default_rng(seed)
    index = rng.integers(0, n, size=(resamples, n))
    boot = _bootstrap(measure, data, index)
    boot_r2 = boot.sum(axis=1)
    boot_share = boot / np.where(boot_r2 > 0, boot_r2, np.nan)[:, None]
    tail = (1 - confidence) / 2 * 100
    low, high = np.nanpercentile(boot_share, [tail, 100 - tail], axis=0)
    r2_low, r2_high = np.percentile(boot_r2, [tail, 100 - tail])

    estimates = sorted(
        (
            DriverEstimate(
                predictor=predictors[j],
                weight=float(weights[j]),
                share=float(weights[j] / r2) if r2 > 0 else 0.0,
                low=float(low[j]),
                high=float(high[j]),
                correlation=float(corr[0, 1 + j]),
            )
            for j in range(p)
        ),
        key=lambda e: (-e.weight, e.predictor.key),
    )
    return DriverAnalysis(
        **base,  # type: ignore[arg-type]
        n_dealers=n,
        estimates=tuple(estimates),
        r_squared=r2,
        r_squared_low=float(r2_low),
        r_squared_high=float(r2_high),
        resamples=resamples,
        dropped=tuple(dropped),
    )


# dealers × columns² above which resamples gather their rows instead of summing outer products: the sum's work per
# batch grows with n·k² (the products are made a block at a time, so memory no longer sets this bound)
GRAM_CELLS = 40_000_000
RESAMPLE_BATCH = 250
OUTER_BLOCK_CELLS = 2_000_000  # per-dealer outer products made at once (16 MB of float64)


def _bootstrap(measure: Callable[[Array, Array], Array], data: Array, index: NDArray[np.int_]) -> Array:
    """The measure on every resample (rows `index[b]` of `data`), in batches.

    A resample's covariance is a count-weighted sum of the dealers' outer products, so a batch of resamples is
    one matrix product per block of dealers (resample counts × those dealers' outer products): a few large BLAS
    calls instead of one small call per resample, which matters at 3,000 dealers × 70 items. The outer products
    are made a block of dealers at a time (~16 MB), not all at once (3,000 × 62² numbers are ~90 MB, the HQ
    workbook stage's peak). Very wide tables fall back to gathering rows."""
    n, k = data.shape
    centred = data - data.mean(axis=0)
    wide = n * k * k > GRAM_CELLS
    block = max(1, OUTER_BLOCK_CELLS // (k * k))
    parts = []
    for start in range(0, len(index), RESAMPLE_BATCH):
        part = index[start : start + RESAMPLE_BATCH]
        if wide:
            corr = correlations(centred[part])
        else:
            b = len(part)
            counts = np.bincount((np.arange(b)[:, None] * n + part).ravel(), minlength=b * n).reshape(b, n) / n
            mean = counts @ centred
            gram = np.zeros((b, k * k))
            for first in range(0, n, block):
                rows = centred[first : first + block]
                gram += counts[:, first : first + block] @ (rows[:, :, None] * rows[:, None, :]).reshape(-1, k * k)
            corr = _as_correlation(gram.reshape(b, k, k) - mean[:, :, None] * mean[:, None, :])
        parts.append(measure(corr[:, 1:, 1:], corr[:, 0, 1:]))
    return np.concatenate(parts)


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _refusal(method: Method, n: int, p: int, y: Array) -> LocalText | None:
    """The documented reasons not to answer, in the order an analyst can fix them."""
    if p == 0:
        return _text(
            "没有可分析的指标：所有指标在各经销商之间都没有差异或缺失过多。",
            "Nothing to analyse: every predictor is constant across dealers or missing at too many of them.",
        )
    if n < 2 or np.ptp(y) == 0:
        return _text(
            f"结果指标在 {n} 家经销商之间没有差异，无法判断哪些体验点与之相关。",
            f"The outcome does not vary across the {n} dealers, so nothing can be related to it.",
        )
    if method is Method.DOMINANCE and p > MAX_DOMINANCE_PREDICTORS:
        return _text(
            f"优势分析最多支持 {MAX_DOMINANCE_PREDICTORS} 个指标（此处 {p} 个）；请改用相对权重。",
            f"Dominance analysis takes at most {MAX_DOMINANCE_PREDICTORS} predictors ({p} here); "
            "use relative weights instead.",
        )
    need = Requirement(p).min_dealers
    if n < need:
        return _text(
            f"数据太少：{p} 个指标至少需要 {need} 家经销商（每个指标 {DEALERS_PER_PREDICTOR} 家，"
            f"且不少于 {MIN_DEALERS} 家），此处只有 {n} 家。",
            f"Too few dealers: {p} predictors need at least {need} dealers ({DEALERS_PER_PREDICTOR} per predictor, "
            f"never fewer than {MIN_DEALERS}); there are {n}.",
        )
    return None


def top(analysis: DriverAnalysis, count: int) -> Sequence[DriverEstimate]:
    """The `count` largest drivers (estimates are already sorted)."""
    return analysis.estimates[:count]

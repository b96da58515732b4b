"""Key-driver statistics against a published worked example and their defining properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealer_audit.core.key_drivers import (
    MAX_DOMINANCE_PREDICTORS,
    DriverTable,
    Method,
    Predictor,
    Requirement,
    analyse,
    correlations,
    general_dominance,
    relative_weights,
)
from dealer_audit.core.standard import LocalText

# mtcars (Henderson & Velleman 1981, R's datasets::mtcars): mpg, cyl, disp, hp, gear of the 32 cars.
MTCARS = """21.0 6 160.0 110 4|21.0 6 160.0 110 4|22.8 4 108.0 93 4|21.4 6 258.0 110 3|18.7 8 360.0 175 3|
18.1 6 225.0 105 3|14.3 8 360.0 245 3|24.4 4 146.7 62 4|22.8 4 140.8 95 4|19.2 6 167.6 123 4|17.8 6 167.6 123 4|
16.4 8 275.8 180 3|17.3 8 275.8 180 3|15.2 8 275.8 180 3|10.4 8 472.0 205 3|10.4 8 460.0 215 3|14.7 8 440.0 230 3|
32.4 4 78.7 66 4|30.4 4 75.7 52 4|33.9 4 71.1 65 4|21.5 4 120.1 97 3|15.5 8 318.0 150 3|15.2 8 304.0 150 3|
13.3 8 350.0 245 3|19.2 8 400.0 175 3|27.3 4 79.0 66 4|26.0 4 120.3 91 5|30.4 4 95.1 113 5|15.8 8 351.0 264 5|
19.7 6 145.0 175 5|15.0 8 301.0 335 5|21.4 4 121.0 109 4"""
DATA = np.array([[float(v) for v in row.split()] for row in MTCARS.replace("\n", "").split("|")])


def _split(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    corr = correlations(data)
    return corr[1:, 1:], corr[0, 1:]


def test_relative_weights_match_the_published_mtcars_example() -> None:
    """Source: the rwa R package (Martin Chan, CRAN), README "Basic example":
    rwa(mtcars, outcome = "mpg", predictors = c("cyl", "disp", "hp", "gear")) gives R² 0.7791896 and raw
    relative weights cyl 0.2284797, disp 0.2221469, hp 0.2321744, gear 0.0963886 (Johnson 2000's method as
    implemented by Tonidandel & LeBreton's RWA-Web code)."""
    rxx, rxy = _split(DATA)
    weights = relative_weights(rxx, rxy)
    assert weights == pytest.approx([0.2284797, 0.2221469, 0.2321744, 0.0963886], abs=5e-4)
    assert weights.sum() == pytest.approx(0.7791896, abs=5e-4)


def test_general_dominance_sums_to_r2_and_is_close_to_relative_weights() -> None:
    rxx, rxy = _split(DATA)
    dominance = general_dominance(rxx, rxy)
    ols_r2 = float(rxy @ np.linalg.solve(rxx, rxy))
    assert dominance.sum() == pytest.approx(ols_r2, abs=1e-9)
    assert dominance.sum() == pytest.approx(0.7791896, abs=5e-4)
    # Johnson (2000), LeBreton et al. (2004): the two measures agree closely. mtcars is a hard case (cyl, disp
    # and hp correlate .79–.90) and they still agree within 0.025 of R² each, with the same top three and the
    # same smallest.
    rw = relative_weights(rxx, rxy)
    assert np.abs(dominance - rw).max() < 0.025
    assert set(np.argsort(-dominance)[:3]) == set(np.argsort(-rw)[:3]) and np.argmin(dominance) == np.argmin(rw)


def test_general_dominance_equals_relative_weights_closely_with_moderate_correlation() -> None:
    rng = np.random.default_rng(11)
    x = rng.normal(size=(2000, 4))
    x[:, 1] += 0.4 * x[:, 0]
    y = x @ np.array([0.5, 0.3, 0.2, 0.1]) + rng.normal(size=2000)
    rxx, rxy = _split(np.column_stack([y, x]))
    assert np.abs(general_dominance(rxx, rxy) - relative_weights(rxx, rxy)).max() < 0.003


def test_dominance_of_two_predictors_is_the_hand_computed_average_of_increments() -> None:
    """Two predictors: GD_1 = (r1² + (R² − r2²)) / 2 (Budescu 1993)."""
    rxx = np.array([[1.0, 0.5], [0.5, 1.0]])
    rxy = np.array([0.6, 0.3])
    r2 = float(rxy @ np.linalg.solve(rxx, rxy))
    expected = [(0.36 + r2 - 0.09) / 2, (0.09 + r2 - 0.36) / 2]
    assert general_dominance(rxx, rxy) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-0.55, 0.55), min_size=1, max_size=3))
def test_orthogonal_predictors_get_their_squared_correlations(rxy_list: list[float]) -> None:
    rxy = np.array(rxy_list)
    rxx = np.eye(len(rxy))
    assert relative_weights(rxx, rxy) == pytest.approx(rxy**2, abs=1e-9)
    assert general_dominance(rxx, rxy) == pytest.approx(rxy**2, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_both_measures_sum_to_the_regression_r2(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(40, 4))
    x[:, 1] += 0.7 * x[:, 0]
    y = x @ rng.normal(size=4) + rng.normal(size=40)
    rxx, rxy = _split(np.column_stack([y, x]))
    r2 = float(rxy @ np.linalg.solve(rxx, rxy))
    assert relative_weights(rxx, rxy).sum() == pytest.approx(r2, abs=1e-9)
    assert general_dominance(rxx, rxy).sum() == pytest.approx(r2, abs=1e-9)
    assert (relative_weights(rxx, rxy) >= -1e-12).all()


def test_stacked_matrices_give_the_same_weights_as_one_at_a_time() -> None:
    rng = np.random.default_rng(3)
    stack = correlations(rng.normal(size=(5, 30, 4)))
    together = relative_weights(stack[:, 1:, 1:], stack[:, 0, 1:])
    for b in range(5):
        assert together[b] == pytest.approx(relative_weights(stack[b, 1:, 1:], stack[b, 0, 1:]))


def _table(x: np.ndarray) -> DriverTable:
    predictors = tuple(
        Predictor(f"s/p{j}", "s", f"p{j}", None, LocalText(zh=f"指标{j}", en=f"P{j}")) for j in range(x.shape[1])
    )
    return DriverTable(tuple(f"D{i:03}" for i in range(len(x))), predictors, x)


def test_analysis_ranks_the_true_driver_first_with_an_interval_around_it() -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(40, 100, size=(120, 3))
    outcome = {f"D{i:03}": 3 * x[i, 1] + 0.5 * x[i, 0] + rng.normal(0, 20) for i in range(120)}
    result = analyse(_table(x), outcome, method=Method.DOMINANCE, resamples=300)
    assert not result.refused
    assert result.estimates[0].predictor.key == "s/p1"
    first = result.estimates[0]
    assert first.low <= first.share <= first.high
    assert sum(e.share for e in result.estimates) == pytest.approx(1.0)
    assert result.r_squared_low <= result.r_squared <= result.r_squared_high  # type: ignore[operator]
    again = analyse(_table(x), outcome, method=Method.DOMINANCE, resamples=300)
    assert again == result  # a fixed seed: reports never disagree with themselves


def test_too_few_dealers_is_refused_in_both_languages() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(25, 10))
    outcome = {f"D{i:03}": float(rng.normal()) for i in range(25)}
    result = analyse(_table(x), outcome, method=Method.RELATIVE_WEIGHTS)
    assert result.refused and not result.estimates
    need = Requirement(10).min_dealers
    assert f"at least {need} dealers" in result.refusal.en  # type: ignore[union-attr]
    assert f"至少需要 {need} 家经销商" in result.refusal.zh  # type: ignore[union-attr]


def test_constant_outcome_is_refused_and_constant_predictors_are_listed() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(size=(30, 3))
    x[:, 2] = 1.0
    flat = analyse(_table(x), {f"D{i:03}": 5.0 for i in range(30)}, method=Method.DOMINANCE)
    assert flat.refused and "does not vary" in flat.refusal.en  # type: ignore[union-attr]
    varied = analyse(_table(x), {f"D{i:03}": float(x[i, 0]) for i in range(30)}, method=Method.DOMINANCE)
    assert [d.predictor.key for d in varied.dropped] == ["s/p2"]
    assert "no variance" in varied.dropped[0].reason.en


def test_dominance_refuses_more_predictors_than_it_can_enumerate() -> None:
    p = MAX_DOMINANCE_PREDICTORS + 1
    rng = np.random.default_rng(4)
    x = rng.uniform(size=(200, p))
    result = analyse(_table(x), {f"D{i:03}": float(x[i].sum()) for i in range(200)}, method=Method.DOMINANCE)
    assert result.refused and "relative weights" in result.refusal.en  # type: ignore[union-attr]


def test_the_batched_bootstrap_equals_resampling_rows_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path (counts × per-dealer outer products) and the plain one (gathering the rows) agree."""
    from dealer_audit.core import key_drivers

    rng = np.random.default_rng(5)
    x = rng.uniform(0, 100, size=(60, 5))
    outcome = {f"D{i:03}": float(x[i, 0] + x[i, 3] + rng.normal(0, 30)) for i in range(60)}
    fast = analyse(_table(x), outcome, method=Method.RELATIVE_WEIGHTS, resamples=200)
    monkeypatch.setattr(key_drivers, "GRAM_CELLS", 0)
    plain = analyse(_table(x), outcome, method=Method.RELATIVE_WEIGHTS, resamples=200)
    for a, b in zip(fast.estimates, plain.estimates, strict=True):
        assert (a.low, a.high) == pytest.approx((b.low, b.high), abs=1e-9)
    assert fast.r_squared_low == pytest.approx(plain.r_squared_low, abs=1e-9)

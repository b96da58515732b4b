"""core/intervals.py against published worked examples, independent implementations and its invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from dealer_audit.core.intervals import (
    RankRange,
    SamplingError,
    Significance,
    VarianceComponents,
    change_p_value,
    combine_errors,
    error_of_mean,
    label_changes,
    mean_interval,
    rank_ranges,
    shrink,
    t_quantile,
    variance_components,
    wilson_interval,
)

# ---- t quantiles -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("df", "expected"),
    # the 0.975 column of any printed t table (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2)
    [(1, 12.706), (2, 4.303), (3, 3.182), (5, 2.571), (10, 2.228), (30, 2.042), (60, 2.000), (120, 1.980)],
)
def test_t_quantiles_match_the_printed_table(df: int, expected: float) -> None:
    assert t_quantile(df) == pytest.approx(expected, abs=5e-4)


def test_t_quantile_for_fractional_and_infinite_df() -> None:
    assert t_quantile(6.08) == pytest.approx(stats.t.ppf(0.975, 6.08), abs=1e-9)
    assert t_quantile(math.inf) == pytest.approx(1.959964, abs=1e-6)
    assert t_quantile(10, level=0.90) == pytest.approx(1.812, abs=5e-4)
    with pytest.raises(ValueError):
        t_quantile(0)


# ---- Wilson intervals --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in Medicine 17,
    # Table II, method 3 (Wilson score interval without continuity correction)
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0000),
    ],
)
def test_wilson_interval_reproduces_newcombe_1998(successes: int, trials: int, low: float, high: float) -> None:
    interval = wilson_interval(successes, trials)
    assert interval is not None
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_agrees_with_scipy_and_holds_the_rate(case: tuple[int, int]) -> None:
    successes, trials = case
    interval = wilson_interval(successes, trials)
    assert interval is not None
    reference = stats.binomtest(successes, trials).proportion_ci(0.95, method="wilson")
    assert interval.low == pytest.approx(reference.low, abs=1e-9)
    assert interval.high == pytest.approx(reference.high, abs=1e-9)
    assert 0 <= interval.low <= successes / trials <= interval.high <= 1


def test_wilson_interval_without_trials() -> None:
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


# ---- variance components -----------------------------------------------------------------------------------------

# Montgomery, Design and Analysis of Experiments, Example 13.1 (fabric strength, 4 looms chosen at random, 4
# observations each): MS_treatments = 29.73, MS_E = 1.90, so σ² ≈ 1.90 and σ²_τ = (29.73 − 1.90) / 4 ≈ 6.96.
LOOMS = ([98, 97, 99, 96], [91, 90, 93, 92], [96, 95, 97, 95], [95, 96, 99, 98])


def test_variance_components_reproduce_montgomery_example_13_1() -> None:
    c = variance_components(LOOMS)
    assert round(c.within, 2) == 1.90
    assert c.within_df == 12
    assert round(c.between, 2) == 6.96
    assert c.target == pytest.approx(95.4375)
    assert (c.dealers, c.visits) == (4, 16)


def test_variance_components_unbalanced_by_hand() -> None:
    # means 2, 5, 6; grand mean 27/6; SSW = 2 + 0 + 8 = 10 on 3 df; MSB = 19.5 / 2; n0 = (6 − 14/6) / 2
    c = variance_components([[1, 3], [5], [4, 6, 8]])
    assert c.within == pytest.approx(10 / 3)
    assert c.within_df == 3
    assert c.between == pytest.approx((9.75 - 10 / 3) / ((6 - 14 / 6) / 2))  # = 3.5
    assert c.between == pytest.approx(3.5)
    assert c.target == pytest.approx(13 / 3)  # mean of the dealer means: each dealer counts once


def test_variance_components_without_repeat_visits_or_dealers() -> None:
    single = variance_components([[80], [70], [90]])
    assert (single.within, single.within_df, single.between) == (None, 0, None)
    assert variance_components([]).target is None
    one_dealer = variance_components([[80, 70]])
    assert one_dealer.within == 50 and one_dealer.between is None


def test_between_variance_is_never_negative() -> None:
    # dealers whose means differ less than the visit-to-visit noise predicts: MSB < MSW, τ² truncated at 0
    c = variance_components([[50, 90], [90, 50], [70, 71]])
    assert c.between == 0


# ---- dealer intervals and shrinkage ------------------------------------------------------------------------------


def test_single_visit_interval_uses_the_pooled_variance() -> None:
    components = variance_components([*LOOMS, [94]])  # a fifth loom measured once
    error = error_of_mean(1, components)
    assert error is not None and error.df == 12
    interval = mean_interval(94, error)
    half = 2.179 * math.sqrt(components.within)  # t(0.975, 12) = 2.179
    assert interval.low == pytest.approx(94 - half, abs=1e-3) and interval.high == pytest.approx(94 + half, abs=1e-3)


def test_interval_is_clipped_to_the_scale() -> None:
    interval = mean_interval(98.0, SamplingError(25.0, 10), bounds=(0, 100))
    assert interval.high == 100 and interval.low == pytest.approx(98 - 2.228139 * 5)
    assert mean_interval(None, SamplingError(1, 1)) is None
    assert mean_interval(50, None) is None


def test_shrinkage_by_hand() -> None:
    components = VarianceComponents(within=4.0, within_df=10, between=12.0, target=60.0, dealers=10, visits=20)
    one = shrink(80.0, 1, components)
    assert one.factor == pytest.approx(0.25)  # (4/1) / (4/1 + 12)
    assert one.value == pytest.approx(75.0)  # 0.25 · 60 + 0.75 · 80
    four = shrink(80.0, 4, components)
    assert four.factor == pytest.approx(1 / 13) and four.value > one.value  # more visits: pulled less
    flat = VarianceComponents(within=4.0, within_df=10, between=0.0, target=60.0, dealers=10, visits=20)
    assert shrink(80.0, 3, flat).value == 60.0  # dealers do not differ at all: everyone is the network mean
    assert shrink(80.0, 1, VarianceComponents(None, 0, None, 60.0, 3, 3)) is None


variances = st.floats(0.01, 2500, allow_nan=False)
means = st.floats(0, 100, allow_nan=False)


@given(means, variances, st.integers(2, 200), st.integers(1, 30), st.integers(1, 30))
def test_more_visits_with_the_same_spread_never_widen_the_interval(
    centre: float, within: float, df: int, n: int, extra: int
) -> None:
    components = VarianceComponents(within, df, 10.0, 50.0, 10, 10 + df)
    narrow = mean_interval(centre, error_of_mean(n + extra, components), (0, 100))
    wide = mean_interval(centre, error_of_mean(n, components), (0, 100))
    assert narrow.high - narrow.low <= wide.high - wide.low + 1e-12


@given(st.lists(st.lists(means, min_size=1, max_size=5), min_size=2, max_size=12), st.integers(0, 11))
def test_interval_contains_the_mean_and_shrinkage_lies_between_mean_and_target(
    groups: list[list[float]], pick: int
) -> None:
    components = variance_components(groups)
    values = groups[pick % len(groups)]
    centre = math.fsum(values) / len(values)
    interval = mean_interval(centre, error_of_mean(len(values), components), (0, 100))
    if interval is not None:
        assert interval.low <= centre + 1e-9 and centre - 1e-9 <= interval.high
    shrunk = shrink(centre, len(values), components)
    if shrunk is not None:
        low, high = sorted((centre, components.target))
        assert low - 1e-9 <= shrunk.value <= high + 1e-9
        assert 0 <= shrunk.factor <= 1


# ---- composites and changes --------------------------------------------------------------------------------------


def test_welch_satterthwaite_by_hand() -> None:
    error = combine_errors([(1.0, SamplingError(1.0, 9)), (-1.0, SamplingError(4.0, 4))])
    assert error.variance == 5.0
    assert error.df == pytest.approx(25 / (1 / 9 + 16 / 4))  # 6.08
    weighted = combine_errors([(0.5, SamplingError(4.0, 10)), (0.5, SamplingError(4.0, 10))])
    assert weighted.variance == pytest.approx(2.0) and weighted.df == pytest.approx(20)
    assert combine_errors([(1.0, SamplingError(1.0, 9)), (1.0, None)]) is None


def test_change_test_is_welchs_t_test() -> None:
    before = np.array([72.0, 80.0, 77.0, 69.0, 75.0])
    after = np.array([81.0, 86.0, 90.0, 84.0])
    error_before = SamplingError(before.var(ddof=1) / len(before), len(before) - 1)
    error_after = SamplingError(after.var(ddof=1) / len(after), len(after) - 1)
    p = change_p_value(after.mean() - before.mean(), error_after, error_before)
    assert p == pytest.approx(stats.ttest_ind(after, before, equal_var=False).pvalue, rel=1e-9)
    assert change_p_value(5.0, error_after, None) is None
    assert change_p_value(0.0, SamplingError(0.0, 3), SamplingError(0.0, 3)) == 1.0
    assert change_p_value(1.0, SamplingError(0.0, 3), SamplingError(0.0, 3)) == 0.0


# Benjamini & Hochberg (1995), J. R. Statist. Soc. B 57, section 4.2: the 15 p values of the myocardial
# infarction study; the step-up procedure at q* = 0.05 rejects the four smallest.
BH_1995 = (0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528,
           0.7590, 1.0000)  # fmt: skip


def test_benjamini_hochberg_reproduces_the_1995_example() -> None:
    tests = label_changes({k: p for k, p in enumerate(BH_1995)})
    significant = [k for k, t in tests.items() if t.label is Significance.SIGNIFICANT]
    assert significant == [0, 1, 2, 3]
    assert all(tests[k].label is Significance.NOISE for k in range(4, 15))
    # screening does matter: 5 more of them are below 0.05 on their own
    assert sum(p < 0.05 for p in BH_1995) == 9


def test_untestable_changes_are_insufficient_data() -> None:
    tests = label_changes({"a": None, "b": 0.001})
    assert tests["a"].label is Significance.INSUFFICIENT and tests["a"].p is None
    assert tests["b"].label is Significance.SIGNIFICANT and tests["b"].q == 0.001  # a family of one


# ---- rank ranges -------------------------------------------------------------------------------------------------


def test_rank_ranges_are_deterministic_and_hold_the_published_rank() -> None:
    estimates = {
        "A": (90.0, SamplingError(0.01, 10)),  # far ahead and precise: always first
        "B": (70.0, SamplingError(25.0, 10)),
        "C": (69.0, SamplingError(25.0, 10)),
        "D": (40.0, SamplingError(0.01, 10)),  # far behind: always last
    }
    regions = {"A": "east", "B": "east", "C": "north", "D": "north"}
    observed = {"A": (1, 1), "B": (2, 1), "C": (3, 1), "D": (4, 2)}
    ranges = rank_ranges(estimates, regions, observed)
    assert ranges == rank_ranges(dict(reversed(estimates.items())), regions, observed)  # arrival order irrelevant
    assert (ranges["A"].network_best, ranges["A"].network_worst) == (1, 1)
    assert (ranges["D"].network_best, ranges["D"].network_worst) == (4, 4)
    assert (ranges["B"].network_best, ranges["B"].network_worst) == (2, 3)  # B and C cannot be told apart
    assert (ranges["C"].network_best, ranges["C"].network_worst) == (2, 3)
    assert (ranges["C"].region_best, ranges["C"].region_worst) == (1, 1)
    for key, r in ranges.items():
        assert r.network_best <= observed[key][0] <= r.network_worst


def test_rank_ranges_need_an_error() -> None:
    assert rank_ranges({"A": (90.0, None), "B": (80.0, None)}, {"A": "e", "B": "e"}, {"A": (1, 1), "B": (2, 2)}) == {}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(means, st.floats(0.0, 400.0)), min_size=1, max_size=15))
def test_rank_ranges_stay_within_the_field(rows: list[tuple[float, float]]) -> None:
    estimates = {f"D{k:02d}": (m, SamplingError(v, 5)) for k, (m, v) in enumerate(rows)}
    regions = {k: "east" if int(k[1:]) % 2 else "west" for k in estimates}
    observed = {k: (1, 1) for k in estimates}
    for key, r in rank_ranges(estimates, regions, observed, draws=200).items():
        in_region = sum(1 for other in regions.values() if other == regions[key])
        assert 1 <= r.network_best <= r.network_worst <= len(rows)
        assert 1 <= r.region_best <= r.region_worst <= in_region


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.01, 0.05, 0.5, 1.0])),  # ties and the edges too
        min_size=2,
        max_size=60,
    )
)
def test_benjamini_hochberg_equals_scipy(p_values: list[float]) -> None:
    """The written-out adjustment (scipy.stats is not imported while scoring) gives scipy's figures exactly."""
    from scipy.stats import false_discovery_control

    from dealer_audit.core.intervals import benjamini_hochberg

    raw = np.array(p_values)
    np.testing.assert_array_equal(benjamini_hochberg(raw), false_discovery_control(raw, method="bh"))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(60, 70).map(float),  # whole numbers: dealers held at equal means tie
            st.sampled_from([0.0, 1.0, 4.0, 25.0]),
            st.sampled_from(["e", "n", "s"]),
        ),
        min_size=2,
        max_size=25,
    )
)
def test_rank_ranges_equal_ranking_each_draw_one_by_one(rows: list[tuple[float, float, str]]) -> None:
    """The vectorised ranking (one sort per draw, regions ranked by network rank) gives the ranges of the plain
    method: per draw, rank the network and each region, then take the lower 2.5th and higher 97.5th percentile."""
    keys = [f"D{i:02d}" for i in range(len(rows))]
    estimates = {k: (c, SamplingError(v, 30.0)) for k, (c, v, _) in zip(keys, rows, strict=True)}
    regions = {k: r for k, (_, _, r) in zip(keys, rows, strict=True)}
    draws = 200
    rng = np.random.default_rng(9)
    noise = rng.standard_t(np.full(len(keys), 30.0), size=(draws, len(keys)))
    sample = np.array([c for c, _, _ in rows]) + noise * np.sqrt([v for _, v, _ in rows])
    network, region = np.empty((draws, len(keys)), int), np.empty((draws, len(keys)), int)
    for d in range(draws):
        order = list(np.argsort(-sample[d]))  # the network's order, ties as numpy's sort leaves them
        for j in range(len(keys)):
            network[d, j] = order.index(j) + 1
            region[d, j] = 1 + sum(1 for o in order[: order.index(j)] if regions[keys[o]] == regions[keys[j]])
    observed = {k: (int(network[d % draws, j]), int(region[d % draws, j])) for j, k in enumerate(keys) for d in [j]}
    ranges = rank_ranges(estimates, regions, observed, draws=draws, seed=9)
    for j, key in enumerate(keys):
        net, reg = observed[key]
        low = int(np.percentile(network[:, j], 2.5, method="lower"))
        high = int(np.percentile(network[:, j], 97.5, method="higher"))
        region_low = int(np.percentile(region[:, j], 2.5, method="lower"))
        region_high = int(np.percentile(region[:, j], 97.5, method="higher"))
        assert ranges[key] == RankRange(min(low, net), max(high, net), min(region_low, reg), max(region_high, reg))

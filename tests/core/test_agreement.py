"""Agreement coefficients against published worked examples, an independent implementation and properties."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealer_audit.core.agreement import Level, agreement, gwet_ac, gwet_weights, krippendorff_alpha

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers x 12 units with
# missing values (also irrCAC's cac.raw4raters, Gwet 2014).
OBSERVERS = (
    (1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N),
    (1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3),
    (N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N),
    (1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N),
)
UNITS = [[observer[u] for observer in OBSERVERS] for u in range(12)]


def _from_distribution(rows: list[list[int]]) -> list[list[int]]:
    """Units from a 'raters per category' table (Gwet's distribution format): category k repeated r_uk times."""
    return [[k for k, count in enumerate(row) for _ in range(count)] for row in rows]


def _from_contingency(table: list[list[int]]) -> list[list[int]]:
    """Two-rater units from a contingency table: cell (i, j) gives table[i][j] units rated (i, j)."""
    return [[i, j] for i, row in enumerate(table) for j, count in enumerate(row) for _ in range(count)]


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_krippendorff_2011_worked_example(level: str, expected: float) -> None:
    assert krippendorff_alpha(UNITS, Level(level)) == pytest.approx(expected, abs=5e-4)


def test_gwet_ac1_and_quadratic_ac2_on_the_handbook_raw_ratings() -> None:
    # Gwet (2014) / irrCAC gwet.ac1.raw(cac.raw4raters): AC1 0.77544 (pa 0.8181818, pe 0.1903212);
    # weights = "quadratic": AC2 0.914 (pa 0.9753788).
    assert gwet_ac(UNITS, Level.NOMINAL) == pytest.approx(0.77544, abs=5e-5)
    assert gwet_ac(UNITS, Level.INTERVAL) == pytest.approx(0.914, abs=5e-4)
    result = agreement(UNITS, Level.NOMINAL)
    assert result.percent == pytest.approx(0.8181818, abs=1e-6)
    assert (result.units, result.ratings, result.categories) == (11, 40, 5)


def test_gwet_ac1_on_six_raters_distribution() -> None:
    # irrCAC distrib.6raters (15 patients, 6 psychiatrists, 5 diagnoses): AC1 0.4448007, pa 0.5511111;
    # quadratic AC2 0.4837438.
    rows = [
        [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
        [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
        [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    ]  # fmt: skip
    units = _from_distribution(rows)
    categories = list(range(5))
    assert gwet_ac(units, Level.NOMINAL, categories) == pytest.approx(0.4448007, abs=5e-7)
    assert agreement(units, Level.NOMINAL, categories).percent == pytest.approx(0.5511111, abs=5e-7)
    assert gwet_ac(units, Level.INTERVAL, categories) == pytest.approx(0.4837438, abs=5e-7)


def test_gwet_ac1_on_two_raters_contingency_table() -> None:
    # irrCAC cont3x3abstractors (Gwet 2014): AC1 0.8493305; quadratic AC2 0.9402369; Krippendorff 0.7972585.
    units = _from_contingency([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    assert gwet_ac(units, Level.NOMINAL) == pytest.approx(0.8493305, abs=5e-7)
    assert gwet_ac(units, Level.INTERVAL) == pytest.approx(0.9402369, abs=5e-7)
    assert krippendorff_alpha(units, Level.NOMINAL) == pytest.approx(0.7972585, abs=5e-7)


def test_gwet_ordinal_weights_match_the_handbook() -> None:
    # Gwet (2014) ch. 3 / irrCAC ordinal.weights(1:3).
    weights = gwet_weights(np.array([1.0, 2.0, 3.0]), Level.ORDINAL)
    assert weights.round(7).tolist() == [[1, 0.6666667, 0], [0.6666667, 1, 0.6666667], [0, 0.6666667, 1]]


def _matrix(units: list[list[float | None]], raters: int) -> np.ndarray:
    return np.array(
        [[np.nan if r >= len(u) or u[r] is None else u[r] for u in units] for r in range(raters)], dtype=float
    )


unit_lists = st.lists(
    st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=4, max_size=4), min_size=3, max_size=15
)


@settings(max_examples=60, deadline=None)
@given(unit_lists, st.sampled_from(list(Level)))
def test_alpha_equals_the_krippendorff_package(units: list[list[int | None]], level: Level) -> None:
    values = [v for u in units for v in u if v is not None]
    pairable = [v for u in units if sum(v is not None for v in u) >= 2 for v in u if v is not None]
    if len(set(pairable)) < 2:  # no variation among pairable values: alpha is 0/0
        assert krippendorff_alpha(units, level) is None
        return
    expected = krippendorff.alpha(_matrix(units, 4), level_of_measurement=level.value, value_domain=sorted(set(values)))
    assert krippendorff_alpha(units, level) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=12), st.integers(2, 6), st.sampled_from(list(Level)))
def test_perfect_agreement_gives_one(truths: list[int], raters: int, level: Level) -> None:
    units = [[t] * raters for t in truths]
    categories = [1, 2, 3, 4, 5]
    assert gwet_ac(units, level, categories) == pytest.approx(1.0)
    if len(set(truths)) > 1:
        assert krippendorff_alpha(units, level, categories) == pytest.approx(1.0)
        result = agreement(units, level, categories, replicates=200)
        assert result.ac.value == pytest.approx(1.0) and result.alpha.value == pytest.approx(1.0)
    else:
        assert krippendorff_alpha(units, level, categories) is None  # no variation: alpha is 0/0


def test_yes_no_all_agreeing_on_yes_gives_ac1_one_and_no_alpha() -> None:
    # The "kappa paradox" case: everyone always says yes. AC1 is 1; alpha is undefined.
    result = agreement([["yes", "yes"]] * 5, Level.NOMINAL, ["yes", "no"])
    assert result.ac.value == pytest.approx(1.0)
    assert result.alpha.value is None


def test_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    first = agreement(UNITS, Level.ORDINAL)
    again = agreement(UNITS, Level.ORDINAL)
    other_seed = agreement(UNITS, Level.ORDINAL, seed=7)
    assert first == again
    assert first.alpha != other_seed.alpha
    for estimate in (first.ac, first.alpha):
        assert estimate.low is not None and estimate.high is not None and estimate.value is not None
        assert estimate.low <= estimate.value <= estimate.high <= 1.0


def test_no_pairable_unit_gives_nothing() -> None:
    result = agreement([["yes"], [None, "no"]], Level.NOMINAL, ["yes", "no"])
    assert result.units == 0 and result.ac.value is None and result.alpha.value is None


def test_rating_outside_the_categories_is_refused() -> None:
    with pytest.raises(ValueError, match="outside the categories"):
        gwet_ac([["yes", "maybe"]], Level.NOMINAL, ["yes", "no"])


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.lists(st.integers(1, 6), min_size=1, max_size=4), min_size=2, max_size=30),
    st.sampled_from([Level.NOMINAL, Level.INTERVAL]),
)
def test_the_fast_bootstrap_equals_the_coincidence_matrices_of_each_draw(units: list[list[int]], level: Level) -> None:
    """Nominal and interval draws skip building a coincidence matrix per draw; they must give the same alphas."""
    from dealer_audit.core import agreement as ag

    prepared = ag._prepare(units, level, None)
    if not isinstance(prepared, ag._Prepared):  # nothing pairable: no bootstrap to compare
        return
    table = ag._table(units, level, None)
    draws = ag._multiplicity(len(units), 40, 5)
    _, fast = ag._samples(prepared, draws @ prepared.columns)
    full = np.einsum("bu,uij->bij", draws, ag._unit_coincidences(table.counts))
    np.testing.assert_allclose(fast, ag._alpha_from(full, table.values, level), atol=1e-9)


def _loop_bootstrap(units: list[list[int]], level: Level, categories: list[int], replicates: int, seed: int):
    """The textbook bootstrap, one replicate at a time: draw the units with replacement (the same seeded draws as
    the vectorised version), recompute both coefficients, take the 2.5th and 97.5th percentiles."""
    draws = np.random.default_rng(seed).integers(0, len(units), size=(replicates, len(units)))
    ac, alpha = [], []
    for row in draws:
        sample = [units[u] for u in row]
        ac.append(gwet_ac(sample, level, categories))
        alpha.append(krippendorff_alpha(sample, level, categories))

    def bounds(values: list[float | None]) -> tuple[float | None, float | None]:
        finite = np.array([v for v in values if v is not None and np.isfinite(v)])
        if len(finite) < max(10, replicates // 2):  # mostly undefined: no interval (the module's rule)
            return None, None
        low, high = np.percentile(finite, [2.5, 97.5])
        return float(low), float(high)

    return bounds(ac), bounds(alpha)


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.lists(st.integers(1, 5), min_size=2, max_size=4), min_size=8, max_size=25),
    st.sampled_from(list(Level)),
)
def test_the_vectorised_bootstrap_equals_the_loop_over_replicates(units: list[list[int]], level: Level) -> None:
    """All replicates at once (draw counts times per-unit columns, one matrix product for every item) give the
    same intervals as recomputing the coefficients on each resampled set of units."""
    categories = [1, 2, 3, 4, 5]
    result = agreement(units, level, categories, replicates=200, seed=11)
    (ac_low, ac_high), (alpha_low, alpha_high) = _loop_bootstrap(units, level, categories, 200, 11)
    for estimate, low, high in ((result.ac, ac_low, ac_high), (result.alpha, alpha_low, alpha_high)):
        if estimate.value is None or low is None:
            assert estimate.low is None
        else:
            assert (estimate.low, estimate.high) == pytest.approx((low, high), abs=1e-9)


def test_many_items_at_once_equal_one_call_per_item() -> None:
    """`agreements` joins items with the same number of units into one product; each result is the single call's."""
    from dealer_audit.core.agreement import agreements

    rng = np.random.default_rng(4)
    requests = []
    for k in range(12):
        size = 20 if k % 3 else 15  # two groups of draws
        units = [[int(v) for v in rng.integers(1, 4, size=int(rng.integers(1, 4)))] for _ in range(size)]
        requests.append((units, list(Level)[k % 3], [1, 2, 3]))
    batch = agreements(requests, replicates=300)
    for (units, level, categories), together in zip(requests, batch, strict=True):
        alone = agreement(units, level, categories, replicates=300)
        for a, b in ((together.ac, alone.ac), (together.alpha, alone.alpha)):
            assert a.value == b.value
            assert (a.low, a.high) == pytest.approx((b.low, b.high), abs=1e-12)

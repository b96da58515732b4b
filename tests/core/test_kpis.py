"""KPI curves, re-weighting and the scorecard blend (core/kpis.py), computed by hand at every boundary."""

from __future__ import annotations

import pytest

from dealer_audit.core.kpis import (
    Curve,
    CurveKind,
    Direction,
    Enters,
    KpiBand,
    KpiDefinition,
    blend_composite,
    blend_interval,
    kpi_score,
    reweighted_mean,
)
from dealer_audit.core.standard import LocalText
from dealer_audit.core.stats import Interval


def kpi(curve: Curve, direction: Direction = Direction.HIGHER) -> KpiDefinition:
    return KpiDefinition("k", LocalText(en="K"), LocalText(en="%"), direction, curve, 1.0, Enters.KPI_INDEX)


LINEAR_UP = kpi(Curve(CurveKind.LINEAR, floor=40, target=95))  # tablet check-in: 40 % scores 0, 95 % scores 100
LINEAR_DOWN = kpi(Curve(CurveKind.LINEAR, floor=10, target=2), Direction.LOWER)  # complaints per 1,000 ROs


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0.0),  # far below the floor: clamped
        (39.9, 0.0),
        (40, 0.0),  # at the floor
        (51, 20.0),  # (51 − 40) ÷ 55 = 0.2
        (67.5, 50.0),  # half way
        (95, 100.0),  # at the target
        (100, 100.0),  # beyond the target: clamped
    ],
)
def test_linear_curve_higher_is_better(value, expected):
    assert kpi_score(LINEAR_UP, value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 0.0),  # worse than the floor
        (10, 0.0),  # at the floor
        (8, 25.0),  # (8 − 10) ÷ (2 − 10) = 0.25
        (6, 50.0),
        (2, 100.0),  # at the target
        (0.5, 100.0),  # better than the target: clamped
    ],
)
def test_linear_curve_lower_is_better(value, expected):
    assert kpi_score(LINEAR_DOWN, value) == pytest.approx(expected)


BANDED = kpi(
    Curve(
        CurveKind.BANDS,
        bands=(KpiBand(100, min=98), KpiBand(80, min=95), KpiBand(50, min=90), KpiBand(0)),
    )
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(100, 100), (98, 100), (97.99, 80), (95, 80), (94.99, 50), (90, 50), (89.99, 0), (0, 0)],
)
def test_bands_first_match_wins_and_bounds_are_inclusive(value, expected):
    assert kpi_score(BANDED, value) == expected


def test_a_value_no_band_holds_scores_zero():
    closed = kpi(Curve(CurveKind.BANDS, bands=(KpiBand(100, min=5, max=10),)))
    assert kpi_score(closed, 10) == 100
    assert kpi_score(closed, 10.5) == 0
    assert kpi_score(closed, 4) == 0


def test_missing_values_are_reweighted_not_zero():
    # weights 1, 1, 0.5, 0.5; scores 80, missing, 60, missing → (1·80 + 0.5·60) ÷ 1.5 = 73.33; coverage 1.5 ÷ 3
    result = reweighted_mean([(1, 80.0), (1, None), (0.5, 60.0), (0.5, None)])
    assert result.value == pytest.approx(110 / 1.5)
    assert result.coverage == pytest.approx(0.5)
    nothing = reweighted_mean([(1, None), (2, None)])
    assert nothing.value is None and nothing.coverage == 0
    assert reweighted_mean([]).value is None


def test_the_composite_blends_audits_with_the_kpis_present():
    # audits 0.6 + 0.4 = 1.0 at 70; NPS score 100 (w 0.15), CSI score 40 (w 0.15): (70 + 15 + 6) ÷ 1.3 = 70
    assert blend_composite(70, 1.0, [(0.15, 100.0), (0.15, 40.0)]) == pytest.approx(70.0)
    # CSI missing: (70 + 15) ÷ 1.15
    assert blend_composite(70, 1.0, [(0.15, 100.0), (0.15, None)]) == pytest.approx(85 / 1.15)
    assert blend_composite(70, 1.0, []) == 70
    assert blend_composite(None, 1.0, [(0.15, 100.0)]) is None  # KPIs alone never make a composite


def test_the_interval_moves_with_the_audit_share_only():
    # a = 1 ÷ 1.3, b = (0.15·100 + 0.15·40) ÷ 1.3 = 21 ÷ 1.3: [60, 80] → [(60 + 21) ÷ 1.3, (80 + 21) ÷ 1.3]
    blended = blend_interval(Interval(60, 80), 1.0, [(0.15, 100.0), (0.15, 40.0)])
    assert blended is not None
    assert blended.low == pytest.approx(81 / 1.3) and blended.high == pytest.approx(101 / 1.3)
    assert blend_interval(None, 1.0, [(0.15, 100.0)]) is None
    assert blend_interval(Interval(60, 80), 1.0, []) == Interval(60, 80)

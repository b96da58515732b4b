"""Intervals, shrunken estimates, change labels, rank ranges and significance-gated drop alerts in a scored wave,
with hand-computed numbers (docs/scoring.md §9)."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from scipy import stats

from dealer_audit.core.aggregate import AlertKind, score_wave
from dealer_audit.core.intervals import Significance, t_quantile
from dealer_audit.core.scoring import format_score
from dealer_audit.core.standard import Program
from dealer_audit.core.standard_codec import program_from_dict
from dealer_audit.errors import ValidationFailed
from tests.core.scoring_fixtures import audit, dealer, program, simple_standard

STD = simple_standard(sections={"S": 20})  # 20 yes/no items: the index is 100 − 5 × failures
DEALERS = [dealer("D1", "east"), dealer("D2", "east"), dealer("D3", "north"), dealer("D4", "north")]


def visits(wave: str, dealer_code: str, *fails: int) -> list:
    yes = {f"S{n}": "yes" for n in range(1, 21)}
    return [
        audit(STD, dealer_code, wave=wave, audit_id=f"{wave}-{dealer_code}-{k}", **{
            **yes, **{f"S{n}": "no" for n in range(1, f + 1)}
        })
        for k, f in enumerate(fails)
    ]  # fmt: skip


# 2026-Q3: D1 90, 80 · D2 80, 70 · D3 85 · D4 80, 60     (within SS 50 + 50 + 200 = 300 on 3 df: σ² = 100)
PREVIOUS = visits("2026-Q3", "D1", 2, 4) + visits("2026-Q3", "D2", 4, 6) + visits("2026-Q3", "D3", 3)
PREVIOUS += visits("2026-Q3", "D4", 4, 8)
# 2026-Q4: D1 40, 30 · D2 75, 65 · D3 90, 80 · D4 60       (within SS 50 + 50 + 50 = 150 on 3 df: σ² = 50)
CURRENT = visits("2026-Q4", "D1", 12, 14) + visits("2026-Q4", "D2", 5, 7) + visits("2026-Q4", "D3", 2, 4)
CURRENT += visits("2026-Q4", "D4", 8)


def scored(prog: Program | None = None, current: list | None = None, previous: list | None = None, **kwargs):
    return score_wave(
        prog or program(),
        {STD.key: STD},
        DEALERS,
        CURRENT if current is None else current,
        "2026-Q4",
        PREVIOUS if previous is None else previous,
        **kwargs,
    )


def test_pooled_variance_and_intervals_by_hand() -> None:
    r = scored()
    components = r.variance["simple"]
    assert (components.within, components.within_df, components.dealers, components.visits) == (50, 3, 4, 7)
    d4 = r.dealer("D4")  # one visit: σ² / 1 from the network, t on 3 df
    half = t_quantile(3) * 50**0.5
    assert d4.checklist("simple").ci.low == pytest.approx(60 - half)
    assert d4.checklist("simple").ci.high == pytest.approx(60 + half)
    d1 = r.dealer("D1").checklist("simple")
    assert d1.ci.high - d1.ci.low == pytest.approx(2 * t_quantile(3) * (50 / 2) ** 0.5)
    # one standard in the program: the composite interval is the index interval on the program scale
    assert r.dealer("D4").composite_ci.low == pytest.approx(d4.checklist("simple").ci.low)
    # sections carry their interval too (one section here: the same figures as the index)
    assert r.dealer("D1").checklist("simple").sections[0].ci == d1.ci


def test_shrunken_estimates_sit_beside_the_raw_figures() -> None:
    r = scored()
    components = r.variance["simple"]
    assert components.target == pytest.approx((35 + 70 + 85 + 60) / 4)  # network mean of dealer means
    d4 = r.dealer("D4")
    b = (50 / 1) / (50 / 1 + components.between)
    assert d4.checklist("simple").shrunk.factor == pytest.approx(b)
    assert d4.checklist("simple").shrunk.value == pytest.approx(b * components.target + (1 - b) * 60)
    assert d4.checklist("simple").index == 60  # the raw figure is unchanged
    assert d4.shrunk_composite == pytest.approx(d4.checklist("simple").shrunk.value)
    # fewer visits, more pull: D4 (1 visit) is pulled harder than D2 (2 visits)
    assert d4.checklist("simple").shrunk.factor > r.dealer("D2").checklist("simple").shrunk.factor


def test_changes_are_labelled_after_a_welch_test_and_benjamini_hochberg() -> None:
    r = scored()
    labels = {d.code: d.delta_test.label for d in r.dealers}
    assert labels == {
        "D1": Significance.SIGNIFICANT,  # −50: t = −50 / √(50/2 + 100/2) = −5.8
        "D2": Significance.NOISE,  # −5
        "D3": Significance.NOISE,  # 85 → 85
        "D4": Significance.NOISE,  # −10 on one visit against two: t = −1
    }
    d4 = r.dealer("D4").delta_test
    assert d4.p == pytest.approx(2 * stats.t.sf(1.0, d4_df()), rel=1e-9)
    assert r.dealer("D1").delta_test.q == pytest.approx(min(1.0, r.dealer("D1").delta_test.p * 4))


def d4_df() -> float:
    """Welch–Satterthwaite df of D4's change: variances 50/1 (3 df) and 100/2 (3 df)."""
    return (50 + 50) ** 2 / (50**2 / 3 + 50**2 / 3)


def test_without_repeat_visits_changes_are_insufficient_data_and_have_no_interval() -> None:
    current = [v[0] for v in (visits("2026-Q4", c, 2) for c in ("D1", "D2", "D3", "D4"))]
    previous = [v[0] for v in (visits("2026-Q3", c, 4) for c in ("D1", "D2", "D3", "D4"))]
    r = scored(current=current, previous=previous)
    assert {d.delta_test.label for d in r.dealers} == {Significance.INSUFFICIENT}
    assert all(d.composite_ci is None and d.rank_range is None for d in r.dealers)
    drops = [a for a in r.alerts if a.kind is AlertKind.DROP]
    assert drops == []  # 90 vs 80: a rise


def test_drop_alerts_carry_the_label_and_can_require_significance() -> None:
    r = scored()
    drops = {a.dealer_code: a for a in r.alerts if a.kind is AlertKind.DROP}
    assert set(drops) == {"D1", "D4"}  # D2 fell 5, under the threshold of 10
    assert drops["D1"].significance is Significance.SIGNIFICANT
    assert drops["D4"].significance is Significance.NOISE
    assert drops["D4"].message.en == "composite index dropped 10.0 points (70.0 → 60.0; within noise)"
    assert drops["D4"].message.zh == "综合指数下降 10.0 分（70.0 → 60.0；在误差范围内）"
    strict = program()
    strict = replace(strict, alerts=replace(strict.alerts, drop_requires_significance=True))
    gated = {a.dealer_code for a in scored(strict).alerts if a.kind is AlertKind.DROP}
    assert gated == {"D1"}  # the drop within noise no longer raises an alert


def test_rank_ranges_hold_the_published_rank() -> None:
    r = scored()
    for d in r.dealers:
        rr = d.rank_range
        assert rr.network_best <= d.rank.network <= rr.network_worst <= d.rank.network_size
        assert rr.region_best <= d.rank.region <= rr.region_worst <= d.rank.region_size
    assert r.dealer("D1").rank_range.network_worst == 4  # 35 is far below everyone


def test_intervals_do_not_depend_on_arrival_order() -> None:
    shuffled = list(CURRENT)
    random.Random(3).shuffle(shuffled)
    a, b = scored(), scored(current=shuffled)
    for x, y in zip(a.dealers, b.dealers, strict=True):
        assert (x.composite_ci, x.shrunk_composite, x.delta_test, x.rank_range) == (
            y.composite_ci,
            y.shrunk_composite,
            y.delta_test,
            y.rank_range,
        )


def test_intervals_can_be_left_out() -> None:
    r = scored(intervals=False)
    d1 = r.dealer("D1")
    assert d1.composite == scored().dealer("D1").composite
    assert (d1.composite_ci, d1.delta_test, d1.rank_range, d1.checklist("simple").ci) == (None, None, None, None)
    assert r.variance == {}


def test_compliance_rates_carry_wilson_intervals() -> None:
    r = scored()
    item = r.network.item("simple", "S1")
    assert (item.passed, item.counted) == (0, 7)  # every visit failed S1
    assert item.rate_interval.low == 0 and item.rate_interval.high == pytest.approx(0.3543, abs=1e-4)
    section = r.network.section("simple", "S")
    assert section.compliance_interval.low < section.compliance < section.compliance_interval.high


def test_program_option_drop_requires_significance() -> None:
    base = {"id": "p", "title": {"en": "P"}, "checklists": [{"standard": "a"}], "waves": [{"code": "W1"}]}
    assert program_from_dict(base).alerts.drop_requires_significance is False
    strict = program_from_dict({**base, "alerts": {"drop_requires_significance": True}})
    assert strict.alerts.drop_requires_significance is True
    with pytest.raises(ValidationFailed) as caught:
        program_from_dict({**base, "alerts": {"drop_requires_significance": "yes"}}, source="p.yaml")
    assert [str(p) for p in caught.value.errors] == [
        "p.yaml (alerts.drop_requires_significance): 'drop_requires_significance' must be true or false, got 'yes'"
    ]


def test_worked_example_in_the_docs() -> None:
    """docs/scoring.md §9.7 states exactly what the code computes (display-rounded)."""
    text = (Path(__file__).parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
    block = text.split("<!-- precision-example:start -->")[1].split("<!-- precision-example:end -->")[0]
    stated = dict(
        tuple(cell.strip() for cell in line.strip().strip("|").split("|")) for line in block.strip().splitlines()[2:]
    )
    codes = ("A", "B", "C", "D")
    dealers = [dealer(c, "east" if c in "AB" else "north") for c in codes]
    current_indices = {"A": (90, 80), "B": (75, 65), "C": (60,), "D": (85, 75, 80)}
    previous_indices = {"A": (80, 90), "B": (70, 60), "C": (80, 70), "D": (85,)}

    def wave(code: str, indices: dict[str, tuple[int, ...]]) -> list:
        return [
            replace(visits(code, d, (100 - i) // 5)[0], audit_id=f"{code}-{d}-{k}")
            for d in codes
            for k, i in enumerate(indices[d])
        ]

    r = score_wave(
        program(),
        {STD.key: STD},
        dealers,
        wave("2026-Q4", current_indices),
        "2026-Q4",
        wave("2026-Q3", previous_indices),
    )
    v = r.variance["simple"]
    a, c = r.dealer("A"), r.dealer("C")
    ca = c.checklist("simple")
    computed = {
        "pooled σ² (df)": f"{format_score(v.within)} ({v.within_df})",
        "between-dealer τ²": format_score(v.between),
        "C interval": f"{format_score(ca.ci.low)}–{format_score(ca.ci.high)}",
        "A interval": f"{format_score(a.checklist('simple').ci.low)}–{format_score(a.checklist('simple').ci.high)}",
        "C shrunken (B)": f"{format_score(ca.shrunk.value)} ({ca.shrunk.factor:.3f})",
        "C change, p, q, label": f"{format_score(c.delta.change)}, {c.delta_test.p:.3f}, {c.delta_test.q:.3f}, "
        f"{c.delta_test.label.value}",
        "A rank range": f"{a.rank_range.network_best}–{a.rank_range.network_worst}",
        "C rank range": f"{c.rank_range.network_best}–{c.rank_range.network_worst}",
    }
    assert stated == computed
    drops = [x for x in r.alerts if x.kind is AlertKind.DROP]
    assert [(x.dealer_code, x.significance) for x in drops] == [("C", Significance.NOISE)]

"""Wave roll-ups with hand-computed numbers: means, CI, composite, ranks, deltas, alerts, opportunities."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dealer_audit.core.aggregate import AlertKind, ItemStatus, rescore_under, score_wave
from dealer_audit.core.standard import Critical, CriticalEffect, Section
from dealer_audit.core.stats import Summary, competition_ranks
from dealer_audit.core.versions import version_key
from tests.core.scoring_fixtures import audit, dealer, program, simple_standard, yes_no

STD = simple_standard()  # sections A (A1, A2) and B (B1, B2), plain yes/no, weights 1
DEALERS = [dealer("D1", "east"), dealer("D2", "east"), dealer("D3", "north"), dealer("D4", "north")]
YES = {"A1": "yes", "A2": "yes", "B1": "yes", "B2": "yes"}


def wave_audits(wave: str = "2026-Q4", **fails: tuple[str, ...]) -> list:
    """One audit per dealer of DEALERS, with the items listed in `fails` answered "no"."""
    return [
        audit(STD, d.code, wave=wave, **{**YES, **dict.fromkeys(fails.get(d.code, ()), "no")})
        for d in DEALERS
        if d.code in fails
    ]


CURRENT = wave_audits(D1=(), D2=("A1",), D3=("A1", "B1"), D4=("A1",))  # 100, 75, 50, 75
PREVIOUS = wave_audits("2026-Q3", D1=("A1",), D2=(), D3=("A1",))  # 75, 100, 75; D4 not audited


def result(audits: list | None = None, previous: list | None = None, prog=None, standards=None, dealers=DEALERS):
    return score_wave(
        prog or program(),
        standards or {STD.key: STD},
        dealers,
        CURRENT if audits is None else audits,
        "2026-Q4",
        PREVIOUS if previous is None else previous,
    )


def test_dealer_indices_and_ranks_with_ties() -> None:
    r = result()
    assert [(d.code, d.composite) for d in r.dealers] == [("D1", 100), ("D2", 75), ("D4", 75), ("D3", 50)]
    assert [d.rank.network for d in r.dealers] == [1, 2, 2, 4]
    assert {d.code: d.rank.region for d in r.dealers} == {"D1": 1, "D2": 2, "D4": 1, "D3": 2}
    assert (r.dealer("D2").rank.network_size, r.dealer("D2").rank.region_size) == (4, 2)
    assert [b.code for b in (d.band for d in r.dealers) if b] == ["excellent", "good", "good", "poor"]
    assert [d.code for d in r.ranking("north")] == ["D4", "D3"]


def test_region_and_network_statistics_count_each_dealer_once() -> None:
    extra = audit(STD, "D1", audit_id="D1-second", **{**YES, "A1": "no", "A2": "no"})  # D1 now (100 + 50) / 2
    r = result([*CURRENT, extra])
    d1 = r.dealer("D1").checklist("simple")
    assert (d1.n, d1.index) == (2, 75)
    assert r.network.composite == Summary(4, 68.75, 75, 50, 75, pytest.approx(12.5))
    east = r.region("east")
    assert (east.composite.n, east.composite.mean, east.composite.median) == (2, 75, 75)
    assert r.region("north").composite.mean == 62.5
    assert r.network.checklists["simple"].mean == 68.75


def test_item_and_section_compliance_pool_audits() -> None:
    r = result()
    east = r.region("east")
    a1 = east.item("simple", "A1")
    assert (a1.counted, a1.passed, a1.failed, a1.rate) == (2, 1, 1, 0.5)
    assert r.network.item("simple", "A1").rate == 0.25
    assert r.network.item("simple", "B1").rate == 0.75
    section_a = r.network.section("simple", "A")
    assert section_a.mean_percent == (100 + 50 + 50 + 50) / 4
    assert (section_a.items_counted, section_a.items_passed, section_a.compliance) == (8, 5, 5 / 8)


def test_interval_from_the_pooled_visit_to_visit_variance() -> None:
    std = simple_standard(sections={"S": 20})
    yes = {f"S{n}": "yes" for n in range(1, 21)}

    def visits(dealer: str, fails: tuple[int, ...]) -> list:
        return [
            audit(std, dealer, audit_id=f"{dealer}-{k}", **{**yes, **{f"S{n}": "no" for n in range(1, f + 1)}})
            for k, f in enumerate(fails)
        ]

    audits = visits("D1", (4, 5, 6)) + visits("D2", (2, 4)) + visits("D3", (10,))  # 80 75 70 | 90 80 | 50
    r = score_wave(program((("simple", 1),)), {std.key: std}, DEALERS[:3], audits, "2026-Q4")
    d1 = r.dealer("D1").checklist("simple")
    assert (d1.n, d1.index, d1.stdev) == (3, 75, 5)
    # pooled within variance: (25 + 0 + 25 + 25 + 25) / ((3 - 1) + (2 - 1)) = 100 / 3 on 3 degrees of freedom
    components = r.variance["simple"]
    assert (components.within, components.within_df) == (pytest.approx(100 / 3), 3)
    half = 3.182446305 * (100 / 3 / 3) ** 0.5  # t(0.975, 3) · σ / √n
    assert d1.ci.low == pytest.approx(75 - half) and d1.ci.high == pytest.approx(75 + half)
    single = r.dealer("D3").checklist("simple")  # one visit: the network's σ with n = 1
    half = 3.182446305 * (100 / 3) ** 0.5
    assert single.ci.low == pytest.approx(50 - half) and single.ci.high == pytest.approx(50 + half)
    alone = score_wave(program(), {std.key: std}, DEALERS[:1], audits[:1], "2026-Q4").dealer("D1")
    assert alone.checklist("simple").ci is None  # nobody visited twice: no variance to pool


def test_composite_on_the_program_scale_and_na_when_a_checklist_is_missing() -> None:
    other = simple_standard("other", sections={"X": 4})
    prog = program((("simple", 1), ("other", 3)), scale=1000)
    audits = [
        audit(STD, "D1", **{**YES, "A1": "no"}),  # 75
        audit(other, "D1", X1="yes", X2="yes", X3="no", X4="no"),  # 50
        audit(STD, "D2", **YES),  # D2 has no "other" audit
    ]
    r = score_wave(prog, {STD.key: STD, other.key: other}, DEALERS, audits, "2026-Q4")
    d1 = r.dealer("D1")
    assert d1.composite_100 == pytest.approx((1 * 75 + 3 * 50) / 4)
    assert d1.composite == pytest.approx(562.5)
    assert d1.band.code == "poor"  # bands compare on the 100 scale: 56.25 < 60
    d2 = r.dealer("D2")
    assert d2.checklist("simple").index == 100
    assert d2.checklist("other").n == 0 and d2.checklist("other").index is None
    assert d2.composite is None and d2.band is None and d2.rank.network is None
    assert r.network.composite.n == 1
    assert [d.code for d in r.dealers][:2] == ["D1", "D2"]  # unranked dealers follow, by code


def test_only_finalised_audits_count_and_drafts_are_reported() -> None:
    draft = audit(STD, "D1", audit_id="draft", final=False, **{**YES, "A1": "no"})
    r = result([*CURRENT, draft])
    d1 = r.dealer("D1").checklist("simple")
    assert (d1.n, d1.index, [s.audit_id for s in d1.drafts]) == (1, 100, ["draft"])
    assert [p.code for p in r.problems] == ["draft_not_counted"]
    assert len(r.audit_scores) == 5


def test_a_higher_revision_replaces_an_audit() -> None:
    original = CURRENT[1]
    corrected = replace(original, revision=2, answers=audit(STD, "D2", **YES).answers)
    assert result([*CURRENT, corrected]).dealer("D2").composite == 100
    assert result([corrected, *CURRENT]).dealer("D2").composite == 100


def test_unknown_standard_versions_and_dealers_are_skipped_with_a_problem() -> None:
    stray = replace(audit(STD, "D1", audit_id="v9"), standard_version="9")
    ghost = audit(STD, "GHOST", **YES)
    r = result([*CURRENT, stray, ghost])
    assert sorted(p.code for p in r.problems) == ["unknown_dealer", "unknown_standard"]
    assert r.dealer("D1").composite == 100


def test_each_audit_is_scored_with_its_own_version() -> None:
    v2 = replace(
        simple_standard(version="2"), sections=(Section("A", STD.sections[0].title, (yes_no("A1", 3), yes_no("A2"))),)
    )
    audits = [audit(STD, "D1", **{**YES, "A1": "no"}), audit(v2, "D2", A1="no", A2="yes")]
    r = result(audits, [], standards={STD.key: STD, v2.key: v2})
    assert r.dealer("D1").composite == 75  # version 1: (2·50 + 2·100) / 4
    assert r.dealer("D2").composite == 25  # version 2: 1 of 4 points
    assert [(s.id, s.version, s.audits) for s in r.standards_used] == [("simple", "1", 1), ("simple", "2", 1)]


def test_wave_over_wave_deltas_and_item_status() -> None:
    r = result()
    d1, d2, d3, d4 = (r.dealer(c) for c in ("D1", "D2", "D3", "D4"))
    assert (d1.delta.previous, d1.delta.change) == (75, 25)
    assert d2.delta.change == -25 and d3.delta.change == -25
    assert d4.delta.previous is None and d4.delta.change is None
    assert d1.checklist("simple").item("A1").status is ItemStatus.FIXED
    assert d2.checklist("simple").item("A1").status is ItemStatus.NEW_FAILURE
    assert d3.checklist("simple").item("A1").status is ItemStatus.REPEAT_FAILURE
    assert d3.checklist("simple").item("A2").status is ItemStatus.PASSED
    section = d2.checklist("simple").section("A")
    assert (section.delta.current, section.delta.previous, section.delta.change) == (50, 100, -50)
    assert d1.checklist("simple").item("A1").delta.change == 1.0
    assert r.network.delta.change == pytest.approx(75 - (75 + 100 + 75) / 3)
    assert r.previous is not None and r.previous_wave == "2026-Q3"


def test_repeat_failures() -> None:
    r = result()
    assert [(f.dealer_code, f.item_id) for f in r.repeat_failures] == [("D3", "A1")]


def test_alerts_drop_band_fall_and_critical() -> None:
    r = result()
    kinds = {d.code: [a.kind for a in d.alerts] for d in r.dealers}
    assert kinds["D2"] == [AlertKind.DROP, AlertKind.BAND_FALL]  # 100 -> 75: excellent -> good
    assert kinds["D3"] == [AlertKind.DROP, AlertKind.BAND_FALL]  # 75 -> 50: good -> poor
    assert kinds["D1"] == [] and kinds["D4"] == []
    drop = r.dealer("D2").alerts[0]
    assert (drop.previous, drop.current) == (100, 75)
    assert "dropped 25.0 points" in drop.message.en and "下降" in drop.message.zh
    # a drop just under the threshold raises nothing
    quiet = result(prog=program(drop_threshold=25.5))
    assert [a.kind for a in quiet.dealer("D2").alerts] == [AlertKind.BAND_FALL]
    critical_std = replace(
        STD,
        sections=(
            Section(
                "A", STD.sections[0].title, (yes_no("A1", critical=Critical(CriticalEffect.CAP, 80)), yes_no("A2"))
            ),
            STD.sections[1],
        ),
    )
    audits = [audit(critical_std, "D1", **{**YES, "A1": "no"})]
    alerts = score_wave(program(), {critical_std.key: critical_std}, DEALERS, audits, "2026-Q4").alerts
    assert [(a.dealer_code, a.kind, a.item_id) for a in alerts] == [("D1", AlertKind.CRITICAL_FAILURE, "A1")]
    # failed in two of three visits: one alert naming both audits
    audits = [
        audit(critical_std, "D1", audit_id=f"v{n}", **{**YES, "A1": answer})
        for n, answer in enumerate(("no", "yes", "no"))
    ]
    alerts = score_wave(program(), {critical_std.key: critical_std}, DEALERS, audits, "2026-Q4").alerts
    assert [(a.item_id, a.audit_ids) for a in alerts] == [("A1", ("v0", "v2"))]
    assert alerts[0].message.en == "critical item A1 failed (simple, cap, 2 of 3 audits)"


def test_improvement_opportunities_weigh_points_lost_by_section_share() -> None:
    std = simple_standard(sections={"A": 2, "B": 4}, section_weights={"A": 3, "B": 1})
    audits = [audit(std, "D1", A1="no", A2="yes", B1="no", B2="yes", B3="yes", B4="yes")]
    r = score_wave(program(scale=1000), {std.key: std}, DEALERS, audits, "2026-Q4")
    opportunities = r.dealer("D1").opportunities
    assert [(o.item_id, o.index_points) for o in opportunities] == [("A1", 37.5), ("B1", 6.25)]
    assert opportunities[0].composite_points == 375  # on the 1,000 scale
    assert opportunities[0].section_weight_share == 0.75
    assert opportunities[1].points_lost == 1
    # passing A1 would lift the index by exactly its opportunity
    fixed = score_wave(
        program(), {std.key: std}, DEALERS, [audit(std, "D1", **{**audits[0].answers, "A1": "yes"})], "2026-Q4"
    )
    before = r.dealer("D1").composite_100
    assert fixed.dealer("D1").composite_100 - before == pytest.approx(37.5)


def test_rescore_under_a_newer_version_side_by_side() -> None:
    v2 = replace(
        simple_standard(version="2"),
        sections=(Section("A", STD.sections[0].title, (yes_no("A1", 3), yes_no("A3"))), STD.sections[1]),
    )
    rescore = rescore_under(v2, program(), {STD.key: STD, v2.key: v2}, DEALERS, CURRENT, "2026-Q4")
    rows = {row.dealer_code: row for row in rescore.rows}
    # D2 failed A1: version 1 gives 75. Version 2: A1 (weight 3) failed, A3 unanswered so it does not count:
    # A = 0 % with W_A = 3 possible points, B = 100 % with W_B = 2 -> (3·0 + 2·100) / 5
    assert (rows["D2"].index_before, rows["D2"].index_after) == (75, 40)
    assert rows["D2"].unmatched_answers == 1  # A2 is gone in version 2
    assert rescore.captured_versions == ("1",) and rescore.version == "2"
    assert rescore.after.scored_under == {"simple": "2"}
    assert rescore.before.dealer("D2").composite == 75  # the captured result is untouched


def test_dealers_without_audits_are_listed_unranked() -> None:
    r = result(CURRENT[:1], [])
    d4 = r.dealer("D4")
    assert d4.n_audits == 0 and d4.composite is None and d4.rank.network is None
    assert r.previous is None and r.dealer("D1").delta.change is None


# ---- stats --------------------------------------------------------------------------------------------------------


def test_competition_ranks() -> None:
    assert competition_ranks({"a": 90.0, "b": 80.0, "c": 80.0, "d": 70.0, "e": None}) == {
        "a": 1,
        "b": 2,
        "c": 2,
        "d": 4,
        "e": None,
    }
    # full precision: 80.04 and 80.0 would both display as 80.0 but do not tie
    assert competition_ranks({"a": 80.04, "b": 80.0}) == {"a": 1, "b": 2}


def test_version_order_is_natural() -> None:
    assert sorted(["2026.10", "2026.9", "2025.1"], key=version_key) == ["2025.1", "2026.9", "2026.10"]


def test_an_audit_captured_on_another_text_of_the_same_version_is_flagged() -> None:
    same = replace(CURRENT[0], standard_hash=STD.content_hash)
    edited = replace(CURRENT[1], standard_hash="0" * 64)
    r = result([same, edited, *CURRENT[2:]])
    assert [(p.code, p.location.file) for p in r.problems] == [("standard_changed", "audit.json")]
    assert edited.audit_id in r.problems[0].message


def test_calibration_audits_never_count_and_double_audits_do() -> None:
    """A calibration session names a dealer row (where the scenario was recorded) but never enters its figures."""
    from dealer_audit.core.answers import AuditKind

    session = replace(
        audit(STD, "D1", audit_id="cal", **{**YES, "A1": "no", "B1": "no"}),
        kind=AuditKind.CALIBRATION,
        scenario="CAL-1",
    )
    second = replace(audit(STD, "D1", audit_id="double", **{**YES, "A1": "no"}), kind=AuditKind.DOUBLE)
    assert result([*CURRENT, session]) == result(CURRENT)
    with_double = result([*CURRENT, second]).dealer("D1").checklist("simple")
    assert (with_double.n, with_double.index) == (2, 87.5)
    rescored = rescore_under(STD, program(), {STD.key: STD}, DEALERS, [*CURRENT, session], "2026-Q4")
    assert rescored.before == result([*CURRENT, session], previous=[])


def test_self_assessments_never_count() -> None:
    """A dealer's self audit (kind self) leaves every figure as it was: scores, ranks, alerts, previous-wave
    deltas; the one rule is `Audit.counts_in_scores`."""
    from dealer_audit.core.answers import AuditKind

    claim = replace(audit(STD, "D3", audit_id="self", **YES), kind=AuditKind.SELF, auditor="店长")
    earlier = replace(audit(STD, "D4", wave="2026-Q3", audit_id="self-q3", **YES), kind=AuditKind.SELF)
    assert result([*CURRENT, claim], previous=[*PREVIOUS, earlier]) == result(CURRENT)
    assert not claim.counts_in_scores and not claim.rates_auditor
    assert replace(claim, kind=AuditKind.CALIBRATION).rates_auditor  # calibration measures the auditor

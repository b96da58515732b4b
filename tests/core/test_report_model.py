"""The report model: display rounding, and builders that carry exactly the scoring engine's figures.

Built on the mini standard (tests/fixtures/mini_standard.yaml) with hand-made audits, scored by the real core;
each test compares a report figure with the WaveResult figure it must equal, or with a hand-computed value.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest

from dealer_audit.core.aggregate import WaveResult, score_wave
from dealer_audit.core.answers import Answer
from dealer_audit.core.report_model import (
    Figure,
    Result,
    build_dealer_report,
    build_network_report,
    build_region_report,
    fmt_delta,
    fmt_number,
    fmt_percent,
    fmt_points,
    round_half_away,
    safe_file_stem,
)
from dealer_audit.errors import NotFound


@pytest.mark.parametrize(
    ("value", "text"),
    [(87.25, "87.3"), (87.24, "87.2"), (-0.05, "-0.1"), (-0.04, "0.0"), (100.0, "100.0"), (None, "N/A")],
)
def test_display_rounding_is_half_away_from_zero(value: float | None, text: str) -> None:
    assert fmt_number(value) == text


def test_deltas_points_and_shares() -> None:
    assert fmt_delta(2.05) == "+2.1" and fmt_delta(-10.0) == "-10.0" and fmt_delta(0.01) == "0.0"
    assert fmt_delta(None) == "–"
    assert fmt_points(1.5) == "1.5" and fmt_points(2.0) == "2" and fmt_points(0.25) == "0.25"
    assert fmt_percent(2 / 3) == "66.7%"
    assert round_half_away(0.125, 2) == 0.13
    assert Figure.of(None) == Figure(None, "N/A")


def test_cached_rounding_keeps_each_value_and_precision_apart() -> None:
    """The rounding is memoised by the value's text: 0.0 and -0.0, and one value at two precisions, stay apart."""
    assert math.copysign(1, round_half_away(0.0)) == 1 and math.copysign(1, round_half_away(-0.0)) == -1
    assert round_half_away(-0.0, 1) == 0 and math.copysign(1, round_half_away(-0.04, 1)) == -1
    assert round_half_away(2.675, 2) == 2.68 and round_half_away(2.675, 1) == 2.7 and round_half_away(2.675, 0) == 3
    assert [round_half_away(v / 8, 2) for v in range(-3, 4)] == [-0.38, -0.25, -0.13, 0.0, 0.13, 0.25, 0.38]


def test_file_stems_are_safe() -> None:
    assert safe_file_stem('SH/001 "x"') == "SH_001__x"
    assert safe_file_stem("..") == "report"


# ---- builders on the mini standard -------------------------------------------------------------------------------


@pytest.fixture
def scored(mini_standard: Any, mini_program: Any, sample_dealers: list[Any], make_audit: Any) -> dict[str, Any]:
    """SH001 perfect-ish, SH002 fails the knock-out R01 (cap 60) with a note, this wave and last wave."""
    good = make_audit(audit_id="a-sh001")
    failing = make_audit(audit_id="a-sh002", dealer_code="SH002")
    answers = {**failing.answers, "R01": Answer("R01", "no", note="paper sheet <b>&"), "W04": None}
    answers = {k: v for k, v in answers.items() if v is not None}
    failing = replace(failing, answers=answers)
    last = replace(failing, audit_id="q3-sh002", wave="2026-Q3")
    bj = make_audit(audit_id="a-bj001", dealer_code="BJ001")
    audits = [good, failing, last, bj]
    standards = {mini_standard.key: mini_standard}
    result = score_wave(mini_program, standards, sample_dealers, audits, "2026-Q4", audits)
    return {"result": result, "standards": standards, "audits": {a.audit_id: a for a in audits}}


def dealer(scored: dict[str, Any], code: str, lang: str = "en") -> Any:
    return build_dealer_report(
        scored["result"], code, scored["standards"], scored["audits"], lang=lang, generated="2026-11-23"
    )


def test_dealer_figures_equal_the_scores(scored: dict[str, Any]) -> None:
    result: WaveResult = scored["result"]
    r = dealer(scored, "SH002")
    d = result.dealer("SH002")
    assert d is not None
    assert r.composite.value == d.composite and r.composite.text == fmt_number(d.composite)
    assert r.scale == 1000
    assert r.rank_region.position == d.rank.region and r.rank_region.of == d.rank.region_size
    assert r.rank_network.text == f"{d.rank.network} / {d.rank.network_size}"
    assert r.band.code == (d.band.code if d.band else "")
    line = r.checklists[0]
    checklist = d.checklist("mini-service")
    assert checklist is not None
    assert line.index.value == checklist.index and line.raw_index.value == checklist.raw_index
    assert r.delta.value == d.delta.change
    section = {s.section_id: s for s in r.sections}["reception"]
    region = result.region("east")
    assert region is not None
    assert section.dealer.value == checklist.section("reception").mean_percent  # type: ignore[union-attr]
    assert section.region.value == region.section("mini-service", "reception").mean_percent  # type: ignore[union-attr]


def test_dealer_items_knockouts_and_actions(scored: dict[str, Any]) -> None:
    r = dealer(scored, "SH002")
    rows = {i.item_id: i for a in r.audits for s in a.sections for i in s.items}
    assert rows["R01"].result is Result.FAIL and rows["R01"].critical
    assert rows["R01"].note == "paper sheet <b>&"
    assert rows["R01"].repeat_failure  # failed last wave too
    assert rows["R01"].earned == 0 and rows["R01"].possible == 3
    assert rows["R02"].result is Result.NA and rows["R02"].earned is None
    assert rows["R04"].answer_text == "3 min" and rows["R04"].result is Result.PARTIAL
    assert "W04" not in rows  # SH002 has no EV service: the item was never asked
    assert "W05" not in rows  # optional photo nobody took
    assert any(n.kind == "knockout" and "R01" in n.text and "capped at 60" in n.text for n in r.notices)
    assert any(n.kind == "alert" and "R01" in n.text for n in r.notices)  # the repeat-failure line
    assert r.actions and r.actions[0].item_id == "R01" and r.actions[0].what_to_fix == "paper sheet <b>&"
    assert r.footer.audit_ids == "a-sh002" and r.footer.standards == "mini-service 2026.1"
    assert [p.wave for p in r.trend] == ["2026-Q4"]


def test_dealer_report_in_chinese(scored: dict[str, Any]) -> None:
    r = dealer(scored, "SH001", "zh")
    assert r.dealer.name("zh") == "上海浦东4S店" and r.dealer.region_name == "华东区"
    rows = {i.item_id: i for a in r.audits for s in a.sections for i in s.items}
    assert rows["R01"].answer_text == "是" and rows["R04"].answer_text == "3 分钟"
    assert rows["W03"].answer_text == "无线网络, 饮品"
    assert r.t("rank_region") == "区域排名"


def test_unknown_dealer_is_not_found(scored: dict[str, Any]) -> None:
    with pytest.raises(NotFound, match="XX999"):
        dealer(scored, "XX999")


def test_region_report(scored: dict[str, Any]) -> None:
    result: WaveResult = scored["result"]
    r = build_region_report(result, "east", scored["standards"], lang="en", generated="2026-11-23")
    assert [row.dealer_code for row in r.league] == [d.code for d in result.ranking("east")]
    assert r.n_dealers == 2 and sum(b.count for b in r.bands) == 2
    region = result.region("east")
    assert region is not None and r.mean.value == region.composite.mean
    failed = {f.item_id: f for f in r.most_failed}
    assert r.most_failed[0].item_id == "R04"  # partial (3 min) in both audits: 100% first
    assert failed["R04"].fail_rate.text == "100.0%"
    assert failed["R01"].failed == 1 and failed["R01"].applicable == 2 and failed["R01"].fail_rate.value == 0.5
    assert [c.section_id for c in r.heat_columns] == ["reception", "waiting"]
    assert any("R01" in n.text for n in r.repeats)
    with pytest.raises(NotFound, match="west"):
        build_region_report(result, "west", scored["standards"])


def test_network_report_answers_sum_to_the_audit_scores(scored: dict[str, Any]) -> None:
    result: WaveResult = scored["result"]
    n = build_network_report(result, scored["standards"], scored["audits"], generated="2026-11-23")
    assert [d.dealer.code for d in n.dealers] == [d.code for d in result.dealers]
    scores = {s.audit_id: s for s in result.audit_scores}
    for d in n.dealers:
        for a in d.audits:
            score = scores[a.audit_id]
            for section in score.sections:
                rows = [x for x in a.answers if x.section_id == section.section_id]
                assert sum(x.earned or 0 for x in rows) == pytest.approx(section.earned)
                assert sum(x.possible or 0 for x in rows) == pytest.approx(section.possible)
            assert a.index.value == score.index
    sh002 = next(d for d in n.dealers if d.dealer.code == "SH002")
    assert sh002.audits[0].caps == (60.0,) and "R01 cap" in sh002.audits[0].knockouts
    assert n.standards[0].weight == 1.0 and n.bands[0].code == "excellent"
    assert {c.scope for c in n.sections} == {"east", "north", "NETWORK"}


def test_network_report_holds_no_answer_row_until_the_sheet_reads_it(scored: dict[str, Any]) -> None:
    """The HQ workbook's report model keeps ~340,000 answer rows at 3,000 dealers; they are made as the Answers
    sheet is written (AnswerRows), and read twice they are the same rows."""
    import gc

    from dealer_audit.core.report_model.network import AnswerRow, AnswerRows

    n = build_network_report(scored["result"], scored["standards"], scored["audits"], generated="2026-11-23")
    gc.collect()
    assert not any(isinstance(o, AnswerRow) for o in gc.get_objects())
    lines = [a for d in n.dealers for a in d.audits]
    assert all(isinstance(a.answers, AnswerRows) for a in lines)
    for a in lines:
        rows = tuple(a.answers)
        assert rows and len(a.answers) == len(rows) and a.answers == rows and tuple(a.answers) == rows
        assert a.answers[0] == rows[0] and all(r.audit_id == a.audit_id for r in rows)
    assert n.n_answers == sum(len(tuple(a.answers)) for a in lines)


def test_answer_rows_index_makes_only_the_rows_up_to_it(scored: dict[str, Any], monkeypatch: Any) -> None:
    """Only the Answers sheet reads the rows (iterating once); an index makes the rows up to it, not the whole
    audit's again, and the rows are not hashable (their hash would be made from every row at each call)."""
    from dealer_audit.core.report_model import network

    n = build_network_report(scored["result"], scored["standards"], scored["audits"], generated="2026-11-23")
    answers = max((a.answers for d in n.dealers for a in d.audits), key=len)
    rows = tuple(answers)
    assert len(rows) > 3
    made: list[object] = []
    real = network.AnswerRow

    def counted(*fields: Any) -> Any:
        made.append(fields)
        return real(*fields)

    monkeypatch.setattr(network, "AnswerRow", counted)
    assert answers[1] == rows[1] and len(made) == 2
    assert answers[-1] == rows[-1] and answers[-len(rows)] == rows[0]
    assert answers[1:3] == rows[1:3] and answers.index(rows[2]) == 2 and rows[2] in answers
    for wrong in (len(rows), -len(rows) - 1):
        with pytest.raises(IndexError):
            answers[wrong]
    with pytest.raises(TypeError):
        hash(answers)


def test_a_knockout_on_two_visits_is_one_line_with_a_count(
    scored: dict[str, Any], mini_program: Any, sample_dealers: list[Any]
) -> None:
    failing = scored["audits"]["a-sh002"]
    second_visit = replace(failing, audit_id="a-sh002-b")
    audits = [*scored["audits"].values(), second_visit]
    result = score_wave(mini_program, scored["standards"], sample_dealers, audits, "2026-Q4", audits)
    by_id = {a.audit_id: a for a in audits}
    for lang, suffix in (("en", " (2 visits)"), ("zh", "（2 次走访）")):
        report = build_dealer_report(result, "SH002", scored["standards"], by_id, lang=lang, generated="2026-11-23")
        knockouts = [n.text for n in report.notices if n.kind == "knockout"]
        assert len(knockouts) == 1 and knockouts[0].endswith(suffix)

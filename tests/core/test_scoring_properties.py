"""Invariants of scoring and roll-ups, checked on generated standards and answers (hypothesis)."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealer_audit.core.aggregate import score_wave
from dealer_audit.core.answers import Answer, Audit, AuditStatus
from dealer_audit.core.scoring import score_audit
from dealer_audit.core.standard import (
    AnswerType,
    Checklist,
    ChecklistKind,
    Critical,
    CriticalEffect,
    Item,
    LocalText,
    NumberBand,
    Option,
    ScaleRange,
    Section,
)
from tests.core.scoring_fixtures import BANDS, dealer, program

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KINDS = (
    AnswerType.YES_NO,
    AnswerType.SCALE,
    AnswerType.NUMBER,
    AnswerType.SINGLE_CHOICE,
    AnswerType.MULTIPLE_CHOICE,
    AnswerType.TEXT,
)
OPTIONS = (Option("a", LocalText(), 3), Option("b", LocalText(), 1), Option("c", LocalText(), 0))


# strategies built once: hypothesis validates each strategy object, and re-building them per draw dominates run time
CRITICALS = st.one_of(
    st.none(),
    st.builds(Critical, st.just(CriticalEffect.ZERO_SECTION)),
    st.builds(Critical, st.just(CriticalEffect.ZERO_INDEX)),
    st.builds(Critical, st.just(CriticalEffect.CAP), st.integers(0, 100).map(float)),
)
KIND = st.sampled_from(KINDS)
WEIGHT = st.sampled_from((0.5, 1.0, 2.0, 3.0))
SECTION_WEIGHT = st.one_of(st.none(), st.sampled_from((0.5, 1.0, 10.0, 40.0)))
COMPLIANT = st.sampled_from(("yes", "no"))
BOOL = st.booleans()
SCALE_MAX = st.integers(2, 10)
YES_NO = st.sampled_from(("yes", "no"))
NUMBER = st.floats(0, 30, allow_nan=False)
CODE = st.sampled_from(("a", "b", "c"))
CODES = st.lists(CODE, unique=True)
TEXT = st.sampled_from(("", "ok"))
HOW = st.sampled_from(("value", "value", "value", "na", "none"))
SCALE_VALUES = {k: st.integers(1, k) for k in range(2, 11)}
SECTIONS = st.integers(1, 4)
ITEMS = st.integers(1, 6)
REGION = st.sampled_from(("east", "north"))
DEALER_COUNT = st.integers(1, 6)
AUDIT_COUNT = st.integers(0, 12)
STATUS = st.sampled_from((AuditStatus.FINALISED, AuditStatus.FINALISED, AuditStatus.DRAFT))


@st.composite
def items(draw: st.DrawFn, item_id: str) -> Item:
    kind = draw(KIND)
    critical = draw(CRITICALS)
    return Item(
        item_id,
        LocalText(en=item_id),
        kind,
        weight=draw(WEIGHT),
        compliant_answer=draw(COMPLIANT),
        na_allowed=True,
        critical=critical,
        bonus=critical is None and draw(BOOL) and draw(BOOL),
        options=OPTIONS if kind in (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE) else (),
        scale=ScaleRange(1, draw(SCALE_MAX)) if kind is AnswerType.SCALE else None,
        bands=(NumberBand(1, max=2), NumberBand(0.5, max=5)) if kind is AnswerType.NUMBER else (),
        scored=draw(BOOL) if kind is AnswerType.TEXT else None,
    )


@st.composite
def standards(draw: st.DrawFn) -> Checklist:
    sections = []
    for s in range(draw(SECTIONS)):
        count = draw(ITEMS)
        built = tuple(draw(items(f"S{s}I{i}")) for i in range(count))
        weight = draw(SECTION_WEIGHT)
        sections.append(Section(f"S{s}", LocalText(), built, weight))
    return Checklist("gen", "1", ChecklistKind.MYSTERY_SHOP, LocalText(), tuple(sections), bands=BANDS)


def value_for(item: Item, draw: st.DrawFn) -> object:
    kind = item.type
    if kind is AnswerType.YES_NO:
        return draw(YES_NO)
    if kind is AnswerType.SCALE:
        assert item.scale is not None
        return draw(SCALE_VALUES[item.scale.max])
    if kind is AnswerType.NUMBER:
        return draw(NUMBER)
    if kind is AnswerType.SINGLE_CHOICE:
        return draw(CODE)
    if kind is AnswerType.MULTIPLE_CHOICE:
        return tuple(draw(CODES))
    return draw(TEXT)


@st.composite
def answered(draw: st.DrawFn, standard: Checklist) -> dict[str, Answer]:
    answers = {}
    for item in standard.items():
        choice = draw(HOW)
        if choice == "na":
            answers[item.id] = Answer(item.id, na=True)
        elif choice == "value":
            answers[item.id] = Answer(item.id, value=value_for(item, draw))  # type: ignore[arg-type]
    return answers


@st.composite
def scored_audits(draw: st.DrawFn) -> tuple[Checklist, Audit]:
    standard = draw(standards())
    audit = Audit("a1", "D1", standard.id, standard.version, "2026-Q4", answers=draw(answered(standard)))
    return standard, audit


@SETTINGS
@given(scored_audits())
def test_index_is_always_within_0_and_100(case: tuple[Checklist, Audit]) -> None:
    standard, audit = case
    score = score_audit(standard, audit)
    for value in (score.index, score.raw_index):
        assert value is None or 0 <= value <= 100
    for section in score.sections:
        assert section.percent is None or 0 <= section.percent <= 100
    assert (score.index is None) == (score.raw_index is None)
    if score.index is not None and score.raw_index is not None:
        assert score.index <= score.raw_index + 1e-9  # knock-outs only ever lower


@SETTINGS
@given(scored_audits(), st.data())
def test_composite_is_within_the_program_scale(case: tuple[Checklist, Audit], data: st.DataObject) -> None:
    standard, audit = case
    scale = data.draw(st.sampled_from((100, 1000)))
    final = replace(audit, status=AuditStatus.FINALISED)
    result = score_wave(
        program(((standard.id, 1),), scale=scale), {standard.key: standard}, [dealer()], [final], "2026-Q4"
    )
    composite = result.dealers[0].composite
    assert composite is None or 0 <= composite <= scale


@SETTINGS
@given(scored_audits(), st.data())
def test_adding_an_na_item_never_changes_the_index(case: tuple[Checklist, Audit], data: st.DataObject) -> None:
    standard, audit = case
    section_index = data.draw(st.integers(0, len(standard.sections) - 1))
    extra = data.draw(items("EXTRA"))
    sections = list(standard.sections)
    position = data.draw(st.integers(0, len(sections[section_index].items)))
    new_items = list(sections[section_index].items)
    new_items.insert(position, extra)
    sections[section_index] = replace(sections[section_index], items=tuple(new_items))
    bigger = replace(standard, sections=tuple(sections))
    with_na = audit.with_answer(Answer("EXTRA", na=True))
    before, after = score_audit(standard, audit), score_audit(bigger, with_na)
    assert (after.index, after.raw_index) == (before.index, before.raw_index)
    assert [s.percent for s in after.sections] == [s.percent for s in before.sections]


@SETTINGS
@given(scored_audits(), st.data())
def test_turning_a_failed_answer_into_a_pass_never_lowers_the_index(
    case: tuple[Checklist, Audit], data: st.DataObject
) -> None:
    standard, audit = case
    before = score_audit(standard, audit)
    failed = [i for i in before.items if i.failed]
    if not failed:
        return
    target = standard.items_by_id[data.draw(st.sampled_from([i.item_id for i in failed]))]
    passing = {
        AnswerType.YES_NO: target.compliant_answer,
        AnswerType.SCALE: target.scale.max if target.scale else 5,
        AnswerType.NUMBER: 1.0,
        AnswerType.SINGLE_CHOICE: "a",
        AnswerType.MULTIPLE_CHOICE: ("a", "b"),
    }[target.type]
    after = score_audit(standard, audit.with_answer(Answer(target.id, value=passing)))  # type: ignore[arg-type]
    assert after.item(target.id).passed  # type: ignore[union-attr]
    if before.raw_index is None:  # only a bonus item counted: still nothing to rate
        assert after.raw_index is None
        return
    assert after.raw_index is not None
    assert after.raw_index >= before.raw_index - 1e-9
    assert after.index is not None and before.index is not None
    assert after.index >= before.index - 1e-9


@st.composite
def waves(draw: st.DrawFn) -> tuple[Checklist, list, list]:
    standard = draw(standards())
    dealers = [dealer(f"D{n}", draw(REGION)) for n in range(draw(DEALER_COUNT))]
    audits = []
    for n in range(draw(AUDIT_COUNT)):
        for wave in ("2026-Q3", "2026-Q4"):
            audits.append(
                Audit(
                    f"{wave}-{n}",
                    draw(st.sampled_from([d.code for d in dealers])),
                    standard.id,
                    standard.version,
                    wave,
                    status=draw(STATUS),
                    answers=draw(answered(standard)),
                )
            )
    return standard, dealers, audits


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(waves(), st.randoms(use_true_random=False))
def test_the_order_of_audits_never_changes_roll_ups(case: tuple, shuffler: random.Random) -> None:
    standard, dealers, audits = case
    prog = program(((standard.id, 1),))
    first = score_wave(prog, {standard.key: standard}, dealers, audits, "2026-Q4", audits)
    shuffled = list(audits)
    shuffler.shuffle(shuffled)
    reversed_dealers = list(reversed(dealers))
    second = score_wave(prog, {standard.key: standard}, reversed_dealers, shuffled, "2026-Q4", shuffled)
    assert second.dealers == first.dealers
    assert second.regions == first.regions
    assert second.network == first.network
    assert second.alerts == first.alerts
    assert sorted(map(str, second.problems)) == sorted(map(str, first.problems))


ANY_VALUE = st.one_of(
    st.sampled_from(("yes", "no", "a", "b", "c", "x", "", "ok", "3")),
    st.integers(-2, 12),
    st.floats(-5, 40, allow_nan=False),
    st.booleans(),
    st.lists(st.sampled_from(("a", "b", "c", "x")), max_size=4).map(tuple),
)


@SETTINGS
@given(items("I"), ANY_VALUE)
def test_validation_and_scoring_agree_on_which_values_are_invalid(item: Item, value: object) -> None:
    """validate_audit's messages (value_problem) and the scorer's fast checks must reject the same values."""
    from dealer_audit.core.scoring import _INVALID, _compile_scorer, value_problem

    rejected = value_problem(item, value) is not None  # type: ignore[arg-type]
    assert rejected == (_compile_scorer(item)(value) is _INVALID)

"""One audit → item, section and checklist scores: the uniform yardstick (docs/scoring.md has the rules).

Pure and deterministic: the same (standard, answers, dealer attributes) always give the same numbers, and every
number can be traced back to items (each `ItemScore` carries its earned and possible points). Full precision is
kept everywhere; `display_round` is the only rounding and is meant for renderers.

Definitions used throughout:

* An item is *applicable* when its condition (skip logic) is true; conditions are evaluated in item order, and the
  answer of an item that is not applicable is ignored by later conditions (as if it had never been given).
* An item *counts* when it is applicable, not N/A, answered with a valid value and scored by its type or rule.
  Unanswered items do not count either way (they make the audit incomplete when required, see `missing_required`).
* `fraction` f in [0, 1]; `earned` = w·f; `possible` = w (0 for bonus items); passed = (f == 1), failed = (f < 1).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, TypeGuard

from dealer_audit.core.answers import AnswerValue, Audit
from dealer_audit.core.conditions import Test, parse_condition
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import (
    AnswerType,
    Band,
    Checklist,
    Critical,
    CriticalEffect,
    Item,
    ScaleRange,
    Section,
    band_for,
)
from dealer_audit.errors import Message

INDEX_MAX = 100.0
DEFAULT_SCALE = ScaleRange()

DealerLike = Dealer | Mapping[str, Any] | None


# ---- display rounding --------------------------------------------------------------------------------------------


def display_round(value: float | None, digits: int = 1) -> float | None:
    """Round for display only, half away from zero (84.25 -> 84.3, -0.05 -> -0.1), via the decimal text of the
    float so that binary artefacts (84.25 stored as 84.2499999…) do not round down. Ranks never use this."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def format_score(value: float | None, digits: int = 1, na: str = "N/A") -> str:
    """`display_round` as text with a fixed number of decimals ("84.3", "100.0", "N/A")."""
    rounded = display_round(value, digits)
    if rounded is None:
        return na
    return f"{rounded + 0.0:.{digits}f}"  # + 0.0 turns -0.0 into 0.0: never show "-0.0"


# ---- dealer attributes -------------------------------------------------------------------------------------------


def dealer_context(dealer: DealerLike) -> Mapping[str, Any]:
    """The mapping `dealer.x` in conditions reads: master-data fields (code, region, province, city, group, brand)
    plus the free attributes, which win on a name clash. Accepts a Dealer, a plain mapping or None."""
    if dealer is None:
        return {}
    if isinstance(dealer, Dealer):
        base: dict[str, Any] = {
            "code": dealer.code,
            "region": dealer.region,
            "province": dealer.province,
            "city": dealer.city,
            "group": dealer.group,
            "brand": dealer.brand,
        }
        base.update(dealer.attributes)
        return base
    return dealer


# ---- item fractions ----------------------------------------------------------------------------------------------
#
# Each item is compiled once per standard into a scorer: value -> fraction | None (scores nothing) | _INVALID (a
# value the item cannot take). Scoring 6,000 audits of 100 items calls these 600,000 times, so they avoid
# re-deriving anything (best option points, option lookups, bounds) per call. `value_problem` gives the messages
# for the same invalid values; tests hold the two in step.

_INVALID: Any = object()
Scorer = Callable[[Any], Any]


def _is_number(value: object) -> TypeGuard[int | float]:
    """A finite int or float: `inf`/`NaN` from any reader are not answers (they would poison every mean)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _clamp(value: float) -> float:
    return 1.0 if value > 1.0 else (0.0 if value < 0.0 else value)


def _choice_fractions(item: Item, scored: bool) -> dict[str, float | None]:
    """option code -> fraction (points ÷ best points), None for every code when nothing can be earned."""
    best = max((o.points for o in item.options), default=0.0)
    if not scored or best <= 0:
        return {o.code: None for o in item.options}
    return {o.code: _clamp(o.points / best) for o in item.options}


def _compile_scorer(item: Item) -> Scorer:
    kind = item.type
    scored = item.is_scored
    if kind is AnswerType.YES_NO:
        compliant = item.compliant_answer

        def yes_no(value: Any) -> Any:
            if value != "yes" and value != "no":
                return _INVALID
            if not scored:
                return None
            return 1.0 if value == compliant else 0.0

        return yes_no
    if kind is AnswerType.SCALE:
        scale = item.scale or DEFAULT_SCALE
        low, high = scale.min, scale.max
        by_points = {int(c): f for c, f in _choice_fractions(item, scored).items() if c.lstrip("-").isdigit()}
        use_points = any(o.points for o in item.options)
        linear: dict[int, float] = {}  # one float per scale point: the same object each time (see `_ItemLayout`)

        def scale_(value: Any) -> Any:
            if not _is_number(value) or value != int(value) or not low <= value <= high:
                return _INVALID
            if use_points:
                return by_points.get(int(value), _INVALID)
            if not scored:
                return None
            point = int(value)
            fraction = linear.get(point)
            if fraction is None:
                fraction = linear[point] = 1.0 if high == low else (point - low) / (high - low)
            return fraction

        return scale_
    if kind is AnswerType.SINGLE_CHOICE:
        fractions = _choice_fractions(item, scored)

        def single(value: Any) -> Any:
            if not isinstance(value, str):
                return _INVALID
            return fractions.get(value, _INVALID)

        return single
    if kind is AnswerType.MULTIPLE_CHOICE:
        points = {o.code: o.points for o in item.options}
        positive = sum(p for p in points.values() if p > 0)
        earns = scored and positive > 0

        def multiple(value: Any) -> Any:
            codes = (value,) if isinstance(value, str) else value
            if not isinstance(codes, tuple | list):
                return _INVALID
            total = 0.0
            for code in dict.fromkeys(codes):  # a code chosen twice counts once
                if code not in points:  # also rejects non-text codes
                    return _INVALID
                total += points[code]
            return _clamp(total / positive) if earns else None

        return multiple
    if kind is AnswerType.NUMBER:
        bands = tuple((b.min, b.max, _clamp(b.score)) for b in item.bands)
        earns = scored and bool(bands)

        def number(value: Any) -> Any:
            if not _is_number(value):
                return _INVALID
            if not earns:
                return None
            for low, high, score in bands:
                if (low is None or value >= low) and (high is None or value <= high):
                    return score
            return 0.0

        return number

    # text / photo: giving a non-empty answer is what earns the point when a rule makes them scored
    def text(value: Any) -> Any:
        if not isinstance(value, str):
            return _INVALID
        return 1.0 if scored and value.strip() else None

    return text


def item_fraction(item: Item, value: AnswerValue) -> float | None:
    """The fraction f in [0, 1] an answer value earns, or None when it earns nothing measurable: unscored types
    (text, photo without `scored: true`), no value, or a value the item cannot take (validation reports those)."""
    if value is None:
        return None
    fraction = _compile_scorer(item)(value)
    return None if fraction is _INVALID else fraction


def value_problem(item: Item, value: AnswerValue) -> Message | None:
    """Why `value` is not a value this item can take (wrong type, unknown option code, off the scale), in both
    languages, or None. The plausible range of number items is a validation matter and not checked here: such
    values still score."""
    if value is None:
        return None
    kind = item.type
    if kind is AnswerType.YES_NO:
        if value in ("yes", "no"):
            return None
        return Message(f"expected 'yes' or 'no', got {value!r}", f"应为 'yes' 或 'no'，实际为 {value!r}")
    if kind is AnswerType.SCALE:
        scale = item.scale or DEFAULT_SCALE
        if not _is_number(value) or value != int(value):
            return Message(
                f"expected a whole number from {scale.min} to {scale.max}, got {value!r}",
                f"应为 {scale.min} 到 {scale.max} 之间的整数，实际为 {value!r}",
            )
        if not scale.min <= value <= scale.max:
            return Message(
                f"{value!r} is off the scale {scale.min}..{scale.max}",
                f"{value!r} 超出了量表范围 {scale.min}..{scale.max}",
            )
        if any(o.points for o in item.options) and item.option(str(int(value))) is None:
            return Message(f"scale value {value!r} has no option with points", f"量表值 {value!r} 没有对应的计分选项")
        return None
    if kind is AnswerType.NUMBER:
        return (
            None if _is_number(value) else Message(f"expected a number, got {value!r}", f"应为数字，实际为 {value!r}")
        )
    if kind is AnswerType.SINGLE_CHOICE:
        if not isinstance(value, str):
            return Message(f"expected one option code, got {value!r}", f"应为一个选项代码，实际为 {value!r}")
        return None if item.option(value) else _unknown_codes(item, [value])
    if kind is AnswerType.MULTIPLE_CHOICE:
        codes = (value,) if isinstance(value, str) else value
        if not isinstance(codes, tuple | list) or not all(isinstance(c, str) for c in codes):
            return Message(f"expected a list of option codes, got {value!r}", f"应为选项代码列表，实际为 {value!r}")
        unknown = [c for c in codes if item.option(c) is None]
        return _unknown_codes(item, unknown) if unknown else None
    return None if isinstance(value, str) else Message(f"expected text, got {value!r}", f"应为文本，实际为 {value!r}")


def _unknown_codes(item: Item, codes: Iterable[str]) -> Message:
    known = ", ".join(o.code for o in item.options)
    listed = ", ".join(repr(c) for c in codes)
    return Message(
        f"unknown option code(s) {listed} (known: {known or 'none'})",
        f"未知的选项代码 {listed}（可用选项：{known or '无'}）",
    )


# ---- the compiled standard ---------------------------------------------------------------------------------------


# One item's row as the hot loop unpacks it: item id, scorer, weight, bonus, critical, zero_section, then the
# item's shared records (see `_item_row`): unanswered when hidden / shown, counted ones by fraction, the other answers.
_Row = tuple[
    str, Scorer, float, bool, "Critical | None", bool, "tuple[ItemScore, ItemScore]", "dict[Any, ItemScore]",
    "dict[tuple[bool, bool, bool, bool], ItemScore]",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Plan:
    """A standard prepared for scoring many audits: scorers, parsed conditions, required items."""

    # per section, its items as plain tuples (`_Row`): the hot loop unpacks them (attribute chains cost more than
    # the arithmetic)
    rows: tuple[tuple[Section, tuple[_Row, ...]], ...]
    conditional: tuple[tuple[str, Test], ...]  # items with a condition (compiled), in checklist order
    referenced: tuple[str, ...]  # items some condition reads (only their answers are looked at)
    required: tuple[str, ...]
    item_ids: tuple[str, ...]
    # section scores already built, by their fields (see `_shared_section`)
    section_scores: dict[tuple[object, ...], SectionScore] = field(default_factory=dict)


def _item_row(item: Item, section_id: str) -> _Row:
    """The hot loop's row of one item, with the records it shares (see `_counted_record`).

    An `ItemScore` names no audit: it is fixed by the item and what happened to it (hidden or shown, unanswered,
    N/A, invalid, or counted with a fraction). A 3,000-dealer wave scores 375,000 items into ~350 distinct records,
    so every audit's tuple points at the item's shared records instead of a copy each (~60 MB with their floats).
    They are immutable, so sharing them is invisible to every consumer."""
    zero_section = item.critical is not None and item.critical.effect == CriticalEffect.ZERO_SECTION

    def blank(shown: bool) -> ItemScore:
        return ItemScore(item.id, section_id, item.weight, shown, False, False, False, None, 0.0, 0.0, item.bonus,
                         item.critical, False)  # fmt: skip

    return (
        item.id, _compile_scorer(item), item.weight, item.bonus, item.critical, zero_section,
        (blank(False), blank(True)), {}, {},
    )  # fmt: skip


def _counted_record(
    records: dict[Any, ItemScore],
    item_id: str,
    section_id: str,
    weight: float,
    fraction: float,
    bonus: bool,
    critical: Critical | None,
) -> ItemScore:
    """The record of an item counted with `fraction`, shared through `records` (fraction -> record).

    A dict matches keys by equality, and 1 == 1.0 == True, 0.0 == -0.0: a record is reused only when its fraction
    is the same number exactly (type and sign too), so earned and possible points stay bit-identical to building
    it anew. The hot loop calls this only when the record it found holds another object than `fraction`."""
    known = records.get(fraction)
    if known is not None and _same_number(known.fraction, fraction):
        return known
    possible = 0.0 if bonus else weight
    fields = (item_id, section_id, weight, True, True, False, True, fraction, weight * fraction, possible, bonus,
              critical, False)  # fmt: skip
    record = tuple.__new__(ItemScore, fields)
    # NaN never equals itself, so it could not be found again; the plan outlives the wave (cached per standard)
    # and a number item scored on a curve has a fraction per value, so the table is bounded like the sections'
    if known is None and fraction == fraction and len(records) < _SHARED_FRACTIONS:
        records[fraction] = record
    return record


def _same_number(a: float | None, b: float) -> bool:
    """`a` and `b` (already equal) are the same number: same type, and the same sign when zero."""
    return a is not None and type(a) is type(b) and (b != 0 or math.copysign(1.0, a) == math.copysign(1.0, b))


_SHARED_SECTIONS = 5_000  # section scores kept per standard for sharing; later ones are built apart
_SHARED_FRACTIONS = 256  # counted records kept per item for sharing (yes/no/scale items have a handful)


def _shared_section(shared: dict[tuple[object, ...], SectionScore], fields: tuple[object, ...]) -> SectionScore:
    """A new `SectionScore` of `fields`, kept in `shared` for the next audit with the same outcome.

    A 3,000-dealer wave's 48,000 section scores are ~1,800 distinct ones (~8 MB shared instead of copied). Equal
    fields are the same numbers here, so matching by equality is exact: the sums start at +0.0 (never -0.0),
    percents divide them by positive points, counts are ints; a weight is the section's declared one or its
    points, one or the other for every audit of this standard. The plan outlives the wave (it is cached per
    standard), so the table is bounded."""
    record = SectionScore(*fields)  # type: ignore[arg-type]
    if len(shared) < _SHARED_SECTIONS:
        shared[fields] = record
    return record


_PLANS: dict[int, tuple[Checklist, _Plan]] = {}
_PLAN_CACHE_SIZE = 64


def _plan(standard: Checklist) -> _Plan:
    """The compiled form of `standard`, cached by identity (standards are immutable; the entry keeps the object
    alive, so its id cannot be reused while cached)."""
    cached = _PLANS.get(id(standard))
    if cached is not None and cached[0] is standard:
        return cached[1]
    parsed = tuple((i.id, parse_condition(i.condition)) for i in standard.items() if i.condition)
    conditional = tuple((item_id, c.test) for item_id, c in parsed)
    plan = _Plan(
        rows=tuple(
            (section, tuple(_item_row(item, section.id) for item in section.items)) for section in standard.sections
        ),
        conditional=conditional,
        referenced=tuple(sorted({ref.item_id for _, c in parsed for ref in c.item_refs})),
        required=tuple(i.id for i in standard.items() if i.required),
        item_ids=tuple(i.id for i in standard.items()),
    )
    if len(_PLANS) >= _PLAN_CACHE_SIZE:
        _PLANS.clear()
    _PLANS[id(standard)] = (standard, plan)
    return plan


# ---- applicability -----------------------------------------------------------------------------------------------


def _hidden(plan: _Plan, audit: Audit, dealer: DealerLike) -> set[str]:
    """Ids of the items whose condition is false, evaluated in checklist order (see `applicability`)."""
    hidden: set[str] = set()
    if not plan.conditional:
        return hidden
    context = dealer_context(dealer)
    values: dict[str, Any] = {}
    answered: set[str] = set()
    answers = audit.answers
    for item_id in plan.referenced:
        answer = answers.get(item_id)
        if answer is None:
            continue
        if answer.na:
            answered.add(item_id)
        elif answer.value is not None:
            values[item_id] = answer.value
            answered.add(item_id)
    is_answered = answered.__contains__
    for item_id, test in plan.conditional:
        if not test(values, context, is_answered):
            hidden.add(item_id)
            values.pop(item_id, None)
            answered.discard(item_id)
    return hidden


def applicability(standard: Checklist, audit: Audit, dealer: DealerLike) -> dict[str, bool]:
    """item id -> applicable, evaluating conditions in item order. The answer of an item found not applicable is
    removed before later conditions are evaluated, so hidden answers never steer the rest of the checklist.
    N/A answers read as None but count as answered for `answered()`. A condition that does not parse raises
    `ConditionError` (structural checks of the standard catch those before any audit is scored)."""
    plan = _plan(standard)
    hidden = _hidden(plan, audit, dealer)
    return {item_id: item_id not in hidden for item_id in plan.item_ids}


def missing_required(standard: Checklist, audit: Audit, applicable: Mapping[str, bool]) -> tuple[str, ...]:
    """Required applicable items without an answer (N/A counts as an answer): what keeps an audit a draft."""
    answers = audit.answers
    missing = []
    for item_id in _plan(standard).required:
        if not applicable.get(item_id, True):
            continue
        answer = answers.get(item_id)
        if answer is None or not (answer.na or answer.value is not None):
            missing.append(item_id)
    return tuple(missing)


# ---- result types ------------------------------------------------------------------------------------------------


class ItemScore(NamedTuple):
    """One item's contribution. `counted` items add `earned` to the earned and `possible` to the possible points
    of their section; all others add nothing to either. An immutable record like the other results, but a
    NamedTuple: scoring a wave builds ~600,000 of them and a frozen dataclass costs four times as much to build."""

    item_id: str
    section_id: str
    weight: float
    applicable: bool  # its condition holds
    answered: bool  # a value or N/A was given
    na: bool
    counted: bool  # applicable, not N/A, scored, with a valid answer
    fraction: float | None  # f in [0, 1] when counted
    earned: float  # w·f (0 when not counted)
    possible: float  # w, 0 for bonus items and when not counted
    bonus: bool = False
    critical: Critical | None = None
    invalid: bool = False  # an answer was given that the item cannot take (validation says why)

    @property
    def passed(self) -> bool:
        return self.counted and self.fraction == 1.0

    @property
    def failed(self) -> bool:
        return self.counted and self.fraction is not None and self.fraction < 1.0

    @property
    def critical_failed(self) -> bool:
        return self.critical is not None and self.failed and not self.bonus

    @property
    def points_lost(self) -> float:
        return self.possible - self.earned if self.counted and not self.bonus else 0.0


@dataclass(frozen=True, slots=True)
class SectionScore:
    """A section's result. `percent` is None when no item counted (the section is N/A and drops out of the index);
    `raw_percent` ignores knock-outs, `percent` applies a failed `zero_section` item (then `zeroed` is True)."""

    section_id: str
    weight: float  # W_s in this audit: the declared section weight, else its possible points (plain points)
    earned: float
    possible: float
    raw_percent: float | None
    percent: float | None
    zeroed: bool = False
    items_counted: int = 0
    items_passed: int = 0

    @property
    def applicable(self) -> bool:
        return self.percent is not None


@dataclass(frozen=True, slots=True)
class KnockOut:
    """A failed critical item and what it did. `binding` says whether it changed the gated index (a cap of 60 on
    an index of 55 does not); a zero_section knock-out binds when the section was above zero."""

    item_id: str
    section_id: str
    effect: CriticalEffect
    cap: float | None
    fraction: float
    binding: bool


@dataclass(frozen=True)
class AuditScore:
    """An audit's full result. `index` is the gated checklist index (knock-outs applied), `raw_index` the index the
    answers alone give; both on 0..100 and None when nothing counted. `complete` is False while a required
    applicable item is unanswered: such an audit may be scored as a draft but not finalised."""

    audit_id: str
    dealer_code: str
    standard_id: str
    standard_version: str
    wave: str
    final: bool
    raw_index: float | None
    index: float | None
    band: Band | None
    knock_outs: tuple[KnockOut, ...]
    sections: tuple[SectionScore, ...]
    items: tuple[ItemScore, ...]
    missing_required: tuple[str, ...] = ()
    invalid_items: tuple[str, ...] = ()
    standard_hash: str = ""
    failures: tuple[ItemScore, ...] = ()  # the failed items (f < 1), bonus items included, in checklist order
    _items_by_id: dict[str, ItemScore] = field(default_factory=dict, repr=False, compare=False)

    @property
    def complete(self) -> bool:
        return not self.missing_required

    @property
    def earned(self) -> float:
        return sum(s.earned for s in self.sections)

    @property
    def possible(self) -> float:
        return sum(s.possible for s in self.sections)

    def item(self, item_id: str) -> ItemScore | None:
        if not self._items_by_id:
            self._items_by_id.update((i.item_id, i) for i in self.items)
        return self._items_by_id.get(item_id)

    def section(self, section_id: str) -> SectionScore | None:
        return next((s for s in self.sections if s.section_id == section_id), None)

    @property
    def failed_items(self) -> tuple[ItemScore, ...]:
        return self.failures


# ---- scoring -----------------------------------------------------------------------------------------------------


def _percent(earned: float, possible: float) -> float | None:
    if possible <= 0:
        return None
    return min(INDEX_MAX, 100.0 * earned / possible)


def _weighted_index(sections: Iterable[tuple[float, float | None]]) -> float | None:
    total_weight = 0.0
    total = 0.0
    for weight, percent in sections:
        if percent is None or weight <= 0:
            continue
        total_weight += weight
        total += weight * percent
    if total_weight <= 0:
        return None
    return min(INDEX_MAX, max(0.0, total / total_weight))


def _effect(effect: CriticalEffect | str) -> CriticalEffect:
    return effect if isinstance(effect, CriticalEffect) else CriticalEffect(effect)


def score_audit(
    standard: Checklist,
    audit: Audit,
    dealer_attributes: DealerLike = None,
    *,
    applicable: Mapping[str, bool] | None = None,
) -> AuditScore:
    """Score one audit against the standard version it was captured on (the caller picks `standard`; see
    aggregate.score_wave, which matches audit.standard_id/version). `dealer_attributes` is a Dealer or the mapping
    `dealer.x` conditions read; `applicable` may pass a precomputed `applicability` result."""
    plan = _plan(standard)
    if applicable is None:
        hidden = _hidden(plan, audit, dealer_attributes)
    else:
        hidden = {item_id for item_id, shown in applicable.items() if not shown}
    answers = audit.answers
    item_scores: list[ItemScore] = []
    sections: list[SectionScore] = []
    knock_outs: list[tuple[ItemScore, str]] = []
    raw_pairs: list[tuple[float, float | None]] = []
    section_rows: list[tuple[Section, float, float, float | None, int, int]] = []
    zeroed_sections: set[str] = set()
    invalid: list[str] = []
    failures: list[ItemScore] = []
    new = tuple.__new__  # builds the ItemScore records without the NamedTuple's keyword-handling __new__
    for section, item_plans in plan.rows:
        section_id = section.id
        earned_sum = possible_sum = 0.0
        counted_items = passed_items = 0
        for item_id, scorer, weight, bonus, critical, zero_section, blank, counted, other in item_plans:
            shown = item_id not in hidden
            answer = answers.get(item_id)
            if answer is None:  # unanswered: the most common way of not counting, kept short
                item_scores.append(blank[shown])
                continue
            fraction = None
            bad = False
            na = answer.na
            value = answer.value
            answered = na or value is not None
            if not na and value is not None:
                result = scorer(value)
                if result is _INVALID:
                    bad = True
                    invalid.append(item_id)
                elif shown:
                    fraction = result
            if fraction is None:
                key = (shown, answered, na, bad)
                score = other.get(key)
                if score is None or score[4] is not answered or score[5] is not na:  # True == 1: same objects only
                    score = new(ItemScore, (item_id, section_id, weight, shown, answered, na, False, None, 0.0, 0.0,
                                            bonus, critical, bad))  # fmt: skip
                    other.setdefault(key, score)
            else:
                score = counted.get(fraction)
                if score is None or score[7] is not fraction:
                    score = _counted_record(counted, item_id, section_id, weight, fraction, bonus, critical)
                earned_sum += score[8]
                possible_sum += score[9]
                if not bonus:
                    counted_items += 1
                    if fraction == 1.0:
                        passed_items += 1
                if fraction < 1.0:
                    failures.append(score)
                    if critical is not None and not bonus:
                        knock_outs.append((score, section_id))
                        if zero_section:
                            zeroed_sections.add(section_id)
            item_scores.append(score)
        raw_percent = _percent(earned_sum, possible_sum)
        section_rows.append((section, earned_sum, possible_sum, raw_percent, counted_items, passed_items))
    gated_pairs: list[tuple[float, float | None]] = []
    for section, earned_sum, possible_sum, raw_percent, counted_items, passed_items in section_rows:
        zeroed = section.id in zeroed_sections and raw_percent is not None
        percent = 0.0 if zeroed else raw_percent
        # W_s: the declared weight, else plain points — the possible points the section has *in this audit*, so
        # N/A items and false conditions change nothing (Section.effective_weight when every item counts)
        weight = section.weight if section.weight is not None else possible_sum
        fields = (section.id, weight, earned_sum, possible_sum, raw_percent, percent, zeroed, counted_items,
                  passed_items)  # fmt: skip
        sections.append(plan.section_scores.get(fields) or _shared_section(plan.section_scores, fields))
        raw_pairs.append((weight, raw_percent))
        gated_pairs.append((weight, percent))
    raw_index = _weighted_index(raw_pairs)
    index = _weighted_index(gated_pairs)
    section_by_id = {s.section_id: s for s in sections}
    results: list[KnockOut] = []
    before_index = index
    for score, section_id in knock_outs:
        critical = score.critical
        assert critical is not None and score.fraction is not None
        if critical.effect == CriticalEffect.ZERO_SECTION:
            raw = section_by_id[section_id].raw_percent
            binding = raw is not None and raw > 0
        elif critical.effect == CriticalEffect.ZERO_INDEX:
            binding = before_index is not None and before_index > 0
        else:
            cap = critical.cap if critical.cap is not None else INDEX_MAX
            binding = before_index is not None and before_index > cap
        results.append(
            KnockOut(score.item_id, section_id, _effect(critical.effect), critical.cap, score.fraction, binding)
        )
    if index is not None:
        for knock_out in results:
            if knock_out.effect == CriticalEffect.ZERO_INDEX:
                index = 0.0
            elif knock_out.effect == CriticalEffect.CAP and knock_out.cap is not None:
                index = min(index, knock_out.cap)
        index = max(0.0, index)
    return AuditScore(
        audit_id=audit.audit_id,
        dealer_code=audit.dealer_code,
        standard_id=standard.id,
        standard_version=standard.version,
        wave=audit.wave,
        final=audit.is_final,
        raw_index=raw_index,
        index=index,
        band=band_for(standard.bands, index),
        knock_outs=tuple(results),
        sections=tuple(sections),
        items=tuple(item_scores),
        missing_required=tuple(
            item_id
            for item_id in plan.required
            if item_id not in hidden and ((a := answers.get(item_id)) is None or not (a.na or a.value is not None))
        ),
        invalid_items=tuple(invalid),
        failures=tuple(failures),
        standard_hash=audit.standard_hash,
    )


ScoreFunction = Callable[[Checklist, Audit, DealerLike], AuditScore]

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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dealer_audit.core.answers import Answer, AnswerValue, Audit
from dealer_audit.core.conditions import Condition, parse_condition
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import (
    AnswerType,
    Band,
    Checklist,
    Critical,
    CriticalEffect,
    Item,
    ScaleRange,
    band_for,
)

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
    return na if rounded is None else f"{rounded:.{digits}f}"


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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _choice_fraction(item: Item, code: str) -> float | None:
    option = item.option(code)
    if option is None:
        return None
    best = max((o.points for o in item.options), default=0.0)
    if best <= 0:
        return None
    return min(1.0, max(0.0, option.points / best))


def _scale_fraction(item: Item, value: Any) -> float | None:
    if not _is_number(value) or value != int(value):
        return None
    scale = item.scale or DEFAULT_SCALE
    v = int(value)
    if v < scale.min or v > scale.max:
        return None
    if any(o.points for o in item.options):
        return _choice_fraction(item, str(v))
    if scale.max == scale.min:
        return 1.0
    return (v - scale.min) / (scale.max - scale.min)


def _multiple_fraction(item: Item, value: Any) -> float | None:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, tuple | list):
        return None
    options = [item.option(code) for code in value]
    if any(o is None for o in options):
        return None
    positive = sum(o.points for o in item.options if o.points > 0)
    if positive <= 0:
        return None
    chosen = sum(o.points for o in dict.fromkeys(options) if o is not None)  # a code chosen twice counts once
    return min(1.0, max(0.0, chosen / positive))


def _number_fraction(item: Item, value: Any) -> float | None:
    if not _is_number(value) or not item.bands:
        return None
    number = float(value)
    band = next((b for b in item.bands if b.matches(number)), None)
    return 0.0 if band is None else min(1.0, max(0.0, band.score))


def item_fraction(item: Item, value: AnswerValue) -> float | None:
    """The fraction f in [0, 1] an answer value earns, or None when it earns nothing measurable: unscored types
    (text, photo without `scored: true`), no value, or a value the item cannot take (validation reports those)."""
    if value is None or not item.is_scored:
        return None
    kind = item.type
    if kind is AnswerType.YES_NO:
        if value not in ("yes", "no"):
            return None
        return 1.0 if value == item.compliant_answer else 0.0
    if kind is AnswerType.SCALE:
        return _scale_fraction(item, value)
    if kind is AnswerType.SINGLE_CHOICE:
        return _choice_fraction(item, value) if isinstance(value, str) else None
    if kind is AnswerType.MULTIPLE_CHOICE:
        return _multiple_fraction(item, value)
    if kind is AnswerType.NUMBER:
        return _number_fraction(item, value)
    # text / photo made scorable by `scored: true`: giving the answer is what earns the point
    return 1.0 if isinstance(value, str) and value.strip() else None


def value_problem(item: Item, value: AnswerValue) -> str | None:
    """Why `value` is not a value this item can take (wrong type, unknown option code, off the scale), or None.
    The plausible range of number items is a validation matter and not checked here: such values still score."""
    if value is None:
        return None
    kind = item.type
    if kind is AnswerType.YES_NO:
        return None if value in ("yes", "no") else f"expected 'yes' or 'no', got {value!r}"
    if kind is AnswerType.SCALE:
        scale = item.scale or DEFAULT_SCALE
        if not _is_number(value) or value != int(value):
            return f"expected a whole number from {scale.min} to {scale.max}, got {value!r}"
        if not scale.min <= value <= scale.max:
            return f"{value!r} is off the scale {scale.min}..{scale.max}"
        if any(o.points for o in item.options) and item.option(str(int(value))) is None:
            return f"scale value {value!r} has no option with points"
        return None
    if kind is AnswerType.NUMBER:
        return None if _is_number(value) else f"expected a number, got {value!r}"
    if kind is AnswerType.SINGLE_CHOICE:
        if not isinstance(value, str):
            return f"expected one option code, got {value!r}"
        return None if item.option(value) else _unknown_codes(item, [value])
    if kind is AnswerType.MULTIPLE_CHOICE:
        codes = (value,) if isinstance(value, str) else value
        if not isinstance(codes, tuple | list) or not all(isinstance(c, str) for c in codes):
            return f"expected a list of option codes, got {value!r}"
        unknown = [c for c in codes if item.option(c) is None]
        return _unknown_codes(item, unknown) if unknown else None
    return None if isinstance(value, str) else f"expected text, got {value!r}"


def _unknown_codes(item: Item, codes: Iterable[str]) -> str:
    known = ", ".join(o.code for o in item.options) or "none"
    listed = ", ".join(repr(c) for c in codes)
    return f"unknown option code(s) {listed} (known: {known})"


# ---- applicability -----------------------------------------------------------------------------------------------


def _condition(item: Item) -> Condition | None:
    return parse_condition(item.condition) if item.condition else None


def applicability(standard: Checklist, audit: Audit, dealer: DealerLike) -> dict[str, bool]:
    """item id -> applicable, evaluating conditions in item order. The answer of an item found not applicable is
    removed before later conditions are evaluated, so hidden answers never steer the rest of the checklist.
    N/A answers read as None but count as answered for `answered()`. A condition that does not parse raises
    `ConditionError` (structural checks of the standard catch those before any audit is scored)."""
    context = dealer_context(dealer)
    values: dict[str, Any] = {}
    answered: set[str] = set()
    for item_id, answer in audit.answers.items():
        if answer.na:
            answered.add(item_id)
        elif answer.value is not None:
            values[item_id] = answer.value
            answered.add(item_id)
    result: dict[str, bool] = {}
    for item in standard.items():
        condition = _condition(item)
        applicable = condition is None or condition.evaluate(values, context, answered.__contains__)
        result[item.id] = applicable
        if not applicable:
            values.pop(item.id, None)
            answered.discard(item.id)
    return result


def missing_required(standard: Checklist, audit: Audit, applicable: Mapping[str, bool]) -> tuple[str, ...]:
    """Required applicable items without an answer (N/A counts as an answer): what keeps an audit a draft."""
    missing = []
    for item in standard.items():
        if not item.required or not applicable.get(item.id, True):
            continue
        answer = audit.answers.get(item.id)
        if answer is None or not answer.is_answered:
            missing.append(item.id)
    return tuple(missing)


# ---- result types ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemScore:
    """One item's contribution. `counted` items add `earned` to the earned and `possible` to the possible points
    of their section; all others add nothing to either."""

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
        return tuple(i for i in self.items if i.failed)


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


def _score_item(item: Item, section_id: str, applicable: bool, answer: Answer | None) -> ItemScore:
    answered = answer is not None and answer.is_answered
    na = answer is not None and answer.na
    fraction = None
    invalid = False
    if answer is not None and not na and answer.value is not None:
        invalid = value_problem(item, answer.value) is not None
        if applicable and not invalid:
            fraction = item_fraction(item, answer.value)
    counted = fraction is not None
    earned = item.weight * fraction if fraction is not None else 0.0
    possible = item.weight if counted and not item.bonus else 0.0
    return ItemScore(
        item_id=item.id,
        section_id=section_id,
        weight=item.weight,
        applicable=applicable,
        answered=answered,
        na=na,
        counted=counted,
        fraction=fraction,
        earned=earned,
        possible=possible,
        bonus=item.bonus,
        critical=item.critical,
        invalid=invalid,
    )


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
    if applicable is None:
        applicable = applicability(standard, audit, dealer_attributes)
    answers = audit.answers
    item_scores: list[ItemScore] = []
    sections: list[SectionScore] = []
    knock_outs: list[tuple[ItemScore, str]] = []
    raw_pairs: list[tuple[float, float | None]] = []
    gated_pairs: list[tuple[float, float | None]] = []
    zeroed_sections: set[str] = set()
    section_item_scores: list[list[ItemScore]] = []
    for section in standard.sections:
        scores = [
            _score_item(item, section.id, applicable.get(item.id, True), answers.get(item.id)) for item in section.items
        ]
        section_item_scores.append(scores)
        for score in scores:
            if score.critical_failed and score.critical is not None:
                knock_outs.append((score, section.id))
                if score.critical.effect == CriticalEffect.ZERO_SECTION:
                    zeroed_sections.add(section.id)
    for section, scores in zip(standard.sections, section_item_scores, strict=True):
        earned = 0.0
        possible = 0.0
        counted = passed = 0
        for score in scores:
            if score.counted:
                earned += score.earned
                possible += score.possible
                if not score.bonus:
                    counted += 1
                    passed += score.fraction == 1.0
        raw_percent = _percent(earned, possible)
        zeroed = section.id in zeroed_sections and raw_percent is not None
        percent = 0.0 if zeroed else raw_percent
        # W_s: the declared weight, else plain points — the possible points the section has *in this audit*, so
        # N/A items and false conditions change nothing (Section.effective_weight when every item counts)
        weight = section.weight if section.weight is not None else possible
        sections.append(
            SectionScore(section.id, weight, earned, possible, raw_percent, percent, zeroed, counted, passed)
        )
        raw_pairs.append((weight, raw_percent))
        gated_pairs.append((weight, percent))
        item_scores.extend(scores)
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
            KnockOut(score.item_id, section_id, CriticalEffect(critical.effect), critical.cap, score.fraction, binding)
        )
    if index is not None:
        for knock_out in results:
            if knock_out.effect == CriticalEffect.ZERO_INDEX:
                index = 0.0
            elif knock_out.effect == CriticalEffect.CAP and knock_out.cap is not None:
                index = min(index, knock_out.cap)
        index = max(0.0, index)
    invalid = tuple(s.item_id for s in item_scores if s.invalid)
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
        missing_required=missing_required(standard, audit, applicable),
        invalid_items=invalid,
        standard_hash=audit.standard_hash,
    )


ScoreFunction = Callable[[Checklist, Audit, DealerLike], AuditScore]

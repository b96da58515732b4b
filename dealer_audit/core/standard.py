"""The OEM standard (checklist) model: what is audited, how each answer scores, and the audit program around it.

Plain frozen dataclasses, no I/O: every reader (YAML, Excel, XLSForm) builds these, every consumer (scoring,
capture, reports) reads them, so a standard means the same thing whichever file it came from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # core/kpis.py and core/incentives.py build on LocalText from here
    from dealer_audit.core.incentives import IncentiveRules
    from dealer_audit.core.kpis import KpiDefinition

LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class LocalText:
    """A bilingual text; either side may be empty, `get` falls back to the other so nothing renders blank."""

    zh: str = ""
    en: str = ""

    def get(self, lang: str) -> str:
        primary, fallback = (self.zh, self.en) if lang.startswith("zh") else (self.en, self.zh)
        return primary or fallback

    def __bool__(self) -> bool:
        return bool(self.zh or self.en)

    def as_dict(self) -> dict[str, str]:
        """Both sides, empty or not: how every --json output writes a bilingual text (one shape for all)."""
        return {"zh": self.zh, "en": self.en}


class ChecklistKind(StrEnum):
    MYSTERY_SHOP = "mystery_shop"
    DIGITAL_SERVICE = "digital_service"


class AnswerType(StrEnum):
    YES_NO = "yes_no"
    SCALE = "scale"
    NUMBER = "number"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TEXT = "text"
    PHOTO = "photo"

    @property
    def is_scored_by_default(self) -> bool:
        return self not in (AnswerType.TEXT, AnswerType.PHOTO)


class CriticalEffect(StrEnum):
    """What failing a knock-out item does to the result."""

    ZERO_SECTION = "zero_section"
    ZERO_INDEX = "zero_index"
    CAP = "cap"


@dataclass(frozen=True)
class Critical:
    """A knock-out rule on an item: failing it zeroes the section, zeroes the index or caps it at `cap`."""

    effect: CriticalEffect
    cap: float | None = None  # index ceiling (0..100) when effect is CAP


class EvidenceWhen(StrEnum):
    NEVER = "never"
    ON_FAIL = "on_fail"
    ALWAYS = "always"


@dataclass(frozen=True)
class EvidenceRule:
    """Which proof an auditor must attach: "every attitude is backed by an event"."""

    photo: EvidenceWhen = EvidenceWhen.NEVER
    note: EvidenceWhen = EvidenceWhen.NEVER

    @property
    def is_required_somewhere(self) -> bool:
        return self.photo is not EvidenceWhen.NEVER or self.note is not EvidenceWhen.NEVER


@dataclass(frozen=True)
class Option:
    """A choice of a single/multiple-choice or scale item; `points` drive the score."""

    code: str
    label: LocalText
    points: float = 0.0


@dataclass(frozen=True)
class NumberBand:
    """One step of a number item's rule: values with min <= v <= max (open ends allowed) earn `score` (0..1).

    Bands are checked in order; the first that matches wins ("within 2 min = full, within 5 = half, else 0").
    """

    score: float
    min: float | None = None
    max: float | None = None
    label: LocalText = field(default_factory=LocalText)

    def matches(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@dataclass(frozen=True)
class ScaleRange:
    min: int = 1
    max: int = 5


@dataclass(frozen=True)
class NumberRange:
    """The plausible range an auditor may enter (validation, not scoring)."""

    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Item:
    """One checklist question: its answer type and options, scoring rule, weight, condition and evidence rules."""

    id: str
    text: LocalText
    type: AnswerType
    guidance: LocalText = field(default_factory=LocalText)
    weight: float = 1.0
    compliant_answer: str = "yes"  # yes_no only: "no" when "no" is the compliant answer
    na_allowed: bool = False
    required: bool = True
    critical: Critical | None = None
    condition: str | None = None  # skip-logic expression (see core/conditions.py); None = always applies
    evidence: EvidenceRule = field(default_factory=EvidenceRule)
    reference: str = ""  # OEM standard clause, e.g. "SQ-3.2.1"
    bonus: bool = False  # earns points but adds no possible points
    options: tuple[Option, ...] = ()
    scale: ScaleRange | None = None
    unit: LocalText = field(default_factory=LocalText)
    range: NumberRange | None = None
    bands: tuple[NumberBand, ...] = ()  # number items: the scoring rule
    scored: bool | None = None  # None = the answer type's default (text/photo unscored)

    @property
    def is_scored(self) -> bool:
        return self.type.is_scored_by_default if self.scored is None else self.scored

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Section:
    """A weighted group of items; section scores are what the reports and the composite index are built from."""

    id: str
    title: LocalText
    items: tuple[Item, ...]
    weight: float | None = None  # None = plain points: the sum of its scored item weights

    @property
    def effective_weight(self) -> float:
        if self.weight is not None:
            return self.weight
        return sum(i.weight for i in self.items if i.is_scored and not i.bonus)


@dataclass(frozen=True)
class Band:
    """A named range of the index, e.g. Excellent >= 90; `min` is on the scale of the index it labels."""

    code: str
    min: float
    label: LocalText
    color: str = "#888888"


def band_for(bands: tuple[Band, ...], value: float | None) -> Band | None:
    """The highest band whose minimum the value reaches; bands may be listed in any order."""
    if value is None:
        return None
    reached = [b for b in bands if value >= b.min]
    return max(reached, key=lambda b: b.min) if reached else None


@dataclass(frozen=True)
class Checklist:
    """One OEM standard at one version. Identified by (id, version) plus a content hash of everything in it."""

    id: str
    version: str
    kind: ChecklistKind
    title: LocalText
    sections: tuple[Section, ...]
    description: LocalText = field(default_factory=LocalText)
    bands: tuple[Band, ...] = ()
    source: str = ""  # the file it was read from, for messages only; not part of the content hash

    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items

    @cached_property
    def items_by_id(self) -> Mapping[str, Item]:
        return {item.id: item for item in self.items()}

    @cached_property
    def section_of(self) -> Mapping[str, Section]:
        return {item.id: section for section in self.sections for item in section.items}

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.version)

    @cached_property
    def content_hash(self) -> str:
        """sha256 of the canonical form: two files that mean the same standard share it, any change alters it."""
        from dealer_audit.core.standard_codec import content_hash

        return content_hash(self)


@dataclass(frozen=True)
class ProgramChecklist:
    """A standard's place in the program: which one and how much it weighs in the composite index."""

    standard_id: str
    weight: float = 1.0


@dataclass(frozen=True)
class Wave:
    """One audit round of a program (e.g. 2026-Q4): audits, scores and deltas are per wave."""

    code: str  # e.g. "2026-Q4"
    title: LocalText = field(default_factory=LocalText)
    start: str | None = None  # ISO date
    end: str | None = None


@dataclass(frozen=True)
class Region:
    code: str
    name: LocalText


@dataclass(frozen=True)
class AlertRules:
    drop_threshold: float = 10.0  # points on the 100 scale; a drop this big or bigger raises an alert
    alert_on_band_fall: bool = True
    alert_on_critical: bool = True
    drop_requires_significance: bool = False  # a drop alert only for a drop beyond noise (docs/scoring.md §9)


@dataclass(frozen=True)
class PlanRules:
    """The program's wave-planning rules (`planning:` in the program file; docs/field-operations.md)."""

    lockout_waves: int = 1  # an auditor does not return to a dealer visited in this many previous waves
    max_visits_per_auditor: int | None = None  # per wave; None = only the per-day cap limits
    max_visits_per_day: int = 2
    double_audit_share: float = 0.0  # share of visits audited by two auditors, for calibration
    out_of_region_cost: int = 10  # cost of one visit outside the auditor's home region
    overload_cost: int = 3  # cost of one visit above the auditor's fair share
    weekdays_only: bool = True


@dataclass(frozen=True)
class Program:
    """The OEM's audit program for a year: waves, regions, the standards and how they combine."""

    id: str
    title: LocalText
    checklists: tuple[ProgramChecklist, ...]
    waves: tuple[Wave, ...]
    regions: tuple[Region, ...] = ()
    scale: int = 100  # composite index published on 100 or 1,000 points
    bands: tuple[Band, ...] = ()  # composite bands, `min` on the 100 scale (scale-independent)
    alerts: AlertRules = field(default_factory=AlertRules)
    composite_name: LocalText = field(
        default_factory=lambda: LocalText(zh="服务体验指数", en="Service Experience Index")
    )
    planning: PlanRules = field(default_factory=PlanRules)
    require_signatures: bool = False  # refuse bundles not signed by an enrolled, unrevoked auditor key
    require_registered_auditors: bool = False  # `auditors: {registered_only: true}`: refuse audits of unknown auditors
    source: str = ""
    dispute_window_days: int | None = None  # `disputes: {window_days: N}`; None: core.disputes' default
    kpis: tuple[KpiDefinition, ...] = ()  # measured indicators beside the audits (docs/kpis-and-incentives.md)
    incentives: IncentiveRules | None = None  # incentive tiers on the scorecard composite
    insight_outcome: str | None = None  # `insight: {outcome: nps}`: key drivers in the reports (docs/insight.md)

    def wave(self, code: str) -> Wave | None:
        return next((w for w in self.waves if w.code == code), None)

    def previous_wave(self, code: str) -> Wave | None:
        codes = [w.code for w in self.waves]
        if code not in codes:
            return None
        index = codes.index(code)
        return self.waves[index - 1] if index > 0 else None

    def region(self, code: str) -> Region | None:
        return next((r for r in self.regions if r.code == code), None)

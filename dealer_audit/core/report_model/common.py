"""What the dealer, region and network builders share: identities, footers, section columns, item results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dealer_audit.core.aggregate import WaveResult
from dealer_audit.core.answers import Answer, Audit
from dealer_audit.core.intervals import RankRange
from dealer_audit.core.report_model.display import NO_BAND, BandTag
from dealer_audit.core.report_model.labels import label
from dealer_audit.core.scoring import ItemScore
from dealer_audit.core.standard import (
    AnswerType,
    Band,
    Checklist,
    Item,
)
from dealer_audit.core.versions import version_key


class Result(StrEnum):
    """How one answered item came out, the ✓/✗/N/A column of the report."""

    PASS = "pass"
    FAIL = "fail"
    PARTIAL = "partial"  # scored 0 < f < 1 (scales, number bands, multiple choice)
    NA = "na"  # N/A or condition false: out of earned and possible
    INFO = "info"  # unscored (text, photo) items
    UNANSWERED = "unanswered"


@dataclass(frozen=True, slots=True)
class DealerIdentity:
    code: str
    name_zh: str
    name_en: str
    region_code: str
    region_name: str
    city: str = ""
    province: str = ""
    group: str = ""

    def name(self, lang: str) -> str:
        primary, other = (self.name_zh, self.name_en) if lang.startswith("zh") else (self.name_en, self.name_zh)
        return primary or other


@dataclass(frozen=True, slots=True)
class Footer:
    standards: str  # "svc-mystery-shop 2026.1, digital 2026.2"
    audit_ids: str
    generated: str  # ISO date


@dataclass(frozen=True, slots=True)
class SectionColumn:
    """A section of one standard as a column of the Dealers and Audits sheets."""

    standard_id: str
    section_id: str
    title: str
    weight: float  # W_s, for the checklist-index formula
    formula_ok: bool = True  # the dealer's section score is the mean of its finalised audits' raw section %


@dataclass(frozen=True, slots=True)
class StandardColumns:
    standard_id: str
    version: str
    title: str
    weight: float  # in the composite
    sections: tuple[SectionColumn, ...]


StandardKey = tuple[str, str]


def band_tag(band: Band | None, lang: str) -> BandTag:
    return NO_BAND if band is None else BandTag(band.code, band.label.get(lang), band.color)


def section_layout(
    standards: Mapping[StandardKey, Checklist], standard_id: str, versions: Iterable[str] = ()
) -> Checklist | None:
    """The newest version among `versions` (else among all loaded) of a standard: where titles come from."""
    wanted = [(standard_id, v) for v in versions if (standard_id, v) in standards]
    if not wanted:
        wanted = [k for k in standards if k[0] == standard_id]
    if not wanted:
        return None
    return standards[max(wanted, key=lambda k: version_key(k[1]))]


def answer_text(item: Item, answer: Answer | None, lang: str) -> str:
    """An answer as a reader understands it: option labels, "4 / 5", "7 min", 是/否."""
    if answer is None or not answer.is_answered:
        return ""
    if answer.na:
        return label("na", lang)
    value = answer.value
    if item.type is AnswerType.YES_NO:
        zh = lang.startswith("zh")
        return {"yes": "是" if zh else "yes", "no": "否" if zh else "no"}.get(str(value), str(value))
    if item.type is AnswerType.SCALE:
        top = item.scale.max if item.scale else 5
        option = item.option(str(value))
        return f"{value} / {top}" + (f" {option.label.get(lang)}" if option and option.label else "")
    if item.type is AnswerType.NUMBER:
        number = f"{value:g}" if isinstance(value, float) else str(value)
        unit = item.unit.get(lang)
        return f"{number} {unit}".strip()
    if item.type is AnswerType.SINGLE_CHOICE:
        option = item.option(str(value))
        return option.label.get(lang) if option and option.label else str(value)
    if item.type is AnswerType.MULTIPLE_CHOICE:
        codes = value if isinstance(value, tuple | list) else (value,)
        labels = []
        for code in codes:
            option = item.option(str(code))
            labels.append(option.label.get(lang) if option and option.label else str(code))
        return ", ".join(labels)
    return str(value)


def item_result(score: ItemScore | None) -> Result:
    if score is None:
        return Result.UNANSWERED
    if not score.applicable or score.na:
        return Result.NA
    if score.counted and score.fraction is not None:
        if score.fraction >= 1.0:
            return Result.PASS
        return Result.FAIL if score.fraction <= 0.0 else Result.PARTIAL
    return Result.INFO if score.answered else Result.UNANSWERED


def visit_date_text(audit: Audit | None) -> str:
    if audit is None or audit.visit_start is None:
        return ""
    return audit.visit_start.date().isoformat()


def rank_bounds(ranks: RankRange | None, scope: str) -> tuple[int | None, int | None]:
    if ranks is None:
        return None, None
    if scope == "region":
        return ranks.region_best, ranks.region_worst
    return ranks.network_best, ranks.network_worst


def standard_columns(
    result: WaveResult, standards: Mapping[StandardKey, Checklist], lang: str
) -> tuple[StandardColumns, ...]:
    program = result.program
    weights = {c.standard_id: c.weight for c in program.checklists}
    ids = list(weights)
    for used in result.standards_used:
        if used.id not in ids:
            ids.append(used.id)
    out = []
    for sid in ids:
        versions = [u.version for u in result.standards_used if u.id == sid]
        layout = section_layout(standards, sid, versions)
        if layout is None:
            continue
        out.append(
            StandardColumns(
                sid,
                ", ".join(versions) or layout.version,
                layout.title.get(lang),
                weights.get(sid, 0.0),
                tuple(SectionColumn(sid, s.id, s.title.get(lang), s.effective_weight) for s in layout.sections),
            )
        )
    return tuple(out)


def as_of_date(generated: str) -> date:
    """The date overdue is judged on: the report's date (fixed in tests), else today."""
    try:
        return date.fromisoformat(generated[:10])
    except ValueError:
        return date.today()

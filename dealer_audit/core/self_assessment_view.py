"""What the reports show of a dealer's self-assessment: the index gap and the items where the dealer's claim and
the auditor's finding differ, with texts in the report's language.

Why a view of its own: the dealer PDF, the region PDF and the HQ workbook show the same rows, so they are built
once here from the core rules' result (core/self_assessment.py) and handed to each renderer through the report
model (core/report_model/), as every other report figure is. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dealer_audit.core.dealers import Dealer
from dealer_audit.core.self_assessment import ItemGap, SelfAssessmentGap, StandardKey, largest_over_claims
from dealer_audit.core.standard import Checklist

REGION_LIMIT = 10  # dealers listed in a region PDF: the ones a regional manager should call first


@dataclass(frozen=True, slots=True)
class SelfItemLine:
    """One item where the dealer's claim and the auditor's finding differ (fractions of the item's points)."""

    item_id: str
    section: str  # the section title
    text: str  # the requirement
    claimed: float | None  # 0..1, the dealer's own
    observed: float | None  # 0..1, the mean over the auditor's visits
    failed_visits: int
    over_claim: bool  # the dealer says it passes, the auditor saw it fail

    @property
    def gap(self) -> float | None:
        return None if self.claimed is None or self.observed is None else self.claimed - self.observed


@dataclass(frozen=True, slots=True)
class SelfAssessmentView:
    """One self audit against the visits: one row of the region and HQ lists, one block of the dealer PDF."""

    dealer_code: str
    dealer_name: str
    region: str
    standard_id: str
    standard_title: str
    self_audit_id: str
    filled_by: str  # the dealer staff member named on the self audit ("" when none)
    visits: int  # the auditor's counted visits compared with
    self_index: float | None  # 0..100
    audited_index: float | None  # 0..100, the mean of the visits
    over_claims: int
    items: tuple[SelfItemLine, ...]  # over-claims first, then the largest gap; items rated alike are left out

    @property
    def index_gap(self) -> float | None:
        if self.self_index is None or self.audited_index is None:
            return None
        return self.self_index - self.audited_index


def _differs(item: ItemGap) -> bool:
    return item.over_claim or (item.gap is not None and abs(item.gap) > 1e-9)


def _view(gap: SelfAssessmentGap, standard: Checklist | None, dealer: Dealer | None, lang: str) -> SelfAssessmentView:
    items_by_id = standard.items_by_id if standard else {}
    sections = standard.section_of if standard else {}
    order = {item_id: n for n, item_id in enumerate(items_by_id)}
    lines = [
        SelfItemLine(
            i.item_id,
            sections[i.item_id].title.get(lang) if i.item_id in sections else i.section_id,
            items_by_id[i.item_id].text.get(lang) if i.item_id in items_by_id else i.item_id,
            i.claimed,
            i.observed,
            i.failed_visits,
            i.over_claim,
        )
        for i in gap.items
        if _differs(i)
    ]
    lines.sort(key=lambda x: (not x.over_claim, -(x.gap or 0.0), order.get(x.item_id, len(order))))
    return SelfAssessmentView(
        dealer_code=gap.dealer_code,
        dealer_name=dealer.name.get(lang) if dealer else "",
        region=dealer.region if dealer else "",
        standard_id=gap.standard_id,
        standard_title=standard.title.get(lang) if standard else gap.standard_id,
        self_audit_id=gap.self_audit_id,
        filled_by=gap.filled_by,
        visits=gap.visits,
        self_index=gap.self_index,
        audited_index=gap.audited_index,
        over_claims=len(gap.over_claims),
        items=tuple(lines),
    )


def self_assessment_views(
    gaps: Iterable[SelfAssessmentGap],
    standards: Mapping[StandardKey, Checklist],
    dealers: Iterable[Dealer],
    lang: str,
    *,
    dealer_code: str | None = None,
    region: str | None = None,
    ranked: bool = False,
) -> tuple[SelfAssessmentView, ...]:
    """The views of `gaps`, narrowed to one dealer or one region; `ranked` keeps only the over-claiming dealers,
    most over-claims first (the region PDF takes the first `REGION_LIMIT`, the HQ workbook all of them)."""
    by_code = {d.code: d for d in dealers}
    chosen = [
        g
        for g in gaps
        if (dealer_code is None or g.dealer_code == dealer_code)
        and (region is None or (g.dealer_code in by_code and by_code[g.dealer_code].region == region))
    ]
    if ranked:
        chosen = largest_over_claims(chosen, limit=len(chosen))
    return tuple(
        _view(g, standards.get((g.standard_id, g.standard_version)), by_code.get(g.dealer_code), lang) for g in chosen
    )

"""The self-assessment job: a wave's dealer self audits against the auditor's counted visits, from storage.

Loads the wave's audits, the standards and the dealers once and hands them to the pure rules
(core/self_assessment.py `wave_self_assessments`, the same call the reports make), then narrows the result to a
region or a dealer for `dealer-audit self-assessment`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from dealer_audit.core.answers import Audit
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.lookup import did_you_mean, did_you_mean_zh
from dealer_audit.core.self_assessment import SelfAssessmentGap, largest_over_claims, wave_self_assessments
from dealer_audit.core.self_assessment_view import SelfAssessmentView, self_assessment_views
from dealer_audit.core.standard import Checklist
from dealer_audit.errors import Message, NotFound


class SelfAssessmentSource(Protocol):
    """What the job reads (storage.repository.Repository provides it)."""

    def list_audits(self, wave: str | None = None) -> list[Audit]: ...
    def list_standards(self) -> list[Checklist]: ...
    def list_dealers(self, region: str | None = None) -> list[Dealer]: ...
    def get_dealer(self, code: str) -> Dealer: ...


@dataclass(frozen=True)
class SelfAssessmentResult:
    """One wave's self audits: the gaps (most over-claimed first, then the others by dealer) and their views."""

    wave: str
    gaps: tuple[SelfAssessmentGap, ...]
    views: tuple[SelfAssessmentView, ...]  # the same order as `gaps`, texts in the language asked for
    skipped: tuple[Message, ...]  # self audits that could not be compared, with why
    self_audits: int  # self audits in the wave before narrowing to a region or dealer


def load_self_assessment(
    repo: SelfAssessmentSource,
    wave: str,
    *,
    region: str | None = None,
    dealer_code: str | None = None,
    lang: str = "zh",
) -> SelfAssessmentResult:
    """Compare every self audit of `wave` (of one region or one dealer if given) with the dealer's visits.

    Raises NotFound for a wave without stored audits, an unknown dealer or a region no dealer belongs to."""
    audits = repo.list_audits(wave=wave)
    if not audits:
        raise NotFound(f"no audits stored for wave {wave}", zh=f"稽核批次 {wave} 没有已存储的稽核")
    dealers = repo.list_dealers()
    if dealer_code is not None:
        dealer_code = repo.get_dealer(dealer_code).code
    if region is not None:
        regions = sorted({d.region for d in dealers})
        if region not in regions:
            hint, hint_zh = did_you_mean(region, regions), did_you_mean_zh(region, regions)
            raise NotFound(
                f"no dealer in region {region!r}; regions: {', '.join(regions) or 'none'}"
                + (f" ({hint})" if hint else ""),
                zh=f"区域 {region!r} 中没有经销商；已有区域：{', '.join(regions) or '无'}"
                + (f"（{hint_zh}）" if hint_zh else ""),
            )
    standards = {s.key: s for s in repo.list_standards()}
    found = wave_self_assessments(standards, dealers, audits, wave)
    region_of = {d.code: d.region for d in dealers}
    chosen = [
        g
        for g in found.gaps
        if (dealer_code is None or g.dealer_code == dealer_code)
        and (region is None or region_of.get(g.dealer_code) == region)
    ]
    ranked = largest_over_claims(chosen, limit=len(chosen))
    first = {g.self_audit_id for g in ranked}
    ordered = ranked + [g for g in chosen if g.self_audit_id not in first]
    return SelfAssessmentResult(
        wave=wave,
        gaps=tuple(ordered),
        views=self_assessment_views(ordered, standards, dealers, lang),
        skipped=found.skipped,
        self_audits=len(found.gaps) + len(found.skipped),  # each self audit once (the newest revision of an id)
    )


def _number(value: float | None, decimals: int = 2) -> float | None:
    return None if value is None else round(value, decimals)


def self_assessment_to_dict(result: SelfAssessmentResult) -> dict[str, Any]:
    """Every figure as JSON: per self audit the index gap and every item either side rated (fractions 0..1)."""
    return {
        "wave": result.wave,
        "self_assessments": [
            {
                "dealer": g.dealer_code,
                "region": v.region,
                "standard": {"id": g.standard_id, "version": g.standard_version},
                "self_audit_id": g.self_audit_id,
                "filled_by": g.filled_by,
                "visits": g.visits,
                "self_index": _number(g.self_index),
                "audited_index": _number(g.audited_index),
                "index_gap": _number(g.index_gap),
                "over_claims": len(g.over_claims),
                "items": [
                    {
                        "item": i.item_id,
                        "section": i.section_id,
                        "claimed": _number(i.claimed, 4),
                        "observed": _number(i.observed, 4),
                        "gap": _number(i.gap, 4),
                        "failed_visits": i.failed_visits,
                        "over_claim": i.over_claim,
                    }
                    for i in g.items
                ],
            }
            for g, v in zip(result.gaps, result.views, strict=True)
        ],
        "skipped": [s.en for s in result.skipped],
    }

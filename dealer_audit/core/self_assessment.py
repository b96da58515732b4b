"""Dealer self-assessment against the auditor's findings: per item the gap, and the over-claims.

A dealer fills the same standard about itself before the visit (an audit of kind ``self``, never counted in any
index). What matters to the OEM is where the dealer claims more than the auditor saw — the data-governance
problem of self-reported compliance. Rules:

* Both sides are scored with the scoring's own rules (`score_audit`), so "passed" and "failed" mean exactly what
  they mean in the reports. The auditor's side is the mean over the dealer's counted visits of that standard in
  the wave.
* **Gap** per item = the dealer's own fraction − the auditor's mean fraction (on 0..1; positive: the dealer rates
  itself higher). Items either side did not rate (N/A, not applicable, unanswered) have no gap.
* **Over-claim**: the dealer says the item passes (full marks) and the auditor saw it fail in at least one visit
  ("dealer says yes, auditor saw no"). Bonus items are left out, as for actions.
* The index gap is the self audit's gated index minus the mean index of the visits (0..100).

Pure: callers pass the standard, the dealer, the self audit and the visits. Which audits are self-assessments
is decided by the audit's kind (core/answers.py); `wave_self_assessments` pairs every self audit of a wave with
its visits, once for the CLI (services/self_assessment.py) and the reports (services/reporting.py) alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dealer_audit.core.aggregate import latest_revisions
from dealer_audit.core.answers import Audit, AuditKind
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.scoring import DealerLike, ItemScore, score_audit
from dealer_audit.core.standard import Checklist
from dealer_audit.core.stats import mean
from dealer_audit.errors import Message


@dataclass(frozen=True)
class ItemGap:
    standard_id: str
    section_id: str
    item_id: str
    claimed: float | None  # the dealer's own fraction (0..1), None when it did not rate the item
    observed: float | None  # the auditor's mean fraction over the counted visits
    failed_visits: int  # visits in which the auditor saw it fail
    over_claim: bool

    @property
    def gap(self) -> float | None:
        if self.claimed is None or self.observed is None:
            return None
        return self.claimed - self.observed


@dataclass(frozen=True)
class SelfAssessmentGap:
    dealer_code: str
    wave: str
    standard_id: str
    self_audit_id: str
    visits: int  # the auditor's counted visits compared with
    self_index: float | None
    audited_index: float | None
    items: tuple[ItemGap, ...]
    standard_version: str = ""  # the version both sides were scored with (the self audit's)
    filled_by: str = ""  # the dealer staff member named on the self audit (its `auditor` field)

    @property
    def index_gap(self) -> float | None:
        if self.self_index is None or self.audited_index is None:
            return None
        return self.self_index - self.audited_index

    @property
    def over_claims(self) -> tuple[ItemGap, ...]:
        return tuple(i for i in self.items if i.over_claim)


def _rated(score: ItemScore | None) -> float | None:
    return score.fraction if score is not None and score.counted and not score.bonus else None


def self_assessment_gap(
    standard: Checklist, dealer: DealerLike, self_audit: Audit, visits: Iterable[Audit]
) -> SelfAssessmentGap:
    """Compare a dealer's self audit with the auditor's finalised visits of the same standard and wave."""
    own = score_audit(standard, self_audit, dealer)
    visit_scores = [
        s
        for s in (score_audit(standard, v, dealer) for v in visits)
        if s.final and s.index is not None and s.standard_id == standard.id
    ]
    items = []
    for item_score in own.items:
        claimed = _rated(item_score)
        theirs = [v.item(item_score.item_id) for v in visit_scores]
        observed_values = [f for f in (_rated(t) for t in theirs) if f is not None]
        failed = sum(1 for t in theirs if t is not None and t.failed and not t.bonus)
        if claimed is None and not observed_values:
            continue
        items.append(
            ItemGap(
                standard.id,
                item_score.section_id,
                item_score.item_id,
                claimed,
                mean(observed_values),
                failed,
                over_claim=claimed == 1.0 and failed > 0,
            )
        )
    return SelfAssessmentGap(
        dealer_code=self_audit.dealer_code,
        wave=self_audit.wave,
        standard_id=standard.id,
        self_audit_id=self_audit.audit_id,
        visits=len(visit_scores),
        self_index=own.index,
        audited_index=mean([v.index for v in visit_scores if v.index is not None]),
        items=tuple(items),
        standard_version=standard.version,
        filled_by=self_audit.auditor,
    )


def largest_over_claims(gaps: Sequence[SelfAssessmentGap], limit: int = 10) -> list[SelfAssessmentGap]:
    """Dealers (one row per self audit) with the most over-claimed items, then the largest index gap."""
    ranked = [g for g in gaps if g.over_claims or (g.index_gap or 0) > 0]
    ranked.sort(key=lambda g: (-len(g.over_claims), -(g.index_gap or 0.0), g.dealer_code, g.standard_id))
    return ranked[:limit]


StandardKey = tuple[str, str]  # (standard id, version), as core/aggregate.py keys standards


@dataclass(frozen=True)
class WaveSelfAssessment:
    """Every self audit of a wave compared with its dealer's visits, and the self audits that could not be."""

    wave: str
    gaps: tuple[SelfAssessmentGap, ...]  # by dealer code, standard, self audit id
    skipped: tuple[Message, ...] = ()  # why a self audit was left out (its standard or dealer is not loaded)


def wave_self_assessments(
    standards: Mapping[StandardKey, Checklist], dealers: Iterable[Dealer], audits: Iterable[Audit], wave: str
) -> WaveSelfAssessment:
    """Pair each self audit of `wave` (drafts too: a dealer's own form is a claim even before it is finalised)
    with the visits that count in the dealer's scores: finalised audits of the same dealer, wave, standard id and
    version (`Audit.counts_in_scores` decides; another version's items may differ, so it is not compared). An
    audit given twice (revisions 1 and 2 of one id) counts once, at its newest revision, as in the scores."""
    dealer_map = {d.code: d for d in dealers}
    visits: dict[tuple[str, str, str], list[Audit]] = defaultdict(list)
    own: list[Audit] = []
    for audit in latest_revisions(a for a in audits if a.wave == wave):  # one per id: a re-import counts once
        if audit.kind is AuditKind.SELF:
            own.append(audit)
        elif audit.counts_in_scores and audit.is_final:
            visits[(audit.dealer_code, audit.standard_id, audit.standard_version)].append(audit)
    gaps: list[SelfAssessmentGap] = []
    skipped: list[Message] = []
    for audit in sorted(own, key=lambda a: (a.dealer_code, a.standard_id, a.audit_id)):
        standard = standards.get((audit.standard_id, audit.standard_version))
        dealer = dealer_map.get(audit.dealer_code)
        if standard is None or dealer is None:
            where = f"self audit {audit.audit_id} ({audit.dealer_code})"
            where_zh = f"自评 {audit.audit_id}（{audit.dealer_code}）"
            if standard is None:
                version = f"{audit.standard_id} {audit.standard_version}"
                skipped.append(
                    Message(f"{where}: its standard {version} is not loaded", f"{where_zh}：标准 {version} 未载入")
                )
            else:
                skipped.append(Message(f"{where}: its dealer is not loaded", f"{where_zh}：经销商未载入"))
            continue
        pair = visits[(audit.dealer_code, audit.standard_id, audit.standard_version)]
        gaps.append(self_assessment_gap(standard, dealer, audit, sorted(pair, key=lambda a: a.audit_id)))
    return WaveSelfAssessment(wave, tuple(gaps), tuple(skipped))

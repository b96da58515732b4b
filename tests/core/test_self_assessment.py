"""core/self_assessment.py: per-item gap between a dealer's self audit and the auditor's visits, over-claims.

Mini standard: R01 yes/no (critical), R03 passes on "no", R04 minutes (≤2 full marks, ≤5 half), W02 scale 1..5.
make_audit's visit: R04 3 min (0.5), W02 4 (of 5): both fail; R01 and R03 pass.
"""

from __future__ import annotations

from typing import Any

import pytest

from dealer_audit.core.answers import Answer, AuditStatus
from dealer_audit.core.scoring import score_audit
from dealer_audit.core.self_assessment import largest_over_claims, self_assessment_gap


def test_gap_and_over_claims(mini_standard: Any, sample_dealers: list[Any], make_audit: Any) -> None:
    dealer = sample_dealers[1]  # SH002: no EV service, W04 does not apply
    own = make_audit(audit_id="self", dealer_code="SH002", status=AuditStatus.DRAFT)
    own = own.with_answer(Answer("R04", 1)).with_answer(Answer("W02", 5)).with_answer(Answer("R01", "yes"))
    visit_a = make_audit(audit_id="v1", dealer_code="SH002")
    visit_b = make_audit(audit_id="v2", dealer_code="SH002").with_answer(Answer("R01", "no"))
    result = self_assessment_gap(mini_standard, dealer, own, [visit_a, visit_b])
    items = {i.item_id: i for i in result.items}
    # the dealer claims full marks on R04 and W02; the auditor saw 0.5 and 0.75 (4 of 5 on a 1..5 scale) twice
    w02_seen = score_audit(mini_standard, visit_a, dealer).item("W02").fraction
    assert items["R04"].claimed == 1.0 and items["R04"].observed == pytest.approx(0.5)
    assert items["R04"].gap == pytest.approx(0.5) and items["R04"].failed_visits == 2
    assert items["W02"].gap == pytest.approx(1.0 - w02_seen)
    # R01: the dealer says yes, one of two visits saw no → over-claim, observed 0.5
    assert items["R01"].over_claim and items["R01"].observed == pytest.approx(0.5)
    # R03: both say it passes: no gap, no over-claim
    assert items["R03"].gap == 0 and not items["R03"].over_claim
    assert {i.item_id for i in result.over_claims} == {"R01", "R04", "W02"}
    assert result.visits == 2 and result.index_gap is not None and result.index_gap > 0
    assert result.self_index == score_audit(mini_standard, own, dealer).index  # a draft self audit still scores


def test_modest_dealer_has_no_over_claim(mini_standard: Any, sample_dealers: list[Any], make_audit: Any) -> None:
    dealer = sample_dealers[1]
    own = make_audit(audit_id="self", dealer_code="SH002").with_answer(Answer("R01", "no"))
    visit = make_audit(audit_id="v1", dealer_code="SH002")
    modest = self_assessment_gap(mini_standard, dealer, own, [visit])
    assert modest.over_claims == () and modest.index_gap is not None and modest.index_gap < 0
    assert next(i for i in modest.items if i.item_id == "R01").gap == -1.0  # under-claimed
    # no visit: nothing to compare, no over-claim
    alone = self_assessment_gap(mini_standard, dealer, own, [])
    assert alone.visits == 0 and alone.audited_index is None and alone.over_claims == ()
    bold = self_assessment_gap(
        mini_standard, dealer, own.with_answer(Answer("R01", "yes")).with_answer(Answer("R04", 0)), [visit]
    )
    assert [g.self_audit_id for g in largest_over_claims([modest, bold, alone])] == [bold.self_audit_id]


def test_wave_pairs_each_self_audit_with_the_counted_visits(
    mini_standard: Any, sample_dealers: list[Any], make_audit: Any
) -> None:
    """Only finalised visits of the same dealer, wave, standard and version are compared: not drafts, not a
    calibration session, not another dealer's visit, not another wave's; a self audit whose standard version is
    not loaded is named, not dropped."""
    from dataclasses import replace

    from dealer_audit.core.answers import AuditKind
    from dealer_audit.core.self_assessment import wave_self_assessments

    own = replace(
        make_audit(audit_id="self", dealer_code="SH002").with_answer(Answer("R04", 1)),
        kind=AuditKind.SELF,
        auditor="店长",
    )
    counted = make_audit(audit_id="v1", dealer_code="SH002")
    ignored = [
        make_audit(audit_id="draft", dealer_code="SH002", status=AuditStatus.DRAFT).with_answer(Answer("R04", 100)),
        replace(make_audit(audit_id="cal", dealer_code="SH002"), kind=AuditKind.CALIBRATION, scenario="CAL-1"),
        make_audit(audit_id="other", dealer_code="SH001"),
        make_audit(audit_id="q3", dealer_code="SH002", wave="2026-Q3"),
    ]
    lost = replace(own, audit_id="lost", standard_version="2025.9")
    found = wave_self_assessments(
        {mini_standard.key: mini_standard}, sample_dealers, [own, counted, *ignored, lost], "2026-Q4"
    )
    assert [g.self_audit_id for g in found.gaps] == ["self"]
    gap = found.gaps[0]
    alone = self_assessment_gap(mini_standard, sample_dealers[1], own, [counted])
    assert gap == alone and gap.visits == 1 and gap.filled_by == "店长" and gap.standard_version == "2026.1"
    assert len(found.skipped) == 1 and "lost" in found.skipped[0] and "2025.9" in found.skipped[0]
    assert found.skipped[0].text("zh") == "自评 lost（SH002）：标准 mini-service 2025.9 未载入"  # the user's language


def test_views_put_over_claims_first_in_the_report_language(
    mini_standard: Any, sample_dealers: list[Any], make_audit: Any
) -> None:
    from dataclasses import replace

    from dealer_audit.core.answers import AuditKind
    from dealer_audit.core.self_assessment_view import self_assessment_views

    visit = make_audit(audit_id="v1", dealer_code="SH002").with_answer(Answer("R01", "no"))
    bold = replace(make_audit(audit_id="bold", dealer_code="SH002").with_answer(Answer("R04", 1)), kind=AuditKind.SELF)
    modest = replace(make_audit(audit_id="modest", dealer_code="BJ001"), kind=AuditKind.SELF)
    gaps = [
        self_assessment_gap(mini_standard, sample_dealers[1], bold, [visit]),
        self_assessment_gap(mini_standard, sample_dealers[2], modest, [make_audit(dealer_code="BJ001")]),
    ]
    standards = {mini_standard.key: mini_standard}
    (view,) = self_assessment_views(gaps, standards, sample_dealers, "en", dealer_code="SH002")
    assert view.dealer_name == "Shanghai Minhang" and view.standard_title == "Mini service mystery shop"
    # R01 (yes claimed, no seen) and R04 (1 min claimed, 3 seen: half marks) are over-claims; items rated alike
    # (R03, W02 …) are left out; the larger gap comes first
    assert [(i.item_id, i.over_claim) for i in view.items] == [("R01", True), ("R04", True)]
    assert view.items[0].text == "The service advisor checks the car in on a tablet" and view.items[0].gap == 1.0
    assert view.over_claims == 2 and view.index_gap is not None and view.index_gap > 0
    zh = self_assessment_views(gaps, standards, sample_dealers, "zh", dealer_code="SH002")[0]
    assert zh.items[0].text == "服务顾问使用平板电脑接车" and zh.items[0].section == "接待"
    # the region and HQ lists keep the over-claiming dealers only, most first
    assert [v.dealer_code for v in self_assessment_views(gaps, standards, sample_dealers, "en", ranked=True)] == [
        "SH002"
    ]
    assert self_assessment_views(gaps, standards, sample_dealers, "en", region="north", ranked=True) == ()


def test_a_self_assessment_imported_twice_counts_once_at_its_newest_revision(
    mini_standard: Any, sample_dealers: list[Any], make_audit: Any
) -> None:
    """Revisions 1 and 2 of one self audit (and of one visit) in the wave's audits: one gap, from revision 2,
    compared with revision 2 of the visit; in the job's count too (services/self_assessment.py)."""
    from dataclasses import replace

    from dealer_audit.core.answers import AuditKind
    from dealer_audit.core.self_assessment import wave_self_assessments
    from dealer_audit.services.self_assessment import load_self_assessment

    first = replace(make_audit(audit_id="self", dealer_code="SH002"), kind=AuditKind.SELF, auditor="店长")
    second = replace(first.with_answer(Answer("R04", 1)), revision=2)  # the corrected copy claims R04 in full
    visit = make_audit(audit_id="v1", dealer_code="SH002")
    visit_again = replace(visit.with_answer(Answer("R04", 1)), revision=2)
    audits = [second, visit_again, first, visit]
    found = wave_self_assessments({mini_standard.key: mini_standard}, sample_dealers, audits, "2026-Q4")
    assert [g.self_audit_id for g in found.gaps] == ["self"]
    assert found.gaps[0] == self_assessment_gap(mini_standard, sample_dealers[1], second, [visit_again])
    assert found.gaps[0].visits == 1

    class Source:
        """Audits read as they were handed in (both revisions), as a folder of audit files would give them."""

        def list_audits(self, wave: str | None = None) -> list[Any]:
            return audits

        def list_standards(self) -> list[Any]:
            return [mini_standard]

        def list_dealers(self, region: str | None = None) -> list[Any]:
            return sample_dealers

        def get_dealer(self, code: str) -> Any:
            return next(d for d in sample_dealers if d.code == code)

    result = load_self_assessment(Source(), "2026-Q4", lang="en")
    assert result.self_audits == 1 and len(result.gaps) == 1 and len(result.views) == 1

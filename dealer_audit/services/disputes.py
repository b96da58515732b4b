"""Disputes on stored audits: record a report's issue date, file a dispute, rule on it, list, rates.

The library calls behind `dealer-audit disputes …` (cli/disputes.py). Rules: core/disputes.py. Storage:
storage/disputes.py (a ruling and the answer it revises are one transaction). An overturn goes through the
repository's answer revision (new revision, audit-trail row), so scores, ranks and alerts — computed from stored
audits — follow at the next `score` / `report`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from dealer_audit.capture.evidence import store_evidence
from dealer_audit.capture.session import parse_answer
from dealer_audit.core.actions import UNRESOLVED, ActionStatus, Verification, action_key
from dealer_audit.core.answers import Answer, Audit
from dealer_audit.core.disputes import (
    Dispute,
    DisputeRate,
    DisputeStatus,
    dispute_rates,
    ruling_problem,
    window_days,
    window_last_day,
    window_problem,
)
from dealer_audit.core.scoring import ItemScore, score_audit
from dealer_audit.core.standard import AnswerType, Item
from dealer_audit.errors import Conflict, DealerAuditError, Message, NotFound
from dealer_audit.storage.repository import Repository


def issue_reports(
    repo: Repository, wave: str, issued_on: date, dealer_code: str | None = None, who: str = ""
) -> tuple[int, int]:
    """Record that `wave`'s reports went out on `issued_on` (to one dealer, or to every dealer audited in the
    wave): the dispute window opens that day. Returns (recorded now, dealers concerned)."""
    if dealer_code is not None:
        codes = [repo.get_dealer(dealer_code).code]
    else:
        codes = sorted({a.dealer_code for a in repo.list_audits(wave=wave, status="finalised") if a.counts_in_scores})
        if not codes:
            raise NotFound(
                f"no finalised audits in wave {wave}: no report to issue",
                zh=f"稽核批次 {wave} 没有已定稿的稽核：没有可发布的报告",
            )
    return repo.record_issue(wave, codes, issued_on, who), len(codes)


@dataclass(frozen=True)
class DisputeWindow:
    """Where a wave's dispute window stands for one dealer on `today` (what the browser app shows beside the
    findings; filing checks the same rule again at the moment it is filed)."""

    wave: str
    issued_on: date | None
    days: int
    today: date
    problem: Message | None  # why a dispute filed today would be refused (None: the window is open)

    @property
    def last_day(self) -> date | None:
        return window_last_day(self.issued_on, self.days) if self.issued_on else None


def dispute_window(repo: Repository, wave: str, dealer_code: str, today: date) -> DisputeWindow:
    issued = repo.issued_on(wave, dealer_code)
    days = window_days(repo.get_program())
    return DisputeWindow(wave, issued, days, today, window_problem(issued, days, today))


@dataclass(frozen=True)
class Finding:
    """One failed item of a finalised audit: what a dealer may dispute."""

    audit: Audit
    item: Item
    score: ItemScore


def disputable_findings(repo: Repository, dealer_code: str, wave: str) -> list[Finding]:
    """The dealer's failed item findings in `wave` (finalised audits; the scoring's `failed`, as `file_dispute`
    requires), in audit and standard order."""
    dealer = repo.get_dealer(dealer_code)
    found: list[Finding] = []
    for audit in repo.list_audits(wave=wave, dealer_code=dealer.code, status="finalised"):
        standard = repo.get_standard(audit.standard_id, audit.standard_version)
        for score in score_audit(standard, audit, dealer).items:
            if score.failed:
                found.append(Finding(audit, standard.items_by_id[score.item_id], score))
    return found


def file_dispute(
    repo: Repository,
    audit_id: str,
    item_id: str,
    reason: str,
    *,
    evidence: tuple[Path, ...] = (),
    evidence_dir: Path | None = None,
    who: str = "",
    now: datetime | None = None,
) -> Dispute:
    """A dealer contests one failed item finding of a finalised audit, within the program's window. Evidence
    files are copied into the evidence store (`evidence_dir`, needed when there are any) once every check has
    passed, so a refused dispute leaves nothing behind."""
    if not reason.strip():
        raise DealerAuditError("a dispute needs a reason (--reason)", zh="申诉需要说明理由（--reason）")
    missing = [str(p) for p in evidence if not p.is_file()]
    if missing:
        raise NotFound(f"evidence file not found: {', '.join(missing)}", zh=f"找不到证据文件：{', '.join(missing)}")
    if evidence and evidence_dir is None:
        raise DealerAuditError(
            "dispute evidence needs an evidence store (--evidence-dir or a workspace)",
            zh="申诉证据需要证据库（--evidence-dir 或工作区）",
        )
    audit = repo.get_audit(audit_id)
    if not audit.is_final:
        raise Conflict(
            f"audit {audit.audit_id} is a draft: only finalised audits can be disputed",
            zh=f"稽核 {audit.audit_id} 仍是草稿：只能对已定稿的稽核提出申诉",
        )
    if not audit.counts_in_scores:
        raise Conflict(
            f"audit {audit.audit_id} is a {audit.kind.value} audit, which counts in no score: there is no finding "
            "to dispute",
            zh=f"稽核 {audit.audit_id} 是{audit.kind.label.zh}，不计入任何得分：没有可申诉的稽核结论",
        )
    standard = repo.get_standard(audit.standard_id, audit.standard_version)
    if item_id not in standard.items_by_id:
        raise NotFound(
            f"standard {standard.id} {standard.version} has no item {item_id}",
            zh=f"稽核标准 {standard.id} {standard.version} 中没有检查项 {item_id}",
        )
    score = score_audit(standard, audit, repo.get_dealer(audit.dealer_code))
    item_score = next((i for i in score.items if i.item_id == item_id), None)
    if item_score is None or not item_score.failed:
        raise Conflict(
            f"item {item_id} did not fail in audit {audit.audit_id}: there is no finding to dispute",
            zh=f"检查项 {item_id} 在稽核 {audit.audit_id} 中未失分：没有可申诉的稽核结论",
        )
    filed = now or datetime.now().astimezone()
    problem = window_problem(
        repo.issued_on(audit.wave, audit.dealer_code), window_days(repo.get_program()), filed.date()
    )
    if problem is not None:
        raise Conflict(
            f"dispute of {item_id} in audit {audit.audit_id} refused: {problem.en}",
            zh=f"稽核 {audit.audit_id} 中检查项 {item_id} 的申诉未被受理：{problem.zh}",
        )
    refs = tuple(store_evidence(p, evidence_dir) for p in evidence) if evidence_dir is not None else ()
    return repo.file_dispute(
        Dispute(
            dispute_id="",
            audit_id=audit.audit_id,
            dealer_code=audit.dealer_code,
            wave=audit.wave,
            standard_id=audit.standard_id,
            item_id=item_id,
            auditor=audit.auditor,
            reason=reason.strip(),
            filed_at=filed,
            filed_by=who,
            evidence=refs,
        )
    )


def rule_dispute(
    repo: Repository,
    dispute_id: str,
    ruling: DisputeStatus,
    *,
    who: str,
    why: str,
    value: str | None = None,
    read_version: int | None = None,
) -> Dispute:
    """HQ's ruling. An overturn revises the answer to `value` (default for a yes/no item: its compliant answer),
    as a new audit revision with the trail. `read_version` is the dispute version the ruler saw (default: the
    one read now); someone else's ruling first → Conflict naming them, nothing stored."""
    if not why.strip():
        raise DealerAuditError(
            "a ruling needs a reason (--why) for the audit trail", zh="裁决需要说明理由（--why），理由会记入修改记录"
        )
    dispute = repo.get_dispute(dispute_id)
    problem = ruling_problem(dispute, ruling)
    if problem is not None:
        raise Conflict(problem.en, zh=problem.zh)
    revised: Answer | None = None
    if ruling is DisputeStatus.OVERTURNED:
        audit = repo.get_audit(dispute.audit_id)
        item = repo.get_standard(audit.standard_id, audit.standard_version).items_by_id[dispute.item_id]
        if value is None:
            if item.type is not AnswerType.YES_NO:
                raise DealerAuditError(
                    f"overturning {dispute.item_id} ({item.type.value}) needs the corrected answer: --value",
                    zh=f"改判检查项 {dispute.item_id}（{item.type.value}）需要给出更正后的答案：--value",
                )
            value = item.compliant_answer
        parsed, na = parse_answer(item, value)
        old = audit.answer(dispute.item_id) or Answer(dispute.item_id)
        note = f"{old.note} [申诉成立 overturned on dispute]".strip()
        revised = replace(old, value=parsed, na=na, note=note)
    version = read_version if read_version is not None else dispute.version
    ruled = repo.rule_dispute(dispute.dispute_id, version, ruling, who, why.strip(), revised)
    if ruling is DisputeStatus.OVERTURNED:
        _close_overturned_action(repo, ruled, who)
    return ruled


def _close_overturned_action(repo: Repository, dispute: Dispute, who: str) -> None:
    """An overturned finding that no longer fails in any of the dealer's audits of the wave needs no action:
    its action (if `actions generate` made one) is closed as verified, with the dispute in its trail."""
    key = action_key(dispute.wave, dispute.dealer_code, dispute.standard_id, dispute.item_id)
    try:
        action = repo.get_action(key)
    except NotFound:
        return
    if action.status not in UNRESOLVED:
        return
    dealer = repo.get_dealer(dispute.dealer_code)
    for audit in repo.list_audits(wave=dispute.wave, dealer_code=dispute.dealer_code, status="finalised"):
        if audit.standard_id != dispute.standard_id or not audit.counts_in_scores:
            continue
        score = score_audit(repo.get_standard(audit.standard_id, audit.standard_version), audit, dealer)
        if any(i.item_id == dispute.item_id and i.failed for i in score.items):
            return  # another visit still failed it: the action stays
    closed = Verification(replace(action, status=ActionStatus.VERIFIED), action.status, dispute.wave)
    repo.record_actions([], [closed], who=who, source=f"dispute {dispute.dispute_id} overturned")


@dataclass(frozen=True)
class Rates:
    by_auditor: list[DisputeRate]
    by_item: list[DisputeRate]


def rates(repo: Repository, wave: str | None = None) -> Rates:
    """Dispute and overturn rates per auditor and per item (denominator: failed findings as captured — the
    failed items of finalised audits now, plus the overturned ones, which failed before the overturn)."""
    disputes = repo.list_disputes(wave=wave)
    audits = repo.list_audits(wave=wave, status="finalised")
    dealers = {d.code: d for d in repo.list_dealers()}
    standards = {s.key: s for s in repo.list_standards()}
    findings: list[tuple[str, str, str]] = []
    for audit in audits:
        standard = standards.get((audit.standard_id, audit.standard_version))
        dealer = dealers.get(audit.dealer_code)
        if standard is None or dealer is None or not audit.counts_in_scores:
            continue
        for item in score_audit(standard, audit, dealer).items:
            if item.failed and not item.bonus:
                findings.append((audit.auditor, audit.standard_id, item.item_id))
    findings += [(d.auditor, d.standard_id, d.item_id) for d in disputes if d.status is DisputeStatus.OVERTURNED]
    by_auditor, by_item = dispute_rates(findings, disputes)
    return Rates(by_auditor, by_item)

"""The demo's closing-the-loop story on the sample network: actions returned and verified, a repeat reopened, a
dispute overturned (the score moves).

Why a module of its own: `services/demo.py` chains the main job's stages; this stage drives the action-plan and
dispute services exactly as the commands do (`actions generate`, a dealer's returned statuses, `disputes issue`,
`disputes file`, `disputes rule`), with dates taken from the program's waves, so the demo is the same on every run
and its reports show the loop. Deterministic choices: the dealer with the most actions (then by code) returns
its actions; the first failed yes/no item of the last wave (by dealer, audit, item) is disputed and overturned.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from dealer_audit.core.actions import ActionStatus
from dealer_audit.core.disputes import DisputeStatus, window_days
from dealer_audit.core.scoring import score_audit
from dealer_audit.core.standard import AnswerType, Program
from dealer_audit.errors import Message
from dealer_audit.services.actions import generate_actions
from dealer_audit.services.disputes import file_dispute, issue_reports, rule_dispute
from dealer_audit.services.scoring_job import load_wave_result
from dealer_audit.storage.actions import ActionUpdate
from dealer_audit.storage.repository import Repository

HQ = "HQ 演示 demo"


@dataclass(frozen=True)
class LoopStory:
    first_wave: str
    last_wave: str
    actions_first: int
    returned_by: str
    returned: int
    verified: int
    reopened: int
    actions_last: int
    disputed_dealer: str = ""
    disputed_item: str = ""
    composite_before: float | None = None
    composite_after: float | None = None

    def text(self) -> Message:
        """What the loop did, in both languages (the demo's summary line)."""
        moved = moved_zh = ""
        if self.disputed_dealer:
            before = f"{self.composite_before:.1f}" if self.composite_before is not None else "N/A"
            after = f"{self.composite_after:.1f}" if self.composite_after is not None else "N/A"
            moved = f"; dispute of {self.disputed_dealer} {self.disputed_item} overturned ({before} → {after})"
            moved_zh = f"；{self.disputed_dealer} {self.disputed_item} 的申诉成立（{before} → {after}）"
        return Message(
            f"{self.actions_first} actions in {self.first_wave} ({self.returned_by} returned {self.returned}); "
            f"{self.last_wave} verified {self.verified}, reopened {self.reopened}, added {self.actions_last}{moved}",
            f"{self.first_wave} 共 {self.actions_first} 项整改（{self.returned_by} 已反馈 {self.returned} 项）；"
            f"{self.last_wave} 验证通过 {self.verified} 项，重新打开 {self.reopened} 项，新增 {self.actions_last} 项"
            f"{moved_zh}",
        )


def _day(value: str | None, fallback: date) -> date:
    return date.fromisoformat(value) if value else fallback


def run_loop(repo: Repository, program: Program, waves: list[str]) -> LoopStory:
    """Run the loop over the first and last of `waves` (at least two)."""
    first, last = waves[0], waves[-1]
    first_wave, last_wave = program.wave(first), program.wave(last)
    first_end = _day(first_wave.end if first_wave else None, date(2026, 9, 30))
    last_end = _day(last_wave.end if last_wave else None, first_end + timedelta(days=90))

    made = generate_actions(repo, first, today=first_end, who=HQ)
    by_dealer: dict[str, int] = {}
    for action in made.added:
        by_dealer[action.dealer_code] = by_dealer.get(action.dealer_code, 0) + 1
    dealer = min(by_dealer, key=lambda code: (-by_dealer[code], code)) if by_dealer else ""
    returned = [a for a in made.added if a.dealer_code == dealer]
    updates = [
        ActionUpdate(a.action_id, a.version, ActionStatus.DONE, "服务经理 service manager",
                     first_end + timedelta(days=20), "已整改 fixed, see photo")
        for a in returned
    ]  # fmt: skip
    repo.update_actions(updates, who=f"{dealer} 经销商 dealer", source="demo returned workbook")

    closed = generate_actions(repo, last, today=last_end, who=HQ)
    story = LoopStory(
        first, last, len(made.added), dealer, len(returned), len(closed.verified), len(closed.reopened),
        len(closed.added),
    )  # fmt: skip
    target = _disputable(repo, last)
    if target is None:
        return story
    audit_id, dealer_code, item_id = target
    before = load_wave_result(repo, last, program.id).dealer(dealer_code)
    issue_reports(repo, last, last_end, who=HQ)
    filed = datetime.combine(last_end + timedelta(days=max(0, min(3, window_days(program)))), time(10)).astimezone()
    dispute = file_dispute(
        repo,
        audit_id,
        item_id,
        "客户接待记录证明已执行 the reception log shows it was done",
        who=dealer_code,
        now=filed,
    )
    rule_dispute(repo, dispute.dispute_id, DisputeStatus.OVERTURNED, who=HQ, why="录像复核 CCTV review")
    after = load_wave_result(repo, last, program.id).dealer(dealer_code)
    return replace(
        story,
        disputed_dealer=dealer_code,
        disputed_item=item_id,
        composite_before=before.composite if before else None,
        composite_after=after.composite if after else None,
    )


def _disputable(repo: Repository, wave: str) -> tuple[str, str, str] | None:
    """The first failed yes/no item of a finalised audit of `wave` (dealer, audit id, item order)."""
    dealers = {d.code: d for d in repo.list_dealers()}
    standards = {s.key: s for s in repo.list_standards()}
    for audit in sorted(repo.list_audits(wave=wave, status="finalised"), key=lambda a: (a.dealer_code, a.audit_id)):
        standard = standards.get((audit.standard_id, audit.standard_version))
        dealer = dealers.get(audit.dealer_code)
        if standard is None or dealer is None or not audit.counts_in_scores:
            continue
        items = standard.items_by_id
        for score in score_audit(standard, audit, dealer).items:
            if score.failed and not score.bonus and items[score.item_id].type is AnswerType.YES_NO:
                return audit.audit_id, audit.dealer_code, score.item_id
    return None

"""Disputes (申诉): a dealer contests one item finding of an audit; HQ rules on it.

Rules, in one place (docs/actions-and-disputes.md explains them for a regional manager):

* **Window.** A dispute may be filed from the day the wave's report was issued to the dealer until
  `window_days` days after it (the program file's ``disputes: {window_days: N}``, default 14). The issue date is
  recorded explicitly (`dealer-audit disputes issue --wave W`), never guessed from a file's time. Before the
  report is issued, or after the window, a dispute is refused with the dates.
* **What may be disputed.** A finalised audit's item that failed (the scoring's `ItemScore.failed`); one open
  dispute per audit × item at a time. A reason is required; evidence files are optional.
* **Rulings.** HQ rules once: ``upheld`` (the finding stands), ``overturned`` (the answer is revised to the value
  HQ gives, as a new audit revision with the trail: who, when, why) or ``reaudit`` (the item is to be checked
  again on a new visit; the finding stands until then). Scores, ranks and alerts are computed from stored audits,
  so an overturned finding moves them at the next `score` / `report`.
* **One ruling stands.** A ruling names the dispute version it was made on; a second ruling on the same dispute
  (two HQ users at once) is refused and the second user told who ruled.
* **Rates.** Per auditor and per item: disputes ÷ failed findings, overturned ÷ ruled disputes (calibration
  input: an auditor whose findings are often overturned needs re-briefing).

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from dealer_audit.core.answers import AnswerValue, EvidenceRef
from dealer_audit.core.standard import LocalText, Program
from dealer_audit.errors import Message

DEFAULT_WINDOW_DAYS = 14


class DisputeStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    OVERTURNED = "overturned"
    REAUDIT = "reaudit"

    @property
    def label(self) -> LocalText:
        return _LABELS[self]


_LABELS: Mapping[DisputeStatus, LocalText] = {
    DisputeStatus.OPEN: LocalText("申诉中", "disputed"),
    DisputeStatus.UPHELD: LocalText("维持原判", "upheld"),
    DisputeStatus.OVERTURNED: LocalText("申诉成立", "overturned"),
    DisputeStatus.REAUDIT: LocalText("复核", "re-audit"),
}

RULINGS = (DisputeStatus.UPHELD, DisputeStatus.OVERTURNED, DisputeStatus.REAUDIT)


@dataclass(frozen=True)
class Dispute:
    dispute_id: str  # ``audit_id/item_id/n``: the n-th dispute of that finding
    audit_id: str
    dealer_code: str
    wave: str
    standard_id: str
    item_id: str
    auditor: str
    reason: str
    filed_at: datetime
    filed_by: str = ""
    evidence: tuple[EvidenceRef, ...] = ()  # files kept in the evidence store under their sha256
    status: DisputeStatus = DisputeStatus.OPEN
    ruled_by: str = ""
    ruled_at: datetime | None = None
    ruling_why: str = ""
    revised_value: AnswerValue = None  # the answer HQ set when overturning
    version: int = 1

    @property
    def is_open(self) -> bool:
        return self.status is DisputeStatus.OPEN


def window_days(program: Program) -> int:
    return DEFAULT_WINDOW_DAYS if program.dispute_window_days is None else program.dispute_window_days


def window_last_day(issued: date, days: int) -> date:
    """The last day a dispute is accepted for a report issued on `issued` (the window's one definition)."""
    return issued + timedelta(days=days)


def window_problem(issued: date | None, days: int, filed: date) -> Message | None:
    """Why a dispute filed on `filed` is refused, in both languages (None: in time). `issued`: the report's issue
    date."""
    if issued is None:
        return Message(
            "the report of this wave has not been issued to the dealer yet, so there is nothing to dispute "
            "(HQ records it with `dealer-audit disputes issue`)",
            "本批次的报告尚未向经销商发布，暂无可申诉的内容（由总部用 `dealer-audit disputes issue` 登记发布）",
        )
    last = window_last_day(issued, days)
    if filed < issued:
        return Message(
            f"filed on {filed.isoformat()}, before the report was issued on {issued.isoformat()}",
            f"提交日期 {filed.isoformat()} 早于报告发布日 {issued.isoformat()}",
        )
    if filed > last:
        return Message(
            f"too late: the report was issued on {issued.isoformat()} and disputes closed after {days} days, on "
            f"{last.isoformat()}; this one is dated {filed.isoformat()}",
            f"已超过申诉期限：报告于 {issued.isoformat()} 发布，申诉期 {days} 天，已于 {last.isoformat()} 截止；"
            f"本次申诉日期为 {filed.isoformat()}",
        )
    return None


def ruling_problem(dispute: Dispute, ruling: DisputeStatus) -> Message | None:
    """Why `ruling` cannot be made on `dispute` now, in both languages (None: it can)."""
    if ruling not in RULINGS:
        return Message(
            f"a ruling is one of {', '.join(r.value for r in RULINGS)}, not {ruling.value}",
            f"裁决只能是 {', '.join(r.value for r in RULINGS)} 之一，不能是 {ruling.value}",
        )
    if not dispute.is_open:
        when = dispute.ruled_at.isoformat(timespec="minutes") if dispute.ruled_at else ""
        status = dispute.status.label
        return Message(
            f"dispute {dispute.dispute_id} was already ruled {dispute.status.value} by {dispute.ruled_by or 'someone'} "
            f"at {when or 'earlier'}; that ruling stands",
            f"申诉 {dispute.dispute_id} 已由 {dispute.ruled_by or '他人'}"
            f"{f' 于 {when} ' if when else ' '}裁决为“{status.zh}”，该裁决有效",
        )
    return None


@dataclass(frozen=True)
class DisputeRate:
    """Disputes and overturns of one auditor or one item."""

    key: str  # auditor name, or ``standard/item``
    failed: int  # failed findings (disputable)
    disputed: int
    ruled: int
    overturned: int

    @property
    def dispute_rate(self) -> float | None:
        return self.disputed / self.failed if self.failed else None

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.ruled if self.ruled else None


def dispute_rates(
    failed_findings: Iterable[tuple[str, str, str]], disputes: Iterable[Dispute]
) -> tuple[list[DisputeRate], list[DisputeRate]]:
    """(per auditor, per item) rates. `failed_findings` are (auditor, standard id, item id), one per failed item
    of a finalised audit, taken from the audits *as captured* (before any overturn) — the denominator."""
    failed_by_auditor: dict[str, int] = {}
    failed_by_item: dict[str, int] = {}
    for auditor, standard_id, item_id in failed_findings:
        failed_by_auditor[auditor] = failed_by_auditor.get(auditor, 0) + 1
        key = f"{standard_id}/{item_id}"
        failed_by_item[key] = failed_by_item.get(key, 0) + 1
    counts: dict[tuple[str, str], list[int]] = {}
    for d in disputes:
        for group, key in (("auditor", d.auditor), ("item", f"{d.standard_id}/{d.item_id}")):
            c = counts.setdefault((group, key), [0, 0, 0])
            c[0] += 1
            c[1] += not d.is_open
            c[2] += d.status is DisputeStatus.OVERTURNED

    def rows(group: str, failed: Mapping[str, int]) -> list[DisputeRate]:
        keys = sorted(set(failed) | {k for g, k in counts if g == group})
        return [DisputeRate(k, failed.get(k, 0), *counts.get((group, k), [0, 0, 0])) for k in keys]

    return rows("auditor", failed_by_auditor), rows("item", failed_by_item)

"""Action plans as data: every failed item of a wave becomes an action at the dealer, and the next wave's audit
closes the loop (问题追踪, issue tracking).

Rules, in one place (docs/actions-and-disputes.md explains them for a regional manager):

* **One action per dealer × standard × item failed in a wave.** "Failed" is the scoring's own notion
  (`ItemScore.failed`: counted and below full marks); bonus items are left out (missing a bonus is no breach).
  The finding is the auditors' notes of the failing audits, the evidence their files.
* **Status.** ``open → in_progress → done``; the dealer may also go straight from ``open`` to ``done`` (a fix made
  at once). ``verified`` and ``reopened`` are never set by hand: only the next wave's audit sets them. A
  ``reopened`` action goes back to ``in_progress`` or ``done``. ``verified`` is final.
* **Closing the loop.** For the wave that follows an action's latest finding, the item's status in that wave's
  scored result decides (`core.aggregate.ItemStatus`, the same rule that names repeat failures): passed or fixed
  → ``verified``; failed again (a repeat failure) → ``reopened`` with ``repeat_count + 1`` and that wave as the
  latest finding. Not rated (not audited, N/A) → unchanged, checked again next wave.
* **No duplicates.** An item that reopened an action in a wave gets no second action for that wave.

Pure: no I/O. Storage keeps actions (storage/actions.py); services/actions.py runs these rules on stored waves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import NamedTuple, Protocol

from dealer_audit.core.aggregate import ItemStatus, WaveResult
from dealer_audit.core.answers import Audit
from dealer_audit.core.scoring import AuditScore
from dealer_audit.core.standard import Checklist, LocalText
from dealer_audit.core.versions import version_key
from dealer_audit.errors import Message


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"
    REOPENED = "reopened"

    @property
    def label(self) -> LocalText:
        return STATUS_LABELS[self]


STATUS_LABELS: Mapping[ActionStatus, LocalText] = {
    ActionStatus.OPEN: LocalText("待整改", "open"),
    ActionStatus.IN_PROGRESS: LocalText("整改中", "in progress"),
    ActionStatus.DONE: LocalText("已完成", "done"),
    ActionStatus.VERIFIED: LocalText("已验证", "verified"),
    ActionStatus.REOPENED: LocalText("重新打开", "reopened"),
}

DEALER_TRANSITIONS: Mapping[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.OPEN: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.DONE}),
    ActionStatus.DONE: frozenset(),
    ActionStatus.VERIFIED: frozenset(),
    ActionStatus.REOPENED: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE}),
}
"""The changes a dealer (or HQ on its behalf) may make; staying on the same status is always allowed."""

DEALER_STATUSES: tuple[ActionStatus, ...] = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE)
"""What the workbook's status dropdown offers (verified and reopened come from the next audit only)."""

UNRESOLVED: frozenset[ActionStatus] = frozenset(
    {ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.REOPENED}
)


def transition_problem(current: ActionStatus, new: ActionStatus) -> Message | None:
    """Why a dealer may not move an action from `current` to `new` (None: allowed), in both languages."""
    if new == current or new in DEALER_TRANSITIONS[current]:
        return None
    if new in (ActionStatus.VERIFIED, ActionStatus.REOPENED):
        return Message(
            f"{new.value} is set by the next wave's audit, not by hand",
            f"“{new.label.zh}”由下一轮稽核判定，不能手工设置",
        )
    allowed = sorted(s.value for s in DEALER_TRANSITIONS[current])
    allowed_zh = "、".join(s.label.zh for s in sorted(DEALER_TRANSITIONS[current], key=lambda s: s.value))
    return Message(
        f"an action that is {current.value} cannot become {new.value}"
        + (f" (allowed: {', '.join(allowed)})" if allowed else " (it is closed)"),
        f"“{current.label.zh}”的整改项不能改为“{new.label.zh}”"
        + (f"（可改为：{allowed_zh}）" if allowed_zh else "（该整改项已关闭）"),
    )


@dataclass(frozen=True)
class Action:
    """One corrective action at one dealer for one item found failing in a wave.

    `action_id` is the natural key ``wave/dealer/standard/item``: generating a wave's actions twice finds them
    again instead of adding copies. `last_wave` is the wave of the latest finding (the action's own wave, or the
    wave that reopened it): the wave after it verifies or reopens the action."""

    action_id: str
    dealer_code: str
    wave: str
    standard_id: str
    standard_version: str
    section_id: str
    item_id: str
    finding: str = ""
    evidence: tuple[str, ...] = ()  # evidence file names (sha256 kept in storage's evidence rows)
    audit_ids: tuple[str, ...] = ()  # the audits in which the item failed
    critical: bool = False
    owner: str = ""
    due: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    repeat_count: int = 0
    last_wave: str = ""
    note: str = ""  # the dealer's word on the fix
    version: int = 1  # bumped on every stored change: a stale workbook or a concurrent edit is noticed

    def overdue(self, today: date) -> bool:
        return is_overdue(self.status, self.due, today)


STILL_OPEN = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.REOPENED})  # not yet done


def is_overdue(status: ActionStatus, due: date | None, today: date) -> bool:
    """Past its due date and not yet done (done, verified: the dealer has answered)."""
    return due is not None and today > due and status in STILL_OPEN


class ActionState(NamedTuple):
    """What an overview counts of an action: a dealer's open and overdue figures need no finding or trail, and
    an HQ overview reads ~50,000 of these per page at 3,000 dealers (storage: `list_action_states`)."""

    dealer_code: str
    status: ActionStatus
    due: date | None


def action_key(wave: str, dealer_code: str, standard_id: str, item_id: str) -> str:
    return f"{wave}/{dealer_code}/{standard_id}/{item_id}"


@dataclass(frozen=True)
class Verification:
    """What the next wave's audit did to one action."""

    action: Action  # the action after the change
    previous: ActionStatus
    wave: str  # the wave whose audit decided


def _finding(audits: Sequence[Audit], item_id: str) -> tuple[str, tuple[str, ...]]:
    notes: list[str] = []
    files: list[str] = []
    for audit in audits:
        answer = audit.answer(item_id)
        if answer is None:
            continue
        if answer.note and answer.note not in notes:
            notes.append(answer.note)
        files.extend(e.file_name for e in answer.evidence if e.file_name not in files)
    return "; ".join(notes), tuple(files)


def actions_for_wave(
    result: WaveResult, audits: Iterable[Audit], existing: Iterable[Action] = (), due: date | None = None
) -> list[Action]:
    """New actions for every item failed in `result.wave` (one per dealer × standard × item), sorted by id.

    Items that already have an action for this wave (generated before, or reopened by this wave's audit) are
    skipped, so running it again adds nothing. Only finalised, counted audits count (the scoring's rule)."""
    audit_by_id = {a.audit_id: a for a in audits}
    taken = {(a.dealer_code, a.standard_id, a.item_id) for a in existing if result.wave in (a.wave, a.last_wave)}
    failing: dict[tuple[str, str, str], list[tuple[AuditScore, bool, str]]] = {}
    for dealer in result.dealers:
        for checklist in dealer.checklists:
            for score in checklist.audits:
                for item in score.items:
                    if item.failed and not item.bonus:
                        key = (dealer.code, checklist.standard_id, item.item_id)
                        failing.setdefault(key, []).append((score, item.critical is not None, item.section_id))
    made: list[Action] = []
    for (dealer_code, standard_id, item_id), hits in failing.items():
        if (dealer_code, standard_id, item_id) in taken:
            continue
        failed_audits = [audit_by_id[s.audit_id] for s, _, _ in hits if s.audit_id in audit_by_id]
        finding, evidence = _finding(failed_audits, item_id)
        made.append(
            Action(
                action_id=action_key(result.wave, dealer_code, standard_id, item_id),
                dealer_code=dealer_code,
                wave=result.wave,
                standard_id=standard_id,
                standard_version=max((s.standard_version for s, _, _ in hits), key=version_key),
                section_id=hits[0][2],
                item_id=item_id,
                finding=finding,
                evidence=evidence,
                audit_ids=tuple(sorted(s.audit_id for s, _, _ in hits)),
                critical=any(c for _, c, _ in hits),
                due=due,
                last_wave=result.wave,
            )
        )
    return sorted(made, key=lambda a: a.action_id)


def verify_actions(result: WaveResult, actions: Iterable[Action], due: date | None = None) -> list[Verification]:
    """Close the loop with `result` (a scored wave with its previous wave): every unresolved action whose latest
    finding is from `result.previous_wave` is verified (the item passed) or reopened (failed again: a repeat
    failure, counted; due again on `due` when given). Actions whose item was not rated this wave are left as
    they are."""
    if result.previous_wave is None:
        return []
    changes: list[Verification] = []
    for action in actions:
        if action.status not in UNRESOLVED or (action.last_wave or action.wave) != result.previous_wave:
            continue
        dealer = result.dealer(action.dealer_code)
        checklist = dealer.checklist(action.standard_id) if dealer else None
        item = checklist.item(action.item_id) if checklist else None
        if item is None:
            continue
        if item.status in (ItemStatus.PASSED, ItemStatus.FIXED):
            updated = replace(action, status=ActionStatus.VERIFIED)
        elif item.status in (ItemStatus.REPEAT_FAILURE, ItemStatus.NEW_FAILURE):
            updated = replace(
                action,
                status=ActionStatus.REOPENED,
                repeat_count=action.repeat_count + 1,
                last_wave=result.wave,
                due=due or action.due,
            )
        else:
            continue
        changes.append(Verification(updated, action.status, result.wave))
    return sorted(changes, key=lambda v: v.action.action_id)


@dataclass(frozen=True)
class DealerActionSummary:
    """What a regional manager chases per dealer."""

    dealer_code: str
    total: int
    open: int  # not yet done by the dealer: open, in progress, reopened
    overdue: int  # of those, past their due date
    done: int  # done by the dealer, waiting for the next audit
    verified: int
    reopened: int


def summarise_actions(actions: Iterable[Action | ActionState], today: date) -> list[DealerActionSummary]:
    """Per dealer (by code): how many actions are open, overdue, done, verified, reopened as of `today`."""
    by_dealer: dict[str, list[Action | ActionState]] = {}
    for action in actions:
        by_dealer.setdefault(action.dealer_code, []).append(action)
    rows = []
    for code in sorted(by_dealer):
        mine = by_dealer[code]
        count = {status: sum(a.status is status for a in mine) for status in ActionStatus}
        rows.append(
            DealerActionSummary(
                code,
                len(mine),
                sum(count[status] for status in STILL_OPEN),
                sum(is_overdue(a.status, a.due, today) for a in mine),
                count[ActionStatus.DONE],
                count[ActionStatus.VERIFIED],
                count[ActionStatus.REOPENED],
            )
        )
    return rows


class ItemFound(Protocol):
    """An item found at a visit on a version of its standard: an action, or a disputed finding with its audit's
    standard version."""

    @property
    def standard_id(self) -> str: ...

    @property
    def standard_version(self) -> str: ...

    @property
    def item_id(self) -> str: ...


RequirementKey = tuple[str, str, str]  # standard id, standard version, item id


def requirement_key(finding: ItemFound) -> RequirementKey:
    """How `requirement_texts` files a finding's text: by the version too, since one item of two findings made on
    different versions may be worded differently."""
    return finding.standard_id, finding.standard_version, finding.item_id


def requirement_texts(
    standards: Mapping[tuple[str, str], Checklist], found: Iterable[ItemFound], lang: str
) -> dict[RequirementKey, str]:
    """`requirement_key` → the item's requirement text in `lang`, from the version each finding was made on (what
    the dealer's Actions sheet shows beside the finding, and a dispute card names): the wording the dealer was
    audited against, not a newer version's."""
    texts: dict[RequirementKey, str] = {}
    for finding in found:
        key = requirement_key(finding)
        if key not in texts:
            standard = standards.get((finding.standard_id, finding.standard_version))
            item = standard.items_by_id.get(finding.item_id) if standard else None
            texts[key] = item.text.get(lang) if item else ""
    return texts

"""Action plans on stored waves: generate a wave's actions (closing the loop on the previous wave's), export a
dealer's actions as a workbook, import the returned workbook, list them.

The library calls behind `dealer-audit actions …` (cli/actions.py). The rules are core/actions.py's; storage is
storage/actions.py's; this module only joins them to the scoring service and the workbook format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dealer_audit.core.actions import (
    Action,
    ActionStatus,
    Verification,
    actions_for_wave,
    requirement_texts,
    transition_problem,
    verify_actions,
)
from dealer_audit.core.aggregate import score_wave
from dealer_audit.errors import Location, Message, Problem, ValidationFailed
from dealer_audit.formats.actions_xlsx import (
    SHEET,
    ExportHeader,
    read_actions_workbook,
    write_actions_workbook,
)
from dealer_audit.formats.files import write_atomically
from dealer_audit.services.scoring_job import load_scoring_inputs
from dealer_audit.storage.actions import ActionUpdate
from dealer_audit.storage.repository import Repository

DEFAULT_DUE_DAYS = 30


@dataclass(frozen=True)
class GenerateResult:
    wave: str
    previous_wave: str | None
    added: tuple[Action, ...]
    verifications: tuple[Verification, ...]

    @property
    def verified(self) -> tuple[Verification, ...]:
        return tuple(v for v in self.verifications if v.action.status is ActionStatus.VERIFIED)

    @property
    def reopened(self) -> tuple[Verification, ...]:
        return tuple(v for v in self.verifications if v.action.status is ActionStatus.REOPENED)


def generate_actions(
    repo: Repository,
    wave: str,
    *,
    due_days: int = DEFAULT_DUE_DAYS,
    today: date | None = None,
    who: str = "",
    program_id: str | None = None,
) -> GenerateResult:
    """Score `wave` from storage; verify or reopen the previous wave's unresolved actions (the loop closes);
    add an action for every item failed in `wave`, due `due_days` after `today` (a reopened action is due
    again then). Idempotent: a second run adds
    and changes nothing. All of it is stored in one transaction."""
    program, standards, dealers, audits, previous_audits = load_scoring_inputs(repo, wave, program_id)
    result = score_wave(program, standards, dealers, audits, wave, previous_audits)
    existing = repo.list_actions()
    due = (today or datetime.now(UTC).date()) + timedelta(days=due_days)
    verifications = verify_actions(result, existing, due)
    changed = {v.action.action_id: v.action for v in verifications}
    current = [changed.get(a.action_id, a) for a in existing]
    new = actions_for_wave(result, audits, current, due)
    repo.record_actions(new, verifications, who=who, source=f"wave {wave}")
    return GenerateResult(wave, result.previous_wave, tuple(new), tuple(verifications))


def export_actions(
    repo: Repository, dealer_code: str, path: Path, *, key: bytes, include_closed: bool = False, lang: str = "zh"
) -> list[Action]:
    """Write the dealer's actions to `path` (unresolved ones; all with `include_closed`), the hidden record
    sealed with `key` (the workspace's form key). Returns them."""
    dealer = repo.get_dealer(dealer_code)
    actions = [
        a for a in repo.list_actions(dealer_code=dealer.code) if include_closed or a.status is not ActionStatus.VERIFIED
    ]
    standards = {s.key: s for s in repo.list_standards()}
    texts = requirement_texts(standards, actions, lang)
    head = ExportHeader(dealer.code, dealer.name, datetime.now(UTC))
    write_atomically(path, lambda target: write_actions_workbook(target, head, actions, texts, key))
    return actions


def change_problem(
    action: Action, read_version: int, status: ActionStatus, *, browser: bool = False
) -> tuple[str, Message, str, Message] | None:
    """Why a dealer's change to `action`, read at `read_version`, is refused: (field, message, code, hint), the
    field being the one to point at (a workbook column, a browser form field); None when it may be stored. The one
    check both the returned workbook and the browser form (`browser`: worded for a page) go through."""
    if action.version != read_version:
        now = f"now {action.status.value}, version {action.version}"
        now_zh = f"现为“{action.status.label.zh}”，版本 {action.version}"
        if browser:
            message = Message(
                f"action {action.action_id} changed since this page was opened ({now}, the page had version "
                f"{read_version})",
                f"整改措施 {action.action_id} 在页面打开后已被修改（{now_zh}，页面上为版本 {read_version}）",
            )
            hint = Message("reload the page and enter the change again", "请刷新页面后重新填写修改")
        else:
            message = Message(
                f"action {action.action_id} changed since this file was exported ({now}, the file has version "
                f"{read_version})",
                f"整改措施 {action.action_id} 在此文件导出后已被修改（{now_zh}，文件中为版本 {read_version}）",
            )
            hint = Message("export the actions again and re-enter this row", "请重新导出整改措施并重新填写此行")
        return "status", message, "stale", hint
    problem = transition_problem(action.status, status)
    if problem is not None:
        return "status", problem, "transition", Message("")
    return None


def update_action(
    repo: Repository,
    action_id: str,
    read_version: int,
    status: ActionStatus,
    owner: str,
    due: date | None,
    note: str,
    *,
    who: str = "",
    source: str = "browser",
) -> Action:
    """One action changed by hand (the browser app's form): the same checks as a returned workbook row, each
    refusal located at the form field (``action <id> (status)``); stored with the trail. Returns the action now."""
    action = repo.get_action(action_id)
    refused = change_problem(action, read_version, status, browser=True)
    if refused is not None:
        field, message, code, hint = refused
        where = Location(file=f"action {action_id}", path=field)
        raise ValidationFailed(
            [Problem(where, message.en, code, hint=hint.en, zh=message.zh, hint_zh=hint.zh)],
            f"action {action_id}: nothing was stored",
            summary_zh=f"整改措施 {action_id}：未做任何保存",
        )
    repo.update_actions(
        [ActionUpdate(action_id, read_version, status, owner.strip(), due, note.strip())], who=who, source=source
    )
    return repo.get_action(action_id)


@dataclass(frozen=True)
class ImportResult:
    dealer_code: str
    rows: int
    changed: int


def import_actions(repo: Repository, path: Path, *, key: bytes, who: str = "") -> ImportResult:
    """Read a returned Actions workbook and store its changes, all or nothing.

    A workbook whose sealed hidden record does not verify with `key` is refused first (FILE!_actions!CELL).
    Every bad cell is reported as FILE!Actions!CELL, together: an unknown status or date (the reader), a status
    change the rules forbid, an action that changed since the file was exported (stale: export again). Nothing
    is stored when anything is wrong; the update itself is refused again if an action moves on meanwhile."""
    returned = read_actions_workbook(path, key)
    file = str(path)
    stored = {a.action_id: a for a in repo.list_actions(dealer_code=returned.dealer_code)}
    problems: list[Problem] = list(returned.problems)
    updates: list[ActionUpdate] = []
    for row in returned.rows:
        action = stored.get(row.action_id)
        if action is None:
            problems.append(
                Problem(
                    Location(file=file, sheet=SHEET, cell=row.cell("action")),
                    f"action {row.action_id} is not stored for dealer {returned.dealer_code} (another database?)",
                    zh=f"经销商 {returned.dealer_code} 没有存储整改措施 {row.action_id}（是否来自另一个数据库？）",
                )
            )
            continue
        refused = change_problem(action, row.version, row.status)
        if refused is not None:
            field, message, code, hint = refused
            where = Location(file=file, sheet=SHEET, cell=row.cell(field))
            problems.append(Problem(where, message.en, code, hint=hint.en, zh=message.zh, hint_zh=hint.zh))
            continue
        updates.append(ActionUpdate(row.action_id, row.version, row.status, row.owner, row.due, row.note))
    if problems:
        raise ValidationFailed(
            problems,
            f"{file}: {len(problems)} problem(s); nothing was stored",
            summary_zh=f"{file}：发现 {len(problems)} 处问题，未做任何保存",
        )
    changed = repo.update_actions(updates, who=who, source=Path(file).name)
    return ImportResult(returned.dealer_code, len(returned.rows), changed)

"""CLI: `dealer-audit actions generate | list | export | import` — action plans (问题追踪) for failed items.

`generate --wave W` is run once a wave's audits are in: it verifies or reopens the previous wave's actions and
adds one action per item failed in W (running it again adds nothing). Each command calls services/actions.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import (
    DbOption,
    LangOption,
    OptionalWaveOption,
    RegionOption,
    WaveOption,
    WhoOption,
    WorkspaceOption,
    open_workspace,
    parse_day,
    resolve_lang,
    who_or_login,
)
from dealer_audit.cli.error_language import bad_parameter, current_language
from dealer_audit.core.actions import ActionStatus
from dealer_audit.errors import Message, ValidationFailed, pick

actions_app = typer.Typer(
    name="actions",
    help="Action plans for failed items: generate for a wave, list, export to the dealer, import its answer.\n\n"
    "整改计划：按轮次生成、列表、导出给经销商、导入经销商反馈。",
    no_args_is_help=True,
)


def _today(value: str | None) -> date:
    """`--today`, else today in UTC (the date the action trail records)."""
    return parse_day(value, "--today") or datetime.now(UTC).date()


@actions_app.command("generate")
def generate(
    wave: WaveOption,
    due_days: Annotated[int, typer.Option("--due-days", min=1, help="Days until an action is due.")] = 30,
    today: Annotated[str | None, typer.Option("--today", help="Count due dates from this date (yyyy-mm-dd).")] = None,
    who: WhoOption = "",
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Close the loop on the previous wave's actions (verified / reopened) and add the wave's new actions.

    关闭上一轮整改项（已验证/重新打开），并为本轮每个失分项生成整改项。
    """
    from dealer_audit.services.actions import generate_actions

    with open_workspace(workspace, db) as ws:
        result = generate_actions(ws.repo, wave, due_days=due_days, today=_today(today), who=who_or_login(who))
    said = current_language()
    if result.previous_wave:
        previous, verified, reopened = result.previous_wave, len(result.verified), len(result.reopened)
        checked = pick(
            f"wave {previous} actions checked by {wave}: {verified} verified, {reopened} reopened (repeat failures)",
            f"批次 {previous} 的整改项经 {wave} 复查：{verified} 项已验证，{reopened} 项重新打开（重复失分）",
            said,
        )
        console.out.print(checked, markup=False, soft_wrap=True)
        for change in result.reopened:
            action_id, repeat = change.action.action_id, change.action.repeat_count
            again = pick(
                f"  reopened {action_id} (repeat #{repeat})", f"  重新打开 {action_id}（第 {repeat} 次重复）", said
            )
            console.out.print(again, markup=False, soft_wrap=True)
    added = len(result.added)
    new = pick(f"wave {wave}: {added} new action(s)", f"批次 {wave}：新增整改项 {added} 项", said)
    console.out.print(new, markup=False, soft_wrap=True)


@actions_app.command("list")
def list_(
    dealer: Annotated[str | None, typer.Option("--dealer", help="Only this dealer's actions.")] = None,
    region: RegionOption = None,
    wave: OptionalWaveOption = None,
    status: Annotated[
        str | None, typer.Option("--status", help="open, in_progress, done, verified or reopened.")
    ] = None,
    summary: Annotated[bool, typer.Option("--summary", help="Per dealer: open, overdue, done, verified.")] = False,
    today: Annotated[str | None, typer.Option("--today", help="Overdue as of this date (yyyy-mm-dd).")] = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """List actions (id, status, owner, due, overdue, repeats, finding), or a per-dealer summary."""
    from dealer_audit.core.actions import summarise_actions

    wanted: ActionStatus | None = None
    if status is not None:
        try:
            wanted = ActionStatus(status)
        except ValueError:
            choices = ", ".join(s.value for s in ActionStatus)
            raise bad_parameter(
                f"{status!r} is not one of {choices}", f"{status!r} 无效，只能是 {choices} 之一", param_hint="--status"
            ) from None
    as_of = _today(today)
    with open_workspace(workspace, db) as ws:
        region_dealers = [d.code for d in ws.repo.list_dealers(region=region)] if region else None
        if region and not region_dealers:
            raise bad_parameter(
                f"no dealers in region {region!r}", f"区域 {region!r} 中没有经销商", param_hint="--region"
            )
        actions = ws.repo.list_actions(wave=wave, dealer_code=dealer, status=wanted, region_dealers=region_dealers)
    if not actions:
        told = Message(
            "no actions; make them with `dealer-audit actions generate --wave WAVE`",
            "没有整改措施；请用 `dealer-audit actions generate --wave WAVE` 生成",
        )
        console.err.print(told.text(current_language()), markup=False)
        return
    if summary:
        rows = [
            [s.dealer_code, str(s.total), str(s.open), str(s.overdue), str(s.done), str(s.verified), str(s.reopened)]
            for s in summarise_actions(actions, as_of)
        ]
        counted = [
            console.DEALER,
            Message("actions", "整改项"),
            Message("open", "未 完成"),
            Message("overdue", "逾期"),
            Message("done", "待 验证"),
            Message("verified", "已验证"),
            Message("reopened", "重新打开"),
        ]
        console.print_table(counted, rows, lang=current_language())
        return
    said = current_language()
    rows = [
        [
            a.wave,
            a.dealer_code,
            a.item_id,
            a.status.value,
            a.owner,
            a.due.isoformat() if a.due else "",
            pick("overdue", "逾期", said) if a.overdue(as_of) else "",
            str(a.repeat_count) if a.repeat_count else "",
            a.finding,
        ]
        for a in actions
    ]
    headers = [
        console.WAVE,
        console.DEALER,
        console.ITEM,
        console.STATUS,
        Message("owner", "责任人"),
        Message("due", "完成日期"),
        Message("overdue", "逾期"),
        Message("repeats", "重复"),
        Message("finding", "问题"),
    ]
    console.print_table(headers, rows, lang=said)
    console.out.print(pick(f"{len(actions)} action(s)", f"{len(actions)} 个整改项", current_language()), markup=False)


@actions_app.command("export")
def export(
    dealer: Annotated[str, typer.Option("--dealer", help="The dealer whose actions to export.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")],
    include_closed: Annotated[bool, typer.Option("--all", help="Include verified (closed) actions.")] = False,
    lang: LangOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Write a dealer's actions to a workbook the dealer fills in (status, owner, due date, note) and returns.

    导出经销商整改项工作簿（状态、责任人、完成期限、整改说明）。
    """
    from dealer_audit.services.actions import export_actions

    if output.suffix.lower() != ".xlsx":
        raise ValidationFailed(
            [], f"{output}: the output must be an .xlsx file", summary_zh=f"{output}：输出文件必须是 .xlsx 文件"
        )
    with open_workspace(workspace, db) as ws:
        actions = export_actions(
            ws.repo, dealer, output, key=ws.form_key, include_closed=include_closed, lang=resolve_lang(lang, ws)
        )
    wrote = pick(
        f"wrote {output}: {len(actions)} action(s) for {dealer}",
        f"已写入 {output}：经销商 {dealer} 的 {len(actions)} 个整改项",
        current_language(),
    )
    console.out.print(wrote, markup=False, soft_wrap=True)


@actions_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A returned actions workbook (.xlsx).", show_default=False)],
    who: WhoOption = "",
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Store a dealer's returned actions workbook: every bad cell is listed, and nothing is stored if any is bad.

    导入经销商反馈的整改项工作簿；任何单元格有误则全部不保存。
    """
    from dealer_audit.services.actions import import_actions

    with open_workspace(workspace, db) as ws:
        result = import_actions(ws.repo, file, key=ws.form_key, who=who_or_login(who))
    console.out.print(
        f"imported {file}: {result.changed} of {result.rows} action(s) changed for {result.dealer_code} / "
        f"已更新 {result.changed} 项",
        markup=False,
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    """Attach the `actions` group to the root app."""
    app.add_typer(actions_app, name="actions")

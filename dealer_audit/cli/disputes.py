"""CLI: `dealer-audit disputes issue | file | list | rule | rates` — a dealer contests an item finding, HQ rules.

Each command calls services/disputes.py; the rules (window, one ruling) are core/disputes.py's.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import (
    DbOption,
    EvidenceDirOption,
    OptionalWaveOption,
    WaveOption,
    WhoOption,
    WorkspaceOption,
    open_workspace,
    parse_day,
    who_or_login,
)
from dealer_audit.cli.error_language import bad_parameter, current_language
from dealer_audit.core.disputes import RULINGS, DisputeStatus
from dealer_audit.core.report_model import fmt_percent
from dealer_audit.errors import Message, pick

disputes_app = typer.Typer(
    name="disputes",
    help="Disputes of item findings: record the report's issue date, file, rule (upheld / overturned / re-audit), "
    "list, rates per auditor and item.\n\n申诉：登记报告发布日、提交申诉、裁决、列表、按稽核员与检查项统计。",
    no_args_is_help=True,
)


@disputes_app.command("issue")
def issue(
    wave: WaveOption,
    on: Annotated[str | None, typer.Option("--on", help="Issue date (yyyy-mm-dd; default today).")] = None,
    dealer: Annotated[str | None, typer.Option("--dealer", help="Only this dealer (default: all audited).")] = None,
    who: WhoOption = "",
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Record the day a wave's reports were issued to dealers: the dispute window opens that day.

    登记报告发布日期（申诉期自该日起计算）。
    """
    from dealer_audit.services.disputes import issue_reports

    day = parse_day(on, "--on") or date.today()
    with open_workspace(workspace, db) as ws:
        recorded, total = issue_reports(ws.repo, wave, day, dealer, who=who_or_login(who))
    said, earlier = current_language(), total - recorded
    kept = pick(
        f"; {earlier} already issued earlier (their date is kept)", f"；{earlier} 家此前已发布（保留原日期）", said
    )
    issued = pick(
        f"wave {wave}: reports issued on {day.isoformat()} to {recorded} dealer(s)",
        f"批次 {wave}：已于 {day.isoformat()} 向 {recorded} 家经销商发布报告",
        said,
    )
    console.out.print(issued + (kept if recorded < total else ""), markup=False, soft_wrap=True)


@disputes_app.command("file")
def file_(
    audit: Annotated[str, typer.Option("--audit", help="Audit id (or a unique prefix of 6+ characters).")],
    item: Annotated[str, typer.Option("--item", help="The item whose finding is contested, e.g. R01.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the finding is wrong.")],
    evidence: Annotated[
        list[Path] | None, typer.Option("--evidence", help="A file supporting the dispute (repeatable).")
    ] = None,
    on: Annotated[str | None, typer.Option("--on", help="Filing date (yyyy-mm-dd; default now).")] = None,
    who: WhoOption = "",
    workspace: WorkspaceOption = None,
    db: DbOption = None,
    evidence_dir: EvidenceDirOption = None,
) -> None:
    """File a dealer's dispute of one failed item finding (within the program's dispute window).

    提交申诉（须在申诉期内）。
    """
    from dealer_audit.services.disputes import file_dispute

    day = parse_day(on, "--on")
    now = datetime.combine(day, datetime.now().time()).astimezone() if day else None
    files = tuple(evidence or ())
    with open_workspace(workspace, db, evidence_dir, stores_evidence=bool(files)) as ws:
        dispute = file_dispute(
            ws.repo,
            audit,
            item,
            reason,
            evidence=files,
            evidence_dir=ws.evidence_dir if files else None,
            who=who_or_login(who),
            now=now,
        )
    filed = pick(f"filed dispute {dispute.dispute_id}", f"已提交申诉 {dispute.dispute_id}", current_language())
    console.out.print(filed, markup=False, soft_wrap=True)


@disputes_app.command("list")
def list_(
    wave: OptionalWaveOption = None,
    dealer: Annotated[str | None, typer.Option("--dealer", help="Only this dealer.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="open, upheld, overturned or reaudit.")] = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """List disputes (id, dealer, item, auditor, status, ruled by, reason)."""
    wanted = None
    if status is not None:
        try:
            wanted = DisputeStatus(status)
        except ValueError:
            choices = ", ".join(s.value for s in DisputeStatus)
            raise bad_parameter(
                f"{status!r} is not one of {choices}", f"{status!r} 无效，只能是 {choices} 之一", param_hint="--status"
            ) from None
    with open_workspace(workspace, db) as ws:
        disputes = ws.repo.list_disputes(wave=wave, dealer_code=dealer, status=wanted)
    if not disputes:
        console.err.print(pick("no disputes", "没有申诉", current_language()), markup=False)
        return
    rows = [
        [d.dispute_id, d.dealer_code, d.item_id, d.auditor, d.filed_at.date().isoformat(), d.status.value,
         d.ruled_by, d.reason]
        for d in disputes
    ]  # fmt: skip
    headers = [
        Message("dispute", "申诉"),
        console.DEALER,
        console.ITEM,
        console.AUDITOR,
        Message("filed", "提交日期"),
        console.STATUS,
        Message("ruled by", "裁决人"),
        Message("reason", "理由"),
    ]
    console.print_table(headers, rows, lang=current_language())
    console.out.print(pick(f"{len(disputes)} dispute(s)", f"{len(disputes)} 条申诉", current_language()), markup=False)


@disputes_app.command("rule")
def rule(
    dispute: Annotated[str, typer.Argument(help="Dispute id (as `disputes list` shows it, or a unique prefix).")],
    ruling: Annotated[str, typer.Option("--ruling", help="upheld, overturned or reaudit.")],
    why: Annotated[str, typer.Option("--why", help="The reason, kept in the audit trail.")],
    value: Annotated[
        str | None, typer.Option("--value", help="Overturned: the corrected answer (default for yes/no: compliant).")
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="The dispute version you reviewed (refused if it moved on).")
    ] = None,
    who: WhoOption = "",
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Rule on a dispute; an overturn revises the audit's answer (new revision, trail). 裁决申诉。"""
    from dealer_audit.services.disputes import rule_dispute

    try:
        decided = DisputeStatus(ruling)
    except ValueError:
        decided = None
    if decided not in RULINGS:
        choices = ", ".join(r.value for r in RULINGS)
        raise bad_parameter(
            f"{ruling!r} is not one of {choices}", f"{ruling!r} 无效，只能是 {choices} 之一", param_hint="--ruling"
        )
    assert decided is not None
    with open_workspace(workspace, db) as ws:
        result = rule_dispute(
            ws.repo, dispute, decided, who=who_or_login(who), why=why, value=value, read_version=version
        )
    revised = decided is DisputeStatus.OVERTURNED
    ruled = pick(
        f"dispute {result.dispute_id}: {result.status.value}"
        + (" (the answer was revised: scores follow at the next score/report)" if revised else ""),
        f"申诉 {result.dispute_id}：{result.status.label.zh}"
        + ("（答案已修改：下次 score/report 时得分随之更新）" if revised else ""),
        current_language(),
    )
    console.out.print(ruled, markup=False, soft_wrap=True)


@disputes_app.command("rates")
def rates(
    wave: OptionalWaveOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Dispute and overturn rates per auditor and per item (calibration input). 申诉率与申诉成立率。"""
    from dealer_audit.services.disputes import rates as compute

    with open_workspace(workspace, db) as ws:
        result = compute(ws.repo, wave)
    for title, table in ((console.AUDITOR, result.by_auditor), (console.ITEM, result.by_item)):
        rows = [
            [r.key or "–", str(r.failed), str(r.disputed), fmt_percent(r.dispute_rate), str(r.ruled),
             str(r.overturned), fmt_percent(r.overturn_rate)]
            for r in table
        ]  # fmt: skip
        headers = [
            title,
            Message("failed", "失分"),
            Message("disputed", "申诉"),
            Message("dispute rate", "申诉率"),
            Message("ruled", "裁决"),
            Message("overturned", "成立"),
            Message("overturn rate", "成立率"),
        ]
        console.print_table(headers, rows, lang=current_language())


def register(app: typer.Typer) -> None:
    """Attach the `disputes` group to the root app."""
    app.add_typer(disputes_app, name="disputes")

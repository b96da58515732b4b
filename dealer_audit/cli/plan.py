"""CLI: `dealer-audit plan --wave W` — who visits which dealer when, solved and stored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, LangOption, WaveOption, WorkspaceOption, open_workspace, resolve_lang
from dealer_audit.cli.error_language import current_language
from dealer_audit.errors import pick


def plan(
    wave: WaveOption,
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="Folder for each auditor's workbook and .ics calendar.")
    ] = None,
    lang: LangOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Assign auditors to every dealer × standard of the wave under the program's planning rules; store the plan.

    为本批次每个经销商 × 标准分配稽核员与日期（按稽核方案的计划规则求最优解）并保存。
    """
    from dealer_audit.services.field_operations import plan_the_wave

    with open_workspace(workspace, db) as ws:
        outcome = plan_the_wave(ws.repo, wave, out, resolve_lang(lang, ws))
    result = outcome.plan
    load = result.load()
    doubles = sum(1 for v in result.visits if v.double) // 2
    said = current_language()
    visits, auditors, days = len(result.visits), len(load), len(result.days)
    headline = pick(
        f"plan {wave}: {visits} visits by {auditors} auditors over {days} working days (optimal; cost {result.cost})",
        f"走访计划 {wave}：{auditors} 名稽核员在 {days} 个工作日内完成 {visits} 次走访（最优；成本 {result.cost}）",
        said,
    )
    console.out.print(headline, markup=False)
    least, most, away = min(load.values(), default=0), max(load.values(), default=0), result.out_of_region
    spread = pick(
        f"  {doubles} double audits; {away} visits outside the auditor's home region; "
        f"workload {least}–{most} (fair share {result.fair_share})",
        f"  {doubles} 次双人复核；{away} 次走访在稽核员常驻区域之外；工作量 {least}–{most}（平均 {result.fair_share}）",
        said,
    )
    console.out.print(spread, markup=False)
    lockout = ", ".join(outcome.lockout_waves) or pick("none", "无", said)
    console.out.print(
        pick(
            f"  lockout: no auditor returns to a dealer visited in {lockout}",
            f"  回避：稽核员不会回访其在 {lockout} 中到访过的经销商",
            said,
        ),
        markup=False,
    )
    if outcome.files:
        count = len(outcome.files)
        wrote = pick(f"  wrote {count} files to {out}", f"  已写入 {count} 个文件到 {out}", said)
        console.out.print(wrote, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Attach `plan` to the root app."""
    app.command("plan")(plan)

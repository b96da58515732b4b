"""CLI: `dealer-audit plan --wave W` — who visits which dealer when, solved and stored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, LangOption, WaveOption, WorkspaceOption, open_workspace, resolve_lang


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
    console.out.print(
        f"plan {wave}: {len(result.visits)} visits by {len(load)} auditors over {len(result.days)} working days "
        f"(optimal; cost {result.cost})",
        markup=False,
    )
    console.out.print(
        f"  {doubles} double audits; {result.out_of_region} visits outside the auditor's home region; "
        f"workload {min(load.values(), default=0)}–{max(load.values(), default=0)} (fair share {result.fair_share})",
        markup=False,
    )
    lockout = ", ".join(outcome.lockout_waves) or "none"
    console.out.print(f"  lockout: no auditor returns to a dealer visited in {lockout}", markup=False)
    if outcome.files:
        console.out.print(f"  wrote {len(outcome.files)} files to {out}", markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Attach `plan` to the root app."""
    app.command("plan")(plan)

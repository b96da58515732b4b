"""CLI: `dealer-audit kpis import | list` — measured KPIs (DMS, survey vendors) beside the audits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import (
    DbOption,
    JsonOption,
    LangOption,
    RegionOption,
    WaveOption,
    WorkspaceOption,
    open_workspace,
    resolve_lang,
)
from dealer_audit.cli.error_language import current_language
from dealer_audit.core.kpis import on_scale
from dealer_audit.core.report_model import fmt_number
from dealer_audit.errors import Message, pick

kpis_app = typer.Typer(
    name="kpis",
    help="Measured KPIs beside the audits: import DMS and survey values, list them with their scores.\n\n"
    "系统与调研指标（KPI）：导入经销商管理系统与调研供应商数据，查看得分。",
    no_args_is_help=True,
)

FileArgument = Annotated[
    Path, typer.Argument(help="KPI values (.csv or .xlsx): dealer code, KPI, value, base n.", show_default=False)
]


@kpis_app.command("import")
def import_(file: FileArgument, wave: WaveOption, workspace: WorkspaceOption = None, db: DbOption = None) -> None:
    """Store a file's KPI values for the wave: all or nothing; the same file again replaces its values.

    导入 KPI 数据：整份文件校验通过才保存；再次导入同名文件将替换该批次中此文件的数据。
    """
    from dealer_audit.services.kpis import import_kpi_file

    with open_workspace(workspace, db) as ws:
        result = import_kpi_file(ws.repo, file, wave)
    text = f"imported {result.stored} KPI value(s) from {result.source} for {result.wave}"
    extras = []
    if result.dropped:
        extras.append(f"{result.dropped} no longer in the file removed")
    if result.taken_over:
        extras.append(f"{result.taken_over} replacing another file's")
    console.out.print(text + (f" ({'; '.join(extras)})" if extras else ""), markup=False, soft_wrap=True)


@kpis_app.command("list")
def list_(
    wave: WaveOption,
    region: RegionOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Each dealer's KPI values, the KPI index, the composite with the KPIs and data-integrity flags.

    各经销商的 KPI 数值、KPI 指数、含 KPI 的综合指数与数据真实性标记。
    """
    from dealer_audit.services.kpis import check_region, kpis_to_dict, wave_scorecard

    with open_workspace(workspace, db) as ws:
        language = resolve_lang(lang, ws)
        card = wave_scorecard(ws.repo, wave)
        check_region(card, region)
    if as_json:
        console.out.print_json(json.dumps(kpis_to_dict(card, region), ensure_ascii=False))
        return
    kpis = card.kpis
    if not kpis.definitions:
        none = pick(
            "the program defines no KPIs (a kpis: list in the program file)",
            "稽核方案未定义 KPI 指标（方案文件中的 kpis: 列表）",
            current_language(),
        )
        console.err.print(none, markup=False)
        return
    scale = kpis.scale
    header: list[str | Message] = [console.DEALER, console.REGION, *[k.id for k in kpis.definitions]]
    header += [Message("KPI index", "KPI 指数"), Message("composite", "综合指数"), Message("flags", "标记")]
    rows = []
    for d in kpis.dealers:
        if region is not None and d.region != region:
            continue
        values = [fmt_number(s.value) if s.value is not None else "–" for s in d.scores]
        composite = on_scale(d.composite_100, scale)
        rows.append(
            [d.dealer_code, d.region, *values, fmt_number(d.kpi_index.value), fmt_number(composite), str(len(d.flags))]
        )
    title = Message(f"{wave} KPIs", f"批次 {wave} KPI 指标")
    console.print_table(header, rows, title=title, optional=["region"], lang=current_language())
    flags = [f for d in kpis.dealers for f in d.flags if region is None or d.region == region]
    for flag in flags:
        console.out.print(f"⚠ {flag.dealer_code}: {flag.message.get(language)}", markup=False, soft_wrap=True)
    with_values = sum(1 for d in kpis.dealers if any(s.value is not None for s in d.scores))
    counted = pick(
        f"{with_values} dealer(s) with KPI values, {len(flags)} data-integrity flag(s)",
        f"{with_values} 家经销商有 KPI 数值，{len(flags)} 条数据真实性核查标记",
        current_language(),
    )
    console.out.print(counted, markup=False)


def register(app: typer.Typer) -> None:
    """Attach the `kpis` group to the root app."""
    app.add_typer(kpis_app, name="kpis")

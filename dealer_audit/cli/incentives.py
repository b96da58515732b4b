"""CLI: `dealer-audit incentives --wave W` — incentive tier, gap to the next tier, borderline, streak per dealer."""

from __future__ import annotations

import json

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
from dealer_audit.core.report_model.labels import label
from dealer_audit.errors import Message, pick

# the columns' Chinese headers, in the report's words (labels.py `kpi.*`); the English ones are the fields of an
# incentive line (and of --json)
_HEADER_ZH = {
    "dealer": label("kpi.dealer", "zh"),
    "region": label("region", "zh"),
    "composite": label("kpi.enters_composite", "zh"),
    "tier": label("kpi.tier", "zh"),
    "payout": label("kpi.payout", "zh"),
    "next": label("kpi.next_tier", "zh"),
    "gap": label("kpi.gap", "zh"),
    "borderline": label("kpi.borderline", "zh"),
    "streak": label("kpi.streak", "zh"),
    "penalty": label("kpi.penalty", "zh"),
    "net_payout": label("kpi.net_payout", "zh"),
    "note": "备注",
}


def incentives(
    wave: WaveOption,
    region: RegionOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Each dealer's incentive tier, payout, gap to the next tier, borderline flag and consecutive-wave status.

    返利档位：各经销商的档位、返利、距上一档差距、临界标记与连续未达标状态。
    """
    from dealer_audit.core.kpi_report import incentive_lines
    from dealer_audit.services.kpis import check_region, incentives_to_dict, wave_scorecard

    with open_workspace(workspace, db) as ws:
        language = resolve_lang(lang, ws)
        card = wave_scorecard(ws.repo, wave)
        check_region(card, region)
    if as_json:
        console.out.print_json(json.dumps(incentives_to_dict(card, region), ensure_ascii=False))
        return
    if card.rules is None:
        none = pick(
            "the program defines no incentive tiers (an incentives: section)",
            "稽核方案未定义返利档位（方案文件中的 incentives: 部分）",
            current_language(),
        )
        console.err.print(none, markup=False)
        return
    header = ["dealer", "region", "composite", "tier", "payout", "next", "gap", "borderline", "streak"]
    header += ["penalty", "net_payout", "note"]
    lines = incentive_lines(card, language, region)
    shown = [Message(key, _HEADER_ZH[key]) for key in header]
    title = Message(f"{wave} incentives", f"批次 {wave} 返利")
    table = [[getattr(line, k) for k in header] for line in lines]
    console.print_table(shown, table, title=title, lang=current_language())
    order = dict.fromkeys([t.label.get(language) for t in card.rules.tiers] + [line.tier for line in lines])
    counts = {tier: sum(1 for line in lines if line.tier == tier) for tier in order}
    summary = ", ".join(f"{tier} {n}" for tier, n in counts.items() if n)
    counted = pick(
        f"{len(lines)} dealer(s): {summary}; composite on the {card.kpis.scale} scale",
        f"{len(lines)} 家经销商：{summary}；综合指数为 {card.kpis.scale} 分制",
        current_language(),
    )
    console.out.print(counted, markup=False)


def register(app: typer.Typer) -> None:
    """Attach `incentives` to the root app."""
    app.command("incentives")(incentives)

"""CLI: `dealer-audit insight drivers|themes` — key drivers of an outcome and themes in the auditor notes.

Thin over services/insight.py (the same figures as the region PDF's key experience points and themes and the HQ
workbook's Key drivers and Themes sheets).
"""

from __future__ import annotations

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
from dealer_audit.core.driver_inputs import WaveDrivers
from dealer_audit.core.key_drivers import DriverAnalysis
from dealer_audit.core.themes import ThemeAnalysis
from dealer_audit.errors import DealerAuditError, Message, pick

insight_app = typer.Typer(
    name="insight",
    help="HQ insight: which sections and items drive an outcome, and the themes in the auditor notes.\n\n"
    "总部洞察：哪些环节和检查项驱动结果指标，以及稽核备注中反复出现的主题。",
    no_args_is_help=True,
)


class TooFewData(DealerAuditError):
    """Every analysis asked for was refused (too few dealers, or an outcome that does not vary)."""


def _print_json(text: str) -> None:
    console.out.print(text, markup=False, highlight=False, soft_wrap=True)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _print_analysis(title: str, a: DriverAnalysis, lang: str) -> None:
    said = current_language()  # the words around the figures; `lang` is the data's (labels, refusals)
    if a.refusal is not None:
        why = a.refusal.get(lang)
        console.err.print(
            pick(f"{title}: refused — {why}", f"{title}：无法分析——{why}", said), markup=False, soft_wrap=True
        )
        return
    rows = [
        (
            e.predictor.item_id or e.predictor.section_id,
            e.predictor.label.get(lang),
            _pct(e.share),
            f"{_pct(e.low)}–{_pct(e.high)}",
            _pct(e.predictor.stated_share),
            f"{e.correlation:+.2f}",
        )
        for e in a.estimates
    ]
    console.print_table(
        [
            "id",
            console.NAME,
            Message("share", "占比"),
            Message("95% interval", "95% 区间"),
            Message("stated", "设定"),
            "r",
        ],
        rows,
        title=pick(
            f"{title}: {a.method.value.replace('_', ' ')}, {a.n_dealers} dealers, R² {a.r_squared:.3f} "
            f"({a.r_squared_low:.3f}–{a.r_squared_high:.3f})",
            f"{title}：{a.method.value.replace('_', ' ')}，{a.n_dealers} 家经销商，R² {a.r_squared:.3f}"
            f"（{a.r_squared_low:.3f}–{a.r_squared_high:.3f}）",
            said,
        ),
        optional=["name"],
        lang=said,
    )
    for d in a.dropped:
        why = d.reason.get(lang)
        left_out = pick(f"  left out {d.predictor.key}: {why}", f"  未纳入 {d.predictor.key}：{why}", said)
        console.err.print(left_out, markup=False, soft_wrap=True)


def _print_drivers(drivers: WaveDrivers, lang: str) -> None:
    said = current_language()
    scope = pick(drivers.region or "network", f"区域 {drivers.region}" if drivers.region else "全网", said)
    headline = pick(
        f"Key drivers of {drivers.outcome} — wave {drivers.wave}, {scope}",
        f"{drivers.outcome} 的关键体验点 — 批次 {drivers.wave}，{scope}",
        said,
    )
    console.out.print(headline, markup=False)
    for s in drivers.standards:
        title = s.title.get(lang) or s.standard_id
        _print_analysis(f"{title} · " + pick("sections", "环节", said), s.sections, lang)
        _print_analysis(f"{title} · " + pick("items", "检查项", said), s.items, lang)


@insight_app.command("drivers")
def drivers(
    wave: WaveOption,
    outcome: Annotated[
        str, typer.Option("--outcome", help="What the drivers are of: composite (the index) or a KPI id.")
    ] = "composite",
    region: RegionOption = None,
    resamples: Annotated[int, typer.Option("--resamples", min=100, help="Bootstrap resamples per analysis.")] = 1000,
    as_json: JsonOption = False,
    lang: LangOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Key drivers (关键体验点): sections by general dominance, items by relative weights, with 95% intervals.

    关键体验点：按广义优势分析（环节）和相对权重（检查项）衡量对结果指标的贡献，附 95% 自助抽样区间。
    """
    from dealer_audit.services.insight import drivers_for_wave, drivers_to_dict, dumps

    with open_workspace(workspace, db) as ws:
        lang = resolve_lang(lang, ws)
        result = drivers_for_wave(ws.repo, wave, outcome=outcome, region=region, resamples=resamples)
    if as_json:
        _print_json(dumps(drivers_to_dict(result)))
    else:
        _print_drivers(result, lang)
    analyses = [a for s in result.standards for a in (s.sections, s.items)]
    if all(a.refused for a in analyses):
        reasons = "; ".join(a.refusal.get("en") for a in analyses if a.refusal) or "no standard audited"
        reasons_zh = "；".join(a.refusal.get("zh") for a in analyses if a.refusal) or "没有已稽核的稽核标准"
        raise TooFewData(f"no key-driver analysis possible: {reasons}", zh=f"无法进行关键体验点分析：{reasons_zh}")


def _print_themes(analysis: ThemeAnalysis, region: str | None) -> None:
    said = current_language()
    scope = pick(f"region {region}" if region else "network", f"区域 {region}" if region else "全网", said)
    previous = analysis.previous_wave
    compared = pick(f", compared with {previous}", f"，与 {previous} 对比", said) if previous else ""
    headline = pick(
        f"Themes in the notes — wave {analysis.wave}, {scope}: {analysis.n_notes} notes "
        f"({analysis.n_texts} distinct texts), {len(analysis.themes)} themes{compared}",
        f"备注中的主题 — 批次 {analysis.wave}，{scope}：{analysis.n_notes} 条备注"
        f"（{analysis.n_texts} 条不同文本），{len(analysis.themes)} 个主题{compared}",
        said,
    )
    console.out.print(headline, markup=False, soft_wrap=True)
    rows = [
        (
            t.id,
            t.kind.value,
            str(t.size),
            pick("new", "新", said) if t.previous_size is None else str(t.previous_size),
            " · ".join(t.keywords),
            ", ".join(f"{link.item_id}" for link in t.items) or "–",
            t.examples[0] if t.examples else "",
        )
        for t in analysis.themes
    ]
    console.print_table(
        [
            Message("theme", "主题"),
            console.KIND,
            Message("notes", "备注"),
            Message("before", "上批"),
            Message("keywords", "关键词"),
            Message("items", "检查项"),
            Message("example", "示例"),
        ],
        rows,
        optional=["example", "keywords"],
        lang=said,
    )
    if analysis.vanished:
        gone = ", ".join(f"{t.id} ({' · '.join(t.keywords)})" for t in analysis.vanished)
        vanished = pick(f"Themes of {previous} not seen now: {gone}", f"{previous} 的主题本批次未再出现：{gone}", said)
        console.out.print(vanished, markup=False, soft_wrap=True)
    unknown = analysis.unknown_notes
    unexplained = pick(
        f"Unknown issues (未知体验): {len(unknown)} notes no item explains ({analysis.one_off} one-off); all in --json",
        f"未知体验：{len(unknown)} 条备注没有检查项可解释（{analysis.one_off} 条仅出现一次）；详见 --json",
        said,
    )
    console.out.print(unexplained, markup=False, soft_wrap=True)
    seen: set[str] = set()
    for n in unknown:
        if n.text not in seen and len(seen) < 10:
            seen.add(n.text)
            console.out.print(f"  {n.dealer_code} {n.item_id}: {n.text}", markup=False, soft_wrap=True)


@insight_app.command("themes")
def themes(
    wave: WaveOption,
    region: RegionOption = None,
    as_json: JsonOption = False,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Themes in the auditor notes (zh + en): clustered, labelled, linked to failed items, tracked across waves.

    备注主题：对中英文稽核备注聚类、提取关键词、关联未达标项、跨轮次追踪，并列出未知体验。
    """
    from dealer_audit.services.insight import dumps, themes_for_wave, themes_to_dict

    with open_workspace(workspace, db) as ws:
        result = themes_for_wave(ws.repo, wave, region=region)
    if as_json:
        _print_json(dumps(themes_to_dict(result)))
    else:
        _print_themes(result, region)


def register(app: typer.Typer) -> None:
    """Attach the `insight` group to the root app."""
    app.add_typer(insight_app)

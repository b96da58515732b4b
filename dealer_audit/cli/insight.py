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
from dealer_audit.core.driver_inputs import WaveDrivers
from dealer_audit.core.key_drivers import DriverAnalysis
from dealer_audit.core.themes import ThemeAnalysis
from dealer_audit.errors import DealerAuditError

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
    if a.refusal is not None:
        console.err.print(f"{title}: refused — {a.refusal.get(lang)}", markup=False, soft_wrap=True)
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
        ["id", "name", "share", "95% interval", "stated", "r"],
        rows,
        title=f"{title}: {a.method.value.replace('_', ' ')}, {a.n_dealers} dealers, R² {a.r_squared:.3f} "
        f"({a.r_squared_low:.3f}–{a.r_squared_high:.3f})",
        optional=["name"],
    )
    for d in a.dropped:
        console.err.print(f"  left out {d.predictor.key}: {d.reason.get(lang)}", markup=False, soft_wrap=True)


def _print_drivers(drivers: WaveDrivers, lang: str) -> None:
    scope = drivers.region or "network"
    console.out.print(f"Key drivers of {drivers.outcome} — wave {drivers.wave}, {scope}", markup=False)
    for s in drivers.standards:
        title = s.title.get(lang) or s.standard_id
        _print_analysis(f"{title} · sections", s.sections, lang)
        _print_analysis(f"{title} · items", s.items, lang)


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
        reasons = "; ".join(a.refusal.get(lang) for a in analyses if a.refusal) or "no standard audited"
        raise TooFewData(f"no key-driver analysis possible / 无法进行关键体验点分析: {reasons}")


def _print_themes(analysis: ThemeAnalysis, region: str | None) -> None:
    scope = f"region {region}" if region else "network"
    compared = f", compared with {analysis.previous_wave}" if analysis.previous_wave else ""
    console.out.print(
        f"Themes in the notes — wave {analysis.wave}, {scope}: {analysis.n_notes} notes "
        f"({analysis.n_texts} distinct texts), {len(analysis.themes)} themes{compared}",
        markup=False,
        soft_wrap=True,
    )
    rows = [
        (
            t.id,
            t.kind.value,
            str(t.size),
            "new" if t.previous_size is None else str(t.previous_size),
            " · ".join(t.keywords),
            ", ".join(f"{link.item_id}" for link in t.items) or "–",
            t.examples[0] if t.examples else "",
        )
        for t in analysis.themes
    ]
    console.print_table(
        ["theme", "kind", "notes", "before", "keywords", "items", "example"], rows, optional=["example", "keywords"]
    )
    if analysis.vanished:
        gone = ", ".join(f"{t.id} ({' · '.join(t.keywords)})" for t in analysis.vanished)
        console.out.print(f"Themes of {analysis.previous_wave} not seen now: {gone}", markup=False, soft_wrap=True)
    unknown = analysis.unknown_notes
    console.out.print(
        f"Unknown issues (未知体验): {len(unknown)} notes no item explains ({analysis.one_off} one-off); all in --json",
        markup=False,
        soft_wrap=True,
    )
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

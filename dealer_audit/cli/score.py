"""CLI: `dealer-audit score` (a wave's ranking, or every figure as JSON) and `dealer-audit rescore` (a wave under
another standard version, side by side with the captured scores). Both call services/scoring_job.py, the same
library call the reports use."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TextIO

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
from dealer_audit.cli.error_language import current_language, warning_prefix
from dealer_audit.core.aggregate import WaveResult
from dealer_audit.core.intervals import SIGNIFICANCE_TEXT, DeltaTest
from dealer_audit.core.lookup import unknown_region
from dealer_audit.core.scoring import format_score
from dealer_audit.core.stats import Interval
from dealer_audit.errors import Message, NotFound, pick

ProgramOption = Annotated[
    str | None, typer.Option("--program", help="Program id (default: the most recently loaded program).")
]


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        help="Write the JSON to this file instead of stdout (implies --json; written whole or not at all).",
    ),
]


def _emit_json(write: Callable[[TextIO], None], output: Path | None) -> None:
    """Machine-readable output goes straight to stdout or the file, never through the terminal console: rich's
    wrapping of a 240 MB document took minutes and gigabytes, and a pipe wants the bytes as they are."""
    if output is None:
        write(sys.stdout)
        sys.stdout.flush()
        return

    from dealer_audit.formats.files import write_atomically

    def fill(temp: Path) -> None:
        with temp.open("w", encoding="utf-8") as handle:
            write(handle)

    write_atomically(output, fill)
    console.err.print(pick(f"wrote {output}", f"已写入 {output}", current_language()), markup=False, soft_wrap=True)


def _check_region(result: WaveResult, region: str | None) -> None:
    if region is None:
        return
    known = {r.code for r in result.regions}
    if region not in known:
        refusal = unknown_region(region, result.wave, known)
        raise NotFound(refusal.en, zh=refusal.zh)


def _delta_text(value: float | None) -> str:
    text = format_score(value, na="–")
    return text if value is None or text.startswith("-") or float(text) == 0 else f"+{text}"


def _interval_text(interval: Interval | None) -> str:
    return "" if interval is None else f"{format_score(interval.low)}–{format_score(interval.high)}"


def _range_text(best: int | None, worst: int | None) -> str:
    if best is None or worst is None:
        return ""
    return str(best) if best == worst else f"{best}–{worst}"


def _label_text(test: DeltaTest | None, lang: str) -> str:
    return "" if test is None else SIGNIFICANCE_TEXT[test.label]["zh" if lang.startswith("zh") else "en"]


def _initials(standard_id: str) -> str:
    """A column header short enough for an 80-column terminal: svc-mystery-shop -> SMS."""
    return "".join(part[0] for part in standard_id.replace("_", "-").split("-") if part).upper()


def _print_ranking(result: WaveResult, region: str | None, lang: str) -> None:
    program = result.program
    scale = program.scale
    checklist_ids = [c.standard_id for c in program.checklists]
    dealers = result.ranking(region)
    columns: list[str | Message] = [
        "#",
        Message("reg#", "区域#") if region else console.REGION,
        console.DEALER,
        console.NAME,
    ]
    short_names = {sid: _initials(sid) for sid in checklist_ids}
    columns += [short_names[sid] for sid in checklist_ids]
    columns += [f"/{scale}", Message("95% CI", "95% 区间"), Message("EB", "收缩 估计"), Message("band", "等级")]
    columns += [Message("Δ", "变化"), Message("Δ test", "变化 检验"), Message("rank range", "排名 区间"), "n"]
    columns += [Message("alerts", "预警")]
    rows = []
    for d in dealers:
        cells = [
            "-" if d.rank.network is None else str(d.rank.network),
            ("-" if d.rank.region is None else str(d.rank.region)) if region else d.dealer.region,
            d.dealer.code,
            d.dealer.name.get(lang),
        ]
        for sid in checklist_ids:
            checklist = d.checklist(sid)
            cells.append(format_score(checklist.index if checklist else None))
        rank_range = d.rank_range
        cells += [
            format_score(d.composite),
            _interval_text(d.composite_ci),
            format_score(d.shrunk_composite, na=""),
            d.band.label.get(lang) if d.band else "",
            _delta_text(d.delta.change),
            _label_text(d.delta_test, lang),
            (
                _range_text(rank_range.region_best, rank_range.region_worst)
                if region
                else _range_text(rank_range.network_best, rank_range.network_worst)
            )
            if rank_range
            else "",
            str(d.n_audits),
            str(len(d.alerts)) if d.alerts else "",
        ]
        rows.append(cells)
    previous = f"; previous wave {result.previous_wave}" if result.previous_wave else ""
    previous_zh = f"；上一批次 {result.previous_wave}" if result.previous_wave else ""
    composite = program.composite_name.get(lang)  # data: the program's own name, in the data's language
    title = Message(
        f"{composite} — {result.wave} ({program.id}, {scale}-point scale{previous})",
        f"{composite} — {result.wave}（{program.id}，{scale} 分制{previous_zh}）",
    )
    optional = ("name", "n", "band", "region", "EB", "rank range", "Δ test", "95% CI")
    console.print_table(columns, rows, title=title, optional=optional, lang=current_language())
    legend = ", ".join(f"{short_names[sid]} = {sid} (0-100)" for sid in checklist_ids)
    console.out.print(legend, soft_wrap=True)
    messages = current_language()  # the words around the ranking and the warnings: the user's language
    legend_text = pick(
        f"95% CI = interval of the composite; EB = shrunken (empirical-Bayes) estimate for ranking decisions; "
        f"Δ test = is the change beyond visit-to-visit noise; rank range = best–worst plausible "
        f"{'region' if region else 'network'} rank (docs/scoring.md §9)",
        f"95% 区间 = 综合指数的置信区间；收缩估计 = 用于排名决策的收缩（经验贝叶斯）估计；"
        f"变化检验 = 变化是否超出走访之间的随机波动；排名区间 = 可信的最好–最差"
        f"{'区域' if region else '全网'}排名（docs/scoring.md §9）",  # the zh table's own headers, not the en ones
        messages,
    )
    console.out.print(legend_text, soft_wrap=True, markup=False)
    groups = [g for g in result.regions if region is None or g.code == region] + [result.network]
    for group in groups:
        s = group.composite
        mean, median, low, high = (format_score(v) for v in (s.mean, s.median, s.min, s.max))
        change = _delta_text(group.delta.change)
        stats = pick(
            f"{group.name.get(lang)}: n {s.n}, mean {mean}, median {median}, min {low}, max {high}, Δ {change}",
            f"{group.name.get(lang)}：n {s.n}，均值 {mean}，中位数 {median}，最低 {low}，最高 {high}，Δ {change}",
            messages,
        )
        console.out.print(stats, markup=False)
    alerts = [a for d in dealers for a in d.alerts]
    if alerts:
        console.out.print(pick(f"alerts ({len(alerts)}):", f"预警（{len(alerts)}）：", messages), markup=False)
        for alert in alerts:
            console.out.print(f"  {alert.dealer_code} {alert.kind.value}: {alert.message.get(lang)}", markup=False)
    for problem in result.problems:
        console.err.print(f"{warning_prefix(messages)}{problem.render(messages)}", markup=False, soft_wrap=True)


def score(
    wave: WaveOption,
    region: RegionOption = None,
    as_json: JsonOption = False,
    program: ProgramOption = None,
    lang: LangOption = None,
    output: OutputOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Score a wave: dealers ranked by the composite index, region and network statistics, alerts.

    按稽核批次评分：经销商综合指数排名、区域与全网统计、预警。
    """
    from dealer_audit.services.scoring_job import load_wave_result, write_wave_json

    with open_workspace(workspace, db) as ws:
        result = load_wave_result(ws.repo, wave, program)
        language = resolve_lang(lang, ws)
    _check_region(result, region)
    if as_json or output is not None:
        _emit_json(lambda stream: write_wave_json(result, stream, region), output)
    else:
        _print_ranking(result, region, language)


def rescore(
    wave: WaveOption,
    standard: Annotated[str, typer.Option("--standard", help="Standard id to re-score the wave's audits of.")],
    version: Annotated[
        str | None, typer.Option("--version", help="Standard version to score under (default: the newest stored).")
    ] = None,
    region: RegionOption = None,
    as_json: JsonOption = False,
    program: ProgramOption = None,
    output: OutputOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Re-score a wave under another standard version, side by side with the captured scores (nothing is stored).

    用另一版本的标准重新评分，并与原评分并列显示（不改动已存数据）。
    """
    from dealer_audit.services.scoring_job import load_rescore, rescore_to_dict

    with open_workspace(workspace, db) as ws:
        result = load_rescore(ws.repo, wave, standard, version, program)
    _check_region(result.before, region)
    if as_json or output is not None:
        data = rescore_to_dict(result, region)
        _emit_json(lambda stream: json.dump(data, stream, ensure_ascii=False, indent=2), output)
        return
    captured = ", ".join(result.captured_versions) or "none"
    rows = [
        (
            r.dealer_code,
            r.region,
            format_score(r.index_before),
            format_score(r.index_after),
            _delta_text(r.change),
            "-" if r.rank_before is None else str(r.rank_before),
            "-" if r.rank_after is None else str(r.rank_after),
            str(r.unmatched_answers) if r.unmatched_answers else "",
        )
        for r in result.rows
        if region is None or r.region == region
    ]
    captured_zh = "、".join(result.captured_versions) or "无"
    console.print_table(
        [
            console.DEALER,
            console.REGION,
            Message(f"{standard} as captured", f"{standard} 原评分"),
            Message(f"under {result.version}", f"按 {result.version}"),
            Message("Δ", "变化"),
            Message("rank", "排名"),
            Message("new rank", "新 排名"),
            Message("ignored", "忽略"),
        ],
        rows,
        title=Message(
            f"{standard}: wave {wave} captured on {captured}, re-scored under {result.version}",
            f"{standard}：批次 {wave} 按 {captured_zh} 采集，按 {result.version} 重新评分",
        ),
        lang=current_language(),
    )


def register(app: typer.Typer) -> None:
    """Attach `score` and `rescore` to the root app."""
    app.command("score")(score)
    app.command("rescore")(rescore)

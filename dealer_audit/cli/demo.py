"""CLI: `dealer-audit demo [DIR]` (the whole main job on the sample network) and `dealer-audit generate`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import LangOption, resolve_lang
from dealer_audit.cli.error_language import bad_parameter, current_language
from dealer_audit.errors import Message, Severity, is_zh, pick

TABLE_ROWS = 5  # best and worst dealers shown
NAME_WIDTH = 22  # dealer names are long (上海浦东星驰汽车销售服务有限公司); the code identifies, the name reminds


def _first_clause(detail: str) -> str:
    """A stage's detail up to its first parenthesis (the table's column; the full detail is in the summary)."""
    return detail.split(" (")[0].split("（")[0]


def _short(text: str, width: int = NAME_WIDTH) -> str:
    weight = 0
    for index, ch in enumerate(text):
        weight += 2 if ord(ch) > 0x2E80 else 1  # CJK characters take two columns
        if weight > width:
            return text[:index].rstrip() + "…"
    return text


def _score(value: float | None) -> str:
    from dealer_audit.core.scoring import format_score

    return format_score(value)


def _delta(value: float | None) -> str:
    if value is None:
        return "—"
    text = _score(abs(value))
    return f"+{text}" if value >= 0 else f"−{text}"


def demo(
    directory: Annotated[
        Path, typer.Argument(file_okay=False, help="Where the reports go (a demo workspace is made inside).")
    ] = Path("reports"),
    lang: LangOption = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Parallel renderers (default: all cores).")
    ] = None,
) -> None:
    """Run the main job on the sample network: fresh workspace, shipped standards, dealers, audits, scores, reports.

    演示：新建工作区，载入标准、经销商与示例稽核，计算两期得分，生成全部经销商、区域报告与总部汇总表。
    """
    from dealer_audit.services.demo import StageStatus, run_demo

    lang = resolve_lang(lang)  # no workspace yet: the demo makes its own
    said = current_language()  # the headers, titles and stages; the ranking's cells follow the report language
    summary = run_demo(
        directory,
        lang=lang,
        jobs=jobs,
        progress=lambda stage: console.err.print(f"… {stage.text(said)}", style="dim", markup=False),
    )
    language = "zh" if lang == "zh" else "en"
    if summary.ranking:
        ranked = [r for r in summary.ranking if r.rank is not None]
        shown = ranked if len(ranked) <= 2 * TABLE_ROWS else ranked[:TABLE_ROWS] + ranked[-TABLE_ROWS:]
        rows = [
            (
                str(r.rank),
                r.code,
                _short(r.name.get(language)),
                r.region,
                _score(r.composite),
                r.band.get(language) if r.band else "",
                _delta(r.delta),
                str(r.alerts) if r.alerts else "",
            )
            for r in shown
        ]
        wave = summary.waves[-1]
        console.print_table(
            [
                "#",
                console.DEALER,
                console.NAME,
                console.REGION,
                Message(f"index /{summary.scale}", f"指数 /{summary.scale}"),
                Message("band", "等级"),
                Message("Δ", "变化"),
                Message("alerts", "预警"),
            ],
            rows,
            title=Message(
                f"{wave}: top and bottom {TABLE_ROWS} of {len(ranked)} dealers",
                f"{wave}：{len(ranked)} 家经销商中排名最前与最后各 {TABLE_ROWS} 家",
            )
            if len(ranked) > 2 * TABLE_ROWS
            else wave,
            optional=("name", "region", "band"),
            lang=said,
        )
    console.print_table(
        [Message("stage", "步骤"), console.RESULT, Message("details", "详情"), Message("seconds", "秒")],
        [
            (s.label.text(said), s.status_label.text(said), _first_clause(s.detail.text(said)), f"{s.seconds:.1f}")
            for s in summary.stages
        ],
        optional=("details",),
        lang=said,
    )
    dealer_pdfs, region_pdfs, workbooks = len(summary.dealer_pdfs), len(summary.region_pdfs), len(summary.workbooks)
    console.out.print(
        pick(
            f"{summary.dealers} dealers, {summary.audits_imported} audits, {len(summary.waves)} waves scored, "
            f"{summary.alerts} alerts; {dealer_pdfs} dealer PDFs, {region_pdfs} regional "
            f"PDFs, {workbooks} workbook(s) in {summary.out_dir}",
            f"{summary.dealers} 家经销商，{summary.audits_imported} 条稽核，{len(summary.waves)} 个批次已计分，"
            f"{summary.alerts} 条预警；{dealer_pdfs} 份经销商 PDF、{region_pdfs} 份区域 PDF、"
            f"{workbooks} 个工作簿，位于 {summary.out_dir}",
            said,
        )
    )
    if summary.loop:
        loop = pick("Actions and disputes", "整改项与申诉", said)
        story = summary.loop.text(said)
        console.out.print(f"{loop}{'：' if is_zh(said) else ': '}{story}", markup=False, soft_wrap=True)
    for workbook in summary.workbooks:  # a path is never broken
        console.out.print(
            pick(f"HQ workbook: {workbook}", f"总部汇总表：{workbook}", said), soft_wrap=True, markup=False
        )
    where = summary.workspace_dir
    console.out.print(
        pick(f"Workspace: {where} (recreated on every run)", f"工作区：{where}（每次运行都会重建）", said),
        soft_wrap=True,
        markup=False,
    )
    console.out.print(
        pick(
            f"Open it in the browser: dealer-audit serve -w {where} --open",
            f"在浏览器中打开：dealer-audit serve -w {where} --open",
            said,
        ),
        soft_wrap=True,
        markup=False,
    )
    error = Severity.ERROR.label(said) + ("：" if is_zh(said) else ":")
    for stage in summary.stages:
        if stage.status == StageStatus.FAILED:
            failed = f"{stage.label.text(said)} — {stage.detail.text(said)}"
            console.err.print(f"[bold red]{error}[/] {console.escape(failed)}", markup=True, soft_wrap=True)
    if not summary.ok:  # a failed stage: the main job did not complete
        raise typer.Exit(1)


def generate(
    directory: Annotated[Path, typer.Argument(file_okay=False, help="Folder to write the network into.")],
    dealers: Annotated[int, typer.Option("--dealers", min=1, help="Number of dealers.")] = 100,
    waves: Annotated[int, typer.Option("--waves", min=1, help="Number of waves (the program's, then quarters).")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same files (byte for byte).")] = 1,
    visits: Annotated[
        str, typer.Option("--visits", help="Visits per dealer, wave and standard: N or MIN-MAX.")
    ] = "1-3",
    checklists: Annotated[
        Path | None, typer.Option("--checklists", file_okay=False, help="Standards and program (default: shipped).")
    ] = None,
) -> None:
    """Write a deterministic synthetic network: dealers.csv plus one audit file per visit, per wave folder.

    生成可复现的模拟经销商网络（经销商主数据与各期稽核文件），用于测试和性能基准。
    """
    from dealer_audit.services.demo import project_dir
    from dealer_audit.services.sample_network import generate_from_checklists

    match = re.fullmatch(r"(\d+)(?:-(\d+))?", visits.strip())
    if not match or int(match.group(1)) < 1 or int(match.group(2) or match.group(1)) < int(match.group(1)):
        raise bad_parameter(
            "use N or MIN-MAX with 1 <= MIN <= MAX, e.g. 1-3",
            "请写 N 或 MIN-MAX（1 <= MIN <= MAX），例如 1-3",
            param_hint="--visits",
        )
    low, high = int(match.group(1)), int(match.group(2) or match.group(1))
    result = generate_from_checklists(
        project_dir("checklists", checklists), dealers, waves, seed, directory, (low, high)
    )
    said = current_language()
    waves_text = ", ".join(result.waves)
    console.out.print(
        pick(
            f"Wrote {len(result.dealers)} dealers ({result.dealers_csv}) and {result.audit_count} audits in "
            f"{waves_text} to {result.out_dir}",
            f"已将 {len(result.dealers)} 家经销商（{result.dealers_csv}）和 {waves_text} 的 {result.audit_count} 条稽核"
            f"写入 {result.out_dir}",
            said,
        )
    )
    load = f"dealer-audit dealers import {result.dealers_csv}; dealer-audit import {directory}"
    console.out.print(pick(f"Load them with: {load}", f"载入方法：{load}", said))


def register(app: typer.Typer) -> None:
    """Attach `demo` and `generate` to the root app."""
    app.command("demo")(demo)
    app.command("generate")(generate)

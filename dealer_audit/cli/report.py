"""CLI: `dealer-audit report dealer|region|all` and `dealer-audit consolidate` (thin over services/reporting.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import (
    DbOption,
    EvidenceDirOption,
    LangOption,
    RegionsOption,
    WaveOption,
    WorkspaceOption,
    open_workspace,
    resolve_lang,
)
from dealer_audit.cli.error_language import current_language
from dealer_audit.errors import ConfigurationError, Message, pick

if TYPE_CHECKING:  # the reporting service loads reportlab and the scorer: imported when a command runs
    from dealer_audit.services.reporting import RenderOutcome

report_app = typer.Typer(
    help="Render reports: one dealer's PDF (and workbook), a region's PDF, or every report of a wave.\n\n"
    "生成报告：经销商 PDF（及 Excel）、区域 PDF，或整批生成。",
    no_args_is_help=True,
)

OutOption = Annotated[
    Path, typer.Option("--output", "-o", help="Output folder (reports go to DIR/<wave>/dealers|regions/).")
]
JobsOption = Annotated[
    int | None, typer.Option("--jobs", "-j", min=1, help="Parallel renderers (default: one per CPU core).")
]


def _print_outcome(outcome: RenderOutcome, what: str) -> None:
    """The batch's headline and each failure, in the user's language (cli/error_language.py)."""
    lang = current_language()
    count, seconds = len(outcome.files), outcome.seconds
    headline = Message(
        f"{count} file(s) written ({what}) in {seconds:.1f} s",
        f"已写入 {count} 个文件（{what}），用时 {seconds:.1f} 秒",
    )
    console.out.print(headline.text(lang), markup=False, soft_wrap=True)
    failed = Message("failed", "失败").text(lang)
    for failure in outcome.failures:
        console.err.print(f"[red]{failed}[/] {console.escape(failure.text(lang))}", markup=True, soft_wrap=True)


def _hq_workbook(path: Path) -> Message:
    """The status line's name of the HQ workbook being written (one name in Chinese: 总部汇总表)."""
    return Message(f"HQ workbook {path}", f"总部汇总表 {path}")


@report_app.command("dealer")
def dealer(
    dealer_codes: Annotated[list[str], typer.Argument(help="Dealer code(s), e.g. SH001 SH002: scored once for all.")],
    wave: WaveOption,
    lang: LangOption = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write the dealer workbook (Summary + Items).")] = False,
    output: OutOption = Path("reports"),
    workspace: WorkspaceOption = None,
    db: DbOption = None,
    evidence_dir: EvidenceDirOption = None,
) -> None:
    """One or more dealers' PDF reports (page 1: standing; then what failed and what to fix). 单店报告。

    Ranks and network comparisons need the whole wave scored; give every dealer you need in one call (or use
    `report all --dealers`) so the wave is scored once, not once per dealer.
    """
    from dealer_audit.services import reporting

    codes = list(dict.fromkeys(dealer_codes))
    if len(codes) > 1 and output.suffix.lower() in (".pdf", ".xlsx"):
        raise ConfigurationError(
            f"-o {output}: several dealers need an output folder, not a file name",
            zh=f"-o {output}：多个经销商的报告需要输出到文件夹，而不是单个文件名",
        )
    with open_workspace(workspace, db, evidence_dir, needs_evidence=True) as ws:
        language = resolve_lang(lang, ws)
        context = reporting.prepare_wave(ws, wave)
        for code in codes:  # every code checked before anything is written
            reporting.check_dealer(context, code)
        for code in codes:
            written = reporting.render_dealer_pdf(context, code, output, lang=language, xlsx=xlsx)
            for path in written:
                console.out.print(str(path))


@report_app.command("region")
def region(
    region_code: Annotated[str, typer.Argument(help="Region code, e.g. east.")],
    wave: WaveOption,
    lang: LangOption = None,
    output: OutOption = Path("reports"),
    workspace: WorkspaceOption = None,
    db: DbOption = None,
    evidence_dir: EvidenceDirOption = None,
) -> None:
    """A region's PDF: league table, bands, heat map, most-failed items, alerts. 区域报告。"""
    from dealer_audit.services import reporting

    with open_workspace(workspace, db, evidence_dir, needs_evidence=True) as ws:
        context = reporting.prepare_wave(ws, wave, insight=True)
        path = reporting.render_region_pdf(context, region_code, output, lang=resolve_lang(lang, ws))
    console.out.print(str(path))


DealersOption = Annotated[
    str | None,
    typer.Option(
        "--dealers",
        help="Only these dealers: a file with one code per line (or a CSV whose first column is the code), "
        "or codes separated by commas.",
    ),
]


def _dealer_codes(value: str | None) -> list[str]:
    """`--dealers FILE|CODES`: an existing file holds one code per line (first CSV column; a `code` header and
    `#` comments are skipped); anything else is a comma-separated list of codes."""
    if not value:
        return []
    path = Path(value)
    if path.is_file():
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(
                f"{path}: cannot read the dealer list ({error})", zh=f"{path}：无法读取经销商清单（{error}）"
            ) from None
        codes = [line.replace(";", ",").replace("\t", ",").split(",")[0].strip() for line in lines]
        codes = [c for c in codes if c and not c.startswith("#")]
        if codes and codes[0].lower() in ("code", "dealer", "dealer_code"):
            codes = codes[1:]
        if not codes:
            raise ConfigurationError(
                f"{path}: the dealer list holds no dealer codes", zh=f"{path}：经销商清单中没有任何经销商代码"
            )
        return list(dict.fromkeys(codes))
    if path.suffix.lower() in (".txt", ".csv") or "/" in value:
        raise ConfigurationError(
            f"{value}: no such file (--dealers takes a file or codes separated by commas)",
            zh=f"{value}：文件不存在（--dealers 接受一个文件，或用逗号分隔的经销商代码）",
        )
    return list(dict.fromkeys(c.strip() for c in value.split(",") if c.strip()))


@report_app.command("all")
def all_reports(
    wave: WaveOption,
    lang: LangOption = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write every dealer's workbook.")] = False,
    output: OutOption = Path("reports"),
    jobs: JobsOption = None,
    regions: RegionsOption = None,
    dealers: DealersOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
    evidence_dir: EvidenceDirOption = None,
) -> None:
    """Every dealer's PDF, every region's PDF and the HQ workbook, in parallel. 整批生成。

    With --region and/or --dealers: only those dealers (and those regions' PDFs), no HQ workbook.
    A dealer whose report fails is listed at the end; the others are still written (exit code 1 if any failed).
    """
    from dealer_audit.services import reporting

    chosen_regions = regions or []
    chosen_dealers = _dealer_codes(dealers)
    filtered = bool(chosen_regions or chosen_dealers)
    with open_workspace(workspace, db, evidence_dir, needs_evidence=True) as ws:
        language = resolve_lang(lang, ws)
        context = reporting.prepare_wave(ws, wave, insight=True)
        if filtered:
            codes, region_codes = reporting.select_dealers(context, chosen_regions, chosen_dealers)
            total = len(codes) + len(region_codes)
        else:
            total = len(context.result.dealers) + len([r for r in context.result.regions if r.dealer_codes])
        said = current_language()
        with console.progress_bar(pick(f"reports {wave}", f"报告 {wave}", said), total) as advance_to:
            outcome = reporting.render_all(
                context,
                output,
                lang=language,
                xlsx=xlsx,
                jobs=jobs,
                network=False,
                progress=lambda done, _total: advance_to(done),
                regions=chosen_regions,
                dealers=chosen_dealers,
            )
        workbook = None
        if not filtered:
            workbook = reporting.network_workbook_path(output, wave)
            with console.working(_hq_workbook(workbook), said) as phase:
                outcome.extend(
                    reporting.write_network_workbook_outcome(context, workbook, lang=language, progress=phase)
                )
    _print_outcome(outcome, f"{output}/{wave}")
    if workbook is not None and workbook in outcome.files:
        written = pick(f"HQ workbook: {workbook}", f"总部汇总表：{workbook}", current_language())
        console.out.print(written, markup=False, soft_wrap=True)
    if outcome.failures:
        raise typer.Exit(1)


def consolidate(
    wave: WaveOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="The workbook to write (.xlsx).")],
    waves: Annotated[
        list[str] | None,
        typer.Option("--waves", help="Further waves whose index is shown beside this one (repeat or comma-list)."),
    ] = None,
    lang: LangOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """The HQ network workbook: Dealers, Sections, Items, Audits, Answers (formulas with stored values). 全网汇总。"""
    from dealer_audit.services import reporting

    if output.suffix.lower() != ".xlsx":
        output = output.with_suffix(".xlsx")
    extra = [w.strip() for entry in (waves or []) for w in entry.split(",") if w.strip()]
    said = current_language()
    with open_workspace(workspace, db) as ws, console.working(_hq_workbook(output), said) as phase:
        phase(Message("scoring the wave", "计算本批次得分"))
        context = reporting.prepare_wave(ws, wave, insight=True)
        others = reporting.other_waves(ws, context, extra)
        path = reporting.write_network_workbook(
            context, output, others=others, lang=resolve_lang(lang, ws), progress=phase
        )
    console.out.print(
        pick(f"HQ workbook written: {path}", f"已写入总部汇总表：{path}", said), markup=False, soft_wrap=True
    )


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(report_app, name="report")
    app.command("consolidate")(consolidate)

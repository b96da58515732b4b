"""CLI: `dealer-audit report dealer|region|all` and `dealer-audit consolidate` (thin over services/reporting.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, EvidenceDirOption, WorkspaceOption, open_workspace
from dealer_audit.errors import ConfigurationError

report_app = typer.Typer(
    help="Render reports: one dealer's PDF (and workbook), a region's PDF, or every report of a wave.\n\n"
    "生成报告：经销商 PDF（及 Excel）、区域 PDF，或整批生成。",
    no_args_is_help=True,
)

WaveOption = Annotated[str, typer.Option("--wave", help="Audit wave, e.g. 2026-Q4.")]
LangOption = Annotated[
    str | None, typer.Option("--lang", help="Report language: zh or en (default: the workspace's language).")
]
OutOption = Annotated[
    Path, typer.Option("--output", "-o", help="Output folder (reports go to DIR/<wave>/dealers|regions/).")
]
JobsOption = Annotated[
    int | None, typer.Option("--jobs", "-j", min=1, help="Parallel renderers (default: one per CPU core).")
]


def _lang(lang: str | None, workspace_language: str) -> str:
    chosen = (lang or workspace_language or "zh").lower()
    if chosen not in ("zh", "en"):
        raise ConfigurationError(f"--lang must be zh or en, not {lang!r}")
    return chosen


def _print_outcome(outcome: object, what: str) -> None:
    files = getattr(outcome, "files", [])
    failures = getattr(outcome, "failures", [])
    seconds = getattr(outcome, "seconds", 0.0)
    console.out.print(f"{len(files)} file(s) written ({what}) in {seconds:.1f} s")
    for failure in failures:
        console.err.print(f"[red]failed[/] {failure}", markup=True, soft_wrap=True)


@report_app.command("dealer")
def dealer(
    dealer_code: Annotated[str, typer.Argument(help="Dealer code, e.g. SH001.")],
    wave: WaveOption,
    lang: LangOption = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write the dealer workbook (Summary + Items).")] = False,
    output: OutOption = Path("reports"),
    workspace: WorkspaceOption = None,
    db: DbOption = None,
    evidence_dir: EvidenceDirOption = None,
) -> None:
    """One dealer's PDF report (page 1: standing; then what failed and what to fix). 单店报告。"""
    from dealer_audit.services import reporting

    with open_workspace(workspace, db, evidence_dir, needs_evidence=True) as ws:
        written = reporting.render_dealer_pdf(ws, wave, dealer_code, output, lang=_lang(lang, ws.language), xlsx=xlsx)
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
        path = reporting.render_region_pdf(ws, wave, region_code, output, lang=_lang(lang, ws.language))
    console.out.print(str(path))


@report_app.command("all")
def all_reports(
    wave: WaveOption,
    lang: LangOption = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write every dealer's workbook.")] = False,
    output: OutOption = Path("reports"),
    jobs: JobsOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
    evidence_dir: EvidenceDirOption = None,
) -> None:
    """Every dealer's PDF, every region's PDF and the HQ workbook, in parallel. 整批生成。

    A dealer whose report fails is listed at the end; the others are still written (exit code 1 if any failed).
    """
    from dealer_audit.services import reporting

    with open_workspace(workspace, db, evidence_dir, needs_evidence=True) as ws:
        context = reporting.prepare_wave(ws, wave)
        total = len(context.result.dealers) + len([r for r in context.result.regions if r.dealer_codes])
        with console.progress_bar(f"reports {wave}", total) as advance_to:
            outcome = reporting.render_all(
                ws,
                wave,
                output,
                lang=_lang(lang, ws.language),
                xlsx=xlsx,
                jobs=jobs,
                context=context,
                progress=lambda done, _total: advance_to(done),
            )
    _print_outcome(outcome, f"{output}/{wave}")
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
    with open_workspace(workspace, db) as ws:
        path = reporting.write_network_workbook(ws, wave, output, waves=extra, lang=_lang(lang, "en"))
    console.out.print(str(path))


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(report_app, name="report")
    app.command("consolidate")(consolidate)

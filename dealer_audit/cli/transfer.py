"""CLI: `dealer-audit import` (audit files, bundles, workbooks, field exports) and `dealer-audit export` (bundles)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, EvidenceDirOption, WorkspaceOption, open_workspace

PROGRESS_MINIMUM = 10  # files; shorter batches finish before a bar would help


WARNINGS_SHOWN = 5


def import_(
    paths: Annotated[
        list[Path], typer.Argument(help="Audit files (.json), bundles (.zip), workbooks (.xlsx) or folders.")
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Store changed copies of stored audits as new revisions.")
    ] = False,
    who: Annotated[
        str,
        typer.Option(
            "--who",
            envvar="DEALER_AUDIT_AUDITOR",
            help="Your name for the audit trail of replacements (default: login name).",
        ),
    ] = "",
    all_warnings: Annotated[
        bool, typer.Option("--all-warnings", help="List every warning (default: the first few per file).")
    ] = False,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
    evidence_dir: EvidenceDirOption = None,
) -> None:
    """Import audits; prints what was imported, unchanged or refused (exit 1 if anything was refused).

    导入稽核结果；列出已导入、未变化和被拒绝的文件（有拒绝时退出码为 1）。
    """
    from dealer_audit.services.importing import expand_paths, import_paths

    files = expand_paths(paths)
    who = who or _login_name()
    with (
        open_workspace(workspace, db, evidence_dir, stores_evidence=True) as ws,
        console.progress_bar("Importing", len(files), PROGRESS_MINIMUM) as bar,
    ):
        summary = import_paths(ws, files, replace=replace, progress=lambda done, _total, _path: bar(done), who=who)
    rows = []
    for result in summary.files:
        detail = "see below" if result.refused else f"{result.audit_count} audit(s)"
        if result.warnings and not result.refused:
            detail += f", {len(result.warnings)} warning(s)"
        rows.append((str(result.path), result.kind or "?", result.status.value, detail))
    console.print_table(["file", "kind", "result", "details"], rows)
    for result in summary.files:  # warnings go to stderr: an incomplete workbook imports as a draft, say why
        shown = result.warnings if all_warnings else result.warnings[:WARNINGS_SHOWN]
        for line in shown:
            console.err.print(f"warning: {line}", soft_wrap=True, markup=False)
        if len(shown) < len(result.warnings):
            hidden = len(result.warnings) - len(shown)
            console.err.print(f"warning: … {hidden} more for {result.path} (--all-warnings lists them)", markup=False)
    refused = summary.refused
    for result in refused:  # full reasons outside the table: long messages stay whole and copyable
        console.out.print(f"refused {result.path}:", soft_wrap=True, markup=False)
        for line in result.reason.splitlines():
            console.out.print(f"  {line}", soft_wrap=True, markup=False)
    console.out.print(
        f"{summary.imported} imported, {summary.unchanged} unchanged, {summary.replaced} replaced, "
        f"{len(refused)} file(s) refused"
    )
    if refused:
        raise typer.Exit(1)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return ""


def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="Bundle file to write (.zip).")],
    audit: Annotated[str | None, typer.Option("--audit", help="Audit id (or a unique prefix).")] = None,
    wave: Annotated[str | None, typer.Option("--wave", help="Export every audit of this wave.")] = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
    evidence_dir: EvidenceDirOption = None,
) -> None:
    """Write a bundle (audits + evidence, every file with its sha256) to send to HQ.

    导出数据包（稽核结果与证据文件，均带 sha256 校验）。
    """
    from dealer_audit.services.importing import export_bundle

    if (audit is None) == (wave is None):
        raise typer.BadParameter("give exactly one of --audit ID or --wave W", param_hint="--audit/--wave")
    with open_workspace(workspace, db, evidence_dir, needs_evidence=True) as ws:
        result = export_bundle(ws, output, audit_id=audit, wave=wave)
    console.out.print(f"Wrote {result.path}: {result.audits} audit(s), {result.evidence_files} evidence file(s)")
    if result.drafts:
        console.err.print(f"note: {result.drafts} of them not finalised yet (they travel as drafts)", markup=False)


def register(app: typer.Typer) -> None:
    """Attach `import` and `export` to the root app."""
    app.command("import")(import_)
    app.command("export")(export)

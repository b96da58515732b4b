"""CLI: `dealer-audit capture` — the interactive, keyboard-only capture wizard (see docs/capture.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, EvidenceDirOption, WorkspaceOption, open_workspace


def capture(
    dealer: Annotated[str, typer.Option("--dealer", "-d", help="Dealer code, e.g. SH001.")],
    standard: Annotated[str, typer.Option("--standard", "-s", help="Standard id (latest version) or ID@VERSION.")],
    wave: Annotated[str, typer.Option("--wave", help="Audit wave, e.g. 2026-Q4.")],
    auditor: Annotated[
        str, typer.Option("--auditor", envvar="DEALER_AUDIT_AUDITOR", help="Your name (default: login name).")
    ] = "",
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: the workspace language).")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue this dealer/standard/wave draft.")] = False,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
    evidence_dir: EvidenceDirOption = None,
) -> None:
    """Capture an audit item by item; every answer is saved as it is given (q quits, --resume continues).

    逐项采集稽核结果；每个答案输入后立即保存（q 退出，--resume 继续）。
    """
    from dealer_audit.capture.wizard import run_capture

    with open_workspace(workspace, db, evidence_dir, stores_evidence=True) as ws:
        language = (lang or ws.language or "zh").lower()
        if language not in ("zh", "en", "zh-cn"):
            raise typer.BadParameter("use zh or en", param_hint="--lang")
        result = run_capture(
            ws.repo,
            ws.evidence_dir,
            dealer,
            standard,
            wave,
            auditor=auditor,
            lang=language,
            resume=resume,
            console=console.out,
        )
    if result.quit:
        raise typer.Exit(0)


def register(app: typer.Typer) -> None:
    """Attach `capture` to the root app."""
    app.command("capture")(capture)

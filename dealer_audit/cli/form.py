"""CLI: `dealer-audit form` — write the fill-in workbook for one dealer, standard and wave (see docs/capture.md).

The filled workbook comes back through `dealer-audit import FILE.xlsx` (services/importing → formats/form_xlsx).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, WaveOption, WorkspaceOption, open_workspace
from dealer_audit.cli.error_language import bad_parameter


def form(
    dealer: Annotated[str, typer.Option("--dealer", "-d", help="Dealer code, e.g. SH001.")],
    standard: Annotated[str, typer.Option("--standard", "-s", help="Standard id (latest version) or ID@VERSION.")],
    wave: WaveOption,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, help="Workbook to write (default: DEALER-WAVE.xlsx)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    self_assessment: Annotated[
        bool,
        typer.Option(
            "--self-assessment",
            help="The dealer's own form (audit kind self; never counted in any score): the dealer fills it before "
            "the visit, see docs/actions-and-disputes.md.",
        ),
    ] = False,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Write a fill-in workbook (one row per item, dropdowns, locked headers) for offline capture in Excel.

    生成离线填写用的 Excel 稽核表（每项一行、下拉选项、表头锁定）。填好后用 `dealer-audit import` 导入。
    """
    from dealer_audit.capture.targets import resolve_target
    from dealer_audit.core.answers import AuditKind
    from dealer_audit.errors import Conflict
    from dealer_audit.formats.form_xlsx import write_form

    target = output or Path(f"{dealer}-{wave}.xlsx")
    if target.suffix.lower() != ".xlsx":
        raise bad_parameter("the workbook must end in .xlsx", "工作簿文件名必须以 .xlsx 结尾", param_hint="--output")
    if target.exists() and not force:
        raise Conflict(
            f"{target} exists; pass --force to overwrite it (a filled form would be lost)",
            zh=f"{target} 已存在；如要覆盖，请加 --force（已填写的表单将会丢失）",
        )
    with open_workspace(workspace, db) as ws:
        found_dealer, checklist = resolve_target(ws.repo, dealer, standard, wave)
        key = ws.form_key
    kind = AuditKind.SELF if self_assessment else AuditKind.VISIT
    write_form(checklist, found_dealer, wave, target, key=key, kind=kind)
    items = sum(1 for _ in checklist.items())
    what = " (self-assessment form)" if self_assessment else ""
    console.out.print(
        f"wrote {target}{what}: {items} items of {checklist.id} {checklist.version} for {found_dealer.code}, "
        f"wave {wave}",
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    """Attach `form` to the root app."""
    app.command("form")(form)

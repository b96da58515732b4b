"""CLI: `dealer-audit checklist xlsform` — a standard as an XLSForm for ODK Collect, KoboCollect and Enketo.

The command joins the `checklist` group owned by cli/checklist.py (`checklist_app`); `register` attaches it there,
so app.py only needs to import this module and call `register(app)` like every other command module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.console import escape
from dealer_audit.cli.error_language import bad_parameter


def xlsform(
    standard: Annotated[Path, typer.Argument(help="The standard to export (.yaml or .xlsx).", show_default=False)],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The XLSForm workbook to write (.xlsx).", show_default=False)
    ],
    dealers: Annotated[
        Path | None,
        typer.Option(
            "--dealers",
            help="Dealer master data (csv/xlsx): the form offers the dealers as a list and reads their attributes "
            "for conditions; without it the dealer code is typed in.",
        ),
    ] = None,
    all_notes: Annotated[
        bool,
        typer.Option(
            "--notes-on-all-items", help="Offer an optional note on every item, not only where evidence asks."
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output if it exists.")] = False,
) -> None:
    """Write the standard as an XLSForm (survey/choices/settings) to upload to ODK Central or KoboToolbox.

    Submissions exported from those tools come back with `dealer-audit import`.
    """
    from dealer_audit.errors import Conflict
    from dealer_audit.formats.standards import load_any_standard
    from dealer_audit.formats.xlsform import NotesMode, standard_ref, write_xlsform

    if output.suffix.lower() != ".xlsx":
        raise bad_parameter(
            "the XLSForm must end in .xlsx (ODK Central and KoboToolbox expect it)",
            "XLSForm 文件名必须以 .xlsx 结尾（ODK Central 和 KoboToolbox 只接受这种格式）",
            param_hint="--output",
        )
    if output.exists() and not force:
        raise Conflict(f"{output} exists; pass --force to overwrite it", zh=f"{output} 已存在；如要覆盖，请加 --force")
    checklist = load_any_standard(standard)
    dealer_list = None
    if dealers is not None:
        from dealer_audit.formats.dealers import read_dealers

        dealer_list = read_dealers(dealers)
    notes: NotesMode = "all" if all_notes else "evidence"
    form = write_xlsform(checklist, output, dealer_list, notes=notes)
    questions = sum(1 for row in form.survey if row["type"] not in ("begin group", "end group"))
    dealer_note = f", {len(dealer_list)} dealers" if dealer_list is not None else ""
    console.out.print(
        f"[green]wrote[/] {escape(str(output))}: form {standard_ref(checklist)}, "
        f"{questions} fields for {len(list(checklist.items()))} items{dealer_note}",
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    """Attach `xlsform` to the `checklist` group (`app` is the root app; the group lives in cli/checklist.py)."""
    from dealer_audit.cli.checklist import checklist_app

    if not any(command.name == "xlsform" for command in checklist_app.registered_commands):
        checklist_app.command("xlsform")(xlsform)

"""The root `dealer-audit` command: joins the command groups and turns user-caused errors into messages.

Each command module owns one group or a few top-level commands and exposes `register(app)`; this module only
wires them together, so a newcomer finds a command's code from its name (`dealer-audit report` -> cli/report.py).
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from dealer_audit.cli import (
    actions,
    auditors,
    calibration,
    capture,
    checklist,
    coverage,
    db,
    dealers,
    demo,
    disputes,
    form,
    incentives,
    insight,
    keys,
    kpis,
    plan,
    report,
    score,
    self_assessment,
    serve,
    transfer,
    users,
    workspace,
    xlsform,
)
from dealer_audit.cli.console import err
from dealer_audit.cli.error_language import error_language, print_error, print_failure
from dealer_audit.errors import DealerAuditError, ValidationFailed


class _ErrorReportingGroup(TyperGroup):
    """Every DealerAuditError ends as a plain message on stderr (in the user's language, see cli/error_language.py)
    and a non-zero exit, never a traceback."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationFailed as failure:
            print_failure(failure, error_language(ctx))
            raise typer.Exit(failure.exit_code) from None
        except DealerAuditError as error:
            print_error(error, error_language(ctx))
            raise typer.Exit(error.exit_code) from None
        except OSError as error:  # a file the user named cannot be read or written: say which, no traceback
            where = f"{error.filename}: " if error.filename else ""
            err.print(f"[bold red]error:[/] {where}{error.strerror or error}", markup=True, soft_wrap=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_ErrorReportingGroup,
    name="dealer-audit",
    help="Capture dealer service audits offline, score them against OEM standards, report per dealer and region.\n\n"
    "经销商服务稽核：离线采集、按厂家标准量化评分、生成经销商与区域报告。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


@app.callback()
def root() -> None:
    """Capture dealer service audits offline, score them against OEM standards, report per dealer and region."""


@app.command()
def version() -> None:
    """Print the tool's version."""
    from dealer_audit import __version__
    from dealer_audit.cli.console import out

    out.print(f"dealer-audit {__version__}")


for module in (
    workspace,
    checklist,
    xlsform,
    dealers,
    capture,
    form,
    transfer,
    score,
    calibration,
    report,
    demo,
    serve,
    db,
    users,
    actions,
    disputes,
    auditors,
    keys,
    plan,
    coverage,
    self_assessment,
    kpis,
    incentives,
    insight,
):
    module.register(app)


def main() -> None:
    app()

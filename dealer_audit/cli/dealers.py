"""CLI: `dealer-audit dealers check | import | list` — dealer master data (one record per dealer code)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, LangOption, RegionOption, WorkspaceOption, open_workspace, resolve_lang
from dealer_audit.cli.console import escape
from dealer_audit.cli.error_language import current_language
from dealer_audit.errors import Message, ValidationFailed, localized, pick

dealers_app = typer.Typer(
    name="dealers",
    help="Dealer master data: check, import and list dealers.\n\n经销商主数据：校验、导入、列表。",
    no_args_is_help=True,
)

FileArgument = Annotated[Path, typer.Argument(help="Dealer master data (.csv or .xlsx).", show_default=False)]


def _program_regions(program_file: Path | None) -> set[str] | None:
    if program_file is None:
        return None
    from dealer_audit.formats.standard_yaml import load_program

    program = load_program(program_file)
    return {r.code for r in program.regions} or None


@dealers_app.command("check")
def check(
    file: FileArgument,
    program: Annotated[
        Path | None, typer.Option("--program", help="Program file whose regions are the only valid ones.")
    ] = None,
) -> None:
    """Validate a dealer file without storing it: every problem by row and column, exit 1 on any error."""
    from dealer_audit.formats.dealers import check_dealers

    dealers, problems = check_dealers(file, _program_regions(program))
    errors = [p for p in problems if p.is_error]
    lang = current_language()
    for warning in (p for p in problems if not p.is_error):
        label = warning.severity.label(lang)
        console.out.print(f"[yellow]{label}[/] {escape(warning.render(lang))}", soft_wrap=True)
    if errors:
        raise ValidationFailed(
            errors, f"{file.name}: {len(errors)} error(s)", summary_zh=f"{file.name}：发现 {len(errors)} 处错误"
        )
    regions = sorted({d.region for d in dealers})
    console.out.print(
        f"[green]OK[/] {escape(str(file))}: {len(dealers)} dealers in {len(regions)} regions ({', '.join(regions)})",
        soft_wrap=True,
    )


@dealers_app.command("import")
def import_(
    file: FileArgument,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Store dealers (insert or update by code). Regions must be the stored program's; any error stores nothing."""
    from dealer_audit.formats.dealers import read_dealers

    with open_workspace(workspace, db) as ws:
        regions = ws.repo.program_region_codes()
        dealers = read_dealers(file, regions)
        result = ws.repo.save_dealers(dealers)
    console.out.print(
        f"[green]imported[/] {len(dealers)} dealers from {escape(str(file))}: "
        f"{result.created} new, {result.updated} updated, {result.unchanged} unchanged",
        soft_wrap=True,
    )


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


@dealers_app.command("list")
def list_(
    region: RegionOption = None,
    lang: LangOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """List stored dealers (code, name, region, city, group, brand, attributes), sorted by code."""
    with open_workspace(workspace, db) as ws:
        dealers = ws.repo.list_dealers(region=region)
        language = resolve_lang(lang, ws)
    if not dealers:
        where = f" in region {region}" if region else ""
        where_zh = f"区域 {region} 中" if region else ""
        told = Message(
            f"no dealers{where}; load them with `dealer-audit dealers import FILE`",
            f"{where_zh}没有经销商；请用 `dealer-audit dealers import FILE` 导入",
        )
        console.err.print(told.text(current_language()), markup=False)
        return
    header = [
        localized(h, current_language())
        for h in (
            Message("code", "代码"),
            console.NAME,
            console.REGION,
            Message("city", "城市"),
            Message("group", "集团"),
            Message("brand", "品牌"),
            Message("attributes", "属性"),
        )
    ]
    rows = [
        [
            d.code,
            d.name.get(language),
            d.region,
            d.city,
            d.group,
            d.brand,
            " ".join(f"{k}={v}" for k, v in sorted(d.attributes.items())),
        ]
        for d in dealers
    ]
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        line = "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip()
        console.out.print(line, markup=False, soft_wrap=True)
    console.out.print(pick(f"{len(dealers)} dealer(s)", f"{len(dealers)} 家经销商", current_language()), markup=False)


def register(app: typer.Typer) -> None:
    """Attach the `dealers` group to the root app."""
    app.add_typer(dealers_app, name="dealers")

"""CLI: `dealer-audit checklist validate | show | convert` — OEM standards checked as strictly as code.

`checklist_app` is a module-level Typer so other modules may add commands to the group (e.g. `checklist xlsform`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import LangOption, resolve_lang
from dealer_audit.cli.console import escape
from dealer_audit.cli.error_language import current_language
from dealer_audit.core.standard import Checklist, Item, Section
from dealer_audit.errors import Location, Problem, Severity, ValidationFailed, pick

checklist_app = typer.Typer(
    name="checklist",
    help="Check, show and convert OEM standards (YAML ⇄ Excel).\n\n厂家标准：校验、查看、转换。",
    no_args_is_help=True,
)


@checklist_app.command("validate")
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Standard or program files (.yaml/.xlsx), or folders of them.", show_default=False),
    ],
    dealers: Annotated[
        Path | None,
        typer.Option(
            "--dealers",
            help="Dealer master data (csv/xlsx): conditions may only name its attribute columns.",
        ),
    ] = None,
) -> None:
    """Report every problem of each file (file:line or file!sheet!cell); exit 1 on any error. Writes nothing."""
    from dealer_audit.formats.standards import FileCheck, check_checklists_dir, check_file

    attributes: set[str] | None = None
    if dealers is not None:
        from dealer_audit.formats.dealers import dealer_attribute_names

        attributes = dealer_attribute_names(dealers)  # the rules add the master-data fields (code, region, …)
    checks: list[FileCheck] = []
    for path in paths:
        if path.is_dir():
            checks.extend(check_checklists_dir(path, attributes))
        elif not path.exists():
            problem = Problem(Location(str(path)), "no such file or folder", "not-found", zh="文件或文件夹不存在")
            checks.append(FileCheck(path, "unknown", problems=[problem]))
        else:
            checks.append(check_file(path, attributes))
    errors = []
    lang = current_language()
    for check in checks:
        for warning in check.warnings:
            label = Severity.WARNING.label(lang)
            console.out.print(f"[yellow]{label}[/] {escape(warning.render(lang))}", soft_wrap=True)
        if check.errors:
            errors.extend(check.errors)
            continue
        if check.checklist is not None:
            c = check.checklist
            items = list(c.items())
            scored = sum(1 for i in items if i.is_scored)
            critical = sum(1 for i in items if i.critical is not None)
            summary = pick(
                f"{c.id} {c.version}: {len(c.sections)} sections, {len(items)} items "
                f"({scored} scored, {critical} critical)",
                f"{c.id} {c.version}：{len(c.sections)} 个模块，{len(items)} 个检查项"
                f"（{scored} 个计分，{critical} 个关键项）",
                lang,
            )
        elif check.program is not None:
            p = check.program
            summary = pick(
                f"program {p.id}: {len(p.checklists)} checklists, {len(p.waves)} waves",
                f"稽核方案 {p.id}：{len(p.checklists)} 个稽核标准，{len(p.waves)} 个稽核批次",
                lang,
            )
        else:
            summary = pick("nothing to check", "没有可检查的内容", lang)
        warned = len(check.warnings)
        note = pick(f", {warned} warning(s)", f"，{warned} 条警告", lang) if warned else ""
        ok, colon = pick("OK", "通过", lang), pick(": ", "：", lang)
        console.out.print(f"[green]{ok}[/] {escape(str(check.path))}{colon}{escape(summary)}{note}", soft_wrap=True)
    if errors:
        failed = sum(1 for c in checks if c.errors)
        raise ValidationFailed(
            errors,
            f"{len(errors)} error(s) in {failed} of {len(checks)} file(s)",
            summary_zh=f"{len(checks)} 个文件中有 {failed} 个存在错误，共 {len(errors)} 处",
        )


def _weight(value: float) -> str:
    return f"{value:g}"


def _item_line(item: Item, lang: str, section_total: float) -> str:
    parts = [f"[bold]{escape(item.id)}[/] {escape(item.text.get(lang))}", f"[dim]{item.type.value}[/]"]
    if item.is_scored:
        share = f" = {item.weight / section_total:.0%}" if section_total and not item.bonus else ""
        parts.append(f"w {_weight(item.weight)}{share}" + (" bonus" if item.bonus else ""))
    else:
        parts.append("[dim]unscored[/]")
    if item.critical is not None:
        effect = item.critical.effect.value
        if item.critical.cap is not None:
            effect += f" {_weight(item.critical.cap)}"
        parts.append(f"[bold red]✖ critical ({effect})[/]")
    if item.na_allowed:
        parts.append("N/A ok")
    if item.condition:
        parts.append(f"[cyan]if {escape(item.condition)}[/]")
    if item.bands:
        bands = ", ".join(
            ("≤" + _weight(b.max) if b.max is not None else "")
            + (("≥" + _weight(b.min)) if b.min is not None and b.max is None else "")
            + (f"{_weight(b.min)}–{_weight(b.max)}" if b.min is not None and b.max is not None else "")
            + ("else" if b.min is None and b.max is None else "")
            + f"→{_weight(b.score)}"
            for b in item.bands
        )
        parts.append(f"[dim]bands {escape(bands)}[/]")
    if item.evidence.is_required_somewhere:
        parts.append(f"[dim]evidence photo:{item.evidence.photo.value} note:{item.evidence.note.value}[/]")
    return "  ".join(parts)


def render_tree(checklist: Checklist, lang: str) -> list[str]:
    """The standard as tree lines (rich markup): sections with weights and shares, items with their rules."""
    total = sum(s.effective_weight for s in checklist.sections)
    lines = [
        f"[bold]{escape(checklist.title.get(lang))}[/]  {checklist.id} {checklist.version} "
        f"({checklist.kind.value}) — total weight {_weight(total)}"
    ]
    for s_index, section in enumerate(checklist.sections):
        last_section = s_index == len(checklist.sections) - 1
        branch, stem = ("└── ", "    ") if last_section else ("├── ", "│   ")
        lines.append(branch + _section_line(section, lang, total))
        item_total = sum(i.weight for i in section.items if i.is_scored and not i.bonus)
        for i_index, item in enumerate(section.items):
            twig = "└── " if i_index == len(section.items) - 1 else "├── "
            lines.append(stem + twig + _item_line(item, lang, item_total))
    if checklist.bands:
        bands = ", ".join(
            f"{b.label.get(lang) or b.code} ≥ {_weight(b.min)}" for b in sorted(checklist.bands, key=lambda b: -b.min)
        )
        lines.append(f"[dim]bands: {escape(bands)}[/]")
    return lines


def _section_line(section: Section, lang: str, total: float) -> str:
    weight = section.effective_weight
    share = f" = {weight / total:.0%}" if total else ""
    how = "" if section.weight is not None else " (item points)"
    title = escape(section.title.get(lang))
    return f"[bold magenta]{title}[/] [dim]{section.id}[/]  weight {_weight(weight)}{how}{share}"


@checklist_app.command("show")
def show(
    path: Annotated[Path, typer.Argument(help="A standard file (.yaml or .xlsx).", show_default=False)],
    lang: LangOption = None,
) -> None:
    """Draw the standard as a tree: sections and weights, items with type, weight, critical mark, condition, N/A."""
    from dealer_audit.formats.standards import load_any_standard

    checklist = load_any_standard(path)
    for line in render_tree(checklist, resolve_lang(lang)):
        console.out.print(line, soft_wrap=True)


@checklist_app.command("convert")
def convert(
    source: Annotated[Path, typer.Argument(help="The standard to read (.yaml or .xlsx).", show_default=False)],
    target: Annotated[Path, typer.Argument(help="The file to write (.yaml or .xlsx).", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite the target if it exists.")] = False,
) -> None:
    """Convert a standard between YAML and Excel without loss; an invalid source writes nothing."""
    from dealer_audit.errors import Conflict
    from dealer_audit.formats.standards import convert_standard

    if target.exists() and not force:
        raise Conflict(f"{target} exists; pass --force to overwrite it", zh=f"{target} 已存在；如要覆盖，请加 --force")
    checklist = convert_standard(source, target)
    console.out.print(
        f"[green]wrote[/] {escape(str(target))}: {checklist.id} {checklist.version}, "
        f"{len(list(checklist.items()))} items",
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    """Attach the `checklist` group to the root app."""
    app.add_typer(checklist_app, name="checklist")

"""CLI: `dealer-audit coverage --wave W` — during the wave: planned, captured, done, overdue; who is not covered."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import (
    DbOption,
    JsonOption,
    LangOption,
    WaveOption,
    WorkspaceOption,
    open_workspace,
    parse_day,
    resolve_lang,
)
from dealer_audit.cli.error_language import current_language
from dealer_audit.core.coverage import STATES, VisitState, coverage_to_dict
from dealer_audit.errors import Message, pick


def coverage(
    wave: WaveOption,
    today: Annotated[
        str | None, typer.Option("--today", help="Count overdue visits as of this date (default: today).")
    ] = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Where the wave stands: per region and auditor, and the dealers nobody has visited yet.

    批次进度：按区域与稽核员统计，并列出尚无人到访的经销商。
    """
    from dealer_audit.services.field_operations import coverage_of

    as_of = parse_day(today, "--today") or date.today()
    with open_workspace(workspace, db) as ws:
        result = coverage_of(ws.repo, wave, as_of)
        lang = resolve_lang(lang, ws)
    if as_json:
        console.out.print(
            json.dumps(coverage_to_dict(result, lang), ensure_ascii=False, indent=2),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        return
    said = current_language()  # the lines below are messages: the user's language (data follows `lang`)
    if not result.visits:
        command = f"`dealer-audit plan --wave {wave}`"
        console.err.print(
            pick(
                f"no plan stored for {wave}: make one with {command}",
                f"批次 {wave} 没有存储的走访计划：用 {command} 生成",
                said,
            ),
            markup=False,
        )
    # the HQ workbook's Coverage sheet's words (one vocabulary for the sheet and the command); the states' codes are
    # the English headers and the --json keys
    from dealer_audit.render.xlsx.coverage_sheet import LABELS

    words = LABELS["zh"]
    totals = result.totals()
    states: list[str | Message] = [Message(s.value, words[s.value]) for s in STATES]

    def row(name: str, counts: dict[VisitState, int]) -> list[str]:
        return [name, *[str(counts.get(s, 0)) for s in STATES], str(sum(counts.values()))]

    every = pick("all", words["all"], said)
    by_region = [row(r, c) for r, c in sorted(result.by_region.items())] + [row(every, totals)]
    title = Message(f"{wave} coverage on {as_of}", words["title"].format(wave=wave, today=as_of))
    console.print_table([console.REGION, *states, console.TOTAL], by_region, title=title, lang=said)
    by_auditor = [row(a, c) for a, c in sorted(result.by_auditor.items())]
    console.print_table([console.AUDITOR, *states, console.TOTAL], by_auditor, lang=said)
    if not result.planned:
        stored = [
            [r or "?", str(c[VisitState.DONE]), str(c[VisitState.CAPTURED])]
            for r, c in sorted(result.stored_by_region.items())
        ]
        console.print_table(
            [console.REGION, Message("final audits", words["final"]), Message("drafts", words["draft"])],
            stored,
            title=Message("audits stored (no plan)", "已存储的稽核（无走访计划）"),
            lang=said,
        )
    stand_ins = result.stand_in_visits
    if stand_ins:
        console.out.print(
            pick(f"{stand_ins} visit(s) made by a stand-in auditor", f"{stand_ins} 次走访由替补稽核员完成", said),
            markup=False,
        )
    if result.unplanned_audits:
        unplanned = result.unplanned_audits
        console.out.print(
            pick(f"{unplanned} audit(s) stored outside the plan", f"{unplanned} 份稽核不在计划内", said), markup=False
        )
    names = [f"{d.code} {d.name.get(lang)} ({d.region})" for d in result.unvisited_dealers]
    nobody = pick(
        f"{len(names)} dealer(s) nobody has visited yet" + (":" if names else ""),
        f"{len(names)} 家经销商尚无人到访" + ("：" if names else ""),
        said,
    )
    console.out.print(nobody, markup=False)
    for name in names:
        console.out.print(f"  {name}", markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Attach `coverage` to the root app."""
    app.command("coverage")(coverage)

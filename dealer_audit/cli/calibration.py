"""CLI: `dealer-audit calibration` — how well auditors agree per item, and how severe each auditor is.

Thin over services/calibration.py (the same figures as the JSON, the calibration PDF and the HQ sheet).
"""

from __future__ import annotations

import json
from pathlib import Path
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
    resolve_lang,
)
from dealer_audit.cli.error_language import current_language, warning_prefix
from dealer_audit.core.answers import AuditKind
from dealer_audit.core.calibration import Calibration
from dealer_audit.errors import Message, pick


def print_calibration(c: Calibration, lang: str) -> None:
    """The terminal view: shared evidence, items that agree poorly, every auditor's severity and flags."""
    doubles = sum(1 for u in c.units if u.kind is AuditKind.DOUBLE)
    sessions = sum(1 for u in c.units if u.kind is AuditKind.CALIBRATION)
    said = current_language()  # messages in the user's language; `lang` is the data's (item texts)
    waves, units, items = ", ".join(c.waves), len(c.units), len(c.items)
    headline = pick(
        f"Calibration — wave {c.wave} (model and drift over {waves}): {units} shared units "
        f"({doubles} double audits, {sessions} calibration session(s)), {items} items compared",
        f"稽核员校准 — 批次 {c.wave}（模型与漂移基于 {waves}）：{units} 个共享单元"
        f"（{doubles} 次双人复核，{sessions} 次校准场景），比较了 {items} 个项目",
        said,
    )
    console.out.print(headline, soft_wrap=True, markup=False)
    t = c.thresholds
    poor = c.poor_items
    rows = [
        (
            i.item_id,
            i.standard_id,
            i.text.get(lang),
            i.agreement.level.value,
            str(i.agreement.units),
            f"{i.agreement.ac_name} {i.agreement.ac.text()}",
            i.agreement.alpha.text(),
            pick("AMBIGUOUS", "措辞含糊", said)
            if i.ambiguous
            else pick(f"driven by {', '.join(i.driven_by)}", f"源于 {'、'.join(i.driven_by)}", said),
        )
        for i in poor
    ]
    if rows:
        console.print_table(
            [
                console.ITEM,
                Message("standard", "标准"),
                Message("text", "内容"),
                Message("level", "程度"),
                Message("units", "单元"),
                "AC1/AC2 [95%]",
                "alpha [95%]",
                Message("verdict", "结论"),
            ],
            rows,
            title=Message(
                f"Items with poor agreement (AC < {t.poor_ac:g}, or alpha < {t.poor_alpha:g} with AC < {t.good_ac:g})",
                f"一致性差的项目（AC < {t.poor_ac:g}，或 alpha < {t.poor_alpha:g} 且 AC < {t.good_ac:g}）",
            ),
            lang=said,
        )
    else:
        console.out.print(pick("No item agrees poorly.", "没有一致性差的项目。", said), markup=False)
    others = len(c.items) - len(poor)
    acceptable = pick(
        f"{others} other items agree acceptably (all in --json).",
        f"其余 {others} 个项目一致性可以接受（详见 --json）。",
        said,
    )
    console.out.print(acceptable, markup=False)
    auditor_rows = [
        (
            a.auditor,
            str(a.audits),
            str(a.shared_units),
            a.consensus.text(with_n=True),
            a.model.text(with_n=True),
            "–" if a.drift is None else f"{a.drift:+.1f}",
            pick("OUTSIDE: ", "超出容差：", said) + "; ".join(r.get(lang) for r in a.reasons)
            if a.outside
            else pick("ok", "正常", said),
        )
        for a in c.auditors
    ]
    console.print_table(
        [
            console.AUDITOR,
            Message("audits", "稽核"),
            Message("shared", "共享"),
            Message("vs consensus [95%]", "相对共识 [95%]"),
            Message("dealer-adjusted [95%]", "经销商调整后 [95%]"),
            Message("drift", "漂移"),
            Message("tolerance", "容差"),
        ],
        auditor_rows,
        title=Message(
            f"Auditor severity in index points (+ = more generous; tolerance ±{t.severity_tolerance:g})",
            f"稽核员宽严程度（指数分；+ = 更宽松；容差 ±{t.severity_tolerance:g}）",
        ),
        lang=said,
    )
    for problem in c.problems:
        console.err.print(f"{warning_prefix(said)}{problem.text(said)}", markup=False, soft_wrap=True)


def calibration(
    wave: WaveOption,
    waves: Annotated[
        str | None,
        typer.Option("--waves", help="Waves for the dealer-adjusted model and the drift, e.g. 2026-Q3,2026-Q4."),
    ] = None,
    as_json: JsonOption = False,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Also write the calibration PDF to this file.")] = None,
    lang: LangOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Auditor calibration: agreement per item (Gwet's AC1/AC2, Krippendorff's alpha) and severity per auditor.

    稽核员校准：各项目的评分一致性与各稽核员的宽严程度（双人复核与校准场景）。
    """
    from dealer_audit.services.calibration import calibration_to_dict, load_calibration, parse_waves

    with open_workspace(workspace, db) as ws:
        lang = resolve_lang(lang, ws)
        result = load_calibration(ws.repo, wave, parse_waves(waves))
    if pdf is not None:
        from dealer_audit.render.pdf.calibration import render_calibration_pdf

        if pdf.suffix.lower() != ".pdf":
            pdf = pdf.with_suffix(".pdf")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        render_calibration_pdf(result, pdf, lang=lang)
    if as_json:
        console.out.print(
            json.dumps(calibration_to_dict(result), ensure_ascii=False, indent=2),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    else:
        print_calibration(result, lang)
    if pdf is not None:
        console.err.print(pick(f"wrote {pdf}", f"已写入 {pdf}", current_language()), markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Attach `calibration` to the root app."""
    app.command("calibration")(calibration)

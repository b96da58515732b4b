"""CLI: `dealer-audit self-assessment` — where dealers claim more than the auditor saw.

Thin over services/self_assessment.py (the same rules as the self-assessment sections of the dealer and region
PDFs and the HQ workbook's sheet).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import (
    DbOption,
    JsonOption,
    LangOption,
    RegionOption,
    WaveOption,
    WorkspaceOption,
    open_workspace,
    resolve_lang,
)
from dealer_audit.cli.error_language import current_language, warning_prefix
from dealer_audit.core.report_model import fmt_delta, fmt_number, fmt_percent
from dealer_audit.core.report_model.labels import label
from dealer_audit.errors import Message, pick
from dealer_audit.services.self_assessment import SelfAssessmentResult


def _share(value: float | None) -> str:
    return fmt_percent(value, 0)


def print_self_assessment(result: SelfAssessmentResult, items: bool) -> None:
    """One row per self audit (over-claiming dealers first); with `items`, each one's differing items."""
    said = current_language()
    if not result.views:
        none = pick(
            f"No self-assessment in wave {result.wave} for this selection ({result.self_audits} in the wave). "
            'Dealers return one as an audit file with "kind": "self" (docs/actions-and-disputes.md).',
            f"稽核批次 {result.wave} 中没有符合所选条件的自评（本批次共 {result.self_audits} 份）。"
            '经销商以 "kind": "self" 的稽核文件提交自评（见 docs/actions-and-disputes.md）。',
            said,
        )
        console.out.print(none, markup=False, soft_wrap=True)
    else:
        console.print_table(
            [
                console.DEALER,
                console.NAME,
                console.REGION,
                Message("standard", "标准"),
                Message("filled by", "填写人"),
                Message("visits", "走访"),
                Message("self", "自评"),
                Message("audited", "稽核"),
                Message("gap", "差距"),
                Message("over-claims", label("self_sheet.over_claims", "zh")),
            ],
            [
                (
                    v.dealer_code,
                    v.dealer_name,
                    v.region,
                    v.standard_id,
                    v.filled_by or "–",
                    str(v.visits),
                    fmt_number(v.self_index),
                    fmt_number(v.audited_index),
                    fmt_delta(v.index_gap),
                    str(v.over_claims),
                )
                for v in result.views
            ],
            title=Message(
                f"Self-assessment gap — wave {result.wave} (index 0–100; gap = self − audited)",
                f"自评差距 — 批次 {result.wave}（指数 0–100；差距 = 自评 − 稽核）",
            ),
            lang=said,
        )
    if items:
        for v in result.views:
            title = Message(
                f"{v.dealer_code} {v.standard_id}: items where the claim differs from the audit",
                f"{v.dealer_code} {v.standard_id}：自评与稽核结果不一致的项目",
            )
            if not v.items:
                none = pick(
                    f"{title.en}: none.",
                    f"{v.dealer_code} {v.standard_id}：没有自评与稽核结果不一致的项目。",
                    current_language(),
                )
                console.out.print(none, markup=False, soft_wrap=True)
                continue
            console.print_table(
                [
                    console.ITEM,
                    Message("requirement", "要求"),
                    Message("self", "自评"),
                    Message("audited", "稽核"),
                    Message("failed visits", "失分 走访"),
                    Message("over-claim", label("self_sheet.over_claim", "zh")),
                ],
                [
                    (
                        i.item_id,
                        i.text,
                        _share(i.claimed),
                        _share(i.observed),
                        f"{i.failed_visits}/{v.visits}",
                        pick("OVER-CLAIM", label("self_sheet.over_claim", "zh"), said) if i.over_claim else "",
                    )
                    for i in v.items
                ],
                title=title,
                lang=said,
            )
    for problem in result.skipped:
        console.err.print(f"{warning_prefix(said)}{problem.text(said)}", markup=False, soft_wrap=True)


def self_assessment(
    wave: WaveOption,
    region: RegionOption = None,
    dealer: Annotated[
        str | None, typer.Option("--dealer", help="Only this dealer (its code), with the items that differ.")
    ] = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Dealer self-assessment against the audit: index gap and over-claims (dealer says yes, auditor saw no).

    经销商自评与稽核结果的差距：指数差与虚报项（经销商自评达标，稽核未达标）。
    """
    from dealer_audit.services.self_assessment import load_self_assessment, self_assessment_to_dict

    with open_workspace(workspace, db) as ws:
        lang = resolve_lang(lang, ws)
        result = load_self_assessment(ws.repo, wave, region=region, dealer_code=dealer, lang=lang)
    if as_json:
        console.out.print(
            json.dumps(self_assessment_to_dict(result), ensure_ascii=False, indent=2),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    else:
        print_self_assessment(result, items=dealer is not None)


def register(app: typer.Typer) -> None:
    """Attach `self-assessment` to the root app."""
    app.command("self-assessment")(self_assessment)

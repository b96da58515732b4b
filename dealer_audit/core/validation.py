"""Does an audit fit its standard? All problems at once, as data, so every capture path reports the same way.

Callers (capture wizard, fill-in workbook import, field-app import, storage import) run `validate_audit` and
decide what to do: errors block saving as *finalised*, warnings are shown. Locations are
``Location(file=audit.source, path="answers.<item id>")``; readers that know a sheet/cell or line may re-map them.

Problem codes (stable, for callers and tests):

=====================  ========  ================================================================================
code                   severity  meaning
=====================  ========  ================================================================================
wrong_standard         error     the audit names another standard id/version than the one given
wrong_dealer           error     the audit names another dealer than the one given
unknown_item           error     an answer to an item id the standard does not have
invalid_value          error     wrong type, off the scale, unknown option code(s)
out_of_range           error     a number outside the item's plausible range
no_band                warning   a number no scoring band matches (it scores 0)
na_not_allowed         error     N/A on an item that does not allow it
na_with_value          warning   both N/A and a value (N/A wins)
not_applicable         warning   an answer to an item whose condition is false (ignored in scoring)
note_required          error     the evidence rule asks for a note (always, or on a failed answer)
photo_required         error     the evidence rule asks for a photo (always, or on a failed answer)
missing_required       error     a required applicable item has no answer (a warning while the audit is a draft)
=====================  ========  ================================================================================
"""

from __future__ import annotations

from dealer_audit.core.answers import Answer, Audit
from dealer_audit.core.scoring import (
    DealerLike,
    applicability,
    item_fraction,
    missing_required,
    value_problem,
)
from dealer_audit.core.standard import AnswerType, Checklist, EvidenceWhen, Item
from dealer_audit.errors import Location, Message, Problem, Severity

__all__ = ["applicability", "applicable_items", "is_complete", "validate_audit"]

_NO_HINT = Message("", "")


def applicable_items(standard: Checklist, audit: Audit, dealer: DealerLike = None) -> list[Item]:
    """The items whose condition holds for this audit and dealer, in checklist order (what a wizard asks and what
    scoring counts). Conditions are evaluated in item order; N/A counts as answered for `answered()`."""
    applicable = applicability(standard, audit, dealer)
    return [item for item in standard.items() if applicable[item.id]]


def is_complete(standard: Checklist, audit: Audit, dealer: DealerLike = None) -> bool:
    """True when every required applicable item has an answer or N/A: the audit may be finalised."""
    return not missing_required(standard, audit, applicability(standard, audit, dealer))


def _has_photo(item: Item, answer: Answer) -> bool:
    if answer.evidence:
        return True
    return item.type is AnswerType.PHOTO and isinstance(answer.value, str) and bool(answer.value.strip())


def validate_audit(
    standard: Checklist,
    audit: Audit,
    dealer: DealerLike = None,
    *,
    finalising: bool | None = None,
) -> list[Problem]:
    """Every problem of `audit` against `standard` (and the dealer's attributes for conditions), errors and
    warnings, in checklist order. Missing required answers are errors when the audit is (or is being) finalised
    — `finalising` defaults to `audit.is_final` — and warnings for a draft, which may be saved and scored."""
    source = audit.source
    problems: list[Problem] = []

    def add(
        item_id: str | None,
        message: Message,
        code: str,
        severity: Severity = Severity.ERROR,
        hint: Message = _NO_HINT,
    ) -> None:
        path = f"answers.{item_id}" if item_id is not None else None
        problems.append(
            Problem(
                Location(file=source, path=path),
                message.en,
                code,
                severity,
                hint.en,
                zh=message.zh,
                hint_zh=hint.zh,
            )
        )

    if (audit.standard_id, audit.standard_version) != (standard.id, standard.version):
        captured, given = f"{audit.standard_id} {audit.standard_version}", f"{standard.id} {standard.version}"
        add(
            None,
            Message(
                f"the audit was captured on {captured}, not {given}",
                f"该稽核记录采用的稽核标准是 {captured}，而不是 {given}",
            ),
            "wrong_standard",
        )
    dealer_code = getattr(dealer, "code", None)
    if dealer_code is not None and dealer_code != audit.dealer_code:
        add(
            None,
            Message(
                f"the audit is for dealer {audit.dealer_code}, not {dealer_code}",
                f"该稽核记录属于经销商 {audit.dealer_code}，而不是 {dealer_code}",
            ),
            "wrong_dealer",
        )

    items = standard.items_by_id
    for item_id in audit.answers:
        if item_id not in items:
            add(
                item_id,
                Message(
                    f"item {item_id!r} is not in {standard.id} {standard.version}",
                    f"稽核标准 {standard.id} {standard.version} 中没有检查项 {item_id!r}",
                ),
                "unknown_item",
            )

    applicable = applicability(standard, audit, dealer)
    for item in standard.items():
        answer = audit.answers.get(item.id)
        if answer is None or not answer.is_answered:
            continue
        en, zh = _label(item)
        if answer.na:
            if answer.value is not None:
                add(
                    item.id,
                    Message(f"{en}: both N/A and a value; N/A wins", f"{zh}：同时填写了“不适用”和答案；按“不适用”处理"),
                    "na_with_value",
                    Severity.WARNING,
                )
            if not item.na_allowed:
                add(
                    item.id,
                    Message(f"{en}: N/A is not allowed for this item", f"{zh}：此检查项不允许选择“不适用”"),
                    "na_not_allowed",
                    hint=Message("give an answer", "请填写答案"),
                )
        else:
            problem = value_problem(item, answer.value)
            if problem is not None:
                add(item.id, Message(f"{en}: {problem.en}", f"{zh}：{problem.text('zh')}"), "invalid_value")
            elif item.type is AnswerType.NUMBER:
                number = float(answer.value)  # type: ignore[arg-type]
                plausible = item.range
                if plausible is not None and (
                    (plausible.min is not None and number < plausible.min)
                    or (plausible.max is not None and number > plausible.max)
                ):
                    low = "" if plausible.min is None else f"{plausible.min:g}"
                    high = "" if plausible.max is None else f"{plausible.max:g}"
                    add(
                        item.id,
                        Message(
                            f"{en}: {number:g} is outside the range {low}..{high}",
                            f"{zh}：{number:g} 超出了合理范围 {low}..{high}",
                        ),
                        "out_of_range",
                    )
                if item.is_scored and item.bands and not any(b.matches(number) for b in item.bands):
                    add(
                        item.id,
                        Message(
                            f"{en}: no scoring band matches {number:g}; it scores 0",
                            f"{zh}：{number:g} 不在任何计分分档内；计 0 分",
                        ),
                        "no_band",
                        Severity.WARNING,
                    )
        if not applicable[item.id]:
            add(
                item.id,
                Message(
                    f"{en}: answered although its condition ({item.condition}) is false; the answer is ignored",
                    f"{zh}：跳题条件（{item.condition}）不成立，但仍填写了答案；该答案不计入",
                ),
                "not_applicable",
                Severity.WARNING,
            )
            continue
        if answer.na or answer.value is None:
            continue
        fraction = item_fraction(item, answer.value)
        failed = fraction is not None and fraction < 1.0
        rule = item.evidence
        if _needed(rule.note, failed) and not answer.note.strip():
            why = _why(rule.note)
            add(
                item.id,
                Message(f"{en}: a note is required{why.en}", f"{zh}：{why.zh}必须填写备注"),
                "note_required",
                hint=Message("describe what was seen", "请描述所见情况"),
            )
        if _needed(rule.photo, failed) and not _has_photo(item, answer):
            why = _why(rule.photo)
            add(
                item.id,
                Message(f"{en}: a photo is required{why.en}", f"{zh}：{why.zh}必须附上照片"),
                "photo_required",
                hint=Message("attach a photo", "请附上照片"),
            )

    final = audit.is_final if finalising is None else finalising
    for item_id in missing_required(standard, audit, applicable):
        en, zh = _label(items[item_id])
        add(
            item_id,
            Message(f"{en}: required and not answered", f"{zh}：必答项尚未作答"),
            "missing_required",
            Severity.ERROR if final else Severity.WARNING,
            hint=Message(
                "answer it (or mark N/A where allowed) before finalising",
                "定稿前请作答（允许时也可选择“不适用”）",
            ),
        )
    return problems


def _label(item: Item) -> tuple[str, str]:
    """How a message names an item, in English and in Chinese: its id and its text."""
    if not item.text:
        return item.id, item.id
    return f"{item.id} ({item.text.get('en')})", f"{item.id}（{item.text.get('zh')}）"


def _needed(when: EvidenceWhen, failed: bool) -> bool:
    return when is EvidenceWhen.ALWAYS or (when is EvidenceWhen.ON_FAIL and failed)


def _why(when: EvidenceWhen) -> Message:
    return Message(" for a failed answer", "答案不合格时") if when is EvidenceWhen.ON_FAIL else _NO_HINT

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
from dealer_audit.errors import Location, Problem, Severity

__all__ = ["applicability", "applicable_items", "is_complete", "validate_audit"]


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

    def add(item_id: str | None, message: str, code: str, severity: Severity = Severity.ERROR, hint: str = "") -> None:
        path = f"answers.{item_id}" if item_id is not None else None
        problems.append(Problem(Location(file=source, path=path), message, code, severity, hint))

    if (audit.standard_id, audit.standard_version) != (standard.id, standard.version):
        add(
            None,
            f"the audit was captured on {audit.standard_id} {audit.standard_version}, "
            f"not {standard.id} {standard.version}",
            "wrong_standard",
        )
    dealer_code = getattr(dealer, "code", None)
    if dealer_code is not None and dealer_code != audit.dealer_code:
        add(None, f"the audit is for dealer {audit.dealer_code}, not {dealer_code}", "wrong_dealer")

    items = standard.items_by_id
    for item_id in audit.answers:
        if item_id not in items:
            add(item_id, f"item {item_id!r} is not in {standard.id} {standard.version}", "unknown_item")

    applicable = applicability(standard, audit, dealer)
    for item in standard.items():
        answer = audit.answers.get(item.id)
        if answer is None or not answer.is_answered:
            continue
        label = f"{item.id} ({item.text.get('en')})" if item.text else item.id
        if answer.na:
            if answer.value is not None:
                add(item.id, f"{label}: both N/A and a value; N/A wins", "na_with_value", Severity.WARNING)
            if not item.na_allowed:
                add(item.id, f"{label}: N/A is not allowed for this item", "na_not_allowed", hint="give an answer")
        else:
            problem = value_problem(item, answer.value)
            if problem is not None:
                add(item.id, f"{label}: {problem}", "invalid_value")
            elif item.type is AnswerType.NUMBER:
                number = float(answer.value)  # type: ignore[arg-type]
                plausible = item.range
                if plausible is not None and (
                    (plausible.min is not None and number < plausible.min)
                    or (plausible.max is not None and number > plausible.max)
                ):
                    low = "" if plausible.min is None else f"{plausible.min:g}"
                    high = "" if plausible.max is None else f"{plausible.max:g}"
                    add(item.id, f"{label}: {number:g} is outside the range {low}..{high}", "out_of_range")
                if item.is_scored and item.bands and not any(b.matches(number) for b in item.bands):
                    add(
                        item.id,
                        f"{label}: no scoring band matches {number:g}; it scores 0",
                        "no_band",
                        Severity.WARNING,
                    )
        if not applicable[item.id]:
            add(
                item.id,
                f"{label}: answered although its condition ({item.condition}) is false; the answer is ignored",
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
            add(
                item.id, f"{label}: a note is required{_why(rule.note)}", "note_required", hint="describe what was seen"
            )
        if _needed(rule.photo, failed) and not _has_photo(item, answer):
            add(item.id, f"{label}: a photo is required{_why(rule.photo)}", "photo_required", hint="attach a photo")

    final = audit.is_final if finalising is None else finalising
    for item_id in missing_required(standard, audit, applicable):
        item = items[item_id]
        label = f"{item.id} ({item.text.get('en')})" if item.text else item.id
        add(
            item_id,
            f"{label}: required and not answered",
            "missing_required",
            Severity.ERROR if final else Severity.WARNING,
            hint="answer it (or mark N/A where allowed) before finalising",
        )
    return problems


def _needed(when: EvidenceWhen, failed: bool) -> bool:
    return when is EvidenceWhen.ALWAYS or (when is EvidenceWhen.ON_FAIL and failed)


def _why(when: EvidenceWhen) -> str:
    return " for a failed answer" if when is EvidenceWhen.ON_FAIL else ""

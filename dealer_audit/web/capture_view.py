"""What a capture page shows, computed from a `CaptureSession`: sections with progress, the items of one section
with their saved state, what still blocks finalising.

Templates only lay this out; every rule (which items apply, what evidence an answer owes, the running score) is
the session's, so the page and the terminal wizard can never disagree.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from dealer_audit.capture.session import CaptureError, CaptureSession, SectionProgress, is_failed
from dealer_audit.core.answers import Answer
from dealer_audit.core.standard import Item, Section
from dealer_audit.web.i18n import translate


def fingerprint(answer: Answer | None) -> str:
    """A short digest of a stored answer as a page showed it: a save whose page saw another version of the item
    was preceded by a change from another tab or person (see docs/web.md, "Two tabs")."""
    if answer is None:
        return "none"
    value = list(answer.value) if isinstance(answer.value, tuple) else answer.value
    body = json.dumps([value, answer.na, answer.note, [e.sha256 for e in answer.evidence]], ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def answer_text(answer: Answer | None) -> str:
    """The stored answer as plain text (for the "was" part of a warning)."""
    if answer is None or not answer.is_answered:
        return "–"
    if answer.na:
        return "N/A"
    value = answer.value
    return ", ".join(value) if isinstance(value, tuple) else str(value)


@dataclass
class ItemNotice:
    """What happened to an item in this request: saved, refused (with the reason), or saved over another change."""

    saved: bool = False
    refused: str = ""
    overwritten: str = ""


@dataclass(frozen=True)
class ItemView:
    item: Item
    number: int  # 1-based position among the section's applicable items
    answer: Answer | None
    needs: tuple[str, ...]
    failed: bool
    notice: ItemNotice
    base: str

    @property
    def answered(self) -> bool:
        return self.answer is not None and self.answer.is_answered

    @property
    def chosen(self) -> frozenset[str]:
        value = self.answer.value if self.answer else None
        if isinstance(value, tuple):
            return frozenset(value)
        return frozenset() if value is None else frozenset({str(value)})

    @property
    def number_value(self) -> str:
        value = self.answer.value if self.answer else None
        return (
            ""
            if value is None or isinstance(value, tuple)
            else f"{value:g}"
            if isinstance(value, float)
            else str(value)
        )


@dataclass(frozen=True)
class SectionView:
    section: Section
    progress: SectionProgress
    items: list[ItemView]
    hidden: int  # items of the section that do not apply now
    refusals: list[str] = field(default_factory=list)  # refused changes to items not shown (they do not apply)


@dataclass(frozen=True)
class AuditView:
    """The sidebar and summary: every section's progress, the running score, what blocks finalising."""

    sections: list[SectionProgress]
    score: float | None
    missing: list[Item]
    evidence: list[tuple[Item, tuple[str, ...]]]
    answered: int
    applicable: int
    section_of: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.evidence


def audit_view(session: CaptureSession) -> AuditView:
    progress = session.section_progress()
    return AuditView(
        sections=progress,
        score=session.running_score(),
        missing=session.missing_required(),
        evidence=session.evidence_missing(),
        answered=sum(p.answered for p in progress),
        applicable=sum(p.visible for p in progress),
        section_of={item.id: section.id for section in session.standard.sections for item in section.items},
    )


def section_view(
    session: CaptureSession, section: Section, notices: dict[str, ItemNotice] | None = None
) -> SectionView:
    notices = notices or {}
    visible = [item for item in section.items if session.visible(item)]
    views = [
        ItemView(
            item=item,
            number=n,
            answer=(answer := session.answer_of(item.id)),
            needs=session.pending_evidence(item),
            failed=is_failed(item, answer),
            notice=notices.get(item.id, ItemNotice()),
            base=fingerprint(answer),
        )
        for n, item in enumerate(visible, 1)
    ]
    progress = next(p for p in session.section_progress() if p.section.id == section.id)
    shown = {item.id for item in visible}
    refusals = [notice.refused for item_id, notice in notices.items() if notice.refused and item_id not in shown]
    return SectionView(section, progress, views, len(section.items) - len(visible), refusals)


def refusal_text(error: CaptureError, lang: str) -> str:
    """A session refusal in the user's language (its English text when the words table has no entry)."""
    params = {k: (", ".join(map(str, v)) if isinstance(v, tuple) else v) for k, v in error.params.items()}
    if error.code == "evidence":
        params["needs"] = join_words(need_words(tuple(error.params.get("needs", ())), lang), lang)  # type: ignore[arg-type]
    if error.code == "incomplete":
        parts = [translate("capture.refused.incomplete", lang)]
        if params.get("missing"):
            parts.append(translate("capture.refused.incomplete_missing", lang, missing=params["missing"]))
        if params.get("evidence"):
            parts.append(translate("capture.refused.incomplete_evidence", lang, evidence=params["evidence"]))
        return " ".join(parts)
    key = f"capture.refused.{error.code}"
    text = translate(key, lang, **params)
    return error.text(lang) if text == key else text


def join_words(words: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(words)


def need_words(needs: tuple[str, ...], lang: str) -> list[str]:
    return [translate("capture.note" if need == "note" else "capture.photo", lang) for need in needs]

"""The capture session: the state machine behind the wizard, free of terminals and databases.

Why a separate class: the rules an auditor meets (which item is next, which items a condition hides, when a
note or photo must be given before moving on, how far each section is) must be testable without a terminal,
and the wizard must stay a thin loop of "show, read a line, call the session". Persistence is a callback
(`save`) the session calls with every answer the moment it changes, so a killed process loses nothing.

The session only shows what was stored: an answer is taken into `audit` after `save` returned. When `save`
refuses because the audit changed underneath (errors.DraftChanged, raised by capture/draft.DraftStore), the
session adopts the stored audit, notes the refused answer in `refused` and re-raises, so a front end shows the
refusal and the stored answers, never the answer it could not store.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from dealer_audit.capture.messages import BilingualError
from dealer_audit.core.answers import Answer, AnswerValue, Audit, EvidenceRef
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.scoring import applicability, dealer_context, item_fraction, score_audit
from dealer_audit.core.standard import AnswerType, Checklist, EvidenceWhen, Item, Section
from dealer_audit.errors import DraftChanged, Message
from dealer_audit.formats.files import yes_no

if TYPE_CHECKING:  # the session itself never writes; it only keeps the store its front end wired in
    from dealer_audit.capture.draft import DraftStore

NA_WORDS = ("a", "na", "n/a", "不适用")
_KEY_DIGITS = {"1": True, "0": False}  # keypad answers, besides the yes/no words every reader knows


class CaptureError(BilingualError):
    """Input the session refuses (a bad value, an unknown item, a hidden item): shown, then asked again.

    It carries its message in English and Chinese (the wizard shows the one it runs in), and `code` and `params`
    name the refusal for front ends that word it themselves (the browser app, key ``capture.refused.<code>``).
    """

    def __init__(self, message: str, zh: str = "", code: str = "invalid", **params: object) -> None:
        super().__init__(message, zh)
        self.code = code
        self.params: dict[str, object] = params


class EvidenceRequired(CaptureError):
    """The current answer needs a note and/or photo before the auditor may move on."""

    def __init__(self, item: Item, needs: tuple[str, ...]) -> None:
        self.item = item
        self.needs = needs
        zh_needs = "和".join("备注" if n == "note" else "照片" for n in needs)
        super().__init__(
            f"{item.id} needs {' and '.join(needs)} before moving on",
            f"{item.id} 需要先补充{zh_needs}才能继续",
            "evidence",
            item=item.id,
            needs=needs,
        )


def now() -> datetime:
    return datetime.now(UTC)


# ---- pure helpers -------------------------------------------------------------------------------------------------


def dealer_attributes(dealer: Dealer | None) -> dict[str, Any]:
    """The names a condition may test as `dealer.x` (the same mapping scoring uses)."""
    return dict(dealer_context(dealer))


def visibility(standard: Checklist, answers: Mapping[str, Answer], attributes: Mapping[str, Any]) -> dict[str, bool]:
    """item id -> applies now. Delegates to core.scoring so the wizard hides exactly what scoring ignores."""
    probe = Audit("", "", standard.id, standard.version, "", answers=dict(answers))
    return applicability(standard, probe, attributes)


def is_failed(item: Item, answer: Answer | None) -> bool:
    """An answered, scored item that earned less than full marks: what "on_fail" evidence rules mean (the
    same test core.validation applies, so the wizard never lets through what import would refuse)."""
    if answer is None or answer.na or answer.value is None:
        return False
    fraction = item_fraction(item, answer.value)
    return fraction is not None and fraction < 1.0


def evidence_needs(item: Item, answer: Answer | None) -> tuple[str, ...]:
    """What proof the answer still lacks: ("note",), ("photo",), both, or ()."""
    if answer is None or not answer.is_answered or answer.na:
        return ()
    failed = is_failed(item, answer)
    has_photo = bool(answer.evidence) or (
        item.type is AnswerType.PHOTO and isinstance(answer.value, str) and bool(answer.value.strip())
    )
    needs: list[str] = []
    for kind, when, present in (
        ("note", item.evidence.note, bool(answer.note.strip())),
        ("photo", item.evidence.photo, has_photo),
    ):
        if (when is EvidenceWhen.ALWAYS or (when is EvidenceWhen.ON_FAIL and failed)) and not present:
            needs.append(kind)
    return tuple(needs)


def parse_answer(item: Item, text: str) -> tuple[AnswerValue, bool]:
    """Turn what the auditor typed into (value, na). Raises CaptureError saying what is accepted."""
    raw = text.strip()
    lowered = raw.lower()
    if lowered in NA_WORDS:
        if not item.na_allowed:
            raise CaptureError(
                f"{item.id} may not be answered N/A", f"{item.id} 不可回答“不适用”", "no_na", item=item.id
            )
        return None, True
    if item.type is AnswerType.YES_NO:
        flag = _KEY_DIGITS.get(lowered, yes_no(lowered))
        if flag is not None:
            return ("yes" if flag else "no"), False
        raise CaptureError(
            "answer y (yes) or n (no)" + (" or a (N/A)" if item.na_allowed else ""),
            "请回答 y（是）或 n（否）" + ("，或 a（不适用）" if item.na_allowed else ""),
            "yes_no",
        )
    if item.type is AnswerType.SCALE:
        scale = item.scale
        low, high = (scale.min, scale.max) if scale else (1, 5)
        if not re.fullmatch(r"[+-]?\d{1,9}", raw) or not low <= int(raw) <= high:  # thousands of digits: refused
            raise CaptureError(
                f"enter a whole number from {low} to {high}",
                f"请输入 {low} 到 {high} 之间的整数",
                "scale",
                low=low,
                high=high,
            )
        return int(raw), False
    if item.type is AnswerType.NUMBER:
        try:
            number = float(raw)
        except ValueError:
            raise CaptureError(
                "enter a number, e.g. 7 or 2.5", "请输入数字，例如 7 或 2.5", "number", text=raw
            ) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise CaptureError("enter a finite number", "请输入有限的数字", "number", text=raw)
        limits = item.range
        if limits and limits.min is not None and number < limits.min:
            raise CaptureError(
                f"{number:g} is below the minimum {limits.min:g}",
                f"{number:g} 低于最小值 {limits.min:g}",
                "below_min",
                value=f"{number:g}",
                limit=f"{limits.min:g}",
            )
        if limits and limits.max is not None and number > limits.max:
            raise CaptureError(
                f"{number:g} is above the maximum {limits.max:g}",
                f"{number:g} 高于最大值 {limits.max:g}",
                "above_max",
                value=f"{number:g}",
                limit=f"{limits.max:g}",
            )
        return (int(number) if number.is_integer() and "." not in raw else number), False
    if item.type in (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE):
        parts = [p.strip() for p in re.split(r"[,，\s]+", raw) if p.strip()]
        if not parts:
            raise CaptureError("choose an option by number or code", "请按编号或代码选择选项", "no_option")
        codes: list[str] = []
        for part in parts:
            option = resolve_option(item, part)
            if option is None:
                choices = ", ".join(f"{n}={o.code}" for n, o in enumerate(item.options, 1))
                raise CaptureError(
                    f"unknown option {part!r}; choose from {choices}",
                    f"没有选项 {part!r}；可选：{choices}",
                    "unknown_option",
                    option=part,
                )
            if option not in codes:
                codes.append(option)
        if item.type is AnswerType.SINGLE_CHOICE:
            if len(codes) != 1:
                raise CaptureError("choose exactly one option", "只能选择一个选项", "one_option")
            return codes[0], False
        return tuple(codes), False
    if item.type in (AnswerType.TEXT, AnswerType.PHOTO):
        if not raw:
            raise CaptureError("type the text (or s to skip)", "请输入文字（或输入 s 跳过）", "empty_text")
        return raw, False
    raise CaptureError(
        f"unsupported answer type {item.type}", f"不支持的回答类型 {item.type}"
    )  # pragma: no cover - every type handled above


def resolve_option(item: Item, key: str) -> str | None:
    """An option by its 1-based number, its code or either label (case-insensitive)."""
    if key.isdigit() and 1 <= int(key) <= len(item.options) and not item.option(key):
        return item.options[int(key) - 1].code
    lowered = key.lower()
    for option in item.options:
        if lowered in (option.code.lower(), option.label.zh.lower(), option.label.en.lower()):
            return option.code
    return None


def suggest(word: str, candidates: list[str]) -> Message:
    """A "did you mean" tail for an unknown item id typed in the wizard, in both languages (empty when nothing is
    close): a looser rule (difflib cutoff 0.4) than core/lookup's, for ids typed on a phone. Names given on the
    command line (dealer, standard, wave) use core/lookup.did_you_mean_hint."""
    close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.4)
    if not close:
        return Message("", "")
    return Message(f"; did you mean {', '.join(close)}?", f"；是否应为 {', '.join(close)}？")


# ---- the session ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionProgress:
    section: Section
    answered: int
    visible: int

    @property
    def done(self) -> bool:
        return self.answered >= self.visible


SaveAnswer = Callable[[Answer], Audit | None]  # returns the audit as stored now (None: keep the session's own)


class CaptureSession:
    """One auditor working through one audit: position, navigation, answers, evidence rules, progress.

    `save` is called with the full Answer every time an answer, its note or its evidence changes; the
    wizard wires it to the repository so each change is one short transaction.
    """

    def __init__(
        self,
        standard: Checklist,
        audit: Audit,
        dealer: Dealer | None = None,
        save: SaveAnswer | None = None,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self.standard = standard
        self.audit = audit
        self.dealer = dealer
        self.attributes = dealer_attributes(dealer)
        self._save: SaveAnswer = save or (lambda answer: None)
        self.refused: list[Answer] = []  # answers a save refused (DraftChanged): never shown as current
        self.draft_store: DraftStore | None = None  # set by whoever wired `save` to a DraftStore (the wizard)
        self._visibility: tuple[Audit, dict[str, bool]] | None = None
        self._clock = clock
        self.items: list[Item] = list(standard.items())
        self._index = {item.id: n for n, item in enumerate(self.items)}
        self.position: int = 0  # index into self.items; len(items) = at the end
        self.position = self.resume_position()

    # -- what is shown ---------------------------------------------------------------------------------------

    def visible(self, item: Item) -> bool:
        if self._visibility is None or self._visibility[0] is not self.audit:
            self._visibility = (self.audit, visibility(self.standard, self.audit.answers, self.attributes))
        return self._visibility[1][item.id]

    def visible_items(self) -> list[Item]:
        """Items whose conditions hold now; re-evaluated on every call, so each answer can show or hide others."""
        return [item for item in self.items if self.visible(item)]

    @property
    def current(self) -> Item | None:
        """The item being asked, or None at the end (the summary)."""
        if self.position >= len(self.items):
            return None
        item = self.items[self.position]
        if not self.visible(item):  # an answer just hid it: move on to the next item that applies
            self.position = self._next_visible(self.position)
            return self.current
        return item

    @property
    def at_end(self) -> bool:
        return self.current is None

    def answer_of(self, item_id: str) -> Answer | None:
        return self.audit.answers.get(item_id)

    def pending_evidence(self, item: Item | None = None) -> tuple[str, ...]:
        item = item or self.current
        return evidence_needs(item, self.answer_of(item.id)) if item else ()

    def resume_position(self) -> int:
        """The first visible item that is unanswered or still lacks required evidence (end if none)."""
        for n, item in enumerate(self.items):
            if not self.visible(item):
                continue
            answer = self.answer_of(item.id)
            if answer is None or not answer.is_answered or evidence_needs(item, answer):
                return n
        return len(self.items)

    # -- answering -------------------------------------------------------------------------------------------

    def _store(self, answer: Answer) -> Answer:
        """Save first, then show: a refused save leaves the session on the stored audit, never on `answer`."""
        try:
            stored = self._save(answer)
        except DraftChanged as changed:
            changed.items = changed.changed_items(self.audit)
            self.refused.append(answer)
            if changed.current is not None:
                self.audit = changed.current
            raise
        self.audit = stored if stored is not None else self.audit.with_answer(answer)
        self.refused = [a for a in self.refused if a.item_id != answer.item_id]  # re-entered and stored now
        return answer

    def adopt(self, audit: Audit) -> None:
        """Show `audit` (as stored) from now on, e.g. after a refused finalisation."""
        self.audit = audit

    def answer(self, text: str) -> Answer:
        """Record the current item's answer from typed text (y/n/a, a number, option keys, text) and save it."""
        item = self._require_current()
        value, na = parse_answer(item, text)
        return self.set_answer(item.id, value, na)

    def set_answer(self, item_id: str, value: AnswerValue, na: bool = False) -> Answer:
        """Set a value (keeping the item's note and evidence) and save it at once."""
        previous = self.answer_of(item_id) or Answer(item_id)
        return self._store(replace(previous, value=None if na else value, na=na, answered_at=self._clock()))

    def answer_item(self, item_id: str, text: str) -> Answer:
        """Answer any item that applies now, not only the current one (the browser shows a whole section at once):
        the same parsing and checks as `answer`; unknown or hidden items are refused."""
        item = self.applicable_item(item_id)
        value, na = parse_answer(item, text)
        return self.set_answer(item.id, value, na)

    def clear_answer(self, item_id: str) -> Answer:
        """Take an item's answer back (unanswered again), keeping its note and evidence."""
        item = self.applicable_item(item_id)
        return self.set_answer(item.id, None)

    def set_note(self, item_id: str, text: str) -> Answer:
        """Replace an item's note (the browser edits the whole note in place; the wizard appends with add_note).
        An empty text clears the note, so an evidence rule that needs one asks for it again."""
        item = self.applicable_item(item_id)
        previous = self.answer_of(item.id) or Answer(item.id)
        return self._store(replace(previous, note=text.strip()))

    def add_note(self, text: str, item_id: str | None = None) -> Answer:
        """Add a note to an item (appended to an existing one); allowed before the item is answered."""
        item_id = item_id or self._require_current().id
        if not text.strip():
            raise CaptureError("the note is empty", "备注为空", "empty_note")
        previous = self.answer_of(item_id) or Answer(item_id)
        note = f"{previous.note}\n{text.strip()}" if previous.note else text.strip()
        return self._store(replace(previous, note=note))

    def attach(self, evidence: EvidenceRef, item_id: str | None = None) -> Answer:
        """Attach stored evidence to an item; for a photo item the photo also becomes the answer."""
        item = self.standard.items_by_id[item_id] if item_id else self._require_current()
        previous = self.answer_of(item.id) or Answer(item.id)
        if any(e.sha256 == evidence.sha256 and evidence.sha256 for e in previous.evidence):
            return previous
        updated = replace(previous, evidence=(*previous.evidence, evidence))
        if item.type is AnswerType.PHOTO and updated.value is None and not updated.na:
            updated = replace(updated, value=evidence.file_name, answered_at=self._clock())
        return self._store(updated)

    def detach(self, sha256: str, item_id: str) -> Answer:
        """Take a photo or file attached by mistake off an item (while the audit is a draft), the reverse of
        `attach`: a photo item whose answer was that photo falls back to its next photo, or is unanswered again, so
        an evidence rule that needs one asks for it again. The bytes stay in the store; whether they can go is the
        store's question (`capture.evidence.release_unused`), since other answers may cite the same file."""
        item = self.applicable_item(item_id)
        previous = self.answer_of(item.id) or Answer(item.id)
        removed = [e for e in previous.evidence if e.sha256 == sha256]
        if not sha256 or not removed:
            raise CaptureError(
                f"no evidence {sha256[:16]} on item {item.id}", f"检查项 {item.id} 上没有该证据", "not_attached"
            )
        kept = tuple(e for e in previous.evidence if e.sha256 != sha256)
        updated = replace(previous, evidence=kept)
        if item.type is AnswerType.PHOTO and not previous.na and previous.value == removed[0].file_name:
            updated = replace(updated, value=kept[0].file_name if kept else None, answered_at=self._clock())
        return self._store(updated)

    # -- navigation ------------------------------------------------------------------------------------------

    def _require_current(self) -> Item:
        item = self.current
        if item is None:
            raise CaptureError(
                "all items have been shown; use j ID to go to an item", "所有检查项均已显示；输入 j 编号 跳转到某一项"
            )
        return item

    def _next_visible(self, start: int) -> int:
        for n in range(start + 1, len(self.items)):
            if self.visible(self.items[n]):
                return n
        return len(self.items)

    def _check_can_leave(self) -> None:
        item = self.current
        if item is not None:
            needs = self.pending_evidence(item)
            if needs:
                raise EvidenceRequired(item, needs)

    def _move_to(self, position: int) -> Item | None:
        self.position = position
        return self.current

    def next(self) -> Item | None:
        """Move to the next item that applies; refused while the current answer lacks required evidence."""
        self._check_can_leave()
        if self.current is None:
            return None
        return self._move_to(self._next_visible(self.position))

    def skip(self) -> Item | None:
        """Leave the current item unanswered for now (it stays in the missing list) and move on."""
        return self.next()

    def back(self) -> Item | None:
        """Return to the previous item that applies (evidence still owed is asked for again on the way back)."""
        self._check_can_leave()
        start = self.position if self.position < len(self.items) else len(self.items)
        for n in range(start - 1, -1, -1):
            if self.visible(self.items[n]):
                return self._move_to(n)
        raise CaptureError("this is the first item", "已是第一项")

    def applicable_item(self, item_id: str) -> Item:
        """An item by id (case-insensitive) that applies now; unknown ids are refused with a "did you mean",
        hidden items with the condition that hides them."""
        key = next((i.id for i in self.items if i.id.lower() == item_id.strip().lower()), None)
        if key is None:
            hint = suggest(item_id, [i.id for i in self.items])
            raise CaptureError(
                f"no item {item_id!r}{hint.en}",
                f"没有检查项 {item_id!r}{hint.zh}",
                "unknown_item",
                item=item_id,
            )
        item = self.items[self._index[key]]
        if not self.visible(item):
            raise CaptureError(
                f"{item.id} does not apply now (condition: {item.condition})",
                f"{item.id} 当前不适用（条件：{item.condition}）",
                "hidden_item",
                item=item.id,
            )
        return item

    def jump(self, item_id: str) -> Item:
        """Go to an item by id (case-insensitive); hidden items are refused with the condition that hides them."""
        item = self.applicable_item(item_id)
        self._check_can_leave()
        self._move_to(self._index[item.id])
        return item

    # -- progress and score ----------------------------------------------------------------------------------

    def section_progress(self) -> list[SectionProgress]:
        result = []
        for section in self.standard.sections:
            visible = [i for i in section.items if self.visible(i)]
            answered = sum(1 for i in visible if (a := self.answer_of(i.id)) is not None and a.is_answered)
            result.append(SectionProgress(section, answered, len(visible)))
        return result

    def progress_of(self, item: Item) -> SectionProgress:
        section = self.standard.section_of[item.id]
        return next(p for p in self.section_progress() if p.section.id == section.id)

    def missing_required(self) -> list[Item]:
        """Visible required items with no answer: what blocks finalising."""
        return [
            i
            for i in self.visible_items()
            if i.required and not ((a := self.answer_of(i.id)) is not None and a.is_answered)
        ]

    def evidence_missing(self) -> list[tuple[Item, tuple[str, ...]]]:
        return [(i, needs) for i in self.visible_items() if (needs := self.pending_evidence(i))]

    def running_score(self) -> float | None:
        """The preliminary index (0..100) of what is answered so far; None before anything scorable."""
        return score_audit(self.standard, self.audit, self.attributes).index

    @property
    def is_complete(self) -> bool:
        return not self.missing_required() and not self.evidence_missing()

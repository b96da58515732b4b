"""The small exception tree every layer raises, and the Location that makes messages point at the culprit.

Readers (YAML, Excel, CSV, bundles, field-app exports) collect *all* problems they find as `Problem`s and raise one
`ValidationFailed`; the CLI prints each problem as ``location: message`` and exits non-zero. Nothing in this module
does I/O, so the pure core may raise these too.

Languages: a message is written once in English (the positional text, what `str()` and the logs show) and, beside
it, once in Chinese (`zh=`, and `hint_zh=` for a hint). Whoever shows it to a user asks for `text(lang)`, which falls
back to English while a message has no Chinese yet, so modules convert one at a time and nothing ever prints blank.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # typing only: errors.py stays importable by every layer without pulling the core in
    from dealer_audit.core.answers import Audit


@dataclass(frozen=True)
class Location:
    """Where a problem sits: a file plus, when known, a line (text formats) or a sheet and cell (workbooks).

    `str()` gives ``file:line[:column]`` for text files and ``file!Sheet!B7`` for workbooks, the two forms users
    know from compilers and spreadsheets.
    """

    file: str = ""
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    cell: str | None = None
    path: str | None = None  # a logical path inside the document, e.g. ``sections[2].items[4].weight``
    # `file` in Chinese, when it is a name rather than a path (e.g. 经销商 'SH009' for dealer 'SH009'), so that
    # a Chinese message does not start with English words; empty: `file` is shown in both languages
    file_zh: str = field(default="", kw_only=True)

    def text(self, lang: str) -> str:
        """The location as a user of `lang` reads it: `str()`, with `file_zh` in Chinese when there is one."""
        if self.file_zh and is_zh(lang):
            return str(replace(self, file=self.file_zh, file_zh=""))
        return str(self)

    def __str__(self) -> str:
        if self.sheet is not None:
            text = f"{self.file}!{self.sheet}"
            return f"{text}!{self.cell}" if self.cell else text
        text = self.file or "<input>"
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        elif self.path:
            text += f" ({self.path})"
        return text


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    def label(self, lang: str) -> str:
        """The word shown before a problem: error/warning, 错误/警告."""
        return _SEVERITY_ZH[self] if is_zh(lang) else self.value


_SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告"}


def is_zh(lang: str) -> bool:
    """True for zh, zh-CN, zh_CN.UTF-8…: the one test of "show the Chinese text"."""
    return lang.lower().startswith("zh")


def pick(en: str, zh: str, lang: str) -> str:
    """`zh` when `lang` is Chinese and a Chinese text exists, else `en` (never an empty message)."""
    return zh if zh and is_zh(lang) else en


@dataclass(frozen=True)
class Message:
    """A message part in both languages, for helpers whose words end up inside a reader's message (e.g. why a
    code is unsafe). `str()` is the English, so an f-string that predates the pair keeps working."""

    en: str
    zh: str = ""

    def __str__(self) -> str:
        return self.en

    def __contains__(self, part: str) -> bool:
        """`"word" in message` looks in either language, as it did in the one string it replaces."""
        return part in self.en or part in self.zh

    def text(self, lang: str) -> str:
        return pick(self.en, self.zh, lang)


def localized(text: str | Message, lang: str) -> str:
    """A message that may be in both languages (`Message`) or one (a plain string, shown as it is) in `lang`."""
    return text.text(lang) if isinstance(text, Message) else text


@dataclass(frozen=True)
class Problem:
    """One finding of a validator: where, what is wrong and, ideally, how to fix it."""

    location: Location
    message: str  # English: logs, str(), and the fallback while `zh` is empty
    code: str = "invalid"
    severity: Severity = Severity.ERROR
    hint: str = ""
    zh: str = field(default="", kw_only=True)  # the message in Chinese
    hint_zh: str = field(default="", kw_only=True)

    def __str__(self) -> str:
        return self.render("en")

    def text(self, lang: str) -> str:
        """The message (without location or hint) in `lang`."""
        return pick(self.message, self.zh, lang)

    def hint_text(self, lang: str) -> str:
        return pick(self.hint, self.hint_zh, lang)

    def as_message(self) -> Message:
        """The rendered problem in both languages, for results that keep a line per problem (import summaries)."""
        return Message(self.render("en"), self.render("zh") if self.zh or self.hint_zh else "")

    def render(self, lang: str) -> str:
        """``location: message (hint)`` in `lang`: what the CLI and the browser show."""
        text = f"{self.location.text(lang)}: {self.text(lang)}"
        hint = self.hint_text(lang)
        if not hint:
            return text
        return f"{text}（{hint}）" if is_zh(lang) and self.hint_zh else f"{text} ({hint})"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class DealerAuditError(Exception):
    """Base of every error a user can cause; the CLI turns it into a message and exit code 1 (no traceback).

    ``DealerAuditError("english", zh="中文")``: `str()` is the English (logs); `text(lang)` is what a user reads.
    """

    exit_code: int = 1
    zh: str = ""  # also for subclasses whose __init__ does not pass it on

    def __init__(self, *args: object, zh: str = "") -> None:
        super().__init__(*args)
        self.zh = zh

    def text(self, lang: str) -> str:
        """The message in `lang` (English while no Chinese was given)."""
        return pick(str(self), self.zh, lang)


class ValidationFailed(DealerAuditError):
    """Raised with every problem found at once, so users fix a file in one pass instead of one error per run."""

    def __init__(self, problems: Iterable[Problem], summary: str = "", *, summary_zh: str = "") -> None:
        self.problems: list[Problem] = list(problems)
        self.summary = summary or f"{len(self.errors)} error(s) found"
        self.summary_zh = summary_zh if summary else summary_zh or f"发现 {len(self.errors)} 处错误"
        super().__init__(self.render("en"), zh=self.render("zh"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def summary_text(self, lang: str) -> str:
        return pick(self.summary, self.summary_zh, lang)

    def render(self, lang: str = "en") -> str:
        """The summary and every problem, one a line, in `lang`."""
        summary = self.summary_text(lang)
        lines = [summary] if summary else []
        lines.extend(p.render(lang) for p in self.problems)
        return "\n".join(lines)


class NotFound(DealerAuditError):
    """An unknown dealer, standard, wave or audit; the message names what was asked for and what exists."""


class Conflict(DealerAuditError):
    """Stored data disagrees with what is being imported (e.g. the same audit UUID with other content)."""


class DraftChanged(Conflict):
    """A write to an audit was refused because the audit changed since the writer last read it.

    Optimistic concurrency for every editor of a stored audit (the terminal wizard, the browser app): each write
    carries the version token the editor last saw (`Repository.draft_token`); when another process has since
    answered, finalised, replaced or edited the audit, the repository stores nothing and raises this with the
    audit as it is stored now (`current`), so the editor can show what changed and let the user decide. See
    docs/capture.md, "Concurrent edits".
    """

    def __init__(self, audit_id: str, expected: str, found: str, current: Audit | None) -> None:
        self.audit_id = audit_id
        self.expected = expected
        self.found = found
        self.current = current
        self.items: list[str] = []  # filled by the capture session: the items whose stored answer differs from its view
        state = f" (now {current.status.value}, revision {current.revision})" if current is not None else ""
        super().__init__(f"audit {audit_id} was changed by someone else since it was opened{state}; nothing was saved")

    @property
    def finalised(self) -> bool:
        """True when the other writer finalised the audit (editing it further needs a reason for the trail)."""
        return self.current is not None and self.current.is_final

    def changed_items(self, seen: Audit) -> list[str]:
        """Item ids whose stored answer differs from the editor's view `seen`, in the stored audit's order."""
        if self.current is None:
            return []
        stored, mine = self.current.answers, seen.answers
        ids = [*stored, *(i for i in mine if i not in stored)]
        return [i for i in ids if stored.get(i) != mine.get(i)]


class ConfigurationError(DealerAuditError):
    """The environment lacks something the tool needs (a CJK font, a database, a newer schema)."""


@dataclass
class ProblemCollector:
    """Accumulates problems while a reader walks a document, then raises them together."""

    problems: list[Problem] = field(default_factory=list)

    def error(
        self,
        location: Location,
        message: str,
        *,
        code: str = "invalid",
        hint: str = "",
        zh: str = "",
        hint_zh: str = "",
    ) -> None:
        self.problems.append(Problem(location, message, code, Severity.ERROR, hint, zh=zh, hint_zh=hint_zh))

    def warning(
        self,
        location: Location,
        message: str,
        *,
        code: str = "warning",
        hint: str = "",
        zh: str = "",
        hint_zh: str = "",
    ) -> None:
        self.problems.append(Problem(location, message, code, Severity.WARNING, hint, zh=zh, hint_zh=hint_zh))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    def raise_if_errors(self, summary: str = "", *, summary_zh: str = "") -> None:
        if self.has_errors:
            raise ValidationFailed(self.problems, summary, summary_zh=summary_zh)

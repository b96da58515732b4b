"""What the database can hold, as input rules every reader applies before anything is stored.

PostgreSQL refuses a NUL character in any text column and a value longer than a ``VARCHAR(n)``; SQLite stores
both without a word. Either way the user would see a raw "database error" (or, worse, the two databases would
disagree). So the limits are checked on the core objects a reader produced, *before* the database is touched,
and reported at the reader's own location (file and row/column, cell or JSON path).

The lengths are not copied anywhere: `column_length` reads them from the table definitions (storage/models.py
``max_length``), and this module is the one place that knows which domain field lands in which column. Field
names are the audit file's JSON paths (``dealer``, ``answers.R01.note``, ``answers.R01.evidence[0].file``) and
the dealer file's column names (``code``, ``name_zh``, an attribute's column), so readers map them to their own
cells with a dictionary at most.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from dealer_audit.core.answers import Audit
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import Checklist, Program
from dealer_audit.errors import Location, Message, Problem, ValidationFailed, is_zh
from dealer_audit.storage.models import table


@dataclass(frozen=True)
class FieldIssue:
    """One value the database cannot hold: the field (JSON path or column name) and what is wrong (both
    languages)."""

    field: str
    message: Message

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str) -> str:
        """``field: what is wrong`` in `lang` (a full-width colon in Chinese)."""
        return (
            f"{self.field}：{self.message.zh}" if is_zh(lang) and self.message.zh else f"{self.field}: {self.message}"
        )


@cache
def column_length(table_name: str, column: str) -> int | None:
    """The ``max_length`` of a column as declared in storage/models.py (None: unbounded text)."""
    length = getattr(table(table_name).columns[column].type, "length", None)
    return length if isinstance(length, int) else None


def text_issue(value: str, table_name: str, column: str) -> Message | None:
    """Why `value` cannot be stored in ``table.column`` (None when it can): a NUL character, an unpaired
    surrogate (no UTF-8 form), or more characters than the column holds."""
    if "\x00" in value:
        return Message(
            "contains a NUL character (U+0000), which the database cannot store; remove it",
            "含有数据库无法保存的 NUL 字符（U+0000）：请删除该字符",
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        return _surrogate(value[error.start])
    limit = column_length(table_name, column)
    if limit is not None and len(value) > limit:
        return Message(
            f"is {len(value)} characters long; at most {limit} fit", f"长度为 {len(value)} 个字符，最多只能 {limit} 个"
        )
    return None


def _surrogate(character: str) -> Message:
    code = f"U+{ord(character):04X}"
    return Message(
        f"contains an unpaired surrogate ({code}) that is not valid Unicode text",
        f"含有不成对的代理字符（{code}），不是有效的 Unicode 文本",
    )


def json_issue(value: object) -> Message | None:
    """Why a value stored as JSON text (answer values, dealer attributes) cannot be stored: JSON escapes NUL, but
    an unpaired surrogate has no UTF-8 form. Scalars and tuples of text only (what answers and attributes hold),
    without serialising: this runs for every answer of every imported audit."""
    texts = value if isinstance(value, tuple | list) else (value,)
    for text in texts:
        if isinstance(text, str) and not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as error:
                return _surrogate(text[error.start])
    return None


def _issues(checks: Iterable[tuple[str, str, str, str]]) -> Iterator[FieldIssue]:
    for field, value, table_name, column in checks:
        message = text_issue(value, table_name, column)
        if message:
            yield FieldIssue(field, message)


def dealer_issues(dealer: Dealer) -> list[FieldIssue]:
    """Every field of a dealer the `dealers` table cannot hold, named by the dealer file's column."""
    found = list(
        _issues(
            [
                ("code", dealer.code, "dealers", "code"),
                ("name_zh", dealer.name.zh, "dealers", "name_zh"),
                ("name_en", dealer.name.en, "dealers", "name_en"),
                ("region", dealer.region, "dealers", "region"),
                ("province", dealer.province, "dealers", "province"),
                ("city", dealer.city, "dealers", "city"),
                ("group", dealer.group, "dealers", "group_name"),
                ("brand", dealer.brand, "dealers", "brand"),
            ]
        )
    )
    for name, value in dealer.attributes.items():
        message = json_issue(name) or json_issue(value)
        if message:
            found.append(FieldIssue(name, message))
    return found


def audit_issues(audit: Audit) -> list[FieldIssue]:
    """Every field of an audit the `audits`, `answers` and `evidence` tables cannot hold, by JSON path."""
    checks: list[tuple[str, str, str, str]] = [
        ("audit_id", audit.audit_id, "audits", "audit_id"),
        ("dealer", audit.dealer_code, "audits", "dealer_code"),
        ("standard.id", audit.standard_id, "audits", "standard_id"),
        ("standard.version", audit.standard_version, "audits", "standard_version"),
        ("standard.hash", audit.standard_hash, "audits", "standard_hash"),
        ("wave", audit.wave, "audits", "wave"),
        ("auditor", audit.auditor, "audits", "auditor"),
        ("source", audit.source, "audits", "source"),
    ]
    found = list(_issues(checks))
    for item_id, answer in audit.answers.items():
        path = f"answers.{item_id}"
        answer_checks = [(path, item_id, "answers", "item_id"), (f"{path}.note", answer.note, "answers", "note")]
        for index, ref in enumerate(answer.evidence):
            where = f"{path}.evidence[{index}]"
            answer_checks += [
                (f"{where}.file", ref.file_name, "evidence", "file_name"),
                (f"{where}.sha256", ref.sha256, "evidence", "sha256"),
                (f"{where}.media_type", ref.media_type, "evidence", "media_type"),
            ]
        found.extend(_issues(answer_checks))
        message = json_issue(answer.value)
        if message:
            found.append(FieldIssue(f"{path}.value", message))
    return found


def checklist_issues(checklist: Checklist) -> list[FieldIssue]:
    """The identity columns of a standard (its body is stored as escaped JSON) and its item ids, which answers
    carry into `answers.item_id`."""
    checks = [
        ("id", checklist.id, "standards", "id"),
        ("version", checklist.version, "standards", "version"),
        ("title.zh", checklist.title.zh, "standards", "title_zh"),
        ("title.en", checklist.title.en, "standards", "title_en"),
    ]
    for s_index, section in enumerate(checklist.sections):
        checks += [
            (f"sections[{s_index}].items[{i_index}].id", item.id, "answers", "item_id")
            for i_index, item in enumerate(section.items)
        ]
    found = list(_issues(checks))
    message = json_issue([checklist.title.zh, checklist.title.en])
    return found + ([FieldIssue("title", message)] if message else [])


def program_issues(program: Program) -> list[FieldIssue]:
    """A program's id and its waves (code, title, dates) as the `programs` and `waves` tables store them."""
    checks = [("id", program.id, "programs", "id")]
    for index, wave in enumerate(program.waves):
        where = f"waves[{index}]"
        checks += [
            (f"{where}.code", wave.code, "waves", "code"),
            (f"{where}.title.zh", wave.title.zh, "waves", "title_zh"),
            (f"{where}.title.en", wave.title.en, "waves", "title_en"),
            (f"{where}.start", wave.start or "", "waves", "start"),
            (f"{where}.end", wave.end or "", "waves", "end"),
        ]
    return list(_issues(checks))


def actor_issues(who: str, why: str) -> list[FieldIssue]:
    """Who made a change and why, as the audit trail stores them."""
    return list(_issues([("who", who, "audit_trail", "who"), ("why", why, "audit_trail", "why")]))


def located(issues: Iterable[FieldIssue], locate: Callable[[str], Location]) -> list[Problem]:
    """Problems from issues, each at the location the reader gives for its field (row and column, cell, line)."""
    return [Problem(locate(i.field), str(i), "db_limit", zh=i.text("zh")) for i in issues]


def object_label(source: str, kind: Message, identity: str) -> Message:
    """How a refusal names a stored object: the file it came from (a path reads the same in both languages), else
    its kind and id (cut: the id itself may be what is too long)."""
    if source:
        return Message(source, source)
    return Message(f"{kind.en} {identity[:64]}", f"{kind.zh} {identity[:64]}")


def audit_label(audit_id: str, source: str = "") -> Message:
    """How a refusal names an audit: the file it came from, else its id."""
    return object_label(source, Message("audit", "稽核"), audit_id)


def refuse_unstorable(label: Message, issues: Iterable[FieldIssue]) -> None:
    """The repository's last guard, for objects no reader located (the wizard, the web app, a bug in a reader):
    refuse (ValidationFailed) before a transaction starts, naming the object (`label`, in both languages: the
    summary and every line start with it) and each field."""
    problems = [
        Problem(Location(label.en, path=i.field, file_zh=label.zh), str(i), "db_limit", zh=i.text("zh")) for i in issues
    ]
    if problems:
        raise ValidationFailed(
            problems,
            f"{label.en}: cannot be stored; nothing was written",
            summary_zh=f"{label.text('zh')}：无法保存，未写入任何数据",
        )

"""A standard as an XLSForm, so audit teams can capture in ODK Collect, KoboCollect or Enketo and score here.

XLSForm (https://xlsform.org) is the spreadsheet form definition those apps share: sheets `survey`, `choices` and
`settings`. The form keeps everything the importer (formats/field_exports.py) needs to map submissions back:

* one question per item named by the item id; groups per section named by the section id;
* bilingual labels and hints (`label::Chinese (zh)`, `label::English (en)`), each item label starting with its id
  so label-headed exports (Kobo's default) still name the item;
* N/A as a choice of selects or a `<id>_na` tick box (see core/xpath_conditions.py);
* `<id>_photo` / `<id>_note` evidence questions shown when the evidence rule asks (on a failed answer, or always);
* metadata `dealer`, `wave`, `auditor`, `start`, `end` and a constant `calculate` field `standard` holding
  ``<id>@<version>``, because KoboToolbox's `__version__` column is its own asset version, not the form's.

`settings` carry `form_id` = standard id and `version` = standard version (ODK Central's `FormVersion` column).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dealer_audit.core.conditions import ConditionError, DealerRef, parse_condition, walk
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.scoring import dealer_context
from dealer_audit.core.standard import AnswerType, Checklist, EvidenceWhen, Item, LocalText
from dealer_audit.core.xpath_conditions import (
    FALSE,
    ItemEncoding,
    NAStyle,
    Translator,
    XPathError,
    encode_standard,
    failed_xpath,
    number_text,
    quote,
    xml_name,
    xp_and,
)
from dealer_audit.errors import Location, Message, ProblemCollector
from dealer_audit.formats.files import write_atomically, write_table_sheet

EN = "English (en)"
ZH = "Chinese (zh)"
LANGUAGES = (("en", EN), ("zh", ZH))

META_START = "start"
META_END = "end"
META_STANDARD = "standard"
META_DEALER = "dealer"
META_WAVE = "wave"
META_AUDITOR = "auditor"
META_NAMES = (META_START, META_END, META_STANDARD, META_DEALER, META_WAVE, META_AUDITOR)
DEALER_LIST = "dealers"
YES_NO = "da_yes_no"
YES_NO_NA = "da_yes_no_na"
NA_LIST = "da_na"
DEALER_CODE_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"
PHOTO_SUFFIX = "_photo"
NOTE_SUFFIX = "_note"

NotesMode = Literal["evidence", "all"]

SURVEY_COLUMNS = (
    "type",
    "name",
    f"label::{EN}",
    f"label::{ZH}",
    f"hint::{EN}",
    f"hint::{ZH}",
    "required",
    "relevant",
    "constraint",
    f"constraint_message::{EN}",
    f"constraint_message::{ZH}",
    "calculation",
    "appearance",
    "parameters",
)
IMAGE_PARAMETERS = "max-pixels=1600"  # enough to read a board or a screen, small enough to sync over 4G

NA_LABEL = LocalText(zh="不适用", en="N/A")
YES_LABEL = LocalText(zh="是", en="Yes")
NO_LABEL = LocalText(zh="否", en="No")
NOT_APPLICABLE_LABEL = LocalText(zh="不适用（本项不适用于此次稽核）", en="Not applicable to this visit")
META_LABELS = {
    META_DEALER: LocalText(zh="经销商", en="Dealer"),
    META_WAVE: LocalText(zh="稽核批次（如 2026-Q4）", en="Audit wave (e.g. 2026-Q4)"),
    META_AUDITOR: LocalText(zh="稽核员", en="Auditor"),
}


def standard_ref(standard: Checklist) -> str:
    """The value of the form's `standard` field: what ties every submission to one standard version."""
    return f"{standard.id}@{standard.version}"


def item_label(item: Item, lang: str) -> str:
    """The question label: the item id first (label-headed exports then still name the item), the unit last."""
    text = f"{item.id} {item.text.get(lang)}".strip()
    unit = item.unit.get(lang)
    return f"{text} ({unit})" if unit else text


def _suffixed(item: Item, suffix: LocalText) -> dict[str, str]:
    """Labels of a companion question: the item's label, a dash, what the companion is."""
    return {f"label::{column}": f"{item_label(item, lang)} — {suffix.get(lang)}" for lang, column in LANGUAGES}


def dealer_label(dealer: Dealer, lang: str) -> str:
    return f"{dealer.code} {dealer.name.get(lang)}".strip()


def attribute_text(value: Any) -> str:
    """A dealer attribute as the form stores it: booleans as 'true'/'false' (the translator relies on this)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_text(value)
    return str(value)


def attribute_type(values: Iterable[Any]) -> str:
    present = [v for v in values if v is not None and v != ""]
    if present and all(isinstance(v, bool) for v in present):
        return "bool"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "number"
    return "text"


@dataclass
class XLSForm:
    """The three sheets as rows of column -> value, ready to write (or to hand to pyxform as a dict)."""

    survey: list[dict[str, str]] = field(default_factory=list)
    choices: list[dict[str, str]] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    choice_columns: list[str] = field(default_factory=list)

    def sheets(self) -> dict[str, tuple[list[str], list[dict[str, str]]]]:
        settings_columns = list(self.settings)
        return {
            "survey": (list(SURVEY_COLUMNS), self.survey),
            "choices": (self.choice_columns, self.choices),
            "settings": (settings_columns, [self.settings]),
        }


def _labels(text: LocalText, prefix: str = "label") -> dict[str, str]:
    return {f"{prefix}::{column}": text.get(lang) for lang, column in LANGUAGES if text.get(lang)}


def _hint(item: Item) -> dict[str, str]:
    hints: dict[str, str] = {}
    for lang, column in LANGUAGES:
        parts = [item.reference, item.guidance.get(lang)] if item.guidance or item.reference else []
        text = " · ".join(p for p in parts if p)
        if text:
            hints[f"hint::{column}"] = text
    return hints


class _Builder:
    def __init__(self, standard: Checklist, dealers: Sequence[Dealer] | None, notes: NotesMode) -> None:
        self.standard = standard
        self.dealers = list(dealers) if dealers is not None else None
        self.notes = notes
        self.problems = ProblemCollector()
        self.form = XLSForm()
        self.encodings = encode_standard(standard)
        self.names: dict[str, Message] = {}  # question/group name -> what it is, for collision messages
        self.lists: set[str] = set()
        self.referenced = self._referenced_attributes()
        contexts = [dealer_context(d) for d in self.dealers or ()]
        attributes = sorted({k for c in contexts for k in c if k != "code"} | self.referenced)
        self.attributes = [a for a in attributes if xml_name(a) == a]
        self.attribute_types = {a: attribute_type(c.get(a) for c in contexts) for a in self.attributes}
        self.translator = Translator(self.encodings, self._dealer_path, self.attribute_types)

    def location(self, path: str) -> Location:
        return Location(file=self.standard.source or self.standard.id, path=path)

    def _referenced_attributes(self) -> set[str]:
        found: set[str] = set()
        for item in self.standard.items():
            if not item.condition:
                continue
            try:
                root = parse_condition(item.condition).root
            except ConditionError:
                continue  # reported when the condition is translated
            found.update(n.attribute for n in walk(root) if isinstance(n, DealerRef))
        return found

    def _dealer_path(self, attribute: str) -> str:
        if self.dealers is not None:
            return f"instance('{DEALER_LIST}')/root/item[name=${{{META_DEALER}}}]/{attribute}"
        return "${" + self._attribute_question(attribute) + "}"

    @staticmethod
    def _attribute_question(attribute: str) -> str:
        return xml_name(f"dealer_{attribute}")

    # -- rows --

    def claim(self, name: str, what: Message, path: str) -> None:
        if name in self.names:
            taken = self.names[name]
            self.problems.error(
                self.location(path),
                f"{what.en} would be the form field {name!r}, which is already {taken.en}",
                code="name_clash",
                hint="rename the item or section id",
                zh=f"{what.zh}会成为表单字段 {name!r}，但该字段已是{taken.zh}",
                hint_zh="请修改检查项或模块的 id",
            )
        self.names[name] = what

    def question(self, row: dict[str, str]) -> None:
        self.form.survey.append({k: v for k, v in row.items() if v})

    def choice(self, list_name: str, name: str, label: LocalText, **extra: str) -> None:
        self.form.choices.append({"list_name": list_name, "name": name, **_labels(label), **extra})

    def build(self) -> XLSForm:
        standard = self.standard
        for name in META_NAMES:
            self.claim(name, Message(f"the metadata field {name!r}", f"元数据字段 {name!r}"), "")
        self.question({"type": "start", "name": META_START})
        self.question({"type": "end", "name": META_END})
        self.question({"type": "calculate", "name": META_STANDARD, "calculation": quote(standard_ref(standard))})
        self._metadata()
        self._shared_choices()
        for s_index, section in enumerate(standard.sections):
            group = xml_name(section.id)
            what = Message(f"the group of section {section.id!r}", f"模块 {section.id!r} 的分组")
            self.claim(group, what, f"sections[{s_index}].id")
            self.question({"type": "begin group", "name": group, **_labels(section.title)})
            for i_index, item in enumerate(section.items):
                self._item(item, f"sections[{s_index}].items[{i_index}]")
            self.question({"type": "end group", "name": group})
        self.form.settings = {
            "form_title": " / ".join(dict.fromkeys(t for t in (standard.title.zh, standard.title.en) if t))
            or standard.id,
            "form_id": standard.id,
            "version": standard.version,
            "default_language": ZH,
            "instance_name": f"concat(${{{META_DEALER}}}, ' ', ${{{META_WAVE}}}, ' ', ${{{META_AUDITOR}}})",
        }
        columns = ["list_name", "name", f"label::{EN}", f"label::{ZH}"]
        for row in self.form.choices:
            columns.extend(k for k in row if k not in columns)
        self.form.choice_columns = columns
        self.problems.raise_if_errors(
            f"{standard.id} {standard.version} cannot be exported as an XLSForm",
            summary_zh=f"稽核标准 {standard.id} {standard.version} 无法导出为 XLSForm",
        )
        return self.form

    def _metadata(self) -> None:
        dealer_hint = LocalText(zh="经销商代码", en="Dealer code")
        if self.dealers is not None:
            self.question(
                {
                    "type": f"select_one {DEALER_LIST}",
                    "name": META_DEALER,
                    **_labels(META_LABELS[META_DEALER]),
                    **_labels(dealer_hint, "hint"),
                    "required": "yes",
                    "appearance": "autocomplete",
                }
            )
            for dealer in sorted(self.dealers, key=lambda d: d.code):
                context = dealer_context(dealer)
                extra = {a: attribute_text(context.get(a)) for a in self.attributes}
                label = LocalText(zh=dealer_label(dealer, "zh"), en=dealer_label(dealer, "en"))
                self.choice(DEALER_LIST, dealer.code, label, **{k: v for k, v in extra.items() if v})
            self.lists.add(DEALER_LIST)
        else:
            message = LocalText(
                zh="经销商代码只能包含字母、数字、'_'、'.'、'-'", en="A dealer code has letters, digits, '_', '.', '-'"
            )
            self.question(
                {
                    "type": "text",
                    "name": META_DEALER,
                    **_labels(META_LABELS[META_DEALER]),
                    **_labels(dealer_hint, "hint"),
                    "required": "yes",
                    "constraint": f"regex(., {quote(DEALER_CODE_PATTERN)})",
                    **_labels(message, "constraint_message"),
                }
            )
        self.question(
            {
                "type": "text",
                "name": META_WAVE,
                **_labels(META_LABELS[META_WAVE]),
                "required": "yes",
            }
        )
        self.question({"type": "text", "name": META_AUDITOR, **_labels(META_LABELS[META_AUDITOR]), "required": "yes"})
        if self.dealers is None:
            for attribute in sorted(self.referenced):
                name = self._attribute_question(attribute)
                what = Message(f"the question for dealer attribute {attribute!r}", f"经销商属性 {attribute!r} 的问题")
                self.claim(name, what, "")
                self.question(
                    {
                        "type": "text",
                        "name": name,
                        **_labels(
                            LocalText(
                                zh=f"经销商属性 {attribute}（按经销商主数据填写：true/false 或数值）",
                                en=f"Dealer attribute {attribute} (as in the dealer master data: true/false or value)",
                            )
                        ),
                        "required": "yes",
                    }
                )

    def _shared_choices(self) -> None:
        self.choice(YES_NO, "yes", YES_LABEL)
        self.choice(YES_NO, "no", NO_LABEL)
        self.choice(YES_NO_NA, "yes", YES_LABEL)
        self.choice(YES_NO_NA, "no", NO_LABEL)
        self.choice(YES_NO_NA, "na", NA_LABEL)
        self.choice(NA_LIST, "na", NOT_APPLICABLE_LABEL)
        self.lists.update((YES_NO, YES_NO_NA, NA_LIST))

    def _choice_list(self, enc: ItemEncoding, path: str) -> str:
        item = enc.item
        if item.type is AnswerType.YES_NO:
            return YES_NO_NA if enc.na_style is NAStyle.CHOICE else YES_NO
        list_name = enc.name
        if list_name in self.lists:
            list_name = f"{enc.name}_choices"
        self.lists.add(list_name)
        for code in enc.choice_names:
            option = item.option(code)
            label = option.label if option is not None and option.label else LocalText(zh=code, en=code)
            if item.type is AnswerType.MULTIPLE_CHOICE and (not code or any(c.isspace() for c in code)):
                self.problems.error(
                    self.location(f"{path}.options"),
                    f"option code {code!r} of multiple-choice item {item.id} contains a space, which a field app "
                    "stores as a separator",
                    code="bad_option_code",
                    zh=f"多选检查项 {item.id} 的选项代码 {code!r} 含有空格，而采集应用会把空格当作分隔符",
                )
            self.choice(list_name, code, label)
        if enc.na_style is NAStyle.CHOICE:
            self.choice(list_name, enc.na_choice, NA_LABEL)
        return list_name

    def _item(self, item: Item, path: str) -> None:
        enc = self.encodings[item.id]
        try:
            relevant = self.translator.relevant(item.condition)
        except (ConditionError, XPathError) as error:
            self.problems.error(
                self.location(f"{path}.condition"),
                f"item {item.id}: {error}",
                code="condition",
                zh=f"检查项 {item.id}：{error.text('zh')}",
            )
            relevant = ""
        labels = {f"label::{col}": item_label(item, lang) for lang, col in LANGUAGES if item_label(item, lang)}
        required = "yes" if item.required else ""
        main_relevant = relevant
        if enc.na_style is NAStyle.COMPANION:
            self.claim(
                enc.companion, Message(f"the N/A box of item {item.id}", f"检查项 {item.id} 的“不适用”勾选框"), path
            )
            self.question(
                {
                    "type": f"select_multiple {NA_LIST}",
                    "name": enc.companion,
                    **_suffixed(item, NA_LABEL),
                    "relevant": relevant,
                }
            )
            main_relevant = xp_and(relevant or "true()", f"not(selected(${{{enc.companion}}}, 'na'))")
        self.claim(enc.name, Message(f"item {item.id}", f"检查项 {item.id}"), path)
        row = {"name": enc.name, **labels, **_hint(item), "required": required, "relevant": main_relevant}
        kind = item.type
        if kind in (AnswerType.YES_NO, AnswerType.SCALE, AnswerType.SINGLE_CHOICE):
            row["type"] = f"select_one {self._choice_list(enc, path)}"
            if kind is AnswerType.SCALE:
                row["appearance"] = "likert"
        elif kind is AnswerType.MULTIPLE_CHOICE:
            row["type"] = f"select_multiple {self._choice_list(enc, path)}"
            if enc.na_style is NAStyle.CHOICE:
                row["constraint"] = f"not(selected(., {quote(enc.na_choice)})) or count-selected(.) = 1"
                row.update(
                    _labels(
                        LocalText(zh="“不适用”不能与其他选项同选", en="N/A cannot be combined with other choices"),
                        "constraint_message",
                    )
                )
        elif kind is AnswerType.NUMBER:
            row["type"] = "decimal"
            row.update(self._range(item))
        elif kind is AnswerType.PHOTO:
            row["type"] = "image"
            row["parameters"] = IMAGE_PARAMETERS
        else:
            row["type"] = "text"
        self.question(row)
        self._evidence(item, enc, path)

    def _range(self, item: Item) -> dict[str, str]:
        limits = item.range
        if limits is None or (limits.min is None and limits.max is None):
            return {}
        parts, zh, en = [], "", ""
        low = None if limits.min is None else number_text(limits.min)
        high = None if limits.max is None else number_text(limits.max)
        if low is not None:
            parts.append(f". >= {low}")
        if high is not None:
            parts.append(f". <= {high}")
        unit_en, unit_zh = item.unit.get("en"), item.unit.get("zh")
        if low is not None and high is not None:
            en, zh = f"Enter a value from {low} to {high} {unit_en}", f"请输入 {low} 到 {high} {unit_zh}之间的数值"
        elif low is not None:
            en, zh = f"Enter a value of at least {low} {unit_en}", f"请输入不小于 {low} {unit_zh}的数值"
        else:
            en, zh = f"Enter a value of at most {high} {unit_en}", f"请输入不大于 {high} {unit_zh}的数值"
        return {
            "constraint": " and ".join(parts),
            **_labels(LocalText(zh=zh.strip(), en=en.strip()), "constraint_message"),
        }

    def _evidence(self, item: Item, enc: ItemEncoding, path: str) -> None:
        rule = item.evidence
        failed = failed_xpath(enc)
        present = enc.present()

        def when(rule_when: EvidenceWhen) -> str | None:
            if rule_when is EvidenceWhen.ALWAYS:
                return present
            if rule_when is EvidenceWhen.ON_FAIL and failed != FALSE:
                return failed
            return None

        photo_when = when(rule.photo) if item.type is not AnswerType.PHOTO else None
        if photo_when is not None:
            name = f"{enc.name}{PHOTO_SUFFIX}"
            self.claim(name, Message(f"the photo of item {item.id}", f"检查项 {item.id} 的照片"), path)
            suffix = LocalText(zh="照片证据", en="photo evidence")
            self.question(
                {
                    "type": "image",
                    "name": name,
                    "parameters": IMAGE_PARAMETERS,
                    **_suffixed(item, suffix),
                    "required": "yes",
                    "relevant": photo_when,
                }
            )
        note_when = when(rule.note)
        optional_note = (
            note_when is None and self.notes == "all" and item.type not in (AnswerType.TEXT, AnswerType.PHOTO)
        )
        if note_when is not None or optional_note:
            name = f"{enc.name}{NOTE_SUFFIX}"
            self.claim(name, Message(f"the note of item {item.id}", f"检查项 {item.id} 的备注"), path)
            suffix = LocalText(zh="备注", en="note")
            self.question(
                {
                    "type": "text",
                    "name": name,
                    **_suffixed(item, suffix),
                    "required": "" if optional_note else "yes",
                    "relevant": enc.answered() if optional_note else (note_when or ""),
                }
            )


def build_xlsform(
    standard: Checklist, dealers: Sequence[Dealer] | None = None, *, notes: NotesMode = "evidence"
) -> XLSForm:
    """The XLSForm of a standard. With `dealers`, the dealer is chosen from a list whose extra columns carry the
    dealer attributes conditions read; without, it is typed (checked by a pattern) and each dealer attribute a
    condition reads becomes a question. `notes="all"` adds an optional note to every item, not only where the
    evidence rule asks for one. Raises ValidationFailed (name clashes, untranslatable conditions)."""
    return _Builder(standard, dealers, notes).build()


def write_xlsform(
    standard: Checklist, path: Path, dealers: Sequence[Dealer] | None = None, *, notes: NotesMode = "evidence"
) -> XLSForm:
    """Write the XLSForm workbook; returns the form written (rows of its three sheets). A form that cannot be
    built (name clashes, untranslatable conditions) raises before anything is written."""
    from openpyxl import Workbook

    form = build_xlsform(standard, dealers, notes=notes)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (columns, rows) in form.sheets().items():
        write_table_sheet(workbook, title, columns, rows)
    write_atomically(Path(path), workbook.save)
    return form

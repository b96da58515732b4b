"""Standards as an XLSForm-style workbook, for analysts who author in Excel (layout: docs/checklist-format.md).

Sheets: `survey` (one row per item, `begin group`/`end group` rows for sections), `choices` (option lists),
`settings` (one row: id, version, kind, title) and `bands` (the index bands). Scoring lives in extra survey
columns (`weight`, `critical`, `cap`, …). The reader turns the workbook into the same plain dict as the YAML
format plus a side map from logical path to cell, then hands both to the shared decoder, so a workbook is checked
exactly as strictly as YAML and every message reads ``file!survey!C12``. The writer produces the same layout, so
YAML -> XLSX -> YAML is lossless.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from dealer_audit.core.lookup import closest, did_you_mean, did_you_mean_zh, join, locator
from dealer_audit.core.standard import AnswerType, Checklist
from dealer_audit.core.standard_codec import decode_standard, raise_if_errors, standard_to_dict
from dealer_audit.errors import Location, Problem, Severity, ValidationFailed
from dealer_audit.formats.files import (
    cell_text,
    open_workbook,
    sheet_rows,
    write_atomically,
    write_table_sheet,
    yes_no,
)

SURVEY_COLUMNS = (
    "type",
    "name",
    "label::zh",
    "label::en",
    "hint::zh",
    "hint::en",
    "required",
    "relevant",
    "weight",
    "scored",
    "bonus",
    "na_allowed",
    "compliant",
    "critical",
    "cap",
    "parameters",
    "unit::zh",
    "unit::en",
    "bands",
    "evidence_photo",
    "evidence_note",
    "reference",
)
CHOICES_COLUMNS = ("list_name", "name", "label::zh", "label::en", "points")
SETTINGS_COLUMNS = (
    "form_id",
    "version",
    "kind",
    "form_title::zh",
    "form_title::en",
    "description::zh",
    "description::en",
)
BANDS_COLUMNS = ("code", "min", "label::zh", "label::en", "color")

# survey type -> answer type; the aliases let analysts keep XLSForm's own words.
_TYPES = {
    "yes_no": AnswerType.YES_NO,
    "scale": AnswerType.SCALE,
    "range": AnswerType.SCALE,
    "number": AnswerType.NUMBER,
    "integer": AnswerType.NUMBER,
    "decimal": AnswerType.NUMBER,
    "select_one": AnswerType.SINGLE_CHOICE,
    "select_multiple": AnswerType.MULTIPLE_CHOICE,
    "text": AnswerType.TEXT,
    "photo": AnswerType.PHOTO,
    "image": AnswerType.PHOTO,
}
_WRITE_TYPES = {
    AnswerType.YES_NO: "yes_no",
    AnswerType.SCALE: "scale",
    AnswerType.NUMBER: "number",
    AnswerType.SINGLE_CHOICE: "select_one",
    AnswerType.MULTIPLE_CHOICE: "select_multiple",
    AnswerType.TEXT: "text",
    AnswerType.PHOTO: "photo",
}
_LIST_TYPES = ("select_one", "select_multiple")
_NUMBER = r"-?\d+(?:\.\d+)?"
_BAND = re.compile(
    rf"^\s*(?:(?P<le><=\s*(?P<max>{_NUMBER}))|(?P<ge>>=\s*(?P<min>{_NUMBER}))"
    rf"|(?P<lo>{_NUMBER})\s*\.\.\s*(?P<hi>{_NUMBER})|(?P<else>else))\s*:\s*(?P<score>{_NUMBER})"
    r"\s*(?:\[(?P<label>[^\]]*)\])?\s*$"
)


def _normalise_header(text: str) -> str:
    """`label::Chinese (zh)`, `label::zh-CN` and `label::zh` all become `label::zh` (XLSForm's language styles)."""
    text = text.strip()
    if "::" not in text:
        return text.lower()
    base, language = text.split("::", 1)
    base = base.lower()
    found = re.search(r"\(([A-Za-z]{2})[^)]*\)", language)
    code = (found.group(1) if found else language.strip()[:2]).lower()
    return f"{base.strip()}::{code}"


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


class _Sheet:
    """One sheet as header -> column index plus data rows, with cell addresses for messages."""

    def __init__(self, reader: _WorkbookReader, name: str, worksheet: Any, allowed: tuple[str, ...]) -> None:
        self.reader = reader
        self.name = name
        rows = list(sheet_rows(worksheet, reader.source))
        self.columns: dict[str, int] = {}
        self.rows: list[tuple[int, tuple[Any, ...]]] = []
        if not rows:
            return
        for index, raw in enumerate(rows[0]):
            if raw is None or str(raw).strip() == "":
                continue
            header = _normalise_header(str(raw))
            if header not in allowed:
                reader.error(
                    self.cell(1, index),
                    f"unknown column '{raw}' on the {name} sheet",
                    hint=did_you_mean(header, allowed) or f"allowed columns: {', '.join(allowed)}",
                    code="unknown-key",
                    zh=f"{name} 工作表中有未知的列“{raw}”",
                    hint_zh=did_you_mean_zh(header, allowed) or f"可用的列：{', '.join(allowed)}",
                )
                continue
            if header in self.columns:
                reader.error(
                    self.cell(1, index),
                    f"column '{raw}' appears twice on the {name} sheet",
                    code="duplicate",
                    zh=f"{name} 工作表中“{raw}”列出现了两次",
                )
                continue
            self.columns[header] = index
        for number, row in enumerate(rows[1:], start=2):
            if any(v is not None and str(v).strip() != "" for v in row):
                self.rows.append((number, row))

    def cell(self, row: int, column: int) -> Location:
        return Location(self.reader.source, sheet=self.name, cell=f"{get_column_letter(column + 1)}{row}")

    def at(self, row: int, column: str) -> Location:
        index = self.columns.get(column)
        return self.cell(row, index if index is not None else 0)

    def value(self, row: tuple[Any, ...], column: str) -> Any:
        index = self.columns.get(column)
        if index is None or index >= len(row):
            return None
        value = row[index]
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value


class _WorkbookReader:
    """Turns the workbook into the codec's dict shape and a path -> cell map."""

    def __init__(self, path: Path) -> None:
        self.source = str(path)
        self.problems: list[Problem] = []
        self.locations: dict[str, Location] = {}
        self.missing_lists: set[str] = set()  # item paths whose choice list is absent (reported once, here)

    def error(
        self, location: Location, message: str, hint: str = "", code: str = "invalid", *, zh: str, hint_zh: str = ""
    ) -> None:
        """Record an error in both languages (`zh` is required: every message of this reader has its Chinese)."""
        self.problems.append(Problem(location, message, code, Severity.ERROR, hint, zh=zh, hint_zh=hint_zh))

    def text(self, value: Any) -> str | None:
        return cell_text(value) if value is not None else None

    def local(self, sheet: _Sheet, row: tuple[Any, ...], base: str) -> dict[str, str] | None:
        data = {k: t for k in ("zh", "en") if (t := self.text(sheet.value(row, f"{base}::{k}")))}
        return data or None

    def boolean(self, sheet: _Sheet, number: int, row: tuple[Any, ...], column: str) -> Any:
        value = sheet.value(row, column)
        if value is None or isinstance(value, bool):
            return value
        flag = {"1": True, "0": False}.get(cell_text(value), yes_no(str(value)))
        if flag is None:
            self.error(
                sheet.at(number, column),
                f"{column} must be yes or no (是/否), got {value!r}",
                code="type",
                zh=f"{column} 必须是 是/yes 或 否/no，当前为 {value!r}",
            )
        return flag

    def read(self, path: Path) -> dict[str, Any] | None:
        try:
            workbook = open_workbook(path)
        except ValidationFailed as failure:
            self.problems.extend(failure.problems)
            return None
        try:
            names = {n.strip().lower(): n for n in workbook.sheetnames}
            sheets: dict[str, _Sheet] = {}
            for name, columns, required in (
                ("settings", SETTINGS_COLUMNS, True),
                ("survey", SURVEY_COLUMNS, True),
                ("choices", CHOICES_COLUMNS, False),
                ("bands", BANDS_COLUMNS, False),
            ):
                if name in names:
                    sheets[name] = _Sheet(self, names[name], workbook[names[name]], columns)
                elif required:
                    self.error(
                        Location(self.source, sheet=name),
                        f"the workbook has no '{name}' sheet",
                        hint=f"sheets found: {', '.join(workbook.sheetnames)}",
                        code="missing",
                        zh=f"工作簿中没有“{name}”工作表",
                        hint_zh=f"现有工作表：{', '.join(workbook.sheetnames)}",
                    )
        finally:
            workbook.close()
        if "settings" not in sheets or "survey" not in sheets:
            return None
        data = self.read_settings(sheets["settings"])
        if "bands" in sheets:
            data["bands"] = self.read_bands(sheets["bands"])
        lists = self.read_choices(sheets.get("choices"))
        data["sections"] = self.read_survey(sheets["survey"], lists)
        return data

    def read_settings(self, sheet: _Sheet) -> dict[str, Any]:
        self.locations[""] = Location(self.source, sheet=sheet.name)
        data: dict[str, Any] = {}
        if not sheet.rows:
            self.error(
                Location(self.source, sheet=sheet.name, cell="A2"),
                "the settings sheet needs one row under its header (form_id, version, kind, form_title::zh, …)",
                code="missing",
                zh="settings 工作表的表头下需要一行数据（form_id、version、kind、form_title::zh 等）",
            )
            return data
        number, row = sheet.rows[0]
        self.locations[""] = sheet.cell(number, 0)
        for extra, _ in sheet.rows[1:]:
            self.error(
                sheet.cell(extra, 0),
                "the settings sheet holds one row only",
                code="invalid",
                zh="settings 工作表只能有一行数据",
            )
        for key, column in (("id", "form_id"), ("version", "version"), ("kind", "kind")):
            value = self.text(sheet.value(row, column))
            if column == "version" and isinstance(sheet.value(row, column), int | float):
                self.problems.append(
                    Problem(
                        sheet.at(number, column),
                        f"version is a number in Excel ({value}); 2026.10 would read as 2026.1",
                        "version-number",
                        Severity.WARNING,
                        hint="format the cell as text",
                        zh=f"version 在 Excel 中是数字（{value}）；2026.10 会被读成 2026.1",
                        hint_zh="请把该单元格设为文本格式",
                    )
                )
            if value is not None:
                data[key] = value
                self.locations[key] = sheet.at(number, column)
        for key, base in (("title", "form_title"), ("description", "description")):
            text = self.local(sheet, row, base)
            if text:
                data[key] = text
            self.locations[key] = sheet.at(number, f"{base}::zh")
        return data

    def read_bands(self, sheet: _Sheet) -> list[dict[str, Any]]:
        bands = []
        for index, (number, row) in enumerate(sheet.rows):
            path = join("bands", index)
            self.locations[path] = sheet.cell(number, 0)
            entry: dict[str, Any] = {}
            for column in ("code", "min", "color"):
                value = sheet.value(row, column)
                if value is not None:
                    entry[column] = value if column == "min" else self.text(value)
                    self.locations[join(path, column)] = sheet.at(number, column)
            label = self.local(sheet, row, "label")
            if label:
                entry["label"] = label
            self.locations[join(path, "label")] = sheet.at(number, "label::zh")
            bands.append(entry)
        return bands

    def read_choices(self, sheet: _Sheet | None) -> dict[str, list[tuple[int, dict[str, Any], dict[str, Location]]]]:
        lists: dict[str, list[tuple[int, dict[str, Any], dict[str, Location]]]] = {}
        if sheet is None:
            return lists
        for number, row in sheet.rows:
            list_name = self.text(sheet.value(row, "list_name"))
            if not list_name:
                self.error(
                    sheet.at(number, "list_name"),
                    "a choice needs a list_name",
                    code="missing",
                    zh="选项需要填写 list_name",
                )
                continue
            option: dict[str, Any] = {}
            where = {"": sheet.cell(number, 0)}
            code = self.text(sheet.value(row, "name"))
            if code is not None:
                option["code"] = code
            where["code"] = sheet.at(number, "name")
            label = self.local(sheet, row, "label")
            if label:
                option["label"] = label
            where["label"] = sheet.at(number, "label::zh")
            points = sheet.value(row, "points")
            if points is not None:
                option["points"] = points
            where["points"] = sheet.at(number, "points")
            lists.setdefault(list_name, []).append((number, option, where))
        return lists

    def read_survey(
        self, sheet: _Sheet, lists: dict[str, list[tuple[int, dict[str, Any], dict[str, Location]]]]
    ) -> list[dict[str, Any]]:
        sections: list[dict[str, Any]] = []
        self.locations["sections"] = Location(self.source, sheet=sheet.name)
        current: dict[str, Any] | None = None
        current_row = 0
        for number, row in sheet.rows:
            raw_type = self.text(sheet.value(row, "type")) or ""
            words = raw_type.replace("_", " ").lower().split()
            if words[:2] in (["begin", "group"], ["begin", "repeat"]):
                if words[1] == "repeat":
                    self.error(
                        sheet.at(number, "type"),
                        "repeats are not supported; use 'begin group'",
                        zh="不支持 repeat（重复组）；请使用“begin group”",
                    )
                if current is not None:
                    self.error(
                        sheet.at(number, "type"),
                        f"sections cannot nest: the group opened on row {current_row} is still open",
                        hint="add an 'end group' row above",
                        code="structure",
                        zh=f"模块不能嵌套：第 {current_row} 行开始的组尚未结束",
                        hint_zh="请在上方添加一行“end group”",
                    )
                path = join("sections", len(sections))
                current = {"items": []}
                current_row = number
                self.locations[path] = sheet.at(number, "type")
                name = self.text(sheet.value(row, "name"))
                if name:
                    current["id"] = name
                self.locations[join(path, "id")] = sheet.at(number, "name")
                title = self.local(sheet, row, "label")
                if title:
                    current["title"] = title
                self.locations[join(path, "title")] = sheet.at(number, "label::zh")
                weight = sheet.value(row, "weight")
                if weight is not None:
                    current["weight"] = weight
                self.locations[join(path, "weight")] = sheet.at(number, "weight")
                self.locations[join(path, "items")] = sheet.at(number, "type")
                sections.append(current)
                continue
            if words[:2] in (["end", "group"], ["end", "repeat"]):
                if current is None:
                    self.error(
                        sheet.at(number, "type"),
                        "'end group' without a 'begin group' above",
                        code="structure",
                        zh="“end group”上方没有对应的“begin group”",
                    )
                current = None
                continue
            if current is None:
                self.error(
                    sheet.at(number, "type"),
                    "an item outside a section",
                    hint="put items between 'begin group' and 'end group' rows",
                    code="structure",
                    zh="检查项不在任何模块内",
                    hint_zh="请把检查项放在“begin group”和“end group”两行之间",
                )
                continue
            path = join(join(f"sections[{len(sections) - 1}]", "items"), len(current["items"]))
            current["items"].append(self.read_item(sheet, number, row, path, raw_type, lists))
        if current is not None:
            self.error(
                Location(self.source, sheet=sheet.name, cell=f"A{current_row}"),
                f"the group '{current.get('id', '')}' opened here is never closed",
                hint="add an 'end group' row",
                code="structure",
                zh=f"此处开始的组“{current.get('id', '')}”没有结束",
                hint_zh="请添加一行“end group”",
            )
        return sections

    def read_item(
        self,
        sheet: _Sheet,
        number: int,
        row: tuple[Any, ...],
        path: str,
        raw_type: str,
        lists: dict[str, list[tuple[int, dict[str, Any], dict[str, Location]]]],
    ) -> dict[str, Any]:
        item: dict[str, Any] = {}

        def put(key: str, value: Any, column: str) -> None:
            self.locations[join(path, key)] = sheet.at(number, column)
            if value is not None:
                item[key] = value

        self.locations[path] = sheet.at(number, "type")
        put("id", self.text(sheet.value(row, "name")), "name")
        put("text", self.local(sheet, row, "label"), "label::zh")
        put("guidance", self.local(sheet, row, "hint"), "hint::zh")
        parts = raw_type.split()
        type_word = parts[0].lower() if parts else ""
        list_name = parts[1] if len(parts) > 1 else None
        answer_type = _TYPES.get(type_word)
        self.locations[join(path, "type")] = sheet.at(number, "type")
        if not raw_type:
            pass  # the decoder reports the missing type at this cell
        elif answer_type is None or len(parts) > 2 or (list_name and answer_type not in _LIST_TYPES_OR_SCALE):
            self.error(
                sheet.at(number, "type"),
                f"unknown type '{raw_type}'",
                hint=did_you_mean(type_word, list(_TYPES)) or f"use one of {', '.join(_WRITE_TYPES.values())}",
                code="enum",
                zh=f"未知的题型“{raw_type}”",
                hint_zh=did_you_mean_zh(type_word, list(_TYPES)) or f"可用的题型：{', '.join(_WRITE_TYPES.values())}",
            )
            guess = closest(type_word, list(_TYPES))  # the decoder's own fallback, so follow-on checks match YAML
            answer_type = _TYPES[guess] if guess else AnswerType.YES_NO
            if answer_type not in _LIST_TYPES_OR_SCALE or len(parts) > 2:
                list_name = None
            if answer_type in CHOICE_TYPES and not list_name:
                self.missing_lists.add(path)  # the typo is the one error; "no options" would only follow from it
        elif type_word in _LIST_TYPES and not list_name:
            self.error(
                sheet.at(number, "type"),
                f"'{type_word}' needs a choice list name, e.g. '{type_word} amenities'",
                code="missing",
                zh=f"“{type_word}”需要写明选项列表名，例如“{type_word} amenities”",
            )
            self.missing_lists.add(path)
        if answer_type is not None:
            item["type"] = answer_type.value
        if list_name:
            if list_name not in lists:
                self.error(
                    sheet.at(number, "type"),
                    f"choice list '{list_name}' is not on the choices sheet",
                    hint=did_you_mean(list_name, list(lists)) or "add its options to the choices sheet",
                    code="missing-list",
                    zh=f"choices 工作表中没有选项列表“{list_name}”",
                    hint_zh=did_you_mean_zh(list_name, list(lists)) or "请在 choices 工作表中添加它的选项",
                )
                self.missing_lists.add(path)
            else:
                options = []
                for index, (_, option, where) in enumerate(lists[list_name]):
                    option_path = join(join(path, "options"), index)
                    for key, location in where.items():
                        self.locations[join(option_path, key) if key else option_path] = location
                    options.append(dict(option))
                item["options"] = options
        put("required", self.boolean(sheet, number, row, "required"), "required")
        put("condition", self.text(sheet.value(row, "relevant")), "relevant")
        put("weight", sheet.value(row, "weight"), "weight")
        put("scored", self.boolean(sheet, number, row, "scored"), "scored")
        put("bonus", self.boolean(sheet, number, row, "bonus"), "bonus")
        put("na_allowed", self.boolean(sheet, number, row, "na_allowed"), "na_allowed")
        put("compliant", self.text(sheet.value(row, "compliant")), "compliant")
        put("reference", self.text(sheet.value(row, "reference")), "reference")
        put("unit", self.local(sheet, row, "unit"), "unit::zh")
        critical = self.text(sheet.value(row, "critical"))
        cap = sheet.value(row, "cap")
        self.locations[join(path, "critical")] = sheet.at(number, "critical")
        self.locations[join(path, "critical.effect")] = sheet.at(number, "critical")
        self.locations[join(path, "critical.cap")] = sheet.at(number, "cap")
        if critical is not None:
            item["critical"] = {"effect": critical} | ({"cap": cap} if cap is not None else {})
        elif cap is not None:
            self.error(
                sheet.at(number, "cap"),
                "cap is set but critical is empty",
                hint="set critical to 'cap'",
                zh="填写了 cap，但 critical 为空",
                hint_zh="请把 critical 设为“cap”",
            )
        evidence = {}
        for key in ("photo", "note"):
            column = f"evidence_{key}"
            self.locations[join(path, f"evidence.{key}")] = sheet.at(number, column)
            value = self.text(sheet.value(row, column))
            if value is not None:
                evidence[key] = value
        self.locations[join(path, "evidence")] = sheet.at(number, "evidence_photo")
        if evidence:
            item["evidence"] = evidence
        self.read_parameters(sheet, number, row, path, item)
        self.read_number_bands(sheet, number, row, path, item)
        return item

    def read_parameters(
        self, sheet: _Sheet, number: int, row: tuple[Any, ...], path: str, item: dict[str, Any]
    ) -> None:
        """`start=1 end=5` for scale items, `min=0 max=240` (the plausible range) for number items."""
        text = self.text(sheet.value(row, "parameters"))
        where = sheet.at(number, "parameters")
        for key in ("scale", "range", "scale.min", "scale.max", "range.min", "range.max"):
            self.locations[join(path, key)] = where
        if text is None:
            return
        values: dict[str, float] = {}
        for part in text.replace(",", " ").replace(";", " ").split():
            key, _, raw = part.partition("=")
            try:
                values[key.strip().lower()] = float(raw)
            except ValueError:
                self.error(
                    where,
                    f"cannot read parameter '{part}'",
                    hint="write e.g. start=1 end=5 or min=0 max=240",
                    zh=f"无法读取参数“{part}”",
                    hint_zh="请写成例如 start=1 end=5 或 min=0 max=240",
                )
                return
        if item.get("type") == AnswerType.SCALE.value:
            allowed = {"start", "end"}
            target = "scale"
            mapped = {"min": values.get("start"), "max": values.get("end")}
        else:
            allowed = {"min", "max"}
            target = "range"
            mapped = {"min": values.get("min"), "max": values.get("max")}
        unknown = sorted(set(values) - allowed)
        if unknown:
            self.error(
                where,
                f"unknown parameter(s) {', '.join(unknown)} for a {item.get('type', '?')} item",
                hint=f"use {' and '.join(sorted(allowed))}",
                zh=f"{item.get('type', '?')} 类型的检查项不认识参数 {', '.join(unknown)}",
                hint_zh=f"请使用 {' 和 '.join(sorted(allowed))}",
            )
        item[target] = {k: _num(v) for k, v in mapped.items() if v is not None}

    def read_number_bands(
        self, sheet: _Sheet, number: int, row: tuple[Any, ...], path: str, item: dict[str, Any]
    ) -> None:
        """`<=2: 1; <=5: 0.5; else: 0` (first match wins); `a..b: s` for a closed range, `[zh|en]` a label."""
        text = self.text(sheet.value(row, "bands"))
        where = sheet.at(number, "bands")
        self.locations[join(path, "bands")] = where
        if text is None:
            return
        bands = []
        for index, part in enumerate(p for p in text.split(";") if p.strip()):
            self.locations[join(join(path, "bands"), index)] = where
            match = _BAND.match(part)
            if not match:
                self.error(
                    where,
                    f"cannot read band '{part.strip()}'",
                    hint="write e.g. '<=2: 1; <=5: 0.5; else: 0' (also '>=N: s' and 'a..b: s')",
                    zh=f"无法读取分档“{part.strip()}”",
                    hint_zh="请写成例如“<=2: 1; <=5: 0.5; else: 0”（也可用“>=N: s”和“a..b: s”）",
                )
                continue
            band: dict[str, Any] = {}
            low = match.group("min") or match.group("lo")
            high = match.group("max") or match.group("hi")
            if low is not None:
                band["min"] = _num(float(low))
            if high is not None:
                band["max"] = _num(float(high))
            band["score"] = _num(float(match.group("score")))
            if match.group("label"):
                zh, _, en = match.group("label").partition("|")
                band["label"] = {k: v.strip() for k, v in (("zh", zh), ("en", en)) if v.strip()}
            bands.append(band)
        item["bands"] = bands


CHOICE_TYPES = (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE)
_LIST_TYPES_OR_SCALE = (*CHOICE_TYPES, AnswerType.SCALE)


def check_standard_xlsx(
    path: Path, attributes: Collection[str] | None = None
) -> tuple[Checklist | None, list[Problem]]:
    """Every problem of a standard workbook (errors and warnings) and the checklist when it could be decoded."""
    reader = _WorkbookReader(Path(path))
    data = reader.read(Path(path))
    if data is None:
        return None, reader.problems
    checklist, problems = decode_standard(data, reader.source, locator(reader.source, reader.locations), attributes)
    missing = {str(reader.locations.get(join(p, "type"))) for p in reader.missing_lists}
    problems = [p for p in problems if not (p.code == "options" and str(p.location) in missing)]
    return checklist, _sorted([*reader.problems, *problems])


def _cell_order(problem: Problem) -> tuple[Any, ...]:
    location = problem.location
    sheet_order = ("settings", "survey", "choices", "bands")
    sheet = (location.sheet or "").lower()
    cell = location.cell or ""
    match = re.match(r"([A-Z]+)(\d+)", cell)
    row, column = (int(match.group(2)), (len(match.group(1)), match.group(1))) if match else (0, (0, ""))
    return (sheet_order.index(sheet) if sheet in sheet_order else 9, row, column, problem.severity is Severity.WARNING)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=_cell_order)


def read_standard_xlsx(path: Path) -> Checklist:
    """A valid Checklist from a workbook, or ValidationFailed listing every error as file!sheet!cell."""
    checklist, problems = check_standard_xlsx(Path(path))
    raise_if_errors(problems, str(path))
    assert checklist is not None
    return checklist


# ---- writing -------------------------------------------------------------------------------------------------


def _band_text(bands: list[dict[str, Any]]) -> str:
    parts = []
    for band in bands:
        low, high = band.get("min"), band.get("max")
        if low is not None and high is not None:
            head = f"{low}..{high}"
        elif high is not None:
            head = f"<={high}"
        elif low is not None:
            head = f">={low}"
        else:
            head = "else"
        text = f"{head}: {band['score']}"
        label = band.get("label")
        if label:
            text += f" [{label.get('zh', '')}|{label.get('en', '')}]"
        parts.append(text)
    return "; ".join(parts)


def _survey_row(item: dict[str, Any]) -> dict[str, Any]:
    answer_type = AnswerType(item["type"])
    type_text = _WRITE_TYPES[answer_type]
    if item.get("options"):
        type_text += f" {item['id']}"
    row: dict[str, Any] = {
        "type": type_text,
        "name": item["id"],
        "label::zh": item["text"].get("zh"),
        "label::en": item["text"].get("en"),
        "hint::zh": item.get("guidance", {}).get("zh"),
        "hint::en": item.get("guidance", {}).get("en"),
        "required": "yes" if item.get("required", True) else "no",
        "relevant": item.get("condition"),
        "weight": item.get("weight", 1),
        "scored": None if "scored" not in item else ("yes" if item["scored"] else "no"),
        "bonus": "yes" if item.get("bonus") else None,
        "na_allowed": "yes" if item.get("na_allowed") else None,
        "compliant": item.get("compliant"),
        "critical": item.get("critical", {}).get("effect"),
        "cap": item.get("critical", {}).get("cap"),
        "unit::zh": item.get("unit", {}).get("zh"),
        "unit::en": item.get("unit", {}).get("en"),
        "bands": _band_text(item["bands"]) if item.get("bands") else None,
        "evidence_photo": item.get("evidence", {}).get("photo"),
        "evidence_note": item.get("evidence", {}).get("note"),
        "reference": item.get("reference"),
    }
    if "scale" in item:
        row["parameters"] = f"start={item['scale']['min']} end={item['scale']['max']}"
    elif "range" in item:
        row["parameters"] = " ".join(f"{k}={v}" for k, v in item["range"].items()) or None
    return row


def write_standard_xlsx(checklist: Checklist, path: Path) -> None:
    """Write the workbook layout `read_standard_xlsx` reads; every field of the standard survives the trip."""
    data = standard_to_dict(checklist)
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    survey: list[dict[str, Any]] = []
    choices: list[dict[str, Any]] = []
    for section in data["sections"]:
        survey.append(
            {
                "type": "begin group",
                "name": section["id"],
                "label::zh": section["title"].get("zh"),
                "label::en": section["title"].get("en"),
                "weight": section.get("weight"),
            }
        )
        for item in section["items"]:
            survey.append(_survey_row(item))
            for option in item.get("options", []):
                choices.append(
                    {
                        "list_name": item["id"],
                        "name": option["code"],
                        "label::zh": option["label"].get("zh"),
                        "label::en": option["label"].get("en"),
                        "points": option.get("points", 0),
                    }
                )
        survey.append({"type": "end group", "name": section["id"]})
    write_table_sheet(workbook, "survey", SURVEY_COLUMNS, survey)
    write_table_sheet(workbook, "choices", CHOICES_COLUMNS, choices)
    write_table_sheet(
        workbook,
        "settings",
        SETTINGS_COLUMNS,
        [
            {
                "form_id": data["id"],
                "version": data["version"],
                "kind": data["kind"],
                "form_title::zh": data["title"].get("zh"),
                "form_title::en": data["title"].get("en"),
                "description::zh": data.get("description", {}).get("zh"),
                "description::en": data.get("description", {}).get("en"),
            }
        ],
    )
    write_table_sheet(
        workbook,
        "bands",
        BANDS_COLUMNS,
        [
            {
                "code": b["code"],
                "min": b["min"],
                "label::zh": b["label"].get("zh"),
                "label::en": b["label"].get("en"),
                "color": b.get("color"),
            }
            for b in data.get("bands", [])
        ],
    )
    write_atomically(Path(path), workbook.save)

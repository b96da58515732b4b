"""Standards and programs as plain dicts: the one shape YAML, Excel, storage and the content hash all share.

`standard_to_dict` gives the canonical form (the YAML format of tests/fixtures/mini_standard.yaml; defaults are
left out so dumped files stay as short as hand-written ones). `standard_from_dict` is the strict way back: every
unknown key (with a "did you mean" hint), wrong type or bad enum value is collected, then the structural rules of
`core/rules.py` run on the result, and all problems are raised together. Readers pass `locate`, which maps a
logical path such as ``sections[0].items[3].weight`` to a file line or a workbook cell, so the same decoder
serves every file format and every message points at the culprit.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from dealer_audit.core.canonical import canonical_hash
from dealer_audit.core.dealers import code_problem
from dealer_audit.core.lookup import Locate, closest, did_you_mean, did_you_mean_zh, join, locator
from dealer_audit.core.standard import (
    AlertRules,
    AnswerType,
    Band,
    Checklist,
    ChecklistKind,
    Critical,
    CriticalEffect,
    EvidenceRule,
    EvidenceWhen,
    Item,
    LocalText,
    NumberBand,
    NumberRange,
    Option,
    PlanRules,
    Program,
    ProgramChecklist,
    Region,
    ScaleRange,
    Section,
    Wave,
)
from dealer_audit.errors import Problem, ProblemCollector, Severity, ValidationFailed

CHECKLIST_KEYS = ("id", "version", "kind", "title", "description", "bands", "sections")
SECTION_KEYS = ("id", "title", "weight", "items")
ITEM_KEYS = (
    "id",
    "text",
    "guidance",
    "type",
    "weight",
    "compliant",
    "na_allowed",
    "required",
    "critical",
    "condition",
    "evidence",
    "reference",
    "bonus",
    "options",
    "scale",
    "unit",
    "range",
    "bands",
    "scored",
)
OPTION_KEYS = ("code", "label", "points")
NUMBER_BAND_KEYS = ("min", "max", "score", "label")
BAND_KEYS = ("code", "min", "label", "color")
CRITICAL_KEYS = ("effect", "cap")
EVIDENCE_KEYS = ("photo", "note")
RANGE_KEYS = ("min", "max")
TEXT_KEYS = ("zh", "en")
PROGRAM_KEYS = (
    "id",
    "title",
    "scale",
    "composite_name",
    "checklists",
    "waves",
    "regions",
    "bands",
    "alerts",
    "disputes",
    "planning",
    "signatures",
    "auditors",
    "kpis",
    "incentives",
    "insight",
)
MAX_NUMBER = 1e9  # weights, points, caps, bounds: large enough for any real standard, small enough to sum safely
DISPUTE_KEYS = ("window_days",)
INSIGHT_KEYS = ("outcome",)
PLANNING_KEYS = (
    "lockout_waves",
    "max_visits_per_auditor",
    "max_visits_per_day",
    "double_audit_share",
    "out_of_region_cost",
    "overload_cost",
    "weekdays_only",
)
SIGNATURE_KEYS = ("required",)
AUDITOR_KEYS = ("registered_only",)
PROGRAM_CHECKLIST_KEYS = ("standard", "weight")
WAVE_KEYS = ("code", "title", "start", "end")
REGION_KEYS = ("code", "name")
ALERT_KEYS = ("drop_threshold", "band_fall", "critical", "drop_requires_significance")

DEFAULT_COLOR = Band("x", 0, LocalText()).color


# ---- encoding ------------------------------------------------------------------------------------------------


def _num(value: float) -> int | float:
    """Whole numbers as int so YAML and workbooks show `3`, not `3.0`, and both formats compare equal."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _text(text: LocalText) -> dict[str, str]:
    return {k: v for k, v in (("zh", text.zh), ("en", text.en)) if v}


def _band_dict(band: Band) -> dict[str, Any]:
    data: dict[str, Any] = {"code": band.code, "min": _num(band.min), "label": _text(band.label)}
    if band.color != DEFAULT_COLOR:
        data["color"] = band.color
    return data


def _item_dict(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.id, "text": _text(item.text)}
    if item.guidance:
        data["guidance"] = _text(item.guidance)
    data["type"] = item.type.value
    if item.weight != 1.0:
        data["weight"] = _num(item.weight)
    if item.compliant_answer != "yes":
        data["compliant"] = item.compliant_answer
    if item.na_allowed:
        data["na_allowed"] = True
    if not item.required:
        data["required"] = False
    if item.scored is not None:
        data["scored"] = item.scored
    if item.bonus:
        data["bonus"] = True
    if item.reference:
        data["reference"] = item.reference
    if item.critical is not None:
        critical: dict[str, Any] = {"effect": item.critical.effect.value}
        if item.critical.cap is not None:
            critical["cap"] = _num(item.critical.cap)
        data["critical"] = critical
    if item.condition:
        data["condition"] = item.condition
    evidence = {
        k: v.value
        for k, v in (("photo", item.evidence.photo), ("note", item.evidence.note))
        if v is not EvidenceWhen.NEVER
    }
    if evidence:
        data["evidence"] = evidence
    if item.scale is not None:
        data["scale"] = {"min": item.scale.min, "max": item.scale.max}
    if item.unit:
        data["unit"] = _text(item.unit)
    if item.range is not None:
        data["range"] = {k: _num(v) for k, v in (("min", item.range.min), ("max", item.range.max)) if v is not None}
    if item.bands:
        bands = []
        for band in item.bands:
            entry: dict[str, Any] = {}
            if band.min is not None:
                entry["min"] = _num(band.min)
            if band.max is not None:
                entry["max"] = _num(band.max)
            entry["score"] = _num(band.score)
            if band.label:
                entry["label"] = _text(band.label)
            bands.append(entry)
        data["bands"] = bands
    if item.options:
        options = []
        for option in item.options:
            entry = {"code": option.code, "label": _text(option.label)}
            if option.points != 0:
                entry["points"] = _num(option.points)
            options.append(entry)
        data["options"] = options
    return data


def standard_to_dict(checklist: Checklist) -> dict[str, Any]:
    """The canonical plain form (the YAML format). `source` is kept only when set; the hash ignores it."""
    data: dict[str, Any] = {
        "id": checklist.id,
        "version": checklist.version,
        "kind": checklist.kind.value,
        "title": _text(checklist.title),
    }
    if checklist.description:
        data["description"] = _text(checklist.description)
    if checklist.bands:
        data["bands"] = [_band_dict(b) for b in checklist.bands]
    sections = []
    for section in checklist.sections:
        entry: dict[str, Any] = {"id": section.id, "title": _text(section.title)}
        if section.weight is not None:
            entry["weight"] = _num(section.weight)
        entry["items"] = [_item_dict(i) for i in section.items]
        sections.append(entry)
    data["sections"] = sections
    return data


def content_hash(checklist: Checklist) -> str:
    """sha256 hex of the canonical JSON of `standard_to_dict` (without `source`): same meaning, same hash."""
    data = standard_to_dict(checklist)
    data.pop("source", None)
    return canonical_hash(data)


def program_to_dict(program: Program) -> dict[str, Any]:
    data: dict[str, Any] = {"id": program.id, "title": _text(program.title), "scale": program.scale}
    default_name = Program("x", LocalText(), (), ()).composite_name
    if program.composite_name != default_name:
        data["composite_name"] = _text(program.composite_name)
    data["checklists"] = [{"standard": c.standard_id, "weight": _num(c.weight)} for c in program.checklists]
    waves = []
    for wave in program.waves:
        entry: dict[str, Any] = {"code": wave.code}
        if wave.title:
            entry["title"] = _text(wave.title)
        if wave.start:
            entry["start"] = wave.start
        if wave.end:
            entry["end"] = wave.end
        waves.append(entry)
    data["waves"] = waves
    if program.regions:
        data["regions"] = [{"code": r.code, "name": _text(r.name)} for r in program.regions]
    if program.bands:
        data["bands"] = [_band_dict(b) for b in program.bands]
    data["alerts"] = {
        "drop_threshold": _num(program.alerts.drop_threshold),
        "band_fall": program.alerts.alert_on_band_fall,
        "critical": program.alerts.alert_on_critical,
    }
    if program.alerts.drop_requires_significance:
        data["alerts"]["drop_requires_significance"] = True
    if program.dispute_window_days is not None:  # only when set: older programs keep their content hash
        data["disputes"] = {"window_days": program.dispute_window_days}
    if program.planning != PlanRules():  # written only when set, so existing programs keep their content hash
        data["planning"] = {
            key: _num(value) if isinstance(value, float) else value
            for key, value in vars(program.planning).items()
            if value is not None
        }
    if program.require_signatures:
        data["signatures"] = {"required": True}
    if program.require_registered_auditors:  # only when set: older programs keep their content hash
        data["auditors"] = {"registered_only": True}
    if program.kpis or program.incentives is not None:  # only when set: older programs keep their content hash
        from dealer_audit.core.kpi_codec import incentives_to_dict, kpis_to_dict

        if program.kpis:
            data["kpis"] = kpis_to_dict(program.kpis)
        if program.incentives is not None:
            data["incentives"] = incentives_to_dict(program.incentives)
    if program.insight_outcome is not None:  # only when set: older programs keep their content hash
        data["insight"] = {"outcome": program.insight_outcome}
    return data


# ---- decoding ------------------------------------------------------------------------------------------------

_MISSING = object()


class Decoder:
    """Walks a plain document, collecting every problem; never stops at the first one.

    Each getter returns a usable fallback after reporting, so one bad value does not hide the next, and list
    positions are kept (a broken item still yields a placeholder), so paths stay aligned with the file.
    """

    def __init__(self, source: str = "", locate: Locate | None = None) -> None:
        self.source = source
        self.locate = locate or locator(source)
        self.problems = ProblemCollector()
        # paths whose value was not a mapping at all: "'code' is required" there would only repeat that error
        self.broken: set[str] = set()

    def error(
        self, path: str, message: str, hint: str = "", code: str = "invalid", *, zh: str = "", hint_zh: str = ""
    ) -> None:
        """Record an error; every caller (this module and the KPI decoder that shares this Decoder) passes `zh`,
        which the language scan checks; one left without it is shown in English."""
        if code == "missing" and path in self.broken:
            return
        self.problems.error(self.locate(path), message, code=code, hint=hint, zh=zh, hint_zh=hint_zh)

    def mapping(self, value: Any, path: str, allowed: tuple[str, ...], what: str) -> dict[str, Any]:
        """`value` as a dict with only `allowed` keys; unknown keys are errors with a hint."""
        if not isinstance(value, dict):
            if value is None and not path:
                self.error(
                    path,
                    f"the file is empty; {what} is a mapping starting with 'id:'",
                    code="empty",
                    zh=f"文件为空；{_what_zh(what)}应是以“id:”开头的映射（键: 值）",
                )
            else:
                self.error(
                    path,
                    f"{what} must be a mapping (key: value), got {_kind(value)}",
                    code="type",
                    zh=f"{_what_zh(what)}必须是映射（键: 值），当前为{_kind_zh(value)}",
                )
            self.broken.add(path)
            return {}
        for key in value:
            if str(key) not in allowed:
                self.error(
                    join(path, str(key)),
                    f"unknown key '{key}' in {what}",
                    hint=did_you_mean(str(key), allowed) or f"allowed keys: {', '.join(allowed)}",
                    code="unknown-key",
                    zh=f"{_what_zh(what)}中有未知的键“{key}”",
                    hint_zh=did_you_mean_zh(str(key), allowed) or f"可用的键：{', '.join(allowed)}",
                )
        return {str(k): v for k, v in value.items() if str(k) in allowed}

    def sequence(self, obj: dict[str, Any], key: str, path: str, required: bool = False) -> list[Any]:
        value = obj.get(key)
        if value is None:
            if required:
                self.error(path, f"'{key}' is required", code="missing", zh=f"“{key}”必填")
            return []
        if not isinstance(value, list):
            self.error(
                join(path, key),
                f"'{key}' must be a list, got {_kind(value)}",
                code="type",
                zh=f"“{key}”必须是列表，当前为{_kind_zh(value)}",
            )
            return []
        return value

    def text(self, obj: dict[str, Any], key: str, path: str, required: bool = False) -> str:
        value = obj.get(key, _MISSING)
        where = join(path, key)
        if value is _MISSING or value is None or value == "":
            if required:
                self.error(path, f"'{key}' is required", code="missing", zh=f"“{key}”必填")
            return ""
        if isinstance(value, bool):
            self.error(
                where,
                f"'{key}' must be text, got {value!r}",
                hint="put it in quotes",
                code="type",
                zh=f"“{key}”必须是文本，当前为 {value!r}",
                hint_zh="请加上引号",
            )
            return str(value).lower()
        if isinstance(value, float):
            self.error(
                where,
                f"'{key}' must be text, got the number {value!r}",
                hint=f'put it in quotes so digits are kept, e.g. "{value}"',
                code="type",
                zh=f"“{key}”必须是文本，当前为数字 {value!r}",
                hint_zh=f'请加上引号以保留原样的数字，例如 "{value}"',
            )
            return str(value)
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, int):
            return str(value)
        if not isinstance(value, str):
            self.error(
                where,
                f"'{key}' must be text, got {_kind(value)}",
                code="type",
                zh=f"“{key}”必须是文本，当前为{_kind_zh(value)}",
            )
            return ""
        return value.strip()

    def local_text(self, obj: dict[str, Any], key: str, path: str, required: bool = False) -> LocalText:
        value = obj.get(key)
        where = join(path, key)
        if value is None or value == "":
            if required:
                self.error(
                    path,
                    f"'{key}' is required (a {{zh: …, en: …}} mapping)",
                    code="missing",
                    zh=f"“{key}”必填（写成 {{zh: …, en: …}} 映射）",
                )
            return LocalText()
        if isinstance(value, str):
            self.error(
                where,
                f"'{key}' must give both languages",
                hint=f"write {key}: {{zh: …, en: …}}",
                code="type",
                zh=f"“{key}”需要同时提供中英文",
                hint_zh=f"请写成 {key}: {{zh: …, en: …}}",
            )
            return LocalText(zh=value, en=value)
        data = self.mapping(value, where, TEXT_KEYS, f"'{key}'")
        zh = self.text(data, "zh", where)
        en = self.text(data, "en", where)
        if required and not (zh or en):
            self.error(
                where, f"'{key}' needs a text in zh or en", code="missing", zh=f"“{key}”至少需要填写中文或英文文本"
            )
        return LocalText(zh=zh, en=en)

    def number(self, obj: dict[str, Any], key: str, path: str, default: Any = None, required: bool = False) -> Any:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.error(path, f"'{key}' is required", code="missing", zh=f"“{key}”必填")
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(
                join(path, key),
                f"'{key}' must be a number, got {value!r}",
                code="type",
                zh=f"“{key}”必须是数字，当前为 {value!r}",
            )
            return default
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:  # .inf, .nan, or sums that would overflow
            shown = f"{value:g}" if isinstance(value, float) else f"{str(value)[:12]}…"
            self.error(
                join(path, key),
                f"'{key}' must be a finite number of at most {MAX_NUMBER:g}, got {shown}",
                code="type",
                zh=f"“{key}”必须是不超过 {MAX_NUMBER:g} 的有限数字，当前为 {shown}",
            )
            return default
        return float(value)

    def integer(self, obj: dict[str, Any], key: str, path: str, default: int) -> int:
        value = obj.get(key)
        if value is None:
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)  # int(inf) raises OverflowError, int(nan) ValueError
            or abs(value) > MAX_NUMBER
            or int(value) != value
        ):
            shown = f"{value:g}" if isinstance(value, float) else repr(value)[:20]
            self.error(
                join(path, key),
                f"'{key}' must be a whole number, got {shown}",
                code="type",
                zh=f"“{key}”必须是整数，当前为 {shown}",
            )
            return default
        return int(value)

    def boolean(self, obj: dict[str, Any], key: str, path: str, default: bool | None) -> bool | None:
        value = obj.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(
                join(path, key),
                f"'{key}' must be true or false, got {value!r}",
                code="type",
                zh=f"“{key}”必须是 true 或 false，当前为 {value!r}",
            )
            return default
        return value

    def choice(self, obj: dict[str, Any], key: str, path: str, enum: Any, default: Any, required: bool = False) -> Any:
        value = obj.get(key)
        values = [e.value for e in enum]
        if value is None or value == "":
            if required:
                self.error(
                    path,
                    f"'{key}' is required (one of {', '.join(values)})",
                    code="missing",
                    zh=f"“{key}”必填（可选值：{', '.join(values)}）",
                )
            return default
        try:
            return enum(str(value))
        except ValueError:
            guess = closest(str(value), values)
            self.error(
                join(path, key),
                f"'{value}' is not a valid {key}; use one of {', '.join(values)}",
                hint=did_you_mean(str(value), values),
                code="enum",
                zh=f"“{value}”不是有效的 {key}，可选值：{', '.join(values)}",
                hint_zh=did_you_mean_zh(str(value), values),
            )
            # go on with what the typo most likely meant, so checks of the rest of the entry fit it
            return enum(guess) if guess else default

    # ---- standard ----

    def checklist(self, data: Any) -> Checklist:
        root = self.mapping(data, "", CHECKLIST_KEYS, "a standard")
        sections = tuple(
            self.section(s, join("sections", i)) for i, s in enumerate(self.sequence(root, "sections", "", True))
        )
        return Checklist(
            id=self.text(root, "id", "", required=True),
            version=self.text(root, "version", "", required=True),
            kind=self.choice(root, "kind", "", ChecklistKind, ChecklistKind.MYSTERY_SHOP, required=True),
            title=self.local_text(root, "title", "", required=True),
            description=self.local_text(root, "description", ""),
            bands=tuple(self.band(b, join("bands", i)) for i, b in enumerate(self.sequence(root, "bands", ""))),
            sections=sections,
            source=self.source,
        )

    def band(self, value: Any, path: str) -> Band:
        data = self.mapping(value, path, BAND_KEYS, "a band")
        return Band(
            code=self.text(data, "code", path, required=True),
            min=self.number(data, "min", path, 0.0, required=True),
            label=self.local_text(data, "label", path),
            color=self.text(data, "color", path) or DEFAULT_COLOR,
        )

    def section(self, value: Any, path: str) -> Section:
        data = self.mapping(value, path, SECTION_KEYS, "a section")
        items = tuple(
            self.item(v, join(join(path, "items"), i)) for i, v in enumerate(self.sequence(data, "items", path, True))
        )
        return Section(
            id=self.text(data, "id", path, required=True),
            title=self.local_text(data, "title", path, required=True),
            items=items,
            weight=self.number(data, "weight", path),
        )

    def item(self, value: Any, path: str) -> Item:
        data = self.mapping(value, path, ITEM_KEYS, "an item")
        answer_type = self.choice(data, "type", path, AnswerType, AnswerType.YES_NO, required=True)
        raw_compliant = data.get("compliant")
        if isinstance(raw_compliant, bool):  # YAML 1.1 reads a bare no/yes as a boolean; the meaning is plain
            compliant = "yes" if raw_compliant else "no"
        else:
            compliant = self.text(data, "compliant", path) or "yes"
        critical = None
        if data.get("critical") is not None:
            where = join(path, "critical")
            raw = self.mapping(data["critical"], where, CRITICAL_KEYS, "'critical'")
            critical = Critical(
                effect=self.choice(raw, "effect", where, CriticalEffect, CriticalEffect.ZERO_SECTION, required=True),
                cap=self.number(raw, "cap", where),
            )
        evidence = EvidenceRule()
        if data.get("evidence") is not None:
            where = join(path, "evidence")
            raw = self.mapping(data["evidence"], where, EVIDENCE_KEYS, "'evidence'")
            evidence = EvidenceRule(
                photo=self.choice(raw, "photo", where, EvidenceWhen, EvidenceWhen.NEVER),
                note=self.choice(raw, "note", where, EvidenceWhen, EvidenceWhen.NEVER),
            )
        scale = None
        if data.get("scale") is not None:
            where = join(path, "scale")
            raw = self.mapping(data["scale"], where, RANGE_KEYS, "'scale'")
            scale = ScaleRange(min=self.integer(raw, "min", where, 1), max=self.integer(raw, "max", where, 5))
        number_range = None
        if data.get("range") is not None:
            where = join(path, "range")
            raw = self.mapping(data["range"], where, RANGE_KEYS, "'range'")
            number_range = NumberRange(min=self.number(raw, "min", where), max=self.number(raw, "max", where))
        options = []
        for index, raw_option in enumerate(self.sequence(data, "options", path)):
            where = join(join(path, "options"), index)
            raw = self.mapping(raw_option, where, OPTION_KEYS, "an option")
            options.append(
                Option(
                    code=self.text(raw, "code", where, required=True),
                    label=self.local_text(raw, "label", where, required=True),
                    points=self.number(raw, "points", where, 0.0),
                )
            )
        bands = []
        for index, raw_band in enumerate(self.sequence(data, "bands", path)):
            where = join(join(path, "bands"), index)
            raw = self.mapping(raw_band, where, NUMBER_BAND_KEYS, "a number band")
            bands.append(
                NumberBand(
                    score=self.number(raw, "score", where, 0.0, required=True),
                    min=self.number(raw, "min", where),
                    max=self.number(raw, "max", where),
                    label=self.local_text(raw, "label", where),
                )
            )
        condition = self.text(data, "condition", path) or None
        return Item(
            id=self.text(data, "id", path, required=True),
            text=self.local_text(data, "text", path, required=True),
            type=answer_type,
            guidance=self.local_text(data, "guidance", path),
            weight=self.number(data, "weight", path, 1.0),
            compliant_answer=compliant,
            na_allowed=bool(self.boolean(data, "na_allowed", path, False)),
            required=bool(self.boolean(data, "required", path, True)),
            critical=critical,
            condition=condition,
            evidence=evidence,
            reference=self.text(data, "reference", path),
            bonus=bool(self.boolean(data, "bonus", path, False)),
            options=tuple(options),
            scale=scale,
            unit=self.local_text(data, "unit", path),
            range=number_range,
            bands=tuple(bands),
            scored=self.boolean(data, "scored", path, None),
        )

    # ---- program ----

    def program(self, data: Any) -> Program:
        root = self.mapping(data, "", PROGRAM_KEYS, "a program")
        checklists = []
        for index, raw_entry in enumerate(self.sequence(root, "checklists", "", True)):
            where = join("checklists", index)
            raw = self.mapping(raw_entry, where, PROGRAM_CHECKLIST_KEYS, "a program checklist")
            weight = self.number(raw, "weight", where, 1.0)
            if weight <= 0:
                self.error(
                    join(where, "weight"),
                    f"weight must be greater than 0, got {_num(weight)}",
                    code="weight",
                    zh=f"权重必须大于 0，当前为 {_num(weight)}",
                )
            checklists.append(
                ProgramChecklist(standard_id=self.text(raw, "standard", where, required=True), weight=weight)
            )
        waves = []
        for index, raw_entry in enumerate(self.sequence(root, "waves", "", True)):
            where = join("waves", index)
            raw = self.mapping(raw_entry, where, WAVE_KEYS, "a wave")
            start = self.text(raw, "start", where) or None
            end = self.text(raw, "end", where) or None
            for key, value in (("start", start), ("end", end)):
                if value is not None:
                    try:
                        date.fromisoformat(value)
                    except ValueError:
                        self.error(
                            join(where, key),
                            f"'{key}' must be a date like 2026-10-01, got {value!r}",
                            zh=f"“{key}”必须是 2026-10-01 这样的日期，当前为 {value!r}",
                        )
            if start and end and start > end:
                self.error(
                    join(where, "end"),
                    f"wave ends ({end}) before it starts ({start})",
                    zh=f"批次的结束日期（{end}）早于开始日期（{start}）",
                )
            waves.append(
                Wave(
                    code=self.text(raw, "code", where, required=True),
                    title=self.local_text(raw, "title", where),
                    start=start,
                    end=end,
                )
            )
        regions = []
        for index, raw_entry in enumerate(self.sequence(root, "regions", "")):
            where = join("regions", index)
            raw = self.mapping(raw_entry, where, REGION_KEYS, "a region")
            region_code = self.text(raw, "code", where, required=True)
            unsafe = code_problem(region_code, "region code", "区域代码")
            if unsafe:
                self.error(join(where, "code"), unsafe.en, code="unsafe_code", zh=unsafe.zh)
            regions.append(Region(code=region_code, name=self.local_text(raw, "name", where)))
        alerts = AlertRules()
        if root.get("alerts") is not None:
            raw = self.mapping(root["alerts"], "alerts", ALERT_KEYS, "'alerts'")
            alerts = AlertRules(
                drop_threshold=self.number(raw, "drop_threshold", "alerts", AlertRules.drop_threshold),
                alert_on_band_fall=bool(self.boolean(raw, "band_fall", "alerts", True)),
                alert_on_critical=bool(self.boolean(raw, "critical", "alerts", True)),
                drop_requires_significance=bool(self.boolean(raw, "drop_requires_significance", "alerts", False)),
            )
            if alerts.drop_threshold <= 0:
                self.error(
                    "alerts.drop_threshold",
                    "drop_threshold must be greater than 0 (points on the 100 scale)",
                    zh="drop_threshold 必须大于 0（按百分制计的分数）",
                )
        planning = self.planning(root)
        require_signatures = False
        if root.get("signatures") is not None:
            raw = self.mapping(root["signatures"], "signatures", SIGNATURE_KEYS, "'signatures'")
            require_signatures = bool(self.boolean(raw, "required", "signatures", False))
        registered_only = False
        if root.get("auditors") is not None:
            raw = self.mapping(root["auditors"], "auditors", AUDITOR_KEYS, "'auditors'")
            registered_only = bool(self.boolean(raw, "registered_only", "auditors", False))
        scale = self.integer(root, "scale", "", 100)
        if scale not in (100, 1000):
            self.error(
                "scale",
                f"scale must be 100 or 1000, got {scale}",
                code="enum",
                zh=f"scale 只能是 100 或 1000，当前为 {scale}",
            )
        bands = tuple(self.band(b, join("bands", i)) for i, b in enumerate(self.sequence(root, "bands", "")))
        program_kwargs: dict[str, Any] = {}
        if root.get("disputes") is not None:
            raw = self.mapping(root["disputes"], "disputes", DISPUTE_KEYS, "'disputes'")
            window = self.integer(raw, "window_days", "disputes", -1)
            if window < 0 or raw.get("window_days") is None:
                self.error(
                    "disputes.window_days",
                    "window_days must be a whole number of days, 0 or more",
                    zh="window_days 必须是不小于 0 的整数天数",
                )
            else:
                program_kwargs["dispute_window_days"] = window
        composite = self.local_text(root, "composite_name", "")
        if composite:
            program_kwargs["composite_name"] = composite
        from dealer_audit.core.kpi_codec import decode_incentives, decode_kpis  # KPI sections: their own module

        program_kwargs["kpis"] = decode_kpis(self, root, {c.standard_id for c in checklists})
        program_kwargs["incentives"] = decode_incentives(self, root)
        if root.get("insight") is not None:
            raw = self.mapping(root["insight"], "insight", INSIGHT_KEYS, "'insight'")
            outcome = self.text(raw, "outcome", "insight", required=True)
            known = ["composite", *(k.id for k in program_kwargs["kpis"])]
            if outcome and outcome not in known:
                self.error(
                    "insight.outcome",
                    f"unknown outcome '{outcome}': composite or a KPI id",
                    hint=did_you_mean(outcome, known) or f"outcomes: {', '.join(known)}",
                    zh=f"未知的结果指标“{outcome}”：应为 composite 或某个 KPI 的 ID",
                    hint_zh=did_you_mean_zh(outcome, known) or f"可选：{', '.join(known)}",
                )
            elif outcome:
                program_kwargs["insight_outcome"] = outcome
        program = Program(
            id=self.text(root, "id", "", required=True),
            title=self.local_text(root, "title", "", required=True),
            checklists=tuple(checklists),
            waves=tuple(waves),
            regions=tuple(regions),
            scale=scale,
            bands=bands,
            alerts=alerts,
            planning=planning,
            require_signatures=require_signatures,
            require_registered_auditors=registered_only,
            source=self.source,
            **program_kwargs,
        )
        self._check_program(program)
        return program

    def planning(self, root: dict[str, Any]) -> PlanRules:
        """The `planning:` section; every number checked for its range, with its location."""
        if root.get("planning") is None:
            return PlanRules()
        raw = self.mapping(root["planning"], "planning", PLANNING_KEYS, "'planning'")
        default = PlanRules()
        cap = raw.get("max_visits_per_auditor")
        rules = PlanRules(
            lockout_waves=self.integer(raw, "lockout_waves", "planning", default.lockout_waves),
            max_visits_per_auditor=None if cap is None else self.integer(raw, "max_visits_per_auditor", "planning", 0),
            max_visits_per_day=self.integer(raw, "max_visits_per_day", "planning", default.max_visits_per_day),
            double_audit_share=float(self.number(raw, "double_audit_share", "planning", default.double_audit_share)),
            out_of_region_cost=self.integer(raw, "out_of_region_cost", "planning", default.out_of_region_cost),
            overload_cost=self.integer(raw, "overload_cost", "planning", default.overload_cost),
            weekdays_only=bool(self.boolean(raw, "weekdays_only", "planning", True)),
        )
        for key, value, low in (
            ("lockout_waves", rules.lockout_waves, 0),
            ("max_visits_per_day", rules.max_visits_per_day, 1),
            ("out_of_region_cost", rules.out_of_region_cost, 0),
            ("overload_cost", rules.overload_cost, 0),
        ):
            if value < low:
                self.error(
                    join("planning", key),
                    f"{key} must be at least {low}, got {value}",
                    zh=f"{key} 不能小于 {low}，当前为 {value}",
                )
        if rules.max_visits_per_auditor is not None and rules.max_visits_per_auditor < 1:
            self.error(
                "planning.max_visits_per_auditor",
                "max_visits_per_auditor must be at least 1",
                zh="max_visits_per_auditor 不能小于 1",
            )
        if not 0.0 <= rules.double_audit_share <= 1.0:
            self.error(
                "planning.double_audit_share",
                "double_audit_share is a share from 0 to 1 (0.05 = 5 %)",
                zh="double_audit_share 是 0 到 1 之间的比例（0.05 即 5%）",
            )
        return rules

    def _check_program(self, program: Program) -> None:
        for what, codes in (
            ("checklists", [c.standard_id for c in program.checklists]),
            ("waves", [w.code for w in program.waves]),
            ("regions", [r.code for r in program.regions]),
            ("bands", [b.code for b in program.bands]),
        ):
            seen: dict[str, int] = {}
            key = "standard" if what == "checklists" else "code"
            for index, code in enumerate(codes):
                if code and code in seen:
                    self.error(
                        join(join(what, index), key),
                        f"duplicate {key} '{code}' in {what} (first at entry {seen[code] + 1})",
                        code="duplicate",
                        zh=f"{what} 中的 {key}“{code}”重复（首次出现在第 {seen[code] + 1} 项）",
                    )
                seen.setdefault(code, index)
        for index, band in enumerate(program.bands):
            if not 0 <= band.min <= 100:
                self.error(
                    join(join("bands", index), "min"),
                    f"band min must be within 0..100, got {_num(band.min)}",
                    zh=f"评级档的下限（min）必须在 0..100 之间，当前为 {_num(band.min)}",
                )


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: f"the text {value!r}", bool: f"{value!r}"}.get(
        type(value), f"{value!r}"
    )


def _kind_zh(value: Any) -> str:
    """`_kind` in Chinese, for "当前为…"."""
    if value is None:
        return "空值"
    return {dict: "映射", list: "列表", str: f"文本 {value!r}", bool: f" {value!r}"}.get(type(value), f" {value!r}")


# what a mapping is, as `mapping`'s callers name it, in Chinese; a quoted key ('critical') reads as “critical”
_WHAT_ZH = {
    "a standard": "标准",
    "a section": "模块",
    "an item": "检查项",
    "an option": "选项",
    "a band": "评级档",
    "a number band": "数值分档",
    "a program": "稽核方案",
    "a program checklist": "方案中的标准",
    "a wave": "批次",
    "a region": "区域",
    "a KPI": "KPI 指标",
    "a KPI band": "KPI 分档",
    "a cross-check": "交叉核对",
    "a payout": "奖金规则",
    "a tier": "奖励档",
}


def _what_zh(what: str) -> str:
    """A mapping's name in Chinese (the English name while one has no entry yet, never a blank)."""
    if len(what) > 2 and what[0] == what[-1] == "'":
        return f"“{what[1:-1]}”"
    return _WHAT_ZH.get(what, what)


def decode_standard(
    data: Any, source: str = "", locate: Locate | None = None, attributes: Collection[str] | None = None
) -> tuple[Checklist, list[Problem]]:
    """Decode and check a standard without raising: the (best-effort) checklist and every problem, warnings too.

    The checklist is only trustworthy when no problem is an error; `validate` uses this to list everything.
    """
    from dealer_audit.core.rules import check_standard

    decoder = Decoder(source, locate)
    checklist = decoder.checklist(data)
    problems = list(decoder.problems.problems)
    if "" not in decoder.broken:  # with no document at all, structural rules would only say "no sections"
        problems.extend(check_standard(checklist, decoder.locate, attributes=attributes))
    return checklist, problems


def standard_from_dict(data: Any, source: str = "", locate: Locate | None = None) -> Checklist:
    """A valid Checklist or ValidationFailed with all errors (warnings do not fail)."""
    checklist, problems = decode_standard(data, source, locate)
    raise_if_errors(problems, source or "standard")
    return checklist


def decode_program(data: Any, source: str = "", locate: Locate | None = None) -> tuple[Program, list[Problem]]:
    decoder = Decoder(source, locate)
    program = decoder.program(data)
    return program, list(decoder.problems.problems)


def program_from_dict(data: Any, source: str = "", locate: Locate | None = None) -> Program:
    program, problems = decode_program(data, source, locate)
    raise_if_errors(problems, source or "program")
    return program


def raise_if_errors(problems: list[Problem], what: str) -> None:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise ValidationFailed(
            errors, f"{what}: {len(errors)} error(s)", summary_zh=f"{what}：发现 {len(errors)} 处错误"
        )

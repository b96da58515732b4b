"""The audit's canonical form: the plain dict (JSON) of an audit and back, with its structural validation.

One home for the shape every audit takes outside memory — audit files (formats/audit_json.py), bundle members
(formats/bundle.py), the digests storage keeps (storage) and the sample network — so a field or a rule is
added once. Pure: no files; the readers decode the text and pass the dict in.

Example::

    {"format": "dealer-audit/audit", "format_version": 1,
     "audit_id": "0b7c…", "dealer": "SH001", "standard": {"id": "svc-mystery-shop", "version": "2026.1"},
     "wave": "2026-Q4", "auditor": "王芳", "status": "finalised", "revision": 1,
     "visit": {"start": "2026-10-12T09:30:00+08:00", "end": "2026-10-12T11:05:00+08:00"},
     "kind": "double",
     "answers": {"R01": {"value": "yes"}, "R02": {"na": true},
                 "R04": {"value": 7, "note": "等了7分钟", "answered_at": "2026-10-12T09:41:00+08:00"},
                 "W05": {"value": "board.jpg", "evidence": [{"file": "board.jpg", "sha256": "…", "size": 1234,
                                                             "media_type": "image/jpeg"}]}}}

`kind` (optional; absent = "visit") marks a double audit ("double"), a calibration session ("calibration",
which then needs a `scenario` id and never counts in dealer scores) — see docs/calibration.md — or the dealer's
self-assessment ("self": `auditor` then names the dealer staff member who filled it, and may be empty; it never
counts in any score — see docs/actions-and-disputes.md).
Answer values use the core representation (see core/answers.py); a multiple-choice value is a JSON list.
Structural problems are reported with a JSON path (`answers.R04.value`); whether values fit the standard is
checked later against the standard itself (core/validation), where the standard is known.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from dealer_audit.core.answers import Answer, Audit, AuditKind, AuditStatus, EvidenceRef
from dealer_audit.core.lookup import did_you_mean, did_you_mean_zh
from dealer_audit.errors import Location, Message, Problem, ProblemCollector, ValidationFailed

StorableCheck = Callable[[Audit, Callable[[str], Location]], list[Problem]]  # (audit, locate JSON path) -> problems

FORMAT = "dealer-audit/audit"
FORMAT_VERSION = 1
_SHA256 = re.compile(r"(?:[0-9a-f]{64})?")  # empty: bytes not known (e.g. a name typed into a fill-in workbook)
_TOP_LEVEL_KEYS = frozenset(
    {"format", "format_version", "audit_id", "dealer", "standard", "wave", "auditor", "status", "revision", "visit",
     "answers", "kind", "scenario"}
)  # fmt: skip


def _time_text(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def audit_to_dict(audit: Audit) -> dict[str, Any]:
    """The canonical form of an audit: what audit files, bundles and stored digests hold (schema:
    docs/audit-file.schema.json)."""
    answers: dict[str, Any] = {}
    for item_id, answer in audit.answers.items():
        entry: dict[str, Any] = {}
        if answer.na:
            entry["na"] = True
        elif answer.value is not None:
            entry["value"] = list(answer.value) if isinstance(answer.value, tuple) else answer.value
        if answer.note:
            entry["note"] = answer.note
        if answer.evidence:
            entry["evidence"] = [
                {
                    k: v
                    for k, v in (
                        ("file", e.file_name),
                        ("sha256", e.sha256),
                        ("size", e.size),
                        ("media_type", e.media_type),
                    )
                    if v not in (None, "")
                }
                for e in answer.evidence
            ]
        if answer.answered_at:
            entry["answered_at"] = answer.answered_at.isoformat()
        answers[item_id] = entry
    data: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "audit_id": audit.audit_id,
        "dealer": audit.dealer_code,
        "standard": {"id": audit.standard_id, "version": audit.standard_version},
        "wave": audit.wave,
        "auditor": audit.auditor,
        "status": audit.status.value,
        "revision": audit.revision,
        "visit": {"start": _time_text(audit.visit_start), "end": _time_text(audit.visit_end)},
        "answers": answers,
    }
    if audit.standard_hash:
        data["standard"]["hash"] = audit.standard_hash
    if audit.kind is not AuditKind.VISIT:  # absent = ordinary visit: old files and digests stay as they were
        data["kind"] = audit.kind.value
    if audit.scenario:
        data["scenario"] = audit.scenario
    return data


def audit_from_dict(data: Any, source: str = "", storable: StorableCheck | None = None) -> Audit:
    """Build an Audit, reporting every structural problem at once (JSON paths as locations).

    `storable` adds the problems of values the database cannot hold (formats/audit_json passes the storage
    limits), so a reader reports them with the others, located by JSON path, before anything is stored."""
    problems = ProblemCollector()

    def where(path: str) -> Location:
        return Location(file=source, path=path)

    def text(obj: Any, key: str, path: str, required: bool = True) -> str:
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None or value == "":
            if required:
                problems.error(where(path), f"'{key}' is required", zh=f"“{key}”必填")
            return ""
        if not isinstance(value, str):
            kind = type(value).__name__
            problems.error(where(path), f"'{key}' must be text, got {kind}", zh=f"“{key}”必须是文本，实际为 {kind}")
            return str(value)
        return value

    def moment(value: Any, path: str) -> datetime | None:
        if value in (None, ""):
            return None
        try:
            return datetime.fromisoformat(str(value))
        except ValueError:
            problems.error(
                where(path),
                f"{value!r} is not an ISO date-time (e.g. 2026-10-12T09:30:00+08:00)",
                zh=f"{value!r} 不是 ISO 格式的日期时间（例如 2026-10-12T09:30:00+08:00）",
            )
            return None

    if not isinstance(data, dict):
        raise ValidationFailed(
            [Problem(where("$"), "an audit file must hold a JSON object", zh="稽核文件的内容必须是一个 JSON 对象")]
        )
    unknown_keys = sorted(set(data) - _TOP_LEVEL_KEYS)
    for key in unknown_keys:
        problems.error(
            where(str(key)),
            f"unknown field {key!r}",
            zh=f"未知字段 {key!r}",
            hint=did_you_mean(str(key), _TOP_LEVEL_KEYS),
            hint_zh=did_you_mean_zh(str(key), _TOP_LEVEL_KEYS),
        )
    if data.get("format") != FORMAT:
        found = data.get("format")
        problems.error(
            where("format"),
            f"'format' must be {FORMAT!r}, got {found!r}",
            zh=f"“format”应为 {FORMAT!r}，实际为 {found!r}",
        )
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        newer = isinstance(version, int) and version > FORMAT_VERSION
        problems.error(
            where("format_version"),
            f"format_version {version!r} is not supported (this tool reads {FORMAT_VERSION})",
            zh=f"不支持 format_version {version!r}（本工具读取版本 {FORMAT_VERSION}）",
            hint="upgrade dealer-audit" if newer else "",
            hint_zh="请升级 dealer-audit" if newer else "",
        )
    raw_standard = data.get("standard")
    standard: dict[str, Any] = raw_standard if isinstance(raw_standard, dict) else {}
    if not standard:
        problems.error(
            where("standard"),
            "'standard' must be an object with 'id' and 'version'",
            zh="“standard”必须是包含 id 和 version 的对象",
        )
    status_text = data.get("status", "draft")
    try:
        status = AuditStatus(status_text)
    except ValueError:
        problems.error(
            where("status"),
            f"status {status_text!r} is not one of draft, finalised",
            zh=f"状态 {status_text!r} 无效，只能是 draft（草稿）或 finalised（已定稿）",
        )
        status = AuditStatus.DRAFT
    kind_text = data.get("kind", AuditKind.VISIT.value)
    try:
        kind = AuditKind(kind_text)
    except ValueError:
        problems.error(
            where("kind"),
            f"kind {kind_text!r} is not one of {', '.join(k.value for k in AuditKind)}",
            zh=f"类型 {kind_text!r} 无效，只能是 {', '.join(k.value for k in AuditKind)} 之一",
            hint=did_you_mean(str(kind_text), [k.value for k in AuditKind]),
            hint_zh=did_you_mean_zh(str(kind_text), [k.value for k in AuditKind]),
        )
        kind = AuditKind.VISIT
    scenario = data.get("scenario", "")
    if not isinstance(scenario, str):
        got = type(scenario).__name__
        problems.error(
            where("scenario"), f"'scenario' must be text, got {got}", zh=f"“scenario”必须是文本，实际为 {got}"
        )
        scenario = str(scenario)
    if kind is AuditKind.CALIBRATION and not scenario.strip():
        problems.error(
            where("scenario"),
            "a calibration audit needs a 'scenario' id naming the recorded scenario every auditor scored",
            zh="校准稽核需要填写“scenario”编号，指明所有稽核员共同评分的录制场景",
            hint='e.g. "scenario": "CAL-2026-Q4-A"',
            hint_zh='例如 "scenario": "CAL-2026-Q4-A"',
        )
    elif kind is not AuditKind.CALIBRATION and scenario:
        problems.error(
            where("scenario"),
            f"'scenario' is only for kind 'calibration', not {kind.value!r}",
            zh=f"“scenario”只用于 calibration（校准）类型的稽核，不适用于 {kind.value!r}",
        )
    revision = data.get("revision", 1)
    if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
        problems.error(where("revision"), "revision must be a whole number >= 1", zh="revision 必须是不小于 1 的整数")
        revision = 1
    raw_visit = data.get("visit")
    visit: dict[str, Any] = raw_visit if isinstance(raw_visit, dict) else {}
    answers: dict[str, Answer] = {}
    raw_answers = data.get("answers", {})
    if not isinstance(raw_answers, dict):
        problems.error(
            where("answers"), "'answers' must be an object keyed by item id", zh="“answers”必须是以检查项编号为键的对象"
        )
        raw_answers = {}
    for item_id, raw in raw_answers.items():
        path = f"answers.{item_id}"
        if not isinstance(raw, dict):
            problems.error(
                where(path),
                'an answer must be an object such as {"value": "yes"}',
                zh='每个回答必须是一个对象，例如 {"value": "yes"}',
            )
            continue
        unknown = set(raw) - {"value", "na", "note", "evidence", "answered_at"}
        if unknown:
            names = ", ".join(sorted(unknown))
            problems.error(where(path), f"unknown answer field(s): {names}", zh=f"回答中有未知字段：{names}")
        value = raw.get("value")
        if isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                problems.error(
                    where(f"{path}.value"),
                    "a multiple-choice answer is a list of option codes",
                    zh="多选题的回答应为选项代码列表",
                )
            value = tuple(str(v) for v in value)
        elif isinstance(value, bool) or (value is not None and not isinstance(value, str | int | float)):
            problems.error(
                where(f"{path}.value"), f"unsupported answer value {value!r}", zh=f"不支持的回答值 {value!r}"
            )
            value = None
        na = raw.get("na", False)
        if not isinstance(na, bool):
            problems.error(where(f"{path}.na"), "'na' must be true or false", zh="“na”只能是 true 或 false")
            na = False
        if na and value is not None:
            problems.error(
                where(path),
                "an answer cannot have both a value and na: true",
                zh="一个回答不能既有值又标记为不适用（na: true）",
            )
        evidence: list[EvidenceRef] = []
        for index, ref in enumerate(raw.get("evidence", []) or []):
            ref_path = f"{path}.evidence[{index}]"
            if not isinstance(ref, dict) or not isinstance(ref.get("file"), str):
                problems.error(
                    where(ref_path), 'evidence needs at least {"file": name}', zh='证据至少需要 {"file": 文件名}'
                )
                continue
            reason = evidence_name_message(ref["file"])
            if reason:
                problems.error(
                    where(f"{ref_path}.file"),
                    f"evidence {ref['file']!r} refused: {reason.en}",
                    zh=f"证据文件 {ref['file']!r} 被拒绝：{reason.zh}",
                )
                continue
            sha256 = ref.get("sha256") or ""
            if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
                problems.error(
                    where(f"{ref_path}.sha256"),
                    "sha256 must be 64 lower-case hexadecimal digits",
                    zh="sha256 必须是 64 位小写十六进制数字",
                )
                continue
            size = ref.get("size")
            if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
                problems.error(
                    where(f"{ref_path}.size"),
                    "size must be a whole number of bytes >= 0",
                    zh="size 必须是不小于 0 的整数（字节数）",
                )
                continue
            evidence.append(EvidenceRef(ref["file"], sha256, size, str(ref.get("media_type", ""))))
        note = raw.get("note", "")
        answers[str(item_id)] = Answer(
            item_id=str(item_id),
            value=value,
            na=na,
            note=note if isinstance(note, str) else str(note),
            evidence=tuple(evidence),
            answered_at=moment(raw.get("answered_at"), f"{path}.answered_at"),
        )
    audit_id = text(data, "audit_id", "audit_id")
    if audit_id:
        try:
            uuid.UUID(audit_id)
        except ValueError:
            problems.error(
                where("audit_id"),
                f"audit_id {audit_id!r} is not a UUID",
                zh=f"audit_id {audit_id!r} 不是 UUID",
                hint="audit ids are UUIDs such as 0b7c6a52-1d2e-4f00-9a1b-3c4d5e6f7a8b, so no two devices clash",
                hint_zh="稽核编号使用 UUID（例如 0b7c6a52-1d2e-4f00-9a1b-3c4d5e6f7a8b），不同设备之间不会重复",
            )
    audit = Audit(
        audit_id=audit_id,
        dealer_code=text(data, "dealer", "dealer"),
        standard_id=text(standard, "id", "standard.id"),
        standard_version=text(standard, "version", "standard.version"),
        standard_hash=text(standard, "hash", "standard.hash", required=False),
        wave=text(data, "wave", "wave"),
        auditor=text(data, "auditor", "auditor", required=False),
        visit_start=moment(visit.get("start"), "visit.start"),
        visit_end=moment(visit.get("end"), "visit.end"),
        status=status,
        revision=revision,
        answers=answers,
        source=source,
        kind=kind,
        scenario=scenario.strip(),
    )
    if storable is not None:
        problems.extend(storable(audit, where))  # what the database cannot hold, by JSON path
    problems.raise_if_errors(
        f"{source or 'audit'}: not a valid audit file", summary_zh=f"{source or '稽核'}：不是有效的稽核文件"
    )
    return audit


def evidence_name_problem(name: str) -> str:
    """Why an evidence file name cited by an audit is refused ('' when it is a plain name inside its folder),
    in English; `evidence_name_message` gives both languages."""
    reason = evidence_name_message(name)
    return reason.en if reason else ""


def evidence_name_message(name: str) -> Message | None:
    """Why an evidence file name cited by an audit is refused, in both languages (None when it is a plain name
    inside its folder).

    Every reader (audit JSON, bundles, fill-in workbooks, field-app exports) applies this one rule, so an audit
    from a careless or hostile source can never make the importer read — or `export` ship — a file of the HQ
    machine: no absolute path (``/etc/passwd``, ``C:\\…``, ``\\\\server\\share``), no ``..`` step, no backslash,
    no control character.
    """
    if not name.strip():
        return Message("empty evidence file name", "证据文件名为空")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return Message("control character in the evidence file name", "证据文件名中含有控制字符")
    if "\\" in name:
        return Message(
            "backslash in the evidence file name (use a plain name such as board.jpg)",
            "证据文件名中含有反斜杠（请使用 board.jpg 这样的简单文件名）",
        )
    if name.startswith(("/", "~")) or (len(name) > 1 and name[1] == ":"):
        return Message(
            "absolute path: evidence must lie inside the audit's own folder",
            "不能使用绝对路径：证据文件必须位于该稽核自己的文件夹内",
        )
    if any(part == ".." for part in name.split("/")):
        return Message(
            "'..' leaves the audit's folder: evidence must lie inside it", "“..”会离开稽核文件夹：证据文件必须位于其中"
        )
    return None

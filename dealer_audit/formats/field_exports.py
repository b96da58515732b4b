"""Submissions collected with a form from `dealer-audit checklist xlsform`, back in as audits.

Accepted (facts of each tool's layout: ../docs/field-apps.md and the tools' own sources):

* ODK Central CSV (`SubmissionDate`, hyphen-joined group paths `reception-R01`, `meta-instanceID`, `KEY`,
  `FormVersion`…), also exported with group names removed, and Central's submissions zip (the CSV + `media/`);
* ODK Briefcase CSV (the same columns without Submitter…FormVersion, dates like `Apr 26, 2018 8:56:00 AM`);
* KoboToolbox CSV (`;`-separated, every cell quoted) and XLSX, with XML names (`reception/R01`) or labels as
  headers and choice names or labels as values, `_uuid`, `_submission_time`, `__version__`.

Each row is mapped onto the standard version its `standard` column (`<id>@<version>`, a constant of the form)
names, or failing that Central's `FormVersion`. The audit id is the submission's instance id without `uuid:`
(Central's `KEY`, Kobo's `meta/rootUuid` or `_uuid`), so importing the same export twice yields the same audits
and the storage layer, which dedupes by audit id, changes nothing. Every problem (missing column, unknown choice,
bad number, unknown version) is collected with `file:line` or `file!Sheet!B7` and the column name, and raised at once.

Rows a reviewer rejected (Central `ReviewState` = rejected, Kobo "Not approved") are skipped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import mimetypes
import re
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from dealer_audit.core.answers import Answer, Audit, AuditStatus, EvidenceRef
from dealer_audit.core.audit_form import evidence_name_message
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import AnswerType, Checklist, Item, LocalText
from dealer_audit.core.validation import is_complete
from dealer_audit.core.xpath_conditions import ItemEncoding, NAStyle, encode_standard, number_text, xml_name
from dealer_audit.errors import Location, Message, NotFound, Problem, ProblemCollector, ValidationFailed
from dealer_audit.formats.files import open_workbook, sheet_rows
from dealer_audit.formats.xlsform import (
    META_AUDITOR,
    META_DEALER,
    META_END,
    META_LABELS,
    META_STANDARD,
    META_START,
    META_WAVE,
    NA_LABEL,
    NO_LABEL,
    NOT_APPLICABLE_LABEL,
    NOTE_SUFFIX,
    PHOTO_SUFFIX,
    YES_LABEL,
    dealer_label,
    item_label,
)
from dealer_audit.storage.limits import audit_issues

ODK_CENTRAL = "odk-central"
ODK_BRIEFCASE = "odk-briefcase"
KOBO = "kobotoolbox"

_CENTRAL_META = ("SubmitterID", "SubmitterName", "AttachmentsPresent", "ReviewState", "FormVersion")
_REJECTED = {"rejected", "validation_status_not_approved", "not approved"}
_BRIEFCASE_TIME = ("%b %d, %Y %I:%M:%S %p", "%b %d, %Y", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z")


@dataclass
class _Row:
    cells: list[str]
    locate: Callable[[int | None], Location]  # column index (0-based) -> location of that cell, None -> the row


MAX_MEDIA_BYTES = 50 * 1024 * 1024  # one attachment: the evidence limit of capture and bundles
MAX_TABLE_BYTES = 64 * 1024 * 1024  # the submissions CSV (or a CSV export): ~100,000 submissions of 500 items
_BLOCK = 1 << 20


@dataclass(frozen=True)
class _Media:
    """An attachment of a Central zip, hashed while streamed (its bytes are read again, capped, when stored)."""

    member: str
    sha256: str
    size: int


class _ZipRefused(Exception):
    """A zip member that cannot be read within the limits (too large, corrupt, unsupported compression); `why`
    in both languages, for the reader's message naming the member."""

    def __init__(self, why: Message) -> None:
        super().__init__(why.en)
        self.why = why


def _member_blocks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """A member's bytes in 1 MB blocks, never more than `limit` in total whatever its header claims."""
    if info.file_size > limit:
        raise _ZipRefused(
            Message(f"{info.file_size:,} bytes; the limit is {limit:,}", f"{info.file_size:,} 字节，上限为 {limit:,}")
        )
    total = 0
    try:
        with archive.open(info) as handle:
            while block := handle.read(_BLOCK):
                total += len(block)
                if total > limit:
                    raise _ZipRefused(Message(f"unpacks to more than {limit:,} bytes", f"解压后超过 {limit:,} 字节"))
                yield block
    except NotImplementedError as error:  # e.g. compression method 99 (AES) or an unknown number
        raise _ZipRefused(Message(f"cannot be unpacked: {error}", f"无法解压：{error}")) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, OSError) as error:
        raise _ZipRefused(Message(f"corrupt member: {error}", f"压缩包成员已损坏：{error}")) from None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    return b"".join(_member_blocks(archive, info, limit))


@dataclass
class _Table:
    """One export read into strings, whatever the container (CSV, XLSX, zip)."""

    source: Path
    header: list[str]
    rows: list[_Row]
    header_location: Location
    media: dict[str, _Media] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        names = set(self.header)
        if "_uuid" in names or "_submission_time" in names:
            return KOBO
        if any(name in names for name in _CENTRAL_META):
            return ODK_CENTRAL
        return ODK_BRIEFCASE


# ---- reading the containers ---------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).strip()


def _read_csv_text(text: str, source: Path, label: str) -> _Table:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    rows: list[_Row] = []
    previous_end = 0
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if not header:
            header = [h.strip() for h in record]
            continue
        if not any(cell.strip() for cell in record):
            continue
        cells = [c.strip() for c in record]

        def locate(column: int | None, line: int = start) -> Location:
            return Location(file=label, line=line)

        rows.append(_Row(cells, locate))
    return _Table(source, header, rows, Location(file=label, line=1))


def _read_csv(path: Path) -> _Table:
    with path.open("rb") as handle:
        data = handle.read(MAX_TABLE_BYTES + 1)
    if len(data) > MAX_TABLE_BYTES:
        raise ValidationFailed(
            _problem(
                Location(file=str(path)),
                f"larger than {MAX_TABLE_BYTES:,} bytes; refused",
                zh=f"文件超过 {MAX_TABLE_BYTES:,} 字节，已拒绝",
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")  # the tools write UTF-8; a copy re-saved by Chinese Excel is GB18030
    return _read_csv_text(text, path, str(path))


def _read_xlsx(path: Path) -> _Table:
    from openpyxl.utils import get_column_letter

    workbook = open_workbook(path)
    try:
        sheet = workbook.worksheets[0]
        title = sheet.title
        values = list(sheet_rows(sheet, str(path)))
    finally:
        workbook.close()
    if not values:
        return _Table(path, [], [], Location(file=str(path), sheet=title))
    header = [_cell_text(v) for v in values[0]]
    rows: list[_Row] = []
    for index, raw in enumerate(values[1:], start=2):
        cells = [_cell_text(v) for v in raw]
        if index == 2 and cells and all(c.startswith("#") for c in cells if c) and any(cells):
            continue  # HXL hashtag row
        if not any(cells):
            continue

        def locate(column: int | None, row: int = index) -> Location:
            cell = f"{get_column_letter(column + 1)}{row}" if column is not None else f"A{row}"
            return Location(file=str(path), sheet=title, cell=cell)

        rows.append(_Row(cells, locate))
    return _Table(path, header, rows, Location(file=str(path), sheet=title, cell="A1"))


def _is_odk_header(header: Iterable[str]) -> bool:
    names = set(header)
    return "KEY" in names and "SubmissionDate" in names and "PARENT_KEY" not in names


def _read_zip(path: Path, with_media: bool = True) -> _Table:
    """The submissions CSV of a Central zip and its attachments' hashes; every member streamed under a cap, so
    a 512 MB member costs at most one block of memory before it is refused with its name."""
    with zipfile.ZipFile(path) as archive:
        media: dict[str, _Media] = {}
        main: _Table | None = None
        for info in archive.infolist():
            if info.is_dir():
                continue
            parts = info.filename.split("/")
            where = Location(file=str(path), path=info.filename)
            try:
                if "media" in parts[:-1]:
                    if with_media:
                        digest, size = hashlib.sha256(), 0
                        for block in _member_blocks(archive, info, MAX_MEDIA_BYTES):
                            digest.update(block)
                            size += len(block)
                        media[parts[-1]] = _Media(info.filename, digest.hexdigest(), size)
                elif info.filename.lower().endswith(".csv") and main is None:
                    text = _read_member(archive, info, MAX_TABLE_BYTES).decode("utf-8-sig")
                    table = _read_csv_text(text, path, f"{path}!{info.filename}")
                    if _is_odk_header(table.header):
                        main = table
            except _ZipRefused as error:
                raise ValidationFailed(_problem(where, f"refused: {error}", zh=f"已拒绝：{error.why.zh}")) from None
    if main is None:
        raise ValidationFailed(
            _problem(
                Location(file=str(path)),
                "no ODK Central submissions CSV (with KEY and SubmissionDate) in the zip",
                zh="压缩包中没有 ODK Central 的提交记录 CSV（含 KEY 和 SubmissionDate 列）",
            )
        )
    main.media = media
    return main


def _problem(location: Location, message: str, *, zh: str) -> list[Problem]:
    collector = ProblemCollector()
    collector.error(location, message, code="field_export", zh=zh)
    return collector.problems


def _read_table(path: Path) -> _Table:
    suffix = path.suffix.lower()
    try:
        if suffix == ".zip":
            return _read_zip(path)
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path)
        return _read_csv(path)
    except (zipfile.BadZipFile, UnicodeDecodeError, csv.Error, KeyError, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise NotFound(f"{path}: no such file", zh=f"{path}：文件不存在") from None
        raise ValidationFailed(
            _problem(Location(file=str(path)), f"cannot read the export: {error}", zh=f"无法读取导出文件：{error}")
        ) from None


def _header_of(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = info.filename
                if name.lower().endswith(".csv") and "media/" not in name:
                    with archive.open(info) as handle:  # the header only: never the whole member
                        head = handle.read(65536)
                    first = head.decode("utf-8-sig", errors="replace").split("\n", 1)[0]
                    header = next(csv.reader([first]), [])
                    if _is_odk_header(header):
                        return header
        return []
    if suffix in (".xlsx", ".xlsm"):
        workbook = open_workbook(path, data_only=False)
        try:
            first_row = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        finally:
            workbook.close()
        return [_cell_text(v) for v in first_row]
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        first = handle.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]


def sniff_field_export(path: Path) -> bool:
    """True when the file is a submission export of ODK Central/Briefcase or KoboToolbox (by its header)."""
    path = Path(path)
    if not path.is_file() or path.suffix.lower() not in (".csv", ".zip", ".xlsx", ".xlsm"):
        return False
    try:
        header = _header_of(path)
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError, ValidationFailed):
        return False
    except (NotImplementedError, RuntimeError):  # unsupported compression or encryption: let the reader say so
        return path.suffix.lower() == ".zip"
    names = set(header)
    return _is_odk_header(header) or ("_uuid" in names and ("_submission_time" in names or "_id" in names))


# ---- mapping a standard onto the columns ----------------------------------------------------------------------------


@dataclass
class _Field:
    """Where one form field is in this export: its column, and for multiple choice the split columns."""

    column: int | None
    split: dict[str, int] = field(default_factory=dict)  # choice name -> column
    header: str = ""


@dataclass
class _Mapping:
    standard: Checklist
    encodings: dict[str, ItemEncoding]
    fields: dict[str, _Field]  # form field name -> where
    missing: list[tuple[str, list[str]]]  # (item id, candidate headers)
    spellings: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # item id -> choice -> spellings
    lookups: dict[str, dict[str, str]] = field(default_factory=dict)  # item id -> spelling -> choice name

    plan: list[tuple[Item, ItemEncoding, _Field, int | None, int | None, _Field | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Precompute per item where its cells are: the reader visits every item of every row."""
        for item in self.standard.items():
            enc = self.encodings[item.id]
            companion = self.fields[enc.companion] if enc.na_style is NAStyle.COMPANION else None
            note = self.fields[f"{enc.name}{NOTE_SUFFIX}"].column
            photo = self.fields[f"{enc.name}{PHOTO_SUFFIX}"].column
            self.plan.append((item, enc, self.fields[enc.name], note, photo, companion))
        for item_id, encoding in self.encodings.items():
            spellings = _choice_labels(encoding)
            self.spellings[item_id] = spellings
            self.lookups[item_id] = {s: name for name, forms in spellings.items() for s in forms}


def _candidates(
    name: str, group: str | None, labels: Iterable[str] = (), group_labels: Iterable[str] = ()
) -> list[str]:
    found = [name]
    if group:
        found += [f"{group}-{name}", f"{group}/{name}"]
    for label in labels:
        if label:
            found.append(label)
            found += [f"{g}/{label}" for g in group_labels if g]
    return list(dict.fromkeys(found))


def _suffix_labels(item: Item, suffix: LocalText) -> list[str]:
    return [f"{item_label(item, lang)} — {suffix.get(lang)}" for lang in ("en", "zh")]


class _Columns:
    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.index: dict[str, int] = {}
        for position, name in enumerate(header):
            self.index.setdefault(name, position)

    def find(self, candidates: Iterable[str]) -> _Field | None:
        for candidate in candidates:
            if candidate in self.index:
                return _Field(self.index[candidate], header=candidate)
        return None

    def split(self, bases: Iterable[str], choices: Mapping[str, Iterable[str]]) -> dict[str, int]:
        """Split select_multiple columns `<base>/<choice name or label>` -> choice name -> column."""
        found: dict[str, int] = {}
        for base in bases:
            for name, spellings in choices.items():
                for spelling in spellings:
                    position = self.index.get(f"{base}/{spelling}")
                    if position is not None and name not in found:
                        found[name] = position
        return found


def _choice_labels(encoding: ItemEncoding) -> dict[str, list[str]]:
    """choice name -> the spellings an export may use for it (name, English and Chinese label)."""
    item = encoding.item
    spellings: dict[str, list[str]] = {}
    for code in encoding.choice_names:
        forms = [code]
        if item.type is AnswerType.YES_NO:
            label = YES_LABEL if code == "yes" else NO_LABEL
            forms += [label.en, label.zh]
        option = item.option(code)
        if option is not None and option.label:
            forms += [option.label.en, option.label.zh]
        spellings[code] = [f for f in dict.fromkeys(forms) if f]
    if encoding.na_style is NAStyle.CHOICE:
        spellings[encoding.na_choice] = [encoding.na_choice, NA_LABEL.en, NA_LABEL.zh]
    return spellings


def _map_standard(standard: Checklist, columns: _Columns) -> _Mapping:
    encodings = encode_standard(standard)
    fields: dict[str, _Field] = {}
    missing: list[tuple[str, list[str]]] = []
    for section in standard.sections:
        group = xml_name(section.id)
        group_labels = [section.title.en, section.title.zh]
        for item in section.items:
            enc = encodings[item.id]
            labels = [item_label(item, "en"), item_label(item, "zh")]
            names = _candidates(enc.name, group, labels, group_labels)
            found = columns.find(names)
            split: dict[str, int] = {}
            if enc.is_multi:
                split = columns.split(names, _choice_labels(enc))
            if found is None and not split:
                missing.append((item.id, names[:3]))
            fields[enc.name] = found or _Field(None)
            fields[enc.name].split = split
            extras = [(f"{enc.name}{PHOTO_SUFFIX}", _suffix_labels(item, LocalText("照片证据", "photo evidence")))]
            extras.append((f"{enc.name}{NOTE_SUFFIX}", _suffix_labels(item, LocalText("备注", "note"))))
            if enc.na_style is NAStyle.COMPANION:
                extras.append((enc.companion, _suffix_labels(item, NA_LABEL)))
            for name, extra_labels in extras:
                extra_names = _candidates(name, group, extra_labels, group_labels)
                located = columns.find(extra_names) or _Field(None)
                if name == enc.companion:
                    located.split = columns.split(
                        extra_names, {"na": ["na", NOT_APPLICABLE_LABEL.en, NOT_APPLICABLE_LABEL.zh]}
                    )
                fields[name] = located
    return _Mapping(standard, encodings, fields, missing)


# ---- values -------------------------------------------------------------------------------------------------------


def _audit_id(raw: str) -> str:
    text = raw.strip()
    if text.lower().startswith("uuid:"):
        text = text[5:]
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"dealer-audit:field-export:{text}"))


_ZH_BRIEFCASE = re.compile(  # Briefcase on a zh_CN machine: Java's MEDIUM format with Chinese month and 上午/下午
    r"(?:(?P<month>\d{1,2})月 (?P<day>\d{1,2}), (?P<year>\d{4}))?\s*"
    r"(?:(?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2}) (?P<half>上午|下午))?"
)


def _parse_zh_briefcase(text: str) -> datetime | None:
    match = _ZH_BRIEFCASE.fullmatch(text)
    if match is None or match.group("year") is None:
        return None  # a time without a date cannot be a visit's start or end
    hour = int(match.group("hour") or 0) % 12 + (12 if match.group("half") == "下午" else 0)
    try:
        return datetime(
            int(match.group("year")),
            int(match.group("month")),
            int(match.group("day")),
            hour,
            int(match.group("minute") or 0),
            int(match.group("second") or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None


class _LocalTimeWithoutZone(ValueError):
    """A local date-time with no offset (Kobo XLSX) and no timezone given to read it in."""


def _parse_time(text: str, local_zone: tzinfo | None = None) -> datetime | None:
    """A visit start/end as the tools write it; None for an empty cell; ValueError for text that is not a time.

    * ODK Central and Kobo text exports: ISO 8601 with an offset (`2026-10-12T09:30:00.000+08:00`, `…Z`).
    * Kobo XLSX with "store date and number responses as text" off (the default): a real date-time cell holding
      the device's local wall-clock time with the offset dropped — read in `local_zone` (`import --timezone`);
      without one it is refused (_LocalTimeWithoutZone) rather than read as UTC, 8 hours off in China.
    * ODK Briefcase: `Oct 12, 2026 1:30:00 AM` in UTC, or on a zh_CN machine `10月 12, 2026 1:30:00 上午`.
    """
    text = text.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    else:
        if value.tzinfo is not None:
            return value
        if local_zone is None:
            raise _LocalTimeWithoutZone(text)
        return value.replace(tzinfo=local_zone)
    for pattern in _BRIEFCASE_TIME:
        try:
            value = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return value if value.tzinfo else value.replace(tzinfo=UTC)  # Briefcase writes UTC without an offset
    zh = _parse_zh_briefcase(text)
    if zh is None:
        raise ValueError(text)
    return zh


def _truthy_flag(text: str) -> bool:
    return text.strip().lower() in ("1", "1.0", "true", "yes")


def _media_name(cell: str) -> str:
    """The attachment's file name: Briefcase with "export media files" writes `media/NAME.jpg` (the file it put
    in the media folder beside the CSV); Central and Kobo write the bare name."""
    return cell.replace("\\", "/").rsplit("/", 1)[-1].strip()


def _media_ref(name: str, media: Mapping[str, _Media]) -> EvidenceRef:
    name = _media_name(name)
    found = media.get(name)
    media_type = mimetypes.guess_type(name)[0] or ""
    if found is None:
        return EvidenceRef(file_name=name, media_type=media_type)
    return EvidenceRef(name, found.sha256, found.size, media_type)


def _split_labels(text: str, spellings: Mapping[str, list[str]], lookup: Mapping[str, str]) -> list[str] | None:
    """A space-joined list of choice names or labels (labels may contain spaces) -> names, or None."""
    tokens = text.split()
    if all(t in lookup for t in tokens):
        return [lookup[t] for t in tokens]
    found: list[str] = []
    rest = text.strip()
    ordered = sorted(lookup, key=len, reverse=True)
    while rest:
        match = next((s for s in ordered if rest == s or rest.startswith(s + " ")), None)
        if match is None:
            return None
        found.append(lookup[match])
        rest = rest[len(match) :].strip()
    return found


# ---- the reader -------------------------------------------------------------------------------------------------


class _Reader:
    def __init__(
        self,
        table: _Table,
        standards: Iterable[Checklist],
        dealers: Iterable[Dealer] | None,
        local_zone: tzinfo | None = None,
    ) -> None:
        self.table = table
        self.local_zone = local_zone
        self.kind = table.kind
        self.columns = _Columns(table.header)
        self.standards = {s.key: s for s in standards}
        self.dealers = {d.code: d for d in dealers} if dealers is not None else None
        self.dealer_lookup: dict[str, str] = {}
        for dealer in (self.dealers or {}).values():
            for spelling in (dealer.code, dealer_label(dealer, "en"), dealer_label(dealer, "zh")):
                self.dealer_lookup.setdefault(spelling, dealer.code)
        self.problems = ProblemCollector()
        self.mappings: dict[tuple[str, str], _Mapping] = {}

    # -- columns --

    def meta(self, *names: str) -> int | None:
        for name in names:
            label = META_LABELS.get(name)
            spellings = (label.en, label.zh) if label else ()
            for candidate in (name, f"meta-{name}", f"meta/{name}", *spellings):
                if candidate in self.columns.index:
                    return self.columns.index[candidate]
        return None

    def cell(self, row: _Row, column: int | None) -> str:
        if column is None or column >= len(row.cells):
            return ""
        return row.cells[column]

    def error(self, row: _Row, column: int | None, message: str, *, zh: str) -> None:
        """A problem at the row's cell in `column`, whose header is named in both languages."""
        header = repr(self.table.header[column]) if column is not None else ""
        where, where_zh = (f"column {header}: ", f"列 {header}：") if column is not None else ("", "")
        self.problems.error(row.locate(column), f"{where}{message}", code="field_export", zh=f"{where_zh}{zh}")

    # -- standard --

    def standard_for(self, row: _Row) -> Checklist | None:
        column = self.meta(META_STANDARD)
        text = self.cell(row, column)
        if text:
            standard_id, _, version = text.partition("@")
            standard = self.standards.get((standard_id, version))
            if standard is None:
                stored = sorted(v for (i, v) in self.standards if i == standard_id)
                known = (
                    f"stored versions of {standard_id}: {', '.join(stored)}"
                    if stored
                    else "stored standards: " + (", ".join(f"{i}@{v}" for i, v in sorted(self.standards)) or "none")
                )
                known_zh = (
                    f"{standard_id} 已保存的版本：{', '.join(stored)}"
                    if stored
                    else "已保存的稽核标准：" + (", ".join(f"{i}@{v}" for i, v in sorted(self.standards)) or "无")
                )
                self.error(
                    row,
                    column,
                    f"the form was made from standard {text!r}, which is not stored ({known})",
                    zh=f"该表单基于稽核标准 {text!r} 生成，但此标准尚未保存（{known_zh}）",
                )
            return standard
        version_column = self.meta("FormVersion")
        version = self.cell(row, version_column)
        if version:
            matching = [s for (i, v), s in self.standards.items() if v == version]
            stem = self.table.source.stem
            named = [s for s in matching if s.id == stem]
            if len(named) == 1 or len(matching) == 1:
                return (named or matching)[0]
            listed = ", ".join(f"{i}@{v}" for i, v in sorted(self.standards)) or "none"
            self.error(
                row,
                version_column,
                f"form version {version!r} matches {'several' if matching else 'no'} stored standard(s) "
                f"(stored: {listed})",
                zh=f"表单版本 {version!r} {'匹配到多个' if matching else '没有匹配到'}已保存的稽核标准"
                f"（已保存：{listed if self.standards else '无'}）",
            )
            return None
        self.error(
            row,
            column,
            f"no '{META_STANDARD}' value naming the standard (and no FormVersion); export the form with "
            "`dealer-audit checklist xlsform` so every submission carries it",
            zh=f"缺少指明稽核标准的“{META_STANDARD}”值（也没有 FormVersion）；请用 "
            "`dealer-audit checklist xlsform` 导出表单，使每条提交记录都带有该值",
        )
        return None

    def mapping(self, standard: Checklist) -> _Mapping:
        mapping = self.mappings.get(standard.key)
        if mapping is None:
            mapping = _map_standard(standard, self.columns)
            self.mappings[standard.key] = mapping
            for item_id, names in mapping.missing:
                self.problems.error(
                    self.table.header_location,
                    f"no column for item {item_id} of {standard.id} {standard.version} "
                    f"(expected a header such as {', '.join(repr(n) for n in names)})",
                    code="missing_column",
                    zh=f"缺少 {standard.id} {standard.version} 检查项 {item_id} 的列"
                    f"（应有类似 {', '.join(repr(n) for n in names)} 的列标题）",
                )
        return mapping

    # -- rows --

    def read(self) -> list[Audit]:
        for name in (META_DEALER, META_WAVE):
            if self.meta(name) is None:
                self.problems.error(
                    self.table.header_location, f"no {name!r} column", code="missing_column", zh=f"缺少 {name!r} 列"
                )
        if self.problems.has_errors:
            self.problems.raise_if_errors(
                f"{self.table.source}: not an export of a dealer-audit form",
                summary_zh=f"{self.table.source}：这不是 dealer-audit 表单的导出文件",
            )
        audits: dict[str, tuple[Audit, int]] = {}
        for row in self.table.rows:
            review = self.cell(row, self.meta("ReviewState", "_validation_status")).lower()
            if review in _REJECTED:
                continue
            audit = self.row(row)
            if audit is None:
                continue
            previous = audits.get(audit.audit_id)
            if previous is None:
                audits[audit.audit_id] = (audit, len(audits))
            elif audit.revision > previous[0].revision:
                audits[audit.audit_id] = (audit, previous[1])  # an edited copy replaces the first, in its place
        self.problems.raise_if_errors(
            f"{self.table.source}: the export cannot be imported", summary_zh=f"{self.table.source}：该导出文件无法导入"
        )
        return [a for a, _ in sorted(audits.values(), key=lambda pair: pair[1])]

    def row(self, row: _Row) -> Audit | None:
        standard = self.standard_for(row)
        raw_id, id_column, edited = self.submission_id(row)
        if not raw_id:
            self.error(
                row,
                id_column,
                "no submission id (KEY, instanceID or _uuid)",
                zh="缺少提交记录 ID（KEY、instanceID 或 _uuid）",
            )
        dealer_column = self.meta(META_DEALER)
        dealer_text = self.cell(row, dealer_column)
        dealer_code = self.dealer_lookup.get(dealer_text, dealer_text)
        if dealer_code == dealer_text and " " in dealer_text:
            dealer_code = dealer_text.split()[0]  # a choice label "SH001 上海…" (Kobo label export), dealers unknown
        if not dealer_code:
            self.error(row, dealer_column, "no dealer code", zh="缺少经销商代码")
        elif self.dealers is not None and dealer_code not in self.dealers:
            self.error(row, dealer_column, f"unknown dealer {dealer_text!r}", zh=f"未知经销商 {dealer_text!r}")
        wave_column = self.meta(META_WAVE)
        wave = self.cell(row, wave_column)
        if not wave:
            self.error(row, wave_column, "no wave", zh="缺少稽核批次")
        if standard is None:
            return None
        mapping = self.mapping(standard)
        answers = self.answers(row, mapping)
        edits = self.cell(row, self.meta("Edits"))
        revision = 2 if edited else 1
        if edits and not re.fullmatch(r"[0-9]{1,9}", edits):  # "²" is a digit to isdigit(), 5,000 digits to int()
            self.error(
                row,
                self.meta("Edits"),
                f"Edits {edits[:20]!r} is not a count of edits",
                zh=f"Edits {edits[:20]!r} 不是修改次数",
            )
        elif edits:
            revision = 1 + int(edits)
        audit = Audit(
            audit_id=_audit_id(raw_id) if raw_id else "",
            dealer_code=dealer_code,
            standard_id=standard.id,
            standard_version=standard.version,
            wave=wave,
            auditor=self.cell(row, self.meta(META_AUDITOR)),
            visit_start=self.time(row, self.meta(META_START)),
            visit_end=self.time(row, self.meta(META_END)),
            revision=revision,
            answers=answers,
            source=str(row.locate(None)),
        )
        columns = {"audit_id": id_column, "dealer": dealer_column, "wave": wave_column}
        columns["auditor"] = self.meta(META_AUDITOR)
        for issue in audit_issues(audit):  # what the database cannot hold, at its row and column
            column = columns.get(issue.field, self.answer_column(mapping, issue.field))
            self.error(row, column, str(issue), zh=f"{issue.field}：数据库无法保存该值（{issue.message.text('zh')}）")
        dealer = (self.dealers or {}).get(dealer_code)
        complete = is_complete(standard, audit, dealer)
        return replace(audit, status=AuditStatus.FINALISED if complete else AuditStatus.DRAFT)

    @staticmethod
    def answer_column(mapping: _Mapping, field: str) -> int | None:
        """The column an answer field (a JSON path of storage/limits.py, ``answers.R01.note``) was read from."""
        for item, _, where, note_column, photo_column, _ in mapping.plan:
            prefix = f"answers.{item.id}"
            if field == prefix or field.startswith(prefix + "."):
                rest = field[len(prefix) + 1 :]
                return note_column if rest == "note" else photo_column if rest.startswith("evidence") else where.column
        return None

    def time(self, row: _Row, column: int | None) -> datetime | None:
        """A visit start/end cell; what cannot be read is a located error, never a silently empty time."""
        text = self.cell(row, column)
        try:
            return _parse_time(text, self.local_zone)
        except _LocalTimeWithoutZone:
            self.error(
                row,
                column,
                f"{text!r} is a local time without a UTC offset (a Kobo XLSX export stores the device's clock "
                "time); give the devices' timezone: `dealer-audit import --timezone Asia/Shanghai …`",
                zh=f"{text!r} 是不带 UTC 偏移的本地时间（Kobo 的 XLSX 导出记录的是设备时钟时间）；请指定设备所在时区："
                "`dealer-audit import --timezone Asia/Shanghai …`",
            )
        except ValueError:
            self.error(
                row,
                column,
                f"{text!r} is not a date-time this importer reads (ISO 8601 as ODK Central and Kobo write it, or "
                "Briefcase's 'Oct 12, 2026 1:30:00 AM' or '10月 12, 2026 1:30:00 上午')",
                zh=f"无法识别日期时间 {text!r}（支持 ODK Central 和 Kobo 写出的 ISO 8601 格式，或 Briefcase 的 "
                "'Oct 12, 2026 1:30:00 AM'、'10月 12, 2026 1:30:00 上午'）",
            )
        return None

    def submission_id(self, row: _Row) -> tuple[str, int | None, bool]:
        """(id text, its column, edited): the id every export of the same visit shares.

        Central's KEY is the submission's first instanceID, kept through edits (lib/data/briefcase.js writes
        `submission.instanceId`), while `meta-instanceID` holds the current version's. Briefcase's KEY is the
        current version's instanceID; an edited version names the one it replaced in `meta/deprecatedID`, so
        that (when the form exports it) is used instead. Kobo's `meta/rootUuid` stays the same through edits.
        """
        if self.kind == KOBO:
            column = self.meta("rootUuid", "_uuid", "instanceID")
            return self.cell(row, column), column, False
        if self.kind == ODK_BRIEFCASE:
            deprecated = self.meta("deprecatedID")
            if self.cell(row, deprecated):
                return self.cell(row, deprecated), deprecated, True
        column = self.meta("KEY", "rootUuid", "_uuid", "instanceID")
        return self.cell(row, column), column, False

    def answers(self, row: _Row, mapping: _Mapping) -> dict[str, Answer]:
        answers: dict[str, Answer] = {}
        cells, width, media = row.cells, len(row.cells), self.table.media
        for item, enc, where, note_column, photo_column, companion in mapping.plan:
            main = cells[where.column] if where.column is not None and where.column < width else ""
            note = cells[note_column] if note_column is not None and note_column < width else ""
            photo = cells[photo_column] if photo_column is not None and photo_column < width else ""
            if not (main or note or photo or where.split or companion is not None):
                continue  # nothing recorded for this item (the common case of a hidden or optional item)
            if photo and (reason := evidence_name_message(photo)):
                self.error(
                    row,
                    photo_column,
                    f"evidence {photo!r} of item {item.id} refused: {reason.en}",
                    zh=f"检查项 {item.id} 的证据 {photo!r} 被拒绝：{reason.text('zh')}",
                )
                photo = ""
            evidence = (_media_ref(photo, media),) if photo else ()
            na = False
            if companion is not None:
                ticked = self.cell(row, companion.column)
                na = ticked in ("na", NOT_APPLICABLE_LABEL.en, NOT_APPLICABLE_LABEL.zh)
                na = na or any(_truthy_flag(self.cell(row, c)) for c in companion.split.values())
            value: Any = None
            if not na:
                value, na = self.value(row, where, enc, mapping)
            if item.type is AnswerType.PHOTO and isinstance(value, str):
                if reason := evidence_name_message(value):
                    self.error(
                        row,
                        where.column,
                        f"evidence {value!r} of item {item.id} refused: {reason.en}",
                        zh=f"检查项 {item.id} 的证据 {value!r} 被拒绝：{reason.text('zh')}",
                    )
                else:
                    evidence = (_media_ref(value, media), *evidence)
            if value is None and not na and not note and not evidence:
                continue
            answers[item.id] = Answer(item.id, value=None if na else value, na=na, note=note, evidence=evidence)
        return answers

    def value(self, row: _Row, where: _Field, enc: ItemEncoding, mapping: _Mapping) -> tuple[Any, bool]:
        """(value, na) of one item; problems are recorded, and the value is then None."""
        item = enc.item
        text = self.cell(row, where.column)
        spellings = mapping.spellings[item.id]
        if enc.is_multi:
            if where.split and (not text or where.column is None):
                chosen = [name for name, column in where.split.items() if _truthy_flag(self.cell(row, column))]
                names: list[str] | None = [n for n in spellings if n in chosen]
            elif not text:
                return None, False
            else:
                names = _split_labels(text, spellings, mapping.lookups[item.id])
            if names is None:
                known = ", ".join(spellings)
                self.error(
                    row,
                    where.column,
                    f"unknown choice(s) in {text!r} for item {item.id} (choices: {known})",
                    zh=f"检查项 {item.id} 的 {text!r} 中有未知选项（可选：{known}）",
                )
                return None, False
            if not names:
                return None, False
            if enc.na_style is NAStyle.CHOICE and enc.na_choice in names:
                return None, True
            return tuple(n for n in spellings if n in names), False
        if not text:
            return None, False
        if item.type in (AnswerType.YES_NO, AnswerType.SCALE, AnswerType.SINGLE_CHOICE):
            lookup = mapping.lookups[item.id]
            name = lookup.get(text)
            if name is None and item.type is AnswerType.SCALE:
                name = lookup.get(text.removesuffix(".0"))
            if name is None:
                known = ", ".join(spellings)
                self.error(
                    row,
                    where.column,
                    f"unknown choice {text!r} for item {item.id} (choices: {known})",
                    zh=f"检查项 {item.id} 的选项 {text!r} 未知（可选：{known}）",
                )
                return None, False
            if enc.na_style is NAStyle.CHOICE and name == enc.na_choice:
                return None, True
            return (int(name) if item.type is AnswerType.SCALE else name), False
        if item.type is AnswerType.NUMBER:
            if not re.fullmatch(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*", text):
                self.error(
                    row,
                    where.column,
                    f"{text!r} is not a number (item {item.id})",
                    zh=f"{text!r} 不是数字（检查项 {item.id}）",
                )
                return None, False
            number = float(text)
            if not math.isfinite(number):
                self.error(
                    row,
                    where.column,
                    f"{text[:20]!r} is too large to be a finite number (item {item.id})",
                    zh=f"{text[:20]!r} 数值过大，无法作为有限数（检查项 {item.id}）",
                )
                return None, False
            return number, False
        return text, False


def read_field_export(
    path: Path,
    standards: Iterable[Checklist],
    dealers: Iterable[Dealer] | Mapping[str, Dealer] | None = None,
    local_zone: tzinfo | None = None,
) -> list[Audit]:
    """The audits in an ODK Central/Briefcase or KoboToolbox export of a dealer-audit form, one per submission
    (a submission exported twice counts once; the higher revision wins). `standards` are the stored versions the
    rows may name; `dealers`, when given, check dealer codes and turn Kobo's dealer labels back into codes.
    `local_zone` reads the local date-times without offset of a Kobo XLSX export (the devices' timezone).
    Raises ValidationFailed with every problem found."""
    path = Path(path)
    if isinstance(dealers, Mapping):
        dealers = list(dealers.values())
    table = _read_table(path)
    if path.suffix.lower() != ".zip":
        table.media = _folder_media(path)  # Briefcase's media/ folder beside the CSV, if any
    return _Reader(table, standards, dealers, local_zone).read()


def _media_folder(path: Path) -> Path | None:
    """The `media/` folder Briefcase writes beside its CSV (with "export media files"), if there is one."""
    folder = path.parent / "media"
    return folder if folder.is_dir() else None


def _folder_media(path: Path) -> dict[str, _Media]:
    """The files of the media folder, hashed while streamed (never read whole), by file name."""
    folder = _media_folder(path)
    if folder is None:
        return {}
    found: dict[str, _Media] = {}
    for file in sorted(folder.iterdir()):
        if file.is_symlink() or not file.is_file():
            continue  # evidence is read only from inside the export's own folder
        digest, size = hashlib.sha256(), 0
        with file.open("rb") as handle:
            for block in iter(lambda handle=handle: handle.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
        found[file.name] = _Media(file.name, digest.hexdigest(), size)
    return found


class _ZipMedia(Mapping[str, bytes]):
    """Attachment bytes by file name, read from the zip only when asked for (capped), one at a time: the importer
    stores them one by one, so memory holds at most one attachment whatever the export's size."""

    def __init__(self, path: Path, media: Mapping[str, _Media]) -> None:
        self.path = path
        self.media = dict(media)

    def __getitem__(self, name: str) -> bytes:
        found = self.media[name]
        try:
            with zipfile.ZipFile(self.path) as archive:
                data = _read_member(archive, archive.getinfo(found.member), MAX_MEDIA_BYTES)
        except (_ZipRefused, zipfile.BadZipFile, KeyError, OSError) as error:
            where = Location(file=str(self.path), path=found.member)
            raise ValidationFailed(
                _problem(where, f"changed while importing: {error}", zh=f"导入过程中文件被修改：{error}")
            ) from None
        return data

    def __iter__(self) -> Iterator[str]:
        return iter(self.media)

    def __len__(self) -> int:
        return len(self.media)


class _FolderMedia(Mapping[str, bytes]):
    """The `media/` folder Briefcase writes beside its CSV, read file by file as the importer asks (thousands of
    photos are never all in memory)."""

    def __init__(self, folder: Path, media: Mapping[str, _Media]) -> None:
        self.folder = folder
        self.media = dict(media)

    def __getitem__(self, name: str) -> bytes:
        found = self.media[_media_name(name)]
        target = self.folder / found.member
        if target.stat().st_size > MAX_MEDIA_BYTES:
            raise ValidationFailed(
                _problem(Location(file=str(target)), "attachment larger than the limit", zh="附件超过大小上限")
            )
        return target.read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self.media)

    def __len__(self) -> int:
        return len(self.media)


def field_export_media(path: Path) -> Mapping[str, bytes]:
    """The attachment files of an export, by file name, read lazily one at a time, so the importer can store the
    evidence the audits' EvidenceRefs name: Central's zip carries them under `media/`; Briefcase (with "export
    media files") writes a `media/` folder beside the CSV. Empty when there are none."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        return _ZipMedia(path, _read_zip(path).media)
    folder = _media_folder(path)
    return _FolderMedia(folder, _folder_media(path)) if folder is not None else {}

"""Submission exports of ODK Central, ODK Briefcase and KoboToolbox import to the audits captured in the app.

The fixtures in tests/fixtures/field_exports/ are hand-made in each tool's documented layout (group prefixes,
N/A, empty optional answers, non-relevant items left empty, a submission exported twice, a rejected one). Each
must give the same answers — and so the same scores — as the same visits entered directly.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from dealer_audit.core.answers import Answer, Audit, AuditStatus, EvidenceRef
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.scoring import score_audit
from dealer_audit.core.standard import AnswerType, Checklist, ChecklistKind, Item, LocalText, NumberBand, Section
from dealer_audit.errors import ValidationFailed
from dealer_audit.formats.field_exports import field_export_media, read_field_export, sniff_field_export
from dealer_audit.formats.standard_yaml import load_standard
from dealer_audit.formats.xlsform import build_xlsform, item_label

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests/fixtures/field_exports"
STANDARD = load_standard(ROOT / "tests/fixtures/mini_standard.yaml")
DEALERS = [
    Dealer("SH001", LocalText("上海浦东服务中心", "Shanghai Pudong"), "east", attributes={"has_ev_service": True}),
    Dealer("BJ002", LocalText("北京朝阳服务中心", "Beijing Chaoyang"), "north", attributes={"has_ev_service": False}),
]
DEALER_BY_CODE = {d.code: d for d in DEALERS}

FIRST = "6f1c2a3e-8d4b-4c1e-9a7f-1b2c3d4e5f60"
SECOND = "0b7c9e2d-4f5a-4e3b-8c1d-2e3f4a5b6c7d"
THIRD = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
PHOTO_R01 = "1760238000123.jpg"
PHOTO_W05 = "1760239000456.jpg"
JPEG = "image/jpeg"


def _a(item_id: str, value: object = None, **kwargs: object) -> Answer:
    return Answer(item_id, value=value, **kwargs)  # type: ignore[arg-type]


# The three visits as the wizard would have recorded them.
EXPECTED_ANSWERS = {
    FIRST: {
        "R01": _a(
            "R01", "no", note="没有使用平板，手写接车单", evidence=(EvidenceRef(PHOTO_R01, media_type="image/jpeg"),)
        ),
        "R02": _a("R02", na=True),
        "R03": _a("R03", "no"),
        "R04": _a("R04", 3.0),
        "W01": _a("W01", "wait"),
        "W02": _a("W02", 4),
        "W03": _a("W03", ("wifi", "drinks")),
        "W04": _a("W04", "yes"),
        "W05": _a("W05", PHOTO_W05, evidence=(EvidenceRef(PHOTO_W05, media_type=JPEG),)),
    },
    SECOND: {
        "R01": _a("R01", "yes"),
        "R02": _a("R02", "yes"),
        "R03": _a("R03", "yes"),
        "R04": _a("R04", 1.5),
        "W01": _a("W01", "leave"),
        "W06": _a("W06", "yes"),
        "W07": _a("W07", 'Customer pleased, said "thank you"'),
    },
    THIRD: {
        "R01": _a("R01", "yes"),
        "R02": _a("R02", "no"),
        "R03": _a("R03", "yes"),
        "W01": _a("W01", "leave"),
    },
}
DEALER_OF = {FIRST: "SH001", SECOND: "BJ002", THIRD: "SH001"}


def direct_audit(audit_id: str, imported: Audit) -> Audit:
    """The same visit captured directly (same metadata, the expected answers)."""
    return Audit(
        audit_id=audit_id,
        dealer_code=DEALER_OF[audit_id],
        standard_id=STANDARD.id,
        standard_version=STANDARD.version,
        wave="2026-Q4",
        auditor=imported.auditor,
        status=imported.status,
        answers=EXPECTED_ANSWERS[audit_id],
    )


def assert_same_as_direct(audits: list[Audit], ids: list[str]) -> None:
    assert [a.audit_id for a in audits] == ids
    for audit in audits:
        assert audit.answers == EXPECTED_ANSWERS[audit.audit_id]
        assert (audit.dealer_code, audit.wave) == (DEALER_OF[audit.audit_id], "2026-Q4")
        assert (audit.standard_id, audit.standard_version) == ("mini-service", "2026.1")
        dealer = DEALER_BY_CODE[audit.dealer_code]
        direct = direct_audit(audit.audit_id, audit)
        assert score_audit(STANDARD, audit, dealer) == score_audit(STANDARD, direct, dealer)


def read(path: Path) -> list[Audit]:
    return read_field_export(path, [STANDARD], DEALERS)


# ---- each tool's layout -------------------------------------------------------------------------------------------


def test_central_csv_with_groups_na_empty_answers_and_a_repeated_submission() -> None:
    audits = read(FIXTURES / "mini-service.csv")
    assert_same_as_direct(audits, [FIRST, SECOND, THIRD])  # the 4th row repeats the 1st: one audit
    first, second, third = audits
    assert first.status is AuditStatus.FINALISED and second.status is AuditStatus.FINALISED
    assert third.status is AuditStatus.DRAFT  # R04 was not answered
    assert first.auditor == "王芳"
    assert first.visit_start == datetime(2026, 10, 12, 1, 30, 2, 114000, tzinfo=UTC)
    assert first.revision == 1
    assert first.source.endswith("mini-service.csv:2")


def test_scores_match_the_direct_capture() -> None:
    first = read(FIXTURES / "mini-service.csv")[0]
    score = score_audit(STANDARD, first, DEALER_BY_CODE["SH001"])
    # R01 failed (critical cap 60); R02 N/A drops out; W04 applies because SH001 has EV service
    assert score.item("R02") is not None and score.item("R02").possible == 0  # type: ignore[union-attr]
    assert score.index is not None and score.index <= 60


def test_central_csv_without_group_names_uses_key_as_id_and_edits_as_revision() -> None:
    audits = read(FIXTURES / "mini-service-nogroups.csv")
    # row 1 was edited in Central: meta instanceID changed, KEY kept; row 3 was rejected by a reviewer
    assert_same_as_direct(audits, [FIRST, SECOND])
    assert audits[0].revision == 2


def test_briefcase_csv_with_reformatted_dates() -> None:
    audits = read(FIXTURES / "mini-service-briefcase.csv")
    assert_same_as_direct(audits, [FIRST, SECOND])
    assert audits[0].visit_start == datetime(2026, 10, 12, 1, 30, 2, tzinfo=UTC)


def test_kobo_csv_with_xml_headers() -> None:
    audits = read(FIXTURES / "mini-service-kobo.csv")
    # _id 104 duplicates _id 101 (same _uuid); _id 105 is "not approved"
    assert_same_as_direct(audits, [FIRST, SECOND, THIRD])


def test_central_zip_with_media(tmp_path: Path) -> None:
    archive = tmp_path / "mini-service.zip"
    photos = {PHOTO_R01: b"\xff\xd8\xff\xe0 tablet not used", PHOTO_W05: b"\xff\xd8\xff\xe0 status board"}
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(FIXTURES / "mini-service.csv", "mini-service.csv")
        for name, data in photos.items():
            bundle.writestr(f"media/{name}", data)
    assert sniff_field_export(archive)
    audits = read(archive)
    assert [a.audit_id for a in audits] == [FIRST, SECOND, THIRD]
    evidence = audits[0].answers["R01"].evidence[0]
    assert evidence == EvidenceRef(
        PHOTO_R01, hashlib.sha256(photos[PHOTO_R01]).hexdigest(), len(photos[PHOTO_R01]), "image/jpeg"
    )
    assert field_export_media(archive) == photos


def _kobo_rows() -> tuple[list[str], list[list[str]]]:
    with open(FIXTURES / "mini-service-kobo.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    return rows[0], rows[1:]


def _write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Mini service mystery shop"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_kobo_xlsx_with_xml_headers_and_numbers(tmp_path: Path) -> None:
    header, rows = _kobo_rows()
    numeric = {"_id", "_index", "reception/R04", "waiting/W02"}
    typed = [[float(c) if header[i] in numeric and c else (c or None) for i, c in enumerate(row)] for row in rows]
    path = _write_xlsx(tmp_path / "kobo.xlsx", header, typed)
    assert sniff_field_export(path)
    assert_same_as_direct(read(path), [FIRST, SECOND, THIRD])


def test_kobo_xlsx_with_label_headers_and_label_values(tmp_path: Path) -> None:
    """Kobo's default export: question labels as headers (no groups), choice labels as values, split columns."""
    labels = {item.id: item_label(item, "en") for item in STANDARD.items()}
    header = [
        "start", "end", "standard", "Dealer", "Audit wave (e.g. 2026-Q4)", "Auditor",
        labels["R01"], f"{labels['R01']} — photo evidence", f"{labels['R01']} — note",
        labels["R02"], labels["R03"], labels["R04"], labels["W01"], labels["W02"],
        labels["W03"], f"{labels['W03']}/Wi-Fi", f"{labels['W03']}/Drinks", f"{labels['W03']}/None",
        labels["W04"], labels["W05"], labels["W06"], labels["W07"],
        "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
        "__version__", "_tags", "_index",
    ]  # fmt: skip
    rows = [
        [
            "2026-10-12T09:30:02.114+08:00", "2026-10-12T11:05:40.220+08:00", "mini-service@2026.1",
            "SH001 Shanghai Pudong", "2026-Q4", "王芳",
            "No", PHOTO_R01, "没有使用平板，手写接车单", "N/A", "No", 3, "Waited on site", "4",
            "Wi-Fi Drinks", 1, 1, 0, "Yes", PHOTO_W05, None, None,
            101, FIRST, "2026-10-12T03:12:41", None, None, "submitted_via_web", "wangfang",
            "vbKavWWCpgBCZms6hQX4FN", None, 1,
        ],
        [
            "2026-10-14T14:02:11.000+08:00", "2026-10-14T15:20:30.000+08:00", "mini-service@2026.1",
            "BJ002 Beijing Chaoyang", "2026-Q4", "Li Lei",
            "Yes", None, None, "Yes", "Yes", 1.5, "Left", None,
            None, None, None, None, None, None, "Yes", 'Customer pleased, said "thank you"',
            102, SECOND, "2026-10-14T07:45:09", None, None, "submitted_via_web", "lilei",
            "vbKavWWCpgBCZms6hQX4FN", None, 2,
        ],
    ]  # fmt: skip
    path = _write_xlsx(tmp_path / "kobo-labels.xlsx", header, rows)
    assert_same_as_direct(read(path), [FIRST, SECOND])


def test_kobo_chinese_labels_and_hxl_row(tmp_path: Path) -> None:
    labels = {item.id: item_label(item, "zh") for item in STANDARD.items()}
    header = ["standard", "经销商", "wave", labels["R01"], labels["R02"], labels["R03"], labels["R04"],
              labels["W01"], labels["W02"], labels["W03"], labels["W04"], labels["W05"], labels["W06"], labels["W07"],
              "_uuid", "_submission_time"]  # fmt: skip
    header[1], header[2] = "dealer", "wave"  # metadata keep their names when they have no label in the export
    hxl = ["#meta", "#org", "#date", *["#indicator"] * 11, "#meta", "#date"]
    row = ["mini-service@2026.1", "SH001 上海浦东服务中心", "2026-Q4", "否", "不适用", "否", "3", "店内等待", "4",
           "无线网络 饮品", "是", PHOTO_W05, None, None, FIRST, "2026-10-12T03:12:41"]  # fmt: skip
    path = _write_xlsx(tmp_path / "kobo-zh.xlsx", header, [hxl, row])
    (audit,) = read(path)
    expected = dict(EXPECTED_ANSWERS[FIRST])
    expected["R01"] = _a("R01", "no")  # no photo/note columns in this export
    assert audit.answers == expected
    assert audit.dealer_code == "SH001"


# ---- idempotence --------------------------------------------------------------------------------------------------


def test_reimporting_gives_identical_audits() -> None:
    assert read(FIXTURES / "mini-service.csv") == read(FIXTURES / "mini-service.csv")


def test_the_same_visit_has_the_same_id_in_every_tool() -> None:
    names = ("mini-service.csv", "mini-service-nogroups.csv", "mini-service-briefcase.csv", "mini-service-kobo.csv")
    for name in names:
        audits = {a.audit_id: a for a in read(FIXTURES / name)}
        assert audits[FIRST].answers == EXPECTED_ANSWERS[FIRST], name
        assert audits[SECOND].answers == EXPECTED_ANSWERS[SECOND], name


# ---- the fixtures follow the exported form ----------------------------------------------------------------------


def test_fixture_columns_are_the_fields_of_the_exported_form() -> None:
    form = build_xlsform(STANDARD)
    expected: list[str] = []
    group = ""
    for row in form.survey:
        kind = row["type"]
        if kind == "begin group":
            group = row["name"]
        elif kind == "end group":
            group = ""
        else:
            expected.append(f"{group}-{row['name']}" if group else row["name"])
    with open(FIXTURES / "mini-service.csv", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[1 : 1 + len(expected)] == expected
    assert header[1 + len(expected) : 1 + len(expected) + 3] == ["meta-instanceID", "meta-instanceName", "KEY"]


# ---- problems -----------------------------------------------------------------------------------------------------


def _edited_copy(tmp_path: Path, edit: dict[tuple[int, str], str], drop: tuple[str, ...] = ()) -> Path:
    with open(FIXTURES / "mini-service.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for (row, column), value in edit.items():
        rows[row][header.index(column)] = value
    keep = [i for i, name in enumerate(header) if name not in drop]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[r[i] for i in keep] for r in rows])
    path = tmp_path / "mini-service.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_every_problem_is_reported_at_once_with_row_and_column(tmp_path: Path) -> None:
    path = _edited_copy(
        tmp_path,
        {
            (1, "reception-R01"): "maybe",
            (2, "reception-R04"): "ten",
            (3, "waiting-W03"): "wifi cake",
            (2, "dealer"): "XX9",
        },
        drop=("waiting-W07",),
    )
    with pytest.raises(ValidationFailed) as raised:
        read(path)
    messages = [str(p) for p in raised.value.problems]
    assert f"{path}:1: no column for item W07 of mini-service 2026.1" in messages[0]
    assert any(m.startswith(f"{path}:2: column 'reception-R01': unknown choice 'maybe' for item R01") for m in messages)
    assert any(m.startswith(f"{path}:3: column 'reception-R04': 'ten' is not a number") for m in messages)
    assert any(m.startswith(f"{path}:4: column 'waiting-W03': unknown choice(s) in 'wifi cake'") for m in messages)
    assert any(m.startswith(f"{path}:3: column 'dealer': unknown dealer 'XX9'") for m in messages)
    assert len(raised.value.errors) == 5


def test_unknown_standard_version_names_the_stored_versions(tmp_path: Path) -> None:
    path = _edited_copy(tmp_path, {(2, "standard"): "mini-service@2027.1"})
    with pytest.raises(ValidationFailed) as raised:
        read(path)
    (problem,) = raised.value.problems
    assert str(problem) == (
        f"{path}:3: column 'standard': the form was made from standard 'mini-service@2027.1', which is not stored "
        "(stored versions of mini-service: 2026.1)"
    )


def test_form_version_names_the_standard_when_the_standard_column_is_missing(tmp_path: Path) -> None:
    path = _edited_copy(tmp_path, {}, drop=("standard",))
    assert [a.audit_id for a in read(path)] == [FIRST, SECOND, THIRD]
    other = _edited_copy(tmp_path, {(1, "FormVersion"): "1999.9"}, drop=("standard",))
    with pytest.raises(ValidationFailed, match=r"mini-service.csv:2: column 'FormVersion': form version '1999.9'"):
        read(other)


def test_a_file_that_is_not_a_dealer_audit_form_export(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("SubmissionDate,name,age,KEY\n2026-01-01T00:00:00.000Z,Ann,4,uuid:1\n", encoding="utf-8")
    assert sniff_field_export(path)
    with pytest.raises(ValidationFailed, match="no 'dealer' column"):
        read(path)


# ---- N/A through a companion question ------------------------------------------------------------------------------


def test_companion_na_and_number_values(tmp_path: Path) -> None:
    items = (
        Item("N1", LocalText(en="Minutes"), AnswerType.NUMBER, na_allowed=True, bands=(NumberBand(1, max=5),)),
        Item("T1", LocalText(en="Remark"), AnswerType.TEXT, na_allowed=True, required=False),
    )
    standard = Checklist(
        "na-test", "3", ChecklistKind.DIGITAL_SERVICE, LocalText(en="NA"), (Section("s1", LocalText(en="S"), items),)
    )
    path = tmp_path / "na-test.csv"
    path.write_text(
        "SubmissionDate,standard,dealer,wave,s1-N1_na,s1-N1,s1-T1_na,s1-T1,meta-instanceID,KEY,ReviewState,FormVersion\n"
        "2026-10-01T00:00:00.000Z,na-test@3,SH001,2026-Q4,na,,,fine,uuid:a,uuid:a,,3\n"
        "2026-10-01T00:00:00.000Z,na-test@3,SH001,2026-Q4,,4.5,na,,uuid:b,uuid:b,,3\n",
        encoding="utf-8",
    )
    first, second = read_field_export(path, [standard])
    assert first.answers == {"N1": Answer("N1", na=True), "T1": Answer("T1", "fine")}
    assert second.answers == {"N1": Answer("N1", 4.5), "T1": Answer("T1", na=True)}
    assert first.status is AuditStatus.FINALISED
    assert first.audit_id != second.audit_id  # non-UUID instance ids still give stable, distinct UUIDs
    assert read_field_export(path, [standard])[0].audit_id == first.audit_id


# ---- sniffing -------------------------------------------------------------------------------------------------------


def test_sniff_recognises_only_field_exports(tmp_path: Path) -> None:
    for name in (
        "mini-service.csv",
        "mini-service-nogroups.csv",
        "mini-service-briefcase.csv",
        "mini-service-kobo.csv",
    ):
        assert sniff_field_export(FIXTURES / name), name
    dealers_csv = tmp_path / "dealers.csv"
    dealers_csv.write_text("code,name_zh,name_en,region\nSH001,上海,Shanghai,east\n", encoding="utf-8")
    audit_json = tmp_path / "audit.json"
    audit_json.write_text('{"format": "dealer-audit/audit"}', encoding="utf-8")
    from dealer_audit.formats.xlsform import write_xlsform

    form = tmp_path / "form.xlsx"
    write_xlsform(STANDARD, form)
    other_zip = tmp_path / "bundle.zip"
    with zipfile.ZipFile(other_zip, "w") as bundle:
        bundle.writestr("manifest.json", "{}")
    for path in (
        dealers_csv,
        audit_json,
        form,
        other_zip,
        ROOT / "tests/fixtures/mini_standard.yaml",
        tmp_path / "nope.csv",
    ):
        assert not sniff_field_export(path), path


# ---- through the workspace import (services/importing.py dispatches here) ----------------------------------------


def test_workspace_import_is_idempotent_across_exports(tmp_path: Path) -> None:
    importing = pytest.importorskip("dealer_audit.services.importing")
    workspace_module = pytest.importorskip("dealer_audit.storage.workspace")
    workspace = workspace_module.Workspace.init(tmp_path / "ws")
    workspace.repo.save_standard(STANDARD)
    workspace.repo.save_dealers(DEALERS)
    first = importing.import_paths(workspace, [FIXTURES / "mini-service.csv"])
    assert [(f.kind, len(f.created), f.reason) for f in first.files] == [("field-export", 3, "")]
    again = importing.import_paths(workspace, [FIXTURES / "mini-service.csv", FIXTURES / "mini-service-kobo.csv"])
    assert [(len(f.created), len(f.unchanged), len(f.replaced)) for f in again.files] == [(0, 3, 0), (0, 3, 0)]


def test_split_columns_alone_and_group_labels_in_headers(tmp_path: Path) -> None:
    """Kobo label export with groups in the headers ("Waiting area/W03 …") and only the split 1/0 columns."""
    header, rows = _kobo_rows()
    labels = {item.id: item_label(item, "en") for item in STANDARD.items()}
    renamed = []
    for name in header:
        group, _, rest = name.partition("/")
        item_id, _, choice = rest.partition("/")
        if group in ("reception", "waiting") and item_id in labels:
            title = "Reception" if group == "reception" else "Waiting area"
            renamed.append(f"{title}/{labels[item_id]}" + (f"/{choice}" if choice else ""))
        else:
            renamed.append(name)
    summary = renamed.index(f"Waiting area/{labels['W03']}")
    keep = [i for i in range(len(renamed)) if i != summary]
    path = _write_xlsx(tmp_path / "kobo.xlsx", [renamed[i] for i in keep], [[r[i] or None for i in keep] for r in rows])
    audits = read_field_export(path, [STANDARD])  # no dealer list: codes are taken as they are
    assert_same_as_direct(audits, [FIRST, SECOND, THIRD])


def test_unreadable_files_are_messages_not_tracebacks(tmp_path: Path) -> None:
    broken = tmp_path / "export.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValidationFailed, match="cannot read the export"):
        read(broken)
    resaved = tmp_path / "mini-service.csv"
    resaved.write_bytes((FIXTURES / "mini-service.csv").read_text(encoding="utf-8").encode("gb18030"))
    assert [a.audit_id for a in read(resaved)] == [FIRST, SECOND, THIRD]  # re-saved by Chinese Excel


# ---- the tools' real quirks (issue 13) -----------------------------------------------------------------------------


def _briefcase_copy(tmp_path: Path, replace_text: dict[str, str], name: str = "mini-service-briefcase.csv") -> Path:
    text = (FIXTURES / "mini-service-briefcase.csv").read_text(encoding="utf-8")
    for old, new in replace_text.items():
        assert old in text, old
        text = text.replace(old, new)
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


def test_kobo_xlsx_local_times_are_read_in_the_given_timezone(tmp_path: Path) -> None:
    """Kobo XLSX with "store date and number responses as text" off: start/end are date-time cells holding the
    device's clock time without its offset (09:30 in Shanghai is 01:30 UTC, not 09:30 UTC)."""
    from zoneinfo import ZoneInfo

    header, rows = _kobo_rows()
    start, end = header.index("start"), header.index("end")
    typed: list[list[object]] = []
    for row in rows:
        cells: list[object] = [c or None for c in row]
        for column in (start, end):
            cells[column] = datetime.fromisoformat(row[column]).replace(tzinfo=None)  # what the XLSX cell holds
        typed.append(cells)
    path = _write_xlsx(tmp_path / "kobo.xlsx", header, typed)
    with pytest.raises(ValidationFailed) as refused:
        read(path)
    message = str(refused.value)
    assert "kobo.xlsx!Mini service mystery shop!A2" in message and "--timezone" in message
    audits = read_field_export(path, [STANDARD], DEALERS, ZoneInfo("Asia/Shanghai"))
    assert audits[0].visit_start == datetime(2026, 10, 12, 1, 30, 2, 114000, tzinfo=UTC)
    assert audits[0].visit_end == datetime(2026, 10, 12, 3, 5, 40, 220000, tzinfo=UTC)


def test_briefcase_media_prefix_names_the_file_in_the_media_folder(tmp_path: Path) -> None:
    path = _briefcase_copy(tmp_path, {",1760238000123.jpg,": ",media/1760238000123.jpg,"})
    photo = b"\xff\xd8\xff\xe0 tablet not used"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "1760238000123.jpg").write_bytes(photo)
    evidence = read(path)[0].answers["R01"].evidence[0]
    assert evidence == EvidenceRef("1760238000123.jpg", hashlib.sha256(photo).hexdigest(), len(photo), JPEG)


def test_briefcase_on_a_chinese_machine_writes_chinese_dates(tmp_path: Path) -> None:
    path = _briefcase_copy(
        tmp_path,
        {
            '"Oct 12, 2026 1:30:02 AM"': '"10月 12, 2026 1:30:02 上午"',
            '"Oct 12, 2026 3:05:40 AM"': '"10月 12, 2026 3:05:40 上午"',
            '"Oct 14, 2026 7:20:30 AM"': '"10月 14, 2026 7:20:30 下午"',
        },
    )
    first, second = read(path)
    assert first.visit_start == datetime(2026, 10, 12, 1, 30, 2, tzinfo=UTC)
    assert first.visit_end == datetime(2026, 10, 12, 3, 5, 40, tzinfo=UTC)
    assert second.visit_end == datetime(2026, 10, 14, 19, 20, 30, tzinfo=UTC)


def test_an_unreadable_visit_time_is_a_located_error_never_dropped(tmp_path: Path) -> None:
    path = _briefcase_copy(tmp_path, {'"Oct 12, 2026 1:30:02 AM"': '"2026年10月12日 1:30"'})
    with pytest.raises(ValidationFailed) as refused:
        read(path)
    message = str(refused.value)
    assert f"{path}:2" in message and "column 'start'" in message and "'2026年10月12日 1:30'" in message


def test_an_edited_submission_has_the_same_audit_id_through_central_and_briefcase(tmp_path: Path) -> None:
    """Central's KEY is the submission's first instanceID; Briefcase's KEY is the current version's, and the
    edited version's meta/deprecatedID names the one it replaced."""
    edited = "3c9d1e2f-7a6b-4c5d-8e9f-0a1b2c3d4e5f"
    text = (FIXTURES / "mini-service-briefcase.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].replace("meta-instanceName,KEY", "meta-instanceName,meta-deprecatedID,KEY")
    first = text[1].rsplit(",", 1)[0] + f",uuid:{FIRST},uuid:{edited}"  # deprecatedID, then KEY
    first = first.replace(f"uuid:{FIRST},SH001 2026-Q4 王芳", f"uuid:{edited},SH001 2026-Q4 王芳")
    second = text[2].rsplit(",", 1)[0] + f",,uuid:{SECOND}"
    path = tmp_path / "mini-service-briefcase.csv"
    path.write_text("\n".join([header, first, second]) + "\n", encoding="utf-8")
    briefcase = read(path)
    central = read(FIXTURES / "mini-service-nogroups.csv")  # the same visit, edited in Central: KEY kept
    assert [a.audit_id for a in briefcase] == [FIRST, SECOND] == [a.audit_id for a in central]
    assert briefcase[0].revision == 2 and briefcase[1].revision == 1

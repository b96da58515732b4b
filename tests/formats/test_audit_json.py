"""The audit file format: faithful round trip, every structural problem at once, and the JSON Schema in docs/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dealer_audit.core.answers import Answer, EvidenceRef
from dealer_audit.core.audit_form import audit_to_dict
from dealer_audit.errors import ValidationFailed
from dealer_audit.formats.audit_json import audit_from_json, read_audit_file, write_audit_file

ROOT = Path(__file__).parents[2]
SCHEMA = ROOT / "docs" / "audit-file.schema.json"


@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture
def full_audit(make_audit):
    photo = EvidenceRef("看板.jpg", "ab" * 32, 1234, "image/jpeg")
    return make_audit(standard_hash="cd" * 32).with_answer(Answer("W05", "看板.jpg", evidence=(photo,), note="照片"))


def test_round_trip_through_a_file(tmp_path, full_audit):
    write_audit_file(full_audit, tmp_path / "a.json")
    back = read_audit_file(tmp_path / "a.json")
    assert back.answers == full_audit.answers
    assert back.answers["W03"].value == ("wifi", "drinks") and back.answers["R02"].na
    assert (back.visit_start, back.status, back.standard_hash) == (
        full_audit.visit_start,
        full_audit.status,
        full_audit.standard_hash,
    )
    assert "看板.jpg" in (tmp_path / "a.json").read_text(encoding="utf-8")  # UTF-8, not \\u escapes


def test_written_files_match_the_schema(validator, full_audit, make_audit):
    for audit in (full_audit, make_audit(answers={}, auditor="", visit_start=None, visit_end=None)):
        errors = [e.message for e in validator.iter_errors(audit_to_dict(audit))]
        assert errors == []


def test_schema_rejects_what_the_reader_rejects(validator, full_audit):
    data = audit_to_dict(full_audit)
    broken = json.loads(json.dumps(data))
    broken["answers"]["R02"] = {"na": True, "value": "yes"}
    broken["answers"]["R01"] = {"value": True}
    broken["audit_id"] = "not-a-uuid"
    broken["colour"] = "red"
    assert len(list(validator.iter_errors(broken))) >= 4
    with pytest.raises(ValidationFailed) as caught:
        audit_from_json(broken, source="x.json")
    text = caught.value.render()
    for fragment in ("both a value and na", "unsupported answer value True", "is not a UUID", "unknown field 'colour'"):
        assert fragment in text


def test_every_problem_is_reported_at_once():
    data = {
        "format": "dealer-audit/audit",
        "format_version": 1,
        "audit_id": "0b7c6a52-1d2e-4f00-9a1b-3c4d5e6f7a8b",
        "standard": {"id": "mini-service"},
        "status": "done",
        "revision": 0,
        "visit": {"start": "yesterday"},
        "answers": {"R01": "yes", "R02": {"value": "yes", "colour": "red"}},
    }
    with pytest.raises(ValidationFailed) as caught:
        audit_from_json(data, source="a.json")
    paths = {p.location.path for p in caught.value.problems}
    assert {"dealer", "wave", "standard.version", "status", "revision", "visit.start", "answers.R01"} <= paths
    assert "answers.R02" in paths


def test_newer_format_version_says_upgrade():
    with pytest.raises(ValidationFailed) as caught:
        audit_from_json({"format": "dealer-audit/audit", "format_version": 7}, source="new.json")
    (problem,) = [p for p in caught.value.problems if p.location.path == "format_version"]
    assert "format_version 7 is not supported (this tool reads 1)" in problem.message
    assert problem.hint == "upgrade dealer-audit"


def test_invalid_json_points_at_the_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "format": "dealer-audit/audit",\n  oops\n}', encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        read_audit_file(path)
    assert str(caught.value.problems[0].location) == f"{path}:3:3"


def test_shipped_samples_follow_the_format(validator):
    samples = sorted((ROOT / "sample_audits").rglob("*.json"))
    if not samples:
        pytest.skip("no sample_audits/ yet")
    for path in samples:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert [e.message for e in validator.iter_errors(data)] == [], path
        assert read_audit_file(path).audit_id == data["audit_id"]


def test_a_failed_save_keeps_the_previous_file(tmp_path, full_audit, monkeypatch):
    """An audit file is saved atomically: a write that fails half-way leaves the old file, no temporary files,
    and a located message instead of an OSError."""
    target = tmp_path / "a.json"
    write_audit_file(full_audit, target)
    before = target.read_text(encoding="utf-8")

    def full_disk(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    with pytest.raises(ValidationFailed, match="nothing written") as raised:
        write_audit_file(full_audit.with_answer(Answer("W05", "改了")), target)
    assert "No space left on device" in str(raised.value.problems[0])
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_audit_kind_round_trips_and_is_absent_for_ordinary_visits(tmp_path, make_audit, validator):
    from dealer_audit.core.answers import AuditKind

    visit = make_audit()
    assert "kind" not in audit_to_dict(visit) and "scenario" not in audit_to_dict(visit)  # old files unchanged
    for audit in (
        make_audit(kind=AuditKind.DOUBLE),
        make_audit(kind=AuditKind.CALIBRATION, scenario="CAL-2026-Q4-A"),
        make_audit(kind=AuditKind.SELF, auditor="刘敏（前台主管）"),  # a dealer's self-assessment
        make_audit(kind=AuditKind.SELF, auditor=""),  # nobody named: allowed, no auditor is involved
    ):
        data = audit_to_dict(audit)
        assert list(validator.iter_errors(data)) == []
        path = tmp_path / f"{audit.kind.value}{audit.auditor}.json"
        write_audit_file(audit, path)
        back = read_audit_file(path)
        assert (back.kind, back.scenario, back.auditor, back.counts_in_scores) == (
            audit.kind,
            audit.scenario,
            audit.auditor,
            audit.kind in (AuditKind.VISIT, AuditKind.DOUBLE),
        )


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"kind": "calibration"}, "scenario", "needs a 'scenario' id"),
        ({"kind": "dubble"}, "kind", "not one of visit, double, calibration, self"),
        ({"kind": "self", "scenario": "CAL-1"}, "scenario", "only for kind 'calibration'"),
        ({"scenario": "CAL-1"}, "scenario", "only for kind 'calibration'"),
        ({"kind": "calibration", "scenario": 7}, "scenario", "must be text"),
    ],
)
def test_bad_kinds_are_located(make_audit, validator, changes, path, message):
    data = {**audit_to_dict(make_audit()), **changes}
    assert list(validator.iter_errors(data))  # the schema refuses it too
    with pytest.raises(ValidationFailed) as failure:
        audit_from_json(data, source="a.json")
    problems = [p for p in failure.value.problems if p.location.path == path]
    assert problems and message in problems[0].message, failure.value.problems

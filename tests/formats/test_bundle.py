"""Bundles: a faithful round trip, and every way a bundle can be corrupt or hostile is refused by name."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from dealer_audit.core.answers import Answer
from dealer_audit.errors import NotFound, ValidationFailed
from dealer_audit.formats.bundle import FORMAT_VERSION, MANIFEST, is_bundle, read_bundle, write_bundle

PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg, but bytes with a hash"
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()


@pytest.fixture
def evidence_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / f"{PHOTO_SHA}.jpg").write_bytes(PHOTO)
    return folder


@pytest.fixture
def audit_with_photo(make_audit):
    from dealer_audit.core.answers import EvidenceRef

    ref = EvidenceRef("看板.jpg", PHOTO_SHA, len(PHOTO), "image/jpeg")
    return make_audit(standard_hash="a" * 64).with_answer(Answer("W05", "看板.jpg", evidence=(ref,)))


@pytest.fixture
def bundle_path(tmp_path, evidence_dir, audit_with_photo, make_audit) -> Path:
    return write_bundle([audit_with_photo, make_audit()], evidence_dir, tmp_path / "out" / "b.zip")


def rewrite(source: Path, target: Path, *, drop=(), add=None, replace=None, manifest=None) -> Path:
    """Copy a bundle changing members: drop names, add {name: bytes}, replace {name: bytes}, edit the manifest."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename in drop:
                continue
            data = old.read(info)
            if info.filename == MANIFEST and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            if replace and info.filename in replace:
                data = replace[info.filename]
            new.writestr(info.filename, data)
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def refusal(path: Path, **kwargs) -> str:
    with pytest.raises(ValidationFailed) as caught:
        read_bundle(path, **kwargs)
    text = caught.value.render()
    assert str(path) in text  # every message names the bundle
    return text


def test_round_trip(bundle_path, audit_with_photo):
    assert is_bundle(bundle_path)
    bundle = read_bundle(bundle_path)
    assert bundle.format_version == FORMAT_VERSION
    by_id = {a.audit_id: a for a in bundle.audits}
    stored = by_id[audit_with_photo.audit_id]
    assert stored.answers == audit_with_photo.answers
    assert stored.standard_hash == "a" * 64
    (member,) = bundle.evidence
    assert (member.sha256, member.size, member.name) == (PHOTO_SHA, len(PHOTO), f"evidence/{PHOTO_SHA}.jpg")
    assert bundle.read_member(member) == PHOTO
    manifest = json.loads(zipfile.ZipFile(bundle_path).read(MANIFEST))
    entry = next(e for e in manifest["audits"] if e["audit_id"] == audit_with_photo.audit_id)
    assert entry["standard"] == {"id": "mini-service", "version": "2026.1", "hash": "a" * 64}
    assert entry["auditor"] == "王芳" and entry["visit"]["start"] == "2026-10-12T09:30:00+08:00"
    assert all(len(m["sha256"]) == 64 and m["size"] > 0 for m in manifest["members"])


def test_export_refuses_missing_evidence(tmp_path, audit_with_photo):
    with pytest.raises(ValidationFailed, match="not in the evidence store"):
        write_bundle([audit_with_photo], tmp_path, tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()
    with pytest.raises(NotFound):
        write_bundle([], tmp_path, tmp_path / "b.zip")


def test_zip_slip_and_absolute_paths_are_refused(bundle_path, tmp_path):
    for name, expected in [
        ("../../etc/cron.d/evil", "escapes its folder"),
        ("evidence/../../x", "escapes its folder"),
        ("/etc/passwd", "absolute member path"),
        ("C:/Windows/x", "absolute member path"),
        ("evidence\\..\\x", "backslash"),
    ]:
        bad = rewrite(bundle_path, tmp_path / "bad.zip", add={name: b"x"})
        text = refusal(bad)
        assert name in text and expected in text


def test_missing_member_is_refused(bundle_path, tmp_path):
    bad = rewrite(bundle_path, tmp_path / "bad.zip", drop={f"evidence/{PHOTO_SHA}.jpg"})
    assert f"evidence/{PHOTO_SHA}.jpg): listed in the manifest but missing from the bundle" in refusal(bad)


def test_extra_member_is_refused(bundle_path, tmp_path):
    bad = rewrite(bundle_path, tmp_path / "bad.zip", add={"evidence/extra.jpg": b"sneaky"})
    assert "evidence/extra.jpg): extra file not listed in the manifest" in refusal(bad)


def test_wrong_hash_is_refused(bundle_path, tmp_path):
    tampered = bytes(reversed(PHOTO))  # same size, other bytes
    bad = rewrite(bundle_path, tmp_path / "bad.zip", replace={f"evidence/{PHOTO_SHA}.jpg": tampered})
    assert f"evidence/{PHOTO_SHA}.jpg): wrong sha256" in refusal(bad)


def test_edited_audit_is_refused(bundle_path, tmp_path, audit_with_photo):
    name = f"audits/{audit_with_photo.audit_id}.json"
    data = json.loads(zipfile.ZipFile(bundle_path).read(name))
    data["answers"]["R01"]["value"] = "no"
    bad = rewrite(bundle_path, tmp_path / "bad.zip", replace={name: json.dumps(data).encode()})
    text = refusal(bad)
    assert f"{name}): size is" in text or f"{name}): wrong sha256" in text


def test_oversized_member_is_refused(bundle_path):
    text = refusal(bundle_path, max_member_bytes=20)
    assert "the limit is 20" in text and "evidence/" in text


def test_oversized_total_is_refused(bundle_path):
    assert "bundle unpacks to" in refusal(bundle_path, max_total_bytes=100)


def test_bad_manifest_is_refused(bundle_path, tmp_path):
    not_json = rewrite(bundle_path, tmp_path / "a.zip", replace={MANIFEST: b"{not json"})
    assert "(manifest.json line 1): invalid JSON" in refusal(not_json)
    no_manifest = rewrite(bundle_path, tmp_path / "b.zip", drop={MANIFEST})
    assert "manifest.json): missing" in refusal(no_manifest)
    no_members = rewrite(bundle_path, tmp_path / "c.zip", manifest=lambda m: {**m, "members": "all"})
    assert "manifest 'members' must be a list" in refusal(no_members)


def test_unknown_format_version_is_refused(bundle_path, tmp_path):
    newer = rewrite(bundle_path, tmp_path / "bad.zip", manifest=lambda m: {**m, "format_version": 99})
    text = refusal(newer)
    assert "unknown bundle format version 99 (this dealer-audit reads version 1)" in text
    assert "upgrade dealer-audit" in text


def test_manifest_disagreeing_with_audit_is_refused(bundle_path, tmp_path, audit_with_photo):
    def lie(manifest):
        for entry in manifest["audits"]:
            if entry["audit_id"] == audit_with_photo.audit_id:
                entry["dealer"] = "BJ001"
        return manifest

    bad = rewrite(bundle_path, tmp_path / "bad.zip", manifest=lie)
    assert "dealer is 'SH001' but the manifest says 'BJ001'" in refusal(bad)


def test_cited_evidence_must_be_in_the_bundle(bundle_path, tmp_path):
    def forget(manifest):
        manifest["members"] = [m for m in manifest["members"] if not m["name"].startswith("evidence/")]
        return manifest

    bad = rewrite(bundle_path, tmp_path / "bad.zip", drop={f"evidence/{PHOTO_SHA}.jpg"}, manifest=forget)
    assert "cites evidence 看板.jpg" in refusal(bad)


def test_not_a_zip_is_refused(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 this is not a zip")
    assert "not a readable zip file" in refusal(junk)
    assert not is_bundle(junk)


def test_symlink_member_is_refused(bundle_path, tmp_path):
    bad = tmp_path / "bad.zip"
    rewrite(bundle_path, bad)
    with zipfile.ZipFile(bad, "a") as archive:
        info = zipfile.ZipInfo("evidence/link")
        info.external_attr = 0o120777 << 16  # a symbolic link
        archive.writestr(info, "/etc/passwd")
    assert "evidence/link): symbolic link" in refusal(bad)


def test_corrupt_member_data_is_refused(tmp_path, evidence_dir, audit_with_photo):
    path = write_bundle([audit_with_photo], evidence_dir, tmp_path / "b.zip")  # photos are stored uncompressed
    raw = bytearray(path.read_bytes())
    raw[raw.find(PHOTO) + 5] ^= 0xFF  # flip a byte inside the photo: the zip's CRC no longer matches
    path.write_bytes(bytes(raw))
    assert f"evidence/{PHOTO_SHA}.jpg): corrupt member" in refusal(path)


def test_a_bundle_is_an_ordinary_file_and_a_failed_export_leaves_none(tmp_path, evidence_dir, audit_with_photo):
    """Bundles go by mail and USB stick: the file gets the user's usual permissions (not mkstemp's 0600), and a
    corrupt evidence file found half-way leaves no half-written zip under the bundle's name."""
    import os

    umask = os.umask(0)
    os.umask(umask)
    path = write_bundle([audit_with_photo], evidence_dir, tmp_path / "b.zip")
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    (evidence_dir / f"{PHOTO_SHA}.jpg").write_bytes(b"changed on disk")
    with pytest.raises(ValidationFailed, match="corrupt"):
        write_bundle([audit_with_photo], evidence_dir, tmp_path / "again.zip")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.zip", "evidence"]


def test_audit_kinds_travel_in_bundles(tmp_path, evidence_dir, make_audit):
    from dealer_audit.core.answers import AuditKind

    session = make_audit(audit_id="9b7c6a52-1d2e-4f00-9a1b-3c4d5e6f7a8b", kind=AuditKind.CALIBRATION, scenario="CAL-A")
    double = make_audit(audit_id="8b7c6a52-1d2e-4f00-9a1b-3c4d5e6f7a8b", kind=AuditKind.DOUBLE)
    visit = make_audit()
    path = write_bundle([session, double, visit], evidence_dir, tmp_path / "kinds.zip")
    kinds = {a.audit_id: (a.kind, a.scenario) for a in read_bundle(path).audits}
    assert kinds[session.audit_id] == (AuditKind.CALIBRATION, "CAL-A")
    assert kinds[double.audit_id] == (AuditKind.DOUBLE, "")
    assert kinds[visit.audit_id] == (AuditKind.VISIT, "")


def test_a_self_assessment_travels_in_a_bundle(tmp_path, evidence_dir, make_audit):
    """A dealer's self-assessment (kind self) keeps its kind and its filler through a bundle."""
    from dealer_audit.core.answers import AuditKind

    own = make_audit(kind=AuditKind.SELF, auditor="刘敏（前台主管）")
    path = write_bundle([own, make_audit()], evidence_dir, tmp_path / "self.zip")
    kinds = {a.audit_id: (a.kind, a.auditor) for a in read_bundle(path).audits}
    assert kinds[own.audit_id] == (AuditKind.SELF, "刘敏（前台主管）")
    assert sorted(k.value for k, _ in kinds.values()) == ["self", "visit"]

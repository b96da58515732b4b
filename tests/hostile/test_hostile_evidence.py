"""Hostile evidence references: an audit must never make the importer read, or `export` ship, a file from outside
the audit's own folder (absolute paths, `..`, symbolic links leaving the folder)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from dealer_audit.core.answers import Answer, EvidenceRef
from dealer_audit.formats.audit_json import write_audit_file
from tests.hostile.helpers import assert_refused, run, snapshot

SECRET = b"HQ machine secret: db password hunter2\n"
PHOTO = b"\xff\xd8\xff photo"
GOOD = b"\xff\xd8\xff good"


def _write_audit(make_audit: Any, folder: Path, file_name: str, data: bytes = SECRET) -> Path:
    """An otherwise valid audit file in `folder` whose photo answer cites `file_name` with the bytes' hash."""
    folder.mkdir(parents=True, exist_ok=True)
    ref = EvidenceRef(file_name, hashlib.sha256(data).hexdigest(), len(data), "image/jpeg")
    audit = make_audit()
    audit.answers["W05"] = Answer("W05", "board.jpg", evidence=(ref,))
    path = folder / "audit.json"
    write_audit_file(audit, path)
    return path


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "secret.jpg"
    path.parent.mkdir()
    path.write_bytes(SECRET)
    return path


@pytest.mark.parametrize("kind", ["absolute", "dotdot", "backslash"])
def test_evidence_path_leaving_the_folder_is_refused(ws_root, make_audit, tmp_path, secret, kind):
    name = {"absolute": str(secret), "dotdot": "../outside/secret.jpg", "backslash": "..\\outside\\secret.jpg"}[kind]
    audit_file = _write_audit(make_audit, tmp_path / "inbox", name)
    before = snapshot(ws_root)
    result = run("import", "-w", str(ws_root), str(audit_file))
    assert_refused(result, str(audit_file), "answers.W05.evidence[0].file", "refused")
    assert snapshot(ws_root) == before
    assert hashlib.sha256(SECRET).hexdigest() not in "".join(snapshot(ws_root)[1])


@pytest.mark.parametrize("where", ["name", "evidence-folder"])
def test_symbolic_link_leaving_the_folder_is_refused(ws_root, make_audit, tmp_path, secret, where):
    inbox = tmp_path / "inbox"
    audit_file = _write_audit(make_audit, inbox, "board.jpg")
    if where == "name":
        (inbox / "board.jpg").symlink_to(secret)
    else:
        (inbox / "evidence").mkdir()
        (inbox / "evidence" / f"{hashlib.sha256(SECRET).hexdigest()}.jpg").symlink_to(secret)
    before = snapshot(ws_root)
    result = run("import", "-w", str(ws_root), str(audit_file))
    assert_refused(result, str(audit_file), "answers.W05.evidence[0].file", "symbolic link")
    assert snapshot(ws_root) == before


def test_symbolic_link_inside_the_folder_is_fine(ws_root, make_audit, tmp_path):
    """The rule is about where a file lies, not about links as such: a link to a sibling file is accepted."""
    inbox = tmp_path / "inbox"
    audit_file = _write_audit(make_audit, inbox, "board.jpg", PHOTO)
    (inbox / "photos").mkdir()
    (inbox / "photos" / "IMG_1.jpg").write_bytes(PHOTO)
    (inbox / "board.jpg").symlink_to(inbox / "photos" / "IMG_1.jpg")
    result = run("import", "-w", str(ws_root), str(audit_file))
    assert result.exit_code == 0, result.output
    assert f"{hashlib.sha256(PHOTO).hexdigest()}.jpg" in snapshot(ws_root)[1]


def test_folder_import_refuses_only_the_hostile_file(ws_root, make_audit, tmp_path, secret):
    good = _write_audit(make_audit, tmp_path / "batch" / "good", "board.jpg", GOOD)
    (good.parent / "board.jpg").write_bytes(GOOD)
    bad = _write_audit(make_audit, tmp_path / "batch" / "bad", str(secret))
    result = run("import", "-w", str(ws_root), str(tmp_path / "batch"))
    assert_refused(result, str(bad), "absolute path")
    _rows, files = snapshot(ws_root)
    assert hashlib.sha256(SECRET).hexdigest() not in "".join(files)
    assert f"{hashlib.sha256(GOOD).hexdigest()}.jpg" in files


def test_export_never_ships_a_file_from_outside_the_store(workspace, make_audit, tmp_path, secret):
    """Even when the store itself holds a link named like stored evidence (planted by hand), export refuses."""
    digest = hashlib.sha256(SECRET).hexdigest()
    audit = make_audit()
    audit.answers["W05"] = Answer(
        "W05", "board.jpg", evidence=(EvidenceRef("board.jpg", digest, len(SECRET), "image/jpeg"),)
    )
    workspace.repo.save_audits([audit])
    workspace.close()
    (workspace.evidence_dir / f"{digest}.jpg").symlink_to(secret)
    output = tmp_path / "out.zip"
    result = run("export", "-w", str(workspace.root), "--audit", audit.audit_id, "-o", str(output))
    assert_refused(result, "board.jpg", "not in the evidence store")
    assert not output.exists()


def test_audit_json_rejects_a_sha256_that_is_not_a_hash(ws_root, make_audit, tmp_path):
    """A 'hash' such as ../../etc/* would otherwise be globbed as a path by the evidence lookups."""
    audit_file = _write_audit(make_audit, tmp_path / "inbox", "board.jpg")
    data = json.loads(audit_file.read_text(encoding="utf-8"))
    data["answers"]["W05"]["evidence"][0]["sha256"] = "../../../etc/*"
    audit_file.write_text(json.dumps(data), encoding="utf-8")
    before = snapshot(ws_root)
    result = run("import", "-w", str(ws_root), str(audit_file))
    assert_refused(result, "answers.W05.evidence[0].sha256", "64 lower-case hexadecimal")
    assert snapshot(ws_root) == before


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_bundle_member_symlink_still_refused(ws_root, tmp_path):
    """Bundles keep their own member checks (zip-slip, links): one line here so the corpus covers them too."""
    import stat
    import zipfile

    bundle = tmp_path / "evil.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        info = zipfile.ZipInfo("evidence/link.jpg")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
        archive.writestr("manifest.json", "{}")
    before = snapshot(ws_root)
    result = run("import", "-w", str(ws_root), str(bundle))
    assert_refused(result, "evidence/link.jpg", "symbolic link")
    assert snapshot(ws_root) == before

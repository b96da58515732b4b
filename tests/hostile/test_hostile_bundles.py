"""Hostile bundles through `dealer-audit import`: manifests and audit members nested, duplicated or numbered
beyond reason, evidence that cannot be unpacked or decoded safely. The classic attacks (zip-slip, links, wrong
hashes) have their own tests in tests/formats/test_bundle.py; here each class of issue 12 is covered once more
end to end: a located message, exit 1, no traceback, the workspace unchanged."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from dealer_audit.core.answers import Answer, EvidenceRef
from dealer_audit.formats.bundle import MANIFEST, write_bundle
from tests.hostile.helpers import assert_refused, png_header, run, set_compression_method, snapshot

PHOTO = b"\xff\xd8\xff\xe0 status board"


def _bundle(tmp_path: Path, make_audit: Any, photo: bytes = PHOTO, file_name: str = "board.jpg") -> tuple[Path, Any]:
    """A valid bundle of one audit whose W05 photo is `photo` (stored in a scratch evidence folder)."""
    store = tmp_path / "store"
    store.mkdir(exist_ok=True)
    digest = hashlib.sha256(photo).hexdigest()
    (store / f"{digest}.jpg").write_bytes(photo)
    audit = make_audit()
    audit.answers["W05"] = Answer("W05", "board.jpg", evidence=(EvidenceRef(file_name, digest, len(photo)),))
    path = write_bundle([audit], store, tmp_path / "bundle.zip")
    return path, audit


def _rebuild(path: Path, replace: dict[str, bytes], raw_manifest: bytes | None = None) -> Path:
    """The bundle with members replaced; the manifest's hashes and sizes follow, unless `raw_manifest` is given."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members.update(replace)
    manifest = json.loads(members[MANIFEST])
    for entry in manifest["members"]:
        if entry["name"] in replace:
            entry["sha256"] = hashlib.sha256(replace[entry["name"]]).hexdigest()
            entry["size"] = len(replace[entry["name"]])
    members[MANIFEST] = raw_manifest if raw_manifest is not None else json.dumps(manifest).encode()
    out = path.with_name(f"hostile-{path.name}")
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out


def _refused(ws_root: Path, path: Path, *texts: str) -> None:
    before = snapshot(ws_root)
    result = run("import", "-w", str(ws_root), str(path))
    assert_refused(result, str(path), *texts)
    assert snapshot(ws_root) == before


def test_control_the_base_bundle_imports(ws_root, tmp_path, make_audit):
    path, _ = _bundle(tmp_path, make_audit)
    result = run("import", "-w", str(ws_root), str(_rebuild(path, {})))
    assert result.exit_code == 0, result.output


def test_deeply_nested_manifest(ws_root, tmp_path, make_audit):
    path, _ = _bundle(tmp_path, make_audit)
    manifest = b'{"format": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    _refused(ws_root, _rebuild(path, {}, manifest), "(manifest.json)", "nested more than")


def test_manifest_with_a_duplicate_key(ws_root, tmp_path, make_audit):
    path, _ = _bundle(tmp_path, make_audit)
    with zipfile.ZipFile(path) as archive:
        text = archive.read(MANIFEST).decode()
    duplicated = text.replace('"audits": [', '"audits": [], "audits": [', 1)
    _refused(ws_root, _rebuild(path, {}, duplicated.encode()), "(manifest.json audits)", "more than once")


def test_manifest_size_with_thousands_of_digits(ws_root, tmp_path, make_audit):
    path, _ = _bundle(tmp_path, make_audit)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    text = json.dumps(manifest).replace(f'"size": {len(PHOTO)}', '"size": ' + "7" * 5000, 1)
    _refused(ws_root, _rebuild(path, {}, text.encode()), "(manifest.json members[", "5,000 digits")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('"value": 3,', '"value": NaN,'), ("answers.R04.value", "not a finite number")),
        (('"value": 3,', '"value": 1e400,'), ("answers.R04.value", "too large to be finite")),
        (('"answers": {', '"answers": {"R01": {"value": "no"},'), ("answers.R01", "more than once")),
    ],
)
def test_hostile_audit_member(ws_root, tmp_path, make_audit, change, expected):
    path, audit = _bundle(tmp_path, make_audit)
    name = f"audits/{audit.audit_id}.json"
    with zipfile.ZipFile(path) as archive:
        text = archive.read(name).decode()
    assert change[0] in text
    _refused(ws_root, _rebuild(path, {name: text.replace(change[0], change[1], 1).encode()}), name, *expected)


def test_evidence_member_with_unknown_compression(ws_root, tmp_path, make_audit):
    path, _ = _bundle(tmp_path, make_audit)
    member = f"evidence/{hashlib.sha256(PHOTO).hexdigest()}.jpg"
    set_compression_method(path, member, 99)
    _refused(ws_root, path, member, "compression")


def test_decompression_bomb_evidence(ws_root, tmp_path, make_audit):
    bomb = png_header(20_000, 20_000)
    path, _ = _bundle(tmp_path, make_audit, photo=bomb)
    _refused(ws_root, path, f"evidence/{hashlib.sha256(bomb).hexdigest()}.jpg", "pixels")


def test_evidence_name_leaving_the_bundle(ws_root, tmp_path, make_audit):
    path, audit = _bundle(tmp_path, make_audit, file_name="../../../etc/passwd")
    _refused(ws_root, path, f"audits/{audit.audit_id}.json answers.W05.evidence[0].file", "'..'")

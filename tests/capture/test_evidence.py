"""The evidence store: content-addressed copies and media types from the bytes."""

from __future__ import annotations

import hashlib

import pytest

from dealer_audit.capture.evidence import EvidenceError, detect_media_type, evidence_path, store_evidence

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


def test_store_copies_by_hash_once(tmp_path):
    source = tmp_path / "接车.JPG"
    source.write_bytes(JPEG)
    store = tmp_path / "evidence"
    ref = store_evidence(source, store)
    assert ref.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert ref.file_name == "接车.JPG" and ref.size == len(JPEG) and ref.media_type == "image/jpeg"
    target = evidence_path(store, ref)
    assert target.name == f"{ref.sha256}.jpg" and target.read_bytes() == JPEG
    again = store_evidence(f"'{source}'", store)  # a path pasted with quotes
    assert again == ref
    assert sorted(p.name for p in store.iterdir()) == [target.name]


def test_media_type_from_content_not_name(tmp_path):
    disguised = tmp_path / "photo.jpg"
    disguised.write_bytes(PNG)
    assert detect_media_type(disguised) == "image/png"
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert detect_media_type(text) == "text/plain"


@pytest.mark.parametrize("make, message", [(None, "no such file"), ("dir", "not a file"), ("empty", "is empty")])
def test_refuses_bad_sources(tmp_path, make, message):
    path = tmp_path / "x.jpg"
    if make == "dir":
        path.mkdir()
    elif make == "empty":
        path.write_bytes(b"")
    with pytest.raises(EvidenceError, match=message):
        store_evidence(path, tmp_path / "evidence")


def test_an_os_error_is_an_evidence_error_not_a_crash(tmp_path):
    """The wizard shows EvidenceError and asks again; any other exception would end the audit in progress."""
    source = tmp_path / "photo.jpg"
    source.write_bytes(JPEG)
    not_a_folder = tmp_path / "evidence"
    not_a_folder.write_text("a file where the evidence folder should be")
    with pytest.raises(EvidenceError, match=f"cannot attach {source}"):
        store_evidence(source, not_a_folder)

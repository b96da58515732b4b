"""Auditor keys and manifest signatures: our signatures verify with Debian's stock minisign, and any change fails."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dealer_audit.formats.signing import (
    KeyFiles,
    SignatureError,
    generate_keys,
    key_id_of,
    load_secret_key,
    sign_manifest,
    signature_key_id,
    verify_manifest,
)


def pair(folder: Path, name: str) -> KeyFiles:
    return KeyFiles(folder / f"{name}.key", folder / f"{name}.pub")


MANIFEST = b'{"format": "dealer-audit/bundle", "files": {"a.json": "00ff"}}\n'


@pytest.fixture
def keys(tmp_path: Path):
    return generate_keys(pair(tmp_path / "keys", "wang"), "wang", "correct horse")


def test_secret_key_is_private_and_passphrase_protected(keys) -> None:
    assert oct(keys.secret_key.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(SignatureError, match="wrong passphrase"):
        load_secret_key(keys.secret_key, "wrong")
    assert load_secret_key(keys.secret_key, "correct horse") is not None


def test_a_second_init_does_not_overwrite_a_key(keys, tmp_path: Path) -> None:
    with pytest.raises(SignatureError, match="already exists"):
        generate_keys(pair(tmp_path / "keys", "wang"), "wang", "x")


def test_signature_verifies_and_names_its_key(keys) -> None:
    signature = sign_manifest(load_secret_key(keys.secret_key, "correct horse"), MANIFEST, "auditor:wang\tbundle:b1")
    public = keys.public_key.read_text()
    check = verify_manifest(public, MANIFEST, signature)
    assert check.trusted_comment == "auditor:wang\tbundle:b1"
    assert check.key_id == key_id_of(public) == signature_key_id(signature)


def test_any_change_to_the_manifest_fails(keys) -> None:
    signature = sign_manifest(load_secret_key(keys.secret_key, "correct horse"), MANIFEST, "auditor:wang")
    with pytest.raises(SignatureError, match="changed after signing"):
        verify_manifest(keys.public_key.read_text(), MANIFEST.replace(b"00ff", b"00fe"), signature)


def test_another_key_fails(keys, tmp_path: Path) -> None:
    other = generate_keys(pair(tmp_path / "other", "li"), "li", "pw")
    signature = sign_manifest(load_secret_key(keys.secret_key, "correct horse"), MANIFEST, "auditor:wang")
    with pytest.raises(SignatureError):
        verify_manifest(other.public_key.read_text(), MANIFEST, signature)


@pytest.mark.skipif(shutil.which("minisign") is None and os.environ.get("CI") != "true", reason="needs minisign")
def test_debian_minisign_verifies_our_signature(keys, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_bytes(MANIFEST)
    signature = sign_manifest(load_secret_key(keys.secret_key, "correct horse"), MANIFEST, "auditor:wang")
    (tmp_path / "manifest.json.minisig").write_bytes(signature)
    result = subprocess.run(
        ["minisign", "-V", "-p", str(keys.public_key), "-m", str(manifest)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "Trusted comment: auditor:wang" in result.stdout
    manifest.write_bytes(MANIFEST + b" ")
    tampered = subprocess.run(["minisign", "-V", "-p", str(keys.public_key), "-m", str(manifest)], capture_output=True)
    assert tampered.returncode != 0

"""Auditor keys and bundle signatures in minisign's format (Ed25519), so the stock `minisign -V` verifies them.

Why minisign: a bundle's sha256 list proves integrity but anyone can recompute it; a signature by a key HQ
enrolled proves which auditor's laptop made the bundle. minisign's files are small text files an operator can
read, and an independent verifier exists in every Linux distribution. What is signed is the bundle's
`manifest.json` (which lists the sha256 of every other member), so a change to any file breaks the signature.
The trusted comment names the auditor and the bundle, so a signature cannot be moved to another bundle unseen.
"""

from __future__ import annotations

import base64
import os
import string
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import minisign

from dealer_audit.errors import DealerAuditError

# scrypt cost of the passphrase that protects a secret key on the laptop: 4× libsodium's "interactive" level
# (64 MiB, about a quarter second); minisign's own default needs 1 GiB, too much for an old field laptop.
KDF_OPSLIMIT = 1 << 21
KDF_MEMLIMIT = 1 << 26
SIGNATURE_MEMBER = "manifest.json.minisig"
# py-minisign accepts only printable ASCII and tabs in comments: anything else (王芳) is percent-encoded
_COMMENT_SAFE = "".join(c for c in string.printable if c.isprintable() and c not in "%\t" and not c.isalnum())


class SignatureError(DealerAuditError):
    """A key or signature that cannot be used: wrong passphrase, damaged file, or a signature that fails."""


class SignatureMismatch(SignatureError):
    """Key and signature were read, and the signature does not fit the manifest: it was changed after signing
    (as opposed to a key or signature file that cannot be read at all)."""


@dataclass(frozen=True)
class KeyFiles:
    secret_key: Path
    public_key: Path


@dataclass(frozen=True)
class SignatureCheck:
    """What a verified signature says: the key that made it and its trusted comment."""

    key_id: str
    trusted_comment: str


def comment_text(text: str) -> str:
    """`text` as a comment may hold it: printable ASCII as is, anything else (王芳, tabs, line breaks) as UTF-8
    percent-escapes (王芳 → %E7%8E%8B%E8%8A%B3), which `comment_value` turns back."""
    return quote(text, safe=_COMMENT_SAFE)


def comment_value(text: str) -> str:
    """The text `comment_text` encoded."""
    return unquote(text)


def key_id_of(public_key_text: str) -> str:
    """The key id minisign prints (16 upper-case hex digits), from a public key file's text or its base64 line."""
    line = [ln for ln in public_key_text.strip().splitlines() if not ln.startswith("untrusted comment:")][-1]
    try:
        raw = base64.b64decode(line.strip(), validate=True)
    except ValueError:
        raise SignatureError(
            "not a minisign public key (its key line is not base64)", zh="不是 minisign 公钥（密钥行不是 base64）"
        ) from None
    if len(raw) != 42 or raw[:2] != b"Ed":
        raise SignatureError("not a minisign Ed25519 public key", zh="不是 minisign Ed25519 公钥")
    return raw[2:10][::-1].hex().upper()


def generate_keys(files: KeyFiles, auditor_id: str, passphrase: str, *, overwrite: bool = False) -> KeyFiles:
    """A new key pair of `auditor_id` at `files` (where services/bundle_signatures.key_files puts them): the secret
    key passphrase-protected, mode 0600."""
    if not passphrase:
        raise SignatureError("a passphrase is required to protect the secret key", zh="必须设置口令来保护私钥")
    secret_path, public_path = files.secret_key, files.public_key
    secret_path.parent.mkdir(parents=True, exist_ok=True)  # the pair's one folder (key_files: keys/)
    if not overwrite and (secret_path.exists() or public_path.exists()):
        raise SignatureError(
            f"{secret_path} already exists: keep it, or remove it first to make a new key",
            zh=f"{secret_path} 已存在：请保留它，或先删除它再生成新密钥",
        )
    pair = minisign.KeyPair.generate()
    pair.secret_key.encrypt(passphrase, opslimit=KDF_OPSLIMIT, memlimit=KDF_MEMLIMIT)
    who = comment_text(auditor_id)
    secret_text = f"untrusted comment: dealer-audit secret key of {who}\n".encode() + pair.secret_key.to_base64()
    public = pair.public_key
    public_text = f"untrusted comment: dealer-audit public key of {who}\n".encode() + public.to_base64()
    descriptor = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secret_text + b"\n")
    public_path.write_bytes(public_text + b"\n")
    return KeyFiles(secret_path, public_path)


def load_secret_key(path: Path, passphrase: str) -> minisign.SecretKey:
    try:
        key = minisign.SecretKey.from_file(path)
    except (OSError, minisign.Error) as error:
        raise SignatureError(
            f"{path}: cannot read the secret key ({error})", zh=f"{path}：无法读取私钥（{error}）"
        ) from None
    try:
        key.decrypt(passphrase)
    except minisign.Error:
        raise SignatureError(f"{path}: wrong passphrase for this key", zh=f"{path}：口令与此密钥不符") from None
    return key


def sign_manifest(secret_key: minisign.SecretKey, manifest: bytes, trusted_comment: str) -> bytes:
    """The `.minisig` file's bytes for `manifest` (pure Ed25519, as `minisign -S` writes for small files)."""
    signature = secret_key.sign(manifest, prehash=False, trusted_comment=trusted_comment)
    return bytes(signature) + b"\n"


def verify_manifest(public_key_text: str, manifest: bytes, signature: bytes) -> SignatureCheck:
    """Check `signature` over `manifest` with one public key; SignatureError says why it fails."""
    try:
        public = minisign.PublicKey.from_base64(
            [ln for ln in public_key_text.strip().splitlines() if not ln.startswith("untrusted comment:")][-1]
        )
        parsed = minisign.Signature.from_bytes(signature)
    except (minisign.Error, IndexError, ValueError) as error:
        raise SignatureError(
            f"the signature or key cannot be read ({error})", zh=f"无法读取签名或密钥（{error}）"
        ) from None
    try:
        public.verify(manifest, parsed)
    except minisign.Error:
        raise SignatureMismatch(
            "the signature does not match: the manifest was changed after signing",
            zh="签名不符：manifest.json 在签名后被修改过",
        ) from None
    return SignatureCheck(signature_key_id(signature), parsed.trusted_comment)


def signature_key_id(signature: bytes) -> str:
    """The id of the key that made a `.minisig` (to pick the enrolled key before verifying)."""
    lines = [ln for ln in signature.decode("utf-8", "replace").splitlines() if ln.strip()]
    if len(lines) < 2:
        raise SignatureError("the signature file is incomplete", zh="签名文件不完整")
    try:
        raw = base64.b64decode(lines[1].strip(), validate=True)
    except ValueError:
        raise SignatureError("the signature file is damaged (not base64)", zh="签名文件已损坏（不是 base64）") from None
    if len(raw) != 74:
        raise SignatureError("the signature file is damaged (wrong length)", zh="签名文件已损坏（长度不对）")
    return raw[2:10][::-1].hex().upper()

"""The evidence store: photos and files copied into the workspace, named by their sha256.

Why by hash: the same photo attached twice is stored once, a bundle can prove every file arrived intact, and
a file name typed on one laptop can never collide with another's. The original name is kept in the
EvidenceRef for people; the bytes live at `<evidence_dir>/<sha256><suffix>`.
"""

from __future__ import annotations

import mimetypes
import os
import shutil
import tempfile
from pathlib import Path

from dealer_audit.core.answers import EvidenceRef
from dealer_audit.errors import DealerAuditError
from dealer_audit.storage.workspace import file_sha256

MAX_EVIDENCE_BYTES = 50 * 1024 * 1024  # a phone photo or short clip; anything larger is probably a mistake

_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"BM", 0, "image/bmp"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
)


class EvidenceError(DealerAuditError):
    """A file that cannot be attached (missing, a folder, empty, too large)."""


def detect_media_type(path: Path, head: bytes | None = None) -> str:
    """The media type from the file's first bytes (a renamed .jpg is still a PNG), else from its suffix."""
    if head is None:
        with path.open("rb") as handle:
            head = handle.read(32)
    for signature, offset, media_type in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
            return "image/heic"
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def stored_name(ref: EvidenceRef) -> str:
    """The file name of the bytes inside the evidence store."""
    suffix = Path(ref.file_name).suffix.lower()
    if not (suffix.isascii() and len(suffix) <= 10 and suffix[1:].isalnum()):
        suffix = ""  # same rule as storage.workspace.EvidenceStore: odd suffixes are dropped
    return f"{ref.sha256}{suffix}"


def evidence_path(evidence_dir: Path, ref: EvidenceRef) -> Path:
    return evidence_dir / stored_name(ref)


def store_evidence(source: str | Path, evidence_dir: Path) -> EvidenceRef:
    """Copy a file into the evidence store (atomically, once per content) and describe it.

    The copy goes to a temporary name first and is renamed into place, so a crash never leaves a half file
    under a hash name. Any OSError (an unreadable photo, a full disk) becomes an EvidenceError, which the wizard
    shows before asking again: a bad file must never end an audit in progress.
    """
    path = Path(str(source).strip().strip("'\"")).expanduser()
    try:
        return _store(path, evidence_dir)
    except OSError as error:
        raise EvidenceError(f"cannot attach {path}: {error.strerror or error}") from None


def _store(path: Path, evidence_dir: Path) -> EvidenceRef:
    if not path.exists():
        raise EvidenceError(f"no such file: {path}")
    if not path.is_file():
        raise EvidenceError(f"{path} is not a file")
    size = path.stat().st_size
    if size == 0:
        raise EvidenceError(f"{path} is empty")
    if size > MAX_EVIDENCE_BYTES:
        raise EvidenceError(f"{path} is {size / 1e6:.0f} MB; the limit is {MAX_EVIDENCE_BYTES // 1_000_000} MB")
    digest = file_sha256(path)
    ref = EvidenceRef(file_name=path.name, sha256=digest, size=size, media_type=detect_media_type(path))
    evidence_dir.mkdir(parents=True, exist_ok=True)
    target = evidence_path(evidence_dir, ref)
    if not target.exists():
        handle, temporary = tempfile.mkstemp(dir=evidence_dir, prefix=".incoming-")
        os.close(handle)
        try:
            shutil.copyfile(path, temporary)
            Path(temporary).replace(target)
        finally:
            Path(temporary).unlink(missing_ok=True)
    return ref

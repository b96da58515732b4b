"""The shared helpers have one home each (core/lookup, core/versions, core/canonical, core/batches) and the
package has no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealer_audit.core.batches import chunks
from dealer_audit.core.canonical import canonical_hash, canonical_json
from dealer_audit.core.versions import version_key

PACKAGE = Path(__file__).resolve().parents[2] / "dealer_audit"


def test_version_key_treats_every_separator_alike() -> None:
    # the two former copies disagreed here: one put 1.10 before 1-9
    assert version_key("1.10") > version_key("1-9")
    assert version_key("1-10") > version_key("1.9")
    assert version_key("2026.10") > version_key("2026.9") > version_key("2025.12")
    assert version_key("2026_1") == version_key("2026.1") == version_key("2026-1")
    assert version_key("2026.1") < version_key("2026.1a") < version_key("2026.2")


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=4), st.sampled_from(".-_"))
def test_version_key_orders_like_the_numbers(parts: list[int], separator: str) -> None:
    text = separator.join(map(str, parts))
    assert version_key(text) == tuple((0, p) for p in parts)


def test_capture_and_rescore_pick_the_same_newest_version(workspace: object, mini_standard: object) -> None:
    """Storage (what capture uses) and the re-scoring service once sorted versions with different copies."""
    from dataclasses import replace

    from dealer_audit.core import aggregate
    from dealer_audit.services import scoring_job
    from dealer_audit.storage import standards

    repo = workspace.repo  # type: ignore[attr-defined]
    for version in ("1-9", "1.10"):
        repo.save_standard(replace(mini_standard, id="versioned", version=version))
    assert repo.latest_standard("versioned").version == "1.10"
    assert scoring_job.version_key is aggregate.version_key is standards.version_key is version_key


def test_canonical_json_is_order_free_and_unescaped() -> None:
    assert canonical_json({"b": 1, "a": ["无", 2.5]}) == '{"a":["无",2.5],"b":1}'
    assert canonical_hash({"b": 1, "a": 2}) == canonical_hash({"a": 2, "b": 1})
    assert canonical_hash({"a": 1}) != canonical_hash({"a": 2})


def test_chunks() -> None:
    assert [list(c) for c in chunks([1, 2, 3, 4, 5], 2)] == [[1, 2], [3, 4], [5]]
    assert list(chunks([], 3)) == []
    with pytest.raises(ValueError):
        list(chunks([1], 0))


def _imports(path: Path, module: str) -> set[str]:
    """dealer_audit modules `module` imports at module level (what an import cycle is made of)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("dealer_audit") and name != module}


def _all_imports(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_import_cycle() -> None:
    modules = {
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
        for p in PACKAGE.rglob("*.py")
    }
    graph = {name: {i for i in _imports(path, name) if i in modules} for name, path in modules.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail, name, target]))
            if target not in state:
                visit(target, [*trail, name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_rules_do_not_import_the_codec() -> None:
    """rules ↔ standard_codec was the cycle: the codec runs the rules, the rules only need lookup helpers."""
    assert not any("standard_codec" in name for name in _all_imports(PACKAGE / "core" / "rules.py"))
    codec = (PACKAGE / "core" / "standard_codec.py").read_text(encoding="utf-8")
    assert "def close_matches" not in codec and "def join" not in codec and "def version_key" not in codec


def test_did_you_mean_hint_names_every_close_word_in_both_languages() -> None:
    from dealer_audit.core.lookup import did_you_mean_hint
    from dealer_audit.errors import Message

    codes = ["SH001", "SH002", "BJ001"]
    assert did_you_mean_hint("sh00", codes) == Message("did you mean SH001, SH002?", "是否应为 SH001, SH002？")
    wang = did_you_mean_hint("Wang Fan", ["Wang Fang", "wang.fang"], quoted=True)
    assert wang == Message("did you mean 'Wang Fang'?", "是否应为 “Wang Fang”？")
    assert did_you_mean_hint("XYZ", codes) == Message("", "")
    fallback = Message("load dealers", "导入经销商")
    assert did_you_mean_hint("XYZ", codes, otherwise=fallback) is fallback
    assert did_you_mean_hint("sh00", codes, otherwise=fallback).en == "did you mean SH001, SH002?"


def test_a_bilingual_did_you_mean_scans_the_candidates_once(
    monkeypatch: pytest.MonkeyPatch, mini_program: object
) -> None:
    """Both languages of one refusal come from one `close_matches` scan (it was one per language: with 3,000
    dealer codes a scan is ~50 ms)."""
    from dealer_audit.core import lookup
    from dealer_audit.errors import NotFound
    from dealer_audit.services import kpis
    from dealer_audit.storage.common import did_you_mean_suffix

    calls: list[str] = []
    real = lookup.close_matches

    def counting(word: str, *args: object, **kwargs: object) -> list[str]:
        calls.append(word)
        return real(word, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lookup, "close_matches", counting)
    with pytest.raises(NotFound) as refused:
        kpis._check_wave(mini_program, "2026-q4")  # type: ignore[arg-type]
    assert calls == ["2026-q4"]
    assert "(did you mean 2026-Q4" in str(refused.value) and "（是否应为 2026-Q4" in refused.value.text("zh")
    calls.clear()
    suffix = did_you_mean_suffix("sh00", ["SH001", "SH002"])
    assert calls == ["sh00"]
    assert (suffix.en, suffix.zh) == (" (did you mean SH001, SH002?)", "（是否应为 SH001, SH002？）")
    assert did_you_mean_suffix("XYZ", ["SH001"]).en == did_you_mean_suffix("XYZ", ["SH001"]).zh == ""


# modules whose "did you mean" lists keep their own rule, with the reason
_OWN_RULE = {
    # only `suggest`, for item ids typed in the wizard; waves, dealers and standards named on the command line
    # (capture/targets.py) use core/lookup like every other refusal
    "capture/session.py": "the capture wizard's looser difflib cutoff (0.4) for item ids typed on a phone",
}


def test_list_form_did_you_mean_hints_come_from_core_lookup() -> None:
    """Every "did you mean A, B?" of the tool is worded by core/lookup.did_you_mean_hint: none joins its own
    list of guesses into the text (they differed: 是否是 / 是否想写 / 是否应为)."""
    built_by_hand = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where == "core/lookup.py" or where in _OWN_RULE or where.startswith("render/pdf/"):
            continue
        text = path.read_text(encoding="utf-8")
        for marker in ("did you mean {", "是否应为 {", "是否是 {", "是否想写 {"):
            if marker in text:
                built_by_hand.append(f"{where}: {marker}")
    assert built_by_hand == []

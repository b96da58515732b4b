"""Hostile audit files (JSON) through `dealer-audit import`: depth, huge and non-finite numbers, duplicate keys,
size. Each is refused with its location, exit 1, no traceback, and the workspace unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dealer_audit.formats.audit_json import dumps_audit
from dealer_audit.formats.json_input import MAX_DEPTH, MAX_JSON_BYTES
from tests.hostile.helpers import assert_refused, run, snapshot


def _valid_text(make_audit: Any) -> str:
    return dumps_audit(make_audit())


def _import(ws_root: Path, path: Path, *texts: str) -> None:
    before = snapshot(ws_root)
    result = run("import", "-w", str(ws_root), str(path))
    assert_refused(result, str(path), *texts)
    assert snapshot(ws_root) == before


def test_deeply_nested_value_is_refused(ws_root, make_audit, tmp_path):
    data = json.loads(_valid_text(make_audit))
    deep = "[" * 100_000 + "]" * 100_000
    text = json.dumps(data, ensure_ascii=False).replace('"note": "等了3分钟"', f'"note": {deep}')
    assert "[[[" in text
    path = tmp_path / "deep.json"
    path.write_text(text, encoding="utf-8")
    _import(ws_root, path, f"nested more than {MAX_DEPTH} levels deep")


def test_moderately_nested_value_is_located(ws_root, make_audit, tmp_path):
    data = json.loads(_valid_text(make_audit))
    data["answers"]["R04"]["note"] = json.loads("[" * 40 + "]" * 40)
    path = tmp_path / "deep40.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _import(ws_root, path, "(answers.R04.note", f"nested more than {MAX_DEPTH} levels deep")


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("9" * 5000, "a whole number of 5,000 digits"),
        ("1e999", "too large to be finite"),
        ("-1e999", "too large to be finite"),
        ("NaN", "not a finite number"),
        ("Infinity", "not a finite number"),
        ("1." + "5" * 100, "written with 102 characters"),
    ],
)
def test_unreadable_number_answer_is_refused_at_its_path(ws_root, make_audit, tmp_path, number, expected):
    text = _valid_text(make_audit).replace('"value": 3,', f'"value": {number},', 1)
    assert number in text
    path = tmp_path / "number.json"
    path.write_text(text, encoding="utf-8")
    _import(ws_root, path, "(answers.R04.value)", expected)


def test_item_answered_twice_is_refused(ws_root, make_audit, tmp_path):
    text = _valid_text(make_audit).replace('"answers": {', '"answers": {\n    "R01": {"value": "no"},', 1)
    path = tmp_path / "twice.json"
    path.write_text(text, encoding="utf-8")
    _import(ws_root, path, "(answers.R01)", "'R01' appears more than once")


def test_duplicate_top_level_key_is_refused(ws_root, make_audit, tmp_path):
    text = _valid_text(make_audit).replace('"wave": "2026-Q4",', '"wave": "2026-Q4",\n  "wave": "2025-Q1",', 1)
    path = tmp_path / "wave-twice.json"
    path.write_text(text, encoding="utf-8")
    _import(ws_root, path, "(wave)", "'wave' appears more than once")


def test_oversized_file_is_refused_without_reading_it_whole(ws_root, make_audit, tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b'{"pad": "')
        handle.truncate(MAX_JSON_BYTES + 10)  # sparse: no disk, no time
    _import(ws_root, path, f"at most {MAX_JSON_BYTES:,} are read")


def test_number_answer_near_the_limit_still_imports(ws_root, make_audit, tmp_path):
    """The bounds refuse the absurd, not the ordinary: a long-but-sane number answer imports."""
    text = _valid_text(make_audit).replace('"value": 3,', '"value": 3.25,', 1)
    path = tmp_path / "ok.json"
    path.write_text(text, encoding="utf-8")
    result = run("import", "-w", str(ws_root), str(path))
    assert result.exit_code == 0, result.output

"""The import service's table of readers: one entry per kind of file, content before suffix."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from dealer_audit.services.importing import (
    AUDIT_FILE,
    BUNDLE,
    FIELD_EXPORT,
    FILL_IN_WORKBOOK,
    FOLDER_SUFFIXES,
    READERS,
    reader_for,
)

FIELD_EXPORTS = Path(__file__).parents[1] / "fixtures" / "field_exports"


def test_one_reader_per_kind() -> None:
    kinds = [reader.kind for reader in READERS]
    assert sorted(kinds) == sorted(set(kinds)) == ["audit", "bundle", "field-export", "form"]
    assert set(FOLDER_SUFFIXES) == {".json", ".zip"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("visit.json", AUDIT_FILE), ("filled.xlsm", FILL_IN_WORKBOOK), ("notes.txt", None), ("plain.csv", None)],
)
def test_suffix_decides_when_content_names_no_kind(tmp_path: Path, name: str, expected: object) -> None:
    path = tmp_path / name
    path.write_text("code\nSH001\n", encoding="utf-8")
    assert reader_for(path) is expected


def test_a_zip_that_is_no_bundle_still_goes_to_the_bundle_reader(tmp_path: Path) -> None:
    """read_bundle then names what is wrong with it, instead of a vague 'unknown file'."""
    path = tmp_path / "odd.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert reader_for(path) is BUNDLE


def test_field_exports_are_recognised_by_content() -> None:
    exports = sorted(p for p in FIELD_EXPORTS.rglob("*") if p.suffix.lower() in (".csv", ".xlsx", ".zip"))
    assert exports, "the field-export fixtures moved"
    assert [p.name for p in exports if reader_for(p) is not FIELD_EXPORT] == []

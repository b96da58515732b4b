"""The shared file helpers: yes/no words, workbooks that are not workbooks, and writes that never leave half a file."""

import zipfile
from pathlib import Path

import pytest

from dealer_audit.errors import NotFound, ValidationFailed
from dealer_audit.formats.files import cell_text, open_workbook, write_atomically, yes_no


@pytest.mark.parametrize(
    ("text", "expected"),
    [("yes", True), (" Y ", True), ("TRUE", True), ("是", True), ("no", False), ("否", False), ("maybe", None)],
)
def test_yes_no_words_in_both_languages(text: str, expected: bool | None) -> None:
    assert yes_no(text) is expected


def test_cell_text_shows_whole_numbers_without_decimals() -> None:
    assert [cell_text(v) for v in (None, 3.0, 2.5, " a ")] == ["", "3", "2.5", "a"]


def test_open_workbook_names_what_the_file_really_is(tmp_path: Path) -> None:
    text = tmp_path / "text.xlsx"
    text.write_text("code,name\n")
    renamed_zip = tmp_path / "other.xlsx"
    with zipfile.ZipFile(renamed_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    for path, words in ((text, "not a zip archive"), (renamed_zip, "without spreadsheet parts"), (folder, "folder")):
        with pytest.raises(ValidationFailed) as failure:
            open_workbook(path)
        (problem,) = failure.value.problems
        assert problem.location.file == str(path)
        assert words in problem.message
    with pytest.raises(NotFound):
        open_workbook(tmp_path / "missing.xlsx")


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("old")

    def half_then_fail(temp: Path) -> None:
        temp.write_text("half")
        raise ValidationFailed([], "late problem")

    with pytest.raises(ValidationFailed, match="late problem"):
        write_atomically(target, half_then_fail)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]
    write_atomically(target, lambda temp: temp.write_text("new"))
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def test_write_errors_name_the_target_instead_of_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "report.xlsx"
    folder.mkdir()
    blocker = tmp_path / "file"
    blocker.write_text("")
    for target in (folder, blocker / "sub" / "out.xlsx"):
        with pytest.raises(ValidationFailed) as failure:
            write_atomically(target, lambda temp: temp.write_text("x"))
        assert failure.value.problems[0].location.file == str(target)

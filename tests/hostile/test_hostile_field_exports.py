"""Hostile field-app exports (ODK Central zip / CSV, Kobo XLSX) through `dealer-audit import`: oversized and
unreadable zip members, numbers and evidence names no reader may accept, stray cells a million rows down."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from dealer_audit.formats.field_exports import MAX_MEDIA_BYTES
from tests.hostile.helpers import assert_refused, png_header, run, set_compression_method, snapshot

FIXTURE = Path(__file__).parents[1] / "fixtures" / "field_exports" / "mini-service.csv"
PHOTO = "1760238000123.jpg"


def odk_csv(**changes: str) -> str:
    """The fixture's header and its first submission (dealer SH001), with cells replaced by column name."""
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, first = rows[0], rows[1]
    for column, value in changes.items():
        first[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, first])
    return out.getvalue()


def central_zip(path: Path, text: str, media: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mini-service.csv", text)
        for name, data in (media or {}).items():
            archive.writestr(f"media/{name}", data)
    return path


def _refused(ws_root: Path, path: Path, *texts: str) -> None:
    before = snapshot(ws_root)
    result = run("import", "-w", str(ws_root), str(path))
    assert_refused(result, *texts)
    assert snapshot(ws_root) == before


def test_control_the_plain_export_imports(ws_root, tmp_path):
    """The corpus' base file is valid: every refusal below is caused by the one hostile change."""
    path = central_zip(tmp_path / "ok.zip", odk_csv(), {PHOTO: b"\xff\xd8\xff\xe0 photo"})
    result = run("import", "-w", str(ws_root), str(path))
    assert result.exit_code == 0, result.output
    assert "1 imported" in result.output


def test_oversized_media_member_is_refused_by_name(ws_root, tmp_path):
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("mini-service.csv", odk_csv())
        with archive.open(f"media/{PHOTO}", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(MAX_MEDIA_BYTES // len(block) + 2):
                member.write(block)
    _refused(ws_root, path, str(path), f"media/{PHOTO}", f"the limit is {MAX_MEDIA_BYTES:,}")


@pytest.mark.parametrize("member", ["mini-service.csv", f"media/{PHOTO}"])
def test_unknown_compression_method_is_located(ws_root, tmp_path, member):
    path = central_zip(tmp_path / "method.zip", odk_csv(), {PHOTO: b"\xff\xd8\xff\xe0 photo"})
    set_compression_method(path, member, 99)
    _refused(ws_root, path, str(path), member, "compression")


@pytest.mark.parametrize("number", ["1e999", "9" * 400])
def test_number_too_large_to_be_finite_is_refused_at_its_cell(ws_root, tmp_path, number):
    path = tmp_path / "number.csv"
    path.write_text(odk_csv(**{"reception-R04": number}), encoding="utf-8")
    _refused(ws_root, path, f"{path}:2", "reception-R04", "too large to be a finite number")


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini"])
def test_evidence_name_leaving_the_export_is_refused(ws_root, tmp_path, name):
    path = tmp_path / "photo.csv"
    path.write_text(odk_csv(**{"reception-R01_photo": name}), encoding="utf-8")
    _refused(ws_root, path, f"{path}:2", "reception-R01_photo", "refused")


def test_decompression_bomb_photo_is_refused(ws_root, tmp_path):
    path = central_zip(tmp_path / "bomb.zip", odk_csv(), {PHOTO: png_header(20_000, 20_000)})
    _refused(ws_root, path, str(path), PHOTO, "pixels")


def test_kobo_workbook_with_a_stray_cell_in_the_last_row_is_refused_quickly(ws_root, tmp_path):
    from openpyxl import Workbook

    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    kobo_header = [*rows[0], "_uuid", "_submission_time"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(kobo_header)
    sheet.append([*rows[1], "6f1c2a3e-8d4b-4c1e-9a7f-1b2c3d4e5f60", "2026-10-12T03:12:41"])
    sheet.cell(row=1_048_576, column=3, value="oops")
    path = tmp_path / "kobo.xlsx"
    workbook.save(path)
    _refused(ws_root, path, str(path), "A1048576", "row 1,048,576")


def test_edit_count_with_thousands_of_digits(ws_root, tmp_path):
    path = tmp_path / "edits.csv"
    path.write_text(odk_csv(Edits="9" * 5000), encoding="utf-8")
    _refused(ws_root, path, f"{path}:2", "'Edits'", "not a count of edits")

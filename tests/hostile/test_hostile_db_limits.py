"""Class 6 of issue 12: what the database cannot hold (a NUL character, an over-long code, an unpaired surrogate)
is a located input error found before the database is touched — the same message on SQLite and PostgreSQL, from
every reader that stores text. The lengths come from storage/models.py (`column_length`), never from a copy."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from dealer_audit.storage.limits import column_length
from dealer_audit.storage.workspace import Workspace

FIXTURES = Path(__file__).parents[1] / "fixtures"
CODE_MAX = column_length("dealers", "code")
LONG_CODE = "SH" + "9" * CODE_MAX  # one character more than the column
AUDIT_ID = "33333333-3333-4333-8333-333333333333"


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """Refusals asserted in English (the workspace is zh); their Chinese is asserted in
    tests/cli/test_cli_error_language_services.py."""
    monkeypatch.setenv("DEALER_AUDIT_LANG", "en")


@pytest.fixture
def ws(tmp_path, db_url, mini_standard, mini_program, sample_dealers):
    """A workspace with the mini standard, program and dealers, on SQLite and (second run) on PostgreSQL."""
    workspace = Workspace.init(tmp_path / "ws", db_url=db_url)
    workspace.repo.save_standard(mini_standard)
    workspace.repo.save_program(mini_program)
    workspace.repo.save_dealers(sample_dealers)
    workspace.close()
    return workspace


def run(cli, ws, db_snapshot, *args):
    """Run a command in the workspace and return (result, whether the database was left unchanged)."""
    before = db_snapshot(ws.db_url)
    result = cli(*args[:-1], "-w", str(ws.root), args[-1]) if args[0] != "import" else cli(*args, "-w", str(ws.root))
    return result, db_snapshot(ws.db_url) == before


def test_the_lengths_are_read_from_the_tables():
    assert (CODE_MAX, column_length("audits", "wave"), column_length("dealers", "name_zh")) == (50, 50, None)


def test_dealers_csv_nul_and_long_code_are_refused_at_line_and_column(cli, ws, db_snapshot, assert_refused, tmp_path):
    csv = tmp_path / "dealers.csv"
    csv.write_text(
        "code,name_zh,name_en,region,tier\n"
        f"{LONG_CODE},长代码,Long,east,A\n"
        "SH003,上海\x00三店,Three,east,B\n"
        "SH004,四店,Four,east,C\n",
        encoding="utf-8",
    )
    result, unchanged = run(cli, ws, db_snapshot, "dealers", "import", str(csv))
    assert_refused(
        result,
        f"{csv}:2: code: is {len(LONG_CODE)} characters long; at most {CODE_MAX} fit",
        f"{csv}:3: name_zh: contains a NUL character",
    )
    assert ":4:" not in result.output
    assert unchanged


def test_dealers_xlsx_is_refused_at_its_cell(cli, ws, db_snapshot, assert_refused, tmp_path):
    book = tmp_path / "dealers.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Dealers"
    sheet.append(["code", "name_zh", "region"])
    sheet.append(["SH005", "五店", "r" * 51])  # a region code longer than the column
    workbook.save(book)
    result, unchanged = run(cli, ws, db_snapshot, "dealers", "import", str(book))
    assert_refused(result, f"{book}!Dealers!C2: region: is 51 characters long; at most 50 fit")
    assert unchanged


def audit_file(tmp_path: Path, **changes: object) -> Path:
    data: dict[str, object] = {
        "format": "dealer-audit/audit",
        "format_version": 1,
        "audit_id": AUDIT_ID,
        "dealer": "SH001",
        "standard": {"id": "mini-service", "version": "2026.1"},
        "wave": "2026-Q4",
        "auditor": "王芳",
        "status": "draft",
        "answers": {"R01": {"value": "yes", "note": "ok"}},
    }
    data.update(changes)
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")  # \u0000 and \ud800 escaped as JSON
    return path


def test_audit_json_nul_surrogate_and_long_wave_are_refused_at_their_json_path(
    cli, ws, db_snapshot, assert_refused, tmp_path
):
    path = audit_file(
        tmp_path,
        wave="W" * 60,
        auditor="王\x00芳",
        answers={
            "R01": {
                "value": "yes",
                "note": "bad \ud800 text",
                "evidence": [{"file": "photo.jpg", "media_type": "image/" + "x" * 120}],
            }
        },
    )
    result, unchanged = run(cli, ws, db_snapshot, "import", str(path))
    assert_refused(
        result,
        f"{path} (wave): wave: is 60 characters long; at most 50 fit",
        f"{path} (auditor): auditor: contains a NUL character",
        f"{path} (answers.R01.note): answers.R01.note: contains an unpaired surrogate (U+D800)",
        f"{path} (answers.R01.evidence[0].media_type): answers.R01.evidence[0].media_type: is 126 characters long; "
        "at most 100 fit",
    )
    assert unchanged


def test_standard_yaml_with_an_over_long_version_is_refused_at_its_line(cli, ws, db_snapshot, assert_refused, tmp_path):
    text = (FIXTURES / "mini_standard.yaml").read_text(encoding="utf-8")
    assert "\nversion: " in text or "version:" in text
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("version:"))
    lines[number] = "version: '" + "9" * 51 + "'"
    standard = tmp_path / "long.yaml"
    standard.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = db_snapshot(ws.db_url)
    result = cli("standards", "import", "-w", str(ws.root), str(standard))
    assert_refused(result, f"{standard}:{number + 1}: version: is 51 characters long; at most 50 fit")
    assert db_snapshot(ws.db_url) == before


def test_field_export_nul_in_a_note_is_refused_at_its_row_and_column(
    cli, ws, db_snapshot, assert_refused, tmp_path, monkeypatch
):
    monkeypatch.setenv("DEALER_AUDIT_LANG", "en")  # the workspace speaks Chinese; the refusal is read in English
    header, first = (FIXTURES / "field_exports" / "mini-service.csv").read_text(encoding="utf-8").splitlines()[:2]
    export = tmp_path / "export.csv"
    export.write_text(header + "\n" + first.replace("没有使用平板", "没有\x00平板") + "\n", encoding="utf-8")
    result, unchanged = run(cli, ws, db_snapshot, "import", str(export))
    assert_refused(result, f"{export}:2: column 'reception-R01_note': answers.R01.note: contains a NUL character")
    assert unchanged


def test_the_repository_refuses_what_no_reader_located(ws, make_audit):
    """The last guard for callers without a file (wizard, web app): same refusal, nothing written."""
    from dealer_audit.core.answers import Answer
    from dealer_audit.errors import ValidationFailed

    with Workspace.open(ws.root) as opened:
        audit = make_audit(audit_id=AUDIT_ID)
        opened.repo.save_audit(audit)
        with pytest.raises(ValidationFailed, match=r"answers.R02.note: contains a NUL character"):
            opened.repo.save_answer(AUDIT_ID, Answer("R02", "yes", note="a\x00b"))
        assert opened.repo.get_audit(AUDIT_ID).answers["R02"] == audit.answers["R02"]

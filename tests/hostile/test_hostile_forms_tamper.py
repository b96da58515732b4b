"""Class 5 of issue 12: a filled workbook whose hidden `_meta` was edited, or that another workspace made, is
refused at its cell through `dealer-audit import`, and the database stays as it was."""

from __future__ import annotations

import stat
from pathlib import Path

import openpyxl
import pytest

from dealer_audit.storage.workspace import FORM_KEY_FILE, Workspace


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workspace speaks Chinese; these refusals are read in English (one test asks for the workspace's)."""
    monkeypatch.setenv("DEALER_AUDIT_LANG", "en")


def make_form(cli, ws_root: Path, target: Path, dealer: str = "SH001") -> Path:
    result = cli("form", "-w", str(ws_root), "-d", dealer, "-s", "mini-service", "--wave", "2026-Q4", "-o", str(target))
    assert result.exit_code == 0, result.output
    return target


def edit(path: Path, sheet: str, cells: dict[str, object]) -> Path:
    workbook = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        workbook[sheet][ref] = value
    workbook.save(path)
    return path


def meta_rows(path: Path) -> dict[str, int]:
    meta = openpyxl.load_workbook(path)["_meta"]
    return {str(meta.cell(r, 1).value): r for r in range(1, 19) if meta.cell(r, 1).value}


@pytest.fixture
def ws_root(workspace) -> Path:
    workspace.close()
    return workspace.root


def test_meta_naming_another_dealer_than_the_header_is_refused_at_its_cells(
    cli, assert_refused, db_snapshot, ws_root, tmp_path
):
    form = make_form(cli, ws_root, tmp_path / "SH001.xlsx")
    rows = meta_rows(form)
    edit(form, "Audit", {"H6": "是/Yes"})
    edit(form, "_meta", {f"B{rows['dealer_code']}": "SH002"})  # the header still says SH001
    before = db_snapshot(f"sqlite:///{ws_root / 'audit.db'}")
    result = cli("import", "-w", str(ws_root), str(form))
    assert_refused(
        result,
        f"{form}!_meta!B{rows['seal']}",
        "does not carry this workspace's seal",
        f"{form}!Audit!B2",
        "the header names dealer 'SH001' but the hidden _meta sheet names 'SH002'",
    )
    assert db_snapshot(f"sqlite:///{ws_root / 'audit.db'}") == before


@pytest.mark.parametrize(
    "field", ["audit_id", "dealer_code", "dealer_attributes", "wave", "generated_at", "standard_hash", "first_row"]
)
def test_every_meta_field_is_sealed(cli, assert_refused, db_snapshot, ws_root, tmp_path, field):
    form = make_form(cli, ws_root, tmp_path / "SH001.xlsx")
    row = meta_rows(form)[field]
    value = openpyxl.load_workbook(form)["_meta"].cell(row, 2).value
    changed = {
        "dealer_attributes": '{"has_ev_service": false}',
        "dealer_code": "SH002",
        "wave": "2026-Q3",
        "first_row": 7,
    }.get(field, f"{value}x")
    edit(form, "_meta", {f"B{row}": changed})
    if field in ("wave", "dealer_code"):  # a careful forger also fixes the visible header
        edit(form, "Audit", {"F2": "2026-Q3"} if field == "wave" else {"B2": "SH002 上海闵行4S店"})
    before = db_snapshot(f"sqlite:///{ws_root / 'audit.db'}")
    result = cli("import", "-w", str(ws_root), str(form))
    assert_refused(result, "_meta!B", "does not carry this workspace's seal", "1 file(s) refused")
    assert "Audit!B2" not in result.output  # the header was left alone (or fixed up): only the seal catches it
    assert db_snapshot(f"sqlite:///{ws_root / 'audit.db'}") == before


def test_item_rows_and_extra_rows_of_meta_are_sealed(cli, assert_refused, db_snapshot, ws_root, tmp_path):
    form = make_form(cli, ws_root, tmp_path / "SH001.xlsx")
    for cells in ({"A20": "R02", "A21": "R01"}, {"C5": None, "A17": "note", "B17": "added"}):
        fresh = make_form(cli, ws_root, tmp_path / f"copy-{len(cells)}.xlsx")
        edit(fresh, "_meta", cells)
        assert_refused(cli("import", "-w", str(ws_root), str(fresh)), "does not carry this workspace's seal")
    assert cli("import", "-w", str(ws_root), str(form)).exit_code == 0  # the untouched form still imports


def test_a_form_made_by_another_workspace_is_refused(
    cli, assert_refused, db_snapshot, ws_root, tmp_path, mini_standard, sample_dealers
):
    other = Workspace.init(tmp_path / "other")
    other.repo.save_standard(mini_standard)
    other.repo.save_dealers(sample_dealers)
    other.close()
    form = make_form(cli, other.root, tmp_path / "foreign.xlsx")
    before = db_snapshot(f"sqlite:///{ws_root / 'audit.db'}")
    result = cli("import", "-w", str(ws_root), str(form))
    assert_refused(result, f"{form}!_meta!B", "or the form was made by another workspace")
    assert db_snapshot(f"sqlite:///{ws_root / 'audit.db'}") == before
    assert cli("import", "-w", str(other.root), str(form)).exit_code == 0  # its own workspace reads it


def test_header_edited_alone_is_refused_at_the_header(cli, assert_refused, db_snapshot, ws_root, tmp_path):
    form = edit(make_form(cli, ws_root, tmp_path / "SH001.xlsx"), "Audit", {"B2": "SH002 上海闵行4S店", "F2": "2025"})
    result = cli("import", "-w", str(ws_root), str(form))
    assert_refused(result, f"{form}!Audit!B2", "names dealer 'SH002'", f"{form}!Audit!F2", "wave '2025'")
    assert "seal" not in result.output


def test_a_version_1_form_without_seal_is_refused_with_a_way_out(cli, assert_refused, db_snapshot, ws_root, tmp_path):
    form = make_form(cli, ws_root, tmp_path / "SH001.xlsx")
    edit(form, "_meta", {"B2": 1})
    assert_refused(
        cli("import", "-w", str(ws_root), str(form)), "_meta!B2", "without a tamper seal", "dealer-audit form"
    )


def test_the_key_is_made_at_init_owner_only_and_for_older_workspaces_on_first_use(
    cli, assert_refused, db_snapshot, ws_root, tmp_path
):
    key_file = ws_root / FORM_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_text().strip()) == 64
    key_file.unlink()  # a workspace from before the seal
    make_form(cli, ws_root, tmp_path / "SH001.xlsx")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert cli("import", "-w", str(ws_root), str(tmp_path / "SH001.xlsx")).exit_code == 0


def test_a_damaged_key_is_a_message_not_a_new_key(cli, assert_refused, db_snapshot, ws_root, tmp_path, monkeypatch):
    monkeypatch.delenv("DEALER_AUDIT_LANG")
    (ws_root / FORM_KEY_FILE).write_text("not hex\n")
    result = cli("form", "-w", str(ws_root), "-d", "SH001", "-s", "mini-service", "--wave", "2026-Q4",
                 "-o", str(tmp_path / "x.xlsx"))  # fmt: skip
    assert_refused(result, FORM_KEY_FILE, "表单密钥已损坏")  # the workspace's language (zh)
    assert (ws_root / FORM_KEY_FILE).read_text() == "not hex\n" and not (tmp_path / "x.xlsx").exists()


def test_hq_on_a_database_alone_takes_the_key_from_the_environment(cli, assert_refused, ws_root, tmp_path, monkeypatch):
    """No workspace folder: like the evidence store, the key comes from the environment (DEALER_AUDIT_FORM_KEY)."""
    hq = tmp_path / "hq"
    hq.mkdir()
    monkeypatch.chdir(hq)  # no dealer-audit.toml here or above
    db = f"sqlite:///{ws_root / 'audit.db'}"
    args = ["form", "--db", db, "-d", "SH001", "-s", "mini-service", "--wave", "2026-Q4", "-o", str(hq / "f.xlsx")]
    assert_refused(cli(*args), "DEALER_AUDIT_FORM_KEY", "no workspace folder for the form key")
    assert not (hq / "f.xlsx").exists()
    monkeypatch.setenv("DEALER_AUDIT_FORM_KEY", str(hq / "keys" / "form.key"))
    assert_refused(cli(*args), "the folder of the form key", "does not exist")
    (hq / "keys").mkdir()
    assert cli(*args).exit_code == 0
    assert stat.S_IMODE((hq / "keys" / "form.key").stat().st_mode) == 0o600
    monkeypatch.setenv("DEALER_AUDIT_EVIDENCE", str(ws_root / "evidence"))
    assert cli("import", "--db", db, str(hq / "f.xlsx")).exit_code == 0  # sealed and checked with the same key
    # the workspace folder's own key is another key: the HQ-made form is foreign there
    monkeypatch.delenv("DEALER_AUDIT_FORM_KEY")
    assert_refused(cli("import", "-w", str(ws_root), str(hq / "f.xlsx")), "made by another workspace")

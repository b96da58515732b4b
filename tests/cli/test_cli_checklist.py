"""`dealer-audit checklist validate | show | convert` end to end through the root app."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealer_audit.cli.app import app

FIXTURES = Path(__file__).parent.parent / "fixtures"
BROKEN = FIXTURES / "broken"
MINI = FIXTURES / "mini_standard.yaml"
CHECKLISTS = Path(__file__).parent.parent.parent / "checklists"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_validate_ok_prints_a_summary_per_file(runner: CliRunner) -> None:
    result = runner.invoke(app, ["checklist", "validate", str(MINI), str(FIXTURES / "mini_program.yaml")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"OK {MINI}: mini-service 2026.1: 2 sections, 11 items (8 scored, 1 critical)",
        f"OK {FIXTURES / 'mini_program.yaml'}: program mini-program-2026: 1 checklists, 2 waves",
    ]


@pytest.mark.skipif(not CHECKLISTS.is_dir(), reason="no shipped checklists yet")
def test_validate_passes_on_the_shipped_folder(runner: CliRunner) -> None:
    result = runner.invoke(app, ["checklist", "validate", str(CHECKLISTS)])
    assert result.exit_code == 0, result.output
    assert all(line.startswith("OK ") for line in result.stdout.splitlines() if line)


def test_validate_reports_every_error_of_every_file_and_exits_1(runner: CliRunner) -> None:
    files = [BROKEN / "cycle.yaml", MINI, BROKEN / "unknown_key.yaml"]
    result = runner.invoke(app, ["checklist", "validate", *map(str, files)])
    assert result.exit_code == 1
    assert result.stdout == f"OK {MINI}: mini-service 2026.1: 2 sections, 11 items (8 scored, 1 critical)\n"
    assert result.stderr.splitlines() == [
        "error: 5 error(s) in 2 of 3 file(s)",
        f"  error {BROKEN / 'cycle.yaml'}:13: conditions form a cycle: A01 → A02 → A01 "
        "(a condition may only look at earlier items)",
        f"  error {BROKEN / 'cycle.yaml'}:21: condition of 'A03' refers to the item itself",
        f"  error {BROKEN / 'unknown_key.yaml'}:6: unknown key 'autor' in a standard "
        "(allowed keys: id, version, kind, title, description, bands, sections)",
        f"  error {BROKEN / 'unknown_key.yaml'}:14: unknown key 'wieght' in an item (did you mean 'weight'?)",
        f"  error {BROKEN / 'unknown_key.yaml'}:15: unknown key 'critcal' in an item (did you mean 'critical'?)",
    ]


def test_validate_bad_yaml_syntax(runner: CliRunner) -> None:
    result = runner.invoke(app, ["checklist", "validate", str(BROKEN / "bad_syntax.yaml")])
    assert result.exit_code == 1
    assert f"error {BROKEN / 'bad_syntax.yaml'}:12: YAML syntax error:" in result.stderr
    assert "Traceback" not in result.output


def test_validate_checks_dealer_attributes_when_given(runner: CliRunner, tmp_path: Path) -> None:
    dealers = tmp_path / "dealers.csv"
    dealers.write_text("code,name_zh,region,has_ev\nSH001,浦东,east,yes\n", encoding="utf-8")
    result = runner.invoke(app, ["checklist", "validate", str(MINI), "--dealers", str(dealers)])
    assert result.exit_code == 1
    assert (
        f"{MINI}:73: condition of 'W04' names unknown dealer attribute 'has_ev_service' (did you mean 'has_ev'?)"
        in result.stderr
    )


def test_validate_a_folder_checks_the_program_against_its_standards(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "standard.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    program = (
        (FIXTURES / "mini_program.yaml")
        .read_text(encoding="utf-8")
        .replace("standard: mini-service", "standard: mini-servise")
    )
    (tmp_path / "program.yaml").write_text(program, encoding="utf-8")
    result = runner.invoke(app, ["checklist", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        f"error {tmp_path / 'program.yaml'}:7: the program names standard 'mini-servise', which is not in {tmp_path} "
        "(did you mean 'mini-service'?)"
    ) in result.stderr


def test_convert_round_trip_through_excel(runner: CliRunner, tmp_path: Path) -> None:
    from dealer_audit.core.standard_codec import standard_to_dict
    from dealer_audit.formats.standard_yaml import load_standard

    workbook, back = tmp_path / "mini.xlsx", tmp_path / "back.yaml"
    first = runner.invoke(app, ["checklist", "convert", str(MINI), str(workbook)])
    assert first.exit_code == 0, first.output
    assert first.stdout == f"wrote {workbook}: mini-service 2026.1, 11 items\n"
    second = runner.invoke(app, ["checklist", "convert", str(workbook), str(back)])
    assert second.exit_code == 0, second.output
    assert standard_to_dict(load_standard(back)) == standard_to_dict(load_standard(MINI))
    again = runner.invoke(app, ["checklist", "convert", str(MINI), str(workbook)])
    assert again.exit_code == 1 and "exists; pass --force" in again.stderr


def test_convert_of_a_broken_standard_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["checklist", "convert", str(BROKEN / "duplicate_item.yaml"), str(target)])
    assert result.exit_code == 1
    assert "duplicate item id 'A01' (first used at line 10)" in result.stderr
    assert not target.exists()


def test_show_draws_the_tree(runner: CliRunner) -> None:
    result = runner.invoke(app, ["checklist", "show", str(MINI), "--lang", "en"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Mini service mystery shop  mini-service 2026.1 (mystery_shop) — total weight 45"
    assert lines[1] == "├── Reception reception  weight 40 = 89%"
    assert lines[2].startswith("│   ├── R01 The service advisor checks the car in on a tablet  yes_no  w 3 = 38%")
    assert "✖ critical (cap 60)" in lines[2]
    assert "N/A ok" in lines[3]
    assert lines[6] == "└── Waiting area waiting  weight 5 (item points) = 11%"
    assert "if dealer.has_ev_service and W01 == 'wait'" in lines[10]
    assert lines[-1] == "bands: Excellent ≥ 90, Good ≥ 75, Fair ≥ 60, Poor ≥ 0"


def test_show_in_chinese_by_default(runner: CliRunner) -> None:
    result = runner.invoke(app, ["checklist", "show", str(MINI)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "├── 接待 reception  weight 40 = 89%"


def test_checklist_app_is_importable_for_other_commands() -> None:
    from dealer_audit.cli.checklist import checklist_app

    assert {c.name for c in checklist_app.registered_commands} >= {"validate", "show", "convert"}


def test_validate_accepts_dealer_master_fields_in_conditions(runner: CliRunner, tmp_path: Path) -> None:
    dealers = tmp_path / "dealers.csv"
    dealers.write_text("code,name_zh,region,has_ev_service\nSH001,浦东,east,yes\n", encoding="utf-8")
    text = MINI.read_text(encoding="utf-8").replace("dealer.has_ev_service and", "dealer.province == '上海' and")
    standard = tmp_path / "standard.yaml"
    standard.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["checklist", "validate", str(standard), "--dealers", str(dealers)])
    assert result.exit_code == 0, result.output


def test_validate_a_workbook_names_the_cell(runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    workbook = tmp_path / "mini.xlsx"
    assert runner.invoke(app, ["checklist", "convert", str(MINI), str(workbook)]).exit_code == 0
    book = load_workbook(workbook)
    book["survey"]["A11"] = "select_multiple amenities"
    book["survey"]["I4"] = 0
    book.save(workbook)
    result = runner.invoke(app, ["checklist", "validate", str(workbook)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        f"  error {workbook}!survey!I4: weight must be greater than 0, got 0 "
        "(use scored: false for an item that should not count)",
        f"  error {workbook}!survey!A11: choice list 'amenities' is not on the choices sheet "
        "(add its options to the choices sheet)",
    ]


def test_validate_reports_a_missing_file_with_the_others(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = runner.invoke(app, ["checklist", "validate", str(missing), str(BROKEN / "forward_ref.yaml")])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "error: 2 error(s) in 2 of 2 file(s)"
    assert lines[1] == f"  error {missing}: no such file or folder"
    assert lines[2].startswith(f"  error {BROKEN / 'forward_ref.yaml'}:13: condition of 'A01' refers forward")


def test_validate_a_folder_without_standards_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a standard", encoding="utf-8")
    result = runner.invoke(app, ["checklist", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"error {tmp_path}: no standard files (.yaml, .yml, .xlsx, .xlsm) in this folder" in result.stderr


def test_validate_a_folder_checks_dealer_attributes_too(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "standards"
    folder.mkdir()
    (folder / "mini.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    dealers = tmp_path / "dealers.csv"
    dealers.write_text("\ufeffcode,name_zh,region,has_ev\nSH001,浦东,east,是\n", encoding="utf-8")  # Excel's BOM
    result = runner.invoke(app, ["checklist", "validate", str(folder), "--dealers", str(dealers)])
    assert result.exit_code == 1
    assert "names unknown dealer attribute 'has_ev_service' (did you mean 'has_ev'?)" in result.stderr


def test_a_program_naming_a_broken_standard_is_not_told_it_is_missing(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "standard.yaml").write_text(
        MINI.read_text(encoding="utf-8").replace("weight: 3", "weight: 0", 1), encoding="utf-8"
    )
    (tmp_path / "program.yaml").write_text((FIXTURES / "mini_program.yaml").read_text(encoding="utf-8"), "utf-8")
    result = runner.invoke(app, ["checklist", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "weight must be greater than 0" in result.stderr
    assert "the program names standard" not in result.stderr


def test_validate_an_empty_file_is_one_message(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["checklist", "validate", str(empty)])
    assert result.exit_code == 1
    assert result.stderr.count("error ") == 1
    assert f"error {empty}: the file is empty" in result.stderr


def test_a_folder_named_like_a_standard_is_a_message(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "standard.yaml"
    folder.mkdir()
    for command in (["show", str(folder)], ["convert", str(folder), str(tmp_path / "out.xlsx")]):
        result = runner.invoke(app, ["checklist", *command])
        assert result.exit_code == 1
        assert f"{folder}: cannot read" in result.stderr
        assert "Traceback" not in result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_convert_refuses_an_xlsm_target(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["checklist", "convert", str(MINI), str(tmp_path / "out.xlsm")])
    assert result.exit_code == 1
    assert "cannot write a standard as '.xlsm'" in result.stderr
    assert not (tmp_path / "out.xlsm").exists()

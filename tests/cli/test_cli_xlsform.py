"""`dealer-audit checklist xlsform` end to end through the root app."""

from pathlib import Path

import pytest
from pyxform.xls2xform import convert
from typer.testing import CliRunner

from dealer_audit.cli import console, xlsform
from dealer_audit.cli.app import app

FIXTURES = Path(__file__).parent.parent / "fixtures"
MINI = FIXTURES / "mini_standard.yaml"


@pytest.fixture
def runner() -> CliRunner:
    console.reset_for_tests(200)
    xlsform.register(app)  # idempotent; app.py registers it too once it imports the module
    return CliRunner()


@pytest.fixture
def dealers_csv(tmp_path: Path) -> Path:
    path = tmp_path / "dealers.csv"
    path.write_text(
        "code,name_zh,name_en,region,has_ev_service\nSH001,上海浦东4S店,Shanghai Pudong,east,yes\n"
        "BJ002,北京朝阳4S店,Beijing Chaoyang,north,no\n",
        encoding="utf-8",
    )
    return path


def test_writes_a_form_pyxform_converts(runner: CliRunner, tmp_path: Path, dealers_csv: Path) -> None:
    target = tmp_path / "mini-form.xlsx"
    result = runner.invoke(app, ["checklist", "xlsform", str(MINI), "-o", str(target), "--dealers", str(dealers_csv)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {target}: form mini-service@2026.1, 19 fields for 11 items, 2 dealers\n"
    xform = convert(str(target)).xform
    assert "<name>SH001</name>" in xform


def test_refuses_to_overwrite_without_force(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "form.xlsx"
    target.write_bytes(b"")
    result = runner.invoke(app, ["checklist", "xlsform", str(MINI), "-o", str(target)])
    assert result.exit_code == 1
    assert "exists; pass --force" in result.stderr
    result = runner.invoke(app, ["checklist", "xlsform", str(MINI), "-o", str(target), "--force"])
    assert result.exit_code == 0, result.output


def test_untranslatable_standard_is_an_error_message(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(MINI.read_text(encoding="utf-8").replace("id: W07", "id: wave"), encoding="utf-8")
    result = runner.invoke(app, ["checklist", "xlsform", str(broken), "-o", str(tmp_path / "f.xlsx")])
    assert result.exit_code == 1
    assert "which is already the metadata field 'wave'" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "f.xlsx").exists()


def test_output_must_be_an_xlsx_file_and_write_errors_are_messages(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["checklist", "xlsform", str(MINI), "-o", str(tmp_path / "form.yaml")])
    assert result.exit_code == 2
    assert "must end in .xlsx" in result.output
    assert not (tmp_path / "form.yaml").exists()
    folder = tmp_path / "form.xlsx"
    folder.mkdir()
    result = runner.invoke(app, ["checklist", "xlsform", str(MINI), "-o", str(folder), "--force"])
    assert result.exit_code == 1
    assert f"{folder}: this is a folder; give a file name" in result.stderr
    assert "Traceback" not in result.output

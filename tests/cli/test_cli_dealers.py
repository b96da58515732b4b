"""`dealer-audit dealers check | import | list` end to end (SQLite workspace)."""

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dealer_audit.cli.app import app

FIXTURES = Path(__file__).parent.parent / "fixtures"
HEADER = "code,name_zh,name_en,region,city,group,brand,has_ev_service"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def dealers_csv(tmp_path: Path) -> Path:
    path = tmp_path / "dealers.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                "GZ001,广州天河4S店,Guangzhou Tianhe,east,广州,粤华,Demo,yes",
                "SH001,上海浦东4S店(新),Shanghai Pudong,east,上海,申华,Demo,yes",
            ]
        )
        + "\n",
        encoding="utf-8-sig",
    )
    return path


def test_check_ok(runner: CliRunner, dealers_csv: Path) -> None:
    result = runner.invoke(app, ["dealers", "check", str(dealers_csv)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"OK {dealers_csv}: 2 dealers in 1 regions (east)\n"


def test_check_with_program_regions_reports_rows(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\nX1,某店,,west,,,,\nX1,某店,,east,,,,\n", encoding="utf-8")
    result = runner.invoke(app, ["dealers", "check", str(path), "--program", str(FIXTURES / "mini_program.yaml")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: bad.csv: 2 error(s)",
        f"  error {path}:2: region: unknown region 'west' (did you mean 'east'?; known regions: east, north)",
        f"  error {path}:3: code: duplicate dealer code 'X1' (first on line 2)",
    ]


def test_import_then_list(runner: CliRunner, workspace: Any, dealers_csv: Path) -> None:
    ws = ["--workspace", str(workspace.root)]
    imported = runner.invoke(app, ["dealers", "import", str(dealers_csv), *ws])
    assert imported.exit_code == 0, imported.output
    assert imported.stdout == f"imported 2 dealers from {dealers_csv}: 1 new, 1 updated, 0 unchanged\n"
    listed = runner.invoke(app, ["dealers", "list", "--region", "east", "--lang", "en", *ws])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["code", "name", "region", "city", "group", "brand", "attributes"]
    assert [line.split()[0] for line in lines[1:-1]] == ["GZ001", "SH001", "SH002"]
    assert "has_ev_service=True" in lines[1]
    assert lines[-1] == "3 dealer(s)"


def test_import_with_errors_stores_nothing(runner: CliRunner, workspace: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\nNEW1,新店,,east,,,,\nNEW2,新店二,,mars,,,,\n", encoding="utf-8")
    args = ["dealers", "import", str(path), "--workspace", str(workspace.root)]
    result = runner.invoke(app, args)  # the workspace's language (zh) for messages
    assert result.exit_code == 1
    assert f"错误 {path}:3: region：未知区域“mars”（已有区域：east, north）" in result.stderr
    english = runner.invoke(app, args, env={"DEALER_AUDIT_LANG": "en"})
    assert english.exit_code == 1
    assert f"{path}:3: region: unknown region 'mars'" in english.stderr
    assert "NEW1" not in {d.code for d in workspace.repo.list_dealers()}


def test_list_empty_region(runner: CliRunner, workspace: Any) -> None:
    shown = ["dealers", "list", "--region", "west", "--workspace", str(workspace.root)]
    result = runner.invoke(app, [*shown, "--lang", "en"])
    assert result.exit_code == 0
    assert "no dealers in region west" in result.stderr
    chinese = runner.invoke(app, shown)  # the workspace's language
    assert "区域 west 中没有经销商" in chinese.stderr

"""`dealer-audit init` and `dealer-audit standards import` through CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.storage.workspace import Workspace

FIXTURES = Path(__file__).parents[1] / "fixtures"


def run(*args: str, env: dict[str, str] | None = None):
    console.reset_for_tests(120)
    return CliRunner().invoke(app, list(args), env=env)


def test_init_creates_a_workspace(tmp_path):
    result = run("init", str(tmp_path / "laptop"), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert f"Created workspace {tmp_path / 'laptop'}" in result.output
    assert "database  sqlite:///" in result.output
    with Workspace.open(tmp_path / "laptop") as ws:
        assert ws.language == "en" and ws.repo.count_audits() == 0


def test_init_defaults_to_the_current_folder_and_refuses_twice(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("init").exit_code == 0
    assert (tmp_path / "dealer-audit.toml").is_file()
    again = run("init")  # the folder is now a zh workspace, whose language the refusal speaks
    assert again.exit_code == 1
    assert "已经是 dealer-audit 工作区" in again.output and "Traceback" not in again.output
    again = run("init", env={"DEALER_AUDIT_LANG": "en"})
    assert again.exit_code == 1 and "already a dealer-audit workspace" in again.output


def test_commands_outside_a_workspace_say_how_to_create_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("standards", "import", str(FIXTURES / "mini_standard.yaml"))
    assert result.exit_code == 1
    assert "no dealer-audit workspace here" in result.output and "dealer-audit init" in result.output


def test_standards_import_loads_then_skips_identical(tmp_path):
    run("init", str(tmp_path / "ws"))
    args = ["standards", "import", "-w", str(tmp_path / "ws"), str(FIXTURES / "mini_standard.yaml"),
            str(FIXTURES / "mini_program.yaml")]  # fmt: skip
    first = run(*args, env={"DEALER_AUDIT_LANG": "en"})  # the workspace speaks zh (init's default)
    assert first.exit_code == 0, first.output
    assert "mini-service" in first.output and "loaded" in first.output and "mini-program-2026" in first.output
    second = run(*args, env={"DEALER_AUDIT_LANG": "en"})
    assert second.exit_code == 0 and "unchanged" in second.output and "loaded" not in second.output
    third = run(*args)  # the workspace's own language
    assert third.exit_code == 0 and "未变化" in third.output and "unchanged" not in third.output
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.repo.get_program().id == "mini-program-2026"


def test_standards_import_reports_file_errors(tmp_path):
    run("init", str(tmp_path / "ws"))
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nversion: '1'\nkind: nonsense\n", encoding="utf-8")
    result = run("standards", "import", "-w", str(tmp_path / "ws"), str(broken))
    assert result.exit_code == 1
    assert "broken.yaml" in result.output and "未加载任何内容" in result.output  # the zh workspace's language
    result = run("standards", "import", "-w", str(tmp_path / "ws"), str(broken), env={"DEALER_AUDIT_LANG": "en"})
    assert result.exit_code == 1 and "nothing was loaded" in result.output


def test_a_kpi_cross_check_naming_an_item_the_standard_lacks_is_refused_at_load(tmp_path):
    """The shipped program with a mistyped cross-check item: refused naming the entry, in both languages, nothing
    stored; the same item spelled right, loaded (alone: its standards are the stored ones)."""
    from dealer_audit.services.demo import project_dir

    run("init", str(tmp_path / "ws"))
    shipped = project_dir("checklists")
    standards = [str(p) for p in sorted(shipped.glob("*.yaml")) if not p.name.startswith("program")]
    program = next(shipped.glob("program*.yaml"))
    typo = tmp_path / program.name
    typo.write_text(program.read_text(encoding="utf-8").replace("item: DR01,", "item: DR10,"), encoding="utf-8")
    ws = ["-w", str(tmp_path / "ws")]
    en = run("standards", "import", *ws, *standards, str(typo), env={"DEALER_AUDIT_LANG": "en"})
    assert en.exit_code == 1
    words = " ".join(en.output.split())
    assert f"{typo} (kpis[0].cross_checks[0].item): KPI" in words
    assert "item 'DR10' is not in standard digital-service (did you mean DR01" in words
    assert "nothing was loaded" in words
    zh = " ".join(
        run("standards", "import", *ws, *standards, str(typo), env={"DEALER_AUDIT_LANG": "zh"}).output.split()
    )
    assert "稽核标准 digital-service 中没有检查项“DR10”" in zh and "未加载任何内容" in zh
    folder = tmp_path / "folder"  # a folder on the command line: the message names the program's file in it
    folder.mkdir()
    for path in [*map(Path, standards), typo]:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    in_folder = run("standards", "import", *ws, str(folder), env={"DEALER_AUDIT_LANG": "en"})
    assert in_folder.exit_code == 1
    assert f"{folder / typo.name} (kpis[0].cross_checks[0].item): KPI" in " ".join(in_folder.output.split())
    with Workspace.open(tmp_path / "ws") as opened:
        assert opened.repo.list_standards() == []
    assert run("standards", "import", *ws, *standards).exit_code == 0
    assert run("standards", "import", *ws, str(typo)).exit_code == 1  # checked against the stored standards
    assert run("standards", "import", *ws, str(program)).exit_code == 0


def test_db_option_overrides_and_password_never_shows(tmp_path):
    run("init", str(tmp_path / "ws"))
    secret_url = "postgresql://hq:VerySecret99@127.0.0.1:1/audits"
    result = run(
        "standards",
        "import",
        "-w",
        str(tmp_path / "ws"),
        "--db",
        secret_url,
        str(FIXTURES),
        env={"DEALER_AUDIT_LANG": "en"},
    )
    assert result.exit_code == 1
    assert "cannot open the database postgresql+psycopg://hq:***@127.0.0.1:1/audits" in result.output
    assert "VerySecret99" not in result.output
    env_result = run("standards", "import", "-w", str(tmp_path / "ws"), str(FIXTURES),
                     env={"DEALER_AUDIT_DB": secret_url})  # fmt: skip
    assert env_result.exit_code == 1 and "VerySecret99" not in env_result.output
    helped = run("import", "--help", env={"DEALER_AUDIT_DB": secret_url})
    assert "DEALER_AUDIT_DB" in helped.output and "VerySecret99" not in helped.output


def test_newer_database_schema_is_refused_naming_both_versions(tmp_path):
    from dealer_audit.storage import models, schema

    run("init", str(tmp_path / "ws"))
    with Workspace.open(tmp_path / "ws") as ws, ws.repo.engine.begin() as connection:
        connection.execute(models.SchemaInfo.__table__.update().values(value=str(schema.head_version() + 1)))
    result = run("import", "-w", str(tmp_path / "ws"), str(FIXTURES), env={"DEALER_AUDIT_LANG": "en"})
    assert result.exit_code == 1
    assert f"has schema version {schema.head_version() + 1}" in result.output
    assert f"only knows schema version {schema.head_version()}" in result.output
    assert "Traceback" not in result.output
    chinese = " ".join(run("import", "-w", str(tmp_path / "ws"), str(FIXTURES)).output.split())  # the zh workspace
    assert (
        f"为结构版本 {schema.head_version() + 1}，而此版本的 dealer-audit 只支持到结构版本 {schema.head_version()}"
        in chinese
    )


def test_init_with_a_password_url_warns_and_never_echoes_it(tmp_path):
    result = run("init", str(tmp_path / "hq"), "--db", "postgresql://hq:Hunter2pw@127.0.0.1:1/audits")
    assert result.exit_code == 1  # nothing listens on port 1: the database cannot be created
    assert "Hunter2pw" not in result.output and "hq:***@127.0.0.1:1" in result.output
    assert not (tmp_path / "hq" / "dealer-audit.toml").exists()


@pytest.mark.postgres
def test_init_on_postgresql_with_a_password_warns(tmp_path, clean_pg_url):
    with_password = clean_pg_url.replace("postgresql://postgres@", "postgresql://postgres:Trust3dAnyway@")
    result = run("init", str(tmp_path / "hq"), "--db", with_password)
    assert result.exit_code == 0, result.output
    assert "database  postgresql+psycopg://postgres:***@" in result.output
    assert "prefer the DEALER_AUDIT_DB" in result.output and "Trust3dAnyway" not in result.output

"""docs/cli.md is generated from the app and current; every command has help and a section; the shared options
(--wave, --lang, --region, --db) are the one declaration of cli/common.py everywhere."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from dealer_audit.cli import common, console
from dealer_audit.cli.app import app

ROOT = Path(__file__).resolve().parents[2]


def _reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = _reference()
COMMANDS: list[tuple[str, Any]] = list(REFERENCE.commands(typer.main.get_command(app), "dealer-audit"))


def test_cli_reference_is_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == REFERENCE.render(), "docs/cli.md is stale: run python scripts/cli_reference.py"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_help_and_a_section(name: str, command: Any) -> None:
    assert (command.help or "").strip(), f"{name} has no help"
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"\n## `{name}`\n" in reference
    result = CliRunner().invoke(app, [*name.split()[1:], "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


SHARED = {
    "--wave": {common.check_wave},
    "--lang": {common.check_lang, common.lang_option},
    "--region": {common.check_region, common.check_regions},
}


def _qualified(function: Any) -> str:
    return f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', '')}"


def test_shared_options_are_declared_once() -> None:
    """Every --wave / --lang / --region takes the one validation of cli/common.py; every --db the one envvar."""
    seen: set[str] = set()
    for name, command in COMMANDS:
        for param in command.params:
            for opt, callbacks in SHARED.items():
                if opt in param.opts:
                    seen.add(opt)
                    callback = getattr(param.callback, "__wrapped__", param.callback)  # typer wraps callbacks
                    assert _qualified(callback) in {_qualified(c) for c in callbacks}, f"{name} {opt}: own validation"
            if "--db" in param.opts and name != "dealer-audit init":  # init records a URL, it opens none
                seen.add("--db")
                assert param.envvar == "DEALER_AUDIT_DB", name
    assert seen == {"--wave", "--lang", "--region", "--db"}


def test_one_validation_and_one_default_rule(workspace: Any) -> None:
    console.reset_for_tests(120)
    runner = CliRunner()
    bad_wave = runner.invoke(app, ["score", "--wave", "2026 Q4", "-w", str(workspace.root)])
    assert bad_wave.exit_code == 2 and "'2026 Q4' is not a wave code" in bad_wave.output
    bad_region = runner.invoke(app, ["dealers", "list", "--region", "east/x", "-w", str(workspace.root)])
    assert bad_region.exit_code == 2 and "is not a region code" in bad_region.output
    bad_lang = runner.invoke(app, ["dealers", "list", "--lang", "fr", "-w", str(workspace.root)])
    assert bad_lang.exit_code == 2 and "use zh or en, not 'fr'" in bad_lang.output
    assert common.check_lang("zh-CN") == "zh" and common.check_lang("EN") == "en"
    assert common.resolve_lang(None, workspace) == workspace.language == "zh"
    assert common.resolve_lang("en", workspace) == "en" and common.resolve_lang(None) == "zh"
    english = runner.invoke(app, ["dealers", "list", "--lang", "EN", "-w", str(workspace.root)])
    chinese = runner.invoke(app, ["dealers", "list", "-w", str(workspace.root)])  # the workspace's language
    assert english.exit_code == 0 and chinese.exit_code == 0
    assert "Shanghai" in english.output and "上海" in chinese.output

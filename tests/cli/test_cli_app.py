"""The root command: every command has help, and user-caused OS errors end in a message, not a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app


def invoke(*args: str) -> Any:
    console.reset_for_tests(200)
    return CliRunner().invoke(app, list(args))


def _command_paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    if hasattr(command, "commands"):  # a group
        for name, sub in command.commands.items():
            paths.extend(_command_paths(sub, (*prefix, name)))
    return paths


def test_every_command_has_help() -> None:
    root = typer.main.get_command(app)
    paths = _command_paths(root)
    assert len(paths) > 20
    for path in paths:
        result = invoke(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
        if path:
            command = root
            for name in path:
                command = command.commands[name]  # type: ignore[attr-defined]
            assert command.help, f"{' '.join(path)} has no help text"


def test_an_unreadable_file_is_a_message(tmp_path: Path) -> None:
    unreadable = tmp_path / "standard.yaml"
    unreadable.mkdir()  # a folder where a file is expected
    result = invoke("checklist", "show", str(unreadable))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert str(unreadable) in result.stderr

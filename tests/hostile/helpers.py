"""Helpers for the hostile-input corpus: run the CLI, snapshot a workspace, assert a clean refusal.

Every hostile file is built inside the test (tmp_path) and fed through `dealer_audit.cli.app` exactly as a user
would; a refusal must name the culprit, exit non-zero, show no traceback, and leave the database rows and the
evidence store exactly as they were.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app


def run(*args: str) -> Any:
    """One CLI call with a fixed-width console (as the CLI tests do)."""
    console.reset_for_tests(200)
    return CliRunner().invoke(app, list(args))


def snapshot(root: Path) -> tuple[list[str], dict[str, str]]:
    """Every row of every table of the workspace's SQLite database, plus the evidence store's files by hash."""
    connection = sqlite3.connect(root / "audit.db")
    try:
        rows = list(connection.iterdump())
    finally:
        connection.close()
    store = root / "evidence"
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(store.iterdir()) if p.is_file()
    } if store.is_dir() else {}  # fmt: skip
    return rows, files


def assert_refused(result: Any, *texts: str) -> None:
    """Non-zero exit, no traceback, and each text in the output (the located message)."""
    output = result.output
    assert result.exit_code != 0, output
    assert "Traceback" not in output, output
    assert not isinstance(result.exception, BaseException) or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    for text in texts:
        assert text in output, f"{text!r} not in:\n{output}"

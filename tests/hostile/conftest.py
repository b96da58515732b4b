"""Fixtures of the hostile-input corpus (helpers live in helpers.py): the conftest workspace closed for the CLI,
the CLI run as a user would, and a snapshot of a database to prove that a refused input left every row as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Invoke `dealer-audit ARGS…` in-process with a wide, colourless console (exceptions are not re-raised: a
    traceback shows up as `result.exception` of another type than SystemExit)."""
    from dealer_audit.cli import console
    from dealer_audit.cli.app import app

    def invoke(*args: str, lang: str | None = None) -> Result:
        console.reset_for_tests(240)
        return CliRunner().invoke(app, list(args), env={"DEALER_AUDIT_LANG": lang} if lang else None)

    return invoke


def db_snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every dealer-audit table, sorted: equal snapshots mean the database was not changed."""
    import sqlalchemy as sa

    from dealer_audit.storage.db import make_engine, normalise_url
    from dealer_audit.storage.models import ALL_TABLES

    engine = make_engine(normalise_url(url))
    try:
        inspector = sa.inspect(engine)
        snapshot: dict[str, list[tuple[Any, ...]]] = {}
        with engine.connect() as connection:
            for table in ALL_TABLES:
                if inspector.has_table(table.name):
                    rows = connection.execute(sa.select(table)).all()
                    snapshot[table.name] = sorted((tuple(row) for row in rows), key=repr)
        return snapshot
    finally:
        engine.dispose()


def assert_refused(result: Result, *needles: str) -> None:
    """A refusal as the user must see it: non-zero exit, no traceback, every expected text in the output."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, f"{needle!r} not in:\n{result.output}"


@pytest.fixture(name="db_snapshot")
def db_snapshot_fixture() -> Callable[[str], dict[str, list[tuple[Any, ...]]]]:
    """`db_snapshot(url)` as a fixture (test modules cannot import conftest under --import-mode=importlib)."""
    return db_snapshot


@pytest.fixture(name="assert_refused")
def assert_refused_fixture() -> Callable[..., None]:
    return assert_refused


@pytest.fixture
def ws_root(workspace: Any) -> Path:
    """The conftest workspace (mini standard, program, dealers) closed, so the CLI opens it itself."""
    workspace.close()
    return Path(workspace.root)

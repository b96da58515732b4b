"""Options every command that touches a workspace shares, and the one way to open it.

Commands declare ``workspace: WorkspaceOption = None, db: DbOption = None`` and call
``open_workspace(workspace, db)``; the lookup order (option, environment variable, nearest dealer-audit.toml
upwards) lives in `Workspace.open`, so every command finds the same workspace the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import URL

from dealer_audit.storage.db import normalise_url
from dealer_audit.storage.workspace import ENV_DB, ENV_WORKSPACE, Workspace

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar=ENV_WORKSPACE,
        show_envvar=True,
        file_okay=False,
        help="Workspace folder (default: the nearest folder with dealer-audit.toml, from here upwards).",
    ),
]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=ENV_DB,
        show_envvar=True,
        show_default=False,
        help="Database URL overriding the workspace's, e.g. postgresql://user@hq-db/audits (HQ).",
    ),
]


def open_workspace(workspace: Path | None = None, db: str | None = None) -> Workspace:
    """Open the workspace a command runs in (errors are ConfigurationError messages, never tracebacks)."""
    return Workspace.open(workspace, db_url=db)


def database_url(workspace: Path | None = None, db: str | None = None) -> URL:
    """The database a command works on: `--db` alone needs no workspace (relative paths: from here); without it,
    the workspace's database (relative paths: from the workspace folder)."""
    if db and workspace is None:
        return normalise_url(db, Path.cwd())
    with Workspace.open(workspace, db_url=db) as ws:
        return normalise_url(ws.db_url, ws.root)

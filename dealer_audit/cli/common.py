"""Options every command that touches a workspace shares, and the one way to open it.

Commands declare ``workspace: WorkspaceOption = None, db: DbOption = None`` (plus ``evidence_dir:
EvidenceDirOption = None`` when they read or write evidence) and call ``open_workspace(workspace, db, …)``; the
lookup order (option, environment variable, nearest dealer-audit.toml upwards, else the database alone) lives in
`Workspace.open`, so every command finds the same workspace the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import URL

from dealer_audit.storage.db import normalise_url
from dealer_audit.storage.workspace import ENV_DB, ENV_EVIDENCE, ENV_WORKSPACE, Workspace

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


EvidenceDirOption = Annotated[
    Path | None,
    typer.Option(
        "--evidence-dir",
        envvar=ENV_EVIDENCE,
        show_envvar=True,
        file_okay=False,
        show_default=False,
        help="Evidence folder (photos and files); default: the workspace's. Needed with --db and no workspace.",
    ),
]


WhoOption = Annotated[
    str,
    typer.Option("--who", envvar="DEALER_AUDIT_AUDITOR", help="Your name for the trail (default: login name)."),
]


def who_or_login(who: str) -> str:
    """The name a trail records: --who, else the login name ('' when the system has none, e.g. containers)."""
    if who:
        return who
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def open_workspace(
    workspace: Path | None = None,
    db: str | None = None,
    evidence_dir: Path | None = None,
    needs_evidence: bool = False,
    stores_evidence: bool = False,
) -> Workspace:
    """Open the workspace a command runs in (errors are ConfigurationError messages, never tracebacks).

    With `needs_evidence`, a command that reads or writes evidence stops here, before touching anything, when
    there is no evidence folder (HQ on --db alone without --evidence-dir) or the one given does not exist; with
    `stores_evidence` also when that folder is read-only.
    """
    ws = Workspace.open(workspace, db_url=db, evidence_dir=evidence_dir)
    if needs_evidence or stores_evidence:
        ws.evidence_dir  # noqa: B018 — raises the message naming --evidence-dir
    if stores_evidence:
        ws.check_evidence_writable()
    return ws


def database_url(workspace: Path | None = None, db: str | None = None) -> URL:
    """The database a command works on: `--db` alone needs no workspace (relative paths: from here); without it,
    the workspace's database (relative paths: from the workspace folder)."""
    if db and workspace is None:
        return normalise_url(db, Path.cwd())
    with Workspace.open(workspace, db_url=db) as ws:
        return normalise_url(ws.db_url, ws.root)

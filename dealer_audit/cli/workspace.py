"""CLI: `dealer-audit init` (create a workspace) and `dealer-audit standards import` (load standards into it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, WorkspaceOption, check_lang, open_workspace


def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the workspace (created if missing).")] = Path(),
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL to record (default: audit.db in the folder). Prefer DEALER_AUDIT_DB "
            "for URLs with a password.",
            show_default=False,
        ),
    ] = None,
    language: Annotated[
        str, typer.Option("--language", "--lang", callback=check_lang, help="Default language: zh or en.")
    ] = "zh",
) -> None:
    """Create a workspace: dealer-audit.toml, the audit.db database and the evidence/ folder.

    创建工作区：设置文件、数据库和证据文件夹。
    """
    from dealer_audit.storage.db import url_secrets
    from dealer_audit.storage.workspace import SETTINGS_FILE, Workspace

    with Workspace.init(directory, db_url=db, language=language) as ws:
        console.out.print(f"Created workspace {ws.root}")
        console.out.print(f"  settings  {SETTINGS_FILE}")
        console.out.print(f"  database  {ws.display_db_url}")
        console.out.print(f"  evidence  {ws.evidence_dir.name}/")
        console.out.print(f"  form key  {ws.form_key_path.name} (private: it seals fill-in workbooks)")
        console.out.print("Next: dealer-audit standards import checklists/  and  dealer-audit dealers import FILE")
    if db and url_secrets(db):
        console.err.print(
            "note: the database password (or another credential) is now stored in dealer-audit.toml; prefer the "
            "DEALER_AUDIT_DB environment variable (or ~/.pgpass) and keep the URL in the file password-free",
            markup=False,
        )


standards_app = typer.Typer(
    help="Load OEM standards into the workspace database. 将标准载入工作区。", no_args_is_help=True
)


@standards_app.command("import")
def standards_import(
    paths: Annotated[list[Path], typer.Argument(help="Standard files (.yaml/.xlsx), program files or folders.")],
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Load standards and programs into the database (all files checked first; identical copies are skipped).

    载入标准与稽核方案文件（先全部校验；内容相同则跳过）。
    """
    from dealer_audit.services.importing import load_standards_into

    with open_workspace(workspace, db) as ws:
        loaded = load_standards_into(ws.repo, paths)
    console.print_table(
        ["kind", "id", "version", "result"],
        [(item.kind, item.id, item.version, "loaded" if item.stored else "unchanged") for item in loaded],
    )


def register(app: typer.Typer) -> None:
    """Attach `init` and the `standards` group to the root app."""
    app.command("init")(init)
    app.add_typer(standards_app, name="standards")

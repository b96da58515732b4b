"""CLI: `dealer-audit db upgrade` and `dealer-audit db current` — the database's schema version.

A newer dealer-audit never changes a database's schema on its own: it names this command and stops. The work is
in `dealer_audit.storage.schema`; these commands find the database (workspace or `--db` alone) and print.
"""

from __future__ import annotations

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, WorkspaceOption, database_url

db_app = typer.Typer(
    help="The database's schema: show it, upgrade it. 数据库结构版本：查看与升级。", no_args_is_help=True
)


@db_app.command("upgrade")
def upgrade(workspace: WorkspaceOption = None, db: DbOption = None) -> None:
    """Bring the database to this dealer-audit's schema, in one transaction (back it up first).

    升级数据库结构（单个事务；请先备份）。
    """
    from dealer_audit.storage import schema
    from dealer_audit.storage.db import redact_url

    url = database_url(workspace, db)
    result = schema.upgrade_database(url)
    shown = redact_url(url)
    head = schema.head_revision()
    version = f"schema version {schema.head_version()} (revision {head})"
    if result.before.state is schema.SchemaState.EMPTY:
        console.out.print(f"Created the database {shown} at {version}.", markup=False, soft_wrap=True)
    elif result.applied:
        console.out.print(
            f"Upgraded the database {shown} from schema version {result.before.version} to {version}: "
            f"ran {', '.join(result.applied)}. 数据库结构已升级。",
            markup=False,
            soft_wrap=True,
        )
    elif result.stamped_v1:
        console.out.print(
            f"Recorded {version} in the database {shown}: its tables were already current (written by the "
            "first release). 已记录结构版本。",
            markup=False,
            soft_wrap=True,
        )
    else:
        console.out.print(
            f"The database {shown} is already at {version}: nothing to do. 已是最新。", markup=False, soft_wrap=True
        )


@db_app.command("current")
def current(workspace: WorkspaceOption = None, db: DbOption = None) -> None:
    """Show the database's schema version and whether it needs `dealer-audit db upgrade` (changes nothing).

    显示数据库结构版本（不做任何修改）。
    """
    from dealer_audit.storage import schema
    from dealer_audit.storage.db import redact_url

    url = database_url(workspace, db)
    status = schema.inspect_database(url)
    tool = f"schema version {schema.head_version()} (revision {status.head})"
    if status.state is schema.SchemaState.EMPTY:
        found = "empty (created at this tool's schema on first use)"
    elif status.state is schema.SchemaState.FOREIGN:
        found = f"not a dealer-audit database (tables: {', '.join(status.tables)})"
    else:
        recorded = "recorded" if status.stamped else "first release, recorded by `dealer-audit db upgrade`"
        found = f"schema version {status.version} (revision {status.revision}, {recorded})"
    verdict = {
        schema.SchemaState.EMPTY: "ready",
        schema.SchemaState.CURRENT: "up to date 已是最新",
        schema.SchemaState.OLDER: f"needs an upgrade 需要升级: {schema.upgrade_command(url)}",
        schema.SchemaState.NEWER: "written by a newer dealer-audit: upgrade dealer-audit 需升级本工具",
        schema.SchemaState.FOREIGN: "refused: every command leaves it untouched 拒绝使用",
    }[status.state]
    for label, value in (
        ("database", redact_url(url)),
        ("database schema", found),
        ("this dealer-audit", tool),
        ("state", verdict),
    ):
        console.out.print(f"{label + ':':<19}{value}", markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Attach the `db` group to the root app."""
    app.add_typer(db_app, name="db")

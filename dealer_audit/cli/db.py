"""CLI: `dealer-audit db upgrade` and `dealer-audit db current` — the database's schema version.

A newer dealer-audit never changes a database's schema on its own: it names this command and stops. The work is
in `dealer_audit.storage.schema`; these commands find the database (workspace or `--db` alone) and print.
"""

from __future__ import annotations

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, WorkspaceOption, database_url
from dealer_audit.cli.error_language import current_language
from dealer_audit.errors import is_zh, pick

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
    said = current_language()
    version = pick(
        f"schema version {schema.head_version()} (revision {head})",
        f"结构版本 {schema.head_version()}（修订 {head}）",
        said,
    )
    if result.before.state is schema.SchemaState.EMPTY:
        done = pick(f"Created the database {shown} at {version}.", f"已创建数据库 {shown}，{version}。", said)
    elif result.applied:
        ran, before = ", ".join(result.applied), result.before.version
        done = pick(
            f"Upgraded the database {shown} from schema version {before} to {version}: ran {ran}.",
            f"数据库 {shown} 的结构已从版本 {before} 升级到{version}：执行了 {ran}。",
            said,
        )
    elif result.stamped_v1:
        done = pick(
            f"Recorded {version} in the database {shown}: its tables were already current (written by the "
            "first release).",
            f"已在数据库 {shown} 中记录{version}：其表已是最新（由第一个版本写入）。",
            said,
        )
    else:
        done = pick(
            f"The database {shown} is already at {version}: nothing to do.",
            f"数据库 {shown} 已是{version}：无需操作。",
            said,
        )
    console.out.print(done, markup=False, soft_wrap=True)


@db_app.command("current")
def current(workspace: WorkspaceOption = None, db: DbOption = None) -> None:
    """Show the database's schema version and whether it needs `dealer-audit db upgrade` (changes nothing).

    显示数据库结构版本（不做任何修改）。
    """
    from dealer_audit.storage import schema
    from dealer_audit.storage.db import redact_url

    url = database_url(workspace, db)
    status = schema.inspect_database(url)
    said = current_language()
    tool = pick(
        f"schema version {schema.head_version()} (revision {status.head})",
        f"结构版本 {schema.head_version()}（修订 {status.head}）",
        said,
    )
    if status.state is schema.SchemaState.EMPTY:
        found = pick("empty (created at this tool's schema on first use)", "空（首次使用时按本工具的结构创建）", said)
    elif status.state is schema.SchemaState.FOREIGN:
        tables = ", ".join(status.tables)
        found = pick(
            f"not a dealer-audit database (tables: {tables})", f"不是 dealer-audit 数据库（表：{tables}）", said
        )
    else:
        recorded = (
            pick("recorded", "已记录", said)
            if status.stamped
            else pick(
                "first release, recorded by `dealer-audit db upgrade`",
                "第一个版本，由 `dealer-audit db upgrade` 记录",
                said,
            )
        )
        found = pick(
            f"schema version {status.version} (revision {status.revision}, {recorded})",
            f"结构版本 {status.version}（修订 {status.revision}，{recorded}）",
            said,
        )
    command = schema.upgrade_command(url)
    verdict = {
        schema.SchemaState.EMPTY: pick("ready", "可以使用", said),
        schema.SchemaState.CURRENT: pick("up to date", "已是最新", said),
        schema.SchemaState.OLDER: pick(f"needs an upgrade: {command}", f"需要升级：{command}", said),
        schema.SchemaState.NEWER: pick(
            "written by a newer dealer-audit: upgrade dealer-audit",
            "由更新版本的 dealer-audit 写入：请升级本工具",
            said,
        ),
        schema.SchemaState.FOREIGN: pick(
            "refused: every command leaves it untouched", "拒绝使用：所有命令都不会改动它", said
        ),
    }[status.state]
    labels = (
        ("database", "数据库"),
        ("database schema", "数据库结构"),
        ("this dealer-audit", "本工具"),
        ("state", "状态"),
    )
    for (en, zh), value in zip(labels, (redact_url(url), found, tool, verdict), strict=True):
        if is_zh(said):
            console.out.print(f"{zh}：{value}", markup=False, soft_wrap=True)
        else:
            console.out.print(f"{en + ':':<19}{value}", markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Attach the `db` group to the root app."""
    app.add_typer(db_app, name="db")

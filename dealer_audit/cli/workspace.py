"""CLI: `dealer-audit init` (create a workspace) and `dealer-audit standards import` (load standards into it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, WorkspaceOption, lang_option, open_workspace
from dealer_audit.cli.error_language import current_language
from dealer_audit.errors import Message, pick


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
        str | None,
        typer.Option(
            "--language", "--lang", callback=lang_option, help="Default language: zh or en.", show_default="zh"
        ),
    ] = None,
) -> None:
    """Create a workspace: dealer-audit.toml, the audit.db database and the evidence/ folder.

    创建工作区：设置文件、数据库和证据文件夹。
    """
    from dealer_audit.storage.db import url_secrets
    from dealer_audit.storage.workspace import SETTINGS_FILE, Workspace

    said = language or current_language()  # the language chosen for the workspace, when one was given
    with Workspace.init(directory, db_url=db, language=language or "zh") as ws:
        console.out.print(pick(f"Created workspace {ws.root}", f"已创建工作区 {ws.root}", said))
        console.out.print(pick(f"  settings  {SETTINGS_FILE}", f"  设置文件  {SETTINGS_FILE}", said))
        console.out.print(pick(f"  database  {ws.display_db_url}", f"  数据库    {ws.display_db_url}", said))
        console.out.print(pick(f"  evidence  {ws.evidence_dir.name}/", f"  证据库    {ws.evidence_dir.name}/", said))
        key = ws.form_key_path.name
        console.out.print(
            pick(
                f"  form key  {key} (private: it seals fill-in workbooks)",
                f"  表单密钥  {key}（私有：用于封存填写用工作簿）",
                said,
            )
        )
        commands = "dealer-audit standards import checklists/  and  dealer-audit dealers import FILE"
        console.out.print(
            pick(
                f"Next: {commands}",
                "下一步：dealer-audit standards import checklists/  以及  dealer-audit dealers import FILE",
                said,
            )
        )
    if db and url_secrets(db):
        console.err.print(
            pick(
                "note: the database password (or another credential) is now stored in dealer-audit.toml; prefer the "
                "DEALER_AUDIT_DB environment variable (or ~/.pgpass) and keep the URL in the file password-free",
                "注意：数据库密码（或其他凭据）现已保存在 dealer-audit.toml 中；建议改用 DEALER_AUDIT_DB 环境变量"
                "（或 ~/.pgpass），文件中的 URL 不要包含密码",
                said,
            ),
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
    said = current_language()
    loaded_text, unchanged = pick("loaded", "已载入", said), pick("unchanged", "未变化", said)
    console.print_table(
        [console.KIND, "id", Message("version", "版本"), console.RESULT],
        [(item.kind, item.id, item.version, loaded_text if item.stored else unchanged) for item in loaded],
        lang=said,
    )


def register(app: typer.Typer) -> None:
    """Attach `init` and the `standards` group to the root app."""
    app.command("init")(init)
    app.add_typer(standards_app, name="standards")

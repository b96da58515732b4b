"""CLI: `dealer-audit auditors import | list | enrol | revoke | keys` — the auditor register and their keys."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, LangOption, WorkspaceOption, open_workspace, resolve_lang
from dealer_audit.cli.error_language import current_language
from dealer_audit.errors import Message, pick

auditors_app = typer.Typer(
    name="auditors",
    help="The auditor register and the public keys that sign their bundles.\n\n稽核员名册与签名公钥。",
    no_args_is_help=True,
)


@auditors_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Auditor register (.csv or .xlsx).", show_default=False)],
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Store auditors (insert or update by id); home regions must be the program's; any error stores nothing."""
    from dealer_audit.services.field_operations import import_auditors

    with open_workspace(workspace, db) as ws:
        count = import_auditors(ws.repo, file)
    imported = pick(f"imported {count} auditors from {file}", f"已从 {file} 导入 {count} 名稽核员", current_language())
    console.out.print(imported, markup=False, soft_wrap=True)


@auditors_app.command("list")
def list_(
    lang: LangOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """List the register with each auditor's enrolled keys (revoked keys marked)."""
    with open_workspace(workspace, db) as ws:
        auditors = ws.repo.list_auditors()
        keys = ws.repo.list_keys()
        lang = resolve_lang(lang, ws)
    if not auditors:
        none = pick(
            "no auditors; load them with `dealer-audit auditors import FILE`",
            "没有稽核员；请用 `dealer-audit auditors import FILE` 导入",
            current_language(),
        )
        console.err.print(none, markup=False)
        return
    said = current_language()
    revoked = pick(" (revoked)", "（已吊销）", said)
    rows = []
    for auditor in auditors:
        own = [k.key_id + (revoked if k.revoked else "") for k in keys if k.auditor_id == auditor.id]
        rows.append(
            [
                auditor.id,
                auditor.name.get(lang),
                auditor.home_region,
                ",".join(auditor.languages),
                pick("yes", "是", said) if auditor.active else pick("no", "否", said),
                " ".join(own) or "-",
            ]
        )
    headers = [
        "id",
        console.NAME,
        Message("home region", "所属区域"),
        Message("languages", "语言"),
        Message("active", "在职"),
        Message("keys", "密钥"),
    ]
    console.print_table(headers, rows, lang=said)


@auditors_app.command("enrol")
def enrol(
    auditor: Annotated[str, typer.Argument(help="Auditor id.", show_default=False)],
    public_key: Annotated[Path, typer.Argument(help="The auditor's .pub file (from `dealer-audit keys init`).")],
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Enrol an auditor's public key: bundles signed with it verify on import."""
    from dealer_audit.formats.signing import key_id_of

    text = public_key.read_text(encoding="utf-8")
    key_id = key_id_of(text)
    with open_workspace(workspace, db) as ws:
        enrolled = ws.repo.enrol_key(auditor, key_id, text, who=getpass.getuser())
    enrolled_text = pick(
        f"enrolled key {enrolled.key_id} for auditor {auditor}",
        f"已为稽核员 {auditor} 登记密钥 {enrolled.key_id}",
        current_language(),
    )
    console.out.print(enrolled_text, markup=False, soft_wrap=True)


@auditors_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="Key id (16 hex digits, as `auditors list` shows).")],
    why: Annotated[str, typer.Option("--why", help="Why (lost laptop, left the company…): kept with the key.")],
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Revoke a key: bundles signed with it are refused from now on (already imported audits stay)."""
    with open_workspace(workspace, db) as ws:
        revoked = ws.repo.revoke_key(key_id.upper(), why, who=getpass.getuser())
    revoked_text = pick(
        f"revoked key {revoked.key_id} of auditor {revoked.auditor_id}",
        f"已吊销稽核员 {revoked.auditor_id} 的密钥 {revoked.key_id}",
        current_language(),
    )
    console.out.print(revoked_text, markup=False)


def register(app: typer.Typer) -> None:
    """Attach the `auditors` group to the root app."""
    app.add_typer(auditors_app, name="auditors")

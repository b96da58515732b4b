"""CLI: `dealer-audit keys init` — the auditor's signing key, made and kept on the field laptop."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import WorkspaceOption, open_workspace
from dealer_audit.cli.error_language import current_language
from dealer_audit.errors import pick

keys_app = typer.Typer(
    name="keys",
    help="The auditor's signing key (minisign format).\n\n稽核员签名密钥（minisign 格式）。",
    no_args_is_help=True,
)


def passphrase(confirm: bool) -> str:
    """From $DEALER_AUDIT_KEY_PASSPHRASE (scripts, tests) or asked without echo."""
    from dealer_audit.services.bundle_signatures import PASSPHRASE_ENV

    given = os.environ.get(PASSPHRASE_ENV)
    if given:
        return given
    return str(typer.prompt("Passphrase for the secret key / 私钥口令", hide_input=True, confirmation_prompt=confirm))


@keys_app.command("init")
def init(
    auditor: Annotated[str, typer.Option("--auditor", help="Your auditor id, as HQ registered it.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Make your key pair in the workspace's keys/ folder; send the .pub file to HQ to enrol it."""
    from dealer_audit.formats.signing import generate_keys, key_id_of
    from dealer_audit.services.bundle_signatures import key_files

    with open_workspace(workspace) as ws:
        place = key_files(ws, auditor)
    files = generate_keys(place, auditor, passphrase(confirm=True))
    key_id = key_id_of(files.public_key.read_text(encoding="utf-8"))
    said = current_language()
    console.out.print(pick(f"key {key_id} made for {auditor}", f"已为 {auditor} 生成密钥 {key_id}", said), markup=False)
    secret = pick("  secret key (stays on this laptop): ", "  私钥（留在本机）：", said)
    public = pick("  public key (send to HQ):          ", "  公钥（发给总部）：", said)
    console.out.print(f"{secret}{files.secret_key}", markup=False, soft_wrap=True)
    console.out.print(f"{public}{files.public_key}", markup=False, soft_wrap=True)
    enrol = f"dealer-audit auditors enrol {auditor} {files.public_key.name}"
    console.out.print(
        pick(f"  HQ enrols it with: {enrol}", f"  总部登记命令：{enrol}", said), markup=False, soft_wrap=True
    )


def register(app: typer.Typer) -> None:
    """Attach the `keys` group to the root app."""
    app.add_typer(keys_app, name="keys")

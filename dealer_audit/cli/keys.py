"""CLI: `dealer-audit keys init` — the auditor's signing key, made and kept on the field laptop."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import WorkspaceOption, open_workspace

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
    console.out.print(f"key {key_id} made for {auditor}", markup=False)
    console.out.print(f"  secret key (stays on this laptop): {files.secret_key}", markup=False, soft_wrap=True)
    console.out.print(f"  public key (send to HQ):          {files.public_key}", markup=False, soft_wrap=True)
    console.out.print(
        f"  HQ enrols it with: dealer-audit auditors enrol {auditor} {files.public_key.name}",
        markup=False,
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    """Attach the `keys` group to the root app."""
    app.add_typer(keys_app, name="keys")

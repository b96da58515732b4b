"""CLI: `dealer-audit users add|list|remove|passwd` — accounts of the browser app (see docs/web.md).

Accounts are needed only when `dealer-audit serve` listens on an address other machines can reach. Passwords are
read from the terminal (twice) or, for scripts, from stdin with --password-stdin; only an argon2id hash is kept.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, RegionsOption, WorkspaceOption, open_workspace
from dealer_audit.cli.error_language import current_language
from dealer_audit.core.accounts import AccountError, parse_role
from dealer_audit.errors import Message, pick

users_app = typer.Typer(
    name="users",
    help="Accounts of the browser app (needed when `serve` listens beyond this laptop).\n\n浏览器应用的账户。",
    no_args_is_help=True,
)

DealersOption = Annotated[
    list[str] | None,
    typer.Option(
        "--dealer",
        help="A dealer account's dealer code (repeat, or separate codes by commas): it sees only these dealers.",
    ),
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin (for scripts).")
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password / 密码", hide_input=True)
    second = typer.prompt("Again / 再次输入", hide_input=True)
    if first != second:
        raise AccountError("the two passwords differ; nothing was changed", zh="两次输入的密码不一致；未做任何更改")
    return str(first)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Login name (letters, digits, . _ @ -).")],
    role: Annotated[str, typer.Option("--role", help="auditor, regional (regional manager), hq or dealer.")],
    region: RegionsOption = None,
    dealer: DealersOption = None,
    display_name: Annotated[str, typer.Option("--display-name", help="Name shown in the app, e.g. 王芳.")] = "",
    password_stdin: PasswordStdin = False,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Create an account. 创建账户。"""
    from dealer_audit.web.accounts import add_account

    chosen = parse_role(role)
    with open_workspace(workspace, db) as ws:
        password = _read_password(password_stdin)
        codes = frozenset(c.strip() for text in dealer or () for c in text.split(",") if c.strip())
        account = add_account(ws.repo, name, chosen, password, frozenset(region or ()), display_name, codes)
    scope = sorted(account.regions | account.dealers)
    regions = f" ({', '.join(scope)})" if scope else ""
    added = pick(
        f"account {account.name} added: {account.role.value}{regions}",
        f"已创建账户 {account.name}：{account.role.value}{regions}",
        current_language(),
    )
    console.out.print(added, markup=False)


@users_app.command("list")
def list_users(workspace: WorkspaceOption = None, db: DbOption = None) -> None:
    """List the accounts (never their passwords). 列出账户。"""
    with open_workspace(workspace, db) as ws:
        accounts = ws.repo.list_accounts()
    if not accounts:
        none = pick(
            "no accounts (serve on 127.0.0.1 needs none)",
            "没有账户（在 127.0.0.1 上运行 serve 无需账户）",
            current_language(),
        )
        console.out.print(none, markup=False)
        return
    rows = [
        (a.name, a.display_name, a.role.value, ", ".join(sorted(a.regions | a.dealers)), a.created_at[:19])
        for a in accounts
    ]
    headers = [
        Message("name", "登录名"),
        Message("display name", "显示名称"),
        Message("role", "角色"),
        Message("regions / dealers", "区域 / 经销商"),
        Message("created", "创建时间"),
    ]
    console.print_table(headers, rows, title=Message("accounts", "账户"), lang=current_language())


@users_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="Login name.")],
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Delete an account; its open sessions end at their next request. 删除账户。"""
    with open_workspace(workspace, db) as ws:
        ws.repo.remove_account(name)
    console.out.print(pick(f"account {name} removed", f"已删除账户 {name}", current_language()), markup=False)


@users_app.command("passwd")
def passwd(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: PasswordStdin = False,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Set a new password; the account's open sessions end. 修改密码。"""
    from dealer_audit.web.accounts import change_password

    with open_workspace(workspace, db) as ws:
        change_password(ws.repo, name, _read_password(password_stdin))
    console.out.print(pick(f"password of {name} changed", f"已修改 {name} 的密码", current_language()), markup=False)


def register(app: typer.Typer) -> None:
    """Attach the `users` group to the root app."""
    app.add_typer(users_app)

"""Accounts of the browser app when it listens beyond this laptop: who they are and what role they hold.

Pure data and rules (no hashing, no storage): the password hash is computed in web/accounts.py and kept in the
`users` table by storage; this module says what a valid account looks like so the CLI and the web refuse the
same things with the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from dealer_audit.core.standard import LocalText
from dealer_audit.errors import DealerAuditError

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class Role(StrEnum):
    """auditor: captures and edits their own drafts; regional: reads their regions; hq: everything; dealer: a
    dealer's own staff, who return their actions and dispute findings of their own dealer(s) only."""

    AUDITOR = "auditor"
    REGIONAL = "regional"
    HQ = "hq"
    DEALER = "dealer"

    @property
    def label(self) -> LocalText:
        """The role's name inside a message (the English one is also what users type)."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.AUDITOR: LocalText("稽核员", "auditor"),
    Role.REGIONAL: LocalText("区域经理", "regional manager"),
    Role.HQ: LocalText("总部", "HQ"),
    Role.DEALER: LocalText("经销商", "dealer"),
}


class AccountError(DealerAuditError):
    """An account that cannot be created or changed as asked (bad name, unknown role or region, short password)."""


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    regions: frozenset[str] = field(default_factory=frozenset)
    display_name: str = ""
    password_hash: str = ""
    created_at: str = ""
    dealers: frozenset[str] = field(default_factory=frozenset)  # a dealer account's dealer codes


def parse_role(text: str) -> Role:
    """A role from what a user typed (`regional-manager` and `manager` mean regional)."""
    word = text.strip().lower().replace("_", "-")
    aliases = {"regional-manager": "regional", "manager": "regional", "headquarters": "hq"}
    try:
        return Role(aliases.get(word, word))
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise AccountError(
            f"unknown role {text!r}; roles: {roles}", zh=f"未知角色“{text}”；可用角色：{roles}"
        ) from None


def check_account(
    name: str,
    role: Role,
    regions: frozenset[str],
    known_regions: frozenset[str],
    dealers: frozenset[str] = frozenset(),
    known_dealers: frozenset[str] = frozenset(),
) -> None:
    """Refuse a login name that is not plain ASCII, a regional manager without regions, unknown regions, a dealer
    account without dealers or with unknown ones, and dealers on any other role."""
    if not NAME_PATTERN.fullmatch(name):
        raise AccountError(
            f"login name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
            zh=f"登录名“{name}”：请用 1–64 个英文字母、数字或 '.'、'_'、'@'、'-'，并以字母或数字开头",
        )
    if role is Role.REGIONAL and not regions:
        raise AccountError(
            f"{name}: a regional manager needs at least one region (--region CODE)",
            zh=f"{name}：区域经理至少需要一个区域（--region CODE）",
        )
    if role is not Role.REGIONAL and regions:
        raise AccountError(
            f"{name}: only a regional manager has regions ({role.value} sees what its role allows)",
            zh=f"{name}：只有区域经理可以指定区域（{role.label.zh}按其角色查看）",
        )
    unknown = sorted(regions - known_regions) if known_regions else []
    if unknown:
        raise AccountError(
            f"{name}: unknown region(s) {', '.join(unknown)}; regions: {', '.join(sorted(known_regions))}",
            zh=f"{name}：未知区域 {', '.join(unknown)}；已有区域：{', '.join(sorted(known_regions))}",
        )
    if role is Role.DEALER and not dealers:
        raise AccountError(
            f"{name}: a dealer account needs at least one dealer (--dealer CODE)",
            zh=f"{name}：经销商账户至少需要一家经销商（--dealer CODE）",
        )
    if role is not Role.DEALER and dealers:
        raise AccountError(
            f"{name}: only a dealer account has dealers ({role.value} sees what its role allows)",
            zh=f"{name}：只有经销商账户可以指定经销商（{role.label.zh}按其角色查看）",
        )
    strangers = sorted(dealers - known_dealers)
    if strangers:
        examples = ", ".join(sorted(known_dealers)[:5])
        raise AccountError(
            f"{name}: unknown dealer(s) {', '.join(strangers)}"
            + (f"; e.g. {examples}" if known_dealers else "; load the dealer list first"),
            zh=f"{name}：未知经销商 {', '.join(strangers)}"
            + (f"；例如 {examples}" if known_dealers else "；请先导入经销商名单"),
        )

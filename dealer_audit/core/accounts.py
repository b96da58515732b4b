"""Accounts of the browser app when it listens beyond this laptop: who they are and what role they hold.

Pure data and rules (no hashing, no storage): the password hash is computed in web/accounts.py and kept in the
`users` table by storage; this module says what a valid account looks like so the CLI and the web refuse the
same things with the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from dealer_audit.errors import DealerAuditError

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class Role(StrEnum):
    """auditor: captures and edits their own drafts; regional: reads their regions; hq: everything; dealer: a
    dealer's own staff, who return their actions and dispute findings of their own dealer(s) only."""

    AUDITOR = "auditor"
    REGIONAL = "regional"
    HQ = "hq"
    DEALER = "dealer"


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
        raise AccountError(f"unknown role {text!r}; roles: {', '.join(r.value for r in Role)}") from None


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
            f"login name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
        )
    if role is Role.REGIONAL and not regions:
        raise AccountError(f"{name}: a regional manager needs at least one region (--region CODE)")
    if role is not Role.REGIONAL and regions:
        raise AccountError(f"{name}: only a regional manager has regions ({role.value} sees what its role allows)")
    unknown = sorted(regions - known_regions) if known_regions else []
    if unknown:
        raise AccountError(
            f"{name}: unknown region(s) {', '.join(unknown)}; regions: {', '.join(sorted(known_regions))}"
        )
    if role is Role.DEALER and not dealers:
        raise AccountError(f"{name}: a dealer account needs at least one dealer (--dealer CODE)")
    if role is not Role.DEALER and dealers:
        raise AccountError(f"{name}: only a dealer account has dealers ({role.value} sees what its role allows)")
    strangers = sorted(dealers - known_dealers)
    if strangers:
        raise AccountError(
            f"{name}: unknown dealer(s) {', '.join(strangers)}"
            + (f"; e.g. {', '.join(sorted(known_dealers)[:5])}" if known_dealers else "; load the dealer list first")
        )

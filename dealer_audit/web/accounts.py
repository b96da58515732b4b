"""Accounts of the browser app: passwords hashed with argon2id (argon2-cffi), sign-in checks, the principal.

Why here: `dealer-audit users …` (cli/users.py) and the sign-in page (web/routes/accounts.py) must hash and check
passwords the same way, and storage keeps only the hash. Accounts matter only when `serve` listens beyond
loopback; on 127.0.0.1 nobody signs in.
"""

from __future__ import annotations

import hashlib
import logging

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dealer_audit.core.accounts import Account, AccountError, Role, check_account
from dealer_audit.storage.repository import Repository
from dealer_audit.web.principal import Principal

log = logging.getLogger("dealer_audit.web.accounts")

MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash("not a password of anyone")  # checked for unknown names, so timing tells nothing


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters",
            zh=f"密码太短：至少需要 {MIN_PASSWORD_LENGTH} 个字符",
        )
    return _hasher.hash(password)


def known_regions(repo: Repository) -> frozenset[str]:
    """Region codes the programs and the dealer list know (a manager's regions must be among them)."""
    regions = {r.code for program in repo.list_programs() for r in program.regions}
    regions.update(d.region for d in repo.list_dealers())
    return frozenset(regions)


def add_account(
    repo: Repository,
    name: str,
    role: Role,
    password: str,
    regions: frozenset[str] = frozenset(),
    display_name: str = "",
    dealers: frozenset[str] = frozenset(),
) -> Account:
    """Create an account; a dealer account is bound to `dealers` (codes from the stored dealer list)."""
    known_dealers = frozenset(d.code for d in repo.list_dealers()) if dealers else frozenset()
    check_account(name, role, regions, known_regions(repo), dealers, known_dealers)
    account = Account(name, role, regions, display_name.strip(), hash_password(password), dealers=dealers)
    repo.save_account(account)
    return account


def change_password(repo: Repository, name: str, password: str) -> None:
    account = repo.require_account(name)
    repo.save_account(Account(**{**account.__dict__, "password_hash": hash_password(password)}), replace=True)


def authenticate(repo: Repository, name: str, password: str) -> Account | None:
    """The account when the name and password match, else None (same work either way)."""
    account = repo.get_account(name.strip()) if name.strip() else None
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if account is None:
        return None  # pragma: no cover - the dummy hash never matches a typed password
    if _hasher.check_needs_rehash(account.password_hash):
        repo.save_account(Account(**{**account.__dict__, "password_hash": _hasher.hash(password)}), replace=True)
    return account


def password_stamp(account: Account) -> str:
    """A short fingerprint of the password hash kept in the session: a changed password or a removed account
    signs every open session of it out."""
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:16]


def principal_of(account: Account) -> Principal:
    return Principal(
        name=account.name,
        role=account.role,
        regions=account.regions,
        display_name=account.display_name or account.name,
        dealers=account.dealers,
    )

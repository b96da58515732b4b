"""Storage of the browser app's accounts (users, roles, regions, password hashes).

A mixin of `Repository` (storage/repository.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dealer_audit.core.accounts import Account, Role
from dealer_audit.errors import Conflict, NotFound
from dealer_audit.storage import models as m
from dealer_audit.storage.common import StoreBase, did_you_mean_suffix, now_text


def unknown_account(name: str, names: list[str]) -> NotFound:
    """The one refusal of an account name that does not exist (users passwd, users remove, a replaced account),
    with the close names of `names` as a guess."""
    suffix = did_you_mean_suffix(name, names)
    return NotFound(f"no account {name}{suffix.en}", zh=f"没有账户 {name}{suffix.zh}")


class AccountStore(StoreBase):
    """Accounts of the browser app (mixed into Repository)."""

    # ---- accounts of the browser app ---------------------------------------------------------------------------

    @staticmethod
    def _account_from_row(row: m.UserRow) -> Account:
        regions = frozenset(r for r in row.regions.split(",") if r)
        dealers = frozenset(d for d in row.dealers.split(",") if d)
        return Account(row.name, Role(row.role), regions, row.display_name, row.password_hash, row.created_at, dealers)

    def save_account(self, account: Account, replace: bool = False) -> None:
        """Store a new account; an existing name is a Conflict unless `replace` (changing role, regions or
        password of an account that must exist: NotFound otherwise)."""

        def work(session: Session) -> None:
            row = session.get(m.UserRow, account.name)
            stamp = now_text()
            if row is None and replace:
                raise unknown_account(account.name, self._account_names(session))
            if row is not None and not replace:
                raise Conflict(
                    f"account {account.name} already exists (change it with `dealer-audit users passwd`)",
                    zh=f"账户 {account.name} 已存在（如需修改，请用 `dealer-audit users passwd`）",
                )
            if row is None:
                row = m.UserRow(name=account.name, role="", password_hash="", created_at=stamp, updated_at=stamp)
                session.add(row)
            row.role = account.role.value
            row.regions = ",".join(sorted(account.regions))
            row.dealers = ",".join(sorted(account.dealers))
            row.display_name = account.display_name
            row.password_hash = account.password_hash
            row.updated_at = stamp

        self._write(work)

    @staticmethod
    def _account_names(session: Session) -> list[str]:
        return list(session.execute(sa.select(m.table("users").c.name)).scalars())

    def get_account(self, name: str) -> Account | None:
        with self._read() as session:
            row = session.get(m.UserRow, name)
            return None if row is None else self._account_from_row(row)

    def require_account(self, name: str) -> Account:
        """The account `name`, or NotFound (`unknown_account`) for a command that needs it to exist."""
        with self._read() as session:
            row = session.get(m.UserRow, name)
            if row is None:
                raise unknown_account(name, self._account_names(session))
            return self._account_from_row(row)

    def list_accounts(self) -> list[Account]:
        with self._read() as session:
            rows = session.execute(sa.select(m.UserRow).order_by(m.table("users").c.name)).scalars()
            return [self._account_from_row(row) for row in rows]

    def count_accounts(self) -> int:
        with self._read() as session:
            return int(session.execute(sa.select(sa.func.count()).select_from(m.table("users"))).scalar_one())

    def remove_account(self, name: str) -> None:
        """Delete an account (its audits keep the auditor's name); NotFound when there is none."""

        def work(session: Session) -> None:
            row = session.get(m.UserRow, name)
            if row is None:
                raise unknown_account(name, self._account_names(session))
            session.delete(row)

        self._write(work)

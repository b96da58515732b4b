"""Accounts of the browser app: the `users` table (needed when `dealer-audit serve` listens beyond loopback).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

A new table only: no existing row changes. Passwords are argon2id hashes (dealer_audit/web/accounts.py); regions is
a comma-separated list of region codes (regional managers).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("regions", sa.String(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    raise NotImplementedError(
        "dealer-audit upgrades only: restore the backup you took before `dealer-audit db upgrade`"
    )

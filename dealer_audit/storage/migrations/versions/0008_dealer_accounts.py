"""Dealer accounts of the browser app: the dealer codes a `dealer` account is bound to (issue 14, browser part).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

Spelled out here, never imported from dealer_audit.storage.models (docs/storage.md, "How to add a migration").
Existing accounts get an empty list: none of them is a dealer account.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("dealers", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    raise NotImplementedError(
        "dealer-audit upgrades only: restore the backup you took before `dealer-audit db upgrade`"
    )

"""Audit kind: ordinary visit, double audit or calibration session, and the calibration scenario id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06

Why: calibration (docs/calibration.md) needs to know which audits are shared evidence, and calibration sessions
must never count in dealer scores. Every audit stored before this revision was an ordinary visit, so the new
columns are filled with "visit" and "" by their server defaults.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audits") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="visit"))
        batch.add_column(sa.Column("scenario", sa.String(100), nullable=False, server_default=""))
        batch.create_index("ix_audits_kind", ["kind"], unique=False)


def downgrade() -> None:
    raise NotImplementedError(
        "dealer-audit upgrades only: restore the backup you took before `dealer-audit db upgrade`"
    )

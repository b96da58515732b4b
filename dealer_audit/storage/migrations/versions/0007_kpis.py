"""Measured KPI values beside the audits (issue 15): one row per wave, dealer and KPI.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

How to write one (docs/storage.md, "How to add a migration"): spell every table and column out here — never
import dealer_audit.storage.models, which will have moved on by the time this runs on an old database.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kpi_values",
        sa.Column("wave", sa.String(50), nullable=False),
        sa.Column("dealer_code", sa.String(50), nullable=False),
        sa.Column("kpi_id", sa.String(100), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("base_n", sa.Integer(), nullable=True),
        sa.Column("source_file", sa.String(500), nullable=False),
        sa.Column("imported_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("wave", "dealer_code", "kpi_id"),
    )
    with op.batch_alter_table("kpi_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_values_source_file"), ["source_file"], unique=False)


def downgrade() -> None:
    raise NotImplementedError(
        "dealer-audit upgrades only: restore the backup you took before `dealer-audit db upgrade`"
    )

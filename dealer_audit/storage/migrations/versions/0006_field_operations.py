"""Field operations: the auditor register, enrolled public keys, stored wave plans (issue 16).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

How to write one (docs/storage.md, "How to add a migration"): spell every table and column out here — never
import dealer_audit.storage.models, which will have moved on by the time this runs on an old database. On SQLite,
change existing tables inside ``with op.batch_alter_table("name") as batch:`` (SQLite cannot ALTER most things;
batch mode copies the table, foreign keys are off while migrations run so no row cascades away).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auditors",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("home_region", sa.String(50), nullable=False),
        sa.Column("languages", sa.String(100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "plan_visits",
        sa.Column("wave", sa.String(50), nullable=False),
        sa.Column("dealer_code", sa.String(50), nullable=False),
        sa.Column("standard_id", sa.String(100), nullable=False),
        sa.Column("auditor_id", sa.String(100), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("double", sa.Boolean(), nullable=False),
        sa.Column("planned_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("wave", "dealer_code", "standard_id", "auditor_id"),
    )
    op.create_table(
        "auditor_keys",
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("auditor_id", sa.String(100), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("enrolled_at", sa.String(40), nullable=False),
        sa.Column("enrolled_by", sa.String(100), nullable=False),
        sa.Column("revoked_at", sa.String(40), nullable=True),
        sa.Column("revoked_why", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["auditor_id"],
            ["auditors.id"],
        ),
        sa.PrimaryKeyConstraint("key_id"),
    )
    with op.batch_alter_table("auditor_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditor_keys_auditor_id"), ["auditor_id"], unique=False)


def downgrade() -> None:
    raise NotImplementedError(
        "dealer-audit upgrades only: restore the backup you took before `dealer-audit db upgrade`"
    )

"""Action plans: the `actions` table (one corrective action per dealer x item failed in a wave) and its trail.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Two new tables only; no existing row changes (core/actions.py has the rules, storage/actions.py the access).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column("action_id", sa.String(300), nullable=False),
        sa.Column("dealer_code", sa.String(50), nullable=False),
        sa.Column("wave", sa.String(50), nullable=False),
        sa.Column("standard_id", sa.String(100), nullable=False),
        sa.Column("standard_version", sa.String(50), nullable=False),
        sa.Column("section_id", sa.String(100), nullable=False),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("audit_ids", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due", sa.String(10), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("repeat_count", sa.Integer(), nullable=False),
        sa.Column("last_wave", sa.String(50), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["dealer_code"],
            ["dealers.code"],
        ),
        sa.PrimaryKeyConstraint("action_id"),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index("ix_actions_dealer", ["dealer_code"], unique=False)
        batch_op.create_index("ix_actions_status", ["status"], unique=False)
        batch_op.create_index("ix_actions_wave", ["wave"], unique=False)

    op.create_table(
        "action_trail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.String(300), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.action_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("action_trail", schema=None) as batch_op:
        batch_op.create_index("ix_action_trail_action_id", ["action_id"], unique=False)


def downgrade() -> None:
    raise NotImplementedError(
        "dealer-audit upgrades only: restore the backup you took before `dealer-audit db upgrade`"
    )

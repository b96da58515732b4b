"""Disputes: `report_issues` (the day a wave's report reached a dealer: the dispute window opens) and `disputes`
(a dealer's contest of one item finding, and HQ's ruling).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

Two new tables only; no existing row changes (core/disputes.py has the rules, storage/disputes.py the access).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_issues",
        sa.Column("wave", sa.String(50), nullable=False),
        sa.Column("dealer_code", sa.String(50), nullable=False),
        sa.Column("issued_on", sa.String(10), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["dealer_code"],
            ["dealers.code"],
        ),
        sa.PrimaryKeyConstraint("wave", "dealer_code"),
    )
    op.create_table(
        "disputes",
        sa.Column("dispute_id", sa.String(200), nullable=False),
        sa.Column("audit_id", sa.String(64), nullable=False),
        sa.Column("dealer_code", sa.String(50), nullable=False),
        sa.Column("wave", sa.String(50), nullable=False),
        sa.Column("standard_id", sa.String(100), nullable=False),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("auditor", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.String(40), nullable=False),
        sa.Column("filed_by", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("ruled_by", sa.String(200), nullable=False),
        sa.Column("ruled_at", sa.String(40), nullable=True),
        sa.Column("ruling_why", sa.Text(), nullable=False),
        sa.Column("revised_value", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audits.audit_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dispute_id"),
    )
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index("ix_disputes_audit_item", ["audit_id", "item_id"], unique=False)
        batch_op.create_index("ix_disputes_wave_dealer", ["wave", "dealer_code"], unique=False)


def downgrade() -> None:
    raise NotImplementedError(
        "dealer-audit upgrades only: restore the backup you took before `dealer-audit db upgrade`"
    )

"""The v1 schema: the tables of the first release (commit 46ba27c), exactly as its models created them.

Revision ID: 0001
Revises:
Create Date: 2026-12-06

A database written by that release has these tables and a ``schema_info`` row ``schema_version = 1`` but no
``alembic_version`` table; `dealer_audit.storage.schema` recognises it and stamps it as this revision on
``dealer-audit db upgrade`` instead of running this script on it. tests/storage/test_migrations.py checks that
this script creates, on both databases, the very DDL the release did (tests/fixtures/v1/).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schema_info",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "standards",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title_zh", sa.String(), nullable=False),
        sa.Column("title_en", sa.String(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", "version"),
    )
    op.create_table(
        "programs",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "waves",
        sa.Column("code", sa.String(50), nullable=False),
        sa.Column("title_zh", sa.String(), nullable=False),
        sa.Column("title_en", sa.String(), nullable=False),
        sa.Column("start", sa.String(10), nullable=True),
        sa.Column("end", sa.String(10), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "dealers",
        sa.Column("code", sa.String(50), nullable=False),
        sa.Column("name_zh", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("group_name", sa.String(), nullable=False),
        sa.Column("brand", sa.String(), nullable=False),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_dealers_region", "dealers", ["region"])
    op.create_table(
        "audits",
        sa.Column("audit_id", sa.String(64), nullable=False),
        sa.Column("dealer_code", sa.String(50), nullable=False),
        sa.Column("standard_id", sa.String(100), nullable=False),
        sa.Column("standard_version", sa.String(50), nullable=False),
        sa.Column("standard_hash", sa.String(64), nullable=False),
        sa.Column("wave", sa.String(50), nullable=False),
        sa.Column("auditor", sa.String(), nullable=False),
        sa.Column("visit_start", sa.String(40), nullable=True),
        sa.Column("visit_end", sa.String(40), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("content_digest", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("finalised_at", sa.String(40), nullable=True),
        sa.Column("finalised_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("audit_id"),
        sa.ForeignKeyConstraint(["standard_id", "standard_version"], ["standards.id", "standards.version"]),
        sa.ForeignKeyConstraint(["dealer_code"], ["dealers.code"]),
    )
    op.create_index("ix_audits_dealer_code", "audits", ["dealer_code"])
    op.create_index("ix_audits_status", "audits", ["status"])
    op.create_index("ix_audits_standard", "audits", ["standard_id", "standard_version"])
    op.create_index("ix_audits_wave_dealer", "audits", ["wave", "dealer_code"])
    op.create_table(
        "answers",
        sa.Column("audit_id", sa.String(64), nullable=False),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("na", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.String(40), nullable=True),
        sa.PrimaryKeyConstraint("audit_id", "item_id"),
        sa.ForeignKeyConstraint(["audit_id"], ["audits.audit_id"], ondelete="CASCADE"),
    )
    op.create_table(
        "audit_trail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.String(64), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("who", sa.String(), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["audit_id"], ["audits.audit_id"], ondelete="CASCADE"),
    )
    op.create_index("ix_audit_trail_audit_id", "audit_trail", ["audit_id"])
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.String(64), nullable=False),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["audit_id", "item_id"], ["answers.audit_id", "answers.item_id"], ondelete="CASCADE"),
    )
    op.create_index("ix_evidence_audit", "evidence", ["audit_id"])
    op.create_index("ix_evidence_sha256", "evidence", ["sha256"])
    # The v1 release's own version marker; `schema.upgrade` keeps it equal to the head revision's number so
    # that release refuses any database a later revision has changed.
    op.bulk_insert(
        sa.table("schema_info", sa.column("key", sa.String), sa.column("value", sa.String)),
        [{"key": "schema_version", "value": "1"}],
    )


def downgrade() -> None:
    raise NotImplementedError(
        "dealer-audit upgrades only: restore the backup you took before `dealer-audit db upgrade`"
    )

"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

How to write one (docs/storage.md, "How to add a migration"): spell every table and column out here — never
import dealer_audit.storage.models, which will have moved on by the time this runs on an old database. On SQLite,
change existing tables inside ``with op.batch_alter_table("name") as batch:`` (SQLite cannot ALTER most things;
batch mode copies the table, foreign keys are off while migrations run so no row cascades away).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

revision: str = ${repr(up_revision)}
down_revision: str | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    raise NotImplementedError("dealer-audit upgrades only: restore the backup you took before `dealer-audit db upgrade`")

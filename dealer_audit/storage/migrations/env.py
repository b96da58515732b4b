"""Alembic's entry point: run the migrations on the connection dealer_audit.storage.schema opened.

The caller owns the connection and its transaction (a write transaction on SQLite, with foreign keys off while
tables are rebuilt; one transaction holding an advisory lock on PostgreSQL), so the whole upgrade commits or
rolls back as one. ``render_as_batch`` lets revisions alter SQLite tables through batch mode.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from dealer_audit.storage.models import SQLModel

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "dealer-audit migrations run through `dealer-audit db upgrade` (dealer_audit.storage.schema), "
        "which passes an open connection; there is no alembic.ini"
    )
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,  # for `revision --autogenerate` only; revisions never import the models
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

"""The Alembic environment of dealer-audit: env.py, the revision template and versions/ (package data).

Run through `dealer_audit.storage.schema` (``dealer-audit db upgrade``), never through an alembic.ini: the tool
hands env.py an open connection in ``config.attributes["connection"]``. Developers write a new revision with
``python -m dealer_audit.storage.migrations revision -m "what changes"`` (see docs/storage.md).
"""

"""For developers: write the next revision file, numbered after the head.

    python -m dealer_audit.storage.migrations revision -m "audit kind"               # empty upgrade()
    python -m dealer_audit.storage.migrations revision -m "audit kind" --autogenerate

With ``--autogenerate`` the models (storage/models.py) are compared with a scratch SQLite database built at the
current head, and the differences are written as operations to review and complete (docs/storage.md, "How to
add a migration"). Users never run this: they run ``dealer-audit db upgrade``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy.engine import URL

from dealer_audit.storage import schema
from dealer_audit.storage.db import make_engine


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dealer_audit.storage.migrations")
    commands = parser.add_subparsers(dest="command", required=True)
    revision = commands.add_parser("revision", help="write the next revision file")
    revision.add_argument("-m", "--message", required=True, help="what the revision changes, in a few words")
    revision.add_argument("--autogenerate", action="store_true", help="compare the models with the head schema")
    args = parser.parse_args(argv)

    rev_id = f"{schema.head_version() + 1:04d}"
    with tempfile.TemporaryDirectory() as scratch:
        url = URL.create("sqlite", database=str(Path(scratch) / "head.db"))
        engine = make_engine(url)
        try:
            schema.upgrade(engine, url)
            with engine.connect() as connection:
                config = schema.alembic_config(connection)
                script = command.revision(config, message=args.message, autogenerate=args.autogenerate, rev_id=rev_id)
        finally:
            engine.dispose()
    paths = [s.path for s in (script if isinstance(script, list) else [script]) if s is not None]
    print(f"wrote {', '.join(paths)}: review it, then run the tests (tests/storage/test_migrations.py)")


if __name__ == "__main__":
    main()

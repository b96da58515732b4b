"""The consoles the CLI prints to: results on stdout, messages and errors on stderr (the only rich import in cli/)."""

from __future__ import annotations

import os

from rich.console import Console

# Tests set COLUMNS for deterministic wrapping; rich honours it.
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)


def reset_for_tests(width: int = 120) -> None:
    """Re-create both consoles (CliRunner swaps sys.stdout per invocation; rich must follow)."""
    global out, err
    os.environ.setdefault("COLUMNS", str(width))
    out = Console(highlight=False, soft_wrap=False, width=width)
    err = Console(stderr=True, highlight=False, width=width)

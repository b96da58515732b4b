"""Fixtures of the hostile-input corpus (helpers live in helpers.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def ws_root(workspace: Any) -> Path:
    """The conftest workspace (mini standard, program, dealers) closed, so the CLI opens it itself."""
    workspace.close()
    return Path(workspace.root)

"""`dealer-audit import` tells the user why a file went in as a draft: warnings on stderr, capped per file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app


def invoke(*args: str) -> Any:
    """The command in English (the workspace speaks Chinese; these tests read the English warnings)."""
    console.reset_for_tests(200)
    return CliRunner().invoke(app, list(args), env={"DEALER_AUDIT_LANG": "en"})


def test_an_empty_form_imports_as_a_draft_and_says_why(workspace: Any, tmp_path: Path) -> None:
    root = str(workspace.root)
    form = tmp_path / "SH001.xlsx"
    made = invoke(
        "form", "-w", root, "--dealer", "SH001", "--standard", "mini-service", "--wave", "2026-Q4", "-o", str(form)
    )
    assert made.exit_code == 0, made.output

    result = invoke("import", "-w", root, str(form))

    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings[0].startswith(f"warning: {form}!Audit!H6: R01 ")
    assert "required and not answered; imported as a draft" in warnings[0]
    assert len(warnings) == 6  # five shown, then the count of the rest
    assert warnings[-1].startswith("warning: … ") and "--all-warnings" in warnings[-1]

    every = invoke("import", "-w", root, "--all-warnings", str(form))
    assert every.exit_code == 0
    assert not any("more for" in line for line in every.stderr.splitlines())
    assert sum(line.startswith("warning: ") for line in every.stderr.splitlines()) > 5

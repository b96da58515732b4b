"""The sample network in a fresh workspace, through the CLI: what the end-to-end tests of score, calibration,
self-assessment, KPIs and insight start from (each module builds its own, so none sees another's changes)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from dealer_audit.cli import console
from dealer_audit.cli.app import app

ROOT = Path(__file__).parents[2]
SAMPLES = ROOT / "sample_audits"


def invoke(*args: str) -> Result:
    console.reset_for_tests(200)
    return CliRunner().invoke(app, list(args))


def build_sample_workspace(where: Path, *more: tuple[str, ...], lang: str | None = None) -> Path:
    """A workspace with the shipped standards, the sample dealers and both sample waves imported, then each of
    `more` (a command's arguments without `-w`) run in it; any failure stops the test with the command's output."""
    ws = where / "ws"
    init = invoke("init", str(ws), *(("--lang", lang) if lang else ()))
    assert init.exit_code == 0, init.output
    for args in (
        ("standards", "import", str(ROOT / "checklists")),
        ("dealers", "import", str(SAMPLES / "dealers.csv")),
        ("import", str(SAMPLES / "2026-Q3"), str(SAMPLES / "2026-Q4")),
        *more,
    ):
        result = invoke(*args, "-w", str(ws))
        assert result.exit_code == 0, result.output
    return ws

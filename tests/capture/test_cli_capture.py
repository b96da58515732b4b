"""`dealer-audit capture` through CliRunner: clear errors for unknown names, a short scripted session."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import LocalText
from dealer_audit.formats.standard_yaml import load_standard
from dealer_audit.storage.workspace import Workspace

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini_standard.yaml"


@pytest.fixture
def workspace(tmp_path):
    ws = Workspace.init(tmp_path / "ws", language="en")
    ws.repo.save_standard(load_standard(FIXTURE))
    ws.repo.save_dealers([Dealer("SH001", LocalText("上海一店", "Shanghai One"), "east")])
    ws.close()
    return tmp_path / "ws"


def run(workspace, *args, input=None):
    console.reset_for_tests(120)
    base = ["capture", "--workspace", str(workspace), "--wave", "2026-Q4", "--lang", "en", "--auditor", "Li"]
    return CliRunner().invoke(app, [*base, *args], input=input)


def test_unknown_dealer_suggests_close_codes(workspace):
    result = run(workspace, "--dealer", "SH01", "--standard", "mini-service")
    assert result.exit_code == 1
    assert "unknown dealer SH01" in result.output and "SH001" in result.output
    assert "Traceback" not in result.output


def test_unknown_standard_names_stored_ones(workspace):
    result = run(workspace, "--dealer", "SH001", "--standard", "mini-servce")
    assert result.exit_code == 1
    assert "unknown standard mini-servce" in result.output and "mini-service" in result.output


def test_scripted_session_saves_answers(workspace):
    result = run(workspace, "--dealer", "SH001", "--standard", "mini-service@2026.1", input="y\na\nq\n")
    assert result.exit_code == 0, result.output
    assert "New audit" in result.output and "--resume" in result.output
    with Workspace.open(workspace) as ws:
        (audit,) = ws.repo.list_audits(dealer_code="SH001")
    assert audit.auditor == "Li" and audit.source == "wizard" and audit.visit_start is not None
    assert audit.answers["R01"].value == "yes" and audit.answers["R02"].na


def test_a_wave_typo_gets_the_same_guesses_as_everywhere_else():
    """capture/form once guessed waves with the wizard's looser item-id rule (difflib, cutoff 0.4), so `2026` got
    2025-Q4 too, which `kpis import` (core/lookup, the tool's one did-you-mean) never offers."""
    from dealer_audit.capture.targets import resolve_target
    from dealer_audit.core.standard import Wave
    from dealer_audit.errors import NotFound

    codes = ["2025-Q4", "2026-Q1", "2026-Q2"]

    class Repo:
        def get_dealer(self, code):
            return Dealer(code, LocalText("一店", "One"), "east")

        def get_standard(self, standard_id, version):
            return load_standard(FIXTURE)

        def latest_standard(self, standard_id):
            return load_standard(FIXTURE)

        def list_waves(self):
            return [Wave(code, LocalText(code, code)) for code in codes]

    with pytest.raises(NotFound) as refused:
        resolve_target(Repo(), "SH001", "mini-service", "2026")
    known = ", ".join(codes)
    assert str(refused.value) == f"unknown wave 2026; did you mean 2026-Q1, 2026-Q2? (known waves: {known})"
    assert refused.value.text("zh") == f"未知的稽核批次 2026；是否应为 2026-Q1, 2026-Q2？（已有批次：{known}）"

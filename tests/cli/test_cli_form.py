"""`dealer-audit form` through CliRunner, then the filled workbook through `dealer-audit import`."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.core.answers import AuditStatus
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import LocalText
from dealer_audit.formats.standard_yaml import load_standard
from dealer_audit.storage.workspace import Workspace

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini_standard.yaml"


@pytest.fixture
def workspace(tmp_path):
    ws = Workspace.init(tmp_path / "ws", language="en")
    ws.repo.save_standard(load_standard(FIXTURE))
    ws.repo.save_dealers(
        [Dealer("SH001", LocalText("上海一店", "Shanghai One"), "east", attributes={"has_ev_service": True})]
    )
    ws.close()
    return tmp_path / "ws"


def invoke(*args):
    console.reset_for_tests(200)
    return CliRunner().invoke(app, list(args))


def test_form_writes_a_workbook(workspace, tmp_path):
    target = tmp_path / "out" / "SH001.xlsx"
    result = invoke(
        "form",
        "-w",
        str(workspace),
        "--dealer",
        "SH001",
        "--standard",
        "mini-service",
        "--wave",
        "2026-Q4",
        "-o",
        str(target),
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {target}: 11 items of mini-service 2026.1 for SH001, wave 2026-Q4" in result.output
    sheet = openpyxl.load_workbook(target)["Audit"]
    assert sheet["B6"].value == "R01"
    again = invoke(
        "form",
        "-w",
        str(workspace),
        "--dealer",
        "SH001",
        "--standard",
        "mini-service",
        "--wave",
        "2026-Q4",
        "-o",
        str(target),
    )
    assert again.exit_code == 1 and "--force" in again.output


def test_form_unknown_names_suggest(workspace, tmp_path):
    result = invoke(
        "form",
        "-w",
        str(workspace),
        "--dealer",
        "SH01",
        "--standard",
        "mini-service",
        "--wave",
        "2026-Q4",
        "-o",
        str(tmp_path / "x.xlsx"),
    )
    assert result.exit_code == 1 and "unknown dealer SH01" in result.output and "SH001" in result.output
    result = invoke(
        "form",
        "-w",
        str(workspace),
        "--dealer",
        "SH001",
        "--standard",
        "mini-service@2020.1",
        "--wave",
        "2026-Q4",
        "-o",
        str(tmp_path / "x.xlsx"),
    )
    assert result.exit_code == 1 and "no version 2020.1" in result.output and "2026.1" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_filled_form_imports_and_bad_form_stores_nothing(workspace, tmp_path):
    target = tmp_path / "SH001.xlsx"
    assert (
        invoke(
            "form", "-w", str(workspace), "-d", "SH001", "-s", "mini-service", "--wave", "2026-Q4", "-o", str(target)
        ).exit_code
        == 0
    )
    workbook = openpyxl.load_workbook(target)
    sheet = workbook["Audit"]
    sheet["H6"] = "是/Yes"
    sheet["H7"] = "maybe"
    sheet["H9"] = 999
    workbook.save(target)
    refused = invoke("import", "-w", str(workspace), str(target))
    assert refused.exit_code != 0
    assert "Audit!H7" in refused.output and "Audit!H9" in refused.output
    with Workspace.open(workspace) as ws:
        assert ws.repo.list_audits() == []

    sheet["H7"] = "否/No"
    sheet["H8"] = "否/No"
    sheet["H9"] = 3
    sheet["H10"] = "离店 / Left"
    workbook.save(target)
    imported = invoke("import", "-w", str(workspace), str(target))
    assert imported.exit_code == 0, imported.output
    with Workspace.open(workspace) as ws:
        (audit,) = ws.repo.list_audits()
    assert audit.status is AuditStatus.FINALISED and audit.answers["R04"].value == 3
    assert audit.answers["W01"].value == "leave" and audit.source == "SH001.xlsx"

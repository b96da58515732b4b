"""`dealer-audit self-assessment` end to end on the sample network: it must find the dealer the sample scripted as
over-claiming (GZ001 in 2026-Q4: the status board and tablet check-in claimed, the auditor saw neither) and
nobody else, and the self audit must change no score and be open to no dispute."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app

ROOT = Path(__file__).parents[2]
SAMPLES = ROOT / "sample_audits"
SELF_FILE = SAMPLES / "2026-Q4" / "GZ001_svc-mystery-shop_self.json"


def invoke(*args: str) -> Any:
    console.reset_for_tests(200)
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("self-assessment") / "ws"
    assert invoke("init", str(ws)).exit_code == 0
    for args in (
        ("standards", "import", str(ROOT / "checklists")),
        ("dealers", "import", str(SAMPLES / "dealers.csv")),
        ("import", str(SAMPLES / "2026-Q3"), str(SAMPLES / "2026-Q4")),
    ):
        result = invoke(*args, "-w", str(ws))
        assert result.exit_code == 0, result.output
    return ws


def test_json_finds_the_over_claiming_dealer(sample_workspace: Path) -> None:
    result = invoke("self-assessment", "--wave", "2026-Q4", "--json", "-w", str(sample_workspace))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["dealer"] for s in data["self_assessments"]] == ["GZ001"] and data["skipped"] == []
    gz = data["self_assessments"][0]
    assert gz["region"] == "south" and gz["filled_by"] == "刘敏（前台主管）" and gz["visits"] >= 1
    assert gz["index_gap"] == pytest.approx(gz["self_index"] - gz["audited_index"], abs=0.02)
    assert gz["index_gap"] > 20
    over = {i["item"] for i in gz["items"] if i["over_claim"]}
    assert {"ST01", "RC03"} <= over  # the board switched off and the paper check-in of the story
    assert gz["over_claims"] == len(over)
    for item in gz["items"]:
        assert item["over_claim"] == (item["claimed"] == 1.0 and item["failed_visits"] > 0)


def test_dealer_lists_its_items_and_region_narrows(sample_workspace: Path) -> None:
    result = invoke("self-assessment", "--wave", "2026-Q4", "--dealer", "GZ001", "--lang", "en", "-w",
                    str(sample_workspace))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Guangzhou Tianhe Xingchi Motors" in result.stdout
    rc03 = next(line for line in result.stdout.splitlines() if "RC03" in line)
    assert "OVER-CLAIM" in rc03 and "100%" in rc03
    west = invoke("self-assessment", "--wave", "2026-Q4", "--region", "west", "-w", str(sample_workspace))
    assert west.exit_code == 0 and "No self-assessment in wave 2026-Q4 for this selection (1 in the wave)" in (
        west.stdout
    )
    typo = invoke("self-assessment", "--wave", "2026-Q4", "--region", "sout", "-w", str(sample_workspace))
    assert typo.exit_code != 0 and "did you mean 'south'" in typo.output


def test_the_self_audit_counts_nowhere(sample_workspace: Path) -> None:
    """Not in the dealer's scores (the wave JSON lists its visits only), and not disputable."""
    self_id = json.loads(SELF_FILE.read_text(encoding="utf-8"))["audit_id"]
    scored = invoke("score", "--wave", "2026-Q4", "--json", "-w", str(sample_workspace))
    assert scored.exit_code == 0, scored.output
    data = json.loads(scored.stdout)
    assert self_id not in scored.stdout
    gz = next(d for d in data["dealers"] if d["code"] == "GZ001")
    visits = {
        json.loads(p.read_text(encoding="utf-8"))["audit_id"] for p in SAMPLES.glob("2026-Q4/GZ001_svc-*_[0-9].json")
    }
    mystery = next(c for c in gz["checklists"] if c["standard"] == "svc-mystery-shop")
    assert {a["audit_id"] for a in mystery["audits"]} <= visits and len(mystery["audits"]) >= 1
    refused = invoke("disputes", "file", "--audit", self_id, "--item", "AR01", "--reason", "x", "-w",
                     str(sample_workspace))  # fmt: skip
    assert refused.exit_code != 0 and "counts in no score" in refused.output

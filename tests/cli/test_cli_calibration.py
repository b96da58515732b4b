"""`dealer-audit calibration` end to end on the sample network: it must find the auditor the sample scripted as
lenient (周杰 on RC06, RC07 and RC10 in 2026-Q4) and the item scripted as ambiguous (AR03), and nobody else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.cli.sample_workspace import SAMPLES, build_sample_workspace, invoke


@pytest.fixture(scope="module")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_workspace(tmp_path_factory.mktemp("calibration"))


def test_json_finds_the_lenient_auditor_and_the_ambiguous_item(sample_workspace: Path) -> None:
    result = invoke(
        "calibration", "--wave", "2026-Q4", "--waves", "2026-Q3,2026-Q4", "--json", "-w", str(sample_workspace)
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["format"] == "dealer-audit/calibration" and data["waves"] == ["2026-Q3", "2026-Q4"]
    kinds = [u["kind"] for u in data["shared_units"]]
    assert kinds.count("double") == 10 and kinds.count("calibration") == 1
    session = next(u for u in data["shared_units"] if u["kind"] == "calibration")
    assert session["scenario"] == "CAL-2026-Q4-A" and len(session["auditors"]) == 12

    items = {i["item"]: i for i in data["items"]}
    assert [i for i, v in items.items() if v["ambiguous"]] == ["AR03"]
    assert {i for i, v in items.items() if v["poor"]} == {"AR03", "RC06", "RC07", "RC10"}
    for item_id in ("RC06", "RC07", "RC10"):
        assert items[item_id]["driven_by"] == ["周杰"]
    assert items["AR03"]["level"] == "nominal" and items["AR08"]["level"] == "ordinal"  # yes/no; scale
    assert items["AR04"]["level"] == "interval" and items["AR08"]["coefficient"] == "AC2"  # number
    ac = items["AR03"]["ac"]
    assert ac["low"] <= ac["value"] <= ac["high"] and ac["value"] < data["thresholds"]["poor_ac"]

    auditors = {a["auditor"]: a for a in data["auditors"]}
    assert [name for name, a in auditors.items() if a["outside_tolerance"]] == ["周杰"]
    lenient = auditors["周杰"]
    assert {d["item"] for d in lenient["departures"] if d["confirmed"]} == {"RC06", "RC07", "RC10"}
    assert all(d["mean"] > 0.5 for d in lenient["departures"] if d["confirmed"])  # more generous, not stricter
    assert lenient["consensus"]["mean"] > 0 and lenient["consensus"]["sure"]
    by_wave = {w["wave"]: w["mean"] for w in lenient["by_wave"]}
    assert by_wave["2026-Q4"] > by_wave["2026-Q3"] and lenient["drift"] > 0  # turned lenient in 2026-Q4


def test_table_and_pdf(sample_workspace: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "calibration.pdf"
    result = invoke("calibration", "--wave", "2026-Q4", "--pdf", str(pdf), "--lang", "en", "-w", str(sample_workspace))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "11 shared units (10 double audits, 1 calibration session(s))" in out
    ar03 = next(line for line in out.splitlines() if "AR03" in line)
    assert "AMBIGUOUS" in ar03 and "clearly visible" in ar03
    lenient = next(line for line in out.splitlines() if "周杰" in line and "OUTSIDE" in line)
    assert "RC06" in out and "OUTSIDE" in lenient
    assert out.count("OUTSIDE") == 1

    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Auditor calibration" in text and "2026-Q4" in text
    assert "ambiguous wording" in text and "driven by 周杰" in text

    zh_pdf = tmp_path / "calibration-zh.pdf"
    assert invoke("calibration", "--wave", "2026-Q4", "--pdf", str(zh_pdf), "-w", str(sample_workspace)).exit_code == 0
    zh_text = "\n".join(page.extract_text() for page in PdfReader(zh_pdf).pages)
    assert "稽核员校准报告" in zh_text and "表述含糊" in zh_text


def test_hq_workbook_has_the_calibration_sheet(sample_workspace: Path, tmp_path: Path) -> None:
    import openpyxl

    target = tmp_path / "network.xlsx"
    result = invoke("consolidate", "--wave", "2026-Q4", "-o", str(target), "-w", str(sample_workspace))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(target, read_only=True)["Calibration"]
    rows = list(sheet.iter_rows(values_only=True))
    flagged = [r[0] for r in rows if len(r) > 10 and r[10] == "yes"]
    assert flagged == ["周杰"]
    ambiguous = [r[1] for r in rows if len(r) > 13 and r[13] == "yes"]
    assert ambiguous == ["AR03"]


def test_calibration_sessions_never_count_in_dealer_scores(sample_workspace: Path) -> None:
    """SH002 is where the session's scenario was recorded: its audits in the ranking are its own visits only."""
    result = invoke("score", "--wave", "2026-Q4", "--json", "-w", str(sample_workspace))
    data = json.loads(result.stdout)
    sh002 = next(d for d in data["dealers"] if d["code"] == "SH002")
    counted = [a["audit_id"] for c in sh002["checklists"] for a in c["audits"]]
    sessions = {json.loads(p.read_text(encoding="utf-8"))["audit_id"] for p in (SAMPLES / "2026-Q4").glob("CAL-*.json")}
    assert len(sessions) == 12 and not sessions & set(counted)
    assert sh002["audits"] == len(list((SAMPLES / "2026-Q4").glob("SH002_*.json")))


def test_an_unknown_wave_is_named_with_the_known_ones(sample_workspace: Path) -> None:
    result = invoke("calibration", "--wave", "2027-Q9", "-w", str(sample_workspace))
    assert result.exit_code != 0
    assert "2027-Q9" in result.output and "2026-Q4" in result.output and "Traceback" not in result.output

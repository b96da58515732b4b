"""`dealer-audit self-assessment` end to end on the sample network: it must find the dealer the sample scripted as
over-claiming (GZ001 in 2026-Q4: the status board and tablet check-in claimed, the auditor saw neither) and
nobody else, and the self audit must change no score and be open to no dispute."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.sample_workspace import ROOT, SAMPLES, build_sample_workspace, invoke

SELF_FILE = SAMPLES / "2026-Q4" / "GZ001_svc-mystery-shop_self.json"


@pytest.fixture(scope="module")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_workspace(tmp_path_factory.mktemp("self-assessment"))


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
    west = invoke(
        "self-assessment", "--wave", "2026-Q4", "--region", "west", "--lang", "en", "-w", str(sample_workspace)
    )
    assert west.exit_code == 0 and "No self-assessment in wave 2026-Q4 for this selection (1 in the wave)" in (
        west.stdout
    )
    west_zh = invoke("self-assessment", "--wave", "2026-Q4", "--region", "west", "-w", str(sample_workspace))
    assert "稽核批次 2026-Q4 中没有符合所选条件的自评（本批次共 1 份）" in west_zh.stdout  # the workspace's language
    typo = invoke(
        "self-assessment", "--wave", "2026-Q4", "--region", "sout", "--lang", "en", "-w", str(sample_workspace)
    )
    assert typo.exit_code != 0 and "did you mean 'south'" in typo.output


def test_the_self_audit_counts_nowhere(sample_workspace: Path) -> None:
    """Not in the dealer's scores (the wave JSON lists its visits only), not in calibration, not disputable."""
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
    calibration = invoke("calibration", "--wave", "2026-Q4", "--json", "-w", str(sample_workspace))
    assert calibration.exit_code == 0, calibration.output
    rated = {a["auditor"]: a["audits"] for a in json.loads(calibration.stdout)["auditors"]}
    assert "刘敏（前台主管）" not in rated and rated  # dealer staff are not auditors to calibrate
    refused = invoke("disputes", "file", "--audit", self_id, "--item", "AR01", "--reason", "x", "-w",
                     str(sample_workspace))  # fmt: skip
    assert refused.exit_code != 0 and "不计入任何得分：没有可申诉的稽核结论" in refused.output  # the zh workspace


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_reports_show_the_over_claims(sample_workspace: Path, tmp_path: Path) -> None:
    """Dealer PDF: the 自评差距 section with the over-claims; a dealer without a self-assessment has none. Region
    PDF: GZ001 among the dealers with the largest over-claim. HQ workbook: the Self-assessment sheet."""
    from openpyxl import load_workbook

    ws = str(sample_workspace)
    out = tmp_path / "reports"
    for args in (
        ("report", "dealer", "GZ001", "SH001", "--wave", "2026-Q4", "--lang", "zh"),
        ("report", "region", "south", "--wave", "2026-Q4", "--lang", "en"),
    ):
        result = invoke(*args, "-o", str(out), "-w", ws)
        assert result.exit_code == 0, result.output
    gz = _pdf_text(out / "2026-Q4" / "dealers" / "GZ001_2026-Q4_zh.pdf")
    section = gz[gz.index("自评差距") :]
    assert "填写人：刘敏（前台主管）" in section and "虚报 17 项" in section.replace("\n", " ")
    rc03 = next(line for line in section.splitlines() if line.startswith("RC03"))
    assert "100%" in rc03 and "虚报" in rc03
    assert "自评差距" not in _pdf_text(out / "2026-Q4" / "dealers" / "SH001_2026-Q4_zh.pdf")
    region = _pdf_text(out / "2026-Q4" / "regions" / "region_south_2026-Q4_en.pdf")
    listed = region[region.index("Dealers with the largest over-claim") :]
    assert "GZ001 Guangzhou Tianhe Xingchi Motors" in listed and "RC03" in listed

    workbook = tmp_path / "hq.xlsx"
    result = invoke("consolidate", "--wave", "2026-Q4", "-o", str(workbook), "--lang", "en", "-w", ws)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(workbook, read_only=True)["Self-assessment"]
    rows = [row for row in sheet.iter_rows(values_only=True) if any(c is not None for c in row)]
    summary = rows[2]
    assert summary[0] == "GZ001" and summary[5] == "刘敏（前台主管）" and summary[10] == 17
    over = {row[2] for row in rows[5:] if row[9] == "yes"}
    assert len(over) == 17 and {"RC03", "ST01"} <= over


def test_a_dealer_fills_the_self_assessment_workbook(tmp_path: Path, make_audit: Any) -> None:
    """The whole path on the mini standard: `form --self-assessment`, the dealer fills it in Excel, HQ imports
    it with the auditor's visit, and `self-assessment` shows what the dealer over-claimed."""
    import openpyxl

    from dealer_audit.core.dealers import Dealer
    from dealer_audit.core.standard import LocalText
    from dealer_audit.formats.audit_json import write_audit_file
    from dealer_audit.formats.standard_yaml import load_standard
    from dealer_audit.storage.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws", language="en")
    ws.repo.save_standard(load_standard(ROOT / "tests" / "fixtures" / "mini_standard.yaml"))
    ws.repo.save_dealers([Dealer("SH001", LocalText("上海一店", "Shanghai One"), "east",
                                 attributes={"has_ev_service": True})])  # fmt: skip
    ws.close()
    w = str(tmp_path / "ws")
    form = tmp_path / "SH001-self.xlsx"
    made = invoke("form", "--self-assessment", "-d", "SH001", "-s", "mini-service", "--wave", "2026-Q4",
                  "-o", str(form), "-w", w)  # fmt: skip
    assert made.exit_code == 0 and "(self-assessment form)" in made.output, made.output
    book = openpyxl.load_workbook(form)
    filled = {"B3": "店长 Chen", "H6": "是/Yes", "H7": "是/Yes", "H8": "否/No", "H9": 1,
              "H10": "店内等待 / Waited on site", "H11": 5, "H12": "无线网络 / Wi-Fi", "H13": "是/Yes",
              "H14": "board.jpg"}  # fmt: skip
    for ref, value in filled.items():
        book["Audit"][ref] = value
    book.save(form)
    visit = tmp_path / "visit.json"
    write_audit_file(make_audit(), visit)  # R04 3 minutes (half marks), W02 4 of 5: both fail
    imported = invoke("import", str(form), str(visit), "-w", w)
    assert imported.exit_code == 0, imported.output
    result = invoke("self-assessment", "--wave", "2026-Q4", "--json", "-w", w)
    assert result.exit_code == 0, result.output
    (own,) = json.loads(result.stdout)["self_assessments"]
    assert own["dealer"] == "SH001" and own["filled_by"] == "店长 Chen" and own["visits"] == 1
    assert sorted(i["item"] for i in own["items"] if i["over_claim"]) == ["R04", "W02"]
    r01 = next(i for i in own["items"] if i["item"] == "R01")
    assert (r01["claimed"], r01["observed"], r01["over_claim"]) == (1.0, 1.0, False)

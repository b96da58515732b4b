"""`dealer-audit kpis import | list` and `dealer-audit incentives` end to end on the sample network: the dealer whose
DMS claims 96 % tablet check-in while auditors saw paper is flagged, the dealer two waves below the tier
threshold is warned, and NPS follows the service-status transparency section."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.cli.sample_workspace import SAMPLES, build_sample_workspace, invoke

KPI_FILES = sorted((SAMPLES / "kpis").glob("2026-Q*_*.*"))


@pytest.fixture(scope="module")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert [p.name for p in KPI_FILES] == ["2026-Q3_dms.csv", "2026-Q3_survey.xlsx", "2026-Q4_dms.csv",
                                           "2026-Q4_survey.xlsx"]  # fmt: skip
    kpis = [("kpis", "import", str(path), "--wave", path.name[:7]) for path in KPI_FILES]
    return build_sample_workspace(tmp_path_factory.mktemp("kpis"), *kpis, lang="en")


def test_import_says_what_it_stored_and_a_second_import_replaces(sample_workspace):
    path = SAMPLES / "kpis" / "2026-Q4_dms.csv"
    result = invoke("kpis", "import", str(path), "--wave", "2026-Q4", "-w", str(sample_workspace))
    assert result.exit_code == 0
    assert result.output.strip() == "imported 112 KPI value(s) from 2026-Q4_dms.csv for 2026-Q4"


def test_the_dealer_whose_dms_contradicts_the_auditors_is_flagged(sample_workspace):
    result = invoke("kpis", "list", "--wave", "2026-Q4", "-w", str(sample_workspace))
    assert result.exit_code == 0, result.output
    assert "⚠ TY001: Tablet check-in rate reported as 96% (≥ 80), yet auditors failed DR01 in" in result.output
    data = json.loads(invoke("kpis", "list", "--wave", "2026-Q4", "--json", "-w", str(sample_workspace)).output)
    flagged = {d["dealer"]: d["flags"] for d in data["dealers"] if d["flags"]}
    assert set(flagged) == {"TY001"}
    assert {(f["item"], f["value"]) for f in flagged["TY001"]} == {("DR01", 96.0), ("RC03", 96.0)}
    ty001 = next(d for d in data["dealers"] if d["dealer"] == "TY001")
    assert ty001["values"]["complaints"]["score"] is not None  # the lower-is-better KPI, named by its zh name


def test_nps_follows_the_status_transparency_section(sample_workspace):
    scored = json.loads(invoke("score", "--wave", "2026-Q4", "--json", "-w", str(sample_workspace)).output)
    kpis = json.loads(invoke("kpis", "list", "--wave", "2026-Q4", "--json", "-w", str(sample_workspace)).output)
    nps = {d["dealer"]: d["values"]["nps"]["value"] for d in kpis["dealers"]}
    section = {}
    for dealer in scored["dealers"]:
        for checklist in dealer["checklists"]:
            for s in checklist["sections"]:
                if (s["standard"], s["section"]) == ("digital-service", "transparency"):
                    section[dealer["code"]] = s["percent"]
    codes = sorted(set(section) & set(nps))
    r = np.corrcoef([section[c] for c in codes], [nps[c] for c in codes])[0, 1]
    assert len(codes) == 28 and r > 0.6


def test_incentives_warn_the_dealer_two_waves_below_and_refuse_a_thin_survey(sample_workspace):
    result = invoke("incentives", "--wave", "2026-Q4", "-w", str(sample_workspace))
    assert result.exit_code == 0, result.output
    data = json.loads(invoke("incentives", "--wave", "2026-Q4", "--json", "-w", str(sample_workspace)).output)
    rows = {d["dealer"]: d for d in data["dealers"]}
    assert rows["TY001"]["streak"] == {"count": 2, "status": "warning"}
    assert all(r["history"][-1] < 650 for r in [rows["TY001"]])
    warned = {code for code, r in rows.items() if r["streak"]["status"] in ("warning", "penalty")}
    assert warned == {"TY001"}
    assert rows["TY001"]["tier"] is None and rows["TY001"]["gap"] == pytest.approx(650 - rows["TY001"]["composite"])
    assert rows["KM001"]["eligible"] is False
    assert {r["en"] for r in rows["KM001"]["reasons"]} == {"nps rests on 24, fewer than 30",
                                                            "csi rests on 24, fewer than 30"}  # fmt: skip
    tiers = {r["tier"] for r in rows.values()}
    assert {"platinum", "gold", "silver", "bronze"} <= tiers
    assert "TY001" in result.output and "warning (2)" in result.output


def test_a_region_filter_and_unknown_names(sample_workspace, tmp_path):
    north = json.loads(
        invoke("incentives", "--wave", "2026-Q4", "--region", "north", "--json", "-w", str(sample_workspace)).output
    )
    assert {d["region"] for d in north["dealers"]} == {"north"}
    wrong = invoke("incentives", "--wave", "2026-Q4", "--region", "nort", "-w", str(sample_workspace))
    assert wrong.exit_code == 1 and "did you mean north?" in wrong.output
    bad = tmp_path / "bad.csv"
    bad.write_text("经销商代码,指标,数值\nTY01,nps,40\nTY001,移动接车,50\n", encoding="utf-8")
    result = invoke("kpis", "import", str(bad), "--wave", "2026-Q4", "-w", str(sample_workspace))
    assert result.exit_code == 1
    assert f"{bad}:2: unknown dealer 'TY01' (did you mean TY001" in result.output
    assert f"{bad}:3: unknown KPI '移动接车'" in result.output
    assert "nothing imported" in result.output
    wave = invoke("kpis", "import", str(bad), "--wave", "2026-Q5", "-w", str(sample_workspace))
    assert wave.exit_code == 1 and "did you mean" in wave.output


def test_reports_show_the_tier_box_the_flag_and_the_kpi_sheets(sample_workspace, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    ws = str(sample_workspace)
    result = invoke("report", "dealer", "TY001", "--wave", "2026-Q4", "--lang", "en", "-o", str(tmp_path), "-w", ws)
    assert result.exit_code == 0, result.output
    (pdf,) = tmp_path.rglob("TY001_2026-Q4_en.pdf")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages)
    assert "Incentive tier" in text and "No tier" in text and "Consecutive waves below" in text
    assert "warning (2)" in text
    assert "Tablet check-in rate reported as 96% (≥ 80), yet auditors failed DR01" in text
    assert "Complaints per 1,000 repair orders" in text
    region = invoke("report", "region", "north", "--wave", "2026-Q4", "--lang", "en", "-o", str(tmp_path), "-w", ws)
    assert region.exit_code == 0, region.output
    (region_pdf,) = tmp_path.rglob("region_north_2026-Q4_en.pdf")
    region_text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(region_pdf).pages)
    assert "Data integrity" in region_text and "yet auditors failed RC03" in region_text
    hq = tmp_path / "hq.xlsx"
    done = invoke("consolidate", "--wave", "2026-Q4", "--lang", "en", "-o", str(hq), "-w", ws)
    assert done.exit_code == 0, done.output
    book = load_workbook(hq, read_only=True)
    assert {"KPIs", "Incentives", "Data integrity"} <= set(book.sheetnames)
    flags = [row for row in book["Data integrity"].iter_rows(min_row=2, values_only=True)]
    assert {(row[0], row[3]) for row in flags} == {("TY001", "DR01"), ("TY001", "RC03")}
    incentives = {row[0]: row for row in book["Incentives"].iter_rows(min_row=2, values_only=True)}
    assert incentives["TY001"][9] == "warning (2)" and incentives["KM001"][4] == "Not eligible"

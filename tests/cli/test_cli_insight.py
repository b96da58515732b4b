"""`dealer-audit insight drivers|themes` end to end on the sample network, and the report sections they feed."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dealer_audit.core.driver_inputs import composite_outcome
from dealer_audit.core.key_drivers import Requirement
from dealer_audit.formats.standard_yaml import load_standard
from tests.cli.sample_workspace import ROOT, SAMPLES, build_sample_workspace, invoke


@pytest.fixture(scope="module")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_workspace(
        tmp_path_factory.mktemp("insight"),
        ("kpis", "import", str(SAMPLES / "kpis" / "2026-Q4_survey.xlsx"), "--wave", "2026-Q4"),
    )


def test_drivers_json_splits_the_composite_among_digital_sections(sample_workspace: Path) -> None:
    result = invoke(
        "insight", "drivers", "--wave", "2026-Q4", "--json", "--resamples", "300", "-w", str(sample_workspace)
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["outcome"] == "composite" and data["region"] is None
    digital = next(s for s in data["standards"] if s["standard"] == "digital-service")
    sections = digital["sections"]
    assert sections["refusal"] is None and sections["method"] == "dominance"
    assert sum(d["weight"] for d in sections["drivers"]) == pytest.approx(sections["r_squared"])
    assert sum(d["share"] for d in sections["drivers"]) == pytest.approx(1.0)
    for d in sections["drivers"]:
        assert d["interval"][0] <= d["share"] <= d["interval"][1]
        assert 0 < d["stated_share"] < 0.4  # the digital standard weighs 0.4 of the composite
    # 36+ items for 28 dealers: refused in both languages, with the documented minimum
    items = digital["items"]
    assert items["drivers"] == [] and "Too few dealers" in items["refusal"]["en"]
    assert "数据太少" in items["refusal"]["zh"]


def test_nps_is_driven_by_the_status_transparency_section(sample_workspace: Path) -> None:
    """The sample's scripted story (sample_audits/build_kpis.py): NPS follows the digital assessment's
    service-status transparency section, which the standard weighs at only 6.4 % of the composite."""
    args = ("insight", "drivers", "--wave", "2026-Q4", "--outcome", "nps", "--json", "--resamples", "300")
    result = invoke(*args, "-w", str(sample_workspace))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["outcome"] == "nps"
    sections = next(s for s in data["standards"] if s["standard"] == "digital-service")["sections"]
    first, second = sections["drivers"][:2]
    assert first["section"] == "transparency" and first["correlation"] > 0.6
    assert first["interval"][0] > second["share"]  # clearly ahead, not within noise of the runner-up
    assert first["share"] > 5 * first["stated_share"]


def test_drivers_of_one_region_are_refused_with_a_clear_message(sample_workspace: Path) -> None:
    args = ("insight", "drivers", "--wave", "2026-Q4", "--region", "west", "-w", str(sample_workspace))
    result = invoke(*args, "--lang", "en")
    assert result.exit_code == 1
    assert "no key-driver analysis possible" in result.output
    # the 7 digital-service sections need 21 dealers; the west has 7
    need = Requirement(7).min_dealers
    assert f"7 predictors need at least {need} dealers" in result.output and "there are 7." in result.output
    chinese = invoke(*args, "--lang", "zh")
    assert f"7 个指标至少需要 {need} 家经销商" in chinese.output


def test_an_unknown_outcome_or_region_names_what_exists(sample_workspace: Path) -> None:
    where = ("--wave", "2026-Q4", "-w", str(sample_workspace))
    result = invoke("insight", "drivers", "--outcome", "compsite", "--lang", "en", *where)
    assert result.exit_code == 1 and "did you mean composite" in result.output
    result = invoke("insight", "drivers", "--outcome", "npss", "--lang", "en", *where)
    assert result.exit_code == 1 and "did you mean nps" in result.output
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEALER_AUDIT_LANG", "en")  # `insight themes` has no --lang
        result = invoke("insight", "themes", "--region", "wset", *where)
    assert result.exit_code == 1 and "did you mean west" in result.output
    result = invoke("insight", "drivers", "--outcome", "npss", *where)  # the zh workspace
    assert result.exit_code == 1 and "未知的结果指标 npss：未知的 KPI 指标 npss（是否应为 nps？）" in result.output
    result = invoke("insight", "themes", "--region", "wset", *where)
    assert result.exit_code == 1 and "稽核批次 2026-Q4 中没有区域 wset（是否应为 west？）" in result.output


def test_themes_json_tracks_the_previous_wave_and_lists_unknown_issues(sample_workspace: Path) -> None:
    result = invoke("insight", "themes", "--wave", "2026-Q4", "--json", "-w", str(sample_workspace))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["previous_wave"] == "2026-Q3" and data["notes"] > 500
    assert data["themes"] and all(sum(t["regions"].values()) == t["notes"] for t in data["themes"])
    assert any(t["previous"] for t in data["themes"])
    assert data["unknown_notes"] and {"dealer", "item", "text"} <= set(data["unknown_notes"][0])


def test_sample_themes_are_linked_to_their_items_and_surface_the_scripted_unknown_issues(
    sample_workspace: Path,
) -> None:
    """The sample's notes describe the failed item (services/sample_notes.py), and two issues no item covers were
    written at West dealers (sample_audits/build_samples.py, UNKNOWN_ISSUES): staff smoking at the entrance (XA001
    in both waves, UR001 in 2026-Q4) and broken entrance steps (CQ001, CD001 in 2026-Q4)."""
    data = json.loads(invoke("insight", "themes", "--wave", "2026-Q4", "--json", "-w", str(sample_workspace)).stdout)
    themes = data["themes"]
    issues = [t for t in themes if t["kind"] != "remark"]
    in_item_themes = sum(t["notes"] for t in issues if t["kind"] == "item")
    assert in_item_themes >= 0.9 * sum(t["notes"] for t in issues)  # failures are explained by their items
    linked = {i["item"] for t in themes for i in t["items"]}
    assert {"TP01", "ST03", "RC03", "DC02", "HO11", "FP08", "AR08", "VE03"} <= linked
    board = next(t for t in themes if "TP01" in {i["item"] for i in t["items"]})
    assert any("看板" in e or "board" in e for e in board["examples"])

    unknown = [t for t in themes if t["kind"] == "unknown"]
    assert len(unknown) == 2 and all(t["items"] == [] for t in unknown)
    smoking = next(t for t in unknown if "抽烟" in t["keywords"])
    steps = next(t for t in unknown if "台阶" in t["keywords"])
    assert smoking["previous"] is not None  # XA001's smokers were noted in 2026-Q3 too
    assert steps["previous"] is None and steps["regions"] == {"west": steps["notes"]}
    texts = {n["text"]: n["dealer"] for n in data["unknown_notes"]}
    assert {texts[e] for e in steps["examples"]} <= {"CQ001", "CD001"}
    assert {texts[e] for e in smoking["examples"]} <= {"XA001", "UR001"}
    by_theme = [n for n in data["unknown_notes"] if n["text"] in set(steps["examples"]) | set(smoking["examples"])]
    assert len({(n["dealer"], n["item"]) for n in by_theme}) == len(by_theme)  # never twice on one item of a dealer


def test_themes_table_in_the_terminal(sample_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALER_AUDIT_LANG", "en")  # the workspace speaks zh; this test reads the English lines
    result = invoke("insight", "themes", "--wave", "2026-Q4", "--region", "west", "-w", str(sample_workspace))
    assert result.exit_code == 0, result.output
    assert "region west" in result.stdout and "Unknown issues (未知体验)" in result.stdout


def test_the_reports_explain_nps_when_the_wave_has_it_else_the_composite(sample_workspace: Path) -> None:
    """docs/insight.md, "Which outcome the reports explain": the program's `insight: {outcome: …}`, else NPS, else
    CSI when the wave has values of it, else the composite. The fixture imports survey KPIs for 2026-Q4 only."""
    from dealer_audit.services.insight import report_outcome
    from dealer_audit.services.scoring_job import load_wave_result
    from dealer_audit.storage.workspace import Workspace

    with Workspace.open(sample_workspace) as ws:
        q4, q3 = load_wave_result(ws.repo, "2026-Q4"), load_wave_result(ws.repo, "2026-Q3")
        name, values = report_outcome(q4, ws.repo)
        assert name == "nps" and len(values) == 28
        assert report_outcome(q3, ws.repo)[0] == "composite"  # no survey data that wave
        chosen = replace(q4, program=replace(q4.program, insight_outcome="csi"))
        assert report_outcome(chosen, ws.repo)[0] == "csi"
        chosen = replace(q4, program=replace(q4.program, insight_outcome="composite"))
        assert report_outcome(chosen, ws.repo) == ("composite", composite_outcome(q4))
        missing = replace(q3, program=replace(q3.program, insight_outcome="csi"))
        assert report_outcome(missing, ws.repo)[0] == "composite"  # a KPI without values falls back


@pytest.mark.slow
def test_region_pdf_and_hq_workbook_carry_the_insight(sample_workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = invoke(
        "report", "region", "west", "--wave", "2026-Q4", "--lang", "zh", "-o", str(out), "-w", str(sample_workspace)
    )
    assert result.exit_code == 0, result.output
    (pdf,) = [p for p in out.rglob("*.pdf") if "west" in p.name]
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "备注中的主题" in text and "未知体验" in text
    assert "数据太少" in text  # the refused analyses say why, where their rows would be
    # key experience points of NPS (the wave has survey data): the status-transparency section ranks first
    assert "关键体验点：驱动净推荐值（NPS）的环节与检查项" in text
    digital = load_standard(ROOT / "checklists" / "digital-service.yaml")
    key_points = text[text.index("关键体验点") : text.index("备注中的主题")]
    first = min((s for s in digital.sections), key=lambda s: key_points.index(s.title.zh))
    assert first.id == "transparency"
    # the West's unknown issues: the steps and the smokers, as themes of their own
    themes = text[text.index("备注中的主题") :]
    assert "台阶" in themes and "抽烟" in themes
    from dealer_audit.services.reporting import prepare_wave, write_network_workbook
    from dealer_audit.storage.workspace import Workspace

    with Workspace.open(sample_workspace) as ws:
        book = write_network_workbook(prepare_wave(ws, "2026-Q4", insight=True), tmp_path / "hq.xlsx")
    wb = load_workbook(book, read_only=True)
    assert {"Key drivers", "Themes"} <= set(wb.sheetnames)
    rows = list(wb["Key drivers"].iter_rows(values_only=True))
    assert rows[1][1] == "Section" and rows[1][2] == "transparency"
    assert any(r[0] == "Key experience points: what drives NPS" for r in rows)

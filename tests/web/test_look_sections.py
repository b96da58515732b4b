"""The dealer and region pages' KPI, incentive, data-integrity, self-assessment and insight sections in a real
browser, on the sample network with its KPI files: every figure equal to the report model the PDFs are rendered
from and to `incentives --json` / `self-assessment --json`.

Screenshots of the sections for the docs: ``DEALER_AUDIT_SCREENSHOTS=docs/img pytest tests/web/test_look_sections.py``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator
from typer.testing import CliRunner

from dealer_audit.cli.app import app as cli_app
from dealer_audit.core.report_model import DealerReport, RegionReport, fmt_delta, fmt_number
from dealer_audit.services.kpis import import_sample_kpis
from dealer_audit.services.reporting import dealer_report, prepare_wave, region_report
from dealer_audit.storage.workspace import Workspace
from tests.web.conftest import ROOT, LiveServer, OfflinePage
from tests.web.helpers import make_client

pytestmark = pytest.mark.slow

WAVE = "2026-Q4"


@pytest.fixture(scope="module")
def kpi_workspace(sample_workspace_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample network with its DMS and survey KPI files imported (as `dealer-audit demo` does)."""
    target = tmp_path_factory.mktemp("look-sections") / "ws"
    shutil.copytree(sample_workspace_template, target)
    with Workspace.open(target) as ws:
        import_sample_kpis(ws.repo, ROOT / "sample_audits")
    return target


@pytest.fixture(scope="module")
def server(kpi_workspace: Path) -> Iterator[LiveServer]:
    live = LiveServer(kpi_workspace)
    live.start()
    try:
        yield live
    finally:
        live.stop()


def cli_json(workspace: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli_app, [*args, "--wave", WAVE, "--json", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def dealer_model(workspace: Path, dealer: str, lang: str = "zh") -> DealerReport:
    with Workspace.open(workspace) as ws:
        return dealer_report(prepare_wave(ws, WAVE), dealer, lang)


def region_model(workspace: Path, region: str, lang: str = "zh") -> RegionReport:
    with Workspace.open(workspace) as ws:
        return region_report(prepare_wave(ws, WAVE, insight=True), region, lang)


def texts(locator: Locator) -> list[str]:
    return [" ".join(t.split()) for t in locator.all_inner_texts()]


def shoot(locator: Locator, name: str) -> None:
    folder = os.environ.get("DEALER_AUDIT_SCREENSHOTS")
    if folder:
        locator.screenshot(path=str(Path(folder) / name))


def test_ty001_shows_its_data_integrity_flags_and_warning_streak(server: LiveServer, offline_page: OfflinePage) -> None:
    model = dealer_model(server.workspace, "TY001")
    assert model.kpis is not None and model.kpis.incentive is not None and model.kpis.flags
    line = model.kpis.incentive
    cli = next(d for d in cli_json(server.workspace, "incentives")["dealers"] if d["dealer"] == "TY001")
    page = offline_page.page
    page.goto(f"{server.url}/look/{WAVE}/dealers/TY001")
    section = page.get_by_test_id("kpi-section")
    section.scroll_into_view_if_needed()
    # the warning streak, as the CLI states it
    streak = page.get_by_test_id("incentive-streak")
    assert cli["streak"] == {"count": 2, "status": "warning"}
    assert streak.get_attribute("data-status") == "warning" and streak.inner_text() == "警告 (2)" == line.streak
    assert "alarm" in (page.get_by_test_id("incentive").get_attribute("class") or "")
    # tier, composite and gap: the model's texts, equal to the CLI's figures
    assert cli["tier"] is None and page.get_by_test_id("incentive-tier").inner_text() == line.tier == "未达档"
    assert page.get_by_test_id("incentive-composite").inner_text() == line.composite == fmt_number(cli["composite"])
    assert page.get_by_test_id("incentive-gap").inner_text() == line.gap == fmt_number(cli["gap"])
    assert page.get_by_test_id("incentive-next").inner_text() == line.next == "铜牌"
    assert cli["next_tier"] == "bronze"
    assert page.get_by_test_id("incentive-borderline").count() == (1 if cli["borderline"] else 0)
    # the data-integrity flags, each named, and the KPI rows they contradict highlighted
    flags = page.get_by_test_id("integrity-flags").locator("li")
    assert flags.count() == len(model.kpis.flags) == 2
    shown = texts(flags)
    for flag, text in zip(model.kpis.flags, shown, strict=True):
        assert flag.text in text and flag.item_id in text
    flagged_rows = page.locator("[data-testid=kpi-table] tr.flagged")
    assert sorted(set(flagged_rows.evaluate_all("rows => rows.map(r => r.dataset.kpi)"))) == sorted(
        {f.kpi_id for f in model.kpis.flags}
    )
    for k in model.kpis.lines:
        row = page.locator(f"[data-testid=kpi-table] tr[data-kpi='{k.kpi_id}']")
        assert row.locator("[data-col=score]").inner_text() == (k.score.text if k.score.value is not None else "–")
    assert page.get_by_test_id("kpi-index").inner_text() == model.kpis.kpi_index.text
    shoot(section, "web-dealer-kpis.png")
    assert not offline_page.foreign_requests


def test_gz001_shows_its_self_assessment_over_claims(server: LiveServer, offline_page: OfflinePage) -> None:
    model = dealer_model(server.workspace, "GZ001")
    (view,) = model.self_assessment
    cli = next(s for s in cli_json(server.workspace, "self-assessment")["self_assessments"] if s["dealer"] == "GZ001")
    page = offline_page.page
    page.goto(f"{server.url}/look/{WAVE}/dealers/GZ001")
    section = page.get_by_test_id("self-assessment")
    section.scroll_into_view_if_needed()
    assert page.get_by_test_id("sa-over-claims").inner_text() == str(view.over_claims) == str(cli["over_claims"])
    assert (
        page.get_by_test_id("sa-self-index").inner_text()
        == fmt_number(view.self_index)
        == fmt_number(cli["self_index"])
    )
    assert page.get_by_test_id("sa-audited-index").inner_text() == fmt_number(cli["audited_index"])
    assert page.get_by_test_id("sa-gap").inner_text() == fmt_delta(view.index_gap) == fmt_delta(cli["index_gap"])
    over = page.locator("[data-testid=sa-items] tr.over-claim")
    over_ids = over.evaluate_all("rows => rows.map(r => r.dataset.item)")
    assert over_ids == [i.item_id for i in view.items if i.over_claim]
    assert sorted(over_ids) == sorted(i["item"] for i in cli["items"] if i["over_claim"])
    assert over.locator("[data-testid=over-claim]").count() == cli["over_claims"]
    first = over.first
    assert (
        first.locator("[data-col=claimed]").inner_text() == "100%"
        and first.locator("[data-col=observed]").inner_text() == "0%"
    )
    colour = first.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor")
    assert colour == "rgb(253, 236, 234)"  # highlighted
    shoot(section, "web-dealer-self-assessment.png")
    page.goto(f"{server.url}/look/{WAVE}/dealers/GZ001?lang=en")
    assert "Self-assessment gap" in page.get_by_test_id("self-assessment").inner_text()
    assert "Over-claim" in page.locator("[data-testid=sa-items] tr.over-claim").first.inner_text()


def test_region_page_shows_flags_incentive_lines_and_key_experience_points(
    server: LiveServer, offline_page: OfflinePage
) -> None:
    model = region_model(server.workspace, "north")
    assert model.kpis is not None and model.insight is not None
    page = offline_page.page
    page.goto(f"{server.url}/look/{WAVE}/regions/north")
    flags = page.locator("[data-testid=region-integrity] li")
    assert flags.evaluate_all("rows => rows.map(r => r.dataset.dealer)") == [f.dealer_code for f in model.kpis.flags]
    rows = page.locator("[data-testid=region-incentives] tbody tr")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.dealer)") == [x.dealer for x in model.kpis.incentives]
    ty = page.locator("[data-testid=region-incentives] tr[data-dealer=TY001]")
    assert "flagged" in (ty.get_attribute("class") or "") and ty.locator("[data-col=streak]").inner_text() == "警告 (2)"
    points = page.locator("[data-testid=key-points-table] tbody tr")
    assert points.count() == len(model.insight.key_points) > 0
    assert texts(points.locator("[data-col=share]")) == [r.share.text for r in model.insight.key_points]
    shoot(page.get_by_test_id("region-kpis"), "web-region-kpis.png")
    assert not offline_page.foreign_requests


def test_the_insight_is_computed_once_per_wave_for_region_pages_and_downloads(web_workspace: Path) -> None:
    client = make_client(web_workspace)
    look = client.app.state.look  # type: ignore[attr-defined]
    assert client.get(f"/look/{WAVE}/dealers/TY001").status_code == 200
    assert look.insights == 0  # dealer pages do not need it
    for path in ("/regions/north", "/regions/south?lang=en", "/regions/north/report.pdf"):
        assert client.get(f"/look/{WAVE}{path}").status_code == 200
    assert look.insights == 1 and look.loads == 1

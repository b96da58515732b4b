"""How sure the figures are, in a real browser: the dealer page's interval (text and whisker), shrunken estimate,
change label, rank ranges and one-visit note equal `dealer-audit score --json`; the region page and the network
league table carry the same columns as the HQ workbook, straight from the report models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dealer_audit.cli.app import app
from dealer_audit.core.intervals import SIGNIFICANCE_TEXT, Significance
from dealer_audit.core.overview import build_wave_overview
from dealer_audit.services.reporting import dealer_report, prepare_wave, region_report
from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.charts import dealer_charts
from tests.web.conftest import LiveServer, OfflinePage

pytestmark = pytest.mark.slow

WAVE = "2026-Q4"
DEALER = "GZ001"  # in the sample network: one mystery-shop visit this wave, a significant composite drop


def score_json(workspace: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["score", "--wave", WAVE, "--json", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def number(text: str) -> float:
    return float(text.replace(",", ""))


def span(text: str) -> tuple[float, float]:
    low, high = text.split("–")
    return number(low), number(high)


def test_dealer_page_shows_interval_shrunken_change_label_and_one_visit_note(
    live_server: LiveServer, offline_page: OfflinePage
) -> None:
    scored = {d["code"]: d for d in score_json(live_server.workspace)["dealers"]}[DEALER]
    page = offline_page.page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/look/{WAVE}/dealers/{DEALER}")

    # the composite: raw index kept, interval and shrunken estimate beside it (rounded as shown: ±0.05)
    assert number(page.get_by_test_id("dealer-index").inner_text()) == pytest.approx(scored["composite"], abs=0.05)
    low, high = span(page.get_by_test_id("dealer-interval").inner_text())
    assert (low, high) == pytest.approx(tuple(scored["composite_ci95"]), abs=0.05)
    assert number(page.get_by_test_id("dealer-shrunk").inner_text()) == pytest.approx(
        scored["shrunk_composite"], abs=0.05
    )
    assert scored["shrunk_composite"] != pytest.approx(scored["composite"], abs=0.05)  # two figures, both shown
    label = page.get_by_test_id("dealer-change").get_by_test_id("change-label")
    assert label.get_attribute("data-code") == scored["delta_test"]["label"] == "significant"
    assert label.inner_text() == SIGNIFICANCE_TEXT[Significance.SIGNIFICANT]["zh"]
    assert label.get_attribute("title")  # the plain-words meaning on hover
    ranges = scored["rank_range"]
    assert page.get_by_test_id("rank-range-network").inner_text() == "–".join(
        str(r) for r in dict.fromkeys(ranges["network"])
    )

    # each standard: interval, shrunken estimate, change label; the one-visit standard is marked and explained
    by_standard = {c["standard"]: c for c in scored["checklists"]}
    one_visit = [sid for sid, c in by_standard.items() if c["n"] == 1]
    assert one_visit  # the sample network has a standard resting on one visit for this dealer
    for sid, c in by_standard.items():
        row = page.locator(f"[data-testid=checklists] tr[data-standard='{sid}']")
        assert number(row.locator("[data-col=index]").inner_text().split()[0]) == pytest.approx(c["index"], abs=0.05)
        assert span(row.locator("[data-col=interval]").inner_text()) == pytest.approx(tuple(c["ci95"]), abs=0.05)
        assert number(row.locator("[data-col=shrunk]").inner_text()) == pytest.approx(c["shrunk"]["value"], abs=0.05)
        assert row.get_by_test_id("change-label").get_attribute("data-code") == c["delta_test"]["label"]
        assert row.get_by_test_id("one-visit").count() == (1 if sid in one_visit else 0)
    notes = page.get_by_test_id("precision-notes").inner_text()
    assert "仅基于一次走访" in notes

    # the whisker chart is drawn from the report model's figures (the same ones the PDF whiskers use)
    chart = page.get_by_test_id("chart-indices")
    assert chart.get_attribute("data-drawn") == "true" and chart.locator("canvas").count() == 1
    with Workspace.open(live_server.workspace) as ws:
        report = dealer_report(prepare_wave(ws, WAVE), DEALER, "zh")
    embedded = json.loads(page.locator('script[data-for="indices"]').text_content() or "")
    assert embedded == json.loads(json.dumps(dealer_charts(report)["indices"]))
    assert embedded["composite"]["interval"] == pytest.approx(scored["composite_ci95"])
    assert [c["one_visit"] for c in embedded["checklists"]] == [c.standard_id in one_visit for c in report.checklists]

    # the help line opens and says what the figures mean
    page.get_by_test_id("precision-help").locator("summary").click()
    assert "收缩估计" in page.get_by_test_id("precision-help").inner_text()
    assert errors == [] and offline_page.foreign_requests == []


def test_region_page_and_league_table_carry_interval_shrunken_and_rank_range(
    live_server: LiveServer, offline_page: OfflinePage
) -> None:
    with Workspace.open(live_server.workspace) as ws:
        context = prepare_wave(ws, WAVE)
        region = region_report(context, "south", "en")
        overview = build_wave_overview(context.result, lang="en")
    page = offline_page.page

    page.goto(f"{live_server.url}/look/{WAVE}/regions/south?lang=en")
    for row in region.league:
        cells = page.locator(f"[data-testid=region-league] tr[data-code='{row.dealer_code}']")
        assert cells.locator("[data-col=interval]").inner_text() == (row.interval.text if row.interval else "–")
        assert cells.locator("[data-col=shrunk]").inner_text() == row.shrunk.text
        assert cells.locator("[data-col=rank-range]").inner_text() == (row.rank_range_region or "–")
        label = cells.get_by_test_id("change-label")
        assert label.inner_text() == (row.change.text if row.change else "")

    page.goto(f"{live_server.url}/look/{WAVE}?lang=en")
    shown = page.locator("#league tbody tr[data-code]")
    assert shown.count() == len(overview.rows)
    for k, item in enumerate(overview.rows):
        row, cells = item.league, shown.nth(k)
        assert cells.get_attribute("data-code") == row.dealer_code
        assert cells.locator("[data-col=interval]").inner_text() == (row.interval.text if row.interval else "–")
        assert cells.locator("[data-col=shrunk]").inner_text() == row.shrunk.text
        assert cells.locator("[data-col=rank-range]").inner_text() == (row.rank_range_network or "–")
    head = page.locator("#league thead").inner_text()
    assert "95% CI" in head and "Rank range" in head
    assert offline_page.foreign_requests == []

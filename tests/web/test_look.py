"""Look pages in a real browser: the overview's filters, sort and search; the dealer page's figures against the
report model the PDF is rendered from; the region page's charts; downloads; who sees what."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from dealer_audit.core.answers import Answer
from dealer_audit.core.overview import build_wave_overview
from dealer_audit.core.report_model import DealerReport, RegionReport
from dealer_audit.core.standard import LocalText
from dealer_audit.services.reporting import dealer_report, prepare_wave, region_report
from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.app import create_app
from dealer_audit.web.charts import dealer_charts, region_charts
from dealer_audit.web.config import WebConfig
from dealer_audit.web.principal import Role
from tests.web.conftest import LiveServer, OfflinePage

pytestmark = pytest.mark.slow

WAVE = "2026-Q4"
RICH_DEALER = "GZ001"  # knock-outs, photos and notes in the sample network


def reports(workspace: Path, dealer: str, region: str) -> tuple[DealerReport, RegionReport]:
    """The report models the PDFs of `dealer` and `region` are rendered from (zh, as the browser asks)."""
    with Workspace.open(workspace) as ws:
        context = prepare_wave(ws, WAVE)
        return dealer_report(context, dealer, "zh"), region_report(context, region, "zh")


def league_codes(page: OfflinePage) -> list[str]:
    return page.page.locator("#league tbody tr[data-code]").evaluate_all("rows => rows.map(r => r.dataset.code)")


def wait_for_league(page: OfflinePage, url_part: str) -> None:
    page.page.wait_for_url(re.compile(re.escape(url_part)))
    page.page.wait_for_load_state("networkidle")


def test_overview_filters_sorts_and_searches_the_league_table(
    live_server: LiveServer, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    page.goto(live_server.url + "/look")
    assert page.url.endswith(f"/look/{WAVE}")
    with Workspace.open(live_server.workspace) as ws:
        result = prepare_wave(ws, WAVE).result
    network_order = [d.code for d in result.ranking()]
    assert league_codes(offline_page) == network_order
    with Workspace.open(live_server.workspace) as ws:
        overview = build_wave_overview(prepare_wave(ws, WAVE).result, lang="zh")
    assert page.get_by_test_id("network-mean").inner_text() == overview.network.mean.text
    # region names, cities and the alert badge stay whole in their narrow columns (华东区 broke as 华东 / 区)
    lines = page.locator("#league tbody td.nowrap, #league tbody .badge").evaluate_all(
        """cells => cells.map(cell => {
            const range = document.createRange(); range.selectNodeContents(cell);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })"""
    )
    assert len(lines) >= 2 * len(network_order) and set(lines) == {1}

    # filter by region: only that region's dealers, in network order
    page.get_by_test_id("filter-region").select_option("east")
    wait_for_league(offline_page, "region=east")
    east = [d.code for d in result.ranking() if d.region == "east"]
    assert league_codes(offline_page) == east
    composite = {d.code: d.composite or 0.0 for d in result.dealers}

    # sort by index, then click again for the other direction (server-side, kept with the filter)
    page.get_by_test_id("sort-index").click()
    wait_for_league(offline_page, "sort=index")
    ascending = sorted(east, key=lambda c: composite[c])
    assert league_codes(offline_page) == ascending
    page.get_by_test_id("sort-index").click()
    wait_for_league(offline_page, "desc=true")
    shown = league_codes(offline_page)
    assert [composite[c] for c in shown] == sorted((composite[c] for c in east), reverse=True)

    # alerts only, then everything again, then a search by city
    page.get_by_test_id("filter-alert").check()
    wait_for_league(offline_page, "alert=true")
    assert set(league_codes(offline_page)) == {c for c in east if result.dealer(c).alerts}  # type: ignore[union-attr]
    page.get_by_test_id("filter-alert").uncheck()
    page.get_by_test_id("filter-region").select_option("")
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("league-search").fill("广州")
    page.wait_for_function("document.querySelectorAll('#league tbody tr[data-code]').length === 2")
    assert set(league_codes(offline_page)) == {d.code for d in result.dealers if d.dealer.city == "广州市"}

    # the filtered view is a real address: reloading it shows the same rows
    page.reload()
    assert set(league_codes(offline_page)) == {d.code for d in result.dealers if d.dealer.city == "广州市"}
    assert offline_page.foreign_requests == []


def test_dealer_page_shows_the_figures_of_the_report_model(live_server: LiveServer, offline_page: OfflinePage) -> None:
    report, _ = reports(live_server.workspace, RICH_DEALER, "south")
    page = offline_page.page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/look/{WAVE}/dealers/{RICH_DEALER}")

    assert page.get_by_test_id("dealer-name").inner_text().startswith(report.dealer.name("zh"))
    assert page.get_by_test_id("dealer-index").inner_text() == report.composite.text
    assert page.get_by_test_id("dealer-band").inner_text() == report.band.label
    assert page.get_by_test_id("dealer-delta").inner_text() == report.delta.text
    assert page.get_by_test_id("rank-region").inner_text() == report.rank_region.text
    assert page.get_by_test_id("rank-network").inner_text() == report.rank_network.text
    rows = page.locator("[data-testid=checklists] tbody tr")
    assert rows.count() == len(report.checklists)
    for k, line in enumerate(report.checklists):
        row = rows.nth(k)
        assert row.locator("[data-col=index]").inner_text().startswith(line.index.text)
        assert row.locator("[data-col=band]").inner_text() == line.band.label
        assert row.locator("[data-col=rank-region]").inner_text() == line.rank_region.text

    notices = page.locator("[data-testid=notices] li")
    assert [notices.nth(k).inner_text().split(" ", 1)[1] for k in range(notices.count())] == [
        n.text for n in report.notices
    ]
    assert any(n.kind == "knockout" for n in report.notices)

    failed = [r for a in report.audits for b in a.sections for r in b.items if r.result.value in ("fail", "partial")]
    assert page.locator("[data-testid=failed-items] tbody tr").count() == len(failed)
    notes = page.locator("[data-testid=failed-items] td.note").all_inner_texts()
    assert notes == [r.note for r in failed]
    assert page.locator("[data-testid=action-plan] tbody tr").count() == len(report.actions)

    # every photo preview loads from the evidence store (a real JPEG, not a broken image)
    thumbs = page.get_by_test_id("evidence-thumb")
    assert thumbs.count() == sum(1 for r in failed for e in r.evidence)
    for k in range(thumbs.count()):  # previews load lazily, as they come into view
        thumbs.nth(k).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=evidence-thumb]')].every(i => i.complete && i.naturalWidth)"
    )

    # the charts are drawn from the report model's figures
    for name in ("sections", "trend"):
        assert page.get_by_test_id(f"chart-{name}").get_attribute("data-drawn") == "true"
        assert page.get_by_test_id(f"chart-{name}").locator("canvas").count() == 1
        embedded = json.loads(page.locator(f'script[data-for="{name}"]').text_content() or "")
        assert embedded == json.loads(json.dumps(dealer_charts(report)[name]))
    sections = dealer_charts(report)["sections"]
    assert sections["series"][0]["texts"] == [s.dealer.text for s in report.sections]  # type: ignore[index]
    assert errors == [] and offline_page.foreign_requests == []


def test_region_page_has_bands_heat_map_and_most_failed_items(
    live_server: LiveServer, offline_page: OfflinePage
) -> None:
    _, report = reports(live_server.workspace, RICH_DEALER, "east")
    page = offline_page.page
    page.goto(f"{live_server.url}/look/{WAVE}/regions/east")
    assert page.get_by_test_id("region-mean").inner_text() == report.mean.text
    for name in ("bands", "heatmap"):
        assert page.get_by_test_id(f"chart-{name}").get_attribute("data-drawn") == "true"
        embedded = json.loads(page.locator(f'script[data-for="{name}"]').text_content() or "")
        assert embedded == json.loads(json.dumps(region_charts(report)[name]))
    heat = region_charts(report)["heatmap"]
    assert heat["codes"] == [r.dealer_code for r in report.heat_rows]  # type: ignore[index]
    failed = page.locator("[data-testid=most-failed] tbody tr")
    assert failed.count() == len(report.most_failed)
    for k, item in enumerate(report.most_failed):
        assert failed.nth(k).locator("td").last.inner_text() == item.fail_rate.text
    assert page.locator("[data-testid=region-league] tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.code)"
    ) == [row.dealer_code for row in report.league]
    # clicking a dealer's cell in the heat map opens its page
    chart = page.get_by_test_id("chart-heatmap")
    chart.scroll_into_view_if_needed()
    x, y = page.evaluate(
        """() => echarts.getInstanceByDom(document.querySelector('[data-chart=heatmap]'))
                 .convertToPixel({seriesIndex: 0}, [0, 0])"""
    )
    box = chart.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(f"/dealers/{report.heat_rows[0].dealer_code}$"))
    assert offline_page.foreign_requests == []


def test_dealer_pdf_and_workbook_download_from_the_page(live_server: LiveServer, offline_page: OfflinePage) -> None:
    page = offline_page.page
    page.goto(f"{live_server.url}/look/{WAVE}/dealers/{RICH_DEALER}")
    with page.expect_download() as pdf_download:
        page.get_by_test_id("download-pdf").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename == f"{RICH_DEALER}_{WAVE}_zh.pdf"
    assert Path(pdf.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as xlsx_download:
        page.get_by_test_id("download-xlsx").click()
    assert xlsx_download.value.suggested_filename == f"{RICH_DEALER}_{WAVE}_zh.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()), read_only=True)
    assert workbook.sheetnames
    workbook.close()
    page.goto(f"{live_server.url}/look/{WAVE}")
    with page.expect_download() as network_download:
        page.get_by_test_id("download-network").click()
    assert network_download.value.suggested_filename == f"network_{WAVE}.xlsx"
    network = openpyxl.load_workbook(io.BytesIO(Path(network_download.value.path()).read_bytes()), read_only=True)
    assert "Dealers" in network.sheetnames
    network.close()


# ---- who sees what (an app on a non-loopback address, with the principal injected as sign-in will) --------------


@pytest.fixture
def regional_client(web_workspace: Path) -> TestClient:
    """A server reachable from other machines, signed in as the regional manager of `east`."""
    from dealer_audit.web.accounts import add_account
    from tests.web.test_accounts import PASSWORD, sign_in

    with Workspace.open(web_workspace) as ws:
        add_account(ws.repo, "li", Role.REGIONAL, PASSWORD, frozenset({"east"}), "Li Wei")
    app = create_app(WebConfig(workspace=web_workspace, host="10.0.0.5"), Workspace.open(web_workspace))
    return sign_in(TestClient(app), "li")


def test_regional_manager_sees_only_their_region(regional_client: TestClient, web_workspace: Path) -> None:
    with Workspace.open(web_workspace) as ws:
        result = prepare_wave(ws, WAVE).result
    east = {d.code for d in result.dealers if d.region == "east"}
    other = next(d.code for d in result.dealers if d.region != "east")

    page = regional_client.get(f"/look/{WAVE}")
    assert page.status_code == 200
    assert set(re.findall(r'<tr data-code="([\w-]+)"', page.text)) == east
    assert "/regions/south" not in page.text and "network.xlsx" not in page.text
    assert regional_client.get(f"/look/{WAVE}/regions/east").status_code == 200
    assert regional_client.get(f"/look/{WAVE}/dealers/{sorted(east)[0]}").status_code == 200

    for refused in (
        f"/look/{WAVE}/regions/south",
        f"/look/{WAVE}/dealers/{other}",
        f"/look/{WAVE}/dealers/{other}/report.pdf",
        f"/look/{WAVE}/dealers/{other}/report.xlsx",
        f"/look/{WAVE}/regions/south/report.pdf",
        f"/look/{WAVE}/network.xlsx",
        f"/look/{WAVE}?region=south",
    ):
        response = regional_client.get(refused, headers={"Accept-Language": "en"})
        assert response.status_code == 403, refused
        assert "Not allowed" in response.text and "Traceback" not in response.text


def test_nobody_signed_in_on_a_non_loopback_server_sees_nothing(web_workspace: Path) -> None:
    app = create_app(WebConfig(workspace=web_workspace, host="10.0.0.5"), Workspace.open(web_workspace))
    client = TestClient(app, follow_redirects=False)
    for path in (f"/look/{WAVE}", f"/look/{WAVE}/dealers/{RICH_DEALER}"):  # sent to sign in, shown nothing
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
        assert RICH_DEALER not in response.text


# ---- in-process: freshness, evidence, errors --------------------------------------------------------------------


@pytest.fixture
def client(web_workspace: Path) -> TestClient:
    return TestClient(create_app(WebConfig(workspace=web_workspace), Workspace.open(web_workspace)))


def index_on_page(client: TestClient, dealer: str) -> str:
    match = re.search(r'data-testid="dealer-index">([^<]+)<', client.get(f"/look/{WAVE}/dealers/{dealer}").text)
    assert match
    return match.group(1)


def test_a_changed_answer_shows_on_the_next_page_and_nothing_is_rescored_otherwise(
    client: TestClient, web_workspace: Path
) -> None:
    service = client.app.state.look  # type: ignore[attr-defined]
    before, _ = reports(web_workspace, RICH_DEALER, "south")
    assert index_on_page(client, RICH_DEALER) == before.composite.text
    loads = service.loads
    index_on_page(client, RICH_DEALER)
    assert service.loads <= loads + 1  # at most once more: a load in the second of the newest change

    # an auditor corrects a finalised answer (the way the capture page and the CLI store it)
    ws = Workspace.open(web_workspace)
    audit = next(a for a in ws.repo.list_audits(wave=WAVE, dealer_code=RICH_DEALER) if a.status.value == "finalised")
    failed_item = next(
        row.item_id
        for block in before.audits
        if block.audit_id == audit.audit_id
        for section in block.sections
        for row in section.items
        if row.result.value == "fail" and audit.answers[row.item_id].value == "no"
    )
    fixed = Answer(item_id=failed_item, value="yes")
    ws.repo.save_answer(audit.audit_id, fixed, who="test", why="re-checked on site")
    ws.close()
    after, _ = reports(web_workspace, RICH_DEALER, "south")
    assert after.composite.text != before.composite.text
    assert index_on_page(client, RICH_DEALER) == after.composite.text


def test_evidence_is_served_by_hash_only_and_only_for_its_dealer(client: TestClient, web_workspace: Path) -> None:
    report, _ = reports(web_workspace, RICH_DEALER, "south")
    sha = next(e.sha256 for a in report.audits for b in a.sections for r in b.items for e in r.evidence)
    base = f"/look/{WAVE}/dealers/{RICH_DEALER}/evidence"
    preview = client.get(f"{base}/{sha}")
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/jpeg"
    assert preview.content.startswith(b"\xff\xd8")
    full = client.get(f"{base}/{sha}?full=true")
    stored = next((web_workspace / "evidence").glob(f"{sha}*"))
    assert full.status_code == 200 and full.content == stored.read_bytes()
    # SH001 has no evidence in the sample network: another dealer's photo is not reachable through its page
    assert client.get(f"/look/{WAVE}/dealers/SH001/evidence/{sha}").status_code == 404
    for bad in ("..%2F..%2Fdealer-audit.toml", "0" * 64, sha.upper(), sha[:10], "dealer-audit.toml"):
        assert client.get(f"{base}/{bad}").status_code == 404, bad


def test_unknown_wave_dealer_or_region_is_a_page_naming_it(client: TestClient) -> None:
    english = {"Accept-Language": "en"}
    wave = client.get("/look/2031-Q1", headers=english)
    assert wave.status_code == 404 and "2031-Q1" in wave.text and "2026-Q4" in wave.text
    dealer = client.get(f"/look/{WAVE}/dealers/NOPE01", headers=english)
    assert dealer.status_code == 404 and "NOPE01" in dealer.text
    region = client.get(f"/look/{WAVE}/regions/mars", headers=english)
    assert region.status_code == 404 and "mars" in region.text
    assert client.get(f"/look/{WAVE}?sort=colour").status_code == 422
    for response in (wave, dealer, region):
        assert "Traceback" not in response.text


def test_english_pages_use_the_report_words_and_league_sort_param_is_kept_in_links(client: TestClient) -> None:
    page = client.get(f"/look/{WAVE}?lang=en&sort=delta&desc=true")
    assert "League table" in page.text and "Rank in network" in page.text
    assert 'name="sort" value="delta"' in page.text and 'name="desc" value="true"' in page.text
    fragment = client.get(f"/look/{WAVE}?sort=code", headers={"HX-Request": "true", "HX-Target": "league"})
    assert fragment.text.lstrip().startswith('<div id="league"') or "<html" not in fragment.text
    codes = re.findall(r'<tr data-code="([\w-]+)"', fragment.text)
    assert codes == sorted(codes)


def test_look_start_page_without_audits_says_so(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "empty")
    client = TestClient(create_app(WebConfig(workspace=ws.root), ws))
    page = client.get("/look?lang=en")
    assert page.status_code == 200 and "holds no audits yet" in page.text


def test_every_word_a_look_template_uses_is_in_the_table() -> None:
    from dealer_audit.web.i18n import WORDS
    from dealer_audit.web.pages import TEMPLATES_DIR

    used = set()
    for template in (TEMPLATES_DIR / "look").glob("*.html"):
        # the page's own words (`t('…')`); `p.t('…')` are the report model's labels (core/kpi_report.py …)
        used |= set(re.findall(r"(?<![\w.])t\('([\w.]+)'\)", template.read_text(encoding="utf-8")))
    assert used and used <= set(WORDS)


def test_dealer_names_and_notes_are_shown_as_text_in_pages_and_chart_data(web_workspace: Path) -> None:
    hostile = '</script><script>alert("x")</script><b>'
    with Workspace.open(web_workspace) as ws:
        dealer = ws.repo.get_dealer(RICH_DEALER)
        ws.repo.save_dealers([replace(dealer, name=LocalText(hostile, hostile))])
    client = TestClient(create_app(WebConfig(workspace=web_workspace), Workspace.open(web_workspace)))
    for path in (f"/look/{WAVE}", f"/look/{WAVE}/regions/south", f"/look/{WAVE}/dealers/{RICH_DEALER}"):
        text = client.get(path).text
        assert hostile not in text and "<script>alert" not in text, path
        assert "&lt;/script&gt;" in text or "\\u003c/script\\u003e" in text, path


def test_a_database_served_without_an_evidence_store_names_the_photos(
    web_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HQ serving a database alone (no workspace folder, no --evidence-dir): pages work, photos are named."""
    monkeypatch.chdir(web_workspace.parent)  # no workspace to find from here
    url = f"sqlite:///{web_workspace / 'audit.db'}"
    ws = Workspace.open(db_url=url)
    assert ws.root is None
    client = TestClient(create_app(WebConfig(db_url=url), ws))
    page = client.get(f"/look/{WAVE}/dealers/{RICH_DEALER}")
    assert page.status_code == 200
    assert 'data-testid="evidence-thumb"' not in page.text
    report, _ = reports(web_workspace, RICH_DEALER, "south")
    failed = [r for a in report.audits for b in a.sections for r in b.items if r.result.value in ("fail", "partial")]
    names = {e.file_name for r in failed for e in r.evidence}
    assert names and all(name in page.text for name in names)


def test_a_hostile_dealer_name_in_a_chart_tooltip_stays_text(web_workspace: Path, offline_page: OfflinePage) -> None:
    hostile = '<img src="x" onerror="window.__xss = 1">GZ'
    with Workspace.open(web_workspace) as ws:
        dealer = ws.repo.get_dealer(RICH_DEALER)
        ws.repo.save_dealers([replace(dealer, name=LocalText(hostile, hostile))])
    server = LiveServer(web_workspace)
    server.start()
    try:
        page = offline_page.page
        page.goto(f"{server.url}/look/{WAVE}/regions/south")
        heat = json.loads(page.locator('script[data-for="heatmap"]').text_content() or "")
        row = heat["codes"].index(RICH_DEALER)
        chart = page.get_by_test_id("chart-heatmap")
        chart.scroll_into_view_if_needed()
        x, y = page.evaluate(
            """(row) => echarts.getInstanceByDom(document.querySelector('[data-chart=heatmap]'))
                 .convertToPixel({seriesIndex: 0}, [1, row])""",
            row,
        )
        box = chart.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + x, box["y"] + y)  # the tooltip names the dealer
        page.wait_for_function(
            "() => [...document.querySelectorAll('.chart div')].some(d => d.innerText.includes('GZ'))"
        )
        assert page.evaluate("window.__xss") is None
        assert page.locator('.chart img[src="x"]').count() == 0
    finally:
        server.stop()

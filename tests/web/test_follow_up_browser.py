"""The follow-up loop in a real browser (Debian's chromium through Playwright, every foreign request aborted), on
a server in accounts mode: a dealer account returns an action and disputes a finding with a photo, is refused
another dealer's pages; HQ overturns the dispute and the dealer's score moves on the dealer page.

Screenshots of each new page are written to $DEALER_AUDIT_SCREENSHOTS when set (the docs' are made with
``DEALER_AUDIT_SCREENSHOTS=docs/img pytest tests/web/test_follow_up_browser.py``).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect

from dealer_audit.core.actions import ActionStatus
from dealer_audit.core.disputes import DisputeStatus
from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.app import create_app
from dealer_audit.web.config import WebConfig
from tests.web.conftest import free_port
from tests.web.follow_up_data import PASSWORD, WAVE, prepare_follow_up, yes_no_finding
from tests.web.helpers import png_bytes

pytestmark = pytest.mark.slow


@pytest.fixture
def loop_ws(web_workspace: Path) -> Path:
    return prepare_follow_up(web_workspace)


@pytest.fixture
def accounts_server(loop_ws: Path) -> Iterator[str]:
    """The app as `serve --host 0.0.0.0` builds it (sign-in required), but listening on loopback only."""
    port = free_port()
    workspace = Workspace.open(loop_ws)
    app = create_app(WebConfig(workspace=loop_ws, host="0.0.0.0", port=port, secret=b"b" * 32), workspace)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        workspace.close()


def new_page(browser: Browser, foreign: list[str]) -> Page:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            foreign.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", guard)  # type: ignore[arg-type]
    return context.new_page()


def sign_in(page: Page, url: str, name: str) -> None:
    page.goto(url + "/login?next=/")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


def screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("DEALER_AUDIT_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=False)


def test_a_dealer_returns_an_action_and_disputes_hq_overturns_and_the_score_moves(
    browser: Browser, accounts_server: str, loop_ws: Path, tmp_path: Path
) -> None:
    url = accounts_server
    foreign: list[str] = []
    with Workspace.open(loop_ws) as ws:
        action = next(a for a in ws.repo.list_actions(dealer_code="SH001") if a.status is ActionStatus.OPEN)
        finding = yes_no_finding(ws.repo, "SH001")
    card_id = "#action-" + action.action_id.replace("/", "_")

    # ---- the dealer: its actions page, an action returned, an illegal change refused naming the field
    dealer = new_page(browser, foreign)
    sign_in(dealer, url, "sh001")
    assert dealer.url == url + "/actions/dealers/SH001"
    expect(dealer.locator("nav.mainnav")).not_to_contain_text("网络总览")
    card = dealer.locator(card_id)
    card.locator("select[name=status]").select_option("in_progress")
    card.locator("input[name=owner]").fill("售后经理 张伟")
    card.locator("input[name=due]").fill("2027-01-31")
    card.locator("textarea[name=note]").fill("已安排前台培训 front desk trained")
    card.get_by_test_id("save-action").click()
    card = dealer.locator(card_id)
    expect(card.get_by_test_id("action-saved")).to_be_visible()
    expect(card.get_by_test_id("status")).to_have_text("整改中")
    screenshot(dealer, "web-actions-dealer.png")
    card.locator("select[name=status]").select_option("done")
    card.get_by_test_id("save-action").click()
    card = dealer.locator(card_id)
    expect(card.get_by_test_id("status")).to_have_text("已完成")
    card.locator("select[name=status]").select_option("open")
    card.get_by_test_id("save-action").click()
    card = dealer.locator(card_id)
    expect(card.get_by_test_id("action-error")).to_contain_text("状态")
    expect(card.get_by_test_id("action-error")).to_contain_text("“已完成”的整改项不能改为“待整改”")
    with Workspace.open(loop_ws) as ws:
        stored = ws.repo.get_action(action.action_id)
    assert (stored.status, stored.owner, stored.due.isoformat()) == (ActionStatus.DONE, "售后经理 张伟", "2027-01-31")

    # ---- the dealer disputes a failed item with a photo
    dealer.click("nav.mainnav a[href='/disputes']")
    dealer.wait_for_url(url + "/disputes/dealers/SH001")
    expect(dealer.get_by_test_id("dispute-window")).to_contain_text("今天")
    row = dealer.locator(f"tr[data-item='{finding.item.id}'][data-audit='{finding.audit.audit_id}']")
    row.get_by_test_id("open-dispute").click()
    row.locator("textarea[name=reason]").fill("当天看板在维修，附维修单 the board was under repair")
    photo = tmp_path / "维修单.png"
    photo.write_bytes(png_bytes((30, 90, 200), (400, 300)))
    row.locator("input[name=photo]").set_input_files(str(photo))
    screenshot(dealer, "web-disputes-dealer.png")
    row.get_by_test_id("file-dispute").click()
    dealer.wait_for_load_state("load")
    expect(dealer.get_by_test_id("dispute-filed")).to_be_visible()
    expect(dealer.locator("article.dispute img")).to_have_count(1)
    # the thumbnail loads (lazily, so waited for: read at once, a loaded machine saw its width still 0)
    dealer.wait_for_function(
        "() => { const img = document.querySelector('article.dispute img');"
        " return img && img.complete && img.naturalWidth > 0 }"
    )

    # ---- and is refused another dealer's pages and the network's
    for path in ("/actions/dealers/SH002", "/disputes/dealers/SH002", "/look/2026-Q4", "/coverage"):
        response = dealer.goto(url + path)
        assert response is not None and response.status == 403, path
        expect(dealer.locator("[data-testid=error]")).to_contain_text("无权")

    # ---- HQ: the dealer page's score, the dispute overturned, the score again
    hq = new_page(browser, foreign)
    sign_in(hq, url, "hq")
    hq.goto(f"{url}/look/{WAVE}/dealers/SH001")
    before = hq.get_by_test_id("dealer-index").inner_text()
    expect(hq.get_by_test_id("follow-up")).to_have_attribute("href", "/actions/dealers/SH001")
    hq.click("nav.mainnav a[href='/disputes']")
    hq.wait_for_url(url + "/disputes")
    article = hq.locator("article.dispute").first
    expect(article).to_contain_text(finding.item.id)
    article.locator("select[name=ruling]").select_option(DisputeStatus.OVERTURNED.value)
    article.locator("textarea[name=why]").fill("维修单属实 repair order checked")
    screenshot(hq, "web-disputes-hq.png")
    article.get_by_test_id("rule").click()
    expect(hq.get_by_test_id("ruling-saved")).to_be_visible()
    expect(hq.get_by_test_id("ruling")).to_contain_text("申诉成立")
    hq.goto(f"{url}/look/{WAVE}/dealers/SH001")
    after = hq.get_by_test_id("dealer-index").inner_text()
    assert float(after) > float(before), (before, after)

    # the dealer sees the ruling on its page
    dealer.goto(url + "/disputes/dealers/SH001")
    expect(dealer.get_by_test_id("dispute-status").first).to_have_text("申诉成立")

    # ---- the other new pages, as HQ sees them
    hq.goto(url + "/actions")
    expect(hq.get_by_test_id("action-regions")).to_be_visible()
    screenshot(hq, "web-actions-overview.png")
    hq.goto(f"{url}/coverage?wave={WAVE}")
    expect(hq.get_by_test_id("coverage-unvisited")).to_contain_text("WX001")
    screenshot(hq, "web-coverage.png")
    assert not foreign, foreign

"""Capture in a real browser (Debian's chromium through Playwright, every foreign request aborted): a whole audit
with conditions, keyboard answers, a photo, a knock-out that blocks finalising; a server killed mid-audit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from typer.testing import CliRunner

from dealer_audit.cli.app import app as cli_app
from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.config import MAX_UPLOAD_BYTES
from tests.web.conftest import LiveServer, OfflinePage
from tests.web.helpers import png_bytes

pytestmark = pytest.mark.slow

WAVE = "2026-Q4"
ANSWERED = re.compile(r"\banswered\b")


def start_in_browser(page: Page, server: LiveServer, dealer: str, search: str) -> str:
    page.goto(server.url + "/capture")
    page.fill("#dealer-search", search)
    page.locator(f'input[name=dealer][value="{dealer}"]').check()
    page.select_option("select[name=standard]", "digital-service")
    page.select_option("select[name=wave]", WAVE)
    page.fill("input[name=auditor]", "王芳")
    page.get_by_test_id("start").click()
    page.wait_for_url("**/section/**")
    return page.url.split("/capture/")[1].split("/")[0]


def follow(page: Page, link: Locator) -> None:
    """Click a link and wait until its page has loaded (and htmx has wired it), not just until the click."""
    href = (link.get_attribute("href") or "").split("#")[0]
    link.click()
    page.wait_for_url(re.compile(re.escape(href) + r"(#.*)?$"))
    page.wait_for_load_state("load")


def key_answer(page: Page, item: str, key: str) -> None:
    """Focus the item and answer it from the keyboard, as the wizard would; wait until the page shows it saved."""
    page.locator(f"#item-{item}").focus()
    page.keyboard.press(key)
    expect(page.locator(f"#item-{item}")).to_have_class(ANSWERED)


def answer_open_items(page: Page, failing: set[str]) -> None:
    """Answer every open item of the section on screen: y (or n for `failing`) on yes/no items, the first option,
    a number inside the range, some text; conditions may add items as we go, so the list is read again each time."""
    for _ in range(40):
        open_items = page.locator("#section form.item:not(.answered)")
        if open_items.count() == 0:
            return
        item_id = open_items.first.get_attribute("data-item") or ""
        item = page.locator(f"#item-{item_id}")
        kind = item.get_attribute("data-type")
        if kind == "yes_no":
            compliant_no = item_id in {"DC02", "VE06", "FP05"}  # "no" is the compliant answer there
            fail = item_id in failing
            key_answer(page, item_id, "y" if compliant_no == fail else "n")
        elif kind in ("single_choice", "scale", "multiple_choice"):
            key_answer(page, item_id, "1")
        elif kind == "number":
            page.fill(f"#value-{item_id}", "1")
            page.keyboard.press("Tab")
            expect(item).to_have_class(ANSWERED)
        elif kind == "photo":
            page.get_by_test_id(f"file-{item_id}").set_input_files(
                files=[{"name": "page.png", "mimeType": "image/png", "buffer": png_bytes((30, 90, 200))}]
            )
            expect(item).to_have_class(ANSWERED)
        else:
            page.fill(f"#value-{item_id}", "ok")
            page.keyboard.press("Tab")
            expect(item).to_have_class(ANSWERED)
    raise AssertionError("section did not complete")


def score_json_index(workspace: Path, audit_id: str) -> dict[str, object]:
    result = CliRunner().invoke(cli_app, ["score", "--wave", WAVE, "--json", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    found = [
        a
        for d in json.loads(result.output)["dealers"]
        for c in d["checklists"]
        for a in c["audits"]
        if a["audit_id"] == audit_id
    ]
    assert len(found) == 1
    return found[0]


def test_full_audit_in_the_browser(live_server: LiveServer, offline_page: OfflinePage) -> None:
    page = offline_page.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    audit_id = start_in_browser(page, live_server, "HZ001", "杭州")

    # conditions: DR02-DR05 appear when DR01 is yes and disappear again when it is no
    page.goto(f"{live_server.url}/capture/{audit_id}/section/digital_reception")
    expect(page.locator("#section form.item")).to_have_count(1)
    key_answer(page, "DR01", "y")
    expect(page.locator("#section form.item")).to_have_count(5)
    key_answer(page, "DR01", "n")
    expect(page.locator("#section form.item")).to_have_count(1)
    expect(page.get_by_test_id("needs-DR01")).to_contain_text("备注、照片")

    # an out-of-range number is refused on its item, never shown as saved
    page.goto(f"{live_server.url}/capture/{audit_id}/section/online_booking")
    page.fill("#value-DB04", "99999")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("refused-DB04")).to_contain_text("99999 超过最大值 2880，未保存。")
    expect(page.get_by_test_id("state-DB04")).to_contain_text("未保存")

    # every section, answered from the keyboard
    page.goto(f"{live_server.url}/capture/{audit_id}/section/online_booking")
    while True:
        answer_open_items(page, failing={"DR01"})
        next_link = page.get_by_test_id("next")
        if "summary" in (next_link.get_attribute("href") or ""):
            break
        follow(page, next_link)
    follow(page, page.get_by_test_id("next"))

    # the failed knock-out blocks finalising until its note and photo are given
    page.get_by_test_id("finalise").click()
    expect(page.get_by_test_id("error")).to_contain_text("缺少证据的项目：DR01")
    follow(page, page.locator('[data-testid=evidence-missing] a:text("DR01")'))
    note = '纸质接车单 <script>alert("x")</script>'
    page.fill("#note-DR01", note)
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("needs-DR01")).to_have_text("定稿前必须提供：照片")  # the note is saved
    page.get_by_test_id("file-DR01").set_input_files(
        files=[{"name": "接车.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    thumb = page.get_by_test_id("thumb-DR01")
    expect(thumb).to_be_visible()
    page.wait_for_function("document.querySelector('[data-testid=thumb-DR01]').naturalWidth > 0")
    expect(page.get_by_test_id("needs-DR01")).to_have_count(0)
    assert page.input_value("#note-DR01") == note  # shown as text, never run
    follow(page, page.get_by_role("link", name="汇总与定稿").first)
    page.get_by_test_id("finalise").click()
    expect(page.get_by_test_id("finalised")).to_be_visible()
    shown = float(page.get_by_test_id("index").get_attribute("data-index") or "nan")
    scored = score_json_index(live_server.workspace, audit_id)
    assert scored["final"] is True
    assert shown == scored["index"]
    assert dialogs == []
    assert offline_page.foreign_requests == []


def test_server_killed_mid_audit_loses_nothing_shown_as_saved(
    live_server: LiveServer, offline_page: OfflinePage, browser: object
) -> None:
    page = offline_page.page
    audit_id = start_in_browser(page, live_server, "SH001", "SH001")
    page.goto(f"{live_server.url}/capture/{audit_id}/section/data_continuity")
    for item in ("DC01", "DC03", "DC04"):
        key_answer(page, item, "y")
    live_server.kill()
    page.locator("#item-DC05").focus()
    page.keyboard.press("n")
    expect(page.locator("#item-DC05")).to_contain_text("未保存：无法连接服务器")
    live_server.start()

    # the browser closed and opened again: the drafts list leads back to where the audit stood
    page.context.close()
    fresh = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
    try:
        again = fresh.new_page()
        again.goto(live_server.url + "/capture")
        again.locator(f'[data-testid=drafts] a[href="/capture/{audit_id}"]').click()
        again.wait_for_url("**/section/online_booking#item-DB01")  # the first open item
        again.goto(f"{live_server.url}/capture/{audit_id}/section/data_continuity")
        for item in ("DC01", "DC03", "DC04"):
            expect(again.locator(f"#item-{item} button.choice.yes")).to_have_attribute("aria-pressed", "true")
        expect(again.locator("#item-DC05")).not_to_have_class(ANSWERED)
    finally:
        fresh.close()
    with Workspace.open(live_server.workspace) as ws:
        answers = ws.repo.get_audit(audit_id).answers
    assert {k: a.value for k, a in answers.items()} == {"DC01": "yes", "DC03": "yes", "DC04": "yes"}


def test_uploads_that_are_not_photos_or_too_large_are_refused_on_the_item(
    live_server: LiveServer, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    audit_id = start_in_browser(page, live_server, "NB001", "宁波")
    page.goto(f"{live_server.url}/capture/{audit_id}/section/digital_reception")
    page.get_by_test_id("file-DR01").set_input_files(
        files=[{"name": "报告.png", "mimeType": "image/png", "buffer": b"this is text, not a picture\n" * 20}]
    )
    expect(page.get_by_test_id("refused-DR01")).to_contain_text(
        "“报告.png”不是照片（只接受 JPEG、PNG、GIF、WebP），未保存。"
    )
    page.get_by_test_id("file-DR01").set_input_files(
        files=[{"name": "big.png", "mimeType": "image/png", "buffer": b"\x89PNG" + b"\0" * MAX_UPLOAD_BYTES}]
    )
    expect(page.locator("#item-DR01 .client-message")).to_contain_text("未保存：文件过大（上限 15 MB）")
    log = live_server.log()
    assert (
        "upload '报告.png' refused (not_image): content is not a known file type" in log
    )  # the cause, for whoever runs it
    with Workspace.open(live_server.workspace) as ws:
        assert "DR01" not in ws.repo.get_audit(audit_id).answers


def test_capture_page_fits_a_tablet(live_server: LiveServer, offline_page: OfflinePage) -> None:
    page = offline_page.page
    audit_id = start_in_browser(page, live_server, "HZ001", "HZ001")
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(f"{live_server.url}/capture/{audit_id}/section/online_booking")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    key_answer(page, "DB02", "y")
    expect(page.get_by_test_id("progress")).to_contain_text("已答 1 /")


DROP_OR_PASTE = """([selector, kind, b64]) => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], kind + ".png", {type: "image/png"}));
  const target = document.querySelector(selector);
  if (kind === "drop") {
    target.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    target.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
  } else {
    target.focus();
    target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true}));
  }
}"""


def test_photo_by_drag_and_drop_and_by_paste(live_server: LiveServer, offline_page: OfflinePage) -> None:
    import base64

    page = offline_page.page
    audit_id = start_in_browser(page, live_server, "HZ001", "HZ001")
    page.goto(f"{live_server.url}/capture/{audit_id}/section/data_continuity")
    page.evaluate(DROP_OR_PASTE, ["#item-DC01 .item-text", "drop", base64.b64encode(png_bytes((0, 120, 0))).decode()])
    expect(page.get_by_test_id("thumb-DC01")).to_be_visible()
    page.wait_for_function("!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    page.evaluate(DROP_OR_PASTE, ["#item-DC03", "paste", base64.b64encode(png_bytes((0, 0, 160))).decode()])
    expect(page.get_by_test_id("thumb-DC03")).to_be_visible()
    with Workspace.open(live_server.workspace) as ws:
        answers = ws.repo.get_audit(audit_id).answers
    assert [e.file_name for e in answers["DC01"].evidence] == ["drop.png"]
    assert [e.file_name for e in answers["DC03"].evidence] == ["paste.png"]

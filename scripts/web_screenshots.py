"""Make the browser app's capture screenshots for the docs (docs/img/web-capture.png, 1366×768, zh; and a tablet one).

    python3 scripts/web_screenshots.py [OUT_DIR]

Builds the sample workspace in a temporary folder, fills part of one audit through the same capture session the app
uses (so the page shows saved, failed and open items, a note and a photo), serves it with `dealer-audit serve` and
photographs the page in Debian's chromium. Needs what `scripts/install.sh --test` installs.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from dealer_audit.capture.drafts import open_capture  # noqa: E402
from dealer_audit.storage.workspace import Workspace  # noqa: E402
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer, build_sample_workspace  # noqa: E402

ANSWERS = {
    "DB01": "app,mini_program", "DB02": "yes", "DB03": "yes", "DB04": "25", "DB05": "yes", "DB06": "no",
    "DC01": "yes", "DC02": "no", "DC03": "yes", "DC04": "yes", "DC05": "yes",
    "DR01": "yes", "DR02": "yes", "DR03": "yes", "DR04": "6", "DR05": "yes",
    "TP01": "no", "TP03": "checked_in,ready", "TP04": "yes", "TP05": "no",
}  # fmt: skip


def prepare(folder: Path) -> str:
    build_sample_workspace(folder)
    with Workspace.open(folder) as ws:
        session, _ = open_capture(ws.repo, "HZ001", "digital-service", "2026-Q4", "王芳", resume=False, source="web")
        for item_id, text in ANSWERS.items():
            session.answer_item(item_id, text)
        session.set_note("TP01", "看板黑屏，观察 40 分钟未恢复；前台称系统升级中。")
        photo = ROOT / "sample_audits" / "2026-Q4" / "GZ001-status-board-off.jpg"
        session.attach(ws.evidence.add_file(photo), "TP01")
        return session.audit.audit_id


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ws"
        audit_id = prepare(folder)
        server = LiveServer(folder)
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                for name, size in (("web-capture.png", (1366, 768)), ("web-capture-tablet.png", (768, 1024))):
                    page = browser.new_page(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
                    page.goto(f"{server.url}/capture/{audit_id}/section/transparency")
                    page.locator("#item-TP06").focus()
                    page.evaluate("window.scrollTo(0, 0)")
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(out / name))
                    page.close()
                browser.close()
        finally:
            server.stop()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "img")

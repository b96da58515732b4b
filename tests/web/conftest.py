"""Fixtures for the browser app: a workspace holding the sample network, a live server, a real browser.

The live server is `python -m dealer_audit serve` in a subprocess on a free loopback port (so a test can SIGKILL
it), stopped by the fixture. The browser is Debian's chromium driven by Playwright through `executable_path`
(nothing is downloaded); every request to another host is aborted and recorded, so a page that would need the
network fails its test.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from dealer_audit.formats.dealers import read_dealers
from dealer_audit.formats.standards import load_checklists_dir
from dealer_audit.services.importing import import_paths, load_standards_into
from dealer_audit.storage.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DEALER_AUDIT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def build_sample_workspace(folder: Path, waves: tuple[str, ...] = ("2026-Q3", "2026-Q4")) -> Path:
    """A SQLite workspace with the shipped standards, the sample dealers and the sample audits of `waves`."""
    workspace = Workspace.init(folder, language="zh")
    checklists = ROOT / "checklists"
    _standards, program = load_checklists_dir(checklists)
    load_standards_into(workspace.repo, [checklists])
    regions = {r.code for r in program.regions} if program else set()
    workspace.repo.save_dealers(read_dealers(ROOT / "sample_audits" / "dealers.csv", regions))
    folders = [ROOT / "sample_audits" / wave for wave in waves]
    result = import_paths(workspace, folders)
    assert not result.refused, [str(r.reason) for r in result.refused]
    workspace.close()
    return folder


@pytest.fixture(scope="session")
def sample_workspace_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_workspace(tmp_path_factory.mktemp("web-template") / "ws")


@pytest.fixture
def web_workspace(sample_workspace_template: Path, tmp_path: Path) -> Path:
    """A private copy of the sample workspace (tests change it)."""
    target = tmp_path / "ws"
    shutil.copytree(sample_workspace_template, target)
    return target


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveServer:
    workspace: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 30.0) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        self.log_path = self.workspace.parent / f"server-{self.port}-{time.monotonic_ns()}.log"
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "dealer_audit", "serve", "--port", str(self.port), "-w", str(self.workspace)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.workspace,
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"server did not answer within {timeout_s} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs (the crash case)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""


@pytest.fixture
def live_server(web_workspace: Path) -> Iterator[LiveServer]:
    server = LiveServer(web_workspace)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"chromium not found at {CHROMIUM}: scripts/install.sh --test installs it")
        pytest.skip("chromium is not installed (scripts/install.sh --test installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class OfflinePage:
    """A Playwright page plus the requests it tried to send anywhere but this machine (all aborted)."""

    page: Page
    foreign_requests: list[str]


@pytest.fixture
def offline_page(browser: Browser) -> Iterator[OfflinePage]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    foreign: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    try:
        yield OfflinePage(page, foreign)
    finally:
        context.close()

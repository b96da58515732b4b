"""The browser app's shell: served offline from the package, bilingual, errors as pages, CSRF enforced."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dealer_audit.cli.app import app as cli_app
from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.app import create_app
from dealer_audit.web.config import WebConfig
from dealer_audit.web.i18n import WORDS
from tests.web.conftest import LiveServer, OfflinePage

pytestmark = pytest.mark.slow


@pytest.fixture
def client(web_workspace: Path) -> TestClient:
    workspace = Workspace.open(web_workspace)
    return TestClient(create_app(WebConfig(workspace=web_workspace), workspace))


def test_every_word_has_both_languages() -> None:
    assert all(zh and en for zh, en in WORDS.values())


def test_start_page_in_the_browser_loads_nothing_from_another_host(
    live_server: LiveServer, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(live_server.url + "/")
    assert page.title().startswith("经销商服务稽核")
    assert page.evaluate("typeof htmx") == "object"  # the vendored script ran
    page.get_by_test_id("lang-switch").click()
    page.wait_for_load_state()
    assert page.locator("a.card h2").first.inner_text() == "Start or resume an audit"
    page.goto(live_server.url + "/")  # the choice is remembered
    assert page.locator("a.card h2").first.inner_text() == "Start or resume an audit"
    assert offline_page.foreign_requests == []
    assert failed == []


def test_unknown_page_is_a_page_in_the_users_language(client: TestClient) -> None:
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Not found" in response.text and "Traceback" not in response.text
    response = client.get("/no-such-page?lang=zh")
    assert "找不到该页面或对象" in response.text


def test_state_changing_request_without_csrf_token_is_refused(client: TestClient) -> None:
    """The app-wide dependency guards every route, including ones added later (one is added here)."""
    changed: list[str] = []

    @client.app.post("/probe")  # type: ignore[attr-defined]
    def probe() -> dict[str, bool]:
        changed.append("yes")
        return {"changed": True}

    refused = client.post("/probe", data={"x": "1"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 403
    assert "security token (CSRF)" in refused.text
    forged = client.post("/probe", headers={"X-CSRF-Token": "x" * 43})
    assert forged.status_code == 403
    assert changed == []
    token = re.search(r'name="csrf-token" content="([\w-]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
    assert client.post("/probe", headers={"X-CSRF-Token": token}).status_code == 200
    assert client.post("/probe", data={"csrf_token": token}).status_code == 200
    assert changed == ["yes", "yes"]


def test_csrf_token_is_in_the_page_and_the_session_cookie_is_httponly_and_strict(client: TestClient) -> None:
    response = client.get("/")
    assert re.search(r'<meta name="csrf-token" content="[\w-]{40,}">', response.text)
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()


def test_serve_refuses_a_non_loopback_address_without_accounts(web_workspace: Path) -> None:
    from typer.testing import CliRunner

    english = {"DEALER_AUDIT_LANG": "en"}  # the sample workspace speaks Chinese
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "-w", str(web_workspace)], env=english)
    assert result.exit_code != 0
    assert "refusing to listen on 0.0.0.0" in result.output
    assert "Traceback" not in result.output


def test_server_answers_only_on_loopback(live_server: LiveServer) -> None:
    with urllib.request.urlopen(live_server.url + "/static/vendor/htmx/htmx.min.js") as response:
        assert response.status == 200
        assert b"htmx" in response.read(2000)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(live_server.url + "/static/../../../etc/passwd")
    assert refused.value.code == 404

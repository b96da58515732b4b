"""The sign-in brake: after 5 failed attempts for an account name or from one address within 15 minutes, /login
refuses further attempts (before checking the password) with a message in the page's language saying when."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dealer_audit.core.accounts import Role
from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.accounts import add_account
from dealer_audit.web.app import create_app
from dealer_audit.web.config import WebConfig
from dealer_audit.web.sign_in_limit import MAX_FAILURES, WINDOW_S, SignInLimit
from tests.web.helpers import csrf_of

pytestmark = pytest.mark.slow

PASSWORD = "correct horse 42"


@pytest.fixture
def app_over(web_workspace: Path) -> object:
    with Workspace.open(web_workspace) as ws:
        add_account(ws.repo, "wang", Role.AUDITOR, PASSWORD, display_name="王芳")
        add_account(ws.repo, "li", Role.AUDITOR, PASSWORD, display_name="李明")
    config = WebConfig(workspace=web_workspace, host="0.0.0.0", secret=b"k" * 32)
    return create_app(config, Workspace.open(web_workspace))


def client_from(app: object, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))  # type: ignore[arg-type]


def attempt(client: TestClient, name: str, password: str, lang: str = "en") -> object:
    token = csrf_of(client, f"/login?lang={lang}")
    return client.post(
        f"/login?lang={lang}",
        data={"csrf_token": token, "name": name, "password": password, "next": "/"},
        follow_redirects=False,
    )


def test_five_failures_for_a_name_refuse_even_the_right_password_with_a_message(app_over: object) -> None:
    first = client_from(app_over, "10.0.0.1")
    for n in range(MAX_FAILURES):
        wrong = attempt(first, "wang", f"guess {n}")
        assert wrong.status_code == 401 and "The login name or the password is wrong." in wrong.text
    # another machine, the right password: the account name is braked, the password is not even checked
    other = client_from(app_over, "10.0.0.2")
    refused = attempt(other, "WANG ", PASSWORD)  # the same name however typed
    assert refused.status_code == 429
    assert "Too many failed sign-ins: signing in is paused. Try again in 15 minute(s)." in refused.text
    assert 14 * 60 < int(refused.headers["Retry-After"]) <= 15 * 60 + 1
    zh = attempt(other, "wang", PASSWORD, lang="zh")
    assert zh.status_code == 429 and "登录失败次数过多，已暂停登录。请在 15 分钟后再试。" in zh.text
    # another account from that other machine is not braked (2 refused attempts did not count as failures)
    assert attempt(other, "li", PASSWORD).status_code == 303


def test_five_failures_from_one_address_refuse_every_name_from_it(app_over: object) -> None:
    guesser = client_from(app_over, "10.0.0.9")
    for n in range(MAX_FAILURES):
        assert attempt(guesser, f"name{n}", PASSWORD).status_code == 401
    assert attempt(guesser, "li", PASSWORD).status_code == 429
    assert attempt(client_from(app_over, "10.0.0.10"), "li", PASSWORD).status_code == 303  # others sign in


def test_a_successful_sign_in_clears_its_names_failures(app_over: object) -> None:
    for n in range(MAX_FAILURES - 1):
        assert attempt(client_from(app_over, f"10.1.0.{n}"), "wang", "wrong").status_code == 401
    assert attempt(client_from(app_over, "10.1.1.1"), "wang", PASSWORD).status_code == 303
    for n in range(MAX_FAILURES - 1):  # counting starts again from nothing
        assert attempt(client_from(app_over, f"10.2.0.{n}"), "wang", "wrong").status_code == 401
    assert attempt(client_from(app_over, "10.2.1.1"), "wang", PASSWORD).status_code == 303


def test_the_window_slides_on_a_given_clock() -> None:
    now = [1000.0]
    limit = SignInLimit(clock=lambda: now[0])
    for k in range(MAX_FAILURES):
        now[0] = 1000.0 + 60 * k  # one failure a minute
        limit.failed("wang", "10.0.0.1")
    refusal = limit.refusal("wang", "10.0.0.2")
    assert refusal is not None and refusal.seconds == pytest.approx(WINDOW_S - 60 * (MAX_FAILURES - 1))
    assert refusal.minutes == 11
    assert limit.refusal("li", "10.0.0.1") is not None  # the address is braked too
    now[0] = 1000.0 + WINDOW_S  # the first failure leaves the window: 4 remain
    assert limit.refusal("wang", "10.0.0.1") is None
    limit.failed("wang", "10.0.0.3")
    assert limit.refusal("wang", "10.0.0.4") is not None

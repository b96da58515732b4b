"""Accounts beyond loopback: argon2 hashes, sign-in, roles, `dealer-audit users`, serve's refusal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dealer_audit.cli.app import app as cli_app
from dealer_audit.core.accounts import AccountError, Role
from dealer_audit.storage.repository import Repository
from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.accounts import add_account, authenticate, change_password
from tests.web.helpers import csrf_of, htmx, make_client

pytestmark = pytest.mark.slow

PASSWORD = "correct horse 42"


@pytest.fixture
def accounts(web_workspace: Path) -> Path:
    with Workspace.open(web_workspace) as ws:
        add_account(ws.repo, "hq", Role.HQ, PASSWORD, display_name="总部")
        add_account(ws.repo, "east-mgr", Role.REGIONAL, PASSWORD, frozenset({"east"}), "华东经理")
        add_account(ws.repo, "wang", Role.AUDITOR, PASSWORD, display_name="王芳")
        add_account(ws.repo, "li", Role.AUDITOR, PASSWORD, display_name="李明")
    return web_workspace


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    token = csrf_of(client, "/login")
    response = client.post(
        "/login",
        data={"csrf_token": token, "name": name, "password": password, "next": "/capture"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def start_audit(client: TestClient, dealer: str, auditor: str = "") -> str:
    token = csrf_of(client)
    response = client.post(
        "/capture/start",
        data={
            "csrf_token": token,
            "dealer": dealer,
            "standard": "digital-service",
            "wave": "2026-Q4",
            "auditor": auditor,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[1]


def test_passwords_are_kept_as_argon2id_hashes_and_checked(accounts: Path) -> None:
    with Workspace.open(accounts) as ws:
        account = ws.repo.get_account("wang")
        assert account is not None and account.password_hash.startswith("$argon2id$")
        assert PASSWORD not in account.password_hash
        assert authenticate(ws.repo, "wang", PASSWORD) == account
        assert authenticate(ws.repo, "wang", "wrong password") is None
        assert authenticate(ws.repo, "nobody", PASSWORD) is None
        with pytest.raises(AccountError, match="too short"):
            add_account(ws.repo, "zhao", Role.AUDITOR, "short")
        with pytest.raises(AccountError, match="unknown region"):
            add_account(ws.repo, "m2", Role.REGIONAL, PASSWORD, frozenset({"atlantis"}))
        with pytest.raises(AccountError, match="needs at least one region"):
            add_account(ws.repo, "m3", Role.REGIONAL, PASSWORD)
        with pytest.raises(AccountError, match="login name"):
            add_account(ws.repo, "../x", Role.HQ, PASSWORD)


def test_nothing_but_the_sign_in_page_without_an_account(accounts: Path) -> None:
    client = make_client(accounts, host="0.0.0.0")
    response = client.get("/capture", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/capture"
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/capture/dealers?q=SH", headers={"HX-Request": "true"}).status_code == 401
    token = csrf_of(client, "/login")
    wrong = client.post("/login?lang=en", data={"csrf_token": token, "name": "wang", "password": "nope nope"})
    assert wrong.status_code == 401 and "The login name or the password is wrong." in wrong.text
    no_token = client.post("/login", data={"name": "wang", "password": PASSWORD})
    assert no_token.status_code == 403
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        away = client.post(
            "/login",
            data={"csrf_token": csrf_of(client, "/login"), "name": "wang", "password": PASSWORD, "next": target},
            follow_redirects=False,
        )
        assert away.status_code == 303 and away.headers["location"] == "/"  # never off this server
    # signing in renewed the session, so the token of the page shown before is void
    assert client.post("/login", data={"csrf_token": token, "name": "wang", "password": PASSWORD}).status_code == 403


def test_regional_manager_is_refused_another_regions_dealer(accounts: Path) -> None:
    hq = sign_in(make_client(accounts, host="0.0.0.0"), "hq")
    north_audit = start_audit(hq, "BJ001", auditor="赵")
    east_audit = start_audit(hq, "SH001", auditor="赵")
    manager = sign_in(make_client(accounts, host="0.0.0.0"), "east-mgr")
    assert "BJ001" not in manager.get("/capture/dealers", params={"q": "BJ"}).text
    assert "SH001" in manager.get("/capture/dealers", params={"q": "SH"}).text
    refused = manager.get(f"/capture/{north_audit}/section/online_booking?lang=en")
    assert refused.status_code == 403
    assert "You may not see dealer BJ001: it is outside your regions." in refused.text
    assert manager.get(f"/capture/{north_audit}/summary").status_code == 403
    own_region = manager.get(f"/capture/{east_audit}/section/online_booking")
    assert own_region.status_code == 200 and '<fieldset class="answer-row" disabled>' in own_region.text  # reads only
    token = csrf_of(manager)
    change = manager.post(f"/capture/{east_audit}/item/DB02/answer", data={"value": "yes"}, headers=htmx(token))
    assert change.status_code == 403
    start = manager.post(
        "/capture/start?lang=en",
        data={"csrf_token": token, "dealer": "SH001", "standard": "digital-service", "wave": "2026-Q4", "auditor": "x"},
    )
    assert start.status_code == 403 and "Regional managers look at audits" in start.text
    drafts = manager.get("/capture").text
    assert east_audit in drafts and north_audit not in drafts


def test_auditor_edits_only_their_own_drafts(accounts: Path) -> None:
    wang = sign_in(make_client(accounts, host="0.0.0.0"), "wang")
    own = start_audit(wang, "HZ001", auditor="someone else")  # the name is the account's, whatever is posted
    with Workspace.open(accounts) as ws:
        assert ws.repo.get_audit(own).auditor == "wang"
    li = sign_in(make_client(accounts, host="0.0.0.0"), "li")
    assert li.get(f"/capture/{own}/section/online_booking").status_code == 403
    token = csrf_of(li)
    assert li.post(f"/capture/{own}/item/DB02/answer", data={"value": "no"}, headers=htmx(token)).status_code == 403
    assert own not in li.get("/capture").text
    token = csrf_of(wang)
    assert wang.post(f"/capture/{own}/item/DB02/answer", data={"value": "yes"}, headers=htmx(token)).status_code == 200


def test_sign_out_and_a_changed_password_end_the_session(accounts: Path) -> None:
    client = sign_in(make_client(accounts, host="0.0.0.0"), "wang")
    assert client.get("/capture").status_code == 200
    page = client.get("/capture").text
    assert "王芳" in page
    with Workspace.open(accounts) as ws:
        change_password(ws.repo, "wang", "another secret 7")
    assert client.get("/capture", follow_redirects=False).status_code == 303
    sign_in(client, "wang", "another secret 7")
    token = re.search(r'name="csrf_token" value="([\w-]+)"', client.get("/capture").text).group(1)  # type: ignore[union-attr]
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/capture", follow_redirects=False).headers["location"].startswith("/login")


def test_users_commands(web_workspace: Path) -> None:
    runner = CliRunner()
    ws = ["-w", str(web_workspace)]
    english = {"DEALER_AUDIT_LANG": "en"}  # the workspace is zh; the Chinese: test_cli_error_language_services.py
    added = runner.invoke(
        cli_app,
        ["users", "add", "zhou", "--role", "regional-manager", "--region", "south", "--password-stdin", *ws],
        input=PASSWORD + "\n",
        env=english,
    )
    assert added.exit_code == 0, added.output
    assert "account zhou added: regional (south)" in added.output
    twice = runner.invoke(
        cli_app, ["users", "add", "zhou", "--role", "hq", "--password-stdin", *ws], input=PASSWORD + "\n", env=english
    )
    assert twice.exit_code == 1 and "account zhou already exists" in twice.output and "Traceback" not in twice.output
    bad_role = runner.invoke(
        cli_app, ["users", "add", "x", "--role", "boss", "--password-stdin", *ws], input="x\n", env=english
    )
    assert bad_role.exit_code == 1 and "unknown role 'boss'" in bad_role.output
    listed = runner.invoke(cli_app, ["users", "list", *ws])
    assert "zhou" in listed.output and "regional" in listed.output and "argon2" not in listed.output
    changed = runner.invoke(cli_app, ["users", "passwd", "zhou", "--password-stdin", *ws], input="new password 9\n")
    assert changed.exit_code == 0, changed.output
    with Workspace.open(web_workspace) as opened:
        assert authenticate(opened.repo, "zhou", "new password 9") is not None
    assert runner.invoke(cli_app, ["users", "remove", "zhou", *ws]).exit_code == 0
    missing = runner.invoke(cli_app, ["users", "remove", "zhou", *ws], env=english)
    assert missing.exit_code == 1 and "no account zhou" in missing.output


def test_serve_beyond_loopback_needs_an_account(web_workspace: Path) -> None:
    english = {"DEALER_AUDIT_LANG": "en"}  # the sample workspace speaks Chinese
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "-w", str(web_workspace)], env=english)
    assert result.exit_code == 1
    assert "refusing to listen on 0.0.0.0" in result.output and "dealer-audit users add" in result.output
    assert "Traceback" not in result.output


def test_accounts_are_stored_on_both_databases(repo: Repository) -> None:
    from dealer_audit.core.accounts import Account
    from dealer_audit.errors import Conflict, NotFound

    store = repo  # on SQLite and PostgreSQL
    account = Account("chen", Role.REGIONAL, frozenset({"east", "south"}), "陈经理", "$argon2id$x")
    store.save_account(account)
    found = store.get_account("chen")
    assert found is not None and found.regions == frozenset({"east", "south"}) and found.display_name == "陈经理"
    assert found.created_at
    with pytest.raises(Conflict, match="already exists"):
        store.save_account(account)
    store.save_account(Account("chen", Role.HQ, frozenset(), "陈", "$argon2id$y"), replace=True)
    assert store.get_account("chen").role is Role.HQ
    assert [a.name for a in store.list_accounts()] == ["chen"] and store.count_accounts() == 1
    store.remove_account("chen")
    with pytest.raises(NotFound, match="no account chen"):
        store.remove_account("chen")
    assert store.get_account("chen") is None and store.count_accounts() == 0

"""The follow-up pages over HTTP (TestClient, accounts mode): dealer accounts and who sees what, actions changed
through their cards, disputes filed and ruled (one ruling stands, on SQLite and PostgreSQL), coverage.

The browser end to end (a dealer returns an action and disputes, HQ overturns, the score moves) is in
test_follow_up_browser.py.
"""

from __future__ import annotations

import html as html_lib
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dealer_audit.cli.app import app as cli_app
from dealer_audit.core.accounts import AccountError, Role
from dealer_audit.core.actions import ActionStatus
from dealer_audit.core.answers import Answer
from dealer_audit.core.disputes import DisputeStatus
from dealer_audit.core.standard import LocalText
from dealer_audit.services.disputes import file_dispute, issue_reports
from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.accounts import add_account
from dealer_audit.web.app import create_app
from dealer_audit.web.config import WebConfig
from dealer_audit.web.i18n import WORDS
from dealer_audit.web.pages import TEMPLATES_DIR
from tests.web.follow_up_data import PASSWORD, Q3_ISSUED, WAVE, page_token, prepare_follow_up, sign_in, yes_no_finding
from tests.web.helpers import htmx, make_client, png_bytes

pytestmark = pytest.mark.slow


@pytest.fixture
def loop_ws(web_workspace: Path) -> Path:
    return prepare_follow_up(web_workspace)


@pytest.fixture
def client_of(loop_ws: Path) -> Iterator[Any]:
    clients: list[TestClient] = []

    def make(name: str) -> TestClient:
        client = make_client(loop_ws, host="0.0.0.0")
        clients.append(client)
        return sign_in(client, name)

    yield make
    for client in clients:
        client.close()


def first_open_action(loop_ws: Path, dealer: str = "SH001") -> Any:
    with Workspace.open(loop_ws) as ws:
        return next(a for a in ws.repo.list_actions(dealer_code=dealer) if a.status is ActionStatus.OPEN)


def post_update(client: TestClient, dealer: str, action: Any, **fields: Any) -> Any:
    page = client.get(f"/actions/dealers/{dealer}")
    data = {"action_id": action.action_id, "version": action.version, "status": action.status.value}
    data.update({k: str(v) for k, v in fields.items()})
    return client.post(f"/actions/dealers/{dealer}/update?lang=en", data=data, headers=htmx(page_token(page.text)))


def text_of(html: str) -> str:
    """The page's words, as a reader sees them (tags gone, "<b>Status</b>: x" read as "Status: x")."""
    return html_lib.unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" :", ":"))


def test_every_follow_up_word_is_in_both_languages_and_every_template_word_is_known() -> None:
    used: set[str] = set()
    for folder in ("actions", "disputes", "coverage"):
        for template in (TEMPLATES_DIR / folder).glob("*.html"):
            used |= set(re.findall(r"\bt\('([\w.]+)'[,)]", template.read_text(encoding="utf-8")))
    assert used and used <= set(WORDS), used - set(WORDS)
    for key in ("status", "owner", "due", "note"):
        assert f"actions.field.{key}" in WORDS  # the card names the refused field: t('actions.field.' ~ field)
    for key in ("open", "ruled", "all"):
        assert f"disputes.filter.{key}" in WORDS
    assert all(zh and en and zh != en for zh, en in (WORDS[k] for k in WORDS if k.startswith("coverage.")))


def test_users_add_a_dealer_account_bound_to_dealers(web_workspace: Path) -> None:
    runner = CliRunner()
    ws = ["-w", str(web_workspace)]

    def add(*args: str) -> Any:
        english = {"DEALER_AUDIT_LANG": "en"}  # the workspace is zh; the Chinese: test_cli_error_language_services.py
        return runner.invoke(
            cli_app, ["users", "add", *args, "--password-stdin", *ws], input=PASSWORD + "\n", env=english
        )

    added = add("sh-service", "--role", "dealer", "--dealer", "SH001", "--dealer", "SH002")
    assert added.exit_code == 0, added.output
    assert "account sh-service added: dealer (SH001, SH002)" in added.output
    with Workspace.open(web_workspace) as opened:
        account = opened.repo.get_account("sh-service")
        assert account is not None and account.role is Role.DEALER and account.dealers == {"SH001", "SH002"}
    assert "SH001, SH002" in runner.invoke(cli_app, ["users", "list", *ws]).output
    no_dealer = add("d2", "--role", "dealer")
    assert no_dealer.exit_code == 1 and "a dealer account needs at least one dealer (--dealer CODE)" in no_dealer.output
    unknown = add("d3", "--role", "dealer", "--dealer", "ZZ999")
    assert unknown.exit_code == 1 and "unknown dealer(s) ZZ999" in unknown.output
    wrong_role = add("d4", "--role", "hq", "--dealer", "SH001")
    assert wrong_role.exit_code == 1 and "only a dealer account has dealers" in wrong_role.output
    with Workspace.open(web_workspace) as opened, pytest.raises(AccountError, match="unknown dealer"):
        add_account(opened.repo, "d5", Role.DEALER, PASSWORD, dealers=frozenset({"sh001"}))


@pytest.mark.parametrize(
    "path",
    [
        "/actions/dealers/SH002",
        "/disputes/dealers/SH002",
        "/look/2026-Q4",
        "/look/2026-Q4/regions/east",
        "/look/2026-Q4/dealers/SH002",
        "/look/2026-Q4/dealers/SH002/report.pdf",
        "/coverage",
        "/capture",
    ],
)
def test_a_dealer_account_is_refused_every_other_page(client_of: Any, path: str) -> None:
    dealer = client_of("sh001")
    refused = dealer.get(path + "?lang=en")
    assert refused.status_code == 403, path
    assert "Traceback" not in refused.text


def test_a_dealer_account_lands_on_its_own_dealer_and_cannot_reach_another_through_a_form(
    client_of: Any, loop_ws: Path
) -> None:
    dealer = client_of("sh001")
    home = dealer.get("/")
    assert home.url.path == "/actions/dealers/SH001"
    assert dealer.get("/disputes").url.path == "/disputes/dealers/SH001"
    assert 'href="/coverage"' not in home.text and 'href="/capture"' not in home.text  # the nav offers neither
    # its own scores: /look leads to its own dealer page, with no link up to the region or network pages
    own = dealer.get("/look")
    assert own.status_code == 200 and own.url.path == "/look/2026-Q4/dealers/SH001"
    assert 'href="/look/2026-Q4"' not in own.text and 'href="/look/2026-Q4/regions/' not in own.text
    assert dealer.get("/look/2026-Q4/dealers/SH001/report.pdf").content.startswith(b"%PDF")
    other = first_open_action(loop_ws, "SH002")
    # through its own dealer's address, another dealer's action id is still refused
    refused = post_update(dealer, "SH001", other, status="done")
    assert refused.status_code == 404  # unknown to this dealer (the id it sent is all the page repeats)
    assert first_open_action(loop_ws, "SH002") == other
    with Workspace.open(loop_ws) as ws:
        finding = yes_no_finding(ws.repo, "SH002")
    token = page_token(dealer.get("/disputes/dealers/SH001").text)
    filed = dealer.post(
        "/disputes/dealers/SH001/file",
        data={"csrf_token": token, "audit_id": finding.audit.audit_id, "item_id": finding.item.id, "reason": "x"},
    )
    assert filed.status_code == 404 and "SH002" not in filed.text
    with Workspace.open(loop_ws) as ws:
        assert ws.repo.list_disputes() == []

    group = client_of("group")  # two dealers: an overview of both, nothing else
    overview = group.get("/actions")
    assert overview.url.path == "/actions"
    assert set(re.findall(r'<tr data-code="(\w+)"', overview.text)) == {"SH001", "BJ001"}
    assert 'data-testid="action-regions"' not in overview.text


def test_an_action_changed_through_its_card_and_illegal_changes_named_by_field(client_of: Any, loop_ws: Path) -> None:
    dealer = client_of("sh001")
    action = first_open_action(loop_ws)
    saved = post_update(dealer, "SH001", action, status="in_progress", owner="张经理", due="2027-01-31", note="培训")
    assert saved.status_code == 200 and 'data-testid="action-saved"' in saved.text
    with Workspace.open(loop_ws) as ws:
        stored = ws.repo.get_action(action.action_id)
        trail = ws.repo.action_trail(action.action_id)
    assert (stored.status, stored.owner, stored.due, stored.note) == (
        ActionStatus.IN_PROGRESS, "张经理", date(2027, 1, 31), "培训",
    )  # fmt: skip
    assert trail[-1].who == "sh001" and (trail[-1].from_status, trail[-1].to_status) == ("open", "in_progress")

    done = post_update(dealer, "SH001", stored, status="done")
    assert done.status_code == 200
    with Workspace.open(loop_ws) as ws:
        stored = ws.repo.get_action(action.action_id)
    back = post_update(dealer, "SH001", stored, status="in_progress")
    assert back.status_code == 422
    assert "Status: an action that is done cannot become in_progress (it is closed)" in text_of(back.text)
    by_hand = post_update(dealer, "SH001", stored, status="verified")
    assert "Status: verified is set by the next wave's audit, not by hand" in text_of(by_hand.text)
    bad_date = post_update(dealer, "SH001", stored, due="31.12.2026")
    assert bad_date.status_code == 422 and "Due date: “31.12.2026” is not a date" in text_of(bad_date.text)
    stale = post_update(dealer, "SH001", stored, status="done", note="late edit", version=stored.version - 1)
    assert stale.status_code == 422 and "changed since this page was opened" in stale.text
    with Workspace.open(loop_ws) as ws:
        assert ws.repo.get_action(action.action_id) == stored  # nothing of the refused changes was stored


def test_managers_read_their_regions_and_hq_closes_the_loop(
    client_of: Any, loop_ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = client_of("east-mgr")
    overview = manager.get("/actions")
    regions = re.findall(r'<tr data-region="(\w+)">', overview.text)
    assert regions == ["east"]
    with Workspace.open(loop_ws) as ws:
        east = {d.code for d in ws.repo.list_dealers() if d.region == "east"}
    assert set(re.findall(r'<tr data-code="(\w+)"', overview.text)) <= east
    assert manager.get("/actions/dealers/BJ001").status_code == 403
    page = manager.get("/actions/dealers/SH001")
    assert page.status_code == 200 and "<form" not in page.text.split('data-testid="action-list"')[1]
    assert post_update(manager, "SH001", first_open_action(loop_ws), status="done").status_code == 403
    assert 'data-testid="close-loop"' not in overview.text

    hq = client_of("hq")
    monkeypatch.setattr("dealer_audit.web.routes.actions.DEALER_ROWS", 3)
    network = hq.get("/actions?lang=en")
    overdue = [
        int(n)
        for n in re.findall(
            r'<td class="num (?:down strong)?">(\d+)</td>\s*<td class="num">\d+</td>\s*'
            r'<td class="num">\d+</td>\s*<td class="num">\d+</td>\s*</tr>',
            network.text,
        )
    ]
    assert len(re.findall(r'<tr data-code="', network.text)) == 3 and overdue == sorted(overdue, reverse=True)
    with Workspace.open(loop_ws) as ws:
        with_actions = len({a.dealer_code for a in ws.repo.list_actions()})
    assert f"The 3 dealers with the most overdue actions of {with_actions}" in network.text
    token = page_token(network.text)
    again = hq.post("/actions/generate?lang=en", data={"wave": WAVE}, headers=htmx(token))
    assert again.status_code == 200 and "Wave 2026-Q4: 0 new action(s), 0 verified, 0 reopened" in again.text
    token = page_token(manager.get("/actions").text)
    assert manager.post("/actions/generate", data={"wave": WAVE}, headers=htmx(token)).status_code == 403


def test_the_actions_overview_names_regions_and_keeps_their_codes_as_links(client_of: Any) -> None:
    """Region names (the program's, in the page's language) where the page used to show the codes; the code stays
    the link and filter value."""
    hq = client_of("hq")
    for lang, east in (("en", "East"), ("zh", "华东区")):
        page = hq.get(f"/actions?lang={lang}")
        regions = page.text.split('data-testid="action-regions"')[1].split("</table>")[0]
        assert f'<tr data-region="east"><td><a href="/actions?region=east" title="east">{east}</a></td>' in regions
        dealers = page.text.split('data-testid="action-dealers"')[1].split("</table>")[0]
        sh001 = dealers.split('<tr data-code="SH001">')[1].split("</tr>")[0]
        assert f'<td title="east">{east}</td>' in sh001
        assert ">east<" not in regions + dealers
    narrowed = hq.get("/actions?region=east&lang=en")
    assert "· East <a" in narrowed.text and "· east" not in narrowed.text


def test_a_dispute_with_a_photo_is_filed_and_a_late_one_refused_with_the_date(client_of: Any, loop_ws: Path) -> None:
    dealer = client_of("sh001")
    with Workspace.open(loop_ws) as ws:
        finding = yes_no_finding(ws.repo, "SH001")
        late = yes_no_finding(ws.repo, "SH001", "2026-Q3")
    page = dealer.get("/disputes/dealers/SH001?lang=en")
    assert "Disputes may be filed today" in page.text and finding.item.id in page.text
    token = page_token(page.text)
    form = {"csrf_token": token, "audit_id": finding.audit.audit_id, "item_id": finding.item.id}

    not_a_photo = dealer.post(
        "/disputes/dealers/SH001/file?lang=en",
        data={**form, "reason": "看板当时在维修"},
        files={"photo": ("board.png", b"%PDF-1.4 not an image", "image/png")},
    )
    assert not_a_photo.status_code == 422 and "board.png" in not_a_photo.text
    with Workspace.open(loop_ws) as ws:
        assert ws.repo.list_disputes() == []  # refused whole: no dispute, no half-stored photo

    filed = dealer.post(
        "/disputes/dealers/SH001/file",
        data={**form, "reason": "看板当时在维修，有维修单"},
        files={"photo": ("维修单.png", png_bytes(), "image/png")},
        follow_redirects=False,
    )
    assert filed.status_code == 303, filed.text
    with Workspace.open(loop_ws) as ws:
        (dispute,) = ws.repo.list_disputes()
        assert (dispute.item_id, dispute.filed_by, dispute.reason) == (
            finding.item.id,
            "sh001",
            "看板当时在维修，有维修单",
        )
        assert [e.file_name for e in dispute.evidence] == ["维修单.png"]
        assert ws.evidence.path_for(dispute.evidence[0].sha256) is not None
        # the shared store keeps it: removing the same bytes from a draft answer must not delete the dispute's file
        assert ws.repo.evidence_in_use(dispute.evidence[0].sha256)
        assert not ws.repo.evidence_in_use("0" * 64)
    shown = dealer.get(filed.headers["location"])
    assert 'data-testid="dispute-filed"' in shown.text
    thumb = dealer.get(f"/disputes/evidence/{dispute.evidence[0].sha256}", params={"dispute": dispute.dispute_id})
    assert thumb.status_code == 200 and thumb.headers["content-type"].startswith("image/")
    twice = dealer.post("/disputes/dealers/SH001/file?lang=en", data={**form, "reason": "again"})
    assert twice.status_code == 409

    token = page_token(dealer.get("/disputes/dealers/SH001?wave=2026-Q3").text)
    refused = dealer.post(
        "/disputes/dealers/SH001/file?lang=en",
        data={"csrf_token": token, "audit_id": late.audit.audit_id, "item_id": late.item.id, "reason": "late"},
    )
    assert refused.status_code == 409
    words = text_of(refused.text)
    assert f"The dispute of item {late.item.id} was refused" in words
    assert f"too late: the report was issued on {Q3_ISSUED.isoformat()}" in words and "on 2026-09-15" in words
    with Workspace.open(loop_ws) as ws:
        assert len(ws.repo.list_disputes()) == 1


def test_coverage_per_region_and_auditor_and_the_unvisited_dealers(client_of: Any) -> None:
    hq = client_of("hq").get(f"/coverage?wave={WAVE}&lang=en")
    assert hq.status_code == 200
    unvisited = re.findall(r'<tr data-code="(\w+)">', hq.text.split('data-testid="coverage-unvisited"')[1])
    assert unvisited == ["DL001", "WX001"]
    regions = hq.text.split('data-testid="coverage-regions"')[1].split("</table>")[0]
    rows = {
        key: [int(n) for n in re.findall(r'<td class="num[^"]*">(\d+)</td>', row)]
        for key, row in re.findall(r'<tr[^>]*data-key="(\w+)">(.*?)</tr>', regions, re.S)
    }
    assert {"east", "north", "south", "all"} <= set(rows)
    assert '<tr data-key="east"><td>East <span class="muted small">east</span></td>' in regions  # named, code beside
    planned, captured, imported, missing, overdue = rows["all"]
    assert (captured, missing, overdue) == (0, 2, 1) and imported == planned - 2
    assert rows["east"][3:] == [1, 1] and rows["north"][3:] == [1, 0]  # WX001 overdue, DL001 still to come

    manager = client_of("east-mgr").get(f"/coverage?wave={WAVE}&lang=en")
    regions = manager.text.split('data-testid="coverage-regions"')[1].split("</table>")[0]
    assert re.findall(r'data-key="(\w+)"', regions) == ["east", "all"]
    unvisited = re.findall(r'<tr data-code="(\w+)">', manager.text.split('data-testid="coverage-unvisited"')[1])
    assert unvisited == ["WX001"]
    assert client_of("wang").get("/coverage").status_code == 403


def test_coverage_of_a_wave_without_a_plan_shows_the_audits_stored_per_region(client_of: Any, loop_ws: Path) -> None:
    """2026-Q3 has audits but no plan: the page says so and still counts what is stored, per region, as the HQ
    workbook's Coverage sheet does."""
    with Workspace.open(loop_ws) as ws:
        regions = {d.code: d.region for d in ws.repo.list_dealers()}
        expected: dict[str, list[int]] = {}
        for audit in ws.repo.list_audits(wave="2026-Q3"):
            counts = expected.setdefault(regions[audit.dealer_code], [0, 0])
            counts[0 if audit.is_final else 1] += 1
    assert expected and sum(n for counts in expected.values() for n in counts) > 1
    for lang, heading in (("en", "Audits stored in the wave by region (planned or not)"), ("zh", "本批次已存稽核")):
        page = client_of("hq").get(f"/coverage?wave=2026-Q3&lang={lang}")
        assert page.status_code == 200 and heading in page.text
        stored = page.text.split('data-testid="coverage-stored"')[1].split("</table>")[0]
        rows = {
            key: [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]
            for key, row in re.findall(r'<tr data-key="(\w+)">(.*?)</tr>', stored, re.S)
        }
        assert rows == expected
    assert WORDS["coverage.no_plan_hint"][1].split(":")[0].format(wave="2026-Q3") in text_of(
        client_of("hq").get("/coverage?wave=2026-Q3&lang=en").text
    )


@pytest.fixture
def ruling_app(db_url: str, loaded_repo: Any, make_audit: Any, tmp_path: Path) -> Iterator[tuple[Any, str]]:
    """HQ on a database alone (SQLite or PostgreSQL), one open dispute, two HQ accounts."""
    loaded_repo.save_audit(make_audit(audit_id="a-sh002", dealer_code="SH002").with_answer(Answer("R03", "yes")))
    issue_reports(loaded_repo, "2026-Q4", date(2026, 12, 1))
    dispute = file_dispute(loaded_repo, "a-sh002", "R03", "不需要重复提供", now=datetime(2026, 12, 2, 9).astimezone())
    for name in ("hq-zhang", "hq-li"):
        add_account(loaded_repo, name, Role.HQ, PASSWORD)

    def client() -> TestClient:
        ws = Workspace.open(db_url=db_url, evidence_dir=tmp_path / "evidence")
        return TestClient(create_app(WebConfig(db_url=db_url, host="0.0.0.0", secret=b"s" * 32), ws))

    yield client, dispute.dispute_id


def test_two_hq_users_ruling_at_once_exactly_one_stands_and_the_other_is_told(
    ruling_app: tuple[Any, str], loaded_repo: Any
) -> None:
    make, dispute_id = ruling_app
    clients = {name: sign_in(make(), name) for name in ("hq-zhang", "hq-li")}
    tokens = {}
    for name, client in clients.items():
        page = client.get("/disputes")
        assert 'name="version" value="1"' in page.text  # both read the open dispute at version 1
        tokens[name] = page_token(page.text)
    barrier = threading.Barrier(2)
    answers: dict[str, Any] = {}

    def rule(name: str, ruling: DisputeStatus) -> None:
        data = {"dispute_id": dispute_id, "version": "1", "ruling": ruling.value, "why": f"{name} decided"}
        barrier.wait()
        answers[name] = clients[name].post("/disputes/rule?lang=en", data=data, headers=htmx(tokens[name]))

    threads = [
        threading.Thread(target=rule, args=("hq-zhang", DisputeStatus.OVERTURNED)),
        threading.Thread(target=rule, args=("hq-li", DisputeStatus.UPHELD)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(response.status_code for response in answers.values())
    assert codes == [200, 409], {n: r.text[:300] for n, r in answers.items()}
    winner = next(n for n, r in answers.items() if r.status_code == 200)
    loser = next(n for n in answers if n != winner)
    assert 'data-testid="ruling-saved"' in answers[winner].text
    told = text_of(answers[loser].text)
    assert "was already ruled" in told and f"by {winner}" in told and "that ruling stands" in told
    stored = loaded_repo.get_dispute(dispute_id)
    assert (stored.ruled_by, stored.version) == (winner, 2)
    audit = loaded_repo.get_audit("a-sh002")
    assert (audit.revision, audit.answer("R03").value) == ((2, "no") if winner == "hq-zhang" else (1, "yes"))
    for client in clients.values():
        client.close()


def test_a_dealer_sees_its_scores_only_once_hq_has_issued_the_report(client_of: Any, loop_ws: Path) -> None:
    """Before HQ issues a wave's report to a dealer, the dealer account sees neither its page nor its files."""
    with Workspace.open(loop_ws) as ws:
        add_account(ws.repo, "dl001", Role.DEALER, PASSWORD, dealers=frozenset({"DL001"}))  # planned, nothing issued
        assert ws.repo.issued_on(WAVE, "DL001") is None and ws.repo.issued_on(WAVE, "SH001") is not None
    nothing = client_of("dl001").get("/look?lang=en")
    assert nothing.status_code == 200 and "has not issued any wave&#39;s report to your dealership" in nothing.text
    issued = client_of("sh001").get("/look")
    assert issued.url.path == f"/look/{WAVE}/dealers/SH001"  # its newest issued report


def test_a_dispute_card_names_the_item_as_worded_on_its_audits_standard_version(
    ruling_app: tuple[Any, str], loaded_repo: Any, mini_standard: Any, make_audit: Any
) -> None:
    """A newer version of the standard rewords the disputed item: each card keeps the words its dealer was audited
    against (its audit's version), as the Actions sheet does, also when a dispute of the same item on the newer
    version is on the same page."""
    reworded = tuple(
        replace(
            s,
            items=tuple(replace(i, text=LocalText("新措辞", "Newer wording")) if i.id == "R03" else i for i in s.items),
        )
        for s in mini_standard.sections
    )
    loaded_repo.save_standard(replace(mini_standard, version="2099.1", sections=reworded))
    make, _ = ruling_app
    with make() as client:
        page = text_of(sign_in(client, "hq-zhang").get("/disputes?lang=en").text)
    assert "Was the customer asked to repeat booking data" in page
    assert "Newer wording" not in page

    newer = make_audit(audit_id="a-sh002-new", dealer_code="SH002", standard_version="2099.1")
    loaded_repo.save_audit(newer.with_answer(Answer("R03", "yes")))
    file_dispute(loaded_repo, "a-sh002-new", "R03", "新版本也不需要", now=datetime(2026, 12, 2, 10).astimezone())
    with make() as client:
        page = text_of(sign_in(client, "hq-zhang").get("/disputes?lang=en").text)
    assert "Was the customer asked to repeat booking data" in page and "Newer wording" in page

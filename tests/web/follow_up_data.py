"""The follow-up pages' test data: the sample workspace with actions, an issued wave, a plan and accounts.

Q3 and Q4 actions are generated (Q4's audits verify or reopen Q3's), Q4's reports are issued today (the dispute
window is open), Q3's were issued long ago (closed), a plan of Q4 covers every stored audit plus two new dealers
nobody has visited (one visit overdue, one still to come).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from dealer_audit.core.accounts import Role
from dealer_audit.core.planning import PlannedVisit
from dealer_audit.core.standard import AnswerType, LocalText
from dealer_audit.services.actions import generate_actions
from dealer_audit.services.disputes import Finding, disputable_findings, issue_reports
from dealer_audit.storage.repository import Repository
from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.accounts import add_account
from tests.web.helpers import csrf_of

PASSWORD = "correct horse 42"
WAVE = "2026-Q4"
Q3_ISSUED = date(2026, 9, 1)  # Q3's window (14 days) closed on 2026-09-15
ACCOUNTS = {
    "hq": (Role.HQ, frozenset(), frozenset()),
    "hq2": (Role.HQ, frozenset(), frozenset()),
    "east-mgr": (Role.REGIONAL, frozenset({"east"}), frozenset()),
    "sh001": (Role.DEALER, frozenset(), frozenset({"SH001"})),
    "group": (Role.DEALER, frozenset(), frozenset({"SH001", "BJ001"})),
    "wang": (Role.AUDITOR, frozenset(), frozenset()),
}


def prepare_follow_up(folder: Path) -> Path:
    with Workspace.open(folder) as ws:
        repo = ws.repo
        generate_actions(repo, "2026-Q3", today=date(2026, 10, 1))
        generate_actions(repo, WAVE, today=date.today())
        issue_reports(repo, WAVE, date.today())
        issue_reports(repo, "2026-Q3", Q3_ISSUED)
        for name, (role, regions, dealers) in ACCOUNTS.items():
            add_account(repo, name, role, PASSWORD, regions, name.upper(), dealers)
        add_unvisited_dealers_and_plan(repo)
    return folder


def add_unvisited_dealers_and_plan(repo: Repository) -> None:
    template = repo.get_dealer("SH001")
    repo.save_dealers(
        [
            replace(template, code="WX001", name=LocalText("无锡新区测试汽车服务", "Wuxi Test Motors"), city="无锡市"),
            replace(template, code="DL001", name=LocalText("大连测试汽车服务", "Dalian Test Motors"), region="north"),
        ]
    )
    visits = {
        (a.dealer_code, a.standard_id, a.auditor): PlannedVisit(
            a.dealer_code, a.standard_id, a.auditor, date(2026, 11, 10)
        )
        for a in repo.list_audits(wave=WAVE)
    }
    plan = [
        *visits.values(),
        PlannedVisit("WX001", "digital-service", "王芳", date(2026, 10, 20)),  # past: overdue
        PlannedVisit("DL001", "digital-service", "李强", date(2099, 1, 4)),  # still to come
    ]
    repo.save_plan(WAVE, plan)


def sign_in(client: TestClient, name: str) -> TestClient:
    token = csrf_of(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "name": name, "password": PASSWORD, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return client


def page_token(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([\w-]+)"', html)
    assert match
    return match.group(1)


def yes_no_finding(repo: Repository, dealer: str, wave: str = WAVE) -> Finding:
    """A failed yes/no item of the dealer in `wave` (overturned, it becomes compliant and the score rises)."""
    return next(
        f for f in disputable_findings(repo, dealer, wave) if f.item.type is AnswerType.YES_NO and f.score.possible
    )

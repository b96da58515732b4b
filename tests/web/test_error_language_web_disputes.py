"""The dispute service's refusals on the browser pages, in the page's language (errors.py's pair, chosen per request
like the page's words): a late dispute, a finding already disputed, a second ruling, and the closed window shown
beside the findings — Chinese on a zh page, English on an en page, over HTTP (TestClient, no browser)."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dealer_audit.storage.workspace import Workspace
from tests.web.follow_up_data import Q3_ISSUED, page_token, prepare_follow_up, sign_in, yes_no_finding
from tests.web.helpers import htmx, make_client

pytestmark = pytest.mark.slow


def text_of(html: str) -> str:
    return html_lib.unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


def file(client: TestClient, finding: Any, lang: str) -> Any:
    token = page_token(client.get(f"/disputes/dealers/SH001?wave={finding.audit.wave}").text)
    data = {"csrf_token": token, "audit_id": finding.audit.audit_id, "item_id": finding.item.id, "reason": "理由"}
    return client.post(f"/disputes/dealers/SH001/file?lang={lang}", data=data, follow_redirects=False)


def test_dispute_refusals_in_the_pages_language(web_workspace: Path) -> None:
    loop_ws = prepare_follow_up(web_workspace)
    with Workspace.open(loop_ws) as ws:
        late = yes_no_finding(ws.repo, "SH001", "2026-Q3")
        finding = yes_no_finding(ws.repo, "SH001")
    closed = Q3_ISSUED.replace(day=15).isoformat()
    with make_client(loop_ws, host="0.0.0.0") as client:
        dealer = sign_in(client, "sh001")
        zh, en = file(dealer, late, "zh"), file(dealer, late, "en")
        assert zh.status_code == en.status_code == 409
        assert f"检查项 {late.item.id} 的申诉未被受理" in text_of(zh.text)
        assert f"已超过申诉期限：报告于 {Q3_ISSUED.isoformat()} 发布，申诉期 14 天，已于 {closed} 截止" in text_of(
            zh.text
        )
        assert "too late" not in text_of(zh.text)
        assert f"too late: the report was issued on {Q3_ISSUED.isoformat()}" in text_of(en.text)
        assert "已超过申诉期限" not in text_of(en.text)

        window = dealer.get("/disputes/dealers/SH001?wave=2026-Q3&lang=zh")  # beside the findings, before filing
        assert f"已超过申诉期限：报告于 {Q3_ISSUED.isoformat()} 发布" in text_of(window.text)
        today = date.today().isoformat()
        assert f"本次申诉日期为 {today}" in text_of(window.text) and "too late" not in text_of(window.text)

        assert file(dealer, finding, "zh").status_code == 303
        zh, en = file(dealer, finding, "zh"), file(dealer, finding, "en")
        assert zh.status_code == en.status_code == 409
        assert f"稽核 {finding.audit.audit_id} 的检查项 {finding.item.id} 已在申诉中" in text_of(zh.text)
        assert f"item {finding.item.id} of audit {finding.audit.audit_id} is already disputed" in text_of(en.text)
    with Workspace.open(loop_ws) as ws:
        (dispute,) = ws.repo.list_disputes()

    with make_client(loop_ws, host="0.0.0.0") as client:
        hq = sign_in(client, "hq")
        token = page_token(hq.get("/disputes").text)

        def rule(lang: str) -> Any:
            data = {"dispute_id": dispute.dispute_id, "version": "1", "ruling": "upheld", "why": "录像为证"}
            return hq.post(f"/disputes/rule?lang={lang}", data=data, headers=htmx(token))

        assert rule("zh").status_code == 200
        zh, en = rule("zh"), rule("en")
        assert zh.status_code == en.status_code == 409
        assert f"申诉 {dispute.dispute_id} 已由 hq 于 " in text_of(zh.text)
        assert "裁决为“维持原判”，该裁决有效" in text_of(zh.text) and "that ruling stands" not in text_of(zh.text)
        assert f"dispute {dispute.dispute_id} was already ruled upheld by hq at " in text_of(en.text)
        assert "that ruling stands" in text_of(en.text)

"""A refusal on a page in the page's language (errors.py's pair, chosen per request like the page's words): the
action card of the follow-up pages over HTTP (TestClient, no browser)."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path
from typing import Any

import pytest

from dealer_audit.core.actions import ActionStatus
from dealer_audit.storage.workspace import Workspace
from tests.web.follow_up_data import page_token, prepare_follow_up, sign_in
from tests.web.helpers import htmx, make_client

pytestmark = pytest.mark.slow


def text_of(html: str) -> str:
    return html_lib.unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


def test_an_action_card_refuses_in_the_pages_language(web_workspace: Path) -> None:
    loop_ws = prepare_follow_up(web_workspace)
    with Workspace.open(loop_ws) as ws:
        action = next(a for a in ws.repo.list_actions(dealer_code="SH001") if a.status is ActionStatus.OPEN)
    with make_client(loop_ws, host="0.0.0.0") as client:
        dealer = sign_in(client, "sh001")

        def post(lang: str, **fields: Any) -> Any:
            page = dealer.get("/actions/dealers/SH001")
            data = {"action_id": action.action_id, "version": action.version, "status": action.status.value}
            data.update({k: str(v) for k, v in fields.items()})
            headers = htmx(page_token(page.text))
            return dealer.post(f"/actions/dealers/SH001/update?lang={lang}", data=data, headers=headers)

        zh, en = post("zh", status="verified"), post("en", status="verified")
        assert zh.status_code == en.status_code == 422
        assert "“已验证”由下一轮稽核判定，不能手工设置" in text_of(zh.text)
        assert "verified is set by the next wave's audit, not by hand" in text_of(en.text)
        assert "by hand" not in text_of(zh.text)
        stale = post("zh", status="done", version=action.version - 1)
        assert stale.status_code == 422
        assert f"整改措施 {action.action_id} 在页面打开后已被修改" in text_of(stale.text)
    with Workspace.open(loop_ws) as ws:
        assert ws.repo.get_action(action.action_id) == action  # nothing refused was stored

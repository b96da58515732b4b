"""Taking a photo attached by mistake off an answer before finalising: through the capture session (the same rules
as the wizard), CSRF-checked, and the file leaves the evidence store only when no other answer cites it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dealer_audit.core.answers import Answer
from dealer_audit.storage.workspace import Workspace
from tests.web.helpers import csrf_of, htmx, make_client, png_bytes
from tests.web.test_capture import start

pytestmark = pytest.mark.slow


@pytest.fixture
def client(web_workspace: Path) -> TestClient:
    return make_client(web_workspace)


def attach(client: TestClient, token: str, audit_id: str, item_id: str, name: str, data: bytes) -> None:
    response = client.post(
        f"/capture/{audit_id}/item/{item_id}/photo", files={"photo": (name, data, "image/png")}, headers=htmx(token)
    )
    assert response.status_code == 200, response.text


def answer_of(workspace: Path, audit_id: str, item_id: str) -> Answer:
    with Workspace.open(workspace) as ws:
        return ws.repo.get_audit(audit_id).answers[item_id]


def stored_file(workspace: Path, sha256: str) -> bool:
    with Workspace.open(workspace) as ws:
        return ws.evidence.path_for(sha256) is not None


def test_a_photo_comes_off_one_answer_and_its_file_stays_while_another_answer_cites_it(
    client: TestClient, web_workspace: Path
) -> None:
    audit_id = start(client)
    token = csrf_of(client)
    mistake, right = png_bytes((10, 200, 10)), png_bytes((10, 10, 200))
    client.post(f"/capture/{audit_id}/item/DR01/answer", data={"value": "yes"}, headers=htmx(token))  # shows DR02
    attach(client, token, audit_id, "DR01", "wrong-car.png", mistake)
    attach(client, token, audit_id, "DR01", "check-in.png", right)
    attach(client, token, audit_id, "DR02", "wrong-car.png", mistake)  # the same bytes on a second item
    wrong_sha = answer_of(web_workspace, audit_id, "DR01").evidence[0].sha256

    removed = client.post(f"/capture/{audit_id}/item/DR01/unphoto", data={"sha256": wrong_sha}, headers=htmx(token))
    assert removed.status_code == 200, removed.text
    assert [e.file_name for e in answer_of(web_workspace, audit_id, "DR01").evidence] == ["check-in.png"]
    assert wrong_sha not in removed.text.split('id="item-DR02"')[0].split('id="item-DR01"')[1]  # gone from DR01
    assert stored_file(web_workspace, wrong_sha)  # DR02 still cites it

    client.post(f"/capture/{audit_id}/item/DR02/unphoto", data={"sha256": wrong_sha}, headers=htmx(token))
    assert answer_of(web_workspace, audit_id, "DR02").evidence == ()
    assert not stored_file(web_workspace, wrong_sha)  # nobody cites it any more: the store lets it go
    right_sha = answer_of(web_workspace, audit_id, "DR01").evidence[0].sha256
    assert stored_file(web_workspace, right_sha)


def test_a_photo_items_answer_falls_back_to_its_next_photo_then_to_unanswered(
    client: TestClient, web_workspace: Path
) -> None:
    audit_id = start(client)
    token = csrf_of(client)
    attach(client, token, audit_id, "FP10", "first.png", png_bytes((1, 2, 3)))
    attach(client, token, audit_id, "FP10", "second.png", png_bytes((4, 5, 6)))
    first, second = answer_of(web_workspace, audit_id, "FP10").evidence
    assert answer_of(web_workspace, audit_id, "FP10").value == "first.png"
    client.post(f"/capture/{audit_id}/item/FP10/unphoto", data={"sha256": first.sha256}, headers=htmx(token))
    assert answer_of(web_workspace, audit_id, "FP10").value == "second.png"
    client.post(f"/capture/{audit_id}/item/FP10/unphoto", data={"sha256": second.sha256}, headers=htmx(token))
    answer = answer_of(web_workspace, audit_id, "FP10")
    assert answer.value is None and answer.evidence == ()


def test_removal_needs_the_csrf_token_and_a_photo_that_is_on_the_item(client: TestClient, web_workspace: Path) -> None:
    audit_id = start(client)
    token = csrf_of(client)
    client.post(f"/capture/{audit_id}/item/DR01/answer", data={"value": "yes"}, headers=htmx(token))
    attach(client, token, audit_id, "DR01", "p.png", png_bytes())
    sha = answer_of(web_workspace, audit_id, "DR01").evidence[0].sha256
    forged = client.post(f"/capture/{audit_id}/item/DR01/unphoto", data={"sha256": sha}, headers={"HX-Request": "true"})
    assert forged.status_code == 403
    assert len(answer_of(web_workspace, audit_id, "DR01").evidence) == 1 and stored_file(web_workspace, sha)
    for lang, text in (("en", "That photo is not on this item"), ("zh", "该照片不在此项目上")):
        wrong = client.post(
            f"/capture/{audit_id}/item/DR02/unphoto?lang={lang}", data={"sha256": sha}, headers=htmx(token)
        )
        assert wrong.status_code == 422 and text in wrong.text
    assert stored_file(web_workspace, sha)


def test_the_remove_button_is_on_each_thumbnail_of_a_draft(client: TestClient) -> None:
    audit_id = start(client)
    token = csrf_of(client)
    attach(client, token, audit_id, "DR01", "p.png", png_bytes())
    page = client.get(f"/capture/{audit_id}/section/digital_reception?lang=en")
    assert 'data-testid="unphoto-DR01"' in page.text and "Remove photo" in page.text

"""Class 10 of issue 12: "Saved" must mean saved. While the wizard has a draft open, another process answers,
finalises or replaces the same audit; the wizard's next write is refused (DraftChanged), shown as refused in the
user's language, the stored answers are shown instead, and quitting never claims "Saved" for what was refused."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest

from dealer_audit.capture.draft import DraftStore
from dealer_audit.core.answers import Answer, Audit, AuditStatus
from dealer_audit.errors import DraftChanged
from dealer_audit.storage.audits import draft_token
from dealer_audit.storage.repository import Repository
from dealer_audit.storage.workspace import Workspace

ROOT = Path(__file__).parents[2]


@pytest.fixture
def ws(tmp_path, mini_standard, sample_dealers) -> Workspace:
    workspace = Workspace.init(tmp_path / "ws", language="en")
    workspace.repo.save_standard(mini_standard)
    workspace.repo.save_dealers(sample_dealers)
    workspace.close()
    return workspace


def spawn(ws: Workspace, lang: str = "en") -> pexpect.spawn:
    """The wizard as the auditor runs it: its own process, in a pseudo-terminal."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "LINES": "40", "PYTHONPATH": str(ROOT)}
    env.pop("DEALER_AUDIT_DB", None)
    args = ["-m", "dealer_audit", "capture", "--dealer", "SH001", "--standard", "mini-service", "--wave", "2026-Q4"]
    args += ["--auditor", "Li", "--lang", lang, "--workspace", str(ws.root)]
    return pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=30, dimensions=(40, 200))


def other_process(ws: Workspace, action: Callable[[Repository, str], object]) -> None:
    """What another process does meanwhile (a second wizard, HQ finalising): its own connection, its own commit."""
    other = Repository.open(ws.db_url, base_dir=ws.root)
    try:
        (audit,) = other.list_audits()
        action(other, audit.audit_id)
    finally:
        other.close()


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before or ""


def stored(ws: Workspace) -> Audit:
    with Workspace.open(ws.root) as opened:
        (audit,) = opened.repo.list_audits()
        return audit


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_finalised_elsewhere_refuses_the_answer_and_never_says_saved(ws, lang):
    child = spawn(ws, lang)
    child.expect_exact("R01> ")
    child.sendline("y")
    child.expect_exact("R02> ")
    other_process(ws, lambda repo, audit_id: repo.finalise(audit_id, "HQ"))
    child.sendline("y")
    output = finish(child)
    assert child.exitstatus == 1 and "Traceback" not in output
    if lang == "en":
        assert "NOT SAVED: audit" in output and "it was finalised" in output
        assert "Your input for R02 was not stored" in output and "this wizard stops" in output
        assert "Saved." not in output
    else:
        assert "未保存：稽核" in output and "已被定稿" in output and "您对 R02 的输入没有保存" in output
        assert "已保存" not in output
    audit = stored(ws)
    assert audit.status is AuditStatus.FINALISED and set(audit.answers) == {"R01"}  # R02 was never stored


@pytest.mark.slow
def test_edited_elsewhere_shows_the_stored_answer_then_a_deliberate_retry_is_saved(ws):
    child = spawn(ws)
    child.expect_exact("R01> ")
    child.sendline("y")
    child.expect_exact("R02> ")
    other_process(ws, lambda repo, audit_id: repo.save_answer(audit_id, Answer("R02", "no")))
    child.sendline("y")
    child.expect_exact("NOT SAVED")
    child.expect_exact("changed items R02")
    child.expect_exact("Your input for R02 was not stored")
    child.expect_exact("current answer: no")  # the item is asked again showing what is stored, not what was typed
    child.expect_exact("R02> ")
    child.sendline("y")  # typed again, deliberately, after seeing the stored answer: saved
    child.expect_exact("R03> ")
    child.sendline("q")
    output = finish(child)
    assert "Saved. Continue later with:" in output and child.exitstatus == 0
    assert {k: a.value for k, a in stored(ws).answers.items()} == {"R01": "yes", "R02": "yes"}


@pytest.mark.slow
def test_quitting_after_a_refusal_says_what_was_not_saved(ws):
    child = spawn(ws)
    child.expect_exact("R01> ")
    child.sendline("y")
    child.expect_exact("R02> ")
    other_process(ws, lambda repo, audit_id: repo.save_answer(audit_id, Answer("R03", "yes")))
    child.sendline("y")
    child.expect_exact("changed items R03")
    child.expect_exact("R02> ")
    child.sendline("q")
    output = finish(child)
    assert "Not everything was saved: 1 input(s) were refused" in output and "Saved." not in output
    assert child.exitstatus == 1
    assert {k: a.value for k, a in stored(ws).answers.items()} == {"R01": "yes", "R03": "yes"}


def test_the_repository_refuses_a_stale_token_inside_the_transaction(repo, mini_standard, sample_dealers, make_audit):
    repo.save_standard(mini_standard)
    repo.save_dealers(sample_dealers)
    audit = make_audit(status=AuditStatus.DRAFT, answers={})
    repo.save_audit(audit)
    mine = DraftStore(repo, audit.audit_id)
    theirs = DraftStore(repo, audit.audit_id)
    after_theirs = theirs.save_answer(Answer("R01", "no"))
    with pytest.raises(DraftChanged) as refused:
        mine.save_answer(Answer("R01", "yes"))
    assert refused.value.current == after_theirs and refused.value.changed_items(audit) == ["R01"]
    assert repo.get_audit(audit.audit_id).answers["R01"].value == "no"  # nothing of mine was stored
    assert mine.token == theirs.token == draft_token(after_theirs) == repo.draft_token(audit.audit_id)
    with pytest.raises(DraftChanged):  # finalising a version I have not seen is refused too
        DraftStore(repo, audit.audit_id, token=draft_token(audit)).finalise("Li")
    assert not repo.get_audit(audit.audit_id).is_final
    assert mine.save_answer(Answer("R01", "yes")).answers["R01"].value == "yes"  # after seeing it: allowed


def test_a_replacing_import_counts_as_a_change(repo, mini_standard, sample_dealers, make_audit):
    repo.save_standard(mini_standard)
    repo.save_dealers(sample_dealers)
    audit = make_audit(status=AuditStatus.DRAFT)
    repo.save_audit(audit)
    store = DraftStore(repo, audit.audit_id)
    replaced = audit.with_answer(Answer("R03", "yes"))
    repo.save_audit(replaced, replace=True, who="HQ", why="corrected file")
    with pytest.raises(DraftChanged, match="was changed by someone else"):
        store.save_answer(Answer("R04", 2))


def test_the_session_shows_only_what_was_stored(standard, draft, ev_dealer):
    """A save that raises DraftChanged leaves the session on the stored audit, never on the refused answer."""
    from dealer_audit.capture.session import CaptureSession

    elsewhere = draft.with_answer(Answer("R01", "no"))

    def refuse(answer: Answer) -> Audit:
        raise DraftChanged(draft.audit_id, "1:old", "1:new", elsewhere)

    session = CaptureSession(standard, draft, ev_dealer, save=refuse)
    with pytest.raises(DraftChanged) as refused:
        session.answer("y")
    assert session.answer_of("R01") == elsewhere.answers["R01"]  # the stored "no", not the typed "yes"
    assert [a.value for a in session.refused] == ["yes"] and refused.value.items == ["R01"]
    assert not refused.value.finalised

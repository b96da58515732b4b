"""The real thing: `python -m dealer_audit capture` in a pseudo-terminal, killed with SIGKILL and resumed.

The guarantee under test: once the wizard shows the next prompt, everything typed before is in the database,
so a kill (crash, closed lid, flat battery) loses nothing and `--resume` continues at the right item.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pexpect
import pytest

from dealer_audit.core.answers import AuditStatus
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import LocalText
from dealer_audit.formats.standard_yaml import load_standard
from dealer_audit.storage.workspace import Workspace

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini_standard.yaml"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
ROOT = Path(__file__).parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")]


@pytest.fixture
def workspace(tmp_path):
    ws = Workspace.init(tmp_path / "ws", language="en")
    ws.repo.save_standard(load_standard(FIXTURE))
    ws.repo.save_dealers(
        [Dealer("SH001", LocalText("上海一店", "Shanghai One"), "east", attributes={"has_ev_service": True})]
    )
    ws.close()
    return tmp_path / "ws"


def spawn(workspace: Path, *extra: str) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "110", "LINES": "40", "PYTHONPATH": str(ROOT)}
    env.pop("DEALER_AUDIT_DB", None)
    args = ["-m", "dealer_audit", "capture", "--dealer", "SH001", "--standard", "mini-service", "--wave", "2026-Q4"]
    args += ["--auditor", "王芳", "--lang", "en", "--workspace", str(workspace), *extra]
    return pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=30, dimensions=(40, 110))


def answers_in_db(workspace: Path):
    with Workspace.open(workspace) as ws:
        (audit,) = ws.repo.list_audits(dealer_code="SH001")
        return audit


def step(child: pexpect.spawn, prompt: str, reply: str) -> None:
    child.expect_exact(prompt)
    child.sendline(reply)


def kill(child: pexpect.spawn) -> None:
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL


def test_kill_and_resume_loses_nothing(workspace, tmp_path):
    photo = tmp_path / "job-card.jpg"
    photo.write_bytes(JPEG)

    # run 1: a failed critical item; killed while the photo is being asked for (the note is already saved)
    child = spawn(workspace)
    step(child, "R01> ", "n")
    step(child, "R01 note> ", "paper job card, no tablet")
    child.expect_exact("R01 photo> ")
    kill(child)
    audit = answers_in_db(workspace)
    assert audit.status is AuditStatus.DRAFT and audit.auditor == "王芳"
    assert audit.answers["R01"].value == "no" and audit.answers["R01"].note == "paper job card, no tablet"
    assert audit.answers["R01"].evidence == ()

    # a second start without --resume refuses to open a duplicate draft
    child = spawn(workspace)
    child.expect("already has a draft")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1

    # run 2: resumes at R01's owed photo, answers on, killed at W03
    child = spawn(workspace, "--resume")
    child.expect_exact(f"Resuming audit {audit.audit_id} (1 answered)")
    step(child, "R01 photo> ", str(photo))
    step(child, "R02> ", "a")
    step(child, "R03> ", "maybe")  # refused, asked again
    child.expect_exact("answer y (yes) or n (no)")
    step(child, "R03> ", "n")
    step(child, "R04> ", "7")
    step(child, "W01> ", "wait")
    step(child, "W02> ", "4")
    child.expect_exact("W03> ")
    kill(child)
    audit = answers_in_db(workspace)
    assert {k: (a.value, a.na) for k, a in audit.answers.items()} == {
        "R01": ("no", False),
        "R02": (None, True),
        "R03": ("no", False),
        "R04": (7, False),
        "W01": ("wait", False),
        "W02": (4, False),
    }
    (evidence,) = audit.answers["R01"].evidence
    assert evidence.file_name == "job-card.jpg" and evidence.media_type == "image/jpeg"
    stored = list((workspace / "evidence").glob(f"{evidence.sha256}*"))
    assert [p.read_bytes() for p in stored] == [JPEG]

    # run 3: continues at W03 (first unanswered visible item), finishes and finalises
    child = spawn(workspace, "--resume")
    step(child, "W03> ", "1,2")
    step(child, "W04> ", "y")
    step(child, "W05> ", "s")
    step(child, "W06> ", "+n courtesy car offered")
    step(child, "W06> ", "y")
    step(child, "W07> ", "friendly advisor")
    child.expect_exact("Preliminary score")
    step(child, "Finalise the audit now? (y/n)", "y")
    child.expect_exact("finalised")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    audit = answers_in_db(workspace)
    assert audit.status is AuditStatus.FINALISED
    assert audit.answers["W03"].value == ("wifi", "drinks") and audit.answers["W06"].note == "courtesy car offered"
    assert audit.answers["W07"].value == "friendly advisor" and "W05" not in audit.answers
    assert len(audit.answers) == 10

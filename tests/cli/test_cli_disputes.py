"""`dealer-audit disputes …` end to end: issue, file (in time, late, twice), rule (overturn moves the score, one
ruling stands), rates; and two HQ users ruling the same dispute at once on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.core.answers import Answer
from dealer_audit.core.disputes import DisputeStatus
from dealer_audit.errors import Conflict
from dealer_audit.services.disputes import file_dispute, issue_reports, rule_dispute
from dealer_audit.storage.repository import Repository

AUDIT = "0f6a3c1e-1d1b-4c44-9d5e-000000000001"


@pytest.fixture
def runner() -> CliRunner:
    console.reset_for_tests(200)
    return CliRunner()


@pytest.fixture
def disputed_workspace(workspace: Any, make_audit: Any) -> Any:
    # SH002 failed R03 ("yes": asked to repeat booking data) in Q4; BJ001 is fine
    workspace.repo.save_audit(make_audit(audit_id=AUDIT, dealer_code="SH002").with_answer(Answer("R03", "yes")))
    workspace.repo.save_audit(make_audit(dealer_code="BJ001", auditor="李强"))
    return workspace


def run(runner: CliRunner, ws: Any, *args: str) -> Any:
    """In English (the workspace is zh); the refusals' Chinese: tests/cli/test_cli_error_language_services.py."""
    return runner.invoke(app, [*args, "--workspace", str(ws.root)], env={"DEALER_AUDIT_LANG": "en"})


def sh002_composite(runner: CliRunner, ws: Any) -> float:
    data = json.loads(run(runner, ws, "score", "--wave", "2026-Q4", "--json").output)
    return next(d["composite"] for d in data["dealers"] if d["code"] == "SH002")


def test_dispute_lifecycle(runner: CliRunner, disputed_workspace: Any) -> None:
    ws = disputed_workspace
    file = ["disputes", "file", "--audit", AUDIT[:8], "--item", "R03", "--reason", "客户未被要求重复提供信息"]
    early = run(runner, ws, *file, "--on", "2026-12-02")
    assert early.exit_code == 1 and "has not been issued to the dealer yet" in early.output

    result = run(runner, ws, "disputes", "issue", "--wave", "2026-Q4", "--on", "2026-12-01", "--who", "HQ")
    assert result.exit_code == 0 and "issued on 2026-12-01 to 2 dealer(s)" in result.output
    again = run(runner, ws, "disputes", "issue", "--wave", "2026-Q4", "--on", "2026-12-20")
    assert "to 0 dealer(s); 2 already issued earlier" in again.output  # the window does not restart

    late = run(runner, ws, *file, "--on", "2026-12-16")
    assert late.exit_code == 1
    assert "too late: the report was issued on 2026-12-01" in late.output and "on 2026-12-15" in late.output

    passed = run(
        runner, ws, "disputes", "file", "--audit", AUDIT, "--item", "R01", "--reason", "x", "--on", "2026-12-02"
    )
    assert passed.exit_code == 1 and "did not fail" in passed.output

    cctv = ws.root / "cctv still.png"
    cctv.write_bytes(b"\x89PNG\r\n\x1a\n" + b"frame" * 50)
    result = run(runner, ws, *file, "--on", "2026-12-15", "--who", "SH002 经理", "--evidence", str(cctv))
    assert result.exit_code == 0, result.output
    dispute_id = f"{AUDIT}/R03/1"
    assert f"filed dispute {dispute_id}" in result.output
    (kept,) = ws.repo.get_dispute(dispute_id).evidence  # copied into the evidence store, named by content
    assert kept.file_name == "cctv still.png" and kept.sha256 == hashlib.sha256(cctv.read_bytes()).hexdigest()
    assert any(p.name.startswith(kept.sha256) for p in ws.evidence_dir.iterdir())
    twice = run(runner, ws, *file, "--on", "2026-12-15")
    assert twice.exit_code == 1 and "already disputed" in twice.output

    assert run(runner, ws, "actions", "generate", "--wave", "2026-Q4").exit_code == 0
    action_id = "2026-Q4/SH002/mini-service/R03"
    assert ws.repo.get_action(action_id).status.value == "open"
    before = sh002_composite(runner, ws)
    result = run(runner, ws, "disputes", "rule", dispute_id, "--ruling", "overturned", "--why", "录像显示未重复询问",
                 "--who", "HQ 张")  # fmt: skip
    assert result.exit_code == 0, result.output
    after = sh002_composite(runner, ws)
    assert after > before  # R03 now passes: the score moved

    audit = ws.repo.get_audit(AUDIT)
    assert audit.answer("R03").value == "no" and audit.revision == 2
    trail = ws.repo.audit_trail(AUDIT)[-1]
    assert (trail.who, trail.action, trail.details) == ("HQ 张", "answer_changed", 'R03: "yes" → "no"')
    assert trail.why == f"dispute {dispute_id} overturned: 录像显示未重复询问"
    # the finding is gone, so is its action (closed with the dispute in its trail)
    assert ws.repo.get_action(action_id).status.value == "verified"
    assert ws.repo.action_trail(action_id)[-1].source == f"dispute {dispute_id} overturned"

    second = run(runner, ws, "disputes", "rule", dispute_id, "--ruling", "upheld", "--why", "no")
    assert second.exit_code == 1 and "already ruled overturned by HQ 张" in second.output
    assert ws.repo.get_audit(AUDIT).revision == 2

    # every report marks the item: the dealer PDF and the dealer workbook
    out = ws.root / "out"
    result = run(runner, ws, "report", "dealer", "SH002", "--wave", "2026-Q4", "--lang", "en", "--xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(next(out.rglob("SH002*.pdf"))).pages)
    assert "overturned" in text
    items = load_workbook(next(out.rglob("SH002*.xlsx")))["Items"]
    header = [c.value for c in items[1]]
    rows = {r[3]: r for r in items.iter_rows(min_row=2, values_only=True)}
    assert rows["R03"][header.index("Dispute")] == "overturned" and rows["R04"][header.index("Dispute")] is None

    listed = run(runner, ws, "disputes", "list", "--status", "overturned")
    assert "1 dispute(s)" in listed.output and "HQ 张" in listed.output
    rates = run(runner, ws, "disputes", "rates", "--wave", "2026-Q4")
    line = next(line for line in rates.output.splitlines() if "王芳" in line)
    cells = [c.strip() for c in line.split("│")[1:-1]]
    # 王芳's findings as captured: R03 (overturned) plus R04 and W02 still failed = 3; 1 disputed, 1 overturned
    assert cells == ["王芳", "3", "1", "33.3%", "1", "1", "100.0%"]

    # the HQ workbook lists the dispute and the same rates (calibration input)
    hq = ws.root / "hq.xlsx"
    assert run(runner, ws, "consolidate", "--wave", "2026-Q4", "--lang", "en", "-o", str(hq)).exit_code == 0
    sheet = load_workbook(hq)["Disputes"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == dispute_id and rows[0][8] == "overturned" and rows[0][9] == "HQ 张"
    wang = next(r for r in rows if r[:2] == ("auditor", "王芳"))
    assert wang[2:8] == (3, 1, pytest.approx(1 / 3), 1, 1, 1)


def test_overturning_a_non_yes_no_item_needs_the_value(runner: CliRunner, disputed_workspace: Any) -> None:
    ws = disputed_workspace
    run(runner, ws, "disputes", "issue", "--wave", "2026-Q4", "--on", "2026-12-01")
    from datetime import datetime

    dispute = file_dispute(ws.repo, AUDIT, "R04", "waited 1 minute", now=datetime(2026, 12, 3, 9).astimezone())
    result = run(runner, ws, "disputes", "rule", dispute.dispute_id, "--ruling", "overturned", "--why", "clock")
    assert result.exit_code == 1 and "needs the corrected answer: --value" in result.output
    result = run(runner, ws, "disputes", "rule", dispute.dispute_id, "--ruling", "overturned", "--why", "clock",
                 "--value", "1")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert ws.repo.get_audit(AUDIT).answer("R04").value == 1


def test_two_rulings_at_once_exactly_one_stands(db_url: str, loaded_repo: Any, make_audit: Any) -> None:
    """Two HQ users (threads, each with its own repository and connection) rule the same dispute at the same
    time, both having read version 1: one ruling is stored, the other gets a Conflict naming who ruled."""
    from datetime import date, datetime

    loaded_repo.save_audit(make_audit(audit_id=AUDIT, dealer_code="SH002").with_answer(Answer("R03", "yes")))
    issue_reports(loaded_repo, "2026-Q4", date(2026, 12, 1))
    dispute = file_dispute(loaded_repo, AUDIT, "R03", "reason", now=datetime(2026, 12, 2, 9).astimezone())
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def rule(who: str, ruling: DisputeStatus) -> None:
        repo = Repository.open(db_url)
        try:
            barrier.wait()
            rule_dispute(repo, dispute.dispute_id, ruling, who=who, why=f"{who} decided", read_version=1)
            outcomes[who] = "stored"
        except Conflict as error:
            outcomes[who] = str(error)
        finally:
            repo.close()

    threads = [
        threading.Thread(target=rule, args=("HQ 张", DisputeStatus.OVERTURNED)),
        threading.Thread(target=rule, args=("HQ 李", DisputeStatus.UPHELD)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [who for who, outcome in outcomes.items() if outcome == "stored"]
    assert len(winners) == 1, outcomes
    loser = next(who for who in outcomes if who not in winners)
    assert f"by {winners[0]}" in outcomes[loser]  # the other is told who ruled
    stored = loaded_repo.get_dispute(dispute.dispute_id)
    assert stored.ruled_by == winners[0] and stored.version == 2
    audit = loaded_repo.get_audit(AUDIT)
    # an overturn revised the answer exactly once; an upheld ruling left it alone
    assert (audit.revision, audit.answer("R03").value) == ((2, "no") if winners == ["HQ 张"] else (1, "yes"))

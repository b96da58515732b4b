"""core/disputes.py: the window, one ruling, rates; the program file's disputes.window_days."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from dealer_audit.core.disputes import (
    DEFAULT_WINDOW_DAYS,
    Dispute,
    DisputeStatus,
    dispute_rates,
    ruling_problem,
    window_days,
    window_problem,
)
from dealer_audit.core.standard_codec import program_from_dict, program_to_dict
from dealer_audit.errors import ValidationFailed


def test_window_counts_days_from_the_issue_date() -> None:
    issued = date(2026, 12, 1)
    assert window_problem(issued, 14, date(2026, 12, 1)) is None
    assert window_problem(issued, 14, date(2026, 12, 15)) is None  # the last day is in
    late = window_problem(issued, 14, date(2026, 12, 16))
    assert late is not None and "2026-12-01" in late and "2026-12-15" in late and "2026-12-16" in late
    assert "before the report was issued" in (window_problem(issued, 14, date(2026, 11, 30)) or "")
    assert "not been issued" in (window_problem(None, 14, date(2026, 12, 2)) or "")
    assert window_problem(issued, 0, date(2026, 12, 1)) is None  # window 0: the issue day only
    assert window_problem(issued, 0, date(2026, 12, 2)) is not None


def test_program_file_sets_the_window(mini_program: Any) -> None:
    assert window_days(mini_program) == DEFAULT_WINDOW_DAYS
    data = program_to_dict(mini_program)
    assert "disputes" not in data  # programs without the key keep their content hash
    data["disputes"] = {"window_days": 21}
    program = program_from_dict(data)
    assert window_days(program) == 21 and program_to_dict(program)["disputes"] == {"window_days": 21}
    data["disputes"] = {"window_days": -3}
    with pytest.raises(ValidationFailed, match="window_days"):
        program_from_dict(data)


def dispute(**fields: Any) -> Dispute:
    base = Dispute("a/R01/1", "a", "SH001", "2026-Q4", "s", "R01", "王芳", "reason", datetime(2026, 12, 2))
    return replace(base, **fields)


def test_one_ruling_stands() -> None:
    assert ruling_problem(dispute(), DisputeStatus.OVERTURNED) is None
    ruled = dispute(status=DisputeStatus.UPHELD, ruled_by="HQ 李", ruled_at=datetime(2026, 12, 3, 10, 0))
    problem = ruling_problem(ruled, DisputeStatus.OVERTURNED)
    assert problem is not None and "already ruled upheld by HQ 李" in problem
    assert ruling_problem(dispute(), DisputeStatus.OPEN) is not None


def test_rates_per_auditor_and_item() -> None:
    findings = [("王芳", "s", "R01")] * 4 + [("王芳", "s", "R03")] * 6 + [("李强", "s", "R01")] * 5
    disputes = [
        dispute(dispute_id="1", auditor="王芳", status=DisputeStatus.OVERTURNED),
        dispute(dispute_id="2", auditor="王芳", status=DisputeStatus.UPHELD),
        dispute(dispute_id="3", auditor="王芳"),  # open: disputed, not ruled
        dispute(dispute_id="4", auditor="李强", status=DisputeStatus.UPHELD),
    ]
    by_auditor, by_item = dispute_rates(findings, disputes)
    wang = next(r for r in by_auditor if r.key == "王芳")
    assert (wang.failed, wang.disputed, wang.ruled, wang.overturned) == (10, 3, 2, 1)
    assert wang.dispute_rate == pytest.approx(0.3) and wang.overturn_rate == pytest.approx(0.5)
    li = next(r for r in by_auditor if r.key == "李强")
    assert li.dispute_rate == pytest.approx(0.2) and li.overturn_rate == 0.0
    r01 = next(r for r in by_item if r.key == "s/R01")
    assert (r01.failed, r01.disputed, r01.overturned) == (9, 4, 1)
    r03 = next(r for r in by_item if r.key == "s/R03")
    assert r03.disputed == 0 and r03.overturn_rate is None

"""`dealer-audit report dealer|region|all` and `dealer-audit consolidate` on a SQLite workspace (mini standard)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.core.answers import Answer
from dealer_audit.services import reporting


@pytest.fixture
def runner() -> CliRunner:
    console.reset_for_tests(200)
    return CliRunner()


@pytest.fixture
def ws(workspace: Any, make_audit: Any) -> Any:
    repo = workspace.repo
    repo.save_audit(make_audit(audit_id="a-sh001"))
    failing = make_audit(audit_id="a-sh002", dealer_code="SH002")
    answers = {k: v for k, v in failing.answers.items() if k != "W04"}
    answers["R01"] = Answer("R01", "no", note='=HYPERLINK("x") & <b>')
    repo.save_audit(replace(failing, answers=answers))
    repo.save_audit(make_audit(audit_id="a-bj001", dealer_code="BJ001"))
    return workspace


def invoke(runner: CliRunner, ws: Any, *args: str) -> Any:
    return runner.invoke(app, [*args, "--workspace", str(ws.root)])


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_report_dealer_writes_pdf_and_workbook(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        runner, ws, "report", "dealer", "SH002", "--wave", "2026-Q4", "--lang", "en", "--xlsx", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    pdf = out / "2026-Q4" / "dealers" / "SH002_2026-Q4_en.pdf"
    xlsx = pdf.with_suffix(".xlsx")
    assert str(pdf) in result.output and pdf.is_file() and xlsx.is_file()
    text = text_of(pdf)
    assert "Shanghai Minhang" in text and "上海闵行4S店" in text
    assert '=HYPERLINK("x") & <b>' in text
    wb = openpyxl.load_workbook(xlsx)
    notes = [c for row in wb["Items"].iter_rows() for c in row if c.value == '=HYPERLINK("x") & <b>']
    assert notes and notes[0].data_type == "s"


def test_report_dealer_default_language_is_the_workspace_one(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    result = invoke(runner, ws, "report", "dealer", "SH001", "--wave", "2026-Q4", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "2026-Q4" / "dealers" / "SH001_2026-Q4_zh.pdf"
    assert "经销商服务稽核报告" in text_of(pdf)


def test_report_dealer_to_a_named_file(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    """`-o x.xlsx` writes only the workbook there; `-o x.pdf --xlsx` writes the PDF and a workbook beside it."""
    only_workbook = tmp_path / "sub" / "sh001.xlsx"
    result = invoke(runner, ws, "report", "dealer", "SH001", "--wave", "2026-Q4", "-o", str(only_workbook))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in only_workbook.parent.iterdir()) == ["sh001.xlsx"]
    both = tmp_path / "both" / "sh001.pdf"
    result = invoke(runner, ws, "report", "dealer", "SH001", "--wave", "2026-Q4", "--xlsx", "-o", str(both))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in both.parent.iterdir()) == ["sh001.pdf", "sh001.xlsx"]
    assert "经销商服务稽核报告" in text_of(both)


def test_unknown_dealer_is_a_message_not_a_traceback(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    result = invoke(runner, ws, "report", "dealer", "SH0001", "--wave", "2026-Q4", "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "no dealer SH0001 in wave 2026-Q4" in result.output and "SH001" in result.output
    assert "Traceback" not in result.output


def test_bad_language_is_refused(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    result = invoke(runner, ws, "report", "dealer", "SH001", "--wave", "2026-Q4", "--lang", "fr", "-o", str(tmp_path))
    assert result.exit_code == 1 and "--lang must be zh or en" in result.output


def test_report_region(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    result = invoke(runner, ws, "report", "region", "east", "--wave", "2026-Q4", "--lang", "en", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    text = text_of(tmp_path / "2026-Q4" / "regions" / "region_east_2026-Q4_en.pdf")
    assert "League table" in text and "SH001" in text and "SH002" in text and "BJ001" not in text


def test_report_all_renders_everything_in_parallel(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    result = invoke(runner, ws, "report", "all", "--wave", "2026-Q4", "--xlsx", "--jobs", "2", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    wave = tmp_path / "2026-Q4"
    assert sorted(p.name for p in (wave / "dealers").glob("*.pdf")) == [
        "BJ001_2026-Q4_zh.pdf", "SH001_2026-Q4_zh.pdf", "SH002_2026-Q4_zh.pdf"]  # fmt: skip
    assert len(list((wave / "dealers").glob("*.xlsx"))) == 3
    assert sorted(p.name for p in (wave / "regions").glob("*.pdf")) == [
        "region_east_2026-Q4_zh.pdf", "region_north_2026-Q4_zh.pdf"]  # fmt: skip
    assert (wave / "network_2026-Q4.xlsx").is_file()
    assert "file(s) written" in result.output


def test_one_dealer_failing_does_not_stop_the_others(
    runner: CliRunner, ws: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = reporting._write_dealer

    def flaky(context: Any, code: str, *args: Any, **kwargs: Any) -> list[Path]:
        if code == "SH001":
            raise RuntimeError("disk on fire")
        return real(context, code, *args, **kwargs)

    monkeypatch.setattr(reporting, "_write_dealer", flaky)
    result = invoke(runner, ws, "report", "all", "--wave", "2026-Q4", "--jobs", "1", "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "SH001: RuntimeError: disk on fire" in result.output
    dealers = tmp_path / "2026-Q4" / "dealers"
    assert sorted(p.name for p in dealers.glob("*.pdf")) == ["BJ001_2026-Q4_zh.pdf", "SH002_2026-Q4_zh.pdf"]
    assert len(list((tmp_path / "2026-Q4" / "regions").glob("*.pdf"))) == 2


def test_consolidate_writes_the_hq_workbook(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    target = tmp_path / "hq.xlsx"
    result = invoke(runner, ws, "consolidate", "--wave", "2026-Q4", "--waves", "2026-Q3", "-o", str(target))
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(target, data_only=True)
    assert wb.sheetnames == ["README", "Dealers", "Sections", "Items", "Calibration", "Audits", "Answers"]
    header = [c.value for c in wb["Dealers"][1]]
    assert "Service Experience Index 2026-Q3" in header
    codes = [r[0] for r in wb["Dealers"].iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == ["BJ001", "SH001", "SH002"]
    answers = list(wb["Answers"].iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in answers} == {"a-sh001", "a-sh002", "a-bj001"}


def test_commands_have_help(runner: CliRunner) -> None:
    for args in (["report", "--help"], ["report", "dealer", "--help"], ["report", "all", "--help"],
                 ["consolidate", "--help"]):  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage" in result.output

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


def test_report_dealer_scores_once_for_several_dealers(
    runner: CliRunner, ws: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = reporting.prepare_wave

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(reporting, "prepare_wave", counting)
    result = invoke(runner, ws, "report", "dealer", "SH001", "BJ001", "--wave", "2026-Q4", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert calls == ["2026-Q4"]
    dealers = tmp_path / "2026-Q4" / "dealers"
    assert sorted(p.name for p in dealers.glob("*.pdf")) == ["BJ001_2026-Q4_zh.pdf", "SH001_2026-Q4_zh.pdf"]
    typo = invoke(
        runner,
        ws,
        "report",
        "dealer",
        "SH002",
        "SH0001",
        "--wave",
        "2026-Q4",
        "--lang",
        "en",
        "-o",
        str(tmp_path / "t"),
    )
    assert typo.exit_code == 1 and "no dealer SH0001" in typo.stderr
    assert not (tmp_path / "t").exists()  # nothing written when one code is wrong


def test_unknown_dealer_is_a_message_not_a_traceback(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    result = invoke(runner, ws, "report", "dealer", "SH0001", "--wave", "2026-Q4", "--lang", "en", "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "no dealer SH0001 in wave 2026-Q4" in result.output and "SH001" in result.output
    chinese = invoke(runner, ws, "report", "dealer", "SH0001", "--wave", "2026-Q4", "-o", str(tmp_path))
    assert chinese.exit_code == 1 and "稽核批次 2026-Q4 中没有经销商 SH0001；是否应为 SH001" in chinese.output
    assert "Traceback" not in result.output


def test_bad_language_is_refused(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    result = invoke(runner, ws, "report", "dealer", "SH001", "--wave", "2026-Q4", "--lang", "fr", "-o", str(tmp_path))
    assert result.exit_code == 2 and "use zh or en, not 'fr'" in result.output  # a usage error, like click's


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
    assert "已写入 9 个文件（" in result.output  # 3 PDFs, 3 workbooks, 2 regions, HQ: in the workspace's language


def test_report_all_for_a_region_and_a_dealer_list(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    result = invoke(
        runner, ws, "report", "all", "--wave", "2026-Q4", "--region", "east", "--jobs", "1", "-o", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    wave = tmp_path / "2026-Q4"
    assert sorted(p.name for p in (wave / "dealers").glob("*.pdf")) == ["SH001_2026-Q4_zh.pdf", "SH002_2026-Q4_zh.pdf"]
    assert [p.name for p in (wave / "regions").glob("*.pdf")] == ["region_east_2026-Q4_zh.pdf"]
    assert not (wave / "network_2026-Q4.xlsx").exists()  # the HQ workbook is the whole network's
    listed = tmp_path / "mine.csv"
    listed.write_text("code,name\nBJ001,Beijing\n# not this one\nSH002,x\n", encoding="utf-8")
    other = tmp_path / "other"
    result = invoke(runner, ws, "report", "all", "--wave", "2026-Q4", "--dealers", str(listed), "-o", str(other))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (other / "2026-Q4" / "dealers").glob("*.pdf")) == [
        "BJ001_2026-Q4_zh.pdf", "SH002_2026-Q4_zh.pdf"]  # fmt: skip
    assert not (other / "2026-Q4" / "regions").exists()
    codes = invoke(runner, ws, "report", "all", "--wave", "2026-Q4", "--dealers", "SH001", "--region", "north",
                   "-o", str(tmp_path / "third"))  # fmt: skip
    assert codes.exit_code == 0, codes.output
    assert sorted(p.name for p in (tmp_path / "third" / "2026-Q4" / "dealers").glob("*.pdf")) == [
        "BJ001_2026-Q4_zh.pdf", "SH001_2026-Q4_zh.pdf"]  # fmt: skip
    unknown = invoke(runner, ws, "report", "all", "--wave", "2026-Q4", "--region", "eats", "--dealers", "SH01",
                     "-o", str(tmp_path / "none"))  # fmt: skip
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output
    assert "稽核批次 2026-Q4 中没有区域 eats（是否应为 east？）" in unknown.stderr  # the zh workspace
    assert "稽核批次 2026-Q4 中没有经销商 SH01" in unknown.stderr
    english = invoke(runner, ws, "report", "all", "--wave", "2026-Q4", "--region", "eats", "--dealers", "SH01",
                     "--lang", "en", "-o", str(tmp_path / "none"))  # fmt: skip
    assert "no region eats in wave 2026-Q4 (did you mean east?)" in english.stderr
    assert "no dealer SH01 in wave 2026-Q4" in english.stderr
    assert not (tmp_path / "none").exists()


def test_report_all_names_the_workbook_and_shows_its_progress(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    args = ("report", "all", "--wave", "2026-Q4", "--jobs", "1", "-o", str(tmp_path), "--lang", "en")
    result = invoke(runner, ws, *args)  # the workspace speaks zh; this test reads the English lines
    assert result.exit_code == 0, result.output
    workbook = tmp_path / "2026-Q4" / "network_2026-Q4.xlsx"
    assert f"HQ workbook: {workbook}" in result.stdout
    assert f"HQ workbook {workbook}: done" in result.stderr.replace("\n", "")
    target = tmp_path / "hq.xlsx"
    result = invoke(runner, ws, "consolidate", "--wave", "2026-Q4", "-o", str(target), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert f"HQ workbook written: {target}" in result.stdout
    assert f"HQ workbook {target}: done" in result.stderr.replace("\n", "")


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
    result = invoke(
        runner, ws, "consolidate", "--wave", "2026-Q4", "--waves", "2026-Q3", "--lang", "en", "-o", str(target)
    )
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(target, data_only=True)
    assert wb.sheetnames == [
        "README",
        "Dealers",
        "Sections",
        "Items",
        "Calibration",
        "Coverage",
        "Audits",
        "Answers",
        "Key drivers",
        "Themes",
    ]
    header = [c.value for c in wb["Dealers"][1]]
    assert "Service Experience Index 2026-Q3" in header
    codes = [r[0] for r in wb["Dealers"].iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == ["BJ001", "SH001", "SH002"]
    answers = list(wb["Answers"].iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in answers} == {"a-sh001", "a-sh002", "a-bj001"}


def test_hq_workbook_follows_the_report_language(runner: CliRunner, ws: Any, tmp_path: Path) -> None:
    from dealer_audit.core.report_model import LABELS

    assert all(set(entry) == {"en", "zh"} and all(entry.values()) for entry in LABELS.values())
    zh = tmp_path / "zh.xlsx"  # default: the workspace language (zh)
    assert invoke(runner, ws, "consolidate", "--wave", "2026-Q4", "-o", str(zh)).exit_code == 0
    en = tmp_path / "en.xlsx"
    assert invoke(runner, ws, "consolidate", "--wave", "2026-Q4", "--lang", "en", "-o", str(en)).exit_code == 0
    books = {lang: openpyxl.load_workbook(path) for lang, path in (("zh", zh), ("en", en))}
    assert books["zh"].sheetnames == books["en"].sheetnames  # formulas and scripts refer to the sheet names
    dealers = {lang: [c.value for c in wb["Dealers"][1]] for lang, wb in books.items()}
    assert dealers["zh"][:4] == ["经销商", "名称（中文）", "名称（英文）", "区域"]
    assert dealers["en"][:4] == ["Dealer", "Name (zh)", "Name (en)", "Region"]
    assert "区域排名" in dealers["zh"] and "mini-service 指数" in dealers["zh"]
    for sheet in ("Answers", "Audits", "Sections", "Items"):
        zh_header = [c.value for c in books["zh"][sheet][1]]
        en_header = [c.value for c in books["en"][sheet][1]]
        changed = [z for z, e in zip(zh_header, en_header, strict=True) if z != e]
        assert len(changed) >= len(zh_header) // 2, sheet  # not one header: the sheet's own columns
    readme = {lang: [c.value for row in wb["README"].iter_rows() for c in row if c.value] for lang, wb in books.items()}
    assert "达标率" not in " ".join(map(str, readme["en"])) and "Compliance rate" not in " ".join(
        map(str, readme["zh"])
    )
    assert any("每家经销商一行" in str(v) for v in readme["zh"])
    assert "稽核方案" in readme["zh"] and "Program" in readme["en"]
    # report all writes the workbook in the batch's language, beside the PDFs
    out = tmp_path / "all"
    assert invoke(runner, ws, "report", "all", "--wave", "2026-Q4", "--jobs", "1", "-o", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out / "2026-Q4" / "network_2026-Q4.xlsx")
    assert book["Dealers"]["A1"].value == "经销商"


def test_commands_have_help(runner: CliRunner) -> None:
    for args in (["report", "--help"], ["report", "dealer", "--help"], ["report", "all", "--help"],
                 ["consolidate", "--help"]):  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage" in result.output

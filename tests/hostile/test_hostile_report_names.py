"""Class 7 of issue 12: dealer and region codes keep to a safe alphabet on import (they name report files), and a
report run never writes two reports to one file, also for codes stored before the check existed."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealer_audit.core.dealers import Dealer, code_problem
from dealer_audit.core.standard import LocalText
from dealer_audit.services.reporting import check_distinct_targets

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.mark.parametrize("code", ["A/B", "A\\B", "A B", "-AB", ".AB", "A:B", "上海01", "A\u00e9B", "A\u200bB"])
def test_unsafe_codes_are_named_with_the_character(code):
    assert code_problem(code) is not None and "(they name report files)" in code_problem(code)


@pytest.mark.parametrize("code", ["SH001", "A_B", "A-B", "A.B", "sh001", "9"])
def test_safe_codes_pass(code):
    assert code_problem(code) is None


def test_dealer_file_with_a_slash_in_a_code_or_region_is_refused_at_its_cell(
    cli, workspace, db_snapshot, assert_refused, tmp_path
):
    workspace.close()
    csv = tmp_path / "dealers.csv"
    csv.write_text("code,name_zh,region\nA/B,甲乙,east\nA_B,甲_乙,east\nC01,丙,east/2\n", encoding="utf-8")
    before = db_snapshot(workspace.db_url)
    result = cli("dealers", "import", "-w", str(workspace.root), str(csv))
    assert_refused(
        result,
        f"{csv}:2: code：经销商代码“A/B”含有字符 '/'",  # the workspace's language (zh)
        f"{csv}:4: region：区域代码“east/2”含有字符 '/'",
    )
    assert ":3:" not in result.output  # A_B itself is a fine code
    assert db_snapshot(workspace.db_url) == before


def test_program_region_code_outside_the_alphabet_is_refused_at_its_line(
    cli, workspace, db_snapshot, assert_refused, tmp_path
):
    workspace.close()
    program = tmp_path / "program.yaml"
    text = (FIXTURES / "mini_program.yaml").read_text(encoding="utf-8").replace("{code: north,", "{code: 'nor th',")
    program.write_text(text, encoding="utf-8")
    line = 1 + text.splitlines().index(next(x for x in text.splitlines() if "nor th" in x))
    before = db_snapshot(workspace.db_url)
    result = cli("standards", "import", "-w", str(workspace.root), str(program), str(FIXTURES / "mini_standard.yaml"))
    assert_refused(result, f"{program}:{line}", "区域代码“nor th”含有字符 ' '")  # the workspace's language (zh)
    assert db_snapshot(workspace.db_url) == before


def test_a_run_refuses_two_reports_for_one_file_and_writes_nothing(
    cli, workspace, make_audit, assert_refused, tmp_path
):
    """Codes stored before the alphabet check (the repository takes any code the database can hold)."""
    workspace.repo.save_dealers(
        [Dealer("A/B", LocalText("甲乙", "AB one"), "east"), Dealer("A_B", LocalText("甲_乙", "AB two"), "east")]
    )
    workspace.repo.save_audits([make_audit(dealer_code="A/B"), make_audit(dealer_code="A_B")])
    workspace.close()
    out = tmp_path / "reports"
    args = ("report", "all", "-w", str(workspace.root), "--wave", "2026-Q4", "-o", str(out), "--jobs", "1")
    result = cli(*args, lang="en")
    assert_refused(result, "dealer A/B and dealer A_B would both be written to A_B_2026-Q4_en.pdf", "rename one code")
    assert_refused(cli(*args), "经销商 A/B 和 经销商 A_B 的报告都会写入 A_B_2026-Q4_zh.pdf")  # the workspace's zh
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))


def test_file_names_collide_case_insensitively(tmp_path):
    from dealer_audit.errors import Conflict

    with pytest.raises(Conflict, match="dealer SH001 and dealer sh001 would both be written"):
        check_distinct_targets(tmp_path, "2026-Q4", "en", dealers=["SH001", "sh001"])
    check_distinct_targets(tmp_path, "2026-Q4", "en", dealers=["SH001", "SH002"], regions=["SH001"])  # no clash

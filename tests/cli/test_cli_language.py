"""What commands print in their own words (counts, summaries, "written" lines, status lines) is in the user's
language (README, "Language of error messages": `--lang`, DEALER_AUDIT_LANG, the workspace's `[ui] language`):
each command is run in English and in Chinese through the CLI and must say the same thing in that language only.
Data (codes, paths, numbers) is the same in both; `--json` does not change with the language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.core.answers import Answer
from dealer_audit.errors import Conflict, Message
from dealer_audit.services.reporting import RenderFailure, render_failure
from tests.cli.sample_workspace import SAMPLES, build_sample_workspace


def run(*args: str, lang: str | None = None) -> Result:
    """The command with DEALER_AUDIT_LANG=`lang` (None: the workspace's own language decides)."""
    console.reset_for_tests(240)
    return CliRunner().invoke(app, list(args), env={"DEALER_AUDIT_LANG": lang} if lang else {})


def both(*args: str, code: int = 0) -> tuple[str, str]:
    """The output (stdout and stderr) of the same command in English and in Chinese."""
    en, zh = run(*args, lang="en"), run(*args, lang="zh")
    assert en.exit_code == code and zh.exit_code == code, (en.output, zh.output)
    return en.output, zh.output


@pytest.fixture
def mini(workspace: Any, make_audit: Any) -> str:
    """The mini workspace (3 dealers, no KPIs, no plan, no accounts, no auditors) with two audits of 2026-Q4;
    BJ001's fails R03 ("yes": asked to repeat the booking data), a finding to dispute."""
    failed = make_audit(audit_id="a-bj001", dealer_code="BJ001").with_answer(Answer("R03", "yes"))
    workspace.repo.save_audits([make_audit(), failed])
    root = str(workspace.root)
    workspace.close()
    return root


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample network (both waves, double audits and calibration sessions) in an English workspace."""
    return str(build_sample_workspace(tmp_path_factory.mktemp("language"), lang="en"))


# ---- the mini workspace ---------------------------------------------------------------------------------------


def test_report_all_names_the_hq_workbook_in_the_users_language(mini: str, tmp_path: Path) -> None:
    args = ("report", "all", "--wave", "2026-Q4", "--jobs", "1", "-w", mini)
    en = run(*args, "-o", str(tmp_path / "en"), "--lang", "en")
    zh = run(*args, "-o", str(tmp_path / "zh"), "--lang", "zh")
    assert en.exit_code == zh.exit_code == 0, (en.output, zh.output)
    workbook = Path("2026-Q4") / "network_2026-Q4.xlsx"
    assert f"HQ workbook: {tmp_path / 'en' / workbook}" in en.stdout and "总部汇总表" not in en.output
    assert f"总部汇总表：{tmp_path / 'zh' / workbook}" in zh.stdout and "HQ workbook" not in zh.output
    # the status line of the workbook (stderr), its last phase included
    assert "总部汇总表 " in zh.stderr and "完成" in zh.stderr and ": done" not in zh.stderr
    assert ": done" in en.stderr


def test_consolidate_says_it_wrote_the_hq_workbook(mini: str, tmp_path: Path) -> None:
    target = tmp_path / "hq.xlsx"
    en, zh = both("consolidate", "--wave", "2026-Q4", "-o", str(target), "-w", mini)
    assert f"HQ workbook written: {target}" in en
    assert f"已写入总部汇总表：{target}" in zh and "written" not in zh and "scoring the wave" not in zh


def test_an_empty_dispute_list_and_a_filed_dispute(mini: str) -> None:
    en, zh = both("disputes", "list", "-w", mini)
    assert en.strip() == "no disputes" and zh.strip() == "没有申诉"
    # the workspace's own language (zh, the default of `init`) when nothing else is said
    assert run("disputes", "list", "-w", mini).output.strip() == "没有申诉"

    issued = run("disputes", "issue", "--wave", "2026-Q4", "--on", "2026-12-01", "-w", mini, lang="zh")
    assert issued.output.strip() == "批次 2026-Q4：已于 2026-12-01 向 2 家经销商发布报告", issued.output
    again = run("disputes", "issue", "--wave", "2026-Q4", "--on", "2026-12-02", "-w", mini, lang="en")
    assert again.output.strip() == (
        "wave 2026-Q4: reports issued on 2026-12-02 to 0 dealer(s); 2 already issued earlier (their date is kept)"
    )
    filed = run(
        "disputes", "file", "--audit", "a-bj001", "--item", "R03", "--reason", "x", "--on", "2026-12-03", "-w", mini,
        lang="zh",
    )  # fmt: skip
    assert filed.exit_code == 0, filed.output
    assert filed.output.strip() == "已提交申诉 a-bj001/R03/1"  # one language (it was "filed dispute … / 已提交申诉")
    listed = run("disputes", "list", "-w", mini, lang="zh")
    assert listed.output.rstrip().endswith("1 条申诉")


def test_coverage_without_a_plan(mini: str) -> None:
    en, zh = both("coverage", "--wave", "2026-Q4", "--today", "2026-11-01", "-w", mini)
    assert "no plan stored for 2026-Q4: make one with `dealer-audit plan --wave 2026-Q4`" in en
    assert "1 dealer(s) nobody has visited yet:" in en  # SH002: the fixture audits SH001 and BJ001
    assert "批次 2026-Q4 没有存储的走访计划：用 `dealer-audit plan --wave 2026-Q4` 生成" in zh
    assert "1 家经销商尚无人到访" in zh
    # the HQ workbook's Coverage sheet's words (render/xlsx/coverage_sheet.LABELS), not a second vocabulary
    assert "批次 2026-Q4 稽核进度（截至 2026-11-01）" in zh and "全部大区" in zh and "定稿稽核" in zh
    assert "no plan stored" not in zh and "nobody has visited" not in zh


def test_users_and_auditors_when_there_are_none(mini: str) -> None:
    en, zh = both("users", "list", "-w", mini)
    assert en.strip() == "no accounts (serve on 127.0.0.1 needs none)"
    assert zh.strip() == "没有账户（在 127.0.0.1 上运行 serve 无需账户）"
    en, zh = both("auditors", "list", "-w", mini)
    assert en.strip() == "no auditors; load them with `dealer-audit auditors import FILE`"
    assert zh.strip() == "没有稽核员；请用 `dealer-audit auditors import FILE` 导入"


def test_a_program_without_kpis_or_incentives(mini: str) -> None:
    en, zh = both("kpis", "list", "--wave", "2026-Q4", "-w", mini)
    assert "the program defines no KPIs" in en
    assert zh.strip() == "稽核方案未定义 KPI 指标（方案文件中的 kpis: 列表）"
    en, zh = both("incentives", "--wave", "2026-Q4", "-w", mini)
    assert "the program defines no incentive tiers" in en
    assert zh.strip() == "稽核方案未定义返利档位（方案文件中的 incentives: 部分）"


def test_dealers_and_actions_are_counted(mini: str) -> None:
    en, zh = both("dealers", "list", "-w", mini)
    assert en.rstrip().endswith("3 dealer(s)") and zh.rstrip().endswith("3 家经销商")
    en, zh = both("actions", "generate", "--wave", "2026-Q4", "--today", "2026-11-01", "-w", mini)
    assert "wave 2026-Q4: " in en and " new action(s)" in en
    assert "批次 2026-Q4：新增整改项 " in zh and "new action" not in zh
    generated = int(en.rsplit(": ", 1)[1].split()[0])  # the English run generated them; the Chinese one added none
    assert generated > 0 and "新增整改项 0" in zh
    en, zh = both("actions", "list", "-w", mini)
    assert en.rstrip().endswith(f"{generated} action(s)") and zh.rstrip().endswith(f"{generated} 个整改项")


def test_too_few_dealers_for_key_drivers_is_said_in_one_language(mini: str) -> None:
    en, zh = both("insight", "drivers", "--wave", "2026-Q4", "-w", mini, code=1)
    assert "no key-driver analysis possible" in en and "无法" not in en
    assert "无法进行关键体验点分析" in zh and "no key-driver" not in zh
    assert "refused" not in zh


def test_init_speaks_the_language_chosen_for_the_workspace(tmp_path: Path) -> None:
    en = run("init", str(tmp_path / "en"), "--lang", "en")
    zh = run("init", str(tmp_path / "zh"), "--lang", "zh")
    assert en.exit_code == zh.exit_code == 0, (en.output, zh.output)
    assert f"Created workspace {tmp_path / 'en'}" in en.output
    assert f"已创建工作区 {tmp_path / 'zh'}" in zh.output and "Created" not in zh.output
    again = run("init", str(tmp_path / "en"), "--lang", "en", lang="zh")  # --lang beats the environment here too
    assert again.exit_code != 0 and "is already a dealer-audit workspace" in again.output, again.output


# ---- the sample network ---------------------------------------------------------------------------------------


def test_importing_again_is_summarised(sample: str) -> None:
    en, zh = both("import", str(SAMPLES / "2026-Q4"), "-w", sample)
    assert "0 imported," in en and "unchanged" in en and "0 file(s) refused" in en
    last = zh.rstrip().splitlines()[-1]  # the table's cells are result codes (unchanged), the same in both
    assert last.startswith("已导入 0 条，未变化 ") and last.endswith("被拒绝 0 个文件") and "Importing" not in zh
    assert "正在导入" in zh and "--verbose 逐个列出" in zh and "Importing" in en


def test_calibration_headline_and_verdicts(sample: str) -> None:
    en, zh = both("calibration", "--wave", "2026-Q4", "-w", sample)
    assert "Calibration — wave 2026-Q4" in en and "items agree acceptably (all in --json)." in en
    assert "稽核员校准 — 批次 2026-Q4" in zh and "个项目一致性可以接受（详见 --json）。" in zh
    assert "Calibration —" not in zh and "agree acceptably" not in zh


def test_themes_headline(sample: str) -> None:
    en, zh = both("insight", "themes", "--wave", "2026-Q4", "-w", sample)
    assert "Themes in the notes — wave 2026-Q4, network:" in en and "Unknown issues (未知体验):" in en
    assert "备注中的主题 — 批次 2026-Q4，全网：" in zh and "未知体验：" in zh
    assert "Themes in the notes" not in zh and "Unknown issues" not in zh


# ---- the pieces ---------------------------------------------------------------------------------------------


def test_a_render_failure_names_its_target_in_the_users_language() -> None:
    failure = RenderFailure(Message("region east", "区域 east"), "RuntimeError: disk on fire")
    assert failure.text("zh") == "区域 east: RuntimeError: disk on fire"
    assert failure.text("en") == str(failure) == "region east: RuntimeError: disk on fire"
    assert RenderFailure("SH001", "gone", "不见了").text("zh") == "SH001: 不见了"  # a code: the same in both


def test_a_users_error_keeps_its_chinese_whatever_failed() -> None:
    """A region, the batch or the HQ workbook failing on a user's error says why in Chinese too (only a dealer's
    failure did); an internal error stays its type and text."""
    region = Message("region east", "区域 east")
    refused = render_failure(region, Conflict("the evidence store is full", zh="证据库已满"))
    assert (
        refused.text("zh") == "区域 east: 证据库已满"
        and refused.text("en") == "region east: the evidence store is full"
    )
    assert render_failure(region, RuntimeError("boom")).text("zh") == "区域 east: RuntimeError: boom"


# ---- the tables: headers, titles and the CLI's own words in cells --------------------------------------------


def header(output: str) -> list[str]:
    """The header of the first table in `output`: rich's box (a header over several lines joined per column) or
    the tab-separated fallback's first line."""
    lines = output.splitlines()
    if any(line.startswith("┏") for line in lines):
        start = next(i for i, line in enumerate(lines) if line.startswith("┏"))
        end = next(i for i, line in enumerate(lines) if line.startswith("┡"))
        parts = [line.strip("┃").split("┃") for line in lines[start + 1 : end]]
        return [" ".join(p[i].strip() for p in parts if p[i].strip()) for i in range(len(parts[0]))]
    return next(line for line in lines if "\t" in line).split("\t")


def test_score_table_title_and_headers(sample: str) -> None:
    en, zh = both("score", "--wave", "2026-Q4", "-w", sample)
    assert "(oem-ssi-2026, 1000-point scale; previous wave 2026-Q3)" in en
    assert "（oem-ssi-2026，1000 分制；上一批次 2026-Q3）" in zh and "point scale" not in zh
    assert header(en)[:3] == ["#", "region", "dealer"] and header(en)[-1] == "alerts"
    assert "rank range" in header(en) and "Δ test" in header(en)
    assert header(zh)[:3] == ["#", "区域", "经销商"] and header(zh)[-1] == "预警"
    assert "排名 区间" in header(zh) and "变化 检验" in header(zh) and "收缩 估计" in header(zh)
    # the legend explains the columns by the names the reader sees
    assert "收缩估计 = 用于排名决策" in zh and "排名区间 = 可信的最好" in zh and "EB =" not in zh and "Δ test" not in zh


@pytest.mark.parametrize("width", [80, 60])
def test_a_chinese_score_table_drops_no_more_than_the_english_one(sample: str, width: int) -> None:
    """Chinese headers are no wider than the English ones over figures: the same columns fit, and the line naming
    the others is in Chinese."""
    shown = {}
    for lang in ("en", "zh"):
        console.reset_for_tests(width)
        result = CliRunner().invoke(app, ["score", "--wave", "2026-Q4", "-w", sample], env={"DEALER_AUDIT_LANG": lang})
        assert result.exit_code == 0, result.output
        shown[lang] = header(result.stdout)
        if lang == "zh":
            said = result.stdout.replace("\n", "")  # the line wraps at 60 columns
            assert f"（{width} 列宽下未显示：区域、名称、" in said and "not shown" not in said
    assert len(shown["zh"]) >= len(shown["en"]), shown


def test_dealer_list_header(mini: str) -> None:
    en, zh = both("dealers", "list", "-w", mini)
    assert en.splitlines()[0].split() == ["code", "name", "region", "city", "group", "brand", "attributes"]
    assert zh.splitlines()[0].split() == ["代码", "名称", "区域", "城市", "集团", "品牌", "属性"]


def test_import_tables(sample: str) -> None:
    en, zh = both("import", str(SAMPLES / "2026-Q4"), "-w", sample)  # many files: counted by kind and result
    assert header(en) == ["kind", "result", "files", "audits", "with warnings"]
    assert header(zh) == ["类型", "结果", "文件", "稽核", "有警告"]
    en, zh = both("import", str(SAMPLES / "2026-Q4" / "BJ001_svc-mystery-shop_1.json"), "-w", sample)
    assert header(en) == ["file", "kind", "result", "details"] and "1 audit(s)" in en
    assert header(zh) == ["文件", "类型", "结果", "详情"] and "1 条稽核" in zh and "audit(s)" not in zh


def test_standards_import_table(mini: str) -> None:
    en, zh = both("standards", "import", str(Path(__file__).parents[2] / "checklists"), "-w", mini)
    assert header(en) == ["kind", "id", "version", "result"] and "loaded" in en
    assert header(zh) == ["类型", "id", "版本", "结果"] and "未变化" in zh and "loaded" not in zh


def test_disputes_list_table(mini: str) -> None:
    assert run("disputes", "issue", "--wave", "2026-Q4", "--on", "2026-12-01", "-w", mini).exit_code == 0
    filed = run("disputes", "file", "--audit", "a-bj001", "--item", "R03", "--reason", "x", "-w", mini)
    assert filed.exit_code == 0, filed.output
    en, zh = both("disputes", "list", "-w", mini)
    assert header(en) == ["dispute", "dealer", "item", "auditor", "filed", "status", "ruled by", "reason"]
    assert header(zh) == ["申诉", "经销商", "检查项", "稽核员", "提交日期", "状态", "裁决人", "理由"]
    en, zh = both("disputes", "rates", "-w", mini)
    assert header(en)[:3] == ["auditor", "failed", "disputed"] and header(zh)[:3] == ["稽核员", "失分", "申诉"]


def test_auditors_list_table(sample: str) -> None:
    assert run("auditors", "import", str(SAMPLES / "auditors.csv"), "-w", sample).exit_code == 0
    en, zh = both("auditors", "list", "-w", sample)
    assert header(en) == ["id", "name", "home region", "languages", "active", "keys"]
    assert header(zh) == ["id", "名称", "所属区域", "语言", "在职", "密钥"]
    assert "│ yes " in en and "│ 是 " in zh and "│ yes " not in zh


def test_actions_list_tables(mini: str) -> None:
    generated = run("actions", "generate", "--wave", "2026-Q4", "--today", "2026-11-01", "-w", mini)
    assert generated.exit_code == 0, generated.output
    en, zh = both("actions", "list", "--today", "2027-06-01", "-w", mini)
    assert header(en) == ["wave", "dealer", "item", "status", "owner", "due", "overdue", "repeats", "finding"]
    assert header(zh) == ["批次", "经销商", "检查项", "状态", "责任人", "完成日期", "逾期", "重复", "问题"]
    assert "│ overdue " in en and "│ 逾期 " in zh and "│ overdue " not in zh
    en, zh = both("actions", "list", "--summary", "-w", mini)
    assert header(en) == ["dealer", "actions", "open", "overdue", "done", "verified", "reopened"]
    assert header(zh) == ["经销商", "整改项", "未 完成", "逾期", "待 验证", "已验证", "重新打开"]


def test_print_table_shows_messages_in_the_language_asked(capsys: pytest.CaptureFixture[str]) -> None:
    """Headers and title given as Message are shown in `lang`; `optional` names a column by its English header in
    both languages; plain strings are shown as they are."""
    columns = ["id", Message("name", "名称"), Message("score", "得分")]
    rows = [["A1", "x" * 60, "1.0"]]
    for lang in ("en", "zh"):
        console.reset_for_tests(40)
        console.print_table(columns, rows, title=Message("Scores", "得分表"), optional=["name"], lang=lang)
    out = capsys.readouterr().out
    english, chinese = out.split("得分表")
    assert "Scores" in english and "score" in english and "(not shown at 40 columns: name)" in english
    assert "得分" in chinese and "（40 列宽下未显示：名称）" in chinese and "score" not in chinese


def test_print_table_defaults_to_the_users_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller that passes no `lang` gets the running command's language, not English."""
    monkeypatch.setenv("DEALER_AUDIT_LANG", "zh")
    console.reset_for_tests(80)
    console.print_table([Message("score", "得分")], [["1.0"]], title=Message("Scores", "得分表"))
    out = capsys.readouterr().out
    assert "得分表" in out and "Scores" not in out and "score" not in out

"""More refusals in the user's language (README, "Language of error messages"), one per reader or command converted
after the first ones (tests/cli/test_cli_error_language.py holds the rule and the code scan): the program's KPI
and incentive sections, a folder of standards, a standard workbook, the auditor register and the auditor check of
an import, the wave planner, audit validation, and the report, serve, XLSForm and score commands. Each runs the
same command under DEALER_AUDIT_LANG=en and =zh and reads the located message in both.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl

from dealer_audit.formats.audit_json import write_audit_file
from tests.cli.test_cli_error_language import both, run

FIXTURES = Path(__file__).parents[1] / "fixtures"
REGISTER = "id,name_zh,name_en,home_region,languages,active\nwang,王芳,Wang Fang,east,zh,yes\n"


def program_file(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "program.yaml"
    path.write_text((FIXTURES / "mini_program.yaml").read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def register_auditors(ws: str, tmp_path: Path) -> None:
    path = tmp_path / "auditors.csv"
    path.write_text(REGISTER, encoding="utf-8")
    assert run("auditors", "import", str(path), "-w", ws, lang="en").exit_code == 0


def test_kpi_and_incentive_definitions_of_the_program(tmp_path: Path) -> None:
    """core/kpi_codec.py: a KPI whose curve runs the wrong way, a zero weight, a cross-check of an unknown
    standard and a payout with both amount and percent, each at its line, in either language."""
    program = program_file(
        tmp_path,
        "kpis:\n"
        "  - id: tablet_checkin\n"
        "    name: {zh: 移动接车率, en: Tablet check-in rate}\n"
        "    direction: higher\n"
        "    curve: {type: linear, floor: 95, target: 40}\n"
        "    weight: 0\n"
        "    cross_checks:\n"
        "      - {standard: mini-servic, item: R01, threshold: 80}\n"
        "incentives:\n"
        "  tiers:\n"
        "    - {code: gold, label: {zh: 金牌, en: Gold}, min: 85, payout: {percent: 1.5, amount: 3}}\n",
    )
    en, zh = both("checklist", "validate", str(program))
    assert f"{program}:24: higher is better: the target (40) must be above the floor" in en
    assert f"{program}:25: weight must be greater than 0, got 0" in en
    assert f"{program}:27: standard 'mini-servic' is not one of the program's checklists (did you mean" in en
    assert f"{program}:30: a payout is either an amount or a percent (write {{amount: 20000}}" in en
    assert f"{program}:24: 该指标越高越好：目标值 target（40）必须高于下限 floor" in zh
    assert f"{program}:25: 权重必须大于 0，当前为 0" in zh
    assert f"{program}:27: 稽核标准“mini-servic”不是本稽核方案中的标准（是否应为“mini-service”？）" in zh
    assert f"{program}:30: 奖金规则只能是金额（amount）或百分比（percent）之一（请写 {{amount: 20000}}" in zh
    assert "higher is better" not in zh and "payout is either" not in zh


def test_a_folder_of_standards(tmp_path: Path) -> None:
    """formats/standards.py: a standard defined twice, a program naming a missing standard, a second program
    file, a folder without standards and a file of another kind."""
    folder = tmp_path / "checklists"
    folder.mkdir()
    shutil.copy(FIXTURES / "mini_standard.yaml", folder / "a.yaml")
    shutil.copy(FIXTURES / "mini_standard.yaml", folder / "b.yaml")
    text = (FIXTURES / "mini_program.yaml").read_text(encoding="utf-8")
    (folder / "program.yaml").write_text(text.replace("standard: mini-service,", "standard: mini-servce,"), "utf-8")
    (folder / "program2.yaml").write_text(text, "utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    other = tmp_path / "notes.txt"
    other.write_text("x", encoding="utf-8")
    en, zh = both("checklist", "validate", str(folder), str(empty), str(other))
    assert f"{folder / 'b.yaml'}: standard 'mini-service' version 2026.1 is also defined in a.yaml" in en
    assert f"{folder / 'program.yaml'}:7: the program names standard 'mini-servce', which is not in {folder}" in en
    assert f"{folder / 'program2.yaml'}: a folder holds one program file; program.yaml is one already" in en
    assert f"{empty}: no standard files (.yaml, .yml, .xlsx, .xlsm) in this folder" in en
    assert f"{other}: not a standard file (expected one of .yaml, .yml, .xlsx, .xlsm)" in en
    assert f"{folder / 'b.yaml'}: 稽核标准“mini-service”版本 2026.1 在 a.yaml 中也有定义" in zh
    assert (
        f"{folder / 'program.yaml'}:7: 稽核方案引用了稽核标准“mini-servce”，但 {folder} 中没有该标准"
        "（是否应为“mini-service”？）"
    ) in zh
    assert f"{folder / 'program2.yaml'}: 一个文件夹只能有一个稽核方案文件；program.yaml 已经是稽核方案" in zh
    assert f"{empty}: 此文件夹中没有稽核标准文件（.yaml, .yml, .xlsx, .xlsm）" in zh
    assert f"{other}: 不是稽核标准文件（应为以下格式之一：.yaml, .yml, .xlsx, .xlsm）" in zh
    assert "also defined" not in zh and "not a standard file" not in zh


def test_converting_a_standard_to_an_unknown_format(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    en, zh = both("checklist", "convert", str(FIXTURES / "mini_standard.yaml"), str(target))
    assert f"error: {target}: unsupported target (use .yaml or .xlsx) error {target}: cannot write a standard" in en
    assert f"错误：{target}：不支持的目标格式（请用 .yaml 或 .xlsx） 错误 {target}: 无法将稽核标准写成“.txt”格式" in zh


def test_a_standard_workbook(tmp_path: Path) -> None:
    """formats/standard_xlsx.py: an unknown type and a cap without critical, at their cells."""
    workbook = tmp_path / "standard.xlsx"
    made = run("checklist", "convert", str(FIXTURES / "mini_standard.yaml"), str(workbook), lang="en")
    assert made.exit_code == 0, made.output
    book = openpyxl.load_workbook(workbook)
    survey = book["survey"]
    columns = {cell.value: cell.column_letter for cell in survey[1]}
    rows = {survey[f"{columns['name']}{r}"].value: r for r in range(2, survey.max_row + 1)}
    survey[f"{columns['type']}{rows['R01']}"] = "yes_noo"
    survey[f"{columns['cap']}{rows['W04']}"] = 50  # an item that is not critical
    book.save(workbook)
    en, zh = both("checklist", "validate", str(workbook))
    type_cell = f"{workbook}!survey!{columns['type']}{rows['R01']}"
    cap_cell = f"{workbook}!survey!{columns['cap']}{rows['W04']}"
    assert f"{type_cell}: unknown type 'yes_noo' (did you mean 'yes_no'?)" in en
    assert f"{cap_cell}: cap is set but critical is empty (set critical to 'cap')" in en
    assert f"{type_cell}: 未知的题型“yes_noo”（是否应为“yes_no”？）" in zh
    assert f"{cap_cell}: 填写了 cap，但 critical 为空（请把 critical 设为“cap”）" in zh


def test_the_auditor_register(workspace: Any, tmp_path: Path) -> None:
    """formats/auditors.py: a duplicate id, an unknown home region, an unknown language and a bad active flag."""
    bad = tmp_path / "auditors.csv"
    bad.write_text("id,home_region,languages,active\nwang,east,zh,yes\nwang,mars,fr,maybe\n", encoding="utf-8")
    en, zh = both("auditors", "import", str(bad), "-w", str(workspace.root))
    assert f"error: {bad}: 4 error(s); nothing imported" in en
    assert f"{bad}:3: id: duplicate auditor id 'wang' (first on line 2)" in en
    assert f"{bad}:3: home_region: unknown region 'mars' (known regions: east, north)" in en
    assert f"{bad}:3: languages: 'fr' is not one of zh, en" in en
    assert f"{bad}:3: active: 'maybe' is not yes or no" in en
    assert f"错误：{bad}：发现 4 处错误，未导入任何数据" in zh
    assert f"{bad}:3: id：稽核员编号“wang”重复（首次出现在第 2 行）" in zh
    assert f"{bad}:3: home_region：未知区域“mars”（已有区域：east, north）" in zh
    assert f"{bad}:3: languages：“fr”无效，只能是 zh, en" in zh
    assert f"{bad}:3: active：“maybe”无效，请填写 yes/是 或 no/否" in zh
    assert "duplicate" not in zh


def test_an_audit_by_an_unregistered_auditor(workspace: Any, tmp_path: Path, make_audit: Any) -> None:
    """core/auditor_lookup.py: the import warning for an auditor the register does not know, with its guess."""
    ws = str(workspace.root)
    register_auditors(ws, tmp_path)
    audit = make_audit(auditor="Wang Fan")
    path = tmp_path / "typo.json"
    write_audit_file(audit, path)
    en = " ".join(run("import", str(path), "-w", ws, lang="en").output.split())
    zh_path = tmp_path / "typo2.json"  # another audit: the first is stored now
    write_audit_file(make_audit(auditor="Wang Fan"), zh_path)
    zh = " ".join(run("import", str(zh_path), "-w", ws, lang="zh").output.split())
    assert f"audit {audit.audit_id}: auditor 'Wang Fan' is not in the auditor register (did you mean" in en
    assert "稽核员“Wang Fan”不在稽核员名册中（是否应为 “Wang Fang”？）" in zh
    assert "not in the auditor register" not in zh


def test_the_planner_refuses_a_wave_without_auditors_or_dates(workspace: Any, tmp_path: Path) -> None:
    """core/planning.py through `dealer-audit plan` (exit 2): no auditor registered; then a wave without dates."""
    ws = str(workspace.root)
    en, zh = both("plan", "--wave", "2026-Q4", "-w", ws, code=2)
    assert "error: no plan meets every rule: auditors: no active auditor is registered; the wave needs" in en
    assert "错误：没有能满足所有规则的计划： 稽核员：没有已登记且处于启用状态的稽核员；本批次需要" in zh
    register_auditors(ws, tmp_path)
    program = workspace.repo.get_program()
    undated = [replace(w, start=None, end=None) if w.code == "2026-Q4" else w for w in program.waves]
    workspace.repo.save_program(replace(program, waves=tuple(undated)))
    en, zh = both("plan", "--wave", "2026-Q4", "-w", ws, code=2)
    assert "wave window: wave 2026-Q4 has no start and end dates in the program" in en
    assert "批次时间窗：稽核方案中没有为稽核批次 2026-Q4 设置开始和结束日期" in zh
    assert "wave window" not in zh
    en, zh = both("plan", "--wave", "2027-Q9", "-w", ws)
    assert "wave 2027-Q9 is not in program mini-program-2026 (its waves: 2026-Q3, 2026-Q4)" in en
    assert "稽核方案 mini-program-2026 中没有稽核批次 2027-Q9（方案中的批次：2026-Q3, 2026-Q4）" in zh


def test_an_audit_that_does_not_fit_its_standard(workspace: Any, tmp_path: Path, make_audit: Any) -> None:
    """core/validation.py (with core/scoring.py's value check): a value of the wrong kind, named by item."""
    audit = make_audit()
    path = tmp_path / "audit.json"
    write_audit_file(audit, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["answers"]["R01"]["value"] = "maybe"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    en, zh = both("import", str(path), "-w", str(workspace.root))
    assert "R01 (" in en and "): expected 'yes' or 'no', got 'maybe'" in en
    assert "R01（" in zh and "）：应为 'yes' 或 'no'，实际为 'maybe'" in zh
    assert "expected 'yes'" not in zh


def test_report_refusals(workspace: Any, tmp_path: Path) -> None:
    """cli/report.py: several dealers into one file name; a --dealers list that names no file."""
    root = str(workspace.root)
    pdf = tmp_path / "one.pdf"
    en, zh = both("report", "dealer", "SH001", "SH002", "--wave", "2026-Q4", "-o", str(pdf), "-w", root)
    assert f"error: -o {pdf}: several dealers need an output folder, not a file name" in en
    assert f"错误：-o {pdf}：多个经销商的报告需要输出到文件夹，而不是单个文件名" in zh
    missing = tmp_path / "dealers.txt"
    en, zh = both("report", "all", "--wave", "2026-Q4", "--dealers", str(missing), "-w", root)
    assert f"error: {missing}: no such file (--dealers takes a file or codes separated by commas)" in en
    assert f"错误：{missing}：文件不存在（--dealers 接受一个文件，或用逗号分隔的经销商代码）" in zh


def test_serve_beyond_loopback_without_accounts(workspace: Any) -> None:
    """cli/serve.py: the refusal to listen beyond this machine, no longer one 'english / 中文' string."""
    en, zh = both("serve", "--host", "0.0.0.0", "-w", str(workspace.root))
    assert "error: refusing to listen on 0.0.0.0: other machines could reach it and this workspace has no" in en
    assert "拒绝" not in en
    assert "错误：拒绝在 0.0.0.0 上监听：其他电脑可以访问，但此工作区没有任何账户；请先创建账户" in zh
    assert "refusing" not in zh


def test_xlsform_and_form_targets(workspace: Any, tmp_path: Path) -> None:
    """cli/xlsform.py and cli/form.py: a target of the wrong kind (click's usage error, exit 2) and an existing
    file without --force."""
    standard = str(FIXTURES / "mini_standard.yaml")
    en, zh = both("checklist", "xlsform", standard, "-o", str(tmp_path / "form.yaml"), code=2)
    assert "the XLSForm must end in .xlsx (ODK Central and KoboToolbox expect it)" in en
    assert "XLSForm 文件名必须以 .xlsx 结尾（ODK Central 和 KoboToolbox 只接受这种格式）" in zh
    existing = tmp_path / "SH001.xlsx"
    existing.write_bytes(b"")
    root = str(workspace.root)
    en, zh = both("form", "-w", root, "-d", "SH001", "-s", "mini-service", "--wave", "2026-Q4", "-o", str(existing))
    assert f"error: {existing} exists; pass --force to overwrite it (a filled form would be lost)" in en
    assert f"错误：{existing} 已存在；如要覆盖，请加 --force（已填写的表单将会丢失）" in zh


def test_score_of_an_unknown_region(workspace: Any, tmp_path: Path, make_audit: Any) -> None:
    """cli/score.py: an unknown region, with the regions of the wave."""
    workspace.repo.save_audits([make_audit()])
    en, zh = both("score", "--wave", "2026-Q4", "--region", "mars", "-w", str(workspace.root))
    assert "error: no region mars in wave 2026-Q4 (regions: east, north)" in en
    assert "错误：稽核批次 2026-Q4 中没有区域 mars（已有区域：east, north）" in zh


def test_a_condition_that_does_not_parse(tmp_path: Path) -> None:
    """core/conditions.py: the parser's own words inside the rules' located message, in Chinese too."""
    standard = tmp_path / "standard.yaml"
    text = (FIXTURES / "mini_standard.yaml").read_text(encoding="utf-8")
    standard.write_text(text.replace("\"dealer.has_ev_service and W01 == 'wait'\"", '"W01 == "'), "utf-8")
    en, zh = both("checklist", "validate", str(standard))
    assert f"{standard}:73: condition of 'W04': expected a value, an item id or 'dealer.<attribute>', found end" in en
    assert f"{standard}:73: 检查项“W04”的跳题条件无法解析（第 7 列）：" in zh
    assert "此处应为一个值、检查项 id 或 'dealer.<属性>'，实际为条件结尾" in zh and "expected a value" not in zh

"""Errors in the user's language (README, "Language of error messages"): each converted reader, given a known bad
file, is refused through the CLI in Chinese under DEALER_AUDIT_LANG=zh and in English otherwise, at the same
place; --lang, the workspace's language and the locale choose as documented; and every message of a converted
module is written in both languages.
"""

from __future__ import annotations

import ast
import json
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.errors import Location, Problem, Severity, ValidationFailed

PACKAGE = Path(__file__).parents[2] / "dealer_audit"
CONVERTED = (
    "formats/dealers.py",
    "formats/tables.py",
    "core/audit_form.py",
    "formats/json_input.py",
    "formats/form_xlsx.py",
    "formats/actions_xlsx.py",
    "core/actions.py",
    "services/actions.py",
    "formats/kpi_values.py",
    "formats/bundle.py",
    "services/bundle_signatures.py",
    "storage/workspace.py",
    "formats/field_exports.py",
    "services/importing.py",
    "core/rules.py",
    "core/standard_codec.py",
    "formats/standard_yaml.py",
    # lang4
    "core/kpi_codec.py",
    "formats/standards.py",
    "formats/auditors.py",
    "core/auditor_lookup.py",
    "services/kpis.py",
    "render/pdf/fonts.py",
    "cli/report.py",
    "formats/xlsform.py",
    "formats/standard_xlsx.py",
    "formats/files.py",
    "cli/serve.py",
    "core/validation.py",
    "core/aggregate.py",
    "core/report_model/region.py",
    "core/report_model/dealer.py",
    "cli/xlsform.py",
    "cli/score.py",
    "cli/form.py",
    "cli/dealers.py",
    "cli/checklist.py",
    "cli/actions.py",
    "capture/targets.py",
    "capture/drafts.py",
    "core/planning.py",
    "services/field_operations.py",
    "core/conditions.py",
    "core/xpath_conditions.py",
    "core/scoring.py",
    "capture/session.py",
    # lang5
    "core/disputes.py",
    "services/disputes.py",
    "storage/schema.py",
    "storage/actions.py",
    "storage/audits.py",
    "storage/repository.py",
    "storage/disputes.py",
    "services/demo.py",
    "storage/standards.py",
    "storage/field_operations.py",
    "storage/db.py",
    "storage/answers.py",
    "services/self_assessment.py",
    "services/reporting.py",
    "services/insight.py",
    "storage/limits.py",
    "storage/accounts.py",
    "services/scoring_job.py",
    "services/demo_signing.py",
    "services/looking.py",
    "storage/dealers.py",
    "services/calibration.py",
    "web/routes/accounts.py",
    "web/accounts.py",
    "core/accounts.py",
    "cli/users.py",
    "storage/media.py",
    # fixlang
    "formats/signing.py",
    "cli/common.py",
    "cli/disputes.py",
    "cli/coverage.py",
    "cli/demo.py",
    "cli/transfer.py",
)


def run(*args: str, lang: str | None = None, env: dict[str, str] | None = None) -> Any:
    console.reset_for_tests(240)
    variables = {**({"DEALER_AUDIT_LANG": lang} if lang else {}), **(env or {})}
    return CliRunner().invoke(app, list(args), env=variables)


def both(*args: str, code: int = 1) -> tuple[str, str]:
    """The output of the same refused command in English and in Chinese (both exit with `code`), one line each."""
    en, zh = run(*args, lang="en"), run(*args, lang="zh")
    assert en.exit_code == code and zh.exit_code == code, (en.output, zh.output)
    return " ".join(en.output.split()), " ".join(zh.output.split())


def test_dealer_file(workspace: Any, tmp_path: Path) -> None:
    bad = tmp_path / "dealers.csv"
    bad.write_text("code,name_zh,region\nN1,新店,mars\nN1,新店二,east\n", encoding="utf-8")
    en, zh = both("dealers", "import", str(bad), "-w", str(workspace.root))
    assert f"error: {bad}: 2 error(s); nothing imported" in en
    assert f"error {bad}:2: region: unknown region 'mars' (known regions: east, north)" in en
    assert f"error {bad}:3: code: duplicate dealer code 'N1' (first on line 2)" in en
    assert "未知区域" not in en
    assert f"错误：{bad}：发现 2 处错误，未导入任何数据" in zh
    assert f"错误 {bad}:2: region：未知区域“mars”（已有区域：east, north）" in zh
    assert f"错误 {bad}:3: code：经销商代码“N1”重复（首次出现在第 2 行）" in zh
    assert "unknown region" not in zh


def test_table_of_the_wrong_kind(workspace: Any, tmp_path: Path) -> None:
    bad = tmp_path / "dealers.txt"
    bad.write_text("code\n", encoding="utf-8")
    en, zh = both("dealers", "import", str(bad), "-w", str(workspace.root))
    assert f"{bad}: dealer data must be a .csv or .xlsx file" in en
    assert f"{bad}: 经销商数据必须是 .csv 或 .xlsx 文件" in zh


def test_audit_file(workspace: Any, tmp_path: Path) -> None:
    bad = tmp_path / "audit.json"
    bad.write_text(json.dumps({"format": "dealer-audit/audit", "format_version": 1, "status": "done"}), "utf-8")
    en, zh = both("import", str(bad), "-w", str(workspace.root))
    assert f"{bad} (status): status 'done' is not one of draft, finalised" in en
    assert f"{bad} (audit_id): 'audit_id' is required" in en
    assert f"{bad} (status): 状态 'done' 无效，只能是 draft（草稿）或 finalised（已定稿）" in zh
    assert f"{bad} (audit_id): “audit_id”必填" in zh
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": }', "utf-8")
    en, zh = both("import", str(broken), "-w", str(workspace.root))
    assert f"{broken}:1:12: invalid JSON: Expecting value" in en
    assert f"{broken}:1:12: JSON 格式错误：Expecting value" in zh


def test_fill_in_workbook(workspace: Any, tmp_path: Path) -> None:
    form = tmp_path / "SH001.xlsx"
    root = str(workspace.root)
    made = run("form", "-w", root, "-d", "SH001", "-s", "mini-service", "--wave", "2026-Q4", "-o", str(form))
    assert made.exit_code == 0, made.output
    book = openpyxl.load_workbook(form)
    book["Audit"]["H7"] = "maybe"
    book.save(form)
    en, zh = both("import", str(form), "-w", root)
    assert f"{form}!Audit!H7: R02: 'maybe' is not an answer; choose 是/Yes or 否/No" in en
    assert f"{form}!Audit!H7: R02：'maybe' 不是有效答案，请选择 是/Yes 或 否/No" in zh


def test_actions_workbook(workspace: Any, tmp_path: Path) -> None:
    other = tmp_path / "not-actions.xlsx"
    openpyxl.Workbook().save(other)
    en, zh = both("actions", "import", str(other), "-w", str(workspace.root))
    assert f"{other}: not a dealer-audit actions workbook (no _actions sheet) (export one with" in en
    assert f"{other}: 这不是 dealer-audit 导出的整改措施工作簿（缺少 _actions 工作表）（请用" in zh


def test_kpi_values(workspace: Any, tmp_path: Path) -> None:
    values = tmp_path / "kpis.csv"
    values.write_text("dealer_code,kpi,value\nSH001,nps,40\n", encoding="utf-8")
    en, zh = both("kpis", "import", str(values), "--wave", "2026-Q4", "-w", str(workspace.root))
    assert f"{values}: the program defines no KPIs (add a kpis: list to the program file)" in en
    assert f"{values}: 稽核方案中没有定义 KPI 指标（请在方案文件中添加 kpis: 列表）" in zh


def test_bundle(workspace: Any, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"format": "other"}))
    en, zh = both("import", str(bundle), "-w", str(workspace.root))
    assert f"{bundle} (manifest.json): format must be 'dealer-audit/bundle', got 'other'" in en
    assert f"{bundle} (manifest.json): format 应为 'dealer-audit/bundle'，实际为 'other'" in zh


def test_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    nowhere = tmp_path / "nowhere"
    en, zh = both("dealers", "list", "-w", str(nowhere))
    assert f"error: {nowhere} is not a dealer-audit workspace (no dealer-audit.toml): run `dealer-audit init" in en
    assert f"错误：{nowhere} 不是 dealer-audit 工作区（缺少 dealer-audit.toml）：请运行 `dealer-audit init" in zh
    assert "工作区" not in en and "not a dealer-audit workspace" not in zh


def test_field_app_export(workspace: Any, tmp_path: Path) -> None:
    export = tmp_path / "odk.csv"
    export.write_text(
        "KEY,SubmissionDate,dealer,wave,standard\nuuid:1,2026-10-01T00:00:00Z,NOPE,,mini-service@9\n", "utf-8"
    )
    en, zh = both("import", str(export), "-w", str(workspace.root))
    assert f"{export}:2: column 'dealer': unknown dealer 'NOPE'" in en
    assert f"{export}:2: column 'wave': no wave" in en
    assert f"{export}:2: column 'standard': the form was made from standard 'mini-service@9', which is not" in en
    assert f"{export}:2: 列 'dealer'：未知经销商 'NOPE'" in zh
    assert f"{export}:2: 列 'wave'：缺少稽核批次" in zh
    assert f"{export}:2: 列 'standard'：该表单基于稽核标准 'mini-service@9' 生成，但此标准尚未保存" in zh


def test_standard_rules() -> None:
    """A standard whose skip logic looks forward: the rule's message at the same line in either language."""
    broken = Path(__file__).parents[1] / "fixtures" / "broken" / "forward_ref.yaml"
    en, zh = both("checklist", "validate", str(broken))
    assert f"{broken}:13: condition of 'A01' refers forward to 'A02', which comes later (move 'A02' before" in en
    assert "跳题条件" not in en
    assert f"{broken}:13: 检查项“A01”的跳题条件引用了排在其后的“A02”（请把“A02”移到“A01”之前：" in zh
    assert "refers forward" not in zh


def test_standard_decoder() -> None:
    """A misspelt key in a standard: the decoder's message and its "did you mean" in either language."""
    broken = Path(__file__).parents[1] / "fixtures" / "broken" / "unknown_key.yaml"
    en, zh = both("checklist", "validate", str(broken))
    assert f"{broken}:14: unknown key 'wieght' in an item (did you mean 'weight'?)" in en
    assert f"{broken}:14: 检查项中有未知的键“wieght”（是否应为“weight”？）" in zh
    assert "unknown key" not in zh


def test_standard_yaml_syntax() -> None:
    """A standard that is not YAML: the reader's message and hint at the parser's line in either language."""
    broken = Path(__file__).parents[1] / "fixtures" / "broken" / "bad_syntax.yaml"
    en, zh = both("checklist", "validate", str(broken))
    assert f"{broken}:12: YAML syntax error: while parsing a block collection" in en
    assert "(check indentation and that ':' is followed by a space;" in en
    assert f"{broken}:12: YAML 语法错误：while parsing a block collection" in zh
    assert "（请检查缩进，以及“:”后面是否有空格；" in zh and "check indentation" not in zh


def test_checklist_validate_warnings_and_summary() -> None:
    """`checklist validate` prints its rule warnings and its summary in the user's language too."""
    broken = Path(__file__).parents[1] / "fixtures" / "broken" / "many_errors.yaml"
    en, zh = both("checklist", "validate", str(broken))
    assert f"warning {broken}:6: no band starts at 0" in en and "error(s) in 1 of 1 file(s)" in en
    assert f"警告 {broken}:6: 没有从 0 分起的评级档" in zh and "1 个文件中有 1 个存在错误" in zh
    assert "no band starts" not in zh and "error(s) in" not in zh


def test_the_language_rule(workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--lang, else DEALER_AUDIT_LANG, else the workspace's language, else LC_ALL/LANG, else English."""
    root = str(workspace.root)  # a zh workspace
    unknown = ("report", "dealer", "NOPE", "--wave", "2026-Q4", "-o", str(tmp_path), "-w", root)
    assert run(*unknown).output.startswith("错误：")  # the workspace's language
    assert run(*unknown, "--lang", "en").output.startswith("error: ")  # --lang first
    assert run(*unknown, "--lang", "en", lang="zh").output.startswith("error: ")
    assert run(*unknown, lang="en").output.startswith("error: ")  # DEALER_AUDIT_LANG over the workspace
    monkeypatch.chdir(tmp_path)  # no workspace here or above
    nowhere = ("dealers", "list")
    assert run(*nowhere, env={"LANG": "zh_CN.UTF-8"}).output.startswith("错误：")
    assert run(*nowhere, env={"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}).output.startswith("error: ")
    assert run(*nowhere, env={"LANG": "", "LC_ALL": ""}).output.startswith("error: ")


def test_a_message_without_chinese_yet_is_shown_in_english() -> None:
    problem = Problem(Location("standard.yaml", line=3), "unknown key 'wieght'", hint="did you mean 'weight'?")
    assert problem.render("zh") == str(problem) == "standard.yaml:3: unknown key 'wieght' (did you mean 'weight'?)"
    failure = ValidationFailed([problem], "standard.yaml: refused")
    assert failure.render("zh") == failure.render("en") == str(failure)
    counted = ValidationFailed([problem])
    assert counted.summary_text("zh") == "发现 1 处错误" and counted.summary_text("en") == "1 error(s) found"
    assert Severity.WARNING.label("zh-CN") == "警告" and Severity.ERROR.label("en") == "error"


# ---- every message of a converted module carries its Chinese --------------------------------------------------

_NEEDS_ZH = {"error", "warning", "fatal", "Problem"}
_RAISES = {
    "NotFound",
    "ConfigurationError",
    "Conflict",
    "DealerAuditError",
    "AccountError",
    "SignatureError",
    "BadParameter",  # typer's, one language: cli/error_language.bad_parameter(en, zh) is the bilingual one
}
_LOGGERS = {"log", "logger", "logging"}  # logs are English (README), never a user's message


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _keywords(call: ast.Call) -> set[str]:
    return {k.arg for k in call.keywords if k.arg}


def _untranslated(path: Path) -> list[str]:
    """Calls that make a user-facing message without its Chinese (by line)."""
    missing = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name, keywords = _name(node), _keywords(node)
        has_message = len(node.args) >= 2 or (name != "Problem" and len(node.args) >= 1)
        if name in _NEEDS_ZH and has_message and "zh" not in keywords:
            if name in ("error", "warning") and not isinstance(node.func, ast.Attribute):
                continue
            if isinstance(node.func, ast.Attribute) and _receiver(node.func) in _LOGGERS:
                continue
            missing.append(f"{path.name}:{node.lineno} {name}")
        elif name in _NEEDS_ZH and "hint" in keywords and "hint_zh" not in keywords:
            missing.append(f"{path.name}:{node.lineno} {name} hint")
        elif name in _RAISES and node.args and "zh" not in keywords:
            missing.append(f"{path.name}:{node.lineno} {name}")
        elif name == "ValidationFailed" and len(node.args) >= 2 and "summary_zh" not in keywords:
            missing.append(f"{path.name}:{node.lineno} summary")
        if name in _NEEDS_ZH | _RAISES | {"ValidationFailed"} and any(map(_mixed, node.args)):
            missing.append(f"{path.name}:{node.lineno} 'english / 中文' in one string")
        elif name == "Message" and len(node.args) < 2 and not (node.args and isinstance(node.args[0], ast.Call)):
            literal = node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == ""
            if not literal:
                missing.append(f"{path.name}:{node.lineno} Message")
    return missing


def _receiver(func: ast.Attribute) -> str:
    """The name a method is called on (``log`` of ``log.warning``), "" for anything else."""
    return func.value.id if isinstance(func.value, ast.Name) else ""


def _mixed(argument: ast.expr) -> bool:
    """A message argument written as "english / 中文" (the form the pair replaces)."""
    texts = [n.value for n in ast.walk(argument) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    joined = "".join(texts)
    return " / " in joined and any("\u4e00" <= c <= "\u9fff" for c in joined)


@pytest.mark.parametrize("module", CONVERTED)
def test_every_message_of_a_converted_module_has_both_languages(module: str) -> None:
    assert _untranslated(PACKAGE / module) == []


def test_the_scan_finds_an_english_only_message(tmp_path: Path) -> None:
    sample = tmp_path / "reader.py"
    sample.write_text(
        "problems.error(where, 'bad', zh='坏')\nproblems.error(where, 'worse')\n"
        "raise NotFound('gone')\nraise ValidationFailed(problems, 'x: refused')\n"
        "problems.error(where, 'bad / 坏', zh='坏')\n"
        "raise typer.BadParameter('not a date', param_hint='--on')\nraise bad_parameter('not a date', '不是日期')\n"
        "raise SignatureError('wrong passphrase')\nraise SignatureError('wrong passphrase', zh='口令不符')\n",
        encoding="utf-8",
    )
    assert _untranslated(sample) == [
        "reader.py:2 error",
        "reader.py:3 NotFound",
        "reader.py:4 summary",
        "reader.py:5 'english / 中文' in one string",
        "reader.py:6 BadParameter",
        "reader.py:8 SignatureError",
    ]


def test_the_scan_leaves_log_lines_alone(tmp_path: Path) -> None:
    """A logger's warning is for the operator, in English; a collector's warning is the user's and is scanned."""
    sample = tmp_path / "route.py"
    sample.write_text("log.warning('refused %s', name)\nproblems.warning(where, 'odd')\n", encoding="utf-8")
    assert _untranslated(sample) == ["route.py:2 warning"]


def test_converted_readers_give_chinese_for_every_problem_of_a_bad_file(tmp_path: Path) -> None:
    """Constructed errors: every problem a bad dealer file, audit file and KPI file raise has its Chinese."""
    from dealer_audit.core.audit_form import audit_from_dict
    from dealer_audit.core.kpis import Curve, CurveKind, Direction, KpiDefinition
    from dealer_audit.core.standard import LocalText, NumberRange
    from dealer_audit.formats.dealers import check_dealers
    from dealer_audit.formats.kpi_values import check_kpi_values

    dealers = tmp_path / "dealers.csv"
    dealers.write_text(
        "code,name_zh,region,bays,bad name,\nA/B,,mars,1e999,x,y\nC1,丙,east/2,99999999999999999999,,\nC1,丁,,,,\n",
        encoding="utf-8",
    )
    _, problems = check_dealers(dealers, regions={"east"})
    audit = {"format": "x", "format_version": 9, "kind": "odd", "scenario": 3, "revision": 0, "answers": {"R1": 5}}
    try:
        audit_from_dict({**audit, "bogus": 1}, source="a.json")
    except ValidationFailed as failure:
        problems += failure.problems
    nps = KpiDefinition(
        "nps", LocalText("净推荐值", "NPS"), LocalText("分", "points"), Direction.HIGHER, Curve(CurveKind.LINEAR)
    )
    kpis = [replace(nps, range=NumberRange(min=-100, max=100))]
    values = tmp_path / "kpis.csv"
    values.write_text(
        "dealer_code,kpi,value,base_n\nSH01,npx,lots,-1\n,,,x\nSH001,nps,,\nSH001,nps,300,\n", encoding="utf-8"
    )
    problems += check_kpi_values(values, kpis, {"SH001"})[1].problems
    assert len(problems) >= 15
    untranslated = [str(p) for p in problems if not p.zh or (p.hint and not p.hint_zh)]
    assert untranslated == []


def test_square_brackets_in_a_message_are_printed(tmp_path: Path) -> None:
    """A message naming a settings section ("[ui] language") keeps its brackets: rich must not read them as markup."""
    ws = tmp_path / "ws"
    assert run("init", str(ws)).exit_code == 0
    settings = ws / "dealer-audit.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('language = "zh"', 'language = "fr"'), "utf-8")
    refused = run("dealers", "list", "-w", str(ws), lang="en")
    assert refused.exit_code == 1
    assert "[ui] language must be one of" in " ".join(refused.output.split())

"""Standards exported as XLSForms: pyxform converts them, and the form carries what the importer needs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import (
    AnswerType,
    Checklist,
    ChecklistKind,
    EvidenceRule,
    EvidenceWhen,
    Item,
    LocalText,
    NumberRange,
    Section,
)
from dealer_audit.errors import ValidationFailed
from dealer_audit.formats.standard_yaml import load_standard
from dealer_audit.formats.xlsform import EN, ZH, build_xlsform, write_xlsform

ROOT = Path(__file__).resolve().parents[2]
MINI = load_standard(ROOT / "tests/fixtures/mini_standard.yaml")
DEALERS = [
    Dealer(
        "SH001",
        LocalText("上海浦东服务中心", "Shanghai Pudong"),
        "east",
        city="上海",
        attributes={"has_ev_service": True},
    ),
    Dealer("BJ002", LocalText("北京朝阳服务中心", "Beijing Chaoyang"), "north", attributes={"has_ev_service": False}),
]


def shipped_standards() -> list[Checklist]:
    return [
        load_standard(path)
        for path in sorted((ROOT / "checklists").glob("*.yaml"))
        if "\nsections:" in path.read_text(encoding="utf-8")
    ]


def rows_by_name(form_rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["name"]: row for row in form_rows if row["type"] not in ("end group",)}


def to_xform(path: Path) -> str:
    warnings: list[str] = []
    result = convert(str(path), warnings=warnings)
    assert warnings == [], warnings
    return result.xform


# ---- pyxform accepts every exported form ---------------------------------------------------------------------------


@pytest.mark.parametrize("with_dealers", [False, True])
def test_mini_standard_converts_with_pyxform(tmp_path: Path, with_dealers: bool) -> None:
    path = tmp_path / "mini.xlsx"
    write_xlsform(MINI, path, DEALERS if with_dealers else None)
    xform = to_xform(path)
    assert "<h:title>迷你服务暗访 / Mini service mystery shop</h:title>" in xform
    assert 'version="2026.1"' in xform and 'id="mini-service"' in xform
    if with_dealers:
        assert "<has_ev_service>true</has_ev_service>" in xform  # the dealer attributes travel in the form


def test_shipped_standards_convert_with_pyxform(tmp_path: Path) -> None:
    standards = shipped_standards()
    if not standards:
        pytest.skip("no shipped standards in checklists/")
    dealers = [
        Dealer("SH001", LocalText("上海", "Shanghai"), "east", attributes={"has_ev_service": True, "tier": "A"}),
        Dealer("BJ002", LocalText("北京", "Beijing"), "north", attributes={"has_lounge": False, "tier": "B"}),
    ]
    for standard in standards:
        for dealer_list in (None, dealers):
            path = tmp_path / f"{standard.id}.xlsx"
            write_xlsform(standard, path, dealer_list)
            xform = to_xform(path)
            for item in standard.items():
                assert f"/{item.id}" in xform, (standard.id, item.id)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_odk_validate_accepts_the_forms(tmp_path: Path) -> None:
    """ODK Validate (JavaRosa, shipped with pyxform) parses every bind: relevant, constraint, calculate."""
    forms = [(MINI, DEALERS), *((s, None) for s in shipped_standards())]
    for standard, dealer_list in forms:
        path = tmp_path / f"{standard.id}.xlsx"
        write_xlsform(standard, path, dealer_list)
        convert(str(path), validate=True)


# ---- what the form says -------------------------------------------------------------------------------------------


def test_survey_rows_of_the_mini_standard() -> None:
    form = build_xlsform(MINI, DEALERS)
    names = [row["name"] for row in form.survey]
    assert names == [
        "start", "end", "standard", "dealer", "wave", "auditor",
        "reception", "R01", "R01_photo", "R01_note", "R02", "R03", "R04", "reception",
        "waiting", "W01", "W02", "W03", "W04", "W05", "W06", "W07", "waiting",
    ]  # fmt: skip
    rows = rows_by_name(form.survey)
    assert rows["standard"] == {"type": "calculate", "name": "standard", "calculation": "'mini-service@2026.1'"}
    assert rows["dealer"]["type"] == "select_one dealers"
    assert rows["R01"]["type"] == "select_one da_yes_no"
    assert rows["R01"][f"label::{ZH}"] == "R01 服务顾问使用平板电脑接车"
    assert rows["R01"][f"label::{EN}"] == "R01 The service advisor checks the car in on a tablet"
    assert rows["R01"][f"hint::{EN}"] == "SQ-2.1 · Watch whether a mobile device is used"
    assert rows["R01"]["required"] == "yes"
    assert rows["R01_photo"]["type"] == "image" and rows["R01_photo"]["relevant"] == "${R01} = 'no'"
    assert rows["R01_note"]["required"] == "yes" and rows["R01_note"]["relevant"] == "${R01} = 'no'"
    assert rows["R02"]["type"] == "select_one da_yes_no_na"
    assert rows["R03"]["type"] == "select_one da_yes_no"  # compliant "no": the photo rule would test = 'yes'
    assert rows["R04"]["type"] == "decimal"
    assert rows["R04"]["constraint"] == ". >= 0 and . <= 240"
    assert rows["R04"][f"constraint_message::{EN}"] == "Enter a value from 0 to 240 min"
    assert rows["R04"][f"label::{EN}"] == "R04 Minutes until greeted (min)"
    assert rows["W02"]["type"] == "select_one W02" and rows["W02"]["relevant"] == "${W01} = 'wait'"
    assert rows["W03"]["type"] == "select_multiple W03"
    assert rows["W04"]["relevant"] == (
        "instance('dealers')/root/item[name=${dealer}]/has_ev_service = 'true' and ${W01} = 'wait'"
    )
    assert rows["W05"]["type"] == "image" and "required" not in rows["W05"]
    assert rows["W07"]["type"] == "text" and "required" not in rows["W07"]
    assert rows["reception"] == {
        "type": "begin group",
        "name": "reception",
        f"label::{ZH}": "接待",
        f"label::{EN}": "Reception",
    }
    assert form.settings["form_id"] == "mini-service"
    assert form.settings["version"] == "2026.1"
    assert form.settings["default_language"] == ZH


def test_choices_carry_na_scale_options_and_dealer_attributes() -> None:
    form = build_xlsform(MINI, DEALERS)
    lists: dict[str, list[str]] = {}
    for row in form.choices:
        lists.setdefault(row["list_name"], []).append(row["name"])
    assert lists["da_yes_no"] == ["yes", "no"]
    assert lists["da_yes_no_na"] == ["yes", "no", "na"]
    assert lists["W01"] == ["wait", "leave"]
    assert lists["W02"] == ["1", "2", "3", "4", "5"]
    assert lists["W03"] == ["wifi", "drinks", "none"]
    assert lists["dealers"] == ["BJ002", "SH001"]
    sh001 = next(r for r in form.choices if r["list_name"] == "dealers" and r["name"] == "SH001")
    assert sh001 == {
        "list_name": "dealers",
        "name": "SH001",
        f"label::{EN}": "SH001 Shanghai Pudong",
        f"label::{ZH}": "SH001 上海浦东服务中心",
        "city": "上海",
        "has_ev_service": "true",
        "region": "east",
    }
    assert {"has_ev_service", "region", "city"} <= set(form.choice_columns)


def test_without_dealers_the_code_is_typed_and_attributes_are_asked() -> None:
    rows = rows_by_name(build_xlsform(MINI).survey)
    assert rows["dealer"]["type"] == "text"
    assert rows["dealer"]["constraint"] == "regex(., '^[A-Za-z0-9][A-Za-z0-9_.-]*$')"
    assert rows["dealer_has_ev_service"]["type"] == "text"
    # the attribute's type is unknown without the master data: the core's truthiness of any text, in XPath
    relevant = rows["W04"]["relevant"]
    assert relevant.startswith("(${dealer_has_ev_service} != '' and (not(translate(normalize-space(")
    assert relevant.endswith(" = '0'))) and ${W01} = 'wait'")


def _standard(*items: Item) -> Checklist:
    return Checklist("t", "1", ChecklistKind.MYSTERY_SHOP, LocalText(en="T"), (Section("s", LocalText(en="S"), items),))


def test_na_companion_and_evidence_always() -> None:
    item = Item(
        "N1",
        LocalText(en="Minutes"),
        AnswerType.NUMBER,
        na_allowed=True,
        range=NumberRange(min=0),
        evidence=EvidenceRule(photo=EvidenceWhen.ALWAYS, note=EvidenceWhen.NEVER),
    )
    rows = rows_by_name(build_xlsform(_standard(item)).survey)
    assert rows["N1_na"]["type"] == "select_multiple da_na"
    assert "required" not in rows["N1_na"]
    assert rows["N1"]["relevant"] == "not(selected(${N1_na}, 'na'))"
    assert rows["N1"]["constraint"] == ". >= 0"
    assert rows["N1_photo"]["relevant"] == "${N1} != ''"
    assert "N1_note" not in rows


def test_notes_on_all_items_are_optional() -> None:
    rows = rows_by_name(build_xlsform(MINI, notes="all").survey)
    assert rows["R02_note"]["relevant"] == "${R02} != ''" and "required" not in rows["R02_note"]
    assert rows["R01_note"]["required"] == "yes"  # the evidence rule still decides where a note is required
    assert "W07_note" not in rows  # a text item is its own note


def test_name_clashes_and_bad_conditions_are_reported_together() -> None:
    standard = _standard(
        Item("dealer", LocalText(en="Clash"), AnswerType.YES_NO),
        Item("Q1", LocalText(en="Q"), AnswerType.YES_NO, condition="Q9 == 'yes'"),
        Item("Q2", LocalText(en="Q"), AnswerType.MULTIPLE_CHOICE, options=()),
    )
    with pytest.raises(ValidationFailed) as raised:
        build_xlsform(standard)
    messages = [p.message for p in raised.value.problems]
    assert any("'dealer', which is already the metadata field 'dealer'" in m for m in messages)
    assert any("item Q1: the condition names item 'Q9'" in m for m in messages)


def test_workbook_sheets_and_text_that_looks_like_a_formula(tmp_path: Path) -> None:
    item = Item("Q1", LocalText(en="=1+1 is shown as text"), AnswerType.TEXT)
    path = tmp_path / "form.xlsx"
    write_xlsform(_standard(item), path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    survey = workbook["survey"]
    header = [c.value for c in survey[1]]
    label_column = header.index(f"label::{EN}")
    q1 = next(row for row in survey.iter_rows(min_row=2, values_only=True) if row[1] == "Q1")
    assert q1[label_column] == "Q1 =1+1 is shown as text"
    settings = {c.value: v.value for c, v in zip(workbook["settings"][1], workbook["settings"][2], strict=True)}
    assert settings["form_id"] == "t" and settings["version"] == "1"
    to_xform(path)

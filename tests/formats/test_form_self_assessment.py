"""The fill-in workbook as a dealer's self-assessment form: `kind` sealed in `_meta`, the header asks who filled it,
and it reads back as an audit of kind self (an ordinary form stays a visit and carries no kind row)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from dealer_audit.core.answers import AuditKind, AuditStatus
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import Checklist, LocalText
from dealer_audit.errors import ValidationFailed
from dealer_audit.formats.form_xlsx import META, SHEET, read_form, write_form
from dealer_audit.formats.standard_yaml import load_standard

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini_standard.yaml"
KEY = bytes(range(32))
ANSWERS = {"H6": "是/Yes", "H7": "是/Yes", "H8": "否/No", "H9": 1, "H10": "店内等待 / Waited on site", "H11": 5,
           "H12": "无线网络 / Wi-Fi", "H13": "是/Yes", "H14": "board.jpg"}  # fmt: skip


@pytest.fixture(scope="module")
def standard() -> Checklist:
    return load_standard(FIXTURE)


DEALER = Dealer("SH001", LocalText("上海一店", "Shanghai One"), "east", attributes={"has_ev_service": True})


def _meta(path: Path) -> dict[str, object]:
    sheet = openpyxl.load_workbook(path)[META]
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=1, max_row=18, max_col=2, values_only=True) if row[0]}


def test_self_assessment_form_reads_back_as_kind_self(tmp_path: Path, standard: Checklist) -> None:
    path = write_form(standard, DEALER, "2026-Q4", tmp_path / "self.xlsx", key=KEY, kind=AuditKind.SELF)
    assert _meta(path)["kind"] == "self"
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SHEET]
    assert sheet["A3"].value == "填写人 Filled in by" and "Dealer self-assessment" in sheet["A1"].value
    for ref, value in {**ANSWERS, "B3": "刘敏（前台主管）"}.items():
        sheet[ref] = value
    workbook.save(path)
    audit = read_form(path, [standard], key=KEY)
    assert audit.kind is AuditKind.SELF and audit.auditor == "刘敏（前台主管）"
    assert audit.status is AuditStatus.FINALISED and not audit.counts_in_scores


def test_an_ordinary_form_has_no_kind_and_is_a_visit(tmp_path: Path, standard: Checklist) -> None:
    path = write_form(standard, DEALER, "2026-Q4", tmp_path / "visit.xlsx", key=KEY)
    assert "kind" not in _meta(path)
    assert openpyxl.load_workbook(path)[SHEET]["A3"].value == "稽核员 Auditor"
    assert read_form(path, [standard], key=KEY).kind is AuditKind.VISIT


def test_kind_is_sealed_and_calibration_needs_a_scenario_file(tmp_path: Path, standard: Checklist) -> None:
    with pytest.raises(ValueError, match="calibration"):
        write_form(standard, DEALER, "2026-Q4", tmp_path / "c.xlsx", key=KEY, kind=AuditKind.CALIBRATION)
    path = write_form(standard, DEALER, "2026-Q4", tmp_path / "self.xlsx", key=KEY, kind=AuditKind.SELF)
    workbook = openpyxl.load_workbook(path)
    meta = workbook[META]
    row = next(r for r in range(1, 19) if meta.cell(r, 1).value == "kind")
    meta.cell(row, 2).value = "visit"  # a dealer turning its own form into a counted visit
    workbook.save(path)
    with pytest.raises(ValidationFailed) as failure:
        read_form(path, [standard], key=KEY)
    assert any("seal" in p.message for p in failure.value.errors)

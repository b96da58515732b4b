"""The HQ workbook's fixed texts come from the reports' one label table, in Chinese and in English."""

from __future__ import annotations

import re

import openpyxl
import pytest

from dealer_audit.core.calibration import calibrate
from dealer_audit.core.report_model import LABELS, build_network_report
from dealer_audit.render.xlsx.network import write_network_workbook
from tests.render.report_fixtures import ScoredNetwork

CJK = re.compile(r"[\u4e00-\u9fff]")
HEADER_ROWS = {"Dealers": [1], "Sections": [1], "Items": [1], "Audits": [1], "Answers": [1], "Calibration": [1, 4]}


def test_every_label_has_both_languages() -> None:
    assert all(set(entry) == {"en", "zh"} and all(entry.values()) for entry in LABELS.values())
    assert all(CJK.search(entry["zh"]) or entry["zh"] == entry["en"] for entry in LABELS.values())


@pytest.fixture(scope="module")
def books(network: ScoredNetwork, tmp_path_factory: pytest.TempPathFactory) -> dict[str, openpyxl.Workbook]:
    folder = tmp_path_factory.mktemp("labels")
    result = network.result
    calibration = calibrate(
        network.standards,
        [d.dealer for d in result.dealers],
        network.audits.values(),
        result.wave,
        scores={s.audit_id: s for s in result.audit_scores},
    )
    out = {}
    for lang in ("zh", "en"):
        report = build_network_report(result, network.standards, network.audits, lang=lang, generated="2026-11-23")
        path = write_network_workbook(report, folder / f"{lang}.xlsx", calibration=calibration, lang=lang)
        out[lang] = openpyxl.load_workbook(path, read_only=True)
    return out


def _headers(book: openpyxl.Workbook, sheet: str) -> list[str]:
    rows = list(book[sheet].iter_rows(max_row=max(HEADER_ROWS[sheet]), values_only=True))
    return [str(v) for number in HEADER_ROWS[sheet] for v in rows[number - 1] if v is not None]


@pytest.mark.parametrize("sheet", sorted(HEADER_ROWS))
def test_every_header_is_translated(books: dict[str, openpyxl.Workbook], sheet: str) -> None:
    """Each header in the Chinese workbook is Chinese unless it is data (a standard or section id, a code) and
    then the same in both; each English header has no Chinese character of a label."""
    zh, en = _headers(books["zh"], sheet), _headers(books["en"], sheet)
    assert len(zh) == len(en) > 0
    english_labels = {entry["en"] for entry in LABELS.values()} - {entry["zh"] for entry in LABELS.values()}
    untranslated = [z for z in zh if z in english_labels]
    assert untranslated == [], untranslated
    chinese_labels = {entry["zh"] for entry in LABELS.values() if CJK.search(entry["zh"])}
    assert [e for e in en if e in chinese_labels] == []
    assert sum(bool(CJK.search(z)) for z in zh) >= len(zh) // 2  # the sheet's own columns, not one header


def test_readme_is_translated(books: dict[str, openpyxl.Workbook]) -> None:
    readme = {
        lang: [str(c) for row in b["README"].iter_rows(values_only=True) for c in row if c] for lang, b in books.items()
    }
    english_labels = {entry["en"] for entry in LABELS.values()} - {entry["zh"] for entry in LABELS.values()}
    sheet_names = set(books["zh"].sheetnames)  # stay English: formulas and HQ's scripts refer to them
    assert [text for text in readme["zh"] if text in english_labels - sheet_names] == []
    assert not any(CJK.search(text) for text in readme["en"] if text in {e["zh"] for e in LABELS.values()})

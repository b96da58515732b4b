"""Dealer and HQ workbooks re-opened with openpyxl; HQ formulas recalculated by LibreOffice equal the model.

LibreOffice keeps the cached values of a file written by xlsxwriter, so the recalculation test first strips them
(openpyxl saves formulas without values), then converts with `soffice --headless` and reads the numbers it
computed. Skipped where LibreOffice is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from dealer_audit.core.report_model import DealerReport, NetworkReport, build_network_report
from dealer_audit.render.xlsx.dealer import write_dealer_workbook
from dealer_audit.render.xlsx.network import write_network_workbook
from tests.render.report_fixtures import ScoredNetwork

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def rows(ws: Any) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(values_only=True))


def header_index(ws: Any) -> dict[str, int]:
    return {str(v): k for k, v in enumerate(next(ws.iter_rows(values_only=True))) if v is not None}


# ---- dealer workbook -------------------------------------------------------------------------------------------


def test_dealer_workbook_summary_equals_model(tmp_path: Path, dealer_report_en: DealerReport) -> None:
    path = write_dealer_workbook(dealer_report_en, tmp_path / "d.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Items", "README"]
    summary = {r[0]: r[1] for r in rows(wb["Summary"]) if r[0]}
    assert summary["Code"] == "SH001"
    assert summary["Service Experience Index (/1000)"] == dealer_report_en.composite.value
    assert summary["Band"] == "Fair"
    assert summary["Rank in region"] == "3 / 12"
    assert summary["vs previous wave"] == pytest.approx(-125.4)
    assert summary["Mini service mystery shop"] == pytest.approx(60.0)
    assert summary["Reception"] == pytest.approx(62.5)
    validations = wb["Summary"].data_validations.dataValidation
    assert validations and validations[0].type == "date"  # the due dates of the action plan


def test_dealer_workbook_shows_how_sure_the_figures_are(tmp_path: Path, dealer_report_en: DealerReport) -> None:
    """Interval ends, shrunken estimate, change label, rank ranges and the one-visit mark read back equal to the
    report model, and the README sheet explains them in both languages."""
    r = dealer_report_en
    assert r.interval is not None and r.change is not None and r.rank_range_network
    wb = openpyxl.load_workbook(write_dealer_workbook(r, tmp_path / "d.xlsx"))
    summary = {row[0]: row[1] for row in rows(wb["Summary"]) if row[0]}
    assert summary["95% CI low"] == r.interval.low.value
    assert summary["95% CI high"] == r.interval.high.value
    assert summary["Shrunken estimate"] == r.shrunk.value
    assert summary[r.composite_name + f" (/{r.scale})"] == r.composite.value  # the raw figure stays
    assert summary["Real or noise"] == r.change.text
    assert summary["Plausible rank (region)"] == r.rank_range_region
    assert summary["Plausible rank (network)"] == r.rank_range_network
    for note in r.precision_notes:  # the model's notes, one of them naming the one-visit standard
        assert note in summary
    assert any("one visit" in n for n in r.precision_notes)

    table = rows(wb["Summary"])
    head_at = next(k for k, row in enumerate(table) if row[0] == "Standard")
    head = {v: k for k, v in enumerate(table[head_at]) if v}
    by_title = {row[0]: row for row in table[head_at + 1 : head_at + 1 + len(r.checklists)]}
    for c in r.checklists:
        row = by_title[c.title]
        assert row[head["Index"]] == c.index.value
        assert (row[head["95% CI low"]], row[head["95% CI high"]]) == (
            (c.interval.low.value, c.interval.high.value) if c.interval else (None, None)
        )
        assert row[head["Shrunken estimate"]] == c.shrunk.value
        assert row[head["Real or noise"]] == (c.change.text if c.change else None)
        assert row[head["One visit"]] == ("yes" if c.n_audits == 1 and c.interval else None)
    assert any(c.n_audits == 1 for c in r.checklists)

    readme = [" ".join(str(v) for v in row if v) for row in rows(wb["README"])]
    text = "\n".join(readme)
    for words in ("收缩估计", "Shrunken estimate", "变化判断", "Real or noise", "排名区间", "Rank range", "仅一次走访"):
        assert words in text
    assert "docs/scoring.md" in text


def test_dealer_workbook_items_every_answer_formatted(tmp_path: Path, dealer_report_zh: DealerReport) -> None:
    path = write_dealer_workbook(dealer_report_zh, tmp_path / "d.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["检查项明细"]
    data = rows(ws)[1:]
    items = [i for a in dealer_report_zh.audits for s in a.sections for i in s.items]
    assert len(data) == len(items)
    col = header_index(ws)
    by_id = {(r[col["检查项"]], r[col["模块"]]): r for r in data}
    r02 = by_id[("R02", "接待")]
    assert r02[col["结果"]] == "未通过" and r02[col["得分"]] == 0 and r02[col["满分"]] == 2
    assert r02[col["稽核员备注"]].startswith("Customer said <b>price & time</b>")
    assert r02[col["证据文件"]] == "board.png"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:")
    assert ws["A1"].font.b
    assert len(ws.conditional_formatting) >= 1
    assert ws.column_dimensions["F"].width > 40


# ---- HQ network workbook -----------------------------------------------------------------------------------------


def test_network_workbook_sheets_and_values(tmp_path: Path, network_report: NetworkReport) -> None:
    path = write_network_workbook(network_report, tmp_path / "hq.xlsx")
    wb = openpyxl.load_workbook(path, data_only=True)
    assert wb.sheetnames == ["README", "Dealers", "Sections", "Items", "Audits", "Answers"]
    dealers = wb["Dealers"]
    col = header_index(dealers)
    got = {r[0]: r for r in rows(dealers)[1:]}
    for d in network_report.dealers:
        row = got[d.dealer.code]
        assert row[col["Service Experience Index"]] == pytest.approx(d.composite.value)
        assert row[col["mini-service index"]] == pytest.approx(d.indices[0].value)
        assert row[col["Rank in network"]] == d.rank_network
        assert row[col["Rank in region"]] == d.rank_region
        assert row[col["Band"]] == d.band.label
        assert row[col["mini-service / Reception"]] == pytest.approx(d.sections[0][0].value)
    answers = rows(wb["Answers"])[1:]
    assert len(answers) == network_report.n_answers
    assert len(rows(wb["Audits"])) - 1 == sum(len(d.audits) for d in network_report.dealers)
    readme = "\n".join(str(r[1]) for r in rows(wb["README"]) if r[1])
    assert "Answers" in readme and "formulas" in readme


def test_network_figures_are_formulas_over_answers(tmp_path: Path, network_report: NetworkReport) -> None:
    wb = openpyxl.load_workbook(write_network_workbook(network_report, tmp_path / "hq.xlsx"))
    dealers, audits = wb["Dealers"], wb["Audits"]
    col = header_index(dealers)
    assert str(dealers.cell(2, col["mini-service index"] + 1).value).startswith("=IFERROR(AVERAGEIFS('Audits'!")
    assert str(dealers.cell(2, col["Rank in network"] + 1).value).startswith("=IF(ISNUMBER(")
    acol = header_index(audits)
    section = audits.cell(2, acol["mini-service / Reception"] + 1).value
    assert section.startswith("=IF(SUM('Answers'!H") and "SUM('Answers'!G" in section


def test_user_text_starting_with_formula_characters_stays_text(tmp_path: Path, network_report: NetworkReport) -> None:
    wb = openpyxl.load_workbook(write_network_workbook(network_report, tmp_path / "hq.xlsx"))
    name = wb["Dealers"]["C2"]
    assert name.value == "=Dealer 0" and name.data_type == "s"
    notes = [c for c in wb["Answers"]["I"] if c.value in ("=SUM(A1)", "-bad", "@x")]
    assert notes and all(c.data_type == "s" for c in notes)
    auditor = wb["Audits"]["G2"]
    assert auditor.value == "+auditor" and auditor.data_type == "s"
    item_text = wb["Items"]["E2"]
    assert item_text.value.startswith("=cmd") and item_text.data_type == "s"


def test_answers_continue_on_numbered_sheets_at_audit_boundaries(tmp_path: Path, network_report: NetworkReport) -> None:
    path = write_network_workbook(network_report, tmp_path / "hq.xlsx", max_rows=14)
    wb = openpyxl.load_workbook(path, data_only=True)
    answer_sheets = [n for n in wb.sheetnames if n.startswith("Answers")]
    assert answer_sheets[:2] == ["Answers", "Answers (2)"]
    total = 0
    for name in answer_sheets:
        data = rows(wb[name])[1:]
        assert len(data) + 1 <= 14
        audits_here = [r[1] for r in data]
        # an audit's answers never straddle two sheets
        for other in answer_sheets:
            if other != name:
                assert not set(audits_here) & {r[1] for r in rows(wb[other])[1:]}
        total += len(data)
    assert total == network_report.n_answers
    readme = "\n".join(str(r[1]) for r in rows(wb["README"]) if r[1])
    assert "1,048,576" in readme and "Answers (2)" in readme
    # values still right when split
    dealers = wb["Dealers"]
    col = header_index(dealers)
    assert rows(dealers)[1][col["mini-service index"]] == pytest.approx(network_report.dealers[0].indices[0].value)


def recalculated(path: Path, tmp_path: Path) -> Any:
    """The workbook as LibreOffice recomputes it (cached values stripped first, so nothing is taken on trust)."""
    stripped = tmp_path / "stripped.xlsx"
    openpyxl.load_workbook(path).save(stripped)
    out = tmp_path / "lo"
    out.mkdir()
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--calc", "--convert-to", "xlsx",
         "--outdir", str(out), str(stripped)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return openpyxl.load_workbook(out / "stripped.xlsx", data_only=True)


def assert_recalculation_matches(report: NetworkReport, wb: Any) -> None:
    dealers = wb["Dealers"]
    col = header_index(dealers)
    got = {r[0]: r for r in rows(dealers)[1:]}
    checked = 0
    for d in report.dealers:
        row = got[d.dealer.code]
        expect = [
            (report.composite_name, d.composite.value),
            ("Rank in network", d.rank_network),
            ("Rank in region", d.rank_region),
        ]
        for k, std in enumerate(report.standards):
            expect.append((f"{std.standard_id} index", d.indices[k].value))
            for j, sec in enumerate(std.sections):
                expect.append((f"{std.standard_id} / {sec.title}", d.sections[k][j].value))
        for title, value in expect:
            cell = row[col[title]]
            if value is None:
                assert cell in (None, ""), (d.dealer.code, title, cell)
            else:
                assert cell == pytest.approx(value, abs=1e-9), (d.dealer.code, title)
            checked += 1
        if d.band.code:
            assert row[col["Band"]] == d.band.label
    audits = wb["Audits"]
    acol = header_index(audits)
    lines = {a.audit_id: a for d in report.dealers for a in d.audits}
    for r in rows(audits)[1:]:
        line = lines[r[0]]
        for title, fig in (("Index", line.index), ("Raw index", line.raw_index)):
            if fig.value is None:
                assert r[acol[title]] in (None, "")
            else:
                assert r[acol[title]] == pytest.approx(fig.value, abs=1e-9), (line.audit_id, title)
    assert checked > 0


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculation_equals_model(tmp_path: Path, network_report: NetworkReport) -> None:
    path = write_network_workbook(network_report, tmp_path / "hq.xlsx")
    assert_recalculation_matches(network_report, recalculated(path, tmp_path))


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculation_of_a_real_scored_wave(tmp_path: Path, network: ScoredNetwork) -> None:
    """Real scores (knock-outs, N/A, bonus items, several visits) recomputed from the Answers sheet alone."""
    report = build_network_report(
        network.result, network.standards, network.audits, generated="2026-11-23", others=[network.previous]
    )
    assert any(a.knockouts for d in report.dealers for a in d.audits)
    path = write_network_workbook(report, tmp_path / "hq.xlsx")
    assert_recalculation_matches(report, recalculated(path, tmp_path))


@pytest.mark.parametrize(
    "formula",
    [
        "=SUM('Answers (2)'!H12:H70)",
        '=IFERROR(MIN(100,MAX(0,(0.25*N(J5))/(0.25*((J5)<>"")))),"")',
        "=XLOOKUP(A1,B1:B3,C1:C3)",  # a newer function: prefixed with _xlfn.
        "=T.DIST.2T(1,2)",  # a newer function with a digit in its name
        "{=SORT(A1:A9)}",
        "=_xlfn.STDEV.S(A1:A2)",
        "=SINGLE(A1)",
    ],
)
def test_formulas_are_prepared_as_xlsxwriter_prepares_them(formula: str) -> None:
    """The report worksheets prepare a formula once per shape (numbers aside): always what xlsxwriter writes,
    for a formula of the workbook's kind, for one with a newer Excel function, and after a formula of the same
    shape was prepared (the cached answer)."""
    import io

    from xlsxwriter.worksheet import Worksheet

    from dealer_audit.render.xlsx.common import ReportWorkbook

    for future in (False, True):
        book = ReportWorkbook(io.BytesIO(), {"use_future_functions": future})
        sheet = book.add_worksheet("x")
        for text in (formula, formula.replace("1", "7")):  # the second one has the first one's shape
            assert sheet._prepare_formula(text) == Worksheet._prepare_formula(sheet, text)

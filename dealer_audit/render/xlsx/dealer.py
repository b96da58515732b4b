"""The per-dealer workbook (`report dealer --xlsx`): the PDF's figures on a Summary sheet, every answer on Items.

Written with xlsxwriter (as the HQ workbook, see network.py): one writer for both workbooks, conditional formats
and number formats that Excel, LibreOffice and WPS all honour, and user text always stored as text. The numbers
are the report model's full-precision values with display formats (0.0, 0.0%), so a manager who re-sorts or
re-averages in Excel works with the same numbers the PDF rounds.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from dealer_audit.core.report_model import DealerReport, Figure, Result, label
from dealer_audit.core.standard import LocalText
from dealer_audit.formats.actions_xlsx import ExportHeader, add_actions_sheets
from dealer_audit.render.xlsx.common import (
    DELTA_FORMAT,
    HEADER_FORMAT,
    SCORE_FORMAT,
    WORKBOOK_OPTIONS,
    ReportWorkbook,
    write_figure,
    write_text,
)
from dealer_audit.render.xlsx.dealer_notes import word, write_readme

ITEM_COLUMNS = (
    ("audit", 38),
    ("standard", 16),
    ("section", 18),
    ("item", 8),
    ("reference", 10),
    ("item_text", 48),
    ("result", 10),
    ("answer", 16),
    ("earned", 8),
    ("possible", 8),
    ("note", 40),
    ("evidence", 24),
    ("repeat", 10),
    ("knockout", 10),
    ("dispute", 12),
)


def _title(key: str, lang: str) -> str:
    return label("dealer_xlsx." + key, lang)


def _summary(wb: Workbook, r: DealerReport, fmt: dict[str, Format]) -> None:
    ws = wb.add_worksheet(label("summary", r.lang))
    ws.set_column(0, 0, 30)
    ws.set_column(1, 12, 14)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # printed: every column on the page's width (the precision columns are on the right)
    t = r.t
    d = r.dealer
    ws.write_string(0, 0, f"{t('dealer_report')} · {d.code} · {r.wave}", fmt["title"])
    rows: list[tuple[str, str | Figure | None, str]] = [
        (t("code"), d.code, "text"),
        (t("name"), d.name(r.lang), "text"),
        ("", d.name_en if r.lang.startswith("zh") else d.name_zh, "text"),
        (t("region"), d.region_name, "text"),
        (t("city"), d.city, "text"),
        (t("wave"), r.wave_title or r.wave, "text"),
        (f"{r.composite_name} (/{r.scale})", r.composite, "score"),
        (t("band"), r.band.label, "band"),
        (t("rank_region"), r.rank_region.text, "text"),
        (t("rank_network"), r.rank_network.text, "text"),
        (t("delta"), r.delta, "delta"),
        # how sure the composite is (README sheet): interval ends and shrunken estimate as numbers, beside the index
        (word("ci_low", r.lang), r.interval.low if r.interval else None, "score"),
        (word("ci_high", r.lang), r.interval.high if r.interval else None, "score"),
        (t("shrunk"), r.shrunk, "score"),
        (t("change_test"), r.change.text if r.change else "", "text"),
        (t("rank_range_region"), r.rank_range_region, "text"),
        (t("rank_range_network"), r.rank_range_network, "text"),
    ]
    row = 2
    for key, value, kind in rows:
        write_text(ws, row, 0, key, fmt["bold"])
        if kind == "text":
            write_text(ws, row, 1, str(value))
        elif kind == "score":
            if value is not None:
                write_figure(ws, row, 1, value, fmt["score_big"] if value is r.composite else fmt["score"])
        elif kind == "delta":
            write_figure(ws, row, 1, value, fmt["delta"])
        else:  # the band, in its colour
            band_fmt = wb.add_format({"bg_color": r.band.color, "font_color": "#FFFFFF", "bold": True})
            write_text(ws, row, 1, str(value), band_fmt if r.band.code else None)
        row += 1
    for note in r.precision_notes:  # the model's own words: the interval, the shrunken estimate, one-visit figures
        ws.merge_range(row, 0, row, 7, "", fmt["note"])
        write_text(ws, row, 0, note, fmt["note"])
        ws.set_row(row, 32)
        row += 1

    row += 1
    head = [
        t("standard"),
        t("index"),
        t("raw_index"),
        t("band"),
        t("delta_short"),
        t("visits"),
        t("rank_region"),
        t("rank_network"),
        word("ci_low", r.lang),
        word("ci_high", r.lang),
        t("shrunk"),
        t("change_test"),
        word("one_visit", r.lang),
    ]
    for col, h in enumerate(head):
        ws.write_string(row, col, h, fmt["header"])
    row += 1
    for c in r.checklists:
        write_text(ws, row, 0, c.title)
        write_figure(ws, row, 1, c.index, fmt["score"])
        write_figure(ws, row, 2, c.raw_index, fmt["score"])
        write_text(ws, row, 3, c.band.label)
        write_figure(ws, row, 4, c.delta, fmt["delta"])
        ws.write_number(row, 5, c.n_audits)
        write_text(ws, row, 6, c.rank_region.text)
        write_text(ws, row, 7, c.rank_network.text)
        if c.interval is not None:
            write_figure(ws, row, 8, c.interval.low, fmt["score"])
            write_figure(ws, row, 9, c.interval.high, fmt["score"])
        write_figure(ws, row, 10, c.shrunk, fmt["score"])
        if c.change is not None:
            write_text(ws, row, 11, c.change.text)
        if c.n_audits == 1 and c.interval is not None:
            write_text(ws, row, 12, word("one_visit_yes", r.lang), fmt["warn"])
        row += 1

    row += 1
    head = [t("section"), t("this_dealer"), t("region_avg"), t("network_avg"), t("delta_short")]
    for col, h in enumerate(head):
        ws.write_string(row, col, h, fmt["header"])
    first = row + 1
    row += 1
    for s in r.sections:
        write_text(ws, row, 0, s.title)
        write_figure(ws, row, 1, s.dealer, fmt["score"])
        write_figure(ws, row, 2, s.region, fmt["score"])
        write_figure(ws, row, 3, s.network, fmt["score"])
        write_figure(ws, row, 4, s.delta, fmt["delta"])
        row += 1
    if r.sections:
        ws.conditional_format(
            first,
            1,
            row - 1,
            1,
            {
                "type": "data_bar",
                "bar_color": "#1F3A5F",
                "min_type": "num",
                "min_value": 0,
                "max_type": "num",
                "max_value": 100,
            },
        )

    row += 1
    ws.write_string(row, 0, t("knockouts_alerts"), fmt["header"])
    ws.write_string(row, 1, "", fmt["header"])
    row += 1
    for n in r.notices:
        write_text(
            ws,
            row,
            0,
            t("knockout") if n.kind == "knockout" else t("alert"),
            fmt["fail"] if n.kind == "knockout" else fmt["warn"],
        )
        write_text(ws, row, 1, n.text)
        row += 1
    if not r.notices:
        write_text(ws, row, 0, t("none"))
        row += 1

    row += 1
    head = [t("opportunities"), t("section"), t("points_lost"), t("impact")]
    for col, h in enumerate(head):
        ws.write_string(row, col, h, fmt["header"])
    row += 1
    for o in r.opportunities:
        write_text(ws, row, 0, f"{o.item_id} {o.text}")
        write_text(ws, row, 1, o.section)
        write_figure(ws, row, 2, o.points_lost, fmt["score"])
        write_figure(ws, row, 3, o.impact, fmt["score"])
        row += 1

    row += 1
    head = [t("action_plan"), t("what_to_fix"), t("owner"), t("due")]
    for col, h in enumerate(head):
        ws.write_string(row, col, h, fmt["header"])
    row += 1
    first_action = row
    for a in r.actions:
        write_text(ws, row, 0, f"{a.item_id} {a.text}", fmt["wrap"])
        write_text(ws, row, 1, a.what_to_fix, fmt["wrap"])
        ws.write_blank(row, 2, None, fmt["fill_in"])
        ws.write_blank(row, 3, None, fmt["fill_date"])
        row += 1
    if r.actions:
        # the dealer fills owner and due date in; a due date must be a date (Excel refuses anything else)
        ws.data_validation(first_action, 3, row - 1, 3, {
            "validate": "date", "criteria": ">", "value": date(2000, 1, 1),
            "input_title": t("due"), "input_message": "YYYY-MM-DD",
            "error_message": "YYYY-MM-DD"})  # fmt: skip
    row += 1
    write_text(ws, row, 0, f"{t('standard')}: {r.footer.standards}", fmt["muted"])
    write_text(ws, row + 1, 0, f"{t('audit')}: {r.footer.audit_ids}", fmt["muted"])
    write_text(ws, row + 2, 0, f"{t('generated')}: {r.footer.generated}", fmt["muted"])


def _items(wb: Workbook, r: DealerReport, fmt: dict[str, Format]) -> None:
    ws = wb.add_worksheet(label("items", r.lang))
    for col, (key, width) in enumerate(ITEM_COLUMNS):
        ws.write_string(0, col, _title(key, r.lang), fmt["header"])
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    row = 1
    yes = "是" if r.lang.startswith("zh") else "yes"
    for a in r.audits:
        for block in a.sections:
            for item in block.items:
                write_text(ws, row, 0, a.audit_id)
                write_text(ws, row, 1, a.standard_id)
                write_text(ws, row, 2, block.title)
                write_text(ws, row, 3, item.item_id)
                write_text(ws, row, 4, item.reference)
                write_text(ws, row, 5, item.text)
                write_text(ws, row, 6, label(item.result.value, r.lang))
                write_text(ws, row, 7, item.answer_text)
                if item.earned is not None:
                    ws.write_number(row, 8, item.earned)
                if item.possible is not None:
                    ws.write_number(row, 9, item.possible)
                write_text(ws, row, 10, item.note)
                write_text(ws, row, 11, ", ".join(e.file_name for e in item.evidence))
                if item.repeat_failure:
                    ws.write_string(row, 12, yes)
                if item.critical:
                    ws.write_string(row, 13, yes)
                write_text(ws, row, 14, item.dispute)
                row += 1
    last = max(row - 1, 1)
    ws.autofilter(0, 0, last, len(ITEM_COLUMNS) - 1)
    result_col = "G"
    for result, style in ((Result.FAIL, "fail"), (Result.PASS, "pass"), (Result.PARTIAL, "warn")):
        ws.conditional_format(
            1,
            0,
            last,
            len(ITEM_COLUMNS) - 1,
            {"type": "formula", "criteria": f'=${result_col}2="{label(result.value, r.lang)}"', "format": fmt[style]},
        )


def _export_time(generated: str) -> datetime:
    try:
        return datetime.fromisoformat(generated)
    except ValueError:
        return datetime.now()


def write_dealer_workbook(report: DealerReport, path: str | Path, seal_key: bytes | None = None) -> Path:
    """Write one dealer's workbook (Summary + Items + README, and the Actions sheets the dealer returns when actions
    are open and `seal_key` — the workspace's form key that seals them — is given)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = ReportWorkbook(str(path), WORKBOOK_OPTIONS)
    fmt = {
        "header": wb.add_format(HEADER_FORMAT),
        "title": wb.add_format({"bold": True, "font_size": 14, "font_color": "#1F3A5F"}),
        "bold": wb.add_format({"bold": True}),
        "score": wb.add_format(SCORE_FORMAT),
        "score_big": wb.add_format({**SCORE_FORMAT, "bold": True, "font_size": 14}),
        "delta": wb.add_format(DELTA_FORMAT),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "muted": wb.add_format({"font_color": "#5F6B7A"}),
        "note": wb.add_format({"font_color": "#5F6B7A", "text_wrap": True, "valign": "top"}),
        "fail": wb.add_format({"bg_color": "#FDECEA", "font_color": "#C62828"}),
        "pass": wb.add_format({"font_color": "#1B7F3B"}),
        "warn": wb.add_format({"bg_color": "#FFF4E5", "font_color": "#B26A00"}),
        "fill_in": wb.add_format({"bg_color": "#E8EEF5", "border": 1, "border_color": "#C9D1DB"}),
        "fill_date": wb.add_format(
            {"bg_color": "#E8EEF5", "border": 1, "border_color": "#C9D1DB", "num_format": "yyyy-mm-dd"}
        ),
    }
    _summary(wb, report, fmt)
    _items(wb, report, fmt)
    write_readme(wb, report, fmt)
    if report.open_actions and seal_key is not None:  # the sheet the dealer returns (`actions import`), sealed
        d = report.dealer
        head = ExportHeader(d.code, LocalText(d.name_zh, d.name_en), _export_time(report.footer.generated))
        add_actions_sheets(wb, head, report.open_actions, dict(report.requirements), seal_key)
    wb.close()
    return path

"""The per-auditor assignment workbook of a wave plan: one sheet of visits by day, ready to print.

User text (dealer names, cities) goes through `write_text`, so nothing becomes a formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import xlsxwriter

from dealer_audit.core.auditors import Auditor
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.planning import PlannedVisit
from dealer_audit.render.xlsx.common import HEADER_FORMAT, WORKBOOK_OPTIONS, header, write_text

COLUMNS = {
    "zh": ("日期", "星期", "经销商代码", "经销商", "省份", "城市", "标准", "双人稽核"),
    "en": ("Date", "Day", "Dealer code", "Dealer", "Province", "City", "Standard", "Double audit"),
}
WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def write_assignment_workbook(
    path: Path,
    wave: str,
    auditor: Auditor,
    visits: Sequence[PlannedVisit],
    dealers: Mapping[str, Dealer],
    lang: str,
) -> Path:
    """One auditor's visits in date order, with a title row naming the auditor and the wave."""
    words = COLUMNS["zh" if lang == "zh" else "en"]
    days = WEEKDAYS["zh" if lang == "zh" else "en"]
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    try:
        sheet = workbook.add_worksheet(wave[:31])
        title = workbook.add_format({"bold": True, "font_size": 13})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        heading = f"{auditor.name.get(lang)} ({auditor.id}) · {wave}"
        write_text(sheet, 0, 0, heading + (" 稽核计划" if lang == "zh" else " audit plan"), title)
        header(sheet, words, workbook.add_format(HEADER_FORMAT), (12, 6, 12, 30, 10, 12, 18, 10), row=2)
        for row, visit in enumerate(sorted(visits, key=lambda v: (v.day, v.dealer_code, v.standard_id)), start=3):
            dealer = dealers.get(visit.dealer_code)
            sheet.write_datetime(row, 0, visit.day, date_format)  # type: ignore[arg-type]
            write_text(sheet, row, 1, days[visit.day.weekday()])
            write_text(sheet, row, 2, visit.dealer_code)
            if dealer is not None:
                write_text(sheet, row, 3, dealer.name.get(lang))
                write_text(sheet, row, 4, dealer.province)
                write_text(sheet, row, 5, dealer.city)
            write_text(sheet, row, 6, visit.standard_id)
            write_text(sheet, row, 7, ("是" if lang == "zh" else "yes") if visit.double else "")
        sheet.freeze_panes(3, 0)
        sheet.repeat_rows(2)
        sheet.fit_to_pages(1, 0)
        sheet.set_landscape()
    finally:
        workbook.close()
    return path

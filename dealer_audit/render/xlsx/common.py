"""Workbook helpers shared by the dealer and network workbooks (xlsxwriter only; see network.py for why).

The safety rule lives here: user text is always written with `write_string`, so a note or a dealer name that
starts with `=`, `+`, `-` or `@` stays text and never becomes a formula (formula injection), and xlsxwriter's
URL/number guessing is switched off at workbook level.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from dealer_audit.core.report_model import Figure

WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
HEADER_FORMAT = {
    "bold": True,
    "font_color": "#FFFFFF",
    "bg_color": "#1F3A5F",
    "border": 1,
    "border_color": "#C9D1DB",
    "text_wrap": True,
    "valign": "top",
}
SCORE_FORMAT = {"num_format": "0.0"}
PERCENT_FORMAT = {"num_format": "0.0%"}
DELTA_FORMAT = {"num_format": "+0.0;-0.0;0.0"}
EXCEL_MAX_ROWS = 1_048_576
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def safe_sheet_title(title: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, not blank."""
    cleaned = _BAD_SHEET_CHARS.sub("_", title).strip("'") or "Sheet"
    return cleaned[:31]


def quote_sheet(title: str) -> str:
    """A sheet name as it appears in a formula reference ('Answers (2)'!A1)."""
    return "'" + title.replace("'", "''") + "'"


def write_figure(ws: Any, row: int, col: int, fig: Figure | None, fmt: Any = None) -> None:
    """A number cell, or nothing (a blank cell) when the figure is N/A."""
    if fig is not None and fig.value is not None:
        ws.write_number(row, col, fig.value, fmt)


def write_text(ws: Any, row: int, col: int, text: str, fmt: Any = None) -> None:
    """User or model text, always as a string (never a formula, URL or number)."""
    if text:
        ws.write_string(row, col, text, fmt)


def header(ws: Any, titles: Sequence[str], fmt: Any, widths: Sequence[float] | None = None, row: int = 0) -> None:
    for col, title in enumerate(titles):
        ws.write_string(row, col, title, fmt)
    if widths:
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
    ws.freeze_panes(row + 1, 0)

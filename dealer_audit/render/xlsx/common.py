"""Workbook helpers shared by the dealer and network workbooks (xlsxwriter only; see network.py for why).

The safety rule lives here: user text is always written with `write_string`, so a note or a dealer name that
starts with `=`, `+`, `-` or `@` stays text and never becomes a formula (formula injection), and xlsxwriter's
URL/number guessing is switched off at workbook level.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from dealer_audit.core.report_model import Figure

WORKBOOK_OPTIONS: dict[str, bool] = {
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
EXCEL_MAX_CELL = 32_767  # characters in one cell; Excel refuses (xlsxwriter silently cuts) anything longer
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def safe_sheet_title(title: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, not blank."""
    cleaned = _BAD_SHEET_CHARS.sub("_", title).strip("'") or "Sheet"
    return cleaned[:31]


def quote_sheet(title: str) -> str:
    """A sheet name as it appears in a formula reference ('Answers (2)'!A1)."""
    return "'" + title.replace("'", "''") + "'"


def fit_cell(text: str) -> str:
    """Text that fits one Excel cell: longer text is cut and says so, instead of xlsxwriter's silent cut."""
    if len(text) <= EXCEL_MAX_CELL:
        return text
    keep = EXCEL_MAX_CELL - 100  # the note below is shorter than 100 characters
    return text[:keep] + f"… [cut: {len(text) - keep:,} more characters; the full text is in the database]"


class ReportWorksheet(Worksheet):
    """A worksheet whose every string cell goes through `fit_cell` (all report text is written as strings).

    Hooks xlsxwriter's `_write_string`, which `write_string` and `write` call once the cell is resolved: one
    length test per cell, so the HQ workbook's hundreds of thousands of cells cost no measurable time."""

    def _write_string(self, row: int, col: int, string: str, cell_format: Format | None = None) -> int:
        if len(string) > EXCEL_MAX_CELL:
            string = fit_cell(string)
        return super()._write_string(row, col, string, cell_format)

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        """xlsxwriter's formula preparation, its ~30 regular-expression passes (one per newer Excel function it
        prefixes with `_xlfn.`) run once per formula *shape* instead of once per formula.

        Why: xlsxwriter runs every pass on every formula, about a quarter of the HQ workbook's writing time
        (125,000 formulas at 3,000 dealers), and those formulas differ only in their numbers (rows, weights).
        The shape is the formula with each run of digits replaced by 0: no function name xlsxwriter rewrites
        holds a digit except T.DIST.2T and T.INV.2T (those formulas take xlsxwriter's own path), so a formula
        is rewritten exactly when its shape is; the answer is asked of xlsxwriter itself, once per shape.
        """
        if "2T(" in formula:
            return super()._prepare_formula(formula, expand_future_functions)
        shape = _DIGITS.sub("0", formula)
        key = (shape, self.use_future_functions, expand_future_functions)
        unchanged = _UNCHANGED_SHAPES.get(key)
        if unchanged is None:
            plain = _strip_formula(shape)
            unchanged = super()._prepare_formula(shape, expand_future_functions) == plain
            if len(_UNCHANGED_SHAPES) < 20_000:
                _UNCHANGED_SHAPES[key] = unchanged
        if not unchanged:
            return super()._prepare_formula(formula, expand_future_functions)
        return _strip_formula(formula)


def _strip_formula(formula: str) -> str:
    """What xlsxwriter strips before its passes: array braces and the leading "="."""
    if formula.startswith("{"):
        formula = formula[1:]
    if formula.startswith("="):
        formula = formula[1:]
    if formula.endswith("}"):
        formula = formula[:-1]
    return formula


_DIGITS = re.compile(r"\d+")
# (formula shape, future functions on, expansion asked) -> whether xlsxwriter's passes leave it unchanged
_UNCHANGED_SHAPES: dict[tuple[str, bool, bool], bool] = {}


class ReportWorkbook(xlsxwriter.Workbook):
    """The workbook both reports write: `add_worksheet` gives `ReportWorksheet`s."""

    def add_worksheet(self, name: str | None = None, worksheet_class: type[Worksheet] | None = None) -> Worksheet:
        return super().add_worksheet(name, worksheet_class or ReportWorksheet)


def write_figure(ws: Worksheet, row: int, col: int, fig: Figure | None, fmt: Format | None = None) -> None:
    """A number cell, or nothing (a blank cell) when the figure is N/A."""
    if fig is not None and fig.value is not None:
        ws.write_number(row, col, fig.value, fmt)


def write_text(ws: Worksheet, row: int, col: int, text: str, fmt: Format | None = None) -> None:
    """User or model text, always as a string (never a formula, URL or number)."""
    if text:
        ws.write_string(row, col, text, fmt)


def header(
    ws: Worksheet, titles: Sequence[str], fmt: Format, widths: Sequence[float] | None = None, row: int = 0
) -> None:
    for col, title in enumerate(titles):
        ws.write_string(row, col, title, fmt)
    if widths:
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
    ws.freeze_panes(row + 1, 0)

"""The HQ network workbook (`dealer-audit consolidate`): every dealer, section, item, audit and answer.

Why xlsxwriter in constant-memory mode (and not openpyxl's write-only mode):

* HQ opens this file in tools that do *not* recalculate (pandas, openpyxl `data_only`, previewers). xlsxwriter's
  `write_formula(..., value=...)` stores the computed value beside each formula, so those tools read numbers; an
  openpyxl-written formula cell has no cached value and reads as empty.
* constant_memory flushes each row to a temporary file as soon as the next row starts, so memory stays flat
  whatever the network size (3,000 dealers, ~600k answers), and it writes about twice as fast as openpyxl's
  write-only mode on this machine (~116k vs ~56k cells/s).
* The price: rows must be written top to bottom, strings are inline (no shared-string table, a slightly bigger
  file). We write every sheet in row order anyway.

Traceability: the figures on the Audits and Dealers sheets are formulas over the Answers sheet, cheap enough for
Excel's recalculation on open: answers are sorted by dealer, standard, audit, section, item, so each audit's
section is a *contiguous* block of rows and its score is `SUM(earned)/SUM(possible)` over that block (no
SUMIFS scanning 600k rows per cell). Audit indices combine the section cells with the section weights and
apply knock-outs inline; a dealer's index per standard is the mean of its finalised audits (a contiguous block of
the Audits sheet); the composite, band and ranks are formulas over the Dealers sheet itself. Every formula is
written with its value as computed by the scoring engine, so the file reads correctly without recalculation and
a recalculation reproduces the same numbers.

Sheets longer than Excel's 1,048,576 rows continue on numbered sheets ("Answers (2)"), always at an audit
boundary so no formula range straddles two sheets; the README sheet says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from dealer_audit.core.calibration import Calibration
from dealer_audit.core.report_model import (
    AuditLine,
    ComplianceLine,
    DealerLine,
    NetworkReport,
    StandardColumns,
    label_format,
)
from dealer_audit.errors import Message
from dealer_audit.render.xlsx import coverage_sheet
from dealer_audit.render.xlsx.common import (
    DELTA_FORMAT,
    EXCEL_MAX_ROWS,
    HEADER_FORMAT,
    PERCENT_FORMAT,
    SCORE_FORMAT,
    WORKBOOK_OPTIONS,
    ReportWorkbook,
    quote_sheet,
    write_figure,
    write_text,
)
from dealer_audit.render.xlsx.incentives_sheet import add_kpi_sheets
from dealer_audit.render.xlsx.key_drivers_sheet import key_drivers_sheet
from dealer_audit.render.xlsx.self_assessment_sheet import SHEET as SELF_SHEET
from dealer_audit.render.xlsx.self_assessment_sheet import readme_line, self_assessment_sheet
from dealer_audit.render.xlsx.themes_sheet import themes_sheet

ANSWER_COLUMNS = (  # (header label, README meaning label, width): texts in report_model.LABELS
    ("dealer", "col_dealer", 10),
    ("audit", "col_audit", 38),
    ("standard", "col_standard", 16),
    ("section", "col_section", 14),
    ("item", "col_item", 9),
    ("value", "col_value", 14),
    ("earned", "col_earned", 8),
    ("possible", "col_possible", 8),
    ("hq_note", "col_note", 40),
    ("evidence", "col_evidence", 20),
)
COL_EARNED, COL_POSSIBLE = 6, 7


@dataclass
class _AuditRows:
    """Where one audit's answers landed: sheet title and, per section, the first and last row (1-based)."""

    sheet: str
    sections: dict[str, tuple[int, int]]


class _Formats:
    def __init__(self, wb: Workbook) -> None:
        self.header = wb.add_format(HEADER_FORMAT)
        self.score = wb.add_format(SCORE_FORMAT)
        self.percent = wb.add_format(PERCENT_FORMAT)
        self.delta = wb.add_format(DELTA_FORMAT)
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.title = wb.add_format({"bold": True, "font_size": 14, "font_color": "#1F3A5F"})
        self.bold = wb.add_format({"bold": True})
        self.p_value = wb.add_format({"num_format": "0.0000"})
        self.fail = wb.add_format({"bg_color": "#FDECEA", "font_color": "#C62828"})
        self.passed = wb.add_format({"font_color": "#1B7F3B"})
        self.score2 = wb.add_format({"num_format": "0.00"})


def _write_header(ws: Worksheet, titles: Sequence[str], fmt: Format, widths: Sequence[float]) -> None:
    for col, (title, width) in enumerate(zip(titles, widths, strict=True)):
        ws.write_string(0, col, title, fmt)
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)


def _plan(counts: Sequence[int], max_rows: int) -> list[int]:
    """How many sheets rows in blocks of `counts` need when no block may straddle two sheets."""
    sheets: list[int] = []
    row = max_rows
    for n in counts:
        if not sheets or row + n > max_rows:
            sheets.append(0)
            row = 1
        row += n
        sheets[-1] += n
    return sheets or [0]


def _numbered(base: str, k: int) -> str:
    return base if k == 0 else f"{base} ({k + 1})"


def _answers(sheets_in: list[Worksheet], f: _Formats, report: NetworkReport, max_rows: int) -> dict[str, _AuditRows]:
    """The long Answers sheet(s); returns where each audit's section blocks are."""
    titles = [label_format(c[0], report.lang) for c in ANSWER_COLUMNS]
    widths = [c[2] for c in ANSWER_COLUMNS]
    pending = list(sheets_in)
    sheets: list[str] = []
    placed: dict[str, _AuditRows] = {}
    ws: Worksheet | None = None
    row = max_rows  # forces the first sheet
    last_col = len(titles) - 1

    def new_sheet() -> Worksheet:
        sheet = pending.pop(0)
        _write_header(sheet, titles, f.header, widths)
        sheets.append(sheet.name)
        return sheet

    for dealer in report.dealers:
        for audit in dealer.audits:
            n = len(audit.answers)
            if ws is None or row + n > max_rows:
                if ws is not None:
                    ws.autofilter(0, 0, row - 1, last_col)
                ws = new_sheet()
                row = 1
            ranges: dict[str, tuple[int, int]] = {}
            ws_write_string, ws_write_number = ws.write_string, ws.write_number
            for a in audit.answers:
                ws_write_string(row, 0, a.dealer_code)
                ws_write_string(row, 1, a.audit_id)
                ws_write_string(row, 2, a.standard_id)
                ws_write_string(row, 3, a.section_id)
                ws_write_string(row, 4, a.item_id)
                if a.value:
                    ws_write_string(row, 5, a.value)
                # (no Result column: earned vs possible says it, and each cell less is ~10% of this sheet's
                # time at 600k rows; a conditional format colours the failures)
                if a.earned is not None:
                    ws_write_number(row, COL_EARNED, a.earned)
                if a.possible is not None:
                    ws_write_number(row, COL_POSSIBLE, a.possible)
                if a.note:
                    ws_write_string(row, 8, a.note)
                if a.evidence:
                    ws_write_string(row, 9, a.evidence)
                first, _ = ranges.get(a.section_id, (row + 1, row + 1))
                ranges[a.section_id] = (first, row + 1)
                row += 1
            placed[audit.audit_id] = _AuditRows(sheets[-1], ranges)
    if ws is None:
        ws = new_sheet()
        row = 1
    ws.autofilter(0, 0, max(row - 1, 0), last_col)
    _colour_failures(_used_sheets(sheets_in, sheets), f)
    return placed


def _used_sheets(sheets_in: list[Worksheet], used: list[str]) -> list[Worksheet]:
    return [s for s in sheets_in if s.name in used]


def _colour_failures(sheets: list[Worksheet], f: _Formats) -> None:
    """Failed items in red: one conditional format per sheet instead of a format on every failed cell."""
    e, p = xl_col_to_name(COL_EARNED), xl_col_to_name(COL_POSSIBLE)
    for ws in sheets:
        ws.conditional_format(1, 0, EXCEL_MAX_ROWS - 1, COL_POSSIBLE, {
            "type": "formula", "criteria": f"=AND(ISNUMBER(${e}2),${e}2<${p}2)", "format": f.fail})  # fmt: skip


def _section_sums(rows: _AuditRows | None, section_id: str) -> tuple[str, str] | None:
    """SUM(earned) and SUM(possible) over the section's contiguous answer rows, or None when it has none."""
    if rows is None or section_id not in rows.sections:
        return None
    first, last = rows.sections[section_id]
    sheet = quote_sheet(rows.sheet)
    e, p = xl_col_to_name(COL_EARNED), xl_col_to_name(COL_POSSIBLE)
    return f"SUM({sheet}!{e}{first}:{e}{last})", f"SUM({sheet}!{p}{first}:{p}{last})"


def _raw_section(sums: tuple[str, str]) -> str:
    """100·Σearned/Σpossible capped at 100 (bonus points), "" when nothing counted (section N/A)."""
    earned, possible = sums
    return f'IF({possible}>0,MIN(100,100*{earned}/{possible}),"")'


def _index_formula(terms: Sequence[tuple[str, float]], caps: Sequence[float], zero: bool) -> str:
    """Σ W_s·section% / Σ W_s over the applicable (non-blank) sections, clamped to 0..100, then the knock-outs.

    Each term is an expression that yields a section % or "" (N/A): a cell of this row, or an inline formula.
    """
    if zero:
        return "=0"
    num = "+".join(f"{w!r}*N({x})" for x, w in terms)
    den = "+".join(f'{w!r}*(({x})<>"")' for x, w in terms)
    core = f"MIN(100,MAX(0,({num})/({den})))"
    if caps:
        core = f"MIN({min(caps)!r},{core})"
    return f'=IFERROR({core},"")'


@dataclass(frozen=True)
class _Layout:
    """Column positions of the Audits sheet: the fixed columns, then every standard's sections."""

    fixed: tuple[str, ...]
    section_cols: dict[tuple[str, str], int]

    @property
    def width(self) -> int:
        return len(self.fixed) + len(self.section_cols)


AUDIT_FIXED = (  # labels (report_model.LABELS)
    "audit",
    "dealer",
    "region",
    "standard",
    "version",
    "wave",
    "auditor",
    "visit_date",
    "status",
    "index",
    "raw_index",
    "knockouts",
    "answers_sheet",
)
A_STATUS, A_INDEX, A_RAW = 8, 9, 10


def _audit_layout(standards: Sequence[StandardColumns]) -> _Layout:
    cols: dict[tuple[str, str], int] = {}
    k = len(AUDIT_FIXED)
    for std in standards:
        for s in std.sections:
            cols[(std.standard_id, s.section_id)] = k
            k += 1
    return _Layout(AUDIT_FIXED, cols)


def _audits(
    sheets_in: list[Worksheet], f: _Formats, report: NetworkReport, placed: dict[str, _AuditRows], max_rows: int
) -> dict[str, tuple[str, int, int]]:
    """The Audits sheet(s); returns per (dealer, standard) the sheet and the 1-based row block of its audits."""
    layout = _audit_layout(report.standards)
    std_by_id = {s.standard_id: s for s in report.standards}
    titles = [label_format(key, report.lang) for key in AUDIT_FIXED]
    titles += [f"{s.standard_id} / {c.title}" for s in report.standards for c in s.sections]
    widths = [38, 10, 10, 16, 9, 9, 12, 11, 9, 8, 8, 24, 12] + [11] * len(layout.section_cols)
    blocks: dict[str, tuple[str, int, int]] = {}
    pending = list(sheets_in)
    sheets: list[str] = []
    ws: Worksheet | None = None
    row = max_rows

    for dealer in report.dealers:
        by_std: dict[str, list[AuditLine]] = {}
        for a in dealer.audits:
            by_std.setdefault(a.standard_id, []).append(a)
        if ws is None or row + len(dealer.audits) > max_rows:
            if ws is not None:
                ws.autofilter(0, 0, row - 1, layout.width - 1)
            ws = pending.pop(0)
            _write_header(ws, titles, f.header, widths)
            sheets.append(ws.name)
            row = 1
        for std_id, audits in by_std.items():
            first = row + 1
            std = std_by_id.get(std_id)
            for a in audits:
                rows = placed.get(a.audit_id)
                ws.write_string(row, 0, a.audit_id)
                ws.write_string(row, 1, a.dealer_code)
                ws.write_string(row, 2, a.region_code)
                ws.write_string(row, 3, a.standard_id)
                ws.write_string(row, 4, a.standard_version)
                ws.write_string(row, 5, a.wave)
                write_text(ws, row, 6, a.auditor)
                write_text(ws, row, 7, a.visit_date)
                ws.write_string(row, 8, a.status)
                gated_terms: list[tuple[str, float]] = []
                raw_terms: list[tuple[str, float]] = []
                for k, sec in enumerate(std.sections if std else ()):
                    col = layout.section_cols[(std_id, sec.section_id)]
                    sums = _section_sums(rows, sec.section_id)
                    if sums is None:
                        continue
                    ref = f"{xl_col_to_name(col)}{row + 1}"
                    fig = a.sections[k] if k < len(a.sections) else None
                    value: float | str = "" if fig is None or fig.value is None else fig.value
                    if sec.section_id in a.zeroed_sections:
                        # a zero_section knock-out: the section applies but scores 0; the raw index still sees
                        # what the answers gave
                        ws.write_formula(row, col, f'=IF({sums[1]}>0,0,"")', f.score, value)
                        raw_terms.append((_raw_section(sums), sec.weight))
                    else:
                        ws.write_formula(row, col, "=" + _raw_section(sums), f.score, value)
                        raw_terms.append((ref, sec.weight))
                    gated_terms.append((ref, sec.weight))
                raw_value: float | str = "" if a.raw_index.value is None else a.raw_index.value
                index_value: float | str = "" if a.index.value is None else a.index.value
                if gated_terms and a.index.value is not None:
                    ws.write_formula(row, A_RAW, _index_formula(raw_terms, (), False), f.score, raw_value)
                    ws.write_formula(
                        row, A_INDEX, _index_formula(gated_terms, a.caps, a.zero_index), f.score, index_value
                    )
                else:
                    write_figure(ws, row, A_INDEX, a.index, f.score)
                    write_figure(ws, row, A_RAW, a.raw_index, f.score)
                write_text(ws, row, 11, a.knockouts)
                write_text(ws, row, 12, rows.sheet if rows else "")
                row += 1
            blocks[f"{dealer.dealer.code}\x00{std_id}"] = (sheets[-1], first, row)
    if ws is None:
        ws = pending.pop(0)
        _write_header(ws, titles, f.header, widths)
        row = 1
    ws.autofilter(0, 0, max(row - 1, 0), layout.width - 1)
    return blocks


def _dealers(
    wb: Workbook, ws: Worksheet, f: _Formats, report: NetworkReport, blocks: dict[str, tuple[str, int, int]]
) -> None:
    def t(key: str, **values: object) -> str:
        return label_format(key, report.lang, **values)

    fixed = [
        t("dealer"),
        t("name_zh"),
        t("name_en"),
        t("region"),
        t("region_name"),
        t("city"),
        t("province"),
        t("group"),
        report.composite_name,
        t("band"),
        t("rank_region"),
        t("rank_network"),
        t("delta_previous"),
        *(t(key) for key in PRECISION_KEYS),
    ]
    per_std: list[str] = []
    for std in report.standards:
        sid = std.standard_id
        per_std += [t("std_index", standard=sid), t("std_delta", standard=sid), t("std_audits", standard=sid)]
    sec_titles = [f"{std.standard_id} / {s.title}" for std in report.standards for s in std.sections]
    history = [f"{report.composite_name} {w}" for w in report.waves[1:]]
    titles = fixed + per_std + sec_titles + history
    widths = [10, 24, 24, 9, 10, 10, 10, 12, 11, 11, 9, 9, 10, 10, 10, 11, 14, 9, 9, 9, 9, 9]
    widths += [11] * (len(titles) - len(fixed))
    _write_header(ws, titles, f.header, widths)
    n = len(report.dealers)
    last = n + 1  # last data row, 1-based
    composite_col, band_col, rrank_col, nrank_col, delta_col = 8, 9, 10, 11, 12
    std_index_col = {std.standard_id: len(fixed) + 3 * k for k, std in enumerate(report.standards)}
    sec_start = len(fixed) + len(per_std)
    region_col = xl_col_to_name(3)
    comp = xl_col_to_name(composite_col)
    # the band as a lookup on a small table on the README sheet would hide it; a nested IF is readable enough
    bands = sorted(report.bands, key=lambda b: b.min, reverse=True)
    for i, d in enumerate(report.dealers):
        row = i + 1
        ident = d.dealer
        for col, text in enumerate(
            (
                ident.code,
                ident.name_zh,
                ident.name_en,
                ident.region_code,
                ident.region_name,
                ident.city,
                ident.province,
                ident.group,
            )
        ):
            write_text(ws, row, col, text)
        index_refs: list[tuple[str, float]] = []
        for k, std in enumerate(report.standards):
            col = std_index_col[std.standard_id]
            block = blocks.get(f"{ident.code}\x00{std.standard_id}")
            fig = d.indices[k]
            value: float | str = "" if fig.value is None else fig.value
            if block is not None:
                sheet, first, end = block
                rng = f"{quote_sheet(sheet)}!{{c}}{first}:{{c}}{end}"
                index_rng = rng.format(c=xl_col_to_name(A_INDEX))
                status_rng = rng.format(c=xl_col_to_name(A_STATUS))
                ws.write_formula(
                    row, col, f'=IFERROR(AVERAGEIFS({index_rng},{status_rng},"finalised"),"")', f.score, value
                )
            else:
                write_figure(ws, row, col, fig, f.score)
            write_figure(ws, row, col + 1, d.index_deltas[k], f.delta)
            ws.write_number(row, col + 2, d.n_audits[k])
            index_refs.append((f"{xl_col_to_name(col)}{row + 1}", std.weight))
            # sections: mean of the finalised audits' section % (blank when N/A everywhere)
            for j, sec in enumerate(std.sections):
                scol = sec_start + sum(len(s.sections) for s in report.standards[:k]) + j
                sfig = d.sections[k][j] if k < len(d.sections) and j < len(d.sections[k]) else None
                svalue: float | str = "" if sfig is None or sfig.value is None else sfig.value
                if block is not None and sec.formula_ok:
                    sheet, first, end = block
                    audit_col = xl_col_to_name(len(AUDIT_FIXED) + _section_offset(report.standards, k, j))
                    rng = f"{quote_sheet(sheet)}!{audit_col}{first}:{audit_col}{end}"
                    status_rng = (
                        f"{quote_sheet(sheet)}!{xl_col_to_name(A_STATUS)}{first}:{xl_col_to_name(A_STATUS)}{end}"
                    )
                    ws.write_formula(
                        row, scol, f'=IFERROR(AVERAGEIFS({rng},{status_rng},"finalised"),"")', f.score, svalue
                    )
                else:
                    write_figure(ws, row, scol, sfig, f.score)
        # composite: weighted mean of the standard indices on the program's scale; N/A when one is missing
        comp_value: float | str = "" if d.composite.value is None else d.composite.value
        if index_refs:
            missing = ",".join(f'{c}=""' for c, _ in index_refs)
            num = "+".join(f"{w!r}*{c}" for c, w in index_refs)
            den = repr(sum(w for _, w in index_refs))
            formula = f'=IF(OR({missing}),"",({num})/{den}*{report.scale}/100)'
            ws.write_formula(row, composite_col, formula, f.score, comp_value)
        else:
            write_figure(ws, row, composite_col, d.composite, f.score)
        cell = f"{comp}{row + 1}"
        if bands:
            band_formula = '""'
            for b in reversed(bands):
                threshold = b.min * report.scale / 100
                band_formula = f'IF({cell}>={threshold!r},"{_xl_text(b.label)}",{band_formula})'
            ws.write_formula(
                row, band_col, f'=IF({cell}="","",{band_formula})', None, d.band.label if d.band.code else ""
            )
        else:
            write_text(ws, row, band_col, d.band.label if d.band.code else "")
        rng_comp = f"${comp}$2:${comp}${last}"
        rng_region = f"${region_col}$2:${region_col}${last}"
        ws.write_formula(
            row,
            nrank_col,
            f'=IF(ISNUMBER({cell}),RANK({cell},{rng_comp}),"")',
            None,
            "" if d.rank_network is None else d.rank_network,
        )
        ws.write_formula(
            row,
            rrank_col,
            f"=IF(ISNUMBER({cell}),SUMPRODUCT(({rng_region}={region_col}{row + 1})*ISNUMBER({rng_comp})"
            f'*({rng_comp}>{cell}))+1,"")',
            None,
            "" if d.rank_region is None else d.rank_region,
        )
        write_figure(ws, row, delta_col, d.delta, f.delta)
        _write_precision(ws, row, delta_col + 1, d, f)
        for k, fig in enumerate(d.history):
            write_figure(ws, row, len(titles) - len(history) + k, fig, f.score)
    ws.autofilter(0, 0, max(n, 1), len(titles) - 1)
    for b in bands:
        colour = b.color
        ws.conditional_format(
            1,
            band_col,
            max(n, 1),
            band_col,
            {
                "type": "cell",
                "criteria": "==",
                "value": f'"{_xl_text(b.label)}"',
                "format": wb.add_format({"bg_color": colour, "font_color": "#FFFFFF"}),
            },
        )


# Beside the Δ column of the Dealers sheet: how sure the composite is (docs/scoring.md §9). Computed values, not
# formulas: they rest on the variance pooled over the whole network, which no row-level formula can see.
PRECISION_KEYS = (
    "ci_low",
    "ci_high",
    "shrunken",
    "delta_test",
    "delta_q",
    "network_rank_best",
    "network_rank_worst",
    "region_rank_best",
    "region_rank_worst",
)


def _write_precision(ws: Worksheet, row: int, col: int, d: DealerLine, f: _Formats) -> None:
    if d.interval is not None:
        write_figure(ws, row, col, d.interval.low, f.score)
        write_figure(ws, row, col + 1, d.interval.high, f.score)
    write_figure(ws, row, col + 2, d.shrunk, f.score)
    if d.change is not None:
        write_text(ws, row, col + 3, d.change.text)
        if d.change.q is not None:
            ws.write_number(row, col + 4, d.change.q, f.p_value)
    if d.rank_range is not None:
        r = d.rank_range
        for k, value in enumerate((r.network_best, r.network_worst, r.region_best, r.region_worst)):
            ws.write_number(row, col + 5 + k, value)


def _section_offset(standards: Sequence[StandardColumns], k: int, j: int) -> int:
    return sum(len(s.sections) for s in standards[:k]) + j


def _xl_text(text: str) -> str:
    return text.replace('"', '""')


def _compliance(ws: Worksheet, f: _Formats, lines: Sequence[ComplianceLine], with_item: bool, lang: str) -> None:
    keys = ["scope", "standard", "section", *(["item"] if with_item else []), "text", "applicable", "passed"]
    titles = [label_format(key, lang) for key in [*keys, "compliance_rate", "wilson_low", "wilson_high"]]
    widths = [10, 16, 14] + ([9] if with_item else []) + [48, 10, 9, 11, 10, 10]
    _write_header(ws, titles, f.header, widths)
    for i, line in enumerate(lines, start=1):
        values = [line.scope, line.standard_id, line.section_id] + ([line.item_id] if with_item else [])
        for col, text in enumerate(values):
            write_text(ws, i, col, text)
        base = len(values)
        write_text(ws, i, base, line.text)
        ws.write_number(i, base + 1, line.applicable)
        ws.write_number(i, base + 2, line.passed)
        a, p = xl_col_to_name(base + 1), xl_col_to_name(base + 2)
        value: float | str = "" if line.rate.value is None else line.rate.value
        ws.write_formula(i, base + 3, f'=IF({a}{i + 1}>0,{p}{i + 1}/{a}{i + 1},"")', f.percent, value)
        if line.interval is not None:
            write_figure(ws, i, base + 4, line.interval.low, f.percent)
            write_figure(ws, i, base + 5, line.interval.high, f.percent)
    ws.autofilter(0, 0, max(len(lines), 1), len(titles) - 1)
    rate_col = len(titles) - 3
    ws.conditional_format(
        1,
        rate_col,
        max(len(lines), 1),
        rate_col,
        {
            "type": "3_color_scale",
            "min_color": "#F8D0CC",
            "mid_color": "#FFF3CD",
            "max_color": "#C8E6C9",
            "min_type": "num",
            "min_value": 0.5,
            "mid_type": "num",
            "mid_value": 0.75,
            "max_type": "num",
            "max_value": 1,
        },
    )


def _actions(ws: Worksheet, f: _Formats, report: NetworkReport) -> None:
    """Every stored action (`dealer-audit actions`): status, owner, due date, overdue, repeats, finding."""
    titles = ["Action", "Dealer", "Region", "Wave", "Standard", "Item", "Critical", "Status", "Owner", "Due date",
              "Overdue", "Repeats", "Finding", "Dealer note"]  # fmt: skip
    widths = [34, 9, 9, 9, 16, 8, 8, 12, 14, 11, 8, 8, 40, 32]
    _write_header(ws, titles, f.header, widths)
    for i, a in enumerate(report.actions, start=1):
        for col, text in enumerate((a.action_id, a.dealer_code, a.region, a.wave, a.standard_id, a.item_id)):
            write_text(ws, i, col, text)
        write_text(ws, i, 6, "yes" if a.critical else "")
        write_text(ws, i, 7, a.status)
        write_text(ws, i, 8, a.owner)
        write_text(ws, i, 9, a.due)
        write_text(ws, i, 10, "overdue" if a.overdue else "", f.fail if a.overdue else None)
        if a.repeat_count:
            ws.write_number(i, 11, a.repeat_count)
        write_text(ws, i, 12, a.finding)
        write_text(ws, i, 13, a.note)
    ws.autofilter(0, 0, max(len(report.actions), 1), len(titles) - 1)


def _disputes(ws: Worksheet, f: _Formats, report: NetworkReport) -> None:
    """The wave's disputes and, below them, dispute and overturn rates per auditor and per item."""
    titles = ["Dispute", "Dealer", "Audit", "Standard", "Item", "Auditor", "Filed", "Reason", "Status", "Ruled by",
              "Why"]  # fmt: skip
    _write_header(ws, titles, f.header, [40, 9, 12, 16, 8, 12, 11, 40, 12, 14, 36])
    row = 1
    for d in report.disputes:
        values = (d.dispute_id, d.dealer_code, d.audit_id, d.standard_id, d.item_id, d.auditor, d.filed, d.reason,
                  d.status, d.ruled_by, d.ruling_why)  # fmt: skip
        for col, text in enumerate(values):
            write_text(ws, row, col, text)
        row += 1
    row += 1
    for col, title in enumerate(["Rates by", "Auditor / item", "Failed findings", "Disputed", "Dispute rate",
                                 "Ruled", "Overturned", "Overturn rate"]):  # fmt: skip
        ws.write_string(row, col, title, f.header)
    for r in report.dispute_rates:
        row += 1
        write_text(ws, row, 0, r.scope)
        write_text(ws, row, 1, r.key)
        for col, number in ((2, r.failed), (3, r.disputed), (5, r.ruled), (6, r.overturned)):
            ws.write_number(row, col, number)
        for col, fig in ((4, r.dispute_rate), (7, r.overturn_rate)):
            if fig.value is not None:
                ws.write_number(row, col, fig.value, f.percent)


def _readme(ws: Worksheet, f: _Formats, report: NetworkReport, answer_sheets: list[str]) -> None:
    def t(key: str, **values: object) -> str:
        return label_format(key, report.lang, **values)

    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 110)
    standards = "; ".join(
        t("standard_weight", standard=s.standard_id, version=s.version, weight=f"{s.weight:g}")
        for s in report.standards
    )
    lines: list[tuple[str, str]] = [
        (t("program"), report.program_title),
        (t("waves"), ", ".join(report.waves)),
        (t("generated"), report.generated),
        (t("index_scale"), t("index_scale_text", composite=report.composite_name, scale=report.scale)),
        (t("standards"), standards),
        ("", ""),
        (t("sheet"), t("what_it_holds")),
        ("Dealers", t("about_dealers")),
        ("Dealers: precision", t("about_precision")),
        ("Sections", t("about_sections")),
        ("Items", t("about_items")),
        ("Calibration", t("about_calibration")),
        ("Audits", t("about_audits")),
        ("Answers", t("about_answers")),
    ]
    if report.actions:
        lines.append(
            ("Actions", "Every stored action (dealer-audit actions): one per dealer × item failed in a wave, with "
             "status, owner, due date, overdue as of the generation date, repeat count (reopened by a later "
             "wave), finding and the dealer's note.")
        )  # fmt: skip
    if report.disputes:
        lines.append(
            ("Disputes", "The wave's disputes with HQ's ruling, then dispute rate (disputed ÷ failed findings) "
             "and overturn rate (overturned ÷ ruled) per auditor and per item.")
        )  # fmt: skip
    lines.extend(line for line in (readme_line(report), coverage_sheet.readme_line(report)) if line is not None)
    if len(answer_sheets) > 1:
        lines.append((t("row_limit"), t("about_row_limit", sheets=", ".join(answer_sheets[1:]))))
    lines.append(("", ""))
    lines.append((t("column"), t("meaning")))
    lines.extend((t(title), t(meaning)) for title, meaning, _ in ANSWER_COLUMNS)
    lines.append(("", ""))
    lines.append((t("hq_note"), t("about_text")))
    ws.write_string(0, 0, report.t("network_report"), f.title)
    for i, (key, text) in enumerate(lines, start=2):
        write_text(ws, i, 0, key, f.bold)
        write_text(ws, i, 1, text, f.wrap)


CALIBRATION_AUDITOR_COLUMNS = (  # labels (report_model.LABELS)
    "auditor", "cal_audits", "cal_shared_units", "cal_vs_consensus", "cal_low", "cal_high", "cal_dealer_adjusted",
    "cal_low", "cal_high", "cal_drift", "cal_outside", "cal_why",
)  # fmt: skip
CALIBRATION_ITEM_COLUMNS = (
    "standard", "item", "text", "cal_level", "cal_units", "cal_coefficient", "cal_ac", "cal_low", "cal_high",
    "cal_alpha", "cal_low", "cal_high", "cal_poor", "cal_ambiguous", "cal_driven_by",
)  # fmt: skip


def calibration_sheet(ws: Worksheet, f: _Formats, calibration: Calibration, lang: str = "en") -> None:
    """The Calibration sheet: per auditor the severity and verdict, then per item the agreement (docs/calibration.md
    explains every column). Plain values, no formulas: the figures come from core/calibration.py."""
    t = calibration.thresholds

    def say(key: str, **values: object) -> str:
        return label_format(key, lang, **values)

    ws.write_string(0, 0, say("cal_title", wave=calibration.wave, units=len(calibration.units)), f.title)
    ws.write_string(
        1,
        0,
        say(
            "cal_explain",
            tolerance=f"{t.severity_tolerance:g}",
            poor_ac=f"{t.poor_ac:g}",
            poor_alpha=f"{t.poor_alpha:g}",
            good_ac=f"{t.good_ac:g}",
            min_units=t.min_units,
        ),
    )
    head = [say(key) for key in CALIBRATION_AUDITOR_COLUMNS]
    row = 3
    for col, (title, width) in enumerate(zip(head, (16, 8, 8, 12, 8, 8, 14, 8, 8, 8, 10, 60), strict=True)):
        ws.write_string(row, col, title, f.header)
        ws.set_column(col, col, width)
    for a in calibration.auditors:
        row += 1
        write_text(ws, row, 0, a.auditor)
        ws.write_number(row, 1, a.audits)
        ws.write_number(row, 2, a.shared_units)
        for col, value in enumerate(
            (a.consensus.mean, a.consensus.low, a.consensus.high, a.model.mean, a.model.low, a.model.high, a.drift),
            start=3,
        ):
            if value is not None:
                ws.write_number(row, col, value, f.delta)
        ws.write_string(row, 10, "yes" if a.outside else "no", f.fail if a.outside else f.passed)
        write_text(ws, row, 11, "; ".join(r.get(lang) for r in a.reasons))
    row += 2
    for col, title in enumerate(say(key) for key in CALIBRATION_ITEM_COLUMNS):
        ws.write_string(row, col, title, f.header)
    for i in calibration.items:
        row += 1
        agr = i.agreement
        cells: list[tuple[int, str]] = [(0, i.standard_id), (1, i.item_id), (2, i.text.get(lang))]
        cells += [(3, agr.level.value), (5, agr.ac_name), (14, ", ".join(i.driven_by))]
        for col, text in cells:
            write_text(ws, row, col, text)
        ws.write_number(row, 4, agr.units)
        figures = (agr.ac.value, agr.ac.low, agr.ac.high, agr.alpha.value, agr.alpha.low, agr.alpha.high)
        for col, value in enumerate(figures, 6):
            if value is not None:
                ws.write_number(row, col, value, f.score2)
        ws.write_string(row, 12, "yes" if i.poor else "no", f.fail if i.poor else f.passed)
        ws.write_string(row, 13, "yes" if i.ambiguous else "no", f.fail if i.ambiguous else f.passed)


def write_network_workbook(
    report: NetworkReport,
    path: str | Path,
    *,
    max_rows: int = EXCEL_MAX_ROWS,
    progress: Callable[[str | Message], None] | None = None,
    calibration: Calibration | None = None,
    lang: str = "en",
) -> Path:
    """Write the HQ workbook; `max_rows` (sheet row limit incl. header) is lowered only by tests of the split.
    `progress` hears each phase's name as it starts (a 3,000-dealer workbook takes about a minute). With
    `calibration`, a Calibration sheet follows the Items sheet."""
    say = progress or (lambda _phase: None)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = ReportWorkbook(str(path), {**WORKBOOK_OPTIONS, "constant_memory": True})
    f = _Formats(wb)
    # Sheets are created in reading order up front (constant-memory mode writes each sheet's rows in order,
    # sheets independently), then filled bottom-up: Answers first, so the Audits formulas know each audit's row
    # block, then Audits, so the Dealers formulas know each dealer's audit block.
    answer_counts = [len(a.answers) for d in report.dealers for a in d.audits]
    audit_counts = [len(d.audits) for d in report.dealers]
    readme = wb.add_worksheet("README")
    dealers = wb.add_worksheet("Dealers")
    sections = wb.add_worksheet("Sections")
    items = wb.add_worksheet("Items")
    calibration_ws = wb.add_worksheet("Calibration") if calibration is not None else None
    actions = wb.add_worksheet("Actions") if report.actions else None
    disputes = wb.add_worksheet("Disputes") if report.disputes else None
    over_claims = wb.add_worksheet(SELF_SHEET) if report.over_claims else None
    coverage = wb.add_worksheet(coverage_sheet.SHEET) if report.coverage is not None else None
    add_kpi_sheets(wb, report)  # KPIs, Incentives, Data integrity (render/xlsx/incentives_sheet.py)
    audits = [wb.add_worksheet(_numbered("Audits", k)) for k in range(len(_plan(audit_counts, max_rows)))]
    answers = [wb.add_worksheet(_numbered("Answers", k)) for k in range(len(_plan(answer_counts, max_rows)))]
    say("Answers")
    placed = _answers(answers, f, report, max_rows)
    say("Audits")
    blocks = _audits(audits, f, report, placed, max_rows)
    say("Dealers")
    _dealers(wb, dealers, f, report, blocks)
    say("Sections, Items")
    _compliance(sections, f, report.sections, with_item=False, lang=report.lang)
    _compliance(items, f, report.items, with_item=True, lang=report.lang)
    if calibration_ws is not None and calibration is not None:
        say("Calibration")
        calibration_sheet(calibration_ws, f, calibration, lang)
    if actions is not None:
        say("Actions")
        _actions(actions, f, report)
    if disputes is not None:
        say("Disputes")
        _disputes(disputes, f, report)
    if over_claims is not None:
        self_assessment_sheet(over_claims, f, report)
    if coverage is not None:
        coverage_sheet.coverage_sheet(coverage, f, report)
    key_drivers_sheet(wb, report.insight)
    themes_sheet(wb, report.insight)
    _readme(readme, f, report, [a.name for a in answers])
    readme.activate()
    say(Message("saving", "正在保存"))  # the other phases are the sheets' names, as the workbook shows them
    wb.close()
    return path

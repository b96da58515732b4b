"""The self-assessment sections of the PDFs: "自评差距 / Self-assessment gap" in the dealer PDF (the dealer's own
claims beside the auditor's findings, over-claims in red) and the region PDF's dealers with the largest
over-claim. The figures come ready from the report model (core/self_assessment_view.py); this module only lays
them out. Called with one line each from render/pdf/dealer.py and render/pdf/region.py.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table

from dealer_audit.core.report_model import (
    DealerReport,
    RegionReport,
    fmt_delta,
    fmt_number,
    fmt_percent,
    label,
    label_format,
)
from dealer_audit.core.self_assessment_view import SelfAssessmentView, SelfItemLine
from dealer_audit.render.pdf.paragraphs import cell_text
from dealer_audit.render.pdf.styles import (
    FAIL_FILL,
    FAIL_TEXT,
    GREY_FILL,
    GREY_TEXT,
    Styles,
    TableCell,
    TableCommand,
    header_table_style,
)

EXAMPLES = 4  # over-claimed items named per dealer in the region list


def _label(lang: str, key: str, **values: object) -> str:
    return label_format("self_pdf." + key, lang, **values) if values else label("self_pdf." + key, lang)


def _share(value: float | None) -> str:
    return fmt_percent(value, 0)


def _tag(line: SelfItemLine, lang: str) -> tuple[str, colors.Color]:
    if line.over_claim:
        return _label(lang, "over_claim"), FAIL_TEXT
    if line.gap is not None and line.gap < 0:
        return _label(lang, "under_claim"), GREY_TEXT
    return "", colors.black


def _items_table(v: SelfAssessmentView, lang: str, st: Styles, width: float) -> Table:
    widths = [14 * mm, 0.0, 15 * mm, 15 * mm, 15 * mm, 22 * mm]
    widths[1] = width - sum(widths)
    head = ["item", "requirement", "self", "audited", "gap", ""]
    numeric = {"self", "audited", "gap"}
    rows: list[list[TableCell]] = [
        [
            cell_text(_label(lang, k) if k else "", st, color=colors.white, align="right" if k in numeric else "left")
            for k in head
        ]
    ]
    extra: list[TableCommand] = [("ALIGN", (2, 0), (4, -1), "RIGHT")]
    for k, line in enumerate(v.items, start=1):
        tag, colour = _tag(line, lang)
        rows.append(
            [
                cell_text(line.item_id, st, color=colour if line.over_claim else colors.black),
                cell_text(line.text, st),
                cell_text(_share(line.claimed), st, align="right"),
                cell_text(f"{_share(line.observed)}", st, align="right"),
                cell_text(fmt_delta(None if line.gap is None else line.gap * 100, 0), st, color=colour, align="right"),
                cell_text(tag, st, color=colour),
            ]
        )
        extra.append(("BACKGROUND", (0, k), (-1, k), FAIL_FILL if line.over_claim else colors.white))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(header_table_style(extra))
    return table


def dealer_self_assessment(r: DealerReport, st: Styles, width: float) -> list[Flowable]:
    """The dealer PDF's section: per self audit its index gap and the items where claim and audit differ."""
    if not r.self_assessment:
        return []
    lang = r.lang
    out: list[Flowable] = [
        CondPageBreak(50 * mm),
        Paragraph(st.fonts.markup(_label(lang, "title")), st.h2),
        Paragraph(st.fonts.markup(_label(lang, "intro")), st.pick(st.small, _label(lang, "intro"))),
        Spacer(1, 3),
    ]
    for v in r.self_assessment:
        figures = _label(
            lang,
            "figures",
            standard=v.standard_title,
            own=fmt_number(v.self_index),
            seen=fmt_number(v.audited_index),
            visits=v.visits,
            gap=fmt_delta(v.index_gap),
            n=v.over_claims,
        )
        out.append(Paragraph(st.fonts.markup(figures), st.pick(st.body, figures)))
        if v.filled_by:
            out.append(Paragraph(st.fonts.markup(_label(lang, "filled_by", who=v.filled_by)), st.muted))
        out.append(Spacer(1, 2))
        if v.items:
            out.append(_items_table(v, lang, st, width))
        else:
            out.append(Paragraph(st.fonts.markup(_label(lang, "alike")), st.muted))
        out.append(Spacer(1, 6))
    return out


def region_over_claims(r: RegionReport, st: Styles, width: float) -> list[Flowable]:
    """The region PDF's list of the dealers that over-claim most (nothing when no dealer over-claims)."""
    if not r.over_claims:
        return []
    lang = r.lang
    widths = [0.0, 32 * mm, 16 * mm, 16 * mm, 16 * mm, 18 * mm, 70 * mm]
    widths[0] = width - sum(widths)
    head = ["dealer", "standard", "self", "audited", "gap", "over_claims", "examples"]
    numeric = {"self", "audited", "gap", "over_claims"}
    rows: list[list[TableCell]] = [
        [cell_text(_label(lang, k), st, color=colors.white, align="right" if k in numeric else "left") for k in head]
    ]
    for v in r.over_claims:
        named = [f"{i.item_id} {i.text}" for i in v.items if i.over_claim][:EXAMPLES]
        more = v.over_claims - len(named)
        rows.append(
            [
                cell_text(f"{v.dealer_code} {v.dealer_name}", st),
                cell_text(v.standard_id, st),
                cell_text(fmt_number(v.self_index), st, align="right"),
                cell_text(fmt_number(v.audited_index), st, align="right"),
                cell_text(
                    fmt_delta(v.index_gap),
                    st,
                    color=FAIL_TEXT if (v.index_gap or 0) > 0 else colors.black,
                    align="right",
                ),
                cell_text(str(v.over_claims), st, color=FAIL_TEXT, align="right"),
                cell_text("; ".join(named) + (f" (+{more})" if more > 0 else ""), st),
            ]
        )
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(header_table_style([("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, GREY_FILL])]))
    intro = _label(lang, "region_intro")
    return [
        CondPageBreak(40 * mm),
        Paragraph(st.fonts.markup(_label(lang, "region_title")), st.h2),
        Paragraph(st.fonts.markup(intro), st.pick(st.small, intro)),
        Spacer(1, 3),
        table,
    ]

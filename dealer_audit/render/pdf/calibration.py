"""The calibration PDF: how well auditors agree on each item and how severe each auditor is (zh or en).

Built from a core `Calibration` with the shared PDF building blocks (page frame, styles, wrapped table cells):
key figures, a severity chart (each auditor's deviation from the consensus with its 95 % interval and the
tolerance band), the auditors table, the items that agree poorly, then every compared item. docs/calibration.md
explains each figure.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from dealer_audit.core.answers import AuditKind
from dealer_audit.core.calibration import AuditorCalibration, Calibration
from dealer_audit.render.pdf.page import PageFrame, build_pdf, content_width
from dealer_audit.render.pdf.styles import (
    FAIL_TEXT,
    GREY_FILL,
    GREY_LINE,
    GREY_TEXT,
    NAVY,
    NAVY_LIGHT,
    PARTIAL_TEXT,
    PASS_TEXT,
    Styles,
    TableCommand,
    styles,
)
from dealer_audit.render.pdf.text import wrap_text

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("稽核员校准报告", "Auditor calibration"),
    "wave": ("波次", "Wave"),
    "waves": ("模型与漂移所用波次", "Model and drift over"),
    "units": ("共享样本", "Shared units"),
    "doubles": ("双人复核", "Double audits"),
    "sessions": ("校准场景", "Calibration sessions"),
    "items": ("比较的项目", "Items compared"),
    "poor": ("一致性差的项目", "Items agreeing poorly"),
    "outside": ("超出容差的稽核员", "Auditors outside tolerance"),
    "severity_chart": (
        "稽核员宽严度：与同组共识的偏差（指数分，95% 区间；阴影为容差）",
        "Auditor severity: deviation from the consensus (index points, 95 % interval; shaded: tolerance)",
    ),
    "auditors": ("稽核员", "Auditors"),
    "auditor": ("稽核员", "Auditor"),
    "audits": ("稽核数", "Audits"),
    "shared": ("共享样本", "Shared"),
    "consensus": ("与共识偏差 [95%]", "vs consensus [95%]"),
    "model": ("经销商校正模型 [95%]", "Dealer-adjusted [95%]"),
    "drift": ("漂移", "Drift"),
    "verdict": ("结论", "Verdict"),
    "ok": ("在容差内", "within tolerance"),
    "poor_items": ("一致性差的项目", "Items with poor agreement"),
    "all_items": ("全部比较的项目", "Every compared item"),
    "item": ("项目", "Item"),
    "text": ("内容", "Text"),
    "level": ("测量层级", "Level"),
    "n": ("样本", "Units"),
    "alpha": ("Krippendorff α [95%]", "Krippendorff's α [95%]"),
    "ambiguous": ("表述含糊：任何一位稽核员都不是原因", "ambiguous wording: no single auditor explains it"),
    "driven": ("由以下稽核员造成：", "driven by "),
    "good": ("可接受", "acceptable"),
    "few": ("样本不足，不作判断", "too few units to judge"),
    "none": ("无", "none"),
    "generated": ("生成于", "generated"),
    "page": ("第 {x} 页 / 共 {y} 页", "Page {x} of {y}"),
    "read": ("如何阅读", "How to read this report"),
    "read_text": (
        "AC1/AC2（Gwet）与 α（Krippendorff）衡量稽核员对同一场景是否给出相同答案：1 为完全一致，0 为与随机相当。"
        "一致性差且去掉任何一位稽核员仍然差的项目，问题在于题目表述；去掉某位稽核员后变好的，问题在于该稽核员。"
        "宽严度为正表示比同事打分更宽松。详见 docs/calibration.md。",
        "AC1/AC2 (Gwet) and alpha (Krippendorff) say whether auditors give the same answer to the same scene: 1 is "
        "perfect agreement, 0 is no better than chance. An item that agrees poorly whichever single auditor is left "
        "out has ambiguous wording; one that recovers without one auditor points at that auditor. A positive "
        "severity means scoring more generously than colleagues. See docs/calibration.md.",
    ),
    "levels.nominal": ("名义", "nominal"),
    "levels.ordinal": ("有序", "ordinal"),
    "levels.interval": ("等距", "interval"),
}


def _t(key: str, lang: str) -> str:
    zh, en = _WORDS[key]
    return zh if lang == "zh" else en


def _lines(text: str, st: Styles, width: float, size: float = 7.5) -> str:
    return "\n".join(wrap_text(st.fonts.clean(text), st.fonts.regular, size, width - 6))


def _table_style(st: Styles, extra: list[TableCommand] | None = None) -> TableStyle:
    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), st.fonts.regular, 7.5, 9.4),
            ("BACKGROUND", (0, 0), (-1, 0), NAVY),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 1), (-1, -1), 0.3, GREY_LINE),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, GREY_FILL]),
            *(extra or []),
        ]
    )


def _key_figures(c: Calibration, st: Styles, width: float, lang: str) -> Table:
    cells = [
        (_t("units", lang), str(len(c.units))),
        (_t("doubles", lang), str(sum(1 for u in c.units if u.kind is AuditKind.DOUBLE))),
        (_t("sessions", lang), str(sum(1 for u in c.units if u.kind is AuditKind.CALIBRATION))),
        (_t("items", lang), str(len(c.items))),
        (_t("poor", lang), str(len(c.poor_items))),
        (_t("outside", lang), str(len(c.flagged_auditors))),
    ]
    col = width / len(cells)
    table = Table([[_lines(k, st, col) for k, _ in cells], [v for _, v in cells]], colWidths=[col] * len(cells))
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), st.fonts.regular, 7.5, 9.5),
                ("FONT", (0, 1), (-1, 1), st.fonts.regular, 18, 22),
                ("TEXTCOLOR", (0, 0), (-1, 0), GREY_TEXT),
                ("TEXTCOLOR", (0, 1), (-1, 1), NAVY),
                ("TEXTCOLOR", (4, 1), (5, 1), FAIL_TEXT),
                ("BACKGROUND", (0, 0), (-1, -1), NAVY_LIGHT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


class SeverityChart(Flowable):
    """One line per auditor: a dot at the consensus severity, a whisker for its 95 % interval, zero and the
    tolerance band behind; flagged auditors in red."""

    ROW = 11.0

    def __init__(self, auditors: list[AuditorCalibration], tolerance: float, st: Styles, width: float) -> None:
        super().__init__()
        self.auditors = [a for a in auditors if a.consensus.mean is not None]
        self.tolerance = tolerance
        self.st = st
        self.width = width
        self.height = self.ROW * (len(self.auditors) + 1) + 4

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        font = self.st.fonts.regular
        label_w = 70.0
        plot_w = self.width - label_w - 10
        values = [
            v for a in self.auditors for v in (a.consensus.low, a.consensus.high, a.consensus.mean) if v is not None
        ]
        span = max([self.tolerance * 2, *(abs(v) for v in values)]) * 1.1

        def x(v: float) -> float:
            return label_w + plot_w * (v + span) / (2 * span)

        bottom = self.ROW
        top = self.height
        canv.setFillColor(NAVY_LIGHT)
        canv.rect(x(-self.tolerance), bottom, x(self.tolerance) - x(-self.tolerance), top - bottom, stroke=0, fill=1)
        canv.setStrokeColor(GREY_LINE)
        canv.setLineWidth(0.6)
        canv.line(x(0), bottom, x(0), top)
        canv.setFont(font, 6.5)
        canv.setFillColor(GREY_TEXT)
        for tick in (-span / 1.1, -self.tolerance, 0.0, self.tolerance, span / 1.1):
            canv.drawCentredString(x(tick), 2, f"{tick:+.0f}" if tick else "0")
        for k, a in enumerate(self.auditors):
            y = top - self.ROW * (k + 0.5) - 2
            colour = FAIL_TEXT if a.outside else NAVY
            canv.setFillColor(colour)
            canv.setFont(font, 7)
            canv.drawString(0, y - 2.5, self.st.fonts.clean(a.auditor)[:14])
            s = a.consensus
            canv.setStrokeColor(colour)
            canv.setLineWidth(1)
            if s.low is not None and s.high is not None:
                canv.line(x(s.low), y, x(s.high), y)
                canv.line(x(s.low), y - 2, x(s.low), y + 2)
                canv.line(x(s.high), y - 2, x(s.high), y + 2)
            canv.circle(x(s.mean or 0.0), y, 2.2, stroke=0, fill=1)


def _auditors(c: Calibration, st: Styles, width: float, lang: str) -> list[Flowable]:
    head = ["auditor", "audits", "shared", "consensus", "model", "drift", "verdict"]
    widths = [24 * mm, 13 * mm, 13 * mm, 34 * mm, 34 * mm, 14 * mm, 0.0]
    widths[-1] = width - sum(widths)
    rows: list[list[str]] = [[_lines(_t(h, lang), st, w) for h, w in zip(head, widths, strict=True)]]
    extra: list[TableCommand] = []
    for k, a in enumerate(c.auditors, start=1):
        verdict = "; ".join(r.get(lang) for r in a.reasons) if a.outside else _t("ok", lang)
        rows.append(
            [
                _lines(a.auditor, st, widths[0]),
                str(a.audits),
                str(a.shared_units),
                a.consensus.text(),
                a.model.text(),
                "–" if a.drift is None else f"{a.drift:+.1f}",
                _lines(verdict, st, widths[-1]),
            ]
        )
        extra.append(("TEXTCOLOR", (6, k), (6, k), FAIL_TEXT if a.outside else PASS_TEXT))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_table_style(st, [("ALIGN", (1, 0), (5, -1), "RIGHT"), *extra]))
    return [CondPageBreak(40 * mm), Paragraph(_t("auditors", lang), st.h2), table]


def _items(c: Calibration, st: Styles, width: float, lang: str, poor_only: bool) -> list[Flowable]:
    items = c.poor_items if poor_only else c.items
    head = ["item", "text", "level", "n", "AC1/AC2 [95%]", "alpha", "verdict"]
    widths = [14 * mm, 0.0, 16 * mm, 10 * mm, 30 * mm, 30 * mm, 42 * mm]
    widths[1] = width - sum(widths)
    labels = [h if h.startswith("AC") else _t(h, lang) for h in head]
    rows: list[list[str]] = [[_lines(h, st, w) for h, w in zip(labels, widths, strict=True)]]
    extra: list[TableCommand] = []
    for k, i in enumerate(items, start=1):
        if i.ambiguous:
            verdict, colour = _t("ambiguous", lang), FAIL_TEXT
        elif i.poor:
            verdict, colour = _t("driven", lang) + ", ".join(i.driven_by), PARTIAL_TEXT
        elif i.agreement.units < c.thresholds.min_units:
            verdict, colour = _t("few", lang), GREY_TEXT
        else:
            verdict, colour = _t("good", lang), PASS_TEXT
        rows.append(
            [
                i.item_id,
                _lines(i.text.get(lang), st, widths[1]),
                _t(f"levels.{i.agreement.level.value}", lang),
                str(i.agreement.units),
                f"{i.agreement.ac_name} {i.agreement.ac.text()}",
                i.agreement.alpha.text(),
                _lines(verdict, st, widths[6]),
            ]
        )
        extra.append(("TEXTCOLOR", (6, k), (6, k), colour))
    if len(rows) == 1:
        rows.append([_t("none", lang), "", "", "", "", "", ""])
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_table_style(st, [("ALIGN", (3, 0), (3, -1), "RIGHT"), *extra]))
    title = _t("poor_items" if poor_only else "all_items", lang)
    return [CondPageBreak(40 * mm), Paragraph(title, st.h2), table]


def calibration_story(c: Calibration, st: Styles, lang: str) -> list[Flowable]:
    width = content_width()
    subtitle = f"{_t('waves', lang)}: {', '.join(c.waves)}"
    story: list[Flowable] = [
        Paragraph(st.fonts.markup(f"{_t('title', lang)} · {_t('wave', lang)} {c.wave}"), st.h1),
        Paragraph(st.fonts.markup(subtitle), st.muted),
        Spacer(1, 6),
        _key_figures(c, st, width, lang),
        Spacer(1, 4),
        Paragraph(st.fonts.markup(_t("read_text", lang)), st.pick(st.small, _t("read_text", lang))),
        Paragraph(st.fonts.markup(_t("severity_chart", lang)), st.h2),
        SeverityChart(list(c.auditors), c.thresholds.severity_tolerance, st, width),
    ]
    story.extend(_auditors(c, st, width, lang))
    story.extend(_items(c, st, width, lang, poor_only=True))
    story.extend(_items(c, st, width, lang, poor_only=False))
    return story


def render_calibration_pdf(
    calibration: Calibration,
    target: str | Path | BinaryIO,
    *,
    lang: str = "zh",
    invariant: bool = False,
    font: str | None = None,
    generated: date | None = None,
) -> None:
    st = styles(font)
    frame = PageFrame(
        title=_t("title", lang),
        subtitle=f"{_t('wave', lang)} {calibration.wave}",
        footer_left=(f"{_t('units', lang)}: {len(calibration.units)}",),
        footer_right=f"{_t('generated', lang)}: {(generated or date.today()).isoformat()}",
        page_label=_t("page", lang),
    )
    build_pdf(
        str(target) if isinstance(target, Path) else target,
        calibration_story(calibration, st, lang),
        frame,
        st,
        title=f"{_t('title', lang)} {calibration.wave}",
        invariant=invariant,
    )

"""What the reports show of KPIs and incentives: display-ready panels built once from a `Scorecard` (pure).

The dealer PDF's KPI and incentive box, the region PDF's data-integrity flags, and the HQ workbook's KPI and
Incentives sheets all read these panels, so a figure cannot differ between them (the same rule as
core/report_model/, whose reports carry the panels in their `kpis` field). The CLI prints the same
`IncentiveLine`s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dealer_audit.core.incentives import IncentiveRow, Scorecard, StreakStatus
from dealer_audit.core.kpis import DealerKpis, Direction, KpiDefinition, on_scale
from dealer_audit.core.report_model import Figure, Span, fmt_number
from dealer_audit.core.report_model.labels import label
from dealer_audit.core.stats import Interval

STREAK_TEXT: dict[StreakStatus, tuple[str, str]] = {
    StreakStatus.OK: ("正常", "ok"),
    StreakStatus.WATCH: ("观察", "watch"),
    StreakStatus.WARNING: ("警告", "warning"),
    StreakStatus.PENALTY: ("处罚", "penalty"),
    StreakStatus.CURED: ("已整改", "cured"),
}


def kpi_label(key: str, lang: str) -> str:
    return label("kpi." + key, lang)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang.startswith("zh") else pair[1]


@dataclass(frozen=True, slots=True)
class KpiLine:
    """One KPI of one dealer."""

    kpi_id: str
    name: str
    unit: str
    direction: str  # "higher is better"
    enters: str  # "Composite" or "KPI index"
    value: Figure
    score: Figure
    base_n: str


@dataclass(frozen=True, slots=True)
class IntegrityFlag:
    dealer_code: str
    region: str
    kpi_id: str
    item_id: str
    text: str


@dataclass(frozen=True, slots=True)
class IncentiveLine:
    """A dealer's incentive standing as the CLI table, the PDF box and the Incentives sheet show it."""

    dealer: str
    region: str
    composite: str  # on the program scale
    composite_value: float | None
    interval: str
    tier: str  # the tier's label ("" for none)
    tier_code: str
    payout: str
    next: str
    gap: str  # points on the program scale to reach `next`
    gap_value: float | None
    borderline: str  # "yes" or ""
    streak: str  # "warning (2)"
    streak_status: str  # the StreakStatus value, "" without a rule
    penalty: str  # the penalty payout ("-0.5 %") when the streak is at penalty, else ""
    net_payout: str  # the tier's payout with the penalty applied; "" without a penalty, "—" when units differ
    note: str  # why not eligible; the thresholds straddled


@dataclass(frozen=True, slots=True)
class DealerKpiPanel:
    lang: str
    lines: tuple[KpiLine, ...]
    kpi_index: Figure
    coverage: str  # "80%": the share of the KPI index weight with values
    audit_composite: Figure
    composite: Figure  # with the composite KPIs, program scale
    incentive: IncentiveLine | None
    flags: tuple[IntegrityFlag, ...]

    def t(self, key: str) -> str:
        return kpi_label(key, self.lang)


@dataclass(frozen=True, slots=True)
class RegionKpiPanel:
    lang: str
    flags: tuple[IntegrityFlag, ...]
    incentives: tuple[IncentiveLine, ...]

    def t(self, key: str) -> str:
        return kpi_label(key, self.lang)


@dataclass(frozen=True, slots=True)
class KpiColumn:
    kpi_id: str
    name: str
    unit: str
    direction: str
    enters: str
    weight: float


@dataclass(frozen=True, slots=True)
class DealerKpiRow:
    dealer: str
    region: str
    values: tuple[float | None, ...]  # KpiColumn order
    scores: tuple[float | None, ...]
    kpi_index: float | None
    audit_composite: float | None  # program scale
    composite: float | None  # program scale


@dataclass(frozen=True, slots=True)
class NetworkKpiPanel:
    lang: str
    columns: tuple[KpiColumn, ...]
    rows: tuple[DealerKpiRow, ...]
    incentives: tuple[IncentiveLine, ...]
    flags: tuple[IntegrityFlag, ...]

    def t(self, key: str) -> str:
        return kpi_label(key, self.lang)


def _interval_text(interval: Interval | None, scale: int) -> str:
    span = Span.of(interval, scale / 100)
    return span.text if span is not None else ""


def _value_text(definition: KpiDefinition, value: float | None) -> str:
    return fmt_number(value, 2 if value is not None and abs(value) < 10 and value != int(value) else 1)


def incentive_line(card: Scorecard, row: IncentiveRow, lang: str) -> IncentiveLine:
    scale = card.kpis.scale
    o = row.outcome
    dealer = card.kpis.dealer(row.dealer_code)
    interval = dealer.composite_interval_100 if dealer is not None else None
    notes = [r.get(lang) for r in o.reasons]
    if o.borderline:
        held = [
            f"{t.label.get(lang)} {fmt_number(on_scale(o.thresholds[t.code], scale))}"
            for t in (o.tier, o.next_tier)
            if t is not None and t.code in o.thresholds and interval is not None
            if interval.low < o.thresholds[t.code] <= interval.high
        ]
        notes.append(("区间跨越 " if lang.startswith("zh") else "interval holds ") + ", ".join(held))
    streak = ""
    if row.streak is not None:
        streak = _pick(STREAK_TEXT[row.streak.status], lang)
        if row.streak.count:
            streak += f" ({row.streak.count})"
    tier_label = o.tier.label.get(lang) if o.tier else (kpi_label("no_tier" if o.eligible else "not_eligible", lang))
    return IncentiveLine(
        dealer=row.dealer_code,
        region=row.region,
        composite=fmt_number(on_scale(o.score, scale)),
        composite_value=on_scale(o.score, scale),
        interval=_interval_text(interval, scale),
        tier=tier_label,
        tier_code=o.tier.code if o.tier else "",
        payout=o.tier.payout.text(lang) if o.tier else "",
        next=o.next_tier.label.get(lang) if o.next_tier else "",
        gap=fmt_number(on_scale(o.gap, scale)) if o.gap is not None else "",
        gap_value=on_scale(o.gap, scale),
        borderline=kpi_label("yes", lang) if o.borderline else "",
        streak=streak,
        streak_status=row.streak.status.value if row.streak else "",
        penalty=row.penalty.text(lang) if row.penalty else "",
        net_payout=(row.net_payout.text(lang) if row.net_payout else "—") if row.penalty else "",
        note="; ".join(notes),
    )


def incentive_lines(card: Scorecard, lang: str, region: str | None = None) -> tuple[IncentiveLine, ...]:
    """Best composite first (dealers without one last, by code): the order tiers are read in."""
    rows = [r for r in card.incentives if region is None or r.region == region]
    rows.sort(key=lambda r: (r.outcome.score is None, -(r.outcome.score or 0), r.dealer_code))
    return tuple(incentive_line(card, r, lang) for r in rows)


def _dealer_flags(dealer: DealerKpis, lang: str) -> tuple[IntegrityFlag, ...]:
    code, region = dealer.dealer_code, dealer.region
    return tuple(IntegrityFlag(code, region, f.kpi_id, f.item_id, f.message.get(lang)) for f in dealer.flags)


def _flags(card: Scorecard, lang: str, codes: Sequence[str] | None = None) -> tuple[IntegrityFlag, ...]:
    wanted = set(codes) if codes is not None else None
    return tuple(
        flag for d in card.kpis.dealers if wanted is None or d.dealer_code in wanted for flag in _dealer_flags(d, lang)
    )


def dealer_panel(card: Scorecard | None, dealer_code: str, lang: str) -> DealerKpiPanel | None:
    """The dealer PDF's KPI and incentive box; None when the program defines no KPIs and no incentives."""
    if card is None or (not card.kpis.definitions and card.rules is None):
        return None
    dealer = card.kpis.dealer(dealer_code)
    if dealer is None:
        return None
    scale = card.kpis.scale
    lines = []
    for definition, score in zip(card.kpis.definitions, dealer.scores, strict=True):
        lines.append(
            KpiLine(
                kpi_id=definition.id,
                name=definition.name.get(lang),
                unit=definition.unit.get(lang),
                direction=kpi_label("higher" if definition.direction is Direction.HIGHER else "lower", lang),
                enters=kpi_label(f"enters_{definition.enters.value}", lang),
                value=Figure(score.value, _value_text(definition, score.value)),
                score=Figure.of(score.score),
                base_n="" if score.base_n is None else f"{score.base_n:,}",
            )
        )
    row = card.incentive(dealer_code)
    return DealerKpiPanel(
        lang=lang,
        lines=tuple(lines),
        kpi_index=Figure.of(dealer.kpi_index.value),
        coverage=f"{fmt_number(dealer.kpi_index.coverage * 100, 0)}%",
        audit_composite=Figure.of(on_scale(dealer.audit_composite_100, scale)),
        composite=Figure.of(on_scale(dealer.composite_100, scale)),
        incentive=incentive_line(card, row, lang) if row is not None else None,
        flags=_dealer_flags(dealer, lang),  # this dealer's own (the batch renders one panel per dealer)
    )


def region_panel(card: Scorecard | None, region: str, lang: str) -> RegionKpiPanel | None:
    """The region PDF's data-integrity flags and the region's incentive lines."""
    if card is None or (not card.kpis.definitions and card.rules is None):
        return None
    codes = [d.dealer_code for d in card.kpis.dealers if d.region == region]
    return RegionKpiPanel(lang, _flags(card, lang, codes), incentive_lines(card, lang, region))


def network_panel(card: Scorecard | None, lang: str) -> NetworkKpiPanel | None:
    """The HQ workbook's KPI sheet, Incentives sheet and data-integrity flags."""
    if card is None or (not card.kpis.definitions and card.rules is None):
        return None
    scale = card.kpis.scale
    columns = tuple(
        KpiColumn(
            k.id,
            k.name.get(lang),
            k.unit.get(lang),
            kpi_label("higher" if k.direction is Direction.HIGHER else "lower", lang),
            kpi_label(f"enters_{k.enters.value}", lang),
            k.weight,
        )
        for k in card.kpis.definitions
    )
    rows = tuple(
        DealerKpiRow(
            d.dealer_code,
            d.region,
            tuple(s.value for s in d.scores),
            tuple(s.score for s in d.scores),
            d.kpi_index.value,
            on_scale(d.audit_composite_100, scale),
            on_scale(d.composite_100, scale),
        )
        for d in card.kpis.dealers
    )
    return NetworkKpiPanel(lang, columns, rows, incentive_lines(card, lang), _flags(card, lang))

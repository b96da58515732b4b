"""The region report: league table, heat map, failed items, follow-up; `build_region_report`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dealer_audit.core.actions import Action, summarise_actions
from dealer_audit.core.aggregate import (
    DealerResult,
    WaveResult,
)
from dealer_audit.core.lookup import unknown_region
from dealer_audit.core.report_model.common import (
    Footer,
    StandardKey,
    as_of_date,
    band_tag,
    rank_bounds,
    section_layout,
    standard_columns,
)
from dealer_audit.core.report_model.display import (
    NA_TEXT,
    NO_BAND,
    BandTag,
    ChangeLabel,
    Figure,
    Span,
    change_label,
    rank_range_text,
)
from dealer_audit.core.report_model.files import region_file_stem
from dealer_audit.core.report_model.labels import label, label_format
from dealer_audit.core.self_assessment import SelfAssessmentGap
from dealer_audit.core.self_assessment_view import REGION_LIMIT, SelfAssessmentView, self_assessment_views
from dealer_audit.core.standard import (
    Band,
    Checklist,
)

if TYPE_CHECKING:  # the KPI panels are built in core/kpi_report.py, which builds on this package's Figure
    from dealer_audit.core.insight_view import InsightView
    from dealer_audit.core.kpi_report import RegionKpiPanel


@dataclass(frozen=True, slots=True)
class ActionFollowUp:
    """One dealer's actions as the regional manager chases them (core.actions.summarise_actions)."""

    dealer_code: str
    dealer_name: str
    total: int
    open: int
    overdue: int
    done: int
    verified: int
    reopened: int


@dataclass(frozen=True, slots=True)
class LeagueRow:
    dealer_code: str
    dealer_name: str
    city: str
    index: Figure
    band: BandTag
    rank_region: int | None
    rank_network: int | None
    delta: Figure
    n_visits: int
    alert: bool = False
    interval: Span | None = None
    shrunk: Figure = Figure(None, NA_TEXT)
    change: ChangeLabel | None = None
    rank_range_region: str = ""
    rank_range_network: str = ""


@dataclass(frozen=True, slots=True)
class BandCount:
    band: BandTag
    count: int


@dataclass(frozen=True, slots=True)
class HeatColumn:
    standard_id: str
    section_id: str
    title: str


@dataclass(frozen=True, slots=True)
class HeatRow:
    dealer_code: str
    dealer_name: str
    cells: tuple[Figure, ...]  # one per HeatColumn, N/A when the dealer has no score there


@dataclass(frozen=True, slots=True)
class FailedItem:
    standard_id: str
    item_id: str
    reference: str
    text: str
    section: str
    failed: int  # audits where it failed
    applicable: int  # audits where it applied
    fail_rate: Figure  # share 0..1


@dataclass(frozen=True, slots=True)
class DealerNotice:
    dealer_code: str
    dealer_name: str
    text: str


@dataclass(frozen=True, slots=True)
class RegionReport:
    lang: str
    program_title: str
    composite_name: str
    scale: int
    region_code: str
    region_name: str
    wave: str
    wave_title: str
    n_dealers: int
    mean: Figure
    median: Figure
    min: Figure
    max: Figure
    network_mean: Figure
    league: tuple[LeagueRow, ...]
    bands: tuple[BandCount, ...]
    heat_columns: tuple[HeatColumn, ...]
    heat_rows: tuple[HeatRow, ...]  # every dealer, in region rank order
    heat_overview: tuple[HeatRow, ...]  # the region's ranking in tenths: mean section scores of each tenth
    most_failed: tuple[FailedItem, ...]
    alerts: tuple[DealerNotice, ...]
    repeats: tuple[DealerNotice, ...]
    footer: Footer
    actions: tuple[ActionFollowUp, ...] = ()  # dealers with stored actions (open and overdue first)
    over_claims: tuple[SelfAssessmentView, ...] = ()  # the region's dealers that over-claim most (self-assessment)
    kpis: RegionKpiPanel | None = None  # data-integrity flags and incentive lines (core/kpi_report.py)
    insight: InsightView | None = None  # key experience points and themes (services/insight.py)

    def t(self, key: str) -> str:
        return label(key, self.lang)

    @property
    def file_stem(self) -> str:
        return region_file_stem(self.region_code, self.wave, self.lang)


HEAT_TENTHS = 10


def _heat_tenths(rows: Sequence[HeatRow], lang: str) -> tuple[HeatRow, ...]:
    """The heat map of a big region at a glance: its ranked dealers cut into tenths (fewer when the region has
    fewer than ten dealers), each row the mean section score of its dealers (those with a score there)."""
    n = len(rows)
    parts = min(HEAT_TENTHS, n)
    overview = []
    for k in range(parts):
        first, last = k * n // parts, (k + 1) * n // parts  # rows[first:last], ranks first+1..last
        members = rows[first:last]
        cells = []
        for j in range(len(members[0].cells) if members else 0):
            values = [r.cells[j].value for r in members if r.cells[j].value is not None]
            cells.append(Figure.of(sum(values) / len(values) if values else None))
        label = label_format("heat_tenth", lang, k=k + 1, of=parts, first=first + 1, last=last)
        overview.append(HeatRow("", label, tuple(cells)))
    return tuple(overview)


def league_row(d: DealerResult, lang: str) -> LeagueRow:
    """A dealer as one line of a league table (the regional PDF's and the browser's overview)."""
    return LeagueRow(
        d.code,
        d.dealer.name.get(lang),
        d.dealer.city,
        Figure.of(d.composite),
        band_tag(d.band, lang),
        d.rank.region,
        d.rank.network,
        Figure.delta(d.delta.change),
        d.n_audits,
        bool(d.alerts),
        Span.of(d.composite_ci),
        Figure.of(d.shrunk_composite),
        change_label(d.delta_test, lang),
        rank_range_text(*rank_bounds(d.rank_range, "region")),
        rank_range_text(*rank_bounds(d.rank_range, "network")),
    )


def band_counts(members: Iterable[DealerResult], bands: Iterable[Band], lang: str) -> tuple[BandCount, ...]:
    """How many of `members` fall in each band, best band first; dealers without a band last (when any)."""
    members = list(members)
    counts = [
        BandCount(band_tag(band, lang), sum(1 for d in members if d.band is not None and d.band.code == band.code))
        for band in sorted(bands, key=lambda b: b.min, reverse=True)
    ]
    unbanded = sum(1 for d in members if d.band is None)
    if unbanded:
        counts.append(BandCount(NO_BAND, unbanded))
    return tuple(counts)


def build_region_report(
    result: WaveResult,
    region_code: str,
    standards: Mapping[StandardKey, Checklist],
    *,
    lang: str = "zh",
    generated: str = "",
    most_failed: int = 10,
    stored_actions: Sequence[Action] = (),
    self_assessments: Sequence[SelfAssessmentGap] = (),
) -> RegionReport:
    """The regional manager's view of one region in one wave; with `stored_actions`, the open and overdue
    actions per dealer as of the `generated` date."""
    group = result.region(region_code)
    if group is None:
        from dealer_audit.errors import NotFound

        refusal = unknown_region(region_code, result.wave, (r.code for r in result.regions))
        raise NotFound(refusal.en, zh=refusal.zh)
    program = result.program
    region = program.region(region_code)
    members = result.ranking(region_code)
    columns = standard_columns(result, standards, lang)
    league = tuple(league_row(d, lang) for d in members)
    counts = band_counts(members, program.bands, lang)
    heat_cols = tuple(HeatColumn(s.standard_id, c.section_id, c.title) for s in columns for c in s.sections)
    heat_rows = []
    for d in members:  # a dict per dealer, not a search per cell: 750 dealers x every section at HQ scale
        scores = {(c.standard_id, sec.section_id): sec.mean_percent for c in d.checklists for sec in c.sections}
        cells = tuple(Figure.of(scores.get((col.standard_id, col.section_id))) for col in heat_cols)
        heat_rows.append(HeatRow(d.code, d.dealer.name.get(lang), cells))
    heat_overview = _heat_tenths(heat_rows, lang)
    failing = sorted(
        (i for i in group.items if i.failed > 0 and i.counted > 0),
        key=lambda i: (-i.failed / i.counted, -i.failed, i.standard_id, i.item_id),
    )[:most_failed]
    failed_items = []
    for i in failing:
        layout = section_layout(standards, i.standard_id)
        item = layout.items_by_id.get(i.item_id) if layout else None
        section = layout.section_of.get(i.item_id) if layout else None
        failed_items.append(
            FailedItem(
                i.standard_id,
                i.item_id,
                item.reference if item else "",
                item.text.get(lang) if item else i.item_id,
                section.title.get(lang) if section else i.section_id,
                i.failed,
                i.counted,
                Figure.share(i.failed / i.counted),
            )
        )
    names = {d.code: d.dealer.name.get(lang) for d in members}
    alerts = tuple(
        DealerNotice(a.dealer_code, names.get(a.dealer_code, ""), a.message.get(lang))
        for d in members
        for a in d.alerts
    )
    repeats = []
    for d in members:
        for r in d.repeat_failures:
            layout = section_layout(standards, r.standard_id)
            item = layout.items_by_id.get(r.item_id) if layout else None
            repeats.append(
                DealerNotice(d.code, names[d.code], f"{r.item_id} {item.text.get(lang) if item else ''}".strip())
            )
    wave = program.wave(result.wave)
    n_audits = sum(d.n_audits for d in members)
    word = "次稽核" if lang.startswith("zh") else "audits"
    return RegionReport(
        lang=lang,
        program_title=program.title.get(lang),
        composite_name=program.composite_name.get(lang),
        scale=program.scale,
        region_code=region_code,
        region_name=region.name.get(lang) if region else group.name.get(lang),
        wave=result.wave,
        wave_title=wave.title.get(lang) if wave and wave.title else result.wave,
        n_dealers=len(members),
        mean=Figure.of(group.composite.mean),
        median=Figure.of(group.composite.median),
        min=Figure.of(group.composite.min),
        max=Figure.of(group.composite.max),
        network_mean=Figure.of(result.network.composite.mean),
        league=league,
        bands=counts,
        heat_columns=heat_cols,
        heat_rows=tuple(heat_rows),
        heat_overview=heat_overview,
        most_failed=tuple(failed_items),
        alerts=alerts,
        repeats=tuple(repeats),
        footer=Footer(
            ", ".join(f"{u.id} {u.version}" for u in result.standards_used) or "–",
            f"{n_audits} {word}",
            generated,
        ),
        actions=_action_follow_up(members, stored_actions, generated, lang),
        over_claims=self_assessment_views(
            self_assessments, standards, (m.dealer for m in members), lang, region=region_code, ranked=True
        )[:REGION_LIMIT],
    )


def _action_follow_up(
    members: Sequence[DealerResult], stored: Sequence[Action], generated: str, lang: str
) -> tuple[ActionFollowUp, ...]:
    names = {d.code: d.dealer.name.get(lang) for d in members}
    rows = [
        ActionFollowUp(s.dealer_code, names[s.dealer_code], s.total, s.open, s.overdue, s.done, s.verified, s.reopened)
        for s in summarise_actions((a for a in stored if a.dealer_code in names), as_of_date(generated))
    ]
    return tuple(sorted(rows, key=lambda r: (-r.overdue, -r.open, r.dealer_code)))

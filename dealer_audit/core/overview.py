"""The wave overview: the network and its regions at a glance, and every dealer as a league-table row.

What the browser's overview page shows, built once per scored wave from the same `WaveResult` as the reports and
with the report model's own pieces (`Figure`, `BandCount`, `league_row`, `band_counts`), so a dealer's index, band,
ranks and change read the same in the overview, the regional PDF and the dealer PDF. Filtering, searching, sorting
and paging the rows (`select_rows`) is pure too: the web layer only turns query parameters into a `RowQuery`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from dealer_audit.core.aggregate import GroupResult, WaveResult
from dealer_audit.core.report_model import BandCount, Figure, LeagueRow, band_counts, league_row


@dataclass(frozen=True, slots=True)
class GroupLine:
    """The network or one region: how many dealers, the spread of their index, the band distribution."""

    code: str
    name: str
    n_dealers: int
    mean: Figure
    median: Figure
    min: Figure
    max: Figure
    delta: Figure
    alerts: int
    bands: tuple[BandCount, ...]


@dataclass(frozen=True, slots=True)
class OverviewRow:
    """A league-table row of the whole network, with the dealer's region (for filtering and links)."""

    region_code: str
    region_name: str
    league: LeagueRow

    @property
    def search_text(self) -> str:
        """What the search box matches (code, name, city, region), lower-cased once."""
        row = self.league
        return f"{row.dealer_code} {row.dealer_name} {row.city} {self.region_code} {self.region_name}".lower()


@dataclass(frozen=True, slots=True)
class WaveOverview:
    lang: str
    program_title: str
    composite_name: str
    scale: int
    wave: str
    wave_title: str
    previous_wave: str | None
    network: GroupLine
    regions: tuple[GroupLine, ...]
    rows: tuple[OverviewRow, ...]  # network rank order (best first)


def _group_line(group: GroupResult, name: str, result: WaveResult, lang: str) -> GroupLine:
    members = result.ranking(None if group is result.network else group.code)
    summary = group.composite
    return GroupLine(
        group.code,
        name,
        len(members),
        Figure.of(summary.mean),
        Figure.of(summary.median),
        Figure.of(summary.min),
        Figure.of(summary.max),
        Figure.delta(group.delta.change),
        sum(1 for d in members if d.alerts),
        band_counts(members, result.program.bands, lang),
    )


def build_wave_overview(result: WaveResult, *, lang: str = "zh") -> WaveOverview:
    """The overview of one scored wave in `lang`."""
    program = result.program
    region_names = {}
    regions = []
    for group in result.regions:
        region = program.region(group.code)
        name = region.name.get(lang) if region else group.name.get(lang)
        region_names[group.code] = name
        if group.dealer_codes:
            regions.append(_group_line(group, name, result, lang))
    network_name = "全网" if lang.startswith("zh") else "Network"
    rows = tuple(
        OverviewRow(d.region, region_names.get(d.region, d.region), league_row(d, lang)) for d in result.ranking()
    )
    wave = program.wave(result.wave)
    return WaveOverview(
        lang=lang,
        program_title=program.title.get(lang),
        composite_name=program.composite_name.get(lang),
        scale=program.scale,
        wave=result.wave,
        wave_title=wave.title.get(lang) if wave and wave.title else result.wave,
        previous_wave=result.previous_wave,
        network=_group_line(result.network, network_name, result, lang),
        regions=tuple(regions),
        rows=rows,
    )


# ---------------------------------------------------------------------------------------------------------------
# choosing rows: filters, search, sort, pages


class SortKey(StrEnum):
    RANK = "rank"
    CODE = "code"
    NAME = "name"
    REGION = "region"
    CITY = "city"
    INDEX = "index"
    BAND = "band"
    DELTA = "delta"
    RANK_REGION = "rank_region"
    VISITS = "visits"
    ALERT = "alert"


_MISSING_LAST = float("inf")


def _number(value: float | int | None) -> float:
    return _MISSING_LAST if value is None else float(value)


# Each key gives (missing?, value): rows without a value sort last in either direction.
_SORT: dict[SortKey, Callable[[OverviewRow], tuple[bool, float | str]]] = {
    SortKey.RANK: lambda r: (r.league.rank_network is None, _number(r.league.rank_network)),
    SortKey.CODE: lambda r: (False, r.league.dealer_code),
    SortKey.NAME: lambda r: (not r.league.dealer_name, r.league.dealer_name),
    SortKey.REGION: lambda r: (False, r.region_code),
    SortKey.CITY: lambda r: (not r.league.city, r.league.city),
    SortKey.INDEX: lambda r: (r.league.index.value is None, _number(r.league.index.value)),
    SortKey.BAND: lambda r: (not r.league.band.code, _number(r.league.rank_network)),
    SortKey.DELTA: lambda r: (r.league.delta.value is None, _number(r.league.delta.value)),
    SortKey.RANK_REGION: lambda r: (r.league.rank_region is None, _number(r.league.rank_region)),
    SortKey.VISITS: lambda r: (False, float(r.league.n_visits)),
    SortKey.ALERT: lambda r: (False, 0.0 if r.league.alert else 1.0),
}


@dataclass(frozen=True)
class RowQuery:
    """Which rows of the league table to show. Empty filters match everything."""

    regions: frozenset[str] | None = None  # None: every region; else only these (a regional manager's)
    region: str = ""
    band: str = ""
    alert: bool = False
    search: str = ""
    sort: SortKey = SortKey.RANK
    descending: bool = False
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class RowPage:
    rows: tuple[OverviewRow, ...]
    total: int  # rows matching the filters
    page: int
    pages: int
    first: int  # 1-based position of the first row shown (0 when none)


def select_rows(rows: tuple[OverviewRow, ...], query: RowQuery) -> RowPage:
    """Filter, search, sort and cut one page out of `rows`. The band sort orders by band, then by rank: bands
    follow the index, so the network rank order is the band order."""
    needle = query.search.strip().lower()
    chosen = [
        r
        for r in rows
        if (query.regions is None or r.region_code in query.regions)
        and (not query.region or r.region_code == query.region)
        and (not query.band or r.league.band.code == query.band)
        and (not query.alert or r.league.alert)
        and (not needle or needle in r.search_text)
    ]
    key = _SORT[query.sort]
    present = sorted((r for r in chosen if not key(r)[0]), key=lambda r: key(r)[1], reverse=query.descending)
    missing = [r for r in chosen if key(r)[0]]
    ordered = present + missing
    per_page = max(1, query.per_page)
    pages = max(1, -(-len(ordered) // per_page))
    page = min(max(1, query.page), pages)
    start = (page - 1) * per_page
    shown = tuple(ordered[start : start + per_page])
    return RowPage(shown, len(ordered), page, pages, start + 1 if shown else 0)


__all__ = [
    "GroupLine",
    "OverviewRow",
    "RowPage",
    "RowQuery",
    "SortKey",
    "WaveOverview",
    "build_wave_overview",
    "select_rows",
]

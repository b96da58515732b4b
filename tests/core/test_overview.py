"""The league table's row selection: filters, search, sort in both directions, missing values last, pages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dealer_audit.core.overview import OverviewRow, RowQuery, SortKey, select_rows
from dealer_audit.core.report_model import NO_BAND, BandTag, Figure, LeagueRow

BANDS = (BandTag("A", "优秀", "#2e7d32"), BandTag("B", "良好", "#7cb342"), NO_BAND)
REGIONS = ("east", "south", "north")


@st.composite
def rows(draw: st.DrawFn) -> tuple[OverviewRow, ...]:
    n = draw(st.integers(0, 40))
    out = []
    for k in range(n):
        index = draw(st.one_of(st.none(), st.floats(0, 1000, allow_nan=False)))
        region = draw(st.sampled_from(REGIONS))
        league = LeagueRow(
            f"D{k:03d}",
            draw(st.sampled_from(["上海浦东", "Beijing", "广州天河", ""])),
            draw(st.sampled_from(["上海市", "北京市", ""])),
            Figure.of(index),
            draw(st.sampled_from(BANDS)),
            None if index is None else draw(st.integers(1, 10)),
            None if index is None else k + 1,
            Figure.delta(draw(st.one_of(st.none(), st.floats(-50, 50, allow_nan=False)))),
            draw(st.integers(0, 6)),
            draw(st.booleans()),
        )
        out.append(OverviewRow(region, region.upper(), league))
    return tuple(out)


queries = st.builds(
    RowQuery,
    regions=st.one_of(st.none(), st.frozensets(st.sampled_from(REGIONS))),
    region=st.sampled_from(("", *REGIONS)),
    band=st.sampled_from(("", "A", "B")),
    alert=st.booleans(),
    search=st.sampled_from(("", "上海", "d00", "EAST", "nothing")),
    sort=st.sampled_from(list(SortKey)),
    descending=st.booleans(),
    page=st.integers(1, 5),
    per_page=st.integers(1, 15),
)


def matches(row: OverviewRow, q: RowQuery) -> bool:
    league = row.league
    text = f"{league.dealer_code} {league.dealer_name} {league.city} {row.region_code} {row.region_name}".lower()
    return (
        (q.regions is None or row.region_code in q.regions)
        and (not q.region or row.region_code == q.region)
        and (not q.band or league.band.code == q.band)
        and (not q.alert or league.alert)
        and q.search.lower() in text
    )


@given(rows(), queries)
def test_pages_hold_exactly_the_matching_rows(all_rows: tuple[OverviewRow, ...], query: RowQuery) -> None:
    expected = {r.league.dealer_code for r in all_rows if matches(r, query)}
    first = select_rows(all_rows, RowQuery(**{**query.__dict__, "page": 1}))
    seen: list[str] = []
    for page in range(1, first.pages + 1):
        chosen = select_rows(all_rows, RowQuery(**{**query.__dict__, "page": page}))
        assert chosen.total == len(expected)
        assert len(chosen.rows) <= query.per_page
        assert chosen.first == (0 if not chosen.rows else (page - 1) * query.per_page + 1)
        seen += [r.league.dealer_code for r in chosen.rows]
    assert len(seen) == len(set(seen)) and set(seen) == expected
    # a page past the end shows the last page, never an empty one when rows match
    beyond = select_rows(all_rows, RowQuery(**{**query.__dict__, "page": first.pages + 3}))
    assert beyond.page == first.pages and (beyond.rows or not expected)


@given(rows(), st.booleans())
def test_index_sort_orders_both_ways_with_missing_last(all_rows: tuple[OverviewRow, ...], descending: bool) -> None:
    chosen = select_rows(all_rows, RowQuery(sort=SortKey.INDEX, descending=descending, per_page=1000)).rows
    values = [r.league.index.value for r in chosen]
    present = [v for v in values if v is not None]
    assert values == present + [None] * (len(values) - len(present))
    assert present == sorted(present, reverse=descending)


def test_default_order_is_the_network_rank_and_ties_keep_the_given_order() -> None:
    def row(code: str, index: float | None, rank: int | None) -> OverviewRow:
        league = LeagueRow(code, code, "", Figure.of(index), NO_BAND, rank, rank, Figure.delta(None), 1)
        return OverviewRow("east", "East", league)

    given_rows = (row("A", 90.0, 1), row("B", 80.0, 2), row("C", 80.0, 2), row("D", None, None))
    assert [r.league.dealer_code for r in select_rows(given_rows, RowQuery()).rows] == ["A", "B", "C", "D"]
    by_rank_desc = select_rows(given_rows, RowQuery(sort=SortKey.RANK, descending=True)).rows
    assert [r.league.dealer_code for r in by_rank_desc] == ["B", "C", "A", "D"]
    assert select_rows((), RowQuery()).pages == 1 and select_rows((), RowQuery()).first == 0

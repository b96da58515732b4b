"""What the look pages' charts draw, taken from the report models as they are (no figure is computed here).

Each function returns plain JSON-ready data for `static/look.js`: the full-precision `value` of each `Figure` for
bar lengths and colours, and its display `text` (rounded as in the PDFs) for every label and tooltip.
"""

from __future__ import annotations

from dealer_audit.core.report_model import DealerReport, Figure, RegionReport, Span, fmt_number
from dealer_audit.web.i18n import words_under

Json = dict[str, object]


def _ends(span: Span | None) -> list[float | None]:
    """[low, high] of a 95% interval for a whisker ([None, None] draws none)."""
    return [None, None] if span is None else [span.low.value, span.high.value]


def _row(title: str, index: Figure, span: Span | None, shrunk: Figure, visits: int | None) -> Json:
    return {
        "name": title,
        "value": index.value,
        "text": index.text,
        "interval": _ends(span),
        "interval_text": span.text if span else "",
        "shrunk": shrunk.value,
        "shrunk_text": shrunk.text,
        "one_visit": visits == 1 and span is not None,
    }


def band_chart(report: RegionReport) -> Json:
    return {
        "labels": [b.band.label for b in report.bands],
        "colors": [b.band.color for b in report.bands],
        "counts": [b.count for b in report.bands],
        "name": report.t("dealers_n"),
    }


def heatmap_chart(report: RegionReport) -> Json:
    return {
        "columns": [c.title for c in report.heat_columns],
        "rows": [f"{r.dealer_code} {r.dealer_name}" for r in report.heat_rows],
        "codes": [r.dealer_code for r in report.heat_rows],
        "cells": [[c.value for c in r.cells] for r in report.heat_rows],
        "texts": [[c.text for c in r.cells] for r in report.heat_rows],
        "wave": report.wave,
    }


def section_chart(report: DealerReport) -> Json:
    """The page-1 bars of the dealer PDF: each section, this dealer against region and network."""
    sections = report.sections
    standards = {c.standard_id: c.title for c in report.checklists}
    return {
        "categories": [s.title for s in sections],
        "standards": [standards.get(s.standard_id, s.standard_id) for s in sections],
        "intervals": [_ends(s.interval) for s in sections],  # the whisker on the dealer's bar
        "interval_texts": [s.interval.text if s.interval else "" for s in sections],
        "interval_name": report.t("ci95"),
        "series": [
            {
                "name": report.t(key),
                "values": [getattr(s, attr).value for s in sections],
                "texts": [getattr(s, attr).text for s in sections],
            }
            for key, attr in (("this_dealer", "dealer"), ("region_avg", "region"), ("network_avg", "network"))
        ],
    }


def indices_chart(report: DealerReport) -> Json:
    """The composite (on the program's scale) and each standard's index (0..100), each with its 95% interval as a
    whisker and its shrunken estimate as a marker: the key-figure table of the dealer PDF as a picture."""
    return {
        "composite": _row(report.composite_name, report.composite, report.interval, report.shrunk, None),
        "scale": report.scale,
        "checklists": [_row(c.title, c.index, c.interval, c.shrunk, c.n_audits) for c in report.checklists],
        "names": {"index": report.t("index"), "ci": report.t("ci95"), "shrunk": report.t("shrunk")},
        "one_visit": words_under("precision", report.lang)["one_visit"],
    }


def trend_chart(report: DealerReport) -> Json:
    """The trend line of the dealer PDF (composite per wave: dealer, region mean, network mean)."""
    points = report.trend
    return {
        "waves": [p.wave for p in points],
        "series": [
            {
                "name": report.t(key),
                "values": [getattr(p, attr) for p in points],
                "texts": [fmt_number(getattr(p, attr)) for p in points],
            }
            for key, attr in (("this_dealer", "dealer"), ("region_avg", "region"), ("network_avg", "network"))
        ],
        "max": report.scale,
    }


def region_charts(report: RegionReport) -> Json:
    return {"bands": band_chart(report), "heatmap": heatmap_chart(report)}


def dealer_charts(report: DealerReport) -> Json:
    return {"sections": section_chart(report), "trend": trend_chart(report), "indices": indices_chart(report)}

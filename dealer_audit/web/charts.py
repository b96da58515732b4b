"""What the look pages' charts draw, taken from the report models as they are (no figure is computed here).

Each function returns plain JSON-ready data for `static/look.js`: the full-precision `value` of each `Figure` for
bar lengths and colours, and its display `text` (rounded as in the PDFs) for every label and tooltip.
"""

from __future__ import annotations

from dealer_audit.core.report_model import DealerReport, RegionReport, fmt_number

Json = dict[str, object]


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
        "series": [
            {
                "name": report.t(key),
                "values": [getattr(s, attr).value for s in sections],
                "texts": [getattr(s, attr).text for s in sections],
            }
            for key, attr in (("this_dealer", "dealer"), ("region_avg", "region"), ("network_avg", "network"))
        ],
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
    return {"sections": section_chart(report), "trend": trend_chart(report)}

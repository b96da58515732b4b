"""The inputs of a key-driver analysis, read off a scored wave: dealer × section or dealer × item tables.

A dealer's value for a section is its mean section percent over the wave's visits; for an item, its mean
fraction (the compliance rate for yes/no items). The outcome is any `dealer code → number` mapping; the default
is the composite index, so the analysis answers "which parts of the standard make the index differ between
dealers" until a KPI store supplies NPS or CSI per dealer (docs/insight.md).

Pure: a `WaveResult` and the standards in, `DriverTable`s out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from dealer_audit.core.aggregate import DealerResult, StandardKey, WaveResult
from dealer_audit.core.key_drivers import DEFAULT_RESAMPLES, DriverAnalysis, DriverTable, Method, Predictor, analyse
from dealer_audit.core.standard import Checklist, Item, LocalText, Section
from dealer_audit.core.versions import version_key


class Level(StrEnum):
    SECTION = "section"
    ITEM = "item"


def composite_outcome(result: WaveResult, region: str | None = None) -> dict[str, float]:
    """The default outcome: each dealer's composite index (program scale); dealers without one are absent."""
    return {
        d.code: float(d.composite)
        for d in result.dealers
        if d.composite is not None and (region is None or d.region == region)
    }


def newest_layout(standards: Mapping[StandardKey, Checklist], standard_id: str, versions: Sequence[str]) -> Checklist:
    """The standard's newest version among those the wave used (else among all loaded): its sections and items
    name the predictors. Raises KeyError when the standard is not loaded at all."""
    wanted = [(standard_id, v) for v in versions if (standard_id, v) in standards]
    wanted = wanted or [k for k in standards if k[0] == standard_id]
    if not wanted:
        raise KeyError(standard_id)
    return standards[max(wanted, key=lambda k: version_key(k[1]))]


def analysed_standards(result: WaveResult) -> tuple[str, ...]:
    """The standards a driver analysis runs on: the program's, in program order, that the wave audited."""
    used = {s.id for s in result.standards_used}
    return tuple(c.standard_id for c in result.program.checklists if c.standard_id in used)


def _program_share(result: WaveResult, standard_id: str) -> float:
    total = sum(c.weight for c in result.program.checklists)
    weight = next((c.weight for c in result.program.checklists if c.standard_id == standard_id), 0.0)
    return weight / total if total > 0 else 0.0


def _scored(section: Section) -> list[Item]:
    return [i for i in section.items if i.is_scored and not i.bonus]


def driver_table(
    result: WaveResult,
    standards: Mapping[StandardKey, Checklist],
    standard_id: str,
    level: Level,
    region: str | None = None,
) -> DriverTable:
    """Dealer × predictor values of one standard at `level`, for the dealers of `region` (default: all).

    Each predictor carries its stated share of the composite: the standard's program weight share × the
    section's share of the standard's section weights (× the item's share of its section's item weights)."""
    versions = [s.version for s in result.standards_used if s.id == standard_id]
    layout = newest_layout(standards, standard_id, versions)
    dealers: list[DealerResult] = [d for d in result.dealers if region is None or d.region == region]
    program_share = _program_share(result, standard_id)
    section_total = sum(s.effective_weight for s in layout.sections) or 1.0
    predictors: list[Predictor] = []
    for section in layout.sections:
        section_share = program_share * section.effective_weight / section_total
        if level is Level.SECTION:
            predictors.append(
                Predictor(f"{standard_id}/{section.id}", standard_id, section.id, None, section.title, section_share)
            )
            continue
        items = _scored(section)
        item_total = sum(i.weight for i in items) or 1.0
        predictors += [
            Predictor(
                f"{standard_id}/{section.id}/{item.id}",
                standard_id,
                section.id,
                item.id,
                item.text,
                section_share * item.weight / item_total,
            )
            for item in items
        ]
    values = np.full((len(dealers), len(predictors)), np.nan)
    for row, dealer in enumerate(dealers):
        checklist = dealer.checklist(standard_id)
        if checklist is None:
            continue
        for col, p in enumerate(predictors):
            if p.item_id is None:
                section_result = checklist.section(p.section_id)
                value = section_result.mean_percent if section_result else None
            else:
                item_result = checklist.item(p.item_id)
                value = item_result.mean_fraction if item_result else None
            if value is not None:
                values[row, col] = value
    return DriverTable(tuple(d.code for d in dealers), tuple(predictors), values)


@dataclass(frozen=True, slots=True)
class StandardDrivers:
    """One standard's drivers: its sections by general dominance, its items by relative weights."""

    standard_id: str
    title: LocalText
    sections: DriverAnalysis
    items: DriverAnalysis


@dataclass(frozen=True, slots=True)
class WaveDrivers:
    wave: str
    outcome: str  # "composite", or the KPI id the outcome came from
    region: str | None  # None: the whole network
    standards: tuple[StandardDrivers, ...]


def wave_drivers(
    result: WaveResult,
    standards: Mapping[StandardKey, Checklist],
    outcome: Mapping[str, float] | None = None,
    *,
    outcome_name: str = "composite",
    region: str | None = None,
    resamples: int = DEFAULT_RESAMPLES,
) -> WaveDrivers:
    """Key drivers of `outcome` (default: the composite index) for each program standard the wave audited,
    over the dealers of `region` (default: the network)."""
    values = composite_outcome(result, region) if outcome is None else outcome
    analyses = []
    for standard_id in analysed_standards(result):
        section_table = driver_table(result, standards, standard_id, Level.SECTION, region)
        item_table = driver_table(result, standards, standard_id, Level.ITEM, region)
        versions = [s.version for s in result.standards_used if s.id == standard_id]
        analyses.append(
            StandardDrivers(
                standard_id,
                newest_layout(standards, standard_id, versions).title,
                analyse(section_table, values, method=Method.DOMINANCE, outcome_name=outcome_name, resamples=resamples),
                analyse(
                    item_table,
                    values,
                    method=Method.RELATIVE_WEIGHTS,
                    outcome_name=outcome_name,
                    resamples=resamples,
                ),
            )
        )
    return WaveDrivers(result.wave, outcome_name, region, tuple(analyses))

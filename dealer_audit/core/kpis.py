"""Measured KPIs beside the audits: what the DMS and the survey vendors report, scored on 0..100 (pure).

Why this module: an OEM judges a dealer not only on what auditors observe but on what its systems measure (tablet
check-in rate, online booking share, e-invoice share, status-board uptime) and what customers say (NPS, CSI on
1,000 points). The program file defines each indicator (`kpis:`); this module turns a dealer's measured values
into scores, a KPI index, the scorecard composite (audit composite blended with the KPIs that enter it) and the
cross-check flags where the audits contradict the dealer's own system data. docs/kpis-and-incentives.md gives
every formula with worked numbers.

* Linear curve: score = 100 · (value − floor) ÷ (target − floor), clamped to 0..100. With "lower is better" the
  target lies below the floor, and the same formula holds (both differences are negative).
* Bands: the first band whose [min, max] holds the value gives its score; a value no band holds scores 0.
* Missing values are re-weighted, not zero: the weights of the KPIs a dealer has a value for are renormalised
  (Σ wₖ·sₖ ÷ Σ wₖ over the KPIs present). `coverage` says which share of the weight was present, so a KPI index
  resting on one KPI of five is visible as such.
* The scorecard composite blends the audit composite (0..100, weight = the program's checklist weights summed)
  with the composite KPIs (their own weights): (W_audit · A + Σ wₖ·sₖ) ÷ (W_audit + Σ wₖ), KPIs present only.
  KPI values are measurements, not samples of our visits, so the composite's 95 % interval is the audit
  interval scaled by the audit's share of the weight, shifted by the KPI part.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from dealer_audit.core.standard import LocalText, NumberRange
from dealer_audit.core.stats import Interval, weighted_mean

if TYPE_CHECKING:
    from dealer_audit.core.aggregate import DealerResult, WaveResult


class Direction(StrEnum):
    """Which way is good: a higher tablet check-in rate, fewer complaints per 1,000 repair orders."""

    HIGHER = "higher"
    LOWER = "lower"


class Enters(StrEnum):
    """Where a KPI counts: in the scorecard composite (and so in the incentive tier), or in the KPI index only."""

    COMPOSITE = "composite"
    KPI_INDEX = "kpi_index"


class CurveKind(StrEnum):
    LINEAR = "linear"
    BANDS = "bands"


@dataclass(frozen=True)
class KpiBand:
    """One step of a banded curve: values with min <= v <= max (open ends allowed) score `score` (0..100)."""

    score: float
    min: float | None = None
    max: float | None = None

    def matches(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@dataclass(frozen=True)
class Curve:
    """How a measured value becomes a 0..100 score: linear between floor and target, or bands."""

    kind: CurveKind
    floor: float = 0.0  # linear: the value that scores 0
    target: float = 100.0  # linear: the value that scores 100
    bands: tuple[KpiBand, ...] = ()


@dataclass(frozen=True)
class CrossCheck:
    """An audit item that observes what the KPI measures: the item failed while the KPI is at or beyond
    `threshold` in its good direction is a contradiction (auditors saw paper check-in, the DMS says 96 % tablet)."""

    standard_id: str
    item_id: str
    threshold: float


@dataclass(frozen=True)
class KpiDefinition:
    """One indicator of the program file's `kpis:` list."""

    id: str
    name: LocalText
    unit: LocalText
    direction: Direction
    curve: Curve
    weight: float = 1.0
    enters: Enters = Enters.KPI_INDEX
    range: NumberRange | None = None  # plausible values; an imported value outside is refused with its cell
    cross_checks: tuple[CrossCheck, ...] = ()

    def is_good(self, value: float, threshold: float) -> bool:
        """At or beyond `threshold` in the good direction."""
        return value >= threshold if self.direction is Direction.HIGHER else value <= threshold


@dataclass(frozen=True)
class KpiValue:
    """One measured value as imported: a dealer's KPI in a wave, with the count it rests on (surveys, ROs)."""

    dealer_code: str
    kpi_id: str
    value: float
    base_n: int | None = None
    source: str = ""  # the file it came from


def kpi_score(definition: KpiDefinition, value: float) -> float:
    """The 0..100 score of a measured value under the KPI's curve (formulas in the module docstring)."""
    curve = definition.curve
    if curve.kind is CurveKind.LINEAR:
        span = curve.target - curve.floor
        if span == 0:  # refused by the program check; a defined answer all the same
            return 100.0 if definition.is_good(value, curve.target) else 0.0
        return min(100.0, max(0.0, 100.0 * (value - curve.floor) / span))
    band = next((b for b in curve.bands if b.matches(value)), None)
    return band.score if band is not None else 0.0


@dataclass(frozen=True)
class Reweighted:
    """A weighted mean over the parts present, and the share of the total weight they carried (0..1)."""

    value: float | None
    coverage: float


def reweighted_mean(parts: Iterable[tuple[float, float | None]]) -> Reweighted:
    """Σ w·s ÷ Σ w over the (weight, score) parts whose score is present; missing parts drop out and the others'
    weights are renormalised (the documented re-weighting for missing values)."""
    parts = list(parts)
    total = math.fsum(w for w, _ in parts if w > 0)
    present = [(w, s) for w, s in parts if s is not None and w > 0]
    value = weighted_mean(present)
    coverage = math.fsum(w for w, _ in present) / total if total > 0 else 0.0
    return Reweighted(value, coverage)


def blend_composite(
    audit_100: float | None, audit_weight: float, kpi_parts: Iterable[tuple[float, float | None]]
) -> float | None:
    """The scorecard composite on 0..100: the audit composite with weight `audit_weight` and each KPI present
    with its own weight. None without an audit composite: KPIs alone never make a dealer's composite."""
    if audit_100 is None:
        return None
    present = [(w, s) for w, s in kpi_parts if s is not None]
    return weighted_mean([(audit_weight, audit_100), *present])


def blend_interval(
    interval_100: Interval | None, audit_weight: float, kpi_parts: Iterable[tuple[float, float | None]]
) -> Interval | None:
    """The audit interval carried through the blend: KPI values are measured, not sampled by our visits, so only
    the audit part varies: [a·low + b, a·high + b] with a = W_audit ÷ W_present and b the KPI part."""
    if interval_100 is None:
        return None
    present = [(w, s) for w, s in kpi_parts if s is not None and w > 0]
    total = audit_weight + math.fsum(w for w, _ in present)
    if total <= 0:
        return None
    share = audit_weight / total
    shift = math.fsum(w * s for w, s in present) / total
    return Interval(share * interval_100.low + shift, share * interval_100.high + shift)


# ---- a wave's KPIs ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiScore:
    """One KPI of one dealer: the measured value (None: not imported), its score and base."""

    kpi_id: str
    value: float | None
    score: float | None
    base_n: int | None = None


@dataclass(frozen=True)
class CrossCheckFlag:
    """A data-integrity flag: auditors failed the item while the dealer's system reports the KPI as good."""

    dealer_code: str
    kpi_id: str
    standard_id: str
    item_id: str
    value: float
    threshold: float
    failed: int  # visits in which the item failed
    counted: int  # visits in which it was rated
    message: LocalText


@dataclass(frozen=True)
class DealerKpis:
    """A dealer's KPIs in a wave, the KPI index and the scorecard composite (0..100, with its interval)."""

    dealer_code: str
    region: str
    scores: tuple[KpiScore, ...]  # program order
    kpi_index: Reweighted
    audit_composite_100: float | None
    composite_100: float | None  # scorecard composite: audits blended with the composite KPIs
    composite_interval_100: Interval | None
    visits: int
    flags: tuple[CrossCheckFlag, ...] = ()

    def score(self, kpi_id: str) -> KpiScore | None:
        return next((s for s in self.scores if s.kpi_id == kpi_id), None)


def on_scale(value: float | None, scale: int) -> float | None:
    """A 0–100 figure (a KPI score, a composite, a threshold) on the program's scale: the one conversion the KPI
    outputs (--json, the CLI table, the report) share."""
    return None if value is None else value * scale / 100


@dataclass(frozen=True)
class KpiWave:
    """Every dealer's KPIs in one wave (in the wave's dealer order), and the definitions that scored them."""

    wave: str
    definitions: tuple[KpiDefinition, ...]
    dealers: tuple[DealerKpis, ...]
    scale: int = 100

    @cached_property
    def _index(self) -> Mapping[str, DealerKpis]:
        return {d.dealer_code: d for d in self.dealers}

    def dealer(self, code: str) -> DealerKpis | None:
        return self._index.get(code)

    def definition(self, kpi_id: str) -> KpiDefinition | None:
        return next((k for k in self.definitions if k.id == kpi_id), None)

    @property
    def flags(self) -> tuple[CrossCheckFlag, ...]:
        return tuple(f for d in self.dealers for f in d.flags)


def _fmt(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def cross_check_flags(definition: KpiDefinition, value: float, dealer: DealerResult) -> list[CrossCheckFlag]:
    """The KPI's cross-checks that the dealer's audits contradict (an item failed in at least one visit while
    the measured value is at or beyond the threshold in the good direction)."""
    flags = []
    for check in definition.cross_checks:
        if not definition.is_good(value, check.threshold):
            continue
        result = dealer.checklist(check.standard_id)
        item = result.item(check.item_id) if result is not None else None
        if item is None or item.failed == 0:
            continue
        sign = "≥" if definition.direction is Direction.HIGHER else "≤"
        unit_en, unit_zh = definition.unit.en, definition.unit.zh or definition.unit.en
        shown = _fmt(value)
        message = LocalText(
            zh=f"{definition.name.get('zh')}系统数据为 {shown}{unit_zh}（{sign} {_fmt(check.threshold)}），"
            f"但稽核员在 {item.failed}/{item.counted} 次到访中判定 {check.item_id} 不合格：请核实数据真实性",
            en=f"{definition.name.get('en')} reported as {shown}{unit_en} ({sign} {_fmt(check.threshold)}), yet "
            f"auditors failed {check.item_id} in {item.failed} of {item.counted} visit(s): check the data",
        )
        flags.append(
            CrossCheckFlag(
                dealer.code,
                definition.id,
                check.standard_id,
                check.item_id,
                value,
                check.threshold,
                item.failed,
                item.counted,
                message,
            )
        )
    return flags


def audit_weight(result: WaveResult) -> float:
    """The weight of the audit composite in the blend: the program's checklist weights summed."""
    return math.fsum(c.weight for c in result.program.checklists)


def evaluate_wave(result: WaveResult, values: Sequence[KpiValue]) -> KpiWave:
    """Score every dealer's KPIs of the scored wave, the KPI index, the scorecard composite and cross-checks.

    Values of dealers not in the wave, or of KPIs the program does not define, are ignored here: the importer
    refuses them, so they can only come from a program changed after the import.
    """
    definitions = result.program.kpis
    by_dealer: dict[str, dict[str, KpiValue]] = {}
    for v in values:
        by_dealer.setdefault(v.dealer_code, {})[v.kpi_id] = v
    weight = audit_weight(result)
    dealers = []
    for d in result.dealers:
        own = by_dealer.get(d.code, {})
        scores = []
        flags: list[CrossCheckFlag] = []
        for definition in definitions:
            measured = own.get(definition.id)
            if measured is None:
                scores.append(KpiScore(definition.id, None, None))
                continue
            scores.append(
                KpiScore(definition.id, measured.value, kpi_score(definition, measured.value), measured.base_n)
            )
            flags.extend(cross_check_flags(definition, measured.value, d))
        index_parts = [
            (k.weight, s.score) for k, s in zip(definitions, scores, strict=True) if k.enters is Enters.KPI_INDEX
        ]
        composite_parts = [
            (k.weight, s.score) for k, s in zip(definitions, scores, strict=True) if k.enters is Enters.COMPOSITE
        ]
        interval = None
        if d.composite_ci is not None:
            factor = 100 / result.scale
            interval = Interval(d.composite_ci.low * factor, d.composite_ci.high * factor)
        dealers.append(
            DealerKpis(
                dealer_code=d.code,
                region=d.region,
                scores=tuple(scores),
                kpi_index=reweighted_mean(index_parts),
                audit_composite_100=d.composite_100,
                composite_100=blend_composite(d.composite_100, weight, composite_parts),
                composite_interval_100=blend_interval(interval, weight, composite_parts),
                visits=d.n_audits,
                flags=tuple(flags),
            )
        )
    return KpiWave(result.wave, definitions, tuple(dealers), result.scale)

"""A wave's audits → dealer, region and network results: indices, ranks, trends, alerts and what to fix first.

`score_wave` is the one call reports, the `score` command and exports use, so every figure the product shows comes
from here. It is pure: callers load the program, the standards (every version audits were captured on), the dealer
master data and the audits, and pass them in (services/scoring_job.py does that from storage).

Rules (docs/scoring.md has them in full, with a worked example):

* Each audit is scored with the standard version it was captured on (`audit.standard_id/version`), unless the caller
  explicitly re-scores under another version (`score_under`, `rescore_under`).
* Only **finalised** audits count. Drafts are scored (their `AuditScore` is kept) but listed as not counted.
* Dealer × checklist: the mean of the gated indices of its finalised audits, with n, a 95% interval from the
  visit-to-visit variance pooled over the network (a single visit has one too) and a shrunken (empirical-Bayes)
  estimate beside it (core/intervals.py). Composite (program scale): Σ w_c·index_c ÷ Σ w_c over the program's
  checklists, N/A when any is missing. Bands: the standard's bands for a checklist index, the program's bands
  (0..100) for the composite.
* Region / network: each dealer counts once: n, mean, median, min, max of dealer indices; section and item
  compliance over the audits of their dealers (share of applicable audits in which an item passed).
* Ranks: by composite at full precision, ties share a rank (1, 2, 2, 4); dealers without a composite are unranked.
* Trends against the program's previous wave: deltas per dealer, checklist, section and item, each labelled
  significant / within noise / insufficient data (Welch's t, Benjamini–Hochberg across the network); alerts for a
  critical failure, a drop ≥ `program.alerts.drop_threshold` (100 scale; only a significant one when
  `alerts.drop_requires_significance`) and a band fall; rank ranges by simulation; repeat failures (an item failed by
  the same dealer in both waves).
* Improvement opportunities: for each failed item, the index points the dealer would gain if it passed (points lost
  ÷ the section's possible points × the section's weight share × 100), averaged over the dealer's audits, weighted
  by the checklist's share of the composite; highest first.

Audits are deduplicated and processed in audit-id order, dealers in code order, and statistics over sets of values
use `math.fsum`, so the order in which audits arrive never changes a figure (a property test checks it).
"""

from __future__ import annotations

import copy
import gc
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from itertools import chain, repeat
from operator import itemgetter
from typing import NamedTuple, TypeVar

import numpy as np

from dealer_audit.core.answers import Audit
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.intervals import (
    SIGNIFICANCE_TEXT,
    ChangeCase,
    DeltaTest,
    RankRange,
    SamplingError,
    Shrunk,
    Significance,
    VarianceComponents,
    change_p_values,
    combine_errors,
    error_of_mean,
    label_changes,
    mean_interval,
    rank_ranges,
    shrink,
    variance_components,
    wilson_interval,
)
from dealer_audit.core.scoring import AuditScore, ItemScore, KnockOut, score_audit
from dealer_audit.core.standard import Band, Checklist, LocalText, Program, band_for
from dealer_audit.core.stats import Interval, Summary, competition_ranks, mean, weighted_mean
from dealer_audit.core.versions import version_key
from dealer_audit.errors import Location, Problem, Severity

StandardKey = tuple[str, str]  # (standard id, version)
_Record = TypeVar("_Record", "DealerChecklistResult", "DealerResult")

INDEX_BOUNDS = (0.0, 100.0)
DEFAULT_OPPORTUNITIES = 5


# ---- small value types -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Delta:
    """A figure this wave and the previous one; `change` is None unless both exist."""

    current: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True, slots=True)
class Rank:
    """A dealer's place (1 = best) within its region and the network; None when it has no index to rank by."""

    network: int | None
    network_size: int
    region: int | None
    region_size: int


class ItemStatus(StrEnum):
    """How a dealer did on an item this wave compared with the previous wave."""

    PASSED = "passed"  # counted and never failed this wave
    FIXED = "fixed"  # failed last wave, not this wave
    NEW_FAILURE = "new_failure"  # failed this wave, not failed (or not audited) last wave
    REPEAT_FAILURE = "repeat_failure"  # failed this wave and last wave
    NOT_RATED = "not_rated"  # never counted this wave (N/A, condition false, unanswered)


class AlertKind(StrEnum):
    CRITICAL_FAILURE = "critical_failure"
    DROP = "drop"
    BAND_FALL = "band_fall"


# ---- per dealer --------------------------------------------------------------------------------------------------


class ItemResult(NamedTuple):
    """One item for one dealer (or a region/network: then `counted` sums over all their audits) in one wave.

    `rate` is the compliance rate: the share of audits where the item counted in which it passed. An immutable
    record like the other results, but a NamedTuple: a wave of 1,000 dealers builds 100,000+ of them."""

    standard_id: str
    section_id: str
    item_id: str
    counted: int  # audits in which the item was applicable, answered and scored
    passed: int
    failed: int
    mean_fraction: float | None
    mean_points_lost: float | None  # per audit in which it counted (weight·(1 − f)); 0 for bonus items
    critical: bool
    critical_failures: int
    previous_rate: float | None = None
    previous_failed: int = 0
    status: ItemStatus = ItemStatus.NOT_RATED

    @property
    def rate(self) -> float | None:
        return self.passed / self.counted if self.counted else None

    @property
    def rate_interval(self) -> Interval | None:
        """The 95% Wilson interval of the compliance rate (audits as independent trials)."""
        return wilson_interval(self.passed, self.counted)

    @property
    def delta(self) -> Delta:
        return Delta(self.rate, self.previous_rate)


@dataclass(frozen=True, slots=True)
class SectionResult:
    """A section's mean percent over the audits in which it applied (gated: a zero_section knock-out counts as 0)."""

    standard_id: str
    section_id: str
    weight: float
    n: int  # audits in which the section applied
    mean_percent: float | None
    raw_mean_percent: float | None
    zeroed: int  # audits in which a knock-out zeroed it
    items_counted: int  # item ratings over those audits (bonus items excluded)
    items_passed: int
    previous_mean_percent: float | None = None
    ci: Interval | None = None  # 95% interval of a dealer's mean percent (pooled visit-to-visit variance)
    error: SamplingError | None = None  # the sampling error behind `ci`
    delta_test: DeltaTest | None = None  # is the change against the previous wave real? (None: no change)

    @property
    def compliance(self) -> float | None:
        """Share of item ratings in the section that passed."""
        return self.items_passed / self.items_counted if self.items_counted else None

    @property
    def compliance_interval(self) -> Interval | None:
        """The 95% Wilson interval of `compliance` (item ratings as independent trials)."""
        return wilson_interval(self.items_passed, self.items_counted)

    @property
    def delta(self) -> Delta:
        return Delta(self.mean_percent, self.previous_mean_percent)


@dataclass(frozen=True)
class DealerChecklistResult:
    """A dealer's result on one standard in the wave: the mean of its finalised audits' gated indices (0..100)."""

    standard_id: str
    title: LocalText
    versions: tuple[str, ...]  # the standard versions its audits were scored with
    audits: tuple[AuditScore, ...]  # finalised audits with an index, oldest id first
    drafts: tuple[AuditScore, ...]  # scored but not counted
    n: int
    index: float | None  # mean gated index
    raw_index: float | None  # mean raw index (knock-outs ignored)
    ci: Interval | None  # 95% interval of the mean from the pooled visit-to-visit variance, clipped to 0..100
    stdev: float | None  # of this dealer's own visits (n ≥ 2)
    band: Band | None  # the standard's bands
    sections: tuple[SectionResult, ...]
    items: tuple[ItemResult, ...]
    knock_outs: tuple[tuple[str, KnockOut], ...]  # (audit id, knock-out)
    previous_index: float | None = None
    previous_band: Band | None = None
    rank: Rank | None = None
    error: SamplingError | None = None  # sampling error of `index` (pooled σ² ÷ n)
    shrunk: Shrunk | None = None  # empirical-Bayes estimate beside `index`, toward the network mean
    delta_test: DeltaTest | None = None  # is `delta` real? (None: no previous index)

    @property
    def delta(self) -> Delta:
        return Delta(self.index, self.previous_index)

    def item(self, item_id: str) -> ItemResult | None:
        return next((i for i in self.items if i.item_id == item_id), None)

    def section(self, section_id: str) -> SectionResult | None:
        return next((s for s in self.sections if s.section_id == section_id), None)


@dataclass(frozen=True, slots=True)
class Alert:
    """An early warning for HQ and the regional manager; `message` is ready to show in either language."""

    dealer_code: str
    kind: AlertKind
    message: LocalText
    standard_id: str | None = None  # None: about the composite index
    item_id: str | None = None
    audit_id: str | None = None  # the first audit concerned
    current: float | None = None
    previous: float | None = None
    audit_ids: tuple[str, ...] = ()  # every audit concerned (a critical item failed in several visits)
    significance: Significance | None = None  # drop alerts: is the drop beyond noise?


@dataclass(frozen=True, slots=True)
class RepeatFailure:
    """An item the dealer failed this wave and the previous one: was last wave's action done?"""

    dealer_code: str
    standard_id: str
    section_id: str
    item_id: str
    critical: bool
    rate: float | None  # compliance rate this wave
    previous_rate: float | None


@dataclass(frozen=True, slots=True)
class Opportunity:
    """A failed item and what passing it would be worth: `index_points` on the checklist index (0..100),
    `composite_points` on the composite (program scale; None when the standard is not in the program)."""

    standard_id: str
    section_id: str
    item_id: str
    index_points: float
    composite_points: float | None
    points_lost: float  # mean item points lost per audit (weight·(1 − f))
    section_weight_share: float  # W_s ÷ Σ W_s of the applicable sections, averaged over the audits
    critical: bool
    failed: int  # audits in which it failed
    n: int  # the dealer's audits of that standard


@dataclass(frozen=True)
class DealerResult:
    """Everything about one dealer in one wave. Dealers without any audit are present, with n = 0 and no index."""

    dealer: Dealer
    checklists: tuple[DealerChecklistResult, ...]  # program order, then any other standard audited
    composite: float | None  # on the program scale; None when a program checklist is missing
    composite_100: float | None  # the same on 0..100 (what bands and alert thresholds use)
    band: Band | None  # the program's band of composite_100
    rank: Rank
    previous_composite: float | None = None  # program scale
    previous_band: Band | None = None
    alerts: tuple[Alert, ...] = ()
    repeat_failures: tuple[RepeatFailure, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    composite_ci: Interval | None = None  # 95% interval of `composite`, program scale
    composite_error: SamplingError | None = None  # sampling error of `composite_100` (0..100)
    shrunk_composite: float | None = None  # program scale: the weighted shrunken checklist indices
    delta_test: DeltaTest | None = None  # is `delta` real? (None: no previous composite)
    rank_range: RankRange | None = None  # best..worst plausible rank (network and region)

    @property
    def code(self) -> str:
        return self.dealer.code

    @property
    def region(self) -> str:
        return self.dealer.region

    @property
    def delta(self) -> Delta:
        return Delta(self.composite, self.previous_composite)

    @property
    def n_audits(self) -> int:
        return sum(c.n for c in self.checklists)

    @property
    def knock_outs(self) -> tuple[tuple[str, KnockOut], ...]:
        return tuple(k for c in self.checklists for k in c.knock_outs)

    def checklist(self, standard_id: str) -> DealerChecklistResult | None:
        return next((c for c in self.checklists if c.standard_id == standard_id), None)


# ---- regions and the network ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupResult:
    """A region or the whole network. Index statistics count each dealer once; section and item compliance pool
    the finalised audits of its dealers."""

    code: str  # region code, or "network"
    name: LocalText
    dealer_codes: tuple[str, ...]
    composite: Summary  # of dealer composites, program scale
    checklists: Mapping[str, Summary]  # standard id -> summary of dealer checklist indices (0..100)
    sections: tuple[SectionResult, ...]
    items: tuple[ItemResult, ...]
    previous_composite: Summary | None = None
    alerts: int = 0
    critical_failures: int = 0

    @property
    def delta(self) -> Delta:
        previous = self.previous_composite.mean if self.previous_composite else None
        return Delta(self.composite.mean, previous)

    def item(self, standard_id: str, item_id: str) -> ItemResult | None:
        return next((i for i in self.items if i.standard_id == standard_id and i.item_id == item_id), None)

    def section(self, standard_id: str, section_id: str) -> SectionResult | None:
        return next((s for s in self.sections if s.standard_id == standard_id and s.section_id == section_id), None)


@dataclass(frozen=True, slots=True)
class StandardUsed:
    """A standard version scores were computed with: id + version + content hash identify it."""

    id: str
    version: str
    content_hash: str
    audits: int


@dataclass(frozen=True)
class WaveResult:
    """The scored wave: dealer results sorted by network rank (unranked last, then by code), regions in program
    order, the network, every alert, every audit score (drafts too), and problems met on the way (audits skipped
    because their standard or dealer is unknown, drafts not counted). `previous` is the previous wave's result
    (scored with its intervals, which the change tests need, but without opportunities or rank ranges)."""

    program: Program
    wave: str
    previous_wave: str | None
    dealers: tuple[DealerResult, ...]
    regions: tuple[GroupResult, ...]
    network: GroupResult
    alerts: tuple[Alert, ...]
    audit_scores: tuple[AuditScore, ...]
    standards_used: tuple[StandardUsed, ...]
    problems: tuple[Problem, ...] = ()
    previous: WaveResult | None = None
    scored_under: Mapping[str, str] = field(default_factory=dict)  # standard id -> version forced by re-scoring
    variance: Mapping[str, VarianceComponents] = field(default_factory=dict)  # standard id -> its index's
    section_variance: Mapping[tuple[str, str], VarianceComponents] = field(default_factory=dict)  # (std, section)

    @property
    def scale(self) -> int:
        return self.program.scale

    @cached_property
    def _dealer_index(self) -> dict[str, DealerResult]:
        return {d.dealer.code: d for d in self.dealers}

    def dealer(self, code: str) -> DealerResult | None:
        return self._dealer_index.get(code)

    def region(self, code: str) -> GroupResult | None:
        return next((r for r in self.regions if r.code == code), None)

    def ranking(self, region: str | None = None) -> tuple[DealerResult, ...]:
        """Dealers best first (the network order, or the region's); ties keep dealer-code order."""
        if region is None:
            return self.dealers
        return tuple(d for d in self.dealers if d.dealer.region == region)

    @property
    def repeat_failures(self) -> tuple[RepeatFailure, ...]:
        return tuple(r for d in self.dealers for r in d.repeat_failures)


# ---- the computation -----------------------------------------------------------------------------------------------


# Item figures are arrays, one column per item of a standard's layout and one row per figure: a wave has
# 3,000 dealers x 125 items, and one object per dealer and item (merged again for every region and the network)
# was half of the roll-ups' time. Sums are taken in the same order as before (a dealer's audits in audit-id order,
# then dealers in a group's order, each a plain IEEE addition), so every figure is bit-for-bit what the running
# sums gave.
COUNTED, PASSED, FAILED, CRITICAL_FAILURES, FRACTION_SUM, LOST_SUM = range(6)
_FIGURES = 6


class _VersionColumns(NamedTuple):
    """One standard version's items in its own (scoring) order: their columns in the layout and the constants the
    figures need."""

    columns: np.ndarray  # layout position of each item of the version
    weight: np.ndarray
    loses: np.ndarray  # not a bonus item: a failure loses points
    critical: np.ndarray  # not bonus and critical: a failure is a critical failure


@dataclass(frozen=True, eq=False)
class _ItemLayout:
    """The items of one standard id as the roll-ups list them (see `_new_accumulators`), and per version where
    its items go."""

    standard_id: str
    item_ids: tuple[str, ...]
    section_ids: tuple[str, ...]
    critical: tuple[bool, ...]
    versions: Mapping[str, _VersionColumns]
    # every distinct ItemResult of the wave on this standard, each kept once (see `_item_results`)
    shared: dict[ItemResult, ItemResult] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.item_ids)

    def zeros(self) -> np.ndarray:
        return np.zeros((_FIGURES, len(self.item_ids)))


def _item_layout(standard_id: str, standards: Sequence[Checklist]) -> _ItemLayout:
    """Items keyed by id, taking order and critical flag from the first of `standards` (newest first) with it."""
    position: dict[str, int] = {}
    sections: list[str] = []
    critical: list[bool] = []
    for standard in standards:
        for section in standard.sections:
            for item in section.items:
                if item.id not in position:
                    position[item.id] = len(position)
                    sections.append(section.id)
                    critical.append(item.critical is not None)
    versions = {}
    for standard in standards:
        items = list(standard.items())
        versions[standard.version] = _VersionColumns(
            np.array([position[i.id] for i in items], dtype=np.intp),
            np.array([i.weight for i in items], dtype=float),
            np.array([not i.bonus for i in items]),
            np.array([not i.bonus and i.critical is not None for i in items]),
        )
    return _ItemLayout(standard_id, tuple(position), tuple(sections), tuple(critical), versions)


def _fractions(items: tuple[ItemScore, ...]) -> Iterator[float | None]:
    """The items' fractions (None where an item did not count), read by a C-level getter."""
    return map(_FRACTION, items)


_FRACTION = itemgetter(ItemScore._fields.index("fraction"))


def _audit_item_figures(layout: _ItemLayout, scores: Sequence[AuditScore]) -> np.ndarray:
    """Each audit's item figures, (audits, figures, items): one vectorised pass per standard version."""
    out = np.zeros((len(scores), _FIGURES, layout.size))
    rows_of: dict[str, list[int]] = defaultdict(list)
    for row, score in enumerate(scores):
        rows_of[score.standard_version].append(row)
    for version, rows in rows_of.items():
        v = layout.versions[version]
        k = len(v.columns)
        # ItemScore.fraction is None exactly when the item did not count: None reads as NaN
        fractions = chain.from_iterable(map(_fractions, (scores[r].items for r in rows)))
        f = np.array(list(fractions), dtype=float).reshape(len(rows), k)
        counted = ~np.isnan(f)
        passed = f == 1.0
        failed = counted & ~passed
        block = np.empty((len(rows), _FIGURES, k))
        block[:, COUNTED] = counted
        block[:, PASSED] = passed
        block[:, FAILED] = failed
        block[:, CRITICAL_FAILURES] = failed & v.critical
        block[:, FRACTION_SUM] = np.where(counted, f, 0.0)
        with np.errstate(invalid="ignore"):
            block[:, LOST_SUM] = np.where(failed & v.loses, v.weight - v.weight * f, 0.0)  # possible − earned
        out[np.ix_(np.array(rows, dtype=np.intp), np.arange(_FIGURES), v.columns)] = block
    return out


def _dealer_figures(audit_figures: np.ndarray, start: int, count: int) -> np.ndarray:
    """A dealer's item figures: the sum of its `count` audits' rows from `start`, added in audit-id order onto
    +0.0 (see COUNTED), kept in place of its first audit's row: after the dealers are summed the array no longer
    holds the audits' figures, and the caller drops its name (`del audit_figures` in `_score_one_wave`).

    A separate array per dealer and standard would hold the same figures a second time until the regions and the
    network are summed (18 MB at 3,000 dealers, at the wave's peak). `row + 0.0` is `0.0 + row` bit for bit
    (it only turns -0.0 into +0.0), so the sums are the ones the fresh zeros gave."""
    figures = audit_figures[start]
    figures += 0.0
    for row in range(start + 1, start + count):
        figures += audit_figures[row]
    return figures


def _read_only(array: np.ndarray) -> np.ndarray:
    """`array`, refusing writes: the one zero figures shared by every dealer with no counted audit."""
    array.flags.writeable = False
    return array


def _item_results(
    layout: _ItemLayout, figures: np.ndarray, previous: Mapping[str, ItemResult] | None = None
) -> tuple[ItemResult, ...]:
    """The items of one dealer (or group) from its summed figures, with the previous wave's results by item id.
    Built column by column (a wave builds ~400,000 of these).

    An `ItemResult` names no dealer, and a dealer's one or two audits leave each item few possible outcomes: a
    3,000-dealer wave's 375,000 dealer items are ~350 distinct records. Each is kept once per wave
    (`_ItemLayout.shared`) and the dealers' tuples point at it, instead of a record and two floats each (~70 MB).
    Matching by equality is exact here: the counts are ints, the means floats or None (never -0.0, whose equality
    with 0.0 would merge them: the figures are sums started from +0.0, and a sum of +0.0 and -0.0 is +0.0)."""
    counted, passed, failed, critical_failures = figures[:FRACTION_SUM].astype(np.int64).tolist()
    fraction_sum, lost_sum = figures[FRACTION_SUM:].tolist()
    size = layout.size
    mean_fraction = [f / n if n else None for f, n in zip(fraction_sum, counted, strict=True)]
    mean_lost = [x / n if n else None for x, n in zip(lost_sum, counted, strict=True)]
    if previous:
        before = [previous.get(item_id) for item_id in layout.item_ids]
        previous_rate = [b.rate if b else None for b in before]
        previous_failed = [b.failed if b else 0 for b in before]
        status = [
            _STATUS[(f > 0, n > 0, b is not None and b.failed > 0)]
            for f, n, b in zip(failed, counted, before, strict=True)
        ]
    else:
        previous_rate, previous_failed = [None] * size, [0] * size
        status = [_STATUS[(f > 0, n > 0, False)] for f, n in zip(failed, counted, strict=True)]
    records = list(
        map(
            tuple.__new__,
            repeat(ItemResult),
            zip(
                [layout.standard_id] * size,
                layout.section_ids,
                layout.item_ids,
                counted,
                passed,
                failed,
                mean_fraction,
                mean_lost,
                layout.critical,
                critical_failures,
                previous_rate,
                previous_failed,
                status,
                strict=True,
            ),
        )
    )
    return tuple(map(layout.shared.setdefault, records, records))


# (failed this wave, counted this wave, failed last wave) -> status
_STATUS = {
    (True, True, True): ItemStatus.REPEAT_FAILURE,
    (True, True, False): ItemStatus.NEW_FAILURE,
    (False, True, True): ItemStatus.FIXED,
    (False, True, False): ItemStatus.PASSED,
    (False, False, True): ItemStatus.NOT_RATED,
    (False, False, False): ItemStatus.NOT_RATED,
}


class _SectionAcc:
    """Running figures of one section over many audits: one dealer's (`_section_accumulators`, the one reader of
    audits' section scores in the roll-ups) or a region's and the network's (`merge` of their dealers')."""

    __slots__ = ("counted", "passed", "percents", "raw", "section_id", "standard_id", "weight", "zeroed")

    def __init__(self, standard_id: str, section_id: str, weight: float) -> None:
        self.standard_id = standard_id
        self.section_id = section_id
        self.weight = weight
        self.percents: list[float] = []
        self.raw: list[float] = []
        self.zeroed = self.counted = self.passed = 0

    def add(self, section_percent: float | None, raw: float | None, zeroed: bool, counted: int, passed: int) -> None:
        if section_percent is None or raw is None:
            return
        self.percents.append(section_percent)
        self.raw.append(raw)
        self.zeroed += zeroed
        self.counted += counted
        self.passed += passed

    def merge(self, other: _SectionAcc) -> None:
        """Add another accumulator's audits (a dealer's, into its region's or the network's). The means are
        `math.fsum`s (correctly rounded whatever the order of the values) and the rest integer counts, so a group's
        figures do not depend on the order its dealers are merged in."""
        self.percents += other.percents
        self.raw += other.raw
        self.zeroed += other.zeroed
        self.counted += other.counted
        self.passed += other.passed

    def result(self, previous: SectionResult | None = None) -> SectionResult:
        return SectionResult(
            self.standard_id,
            self.section_id,
            self.weight,
            len(self.percents),
            mean(self.percents),
            mean(self.raw),
            self.zeroed,
            self.counted,
            self.passed,
            previous.mean_percent if previous else None,
        )


_SectionKey = tuple[str, str]  # (standard id, section id)
_SectionAccs = dict[_SectionKey, _SectionAcc]
# per (standard id, section id): each dealer's gated section percents over its counted audits, dealers in code
# order (the dealers' visits the pooled section variance is estimated from)
_SectionGroups = dict[_SectionKey, list[list[float]]]
_DealerFigures = tuple[str, np.ndarray]  # a standard id and a dealer's item figures on it (what groups sum)


def _new_accumulators(standards: Sequence[Checklist]) -> _SectionAccs:
    """Empty section accumulators keyed by (standard id, section id). The layout (order, weights) comes from the
    first of `standards` (newest version first) that has the id."""
    sections: _SectionAccs = {}
    for standard in standards:
        for section in standard.sections:
            key = (standard.id, section.id)
            if key not in sections:
                sections[key] = _SectionAcc(standard.id, section.id, section.effective_weight)
    return sections


def _section_accumulators(standards: Sequence[Checklist], scores: Iterable[AuditScore]) -> _SectionAccs:
    """Section figures accumulated over audit scores of one standard id (see `_new_accumulators`)."""
    sections = _new_accumulators(standards)
    section_by_id = {key[1]: acc for key, acc in sections.items()}
    for score in scores:
        for section_score in score.sections:
            acc = section_by_id.get(section_score.section_id)
            if acc is not None:
                acc.add(
                    section_score.percent,
                    section_score.raw_percent,
                    section_score.zeroed,
                    section_score.items_counted,
                    section_score.items_passed,
                )
    return sections


class _SectionPools:
    """What the roll-ups keep of each dealer's section accumulators once its own result is built: merged into its
    region's, and its percents per section for the pooled variance. A dealer's audits' sections are read once
    (`_section_accumulators`); the dealers' accumulators themselves are not kept (54,000 of them at 3,000 dealers,
    ~17 MB at the wave's peak memory), and the network's are merged from the regions' as each is used."""

    def __init__(self, layouts: Sequence[Checklist], variance: bool) -> None:
        self._layouts = layouts
        self._variance = variance
        self._regions: dict[str, _SectionAccs] = {}
        self._groups: _SectionGroups = defaultdict(list)

    def add_dealer(self, region: str, sections: _SectionAccs) -> None:
        """Pool one dealer's accumulators of one standard (dealers in code order, each standard once)."""
        pool = self._regions.get(region)
        if pool is None:
            pool = self._regions[region] = _new_accumulators(self._layouts)
        for key, acc in sections.items():
            if not acc.percents:
                continue  # no counted audit had the section: nothing to add
            pool[key].merge(acc)
            if self._variance:
                self._groups[key].append(acc.percents)

    def take_groups(self) -> _SectionGroups:
        """The dealers' section percents for the pooled variance, handed over once (not kept after)."""
        groups, self._groups = self._groups, defaultdict(list)
        return groups

    def take_region(self, code: str) -> _SectionAccs:
        """A region's pooled sections, handed over once: every section of the layout, empty without audits."""
        return self._regions.pop(code, None) or _new_accumulators(self._layouts)


def _audit_sort_key(score: AuditScore) -> tuple[str, str]:
    return (score.audit_id, score.standard_version)


def _dedupe(audits: Iterable[Audit]) -> tuple[list[Audit], list[Problem]]:
    """One audit per id: the highest revision wins (a re-imported correction replaces the original); a finalised
    copy beats a draft of the same revision; remaining ties are broken by content so arrival order never matters."""
    chosen: dict[str, Audit] = {}
    problems: list[Problem] = []
    for audit in audits:
        current = chosen.get(audit.audit_id)
        if current is None:
            chosen[audit.audit_id] = audit
            continue
        if (audit.revision, audit.is_final) == (current.revision, current.is_final) and audit != current:
            problems.append(
                _warning(
                    audit,
                    f"audit {audit.audit_id} appears twice with different content",
                    "duplicate_audit",
                    zh=f"稽核记录 {audit.audit_id} 出现了两次，且内容不同",
                )
            )
            if repr(sorted(audit.answers.items())) > repr(sorted(current.answers.items())):
                chosen[audit.audit_id] = audit
        elif (audit.revision, audit.is_final) > (current.revision, current.is_final):
            chosen[audit.audit_id] = audit
    return [chosen[k] for k in sorted(chosen)], problems


def latest_revisions(audits: Iterable[Audit]) -> list[Audit]:
    """One audit per id by the wave scoring's rule (`_dedupe`: the highest revision wins), for the other readers
    of a wave's audits (self-assessments), so an audit imported again as a correction counts once there too."""
    return _dedupe(audits)[0]


def _warning(audit: Audit, message: str, code: str, *, zh: str) -> Problem:
    """A scoring warning about one audit, in both languages (`zh` required: `dealer-audit score` prints them)."""
    return Problem(Location(file=audit.source or audit.audit_id), message, code, Severity.WARNING, zh=zh)


def _ordered_standard_ids(program: Program, scores: Iterable[AuditScore]) -> list[str]:
    ids = [c.standard_id for c in program.checklists]
    for score in sorted(scores, key=lambda s: s.standard_id):
        if score.standard_id not in ids:
            ids.append(score.standard_id)
    return ids


def _layout_standards(
    standards: Mapping[StandardKey, Checklist], used: Iterable[StandardKey], overrides: Mapping[str, Checklist]
) -> dict[str, list[Checklist]]:
    """Per standard id, the versions to take the section/item layout from: the versions audits were scored with,
    newest (highest version text) first, so items dropped in a newer version still appear after the others."""
    by_id: dict[str, list[Checklist]] = defaultdict(list)
    for key in sorted(set(used), key=lambda k: (k[0], version_key(k[1])), reverse=True):
        standard = overrides.get(key[0]) or standards.get(key)
        if standard is not None and all(standard is not s for s in by_id[key[0]]):
            by_id[key[0]].append(standard)
    return by_id


def score_wave(
    program: Program,
    standards: Mapping[StandardKey, Checklist],
    dealers: Iterable[Dealer],
    audits: Iterable[Audit],
    wave: str,
    previous_audits: Iterable[Audit] = (),
    *,
    score_under: Mapping[str, Checklist] | None = None,
    opportunities: int = DEFAULT_OPPORTUNITIES,
    intervals: bool = True,
) -> WaveResult:
    """Score and roll up one wave.

    `standards` maps (id, version) to every standard version the audits were captured on; `audits` may hold
    other waves' audits (only `wave`'s count); `previous_audits` are the audits of the program's previous wave
    (or any superset), scored the same way to give deltas, alerts and repeat failures. `score_under` maps a
    standard id to a checklist to score *all* its audits with instead of their captured version (explicit
    re-scoring; see `rescore_under`). `opportunities` caps the improvement opportunities listed per dealer.
    `intervals=False` leaves out every interval, shrunken estimate, change label and rank range (and with them
    significance-gated drop alerts): for callers that only need the figures themselves, and to time their cost.
    """
    with _gc_paused():
        return _score_wave(
            program, standards, dealers, audits, wave, previous_audits, score_under, opportunities, intervals
        )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a wave is scored. Scoring builds hundreds of thousands of
    small immutable records that are all still alive at the end; the collector would re-walk them again and again
    (a third of the run time at 6,000 audits) to find no cycles. Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _score_wave(
    program: Program,
    standards: Mapping[StandardKey, Checklist],
    dealers: Iterable[Dealer],
    audits: Iterable[Audit],
    wave: str,
    previous_audits: Iterable[Audit],
    score_under: Mapping[str, Checklist] | None,
    opportunities: int,
    intervals: bool = True,
    ranges: bool = True,
) -> WaveResult:
    overrides = dict(score_under or {})
    previous_wave = program.previous_wave(wave)
    previous_code = previous_wave.code if previous_wave else None
    dealer_list = sorted({d.code: d for d in dealers}.values(), key=lambda d: d.code)
    previous_result = None
    if previous_code is not None:
        previous_list = [a for a in previous_audits if a.wave == previous_code]
        if previous_list:
            previous_result = _score_wave(
                program, standards, dealer_list, previous_list, previous_code, (), overrides, 0, intervals, False
            )
    return _score_one_wave(
        program,
        standards,
        dealer_list,
        audits,
        wave,
        previous_code,
        previous_result,
        overrides,
        opportunities,
        intervals,
        ranges,
    )


def _score_one_wave(
    program: Program,
    standards: Mapping[StandardKey, Checklist],
    dealer_list: list[Dealer],
    audits: Iterable[Audit],
    wave: str,
    previous_code: str | None,
    previous: WaveResult | None,
    overrides: Mapping[str, Checklist],
    opportunities_limit: int,
    intervals: bool = True,
    ranges: bool = True,
) -> WaveResult:
    dealer_by_code = {d.code: d for d in dealer_list}
    wave_audits, problems = _dedupe(a for a in audits if a.wave == wave and a.counts_in_scores)
    scores: list[AuditScore] = []
    used: dict[StandardKey, int] = defaultdict(int)
    for audit in wave_audits:
        standard = overrides.get(audit.standard_id) or standards.get((audit.standard_id, audit.standard_version))
        if standard is None:
            problems.append(
                _warning(
                    audit,
                    f"audit {audit.audit_id} was captured on {audit.standard_id} {audit.standard_version}, "
                    "which is not loaded; it is not scored",
                    "unknown_standard",
                    zh=f"稽核记录 {audit.audit_id} 采用的稽核标准 {audit.standard_id} {audit.standard_version} "
                    "尚未导入；该记录不计分",
                )
            )
            continue
        dealer = dealer_by_code.get(audit.dealer_code)
        if dealer is None:
            problems.append(
                _warning(
                    audit,
                    f"audit {audit.audit_id} is for unknown dealer {audit.dealer_code}",
                    "unknown_dealer",
                    zh=f"稽核记录 {audit.audit_id} 对应的经销商 {audit.dealer_code} 未知",
                )
            )
            continue
        score = score_audit(standard, audit, dealer)
        scores.append(score)
        used[standard.key] += 1
        if audit.standard_hash and audit.standard_id not in overrides and audit.standard_hash != _hash_of(standard):
            problems.append(
                _warning(
                    audit,
                    f"audit {audit.audit_id} was captured on a different text of {standard.id} {standard.version} "
                    "(content hash differs): the standard changed without a new version",
                    "standard_changed",
                    zh=f"稽核记录 {audit.audit_id} 采集时使用的 {standard.id} {standard.version} 文本与现有的不同"
                    "（内容哈希不一致）：稽核标准被修改但未升级版本号",
                )
            )
        if not score.final:
            problems.append(
                _warning(
                    audit,
                    f"draft audit {audit.audit_id} is not counted",
                    "draft_not_counted",
                    zh=f"稽核草稿 {audit.audit_id} 不计入得分",
                )
            )
        elif not score.complete:
            problems.append(
                _warning(
                    audit,
                    f"finalised audit {audit.audit_id} misses required answers ({', '.join(score.missing_required)})",
                    "finalised_incomplete",
                    zh=f"已定稿的稽核记录 {audit.audit_id} 缺少必答项（{', '.join(score.missing_required)}）",
                )
            )
        if score.final and score.index is None:
            problems.append(
                _warning(
                    audit,
                    f"audit {audit.audit_id} has no scored answer; not counted",
                    "no_index",
                    zh=f"稽核记录 {audit.audit_id} 没有计分的答案；不计入得分",
                )
            )
    layouts = _layout_standards(standards, used.keys(), overrides)
    standard_ids = _ordered_standard_ids(program, scores)
    titles = {sid: versions[0].title for sid, versions in layouts.items()}
    program_weights = {c.standard_id: c.weight for c in program.checklists}
    total_program_weight = math.fsum(w for w in program_weights.values() if w > 0)

    # --- group scores per dealer and standard
    per_dealer: dict[str, dict[str, list[AuditScore]]] = defaultdict(lambda: defaultdict(list))
    for score in scores:
        per_dealer[score.dealer_code][score.standard_id].append(score)

    # --- each dealer's counted audits per standard, then every audit's item figures in one pass per standard
    item_layouts = {sid: _item_layout(sid, layouts.get(sid, [])) for sid in standard_ids}
    chosen: list[tuple[Dealer, str, list[AuditScore], list[AuditScore]]] = []
    counted_by_standard: dict[str, list[AuditScore]] = defaultdict(list)
    for dealer in dealer_list:
        for sid in standard_ids:
            dealer_scores = sorted(per_dealer.get(dealer.code, {}).get(sid, []), key=_audit_sort_key)
            if not dealer_scores and sid not in program_weights:
                continue
            counted = [s for s in dealer_scores if s.final and s.index is not None]
            counted_by_standard[sid].extend(counted)
            chosen.append((dealer, sid, dealer_scores, counted))
    audit_figures = {sid: _audit_item_figures(item_layouts[sid], rows) for sid, rows in counted_by_standard.items()}
    next_row: dict[str, int] = defaultdict(int)
    no_figures = {sid: _read_only(layout.zeros()) for sid, layout in item_layouts.items()}
    all_layouts = [c for sid in standard_ids for c in layouts.get(sid, [])]
    pools = _SectionPools(all_layouts, variance=intervals)

    dealer_checklists: dict[str, list[DealerChecklistResult]] = {d.code: [] for d in dealer_list}
    dealer_figures: dict[str, list[_DealerFigures]] = defaultdict(list)
    for dealer, sid, dealer_scores, counted in chosen:
        layout = item_layouts[sid]
        start = next_row[sid]
        next_row[sid] = start + len(counted)
        figures = _dealer_figures(audit_figures[sid], start, len(counted)) if counted else no_figures[sid]
        sections = _section_accumulators(layouts.get(sid, []), counted)
        dealer_figures[dealer.code].append((sid, figures))
        dealer_checklists[dealer.code].append(
            _dealer_checklist(
                sid,
                titles.get(sid, LocalText(en=sid)),
                dealer_scores,
                layouts.get(sid, []),
                (sections, layout, figures),
                _previous_checklist(previous, dealer.code, sid),
            )
        )
        pools.add_dealer(dealer.region, sections)
    # Each dealer's first audit row now holds the dealer's sum (`_dealer_figures` adds in place, to keep no second
    # copy), so the rows are no longer the audits' figures: drop the name, so nothing below can read them as such.
    # (The dealers' `figures` are views that keep the array itself alive.)
    del audit_figures
    composites: dict[str, float | None] = {d.code: _composite(program, dealer_checklists[d.code]) for d in dealer_list}
    precision = (
        _with_precision(program, dealer_checklists, pools.take_groups(), composites, previous)
        if intervals
        else _Precision({}, {}, {})
    )

    # --- ranks
    regions_of = {d.code: d.region for d in dealer_list}
    network_ranks = competition_ranks(composites)
    region_ranks: dict[str, int | None] = {}
    region_sizes: dict[str, int] = defaultdict(int)
    for region_code in sorted(set(regions_of.values())):
        member_values = {c: v for c, v in composites.items() if regions_of[c] == region_code}
        region_ranks.update(competition_ranks(member_values))
        region_sizes[region_code] = sum(1 for v in member_values.values() if v is not None)
    network_size = sum(1 for v in composites.values() if v is not None)
    checklist_ranks: dict[str, dict[str, Rank]] = {}
    for sid in standard_ids:
        values = {}
        for code, results in dealer_checklists.items():
            result = next((r for r in results if r.standard_id == sid), None)
            values[code] = result.index if result else None
        network_rank = competition_ranks(values)
        ranks: dict[str, Rank] = {}
        n_network = sum(1 for v in values.values() if v is not None)
        for region_code in sorted(set(regions_of.values())):
            member_values = {c: v for c, v in values.items() if regions_of[c] == region_code}
            in_region = competition_ranks(member_values)
            n_region = sum(1 for v in member_values.values() if v is not None)
            for code in member_values:
                ranks[code] = Rank(network_rank[code], n_network, in_region[code], n_region)
        checklist_ranks[sid] = ranks
    plausible = (
        rank_ranges(
            {
                c: (v, precision.composites[c].error)
                for c, v in composites.items()
                if v is not None and c in precision.composites
            },
            regions_of,
            {c: (network_ranks[c] or 0, region_ranks[c] or 0) for c in composites},
        )
        if ranges
        else {}
    )

    # --- dealer results
    dealer_results: list[DealerResult] = []
    for dealer in dealer_list:
        code = dealer.code
        ranked = tuple(_with_rank(r, checklist_ranks.get(r.standard_id, {}).get(code)) for r in dealer_checklists[code])
        composite_100 = composites[code]
        band = band_for(program.bands, composite_100)
        prev_dealer = previous.dealer(code) if previous else None
        previous_composite = prev_dealer.composite if prev_dealer else None
        previous_band = prev_dealer.band if prev_dealer else None
        repeat = tuple(
            RepeatFailure(code, c.standard_id, i.section_id, i.item_id, i.critical, i.rate, i.previous_rate)
            for c in ranked
            for i in c.items
            if i.status is ItemStatus.REPEAT_FAILURE
        )
        opportunities = _opportunities(ranked, program_weights, total_program_weight, program.scale)
        composite_precision = precision.composites.get(code, _CompositePrecision())
        to_scale = program.scale / 100
        ci = composite_precision.ci
        partial = DealerResult(
            dealer=dealer,
            checklists=ranked,
            composite=None if composite_100 is None else composite_100 * program.scale / 100,
            composite_100=composite_100,
            band=band,
            rank=Rank(network_ranks[code], network_size, region_ranks[code], region_sizes[dealer.region]),
            previous_composite=previous_composite,
            previous_band=previous_band,
            repeat_failures=repeat,
            opportunities=opportunities[:opportunities_limit] if opportunities_limit > 0 else (),
            composite_ci=None if ci is None else Interval(ci.low * to_scale, ci.high * to_scale),
            composite_error=composite_precision.error,
            shrunk_composite=None if composite_precision.shrunk is None else composite_precision.shrunk * to_scale,
            delta_test=composite_precision.delta_test,
            rank_range=plausible.get(code),
        )
        dealer_results.append(_with_alerts(partial, program, len(program.checklists) > 1))
    dealer_results.sort(key=lambda d: (d.rank.network is None, d.rank.network or 0, d.dealer.code))

    # --- regions and network
    region_codes = [r.code for r in program.regions]
    region_codes += sorted({d.region for d in dealer_list} - set(region_codes))
    groups = []
    network_sections = _new_accumulators(all_layouts)  # every dealer is in one of `region_codes`
    for region_code in region_codes:
        members = [d for d in dealer_results if d.dealer.region == region_code]
        region = program.region(region_code)
        name = region.name if region else LocalText(zh=region_code, en=region_code)
        region_sections = pools.take_region(region_code)
        groups.append(
            _group(
                region_code,
                name,
                members,
                [f for d in members for f in dealer_figures[d.dealer.code]],
                region_sections,
                item_layouts,
                previous.region(region_code) if previous else None,
            )
        )
        for key, acc in region_sections.items():
            network_sections[key].merge(acc)
    network = _group(
        "network",
        LocalText(zh="全网", en="Network"),
        dealer_results,
        [f for d in dealer_results for f in dealer_figures[d.dealer.code]],
        network_sections,
        item_layouts,
        previous.network if previous else None,
    )
    alerts = tuple(a for d in dealer_results for a in d.alerts)
    standards_used = tuple(
        StandardUsed(key[0], key[1], _hash_of(overrides.get(key[0]) or standards[key]), count)
        for key, count in sorted(used.items())
    )
    return WaveResult(
        program=program,
        wave=wave,
        previous_wave=previous_code,
        dealers=tuple(dealer_results),
        regions=tuple(groups),
        network=network,
        alerts=alerts,
        audit_scores=tuple(sorted(scores, key=_audit_sort_key)),
        standards_used=standards_used,
        problems=tuple(problems),
        previous=previous,
        scored_under={sid: c.version for sid, c in overrides.items()},
        variance=precision.variance,
        section_variance=precision.section_variance,
    )


def _hash_of(standard: Checklist) -> str:
    """The content hash when the codec is available (it is, once the standards issue lands); "" otherwise."""
    try:
        return standard.content_hash
    except ImportError:
        return ""


def _previous_checklist(
    previous: WaveResult | None, dealer_code: str, standard_id: str
) -> DealerChecklistResult | None:
    if previous is None:
        return None
    dealer = previous.dealer(dealer_code)
    return dealer.checklist(standard_id) if dealer else None


def _dealer_checklist(
    standard_id: str,
    title: LocalText,
    scores: list[AuditScore],
    layouts: list[Checklist],
    accumulators: tuple[_SectionAccs, _ItemLayout, np.ndarray],
    previous: DealerChecklistResult | None,
) -> DealerChecklistResult:
    """`scores` sorted by audit id; `accumulators` already hold its counted audits' section and item figures."""
    counted = [s for s in scores if s.final and s.index is not None]
    drafts = tuple(s for s in scores if not s.final)
    indices = [s.index for s in counted if s.index is not None]
    raw = [s.raw_index for s in counted if s.raw_index is not None]
    index = mean(indices)
    sections, item_layout, item_figures = accumulators
    previous_sections = {s.section_id: s for s in previous.sections} if previous else {}
    previous_items = {i.item_id: i for i in previous.items} if previous else {}
    standard_bands = layouts[0].bands if layouts else ()
    return DealerChecklistResult(
        standard_id=standard_id,
        title=title,
        versions=tuple(sorted({s.standard_version for s in counted})),
        audits=tuple(counted),
        drafts=drafts,
        n=len(indices),
        index=index,
        raw_index=mean(raw),
        ci=None,  # set with the network's pooled variance (_with_precision)
        stdev=Summary.of(indices).stdev,
        band=band_for(standard_bands, index),
        sections=tuple(acc.result(previous_sections.get(acc.section_id)) for acc in sections.values()),
        items=_item_results(item_layout, item_figures, previous_items),
        knock_outs=tuple((s.audit_id, k) for s in counted for k in s.knock_outs),
        previous_index=previous.index if previous else None,
        previous_band=previous.band if previous else None,
    )


def _evolve(record: _Record, **changes: object) -> _Record:
    """`dataclasses.replace` for the frozen results here (none has __post_init__ or init-only fields): a shallow
    copy with the changed fields set. replace() re-runs __init__ through field introspection, ten times the cost,
    and a wave evolves every dealer and checklist result two or three times."""
    evolved = copy.copy(record)
    for name, value in changes.items():
        object.__setattr__(evolved, name, value)
    return evolved


def _with_rank(result: DealerChecklistResult, rank: Rank | None) -> DealerChecklistResult:
    return _evolve(result, rank=rank)


def _composite(program: Program, results: Sequence[DealerChecklistResult]) -> float | None:
    """Σ w_c·index_c ÷ Σ w_c on 0..100 over the program's checklists; None when one has no index."""
    if not program.checklists:
        return None
    by_id = {r.standard_id: r for r in results}
    pairs = []
    for entry in program.checklists:
        result = by_id.get(entry.standard_id)
        if result is None or result.index is None:
            return None
        pairs.append((entry.weight, result.index))
    value = weighted_mean(pairs)
    return None if value is None else min(100.0, max(0.0, value))


@dataclass(frozen=True, slots=True)
class _CompositePrecision:
    """A dealer's composite (0..100): its sampling error, interval, shrunken value and change test."""

    error: SamplingError | None = None
    ci: Interval | None = None
    shrunk: float | None = None
    delta_test: DeltaTest | None = None


@dataclass(frozen=True, slots=True)
class _Precision:
    composites: dict[str, _CompositePrecision]
    variance: dict[str, VarianceComponents]
    section_variance: dict[tuple[str, str], VarianceComponents]


def _with_precision(
    program: Program,
    dealer_checklists: dict[str, list[DealerChecklistResult]],
    section_groups: _SectionGroups,
    composites: Mapping[str, float | None],
    previous: WaveResult | None,
) -> _Precision:
    """Intervals, shrunken estimates and change labels for every dealer (docs/scoring.md §9).

    Pools the visit-to-visit variance of each standard's index and of each section's percent over the network's
    dealers, gives each dealer's figures their interval and shrunken estimate, tests each change against the
    previous wave's result (which carries its own errors), and labels each family — one standard's index, one
    section, the composite — with Benjamini–Hochberg across the network. Replaces the lists in
    `dealer_checklists` with the completed results; returns the composite's figures per dealer."""
    index_groups: dict[str, list[list[float]]] = defaultdict(list)
    for results in dealer_checklists.values():
        for result in results:
            if result.n:
                index_groups[result.standard_id].append([a.index for a in result.audits if a.index is not None])
    variance = {sid: variance_components(groups) for sid, groups in sorted(index_groups.items())}
    section_variance = {key: variance_components(groups) for key, groups in sorted(section_groups.items())}
    no_data = VarianceComponents(None, 0, None, None, 0, 0)
    weights = {c.standard_id: c.weight for c in program.checklists if c.weight > 0}
    total_weight = math.fsum(weights.values())

    # 1. every figure's error, and every change to test, grouped by family: (family, dealer) -> (change, errors)
    errors: dict[tuple[str, str, str], SamplingError | None] = {}  # (standard, section or "", dealer)
    cases: dict[tuple[str, str], dict[str, ChangeCase]] = defaultdict(dict)  # family -> dealer -> case
    composite_errors: dict[str, SamplingError | None] = {}
    for code, results in dealer_checklists.items():
        for result in results:
            sid = result.standard_id
            error = errors[(sid, "", code)] = error_of_mean(result.n, variance.get(sid, no_data))
            prev = _previous_checklist(previous, code, sid)
            if result.index is not None and result.previous_index is not None:
                cases[(sid, "")][code] = (result.index - result.previous_index, error, prev.error if prev else None)
            prev_sections = {s.section_id: s for s in prev.sections} if prev else {}
            for section in result.sections:
                key = (sid, section.section_id)
                section_error = errors[(*key, code)] = error_of_mean(section.n, section_variance.get(key, no_data))
                if section.mean_percent is not None and section.previous_mean_percent is not None:
                    prev_section = prev_sections.get(section.section_id)
                    cases[key][code] = (
                        section.mean_percent - section.previous_mean_percent,
                        section_error,
                        prev_section.error if prev_section else None,
                    )
        value = composites.get(code)
        if value is None or total_weight <= 0:
            continue
        by_id = {r.standard_id: r for r in results}
        error = composite_errors[code] = combine_errors(
            [(w / total_weight, errors[(sid, "", code)] if sid in by_id else None) for sid, w in weights.items()]
        )
        prev_dealer = previous.dealer(code) if previous else None
        if prev_dealer is not None and prev_dealer.composite_100 is not None:
            cases[("", "")][code] = (value - prev_dealer.composite_100, error, prev_dealer.composite_error)

    # 2. p values and labels, one vectorised test and one Benjamini–Hochberg per family
    labels: dict[tuple[str, str], dict[str, DeltaTest]] = {}
    for family, by_dealer in cases.items():
        codes = list(by_dealer)
        p_values = change_p_values([by_dealer[c] for c in codes])
        labels[family] = label_changes(dict(zip(codes, p_values, strict=True)))

    # 3. the completed results, built once
    composite: dict[str, _CompositePrecision] = {}
    for code, results in dealer_checklists.items():
        completed = []
        for result in results:
            sid = result.standard_id
            sections = tuple(
                _section_with(
                    s,
                    errors[(sid, s.section_id, code)],
                    labels.get((sid, s.section_id), {}).get(code),
                )
                for s in result.sections
            )
            error = errors[(sid, "", code)]
            completed.append(
                _evolve(
                    result,
                    error=error,
                    ci=mean_interval(result.index, error, INDEX_BOUNDS),
                    shrunk=shrink(result.index, result.n, variance.get(sid, no_data)),
                    delta_test=labels.get((sid, ""), {}).get(code),
                    sections=sections,
                )
            )
        dealer_checklists[code] = completed
        if code not in composite_errors:
            continue
        value = composites[code]
        by_id = {r.standard_id: r for r in completed}
        shrunk_parts = [(w, by_id[sid].shrunk if sid in by_id else None) for sid, w in weights.items()]
        shrunk = (
            None
            if any(p is None for _, p in shrunk_parts)
            else weighted_mean((w, p.value) for w, p in shrunk_parts if p is not None)
        )
        error = composite_errors[code]
        composite[code] = _CompositePrecision(
            error, mean_interval(value, error, INDEX_BOUNDS), shrunk, labels.get(("", ""), {}).get(code)
        )
    return _Precision(composite, variance, section_variance)


def _section_with(section: SectionResult, error: SamplingError | None, test: DeltaTest | None) -> SectionResult:
    """`section` with its error, interval and change label (the constructor, not dataclasses.replace: a wave
    completes 100,000 sections and replace's field introspection tripled the cost of this step)."""
    s = section
    if error is None and test is None:  # nothing to add (no pooled variance, no change): keep the record
        return s
    return SectionResult(
        s.standard_id,
        s.section_id,
        s.weight,
        s.n,
        s.mean_percent,
        s.raw_mean_percent,
        s.zeroed,
        s.items_counted,
        s.items_passed,
        s.previous_mean_percent,
        mean_interval(s.mean_percent, error, INDEX_BOUNDS) if error is not None else None,
        error,
        test,
    )


def _opportunities(
    results: Sequence[DealerChecklistResult],
    program_weights: Mapping[str, float],
    total_program_weight: float,
    scale: int,
) -> tuple[Opportunity, ...]:
    """Failed items ranked by the index points passing them would add (see the module docstring)."""
    found: list[Opportunity] = []
    for result in results:
        if not result.audits:
            continue
        # item id -> [gain sum, points lost sum, weight share sum, failures]; audits come in audit-id order
        sums: dict[str, list[float]] = {}
        section_of: dict[str, str] = {}
        critical: dict[str, bool] = {}
        for score in result.audits:
            total_weight = math.fsum(s.weight for s in score.sections if s.raw_percent is not None and s.weight > 0)
            if total_weight <= 0:
                continue
            # per section: (index points per point lost, weight share)
            factors = {
                s.section_id: (100.0 * s.weight / (s.possible * total_weight), s.weight / total_weight)
                for s in score.sections
                if s.raw_percent is not None and s.weight > 0 and s.possible > 0
            }
            for item in score.failures:
                factor = factors.get(item.section_id)
                if item.bonus or factor is None:
                    continue
                points_lost = item.possible - item.earned
                entry = sums.get(item.item_id)
                if entry is None:
                    entry = sums[item.item_id] = [0.0, 0.0, 0.0, 0.0]
                    section_of[item.item_id] = item.section_id
                    critical[item.item_id] = item.critical is not None
                entry[0] += points_lost * factor[0]
                entry[1] += points_lost
                entry[2] += factor[1]
                entry[3] += 1
        n = len(result.audits)
        program_share = (
            program_weights[result.standard_id] / total_program_weight
            if result.standard_id in program_weights and total_program_weight > 0
            else None
        )
        for item_id, (gain, lost, share, failed) in sums.items():
            index_points = gain / n
            found.append(
                Opportunity(
                    standard_id=result.standard_id,
                    section_id=section_of[item_id],
                    item_id=item_id,
                    index_points=index_points,
                    composite_points=None if program_share is None else index_points * program_share * scale / 100,
                    points_lost=lost / n,
                    section_weight_share=share / failed,
                    critical=critical[item_id],
                    failed=int(failed),
                    n=n,
                )
            )

    def key(o: Opportunity) -> tuple[float, float, str, str]:
        composite = o.composite_points if o.composite_points is not None else -1.0
        return (-composite, -o.index_points, o.standard_id, o.item_id)

    return tuple(sorted(found, key=key))


def _band_rank(band: Band | None) -> float:
    return -math.inf if band is None else band.min


def _significance_suffix(test: DeltaTest | None) -> tuple[str, str]:
    """The label a drop alert carries, as (zh, en) message suffixes."""
    if test is None:
        return "", ""
    text = SIGNIFICANCE_TEXT[test.label]
    return f"；{text['zh']}", f"; {text['en']}"


def _with_alerts(dealer: DealerResult, program: Program, per_checklist: bool) -> DealerResult:
    rules = program.alerts
    code = dealer.dealer.code
    alerts: list[Alert] = []
    if rules.alert_on_critical:
        for checklist in dealer.checklists:
            # one alert per critical item, naming every audit in which it failed
            by_item: dict[str, list[tuple[str, KnockOut]]] = {}
            for audit_id, knock_out in checklist.knock_outs:
                by_item.setdefault(knock_out.item_id, []).append((audit_id, knock_out))
            for item_id, failures in by_item.items():
                effect = failures[0][1].effect.value
                times_en = f", {len(failures)} of {checklist.n} audits" if checklist.n > 1 else ""
                times_zh = f"，{checklist.n} 次中 {len(failures)} 次" if checklist.n > 1 else ""
                alerts.append(
                    Alert(
                        code,
                        AlertKind.CRITICAL_FAILURE,
                        LocalText(
                            zh=f"关键项 {item_id} 未达标（{checklist.standard_id}，{effect}{times_zh}）",
                            en=f"critical item {item_id} failed ({checklist.standard_id}, {effect}{times_en})",
                        ),
                        checklist.standard_id,
                        item_id,
                        failures[0][0],
                        audit_ids=tuple(a for a, _ in failures),
                    )
                )
    scale = program.scale / 100

    def drop_and_band(
        standard_id: str | None,
        current: float | None,
        previous: float | None,
        band: Band | None,
        previous_band: Band | None,
        shown_scale: float,
        test: DeltaTest | None,
    ) -> None:
        if current is None or previous is None:
            return
        what_en = "composite index" if standard_id is None else f"{standard_id} index"
        what_zh = "综合指数" if standard_id is None else f"{standard_id} 指数"
        drop = previous - current
        significant = test is not None and test.label is Significance.SIGNIFICANT
        if drop >= rules.drop_threshold and (significant or not rules.drop_requires_significance):
            zh, en = _significance_suffix(test)
            alerts.append(
                Alert(
                    code,
                    AlertKind.DROP,
                    LocalText(
                        zh=f"{what_zh}下降 {drop * shown_scale:.1f} 分（{previous * shown_scale:.1f} → "
                        f"{current * shown_scale:.1f}{zh}）",
                        en=f"{what_en} dropped {drop * shown_scale:.1f} points ({previous * shown_scale:.1f} → "
                        f"{current * shown_scale:.1f}{en})",
                    ),
                    standard_id,
                    current=current * shown_scale,
                    previous=previous * shown_scale,
                    significance=test.label if test else None,
                )
            )
        if rules.alert_on_band_fall and previous_band is not None and _band_rank(band) < _band_rank(previous_band):
            now_en = band.label.en if band else "no band"
            now_zh = band.label.zh if band else "无等级"
            alerts.append(
                Alert(
                    code,
                    AlertKind.BAND_FALL,
                    LocalText(
                        zh=f"{what_zh}等级下降：{previous_band.label.zh} → {now_zh}",
                        en=f"{what_en} fell a band: {previous_band.label.en} → {now_en}",
                    ),
                    standard_id,
                    current=current * shown_scale,
                    previous=previous * shown_scale,
                )
            )

    previous_100 = None if dealer.previous_composite is None else dealer.previous_composite / scale
    drop_and_band(None, dealer.composite_100, previous_100, dealer.band, dealer.previous_band, scale, dealer.delta_test)
    if per_checklist or not program.checklists:
        for checklist in dealer.checklists:
            drop_and_band(
                checklist.standard_id,
                checklist.index,
                checklist.previous_index,
                checklist.band,
                checklist.previous_band,
                1.0,
                checklist.delta_test,
            )
    return _evolve(dealer, alerts=tuple(alerts))


def _group(
    code: str,
    name: LocalText,
    members: Sequence[DealerResult],
    parts: Sequence[_DealerFigures],
    sections: _SectionAccs,
    item_layouts: Mapping[str, _ItemLayout],
    previous: GroupResult | None,
) -> GroupResult:
    """A region or the network: `parts` are its dealers' item figures in `members` order, `sections` its dealers'
    section accumulators merged (`_SectionPools`)."""
    member_codes = {d.dealer.code for d in members}
    figures = {sid: layout.zeros() for sid, layout in item_layouts.items()}
    for sid, dealer_figures in parts:  # dealers in the group's order, one addition each
        figures[sid] += dealer_figures
    previous_sections = {(s.standard_id, s.section_id): s for s in previous.sections} if previous else {}
    previous_items: dict[str, dict[str, ItemResult]] = defaultdict(dict)
    for previous_item in previous.items if previous else ():
        previous_items[previous_item.standard_id][previous_item.item_id] = previous_item
    checklist_values: dict[str, list[float]] = defaultdict(list)
    for dealer in members:
        for checklist in dealer.checklists:
            if checklist.index is not None:
                checklist_values[checklist.standard_id].append(checklist.index)
    return GroupResult(
        code=code,
        name=name,
        dealer_codes=tuple(sorted(member_codes)),
        composite=Summary.of(d.composite for d in members if d.composite is not None),
        checklists={sid: Summary.of(values) for sid, values in sorted(checklist_values.items())},
        sections=tuple(acc.result(previous_sections.get(key)) for key, acc in sections.items()),
        items=tuple(
            item
            for sid, layout in item_layouts.items()
            for item in _item_results(layout, figures[sid], previous_items.get(sid))
        ),
        previous_composite=previous.composite if previous else None,
        alerts=sum(len(d.alerts) for d in members),
        critical_failures=sum(len(d.knock_outs) for d in members),
    )


# ---- explicit re-scoring ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RescoreRow:
    """One dealer under the captured versions and under the new one (indices on 0..100, composite program scale)."""

    dealer_code: str
    region: str
    index_before: float | None
    index_after: float | None
    composite_before: float | None
    composite_after: float | None
    rank_before: int | None
    rank_after: int | None
    unmatched_answers: int  # answers to items the new version no longer has (ignored under it)

    @property
    def change(self) -> float | None:
        return Delta(self.index_after, self.index_before).change


@dataclass(frozen=True)
class Rescore:
    """A wave scored as captured and re-scored under `standard`, side by side; the stored results are untouched."""

    standard_id: str
    version: str
    captured_versions: tuple[str, ...]
    before: WaveResult
    after: WaveResult
    rows: tuple[RescoreRow, ...]


def rescore_under(
    standard_new: Checklist,
    program: Program,
    standards: Mapping[StandardKey, Checklist],
    dealers: Iterable[Dealer],
    audits: Iterable[Audit],
    wave: str,
    previous_audits: Iterable[Audit] = (),
) -> Rescore:
    """Score `wave` twice — each audit with its captured version, then every audit of `standard_new.id` with
    `standard_new` — and pair the dealers' figures. Answers to items the new version dropped are ignored (and
    counted per dealer); items it added are unanswered (they count for nothing and make audits incomplete)."""
    dealer_list = list(dealers)
    audit_list = list(audits)
    previous_list = list(previous_audits)
    before = score_wave(program, standards, dealer_list, audit_list, wave, previous_list)
    after = score_wave(
        program, standards, dealer_list, audit_list, wave, previous_list, score_under={standard_new.id: standard_new}
    )
    new_items = standard_new.items_by_id
    unmatched: dict[str, int] = defaultdict(int)
    captured = set()
    for audit in audit_list:
        if audit.wave == wave and audit.counts_in_scores and audit.standard_id == standard_new.id:
            captured.add(audit.standard_version)
            unmatched[audit.dealer_code] += sum(1 for item_id in audit.answers if item_id not in new_items)
    rows = []
    for dealer in sorted(before.dealers, key=lambda d: d.dealer.code):
        later = after.dealer(dealer.dealer.code)
        old = dealer.checklist(standard_new.id)
        new = later.checklist(standard_new.id) if later else None
        rows.append(
            RescoreRow(
                dealer.dealer.code,
                dealer.dealer.region,
                old.index if old else None,
                new.index if new else None,
                dealer.composite,
                later.composite if later else None,
                dealer.rank.network,
                later.rank.network if later else None,
                unmatched[dealer.dealer.code],
            )
        )
    return Rescore(standard_new.id, standard_new.version, tuple(sorted(captured)), before, after, tuple(rows))

"""Auditor calibration: agreement per item and severity per auditor, from shared evidence and from all audits.

Pure (numpy, no I/O). Shared evidence comes in two kinds (core/answers.AuditKind):

- *double audits*: final audits marked `double` of the same dealer, wave and standard by different auditors;
- *calibration sessions*: final audits marked `calibration` with the same scenario id and standard (one wave).

A *shared unit* is one such group with at least two auditors. From the units of the chosen wave this module gives

- per item the agreement (core/agreement: Gwet's AC1/AC2 and Krippendorff's alpha at the item's level of
  measurement) and whether it is poor; a poor item whose agreement stays poor whichever single auditor is left out
  is flagged *ambiguous* (the wording, not one auditor, is the problem);
- per auditor the *consensus severity*: on each shared unit, the auditor's checklist index minus the mean index of
  the other auditors on that unit, averaged (positive = more generous), with a t interval over units; the items on
  which the auditor departs from the others; the *model severity*: the auditor effect of a linear model
  index ~ unit + auditor (unit = dealer and standard, or scenario and standard) fitted over every final audit of the
  chosen waves, sum-to-zero over the auditors it can compare, with its t interval; and the consensus severity per
  wave (drift).

Thresholds are module constants, documented in docs/calibration.md.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from statistics import fmean, stdev

import numpy as np

from dealer_audit.core.aggregate import latest_revisions
from dealer_audit.core.agreement import DEFAULT_REPLICATES, DEFAULT_SEED, Agreement, Level, Rating, agreements
from dealer_audit.core.agreement import gwet_ac as _gwet_ac
from dealer_audit.core.agreement import krippendorff_alpha as _alpha
from dealer_audit.core.answers import AnswerValue, Audit, AuditKind
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.intervals import t_quantile
from dealer_audit.core.scoring import AuditScore, score_audit
from dealer_audit.core.standard import AnswerType, Checklist, Item, LocalText, Section
from dealer_audit.core.versions import version_key
from dealer_audit.errors import Message

StandardKey = tuple[str, str]

POOR_AC = 0.6  # AC1/AC2 below this: poor agreement
POOR_ALPHA = 0.667  # Krippendorff's lowest level for tentative conclusions ...
GOOD_AC = 0.8  # ... but alpha alone never flags an item whose AC1/AC2 is at least this (the "kappa paradox")
MIN_UNITS = 3  # fewer shared units: agreement is shown but an item is never flagged
SEVERITY_TOLERANCE = 5.0  # index points: an auditor further from the others than this, surely, is outside
ITEM_DEPARTURE = 0.5  # share of an item's points an auditor gives more (or less) than the others, on average ...
MIN_DEPARTURE_UNITS = 2  # ... over at least this many shared units
DEPARTING_ITEMS = 2  # confirmed departures (the auditor is why the item agrees poorly) that put one outside

_LEVELS = {
    AnswerType.YES_NO: Level.NOMINAL,
    AnswerType.SINGLE_CHOICE: Level.NOMINAL,
    AnswerType.MULTIPLE_CHOICE: Level.NOMINAL,
    AnswerType.SCALE: Level.ORDINAL,
    AnswerType.NUMBER: Level.INTERVAL,
}


def level_of(answer_type: AnswerType) -> Level | None:
    """The level of measurement an answer type has (None: text and photos are not compared)."""
    return _LEVELS.get(answer_type)


def _categories(item: Item) -> list[Rating] | None:
    """All possible answers where the standard fixes them (AC1 needs q even when some were never given)."""
    if item.type is AnswerType.YES_NO:
        return ["yes", "no"]
    if item.type is AnswerType.SINGLE_CHOICE:
        return [o.code for o in item.options]
    if item.type is AnswerType.SCALE and item.scale is not None:
        return list(range(item.scale.min, item.scale.max + 1))
    return None


def _rating(item: Item, value: AnswerValue) -> Rating | None:
    if value is None:
        return None
    if item.type is AnswerType.MULTIPLE_CHOICE:
        return tuple(sorted(value)) if isinstance(value, tuple) else (str(value),)
    if item.type is AnswerType.SCALE:
        return int(value) if isinstance(value, int | float) else None
    if item.type is AnswerType.NUMBER:
        return float(value) if isinstance(value, int | float) else None
    return str(value)


@dataclass(frozen=True)
class Thresholds:
    poor_ac: float = POOR_AC
    poor_alpha: float = POOR_ALPHA
    good_ac: float = GOOD_AC
    min_units: int = MIN_UNITS
    severity_tolerance: float = SEVERITY_TOLERANCE
    item_departure: float = ITEM_DEPARTURE
    min_departure_units: int = MIN_DEPARTURE_UNITS
    departing_items: int = DEPARTING_ITEMS


@dataclass(frozen=True)
class SharedUnit:
    """Audits of the same scene by different auditors: a double-audited visit or a calibration scenario."""

    kind: AuditKind  # DOUBLE or CALIBRATION
    wave: str
    standard_id: str
    dealer_code: str
    scenario: str
    audit_ids: tuple[str, ...]
    auditors: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.scenario or self.dealer_code} {self.standard_id} {self.wave}"


@dataclass(frozen=True)
class Severity:
    """An auditor's generosity in index points (positive = scores higher than colleagues) with a 95 % interval."""

    mean: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0  # shared units (consensus) or audits (model) behind it

    @property
    def sure(self) -> bool:
        """The interval excludes zero."""
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)

    def text(self, with_n: bool = False) -> str:
        """`+3.0 [+0.7, +5.2]` (with ` n=12` for the terminal): one wording for the CLI table and the PDF."""
        if self.mean is None:
            return "–"
        if self.low is None or self.high is None:
            return f"{self.mean:+.1f} (n={self.n}" + (", no interval)" if with_n else ")")
        return f"{self.mean:+.1f} [{self.low:+.1f}, {self.high:+.1f}]" + (f" n={self.n}" if with_n else "")


@dataclass(frozen=True)
class ItemAgreement:
    standard_id: str
    section_id: str
    item_id: str
    text: LocalText
    answer_type: AnswerType
    agreement: Agreement
    poor: bool
    ambiguous: bool  # poor, and poor whichever single auditor is left out
    driven_by: tuple[str, ...]  # poor because of these auditors: leaving one out lifts agreement out of "poor"


@dataclass(frozen=True)
class ItemDeparture:
    auditor: str
    standard_id: str
    item_id: str
    units: int
    mean: float  # mean of (auditor's item fraction - the others' mean fraction); +0.5 = half the points more
    confirmed: bool = False  # the item's agreement is poor because of this auditor (see ItemAgreement.driven_by)


@dataclass(frozen=True)
class AuditorCalibration:
    auditor: str
    audits: int  # final audits in the model's waves (calibration sessions included)
    shared_units: int  # shared units of the wave
    consensus: Severity
    model: Severity
    by_wave: tuple[tuple[str, Severity], ...]  # consensus severity per wave (drift)
    departures: tuple[ItemDeparture, ...]
    outside: bool
    reasons: tuple[LocalText, ...]

    @property
    def drift(self) -> float | None:
        """Change of the consensus severity from the first to the last wave that has one."""
        known = [s.mean for _, s in self.by_wave if s.mean is not None]
        return known[-1] - known[0] if len(known) >= 2 else None


@dataclass(frozen=True)
class Calibration:
    wave: str
    waves: tuple[str, ...]
    units: tuple[SharedUnit, ...]  # the wave's shared units
    items: tuple[ItemAgreement, ...]
    auditors: tuple[AuditorCalibration, ...]
    thresholds: Thresholds
    problems: tuple[Message, ...]  # audits left out, and why

    @property
    def poor_items(self) -> tuple[ItemAgreement, ...]:
        return tuple(i for i in self.items if i.poor)

    @property
    def ambiguous_items(self) -> tuple[ItemAgreement, ...]:
        return tuple(i for i in self.items if i.ambiguous)

    @property
    def flagged_auditors(self) -> tuple[AuditorCalibration, ...]:
        return tuple(a for a in self.auditors if a.outside)


@dataclass(frozen=True)
class _Scored:
    audit: Audit
    score: AuditScore
    standard: Checklist


def _latest(audits: Iterable[Audit]) -> list[Audit]:
    """Final audits, one per id by the wave scoring's rule (aggregate.latest_revisions: the highest revision wins,
    a re-imported correction replacing the original; two copies of one revision are told apart by content, not by
    which came first). Drafts are left out first, so a draft correction under way leaves the finalised audit in."""
    return latest_revisions(a for a in audits if a.is_final)


def _score_all(
    standards: Mapping[StandardKey, Checklist],
    dealers: Mapping[str, Dealer],
    audits: Iterable[Audit],
    known: Mapping[str, AuditScore],
) -> tuple[list[_Scored], list[Message]]:
    scored: list[_Scored] = []
    problems: list[Message] = []
    for audit in _latest(audits):
        standard = standards.get((audit.standard_id, audit.standard_version))
        dealer = dealers.get(audit.dealer_code)
        if standard is None or dealer is None:
            missing = Message("standard", "标准") if standard is None else Message("dealer", "经销商")
            problems.append(
                Message(
                    f"audit {audit.audit_id}: its {missing.en} is not loaded; left out of calibration",
                    f"稽核 {audit.audit_id}：{missing.zh}未载入，未计入校准",
                )
            )
            continue
        score = known.get(audit.audit_id) or score_audit(standard, audit, dealer)
        if score.index is not None:
            scored.append(_Scored(audit, score, standard))
    return scored, problems


def shared_units(audits: Iterable[Audit]) -> list[tuple[SharedUnit, list[Audit]]]:
    """Group double audits (dealer, wave, standard) and calibration audits (scenario, wave, standard) into shared
    units of at least two auditors; an auditor with two audits in one unit counts once (the later visit)."""
    groups: dict[tuple[str, str, str, str], list[Audit]] = defaultdict(list)
    for audit in audits:
        if audit.kind is AuditKind.DOUBLE:
            groups[(AuditKind.DOUBLE.value, audit.wave, audit.standard_id, audit.dealer_code)].append(audit)
        elif audit.kind is AuditKind.CALIBRATION:
            groups[(AuditKind.CALIBRATION.value, audit.wave, audit.standard_id, audit.scenario)].append(audit)
    units = []
    for (kind, wave, standard_id, name), members in sorted(groups.items()):
        by_auditor: dict[str, Audit] = {}
        for audit in sorted(members, key=lambda a: (a.visit_start.isoformat() if a.visit_start else "", a.audit_id)):
            by_auditor[audit.auditor] = audit
        if len(by_auditor) < 2:
            continue
        chosen = [by_auditor[a] for a in sorted(by_auditor)]
        calibration = kind == AuditKind.CALIBRATION.value
        unit = SharedUnit(
            AuditKind(kind),
            wave,
            standard_id,
            chosen[0].dealer_code,
            name if calibration else "",
            tuple(a.audit_id for a in chosen),
            tuple(sorted(by_auditor)),
        )
        units.append((unit, chosen))
    return units


def _t_interval(values: Sequence[float]) -> Severity:
    if not values:
        return Severity(None)
    mean = fmean(values)
    if len(values) < 2:
        return Severity(mean, n=1)
    half = t_quantile(len(values) - 1) * stdev(values) / math.sqrt(len(values))
    return Severity(mean, mean - half, mean + half, len(values))


def _is_poor(ac: float | None, alpha: float | None, thresholds: Thresholds) -> bool:
    if ac is not None and ac < thresholds.poor_ac:
        return True
    return alpha is not None and alpha < thresholds.poor_alpha and (ac is None or ac < thresholds.good_ac)


def _item_agreements(
    units: list[tuple[SharedUnit, list[_Scored]]],
    thresholds: Thresholds,
    replicates: int,
    seed: int,
) -> list[ItemAgreement]:
    layouts: dict[str, Checklist] = {}
    for _, members in units:
        for m in members:
            current = layouts.get(m.standard.id)
            if current is None or version_key(m.standard.version) > version_key(current.version):
                layouts[m.standard.id] = m.standard
    results = []
    for standard_id in sorted(layouts):
        standard = layouts[standard_id]
        # (auditor, answers) per member of each unit, read once for all items of the standard
        relevant = [[(m.audit.auditor, m.audit.answers) for m in ms] for u, ms in units if u.standard_id == standard_id]
        compared: list[tuple[Section, Item, Level, list[list[tuple[str, Rating]]], list[Rating] | None]] = []
        for section in standard.sections:
            for item in section.items:
                level = level_of(item.type)
                if level is None:
                    continue
                item_id = item.id
                rated: list[list[tuple[str, Rating]]] = []
                for members in relevant:
                    row = []
                    for auditor, answers in members:
                        answer = answers.get(item_id)
                        if answer is None or answer.na or answer.value is None:
                            continue
                        rating = _rating(item, answer.value)
                        if rating is not None:
                            row.append((auditor, rating))
                    rated.append(row)
                categories = _categories(item)
                if categories is not None and any(r not in categories for row in rated for _, r in row):
                    categories = None  # an answer outside the standard (validation reports it): use observed
                compared.append((section, item, level, rated, categories))
        # every item's bootstrap at once (items with the same rated units share their draws: one matrix product)
        found = agreements(
            [
                ([[r for _, r in row] for row in rated], level, categories)
                for _, _, level, rated, categories in compared
            ],
            replicates=replicates,
            seed=seed,
        )
        for (section, item, level, rated, categories), result in zip(compared, found, strict=True):
            if result.units == 0:
                continue
            poor = result.units >= thresholds.min_units and _is_poor(result.ac.value, result.alpha.value, thresholds)
            driven_by: list[str] = []
            if poor:
                for auditor in sorted({a for row in rated for a, _ in row}):
                    without = [[r for a, r in row if a != auditor] for row in rated]
                    if sum(1 for row in without if len(row) >= 2) < thresholds.min_units:
                        continue
                    if not _is_poor(
                        _gwet_ac(without, level, categories), _alpha(without, level, categories), thresholds
                    ):
                        driven_by.append(auditor)
            results.append(
                ItemAgreement(
                    standard_id,
                    section.id,
                    item.id,
                    item.text,
                    item.type,
                    result,
                    poor,
                    poor and not driven_by,
                    tuple(driven_by),
                )
            )
    return results


def _consensus(
    units: list[tuple[SharedUnit, list[_Scored]]], drivers: Set[str] = frozenset()
) -> dict[str, list[float]]:
    """Per auditor, per shared unit: own index minus the mean index of the others. A `driver` (an auditor already
    shown to depart on items) is left out of everyone else's consensus: in a pair, the honest partner of a lenient
    auditor would otherwise look strict by exactly as much (the pair then says nothing about the partner)."""
    deviations: dict[str, list[float]] = defaultdict(list)
    for _, members in units:
        for m in members:
            if m.score.index is None:
                continue
            others = [
                o.score.index
                for o in members
                if o is not m
                and o.score.index is not None
                and (o.audit.auditor not in drivers or m.audit.auditor in drivers)
            ]
            if others:
                deviations[m.audit.auditor].append(m.score.index - fmean(others))
    return deviations


def _without(members: list[_Scored], ambiguous: set[tuple[str, str]], dealers: Mapping[str, Dealer]) -> list[_Scored]:
    """The members re-scored without their answers to ambiguous items (as if unanswered, for every auditor of the
    unit alike): disagreement on an item nobody can answer reliably says nothing about an auditor's severity."""
    drop = {item for standard_id, item in ambiguous if members and standard_id == members[0].audit.standard_id}
    if not drop or not any(drop & m.audit.answers.keys() for m in members):
        return members
    rescored = []
    for m in members:
        kept = {k: a for k, a in m.audit.answers.items() if k not in drop}
        audit = replace(m.audit, answers=kept)
        rescored.append(_Scored(audit, score_audit(m.standard, audit, dealers[audit.dealer_code]), m.standard))
    return rescored


def _departures(units: list[tuple[SharedUnit, list[_Scored]]], thresholds: Thresholds) -> list[ItemDeparture]:
    sums: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for unit, members in units:
        fractions = [
            {i.item_id: i.fraction for i in m.score.items if i.counted and i.fraction is not None} for m in members
        ]
        for m, own in zip(members, fractions, strict=True):
            for item_id, fraction in own.items():
                others = [f[item_id] for f, o in zip(fractions, members, strict=True) if o is not m and item_id in f]
                if others:
                    sums[(m.audit.auditor, unit.standard_id, item_id)].append(fraction - fmean(others))
    return [
        ItemDeparture(auditor, standard_id, item_id, len(values), fmean(values))
        for (auditor, standard_id, item_id), values in sorted(sums.items())
        if len(values) >= thresholds.min_departure_units and abs(fmean(values)) >= thresholds.item_departure
    ]


def _components(edges: Mapping[str, set[str]]) -> list[set[str]]:
    """Connected groups of auditors, linked when they audited the same unit."""
    seen: set[str] = set()
    groups = []
    for start in sorted(edges):
        if start in seen:
            continue
        group, stack = set(), [start]
        while stack:
            node = stack.pop()
            if node in group:
                continue
            group.add(node)
            stack.extend(edges[node] - group)
        seen |= group
        groups.append(group)
    return groups


def dealer_adjusted_severity(observations: Sequence[tuple[str, str, float]]) -> dict[str, Severity]:
    """Auditor effects of index ~ unit + auditor (least squares), each against the median comparable auditor.

    `observations` are (unit, auditor, index). Unit effects are absorbed by centring within units (the
    Frisch-Waugh-Lovell theorem gives the same auditor effects as the full dummy regression), so the fit stays small
    for thousands of dealers. Only the largest group of auditors linked through shared units is comparable; others
    get no estimate. The median auditor reads 0 by construction; the others read "this many points more generous
    than the typical auditor". Intervals: t with n - units - (auditors - 1) degrees of freedom."""
    by_unit: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for unit, auditor, value in observations:
        by_unit[unit].append((auditor, value))
    by_unit = {u: rows for u, rows in by_unit.items() if len({a for a, _ in rows}) >= 2}
    links: dict[str, set[str]] = defaultdict(set)
    for rows in by_unit.values():
        names = {a for a, _ in rows}
        for a in names:
            links[a] |= names - {a}
    groups = _components(links)
    if not groups:
        return {}
    largest: set[str] = max(groups, key=lambda g: (len(g), sorted(g)))
    comparable = sorted(largest)
    index = {a: i for i, a in enumerate(comparable)}
    # the design as arrays: one row per observation of a comparable unit, in unit order; centring within units
    # (indicator minus the unit's share of each auditor, value minus the unit's mean) by bincount, not per unit
    unit_of, auditor_of, values = [], [], []
    n_units = 0
    for rows in by_unit.values():
        if rows[0][0] not in index:
            continue
        for auditor, value in rows:
            unit_of.append(n_units)
            auditor_of.append(index[auditor])
            values.append(value)
        n_units += 1
    unit_idx = np.array(unit_of, dtype=np.intp)
    auditor_idx = np.array(auditor_of, dtype=np.intp)
    y = np.array(values, dtype=float)
    size = np.bincount(unit_idx, minlength=n_units).astype(float)
    shares = np.zeros((n_units, len(comparable)))
    np.add.at(shares, (unit_idx, auditor_idx), 1.0)
    shares /= size[:, None]
    indicators = np.zeros((len(y), len(comparable)))
    indicators[np.arange(len(y)), auditor_idx] = 1.0
    unit_mean = np.bincount(unit_idx, weights=y, minlength=n_units) / size
    k = len(comparable)
    contrast = np.vstack([np.eye(k - 1), -np.ones((1, k - 1))])  # effects = contrast @ beta, summing to zero
    x_all = (indicators - shares[unit_idx]) @ contrast
    y_all = y - unit_mean[unit_idx]
    beta, *_ = np.linalg.lstsq(x_all, y_all, rcond=None)
    # Report each effect against the median auditor, not the mean: one very lenient auditor would otherwise drag
    # the mean up and make every colleague look strict. `reference` picks the median (or the two middle ones).
    raw = contrast @ beta
    order = np.argsort(raw, kind="stable")
    reference = np.zeros(k)
    middle = [order[(k - 1) // 2], order[k // 2]]
    for m in middle:
        reference[m] += 1 / len(middle)
    to_median = np.eye(k) - reference[None, :]
    effects = to_median @ raw
    df = len(y_all) - n_units - (k - 1)
    counts: dict[str, int] = defaultdict(int)
    for rows in by_unit.values():
        for auditor, _ in rows:
            counts[auditor] += 1
    if df <= 0:
        return {a: Severity(float(effects[i]), n=counts[a]) for a, i in index.items()}
    residual = y_all - x_all @ beta
    sigma2 = float(residual @ residual) / df
    transform = to_median @ contrast
    covariance = transform @ np.linalg.pinv(x_all.T @ x_all) @ transform.T * sigma2
    t = t_quantile(df)
    result = {}
    for auditor, i in index.items():
        half = t * math.sqrt(max(covariance[i, i], 0.0))
        result[auditor] = Severity(
            float(effects[i]), float(effects[i]) - half, float(effects[i]) + half, counts[auditor]
        )
    return result


def calibrate(
    standards: Mapping[StandardKey, Checklist],
    dealers: Iterable[Dealer],
    audits: Iterable[Audit],
    wave: str,
    waves: Sequence[str] = (),
    *,
    thresholds: Thresholds | None = None,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    scores: Mapping[str, AuditScore] | None = None,
) -> Calibration:
    """Calibration of `wave` (agreement and consensus severity from its shared units) with the dealer-adjusted
    model and the drift over `waves` (default: `wave` alone). `audits` may hold any waves; drafts never count.
    `scores` (audit id -> score, e.g. a scored wave's `audit_scores`) saves scoring those audits again."""
    limits = thresholds or Thresholds()
    wave_list = tuple(dict.fromkeys([*waves, wave]))  # in the order given; `wave` last when not among them
    dealer_map = {d.code: d for d in dealers}
    chosen = (a for a in audits if a.wave in wave_list and a.rates_auditor)  # self-assessments rate no auditor
    scored, problems = _score_all(standards, dealer_map, chosen, scores or {})
    by_id = {s.audit.audit_id: s for s in scored}
    all_units = [
        (unit, [by_id[a.audit_id] for a in members if a.audit_id in by_id])
        for unit, members in shared_units(s.audit for s in scored)
    ]
    all_units = [(u, ms) for u, ms in all_units if len(ms) >= 2]
    wave_units = [(u, ms) for u, ms in all_units if u.wave == wave]
    items = _item_agreements(wave_units, limits, replicates, seed)
    driven = {(i.standard_id, i.item_id): i.driven_by for i in items if i.poor}
    departures = _departures(wave_units, limits)
    confirmed: dict[str, int] = defaultdict(int)
    for d in departures:
        if d.auditor in driven.get((d.standard_id, d.item_id), ()):
            confirmed[d.auditor] += 1
    drivers = {a for a, n in confirmed.items() if n >= limits.departing_items}
    ambiguous = {(i.standard_id, i.item_id) for i in items if i.ambiguous}
    clear_units = [(u, _without(ms, ambiguous, dealer_map)) for u, ms in all_units]
    consensus = _consensus([(u, ms) for u, ms in clear_units if u.wave == wave], drivers)
    per_wave = {w: _consensus([(u, ms) for u, ms in clear_units if u.wave == w], drivers) for w in wave_list}
    observations = [
        (
            f"{s.audit.scenario}|{s.audit.standard_id}|{s.audit.wave}"
            if s.audit.kind is AuditKind.CALIBRATION
            else f"{s.audit.dealer_code}|{s.audit.standard_id}|{s.audit.wave}",
            s.audit.auditor,
            float(s.score.index),  # type: ignore[arg-type]  # _score_all keeps scored audits only
        )
        for s in scored
    ]
    model = dealer_adjusted_severity(observations)
    audit_counts: dict[str, int] = defaultdict(int)
    for s in scored:
        audit_counts[s.audit.auditor] += 1
    shared_counts: dict[str, int] = defaultdict(int)
    for unit, _ in wave_units:
        for auditor in unit.auditors:
            shared_counts[auditor] += 1
    auditors = []
    for name in sorted(audit_counts):
        own = _t_interval(consensus.get(name, []))
        fitted = model.get(name, Severity(None))
        mine = tuple(
            replace(d, confirmed=name in driven.get((d.standard_id, d.item_id), ()))
            for d in departures
            if d.auditor == name
        )
        reasons: list[LocalText] = []
        tol = limits.severity_tolerance
        for label_zh, label_en, severity in (
            ("与同组共识", "from the consensus", own),
            ("经销商校正模型", "in the dealer-adjusted model", fitted),
        ):
            if severity.mean is not None and abs(severity.mean) > tol and severity.sure:
                direction_zh, direction_en = ("偏宽", "more generous") if severity.mean > 0 else ("偏严", "stricter")
                reasons.append(
                    LocalText(
                        zh=f"{label_zh}{direction_zh} {severity.mean:+.1f} 分（容差 ±{tol:g}）",
                        en=f"{direction_en} by {severity.mean:+.1f} points {label_en} (tolerance ±{tol:g})",
                    )
                )
        counted = [d for d in mine if d.confirmed]
        if len(counted) >= limits.departing_items:
            names = ", ".join(d.item_id for d in counted)
            reasons.append(
                LocalText(
                    zh=f"在 {len(counted)} 个项目上偏离同组共识，且是这些项目一致性差的原因：{names}",
                    en=f"departs from the consensus on {len(counted)} items and is why they agree poorly: {names}",
                )
            )
        auditors.append(
            AuditorCalibration(
                auditor=name,
                audits=audit_counts[name],
                shared_units=shared_counts.get(name, 0),
                consensus=own,
                model=fitted,
                by_wave=tuple((w, _t_interval(per_wave[w].get(name, []))) for w in wave_list),
                departures=mine,
                outside=bool(reasons),
                reasons=tuple(reasons),
            )
        )
    return Calibration(
        wave=wave,
        waves=wave_list,
        units=tuple(u for u, _ in wave_units),
        items=tuple(items),
        auditors=tuple(auditors),
        thresholds=limits,
        problems=tuple(problems),
    )

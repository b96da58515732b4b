"""Incentive tiers (返利/商务政策) on the scorecard composite: tier, gap to the next tier, borderline, streaks (pure).

Why this module: OEMs pay dealers on the result, so the rule that turns a composite into money must be written
down once, read the same by the CLI, the dealer PDF and the HQ workbook, and be checkable by hand
(docs/kpis-and-incentives.md has the worked numbers).

* Tiers are listed best first. A tier is reached when every condition it sets holds: the composite (0..100, like
  the bands) at or above `min`, and/or a place in the top `top_percent` % of the region's eligible dealers. The
  top X % of n dealers is ⌈X·n ÷ 100⌉ dealers; a dealer tied with the last of them is in too (a tie is not split).
* Eligibility comes first: at least `min_visits` finalised visits, and every composite KPI value with a base n
  (survey responses, repair orders) resting on at least `min_kpi_base`. An ineligible dealer gets no tier and the
  reasons why.
* The gap to the next tier is that tier's effective threshold (the larger of its `min` and, for a top-X % tier,
  the score of the region's last dealer inside the top X %) minus the dealer's composite, in points on 0..100.
* `borderline`: the dealer's 95 % interval holds the threshold of its own tier or of the next tier (low < threshold
  <= high), so another visit could move the dealer across it: the tier should not be paid or withheld on the point
  estimate alone.
* Consecutive waves: a wave with the composite below `below` adds one to the count, a wave at or above it (a cure)
  resets it to 0, a wave without a composite is skipped (it neither counts nor cures). `warning_after` waves in a
  row → warning, `penalty_after` → penalty.
* The penalty payout (`consecutive.penalty`, e.g. −0.5 % of the variable margin) applies to a dealer whose streak is
  at penalty, on top of whatever tier it still reaches: the net payout is the tier's payout plus the penalty when
  both are percentages or both amounts (a silver dealer at 1 % with a −0.5 % penalty is paid 0.5 %), the penalty
  alone without a tier; an amount and a percentage cannot be added, so then both are shown and no net is given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from dealer_audit.core.kpis import DealerKpis, Enters, KpiDefinition, KpiWave
from dealer_audit.core.standard import LocalText
from dealer_audit.core.stats import Interval


@dataclass(frozen=True)
class Payout:
    """What a tier pays: a fixed amount (e.g. CNY per quarter) or a percentage (of the variable margin)."""

    amount: float | None = None
    percent: float | None = None

    def text(self, lang: str) -> str:
        """`20,000`, `1.5 %`, a penalty `-0.5 %`."""
        if self.amount is not None:
            return f"{self.amount:,.0f}"
        if self.percent is not None:
            return f"{self.percent:g} %"
        return "—" if lang != "zh" else "无"


def net_payout(tier: Payout | None, penalty: Payout | None) -> Payout | None:
    """What a dealer is paid: its tier's payout plus a penalty of the same kind (rule in the module docstring);
    None when there is nothing to pay or an amount and a percentage would have to be added."""
    if penalty is None or tier is None:
        return penalty if tier is None else tier
    if tier.amount is not None and penalty.amount is not None:
        return Payout(amount=tier.amount + penalty.amount)
    if tier.percent is not None and penalty.percent is not None:
        return Payout(percent=round(tier.percent + penalty.percent, 9))
    return None


@dataclass(frozen=True)
class Tier:
    code: str
    label: LocalText
    payout: Payout
    min: float | None = None  # composite 0..100
    top_percent: float | None = None  # the top X % of the region's eligible dealers


@dataclass(frozen=True)
class Eligibility:
    min_visits: int = 0
    min_kpi_base: int = 0


@dataclass(frozen=True)
class ConsecutiveRule:
    below: float  # composite 0..100
    warning_after: int = 2
    penalty_after: int = 3
    penalty: Payout | None = None


@dataclass(frozen=True)
class IncentiveRules:
    """The program file's `incentives:` section."""

    tiers: tuple[Tier, ...]  # best first
    eligibility: Eligibility = field(default_factory=Eligibility)
    consecutive: ConsecutiveRule | None = None


@dataclass(frozen=True)
class Candidate:
    """What the tier rule needs of one dealer (built from core/kpis.DealerKpis)."""

    dealer_code: str
    region: str
    score: float | None  # scorecard composite 0..100
    interval: Interval | None = None
    visits: int = 0
    kpi_bases: Mapping[str, int | None] = field(default_factory=dict)  # composite KPI id -> base n


@dataclass(frozen=True)
class TierOutcome:
    dealer_code: str
    region: str
    score: float | None
    eligible: bool
    reasons: tuple[LocalText, ...]  # why not eligible
    tier: Tier | None
    next_tier: Tier | None  # the tier above (None at the top, or when not eligible)
    gap: float | None  # points on 0..100 to reach `next_tier`
    borderline: bool
    thresholds: Mapping[str, float]  # tier code -> effective threshold for this dealer (0..100)


def eligibility_reasons(rules: Eligibility, candidate: Candidate) -> tuple[LocalText, ...]:
    reasons = []
    if candidate.score is None:
        reasons.append(LocalText(zh="无综合指数", en="no composite index"))
    if candidate.visits < rules.min_visits:
        reasons.append(
            LocalText(
                zh=f"到访 {candidate.visits} 次，少于 {rules.min_visits} 次",
                en=f"{candidate.visits} visit(s), fewer than {rules.min_visits}",
            )
        )
    for kpi_id, base in sorted(candidate.kpi_bases.items()):
        if base is not None and base < rules.min_kpi_base:
            reasons.append(
                LocalText(
                    zh=f"{kpi_id} 样本量 {base}，少于 {rules.min_kpi_base}",
                    en=f"{kpi_id} rests on {base}, fewer than {rules.min_kpi_base}",
                )
            )
    return tuple(reasons)


def top_count(percent: float, n: int) -> int:
    """How many of n dealers are in the top `percent` %: ⌈percent·n ÷ 100⌉ (0 when n is 0)."""
    return math.ceil(round(percent * n / 100, 9)) if n > 0 else 0


def region_cutoffs(tiers: Sequence[Tier], eligible: Sequence[Candidate]) -> dict[tuple[str, str], float]:
    """(tier code, region) -> the score of the region's last eligible dealer inside the tier's top X %."""
    by_region: dict[str, list[float]] = {}
    for c in eligible:
        if c.score is not None:
            by_region.setdefault(c.region, []).append(c.score)
    cutoffs = {}
    for tier in tiers:
        if tier.top_percent is None:
            continue
        for region, scores in by_region.items():
            ranked = sorted(scores, reverse=True)
            cutoffs[(tier.code, region)] = ranked[top_count(tier.top_percent, len(ranked)) - 1]
    return cutoffs


def assign_tiers(rules: IncentiveRules, candidates: Sequence[Candidate]) -> dict[str, TierOutcome]:
    """Every dealer's tier, gap to the next tier and borderline flag (rules in the module docstring)."""
    reasons = {c.dealer_code: eligibility_reasons(rules.eligibility, c) for c in candidates}
    eligible = [c for c in candidates if not reasons[c.dealer_code]]
    cutoffs = region_cutoffs(rules.tiers, eligible)
    outcomes = {}
    for c in candidates:
        thresholds: dict[str, float] = {}
        for tier in rules.tiers:
            parts = [tier.min] if tier.min is not None else []
            if tier.top_percent is not None and (tier.code, c.region) in cutoffs:
                parts.append(cutoffs[(tier.code, c.region)])
            if parts:
                thresholds[tier.code] = max(parts)
        if reasons[c.dealer_code] or c.score is None:
            outcomes[c.dealer_code] = TierOutcome(
                c.dealer_code, c.region, c.score, False, reasons[c.dealer_code], None, None, None, False, thresholds
            )
            continue
        score = c.score
        reached = next(
            (i for i, t in enumerate(rules.tiers) if t.code in thresholds and score >= thresholds[t.code]), None
        )
        tier = rules.tiers[reached] if reached is not None else None
        above = reached - 1 if reached is not None else len(rules.tiers) - 1
        next_tier = rules.tiers[above] if above >= 0 else None
        gap = None
        if next_tier is not None and next_tier.code in thresholds:
            gap = max(0.0, thresholds[next_tier.code] - score)
        borderline = c.interval is not None and any(
            c.interval.low < thresholds[t.code] <= c.interval.high
            for t in (tier, next_tier)
            if t is not None and t.code in thresholds
        )
        outcomes[c.dealer_code] = TierOutcome(
            c.dealer_code, c.region, score, True, (), tier, next_tier, gap, borderline, thresholds
        )
    return outcomes


class StreakStatus(StrEnum):
    OK = "ok"
    WATCH = "watch"  # below in the latest wave, not yet long enough for a warning
    WARNING = "warning"
    PENALTY = "penalty"
    CURED = "cured"  # a warning or penalty streak ended by this wave


@dataclass(frozen=True)
class Streak:
    count: int  # consecutive scored waves below the threshold, ending with the latest scored wave
    status: StreakStatus


def consecutive_status(rule: ConsecutiveRule, history: Sequence[float | None]) -> Streak:
    """The streak at the end of `history` (composites 0..100, oldest first; None = no composite that wave)."""
    count = 0
    before_cure = 0
    for score in history:
        if score is None:
            continue
        if score < rule.below:
            count += 1
            before_cure = 0
        else:
            before_cure, count = count, 0
    if count >= rule.penalty_after:
        return Streak(count, StreakStatus.PENALTY)
    if count >= rule.warning_after:
        return Streak(count, StreakStatus.WARNING)
    if count > 0:
        return Streak(count, StreakStatus.WATCH)
    if before_cure >= rule.warning_after and history and history[-1] is not None:
        return Streak(0, StreakStatus.CURED)
    return Streak(0, StreakStatus.OK)


# ---- a wave's incentives ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncentiveRow:
    """One dealer's incentive standing in the wave: tier outcome, streak and the composites it rests on."""

    dealer_code: str
    region: str
    outcome: TierOutcome
    streak: Streak | None  # None when the program sets no consecutive-wave rule
    history: tuple[float | None, ...]  # scorecard composites 0..100, earlier waves then this one
    penalty: Payout | None = None  # the consecutive rule's penalty, when the streak is at penalty

    @property
    def net_payout(self) -> Payout | None:
        """The tier's payout with the penalty applied (None: nothing to pay, or units that do not add up)."""
        return net_payout(self.outcome.tier.payout if self.outcome.tier else None, self.penalty)


@dataclass(frozen=True)
class Scorecard:
    """The wave's KPIs and incentives together: what the CLI, the reports and the HQ workbook show."""

    kpis: KpiWave
    rules: IncentiveRules | None
    incentives: tuple[IncentiveRow, ...]  # the wave's dealer order

    @cached_property
    def _rows(self) -> Mapping[str, IncentiveRow]:
        return {r.dealer_code: r for r in self.incentives}

    def incentive(self, dealer_code: str) -> IncentiveRow | None:
        return self._rows.get(dealer_code)


def candidate(dealer: DealerKpis, definitions: Sequence[KpiDefinition]) -> Candidate:
    """The tier rule's view of a dealer: the bases of its composite KPIs are what eligibility checks."""
    composite = {k.id for k in definitions if k.enters is Enters.COMPOSITE}
    return Candidate(
        dealer.dealer_code,
        dealer.region,
        dealer.composite_100,
        dealer.composite_interval_100,
        dealer.visits,
        {s.kpi_id: s.base_n for s in dealer.scores if s.kpi_id in composite and s.value is not None},
    )


def evaluate_incentives(rules: IncentiveRules, current: KpiWave, earlier: Sequence[KpiWave] = ()) -> Scorecard:
    """Tiers of the current wave; streaks over the earlier waves (oldest first) and this one."""
    outcomes = assign_tiers(rules, [candidate(d, current.definitions) for d in current.dealers])
    rows = []
    for d in current.dealers:
        history = []
        for wave in earlier:
            past = wave.dealer(d.dealer_code)
            history.append(past.composite_100 if past is not None else None)
        history.append(d.composite_100)
        streak = consecutive_status(rules.consecutive, history) if rules.consecutive is not None else None
        at_penalty = streak is not None and streak.status is StreakStatus.PENALTY
        penalty = rules.consecutive.penalty if rules.consecutive is not None and at_penalty else None
        row = IncentiveRow(d.dealer_code, d.region, outcomes[d.dealer_code], streak, tuple(history), penalty)
        rows.append(row)
    return Scorecard(current, rules, tuple(rows))

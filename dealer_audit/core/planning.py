"""Who visits which dealer when: the wave plan as an optimisation problem, solved exactly.

Why a min-cost flow and not a general constraint model (CP-SAT): every rule of a wave plan is a capacity or a
cost on an edge of a bipartite graph. A visit needs one auditor (two for a double audit, never the same one
twice); an auditor may not return to a dealer inside the lockout; each auditor carries at most their cap (the
per-wave cap, and the per-day cap times the working days); an auditor outside their home region costs travel;
each further visit of one auditor costs a little more than the last (more steeply above the fair share), so
workloads stay even. That is a transportation problem with a convex cost (one arc per cost step), whose linear
relaxation is integral: OR-Tools' network-simplex min-cost-flow solver proves the optimum by construction, with
no search and no gap, in about two seconds for 3,000 dealers (benchmarks/bench_plan.py). Days are placed
afterwards, per auditor, inside the wave window, which the caps make always possible.

When the rules cannot all be met, the plan is refused with the constraint that fails and by how much (the
shortfall of auditor-visits), checked in an order that names the narrowest cause first.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from dealer_audit.core.auditors import Auditor
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import PlanRules, Wave
from dealer_audit.errors import DealerAuditError, Message

MAX_LISTED = 8  # causes named in one message; the count says how many more


class PlanInfeasible(DealerAuditError):
    """The rules cannot all be met; `reasons` names each failing constraint and the shortfall, in both languages
    (`str()` of a reason is its English)."""

    exit_code = 2

    def __init__(self, reasons: Sequence[Message]) -> None:
        self.reasons = list(reasons)
        super().__init__(
            "no plan meets every rule:\n  " + "\n  ".join(r.en for r in self.reasons),
            zh="没有能满足所有规则的计划：\n  " + "\n  ".join(r.text("zh") for r in self.reasons),
        )


@dataclass(frozen=True)
class VisitNeed:
    """One dealer × standard the wave must cover, by `copies` distinct auditors (2 for a double audit)."""

    dealer_code: str
    region: str
    city: str
    standard_id: str
    copies: int = 1

    @property
    def key(self) -> tuple[str, str]:
        return (self.dealer_code, self.standard_id)


@dataclass(frozen=True)
class PlannedVisit:
    dealer_code: str
    standard_id: str
    auditor_id: str
    day: date
    double: bool = False


@dataclass
class Plan:
    wave: str
    visits: list[PlannedVisit]
    cost: int
    out_of_region: int  # visits an auditor makes outside their home region
    overload: int  # visits above the fair share
    fair_share: int
    days: list[date] = field(default_factory=list)

    def load(self) -> Counter[str]:
        return Counter(v.auditor_id for v in self.visits)


def working_days(wave: Wave, weekdays_only: bool = True) -> list[date]:
    """The days of the wave window on which visits may be planned."""
    if not wave.start or not wave.end:
        raise PlanInfeasible(
            [
                Message(
                    f"wave window: wave {wave.code} has no start and end dates in the program",
                    f"批次时间窗：稽核方案中没有为稽核批次 {wave.code} 设置开始和结束日期",
                )
            ]
        )
    first, last = date.fromisoformat(wave.start), date.fromisoformat(wave.end)
    if last < first:
        raise PlanInfeasible(
            [
                Message(
                    f"wave window: wave {wave.code} ends ({last}) before it starts ({first})",
                    f"批次时间窗：稽核批次 {wave.code} 的结束日期（{last}）早于开始日期（{first}）",
                )
            ]
        )
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5] if weekdays_only else days


def _draw_order(wave: str, need: VisitNeed) -> str:
    """A stable pseudo-random order (same wave and network, same double audits), independent of input order."""
    return hashlib.sha256(f"{wave}|{need.dealer_code}|{need.standard_id}".encode()).hexdigest()


def visit_needs(
    wave: str, dealers: Iterable[Dealer], standard_ids: Sequence[str], double_audit_share: float
) -> list[VisitNeed]:
    """Every dealer × standard once; `round(share × n)` of them, drawn deterministically, as double audits."""
    needs = [
        VisitNeed(d.code, d.region, d.city, s) for d in sorted(dealers, key=lambda d: d.code) for s in standard_ids
    ]
    doubles = round(max(0.0, min(1.0, double_audit_share)) * len(needs))
    chosen = {n.key for n in sorted(needs, key=lambda n: _draw_order(wave, n))[:doubles]}
    return [VisitNeed(n.dealer_code, n.region, n.city, n.standard_id, 2 if n.key in chosen else 1) for n in needs]


def marginal_cost(j: int, fair_share: int, rules: PlanRules) -> int:
    """The cost of an auditor's j-th visit (1-based): convex, so the optimum spreads work evenly.

    Below the fair share it rises by one every quarter of the share (0..3), so of two auditors the less loaded
    one is preferred, but never enough to send anyone out of region (out_of_region_cost, 10 by default); above
    the fair share each further quarter adds `overload_cost`.
    """
    step = max(1, math.ceil(fair_share / 4))
    if j <= fair_share:
        return (j - 1) // step
    return 3 + rules.overload_cost * math.ceil((j - fair_share) / step)


def workload_cost(load: int, fair_share: int, rules: PlanRules) -> int:
    """The workload part of the objective for one auditor carrying `load` visits."""
    return sum(marginal_cost(j, fair_share, rules) for j in range(1, load + 1))


def _tiers(cap: int, fair_share: int, rules: PlanRules) -> list[tuple[int, int]]:
    """(capacity, unit cost) arcs whose cheapest filling costs `workload_cost` for every load up to `cap`."""
    tiers: list[tuple[int, int]] = []
    for j in range(1, cap + 1):
        cost = marginal_cost(j, fair_share, rules)
        if tiers and tiers[-1][1] == cost:
            tiers[-1] = (tiers[-1][0] + 1, cost)
        else:
            tiers.append((1, cost))
    return tiers


def _listed(lines: list[Message]) -> list[Message]:
    if len(lines) <= MAX_LISTED:
        return lines
    more = len(lines) - MAX_LISTED
    return [*lines[:MAX_LISTED], Message(f"… and {more} more", f"……另有 {more} 项")]


def plan_wave(
    wave: Wave,
    needs: Sequence[VisitNeed],
    auditors: Sequence[Auditor],
    locked_out: Collection[tuple[str, str]],
    rules: PlanRules,
) -> Plan:
    """The cheapest assignment of auditors to `needs`, with a day each inside the wave window.

    `locked_out` holds (auditor id, dealer code) pairs the lockout forbids (visits of the previous waves).
    Raises PlanInfeasible naming the constraint that fails and by how much.
    """
    from ortools.graph.python import min_cost_flow

    days = working_days(wave, rules.weekdays_only)
    active = sorted((a for a in auditors if a.active), key=lambda a: a.id)
    demand = sum(n.copies for n in needs)
    if not needs:
        return Plan(wave.code, [], 0, 0, 0, 0, days)
    if not active:
        raise PlanInfeasible(
            [
                Message(
                    f"auditors: no active auditor is registered; the wave needs {demand} visits",
                    f"稽核员：没有已登记且处于启用状态的稽核员；本批次需要 {demand} 次走访",
                )
            ]
        )
    if not days:
        raise PlanInfeasible(
            [
                Message(
                    f"wave window: wave {wave.code} has no working day between {wave.start} and {wave.end}",
                    f"批次时间窗：稽核批次 {wave.code} 在 {wave.start} 至 {wave.end} 之间没有工作日",
                )
            ]
        )
    per_day_cap = rules.max_visits_per_day * len(days)
    caps = {
        a.id: min(per_day_cap, rules.max_visits_per_auditor)
        if rules.max_visits_per_auditor is not None
        else per_day_cap
        for a in active
    }
    capacity = sum(caps.values())
    if capacity < demand:
        binding = (
            Message(f"max_visits_per_auditor {rules.max_visits_per_auditor}", "")
            if rules.max_visits_per_auditor is not None and rules.max_visits_per_auditor < per_day_cap
            else Message(
                f"max_visits_per_day {rules.max_visits_per_day} × {len(days)} working days",
                f"max_visits_per_day {rules.max_visits_per_day} × {len(days)} 个工作日",
            )
        )
        raise PlanInfeasible(
            [
                Message(
                    f"workload caps: the wave needs {demand} auditor-visits, {len(active)} auditors may make at most "
                    f"{capacity} ({binding.en} each); short by {demand - capacity}. Raise the cap, widen the window "
                    "or enrol more auditors",
                    f"工作量上限：本批次需要 {demand} 人次走访，{len(active)} 名稽核员最多只能完成 {capacity} 次"
                    f"（每人 {binding.text('zh')}）；缺口 {demand - capacity}。请提高上限、延长批次时间窗或增加稽核员",
                )
            ]
        )
    doubles = [n for n in needs if n.copies > len(active)]
    if doubles:  # no lockout needed to fail: there are not enough auditors for one visit's copies at all
        most = max(n.copies for n in doubles)
        raise PlanInfeasible(
            [
                Message(
                    f"double audits: {len(doubles)} visit(s) need {most} different auditors each (double_audit_share "
                    f"{rules.double_audit_share:g}), {len(active)} auditor(s) are active; short by "
                    f"{most - len(active)}. Enrol another auditor or set double_audit_share to 0",
                    f"双人稽核：{len(doubles)} 次走访各需要 {most} 名不同的稽核员（double_audit_share "
                    f"{rules.double_audit_share:g}），但只有 {len(active)} 名稽核员处于启用状态；缺口 "
                    f"{most - len(active)}。请增加稽核员，或把 double_audit_share 设为 0",
                )
            ]
        )
    locked = set(locked_out)
    eligible: dict[tuple[str, str], list[Auditor]] = {}
    short: list[Message] = []
    for need in needs:
        allowed = [a for a in active if (a.id, need.dealer_code) not in locked]
        eligible[need.key] = allowed
        if len(allowed) < need.copies:
            barred = sorted(a.id for a in active if (a.id, need.dealer_code) in locked)
            short.append(
                Message(
                    f"lockout: {need.dealer_code} {need.standard_id} needs {need.copies} auditor(s), "
                    f"{len(allowed)} may go (lockout of {rules.lockout_waves} wave(s) bars {', '.join(barred)}); "
                    f"short by {need.copies - len(allowed)}",
                    f"回避规则：{need.dealer_code} {need.standard_id} 需要 {need.copies} 名稽核员，只有 "
                    f"{len(allowed)} 名可以前往（前 {rules.lockout_waves} 个批次的回避规则排除了 "
                    f"{', '.join(barred)}）；缺口 {need.copies - len(allowed)}",
                )
            )
    if short:
        raise PlanInfeasible(_listed(short))

    fair_share = math.ceil(demand / len(active))
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    visit_node = {need.key: 2 + n for n, need in enumerate(needs)}
    auditor_node = {a.id: 2 + len(needs) + n for n, a in enumerate(active)}
    arcs: list[tuple[VisitNeed, Auditor, int]] = []
    for need in needs:
        flow.add_arc_with_capacity_and_unit_cost(source, visit_node[need.key], need.copies, 0)
        for auditor in eligible[need.key]:
            cost = 0 if auditor.home_region == need.region else rules.out_of_region_cost
            arc = flow.add_arc_with_capacity_and_unit_cost(visit_node[need.key], auditor_node[auditor.id], 1, cost)
            arcs.append((need, auditor, arc))
    for auditor in active:
        for capacity, cost in _tiers(caps[auditor.id], fair_share, rules):
            flow.add_arc_with_capacity_and_unit_cost(auditor_node[auditor.id], sink, capacity, cost)
    flow.set_node_supply(source, demand)
    flow.set_node_supply(sink, -demand)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise PlanInfeasible(
            [
                Message(
                    f"solver: the min-cost-flow solver stopped with status {status}",
                    f"求解器：最小费用流求解器以状态 {status} 停止",
                )
            ]
        )
    staffed: dict[tuple[str, str], list[Auditor]] = defaultdict(list)
    for need, auditor, arc in arcs:
        if flow.flow(arc):
            staffed[need.key].append(auditor)
    missing = [n for n in needs if len(staffed[n.key]) < n.copies]
    if missing:
        by_region = Counter(n.region for n in missing for _ in range(n.copies - len(staffed[n.key])))
        gap = sum(by_region.values())
        regions = ", ".join(f"{r} {c}" for r, c in sorted(by_region.items()))
        raise PlanInfeasible(
            [
                Message(
                    f"caps and lockout together: {gap} auditor-visit(s) cannot be staffed "
                    f"(by region: {regions}); short by {gap}",
                    f"工作量上限与回避规则共同限制：有 {gap} 人次走访无法安排稽核员（按区域：{regions}）；缺口 {gap}",
                ),
                *_listed(
                    [
                        Message(
                            f"unstaffed: {n.dealer_code} {n.standard_id}", f"无人可派：{n.dealer_code} {n.standard_id}"
                        )
                        for n in missing
                    ]
                ),
            ]
        )
    visits = _same_day_doubles(_schedule(needs, staffed, days), days, rules.max_visits_per_day)
    out_of_region = sum(1 for need in needs for auditor in staffed[need.key] if auditor.home_region != need.region)
    load = Counter(v.auditor_id for v in visits)
    overload = sum(max(0, count - fair_share) for count in load.values())
    return Plan(wave.code, visits, int(flow.optimal_cost()), out_of_region, overload, fair_share, days)


def _schedule(
    needs: Sequence[VisitNeed], staffed: Mapping[tuple[str, str], list[Auditor]], days: Sequence[date]
) -> list[PlannedVisit]:
    """Each auditor's visits spread evenly over the working days, neighbours (same city, same dealer) together.

    Visit i of n goes to day ⌊i·d/n⌋: at most ⌈n/d⌉ visits a day, which the caps keep within the per-day cap.
    """
    by_auditor: dict[str, list[VisitNeed]] = defaultdict(list)
    for need in needs:
        for auditor in staffed[need.key]:
            by_auditor[auditor.id].append(need)
    planned: list[PlannedVisit] = []
    for auditor_id in sorted(by_auditor):
        own = sorted(by_auditor[auditor_id], key=lambda n: (n.region, n.city, n.dealer_code, n.standard_id))
        for position, need in enumerate(own):
            day = days[position * len(days) // len(own)]
            planned.append(PlannedVisit(need.dealer_code, need.standard_id, auditor_id, day, need.copies > 1))
    return sorted(planned, key=lambda v: (v.day, v.auditor_id, v.dealer_code, v.standard_id))


def _same_day_doubles(visits: Sequence[PlannedVisit], days: Sequence[date], per_day_cap: int) -> list[PlannedVisit]:
    """All auditors of a double audit on the same day, wherever the daily cap allows.

    Why: calibration compares the audits of a double audit as scores of one scene (docs/calibration.md); weeks
    apart, a change at the dealer would read as a difference between auditors. For each double audit the first
    day (the first auditor's, then the others', then any working day) on which every one of its auditors either
    has room or has a single visit to swap with is taken. Moves stay within the cap and swaps keep every
    auditor's daily count, so the per-day rule holds throughout; a double audit no day can take stays as it was.
    """
    placed = list(visits)
    on_day: Counter[tuple[str, date]] = Counter((v.auditor_id, v.day) for v in placed)
    doubles: dict[tuple[str, str], list[int]] = defaultdict(list)
    singles: dict[tuple[str, date], list[int]] = defaultdict(list)  # each auditor's single visits by day
    for index, visit in enumerate(placed):
        if visit.double:
            doubles[(visit.dealer_code, visit.standard_id)].append(index)
        else:
            singles[(visit.auditor_id, visit.day)].append(index)

    def can_take(index: int, day: date) -> bool:
        visit = placed[index]
        key = (visit.auditor_id, day)
        return visit.day == day or on_day[key] < per_day_cap or bool(singles[key])

    def bring(index: int, day: date) -> None:
        visit = placed[index]
        if visit.day == day:
            return
        old, new = (visit.auditor_id, visit.day), (visit.auditor_id, day)
        if on_day[new] < per_day_cap:
            on_day[old] -= 1
            on_day[new] += 1
        else:  # swap days with a single visit of the same auditor: both days keep their count
            other = singles[new].pop()
            placed[other] = replace(placed[other], day=visit.day)
            singles[old].append(other)
        placed[index] = replace(visit, day=day)

    for _key, indices in sorted(doubles.items()):
        if len({placed[i].day for i in indices}) == 1:
            continue
        for day in [*(placed[i].day for i in indices), *days]:
            if all(can_take(i, day) for i in indices):
                for i in indices:
                    bring(i, day)
                break
    return sorted(placed, key=lambda v: (v.day, v.auditor_id, v.dealer_code, v.standard_id))

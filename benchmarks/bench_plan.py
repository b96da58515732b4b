"""Time the wave plan for a 3,000-dealer network: 2 standards, 6,000 visits (+ double audits), 100 auditors.

Run: python3 benchmarks/bench_plan.py [--dealers 3000] [--auditors 100] [--double 0.05] [--lockout]
Prints the solve time (min-cost flow: a proven optimum, no gap) and the plan's figures. `--lockout` first plans
the previous wave and bars those (auditor, dealer) pairs, as `dealer-audit plan` does from the stored plans.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dealer_audit.core.auditors import Auditor
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.planning import plan_wave, visit_needs
from dealer_audit.core.standard import LocalText, PlanRules, Wave

REGIONS = ("east", "north", "south", "west")
Q3 = Wave("2026-Q3", start="2026-07-01", end="2026-09-30")
Q4 = Wave("2026-Q4", start="2026-10-01", end="2026-12-31")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dealers", type=int, default=3000)
    parser.add_argument("--auditors", type=int, default=100)
    parser.add_argument("--double", type=float, default=0.05)
    parser.add_argument("--lockout", action="store_true")
    args = parser.parse_args()
    rng = random.Random(7)
    dealers = [
        Dealer(f"D{n:05d}", LocalText(en=f"Dealer {n}"), REGIONS[n % 4], city=f"city{rng.randrange(60)}")
        for n in range(args.dealers)
    ]
    auditors = [Auditor(f"A{n:03d}", LocalText(en=f"Auditor {n}"), REGIONS[n % 4]) for n in range(args.auditors)]
    rules = PlanRules(max_visits_per_day=2, double_audit_share=args.double)
    locked: set[tuple[str, str]] = set()
    if args.lockout:
        started = time.perf_counter()
        previous = plan_wave(Q3, visit_needs(Q3.code, dealers, ["svc", "dig"], args.double), auditors, set(), rules)
        print(f"previous wave planned in {time.perf_counter() - started:.2f} s")
        locked = {(v.auditor_id, v.dealer_code) for v in previous.visits}
    needs = visit_needs(Q4.code, dealers, ["svc", "dig"], args.double)
    started, cpu = time.perf_counter(), time.process_time()
    plan = plan_wave(Q4, needs, auditors, locked, rules)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    load = plan.load()
    print(
        f"plan: {len(plan.visits)} visits ({sum(n.copies == 2 for n in needs)} double audits), "
        f"{len(auditors)} auditors, "
        f"{len(locked)} locked pairs; optimal cost {plan.cost}; out of region {plan.out_of_region}; "
        f"workload {min(load.values())}–{max(load.values())} (fair share {plan.fair_share})"
    )
    print(f"solve + schedule: {wall:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()

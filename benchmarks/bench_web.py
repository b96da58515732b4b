"""The browser app on the 3,000-dealer network: server time per request for the pages people wait on.

    python benchmarks/bench_web.py                      # 3,000 dealers x 2 waves (generated once, kept in --work)
    python benchmarks/bench_web.py --dealers 300        # a quick check
    python benchmarks/bench_web.py --json out.json      # also write the figures as JSON

Setup (not timed against a target): `dealer-audit generate --dealers N --waves 2 --seed 7 DIR`, then a SQLite
workspace loaded the way benchmarks/run.py loads one (standards, dealers, every audit file). Both are kept in
`--work` and reused by later runs.

Measured in-process (the app from `web.app.create_app` driven by Starlette's TestClient, so the figures are the
server's time: routing, middleware, CSRF/session, the look cache check, building and rendering the page — no network,
no browser), after a warm-up, over many requests:

1. save one answer     (target p95 <= 30 ms) — see `bench_save_answer` for the path measured
2. league table page   (target <= 300 ms)    — the network overview with its first 50 rows, and the htmx fragment
                                               after a sort, a filter and a search
3. dealer page         (target <= 150 ms)    — a dealer viewed for the first time (its report model is built) and
                                               again (kept)

The first overview after start scores the wave (like `dealer-audit report`, seconds); it is reported on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 7
GENERATE = ("--waves", "2", "--seed", str(SEED))
TARGETS_MS = {"save_answer": 30.0, "league": 300.0, "dealer": 150.0}


@dataclass
class Timing:
    name: str
    target_ms: float | None
    samples_ms: list[float] = field(default_factory=list)  # wall time
    cpu_ms: list[float] = field(default_factory=list)  # CPU time of this process (all its threads)
    note: str = ""

    def add(self, sample: tuple[float, float]) -> None:
        self.samples_ms.append(sample[0])
        self.cpu_ms.append(sample[1])

    def pct(self, q: float) -> float:
        ordered = sorted(self.samples_ms)
        if not ordered:
            return 0.0
        k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        return ordered[k]

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "n": len(self.samples_ms),
            "p50_ms": round(self.pct(0.50), 2),
            "p95_ms": round(self.pct(0.95), 2),
            "max_ms": round(max(self.samples_ms, default=0.0), 2),
            "mean_ms": round(statistics.fmean(self.samples_ms), 2) if self.samples_ms else 0.0,
            "cpu_p95_ms": round(sorted(self.cpu_ms)[round(0.95 * (len(self.cpu_ms) - 1))], 2) if self.cpu_ms else 0.0,
            "target_ms": self.target_ms,
            "met": None if self.target_ms is None else self.pct(0.95) <= self.target_ms,
            "note": self.note,
        }


def timed(call: Callable[[], Any]) -> tuple[tuple[float, float], Any]:
    """((wall ms, CPU ms), result). On a machine busy with other work the wall time overstates the cost; the CPU
    time of this process (the app runs in TestClient's thread, which it counts) does not."""
    started, cpu = time.perf_counter(), time.process_time()
    value = call()
    return ((time.perf_counter() - started) * 1000.0, (time.process_time() - cpu) * 1000.0), value


# ---- setup ---------------------------------------------------------------------------------------------------------


def ensure_network(work: Path, dealers: int) -> Path:
    network = work / f"network-{dealers}"
    if not (network / "dealers.csv").is_file():
        print(f"generating {dealers} dealers x 2 waves into {network} ...", flush=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        subprocess.run(
            [sys.executable, "-m", "dealer_audit", "generate", *GENERATE, "--dealers", str(dealers), str(network)],
            check=True,
            env=env,
        )
    return network


def ensure_workspace(work: Path, network: Path, dealers: int) -> Path:
    """A workspace holding the network, loaded as benchmarks/run.py loads one."""
    from dealer_audit.formats.dealers import read_dealers
    from dealer_audit.services.importing import import_paths, load_standards_into
    from dealer_audit.storage.workspace import Workspace

    root = work / f"ws-{dealers}"
    done = root / ".bench-imported"
    if done.is_file():
        return root
    if root.exists():
        import shutil

        shutil.rmtree(root)
    print(f"importing {network} into {root} ...", flush=True)
    started = time.perf_counter()
    ws = Workspace.init(root, language="zh")
    load_standards_into(ws.repo, [ROOT / "checklists"])
    program = ws.repo.get_program()
    ws.repo.save_dealers(read_dealers(network / "dealers.csv", {r.code for r in program.regions}))
    summary = import_paths(ws, [p for p in sorted(network.iterdir()) if p.is_dir()])
    ws.close()
    if summary.refused:
        raise SystemExit(f"{len(summary.refused)} audit files refused, e.g. {summary.refused[0].reason}")
    print(f"  {summary.imported} audits in {time.perf_counter() - started:.0f} s", flush=True)
    done.write_text("ok\n")
    return root


# ---- measurements --------------------------------------------------------------------------------------------------


def bench_league(client: Any, wave: str, regions: list[str], bands: list[str], n: int) -> list[Timing]:
    full = Timing("league table page (full page, first 50 of all dealers)", TARGETS_MS["league"])
    fragment = Timing("league table after sort / filter / search (htmx fragment)", TARGETS_MS["league"])
    htmx = {"HX-Request": "true", "HX-Target": "league"}
    rng = random.Random(SEED)
    sorts = ["index", "name", "delta", "region", "rank_region", "visits", "alert", "code", "city", "band"]
    for k in range(n):
        ms, response = timed(lambda: client.get(f"/look/{wave}"))
        assert response.status_code == 200
        full.add(ms)
        kind = k % 3
        if kind == 0:
            query = f"sort={rng.choice(sorts)}&desc={rng.choice(['true', 'false'])}&page={rng.randint(1, 20)}"
        elif kind == 1:
            query = f"region={rng.choice(regions)}&band={rng.choice(bands)}&sort=index&desc=true"
        else:
            word = rng.choice(["上海", "北京", "D01", "广州", "星驰", "x"])
            query = f"q={word}&alert={rng.choice(['true', 'false'])}"
        ms, response = timed(partial(client.get, f"/look/{wave}?{query}", headers=htmx))
        assert response.status_code == 200, query
        fragment.add(ms)
    return [full, fragment]


def bench_dealers(client: Any, wave: str, codes: list[str], n: int) -> list[Timing]:
    first = Timing("dealer page, first view (report model built)", TARGETS_MS["dealer"])
    again = Timing("dealer page, viewed again (report model kept)", TARGETS_MS["dealer"])
    chosen = random.Random(SEED).sample(codes, min(n, len(codes)))
    for code in chosen:
        ms, response = timed(partial(client.get, f"/look/{wave}/dealers/{code}"))
        assert response.status_code == 200, code
        first.add(ms)
    for code in chosen:
        ms, response = timed(partial(client.get, f"/look/{wave}/dealers/{code}"))
        again.add(ms)
    return [first, again]


def bench_save_answer(root: Path, wave: str, n: int) -> Timing:
    """Server time to save one answer the way the capture pages save it: read the draft, rebuild its capture
    session (conditions re-evaluated), set the answer, and store it in its own transaction through
    `Repository.save_answer` — the wizard's autosave path, which the capture route calls.

    The browser capture route (web-capture's routes/capture.py) was not on main when this was written; this times
    the repository path it uses. With the route on main, time `POST` to it instead."""
    from dealer_audit.capture.session import CaptureSession
    from dealer_audit.core.answers import Answer, AuditStatus
    from dealer_audit.core.standard import AnswerType
    from dealer_audit.storage.workspace import Workspace

    timing = Timing("save one answer (capture session + Repository.save_answer)", TARGETS_MS["save_answer"])
    ws = Workspace.open(root)
    repo = ws.repo
    template = next(a for a in repo.list_audits(wave=wave, dealer_code=repo.list_dealers()[0].code))
    draft_id = f"bench-draft-{time.time_ns()}"
    draft = replace(template, audit_id=draft_id, status=AuditStatus.DRAFT, answers={})
    repo.save_audit(draft)
    standard = repo.get_standard(draft.standard_id, draft.standard_version)
    dealer = repo.get_dealer(draft.dealer_code)
    yes_no = [item for item in standard.items() if item.type is AnswerType.YES_NO and item.condition is None]
    rng = random.Random(SEED)
    for k in range(n + 20):
        item = rng.choice(yes_no)

        def save_one(item_id: str = item.id, value: str = "yes" if k % 2 else "no") -> None:
            audit = repo.get_audit(draft_id)

            def store(answer: Answer) -> None:
                repo.save_answer(draft_id, answer, who="bench")

            session = CaptureSession(standard, audit, dealer, save=store)
            session.set_answer(item_id, value)
            session.visible_items()  # what the page shows next: conditions re-evaluated

        ms, _ = timed(save_one)
        if k >= 20:  # the first saves warm the connection and the caches
            timing.add(ms)
    ws.close()
    return timing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dealers", type=int, default=3000)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "dealer-audit-bench-web")
    parser.add_argument("--requests", type=int, default=150, help="league-table requests of each kind")
    parser.add_argument("--dealer-pages", type=int, default=200)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from dealer_audit.storage.workspace import Workspace
    from dealer_audit.web.app import create_app
    from dealer_audit.web.config import WebConfig

    args.work.mkdir(parents=True, exist_ok=True)
    network = ensure_network(args.work, args.dealers)
    root = ensure_workspace(args.work, network, args.dealers)

    ws = Workspace.open(root)
    app = create_app(WebConfig(workspace=root), ws)
    client = TestClient(app)
    service = app.state.look
    wave = service.latest_wave()
    assert wave is not None

    (cold_ms, _), response = timed(lambda: client.get(f"/look/{wave}"))
    assert response.status_code == 200
    overview = service.overview(wave, "zh")
    codes = [r.league.dealer_code for r in overview.rows]
    regions = [r.code for r in overview.regions]
    bands = [b.band.code for b in overview.network.bands if b.band.code]
    n_audits = len(service.context(wave).audits)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"wave {wave}: {len(codes)} dealers, {n_audits} audits; first overview (scores the wave) {cold_ms:.0f} ms")
    print(f"server process peak memory with the wave kept: {rss_mb:.0f} MB")
    for _ in range(10):  # warm-up: templates compiled, code paths hot
        client.get(f"/look/{wave}")
        client.get(f"/look/{wave}/dealers/{codes[0]}")

    fingerprint = Timing("freshness check per page (Repository.data_fingerprint)", None)
    for _ in range(200):
        sample, _ = timed(ws.repo.data_fingerprint)
        fingerprint.add(sample)
    timings = [fingerprint]
    timings += bench_league(client, wave, regions, bands, args.requests)
    timings += bench_dealers(client, wave, codes, args.dealer_pages)
    loads = service.loads
    timings.append(bench_save_answer(root, wave, args.saves))
    (ms, _), response = timed(lambda: client.get(f"/look/{wave}"))
    assert response.status_code == 200
    kept = service.loads == loads
    print(f"overview after {args.saves} draft answers saved: {ms:.0f} ms ({'cache kept' if kept else 'RE-SCORED'})")

    rows = [t.summary() for t in timings]
    width = max(len(r["name"]) for r in rows)
    print(f"\n{'measure':<{width}}  {'n':>4}  {'p50 ms':>8}  {'p95 ms':>8}  {'max ms':>8}  {'CPU p95':>8}  target")
    for r in rows:
        target = "" if r["target_ms"] is None else f"p95 <= {r['target_ms']:.0f} ms: {'met' if r['met'] else 'MISSED'}"
        figures = f"{r['n']:>4}  {r['p50_ms']:>8.1f}  {r['p95_ms']:>8.1f}  {r['max_ms']:>8.1f}  {r['cpu_p95_ms']:>8.1f}"
        print(f"{r['name']:<{width}}  {figures}  {target}")
    load = os.getloadavg()
    cores = os.cpu_count()
    print(f"\nload average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {cores} cores; {platform.python_version()}")
    if args.json:
        payload = {
            "dealers": len(codes),
            "audits_in_wave": n_audits,
            "wave": wave,
            "first_overview_ms": round(cold_ms, 1),
            "peak_memory_mb": round(rss_mb),
            "cache_kept_during_capture": kept,
            "timings": rows,
            "load_average": load,
            "python": platform.python_version(),
        }
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    ws.close()


if __name__ == "__main__":
    main()

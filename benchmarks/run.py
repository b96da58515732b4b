"""The benchmark: a 3,000-dealer network through the whole main job, each stage timed against its floor.

    python benchmarks/run.py                 # 3,000 dealers x 1 wave x 2 standards = 6,000 audits
    python benchmarks/run.py --dealers 300   # a quick check
    python benchmarks/run.py --json out.json # also write the figures as JSON
    python benchmarks/run.py --scoring-only --visits 1-3 --waves 2   # what intervals add to scoring (issue 11)
    python benchmarks/run.py --keep DIR --render-only   # the rendering stages again, on DIR's earlier network
    python benchmarks/run.py --keep DIR --render-only --stages region,workbook   # some of them

Stages (each in a fresh child process, so its peak memory is its own; the dealer-PDF stage's worker processes
are counted through RUSAGE_CHILDREN):

1. generate   the synthetic network (services/sample_network.py) — setup, not a target
2. import     a fresh SQLite workspace: standards, dealers, every audit file (services/importing.import_paths)
3. scoring    services/scoring_job.load_wave_result: read the wave from the database, score, roll up
3b. score_json `dealer-audit score --json -o FILE` through the CLI (read, score, stream the JSON; peak memory
              should stay near the scoring stage's)
3c. intervals the pure core `score_wave` on the same audits in memory with and without `intervals` (pooled
             variances, intervals, shrinkage, change tests, rank ranges): what honest numbers add to scoring
4. dealer     every dealer PDF, in parallel on every core (the product's batch path)
5. region     every regional PDF
6. workbook   the HQ network workbook with the Answers sheet (streaming writer)

Floors, measured in the same run: what the raw library needs for the equivalent minimal work —
reportlab laying out the same number of pages with the same amount of text per dealer (plain paragraphs, the
same embedded CJK TrueType font), and xlsxwriter (constant-memory) writing the same number of cells per sheet.
Each rendering stage is reported as a ratio to its floor; the per-dealer ratio is measured on a sample of
dealers, each rendered as a worker's first PDF (benchmarks/first_pdfs.py), interleaved with its floor.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import re
import resource
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from first_pdfs import ROUNDS, measure_first_pdfs, per_dealer_figures  # noqa: E402  (benchmarks/ beside this file)
from floors import floor_pdf, pdf_text_size  # noqa: E402

SEED = 42
TARGETS = {  # seconds, from issue 6 (3,000 dealers, 6,000 audits, this 2-core machine)
    "import": 30.0,
    "scoring": 10.0,
    "dealer_pdfs": 120.0,
    "workbook": 60.0,
}
WORKBOOK_MEMORY_TARGET_MB = 300.0  # issue 13 (issue 6: 1 GB)
INTERVALS_OVERHEAD_TARGET = 0.20  # issue 11: intervals (and calibration) add at most 20 % to scoring
FLOOR_RATIO_TARGET = 1.5  # every dealer PDF against its own floor (issue 13; issue 6: 2.0 at the median)
RATIO_TARGETS = {"region_pdfs": 2.0, "workbook": 1.3}  # stage against its floor in the same run (issue 13)
RENDER_STAGES = ("dealer", "region", "workbook")  # what --stages may name


# ---- measuring -------------------------------------------------------------------------------------------------


@dataclass
class StageResult:
    name: str
    seconds: float = 0.0
    count: int = 0  # what the stage produced or processed (audits, PDFs, cells)
    unit: str = ""
    peak_mb: float = 0.0  # the stage's own process
    children_peak_mb: float = 0.0  # its worker processes (largest single worker)
    cpu_seconds: float = 0.0  # user + system CPU of the stage's process and its workers (whole child process)
    floor_seconds: float | None = None
    render_cpu: float | None = None  # CPU of the timed part alone (not the setup), for the CPU ratio
    floor_cpu: float | None = None
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def throughput(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else 0.0

    @property
    def ratio(self) -> float | None:
        if self.floor_seconds in (None, 0):
            return None
        return self.seconds / self.floor_seconds

    @property
    def cpu_ratio(self) -> float | None:
        if not self.render_cpu or not self.floor_cpu:
            return None
        return self.render_cpu / self.floor_cpu


def cpu_now() -> float:
    """CPU seconds so far of this process and of its finished (joined) workers: a stage's CPU is the difference
    around it. On a shared machine the ratio of CPU seconds is the steadier comparison with a floor."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux reports KiB


def _child(target: Callable[..., dict[str, Any]], args: tuple[Any, ...], queue: Any) -> None:
    try:
        result = target(*args)
        result["peak_mb"] = _peak_mb(resource.RUSAGE_SELF)
        result["children_peak_mb"] = _peak_mb(resource.RUSAGE_CHILDREN)
        own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        result["cpu_seconds"] = own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime
        queue.put(result)
    except BaseException as error:  # report, never hang the parent
        import traceback

        queue.put({"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()})


def isolated(target: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run one stage in a fresh interpreter (spawn) and return its figures plus its peak memory."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(target, args, queue))
    process.start()
    result = queue.get()
    process.join()
    if "traceback" in result:
        print(result["traceback"], file=sys.stderr)
    return result


# ---- stages (each runs in its own process) ------------------------------------------------------------------------


def stage_generate(
    network: str, dealers: int, seed: int, waves: int = 1, visits: tuple[int, int] = (1, 1)
) -> dict[str, Any]:
    from dealer_audit.formats.standards import load_checklists_dir
    from dealer_audit.services.sample_network import generate_network

    standards, program = load_checklists_dir(ROOT / "checklists")
    started = time.perf_counter()
    result = generate_network(standards, program, dealers, waves, seed, Path(network), visits=visits)
    seconds = time.perf_counter() - started
    items = sum(1 for s in standards for _ in s.items())
    return {
        "seconds": seconds,
        "count": result.audit_count,
        "wave": result.waves[-1],  # the last wave: with two, the first is its previous wave (deltas, labels)
        "extra": {"standards": [f"{s.id} {s.version}" for s in standards], "items": items},
    }


def stage_import(network: str, workspace: str) -> dict[str, Any]:
    from dealer_audit.formats.dealers import read_dealers
    from dealer_audit.services.importing import import_paths, load_standards_into
    from dealer_audit.storage.workspace import Workspace

    started = time.perf_counter()
    ws = Workspace.init(Path(workspace), language="en")
    load_standards_into(ws.repo, [ROOT / "checklists"])
    program = ws.repo.get_program()
    ws.repo.save_dealers(read_dealers(Path(network) / "dealers.csv", {r.code for r in program.regions}))
    setup = time.perf_counter() - started
    summary = import_paths(ws, [p for p in sorted(Path(network).iterdir()) if p.is_dir()])
    seconds = time.perf_counter() - started
    answers = ws.repo.count_answers() if hasattr(ws.repo, "count_answers") else None
    ws.close()
    notes = [f"setup (workspace, standards, dealers) {setup:.1f} s"]
    if summary.refused:
        notes.append(f"{len(summary.refused)} refused, e.g. {summary.refused[0].reason}")
    return {
        "seconds": seconds,
        "count": summary.imported + summary.unchanged,
        "notes": notes,
        "extra": {"answers": answers, "refused": len(summary.refused)},
    }


def stage_scoring(workspace: str, wave: str) -> dict[str, Any]:
    from dealer_audit.services.scoring_job import load_wave_result
    from dealer_audit.storage.workspace import Workspace

    ws = Workspace.open(Path(workspace))
    started = time.perf_counter()
    result = load_wave_result(ws.repo, wave)
    seconds = time.perf_counter() - started
    # the pure core on its own (audits already in memory), to tell database reading from scoring
    from dealer_audit.core.aggregate import score_wave

    audits = ws.repo.list_audits(wave=wave)
    standards = {s.key: s for s in ws.repo.list_standards()}
    dealers = ws.repo.list_dealers()
    core_started, core_cpu_started = time.perf_counter(), time.process_time()
    score_wave(result.program, standards, dealers, audits, wave)
    core_seconds = time.perf_counter() - core_started
    core_cpu = time.process_time() - core_cpu_started
    ws.close()
    return {
        "seconds": seconds,
        "count": len(result.audit_scores),
        "notes": [f"pure core score_wave on audits in memory: {core_seconds:.1f} s ({core_cpu:.1f} s CPU)"],
        "extra": {
            "core_seconds": core_seconds,
            "core_cpu_seconds": core_cpu,
            "dealers": len(result.dealers),
            "alerts": len(result.alerts),
        },
    }


def stage_score_json(workspace: str, wave: str, out: str) -> dict[str, Any]:
    """`dealer-audit score --json -o FILE` through the CLI itself: read, score, stream every figure to a file.
    Its peak memory should stay near the scoring stage's (the scored wave), not grow with the JSON's size."""
    from dealer_audit.cli.app import app

    target = Path(out) / "scores.json"
    started = time.perf_counter()
    try:
        app(["score", "--wave", wave, "--json", "-o", str(target), "-w", workspace], standalone_mode=False)
    except SystemExit as stop:  # typer's exit on a domain error: report it as the stage's error
        if stop.code:
            raise RuntimeError(f"score --json exited with {stop.code}") from None
    seconds = time.perf_counter() - started
    size = target.stat().st_size
    with target.open(encoding="utf-8") as lines:  # one dealer per line; never load 240 MB back into this process
        dealers = sum(1 for line in lines if line.startswith('    {"code": '))
    return {
        "seconds": seconds,
        "count": dealers,
        "extra": {"json_mb": size / 2**20},
        "notes": [f"{size / 2**20:.0f} MB of JSON"],
    }


def stage_intervals(workspace: str, wave: str, repeat: int = 3) -> dict[str, Any]:
    """The pure core on the wave's audits (and its previous wave's) in memory, with and without intervals; the
    fastest of `repeat` runs each, alternating, so a busy machine penalises both alike."""
    from dealer_audit.core.aggregate import score_wave
    from dealer_audit.services.scoring_job import load_scoring_inputs
    from dealer_audit.storage.workspace import Workspace

    ws = Workspace.open(Path(workspace))
    program, standards, dealers, audits, previous = load_scoring_inputs(ws.repo, wave)
    ws.close()
    best = {True: float("inf"), False: float("inf")}
    cpu = {True: float("inf"), False: float("inf")}
    result = None
    for _ in range(max(1, repeat)):
        for with_intervals in (False, True):
            wall, started_cpu = time.perf_counter(), time.process_time()
            result = score_wave(program, standards, dealers, audits, wave, previous, intervals=with_intervals)
            best[with_intervals] = min(best[with_intervals], time.perf_counter() - wall)
            cpu[with_intervals] = min(cpu[with_intervals], time.process_time() - started_cpu)
    assert result is not None
    with_ci = sum(1 for d in result.dealers if d.composite_ci is not None)
    single = sum(1 for d in result.dealers for c in d.checklists if c.n == 1 and c.ci is not None)
    added = best[True] / best[False] - 1
    added_cpu = cpu[True] / cpu[False] - 1
    return {
        "seconds": best[True],
        "count": len(audits) + len(previous),
        "notes": [
            f"score_wave without intervals {best[False]:.2f} s ({cpu[False]:.2f} s CPU), with {best[True]:.2f} s "
            f"({cpu[True]:.2f} s CPU): +{added:.1%} wall, +{added_cpu:.1%} CPU "
            f"(target <= +{INTERVALS_OVERHEAD_TARGET:.0%})",
            f"{with_ci} of {len(result.dealers)} dealers with a composite interval; "
            f"{single} one-visit indices with one",
        ],
        "extra": {
            "without_seconds": best[False],
            "with_seconds": best[True],
            "without_cpu_seconds": cpu[False],
            "with_cpu_seconds": cpu[True],
            "added": added,
            "added_cpu": added_cpu,
            "dealers_with_interval": with_ci,
        },
    }


def _reporting() -> Any:
    import dealer_audit.services.reporting as reporting

    return reporting


def _prepared(workspace: str, wave: str) -> tuple[Any, Any, Any, float]:
    """Open the workspace and load + score the wave once (what every report command does first), timed apart."""
    reporting = _reporting()
    from dealer_audit.storage.workspace import Workspace

    ws = Workspace.open(Path(workspace))
    started = time.perf_counter()
    context = reporting.prepare_wave(ws, wave)
    return reporting, ws, context, time.perf_counter() - started


def _with_insight(reporting: Any, ws: Any, context: Any) -> tuple[Any, float]:
    """The wave's key drivers and themes (`services.insight.ensure_insight`), computed once per wave and kept for
    every report like the scored wave itself, so timed apart like `prepare_wave` and reported beside the stage."""
    started = time.perf_counter()
    context = reporting.ensure_insight(ws, context)
    return context, time.perf_counter() - started


def stage_dealer_pdfs(workspace: str, wave: str, out: str, jobs: int) -> dict[str, Any]:
    reporting, ws, context, prepare = _prepared(workspace, wave)
    started, cpu = time.perf_counter(), cpu_now()
    outcome = reporting.render_dealer_pdfs(context, Path(out), lang="zh", jobs=jobs)
    seconds, cpu = time.perf_counter() - started, cpu_now() - cpu
    ws.close()
    notes = [f"+ {prepare:.1f} s to load and score the wave first (prepare_wave)"]
    if outcome.failures:
        notes.append(f"{len(outcome.failures)} failed, e.g. {outcome.failures[0]}")
    return {"seconds": seconds, "count": len(outcome.files), "notes": notes, "extra": {"prepare": prepare, "cpu": cpu}}


def stage_region_pdfs(workspace: str, wave: str, out: str, jobs: int) -> dict[str, Any]:
    reporting, ws, context, prepare = _prepared(workspace, wave)
    prepare_peak = _peak_mb(resource.RUSAGE_SELF)
    context, insight = _with_insight(reporting, ws, context)
    insight_peak = _peak_mb(resource.RUSAGE_SELF)
    started, cpu = time.perf_counter(), cpu_now()
    outcome = reporting.render_region_pdfs(context, Path(out), lang="zh", jobs=jobs)
    seconds, cpu = time.perf_counter() - started, cpu_now() - cpu
    ws.close()
    files = sorted(Path(out).rglob("*.pdf"))
    return {
        "seconds": seconds,
        "count": len(outcome.files),
        "notes": [
            f"+ {prepare:.1f} s prepare_wave, {insight:.1f} s ensure_insight",
            _peaks_note(prepare_peak, insight_peak),
        ],
        "extra": {
            "pages": _pdf_pages(files),
            "prepare": prepare,
            "insight": insight,
            "cpu": cpu,
            "prepare_peak_mb": prepare_peak,
            "insight_peak_mb": insight_peak,
        },
    }


def _peaks_note(prepare_peak: float, insight_peak: float) -> str:
    """Where a report stage's peak memory is reached: loading and scoring the wave, then insight, then the rest."""
    return f"peak memory {prepare_peak:.0f} MB after prepare_wave, {insight_peak:.0f} MB after ensure_insight"


def stage_workbook(workspace: str, wave: str, out: str) -> dict[str, Any]:
    reporting, ws, context, prepare = _prepared(workspace, wave)
    prepare_peak = _peak_mb(resource.RUSAGE_SELF)
    target = Path(out) / "network.xlsx"
    context, insight = _with_insight(reporting, ws, context)
    insight_peak = _peak_mb(resource.RUSAGE_SELF)
    started, cpu = time.perf_counter(), cpu_now()
    reporting.write_network_workbook(context, target)
    seconds, cpu = time.perf_counter() - started, cpu_now() - cpu
    ws.close()
    shape = xlsx_shape(target)
    cells = sum(s["cells"] for s in shape.values())
    formulas = sum(s["formulas"] for s in shape.values())
    return {
        "seconds": seconds,
        "count": cells,
        "notes": [
            f"+ {prepare:.1f} s prepare_wave, {insight:.1f} s ensure_insight; {formulas:,} formulas",
            _peaks_note(prepare_peak, insight_peak),
        ],
        "extra": {
            "sheets": shape,
            "bytes": target.stat().st_size,
            "path": str(target),
            "prepare": prepare,
            "insight": insight,
            "cpu": cpu,
            "prepare_peak_mb": prepare_peak,
            "insight_peak_mb": insight_peak,
        },
    }


# ---- floors --------------------------------------------------------------------------------------------------------


def _floor_batch(jobs: list[tuple[str, int, int, int]]) -> float:
    return sum(floor_pdf(path, pages, chars, images) for path, pages, chars, images in jobs)


def stage_floor_dealer_pdfs(
    out: str, page_counts: list[int], chars_per_page: int, images_per_pdf: int, jobs: int
) -> dict[str, Any]:
    """The floor of the dealer-PDF stage: the same number of documents and pages, on the same number of cores."""
    Path(out).mkdir(parents=True, exist_ok=True)
    work = [
        (str(Path(out) / f"floor-{i}.pdf"), pages, chars_per_page, images_per_pdf)
        for i, pages in enumerate(page_counts)
    ]
    chunks = [work[i::jobs] for i in range(jobs)]
    started, cpu = time.perf_counter(), cpu_now()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(_floor_batch, chunks))
    return {"seconds": time.perf_counter() - started, "count": len(work), "extra": {"cpu": cpu_now() - cpu}}


def stage_floor_workbook(out: str, shape: dict[str, dict[str, int]]) -> dict[str, Any]:
    """xlsxwriter (constant memory) writing the same number of cells per sheet: rows x columns, text and numbers
    in the same proportion as the real workbook, no formats, no formulas."""
    import xlsxwriter

    target = Path(out) / "floor.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    started, cpu = time.perf_counter(), cpu_now()
    wb = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    for name, sheet in shape.items():
        ws = wb.add_worksheet(name[:31])
        rows, cells, texts = sheet["rows"], sheet["cells"], sheet["strings"]
        columns = max(1, round(cells / max(1, rows)))
        text_every = (cells / texts) if texts else 0.0
        written = 0
        for r in range(rows):
            for c in range(columns):
                if written >= cells:
                    break
                if text_every and (written % max(1, round(text_every)) == 0):
                    ws.write_string(r, c, f"text {r}")
                else:
                    ws.write_number(r, c, r * 0.5 + c)
                written += 1
    wb.close()
    seconds, cpu = time.perf_counter() - started, cpu_now() - cpu
    return {"seconds": seconds, "count": sum(s["cells"] for s in shape.values()), "extra": {"cpu": cpu}}


# ---- reading outputs back ------------------------------------------------------------------------------------------


def _pdf_pages(files: list[Path]) -> list[int]:
    from pypdf import PdfReader

    return [len(PdfReader(str(f)).pages) for f in files]


_CELL = re.compile(rb"<c[ >]")
_STRING_CELL = re.compile(rb'<c[^>]*t="(?:s|str|inlineStr)"')
_FORMULA = re.compile(rb"<f[ >]")
_ROW = re.compile(rb"<row[ >]")


def xlsx_shape(path: Path) -> dict[str, dict[str, int]]:
    """Cells, text cells, formulas and rows per sheet, counted by streaming each sheet's XML (no workbook load)."""
    shape: dict[str, dict[str, int]] = {}
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
        names = re.findall(r'<sheet name="([^"]+)" sheetId="(\d+)"', workbook)
        for index, (name, _sheet_id) in enumerate(names, start=1):
            counts = {"cells": 0, "strings": 0, "formulas": 0, "rows": 0}
            tail = b""
            with archive.open(f"xl/worksheets/sheet{index}.xml") as stream:
                while chunk := stream.read(1 << 20):
                    data = tail + chunk
                    cut = data.rfind(b">") + 1  # never split a tag between chunks
                    body, tail = data[:cut], data[cut:]
                    counts["cells"] += len(_CELL.findall(body))
                    counts["strings"] += len(_STRING_CELL.findall(body))
                    counts["formulas"] += len(_FORMULA.findall(body))
                    counts["rows"] += len(_ROW.findall(body))
            shape[name] = counts
    return shape


# ---- the run -----------------------------------------------------------------------------------------------------


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()}"
    )


def _record(name: str, raw: dict[str, Any], unit: str) -> StageResult:
    result = StageResult(name, unit=unit)
    if "error" in raw:
        result.error = raw["error"]
        return result
    result.seconds = raw["seconds"]
    result.count = raw.get("count", 0)
    result.peak_mb = raw.get("peak_mb", 0.0)
    result.children_peak_mb = raw.get("children_peak_mb", 0.0)
    result.cpu_seconds = raw.get("cpu_seconds", 0.0)
    result.notes = raw.get("notes", [])
    result.extra = raw.get("extra", {})
    return result


def run(
    dealers: int,
    jobs: int,
    sample: int,
    keep: Path | None,
    *,
    waves: int = 1,
    visits: tuple[int, int] = (1, 1),
    scoring_only: bool = False,
    render_only: bool = False,
    only: Sequence[str] = RENDER_STAGES,
) -> tuple[list[StageResult], dict[str, Any]]:
    base = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="dealer-audit-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    network, workspace, reports = base / "network", base / "workspace", base / "reports"
    info: dict[str, Any] = {"dealers": dealers, "jobs": jobs, "machine": machine(), "dir": str(base)}
    info["load_start"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    stages: list[StageResult] = []

    def say(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    if render_only:  # the network and workspace of an earlier run kept in `keep` (its wave in the file `wave`)
        info["wave"] = wave = (base / "wave").read_text(encoding="utf-8").strip()
        reports.mkdir(parents=True, exist_ok=True)
        return _render_stages(stages, info, workspace, wave, reports, jobs, sample, say, only)
    say(f"generating {dealers} dealers x {waves} wave(s) x 2 standards, {visits[0]}-{visits[1]} visits, into {network}")
    raw = isolated(stage_generate, str(network), dealers, SEED, waves, visits)
    stages.append(_record("generate", raw, "audits"))
    wave = raw.get("wave", "")
    info["wave"] = wave
    (base / "wave").write_text(wave, encoding="utf-8")
    info.update(raw.get("extra", {}))

    say("import into a fresh SQLite workspace")
    stages.append(_record("import", isolated(stage_import, str(network), str(workspace)), "audits"))
    say("scoring and roll-ups")
    stages.append(_record("scoring", isolated(stage_scoring, str(workspace), wave), "audits"))
    say("score --json -o FILE (the CLI, streaming)")
    reports.mkdir(parents=True, exist_ok=True)
    stages.append(_record("score_json", isolated(stage_score_json, str(workspace), wave, str(reports)), "dealers"))
    say("intervals: the pure core with and without them")
    stages.append(_record("intervals", isolated(stage_intervals, str(workspace), wave), "audits"))
    if scoring_only:
        info["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
        return stages, info
    return _render_stages(stages, info, workspace, wave, reports, jobs, sample, say, only)


def _render_stages(
    stages: list[StageResult],
    info: dict[str, Any],
    workspace: Path,
    wave: str,
    reports: Path,
    jobs: int,
    sample: int,
    say: Callable[[str], None],
    only: Sequence[str] = RENDER_STAGES,
) -> tuple[list[StageResult], dict[str, Any]]:
    """The rendering stages (dealer PDFs, regional PDFs, HQ workbook) named in `only`, each with its floor."""
    if "dealer" in only:
        _dealer_stages(stages, workspace, wave, reports, jobs, sample, say)
    if "region" in only:
        _region_stage(stages, workspace, wave, reports, jobs, say)
    if "workbook" in only:
        _workbook_stage(stages, workspace, wave, reports, say)
    info["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return stages, info


def _dealer_stages(
    stages: list[StageResult],
    workspace: Path,
    wave: str,
    reports: Path,
    jobs: int,
    sample: int,
    say: Callable[[str], None],
) -> None:
    """Every dealer PDF on `jobs` processes, the per-dealer sample, and their reportlab floors."""
    say(f"all dealer PDFs on {jobs} processes")
    dealer_stage = _record(
        "dealer_pdfs", isolated(stage_dealer_pdfs, str(workspace), wave, str(reports / "dealers"), jobs), "PDFs"
    )
    stages.append(dealer_stage)
    if not dealer_stage.error:
        say(f"per-dealer: {sample} dealers, each PDF a worker's first, against its floor ({ROUNDS} rounds)")
        try:
            raw = measure_first_pdfs(str(workspace), wave, str(reports / "sample"), sample)
        except Exception as error:  # report, never lose the other stages
            raw = {"error": f"{type(error).__name__}: {error}"}
        per = _record("per_dealer", raw, "PDFs")
        stages.append(per)
        if not per.error:
            per.floor_seconds = sum(r["floor"] for r in per.extra["rows"])
            per.extra.update(per_dealer_figures(per.extra["rows"]))
        files = sorted((reports / "dealers").rglob("*.pdf"))
        page_counts = _pdf_pages(files)
        dealer_stage.extra["pages"] = sum(page_counts)
        dealer_stage.extra["pages_per_pdf"] = sum(page_counts) / max(1, len(page_counts))
        chars = per.extra.get("chars_per_page", 1200)
        images = per.extra.get("images_per_pdf", 0)
        say("floor: reportlab, same documents and pages")
        floor = isolated(stage_floor_dealer_pdfs, str(reports / "floor-dealers"), page_counts, chars, images, jobs)
        dealer_stage.floor_seconds = floor.get("seconds")
        dealer_stage.render_cpu = dealer_stage.extra.get("cpu")
        dealer_stage.floor_cpu = floor.get("extra", {}).get("cpu")


def _region_stage(
    stages: list[StageResult], workspace: Path, wave: str, reports: Path, jobs: int, say: Callable[[str], None]
) -> None:
    """Every regional PDF and its reportlab floor (same pages and text)."""
    say("all regional PDFs")
    region_stage = _record(
        "region_pdfs", isolated(stage_region_pdfs, str(workspace), wave, str(reports / "regions"), jobs), "PDFs"
    )
    stages.append(region_stage)
    if not region_stage.error and region_stage.extra.get("pages"):
        pages = region_stage.extra["pages"]
        files = sorted((reports / "regions").rglob("*.pdf"))
        chars = int(sum(pdf_text_size(f)[1] for f in files) / max(1, sum(pages)))
        floor = isolated(stage_floor_dealer_pdfs, str(reports / "floor-regions"), pages, chars, 0, 1)
        region_stage.floor_seconds = floor.get("seconds")
        region_stage.render_cpu = region_stage.extra.get("cpu")
        region_stage.floor_cpu = floor.get("extra", {}).get("cpu")


def _workbook_stage(
    stages: list[StageResult], workspace: Path, wave: str, reports: Path, say: Callable[[str], None]
) -> None:
    """The HQ workbook with the Answers sheet and its xlsxwriter floor (same cells)."""
    say("HQ workbook with the Answers sheet")
    book = _record("workbook", isolated(stage_workbook, str(workspace), wave, str(reports)), "cells")
    stages.append(book)
    if not book.error:
        say("floor: xlsxwriter, same cells")
        floor = isolated(stage_floor_workbook, str(reports / "floor-book"), book.extra["sheets"])
        book.floor_seconds = floor.get("seconds")
        book.render_cpu = book.extra.get("cpu")
        book.floor_cpu = floor.get("extra", {}).get("cpu")
        book.extra["floor_peak_mb"] = floor.get("peak_mb")


def report(stages: list[StageResult], info: dict[str, Any]) -> str:
    lines = [
        f"dealer-audit benchmark: {info['dealers']} dealers, wave {info.get('wave')}, "
        f"{info.get('standards')} ({info.get('items')} items), {info['jobs']} render processes",
        f"machine: {info['machine']}",
        "",
        f"load average at start {info['load_start']}, at end {info.get('load_end')} (other work on the machine "
        "inflates wall times; CPU seconds are the whole stage process, imports and setup included)",
        "",
        f"{'stage':<12} {'wall s':>8} {'cpu s':>7} {'count':>10} {'unit':<6} {'per s':>10} {'peak MB':>8}"
        f" {'workers MB':>10} {'floor s':>8} {'ratio':>6}  target",
    ]
    for s in stages:
        if s.error:
            lines.append(f"{s.name:<12} FAILED: {s.error}")
            continue
        target = TARGETS.get(s.name)
        verdict = ""
        if target is not None:
            verdict = f"<= {target:.0f} s"
            if info["dealers"] == 3000:
                verdict += " ok" if s.seconds <= target else f" MISSED by {s.seconds / target:.1f}x"
            else:
                verdict += " at 3,000 dealers"
        if s.name in RATIO_TARGETS and s.ratio:
            verdict += f"{'; ' if verdict else ''}<= {RATIO_TARGETS[s.name]:.1f}x floor"
            verdict += " ok" if s.ratio <= RATIO_TARGETS[s.name] else " MISSED"
        floor = f"{s.floor_seconds:8.1f}" if s.floor_seconds else f"{'':>8}"
        ratio = f"{s.ratio:6.2f}" if s.ratio else f"{'':>6}"
        lines.append(
            f"{s.name:<12} {s.seconds:8.1f} {s.cpu_seconds:7.1f} {s.count:>10} {s.unit:<6} {s.throughput:10.1f}"
            f" {s.peak_mb:8.0f}"
            f" {s.children_peak_mb:10.0f} {floor} {ratio}  {verdict}"
        )
        if s.cpu_ratio:
            lines.append(
                f"{'':<12} CPU of the timed part {s.render_cpu:.1f} s, floor {s.floor_cpu:.1f} s: {s.cpu_ratio:.2f}x"
            )
        for note in s.notes:
            lines.append(f"{'':<12} {note}")
    per = next((s for s in stages if s.name == "per_dealer" and not s.error), None)
    if per:
        e = per.extra
        lines.append(
            f"per-dealer PDF vs floor on {per.count} dealers, each a worker's first, fastest of {ROUNDS} renders each "
            f"way, interleaved: in CPU time median {e['cpu_ratio_median']:.2f}x, min {e['cpu_ratio_min']:.2f}x, "
            f"max {e['cpu_ratio_max']:.2f}x (target <= {FLOOR_RATIO_TARGET:.1f}x each)"
        )
        lines.append(
            f"  in wall time: median {e['ratio_median']:.2f}x, max {e['ratio_max']:.2f}x; medians of the {ROUNDS} "
            f"renders in CPU: median {e['median_cpu_ratio_median']:.2f}x, max {e['median_cpu_ratio_max']:.2f}x"
        )
    book = next((s for s in stages if s.name == "workbook" and not s.error), None)
    if book:
        sheets = ", ".join(f"{k} {v['cells']:,}" for k, v in book.extra["sheets"].items())
        lines.append(f"workbook: {book.extra['bytes'] / 2**20:.0f} MB on disk; cells per sheet: {sheets}")
        lines.append(
            f"workbook peak memory {book.peak_mb:.0f} MB (target <= {WORKBOOK_MEMORY_TARGET_MB:.0f} MB); floor "
            f"writer {book.extra.get('floor_peak_mb', 0):.0f} MB"
        )
    lines.append(f"outputs kept in {info['dir']}" if info.get("kept") else "")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dealers", type=int, default=3000, help="network size (default 3000 = 6,000 audits)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="render processes (default: cores)")
    parser.add_argument("--sample", type=int, default=30, help="dealers rendered one by one for the per-PDF ratio")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder, removed)")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON here")
    parser.add_argument("--waves", type=int, default=1, help="waves to generate; the last is scored (default 1)")
    parser.add_argument("--visits", default="1-1", help="visits per dealer, wave and standard, MIN-MAX (default 1-1)")
    parser.add_argument("--scoring-only", action="store_true", help="stop after the scoring and intervals stages")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="only the rendering stages, on the network and workspace an earlier run left in --keep DIR",
    )
    parser.add_argument(
        "--stages",
        default=",".join(RENDER_STAGES),
        help=f"rendering stages to run, comma-separated from {', '.join(RENDER_STAGES)} (default: all)",
    )
    args = parser.parse_args()
    only = [name.strip() for name in args.stages.split(",") if name.strip()]
    if unknown := [name for name in only if name not in RENDER_STAGES]:
        parser.error(f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(RENDER_STAGES)}")
    if args.render_only and not args.keep:
        parser.error("--render-only needs --keep DIR holding an earlier run's network and workspace")
    low, _, high = args.visits.partition("-")
    visits = (int(low), int(high or low))
    stages, info = run(
        args.dealers,
        args.jobs,
        args.sample,
        args.keep,
        waves=args.waves,
        visits=visits,
        scoring_only=args.scoring_only,
        render_only=args.render_only,
        only=only,
    )
    info["kept"] = bool(args.keep)
    print(report(stages, info))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"info": info, "stages": [asdict(s) | {"ratio": s.ratio, "cpu_ratio": s.cpu_ratio} for s in stages]}
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    if not args.keep:
        import shutil

        shutil.rmtree(info["dir"], ignore_errors=True)


if __name__ == "__main__":
    main()

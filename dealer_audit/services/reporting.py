"""Rendering reports from a workspace: load and score once, build report models, render in parallel.

The flow is always the same: `prepare_wave` reads the program, standards, dealers and audits from storage and
scores the wave (and up to three earlier waves for the trend) with the pure core — the same `score_wave` the
`score` command uses — into a `WaveContext`. Every report is then `build_*_report(context...)` (pure) followed by
a renderer, so the PDF, the dealer workbook and the HQ workbook show the same figures.

Batches (`render_all`, `render_dealer_pdfs`, `render_region_pdfs`) fan out over a ProcessPoolExecutor. Workers
receive the context once (inherited at fork on Linux, pickled once per worker elsewhere), register the CJK font
once, and render chunks of dealers; one dealer's failure is recorded with its message and the others go on.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING

from dealer_audit.core.actions import Action
from dealer_audit.core.aggregate import StandardKey, WaveResult, score_wave
from dealer_audit.core.answers import Audit
from dealer_audit.core.auditors import Auditor
from dealer_audit.core.batches import chunks
from dealer_audit.core.coverage import Coverage
from dealer_audit.core.disputes import Dispute
from dealer_audit.core.incentives import Scorecard
from dealer_audit.core.kpi_report import dealer_panel, network_panel, region_panel
from dealer_audit.core.lookup import did_you_mean_hint, unknown_region
from dealer_audit.core.report_model import (
    DealerReport,
    EvidenceView,
    NetworkReport,
    RegionReport,
    build_dealer_report,
    build_network_report,
    build_region_report,
    dealer_file_stem,
    region_file_stem,
    safe_file_stem,
)
from dealer_audit.core.self_assessment import SelfAssessmentGap, wave_self_assessments
from dealer_audit.core.standard import Checklist
from dealer_audit.errors import ConfigurationError, Conflict, DealerAuditError, Message, NotFound, localized, pick
from dealer_audit.services.field_operations import coverage_from
from dealer_audit.services.insight import ensure_insight, insight_view
from dealer_audit.services.kpis import scorecard_of
from dealer_audit.services.scoring_job import load_scoring_inputs, load_wave_result
from dealer_audit.storage.media import stored_suffix
from dealer_audit.storage.workspace import Workspace

if TYPE_CHECKING:
    from dealer_audit.services.insight import WaveInsight

TREND_WAVES = 4  # the current wave and up to three before it
CHUNK = 16  # dealers per worker task: small enough for a smooth progress bar, big enough to amortise IPC

Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class WaveContext:
    """Everything the reports of one wave need, loaded and scored once (picklable for worker processes)."""

    result: WaveResult
    history: list[WaveResult]  # earlier waves, oldest first (for the trend line)
    standards: dict[StandardKey, Checklist]
    audits: dict[str, Audit]  # this wave's audits by id (answers, notes, evidence)
    evidence_dir: Path | None
    generated: str  # ISO date printed in footers
    invariant: bool = False  # reportlab invariant output (tests, golden files)
    font: str | None = None  # a CJK font for the PDFs; None: DEALER_AUDIT_CJK_FONT or a system font
    actions: tuple[Action, ...] = ()  # stored action plans (`dealer-audit actions`): region and HQ follow-up
    disputes: tuple[Dispute, ...] = ()  # this wave's disputes: reports mark disputed and overturned items
    insight: WaveInsight | None = None  # drivers and themes, filled by services.insight.ensure_insight
    self_assessments: tuple[SelfAssessmentGap, ...] = ()  # the dealers' self audits against the visits
    coverage: Coverage | None = None  # the wave's plan against its audits on the `generated` day (HQ workbook)
    scorecard: Scorecard | None = None  # measured KPIs and incentive tiers (services/kpis.py)
    seal_key: bytes | None = None  # the workspace's form key: seals the dealer workbook's Actions sheet
    auditors: tuple[Auditor, ...] = ()  # the auditor register: calibration counts one auditor spelled two ways once

    @property
    def wave(self) -> str:
        return self.result.wave

    @cached_property
    def resolve_evidence(self) -> Callable[[EvidenceView], Path | None]:
        """The wave's one evidence resolver: every report of a batch shares its one listing of the store."""
        return evidence_resolver(self.evidence_dir)

    def __getstate__(self) -> dict[str, object]:
        """What a worker process receives: the resolver (a closure) is made again there, at its first use."""
        state = dict(self.__dict__)
        state.pop("resolve_evidence", None)
        return state


@dataclass(frozen=True)
class RenderFailure:
    """What could not be rendered and why. A user's error (DealerAuditError) keeps its Chinese text, so the CLI
    prints it in the user's language; an internal error's detail stays English (README: logs and internal errors)."""

    # a dealer code (the same in both languages), or words naming what failed ("region east" / "区域 east")
    target: str | Message
    message: str
    message_zh: str = ""

    def __str__(self) -> str:
        return f"{self.target}: {self.message}"  # English: logs and the demo's summary

    def text(self, lang: str) -> str:
        """The failure in `lang` (English while the error gave no Chinese)."""
        return f"{localized(self.target, lang)}: {pick(self.message, self.message_zh, lang)}"


def render_failure(target: str | Message, error: Exception) -> RenderFailure:
    """What failed and why: a user's error (DealerAuditError) in both its languages, an internal one as its type
    and text (English)."""
    if isinstance(error, DealerAuditError):
        return RenderFailure(target, str(error), error.text("zh"))
    return RenderFailure(target, f"{type(error).__name__}: {error}")


@dataclass
class RenderOutcome:
    """What a batch wrote and what failed (each failure names its dealer/region and why)."""

    files: list[Path] = field(default_factory=list)
    failures: list[RenderFailure] = field(default_factory=list)
    seconds: float = 0.0

    def extend(self, other: RenderOutcome) -> None:
        self.files.extend(other.files)
        self.failures.extend(other.failures)


# ---------------------------------------------------------------------------------------------------------------
# loading


def _evidence_dir(workspace: Workspace) -> Path | None:
    try:
        return workspace.evidence_dir
    except ConfigurationError:  # HQ on --db alone without an evidence store: the report commands ask for one first
        return None


def prepare_wave(
    workspace: Workspace,
    wave: str,
    *,
    program_id: str | None = None,
    waves: Sequence[str] | None = None,
    generated: str | None = None,
    invariant: bool = False,
    insight: bool = False,
) -> WaveContext:
    """Load and score `wave` (plus earlier waves for the trend: `waves` if given, else the program's).

    With `insight`, also the wave's key drivers and note themes (services/insight.py), which the region PDFs and
    the HQ workbook show; a dealer's report does not need them, so `report dealer` does not pay for them.

    The one way into every report of the wave: each renderer below takes only the returned context, so a batch,
    a single dealer and the web's downloads score the wave once and cannot disagree."""
    repo = workspace.repo
    program, standards, dealers, audits, previous_audits = load_scoring_inputs(repo, wave, program_id)
    previous = program.previous_wave(wave)
    loaded: dict[str, list[Audit]] = {wave: audits, **({previous.code: previous_audits} if previous else {})}

    def audits_of(code: str) -> list[Audit]:
        """Each wave is read from storage once, however many trend points and deltas use it."""
        if code not in loaded:
            loaded[code] = repo.list_audits(wave=code)
        return loaded[code]

    result = score_wave(program, standards, dealers, audits, wave, previous_audits)
    order = list(waves) if waves else [w.code for w in program.waves]
    if wave not in order:
        order.append(wave)
    earlier_scored: dict[str, WaveResult | None] = {}

    def scored(code: str) -> WaveResult | None:
        """An earlier wave's result, scored once whether the trend or the streak asks (None: no audits)."""
        if code not in earlier_scored:
            if not audits_of(code):
                earlier_scored[code] = None
            elif result.previous is not None and result.previous.wave == code:
                earlier_scored[code] = result.previous
            else:
                prior = program.previous_wave(code)
                previous_of = audits_of(prior.code) if prior else []
                earlier_scored[code] = score_wave(program, standards, dealers, audits_of(code), code, previous_of)
        return earlier_scored[code]

    trend = order[: order.index(wave)][-(TREND_WAVES - 1) :]
    history = [r for r in map(scored, trend) if r is not None]
    context = WaveContext(
        result=result,
        history=history,
        standards=standards,
        audits={a.audit_id: a for a in audits},
        evidence_dir=_evidence_dir(workspace),
        generated=generated or date.today().isoformat(),
        invariant=invariant,
        actions=tuple(repo.list_actions()),
        disputes=tuple(repo.list_disputes(wave=wave)),
        self_assessments=wave_self_assessments(standards, dealers, audits, wave).gaps,
        coverage=coverage_from(repo, wave, dealers, audits, date.fromisoformat(generated) if generated else None),
        scorecard=scorecard_of(repo, result, scored),  # the streak counts back over all earlier waves
        seal_key=_seal_key(workspace),
        auditors=tuple(repo.list_auditors()),
    )
    return ensure_insight(workspace, context) if insight else context


def _seal_key(workspace: Workspace) -> bytes | None:
    """The form key when there is one (a workspace folder or $DEALER_AUDIT_FORM_KEY); without it the dealer
    workbook has no Actions sheet to return, since an unsealed one could not be imported."""
    try:
        return workspace.form_key
    except ConfigurationError:
        return None


def other_waves(workspace: Workspace, context: WaveContext, waves: Sequence[str]) -> list[WaveResult]:
    """The scored results of further `waves` shown beside the context's wave in the HQ workbook: taken from the
    context's trend history when scored there already, else loaded and scored alone (same program; none of the
    context's other parts is needed for a column of composites)."""
    kept = {result.wave: result for result in context.history}
    return [
        kept.get(code) or load_wave_result(workspace.repo, code, context.result.program.id)
        for code in waves
        if code != context.wave
    ]


def evidence_resolver(evidence_dir: Path | None) -> Callable[[EvidenceView], Path | None]:
    """Find an evidence file in the workspace store: by sha256 (how the store names files), else by file name.

    The store's own name for it (sha256 and the stored suffix, `storage.media.stored_suffix`) is tried first:
    one look-up. A file stored under another suffix is found in a listing of the store made once, at the first
    such miss, and kept for the resolver's life: a report batch asks for every photo of thousands of reports,
    and searching the store (thousands of photos) for each missing one made the batch quadratic."""
    others: dict[str, Path] | None = None  # sha256 -> the store's first file (by name) whose name starts with it

    def stored_elsewhere(digest: str) -> Path | None:
        nonlocal others
        if others is None and evidence_dir is not None:
            listing: dict[str, Path] = {}  # built whole, then published: the web app's threads share the resolver
            for candidate in sorted(evidence_dir.iterdir()):
                digest_part = candidate.name[:64]
                if len(digest_part) == 64 and digest_part not in listing and candidate.is_file():
                    listing[digest_part] = candidate
            others = listing
        return (others or {}).get(digest)

    def resolve(ev: EvidenceView) -> Path | None:
        if evidence_dir is None or not evidence_dir.is_dir():
            return None
        if ev.sha256 and all(c in "0123456789abcdef" for c in ev.sha256):
            stored = evidence_dir / f"{ev.sha256}{stored_suffix(ev.file_name)}"
            if stored.is_file():
                return stored
            found = stored_elsewhere(ev.sha256) if len(ev.sha256) == 64 else None
            if found is not None:
                return found
        by_name = evidence_dir / Path(ev.file_name).name
        return by_name if ev.file_name and by_name.is_file() else None

    return resolve


# ---------------------------------------------------------------------------------------------------------------
# single reports


def dealer_report(context: WaveContext, dealer_code: str, lang: str = "zh") -> DealerReport:
    report = build_dealer_report(
        context.result,
        dealer_code,
        context.standards,
        context.audits,
        lang=lang,
        generated=context.generated,
        history=context.history,
        stored_actions=context.actions,
        stored_disputes=context.disputes,
        self_assessments=context.self_assessments,
    )
    return replace(report, kpis=dealer_panel(context.scorecard, dealer_code, lang))


def region_report(context: WaveContext, region_code: str, lang: str = "zh") -> RegionReport:
    report = build_region_report(
        context.result,
        region_code,
        context.standards,
        lang=lang,
        generated=context.generated,
        stored_actions=context.actions,
        self_assessments=context.self_assessments,
    )
    return replace(
        report,
        kpis=region_panel(context.scorecard, region_code, lang),
        insight=insight_view(context, lang, region_code),
    )


def network_report(context: WaveContext, lang: str = "en", others: Sequence[WaveResult] = ()) -> NetworkReport:
    report = build_network_report(
        context.result,
        context.standards,
        context.audits,
        lang=lang,
        generated=context.generated,
        others=others,
        stored_actions=context.actions,
        stored_disputes=context.disputes,
        self_assessments=context.self_assessments,
        coverage=context.coverage,
    )
    return replace(report, kpis=network_panel(context.scorecard, lang), insight=insight_view(context, lang))


def dealer_paths(out_dir: Path, report: DealerReport) -> tuple[Path, Path]:
    return _dealer_paths(out_dir, report.dealer.code, report.wave, report.lang)


def _dealer_paths(out_dir: Path, code: str, wave: str, lang: str) -> tuple[Path, Path]:
    folder = out_dir / safe_file_stem(wave) / "dealers"
    stem = dealer_file_stem(code, wave, lang)
    return folder / f"{stem}.pdf", folder / f"{stem}.xlsx"


def region_path(out_dir: Path, report: RegionReport) -> Path:
    return _region_path(out_dir, report.region_code, report.wave, report.lang)


def _region_path(out_dir: Path, code: str, wave: str, lang: str) -> Path:
    return out_dir / safe_file_stem(wave) / "regions" / f"{region_file_stem(code, wave, lang)}.pdf"


def check_distinct_targets(
    out_dir: Path, wave: str, lang: str, dealers: Sequence[str] = (), regions: Sequence[str] = ()
) -> None:
    """Refuse a run in which two reports would be written to one file (Conflict, before anything is rendered).

    Codes are checked against a safe alphabet on import, but a database may hold codes imported before that
    check, or from another tool; file names are compared case-insensitively because Windows and macOS do."""
    seen: dict[str, Message] = {}
    clashes: list[Message] = []
    targets = [
        (Message(f"dealer {code}", f"经销商 {code}"), _dealer_paths(out_dir, code, wave, lang)[0]) for code in dealers
    ]
    targets += [
        (Message(f"region {code}", f"区域 {code}"), _region_path(out_dir, code, wave, lang)) for code in regions
    ]
    for label, path in targets:
        key = str(path).casefold()
        if key in seen:
            first = seen[key]
            clashes.append(
                Message(
                    f"{first.en} and {label.en} would both be written to {path.name}",
                    f"{first.zh} 和 {label.zh} 的报告都会写入 {path.name}",
                )
            )
        else:
            seen[key] = label
    if clashes:
        raise Conflict(
            "reports not written: " + "; ".join(c.en for c in clashes) + ". Codes should use only ASCII letters, "
            "digits, '-', '_' and '.'; rename one code (dealer-audit dealers import)",
            zh="报告文件名冲突，未生成报告：" + "；".join(c.zh for c in clashes) + "。代码只应使用 ASCII 字母、数字、"
            "“-”、“_”和“.”；请修改其中一个代码（dealer-audit dealers import）",
        )


def _write_dealer(
    context: WaveContext, code: str, out_dir: Path, lang: str, xlsx: bool, pdf: bool = True
) -> list[Path]:
    report = dealer_report(context, code, lang)
    pdf_path, xlsx_path = dealer_paths(out_dir, report)
    return _write_dealer_files(context, report, pdf_path if pdf else None, xlsx_path if xlsx else None)


def _write_dealer_files(
    context: WaveContext, report: DealerReport, pdf_path: Path | None, xlsx_path: Path | None
) -> list[Path]:
    """Render a dealer's PDF and/or workbook (each when its path is given): the one place both the batch and a
    single-dealer command produce the files, so they cannot come out differently."""
    written = []
    if pdf_path is not None:
        from dealer_audit.render.pdf.dealer import render_dealer_pdf as render

        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        render(
            report,
            pdf_path,
            resolver=context.resolve_evidence,
            invariant=context.invariant,
            font=context.font,
        )
        written.append(pdf_path)
    if xlsx_path is not None:
        from dealer_audit.render.xlsx.dealer import write_dealer_workbook

        xlsx_path.parent.mkdir(parents=True, exist_ok=True)
        written.append(write_dealer_workbook(report, xlsx_path, context.seal_key))
    return written


def render_dealer_pdf(
    ctx: WaveContext, dealer_code: str, target: Path | None = None, *, lang: str = "zh", xlsx: bool = False
) -> list[Path]:
    """One dealer's PDF (and workbook): to `target` when given, else under reports/<wave>/dealers/."""
    check_dealer(ctx, dealer_code)
    if target is None or target.is_dir() or target.suffix.lower() not in (".pdf", ".xlsx"):
        return _write_dealer(ctx, dealer_code, target or Path("reports"), lang, xlsx)
    suffix = target.suffix.lower()
    return _write_dealer_files(
        ctx,
        dealer_report(ctx, dealer_code, lang),
        target if suffix == ".pdf" else None,
        target.with_suffix(".xlsx") if xlsx or suffix == ".xlsx" else None,
    )


def render_region_pdf(ctx: WaveContext, region_code: str, target: Path | None = None, *, lang: str = "zh") -> Path:
    """One region's PDF: to `target` when it names a .pdf, else under reports/<wave>/regions/."""
    from dealer_audit.render.pdf.region import render_region_pdf as render

    report = region_report(ctx, region_code, lang)
    if target is None or target.is_dir() or target.suffix.lower() != ".pdf":
        target = region_path(target or Path("reports"), report)
    target.parent.mkdir(parents=True, exist_ok=True)
    render(report, target, invariant=ctx.invariant, font=ctx.font)
    return target


def write_network_workbook(
    ctx: WaveContext,
    target: Path,
    *,
    others: Sequence[WaveResult] = (),
    lang: str = "en",
    progress: Callable[[str | Message], None] | None = None,
) -> Path:
    """The HQ workbook of the context's wave; `others` (see `other_waves`) add their composite per dealer beside
    this wave's. Its Calibration sheet analyses this wave's shared evidence (docs/calibration.md), reusing the
    wave's scores. `progress` hears the phase as it starts (the report model, then each sheet), for a long write's
    status line."""
    from dealer_audit.core.auditor_lookup import AuditorRegister, same_auditor_spelling
    from dealer_audit.core.calibration import calibrate
    from dealer_audit.render.xlsx.network import write_network_workbook as write
    from dealer_audit.services.blas import one_blas_thread

    say = progress or (lambda _phase: None)
    say(Message("calibration", "稽核员校准"))
    with one_blas_thread():
        calibration = calibrate(
            ctx.standards,
            [d.dealer for d in ctx.result.dealers],
            same_auditor_spelling(list(ctx.audits.values()), AuditorRegister(ctx.auditors)),
            ctx.wave,
            scores={s.audit_id: s for s in ctx.result.audit_scores},
        )
    say(Message("report model", "报告模型"))
    return write(network_report(ctx, lang, others), target, progress=say, calibration=calibration, lang=lang)


def check_dealer(context: WaveContext, dealer_code: str) -> None:
    """NotFound (with close matches) unless the dealer is in the scored wave."""
    if context.result.dealer(dealer_code) is None:
        unknown = _unknown_dealer(context, dealer_code)
        raise NotFound(unknown.en, zh=unknown.zh)


def _unknown_dealer(ctx: WaveContext, code: str) -> Message:
    codes = [d.code for d in ctx.result.dealers]
    hint = did_you_mean_hint(code, codes)
    return Message(
        f"no dealer {code} in wave {ctx.wave}" + (f"; {hint.en}" if hint.en else ""),
        f"稽核批次 {ctx.wave} 中没有经销商 {code}" + (f"；{hint.zh}" if hint.zh else ""),
    )


# ---------------------------------------------------------------------------------------------------------------
# batches

_WORKER: dict[str, WaveContext] = {}


def _init_worker(context: WaveContext) -> None:
    _WORKER["context"] = context
    from dealer_audit.render.pdf.styles import styles

    styles(context.font)  # register the font and build styles once per process


def _dealer_chunk(codes: Sequence[str], out_dir: Path, lang: str, xlsx: bool) -> RenderOutcome:
    context: WaveContext = _WORKER["context"]
    outcome = RenderOutcome()
    for code in codes:
        try:
            outcome.files.extend(_write_dealer(context, code, out_dir, lang, xlsx))
        except Exception as error:
            outcome.failures.append(render_failure(code, error))
    return outcome


def _region_chunk(codes: Sequence[str], out_dir: Path, lang: str) -> RenderOutcome:
    from dealer_audit.render.pdf.region import render_region_pdf as render

    context: WaveContext = _WORKER["context"]
    outcome = RenderOutcome()
    for code in codes:
        try:
            report = region_report(context, code, lang)
            path = region_path(out_dir, report)
            path.parent.mkdir(parents=True, exist_ok=True)
            render(report, path, invariant=context.invariant, font=context.font)
            outcome.files.append(path)
        except Exception as error:
            outcome.failures.append(render_failure(Message(f"region {code}", f"区域 {code}"), error))
    return outcome


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def _mp_context() -> BaseContext:
    # fork shares the scored wave with workers without pickling it (Linux); elsewhere the platform default
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


Task = tuple[Callable[..., RenderOutcome], tuple[object, ...], int]  # (chunk function, its arguments, dealers in it)


def _run_chunks(
    context: WaveContext,
    tasks: list[Task],
    jobs: int,
    progress: Progress | None,
    total: int,
) -> RenderOutcome:
    """Run (function, args, size) tasks in `jobs` processes (in this process when jobs == 1)."""
    outcome = RenderOutcome()
    done = 0
    if progress:
        progress(0, total)
    if jobs <= 1 or len(tasks) <= 1:
        _init_worker(context)
        for fn, args, size in tasks:
            outcome.extend(fn(*args))
            done += size
            if progress:
                progress(done, total)
        return outcome
    # The font parsed and the styles built here, once, not in every worker (~0.3 s CPU each): the workers
    # inherit them at fork, as they inherit the wave (a dealer batch has done it already, warming its caches).
    from dealer_audit.render.pdf.styles import styles

    styles(context.font)
    # The scored wave is millions of objects shared with forked workers copy-on-write; freezing them keeps the
    # workers' garbage collector from touching (and so copying) those pages. No gc.collect() first: on a scored
    # wave it costs seconds, and the gc module's own advice for fork is freeze without collecting.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=_mp_context(), initializer=_init_worker, initargs=(context,)
        ) as pool:
            futures = {pool.submit(fn, *args): size for fn, args, size in tasks}
            for future in as_completed(futures):
                try:
                    outcome.extend(future.result())
                except Exception as error:
                    outcome.failures.append(render_failure(Message("batch", "批量生成"), error))
                done += futures[future]
                if progress:
                    progress(done, total)
    finally:
        gc.unfreeze()
    return outcome


def _dealer_tasks(codes: Sequence[str], out_dir: Path, lang: str, xlsx: bool) -> list[Task]:
    return [(_dealer_chunk, (list(chunk), out_dir, lang, xlsx), len(chunk)) for chunk in chunks(codes, CHUNK)]


def _region_tasks(codes: Sequence[str], out_dir: Path, lang: str) -> list[Task]:
    return [(_region_chunk, ([code], out_dir, lang), 1) for code in codes]


def _warm_before_fork(ctx: WaveContext, codes: Sequence[str], lang: str, jobs: int) -> None:
    """Fill the dealer-PDF render caches once in this process before a batch forks its workers, so no worker's
    first PDF pays for them (docs/performance.md); not worth it for one process or one chunk."""
    if jobs > 1 and len(codes) > CHUNK:
        from dealer_audit.render.pdf.warm import warm_dealer_pdfs

        reports = (dealer_report(ctx, code, lang) for code in codes)
        warm_dealer_pdfs(reports, resolver=ctx.resolve_evidence, font=ctx.font)


def render_dealer_pdfs(
    ctx: WaveContext,
    out_dir: Path,
    *,
    lang: str = "zh",
    xlsx: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    dealers: Sequence[str] | None = None,
) -> RenderOutcome:
    """Every dealer's PDF (or those of `dealers`), in parallel; failures are collected, never raised."""
    codes = list(dealers) if dealers is not None else [d.code for d in ctx.result.dealers]
    check_distinct_targets(out_dir, ctx.wave, lang, dealers=codes)
    started = time.perf_counter()
    _warm_before_fork(ctx, codes, lang, jobs or default_jobs())
    outcome = _run_chunks(ctx, _dealer_tasks(codes, out_dir, lang, xlsx), jobs or default_jobs(), progress, len(codes))
    outcome.seconds = time.perf_counter() - started
    return outcome


def render_region_pdfs(
    ctx: WaveContext,
    out_dir: Path,
    *,
    lang: str = "zh",
    jobs: int | None = None,
    progress: Progress | None = None,
) -> RenderOutcome:
    """Every region's PDF, in parallel; failures are collected, never raised."""
    codes = [r.code for r in ctx.result.regions if r.dealer_codes]
    check_distinct_targets(out_dir, ctx.wave, lang, regions=codes)
    started = time.perf_counter()
    outcome = _run_chunks(ctx, _region_tasks(codes, out_dir, lang), jobs or default_jobs(), progress, len(codes))
    outcome.seconds = time.perf_counter() - started
    return outcome


def network_workbook_path(out_dir: Path, wave: str) -> Path:
    """Where `render_all` puts the HQ workbook: reports/<wave>/network_<wave>.xlsx."""
    return out_dir / safe_file_stem(wave) / f"network_{safe_file_stem(wave)}.xlsx"


def write_network_workbook_outcome(
    context: WaveContext,
    target: Path,
    *,
    lang: str = "en",
    progress: Callable[[str | Message], None] | None = None,
) -> RenderOutcome:
    """The HQ workbook as one more item of a batch: written (in `files`) or a failure naming it, never raised."""
    outcome = RenderOutcome()
    try:
        outcome.files.append(write_network_workbook(context, target, lang=lang, progress=progress))
    except Exception as error:
        outcome.failures.append(render_failure(Message(f"network workbook {target}", f"总部汇总表 {target}"), error))
    return outcome


def select_dealers(
    context: WaveContext, regions: Sequence[str] = (), dealers: Sequence[str] = ()
) -> tuple[list[str], list[str]]:
    """(dealer codes, region codes) a filtered batch renders: the dealers of `regions` plus `dealers`, in ranking
    order, and the PDFs of `regions`. Unknown codes raise NotFound with close matches (all of them at once)."""
    result = context.result
    known_regions = {r.code: r for r in result.regions}
    known_dealers = {d.dealer.code for d in result.dealers}
    problems: list[Message] = []
    for code in regions:
        if code not in known_regions:
            problems.append(unknown_region(code, context.wave, known_regions))
    problems += [_unknown_dealer(context, code) for code in dealers if code not in known_dealers]
    if problems:
        raise NotFound("; ".join(p.en for p in problems), zh="；".join(p.zh for p in problems))
    wanted_regions, wanted_dealers = set(regions), set(dealers)
    codes = [
        d.dealer.code for d in result.dealers if d.dealer.region in wanted_regions or d.dealer.code in wanted_dealers
    ]
    return codes, [code for code in known_regions if code in wanted_regions and known_regions[code].dealer_codes]


def render_all(
    ctx: WaveContext,
    out_dir: Path,
    *,
    lang: str = "zh",
    xlsx: bool = False,
    jobs: int | None = None,
    network: bool = True,
    progress: Progress | None = None,
    regions: Sequence[str] = (),
    dealers: Sequence[str] = (),
) -> RenderOutcome:
    """Every dealer's PDF (and workbook with `xlsx`), every region's PDF and (with `network`) the HQ workbook.

    With `regions` and/or `dealers`, only the dealers of those regions plus the listed dealers, and the PDFs of
    those regions (a regional manager's batch); the HQ workbook covers the whole network, so a filtered batch
    never writes it. Dealers and regions share one process pool and one progress count; failures are collected,
    never raised (unknown codes are: NotFound, before anything is written).
    """
    started = time.perf_counter()
    filtered = bool(regions or dealers)
    if filtered:
        dealer_codes, region_codes = select_dealers(ctx, regions, dealers)
    else:
        dealer_codes = [d.code for d in ctx.result.dealers]
        region_codes = [r.code for r in ctx.result.regions if r.dealer_codes]
    check_distinct_targets(out_dir, ctx.wave, lang, dealers=dealer_codes, regions=region_codes)
    tasks = _dealer_tasks(dealer_codes, out_dir, lang, xlsx) + _region_tasks(region_codes, out_dir, lang)
    total = len(dealer_codes) + len(region_codes)
    _warm_before_fork(ctx, dealer_codes, lang, jobs or default_jobs())
    outcome = _run_chunks(ctx, tasks, jobs or default_jobs(), progress, total)
    if network and not filtered:
        outcome.extend(write_network_workbook_outcome(ctx, network_workbook_path(out_dir, ctx.wave), lang=lang))
    outcome.seconds = time.perf_counter() - started
    return outcome


__all__ = [
    "RenderFailure",
    "RenderOutcome",
    "WaveContext",
    "check_dealer",
    "check_distinct_targets",
    "dealer_report",
    "evidence_resolver",
    "network_report",
    "network_workbook_path",
    "other_waves",
    "prepare_wave",
    "region_report",
    "render_all",
    "render_dealer_pdf",
    "render_dealer_pdfs",
    "render_region_pdf",
    "render_region_pdfs",
    "select_dealers",
    "write_network_workbook",
    "write_network_workbook_outcome",
]

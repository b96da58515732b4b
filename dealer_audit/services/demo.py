"""The main job in one command: a fresh workspace, the shipped standards, the sample network, scores and reports.

Why a service of its own: `dealer-audit demo` is what a newcomer runs first on a fresh clone, so it must work
end to end with nothing set up, and re-running it must give the same result (the demo workspace is recreated
each time). It chains the same library calls the individual commands use — load standards, load dealers,
import audits, score each wave, render every report — so the demo proves the real path, not a shortcut.

Each step is a `Stage` in the returned summary. A step that fails with a user-facing error is reported as
*failed* with its message, and the steps that need it are *skipped*.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dealer_audit.core.aggregate import DealerResult
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import Checklist, LocalText, Program
from dealer_audit.errors import ConfigurationError, Conflict, DealerAuditError, Message
from dealer_audit.formats.dealers import read_dealers
from dealer_audit.formats.standards import load_checklists_dir
from dealer_audit.services.importing import import_paths, load_standards_into
from dealer_audit.services.kpis import import_sample_kpis
from dealer_audit.services.reporting import RenderFailure, RenderOutcome, WaveContext, prepare_wave, render_all
from dealer_audit.storage.workspace import Workspace

SHIPPED_DATA = Path(__file__).resolve().parents[1] / "data"  # package data: in a clone, a wheel and an sdist alike
DEMO_WORKSPACE = "demo-workspace"
SETTINGS_FILE = "dealer-audit.toml"
WAVE_FOLDERS = ("2026-Q3", "2026-Q4")
AUDITORS_FILE = "auditors.csv"  # the sample network's auditor register

Progress = Callable[[Message], None]  # hears each stage as it starts (its label)


class StageStatus:
    DONE = "done"
    SKIPPED = "skipped"  # an earlier stage it depends on did not run
    FAILED = "failed"  # ran and raised a user-facing error


STATUS_LABELS = {
    StageStatus.DONE: Message("done", "完成"),
    StageStatus.SKIPPED: Message("skipped", "跳过"),
    StageStatus.FAILED: Message("failed", "失败"),
}
STAGE_LABELS = {  # the stages' names as the summary shows them (the names themselves are the stages' keys)
    "workspace": Message("workspace", "工作区"),
    "standards": Message("standards", "稽核标准"),
    "dealers": Message("dealers", "经销商"),
    "auditors": Message("auditors", "稽核员"),
    "signed bundle": Message("signed bundle", "签名数据包"),
    "import": Message("import", "导入稽核"),
    "kpis": Message("kpis", "KPI"),
    "actions and disputes": Message("actions and disputes", "整改项与申诉"),
    "scoring": Message("scoring", "计分"),
    "reports": Message("reports", "生成报告"),
}


@dataclass
class Stage:
    name: str  # the stage's key (`DemoSummary.stage`, what later stages need); `label` is what a reader sees
    status: str = StageStatus.SKIPPED
    detail: Message = field(default_factory=lambda: Message("", ""))
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == StageStatus.DONE

    @property
    def label(self) -> Message:
        return STAGE_LABELS.get(self.name) or Message(self.name, self.name)  # a stage without a label: its key

    @property
    def status_label(self) -> Message:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class RankedDealer:
    """One line of the summary table (the last wave's network ranking)."""

    rank: int | None
    code: str
    name: LocalText
    region: str
    composite: float | None  # program scale
    band: LocalText | None
    delta: float | None  # vs the previous wave, program scale
    alerts: int


@dataclass
class DemoSummary:
    out_dir: Path
    workspace_dir: Path
    stages: list[Stage] = field(default_factory=list)
    waves: list[str] = field(default_factory=list)
    standards: list[str] = field(default_factory=list)
    dealers: int = 0
    audits_imported: int = 0
    audits_refused: int = 0
    import_warnings: int = 0
    ranking: list[RankedDealer] = field(default_factory=list)
    scale: int = 100
    alerts: int = 0
    dealer_pdfs: list[Path] = field(default_factory=list)
    region_pdfs: list[Path] = field(default_factory=list)
    workbooks: list[Path] = field(default_factory=list)
    render_failures: list[RenderFailure] = field(default_factory=list)
    loop: Message | None = None  # what the actions-and-disputes stage did (services/demo_loop.py)

    @property
    def ok(self) -> bool:
        return all(stage.ok for stage in self.stages)

    def stage(self, name: str) -> Stage | None:
        return next((s for s in self.stages if s.name == name), None)


def project_dir(name: str, given: Path | None = None) -> Path:
    """A shipped folder (checklists/, sample_audits/), or the folder the user gave instead.

    The shipped folders are package data (dealer_audit/data/), so a wheel installed with pip has them; the
    repository's top-level checklists/ and sample_audits/ are symlinks to the same files (docs/standards-shipped.md).
    """
    if given is not None:
        if not given.is_dir():
            raise ConfigurationError(f"{given}: no such folder", zh=f"{given}：文件夹不存在")
        return given
    shipped = SHIPPED_DATA / name
    if not shipped.is_dir():
        raise ConfigurationError(
            f"the shipped {name}/ folder is missing from the installed package ({shipped})",
            zh=f"安装包中缺少随附的 {name}/ 文件夹（{shipped}）",
        )
    return shipped


def fresh_workspace_dir(path: Path) -> None:
    """Remove a previous demo workspace so the demo starts clean — but never a folder that is something else."""
    if not path.exists():
        return
    if not path.is_dir():
        raise Conflict(
            f"{path} exists and is not a folder; choose another demo workspace",
            zh=f"{path} 已存在且不是文件夹；请另选演示工作区",
        )
    if not (path / SETTINGS_FILE).is_file() and any(path.iterdir()):
        raise Conflict(
            f"{path} is not empty and not a dealer-audit workspace; refusing to delete it",
            zh=f"{path} 不是空文件夹，也不是 dealer-audit 工作区；不会删除它",
        )
    shutil.rmtree(path)


@dataclass
class _DemoState:
    """What one stage hands the next; a stage runs only when the stages it needs are in `done`."""

    done: set[str] = field(default_factory=set)
    workspace: Workspace | None = None
    program: Program | None = None
    context: WaveContext | None = None

    @property
    def ws(self) -> Workspace:
        assert self.workspace is not None, "stage ran before the workspace stage"
        return self.workspace

    @property
    def the_program(self) -> Program:
        assert self.program is not None, "stage ran before the standards stage"
        return self.program


def run_demo(
    out_dir: Path = Path("reports"),
    workspace_dir: Path | None = None,
    *,
    checklists_dir: Path | None = None,
    samples_dir: Path | None = None,
    lang: str = "zh",
    jobs: int | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Run the whole main job on the sample network and return what happened, stage by stage.

    `workspace_dir` defaults to `out_dir/demo-workspace` (recreated on every run, so running twice works);
    reports go to `out_dir`. `jobs` caps the parallel renderers (default: every core).
    """
    out_dir = Path(out_dir).resolve()
    workspace_dir = Path(workspace_dir or out_dir / DEMO_WORKSPACE).resolve()
    checklists = project_dir("checklists", checklists_dir)
    samples = project_dir("sample_audits", samples_dir)
    fresh_workspace_dir(workspace_dir)  # refuses (Conflict) before anything runs if the folder is not ours
    summary = DemoSummary(out_dir, workspace_dir)
    say = progress or (lambda _message: None)
    state = _DemoState()

    def stage(name: str, needs: Sequence[str], work: Callable[[], Message]) -> None:
        record = Stage(name)
        summary.stages.append(record)
        missing = [Stage(n).label for n in needs if n not in state.done]
        if missing:
            record.detail = Message(
                "needs: " + ", ".join(m.en for m in missing), "需要先完成：" + "、".join(m.zh for m in missing)
            )
            return
        say(record.label)
        started = time.perf_counter()
        try:
            record.detail = work()
            record.status = StageStatus.DONE
            state.done.add(name)
        except DealerAuditError as error:
            record.status = StageStatus.FAILED
            record.detail = Message(str(error).splitlines()[0], error.text("zh").splitlines()[0])
        record.seconds = time.perf_counter() - started

    def workspace() -> Message:
        out_dir.mkdir(parents=True, exist_ok=True)
        state.workspace = Workspace.init(workspace_dir, language=lang)
        return Message("fresh SQLite workspace", "新建 SQLite 工作区")

    def standards() -> Message:
        loaded_standards, program = load_checklists_dir(checklists)
        if program is None:
            raise ConfigurationError(
                f"{checklists}: no program file (the waves, regions and composite index)",
                zh=f"{checklists}：没有稽核方案文件（定义批次、区域和综合指数）",
            )
        load_standards_into(state.ws.repo, [checklists])
        state.program = program
        summary.standards = [f"{c.id} {c.version}" for c in loaded_standards]
        summary.scale = program.scale
        return Message(
            f"{len(loaded_standards)} standards, program {program.id}",
            f"{len(loaded_standards)} 个稽核标准，稽核方案 {program.id}",
        )

    def dealers() -> Message:
        program = state.the_program
        dealer_list: list[Dealer] = read_dealers(samples / "dealers.csv", {r.code for r in program.regions})
        state.ws.repo.save_dealers(dealer_list)
        summary.dealers = len(dealer_list)
        return Message(f"{len(dealer_list)} dealers", f"{len(dealer_list)} 家经销商")

    def auditors() -> Message:  # issue 16: the sample's auditor register, which its audits name by name
        from dealer_audit.services.field_operations import import_auditors

        count = import_auditors(state.ws.repo, samples / AUDITORS_FILE)
        return Message(f"{count} auditors", f"{count} 名稽核员")

    def signed_bundle() -> Message:  # issue 16: an auditor's wave travels signed from a laptop (demo_signing.py)
        from dealer_audit.services.demo_signing import run_signed_bundle

        return run_signed_bundle(state.ws, checklists, samples / WAVE_FOLDERS[-1])

    def audits() -> Message:
        folders = [samples / wave for wave in WAVE_FOLDERS if (samples / wave).is_dir()]
        result = import_paths(state.ws, folders)
        summary.audits_imported = result.imported + result.unchanged + result.replaced
        summary.audits_refused = len(result.refused)
        summary.import_warnings = sum(len(f.warnings) for f in result.files)
        if result.refused:
            first = result.refused[0]
            raise Conflict(
                f"{len(result.refused)} audit file(s) refused, e.g. {first.path}: {first.reason}",
                zh=f"有 {len(result.refused)} 个稽核文件被拒绝，例如 {first.path}：{first.reason_text('zh')}",
            )
        names = ", ".join(f.name for f in folders)
        return Message(f"{summary.audits_imported} audits ({names})", f"{summary.audits_imported} 条稽核（{names}）")

    def loop() -> Message:
        # Actions and a dispute on the sample network, before scoring, so every report shows the loop
        from dealer_audit.services.demo_loop import run_loop

        program = state.the_program
        waves = [w.code for w in program.waves if w.code in set(WAVE_FOLDERS)]
        if len(waves) < 2:
            return Message("needs two waves", "需要两个批次")
        story = run_loop(state.ws.repo, program, waves)
        summary.loop = story.text()
        return summary.loop

    def scoring() -> Message:
        # Scored once, as the reports need it (the last wave plus the earlier ones for trends); the reports stage
        # renders from this context instead of loading and scoring the waves again.
        program = state.the_program
        audited = {w.code for w in program.waves} & set(WAVE_FOLDERS)
        waves = [w.code for w in program.waves if w.code in audited]
        context = prepare_wave(state.ws, waves[-1], program_id=program.id, waves=waves, insight=True)
        state.context = context
        summary.waves = waves
        last = context.result
        summary.ranking = [_ranked(d) for d in last.dealers]
        summary.alerts = len(last.alerts)
        listed = ", ".join(waves)
        alerts = len(last.alerts)
        return Message(f"{listed}; {alerts} alerts in {waves[-1]}", f"{listed}；{waves[-1]} 共 {alerts} 条预警")

    def reports() -> Message:
        assert state.context is not None  # the stage runs only after "scoring"
        outcome = render_all(state.context, out_dir, lang=lang, jobs=jobs)
        _collect_outputs(summary, outcome)
        dealers, regions, workbooks = len(summary.dealer_pdfs), len(summary.region_pdfs), len(summary.workbooks)
        detail = Message(
            f"{dealers} dealer PDFs, {regions} regional PDFs, {workbooks} workbook(s)",
            f"{dealers} 份经销商 PDF，{regions} 份区域 PDF，{workbooks} 个工作簿",
        )
        if summary.render_failures:
            failed = len(summary.render_failures)
            raise Conflict(
                f"{detail.en}; {failed} failed: {summary.render_failures[0].text('en')}",
                zh=f"{detail.zh}；{failed} 个生成失败：{summary.render_failures[0].text('zh')}",
            )
        return detail

    try:
        stage("workspace", [], workspace)
        stage("standards", ["workspace"], standards)
        stage("dealers", ["standards"], dealers)
        stage("auditors", ["dealers"], auditors)
        stage("signed bundle", ["auditors"], signed_bundle)
        stage("import", ["dealers"], audits)
        stage("kpis", ["import"], lambda: import_sample_kpis(state.ws.repo, samples))  # services/kpis.py
        stage("actions and disputes", ["import"], loop)
        stage("scoring", ["import"], scoring)
        stage("reports", ["scoring"], reports)
    finally:
        if state.workspace is not None:
            state.workspace.close()
    return summary


def _ranked(dealer: DealerResult) -> RankedDealer:
    """A DealerResult (core/aggregate.py) reduced to what the summary table shows."""
    band = dealer.band
    return RankedDealer(
        rank=dealer.rank.network,
        code=dealer.dealer.code,
        name=dealer.dealer.name,
        region=dealer.dealer.region,
        composite=dealer.composite,
        band=band.label if band else None,
        delta=dealer.delta.change,
        alerts=len(dealer.alerts),
    )


def _collect_outputs(summary: DemoSummary, outcome: RenderOutcome) -> None:
    """Sort what the renderer wrote into dealer PDFs, regional PDFs and workbooks (failures kept as text)."""
    summary.render_failures = list(outcome.failures)
    for path in outcome.files:
        if path.suffix == ".xlsx":
            summary.workbooks.append(path)
        elif {"region", "regions"} & set(path.parts) or path.name.startswith("region"):
            summary.region_pdfs.append(path)
        elif path.suffix == ".pdf":
            summary.dealer_pdfs.append(path)


def standards_summary(standards: Sequence[Checklist]) -> str:
    return ", ".join(f"{s.id} {s.version}" for s in standards)

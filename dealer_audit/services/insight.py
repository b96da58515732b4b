"""HQ insight on a stored wave: key drivers of an outcome and themes in the auditor notes.

The library calls behind `dealer-audit insight drivers|themes` and the report sections (region PDF "关键体验点 /
Key experience points" and themes; the HQ workbook's Key drivers and Themes sheets). The statistics are pure
(core/key_drivers.py, core/driver_inputs.py, core/themes.py); this module reads storage and chooses the outcome.

**Outcomes.** An outcome is a plain `dealer code → number` mapping for one wave: the composite index
(`composite`, the default) or any KPI the program defines (`nps`, `csi`…), read from the KPI store
(services/kpis.kpi_values). `outcome_values` is the one place that maps an outcome name to its values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from dealer_audit.core.aggregate import StandardKey, WaveResult
from dealer_audit.core.answers import Audit
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.driver_inputs import WaveDrivers, composite_outcome, wave_drivers
from dealer_audit.core.insight_view import InsightView, build_insight_view
from dealer_audit.core.key_drivers import DriverAnalysis
from dealer_audit.core.lookup import did_you_mean_hint, unknown_region
from dealer_audit.core.standard import Checklist, Program
from dealer_audit.core.themes import Note, Theme, ThemeAnalysis
from dealer_audit.errors import NotFound
from dealer_audit.services.blas import one_blas_thread
from dealer_audit.services.freed_memory import return_freed_memory
from dealer_audit.services.scoring_job import load_scoring_inputs
from dealer_audit.services.themes import wave_themes

if TYPE_CHECKING:
    from dealer_audit.services.reporting import WaveContext
    from dealer_audit.storage.workspace import Workspace

COMPOSITE = "composite"
OUTCOMES = (COMPOSITE,)  # built in; every KPI of the program (nps, csi…) is an outcome too (outcome_values)
REPORT_OUTCOMES = ("nps", "csi")  # what the reports' key experience points explain, first with values in the wave


class InsightSource(Protocol):
    """What insight reads from storage (storage.repository.Repository provides it)."""

    def get_program(self, program_id: str | None = None) -> Program: ...
    def list_standards(self) -> list[Checklist]: ...
    def list_dealers(self, region: str | None = None) -> list[Dealer]: ...
    def list_audits(self, wave: str | None = None) -> list[Audit]: ...


@dataclass(frozen=True, slots=True)
class WaveInsight:
    """What the reports show: network-wide drivers of the composite and the wave's themes (with the previous
    wave's for tracking). Computed once per report run, before the worker processes fork."""

    drivers: WaveDrivers
    themes: ThemeAnalysis


def outcome_values(
    result: WaveResult, name: str = COMPOSITE, region: str | None = None, repo: InsightSource | None = None
) -> dict[str, float]:
    """The outcome `name` per dealer of the wave (of `region` if given): the composite index, or a KPI of the
    program measured per dealer (NPS, CSI…) from the KPI store. Raises NotFound for a name that is neither."""
    if name == COMPOSITE:
        return composite_outcome(result, region)
    if repo is None:
        raise NotFound(
            f"unknown outcome {name}; known outcomes: {', '.join(OUTCOMES)}",
            zh=f"未知的结果指标 {name}；可用的结果指标：{', '.join(OUTCOMES)}",
        )
    from dealer_audit.services.kpis import kpi_values

    try:
        values = kpi_values(repo, result.wave, name)  # type: ignore[arg-type]
    except NotFound as error:
        hint = did_you_mean_hint(name, OUTCOMES)
        raise NotFound(
            f"unknown outcome {name}: {hint.en + ' ' if hint.en else ''}{error}; or {COMPOSITE} (the index)",
            zh=f"未知的结果指标 {name}：{hint.zh}{error.text('zh')}；或用 {COMPOSITE}（综合指数）",
        ) from None
    members = {d.code for d in result.dealers if region is None or d.region == region}
    return {code: value for code, value in values.items() if code in members}


def _check_region(result: WaveResult, region: str | None) -> None:
    if region is None or result.region(region) is not None:
        return
    refusal = unknown_region(region, result.wave, (r.code for r in result.regions))
    raise NotFound(refusal.en, zh=refusal.zh)


def _load(repo: InsightSource, wave: str) -> tuple[WaveResult, dict[StandardKey, Checklist], list[Audit], list[Audit]]:
    from dealer_audit.core.aggregate import score_wave

    program, standards, dealers, audits, previous_audits = load_scoring_inputs(repo, wave)
    return score_wave(program, standards, dealers, audits, wave, previous_audits), standards, audits, previous_audits


def drivers_for_wave(
    repo: InsightSource, wave: str, *, outcome: str = COMPOSITE, region: str | None = None, resamples: int = 1000
) -> WaveDrivers:
    """Key drivers of `outcome` in `wave`, over the network or one region's dealers."""
    result, standards, _, _ = _load(repo, wave)
    _check_region(result, region)
    values = outcome_values(result, outcome, region, repo)
    with one_blas_thread():
        return wave_drivers(result, standards, values, outcome_name=outcome, region=region, resamples=resamples)


def themes_for_wave(repo: InsightSource, wave: str, *, region: str | None = None) -> ThemeAnalysis:
    """Themes of the wave's notes (of one region's dealers), tracked against the previous wave's."""
    result, _, audits, previous_audits = _load(repo, wave)
    _check_region(result, region)
    return wave_themes(result, {a.audit_id: a for a in audits}, previous_audits, region)


def report_outcome(result: WaveResult, repo: InsightSource) -> tuple[str, dict[str, float]]:
    """The outcome the reports' key experience points (关键体验点) explain, and its values: the program's
    `insight: {outcome: …}` when set, else NPS, else CSI — what moves satisfaction — when the wave has values
    of it, else the composite index. A KPI with no value in the wave falls back to the composite, so a wave
    without survey data still gets its key points."""
    program = result.program
    kpi_ids = {k.id for k in program.kpis}
    chosen = program.insight_outcome
    order = [chosen] if chosen is not None else [k for k in REPORT_OUTCOMES if k in kpi_ids]
    for name in order:
        if name == COMPOSITE:
            break
        values = outcome_values(result, name, None, repo)
        if values:
            return name, values
    return COMPOSITE, composite_outcome(result)


def ensure_insight(workspace: Workspace, context: WaveContext) -> WaveContext:
    """Fill `context.insight` once (drivers of the report outcome over the network, themes tracked against the
    previous wave) so every region PDF and the HQ workbook of a run show the same figures."""
    if context.insight is not None:
        return context
    previous = context.result.previous
    previous_audits = workspace.repo.list_audits(wave=previous.wave) if previous is not None else []
    name, values = report_outcome(context.result, workspace.repo)
    with one_blas_thread():
        drivers = wave_drivers(context.result, context.standards, values, outcome_name=name)
    return_freed_memory()  # the bootstrap's arrays, before the themes' models load
    context.insight = WaveInsight(drivers=drivers, themes=wave_themes(context.result, context.audits, previous_audits))
    return_freed_memory()  # the models and vectors, before a report is written on top
    return context


# ---- JSON ----------------------------------------------------------------------------------------------------------


def _analysis(a: DriverAnalysis) -> dict[str, Any]:
    return {
        "method": a.method.value,
        "n_dealers": a.n_dealers,
        "r_squared": a.r_squared,
        "r_squared_interval": [a.r_squared_low, a.r_squared_high] if a.r_squared is not None else None,
        "resamples": a.resamples,
        "confidence": a.confidence,
        "refusal": a.refusal.as_dict() if a.refusal else None,
        "drivers": [
            {
                "key": e.predictor.key,
                "section": e.predictor.section_id,
                "item": e.predictor.item_id,
                "label": e.predictor.label.as_dict(),
                "weight": e.weight,
                "share": e.share,
                "interval": [e.low, e.high],
                "stated_share": e.predictor.stated_share,
                "correlation": e.correlation,
            }
            for e in a.estimates
        ],
        "left_out": [{"key": d.predictor.key, "reason": d.reason.as_dict()} for d in a.dropped],
    }


def drivers_to_dict(drivers: WaveDrivers) -> dict[str, Any]:
    return {
        "format": "dealer-audit/key-drivers",
        "version": 1,
        "wave": drivers.wave,
        "outcome": drivers.outcome,
        "region": drivers.region,
        "standards": [
            {
                "standard": s.standard_id,
                "title": s.title.as_dict(),
                "sections": _analysis(s.sections),
                "items": _analysis(s.items),
            }
            for s in drivers.standards
        ],
    }


def _theme(t: Theme) -> dict[str, Any]:
    return {
        "id": t.id,
        "kind": t.kind.value,
        "keywords": list(t.keywords),
        "notes": t.size,
        "dealers": t.dealers,
        "examples": list(t.examples),
        "items": [{"standard": i.standard_id, "item": i.item_id, "notes": i.notes, "share": i.share} for i in t.items],
        "regions": dict(t.regions),
        "previous": {"id": t.previous_id, "notes": t.previous_size, "similarity": t.similarity}
        if t.previous_id
        else None,
    }


def _note(n: Note) -> dict[str, Any]:
    return {"dealer": n.dealer_code, "region": n.region, "standard": n.standard_id, "item": n.item_id, "text": n.text}


def themes_to_dict(analysis: ThemeAnalysis) -> dict[str, Any]:
    return {
        "format": "dealer-audit/themes",
        "version": 1,
        "wave": analysis.wave,
        "previous_wave": analysis.previous_wave,
        "notes": analysis.n_notes,
        "distinct_texts": analysis.n_texts,
        "themes": [_theme(t) for t in analysis.themes],
        "vanished": [_theme(t) for t in analysis.vanished],
        "unknown_notes": [_note(n) for n in analysis.unknown_notes],
        "one_off": analysis.one_off,
    }


def dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def insight_view(context: WaveContext, lang: str, region: str | None = None) -> InsightView | None:
    """The report rows of the context's insight (None until `ensure_insight` ran): a region PDF counts themes in
    `region` and shows the top items; the HQ workbook (no region) lists every row."""
    if context.insight is None:
        return None
    drivers = context.insight.drivers
    kpi = next((k for k in context.result.program.kpis if k.id == drivers.outcome), None)
    name = kpi.name if kpi is not None else None
    if region is None:
        return build_insight_view(
            drivers,
            context.insight.themes,
            context.standards,
            lang=lang,
            items_shown=None,
            unknown_shown=None,
            outcome_name=name,
        )
    return build_insight_view(
        drivers, context.insight.themes, context.standards, lang=lang, region=region, outcome_name=name
    )

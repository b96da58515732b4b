"""Scoring a stored wave: read the program, standards, dealers and audits from storage, call the pure core.

This is the library call behind `dealer-audit score` and the reports, so the table on the terminal, the JSON and
the PDFs all show the same figures. `wave_result_to_dict` is the JSON form (every figure at full precision).
"""

from __future__ import annotations

import json
from typing import Any, Protocol, TextIO

from dealer_audit.core.aggregate import (
    Alert,
    DealerChecklistResult,
    DealerResult,
    GroupResult,
    ItemResult,
    Opportunity,
    Rank,
    Rescore,
    SectionResult,
    StandardKey,
    WaveResult,
    rescore_under,
    score_wave,
)
from dealer_audit.core.answers import Audit
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.intervals import DeltaTest, RankRange, SamplingError, Shrunk, VarianceComponents
from dealer_audit.core.scoring import AuditScore
from dealer_audit.core.standard import Band, Checklist, Program
from dealer_audit.core.stats import Interval, Summary
from dealer_audit.core.versions import version_key
from dealer_audit.errors import NotFound

JSON_FORMAT = "dealer-audit/wave-scores"
JSON_FORMAT_VERSION = 1


class ScoringSource(Protocol):
    """What scoring needs from storage (storage.repository.Repository provides it)."""

    def get_program(self, program_id: str | None = None) -> Program: ...
    def list_standards(self) -> list[Checklist]: ...
    def list_dealers(self, region: str | None = None) -> list[Dealer]: ...
    def list_audits(self, wave: str | None = None) -> list[Audit]: ...


def load_scoring_inputs(
    repo: ScoringSource, wave: str, program_id: str | None = None
) -> tuple[Program, dict[StandardKey, Checklist], list[Dealer], list[Audit], list[Audit]]:
    """Everything `score_wave` needs for `wave`, read once: program, standards by (id, version), dealers, the
    wave's audits and the previous wave's. The one loader of the scoring, re-scoring and reporting services."""
    program = repo.get_program(program_id)
    audits = repo.list_audits(wave=wave)
    if program.wave(wave) is None and not audits:
        known = ", ".join(w.code for w in program.waves) or "none"
        raise NotFound(
            f"wave {wave} is neither in program {program.id} (waves: {known}) nor on any stored audit",
            zh=f"稽核批次 {wave} 既不在稽核方案 {program.id} 中（已有批次：{known}），也没有任何已存储的稽核属于它",
        )
    previous = program.previous_wave(wave)
    previous_audits = repo.list_audits(wave=previous.code) if previous else []
    standards = {s.key: s for s in repo.list_standards()}
    return program, standards, repo.list_dealers(), audits, previous_audits


def load_wave_result(repo: ScoringSource, wave: str, program_id: str | None = None) -> WaveResult:
    """Score `wave` of the program (default: the most recently loaded one) from storage, with the previous wave
    of the program for deltas, alerts and repeat failures. Each audit is scored with the version it was captured
    on. Raises NotFound for an unknown program or a wave with neither a program entry nor audits."""
    program, standards, dealers, audits, previous_audits = load_scoring_inputs(repo, wave, program_id)
    return score_wave(program, standards, dealers, audits, wave, previous_audits)


def load_rescore(
    repo: ScoringSource, wave: str, standard_id: str, version: str | None = None, program_id: str | None = None
) -> Rescore:
    """Score `wave` as captured and again with every audit of `standard_id` under `version` (default: the
    newest stored version) — the explicit re-scoring the issue asks for; nothing stored changes."""
    program, standards, dealers, audits, previous_audits = load_scoring_inputs(repo, wave, program_id)
    versions = [c for (sid, _), c in standards.items() if sid == standard_id]
    if not versions:
        stored_ids = ", ".join(sorted({k[0] for k in standards}))
        raise NotFound(
            f"no stored standard {standard_id}; stored: {stored_ids}",
            zh=f"没有已存储的稽核标准 {standard_id}；已存储：{stored_ids}",
        )
    if version is None:
        target = max(versions, key=lambda c: version_key(c.version))
    else:
        found = standards.get((standard_id, version))
        if found is None:
            stored = ", ".join(sorted((c.version for c in versions), key=version_key))
            raise NotFound(
                f"standard {standard_id} has no version {version}; stored versions: {stored}",
                zh=f"稽核标准 {standard_id} 没有版本 {version}；已存储的版本：{stored}",
            )
        target = found
    return rescore_under(target, program, standards, dealers, audits, wave, previous_audits)


# ---- JSON ----------------------------------------------------------------------------------------------------------


def _band(band: Band | None) -> dict[str, Any] | None:
    return None if band is None else {"code": band.code, "min": band.min, "label": band.label.as_dict()}


def _interval(ci: Interval | None) -> list[float] | None:
    return None if ci is None else [ci.low, ci.high]


def _error(error: SamplingError | None) -> dict[str, float] | None:
    return None if error is None else {"standard_error": error.se, "df": error.df}


def _delta_test(test: DeltaTest | None) -> dict[str, Any] | None:
    return None if test is None else {"label": test.label.value, "p": test.p, "q": test.q}


def _shrunk(shrunk: Shrunk | None) -> dict[str, float] | None:
    return None if shrunk is None else {"value": shrunk.value, "factor": shrunk.factor}


def _components(c: VarianceComponents) -> dict[str, Any]:
    return {
        "within_variance": c.within,
        "within_df": c.within_df,
        "between_variance": c.between,
        "target": c.target,
        "dealers": c.dealers,
        "visits": c.visits,
    }


def _rank_range(r: RankRange | None) -> dict[str, list[int]] | None:
    if r is None:
        return None
    return {"network": [r.network_best, r.network_worst], "region": [r.region_best, r.region_worst]}


def _summary(s: Summary | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"n": s.n, "mean": s.mean, "median": s.median, "min": s.min, "max": s.max, "stdev": s.stdev}


def _rank(r: Rank | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"network": r.network, "network_size": r.network_size, "region": r.region, "region_size": r.region_size}


def _where(standard: str, section: str, item: str | None = None) -> dict[str, str]:
    """Where a result row belongs: the same keys on sections, items, opportunities and repeat failures."""
    return {"standard": standard, "section": section} | ({} if item is None else {"item": item})


def _section(section: SectionResult) -> dict[str, Any]:
    return {
        **_where(section.standard_id, section.section_id),
        "weight": section.weight,
        "n": section.n,
        "percent": section.mean_percent,
        "raw_percent": section.raw_mean_percent,
        "ci95": _interval(section.ci),
        "error": _error(section.error),
        "zeroed": section.zeroed,
        "items_counted": section.items_counted,
        "items_passed": section.items_passed,
        "compliance": section.compliance,
        "compliance_ci95": _interval(section.compliance_interval),
        "previous_percent": section.previous_mean_percent,
        "delta": section.delta.change,
        "delta_test": _delta_test(section.delta_test),
    }


def _item(item: ItemResult) -> dict[str, Any]:
    return {
        **_where(item.standard_id, item.section_id, item.item_id),
        "counted": item.counted,
        "passed": item.passed,
        "failed": item.failed,
        "rate": item.rate,
        "rate_ci95": _interval(item.rate_interval),
        "mean_fraction": item.mean_fraction,
        "mean_points_lost": item.mean_points_lost,
        "critical": item.critical,
        "critical_failures": item.critical_failures,
        "previous_rate": item.previous_rate,
        "delta": item.delta.change,
        "status": item.status.value,
    }


def _audit(score: AuditScore) -> dict[str, Any]:
    return {
        "audit_id": score.audit_id,
        "standard": score.standard_id,
        "version": score.standard_version,
        "final": score.final,
        "complete": score.complete,
        "index": score.index,
        "raw_index": score.raw_index,
        "band": score.band.code if score.band else None,
        "earned": score.earned,
        "possible": score.possible,
        "missing_required": list(score.missing_required),
        "knock_outs": [
            {"item": k.item_id, "section": k.section_id, "effect": k.effect.value, "cap": k.cap, "binding": k.binding}
            for k in score.knock_outs
        ],
        "sections": [
            {
                "section": s.section_id,
                "weight": s.weight,
                "earned": s.earned,
                "possible": s.possible,
                "percent": s.percent,
                "raw_percent": s.raw_percent,
                "zeroed": s.zeroed,
            }
            for s in score.sections
        ],
    }


def _checklist(result: DealerChecklistResult) -> dict[str, Any]:
    return {
        "standard": result.standard_id,
        "title": result.title.as_dict(),
        "versions": list(result.versions),
        "n": result.n,
        "index": result.index,
        "raw_index": result.raw_index,
        "ci95": _interval(result.ci),
        "error": _error(result.error),
        "shrunk": _shrunk(result.shrunk),
        "stdev": result.stdev,
        "band": _band(result.band),
        "previous_index": result.previous_index,
        "delta": result.delta.change,
        "delta_test": _delta_test(result.delta_test),
        "rank": _rank(result.rank),
        "drafts_not_counted": [d.audit_id for d in result.drafts],
        "sections": [_section(s) for s in result.sections],
        "items": [_item(i) for i in result.items],
        "audits": [_audit(a) for a in result.audits],
    }


def _alert(alert: Alert) -> dict[str, Any]:
    return {
        "dealer": alert.dealer_code,
        "kind": alert.kind.value,
        "message": alert.message.as_dict(),
        "standard": alert.standard_id,
        "item": alert.item_id,
        "audit_id": alert.audit_id,
        "audit_ids": list(alert.audit_ids),
        "current": alert.current,
        "previous": alert.previous,
        "significance": alert.significance.value if alert.significance else None,
    }


def _opportunity(o: Opportunity) -> dict[str, Any]:
    return {
        **_where(o.standard_id, o.section_id, o.item_id),
        "index_points": o.index_points,
        "composite_points": o.composite_points,
        "points_lost": o.points_lost,
        "section_weight_share": o.section_weight_share,
        "critical": o.critical,
        "failed": o.failed,
        "n": o.n,
    }


def _dealer(d: DealerResult) -> dict[str, Any]:
    return {
        "code": d.dealer.code,
        "name": d.dealer.name.as_dict(),
        "region": d.dealer.region,
        "composite": d.composite,
        "composite_100": d.composite_100,
        "composite_ci95": _interval(d.composite_ci),
        "composite_error": _error(d.composite_error),
        "shrunk_composite": d.shrunk_composite,
        "band": _band(d.band),
        "rank": _rank(d.rank),
        "rank_range": _rank_range(d.rank_range),
        "previous_composite": d.previous_composite,
        "delta": d.delta.change,
        "delta_test": _delta_test(d.delta_test),
        "previous_band": _band(d.previous_band),
        "audits": d.n_audits,
        "checklists": [_checklist(c) for c in d.checklists],
        "alerts": [_alert(a) for a in d.alerts],
        "repeat_failures": [
            {**_where(r.standard_id, r.section_id, r.item_id), "critical": r.critical} for r in d.repeat_failures
        ],
        "opportunities": [_opportunity(o) for o in d.opportunities],
    }


def _group(g: GroupResult) -> dict[str, Any]:
    return {
        "code": g.code,
        "name": g.name.as_dict(),
        "dealers": list(g.dealer_codes),
        "composite": _summary(g.composite),
        "previous_composite": _summary(g.previous_composite),
        "delta": g.delta.change,
        "checklists": {sid: _summary(s) for sid, s in g.checklists.items()},
        "alerts": g.alerts,
        "critical_failures": g.critical_failures,
        "sections": [_section(s) for s in g.sections],
        "items": [_item(i) for i in g.items],
    }


def _wave_parts(result: WaveResult, region: str | None) -> tuple[dict[str, Any], tuple[DealerResult, ...]]:
    """The wave's JSON without its dealers (the header before them and the tail after them, in key order), and
    the dealers to list: the one shape both the in-memory dict and the streaming writer produce."""
    dealers = result.ranking(region)
    regions = [g for g in result.regions if region is None or g.code == region]
    head: dict[str, Any] = {
        "format": JSON_FORMAT,
        "format_version": JSON_FORMAT_VERSION,
        "program": {"id": result.program.id, "title": result.program.title.as_dict(), "scale": result.scale},
        "wave": result.wave,
        "previous_wave": result.previous_wave,
        "region": region,
        "scored_under": dict(result.scored_under),
        "standards_used": [
            {"id": s.id, "version": s.version, "hash": s.content_hash, "audits": s.audits}
            for s in result.standards_used
        ],
        "variance": {
            "indices": {sid: _components(c) for sid, c in result.variance.items()},
            "sections": [
                {"standard": sid, "section": section, **_components(c)}
                for (sid, section), c in result.section_variance.items()
            ],
        },
        "dealers": None,  # placeholder: keeps the key order; filled in (or streamed) by the callers
        "regions": [_group(g) for g in regions],
        "network": _group(result.network),
        "alerts": [_alert(a) for d in dealers for a in d.alerts],
        "problems": [
            {"code": p.code, "severity": p.severity.value, "where": str(p.location), "message": p.message}
            for p in result.problems
        ],
    }
    return head, dealers


def wave_result_to_dict(result: WaveResult, region: str | None = None) -> dict[str, Any]:
    """The JSON form of a scored wave: every figure at full precision (round only for display). With `region`,
    only that region's dealers and group are listed; ranks stay those of the whole network and the region."""
    head, dealers = _wave_parts(result, region)
    head["dealers"] = [_dealer(d) for d in dealers]
    return head


def write_wave_json(result: WaveResult, stream: TextIO, region: str | None = None) -> None:
    """Write `wave_result_to_dict(result, region)` as JSON to `stream`, one dealer at a time.

    At 3,000 dealers the whole document is ~240 MB of text; building it as one dict and one string (and, before,
    wrapping it through the terminal console) took gigabytes. Here only one dealer's dict exists at a time, so
    memory stays near the scored wave's own size. The text parses to exactly what `wave_result_to_dict` returns;
    each dealer is one line (greppable, and `jq -c '.dealers[]'` still works)."""
    head, dealers = _wave_parts(result, region)
    stream.write("{\n")
    for index, (key, value) in enumerate(head.items()):
        stream.write(f"  {json.dumps(key)}: ")
        if key == "dealers":
            stream.write("[")
            for number, dealer in enumerate(dealers):
                stream.write("\n    " if number == 0 else ",\n    ")
                stream.write(json.dumps(_dealer(dealer), ensure_ascii=False))
            stream.write("\n  ]" if dealers else "]")
        else:
            stream.write(json.dumps(value, ensure_ascii=False))
        stream.write(",\n" if index < len(head) - 1 else "\n")
    stream.write("}\n")


def rescore_to_dict(rescore: Rescore, region: str | None = None) -> dict[str, Any]:
    """The side-by-side comparison as JSON (indices 0..100, composites on the program scale)."""
    rows = [
        {
            "dealer": r.dealer_code,
            "region": r.region,
            "index_before": r.index_before,
            "index_after": r.index_after,
            "change": r.change,
            "composite_before": r.composite_before,
            "composite_after": r.composite_after,
            "rank_before": r.rank_before,
            "rank_after": r.rank_after,
            "unmatched_answers": r.unmatched_answers,
        }
        for r in rescore.rows
        if region is None or r.region == region
    ]
    return {
        "format": "dealer-audit/rescore",
        "format_version": 1,
        "wave": rescore.before.wave,
        "standard": rescore.standard_id,
        "captured_versions": list(rescore.captured_versions),
        "version": rescore.version,
        "dealers": rows,
    }

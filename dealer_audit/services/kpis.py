"""KPIs and incentives from a workspace: import a vendor's file, score a wave's KPIs and tiers (thin over core).

`import_kpi_file` reads and checks the whole file first (formats/kpi_values.py), then stores it in one
transaction; `wave_scorecard` scores the wave and the program's earlier waves from storage (the streak rule needs
them) and hands them to core/kpis.py and core/incentives.py. `kpi_values` is the plain per-dealer lookup other
analyses use (e.g. NPS as the outcome of the key-driver analysis).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dealer_audit.core.aggregate import WaveResult
from dealer_audit.core.incentives import Payout, Scorecard, evaluate_incentives
from dealer_audit.core.kpis import KpiWave, evaluate_wave, on_scale
from dealer_audit.core.lookup import did_you_mean_hint, unknown_region
from dealer_audit.core.standard import Program
from dealer_audit.errors import Message, NotFound
from dealer_audit.formats.kpi_values import read_kpi_values
from dealer_audit.services.scoring_job import load_wave_result
from dealer_audit.storage.kpis import KpiImport
from dealer_audit.storage.repository import Repository


def _check_wave(program: Program, wave: str) -> None:
    codes = [w.code for w in program.waves]
    if wave not in codes:
        listed = ", ".join(codes)
        hint = did_you_mean_hint(
            wave, codes, otherwise=Message(f"the program's waves: {listed}", f"方案中的批次：{listed}")
        )
        raise NotFound(
            f"wave {wave} is not in program {program.id} ({hint.en})",
            zh=f"稽核方案 {program.id} 中没有稽核批次 {wave}（{hint.zh}）",
        )


def check_region(card: Scorecard, region: str | None) -> None:
    """NotFound, with close matches, for a region that is not in the wave."""
    if region is None:
        return
    regions = {d.region for d in card.kpis.dealers}
    if region not in regions:
        refusal = unknown_region(region, card.kpis.wave, regions)
        raise NotFound(refusal.en, zh=refusal.zh)


def import_kpi_file(repo: Repository, path: Path, wave: str) -> KpiImport:
    """Check the whole file against the program's KPIs and the stored dealers, then store it all or nothing;
    importing the same file (by name) again replaces its values for the wave."""
    program = repo.get_program()
    _check_wave(program, wave)
    values = read_kpi_values(Path(path), program.kpis, [d.code for d in repo.list_dealers()])
    return repo.replace_kpi_values(wave, Path(path).name, values)


def kpi_values(repo: Repository, wave: str, kpi_id: str) -> dict[str, float]:
    """dealer code -> the measured value of one KPI in a wave (only dealers with a value).

    The outcome lookup for analyses beside the audits (NPS or CSI per dealer for the key-driver analysis).
    NotFound, with close matches, when the program defines no such KPI."""
    program = repo.get_program()
    ids = [k.id for k in program.kpis]
    if kpi_id not in ids:
        listed = ", ".join(ids)
        known = Message(f"the program's KPIs: {listed or 'none'}", f"方案中的 KPI 指标：{listed or '无'}")
        hint = did_you_mean_hint(kpi_id, ids, otherwise=known)
        raise NotFound(f"unknown KPI {kpi_id} ({hint.en})", zh=f"未知的 KPI 指标 {kpi_id}（{hint.zh}）")
    return {v.dealer_code: v.value for v in repo.list_kpi_values(wave, kpi_id)}


def streak_waves(program: Program, wave: str) -> list[str]:
    """The waves a streak counts back over: every wave of the program before `wave`, oldest first. The one rule of
    the CLI (`incentives`, `kpis`) and the reports, whatever trend window a report draws: a streak longer than the
    window is still counted whole."""
    codes = [w.code for w in program.waves]
    return codes[: codes.index(wave)] if wave in codes else []


def scorecard_of(repo: Repository, result: WaveResult, scored: Callable[[str], WaveResult | None]) -> Scorecard:
    """KPIs and incentives of a scored wave. `scored(code)` is an earlier wave's result (None: no audits that wave,
    passed over), asked for each of `streak_waves`: callers differ only in how they score, never in which waves."""
    current = evaluate_wave(result, repo.list_kpi_values(result.wave))
    rules = result.program.incentives
    if rules is None:
        return Scorecard(current, None, ())
    earlier = [r for r in map(scored, streak_waves(result.program, result.wave)) if r is not None]
    past: list[KpiWave] = [evaluate_wave(r, repo.list_kpi_values(r.wave)) for r in earlier]
    return evaluate_incentives(rules, current, past)


def wave_scorecard(repo: Repository, wave: str) -> Scorecard:
    """Score the wave and every earlier wave of the program that has audits, then its KPIs and incentives."""
    result = load_wave_result(repo, wave)

    def scored(code: str) -> WaveResult | None:
        earlier = load_wave_result(repo, code)
        return earlier if earlier.audit_scores else None

    return scorecard_of(repo, result, scored)


# ---- JSON --------------------------------------------------------------------------------------------------------


def kpis_to_dict(card: Scorecard, region: str | None = None) -> dict[str, Any]:
    """The wave's KPI values, scores, KPI index, scorecard composite and cross-check flags (full precision)."""
    kpis = card.kpis
    return {
        "wave": kpis.wave,
        "scale": kpis.scale,
        "kpis": [
            {
                "id": k.id,
                "name": k.name.as_dict(),
                "unit": k.unit.as_dict(),
                "direction": k.direction.value,
                "enters": k.enters.value,
                "weight": k.weight,
            }
            for k in kpis.definitions
        ],
        "dealers": [
            {
                "dealer": d.dealer_code,
                "region": d.region,
                "values": {s.kpi_id: {"value": s.value, "score": s.score, "base_n": s.base_n} for s in d.scores},
                "kpi_index": d.kpi_index.value,
                "kpi_index_coverage": d.kpi_index.coverage,
                "audit_composite": on_scale(d.audit_composite_100, kpis.scale),
                "composite": on_scale(d.composite_100, kpis.scale),
                "flags": [
                    {
                        "kpi": f.kpi_id,
                        "standard": f.standard_id,
                        "item": f.item_id,
                        "value": f.value,
                        "threshold": f.threshold,
                        "failed": f.failed,
                        "counted": f.counted,
                        "message": f.message.as_dict(),
                    }
                    for f in d.flags
                ],
            }
            for d in kpis.dealers
            if region is None or d.region == region
        ],
    }


def incentives_to_dict(card: Scorecard, region: str | None = None) -> dict[str, Any]:
    """Every dealer's tier, gap, borderline flag and streak (composites and gaps on the program's scale)."""
    scale = card.kpis.scale
    rows = []
    for row in card.incentives:
        if region is not None and row.region != region:
            continue
        o = row.outcome
        dealer = card.kpis.dealer(row.dealer_code)
        interval = dealer.composite_interval_100 if dealer is not None else None
        rows.append(
            {
                "dealer": row.dealer_code,
                "region": row.region,
                "composite": on_scale(o.score, scale),
                "interval": [on_scale(interval.low, scale), on_scale(interval.high, scale)] if interval else None,
                "eligible": o.eligible,
                "reasons": [r.as_dict() for r in o.reasons],
                "tier": o.tier.code if o.tier else None,
                "payout": _payout(o.tier.payout) if o.tier else None,
                "next_tier": o.next_tier.code if o.next_tier else None,
                "gap": on_scale(o.gap, scale),
                "borderline": o.borderline,
                "thresholds": {code: on_scale(t, scale) for code, t in o.thresholds.items()},
                "streak": {"count": row.streak.count, "status": row.streak.status.value} if row.streak else None,
                "penalty": _payout(row.penalty) if row.penalty else None,
                "net_payout": _payout(row.net_payout) if row.penalty and row.net_payout else None,
                "history": [on_scale(h, scale) for h in row.history],
            }
        )
    return {"wave": card.kpis.wave, "scale": scale, "dealers": rows}


def _payout(payout: Payout) -> dict[str, float | None]:
    return {"amount": payout.amount, "percent": payout.percent}


def import_sample_kpis(repo: Repository, samples_dir: Path) -> Message:
    """The demo's KPI stage: every `<wave>_<source>.csv|xlsx` of the sample network's kpis/ folder, for the
    program's waves, imported as `dealer-audit kpis import` would; a one-line summary for the demo."""
    folder = Path(samples_dir) / "kpis"
    waves = {w.code for w in repo.get_program().waves}
    files = sorted(p for p in folder.glob("*_*.*") if p.suffix.lower() in (".csv", ".xlsx"))
    stored = [import_kpi_file(repo, p, p.name.split("_")[0]) for p in files if p.name.split("_")[0] in waves]
    values = sum(s.stored for s in stored)
    if not stored:
        return Message("no KPI files", "没有 KPI 文件")
    return Message(f"{values} KPI values from {len(stored)} files", f"{values} 个 KPI 值，来自 {len(stored)} 个文件")

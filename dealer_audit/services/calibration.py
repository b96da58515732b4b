"""Calibration of a wave from storage: the library call behind `dealer-audit calibration`, its PDF and the HQ sheet.

Reads the standards, dealers and the audits of the chosen waves once and hands them to the pure core
(core/calibration.py), so the terminal table, the JSON, the PDF and the workbook sheet show the same figures.
`calibration_to_dict` is the JSON form (full precision).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from dealer_audit.core.agreement import Estimate
from dealer_audit.core.answers import Audit
from dealer_audit.core.auditor_lookup import AuditorRegister, same_auditor_spelling
from dealer_audit.core.auditors import Auditor
from dealer_audit.core.calibration import Calibration, Severity, calibrate
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import Checklist, Wave
from dealer_audit.errors import NotFound
from dealer_audit.services.blas import one_blas_thread

JSON_FORMAT = "dealer-audit/calibration"
JSON_FORMAT_VERSION = 1


class CalibrationSource(Protocol):
    """What calibration needs from storage (storage.repository.Repository provides it)."""

    def list_standards(self) -> list[Checklist]: ...
    def list_dealers(self, region: str | None = None) -> list[Dealer]: ...
    def list_audits(self, wave: str | None = None) -> list[Audit]: ...
    def list_waves(self) -> list[Wave]: ...
    def list_auditors(self, active_only: bool = False) -> list[Auditor]: ...


def parse_waves(text: str | None) -> list[str]:
    """`--waves 2026-Q3,2026-Q4` → ["2026-Q3", "2026-Q4"] (blanks and repeats dropped, order kept)."""
    if not text:
        return []
    return list(dict.fromkeys(w.strip() for w in text.split(",") if w.strip()))


def load_calibration(repo: CalibrationSource, wave: str, waves: Sequence[str] = ()) -> Calibration:
    """Calibrate `wave` (with the model and drift over `waves`, in the order given). Raises NotFound for a wave
    that has no stored audit, naming the waves that have."""
    chosen = list(dict.fromkeys([*waves, wave]))
    audits: list[Audit] = []
    missing = []
    for code in chosen:
        found = repo.list_audits(wave=code)
        if not found:
            missing.append(code)
        audits.extend(found)
    if missing:
        known = ", ".join(w.code for w in repo.list_waves()) or "none"
        raise NotFound(
            f"no audits stored for wave {', '.join(missing)}; waves: {known}",
            zh=f"稽核批次 {', '.join(missing)} 没有已存储的稽核；已有批次：{known}",
        )
    standards = {s.key: s for s in repo.list_standards()}
    # one auditor spelled two ways (id on some audits, name on others) is one rater, not two (core/auditor_lookup)
    audits = same_auditor_spelling(audits, AuditorRegister(repo.list_auditors()))
    with one_blas_thread():
        return calibrate(standards, repo.list_dealers(), audits, wave, chosen)


def _estimate(e: Estimate) -> dict[str, float | None]:
    return {"value": e.value, "low": e.low, "high": e.high}


def _severity(s: Severity) -> dict[str, Any]:
    return {"mean": s.mean, "low": s.low, "high": s.high, "n": s.n, "sure": s.sure}


def calibration_to_dict(c: Calibration) -> dict[str, Any]:
    """Every figure of a calibration as JSON (index points for severities; coefficients between -1 and 1)."""
    t = c.thresholds
    return {
        "format": JSON_FORMAT,
        "format_version": JSON_FORMAT_VERSION,
        "wave": c.wave,
        "waves": list(c.waves),
        "thresholds": {
            "poor_ac": t.poor_ac,
            "poor_alpha": t.poor_alpha,
            "good_ac": t.good_ac,
            "min_units": t.min_units,
            "severity_tolerance": t.severity_tolerance,
            "item_departure": t.item_departure,
            "min_departure_units": t.min_departure_units,
            "departing_items": t.departing_items,
        },
        "shared_units": [
            {
                "kind": u.kind.value,
                "wave": u.wave,
                "standard": u.standard_id,
                "dealer": u.dealer_code,
                "scenario": u.scenario or None,
                "auditors": list(u.auditors),
                "audit_ids": list(u.audit_ids),
            }
            for u in c.units
        ],
        "items": [
            {
                "standard": i.standard_id,
                "section": i.section_id,
                "item": i.item_id,
                "text": {"zh": i.text.zh, "en": i.text.en},
                "answer_type": i.answer_type.value,
                "level": i.agreement.level.value,
                "units": i.agreement.units,
                "ratings": i.agreement.ratings,
                "categories": i.agreement.categories,
                "percent_agreement": i.agreement.percent,
                "coefficient": i.agreement.ac_name,
                "ac": _estimate(i.agreement.ac),
                "alpha": _estimate(i.agreement.alpha),
                "poor": i.poor,
                "ambiguous": i.ambiguous,
                "driven_by": list(i.driven_by),
            }
            for i in c.items
        ],
        "auditors": [
            {
                "auditor": a.auditor,
                "audits": a.audits,
                "shared_units": a.shared_units,
                "consensus": _severity(a.consensus),
                "model": _severity(a.model),
                "by_wave": [{"wave": w, **_severity(s)} for w, s in a.by_wave],
                "drift": a.drift,
                "departures": [
                    {
                        "standard": d.standard_id,
                        "item": d.item_id,
                        "units": d.units,
                        "mean": d.mean,
                        "confirmed": d.confirmed,
                    }
                    for d in a.departures
                ],
                "outside_tolerance": a.outside,
                "reasons": [{"zh": r.zh, "en": r.en} for r in a.reasons],
            }
            for a in c.auditors
        ],
        "problems": [p.en for p in c.problems],
    }

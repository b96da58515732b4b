"""Rebuild the sample network's KPI files: `python sample_audits/build_kpis.py` (after build_samples.py).

What the DMS and the survey vendor would report for the 28 sample dealers in 2026-Q3 and 2026-Q4, drawn from what
the auditors found so the KPIs tell the same story as the audits (docs/kpis-and-incentives.md):

* `<wave>_dms.csv` (system data, English headers): tablet check-in rate, online booking share, e-invoice share,
  status-board uptime. A dealer whose auditors saw paper check-in reports a low tablet rate, except TY001,
  whose DMS claims 96 % while the auditors saw paper in both waves: the cross-check flags it.
* `<wave>_survey.xlsx` (survey vendor, Chinese headers): NPS, CSI on 1,000 points, complaints per 1,000 repair
  orders (lower is better). NPS follows the dealer's score on the digital assessment's service-status
  transparency section (NPS ≈ −20 + 0.8 × section %, plus noise): customers who can follow their car recommend
  the dealer. KM001's NPS rests on 24 responses in 2026-Q4, below the incentive rule's 30.

Deterministic: a fixed seed, the same audits give byte-identical files.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from dealer_audit.core.aggregate import DealerResult, WaveResult, score_wave
from dealer_audit.formats.audit_json import read_audit_file
from dealer_audit.formats.dealers import read_dealers
from dealer_audit.formats.kpi_values import write_kpi_values_xlsx
from dealer_audit.formats.standards import load_checklists_dir

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WAVES = ("2026-Q3", "2026-Q4")
SEED = 2027
OVERSTATES_TABLET = "TY001"  # its DMS claims 96 % tablet check-in; auditors saw paper
THIN_SURVEY = ("2026-Q4", "KM001")  # too few survey responses for the incentive rule
DMS_HEADER = ("dealer_code", "kpi", "value", "base_n")
SURVEY_HEADER = ("经销商代码", "指标", "数值", "样本量")


def _failed(d: DealerResult, standard: str, item: str) -> bool:
    result = d.checklist(standard)
    found = result.item(item) if result is not None else None
    return found is not None and found.failed > 0


def _section(d: DealerResult, standard: str, section: str) -> float | None:
    result = d.checklist(standard)
    found = result.section(section) if result is not None else None
    return found.mean_percent if found is not None else None


def _clip(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def kpi_rows(result: WaveResult, rng: random.Random) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """(DMS rows, survey rows) of one scored wave."""
    dms: list[tuple[object, ...]] = []
    survey: list[tuple[object, ...]] = []
    for d in sorted(result.dealers, key=lambda x: x.code):
        quality = (d.composite_100 or 70) / 100
        orders = rng.randint(600, 2400)  # repair orders in the quarter: the base of the DMS shares
        paper = _failed(d, "digital-service", "DR01") or _failed(d, "svc-mystery-shop", "RC03")
        tablet = rng.uniform(30, 55) if paper else rng.uniform(80, 97)
        if d.code == OVERSTATES_TABLET:
            tablet = 96.0
        board = rng.uniform(60, 88) if _failed(d, "digital-service", "TP01") else rng.uniform(95.5, 99.9)
        dms += [
            (d.code, "tablet_checkin", round(tablet, 1), orders),
            (d.code, "online_booking", round(_clip(80 * quality - 12 + rng.gauss(0, 6), 5, 90), 1), orders),
            (d.code, "e_invoice", round(_clip(60 + 40 * quality + rng.gauss(0, 4), 40, 100), 1), orders),
            (d.code, "board_uptime", round(board, 1), 2208),  # hours the board should run in the quarter
        ]
        transparency = _section(d, "digital-service", "transparency")
        nps = -20 + 0.8 * (transparency if transparency is not None else 70) + rng.gauss(0, 6)
        responses = 24 if (result.wave, d.code) == THIN_SURVEY else rng.randint(45, 160)
        csi = _clip(780 + 250 * (quality - 0.78) + rng.gauss(0, 12), 600, 980)
        complaints = _clip(14 - 12 * quality + rng.gauss(0, 1.2), 0.3, 20)
        survey += [
            (d.code, "nps", round(_clip(nps, -100, 100), 1), responses),
            (d.code, "csi", round(csi), responses),
            (d.code, "千单投诉率", round(complaints, 2), orders),  # vendors name the KPI as on their report
        ]
    return dms, survey


def build(out_dir: Path = HERE) -> None:
    standards, program = load_checklists_dir(ROOT / "checklists")
    assert program is not None
    dealers = read_dealers(out_dir / "dealers.csv", {r.code for r in program.regions})
    audits = [read_audit_file(p) for wave in WAVES for p in sorted((out_dir / wave).glob("*.json"))]
    folder = out_dir / "kpis"
    folder.mkdir(exist_ok=True)
    rng = random.Random(SEED)
    for wave in WAVES:
        result = score_wave(program, {s.key: s for s in standards}, dealers, audits, wave, audits, intervals=False)
        dms, survey = kpi_rows(result, rng)
        with (folder / f"{wave}_dms.csv").open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(DMS_HEADER)
            writer.writerows(dms)
        write_kpi_values_xlsx(folder / f"{wave}_survey.xlsx", SURVEY_HEADER, survey)
    print(f"KPI files for {len(dealers)} dealers in {', '.join(WAVES)} written to {folder}")


if __name__ == "__main__":
    build()

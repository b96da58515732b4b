"""Field-operations jobs the CLI (and the browser app) call: plan a wave, report its coverage.

The rules are in the core (core/planning.py, core/coverage.py); this module only reads their inputs from the
database, stores the plan and writes each auditor's workbook and calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dealer_audit.core.answers import Audit
from dealer_audit.core.auditor_lookup import AuditorRegister, locked_pairs
from dealer_audit.core.coverage import Coverage, wave_coverage
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.planning import Plan, plan_wave, visit_needs
from dealer_audit.core.report_model import safe_file_stem
from dealer_audit.core.standard import Program, Wave
from dealer_audit.errors import NotFound
from dealer_audit.formats.calendar_ics import plan_calendar, write_plan_calendar
from dealer_audit.render.xlsx.plan import write_assignment_workbook
from dealer_audit.storage.repository import Repository


@dataclass
class PlanOutcome:
    plan: Plan
    lockout_waves: list[str]
    files: list[Path] = field(default_factory=list)


def _wave(program: Program, code: str) -> Wave:
    wave = program.wave(code)
    if wave is None:
        known = ", ".join(w.code for w in program.waves)
        raise NotFound(
            f"wave {code} is not in program {program.id} (its waves: {known})",
            zh=f"稽核方案 {program.id} 中没有稽核批次 {code}（方案中的批次：{known}）",
        )
    return wave


def lockout_waves(program: Program, code: str, count: int) -> list[str]:
    """The `count` waves before `code` in the program's order (whose visits the lockout forbids repeating)."""
    codes = [w.code for w in program.waves]
    index = codes.index(code)
    return codes[max(0, index - count) : index]


def import_auditors(repo: Repository, path: Path) -> int:
    """Store the auditor register of a CSV/XLSX file (insert or update by id); home regions must be the
    program's; any error stores nothing (formats/auditors.py names each by row and column)."""
    from dealer_audit.formats.auditors import read_auditors

    return repo.save_auditors(read_auditors(path, repo.program_region_codes()))


def plan_the_wave(repo: Repository, wave_code: str, out_dir: Path | None = None, lang: str = "zh") -> PlanOutcome:
    """Solve the wave plan, store it (replacing an earlier plan of the wave) and write each auditor's files."""
    program = repo.get_program()
    wave = _wave(program, wave_code)
    rules = program.planning
    dealers = repo.list_dealers()
    standard_ids = [c.standard_id for c in program.checklists]
    earlier = lockout_waves(program, wave.code, rules.lockout_waves)
    needs = visit_needs(wave.code, dealers, standard_ids, rules.double_audit_share)
    register = repo.list_auditors()
    # earlier audits name their auditor as typed (id or name): resolved to register ids before they bar anyone
    locked = locked_pairs(repo.visited_pairs(earlier), AuditorRegister(register))
    plan = plan_wave(wave, needs, register, locked, rules)
    repo.save_plan(wave.code, plan.visits)
    outcome = PlanOutcome(plan, earlier)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        by_code = {d.code: d for d in dealers}
        auditors = {a.id: a for a in register}
        for auditor_id in sorted({v.auditor_id for v in plan.visits}):
            own = [v for v in plan.visits if v.auditor_id == auditor_id]
            stem = f"plan-{wave.code}-{safe_file_stem(auditor_id)}"
            workbook = write_assignment_workbook(
                out_dir / f"{stem}.xlsx", wave.code, auditors[auditor_id], own, by_code, lang
            )
            calendar = write_plan_calendar(out_dir / f"{stem}.ics", plan_calendar(wave.code, own, by_code, lang))
            outcome.files += [workbook, calendar]
    return outcome


def coverage_of(
    repo: Repository, wave_code: str, today: date | None = None, regions: frozenset[str] | None = None
) -> Coverage:
    """Where the wave stands today: each planned visit's state, counts by region and auditor, unvisited dealers.

    `regions` limits it to those regions' dealers (a regional manager's view: their auditors' counts then hold
    only the visits in their regions)."""
    program = repo.get_program()
    wave = _wave(program, wave_code)
    dealers = [d for d in repo.list_dealers() if regions is None or d.region in regions]
    return coverage_from(repo, wave.code, dealers, repo.list_audits(wave=wave.code), today)


def coverage_from(
    repo: Repository, wave_code: str, dealers: Iterable[Dealer], audits: Iterable[Audit], today: date | None = None
) -> Coverage:
    """The coverage from dealers and audits the caller has already read (the reports read the wave once);
    only the stored plan is read here. Planned visits and audits of dealers outside `dealers` are left out (a
    regional manager's view). A wave with no stored plan gives `Coverage.planned` False."""
    by_code = {d.code: d for d in dealers}
    plan = [v for v in repo.list_plan(wave_code) if v.dealer_code in by_code]
    in_scope = [a for a in audits if a.dealer_code in by_code]
    register = AuditorRegister(repo.list_auditors())
    return wave_coverage(wave_code, plan, in_scope, by_code, today or date.today(), register)

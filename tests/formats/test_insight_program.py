"""The program file's `insight: {outcome: …}` (what the reports' key experience points explain, docs/insight.md):
a KPI id or `composite`, checked at its line, kept through the canonical dict, absent from programs without it."""

from __future__ import annotations

from pathlib import Path

from dealer_audit.core.standard_codec import program_from_dict, program_to_dict
from dealer_audit.formats.standard_yaml import check_program_yaml, load_program

FIXTURES = Path(__file__).parents[1] / "fixtures"
KPI = """
kpis:
  - id: nps
    name: {zh: 净推荐值, en: NPS}
    direction: higher
    curve: {type: linear, floor: 0, target: 60}
    enters: composite
"""


def program_file(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "program.yaml"
    path.write_text((FIXTURES / "mini_program.yaml").read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def test_the_outcome_loads_and_round_trips(tmp_path: Path) -> None:
    program = load_program(program_file(tmp_path, KPI + "insight: {outcome: nps}\n"))
    assert program.insight_outcome == "nps"
    data = program_to_dict(program)
    assert data["insight"] == {"outcome": "nps"}
    assert program_from_dict(data, source=program.source) == program
    assert load_program(program_file(tmp_path, "insight: {outcome: composite}\n")).insight_outcome == "composite"


def test_a_program_without_it_has_none_and_writes_none(tmp_path: Path) -> None:
    program = load_program(program_file(tmp_path, KPI))
    assert program.insight_outcome is None and "insight" not in program_to_dict(program)


def test_an_unknown_outcome_is_reported_at_its_line_with_a_hint(tmp_path: Path) -> None:
    path = program_file(tmp_path, KPI + "insight:\n  outcome: npss\n")
    line = len(path.read_text(encoding="utf-8").splitlines())
    _, problems = check_program_yaml(path)
    (problem,) = [p for p in problems if "outcome" in p.message]
    assert problem.message.startswith("unknown outcome 'npss'") and problem.hint == "did you mean 'nps'?"
    assert problem.location.line in (line - 1, line)

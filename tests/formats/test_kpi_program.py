"""The program file's `kpis:` and `incentives:` sections (core/kpi_codec.py): every problem at its line, and a
round trip through the canonical dict (what storage keeps) that changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealer_audit.core.incentives import StreakStatus  # noqa: F401  (the module loads with the codec)
from dealer_audit.core.kpis import CurveKind, Direction, Enters
from dealer_audit.core.standard_codec import program_from_dict, program_to_dict
from dealer_audit.errors import ValidationFailed
from dealer_audit.formats.standard_yaml import check_program_yaml, load_program

FIXTURES = Path(__file__).parents[1] / "fixtures"
SHIPPED = Path(__file__).parents[2] / "dealer_audit" / "data" / "checklists" / "program-2026.yaml"

GOOD = """
kpis:
  - id: tablet_checkin
    name: {zh: 移动接车率, en: Tablet check-in rate}
    unit: {zh: "%", en: "%"}
    direction: higher
    range: {min: 0, max: 100}
    curve: {type: linear, floor: 40, target: 95}
    enters: kpi_index
    cross_checks:
      - {standard: mini-service, item: R01, threshold: 80}
  - id: complaints
    name: {zh: 千单投诉率, en: Complaints}
    direction: lower
    curve:
      type: bands
      bands:
        - {max: 2, score: 100}
        - {max: 5, score: 60}
        - {score: 0}
    weight: 0.2
    enters: composite
incentives:
  tiers:
    - {code: gold, label: {zh: 金牌, en: Gold}, min: 85, top_percent: 25, payout: {percent: 1.5}}
    - {code: bronze, label: {zh: 铜牌, en: Bronze}, min: 65, payout: {amount: 20000}}
  eligibility: {min_visits: 2, min_kpi_base: 30}
  consecutive: {below: 65, warning_after: 2, penalty_after: 3}
"""


def program_file(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "program.yaml"
    path.write_text((FIXTURES / "mini_program.yaml").read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def test_kpis_and_tiers_load_and_round_trip(tmp_path):
    program = load_program(program_file(tmp_path, GOOD))
    tablet, complaints = program.kpis
    assert tablet.direction is Direction.HIGHER and tablet.curve.kind is CurveKind.LINEAR
    assert (tablet.curve.floor, tablet.curve.target, tablet.weight, tablet.enters) == (40, 95, 1.0, Enters.KPI_INDEX)
    assert tablet.cross_checks[0].item_id == "R01" and tablet.cross_checks[0].threshold == 80
    assert complaints.curve.bands[0].max == 2 and complaints.enters is Enters.COMPOSITE
    assert program.incentives is not None
    assert [t.code for t in program.incentives.tiers] == ["gold", "bronze"]
    assert program.incentives.tiers[1].payout.amount == 20000
    again = program_from_dict(program_to_dict(program))
    assert again.kpis == program.kpis and again.incentives == program.incentives


def test_a_program_without_kpis_keeps_its_canonical_form(mini_program):
    data = program_to_dict(mini_program)
    assert "kpis" not in data and "incentives" not in data


def test_the_shipped_program_defines_the_seven_kpis_and_tiers():
    program = load_program(SHIPPED)
    assert [k.id for k in program.kpis] == [
        "tablet_checkin", "online_booking", "e_invoice", "board_uptime", "complaints", "nps", "csi",
    ]  # fmt: skip
    assert {k.direction for k in program.kpis} == {Direction.HIGHER, Direction.LOWER}
    assert program.incentives is not None and program.incentives.consecutive is not None


BROKEN = """
kpis:
  - id: tablet_checkin
    name: {zh: 移动接车率, en: Tablet}
    direction: higher
    curve: {type: linear, floor: 95, target: 40}
    weight: 0
    cross_checks:
      - {standard: mini-servce, item: R01, threshold: 80}
  - id: tablet_checkin
    name: {zh: 重复, en: Duplicate}
    direction: upwards
    curve: {type: bands, bands: [{min: 5, score: 150}]}
incentives:
  tiers:
    - {code: bronze, label: {zh: 铜, en: Bronze}, min: 65, payout: {amount: 1, percent: 2}}
    - {code: gold, label: {zh: 金, en: Gold}, min: 85, payout: {percent: 1}}
    - {code: none, label: {zh: 无, en: None}, payout: {percent: 1}}
  consecutive: {below: 65, warning_after: 3, penalty_after: 3}
"""


def test_every_problem_is_reported_at_its_line(tmp_path):
    path = program_file(tmp_path, BROKEN)
    offset = len((FIXTURES / "mini_program.yaml").read_text(encoding="utf-8").splitlines())
    _, problems = check_program_yaml(path)
    found = {(p.location.line - offset, p.message.split(":")[0].split(" (")[0]) for p in problems}
    assert (6, "higher is better") in found  # target below floor
    assert (7, "weight must be greater than 0, got 0") in found
    assert (9, "standard 'mini-servce' is not one of the program's checklists") in found
    assert (10, "duplicate id 'tablet_checkin' in kpis") in found
    assert (12, "'upwards' is not a valid direction; use one of higher, lower") in found
    assert (13, "a band's score is 0..100, got 150") in found
    assert (16, "a payout is either an amount or a percent") in found
    assert (17, "tiers are listed best first") in found
    assert (18, "a tier needs 'min'") in found  # nor top_percent
    assert (19, "penalty_after must be greater than warning_after") in found
    hint = next(p.hint for p in problems if "mini-servce" in p.message)
    assert hint == "did you mean 'mini-service'?"
    with pytest.raises(ValidationFailed) as failure:
        load_program(path)
    assert all(str(p).startswith(f"{path}:") for p in failure.value.problems)

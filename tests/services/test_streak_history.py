"""The streak of the consecutive-wave rule counts back over every earlier wave of the program, in the CLI
(`incentives`, services/kpis.wave_scorecard) and in the reports (services/reporting.prepare_wave) alike: a
report's trend window (four waves) does not cut a longer streak short."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dealer_audit.core.kpi_report import incentive_lines
from dealer_audit.core.standard import Program
from dealer_audit.formats.standard_yaml import load_program
from dealer_audit.services.kpis import wave_scorecard
from dealer_audit.services.reporting import TREND_WAVES, prepare_wave

WAVES = [f"2025-Q{q}" for q in (1, 2, 3, 4)] + ["2026-Q1", "2026-Q2"]
PROGRAM = """\
id: mini-program-2026  # replaces the workspace's program
title: {zh: 连续项目, en: Streak program}
scale: 100
checklists:
  - {standard: mini-service, weight: 1}
waves:
%s
regions:
  - {code: east, name: {zh: 华东区, en: East}}
  - {code: north, name: {zh: 华北区, en: North}}
incentives:
  tiers:
    - {code: gold, label: {zh: 金牌, en: Gold}, min: 99.5, payout: {percent: 1.0}}
  consecutive: {below: 99.5, warning_after: 2, penalty_after: 6, penalty: {percent: -0.5}}
"""


def streak_program(tmp_path: Path) -> Program:
    """Six waves, a rule every mini-standard audit stays below: penalty after six waves, warning from two."""
    months = {"Q1": "01", "Q2": "04", "Q3": "07", "Q4": "10"}
    waves = "\n".join(
        f"  - {{code: {w}, title: {{zh: {w}, en: {w}}}, start: {w[:4]}-{months[w[5:]]}-01, "
        f"end: {w[:4]}-{months[w[5:]]}-28}}"
        for w in WAVES
    )
    path = tmp_path / "program.yaml"
    path.write_text(PROGRAM % waves, encoding="utf-8")
    return load_program(path)


def test_a_streak_longer_than_the_trend_window_counts_whole_in_the_cli_and_the_report(
    workspace: Any, make_audit: Any, tmp_path: Path
) -> None:
    assert len(WAVES) > TREND_WAVES  # the streak is longer than a report's trend window
    workspace.repo.save_program(streak_program(tmp_path))
    workspace.repo.save_audits([make_audit(wave=wave, dealer_code="SH001") for wave in WAVES])
    last = WAVES[-1]
    cli = {row.dealer_code: row.streak for row in wave_scorecard(workspace.repo, last).incentives}
    report_card = prepare_wave(workspace, last, generated="2026-06-30").scorecard
    assert report_card is not None
    report = {row.dealer_code: row.streak for row in report_card.incentives}
    assert cli["SH001"] is not None and (cli["SH001"].count, cli["SH001"].status.value) == (6, "penalty")
    assert report == cli
    (line,) = [line for line in incentive_lines(report_card, "en") if line.dealer == "SH001"]
    assert line.streak_status == "penalty" and line.penalty


def test_a_wave_a_dealer_was_not_audited_in_neither_breaks_nor_extends_its_streak(
    workspace: Any, make_audit: Any, tmp_path: Path
) -> None:
    """docs/kpis-and-incentives.md, consecutive waves: "a wave without a composite (not audited) is skipped — it
    neither counts nor cures". SH001 is below in four of the six waves: 2025-Q2 only SH002 was audited (the wave
    is scored, SH001 has no composite in it), 2025-Q4 nobody was (the wave has no scored audit and is passed
    over). Its streak is four waves long (not two: the gaps do not break it; not six: they do not extend it)."""
    workspace.repo.save_program(streak_program(tmp_path))
    audited = {"SH001": ["2025-Q1", "2025-Q3", "2026-Q1", "2026-Q2"], "SH002": ["2025-Q2"]}
    workspace.repo.save_audits(
        [make_audit(wave=wave, dealer_code=code) for code, waves in audited.items() for wave in waves]
    )
    last = WAVES[-1]
    card = wave_scorecard(workspace.repo, last)
    cli = {row.dealer_code: row.streak for row in card.incentives}
    report_card = prepare_wave(workspace, last, generated="2026-06-30").scorecard
    assert report_card is not None
    assert {row.dealer_code: row.streak for row in report_card.incentives} == cli
    sh001, sh002 = cli["SH001"], cli["SH002"]
    assert sh001 is not None and (sh001.count, sh001.status.value) == (4, "warning")
    # SH002: below once (2025-Q2), not audited since: the count stays, nothing cures it
    assert sh002 is not None and (sh002.count, sh002.status.value) == (1, "watch")
    row = card.incentive("SH001")
    assert row is not None and sum(c is not None for c in row.history) == 4

"""`dealer-audit score` and `dealer-audit rescore` end to end on a SQLite workspace (mini standard and program).

The mini program publishes on 1,000 points. make_audit's answers score 84.074… on 0..100 for SH001 (it offers EV
service): reception 5 of 6 points (R02 N/A) weighted 40, waiting 4.5 of 5 weighted 5 (plain points).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.core.answers import Answer, AuditStatus
from dealer_audit.services.scoring_job import load_rescore, load_wave_result

SH001 = (40 * 500 / 6 + 5 * 90) / 45  # 84.074…


@pytest.fixture
def runner() -> CliRunner:
    console.reset_for_tests(200)
    return CliRunner()


@pytest.fixture
def scored_workspace(workspace: Any, make_audit: Any) -> Any:
    repo = workspace.repo
    repo.save_audit(make_audit(audit_id="a-sh001"))
    # SH002: R01 failed (critical, cap 60), all else perfect; no EV service so W04 does not apply
    failed = make_audit(audit_id="a-sh002", dealer_code="SH002")
    answers = {
        **failed.answers,
        "R01": Answer("R01", "no", note="paper sheet"),
        "R02": Answer("R02", "yes"),
        "R04": Answer("R04", 1),
        "W02": Answer("W02", 5),
    }
    answers.pop("W04")
    repo.save_audit(replace(failed, answers=answers))
    repo.save_audit(make_audit(audit_id="a-bj001", dealer_code="BJ001"))
    repo.save_audit(make_audit(audit_id="a-draft", dealer_code="BJ001", status=AuditStatus.DRAFT))
    # last wave: SH002 was perfect, so this wave it dropped and fell a band
    perfect = make_audit(audit_id="q3-sh002", dealer_code="SH002", wave="2026-Q3")
    perfect_answers = {**perfect.answers, "R02": Answer("R02", "yes"), "R04": Answer("R04", 1), "W02": Answer("W02", 5)}
    perfect_answers.pop("W04")
    repo.save_audit(replace(perfect, answers=perfect_answers))
    return workspace


def cells(line: str) -> list[str]:
    """The cells of a rich table row (│ in the body, ┃ in the header)."""
    return [c.strip() for c in line.replace("┃", "│").split("│")[1:-1]]


def header_cells(lines: list[str]) -> list[str]:
    """The header of the first table, its words joined across the lines a header may wrap onto."""
    rows = [cells(line) for line in lines if line.startswith("┃")]
    return [" ".join(part for part in column if part) for column in zip(*rows, strict=True)]


def test_service_scores_the_stored_wave(scored_workspace: Any) -> None:
    result = load_wave_result(scored_workspace.repo, "2026-Q4")
    assert result.previous_wave == "2026-Q3"
    sh001 = result.dealer("SH001")
    assert sh001.composite_100 == pytest.approx(SH001)
    assert sh001.composite == pytest.approx(SH001 * 10)
    assert result.dealer("BJ001").composite == pytest.approx(SH001 * 10)
    sh002 = result.dealer("SH002")
    # reception 5 of 8 points, waiting 4 of 4: raw (40·62.5 + 4·100) / 44 = 65.9, capped at 60 by R01
    assert sh002.checklists[0].raw_index == pytest.approx(2900 / 44)
    assert sh002.composite == 600
    assert [d.rank.network for d in result.dealers] == [1, 1, 3]
    assert [a.kind.value for a in sh002.alerts] == ["critical_failure", "drop", "band_fall"]
    assert [p.code for p in result.problems] == ["draft_not_counted"]


def test_score_table(runner: CliRunner, scored_workspace: Any) -> None:
    result = runner.invoke(app, ["score", "--wave", "2026-Q4", "--lang", "en", "-w", str(scored_workspace.root)])
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == "Service Experience Index — 2026-Q4 (mini-program-2026, 1000-point scale; previous wave 2026-Q3)"
    assert header_cells(lines) == [
        "#",
        "region",
        "dealer",
        "name",
        "MS",
        "/1000",
        "95% CI",
        "EB",
        "band",
        "Δ",
        "Δ test",
        "rank range",
        "n",
        "alerts",
    ]
    rows = [cells(line) for line in lines if line.startswith("│")]
    assert [r[:3] for r in rows] == [["1", "north", "BJ001"], ["1", "east", "SH001"], ["3", "east", "SH002"]]
    # one visit per dealer: no visit-to-visit variance to pool, so no interval, shrinkage or rank range, and the
    # change cannot be told from noise
    assert rows[1][4:] == ["84.1", "840.7", "", "", "Good", "–", "", "", "1", ""]
    assert rows[2][4:] == ["60.0", "600.0", "", "", "Fair", "-400.0", "insufficient data", "", "1", "3"]
    # network: mean of (840.74, 840.74, 600); last wave only SH002 was audited (1000)
    assert "MS = mini-service (0-100)" in lines
    assert "Network: n 3, mean 760.5, median 840.7, min 600.0, max 840.7, Δ -239.5" in lines
    assert "  SH002 drop: composite index dropped 400.0 points (1000.0 → 600.0; insufficient data)" in lines
    assert any("SH002 critical_failure: critical item R01 failed" in line for line in lines)
    assert "draft audit a-draft is not counted" in result.stderr


def test_score_region(runner: CliRunner, scored_workspace: Any) -> None:
    ws = ["-w", str(scored_workspace.root)]
    result = runner.invoke(app, ["score", "--wave", "2026-Q4", "--region", "east", "--lang", "en", *ws])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert header_cells(lines)[:3] == ["#", "reg#", "dealer"]
    assert [cells(line)[:3] for line in lines if line.startswith("│")] == [["1", "1", "SH001"], ["3", "2", "SH002"]]
    unknown = runner.invoke(app, ["score", "--wave", "2026-Q4", "--region", "mars", "--lang", "en", *ws])
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "error: no region mars in wave 2026-Q4 (regions: east, north)"
    typo = runner.invoke(app, ["score", "--wave", "2026-Q4", "--region", "esat", "--lang", "en", *ws])
    assert typo.stderr.strip() == "error: no region esat in wave 2026-Q4 (did you mean east?)"  # as report and insight


def test_score_json_has_every_figure(runner: CliRunner, scored_workspace: Any) -> None:
    result = runner.invoke(app, ["score", "--wave", "2026-Q4", "--json", "-w", str(scored_workspace.root)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["format"], data["wave"], data["previous_wave"], data["program"]["scale"]) == (
        "dealer-audit/wave-scores",
        "2026-Q4",
        "2026-Q3",
        1000,
    )
    sh001 = next(d for d in data["dealers"] if d["code"] == "SH001")
    assert sh001["composite"] == pytest.approx(SH001 * 10)  # full precision, not rounded
    assert sh001["rank"] == {"network": 1, "network_size": 3, "region": 1, "region_size": 2}
    checklist = sh001["checklists"][0]
    assert checklist["standard"] == "mini-service" and checklist["versions"] == ["2026.1"]
    assert checklist["n"] == 1 and checklist["ci95"] is None
    assert [s["percent"] for s in checklist["sections"]] == [pytest.approx(500 / 6), pytest.approx(90)]
    assert {i["item"]: i["status"] for i in checklist["items"]}["R04"] == "new_failure"
    sh002 = next(d for d in data["dealers"] if d["code"] == "SH002")
    assert sh002["delta"] == pytest.approx(-400)
    assert sh002["checklists"][0]["audits"][0]["knock_outs"] == [
        {"item": "R01", "section": "reception", "effect": "cap", "cap": 60, "binding": True}
    ]
    assert sh002["opportunities"][0]["item"] == "R01"
    assert [g["code"] for g in data["regions"]] == ["east", "north"]
    assert data["network"]["composite"]["n"] == 3
    assert data["standards_used"][0]["id"] == "mini-service" and len(data["standards_used"][0]["hash"]) == 64
    assert [p["code"] for p in data["problems"]] == ["draft_not_counted"]
    assert {a["kind"] for a in data["alerts"]} == {"critical_failure", "drop", "band_fall"}


def test_unknown_wave(runner: CliRunner, scored_workspace: Any) -> None:
    result = runner.invoke(app, ["score", "--wave", "2031-Q1", "--lang", "en", "-w", str(scored_workspace.root)])
    assert result.exit_code == 1
    assert "wave 2031-Q1 is neither in program mini-program-2026 (waves: 2026-Q3, 2026-Q4)" in result.stderr


def test_rescore_under_a_newer_version(runner: CliRunner, scored_workspace: Any, mini_standard: Any) -> None:
    sections = list(mini_standard.sections)
    reception = sections[0]
    heavier = tuple(replace(i, weight=10) if i.id == "R03" else i for i in reception.items)
    sections[0] = replace(reception, items=heavier)
    newer = replace(mini_standard, version="2026.2", sections=tuple(sections))
    scored_workspace.repo.save_standard(newer)
    rescore = load_rescore(scored_workspace.repo, "2026-Q4", "mini-service")
    assert rescore.version == "2026.2" and rescore.captured_versions == ("2026.1",)
    row = next(r for r in rescore.rows if r.dealer_code == "SH001")
    # reception under 2026.2: R01 3 + R03 10 + R04 1 of 3 + 10 + 2 points
    assert row.index_after == pytest.approx((40 * 1400 / 15 + 5 * 90) / 45)
    assert row.index_before == pytest.approx(SH001)
    result = runner.invoke(
        app, ["rescore", "--wave", "2026-Q4", "--standard", "mini-service", "--json", "-w", str(scored_workspace.root)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] == "2026.2"
    assert next(d for d in data["dealers"] if d["dealer"] == "SH001")["index_after"] == pytest.approx(row.index_after)
    command = ["rescore", "--wave", "2026-Q4", "--standard", "mini-service", "-w", str(scored_workspace.root)]
    table = runner.invoke(app, command, env={"DEALER_AUDIT_LANG": "en"})  # the workspace speaks zh; read in English
    assert table.exit_code == 0, table.output
    assert "mini-service: wave 2026-Q4 captured on 2026.1, re-scored under 2026.2" in table.stdout


def test_score_json_for_one_region(runner: CliRunner, scored_workspace: Any) -> None:
    ws = ["-w", str(scored_workspace.root)]
    result = runner.invoke(app, ["score", "--wave", "2026-Q4", "--region", "north", "--json", *ws])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["region"] == "north"
    assert [d["code"] for d in data["dealers"]] == ["BJ001"]
    assert [g["code"] for g in data["regions"]] == ["north"]
    assert data["network"]["composite"]["n"] == 3  # the network stays for context
    assert data["dealers"][0]["rank"] == {"network": 1, "network_size": 3, "region": 1, "region_size": 1}
    assert data["alerts"] == []


class _RecordingStream:
    """A text stream that keeps each write separately, to see how the JSON leaves the process."""

    def __init__(self) -> None:
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return len(text)


def test_score_json_streams_one_dealer_at_a_time(scored_workspace: Any) -> None:
    from dealer_audit.services.scoring_job import wave_result_to_dict, write_wave_json

    result = load_wave_result(scored_workspace.repo, "2026-Q4")
    stream = _RecordingStream()
    write_wave_json(result, stream)  # type: ignore[arg-type]
    text = "".join(stream.writes)
    assert json.loads(text) == json.loads(json.dumps(wave_result_to_dict(result)))
    # never the whole document in one string: each dealer leaves in a write of its own
    assert [w.count('"composite_100"') for w in stream.writes if '"composite_100"' in w] == [1, 1, 1]
    assert len(text) > 2 * max(len(w) for w in stream.writes)


def test_score_json_to_a_file(runner: CliRunner, scored_workspace: Any, tmp_path: Any) -> None:
    target = tmp_path / "out" / "scores.json"
    ws = ["-w", str(scored_workspace.root)]
    result = runner.invoke(app, ["score", "--wave", "2026-Q4", "-o", str(target), "--lang", "en", *ws])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote {target}" in result.stderr
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [d["code"] for d in data["dealers"]] == ["BJ001", "SH001", "SH002"]
    on_stdout = runner.invoke(app, ["score", "--wave", "2026-Q4", "--json", *ws])
    assert json.loads(on_stdout.stdout) == data
    folder = runner.invoke(app, ["score", "--wave", "2026-Q4", "-o", str(tmp_path), *ws])
    assert folder.exit_code != 0 and "Traceback" not in folder.output


def test_score_json_is_not_wrapped_on_a_narrow_terminal(scored_workspace: Any) -> None:
    console.reset_for_tests(20)
    result = CliRunner().invoke(app, ["score", "--wave", "2026-Q4", "--json", "-w", str(scored_workspace.root)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["dealers"][0]["code"] == "BJ001"
    assert any(len(line) > 200 for line in result.stdout.splitlines())  # one dealer per line, as written


@pytest.mark.parametrize("width", [80, 60])
def test_score_table_keeps_every_figure_whole_on_a_narrow_terminal(scored_workspace: Any, width: int) -> None:
    from dealer_audit.core.scoring import format_score

    console.reset_for_tests(width)
    score = ["score", "--wave", "2026-Q4", "--lang", "en", "-w", str(scored_workspace.root)]  # English headers
    result = CliRunner().invoke(app, score)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    wave = load_wave_result(scored_workspace.repo, "2026-Q4")
    rows = [line for line in lines if line.startswith("│") and any(d.dealer.code in line for d in wave.dealers)]
    assert len(rows) == len(wave.dealers)
    for d in wave.dealers:
        (line,) = [row for row in rows if d.dealer.code in row]
        assert format_score(d.composite) in [c.strip() for c in line.split("│")]
    assert all(len(line) <= width for line in lines if line.startswith(("│", "┃", "┏")))
    assert any("alerts" in line for line in lines)  # the header whole, not "a"

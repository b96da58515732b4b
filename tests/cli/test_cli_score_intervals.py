"""`dealer-audit score` on the committed sample network through the CLI: every dealer's figures carry their
interval, shrunken estimate, change label and rank range — a dealer with a single visit included."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from tests.cli.sample_workspace import build_sample_workspace
from tests.cli.test_cli_score import header_cells

ROOT = Path(__file__).resolve().parents[2]
LABELS = {"significant", "within noise", "insufficient data"}


def invoke(*args: str) -> Any:
    console.reset_for_tests(250)
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_workspace(tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="module")
def scores(sample_workspace: Path) -> dict[str, Any]:
    return json.loads(invoke("score", "--wave", "2026-Q4", "--json", "-w", str(sample_workspace)).stdout)


def test_json_carries_intervals_shrinkage_labels_and_rank_ranges(scores: dict[str, Any]) -> None:
    size = len([d for d in scores["dealers"] if d["rank"]["network"] is not None])
    for d in scores["dealers"]:
        low, high = d["composite_ci95"]
        assert 0 <= low <= d["composite"] <= high <= 1000, d["code"]
        assert d["shrunk_composite"] is not None
        assert d["delta_test"]["label"] in LABELS
        best, worst = d["rank_range"]["network"]
        assert 1 <= best <= d["rank"]["network"] <= worst <= size
        best, worst = d["rank_range"]["region"]
        assert 1 <= best <= d["rank"]["region"] <= worst <= d["rank"]["region_size"]
        for c in d["checklists"]:
            assert c["ci95"][0] <= c["index"] <= c["ci95"][1]
            assert 0 < c["shrunk"]["factor"] < 1
            assert c["delta_test"]["label"] in LABELS
    variance = scores["variance"]["indices"]
    assert set(variance) == {"svc-mystery-shop", "digital-service"}
    assert all(v["within_df"] > 0 and v["between_variance"] >= 0 for v in variance.values())
    rated = [i for i in scores["network"]["items"] if i["counted"]]
    assert all(i["rate_ci95"][0] <= i["rate"] <= i["rate_ci95"][1] for i in rated)


def test_a_single_visit_dealer_has_an_interval_wider_than_with_more_visits(scores: dict[str, Any]) -> None:
    by_n: dict[int, list[float]] = {}
    for d in scores["dealers"]:
        for c in d["checklists"]:
            if c["standard"] == "svc-mystery-shop":
                by_n.setdefault(c["n"], []).append(c["error"]["standard_error"])
    assert 1 in by_n and max(by_n) > 1  # the sample network has single-visit and repeat-visit dealers
    single = by_n[1][0]
    assert all(se == pytest.approx(single) for se in by_n[1])  # σ / √1 for every one-visit dealer
    assert all(se < single for n, ses in by_n.items() if n > 1 for se in ses)


def test_table_shows_the_new_columns(sample_workspace: Path) -> None:
    console.reset_for_tests(250)  # wide enough that no optional column is dropped
    out = CliRunner().invoke(app, ["score", "--wave", "2026-Q4", "--lang", "en", "-w", str(sample_workspace)]).stdout
    header = header_cells(out.splitlines())
    for title in ("95% CI", "EB", "Δ test", "rank range"):
        assert title in header
    assert "within noise" in out
    assert "rank range = best–worst plausible network rank" in out

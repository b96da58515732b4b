"""Fixtures of the renderer tests (the models themselves are built in report_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from dealer_audit.core.report_model import DealerReport, NetworkReport, RegionReport
from tests.render.report_fixtures import (
    ScoredNetwork,
    make_dealer_report,
    make_network_report,
    make_region_report,
    scored_network,
)


@pytest.fixture
def dealer_report_en() -> DealerReport:
    return make_dealer_report("en")


@pytest.fixture
def dealer_report_zh() -> DealerReport:
    return make_dealer_report("zh")


@pytest.fixture
def region_report_en() -> RegionReport:
    return make_region_report("en")


@pytest.fixture
def network_report() -> NetworkReport:
    return make_network_report(4)


@pytest.fixture
def evidence_dir(tmp_path: Path) -> Path:
    """The evidence store of the hand-written report: one photo named by its (fake) sha256."""
    folder = tmp_path / "evidence"
    folder.mkdir()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(folder / "abc123", "PNG")
    return folder


@pytest.fixture(scope="session")
def network(tmp_path_factory: pytest.TempPathFactory) -> ScoredNetwork:
    """Eight dealers, two waves of the shipped standards, scored by the real core (shared by the session)."""
    return scored_network(str(tmp_path_factory.mktemp("network")))

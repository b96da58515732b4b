"""Fixtures for capture tests: the shared mini standard, dealers with and without EV service, a draft audit."""

from __future__ import annotations

import pytest

from dealer_audit.core.answers import Audit
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import Checklist, LocalText


@pytest.fixture
def standard(mini_standard: Checklist) -> Checklist:
    """tests/fixtures/mini_standard.yaml, through the shared session fixture (tests/conftest.py)."""
    return mini_standard


@pytest.fixture
def ev_dealer() -> Dealer:
    return Dealer("SH001", LocalText("上海一店", "Shanghai One"), "east", attributes={"has_ev_service": True})


@pytest.fixture
def plain_dealer() -> Dealer:
    return Dealer("BJ002", LocalText("北京二店", "Beijing Two"), "north", attributes={"has_ev_service": False})


@pytest.fixture
def draft() -> Audit:
    return Audit("11111111-1111-4111-8111-111111111111", "SH001", "mini-service", "2026.1", "2026-Q4", auditor="王芳")

"""The audit's canonical form lives in core: pure dict <-> Audit, the storage limits only as a hook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dealer_audit.core.audit_form import audit_from_dict, audit_to_dict, evidence_name_problem
from dealer_audit.errors import Location, Problem, ValidationFailed


def test_round_trip_without_any_file_or_database(make_audit: Callable[..., Any]) -> None:
    audit = make_audit()
    assert audit_to_dict(audit_from_dict(audit_to_dict(audit))) == audit_to_dict(audit)


def test_storable_hook_adds_its_problems_to_the_others(make_audit: Callable[..., Any]) -> None:
    data = audit_to_dict(make_audit())
    data["wave"] = ""

    def storable(audit: object, where: Callable[[str], Location]) -> list[Problem]:
        return [Problem(where("auditor"), "too long for the database", "db_limit")]

    with pytest.raises(ValidationFailed) as caught:
        audit_from_dict(data, source="a.json", storable=storable)
    assert {p.location.path for p in caught.value.problems} == {"wave", "auditor"}


def test_evidence_names_outside_the_folder_are_refused() -> None:
    assert evidence_name_problem("board.jpg") == ""
    assert "absolute path" in evidence_name_problem("/etc/passwd")
    assert "'..'" in evidence_name_problem("photos/../../secret")

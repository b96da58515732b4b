"""Capture never resumes a dealer's self-assessment: a self audit imported as a draft is not an auditor's draft."""

from __future__ import annotations

from typing import Any

from dealer_audit.capture.drafts import find_drafts
from dealer_audit.core.answers import Audit, AuditKind


class _Drafts:
    """The one repository call find_drafts makes, over a fixed list (filtering as the repository does)."""

    def __init__(self, audits: list[Audit]) -> None:
        self.audits = audits

    def list_audits(self, wave: Any = None, dealer_code: Any = None, standard_id: Any = None, status: Any = None):
        return [
            a for a in self.audits if a.wave == wave and a.dealer_code == dealer_code and a.standard_id == standard_id
        ]


def test_a_self_assessment_draft_is_not_resumed_but_the_auditors_draft_is() -> None:
    own = Audit("a-visit", "GZ001", "svc-mystery-shop", "2026.1", "2026-Q4", auditor="王芳")
    dealers = Audit("a-self", "GZ001", "svc-mystery-shop", "2026.1", "2026-Q4", auditor="店员", kind=AuditKind.SELF)
    repo = _Drafts([dealers, own])
    found = find_drafts(repo, "GZ001", "svc-mystery-shop", "2026-Q4", None)  # type: ignore[arg-type]
    assert [a.audit_id for a in found] == ["a-visit"]
    assert find_drafts(_Drafts([dealers]), "GZ001", "svc-mystery-shop", "2026-Q4", "2026.1") == []  # type: ignore[arg-type]

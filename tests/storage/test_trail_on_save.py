"""`save_audits(trail=…)`: the row a verified bundle leaves on each audit it created or replaced, in the same
transaction, on SQLite and PostgreSQL (services/bundle_signatures.py writes the details)."""

from __future__ import annotations

from typing import Any

from dealer_audit.core.answers import Answer
from dealer_audit.storage.audits import SaveOutcome

TRAIL = ("signature_verified", "signed by auditor 王芳 with key 9878EDDDD9318730")


def test_trail_rows_for_created_and_replaced_audits_only(loaded_repo: Any, make_audit: Any) -> None:
    audit = make_audit()
    assert loaded_repo.save_audits([audit], who="hq", why="import of a.zip", trail=TRAIL) == [SaveOutcome.CREATED]
    (row,) = loaded_repo.audit_trail(audit.audit_id)
    assert (row.action, row.details, row.who, row.why, row.revision) == (*TRAIL, "hq", "import of a.zip", 1)
    assert loaded_repo.save_audits([audit], trail=TRAIL) == [SaveOutcome.UNCHANGED]
    assert len(loaded_repo.audit_trail(audit.audit_id)) == 1
    changed = audit.with_answer(Answer("R03", "yes"))
    assert loaded_repo.save_audits([changed], replace=True, who="hq", trail=TRAIL) == [SaveOutcome.REPLACED]
    actions = [(r.action, r.revision) for r in loaded_repo.audit_trail(audit.audit_id)]
    assert actions == [("signature_verified", 1), ("replaced", 2), ("signature_verified", 2)]

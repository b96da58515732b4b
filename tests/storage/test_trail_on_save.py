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


def test_a_signed_batch_reads_no_revision_per_audit(loaded_repo: Any, make_audit: Any) -> None:
    """The trail's revision is the one the save just wrote (created: the audit's own, replaced: the new one), not
    read back audit by audit: a bundle of 20 audits costs the same SELECTs as one of 1."""
    import sqlalchemy as sa

    def selects_to_save(audits: list[Any], **options: Any) -> int:
        statements: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        sa.event.listen(loaded_repo.engine, "before_cursor_execute", record)
        try:
            loaded_repo.save_audits(audits, trail=TRAIL, **options)
        finally:
            sa.event.remove(loaded_repo.engine, "before_cursor_execute", record)
        return sum(s.lstrip().upper().startswith("SELECT") for s in statements)

    one = selects_to_save([make_audit(audit_id="one", revision=3)])
    many = [make_audit(audit_id=f"many-{n:02}") for n in range(20)]
    assert selects_to_save(many) == one
    assert [r.revision for r in loaded_repo.audit_trail("one")] == [3]
    changed = [a.with_answer(Answer("R03", "yes")) for a in many[:2]]
    loaded_repo.save_audits(changed, replace=True, who="hq", trail=TRAIL)
    assert [(r.action, r.revision) for r in loaded_repo.audit_trail("many-01")] == [
        ("signature_verified", 1),
        ("replaced", 2),
        ("signature_verified", 2),
    ]

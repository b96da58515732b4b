"""The tables (sqlmodel). Only storage/ sees these rows; everything above it works with the core dataclasses.

Design choices, and why:
- Standards and programs are kept whole as canonical JSON (the codec's dict) next to their identity columns.
  A standard is read as a unit and never queried by item, and storing the canonical form means the content
  hash can be re-checked at any time.
- Times are stored as ISO-8601 text, not timestamp columns: an auditor's "09:30+08:00" must come back exactly
  as given on both SQLite (no time zones) and PostgreSQL (normalises to UTC), or an audit's content digest
  would change on the round trip and re-imports would look like conflicts.
- Answer values are JSON text (``"yes"``, ``7``, ``["wifi","drinks"]``) so every answer type shares one column.
- Tables change only through an Alembic revision (storage/migrations/versions/, docs/storage.md "How to add a
  migration"); tests/storage/test_migrations.py fails when these models and the head revision disagree.
- An audit's `content_digest` (sha256 of its canonical content) makes "same UUID, same content" a cheap
  comparison when thousands of audits are re-imported.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKeyConstraint, Index, Table, Text
from sqlmodel import Field, SQLModel


class SchemaInfo(SQLModel, table=True):
    """The first release's schema marker (``schema_version``), kept equal to the Alembic head's number by
    `storage.schema.upgrade` so that release refuses databases a later revision changed."""

    __tablename__ = "schema_info"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)


class StandardRow(SQLModel, table=True):
    __tablename__ = "standards"

    id: str = Field(primary_key=True, max_length=100)
    version: str = Field(primary_key=True, max_length=50)
    content_hash: str = Field(max_length=64)
    kind: str = Field(max_length=40)
    title_zh: str = ""
    title_en: str = ""
    body: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON of standard_to_dict
    loaded_at: str = Field(max_length=40)


class ProgramRow(SQLModel, table=True):
    __tablename__ = "programs"

    id: str = Field(primary_key=True, max_length=100)
    content_hash: str = Field(max_length=64)
    body: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON of program_to_dict
    loaded_at: str = Field(max_length=40)


class WaveRow(SQLModel, table=True):
    """Waves known to the database: from programs (with titles and dates) and from audits (code only)."""

    __tablename__ = "waves"

    code: str = Field(primary_key=True, max_length=50)
    title_zh: str = ""
    title_en: str = ""
    start: str | None = Field(default=None, max_length=10)
    end: str | None = Field(default=None, max_length=10)
    position: int | None = None  # order in the program; None for waves seen only on audits


class DealerRow(SQLModel, table=True):
    __tablename__ = "dealers"

    code: str = Field(primary_key=True, max_length=50)
    name_zh: str = ""
    name_en: str = ""
    region: str = Field(index=True, max_length=50)
    province: str = ""
    city: str = ""
    group_name: str = ""
    brand: str = ""
    attributes: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON object


class AuditRow(SQLModel, table=True):
    __tablename__ = "audits"
    __table_args__ = (
        ForeignKeyConstraint(["standard_id", "standard_version"], ["standards.id", "standards.version"]),
        Index("ix_audits_wave_dealer", "wave", "dealer_code"),
        Index("ix_audits_standard", "standard_id", "standard_version"),
    )

    audit_id: str = Field(primary_key=True, max_length=64)  # UUID: the key that makes imports idempotent
    dealer_code: str = Field(foreign_key="dealers.code", max_length=50, index=True)
    standard_id: str = Field(max_length=100)
    standard_version: str = Field(max_length=50)
    standard_hash: str = Field(default="", max_length=64)
    wave: str = Field(max_length=50)
    auditor: str = ""
    visit_start: str | None = Field(default=None, max_length=40)
    visit_end: str | None = Field(default=None, max_length=40)
    status: str = Field(default="draft", max_length=20, index=True)
    revision: int = 1
    source: str = ""
    content_digest: str = Field(max_length=64)
    created_at: str = Field(max_length=40)
    updated_at: str = Field(max_length=40)
    finalised_at: str | None = Field(default=None, max_length=40)
    finalised_by: str = ""
    kind: str = Field(default="visit", max_length=20, index=True)  # visit | double | calibration (core AuditKind)
    scenario: str = Field(default="", max_length=100)  # calibration scenario id; "" for other kinds


class AnswerRow(SQLModel, table=True):
    __tablename__ = "answers"

    audit_id: str = Field(primary_key=True, foreign_key="audits.audit_id", ondelete="CASCADE", max_length=64)
    item_id: str = Field(primary_key=True, max_length=100)
    position: int = 0  # keeps the order answers were given in
    value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON; NULL = unanswered
    na: bool = False
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    answered_at: str | None = Field(default=None, max_length=40)


class EvidenceRow(SQLModel, table=True):
    """A file proving an answer; the bytes live in the evidence store under their sha256."""

    __tablename__ = "evidence"
    __table_args__ = (
        ForeignKeyConstraint(["audit_id", "item_id"], ["answers.audit_id", "answers.item_id"], ondelete="CASCADE"),
        Index("ix_evidence_audit", "audit_id"),
        Index("ix_evidence_sha256", "sha256"),
    )

    id: int | None = Field(default=None, primary_key=True)
    audit_id: str = Field(max_length=64)
    item_id: str = Field(max_length=100)
    position: int = 0
    file_name: str
    sha256: str = Field(default="", max_length=64)
    size: int | None = None
    media_type: str = Field(default="", max_length=100)


class AuditTrailRow(SQLModel, table=True):
    """Who changed a finalised (or imported) audit, when and why: the record HQ shows when a score moves."""

    __tablename__ = "audit_trail"

    id: int | None = Field(default=None, primary_key=True)
    audit_id: str = Field(foreign_key="audits.audit_id", ondelete="CASCADE", max_length=64, index=True)
    at: str = Field(max_length=40)
    who: str = ""
    action: str = Field(max_length=40)  # finalised | replaced | answer_changed
    why: str = Field(default="", sa_column=Column(Text, nullable=False))
    revision: int = 1  # the audit's revision after the change
    details: str = Field(default="", sa_column=Column(Text, nullable=False))


class UserRow(SQLModel, table=True):
    """An account of the browser app (needed only when it listens beyond loopback). The password is kept only as
    an argon2id hash (web/accounts.py); regions is a comma-separated list of region codes (regional managers),
    dealers one of dealer codes (dealer accounts, revision 0008)."""

    __tablename__ = "users"

    name: str = Field(primary_key=True, max_length=64)
    role: str = Field(max_length=20)
    regions: str = ""
    dealers: str = ""
    display_name: str = ""
    password_hash: str = Field(sa_column=Column(Text, nullable=False))
    created_at: str = Field(max_length=40)
    updated_at: str = Field(max_length=40)


class ActionRow(SQLModel, table=True):
    """A corrective action at a dealer for an item failed in a wave (core.actions.Action); the natural key
    ``wave/dealer/standard/item`` makes generating a wave's actions twice add nothing."""

    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_dealer", "dealer_code"),
        Index("ix_actions_wave", "wave"),
        Index("ix_actions_status", "status"),
    )

    action_id: str = Field(primary_key=True, max_length=300)
    dealer_code: str = Field(foreign_key="dealers.code", max_length=50)
    wave: str = Field(max_length=50)
    standard_id: str = Field(max_length=100)
    standard_version: str = Field(max_length=50)
    section_id: str = Field(max_length=100)
    item_id: str = Field(max_length=100)
    critical: bool = False
    finding: str = Field(default="", sa_column=Column(Text, nullable=False))
    evidence: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list of file names
    audit_ids: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list
    owner: str = Field(default="", max_length=200)
    due: str | None = Field(default=None, max_length=10)  # ISO date
    status: str = Field(default="open", max_length=20)
    repeat_count: int = 0
    last_wave: str = Field(max_length=50)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    version: int = 1  # bumped on every change: stale workbooks and concurrent edits are noticed
    created_at: str = Field(max_length=40)
    updated_at: str = Field(max_length=40)
    updated_by: str = Field(default="", max_length=200)


class ActionTrailRow(SQLModel, table=True):
    """Every change of an action: who, when, from which status to which, and through what (workbook, audit)."""

    __tablename__ = "action_trail"

    id: int | None = Field(default=None, primary_key=True)
    action_id: str = Field(foreign_key="actions.action_id", ondelete="CASCADE", max_length=300, index=True)
    at: str = Field(max_length=40)
    who: str = Field(default="", max_length=200)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    source: str = Field(default="", sa_column=Column(Text, nullable=False))  # file, wave, command
    details: str = Field(default="", sa_column=Column(Text, nullable=False))


class ReportIssueRow(SQLModel, table=True):
    """The day a wave's report was issued to a dealer: the start of its dispute window."""

    __tablename__ = "report_issues"

    wave: str = Field(primary_key=True, max_length=50)
    dealer_code: str = Field(primary_key=True, foreign_key="dealers.code", max_length=50)
    issued_on: str = Field(max_length=10)  # ISO date
    recorded_at: str = Field(max_length=40)
    recorded_by: str = Field(default="", max_length=200)


class DisputeRow(SQLModel, table=True):
    """A dealer's dispute of one item finding of one audit, and HQ's ruling (core.disputes.Dispute)."""

    __tablename__ = "disputes"
    __table_args__ = (
        Index("ix_disputes_audit_item", "audit_id", "item_id"),
        Index("ix_disputes_wave_dealer", "wave", "dealer_code"),
    )

    dispute_id: str = Field(primary_key=True, max_length=200)
    audit_id: str = Field(foreign_key="audits.audit_id", ondelete="CASCADE", max_length=64)
    dealer_code: str = Field(max_length=50)
    wave: str = Field(max_length=50)
    standard_id: str = Field(max_length=100)
    item_id: str = Field(max_length=100)
    auditor: str = Field(default="", max_length=200)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    evidence: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON: name, sha256, size, type
    filed_at: str = Field(max_length=40)
    filed_by: str = Field(default="", max_length=200)
    status: str = Field(default="open", max_length=20)
    ruled_by: str = Field(default="", max_length=200)
    ruled_at: str | None = Field(default=None, max_length=40)
    ruling_why: str = Field(default="", sa_column=Column(Text, nullable=False))
    revised_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON
    version: int = 1  # a ruling names the version it was made on: one ruling stands


class AuditorRow(SQLModel, table=True):
    """The auditor register (暗访员/稽核员): who may be planned and whose keys may sign bundles."""

    __tablename__ = "auditors"

    id: str = Field(primary_key=True, max_length=100)  # what audits carry in their `auditor` field
    name_zh: str = Field(default="", max_length=200)
    name_en: str = Field(default="", max_length=200)
    home_region: str = Field(max_length=50)
    languages: str = Field(default="", max_length=100)  # comma-separated: zh,en
    active: bool = True
    updated_at: str = Field(max_length=40)


class AuditorKeyRow(SQLModel, table=True):
    """A public key HQ enrolled for an auditor; a revoked key no longer verifies new imports."""

    __tablename__ = "auditor_keys"

    key_id: str = Field(primary_key=True, max_length=16)  # minisign's key id, 16 upper-case hex digits
    auditor_id: str = Field(foreign_key="auditors.id", max_length=100, index=True)
    public_key: str = Field(sa_column=Column(Text, nullable=False))  # the .pub file's text
    enrolled_at: str = Field(max_length=40)
    enrolled_by: str = Field(default="", max_length=100)
    revoked_at: str | None = Field(default=None, max_length=40)
    revoked_why: str = Field(default="", sa_column=Column(Text, nullable=False))


class PlanVisitRow(SQLModel, table=True):
    """One planned visit of a wave plan; re-planning a wave replaces all of its rows in one transaction."""

    __tablename__ = "plan_visits"

    wave: str = Field(primary_key=True, max_length=50)
    dealer_code: str = Field(primary_key=True, max_length=50)
    standard_id: str = Field(primary_key=True, max_length=100)
    auditor_id: str = Field(primary_key=True, max_length=100)
    day: str = Field(max_length=10)  # ISO date
    double: bool = False
    planned_at: str = Field(max_length=40)


class KpiValueRow(SQLModel, table=True):
    """One measured KPI value of a dealer in a wave (DMS or survey vendor file); a re-import of the same file for
    the wave replaces that file's rows (storage/kpis.py)."""

    __tablename__ = "kpi_values"

    wave: str = Field(primary_key=True, max_length=50)
    dealer_code: str = Field(primary_key=True, max_length=50)
    kpi_id: str = Field(primary_key=True, max_length=100)
    value: float
    base_n: int | None = None
    source_file: str = Field(max_length=500, index=True)
    imported_at: str = Field(max_length=40)


def table(name: str) -> Table:
    """A table by name, typed as a SQLAlchemy Table (the models' `__table__` is untyped)."""
    return SQLModel.metadata.tables[name]


ALL_TABLES: list[Table] = [
    table(name)
    for name in (
        "schema_info",
        "standards",
        "programs",
        "waves",
        "dealers",
        "audits",
        "answers",
        "evidence",
        "audit_trail",
        "users",
        "actions",
        "action_trail",
        "report_issues",
        "disputes",
        "auditors",
        "auditor_keys",
        "plan_visits",
        "kpi_values",
    )
]

"""An audit (one visit of one dealer against one standard version) and its answers.

Answer values use one plain representation whatever captured them (wizard, workbook, JSON, ODK/Kobo):
yes_no -> "yes" | "no"; scale -> int; number -> float; single_choice -> option code; multiple_choice -> tuple of
option codes; text -> str; photo -> evidence file name (str). `None` means unanswered; `na=True` means the
auditor declared the item not applicable (only where the item allows it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from dealer_audit.core.standard import LocalText

AnswerValue = str | int | float | tuple[str, ...] | None


class AuditStatus(StrEnum):
    DRAFT = "draft"
    FINALISED = "finalised"


class AuditKind(StrEnum):
    """Why an audit was made, which decides whether it counts in dealer scores (docs/calibration.md).

    - `visit`: an ordinary visit (the default; an audit file without `kind` is one).
    - `double`: one of two (or more) independent visits of the same dealer in the same wave on the same standard
      by different auditors. It is a real visit and counts; the pair is also shared evidence for calibration.
    - `calibration`: an auditor's scoring of a recorded calibration scenario (named by `scenario`) that every
      auditor scores. It measures the auditor, not the dealer, and never counts in any dealer's figures.
    - `self`: the dealer's self-assessment of the same standard, filled by dealer staff before the visit
      (docs/actions-and-disputes.md, "Self-assessment"). `auditor` names the staff member who filled it (optional).
      It is compared with the auditor's visits (core/self_assessment.py) and never enters any index, rank, alert,
      calibration figure, action or dispute: the dealer does not get to mark its own homework.
    """

    VISIT = "visit"
    DOUBLE = "double"
    CALIBRATION = "calibration"
    SELF = "self"

    @property
    def label(self) -> LocalText:
        return AUDIT_KIND_LABELS[self]


AUDIT_KIND_LABELS = {  # each kind's name inside a message (the English one is the value users type in files)
    AuditKind.VISIT: LocalText("普通到访稽核", "visit"),
    AuditKind.DOUBLE: LocalText("双人稽核", "double"),
    AuditKind.CALIBRATION: LocalText("校准演练稽核", "calibration"),
    AuditKind.SELF: LocalText("经销商自评", "self"),
}


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """A file proving an answer; the bytes live in the evidence store or a bundle, named by their sha256."""

    file_name: str
    sha256: str = ""
    size: int | None = None
    media_type: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    """One item's answer in an audit: a value or N/A, an optional note, evidence files, when it was given."""

    item_id: str
    value: AnswerValue = None
    na: bool = False
    note: str = ""
    evidence: tuple[EvidenceRef, ...] = ()
    answered_at: datetime | None = None

    @property
    def is_answered(self) -> bool:
        return self.na or self.value is not None


@dataclass(frozen=True, slots=True)
class Audit:
    """One visit (or double audit, or calibration session) of one dealer against one standard version: the unit
    that is captured, imported idempotently by its UUID, scored and reported."""

    audit_id: str  # UUID, stable across devices: the key that makes imports idempotent
    dealer_code: str
    standard_id: str
    standard_version: str
    wave: str
    auditor: str = ""
    visit_start: datetime | None = None
    visit_end: datetime | None = None
    status: AuditStatus = AuditStatus.DRAFT
    revision: int = 1
    answers: dict[str, Answer] = field(default_factory=dict)
    standard_hash: str = ""  # content hash of the standard it was captured on, when known
    source: str = ""  # where it came from (wizard, file name, ODK export) — for messages and the audit trail
    kind: AuditKind = AuditKind.VISIT
    scenario: str = ""  # the calibration scenario id; set only on kind=calibration

    @property
    def is_final(self) -> bool:
        return self.status is AuditStatus.FINALISED

    @property
    def counts_in_scores(self) -> bool:
        """The one rule deciding whether an audit enters dealer, region and network figures (and so actions and
        disputes): only an auditor's visit of the dealer does. Calibration sessions never do, whatever dealer row
        they name; nor does a dealer's self-assessment."""
        return self.kind in (AuditKind.VISIT, AuditKind.DOUBLE)

    @property
    def rates_auditor(self) -> bool:
        """Whether the audit is an auditor's judgement, which calibration measures: every kind but the dealer's
        self-assessment (dealer staff are not the auditors being calibrated). Capture resumes only such drafts:
        an auditor never continues a dealer's self-assessment as their own visit."""
        return self.kind is not AuditKind.SELF

    def answer(self, item_id: str) -> Answer | None:
        return self.answers.get(item_id)

    def with_answer(self, answer: Answer) -> Audit:
        return replace(self, answers={**self.answers, answer.item_id: answer})

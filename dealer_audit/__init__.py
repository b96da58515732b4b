"""dealer-audit: capture dealer service audits offline, score them against OEM standards, report per dealer.

The public API is re-exported here; the CLI (`dealer-audit`) is a thin layer over it.
"""

from dealer_audit.core.aggregate import WaveResult, score_wave
from dealer_audit.core.answers import Answer, Audit, AuditStatus, EvidenceRef
from dealer_audit.core.conditions import Condition, ConditionError, parse_condition
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.scoring import AuditScore, score_audit
from dealer_audit.core.standard import (
    AnswerType,
    Band,
    Checklist,
    ChecklistKind,
    Critical,
    CriticalEffect,
    Item,
    LocalText,
    Option,
    Program,
    Section,
    Wave,
)
from dealer_audit.core.validation import validate_audit
from dealer_audit.errors import DealerAuditError, Location, NotFound, Problem, ValidationFailed

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "AnswerType",
    "Audit",
    "AuditScore",
    "AuditStatus",
    "Band",
    "Checklist",
    "ChecklistKind",
    "Condition",
    "ConditionError",
    "Critical",
    "CriticalEffect",
    "Dealer",
    "DealerAuditError",
    "EvidenceRef",
    "Item",
    "LocalText",
    "Location",
    "NotFound",
    "Option",
    "Problem",
    "Program",
    "Section",
    "ValidationFailed",
    "Wave",
    "WaveResult",
    "__version__",
    "parse_condition",
    "score_audit",
    "score_wave",
    "validate_audit",
]

"""A dispute of an audit that counts in no score is refused in the user's language: the Chinese refusal names
the audit kind in Chinese (it used to show the English kind value, e.g. "self", inside the Chinese sentence)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from dealer_audit.core.answers import AuditKind
from dealer_audit.errors import Conflict
from dealer_audit.services.disputes import file_dispute, issue_reports


@pytest.mark.parametrize(
    ("kind", "scenario", "zh_kind"),
    [(AuditKind.SELF, "", "经销商自评"), (AuditKind.CALIBRATION, "scenario-1", "校准演练稽核")],
)
def test_a_non_counting_audit_is_refused_in_both_languages(
    loaded_repo: Any, make_audit: Any, kind: AuditKind, scenario: str, zh_kind: str
) -> None:
    audit = make_audit(kind=kind, scenario=scenario)
    loaded_repo.save_audit(audit)
    issue_reports(loaded_repo, "2026-Q4", date(2026, 12, 1), dealer_code="SH001")
    with pytest.raises(Conflict) as refused:
        file_dispute(loaded_repo, audit.audit_id, "R03", "reason", now=datetime(2026, 12, 2, 9).astimezone())
    assert f"is a {kind.value} audit, which counts in no score" in refused.value.text("en")
    zh = refused.value.text("zh")
    assert f"稽核 {audit.audit_id} 是{zh_kind}，不计入任何得分：没有可申诉的稽核结论" == zh
    assert kind.value not in zh  # no English kind inside the Chinese sentence

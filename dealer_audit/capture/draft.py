"""Optimistic concurrency for an open audit: every write carries the version its editor last saw.

Why: an auditor may have the same draft open in two places (a second terminal, the browser app, HQ finalising
or replacing it by import). Locking a draft for as long as a wizard is open would leave stale locks behind
every crash; instead each write says which version it was made against (`Repository.draft_token`: the audit's
revision and content digest, columns the table already has) and the repository refuses, inside the write
transaction, a write against an older version with `errors.DraftChanged` carrying the stored audit.

`DraftStore` keeps the token for one editor. The wizard uses it through the session's `save` callback; the
browser app, which is stateless between requests, can round-trip the token in the page instead and call the
repository with ``expected=token`` itself: the rule lives in the repository either way.
"""

from __future__ import annotations

from typing import Protocol

from dealer_audit.core.answers import Answer, Audit
from dealer_audit.errors import DraftChanged
from dealer_audit.storage.audits import draft_token


class DraftRepository(Protocol):
    """The repository writes that take an expected version (storage.Repository implements them)."""

    def draft_token(self, audit_id: str) -> str: ...
    def save_answer(
        self, audit_id: str, answer: Answer, who: str = "", why: str = "", expected: str | None = None
    ) -> Audit: ...
    def finalise(self, audit_id: str, who: str, why: str = "", expected: str | None = None) -> Audit: ...


class DraftStore:
    """One editor's writes to one audit, each refused (DraftChanged) when the audit changed since the last one.

    After a refusal the store takes the stored version as seen: the front end has just shown it (the refusal
    carries it), so the user's next deliberate write applies to what they now see.
    """

    def __init__(self, repo: DraftRepository, audit_id: str, token: str | None = None) -> None:
        self.repo = repo
        self.audit_id = audit_id
        self.token = token if token is not None else repo.draft_token(audit_id)

    def save_answer(self, answer: Answer) -> Audit:
        try:
            stored = self.repo.save_answer(self.audit_id, answer, expected=self.token)
        except DraftChanged as changed:
            self.token = changed.found
            raise
        self.token = draft_token(stored)
        return stored

    def finalise(self, who: str) -> Audit:
        try:
            stored = self.repo.finalise(self.audit_id, who, expected=self.token)
        except DraftChanged as changed:
            self.token = changed.found
            raise
        self.token = draft_token(stored)
        return stored

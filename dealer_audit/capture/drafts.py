"""Starting, resuming and finalising a draft audit against the database: the UI-free half of capture.

The terminal wizard (capture/wizard.py) and the browser app (web/routes/capture.py) both open their
`CaptureSession` here, so a draft is found, created, wired to autosave and finalised by one implementation:
the same repository calls, the same "one draft per dealer, standard and wave" rule, the same completeness check
before finalising.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from dealer_audit.capture.draft import DraftStore
from dealer_audit.capture.session import CaptureError, CaptureSession, now
from dealer_audit.capture.targets import resolve_target, split_standard
from dealer_audit.core.answers import Answer, Audit
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import Checklist, Wave
from dealer_audit.errors import Conflict


class CaptureRepository(Protocol):
    """The part of storage.Repository capture uses (kept narrow so tests can pass a fake)."""

    def get_dealer(self, code: str) -> Dealer: ...
    def get_standard(self, standard_id: str, version: str) -> Checklist: ...
    def latest_standard(self, standard_id: str) -> Checklist: ...
    def list_waves(self) -> list[Wave]: ...
    def list_audits(
        self,
        wave: str | None = None,
        dealer_code: str | None = None,
        standard_id: str | None = None,
        status: Any = None,
    ) -> list[Audit]: ...
    def get_audit(self, audit_id: str) -> Audit: ...
    def save_audit(self, audit: Audit) -> Any: ...
    def draft_token(self, audit_id: str) -> str: ...
    def save_answer(
        self, audit_id: str, answer: Answer, who: str = "", why: str = "", expected: str | None = None
    ) -> Audit: ...
    def finalise(self, audit_id: str, who: str, why: str = "", expected: str | None = None) -> Audit: ...
    def standard_hash(self, standard_id: str, version: str) -> str | None: ...


def find_drafts(
    repo: CaptureRepository, dealer_code: str, standard_id: str, wave: str, version: str | None
) -> list[Audit]:
    """The stored auditor drafts of this dealer, standard (and version, when named) and wave; a dealer's
    self-assessment imported as a draft is not one to resume."""
    return [
        a
        for a in repo.list_audits(wave=wave, dealer_code=dealer_code, standard_id=standard_id, status="draft")
        if (version is None or a.standard_version == version) and a.rates_auditor
    ]


def session_for(
    repo: CaptureRepository,
    audit: Audit,
    dealer: Dealer | None,
    checklist: Checklist,
    clock: Callable[[], datetime] = now,
    token: str | None = None,
) -> CaptureSession:
    """A session over a stored audit whose every change is saved at once (one short transaction per answer),
    each write carrying the version this editor last saw (`DraftStore`): a change made elsewhere in between is
    refused with DraftChanged instead of being overwritten. `token` is that version when read before the audit."""
    store = DraftStore(repo, audit.audit_id, token)
    session = CaptureSession(checklist, audit, dealer, save=store.save_answer, clock=clock)
    session.draft_store = store
    return session


def open_capture(
    repo: CaptureRepository,
    dealer_code: str,
    standard: str,
    wave: str,
    auditor: str,
    resume: bool,
    clock: Callable[[], datetime] = now,
    source: str = "wizard",
) -> tuple[CaptureSession, bool]:
    """The session for this dealer/standard/wave: a new draft (row created now, with a fresh UUID) or, with
    `resume`, the stored draft. Returns (session, resumed). Unknown names raise NotFound with suggestions."""
    dealer, checklist = resolve_target(repo, dealer_code, standard, wave)
    version = split_standard(standard)[1]
    drafts = find_drafts(repo, dealer.code, checklist.id, wave, version)
    if drafts and not resume:
        latest = max(drafts, key=lambda a: len(a.answers))
        raise Conflict(
            f"dealer {dealer.code} already has a draft {checklist.id} audit for wave {wave} "
            f"({latest.audit_id[:8]}, {len(latest.answers)} answers); continue it with --resume",
            zh=f"经销商 {dealer.code} 在稽核批次 {wave} 中已有一份 {checklist.id} 稽核草稿"
            f"（{latest.audit_id[:8]}，已答 {len(latest.answers)} 项）；请用 --resume 继续填写",
        )
    if drafts:
        chosen = max(drafts, key=lambda a: (len(a.answers), str(a.visit_start or "")))  # naive/aware-safe
        token = repo.draft_token(chosen.audit_id)  # read before the audit: a write in between is caught, not missed
        audit = repo.get_audit(chosen.audit_id)
        if (audit.standard_id, audit.standard_version) != checklist.key:
            checklist = repo.get_standard(audit.standard_id, audit.standard_version)
        resumed = True
    else:
        audit = Audit(
            audit_id=str(uuid.uuid4()),
            dealer_code=dealer.code,
            standard_id=checklist.id,
            standard_version=checklist.version,
            wave=wave,
            auditor=auditor,
            visit_start=clock(),
            standard_hash=repo.standard_hash(checklist.id, checklist.version) or "",
            source=source,
        )
        repo.save_audit(audit)
        token = repo.draft_token(audit.audit_id)
        resumed = False
    return session_for(repo, audit, dealer, checklist, clock, token), resumed


def load_capture(repo: CaptureRepository, audit_id: str, clock: Callable[[], datetime] = now) -> CaptureSession:
    """The session over a stored audit, by id (the browser app reopens it on every request, so a restarted server
    or a second tab always starts from what is stored)."""
    token = repo.draft_token(audit_id)
    audit = repo.get_audit(audit_id)
    checklist = repo.get_standard(audit.standard_id, audit.standard_version)
    dealer = repo.get_dealer(audit.dealer_code)
    return session_for(repo, audit, dealer, checklist, clock, token)


def finalise_capture(repo: CaptureRepository, session: CaptureSession, who: str) -> Audit:
    """Finalise the session's audit when nothing blocks it: every required item answered, every evidence rule met.
    Raises CaptureError naming what is still missing."""
    missing = session.missing_required()
    evidence = session.evidence_missing()
    if missing or evidence:
        parts = []
        if missing:
            parts.append("unanswered: " + ", ".join(i.id for i in missing))
        if evidence:
            parts.append("evidence missing: " + ", ".join(f"{i.id} ({'/'.join(n)})" for i, n in evidence))
        zh_parts = []
        if missing:
            zh_parts.append("未回答：" + "、".join(i.id for i in missing))
        if evidence:
            zh_parts.append("缺少证据：" + "、".join(i.id for i, _ in evidence))
        raise CaptureError(
            "the audit cannot be finalised yet; " + "; ".join(parts),
            "稽核尚不能定稿：" + "；".join(zh_parts),
            "incomplete",
            missing=tuple(i.id for i in missing),
            evidence=tuple(i.id for i, _ in evidence),
        )
    store = session.draft_store
    stored = store.finalise(who) if store is not None else repo.finalise(session.audit.audit_id, who)
    session.adopt(stored)
    return stored

"""Disputes in the browser (申诉): a dealer contests an item finding within the window, HQ rules on it.

Thin over `services.disputes`: filing (`file_dispute`: the window, the failed-item check, one open dispute per
finding), ruling (`rule_dispute`: one ruling stands — the form carries the dispute version the ruler saw, so a
second HQ user ruling at the same moment is told who ruled first) and what a dealer may dispute
(`disputable_findings`, `dispute_window`). An evidence photo goes through the capture upload's checks
(`web/uploads.py`: size, type by content, decodable) before the service copies it into the evidence store.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from dealer_audit.core.actions import requirement_key, requirement_texts
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.disputes import RULINGS, Dispute, DisputeStatus
from dealer_audit.errors import Conflict, DealerAuditError, NotFound
from dealer_audit.services.disputes import disputable_findings, dispute_window, file_dispute, rule_dispute
from dealer_audit.web.follow_up import follower, refuse, require_dealer, today, visible_dealers, workspace_of
from dealer_audit.web.i18n import translate
from dealer_audit.web.pages import render, request_language
from dealer_audit.web.principal import Principal, Role
from dealer_audit.web.uploads import UploadRefused, check_photo, label_of, read_capped, thumbnail

log = logging.getLogger("dealer_audit.web")
router = APIRouter(prefix="/disputes")

STATUS_FILTERS = ("open", "ruled", "all")


@dataclass(frozen=True)
class _Disputed:
    """A disputed finding on the standard version of its audit (what `requirement_texts` reads)."""

    standard_id: str
    standard_version: str
    item_id: str


def _item_texts(request: Request, disputes: Sequence[Dispute]) -> dict[str, str]:
    """Dispute id → the disputed item's text in the page's language, from the version of the standard its audit was
    captured on (the wording the dealer was audited against; the one rule of `requirement_texts`)."""
    repo = workspace_of(request).repo
    versions = repo.standard_versions(d.audit_id for d in disputes)
    found = {
        d.dispute_id: _Disputed(d.standard_id, versions[d.audit_id], d.item_id)
        for d in disputes
        if d.audit_id in versions
    }
    standards = {s.key: s for s in repo.list_standards()}
    texts = requirement_texts(standards, found.values(), request_language(request))
    return {dispute_id: texts[requirement_key(finding)] for dispute_id, finding in found.items()}


def _card_context(request: Request, principal: Principal, disputes: Sequence[Dispute]) -> dict[str, Any]:
    return {"texts": _item_texts(request, disputes), "may_rule": principal.role is Role.HQ, "rulings": RULINGS}


@router.get("", response_class=HTMLResponse)
def disputes_overview(request: Request, status: str = "open") -> Response:
    """HQ and managers: the disputes of the dealers they see (open first); a one-dealer account: its own page."""
    principal = follower(request)
    repo = workspace_of(request).repo
    dealers = {d.code: d for d in visible_dealers(principal, repo.list_dealers())}
    if principal.role is Role.DEALER and len(dealers) == 1:
        return RedirectResponse(f"/disputes/dealers/{next(iter(dealers))}", status_code=303)
    chosen = status if status in STATUS_FILTERS else "open"
    disputes = [d for d in repo.list_disputes() if d.dealer_code in dealers]
    counts = {
        "open": sum(d.is_open for d in disputes),
        "ruled": sum(not d.is_open for d in disputes),
        "all": len(disputes),
    }
    shown = [d for d in disputes if chosen == "all" or (d.is_open == (chosen == "open"))]
    shown.sort(key=lambda d: (not d.is_open, d.filed_at))
    return render(
        request,
        "disputes/overview.html",
        disputes=shown,
        dealers=dealers,
        status=chosen,
        counts=counts,
        **_card_context(request, principal, shown),
    )


def _dealer_page(
    request: Request,
    principal: Principal,
    dealer: Dealer,
    wave: str,
    *,
    status_code: int = 200,
    error: str = "",
    filed: str = "",
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    repo = workspace_of(request).repo
    audited = {a.wave for a in repo.list_audits(dealer_code=dealer.code, status="finalised")}
    waves = [w.code for w in repo.list_waves() if w.code in audited]
    chosen = wave if wave in waves else (waves[-1] if waves else "")
    day = today()
    disputes = [d for d in repo.list_disputes() if d.dealer_code == dealer.code]
    return render(
        request,
        "disputes/dealer.html",
        status_code=status_code,
        dealer=dealer,
        waves=waves,
        wave=chosen,
        window=dispute_window(repo, chosen, dealer.code, day) if chosen else None,
        findings=disputable_findings(repo, dealer.code, chosen) if chosen else [],
        disputes=disputes,
        disputed={(d.audit_id, d.item_id): d for d in sorted(disputes, key=lambda d: d.filed_at)},
        may_file=principal.role in (Role.DEALER, Role.HQ),
        error=error,
        filed=filed,
        form=form or {},
        **_card_context(request, principal, disputes),
    )


@router.get("/dealers/{code}", response_class=HTMLResponse)
def dealer_disputes(request: Request, code: str, wave: str = "", filed: str = "") -> HTMLResponse:
    principal = follower(request)
    dealer = require_dealer(request, principal, code)
    return _dealer_page(request, principal, dealer, wave, filed=filed[:200])


@router.post("/dealers/{code}/file", response_class=HTMLResponse)
async def file(request: Request, code: str) -> Response:
    """A dealer (or HQ on its behalf) contests one finding: reason and an optional photo; refused whole or stored."""
    principal = follower(request, Role.DEALER, Role.HQ)
    dealer = require_dealer(request, principal, code)
    workspace = workspace_of(request)
    lang = request_language(request)
    form = await request.form()
    values = {k: str(form.get(k) or "")[:4000] for k in ("audit_id", "item_id", "reason", "wave")}
    try:
        audit = workspace.repo.get_audit(values["audit_id"])
    except NotFound as error:
        raise refuse(request, 404, "disputes.err.no_audit", str(error), audit=values["audit_id"][:40]) from None
    if audit.dealer_code != dealer.code:  # answered as unknown: whose it is stays unsaid
        cause = f"audit {audit.audit_id} is of {audit.dealer_code}, not {dealer.code}"
        raise refuse(request, 404, "disputes.err.no_audit", cause, audit=values["audit_id"][:40])
    upload = form.get("photo")
    with tempfile.TemporaryDirectory(prefix="dealer-audit-dispute-") as folder:
        evidence: tuple[Path, ...] = ()
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                data = await read_capped(upload, request.app.state.config.max_upload_bytes)
                name = label_of(upload.filename)
                check_photo(data, name)
                target = Path(folder) / name
                target.write_bytes(data)
                evidence = (target,)
            dispute = file_dispute(
                workspace.repo,
                audit.audit_id,
                values["item_id"],
                values["reason"][:2000],
                evidence=evidence,
                evidence_dir=workspace.evidence_dir if evidence else None,
                who=principal.name,
            )
        except UploadRefused as refused:
            mb = request.app.state.config.max_upload_bytes // (1024 * 1024)
            message = translate(f"capture.upload.{refused.code}", lang, name=refused.file_name, limit=mb)
            log.info("dispute of %s/%s: %s", audit.audit_id, values["item_id"], refused)
            status = 413 if refused.code == "too_large" else 422
            return _dealer_page(request, principal, dealer, audit.wave, status_code=status, error=message, form=values)
        except DealerAuditError as refused:
            log.info("dispute of %s/%s refused: %s", audit.audit_id, values["item_id"], refused)
            status = 409 if isinstance(refused, Conflict) else 404 if isinstance(refused, NotFound) else 422
            message = translate("disputes.err.refused", lang, item=values["item_id"][:40], why=refused.text(lang))
            return _dealer_page(request, principal, dealer, audit.wave, status_code=status, error=message, form=values)
    log.info("dispute %s filed by %s", dispute.dispute_id, principal.name)
    return RedirectResponse(f"/disputes/dealers/{dealer.code}?wave={audit.wave}&filed={dispute.dispute_id}", 303)


@router.post("/rule", response_class=HTMLResponse)
def rule(
    request: Request,
    dispute_id: Annotated[str, Form(max_length=300)],
    version: Annotated[int, Form()],
    ruling: Annotated[str, Form()] = "",
    why: Annotated[str, Form(max_length=2000)] = "",
    value: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """HQ rules (htmx): the card comes back ruled, or with why not — someone else ruled first (named)."""
    principal = follower(request, Role.HQ)
    repo = workspace_of(request).repo
    lang = request_language(request)
    dispute = _visible_dispute(request, principal, dispute_id)
    error, status_code = "", 200
    try:
        chosen = DisputeStatus(ruling)
    except ValueError:
        chosen, error, status_code = DisputeStatus.OPEN, translate("disputes.err.ruling", lang), 422
    if not error:
        try:
            dispute = rule_dispute(
                repo, dispute.dispute_id, chosen, who=principal.name, why=why, value=value.strip() or None,
                read_version=version,
            )  # fmt: skip
            log.info("dispute %s ruled %s by %s", dispute.dispute_id, chosen.value, principal.name)
        except Conflict as refused:
            error, status_code = refused.text(lang), 409
            dispute = repo.get_dispute(dispute.dispute_id)
            log.info("ruling on %s by %s refused: %s", dispute.dispute_id, principal.name, refused)
        except DealerAuditError as refused:
            error, status_code = refused.text(lang), 422
    return render(
        request,
        "disputes/_card.html",
        status_code=status_code,
        dispute=dispute,
        error=error,
        just_ruled=not error,
        **_card_context(request, principal, [dispute]),
    )


def _visible_dispute(request: Request, principal: Principal, dispute_id: str) -> Dispute:
    repo = workspace_of(request).repo
    try:
        dispute = repo.get_dispute(dispute_id)
    except NotFound as error:
        raise refuse(request, 404, "disputes.err.no_dispute", str(error), dispute=dispute_id[:80]) from None
    require_dealer(request, principal, dispute.dealer_code)
    return dispute


@router.get("/evidence/{sha256}")
def evidence(request: Request, sha256: str, dispute: str) -> Response:
    """A dispute's evidence photo as a thumbnail, by its hash only, for whoever may see the dispute's dealer."""
    principal = follower(request)
    found = _visible_dispute(request, principal, dispute)
    path = workspace_of(request).evidence.path_for(sha256) if any(e.sha256 == sha256 for e in found.evidence) else None
    if path is None:
        raise refuse(request, 404, "disputes.err.no_photo", f"no evidence {sha256[:16]} on dispute {dispute}")
    try:
        data, media_type = thumbnail(path)
    except (OSError, ValueError) as error:
        raise refuse(request, 404, "disputes.err.no_photo", f"no thumbnail of {path.name}: {error}") from None
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, max-age=86400"})

"""Capture in the browser: find the dealer, start or resume the draft, one page per section, every answer saved at
once through the same `CaptureSession` and repository calls as the terminal wizard (capture/drafts.py).

Each request reopens the session from the database (`load_capture`), so a restarted server, a second tab or a
second person always works on what is stored; nothing lives only in server memory. Item changes answer with the
re-rendered section (conditions re-evaluated: items appear and disappear) plus the sidebar (progress, running
score, what blocks finalising) as an out-of-band swap.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from dealer_audit.capture.drafts import finalise_capture, load_capture, open_capture
from dealer_audit.capture.evidence import release_unused
from dealer_audit.capture.session import CaptureError, CaptureSession
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import AnswerType, Checklist, Section, Wave
from dealer_audit.core.versions import version_key
from dealer_audit.errors import NotFound
from dealer_audit.web.capture_view import (
    ItemNotice,
    answer_text,
    audit_view,
    fingerprint,
    join_words,
    need_words,
    refusal_text,
    section_view,
)
from dealer_audit.web.follow_up import refuse, workspace_of
from dealer_audit.web.i18n import translate
from dealer_audit.web.pages import render, request_language, request_principal
from dealer_audit.web.principal import LOCAL_PRINCIPAL, Principal, Role
from dealer_audit.web.uploads import PHOTO_TYPES, UploadRefused, read_capped, store_photo, thumbnail

log = logging.getLogger("dealer_audit.web")
router = APIRouter(prefix="/capture")

SEARCH_LIMIT = 12
ITEM_ACTIONS = frozenset({"answer", "na", "clear", "note", "photo", "unphoto"})


# ---- helpers --------------------------------------------------------------------------------------------------


def _principal(request: Request) -> Principal:
    return request_principal(request) or LOCAL_PRINCIPAL  # the middleware lets no anonymous request through


def _may_see_dealer(principal: Principal, dealer: Dealer) -> bool:
    """Auditors are sent to any dealer; a regional manager sees only their regions; HQ all. (Dealer accounts never
    get here: app.py refuses them the whole capture router, `not_for_dealer_accounts`.)"""
    if principal.role is Role.REGIONAL:
        return principal.sees_region(dealer.region)
    return True


def _open(request: Request, audit_id: str, edit: bool) -> CaptureSession:
    """The stored audit's session, after checking the principal may see it (and, with `edit`, change it)."""
    repo = workspace_of(request).repo
    try:
        session = load_capture(repo, audit_id)
    except NotFound as error:
        raise refuse(request, 404, "capture.err.no_audit", str(error), audit=audit_id[:40]) from None
    principal = _principal(request)
    audit = session.audit
    region = session.dealer.region if session.dealer else ""
    if not principal.may_view_audit(audit.auditor, region):
        cause = f"{principal.name} ({principal.role.value}) may not open audit {audit.audit_id} of region {region}"
        raise refuse(request, 403, "capture.err.not_visible", cause, dealer=audit.dealer_code)
    if edit and not principal.may_edit_audit(audit.auditor):
        cause = f"{principal.name} ({principal.role.value}) may not change audit {audit.audit_id} of {audit.auditor}"
        raise refuse(request, 403, "capture.err.not_yours", cause, auditor=audit.auditor or "?")
    if edit and audit.is_final:
        raise refuse(request, 409, "capture.err.final", f"audit {audit.audit_id} is finalised")
    return session


def _section(request: Request, session: CaptureSession, section_id: str) -> Section:
    section = next((s for s in session.standard.sections if s.id == section_id), None)
    if section is None:
        raise refuse(request, 404, "capture.err.no_section", f"no section {section_id!r}", section=section_id[:40])
    return section


def _editable(request: Request, session: CaptureSession) -> bool:
    return not session.audit.is_final and _principal(request).may_edit_audit(session.audit.auditor)


def _current_wave(waves: list[Wave]) -> str:
    today = date.today().isoformat()
    for wave in waves:
        if wave.start and wave.end and wave.start <= today <= wave.end:
            return wave.code
    return waves[-1].code if waves else ""


def _latest_standards(standards: list[Checklist]) -> list[Checklist]:
    latest: dict[str, Checklist] = {}
    for checklist in standards:
        known = latest.get(checklist.id)
        if known is None or version_key(checklist.version) > version_key(known.version):
            latest[checklist.id] = checklist
    return sorted(latest.values(), key=lambda c: c.id)


def _matches(dealer: Dealer, query: str) -> bool:
    words = query.lower().split()
    haystack = " ".join(
        (dealer.code, dealer.name.zh, dealer.name.en, dealer.city, dealer.province, dealer.region)
    ).lower()
    return all(word in haystack for word in words)


# ---- starting ---------------------------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def start_page(request: Request) -> HTMLResponse:
    return _start(request)


def _start(request: Request, status: int = 200, error: str = "", form: dict[str, str] | None = None) -> HTMLResponse:
    repo = workspace_of(request).repo
    principal = _principal(request)
    waves = repo.list_waves()
    dealers = {d.code: d for d in repo.list_dealers()}
    drafts = [
        a
        for a in repo.list_audits(status="draft")
        if a.rates_auditor  # a dealer's self-assessment draft is not an auditor's to resume
        and a.dealer_code in dealers
        and principal.may_view_audit(a.auditor, dealers[a.dealer_code].region)
    ]
    drafts.sort(key=lambda a: str(a.visit_start or ""), reverse=True)
    titles = {c.id: c.title for c in repo.list_standards()}
    auditor = principal.name if principal.role is Role.AUDITOR else str(request.session.get("auditor", ""))
    values = {"dealer": "", "standard": "", "wave": _current_wave(waves), "auditor": auditor, **(form or {})}
    chosen = dealers.get(values["dealer"])
    return render(
        request,
        "capture/start.html",
        status_code=status,
        waves=waves,
        standards=_latest_standards(repo.list_standards()),
        drafts=drafts[:50],
        dealers=dealers,
        titles=titles,
        values=values,
        chosen=chosen,
        error=error,
        may_start=principal.may_capture,
        auditor_fixed=principal.role is Role.AUDITOR,
    )


@router.get("/dealers", response_class=HTMLResponse)
def dealer_search(request: Request, q: str = "") -> HTMLResponse:
    """The live search behind the dealer field: code, name (zh/en), city, province or region, all words."""
    principal = _principal(request)
    query = q.strip()[:100]
    found: list[Dealer] = []
    if query:
        for dealer in workspace_of(request).repo.list_dealers():
            if _may_see_dealer(principal, dealer) and _matches(dealer, query):
                found.append(dealer)
    found.sort(key=lambda d: (not d.code.lower().startswith(query.lower()), d.code))
    return render(
        request, "capture/_dealers.html", dealers=found[:SEARCH_LIMIT], more=len(found) > SEARCH_LIMIT, q=query
    )


@router.post("/start", response_class=HTMLResponse)
def start(
    request: Request,
    dealer: Annotated[str, Form()] = "",
    standard: Annotated[str, Form()] = "",
    wave: Annotated[str, Form()] = "",
    auditor: Annotated[str, Form()] = "",
) -> Response:
    """Open the draft of this dealer, standard and wave (resumed when one exists), then go to its first open item."""
    repo = workspace_of(request).repo
    principal = _principal(request)
    lang = request_language(request)
    form = {"dealer": dealer.strip(), "standard": standard.strip(), "wave": wave.strip(), "auditor": auditor.strip()}
    if principal.role is Role.AUDITOR:
        form["auditor"] = principal.name
    if not principal.may_capture:
        raise refuse(request, 403, "capture.err.manager", f"{principal.name} is a {principal.role.value}: no capture")

    def refused(key: str, cause: str, **params: object) -> HTMLResponse:
        log.info("capture start refused: %s", cause)
        return _start(request, 422, translate(key, lang, **params), form)

    if not form["dealer"]:
        return refused("capture.err.no_dealer_given", "no dealer chosen")
    try:
        found = repo.get_dealer(form["dealer"])
    except NotFound as error:
        return refused("capture.err.unknown_dealer", str(error), dealer=form["dealer"][:50])
    if not _may_see_dealer(principal, found):
        return refused("capture.err.not_visible", "dealer outside the principal's regions", dealer=found.code)
    if form["standard"] not in {c.id for c in repo.list_standards()}:
        return refused("capture.err.unknown_standard", f"unknown standard {form['standard']!r}", standard=standard[:50])
    waves = [w.code for w in repo.list_waves()]
    if waves and form["wave"] not in waves:
        return refused("capture.err.unknown_wave", f"unknown wave {form['wave']!r}", wave=wave[:50])
    if not form["auditor"]:
        return refused("capture.err.no_auditor", "no auditor name")
    session, resumed = open_capture(
        repo, found.code, form["standard"], form["wave"], form["auditor"][:100], resume=True, source="web"
    )
    if not principal.may_edit_audit(session.audit.auditor):
        return refused("capture.err.not_yours", "draft of another auditor", auditor=session.audit.auditor)
    if principal.role is not Role.AUDITOR:
        request.session["auditor"] = form["auditor"][:100]
    log.info("capture %s: audit %s (%s)", "resumed" if resumed else "started", session.audit.audit_id, found.code)
    return RedirectResponse(f"/capture/{session.audit.audit_id}", status_code=303)


# ---- the audit ---------------------------------------------------------------------------------------------------


@router.get("/{audit_id}")
def resume(request: Request, audit_id: str) -> Response:
    """Where the audit stands: the section of its first unanswered item (the summary when every item is done)."""
    session = _open(request, audit_id, edit=False)
    item = session.current
    if item is None or session.audit.is_final:
        return RedirectResponse(f"/capture/{session.audit.audit_id}/summary", status_code=303)
    section = session.standard.section_of[item.id]
    return RedirectResponse(f"/capture/{session.audit.audit_id}/section/{section.id}#item-{item.id}", status_code=303)


def _page_context(request: Request, session: CaptureSession) -> dict[str, Any]:
    return {
        "session": session,
        "audit": session.audit,
        "dealer": session.dealer,
        "standard": session.standard,
        "overview": audit_view(session),
        "editable": _editable(request, session),
        "max_upload_bytes": request.app.state.config.max_upload_bytes,
        "max_upload_mb": request.app.state.config.max_upload_bytes // (1024 * 1024),
        "need_words": lambda needs: join_words(need_words(needs, request_language(request)), request_language(request)),
        "AnswerType": AnswerType,
    }


@router.get("/{audit_id}/section/{section_id}", response_class=HTMLResponse)
def section_page(request: Request, audit_id: str, section_id: str) -> HTMLResponse:
    session = _open(request, audit_id, edit=False)
    section = _section(request, session, section_id)
    sections = session.standard.sections
    index = sections.index(section)
    return render(
        request,
        "capture/section.html",
        view=section_view(session, section),
        previous=sections[index - 1] if index > 0 else None,
        following=sections[index + 1] if index + 1 < len(sections) else None,
        **_page_context(request, session),
    )


@router.post("/{audit_id}/item/{item_id}/{action}", response_class=HTMLResponse)
async def item_change(request: Request, audit_id: str, item_id: str, action: str) -> HTMLResponse:
    """One change to one item (answer, N/A, clear, note, photo), saved at once; answers with the section."""
    if action not in ITEM_ACTIONS:
        raise refuse(request, 404, "error.not_found", f"unknown item action {action!r}")
    session = _open(request, audit_id, edit=True)
    lang = request_language(request)
    item = session.standard.items_by_id.get(item_id)
    if item is None:
        raise refuse(request, 404, "capture.refused.unknown_item", f"no item {item_id!r}", item=item_id[:40])
    section = session.standard.section_of[item.id]
    form = await request.form()
    before = session.answer_of(item.id)
    notice = ItemNotice()
    status = 200
    try:
        if action == "answer":
            values = [v for v in form.getlist("value") if isinstance(v, str) and v.strip()]
            if not values and item.type is AnswerType.MULTIPLE_CHOICE:
                session.clear_answer(item.id)  # every box unticked: the item is unanswered again
            else:
                session.answer_item(item.id, ",".join(values) if len(values) > 1 else (values[0] if values else ""))
        elif action == "na":
            session.answer_item(item.id, "na")
        elif action == "clear":
            session.clear_answer(item.id)
        elif action == "note":
            note = form.get("note")
            session.set_note(item.id, (note if isinstance(note, str) else "")[:4000])
        elif action == "unphoto":
            sha256 = form.get("sha256")
            sha256 = sha256 if isinstance(sha256, str) else ""
            session.detach(sha256, item.id)
            workspace = workspace_of(request)
            deleted = release_unused(workspace.evidence, sha256, workspace.repo.evidence_in_use)
            log.info("photo %s taken off %s/%s (file %s)", sha256[:12], audit_id, item.id,
                     "deleted" if deleted else "kept: cited elsewhere")  # fmt: skip
        else:
            session.applicable_item(item.id)
            upload = form.get("photo")
            if not isinstance(upload, UploadFile) and not hasattr(upload, "read"):
                raise UploadRefused("missing", "")
            assert upload is not None and not isinstance(upload, str)
            data = await read_capped(upload, request.app.state.config.max_upload_bytes)
            from dealer_audit.web.uploads import label_of

            ref = store_photo(workspace_of(request).evidence, data, label_of(upload.filename))
            session.attach(ref, item.id)
            log.info(
                "photo %s (%s, %d bytes) attached to %s/%s",
                ref.sha256[:12],
                ref.media_type,
                len(data),
                audit_id,
                item.id,
            )
        notice.saved = True
        base = form.get("base")
        if isinstance(base, str) and base and base != fingerprint(before):
            notice.overwritten = answer_text(before)
            log.info(
                "audit %s item %s: saved over a change made elsewhere (was %s)", audit_id, item.id, notice.overwritten
            )
    except CaptureError as error:
        notice.refused = refusal_text(error, lang)
        status = 422
        log.info("audit %s item %s: %s refused: %s", audit_id, item.id, action, error)
    except UploadRefused as error:
        mb = request.app.state.config.max_upload_bytes // (1024 * 1024)
        notice.refused = translate(f"capture.upload.{error.code}", lang, name=error.file_name, limit=mb)
        status = 413 if error.code == "too_large" else 422
        log.info("audit %s item %s: %s", audit_id, item.id, error)
    return render(
        request,
        "capture/_section_update.html",
        status_code=status,
        view=section_view(session, section, {item.id: notice}),
        **_page_context(request, session),
    )


@router.get("/{audit_id}/summary", response_class=HTMLResponse)
def summary_page(request: Request, audit_id: str) -> HTMLResponse:
    session = _open(request, audit_id, edit=False)
    return render(request, "capture/summary.html", error="", **_page_context(request, session))


@router.post("/{audit_id}/finalise", response_class=HTMLResponse)
def finalise(request: Request, audit_id: str) -> Response:
    session = _open(request, audit_id, edit=True)
    principal = _principal(request)
    who = session.audit.auditor if principal is LOCAL_PRINCIPAL else principal.name  # nobody signs in on loopback
    try:
        finalise_capture(workspace_of(request).repo, session, who or principal.name)
    except CaptureError as error:
        log.info("audit %s: finalise refused: %s", audit_id, error)
        return render(
            request,
            "capture/summary.html",
            status_code=422,
            error=refusal_text(error, request_language(request)),
            **_page_context(request, session),
        )
    log.info("audit %s finalised by %s", audit_id, principal.name)
    return RedirectResponse(f"/capture/{session.audit.audit_id}/summary", status_code=303)


@router.get("/{audit_id}/evidence/{sha256}")
def evidence(request: Request, audit_id: str, sha256: str, thumb: bool = False) -> Response:
    """A photo of this audit, by its hash only (never by a name or path the browser sends)."""
    session = _open(request, audit_id, edit=False)
    refs = {e.sha256: e for a in session.audit.answers.values() for e in a.evidence}
    ref = refs.get(sha256)
    path = workspace_of(request).evidence.path_for(sha256) if ref is not None else None
    if ref is None or path is None:
        raise refuse(request, 404, "capture.err.no_photo", f"no evidence {sha256[:16]} on audit {audit_id}")
    if thumb and ref.media_type.startswith("image/"):
        try:
            data, media_type = thumbnail(path)
        except (OSError, ValueError) as error:  # a stored file Pillow cannot read (e.g. imported, damaged)
            raise refuse(request, 404, "capture.err.no_photo", f"no thumbnail of {path.name}: {error}") from None
        return Response(data, media_type=media_type, headers={"Cache-Control": "private, max-age=86400"})
    headers = {"Cache-Control": "private, max-age=86400"}
    if ref.media_type in PHOTO_TYPES:
        return Response(path.read_bytes(), media_type=ref.media_type, headers=headers)
    headers["Content-Disposition"] = "attachment"  # anything else (imported PDFs, videos) is downloaded, not shown
    return Response(path.read_bytes(), media_type="application/octet-stream", headers=headers)

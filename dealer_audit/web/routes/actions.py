"""Actions in the browser: the follow-up of every failed item (问题追踪), per dealer and per region.

A dealer account sees and updates its own dealer's actions (status, owner, due date, note); HQ may update any on a
dealer's behalf and closes the loop for a wave (`services.actions.generate_actions`: the next wave's audit sets
verified or reopened); a regional manager reads their regions. Every change goes through
`services.actions.update_action`, so the browser refuses exactly what a returned workbook would, naming the field.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dealer_audit.core.actions import (
    DEALER_STATUSES,
    STATUS_LABELS,
    Action,
    ActionStatus,
    requirement_texts,
    summarise_actions,
)
from dealer_audit.core.dealers import Dealer
from dealer_audit.errors import Conflict, NotFound, ValidationFailed
from dealer_audit.services.actions import generate_actions, update_action
from dealer_audit.web.follow_up import (
    follower,
    refuse,
    region_names,
    require_dealer,
    today,
    visible_dealers,
    workspace_of,
)
from dealer_audit.web.i18n import translate
from dealer_audit.web.pages import render, request_language
from dealer_audit.web.principal import Principal, Role

log = logging.getLogger("dealer_audit.web")
router = APIRouter(prefix="/actions")

DEALER_ROWS = 100  # the most overdue dealers first; a region narrows a 3,000-dealer network to its own


def may_update(principal: Principal) -> bool:
    """The dealer (its own actions: `require_dealer` already checked) or HQ on its behalf; managers read."""
    return principal.role in (Role.DEALER, Role.HQ)


@router.get("", response_class=HTMLResponse)
def actions_overview(request: Request, region: str = "") -> Response:
    """Open and overdue actions per region (with links) and per dealer; a one-dealer account goes to its list."""
    principal = follower(request)
    repo = workspace_of(request).repo
    dealers = visible_dealers(principal, repo.list_dealers())
    if principal.role is Role.DEALER and len(dealers) == 1:
        return RedirectResponse(f"/actions/dealers/{dealers[0].code}", status_code=303)
    if region and not any(d.region == region for d in dealers):
        raise refuse(request, 403, "follow.err.not_your_region", f"region {region!r} not visible", region=region[:50])
    by_code = {d.code: d for d in dealers}
    day = today()
    summaries = summarise_actions((a for a in repo.list_action_states() if a.dealer_code in by_code), day)
    regions: dict[str, dict[str, int]] = {}
    for row in summaries:
        counts = regions.setdefault(by_code[row.dealer_code].region, {"dealers": 0, "open": 0, "overdue": 0})
        counts["dealers"] += 1
        counts["open"] += row.open
        counts["overdue"] += row.overdue
    rows = [(by_code[s.dealer_code], s) for s in summaries if not region or by_code[s.dealer_code].region == region]
    rows.sort(key=lambda pair: (-pair[1].overdue, -pair[1].open, pair[0].code))
    total_rows = len(rows)
    return render(
        request,
        "actions/overview.html",
        rows=rows[:DEALER_ROWS],
        total_rows=total_rows,
        regions=sorted(regions.items()),
        region=region,
        region_names=region_names(request),
        show_regions=principal.role is not Role.DEALER,
        waves=[w.code for w in repo.list_waves()] if principal.role is Role.HQ else [],
        today=day,
        generated=None,
    )


@router.post("/generate", response_class=HTMLResponse)
def close_the_loop(request: Request, wave: Annotated[str, Form()] = "") -> Response:
    """HQ: make a wave's actions and let its audits verify or reopen the previous wave's (the service's rules)."""
    principal = follower(request, Role.HQ)
    repo = workspace_of(request).repo
    try:
        result = generate_actions(repo, wave.strip(), who=principal.name)
    except NotFound as error:
        raise refuse(request, 404, "actions.err.no_wave", str(error), wave=wave[:50]) from None
    log.info("actions for %s by %s: %d new, %d verifications", wave, principal.name, len(result.added),
             len(result.verifications))  # fmt: skip
    message = translate(
        "actions.generated",
        request_language(request),
        wave=result.wave,
        added=len(result.added),
        verified=len(result.verified),
        reopened=len(result.reopened),
    )
    return render(request, "actions/_generated.html", message=message)


def _cards(request: Request, dealer: Dealer, actions: list[Action], principal: Principal) -> dict[str, Any]:
    repo = workspace_of(request).repo
    lang = request_language(request)
    standards = {s.key: s for s in repo.list_standards()}
    return {
        "dealer": dealer,
        "texts": requirement_texts(standards, actions, lang),
        "editable": may_update(principal),
        "statuses": DEALER_STATUSES,
        "labels": STATUS_LABELS,
        "today": today(),
    }


@router.get("/dealers/{code}", response_class=HTMLResponse)
def dealer_actions(request: Request, code: str, closed: bool = False) -> HTMLResponse:
    principal = follower(request)
    dealer = require_dealer(request, principal, code)
    actions = workspace_of(request).repo.list_actions(dealer_code=dealer.code)
    shown = [a for a in actions if closed or a.status is not ActionStatus.VERIFIED]
    day = today()
    shown.sort(key=lambda a: (a.status is ActionStatus.VERIFIED, not a.overdue(day), a.due or date.max, a.action_id))
    summary = next(iter(summarise_actions(actions, day)), None)
    return render(
        request,
        "actions/dealer.html",
        actions=shown,
        summary=summary,
        closed=closed,
        hidden=len(actions) - len(shown),
        **_cards(request, dealer, actions, principal),
    )


@router.post("/dealers/{code}/update", response_class=HTMLResponse)
def update(
    request: Request,
    code: str,
    action_id: Annotated[str, Form()],
    version: Annotated[int, Form()],
    status: Annotated[str, Form()] = "",
    owner: Annotated[str, Form(max_length=200)] = "",
    due: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> HTMLResponse:
    """One action changed through its card (htmx): answered with the card, saved or refused naming the field."""
    principal = follower(request, Role.DEALER, Role.HQ)
    dealer = require_dealer(request, principal, code)
    repo = workspace_of(request).repo
    lang = request_language(request)
    try:
        action = repo.get_action(action_id)
    except NotFound as error:
        raise refuse(request, 404, "actions.err.no_action", str(error), action=action_id[:80]) from None
    if action.dealer_code != dealer.code:  # answered as unknown: whose it is stays unsaid
        cause = f"{action_id} is {action.dealer_code}'s, not {dealer.code}'s"
        raise refuse(request, 404, "actions.err.no_action", cause, action=action_id[:80])
    error, field, status_code = "", "", 200
    try:
        new_status = ActionStatus(status)
    except ValueError:
        new_status, field, status_code = action.status, "status", 422
        error = translate("actions.err.status", lang, value=status[:40])
    try:
        new_due = date.fromisoformat(due.strip()) if due.strip() else None
    except ValueError:
        new_due, field, status_code = action.due, "due", 422
        error = translate("actions.err.due", lang, value=due[:40])
    if not error:
        try:
            action = update_action(
                repo, action.action_id, version, new_status, owner, new_due, note, who=principal.name
            )
            log.info("action %s updated by %s: %s", action.action_id, principal.name, action.status.value)
        except ValidationFailed as refused:
            problem = refused.problems[0]
            field, error, status_code = problem.location.path or "status", problem.text(lang), 422
            log.info("action %s: %s refused: %s", action_id, principal.name, problem)
            action = repo.get_action(action_id)
        except Conflict as refused:
            field, error, status_code = "status", refused.text(lang), 409
            action = repo.get_action(action_id)
    return render(
        request,
        "actions/_card.html",
        status_code=status_code,
        action=action,
        error=error,
        field=field,
        saved=not error,
        **_cards(request, dealer, [action], principal),
    )

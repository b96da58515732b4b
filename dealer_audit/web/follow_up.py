"""What the follow-up pages (actions, disputes, coverage) share: who asks, which dealers they may see, refusals.

Why its own module: the three route modules apply one visibility rule (`Principal.sees_dealer`) and refuse in
one way (a `PageRefusal` worded in the user's language), so a dealer account meets the same wall on every page.
The capture and score pages take their workspace and refuse through the same two helpers (`workspace_of`,
`refuse`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from fastapi import Request

from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import LocalText
from dealer_audit.errors import NotFound
from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.i18n import translate
from dealer_audit.web.pages import request_language, request_principal
from dealer_audit.web.principal import Principal, Role
from dealer_audit.web.refusals import PageRefusal


def workspace_of(request: Request) -> Workspace:
    workspace: Workspace = request.app.state.workspace
    return workspace


def refuse(request: Request, status: int, key: str, cause: str, **params: object) -> PageRefusal:
    return PageRefusal(status, translate(key, request_language(request), **params), cause)


def follower(request: Request, *roles: Role) -> Principal:
    """The principal, if their role follows up (HQ, regional managers, dealers; `roles` narrows it further)."""
    principal = request_principal(request)
    allowed = roles or (Role.HQ, Role.REGIONAL, Role.DEALER)
    if principal is None or principal.role not in allowed:
        role = principal.role.value if principal else "nobody"
        raise refuse(request, 403, "follow.err.role", f"{role} may not open {request.url.path}")
    return principal


def visible_dealers(principal: Principal, dealers: Iterable[Dealer]) -> list[Dealer]:
    return [d for d in dealers if principal.sees_dealer(d.code, d.region)]


def require_dealer(request: Request, principal: Principal, code: str) -> Dealer:
    """The dealer `code`, if the principal may see it (404 for an unknown one, 403 for another's)."""
    try:
        dealer = workspace_of(request).repo.get_dealer(code)
    except NotFound as error:
        raise refuse(request, 404, "follow.err.no_dealer", str(error), dealer=code[:50]) from None
    if not principal.sees_dealer(dealer.code, dealer.region):
        cause = f"{principal.name} ({principal.role.value}) may not see dealer {dealer.code}"
        raise refuse(request, 403, "follow.err.not_your_dealer", cause, dealer=dealer.code)
    return dealer


def region_names(request: Request) -> dict[str, LocalText]:
    """The program's region names by code, for pages that show a region (its code stays the link and filter
    value); empty while no program is loaded, so a page then shows the codes."""
    try:
        return {r.code: r.name for r in workspace_of(request).repo.get_program().regions}
    except NotFound:
        return {}


def today() -> date:
    """The server's date: due dates, overdue counts and dispute windows are judged on it."""
    return date.today()


def not_for_dealer_accounts(request: Request) -> None:
    """Router dependency of the network/region/dealer score pages and of capture: a dealer account is refused
    there outright (it sees its own actions and disputes, never the network's scores nor anyone's drafts)."""
    principal = request_principal(request)
    if principal is not None and principal.role is Role.DEALER:
        cause = f"dealer account {principal.name} may not open {request.url.path}"
        raise refuse(request, 403, "follow.err.role", cause)

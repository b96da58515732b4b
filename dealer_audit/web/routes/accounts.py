"""Sign-in and sign-out, and who the signed-in account of a request is (used by the middleware in app.py).

Only a server listening beyond loopback asks anyone to sign in; on 127.0.0.1 the person at the laptop is the
`local` principal and /login just leads home. The session cookie (signed, HttpOnly, SameSite=Strict) holds the
account name and a fingerprint of its password hash, so removing an account or changing its password ends its
sessions at their next request.
"""

from __future__ import annotations

import logging
import threading
from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.accounts import authenticate, password_stamp, principal_of
from dealer_audit.web.csrf import session_token
from dealer_audit.web.i18n import translate
from dealer_audit.web.pages import is_htmx, render, request_language
from dealer_audit.web.principal import Principal
from dealer_audit.web.sign_in_limit import SignInLimit

log = logging.getLogger("dealer_audit.web")
router = APIRouter()

_LIMIT_LOCK = threading.Lock()

PUBLIC_PREFIXES = ("/static/",)
PUBLIC_PATHS = frozenset({"/login"})


def is_public_path(path: str) -> bool:
    """Pages a visitor who has not signed in may fetch: the sign-in page and the packaged assets."""
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def signed_in_principal(request: Request, workspace: Workspace) -> Principal | None:
    """The principal of the request's session, or None (not signed in, account removed, password changed)."""
    name = request.session.get("user")
    if not isinstance(name, str) or not name:
        return None
    account = workspace.repo.get_account(name)
    if account is None or request.session.get("pw") != password_stamp(account):
        request.session.pop("user", None)
        return None
    return principal_of(account)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path on this server (never `//host` or `http://…`)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def sign_in_required(request: Request) -> Response:
    """A page asked for without a signed-in account: plain navigations go to the sign-in page, htmx requests
    are told to navigate there, anything else is refused with 401."""
    target = "/login?next=" + request.url.path if request.method == "GET" else "/login"
    if is_htmx(request):
        return Response(status_code=401, headers={"HX-Redirect": target})
    if request.method == "GET":
        return RedirectResponse(target, status_code=303)
    return render(request, "error.html", status_code=401, message=translate("auth.required", request_language(request)))


def sign_in_limit(app: FastAPI) -> SignInLimit:
    """The app's one counter of failed sign-ins (made on first use; web/sign_in_limit.py says why in memory)."""
    with _LIMIT_LOCK:
        limit: SignInLimit | None = getattr(app.state, "sign_in_limit", None)
        if limit is None:
            limit = app.state.sign_in_limit = SignInLimit()
        return limit


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    if request.app.state.config.loopback_only:
        return RedirectResponse("/", status_code=303)
    return render(request, "accounts/login.html", next=safe_next(next), failed=False, name="")


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    if request.app.state.config.loopback_only:
        return RedirectResponse("/", status_code=303)
    workspace: Workspace = request.app.state.workspace
    address = request.client.host if request.client else "?"
    limit = sign_in_limit(request.app)
    refusal = limit.refusal(name, address)
    if refusal is not None:  # refused before the password is looked at: guessing on gains nothing
        log.warning("sign-in for %r from %s refused: too many failures (%.0f s left)", name[:64], address,
                    refusal.seconds)  # fmt: skip
        message = translate("auth.throttled", request_language(request), minutes=refusal.minutes)
        page = render(
            request, "accounts/login.html", status_code=429, next=safe_next(next), throttled=message, name=name[:64]
        )
        page.headers["Retry-After"] = str(int(refusal.seconds) + 1)
        return page
    account = authenticate(workspace.repo, name, password)
    if account is None:
        limit.failed(name, address)
        log.info("sign-in refused for %r from %s", name[:64], address)
        return render(
            request, "accounts/login.html", status_code=401, next=safe_next(next), failed=True, name=name[:64]
        )
    limit.succeeded(name)
    request.session.clear()  # a fresh session (and CSRF token) for the signed-in account
    request.session["user"] = account.name
    request.session["pw"] = password_stamp(account)
    session_token(request)
    log.info("signed in: %s (%s)", account.name, account.role.value)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    target = "/" if request.app.state.config.loopback_only else "/login"
    return RedirectResponse(target, status_code=303)

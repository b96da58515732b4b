"""Cross-site request forgery protection: every state-changing request carries the session's token.

The token lives in the signed, HttpOnly, SameSite=Strict session cookie; pages carry it in a `<meta>` tag that
htmx sends as the `X-CSRF-Token` header (see base.html) and in a hidden `csrf_token` field of plain forms. A
request without it, or with another session's, is refused before any route runs.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRefused(HTTPException):
    """Raised for a state-changing request without the session's token (HTTP 403)."""

    def __init__(self) -> None:
        super().__init__(status_code=403, detail="csrf")


def session_token(request: Request) -> str:
    """The session's CSRF token, created on first use ("" outside the session middleware: the last-resort 500
    page is rendered there and offers no form)."""
    if "session" not in request.scope:
        return ""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def require_csrf(request: Request) -> None:
    """App-wide dependency: unsafe methods must present the token as a header or a form field."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if not given and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette caches it, so the route reads the same parsed form
        field = form.get(CSRF_FIELD)
        given = field if isinstance(field, str) else None
    if not isinstance(expected, str) or not given or not hmac.compare_digest(expected, given):
        raise CsrfRefused()

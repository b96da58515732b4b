"""The application factory: one FastAPI app per server, over one opened workspace.

Routes live in `web/routes/` (one module per area); this module only wires them to the workspace, the session
cookie, CSRF protection, the language choice and the error pages, so every route can assume all four.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from dealer_audit.errors import Conflict, DealerAuditError, NotFound, ValidationFailed
from dealer_audit.services.looking import LookService
from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.config import WebConfig
from dealer_audit.web.csrf import require_csrf
from dealer_audit.web.follow_up import not_for_dealer_accounts
from dealer_audit.web.i18n import LANG_COOKIE, choose_language, translate
from dealer_audit.web.pages import STATIC_DIR, is_htmx, render, request_language
from dealer_audit.web.principal import LOCAL_PRINCIPAL
from dealer_audit.web.refusals import PageRefusal
from dealer_audit.web.routes import accounts, actions, capture, coverage, disputes, downloads, home, look
from dealer_audit.web.routes.accounts import is_public_path, sign_in_required, signed_in_principal

log = logging.getLogger("dealer_audit.web")

SESSION_COOKIE = "dealer_audit_session"
SESSION_MAX_AGE_S = 12 * 3600  # a field day; then sign in again


def create_app(config: WebConfig, workspace: Workspace | None = None) -> FastAPI:
    """Build the app. `workspace` is opened from `config` when not given (tests pass their own)."""
    ws = workspace or Workspace.open(config.workspace, db_url=config.db_url)
    app = FastAPI(
        title="dealer-audit",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(require_csrf)],
    )
    app.state.config = config
    app.state.workspace = ws
    app.state.look = LookService(ws)  # scored waves cached for the look pages

    _install_middleware(app, config, ws)
    _install_error_pages(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(home.router)
    app.include_router(look.router)  # the network and region pages refuse dealer accounts route by route
    app.include_router(downloads.router)
    app.include_router(accounts.router)
    app.include_router(capture.router, dependencies=[Depends(not_for_dealer_accounts)])
    app.include_router(actions.router)
    app.include_router(disputes.router)
    app.include_router(coverage.router)
    return app


def _install_middleware(app: FastAPI, config: WebConfig, ws: Workspace) -> None:
    @app.middleware("http")
    async def language_and_principal(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        lang = choose_language(
            request.query_params.get("lang"),
            request.cookies.get(LANG_COOKIE),
            request.headers.get("accept-language"),
            ws.language,
        )
        request.state.lang = lang
        request.state.principal = LOCAL_PRINCIPAL if config.loopback_only else signed_in_principal(request, ws)
        length = request.headers.get("content-length")
        response: Response
        if length and length.isdigit() and int(length) > config.max_request_bytes:
            log.info("refused %s %s: %s bytes over the upload limit", request.method, request.url.path, length)
            response = render(
                request,
                "partials/error.html" if is_htmx(request) else "error.html",
                status_code=413,
                message=translate("error.too_large", lang, limit=config.max_upload_bytes // (1024 * 1024)),
            )
        elif request.state.principal is None and not is_public_path(request.url.path):
            response = sign_in_required(request)
        else:
            response = await call_next(request)
        if request.query_params.get("lang") == lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="strict")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    # Added last = outermost: the session is decoded before the middleware above and the routes run.
    app.add_middleware(
        SessionMiddleware,
        secret_key=(config.secret or secrets.token_bytes(32)).hex(),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_S,
        same_site="strict",
        https_only=False,  # served over plain HTTP on the laptop; the cookie is still HttpOnly
    )


def _status_of(error: DealerAuditError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, ValidationFailed):
        return 422
    return 400


def _install_error_pages(app: FastAPI) -> None:
    """User-caused errors become a page (or, for htmx, a fragment) in the user's language; never a traceback."""

    def page(request: Request, status: int, message: str, details: list[str] | None = None) -> Response:
        template = "partials/error.html" if is_htmx(request) else "error.html"
        return render(request, template, status_code=status, message=message, details=details or [])

    @app.exception_handler(DealerAuditError)
    async def domain_error(request: Request, error: DealerAuditError) -> Response:
        log.info("refused %s %s: %s", request.method, request.url.path, error)
        lang = request_language(request)  # the problems' own zh text when the page is Chinese (errors.py)
        details = [p.render(lang) for p in error.problems] if isinstance(error, ValidationFailed) else []
        message = error.summary_text(lang) if isinstance(error, ValidationFailed) else error.text(lang)
        return page(request, _status_of(error), message, details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        lang = request_language(request)
        words = {403: "error.forbidden", 404: "error.not_found", 413: "error.too_large"}
        if isinstance(error, PageRefusal):
            message = error.message
        elif error.detail == "csrf":
            message = translate("error.csrf", lang)
        elif error.status_code in words:
            limit = request.app.state.config.max_upload_bytes // (1024 * 1024)
            message = translate(words[error.status_code], lang, limit=limit)
        else:
            message = str(error.detail)
        log.info("http %s %s %s: %s", error.status_code, request.method, request.url.path, error.detail)
        return page(request, error.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        fields = [".".join(str(part) for part in e.get("loc", ())) + f": {e.get('msg', '')}" for e in error.errors()]
        log.info("bad request %s %s: %s", request.method, request.url.path, fields)
        return page(request, 422, translate("error.title", request_language(request)), fields)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return page(request, 500, translate("error.internal", request_language(request)))

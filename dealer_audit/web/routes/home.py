"""The start page: where to capture, where to look."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.pages import render, request_principal
from dealer_audit.web.principal import Role

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request) -> Response:
    principal = request_principal(request)
    if principal is not None and principal.role is Role.DEALER:  # a dealer's work is its actions and disputes
        return RedirectResponse("/actions", status_code=303)
    workspace: Workspace = request.app.state.workspace
    return render(request, "home.html", workspace=workspace)

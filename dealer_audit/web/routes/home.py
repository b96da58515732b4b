"""The start page: where to capture, where to look."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.pages import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request) -> HTMLResponse:
    workspace: Workspace = request.app.state.workspace
    return render(request, "home.html", workspace=workspace)

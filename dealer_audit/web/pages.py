"""Rendering a page: the Jinja2 environment and what every template can use (language, words, token, user).

Autoescaping is on for every template, so user text (notes, dealer names, standard labels) is always shown as
text, never as markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from dealer_audit.web.csrf import session_token
from dealer_audit.web.i18n import LANGUAGES, local, translator
from dealer_audit.web.principal import Principal

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

templates = Jinja2Templates(
    env=jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True, auto_reload=False)
)
templates.env.globals["LANGUAGES"] = LANGUAGES


def request_language(request: Request) -> str:
    """Chosen once per request by the language middleware (see app.py)."""
    return str(getattr(request.state, "lang", "zh"))


def request_principal(request: Request) -> Principal | None:
    return getattr(request.state, "principal", None)


def is_htmx(request: Request) -> bool:
    """htmx asks for fragments; a plain navigation asks for whole pages."""
    return request.headers.get("HX-Request") == "true"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `template` with the page globals every template relies on."""
    lang = request_language(request)
    base = {
        "request": request,
        "lang": lang,
        "t": translator(lang),
        "local": lambda text: local(text, lang),
        "csrf_token": session_token(request),
        "principal": request_principal(request),
        "other_lang": "en" if lang == "zh" else "zh",
    }
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status_code)

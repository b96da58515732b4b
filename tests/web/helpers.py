"""Small helpers the web tests share: a TestClient over a workspace, the page's CSRF token, a real PNG."""

from __future__ import annotations

import io
import re
from pathlib import Path

from fastapi.testclient import TestClient
from PIL import Image

from dealer_audit.storage.workspace import Workspace
from dealer_audit.web.app import create_app
from dealer_audit.web.config import WebConfig


def make_client(folder: Path, host: str = "127.0.0.1", max_upload_bytes: int | None = None) -> TestClient:
    """A client of the app over `folder`; a non-loopback `host` builds the app in accounts mode (nothing listens:
    TestClient calls the app directly)."""
    extra = {} if max_upload_bytes is None else {"max_upload_bytes": max_upload_bytes}
    config = WebConfig(workspace=folder, host=host, secret=b"k" * 32, **extra)
    return TestClient(create_app(config, Workspace.open(folder)))


def csrf_of(client: TestClient, path: str = "/capture") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf-token" content="([\w-]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def png_bytes(colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def htmx(token: str) -> dict[str, str]:
    return {"X-CSRF-Token": token, "HX-Request": "true"}

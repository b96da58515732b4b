"""What a running server was started with: where its data is, where it listens, and the limits it enforces.

Kept apart from the app factory so tests and the CLI build the same settings the same way.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MAX_UPLOAD_BYTES = 15 * 1024 * 1024  # a phone photo is 2–8 MB; larger uploads are refused with a message


def is_loopback(host: str) -> bool:
    """True when `host` only accepts connections from this machine (the no-sign-in mode)."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebConfig:
    """The server's settings. `workspace` and `db_url` are resolved by `storage.Workspace.open` (same rules as
    every CLI command); `secret` signs session cookies and CSRF tokens."""

    workspace: Path | None = None
    db_url: str | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    secret: bytes = b""
    max_upload_bytes: int = MAX_UPLOAD_BYTES

    @property
    def max_request_bytes(self) -> int:
        """The largest request body accepted at all: one upload plus room for the form's other fields (the upload
        route checks the file itself against `max_upload_bytes` and says so on the item)."""
        return self.max_upload_bytes + 256 * 1024

    @property
    def loopback_only(self) -> bool:
        return is_loopback(self.host)


ENV_SECRET = "DEALER_AUDIT_WEB_SECRET"
SECRET_FILE = ".web-secret"


def server_secret(workspace_root: Path | None) -> bytes:
    """The key that signs session cookies: $DEALER_AUDIT_WEB_SECRET, else a random key kept in the workspace
    (0600), so a restarted server (after a crash or SIGKILL) still accepts the pages the browser has open."""
    from_env = os.environ.get(ENV_SECRET)
    if from_env:
        return from_env.encode()
    if workspace_root is None:
        return secrets.token_bytes(32)
    path = workspace_root / SECRET_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 64:
            return bytes.fromhex(text)
    except (OSError, ValueError):
        pass
    key = secrets.token_bytes(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key.hex())
    except OSError:
        pass  # a read-only workspace: sessions then last as long as this server
    return key

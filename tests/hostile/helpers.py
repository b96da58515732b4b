"""Helpers for the hostile-input corpus: run the CLI, snapshot a workspace, assert a clean refusal.

Every hostile file is built inside the test (tmp_path) and fed through `dealer_audit.cli.app` exactly as a user
would; a refusal must name the culprit, exit non-zero, show no traceback, and leave the database rows and the
evidence store exactly as they were.
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app


def run(*args: str) -> Any:
    """One CLI call with a fixed-width console (as the CLI tests do)."""
    console.reset_for_tests(200)
    # refusals are asserted in English; tests/cli/test_cli_error_language.py covers zh
    return CliRunner().invoke(app, list(args), env={"DEALER_AUDIT_LANG": "en"})


def snapshot(root: Path) -> tuple[list[str], dict[str, str]]:
    """Every row of every table of the workspace's SQLite database, plus the evidence store's files by hash."""
    connection = sqlite3.connect(root / "audit.db")
    try:
        rows = list(connection.iterdump())
    finally:
        connection.close()
    store = root / "evidence"
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(store.iterdir()) if p.is_file()
    } if store.is_dir() else {}  # fmt: skip
    return rows, files


def assert_refused(result: Any, *texts: str) -> None:
    """Non-zero exit, no traceback, and each text in the output (the located message)."""
    output = result.output
    assert result.exit_code != 0, output
    assert "Traceback" not in output, output
    assert not isinstance(result.exception, BaseException) or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    for text in texts:
        assert text in output, f"{text!r} not in:\n{output}"


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG claiming width × height pixels (the shape of a decompression bomb: small file, huge image)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def set_compression_method(path: Path, member: str, method: int) -> None:
    """Rewrite a member's compression method in its local and central headers (e.g. 99, unknown to zipfile)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(member).header_offset
    struct.pack_into("<H", data, offset + 8, method)
    central = data.find(b"PK\x01\x02")  # the first central-directory entry
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_length]) == name:
            struct.pack_into("<H", data, central + 10, method)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))

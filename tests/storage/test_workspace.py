"""Workspaces (init, finding one, database override), the evidence store, URLs and password redaction."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from dealer_audit.errors import ConfigurationError, Conflict
from dealer_audit.storage.db import normalise_url, redact_url, scrub_secret
from dealer_audit.storage.repository import Repository
from dealer_audit.storage.workspace import EvidenceStore, Settings, Workspace


def test_init_creates_settings_database_and_evidence(tmp_path):
    ws = Workspace.init(tmp_path / "laptop", language="en")
    assert (tmp_path / "laptop" / "dealer-audit.toml").is_file()
    assert (tmp_path / "laptop" / "audit.db").is_file()
    assert (tmp_path / "laptop" / "evidence").is_dir()
    assert ws.language == "en" and ws.repo.dialect == "sqlite"
    ws.close()
    with sqlite3.connect(tmp_path / "laptop" / "audit.db") as connection:
        assert connection.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert Settings.read(tmp_path / "laptop" / "dealer-audit.toml") == Settings("sqlite:///audit.db", "en")


def test_foreign_keys_are_enforced_on_sqlite(tmp_path):
    with Workspace.init(tmp_path / "ws") as ws, ws.repo.engine.connect() as connection:
        assert connection.exec_driver_sql("pragma foreign_keys").scalar() == 1


def test_init_twice_is_refused(tmp_path):
    Workspace.init(tmp_path).close()
    with pytest.raises(Conflict, match="already a dealer-audit workspace"):
        Workspace.init(tmp_path)


def test_open_finds_the_workspace_upwards(tmp_path, monkeypatch):
    Workspace.init(tmp_path / "ws").close()
    deep = tmp_path / "ws" / "photos" / "day1"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    with Workspace.open() as ws:
        assert ws.root == (tmp_path / "ws").resolve()
        assert ws.repo.count_audits() == 0  # the relative SQLite path resolves against the workspace


def test_open_uses_the_environment_variable(tmp_path, monkeypatch):
    Workspace.init(tmp_path / "ws").close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DEALER_AUDIT_WORKSPACE", str(tmp_path / "ws"))
    assert Workspace.open().root == (tmp_path / "ws").resolve()


def test_no_workspace_tells_how_to_create_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError, match="Run `dealer-audit init`"):
        Workspace.open()
    with pytest.raises(ConfigurationError, match="is not a dealer-audit workspace"):
        Workspace.open(tmp_path)


def test_db_override_by_argument_and_environment(tmp_path, monkeypatch):
    Workspace.init(tmp_path / "ws").close()
    other = tmp_path / "other.db"
    with Workspace.open(tmp_path / "ws", db_url=f"sqlite:///{other}") as ws:
        ws.repo.count_audits()
    assert other.exists()
    monkeypatch.setenv("DEALER_AUDIT_DB", "postgresql://hq:s3cr3t-pw@db.example/audits")
    ws = Workspace.open(tmp_path / "ws")
    assert ws.db_url.startswith("postgresql://hq:")
    assert "s3cr3t-pw" not in ws.display_db_url and "***" in ws.display_db_url
    assert "s3cr3t-pw" not in repr(ws)


def test_bad_settings_are_reported(tmp_path):
    Workspace.init(tmp_path).close()
    (tmp_path / "dealer-audit.toml").write_text('[ui]\nlanguage = "fr"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="language must be one of zh, en"):
        Workspace.open(tmp_path)
    (tmp_path / "dealer-audit.toml").write_text("[ui\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="cannot read the workspace settings"):
        Workspace.open(tmp_path)


def test_evidence_store_is_content_addressed(tmp_path):
    store = EvidenceStore(tmp_path / "evidence")
    source = tmp_path / "门头.JPG"
    source.write_bytes(b"\xff\xd8\xff photo")
    first = store.add_file(source)
    second = store.add_bytes(b"\xff\xd8\xff photo", "copy.jpg")
    assert first.sha256 == second.sha256 and first.size == 9 and first.media_type == "image/jpeg"
    assert first.file_name == "门头.JPG"
    assert [p.name for p in (tmp_path / "evidence").iterdir()] == [f"{first.sha256}.jpg"]
    assert store.path_for(first.sha256).read_bytes() == b"\xff\xd8\xff photo"
    with pytest.raises(Conflict, match="expected"):
        store.add_bytes(b"other", "x.jpg", expected_sha256=first.sha256)
    assert store.path_for("../../etc/passwd") is None


def test_evidence_store_reads_the_media_type_from_content_and_streams_files(tmp_path, monkeypatch):
    """One rule for every way evidence arrives: a PNG renamed .jpg is a PNG whether attached or imported, and
    a file is copied in blocks, never read whole into memory."""
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
    source = tmp_path / "renamed.jpg"
    source.write_bytes(png)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} read whole"))
    store = EvidenceStore(tmp_path / "evidence")
    ref = store.add_file(source)
    assert ref.media_type == "image/png" and ref.size == len(png)
    assert store.add_bytes(png, "other.jpg").media_type == "image/png"
    with pytest.raises(Conflict, match="expected"):
        store.add_file(source, expected_sha256="0" * 64)
    text = store.add_bytes(b"plain words", "notes.txt")
    assert text.media_type == "text/plain"
    assert sorted(p.name for p in (tmp_path / "evidence").iterdir()) == sorted(
        [f"{ref.sha256}.jpg", f"{text.sha256}.txt"]
    )


# ---- URLs and secrets ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://hq:pa55word@db:5432/audits", "postgresql://hq:***@db:5432/audits"),
        ("postgresql+psycopg://hq:p%40ss@db/audits", "postgresql+psycopg://hq:***@db/audits"),
        ("postgresql://hq@db/audits", "postgresql://hq@db/audits"),
        ("sqlite:///audit.db", "sqlite:///audit.db"),
        ("weird://user:pa55word@host:notaport/x", "weird://user:***@host:notaport/x"),
        ("postgresql://hq:p@ss@db/audits", "postgresql://hq:***@db/audits"),  # raw '@' in the password
    ],
)
def test_redact_url(url, shown):
    assert redact_url(url) == shown


def test_scrub_secret_removes_the_password_from_driver_messages():
    url = "postgresql://hq:Tr0ub4dor@db/audits"
    message = 'connection to "postgresql://hq:Tr0ub4dor@db/audits" failed; password Tr0ub4dor rejected'
    assert "Tr0ub4dor" not in scrub_secret(message, url)


def test_unreachable_database_error_hides_the_password(caplog):
    url = "postgresql://hq:Zz-secret-42@127.0.0.1:1/audits"  # port 1: nothing listens
    with caplog.at_level(logging.DEBUG), pytest.raises(ConfigurationError) as caught:
        Repository.open(url)
    assert "Zz-secret-42" not in str(caught.value)
    assert "postgresql+psycopg://hq:***@127.0.0.1:1/audits" in str(caught.value)
    assert "Zz-secret-42" not in caplog.text


def test_unsupported_database_is_a_clear_error():
    with pytest.raises(ConfigurationError, match="unsupported database mysql://u:\\*\\*\\*@h/db"):
        normalise_url("mysql://u:pw@h/db")


def test_raw_at_sign_in_password_is_refused_without_showing_it():
    with pytest.raises(ConfigurationError) as caught:
        normalise_url("postgresql://hq:se@cret@db/audits")
    assert "write it as %40" in str(caught.value) and "cret" not in str(caught.value)

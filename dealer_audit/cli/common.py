"""Options commands share, each declared once with one validation and one default rule, and the one way to open
a workspace.

* ``--workspace`` / ``--db``: commands declare ``workspace: WorkspaceOption = None, db: DbOption = None`` (plus
  ``evidence_dir: EvidenceDirOption = None`` when they read or write evidence) and call
  ``open_workspace(workspace, db, …)``; the lookup order (option, environment variable, nearest dealer-audit.toml
  upwards, else the database alone) lives in `Workspace.open`, so every command finds the same workspace the same
  way.
* ``--wave``: `WaveOption` (required) or `OptionalWaveOption`; a wave code is one word (letters, digits, ``.-_``).
* ``--lang``: `LangOption`, always ``None`` by default; `resolve_lang(lang, workspace)` applies the one default
  rule: the option, else the workspace's language, else zh. `zh-CN`/`EN` are accepted and normalised.
* ``--region``: `RegionOption` (one region) or `RegionsOption` (repeatable, comma lists allowed); a region code is
  one word. Whether it exists is the service's answer (with close matches).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import URL

from dealer_audit.cli.error_language import LANG_KEY, WORKSPACE_KEY, bad_parameter, remember
from dealer_audit.storage.db import normalise_url
from dealer_audit.storage.workspace import ENV_DB, ENV_EVIDENCE, ENV_WORKSPACE, Workspace


def lang_option(ctx: typer.Context, value: str | None) -> str | None:
    """--lang: validated, and recorded for the language of error messages (cli/error_language.py)."""
    chosen = check_lang(value)
    remember(ctx, LANG_KEY, chosen)
    return chosen


def _workspace_option(ctx: typer.Context, value: Path | None) -> Path | None:
    """--workspace: recorded so an error message can use that workspace's language (cli/error_language.py)."""
    remember(ctx, WORKSPACE_KEY, value)
    return value


WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar=ENV_WORKSPACE,
        show_envvar=True,
        file_okay=False,
        callback=_workspace_option,
        help="Workspace folder (default: the nearest folder with dealer-audit.toml, from here upwards).",
    ),
]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=ENV_DB,
        show_envvar=True,
        show_default=False,
        help="Database URL overriding the workspace's, e.g. postgresql://user@hq-db/audits (HQ).",
    ),
]


EvidenceDirOption = Annotated[
    Path | None,
    typer.Option(
        "--evidence-dir",
        envvar=ENV_EVIDENCE,
        show_envvar=True,
        file_okay=False,
        show_default=False,
        help="Evidence folder (photos and files); default: the workspace's. Needed with --db and no workspace.",
    ),
]


WhoOption = Annotated[
    str,
    typer.Option("--who", envvar="DEALER_AUDIT_AUDITOR", help="Your name for the trail (default: login name)."),
]


def who_or_login(who: str) -> str:
    """The name a trail records: --who, else the login name ('' when the system has none, e.g. containers)."""
    if who:
        return who
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def open_workspace(
    workspace: Path | None = None,
    db: str | None = None,
    evidence_dir: Path | None = None,
    needs_evidence: bool = False,
    stores_evidence: bool = False,
) -> Workspace:
    """Open the workspace a command runs in (errors are ConfigurationError messages, never tracebacks).

    With `needs_evidence`, a command that reads or writes evidence stops here, before touching anything, when
    there is no evidence folder (HQ on --db alone without --evidence-dir) or the one given does not exist; with
    `stores_evidence` also when that folder is read-only.
    """
    ws = Workspace.open(workspace, db_url=db, evidence_dir=evidence_dir)
    if needs_evidence or stores_evidence:
        ws.evidence_dir  # noqa: B018 — raises the message naming --evidence-dir
    if stores_evidence:
        ws.check_evidence_writable()
    return ws


def database_url(workspace: Path | None = None, db: str | None = None) -> URL:
    """The database a command works on: `--db` alone needs no workspace (relative paths: from here); without it,
    the workspace's database (relative paths: from the workspace folder)."""
    if db and workspace is None:
        return normalise_url(db, Path.cwd())
    with Workspace.open(workspace, db_url=db) as ws:
        return normalise_url(ws.db_url, ws.root)


_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_CODE_KINDS_ZH = {"wave": "批次", "region": "区域"}
LANGUAGES = ("zh", "en")


def _code(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not _CODE.fullmatch(value):
        raise bad_parameter(
            f"{value!r} is not a {what} code (one word: letters, digits, '.', '-', '_')",
            f"{value!r} 不是有效的{_CODE_KINDS_ZH.get(what, what)}代码（只能是一个词：字母、数字、'.'、'-'、'_'）",
        )
    return value


def parse_day(value: str | None, option: str) -> date | None:
    """The one reading of a date option (yyyy-mm-dd), refused in the user's language; None when not given, so
    each command keeps its own default (today in UTC, or the local today)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad_parameter(
            f"{value!r} is not a date (yyyy-mm-dd)", f"{value!r} 不是日期（格式为 yyyy-mm-dd）", param_hint=option
        ) from None


def check_wave(value: str | None) -> str | None:
    """The one validation of a wave code."""
    return _code(value, "wave")


def check_lang(value: str | None) -> str | None:
    """The one validation of a language: zh or en (zh-CN, zh_cn, EN… accepted), None when not given."""
    if value is None:
        return None
    lowered = value.strip().lower().replace("_", "-")
    chosen = "zh" if lowered in ("zh", "zh-cn", "cn") else "en" if lowered in ("en", "en-us", "en-gb") else None
    if chosen is None:
        raise bad_parameter(f"use zh or en, not {value!r}", f"请使用 zh 或 en，而不是 {value!r}")
    return chosen


def check_region(value: str | None) -> str | None:
    """The one validation of a region code."""
    return _code(value, "region")


def check_regions(values: list[str] | None) -> list[str] | None:
    """Repeated --region options, each possibly a comma list."""
    if values is None:
        return None
    parts = [part for entry in values for part in entry.split(",") if part.strip()]
    return [code for code in (_code(part, "region") for part in parts) if code]


def resolve_lang(lang: str | None, workspace: Workspace | None = None) -> str:
    """The one default rule of --lang: the option, else the workspace's language, else zh."""
    if lang is not None:
        return lang
    if workspace is not None and workspace.language in LANGUAGES:
        return workspace.language
    return "zh"


WaveOption = Annotated[str, typer.Option("--wave", callback=check_wave, help="Audit wave, e.g. 2026-Q4.")]
OptionalWaveOption = Annotated[
    str | None, typer.Option("--wave", callback=check_wave, help="Audit wave, e.g. 2026-Q4.")
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        callback=lang_option,
        show_default=False,
        help="Language: zh or en (default: the workspace's language; zh outside a workspace).",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print every figure as JSON (full precision) instead of tables.")
]
RegionOption = Annotated[
    str | None, typer.Option("--region", callback=check_region, help="Only this region (its code, e.g. east).")
]
RegionsOption = Annotated[
    list[str] | None,
    typer.Option("--region", callback=check_regions, help="Only these regions (repeat, or separate codes by commas)."),
]

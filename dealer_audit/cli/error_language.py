"""Which language the CLI prints errors and warnings in, and the printing itself.

The rule (README, "Language of error messages"): the command's ``--lang``, else ``DEALER_AUDIT_LANG``, else the
workspace's ``[ui] language`` (the workspace given by ``--workspace``/``DEALER_AUDIT_WORKSPACE``, else the nearest one),
else the system locale (``LC_ALL``, then ``LANG``: zh… → Chinese), else English. ``DEALER_AUDIT_LANG`` comes before the
workspace's setting because it already overrides that setting everywhere else (`Workspace.open`). A message without
a Chinese text yet is printed in English, never left out.

The options record what they parsed in the click context's `meta` (shared by a command and its group), so the
error handler in cli/app.py, which runs after the command's own context is gone, still knows them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import typer

from dealer_audit.cli.console import err, escape
from dealer_audit.errors import DealerAuditError, Severity, ValidationFailed, is_zh, pick
from dealer_audit.storage.workspace import ENV_LANG, ENV_WORKSPACE, SETTINGS_FILE, Settings, Workspace

LANG_KEY = "dealer_audit.lang"
WORKSPACE_KEY = "dealer_audit.workspace"


def remember(ctx: click.Context | None, key: str, value: object) -> None:
    """Called by the option callbacks in cli/common.py (no-op outside a click context, e.g. direct calls)."""
    if ctx is not None and value is not None:
        ctx.meta[key] = value


def _workspace_language(meta: dict[str, object]) -> str | None:
    chosen = meta.get(WORKSPACE_KEY) or os.environ.get(ENV_WORKSPACE) or None
    try:
        root = Path(str(chosen)).expanduser() if chosen else Workspace.find_root()
        if root is None or not (root / SETTINGS_FILE).is_file():
            return None
        return Settings.read(root / SETTINGS_FILE).language
    except (DealerAuditError, OSError, ValueError):  # an unreadable settings file: that error is being printed
        return None


def error_language(ctx: click.Context | None) -> str:
    """zh or en for the messages of the command run in `ctx` (the rule in the module docstring); without a
    context (a command body runs outside click's context stack) the options are unknown and the rest applies."""
    meta = ctx.meta if ctx is not None else {}
    chosen = meta.get(LANG_KEY)
    if chosen:
        return str(chosen)
    environment = os.environ.get(ENV_LANG, "").strip()
    if environment:
        return "zh" if is_zh(environment) else "en"
    workspace = _workspace_language(meta)
    if workspace:
        return workspace
    for variable in ("LC_ALL", "LANG"):
        locale = os.environ.get(variable, "").strip()
        if locale:
            return "zh" if is_zh(locale) else "en"
    return "en"


def _running_context() -> click.Context | None:
    """The context of the command running now, from whichever click typer runs on: recent typer releases carry
    their own copy of click (`typer._click`), whose context stack the installed click cannot see, so without this
    a command body's `--lang` and `--workspace` were ignored."""
    found = click.get_current_context(silent=True)
    vendored = sys.modules.get("typer._click.globals")
    if found is None and vendored is not None:
        found = vendored.get_current_context(silent=True)  # same interface as click.Context
    return found


def current_language() -> str:
    """`error_language` of the command running now (for commands that print warnings and refusals themselves)."""
    return error_language(_running_context())


def bad_parameter(en: str, zh: str, param_hint: str | None = None) -> typer.BadParameter:
    """A refused option value in the running command's language (click frames it: "Invalid value for '--x': …")."""
    return typer.BadParameter(pick(en, zh, current_language()), param_hint=param_hint)


def warning_prefix(lang: str) -> str:
    """ "warning: " / "警告：" before a warning line printed by a command."""
    return _label(Severity.WARNING, lang)


def _label(severity: Severity, lang: str) -> str:
    """ "错误：" (a full-width colon carries its own space) or "error: "."""
    return severity.label(lang) + ("：" if is_zh(lang) else ": ")


def print_failure(failure: ValidationFailed, lang: str) -> None:
    """The summary, then every problem (error or warning) at its location, in `lang`."""
    summary = escape(failure.summary_text(lang))
    err.print(f"[bold red]{_label(Severity.ERROR, lang)}[/]{summary}", markup=True, soft_wrap=True)
    for problem in failure.problems:
        colour = "red" if problem.is_error else "yellow"
        label = problem.severity.label(lang)
        err.print(f"  [{colour}]{label}[/] {escape(problem.render(lang))}", markup=True, soft_wrap=True)


def print_error(error: DealerAuditError, lang: str) -> None:
    err.print(f"[bold red]{_label(Severity.ERROR, lang)}[/]{escape(error.text(lang))}", markup=True, soft_wrap=True)

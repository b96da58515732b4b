"""CLI: `dealer-audit import` (audit files, bundles, workbooks, field exports) and `dealer-audit export` (bundles)."""

from __future__ import annotations

import getpass
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, EvidenceDirOption, OptionalWaveOption, WorkspaceOption, open_workspace
from dealer_audit.cli.error_language import bad_parameter, current_language, warning_prefix
from dealer_audit.errors import Message, is_zh, localized, pick

if TYPE_CHECKING:
    from dealer_audit.services.importing import FileResult

PROGRESS_MINIMUM = 10  # files; shorter batches finish before a bar would help


WARNINGS_SHOWN = 5
TABLE_MAXIMUM = 20  # files; a bigger import prints counts by kind and result (--verbose for the per-file table)


def import_(
    paths: Annotated[
        list[Path], typer.Argument(help="Audit files (.json), bundles (.zip), workbooks (.xlsx) or folders.")
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Store changed copies of stored audits as new revisions.")
    ] = False,
    who: Annotated[
        str,
        typer.Option(
            "--who",
            envvar="DEALER_AUDIT_AUDITOR",
            help="Your name for the audit trail of replacements (default: login name).",
        ),
    ] = "",
    all_warnings: Annotated[
        bool, typer.Option("--all-warnings", help="List every warning (default: the first few per file).")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help=f"One line per file even for more than {TABLE_MAXIMUM} files (default: counts)."
        ),
    ] = False,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            envvar="DEALER_AUDIT_TIMEZONE",
            help="The field devices' timezone (IANA name, e.g. Asia/Shanghai): Kobo XLSX exports store visit "
            "times as local clock time without an offset.",
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
    evidence_dir: EvidenceDirOption = None,
) -> None:
    """Import audits; prints what was imported, unchanged or refused (exit 1 if anything was refused).

    导入稽核结果；列出已导入、未变化和被拒绝的文件（有拒绝时退出码为 1）。
    """
    from dealer_audit.services.importing import expand_paths, import_paths

    files = expand_paths(paths)
    who = who or _login_name()
    local_zone = _zone(timezone)
    lang = current_language()
    with (
        open_workspace(workspace, db, evidence_dir, stores_evidence=True) as ws,
        console.progress_bar(pick("Importing", "正在导入", lang), len(files), PROGRESS_MINIMUM) as bar,
    ):
        summary = import_paths(
            ws, files, replace=replace, progress=lambda done, _total, _path: bar(done), who=who, local_zone=local_zone
        )
    if verbose or len(summary.files) <= TABLE_MAXIMUM:
        rows = []
        for result in summary.files:
            count = result.audit_count
            detail = (
                pick("see below", "见下文", lang)
                if result.refused
                else pick(f"{count} audit(s)", f"{count} 条稽核", lang)
            )
            if result.warnings and not result.refused:
                detail += pick(f", {len(result.warnings)} warning(s)", f"，{len(result.warnings)} 条警告", lang)
            rows.append((str(result.path), result.kind or "?", result.status.value, detail))
        headers = [Message("file", "文件"), console.KIND, console.RESULT, Message("details", "详情")]
        console.print_table(headers, rows, lang=lang)
    else:
        _print_counts(summary.files)
    warned = [result for result in summary.files if result.warnings]
    listed = warned if verbose or all_warnings else warned[:TABLE_MAXIMUM]
    for result in listed:  # warnings go to stderr: an incomplete workbook imports as a draft, say why
        shown = result.warnings if all_warnings else result.warnings[:WARNINGS_SHOWN]
        for line in shown:
            console.err.print(f"{warning_prefix(lang)}{localized(line, lang)}", soft_wrap=True, markup=False)
        if len(shown) < len(result.warnings):
            hidden = len(result.warnings) - len(shown)
            more = pick(
                f"… {hidden} more for {result.path} (--all-warnings lists them)",
                f"…… {result.path} 还有 {hidden} 条（--all-warnings 全部列出）",
                lang,
            )
            console.err.print(f"{warning_prefix(lang)}{more}", markup=False)
    if len(listed) < len(warned):
        files_more = len(warned) - len(listed)
        more = pick(
            f"… {files_more} more file(s) with warnings (--verbose lists them)",
            f"…… 还有 {files_more} 个文件有警告（--verbose 全部列出）",
            lang,
        )
        console.err.print(f"{warning_prefix(lang)}{more}", markup=False)
    refused = summary.refused
    for result in refused:  # full reasons outside the table: long messages stay whole and copyable
        console.out.print(
            pick(f"refused {result.path}:", f"被拒绝 {result.path}：", lang), soft_wrap=True, markup=False
        )
        for line in localized(result.reason, lang).splitlines():
            console.out.print(f"  {line}", soft_wrap=True, markup=False)
    console.out.print(
        pick(
            f"{summary.imported} imported, {summary.unchanged} unchanged, {summary.replaced} replaced, "
            f"{len(refused)} file(s) refused",
            f"已导入 {summary.imported} 条，未变化 {summary.unchanged} 条，已替换 {summary.replaced} 条，"
            f"被拒绝 {len(refused)} 个文件",
            lang,
        )
    )
    if refused:
        raise typer.Exit(1)


def _print_counts(files: Sequence[FileResult]) -> None:
    """Files counted by kind and result (6,000 files would otherwise be a 12,000-line table)."""
    counts = Counter((result.kind or "?", result.status.value) for result in files)
    audits: Counter[str] = Counter()
    for result in files:
        audits[result.kind or "?"] += result.audit_count
    warned = Counter(result.kind or "?" for result in files if result.warnings and not result.refused)
    rows = [
        (kind, status, str(count), str(audits[kind]) if status != "refused" else "", str(warned[kind] or ""))
        for (kind, status), count in sorted(counts.items())
    ]
    headers = [
        console.KIND,
        console.RESULT,
        Message("files", "文件"),
        Message("audits", "稽核"),
        Message("with warnings", "有警告"),
    ]
    console.print_table(headers, rows, lang=current_language())
    counted = pick(
        f"{len(files)} file(s); --verbose lists each file",
        f"{len(files)} 个文件；--verbose 逐个列出",
        current_language(),
    )
    console.out.print(counted, markup=False)


def _zone(name: str | None) -> ZoneInfo | None:
    """`--timezone`: an IANA zone name, refused with a message (never a traceback) when unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise bad_parameter(
            f"unknown timezone {name!r}; use an IANA name such as Asia/Shanghai",
            f"未知时区 {name!r}；请使用 IANA 时区名，例如 Asia/Shanghai",
        ) from None


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return ""


def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="Bundle file to write (.zip).")],
    audit: Annotated[str | None, typer.Option("--audit", help="Audit id (or a unique prefix).")] = None,
    wave: OptionalWaveOption = None,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
    evidence_dir: EvidenceDirOption = None,
    auditor: Annotated[
        str | None,
        typer.Option(
            "--auditor",
            help="Export only this auditor's audits and sign with keys/<auditor>.key "
            "(default: the one auditor the audits name).",
        ),
    ] = None,
    unsigned: Annotated[
        bool, typer.Option("--unsigned", help="Do not sign (refused when the program requires signed bundles).")
    ] = False,
) -> None:
    """Write a bundle (audits + evidence, every file with its sha256) to send to HQ, signed with your key.

    The passphrase of the key comes from $DEALER_AUDIT_KEY_PASSPHRASE or is asked.

    导出数据包（稽核结果与证据文件，均带 sha256 校验），并用稽核员的密钥签名。
    """
    from dealer_audit.cli.keys import passphrase
    from dealer_audit.services.importing import export_bundle

    if (audit is None) == (wave is None):
        raise bad_parameter(
            "give exactly one of --audit ID or --wave W",
            "请给出 --audit ID 或 --wave W 中的一个（且只给一个）",
            param_hint="--audit/--wave",
        )
    with open_workspace(workspace, db, evidence_dir, needs_evidence=True) as ws:
        result = export_bundle(
            ws,
            output,
            audit_id=audit,
            wave=wave,
            auditor=auditor,
            unsigned=unsigned,
            passphrase=lambda: passphrase(confirm=False),
        )
    lang = current_language()
    note = "注意：" if is_zh(lang) else "note: "
    console.out.print(
        pick(
            f"Wrote {result.path}: {result.audits} audit(s), {result.evidence_files} evidence file(s)",
            f"已写入 {result.path}：{result.audits} 条稽核，{result.evidence_files} 个证据文件",
            lang,
        )
    )
    if result.signed_by:
        signed = pick(
            f"signed by {result.signed_by} with key {result.key_id}",
            f"已由 {result.signed_by} 用密钥 {result.key_id} 签名",
            lang,
        )
        console.out.print(signed, markup=False)
    else:
        console.err.print(f"{note}{localized(result.note, lang)}", markup=False, soft_wrap=True)
    if result.drafts:
        drafts = pick(
            f"{result.drafts} of them not finalised yet (they travel as drafts)",
            f"其中 {result.drafts} 条尚未定稿（以草稿形式导出）",
            lang,
        )
        console.err.print(f"{note}{drafts}", markup=False)


def register(app: typer.Typer) -> None:
    """Attach `import` and `export` to the root app."""
    app.command("import")(import_)
    app.command("export")(export)

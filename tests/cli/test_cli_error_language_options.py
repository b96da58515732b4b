"""Refused option values, key files and report failures in the user's language (README, "Language of error
messages"): each refusal is asked for in English and in Chinese and must come out in that language.

Option values are usage errors (exit 2, click frames them "Invalid value for '--x': …"); the message inside is
`bad_parameter`'s, in the running command's language. Dates have one reader, `parse_day`, for every command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.errors import NotFound
from dealer_audit.formats.signing import KeyFiles, SignatureError, generate_keys, key_id_of, load_secret_key
from dealer_audit.services import reporting

PASSPHRASE = "correct horse battery"


def run(*args: str, lang: str, env: dict[str, str] | None = None) -> Any:
    console.reset_for_tests(240)
    variables = {"DEALER_AUDIT_LANG": lang, "COLUMNS": "240", **(env or {})}
    return CliRunner().invoke(app, list(args), env=variables)


def refused(*args: str, code: int = 2) -> tuple[str, str]:
    """The output of the same refused command in English and in Chinese (whitespace folded, panel borders gone)."""
    en, zh = run(*args, lang="en"), run(*args, lang="zh")
    assert en.exit_code == code and zh.exit_code == code, (en.output, zh.output)
    return tuple(" ".join(r.output.replace("│", " ").split()) for r in (en, zh))  # type: ignore[return-value]


# ---- option values ---------------------------------------------------------------------------------------------

DATE_EN = "'31.12.2026' is not a date (yyyy-mm-dd)"
DATE_ZH = "'31.12.2026' 不是日期（格式为 yyyy-mm-dd）"


@pytest.mark.parametrize(
    "command",
    [
        ("actions", "generate", "--wave", "2026-Q4", "--today"),
        ("actions", "list", "--today"),
        ("disputes", "issue", "--wave", "2026-Q4", "--on"),
        ("coverage", "--wave", "2026-Q4", "--today"),
    ],
    ids=["actions-generate", "actions-list", "disputes-issue", "coverage"],
)
def test_a_date_option_is_refused_in_both_languages(workspace: Any, command: tuple[str, ...]) -> None:
    """One reader of dates (common.parse_day) for every command: the same message, in the user's language."""
    en, zh = refused(*command, "31.12.2026", "-w", str(workspace.root))
    assert DATE_EN in en and "不是日期" not in en
    assert DATE_ZH in zh and "is not a date" not in zh
    assert f"Invalid value for {command[-1]}: {DATE_EN}" in en  # click names the option
    assert f"Invalid value for {command[-1]}: {DATE_ZH}" in zh


@pytest.mark.parametrize(
    ("args", "english", "chinese"),
    [
        (
            ("coverage", "--wave", "2026 Q4"),
            "'2026 Q4' is not a wave code (one word: letters, digits, '.', '-', '_')",
            "'2026 Q4' 不是有效的批次代码（只能是一个词：字母、数字、'.'、'-'、'_'）",
        ),
        (
            ("actions", "list", "--region", "east side"),
            "'east side' is not a region code",
            "'east side' 不是有效的区域代码",
        ),
        (
            ("report", "dealer", "SH001", "--wave", "2026-Q4", "--lang", "fr"),
            "use zh or en, not 'fr'",
            "请使用 zh 或 en",
        ),
        (("disputes", "list", "--status", "lost"), "'lost' is not one of open,", "'lost' 无效，只能是 open,"),
        (
            ("disputes", "rule", "D1", "--ruling", "maybe", "--why", "x"),
            "'maybe' is not one of upheld,",
            "'maybe' 无效，只能是 upheld,",
        ),
        (
            ("export", "-o", "b.zip"),
            "give exactly one of --audit ID or --wave W",
            "请给出 --audit ID 或 --wave W 中的一个",
        ),
    ],
    ids=["wave", "region", "lang", "dispute-status", "ruling", "export-audit-or-wave"],
)
def test_an_option_value_is_refused_in_both_languages(
    workspace: Any, args: tuple[str, ...], english: str, chinese: str
) -> None:
    en, zh = refused(*args, "-w", str(workspace.root))
    assert english in en and chinese not in en
    assert chinese in zh and english not in zh


def test_an_unknown_timezone_is_refused_in_both_languages(workspace: Any, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("KEY\n", encoding="utf-8")
    en, zh = refused("import", "--timezone", "Mars/Olympus", str(export), "-w", str(workspace.root))
    assert "unknown timezone 'Mars/Olympus'; use an IANA name such as Asia/Shanghai" in en
    assert "未知时区 'Mars/Olympus'；请使用 IANA 时区名，例如 Asia/Shanghai" in zh and "unknown timezone" not in zh


def test_generate_visits_is_refused_in_both_languages(tmp_path: Path) -> None:
    en, zh = refused("generate", "--dealers", "5", "--visits", "3-1", str(tmp_path))
    assert "use N or MIN-MAX with 1 <= MIN <= MAX, e.g. 1-3" in en
    assert "请写 N 或 MIN-MAX（1 <= MIN <= MAX），例如 1-3" in zh and "use N or" not in zh


# ---- signing keys ------------------------------------------------------------------------------------------------


def test_key_refusals_carry_their_chinese(tmp_path: Path) -> None:
    files = KeyFiles(tmp_path / "keys" / "wang.key", tmp_path / "keys" / "wang.pub")
    refusals = []
    for attempt in (
        lambda: generate_keys(files, "王芳", ""),
        lambda: generate_keys(files, "王芳", PASSPHRASE) and generate_keys(files, "王芳", PASSPHRASE),
        lambda: load_secret_key(files.secret_key, "wrong"),
        lambda: load_secret_key(tmp_path / "missing.key", PASSPHRASE),
        lambda: key_id_of("untrusted comment: x\nnot base64!"),
        lambda: key_id_of("untrusted comment: x\nAAAA"),
    ):
        with pytest.raises(SignatureError) as caught:
            attempt()
        refusals.append(caught.value)
    assert [bool(error.zh) for error in refusals] == [True] * len(refusals)
    assert refusals[1].text("zh") == f"{files.secret_key} 已存在：请保留它，或先删除它再生成新密钥"
    assert refusals[2].text("zh") == f"{files.secret_key}：口令与此密钥不符"


def test_keys_init_over_an_existing_key_is_refused_in_both_languages(workspace: Any) -> None:
    root = str(workspace.root)
    workspace.close()
    env = {"DEALER_AUDIT_KEY_PASSPHRASE": PASSPHRASE}
    assert run("keys", "init", "--auditor", "wang", "-w", root, lang="en", env=env).exit_code == 0
    en, zh = (run("keys", "init", "--auditor", "wang", "-w", root, lang=lang, env=env) for lang in ("en", "zh"))
    assert en.exit_code == zh.exit_code == 1
    assert "already exists: keep it, or remove it first to make a new key" in " ".join(en.output.split())
    assert "已存在：请保留它，或先删除它再生成新密钥" in "".join(zh.output.split())


# ---- report batches ------------------------------------------------------------------------------------------


def test_a_report_batch_prints_its_headline_and_failures_in_both_languages(
    workspace: Any, make_audit: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user's error stopping one dealer is printed in the user's language; an internal error's detail stays
    English in both (README)."""
    workspace.repo.save_audits([make_audit(), make_audit(audit_id="a-bj001", dealer_code="BJ001")])
    workspace.close()
    real = reporting._write_dealer

    def failing(context: Any, code: str, *args: Any, **kwargs: Any) -> list[Path]:
        if code == "SH001":
            raise NotFound("no photo board.png in the evidence store", zh="证据库中没有照片 board.png")
        if code == "BJ001":
            raise RuntimeError("disk on fire")
        return real(context, code, *args, **kwargs)

    monkeypatch.setattr(reporting, "_write_dealer", failing)
    args = ("report", "all", "--wave", "2026-Q4", "--jobs", "1", "-o", str(tmp_path), "-w", str(workspace.root))
    en, zh = refused(*args, code=1)
    assert "file(s) written (" in en and "failed SH001: no photo board.png in the evidence store" in en
    assert "failed BJ001: RuntimeError: disk on fire" in en and "证据库" not in en
    assert "已写入 4 个文件（" in zh and "file(s) written" not in zh
    assert "失败 SH001: 证据库中没有照片 board.png" in zh and "no photo" not in zh
    assert "失败 BJ001: RuntimeError: disk on fire" in zh

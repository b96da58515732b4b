"""Errors in the user's language, from the services and storage behind the commands (README, "Language of error
messages"): each refusal a user can cause — a late dispute, a second ruling, an account that exists, a demo folder
that is not ours, a wave nothing was scored in, a value the database cannot hold, an evidence image too large — in
English under DEALER_AUDIT_LANG=en and in Chinese under DEALER_AUDIT_LANG=zh, naming the same things.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.core.answers import Answer
from tests.cli.test_cli_error_language import both, run

AUDIT = "0f6a3c1e-1d1b-4c44-9d5e-000000000002"
PASSWORD = "correct horse 42"


@pytest.fixture
def disputed(workspace: Any, make_audit: Any) -> Any:
    """SH002 failed R03 in 2026-Q4; the wave's reports went out on 2026-12-01 (window: 14 days)."""
    workspace.repo.save_audit(make_audit(audit_id=AUDIT, dealer_code="SH002").with_answer(Answer("R03", "yes")))
    issued = run("disputes", "issue", "--wave", "2026-Q4", "--on", "2026-12-01", "-w", str(workspace.root))
    assert issued.exit_code == 0, issued.output
    return workspace


def typed(*args: str, lang: str, stdin: str) -> str:
    """The output of a command that reads stdin (a password), in `lang`, its lines joined."""
    console.reset_for_tests(240)
    result = CliRunner().invoke(app, list(args), input=stdin, env={"DEALER_AUDIT_LANG": lang})
    return " ".join(result.output.split())


def file_dispute(ws: Any, on: str, *more: str) -> tuple[str, ...]:
    return ("disputes", "file", "--audit", AUDIT, "--item", "R03", "--reason", "未被要求", "--on", on,
            *more, "-w", str(ws.root))  # fmt: skip


def test_a_late_dispute(disputed: Any) -> None:
    en, zh = both(*file_dispute(disputed, "2026-12-16"))
    assert f"dispute of R03 in audit {AUDIT} refused: too late: the report was issued on 2026-12-01" in en
    assert "disputes closed after 14 days, on 2026-12-15; this one is dated 2026-12-16" in en
    assert f"稽核 {AUDIT} 中检查项 R03 的申诉未被受理：已超过申诉期限：报告于 2026-12-01 发布，申诉期 14 天，" in zh
    assert "已于 2026-12-15 截止；本次申诉日期为 2026-12-16" in zh
    assert "too late" not in zh and "已超过" not in en


def test_a_dispute_before_the_report_was_issued_and_one_of_a_passed_item(workspace: Any, make_audit: Any) -> None:
    workspace.repo.save_audit(make_audit(audit_id=AUDIT, dealer_code="SH002").with_answer(Answer("R03", "yes")))
    en, zh = both(*file_dispute(workspace, "2026-12-02"))
    assert "the report of this wave has not been issued to the dealer yet" in en
    assert "本批次的报告尚未向经销商发布，暂无可申诉的内容" in zh and "not been issued" not in zh
    passed = ("disputes", "file", "--audit", AUDIT, "--item", "R01", "--reason", "x", "-w", str(workspace.root))
    en, zh = both(*passed)
    assert f"item R01 did not fail in audit {AUDIT}: there is no finding to dispute" in en
    assert f"检查项 R01 在稽核 {AUDIT} 中未失分：没有可申诉的稽核结论" in zh


def test_a_dispute_twice_and_a_second_ruling(disputed: Any) -> None:
    root = str(disputed.root)
    assert run(*file_dispute(disputed, "2026-12-10")).exit_code == 0
    en, zh = both(*file_dispute(disputed, "2026-12-11"))
    assert f"item R03 of audit {AUDIT} is already disputed ({AUDIT}/R03/1, not yet ruled)" in en
    assert f"稽核 {AUDIT} 的检查项 R03 已在申诉中（{AUDIT}/R03/1，尚未裁决）" in zh
    rule = (
        "disputes",
        "rule",
        f"{AUDIT}/R03/1",
        "--ruling",
        "upheld",
        "--why",
        "录像为证",
        "--who",
        "HQ 张",
        "-w",
        root,
    )
    assert run(*rule).exit_code == 0
    en, zh = both(*rule)
    assert f"dispute {AUDIT}/R03/1 was already ruled upheld by HQ 张 at " in en and "that ruling stands" in en
    assert f"申诉 {AUDIT}/R03/1 已由 HQ 张 于 " in zh and "裁决为“维持原判”，该裁决有效" in zh
    en, zh = both("disputes", "rule", "NOPE", "--ruling", "upheld", "--why", "x", "-w", root)
    assert "no dispute NOPE" in en and "没有申诉 NOPE" in zh


def test_evidence_too_large_to_decode(disputed: Any, tmp_path: Path) -> None:
    """The image check's detail (how many pixels, the limit) is in the user's language too."""
    photo = tmp_path / "huge.png"
    Image.new("1", (9000, 8000)).save(photo)  # 72 MP: over the 64 MP limit, a few kB on disk
    en, zh = both(*file_dispute(disputed, "2026-12-10", "--evidence", str(photo)))
    assert f"{photo} is an image of 9,000 × 8,000 pixels; at most 64 megapixels" in en
    assert f"{photo}：图片为 9,000 × 8,000 像素，最多 64 百万像素" in zh and "megapixels" not in zh
    assert disputed.repo.list_disputes() == []


def test_users_add_an_existing_account_and_remove_an_unknown_one(workspace: Any) -> None:
    root = str(workspace.root)
    add = ("users", "add", "zhou", "--role", "hq", "--password-stdin", "-w", root)
    assert "account zhou added" in typed(*add, lang="en", stdin=PASSWORD + "\n")
    en, zh = (typed(*add, lang=lang, stdin=PASSWORD + "\n") for lang in ("en", "zh"))
    assert "account zhou already exists (change it with `dealer-audit users passwd`)" in en
    assert "账户 zhou 已存在（如需修改，请用 `dealer-audit users passwd`）" in zh
    en, zh = both("users", "remove", "zho", "-w", root)
    assert "no account zho (did you mean zhou?)" in en
    assert "没有账户 zho（是否应为 zhou？）" in zh


def test_users_passwd_and_remove_refuse_an_unknown_account_in_the_same_words(workspace: Any) -> None:
    """One refusal (storage/accounts.unknown_account) for both commands: `passwd` used to word its own."""
    root = str(workspace.root)
    typed("users", "add", "zhou", "--role", "hq", "--password-stdin", "-w", root, lang="en", stdin=PASSWORD + "\n")
    passwd = ("users", "passwd", "zho", "--password-stdin", "-w", root)
    removed = dict(zip(("en", "zh"), both("users", "remove", "zho", "-w", root), strict=True))
    for lang, expected in (("en", "no account zho (did you mean zhou?)"), ("zh", "没有账户 zho（是否应为 zhou？）")):
        changed = typed(*passwd, lang=lang, stdin=PASSWORD + "\n")
        assert expected in changed and expected in removed[lang]


def test_users_add_a_short_password(workspace: Any) -> None:
    add = ("users", "add", "li", "--role", "hq", "--password-stdin", "-w", str(workspace.root))
    en, zh = (typed(*add, lang=lang, stdin="short\n") for lang in ("en", "zh"))
    assert "the password is too short: use at least 8 characters" in en
    assert "密码太短：至少需要 8 个字符" in zh


def test_the_demo_refuses_a_folder_that_is_not_its_own(tmp_path: Path) -> None:
    busy = tmp_path / "out" / "demo-workspace"
    busy.mkdir(parents=True)
    (busy / "thesis.docx").write_text("mine", encoding="utf-8")
    en, zh = both("demo", str(tmp_path / "out"))
    assert f"{busy} is not empty and not a dealer-audit workspace; refusing to delete it" in en
    assert f"{busy} 不是空文件夹，也不是 dealer-audit 工作区；不会删除它" in zh
    assert (busy / "thesis.docx").exists()


def test_a_report_of_a_wave_nothing_was_scored_in(workspace: Any, tmp_path: Path) -> None:
    report = ("report", "dealer", "SH001", "--wave", "2031-Q1", "-o", str(tmp_path / "out"), "-w", str(workspace.root))
    en, zh = both(*report)
    assert "wave 2031-Q1 is neither in program mini-program-2026 (waves: 2026-Q3, 2026-Q4) nor on any stored" in en
    assert "稽核批次 2031-Q1 既不在稽核方案 mini-program-2026 中（已有批次：2026-Q3, 2026-Q4），也没有任何已存储" in zh
    assert not (tmp_path / "out").exists()


def test_a_value_the_database_cannot_hold(workspace: Any, tmp_path: Path) -> None:
    """The storage limits' detail (a NUL character, a value too long) in the user's language."""
    dealers = tmp_path / "dealers.csv"
    dealers.write_text(f"code,name_zh,region\n{'S' * 51},长代码,east\nSH009,上海\x00九店,east\n", encoding="utf-8")
    en, zh = both("dealers", "import", str(dealers), "-w", str(workspace.root))
    assert f"{dealers}:2: code: is 51 characters long; at most 50 fit" in en
    assert f"{dealers}:3: name_zh: contains a NUL character (U+0000), which the database cannot store" in en
    assert f"{dealers}:2: code：长度为 51 个字符，最多只能 50 个" in zh
    assert f"{dealers}:3: name_zh：含有数据库无法保存的 NUL 字符（U+0000）：请删除该字符" in zh


def test_users_add_refusals_of_the_account_itself(workspace: Any) -> None:
    """The account rules (core/accounts.py) in both languages: a role, a manager's regions, a dealer's dealers."""
    root = str(workspace.root)
    cases = [
        (("boss", "--role", "chief"), "unknown role 'chief'; roles:", "未知角色“chief”；可用角色："),
        (
            ("wu", "--role", "regional"),
            "wu: a regional manager needs at least one region",
            "wu：区域经理至少需要一个区域",
        ),
        (
            ("wu", "--role", "regional", "--region", "mars"),
            "wu: unknown region(s) mars; regions:",
            "wu：未知区域 mars；",
        ),
        (("hq1", "--role", "hq", "--region", "east"), "hq1: only a regional manager has regions", "hq1：只有区域经理"),
        (
            ("d0", "--role", "dealer"),
            "d0: a dealer account needs at least one dealer",
            "d0：经销商账户至少需要一家经销商",
        ),
        (
            ("hq2", "--role", "hq", "--dealer", "SH001"),
            "hq2: only a dealer account has dealers",
            "hq2：只有经销商账户可以指定经销商（总部按其角色查看）",
        ),
        (
            ("d1", "--role", "dealer", "--dealer", "XX999"),
            "d1: unknown dealer(s) XX999; e.g.",
            "d1：未知经销商 XX999；例如",
        ),
        (("王", "--role", "hq"), "login name '王': use 1-64 letters", "登录名“王”：请用 1–64 个英文字母"),
    ]
    for args, english, chinese in cases:
        add = ("users", "add", *args, "--password-stdin", "-w", root)
        en, zh = (typed(*add, lang=lang, stdin=PASSWORD + "\n") for lang in ("en", "zh"))
        assert english in en and chinese not in en, en
        assert chinese in zh and english not in zh, zh
    assert workspace.repo.list_accounts() == []

"""The wizard loop driven by typed lines (no terminal): keys, evidence prompts, summary and finalising."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from dealer_audit.capture.session import CaptureSession
from dealer_audit.capture.wizard import Wizard

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


def drive(standard, draft, dealer, lines, tmp_path, lang="en"):
    saved = []
    finalised = []
    session = CaptureSession(standard, draft, dealer, save=saved.append)
    output = io.StringIO()
    console = Console(file=output, width=100, force_terminal=False, color_system=None)
    wizard = Wizard(
        session,
        console,
        tmp_path / "evidence",
        finalise=lambda: finalised.append(True),
        lang=lang,
        resume_hint="dealer-audit capture --resume",
        stream=io.StringIO("".join(f"{line}\n" for line in lines)),
    )
    result = wizard.run()
    return result, session, saved, finalised, output.getvalue()


def test_full_run_with_evidence_prompts_and_finalise(standard, draft, ev_dealer, tmp_path):
    photo = tmp_path / "counter.jpg"
    photo.write_bytes(JPEG)
    lines = [
        "n",  # R01 fails: critical, note + photo required
        "paper job card used",  # the note prompt
        str(tmp_path / "missing.jpg"),  # a wrong path is refused ...
        str(photo),  # ... and asked again
        "maybe",  # R02: invalid, asked again
        "a",  # R02 N/A
        "n",  # R03
        "4",  # R04
        "wait",  # W01
        "5",  # W02
        "1,2",  # W03
        "y",  # W04
        "s",  # W05 skipped (optional)
        "+n 顾问主动提供代步车",  # W06 note before the answer
        "y",
        "很满意",  # W07 text
        "y",  # finalise? yes
    ]
    result, session, saved, finalised, text = drive(standard, draft, ev_dealer, lines, tmp_path)
    assert result.finalised and finalised == [True] and not result.quit
    answers = session.audit.answers
    assert answers["R01"].value == "no" and answers["R01"].note == "paper job card used"
    assert answers["R01"].evidence[0].file_name == "counter.jpg"
    assert answers["R02"].na and answers["R04"].value == 4 and answers["W03"].value == ("wifi", "drinks")
    assert answers["W06"].note == "顾问主动提供代步车" and answers["W07"].value == "很满意"
    assert "W05" not in answers
    assert "no such file" in text and "answer y (yes) or n (no) or a (N/A)" in text
    assert "Preliminary score" in text
    # every change was saved the moment it happened, last save of each item = final state
    last = {a.item_id: a for a in saved}
    assert last == answers


def test_quit_reports_how_to_resume_and_keeps_answers(standard, draft, ev_dealer, tmp_path):
    result, _session, saved, finalised, text = drive(standard, draft, ev_dealer, ["y", "y", "q"], tmp_path)
    assert result.quit and not result.finalised and finalised == []
    assert [a.item_id for a in saved] == ["R01", "R02"]
    assert "Continue later" in text and "--resume" in text


def test_end_of_input_quits_safely(standard, draft, ev_dealer, tmp_path):
    result, *_ = drive(standard, draft, ev_dealer, ["y"], tmp_path)
    assert result.quit and result.answered == 1


def test_incomplete_audit_cannot_be_finalised(standard, draft, ev_dealer, tmp_path):
    lines = ["s", "s", "s", "s", "leave", "s", "s", "s", "f", "q"]
    result, _session, _saved, finalised, text = drive(standard, draft, ev_dealer, lines, tmp_path, lang="zh")
    assert finalised == [] and result.quit
    assert "未回答的必答项目" in text and "R01" in text and "尚不能定稿" in text


def test_back_jump_help_and_chinese_labels(standard, draft, ev_dealer, tmp_path):
    lines = ["?", "y", "b", "n", "j r04", "3", "q"]
    result, session, _saved, _finalised, text = drive(standard, draft, ev_dealer, lines, tmp_path, lang="zh")
    # "n" after going back re-answers R01 as failed: the note prompt takes the next line ("j r04") as the
    # note, the photo prompt refuses "3" (no such file) and q quits there
    assert "按键" in text and "服务顾问使用平板电脑接车" in text and "必须填写备注" in text
    assert session.audit.answers["R01"].value == "no"
    assert session.audit.answers["R01"].note == "j r04" and "文件不存在" in text and "no such file" not in text
    assert "R04" not in session.audit.answers and result.quit


@pytest.mark.parametrize(
    ("lang", "expected", "foreign"),
    [
        (
            "zh",
            ["请回答 y（是）或 n（否）", "没有检查项 'R99'", "已是第一项"],
            ["answer y (yes)", "no item", "first item"],
        ),
        (
            "en",
            ["answer y (yes) or n (no)", "no item 'R99'", "this is the first item"],
            ["请回答", "没有检查项", "已是第一项"],
        ),
    ],
)
def test_input_errors_in_the_chosen_language(standard, draft, ev_dealer, tmp_path, lang, expected, foreign):
    lines = ["maybe", "j R99", "b", "q"]
    *_rest, text = drive(standard, draft, ev_dealer, lines, tmp_path, lang=lang)
    for message in expected:
        assert message in text, message
    for message in foreign:
        assert message not in text, message


def test_photo_item_takes_a_path_as_its_answer(standard, draft, ev_dealer, tmp_path):
    board = tmp_path / "board.png"
    board.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 30)
    result, session, saved, _, text = drive(standard, draft, ev_dealer, ["j W05", str(board), "q"], tmp_path)
    answer = session.audit.answers["W05"]
    assert answer.value == "board.png" and answer.evidence[0].media_type == "image/png"
    assert (tmp_path / "evidence" / f"{answer.evidence[0].sha256}.png").exists()
    assert saved[-1] == answer and result.quit and "[W06]" in text


def test_enter_at_an_evidence_prompt_returns_to_the_item_but_not_past_it(standard, draft, ev_dealer, tmp_path):
    lines = ["n", "", "s", "y", "q"]  # fail R01, decline the note, try to skip (refused), change to yes
    result, session, _, _, text = drive(standard, draft, ev_dealer, lines, tmp_path)
    assert "Required before moving on: note, photos" in text
    assert session.audit.answers["R01"].value == "yes" and result.quit
    assert text.count("R01 note>") == 1 and "[R02]" in text

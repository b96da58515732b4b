"""The capture session without a terminal: navigation, conditions, evidence rules, saving, progress."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dealer_audit.capture.session import (
    CaptureError,
    CaptureSession,
    EvidenceRequired,
    evidence_needs,
    parse_answer,
)
from dealer_audit.core.answers import Answer, EvidenceRef
from dealer_audit.core.standard import AnswerType, Item, LocalText

PHOTO = EvidenceRef("tablet.jpg", "ab" * 32, 10, "image/jpeg")


def make(standard, draft, dealer):
    saved: list[Answer] = []
    clock = lambda: datetime(2026, 10, 12, 9, 30, tzinfo=UTC)  # noqa: E731
    session = CaptureSession(standard, draft, dealer, save=saved.append, clock=clock)
    return session, saved


def ids(items):
    return [i.id for i in items]


def test_starts_at_first_item_and_hides_answer_dependent_items(standard, draft, ev_dealer):
    session, _ = make(standard, draft, ev_dealer)
    assert session.current.id == "R01"
    # W02..W04 depend on W01 which is unanswered: hidden until it is answered
    assert ids(session.visible_items()) == ["R01", "R02", "R03", "R04", "W01", "W05", "W06", "W07"]


def test_answer_saves_immediately_and_next_moves_on(standard, draft, ev_dealer):
    session, saved = make(standard, draft, ev_dealer)
    session.answer("y")
    assert saved == [Answer("R01", "yes", answered_at=datetime(2026, 10, 12, 9, 30, tzinfo=UTC))]
    assert session.next().id == "R02"
    session.answer("a")
    assert saved[-1].na and saved[-1].value is None
    assert session.next().id == "R03"


def test_conditions_reevaluated_after_each_answer(standard, draft, ev_dealer, plain_dealer):
    session, _ = make(standard, draft, ev_dealer)
    session.jump("W01")
    session.answer("1")  # option 1 = wait
    assert session.answer_of("W01").value == "wait"
    assert ids(session.visible_items())[4:8] == ["W01", "W02", "W03", "W04"]
    assert session.next().id == "W02"
    # changing W01 to "leave" hides W02..W04 again
    session.back()
    session.answer("leave")
    assert "W02" not in ids(session.visible_items())
    assert session.next().id == "W05"
    # a dealer without EV service never sees W04
    other, _ = make(standard, draft, plain_dealer)
    other.jump("W01")
    other.answer("wait")
    assert "W04" not in ids(other.visible_items()) and "W03" in ids(other.visible_items())


def test_current_item_hidden_by_an_answer_moves_on(standard, draft, ev_dealer):
    session, _ = make(standard, draft, ev_dealer)
    session.jump("W01")
    session.answer("wait")
    session.next()
    assert session.current.id == "W02"
    session.set_answer("W01", "leave")  # e.g. corrected elsewhere
    assert session.current.id == "W05"


def test_failed_critical_item_demands_note_and_photo_before_moving_on(standard, draft, ev_dealer):
    session, saved = make(standard, draft, ev_dealer)
    session.answer("n")
    assert session.pending_evidence() == ("note", "photo")
    with pytest.raises(EvidenceRequired) as raised:
        session.next()
    assert raised.value.needs == ("note", "photo")
    with pytest.raises(EvidenceRequired):
        session.skip()
    with pytest.raises(EvidenceRequired):
        session.jump("R03")
    session.add_note("顾问用纸质单据接车")
    assert session.pending_evidence() == ("photo",)
    session.attach(PHOTO)
    assert session.pending_evidence() == ()
    assert session.next().id == "R02"
    assert saved[-1].note == "顾问用纸质单据接车" and saved[-1].evidence == (PHOTO,) and saved[-1].value == "no"


def test_passing_critical_item_needs_no_evidence(standard, draft, ev_dealer):
    session, _ = make(standard, draft, ev_dealer)
    session.answer("y")
    assert session.pending_evidence() == ()


def test_evidence_rule_always_and_photo_items():
    item = Item("X", LocalText(en="x"), AnswerType.YES_NO)
    from dealer_audit.core.standard import EvidenceRule, EvidenceWhen

    always = Item("X", LocalText(en="x"), AnswerType.YES_NO, evidence=EvidenceRule(note=EvidenceWhen.ALWAYS))
    assert evidence_needs(always, Answer("X", "yes")) == ("note",)
    assert evidence_needs(always, Answer("X", "yes", note="seen")) == ()
    assert evidence_needs(always, Answer("X", na=True)) == ()
    assert evidence_needs(item, Answer("X", "no")) == ()


def test_back_skip_and_jump(standard, draft, ev_dealer):
    session, saved = make(standard, draft, ev_dealer)
    with pytest.raises(CaptureError, match="first item"):
        session.back()
    session.skip()
    assert session.current.id == "R02" and saved == []
    session.skip()
    assert session.back().id == "R02"
    with pytest.raises(CaptureError, match="did you mean R04"):
        session.jump("R4")
    with pytest.raises(CaptureError, match="does not apply now"):
        session.jump("W02")
    assert session.jump("r04").id == "R04"


def test_parse_answer_accepts_keys_and_rejects_bad_input(standard):
    by_id = standard.items_by_id
    assert parse_answer(by_id["R01"], "Y") == ("yes", False)
    assert parse_answer(by_id["R01"], "否") == ("no", False)
    assert [parse_answer(by_id["R01"], key)[0] for key in ("1", "0", "是", "True")] == ["yes", "no", "yes", "yes"]
    with pytest.raises(CaptureError, match="may not be answered N/A"):
        parse_answer(by_id["R01"], "a")
    with pytest.raises(CaptureError, match="y \\(yes\\) or n"):
        parse_answer(by_id["R01"], "maybe")
    assert parse_answer(by_id["R04"], "7") == (7, False)
    assert parse_answer(by_id["R04"], "2.5") == (2.5, False)
    with pytest.raises(CaptureError, match="above the maximum 240"):
        parse_answer(by_id["R04"], "300")
    with pytest.raises(CaptureError, match="enter a number"):
        parse_answer(by_id["R04"], "seven")
    assert parse_answer(by_id["W02"], "4") == (4, False)
    with pytest.raises(CaptureError, match="from 1 to 5"):
        parse_answer(by_id["W02"], "6")
    assert parse_answer(by_id["W03"], "1,drinks") == (("wifi", "drinks"), False)
    assert parse_answer(by_id["W03"], "饮品，无线网络") == (("drinks", "wifi"), False)
    with pytest.raises(CaptureError, match="unknown option 'tea'"):
        parse_answer(by_id["W03"], "wifi,tea")
    with pytest.raises(CaptureError, match="exactly one"):
        parse_answer(by_id["W01"], "1,2")
    assert parse_answer(by_id["W07"], "客户很满意") == ("客户很满意", False)


def test_resume_position_is_first_unanswered_visible_item(standard, draft, ev_dealer):
    session, _ = make(standard, draft, ev_dealer)
    for text in ("y", "y", "n", "3"):
        session.answer(text)
        session.next()
    resumed = CaptureSession(standard, session.audit, ev_dealer)
    assert resumed.current.id == "W01"


def test_resume_stops_at_item_still_owing_evidence(standard, draft, ev_dealer):
    session, _ = make(standard, draft, ev_dealer)
    session.answer("n")  # R01 failed, killed before the note was given
    resumed = CaptureSession(standard, session.audit, ev_dealer)
    assert resumed.current.id == "R01" and resumed.pending_evidence() == ("note", "photo")


def test_progress_missing_and_running_score(standard, draft, ev_dealer):
    session, _ = make(standard, draft, ev_dealer)
    assert session.running_score() is None
    session.answer("y")  # R01 3/3
    session.next()
    session.answer("n")  # R02 0/2
    progress = {p.section.id: (p.answered, p.visible) for p in session.section_progress()}
    assert progress == {"reception": (2, 4), "waiting": (0, 4)}
    assert session.running_score() == 60.0  # reception 3 of 5 points
    assert ids(session.missing_required()) == ["R03", "R04", "W01"]
    assert not session.is_complete
    for item_id, text in (("R03", "n"), ("R04", "4"), ("W01", "leave")):
        session.jump(item_id)
        session.answer(text)
    assert session.is_complete
    # reception 3 + 0 + 1 + 0.5*2 = 5 of 8; waiting has nothing scored -> index is reception only
    assert session.running_score() == 62.5
    session.next()
    session.next()
    session.next()
    session.next()
    assert session.at_end


def test_photo_item_answered_by_attaching(standard, draft, ev_dealer):
    session, saved = make(standard, draft, ev_dealer)
    session.jump("W05")
    session.attach(EvidenceRef("board.jpg", "cd" * 32, 5, "image/jpeg"))
    assert saved[-1].value == "board.jpg" and saved[-1].evidence[0].sha256 == "cd" * 32


def test_note_can_be_added_before_answering(standard, draft, ev_dealer):
    session, saved = make(standard, draft, ev_dealer)
    session.add_note("顾问不在")
    assert not session.answer_of("R01").is_answered and saved[-1].note == "顾问不在"
    session.answer("y")
    assert saved[-1].note == "顾问不在" and saved[-1].value == "yes"


def test_evidence_rules_agree_with_core_validation(standard, draft, ev_dealer):
    """The wizard must never let through what import would refuse: same "failed" test, same rules."""
    from dataclasses import replace

    from dealer_audit.core.standard import EvidenceRule, EvidenceWhen
    from dealer_audit.core.validation import validate_audit

    strict = EvidenceRule(photo=EvidenceWhen.ON_FAIL, note=EvidenceWhen.ON_FAIL)
    sections = tuple(replace(s, items=tuple(replace(i, evidence=strict) for i in s.items)) for s in standard.sections)
    strict_standard = replace(standard, sections=sections)
    values = {
        "R01": "yes",
        "R02": "no",
        "R03": "no",
        "R04": 4,  # half marks: counts as failed
        "W01": "wait",
        "W02": 4,  # 0.75: failed
        "W03": ("wifi",),
        "W04": "yes",
        "W06": "no",
    }
    audit = draft
    for item_id, value in values.items():
        audit = audit.with_answer(Answer(item_id, value, note="seen" if item_id == "W03" else ""))
    session = CaptureSession(strict_standard, audit, ev_dealer)
    ours = {(i.id, need) for i, needs in session.evidence_missing() for need in needs}
    theirs = {
        (p.location.path.removeprefix("answers."), p.code.removesuffix("_required"))
        for p in validate_audit(strict_standard, audit, ev_dealer)
        if p.code in ("note_required", "photo_required")
    }
    assert ours == theirs
    assert {("R02", "note"), ("R04", "photo"), ("W02", "note"), ("W03", "photo")} <= ours
    assert not {i for i, _ in ours} & {"R01", "R03", "W04"}
    assert ("W03", "note") not in ours

"""The one rule matching an audit's auditor text to the register, and the places that must use it."""

from __future__ import annotations

from datetime import date
from typing import Any

from dealer_audit.core.answers import AuditKind, AuditStatus
from dealer_audit.core.auditor_lookup import (
    AuditorRegister,
    MatchKind,
    auditor_problem,
    locked_pairs,
    normalise_name,
    same_auditor_spelling,
)
from dealer_audit.core.auditors import Auditor
from dealer_audit.core.coverage import VisitState, wave_coverage
from dealer_audit.core.lookup import close_matches
from dealer_audit.core.planning import PlannedVisit
from dealer_audit.core.standard import LocalText
from dealer_audit.errors import Location, Severity

WANG = Auditor("wang", LocalText("王芳", "Wang Fang"), "east")
LI = Auditor("li", LocalText("李强", "Li Qiang"), "north")
ZHANG_A = Auditor("zhang.a", LocalText("张伟", "Zhang Wei"), "east")
ZHANG_B = Auditor("zhang.b", LocalText("张伟", "Zhang Wei"), "north")
GONE = Auditor("zhao", LocalText("赵敏", "Zhao Min"), "east", active=False)
REGISTER = AuditorRegister([WANG, LI, ZHANG_A, ZHANG_B, GONE])


def test_by_id_then_by_zh_or_en_name() -> None:
    assert (REGISTER.resolve("wang").kind, REGISTER.resolve("wang").auditor) == (MatchKind.ID, WANG)
    assert (REGISTER.resolve("王芳").kind, REGISTER.resolve("王芳").auditor) == (MatchKind.NAME, WANG)
    assert REGISTER.resolve("Li Qiang").auditor == LI


def test_names_are_compared_with_white_space_and_case_normalised() -> None:
    for typed in (" 王 芳 ", "王芳\u3000", "wang  FANG", "Ｗａｎｇ Ｆａｎｇ", "WANG"):
        assert REGISTER.resolve(typed).auditor == WANG, typed
    assert normalise_name("  Li\tQiang ") == "li qiang"
    assert REGISTER.resolve("WangFang").auditor is None  # the words stay words


def test_a_name_two_auditors_share_is_ambiguous_and_never_guessed() -> None:
    match = REGISTER.resolve("张伟")
    assert match.kind is MatchKind.AMBIGUOUS and match.auditor is None
    assert [a.id for a in match.candidates] == ["zhang.a", "zhang.b"]
    assert REGISTER.resolve("zhang.b").auditor == ZHANG_B  # the id still says who
    assert REGISTER.key("张伟") == "张伟"  # kept apart from both


def test_an_id_wins_over_another_auditors_name() -> None:
    odd = AuditorRegister([WANG, Auditor("王芳", LocalText("王芳", ""), "north")])
    assert odd.resolve("王芳").auditor is not None and odd.resolve("王芳").auditor.id == "王芳"


def test_unknown_texts_get_close_ids_and_names() -> None:
    match = REGISTER.resolve("Wang Fan")
    assert match.kind is MatchKind.UNKNOWN and match.auditor is None
    assert close_matches("Wang Fan", REGISTER.spellings)[0] == "Wang Fang"  # what auditor_problem's hint names
    assert REGISTER.resolve("").kind is MatchKind.UNKNOWN
    assert AuditorRegister().resolve("wang").kind is MatchKind.UNKNOWN


def test_lockout_pairs_resolve_names_to_ids() -> None:
    visited = {("王芳", "SH001"), ("li", "BJ001"), ("外包人员", "SH002")}
    assert locked_pairs(visited, REGISTER) == {("wang", "SH001"), ("li", "BJ001"), ("外包人员", "SH002")}


def test_one_auditor_spelled_two_ways_is_one_label_others_keep_theirs(make_audit: Any) -> None:
    audits = [make_audit(auditor=text) for text in ("wang", "王芳", "李强", "?")]
    assert [a.auditor for a in same_auditor_spelling(audits, REGISTER)] == ["wang", "wang", "李强", "?"]
    single = [make_audit(auditor="王芳"), make_audit(auditor="王芳")]
    assert same_auditor_spelling(single, REGISTER) == single  # nothing to merge: labels and figures unchanged


def test_coverage_counts_a_visit_captured_under_the_auditors_name(make_audit: Any) -> None:
    from dealer_audit.core.dealers import Dealer

    dealers = {"SH001": Dealer("SH001", LocalText("上海", "Shanghai"), "east", "", "上海")}
    visit = PlannedVisit("SH001", "mini-service", "wang", date(2026, 10, 5), double=True)
    audits = [make_audit(auditor="王芳")]
    covered = wave_coverage("2026-Q4", [visit], audits, dealers, date(2026, 10, 9), REGISTER)
    (row,) = covered.visits
    assert (row.state, row.audited_by, row.by_stand_in) == (VisitState.DONE, "wang", False)
    draft = wave_coverage("2026-Q4", [visit], [make_audit(auditor="Wang Fang", status=AuditStatus.DRAFT)], dealers,
                          date(2026, 10, 9), REGISTER)  # fmt: skip
    assert draft.visits[0].state is VisitState.CAPTURED
    # without the register the name is someone else: the double audit's own visit is still outstanding
    unmatched = wave_coverage("2026-Q4", [visit], audits, dealers, date(2026, 10, 9))
    assert unmatched.visits[0].state is VisitState.OVERDUE


def test_the_import_check(make_audit: Any) -> None:
    where = Location(file="a.json")
    assert auditor_problem(make_audit(auditor="王芳"), REGISTER, where, required=True) is None
    unknown = auditor_problem(make_audit(auditor="Wang Fan"), REGISTER, where, required=False)
    assert unknown is not None and unknown.severity is Severity.WARNING
    assert str(unknown.location) == "a.json (auditor)" and "did you mean 'Wang Fang'" in unknown.hint
    refused = auditor_problem(make_audit(auditor="张伟"), REGISTER, where, required=True)
    assert refused is not None and refused.is_error and "zhang.a (张伟 / Zhang Wei)" in refused.message
    inactive = auditor_problem(make_audit(auditor="赵敏"), REGISTER, where, required=True)
    assert inactive is not None and inactive.severity is Severity.WARNING and "inactive" in inactive.message
    staff = make_audit(auditor="刘敏（前台主管）", kind=AuditKind.SELF)
    assert auditor_problem(staff, REGISTER, where, required=True) is None  # dealer staff are not auditors
    assert auditor_problem(make_audit(auditor="nobody"), AuditorRegister(), where, required=False) is None
    no_register = auditor_problem(make_audit(), AuditorRegister(), where, required=True)
    assert no_register is not None and no_register.is_error and "auditors import" in no_register.hint

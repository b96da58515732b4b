"""validate_audit / applicable_items / is_complete against the mini standard."""

from __future__ import annotations

from dealer_audit.core.answers import Answer, EvidenceRef
from dealer_audit.core.validation import applicable_items, is_complete, validate_audit
from dealer_audit.errors import Location, Severity
from tests.core.scoring_fixtures import NA, audit, dealer, mini_standard

STD = mini_standard()
FULL = {"R01": "yes", "R02": "yes", "R03": "no", "R04": 1, "W01": "wait", "W02": 5, "W03": ("wifi",), "W04": "yes"}


def codes(problems: list) -> list[tuple[str | None, str]]:
    return [(p.location.path, p.code) for p in problems]


def test_a_complete_valid_audit_has_no_problems() -> None:
    assert validate_audit(STD, audit(STD, **FULL), dealer(has_ev_service=True)) == []
    assert is_complete(STD, audit(STD, **FULL), dealer(has_ev_service=True))


def test_locations_name_the_file_and_answer_path() -> None:
    problems = validate_audit(STD, audit(STD, **{**FULL, "X99": "yes"}), dealer(has_ev_service=True))
    assert [p.location for p in problems] == [Location(file="audit.json", path="answers.X99")]
    assert problems[0].code == "unknown_item"


def test_value_types_ranges_and_options() -> None:
    values = {**FULL, "R01": "maybe", "R04": 500, "W02": 7, "W03": ("wifi", "cake"), "W01": "wait", "R02": 3}
    problems = validate_audit(STD, audit(STD, **values), dealer(has_ev_service=True))
    assert codes(problems) == [
        ("answers.R01", "invalid_value"),
        ("answers.R02", "invalid_value"),
        ("answers.R04", "out_of_range"),
        ("answers.W02", "invalid_value"),
        ("answers.W03", "invalid_value"),
    ]
    assert "cake" in problems[-1].message and "wifi, drinks, none" in problems[-1].message
    assert all(p.severity is Severity.ERROR for p in problems)


def test_single_choice_unknown_code_and_number_type() -> None:
    problems = validate_audit(STD, audit(STD, **{**FULL, "W01": "sleep", "R04": "five"}), dealer())
    found = codes(problems)
    assert ("answers.W01", "invalid_value") in found
    assert ("answers.R04", "invalid_value") in found


def test_na_only_where_allowed() -> None:
    problems = validate_audit(STD, audit(STD, **{**FULL, "R02": NA, "R03": NA}), dealer(has_ev_service=True))
    assert codes(problems) == [("answers.R03", "na_not_allowed")]


def test_answer_to_an_item_whose_condition_is_false_is_a_warning() -> None:
    values = {**FULL, "W01": "leave"}  # W02, W03, W04 do not apply when the customer left
    problems = validate_audit(STD, audit(STD, **values), dealer(has_ev_service=True))
    assert codes(problems) == [
        ("answers.W02", "not_applicable"),
        ("answers.W03", "not_applicable"),
        ("answers.W04", "not_applicable"),
    ]
    assert all(p.severity is Severity.WARNING for p in problems)


def test_evidence_on_fail() -> None:
    failed = {**FULL, "R01": "no"}
    problems = validate_audit(STD, audit(STD, **failed), dealer(has_ev_service=True))
    assert codes(problems) == [("answers.R01", "note_required"), ("answers.R01", "photo_required")]
    proven = {**failed, "R01": Answer("R01", "no", note="paper form", evidence=(EvidenceRef("r01.jpg"),))}
    assert validate_audit(STD, audit(STD, **proven), dealer(has_ev_service=True)) == []


def test_missing_required_is_an_error_when_final_and_a_warning_for_a_draft() -> None:
    values = {k: v for k, v in FULL.items() if k != "R04"}
    final = validate_audit(STD, audit(STD, **values), dealer(has_ev_service=True))
    assert [(p.code, p.severity) for p in final] == [("missing_required", Severity.ERROR)]
    draft = validate_audit(STD, audit(STD, final=False, **values), dealer(has_ev_service=True))
    assert [(p.code, p.severity) for p in draft] == [("missing_required", Severity.WARNING)]
    finalising = validate_audit(STD, audit(STD, final=False, **values), dealer(has_ev_service=True), finalising=True)
    assert finalising[0].severity is Severity.ERROR
    assert not is_complete(STD, audit(STD, **values), dealer(has_ev_service=True))


def test_optional_items_and_na_do_not_make_an_audit_incomplete() -> None:
    assert is_complete(STD, audit(STD, **{**FULL, "R02": NA}), dealer(has_ev_service=True))


def test_hidden_required_items_are_not_missing() -> None:
    values = {"R01": "yes", "R02": "yes", "R03": "no", "R04": 1, "W01": "leave"}
    assert is_complete(STD, audit(STD, **values), dealer(has_ev_service=True))
    assert validate_audit(STD, audit(STD, **values), dealer(has_ev_service=True)) == []


def test_applicable_items_follow_answers_and_dealer_attributes() -> None:
    ids = [i.id for i in applicable_items(STD, audit(STD, **FULL), dealer(has_ev_service=False))]
    assert ids == ["R01", "R02", "R03", "R04", "W01", "W02", "W03", "W05", "W06", "W07"]
    ids = [i.id for i in applicable_items(STD, audit(STD, W01="leave"), {"has_ev_service": True})]
    assert "W02" not in ids and "W04" not in ids
    # with no answers, the three items that depend on W01 stay hidden
    assert [i.id for i in applicable_items(STD, audit(STD), None)] == [
        "R01",
        "R02",
        "R03",
        "R04",
        "W01",
        "W05",
        "W06",
        "W07",
    ]


def test_wrong_standard_and_dealer() -> None:
    other = audit(STD, dealer="D2", **FULL)
    problems = validate_audit(STD, other, dealer("D1", has_ev_service=True))
    assert codes(problems) == [(None, "wrong_dealer")]


def test_number_outside_every_band_and_na_with_a_value_are_warnings() -> None:
    from dataclasses import replace

    from dealer_audit.core.standard import NumberBand

    sections = list(STD.sections)
    r04 = replace(STD.items_by_id["R04"], bands=(NumberBand(1, max=2), NumberBand(0.5, max=5)))
    sections[0] = replace(sections[0], items=tuple(r04 if i.id == "R04" else i for i in sections[0].items))
    std = replace(STD, sections=tuple(sections))
    values = {**FULL, "R04": 9, "R02": Answer("R02", "yes", na=True)}
    problems = validate_audit(std, audit(std, **values), dealer(has_ev_service=True))
    assert [(p.location.path, p.code, p.severity) for p in problems] == [
        ("answers.R02", "na_with_value", Severity.WARNING),
        ("answers.R04", "no_band", Severity.WARNING),
    ]

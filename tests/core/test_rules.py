"""Structural rules of a standard, on checklists built in code (no files): each rule fires where it should."""

from dataclasses import replace

import pytest

from dealer_audit.core.rules import check_standard
from dealer_audit.core.standard import (
    AnswerType,
    Band,
    Checklist,
    ChecklistKind,
    Critical,
    CriticalEffect,
    EvidenceRule,
    EvidenceWhen,
    Item,
    LocalText,
    NumberBand,
    Option,
    ScaleRange,
    Section,
)

T = LocalText(zh="文", en="text")


def yes_no(item_id: str, **kwargs: object) -> Item:
    return Item(id=item_id, text=T, type=AnswerType.YES_NO, **kwargs)  # type: ignore[arg-type]


def standard(*items: Item, **section_kwargs: object) -> Checklist:
    return Checklist(
        id="t",
        version="1",
        kind=ChecklistKind.MYSTERY_SHOP,
        title=T,
        sections=(Section(id="s", title=T, items=items, **section_kwargs),),  # type: ignore[arg-type]
        source="t.yaml",
    )


def found(checklist: Checklist, **kwargs: object) -> list[tuple[str, str, str]]:
    return [
        (p.severity.value, p.location.path or "", p.message)
        for p in check_standard(checklist, **kwargs)  # type: ignore[arg-type]
    ]


def test_a_clean_standard_has_no_problems() -> None:
    assert found(standard(yes_no("A"), yes_no("B", condition="A == 'yes'"))) == []


def test_locations_fall_back_to_logical_paths() -> None:
    [problem] = check_standard(standard(yes_no("A", weight=0)))
    assert str(problem.location) == "t.yaml (sections[0].items[0].weight)"


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (
            (yes_no("A"), yes_no("A")),
            [("sections[0].items[1].id", "duplicate item id 'A' (first used at sections[0].items[0].id)")],
        ),
        ((yes_no("A", weight=-1),), [("sections[0].items[0].weight", "weight must be greater than 0, got -1")]),
        ((yes_no("1A"),), [("sections[0].items[0].id", "item id '1A' cannot be used in conditions")]),
        ((yes_no("and"),), [("sections[0].items[0].id", "item id 'and' cannot be used in conditions")]),
        (
            (Item("C", T, AnswerType.SINGLE_CHOICE),),
            [("sections[0].items[0].type", "single_choice item 'C' has no options")],
        ),
        (
            (
                Item(
                    "C",
                    T,
                    AnswerType.MULTIPLE_CHOICE,
                    options=(Option("a", T, 1), Option("a", T, 2)),
                ),
            ),
            [("sections[0].items[0].options[1].code", "duplicate option code 'a' in item 'C'")],
        ),
        (
            (Item("C", T, AnswerType.SINGLE_CHOICE, options=(Option("a", T), Option("b", T))),),
            [
                (
                    "sections[0].items[0].options",
                    "scored single_choice item 'C' gives no option positive points, so it can never be earned",
                )
            ],
        ),
        ((Item("S", T, AnswerType.SCALE),), [("sections[0].items[0]", "scale item 'S' needs a range")]),
        (
            (Item("S", T, AnswerType.SCALE, scale=ScaleRange(5, 1)),),
            [("sections[0].items[0].scale", "scale min (5) must be below max (1)")],
        ),
        (
            (Item("S", T, AnswerType.SCALE, scale=ScaleRange(1, 3), options=(Option("1", T, 0), Option("4", T, 1))),),
            [("sections[0].items[0].options[1].code", "a scale option's code is a point of the scale (1..3), got '4'")],
        ),
        (
            (Item("N", T, AnswerType.NUMBER, bands=(NumberBand(1.5, max=2),)),),
            [
                (
                    "sections[0].items[0].bands[0].score",
                    "band score is a fraction of the item's points and must be within 0..1, got 1.5",
                )
            ],
        ),
        (
            (yes_no("A", critical=Critical(CriticalEffect.CAP, cap=120)),),
            [("sections[0].items[0].critical.cap", "cap must be within 0..100, got 120")],
        ),
        (
            (yes_no("A", critical=Critical(CriticalEffect.ZERO_INDEX, cap=50)),),
            [("sections[0].items[0].critical.cap", "cap only applies with effect: cap, not zero_index")],
        ),
        (
            (Item("X", T, AnswerType.TEXT, critical=Critical(CriticalEffect.ZERO_SECTION)),),
            [("sections[0].items[0].critical", "unscored item 'X' cannot be critical: it never fails")],
        ),
        (
            (Item("P", T, AnswerType.PHOTO, evidence=EvidenceRule(note=EvidenceWhen.ON_FAIL)),),
            [
                (
                    "sections[0].items[0].evidence.note",
                    "note: on_fail makes no sense on unscored item 'P': it never fails",
                )
            ],
        ),
        (
            (yes_no("A", compliant_answer="no"), Item("N", T, AnswerType.NUMBER, compliant_answer="no", scored=False)),
            [("sections[0].items[1].compliant", "compliant applies to yes_no items only, not number")],
        ),
        (
            (yes_no("A", bands=(NumberBand(1),)),),
            [("sections[0].items[0].bands", "'bands' applies to number items only, not yes_no")],
        ),
    ],
)
def test_item_rules(items: tuple[Item, ...], expected: list[tuple[str, str]]) -> None:
    assert [(path, message) for _, path, message in found(standard(*items)) if _ == "error"] == expected


def test_number_without_bands_is_a_warning() -> None:
    assert found(standard(Item("N", T, AnswerType.NUMBER))) == [
        ("warning", "sections[0].items[0]", "number item 'N' has no bands, so it always scores 0")
    ]
    assert found(standard(Item("N", T, AnswerType.NUMBER, scored=False))) == []


def test_section_rules() -> None:
    checklist = standard(yes_no("A"), weight=0)
    checklist = replace(checklist, sections=(*checklist.sections, Section("s", T, ())))
    assert found(checklist) == [
        ("error", "sections[0].weight", "section weight must be greater than 0, got 0"),
        ("error", "sections[1].id", "duplicate section id 's' (first used at sections[0].id)"),
        ("error", "sections[1].items", "section 's' has no items"),
    ]


def test_index_bands() -> None:
    checklist = replace(
        standard(yes_no("A")),
        bands=(Band("a", 101, T), Band("a", 50, T, color="red")),
    )
    assert found(checklist) == [
        ("error", "bands[0].min", "band min must be within 0..100, got 101"),
        ("error", "bands[1].code", "duplicate band code 'a'"),
        ("error", "bands[1].color", "color must look like #1b7f3b, got 'red'"),
        ("warning", "bands", "no band starts at 0, so low scores get no band"),
    ]


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({"B": "A == 'yes'"}, []),
        ({"B": "Z == 'yes'"}, [("B", "condition of 'B' names unknown item 'Z'")]),
        ({"A": "B == 'yes'"}, [("A", "condition of 'A' refers forward to 'B', which comes later")]),
        ({"B": "answered(B)"}, [("B", "condition of 'B' refers to the item itself")]),
        (
            {"A": "C == 'yes'", "B": "A == 'yes'", "C": "B == 'no'"},
            [("A", "conditions form a cycle: A → C → B → A")],
        ),
        (
            {"B": "A =="},
            [
                (
                    "B",
                    "condition of 'B': expected a value, an item id or 'dealer.<attribute>', "
                    "found end of condition at column 5",
                )
            ],
        ),
        (
            {"B": "A == 'si'"},
            [("B", "condition of 'B' compares 'A' with 'si', which is not one of its answers (yes, no)")],
        ),
        (
            {"B": "selected(A, 'x')"},
            [("B", "condition of 'B' compares 'A' with 'x', which is not one of its answers (yes, no)")],
        ),
    ],
)
def test_condition_rules(conditions: dict[str, str], expected: list[tuple[str, str]]) -> None:
    items = [yes_no(i, condition=conditions.get(i)) for i in ("A", "B", "C")]
    paths = {"A": 0, "B": 1, "C": 2}
    assert [(path, message) for _, path, message in found(standard(*items))] == [
        (f"sections[0].items[{paths[i]}].condition", message) for i, message in expected
    ]


def test_dealer_attributes_are_checked_when_known() -> None:
    checklist = standard(yes_no("A", condition="dealer.has_ev"))
    assert found(checklist) == []
    assert found(standard(yes_no("A", condition="dealer.province == '上海'")), attributes=set()) == []
    assert found(checklist, attributes={"has_ev_service"}) == [
        ("error", "sections[0].items[0].condition", "condition of 'A' names unknown dealer attribute 'has_ev'")
    ]
    [problem] = check_standard(checklist, attributes={"has_ev_service"})
    assert problem.hint == "did you mean 'has_ev_service'?"

"""YAML standards: the fixtures load, dumps read back equal, and every broken file is pin-pointed line by line."""

from pathlib import Path

import pytest

from dealer_audit.core.standard_codec import standard_to_dict
from dealer_audit.errors import ValidationFailed
from dealer_audit.formats.standard_yaml import check_standard_yaml, dump_standard, load_program, load_standard

FIXTURES = Path(__file__).parent.parent / "fixtures"
BROKEN = FIXTURES / "broken"
SHIPPED = sorted((Path(__file__).parent.parent.parent / "checklists").glob("*.yaml"))


def test_mini_fixtures_load() -> None:
    checklist = load_standard(FIXTURES / "mini_standard.yaml")
    assert checklist.source.endswith("mini_standard.yaml")
    assert len(list(checklist.items())) == 11
    program = load_program(FIXTURES / "mini_program.yaml")
    assert [c.standard_id for c in program.checklists] == ["mini-service"]
    assert [r.code for r in program.regions] == ["east", "north"]


def test_dump_reads_back_equal(tmp_path: Path) -> None:
    checklist = load_standard(FIXTURES / "mini_standard.yaml")
    target = tmp_path / "again.yaml"
    target.write_text(dump_standard(checklist), encoding="utf-8")
    again = load_standard(target)
    assert standard_to_dict(again) == standard_to_dict(checklist)
    assert again.content_hash == checklist.content_hash
    assert "迷你服务暗访" in target.read_text(encoding="utf-8")  # readable Chinese, not \u escapes


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_files_have_no_errors(path: Path) -> None:
    from dealer_audit.formats.standards import check_file

    check = check_file(path)
    assert check.errors == []


def _errors(name: str) -> list[tuple[str, str]]:
    _, problems = check_standard_yaml(BROKEN / name)
    return [(str(p.location), p.message) for p in problems if p.is_error]


def _at(name: str, line: int) -> str:
    return f"{BROKEN / name}:{line}"


def test_bad_yaml_syntax_points_at_the_line() -> None:
    [(where, message)] = _errors("bad_syntax.yaml")
    assert where == _at("bad_syntax.yaml", 12)
    assert message.startswith("YAML syntax error: ")
    with pytest.raises(ValidationFailed):
        load_standard(BROKEN / "bad_syntax.yaml")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "unknown_type.yaml",
            [
                (
                    12,
                    "'yesno' is not a valid type; use one of yes_no, scale, number, single_choice, multiple_choice, "
                    "text, photo",
                )
            ],
        ),
        ("duplicate_item.yaml", [(16, "duplicate item id 'A01' (first used at line 10)")]),
        (
            "bad_weights.yaml",
            [
                (9, "section weight must be greater than 0, got 0"),
                (14, "weight must be greater than 0, got 0"),
                (18, "weight must be greater than 0, got -1"),
            ],
        ),
        ("missing_ref.yaml", [(16, "condition of 'A02' names unknown item 'A10'")]),
        ("forward_ref.yaml", [(13, "condition of 'A01' refers forward to 'A02', which comes later")]),
        (
            "cycle.yaml",
            [
                (13, "conditions form a cycle: A01 → A02 → A01"),
                (21, "condition of 'A03' refers to the item itself"),
            ],
        ),
        (
            "unknown_key.yaml",
            [
                (6, "unknown key 'autor' in a standard"),
                (14, "unknown key 'wieght' in an item"),
                (15, "unknown key 'critcal' in an item"),
            ],
        ),
        (
            "many_errors.yaml",
            [
                (3, "'version' must be text, got the number 2026.1"),
                (4, "'mystery' is not a valid kind; use one of mystery_shop, digital_service"),
                (7, "band min must be within 0..100, got 120"),
                (16, "band score is a fraction of the item's points and must be within 0..1, got 2"),
                (19, "single_choice item 'A02' has no options"),
                (20, "critical effect 'cap' needs a cap (the index ceiling, 0..100)"),
                (26, "duplicate option code 'a' in item 'A03'"),
                (27, "scale item 'A04' needs a range"),
                (
                    33,
                    "condition of 'A05': expected a value, an item id or 'dealer.<attribute>', found end of condition "
                    "at column 6",
                ),
                (37, "note: on_fail makes no sense on unscored item 'A06': it never fails"),
                (41, "condition of 'A07' compares 'A03' with 'b', which is not one of its answers (a)"),
                (41, "condition of 'A07' compares 'A05' with 'ja', which is not one of its answers (yes, no)"),
            ],
        ),
    ],
)
def test_broken_file_errors_are_exact(name: str, expected: list[tuple[int, str]]) -> None:
    assert _errors(name) == [(_at(name, line), message) for line, message in expected]


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("unknown_type.yaml", "did you mean 'yes_no'?"),
        ("missing_ref.yaml", "did you mean 'A01'?"),
        ("forward_ref.yaml", "move 'A02' before 'A01': a condition may only look at earlier items"),
    ],
)
def test_hints(name: str, hint: str) -> None:
    _, problems = check_standard_yaml(BROKEN / name)
    assert [p.hint for p in problems if p.is_error] == [hint]


def test_unknown_key_hints_did_you_mean() -> None:
    _, problems = check_standard_yaml(BROKEN / "unknown_key.yaml")
    assert [p.hint for p in problems][1:] == ["did you mean 'weight'?", "did you mean 'critical'?"]


def test_duplicate_yaml_keys_are_errors(tmp_path: Path) -> None:
    text = (FIXTURES / "mini_standard.yaml").read_text(encoding="utf-8")
    path = tmp_path / "dup.yaml"
    path.write_text(text.replace("        weight: 3\n", "        weight: 3\n        weight: 4\n", 1), encoding="utf-8")
    errors = [(p.location.line, p.message) for p in check_standard_yaml(path)[1] if p.is_error]
    assert errors == [(22, "duplicate key 'weight' (first at line 21); only one is kept")]


def test_bare_no_is_read_as_the_answer_no(tmp_path: Path) -> None:
    text = (FIXTURES / "mini_standard.yaml").read_text(encoding="utf-8").replace('compliant: "no"', "compliant: no")
    path = tmp_path / "bare.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_standard(path).items_by_id["R03"].compliant_answer == "no"


def test_bare_yes_in_an_option_code_needs_quotes(tmp_path: Path) -> None:
    text = (FIXTURES / "mini_standard.yaml").read_text(encoding="utf-8").replace("{code: wait,", "{code: yes,")
    path = tmp_path / "bare.yaml"
    path.write_text(text, encoding="utf-8")
    problems = [p for p in check_standard_yaml(path)[1] if p.is_error]
    assert next((p.location.line, p.message, p.hint) for p in problems) == (
        53,
        "'code' must be text, got True",
        "put it in quotes",
    )


def test_number_item_without_bands_is_a_warning_only(tmp_path: Path) -> None:
    text = (FIXTURES / "mini_standard.yaml").read_text(encoding="utf-8")
    start = text.index("        bands:                # first match wins")
    end = text.index("  - id: waiting")
    path = tmp_path / "nobands.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    _checklist, problems = check_standard_yaml(path)
    assert [(p.severity.value, p.location.line, p.message) for p in problems] == [
        ("warning", 35, "number item 'R04' has no bands, so it always scores 0")
    ]
    assert load_standard(path).items_by_id["R04"].bands == ()


def test_program_errors_point_at_lines(tmp_path: Path) -> None:
    text = (FIXTURES / "mini_program.yaml").read_text(encoding="utf-8")
    path = tmp_path / "program.yaml"
    path.write_text(
        text.replace("scale: 1000", "scale: 10").replace("end: 2026-09-30", "end: 2026-06-30"), encoding="utf-8"
    )
    with pytest.raises(ValidationFailed) as caught:
        load_program(path)
    assert [(p.location.line, p.message) for p in caught.value.errors] == [
        (4, "scale must be 100 or 1000, got 10"),
        (9, "wave ends (2026-06-30) before it starts (2026-07-01)"),
    ]


def test_a_folder_gives_its_standards_and_program(tmp_path: Path) -> None:
    from dealer_audit.formats.standard_xlsx import write_standard_xlsx
    from dealer_audit.formats.standards import load_checklists_dir

    program_text = (FIXTURES / "mini_program.yaml").read_text(encoding="utf-8")
    (tmp_path / "a-program.yaml").write_text(
        program_text.replace(
            "  - {standard: mini-service, weight: 1}",
            "  - {standard: mini-service, weight: 1}\n  - {standard: other, weight: 1}",
        ),
        encoding="utf-8",
    )
    other = load_standard(FIXTURES / "mini_standard.yaml")
    from dataclasses import replace

    write_standard_xlsx(replace(other, id="other"), tmp_path / "other.xlsx")
    (tmp_path / "mini.yaml").write_text((FIXTURES / "mini_standard.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    checklists, program = load_checklists_dir(tmp_path)
    assert sorted(c.id for c in checklists) == ["mini-service", "other"]
    assert program is not None and [c.standard_id for c in program.checklists] == ["mini-service", "other"]


def test_a_folder_with_two_programs_or_a_missing_standard_fails(tmp_path: Path) -> None:
    from dealer_audit.formats.standards import load_checklists_dir

    program_text = (FIXTURES / "mini_program.yaml").read_text(encoding="utf-8")
    (tmp_path / "p1.yaml").write_text(program_text, encoding="utf-8")
    (tmp_path / "p2.yaml").write_text(program_text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_checklists_dir(tmp_path)
    assert [str(p) for p in caught.value.errors] == [
        f"{tmp_path / 'p1.yaml'}:7: the program names standard 'mini-service', which is not in {tmp_path} "
        "(known: none)",
        f"{tmp_path / 'p2.yaml'}: a folder holds one program file; p1.yaml is one already",
    ]


def test_numbers_that_lose_their_text_are_errors(tmp_path: Path) -> None:
    text = (FIXTURES / "mini_standard.yaml").read_text(encoding="utf-8").replace("reference: SQ-2.1", "reference: 0010")
    path = tmp_path / "octal.yaml"
    path.write_text(text, encoding="utf-8")
    errors = [(p.location.line, p.message, p.hint) for p in check_standard_yaml(path)[1] if p.is_error]
    assert errors == [(22, "0010 is read as the number 8", 'put it in quotes to keep it as written: "0010"')]


def test_the_python_twin_for_core_tests_scores_like_the_yaml_file(mini_standard) -> None:
    """Core tests build the mini standard in Python (no file reading in core); everything scoring reads must
    match tests/fixtures/mini_standard.yaml, so the twin cannot drift from the file other layers use."""
    from dataclasses import replace

    from tests.core.scoring_fixtures import mini_standard as python_twin

    def scoring_shape(standard):  # texts, guidance, units and band colours do not affect scores
        return [
            (
                section.id,
                section.weight,
                [
                    replace(
                        item, text=None, guidance=None, unit=None, options=[(o.code, o.points) for o in item.options]
                    )
                    for item in section.items
                ],
            )
            for section in standard.sections
        ], [(b.code, b.min) for b in standard.bands]

    assert scoring_shape(python_twin()) == scoring_shape(mini_standard)


def test_penalty_options_load_from_a_standard_file_and_subtract_within_the_clamp(tmp_path: Path) -> None:
    """Negative option points (penalties) are allowed in a standard file; scoring subtracts them and keeps the
    item's fraction within 0..1 (docs/scoring.md)."""
    from dealer_audit.core.scoring import item_fraction

    text = (FIXTURES / "mini_standard.yaml").read_text(encoding="utf-8")
    penalty = "          - {code: none, label: {zh: 无, en: None}, points: 0}\n"
    assert penalty in text
    text = text.replace(
        penalty, penalty + "          - {code: dirty, label: {zh: 休息区脏乱, en: Lounge dirty}, points: -1}\n"
    )
    path = tmp_path / "penalty.yaml"
    path.write_text(text, encoding="utf-8")
    checked, problems = check_standard_yaml(path)
    assert checked is not None and [str(p) for p in problems if p.severity.value == "error"] == []
    checklist = load_standard(path)
    w03 = checklist.items_by_id["W03"]
    assert [o.points for o in w03.options] == [1, 1, 0, -1]

    def fraction(*codes: str) -> float | None:
        return item_fraction(w03, tuple(codes))

    assert fraction("wifi", "drinks") == 1.0
    assert fraction("wifi", "drinks", "dirty") == 0.5  # (1 + 1 - 1) / 2 positive points
    assert fraction("wifi", "dirty") == 0.0  # clamped: never below 0
    assert fraction("dirty") == 0.0

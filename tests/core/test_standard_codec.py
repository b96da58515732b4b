"""The codec: canonical dicts round-trip, the hash follows meaning, and decoding reports every problem at once."""

import copy
from pathlib import Path

import pytest
import yaml

from dealer_audit.core.lookup import close_matches, closest, did_you_mean
from dealer_audit.core.standard import AnswerType, CriticalEffect
from dealer_audit.core.standard_codec import (
    content_hash,
    program_from_dict,
    program_to_dict,
    standard_from_dict,
    standard_to_dict,
)
from dealer_audit.errors import ValidationFailed

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(scope="module")
def mini() -> dict:
    return yaml.safe_load((FIXTURES / "mini_standard.yaml").read_text(encoding="utf-8"))


def test_decodes_every_feature_of_the_mini_standard(mini: dict) -> None:
    checklist = standard_from_dict(mini, source="mini")
    assert checklist.key == ("mini-service", "2026.1")
    assert [s.id for s in checklist.sections] == ["reception", "waiting"]
    r01 = checklist.items_by_id["R01"]
    assert r01.critical is not None and r01.critical.effect is CriticalEffect.CAP and r01.critical.cap == 60
    assert checklist.items_by_id["R03"].compliant_answer == "no"
    r04 = checklist.items_by_id["R04"]
    assert r04.type is AnswerType.NUMBER and [b.score for b in r04.bands] == [1, 0.5, 0]
    assert checklist.items_by_id["W03"].option("wifi").points == 1  # type: ignore[union-attr]
    assert checklist.items_by_id["W01"].is_scored is False
    assert checklist.sections[0].weight == 40 and checklist.sections[1].weight is None


def test_round_trip_through_dict_is_identity(mini: dict) -> None:
    checklist = standard_from_dict(mini)
    again = standard_from_dict(standard_to_dict(checklist))
    assert again == checklist
    assert standard_to_dict(again) == standard_to_dict(checklist)


def test_hash_ignores_source_but_follows_content(mini: dict) -> None:
    a = standard_from_dict(mini, source="a.yaml")
    b = standard_from_dict(mini, source="b.xlsx")
    assert content_hash(a) == content_hash(b) == a.content_hash
    changed = copy.deepcopy(mini)
    changed["sections"][0]["items"][0]["weight"] = 4
    assert content_hash(standard_from_dict(changed)) != content_hash(a)
    assert len(content_hash(a)) == 64


def test_all_problems_at_once_with_paths(mini: dict) -> None:
    broken = copy.deepcopy(mini)
    broken["sections"][0]["items"][0]["wieght"] = 3
    broken["sections"][0]["items"][1]["type"] = "yesno"
    broken["sections"][1]["items"][6]["id"] = "W06"
    with pytest.raises(ValidationFailed) as caught:
        standard_from_dict(broken, source="x.yaml")
    texts = [str(p) for p in caught.value.errors]
    assert texts == [
        "x.yaml (sections[0].items[0].wieght): unknown key 'wieght' in an item (did you mean 'weight'?)",
        "x.yaml (sections[0].items[1].type): 'yesno' is not a valid type; use one of yes_no, scale, number, "
        "single_choice, multiple_choice, text, photo (did you mean 'yes_no'?)",
        "x.yaml (sections[1].items[6].id): duplicate item id 'W06' (first used at sections[1].items[5].id)",
    ]


def test_program_round_trip_and_alerts() -> None:
    data = yaml.safe_load((FIXTURES / "mini_program.yaml").read_text(encoding="utf-8"))
    program = program_from_dict(data)
    assert program.scale == 1000
    assert (
        program.alerts.drop_threshold == 10 and program.alerts.alert_on_band_fall and program.alerts.alert_on_critical
    )
    assert [w.start for w in program.waves] == ["2026-07-01", "2026-10-01"]  # YAML dates become ISO text
    assert program_from_dict(program_to_dict(program)) == program


def test_program_problems() -> None:
    data = {
        "id": "p",
        "title": {"en": "P"},
        "scale": 10,
        "checklists": [{"standard": "a", "weight": 0}, {"standard": "a"}],
        "waves": [{"code": "W1", "start": "2026-13-01"}],
        "alerts": {"drop": 3},
    }
    with pytest.raises(ValidationFailed) as caught:
        program_from_dict(data, source="p.yaml")
    messages = sorted(p.message for p in caught.value.errors)
    assert messages == sorted(
        [
            "weight must be greater than 0, got 0",
            "'start' must be a date like 2026-10-01, got '2026-13-01'",
            "unknown key 'drop' in 'alerts'",
            "scale must be 100 or 1000, got 10",
            "duplicate standard 'a' in checklists (first at entry 1)",
        ]
    )


def test_an_empty_document_is_one_message_not_a_list_of_missing_keys() -> None:
    from dealer_audit.core.standard_codec import decode_standard

    _, problems = decode_standard(None, source="empty.yaml")
    assert [(p.code, p.message) for p in problems] == [
        ("empty", "the file is empty; a standard is a mapping starting with 'id:'")
    ]


def test_a_mistyped_enum_goes_on_as_its_closest_value(mini: dict) -> None:
    """'single_chioce' with options must not also be told that options make no sense on a yes_no item."""
    from dealer_audit.core.standard_codec import decode_standard

    data = copy.deepcopy(mini)
    choice = next(i for s in data["sections"] for i in s["items"] if i["type"] == "single_choice")
    choice["type"] = "single_chioce"
    checklist, problems = decode_standard(data, source="mini")
    assert [(p.code, p.hint) for p in problems if p.is_error] == [("enum", "did you mean 'single_choice'?")]
    assert checklist.items_by_id[choice["id"]].type is AnswerType.SINGLE_CHOICE


def test_an_entry_that_is_not_a_mapping_is_reported_once(mini: dict) -> None:
    from dealer_audit.core.standard_codec import decode_standard

    data = copy.deepcopy(mini)
    choice = next(i for s in data["sections"] for i in s["items"] if i["type"] == "single_choice")
    choice["options"].append("walk_in")
    _, problems = decode_standard(data, source="mini")
    assert [p.message for p in problems if p.is_error] == [
        "an option must be a mapping (key: value), got the text 'walk_in'"
    ]


def test_one_did_you_mean_for_every_reader_and_lookup() -> None:
    """Case first (a dealer code typed in lower case), then prefixes, then fuzzy matches; nothing for a stranger."""
    codes = ["SH001", "SH002", "BJ001"]
    assert close_matches("sh001", codes) == ["SH001", "BJ001"]
    assert close_matches("SH00", codes, n=2) == ["SH001", "SH002"]
    assert closest("wieght", ["weight", "critical", ""]) == "weight"
    assert closest("zzz", ["weight"]) is None
    assert did_you_mean("critcal", ["weight", "critical"]) == "did you mean 'critical'?"
    assert did_you_mean("zzz", ["weight"]) == ""

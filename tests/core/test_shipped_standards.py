"""The standards, program and dealer network shipped in the repository are real data that must stay valid.

They are what `dealer-audit demo` loads and what an OEM analyst copies to start their own, so they are checked as
strictly as code: they load, pass every structural rule without a warning, are fully bilingual, keep the sizes the
product promises (>= 60 / >= 30 scored items, several knock-outs), and their knock-outs and skip logic behave as
docs/standards-shipped.md says when scored.
"""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dealer_audit.core.answers import Answer, Audit
from dealer_audit.core.conditions import parse_condition
from dealer_audit.core.rules import check_standard
from dealer_audit.core.scoring import applicability, score_audit
from dealer_audit.core.standard import AnswerType, Checklist, CriticalEffect, EvidenceWhen, Item, LocalText, Program
from dealer_audit.formats.dealers import STANDARD_COLUMNS, check_dealers, dealer_attribute_names, read_dealers
from dealer_audit.formats.standard_yaml import load_program, load_standard
from dealer_audit.formats.standards import check_checklists_dir

ROOT = Path(__file__).resolve().parents[2]
CHECKLISTS = ROOT / "checklists"
DEALERS_CSV = ROOT / "sample_audits" / "dealers.csv"
PROGRAM_FILE = CHECKLISTS / "program-2026.yaml"
# standard file -> (id, kind, minimum scored items)
SHIPPED = {
    "svc-mystery-shop.yaml": ("svc-mystery-shop", "mystery_shop", 60),
    "digital-service.yaml": ("digital-service", "digital_service", 30),
}


def _dealer_rows() -> list[dict[str, str]]:
    with DEALERS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _dealer_attributes() -> set[str]:
    """The free attribute columns of the shipped dealer list: the only `dealer.x` names conditions may use."""
    return dealer_attribute_names(DEALERS_CSV)


@cache
def _load(name: str) -> Checklist:
    """Each shipped file parsed once per test run (the model is frozen, so sharing it is safe)."""
    return load_standard(CHECKLISTS / name)


@pytest.fixture(scope="module", params=sorted(SHIPPED))
def shipped(request: pytest.FixtureRequest) -> tuple[str, Checklist]:
    return request.param, _load(request.param)


@pytest.fixture(scope="module")
def program() -> Program:
    return load_program(PROGRAM_FILE)


def _scored(checklist: Checklist) -> list[Item]:
    return [item for item in checklist.items() if item.is_scored and not item.bonus]


def _bilingual(text: LocalText) -> bool:
    return bool(text.zh.strip()) and bool(text.en.strip())


# ---- structure -------------------------------------------------------------------------------------------------


def test_loads_with_expected_identity(shipped: tuple[str, Checklist]) -> None:
    name, checklist = shipped
    expected_id, expected_kind, _ = SHIPPED[name]
    assert checklist.id == expected_id
    assert checklist.kind.value == expected_kind
    assert checklist.version == "2026.1"


def test_passes_every_structural_rule_without_warnings(shipped: tuple[str, Checklist]) -> None:
    _, checklist = shipped
    problems = check_standard(checklist, attributes=_dealer_attributes())
    assert [str(p) for p in problems] == []


def test_folder_with_program_checks_clean() -> None:
    checks = {c.path.name: c for c in check_checklists_dir(CHECKLISTS)}
    assert {*SHIPPED, PROGRAM_FILE.name} <= set(checks)
    assert checks[PROGRAM_FILE.name].kind == "program"
    assert {name: [str(p) for p in c.problems] for name, c in checks.items() if c.problems} == {}


def test_has_the_promised_size(shipped: tuple[str, Checklist]) -> None:
    name, checklist = shipped
    assert len(_scored(checklist)) >= SHIPPED[name][2]
    assert all(section.weight is not None for section in checklist.sections)
    assert sum(section.weight or 0 for section in checklist.sections) == pytest.approx(100)


def test_has_knock_outs_with_different_effects_and_evidence(shipped: tuple[str, Checklist]) -> None:
    _, checklist = shipped
    critical = [item for item in checklist.items() if item.critical is not None]
    assert len(critical) >= 3
    assert {item.critical.effect for item in critical if item.critical} == set(CriticalEffect)
    for item in critical:
        # "every attitude is backed by an event": a knock-out never stands on the auditor's word alone
        assert item.evidence.photo is not EvidenceWhen.NEVER or item.evidence.note is not EvidenceWhen.NEVER, item.id


def test_uses_every_feature_an_auditor_meets(shipped: tuple[str, Checklist]) -> None:
    _, checklist = shipped
    items = list(checklist.items())
    types = {item.type for item in _scored(checklist)}
    assert {AnswerType.YES_NO, AnswerType.SCALE, AnswerType.NUMBER, AnswerType.MULTIPLE_CHOICE} <= types
    assert any(item.compliant_answer == "no" for item in items)
    assert any(item.na_allowed for item in items)
    assert any(item.bonus for item in items)
    assert any(item.type is AnswerType.TEXT for item in items)
    assert any(item.type is AnswerType.PHOTO for item in items)
    assert all(item.bands for item in items if item.type is AnswerType.NUMBER)
    conditions = [parse_condition(item.condition) for item in items if item.condition]
    assert any(c.dealer_refs for c in conditions), "some skip logic must read dealer attributes"
    assert any(c.item_refs for c in conditions), "some skip logic must read earlier answers"


def test_every_scored_item_has_a_reference_and_guidance(shipped: tuple[str, Checklist]) -> None:
    _, checklist = shipped
    assert [item.id for item in _scored(checklist) if not item.reference] == []
    assert [item.id for item in checklist.items() if not _bilingual(item.guidance)] == []


def test_every_text_is_bilingual(shipped: tuple[str, Checklist]) -> None:
    _, checklist = shipped
    missing: list[str] = []

    def need(text: LocalText, where: str) -> None:
        if not _bilingual(text):
            missing.append(where)

    need(checklist.title, "title")
    need(checklist.description, "description")
    for band in checklist.bands:
        need(band.label, f"band {band.code}")
    for section in checklist.sections:
        need(section.title, f"section {section.id}")
        for item in section.items:
            need(item.text, f"{item.id}.text")
            need(item.guidance, f"{item.id}.guidance")
            if item.type is AnswerType.NUMBER:
                need(item.unit, f"{item.id}.unit")
            for option in item.options:
                need(option.label, f"{item.id}.{option.code}")
    assert missing == []


def test_index_bands_are_the_programs(shipped: tuple[str, Checklist], program: Program) -> None:
    _, checklist = shipped
    assert [(b.code, b.min) for b in checklist.bands] == [
        ("excellent", 90),
        ("good", 75),
        ("fair", 60),
        ("poor", 0),
    ]
    assert [(b.code, b.min) for b in program.bands] == [(b.code, b.min) for b in checklist.bands]


# ---- behaviour when scored ---------------------------------------------------------------------------------------


def _best_value(item: Item) -> Any:
    """The answer that earns an item's full points (or, for unscored items, the one that opens the most items)."""
    if item.type is AnswerType.YES_NO:
        return item.compliant_answer
    if item.type is AnswerType.SCALE:
        assert item.scale is not None
        return item.scale.max
    if item.type is AnswerType.NUMBER:
        band = next(b for b in item.bands if b.score == 1)
        return band.max if band.max is not None else (band.min if band.min is not None else 0)
    if item.type is AnswerType.SINGLE_CHOICE:
        return max(item.options, key=lambda o: o.points).code
    if item.type is AnswerType.MULTIPLE_CHOICE:
        return tuple(o.code for o in item.options if o.points > 0)
    if item.type is AnswerType.TEXT:
        return "门店整体表现良好 / good visit overall"
    return None  # photos are optional evidence


def _perfect_audit(checklist: Checklist, **overrides: Any) -> Audit:
    answers = {}
    for item in checklist.items():
        value = overrides.get(item.id, _best_value(item))
        if value is not None:
            answers[item.id] = Answer(item.id, value)
    return Audit("a-1", "SH001", checklist.id, checklist.version, "2026-Q4", answers=answers)


EV_DEALER = {"has_ev_service": True, "has_lounge": True, "tier": "A"}
SMALL_DEALER = {"has_ev_service": False, "has_lounge": False, "tier": "C"}


def test_a_flawless_visit_scores_100(shipped: tuple[str, Checklist]) -> None:
    _, checklist = shipped
    for dealer in (EV_DEALER, SMALL_DEALER):
        result = score_audit(checklist, _perfect_audit(checklist), dealer)
        assert result.complete
        assert result.invalid_items == ()
        assert result.index == pytest.approx(100)
        assert result.band is not None and result.band.code == "excellent"


def test_ev_items_apply_only_at_dealers_with_ev_service(shipped: tuple[str, Checklist]) -> None:
    _, checklist = shipped
    audit = _perfect_audit(checklist)
    ev_items = {
        item.id
        for item in checklist.items()
        if item.condition and "has_ev_service" in {r.attribute for r in parse_condition(item.condition).dealer_refs}
    }
    assert ev_items
    with_ev = applicability(checklist, audit, EV_DEALER)
    without_ev = applicability(checklist, audit, SMALL_DEALER)
    assert all(with_ev[i] for i in ev_items)
    assert not any(without_ev[i] for i in ev_items)


@pytest.mark.parametrize(
    ("standard_file", "overrides", "expected_index"),
    [
        # invoice above the approved estimate without consent: the whole index is zero
        ("svc-mystery-shop.yaml", {"HO03": "yes"}, 0),
        # no mobile check-in: capped at 60 however good the rest was
        ("svc-mystery-shop.yaml", {"RC03": "no"}, 60),
        # no live status board: capped at 70
        ("svc-mystery-shop.yaml", {"ST01": "no"}, 70),
        # extra work done without e-approval: zero
        ("digital-service.yaml", {"VE06": "yes"}, 0),
        ("digital-service.yaml", {"DR01": "no"}, 60),
        ("digital-service.yaml", {"TP01": "no"}, 70),
    ],
)
def test_knock_outs_act_as_documented(standard_file: str, overrides: dict[str, str], expected_index: float) -> None:
    checklist = _load(standard_file)
    result = score_audit(checklist, _perfect_audit(checklist, **overrides), EV_DEALER)
    assert result.index == pytest.approx(expected_index)
    assert [k.item_id for k in result.knock_outs] == list(overrides)


@pytest.mark.parametrize(
    ("standard_file", "item_id", "section_id"),
    [("svc-mystery-shop.yaml", "HO06", "handover"), ("digital-service.yaml", "FP01", "followup_privacy")],
)
def test_zero_section_knock_outs_zero_their_section_only(standard_file: str, item_id: str, section_id: str) -> None:
    checklist = _load(standard_file)
    item = checklist.items_by_id[item_id]
    failing = "yes" if item.compliant_answer == "no" else "no"
    result = score_audit(checklist, _perfect_audit(checklist, **{item_id: failing}), EV_DEALER)
    section = result.section(section_id)
    assert section is not None and section.percent == 0
    weight = next(s.weight for s in checklist.sections if s.id == section_id)
    assert weight is not None
    assert result.index == pytest.approx(100 - weight)


def test_customer_leaving_skips_the_waiting_area() -> None:
    checklist = _load("svc-mystery-shop.yaml")
    waiting = {item.id for item in checklist.sections[[s.id for s in checklist.sections].index("waiting")].items}
    applicable = applicability(checklist, _perfect_audit(checklist, RC11="leave"), EV_DEALER)
    assert not any(applicable[i] for i in waiting)
    result = score_audit(checklist, _perfect_audit(checklist, RC11="leave"), EV_DEALER)
    assert result.index == pytest.approx(100)  # the section drops out; it does not count against the dealer


def test_no_extra_work_skips_the_extra_work_items() -> None:
    checklist = _load("digital-service.yaml")
    applicable = applicability(checklist, _perfect_audit(checklist, VE04="no"), EV_DEALER)
    assert [i for i in ("VE05", "VE06", "VE07") if applicable[i]] == []


# ---- program and dealers -----------------------------------------------------------------------------------------


def test_program_combines_the_shipped_standards(program: Program) -> None:
    shipped_ids = {standard_id for standard_id, _, _ in SHIPPED.values()}
    assert program.id == "oem-ssi-2026"
    assert program.scale == 1000
    assert {c.standard_id for c in program.checklists} == shipped_ids
    assert sum(c.weight for c in program.checklists) == pytest.approx(1)
    assert [w.code for w in program.waves] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert program.previous_wave("2026-Q4") is not None and program.previous_wave("2026-Q4").code == "2026-Q3"
    assert program.alerts.drop_threshold == 10
    texts = [
        program.title,
        program.composite_name,
        *(r.name for r in program.regions),
        *(w.title for w in program.waves),
    ]
    texts += [b.label for b in program.bands]
    assert all(_bilingual(t) for t in texts)


def test_dealer_csv_covers_the_program_regions(program: Program) -> None:
    rows = _dealer_rows()
    assert len(rows) >= 24
    assert len({r["code"] for r in rows}) == len(rows)
    per_region = Counter(r["region"] for r in rows)
    assert set(per_region) == {r.code for r in program.regions}
    assert min(per_region.values()) >= 6
    for row in rows:
        assert all(row[column].strip() for column in STANDARD_COLUMNS), row["code"]
        assert row["has_ev_service"] in ("true", "false") and row["has_lounge"] in ("true", "false")
    assert {r["has_ev_service"] for r in rows} == {"true", "false"}, "skip logic needs both kinds of dealer"


def test_dealers_import_through_the_real_reader(program: Program) -> None:
    dealers, problems = check_dealers(DEALERS_CSV, {r.code for r in program.regions})
    assert [str(p) for p in problems] == []
    assert dealers == read_dealers(DEALERS_CSV, {r.code for r in program.regions})
    assert _dealer_attributes() == {"has_ev_service", "has_lounge", "tier"}
    assert len(dealers) == len(_dealer_rows())
    by_code = {d.code: d for d in dealers}
    sh001 = by_code["SH001"]
    assert sh001.name.zh == "上海浦东星驰汽车销售服务有限公司"
    assert sh001.name.en == "Shanghai Pudong Xingchi Motors"
    assert sh001.region == "east"
    assert sh001.attributes["has_ev_service"] is True
    assert by_code["HF001"].attributes["has_ev_service"] is False
    assert {d.region for d in dealers} == {r.code for r in program.regions}


def test_a_flawless_visit_scores_100_at_every_shipped_dealer(shipped: tuple[str, Checklist]) -> None:
    _, checklist = shipped
    audit = _perfect_audit(checklist)
    for dealer in read_dealers(DEALERS_CSV):
        result = score_audit(checklist, audit, dealer)
        assert (dealer.code, result.index) == (dealer.code, pytest.approx(100))

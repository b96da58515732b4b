"""The synthetic network generator: deterministic to the byte, realistic enough to tell stories, always valid."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

from dealer_audit.core.answers import AuditKind, AuditStatus
from dealer_audit.core.conditions import parse_condition
from dealer_audit.core.scoring import item_fraction
from dealer_audit.core.standard import (
    AnswerType,
    Checklist,
    ChecklistKind,
    Critical,
    CriticalEffect,
    EvidenceRule,
    EvidenceWhen,
    Item,
    LocalText,
    NumberBand,
    NumberRange,
    Option,
    Program,
    ProgramChecklist,
    Region,
    ScaleRange,
    Section,
    Wave,
)
from dealer_audit.formats.audit_json import read_audit_file
from dealer_audit.services.sample_network import DEALER_COLUMNS, generate_network

ROOT = Path(__file__).resolve().parents[2]


def _t(zh: str, en: str) -> LocalText:
    return LocalText(zh, en)


def mini_standard() -> Checklist:
    """tests/fixtures/mini_standard.yaml built in code, so these tests do not depend on the YAML reader."""
    reception = Section(
        "reception",
        _t("接待", "Reception"),
        (
            Item(
                "R01",
                _t("平板接车", "Tablet check-in"),
                AnswerType.YES_NO,
                weight=3,
                critical=Critical(CriticalEffect.CAP, 60),
                evidence=EvidenceRule(photo=EvidenceWhen.ON_FAIL, note=EvidenceWhen.ON_FAIL),
            ),
            Item("R02", _t("环车检查", "Walk-around"), AnswerType.YES_NO, weight=2, na_allowed=True),
            Item("R03", _t("重复预约信息", "Repeat booking data"), AnswerType.YES_NO, compliant_answer="no"),
            Item(
                "R04",
                _t("等待接待的时间", "Minutes until greeted"),
                AnswerType.NUMBER,
                weight=2,
                range=NumberRange(0, 240),
                bands=(NumberBand(1, max=2), NumberBand(0.5, max=5), NumberBand(0)),
            ),
        ),
        weight=40,
    )
    waiting = Section(
        "waiting",
        _t("等待区", "Waiting area"),
        (
            Item(
                "W01",
                _t("店内等待", "Waited on site"),
                AnswerType.SINGLE_CHOICE,
                scored=False,
                options=(Option("wait", _t("店内等待", "Waited")), Option("leave", _t("离店", "Left"))),
            ),
            Item(
                "W02",
                _t("休息区整洁度", "Lounge cleanliness"),
                AnswerType.SCALE,
                weight=2,
                scale=ScaleRange(1, 5),
                condition="W01 == 'wait'",
            ),
            Item(
                "W03",
                _t("提供的服务", "Amenities"),
                AnswerType.MULTIPLE_CHOICE,
                weight=2,
                condition="W01 == 'wait'",
                options=(
                    Option("wifi", _t("无线网络", "Wi-Fi"), 1),
                    Option("drinks", _t("饮品", "Drinks"), 1),
                    Option("none", _t("无", "None"), 0),
                ),
            ),
            Item(
                "W04",
                _t("充电桩", "EV charger"),
                AnswerType.YES_NO,
                condition="dealer.has_ev_service and W01 == 'wait'",
            ),
            Item("W05", _t("看板照片", "Status board photo"), AnswerType.PHOTO, required=False),
            Item("W06", _t("代步车", "Courtesy car"), AnswerType.YES_NO, bonus=True, required=False),
            Item("W07", _t("备注", "Remarks"), AnswerType.TEXT, required=False),
        ),
    )
    return Checklist(
        "mini-service", "2026.1", ChecklistKind.MYSTERY_SHOP, _t("迷你服务暗访", "Mini"), (reception, waiting)
    )


def mini_program() -> Program:
    return Program(
        "mini-program-2026",
        _t("项目", "Program"),
        (ProgramChecklist("mini-service"),),
        (Wave("2026-Q3", start="2026-07-01", end="2026-09-30"), Wave("2026-Q4", start="2026-10-01", end="2026-12-31")),
        (Region("east", _t("华东区", "East")), Region("north", _t("华北区", "North"))),
    )


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    standard, program = mini_standard(), mini_program()
    first = generate_network([standard], program, 20, 2, 7, tmp_path / "a")
    generate_network([standard], program, 20, 2, 7, tmp_path / "b")
    generate_network([standard], program, 20, 2, 8, tmp_path / "c")
    assert first.audit_count >= 40
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_dealers_csv_has_the_master_data_columns_and_program_regions(tmp_path: Path) -> None:
    result = generate_network([mini_standard()], mini_program(), 30, 1, 1, tmp_path)
    with result.dealers_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == DEALER_COLUMNS
    assert len(rows) == 30
    assert len({r["code"] for r in rows}) == 30  # one record per dealer code
    assert {r["region"] for r in rows} == {"east", "north"}
    assert all(r["name_zh"] and r["name_en"].isascii() for r in rows)
    assert {r["has_ev_service"] for r in rows} == {"true", "false"}


def test_audits_respect_conditions_na_rules_and_evidence_rules(tmp_path: Path) -> None:
    standard = mini_standard()
    result = generate_network([standard], mini_program(), 60, 2, 3, tmp_path, visits=(1, 3))
    dealers = {d.code: d for d in result.dealers}
    items = standard.items_by_id
    visits = Counter()
    for wave, files in result.audit_files.items():
        for path in files:
            audit = read_audit_file(path)
            assert audit.status is AuditStatus.FINALISED and audit.wave == wave
            visits[(audit.dealer_code, wave)] += 1
            values = {k: (None if a.na else a.value) for k, a in audit.answers.items()}
            attributes = dealers[audit.dealer_code].attributes
            for item_id, answer in audit.answers.items():
                item = items[item_id]
                if item.condition:
                    assert parse_condition(item.condition).evaluate(values, attributes), (path, item_id)
                assert not answer.na or item.na_allowed
                if item.evidence.photo is EvidenceWhen.ON_FAIL and item_fraction(item, answer.value) == 0:
                    assert answer.evidence and answer.note, (path, item_id)
                if answer.evidence:
                    assert (path.parent / answer.evidence[0].file_name).is_file()
            # every required item that applies is answered: the audit is complete enough to finalise
            for item in standard.items():
                applies = not item.condition or parse_condition(item.condition).evaluate(values, attributes)
                if item.required and applies:
                    assert item.id in audit.answers, (path, item.id)
            if values.get("W01") == "leave":
                assert "W02" not in audit.answers and "W04" not in audit.answers
            if not attributes["has_ev_service"]:
                assert "W04" not in audit.answers
    assert set(visits.values()) == {1, 2, 3}


def test_answer_distribution_is_realistic(tmp_path: Path) -> None:
    """Most items pass, knock-outs are rare, and weak dealers fail more than strong ones."""
    standard = mini_standard()
    quality = {f"D{i:03d}": ([0.55] if i < 10 else [0.95]) for i in range(40)}
    from dealer_audit.core.dealers import Dealer

    dealers = [Dealer(code, _t(code, code), "east", attributes={"has_ev_service": True}) for code in quality]
    result = generate_network(
        [standard], mini_program(), 0, 1, 11, tmp_path, dealers=dealers, quality=quality, visits=(3, 3)
    )
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    knockouts = 0
    for path in result.audit_files["2026-Q3"]:
        audit = read_audit_file(path)
        group = "weak" if quality[audit.dealer_code][0] < 0.6 else "strong"
        for item_id, answer in audit.answers.items():
            item = standard.items_by_id[item_id]
            fraction = item_fraction(item, answer.value)
            if fraction is None or not item.is_scored or item.bonus:
                continue
            total[group] += 1
            passed[group] += fraction >= 0.75  # a 4 on a 1..5 scale is a pass in everyday terms
            knockouts += item_id == "R01" and fraction < 1
    assert passed["strong"] / total["strong"] > 0.8
    assert passed["weak"] / total["weak"] < passed["strong"] / total["strong"] - 0.15
    assert 0 < knockouts < len(result.audit_files["2026-Q3"]) * 0.3


def test_evidence_photos_are_small_images(tmp_path: Path) -> None:
    result = generate_network([mini_standard()], mini_program(), 5, 1, 2, tmp_path)
    assert result.evidence_files
    for path in result.evidence_files:
        assert path.stat().st_size < 20_000
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_audit_files_are_in_the_documented_format(tmp_path: Path) -> None:
    result = generate_network([mini_standard()], mini_program(), 3, 1, 5, tmp_path, visits=(1, 1))
    data = json.loads(result.audit_files["2026-Q3"][0].read_text(encoding="utf-8"))
    assert data["format"] == "dealer-audit/audit" and data["format_version"] == 1
    assert data["standard"]["id"] == "mini-service"
    assert data["audit_id"][14] == "4"  # a version-4 UUID drawn from the seed
    assert data["visit"]["start"].endswith("+08:00")
    assert "2026-07-01" <= data["visit"]["start"][:10] <= "2026-09-30"


def test_waves_beyond_the_program_continue_the_quarters(tmp_path: Path) -> None:
    result = generate_network([mini_standard()], mini_program(), 2, 4, 5, tmp_path, visits=(1, 1))
    assert result.waves == ["2026-Q3", "2026-Q4", "2027-Q1", "2027-Q2"]


# ---- the committed sample network (sample_audits/, built by sample_audits/build_samples.py) ----------------------


def test_committed_samples_validate_and_tell_their_stories() -> None:
    """Every shipped sample audit fits its standard, and the scripted stories show up in the scores. If this fails
    after a standard changed, rebuild with `python sample_audits/build_samples.py`."""
    from dealer_audit.core.aggregate import AlertKind, score_wave
    from dealer_audit.core.validation import validate_audit
    from dealer_audit.formats.dealers import read_dealers
    from dealer_audit.formats.standards import load_checklists_dir

    standards, program = load_checklists_dir(ROOT / "checklists")
    dealers = read_dealers(ROOT / "sample_audits" / "dealers.csv", {r.code for r in program.regions})
    by_code = {d.code: d for d in dealers}
    by_key = {s.key: s for s in standards}
    files = sorted((ROOT / "sample_audits").glob("2026-Q*/*.json"))
    audits = [read_audit_file(p) for p in files]
    problems = [
        f"{a.source}: {p}"
        for a in audits
        for p in validate_audit(by_key[a.standard_id, a.standard_version], a, by_code[a.dealer_code])
    ]
    assert problems == []
    assert {a.wave for a in audits} == {"2026-Q3", "2026-Q4"}
    visits = Counter((a.dealer_code, a.wave, a.standard_id) for a in audits if a.counts_in_scores)
    assert len(visits) == len(dealers) * 2 * 2 and set(visits.values()) == {1, 2, 3}
    # Shared evidence for calibration: double audits in both waves (two auditors, same dealer, wave and standard)
    # and one calibration session in 2026-Q4 that every auditor scored.
    doubles = Counter((a.wave, a.dealer_code, a.standard_id) for a in audits if a.kind is AuditKind.DOUBLE)
    assert {w for w, _, _ in doubles} == {"2026-Q3", "2026-Q4"} and set(doubles.values()) == {2}
    for wave, code, standard_id in doubles:
        pair = [
            a
            for a in audits
            if (a.wave, a.dealer_code, a.standard_id, a.kind) == (wave, code, standard_id, AuditKind.DOUBLE)
        ]
        assert len({a.auditor for a in pair}) == 2
    session = [a for a in audits if a.kind is AuditKind.CALIBRATION]
    assert {(a.wave, a.scenario) for a in session} == {("2026-Q4", "CAL-2026-Q4-A")}
    assert len({a.auditor for a in session}) == len(session) >= 10
    for path in files:
        for answer in read_audit_file(path).answers.values():
            for ref in answer.evidence:
                photo = path.parent / ref.file_name
                assert photo.is_file() and photo.stat().st_size < 20_000
                assert hashlib.sha256(photo.read_bytes()).hexdigest() == ref.sha256
    notes = [a.note for audit in audits for a in audit.answers.values() if a.note]
    assert any(n.isascii() for n in notes) and any(not n.isascii() for n in notes)  # English and Chinese notes

    result = score_wave(program, by_key, dealers, audits, "2026-Q4", audits)
    improved, collapsed, repeated = result.dealer("CD002"), result.dealer("GZ001"), result.dealer("TY001")
    assert improved.delta.change > 150  # on the 1,000-point scale
    assert collapsed.delta.change < -200
    assert {AlertKind.CRITICAL_FAILURE, AlertKind.DROP} <= {a.kind for a in collapsed.alerts}
    assert {("svc-mystery-shop", "RC03"), ("digital-service", "DR01")} <= {
        (r.standard_id, r.item_id) for r in repeated.repeat_failures
    }

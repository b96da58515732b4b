"""Small standards and audits built in Python for the scoring tests (mirrors tests/fixtures/mini_standard.yaml)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dealer_audit.core.answers import Answer, Audit, AuditStatus
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import (
    AlertRules,
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
    NumberRange,
    Option,
    Program,
    ProgramChecklist,
    Region,
    ScaleRange,
    Section,
    Wave,
)

T = LocalText
BANDS = (
    Band("excellent", 90, T("优秀", "Excellent")),
    Band("good", 75, T("良好", "Good")),
    Band("fair", 60, T("合格", "Fair")),
    Band("poor", 0, T("待改进", "Poor")),
)


def yes_no(item_id: str, weight: float = 1.0, **kwargs: Any) -> Item:
    return Item(item_id, T(en=f"item {item_id}"), AnswerType.YES_NO, weight=weight, **kwargs)


def mini_standard() -> Checklist:
    """The Python twin of tests/fixtures/mini_standard.yaml."""
    reception = Section(
        "reception",
        T("接待", "Reception"),
        (
            Item(
                "R01",
                T("服务顾问使用平板电脑接车", "The service advisor checks the car in on a tablet"),
                AnswerType.YES_NO,
                weight=3,
                reference="SQ-2.1",
                critical=Critical(CriticalEffect.CAP, 60),
                evidence=EvidenceRule(photo=EvidenceWhen.ON_FAIL, note=EvidenceWhen.ON_FAIL),
            ),
            Item("R02", T(en="Walk-around"), AnswerType.YES_NO, weight=2, na_allowed=True),
            Item("R03", T(en="Asked to repeat booking data"), AnswerType.YES_NO, weight=1, compliant_answer="no"),
            Item(
                "R04",
                T(en="Minutes until greeted"),
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
        T("等待区", "Waiting area"),
        (
            Item(
                "W01",
                T(en="Did the customer wait on site"),
                AnswerType.SINGLE_CHOICE,
                scored=False,
                options=(Option("wait", T(en="Waited")), Option("leave", T(en="Left"))),
            ),
            Item(
                "W02",
                T(en="Lounge cleanliness"),
                AnswerType.SCALE,
                weight=2,
                scale=ScaleRange(1, 5),
                condition="W01 == 'wait'",
            ),
            Item(
                "W03",
                T(en="Amenities"),
                AnswerType.MULTIPLE_CHOICE,
                weight=2,
                condition="W01 == 'wait'",
                options=(
                    Option("wifi", T(en="Wi-Fi"), 1),
                    Option("drinks", T(en="Drinks"), 1),
                    Option("none", T(en="None"), 0),
                ),
            ),
            Item(
                "W04",
                T(en="EV charger"),
                AnswerType.YES_NO,
                condition="dealer.has_ev_service and W01 == 'wait'",
            ),
            Item("W05", T(en="Photo of the board"), AnswerType.PHOTO, required=False),
            Item("W06", T(en="Courtesy car"), AnswerType.YES_NO, bonus=True, required=False),
            Item("W07", T(en="Remarks"), AnswerType.TEXT, required=False),
        ),
    )
    return Checklist(
        "mini-service",
        "2026.1",
        ChecklistKind.MYSTERY_SHOP,
        T("迷你服务暗访", "Mini service mystery shop"),
        (reception, waiting),
        bands=BANDS,
        source="mini_standard.py",
    )


def simple_standard(
    standard_id: str = "simple",
    version: str = "1",
    sections: dict[str, int] | None = None,
    section_weights: dict[str, float] | None = None,
) -> Checklist:
    """Sections of plain yes/no items S1..Sn with weight 1: easy numbers for roll-up tests."""
    sections = sections or {"A": 2, "B": 2}
    section_weights = section_weights or {}
    built = tuple(
        Section(
            sid,
            T(en=f"Section {sid}"),
            tuple(yes_no(f"{sid}{n}") for n in range(1, count + 1)),
            weight=section_weights.get(sid),
        )
        for sid, count in sections.items()
    )
    return Checklist(standard_id, version, ChecklistKind.MYSTERY_SHOP, T(en=standard_id), built, bands=BANDS)


def answers(**values: Any) -> dict[str, Answer]:
    """answers(R01="yes", R02=NA, ...) with NA the N/A marker."""
    built = {}
    for item_id, value in values.items():
        if value is NA:
            built[item_id] = Answer(item_id, na=True)
        elif isinstance(value, Answer):
            built[item_id] = replace(value, item_id=item_id)
        else:
            built[item_id] = Answer(item_id, value=value)
    return built


class _NA:
    def __repr__(self) -> str:
        return "NA"


NA = _NA()


def audit(
    standard: Checklist,
    dealer: str = "D1",
    wave: str = "2026-Q4",
    audit_id: str | None = None,
    final: bool = True,
    **values: Any,
) -> Audit:
    return Audit(
        audit_id=audit_id or f"{dealer}-{standard.id}-{wave}",
        dealer_code=dealer,
        standard_id=standard.id,
        standard_version=standard.version,
        wave=wave,
        status=AuditStatus.FINALISED if final else AuditStatus.DRAFT,
        answers=answers(**values),
        source="audit.json",
    )


def dealer(code: str = "D1", region: str = "east", **attributes: Any) -> Dealer:
    return Dealer(code, T(en=f"Dealer {code}"), region, attributes=attributes)


def program(
    checklists: tuple[tuple[str, float], ...] = (("simple", 1.0),),
    scale: int = 100,
    drop_threshold: float = 10.0,
) -> Program:
    return Program(
        "prog",
        T(en="Program"),
        tuple(ProgramChecklist(sid, w) for sid, w in checklists),
        (Wave("2026-Q3"), Wave("2026-Q4")),
        regions=(Region("east", T(en="East")), Region("north", T(en="North"))),
        scale=scale,
        bands=BANDS,
        alerts=AlertRules(drop_threshold=drop_threshold),
    )

"""Fixtures for capture tests: the mini standard built in Python (mirrors tests/fixtures/mini_standard.yaml)."""

from __future__ import annotations

import pytest

from dealer_audit.core.answers import Audit
from dealer_audit.core.dealers import Dealer
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
    ScaleRange,
    Section,
)


def build_mini_standard() -> Checklist:
    """The same content as tests/fixtures/mini_standard.yaml, without depending on the YAML loader."""
    T = LocalText
    reception = Section(
        id="reception",
        title=T("接待", "Reception"),
        weight=40,
        items=(
            Item(
                "R01",
                T("服务顾问使用平板电脑接车", "The service advisor checks the car in on a tablet"),
                AnswerType.YES_NO,
                guidance=T("观察是否使用移动设备录入车辆信息", "Watch whether a mobile device is used"),
                weight=3,
                reference="SQ-2.1",
                critical=Critical(CriticalEffect.CAP, 60),
                evidence=EvidenceRule(photo=EvidenceWhen.ON_FAIL, note=EvidenceWhen.ON_FAIL),
            ),
            Item(
                "R02",
                T("顾问与客户一起环车检查", "Walk-around with the customer"),
                AnswerType.YES_NO,
                weight=2,
                na_allowed=True,
            ),
            Item(
                "R03",
                T("客户是否被要求重复提供预约信息", "Was the customer asked to repeat booking data"),
                AnswerType.YES_NO,
                compliant_answer="no",
                weight=1,
            ),
            Item(
                "R04",
                T("等待接待的时间", "Minutes until greeted"),
                AnswerType.NUMBER,
                unit=T("分钟", "min"),
                range=NumberRange(0, 240),
                weight=2,
                bands=(NumberBand(1, max=2), NumberBand(0.5, max=5), NumberBand(0)),
            ),
        ),
    )
    waiting = Section(
        id="waiting",
        title=T("等待区", "Waiting area"),
        items=(
            Item(
                "W01",
                T("客户是否在店内等待", "Did the customer wait on site"),
                AnswerType.SINGLE_CHOICE,
                scored=False,
                options=(Option("wait", T("店内等待", "Waited on site")), Option("leave", T("离店", "Left"))),
            ),
            Item(
                "W02",
                T("休息区整洁度", "Lounge cleanliness"),
                AnswerType.SCALE,
                scale=ScaleRange(1, 5),
                weight=2,
                condition="W01 == 'wait'",
            ),
            Item(
                "W03",
                T("提供的服务", "Amenities offered"),
                AnswerType.MULTIPLE_CHOICE,
                weight=2,
                condition="W01 == 'wait'",
                options=(
                    Option("wifi", T("无线网络", "Wi-Fi"), 1),
                    Option("drinks", T("饮品", "Drinks"), 1),
                    Option("none", T("无", "None"), 0),
                ),
            ),
            Item(
                "W04",
                T("电动车充电桩可用", "EV charger available for waiting customers"),
                AnswerType.YES_NO,
                condition="dealer.has_ev_service and W01 == 'wait'",
            ),
            Item(
                "W05", T("服务实况看板照片", "Photo of the live service-status board"), AnswerType.PHOTO, required=False
            ),
            Item(
                "W06",
                T("主动提供代步车", "Courtesy car offered unasked"),
                AnswerType.YES_NO,
                bonus=True,
                required=False,
            ),
            Item("W07", T("备注", "Remarks"), AnswerType.TEXT, required=False),
        ),
    )
    return Checklist(
        id="mini-service",
        version="2026.1",
        kind=ChecklistKind.MYSTERY_SHOP,
        title=T("迷你服务暗访", "Mini service mystery shop"),
        sections=(reception, waiting),
    )


@pytest.fixture
def standard() -> Checklist:
    return build_mini_standard()


@pytest.fixture
def ev_dealer() -> Dealer:
    return Dealer("SH001", LocalText("上海一店", "Shanghai One"), "east", attributes={"has_ev_service": True})


@pytest.fixture
def plain_dealer() -> Dealer:
    return Dealer("BJ002", LocalText("北京二店", "Beijing Two"), "north", attributes={"has_ev_service": False})


@pytest.fixture
def draft() -> Audit:
    return Audit("11111111-1111-4111-8111-111111111111", "SH001", "mini-service", "2026.1", "2026-Q4", auditor="王芳")

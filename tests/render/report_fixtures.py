"""Report models for renderer tests: hand-written ones (renderers tested without the scoring engine behind them)
and a small scored network from the shipped standards (builders and renderers on real scores)."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from dealer_audit.core.intervals import RankRange
from dealer_audit.core.report_model import (
    ActionRow,
    AnswerRow,
    AuditBlock,
    AuditLine,
    BandCount,
    BandRule,
    BandTag,
    ChangeLabel,
    ChecklistLine,
    ComplianceLine,
    DealerIdentity,
    DealerLine,
    DealerNotice,
    DealerReport,
    EvidenceView,
    FailedItem,
    Figure,
    Footer,
    HeatColumn,
    HeatRow,
    ItemRow,
    LeagueRow,
    NetworkReport,
    Notice,
    Opportunity,
    Rank,
    RegionReport,
    Result,
    SectionBlock,
    SectionColumn,
    SectionComparison,
    Span,
    StandardColumns,
    TrendPoint,
)

NASTY_NOTE = "Customer said <b>price & time</b> were fine 👍🏽 " + "x" * 300
EXCELLENT = BandTag("excellent", "Excellent", "#1b7f3b")
GOOD = BandTag("good", "Good", "#7cb342")
POOR = BandTag("poor", "Poor", "#c62828")
BANDS = (
    BandRule("excellent", "Excellent", "#1b7f3b", 90),
    BandRule("good", "Good", "#7cb342", 75),
    BandRule("fair", "Fair", "#f9a825", 60),
    BandRule("poor", "Poor", "#c62828", 0),
)


def _ranks(values: dict[str, float | None]) -> dict[str, int | None]:
    ordered = sorted((v for v in values.values() if v is not None), reverse=True)
    return {k: (None if v is None else ordered.index(v) + 1) for k, v in values.items()}


def _items(lang: str, n: int, fail_every: int = 3) -> tuple[ItemRow, ...]:
    rows = []
    for k in range(n):
        failed = k % fail_every == 1
        rows.append(
            ItemRow(
                item_id=f"R{k + 1:02d}",
                reference=f"SQ-2.{k + 1}",
                text=(
                    "服务顾问使用平板电脑接车" if lang == "zh" else "The service advisor checks the car in on a tablet"
                )
                + (f" ({k})" if k else ""),
                result=Result.FAIL if failed else (Result.NA if k == 4 else Result.PASS),
                answer_text="否" if failed and lang == "zh" else ("no" if failed else "yes"),
                earned=None if k == 4 else (0.0 if failed else 2.0),
                possible=None if k == 4 else 2.0,
                note=(NASTY_NOTE if k == 1 else ("等了7分钟才有人接待" if k == 7 else "")),
                evidence=(EvidenceView("board.png", "abc123"),) if k == 1 else (),
                critical=k == 1,
                repeat_failure=k == 7,
            )
        )
    return tuple(rows)


def _span(low: float, high: float) -> Span:
    return Span(Figure.of(low), Figure.of(high))


def _change(code: str, zh: bool, q: float | None = None) -> ChangeLabel:
    text = {
        "significant": ("显著", "significant", "显著", "signif."),
        "within noise": ("在误差范围内", "within noise", "误差内", "noise"),
        "insufficient data": ("数据不足", "insufficient data", "数据不足", "no data"),
    }[code]
    return ChangeLabel(code, text[0] if zh else text[1], q, text[2] if zh else text[3])


def make_dealer_report(lang: str = "en", n_items: int = 12) -> DealerReport:
    zh = lang == "zh"
    sections = (
        SectionBlock("reception", "接待" if zh else "Reception", Figure.of(62.5), _items(lang, n_items)),
        SectionBlock("waiting", "等待区" if zh else "Waiting area", Figure.of(87.25), _items(lang, 5, 4)),
    )
    audit = AuditBlock(
        audit_id="0b7c6a52-1d2e-4f00-9a1b-3c4d5e6f7a8b",
        standard_id="mini-service",
        standard_version="2026.1",
        standard_title="迷你服务暗访" if zh else "Mini service mystery shop",
        visit_date="2026-10-12",
        auditor="王芳",
        index=Figure.of(60.0),
        raw_index=Figure.of(71.43),
        sections=sections,
    )
    return DealerReport(
        lang=lang,
        program_title="2026 服务体验项目" if zh else "2026 service experience program",
        composite_name="服务体验指数" if zh else "Service Experience Index",
        scale=1000,
        dealer=DealerIdentity(
            "SH001",
            "上海浦东汽车销售服务有限公司",
            "Shanghai Pudong Motors",
            "east",
            "华东区" if zh else "East",
            "上海" if zh else "Shanghai",
        ),
        wave="2026-Q4",
        wave_title="2026年第四季度" if zh else "2026 Q4",
        previous_wave="2026-Q3",
        composite=Figure.of(600.0),
        band=BandTag("fair", "合格" if zh else "Fair", "#f9a825"),
        delta=Figure.delta(-125.4),
        rank_region=Rank(3, 12),
        rank_network=Rank(17, 48),
        checklists=(
            ChecklistLine(
                "mini-service",
                "2026.1",
                "迷你服务暗访" if zh else "Mini service mystery shop",
                Figure.of(60.0),
                Figure.of(71.43),
                BandTag("fair", "Fair", "#f9a825"),
                1,
                Figure.delta(-12.54),
                Rank(3, 12),
                Rank(17, 48),
                Figure.of(44.1),
                Figure.of(75.9),
                Figure.of(64.03),
                _change("within noise", zh, 0.31),
            ),
        ),
        sections=(
            SectionComparison(
                "mini-service",
                "reception",
                "接待" if zh else "Reception",
                Figure.of(62.5),
                Figure.of(80.1),
                Figure.of(78.0),
                Figure.delta(-20),
                _span(41.2, 83.8),
                _change("within noise", zh, 0.4),
            ),
            SectionComparison(
                "mini-service",
                "waiting",
                "等待区" if zh else "Waiting area",
                Figure.of(87.25),
                Figure.of(70.0),
                Figure.of(74.4),
                Figure.delta(3.1),
                _span(70.15, 100.0),
                _change("insufficient data", zh),
            ),
        ),
        trend=(
            TrendPoint("2026-Q2", 702.0, 690.0, 700.0),
            TrendPoint("2026-Q3", 725.4, 710.0, 705.0),
            TrendPoint("2026-Q4", 600.0, 715.2, 712.0),
        ),
        notices=(
            Notice(
                "knockout",
                "R02 "
                + ("客户被要求重复提供预约信息：指数上限 60" if zh else "Booking data asked again: index capped at 60"),
            ),
            Notice("alert", "Index fell 125.4 points since 2026-Q3 (threshold 100)"),
        ),
        opportunities=(
            Opportunity(
                "R02", "mini-service", "Walk-around with the customer", "Reception", Figure.of(2.0), Figure.of(11.4)
            ),
            Opportunity("R08", "mini-service", "等待接待的时间", "Reception", Figure.of(1.0), Figure.of(5.7)),
        ),
        audits=(audit,),
        actions=(
            ActionRow("R02", "Walk-around with the customer", NASTY_NOTE),
            ActionRow("R08", "等待接待的时间", "等了7分钟才有人接待"),
        ),
        footer=Footer("mini-service 2026.1", audit.audit_id, "2026-11-23"),
        interval=_span(441.0, 759.0),
        shrunk=Figure.of(640.3),
        change=_change("significant", zh, 0.012),
        rank_range_region="2–6",
        rank_range_network="11–27",
        precision_notes=(
            "综合指数的95%置信区间为 441.0–759.0；收缩估计为 640.3。"
            if zh
            else "95% interval of the composite: 441.0–759.0; shrunken estimate for ranking decisions: 640.3.",
            "仅基于一次走访：迷你服务暗访。" if zh else "Rests on one visit: Mini service mystery shop.",
        ),
    )


def make_region_report(lang: str = "en", n: int = 6) -> RegionReport:
    zh = lang == "zh"
    cols = (
        HeatColumn("mini-service", "reception", "接待" if zh else "Reception"),
        HeatColumn("mini-service", "waiting", "等待区" if zh else "Waiting area"),
    )
    league = tuple(
        LeagueRow(
            f"E{k:03d}",
            f"华东{k}号店" if zh else f"East store {k}",
            "上海",
            Figure.of(950 - 60 * k),
            EXCELLENT if k < 2 else (GOOD if k < 4 else POOR),
            k + 1,
            2 * k + 1,
            Figure.delta(10 - 5 * k),
            1 + k % 3,
            alert=k == 5,
            interval=_span(950 - 60 * k - 80 / (1 + k % 3) ** 0.5, min(1000.0, 950 - 60 * k + 80 / (1 + k % 3) ** 0.5)),
            shrunk=Figure.of(800 + (150 - 60 * k) * 0.8),
            change=_change("significant" if k == 5 else "within noise", zh),
            rank_range_region=f"{max(1, k)}–{min(n, k + 2)}",
            rank_range_network=f"{2 * k + 1}–{2 * k + 4}",
        )
        for k in range(n)
    )
    heat = tuple(
        HeatRow(r.dealer_code, r.dealer_name, (Figure.of(95 - 8 * k), Figure.of(55 + 7 * k)))
        for k, r in enumerate(league)
    )
    return RegionReport(
        lang=lang,
        program_title="2026 program",
        composite_name="Service Experience Index",
        scale=1000,
        region_code="east",
        region_name="华东区" if zh else "East",
        wave="2026-Q4",
        wave_title="2026 Q4",
        n_dealers=n,
        mean=Figure.of(800.0),
        median=Figure.of(790.0),
        min=Figure.of(650.0),
        max=Figure.of(950.0),
        network_mean=Figure.of(780.0),
        league=league,
        bands=(
            BandCount(EXCELLENT, 2),
            BandCount(GOOD, 2),
            BandCount(BandTag("fair", "Fair", "#f9a825"), 0),
            BandCount(POOR, 2),
        ),
        heat_columns=cols,
        heat_rows=heat,
        heat_overview=(),
        most_failed=(
            FailedItem(
                "mini-service",
                "R01",
                "SQ-2.1",
                "The service advisor checks the car in on a tablet",
                "Reception",
                4,
                6,
                Figure.share(4 / 6),
            ),
        ),
        alerts=(DealerNotice("E005", "East store 5", "Index fell 25.0 points"),),
        repeats=(DealerNotice("E003", "East store 3", "R01 " + NASTY_NOTE),),
        footer=Footer("mini-service 2026.1", "6 audits", "2026-11-23"),
    )


def make_network_report(n_dealers: int = 3) -> NetworkReport:
    std = StandardColumns(
        "mini-service",
        "2026.1",
        "Mini service",
        1.0,
        (
            SectionColumn("mini-service", "reception", "Reception", 8.0),
            SectionColumn("mini-service", "waiting", "Waiting area", 2.0),
        ),
    )
    dealers = []
    for d in range(n_dealers):
        code = f"D{d:03d}"
        audits = []
        for a in range(1 + d % 2):
            aid = f"{code}-A{a}"
            answers = []
            earned_rec = 0.0
            for k in range(4):
                ok = (k + d + a) % 3 != 0
                e = 2.0 if ok else 0.0
                earned_rec += e
                answers.append(
                    AnswerRow(
                        code,
                        aid,
                        "mini-service",
                        "reception",
                        f"R{k}",
                        "yes" if ok else "no",
                        Result.PASS if ok else Result.FAIL,
                        e,
                        2.0,
                        "=SUM(A1)" if k == 0 else ("-bad" if k == 1 else ""),
                        "",
                    )
                )
            w_ok = (d + a) % 2 == 0
            answers.append(
                AnswerRow(
                    code,
                    aid,
                    "mini-service",
                    "waiting",
                    "W1",
                    "yes" if w_ok else "no",
                    Result.PASS if w_ok else Result.FAIL,
                    2.0 if w_ok else 0.0,
                    2.0,
                    "@x",
                    "",
                )
            )
            answers.append(AnswerRow(code, aid, "mini-service", "waiting", "W2", "", Result.NA, None, None, "", ""))
            rec = 100 * earned_rec / 8
            wait = 100.0 if w_ok else 0.0
            idx = (8 * rec + 2 * wait) / 10
            audits.append(
                AuditLine(
                    aid,
                    code,
                    "east" if d % 2 else "north",
                    "mini-service",
                    "2026.1",
                    "2026-Q4",
                    "+auditor",
                    "2026-10-12",
                    "finalised",
                    Figure.of(idx),
                    Figure.of(idx),
                    (Figure.of(rec), Figure.of(wait)),
                    "",
                    tuple(answers),
                )
            )
        idx_mean = sum(a.index.value or 0 for a in audits) / len(audits)
        secs = tuple(Figure.of(sum(a.sections[s].value or 0 for a in audits) / len(audits)) for s in range(2))
        region = "east" if d % 2 else "north"
        composite = idx_mean * 10
        band = next(b for b in BANDS if composite >= b.min * 10)
        dealers.append(
            DealerLine(
                DealerIdentity(code, f"经销商{d}", f"=Dealer {d}", region, region.title(), "上海"),
                Figure.of(composite),
                BandTag(band.code, band.label, band.color),
                None,
                None,
                Figure.delta(None),
                (Figure.of(idx_mean),),
                (Figure.delta(1.5),),
                (secs,),
                (len(audits),),
                tuple(audits),
                interval=_span(composite - 60, min(1000.0, composite + 60)),
                shrunk=Figure.of(composite * 0.9 + 80),
                change=_change("within noise", False, 0.5 + d / 100),
                rank_range=RankRange(1, n_dealers, 1, 2),
            )
        )
    # ranks exactly as the scoring engine gives them (competition ranking, ties share)
    network = _ranks({d.dealer.code: d.composite.value for d in dealers})
    regional: dict[str, int | None] = {}
    for region in {d.dealer.region_code for d in dealers}:
        regional.update(_ranks({d.dealer.code: d.composite.value for d in dealers if d.dealer.region_code == region}))
    dealers = [replace(d, rank_region=regional[d.dealer.code], rank_network=network[d.dealer.code]) for d in dealers]
    return NetworkReport(
        lang="en",
        program_title="2026 program",
        composite_name="Service Experience Index",
        scale=1000,
        waves=("2026-Q4",),
        standards=(std,),
        dealers=tuple(dealers),
        sections=(
            ComplianceLine(
                "NETWORK",
                "mini-service",
                "reception",
                "",
                "Reception",
                10,
                7,
                Figure.share(0.7),
                Span(Figure.share(0.3968), Figure.share(0.8922)),
            ),
        ),
        items=(ComplianceLine("east", "mini-service", "reception", "R0", "=cmd|'/C'!A0", 3, 1, Figure.share(1 / 3)),),
        generated="2026-11-23",
        bands=BANDS,
    )


# ---------------------------------------------------------------------------------------------------------------
# a small scored network of the shipped standards (generated deterministically, scored by the real core)

ROOT = Path(__file__).resolve().parents[2]


class ScoredNetwork:
    """Two waves of a generated network, scored; what the report builders take."""

    def __init__(self, folder: Path, dealers: int = 8) -> None:
        from dealer_audit.core.aggregate import score_wave
        from dealer_audit.formats.audit_json import read_audit_file
        from dealer_audit.formats.standards import load_checklists_dir
        from dealer_audit.services.sample_network import generate_network

        standards, program = load_checklists_dir(ROOT / "checklists")
        assert program is not None
        waves = ["2026-Q3", "2026-Q4"]
        net = generate_network(standards, program, dealers, waves, 11, folder, visits=(1, 2))
        audits = [read_audit_file(p) for files in net.audit_files.values() for p in files]
        self.folder = folder
        self.program = program
        self.dealers = net.dealers
        self.standards = {s.key: s for s in standards}
        self.audits = {a.audit_id: a for a in audits}
        self.previous = score_wave(program, self.standards, net.dealers, audits, waves[0], [])
        self.result = score_wave(program, self.standards, net.dealers, audits, waves[1], audits)
        self.evidence_dir = folder / waves[1] / "evidence"

    def resolver(self) -> Any:
        def resolve(ev: Any) -> Path | None:
            path = self.evidence_dir / ev.file_name
            return path if path.is_file() else None

        return resolve


@lru_cache(maxsize=2)
def scored_network(folder: str, dealers: int = 8) -> ScoredNetwork:
    return ScoredNetwork(Path(folder), dealers)

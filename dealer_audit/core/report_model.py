"""The report model: every number and text a report shows, computed once, handed to every renderer.

Why a separate model: the dealer PDF, the dealer workbook, the regional PDF and the HQ workbook must never
disagree. So the scoring results are turned, in one pure place, into plain frozen dataclasses whose fields are
exactly what a reader sees — texts already in the report's language, numbers kept at full precision (`value`,
for workbooks and formulas) *and* display-rounded (`text`, 1 decimal half away from zero, "N/A" when missing).
Renderers only lay these out; they compute nothing but positions.

The builders (`build_dealer_report`, `build_region_report`, `build_network_report`) read a `WaveResult` from
core/aggregate.py; everything they need that the roll-ups do not carry is derived here from the item scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

NA_TEXT = "N/A"


# ---------------------------------------------------------------------------------------------------------------
# display helpers (pure; the one place rounding for display happens)


def round_half_away(value: float, decimals: int = 1) -> float:
    """Round for display, half away from zero (87.25 -> 87.3, -0.05 -> -0.1), unlike Python's banker's round."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def fmt_number(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return NA_TEXT
    rounded = round_half_away(value, decimals)
    if rounded == 0:
        rounded = 0.0  # never show "-0.0"
    return f"{rounded:.{decimals}f}"


def fmt_delta(value: float | None, decimals: int = 1) -> str:
    """A wave-over-wave change with its sign ("+2.1", "-10.0", "0.0"); "–" when there is no previous wave."""
    if value is None:
        return "–"
    rounded = round_half_away(value, decimals)
    if rounded == 0:
        return f"{0:.{decimals}f}"
    return f"{rounded:+.{decimals}f}"


def fmt_percent(value: float | None, decimals: int = 1) -> str:
    """A share in 0..1 shown as a percentage ("83.3%")."""
    return NA_TEXT if value is None else f"{fmt_number(value * 100, decimals)}%"


def fmt_points(value: float | None) -> str:
    """Item points: integers without decimals, fractions with up to two ("1.5", "0.25")."""
    if value is None:
        return "–"
    rounded = round_half_away(value, 2)
    text = f"{rounded:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as a report shows it: full precision for workbooks, display text for PDFs and labels."""

    value: float | None
    text: str

    @classmethod
    def of(cls, value: float | None, decimals: int = 1) -> Figure:
        return cls(value, fmt_number(value, decimals))

    @classmethod
    def delta(cls, value: float | None, decimals: int = 1) -> Figure:
        return cls(value, fmt_delta(value, decimals))

    @classmethod
    def share(cls, value: float | None, decimals: int = 1) -> Figure:
        return cls(value, fmt_percent(value, decimals))


@dataclass(frozen=True, slots=True)
class BandTag:
    """A band as shown: its code (for conditional colours), label in the report language and colour."""

    code: str
    label: str
    color: str


NO_BAND = BandTag("", NA_TEXT, "#9e9e9e")


@dataclass(frozen=True, slots=True)
class Rank:
    position: int | None
    of: int

    @property
    def text(self) -> str:
        return NA_TEXT if self.position is None else f"{self.position} / {self.of}"


# ---------------------------------------------------------------------------------------------------------------
# labels: every fixed text of every report, in both languages (the renderers look words up here)

LABELS: dict[str, dict[str, str]] = {
    "dealer_report": {"zh": "经销商服务稽核报告", "en": "Dealer Service Audit Report"},
    "region_report": {"zh": "区域服务稽核报告", "en": "Regional Service Audit Report"},
    "network_report": {"zh": "全网服务稽核汇总", "en": "Network Service Audit Summary"},
    "dealer": {"zh": "经销商", "en": "Dealer"},
    "code": {"zh": "代码", "en": "Code"},
    "name": {"zh": "名称", "en": "Name"},
    "region": {"zh": "区域", "en": "Region"},
    "city": {"zh": "城市", "en": "City"},
    "wave": {"zh": "批次", "en": "Wave"},
    "index": {"zh": "指数", "en": "Index"},
    "raw_index": {"zh": "未扣减指数", "en": "Raw index"},
    "band": {"zh": "等级", "en": "Band"},
    "rank_region": {"zh": "区域排名", "en": "Rank in region"},
    "rank_network": {"zh": "全网排名", "en": "Rank in network"},
    "delta": {"zh": "较上批次", "en": "vs previous wave"},
    "delta_short": {"zh": "变化", "en": "Δ"},
    "visits": {"zh": "走访次数", "en": "Visits"},
    "checklists": {"zh": "各标准指数", "en": "Index per standard"},
    "standard": {"zh": "标准", "en": "Standard"},
    "section": {"zh": "模块", "en": "Section"},
    "sections_chart": {"zh": "模块得分对比", "en": "Section scores vs region and network"},
    "trend": {"zh": "历次批次趋势", "en": "Trend over waves"},
    "this_dealer": {"zh": "本店", "en": "Dealer"},
    "region_avg": {"zh": "区域平均", "en": "Region average"},
    "network_avg": {"zh": "全网平均", "en": "Network average"},
    "knockouts_alerts": {"zh": "否决项与预警", "en": "Knock-outs and alerts"},
    "knockout": {"zh": "否决项", "en": "Knock-out"},
    "alert": {"zh": "预警", "en": "Alert"},
    "none": {"zh": "无", "en": "None"},
    "opportunities": {"zh": "优先改进机会", "en": "Top improvement opportunities"},
    "points_lost": {"zh": "失分", "en": "Points lost"},
    "impact": {"zh": "对指数影响", "en": "Index impact"},
    "item": {"zh": "检查项", "en": "Item"},
    "result": {"zh": "结果", "en": "Result"},
    "points": {"zh": "得分/满分", "en": "Points"},
    "earned": {"zh": "得分", "en": "Earned"},
    "possible": {"zh": "满分", "en": "Possible"},
    "answer": {"zh": "回答", "en": "Answer"},
    "note": {"zh": "稽核员备注", "en": "Auditor note"},
    "evidence": {"zh": "证据", "en": "Evidence"},
    "repeat": {"zh": "重复失分", "en": "Repeat failure"},
    "repeat_short": {"zh": "重复", "en": "repeat"},
    "audit": {"zh": "稽核", "en": "Audit"},
    "auditor": {"zh": "稽核员", "en": "Auditor"},
    "visit_date": {"zh": "走访日期", "en": "Visit date"},
    "action_plan": {"zh": "整改计划", "en": "Action plan"},
    "what_to_fix": {"zh": "整改内容", "en": "What to fix"},
    "owner": {"zh": "责任人", "en": "Owner"},
    "due": {"zh": "完成日期", "en": "Due date"},
    "page": {"zh": "第 {x} 页 / 共 {y} 页", "en": "Page {x} of {y}"},
    "generated": {"zh": "生成日期", "en": "Generated"},
    "league": {"zh": "区域排名表", "en": "League table"},
    "distribution": {"zh": "等级分布", "en": "Distribution across bands"},
    "heatmap": {"zh": "经销商 × 模块热力图", "en": "Heat map: dealers × sections"},
    "most_failed": {"zh": "区域内失分最多的标准条款", "en": "Most-failed standards in the region"},
    "fail_rate": {"zh": "失分率", "en": "Failure rate"},
    "failed_n": {"zh": "失分店数", "en": "Failed"},
    "alerts": {"zh": "预警", "en": "Alerts"},
    "repeats": {"zh": "重复失分", "en": "Repeat failures"},
    "dealers_n": {"zh": "经销商数", "en": "Dealers"},
    "mean": {"zh": "平均", "en": "Mean"},
    "median": {"zh": "中位数", "en": "Median"},
    "min": {"zh": "最低", "en": "Min"},
    "max": {"zh": "最高", "en": "Max"},
    "pass": {"zh": "通过", "en": "Pass"},
    "fail": {"zh": "未通过", "en": "Fail"},
    "partial": {"zh": "部分", "en": "Partial"},
    "na": {"zh": "不适用", "en": "N/A"},
    "info": {"zh": "记录", "en": "Info"},
    "unanswered": {"zh": "未回答", "en": "Unanswered"},
    "summary": {"zh": "概要", "en": "Summary"},
    "items": {"zh": "检查项明细", "en": "Items"},
    "ci95": {"zh": "95%置信区间", "en": "95% CI"},
    "draft": {"zh": "草稿", "en": "draft"},
}


def label(key: str, lang: str) -> str:
    entry = LABELS[key]
    return entry["zh"] if lang.startswith("zh") else entry["en"]


# ---------------------------------------------------------------------------------------------------------------
# dealer report


class Result(StrEnum):
    """How one answered item came out, the ✓/✗/N/A column of the report."""

    PASS = "pass"
    FAIL = "fail"
    PARTIAL = "partial"  # scored 0 < f < 1 (scales, number bands, multiple choice)
    NA = "na"  # N/A or condition false: out of earned and possible
    INFO = "info"  # unscored (text, photo) items
    UNANSWERED = "unanswered"


@dataclass(frozen=True, slots=True)
class DealerIdentity:
    code: str
    name_zh: str
    name_en: str
    region_code: str
    region_name: str
    city: str = ""
    province: str = ""
    group: str = ""

    def name(self, lang: str) -> str:
        primary, other = (self.name_zh, self.name_en) if lang.startswith("zh") else (self.name_en, self.name_zh)
        return primary or other


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """An evidence file as the report names it; renderers resolve it to a file through a callable."""

    file_name: str
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class ItemRow:
    item_id: str
    reference: str
    text: str
    result: Result
    answer_text: str  # the answer as read ("yes", "4 / 5", "7 min", option labels)
    earned: float | None  # None when the item is out of scoring (N/A, condition false, unscored)
    possible: float | None
    note: str
    evidence: tuple[EvidenceView, ...] = ()
    critical: bool = False
    repeat_failure: bool = False

    @property
    def points_text(self) -> str:
        if self.possible is None and self.earned is None:
            return "–"
        return f"{fmt_points(self.earned)} / {fmt_points(self.possible)}"


@dataclass(frozen=True, slots=True)
class SectionBlock:
    section_id: str
    title: str
    score: Figure
    items: tuple[ItemRow, ...]
    zeroed_by_knockout: bool = False


@dataclass(frozen=True, slots=True)
class AuditBlock:
    """One visit: its id, standard, date and auditor, then its sections with item rows."""

    audit_id: str
    standard_id: str
    standard_version: str
    standard_title: str
    visit_date: str
    auditor: str
    index: Figure
    raw_index: Figure
    sections: tuple[SectionBlock, ...]
    final: bool = True


@dataclass(frozen=True, slots=True)
class SectionComparison:
    """One bar group of the page-1 chart: this dealer's section score against region and network means."""

    standard_id: str
    section_id: str
    title: str
    dealer: Figure
    region: Figure
    network: Figure
    delta: Figure


@dataclass(frozen=True, slots=True)
class ChecklistLine:
    """One standard's index for the dealer (mean of its finalised audits in the wave)."""

    standard_id: str
    standard_version: str
    title: str
    index: Figure
    raw_index: Figure
    band: BandTag
    n_audits: int
    delta: Figure
    rank_region: Rank
    rank_network: Rank
    ci_low: Figure | None = None
    ci_high: Figure | None = None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    wave: str
    dealer: float | None
    region: float | None
    network: float | None


@dataclass(frozen=True, slots=True)
class Notice:
    """A knock-out or alert line: kind is "knockout" or "alert"; text is ready to print."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Opportunity:
    item_id: str
    standard_id: str
    text: str
    section: str
    points_lost: Figure
    impact: Figure  # index points the dealer would gain by fixing it


@dataclass(frozen=True, slots=True)
class ActionRow:
    item_id: str
    text: str
    what_to_fix: str  # the finding to fix (auditor note or the failed requirement); owner/due stay blank


@dataclass(frozen=True, slots=True)
class Footer:
    standards: str  # "svc-mystery-shop 2026.1, digital 2026.2"
    audit_ids: str
    generated: str  # ISO date


@dataclass(frozen=True, slots=True)
class DealerReport:
    lang: str
    program_title: str
    composite_name: str
    scale: int
    dealer: DealerIdentity
    wave: str
    wave_title: str
    previous_wave: str | None
    composite: Figure
    band: BandTag
    delta: Figure
    rank_region: Rank
    rank_network: Rank
    checklists: tuple[ChecklistLine, ...]
    sections: tuple[SectionComparison, ...]
    trend: tuple[TrendPoint, ...]
    notices: tuple[Notice, ...]
    opportunities: tuple[Opportunity, ...]
    audits: tuple[AuditBlock, ...]
    actions: tuple[ActionRow, ...]
    footer: Footer

    def t(self, key: str) -> str:
        return label(key, self.lang)

    @property
    def file_stem(self) -> str:
        return safe_file_stem(f"{self.dealer.code}_{self.wave}_{self.lang}")


# ---------------------------------------------------------------------------------------------------------------
# region report


@dataclass(frozen=True, slots=True)
class LeagueRow:
    dealer_code: str
    dealer_name: str
    city: str
    index: Figure
    band: BandTag
    rank_region: int | None
    rank_network: int | None
    delta: Figure
    n_visits: int
    alert: bool = False


@dataclass(frozen=True, slots=True)
class BandCount:
    band: BandTag
    count: int


@dataclass(frozen=True, slots=True)
class HeatColumn:
    standard_id: str
    section_id: str
    title: str


@dataclass(frozen=True, slots=True)
class HeatRow:
    dealer_code: str
    dealer_name: str
    cells: tuple[Figure, ...]  # one per HeatColumn, N/A when the dealer has no score there


@dataclass(frozen=True, slots=True)
class FailedItem:
    standard_id: str
    item_id: str
    reference: str
    text: str
    section: str
    failed: int  # audits where it failed
    applicable: int  # audits where it applied
    fail_rate: Figure  # share 0..1


@dataclass(frozen=True, slots=True)
class DealerNotice:
    dealer_code: str
    dealer_name: str
    text: str


@dataclass(frozen=True, slots=True)
class RegionReport:
    lang: str
    program_title: str
    composite_name: str
    scale: int
    region_code: str
    region_name: str
    wave: str
    wave_title: str
    n_dealers: int
    mean: Figure
    median: Figure
    min: Figure
    max: Figure
    network_mean: Figure
    league: tuple[LeagueRow, ...]
    bands: tuple[BandCount, ...]
    heat_columns: tuple[HeatColumn, ...]
    heat_rows: tuple[HeatRow, ...]
    most_failed: tuple[FailedItem, ...]
    alerts: tuple[DealerNotice, ...]
    repeats: tuple[DealerNotice, ...]
    footer: Footer

    def t(self, key: str) -> str:
        return label(key, self.lang)

    @property
    def file_stem(self) -> str:
        return safe_file_stem(f"region_{self.region_code}_{self.wave}_{self.lang}")


# ---------------------------------------------------------------------------------------------------------------
# network (HQ) workbook


@dataclass(frozen=True, slots=True)
class SectionColumn:
    """A section of one standard as a column of the Dealers and Audits sheets."""

    standard_id: str
    section_id: str
    title: str
    weight: float  # W_s, for the checklist-index formula


@dataclass(frozen=True, slots=True)
class StandardColumns:
    standard_id: str
    version: str
    title: str
    weight: float  # in the composite
    sections: tuple[SectionColumn, ...]


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One line of the long Answers sheet: dealer × audit × item."""

    dealer_code: str
    audit_id: str
    standard_id: str
    section_id: str
    item_id: str
    value: str
    result: Result
    earned: float | None
    possible: float | None
    note: str
    evidence: str


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One row of the Audits sheet, with the rows of its answers on the Answers sheet (for formulas)."""

    audit_id: str
    dealer_code: str
    region_code: str
    standard_id: str
    standard_version: str
    wave: str
    auditor: str
    visit_date: str
    status: str
    index: Figure
    raw_index: Figure
    sections: tuple[Figure, ...]  # raw section % per section of its standard (StandardColumns order)
    knockouts: str
    answers: tuple[AnswerRow, ...]


@dataclass(frozen=True, slots=True)
class DealerLine:
    dealer: DealerIdentity
    composite: Figure
    band: BandTag
    rank_region: int | None
    rank_network: int | None
    delta: Figure
    indices: tuple[Figure, ...]  # per standard (NetworkReport.standards order)
    index_deltas: tuple[Figure, ...]
    sections: tuple[tuple[Figure, ...], ...]  # per standard, per section
    n_audits: tuple[int, ...]  # per standard
    audits: tuple[AuditLine, ...]


@dataclass(frozen=True, slots=True)
class ComplianceLine:
    """A compliance rate (share of applicable audits where it passed) for one section or item in one scope."""

    scope: str  # region code or "NETWORK"
    standard_id: str
    section_id: str
    item_id: str  # "" on the Sections sheet
    text: str
    applicable: int
    passed: int
    rate: Figure


@dataclass(frozen=True, slots=True)
class NetworkReport:
    lang: str
    program_title: str
    composite_name: str
    scale: int
    waves: tuple[str, ...]  # the wave(s) included; the first is the one ranked
    standards: tuple[StandardColumns, ...]
    dealers: tuple[DealerLine, ...]
    sections: tuple[ComplianceLine, ...]
    items: tuple[ComplianceLine, ...]
    generated: str

    def t(self, key: str) -> str:
        return label(key, self.lang)

    @property
    def n_answers(self) -> int:
        return sum(len(a.answers) for d in self.dealers for a in d.audits)


# ---------------------------------------------------------------------------------------------------------------
# small pure utilities shared by builders and renderers


def safe_file_stem(text: str) -> str:
    """A file name part that is safe on Windows and Linux: no separators, reserved characters or spaces."""
    bad = '<>:"/\\|?* \t\n\r'
    cleaned = "".join("_" if ch in bad or ord(ch) < 32 else ch for ch in text).strip("._")
    return cleaned or "report"


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def mean(values: Iterable[float]) -> float | None:
    data = list(values)
    return sum(data) / len(data) if data else None


def competition_ranks(values: dict[str, float | None]) -> dict[str, int | None]:
    """Ranks with ties sharing a rank (1, 2, 2, 4); keys with no value get None. Full precision is compared."""
    present = sorted((v for v in values.values() if v is not None), reverse=True)
    first_position: dict[float, int] = {}
    for position, value in enumerate(present, start=1):
        first_position.setdefault(value, position)
    return {k: (None if v is None else first_position[v]) for k, v in values.items()}

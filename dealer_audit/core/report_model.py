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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from dealer_audit.core.actions import Action, ActionStatus, requirement_texts, summarise_actions
from dealer_audit.core.aggregate import (
    AlertKind,
    DealerChecklistResult,
    DealerResult,
    GroupResult,
    WaveResult,
    version_key,
)
from dealer_audit.core.answers import Answer, Audit
from dealer_audit.core.coverage import Coverage
from dealer_audit.core.disputes import Dispute, DisputeStatus, dispute_rates
from dealer_audit.core.intervals import SIGNIFICANCE_TEXT, DeltaTest, RankRange, Significance
from dealer_audit.core.scoring import AuditScore, ItemScore, KnockOut
from dealer_audit.core.self_assessment import SelfAssessmentGap
from dealer_audit.core.self_assessment_view import REGION_LIMIT, SelfAssessmentView, self_assessment_views
from dealer_audit.core.standard import (
    AnswerType,
    Band,
    Checklist,
    CriticalEffect,
    Item,
)
from dealer_audit.core.stats import Interval

if TYPE_CHECKING:  # the KPI panels are built in core/kpi_report.py, which builds on this module's Figure
    from dealer_audit.core.insight_view import InsightView
    from dealer_audit.core.kpi_report import DealerKpiPanel, NetworkKpiPanel, RegionKpiPanel

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
class Span:
    """A 95% interval as a report shows it: both ends as figures, and "812.3–870.1" as text."""

    low: Figure
    high: Figure

    @property
    def text(self) -> str:
        return f"{self.low.text}–{self.high.text}"

    @classmethod
    def of(cls, interval: Interval | None, factor: float = 1.0) -> Span | None:
        if interval is None:
            return None
        return cls(Figure.of(interval.low * factor), Figure.of(interval.high * factor))


@dataclass(frozen=True, slots=True)
class ChangeLabel:
    """Is a change real? `code` is the label (significant / within noise / insufficient data), `text` the same
    in the report language, `q` the false-discovery-adjusted p value (None when it could not be tested)."""

    code: str
    text: str
    q: float | None = None
    short: str = ""  # for narrow table columns ("noise", "误差内")

    @property
    def significant(self) -> bool:
        return self.code == Significance.SIGNIFICANT.value


def change_label(test: DeltaTest | None, lang: str) -> ChangeLabel | None:
    if test is None:
        return None
    key = "zh" if lang.startswith("zh") else "en"
    return ChangeLabel(test.label.value, SIGNIFICANCE_TEXT[test.label][key], test.q, _SHORT_LABELS[test.label][key])


_SHORT_LABELS: dict[Significance, dict[str, str]] = {
    Significance.SIGNIFICANT: {"zh": "显著", "en": "signif."},
    Significance.NOISE: {"zh": "误差内", "en": "noise"},
    Significance.INSUFFICIENT: {"zh": "数据不足", "en": "no data"},
}


def rank_range_text(best: int | None, worst: int | None) -> str:
    """ "3–9", or "3" when the rank is certain; "" without a range."""
    if best is None or worst is None:
        return ""
    return str(best) if best == worst else f"{best}–{worst}"


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
    "status": {"zh": "状态", "en": "Status"},
    "action_follow_up": {"zh": "整改跟踪（未完成与逾期）", "en": "Action follow-up (open and overdue)"},
    "actions_total": {"zh": "整改项", "en": "Actions"},
    "open_n": {"zh": "未完成", "en": "Open"},
    "overdue_n": {"zh": "逾期", "en": "Overdue"},
    "done_n": {"zh": "待验证", "en": "Done, to verify"},
    "verified_n": {"zh": "已验证", "en": "Verified"},
    "reopened_n": {"zh": "重新打开", "en": "Reopened"},
    "page": {"zh": "第 {x} 页 / 共 {y} 页", "en": "Page {x} of {y}"},
    "generated": {"zh": "生成日期", "en": "Generated"},
    "league": {"zh": "区域排名表", "en": "League table"},
    "distribution": {"zh": "等级分布", "en": "Distribution across bands"},
    "heatmap": {"zh": "经销商 × 模块热力图", "en": "Heat map: dealers × sections"},
    "heat_overview": {"zh": "模块得分概览：按区域排名分段", "en": "Section scores by ranking tenth"},
    "heat_tenth": {"zh": "第 {k}/{of} 段（第 {first}–{last} 名）", "en": "Tenth {k}/{of} (ranks {first}–{last})"},
    "heat_worst": {"zh": "排名最后的 {n} 家经销商", "en": "The {n} lowest-ranked dealers"},
    "heat_full_list": {
        "zh": "全部 {n} 家经销商的模块得分见总部汇总表（Dealers 工作表）。",
        "en": "Every dealer's section scores ({n} dealers): the HQ workbook, Dealers sheet.",
    },
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
    "shrunk": {"zh": "收缩估计", "en": "Shrunken estimate"},
    "shrunk_short": {"zh": "收缩估计", "en": "EB"},
    "change_test": {"zh": "变化判断", "en": "Real or noise"},
    "rank_range": {"zh": "排名区间", "en": "Rank range"},
    "rank_range_region": {"zh": "区域排名区间", "en": "Plausible rank (region)"},
    "rank_range_network": {"zh": "全网排名区间", "en": "Plausible rank (network)"},
    "draft": {"zh": "草稿", "en": "draft"},
    # ---- the HQ network workbook (render/xlsx/network.py): column headers (shared ones are above)
    "value": {"en": "Value", "zh": "回答"},
    "hq_note": {"en": "Note", "zh": "备注"},
    "version": {"en": "Version", "zh": "版本"},
    "knockouts": {"en": "Knock-outs", "zh": "否决项"},
    "answers_sheet": {"en": "Answers sheet", "zh": "答案所在工作表"},
    "name_zh": {"en": "Name (zh)", "zh": "名称（中文）"},
    "name_en": {"en": "Name (en)", "zh": "名称（英文）"},
    "region_name": {"en": "Region name", "zh": "区域名称"},
    "province": {"en": "Province", "zh": "省份"},
    "group": {"en": "Group", "zh": "集团"},
    "delta_previous": {"en": "Δ vs previous wave", "zh": "较上批次变化"},
    "std_index": {"en": "{standard} index", "zh": "{standard} 指数"},
    "std_delta": {"en": "{standard} Δ", "zh": "{standard} 变化"},
    "std_audits": {"en": "{standard} audits", "zh": "{standard} 稽核数"},
    "scope": {"en": "Scope", "zh": "范围"},
    "text": {"en": "Text", "zh": "内容"},
    "applicable": {"en": "Applicable audits", "zh": "适用稽核数"},
    "passed": {"en": "Passed", "zh": "通过数"},
    "compliance_rate": {"en": "Compliance rate", "zh": "达标率"},
    "wilson_low": {"en": "Wilson 95% low", "zh": "Wilson 95% 下限"},
    "wilson_high": {"en": "Wilson 95% high", "zh": "Wilson 95% 上限"},
    "ci_low": {"en": "95% CI low", "zh": "95% 区间下限"},
    "ci_high": {"en": "95% CI high", "zh": "95% 区间上限"},
    "shrunken": {"en": "Shrunken estimate", "zh": "收缩估计"},
    "delta_test": {"en": "Δ test", "zh": "变化检验"},
    "delta_q": {"en": "Δ q (BH)", "zh": "变化 q 值 (BH)"},
    "network_rank_best": {"en": "Network rank best", "zh": "全网排名（最好）"},
    "network_rank_worst": {"en": "Network rank worst", "zh": "全网排名（最差）"},
    "region_rank_best": {"en": "Region rank best", "zh": "区域排名（最好）"},
    "region_rank_worst": {"en": "Region rank worst", "zh": "区域排名（最差）"},
    # ---- README sheet: the header lines
    "program": {"en": "Program", "zh": "稽核项目"},
    "waves": {"en": "Wave(s)", "zh": "批次"},
    "index_scale": {"en": "Index scale", "zh": "指数量程"},
    "index_scale_text": {
        "en": "{composite} on 0..{scale}; standard and section scores on 0..100",
        "zh": "{composite}：0..{scale}；各标准与模块得分：0..100",
    },
    "standards": {"en": "Standards", "zh": "标准"},
    "standard_weight": {"en": "{standard} {version} (weight {weight})", "zh": "{standard} {version}（权重 {weight}）"},
    "sheet": {"en": "Sheet", "zh": "工作表"},
    "what_it_holds": {"en": "What it holds", "zh": "内容"},
    "column": {"en": "Answers column", "zh": "Answers 列"},
    "meaning": {"en": "Meaning", "zh": "含义"},
    "row_limit": {"en": "Row limit", "zh": "行数上限"},
    # ---- README sheet: what each sheet holds
    "about_dealers": {
        "en": "One row per dealer: identity, composite index, band, ranks in region and network, delta vs the "
        "previous wave, each standard's index/delta/number of audits, each section's score, and the composite in "
        "further waves. Index, section, composite, band and rank cells are formulas over the Audits sheet (which "
        "sums the Answers sheet), stored with their computed values.",
        "zh": "每家经销商一行：基本信息、综合指数、等级、区域与全网排名、较上批次变化、"
        "各标准的指数/变化/稽核数、各模块得分，以及其他批次的综合指数。"
        "指数、模块、综合指数、等级与排名单元格均为基于 Audits 工作表（其汇总 Answers 工作表）的公式，"
        "并保存了计算结果。",
    },
    "about_sections": {
        "en": "Compliance rate per section by region and for the network (scope NETWORK): share of applicable "
        "audit × item results that passed, with its Wilson 95% interval.",
        "zh": "各区域及全网（范围 NETWORK）各模块的达标率：适用的“稽核 × 检查项”结果中通过的比例，附 Wilson 95% 区间。",
    },
    "about_items": {
        "en": "Compliance rate per item by region and network: share of audits where the item applied and passed, "
        "with its Wilson 95% interval (a rate from few audits has a wide interval).",
        "zh": "各区域及全网各检查项的达标率：该项适用且通过的稽核所占比例，附 Wilson 95% 区间（稽核数少则区间宽）。",
    },
    "about_precision": {
        "en": "Beside Δ: how sure the composite is (values computed by dealer-audit, not formulas; docs/scoring.md). "
        "95% CI low/high: the composite's 95% interval, from the visit-to-visit variance of each standard pooled "
        "over every dealer visited more than once, so a dealer with one visit has one too (wider). Shrunken "
        "estimate: the composite pulled toward the network mean, the more so the fewer the visits (empirical "
        "Bayes) — use it to rank or reward, never in place of the index. Δ test: 'significant', 'within noise' or "
        "'insufficient data' (Welch's t on the two waves' means, Benjamini–Hochberg across the network); Δ q (BH): "
        "the false-discovery-adjusted p value. Rank best and worst: the range of ranks the dealer plausibly holds "
        "(2.5th–97.5th percentile of 1,000 simulated rankings drawn from every dealer's interval).",
        "zh": "位于“变化”列旁：综合指数的可信程度（由 dealer-audit 计算的数值，非公式；见 docs/scoring.md）。"
        "95% 区间上下限：综合指数的 95% 置信区间，基于全网多次走访经销商汇总的同一标准走访间方差，"
        "因此仅走访一次的经销商也有区间（更宽）。收缩估计：向全网均值收缩后的综合指数，走访越少收缩越多"
        "（经验贝叶斯），可用于排名或奖励，但不替代指数本身。变化检验：“显著”“在噪声范围内”或“数据不足”"
        "（两批次均值的 Welch t 检验，全网 Benjamini–Hochberg 校正）；q 值为错误发现率校正后的 p 值。"
        "排名最好/最差：按各经销商区间模拟 1,000 次排名的 2.5–97.5 百分位，即该经销商可能所处的排名范围。",
    },
    "about_calibration": {
        "en": "Auditor calibration from double audits and calibration sessions (docs/calibration.md): per auditor "
        "the severity in index points against the consensus and in the dealer-adjusted model (95 % intervals) and "
        "whether it is outside tolerance; per item Gwet's AC1/AC2 and Krippendorff's alpha (95 % bootstrap "
        "intervals), poor agreement and ambiguous wording. Calibration sessions never count in any figure of the "
        "other sheets.",
        "zh": "基于双人稽核与校准演练的稽核员校准（见 docs/calibration.md）：每位稽核员相对共识及在经销商调整模型中的"
        "宽严程度（指数分，附 95% 区间）以及是否超出容差；每个检查项的 Gwet AC1/AC2 与 Krippendorff alpha"
        "（附 95% 自助法区间）、一致性差与措辞含糊的标记。校准演练从不计入其他工作表的任何数字。",
    },
    "about_audits": {
        "en": "One row per audit: dealer, standard version, wave, auditor, visit date, status, index (knock-outs "
        "applied), raw index, knock-outs, and each section's score = 100 × Σ earned ÷ Σ possible over its rows on "
        "the Answers sheet (capped at 100). Index = Σ W·section ÷ Σ W over sections with a score; knock-outs zero "
        "a section, zero the index or cap it.",
        "zh": "每次稽核一行：经销商、标准版本、批次、稽核员、走访日期、状态、指数（已计否决项）、未扣减指数、否决项，"
        "以及各模块得分 = 100 × Σ得分 ÷ Σ满分（取自 Answers 工作表中该模块各行，上限 100）。"
        "指数 = Σ W·模块得分 ÷ Σ W（仅计有得分的模块）；否决项可使模块归零、指数归零或封顶。",
    },
    "about_answers": {
        "en": "Long format, one row per dealer × audit × item, sorted by dealer, standard, audit, section, item: "
        "value, points earned and possible (earned < possible = failed, in red), note, evidence file names.",
        "zh": "长表格式，每个“经销商 × 稽核 × 检查项”一行，按经销商、标准、稽核、模块、检查项排序："
        "回答、得分与满分（得分 < 满分 = 未通过，红色标出）、备注、证据文件名。",
    },
    "about_row_limit": {
        "en": "Excel holds at most 1,048,576 rows per sheet: the answers continue on {sheets} (split at an audit "
        "boundary; the Audits sheet names each audit's answers sheet).",
        "zh": "Excel 每个工作表最多 1,048,576 行：答案续写在 {sheets}"
        "（在稽核边界处拆分；Audits 工作表注明每次稽核的答案所在工作表）。",
    },
    "about_text": {
        "en": "Text that came from users (names, notes) is stored as text: a cell starting with =, +, - or @ is "
        "never a formula. Blank numeric cells mean N/A.",
        "zh": "来自用户的文字（名称、备注）一律按文本保存：以 =、+、- 或 @ 开头的单元格绝不会成为公式。"
        "数值单元格为空表示不适用。",
    },
    # ---- README sheet: the Answers columns explained
    "col_dealer": {"en": "dealer code", "zh": "经销商代码"},
    "col_audit": {"en": "audit id (UUID)", "zh": "稽核编号（UUID）"},
    "col_standard": {"en": "standard id", "zh": "标准编号"},
    "col_section": {"en": "section id", "zh": "模块编号"},
    "col_item": {"en": "item id", "zh": "检查项编号"},
    "col_value": {
        "en": "the answer as captured (option codes, numbers, yes/no); empty for N/A",
        "zh": "采集时的回答（选项代码、数值、是/否）；不适用时为空",
    },
    "col_earned": {
        "en": "points earned w·f; empty when the item does not count (N/A, unscored, unanswered); earned < possible "
        "is a failed (or partly failed) item, shown in red",
        "zh": "得分 w·f；该项不计分（不适用、不评分、未回答）时为空；得分 < 满分即未通过（或部分通过），红色标出",
    },
    "col_possible": {
        "en": "points possible w (0 for bonus items); empty when the item does not count",
        "zh": "满分 w（加分项为 0）；该项不计分时为空",
    },
    "col_note": {
        "en": "auditor note (user text, always stored as text)",
        "zh": "稽核员备注（用户文字，始终按文本保存）",
    },
    "col_evidence": {"en": "evidence file names", "zh": "证据文件名"},
    # ---- the HQ workbook's Calibration sheet (docs/calibration.md)
    "cal_title": {
        "en": "Calibration · wave {wave} · {units} shared units",
        "zh": "稽核员校准 · 批次 {wave} · {units} 个共享单元",
    },
    "cal_explain": {
        "en": "Severity in index points (+ = more generous than colleagues); tolerance ±{tolerance}. Poor agreement: "
        "AC1/AC2 < {poor_ac}, or alpha < {poor_alpha} with AC1/AC2 < {good_ac}; at least {min_units} shared units.",
        "zh": "宽严程度以指数分计（+ = 比同事宽松）；容差 ±{tolerance}。一致性差：AC1/AC2 < {poor_ac}，"
        "或 alpha < {poor_alpha} 且 AC1/AC2 < {good_ac}；至少 {min_units} 个共享单元。",
    },
    "cal_audits": {"en": "Audits", "zh": "稽核数"},
    "cal_shared_units": {"en": "Shared units", "zh": "共享单元"},
    "cal_vs_consensus": {"en": "vs consensus", "zh": "相对共识"},
    "cal_low": {"en": "low", "zh": "下限"},
    "cal_high": {"en": "high", "zh": "上限"},
    "cal_dealer_adjusted": {"en": "Dealer-adjusted", "zh": "经销商调整后"},
    "cal_drift": {"en": "Drift", "zh": "漂移"},
    "cal_outside": {"en": "Outside tolerance", "zh": "超出容差"},
    "cal_why": {"en": "Why", "zh": "原因"},
    "cal_level": {"en": "Level", "zh": "层级"},
    "cal_units": {"en": "Units", "zh": "单元数"},
    "cal_coefficient": {"en": "Coefficient", "zh": "系数"},
    "cal_ac": {"en": "AC", "zh": "AC 值"},
    "cal_alpha": {"en": "alpha", "zh": "alpha 值"},
    "cal_poor": {"en": "Poor", "zh": "一致性差"},
    "cal_ambiguous": {"en": "Ambiguous", "zh": "措辞含糊"},
    "cal_driven_by": {"en": "Driven by", "zh": "主要来源"},
}


def label(key: str, lang: str) -> str:
    entry = LABELS[key]
    return entry["zh"] if lang.startswith("zh") else entry["en"]


def label_format(key: str, lang: str, **values: object) -> str:
    """A label with `{placeholders}` filled in."""
    return label(key, lang).format(**values)


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
    dispute: str = ""  # the latest dispute of this finding, in the report's language (申诉中, 申诉成立, …)

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
    interval: Span | None = None  # the dealer's 95% interval (the whisker on its bar)
    change: ChangeLabel | None = None


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
    shrunk: Figure = Figure(None, NA_TEXT)
    change: ChangeLabel | None = None

    @property
    def interval(self) -> Span | None:
        return None if self.ci_low is None or self.ci_high is None else Span(self.ci_low, self.ci_high)


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
    what_to_fix: str  # the finding to fix (auditor note or the failed requirement)
    owner: str = ""  # from the stored action (`dealer-audit actions`), else blank to fill in by hand
    due: str = ""  # ISO date
    status: str = ""  # the stored action's status, in the report's language


@dataclass(frozen=True, slots=True)
class ActionFollowUp:
    """One dealer's actions as the regional manager chases them (core.actions.summarise_actions)."""

    dealer_code: str
    dealer_name: str
    total: int
    open: int
    overdue: int
    done: int
    verified: int
    reopened: int


@dataclass(frozen=True, slots=True)
class DisputeLine:
    """One dispute on the HQ workbook's Disputes sheet."""

    dispute_id: str
    dealer_code: str
    audit_id: str
    standard_id: str
    item_id: str
    auditor: str
    filed: str  # ISO date
    reason: str
    status: str
    ruled_by: str
    ruling_why: str


@dataclass(frozen=True, slots=True)
class DisputeRateLine:
    """Dispute and overturn rates of one auditor or item in the wave (core.disputes.dispute_rates)."""

    scope: str  # "auditor" | "item"
    key: str
    failed: int
    disputed: int
    ruled: int
    overturned: int
    dispute_rate: Figure
    overturn_rate: Figure


@dataclass(frozen=True, slots=True)
class ActionLine:
    """One stored action on the HQ workbook's Actions sheet."""

    action_id: str
    dealer_code: str
    region: str
    wave: str
    standard_id: str
    item_id: str
    critical: bool
    status: str
    owner: str
    due: str
    overdue: bool
    repeat_count: int
    finding: str
    note: str


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
    interval: Span | None = None  # 95% interval of the composite
    shrunk: Figure = Figure(None, NA_TEXT)  # empirical-Bayes composite, for ranking decisions
    change: ChangeLabel | None = None  # is `delta` real?
    rank_range_region: str = ""  # "1–3": the plausible ranks
    rank_range_network: str = ""
    precision_notes: tuple[str, ...] = ()  # how sure the figures are: one visit, intervals, shrinkage
    # the dealer's stored actions still to close (not verified), for the workbook's returnable Actions sheet,
    # with (standard id, item id, requirement text) for each
    open_actions: tuple[Action, ...] = ()
    requirements: tuple[tuple[str, str, str], ...] = ()
    self_assessment: tuple[SelfAssessmentView, ...] = ()  # the dealer's self audits against the visits
    kpis: DealerKpiPanel | None = None  # measured KPIs, incentive tier, data-integrity flags (core/kpi_report.py)

    def t(self, key: str) -> str:
        return label(key, self.lang)

    @property
    def file_stem(self) -> str:
        return dealer_file_stem(self.dealer.code, self.wave, self.lang)


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
    interval: Span | None = None
    shrunk: Figure = Figure(None, NA_TEXT)
    change: ChangeLabel | None = None
    rank_range_region: str = ""
    rank_range_network: str = ""


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
    heat_rows: tuple[HeatRow, ...]  # every dealer, in region rank order
    heat_overview: tuple[HeatRow, ...]  # the region's ranking in tenths: mean section scores of each tenth
    most_failed: tuple[FailedItem, ...]
    alerts: tuple[DealerNotice, ...]
    repeats: tuple[DealerNotice, ...]
    footer: Footer
    actions: tuple[ActionFollowUp, ...] = ()  # dealers with stored actions (open and overdue first)
    over_claims: tuple[SelfAssessmentView, ...] = ()  # the region's dealers that over-claim most (self-assessment)
    kpis: RegionKpiPanel | None = None  # data-integrity flags and incentive lines (core/kpi_report.py)
    insight: InsightView | None = None  # key experience points and themes (services/insight.py)

    def t(self, key: str) -> str:
        return label(key, self.lang)

    @property
    def file_stem(self) -> str:
        return region_file_stem(self.region_code, self.wave, self.lang)


# ---------------------------------------------------------------------------------------------------------------
# network (HQ) workbook


@dataclass(frozen=True, slots=True)
class SectionColumn:
    """A section of one standard as a column of the Dealers and Audits sheets."""

    standard_id: str
    section_id: str
    title: str
    weight: float  # W_s, for the checklist-index formula
    formula_ok: bool = True  # the dealer's section score is the mean of its finalised audits' raw section %


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
    zeroed_sections: tuple[str, ...] = ()  # sections a failed zero_section knock-out set to 0
    caps: tuple[float, ...] = ()  # index caps of failed cap knock-outs
    zero_index: bool = False  # a failed zero_index knock-out


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
    history: tuple[Figure, ...] = ()  # composite in each further wave (NetworkReport.waves[1:] order)
    interval: Span | None = None  # 95% interval of the composite
    shrunk: Figure = Figure(None, NA_TEXT)
    change: ChangeLabel | None = None
    rank_range: RankRange | None = None


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
    interval: Span | None = None  # Wilson 95% interval of the rate (shares 0..1)


@dataclass(frozen=True, slots=True)
class BandRule:
    """A composite band with its threshold on the 0..100 scale (for the band formula of the HQ workbook)."""

    code: str
    label: str
    color: str
    min: float


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
    bands: tuple[BandRule, ...] = ()
    actions: tuple[ActionLine, ...] = ()  # every stored action (dealer-audit actions), by id
    disputes: tuple[DisputeLine, ...] = ()  # the wave's disputes, in filing order
    dispute_rates: tuple[DisputeRateLine, ...] = ()  # per auditor, then per item
    over_claims: tuple[SelfAssessmentView, ...] = ()  # every over-claiming dealer's self audit, most first
    coverage: Coverage | None = None  # the wave plan against the audits stored (the Coverage sheet)
    kpis: NetworkKpiPanel | None = None  # KPI and Incentives sheets, data-integrity flags (core/kpi_report.py)
    insight: InsightView | None = None  # Key drivers and Themes sheets (services/insight.py)

    def t(self, key: str) -> str:
        return label(key, self.lang)

    @property
    def n_answers(self) -> int:
        return sum(len(a.answers) for d in self.dealers for a in d.audits)


# ---------------------------------------------------------------------------------------------------------------
# small pure utilities shared by builders and renderers


def safe_file_stem(text: str) -> str:
    """A file name part that is safe on Windows and Linux: no separators, reserved characters or spaces.

    Not injective (``A/B`` and ``A_B`` give one stem): codes are kept to a safe alphabet on import
    (core/dealers.code_problem) and a run refuses two reports that would share a file (services/reporting)."""
    bad = '<>:"/\\|?* \t\n\r'
    cleaned = "".join("_" if ch in bad or ord(ch) < 32 else ch for ch in text).strip("._")
    return cleaned or "report"


def dealer_file_stem(code: str, wave: str, lang: str) -> str:
    """The file name (without suffix) of a dealer's report; known before the report is built."""
    return safe_file_stem(f"{code}_{wave}_{lang}")


def region_file_stem(code: str, wave: str, lang: str) -> str:
    """The file name (without suffix) of a region's report."""
    return safe_file_stem(f"region_{code}_{wave}_{lang}")


# ---------------------------------------------------------------------------------------------------------------
# builders: WaveResult (+ the standards and the audits' answers) -> report models

StandardKey = tuple[str, str]


def _band_tag(band: Band | None, lang: str) -> BandTag:
    return NO_BAND if band is None else BandTag(band.code, band.label.get(lang), band.color)


def _scaled(value: float | None, scale: float) -> float | None:
    return None if value is None else value * scale / 100


def _layout(
    standards: Mapping[StandardKey, Checklist], standard_id: str, versions: Iterable[str] = ()
) -> Checklist | None:
    """The newest version among `versions` (else among all loaded) of a standard: where titles come from."""
    wanted = [(standard_id, v) for v in versions if (standard_id, v) in standards]
    if not wanted:
        wanted = [k for k in standards if k[0] == standard_id]
    if not wanted:
        return None
    return standards[max(wanted, key=lambda k: version_key(k[1]))]


def answer_text(item: Item, answer: Answer | None, lang: str) -> str:
    """An answer as a reader understands it: option labels, "4 / 5", "7 min", 是/否."""
    if answer is None or not answer.is_answered:
        return ""
    if answer.na:
        return label("na", lang)
    value = answer.value
    if item.type is AnswerType.YES_NO:
        zh = lang.startswith("zh")
        return {"yes": "是" if zh else "yes", "no": "否" if zh else "no"}.get(str(value), str(value))
    if item.type is AnswerType.SCALE:
        top = item.scale.max if item.scale else 5
        option = item.option(str(value))
        return f"{value} / {top}" + (f" {option.label.get(lang)}" if option and option.label else "")
    if item.type is AnswerType.NUMBER:
        number = f"{value:g}" if isinstance(value, float) else str(value)
        unit = item.unit.get(lang)
        return f"{number} {unit}".strip()
    if item.type is AnswerType.SINGLE_CHOICE:
        option = item.option(str(value))
        return option.label.get(lang) if option and option.label else str(value)
    if item.type is AnswerType.MULTIPLE_CHOICE:
        codes = value if isinstance(value, tuple | list) else (value,)
        labels = []
        for code in codes:
            option = item.option(str(code))
            labels.append(option.label.get(lang) if option and option.label else str(code))
        return ", ".join(labels)
    return str(value)


def raw_value_text(answer: Answer | None) -> str:
    """An answer's value as captured, for the HQ workbook (codes, not labels; lists joined by ';')."""
    if answer is None or answer.na or answer.value is None:
        return ""
    value = answer.value
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def item_result(score: ItemScore | None) -> Result:
    if score is None:
        return Result.UNANSWERED
    if not score.applicable or score.na:
        return Result.NA
    if score.counted and score.fraction is not None:
        if score.fraction >= 1.0:
            return Result.PASS
        return Result.FAIL if score.fraction <= 0.0 else Result.PARTIAL
    return Result.INFO if score.answered else Result.UNANSWERED


def _knockout_text(k: KnockOut, standard: Checklist | None, lang: str) -> str:
    item = standard.items_by_id.get(k.item_id) if standard else None
    name = item.text.get(lang) if item else k.item_id
    zh = lang.startswith("zh")
    if k.effect is CriticalEffect.ZERO_INDEX:
        effect = "指数归零" if zh else "index set to 0"
    elif k.effect is CriticalEffect.ZERO_SECTION:
        effect = "所在模块归零" if zh else "section set to 0"
    else:
        effect = f"指数上限 {fmt_number(k.cap)}" if zh else f"index capped at {fmt_number(k.cap)}"
    if not k.binding:
        effect += "（未影响得分）" if zh else " (did not change the score)"
    return f"{k.item_id} {name}: {effect}"


def _trend(history: Sequence[WaveResult], dealer_code: str, region: str) -> tuple[TrendPoint, ...]:
    points = []
    for result in history:
        d = result.dealer(dealer_code)
        group = result.region(region)
        points.append(
            TrendPoint(
                result.wave,
                d.composite if d else None,
                group.composite.mean if group else None,
                result.network.composite.mean,
            )
        )
    return tuple(points)


def _sections_for_dealer(
    d: DealerResult, result: WaveResult, standards: Mapping[StandardKey, Checklist], lang: str
) -> tuple[SectionComparison, ...]:
    out = []
    region = result.region(d.region)
    for c in d.checklists:
        layout = _layout(standards, c.standard_id, c.versions)
        if layout is None or not c.n:
            continue
        for section in layout.sections:
            mine = c.section(section.id)
            if mine is None or mine.mean_percent is None:
                continue
            reg = region.section(c.standard_id, section.id) if region else None
            net = result.network.section(c.standard_id, section.id)
            title = section.title.get(lang)
            out.append(
                SectionComparison(
                    c.standard_id,
                    section.id,
                    title,
                    Figure.of(mine.mean_percent),
                    Figure.of(reg.mean_percent if reg else None),
                    Figure.of(net.mean_percent if net else None),
                    Figure.delta(mine.delta.change),
                    Span.of(mine.ci),
                    change_label(mine.delta_test, lang),
                )
            )
    return tuple(out)


def _item_rows(
    score: AuditScore,
    audit: Audit | None,
    standard: Checklist,
    repeats: set[tuple[str, str]],
    lang: str,
    disputes: Mapping[str, str] | None = None,
) -> tuple[SectionBlock, ...]:
    blocks = []
    answers = audit.answers if audit else {}
    for section, sec_score in zip(standard.sections, score.sections, strict=False):
        rows = []
        for item in section.items:
            s = score.item(item.id)
            answer = answers.get(item.id)
            result = item_result(s)
            if result is Result.UNANSWERED and not item.required:
                continue  # optional items nobody answered say nothing
            if s is not None and not s.applicable:
                continue  # skip logic hid it: it was never asked
            rows.append(
                ItemRow(
                    item_id=item.id,
                    reference=item.reference,
                    text=item.text.get(lang),
                    result=result,
                    answer_text=answer_text(item, answer, lang),
                    earned=s.earned if s is not None and s.counted else None,
                    possible=s.possible if s is not None and s.counted else None,
                    note=answer.note if answer else "",
                    evidence=tuple(EvidenceView(e.file_name, e.sha256) for e in answer.evidence) if answer else (),
                    critical=item.critical is not None,
                    repeat_failure=result in (Result.FAIL, Result.PARTIAL) and (standard.id, item.id) in repeats,
                    dispute=(disputes or {}).get(item.id, ""),
                )
            )
        blocks.append(
            SectionBlock(
                section.id, section.title.get(lang), Figure.of(sec_score.percent), tuple(rows), sec_score.zeroed
            )
        )
    return tuple(blocks)


def _visit_date(audit: Audit | None) -> str:
    if audit is None or audit.visit_start is None:
        return ""
    return audit.visit_start.date().isoformat()


def _audit_ids_text(ids: Sequence[str]) -> str:
    """Audit ids for a footer line: in full when one or two, else their first 8 characters (a unique prefix
    the `audit show` command accepts), so the line fits the page whatever the number of visits."""
    if not ids:
        return "–"
    return ", ".join(ids if len(ids) <= 2 else [i[:8] for i in ids])


def build_dealer_report(
    result: WaveResult,
    dealer_code: str,
    standards: Mapping[StandardKey, Checklist],
    audits: Mapping[str, Audit],
    *,
    lang: str = "zh",
    generated: str = "",
    history: Sequence[WaveResult] = (),
    stored_actions: Sequence[Action] = (),
    stored_disputes: Sequence[Dispute] = (),
    self_assessments: Sequence[SelfAssessmentGap] = (),
) -> DealerReport:
    """Everything one dealer's PDF and workbook show, from the scored wave.

    `stored_disputes` mark the items disputed (and how they were ruled) on every item row.

    `stored_actions` (`dealer-audit actions`) fill the action plan's owner, due date and status where an action
    for this wave's failed item is stored.

    `standards` maps (id, version) to every version the audits were scored with (titles, items, references);
    `audits` maps audit ids to the audits (answers, notes, evidence, visit dates); `history` holds the scored
    earlier waves, oldest first, for the trend line (the current wave is appended when missing).
    """
    d = result.dealer(dealer_code)
    if d is None:
        from dealer_audit.errors import NotFound

        raise NotFound(f"dealer {dealer_code} is not in wave {result.wave}")
    program = result.program
    scale = program.scale
    region = program.region(d.region)
    dealer = d.dealer
    identity = DealerIdentity(
        dealer.code,
        dealer.name.zh,
        dealer.name.en,
        dealer.region,
        region.name.get(lang) if region else dealer.region,
        dealer.city,
        dealer.province,
        dealer.group,
    )
    repeats = {(r.standard_id, r.item_id) for r in d.repeat_failures}
    single_visit: list[str] = []
    disputed: dict[str, dict[str, str]] = {}
    for dispute in sorted(stored_disputes, key=lambda x: (x.filed_at, x.dispute_id)):  # the latest one shows
        if dispute.dealer_code == dealer_code:
            disputed.setdefault(dispute.audit_id, {})[dispute.item_id] = dispute.status.label.get(lang)
    lines = []
    audit_blocks = []
    notices: list[Notice] = []
    knockout_visits: dict[str, int] = {}  # knock-out text -> number of visits it happened on, in first-seen order
    used_standards: dict[StandardKey, None] = {}
    failed_notes: dict[tuple[str, str], list[str]] = {}
    failed_order: list[tuple[str, str, str]] = []
    for c in d.checklists:
        layout = _layout(standards, c.standard_id, c.versions)
        title = layout.title.get(lang) if layout else c.title.get(lang)
        rank = c.rank
        if c.n == 1 and c.ci is not None:
            single_visit.append(title)
        lines.append(
            ChecklistLine(
                c.standard_id,
                ", ".join(c.versions),
                title,
                Figure.of(c.index),
                Figure.of(c.raw_index),
                _band_tag(c.band, lang),
                c.n,
                Figure.delta(c.delta.change),
                Rank(rank.region if rank else None, rank.region_size if rank else 0),
                Rank(rank.network if rank else None, rank.network_size if rank else 0),
                Figure.of(c.ci.low) if c.ci else None,
                Figure.of(c.ci.high) if c.ci else None,
                Figure.of(c.shrunk.value if c.shrunk else None),
                change_label(c.delta_test, lang),
            )
        )
        for score in c.audits:
            standard = standards.get((score.standard_id, score.standard_version))
            if standard is None:
                continue
            used_standards[(standard.id, standard.version)] = None
            audit = audits.get(score.audit_id)
            blocks = _item_rows(score, audit, standard, repeats, lang, disputed.get(score.audit_id))
            audit_blocks.append(
                AuditBlock(
                    score.audit_id,
                    standard.id,
                    standard.version,
                    standard.title.get(lang),
                    _visit_date(audit),
                    audit.auditor if audit else "",
                    Figure.of(score.index),
                    Figure.of(score.raw_index),
                    blocks,
                    score.final,
                )
            )
            for k in score.knock_outs:  # the same knock-out on several visits is one line with a count
                text = _knockout_text(k, standard, lang)
                knockout_visits[text] = knockout_visits.get(text, 0) + 1
            for block in blocks:
                for row in block.items:
                    if row.result in (Result.FAIL, Result.PARTIAL):
                        key = (standard.id, row.item_id)
                        if key not in failed_notes:
                            failed_notes[key] = []
                            failed_order.append((standard.id, row.item_id, row.text))
                        if row.note and row.note not in failed_notes[key]:
                            failed_notes[key].append(row.note)
    for text, visits in knockout_visits.items():
        if visits > 1:
            text += f"（{visits} 次走访）" if lang.startswith("zh") else f" ({visits} visits)"
        notices.append(Notice("knockout", text))
    for alert in d.alerts:
        if alert.kind is not AlertKind.CRITICAL_FAILURE:  # knock-outs are listed above, with their effect
            notices.append(Notice("alert", alert.message.get(lang)))
    if d.repeat_failures:
        # one line, not one per item: the items themselves are marked in the tables below
        ids = ", ".join(r.item_id for r in d.repeat_failures)
        if lang.startswith("zh"):
            text = f"{len(d.repeat_failures)} 项上批次已失分、本批次再次失分：{ids}"
        else:
            text = f"{len(d.repeat_failures)} item(s) failed again after failing last wave: {ids}"
        notices.append(Notice("alert", text))
    opportunities = []
    for o in d.opportunities:
        layout = _layout(standards, o.standard_id)
        item = layout.items_by_id.get(o.item_id) if layout else None
        section = layout.section_of.get(o.item_id) if layout else None
        impact = o.composite_points if o.composite_points is not None else o.index_points
        opportunities.append(
            Opportunity(
                o.item_id,
                o.standard_id,
                item.text.get(lang) if item else o.item_id,
                section.title.get(lang) if section else o.section_id,
                Figure.of(o.points_lost),
                Figure.of(impact),
            )
        )
    # action plan: opportunities first (biggest gain first), then the remaining failed items in report order
    rank_of = {(o.standard_id, o.item_id): k for k, o in enumerate(d.opportunities)}
    ordered = sorted(failed_order, key=lambda t: (rank_of.get((t[0], t[1]), len(rank_of)),))
    tracked = {
        (a.standard_id, a.item_id): a
        for a in stored_actions
        if a.dealer_code == dealer_code and result.wave in (a.wave, a.last_wave)
    }
    actions = []
    for standard_id, item_id, text in ordered:
        notes = failed_notes[(standard_id, item_id)]
        layout = _layout(standards, standard_id)
        item = layout.items_by_id.get(item_id) if layout else None
        fix = "; ".join(notes) if notes else (item.guidance.get(lang) if item and item.guidance else text)
        stored = tracked.get((standard_id, item_id))
        if stored is None:
            actions.append(ActionRow(item_id, text, fix))
        else:
            status = stored.status.label.get(lang)
            due = stored.due.isoformat() if stored.due else ""
            actions.append(ActionRow(item_id, text, fix, stored.owner, due, status))

    still_open = [a for a in stored_actions if a.dealer_code == dealer_code and a.status is not ActionStatus.VERIFIED]
    current_history = list(history)
    if not current_history or current_history[-1].wave != result.wave:
        current_history.append(result)
    wave = program.wave(result.wave)
    audit_ids = [a.audit_id for a in audit_blocks]
    return DealerReport(
        lang=lang,
        program_title=program.title.get(lang),
        composite_name=program.composite_name.get(lang),
        scale=scale,
        dealer=identity,
        wave=result.wave,
        wave_title=wave.title.get(lang) if wave and wave.title else result.wave,
        previous_wave=result.previous_wave,
        composite=Figure.of(d.composite),
        band=_band_tag(d.band, lang),
        delta=Figure.delta(d.delta.change),
        rank_region=Rank(d.rank.region, d.rank.region_size),
        rank_network=Rank(d.rank.network, d.rank.network_size),
        checklists=tuple(lines),
        sections=_sections_for_dealer(d, result, standards, lang),
        trend=_trend(current_history, dealer_code, d.region),
        notices=tuple(notices),
        opportunities=tuple(opportunities),
        audits=tuple(audit_blocks),
        actions=tuple(actions),
        footer=Footer(
            ", ".join(f"{sid} {version}" for sid, version in used_standards) or "–",
            _audit_ids_text(audit_ids),
            generated,
        ),
        interval=Span.of(d.composite_ci),
        shrunk=Figure.of(d.shrunk_composite),
        change=change_label(d.delta_test, lang),
        rank_range_region=rank_range_text(*_range(d.rank_range, "region")),
        rank_range_network=rank_range_text(*_range(d.rank_range, "network")),
        precision_notes=_precision_notes(d, single_visit, lang),
        open_actions=tuple(still_open),
        requirements=tuple(
            (sid, item, text) for (sid, item), text in requirement_texts(standards, still_open, lang).items()
        ),
        self_assessment=self_assessment_views(self_assessments, standards, [d.dealer], lang, dealer_code=dealer_code),
    )


def _range(ranks: RankRange | None, scope: str) -> tuple[int | None, int | None]:
    if ranks is None:
        return None, None
    if scope == "region":
        return ranks.region_best, ranks.region_worst
    return ranks.network_best, ranks.network_worst


def _precision_notes(d: DealerResult, single_visit: Sequence[str], lang: str) -> tuple[str, ...]:
    """What a reader must know to weigh the figures: the interval, the shrunken estimate, one-visit figures."""
    zh = lang.startswith("zh")
    notes = []
    if d.composite_ci is not None:
        low, high = fmt_number(d.composite_ci.low), fmt_number(d.composite_ci.high)
        shrunk = fmt_number(d.shrunk_composite)
        if zh:
            notes.append(
                f"综合指数的95%置信区间为 {low}–{high}（按全网同一经销商多次走访间的波动估算）；"
                f"用于排名决策的收缩估计为 {shrunk}（向全网平均收缩，走访越少收缩越多）。"
            )
        else:
            notes.append(
                f"95% interval of the composite: {low}–{high} (from the visit-to-visit spread of the network's "
                f"dealers); shrunken estimate for ranking decisions: {shrunk} (pulled toward the network mean, "
                "more so with fewer visits)."
            )
    if single_visit:
        names = "、".join(single_visit) if zh else ", ".join(single_visit)
        if zh:
            notes.append(f"仅基于一次走访：{names}。单次走访的得分可能偏离该店的常态，区间相应较宽。")
        else:
            notes.append(
                f"Rests on one visit: {names}. A single visit can stray from the dealer's usual level; "
                "its interval is correspondingly wide."
            )
    elif d.composite_ci is None and d.composite is not None:
        notes.append(
            "本批次没有经销商被多次走访，无法估计区间。"
            if zh
            else "No dealer was visited more than once this wave: no interval can be estimated."
        )
    return tuple(notes)


def _standard_columns(
    result: WaveResult, standards: Mapping[StandardKey, Checklist], lang: str
) -> tuple[StandardColumns, ...]:
    program = result.program
    weights = {c.standard_id: c.weight for c in program.checklists}
    ids = list(weights)
    for used in result.standards_used:
        if used.id not in ids:
            ids.append(used.id)
    out = []
    for sid in ids:
        versions = [u.version for u in result.standards_used if u.id == sid]
        layout = _layout(standards, sid, versions)
        if layout is None:
            continue
        out.append(
            StandardColumns(
                sid,
                ", ".join(versions) or layout.version,
                layout.title.get(lang),
                weights.get(sid, 0.0),
                tuple(SectionColumn(sid, s.id, s.title.get(lang), s.effective_weight) for s in layout.sections),
            )
        )
    return tuple(out)


HEAT_TENTHS = 10


def _heat_tenths(rows: Sequence[HeatRow], lang: str) -> tuple[HeatRow, ...]:
    """The heat map of a big region at a glance: its ranked dealers cut into tenths (fewer when the region has
    fewer than ten dealers), each row the mean section score of its dealers (those with a score there)."""
    n = len(rows)
    parts = min(HEAT_TENTHS, n)
    overview = []
    for k in range(parts):
        first, last = k * n // parts, (k + 1) * n // parts  # rows[first:last], ranks first+1..last
        members = rows[first:last]
        cells = []
        for j in range(len(members[0].cells) if members else 0):
            values = [r.cells[j].value for r in members if r.cells[j].value is not None]
            cells.append(Figure.of(sum(values) / len(values) if values else None))
        label = label_format("heat_tenth", lang, k=k + 1, of=parts, first=first + 1, last=last)
        overview.append(HeatRow("", label, tuple(cells)))
    return tuple(overview)


def league_row(d: DealerResult, lang: str) -> LeagueRow:
    """A dealer as one line of a league table (the regional PDF's and the browser's overview)."""
    return LeagueRow(
        d.code,
        d.dealer.name.get(lang),
        d.dealer.city,
        Figure.of(d.composite),
        _band_tag(d.band, lang),
        d.rank.region,
        d.rank.network,
        Figure.delta(d.delta.change),
        d.n_audits,
        bool(d.alerts),
        Span.of(d.composite_ci),
        Figure.of(d.shrunk_composite),
        change_label(d.delta_test, lang),
        rank_range_text(*_range(d.rank_range, "region")),
        rank_range_text(*_range(d.rank_range, "network")),
    )


def band_counts(members: Iterable[DealerResult], bands: Iterable[Band], lang: str) -> tuple[BandCount, ...]:
    """How many of `members` fall in each band, best band first; dealers without a band last (when any)."""
    members = list(members)
    counts = [
        BandCount(_band_tag(band, lang), sum(1 for d in members if d.band is not None and d.band.code == band.code))
        for band in sorted(bands, key=lambda b: b.min, reverse=True)
    ]
    unbanded = sum(1 for d in members if d.band is None)
    if unbanded:
        counts.append(BandCount(NO_BAND, unbanded))
    return tuple(counts)


def build_region_report(
    result: WaveResult,
    region_code: str,
    standards: Mapping[StandardKey, Checklist],
    *,
    lang: str = "zh",
    generated: str = "",
    most_failed: int = 10,
    stored_actions: Sequence[Action] = (),
    self_assessments: Sequence[SelfAssessmentGap] = (),
) -> RegionReport:
    """The regional manager's view of one region in one wave; with `stored_actions`, the open and overdue
    actions per dealer as of the `generated` date."""
    group = result.region(region_code)
    if group is None:
        from dealer_audit.errors import NotFound

        known = ", ".join(r.code for r in result.regions)
        raise NotFound(f"region {region_code} is not in wave {result.wave} (regions: {known})")
    program = result.program
    region = program.region(region_code)
    members = result.ranking(region_code)
    columns = _standard_columns(result, standards, lang)
    league = tuple(league_row(d, lang) for d in members)
    counts = band_counts(members, program.bands, lang)
    heat_cols = tuple(HeatColumn(s.standard_id, c.section_id, c.title) for s in columns for c in s.sections)
    heat_rows = []
    for d in members:
        cells = []
        for col in heat_cols:
            c = d.checklist(col.standard_id)
            sec = c.section(col.section_id) if c else None
            cells.append(Figure.of(sec.mean_percent if sec else None))
        heat_rows.append(HeatRow(d.code, d.dealer.name.get(lang), tuple(cells)))
    heat_overview = _heat_tenths(heat_rows, lang)
    failing = sorted(
        (i for i in group.items if i.failed > 0 and i.counted > 0),
        key=lambda i: (-i.failed / i.counted, -i.failed, i.standard_id, i.item_id),
    )[:most_failed]
    failed_items = []
    for i in failing:
        layout = _layout(standards, i.standard_id)
        item = layout.items_by_id.get(i.item_id) if layout else None
        section = layout.section_of.get(i.item_id) if layout else None
        failed_items.append(
            FailedItem(
                i.standard_id,
                i.item_id,
                item.reference if item else "",
                item.text.get(lang) if item else i.item_id,
                section.title.get(lang) if section else i.section_id,
                i.failed,
                i.counted,
                Figure.share(i.failed / i.counted),
            )
        )
    names = {d.code: d.dealer.name.get(lang) for d in members}
    alerts = tuple(
        DealerNotice(a.dealer_code, names.get(a.dealer_code, ""), a.message.get(lang))
        for d in members
        for a in d.alerts
    )
    repeats = []
    for d in members:
        for r in d.repeat_failures:
            layout = _layout(standards, r.standard_id)
            item = layout.items_by_id.get(r.item_id) if layout else None
            repeats.append(
                DealerNotice(d.code, names[d.code], f"{r.item_id} {item.text.get(lang) if item else ''}".strip())
            )
    wave = program.wave(result.wave)
    n_audits = sum(d.n_audits for d in members)
    word = "次稽核" if lang.startswith("zh") else "audits"
    return RegionReport(
        lang=lang,
        program_title=program.title.get(lang),
        composite_name=program.composite_name.get(lang),
        scale=program.scale,
        region_code=region_code,
        region_name=region.name.get(lang) if region else group.name.get(lang),
        wave=result.wave,
        wave_title=wave.title.get(lang) if wave and wave.title else result.wave,
        n_dealers=len(members),
        mean=Figure.of(group.composite.mean),
        median=Figure.of(group.composite.median),
        min=Figure.of(group.composite.min),
        max=Figure.of(group.composite.max),
        network_mean=Figure.of(result.network.composite.mean),
        league=league,
        bands=counts,
        heat_columns=heat_cols,
        heat_rows=tuple(heat_rows),
        heat_overview=heat_overview,
        most_failed=tuple(failed_items),
        alerts=alerts,
        repeats=tuple(repeats),
        footer=Footer(
            ", ".join(f"{u.id} {u.version}" for u in result.standards_used) or "–",
            f"{n_audits} {word}",
            generated,
        ),
        actions=_action_follow_up(members, stored_actions, generated, lang),
        over_claims=self_assessment_views(
            self_assessments, standards, (m.dealer for m in members), lang, region=region_code, ranked=True
        )[:REGION_LIMIT],
    )


def _share_span(interval: Interval | None) -> Span | None:
    if interval is None:
        return None
    return Span(Figure.share(interval.low), Figure.share(interval.high))


def _as_of(generated: str) -> date:
    """The date overdue is judged on: the report's date (fixed in tests), else today."""
    try:
        return date.fromisoformat(generated[:10])
    except ValueError:
        return date.today()


def _action_follow_up(
    members: Sequence[DealerResult], stored: Sequence[Action], generated: str, lang: str
) -> tuple[ActionFollowUp, ...]:
    names = {d.code: d.dealer.name.get(lang) for d in members}
    rows = [
        ActionFollowUp(s.dealer_code, names[s.dealer_code], s.total, s.open, s.overdue, s.done, s.verified, s.reopened)
        for s in summarise_actions((a for a in stored if a.dealer_code in names), _as_of(generated))
    ]
    return tuple(sorted(rows, key=lambda r: (-r.overdue, -r.open, r.dealer_code)))


def _compliance_lines(
    groups: Iterable[tuple[str, GroupResult]], standards: Mapping[StandardKey, Checklist], lang: str
) -> tuple[tuple[ComplianceLine, ...], tuple[ComplianceLine, ...]]:
    sections: list[ComplianceLine] = []
    items: list[ComplianceLine] = []
    for scope, group in groups:
        for s in group.sections:
            layout = _layout(standards, s.standard_id)
            sec = next((x for x in layout.sections if x.id == s.section_id), None) if layout else None
            sections.append(
                ComplianceLine(
                    scope,
                    s.standard_id,
                    s.section_id,
                    "",
                    sec.title.get(lang) if sec else s.section_id,
                    s.items_counted,
                    s.items_passed,
                    Figure.share(s.compliance),
                    _share_span(s.compliance_interval),
                )
            )
        for i in group.items:
            layout = _layout(standards, i.standard_id)
            item = layout.items_by_id.get(i.item_id) if layout else None
            items.append(
                ComplianceLine(
                    scope,
                    i.standard_id,
                    i.section_id,
                    i.item_id,
                    item.text.get(lang) if item else i.item_id,
                    i.counted,
                    i.passed,
                    Figure.share(i.rate),
                    _share_span(i.rate_interval),
                )
            )
    return tuple(sections), tuple(items)


def _audit_line(
    score: AuditScore, audit: Audit | None, standard: Checklist, region: str, columns: StandardColumns | None
) -> AuditLine:
    answers = audit.answers if audit else {}
    rows = []
    for section in standard.sections:
        for item in section.items:
            s = score.item(item.id)
            answer = answers.get(item.id)
            if answer is None and (s is None or not s.applicable or not item.required):
                continue  # never asked (skip logic) or optional and not answered: not an answer
            rows.append(
                AnswerRow(
                    score.dealer_code,
                    score.audit_id,
                    standard.id,
                    section.id,
                    item.id,
                    raw_value_text(answer),
                    item_result(s),
                    s.earned if s is not None and s.counted else None,
                    s.possible if s is not None and s.counted else None,
                    answer.note if answer else "",
                    ", ".join(e.file_name for e in answer.evidence) if answer else "",
                )
            )
    by_id = {s.section_id: s for s in score.sections}
    order = [c.section_id for c in columns.sections] if columns else [s.id for s in standard.sections]
    sections = tuple(Figure.of(by_id[sid].percent if sid in by_id else None) for sid in order)
    knockouts = "; ".join(
        f"{k.item_id} {k.effect.value}" + (f" {fmt_number(k.cap)}" if k.effect is CriticalEffect.CAP else "")
        for k in score.knock_outs
    )
    return AuditLine(
        score.audit_id,
        score.dealer_code,
        region,
        score.standard_id,
        score.standard_version,
        score.wave,
        audit.auditor if audit else "",
        _visit_date(audit),
        "finalised" if score.final else "draft",
        Figure.of(score.index),
        Figure.of(score.raw_index),
        sections,
        knockouts,
        tuple(rows),
        zeroed_sections=tuple(s.section_id for s in score.sections if s.zeroed),
        caps=tuple(k.cap for k in score.knock_outs if k.effect is CriticalEffect.CAP and k.cap is not None),
        zero_index=any(k.effect is CriticalEffect.ZERO_INDEX for k in score.knock_outs),
    )


def build_network_report(
    result: WaveResult,
    standards: Mapping[StandardKey, Checklist],
    audits: Mapping[str, Audit],
    *,
    lang: str = "en",
    generated: str = "",
    others: Sequence[WaveResult] = (),
    stored_actions: Sequence[Action] = (),
    stored_disputes: Sequence[Dispute] = (),
    self_assessments: Sequence[SelfAssessmentGap] = (),
    coverage: Coverage | None = None,
) -> NetworkReport:
    """The HQ workbook's content: every dealer with its audits and answers, compliance by region and network.

    `others` are further waves whose composite is shown beside this wave's on the Dealers sheet.
    """
    program = result.program
    columns = _standard_columns(result, standards, lang)
    col_by_id = {c.standard_id: c for c in columns}
    # a dealer's section score is the mean of its finalised audits' (gated) section % — exactly what the
    # AVERAGEIFS over the Audits sheet computes, so every section column can be a formula
    scores_by_dealer: dict[str, dict[str, list[AuditScore]]] = {}
    for s in result.audit_scores:
        scores_by_dealer.setdefault(s.dealer_code, {}).setdefault(s.standard_id, []).append(s)
    dealers = []
    for d in result.dealers:
        region = d.region
        region_obj = program.region(region)
        ident = DealerIdentity(
            d.code,
            d.dealer.name.zh,
            d.dealer.name.en,
            region,
            region_obj.name.get(lang) if region_obj else region,
            d.dealer.city,
            d.dealer.province,
            d.dealer.group,
        )
        indices, deltas, sections, counts, lines = [], [], [], [], []
        mine = scores_by_dealer.get(d.code, {})
        for col in columns:
            c: DealerChecklistResult | None = d.checklist(col.standard_id)
            indices.append(Figure.of(c.index if c else None))
            deltas.append(Figure.delta(c.delta.change if c else None))
            counts.append(c.n if c else 0)
            secs = []
            for sec in col.sections:
                r = c.section(sec.section_id) if c else None
                secs.append(Figure.of(r.mean_percent if r else None))
            sections.append(tuple(secs))
            for score in sorted(mine.get(col.standard_id, []), key=lambda s: s.audit_id):
                standard = standards.get((score.standard_id, score.standard_version))
                if standard is None:
                    continue
                lines.append(_audit_line(score, audits.get(score.audit_id), standard, region, col))
        history = []
        for other in others:
            od = other.dealer(d.code)
            history.append(Figure.of(od.composite if od else None))
        dealers.append(
            DealerLine(
                ident,
                Figure.of(d.composite),
                _band_tag(d.band, lang),
                d.rank.region,
                d.rank.network,
                Figure.delta(d.delta.change),
                tuple(indices),
                tuple(deltas),
                tuple(sections),
                tuple(counts),
                tuple(lines),
                tuple(history),
                Span.of(d.composite_ci),
                Figure.of(d.shrunk_composite),
                change_label(d.delta_test, lang),
                d.rank_range,
            )
        )
    del col_by_id
    groups = [(g.code, g) for g in result.regions] + [("NETWORK", result.network)]
    section_lines, item_lines = _compliance_lines(groups, standards, lang)
    return NetworkReport(
        lang=lang,
        program_title=program.title.get(lang),
        composite_name=program.composite_name.get(lang),
        scale=program.scale,
        waves=(result.wave, *(o.wave for o in others)),
        standards=columns,
        dealers=tuple(dealers),
        sections=section_lines,
        items=item_lines,
        generated=generated,
        bands=tuple(BandRule(b.code, b.label.get(lang), b.color, b.min) for b in program.bands),
        actions=_action_lines(result, stored_actions, generated, lang),
        disputes=tuple(
            DisputeLine(
                d.dispute_id,
                d.dealer_code,
                d.audit_id,
                d.standard_id,
                d.item_id,
                d.auditor,
                d.filed_at.date().isoformat(),
                d.reason,
                d.status.label.get(lang),
                d.ruled_by,
                d.ruling_why,
            )
            for d in stored_disputes
        ),
        dispute_rates=_dispute_rate_lines(result, audits, stored_disputes) if stored_disputes else (),
        over_claims=self_assessment_views(
            self_assessments, standards, (x.dealer for x in result.dealers), lang, ranked=True
        ),
        coverage=coverage,
    )


def _dispute_rate_lines(
    result: WaveResult, audits: Mapping[str, Audit], disputes: Sequence[Dispute]
) -> tuple[DisputeRateLine, ...]:
    """Rates over the wave: failed findings of counted visits (plus the overturned ones, failed as captured)."""
    findings = [
        (audits[s.audit_id].auditor if s.audit_id in audits else "", s.standard_id, i.item_id)
        for s in result.audit_scores
        if s.final and s.index is not None
        for i in s.items
        if i.failed and not i.bonus
    ]
    findings += [(d.auditor, d.standard_id, d.item_id) for d in disputes if d.status is DisputeStatus.OVERTURNED]
    by_auditor, by_item = dispute_rates(findings, disputes)
    return tuple(
        DisputeRateLine(scope, r.key, r.failed, r.disputed, r.ruled, r.overturned, Figure.of(r.dispute_rate),
                        Figure.of(r.overturn_rate))
        for scope, rows in (("auditor", by_auditor), ("item", by_item))
        for r in rows
    )  # fmt: skip


def _action_lines(result: WaveResult, stored: Sequence[Action], generated: str, lang: str) -> tuple[ActionLine, ...]:
    today = _as_of(generated)
    regions = {d.code: d.region for d in result.dealers}
    return tuple(
        ActionLine(
            a.action_id,
            a.dealer_code,
            regions.get(a.dealer_code, ""),
            a.wave,
            a.standard_id,
            a.item_id,
            a.critical,
            a.status.label.get(lang),
            a.owner,
            a.due.isoformat() if a.due else "",
            a.overdue(today),
            a.repeat_count,
            a.finding,
            a.note,
        )
        for a in sorted(stored, key=lambda a: a.action_id)
    )

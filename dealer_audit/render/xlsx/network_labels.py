"""Every fixed text of the HQ network workbook, in English and Chinese: its one table of labels.

The workbook follows the report language (`consolidate --lang`, `report all --lang`, default the workspace's):
column headers and the README sheet are translated here; sheet names stay English (Dealers, Answers…) because
formulas and HQ's own scripts refer to them. A header added to the workbook gets its entry here; a test checks
every key used has both languages. Texts with `{placeholders}` are filled with `str.format`.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    # ---- column headers
    "dealer": {"en": "Dealer", "zh": "经销商"},
    "audit": {"en": "Audit", "zh": "稽核"},
    "standard": {"en": "Standard", "zh": "标准"},
    "section": {"en": "Section", "zh": "模块"},
    "item": {"en": "Item", "zh": "检查项"},
    "value": {"en": "Value", "zh": "回答"},
    "earned": {"en": "Earned", "zh": "得分"},
    "possible": {"en": "Possible", "zh": "满分"},
    "note": {"en": "Note", "zh": "备注"},
    "evidence": {"en": "Evidence", "zh": "证据"},
    "region": {"en": "Region", "zh": "区域"},
    "version": {"en": "Version", "zh": "版本"},
    "wave": {"en": "Wave", "zh": "批次"},
    "auditor": {"en": "Auditor", "zh": "稽核员"},
    "visit_date": {"en": "Visit date", "zh": "走访日期"},
    "status": {"en": "Status", "zh": "状态"},
    "index": {"en": "Index", "zh": "指数"},
    "raw_index": {"en": "Raw index", "zh": "未扣减指数"},
    "knockouts": {"en": "Knock-outs", "zh": "否决项"},
    "answers_sheet": {"en": "Answers sheet", "zh": "答案所在工作表"},
    "name_zh": {"en": "Name (zh)", "zh": "名称（中文）"},
    "name_en": {"en": "Name (en)", "zh": "名称（英文）"},
    "region_name": {"en": "Region name", "zh": "区域名称"},
    "city": {"en": "City", "zh": "城市"},
    "province": {"en": "Province", "zh": "省份"},
    "group": {"en": "Group", "zh": "集团"},
    "band": {"en": "Band", "zh": "等级"},
    "rank_region": {"en": "Rank in region", "zh": "区域排名"},
    "rank_network": {"en": "Rank in network", "zh": "全网排名"},
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
    "generated": {"en": "Generated", "zh": "生成日期"},
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
}


def hq_label(key: str, lang: str, **values: object) -> str:
    """The workbook text `key` in `lang` (zh… → Chinese, anything else English), placeholders filled."""
    entry = LABELS[key]
    text = entry["zh"] if lang.startswith("zh") else entry["en"]
    return text.format(**values) if values else text

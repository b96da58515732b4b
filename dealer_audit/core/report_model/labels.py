"""Every fixed text of every report, in both languages: the renderers look words up here."""

from __future__ import annotations

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
    "program": {"en": "Program", "zh": "稽核方案"},
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
    # dealer self-assessment: the HQ workbook's sheet and the PDF sections (render/*/self_assessment_*)
    "self_sheet.intro": {
        "zh": (
            "自评（经销商员工在稽核前按同一标准填写，稽核类型 self）高于稽核结论的经销商。虚报：经销商自评达标"
            "，稽核员实际未达标。指数 0–100；差距 = 自评 − 稽核。自评不计入任何得分。"
        ),
        "en": (
            "Dealers whose self-assessment (audit kind self, filled by dealer staff before the visit) claims mo"
            "re than the auditors saw. Over-claim: the dealer says the item passes, the auditor saw it fail. In"
            "dices 0–100; gap = self − audited. Self-assessments count in no score."
        ),
    },
    "self_sheet.dealer": {"zh": "经销商", "en": "Dealer"},
    "self_sheet.name": {"zh": "名称", "en": "Name"},
    "self_sheet.region": {"zh": "大区", "en": "Region"},
    "self_sheet.standard": {"zh": "标准", "en": "Standard"},
    "self_sheet.self_audit": {"zh": "自评编号", "en": "Self-assessment"},
    "self_sheet.filled_by": {"zh": "填写人", "en": "Filled by"},
    "self_sheet.visits": {"zh": "稽核次数", "en": "Visits"},
    "self_sheet.self": {"zh": "自评指数", "en": "Self index"},
    "self_sheet.audited": {"zh": "稽核指数", "en": "Audited index"},
    "self_sheet.gap": {"zh": "差距", "en": "Gap"},
    "self_sheet.over_claims": {"zh": "虚报项", "en": "Over-claims"},
    "self_sheet.item": {"zh": "项目", "en": "Item"},
    "self_sheet.section": {"zh": "模块", "en": "Section"},
    "self_sheet.requirement": {"zh": "要求", "en": "Requirement"},
    "self_sheet.claimed": {"zh": "自评", "en": "Self"},
    "self_sheet.observed": {"zh": "稽核", "en": "Audited"},
    "self_sheet.item_gap": {"zh": "差距", "en": "Gap"},
    "self_sheet.failed_visits": {"zh": "未达标次数", "en": "Failed visits"},
    "self_sheet.over_claim": {"zh": "虚报", "en": "Over-claim"},
    "self_sheet.yes": {"zh": "是", "en": "yes"},
    "self_sheet.items": {
        "zh": "自评与稽核结论不一致的项目（得分比例）",
        "en": "Items where the claim differs from the audit (fractions of the item's points)",
    },
    "self_pdf.title": {"zh": "自评差距", "en": "Self-assessment gap"},
    "self_pdf.intro": {
        "zh": (
            "经销商在稽核前按同一标准自评；下表列出自评与稽核结论不一致的项目。虚报：经销商自评达标，稽核员实际"
            "未达标。自评不计入任何得分。"
        ),
        "en": (
            "The dealer assessed itself on the same standard before the visit; the table lists the items where "
            "its claim differs from the audit. Over-claim: the dealer says it passes, the auditor saw it fail. "
            "The self-assessment counts in no score."
        ),
    },
    "self_pdf.figures": {
        "zh": "{standard}：自评指数 {own} · 稽核指数 {seen}（{visits} 次稽核）· 差距 {gap} · 虚报 {n} 项",
        "en": (
            "{standard}: self-assessed index {own} · audited index {seen} ({visits} visit(s)) · gap {gap} · {n}"
            " over-claim(s)"
        ),
    },
    "self_pdf.filled_by": {"zh": "填写人：{who}", "en": "Filled in by: {who}"},
    "self_pdf.item": {"zh": "项目", "en": "Item"},
    "self_pdf.requirement": {"zh": "要求", "en": "Requirement"},
    "self_pdf.self": {"zh": "自评", "en": "Self"},
    "self_pdf.audited": {"zh": "稽核", "en": "Audited"},
    "self_pdf.gap": {"zh": "差距", "en": "Gap"},
    "self_pdf.over_claim": {"zh": "虚报", "en": "Over-claim"},
    "self_pdf.under_claim": {"zh": "自评偏低", "en": "Under-claim"},
    "self_pdf.alike": {"zh": "自评与稽核结论完全一致。", "en": "The self-assessment matches the audit on every item."},
    "self_pdf.region_title": {"zh": "自评虚报最多的经销商", "en": "Dealers with the largest over-claim"},
    "self_pdf.region_intro": {
        "zh": "自评与稽核结论差距最大的经销商（虚报项最多者在前）。自评不计入任何得分。",
        "en": (
            "Dealers whose self-assessment claims most beyond what the auditors saw (most over-claimed items fi"
            "rst). Self-assessments count in no score."
        ),
    },
    "self_pdf.dealer": {"zh": "经销商", "en": "Dealer"},
    "self_pdf.standard": {"zh": "标准", "en": "Standard"},
    "self_pdf.over_claims": {"zh": "虚报项", "en": "Over-claims"},
    "self_pdf.examples": {"zh": "主要虚报项目", "en": "Main over-claimed items"},
    # kpi_report.py (words of that module's section, by `kpi.` key)
    "kpi.kpis": {"zh": "系统与调研指标（KPI）", "en": "Measured KPIs"},
    "kpi.kpi": {"zh": "指标", "en": "KPI"},
    "kpi.value": {"zh": "数值", "en": "Value"},
    "kpi.score": {"zh": "得分", "en": "Score"},
    "kpi.base_n": {"zh": "样本量", "en": "Base n"},
    "kpi.enters": {"zh": "计入", "en": "Counts in"},
    "kpi.composite": {"zh": "含 KPI 综合指数", "en": "Composite with KPIs"},
    "kpi.kpi_index": {"zh": "KPI 指数", "en": "KPI index"},
    "kpi.enters_composite": {"zh": "综合指数", "en": "Composite"},
    "kpi.enters_kpi_index": {"zh": "KPI 指数", "en": "KPI index"},
    "kpi.audit_composite": {"zh": "稽核综合指数", "en": "Audit composite"},
    "kpi.coverage": {"zh": "权重覆盖", "en": "weight covered"},
    "kpi.incentive": {"zh": "返利档位", "en": "Incentive tier"},
    "kpi.tier": {"zh": "档位", "en": "Tier"},
    "kpi.payout": {"zh": "返利", "en": "Payout"},
    "kpi.next_tier": {"zh": "上一档", "en": "Next tier"},
    "kpi.gap": {"zh": "差距", "en": "Gap"},
    "kpi.borderline": {"zh": "临界", "en": "Borderline"},
    "kpi.streak": {"zh": "连续未达标", "en": "Consecutive waves below"},
    "kpi.penalty": {"zh": "处罚", "en": "Penalty"},
    "kpi.net_payout": {"zh": "处罚后返利", "en": "Net payout"},
    "kpi.not_eligible": {"zh": "不参与评定", "en": "Not eligible"},
    "kpi.no_tier": {"zh": "未达档", "en": "No tier"},
    "kpi.integrity": {"zh": "数据真实性核查", "en": "Data integrity"},
    "kpi.no_flags": {"zh": "无矛盾", "en": "No contradictions"},
    "kpi.dealer": {"zh": "经销商", "en": "Dealer"},
    "kpi.region": {"zh": "区域", "en": "Region"},
    "kpi.interval": {"zh": "95% 区间", "en": "95% interval"},
    "kpi.higher": {"zh": "越高越好", "en": "higher is better"},
    "kpi.lower": {"zh": "越低越好", "en": "lower is better"},
    "kpi.yes": {"zh": "是", "en": "yes"},
    "kpi.note": {"zh": "说明", "en": "Note"},
    # insight_view.py (words of that module's section, by `insight.` key)
    "insight.key_points": {"zh": "关键体验点", "en": "Key experience points"},
    "insight.themes": {"zh": "备注中的主题", "en": "Themes in the auditor notes"},
    "insight.unknown": {
        "zh": "未知体验（没有检查项解释的备注）",
        "en": "Unknown issues (notes no checklist item explains)",
    },
    "insight.standard": {"zh": "标准", "en": "Standard"},
    "insight.level": {"zh": "层级", "en": "Level"},
    "insight.section": {"zh": "环节", "en": "Section"},
    "insight.item": {"zh": "检查项", "en": "Item"},
    "insight.name": {"zh": "体验点", "en": "Experience point"},
    "insight.share": {"zh": "解释比例", "en": "Share of explained"},
    "insight.interval": {"zh": "95% 区间", "en": "95% interval"},
    "insight.stated": {"zh": "标准权重", "en": "Stated weight"},
    "insight.direction": {"zh": "方向", "en": "Direction"},
    "insight.theme": {"zh": "主题", "en": "Theme"},
    "insight.kind": {"zh": "类型", "en": "Kind"},
    "insight.keywords": {"zh": "关键词", "en": "Keywords"},
    "insight.notes_here": {"zh": "本区备注", "en": "Notes here"},
    "insight.notes_all": {"zh": "全网备注", "en": "Notes (network)"},
    "insight.previous": {"zh": "上一期", "en": "Previous wave"},
    "insight.items": {"zh": "对应未达标项", "en": "Failed items explained"},
    "insight.example": {"zh": "示例", "en": "Example"},
    "insight.dealer": {"zh": "经销商", "en": "Dealer"},
    "insight.note": {"zh": "备注", "en": "Note"},
    "insight.new": {"zh": "新出现", "en": "new"},
    "insight.kind_item": {"zh": "检查项问题", "en": "item issue"},
    "insight.kind_unknown": {"zh": "未知体验", "en": "unknown issue"},
    "insight.kind_remark": {"zh": "一般评语", "en": "remark"},
    "insight.none": {"zh": "无", "en": "none"},
    # dealer.py (words of that module's section, by `dealer_xlsx.` key)
    "dealer_xlsx.audit": {"zh": "稽核编号", "en": "Audit"},
    "dealer_xlsx.standard": {"zh": "标准", "en": "Standard"},
    "dealer_xlsx.section": {"zh": "模块", "en": "Section"},
    "dealer_xlsx.item": {"zh": "检查项", "en": "Item"},
    "dealer_xlsx.reference": {"zh": "条款", "en": "Reference"},
    "dealer_xlsx.item_text": {"zh": "检查内容", "en": "Requirement"},
    "dealer_xlsx.result": {"zh": "结果", "en": "Result"},
    "dealer_xlsx.answer": {"zh": "回答", "en": "Answer"},
    "dealer_xlsx.earned": {"zh": "得分", "en": "Earned"},
    "dealer_xlsx.possible": {"zh": "满分", "en": "Possible"},
    "dealer_xlsx.note": {"zh": "稽核员备注", "en": "Auditor note"},
    "dealer_xlsx.evidence": {"zh": "证据文件", "en": "Evidence files"},
    "dealer_xlsx.repeat": {"zh": "重复失分", "en": "Repeat failure"},
    "dealer_xlsx.knockout": {"zh": "否决项", "en": "Knock-out item"},
    "dealer_xlsx.dispute": {"zh": "申诉", "en": "Dispute"},
    # dealer_notes.py (words of that module's section, by `dealer_notes.` key)
    "dealer_notes.ci_low": {"zh": "95%区间下限", "en": "95% CI low"},
    "dealer_notes.ci_high": {"zh": "95%区间上限", "en": "95% CI high"},
    "dealer_notes.one_visit": {"zh": "仅一次走访", "en": "One visit"},
    "dealer_notes.one_visit_yes": {"zh": "是", "en": "yes"},
    "dealer_notes.notes": {"zh": "说明", "en": "Notes"},
}


def label(key: str, lang: str) -> str:
    entry = LABELS[key]
    return entry["zh"] if lang.startswith("zh") else entry["en"]


def labels_under(prefix: str, lang: str) -> dict[str, str]:
    """Every label whose key starts with `prefix`, keyed by the rest: for a section that lays out many of them."""
    return {key[len(prefix) :]: label(key, lang) for key in LABELS if key.startswith(prefix)}


def label_format(key: str, lang: str, **values: object) -> str:
    """A label with `{placeholders}` filled in."""
    return label(key, lang).format(**values)

"""The words the look pages use to say how sure a figure is: column heads, hover texts and the help line.

Why a module of its own: the figures themselves (95% interval, shrunken estimate, change label, rank range) come
ready-made from the report models (`DealerReport`, `LeagueRow`); what the browser adds is a plain-words explanation
next to them, the same one docs/scoring.md §9 gives at length. Keeping these texts here (and not in web/i18n.py)
keeps the explanation of one feature in one place; `precision_words(lang)` hands them to the templates as `P`.
"""

from __future__ import annotations

from functools import cache

DOC = "docs/scoring.md §9"

_WORDS: dict[str, tuple[str, str]] = {
    "ci": ("95%区间", "95% interval"),
    "shrunk": ("收缩估计", "Shrunken estimate"),
    "shrunk_short": ("收缩估计", "Shrunken"),
    "raw": ("原始", "raw"),
    "change": ("变化判断", "Real or noise"),
    "rank_range": ("排名区间", "Rank range"),
    "rank_range_region": ("区域排名区间", "Rank range (region)"),
    "rank_range_network": ("全网排名区间", "Rank range (network)"),
    "one_visit": ("仅一次走访", "one visit"),
    "indices_chart": ("各标准指数与综合指数（含95%区间）", "Indices and composite with their 95% intervals"),
    "help_title": ("这些数字有多可靠？", "How sure are these figures?"),
    "ci_help": (
        "95%区间：该店真实水平很可能所处的范围。它来自全网同一家店多次走访之间的波动（按标准汇总），"
        "所以只走访过一次的店也有区间，只是更宽。两家店的区间大幅重叠时，走访无法区分它们的高低。",
        "95% interval: the range the dealer's true level very likely lies in. It comes from how much visits to the "
        "same dealer differ, pooled over every dealer of the network visited more than once, so a dealer with one "
        "visit has an interval too — a wider one. Where two dealers' intervals overlap widely, the visits cannot "
        "tell them apart.",
    ),
    "shrunk_help": (
        "收缩估计：把该店得分向全网平均拉近后的数值，走访越少拉得越多（经验贝叶斯）。用于排名或奖励决策，"
        "原始指数照常显示，从不被它替代。",
        "Shrunken estimate: the dealer's figure pulled toward the network mean, the more so the fewer its visits "
        "(empirical Bayes). Use it for ranking or reward decisions; the raw index is always shown beside it and "
        "never replaced by it.",
    ),
    "change_help": (
        "变化判断：与上批次相比的变化是否超出走访误差。“显著”：超出误差（Welch t 检验，"
        "全网按 Benjamini–Hochberg 校正多重比较）；“在误差范围内”：可能只是偶然；“数据不足”：无法检验。",
        "Real or noise: whether the change since last wave is larger than visit-to-visit noise. 'significant': "
        "beyond noise (Welch's t test, Benjamini–Hochberg across the network for many comparisons); 'within "
        "noise': may be chance; 'insufficient data': cannot be tested.",
    ),
    "rank_help": (
        "排名区间：按各店的区间模拟 1,000 次排名后，该店很可能所处的最好与最差名次。",
        "Rank range: the best and worst rank the dealer plausibly holds, from 1,000 rankings simulated from every "
        "dealer's interval.",
    ),
    "one_visit_help": (
        "仅一次走访：该数字只基于一次走访，单次走访可能偏离该店的常态，区间相应较宽。",
        "One visit: the figure rests on a single visit, which can stray from the dealer's usual level; its interval "
        "is correspondingly wide.",
    ),
    "doc_ref": ("详见 " + DOC, "Details: " + DOC),
}


@cache
def precision_words(lang: str) -> dict[str, str]:
    """Every text above in `lang` (zh for any zh-* language, else en)."""
    k = 0 if lang.startswith("zh") else 1
    return {key: pair[k] for key, pair in _WORDS.items()}

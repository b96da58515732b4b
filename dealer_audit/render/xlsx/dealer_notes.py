"""How sure the dealer workbook's figures are: its column words and its README sheet, in both languages.

Why a module of its own: the dealer workbook (dealer.py) shows the report model's 95% intervals, shrunken estimates,
change labels and rank ranges beside the index; a reader who meets "Shrunken estimate" in a spreadsheet needs the
plain-words meaning next to it, in Chinese and English whatever the report language (the file is passed between a
dealer and the OEM), as docs/scoring.md §9 gives it at length. No figure is computed here.
"""

from __future__ import annotations

import math
from typing import Any

from dealer_audit.core.report_model import DealerReport
from dealer_audit.core.report_model.labels import label
from dealer_audit.render.xlsx.common import write_text

README_SHEET = "README"


def word(key: str, lang: str) -> str:
    return label("dealer_notes." + key, lang)


# (what, Chinese, English): every figure of the Summary sheet that says how sure the index is
README: tuple[tuple[str, str, str], ...] = (
    (
        "95% CI low / high · 95%区间",
        "95%置信区间：该店真实水平很可能所处的范围（上下限）。它来自全网同一家店多次走访之间的波动，"
        "按标准汇总所有被走访两次及以上的经销商，所以只走访过一次的店也有区间，只是更宽。"
        "两家店的区间大幅重叠时，走访无法区分它们的高低。",
        "The range the dealer's true level very likely lies in (low and high end). It comes from how much visits "
        "to the same dealer differ, pooled per standard over every dealer of the network visited twice or more, so "
        "a dealer with one visit has an interval too — a wider one. Where two dealers' intervals overlap widely, "
        "the visits cannot tell them apart.",
    ),
    (
        "Shrunken estimate · 收缩估计",
        "把该店得分向全网平均拉近后的数值，走访越少、全网各店差异越小，拉得越多（经验贝叶斯）。"
        "用于排名或奖励决策；指数本身照常显示，从不被它替代。",
        "The dealer's figure pulled toward the network mean, the more so the fewer its visits and the less the "
        "network's dealers differ (empirical Bayes). Use it for ranking or reward decisions; the index itself is "
        "always shown beside it and never replaced by it.",
    ),
    (
        "Real or noise · 变化判断",
        "与上批次相比的变化是否超出走访误差：“显著”表示超出误差（两批次均值的 Welch t 检验，"
        "全网按 Benjamini–Hochberg 校正多重比较）；“在误差范围内”表示可能只是偶然；"
        "“数据不足”表示无法检验（例如上批次没有走访）。",
        "Whether the change since last wave is larger than visit-to-visit noise: 'significant' is beyond noise "
        "(Welch's t test on the two waves' means, Benjamini–Hochberg across the network for the many comparisons); "
        "'within noise' may be chance; 'insufficient data' cannot be tested (say, no visit last wave).",
    ),
    (
        "Rank range · 排名区间",
        "按各店的区间模拟 1,000 次排名，取该店名次的 2.5–97.5 百分位：它很可能所处的最好与最差名次（区域内与全网）。",
        "The best and worst rank the dealer plausibly holds in its region and the network: the 2.5th–97.5th "
        "percentile of its rank over 1,000 rankings simulated from every dealer's interval.",
    ),
    (
        "One visit · 仅一次走访",
        "该标准的指数只基于一次走访：单次走访可能偏离该店的常态，区间相应较宽。",
        "The standard's index rests on a single visit, which can stray from the dealer's usual level; its interval "
        "is correspondingly wide.",
    ),
    ("docs/scoring.md §9", "公式与算例详见 docs/scoring.md 第9节。", "Formulas, worked example: docs/scoring.md §9."),
)


def write_readme(wb: Any, report: DealerReport, fmt: dict[str, Any]) -> None:
    """The README sheet: what each figure that says how sure the index is means, in Chinese and English."""
    ws = wb.add_worksheet(README_SHEET)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 2, 70)
    title = f"{report.dealer.code} · {report.wave} · {word('notes', 'zh')} / {word('notes', 'en')}"
    ws.write_string(0, 0, title, fmt["title"])
    for col, head in enumerate(("", "中文", "English")):
        ws.write_string(2, col, head, fmt["header"])
    row = 3
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    what_format = wb.add_format({"bold": True, "valign": "top", "text_wrap": True})
    for what, zh, en in README:
        # spreadsheet programs do not grow a row to its wrapped text on opening: size it (a 70-wide column holds
        # about 34 Chinese or 75 Latin characters a line)
        lines = max(math.ceil(len(zh) / 34), math.ceil(len(en) / 75), 1)
        ws.set_row(row, 15 * lines + 3)
        write_text(ws, row, 0, what, what_format)
        write_text(ws, row, 1, zh, fmt["wrap"])
        write_text(ws, row, 2, en, fmt["wrap"])
        row += 1

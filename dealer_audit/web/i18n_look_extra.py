"""The words of the dealer and region pages' KPI, incentive, self-assessment and insight sections, the photo
removal in capture and the sign-in limit, in zh-CN and English.

Kept beside web/i18n.py's table and merged into it there (one line), as web/i18n_follow_up.py is, so these
features' words have one home. The sections' column names come from the report model's own labels
(`DealerKpiPanel.t`, `InsightView.t`) wherever it has them; only what the model does not name is here.
"""

from __future__ import annotations

LOOK_EXTRA_WORDS: dict[str, tuple[str, str]] = {
    "kpis.scale_of": ("满分 {scale}", "out of {scale}"),
    "kpis.flagged": ("数据矛盾", "contradiction"),
    "kpis.alarm": ("连续未达标预警", "Consecutive-wave alarm"),
    "sa.title": ("自评差距", "Self-assessment gap"),
    "sa.intro": (
        "经销商在稽核前按同一标准自评；下表列出自评与稽核结论不一致的项目。"
        "虚报：经销商自评达标，稽核员实际未达标。自评不计入任何得分。",
        "The dealer assessed itself on the same standard before the visit; the table lists the items where its "
        "claim differs from the audit. Over-claim: the dealer says it passes, the auditor saw it fail. The "
        "self-assessment counts in no score.",
    ),
    "sa.self_index": ("自评指数", "Self-assessed index"),
    "sa.audited_index": ("稽核指数", "Audited index"),
    "sa.visits": ("{n} 次稽核", "{n} visit(s)"),
    "sa.gap": ("差距", "Gap"),
    "sa.over_claims": ("虚报项", "Over-claims"),
    "sa.filled_by": ("填写人", "Filled in by"),
    "sa.item": ("项目", "Item"),
    "sa.requirement": ("要求", "Requirement"),
    "sa.section": ("环节", "Section"),
    "sa.self": ("自评", "Self"),
    "sa.audited": ("稽核", "Audited"),
    "sa.over_claim": ("虚报", "Over-claim"),
    "sa.under_claim": ("自评偏低", "Under-claim"),
    "sa.alike": ("自评与稽核结论完全一致。", "The self-assessment matches the audit on every item."),
    "insight.computing": (
        "关键体验点与主题按全网计算，首次打开需数秒，之后直接显示。",
        "Key experience points and themes are computed over the network: the first opening takes seconds, "
        "later ones are immediate.",
    ),
    "capture.photo_remove": ("移除照片", "Remove photo"),
    "capture.photo_remove_confirm": (
        "从此项目移除这张照片？",
        "Remove this photo from this item?",
    ),
    "capture.refused.not_attached": (
        "该照片不在此项目上（可能已被移除）。",
        "That photo is not on this item (it may have been removed already).",
    ),
    "auth.throttled": (
        "登录失败次数过多，已暂停登录。请在 {minutes} 分钟后再试。",
        "Too many failed sign-ins: signing in is paused. Try again in {minutes} minute(s).",
    ),
}

"""The browser app's words in zh-CN and English, and how a request's language is chosen.

One table, so a missing translation is a test failure rather than a mixed-language page. Messages that come from
the core (validation, scoring) are already bilingual or located; this table holds only what the pages say.
"""

from __future__ import annotations

from collections.abc import Callable

from dealer_audit.core.standard import LocalText
from dealer_audit.web.i18n_follow_up import FOLLOW_UP_WORDS
from dealer_audit.web.i18n_look_extra import LOOK_EXTRA_WORDS

LANGUAGES = ("zh", "en")
LANG_COOKIE = "dealer_audit_lang"

# key -> (zh, en)
WORDS: dict[str, tuple[str, str]] = {
    "app.title": ("经销商服务稽核", "Dealer service audit"),
    "nav.home": ("首页", "Home"),
    "nav.capture": ("采集", "Capture"),
    "nav.network": ("网络总览", "Network"),
    "nav.my_scores": ("本店得分", "Our scores"),
    "look.err.not_issued": (
        "{wave} 批次的报告尚未发布给本店，总部发布后即可查看。",
        "The {wave} report has not been issued to your dealership yet; you can see it once HQ issues it.",
    ),
    "look.not_issued": (
        "总部尚未向本店发布任何批次的报告。",
        "HQ has not issued any wave's report to your dealership yet.",
    ),
    "nav.signed_in_as": ("当前用户", "Signed in as"),
    "nav.sign_out": ("退出", "Sign out"),
    "lang.switch": ("English", "中文"),
    "home.capture": ("开始或继续一次稽核", "Start or resume an audit"),
    "home.capture.hint": (
        "按经销商代码、名称或城市查找，选择标准和批次。",
        "Find the dealer by code, name or city; pick the standard and wave.",
    ),
    "home.look": ("查看评分结果", "Look at the scores"),
    "home.look.hint": (
        "网络与区域总览、排名、经销商详情与报告下载。",
        "Network and regions, league table, dealer pages and report downloads.",
    ),
    "home.workspace": ("工作区", "Workspace"),
    "home.database": ("数据库", "Database"),
    "look.title": ("评分结果", "Scores"),
    "look.network": ("网络总览", "Network"),
    "look.no_audits": (
        "工作区中还没有稽核。先导入或采集稽核，再查看结果。",
        "The workspace holds no audits yet. Import or capture audits first, then look at the scores.",
    ),
    "look.regions": ("各区域", "Regions"),
    "look.league": ("经销商排名表", "League table"),
    "look.all": ("全部", "All"),
    "look.only_alerts": ("仅有预警的经销商", "Only dealers with alerts"),
    "look.search": ("搜索代码、名称、城市", "Search code, name, city"),
    "look.apply": ("筛选", "Apply"),
    "look.rows_shown": ("第 {first}–{last} 家，共 {total} 家", "{first}–{last} of {total} dealers"),
    "look.no_rows": ("没有符合条件的经销商", "No dealer matches these filters"),
    "look.previous": ("上一页", "Previous"),
    "look.next": ("下一页", "Next"),
    "look.page_of": ("第 {page} 页 / 共 {pages} 页", "Page {page} of {pages}"),
    "look.dealers_with_alerts": ("家经销商有预警", "dealers with alerts"),
    "look.failed_items": ("失分项（含备注与照片）", "Failed items with notes and photos"),
    "look.evidence_missing": ("证据文件不在本工作区的证据库中", "The evidence file is not in this workspace's store"),
    "look.download.network": ("下载总部汇总表（Excel）", "Download the HQ workbook (Excel)"),
    "look.download.region_pdf": ("下载区域报告（PDF）", "Download the regional report (PDF)"),
    "error.title": ("无法完成请求", "The request could not be completed"),
    "error.not_found": ("找不到该页面或对象", "Not found"),
    "error.forbidden": ("无权访问", "Not allowed"),
    "error.csrf": (
        "请求缺少有效的安全令牌（CSRF）。请刷新页面后重试。",
        "The request carried no valid security token (CSRF). Reload the page and try again.",
    ),
    "error.too_large": (
        "上传的文件过大：每个文件不得超过 {limit} MB。",
        "The upload is too large: each file may be at most {limit} MB.",
    ),
    "error.internal": (
        "服务器内部错误，原因已写入服务器日志。",
        "Internal error: the cause is in the server log.",
    ),
    "error.back": ("返回", "Back"),
    # ---- sign-in ----
    "auth.sign_in": ("登录", "Sign in"),
    "auth.name": ("用户名", "Login name"),
    "auth.password": ("密码", "Password"),
    "auth.failed": ("用户名或密码不正确。", "The login name or the password is wrong."),
    "auth.required": ("请先登录。", "Please sign in first."),
    "auth.hint": (
        "账户由管理员用 dealer-audit users add 创建。",
        "Accounts are created by an administrator with dealer-audit users add.",
    ),
    # ---- capture: starting ----
    "capture.start.title": ("开始或继续稽核", "Start or resume an audit"),
    "capture.start.new": ("选择经销商、标准和批次", "Dealer, standard and wave"),
    "capture.start.dealer": ("经销商", "Dealer"),
    "capture.start.dealer_hint": (
        "输入代码、名称或城市，如 SH001 或 杭州",
        "Code, name or city, e.g. SH001 or Hangzhou",
    ),
    "capture.start.none_found": ("没有符合“{q}”的经销商。", "No dealer matches “{q}”."),
    "capture.start.more": (
        "还有更多结果，请输入更多文字缩小范围。",
        "More dealers match: type more to narrow it down.",
    ),
    "capture.start.standard": ("标准", "Standard"),
    "capture.start.wave": ("批次", "Wave"),
    "capture.start.auditor": ("稽核员", "Auditor"),
    "capture.start.go": ("开始 / 继续", "Start / resume"),
    "capture.start.resume_hint": (
        "该经销商在此批次已有此标准的草稿时，将继续该草稿。",
        "If this dealer already has a draft of this standard in this wave, that draft is resumed.",
    ),
    "capture.start.drafts": ("进行中的草稿", "Drafts in progress"),
    "capture.start.no_drafts": ("暂无草稿。", "No drafts."),
    "capture.dealer": ("经销商", "Dealer"),
    "capture.answered": ("已答", "Answered"),
    # ---- capture: the audit ----
    "capture.draft": ("草稿", "Draft"),
    "capture.final": ("已定稿", "Finalised"),
    "capture.read_only": ("只读", "Read only"),
    "capture.progress": ("进度", "Progress"),
    "capture.running_score": ("当前得分", "Running score"),
    "capture.final_index": ("最终指数", "Final index"),
    "capture.answered_of": ("已答 {n} / {total}", "{n} of {total} answered"),
    "capture.hidden": ("{n} 项不适用，未显示", "{n} not applicable, hidden"),
    "capture.section_empty": ("本部分当前没有适用的项目。", "No item of this section applies now."),
    "capture.summary": ("汇总与定稿", "Summary and finalise"),
    "capture.ready": ("可以定稿", "Ready to finalise"),
    "capture.missing_required": ("项必答未答", "required item(s) unanswered"),
    "capture.missing_heading": ("未答的必答项目", "Required items not answered"),
    "capture.evidence_missing": ("仍缺证据", "Evidence still missing"),
    "capture.keys": (
        "键盘：↑↓ 或 j/k 选择项目，Y 是，N 否，A 不适用，1–9 选项；Ctrl+V 粘贴照片到当前项目。",
        "Keys: ↑↓ or j/k pick an item, Y yes, N no, A N/A, 1–9 options; Ctrl+V pastes a photo into the item.",
    ),
    "capture.knock_out": ("关键项", "Knock-out"),
    "capture.optional": ("选答", "Optional"),
    "capture.yes": ("是", "Yes"),
    "capture.no": ("否", "No"),
    "capture.na": ("不适用", "N/A"),
    "capture.clear": ("清除答案", "Clear answer"),
    "capture.saved": ("已保存", "Saved"),
    "capture.not_saved": ("未保存", "Not saved"),
    "capture.open": ("未答", "Open"),
    "capture.note": ("备注", "note"),
    "capture.photo": ("照片", "photo"),
    "capture.note_hint": ("备注：看到了什么？", "Note: what did you see?"),
    "capture.photo_add": ("添加照片", "Add photo"),
    "capture.photo_hint": (
        "点击选择、拖放或粘贴照片（JPEG、PNG、GIF、WebP，不超过 {limit} MB）",
        "Click, drop or paste a photo (JPEG, PNG, GIF, WebP; at most {limit} MB)",
    ),
    "capture.photo_item": ("本项的答案是一张照片：", "This item is answered with a photo:"),
    "capture.needs": ("定稿前必须提供：{needs}", "Needed before finalising: {needs}"),
    "capture.overwritten": (
        "此项刚在另一个窗口或由他人修改过（原为：{was}），已用您的答案覆盖。",
        "This item had just been changed in another tab or by someone else (it was: {was}); your answer replaced it.",
    ),
    "capture.finalise": ("定稿", "Finalise"),
    "capture.finalise_blocked": (
        "仍有未答的必答项目或缺少证据，定稿会被拒绝。",
        "Required items are unanswered or evidence is missing: finalising will be refused.",
    ),
    "capture.finalised": ("稽核 {id} 已定稿。", "Audit {id} is finalised."),
    "capture.audit_id": ("稽核编号", "Audit id"),
    # ---- capture: refusals (codes of dealer_audit.capture.session.CaptureError) ----
    "capture.refused.invalid": ("无法保存该答案。", "The answer could not be saved."),
    "capture.refused.no_na": ("{item} 不允许选择“不适用”。", "{item} may not be answered N/A."),
    "capture.refused.yes_no": ("请选择“是”或“否”。", "Answer yes or no."),
    "capture.refused.scale": ("请输入 {low} 到 {high} 之间的整数。", "Enter a whole number from {low} to {high}."),
    "capture.refused.number": (
        "“{text}”不是数字，请输入如 7 或 2.5。",
        "“{text}” is not a number: enter e.g. 7 or 2.5.",
    ),
    "capture.refused.below_min": (
        "{value} 低于最小值 {limit}，未保存。",
        "{value} is below the minimum {limit}; not saved.",
    ),
    "capture.refused.above_max": (
        "{value} 超过最大值 {limit}，未保存。",
        "{value} is above the maximum {limit}; not saved.",
    ),
    "capture.refused.no_option": ("请选择一个选项。", "Choose an option."),
    "capture.refused.unknown_option": ("没有选项“{option}”。", "There is no option “{option}”."),
    "capture.refused.one_option": ("只能选择一个选项。", "Choose exactly one option."),
    "capture.refused.empty_text": ("请输入文字。", "Type the text."),
    "capture.refused.empty_note": ("备注为空。", "The note is empty."),
    "capture.refused.unknown_item": ("没有项目 {item}。", "There is no item {item}."),
    "capture.refused.hidden_item": (
        "{item} 目前不适用（条件不满足），不能作答。",
        "{item} does not apply now (its condition does not hold).",
    ),
    "capture.refused.evidence": ("{item} 还需要：{needs}", "{item} still needs: {needs}"),
    "capture.refused.incomplete": ("尚不能定稿。", "The audit cannot be finalised yet."),
    "capture.refused.incomplete_missing": ("未答的必答项目：{missing}。", "Unanswered required items: {missing}."),
    "capture.refused.incomplete_evidence": ("缺少证据的项目：{evidence}。", "Evidence missing on: {evidence}."),
    # ---- capture: uploads ----
    "capture.upload.too_large": (
        "照片“{name}”过大，未保存：每个文件不得超过 {limit} MB。",
        "Photo “{name}” is too large and was not saved: each file may be at most {limit} MB.",
    ),
    "capture.upload.not_image": (
        "“{name}”不是照片（只接受 JPEG、PNG、GIF、WebP），未保存。",
        "“{name}” is not a photo (JPEG, PNG, GIF or WebP only); not saved.",
    ),
    "capture.upload.broken": (
        "照片“{name}”已损坏或不完整，无法打开，未保存。",
        "Photo “{name}” is damaged or incomplete and cannot be opened; not saved.",
    ),
    "capture.upload.empty": ("文件“{name}”是空的，未保存。", "File “{name}” is empty; not saved."),
    "capture.upload.missing": ("请求中没有照片文件。", "The request carried no photo file."),
    # ---- capture: refused requests ----
    "capture.err.no_audit": ("找不到稽核 {audit}。", "There is no audit {audit}."),
    "capture.err.no_section": ("此标准没有部分 {section}。", "This standard has no section {section}."),
    "capture.err.no_photo": ("此稽核没有这张照片。", "This audit has no such photo."),
    "capture.err.not_visible": (
        "您无权查看经销商 {dealer}：它不在您负责的区域。",
        "You may not see dealer {dealer}: it is outside your regions.",
    ),
    "capture.err.not_yours": (
        "此稽核属于稽核员 {auditor}，您不能修改。",
        "This audit belongs to auditor {auditor}; you may not change it.",
    ),
    "capture.err.manager": (
        "区域经理只能查看，不能采集稽核。",
        "Regional managers look at audits; they do not capture them.",
    ),
    "capture.err.final": (
        "此稽核已定稿，不能再修改。",
        "This audit is finalised and can no longer be changed.",
    ),
    "capture.err.no_dealer_given": ("请先选择经销商。", "Choose a dealer first."),
    "capture.err.unknown_dealer": ("没有代码为“{dealer}”的经销商。", "There is no dealer with code “{dealer}”."),
    "capture.err.unknown_standard": ("没有标准“{standard}”。", "There is no standard “{standard}”."),
    "capture.err.unknown_wave": ("没有批次“{wave}”。", "There is no wave “{wave}”."),
    "capture.err.no_auditor": ("请填写稽核员姓名。", "Enter the auditor's name."),
    # how sure a figure is (the look pages' precision columns, hover texts and help line; docs/scoring.md §9)
    "precision.one_visit": ("仅一次走访", "one visit"),
    "precision.indices_chart": ("各标准指数与综合指数（含95%区间）", "Indices and composite with their 95% intervals"),
    "precision.help_title": ("这些数字有多可靠？", "How sure are these figures?"),
    "precision.ci_help": (
        "95%区间：该店真实水平很可能所处的范围。它来自全网同一家店多次走访之间的波动（按标准汇总），"
        "所以只走访过一次的店也有区间，只是更宽。两家店的区间大幅重叠时，走访无法区分它们的高低。",
        "95% interval: the range the dealer's true level very likely lies in. It comes from how much visits to the "
        "same dealer differ, pooled over every dealer of the network visited more than once, so a dealer with one "
        "visit has an interval too — a wider one. Where two dealers' intervals overlap widely, the visits cannot "
        "tell them apart.",
    ),
    "precision.shrunk_help": (
        "收缩估计：把该店得分向全网平均拉近后的数值，走访越少拉得越多（经验贝叶斯）。用于排名或奖励决策，"
        "原始指数照常显示，从不被它替代。",
        "Shrunken estimate: the dealer's figure pulled toward the network mean, the more so the fewer its visits "
        "(empirical Bayes). Use it for ranking or reward decisions; the raw index is always shown beside it and "
        "never replaced by it.",
    ),
    "precision.change_help": (
        "变化判断：与上批次相比的变化是否超出走访误差。“显著”：超出误差（Welch t 检验，"
        "全网按 Benjamini–Hochberg 校正多重比较）；“在误差范围内”：可能只是偶然；“数据不足”：无法检验。",
        "Real or noise: whether the change since last wave is larger than visit-to-visit noise. 'significant': "
        "beyond noise (Welch's t test, Benjamini–Hochberg across the network for many comparisons); 'within "
        "noise': may be chance; 'insufficient data': cannot be tested.",
    ),
    "precision.rank_help": (
        "排名区间：按各店的区间模拟 1,000 次排名后，该店很可能所处的最好与最差名次。",
        "Rank range: the best and worst rank the dealer plausibly holds, from 1,000 rankings simulated from every "
        "dealer's interval.",
    ),
    "precision.one_visit_help": (
        "仅一次走访：该数字只基于一次走访，单次走访可能偏离该店的常态，区间相应较宽。",
        "One visit: the figure rests on a single visit, which can stray from the dealer's usual level; its interval "
        "is correspondingly wide.",
    ),
    "precision.doc_ref": ("详见 docs/scoring.md §9", "Details: docs/scoring.md §9"),
}

WORDS.update(FOLLOW_UP_WORDS)
WORDS.update(LOOK_EXTRA_WORDS)


def words_under(prefix: str, lang: str) -> dict[str, str]:
    """Every word whose key starts with `prefix.`, keyed by the rest: a template that shows one feature's many
    texts (the precision help) takes them as one mapping instead of one `t()` call each."""
    k = 0 if lang.startswith("zh") else 1
    start = prefix + "."
    return {key[len(start) :]: pair[k] for key, pair in WORDS.items() if key.startswith(start)}


def translate(key: str, lang: str, **params: object) -> str:
    """The word for `key` in `lang`, with `{name}` placeholders filled from `params`; an unknown key shows itself
    so a gap is visible, never a blank."""
    pair = WORDS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**params) if params else text


def translator(lang: str) -> Callable[..., str]:
    return lambda key, **params: translate(key, lang, **params)


def choose_language(query: str | None, cookie: str | None, accept: str | None, default: str) -> str:
    """Query (`?lang=en`) beats the remembered cookie, which beats the browser's Accept-Language, which beats the
    workspace language: an auditor who switched once stays switched, a first visit follows the browser."""
    for candidate in (query, cookie):
        if candidate and candidate.lower()[:2] in LANGUAGES:
            return candidate.lower()[:2]
    if accept:
        for part in accept.split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in LANGUAGES:
                return code
    return default if default in LANGUAGES else "zh"


def local(text: LocalText | str | None, lang: str) -> str:
    """A core bilingual text in `lang` (templates call it as `local(item.label)`)."""
    if text is None:
        return ""
    return text if isinstance(text, str) else text.get(lang)

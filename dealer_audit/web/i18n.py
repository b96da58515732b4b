"""The browser app's words in zh-CN and English, and how a request's language is chosen.

One table, so a missing translation is a test failure rather than a mixed-language page. Messages that come from
the core (validation, scoring) are already bilingual or located; this table holds only what the pages say.
"""

from __future__ import annotations

from collections.abc import Callable

from dealer_audit.core.standard import LocalText

LANGUAGES = ("zh", "en")
LANG_COOKIE = "dealer_audit_lang"

# key -> (zh, en)
WORDS: dict[str, tuple[str, str]] = {
    "app.title": ("经销商服务稽核", "Dealer service audit"),
    "nav.home": ("首页", "Home"),
    "nav.capture": ("采集", "Capture"),
    "nav.network": ("网络总览", "Network"),
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
    "error.too_large": ("上传的文件过大", "The upload is too large"),
    "error.internal": (
        "服务器内部错误，原因已写入服务器日志。",
        "Internal error: the cause is in the server log.",
    ),
    "error.back": ("返回", "Back"),
}


def translate(key: str, lang: str) -> str:
    """The word for `key` in `lang`; an unknown key shows itself so a gap is visible, never a blank."""
    pair = WORDS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def translator(lang: str) -> Callable[[str], str]:
    return lambda key: translate(key, lang)


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

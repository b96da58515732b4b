"""What the reports show of the insight analyses: key experience points (关键体验点) and themes, as display rows.

Built once per report from the drivers (core/driver_inputs.py) and themes (core/themes.py) of the wave, in the
report's language, so the region PDF and the HQ workbook print the same rows. Pure: plain data in and out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dealer_audit.core.aggregate import StandardKey
from dealer_audit.core.driver_inputs import WaveDrivers, newest_layout
from dealer_audit.core.key_drivers import DriverAnalysis, Method
from dealer_audit.core.report_model import Figure
from dealer_audit.core.report_model.labels import label
from dealer_audit.core.standard import Checklist, LocalText
from dealer_audit.core.themes import Theme, ThemeAnalysis, ThemeKind

ITEMS_SHOWN = 5  # item drivers per standard on the region PDF (the workbook lists all)
UNKNOWN_SHOWN = 12  # unknown-issue notes on the region PDF


def insight_label(key: str, lang: str) -> str:
    return label("insight." + key, lang)


@dataclass(frozen=True, slots=True)
class KeyPointRow:
    standard_id: str
    standard: str
    level: str  # "section" or "item"
    code: str  # section id or item id
    name: str
    share: Figure  # of the explained variance (0..1)
    low: Figure
    high: Figure
    stated: Figure  # stated share of the composite (0..1)
    correlation: float
    weight: float  # raw importance: part of R²

    @property
    def interval(self) -> str:
        return f"{self.low.text}–{self.high.text}"

    @property
    def direction(self) -> str:
        return "+" if self.correlation >= 0 else "−"


@dataclass(frozen=True, slots=True)
class ThemeRow:
    theme_id: str
    kind: ThemeKind
    kind_text: str
    keywords: str
    notes_here: int
    notes_all: int
    previous: str  # "12" (notes in the matched theme last wave), or "new"
    previous_notes: int | None
    items: str  # "RC03 The service advisor checked …; DR01 …"
    example: str
    regions: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class UnknownNoteRow:
    dealer_code: str
    region: str
    item: str
    text: str


@dataclass(frozen=True, slots=True)
class InsightView:
    lang: str
    drivers_heading: str  # "Key experience points: what drives NPS"
    drivers_intro: str  # outcome, dealers, methods, resamples
    key_points: tuple[KeyPointRow, ...]
    driver_notes: tuple[str, ...]  # per standard and level: R² and interval, or the refusal
    themes_intro: str
    themes: tuple[ThemeRow, ...]
    unknown: tuple[UnknownNoteRow, ...]
    region_codes: tuple[str, ...]  # every region a theme was counted in, for the workbook's columns

    def t(self, key: str) -> str:
        return insight_label(key, self.lang)


def _pct(value: float | None) -> Figure:
    return Figure.share(value)


def _analysis_note(standard: str, level: str, a: DriverAnalysis, lang: str) -> str:
    zh = lang.startswith("zh")
    if a.refusal is not None:
        return f"{standard} · {level}: {a.refusal.get(lang)}"
    r2 = f"R² {a.r_squared:.2f} ({a.r_squared_low:.2f}–{a.r_squared_high:.2f})"
    method = (
        ("广义优势分析" if zh else "general dominance")
        if a.method is Method.DOMINANCE
        else ("相对权重" if zh else "relative weights")
    )
    dealers = f"{a.n_dealers} 家经销商" if zh else f"{a.n_dealers} dealers"
    left = ""
    if a.dropped:
        n = len(a.dropped)
        left = f"；{n} 项因无差异或缺失未纳入" if zh else f"; {n} left out (no variance or missing)"
    return f"{standard} · {level}: {method}, {dealers}, {r2}{left}"


def _rows(
    standard_id: str, title: str, level: str, a: DriverAnalysis, limit: int | None, layout: Checklist | None, lang: str
) -> list[KeyPointRow]:
    rows = []
    for e in a.estimates[:limit]:
        p = e.predictor
        code = p.item_id or p.section_id
        name = p.label.get(lang)
        if p.item_id and layout is not None and p.item_id in layout.items_by_id:
            name = layout.items_by_id[p.item_id].text.get(lang)
        rows.append(
            KeyPointRow(
                standard_id,
                title,
                level,
                code,
                name,
                _pct(e.share),
                _pct(e.low),
                _pct(e.high),
                _pct(p.stated_share),
                e.correlation,
                e.weight,
            )
        )
    return rows


def build_insight_view(
    drivers: WaveDrivers | None,
    themes: ThemeAnalysis | None,
    standards: Mapping[StandardKey, Checklist],
    *,
    lang: str = "zh",
    region: str | None = None,
    items_shown: int | None = ITEMS_SHOWN,
    unknown_shown: int | None = UNKNOWN_SHOWN,
    outcome_name: LocalText | None = None,
) -> InsightView:
    """The rows of one report: `region` counts themes in that region (the drivers are the network's, since a
    region alone rarely has enough dealers); `items_shown`/`unknown_shown` None list everything (workbook);
    `outcome_name` names a KPI outcome (NPS) in the heading and the intro."""
    zh = lang.startswith("zh")
    heading = insight_label("key_points", lang)
    key_points: list[KeyPointRow] = []
    notes: list[str] = []
    intro = ""
    if drivers is not None:
        section_word, item_word = insight_label("section", lang), insight_label("item", lang)
        for s in drivers.standards:
            title = s.title.get(lang) or s.standard_id
            layout = _layout(standards, s.standard_id)
            key_points += _rows(s.standard_id, title, "section", s.sections, None, layout, lang)
            key_points += _rows(s.standard_id, title, "item", s.items, items_shown, layout, lang)
            notes.append(_analysis_note(title, section_word, s.sections, lang))
            notes.append(_analysis_note(title, item_word, s.items, lang))
        outcome = _outcome_text(drivers.outcome, outcome_name, zh)
        heading += f"：驱动{outcome}的环节与检查项" if zh else f": what drives {outcome}"
        scope = (
            ("全网经销商" if zh else "all dealers of the network")
            if drivers.region is None
            else (f"{drivers.region} 区经销商" if zh else f"the dealers of {drivers.region}")
        )
        intro = (
            f"哪些环节和检查项与{outcome}的差异相关（{scope}）：环节用广义优势分析，检查项用相对权重；"
            "“解释比例”是该项占已解释差异的份额，区间为 1,000 次自助抽样的 95% 区间，“标准权重”是标准规定的份额。"
            if zh
            else f"Which sections and items go with differences in {outcome} across {scope}: sections by general "
            "dominance, items by relative weights. 'Share of explained' is the part of the explained variance, "
            "with a 95% bootstrap interval (1,000 resamples); 'stated weight' is the share the standard gives it."
        )
    theme_rows: list[ThemeRow] = []
    unknown: list[UnknownNoteRow] = []
    themes_intro = ""
    regions: set[str] = set()
    if themes is not None:
        for t in themes.themes:
            here = dict(t.regions).get(region, 0) if region is not None else t.size
            regions.update(r for r, _ in t.regions)
            if region is not None and here == 0:
                continue
            theme_rows.append(_theme_row(t, here, standards, lang))
        picked = [n for n in themes.unknown_notes if region is None or n.region == region]
        seen: set[str] = set()
        for n in picked:  # a PDF shows each distinct text once (counts are in the themes); a workbook every note
            if unknown_shown is None or (n.text not in seen and len(unknown) < unknown_shown):
                seen.add(n.text)
                unknown.append(UnknownNoteRow(n.dealer_code, n.region, n.item_id, n.text))
        themes_intro = (
            f"{themes.n_notes} 条备注（{themes.n_texts} 种不同文字）聚成 {len(themes.themes)} 个主题；"
            f"未知体验 {len(picked)} 条。" + (f" 与 {themes.previous_wave} 对比。" if themes.previous_wave else "")
            if zh
            else f"{themes.n_notes} notes ({themes.n_texts} distinct texts) in {len(themes.themes)} themes; "
            f"{len(picked)} unknown-issue notes."
            + (f" Compared with {themes.previous_wave}." if themes.previous_wave else "")
        )
    return InsightView(
        lang=lang,
        drivers_heading=heading,
        drivers_intro=intro,
        key_points=tuple(key_points),
        driver_notes=tuple(notes),
        themes_intro=themes_intro,
        themes=tuple(theme_rows),
        unknown=tuple(unknown),
        region_codes=tuple(sorted(regions)),
    )


def _outcome_text(outcome: str, name: LocalText | None, zh: bool) -> str:
    """ "the composite index", or the KPI's name ("净推荐值（NPS）" / "NPS"), else its id."""
    if outcome == "composite":
        return "综合指数" if zh else "the composite index"
    if name is None:
        return outcome
    if zh:
        return f"{name.zh}（{name.en}）" if name.en and name.en != name.zh else name.zh
    return name.en or outcome


def _layout(standards: Mapping[StandardKey, Checklist], standard_id: str) -> Checklist | None:
    try:
        return newest_layout(standards, standard_id, ())
    except KeyError:
        return None


def _theme_row(t: Theme, here: int, standards: Mapping[StandardKey, Checklist], lang: str) -> ThemeRow:
    items = []
    for link in t.items:
        layout = _layout(standards, link.standard_id)
        item = layout.items_by_id.get(link.item_id) if layout else None
        items.append(f"{link.item_id} {item.text.get(lang)}" if item else link.item_id)
    return ThemeRow(
        theme_id=t.id,
        kind=t.kind,
        kind_text=insight_label(f"kind_{t.kind.value}", lang),
        keywords=" · ".join(t.keywords),
        notes_here=here,
        notes_all=t.size,
        previous=str(t.previous_size) if t.previous_size is not None else insight_label("new", lang),
        previous_notes=t.previous_size,
        items="; ".join(items) or insight_label("none", lang),
        example=t.examples[0] if t.examples else "",
        regions=t.regions,
    )

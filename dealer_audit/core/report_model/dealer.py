"""The dealer report: its types and `build_dealer_report` (WaveResult + the audits' answers -> DealerReport)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dealer_audit.core.actions import Action, ActionStatus, RequirementKey, requirement_texts
from dealer_audit.core.aggregate import (
    AlertKind,
    DealerResult,
    WaveResult,
)
from dealer_audit.core.answers import Audit
from dealer_audit.core.disputes import Dispute
from dealer_audit.core.report_model.common import (
    DealerIdentity,
    Footer,
    Result,
    StandardKey,
    answer_text,
    band_tag,
    item_result,
    rank_bounds,
    section_layout,
    visit_date_text,
)
from dealer_audit.core.report_model.display import (
    NA_TEXT,
    BandTag,
    ChangeLabel,
    Figure,
    Rank,
    Span,
    change_label,
    fmt_number,
    fmt_points,
    rank_range_text,
)
from dealer_audit.core.report_model.files import dealer_file_stem
from dealer_audit.core.report_model.labels import label
from dealer_audit.core.scoring import AuditScore, KnockOut
from dealer_audit.core.self_assessment import SelfAssessmentGap
from dealer_audit.core.self_assessment_view import SelfAssessmentView, self_assessment_views
from dealer_audit.core.standard import (
    Checklist,
    CriticalEffect,
)

if TYPE_CHECKING:  # the KPI panels are built in core/kpi_report.py, which builds on this package's Figure
    from dealer_audit.core.kpi_report import DealerKpiPanel


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
    requirements: tuple[tuple[RequirementKey, str], ...] = ()  # open actions' items: `requirement_texts`
    self_assessment: tuple[SelfAssessmentView, ...] = ()  # the dealer's self audits against the visits
    kpis: DealerKpiPanel | None = None  # measured KPIs, incentive tier, data-integrity flags (core/kpi_report.py)

    def t(self, key: str) -> str:
        return label(key, self.lang)

    @property
    def file_stem(self) -> str:
        return dealer_file_stem(self.dealer.code, self.wave, self.lang)


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
        layout = section_layout(standards, c.standard_id, c.versions)
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

        raise NotFound(
            f"dealer {dealer_code} is not in wave {result.wave}",
            zh=f"稽核批次 {result.wave} 中没有经销商 {dealer_code}",
        )
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
        layout = section_layout(standards, c.standard_id, c.versions)
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
                band_tag(c.band, lang),
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
                    visit_date_text(audit),
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
        layout = section_layout(standards, o.standard_id)
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
        layout = section_layout(standards, standard_id)
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
        band=band_tag(d.band, lang),
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
        rank_range_region=rank_range_text(*rank_bounds(d.rank_range, "region")),
        rank_range_network=rank_range_text(*rank_bounds(d.rank_range, "network")),
        precision_notes=_precision_notes(d, single_visit, lang),
        open_actions=tuple(still_open),
        requirements=tuple(requirement_texts(standards, still_open, lang).items()),
        self_assessment=self_assessment_views(self_assessments, standards, [d.dealer], lang, dealer_code=dealer_code),
    )


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

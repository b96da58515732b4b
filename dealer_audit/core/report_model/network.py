"""The network (HQ workbook) report: dealer, audit, answer, compliance, action and dispute lines;
`build_network_report`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, overload

from dealer_audit.core.actions import Action
from dealer_audit.core.aggregate import (
    DealerChecklistResult,
    GroupResult,
    WaveResult,
)
from dealer_audit.core.answers import Answer, Audit
from dealer_audit.core.coverage import Coverage
from dealer_audit.core.disputes import Dispute, DisputeStatus, dispute_rates
from dealer_audit.core.intervals import RankRange
from dealer_audit.core.report_model.common import (
    DealerIdentity,
    Result,
    StandardColumns,
    StandardKey,
    as_of_date,
    band_tag,
    item_result,
    section_layout,
    standard_columns,
    visit_date_text,
)
from dealer_audit.core.report_model.display import NA_TEXT, BandTag, ChangeLabel, Figure, Span, change_label, fmt_number
from dealer_audit.core.report_model.labels import label
from dealer_audit.core.scoring import AuditScore, ItemScore
from dealer_audit.core.self_assessment import SelfAssessmentGap
from dealer_audit.core.self_assessment_view import SelfAssessmentView, self_assessment_views
from dealer_audit.core.standard import (
    Checklist,
    CriticalEffect,
)
from dealer_audit.core.stats import Interval

if TYPE_CHECKING:  # the KPI panels are built in core/kpi_report.py, which builds on this package's Figure
    from dealer_audit.core.insight_view import InsightView
    from dealer_audit.core.kpi_report import NetworkKpiPanel


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
    answers: Sequence[AnswerRow]  # AnswerRows (made as read) in reports; a tuple works as well
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


def _share_span(interval: Interval | None) -> Span | None:
    if interval is None:
        return None
    return Span(Figure.share(interval.low), Figure.share(interval.high))


def _compliance_lines(
    groups: Iterable[tuple[str, GroupResult]], standards: Mapping[StandardKey, Checklist], lang: str
) -> tuple[tuple[ComplianceLine, ...], tuple[ComplianceLine, ...]]:
    sections: list[ComplianceLine] = []
    items: list[ComplianceLine] = []
    for scope, group in groups:
        for s in group.sections:
            layout = section_layout(standards, s.standard_id)
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
            layout = section_layout(standards, i.standard_id)
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


class AnswerRows(Sequence[AnswerRow]):
    """The Answers-sheet rows of one audit, made as they are read rather than held: a 3,000-dealer wave has
    ~340,000 of them (~60 MB as objects), and the HQ workbook writes each once, so a report holds the audit, its
    score and its standard (all kept by the scored wave anyway) and yields the rows from them (`_answer_rows`,
    the one rule of which answers are rows). Equal to a tuple of the same rows."""

    __slots__ = ("_audit", "_count", "_score", "_standard")

    def __init__(self, score: AuditScore, audit: Audit | None, standard: Checklist) -> None:
        self._score, self._audit, self._standard = score, audit, standard
        self._count: int | None = None

    def __iter__(self) -> Iterator[AnswerRow]:
        return _answer_rows(self._score, self._audit, self._standard)

    def __len__(self) -> int:
        if self._count is None:
            self._count = sum(1 for _ in _answered_items(self._score, self._audit, self._standard))
        return self._count

    @overload
    def __getitem__(self, index: int) -> AnswerRow: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[AnswerRow, ...]: ...
    def __getitem__(self, index: int | slice) -> AnswerRow | tuple[AnswerRow, ...]:
        """Only iteration and len are used (the Answers sheet); an index makes the rows up to it, not all of them."""
        if isinstance(index, slice):
            return tuple(self)[index]
        position = index + len(self) if index < 0 else index
        row = next(islice(self, position, None), None) if position >= 0 else None
        if row is None:
            raise IndexError("AnswerRows index out of range")
        return row

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AnswerRows | tuple | list):
            return tuple(self) == tuple(other)
        return NotImplemented

    # Not hashable: equal to a tuple of its rows, its hash would have to be that tuple's, made from every row at each
    # call; nothing hashes a report's lines (a report is built, written and dropped).
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"AnswerRows({self._score.audit_id}, {len(self)} rows)"


def _answered_items(
    score: AuditScore, audit: Audit | None, standard: Checklist
) -> Iterator[tuple[str, str, ItemScore | None, Answer | None]]:
    """(section id, item id, its score, its answer) of every item that is an answer on the Answers sheet."""
    answers = audit.answers if audit else {}
    for section in standard.sections:
        for item in section.items:
            s = score.item(item.id)
            answer = answers.get(item.id)
            if answer is None and (s is None or not s.applicable or not item.required):
                continue  # never asked (skip logic) or optional and not answered: not an answer
            yield section.id, item.id, s, answer


def _answer_rows(score: AuditScore, audit: Audit | None, standard: Checklist) -> Iterator[AnswerRow]:
    for section_id, item_id, s, answer in _answered_items(score, audit, standard):
        yield AnswerRow(
            score.dealer_code,
            score.audit_id,
            standard.id,
            section_id,
            item_id,
            raw_value_text(answer),
            item_result(s),
            s.earned if s is not None and s.counted else None,
            s.possible if s is not None and s.counted else None,
            answer.note if answer else "",
            ", ".join(e.file_name for e in answer.evidence) if answer else "",
        )


def _audit_line(
    score: AuditScore, audit: Audit | None, standard: Checklist, region: str, columns: StandardColumns | None
) -> AuditLine:
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
        visit_date_text(audit),
        "finalised" if score.final else "draft",
        Figure.of(score.index),
        Figure.of(score.raw_index),
        sections,
        knockouts,
        AnswerRows(score, audit, standard),
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
    columns = standard_columns(result, standards, lang)
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
                band_tag(d.band, lang),
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
    today = as_of_date(generated)
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

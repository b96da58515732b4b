"""Section and item roll-ups against the audits they come from, recomputed here by hand: a dealer's audits' sections
are read once (core/aggregate._section_accumulators) and its item figures summed in place of its first audit's row
(_dealer_figures); regions, the network and the pooled section variance must still be exactly what the audits give.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from typing import Any

import pytest

from dealer_audit.core import aggregate
from dealer_audit.core.aggregate import GroupResult, WaveResult, score_wave
from dealer_audit.core.intervals import variance_components
from dealer_audit.core.scoring import AuditScore
from dealer_audit.core.standard import Checklist, ChecklistKind, Critical, CriticalEffect, LocalText, Section
from tests.core.scoring_fixtures import BANDS, NA, audit, dealer, program, yes_no

DEALERS = [dealer(f"D{n}", "east" if n % 2 else "north") for n in range(1, 9)]


def standard(standard_id: str) -> Checklist:
    """Three sections: A with a zero_section knock-out, B plain, C all-N/A-able (a section that may not apply)."""
    sections = (
        Section("A", LocalText(en="A"), (yes_no("A1", critical=Critical(CriticalEffect.ZERO_SECTION)), yes_no("A2"))),
        Section("B", LocalText(en="B"), (yes_no("B1", 2.0), yes_no("B2"), yes_no("B3"))),
        Section("C", LocalText(en="C"), (yes_no("C1", na_allowed=True),)),
    )
    return Checklist(standard_id, "1", ChecklistKind.MYSTERY_SHOP, LocalText(en=standard_id), sections, bands=BANDS)


STANDARDS = {s.key: s for s in (standard("one"), standard("two"))}
PROGRAM = program((("one", 1.0), ("two", 1.0)))


def audits(wave: str, seed: int) -> list[Any]:
    """One to three visits per dealer and standard (drafts among them), answers drawn at random; D8 not audited."""
    rng = random.Random(seed)
    made = []
    for d in DEALERS[:-1]:
        for checklist in STANDARDS.values():
            for visit in range(rng.randint(1, 3)):
                values: dict[str, Any] = {
                    item.id: rng.choice(["yes", "yes", "no"]) for item in checklist.items() if item.id != "C1"
                }
                values["C1"] = rng.choice(["yes", "no", NA])
                made.append(
                    audit(
                        checklist,
                        d.code,
                        wave=wave,
                        audit_id=f"{wave}-{d.code}-{checklist.id}-{visit}",
                        final=rng.random() > 0.15,
                        **values,
                    )
                )
    return made


@pytest.fixture(scope="module")
def scored() -> WaveResult:
    return score_wave(PROGRAM, STANDARDS, DEALERS, audits("2026-Q4", 1), "2026-Q4", audits("2026-Q3", 2))


def counted_scores(result: WaveResult, codes: set[str]) -> list[AuditScore]:
    return [s for s in result.audit_scores if s.dealer_code in codes and s.final and s.index is not None]


def assert_sections_pool_the_audits(group: GroupResult, scores: list[AuditScore]) -> None:
    """Every section of the group: n, means (fsum), knock-outs and item counts over its dealers' counted audits."""
    for section in group.sections:
        mine = [
            s
            for a in scores
            if a.standard_id == section.standard_id
            for s in a.sections
            if s.section_id == section.section_id and s.percent is not None and s.raw_percent is not None
        ]
        n = len(mine)
        assert section.n == n
        assert section.mean_percent == (math.fsum(s.percent for s in mine) / n if n else None)  # type: ignore[misc]
        assert section.raw_mean_percent == (math.fsum(s.raw_percent for s in mine) / n if n else None)  # type: ignore[misc]
        assert section.zeroed == sum(s.zeroed for s in mine)
        assert (section.items_counted, section.items_passed) == (
            sum(s.items_counted for s in mine),
            sum(s.items_passed for s in mine),
        )


def test_regions_and_the_network_pool_their_dealers_audits_sections(scored: WaveResult) -> None:
    assert any(s.zeroed for a in scored.audit_scores for s in a.sections)  # the knock-out path is exercised
    assert any(s.percent is None for a in scored.audit_scores for s in a.sections)  # and a section N/A
    for result in (scored, scored.previous):
        assert result is not None
        for group in (*result.regions, result.network):
            assert_sections_pool_the_audits(group, counted_scores(result, set(group.dealer_codes)))
            assert [(s.standard_id, s.section_id) for s in group.sections] == [
                (sid, section) for sid in ("one", "two") for section in "ABC"
            ]
        for d in result.dealers:
            for checklist in d.checklists:
                scores = [s for s in counted_scores(result, {d.code}) if s.standard_id == checklist.standard_id]
                group = GroupResult(d.code, LocalText(en=""), (), None, {}, checklist.sections, ())  # type: ignore[arg-type]
                assert_sections_pool_the_audits(group, scores)


def test_the_pooled_section_variance_takes_each_dealers_visits_in_dealer_order(scored: WaveResult) -> None:
    visits: dict[tuple[str, str], list[list[float]]] = defaultdict(list)
    for d in sorted(DEALERS, key=lambda d: d.code):
        for sid in ("one", "two"):
            scores = [s for s in counted_scores(scored, {d.code}) if s.standard_id == sid]
            for section_id in "ABC":
                percents = [
                    s.percent
                    for a in scores
                    for s in a.sections
                    if s.section_id == section_id and s.percent is not None and s.raw_percent is not None
                ]
                if percents:
                    visits[(sid, section_id)].append(percents)
    assert scored.section_variance == {key: variance_components(groups) for key, groups in sorted(visits.items())}


def test_each_counted_audits_sections_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """One reader of the audits' section scores: a dealer's sections are added once, to its own accumulators;
    regions, the network and the pooled variance reuse those (they were read again three more times)."""
    added: list[tuple[str, str]] = []
    original = aggregate._SectionAcc.add

    def counting(self: Any, *figures: Any) -> None:
        added.append((self.standard_id, self.section_id))
        original(self, *figures)

    monkeypatch.setattr(aggregate._SectionAcc, "add", counting)
    result = score_wave(PROGRAM, STANDARDS, DEALERS, audits("2026-Q4", 1), "2026-Q4")
    counted = [s for d in result.dealers for c in d.checklists for s in c.audits]
    assert len(added) == sum(len(s.sections) for s in counted) > 0


def test_dealer_item_figures_are_the_sum_of_its_audits_and_groups_the_sum_of_dealers(scored: WaveResult) -> None:
    """A dealer's figures are summed in place of its first audit's row (`_dealer_figures`), dealers of two standards
    interleaved: every dealer's items are its own audits', every group's its dealers'."""
    for d in scored.dealers:
        for checklist in d.checklists:
            scores = checklist.audits
            for item in checklist.items:
                rated = [i for s in scores for i in s.items if i.item_id == item.item_id and i.fraction is not None]
                assert (item.counted, item.passed) == (len(rated), sum(i.fraction == 1.0 for i in rated))
                assert item.failed == item.counted - item.passed
    for group in (*scored.regions, scored.network):
        for item in group.items:
            members = [scored.dealer(code) for code in group.dealer_codes]
            dealer_items = [
                i
                for m in members
                if m is not None
                for c in m.checklists
                if c.standard_id == item.standard_id
                for i in c.items
                if i.item_id == item.item_id
            ]
            assert item.counted == sum(i.counted for i in dealer_items)
            assert item.passed == sum(i.passed for i in dealer_items)
            assert item.critical_failures == sum(i.critical_failures for i in dealer_items)


def test_dealer_figures_sum_in_place_of_the_first_row() -> None:
    """The contract the caller's `del audit_figures` guards: the sum is a view of the first row, which no longer
    holds that audit's figures, and the other rows are left as they were."""
    rows = aggregate.np.arange(4 * 6 * 2, dtype=float).reshape(4, 6, 2)
    before = rows.copy()
    summed = aggregate._dealer_figures(rows, 1, 3)
    assert aggregate.np.shares_memory(summed, rows[1])
    assert (summed == before[1] + before[2] + before[3]).all()
    assert (rows[0] == before[0]).all() and (rows[2:] == before[2:]).all()

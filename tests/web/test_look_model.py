"""The overview agrees with the regional reports, and the look cache sees every change to the stored data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from dealer_audit.core.answers import Answer, AuditStatus
from dealer_audit.core.overview import build_wave_overview
from dealer_audit.services.looking import LookService
from dealer_audit.services.reporting import prepare_wave, region_report
from dealer_audit.storage.workspace import Workspace

WAVE = "2026-Q4"


def test_overview_rows_and_regions_are_the_regional_reports_own(sample_workspace_template: Path) -> None:
    with Workspace.open(sample_workspace_template) as ws:
        context = prepare_wave(ws, WAVE)
    overview = build_wave_overview(context.result, lang="en")
    assert [r.league.dealer_code for r in overview.rows] == [d.code for d in context.result.ranking()]
    assert overview.network.n_dealers == len(context.result.dealers)
    assert overview.network.mean.text == region_report(context, "east", "en").network_mean.text
    assert sum(b.count for b in overview.network.bands) == len(context.result.dealers)
    for line in overview.regions:
        report = region_report(context, line.code, "en")
        assert (line.name, line.n_dealers, line.mean, line.median, line.min, line.max) == (
            report.region_name,
            report.n_dealers,
            report.mean,
            report.median,
            report.min,
            report.max,
        )
        assert line.bands == report.bands
        assert [r.league for r in overview.rows if r.region_code == line.code] == list(report.league)
        assert line.alerts == sum(1 for row in report.league if row.alert)


def test_fingerprint_changes_with_every_kind_of_change(loaded_repo: Any, make_audit: Any) -> None:
    seen = {loaded_repo.data_fingerprint()}

    def changed() -> bool:
        now = loaded_repo.data_fingerprint()
        fresh = now not in seen
        seen.add(now)
        return fresh

    draft = make_audit(status=AuditStatus.DRAFT)
    loaded_repo.save_audit(draft)
    loaded_repo.save_answer(draft.audit_id, Answer("R03", "yes"))
    assert not changed()  # drafts are in no report: capturing one leaves the managers' cached waves alone
    loaded_repo.finalise(draft.audit_id, who="王芳")
    assert changed()
    for value in ("no", "yes", "no"):  # corrections in the same second each show (the trail grows)
        loaded_repo.save_answer(draft.audit_id, Answer("R03", value), who="hq", why="photo shows otherwise")
        assert changed()
    final = make_audit()
    loaded_repo.save_audit(final)
    assert changed()
    revised = replace(final, answers={**final.answers, "R01": Answer("R01", "no")})
    loaded_repo.save_audit(revised, replace=True, who="hq", why="re-imported")
    assert changed()
    dealer = loaded_repo.list_dealers()[0]
    loaded_repo.save_dealers([replace(dealer, code="NEW001")])
    assert changed()


def test_warm_scores_the_newest_wave_before_anyone_asks(sample_workspace_template: Path) -> None:
    ws = Workspace.open(sample_workspace_template)
    service = LookService(ws)
    service.warm().join(timeout=120)
    assert service.loads == 1
    service.overview(WAVE, ws.language)
    service.dealer(WAVE, "SH001", "zh")
    assert service.loads == 1
    ws.close()

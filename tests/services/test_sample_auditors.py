"""The sample network's auditor register: every sample audit names a registered auditor (by name), so the sample
imports without auditor warnings, the 2026-Q4 plan keeps 2026-Q3's auditors away from their dealers, and the
demo's signed bundle is enrolled for the registered auditor the audits name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dealer_audit.core.answers import AuditKind
from dealer_audit.core.auditor_lookup import AuditorRegister, MatchKind
from dealer_audit.formats.dealers import read_dealers
from dealer_audit.services.demo import AUDITORS_FILE, WAVE_FOLDERS, project_dir
from dealer_audit.services.demo_signing import run_signed_bundle
from dealer_audit.services.field_operations import import_auditors, plan_the_wave
from dealer_audit.services.importing import import_paths, load_standards_into
from dealer_audit.services.sample_network import AUDITORS
from dealer_audit.storage.workspace import Workspace


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[Workspace]:
    """A workspace holding the shipped standards, the sample dealers and the sample auditor register."""
    ws = Workspace.init(tmp_path / "hq")
    load_standards_into(ws.repo, [project_dir("checklists")])
    samples = project_dir("sample_audits")
    ws.repo.save_dealers(read_dealers(samples / "dealers.csv", None))
    assert import_auditors(ws.repo, samples / AUDITORS_FILE) == 12
    yield ws
    ws.close()


def test_the_sample_imports_without_auditor_warnings_and_the_plan_keeps_the_lockout(hq: Workspace) -> None:
    samples = project_dir("sample_audits")
    summary = import_paths(hq, [samples / wave for wave in WAVE_FOLDERS])
    assert summary.ok and summary.imported == len(summary.files) > 250
    assert [w for f in summary.files for w in f.warnings] == []
    register = AuditorRegister(hq.repo.list_auditors())
    audits = [a for a in hq.repo.list_audits() if a.kind is not AuditKind.SELF]
    # the audits carry names, never ids: every one of them resolves by name, as does the generator's whole team
    assert {register.resolve(name).kind for name in AUDITORS} == {MatchKind.NAME}
    assert {register.resolve(a.auditor).kind for a in audits} == {MatchKind.NAME}

    outcome = plan_the_wave(hq.repo, "2026-Q4")
    assert outcome.lockout_waves == ["2026-Q3"]
    visited = {(register.key(a.auditor), a.dealer_code) for a in audits if a.wave == "2026-Q3"}
    assert len(visited) > 100  # most auditor × dealer pairs of 2026-Q3 are barred in 2026-Q4
    planned = {(v.auditor_id, v.dealer_code) for v in outcome.plan.visits}
    assert planned and not planned & visited
    assert {a for a, _ in planned} <= {a.id for a in register.auditors}


def test_the_signed_bundle_is_enrolled_for_the_registered_auditor_its_audits_name(hq: Workspace) -> None:
    samples = project_dir("sample_audits")
    detail = run_signed_bundle(hq, project_dir("checklists"), samples / WAVE_FOLDERS[-1])
    (key,) = hq.repo.list_keys()
    auditor = hq.repo.get_auditor(key.auditor_id)
    assert len(hq.repo.list_auditors()) == 12  # nobody was added: the name resolved to the register
    audits = hq.repo.list_audits()
    assert audits and {a.auditor for a in audits} == {auditor.name.zh or auditor.name.en}
    assert detail.en.startswith(f"{len(audits)} audits of {auditor.id}, key {key.key_id}")
    trail = hq.repo.audit_trail(audits[0].audit_id)
    assert trail[0].details.startswith(f"signed by auditor {auditor.id} with key {key.key_id}")

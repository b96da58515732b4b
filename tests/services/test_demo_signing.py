"""The demo's signed-bundle stage on the shipped sample network: one auditor's wave signed on a scratch laptop,
enrolled, verified and imported at HQ, with the signer in the trail and no secret key left behind."""

from __future__ import annotations

from pathlib import Path

from dealer_audit.formats.dealers import read_dealers
from dealer_audit.services.demo import project_dir
from dealer_audit.services.demo_signing import BUNDLES_FOLDER, run_signed_bundle
from dealer_audit.services.importing import load_standards_into
from dealer_audit.storage.workspace import Workspace


def test_one_auditor_wave_travels_signed(tmp_path: Path) -> None:
    checklists, samples = project_dir("checklists"), project_dir("sample_audits")
    hq = Workspace.init(tmp_path / "hq")
    try:
        load_standards_into(hq.repo, [checklists])
        hq.repo.save_dealers(read_dealers(samples / "dealers.csv", None))
        detail = run_signed_bundle(hq, checklists, samples / "2026-Q4")
        audits = hq.repo.list_audits()
        (key,) = hq.repo.list_keys()
        auditor = hq.repo.get_auditor(key.auditor_id)
        trails = [hq.repo.audit_trail(a.audit_id) for a in audits]
    finally:
        hq.close()
    assert audits and {a.auditor for a in audits} == {auditor.id}
    assert detail.en.startswith(f"{len(audits)} audits of {auditor.id}, key {key.key_id}: signed on a laptop")
    assert detail.zh.startswith(f"{auditor.id} 的 {len(audits)} 条稽核，密钥 {key.key_id}：在笔记本电脑上签名")
    assert all(
        [(t.action, t.details.split(";")[0]) for t in trail]
        == [("signature_verified", f"signed by auditor {auditor.id} with key {key.key_id}")]
        for trail in trails
    )
    shipped = sorted(p.name for p in (tmp_path / "hq" / BUNDLES_FOLDER).iterdir())
    assert shipped == [f"{auditor.id}-2026-Q4.zip", f"{auditor.id}.pub"]
    assert not list(tmp_path.rglob(f"{auditor.id}.key"))  # the secret key went with the scratch laptop

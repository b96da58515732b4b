"""The demo's signed bundle: one auditor's wave goes from a field laptop to HQ signed, and HQ verifies it.

Why a module of its own: `services/demo.py` chains the main job's stages; this stage plays both sides of issue 16's
signed bundles with the same calls the commands make — `keys init` on a scratch laptop workspace, `export` there,
`auditors enrol` and `import` at HQ — so the demo proves the real path. The laptop (and with it the secret key,
protected by the fixed passphrase below) lives in a temporary folder removed at the end: no secret key is shipped
or left behind. The bundle and the auditor's public key stay in the demo workspace's `signed-bundles/`, so
`minisign -V -p <auditor>.pub -m manifest.json` can be tried by hand on the unpacked bundle.

Deterministic choices: the auditor with the fewest audits in the wave (then by name), so the stage stays short. The
audits name the auditor as the field team types it (`黄婷`); HQ enrols the key for the registered auditor that name
resolves to (core/auditor_lookup.py; the demo loads the sample's register first). In a workspace without a
register entry for them one is added, its id the audits' text, with the region of the dealers they visited most.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path

from dealer_audit.core.answers import Audit, AuditKind
from dealer_audit.core.auditor_lookup import AuditorRegister
from dealer_audit.core.auditors import Auditor
from dealer_audit.core.report_model import safe_file_stem
from dealer_audit.core.standard import LocalText
from dealer_audit.errors import Conflict, Message, NotFound
from dealer_audit.formats.audit_json import read_audit_file
from dealer_audit.formats.signing import generate_keys, key_id_of
from dealer_audit.services.bundle_signatures import key_files, keys_folder
from dealer_audit.services.importing import export_bundle, import_paths, load_standards_into
from dealer_audit.storage.workspace import Workspace

DEMO_PASSPHRASE = "demo passphrase 演示口令"  # of a key made at run time and deleted with the scratch laptop
HQ = "HQ 演示 demo"
BUNDLES_FOLDER = "signed-bundles"


def run_signed_bundle(hq: Workspace, checklists: Path, wave_folder: Path) -> Message:
    """Capture → signed export on a scratch laptop → enrol and verified import at HQ; returns what happened."""
    read = {path: read_audit_file(path) for path in sorted(wave_folder.glob("*.json"))}
    audits = {path: a for path, a in read.items() if a.kind is not AuditKind.SELF}  # dealer staff sign nothing
    if not audits:
        raise NotFound(
            f"{wave_folder}: no audit files for the signed-bundle demo",
            zh=f"{wave_folder}：没有可用于签名数据包演示的稽核文件",
        )
    counts = Counter(audit.auditor for audit in audits.values())
    auditor = min(counts, key=lambda name: (counts[name], name))
    own = [path for path, audit in audits.items() if audit.auditor == auditor]
    wave = audits[own[0]].wave
    out = keys_folder(hq).with_name(BUNDLES_FOLDER)  # beside keys/ in the demo workspace folder
    out.mkdir(exist_ok=True)
    bundle = out / f"{safe_file_stem(auditor)}-{safe_file_stem(wave)}.zip"
    with tempfile.TemporaryDirectory(prefix="dealer-audit-laptop-") as scratch:
        laptop = Workspace.init(Path(scratch) / "laptop")
        try:
            load_standards_into(laptop.repo, [checklists])
            laptop.repo.save_dealers(hq.repo.list_dealers())
            captured = import_paths(laptop, own, who=auditor)
            if captured.refused:
                first = captured.refused[0]
                raise Conflict(
                    f"laptop: {first.path}: {first.reason}", zh=f"笔记本电脑：{first.path}：{first.reason_text('zh')}"
                )
            keys = generate_keys(key_files(laptop, auditor), auditor, DEMO_PASSPHRASE)
            exported = export_bundle(laptop, bundle, wave=wave, auditor=auditor, passphrase=lambda: DEMO_PASSPHRASE)
            public = out / f"{safe_file_stem(auditor)}.pub"
            shutil.copyfile(keys.public_key, public)
        finally:
            laptop.close()
    registered = _register(hq, auditor, [audits[path] for path in own])
    text = public.read_text(encoding="utf-8")
    key_id = key_id_of(text)
    hq.repo.enrol_key(registered, key_id, text, who=HQ)
    summary = import_paths(hq, [bundle], who=HQ)
    if summary.refused:
        refused = summary.refused[0]
        raise Conflict(
            f"HQ refused the signed bundle: {refused.reason}", zh=f"总部拒绝了签名数据包：{refused.reason_text('zh')}"
        )
    return Message(
        f"{exported.audits} audits of {registered}, key {key_id}: signed on a laptop, verified and imported at HQ "
        f"({BUNDLES_FOLDER}/{bundle.name})",
        f"{registered} 的 {exported.audits} 条稽核，密钥 {key_id}：在笔记本电脑上签名，总部验证后导入"
        f"（{BUNDLES_FOLDER}/{bundle.name}）",
    )


def _register(hq: Workspace, auditor: str, audits: list[Audit]) -> str:
    """The register id the audits' auditor text names; added to HQ's register when nobody answers to it (home
    region: where most of their dealers are)."""
    found = AuditorRegister(hq.repo.list_auditors()).resolve(auditor).auditor
    if found is not None:
        return found.id
    regions = {dealer.code: dealer.region for dealer in hq.repo.list_dealers()}
    visited = Counter(regions[a.dealer_code] for a in audits if a.dealer_code in regions)
    home = min(visited, key=lambda code: (-visited[code], code))
    hq.repo.save_auditors([Auditor(auditor, LocalText(auditor, auditor), home)])
    return auditor

"""Signed bundles end to end: `keys init` and `export` on the laptop, `auditors enrol` and `import` at HQ.

Every refusal HQ makes (a changed manifest, a changed evidence file, an unknown key, a revoked key, an unsigned
bundle where the program requires signatures, a signer who is not the audits' auditor) names the bundle and the
reason in en and zh and leaves HQ's database and evidence store as they were; a signed round trip records the
signer in the audit trail; Debian's stock `minisign -V` verifies an exported bundle.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.core.answers import Answer, EvidenceRef
from dealer_audit.formats.signing import SIGNATURE_MEMBER
from dealer_audit.storage.workspace import Workspace

PASSPHRASE = "correct horse battery"
ENV_NAME = "DEALER_AUDIT_KEY_PASSPHRASE"
ENV = {ENV_NAME: PASSPHRASE}
PHOTO = b"\x89PNG\r\n\x1a\n the live service-status board"
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()
REGISTER = "id,home_region\n王芳,east\n李强,north\n"
WANG = "%E7%8E%8B%E8%8A%B3"  # 王芳 in a minisign comment (printable ASCII only): UTF-8 percent-escapes


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    """The CLI in English unless `env` says otherwise (messages follow DEALER_AUDIT_LANG, README)."""
    console.reset_for_tests(200)
    return CliRunner().invoke(app, list(args), env={"DEALER_AUDIT_LANG": "en", **(env or {})})


def _is_chinese(text: str) -> bool:
    """A Chinese reason: Chinese characters and no English word (English reasons may name 王芳)."""
    return any("\u4e00" <= c <= "\u9fff" for c in text) and not re.search(r"[a-z]{3,}", text)


@pytest.fixture
def laptop(workspace: Any, make_audit: Any) -> tuple[Path, str]:
    """王芳's laptop: two audits of 2026-Q4 (one with a photo in the evidence store) and her key pair."""
    workspace.evidence.add_bytes(PHOTO, "board.png", expected_sha256=PHOTO_SHA)
    photo = Answer("W05", "board.png", evidence=(EvidenceRef("board.png", PHOTO_SHA, len(PHOTO), "image/png"),))
    workspace.repo.save_audits([make_audit().with_answer(photo), make_audit(dealer_code="BJ001")])
    workspace.close()
    made = run("keys", "init", "--auditor", "王芳", "-w", str(workspace.root), env=ENV)
    assert made.exit_code == 0, made.output
    return workspace.root, made.output.split()[1]


@pytest.fixture
def hq(tmp_path: Path, mini_standard: Any, mini_program: Any, sample_dealers: list[Any]) -> Path:
    """HQ's workspace: the standard, the program, the dealers and the auditor register (no key enrolled yet)."""
    ws = Workspace.init(tmp_path / "hq")
    ws.repo.save_standard(mini_standard)
    ws.repo.save_program(mini_program)
    ws.repo.save_dealers(sample_dealers)
    ws.close()
    register = tmp_path / "auditors.csv"
    register.write_text(REGISTER, encoding="utf-8")
    assert run("auditors", "import", str(register), "-w", str(ws.root)).exit_code == 0
    return ws.root


def export(laptop_root: Path, out: Path, *extra: str) -> Any:
    return run("export", "--wave", "2026-Q4", "-o", str(out), "-w", str(laptop_root), *extra, env=ENV)


@pytest.fixture
def signed(laptop: tuple[Path, str], tmp_path: Path) -> Path:
    result = export(laptop[0], tmp_path / "wang-2026-Q4.zip")
    assert result.exit_code == 0, result.output
    assert f"signed by 王芳 with key {laptop[1]}" in result.output
    return tmp_path / "wang-2026-Q4.zip"


def enrol(hq: Path, laptop_root: Path) -> Any:
    result = run("auditors", "enrol", "王芳", str(laptop_root / "keys" / "王芳.pub"), "-w", str(hq))
    assert result.exit_code == 0, result.output
    return result


def state(root: Path) -> tuple[list[Any], list[list[Any]], list[str]]:
    """What an import may touch: audits, their trail rows, evidence files."""
    with Workspace.open(root) as ws:
        audits = ws.repo.list_audits()
        trails = [ws.repo.audit_trail(a.audit_id) for a in audits]
        files = sorted(p.name for p in ws.evidence_dir.iterdir()) if ws.evidence_dir.exists() else []
    return audits, trails, files


def refused(hq: Path, bundle: Path, *reasons: str) -> None:
    """Import `bundle` at HQ: refused, naming the bundle and every reason (the Chinese ones when the user's
    language is zh, at the same place), with nothing stored."""
    before = state(hq)
    for lang in ("en", "zh"):
        result = run("import", str(bundle), "-w", str(hq), env={"DEALER_AUDIT_LANG": lang})
        assert result.exit_code == 1, result.output
        text = result.output.replace("\n", " ")
        assert (f"refused {bundle}:" if lang == "en" else f"被拒绝 {bundle}：") in text
        assert f"{bundle} ({SIGNATURE_MEMBER})" in text
        for reason in reasons:
            if _is_chinese(reason):
                assert (reason in text) == (lang == "zh"), (lang, reason)
            elif lang == "en":
                assert reason in text, reason
        assert "Traceback" not in text
        assert state(hq) == before


Edit = Callable[[dict[str, bytes], dict[str, Any]], None]


def rebuild(bundle: Path, name: str, edit: Edit, rehash: bool) -> Path:
    """A copy of `bundle` whose members and manifest `edit` changed, the signature kept; with `rehash` the manifest's
    hashes and sizes follow, as a forger who knows the format would do (then only the signature can tell)."""
    with zipfile.ZipFile(bundle) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    edit(members, manifest)
    if rehash:
        for entry in manifest["members"]:
            entry["sha256"] = hashlib.sha256(members[entry["name"]]).hexdigest()
            entry["size"] = len(members[entry["name"]])
    members["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    out = bundle.with_name(name)
    with zipfile.ZipFile(out, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return out


def swap_photo(members: dict[str, bytes], manifest: dict[str, Any]) -> None:
    """Another photo in place of the board photo, renamed and cited by its new sha256 as a forger must."""
    photo = PHOTO.replace(b"live", b"dead")
    digest = hashlib.sha256(photo).hexdigest()
    old, new = f"evidence/{PHOTO_SHA}.png", f"evidence/{digest}.png"
    del members[old]
    members[new] = photo
    for entry in manifest["members"]:
        entry["name"] = new if entry["name"] == old else entry["name"]
    for member in [n for n in members if n.startswith("audits/")]:
        members[member] = members[member].replace(PHOTO_SHA.encode(), digest.encode())


def test_signed_round_trip_records_the_signer(hq: Path, laptop: tuple[Path, str], signed: Path) -> None:
    with zipfile.ZipFile(signed) as archive:
        assert SIGNATURE_MEMBER in archive.namelist()
        comment = archive.read(SIGNATURE_MEMBER).decode().splitlines()[2]
    assert comment.startswith(f"trusted comment: auditor:{WANG}\tbundle:wang-2026-Q4.zip\taudits:2\tsigned:")
    enrol(hq, laptop[0])
    result = run("import", str(signed), "-w", str(hq), "--who", "hq-ops")
    assert result.exit_code == 0, result.output
    assert "2 imported" in result.output and "not signed" not in result.output
    audits, trails, files = state(hq)
    assert len(audits) == 2 and files == [f"{PHOTO_SHA}.png"]
    for trail in trails:
        (entry,) = trail
        assert (entry.action, entry.who, entry.why) == ("signature_verified", "hq-ops", "import of wang-2026-Q4.zip")
        assert entry.details.startswith(f"signed by auditor 王芳 with key {laptop[1]}; bundle wang-2026-Q4.zip")
    again = run("import", str(signed), "-w", str(hq))  # re-import: unchanged, no second trail row
    assert again.exit_code == 0 and "0 imported, 2 unchanged" in again.output
    assert [len(t) for t in state(hq)[1]] == [1, 1]


@pytest.mark.skipif(shutil.which("minisign") is None and os.environ.get("CI") != "true", reason="needs minisign")
def test_debian_minisign_verifies_an_exported_bundle(laptop: tuple[Path, str], signed: Path, tmp_path: Path) -> None:
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(signed) as archive:
        archive.extractall(unpacked)
    public = laptop[0] / "keys" / "王芳.pub"
    check = ["minisign", "-V", "-p", str(public), "-m", str(unpacked / "manifest.json")]
    result = subprocess.run(check, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"Trusted comment: auditor:{WANG}\tbundle:wang-2026-Q4.zip\taudits:2" in result.stdout
    manifest = unpacked / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("王芳", "李强"), encoding="utf-8")
    assert subprocess.run(check, capture_output=True).returncode != 0


def test_a_changed_manifest_is_refused(hq: Path, laptop: tuple[Path, str], signed: Path) -> None:
    enrol(hq, laptop[0])

    def later_visit(_members: dict[str, bytes], manifest: dict[str, Any]) -> None:
        manifest["audits"][0]["visit"]["start"] = "2026-10-13T09:30:00+08:00"  # the bundle reader cannot tell

    forged = rebuild(signed, "forged.zip", later_visit, rehash=False)
    changed = "does not match manifest.json: the bundle was changed after it was signed"
    refused(hq, forged, changed, "数据包在签名后被修改")


def test_a_changed_evidence_file_is_refused(hq: Path, laptop: tuple[Path, str], signed: Path) -> None:
    enrol(hq, laptop[0])
    forged = rebuild(signed, "forged.zip", swap_photo, rehash=True)  # consistent: only the signature tells
    refused(hq, forged, "the bundle was changed after it was signed", "数据包在签名后被修改")
    # the photo's bytes alone changed: the manifest's sha256 no longer fits (formats/bundle.py), nothing stored
    member = f"evidence/{PHOTO_SHA}.png"

    def overwrite(members: dict[str, bytes], _manifest: dict[str, Any]) -> None:
        members[member] = PHOTO.replace(b"live", b"dead")

    careless = rebuild(signed, "careless.zip", overwrite, rehash=False)
    before = state(hq)
    result = run("import", str(careless), "-w", str(hq))
    assert result.exit_code == 1 and f"{careless} ({member}): wrong sha256" in result.output.replace("\n", " ")
    assert state(hq) == before


def test_a_changed_audit_file_is_refused(hq: Path, laptop: tuple[Path, str], signed: Path) -> None:
    enrol(hq, laptop[0])
    with zipfile.ZipFile(signed) as archive:
        name = next(n for n in archive.namelist() if n.startswith("audits/"))
        body = json.loads(archive.read(name))
    body["answers"]["R03"]["value"] = "yes"  # a failed item turned into a pass

    def pass_it(members: dict[str, bytes], _manifest: dict[str, Any]) -> None:
        members[name] = json.dumps(body, ensure_ascii=False).encode()

    forged = rebuild(signed, "forged.zip", pass_it, rehash=True)
    refused(hq, forged, "the bundle was changed after it was signed")


def test_an_unknown_key_is_refused(hq: Path, laptop: tuple[Path, str], signed: Path) -> None:
    refused(hq, signed, f"signed with key {laptop[1]}, which HQ has not enrolled", f"密钥 {laptop[1]} 尚未在总部登记")


def test_a_revoked_key_is_refused(hq: Path, laptop: tuple[Path, str], signed: Path) -> None:
    enrol(hq, laptop[0])
    assert run("auditors", "revoke", laptop[1], "--why", "laptop stolen", "-w", str(hq)).exit_code == 0
    refused(hq, signed, f"signed with key {laptop[1]} of auditor 王芳, revoked on", "(laptop stolen", "已于")


def test_unsigned_bundles_import_with_a_warning_unless_the_program_requires_signatures(
    hq: Path, laptop: tuple[Path, str], tmp_path: Path, mini_program: Any
) -> None:
    bundle = tmp_path / "unsigned.zip"
    made = export(laptop[0], bundle, "--unsigned")
    assert made.exit_code == 0 and "note: not signed (--unsigned)" in made.output
    with zipfile.ZipFile(bundle) as archive:
        assert SIGNATURE_MEMBER not in archive.namelist()
    with Workspace.open(hq) as ws:
        ws.repo.save_program(dataclasses.replace(mini_program, require_signatures=True))
    refused(hq, bundle, "the bundle is not signed, and the program requires signed bundles", "数据包未签名")
    with Workspace.open(hq) as ws:
        ws.repo.save_program(mini_program)
    allowed = run("import", str(bundle), "-w", str(hq))
    assert allowed.exit_code == 0 and "2 imported" in allowed.output
    assert f"warning: {bundle}: not signed, so who made it cannot be verified" in allowed.output.replace("\n", " ")
    assert all(trail == [] for trail in state(hq)[1])  # no signer to record


def test_a_signer_who_is_not_the_audits_auditor_is_refused(
    hq: Path, laptop: tuple[Path, str], tmp_path: Path, make_audit: Any
) -> None:
    with Workspace.open(laptop[0]) as ws:  # a colleague's audit lands on 王芳's laptop
        ws.repo.save_audit(make_audit(dealer_code="SH002", auditor="李强"))
    several = export(laptop[0], tmp_path / "all.zip")
    assert several.exit_code == 0
    assert "not signed: the audits name several auditors (李强, 王芳)" in several.output.replace("\n", " ")
    own = export(laptop[0], tmp_path / "own.zip", "--auditor", "王芳")
    assert own.exit_code == 0 and "Wrote" in own.output and "2 audit(s)" in own.output
    # signed with 王芳's key while holding 李强's audit (a bundle made outside `export`)
    from dealer_audit.formats.bundle import write_bundle
    from dealer_audit.formats.signing import load_secret_key, sign_manifest

    key = load_secret_key(laptop[0] / "keys" / "王芳.key", PASSPHRASE)
    with Workspace.open(laptop[0]) as ws:
        audits, evidence = ws.repo.list_audits(), ws.evidence_dir
    comment = f"auditor:{WANG}\tbundle:mixed.zip"
    mixed = write_bundle(audits, evidence, tmp_path / "mixed.zip", sign=lambda m: sign_manifest(key, m, comment))
    enrol(hq, laptop[0])
    refused(hq, mixed, "signed by 王芳, but it holds audits made by 李强", "数据包中含有其他稽核员（李强）的稽核")
    assert run("import", str(tmp_path / "own.zip"), "-w", str(hq)).exit_code == 0


def test_export_without_a_key(workspace: Any, make_audit: Any, tmp_path: Path, mini_program: Any) -> None:
    workspace.repo.save_audit(make_audit())
    root = str(workspace.root)
    note = run("export", "--wave", "2026-Q4", "-o", str(tmp_path / "b.zip"), "-w", root)
    assert note.exit_code == 0 and (tmp_path / "b.zip").is_file()
    assert f"not signed: no signing key for auditor 王芳 at {workspace.root / 'keys' / '王芳.key'}" in note.output
    assert "dealer-audit keys init --auditor 王芳" in note.output.replace("\n", " ")
    workspace.repo.save_program(dataclasses.replace(mini_program, require_signatures=True))
    stopped = run("export", "--wave", "2026-Q4", "-o", str(tmp_path / "c.zip"), "-w", root)
    assert stopped.exit_code == 1 and not (tmp_path / "c.zip").exists()
    assert "cannot sign the bundle, and the program requires signatures" in stopped.output.replace("\n", " ")
    unsigned = run("export", "--wave", "2026-Q4", "-o", str(tmp_path / "d.zip"), "-w", root, "--unsigned")
    assert unsigned.exit_code == 1 and "export without --unsigned" in unsigned.output
    in_chinese = run("export", "--wave", "2026-Q4", "-o", str(tmp_path / "d.zip"), "-w", root, "--unsigned",
                     env={"DEALER_AUDIT_LANG": "zh"})  # fmt: skip
    assert in_chinese.exit_code == 1 and "错误：稽核方案要求数据包必须签名" in in_chinese.output


def test_a_wrong_passphrase_stops_the_export(laptop: tuple[Path, str], tmp_path: Path) -> None:
    out = tmp_path / "b.zip"
    result = run("export", "--wave", "2026-Q4", "-o", str(out), "-w", str(laptop[0]), env={ENV_NAME: "wrong"})
    assert result.exit_code == 1 and "wrong passphrase" in result.output and not out.exists()


def test_the_passphrase_is_asked_when_not_in_the_environment(laptop: tuple[Path, str], tmp_path: Path) -> None:
    console.reset_for_tests(200)
    out = tmp_path / "asked.zip"
    args = ["export", "--wave", "2026-Q4", "-o", str(out), "-w", str(laptop[0])]
    result = CliRunner().invoke(app, args, input=f"{PASSPHRASE}\n", env={"DEALER_AUDIT_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert "Passphrase for the secret key / 私钥口令" in result.output and PASSPHRASE not in result.output
    assert f"signed by 王芳 with key {laptop[1]}" in result.output


def test_a_damaged_signature_is_refused(hq: Path, laptop: tuple[Path, str], signed: Path) -> None:
    enrol(hq, laptop[0])

    def scribble(members: dict[str, bytes], _manifest: dict[str, Any]) -> None:
        members[SIGNATURE_MEMBER] = b"untrusted comment: x\nnot base64 at all\n"

    damaged = rebuild(signed, "damaged.zip", scribble, rehash=False)
    refused(hq, damaged, "the signature cannot be read: the signature file is damaged", "无法读取签名：签名文件已损坏")


@pytest.mark.parametrize(("auditor", "stem"), [("east/wang", "east_wang"), ("../../wang", "wang")])
def test_an_auditor_text_with_a_separator_keeps_its_key_inside_keys(
    workspace: Any, make_audit: Any, tmp_path: Path, auditor: str, stem: str
) -> None:
    """`keys init` and `export` name the key file by one rule (a safe file name of the register id): a '/' or '..'
    in the auditor's text neither fails nor writes outside keys/, and the export finds the key it made."""
    workspace.repo.save_audit(make_audit(auditor=auditor))
    root = workspace.root
    workspace.close()
    made = run("keys", "init", "--auditor", auditor, "-w", str(root), env=ENV)
    assert made.exit_code == 0, made.output
    assert sorted(p.name for p in (root / "keys").iterdir()) == [f"{stem}.key", f"{stem}.pub"]
    everywhere = {p for suffix in ("*.key", "*.pub") for p in root.parent.rglob(suffix)}
    assert everywhere - {root / "form.key"} == {root / "keys" / f"{stem}.key", root / "keys" / f"{stem}.pub"}
    result = run("export", "--wave", "2026-Q4", "-o", str(tmp_path / "b.zip"), "-w", str(root), env=ENV)
    assert result.exit_code == 0, result.output
    assert f"signed by {auditor} with key {made.output.split()[1]}" in result.output


def test_an_import_run_reads_the_register_and_settings_once_and_sniffs_each_file_once(
    hq: Path, laptop: tuple[Path, str], signed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three signed bundles in one run: the auditor register and the programs (signature and register settings)
    are read once for the run, not per bundle, and each file's content is sniffed once."""
    from dealer_audit.formats import bundle as bundle_format
    from dealer_audit.services.importing import import_paths
    from dealer_audit.storage.repository import Repository

    enrol(hq, laptop[0])
    folder = tmp_path / "incoming"
    folder.mkdir()
    for n in range(3):
        shutil.copyfile(signed, folder / f"copy-{n}.zip")
    calls: dict[str, int] = {"list_auditors": 0, "list_programs": 0, "is_bundle": 0}

    def counted(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)

        return call

    for name in ("list_auditors", "list_programs"):
        monkeypatch.setattr(Repository, name, counted(name, getattr(Repository, name)))
    monkeypatch.setattr(bundle_format, "is_bundle", counted("is_bundle", bundle_format.is_bundle))
    with Workspace.open(hq) as ws:
        summary = import_paths(ws, [folder], who="hq")
    assert summary.ok and [len(f.created) for f in summary.files] == [2, 0, 0]
    assert calls == {"list_auditors": 1, "list_programs": 1, "is_bundle": 3}


def test_a_key_made_before_the_register_is_still_found_after_it(laptop: tuple[Path, str], tmp_path: Path) -> None:
    """王芳 made her key when her laptop had no register (keys/王芳.key); once the register maps her to an id, the
    export still signs with that key instead of looking for keys/<id>.key and refusing."""
    root, key_id = laptop
    register = tmp_path / "auditors.csv"
    register.write_text("id,name_zh,home_region\nwang,王芳,east\n", encoding="utf-8")
    assert run("auditors", "import", str(register), "-w", str(root)).exit_code == 0
    result = export(root, tmp_path / "after-register.zip")
    assert result.exit_code == 0, result.output
    assert f"signed by 王芳 with key {key_id}" in result.output

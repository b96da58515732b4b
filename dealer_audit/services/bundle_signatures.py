"""Signed bundles: the auditor's laptop signs what it exports, HQ checks whose signature it is before importing.

Why a module of its own: the rules of who may sign and what HQ accepts are one policy, used by `export`, by
`import` (a small hook in services/importing.py) and by the demo; the key format itself is formats/signing.py.

**Export.** The signing key is the workspace's `keys/<auditor>.key`, as `dealer-audit keys init` wrote it. The
auditor is the one `--auditor` names, else the one all exported audits name. The trusted comment (signed with
the manifest, printed by `minisign -V`) names the auditor, the bundle file, the number of audits and the time.
Without a key the bundle goes out unsigned with a note saying why, unless a stored program requires signatures:
then export stops, since HQ would refuse the bundle anyway.

**Import.** A signed bundle is always checked, whatever the program says: the key must be enrolled
(`auditors enrol`) and not revoked, the signature must match the manifest byte for byte (the manifest holds
every other member's sha256, which formats/bundle.read_bundle has checked, so a change to any evidence or audit
file shows too), the trusted comment must name the key's own auditor, and every audit must name that auditor.
A revoked key is refused for every bundle imported after the revocation, whatever date the bundle claims: the
date is written by whoever holds the key, so a thief could backdate it. The auditor exports again with a new key.
An unsigned bundle is refused when any stored program says `signatures: {required: true}` (the stricter program
wins), else it imports with a warning. Every refusal is one ValidationFailed naming the bundle, in en and zh,
raised before anything is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from dealer_audit.core.answers import Audit
from dealer_audit.core.auditor_lookup import AuditorRegister
from dealer_audit.core.report_model import safe_file_stem
from dealer_audit.core.standard import Program
from dealer_audit.errors import ConfigurationError, Location, Message, NotFound, Problem, ValidationFailed
from dealer_audit.formats.bundle import Bundle
from dealer_audit.formats.signing import (
    SIGNATURE_MEMBER,
    KeyFiles,
    SignatureError,
    SignatureMismatch,
    comment_text,
    comment_value,
    key_id_of,
    load_secret_key,
    sign_manifest,
    signature_key_id,
    verify_manifest,
)
from dealer_audit.storage.repository import Repository
from dealer_audit.storage.workspace import Workspace

KEYS_FOLDER = "keys"
PASSPHRASE_ENV = "DEALER_AUDIT_KEY_PASSPHRASE"
TRAIL_ACTION = "signature_verified"  # the audit-trail row of an audit that came in a verified bundle
_FIELD = re.compile(r"([a-z]+):([^\t]*)")


def keys_folder(workspace: Workspace) -> Path:
    """Where `keys init` writes the auditor's key pair: the workspace folder's keys/ (a laptop has a folder)."""
    if workspace.root is None:
        raise ConfigurationError(
            "signing keys live in a workspace folder (keys/): give --workspace",
            zh="签名密钥保存在工作区文件夹的 keys/ 中：请用 --workspace 指定工作区",
        )
    return workspace.root / KEYS_FOLDER


def key_files(workspace: Workspace, auditor: str) -> KeyFiles:
    """The auditor's key pair in the workspace's keys/ (`<id>.key`, `<id>.pub`): the one place their path is made,
    for `keys init` and for export alike. The name is the register id the text names (the text itself when the
    register does not know it), made a safe file name (report_model.safe_file_stem): an auditor text holding '/'
    or '..' never points outside keys/."""
    stem = safe_file_stem(AuditorRegister(workspace.repo.list_auditors()).key(auditor), fallback="auditor")
    folder = keys_folder(workspace)
    as_typed = safe_file_stem(auditor, fallback="auditor")
    if not (folder / f"{stem}.key").exists() and (folder / f"{as_typed}.key").exists():
        stem = as_typed  # made under the typed name before the register that maps it to an id was loaded
    return KeyFiles(folder / f"{stem}.key", folder / f"{stem}.pub")


# ---- export ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSigner:
    """How one export is signed: the key's id and auditor, and `sign(manifest bytes) -> .minisig bytes`."""

    auditor: str
    key_id: str
    sign: Callable[[bytes], bytes]


@dataclass(frozen=True)
class SigningPlan:
    """What an export does about signing: a signer, or none and the note that tells the auditor why."""

    signer: ExportSigner | None
    note: str | Message = ""


def trusted_comment(auditor: str, bundle_name: str, audits: int, signed_at: str) -> str:
    """The signed comment, tab-separated `key:value` fields as minisign's own (`timestamp:… file:…`); names
    outside ASCII are percent-encoded (formats/signing.comment_text), as minisign's comments are ASCII."""
    who, name = comment_text(auditor), comment_text(bundle_name)
    return f"auditor:{who}\tbundle:{name}\taudits:{audits}\tsigned:{signed_at}"


def comment_fields(comment: str) -> dict[str, str]:
    """The fields of a trusted comment, decoded (`trusted_comment`'s inverse; unknown text is ignored)."""
    found = (m.groups() for m in map(_FIELD.fullmatch, comment.split("\t")) if m)
    return {key: comment_value(value) for key, value in found}


def signatures_required(repo: Repository) -> bool:
    """True when any stored program requires signed bundles (a safety setting: the stricter program wins)."""
    return requires_signatures(repo.list_programs())


def requires_signatures(programs: Iterable[Program]) -> bool:
    """`signatures_required` of programs already read (an import run reads them once)."""
    return any(program.require_signatures for program in programs)


def plan_signing(
    workspace: Workspace,
    audits: Sequence[Audit],
    bundle: Path,
    auditor: str | None,
    unsigned: bool,
    passphrase: Callable[[], str],
) -> SigningPlan:
    """Decide how the bundle of `audits` is signed; ConfigurationError when it must be signed and cannot be.

    `passphrase` is asked only once a key file is found (the CLI reads the environment or prompts).
    """
    required = signatures_required(workspace.repo)
    if unsigned:
        if required:
            raise ConfigurationError(
                "the program requires signed bundles: export without --unsigned",
                zh="稽核方案要求数据包必须签名：请去掉 --unsigned 后再导出",
            )
        return SigningPlan(
            None,
            Message(
                "not signed (--unsigned): HQ cannot verify who made this bundle",
                "未签名（--unsigned）：总部无法核实数据包是谁制作的",
            ),
        )
    names = sorted({a.auditor for a in audits})
    who = auditor or (names[0] if len(names) == 1 else "")
    if not who:
        reason = (
            f"the audits name several auditors ({', '.join(names)}); export one auditor's audits with --auditor ID"
            if names
            else "the audits name no auditor; give --auditor ID"
        )
        reason_zh = (
            f"这些稽核涉及多名稽核员（{', '.join(names)}）：请用 --auditor ID 只导出一名稽核员的稽核"
            if names
            else "这些稽核没有填写稽核员：请用 --auditor ID 指定"
        )
        return _unsigned(required, reason, reason_zh)
    secret = key_files(workspace, who).secret_key if workspace.root is not None else None
    if secret is None or not secret.is_file():
        where = str(secret) if secret is not None else "keys/ (no workspace folder)"
        return _unsigned(
            required,
            f"no signing key for auditor {who} at {where}: make one with `dealer-audit keys init --auditor {who}` "
            "and send the .pub file to HQ to enrol",
            f"在 {where} 找不到稽核员 {who} 的签名密钥：请用 `dealer-audit keys init --auditor {who}` 生成，"
            "并把 .pub 文件发给总部登记",
        )
    key = load_secret_key(secret, passphrase())
    key_id = key_id_of(key.get_public_key().to_base64().decode("ascii"))
    signed_at = datetime.now(UTC).isoformat(timespec="seconds")
    comment = trusted_comment(who, bundle.name, len(audits), signed_at)
    return SigningPlan(ExportSigner(who, key_id, lambda manifest: sign_manifest(key, manifest, comment)))


def _unsigned(required: bool, reason: str, reason_zh: str) -> SigningPlan:
    if required:
        raise ConfigurationError(
            f"cannot sign the bundle, and the program requires signatures: {reason}",
            zh=f"无法为数据包签名，而稽核方案要求签名：{reason_zh}",
        )
    return SigningPlan(None, Message(f"not signed: {reason}", f"未签名：{reason_zh}"))


def check_export_auditor(audits: Sequence[Audit], auditor: str, register: AuditorRegister | None = None) -> list[Audit]:
    """The audits of `auditor` (a bundle is one auditor's work); NotFound when none of them is theirs. With the
    laptop's register, an audit naming the auditor by id or by name is theirs (core/auditor_lookup.py)."""
    known = register or AuditorRegister()
    own = [a for a in audits if known.same(a.auditor, auditor)]
    if not own:
        names = ", ".join(sorted({a.auditor for a in audits}))
        raise NotFound(
            f"none of the selected audits was made by {auditor} (they name: {names})",
            zh=f"选中的稽核中没有稽核员 {auditor} 的稽核（其中的稽核员：{names}）",
        )
    return own


# ---- import ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    """Who signed a bundle HQ accepted: the enrolled key and its auditor, and what the signature says."""

    key_id: str
    auditor: str
    trusted_comment: str

    def trail_details(self) -> str:
        """What the audit trail keeps of the signer (AuditTrailRow.details)."""
        signed = comment_fields(self.trusted_comment)
        extra = "".join(f"; {key} {signed[key]}" for key in ("bundle", "signed") if signed.get(key))
        return f"signed by auditor {self.auditor} with key {self.key_id}{extra}"


def check_bundle_signature(
    repo: Repository, bundle: Bundle, register: AuditorRegister | None = None, required: bool | None = None
) -> tuple[Signer | None, list[Message]]:
    """The bundle's verified signer (None: unsigned and allowed) and warnings; ValidationFailed when refused.

    `register` (the auditor register) and `required` (`signatures_required`) are read from `repo` when not given;
    an import run passes its own, read once for all its bundles."""
    path = str(bundle.path)
    if bundle.signature is None:
        if required is None:
            required = signatures_required(repo)
        if required:
            _refuse(
                path,
                "the bundle is not signed, and the program requires signed bundles",
                "数据包未签名，而稽核方案要求签名",
                "the auditor makes a key with `dealer-audit keys init`, HQ enrols it, the auditor exports again",
                "请稽核员用 `dealer-audit keys init` 生成密钥，总部登记后，稽核员重新导出",
            )
        return None, [
            Message(
                f"{path}: not signed, so who made it cannot be verified (the program allows it)",
                f"{path}：数据包未签名，无法核实是谁制作的（稽核方案允许未签名）",
            )
        ]
    try:
        key_id = signature_key_id(bundle.signature)
    except SignatureError as error:
        _refuse(path, f"the signature cannot be read: {error}", f"无法读取签名：{error.text('zh')}")
    enrolled = repo.find_key(key_id)
    if enrolled is None:
        _refuse(
            path,
            f"signed with key {key_id}, which HQ has not enrolled",
            f"签名所用的密钥 {key_id} 尚未在总部登记",
            "enrol the auditor's .pub file with `dealer-audit auditors enrol AUDITOR FILE`, then import again",
            "请用 `dealer-audit auditors enrol AUDITOR FILE` 登记稽核员的 .pub 文件，然后重新导入",
        )
    if enrolled.revoked:
        why = f" ({enrolled.revoked_why})" if enrolled.revoked_why else ""
        _refuse(
            path,
            f"signed with key {key_id} of auditor {enrolled.auditor_id}, revoked on {enrolled.revoked_at}{why}",
            f"签名所用的密钥 {key_id}（稽核员 {enrolled.auditor_id}）已于 {enrolled.revoked_at} 吊销{why}",
            "the auditor makes a new key with `dealer-audit keys init`, HQ enrols it, the auditor exports again",
            "请稽核员用 `dealer-audit keys init` 生成新密钥，总部登记后，稽核员重新导出",
        )
    try:
        check = verify_manifest(enrolled.public_key, bundle.manifest_bytes, bundle.signature)
    except SignatureMismatch:
        _refuse(
            path,
            f"the signature of key {key_id} ({enrolled.auditor_id}) does not match manifest.json: "
            "the bundle was changed after it was signed",
            f"密钥 {key_id}（{enrolled.auditor_id}）的签名与 manifest.json 不符：数据包在签名后被修改过",
            "ask the auditor for the bundle again",
            "请稽核员重新发送数据包",
        )
    except SignatureError as error:  # the enrolled key or the signature file cannot be read: not a tampering
        _refuse(
            path,
            f"key {key_id} ({enrolled.auditor_id}) or the signature cannot be read: {error}",
            f"无法读取密钥 {key_id}（{enrolled.auditor_id}）或签名：{error.text('zh')}",
            "check the enrolled .pub file (`dealer-audit auditors enrol` it again), then import again",
            "请检查登记的 .pub 文件（用 `dealer-audit auditors enrol` 重新登记），然后重新导入",
        )
    register = AuditorRegister(repo.list_auditors()) if register is None else register
    signed_as = comment_fields(check.trusted_comment).get("auditor", "")
    if register.key(signed_as) != enrolled.auditor_id:
        _refuse(
            path,
            f"signed as auditor {signed_as or '(none)'}, but key {key_id} is enrolled for {enrolled.auditor_id}",
            f"签名中的稽核员为 {signed_as or '（无）'}，但密钥 {key_id} 登记的稽核员是 {enrolled.auditor_id}",
        )
    others = sorted(
        {a.auditor or "(no auditor)" for a in bundle.audits if register.key(a.auditor) != enrolled.auditor_id}
    )
    if others:
        _refuse(
            path,
            f"signed by {enrolled.auditor_id}, but it holds audits made by {', '.join(others)}",
            f"签名人为 {enrolled.auditor_id}，但数据包中含有其他稽核员（{', '.join(others)}）的稽核",
            "each auditor exports and signs their own audits",
            "每名稽核员只导出并签署自己的稽核",
        )
    return Signer(key_id, enrolled.auditor_id, check.trusted_comment), []


def _refuse(path: str, reason: str, reason_zh: str, hint: str = "", hint_zh: str = "") -> NoReturn:
    where = Location(file=path, path=SIGNATURE_MEMBER)
    raise ValidationFailed(
        [Problem(where, reason, "signature", hint=hint, zh=reason_zh, hint_zh=hint_zh)],
        f"{path}: signature refused, nothing imported",
        summary_zh=f"{path}：签名校验未通过，未导入任何内容",
    )

"""Audit bundles: how audits travel from an auditor's laptop to HQ (a zip that proves its own integrity).

Layout::

    manifest.json             what is inside: format version, each audit (standard id/version/hash, auditor,
                              visit times), and every other member with its sha256 and size
    audits/<uuid>.json        one audit file each (formats/audit_json.py)
    evidence/<sha256><.ext>   evidence files, named by their content hash
    manifest.json.minisig     optional: the auditor's minisign signature of manifest.json (formats/signing.py);
                              the one member the manifest cannot list, since it signs the manifest

`read_bundle` trusts nothing: a member whose path escapes the bundle (``../``, absolute, drive letters,
backslashes, links), a member missing from the zip or present but not in the manifest, a wrong hash or size,
an oversized member or bundle, a malformed manifest, an unknown format version, an audit that disagrees with
its manifest entry, or evidence an audit cites but the bundle lacks — each is a Problem naming the bundle and
the member, all raised together as one ValidationFailed, before anything is stored anywhere. The signature is
only carried (with the exact manifest bytes it signs) on the `Bundle`: whether it is valid and whose it is
needs the enrolled keys, which services/bundle_signatures.py checks.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from dealer_audit.core.answers import Audit
from dealer_audit.core.audit_form import audit_to_dict
from dealer_audit.errors import Location, Message, NotFound, Problem, ProblemCollector, ValidationFailed
from dealer_audit.formats.audit_json import audit_from_json
from dealer_audit.formats.files import write_atomically
from dealer_audit.formats.json_input import parse_json
from dealer_audit.formats.signing import SIGNATURE_MEMBER

FORMAT = "dealer-audit/bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MEMBER_BYTES = 50 * 1024 * 1024  # one photo or clip; larger is a mistake or an attack
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024  # a whole wave of one auditor, photos included
MAX_MANIFEST_BYTES = 10 * 1024 * 1024
MAX_SIGNATURE_BYTES = 4096  # a .minisig is about 300 bytes, its trusted comment included
MAX_MEMBERS = 100_000
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Member:
    """A verified file of the bundle (name inside the zip, sha256, size; media type for evidence)."""

    name: str
    sha256: str
    size: int
    media_type: str = ""


@dataclass(frozen=True)
class Bundle:
    """A verified bundle: its audits (with the standard hash from the manifest) and evidence members."""

    path: Path
    format_version: int
    created_at: str
    created_by: str
    audits: tuple[Audit, ...]
    evidence: tuple[Member, ...]
    manifest_bytes: bytes = b""  # exactly as in the zip: what a signature signs
    signature: bytes | None = None  # the manifest.json.minisig member, unchecked (None: the bundle is unsigned)

    def evidence_by_sha256(self) -> dict[str, Member]:
        return {m.sha256: m for m in self.evidence}

    def read_member(self, member: Member) -> bytes:
        """The bytes of a member, re-checked against its hash (the file may have changed since reading)."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                data = _read_limited(archive, archive.getinfo(member.name), member.size)
        except (_CorruptMember, zipfile.BadZipFile, KeyError, OSError):
            data = None
        if data is None or hashlib.sha256(data).hexdigest() != member.sha256:
            raise ValidationFailed(
                [
                    Problem(
                        Location(file=str(self.path), path=member.name),
                        "changed since it was verified",
                        zh="校验之后文件被改动过",
                    )
                ],
                f"{self.path}: bundle changed while importing",
                summary_zh=f"{self.path}：导入过程中数据包被改动",
            )
        return data


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def evidence_member_name(sha256: str, file_name: str) -> str:
    suffix = PurePosixPath(file_name).suffix.lower()
    safe = suffix if suffix[1:].isalnum() and suffix.isascii() and len(suffix) <= 10 else ""
    return f"evidence/{sha256}{safe}"


def _find_evidence(evidence_dir: Path, sha256: str) -> Path | None:
    """The stored file with this hash: a regular file (not a link) directly inside `evidence_dir`, so an export
    can never ship a file from elsewhere on the machine, whatever a reference or the store's folder holds."""
    if not _SHA256.match(sha256):
        return None
    for candidate in sorted(evidence_dir.glob(f"{sha256}*")):
        if candidate.is_symlink() or not candidate.is_file():
            continue
        if candidate.name == sha256 or candidate.name.startswith(f"{sha256}."):
            return candidate
    return None


def write_bundle(
    audits: Sequence[Audit],
    evidence_dir: Path,
    path: Path,
    created_by: str = "",
    exported_at: str | None = None,
    sign: Callable[[bytes], bytes] | None = None,
) -> Path:
    """Write audits and the evidence they cite (looked up by sha256 in `evidence_dir`) into a bundle zip.

    Refuses (NotFound) when an audit cites evidence the store lacks, so a bundle is never silently incomplete.
    The zip is written to a temporary file and renamed, so an interrupted export leaves no half bundle.
    `sign` turns the manifest's exact bytes into a `.minisig` (services/bundle_signatures.py), written beside it.
    """
    if not audits:
        raise NotFound("nothing to export: no audits selected", zh="没有可导出的内容：未选中任何稽核")
    from dealer_audit import __version__

    members: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    payloads: list[tuple[str, bytes | Path]] = []
    seen_evidence: set[str] = set()
    missing: list[Problem] = []
    for audit in sorted(audits, key=lambda a: a.audit_id):
        data = audit_to_dict(audit)
        body = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        name = f"audits/{audit.audit_id}.json"
        payloads.append((name, body))
        members.append({"name": name, "sha256": hashlib.sha256(body).hexdigest(), "size": len(body)})
        entries.append(
            {
                "audit_id": audit.audit_id,
                "member": name,
                "dealer": audit.dealer_code,
                "standard": {"id": audit.standard_id, "version": audit.standard_version, "hash": audit.standard_hash},
                "wave": audit.wave,
                "auditor": audit.auditor,
                "status": audit.status.value,
                "revision": audit.revision,
                "visit": {
                    "start": audit.visit_start.isoformat() if audit.visit_start else None,
                    "end": audit.visit_end.isoformat() if audit.visit_end else None,
                },
            }
        )
        for answer in audit.answers.values():
            for ref in answer.evidence:
                if not ref.sha256 or ref.sha256 in seen_evidence:
                    continue
                source = _find_evidence(evidence_dir, ref.sha256)
                if source is None:
                    missing.append(
                        Problem(
                            Location(file=str(evidence_dir), path=f"audit {audit.audit_id} {answer.item_id}"),
                            f"evidence {ref.file_name} (sha256 {ref.sha256[:12]}…) is not in the evidence store",
                            zh=f"证据文件 {ref.file_name}（sha256 {ref.sha256[:12]}…）不在证据库中",
                        )
                    )
                    continue
                seen_evidence.add(ref.sha256)
                size = source.stat().st_size
                member = evidence_member_name(ref.sha256, ref.file_name)
                payloads.append((member, source))
                members.append({"name": member, "sha256": ref.sha256, "size": size, "media_type": ref.media_type or ""})
    if missing:
        raise ValidationFailed(
            missing, f"cannot export {path}: evidence files are missing", summary_zh=f"无法导出 {path}：缺少证据文件"
        )
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": exported_at or _now(),
        "created_by": created_by or f"dealer-audit {__version__}",
        "audits": entries,
        "members": members,
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    signature = sign(manifest_bytes) if sign is not None else None

    def write_zip(temp: Path) -> None:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, manifest_bytes)
            if signature is not None:
                archive.writestr(SIGNATURE_MEMBER, signature)
            for name, payload in payloads:
                if isinstance(payload, Path):
                    digest = hashlib.sha256(payload.read_bytes()).hexdigest()
                    if digest != name.split("/")[1][:64]:
                        raise ValidationFailed(
                            [
                                Problem(
                                    Location(file=str(payload)),
                                    f"evidence file is corrupt (sha256 {digest[:12]}…)",
                                    zh=f"证据文件已损坏（sha256 {digest[:12]}…）",
                                )
                            ]
                        )
                    archive.write(payload, name, compress_type=zipfile.ZIP_STORED)  # photos do not deflate
                else:
                    archive.writestr(name, payload)

    write_atomically(path, write_zip)  # an ordinary file's permissions, never half a zip under the bundle's name
    return path


# ---- reading -------------------------------------------------------------------------------------------------


def _unsafe_name_reason(name: str) -> Message | None:
    """Why a member name is refused (None when it is a plain relative path inside the bundle)."""
    if not name:
        return Message("empty member name", "成员文件名为空")
    if "\\" in name:
        return Message("backslash in member path", "成员文件路径中含有反斜杠")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return Message("absolute member path escapes the bundle", "成员文件使用了绝对路径，会跳出数据包")
    parts = name.split("/")
    if any(p in ("..", ".") for p in parts) or "" in parts[:-1]:
        return Message("member path escapes its folder", "成员文件路径跳出了所在文件夹")
    if "\x00" in name or any(ord(c) < 32 for c in name):
        return Message("control character in member path", "成员文件路径中含有控制字符")
    return None


class _CorruptMember(Exception):
    """A member zipfile cannot decompress (bad CRC, truncated data, encryption, unknown compression)."""


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """Read a member, giving up (None) past `limit` bytes whatever its header claims (zip bombs)."""
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as handle:
            while True:
                block = handle.read(1 << 20)
                if not block:
                    break
                total += len(block)
                if total > limit:
                    return None
                chunks.append(block)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as error:
        raise _CorruptMember(str(error) or type(error).__name__) from None
    return b"".join(chunks)


def _inside_bundle(bundle_name: str, member: str, failure: ValidationFailed) -> list[Problem]:
    """A member's problems located at the bundle: ``bundle.zip (audits/x.json answers.R01)`` or ``… line 3``."""
    located = []
    for problem in failure.problems:
        where = problem.location
        detail = where.path or (f"line {where.line}" if where.line is not None else "")
        located.append(replace(problem, location=Location(file=bundle_name, path=f"{member} {detail}".strip())))
    return located


def _manifest_members(
    manifest: dict[str, Any], problems: ProblemCollector, where: Any
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    members: dict[str, dict[str, Any]] = {}
    raw_members = manifest.get("members")
    if not isinstance(raw_members, list):
        problems.error(where(MANIFEST), "manifest 'members' must be a list", zh="清单中的 members 必须是列表")
        raw_members = []
    for index, entry in enumerate(raw_members):
        label = f"{MANIFEST} members[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            problems.error(where(label), "a member needs a 'name'", zh="每个成员文件都需要 name")
            continue
        name = entry["name"]
        if not isinstance(entry.get("sha256"), str) or not _SHA256.match(entry["sha256"]):
            problems.error(
                where(name), "manifest gives no valid sha256 for this member", zh="清单中没有该成员文件的有效 sha256"
            )
            continue
        size = entry.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            problems.error(
                where(name), "manifest gives no valid size for this member", zh="清单中没有该成员文件的有效大小"
            )
            continue
        if name in members or name == MANIFEST:
            problems.error(where(name), "member listed twice in the manifest", zh="该成员文件在清单中列出了两次")
            continue
        if name == SIGNATURE_MEMBER:
            problems.error(
                where(name),
                "the signature cannot be listed in the manifest it signs",
                zh="签名文件不能列在它所签署的清单中",
            )
            continue
        members[name] = entry
    raw_audits = manifest.get("audits")
    if not isinstance(raw_audits, list) or not raw_audits:
        problems.error(
            where(MANIFEST), "manifest 'audits' must list at least one audit", zh="清单中的 audits 至少要列出一份稽核"
        )
        raw_audits = []
    audits = []
    for index, entry in enumerate(raw_audits):
        if not isinstance(entry, dict) or not isinstance(entry.get("member"), str):
            problems.error(
                where(f"{MANIFEST} audits[{index}]"),
                "an audit entry needs 'audit_id' and 'member'",
                zh="每条稽核记录都需要 audit_id 和 member",
            )
            continue
        audits.append(entry)
    return members, audits


def read_bundle(path: Path, max_member_bytes: int = MAX_MEMBER_BYTES, max_total_bytes: int = MAX_TOTAL_BYTES) -> Bundle:
    """Open and verify a bundle completely; raise ValidationFailed listing every problem (bundle + member)."""
    bundle_name = str(path)
    problems = ProblemCollector()

    def where(member: str) -> Location:
        return Location(file=bundle_name, path=member)

    def fail(summary: str, summary_zh: str) -> ValidationFailed:
        return ValidationFailed(
            problems.problems, f"{bundle_name}: {summary}", summary_zh=f"{bundle_name}：{summary_zh}"
        )

    if not path.is_file():
        raise NotFound(f"no bundle {path}", zh=f"找不到数据包 {path}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        problems.error(
            Location(file=bundle_name), f"not a readable zip file: {error}", zh=f"不是可读取的 zip 文件：{error}"
        )
        raise fail("not a bundle", "不是数据包") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            problems.error(
                Location(file=bundle_name),
                f"{len(infos)} members; at most {MAX_MEMBERS} are accepted",
                zh=f"包含 {len(infos)} 个成员文件，最多接受 {MAX_MEMBERS} 个",
            )
            raise fail("refused", "已拒绝")
        by_name: dict[str, zipfile.ZipInfo] = {}
        declared_total = 0
        for info in infos:
            name = info.filename
            reason = _unsafe_name_reason(name)
            mode = info.external_attr >> 16
            if reason:
                problems.error(where(name), reason.en, zh=reason.zh)
            elif stat.S_ISLNK(mode):
                problems.error(where(name), "symbolic link in bundle", zh="数据包中含有符号链接")
            elif info.is_dir():
                continue
            elif name in by_name:
                problems.error(where(name), "member appears twice in the zip", zh="该成员文件在 zip 中出现了两次")
            elif info.file_size > (limit := _member_limit(name, max_member_bytes)):
                problems.error(
                    where(name),
                    f"member is {info.file_size:,} bytes; the limit is {limit:,}",
                    zh=f"成员文件有 {info.file_size:,} 字节，上限为 {limit:,} 字节",
                )
            else:
                by_name[name] = info
                declared_total += info.file_size
        if declared_total > max_total_bytes:
            problems.error(
                Location(file=bundle_name),
                f"bundle unpacks to {declared_total:,} bytes; the limit is {max_total_bytes:,}",
                zh=f"数据包解压后有 {declared_total:,} 字节，上限为 {max_total_bytes:,} 字节",
            )
        if problems.has_errors:
            raise fail("unsafe or oversized bundle, nothing imported", "数据包不安全或过大，未导入任何数据")

        # the manifest
        if MANIFEST not in by_name:
            problems.error(
                where(MANIFEST), "missing: not a dealer-audit bundle", zh="缺少清单文件：这不是 dealer-audit 数据包"
            )
            raise fail("no manifest", "缺少清单文件")
        try:
            raw = _read_limited(archive, by_name[MANIFEST], MAX_MANIFEST_BYTES)
        except _CorruptMember as error:
            problems.error(where(MANIFEST), f"corrupt member: {error}", zh=f"成员文件已损坏：{error}")
            raise fail("bad manifest", "清单文件有误") from None
        try:
            manifest = parse_json(raw or b"", MANIFEST)
        except ValidationFailed as failure:
            problems.extend(_inside_bundle(bundle_name, MANIFEST, failure))
            raise fail("bad manifest", "清单文件有误") from None
        if not isinstance(manifest, dict):
            problems.error(where(MANIFEST), "must be a JSON object", zh="必须是一个 JSON 对象")
            raise fail("bad manifest", "清单文件有误")
        if manifest.get("format") != FORMAT:
            problems.error(
                where(MANIFEST),
                f"format must be {FORMAT!r}, got {manifest.get('format')!r}",
                zh=f"format 应为 {FORMAT!r}，实际为 {manifest.get('format')!r}",
            )
        version = manifest.get("format_version")
        if version != FORMAT_VERSION:
            newer = isinstance(version, int) and version > FORMAT_VERSION
            problems.error(
                where(MANIFEST),
                f"unknown bundle format version {version!r} (this dealer-audit reads version {FORMAT_VERSION})",
                hint="upgrade dealer-audit" if newer else "",
                zh=f"未知的数据包格式版本 {version!r}（本工具读取版本 {FORMAT_VERSION}）",
                hint_zh="请升级 dealer-audit" if newer else "",
            )
        if problems.has_errors:
            raise fail("bad manifest", "清单文件有误")
        declared, audit_entries = _manifest_members(manifest, problems, where)

        # members: exactly those declared, each with the declared size and hash
        for name in sorted(set(declared) - set(by_name)):
            problems.error(
                where(name),
                "listed in the manifest but missing from the bundle",
                zh="清单中列出了该文件，但数据包中没有",
            )
        for name in sorted(set(by_name) - set(declared) - {MANIFEST, SIGNATURE_MEMBER}):
            problems.error(where(name), "extra file not listed in the manifest", zh="多余的文件，清单中没有列出")
        signature = _read_signature(archive, by_name.get(SIGNATURE_MEMBER), problems, where)
        contents: dict[str, bytes] = {}
        for name in sorted(set(declared) & set(by_name)):
            entry = declared[name]
            try:
                data = _read_limited(archive, by_name[name], max_member_bytes)
            except _CorruptMember as error:
                problems.error(where(name), f"corrupt member: {error}", zh=f"成员文件已损坏：{error}")
                continue
            if data is None:
                problems.error(
                    where(name),
                    f"member is larger than the limit of {max_member_bytes:,} bytes",
                    zh=f"成员文件超过 {max_member_bytes:,} 字节的上限",
                )
                continue
            if len(data) != entry["size"]:
                problems.error(
                    where(name),
                    f"size is {len(data):,} bytes, the manifest says {entry['size']:,}",
                    zh=f"大小为 {len(data):,} 字节，清单中为 {entry['size']:,} 字节",
                )
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest != entry["sha256"]:
                problems.error(
                    where(name),
                    f"wrong sha256: {digest[:12]}…, the manifest says {entry['sha256'][:12]}…",
                    zh=f"sha256 不符：实际为 {digest[:12]}…，清单中为 {entry['sha256'][:12]}…",
                )
                continue
            if name.startswith("audits/"):
                contents[name] = data
            elif name.startswith("evidence/") and entry["sha256"] != name.split("/", 1)[1][:64]:
                problems.error(
                    where(name), "evidence member is not named by its sha256", zh="证据文件没有以其 sha256 命名"
                )
            elif not name.startswith(("audits/", "evidence/")):
                problems.error(
                    where(name),
                    "unexpected member outside audits/ and evidence/",
                    zh="audits/ 和 evidence/ 之外出现了意外的文件",
                )

        # audits: each parses and agrees with its manifest entry
        audits: list[Audit] = []
        audit_members = {e["member"] for e in audit_entries}
        for name in sorted(n for n in declared if n.startswith("audits/") and n not in audit_members):
            problems.error(
                where(name),
                "audit file not listed under the manifest's 'audits'",
                zh="该稽核文件未列在清单的 audits 中",
            )
        for entry in audit_entries:
            name = entry["member"]
            if name not in declared:
                problems.error(
                    where(name),
                    "manifest audit entry names a member that is not listed",
                    zh="清单中的稽核记录指向了一个未列出的成员文件",
                )
                continue
            if name not in contents:
                continue  # already reported
            try:
                audit = audit_from_json(parse_json(contents[name], name), source=f"{bundle_name}!{name}")
            except ValidationFailed as failure:
                problems.extend(_inside_bundle(bundle_name, name, failure))
                continue
            raw_standard = entry.get("standard")
            standard: dict[str, Any] = raw_standard if isinstance(raw_standard, dict) else {}
            claimed = {
                "audit_id": entry.get("audit_id"),
                "dealer": entry.get("dealer"),
                "standard id": standard.get("id"),
                "standard version": standard.get("version"),
            }
            actual = {
                "audit_id": audit.audit_id,
                "dealer": audit.dealer_code,
                "standard id": audit.standard_id,
                "standard version": audit.standard_version,
            }
            for key, value in claimed.items():
                if value != actual[key]:
                    problems.error(
                        where(name),
                        f"{key} is {actual[key]!r} but the manifest says {value!r}",
                        zh=f"{_CLAIM_ZH[key]}为 {actual[key]!r}，但清单中为 {value!r}",
                    )
            manifest_hash = standard.get("hash") or ""
            if audit.standard_hash and manifest_hash and audit.standard_hash != manifest_hash:
                problems.error(
                    where(name), "standard hash differs from the manifest's", zh="标准哈希值与清单中的不一致"
                )
            if manifest_hash and not audit.standard_hash:
                audit = replace(audit, standard_hash=manifest_hash)
            audits.append(audit)
        ids = [a.audit_id for a in audits]
        for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
            problems.error(
                where(MANIFEST), f"audit {duplicate} appears more than once", zh=f"稽核 {duplicate} 出现了不止一次"
            )

        # evidence: everything cited is present
        evidence = tuple(
            Member(name, e["sha256"], e["size"], str(e.get("media_type") or ""))
            for name, e in sorted(declared.items())
            if name.startswith("evidence/")
        )
        present = {m.sha256 for m in evidence}
        for audit in audits:
            for answer in audit.answers.values():
                for ref in answer.evidence:
                    if ref.sha256 and ref.sha256 not in present:
                        problems.error(
                            where(f"audits/{audit.audit_id}.json answers.{answer.item_id}"),
                            f"cites evidence {ref.file_name} (sha256 {ref.sha256[:12]}…) that the bundle lacks",
                            zh=f"引用的证据文件 {ref.file_name}（sha256 {ref.sha256[:12]}…）不在数据包中",
                        )
        if problems.has_errors:
            raise fail("refused, nothing imported", "已拒绝，未导入任何数据")
    return Bundle(
        path=path,
        format_version=FORMAT_VERSION,
        created_at=str(manifest.get("created_at", "")),
        created_by=str(manifest.get("created_by", "")),
        audits=tuple(audits),
        evidence=evidence,
        manifest_bytes=raw or b"",
        signature=signature,
    )


_CLAIM_ZH = {"audit_id": "audit_id", "dealer": "经销商", "standard id": "标准编号", "standard version": "标准版本"}


def _member_limit(name: str, max_member_bytes: int) -> int:
    """The largest size a member may declare: the manifest and the signature have their own small limits."""
    return {MANIFEST: MAX_MANIFEST_BYTES, SIGNATURE_MEMBER: MAX_SIGNATURE_BYTES}.get(name, max_member_bytes)


def _read_signature(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo | None, problems: ProblemCollector, where: Callable[[str], Location]
) -> bytes | None:
    """The signature member's bytes (None when the bundle has none); a corrupt one is a problem like any member's."""
    if info is None:
        return None
    try:
        data = _read_limited(archive, info, MAX_SIGNATURE_BYTES)
    except _CorruptMember as error:
        problems.error(where(SIGNATURE_MEMBER), f"corrupt member: {error}", zh=f"成员文件已损坏：{error}")
        return None
    if data is None:
        problems.error(
            where(SIGNATURE_MEMBER),
            f"member is larger than the limit of {MAX_SIGNATURE_BYTES:,} bytes",
            zh=f"成员文件超过 {MAX_SIGNATURE_BYTES:,} 字节的上限",
        )
    return data


def is_bundle(path: Path) -> bool:
    """A zip with a manifest.json at its root (cheap check used to dispatch imports)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return MANIFEST in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False

"""Storage of standards, programs and waves: standards as the canonical JSON of core.standard_codec (a published
version never changes), programs with their waves.

A mixin of `Repository` (storage/repository.py): each method one transaction through the repository's `_write` /
`_read`, so the retry and error rules are those of the rest of storage.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dealer_audit.core.canonical import canonical_hash, canonical_json
from dealer_audit.core.standard import Checklist, LocalText, Program, Wave
from dealer_audit.core.versions import version_key
from dealer_audit.errors import Conflict, Message, NotFound
from dealer_audit.storage import limits
from dealer_audit.storage import models as m
from dealer_audit.storage.common import StoreBase, did_you_mean_suffix, now_text

_audits = m.table("audits")
_standards = m.table("standards")
_programs = m.table("programs")


class StandardStore(StoreBase):
    """Standards, programs and waves (mixed into Repository)."""

    if TYPE_CHECKING:  # provided by Repository or its other stores
        _standard_cache: dict[tuple[str, str, str], Checklist]

        def _insert_ignore(self, session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None: ...

    # ---- standards -------------------------------------------------------------------------------------------

    def save_standard(self, checklist: Checklist) -> bool:
        """Store a standard version; True when stored now, False when the identical content is already there.

        The same id+version with different content raises Conflict: a published standard version never changes,
        a changed standard needs a new version (or audits scored on it would silently change meaning).
        """
        from dealer_audit.core.standard_codec import content_hash, standard_to_dict

        label = limits.object_label(checklist.source, Message("standard", "稽核标准"), checklist.id)
        limits.refuse_unstorable(label, limits.checklist_issues(checklist))
        data = standard_to_dict(checklist)
        data.pop("source", None)
        digest = content_hash(checklist)
        body = canonical_json(data)

        def work(session: Session) -> bool:
            row = session.get(m.StandardRow, (checklist.id, checklist.version))
            if row is not None:
                if row.content_hash == digest:
                    return False
                raise Conflict(
                    f"standard {checklist.id} version {checklist.version} is already stored with other content "
                    f"(stored hash {row.content_hash[:12]}…, {checklist.source or 'new'} has {digest[:12]}…): "
                    "a changed standard needs a new version",
                    zh=f"稽核标准 {checklist.id} 版本 {checklist.version} 已以不同内容存储（已存储的哈希为 "
                    f"{row.content_hash[:12]}…，{checklist.source or '新内容'} 的哈希为 {digest[:12]}…）："
                    "修改过的稽核标准需要使用新的版本号",
                )
            session.add(
                m.StandardRow(
                    id=checklist.id,
                    version=checklist.version,
                    content_hash=digest,
                    kind=checklist.kind.value,
                    title_zh=checklist.title.zh,
                    title_en=checklist.title.en,
                    body=body,
                    loaded_at=now_text(),
                )
            )
            return True

        return self._write(work)

    def _decode_standard(self, row: Any) -> Checklist:
        from dealer_audit.core.standard_codec import standard_from_dict

        key = (row.id, row.version, row.content_hash)
        cached = self._standard_cache.get(key)
        if cached is None:
            cached = standard_from_dict(json.loads(row.body), source=f"database standard {row.id} {row.version}")
            self._standard_cache[key] = cached
        return cached

    def get_standard(self, standard_id: str, version: str) -> Checklist:
        """The stored standard; NotFound names the versions stored for that id, or close ids."""
        with self._read() as session:
            row = session.get(m.StandardRow, (standard_id, version))
            if row is not None:
                return self._decode_standard(row)
            self._raise_standard_not_found(session, standard_id, version)
        raise AssertionError("unreachable")  # pragma: no cover

    def _raise_standard_not_found(self, session: Session, standard_id: str, version: str | None) -> None:
        rows = session.execute(sa.select(_standards.c.id, _standards.c.version)).all()
        versions = sorted((v for i, v in rows if i == standard_id), key=version_key)
        if versions and version is not None:
            raise NotFound(
                f"standard {standard_id} has no version {version}; stored versions: {', '.join(versions)}",
                zh=f"稽核标准 {standard_id} 没有版本 {version}；已存储的版本：{', '.join(versions)}",
            )
        ids = sorted({i for i, _ in rows})
        known = f"; stored standards: {', '.join(ids)}" if ids else "; no standards are loaded yet"
        known_zh = f"；已存储的稽核标准：{', '.join(ids)}" if ids else "；尚未载入任何稽核标准"
        suffix = did_you_mean_suffix(standard_id, ids)
        raise NotFound(
            f"unknown standard {standard_id}{suffix.en}{known} (load it with `dealer-audit standards import`)",
            zh=f"未知稽核标准 {standard_id}{suffix.zh}{known_zh}（请用 `dealer-audit standards import` 载入）",
        )

    def latest_standard(self, standard_id: str) -> Checklist:
        """The highest stored version of a standard (versions compare number parts numerically)."""
        with self._read() as session:
            rows = session.execute(sa.select(m.StandardRow).where(_standards.c.id == standard_id)).scalars().all()
            if not rows:
                self._raise_standard_not_found(session, standard_id, None)
            best = max(rows, key=lambda r: version_key(r.version))
            return self._decode_standard(best)

    def list_standards(self) -> list[Checklist]:
        """Every stored standard version, sorted by id then version."""
        with self._read() as session:
            rows = session.execute(sa.select(m.StandardRow)).scalars().all()
            rows = sorted(rows, key=lambda r: (r.id, version_key(r.version)))
            return [self._decode_standard(r) for r in rows]

    def standard_hash(self, standard_id: str, version: str) -> str | None:
        """The stored content hash of a standard version, or None when it is not stored."""
        with self._read() as session:
            row = session.get(m.StandardRow, (standard_id, version))
            return row.content_hash if row else None

    # ---- programs and waves ----------------------------------------------------------------------------------

    def save_program(self, program: Program) -> bool:
        """Store (or update) a program and its waves; False when the identical program is already stored.

        Unlike standards, a program may change under the same id (a wave is added during the year).
        """
        from dealer_audit.core.standard_codec import program_to_dict

        label = limits.object_label(program.source, Message("program", "稽核方案"), program.id)
        limits.refuse_unstorable(label, limits.program_issues(program))
        data = program_to_dict(program)
        data.pop("source", None)
        body = canonical_json(data)
        digest = canonical_hash(data)

        def work(session: Session) -> bool:
            row = session.get(m.ProgramRow, program.id)
            if row is not None and row.content_hash == digest:
                return False
            if row is None:
                session.add(m.ProgramRow(id=program.id, content_hash=digest, body=body, loaded_at=now_text()))
            else:
                row.content_hash, row.body, row.loaded_at = digest, body, now_text()
            for position, wave in enumerate(program.waves):
                existing = session.get(m.WaveRow, wave.code)
                values: dict[str, Any] = {
                    "title_zh": wave.title.zh,
                    "title_en": wave.title.en,
                    "start": wave.start,
                    "end": wave.end,
                    "position": position,
                }
                if existing is None:
                    session.add(m.WaveRow(code=wave.code, **values))
                else:
                    for key, value in values.items():
                        setattr(existing, key, value)
            return True

        return self._write(work)

    def _decode_program(self, row: m.ProgramRow) -> Program:
        from dealer_audit.core.standard_codec import program_from_dict

        return program_from_dict(json.loads(row.body), source=f"database program {row.id}")

    def get_program(self, program_id: str | None = None) -> Program:
        """A stored program; with no id, the most recently loaded one. NotFound when none is stored."""
        with self._read() as session:
            if program_id is not None:
                row = session.get(m.ProgramRow, program_id)
            else:
                row = session.execute(
                    sa.select(m.ProgramRow).order_by(_programs.c.loaded_at.desc(), _programs.c.id).limit(1)
                ).scalar_one_or_none()
            if row is None:
                ids = list(session.execute(sa.select(_programs.c.id)).scalars())
                if program_id is None:
                    raise NotFound(
                        "no program is loaded: load the program file with `dealer-audit standards import`",
                        zh="尚未载入稽核方案：请用 `dealer-audit standards import` 载入方案文件",
                    )
                suffix = did_you_mean_suffix(program_id, ids)
                raise NotFound(
                    f"unknown program {program_id}{suffix.en}"
                    + (f"; stored programs: {', '.join(sorted(ids))}" if ids else "; no program is loaded"),
                    zh=f"未知稽核方案 {program_id}{suffix.zh}"
                    + (f"；已存储的方案：{', '.join(sorted(ids))}" if ids else "；尚未载入任何方案"),
                )
            return self._decode_program(row)

    def program_region_codes(self) -> set[str] | None:
        """The stored program's region codes (what master data may name), or None when no program is loaded."""
        try:
            return {r.code for r in self.get_program().regions} or None
        except NotFound:
            return None

    def list_programs(self) -> list[Program]:
        with self._read() as session:
            rows = session.execute(sa.select(m.ProgramRow).order_by(_programs.c.id)).scalars().all()
            return [self._decode_program(r) for r in rows]

    def list_waves(self) -> list[Wave]:
        """Waves from programs (in program order, with titles and dates), then waves seen only on audits."""
        with self._read() as session:
            rows = session.execute(sa.select(m.WaveRow)).scalars().all()
        rows = sorted(rows, key=lambda r: (r.position is None, r.position or 0, r.start or "", r.code))
        return [Wave(r.code, LocalText(r.title_zh, r.title_en), r.start, r.end) for r in rows]

    def audited_waves(self) -> set[str]:
        """The codes of the waves at least one stored audit belongs to."""
        with self._read() as session:
            return set(session.execute(sa.select(_audits.c.wave).distinct()).scalars())

"""Bringing audits into a workspace from any file they travel in, and bundles out of it.

`import_paths` takes files and folders and hands each file to the reader of its kind, from the table `READERS`
(one entry per kind; a new kind of file is one more entry):

- ``*.zip``   a bundle (formats/bundle.py), verified member by member, imported in ONE transaction;
- ``*.csv``, ``*.xlsx``, ``*.xls``, non-bundle ``*.zip``: a field-app export (ODK Central, Briefcase, Kobo) when
              formats/field_exports.sniff_field_export recognises its content;
- ``*.json``  an audit file (formats/audit_json.py), validated against its standard and dealer;
- ``*.xlsx``  a filled-in workbook (formats/form_xlsx.read_form);
- a folder    recursively its ``*.json`` and ``*.zip`` files.

A file's content decides first (a reader that can recognise its files: bundle, field export), then its suffix.

Audit files are checked one by one and saved in batches of BATCH_SIZE per transaction (HQ imports thousands);
a batch the database refuses as a whole is saved file by file instead. Every file ends as imported / unchanged /
replaced, or refused with the reason (unknown dealer with close
matches, unknown standard, invalid answers, a conflicting copy of a stored audit, a corrupt bundle …). A refused
file stores nothing; other files still import. Re-importing is safe: same UUID + same content is `unchanged`,
so a batch can simply be re-run after fixing the refused files. Two processes importing the same bundles into
one PostgreSQL database end with one copy of each audit (the repository retries on unique-key races).

Readers written by other modules (form workbook, field exports, validation) are imported lazily, so this module
works — and says so clearly — while one of them is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from enum import StrEnum
from pathlib import Path

from dealer_audit.core.answers import Audit
from dealer_audit.core.auditor_lookup import AuditorRegister, auditor_problem
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.lookup import did_you_mean_hint
from dealer_audit.core.standard import Checklist, Program
from dealer_audit.errors import DealerAuditError, Location, Message, NotFound, Problem, ValidationFailed, localized
from dealer_audit.formats.files import evidence_file_inside
from dealer_audit.storage.audits import SaveOutcome
from dealer_audit.storage.media import image_problem
from dealer_audit.storage.repository import Repository
from dealer_audit.storage.workspace import Workspace

Progress = Callable[[int, int, Path], None]  # (files done, files in total, file just finished)
MAX_REASON_PROBLEMS = 8
BATCH_SIZE = 200  # audit files saved per transaction: big folders import in seconds, a batch stays small


class FileStatus(StrEnum):
    IMPORTED = "imported"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"
    REFUSED = "refused"


@dataclass
class FileResult:
    """What happened to one file: its kind, the audits it held by outcome, or why it was refused."""

    path: Path
    kind: str = ""  # audit | bundle | form | field-export | unknown
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    reason: str | Message = ""  # a Message carries both languages (str(): English)
    warnings: list[str | Message] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.reason)

    def reason_text(self, lang: str) -> str:
        """Why the file was refused, in `lang` (a plain reason is shown as it is)."""
        return localized(self.reason, lang)

    @property
    def status(self) -> FileStatus:
        if self.reason:
            return FileStatus.REFUSED
        if self.replaced:
            return FileStatus.REPLACED
        if self.created:
            return FileStatus.IMPORTED
        return FileStatus.UNCHANGED

    @property
    def audit_count(self) -> int:
        return len(self.created) + len(self.unchanged) + len(self.replaced)


@dataclass
class ImportSummary:
    """Per-file results plus totals; `ok` is False when any file was refused (the CLI then exits 1)."""

    files: list[FileResult] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return sum(len(f.created) for f in self.files)

    @property
    def unchanged(self) -> int:
        return sum(len(f.unchanged) for f in self.files)

    @property
    def replaced(self) -> int:
        return sum(len(f.replaced) for f in self.files)

    @property
    def refused(self) -> list[FileResult]:
        return [f for f in self.files if f.refused]

    @property
    def ok(self) -> bool:
        return not self.refused


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files to import: files as given, folders recursively (*.json, *.zip; hidden files skipped), no duplicates."""
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FOLDER_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            candidates = [path]
        else:
            raise NotFound(f"{path}: no such file or folder", zh=f"{path}：文件或文件夹不存在")
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _reason(error: DealerAuditError) -> Message:
    """Why a file was refused, in both languages (the CLI shows the user's)."""
    if isinstance(error, ValidationFailed):
        errors = error.errors or error.problems

        def lines(lang: str) -> str:
            shown = [p.render(lang) for p in errors[:MAX_REASON_PROBLEMS]]
            if len(errors) > MAX_REASON_PROBLEMS:
                more = len(errors) - MAX_REASON_PROBLEMS
                shown.append(f"… 另有 {more} 处" if lang == "zh" else f"… and {more} more")
            return "\n".join(shown) or error.summary_text(lang)

        return Message(lines("en"), lines("zh"))
    return Message(str(error), error.text("zh"))


def _loose_evidence(audit_file: Path, file_name: str, sha256: str) -> list[Path]:
    """Where an audit file's evidence may lie: its file name, or evidence/<sha256>… next to the audit file.

    ValueError (with the reason) when a candidate leads outside the audit file's folder: an absolute name, a
    `..` step, or a symbolic link pointing elsewhere. Nothing outside that folder is ever opened.
    """
    folder = audit_file.parent
    candidates = [evidence_file_inside(folder, file_name)]
    if sha256 and all(c in "0123456789abcdef" for c in sha256):
        stored = folder / "evidence"
        if stored.is_dir():
            for candidate in sorted(stored.glob(f"{sha256}*")):
                candidates.append(evidence_file_inside(folder, candidate.relative_to(folder).as_posix()))
    return candidates


def _refuse_bad_image(data: bytes | Path, where: Location) -> None:
    """ValidationFailed for an evidence image too large to decode safely (storage/media.image_problem)."""
    reason = image_problem(data)
    if reason:
        raise ValidationFailed(
            [
                Problem(
                    where,
                    f"evidence refused: {reason.en}",
                    "evidence_image",
                    hint="send a normal-sized photo",
                    zh=f"证据被拒绝：{reason.zh}",
                    hint_zh="请提供正常尺寸的照片",
                )
            ],
            f"{where.file}: refused, nothing imported",
            summary_zh=f"{where.file}：已拒绝，未导入任何数据",
        )


def check_evidence_paths(audit: Audit, audit_file: Path) -> None:
    """Refuse (ValidationFailed naming the file and each reference) an audit file whose evidence references lead
    outside its own folder, or name an image too large to decode safely. Run before anything is stored, so a
    refused file leaves the workspace unchanged."""
    problems: list[Problem] = []
    for answer in audit.answers.values():
        for index, ref in enumerate(answer.evidence):
            try:
                candidates = _loose_evidence(audit_file, ref.file_name, ref.sha256)
            except ValueError as error:
                problems.append(
                    Problem(
                        Location(file=str(audit_file), path=f"answers.{answer.item_id}.evidence[{index}].file"),
                        f"evidence {ref.file_name!r} refused: {error}",
                        "evidence_path",
                        hint="put the evidence file next to the audit file (or in its evidence/ folder)",
                        zh=f"证据 {ref.file_name!r} 被拒绝：{error}",
                        hint_zh="请把证据文件放在稽核文件旁边（或其 evidence/ 文件夹中）",
                    )
                )
                continue
            for candidate in candidates:
                reason = image_problem(candidate) if candidate.is_file() else None
                if reason:
                    where = Location(file=str(audit_file), path=f"answers.{answer.item_id}.evidence[{index}].file")
                    problems.append(
                        Problem(
                            where,
                            f"evidence {ref.file_name!r} refused: {reason.en}",
                            "evidence_image",
                            zh=f"证据 {ref.file_name!r} 被拒绝：{reason.zh}",
                        )
                    )
    if problems:
        raise ValidationFailed(
            problems,
            f"{audit_file}: evidence refused, nothing imported",
            summary_zh=f"{audit_file}：证据被拒绝，未导入任何数据",
        )


class _Importer:
    """One import run: caches standards and dealers so a batch of thousands does not re-read them per file."""

    def __init__(self, workspace: Workspace, replace: bool, who: str, local_zone: tzinfo | None = None) -> None:
        self.workspace = workspace
        self.local_zone = local_zone  # the devices' timezone, for field exports' local times without offset
        self.repo: Repository = workspace.repo
        self.replace = replace
        self.who = who
        self._standards: dict[tuple[str, str], Checklist] | None = None
        self._dealers: dict[str, Dealer] | None = None
        self._auditors: tuple[AuditorRegister, bool] | None = None
        self._programs: list[Program] | None = None

    # -- lookups

    @property
    def standards(self) -> dict[tuple[str, str], Checklist]:
        if self._standards is None:
            self._standards = {s.key: s for s in self.repo.list_standards()}
        return self._standards

    @property
    def dealers(self) -> dict[str, Dealer]:
        if self._dealers is None:
            self._dealers = {d.code: d for d in self.repo.list_dealers()}
        return self._dealers

    @property
    def auditors(self) -> tuple[AuditorRegister, bool]:
        """The auditor register and whether a stored program requires registered auditors (the stricter program
        wins, as for signatures): read once per import run."""
        if self._auditors is None:
            required = any(p.require_registered_auditors for p in self.programs)
            self._auditors = (AuditorRegister(self.repo.list_auditors()), required)
        return self._auditors

    @property
    def programs(self) -> list[Program]:
        """The stored programs (their register and signature settings): read once per import run."""
        if self._programs is None:
            self._programs = self.repo.list_programs()
        return self._programs

    def check(self, audit: Audit, where: str) -> list[Problem]:
        """Dealer and standard known, answers valid for the standard, the auditor registered (core/auditor_lookup:
        a warning, or an error when the program requires it): refuse before touching the database."""
        dealer = self.dealers.get(audit.dealer_code)
        if dealer is None:
            unknown = self.repo.unknown_dealer_message(audit.dealer_code)
            raise NotFound(
                f"{where}: audit {audit.audit_id} names {unknown.en}",
                zh=f"{where}：稽核记录 {audit.audit_id} 指向{unknown.zh}",
            )
        standard = self.standards.get((audit.standard_id, audit.standard_version))
        if standard is None:
            try:
                self.repo.get_standard(audit.standard_id, audit.standard_version)
            except NotFound as error:
                raise NotFound(
                    f"{where}: audit {audit.audit_id}: {error}",
                    zh=f"{where}：稽核记录 {audit.audit_id}：{error.text('zh')}",
                ) from None
            self._standards = None
            standard = self.standards[(audit.standard_id, audit.standard_version)]
        from dealer_audit.core.validation import validate_audit

        problems: list[Problem] = list(validate_audit(standard, audit, dealer))
        register, required = self.auditors
        unregistered = auditor_problem(audit, register, Location(file=where), required)
        problems += [unregistered] if unregistered is not None else []
        errors = [p for p in problems if p.is_error]
        if errors:
            raise ValidationFailed(
                problems,
                f"{where}: audit {audit.audit_id} does not fit its standard",
                summary_zh=f"{where}：稽核记录 {audit.audit_id} 与其稽核标准不符",
            )
        return [p for p in problems if not p.is_error]

    # -- per kind

    def read_checked_audit_file(self, path: Path) -> tuple[FileResult, Audit | None]:
        """An audit file read and checked but not yet saved (None when refused: the reason is on the result)."""
        from dealer_audit.formats.audit_json import read_audit_file

        result = FileResult(path, kind="audit")
        try:
            audit = read_audit_file(path)
            check_evidence_paths(audit, path)
            result.warnings.extend(p.as_message() for p in self.check(audit, str(path)))
        except DealerAuditError as error:
            result.reason = _reason(error)
            return result, None
        except OSError as error:  # unreadable file: refuse it, keep importing the others
            reason = error.strerror or error
            result.reason = Message(f"{path}: cannot read: {reason}", f"{path}：无法读取：{reason}")
            return result, None
        return result, audit

    def save_checked_batch(self, batch: Sequence[tuple[FileResult, Audit]]) -> None:
        """Save checked audit files together in one transaction (fast path for big folders).

        When the batch as a whole is refused (a conflict, or a dealer deleted meanwhile), each file is saved on
        its own instead, so one bad file never holds back the others and each refusal names its own file.
        """
        try:
            outcomes = self.repo.save_audits([audit for _, audit in batch])
        except DealerAuditError:
            for result, audit in batch:
                try:
                    self._save([audit], result, result.path)
                except DealerAuditError as error:
                    result.reason = _reason(error)
                    result.created, result.unchanged, result.replaced = [], [], []
        else:
            for (result, audit), outcome in zip(batch, outcomes, strict=True):
                self._record(result, audit, outcome)
        for result, audit in batch:
            if not result.refused:
                self.collect_loose_evidence(audit, result.path, result)

    def run(self, path: Path, reader: FileReader | None) -> FileResult:
        """Read, check and store one file with `reader` (`reader_for(path)`, sniffed once by the caller)."""
        result = FileResult(path)
        try:
            if reader is None:
                raise NotFound(
                    f"{path}: not an audit file (.json), bundle (.zip), fill-in workbook (.xlsx) or field-app export",
                    zh=f"{path}：不是稽核文件（.json）、数据包（.zip）、填报工作簿（.xlsx）或外勤 App 导出文件",
                )
            result.kind = reader.kind
            reader.read(self, path, result)
        except DealerAuditError as error:
            result.reason = _reason(error)
            result.created, result.unchanged, result.replaced = [], [], []
        except OSError as error:  # unreadable file: refuse it, keep importing the others
            reason = error.strerror or error
            result.reason = Message(f"{path}: cannot read: {reason}", f"{path}：无法读取：{reason}")
            result.created, result.unchanged, result.replaced = [], [], []
        return result

    def store(
        self, audits: Sequence[Audit], result: FileResult, path: Path, media: Mapping[str, bytes] | None = None
    ) -> None:
        """Check every audit of one file, then save them all in one transaction (with `media`: attachment bytes
        by file name, stored as evidence by sha256 first and removed again if the transaction fails)."""
        for audit in audits:
            result.warnings.extend(p.as_message() for p in self.check(audit, str(path)))
        added: list[str] = []
        try:
            for audit in audits:
                for answer in audit.answers.values():
                    for ref in answer.evidence:
                        if not ref.sha256 or self.workspace.evidence.has(ref.sha256):
                            continue
                        data = (media or {}).get(ref.file_name)
                        if data is None:
                            continue
                        _refuse_bad_image(data, Location(file=str(path), path=ref.file_name))
                        self.workspace.evidence.add_bytes(data, ref.file_name, expected_sha256=ref.sha256)
                        added.append(ref.sha256)
            self._save(audits, result, path)
        except BaseException:
            self._forget_evidence(added)
            raise

    def _forget_evidence(self, added: list[str]) -> None:
        """Remove evidence files this import added when its transaction failed (unless another audit uses them)."""
        for sha256 in added:
            if not self.repo.evidence_in_use(sha256):
                self.workspace.evidence.remove(sha256)

    def collect_loose_evidence(self, audit: Audit, path: Path, result: FileResult) -> None:
        """Evidence cited by an audit file: copied into the store when it lies next to the file (as its file name
        or under evidence/<sha256>…) with the right hash; otherwise a warning, since the audit itself is valid.
        Only files inside the audit file's own folder are ever opened (see `_loose_evidence`)."""
        store = self.workspace.evidence
        for answer in audit.answers.values():
            for ref in answer.evidence:
                if not ref.sha256 or store.has(ref.sha256):
                    continue
                try:
                    candidates = _loose_evidence(path, ref.file_name, ref.sha256)
                except ValueError:
                    candidates = []  # refused by check_evidence_paths before saving; never read it here
                for candidate in candidates:
                    if candidate.is_file():
                        try:
                            store.add_file(candidate, ref.file_name, expected_sha256=ref.sha256)
                            break
                        except DealerAuditError:
                            continue
                else:
                    result.warnings.append(
                        Message(
                            f"{path}: evidence {ref.file_name} of {answer.item_id} (sha256 {ref.sha256[:12]}…) was "
                            "not found next to the file; the audit is stored without its bytes",
                            f"{path}：检查项 {answer.item_id} 的证据 {ref.file_name}（sha256 {ref.sha256[:12]}…）"
                            "未在文件旁找到；稽核记录已保存，但不含该证据文件",
                        )
                    )

    def _save(
        self, audits: Sequence[Audit], result: FileResult, path: Path, trail: tuple[str, str] | None = None
    ) -> None:
        why = f"import of {path.name}" if self.replace or trail else ""
        outcomes = self.repo.save_audits(audits, replace=self.replace, who=self.who, why=why, trail=trail)
        for audit, outcome in zip(audits, outcomes, strict=True):
            self._record(result, audit, outcome)

    @staticmethod
    def _record(result: FileResult, audit: Audit, outcome: SaveOutcome) -> None:
        {
            SaveOutcome.CREATED: result.created,
            SaveOutcome.UNCHANGED: result.unchanged,
            SaveOutcome.REPLACED: result.replaced,
        }[outcome].append(audit.audit_id)

    def import_audit_file(self, path: Path, result: FileResult) -> None:
        """One audit JSON file (formats/audit_json.py), its loose evidence collected from beside it."""
        from dealer_audit.formats.audit_json import read_audit_file

        audit = read_audit_file(path)
        check_evidence_paths(audit, path)
        self.store([audit], result, path)
        self.collect_loose_evidence(audit, path, result)

    def import_form(self, path: Path, result: FileResult) -> None:
        """A filled-in workbook (formats/form_xlsx.py), checked against the workspace's form key."""
        from dealer_audit.formats.form_xlsx import read_form_with_warnings

        audit, warnings = read_form_with_warnings(path, list(self.standards.values()), key=self.workspace.form_key)
        result.warnings.extend(p.as_message() for p in warnings)
        self.store([audit], result, path)

    def import_field_export(self, path: Path, result: FileResult) -> None:
        """An ODK Central / Briefcase / Kobo export (formats/field_exports.py) with its attached photos."""
        from dealer_audit.formats.field_exports import field_export_media, read_field_export

        audits = read_field_export(path, list(self.standards.values()), list(self.dealers.values()), self.local_zone)
        self.store(list(audits), result, path, field_export_media(path))

    def import_bundle(self, path: Path, result: FileResult) -> None:
        """Verify the bundle, check its audits, copy its evidence by sha256, then save all audits at once.

        Evidence is written before the database transaction (content-addressed, so a retry or a second process
        writes the same bytes); files this import added are removed again when the transaction fails.
        """
        from dealer_audit.formats.bundle import read_bundle
        from dealer_audit.services.bundle_signatures import TRAIL_ACTION, check_bundle_signature, requires_signatures

        bundle = read_bundle(path)
        register, _ = self.auditors
        # refuses before anything is stored; the run's register and signature setting, read once
        signer, notes = check_bundle_signature(self.repo, bundle, register, requires_signatures(self.programs))
        result.warnings.extend(notes)
        audits = [replace(a, source=str(path)) for a in bundle.audits]
        for audit in audits:
            result.warnings.extend(p.as_message() for p in self.check(audit, str(path)))
        store = self.workspace.evidence
        added: list[str] = []
        try:
            for member in bundle.evidence:
                if store.has(member.sha256):
                    continue
                file_name = next(
                    (
                        ref.file_name
                        for a in audits
                        for answer in a.answers.values()
                        for ref in answer.evidence
                        if ref.sha256 == member.sha256
                    ),
                    member.name.rsplit("/", 1)[-1],
                )
                data = bundle.read_member(member)
                _refuse_bad_image(data, Location(file=str(path), path=member.name))
                store.add_bytes(data, file_name, expected_sha256=member.sha256)
                added.append(member.sha256)
            self._save(audits, result, path, (TRAIL_ACTION, signer.trail_details()) if signer else None)
        except BaseException:
            self._forget_evidence(added)
            raise


# ---- the readers, by file kind ---------------------------------------------------------------------------------


def _is_bundle(path: Path) -> bool:
    from dealer_audit.formats.bundle import is_bundle

    return is_bundle(path)


def _is_field_export(path: Path) -> bool:
    from dealer_audit.formats.field_exports import sniff_field_export

    return sniff_field_export(path)


@dataclass(frozen=True)
class FileReader:
    """One kind of file `import_paths` reads: which suffixes it may have, how to recognise its content (when a
    suffix is shared by several kinds), and the importer step that reads, checks and stores it."""

    kind: str  # shown per file in the import summary
    suffixes: tuple[str, ...]
    read: Callable[[_Importer, Path, FileResult], None]
    recognise: Callable[[Path], bool] | None = None  # content test, tried before any suffix-only match
    by_suffix: bool = True  # False: only files `recognise` accepts (a .csv or .xlsx is not always this kind)
    in_folders: bool = False  # picked up when a folder is imported


BUNDLE = FileReader("bundle", (".zip",), _Importer.import_bundle, recognise=_is_bundle, in_folders=True)
# (a .zip that is neither a bundle nor a field export is still read as a bundle: read_bundle names the problem)
FIELD_EXPORT = FileReader(
    "field-export",
    (".csv", ".xlsx", ".xls", ".zip"),
    _Importer.import_field_export,
    recognise=_is_field_export,
    by_suffix=False,
)
AUDIT_FILE = FileReader("audit", (".json",), _Importer.import_audit_file, in_folders=True)
FILL_IN_WORKBOOK = FileReader("form", (".xlsx", ".xlsm"), _Importer.import_form)

READERS: tuple[FileReader, ...] = (BUNDLE, FIELD_EXPORT, AUDIT_FILE, FILL_IN_WORKBOOK)
FOLDER_SUFFIXES = tuple(suffix for reader in READERS if reader.in_folders for suffix in reader.suffixes)


def reader_for(path: Path) -> FileReader | None:
    """The reader of `path`: the first whose content test accepts it, else the one its suffix alone names."""
    suffix = path.suffix.lower()
    candidates = [reader for reader in READERS if suffix in reader.suffixes]
    for reader in candidates:
        if reader.recognise is not None and reader.recognise(path):
            return reader
    return next((reader for reader in candidates if reader.by_suffix), None)


def import_paths(
    workspace: Workspace,
    paths: Sequence[Path | str],
    replace: bool = False,
    progress: Progress | None = None,
    who: str = "",
    local_zone: tzinfo | None = None,
) -> ImportSummary:
    """Import every file (folders recursively) into the workspace; see the module docstring for the kinds.

    `replace=True` stores a changed copy of a stored audit as a new revision (audit-trail row: `who`, the file).
    `local_zone` is the timezone local date-times without offset are read in (Kobo XLSX exports; `--timezone`).
    `progress(done, total, path)` is called after each file. Raises only for paths that do not exist; every
    per-file problem is reported in the summary instead.
    """
    files = expand_paths(Path(p) for p in paths)
    importer = _Importer(workspace, replace, who, local_zone)
    results: list[FileResult | None] = [None] * len(files)
    pending: list[tuple[int, FileResult, Audit]] = []
    completed = 0

    def complete(index: int, result: FileResult) -> None:
        nonlocal completed
        results[index] = result
        completed += 1
        if progress is not None:
            progress(completed, len(files), files[index])

    def flush() -> None:
        if pending:
            importer.save_checked_batch([(result, audit) for _, result, audit in pending])
            for index, result, _ in pending:
                complete(index, result)
            pending.clear()

    for index, path in enumerate(files):
        # Plain audit files are saved in batches (one transaction per BATCH_SIZE files) unless replacing, where
        # each replacement needs its own audit-trail reason; everything else is one file, one transaction.
        reader = reader_for(path)  # the content is sniffed once per file
        if replace or reader is not AUDIT_FILE:
            complete(index, importer.run(path, reader))
            continue
        result, audit = importer.read_checked_audit_file(path)
        if audit is None:
            complete(index, result)
            continue
        pending.append((index, result, audit))
        if len(pending) >= BATCH_SIZE:
            flush()
    flush()
    return ImportSummary([r for r in results if r is not None])


# ---- export --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    path: Path
    audits: int
    evidence_files: int
    drafts: int = 0  # not yet finalised: HQ receives them as drafts
    signed_by: str = ""  # the auditor whose key signed the manifest ('' unsigned)
    key_id: str = ""
    note: str | Message = ""  # why the bundle is not signed


def export_bundle(
    workspace: Workspace,
    output: Path,
    audit_id: str | None = None,
    wave: str | None = None,
    auditor: str | None = None,
    unsigned: bool = False,
    passphrase: Callable[[], str] = lambda: "",
) -> ExportResult:
    """Write one audit (`audit_id`, a unique prefix is fine) or a whole wave into a bundle zip, signed with the
    auditor's key when the workspace has one (services/bundle_signatures.py: `auditor` picks whose audits and
    key, `unsigned` skips signing where the program allows, `passphrase` is asked only when a key is found)."""
    from dealer_audit.formats.bundle import write_bundle
    from dealer_audit.services.bundle_signatures import check_export_auditor, plan_signing

    if (audit_id is None) == (wave is None):
        raise NotFound(
            "choose what to export: an audit id or a wave", zh="请选择要导出的内容：一条稽核记录的 ID 或一个稽核批次"
        )
    repo = workspace.repo
    if audit_id is not None:
        audits = [repo.get_audit(audit_id)]
    else:
        audits = repo.list_audits(wave=wave)
        if not audits:
            waves = [w.code for w in repo.list_waves()]
            listed = ", ".join(waves)
            raise NotFound(
                f"no audits in wave {wave}" + (f"; waves: {listed}" if waves else ""),
                zh=f"稽核批次 {wave} 中没有稽核记录" + (f"；已有批次：{listed}" if waves else ""),
            )
    if auditor:
        audits = check_export_auditor(audits, auditor, AuditorRegister(repo.list_auditors()))
    signing = plan_signing(workspace, audits, Path(output), auditor, unsigned, passphrase)
    signer = signing.signer
    write_bundle(audits, workspace.evidence_dir, Path(output), sign=signer.sign if signer else None)
    evidence = {ref.sha256 for a in audits for ans in a.answers.values() for ref in ans.evidence if ref.sha256}
    drafts = sum(1 for a in audits if not a.is_final)
    if signer is None:
        return ExportResult(Path(output), len(audits), len(evidence), drafts, note=signing.note)
    return ExportResult(Path(output), len(audits), len(evidence), drafts, signer.auditor, signer.key_id)


# ---- standards -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedStandard:
    kind: str  # standard | program
    id: str
    version: str
    stored: bool  # False: the identical content was already there
    path: Path


def _unknown_cross_check_items(programs: Sequence[tuple[Program, Path]], known: Sequence[Checklist]) -> list[Problem]:
    """A KPI cross-check naming an item that no version of its standard has (loaded now or stored) would never
    flag anything, silently; refused at load, naming the entry. A standard not loaded yet cannot be checked."""
    items: dict[str, set[str]] = {}
    for checklist in known:
        items.setdefault(checklist.id, set()).update(item.id for item in checklist.items())
    problems = []
    for program, path in programs:
        for k, kpi in enumerate(program.kpis):
            for j, check in enumerate(kpi.cross_checks):
                ids = items.get(check.standard_id)
                if ids is None or check.item_id in ids:
                    continue
                hint = did_you_mean_hint(check.item_id, ids)
                problems.append(
                    Problem(
                        # the program's own file (a folder was named on the command line: not the folder)
                        Location(file=program.source or str(path), path=f"kpis[{k}].cross_checks[{j}].item"),
                        f"KPI {kpi.id}: item '{check.item_id}' is not in standard {check.standard_id}",
                        "cross_check_item",
                        hint=hint.en,
                        zh=f"KPI {kpi.id}：稽核标准 {check.standard_id} 中没有检查项“{check.item_id}”",
                        hint_zh=hint.zh,
                    )
                )
    return problems


def load_standards_into(repo: Repository, paths: Sequence[Path | str]) -> list[LoadedStandard]:
    """Load standard files (YAML/XLSX), program files and folders of them into the database.

    Everything is read and checked first (all errors at once, nothing stored); a standard whose id+version is
    stored with other content is refused before anything is written. Then each is saved (idempotently).
    """
    from dealer_audit.formats.standards import check_file, load_checklists_dir

    standards: list[tuple[Checklist, Path]] = []
    programs: list[tuple[Program, Path]] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                checklists, program = load_checklists_dir(path)
            except ValidationFailed as failure:
                problems.extend(failure.problems)
                continue
            standards.extend((c, path) for c in checklists)
            if program is not None:
                programs.append((program, path))
            continue
        check = check_file(path)
        if check.errors or check.kind == "unknown":
            problems.extend(check.errors or check.problems)
        elif check.kind == "program" and check.program is not None:
            programs.append((check.program, path))
        elif check.checklist is not None:
            standards.append((check.checklist, path))
    if not problems and programs:
        problems = _unknown_cross_check_items(programs, [c for c, _ in standards] + repo.list_standards())
    if problems:
        count = len([p for p in problems if p.is_error])
        raise ValidationFailed(
            problems, f"{count} error(s); nothing was loaded", summary_zh=f"发现 {count} 处错误，未加载任何内容"
        )
    conflicts = []
    for checklist, path in standards:
        stored = repo.standard_hash(checklist.id, checklist.version)
        if stored is not None and stored != checklist.content_hash:
            conflicts.append(
                Problem(
                    Location(file=str(path)),
                    f"standard {checklist.id} version {checklist.version} is already stored with other content",
                    "conflict",
                    hint="give the changed standard a new version",
                    zh=f"稽核标准 {checklist.id} 版本 {checklist.version} 已以不同内容保存",
                    hint_zh="请为修改后的稽核标准设置新的版本号",
                )
            )
    if conflicts:
        raise ValidationFailed(conflicts, "nothing was loaded", summary_zh="未加载任何内容")
    loaded = [
        LoadedStandard("standard", c.id, c.version, repo.save_standard(c), p)
        for c, p in sorted(standards, key=lambda s: (s[0].id, s[0].version))
    ]
    loaded += [LoadedStandard("program", p.id, "", repo.save_program(p), path) for p, path in programs]
    return loaded

"""One entry point for standard files whatever their format, and for a folder of standards plus its program.

A folder such as `checklists/` holds standard files (YAML or XLSX) and at most one program file; a program is told
apart by its top-level keys (`checklists:` and `waves:`), so file names are free.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from dealer_audit.core.lookup import Locate, did_you_mean, did_you_mean_zh, join, locator
from dealer_audit.core.standard import Checklist, Program
from dealer_audit.core.standard_codec import raise_if_errors
from dealer_audit.errors import Location, NotFound, Problem, Severity, ValidationFailed
from dealer_audit.formats.files import write_atomically
from dealer_audit.storage.limits import checklist_issues, located, program_issues

YAML_SUFFIXES = (".yaml", ".yml")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
STANDARD_SUFFIXES = (*YAML_SUFFIXES, *XLSX_SUFFIXES)


@dataclass
class FileCheck:
    """What `validate` learns about one file: its kind, the decoded object (when decodable) and every problem."""

    path: Path
    kind: str  # "standard" | "program" | "unknown"
    checklist: Checklist | None = None
    program: Program | None = None
    problems: list[Problem] = field(default_factory=list)
    locate: Locate | None = None  # logical path -> line, kept so folder checks can point into the file too

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]


def is_program_data(data: object) -> bool:
    return isinstance(data, dict) and "checklists" in data and "waves" in data


def check_file(path: Path, attributes: Collection[str] | None = None) -> FileCheck:
    """Read and check one standard or program file without raising for content problems."""
    path = Path(path)
    if not path.exists():
        raise NotFound(f"{path}: no such file", zh=f"{path}：文件不存在")
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        from dealer_audit.core.standard_codec import decode_program, decode_standard
        from dealer_audit.formats.standard_yaml import read_yaml_document, sort_problems

        data, locations, problems = read_yaml_document(path)
        if data is None and problems:
            return FileCheck(path, "unknown", problems=problems)
        locate = locator(str(path), locations)
        if is_program_data(data):
            program, more = decode_program(data, str(path), locate)
            if program is not None:
                more = [*more, *located(program_issues(program), locate)]
            return FileCheck(
                path, "program", program=program, problems=sort_problems([*problems, *more]), locate=locate
            )
        checklist, more = decode_standard(data, str(path), locate, attributes)
        if checklist is not None:
            more = [*more, *located(checklist_issues(checklist), locate)]
        return FileCheck(
            path, "standard", checklist=checklist, problems=sort_problems([*problems, *more]), locate=locate
        )
    if suffix in XLSX_SUFFIXES:
        from dealer_audit.formats.standard_xlsx import check_standard_xlsx

        workbook_checklist, workbook_problems = check_standard_xlsx(path, attributes)
        if workbook_checklist is not None:
            workbook_problems = [
                *workbook_problems,
                *located(checklist_issues(workbook_checklist), locator(str(path))),
            ]
        return FileCheck(path, "standard", checklist=workbook_checklist, problems=workbook_problems)
    return FileCheck(
        path,
        "unknown",
        problems=[
            Problem(
                Location(str(path)),
                f"not a standard file (expected one of {', '.join(STANDARD_SUFFIXES)})",
                "suffix",
                zh=f"不是稽核标准文件（应为以下格式之一：{', '.join(STANDARD_SUFFIXES)}）",
            )
        ],
    )


def load_any_standard(path: Path) -> Checklist:
    """A valid Checklist from a YAML or XLSX file (chosen by suffix), or ValidationFailed with every error."""
    check = check_file(Path(path))
    if check.kind == "program":
        problem = Problem(
            Location(str(path)), "this is a program file, not a standard", "kind", zh="这是稽核方案文件，不是稽核标准"
        )
        raise ValidationFailed([problem], f"{path}: not a standard", summary_zh=f"{path}：不是稽核标准")
    raise_if_errors(check.problems, str(path))
    assert check.checklist is not None
    return check.checklist


def standard_files(directory: Path) -> list[Path]:
    """The candidate files of a folder in a stable order (Excel lock files `~$…` skipped)."""
    return sorted(
        p
        for p in Path(directory).iterdir()
        if p.is_file() and p.suffix.lower() in STANDARD_SUFFIXES and not p.name.startswith(("~$", "."))
    )


def check_checklists_dir(directory: Path, attributes: Collection[str] | None = None) -> list[FileCheck]:
    """Check every file of a folder, then the folder as a whole (one program, its standards present, ids unique).

    A folder without any standard file is an error: a mistyped folder must not pass as "nothing to load".
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise NotFound(f"{directory}: no such folder", zh=f"{directory}：文件夹不存在")
    checks = [check_file(p, attributes) for p in standard_files(directory)]
    if not checks:
        suffixes = ", ".join(STANDARD_SUFFIXES)
        problem = Problem(
            Location(str(directory)),
            f"no standard files ({suffixes}) in this folder",
            "empty",
            zh=f"此文件夹中没有稽核标准文件（{suffixes}）",
        )
        return [FileCheck(directory, "unknown", problems=[problem])]
    programs = [c for c in checks if c.kind == "program"]
    for extra in programs[1:]:
        extra.problems.append(
            Problem(
                Location(str(extra.path)),
                f"a folder holds one program file; {programs[0].path.name} is one already",
                "program",
                zh=f"一个文件夹只能有一个稽核方案文件；{programs[0].path.name} 已经是稽核方案",
            )
        )
    seen: dict[tuple[str, str], Path] = {}
    for check in checks:
        if check.checklist is None or check.errors:
            continue
        key = check.checklist.key
        if key in seen:
            check.problems.append(
                Problem(
                    Location(str(check.path)),
                    f"standard '{key[0]}' version {key[1]} is also defined in {seen[key].name}",
                    "duplicate-id",
                    zh=f"稽核标准“{key[0]}”版本 {key[1]} 在 {seen[key].name} 中也有定义",
                )
            )
        seen.setdefault(key, check.path)
    if programs and programs[0].program is not None:
        program_check = programs[0]
        program = program_check.program
        assert program is not None
        # a standard with errors of its own is still present: naming it here as missing would mislead
        known = {c.checklist.id for c in checks if c.checklist is not None and c.checklist.id}
        locate = program_check.locate or locator(str(program_check.path))
        for index, entry in enumerate(program.checklists):
            if entry.standard_id and entry.standard_id not in known:
                program_check.problems.append(
                    Problem(
                        locate(join(join("checklists", index), "standard")),
                        f"the program names standard '{entry.standard_id}', which is not in {directory}",
                        "unknown-standard",
                        hint=did_you_mean(entry.standard_id, known) or f"known: {', '.join(sorted(known)) or 'none'}",
                        zh=f"稽核方案引用了稽核标准“{entry.standard_id}”，但 {directory} 中没有该标准",
                        hint_zh=did_you_mean_zh(entry.standard_id, known)
                        or f"已有标准：{', '.join(sorted(known)) or '无'}",
                    )
                )
    return checks


def load_checklists_dir(directory: Path) -> tuple[list[Checklist], Program | None]:
    """Every standard of a folder and its program (None when the folder has none); all errors raised together."""
    checks = check_checklists_dir(Path(directory))
    errors = [p for c in checks for p in c.errors]
    if errors:
        raise ValidationFailed(
            errors, f"{directory}: {len(errors)} error(s)", summary_zh=f"{directory}：发现 {len(errors)} 处错误"
        )
    checklists = [c.checklist for c in checks if c.kind == "standard" and c.checklist is not None]
    program = next((c.program for c in checks if c.kind == "program"), None)
    return checklists, program


def _check_target(path: Path) -> None:
    """Writable targets: YAML and .xlsx (an .xlsm without macros is a file Excel refuses to open)."""
    if path.suffix.lower() not in (*YAML_SUFFIXES, ".xlsx"):
        shown = path.suffix or path.name
        problem = Problem(
            Location(str(path)),
            f"cannot write a standard as '{shown}'",
            "suffix",
            zh=f"无法将稽核标准写成“{shown}”格式",
        )
        raise ValidationFailed(
            [problem],
            f"{path}: unsupported target (use .yaml or .xlsx)",
            summary_zh=f"{path}：不支持的目标格式（请用 .yaml 或 .xlsx）",
        )


def write_any_standard(checklist: Checklist, path: Path) -> None:
    """Write a standard as YAML or XLSX, chosen by the target's suffix; a failed write leaves no partial file."""
    path = Path(path)
    _check_target(path)
    if path.suffix.lower() in YAML_SUFFIXES:
        from dealer_audit.formats.standard_yaml import dump_standard

        text = dump_standard(checklist)
        write_atomically(path, lambda temp: temp.write_text(text, encoding="utf-8"))
    else:
        from dealer_audit.formats.standard_xlsx import write_standard_xlsx

        write_standard_xlsx(checklist, path)


def convert_standard(source: Path, target: Path) -> Checklist:
    """Read a valid standard in one format and write it in the other; nothing is written when the source fails."""
    source, target = Path(source), Path(target)
    _check_target(target)
    if source.resolve() == target.resolve():
        problem = Problem(
            Location(str(target)), "source and target are the same file", "same-file", zh="源文件和目标文件是同一个文件"
        )
        raise ValidationFailed([problem])
    checklist = load_any_standard(source)
    write_any_standard(checklist, target)
    return checklist

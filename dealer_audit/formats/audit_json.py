"""The documented audit file (JSON): one audit per file, the format of `sample_audits/` and of bundles.

Only the file side lives here — reading (bounded, see formats/json_input), checking what storage can hold, and
atomic writing. The canonical form itself (dict ↔ Audit and its validation, an example) is core/audit_form.py.
Schema: docs/audit-file.schema.json (tests check the writer's output and the shipped samples against it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from dealer_audit.core.answers import Audit
from dealer_audit.core.audit_form import audit_from_dict, audit_to_dict
from dealer_audit.errors import Location, Problem
from dealer_audit.formats.files import write_atomically
from dealer_audit.formats.json_input import read_json_file
from dealer_audit.storage.limits import audit_issues, located


def storable_problems(audit: Audit, where: Callable[[str], Location]) -> list[Problem]:
    """What the database cannot hold in an audit read from JSON, located by JSON path (the check the canonical
    form takes as `storable`: core knows no column lengths)."""
    return located(audit_issues(audit), where)


def audit_from_json(data: object, source: str = "") -> Audit:
    """The decoded JSON of an audit file or bundle member: every structural and storage problem at once."""
    return audit_from_dict(data, source=source, storable=storable_problems)


def read_audit_file(path: Path) -> Audit:
    """Read and check one audit file (bounded: size, depth, numbers, duplicate keys — see formats/json_input)."""
    return audit_from_json(read_json_file(path), source=str(path))


def dumps_audit(audit: Audit) -> str:
    return json.dumps(audit_to_dict(audit), ensure_ascii=False, indent=2) + "\n"


def write_audit_file(audit: Audit, path: Path) -> None:
    """Save an audit file atomically: an interrupted save leaves the previous file, never half of one."""
    text = dumps_audit(audit)
    write_atomically(Path(path), lambda temp: temp.write_text(text, encoding="utf-8"))

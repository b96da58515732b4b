"""dealer-audit: capture dealer service audits offline, score them against OEM standards, report per dealer.

The public API is re-exported here; the CLI (`dealer-audit`) is a thin layer over it. The main job in code::

    import dealer_audit as da

    with da.Workspace.open(Path("hq")) as ws:                      # or da.Repository.open("postgresql://…")
        da.load_standards_into(ws.repo, [Path("checklists")])
        ws.repo.save_dealers(da.read_dealers(Path("dealers.csv")))
        da.import_paths(ws, [Path("incoming")])                     # audit JSON, bundles, workbooks, ODK/Kobo
        context = da.prepare_wave(ws, "2026-Q4")                    # loaded and scored once
        da.render_all(context, Path("reports"))                     # every dealer and region PDF, HQ workbook

The pure core (model, scoring, validation) is imported with the package. Storage, readers, services and
renderers — which pull in SQLAlchemy, openpyxl and reportlab — load on first use of their name, so
`import dealer_audit` stays light and the core keeps no import of them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from dealer_audit.core.aggregate import WaveResult, rescore_under, score_wave
from dealer_audit.core.answers import Answer, Audit, AuditStatus, EvidenceRef
from dealer_audit.core.audit_form import audit_from_dict, audit_to_dict
from dealer_audit.core.conditions import Condition, ConditionError, parse_condition
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.scoring import AuditScore, score_audit
from dealer_audit.core.standard import (
    AnswerType,
    Band,
    Checklist,
    ChecklistKind,
    Critical,
    CriticalEffect,
    Item,
    LocalText,
    Option,
    Program,
    Section,
    Wave,
)
from dealer_audit.core.validation import validate_audit
from dealer_audit.errors import DealerAuditError, Location, NotFound, Problem, ValidationFailed

if TYPE_CHECKING:
    from dealer_audit.formats.audit_json import read_audit_file, write_audit_file
    from dealer_audit.formats.bundle import read_bundle, write_bundle
    from dealer_audit.formats.dealers import read_dealers
    from dealer_audit.formats.field_exports import read_field_export
    from dealer_audit.formats.form_xlsx import read_form, write_form
    from dealer_audit.formats.standards import load_any_standard, load_checklists_dir
    from dealer_audit.services.importing import export_bundle, import_paths, load_standards_into
    from dealer_audit.services.reporting import (
        WaveContext,
        prepare_wave,
        render_all,
        render_dealer_pdf,
        render_region_pdf,
        write_network_workbook,
    )
    from dealer_audit.services.scoring_job import load_rescore, load_wave_result, wave_result_to_dict
    from dealer_audit.storage.repository import Repository
    from dealer_audit.storage.workspace import Workspace

__version__ = "0.1.0"

_LAZY = {  # public name -> the module that owns it (imported on first use)
    "Repository": "dealer_audit.storage.repository",
    "Workspace": "dealer_audit.storage.workspace",
    "load_any_standard": "dealer_audit.formats.standards",
    "load_checklists_dir": "dealer_audit.formats.standards",
    "read_dealers": "dealer_audit.formats.dealers",
    "read_audit_file": "dealer_audit.formats.audit_json",
    "write_audit_file": "dealer_audit.formats.audit_json",
    "read_bundle": "dealer_audit.formats.bundle",
    "write_bundle": "dealer_audit.formats.bundle",
    "read_form": "dealer_audit.formats.form_xlsx",
    "write_form": "dealer_audit.formats.form_xlsx",
    "read_field_export": "dealer_audit.formats.field_exports",
    "import_paths": "dealer_audit.services.importing",
    "export_bundle": "dealer_audit.services.importing",
    "load_standards_into": "dealer_audit.services.importing",
    "load_wave_result": "dealer_audit.services.scoring_job",
    "load_rescore": "dealer_audit.services.scoring_job",
    "wave_result_to_dict": "dealer_audit.services.scoring_job",
    "WaveContext": "dealer_audit.services.reporting",
    "prepare_wave": "dealer_audit.services.reporting",
    "render_all": "dealer_audit.services.reporting",
    "render_dealer_pdf": "dealer_audit.services.reporting",
    "render_region_pdf": "dealer_audit.services.reporting",
    "write_network_workbook": "dealer_audit.services.reporting",
}


def __getattr__(name: str) -> object:
    """Load a storage, reader, service or renderer entry point when it is first used (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dealer_audit' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Answer",
    "AnswerType",
    "Audit",
    "AuditScore",
    "AuditStatus",
    "Band",
    "Checklist",
    "ChecklistKind",
    "Condition",
    "ConditionError",
    "Critical",
    "CriticalEffect",
    "Dealer",
    "DealerAuditError",
    "EvidenceRef",
    "Item",
    "LocalText",
    "Location",
    "NotFound",
    "Option",
    "Problem",
    "Program",
    "Repository",
    "Section",
    "ValidationFailed",
    "Wave",
    "WaveContext",
    "WaveResult",
    "Workspace",
    "__version__",
    "audit_from_dict",
    "audit_to_dict",
    "export_bundle",
    "import_paths",
    "load_any_standard",
    "load_checklists_dir",
    "load_rescore",
    "load_standards_into",
    "load_wave_result",
    "parse_condition",
    "prepare_wave",
    "read_audit_file",
    "read_bundle",
    "read_dealers",
    "read_field_export",
    "read_form",
    "render_all",
    "render_dealer_pdf",
    "render_region_pdf",
    "rescore_under",
    "score_audit",
    "score_wave",
    "validate_audit",
    "wave_result_to_dict",
    "write_audit_file",
    "write_bundle",
    "write_form",
    "write_network_workbook",
]

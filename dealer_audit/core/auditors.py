"""An auditor (暗访员 / 稽核员) as master data: who may be planned, where they live, whose key signs their bundles."""

from __future__ import annotations

from dataclasses import dataclass

from dealer_audit.core.standard import LocalText


@dataclass(frozen=True)
class Auditor:
    id: str  # unique; audits carry it, or the zh/en name, in `auditor` (core/auditor_lookup.py matches them)
    name: LocalText
    home_region: str
    languages: tuple[str, ...] = ()
    active: bool = True

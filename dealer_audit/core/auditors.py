"""An auditor (暗访员 / 稽核员) as master data: who may be planned, where they live, whose key signs their bundles."""

from __future__ import annotations

from dataclasses import dataclass

from dealer_audit.core.standard import LocalText


@dataclass(frozen=True)
class Auditor:
    id: str  # the name audits carry in their `auditor` field
    name: LocalText
    home_region: str
    languages: tuple[str, ...] = ()
    active: bool = True

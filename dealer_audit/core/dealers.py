"""A dealer (4S store) as master data: one record per dealer code, the attributes conditions may test."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dealer_audit.core.standard import LocalText

AttributeValue = str | int | float | bool


@dataclass(frozen=True)
class Dealer:
    code: str
    name: LocalText
    region: str  # region code, one of the program's regions
    province: str = ""
    city: str = ""
    group: str = ""  # dealer group (经销商集团)
    brand: str = ""
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)  # e.g. has_ev_service: True

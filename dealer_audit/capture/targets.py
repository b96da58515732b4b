"""What an auditor names on the command line (dealer, standard, wave) resolved against the database.

Shared by `capture` and `form` so both accept the same spellings and fail with the same suggestions.
"""

from __future__ import annotations

from typing import Protocol

from dealer_audit.core.dealers import Dealer
from dealer_audit.core.lookup import did_you_mean_hint
from dealer_audit.core.standard import Checklist, Wave
from dealer_audit.errors import NotFound


class TargetRepository(Protocol):
    def get_dealer(self, code: str) -> Dealer: ...
    def get_standard(self, standard_id: str, version: str) -> Checklist: ...
    def latest_standard(self, standard_id: str) -> Checklist: ...
    def list_waves(self) -> list[Wave]: ...


def split_standard(text: str) -> tuple[str, str | None]:
    """`svc-mystery-shop` (latest version) or `svc-mystery-shop@2026.1` (that version)."""
    standard_id, _, version = text.partition("@")
    return standard_id.strip(), (version.strip() or None)


def resolve_target(repo: TargetRepository, dealer_code: str, standard: str, wave: str) -> tuple[Dealer, Checklist]:
    """The dealer and standard version to audit; NotFound (with "did you mean") for unknown names. A wave is
    checked against the programs' waves when any are loaded (a workspace without a program accepts any)."""
    dealer = repo.get_dealer(dealer_code)
    standard_id, version = split_standard(standard)
    checklist = repo.get_standard(standard_id, version) if version else repo.latest_standard(standard_id)
    known_waves = [w.code for w in repo.list_waves()]
    if known_waves and wave not in known_waves:
        # the tool's one did-you-mean (as `kpis` and reports guess waves), not the wizard's looser item-id rule
        close, known = did_you_mean_hint(wave, known_waves), ", ".join(known_waves)
        tail_en, tail_zh = (f"; {close.en}", f"；{close.zh}") if close.en else ("", "")
        raise NotFound(
            f"unknown wave {wave}{tail_en} (known waves: {known})",
            zh=f"未知的稽核批次 {wave}{tail_zh}（已有批次：{known}）",
        )
    return dealer, checklist

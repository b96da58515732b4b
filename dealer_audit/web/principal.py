"""Who is asking, and what they may see or change (the rules; accounts and sign-in live in web/accounts.py).

On a loopback-only server nobody signs in: the person at the laptop is the `local` principal with HQ rights.
On any other address every request belongs to a signed-in account: an auditor sees and edits their own drafts,
a regional manager sees only their regions, HQ sees all, and a dealer account sees its own dealer(s) — their
actions and disputes — and nothing else: no network or region page, no audit of another dealer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dealer_audit.core.accounts import Role

__all__ = ["LOCAL_PRINCIPAL", "Principal", "Role"]


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role
    regions: frozenset[str] = field(default_factory=frozenset)
    display_name: str = ""
    dealers: frozenset[str] = field(default_factory=frozenset)  # a dealer account's own dealer codes

    def sees_region(self, region: str) -> bool:
        """HQ reads every region's scores; a regional manager only their own; auditors and dealers none."""
        return self.role is Role.HQ or (self.role is Role.REGIONAL and region in self.regions)

    def sees_dealer(self, code: str, region: str) -> bool:
        """A dealer's actions and disputes: HQ all, a regional manager those of their regions, a dealer account
        only its own dealer(s); auditors none (they capture, they do not follow up)."""
        return self.sees_region(region) or (self.role is Role.DEALER and code in self.dealers)

    @property
    def is_dealer(self) -> bool:
        return self.role is Role.DEALER

    @property
    def may_capture(self) -> bool:
        """Auditors capture, HQ may capture or correct; regional managers and dealers never."""
        return self.role in (Role.AUDITOR, Role.HQ)

    @property
    def sees_everything(self) -> bool:
        return self.role is Role.HQ

    def may_view_audit(self, auditor: str, region: str) -> bool:
        """An audit (draft or final) may be opened by HQ, by its own auditor, and read by its region's manager."""
        return self.role is Role.HQ or self.may_edit_audit(auditor) or self.sees_region(region)

    def may_edit_audit(self, auditor: str) -> bool:
        """Drafts belong to the auditor who started them; HQ may correct any."""
        return self.role is Role.HQ or (self.role is Role.AUDITOR and auditor == self.name)


LOCAL_PRINCIPAL = Principal(name="local", role=Role.HQ, display_name="local")

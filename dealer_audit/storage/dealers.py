"""Storage of dealer master data: upserted in one transaction, found by code with close-match suggestions.

A mixin of `Repository` (storage/repository.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dealer_audit.core.dealers import Dealer
from dealer_audit.core.lookup import did_you_mean_hint
from dealer_audit.core.standard import LocalText
from dealer_audit.errors import Message, NotFound
from dealer_audit.storage import limits
from dealer_audit.storage import models as m
from dealer_audit.storage.common import StoreBase, chunks_of

_dealers = m.table("dealers")
_LOAD_DEALERS = Message(
    "load dealers with `dealer-audit dealers import`", "请先用 `dealer-audit dealers import` 导入经销商"
)


@dataclass(frozen=True)
class DealerSaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class DealerStore(StoreBase):
    """Dealers (mixed into Repository)."""

    # ---- dealers ---------------------------------------------------------------------------------------------

    @staticmethod
    def _dealer_values(dealer: Dealer) -> dict[str, Any]:
        return {
            "name_zh": dealer.name.zh,
            "name_en": dealer.name.en,
            "region": dealer.region,
            "province": dealer.province,
            "city": dealer.city,
            "group_name": dealer.group,
            "brand": dealer.brand,
            "attributes": json.dumps(dict(dealer.attributes), ensure_ascii=False, sort_keys=True),
        }

    @staticmethod
    def _dealer_from_row(row: m.DealerRow) -> Dealer:
        return Dealer(
            code=row.code,
            name=LocalText(row.name_zh, row.name_en),
            region=row.region,
            province=row.province,
            city=row.city,
            group=row.group_name,
            brand=row.brand,
            attributes=json.loads(row.attributes or "{}"),
        )

    def save_dealers(self, dealers: Iterable[Dealer]) -> DealerSaveResult:
        """Insert or update dealers by code, all in one transaction (a master-data file loads fully or not at all)."""
        by_code = {d.code: d for d in dealers}  # a later row for the same code wins
        for dealer in by_code.values():
            name = repr(dealer.code[:60])
            limits.refuse_unstorable(Message(f"dealer {name}", f"经销商 {name}"), limits.dealer_issues(dealer))

        def work(session: Session) -> DealerSaveResult:
            created = updated = unchanged = 0
            codes = list(by_code)
            existing: dict[str, m.DealerRow] = {}
            for chunk in chunks_of(codes):
                for row in session.execute(sa.select(m.DealerRow).where(_dealers.c.code.in_(chunk))).scalars():
                    existing[row.code] = row
            for code, dealer in by_code.items():
                values = self._dealer_values(dealer)
                found = existing.get(code)
                if found is None:
                    session.add(m.DealerRow(code=code, **values))
                    created += 1
                elif all(getattr(found, k) == v for k, v in values.items()):
                    unchanged += 1
                else:
                    for key, value in values.items():
                        setattr(found, key, value)
                    updated += 1
            return DealerSaveResult(created, updated, unchanged)

        return self._write(work)

    def _dealer_codes(self) -> list[str]:
        with self._read() as session:
            return list(session.execute(sa.select(_dealers.c.code)).scalars())

    def get_dealer(self, code: str) -> Dealer:
        """A dealer by code; NotFound suggests close codes (SH001 for sh001, SH01 …)."""
        with self._read() as session:
            row = session.get(m.DealerRow, code)
            if row is not None:
                return self._dealer_from_row(row)
        unknown = self.unknown_dealer_message(code)
        raise NotFound(unknown.en, zh=unknown.zh)

    def unknown_dealer_message(self, code: str) -> Message:
        """`unknown dealer CODE (did you mean …?)`, else how to load dealers, in both languages: one read of the
        stored codes and one scan (thousands of codes) for both texts. The one wording of an unknown dealer for
        every caller (get_dealer, the importer)."""
        hint = did_you_mean_hint(code, self._dealer_codes(), otherwise=_LOAD_DEALERS)
        return Message(f"unknown dealer {code} ({hint.en})", f"未知经销商 {code}（{hint.zh}）")

    def list_dealers(self, region: str | None = None) -> list[Dealer]:
        with self._read() as session:
            query = sa.select(m.DealerRow).order_by(_dealers.c.code)
            if region is not None:
                query = query.where(_dealers.c.region == region)
            return [self._dealer_from_row(r) for r in session.execute(query).scalars()]

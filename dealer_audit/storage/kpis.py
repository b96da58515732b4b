"""Storage of measured KPI values (a mixin of `Repository`, like storage/field_operations.py).

A KPI file is stored whole or not at all: one transaction deletes the wave's rows that came from the same file
name and inserts the file's values, so importing a corrected export again replaces it, and importing the same
file twice leaves the same rows. A value another file had given for the same dealer and KPI is taken over by the
newer file (the count is returned, so the CLI can say so).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dealer_audit.core.kpis import KpiValue
from dealer_audit.storage import models as m

T = TypeVar("T")

_values = m.table("kpi_values")


@dataclass(frozen=True)
class KpiImport:
    """What one stored KPI file changed."""

    wave: str
    source: str
    stored: int  # values of the file now stored
    dropped: int  # values the file gave last time and no longer gives
    taken_over: int  # values another file had given for the same dealer and KPI


class KpiValueStore:
    """KPI values per wave (mixed into Repository)."""

    if TYPE_CHECKING:

        def _write(self, work: Callable[[Session], T]) -> T: ...
        def _read(self) -> AbstractContextManager[Session]: ...

    def replace_kpi_values(self, wave: str, source: str, values: Sequence[KpiValue]) -> KpiImport:
        """Store a file's values for the wave in one transaction, replacing what the same file gave before."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [
            {
                "wave": wave,
                "dealer_code": v.dealer_code,
                "kpi_id": v.kpi_id,
                "value": float(v.value),
                "base_n": v.base_n,
                "source_file": source,
                "imported_at": now,
            }
            for v in values
        ]
        keys = {(v.dealer_code, v.kpi_id) for v in values}

        def work(session: Session) -> KpiImport:
            existing = session.execute(
                sa.select(_values.c.dealer_code, _values.c.kpi_id, _values.c.source_file).where(_values.c.wave == wave)
            ).all()
            own = {(r.dealer_code, r.kpi_id) for r in existing if r.source_file == source}
            others = {(r.dealer_code, r.kpi_id) for r in existing if r.source_file != source} & keys
            session.execute(sa.delete(_values).where(_values.c.wave == wave, _values.c.source_file == source))
            for dealer_code, kpi_id in sorted(others):
                session.execute(
                    sa.delete(_values).where(
                        _values.c.wave == wave, _values.c.dealer_code == dealer_code, _values.c.kpi_id == kpi_id
                    )
                )
            if rows:
                session.execute(sa.insert(_values), rows)
            return KpiImport(wave, source, len(rows), len(own - keys), len(others))

        return self._write(work)

    def list_kpi_values(self, wave: str, kpi_id: str | None = None) -> list[KpiValue]:
        """The wave's stored values (every KPI, or one), by dealer then KPI."""
        query = sa.select(_values).where(_values.c.wave == wave)
        if kpi_id is not None:
            query = query.where(_values.c.kpi_id == kpi_id)
        query = query.order_by(_values.c.dealer_code, _values.c.kpi_id)
        with self._read() as session:
            return [
                KpiValue(r.dealer_code, r.kpi_id, float(r.value), r.base_n, r.source_file)
                for r in session.execute(query)
            ]

    def kpi_waves(self) -> list[str]:
        """The waves with stored KPI values."""
        with self._read() as session:
            return sorted(session.scalars(sa.select(_values.c.wave).distinct()))

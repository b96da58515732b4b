"""An auditor's wave plan as an iCalendar file (RFC 5545), written with the `icalendar` library.

Why all-day events: the plan fixes the day of a visit, not the hour (mystery shoppers choose the time so the
dealer cannot expect them). Each event's UID is derived from wave, dealer, standard and auditor, so importing a
revised plan into the auditor's calendar updates the events instead of duplicating them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event

from dealer_audit.core.dealers import Dealer
from dealer_audit.core.planning import PlannedVisit
from dealer_audit.formats.files import write_atomically


def visit_uid(wave: str, visit: PlannedVisit) -> str:
    key = f"{wave}|{visit.dealer_code}|{visit.standard_id}|{visit.auditor_id}"
    return hashlib.sha256(key.encode()).hexdigest()[:32] + "@dealer-audit"


def plan_calendar(
    wave: str, visits: Sequence[PlannedVisit], dealers: Mapping[str, Dealer], lang: str, stamp: datetime | None = None
) -> bytes:
    """The .ics bytes of one auditor's visits (all-day events; location = dealer's city)."""
    calendar = Calendar()
    calendar.add("prodid", "-//dealer-audit//wave plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{wave} 稽核计划" if lang == "zh" else f"{wave} audit plan")
    created = stamp or datetime.now(UTC)
    for visit in visits:
        dealer = dealers.get(visit.dealer_code)
        name = dealer.name.get(lang) if dealer else visit.dealer_code
        event = Event()
        event.add("uid", visit_uid(wave, visit))
        event.add("dtstamp", created)
        event.add("dtstart", visit.day)
        event.add("dtend", visit.day + timedelta(days=1))
        double = (" · 双人稽核" if lang == "zh" else " · double audit") if visit.double else ""
        event.add("summary", f"{visit.dealer_code} {name} · {visit.standard_id}{double}")
        if dealer is not None:
            event.add("location", " ".join(p for p in (dealer.province, dealer.city) if p))
        event.add("description", f"wave {wave}; dealer {visit.dealer_code}; standard {visit.standard_id}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def write_plan_calendar(path: Path, data: bytes) -> Path:
    """Write atomically: a failed write leaves the previous calendar, never half of one."""
    write_atomically(path, lambda temp: temp.write_bytes(data))
    return path

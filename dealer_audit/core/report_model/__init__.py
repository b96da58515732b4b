"""The report model: every number and text a report shows, computed once, handed to every renderer.

Why a separate model: the dealer PDF, the dealer workbook, the regional PDF and the HQ workbook must never
disagree. So the scoring results are turned, in one pure place, into plain frozen dataclasses whose fields are
exactly what a reader sees — texts already in the report's language, numbers kept at full precision (`value`,
for workbooks and formulas) *and* display-rounded (`text`, 1 decimal half away from zero, "N/A" when missing).
Renderers only lay these out; they compute nothing but positions.

The builders (`build_dealer_report`, `build_region_report`, `build_network_report`) read a `WaveResult` from
core/aggregate.py; everything they need that the roll-ups do not carry is derived here from the item scores.

The package: `display` (rounding, Figure, Span), `labels` (every fixed text), `files` (file names), `common`
(what the builders share), and one module per report: `dealer`, `region`, `network`. Importing from the package
itself is the public way in.
"""

from dealer_audit.core.report_model.common import (
    DealerIdentity,
    Footer,
    Result,
    SectionColumn,
    StandardColumns,
    StandardKey,
    answer_text,
    item_result,
)
from dealer_audit.core.report_model.dealer import (
    ActionRow,
    AuditBlock,
    ChecklistLine,
    DealerReport,
    EvidenceView,
    ItemRow,
    Notice,
    Opportunity,
    SectionBlock,
    SectionComparison,
    TrendPoint,
    build_dealer_report,
)
from dealer_audit.core.report_model.display import (
    NA_TEXT,
    NO_BAND,
    BandTag,
    ChangeLabel,
    Figure,
    Rank,
    Span,
    change_label,
    fmt_delta,
    fmt_number,
    fmt_percent,
    fmt_points,
    rank_range_text,
    round_half_away,
)
from dealer_audit.core.report_model.files import (
    dealer_file_stem,
    region_file_stem,
    safe_file_stem,
)
from dealer_audit.core.report_model.labels import (
    LABELS,
    label,
    label_format,
    labels_under,
)
from dealer_audit.core.report_model.network import (
    ActionLine,
    AnswerRow,
    AuditLine,
    BandRule,
    ComplianceLine,
    DealerLine,
    DisputeLine,
    DisputeRateLine,
    NetworkReport,
    build_network_report,
    raw_value_text,
)
from dealer_audit.core.report_model.region import (
    HEAT_TENTHS,
    ActionFollowUp,
    BandCount,
    DealerNotice,
    FailedItem,
    HeatColumn,
    HeatRow,
    LeagueRow,
    RegionReport,
    band_counts,
    build_region_report,
    league_row,
)

__all__ = [
    "HEAT_TENTHS",
    "LABELS",
    "NA_TEXT",
    "NO_BAND",
    "ActionFollowUp",
    "ActionLine",
    "ActionRow",
    "AnswerRow",
    "AuditBlock",
    "AuditLine",
    "BandCount",
    "BandRule",
    "BandTag",
    "ChangeLabel",
    "ChecklistLine",
    "ComplianceLine",
    "DealerIdentity",
    "DealerLine",
    "DealerNotice",
    "DealerReport",
    "DisputeLine",
    "DisputeRateLine",
    "EvidenceView",
    "FailedItem",
    "Figure",
    "Footer",
    "HeatColumn",
    "HeatRow",
    "ItemRow",
    "LeagueRow",
    "NetworkReport",
    "Notice",
    "Opportunity",
    "Rank",
    "RegionReport",
    "Result",
    "SectionBlock",
    "SectionColumn",
    "SectionComparison",
    "Span",
    "StandardColumns",
    "StandardKey",
    "TrendPoint",
    "answer_text",
    "band_counts",
    "build_dealer_report",
    "build_network_report",
    "build_region_report",
    "change_label",
    "dealer_file_stem",
    "fmt_delta",
    "fmt_number",
    "fmt_percent",
    "fmt_points",
    "item_result",
    "label",
    "label_format",
    "labels_under",
    "league_row",
    "rank_range_text",
    "raw_value_text",
    "region_file_stem",
    "round_half_away",
    "safe_file_stem",
]

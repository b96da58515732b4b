"""Display helpers and the small value types every report shows: one place where rounding for display happens."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from dealer_audit.core.intervals import SIGNIFICANCE_TEXT, DeltaTest, Significance
from dealer_audit.core.stats import Interval

NA_TEXT = "N/A"


def round_half_away(value: float, decimals: int = 1) -> float:
    """Round for display, half away from zero (87.25 -> 87.3, -0.05 -> -0.1), unlike Python's banker's round."""
    return _rounded(repr(value), decimals)


@lru_cache(maxsize=1 << 16)
def _rounded(text: str, decimals: int) -> float:
    """Cached by the value's repr (exact, and -0.0 apart from 0.0): a region or HQ report rounds tens of
    thousands of figures, many of them the same, and a Decimal round trip is most of a figure's cost."""
    return float(Decimal(text).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def fmt_number(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return NA_TEXT
    rounded = round_half_away(value, decimals)
    if rounded == 0:
        rounded = 0.0  # never show "-0.0"
    return f"{rounded:.{decimals}f}"


def fmt_delta(value: float | None, decimals: int = 1) -> str:
    """A wave-over-wave change with its sign ("+2.1", "-10.0", "0.0"); "–" when there is no previous wave."""
    if value is None:
        return "–"
    rounded = round_half_away(value, decimals)
    if rounded == 0:
        return f"{0:.{decimals}f}"
    return f"{rounded:+.{decimals}f}"


def fmt_percent(value: float | None, decimals: int = 1) -> str:
    """A share in 0..1 shown as a percentage ("83.3%")."""
    return NA_TEXT if value is None else f"{fmt_number(value * 100, decimals)}%"


def fmt_points(value: float | None) -> str:
    """Item points: integers without decimals, fractions with up to two ("1.5", "0.25")."""
    if value is None:
        return "–"
    rounded = round_half_away(value, 2)
    text = f"{rounded:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as a report shows it: full precision for workbooks, display text for PDFs and labels."""

    value: float | None
    text: str

    @classmethod
    def of(cls, value: float | None, decimals: int = 1) -> Figure:
        return cls(value, fmt_number(value, decimals))

    @classmethod
    def delta(cls, value: float | None, decimals: int = 1) -> Figure:
        return cls(value, fmt_delta(value, decimals))

    @classmethod
    def share(cls, value: float | None, decimals: int = 1) -> Figure:
        return cls(value, fmt_percent(value, decimals))


@dataclass(frozen=True, slots=True)
class Span:
    """A 95% interval as a report shows it: both ends as figures, and "812.3–870.1" as text."""

    low: Figure
    high: Figure

    @property
    def text(self) -> str:
        return f"{self.low.text}–{self.high.text}"

    @classmethod
    def of(cls, interval: Interval | None, factor: float = 1.0) -> Span | None:
        if interval is None:
            return None
        return cls(Figure.of(interval.low * factor), Figure.of(interval.high * factor))


@dataclass(frozen=True, slots=True)
class ChangeLabel:
    """Is a change real? `code` is the label (significant / within noise / insufficient data), `text` the same
    in the report language, `q` the false-discovery-adjusted p value (None when it could not be tested)."""

    code: str
    text: str
    q: float | None = None
    short: str = ""  # for narrow table columns ("noise", "误差内")

    @property
    def significant(self) -> bool:
        return self.code == Significance.SIGNIFICANT.value


def change_label(test: DeltaTest | None, lang: str) -> ChangeLabel | None:
    if test is None:
        return None
    key = "zh" if lang.startswith("zh") else "en"
    return ChangeLabel(test.label.value, SIGNIFICANCE_TEXT[test.label][key], test.q, _SHORT_LABELS[test.label][key])


_SHORT_LABELS: dict[Significance, dict[str, str]] = {
    Significance.SIGNIFICANT: {"zh": "显著", "en": "signif."},
    Significance.NOISE: {"zh": "误差内", "en": "noise"},
    Significance.INSUFFICIENT: {"zh": "数据不足", "en": "no data"},
}


def rank_range_text(best: int | None, worst: int | None) -> str:
    """ "3–9", or "3" when the rank is certain; "" without a range."""
    if best is None or worst is None:
        return ""
    return str(best) if best == worst else f"{best}–{worst}"


@dataclass(frozen=True, slots=True)
class BandTag:
    """A band as shown: its code (for conditional colours), label in the report language and colour."""

    code: str
    label: str
    color: str


NO_BAND = BandTag("", NA_TEXT, "#9e9e9e")


@dataclass(frozen=True, slots=True)
class Rank:
    position: int | None
    of: int

    @property
    def text(self) -> str:
        return NA_TEXT if self.position is None else f"{self.position} / {self.of}"

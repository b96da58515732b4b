"""Tables on a narrow terminal or a pipe (rich treats a pipe as 80 columns): figures are never cut."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from dealer_audit.cli import console

COLUMNS = ["#", "dealer", "name", "region", "index /1000", "band", "Δ", "alerts"]
ROWS = [
    ["24–28", "GZ001", "广州天河星驰汽车销售服务有限公司", "south", "609.8", "Fair", "−311.1", "9"],
    ["1", "SH001", "Shanghai Pudong Xingchi Motor Sales and Service", "east", "971.1", "Excellent", "+54.0", ""],
]


def render(width: int, optional: tuple[str, ...] = ()) -> str:
    buffer = io.StringIO()
    console.out = Console(file=buffer, width=width, highlight=False, soft_wrap=False)
    console.print_table(COLUMNS, ROWS, title="2026-Q4", optional=optional)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _restore() -> object:
    yield
    console.reset_for_tests(120)


@pytest.mark.parametrize("width", [80, 64, 50])
def test_figures_are_whole_at_any_width(width: int) -> None:
    text = render(width, optional=("name", "region", "band"))
    assert max(len(line) for line in text.splitlines()) <= width
    for figure in ("24–28", "609.8", "−311.1", "+54.0", "971.1", "GZ001", "SH001"):
        assert figure in text, (width, figure)
    assert "alerts" in text


def test_optional_columns_go_first_and_are_named() -> None:
    text = render(64, optional=("name", "region", "band"))
    assert "广州" not in text and "(not shown at 64 columns: name" in text
    assert "609.8" in text and "Fair" in text


def test_too_narrow_for_any_table_prints_tab_separated_text() -> None:
    text = render(30)
    lines = text.splitlines()
    assert lines[0] == "2026-Q4"
    assert lines[1].split("\t") == COLUMNS
    assert lines[2].split("\t") == ROWS[0]  # every cell whole, the long name too

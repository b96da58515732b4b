"""Class 8 of issue 12: notes and names with a 20,000-character word, emoji, Hebrew and Arabic render in every
report (dealer PDF and workbook, region PDF, HQ workbook) through the CLI: long text wraps or is cut with an
ellipsis, every character drawn is one its font has (checked against the embedded fonts' character maps), a
character no font has is named, and no workbook cell exceeds Excel's 32,767 characters."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from dealer_audit.render.pdf.fonts import fonts

FIXTURES = Path(__file__).parents[1] / "fixtures"
WORD = "A" * 20_000
HEBREW = "שלום עולם"
ARABIC = "مرحبا بالعالم"
MIXED = f"顾客很满意 😀👍🏽 good ✓ {HEBREW} and {ARABIC} done"
HUGE = "x" * 40_000  # longer than an Excel cell


def _cmap(source: str) -> frozenset[int]:
    from reportlab.pdfbase.ttfonts import TTFont

    path, _, index = source.partition("#")
    return frozenset(TTFont("probe", path, subfontIndex=int(index or 0)).face.charToGlyph)


def drawn_text(pdf: Path) -> dict[str, str]:
    """Every character shown on every page, grouped by the base font it is shown in."""
    by_font: dict[str, list[str]] = {}

    def visit(text: str, cm: object, tm: object, font: dict | None, size: float) -> None:
        if font is not None and text:
            by_font.setdefault(str(font.get("/BaseFont")), []).append(text)

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return {name: "".join(parts) for name, parts in by_font.items()}


@pytest.fixture
def hostile_ws(cli, workspace, tmp_path):
    """The mini workspace with a dealer whose names hold emoji, Hebrew and Arabic, and an audit whose notes hold
    a 20,000-character word, a 40,000-character note and mixed scripts (imported through the CLI)."""
    workspace.close()
    dealers = tmp_path / "dealers.csv"
    dealers.write_text(
        "code,name_zh,name_en,region,has_ev_service\n"
        f"SH001,上海浦东4S店 😀,Shanghai {HEBREW},east,true\nSH002,上海二店,Two {ARABIC},east,false\n",
        encoding="utf-8",
    )
    assert cli("dealers", "import", "-w", str(workspace.root), str(dealers)).exit_code == 0
    (tmp_path / "job.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    answers = {
        "R01": {"value": "no", "note": WORD, "evidence": [{"file": "job.jpg"}]},
        "R02": {"na": True},
        "R03": {"value": "no", "note": MIXED},
        "R04": {"value": 3, "note": "数" * 20_000},
        "W01": {"value": "wait"},
        "W02": {"value": 4},
        "W03": {"value": ["wifi"]},
        "W04": {"value": "yes"},
        "W06": {"value": "no", "note": HUGE},
    }
    audit = {
        "format": "dealer-audit/audit",
        "format_version": 1,
        "audit_id": str(uuid.uuid4()),
        "dealer": "SH001",
        "standard": {"id": "mini-service", "version": "2026.1"},
        "wave": "2026-Q4",
        "auditor": "王芳 😀",
        "status": "finalised",
        "answers": answers,
    }
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(audit, ensure_ascii=False), encoding="utf-8")
    result = cli("import", "-w", str(workspace.root), str(path))
    assert result.exit_code == 0, result.output
    return workspace.root


def test_every_report_renders_hostile_text_with_glyphs_its_fonts_have(cli, hostile_ws, tmp_path):
    out = tmp_path / "reports"
    for args in (
        ("report", "dealer", "SH001", "--wave", "2026-Q4", "--lang", "en", "--xlsx", "-o", str(out / "d-en.pdf")),
        ("report", "dealer", "SH001", "--wave", "2026-Q4", "--lang", "zh", "-o", str(out / "d-zh.pdf")),
        ("report", "region", "east", "--wave", "2026-Q4", "--lang", "en", "-o", str(out / "r-en.pdf")),
        ("consolidate", "--wave", "2026-Q4", "-o", str(out / "network.xlsx")),
    ):
        result = cli(*args, "-w", str(hostile_ws))
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output

    found = fonts()
    assert found.fallback is not None, "the fallback font (fonts-dejavu-core) is not installed"
    primary = _cmap(found.source)
    fallback_source = next(p for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",) if Path(p).is_file())
    secondary = _cmap(fallback_source)
    for pdf in ("d-en.pdf", "d-zh.pdf", "r-en.pdf"):
        shown = drawn_text(out / pdf)
        for base_font, text in shown.items():
            cmap = secondary if "DejaVu" in base_font else primary if "WenQuanYi" in base_font else frozenset()
            lacking = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap})
            assert not lacking, f"{pdf}: {base_font} shows characters it has no glyph for: {lacking[:20]}"
        everything = "".join(shown.values())
        assert "□" not in everything and "\ufffd" not in everything
        if pdf.startswith("d-"):
            assert "[grinning face]" in everything and "[thumbs up sign]" in everything  # named, not boxed
            assert set(HEBREW.replace(" ", "")) <= set(everything) and "ﻣ" in everything  # Arabic joined forms
            assert "A" * 30 in everything and "…" in everything  # the 20,000-character word: wrapped, then cut
            assert len(PdfReader(out / pdf).pages) < 12
        else:
            assert "ﺎﺒﺣﺮﻣ" in everything or "ﻣﺮﺣﺒﺎ" in everything  # the dealer name, joined, in some order

    for book in ("d-en.xlsx", "network.xlsx"):
        workbook = openpyxl.load_workbook(out / book, read_only=True)
        longest = max(
            len(value) for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row
            if isinstance(value, str)
        )  # fmt: skip
        assert longest <= 32_767
        notes = [v for s in workbook for r in s.iter_rows(values_only=True) for v in r if isinstance(v, str)]
        assert any(v.endswith("the full text is in the database]") for v in notes)
        assert any(WORD in v for v in notes)  # 20,000 characters fit a cell: kept whole


def test_the_rendered_pages_rasterise(cli, hostile_ws, tmp_path):
    """poppler draws every page (a PDF with a broken font program or stream fails here)."""
    pdf = tmp_path / "d.pdf"
    assert cli("report", "dealer", "SH001", "-w", str(hostile_ws), "--wave", "2026-Q4", "-o", str(pdf)).exit_code == 0
    done = subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], capture_output=True)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(PdfReader(pdf).pages) and all(p.stat().st_size > 2000 for p in pages)


def test_a_cell_never_outgrows_half_a_page():
    from dealer_audit.render.pdf.text import ELLIPSIS, MAX_LINES, wrap_text

    regular = fonts().regular
    for text in (WORD, "数" * 20_000, "word " * 5000, "\n".join(["line"] * 500)):
        lines = wrap_text(fonts().clean(text), regular, 7.5, 150.0)
        assert len(lines) == MAX_LINES and lines[-1].endswith(ELLIPSIS)
    assert wrap_text("short text", regular, 7.5, 150.0) == ["short text"]

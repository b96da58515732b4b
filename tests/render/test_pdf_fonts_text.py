"""CJK font resolution, glyph cleaning and the lean text wrapper that table cells use."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealer_audit.errors import ConfigurationError
from dealer_audit.render.pdf import fonts as fonts_module
from dealer_audit.render.pdf.fonts import ENV_VAR, FontSpec, fonts, resolve_font
from dealer_audit.render.pdf.text import text_width, wrap_text


def test_font_spec_parses_collection_index() -> None:
    assert FontSpec.parse("/x/msyh.ttc#1") == FontSpec(Path("/x/msyh.ttc"), 1)
    assert FontSpec.parse("C:\\Windows\\Fonts\\simsun.ttc") == FontSpec(Path("C:\\Windows\\Fonts\\simsun.ttc"), 0)


def test_configured_font_that_does_not_exist_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "/nowhere/font.ttf")
    with pytest.raises(ConfigurationError) as caught:
        resolve_font()
    assert "/nowhere/font.ttf" in str(caught.value)
    assert "fonts-wqy-microhei" in str(caught.value)


def test_no_font_anywhere_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts_module, "CANDIDATES", (("/nowhere/a.ttc#0", None),))
    with pytest.raises(ConfigurationError, match="apt-get install fonts-wqy-microhei"):
        resolve_font()


def test_env_var_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    spec, _ = resolve_font()
    monkeypatch.setenv(ENV_VAR, f"{spec.path}#{spec.index}")
    assert resolve_font()[0] == spec


def test_registered_font_covers_chinese_and_the_marks() -> None:
    f = fonts()
    assert f.has("经") and f.has("A")
    assert f.check is not None and f.cross is not None


def test_unsupported_glyphs_are_replaced_and_markup_escaped() -> None:
    f = fonts()
    cleaned = f.clean("ok 👍🏽 好")
    assert "👍" not in cleaned and cleaned.startswith("ok ") and cleaned.endswith(" 好")
    assert f.markup("<b>a & b</b>\nnext") == "&lt;b&gt;a &amp; b&lt;/b&gt;<br/>next"


def test_wrap_splits_long_words_and_keeps_width() -> None:
    f = fonts()
    word = "x" * 300
    lines = wrap_text(f"note {word} end", f.regular, 7.5, 100)
    assert "".join(lines).replace(" ", "").count("x") == 300
    assert all(text_width(line, f.regular, 7.5) <= 100 for line in lines)
    assert lines[0].startswith("note")


def test_wrap_breaks_chinese_anywhere_and_latin_at_spaces() -> None:
    f = fonts()
    chinese = wrap_text("服务顾问使用平板电脑接车并与客户一同环车检查", f.regular, 7.5, 40)
    assert len(chinese) > 1 and "".join(chinese) == "服务顾问使用平板电脑接车并与客户一同环车检查"
    latin = wrap_text("The service advisor checks the car in", f.regular, 7.5, 60)
    assert all(not line.startswith(" ") for line in latin)
    assert " ".join(latin) == "The service advisor checks the car in"


def test_wrap_keeps_explicit_newlines() -> None:
    f = fonts()
    assert wrap_text("a\nb", f.regular, 7.5, 100) == ["a", "b"]

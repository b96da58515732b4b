"""The package's public API: every name in `dealer_audit.__all__` imports, is documented, and the light names
stay light (`import dealer_audit` loads neither a database driver nor a renderer)."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import dealer_audit

ENTRY_POINTS = [name for name in dealer_audit.__all__ if name != "__version__"]


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_each_public_name_imports_and_is_documented(name: str) -> None:
    value = getattr(dealer_audit, name)
    doc = inspect.getdoc(value) or ""
    generated = f"{name}(" if inspect.isclass(value) else None  # a dataclass without a docstring gets its signature
    assert doc.strip() and not (generated and doc.startswith(generated)), f"{name} has no docstring"
    assert value.__module__.startswith("dealer_audit."), name


def test_the_main_entry_points_are_exported() -> None:
    wanted = {"prepare_wave", "score_wave", "score_audit", "load_wave_result", "Repository", "Workspace"}
    wanted |= {"import_paths", "read_audit_file", "read_dealers", "load_checklists_dir", "render_all"}
    assert wanted <= set(dealer_audit.__all__)
    assert "open" in vars(dealer_audit.Repository)  # Repository.open(url): the storage entry point


def test_unknown_names_still_raise_attribute_error() -> None:
    with pytest.raises(AttributeError):
        dealer_audit.no_such_thing  # noqa: B018


def test_import_stays_light() -> None:
    heavy = "('sqlalchemy', 'reportlab', 'openpyxl')"
    code = f"import sys, dealer_audit; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

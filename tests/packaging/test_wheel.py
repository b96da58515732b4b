"""The main job from an installed wheel, the way a pip user gets it: no clone, an empty folder.

The shipped standards, program and sample network are package data (dealer_audit/data/); before they were, a
wheel held none of them and `dealer-audit demo` / `generate` failed with "run the demo from a clone".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(
    ".git", "reports", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache", "tests"
)


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def test_top_level_folders_are_the_package_data() -> None:
    """The repository's checklists/ and sample_audits/ are the same files as the package's (symlinks)."""
    for name in ("checklists", "sample_audits"):
        assert (ROOT / name).resolve() == (ROOT / "dealer_audit" / "data" / name).resolve()
        assert any((ROOT / name).iterdir())


@pytest.mark.slow
def test_demo_and_generate_from_a_wheel_in_a_fresh_venv(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DEALER_AUDIT_WORKSPACE", "DEALER_AUDIT_DB")}
    source = tmp_path / "source"  # build from a copy: the build writes build/ and *.egg-info beside the sources
    shutil.copytree(ROOT, source, symlinks=True, ignore=SKIP)
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)], tmp_path, env)
    (wheel,) = wheels.glob("dealer_audit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "dealer_audit/data/checklists/program-2026.yaml" in names
    assert "dealer_audit/data/sample_audits/dealers.csv" in names
    assert any(n.startswith("dealer_audit/data/sample_audits/2026-Q4/") and n.endswith(".jpg") for n in names)

    target = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(target)
    python = target / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--no-deps", "--force-reinstall", "-q", str(wheel)], tmp_path, env)
    empty = tmp_path / "empty"
    empty.mkdir()
    where = _run([str(python), "-c", "import dealer_audit; print(dealer_audit.__file__)"], empty, env)
    assert str(target) in where.stdout  # the wheel's copy, not the clone's

    cli = str(target / "bin" / "dealer-audit")
    demo = _run([cli, "demo", "reports", "--lang", "en", "--jobs", "2"], empty, env)
    samples = Path(__file__).resolve().parents[2] / "sample_audits"
    shipped = sum(1 for wave in ("2026-Q3", "2026-Q4") for _ in (samples / wave).glob("*.json"))
    assert f"{shipped} audits" in demo.stdout
    pdfs = [p for p in (empty / "reports").rglob("*.pdf")]
    assert len(pdfs) >= 28 + 4

    _run([cli, "generate", "network", "--dealers", "5"], empty, env)
    audits = list((empty / "network").rglob("*.json"))
    assert audits and json.loads(audits[0].read_text(encoding="utf-8"))

"""Memory stays bounded whatever the input: an import run in a child process under RLIMIT_AS (address space).

The limit is the one documented in docs/storage.md (MEMORY_LIMIT). Before the readers streamed, the 512 MB
attachment below took the import past 1.1 GB of address space (it was read whole, twice); now it is refused
from its header, and a valid import still fits under the same limit — so the limit is neither too loose to
catch the regression nor so tight that everything fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.hostile.helpers import snapshot
from tests.hostile.test_hostile_field_exports import PHOTO, central_zip, odk_csv

MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space for a whole `dealer-audit import` process
ROOT = Path(__file__).parents[2]

_CHILD = """
import resource, runpy, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.argv = ["dealer-audit", *sys.argv[2:]]
runpy.run_module("dealer_audit", run_name="__main__")
"""


def _import_limited(ws_root: Path, path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "OPENBLAS_NUM_THREADS": "1",
        "COLUMNS": "200",
        "DEALER_AUDIT_LANG": "en",
    }
    env.pop("DEALER_AUDIT_DB", None)
    return subprocess.run(
        [sys.executable, "-c", _CHILD, str(MEMORY_LIMIT), "import", "-w", str(ws_root), str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS semantics")
def test_half_gigabyte_attachment_is_refused_within_the_memory_limit(ws_root, tmp_path):
    path = tmp_path / "central.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("mini-service.csv", odk_csv())
        with archive.open(f"media/{PHOTO}", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 22)
            for _ in range(128):  # 512 MB of zeros: about 2 MB on disk
                member.write(block)
    before = snapshot(ws_root)
    result = _import_limited(ws_root, path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"media/{PHOTO}" in output and "536,870,912 bytes" in output, output
    assert "MemoryError" not in output and "Traceback" not in output, output
    assert snapshot(ws_root) == before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS semantics")
def test_a_valid_import_fits_under_the_same_limit(ws_root, tmp_path):
    path = central_zip(tmp_path / "ok.zip", odk_csv(), {PHOTO: b"\xff\xd8\xff\xe0" + bytes(1 << 20)})
    result = _import_limited(ws_root, path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 imported" in result.stdout

"""KPI values in storage (storage/kpis.py, revision 0007) on SQLite and PostgreSQL: a file is stored whole or not
at all, a re-import of the same file replaces its values, and a first-release database upgrades to hold them."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from dealer_audit.core.kpis import KpiValue
from dealer_audit.errors import Conflict, ValidationFailed
from dealer_audit.formats.standard_yaml import load_program
from dealer_audit.services.kpis import import_kpi_file, kpi_values
from dealer_audit.storage import schema
from dealer_audit.storage.db import make_engine, normalise_url
from dealer_audit.storage.repository import Repository

SHIPPED = Path(__file__).parents[2] / "dealer_audit" / "data" / "checklists" / "program-2026.yaml"
V1 = Path(__file__).parents[1] / "fixtures" / "v1"


def values(*rows: tuple[str, str, float, int | None]) -> list[KpiValue]:
    return [KpiValue(code, kpi, value, base, "dms.csv") for code, kpi, value, base in rows]


def test_reimporting_a_file_replaces_its_values_idempotently(repo):
    first = repo.replace_kpi_values("2026-Q4", "dms.csv", values(("SH001", "nps", 40, 80), ("SH002", "nps", 20, 60)))
    assert (first.stored, first.dropped, first.taken_over) == (2, 0, 0)
    again = repo.replace_kpi_values("2026-Q4", "dms.csv", values(("SH001", "nps", 45, 90)))
    assert (again.stored, again.dropped, again.taken_over) == (1, 1, 0)  # SH002 is no longer in the file
    same = repo.replace_kpi_values("2026-Q4", "dms.csv", values(("SH001", "nps", 45, 90)))
    assert (same.stored, same.dropped) == (1, 0)
    assert repo.list_kpi_values("2026-Q4") == [KpiValue("SH001", "nps", 45.0, 90, "dms.csv")]
    other = repo.replace_kpi_values("2026-Q4", "survey.xlsx", [KpiValue("SH001", "nps", 50, 100, "survey.xlsx")])
    assert other.taken_over == 1  # the newer file's value stands, one value per dealer and KPI
    assert [(v.value, v.source) for v in repo.list_kpi_values("2026-Q4")] == [(50.0, "survey.xlsx")]
    assert repo.list_kpi_values("2026-Q3") == [] and repo.kpi_waves() == ["2026-Q4"]


def test_a_file_the_database_refuses_changes_nothing(repo):
    repo.replace_kpi_values("2026-Q4", "dms.csv", values(("SH001", "nps", 40, 80)))
    twice = values(("SH002", "nps", 10, 50), ("SH002", "nps", 11, 50))  # the same key twice: the insert fails
    with pytest.raises(Conflict):
        repo.replace_kpi_values("2026-Q4", "dms.csv", twice)
    assert repo.list_kpi_values("2026-Q4") == [KpiValue("SH001", "nps", 40.0, 80, "dms.csv")]


def test_a_file_with_one_bad_row_stores_nothing(loaded_repo, tmp_path):
    kpis = tuple(replace(k, cross_checks=()) for k in load_program(SHIPPED).kpis)  # the mini program's standards
    program = replace(loaded_repo.get_program(), kpis=kpis)
    loaded_repo.save_program(program)
    good = tmp_path / "dms.csv"
    good.write_text("dealer_code,kpi,value,base_n\nSH001,nps,40,80\nBJ001,nps,12,70\n", encoding="utf-8")
    assert import_kpi_file(loaded_repo, good, "2026-Q4").stored == 2
    good.write_text("dealer_code,kpi,value,base_n\nSH001,nps,55,80\nBJ001,nps,oops,70\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as failure:
        import_kpi_file(loaded_repo, good, "2026-Q4")
    assert [str(p) for p in failure.value.problems] == [f"{good}:3: value: 'oops' is not a number"]
    assert kpi_values(loaded_repo, "2026-Q4", "nps") == {"SH001": 40.0, "BJ001": 12.0}  # unchanged


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def v1_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        shutil.copytree(V1 / "workspace", tmp_path / "ws")
        return str(tmp_path / "ws" / "audit.db")
    return request.getfixturevalue("v1_pg_url")


def test_a_first_release_database_upgrades_to_hold_kpi_values(v1_url):
    engine = make_engine(normalise_url(v1_url))
    try:
        schema.upgrade(engine, normalise_url(v1_url))
    finally:
        engine.dispose()
    with Repository.open(v1_url) as repo:
        assert len(repo.list_audits()) == 14  # the first release's rows are still there
        repo.replace_kpi_values("2026-Q4", "dms.csv", values(("SH001", "tablet_checkin", 96, 1200)))
        assert repo.list_kpi_values("2026-Q4", "tablet_checkin")[0].value == 96.0

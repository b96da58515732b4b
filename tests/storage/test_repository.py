"""The repository on SQLite and PostgreSQL alike (every test here runs once per database via the `repo` fixture)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
import sqlalchemy as sa

from dealer_audit.core.answers import Answer, AuditStatus, EvidenceRef
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import LocalText
from dealer_audit.core.versions import version_key
from dealer_audit.errors import ConfigurationError, Conflict, NotFound, ValidationFailed
from dealer_audit.storage import models, schema
from dealer_audit.storage.audits import SaveOutcome, audit_digest
from dealer_audit.storage.repository import Repository


def test_open_creates_tables_and_records_schema_version(repo):
    assert repo.schema_version() == schema.head_version()
    names = set(sa.inspect(repo.engine).get_table_names())
    assert {"standards", "dealers", "audits", "answers", "evidence", "audit_trail", "waves"} <= names


def test_reopening_keeps_data(db_url, mini_standard):
    with Repository.open(db_url) as first:
        assert first.save_standard(mini_standard) is True
    with Repository.open(db_url) as second:
        assert second.get_standard("mini-service", "2026.1").content_hash == mini_standard.content_hash


def test_newer_schema_version_is_refused_naming_both_versions(db_url):
    with Repository.open(db_url) as repo, repo.engine.begin() as connection:
        connection.execute(models.SchemaInfo.__table__.update().values(value=str(schema.head_version() + 5)))
    with pytest.raises(ConfigurationError) as caught:
        Repository.open(db_url)
    message = str(caught.value)
    assert f"schema version {schema.head_version() + 5}" in message
    assert f"schema version {schema.head_version()}:" in message
    assert "upgrade dealer-audit" in message


# ---- standards -----------------------------------------------------------------------------------------------


def test_save_standard_is_idempotent_and_round_trips(repo, mini_standard):
    assert repo.save_standard(mini_standard) is True
    assert repo.save_standard(mini_standard) is False
    stored = repo.get_standard("mini-service", "2026.1")
    assert stored.content_hash == mini_standard.content_hash
    assert [i.id for i in stored.items()] == [i.id for i in mini_standard.items()]
    assert stored.items_by_id["R04"].bands == mini_standard.items_by_id["R04"].bands
    assert [s.id for s in repo.list_standards()] == ["mini-service"]


def test_same_version_with_other_content_is_a_conflict(repo, mini_standard):
    repo.save_standard(mini_standard)
    changed = dataclasses.replace(mini_standard, title=LocalText("改过的标题", "Changed title"))
    with pytest.raises(Conflict, match=r"mini-service version 2026\.1 is already stored with other content"):
        repo.save_standard(changed)
    assert repo.get_standard("mini-service", "2026.1").title == mini_standard.title


def test_latest_standard_compares_versions_numerically(repo, mini_standard):
    for version in ("2026.9", "2026.10", "2026.2"):
        repo.save_standard(dataclasses.replace(mini_standard, version=version))
    assert repo.latest_standard("mini-service").version == "2026.10"
    assert [s.version for s in repo.list_standards()] == ["2026.2", "2026.9", "2026.10"]
    assert version_key("2026.10") > version_key("2026.9")


def test_unknown_standard_names_stored_versions_and_close_ids(repo, mini_standard):
    repo.save_standard(mini_standard)
    with pytest.raises(NotFound, match=r"mini-service has no version 2025\.1; stored versions: 2026\.1"):
        repo.get_standard("mini-service", "2025.1")
    with pytest.raises(NotFound, match=r"unknown standard mini-servce \(did you mean mini-service\?\)"):
        repo.latest_standard("mini-servce")


# ---- programs, waves, dealers ----------------------------------------------------------------------------------


def test_program_round_trip_and_waves(repo, mini_program):
    with pytest.raises(NotFound, match="no program is loaded"):
        repo.get_program()
    assert repo.save_program(mini_program) is True
    assert repo.save_program(mini_program) is False
    program = repo.get_program()
    assert program.id == "mini-program-2026" and program.scale == 1000
    assert repo.get_program("mini-program-2026").waves == mini_program.waves
    assert [w.code for w in repo.list_waves()] == ["2026-Q3", "2026-Q4"]
    assert repo.list_waves()[0].title.zh == "2026年第三季度"


def test_dealers_upsert_and_lookup(repo, sample_dealers):
    result = repo.save_dealers(sample_dealers)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    moved = dataclasses.replace(sample_dealers[1], region="north", attributes={"has_ev_service": True, "bays": 12})
    result = repo.save_dealers([sample_dealers[0], moved])
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert repo.get_dealer("SH002").attributes == {"has_ev_service": True, "bays": 12}
    assert [d.code for d in repo.list_dealers(region="north")] == ["BJ001", "SH002"]
    assert repo.get_dealer("SH001").name.zh == "上海浦东4S店"


def test_unknown_dealer_suggests_close_codes(repo, sample_dealers):
    repo.save_dealers(sample_dealers)
    with pytest.raises(NotFound, match=r"unknown dealer sh001 \(did you mean SH001"):
        repo.get_dealer("sh001")
    with pytest.raises(NotFound, match=r"unknown dealer SH003 \(did you mean SH001, SH002"):
        repo.get_dealer("SH003")


def test_unknown_dealer_reads_the_codes_once_for_both_languages(repo, sample_dealers, monkeypatch):
    """The English and the Chinese once read (and scanned) every stored dealer code each."""
    repo.save_dealers(sample_dealers)
    reads = []
    real = repo._dealer_codes
    monkeypatch.setattr(repo, "_dealer_codes", lambda: reads.append(1) or real())
    with pytest.raises(NotFound) as refused:
        repo.get_dealer("sh001")
    assert len(reads) == 1
    assert str(refused.value).startswith("unknown dealer sh001 (did you mean SH001")
    assert refused.value.text("zh").startswith("未知经销商 sh001（是否应为 SH001")
    reads.clear()
    with pytest.raises(NotFound) as refused:
        repo.get_dealer("XX999")
    assert len(reads) == 1
    assert str(refused.value) == "unknown dealer XX999 (load dealers with `dealer-audit dealers import`)"
    assert refused.value.text("zh") == "未知经销商 XX999（请先用 `dealer-audit dealers import` 导入经销商）"


def test_save_dealers_refuses_what_the_database_cannot_hold_before_writing(repo, sample_dealers):
    too_long = Dealer("X" * 80, LocalText("太长", "too long"), "east")  # code longer than the column
    with pytest.raises(ValidationFailed, match="code: is 80 characters long; at most 50 fit"):
        repo.save_dealers([*sample_dealers, too_long])
    nul = Dealer("SH009", LocalText("上海\x00九店", "nine"), "east")  # PostgreSQL refuses NUL, SQLite would not
    with pytest.raises(ValidationFailed, match="name_zh: contains a NUL character"):
        repo.save_dealers([*sample_dealers, nul])
    assert repo.list_dealers() == []  # same on both databases: nothing written


# ---- audits ----------------------------------------------------------------------------------------------------


def test_audit_round_trip_keeps_every_value_type(loaded_repo, make_audit):
    audit = make_audit()
    photo = EvidenceRef("board.jpg", "ab" * 32, 1234, "image/jpeg")
    audit = audit.with_answer(Answer("W05", "board.jpg", evidence=(photo,), note="看板"))
    assert loaded_repo.save_audit(audit) is SaveOutcome.CREATED
    stored = loaded_repo.get_audit(audit.audit_id)
    assert stored.answers == audit.answers
    assert list(stored.answers) == list(audit.answers)  # order kept
    assert stored.visit_start == audit.visit_start and stored.visit_start.utcoffset().total_seconds() == 8 * 3600
    assert stored.answers["W03"].value == ("wifi", "drinks")
    assert stored.answers["R04"].value == 3 and isinstance(stored.answers["R04"].value, int)
    assert stored.standard_hash == loaded_repo.get_standard("mini-service", "2026.1").content_hash
    assert audit_digest(stored) == audit_digest(audit)
    assert [w.code for w in loaded_repo.list_waves()] == ["2026-Q3", "2026-Q4"]


def test_same_audit_twice_is_unchanged(loaded_repo, make_audit):
    audit = make_audit()
    assert loaded_repo.save_audit(audit) is SaveOutcome.CREATED
    assert loaded_repo.save_audit(dataclasses.replace(audit, source="again.json")) is SaveOutcome.UNCHANGED
    # 7 and 7.0 are the same answer whatever captured them
    as_float = audit.with_answer(dataclasses.replace(audit.answers["R04"], value=3.0))
    assert loaded_repo.save_audit(as_float) is SaveOutcome.UNCHANGED
    assert loaded_repo.count_audits() == 1


def test_other_content_for_a_stored_uuid_is_a_conflict_and_changes_nothing(loaded_repo, make_audit):
    audit = make_audit()
    loaded_repo.save_audit(audit)
    other = audit.with_answer(Answer("R01", "no", note="未使用平板"))
    with pytest.raises(Conflict, match=r"already stored \(revision 1\) with different content \(answers to R01\)"):
        loaded_repo.save_audit(other)
    assert loaded_repo.get_audit(audit.audit_id).answers["R01"].value == "yes"
    assert loaded_repo.audit_trail(audit.audit_id) == []


def test_the_conflict_names_the_differences_in_both_languages(loaded_repo, make_audit):
    """The fields that differ are named in the message's language: "auditor 王芳 → 李强" / "稽核员 王芳 → 李强"."""
    audit = make_audit(auditor="王芳")
    loaded_repo.save_audit(audit)
    other = dataclasses.replace(audit, auditor="李强").with_answer(Answer("R01", "no"))
    with pytest.raises(Conflict) as refused:
        loaded_repo.save_audit(other)
    assert "different content (auditor 王芳 → 李强; answers to R01)" in refused.value.text("en")
    assert "内容不同（稽核员 王芳 → 李强；R01的答案）" in refused.value.text("zh")
    assert "auditor" not in refused.value.text("zh")


def test_replace_makes_a_new_revision_with_a_trail_row(loaded_repo, make_audit):
    audit = make_audit()
    loaded_repo.save_audit(audit)
    other = audit.with_answer(Answer("R01", "no", note="未使用平板"))
    outcome = loaded_repo.save_audit(other, replace=True, who="hq-admin", why="auditor corrected R01")
    assert outcome is SaveOutcome.REPLACED
    stored = loaded_repo.get_audit(audit.audit_id)
    assert stored.revision == 2 and stored.answers["R01"].value == "no"
    (entry,) = loaded_repo.audit_trail(audit.audit_id)
    assert (entry.action, entry.who, entry.why, entry.revision) == ("replaced", "hq-admin", "auditor corrected R01", 2)
    assert "R01" in entry.details
    assert loaded_repo.save_audit(other, replace=True) is SaveOutcome.UNCHANGED  # no revision for nothing


def test_save_audits_is_all_or_nothing(loaded_repo, make_audit):
    first, second = make_audit(), make_audit(dealer_code="SH00X")
    with pytest.raises(NotFound, match=r"unknown dealer SH00X \(did you mean SH001, SH002"):
        loaded_repo.save_audits([first, second])
    assert loaded_repo.count_audits() == 0
    assert loaded_repo.save_audits([first, make_audit()]) == [SaveOutcome.CREATED, SaveOutcome.CREATED]


def test_audit_needs_known_standard_and_matching_hash(loaded_repo, make_audit):
    with pytest.raises(NotFound, match=r"mini-service has no version 2030\.1"):
        loaded_repo.save_audit(make_audit(standard_version="2030.1"))
    with pytest.raises(Conflict, match="the two copies of the standard differ"):
        loaded_repo.save_audit(make_audit(standard_hash="f" * 64))
    assert loaded_repo.count_audits() == 0


def test_autosave_answers_one_at_a_time(loaded_repo, make_audit):
    draft = make_audit(status=AuditStatus.DRAFT, answers={})
    loaded_repo.save_audit(draft)
    loaded_repo.save_answer(draft.audit_id, Answer("R01", "no", note="没有平板"))
    photo = EvidenceRef("r01.jpg", "cd" * 32, 99, "image/jpeg")
    audit = loaded_repo.save_answer(draft.audit_id, Answer("R01", "no", note="没有平板", evidence=(photo,)))
    audit = loaded_repo.save_answer(draft.audit_id, Answer("R02", na=True))
    assert list(audit.answers) == ["R01", "R02"]
    assert audit.answers["R01"].evidence == (photo,)
    assert loaded_repo.get_audit(draft.audit_id) == audit
    assert [r.ref for r in loaded_repo.list_evidence([draft.audit_id])] == [photo]
    audit = loaded_repo.delete_answer(draft.audit_id, "R01")
    assert list(audit.answers) == ["R02"] and loaded_repo.list_evidence() == []
    # the stored digest follows autosaves, so re-importing the current state is "unchanged"
    assert loaded_repo.save_audit(loaded_repo.get_audit(draft.audit_id)) is SaveOutcome.UNCHANGED


def test_finalise_and_changes_after_finalisation_are_trailed(loaded_repo, make_audit):
    draft = make_audit(status=AuditStatus.DRAFT)
    loaded_repo.save_audit(draft)
    final = loaded_repo.finalise(draft.audit_id, "王芳")
    assert final.status is AuditStatus.FINALISED
    assert loaded_repo.finalise(draft.audit_id, "someone else").status is AuditStatus.FINALISED
    with pytest.raises(Conflict, match="is finalised: changing R01 needs a reason"):
        loaded_repo.save_answer(draft.audit_id, Answer("R01", "no"))
    changed = loaded_repo.save_answer(draft.audit_id, Answer("R01", "no"), who="李经理", why="复核照片后更正")
    assert changed.revision == 2 and changed.answers["R01"].value == "no"
    trail = loaded_repo.audit_trail(draft.audit_id)
    assert [(t.action, t.who, t.revision) for t in trail] == [("finalised", "王芳", 1), ("answer_changed", "李经理", 2)]
    assert trail[1].details == 'R01: "yes" → "no"' and trail[1].why == "复核照片后更正"
    assert isinstance(trail[0].at, datetime)


def test_unknown_audit_and_prefix_lookup(loaded_repo, make_audit):
    audit = make_audit()
    loaded_repo.save_audit(audit)
    assert loaded_repo.get_audit(audit.audit_id[:8]).audit_id == audit.audit_id
    with pytest.raises(NotFound, match="no audit 00000000"):
        loaded_repo.get_audit("00000000")
    with pytest.raises(NotFound):
        loaded_repo.save_answer("00000000-0000-0000-0000-000000000000", Answer("R01", "yes"))


def test_list_audits_filters(loaded_repo, make_audit):
    audits = [
        make_audit(dealer_code="SH001", wave="2026-Q3"),
        make_audit(dealer_code="SH001", wave="2026-Q4"),
        make_audit(dealer_code="BJ001", wave="2026-Q4", status=AuditStatus.DRAFT),
    ]
    loaded_repo.save_audits(audits)
    assert len(loaded_repo.list_audits()) == 3
    assert {a.audit_id for a in loaded_repo.list_audits(wave="2026-Q4")} == {audits[1].audit_id, audits[2].audit_id}
    assert [a.audit_id for a in loaded_repo.list_audits(dealer_code="SH001", wave="2026-Q3")] == [audits[0].audit_id]
    assert [a.audit_id for a in loaded_repo.list_audits(status="draft")] == [audits[2].audit_id]
    assert loaded_repo.list_audits(standard_id="other") == []
    assert len(loaded_repo.list_audits(standard_id="mini-service", standard_version="2026.1")) == 3
    assert loaded_repo.list_audits(standard_version="2025.1") == []
    loaded = {a.audit_id: a for a in loaded_repo.list_audits()}
    assert all(loaded[a.audit_id].answers == a.answers for a in audits)


def test_list_audits_uses_a_fixed_number_of_queries(loaded_repo, make_audit):
    loaded_repo.save_audits([make_audit() for _ in range(30)])
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(loaded_repo.engine, "before_cursor_execute", record)
    try:
        audits = loaded_repo.list_audits(wave="2026-Q4")
    finally:
        sa.event.remove(loaded_repo.engine, "before_cursor_execute", record)
    assert len(audits) == 30 and all(len(a.answers) == 9 for a in audits)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3, selects


def test_database_failures_become_messages_not_tracebacks(repo):
    cascade = " CASCADE" if repo.dialect == "postgresql" else ""
    with repo.engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE dealers{cascade}")
    with pytest.raises(ConfigurationError, match="database error on"):
        repo.list_dealers()
    models.SQLModel.metadata.drop_all(repo.engine, tables=models.ALL_TABLES)  # next test gets a whole schema
    with repo.engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE {schema.VERSION_TABLE}")


def test_audit_kind_and_scenario_round_trip_and_are_part_of_the_content(loaded_repo, make_audit):
    from dealer_audit.core.answers import AuditKind

    session = make_audit(audit_id="cal-1", kind=AuditKind.CALIBRATION, scenario="CAL-2026-Q4-A")
    double = make_audit(audit_id="dbl-1", kind=AuditKind.DOUBLE)
    loaded_repo.save_audits([session, double, make_audit(audit_id="visit-1")])
    kinds = {a.audit_id: (a.kind, a.scenario) for a in loaded_repo.list_audits()}
    assert kinds == {
        "cal-1": (AuditKind.CALIBRATION, "CAL-2026-Q4-A"),
        "dbl-1": (AuditKind.DOUBLE, ""),
        "visit-1": (AuditKind.VISIT, ""),
    }
    assert loaded_repo.get_audit("cal-1").scenario == "CAL-2026-Q4-A"
    with pytest.raises(Conflict):  # the same UUID re-imported as an ordinary visit is other content
        loaded_repo.save_audit(make_audit(audit_id="cal-1"))

"""Importing audits into a workspace (library level), on SQLite and PostgreSQL, including two racing processes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import zipfile
from pathlib import Path

import pytest

from dealer_audit.core.answers import Answer, AuditStatus, EvidenceRef
from dealer_audit.errors import NotFound, ValidationFailed
from dealer_audit.formats.audit_json import write_audit_file
from dealer_audit.formats.bundle import write_bundle
from dealer_audit.services.importing import (
    FileStatus,
    export_bundle,
    import_paths,
    load_standards_into,
)
from dealer_audit.storage.workspace import Workspace

FIXTURES = Path(__file__).parents[1] / "fixtures"
PHOTO = b"\x89PNG\r\n\x1a\n a photo of the service board"
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()


@pytest.fixture
def hq(tmp_path, db_url, mini_standard, mini_program, sample_dealers):
    """HQ's workspace on each database (SQLite file, then PostgreSQL) with standard, program and dealers."""
    ws = Workspace.init(tmp_path / "hq", db_url=db_url)
    ws.repo.save_standard(mini_standard)
    ws.repo.save_program(mini_program)
    ws.repo.save_dealers(sample_dealers)
    yield ws
    ws.close()


@pytest.fixture
def photo_audit(make_audit):
    ref = EvidenceRef("board.png", PHOTO_SHA, len(PHOTO), "image/png")
    return make_audit().with_answer(Answer("W05", "board.png", evidence=(ref,)))


@pytest.fixture
def laptop_bundle(tmp_path, photo_audit, make_audit) -> Path:
    evidence = tmp_path / "laptop-evidence"
    evidence.mkdir()
    (evidence / f"{PHOTO_SHA}.png").write_bytes(PHOTO)
    return write_bundle([photo_audit, make_audit(dealer_code="BJ001")], evidence, tmp_path / "wang.zip")


def snapshot(ws: Workspace) -> list:
    """Everything an import may touch: audits with answers, trail rows, evidence files."""
    audits = ws.repo.list_audits()
    trails = [ws.repo.audit_trail(a.audit_id) for a in audits]
    files = sorted(p.name for p in ws.evidence_dir.iterdir()) if ws.evidence_dir.exists() else []
    return [audits, trails, files]


def test_bundle_imports_once_and_again_changes_nothing(hq, laptop_bundle, photo_audit):
    first = import_paths(hq, [laptop_bundle])
    assert first.ok and first.imported == 2 and first.files[0].status is FileStatus.IMPORTED
    assert hq.evidence.path_for(PHOTO_SHA).read_bytes() == PHOTO
    stored = hq.repo.get_audit(photo_audit.audit_id)
    assert stored.answers["W05"].evidence[0].sha256 == PHOTO_SHA and stored.source == str(laptop_bundle)
    before = snapshot(hq)
    again = import_paths(hq, [laptop_bundle])
    assert again.ok and again.unchanged == 2 and again.imported == 0
    assert again.files[0].status is FileStatus.UNCHANGED
    assert snapshot(hq) == before


def test_conflicting_bundle_is_refused_and_leaves_everything_as_it_was(hq, tmp_path, laptop_bundle, photo_audit):
    import_paths(hq, [laptop_bundle])
    before = snapshot(hq)
    new_photo = b"\x89PNG\r\n\x1a\n another photo"
    new_sha = hashlib.sha256(new_photo).hexdigest()
    evidence = tmp_path / "e2"
    evidence.mkdir()
    (evidence / f"{new_sha}.png").write_bytes(new_photo)
    (evidence / f"{PHOTO_SHA}.png").write_bytes(PHOTO)
    photo = EvidenceRef("r01.png", new_sha, len(new_photo))
    changed = photo_audit.with_answer(Answer("R01", "no", note="没有平板", evidence=(photo,)))
    conflicting = write_bundle([changed], evidence, tmp_path / "changed.zip")
    summary = import_paths(hq, [conflicting])
    assert not summary.ok
    (refused,) = summary.refused
    assert f"audit {photo_audit.audit_id}" in refused.reason and "answers to R01" in refused.reason
    assert "--replace" in refused.reason
    assert snapshot(hq) == before  # no new revision, no trail, and the new photo was not left behind
    assert not hq.evidence.has(new_sha)


def test_replace_stores_a_new_revision_with_trail(hq, tmp_path, laptop_bundle, photo_audit):
    import_paths(hq, [laptop_bundle])
    changed = photo_audit.with_answer(
        Answer("R01", "no", note="没有平板", evidence=photo_audit.answers["W05"].evidence)
    )
    evidence = tmp_path / "e3"
    evidence.mkdir()
    (evidence / f"{PHOTO_SHA}.png").write_bytes(PHOTO)
    path = write_bundle([changed], evidence, tmp_path / "fixed.zip")
    summary = import_paths(hq, [path], replace=True, who="HQ 张")
    assert summary.ok and summary.replaced == 1
    stored = hq.repo.get_audit(photo_audit.audit_id)
    assert stored.revision == 2 and stored.answers["R01"].value == "no"
    (entry,) = hq.repo.audit_trail(photo_audit.audit_id)
    assert entry.action == "replaced" and entry.who == "HQ 张" and "fixed.zip" in entry.why


def test_unknown_standard_and_dealer_are_refused(hq, tmp_path, make_audit):
    folder = tmp_path / "in"
    folder.mkdir()
    write_audit_file(make_audit(standard_id="mini-servce"), folder / "std.json")
    write_audit_file(make_audit(dealer_code="SH01"), folder / "dealer.json")
    summary = import_paths(hq, [folder])
    reasons = {r.path.name: r.reason for r in summary.refused}
    assert "unknown standard mini-servce (did you mean mini-service?)" in reasons["std.json"]
    assert "unknown dealer SH01 (did you mean SH001" in reasons["dealer.json"]
    assert hq.repo.count_audits() == 0


def test_unknown_dealer_reason_reads_the_codes_once(hq, tmp_path, make_audit, monkeypatch):
    """Both languages of the refusal from one read of the stored codes (it was one for each)."""
    write_audit_file(make_audit(dealer_code="SH01"), tmp_path / "dealer.json")
    reads = []
    real = hq.repo._dealer_codes
    monkeypatch.setattr(hq.repo, "_dealer_codes", lambda: reads.append(1) or real())
    (refused,) = import_paths(hq, [tmp_path / "dealer.json"]).refused
    assert len(reads) == 1
    assert "audit " in refused.reason_text(
        "en"
    ) and "names unknown dealer SH01 (did you mean SH001" in refused.reason_text("en")
    assert "指向未知经销商 SH01（是否应为 SH001" in refused.reason_text("zh")  # the store's one wording


def test_bundle_with_one_bad_audit_stores_none(hq, tmp_path, make_audit):
    path = write_bundle([make_audit(), make_audit(dealer_code="XX999")], tmp_path, tmp_path / "mixed.zip")
    summary = import_paths(hq, [path])
    assert "unknown dealer XX999" in summary.refused[0].reason
    assert hq.repo.count_audits() == 0


def test_invalid_answers_are_refused_with_every_problem(hq, tmp_path, make_audit):
    bad = make_audit().with_answer(Answer("R01", "maybe")).with_answer(Answer("ZZ9", "yes"))
    write_audit_file(bad, tmp_path / "bad.json")
    summary = import_paths(hq, [tmp_path / "bad.json"])
    reason = summary.refused[0].reason
    assert "R01" in reason and "ZZ9" in reason
    assert hq.repo.count_audits() == 0


def test_folder_import_is_recursive_and_reports_per_file(hq, tmp_path, make_audit, laptop_bundle):
    folder = tmp_path / "batch"
    (folder / "day2").mkdir(parents=True)
    write_audit_file(make_audit(), folder / "a.json")
    write_audit_file(make_audit(status=AuditStatus.DRAFT, answers={}), folder / "day2" / "draft.json")
    (folder / "notes.txt").write_text("ignored")
    (folder / "broken.json").write_text("{")
    laptop_bundle.rename(folder / "day2" / "wang.zip")
    seen = []
    summary = import_paths(hq, [folder], progress=lambda done, total, path: seen.append((done, total, path.name)))
    assert sorted(s[2] for s in seen) == ["a.json", "broken.json", "draft.json", "wang.zip"]
    assert [s[:2] for s in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert [r.path.name for r in summary.files] == ["a.json", "broken.json", "draft.json", "wang.zip"]
    statuses = {r.path.name: r.status for r in summary.files}
    assert statuses == {
        "a.json": FileStatus.IMPORTED,
        "broken.json": FileStatus.REFUSED,
        "draft.json": FileStatus.IMPORTED,
        "wang.zip": FileStatus.IMPORTED,
    }
    draft = next(r for r in summary.files if r.path.name == "draft.json")
    assert draft.warnings  # missing answers are warnings for a draft, not refusals
    assert "invalid JSON" in summary.refused[0].reason
    assert summary.imported == 4


def test_unknown_file_kinds_and_missing_paths(hq, tmp_path):
    (tmp_path / "x.txt").write_text("hello")
    summary = import_paths(hq, [tmp_path / "x.txt"])
    assert "not an audit file" in summary.refused[0].reason
    with pytest.raises(NotFound, match="no such file or folder"):
        import_paths(hq, [tmp_path / "nope.json"])


def test_loose_evidence_next_to_an_audit_file_is_stored(hq, tmp_path, photo_audit):
    folder = tmp_path / "loose"
    folder.mkdir()
    write_audit_file(photo_audit, folder / "a.json")
    (folder / "board.png").write_bytes(PHOTO)
    summary = import_paths(hq, [folder / "a.json"])
    assert summary.ok and not summary.files[0].warnings
    assert hq.evidence.has(PHOTO_SHA)


def test_export_then_import_elsewhere(hq, tmp_path, laptop_bundle, photo_audit, mini_standard, sample_dealers):
    import_paths(hq, [laptop_bundle])
    out = export_bundle(hq, tmp_path / "wave.zip", wave="2026-Q4")
    assert (out.audits, out.evidence_files) == (2, 1)
    single = export_bundle(hq, tmp_path / "one.zip", audit_id=photo_audit.audit_id[:8])
    assert single.audits == 1
    with pytest.raises(NotFound, match="no audits in wave 2030-Q1; waves: 2026-Q3, 2026-Q4"):
        export_bundle(hq, tmp_path / "none.zip", wave="2030-Q1")
    other = Workspace.init(tmp_path / "other")
    other.repo.save_standard(mini_standard)
    other.repo.save_dealers(sample_dealers)
    assert import_paths(other, [out.path]).imported == 2
    assert {a.audit_id for a in other.repo.list_audits()} == {a.audit_id for a in hq.repo.list_audits()}
    other.close()


def test_load_standards_into(repo, tmp_path, mini_standard):
    loaded = load_standards_into(repo, [FIXTURES / "mini_standard.yaml", FIXTURES / "mini_program.yaml"])
    assert [(x.kind, x.id, x.stored) for x in loaded] == [
        ("standard", "mini-service", True),
        ("program", "mini-program-2026", True),
    ]
    assert [x.stored for x in load_standards_into(repo, [FIXTURES / "mini_standard.yaml"])] == [False]
    changed = tmp_path / "changed.yaml"
    text = (FIXTURES / "mini_standard.yaml").read_text(encoding="utf-8")
    changed.write_text(text.replace("Mini service mystery shop", "Changed title"), encoding="utf-8")
    with pytest.raises(ValidationFailed, match="already stored with other content"):
        load_standards_into(repo, [changed])
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nversion: 1\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="nothing was loaded"):
        load_standards_into(repo, [broken, FIXTURES / "mini_program.yaml"])
    assert [s.key for s in repo.list_standards()] == [mini_standard.key]


# ---- two processes racing on PostgreSQL ----------------------------------------------------------------------


def _import_worker(root: str, db_url: str, bundles: list[str], queue, start) -> None:
    try:
        with Workspace.open(root, db_url=db_url) as ws:
            ws.repo.count_audits()  # connected and ready
            start.wait(timeout=60)  # both processes begin importing at the same moment
            summary = import_paths(ws, [Path(b) for b in bundles])
        queue.put(("ok", summary.imported, summary.unchanged, [r.reason for r in summary.refused]))
    except BaseException as error:  # report, do not hang the parent
        queue.put(("error", repr(error)))


@pytest.mark.postgres
def test_two_processes_importing_the_same_bundles_store_one_copy(
    tmp_path, clean_pg_url, make_audit, mini_standard, mini_program, sample_dealers
):
    ws = Workspace.init(tmp_path / "hq", db_url=clean_pg_url)
    ws.repo.save_standard(mini_standard)
    ws.repo.save_dealers(sample_dealers)
    ws.close()
    bundles = []
    for index in range(12):
        audits = [make_audit(dealer_code=code) for code in ("SH001", "SH002", "BJ001")]
        bundles.append(str(write_bundle(audits, tmp_path, tmp_path / f"b{index:02}.zip")))
    context = multiprocessing.get_context("fork")  # children inherit the imports: seconds saved
    queue, start = context.Queue(), context.Event()
    workers = [
        context.Process(target=_import_worker, args=(str(tmp_path / "hq"), clean_pg_url, order, queue, start))
        for order in (bundles, list(reversed(bundles)))
    ]
    for worker in workers:
        worker.start()
    start.set()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert all(r[0] == "ok" for r in results), results
    assert all(r[3] == [] for r in results), results
    assert sum(r[1] for r in results) == 36  # each audit created exactly once …
    assert sum(r[2] for r in results) == 36  # … and found unchanged by the other process
    with Workspace.open(tmp_path / "hq", db_url=clean_pg_url) as check:
        assert check.repo.count_audits() == 36
        import sqlalchemy as sa

        with check.repo.engine.connect() as connection:
            answers = connection.execute(sa.text("select count(*) from answers")).scalar_one()
        assert answers == 36 * 9


def test_bundle_json_is_what_the_manifest_says(laptop_bundle):
    with zipfile.ZipFile(laptop_bundle) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        for member in manifest["members"]:
            assert hashlib.sha256(archive.read(member["name"])).hexdigest() == member["sha256"]


def test_replace_is_idempotent_for_identical_content(hq, laptop_bundle):
    import_paths(hq, [laptop_bundle])
    summary = import_paths(hq, [laptop_bundle], replace=True)
    assert summary.unchanged == 2 and summary.replaced == 0
    assert all(not hq.repo.audit_trail(a.audit_id) for a in hq.repo.list_audits())


def test_revision_in_file_is_not_part_of_identity(hq, tmp_path, make_audit):
    audit = make_audit()
    write_audit_file(audit, tmp_path / "a.json")
    write_audit_file(dataclasses.replace(audit, revision=3), tmp_path / "b.json")
    summary = import_paths(hq, [tmp_path / "a.json", tmp_path / "b.json"])
    assert (summary.imported, summary.unchanged) == (1, 1)


def test_bundle_with_unknown_standard_or_other_standard_content_is_refused(hq, tmp_path, make_audit):
    unknown = write_bundle([make_audit(standard_version="2030.1")], tmp_path, tmp_path / "unknown.zip")
    other_hash = write_bundle([make_audit(standard_hash="0" * 64)], tmp_path, tmp_path / "other.zip")
    summary = import_paths(hq, [unknown, other_hash])
    reasons = {r.path.name: r.reason for r in summary.refused}
    assert "standard mini-service has no version 2030.1; stored versions: 2026.1" in reasons["unknown.zip"]
    assert "the two copies of the standard differ" in reasons["other.zip"]
    assert hq.repo.count_audits() == 0


def test_a_conflicting_file_in_a_batch_does_not_hold_back_the_others(hq, tmp_path, make_audit):
    stored = make_audit()
    hq.repo.save_audit(stored)
    folder = tmp_path / "batch"
    folder.mkdir()
    write_audit_file(make_audit(), folder / "a.json")
    write_audit_file(stored.with_answer(Answer("W06", "yes")), folder / "b-conflict.json")
    write_audit_file(stored, folder / "c-same.json")
    twin = make_audit()
    write_audit_file(twin, folder / "d.json")
    write_audit_file(twin, folder / "e-twin.json")
    summary = import_paths(hq, [folder])
    statuses = {r.path.name: r.status for r in summary.files}
    assert statuses == {
        "a.json": FileStatus.IMPORTED,
        "b-conflict.json": FileStatus.REFUSED,
        "c-same.json": FileStatus.UNCHANGED,
        "d.json": FileStatus.IMPORTED,
        "e-twin.json": FileStatus.UNCHANGED,
    }
    assert "answers to W06" in summary.refused[0].reason
    assert hq.repo.count_audits() == 3


def test_unreadable_file_is_refused_and_the_rest_imports(hq, tmp_path, make_audit, monkeypatch):
    folder = tmp_path / "mixed"
    folder.mkdir()
    write_audit_file(make_audit(), folder / "a.json")
    write_audit_file(make_audit(), folder / "b.json")
    original = Path.open

    def failing_open(self, *args, **kwargs):
        if self.name == "b.json":  # tests run as root, so permissions cannot provoke this: simulate a bad disk
            raise OSError(5, "Input/output error")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", failing_open)
    summary = import_paths(hq, [folder / "a.json", folder / "b.json"])
    assert summary.imported == 1
    assert "b.json: cannot read: Input/output error" in summary.refused[0].reason

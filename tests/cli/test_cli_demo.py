"""`dealer-audit demo` and `dealer-audit generate` through CliRunner: the main job end to end, and the generator."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealer_audit.cli import console
from dealer_audit.cli.app import app
from dealer_audit.formats.audit_json import read_audit_file


def invoke(*args: str):
    console.reset_for_tests(160)
    return CliRunner().invoke(app, list(args))


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


NEEDED = ("dealer_audit.services.scoring_job", "dealer_audit.services.reporting")


@pytest.mark.slow
def test_demo_renders_every_report_and_prints_a_summary(tmp_path: Path) -> None:
    absent = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if absent:  # parallel work in progress: the demo reports these as missing stages (tested below)
        pytest.skip(f"not written yet: {', '.join(absent)}")
    out = tmp_path / "reports"
    result = invoke("demo", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    pdfs = sorted(p for p in out.rglob("*.pdf") if "demo-workspace" not in p.parts)
    workbooks = sorted(out.rglob("*.xlsx"))
    assert len(pdfs) >= 28 + 4  # every dealer of the sample network, every region
    assert workbooks and all(p.stat().st_size > 0 for p in [*pdfs, *workbooks])
    # the summary: the ranking table with the collapsed dealer near the bottom, the stages, where the files are
    assert "2026-Q4" in result.output
    assert "GZ001" in result.output
    assert f"dealer-audit serve -w {tmp_path}" in result.output.replace("\n", "")  # how to open it in the browser
    assert "264 audits" in result.output
    assert str(out) in result.output.replace("\n", "")
    # the loop: actions returned and verified, repeats reopened, a dispute overturned that moved the score
    loop = next(line for line in result.output.splitlines() if line.startswith("Actions and disputes:"))
    from dealer_audit.storage.repository import Repository

    with Repository.open(out / "demo-workspace" / "audit.db") as repo:
        actions = repo.list_actions()
        statuses = {a.status.value for a in actions}
        assert {"verified", "reopened", "open"} <= statuses
        returned = [a for a in actions if a.owner]  # the dealer that returned its workbook
        assert returned and any(a.status.value == "verified" for a in returned)
        assert all(a.repeat_count == 1 for a in actions if a.status.value == "reopened")
        (dispute,) = repo.list_disputes()
        assert dispute.status.value == "overturned"
    verified = sum(a.status.value == "verified" for a in actions)
    assert f"verified {verified}," in loop and f"dispute of {dispute.dealer_code} {dispute.item_id} overturned" in loop
    before, after = loop.rsplit("(", 1)[1].rstrip(")").split(" → ")
    assert float(after) > float(before)
    # running twice works: the demo workspace is recreated, the reports are rewritten; in Chinese, every line the
    # demo prints is Chinese (stages, their results and details, the loop), only data stays as it is
    again = invoke("demo", str(out), "--lang", "zh")
    assert again.exit_code == 0, again.output
    stages = again.stdout[again.stdout.index("步骤") :]
    for words in ("工作区", "新建 SQLite 工作区", "签名数据包", "导入稽核", "264 条稽核", "完成", "生成报告"):
        assert words in stages, words
    assert "done" not in stages and "audits" not in stages
    loop_zh = next(line for line in again.stdout.splitlines() if line.startswith("整改项与申诉："))
    assert f"验证通过 {verified} 项" in loop_zh and f"{dispute.dealer_code} {dispute.item_id} 的申诉成立" in loop_zh


def test_demo_refuses_to_wipe_a_folder_that_is_not_its_workspace(tmp_path: Path) -> None:
    precious = tmp_path / "reports" / "demo-workspace"
    precious.mkdir(parents=True)
    (precious / "thesis.docx").write_text("do not delete", encoding="utf-8")
    result = invoke("demo", str(tmp_path / "reports"))
    assert result.exit_code == 1
    assert (precious / "thesis.docx").is_file()
    assert "not a dealer-audit workspace" in result.output.replace("\n", " ")


def test_a_failed_stage_is_named_and_the_stages_after_it_are_skipped(tmp_path: Path) -> None:
    import shutil

    from dealer_audit.services.demo import StageStatus, run_demo

    samples = tmp_path / "samples"
    shutil.copytree(Path(__file__).parents[2] / "sample_audits", samples)
    dealers_csv = samples / "dealers.csv"
    lines = dealers_csv.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",east,", ",atlantis,").replace(",north,", ",atlantis,")
    lines[1] = lines[1].replace(",south,", ",atlantis,").replace(",west,", ",atlantis,")
    dealers_csv.write_text("\n".join(lines) + "\n", encoding="utf-8")

    summary = run_demo(tmp_path / "reports", samples_dir=samples, jobs=1)

    assert not summary.ok
    assert summary.stage("dealers").status == StageStatus.FAILED
    assert "dealers.csv" in summary.stage("dealers").detail.en and "dealers.csv" in summary.stage("dealers").detail.zh
    assert [summary.stage(n).status for n in ("import", "scoring", "reports")] == [StageStatus.SKIPPED] * 3
    assert summary.stage("import").detail.text("zh") == "需要先完成：经销商"  # the stage it waited for, by its label
    assert not list((tmp_path / "reports").rglob("*.pdf"))


def test_generate_writes_a_deterministic_network(tmp_path: Path) -> None:
    first = invoke("generate", "--dealers", "6", "--waves", "2", "--seed", "9", str(tmp_path / "a"))
    assert first.exit_code == 0, first.output
    invoke("generate", "--dealers", "6", "--waves", "2", "--seed", "9", str(tmp_path / "b"))
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    files = sorted((tmp_path / "a").glob("2026-Q*/*.json"))
    assert {f.parent.name for f in files} == {"2026-Q1", "2026-Q2"}  # the shipped program's first two waves
    assert len(files) >= 6 * 2 * 2  # dealers x waves x standards, 1-3 visits each
    audit = read_audit_file(files[0])
    assert audit.is_final and audit.standard_id in ("svc-mystery-shop", "digital-service")
    assert "audits" in first.output and "dealers.csv" in first.output


def test_generate_with_one_visit_gives_one_audit_per_dealer_and_standard(tmp_path: Path) -> None:
    result = invoke("generate", "--dealers", "5", "--visits", "1", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*/*.json"))) == 5 * 2


def test_generate_rejects_a_bad_visits_range(tmp_path: Path) -> None:
    result = invoke("generate", "--dealers", "5", "--visits", "3-1", str(tmp_path))
    assert result.exit_code == 2
    assert "MIN-MAX" in result.output

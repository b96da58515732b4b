"""Rebuild the sample network's audits: `python sample_audits/build_samples.py` (from the repository root).

The audits in sample_audits/2026-Q3 and 2026-Q4 are generated, not hand-written, so they can be regenerated when
a standard changes: the synthetic generator (dealer_audit/services/sample_network.py) draws realistic answers for
every dealer of sample_audits/dealers.csv, and the STORIES below pin what a regional manager should find in the
reports — a dealer that improved, one that collapsed, one with the same knock-out in both waves — and the
calibration story: double audits in both waves and one calibration session in 2026-Q4, with one auditor who turned
lenient on three items in 2026-Q4 and one item whose wording leaves auditors guessing — and the self-assessment
story: in 2026-Q4 the collapsed dealer claims in its own form what the auditors did not see. The output is
byte-identical for the same inputs (fixed seed, fixed UUIDs and times). README.md is written from the same facts.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from dealer_audit.core.aggregate import DealerResult, score_wave
from dealer_audit.core.answers import Answer, Audit, AuditKind, EvidenceRef
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.scoring import format_score, item_fraction
from dealer_audit.core.standard import Checklist, Program
from dealer_audit.formats.audit_json import read_audit_file
from dealer_audit.formats.dealers import read_dealers
from dealer_audit.formats.standards import load_checklists_dir
from dealer_audit.services.sample_network import (
    AUDITORS,
    generate_network,
    render_photo,
    second_opinion,
    self_assessment_of,
    write_audit,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WAVES = ("2026-Q3", "2026-Q4")
SEED = 2026


@dataclass(frozen=True)
class Photo:
    """A story's evidence photo, drawn (JPEG) so the repository holds no real pictures."""

    file_name: str
    caption_zh: str
    caption_en: str
    rows: tuple[tuple[str, str], ...]
    background: tuple[int, int, int] = (34, 40, 48)
    accent: tuple[int, int, int] = (220, 80, 70)


@dataclass(frozen=True)
class Forced:
    """One scripted answer: applied to every visit of the dealer for that standard in that wave."""

    value: str
    note: str = ""
    photo: Photo | None = None


@dataclass(frozen=True)
class Story:
    dealer: str
    title_zh: str
    title_en: str
    text_en: str
    quality: tuple[float, float]  # the dealer's pass tendency in 2026-Q3 and 2026-Q4
    forced: Mapping[tuple[int, str, str], Forced] = field(default_factory=dict)  # (wave index, standard, item)


PAPER_SHEET = Photo(
    "TY001-paper-checkin.jpg",
    "纸质接车单",
    "Paper check-in sheet",
    (("VIN ____", "PAPER"), ("Mileage ____", "PAPER"), ("Damage [ ]", "PAPER"), ("Tablet", "OFF")),
    background=(200, 196, 182),
    accent=(90, 60, 40),
)
BOARD_OFF = Photo(
    "GZ001-status-board-off.jpg",
    "服务看板黑屏",
    "Status board switched off",
    (("Screen", "OFF"), ("Last update", "STALE"), ("Queue", "----")),
    background=(16, 16, 18),
)
WHITEBOARD = Photo(
    "CD002-handwritten-board.jpg",
    "手写白板",
    "Handwritten whiteboard",
    (("3F09 ?", "WIP"), ("8K21", "WAIT"), ("call customer", "WAIT")),
    background=(235, 235, 228),
    accent=(40, 70, 160),
)
BOARD_LIVE = Photo(
    "CD002-status-board-live.jpg",
    "服务实况看板",
    "Live status board",
    (("A8K21 Maintenance", "DONE"), ("A3F09 Brake pads", "WIP"), ("AQ771 Tyres", "OK"), ("Wait", "12 min")),
    background=(20, 44, 72),
    accent=(120, 200, 120),
)

STORIES = (
    Story(
        "CD002",
        "整改见效",
        "The dealer that improved",
        "Chengdu Wuhou Shudao was the weakest store in the West in 2026-Q3: paper check-in, no live status board, "
        "long waits. The region ran an improvement plan; in 2026-Q4 it climbs the league table with a live board "
        "(see the photos in its reports).",
        (0.62, 0.95),
        {
            (0, "svc-mystery-shop", "ST01"): Forced("no", "看板是一张手写白板，未显示车辆进度。", WHITEBOARD),
            (0, "digital-service", "TP01"): Forced("no", "大屏只播放广告，没有接入服务进度。", WHITEBOARD),
            (1, "svc-mystery-shop", "ST01"): Forced("yes", "", BOARD_LIVE),
            (1, "digital-service", "TP01"): Forced("yes", "", BOARD_LIVE),
        },
    ),
    Story(
        "GZ001",
        "断崖式下滑",
        "The dealer that collapsed",
        "Guangzhou Tianhe Xingchi was one of the best stores in the South in 2026-Q3. In 2026-Q4 it lost its "
        "service manager and two advisors: the status board was switched off, check-in went back to paper and "
        "waits doubled. The reports raise an early-warning alert (a drop of more than 10 points, a band fall "
        "and knock-outs).",
        (0.96, 0.55),
        {
            (1, "svc-mystery-shop", "ST01"): Forced(
                "no", "Board switched off; staff said nobody has updated it since the manager left.", BOARD_OFF
            ),
            (1, "digital-service", "TP01"): Forced("no", "看板黑屏，前台称系统账号已过期。", BOARD_OFF),
            (1, "svc-mystery-shop", "RC03"): Forced("no", "顾问用纸质单接车，平板放在抽屉里。", PAPER_SHEET),
        },
    ),
    Story(
        "TY001",
        "重复否决项",
        "The repeated knock-out",
        "Taiyuan Xiaodian Jinda failed the same knock-out in both waves: the advisor never checks cars in on a "
        "tablet (RC03 in the mystery shop, DR01 in the digital assessment), so both indices are capped at 60. "
        "The reports mark it as a repeat failure: last wave's action was not done.",
        (0.8, 0.82),
        {
            (0, "svc-mystery-shop", "RC03"): Forced("no", "仍使用纸质接车单，平板电脑未启用。", PAPER_SHEET),
            (0, "digital-service", "DR01"): Forced(
                "no", "Paper check-in; the tablet app 'is being installed'.", PAPER_SHEET
            ),
            (1, "svc-mystery-shop", "RC03"): Forced("no", "上季度整改未落实，依旧纸质接车。", PAPER_SHEET),
            (1, "digital-service", "DR01"): Forced("no", "Still paper, same as last quarter.", PAPER_SHEET),
        },
    ),
)


@dataclass(frozen=True)
class CalibrationStory:
    """Shared evidence for `dealer-audit calibration` (docs/calibration.md)."""

    standard: str = "svc-mystery-shop"
    doubles_per_wave: int = 10  # dealers (no other story, at most two visits) that get a second auditor
    lenient: str = "周杰"  # turned lenient in 2026-Q4 ...
    lenient_items: tuple[str, ...] = ("RC06", "RC07", "RC10")  # ... answering yes here whatever happened
    lenient_from_wave: int = 1
    ambiguous: str = "AR03"  # "signage clearly visible from the entrance": auditors toss a coin
    scenario: str = "CAL-2026-Q4-A"  # the recorded visit every auditor scored in 2026-Q4
    scenario_wave: int = 1
    scenario_dealer: str = "SH002"  # where the scenario was recorded (the audits never count for it)


CALIBRATION = CalibrationStory()


@dataclass(frozen=True)
class SelfAssessmentStory:
    """A dealer's own form for `dealer-audit self-assessment` (docs/actions-and-disputes.md, "Self-assessment")."""

    standard: str = "svc-mystery-shop"
    wave: int = 1
    dealer: str = "GZ001"  # the collapsed dealer claims everything still passes
    filled_by: str = "刘敏（前台主管）"


SELF_ASSESSMENT = SelfAssessmentStory()


@dataclass(frozen=True)
class UnknownIssue:
    """Something auditors keep seeing at a dealer that no item of either standard asks about (未知体验, the themes'
    "unknown issues", docs/insight.md). The auditor writes it on a failed answer nearby (a failed greeting, a dirty
    reception): `notes_per_visit` failed answers of `sections` per visit, each on an item the issue has not used
    yet, so no single item explains the theme."""

    title_en: str
    dealers: tuple[tuple[int, str], ...]  # (wave index, dealer code)
    zh: tuple[str, ...]
    en: tuple[str, ...]
    standard: str = "svc-mystery-shop"
    sections: tuple[str, ...] = ("arrival", "reception", "waiting")
    notes_per_visit: int = 2


UNKNOWN_ISSUES = (
    UnknownIssue(
        "staff smoking at the entrance",
        ((0, "XA001"), (1, "XA001"), (1, "UR001")),
        ("两名员工在店门口抽烟，烟味飘进接待区。", "穿工装的员工在大门口吸烟。"),
        (
            "Two staff smoking at the entrance; the smoke drifts into reception.",
            "Staff in uniform smoking by the door.",
        ),
    ),
    UnknownIssue(
        "broken entrance steps",
        ((1, "CQ001"), (1, "CD001")),
        ("入口台阶的瓷砖碎了，差点绊倒。", "大门口的台阶裂开了，也没有提醒标志。"),
        (
            "Broken tiles on the entrance steps; nearly tripped.",
            "The entrance steps are cracked and nobody put up a sign.",
        ),
    ),
)


def photo_ref(photo: Photo, folder: Path) -> EvidenceRef:
    """Write the photo next to the audits of its wave and return the reference an audit carries."""
    data = render_photo(photo.caption_zh, photo.caption_en, photo.background, photo.accent, rows=photo.rows, fmt="JPEG")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / photo.file_name).write_bytes(data)
    return EvidenceRef(photo.file_name, hashlib.sha256(data).hexdigest(), len(data), "image/jpeg")


def build(out_dir: Path = HERE) -> None:
    standards, program = load_checklists_dir(ROOT / "checklists")
    regions = {r.code for r in program.regions} if program else None
    dealers = read_dealers(out_dir / "dealers.csv", regions)
    by_code = {d.code: d for d in dealers}
    stories = {s.dealer: s for s in STORIES if s.dealer in by_code}
    for wave in WAVES:
        shutil.rmtree(out_dir / wave, ignore_errors=True)

    def overrides(dealer: Dealer, wave_index: int, standard: Checklist, visit: int) -> dict[str, Answer]:
        story = stories.get(dealer.code)
        if story is None:
            return {}
        forced: dict[str, Answer] = {}
        for (index, standard_id, item_id), answer in story.forced.items():
            if index != wave_index or standard_id != standard.id:
                continue
            evidence: tuple[EvidenceRef, ...] = ()
            if answer.photo is not None:
                evidence = (photo_ref(answer.photo, out_dir / WAVES[wave_index]),)
            forced[item_id] = Answer(item_id, value=answer.value, note=answer.note, evidence=evidence)
        return forced

    result = generate_network(
        standards,
        program,
        0,
        list(WAVES),
        SEED,
        out_dir,
        dealers=dealers,
        quality={s.dealer: s.quality for s in stories.values()},
        overrides=overrides,
        write_dealers=False,
        pretty=True,
    )
    added = add_shared_evidence(out_dir, standards, set(stories), CALIBRATION)
    added += add_self_assessments(out_dir, standards, by_code, SELF_ASSESSMENT)
    for issue in UNKNOWN_ISSUES:
        add_unknown_issue(out_dir, standards, issue)
    figures = story_figures(standards, program, dealers, out_dir, stories)
    total = result.audit_count + added
    write_readme(out_dir, total, len(dealers), stories, by_code, standards, figures)
    print(f"{total} audits for {len(dealers)} dealers in {', '.join(WAVES)} written to {out_dir}")


def add_shared_evidence(out_dir: Path, standards: list[Checklist], skip: set[str], story: CalibrationStory) -> int:
    """Mark double audits and add their second auditors, and write the calibration session; returns how many
    audit files were added. The first auditor's files stay where the generator put them (marked `double`)."""
    standard = next(s for s in standards if s.id == story.standard)
    rng = random.Random(SEED + 11)
    added = 0
    for wave_index, wave in enumerate(WAVES):
        folder = out_dir / wave
        visits: dict[str, list[Path]] = {}
        for path in sorted(folder.glob(f"*_{story.standard}_*.json")):
            visits.setdefault(path.name.split("_")[0], []).append(path)
        lenient_now = wave_index >= story.lenient_from_wave
        candidates = [c for c, paths in sorted(visits.items()) if c not in skip and len(paths) <= 2]
        step = max(1, len(candidates) // story.doubles_per_wave)
        for n, code in enumerate(candidates[wave_index % step :: step][: story.doubles_per_wave]):
            first_path = visits[code][0]
            first = read_audit_file(first_path)
            partner = story.lenient if n % 3 == 0 else _other(first.auditor, story.lenient, rng)
            if first.auditor == partner:
                partner = _other(first.auditor, story.lenient, rng)
            scene = {i: "no" for i in story.lenient_items} if partner == story.lenient else {}
            scene[story.ambiguous] = "yes" if rng.random() < 0.5 else "no"  # the first auditor guesses too
            first = _with_values(first, scene, AuditKind.DOUBLE)
            forced = {i: "yes" for i in story.lenient_items} if partner == story.lenient and lenient_now else {}
            second = second_opinion(first, standard, partner, rng, forced=forced, coin={story.ambiguous: 0.5})
            write_audit(first, first_path)
            write_audit(second, folder / f"{code}_{story.standard}_{len(visits[code]) + 1}.json")
            added += 1
        if wave_index != story.scenario_wave:
            continue
        recorded = _with_values(
            read_audit_file(visits[story.scenario_dealer][0]), {i: "no" for i in story.lenient_items}, AuditKind.VISIT
        )
        for k, auditor in enumerate(AUDITORS, start=1):
            forced = {i: "yes" for i in story.lenient_items} if auditor == story.lenient and lenient_now else {}
            session = second_opinion(
                recorded,
                standard,
                auditor,
                rng,
                kind=AuditKind.CALIBRATION,
                scenario=story.scenario,
                forced=forced,
                coin={story.ambiguous: 0.5},
                delay=timedelta(days=3, minutes=10 * k),
            )
            write_audit(session, folder / f"{story.scenario}_{story.standard}_{k}.json")
            added += 1
    return added


def add_self_assessments(
    out_dir: Path, standards: list[Checklist], dealers: Mapping[str, Dealer], story: SelfAssessmentStory
) -> int:
    """Write the over-claiming dealer's self audit (`<dealer>_<standard>_self.json`, `"kind": "self"`) from its
    first visit of the wave; returns how many files were written."""
    standard = next(s for s in standards if s.id == story.standard)
    folder = out_dir / WAVES[story.wave]
    visit = read_audit_file(folder / f"{story.dealer}_{story.standard}_1.json")
    own = self_assessment_of(visit, standard, dealers[story.dealer], story.filled_by, random.Random(SEED + 17))
    write_audit(own, folder / f"{story.dealer}_{story.standard}_self.json")
    return 1


def add_unknown_issue(out_dir: Path, standards: list[Checklist], issue: UnknownIssue) -> int:
    """Write the issue's notes on failed answers of its dealers' visits (notes only: no answer, score or draw of
    the generator changes); returns how many notes were written."""
    standard = next(s for s in standards if s.id == issue.standard)
    where = {item.id for section in standard.sections if section.id in issue.sections for item in section.items}
    used: set[str] = set()
    written = 0
    for wave_index, code in issue.dealers:
        for path in sorted((out_dir / WAVES[wave_index]).glob(f"{code}_{issue.standard}_*.json")):
            audit = read_audit_file(path)
            if audit.kind not in (AuditKind.VISIT, AuditKind.DOUBLE):
                continue
            english = audit.auditor.isascii()  # the English-writing auditors have Latin names
            answers = dict(audit.answers)
            chosen = 0
            for item in standard.items():
                answer = answers.get(item.id)
                if chosen == issue.notes_per_visit or item.id not in where or item.id in used or answer is None:
                    continue
                fraction = None if answer.na or answer.value is None else item_fraction(item, answer.value)
                if fraction is None or fraction >= 1.0:
                    continue
                phrases = issue.en if english else issue.zh
                answers[item.id] = replace(answer, note=phrases[written % len(phrases)])
                used.add(item.id)
                chosen += 1
                written += 1
            if chosen:
                write_audit(replace(audit, answers=answers, source=""), path)
    return written


def _other(first: str, lenient: str, rng: random.Random) -> str:
    return rng.choice([a for a in AUDITORS if a not in (first, lenient)])


def _with_values(audit: Audit, values: Mapping[str, str], kind: AuditKind) -> Audit:
    """The audit with chosen answers set (only where the auditor answered the item) and its kind."""
    answers = dict(audit.answers)
    for item_id, value in values.items():
        if item_id in answers and not answers[item_id].na:
            answers[item_id] = replace(answers[item_id], value=value, note="")
    return replace(audit, answers=answers, kind=kind, source="")


def story_figures(
    standards: list[Checklist],
    program: Program | None,
    dealers: list[Dealer],
    out_dir: Path,
    stories: Mapping[str, Story],
) -> dict[str, str]:
    """What the scoring core makes of each story (composite and rank per wave), for the README."""
    if program is None:
        return {}
    audits = [read_audit_file(p) for wave in WAVES for p in sorted((out_dir / wave).glob("*.json"))]
    result = score_wave(program, {s.key: s for s in standards}, dealers, audits, WAVES[-1], audits)
    figures = {}
    for code in stories:
        now = result.dealer(code)
        before = result.previous.dealer(code) if result.previous else None
        if now is None or before is None:
            continue

        def show(d: DealerResult) -> str:
            band = d.band.label.en if d.band else "no band"
            return f"{format_score(d.composite)} ({band}, rank {d.rank.network} of {d.rank.network_size})"

        figures[code] = f"Service Experience Index {WAVES[0]} {show(before)} → {WAVES[1]} {show(now)}."
    return figures


def write_readme(
    out_dir: Path,
    audits: int,
    dealers: int,
    stories: Mapping[str, Story],
    by_code: Mapping[str, Dealer],
    standards: list[Checklist],
    figures: Mapping[str, str],
) -> None:
    lines = [
        "# The sample network (示例经销商网络)",
        "",
        f"{dealers} Ruilan 4S dealers in four regions (`dealers.csv`), audited in two waves ({' and '.join(WAVES)})",
        "against both shipped standards (" + ", ".join(f"`{s.id}` {s.version}" for s in standards) + "):",
        f"{audits} finalised audits, one to three visits per dealer, wave and standard (a calibration session aside),",
        "in the documented audit file format (`docs/audit-file.schema.json`), one JSON file per audit:",
        "`<wave>/<dealer>_<standard>_<visit>.json`, with the evidence photos they cite next to them.",
        "",
        "`dealer-audit demo` imports all of it, scores both waves and renders every report into `reports/`.",
        "",
        "## The stories in the data",
        "",
        "Most dealers pass most items; weaker dealers fail more; knock-outs are rare; auditors write notes in",
        "Chinese or English on some failures and always where the standard requires one. Three dealers were",
        "scripted so the reports have something to say:",
        "",
    ]
    for story in stories.values():
        dealer = by_code[story.dealer]
        lines += [
            f"### {story.title_en} ({story.title_zh}) — {dealer.code} {dealer.name.zh} / {dealer.name.en}",
            "",
            *textwrap.wrap(story.text_en, 110),
            "",
        ]
        if story.dealer in figures:
            lines += [*textwrap.wrap(figures[story.dealer], 110), ""]
        forced = sorted({f"{sid} {iid}" for (_, sid, iid) in story.forced})
        quality = f"{story.quality[0]:.2f} → {story.quality[1]:.2f}"
        lines += [f"Scripted answers: {', '.join(forced)}; underlying quality {quality}.", ""]
    story = CALIBRATION
    lines += [
        "## Calibration: double audits and a calibration session",
        "",
        *textwrap.wrap(
            f"In each wave {story.doubles_per_wave} `{story.standard}` visits of dealers outside the stories above "
            'were double-audited: the first auditor\'s file is marked `"kind": "double"` and a second auditor\'s '
            "audit of the same visit sits next to it as the dealer's next visit number. Both count in the dealer's "
            f"scores. In {WAVES[story.scenario_wave]} every auditor also scored the recorded scenario "
            f"`{story.scenario}` (recorded at {story.scenario_dealer}; files "
            f"`{story.scenario}_{story.standard}_<n>.json`, "
            '`"kind": "calibration"`), which never counts in any dealer\'s scores.',
            110,
        ),
        "",
        *textwrap.wrap(
            f"Scripted: auditor {story.lenient} turned lenient in {WAVES[story.lenient_from_wave]}, answering "
            f'{", ".join(story.lenient_items)} "yes" whatever happened; item {story.ambiguous} ("service reception '
            'signage is clearly visible from the entrance") is a coin toss for every auditor. '
            f"`dealer-audit calibration --wave {WAVES[-1]} --waves {','.join(WAVES)}` finds both: {story.ambiguous} as "
            f"ambiguous wording, {', '.join(story.lenient_items)} driven by {story.lenient}, "
            f"and {story.lenient} outside "
            "tolerance with a positive drift (docs/calibration.md).",
            110,
            break_on_hyphens=False,
        ),
        "",
        "## Self-assessment: an over-claiming dealer",
        "",
        *textwrap.wrap(
            f"In {WAVES[SELF_ASSESSMENT.wave]} {SELF_ASSESSMENT.dealer} returned its own `{SELF_ASSESSMENT.standard}` "
            f"form before the visit (`{SELF_ASSESSMENT.dealer}_{SELF_ASSESSMENT.standard}_self.json`, "
            '`"kind": "self"`, never counted in any score). It claims every yes/no item passes, knock-outs included, '
            "where the auditor saw the status board switched off and paper check-in: an over-claiming dealer. "
            f"`dealer-audit self-assessment --wave {WAVES[SELF_ASSESSMENT.wave]}` lists it, its dealer PDF and the "
            "South region PDF show the over-claims (docs/actions-and-disputes.md).",
            110,
            break_on_hyphens=False,
        ),
        "",
        "## The auditor register",
        "",
        "`auditors.csv` is the field team's register (id, zh and en name, home region: three per region). The audits",
        "name their auditor as the team types it (`王芳`, `Emma Clarke`), never by id; the register resolves each name to",
        "its auditor (`wang.fang`, `emma.clarke`; docs/field-operations.md), so the sample imports without auditor",
        "warnings and the 2026-Q4 plan keeps every auditor away from the dealers they audited in 2026-Q3. The",
        "self-assessment's `auditor` is the dealer's own staff member and is not in the register. The file is written",
        "by hand: keep it in step with `AUDITORS` in `dealer_audit/services/sample_network.py`.",
        "",
        "## Evidence photos",
        "",
        "The photos are drawn by the generator (Pillow shapes and text, each well under 20 KB): stock pictures of a",
        "status board, the reception desk, the lounge and the workshop in every wave, plus the stories' own",
        "(a paper check-in sheet, a switched-off board, a live board).",
        "",
        "## Regenerate",
        "",
        "```bash",
        "python sample_audits/build_samples.py",
        "```",
        "",
        "It reads `checklists/` and `dealers.csv`, rewrites both wave folders and this README, and is deterministic:",
        "the same inputs give byte-identical files. For networks of any size use",
        "`dealer-audit generate --dealers N --waves K --seed S DIR`.",
        "",
    ]
    (out_dir / "README.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    build()

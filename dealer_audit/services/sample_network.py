"""A deterministic synthetic dealer network: dealers, audits and evidence files that look like real ones.

Why: tests and benchmarks need networks of any size (24 dealers for the demo, 3,000 for the benchmark) whose
answers are *plausible* — most items pass, weak dealers fail more, knock-outs are rare, items that do not apply
are left out exactly as the capture tools leave them out — and that are byte-identical for the same seed, so a
benchmark or a golden test never changes because the generator rolled different dice.

Everything random comes from one `random.Random(seed)`; UUIDs and timestamps are derived from it (never from
the clock or `uuid4`). Output layout::

    OUT/dealers.csv                     master data (columns of formats/dealers.py)
    OUT/<wave>/<dealer>_<standard>_<n>.json   one audit per file (formats/audit_json.py)
    OUT/<wave>/<photo>.png                    photos the audits cite, next to them (where `import` looks)
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from dealer_audit.core.answers import Answer, AnswerValue, Audit, AuditKind, AuditStatus, EvidenceRef
from dealer_audit.core.audit_form import audit_to_dict
from dealer_audit.core.conditions import Condition, parse_condition
from dealer_audit.core.dealers import AttributeValue, Dealer
from dealer_audit.core.scoring import dealer_context, item_fraction
from dealer_audit.core.standard import (
    AnswerType,
    Checklist,
    EvidenceWhen,
    Item,
    LocalText,
    NumberBand,
    Program,
    Region,
    ScaleRange,
    Wave,
)
from dealer_audit.core.validation import applicable_items
from dealer_audit.services.sample_notes import NotePool, notes_for

CHINA_TZ = timezone(timedelta(hours=8))
DEALER_COLUMNS = (
    "code",
    "name_zh",
    "name_en",
    "region",
    "province",
    "city",
    "group",
    "brand",
    "has_ev_service",
    "has_lounge",
    "tier",
)

# ---- built-in name lists (small on purpose: combinations give thousands of distinct dealers) -----------------

# region code -> (zh, en, [(province zh, city zh, city en, code prefix), ...])
_GEOGRAPHY: dict[str, tuple[str, str, list[tuple[str, str, str, str]]]] = {
    "east": (
        "华东区",
        "East",
        [
            ("上海", "上海", "Shanghai", "SH"),
            ("江苏", "南京", "Nanjing", "NJ"),
            ("江苏", "苏州", "Suzhou", "SZ"),
            ("浙江", "杭州", "Hangzhou", "HZ"),
            ("浙江", "宁波", "Ningbo", "NB"),
            ("山东", "青岛", "Qingdao", "QD"),
        ],
    ),
    "north": (
        "华北区",
        "North",
        [
            ("北京", "北京", "Beijing", "BJ"),
            ("天津", "天津", "Tianjin", "TJ"),
            ("河北", "石家庄", "Shijiazhuang", "SJ"),
            ("山西", "太原", "Taiyuan", "TY"),
            ("辽宁", "沈阳", "Shenyang", "SY"),
            ("辽宁", "大连", "Dalian", "DL"),
        ],
    ),
    "south": (
        "华南区",
        "South",
        [
            ("广东", "广州", "Guangzhou", "GZ"),
            ("广东", "深圳", "Shenzhen", "SZN"),
            ("广东", "东莞", "Dongguan", "DG"),
            ("福建", "厦门", "Xiamen", "XM"),
            ("福建", "福州", "Fuzhou", "FZ"),
            ("广西", "南宁", "Nanning", "NN"),
        ],
    ),
    "west": (
        "西部区",
        "West",
        [
            ("四川", "成都", "Chengdu", "CD"),
            ("重庆", "重庆", "Chongqing", "CQ"),
            ("陕西", "西安", "Xi'an", "XA"),
            ("云南", "昆明", "Kunming", "KM"),
            ("湖北", "武汉", "Wuhan", "WH"),
            ("湖南", "长沙", "Changsha", "CS"),
        ],
    ),
}

# (zh, en) trade names a dealership carries after its city
_TRADE_NAMES = [
    ("中升", "Zhongsheng"),
    ("永达", "Yongda"),
    ("广汇", "Guanghui"),
    ("宝信", "Baoxin"),
    ("和谐", "Harmony"),
    ("恒信", "Hengxin"),
    ("利星行", "Lei Shing Hong"),
    ("正通", "Zhengtong"),
    ("美东", "Meidong"),
    ("华胜", "Huasheng"),
    ("远通", "Yuantong"),
    ("星瑞", "Xingrui"),
]
_SUFFIXES = [
    ("汽车销售服务有限公司", "Automobile Sales & Service"),
    ("4S店", "4S Store"),
    ("汽车服务中心", "Auto Service Centre"),
]
_GROUPS = ["中升集团", "永达汽车", "广汇汽车", "宝信汽车", "和谐汽车", "独立经销商"]
AUDITORS = (  # the field team; the sample network's calibration session has each of them score one scenario
    "王芳",
    "李强",
    "张伟",
    "刘洋",
    "陈静",
    "杨磊",
    "赵敏",
    "黄婷",
    "周杰",
    "吴霞",
    "Emma Clarke",
    "Lukas Meyer",
)
_ENGLISH_AUDITORS = {"Emma Clarke", "Lukas Meyer"}

# A failed item's note names that item's failure (services/sample_notes.py). One draw over a fixed number of
# slots per note, whatever the pool's size, so editing the phrases never changes the answers drawn after a note.
_FAIL_NOTE_SLOTS = 8
_PARTIAL_NOTE_SLOTS = 3  # partly met (scored half or more)
# Remarks on passed items: context and overall impressions, none about one item's topic (a remark on the lounge
# would pull lounge complaints into a "remark" theme)
_REMARKS_ZH = ["整体接待流程顺畅。", "周末客流大，排队明显。", "本次到店体验总体满意。", "工作日上午到店，客户不多。"]
_REMARKS_EN = ["Smooth reception overall.", "Busy weekend, visible queue.", "Satisfied with the visit overall."]

# Evidence photos: (file name, caption zh, caption en, background colour, accent colour)
_PHOTOS = [
    ("status-board.png", "服务实况看板", "Service status board", (28, 52, 84), (120, 200, 120)),
    ("reception-desk.png", "接待台", "Reception desk", (90, 70, 50), (230, 200, 150)),
    ("lounge.png", "客户休息区", "Customer lounge", (60, 90, 110), (240, 230, 200)),
    ("workshop.png", "维修车间", "Workshop bay", (70, 70, 70), (250, 180, 40)),
]


# ---- public API ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DealerProfile:
    """Hidden truth behind a synthetic dealer's answers: how good it is in each wave (0..1 pass tendency)."""

    dealer: Dealer
    quality: tuple[float, ...]  # one per wave


@dataclass
class GeneratedNetwork:
    """What `generate_network` wrote, for callers that import or time it next."""

    out_dir: Path
    dealers_csv: Path
    dealers: list[Dealer]
    waves: list[str]
    audit_files: dict[str, list[Path]] = field(default_factory=dict)  # wave -> files
    evidence_files: list[Path] = field(default_factory=list)

    @property
    def audit_count(self) -> int:
        return sum(len(files) for files in self.audit_files.values())


# Scripted answers for a story: (dealer, wave index, standard, visit number) -> {item id: Answer}. The forced
# answers go through the same condition logic as drawn ones, so a story can never answer a hidden item.
AnswerOverrides = Callable[[Dealer, int, Checklist, int], Mapping[str, Answer]]


def generate_network(
    standards: Sequence[Checklist],
    program: Program | None,
    dealers_count: int,
    waves: int | Sequence[str],
    seed: int,
    out_dir: Path,
    *,
    visits: tuple[int, int] = (1, 3),
    dealers: Sequence[Dealer] | None = None,
    quality: Mapping[str, Sequence[float]] | None = None,
    overrides: AnswerOverrides | None = None,
    write_dealers: bool = True,
    photos: bool = True,
    pretty: bool = False,
) -> GeneratedNetwork:
    """Write a synthetic network into `out_dir` and describe it.

    `dealers` replaces the synthetic dealer list (the demo uses the hand-written master data); `quality` pins
    a dealer's per-wave quality (the demo's stories); `overrides` forces chosen answers of chosen audits.
    `visits` is the (min, max) number of visits per dealer, wave and standard (the benchmark uses (1, 1)).
    `waves` is a count (the program's first waves, continued quarter by quarter) or the wave codes to use.
    """
    if dealers_count < 0 or (isinstance(waves, int) and waves < 1) or (not isinstance(waves, int) and not waves):
        raise ValueError("dealers_count must be >= 0 and there must be at least one wave")
    rng = random.Random(seed)
    regions = list(program.regions) if program and program.regions else _default_regions()
    wave_list = _waves(program, waves)
    dealer_list = list(dealers) if dealers is not None else synthetic_dealers(dealers_count, regions, rng)
    profiles = _profiles(dealer_list, len(wave_list), rng, quality or {})

    out_dir.mkdir(parents=True, exist_ok=True)
    dealers_csv = out_dir / "dealers.csv"
    if write_dealers:
        dealers_csv.write_text(dealers_to_csv(dealer_list), encoding="utf-8", newline="")
    result = GeneratedNetwork(out_dir, dealers_csv, dealer_list, [w.code for w in wave_list])

    plans = [_StandardPlan.of(standard) for standard in standards]
    photo_refs: dict[str, EvidenceRef] = {}
    for wave_index, wave in enumerate(wave_list):
        wave_dir = out_dir / wave.code
        wave_dir.mkdir(exist_ok=True)
        if photos and any(plan.photo_items for plan in plans):
            photo_refs = _write_photos(wave_dir, result)
        files: list[Path] = []
        for profile in profiles:
            for plan in plans:
                count = rng.randint(visits[0], visits[1])
                for visit in range(1, count + 1):
                    forced = overrides(profile.dealer, wave_index, plan.standard, visit) if overrides else {}
                    audit = _audit(plan, profile, wave, wave_index, visit, rng, photo_refs, forced)
                    path = wave_dir / f"{profile.dealer.code}_{plan.standard.id}_{visit}.json"
                    path.write_text(_dumps(audit, pretty), encoding="utf-8")
                    files.append(path)
        result.audit_files[wave.code] = files
    return result


def synthetic_dealers(count: int, regions: Sequence[Region], rng: random.Random) -> list[Dealer]:
    """`count` dealers spread over `regions`, with bilingual names and the attributes conditions test."""
    dealers: list[Dealer] = []
    per_prefix: dict[str, int] = {}
    for index in range(count):
        region = regions[index % len(regions)]
        places = _GEOGRAPHY.get(region.code, _GEOGRAPHY[sorted(_GEOGRAPHY)[index % len(_GEOGRAPHY)]])[2]
        province, city_zh, city_en, prefix = places[(index // len(regions)) % len(places)]
        per_prefix[prefix] = per_prefix.get(prefix, 0) + 1
        number = per_prefix[prefix]
        trade_zh, trade_en = _TRADE_NAMES[rng.randrange(len(_TRADE_NAMES))]
        suffix_zh, suffix_en = _SUFFIXES[rng.randrange(len(_SUFFIXES))]
        branch = number // len(_TRADE_NAMES)  # past a dozen stores per city, trade names repeat as branches
        name = LocalText(
            zh=f"{city_zh}{trade_zh}{f'第{branch + 1}' if branch else ''}{suffix_zh}",
            en=f"{city_en} {trade_en}{f' No.{branch + 1}' if branch else ''} {suffix_en}",
        )
        tier = rng.choices(("A", "B", "C"), weights=(3, 4, 3))[0]
        attributes: dict[str, bool | str] = {
            "has_ev_service": rng.random() < (0.8 if tier == "A" else 0.55),
            "has_lounge": rng.random() < (0.95 if tier == "A" else 0.75),
            "tier": tier,
        }
        dealers.append(
            Dealer(
                code=f"{prefix}{number:03d}",
                name=name,
                region=region.code,
                province=province,
                city=city_zh,
                group=_GROUPS[rng.randrange(len(_GROUPS))],
                brand="Aurora",
                attributes=attributes,
            )
        )
    return dealers


def dealers_to_csv(dealers: Iterable[Dealer]) -> str:
    """Master data in the CSV form `formats/dealers.read_dealers` reads (booleans as true/false)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DEALER_COLUMNS)
    for d in dealers:
        attrs = d.attributes

        def flag(name: str, attrs: Mapping[str, AttributeValue] = attrs) -> str:
            return "true" if attrs.get(name) else "false"

        writer.writerow(
            [
                d.code,
                d.name.zh,
                d.name.en,
                d.region,
                d.province,
                d.city,
                d.group,
                d.brand,
                flag("has_ev_service"),
                flag("has_lounge"),
                attrs.get("tier", ""),
            ]
        )
    return buffer.getvalue()


# ---- internals -----------------------------------------------------------------------------------------------


_DEFAULT_SCALE = ScaleRange()


@dataclass(frozen=True)
class _ItemPlan:
    """Per-item facts computed once per standard: the parsed condition and how hard the item is to pass."""

    item: Item
    condition: Condition | None
    difficulty: float  # subtracted from the dealer's quality: some items are failed network-wide
    skippable: bool  # optional, not bonus, not a photo: auditors leave a third of these blank
    scored: bool
    evidence_rules: bool
    notes: NotePool  # what an auditor writes when the item fails


@dataclass(frozen=True)
class _StandardPlan:
    standard: Checklist
    items: tuple[_ItemPlan, ...]
    photo_items: tuple[str, ...]

    @classmethod
    def of(cls, standard: Checklist) -> _StandardPlan:
        plans = []
        for item in standard.items():
            # Difficulty is a function of the item id, not of the run's rng: the same item is "hard" in every
            # network, like the real-world tablet check-in that most dealers skip.
            crc = zlib.crc32(f"{standard.id}/{item.id}".encode())
            difficulty = ((crc % 1000) / 1000.0) ** 4 * 0.3 - 0.04
            condition = parse_condition(item.condition) if item.condition else None
            skippable = not item.required and not item.bonus and item.type is not AnswerType.PHOTO
            rules = item.evidence.is_required_somewhere
            notes = notes_for(standard.id, item)
            plans.append(_ItemPlan(item, condition, difficulty, skippable, item.is_scored, rules, notes))
        photo_items = tuple(
            p.item.id
            for p in plans
            if p.item.type is AnswerType.PHOTO or p.item.evidence.photo is not EvidenceWhen.NEVER
        )
        return cls(standard, tuple(plans), photo_items)


def _default_regions() -> list[Region]:
    return [Region(code, LocalText(zh, en)) for code, (zh, en, _) in _GEOGRAPHY.items()]


def _waves(program: Program | None, count: int | Sequence[str]) -> list[Wave]:
    known = list(program.waves) if program else []
    if not isinstance(count, int):
        by_code = {w.code: w for w in known}
        return [by_code.get(code) or _quarter_wave(code) for code in count]
    waves = known[:count]
    year, quarter = 2026, 3
    if waves:
        last = waves[-1].code
        try:
            year, quarter = int(last[:4]), int(last[-1])
        except ValueError:
            year, quarter = 2026, 3
    else:
        quarter -= 1
    while len(waves) < count:
        quarter += 1
        if quarter > 4:
            year, quarter = year + 1, 1
        waves.append(_quarter_wave(f"{year}-Q{quarter}"))
    return waves


def _quarter_wave(code: str) -> Wave:
    """A wave the program does not list: dated as the calendar quarter its code names (2027-Q1), else undated."""
    try:
        year, quarter = int(code[:4]), int(code[-1])
        start = date(year, 3 * quarter - 2, 1)
    except ValueError:
        return Wave(code, LocalText(code, code))
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    return Wave(code, LocalText(f"{year}年第{quarter}季度", f"{year} Q{quarter}"), start.isoformat(), end.isoformat())


def _profiles(
    dealers: Sequence[Dealer], wave_count: int, rng: random.Random, pinned: Mapping[str, Sequence[float]]
) -> list[DealerProfile]:
    """Quality per dealer per wave: mostly good (mean ~0.86), a weak tail, drifting a little each wave."""
    profiles = []
    for dealer in dealers:
        base = min(0.99, max(0.45, rng.gauss(0.87, 0.07)))
        series = [base]
        for _ in range(wave_count - 1):
            series.append(min(0.99, max(0.4, series[-1] + rng.gauss(0.0, 0.04))))
        if dealer.code in pinned:
            given = list(pinned[dealer.code])
            series = [given[i] if i < len(given) else series[i] for i in range(wave_count)]
        profiles.append(DealerProfile(dealer, tuple(series)))
    return profiles


def _visit_start(wave: Wave, rng: random.Random) -> datetime:
    start = date.fromisoformat(wave.start) if wave.start else date(2026, 1, 1)
    end = date.fromisoformat(wave.end) if wave.end else start + timedelta(days=80)
    day = start + timedelta(days=rng.randrange(max(1, (end - start).days + 1)))
    while day.weekday() == 6 and day > start:  # auditors rarely visit on Sundays
        day -= timedelta(days=1)
    return datetime(day.year, day.month, day.day, rng.randint(9, 15), rng.choice((0, 15, 30, 45)), tzinfo=CHINA_TZ)


def _audit(
    plan: _StandardPlan,
    profile: DealerProfile,
    wave: Wave,
    wave_index: int,
    visit: int,
    rng: random.Random,
    photo_refs: Mapping[str, EvidenceRef],
    forced: Mapping[str, Answer],
) -> Audit:
    dealer = profile.dealer
    attributes = dict(dealer_context(dealer))
    # A single visit varies around the dealer's level: a good advisor on duty, a bad day.
    quality = min(0.995, max(0.2, profile.quality[wave_index] + rng.gauss(0.0, 0.03)))
    auditor = AUDITORS[rng.randrange(len(AUDITORS))]
    english = auditor in _ENGLISH_AUDITORS
    start = _visit_start(wave, rng)
    moment = start
    values: dict[str, Any] = {}
    answered_ids: set[str] = set()
    answers: dict[str, Answer] = {}
    photo_names = sorted(photo_refs)
    for item_plan in plan.items:
        item = item_plan.item
        if item_plan.condition is not None and not item_plan.condition.evaluate(
            values, attributes, answered_ids.__contains__
        ):
            continue  # the capture tools hide items that do not apply; so does the generator
        moment += timedelta(seconds=15 + int(rng.random() * 61))  # randint is 4x slower
        answer: Answer | None
        if item.id in forced:  # a scripted story answer; conditions above still decide whether it applies
            answer = replace(forced[item.id], answered_at=forced[item.id].answered_at or moment)
        else:
            answer = _answer(item_plan, quality, rng, english, photo_refs, photo_names, moment)
        if answer is None:
            continue
        answers[item.id] = answer
        answered_ids.add(item.id)
        values[item.id] = None if answer.na else answer.value
    end = moment + timedelta(minutes=rng.randint(3, 15))
    return Audit(
        audit_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        dealer_code=dealer.code,
        standard_id=plan.standard.id,
        standard_version=plan.standard.version,
        wave=wave.code,
        auditor=auditor,
        visit_start=start,
        visit_end=end,
        status=AuditStatus.FINALISED,
        revision=1,
        answers=answers,
        standard_hash=_standard_hash(plan.standard),
    )


def _answer(
    item_plan: _ItemPlan,
    quality: float,
    rng: random.Random,
    english: bool,
    photo_refs: Mapping[str, EvidenceRef],
    photo_names: Sequence[str],
    moment: datetime,
) -> Answer | None:
    """One drawn answer with the note and evidence an auditor would attach; None = left blank (optional item)."""
    item = item_plan.item
    if item_plan.skippable and rng.random() < 0.35:
        return None
    if item.na_allowed and rng.random() < 0.04:
        return Answer(item.id, na=True, answered_at=moment)
    p_pass = min(0.995, max(0.02, quality - item_plan.difficulty))
    if item.critical is not None:
        p_pass = 1.0 - (1.0 - p_pass) * 0.12  # knock-outs are rare: dealers know what is critical
    if item.bonus:
        p_pass *= 0.5
    value = _value(item, p_pass, rng, english, photo_names)
    if value is None:
        return None
    fraction = item_fraction(item, value)  # the scoring core's own verdict decides what counts as failed
    failed = fraction is not None and fraction < 1.0
    if not failed and not item_plan.evidence_rules and item.type is not AnswerType.PHOTO:  # the common case
        if rng.random() < 0.02:
            return Answer(item.id, value=value, note=_remark(rng, english), answered_at=moment)
        return Answer(item.id, value=value, answered_at=moment)
    rule = item.evidence
    note = ""
    if failed and (_needed(rule.note, failed) or rng.random() < 0.35):
        slots = _PARTIAL_NOTE_SLOTS if (fraction or 0) >= 0.5 else _FAIL_NOTE_SLOTS
        note = item_plan.notes.pick(rng.randrange(slots), english)
    elif _needed(rule.note, failed) or (not failed and rng.random() < 0.02):
        note = _remark(rng, english)
    evidence: tuple[EvidenceRef, ...] = ()
    if photo_refs and (_needed(rule.photo, failed) or item.type is AnswerType.PHOTO):
        name = (
            str(value)
            if item.type is AnswerType.PHOTO
            else photo_names[zlib.crc32(item.id.encode()) % len(photo_names)]
        )
        evidence = (photo_refs[name],)
    return Answer(item.id, value=value, note=note, evidence=evidence, answered_at=moment)


_PHOTO_KEYWORDS = (("board", "status-board.png"), ("lounge", "lounge.png"), ("wait", "lounge.png"))


def _photo_for(item: Item, photo_names: Sequence[str]) -> str:
    """The stock photo that fits the item best (a status board for the board items), else one by item id."""
    text = item.text.en.lower()
    for keyword, name in _PHOTO_KEYWORDS:
        if keyword in text and name in photo_names:
            return name
    if "check" in text and "reception-desk.png" in photo_names:
        return "reception-desk.png"
    return photo_names[zlib.crc32(item.id.encode()) % len(photo_names)]


def _needed(when: EvidenceWhen, failed: bool) -> bool:
    return when is EvidenceWhen.ALWAYS or (when is EvidenceWhen.ON_FAIL and failed)


def _remark(rng: random.Random, english: bool) -> str:
    return rng.choice(_REMARKS_EN if english else _REMARKS_ZH)


def _value(item: Item, p_pass: float, rng: random.Random, english: bool, photo_names: Sequence[str]) -> AnswerValue:
    """One answer of the item's type: compliant with probability `p_pass`, otherwise a plausible failure."""
    passed = rng.random() < p_pass
    kind = item.type
    if kind is AnswerType.YES_NO:
        other = "yes" if item.compliant_answer == "no" else "no"
        return item.compliant_answer if passed else other
    if kind is AnswerType.SCALE:
        scale = item.scale or _DEFAULT_SCALE
        if any(o.points for o in item.options):  # a scale whose steps carry points: the codes are the steps
            steps = sorted((o for o in item.options if o.code.isdigit()), key=lambda o: o.points, reverse=True)
            if steps:
                return int(steps[0].code if passed else rng.choice(steps[1:] or steps).code)
        if passed:
            return scale.max if rng.random() < 0.7 else max(scale.min, scale.max - 1)
        return rng.randint(scale.min, max(scale.min, scale.max - 1))
    if kind is AnswerType.NUMBER:
        return _number(item, passed, rng)
    if kind is AnswerType.SINGLE_CHOICE:
        if not item.options:
            return None
        ranked = sorted(item.options, key=lambda o: o.points, reverse=True)
        if ranked[0].points <= 0:  # unscored choice (e.g. "how was the visit booked"): first option most often
            return item.options[0].code if rng.random() < 0.4 else rng.choice(item.options).code
        return ranked[0].code if passed else rng.choice(ranked[1:] or ranked).code
    if kind is AnswerType.MULTIPLE_CHOICE:
        positive = [o for o in item.options if o.points > 0]
        zero = [o for o in item.options if o.points <= 0]
        chosen = positive if passed and positive else [o for o in positive if rng.random() < p_pass * 0.8]
        if not chosen:
            chosen = zero[:1] or [rng.choice(item.options)]
        return tuple(o.code for o in chosen)
    if kind is AnswerType.TEXT:
        return _remark(rng, english)
    if kind is AnswerType.PHOTO:
        return rng.choice(photo_names) if photo_names else None
    return None


def _number(item: Item, passed: bool, rng: random.Random) -> float | int:
    """A value inside the first band that scores fully (pass) or inside a lower band (fail), within the range."""
    lo = item.range.min if item.range and item.range.min is not None else 0.0
    hi = item.range.max if item.range and item.range.max is not None else None
    bands = list(item.bands)
    full = [b for b in bands if b.score >= 1.0]
    partial = [b for b in bands if b.score < 1.0]
    target: NumberBand | None = None
    if passed and full:
        target = full[0]
    elif not passed and partial:
        target = rng.choice(partial)
    if target is None:
        top = hi if hi is not None else lo + 30
        return _round_like(item, rng.uniform(lo, top))
    for _ in range(20):
        b_lo = target.min if target.min is not None else lo
        b_hi = target.max if target.max is not None else (b_lo * 2 + 10 if hi is None else min(hi, b_lo * 2 + 10))
        if hi is not None:
            b_hi = min(b_hi, hi)
        b_lo = max(b_lo, lo)
        if b_hi < b_lo:
            break
        value = _round_like(item, rng.uniform(b_lo, b_hi))
        # First matching band wins: make sure an earlier band does not capture the value.
        first = next((b for b in bands if b.matches(float(value))), None)
        if first is target:
            return value
    return _round_like(item, target.min if target.min is not None else lo)


def _round_like(item: Item, value: float) -> float | int:
    """Whole numbers when the item's bounds are whole (minutes, counts); one decimal otherwise."""
    bounds = [b.min for b in item.bands] + [b.max for b in item.bands]
    if item.range:
        bounds += [item.range.min, item.range.max]
    if all(b is None or float(b).is_integer() for b in bounds):
        return round(value)
    return round(value, 1)


_HASH_CACHE: dict[int, str] = {}


def _standard_hash(standard: Checklist) -> str:
    """The standard's content hash when the codec is available (it lands with the standards work)."""
    key = id(standard)
    if key not in _HASH_CACHE:
        try:
            _HASH_CACHE[key] = standard.content_hash
        except ImportError:
            _HASH_CACHE[key] = ""
    return _HASH_CACHE[key]


def _dumps(audit: Audit, pretty: bool) -> str:
    """Pretty JSON for files people read (sample_audits/); compact for big networks — json's C encoder is only
    used without indentation, and it is 5x faster."""
    if pretty:
        return json.dumps(audit_to_dict(audit), ensure_ascii=False, indent=2) + "\n"
    return json.dumps(audit_to_dict(audit), ensure_ascii=False, separators=(",", ":")) + "\n"


def _write_photos(folder: Path, result: GeneratedNetwork) -> dict[str, EvidenceRef]:
    """Small generated photos (< 20 KB each) shared by every audit of the wave; identical bytes for every run."""
    folder.mkdir(parents=True, exist_ok=True)
    refs: dict[str, EvidenceRef] = {}
    for name, caption_zh, caption_en, background, accent in _PHOTOS:
        data = render_photo(caption_zh, caption_en, background, accent)
        path = folder / name
        path.write_bytes(data)
        result.evidence_files.append(path)
        refs[name] = EvidenceRef(name, hashlib.sha256(data).hexdigest(), len(data), "image/png")
    return refs


def render_photo(
    caption_zh: str,
    caption_en: str,
    background: tuple[int, int, int],
    accent: tuple[int, int, int],
    *,
    size: tuple[int, int] = (320, 200),
    rows: Sequence[tuple[str, str]] = (),
    fmt: str = "PNG",
) -> bytes:
    """A drawn stand-in for an auditor's photo: a panel with lines of 'status' rows and a caption.

    Pillow is imported here only: the generator is the one place that makes images.
    """
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    width, height = size
    ink = (30, 30, 30) if sum(background) > 450 else (235, 235, 235)  # dark text on a light (paper) background
    draw.rectangle((10, 10, width - 10, height - 34), outline=accent, width=3)
    draw.text((20, 16), caption_en.upper(), fill=accent)
    draw.line((20, 30, width - 20, 30), fill=accent, width=1)
    lines = list(rows) or [("A", "OK"), ("B", "WIP"), ("C", "WAIT"), ("D", "OK")]
    step = max(14, (height - 84) // max(1, len(lines)))
    for index, (left, right) in enumerate(lines):
        y = 40 + index * step
        colour = (60, 170, 80) if right in ("OK", "DONE") else (230, 170, 40) if right == "WIP" else (210, 70, 60)
        draw.rectangle((20, y, 34, y + 10), fill=colour)
        draw.text((42, y - 1), left, fill=ink)
        draw.text((width - 80, y - 1), right, fill=colour)
    draw.rectangle((0, height - 28, width, height), fill=(20, 20, 20))
    draw.text((10, height - 22), caption_en, fill=(255, 255, 255))
    draw.text((width - 60, height - 22), f"#{zlib.crc32(caption_zh.encode()) % 1000:03d}", fill=(200, 200, 200))
    buffer = io.BytesIO()
    if fmt.upper() == "JPEG":
        image.save(buffer, format="JPEG", quality=70, optimize=True)
    else:
        image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# ---- shared evidence: double audits and calibration sessions -----------------------------------------------------


def flippable_items(standard: Checklist) -> frozenset[str]:
    """Yes/no items a second auditor may plausibly see differently without breaking the audit: no evidence rule,
    not a knock-out, and no other item's condition reads them (flipping one never shows or hides another)."""
    conditions = " ".join(i.condition or "" for i in standard.items())
    return frozenset(
        i.id
        for i in standard.items()
        if i.type is AnswerType.YES_NO
        and i.critical is None
        and not i.bonus
        and i.evidence.note is EvidenceWhen.NEVER
        and i.evidence.photo is EvidenceWhen.NEVER
        and i.id not in conditions
    )


def second_opinion(
    audit: Audit,
    standard: Checklist,
    auditor: str,
    rng: random.Random,
    *,
    kind: AuditKind = AuditKind.DOUBLE,
    scenario: str = "",
    flip: float = 0.02,
    forced: Mapping[str, AnswerValue] | None = None,
    coin: Mapping[str, float] | None = None,
    delay: timedelta = timedelta(minutes=40),
) -> Audit:
    """Another auditor's audit of the scene `audit` recorded: the same answers, each flippable yes/no item seen
    the other way with probability `flip`; `forced` pins answers (a lenient auditor's habit), `coin` redraws an
    item as yes with the given probability (an item whose wording leaves auditors guessing). Only items in
    `flippable_items` are changed, so the copy stays valid against the standard."""
    free = flippable_items(standard)
    answers = dict(audit.answers)
    for item_id in sorted(answers):
        answer = answers[item_id]
        if item_id not in free or answer.na or answer.value is None:
            continue
        value: AnswerValue = answer.value
        if coin and item_id in coin:
            value = "yes" if rng.random() < coin[item_id] else "no"
        elif rng.random() < flip:
            value = "no" if value == "yes" else "yes"
        if forced and item_id in forced:
            value = forced[item_id]
        if value != answer.value:
            answers[item_id] = replace(answer, value=value, note="")
    start = (audit.visit_start or datetime(2026, 1, 1, tzinfo=CHINA_TZ)) + delay
    end = (audit.visit_end or start) + delay
    return replace(
        audit,
        audit_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        auditor=auditor,
        visit_start=start,
        visit_end=end,
        answers={
            k: replace(a, answered_at=a.answered_at + delay if a.answered_at else None) for k, a in answers.items()
        },
        kind=kind,
        scenario=scenario,
        source="",
    )


def self_assessment_of(
    visit: Audit,
    standard: Checklist,
    dealer: Dealer,
    filled_by: str,
    rng: random.Random,
    *,
    before: timedelta = timedelta(days=5),
) -> Audit:
    """The self-assessment an over-claiming dealer returns before `visit` (docs/actions-and-disputes.md): the
    visit's answers with every yes/no item claimed compliant, knock-outs included — the dealer says yes where the
    auditor saw no. Items a claim shows (e.g. the status board's details once the board "works") are claimed too
    when they are yes/no; a claim that would hide an answered item or show another kind of item is not made, so
    the form stays valid against the standard. Notes and photos stay only where the standard wants them on a
    pass too."""
    items = standard.items_by_id
    answers = dict(visit.answers)

    def shown(candidate: dict[str, Answer]) -> set[str]:
        return {i.id for i in applicable_items(standard, replace(visit, answers=candidate), dealer)}

    def claim(answer: Answer) -> Answer:
        rule = items[answer.item_id].evidence
        return replace(
            answer,
            value=items[answer.item_id].compliant_answer,
            note=answer.note if rule.note is EvidenceWhen.ALWAYS else "",
            evidence=answer.evidence if rule.photo is EvidenceWhen.ALWAYS else (),
        )

    layout = shown(answers)
    for item in standard.items():
        answer = answers.get(item.id)
        if item.type is not AnswerType.YES_NO or answer is None or answer.value in (None, item.compliant_answer):
            continue
        claimed = {**answers, item.id: claim(answer)}
        now = shown(claimed)
        new = now - layout
        if layout - now or any(items[i].type is not AnswerType.YES_NO for i in new):
            continue
        answers = {**claimed, **{i.id: claim(Answer(i.id)) for i in standard.items() if i.id in new}}  # form order
        layout = now
    start = (visit.visit_start or datetime(2026, 1, 1, tzinfo=CHINA_TZ)) - before
    return replace(
        visit,
        audit_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        auditor=filled_by,
        visit_start=start,
        visit_end=start + timedelta(minutes=45),
        answers={k: replace(a, answered_at=None) for k, a in answers.items()},
        kind=AuditKind.SELF,
        scenario="",
        source="",
    )


def write_audit(audit: Audit, path: Path) -> None:
    """Write one audit in the sample network's pretty JSON (the same form `generate_network(pretty=True)` uses)."""
    path.write_text(_dumps(audit, True), encoding="utf-8")


def generate_from_checklists(
    checklists_dir: Path,
    dealers_count: int,
    waves: int,
    seed: int,
    out_dir: Path,
    visits: tuple[int, int] = (1, 3),
) -> GeneratedNetwork:
    """`dealer-audit generate`: the standards and program of a folder (default: the shipped checklists/)."""
    from dealer_audit.formats.standards import load_checklists_dir

    if visits[0] < 1 or visits[1] < visits[0]:
        raise ValueError("visits must be MIN-MAX with 1 <= MIN <= MAX")
    standards, program = load_checklists_dir(checklists_dir)
    return generate_network(standards, program, dealers_count, waves, seed, out_dir, visits=visits)

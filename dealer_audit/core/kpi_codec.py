"""The program file's `kpis:` and `incentives:` sections, to and from plain dicts (as core/standard_codec.py does
for the rest of the program, with whose `Decoder` every problem gets its file:line).

Kept apart from standard_codec so the KPI rules live next to each other; standard_codec calls in with one line
each way. Both sections are written only when present, so programs without them keep their content hash.
"""

from __future__ import annotations

from typing import Any

from dealer_audit.core.dealers import code_problem
from dealer_audit.core.incentives import ConsecutiveRule, Eligibility, IncentiveRules, Payout, Tier
from dealer_audit.core.kpis import CrossCheck, Curve, CurveKind, Direction, Enters, KpiBand, KpiDefinition
from dealer_audit.core.lookup import did_you_mean, did_you_mean_zh, join
from dealer_audit.core.standard import NumberRange
from dealer_audit.core.standard_codec import Decoder, _num

MAX_KPI_ID = 100
KPI_KEYS = ("id", "name", "unit", "direction", "curve", "weight", "enters", "range", "cross_checks")
CURVE_KEYS = ("type", "floor", "target", "bands")
KPI_BAND_KEYS = ("min", "max", "score")
CROSS_CHECK_KEYS = ("standard", "item", "threshold")
INCENTIVE_KEYS = ("tiers", "eligibility", "consecutive")
TIER_KEYS = ("code", "label", "min", "top_percent", "payout")
PAYOUT_KEYS = ("amount", "percent")
ELIGIBILITY_KEYS = ("min_visits", "min_kpi_base")
CONSECUTIVE_KEYS = ("below", "warning_after", "penalty_after", "penalty")


# ---- encoding ------------------------------------------------------------------------------------------------


def _bounds(entry: dict[str, Any], low: float | None, high: float | None) -> None:
    if low is not None:
        entry["min"] = _num(low)
    if high is not None:
        entry["max"] = _num(high)


def kpis_to_dict(kpis: tuple[KpiDefinition, ...]) -> list[dict[str, Any]]:
    out = []
    for k in kpis:
        curve: dict[str, Any] = {"type": k.curve.kind.value}
        if k.curve.kind is CurveKind.LINEAR:
            curve["floor"] = _num(k.curve.floor)
            curve["target"] = _num(k.curve.target)
        else:
            bands = []
            for b in k.curve.bands:
                band: dict[str, Any] = {}
                _bounds(band, b.min, b.max)
                band["score"] = _num(b.score)
                bands.append(band)
            curve["bands"] = bands
        entry: dict[str, Any] = {
            "id": k.id,
            "name": {"zh": k.name.zh, "en": k.name.en},
            "unit": {"zh": k.unit.zh, "en": k.unit.en},
            "direction": k.direction.value,
            "curve": curve,
            "weight": _num(k.weight),
            "enters": k.enters.value,
        }
        if k.range is not None:
            entry["range"] = {}
            _bounds(entry["range"], k.range.min, k.range.max)
        if k.cross_checks:
            entry["cross_checks"] = [
                {"standard": c.standard_id, "item": c.item_id, "threshold": _num(c.threshold)} for c in k.cross_checks
            ]
        out.append(entry)
    return out


def _payout_dict(payout: Payout) -> dict[str, Any]:
    return {"amount": _num(payout.amount)} if payout.amount is not None else {"percent": _num(payout.percent or 0)}


def incentives_to_dict(rules: IncentiveRules) -> dict[str, Any]:
    tiers = []
    for t in rules.tiers:
        entry: dict[str, Any] = {"code": t.code, "label": {"zh": t.label.zh, "en": t.label.en}}
        if t.min is not None:
            entry["min"] = _num(t.min)
        if t.top_percent is not None:
            entry["top_percent"] = _num(t.top_percent)
        entry["payout"] = _payout_dict(t.payout)
        tiers.append(entry)
    data: dict[str, Any] = {"tiers": tiers}
    if rules.eligibility != Eligibility():
        data["eligibility"] = {
            "min_visits": rules.eligibility.min_visits,
            "min_kpi_base": rules.eligibility.min_kpi_base,
        }
    if rules.consecutive is not None:
        c = rules.consecutive
        data["consecutive"] = {
            "below": _num(c.below),
            "warning_after": c.warning_after,
            "penalty_after": c.penalty_after,
        }
        if c.penalty is not None:
            data["consecutive"]["penalty"] = _payout_dict(c.penalty)
    return data


# ---- decoding ------------------------------------------------------------------------------------------------


def decode_kpis(d: Decoder, root: dict[str, Any], standard_ids: set[str]) -> tuple[KpiDefinition, ...]:
    """The `kpis:` list, every problem reported at its line; `standard_ids` are the program's checklists (a
    cross-check naming another standard is an error)."""
    kpis = []
    seen: dict[str, int] = {}
    for index, raw_entry in enumerate(d.sequence(root, "kpis", "")):
        where = join("kpis", index)
        raw = d.mapping(raw_entry, where, KPI_KEYS, "a KPI")
        kpi_id = d.text(raw, "id", where, required=True)
        unsafe = code_problem(kpi_id, "KPI id", "KPI 编号")
        if unsafe:
            d.error(join(where, "id"), unsafe.en, code="unsafe_code", zh=unsafe.zh)
        if len(kpi_id) > MAX_KPI_ID:  # what storage's kpi_values.kpi_id holds
            d.error(
                join(where, "id"),
                f"a KPI id has at most {MAX_KPI_ID} characters, this one {len(kpi_id)}",
                zh=f"KPI 编号最多 {MAX_KPI_ID} 个字符，此编号有 {len(kpi_id)} 个",
            )
        if kpi_id and kpi_id in seen:
            d.error(
                join(where, "id"),
                f"duplicate id '{kpi_id}' in kpis (first at entry {seen[kpi_id] + 1})",
                zh=f"kpis 中的编号“{kpi_id}”重复（首次出现在第 {seen[kpi_id] + 1} 项）",
            )
        seen.setdefault(kpi_id, index)
        direction = d.choice(raw, "direction", where, Direction, Direction.HIGHER, required=True)
        weight = d.number(raw, "weight", where, 1.0)
        if weight <= 0:
            d.error(
                join(where, "weight"),
                f"weight must be greater than 0, got {_num(weight)}",
                code="weight",
                zh=f"权重必须大于 0，当前为 {_num(weight)}",
            )
        value_range = None
        if raw.get("range") is not None:
            at = join(where, "range")
            bounds = d.mapping(raw["range"], at, ("min", "max"), "'range'")
            value_range = NumberRange(min=d.number(bounds, "min", at), max=d.number(bounds, "max", at))
            if value_range.min is not None and value_range.max is not None and value_range.min >= value_range.max:
                d.error(at, "range min must be below max", zh="range 的 min 必须小于 max")
        curve = _curve(d, raw, where, direction)
        checks = []
        for number, raw_check in enumerate(d.sequence(raw, "cross_checks", where)):
            at = join(join(where, "cross_checks"), number)
            check = d.mapping(raw_check, at, CROSS_CHECK_KEYS, "a cross-check")
            standard = d.text(check, "standard", at, required=True)
            if standard and standard_ids and standard not in standard_ids:
                d.error(
                    join(at, "standard"),
                    f"standard '{standard}' is not one of the program's checklists",
                    hint=did_you_mean(standard, standard_ids) or f"use one of {', '.join(sorted(standard_ids))}",
                    zh=f"稽核标准“{standard}”不是本稽核方案中的标准",
                    hint_zh=did_you_mean_zh(standard, standard_ids) or f"可用的标准：{', '.join(sorted(standard_ids))}",
                )
            checks.append(
                CrossCheck(
                    standard_id=standard,
                    item_id=d.text(check, "item", at, required=True),
                    threshold=d.number(check, "threshold", at, 0.0, required=True),
                )
            )
        kpis.append(
            KpiDefinition(
                id=kpi_id,
                name=d.local_text(raw, "name", where, required=True),
                unit=d.local_text(raw, "unit", where),
                direction=direction,
                curve=curve,
                weight=weight,
                enters=d.choice(raw, "enters", where, Enters, Enters.KPI_INDEX),
                range=value_range,
                cross_checks=tuple(checks),
            )
        )
    return tuple(kpis)


def _curve(d: Decoder, raw: dict[str, Any], where: str, direction: Direction) -> Curve:
    at = join(where, "curve")
    if raw.get("curve") is None:
        d.error(
            where,
            "'curve' is required ({type: linear, floor: …, target: …} or {type: bands, bands: […]})",
            zh="“curve”必填（写成 {type: linear, floor: …, target: …} 或 {type: bands, bands: […]}）",
        )
        return Curve(CurveKind.LINEAR)
    data = d.mapping(raw["curve"], at, CURVE_KEYS, "'curve'")
    kind = d.choice(data, "type", at, CurveKind, CurveKind.LINEAR, required=True)
    if kind is CurveKind.LINEAR:
        floor = d.number(data, "floor", at, 0.0, required=True)
        target = d.number(data, "target", at, 100.0, required=True)
        if direction is Direction.HIGHER and not target > floor:
            d.error(
                join(at, "target"),
                f"higher is better: the target ({_num(target)}) must be above the floor",
                zh=f"该指标越高越好：目标值 target（{_num(target)}）必须高于下限 floor",
            )
        if direction is Direction.LOWER and not target < floor:
            d.error(
                join(at, "target"),
                f"lower is better: the target ({_num(target)}) must be below the floor",
                zh=f"该指标越低越好：目标值 target（{_num(target)}）必须低于下限 floor",
            )
        if data.get("bands") is not None:
            d.error(
                join(at, "bands"),
                "a linear curve has no bands",
                hint="use type: bands",
                zh="线性曲线（linear）没有分档 bands",
                hint_zh="如需分档，请写 type: bands",
            )
        return Curve(kind, floor=floor, target=target)
    bands = []
    for index, raw_band in enumerate(d.sequence(data, "bands", at, required=True)):
        where_band = join(join(at, "bands"), index)
        band_data = d.mapping(raw_band, where_band, KPI_BAND_KEYS, "a KPI band")
        band = KpiBand(
            score=d.number(band_data, "score", where_band, 0.0, required=True),
            min=d.number(band_data, "min", where_band),
            max=d.number(band_data, "max", where_band),
        )
        if not 0 <= band.score <= 100:
            d.error(
                join(where_band, "score"),
                f"a band's score is 0..100, got {_num(band.score)}",
                zh=f"分档的 score 应在 0 到 100 之间，当前为 {_num(band.score)}",
            )
        if band.min is not None and band.max is not None and band.min > band.max:
            d.error(where_band, "band min is above its max", zh="分档的 min 大于其 max")
        bands.append(band)
    for key in ("floor", "target"):
        if data.get(key) is not None:
            d.error(
                join(at, key),
                f"a banded curve has no {key}",
                hint="use type: linear",
                zh=f"分档曲线（bands）没有 {key}",
                hint_zh="如需下限和目标值，请写 type: linear",
            )
    return Curve(kind, bands=tuple(bands))


def decode_payout(d: Decoder, value: Any, where: str) -> Payout:
    data = d.mapping(value, where, PAYOUT_KEYS, "a payout")
    amount = d.number(data, "amount", where)
    percent = d.number(data, "percent", where)
    if (amount is None) == (percent is None):
        d.error(
            where,
            "a payout is either an amount or a percent",
            hint="write {amount: 20000} or {percent: 1.5}",
            zh="奖金规则只能是金额（amount）或百分比（percent）之一",
            hint_zh="请写 {amount: 20000} 或 {percent: 1.5}",
        )
    return Payout(amount=amount, percent=None if amount is not None else percent)


def decode_incentives(d: Decoder, root: dict[str, Any]) -> IncentiveRules | None:
    if root.get("incentives") is None:
        return None
    raw = d.mapping(root["incentives"], "incentives", INCENTIVE_KEYS, "'incentives'")
    tiers = []
    seen: dict[str, int] = {}
    last_min: float | None = None
    for index, raw_tier in enumerate(d.sequence(raw, "tiers", "incentives", required=True)):
        where = join("incentives.tiers", index)
        data = d.mapping(raw_tier, where, TIER_KEYS, "a tier")
        code = d.text(data, "code", where, required=True)
        if code and code in seen:
            d.error(
                join(where, "code"),
                f"duplicate code '{code}' in tiers (first at entry {seen[code] + 1})",
                zh=f"tiers 中的代码“{code}”重复（首次出现在第 {seen[code] + 1} 项）",
            )
        seen.setdefault(code, index)
        minimum = d.number(data, "min", where)
        top = d.number(data, "top_percent", where)
        if minimum is None and top is None:
            d.error(
                where,
                "a tier needs 'min' (composite 0..100), 'top_percent' (of the region) or both",
                zh="奖励档需要“min”（综合得分 0 到 100）、“top_percent”（区域内排名前百分之几）或两者都写",
            )
        if minimum is not None and not 0 <= minimum <= 100:
            d.error(
                join(where, "min"),
                f"min is on the 0..100 scale like the bands, got {_num(minimum)}",
                zh=f"min 与评级档一样取 0 到 100，当前为 {_num(minimum)}",
            )
        if top is not None and not 0 < top <= 100:
            d.error(
                join(where, "top_percent"),
                f"top_percent must be above 0 and at most 100, got {_num(top)}",
                zh=f"top_percent 必须大于 0 且不超过 100，当前为 {_num(top)}",
            )
        if minimum is not None:
            if last_min is not None and minimum > last_min:
                d.error(
                    join(where, "min"),
                    "tiers are listed best first: this min is above the tier before it",
                    zh="奖励档应从最好的一档往下排列：此档的 min 高于上一档",
                )
            last_min = minimum
        payout = Payout()
        if data.get("payout") is None:
            d.error(
                where,
                "'payout' is required ({amount: …} or {percent: …})",
                code="missing",
                zh="“payout”必填（写成 {amount: …} 或 {percent: …}）",
            )
        else:
            payout = decode_payout(d, data["payout"], join(where, "payout"))
        tiers.append(
            Tier(code=code, label=d.local_text(data, "label", where, required=True), payout=payout, min=minimum,
                 top_percent=top)
        )  # fmt: skip
    eligibility = Eligibility()
    if raw.get("eligibility") is not None:
        at = "incentives.eligibility"
        data = d.mapping(raw["eligibility"], at, ELIGIBILITY_KEYS, "'eligibility'")
        eligibility = Eligibility(
            min_visits=d.integer(data, "min_visits", at, 0), min_kpi_base=d.integer(data, "min_kpi_base", at, 0)
        )
        for key, value in (("min_visits", eligibility.min_visits), ("min_kpi_base", eligibility.min_kpi_base)):
            if value < 0:
                d.error(join(at, key), f"{key} must be 0 or more, got {value}", zh=f"{key} 不能小于 0，当前为 {value}")
    consecutive = None
    if raw.get("consecutive") is not None:
        at = "incentives.consecutive"
        data = d.mapping(raw["consecutive"], at, CONSECUTIVE_KEYS, "'consecutive'")
        consecutive = ConsecutiveRule(
            below=d.number(data, "below", at, 0.0, required=True),
            warning_after=d.integer(data, "warning_after", at, 2),
            penalty_after=d.integer(data, "penalty_after", at, 3),
            penalty=decode_payout(d, data["penalty"], join(at, "penalty")) if data.get("penalty") is not None else None,
        )
        if not 0 <= consecutive.below <= 100:
            d.error(
                join(at, "below"),
                f"below is on the 0..100 scale like the bands, got {_num(consecutive.below)}",
                zh=f"below 与评级档一样取 0 到 100，当前为 {_num(consecutive.below)}",
            )
        if consecutive.warning_after < 1:
            d.error(join(at, "warning_after"), "warning_after must be at least 1", zh="warning_after 至少为 1")
        if consecutive.penalty_after <= consecutive.warning_after:
            d.error(
                join(at, "penalty_after"),
                "penalty_after must be greater than warning_after",
                zh="penalty_after 必须大于 warning_after",
            )
    return IncentiveRules(tiers=tuple(tiers), eligibility=eligibility, consecutive=consecutive)

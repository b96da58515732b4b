"""Structural rules of a standard: what a well-typed checklist can still get wrong, reported all at once.

Readers check types and keys (core/standard_codec.py); these rules check meaning: unique ids, positive weights,
sane bands and caps, choice items with options, scoring rules that fit the answer type, and skip-logic that only
looks back at earlier items (a forward or cyclic reference would make an item's visibility depend on something
the auditor has not seen yet). Locations come from the caller's `locate` (file line or workbook cell of a
logical path such as ``sections[1].items[3].weight``), so the rules know nothing about file formats.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from dealer_audit.core.conditions import (
    Call,
    Compare,
    ConditionError,
    ItemRef,
    ListLiteral,
    Literal,
    parse_condition,
    walk,
)
from dealer_audit.core.lookup import Locate, did_you_mean, did_you_mean_zh, join, locator
from dealer_audit.core.standard import AnswerType, Checklist, CriticalEffect, EvidenceWhen, Item
from dealer_audit.errors import Location, Problem, Severity

ID_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
DEALER_FIELDS = ("code", "region", "province", "city", "group", "brand")
CHOICE_TYPES = (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE)
_RESERVED = ("and", "or", "not", "in", "true", "false", "null", "dealer", "answered", "selected", "count")


def _fmt(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if float(value).is_integer() else str(value)


class _Rules:
    def __init__(self, checklist: Checklist, locate: Locate, attributes: Collection[str] | None) -> None:
        self.checklist = checklist
        self.locate = locate
        # the master-data fields scoring exposes to `dealer.x` (core/scoring.dealer_context) are always known
        self.attributes = None if attributes is None else {*attributes, *DEALER_FIELDS}
        self.problems: list[Problem] = []

    def error(self, path: str, message: str, code: str, hint: str = "", *, zh: str, hint_zh: str = "") -> None:
        """Record an error; `zh` (and `hint_zh` beside a hint) is required so no rule speaks English only."""
        self.problems.append(Problem(self.locate(path), message, code, Severity.ERROR, hint, zh=zh, hint_zh=hint_zh))

    def warning(self, path: str, message: str, code: str, hint: str = "", *, zh: str, hint_zh: str = "") -> None:
        self.problems.append(Problem(self.locate(path), message, code, Severity.WARNING, hint, zh=zh, hint_zh=hint_zh))

    def run(self) -> list[Problem]:
        checklist = self.checklist
        if not checklist.sections:
            self.error("sections", "a standard needs at least one section", "empty", zh="标准至少需要一个模块")
        self.check_index_bands()
        seen_sections: dict[str, str] = {}
        seen_items: dict[str, str] = {}
        paths: dict[str, str] = {}
        order: list[Item] = []
        for s_index, section in enumerate(checklist.sections):
            s_path = join("sections", s_index)
            if section.id:
                if section.id in seen_sections:
                    self.error(
                        join(s_path, "id"),
                        f"duplicate section id '{section.id}' (first used at {seen_sections[section.id]})",
                        "duplicate-id",
                        zh=f"模块 ID“{section.id}”重复（首次出现在{_where_zh(seen_sections[section.id])}）",
                    )
                else:
                    seen_sections[section.id] = self._where(join(s_path, "id"))
            if section.weight is not None and section.weight <= 0:
                self.error(
                    join(s_path, "weight"),
                    f"section weight must be greater than 0, got {_fmt(section.weight)}",
                    "weight",
                    hint="leave it out to weigh the section by its item points",
                    zh=f"模块权重必须大于 0，当前为 {_fmt(section.weight)}",
                    hint_zh="不填写时，模块按其检查项分值计算权重",
                )
            if not section.items:
                self.error(
                    join(s_path, "items"),
                    f"section '{section.id}' has no items",
                    "empty",
                    zh=f"模块“{section.id}”下没有检查项",
                )
            elif section.weight is not None and not any(i.is_scored and not i.bonus for i in section.items):
                self.error(
                    join(s_path, "weight"),
                    f"section '{section.id}' has a weight but no scored item to earn it",
                    "weight",
                    zh=f"模块“{section.id}”设置了权重，但没有可得分的检查项",
                )
            for i_index, item in enumerate(section.items):
                path = join(join(s_path, "items"), i_index)
                if item.id:
                    if not ID_PATTERN.match(item.id) or item.id in _RESERVED:
                        self.error(
                            join(path, "id"),
                            f"item id '{item.id}' cannot be used in conditions",
                            "id",
                            hint="use letters, digits, _ and -, starting with a letter (e.g. R01), not a keyword",
                            zh=f"检查项 ID“{item.id}”无法在跳题条件中引用",
                            hint_zh="请只用字母、数字、_ 和 -，以字母开头（如 R01），且不能是关键字",
                        )
                    if item.id in seen_items:
                        self.error(
                            join(path, "id"),
                            f"duplicate item id '{item.id}' (first used at {seen_items[item.id]})",
                            "duplicate-id",
                            zh=f"检查项 ID“{item.id}”重复（首次出现在{_where_zh(seen_items[item.id])}）",
                        )
                    else:
                        seen_items[item.id] = self._where(join(path, "id"))
                        paths[item.id] = path
                        order.append(item)
                self.check_item(item, path)
        self.check_conditions(order, paths)
        return self.problems

    def _where(self, path: str) -> str:
        location: Location = self.locate(path)
        if location.sheet is not None and location.cell:
            return location.cell
        if location.line is not None:
            return f"line {location.line}"
        return location.path or path

    def check_index_bands(self) -> None:
        codes: set[str] = set()
        for index, band in enumerate(self.checklist.bands):
            path = join("bands", index)
            if not 0 <= band.min <= 100:
                self.error(
                    join(path, "min"),
                    f"band min must be within 0..100, got {_fmt(band.min)}",
                    "band",
                    zh=f"评级档的下限（min）必须在 0..100 之间，当前为 {_fmt(band.min)}",
                )
            if band.code in codes:
                self.error(
                    join(path, "code"),
                    f"duplicate band code '{band.code}'",
                    "duplicate-id",
                    zh=f"评级档代码“{band.code}”重复",
                )
            codes.add(band.code)
            if not re.fullmatch(r"#[0-9A-Fa-f]{6}", band.color):
                self.error(
                    join(path, "color"),
                    f"color must look like #1b7f3b, got {band.color!r}",
                    "band",
                    zh=f"颜色应写成 #1b7f3b 这样的格式，当前为 {band.color!r}",
                )
        if self.checklist.bands and min(b.min for b in self.checklist.bands) > 0:
            self.warning(
                "bands",
                "no band starts at 0, so low scores get no band",
                "band",
                hint="add one with min: 0",
                zh="没有从 0 分起的评级档，低分将没有评级",
                hint_zh="请添加一个 min: 0 的评级档",
            )

    def check_item(self, item: Item, path: str) -> None:
        kind = item.type
        if item.weight <= 0:
            self.error(
                join(path, "weight"),
                f"weight must be greater than 0, got {_fmt(item.weight)}",
                "weight",
                hint="use scored: false for an item that should not count",
                zh=f"权重必须大于 0，当前为 {_fmt(item.weight)}",
                hint_zh="不计分的检查项请设置 scored: false",
            )
        if item.compliant_answer not in ("yes", "no"):
            self.error(
                join(path, "compliant"),
                f"compliant must be 'yes' or 'no', got {item.compliant_answer!r}",
                "enum",
                zh=f"compliant 只能是 'yes' 或 'no'，当前为 {item.compliant_answer!r}",
            )
        elif item.compliant_answer != "yes" and kind is not AnswerType.YES_NO:
            self.error(
                join(path, "compliant"),
                f"compliant applies to yes_no items only, not {kind.value}",
                "type",
                zh=f"compliant 只适用于 yes_no（是/否）检查项，不适用于 {kind.value}",
            )
        # options
        if kind in CHOICE_TYPES and not item.options:
            self.error(
                join(path, "type"),
                f"{kind.value} item '{item.id}' has no options",
                "options",
                zh=f"{kind.value} 检查项“{item.id}”没有选项",
            )
        if item.options and kind not in (*CHOICE_TYPES, AnswerType.SCALE):
            self.error(
                join(path, "options"),
                f"options make no sense on a {kind.value} item",
                "options",
                zh=f"{kind.value} 检查项不应设置选项",
            )
        codes: set[str] = set()
        for index, option in enumerate(item.options):
            where = join(join(path, "options"), index)
            if option.code and option.code in codes:  # a missing code is the decoder's to report
                self.error(
                    join(where, "code"),
                    f"duplicate option code '{option.code}' in item '{item.id}'",
                    "duplicate-id",
                    zh=f"检查项“{item.id}”中的选项代码“{option.code}”重复",
                )
            codes.add(option.code)
            # negative points are penalty options (docs/scoring.md): they subtract, and the item's fraction is
            # clamped to 0..1, so an item never costs more than its own weight
        if (
            kind in CHOICE_TYPES
            and item.options
            and item.is_scored
            and not item.bonus
            and all(o.points <= 0 for o in item.options)
        ):
            self.error(
                join(path, "options"),
                f"scored {kind.value} item '{item.id}' gives no option positive points, so it can never be earned",
                "points",
                hint="give options points, or set scored: false",
                zh=f"计分的 {kind.value} 检查项“{item.id}”没有任何正分值选项，永远无法得分",
                hint_zh="请为选项设置分值，或设置 scored: false",
            )
        # scale
        if kind is AnswerType.SCALE:
            if item.scale is None:
                self.error(
                    path,
                    f"scale item '{item.id}' needs a range",
                    "scale",
                    hint="add scale: {min: 1, max: 5}",
                    zh=f"量表检查项“{item.id}”需要设置量表范围",
                    hint_zh="请添加 scale: {min: 1, max: 5}",
                )
            elif item.scale.min >= item.scale.max:
                self.error(
                    join(path, "scale"),
                    f"scale min ({item.scale.min}) must be below max ({item.scale.max})",
                    "scale",
                    zh=f"量表下限（{item.scale.min}）必须小于上限（{item.scale.max}）",
                )
            if item.scale is not None and item.scale.min < item.scale.max:
                points = range(item.scale.min, item.scale.max + 1)
                for index, option in enumerate(item.options):
                    if not option.code.lstrip("-").isdigit() or int(option.code) not in points:
                        self.error(
                            join(join(join(path, "options"), index), "code"),
                            f"a scale option's code is a point of the scale ({item.scale.min}..{item.scale.max}), "
                            f"got '{option.code}'",
                            "scale",
                            zh=f"量表选项的代码必须是量表上的分值（{item.scale.min}..{item.scale.max}），"
                            f"当前为“{option.code}”",
                        )
        elif item.scale is not None:
            self.error(
                join(path, "scale"),
                f"'scale' applies to scale items only, not {kind.value}",
                "type",
                zh=f"“scale”只适用于量表检查项，不适用于 {kind.value}",
            )
        # number
        if kind is AnswerType.NUMBER:
            if not item.bands and item.is_scored:
                self.warning(
                    path,
                    f"number item '{item.id}' has no bands, so it always scores 0",
                    "bands",
                    hint="add bands, e.g. [{max: 2, score: 1}, {score: 0}], or set scored: false",
                    zh=f"数值检查项“{item.id}”没有设置分档，得分将始终为 0",
                    hint_zh="请添加分档，例如 [{max: 2, score: 1}, {score: 0}]，或设置 scored: false",
                )
            low, high = (item.range.min, item.range.max) if item.range else (None, None)
            if low is not None and high is not None and low > high:
                self.error(
                    join(path, "range"),
                    f"range min ({_fmt(low)}) is above max ({_fmt(high)})",
                    "range",
                    zh=f"取值范围的下限（{_fmt(low)}）大于上限（{_fmt(high)}）",
                )
        else:
            for key, present in (
                ("unit", bool(item.unit)),
                ("range", item.range is not None),
                ("bands", bool(item.bands)),
            ):
                if present:
                    self.error(
                        join(path, key),
                        f"'{key}' applies to number items only, not {kind.value}",
                        "type",
                        zh=f"“{key}”只适用于数值检查项，不适用于 {kind.value}",
                    )
        for index, band in enumerate(item.bands):
            where = join(join(path, "bands"), index)
            if not 0 <= band.score <= 1:
                self.error(
                    join(where, "score"),
                    f"band score is a fraction of the item's points and must be within 0..1, got {_fmt(band.score)}",
                    "band",
                    zh=f"分档得分是该检查项分值的比例，必须在 0..1 之间，当前为 {_fmt(band.score)}",
                )
            if band.min is not None and band.max is not None and band.min > band.max:
                self.error(
                    where,
                    f"band min ({_fmt(band.min)}) is above its max ({_fmt(band.max)})",
                    "band",
                    zh=f"分档下限（{_fmt(band.min)}）大于其上限（{_fmt(band.max)}）",
                )
            earlier = item.bands[:index]
            if any(b.min is None and b.max is None for b in earlier):
                self.warning(
                    where,
                    "this band is never reached: an earlier band matches every value",
                    "band",
                    zh="此分档永远不会被用到：前面的分档已匹配所有取值",
                )
        # scoring flags
        if item.bonus and not item.is_scored:
            self.error(
                join(path, "bonus"),
                f"bonus item '{item.id}' is not scored",
                "bonus",
                zh=f"加分项“{item.id}”未设置为计分",
            )
        if item.critical is not None:
            where = join(path, "critical")
            if not item.is_scored:
                self.error(
                    where,
                    f"unscored item '{item.id}' cannot be critical: it never fails",
                    "critical",
                    zh=f"不计分的检查项“{item.id}”不能设为否决项：它永远不会不合格",
                )
            if item.bonus:
                self.error(
                    where,
                    f"bonus item '{item.id}' cannot be critical",
                    "critical",
                    zh=f"加分项“{item.id}”不能设为否决项",
                )
            if item.critical.effect is CriticalEffect.CAP:
                if item.critical.cap is None:
                    self.error(
                        where,
                        "critical effect 'cap' needs a cap (the index ceiling, 0..100)",
                        "critical",
                        hint="add cap: 60",
                        zh="否决项效果为 'cap' 时需要设置封顶分（总指数上限，0..100）",
                        hint_zh="请添加 cap: 60",
                    )
                elif not 0 <= item.critical.cap <= 100:
                    self.error(
                        join(where, "cap"),
                        f"cap must be within 0..100, got {_fmt(item.critical.cap)}",
                        "critical",
                        zh=f"封顶分（cap）必须在 0..100 之间，当前为 {_fmt(item.critical.cap)}",
                    )
            elif item.critical.cap is not None:
                self.error(
                    join(where, "cap"),
                    f"cap only applies with effect: cap, not {item.critical.effect.value}",
                    "critical",
                    zh=f"cap 只在 effect: cap 时适用，当前否决效果为 {item.critical.effect.value}",
                )
        # evidence
        evidence_path = join(path, "evidence")
        if not item.is_scored:
            for key, when in (("photo", item.evidence.photo), ("note", item.evidence.note)):
                if when is EvidenceWhen.ON_FAIL:
                    self.error(
                        join(evidence_path, key),
                        f"{key}: on_fail makes no sense on unscored item '{item.id}': it never fails",
                        "evidence",
                        hint=f"use {key}: always, or score the item",
                        zh=f"{key}: on_fail 对不计分的检查项“{item.id}”没有意义：它永远不会不合格",
                        hint_zh=f"请改用 {key}: always，或将该检查项设为计分",
                    )
        if kind is AnswerType.PHOTO and item.evidence.photo is not EvidenceWhen.NEVER:
            self.warning(
                join(evidence_path, "photo"),
                f"photo item '{item.id}' is already a photo; an evidence photo rule is redundant",
                "evidence",
                zh=f"拍照检查项“{item.id}”本身就是照片，无需再设置证据照片规则",
            )

    def check_conditions(self, order: list[Item], paths: dict[str, str]) -> None:
        position = {item.id: index for index, item in enumerate(order)}
        items = {item.id: item for item in order}
        edges: dict[str, list[str]] = {}
        for item in order:
            if not item.condition:
                continue
            where = join(paths[item.id], "condition")
            try:
                condition = parse_condition(item.condition)
            except ConditionError as error:
                self.error(
                    where,
                    f"condition of '{item.id}': {error.what.en} at column {error.column}",
                    "condition",
                    zh=f"检查项“{item.id}”的跳题条件无法解析（第 {error.column} 列）：{error.what.text('zh')}",
                )
                continue
            targets: list[str] = []
            for ref in condition.item_refs:
                if ref.item_id not in items:
                    self.error(
                        where,
                        f"condition of '{item.id}' names unknown item '{ref.item_id}'",
                        "condition-unknown",
                        hint=did_you_mean(ref.item_id, [i.id for i in order[: position[item.id]]])
                        or did_you_mean(ref.item_id, items),
                        zh=f"检查项“{item.id}”的跳题条件引用了不存在的检查项“{ref.item_id}”",
                        hint_zh=did_you_mean_zh(ref.item_id, [i.id for i in order[: position[item.id]]])
                        or did_you_mean_zh(ref.item_id, items),
                    )
                elif ref.item_id not in targets:
                    targets.append(ref.item_id)
            if self.attributes is not None:
                for dealer_ref in condition.dealer_refs:
                    if dealer_ref.attribute not in self.attributes:
                        self.error(
                            where,
                            f"condition of '{item.id}' names unknown dealer attribute '{dealer_ref.attribute}'",
                            "condition-unknown",
                            hint=did_you_mean(dealer_ref.attribute, self.attributes),
                            zh=f"检查项“{item.id}”的跳题条件引用了未知的经销商属性“{dealer_ref.attribute}”",
                            hint_zh=did_you_mean_zh(dealer_ref.attribute, self.attributes),
                        )
            self.check_literals(item, where, condition.root, items)
            edges[item.id] = targets
        in_cycle = self.report_cycles(order, edges, paths)
        for item in order:
            where = join(paths[item.id], "condition")
            for target in edges.get(item.id, ()):
                if target == item.id:
                    if item.id not in in_cycle:
                        self.error(
                            where,
                            f"condition of '{item.id}' refers to the item itself",
                            "condition-self",
                            zh=f"检查项“{item.id}”的跳题条件引用了该检查项自身",
                        )
                elif position[target] > position[item.id] and item.id not in in_cycle:
                    self.error(
                        where,
                        f"condition of '{item.id}' refers forward to '{target}', which comes later",
                        "condition-forward",
                        hint=f"move '{target}' before '{item.id}': a condition may only look at earlier items",
                        zh=f"检查项“{item.id}”的跳题条件引用了排在其后的“{target}”",
                        hint_zh=f"请把“{target}”移到“{item.id}”之前：跳题条件只能引用前面的检查项",
                    )

    def report_cycles(self, order: list[Item], edges: dict[str, list[str]], paths: dict[str, str]) -> set[str]:
        """Report each cycle once, at its first item in checklist order; return every item on a cycle."""
        in_cycle: set[str] = set()
        reported: set[frozenset[str]] = set()
        for start in (item.id for item in order):
            # depth-first search for a path back to `start`
            stack: list[tuple[str, list[str]]] = [(start, [start])]
            visited: set[str] = set()
            while stack:
                node, trail = stack.pop()
                for target in edges.get(node, ()):
                    if target == start:  # a self-reference (trail of one) is reported by the caller
                        members = frozenset(trail)
                        if len(trail) > 1 and members not in reported:
                            reported.add(members)
                            in_cycle.update(trail)
                            chain = " → ".join([*trail, start])
                            self.error(
                                join(paths[start], "condition"),
                                f"conditions form a cycle: {chain}",
                                "condition-cycle",
                                hint="a condition may only look at earlier items",
                                zh=f"跳题条件形成了循环：{chain}",
                                hint_zh="跳题条件只能引用前面的检查项",
                            )
                    elif target not in visited:
                        visited.add(target)
                        stack.append((target, [*trail, target]))
        return in_cycle

    def check_literals(self, item: Item, where: str, root: object, items: dict[str, Item]) -> None:
        """Catch typos in compared values: `W01 == 'wiat'` against W01's option codes, yes_no against yes/no."""
        for node in walk(root):  # type: ignore[arg-type]
            pairs: list[tuple[ItemRef, list[object]]] = []
            if isinstance(node, Compare):
                for ref, other in ((node.left, node.right), (node.right, node.left)):
                    if isinstance(ref, ItemRef):
                        if isinstance(other, Literal):
                            pairs.append((ref, [other.value]))
                        elif isinstance(other, ListLiteral):
                            pairs.append((ref, [e.value for e in other.elements if isinstance(e, Literal)]))
            elif isinstance(node, Call) and node.function == "selected" and node.argument is not None:
                pairs.append((node.item, [node.argument]))
            for ref, values in pairs:
                target = items.get(ref.item_id)
                if target is None:
                    continue
                allowed: list[str] | None = None
                if target.type in CHOICE_TYPES:
                    allowed = list(dict.fromkeys(o.code for o in target.options))
                elif target.type is AnswerType.YES_NO:
                    allowed = ["yes", "no"]
                if allowed is None:
                    continue
                for value in values:
                    if isinstance(value, str) and value not in allowed:
                        self.error(
                            where,
                            f"condition of '{item.id}' compares '{ref.item_id}' with '{value}', "
                            f"which is not one of its answers ({', '.join(allowed)})",
                            "condition-value",
                            hint=did_you_mean(value, allowed),
                            zh=f"检查项“{item.id}”的跳题条件将“{ref.item_id}”与“{value}”比较，"
                            f"但“{value}”不是“{ref.item_id}”的可选答案（{', '.join(allowed)}）",
                            hint_zh=did_you_mean_zh(value, allowed),
                        )


def _where_zh(where: str) -> str:
    """`_where`'s "line 12" as 第 12 行; a cell (B7) or a logical path reads the same in both languages."""
    match = re.fullmatch(r"line (\d+)", where)
    return f"第 {match.group(1)} 行" if match else where


def check_standard(
    checklist: Checklist, locate: Locate | None = None, *, attributes: Collection[str] | None = None
) -> list[Problem]:
    """Every structural problem of a standard (errors and warnings), located via `locate` when given.

    `attributes`, when given, is the set of known dealer attributes; `dealer.x` naming neither one of them nor a
    master-data field (code, region, province, city, group, brand) is then an error.
    """
    return _Rules(checklist, locate or locator(checklist.source), attributes).run()

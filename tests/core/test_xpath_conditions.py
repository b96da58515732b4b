"""Item conditions translated to XLSForm `relevant` XPath mean the same as the conditions themselves.

The check is semantic: a small evaluator of the XPath 1.0 subset the translator emits (node-set comparisons,
number conversion with NaN, the ODK functions `selected`, `count-selected`, `if`) runs each translated expression
on the values a field app would store, and must agree with the core evaluator on the same answers — for
hand-picked conditions, every condition of the shipped standards, and random answers.
"""

from __future__ import annotations

import math
import random
import re
from pathlib import Path
from typing import Any

import pytest

from dealer_audit.core.answers import Answer
from dealer_audit.core.conditions import as_number, parse_condition, truthy
from dealer_audit.core.scoring import item_fraction
from dealer_audit.core.standard import (
    AnswerType,
    Checklist,
    ChecklistKind,
    Item,
    LocalText,
    NumberBand,
    NumberRange,
    Option,
    ScaleRange,
    Section,
)
from dealer_audit.core.xpath_conditions import (
    FALSE,
    NAStyle,
    Translator,
    encode_standard,
    failed_xpath,
    number_text,
    quote,
    xml_name,
)

ROOT = Path(__file__).resolve().parents[2]

# ---- a tiny XPath 1.0 (+ ODK functions) evaluator for the emitted subset ---------------------------------------

_TOKENS = re.compile(
    r"\s*(?:(?P<string>'[^']*'|\"[^\"]*\")|(?P<number>-?\d+(?:\.\d+)?)|(?P<ref>\$\{[^}]+\})"
    r"|(?P<op>!=|<=|>=|=|<|>|\(|\)|\[|\]|,|/|\+)|(?P<name>[A-Za-z_][\w\-]*))"
)


class NodeSet(list):
    """XPath node-set: a list of the string values of its nodes."""


def _number(value: Any) -> float:
    if isinstance(value, NodeSet):
        value = value[0] if value else ""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    text = str(value).strip()
    return float(text) if re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text) else math.nan


def _string(value: Any) -> str:
    if isinstance(value, NodeSet):
        return value[0] if value else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_text(value) if not math.isnan(value) else "NaN"
    return str(value)


def _boolean(value: Any) -> bool:
    if isinstance(value, NodeSet):
        return len(value) > 0
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return bool(value)


_OPS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _compare(op: str, left: Any, right: Any) -> bool:
    """XPath 1.0 section 3.4 comparison rules."""
    test = _OPS[op]
    relational = op not in ("=", "!=")
    if isinstance(left, NodeSet) and isinstance(right, NodeSet):
        if relational:
            return any(test(_number(a), _number(b)) for a in left for b in right)
        return any(test(a, b) for a in left for b in right)
    if isinstance(left, NodeSet) or isinstance(right, NodeSet):
        nodes, other, swapped = (left, right, False) if isinstance(left, NodeSet) else (right, left, True)
        for node in nodes:
            if isinstance(other, bool):
                pair = (_boolean(nodes), other)
            elif isinstance(other, float) or relational:
                pair = (_number(node), _number(other))
            else:
                pair = (node, other)
            if test(*(pair[::-1] if swapped else pair)):
                return True
        if isinstance(other, bool) and not nodes:
            pair = (False, other)
            return test(*(pair[::-1] if swapped else pair))
        return False
    if relational:
        return test(_number(left), _number(right))
    if isinstance(left, bool) or isinstance(right, bool):
        return test(_boolean(left), _boolean(right))
    if isinstance(left, float) or isinstance(right, float):
        return test(_number(left), _number(right))
    return test(_string(left), _string(right))


class XPath:
    def __init__(self, text: str, values: dict[str, str], dealers: dict[str, dict[str, str]]) -> None:
        self.tokens = [(m.lastgroup, m.group(m.lastgroup)) for m in _TOKENS.finditer(text) if m.lastgroup]
        rebuilt = "".join(t for _, t in self.tokens)
        assert rebuilt == re.sub(r"\s+", "", text), f"untokenizable XPath: {text}"
        self.position = 0
        self.values = values
        self.dealers = dealers

    def peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.position]
        assert expected is None or token[1] == expected, (expected, token, self.tokens)
        self.position += 1
        return token

    def run(self) -> Any:
        value = self.or_()
        assert self.position == len(self.tokens), self.tokens[self.position :]
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == "or":
            self.take()
            right = self.and_()
            value = _boolean(value) or _boolean(right)
        return value

    def and_(self) -> Any:
        value = self.equality()
        while self.peek() == "and":
            self.take()
            right = self.equality()
            value = _boolean(value) and _boolean(right)
        return value

    def equality(self) -> Any:
        value = self.relational()
        while self.peek() in ("=", "!="):
            op = self.take()[1]
            value = _compare(op, value, self.relational())
        return value

    def relational(self) -> Any:
        value = self.additive()
        while self.peek() in ("<", "<=", ">", ">="):
            op = self.take()[1]
            value = _compare(op, value, self.additive())
        return value

    def additive(self) -> Any:
        value = self.primary()
        while self.peek() == "+":
            self.take()
            value = _number(value) + _number(self.primary())
        return value

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            return text[1:-1]
        if kind == "number":
            return float(text)
        if kind == "ref":
            return NodeSet([self.values.get(text[2:-1], "")])
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        assert kind == "name", text
        self.take("(")
        if text == "instance":
            return self.instance()
        args: list[Any] = []
        if self.peek() != ")":
            args.append(self.or_())
            while self.peek() == ",":
                self.take()
                args.append(self.or_())
        self.take(")")
        return self.call(text, args)

    def instance(self) -> NodeSet:
        name = self.take()[1][1:-1]
        self.take(")")
        assert name == "dealers"
        for part in ("/", "root", "/", "item", "[", "name", "="):
            self.take(part)
        code = _string(self.primary())
        self.take("]")
        self.take("/")
        attribute = self.take()[1]
        record = self.dealers.get(code)
        if record is None or attribute not in record:
            return NodeSet()
        return NodeSet([record[attribute]])

    def call(self, name: str, args: list[Any]) -> Any:
        if name == "true":
            return True
        if name == "false":
            return False
        if name == "not":
            return not _boolean(args[0])
        if name == "number":
            return _number(args[0])
        if name == "selected":
            return _string(args[1]) in _string(args[0]).split()
        if name == "count-selected":
            return float(len(_string(args[0]).split()))
        if name == "if":
            return args[1] if _boolean(args[0]) else args[2]
        if name == "normalize-space":
            return " ".join(_string(args[0]).split())
        if name == "translate":
            source, table_from, table_to = (_string(a) for a in args)
            return source.translate(str.maketrans(table_from, table_to))
        if name == "concat":
            return "".join(_string(a) for a in args)
        raise AssertionError(f"function {name} is not in the emitted subset")


def xpath_true(text: str, values: dict[str, str], dealers: dict[str, dict[str, str]] | None = None) -> bool:
    return _boolean(XPath(text, values, dealers or {}).run())


# ---- a standard with every encoding -----------------------------------------------------------------------------


def _item(item_id: str, kind: AnswerType, **fields: Any) -> Item:
    return Item(id=item_id, text=LocalText(zh=item_id, en=item_id), type=kind, **fields)


def _options(*codes_points: tuple[str, float]) -> tuple[Option, ...]:
    return tuple(Option(code, LocalText(en=code), points) for code, points in codes_points)


ITEMS = (
    _item("Y1", AnswerType.YES_NO),
    _item("Y2", AnswerType.YES_NO, na_allowed=True, compliant_answer="no"),
    _item("N1", AnswerType.NUMBER, range=NumberRange(0, 100), bands=(NumberBand(1, max=2), NumberBand(0.5, max=5))),
    _item("N2", AnswerType.NUMBER, na_allowed=True, bands=(NumberBand(0, max=1), NumberBand(1, min=1, max=10))),
    _item("S1", AnswerType.SINGLE_CHOICE, options=_options(("wait", 2), ("leave", 1), ("no", 0), ("0", 0))),
    _item("S2", AnswerType.SINGLE_CHOICE, na_allowed=True, options=_options(("a", 1), ("na", 0))),
    _item("C1", AnswerType.SCALE, scale=ScaleRange(1, 5)),
    _item("C2", AnswerType.SCALE, scale=ScaleRange(0, 3), na_allowed=True),
    _item("M1", AnswerType.MULTIPLE_CHOICE, options=_options(("wifi", 1), ("drinks", 2), ("none", 0))),
    _item("M2", AnswerType.MULTIPLE_CHOICE, na_allowed=True, options=_options(("x", 1), ("y", -1), ("z", 1))),
    _item("T1", AnswerType.TEXT, required=False),
    _item("T2", AnswerType.TEXT, na_allowed=True),
    _item("P1", AnswerType.PHOTO, required=False),
)
STANDARD = Checklist(
    id="xp",
    version="1",
    kind=ChecklistKind.MYSTERY_SHOP,
    title=LocalText(en="XPath test"),
    sections=(Section("s", LocalText(en="S"), ITEMS),),
)
ENCODINGS = encode_standard(STANDARD)
DEALER_TYPES = {"has_ev": "bool", "tier": "text", "bays": "number"}


def dealer_path(attribute: str) -> str:
    return f"instance('dealers')/root/item[name=${{dealer}}]/{attribute}"


TRANSLATOR = Translator(ENCODINGS, dealer_path, DEALER_TYPES)

CONDITIONS = [
    "Y1 == 'yes'",
    "Y1 != 'yes'",
    "Y1",
    "not Y1",
    "Y2 == 'na'",
    "Y2 != 'no'",
    "Y2 == null",
    "Y2 != null",
    "answered(Y2)",
    "not answered(Y2)",
    "selected(Y2, 'yes')",
    "Y1 == true",
    "Y1 == false",
    "Y1 != true",
    "N1 > 5",
    "N1 <= 2",
    "N1 == 0",
    "N1 != 3",
    "N1",
    "not N1",
    "N1 == '2'",
    "N1 == 'two'",
    "N2 >= 1 and N2 < 10",
    "answered(N2)",
    "N2 == null",
    "count(N2) == 1",
    "S1 == 'wait'",
    "S1 != 'wait'",
    "S1 in ['wait', 'leave']",
    "S1 not in ['wait', 'leave']",
    "S1",
    "selected(S1, 'leave')",
    "S2 == 'na'",
    "S2 != 'a'",
    "answered(S2)",
    "S2",
    "C1 >= 3",
    "C1 == 5",
    "C1",
    "C2 < 2",
    "C2 == 0",
    "C2",
    "not C2",
    "selected(C1, '3')",
    "count(C2) == 0",
    "'wifi' in M1",
    "'wifi' not in M1",
    "selected(M1, 'drinks')",
    "count(M1) >= 2",
    "M1",
    "M1 == ['wifi', 'drinks']",
    "M1 == 'wifi'",
    "M2",
    "count(M2) == 0",
    "selected(M2, 'na')",
    "'x' in M2 or 'z' in M2",
    "answered(M2)",
    "S1 in M1",
    "T1",
    "T1 == 'ok'",
    "T1 != 'ok'",
    "T2",
    "answered(T2)",
    "answered(P1)",
    "P1 != null",
    "dealer.has_ev",
    "not dealer.has_ev",
    "dealer.has_ev == true",
    "dealer.has_ev == 'yes'",
    "dealer.has_ev and S1 == 'wait'",
    "dealer.tier == 'A'",
    "dealer.tier != 'A'",
    "dealer.tier in ['A', 'B']",
    "dealer.tier",
    "dealer.bays >= 4",
    "dealer.bays == 0",
    "dealer.bays",
    "dealer.missing == null",
    "N1 > C1",
    "N1 == C1",
    "S1 == T1",
    "Y1 == Y2",
    "(Y1 == 'yes') == (Y2 == 'no')",
    "(N1 > 2) >= 1",
    "1 == 1",
    "'a' in ['a', 'b'] and Y1 == 'yes'",
    "null == null",
    "not (Y1 == 'no' or (N1 > 3 and not S1 == 'leave'))",
]


# ---- the values a field app stores ---------------------------------------------------------------------------------

TEXTS = ("ok", "no", "0", "False", " yes ", "5", "2.0")
NUMBERS = (0, 1, 2, 2.5, 3, 5, 7, 10, 100)


def random_answers(rng: random.Random) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for item in ITEMS:
        roll = rng.random()
        if roll < 0.2:
            continue
        if item.na_allowed and roll < 0.35:
            answers[item.id] = Answer(item.id, na=True)
            continue
        if item.type is AnswerType.YES_NO:
            value: Any = rng.choice(("yes", "no"))
        elif item.type is AnswerType.NUMBER:
            value = float(rng.choice(NUMBERS))
        elif item.type is AnswerType.SCALE:
            assert item.scale is not None
            value = rng.randint(item.scale.min, item.scale.max)
        elif item.type is AnswerType.SINGLE_CHOICE:
            value = rng.choice(item.options).code
        elif item.type is AnswerType.MULTIPLE_CHOICE:
            chosen = [o.code for o in item.options if rng.random() < 0.5] or [item.options[0].code]
            value = tuple(chosen)
        else:
            value = rng.choice(TEXTS)
        answers[item.id] = Answer(item.id, value=value)
    return answers


def form_values(answers: dict[str, Answer]) -> dict[str, str]:
    """What ODK stores for these answers: '' for nothing, the N/A choice or tick, space-separated multiples."""
    values: dict[str, str] = {}
    for item_id, encoding in ENCODINGS.items():
        answer = answers.get(item_id)
        if answer is None:
            continue
        if answer.na:
            if encoding.na_style is NAStyle.CHOICE:
                values[encoding.name] = encoding.na_choice
            else:
                values[encoding.companion] = "na"
            continue
        value = answer.value
        if isinstance(value, tuple):
            values[encoding.name] = " ".join(value)
        elif isinstance(value, float | int):
            values[encoding.name] = number_text(value)
        else:
            values[encoding.name] = str(value)
    return values


DEALERS = {
    "D1": {"has_ev": True, "tier": "A", "bays": 4},
    "D2": {"has_ev": False, "tier": "B", "bays": 0},
    "D3": {"tier": "no"},
}


def dealer_instance() -> dict[str, dict[str, str]]:
    from dealer_audit.formats.xlsform import attribute_text

    return {code: {k: attribute_text(v) for k, v in attrs.items()} for code, attrs in DEALERS.items()}


def core_truth(condition: str, answers: dict[str, Answer], dealer: dict[str, Any]) -> bool:
    values = {k: a.value for k, a in answers.items() if not a.na and a.value is not None}
    answered = {k for k, a in answers.items() if a.is_answered}
    return parse_condition(condition).evaluate(values, dealer, answered.__contains__)


SAMPLES = [random_answers(random.Random(seed)) for seed in range(150)]


@pytest.mark.parametrize("condition", CONDITIONS)
def test_translation_agrees_with_the_core_on_random_answers(condition: str) -> None:
    xpath = TRANSLATOR.relevant(condition) or "true()"
    instance = dealer_instance()
    for index, answers in enumerate(SAMPLES):
        dealer_code = ("D1", "D2", "D3", "")[index % 4]
        dealer = DEALERS.get(dealer_code, {})
        values = {**form_values(answers), "dealer": dealer_code}
        expected = core_truth(condition, answers, dealer)
        assert xpath_true(xpath, values, instance) is expected, (condition, xpath, answers, dealer_code)


# conditions the core evaluates to a constant by its own rules (N/A reads as None, a list never equals a value,
# a number never equals a quoted code, S1 and M1 share no codes) — kept to pin those rules in XPath too
CONSTANT = {
    "Y2 == 'na'",
    "N1 == 'two'",
    "selected(C1, '3')",
    "M1 == 'wifi'",
    "selected(M2, 'na')",
    "S1 in M1",
    "dealer.missing == null",
    "1 == 1",
    "null == null",
}


def test_every_other_condition_is_sometimes_true_and_sometimes_false() -> None:
    """Guards the agreement test against vacuous conditions (always the same outcome on the samples)."""
    for condition in CONDITIONS:
        outcomes = {
            core_truth(condition, answers, DEALERS.get(("D1", "D2", "D3", "")[i % 4], {}))
            for i, answers in enumerate(SAMPLES)
        }
        assert (len(outcomes) == 1) is (condition in CONSTANT), condition


@pytest.mark.parametrize(
    ("condition", "xpath"),
    [
        ("W01 == 'wait'", "${W01} = 'wait'"),
        ("R04 > 5 or R01 == 'no'", "${R04} > 5 or ${R01} = 'no'"),
        ("not R01", "not(${R01} = 'yes')"),
        ("selected(W03, 'drinks')", "selected(${W03}, 'drinks')"),
        ("count(W03) >= 2", "count-selected(${W03}) >= 2"),
        ("W01 in ['wait', 'stay']", "${W01} = 'wait' or ${W01} = 'stay'"),
        ("R02 != null", "${R02} != '' and ${R02} != 'na'"),
        ("answered(R02)", "${R02} != ''"),
        (
            "dealer.has_ev_service and W01 == 'wait'",
            "instance('dealers')/root/item[name=${dealer}]/has_ev_service = 'true' and ${W01} = 'wait'",
        ),
        ("dealer.tier == 'A'", "instance('dealers')/root/item[name=${dealer}]/tier = 'A'"),
    ],
)
def test_translations_of_the_mini_standard_read_naturally(condition: str, xpath: str) -> None:
    from dealer_audit.formats.standard_yaml import load_standard

    standard = load_standard(ROOT / "tests/fixtures/mini_standard.yaml")
    translator = Translator(encode_standard(standard), dealer_path, {"has_ev_service": "bool"})
    assert translator.relevant(condition) == xpath


def _shipped_standards() -> list[Checklist]:
    from dealer_audit.formats.standard_yaml import load_standard

    found = []
    for path in sorted((ROOT / "checklists").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if "\nsections:" in text:
            found.append(load_standard(path))
    return found


def test_shipped_standard_conditions_agree_with_the_core() -> None:
    standards = _shipped_standards()
    if not standards:
        pytest.skip("no shipped standards in checklists/")
    rng = random.Random(7)
    for standard in standards:
        encodings = encode_standard(standard)
        translator = Translator(encodings, dealer_path, {"has_ev_service": "bool", "has_lounge": "bool"})
        dealers = {
            "A1": {"has_ev_service": "true", "has_lounge": "false", "tier": "A"},
            "B2": {"has_ev_service": "false", "tier": "B"},
        }
        for item in standard.items():
            if not item.condition:
                continue
            xpath = translator.relevant(item.condition)
            refs = parse_condition(item.condition).item_refs
            for _ in range(40):
                answers: dict[str, Any] = {}
                values: dict[str, str] = {}
                for ref in refs:
                    target = standard.items_by_id[ref.item_id]
                    codes = encodings[ref.item_id].choice_names or ("1", "3", "7")
                    choice = rng.choice((*codes, None))
                    if choice is None:
                        continue
                    values[encodings[ref.item_id].name] = choice
                    answers[ref.item_id] = (
                        float(choice)
                        if target.type is AnswerType.NUMBER
                        else int(choice)
                        if target.type is AnswerType.SCALE
                        else (choice,)
                        if target.type is AnswerType.MULTIPLE_CHOICE
                        else choice
                    )
                code = rng.choice(("A1", "B2", "ZZ"))
                values["dealer"] = code
                core_dealer = {
                    k: v == "true" if v in ("true", "false") else v for k, v in dealers.get(code, {}).items()
                }
                expected = parse_condition(item.condition).evaluate(answers, core_dealer)
                assert xpath_true(xpath, values, dealers) is expected, (standard.id, item.id, item.condition, values)


def test_failed_expression_agrees_with_item_fraction() -> None:
    for item in ITEMS:
        encoding = ENCODINGS[item.id]
        xpath = failed_xpath(encoding)
        for answers in SAMPLES:
            answer = answers.get(item.id)
            value = None if answer is None or answer.na else answer.value
            fraction = item_fraction(item, value)
            expected = fraction is not None and fraction < 1.0
            assert xpath_true(xpath, form_values(answers)) is expected, (item.id, xpath, answer)


def test_unscored_items_never_fail() -> None:
    assert failed_xpath(ENCODINGS["T1"]) == FALSE
    assert failed_xpath(ENCODINGS["P1"]) == FALSE


def test_na_choice_avoids_an_option_code() -> None:
    assert ENCODINGS["S2"].na_choice == "na_1"
    assert ENCODINGS["Y2"].na_choice == "na"
    assert ENCODINGS["N2"].na_style is NAStyle.COMPANION and ENCODINGS["N2"].companion == "N2_na"


@pytest.mark.parametrize(
    ("text", "literal"),
    [("plain", "'plain'"), ("it's", '"it\'s"'), ("a'b\"c", "concat('a', \"'\", 'b\"c')")],
)
def test_quote(text: str, literal: str) -> None:
    assert quote(text) == literal
    assert xpath_true(f"{literal} = {literal}", {})


def test_xml_name_repairs_invalid_ids() -> None:
    assert xml_name("R01") == "R01"
    assert xml_name("1.2") == "_1.2"
    assert xml_name("A 1") == "A_1"


def test_number_text_has_no_exponent() -> None:
    assert number_text(2.0) == "2"
    assert number_text(0.0000001) == "0.0000001"
    assert number_text(True) == "1"


def test_numbers_and_truth_are_the_core_s_except_exponent_text() -> None:
    """The translation uses the checklist language's own `truthy`/`as_number`; the one documented difference is
    text with an exponent, which XPath's number() cannot read, so it stays text (and never equals a number)."""
    assert as_number("1e3") == 1000.0 and as_number(" 12 ") == 12.0 and as_number(True) == 1.0
    assert not truthy(" No ") and not truthy("0") and truthy("wait") and not truthy(())
    assert TRANSLATOR.relevant("N1 == '12'") == "${N1} = 12"
    assert TRANSLATOR.relevant("N1 == '1e3'") == "false()"
    assert TRANSLATOR.relevant("N1 < '1e3'") == "false()"


# ---- random conditions ----------------------------------------------------------------------------------------------

_LITERALS = ("'yes'", "'no'", "'na'", "'wait'", "'leave'", "'a'", "'wifi'", "'x'", "'ok'", "'A'", "''", "'2'",
             "0", "1", "2", "2.5", "5", "true", "false", "null", "['wait', 'a']", "['wifi', 'drinks']")  # fmt: skip
_REFERENCES = (*(item.id for item in ITEMS), "dealer.has_ev", "dealer.tier", "dealer.bays", "dealer.missing")


def _random_operand(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(_REFERENCES)
    if roll < 0.85:
        return rng.choice(_LITERALS)
    item = rng.choice(ITEMS).id
    function = rng.choice(("answered", "selected", "count"))
    if function == "selected":
        return f"selected({item}, {rng.choice(('yes', 'wifi', 'x', 'na', 'a', '3'))!r})"
    return f"{function}({item})"


def _random_condition(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth < 2 and roll < 0.3:
        joiner = rng.choice((" and ", " or "))
        return "(" + joiner.join(_random_condition(rng, depth + 1) for _ in range(rng.randint(2, 3))) + ")"
    if depth < 2 and roll < 0.4:
        return f"not {_random_condition(rng, depth + 1)}"
    if roll < 0.5:
        return _random_operand(rng)
    op = rng.choice(("==", "!=", "<", "<=", ">", ">=", "in", "not in"))
    return f"{_random_operand(rng)} {op} {_random_operand(rng)}"


def test_random_conditions_agree_with_the_core() -> None:
    rng = random.Random(2026)
    instance = dealer_instance()
    for _ in range(250):
        condition = _random_condition(rng)
        xpath = TRANSLATOR.relevant(condition) or "true()"
        for index, answers in enumerate(SAMPLES[:60]):
            dealer_code = ("D1", "D2", "D3", "")[index % 4]
            values = {**form_values(answers), "dealer": dealer_code}
            expected = core_truth(condition, answers, DEALERS.get(dealer_code, {}))
            assert xpath_true(xpath, values, instance) is expected, (condition, xpath, answers, dealer_code)

"""The skip-logic expression language of checklist items, parsed once and evaluated safely (never Python `eval`).

Grammar (keywords are lower case; documented for analysts in docs/checklist-format.md)::

    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := operand (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") operand)?
    operand    := NUMBER | STRING | "true" | "false" | "null" | list | call | reference | "(" expr ")"
    list       := "[" (operand ("," operand)*)? "]"
    call       := ("answered" | "selected" | "count") "(" ITEM_ID ("," STRING)? ")"
    reference  := ITEM_ID | "dealer" "." ATTRIBUTE

Semantics: an item reference is that item's answer value (None when unanswered or N/A); `dealer.x` is the
dealer attribute x (None when missing). Comparisons involving None are false (except `== null` / `!= null`),
so an unanswered earlier item hides what depends on it. A bare operand is true unless it is None, false, 0,
"", "no" or empty. `a in b` tests membership in a list or in a multiple-choice answer.
`answered(X)` is true when X has a value or is N/A; `selected(X, 'c')` when multiple/single choice X includes c;
`count(X)` is the number of options chosen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from dealer_audit.errors import DealerAuditError, Message


class ConditionError(DealerAuditError):
    """A condition that does not parse; `column` is 1-based within the expression text. `what` is what is wrong,
    in both languages, without the column and the condition (readers wrap it in their own located message)."""

    def __init__(self, message: Message, expression: str, column: int) -> None:
        self.what = message
        self.expression = expression
        self.column = column
        super().__init__(
            f"{message.en} at column {column} of condition {expression!r}",
            zh=f"条件 {expression!r} 第 {column} 列：{message.zh}" if message.zh else "",
        )


# ---- AST -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class ListLiteral:
    elements: tuple[Node, ...]


@dataclass(frozen=True)
class ItemRef:
    item_id: str
    column: int = 0


@dataclass(frozen=True)
class DealerRef:
    attribute: str
    column: int = 0


@dataclass(frozen=True)
class Call:
    function: str  # answered | selected | count
    item: ItemRef
    argument: str | None = None


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # and | or
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    op: str  # == != < <= > >= in "not in"
    left: Node
    right: Node


Node = Literal | ListLiteral | ItemRef | DealerRef | Call | Not | BoolOp | Compare

FUNCTIONS = ("answered", "selected", "count")
KEYWORDS = ("and", "or", "not", "in", "true", "false", "null", "dealer", *FUNCTIONS)

# ---- tokenizer -----------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|\.)
  | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # number string op name end
    text: str
    column: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            shown = repr(text[position])
            raise ConditionError(Message(f"unexpected character {shown}", f"意外的字符 {shown}"), text, position + 1)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position + 1))
        position = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


# ---- parser --------------------------------------------------------------------------------------------------


MAX_CONDITION_CHARS = 4000  # the longest shipped condition is ~150 characters
MAX_CONDITION_DEPTH = 32  # brackets and `not`s nested inside each other
MAX_NUMBER_DIGITS = 18


_VALUE_EXPECTED = Message(
    "expected a value, an item id or 'dealer.<attribute>'", "此处应为一个值、检查项 id 或 'dealer.<属性>'"
)


class _Parser:
    """Recursive descent, bounded: nesting deeper than MAX_CONDITION_DEPTH is a ConditionError (so parsing,
    evaluating and translating a condition to XPath can never exhaust the stack), as is a number with more
    digits than any answer has (Python refuses to read an int of thousands of digits)."""

    def __init__(self, text: str) -> None:
        if len(text) > MAX_CONDITION_CHARS:
            raise ConditionError(
                Message(
                    f"a condition of {len(text):,} characters is too long (at most {MAX_CONDITION_CHARS:,})",
                    f"条件长 {len(text):,} 个字符，过长（最多 {MAX_CONDITION_CHARS:,} 个）",
                ),
                text[:60],
                1,
            )
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_CONDITION_DEPTH:
            self.fail(
                Message(f"nested more than {MAX_CONDITION_DEPTH} levels deep", f"嵌套超过 {MAX_CONDITION_DEPTH} 层")
            )

    def leave(self) -> None:
        self.depth -= 1

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.current
        self.index += 1
        return token

    def accept(self, text: str) -> bool:
        if self.current.kind in ("op", "name") and self.current.text == text:
            self.index += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            self.fail(Message(f"expected {text!r}", f"此处应为 {text!r}"))

    def fail(self, message: Message) -> Any:
        token = self.current
        end = token.kind == "end"
        found = Message("end of condition", "条件结尾") if end else Message(repr(token.text), repr(token.text))
        raise ConditionError(
            Message(f"{message.en}, found {found.en}", f"{message.zh}，实际为{found.zh}"), self.text, token.column
        )

    def parse(self) -> Node:
        if self.current.kind == "end":
            self.fail(Message("empty condition", "条件为空"))
        node = self.parse_or()
        if self.current.kind != "end":
            self.fail(Message("expected 'and', 'or' or the end", "此处应为 'and'、'or' 或条件结尾"))
        return node

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while self.accept("or"):
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_not()]
        while self.accept("and"):
            operands.append(self.parse_not())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def parse_not(self) -> Node:
        if self.accept("not"):
            self.enter()
            node = Not(self.parse_not())
            self.leave()
            return node
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        left = self.parse_operand()
        token = self.current
        if token.kind == "op" and token.text in ("==", "!=", "<", "<=", ">", ">="):
            self.advance()
            return Compare(token.text, left, self.parse_operand())
        if token.kind == "name" and token.text == "in":
            self.advance()
            return Compare("in", left, self.parse_operand())
        if token.kind == "name" and token.text == "not" and self.tokens[self.index + 1].text == "in":
            self.index += 2
            return Compare("not in", left, self.parse_operand())
        return left

    def parse_operand(self) -> Node:
        token = self.current
        if token.kind == "number":
            if len(token.text.split(".")[0]) > MAX_NUMBER_DIGITS or len(token.text) > 2 * MAX_NUMBER_DIGITS:
                self.fail(
                    Message(
                        f"expected a number of at most {MAX_NUMBER_DIGITS} digits",
                        f"此处应为不超过 {MAX_NUMBER_DIGITS} 位的数字",
                    )
                )
            self.advance()
            return Literal(float(token.text) if "." in token.text else int(token.text))
        if token.kind == "string":
            self.advance()
            return Literal(re.sub(r"\\(.)", r"\1", token.text[1:-1]))
        if token.kind == "op" and token.text == "(":
            self.enter()
            self.advance()
            node = self.parse_or()
            self.expect(")")
            self.leave()
            return node
        if token.kind == "op" and token.text == "[":
            self.enter()
            self.advance()
            elements: list[Node] = []
            if not self.accept("]"):
                elements.append(self.parse_operand())
                while self.accept(","):
                    elements.append(self.parse_operand())
                self.expect("]")
            self.leave()
            return ListLiteral(tuple(elements))
        if token.kind == "name":
            return self.parse_name()
        return self.fail(_VALUE_EXPECTED)

    def parse_name(self) -> Node:
        token = self.advance()
        word = token.text
        if word == "true":
            return Literal(True)
        if word == "false":
            return Literal(False)
        if word == "null":
            return Literal(None)
        if word == "dealer":
            self.expect(".")
            attribute = self.current
            if attribute.kind != "name":
                self.fail(Message("expected an attribute name after 'dealer.'", "'dealer.' 后面应为属性名"))
            self.advance()
            return DealerRef(attribute.text, token.column)
        if word in FUNCTIONS:
            self.expect("(")
            item = self.current
            if item.kind != "name" or item.text in KEYWORDS:
                self.fail(Message(f"{word}() takes an item id", f"{word}() 的参数应为检查项 id"))
            self.advance()
            argument = None
            if word == "selected":
                self.expect(",")
                if self.current.kind != "string":
                    self.fail(
                        Message(
                            "selected() takes an option code in quotes as its second argument",
                            "selected() 的第二个参数应为带引号的选项代码",
                        )
                    )
                argument = self.advance().text[1:-1]
            self.expect(")")
            return Call(word, ItemRef(item.text, item.column), argument)
        if word in KEYWORDS:
            self.index -= 1
            self.fail(_VALUE_EXPECTED)
        return ItemRef(word, token.column)


# ---- public API ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """A parsed condition. Parse once per standard (`parse_condition` caches), evaluate per audit."""

    text: str
    root: Node

    @property
    def item_refs(self) -> tuple[ItemRef, ...]:
        return tuple(n for n in walk(self.root) if isinstance(n, ItemRef))

    @property
    def dealer_refs(self) -> tuple[DealerRef, ...]:
        return tuple(n for n in walk(self.root) if isinstance(n, DealerRef))

    def evaluate(
        self,
        answers: Mapping[str, Any],
        dealer: Mapping[str, Any] | None = None,
        answered: Callable[[str], bool] | None = None,
    ) -> bool:
        """`answers` maps item id -> value (None/absent = unanswered or N/A); `answered(id)` says whether an
        item was answered at all, N/A included (defaults to "has a value")."""
        return self.test(answers, dealer or {}, answered or (lambda item_id: answers.get(item_id) is not None))

    @cached_property
    def test(self) -> Test:
        """The condition compiled to one Python function `(answers, dealer, answered) -> bool`, kept on the
        condition: what scoring calls for every audit, several times faster than walking the tree each time."""
        return compile_node(self.root)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the text and tree only (the compiled function is rebuilt on first use)."""
        return {"text": self.text, "root": self.root}


@lru_cache(maxsize=4096)
def parse_condition(text: str) -> Condition:
    """Parse a skip-logic condition once (ConditionError with the position on a syntax error); evaluate it many
    times with `Condition.evaluate`."""
    return Condition(text, _Parser(text).parse())


def walk(node: Node) -> list[Node]:
    """Every node of the tree, depth first."""
    found: list[Node] = [node]
    if isinstance(node, ListLiteral):
        for element in node.elements:
            found.extend(walk(element))
    elif isinstance(node, Call):
        found.append(node.item)
    elif isinstance(node, Not):
        found.extend(walk(node.operand))
    elif isinstance(node, BoolOp):
        for operand in node.operands:
            found.extend(walk(operand))
    elif isinstance(node, Compare):
        found.extend(walk(node.left))
        found.extend(walk(node.right))
    return found


FALSY_WORDS = ("", "no", "false", "0")


def truthy(value: Any) -> bool:
    """Whether a value counts as true in a condition: None, False, 0, an empty list and the words in FALSY_WORDS
    (any case, spaces ignored) are false. Public because the XPath translation must give the same answer."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return value.strip().lower() not in FALSY_WORDS
    if isinstance(value, tuple | list):
        return len(value) > 0
    return bool(value)


def as_number(value: Any) -> float | None:
    """A value as a number for comparisons (booleans count as 1/0, numeric text as its number), else None."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _equal(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        return truthy(left) == truthy(right)
    left_number, right_number = as_number(left), as_number(right)
    if left_number is not None and right_number is not None:
        return left_number == right_number
    if isinstance(left, tuple | list) or isinstance(right, tuple | list):
        both_lists = isinstance(left, tuple | list) and isinstance(right, tuple | list)
        return both_lists and tuple(left) == tuple(right)
    return str(left) == str(right)


# ---- compilation -----------------------------------------------------------------------------------------------
#
# A tree is turned once into nested closures: each node becomes a function of (answers, dealer, answered) giving
# its value. Literal operands are folded in advance (a comparison with 'yes' never tries to read 'yes' as a number
# again), so evaluating a condition costs a few Python calls. These closures are the only evaluator: `evaluate`
# compiles (cached) and calls them.

Answers = Mapping[str, Any]
Attributes = Mapping[str, Any]
Answered = Callable[[str], bool]
Getter = Callable[[Answers, Attributes, Answered], Any]
Test = Callable[[Answers, Attributes, Answered], bool]


def compile_node(node: Node) -> Test:
    """The condition rooted at `node` as a function giving its truth value (cached per tree)."""
    return _compiled(repr(node), node)


@lru_cache(maxsize=4096)
def _compiled(key: str, node: Node) -> Test:
    """Keyed by the tree's repr as well: equal trees may differ in type (Literal(1) == Literal(True) as dataclasses,
    but `x == 1` and `x == true` are different tests)."""
    get = _getter(node)
    if isinstance(node, Compare | Not):  # already a bool
        return get
    if isinstance(node, BoolOp):
        return get
    return lambda answers, dealer, answered: truthy(get(answers, dealer, answered))


def _getter(node: Node) -> Getter:
    if isinstance(node, Literal):
        constant = node.value
        return lambda answers, dealer, answered: constant
    if isinstance(node, ListLiteral):
        elements = tuple(_getter(e) for e in node.elements)
        return lambda answers, dealer, answered: tuple(e(answers, dealer, answered) for e in elements)
    if isinstance(node, ItemRef):
        item_id = node.item_id
        return lambda answers, dealer, answered: answers.get(item_id)
    if isinstance(node, DealerRef):
        attribute = node.attribute
        return lambda answers, dealer, answered: dealer.get(attribute)
    if isinstance(node, Call):
        return _call(node)
    if isinstance(node, Not):
        operand = _getter(node.operand)
        return lambda answers, dealer, answered: not truthy(operand(answers, dealer, answered))
    if isinstance(node, BoolOp):
        operands = tuple(_getter(o) for o in node.operands)
        if node.op == "and":
            return lambda answers, dealer, answered: all(truthy(o(answers, dealer, answered)) for o in operands)
        return lambda answers, dealer, answered: any(truthy(o(answers, dealer, answered)) for o in operands)
    return _compare(node)


def _chosen(value: Any) -> tuple[Any, ...] | list[Any]:
    return value if isinstance(value, tuple | list) else (() if value is None else (value,))


def _call(node: Call) -> Getter:
    item_id = node.item.item_id
    if node.function == "answered":
        return lambda answers, dealer, answered: answered(item_id)
    if node.function == "selected":
        code = node.argument
        return lambda answers, dealer, answered: code in _chosen(answers.get(item_id))
    return lambda answers, dealer, answered: len(_chosen(answers.get(item_id)))


def _equal_to(right: Any) -> Callable[[Any], bool]:
    """`_equal(left, right)` as a function of `left` for a constant `right`, with right's readings done once."""
    if right is None:
        return lambda left: left is None
    right_is_bool = isinstance(right, bool)
    right_truth = truthy(right)
    right_number = as_number(right)
    right_is_list = isinstance(right, tuple | list)
    right_tuple = tuple(right) if right_is_list else None
    right_text = str(right)

    def equal(left: Any) -> bool:
        if left is None:
            return False
        if right_is_bool or isinstance(left, bool):
            return truthy(left) == right_truth
        if right_number is not None:  # only then can both be numbers
            left_number = as_number(left)
            if left_number is not None:
                return left_number == right_number
        left_is_list = isinstance(left, tuple | list)
        if left_is_list or right_is_list:
            return left_is_list and right_is_list and tuple(left) == right_tuple
        return str(left) == right_text

    return equal


_ORDER: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _compare(node: Compare) -> Getter:
    left_get, op = _getter(node.left), node.op
    if op in ("==", "!=") and isinstance(node.right, Literal):
        equal = _equal_to(node.right.value)
        if op == "==":
            return lambda answers, dealer, answered: equal(left_get(answers, dealer, answered))
        if node.right.value is None:
            return lambda answers, dealer, answered: left_get(answers, dealer, answered) is not None

        def not_equal_constant(answers: Answers, dealer: Attributes, answered: Answered) -> bool:
            left = left_get(answers, dealer, answered)
            return left is not None and not equal(left)

        return not_equal_constant
    right_get = _getter(node.right)
    if op == "==":
        return lambda answers, dealer, answered: _equal(
            left_get(answers, dealer, answered), right_get(answers, dealer, answered)
        )
    if op == "!=":

        def not_equal(answers: Answers, dealer: Attributes, answered: Answered) -> bool:
            left, right = left_get(answers, dealer, answered), right_get(answers, dealer, answered)
            if right is None:
                return left is not None
            return left is not None and not _equal(left, right)

        return not_equal
    if op in ("in", "not in"):
        found_means = op == "in"

        def member(answers: Answers, dealer: Attributes, answered: Answered) -> bool:
            left, right = left_get(answers, dealer, answered), right_get(answers, dealer, answered)
            if left is None or right is None:
                return False
            container = right if isinstance(right, tuple | list) else (right,)
            found = any(_equal(left, element) for element in container)
            return found if found_means else not found

        return member
    order = _ORDER[op]

    def ordered(answers: Answers, dealer: Attributes, answered: Answered) -> bool:
        left_number = as_number(left_get(answers, dealer, answered))
        right_number = as_number(right_get(answers, dealer, answered))
        if left_number is None or right_number is None:
            return False
        return order(left_number, right_number)

    return ordered

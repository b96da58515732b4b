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
from functools import lru_cache
from typing import Any

from dealer_audit.errors import DealerAuditError


class ConditionError(DealerAuditError):
    """A condition that does not parse; `column` is 1-based within the expression text."""

    def __init__(self, message: str, expression: str, column: int) -> None:
        self.message = message
        self.expression = expression
        self.column = column
        super().__init__(f"{message} at column {column} of condition {expression!r}")


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
            raise ConditionError(f"unexpected character {text[position]!r}", text, position + 1)
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


class _Parser:
    """Recursive descent, bounded: nesting deeper than MAX_CONDITION_DEPTH is a ConditionError (so parsing,
    evaluating and translating a condition to XPath can never exhaust the stack), as is a number with more
    digits than any answer has (Python refuses to read an int of thousands of digits)."""

    def __init__(self, text: str) -> None:
        if len(text) > MAX_CONDITION_CHARS:
            raise ConditionError(
                f"a condition of {len(text):,} characters is too long (at most {MAX_CONDITION_CHARS:,})", text[:60], 1
            )
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_CONDITION_DEPTH:
            self.fail(f"nested more than {MAX_CONDITION_DEPTH} levels deep")

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
            self.fail(f"expected {text!r}")

    def fail(self, message: str) -> Any:
        token = self.current
        found = "end of condition" if token.kind == "end" else repr(token.text)
        raise ConditionError(f"{message}, found {found}", self.text, token.column)

    def parse(self) -> Node:
        if self.current.kind == "end":
            self.fail("empty condition")
        node = self.parse_or()
        if self.current.kind != "end":
            self.fail("expected 'and', 'or' or the end")
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
                self.fail(f"expected a number of at most {MAX_NUMBER_DIGITS} digits")
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
        return self.fail("expected a value, an item id or 'dealer.<attribute>'")

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
                self.fail("expected an attribute name after 'dealer.'")
            self.advance()
            return DealerRef(attribute.text, token.column)
        if word in FUNCTIONS:
            self.expect("(")
            item = self.current
            if item.kind != "name" or item.text in KEYWORDS:
                self.fail(f"{word}() takes an item id")
            self.advance()
            argument = None
            if word == "selected":
                self.expect(",")
                if self.current.kind != "string":
                    self.fail("selected() takes an option code in quotes as its second argument")
                argument = self.advance().text[1:-1]
            self.expect(")")
            return Call(word, ItemRef(item.text, item.column), argument)
        if word in KEYWORDS:
            self.index -= 1
            self.fail("expected a value, an item id or 'dealer.<attribute>'")
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
        context = _Context(answers, dealer or {}, answered or (lambda item_id: answers.get(item_id) is not None))
        return truthy(context.value(self.root))


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


@dataclass
class _Context:
    answers: Mapping[str, Any]
    dealer: Mapping[str, Any]
    answered: Callable[[str], bool]

    def value(self, node: Node) -> Any:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, ListLiteral):
            return tuple(self.value(e) for e in node.elements)
        if isinstance(node, ItemRef):
            return self.answers.get(node.item_id)
        if isinstance(node, DealerRef):
            return self.dealer.get(node.attribute)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Not):
            return not truthy(self.value(node.operand))
        if isinstance(node, BoolOp):
            if node.op == "and":
                return all(truthy(self.value(o)) for o in node.operands)
            return any(truthy(self.value(o)) for o in node.operands)
        return self.compare(node)

    def call(self, node: Call) -> Any:
        value = self.answers.get(node.item.item_id)
        if node.function == "answered":
            return self.answered(node.item.item_id)
        chosen = value if isinstance(value, tuple | list) else (() if value is None else (value,))
        if node.function == "selected":
            return node.argument in chosen
        return len(chosen)

    def compare(self, node: Compare) -> bool:
        left, right = self.value(node.left), self.value(node.right)
        if node.op == "==":
            return _equal(left, right)
        if node.op == "!=":
            if right is None:
                return left is not None
            return left is not None and not _equal(left, right)
        if node.op in ("in", "not in"):
            if left is None or right is None:
                return False
            container = right if isinstance(right, tuple | list) else (right,)
            found = any(_equal(left, element) for element in container)
            return found if node.op == "in" else not found
        left_number, right_number = as_number(left), as_number(right)
        if left_number is None or right_number is None:
            return False
        return {
            "<": left_number < right_number,
            "<=": left_number <= right_number,
            ">": left_number > right_number,
            ">=": left_number >= right_number,
        }[node.op]

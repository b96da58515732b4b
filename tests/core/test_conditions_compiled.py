"""Compiled conditions (closures built once per tree) give exactly what walking the tree gives.

The reference below is the tree-walking evaluator scoring used before conditions were compiled (kept here as the
test's oracle only): random trees over every node kind, random answers of every type, random dealer attributes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dealer_audit.core.conditions import (
    BoolOp,
    Call,
    Compare,
    Condition,
    DealerRef,
    ItemRef,
    ListLiteral,
    Literal,
    Node,
    Not,
    _equal,
    as_number,
    parse_condition,
    truthy,
)


@dataclass
class _Reference:
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
            value = self.answers.get(node.item.item_id)
            if node.function == "answered":
                return self.answered(node.item.item_id)
            chosen = value if isinstance(value, tuple | list) else (() if value is None else (value,))
            if node.function == "selected":
                return node.argument in chosen
            return len(chosen)
        if isinstance(node, Not):
            return not truthy(self.value(node.operand))
        if isinstance(node, BoolOp):
            if node.op == "and":
                return all(truthy(self.value(o)) for o in node.operands)
            return any(truthy(self.value(o)) for o in node.operands)
        assert isinstance(node, Compare)
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


ITEMS = ("A", "B", "C")
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.0, 1.0, 2.5, -1.5]),
    st.sampled_from(["yes", "no", "", " No ", "1", "2.5", "a", "b", "true", "0"]),
    st.lists(st.sampled_from(["a", "b", "c", "1"]), max_size=3).map(tuple),
)
LITERALS = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 3), st.sampled_from([1.0, 2.5]), st.sampled_from(["yes", "no", "a", "1"])
).map(Literal)
LEAVES = st.one_of(
    LITERALS,
    st.sampled_from(ITEMS).map(ItemRef),
    st.sampled_from(["x", "y"]).map(DealerRef),
    st.builds(Call, st.sampled_from(["answered", "count"]), st.sampled_from(ITEMS).map(ItemRef)),
    st.builds(Call, st.just("selected"), st.sampled_from(ITEMS).map(ItemRef), st.sampled_from(["a", "b"])),
    st.lists(LITERALS, max_size=3).map(lambda xs: ListLiteral(tuple(xs))),
)
OPS = ["==", "!=", "<", "<=", ">", ">=", "in", "not in"]
TREES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.builds(Compare, st.sampled_from(OPS), inner, inner),
        st.builds(Not, inner),
        st.builds(BoolOp, st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3).map(tuple)),
    ),
    max_leaves=8,
)


@settings(max_examples=400, deadline=None)
@given(
    TREES,
    st.dictionaries(st.sampled_from(ITEMS), VALUES),
    st.dictionaries(st.sampled_from(["x", "y"]), VALUES),
    st.sets(st.sampled_from(ITEMS)),
)
def test_compiled_equals_tree_walking(
    tree: Node, answers: dict[str, Any], dealer: dict[str, Any], answered: set[str]
) -> None:
    expected = truthy(_Reference(answers, dealer, answered.__contains__).value(tree))
    condition = Condition("", tree)
    assert condition.test(answers, dealer, answered.__contains__) is expected
    assert condition.evaluate(answers, dealer, answered.__contains__) is expected


def test_trees_equal_as_dataclasses_but_of_different_types_compile_apart() -> None:
    """Literal(1) == Literal(True) as dataclasses: the compiled cache must still tell `== 1` from `== true`."""
    answers = {"A": "yes"}
    assert parse_condition("A == true").evaluate(answers) is True
    assert parse_condition("A == 1").evaluate(answers) is False
    assert parse_condition("A == true").evaluate(answers) is True

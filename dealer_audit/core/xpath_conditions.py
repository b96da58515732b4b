"""How a standard becomes XLSForm questions, and item conditions become XLSForm `relevant` XPath expressions.

Field apps (ODK Collect, KoboCollect, Enketo) evaluate skip logic themselves, in XPath 1.0 plus the ODK functions
(`selected`, `count-selected`, `if`). For the app to show exactly the items our scoring counts as applicable, each
condition of the checklist language (core/conditions.py) is translated so that it means the same thing on the
values the form stores. The form encoding and the translation live together here because they depend on each
other: the XPath must know how an answer, and N/A, are stored. The exporter (formats/xlsform.py) and the importer
of submissions (formats/field_exports.py) both read the encoding from `encode_standard`, so they cannot drift.

Encoding (documented for users in docs/field-apps.md):

* Each item is one question named by its id (made a valid XML name when it is not one).
* yes_no, scale, single_choice and multiple_choice items are selects; when N/A is allowed the choice list gets an
  extra choice (`na`, or `na_1`… if an option already uses that code) — `NAStyle.CHOICE`.
* number, text and photo items that allow N/A get a companion question `<name>_na`, a one-box `select_multiple`
  ("Not applicable") shown before them; ticking it hides the item — `NAStyle.COMPANION`.
* An answer the app never stored (unanswered, or hidden by `relevant`, which ODK clears) is the empty string.

Semantics kept from the checklist language: an unanswered or N/A item is None, so comparisons with it are false
(except `== null`/`!= null`); `dealer.x` reads the dealer's master data through a path the caller supplies
(an `instance('dealers')` lookup, or a question). Known differences, all edge cases: a multiple-choice answer
compared with `==` to a list ignores the order of the choices; numbers written with an exponent (`1e3`) are not
numbers to XPath.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from dealer_audit.core.conditions import (
    FALSY_WORDS,
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
    as_number,
    parse_condition,
    truthy,
    walk,
)
from dealer_audit.core.standard import AnswerType, Checklist, Item
from dealer_audit.errors import DealerAuditError

TRUE = "true()"
FALSE = "false()"
NA_CHOICE = "na"

_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_NUMERIC = re.compile(r"^\s*-?(\d+(\.\d*)?|\.\d+)\s*$")
_SELECT_TYPES = (AnswerType.YES_NO, AnswerType.SCALE, AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE)


MAX_XPATH_CHARS = 20_000  # the longest shipped condition translates to ~600 characters


class XPathError(DealerAuditError):
    """A condition that cannot be expressed for the form (e.g. it names an item the standard lacks)."""


class NAStyle(StrEnum):
    NONE = "none"  # N/A not allowed
    CHOICE = "choice"  # an extra choice of the select
    COMPANION = "companion"  # a `<name>_na` tick box before the question


def xml_name(identifier: str) -> str:
    """A valid XLSForm/XML name for an id: the id itself when valid (the usual case), else a deterministic repair."""
    if _XML_NAME.match(identifier):
        return identifier
    repaired = re.sub(r"[^A-Za-z0-9_.\-]", "_", identifier)
    return repaired if re.match(r"^[A-Za-z_]", repaired) else f"_{repaired}"


@dataclass(frozen=True)
class ItemEncoding:
    """How one item is stored in the form: its question name, and how N/A is recorded."""

    item: Item
    name: str
    na_style: NAStyle
    na_choice: str = NA_CHOICE  # the choice meaning N/A (CHOICE), or the ticked choice of the companion
    companion: str = ""  # the companion question's name (COMPANION)

    @property
    def ref(self) -> str:
        return "${" + self.name + "}"

    @property
    def is_multi(self) -> bool:
        return self.item.type is AnswerType.MULTIPLE_CHOICE

    @property
    def choice_names(self) -> tuple[str, ...]:
        """The choice names that are answers (N/A excluded), in form order."""
        item = self.item
        if item.type is AnswerType.YES_NO:
            return ("yes", "no")
        if item.type is AnswerType.SCALE:
            scale = item.scale
            low, high = (scale.min, scale.max) if scale else (1, 5)
            return tuple(str(v) for v in range(low, high + 1))
        if item.type in (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE):
            return tuple(o.code for o in item.options)
        return ()

    def present(self) -> str:
        """XPath: the item has a value that is not N/A (the core's "value is not None")."""
        if self.na_style is NAStyle.CHOICE:
            if self.is_multi:
                return f"{self.ref} != '' and not(selected({self.ref}, {quote(self.na_choice)}))"
            return f"{self.ref} != '' and {self.ref} != {quote(self.na_choice)}"
        return f"{self.ref} != ''"

    def answered(self) -> str:
        """XPath: answered at all, N/A included (the core's `answered(X)`)."""
        if self.na_style is NAStyle.COMPANION:
            return f"({self.ref} != '' or selected(${{{self.companion}}}, {quote(self.na_choice)}))"
        return f"{self.ref} != ''"

    def value(self) -> str:
        """XPath: the stored value with N/A read as '' (for comparisons between two items)."""
        if self.na_style is NAStyle.CHOICE and not self.is_multi:
            return f"if({self.ref} = {quote(self.na_choice)}, '', {self.ref})"
        return self.ref


def na_style(item: Item) -> NAStyle:
    if not item.na_allowed:
        return NAStyle.NONE
    return NAStyle.CHOICE if item.type in _SELECT_TYPES else NAStyle.COMPANION


def encode_item(item: Item) -> ItemEncoding:
    name = xml_name(item.id)
    style = na_style(item)
    if style is NAStyle.CHOICE:
        taken = set(ItemEncoding(item, name, NAStyle.NONE).choice_names)
        token, counter = NA_CHOICE, 0
        while token in taken:
            counter += 1
            token = f"{NA_CHOICE}_{counter}"
        return ItemEncoding(item, name, style, token)
    if style is NAStyle.COMPANION:
        return ItemEncoding(item, name, style, NA_CHOICE, f"{name}_na")
    return ItemEncoding(item, name, style)


def encode_standard(standard: Checklist) -> dict[str, ItemEncoding]:
    """item id -> encoding, in checklist order."""
    return {item.id: encode_item(item) for item in standard.items()}


# ---- XPath text helpers -------------------------------------------------------------------------------------------


def quote(text: str) -> str:
    """An XPath 1.0 string literal (which has no escapes: pick the other quote, or concat())."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    parts = text.split("'")
    pieces = [f"'{p}'" for p in parts]
    joined = ', "\'", '.join(pieces)
    return f"concat({joined})"


def number_text(value: float | int) -> str:
    """A number as XPath accepts it: no exponent, no trailing '.0'."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(float(value))), "f")


def _group(expression: str) -> str:
    """Parenthesise a compound expression so it can be an operand."""
    if expression in (TRUE, FALSE) or re.match(r"^[\w\-]*\([^()]*\)$", expression) or " " not in expression:
        return expression
    return f"({expression})"


def xp_and(*parts: str) -> str:
    kept = [p for p in parts if p != TRUE]
    if FALSE in kept:
        return FALSE
    if not kept:
        return TRUE
    return " and ".join(_group(p) if " or " in p else p for p in kept)


def xp_or(*parts: str) -> str:
    kept = [p for p in parts if p != FALSE]
    if TRUE in kept:
        return TRUE
    if not kept:
        return FALSE
    return " or ".join(_group(p) if " and " in p else p for p in kept)


def xp_not(part: str) -> str:
    if part == TRUE:
        return FALSE
    if part == FALSE:
        return TRUE
    return f"not({part})"


def _static(value: bool) -> str:
    return TRUE if value else FALSE


def _needs_value(literal: Any, other: _Operand) -> bool:
    """True when `other == literal` can only hold if `other` has a value: '' (no value) can never equal it."""
    if literal is None or literal is False or literal == "":
        return False
    if isinstance(literal, bool) or other.kind == "bool" or other.dealer_type == "bool":
        return truthy(literal)  # compared by truthiness: only a truthy side implies a present value
    enc = other.encoding
    if isinstance(literal, str) and enc is not None and enc.na_style is NAStyle.CHOICE and literal == enc.na_choice:
        return False
    return not (isinstance(literal, tuple) and not literal)


# ---- the translator -----------------------------------------------------------------------------------------------

_LOWER = "translate(normalize-space({0}), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"


def _is_static(node: Node) -> bool:
    return not any(isinstance(n, ItemRef | DealerRef | Call) for n in walk(node))


def _static_value(node: Node) -> Any:
    """The value of a node without references, by the core evaluator itself (so the semantics cannot differ)."""
    return Condition("", node).evaluate({}) if not isinstance(node, Literal | ListLiteral) else _literal(node)


def _literal(node: Literal | ListLiteral) -> Any:
    if isinstance(node, Literal):
        return node.value
    return tuple(_static_value(e) for e in node.elements)


def _static_equal(left: Any, right: Any) -> bool:
    return Condition("", Compare("==", Literal(left), Literal(right))).evaluate({})


def _xpath_number(value: Any) -> float | None:
    """`as_number` as the field app sees it. The one deliberate difference from the checklist language: XPath 1.0
    has no exponent notation, so text such as "1e3" (a number to `as_number`) is NaN to `number()` and is treated
    as text here, and so are "inf", "nan" and "1_000" (see the module docstring and docs/field-apps.md)."""
    if isinstance(value, str) and not _NUMERIC.match(value):
        return None
    return as_number(value)


@dataclass
class _Operand:
    """A translated operand: what it is, and the XPath pieces comparisons need."""

    kind: str  # literal | item | dealer | bool | number
    xpath: str = ""  # the value (item ref, dealer path, boolean or number expression)
    present: str = TRUE  # XPath: the operand is not None
    literal: Any = None  # for kind == literal
    encoding: ItemEncoding | None = None
    dealer_type: str = "text"  # text | bool | number, for dealer operands
    truth: str = ""  # XPath truthiness


class Translator:
    """Translates parsed conditions for one standard. `dealer_path(attribute)` gives the XPath of a dealer
    attribute's value (text, '' when missing); `dealer_types` says which attributes are booleans or numbers in the
    dealer master data (text otherwise), which matters for comparisons like `dealer.x == 'yes'`."""

    def __init__(
        self,
        encodings: Mapping[str, ItemEncoding],
        dealer_path: Callable[[str], str],
        dealer_types: Mapping[str, str] | None = None,
    ) -> None:
        self.encodings = encodings
        self.dealer_path = dealer_path
        self.dealer_types = dict(dealer_types or {})

    # -- entry points --

    def relevant(self, condition: str | None) -> str:
        """The `relevant` expression for a condition text; '' when there is none (always shown)."""
        if not condition:
            return ""
        result = self.truth(parse_condition(condition).root)
        return "" if result == TRUE else result

    def truth(self, node: Node) -> str:
        """XPath boolean equal to the core's truthiness of the node's value.

        Bounded: comparing a comparison repeats its operands' tests, so `((a == b) == c) == …` grows about
        fourfold per level (16 levels: 6 MB). Checking every sub-expression keeps each step within a few times
        MAX_XPATH_CHARS and refuses the condition instead of exhausting memory."""
        expression = self._truth(node)
        if len(expression) > MAX_XPATH_CHARS:
            raise XPathError(
                f"the condition becomes an XPath expression of more than {MAX_XPATH_CHARS:,} characters for the "
                "field app; simplify it (comparisons of comparisons grow fastest)",
                zh=f"该条件转换为采集应用的 XPath 表达式后超过 {MAX_XPATH_CHARS:,} 个字符；请简化条件"
                "（比较结果再相互比较时增长最快）",
            )
        return expression

    def _truth(self, node: Node) -> str:
        if _is_static(node):
            return _static(truthy(_static_value(node)))
        if isinstance(node, Not):
            return xp_not(self.truth(node.operand))
        if isinstance(node, BoolOp):
            parts = [self.truth(o) for o in node.operands]
            return xp_and(*parts) if node.op == "and" else xp_or(*parts)
        if isinstance(node, Compare):
            return self.compare(node)
        return self.operand(node).truth

    # -- operands --

    def encoding(self, ref: ItemRef) -> ItemEncoding:
        try:
            return self.encodings[ref.item_id]
        except KeyError:
            raise XPathError(
                f"the condition names item {ref.item_id!r}, which the standard does not have",
                zh=f"条件引用了检查项 {ref.item_id!r}，但稽核标准中没有该检查项",
            ) from None

    def operand(self, node: Node) -> _Operand:
        if _is_static(node):
            value = _static_value(node)
            return _Operand("literal", literal=value, present=_static(value is not None))
        if isinstance(node, ItemRef):
            return self._item_operand(self.encoding(node))
        if isinstance(node, DealerRef):
            path = self.dealer_path(node.attribute)
            kind = self.dealer_types.get(node.attribute, "text")
            present = f"{path} != ''"
            if kind == "bool":
                truth = f"{path} = 'true'"  # the exporter writes booleans as 'true'/'false'
            elif kind == "number":
                truth = xp_and(present, f"{path} != 0")
            else:
                truth = self._text_truth(path, present, ())
            return _Operand("dealer", path, present, dealer_type=kind, truth=truth)
        if isinstance(node, Call):
            return self._call(node)
        # a boolean sub-expression used as an operand
        expression = self.truth(node)
        return _Operand("bool", expression, TRUE, truth=expression)

    def _text_truth(self, value: str, present: str, exclude: tuple[str, ...]) -> str:
        lowered = _LOWER.format(value)
        falsy = " or ".join(f"{lowered} = {quote(w)}" for w in FALSY_WORDS)
        return xp_and(present, *(f"{value} != {quote(e)}" for e in exclude), f"not({falsy})")

    def _item_operand(self, enc: ItemEncoding) -> _Operand:
        item, ref = enc.item, enc.ref
        present = enc.present()
        kind = item.type
        if kind is AnswerType.YES_NO:
            truth = f"{ref} = 'yes'"
        elif kind is AnswerType.MULTIPLE_CHOICE:
            truth = present
        elif kind in (AnswerType.NUMBER, AnswerType.SCALE):
            truth = xp_and(present, f"{ref} != 0")
        elif kind is AnswerType.SINGLE_CHOICE:
            falsy = [c for c in enc.choice_names if not truthy(c)]
            truth = xp_and(present, *(f"{ref} != {quote(c)}" for c in falsy))
        else:
            truth = self._text_truth(ref, present, ())
        return _Operand("item", ref, present, encoding=enc, truth=truth)

    def _call(self, node: Call) -> _Operand:
        enc = self.encoding(node.item)
        ref, item = enc.ref, enc.item
        if node.function == "answered":
            expression = enc.answered()
            return _Operand("bool", expression, TRUE, truth=expression)
        if node.function == "selected":
            code = node.argument or ""
            if enc.na_style is NAStyle.CHOICE and code == enc.na_choice:
                expression = FALSE  # N/A reads as no value: nothing is selected
            elif item.type is AnswerType.MULTIPLE_CHOICE:
                expression = f"selected({ref}, {quote(code)})"
            elif item.type in (AnswerType.NUMBER, AnswerType.SCALE):
                expression = FALSE  # numeric answers never equal a quoted code in the core
            else:
                expression = f"{ref} = {quote(code)}"
            return _Operand("bool", expression, TRUE, truth=expression)
        # count
        if item.type is AnswerType.MULTIPLE_CHOICE:
            counted = f"count-selected({ref})"
            if enc.na_style is NAStyle.CHOICE:
                counted = f"if(selected({ref}, {quote(enc.na_choice)}), 0, {counted})"
        else:
            counted = f"if({enc.present()}, 1, 0)"
        return _Operand("number", counted, TRUE, truth=f"{counted} != 0")

    # -- comparisons --

    def compare(self, node: Compare) -> str:
        left, right = self.operand(node.left), self.operand(node.right)
        if node.op == "==":
            equal = self.equal(left, right)
            literal, other = (right, left) if right.kind == "literal" else (left, right)
            if literal.kind == "literal" and other.kind != "literal" and _needs_value(literal.literal, other):
                return equal  # the equality can only hold on a present value: no presence test needed
            return xp_or(
                xp_and(xp_not(left.present), xp_not(right.present)), xp_and(left.present, right.present, equal)
            )
        if node.op == "!=":
            # the core: `x != None` is "x is not None"; otherwise both present and not equal
            if right.kind == "literal" and right.literal is None:
                return left.present
            differs = xp_not(self.equal(left, right))
            if right.present == TRUE:
                return xp_and(left.present, differs)
            return xp_and(left.present, xp_or(xp_not(right.present), xp_and(right.present, differs)))
        if node.op in ("in", "not in"):
            found = self.found(left, right)
            if node.op == "in" and right.kind == "literal" and left.kind != "literal":
                elements = right.literal if isinstance(right.literal, tuple) else (right.literal,)
                if all(_needs_value(e, left) for e in elements):
                    return found  # only a present value can equal one of these
            guarded = xp_and(left.present, right.present)
            return xp_and(guarded, found if node.op == "in" else xp_not(found))
        return self.order(node.op, left, right)

    def _number(self, operand: _Operand) -> str | None:
        """XPath number for a relational comparison, or None when the core would find no number."""
        if operand.kind == "literal":
            number = _xpath_number(operand.literal)
            return None if number is None else number_text(number)
        if operand.kind == "item":
            assert operand.encoding is not None
            if operand.encoding.is_multi:
                return None
            return operand.xpath
        if operand.kind == "bool":
            return f"number({operand.xpath})"
        if operand.kind == "dealer" and operand.dealer_type == "bool":
            return f"number({operand.truth})"
        return operand.xpath

    def order(self, op: str, left: _Operand, right: _Operand) -> str:
        left_number, right_number = self._number(left), self._number(right)
        if left_number is None or right_number is None:
            return FALSE
        if left.kind == "literal" and right.kind == "literal":
            return _static(Condition("", Compare(op, Literal(left.literal), Literal(right.literal))).evaluate({}))
        # a missing boolean attribute would read as 0 through number(): keep the core's "None compares false"
        guards = [o.present for o in (left, right) if o.kind == "dealer" and o.dealer_type == "bool"]
        return xp_and(*guards, f"{left_number} {op} {right_number}")

    def found(self, left: _Operand, right: _Operand) -> str:
        """XPath: `left` is in `right` (both known present)."""
        if right.kind == "literal":
            elements = right.literal if isinstance(right.literal, tuple) else (right.literal,)
            return xp_or(*(self.equal(left, _Operand("literal", literal=e, present=TRUE)) for e in elements))
        if right.kind == "item" and right.encoding is not None and right.encoding.is_multi:
            codes = right.encoding.choice_names

            def any_selected(chosen: Iterable[str]) -> str:
                return xp_or(*(f"selected({right.xpath}, {quote(c)})" for c in chosen))

            if left.kind == "literal":
                return any_selected(c for c in codes if _static_equal(left.literal, c))
            if left.kind == "bool" or left.dealer_type == "bool":
                true_codes = [c for c in codes if truthy(c)]
                false_codes = [c for c in codes if not truthy(c)]
                return xp_or(
                    xp_and(left.truth, any_selected(true_codes)), xp_and(xp_not(left.truth), any_selected(false_codes))
                )
            if left.kind == "item" and left.encoding is not None and left.encoding.is_multi:
                return FALSE  # a list is never an element of a list of codes
            return f"selected({right.xpath}, {self._plain(left)})"
        return self.equal(left, right)

    def _plain(self, operand: _Operand) -> str:
        if operand.kind == "item" and operand.encoding is not None:
            return operand.encoding.value()
        return operand.xpath

    def equal(self, left: _Operand, right: _Operand) -> str:
        """XPath for the core's `_equal(left, right)` when both are present (not None)."""
        if left.kind == "literal" and right.kind == "literal":
            return _static(Condition("", Compare("==", Literal(left.literal), Literal(right.literal))).evaluate({}))
        if left.kind == "literal":
            left, right = right, left
        # left is a reference or expression from here on
        if right.kind == "literal":
            return self._equal_literal(left, right.literal)
        if "bool" in (left.kind, right.kind) or "bool" in (left.dealer_type, right.dealer_type):
            return xp_or(xp_and(left.truth, right.truth), xp_and(xp_not(left.truth), xp_not(right.truth)))
        left_multi = left.kind == "item" and left.encoding is not None and left.encoding.is_multi
        right_multi = right.kind == "item" and right.encoding is not None and right.encoding.is_multi
        if left_multi or right_multi:
            return f"{left.xpath} = {right.xpath}" if left_multi and right_multi else FALSE
        a, b = self._plain(left), self._plain(right)
        return f"(number({a}) = number({b}) or {a} = {b})"

    def _equal_literal(self, operand: _Operand, literal: Any) -> str:
        enc = operand.encoding
        if isinstance(literal, bool) or operand.kind == "bool" or operand.dealer_type == "bool":
            wanted = truthy(literal)
            return operand.truth if wanted else xp_not(operand.truth)
        if isinstance(literal, tuple):
            if not (enc is not None and enc.is_multi and all(isinstance(e, str) for e in literal)):
                return FALSE
            codes = list(dict.fromkeys(literal))
            if len(codes) != len(literal):
                return FALSE
            return xp_and(
                f"count-selected({operand.xpath}) = {len(codes)}",
                *(f"selected({operand.xpath}, {quote(c)})" for c in codes),
            )
        if enc is not None and enc.is_multi:
            return FALSE  # a list never equals a single value
        number = _xpath_number(literal)
        if number is not None:
            return f"{operand.xpath} = {number_text(number)}"
        text = str(literal)
        if enc is not None and enc.item.type in (AnswerType.NUMBER, AnswerType.SCALE):
            return FALSE  # a number never equals non-numeric text
        if enc is not None and enc.na_style is NAStyle.CHOICE and text == enc.na_choice:
            return FALSE
        return f"{operand.xpath} = {quote(text)}"


# ---- failed answers (for evidence rules) ---------------------------------------------------------------------------


def failed_xpath(enc: ItemEncoding) -> str:
    """XPath: the answer is present and scores a fraction below 1 (core/scoring.py `item_fraction`), which is
    when an `on_fail` evidence rule asks for a photo or note. FALSE for items that never fail (unscored)."""
    item, ref = enc.item, enc.ref
    present = enc.present()
    if not item.is_scored:
        return FALSE
    kind = item.type
    if kind is AnswerType.YES_NO:
        wrong = "no" if item.compliant_answer == "yes" else "yes"
        return f"{ref} = {quote(wrong)}"
    if kind is AnswerType.SINGLE_CHOICE or (kind is AnswerType.SCALE and any(o.points for o in item.options)):
        best = max((o.points for o in item.options), default=0.0)
        if best <= 0:
            return FALSE
        failing = [o.code for o in item.options if o.points < best and o.code in enc.choice_names]
        return xp_or(*(f"{ref} = {quote(c)}" for c in failing))
    if kind is AnswerType.SCALE:
        high = item.scale.max if item.scale else 5
        low = item.scale.min if item.scale else 1
        if high == low:
            return FALSE
        return xp_and(present, f"{ref} < {high}")
    if kind is AnswerType.MULTIPLE_CHOICE:
        positive = sum(o.points for o in item.options if o.points > 0)
        if positive <= 0:
            return FALSE
        terms = [f"if(selected({ref}, {quote(o.code)}), {number_text(o.points)}, 0)" for o in item.options if o.points]
        return xp_and(present, f"({' + '.join(terms)}) < {number_text(positive)}")
    if kind is AnswerType.NUMBER:
        if not item.bands:
            return FALSE
        passing: list[str] = []
        earlier: list[str] = []
        for band in item.bands:
            bounds = []
            if band.min is not None:
                bounds.append(f"{ref} >= {number_text(band.min)}")
            if band.max is not None:
                bounds.append(f"{ref} <= {number_text(band.max)}")
            matches = xp_and(*bounds) if bounds else TRUE
            if band.score >= 1:
                passing.append(xp_and(matches, *(xp_not(e) for e in earlier)))
            earlier.append(matches)
        return xp_and(present, xp_not(xp_or(*passing)))
    # text / photo made scorable: the answer is what earns the point, a present answer never fails
    return FALSE

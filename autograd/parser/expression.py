"""A safe parser for arithmetic expressions over named variables, building a graph of Values.

``parse_expression("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.88})``
returns the output Value; each variable becomes one leaf Value named after
it (used twice, ``x*x``, it is the same leaf twice). Nothing in the text is
ever executed: a tokenizer and a recursive-descent parser accept only

* numbers (``2``, ``-0.5``, ``1e-3``) and the variables given,
* ``+ - * /`` and ``**`` with Python's precedence: ``**`` binds tightest and
  groups to the right, and binds tighter than a unary minus on its left
  (``-x**2`` is ``-(x**2)``, ``2**-1`` is ``0.5``),
* parentheses, and calls of the engine's functions (`FUNCTIONS`): one
  argument, ``leaky_relu(x, slope)`` and ``clamp(x, low, high)`` with numbers
  as slope and bounds, ``sum(a, b, ...)`` and ``logsumexp(a, b, ...)`` of any
  number of arguments.

``x^2`` is refused with the advice to write ``x**2`` (``^`` is not a power in Python).

Numbers stay numbers until they meet a Value, as in Python code, so
``x**2`` records the operation ``**2`` and ``2*3*x`` a constant 6.

Any other input raises `ParseError` with the position of the offending
character, which `ParseError.pointer` draws as a caret under the expression.
Its message is in the current language (`autograd.i18n`).
"""

from __future__ import annotations

import math
import operator
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from autograd import functions
from autograd.i18n import N_, Catalog
from autograd.notation import parse_network_name
from autograd.scalar import python_reason
from autograd.value import Value

_ = Catalog("autograd")

Number = Value | float

MAX_DEPTH = 200
"""The most parentheses and function calls that may be open at once (the parser recurses on them)."""

FUNCTIONS: dict[str, Callable[..., Number]] = {
    "tanh": functions.tanh,
    "exp": functions.exp,
    "log": functions.log,
    "sqrt": functions.sqrt,
    "sigmoid": functions.sigmoid,
    "relu": functions.relu,
    "softplus": functions.softplus,
    "sin": functions.sin,
    "cos": functions.cos,
    "abs": abs,
    "leaky_relu": functions.leaky_relu,
    "clamp": functions.clamp,
    "sum": lambda *terms: functions.sum(terms),
    "logsumexp": lambda *terms: functions.logsumexp(terms),
}
"""The functions an expression may call: one argument each, except those in `_ARGUMENT_COUNTS`."""

_ARGUMENT_COUNTS: dict[str, tuple[int, int | None]] = {
    "leaky_relu": (1, 2),
    "clamp": (3, 3),
    "sum": (1, None),
    "logsumexp": (1, None),
    "softmax": (2, None),  # the values, then the index after them (see `_picked_by_index`)
    "log_softmax": (2, None),
}
"""(fewest, most) arguments of the functions that take more than one; None: any number."""

_LIST_FUNCTIONS: dict[str, Callable[[Sequence[Number]], list[Value]]] = {
    "softmax": functions.softmax,
    "log_softmax": functions.log_softmax,
}
"""The functions that give one Value per argument; an expression picks one by its index, ``softmax(a, b)[0]``."""

_NUMBER_ARGUMENTS = {
    "leaky_relu": N_("the slope of leaky_relu must be a number, not an expression with variables"),
    "clamp": N_("the bounds of clamp (low, high) must be numbers, not an expression with variables"),
}
"""Functions whose arguments after the first must be numbers, and how an error says so."""


def _picked_by_index(listed: Callable[[Sequence[Number]], list[Value]]) -> Callable[..., Number]:
    """A function of the arguments and, last, an index: the one Value of `listed`'s list at that index."""

    def pick(*arguments_and_index: Any) -> Number:
        *arguments, index = arguments_and_index
        return listed(arguments)[index]

    return pick


class ParseError(ValueError):
    """An expression that cannot be parsed or evaluated, with the position (0-based) of the culprit."""

    def __init__(self, message: str, expression: str, position: int) -> None:
        super().__init__(_("{message} (at column {column})").format(message=message, column=position + 1))
        self.message = message
        self.expression = expression
        self.position = position

    def pointer(self) -> str:
        """Two lines: the expression, and a caret under the offending position."""
        line = re.sub(r"\s", " ", self.expression)
        return f"{line}\n{' ' * self.position}^"


class DomainError(ParseError):
    """An expression that parses but cannot be evaluated at the numbers given (log of -1, 1/0, an overflow)."""


class UndefinedVariableError(ParseError):
    """A name in the expression that is neither a given variable nor a function."""

    def __init__(self, name: str, expression: str, position: int, defined: list[str]) -> None:
        if defined:
            message = _("undefined variable {name!r}; the variables given are {names}").format(
                name=name, names=_(", ").join(sorted(defined))
            )
        else:
            message = _("undefined variable {name!r}; no variables were given").format(name=name)
        super().__init__(message, expression, position)
        self.name = name


class _Token(NamedTuple):
    kind: str  # 'number', 'name', an operator or punctuation ('+', '**', '(', ...), or 'end'
    text: str
    position: int


_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[wbza]\[\d+\]_\d+(?:,\d+)?|[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<symbol>\*\*|[-+*/(),\[\]])"
)


def tokenize(expression: str) -> list[_Token]:
    """The tokens of `expression`, ending with an 'end' token; ParseError at the first character that fits none."""
    tokens = []
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            character = expression[position]
            ascii_form = unicodedata.normalize("NFKC", character) if "\uff01" <= character <= "\uff5e" else character
            if character == "^":
                message = _("unexpected character {character!r}; for a power write ** (x**2), as in Python")
            elif ascii_form != character and _TOKEN.fullmatch(ascii_form):
                # A full-width form (U+FF01..U+FF5E), as a Chinese input method types （ ） ＊ ２.
                message = _("unexpected character {character!r}, a full-width form; write {ascii!r} instead")
            else:
                message = _("unexpected character {character!r}")
            raise ParseError(message.format(character=character, ascii=ascii_form), expression, position)
        kind = match.lastgroup
        if kind == "symbol":
            tokens.append(_Token(match.group(), match.group(), position))
        elif kind != "space":
            tokens.append(_Token(str(kind), match.group(), position))
        position = match.end()
    tokens.append(_Token("end", "", len(expression)))
    return tokens


def parse_expression(expression: str, variables: Mapping[str, float | Value]) -> Value:
    """Build the graph of `expression` over `variables` and return its output Value.

    A variable given as a number becomes a leaf Value named after the variable;
    one given as a Value is used as it is. An expression without variables
    still returns a Value (a leaf holding its number).
    """
    if not isinstance(expression, str):
        raise TypeError(_("the expression must be a str, got {type}").format(type=type(expression).__name__))
    for name in variables:
        check_variable_name(name)
    result = _Parser(expression, variables).parse()
    return result if isinstance(result, Value) else Value(result)


def check_variable_name(name: object) -> None:
    """Raise ValueError unless `name` can be written as a variable in an expression."""
    if not isinstance(name, str) or not (
        re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or parse_network_name(name) is not None
    ):
        raise ValueError(
            _(
                "{name!r} is not a variable name: use letters, digits and '_', not starting with a digit, "
                "or a textbook name such as w[1]_11, b[2]_1"
            ).format(name=name)
        )
    if name in FUNCTIONS:
        raise ValueError(_("{name!r} is the name of a function, not a variable; choose another name").format(name=name))


class _Parser:
    """Recursive descent that recurses only into parentheses and calls, three frames per level.

    Grammar (Python's, restricted)::

        expression := product (('+' | '-') product)*
        product    := operand (('*' | '/') operand)*
        operand    := ('-' | '+')* atom ('**' ('-' | '+')* atom)*     ** groups to the right
        atom       := number | name | name '(' expression (',' expression)* ')' | '(' expression ')'

    Sums, products, signs and power chains are loops, so only nesting costs
    stack, and MAX_DEPTH levels of it stay far below Python's recursion limit.
    """

    def __init__(self, expression: str, variables: Mapping[str, float | Value]) -> None:
        self.expression = expression
        self.tokens = tokenize(expression)
        self.index = 0
        self.given = variables
        self.leaves: dict[str, Value] = {}

    # -- tokens

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def signs(self) -> list[_Token]:
        signs = []
        while self.current.kind in ("-", "+"):
            signs.append(self.take())
        return signs

    def error(self, message: str, token: _Token | None = None) -> ParseError:
        return ParseError(message, self.expression, (token or self.current).position)

    @staticmethod
    def describe(token: _Token) -> str:
        return _("the end of the expression") if token.kind == "end" else repr(token.text)

    # -- grammar

    def parse(self) -> Number:
        result = self.expression_rule(depth=0)
        if self.current.kind == ")":
            raise self.error(_("unmatched ')': no '(' is open here"))
        if self.current.kind != "end":
            if self.current.kind in ("name", "number", "("):
                message = _("expected an operator or the end of the expression, got {got}; write '*' for a product, e.g. 2*x")
            else:
                message = _("expected an operator or the end of the expression, got {got}")
            raise self.error(message.format(got=self.describe(self.current)))
        return result

    def expression_rule(self, depth: int) -> Number:
        total = self.product(depth)
        while self.current.kind in ("+", "-"):
            symbol = self.take()
            total = self.apply(symbol, total, self.product(depth))
        return total

    def product(self, depth: int) -> Number:
        result = self.operand(depth)
        while self.current.kind in ("*", "/"):
            symbol = self.take()
            result = self.apply(symbol, result, self.operand(depth))
        return result

    def operand(self, depth: int) -> Number:
        """Signs, then a chain of powers; the signs apply to the whole chain (-x**2 is -(x**2))."""
        signs = self.signs()
        atoms = [self.atom(depth)]
        links: list[tuple[_Token, list[_Token]]] = []  # each '**' and the signs of the exponent after it
        while self.current.kind == "**":
            links.append((self.take(), self.signs()))
            atoms.append(self.atom(depth))
        # a ** -b ** c is a ** (-(b ** c)): fold from the right.
        result = atoms[-1]
        for base, (power, exponent_signs) in zip(reversed(atoms[:-1]), reversed(links)):
            result = self.apply(power, base, self.negate(exponent_signs, result))
        return self.negate(signs, result)

    def atom(self, depth: int) -> Number:
        token = self.take()
        if token.kind == "number":
            number = float(token.text)
            if math.isinf(number):
                message = _("the number {number} is too large for a float (the limit is 1.8e308)")
                raise self.error(message.format(number=token.text), token)
            return number
        if token.kind == "name" and self.current.kind != "(":
            if token.text in FUNCTIONS:
                message = _("{name} is a function: call it with parentheses, e.g. {name}(x)")
                raise self.error(message.format(name=token.text), token)
            return self.variable(token)
        if token.kind not in ("name", "("):
            message = _("expected a number, a variable, a function call or '(', got {got}")
            raise self.error(message.format(got=self.describe(token)), token)
        listed = _LIST_FUNCTIONS.get(token.text) if token.kind == "name" else None
        function = _picked_by_index(listed) if listed is not None else FUNCTIONS.get(token.text)
        if token.kind == "name" and function is None:
            message = _("unknown function {name!r}; the functions are {names}")
            raise self.error(message.format(name=token.text, names=", ".join(sorted([*FUNCTIONS, *_LIST_FUNCTIONS]))), token)
        opening = token if token.kind == "(" else self.take()
        if depth >= MAX_DEPTH:
            message = _("the expression nests more than {depth} parentheses and calls deep; simplify it")
            raise self.error(message.format(depth=MAX_DEPTH), opening)
        arguments = [self.expression_rule(depth + 1)]
        while function is not None and self.current.kind == ",":
            self.take()
            arguments.append(self.expression_rule(depth + 1))
        if self.current.kind != ")":
            message = _("'(' at column {column} is never closed: expected ')', got {got}")
            raise self.error(message.format(column=opening.position + 1, got=self.describe(self.current)))
        self.take()
        if function is None:
            return arguments[0]
        if listed is not None:
            arguments.append(self.picked_index(token, len(arguments)))
        return self.call(token, function, arguments)

    def picked_index(self, name: _Token, count: int) -> int:
        """The ``[i]`` after a call of a function that gives one value per argument: which one (from 0)."""
        if self.current.kind != "[":
            message = _("{name} gives one value per argument: pick one with [i], e.g. {name}(a, b)[0] for the first")
            raise self.error(message.format(name=name.text))
        self.take()
        number = self.take()
        if number.kind != "number" or not number.text.isdigit() or int(number.text) >= count:
            message = _("the index after {name}(...) must be a whole number from 0 to {last}")
            raise self.error(message.format(name=name.text, last=count - 1), number)
        if self.current.kind != "]":
            raise self.error(_("expected ']' after the index, got {got}").format(got=self.describe(self.current)))
        self.take()
        return int(number.text)

    def call(self, name: _Token, function: Callable[..., Number], arguments: list[Number]) -> Number:
        low, high = _ARGUMENT_COUNTS.get(name.text, (1, 1))
        if len(arguments) < low or (high is not None and len(arguments) > high):
            if low == high == 1:
                message = _("{name} takes 1 argument, got {count}")
            elif low == high:
                message = _("{name} takes {low} arguments, got {count}")
            elif high is None:
                message = _("{name} takes {low} or more arguments, got {count}")
            else:
                message = _("{name} takes {low} or {high} arguments, got {count}")
            raise self.error(message.format(name=name.text, low=low, high=high, count=len(arguments)), name)
        rule = _NUMBER_ARGUMENTS.get(name.text)
        if rule is not None and any(isinstance(argument, Value) for argument in arguments[1:]):
            raise self.error(_(rule), name)
        return self.evaluate(name, function, *arguments)

    def variable(self, token: _Token) -> Value:
        name = token.text
        if name not in self.leaves:
            if name not in self.given:
                raise UndefinedVariableError(name, self.expression, token.position, list(self.given))
            given = self.given[name]
            self.leaves[name] = given if isinstance(given, Value) else Value(given, name=name)
        return self.leaves[name]

    # -- evaluation

    def cannot_compute(self, token: _Token, why: str) -> DomainError:
        message = _("cannot compute {operation} here: {why}").format(operation=self.describe(token), why=why)
        return DomainError(message, self.expression, token.position)

    def negate(self, signs: list[_Token], operand: Number) -> Number:
        for sign in reversed(signs):
            if sign.kind == "-":
                operand = self.evaluate(sign, operator.neg, operand)
        return operand

    def apply(self, symbol: _Token, left: Number, right: Number) -> Number:
        return self.evaluate(symbol, _BINARY[symbol.kind], left, right)

    def evaluate(self, token: _Token, function: Callable[..., Number], *arguments: Number) -> Number:
        """Run one operation; a math error becomes a ParseError that points at its operator or function."""
        try:
            result = function(*arguments)
        except (ArithmeticError, ValueError) as error:
            raise self.cannot_compute(token, python_reason(error)) from None
        if isinstance(result, complex):  # float ** float with a negative base and a fractional exponent
            message = _("a negative number to a fractional power is not real")
            raise self.cannot_compute(token, message)
        if math.isinf(_number(result)) and all(math.isfinite(_number(a)) for a in arguments):  # an overflow
            raise self.cannot_compute(token, _("the result overflows to inf"))
        return result


def _number(x: Number) -> float:
    return x.data if isinstance(x, Value) else x


_BINARY: dict[str, Callable[[Number, Number], Number]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}

"""Python source for a recorded graph: its forward values, then its backward pass, as straight-line code.

`generate(output, inputs, params)` writes one function

    def forward_and_backward(inputs, params):
        x_1, x_2 = inputs
        w1_11, w1_12, b1_1, ..., w2_11, w2_12, b2_1 = params
        # forward: each value from its operands
        z1_1 = w1_11 * x_1 + w1_12 * x_2 + b1_1
        a1_1 = 0.0 if z1_1 <= 0 else z1_1
        ...
        # backward: each parent gets local derivative × upstream gradient
        grad_t3 = 1.0  # ∂output/∂output = 1
        ...
        grad_a1_1 = delta2_1 * w2_11 + delta2_2 * w2_21  # Σ over 2 uses: ∂(a·b)/∂b = a
        delta1_1 = grad_a1_1 * (0.0 if z1_1 <= 0 else 1.0)  # ∂relu(a)/∂a = 1 if a > 0 else 0
        grad_w1_11 = delta1_1 * x_1  # ∂(a·b)/∂a = b
        grad_b1_1 = delta1_1  # ∂(x₁+…+xₙ)/∂xᵢ = 1
        ...
        return t3, (grad_x_1, grad_x_2), (grad_w1_11, ...), ()

in which every number is a local variable and nothing refers to a `Value`:
the chain rule of `autograd.backprop.propagate`, unrolled for one graph.
How each piece is chosen:

* Forward: a node gets its own statement if it is named (``z[1]_1`` becomes
  ``z1_1``), used twice, or needed again by the backward pass; any other node
  is written inside the one expression that uses it (a product inside its
  sum), as a student would write it. Nodes that do not depend on an input or
  a parameter are constants: their value from tracing is written as a literal
  (``repr``, which round-trips a float exactly).
* Backward: nodes are visited in the engine's order (reversed
  `topological_order`). When a node is reached, all its users have been, so
  its gradient is written as one sum of their contributions ``local
  derivative × upstream``, added in the order `propagate` adds them: the
  numbers are the engine's numbers, bit for bit where builtins.sum adds left
  to right. For a hidden activation that sum is the delta rule itself. An
  unnamed node used once through a derivative of exactly 1 (a term of a sum)
  needs no statement: its gradient *is* the sum's. The gradient of a weighted
  input ``z`` is called ``delta`` (δ = ∂C/∂z), of any other node ``grad_``.
* Branches inside operations are written as conditional expressions
  (``0.0 if a <= 0 else a``), so they are decided again for every call.

Each operation's forward expression and local derivatives are written here a
second time, in Python text, next to the rule text the engine records
(``local_grads.rules``), which becomes the comment of each backward line. The
tests hold the two versions to the same numbers on random graphs.

Two target languages, one generator. ``language="javascript"`` gives the same
function in JavaScript: the analysis, the order, the names, which nodes get a
statement and the comments are shared; only the text of a few constructs
differs (`_Syntax`: conditionals, powers, sequences, statements), and the
script carries its helpers (`autograd.compiler.javascript`). User text (a
docstring, a rule) enters the source only through `autograd.compiler.inert`.
With ``report=`` the function also returns every listed node's value and
gradient and every edge's local derivative, for pages that show every number.
"""

from __future__ import annotations

import functools
import keyword
import math
import string
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from autograd import scalar
from autograd.backprop import topological_order
from autograd.compiler import javascript
from autograd.compiler.inert import LANGUAGES, comment, string_literal
from autograd.i18n import Catalog
from autograd.notation import is_data_name, parse_network_name
from autograd.value import Value

_ = Catalog("autograd")

FUNCTION_NAME = "forward_and_backward"
"""The name of the generated function."""

# Python's operator precedence, low to high. An operand whose precedence is
# below what its position needs is put in parentheses.
_CONDITIONAL, _ADDITIVE, _MULTIPLICATIVE, _UNARY, _POWER, _ATOM = range(6)

_MAX_INLINE_DEPTH = 40
"""Deepest expression built by writing nodes inside their user; deeper ones get a variable.

Python's compiler recurses over nested expressions, so a 100,000-long chain
must not become one expression."""

_SUM_IS_LEFT_TO_RIGHT = sys.version_info < (3, 12)
"""Whether builtins.sum adds floats one by one, as ``a + b + c`` does (3.12 switched to compensated summation).

Where it does, a sum is written with ``+``, which is faster and reads like the
textbook; elsewhere as ``_sum((a, b, c))``, so the result is still the engine's."""

_MAX_CHAINED_TERMS = 32
"""Sums with more terms are written ``_sum((...))`` in any case (a long ``+`` chain nests deeply)."""

_HELPERS: dict[str, tuple[str, str]] = {
    "_abs": ("builtins", "abs"),
    "_sum": ("builtins", "sum"),
    "_inf": ("math", "inf"),
    "_nan": ("math", "nan"),
    "_exp": ("autograd.scalar", "exp"),
    "_log": ("autograd.scalar", "log"),
    "_sqrt": ("autograd.scalar", "sqrt"),
    "_tanh": ("autograd.scalar", "tanh"),
    "_sigmoid": ("autograd.scalar", "sigmoid"),
    "_softplus": ("autograd.scalar", "softplus"),
    "_sin": ("autograd.scalar", "sin"),
    "_clamp": ("autograd.scalar", "clamp"),
    "_cos": ("autograd.scalar", "cos"),
    "_power": ("autograd.scalar", "power"),
    "_logsumexp": ("autograd.scalar", "logsumexp"),
    "_positive_base_power": ("autograd.compiler.codegen", "positive_base_power"),
}
"""Every function the generated code calls, as (module, name); imported under a leading underscore.

Generated variable names never start with ``_``, so a node named ``sum`` or
``exp`` cannot shadow a helper. The forward rules are the engine's own
(`autograd.scalar`), so values and domain errors are the engine's too."""

_ELEMENTWISE_CALLS = ("exp", "log", "sqrt", "tanh", "sigmoid", "softplus", "sin", "cos")
_BINARY_OPERATORS = {"+": _ADDITIVE, "-": _ADDITIVE, "*": _MULTIPLICATIVE, "/": _MULTIPLICATIVE}


def positive_base_power(base: float, exponent: float) -> float:
    """base ** exponent for a Value exponent, which (as in `Value.__pow__`) needs base > 0."""
    if base <= 0:
        raise ValueError(
            scalar.domain_message("positive_base", base=base)
            + _(" (the example inputs had a positive base here; these inputs do not)")
        )
    return scalar.power(base, exponent)


@dataclass(frozen=True)
class GeneratedCode:
    """The source of one forward-and-backward function, and what it was made from.

    Attributes:
        source: a complete module: the helper imports, then ``def forward_and_backward(inputs, params)``,
            which returns ``(output, input_gradients, parameter_gradients, extra_values)``
            (``input_gradients`` is None when they were not asked for).
        node_count: nodes in the recorded graph.
        named_constants: names of the named leaves that are neither inputs nor
            params, whose traced values the code holds as constants (data named
            as `nn` names it, x1… and y1…, is not listed: it is meant to be fixed).
    """

    source: str
    node_count: int
    named_constants: tuple[str, ...]

    def function(self, filename: str) -> Callable[..., Any]:
        """The Python source run as a module named `filename` (for tracebacks): its `FUNCTION_NAME` function."""
        namespace: dict[str, Any] = {}
        exec(compile(self.source, filename, "exec"), namespace)
        function: Callable[..., Any] = namespace[FUNCTION_NAME]
        return function


class _Expr(NamedTuple):
    """Python expression text, with its precedence and how deeply it nests expressions."""

    text: str
    precedence: int
    depth: int = 0

    def at(self, minimum: int) -> str:
        """The text, in parentheses unless it binds at least as tightly as `minimum`."""
        return self.text if self.precedence >= minimum else f"({self.text})"


@dataclass(frozen=True)
class _Syntax:
    """The few constructs the target languages write differently; order, names and statements are shared.

    Both languages get the same helper names (``_exp``, ``_sum``, ...), number
    literals (``repr``: ``1e-05`` and ``-0.5`` read the same in both) and
    operators ``+ - * /``; they differ in conditionals, powers, sequences and
    statements. JavaScript writes a power as a call (``_pow(a, b)``), since
    its ``**`` refuses a unary minus in front, and a negation of a negation as
    ``-(-a)``, since ``--a`` is its decrement.
    """

    language: str
    negated_precedence: int  # the precedence an operand of unary minus needs
    none: str
    comment_start: str

    def conditional(self, test: str, yes: str, no: str) -> str:
        """``yes`` where ``test`` holds, else ``no`` (nests in `no` without parentheses in both languages)."""
        return f"{yes} if {test} else {no}" if self.language == "python" else f"{test} ? {yes} : {no}"

    def is_conditional(self, text: str) -> bool:
        return (" if " in text) if self.language == "python" else (" ? " in text)

    def between(self, low: str, a: str, high: str) -> str:
        """The test ``low <= a <= high``."""
        return f"{low} <= {a} <= {high}" if self.language == "python" else f"{low} <= {a} && {a} <= {high}"

    def power(self, base: _Expr, exponent: _Expr, depth: int = 0) -> _Expr:
        if self.language == "python":
            return _Expr(f"{base.at(_ATOM)} ** {exponent.at(_UNARY)}", _POWER, depth)
        return _call("_pow", [base, exponent], depth)

    def sequence(self, items: list[str]) -> str:
        if self.language == "python":
            return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
        return f"[{', '.join(items)}]"

    def statement(self, name: str, value: str, *, declares: bool = True) -> str:
        if self.language == "python":
            return f"{name} = {value}"
        return f"{'let ' if declares else ''}{name} = {value};"

    def commented(self, statement: str, rule: str) -> str:
        return f"{statement}  {self.comment_start} {comment(rule)}" if rule else statement


_PYTHON = _Syntax("python", _UNARY, "None", "#")
_JAVASCRIPT = _Syntax("javascript", _POWER, "null", "//")


def _syntax_of(language: str) -> _Syntax:
    if language in ("js", "javascript"):
        return _JAVASCRIPT
    if language == "python":
        return _PYTHON
    raise ValueError(f"unknown language {language!r}; valid languages are {', '.join(map(repr, LANGUAGES))} (or 'js')")


def _literal(x: float) -> _Expr:
    """A float as Python or JavaScript text that evaluates to the same float (repr round-trips exactly)."""
    if math.isnan(x):
        return _Expr("_nan", _ATOM)
    if math.isinf(x):
        return _Expr("_inf", _ATOM) if x > 0 else _Expr("-_inf", _UNARY)
    text = repr(x)
    return _Expr(text, _UNARY if text.startswith("-") else _ATOM)


def _identifier(name: str) -> str:
    """A graph name as a Python identifier: ``w[2]_13`` → ``w2_13``, ``x[0][1]`` → ``x0_1``, ``x_7,2`` → ``x_7_2``.

    Brackets are dropped (``][`` becomes ``_``), any other character that
    cannot be part of a name becomes ``_``, and a name that would start with
    something other than a letter gets a ``v`` in front. Python normalises
    identifiers to NFKC, so that is done first, before names are compared.
    A keyword of either target language gets a ``_`` behind (``new`` → ``new_``),
    so that both languages use the same names.
    """
    text = unicodedata.normalize("NFKC", name).replace("][", "_").replace("[", "").replace("]", "")
    text = "".join(c if ("a" + c).isidentifier() else "_" for c in text)
    if not text[:1].isidentifier() or text.startswith("_"):
        text = "v" + text
    if keyword.iskeyword(text) or text in javascript.RESERVED_WORDS:
        text += "_"
    return text


class _Names:
    """Hands out distinct identifiers; a repeated name gets ``__2``, ``__3``, ... (one per copy, e.g. per example)."""

    def __init__(self, reserved: Sequence[str]) -> None:
        self._used = set(reserved)
        self._copies: dict[str, int] = {}
        self._unnamed = 0

    def fresh(self, base: str) -> str:
        if base not in self._used:
            self._used.add(base)
            return base
        copy = self._copies.get(base, 1)
        while True:
            copy += 1
            candidate = f"{base}__{copy}"
            if candidate not in self._used:
                self._copies[base] = copy
                self._used.add(candidate)
                return candidate

    def temporary(self) -> str:
        """t0, t1, ... for nodes without a name."""
        while True:
            candidate = f"t{self._unnamed}"
            self._unnamed += 1
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate


# ------------------------------------------------------------ the operations


def _forward_expression(node: Value, operands: list[_Expr], syntax: _Syntax) -> _Expr:
    """The expression that computes `node` from its operands' expressions, as the engine computes it."""
    op = node.op
    depth = 1 + max([o.depth for o in operands])
    if op in _BINARY_OPERATORS:
        precedence = _BINARY_OPERATORS[op]
        left, right = operands
        return _Expr(f"{left.at(precedence)} {op} {right.at(precedence + 1)}", precedence, depth)
    if op == "neg":
        return _Expr(f"-{operands[0].at(syntax.negated_precedence)}", _UNARY, depth)
    if op in ("relu", "leaky_relu"):
        a = operands[0].at(_ATOM)  # an atom: it appears twice (see _FORWARD_REUSES_OPERAND)
        if op == "relu":  # written as scalar.relu is: nan is not <= 0, so it stays nan
            return _Expr(syntax.conditional(f"{a} <= 0", "0.0", a), _CONDITIONAL, depth)
        otherwise = f"{_literal(_slope(node)).at(_MULTIPLICATIVE)} * {a}"
        return _Expr(syntax.conditional(f"{a} > 0", a, otherwise), _CONDITIONAL, depth)
    if op == "**":
        return _call("_positive_base_power", operands, depth)
    if op == "clamp":
        return _call("_clamp", [operands[0], _literal(_low(node)), _literal(_high(node))], depth)
    if op.startswith("**"):
        exponent = _exponent(node)
        if exponent.is_integer():  # no complex results possible, so Python's own ** is the engine's power
            return syntax.power(operands[0], _literal(exponent), depth)
        return _call("_power", [operands[0], _literal(exponent)], depth)
    if op == "abs" or op in _ELEMENTWISE_CALLS:
        return _call(f"_{op}", operands, depth)
    if op == "sum":
        if len(operands) == 1:  # 0 + x is x (up to the sign of a zero)
            return _Expr(operands[0].text, operands[0].precedence, depth)
        if _SUM_IS_LEFT_TO_RIGHT and len(operands) <= _MAX_CHAINED_TERMS:
            terms = [operands[0].at(_ADDITIVE)] + [o.at(_ADDITIVE + 1) for o in operands[1:]]
            return _Expr(" + ".join(terms), _ADDITIVE, depth)
        return _call("_sum", [_tuple(operands, syntax)], depth)
    if op == "logsumexp":
        return _call("_logsumexp", [_tuple(operands, syntax)], depth)
    raise ValueError(_unknown_operation(op))


_CHECKED_CALLS = ("_exp(", "_log(", "_sqrt(", "_power(", "_positive_base_power(")
"""The JavaScript helpers that throw outside their domain; they take the node's report position as a last argument."""

_FORWARD_REUSES_OPERAND = frozenset({"relu", "leaky_relu"})
"""Operations whose forward expression names their operand twice, so it must be a variable or literal."""


def _call(function: str, arguments: list[_Expr], depth: int) -> _Expr:
    return _Expr(f"{function}({', '.join(a.text for a in arguments)})", _ATOM, depth)


def _tuple(items: list[_Expr], syntax: _Syntax) -> _Expr:
    """A tuple (Python) or array (JavaScript) of the expressions."""
    return _Expr(syntax.sequence([item.text for item in items]), _ATOM)


def _exponent(node: Value) -> float:
    return float(node.local_grads.exponent)  # type: ignore[union-attr]


def _slope(node: Value) -> float:
    return float(node.local_grads.slope)  # type: ignore[union-attr]


def _low(node: Value) -> float:
    return float(node.local_grads.low)  # type: ignore[union-attr]


def _high(node: Value) -> float:
    return float(node.local_grads.high)  # type: ignore[union-attr]


class _Edge(NamedTuple):
    """How one parent's contribution is written: its template, the rule it applies, the values it reads."""

    template: str
    rule: str
    reads_out: bool
    reads_a: bool
    reads_b: bool
    reads_x: bool


def _edges(node: Value, syntax: _Syntax) -> tuple[_Edge, ...]:
    """One `_Edge` per parent of `node`, worked out once per kind of operation."""
    return _edges_of(node.op, node.local_grads, len(node.parents), syntax)


@functools.lru_cache(maxsize=1024)
def _edges_of(op: str, local_grads: Any, arity: int, syntax: _Syntax) -> tuple[_Edge, ...]:
    rules = getattr(local_grads, "rules", ()) or ("",)
    edges = []
    for position, template in enumerate(_backward_templates(op, local_grads, arity, syntax)):
        fields = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        rule = rules[position] if position < len(rules) else rules[0]  # one text for every parent of an n-ary node
        edges.append(_Edge(template, rule, "out" in fields, "a" in fields, "b" in fields, "x" in fields))
    return tuple(edges)


def _backward_templates(op: str, local_grads: Any, arity: int, syntax: _Syntax) -> tuple[str, ...]:
    """For each parent, its contribution ``local derivative × upstream`` as a template.

    Fields: ``{g}`` the node's gradient (the upstream), ``{out}`` the node's
    value, ``{a}``/``{b}`` its first/second operand, ``{x}`` the parent the
    contribution goes to. Each is the engine's ``local * upstream`` evaluated
    in the same order, so the same float comes out; products with a plain
    local derivative are written upstream first (δ·a, as in the textbook),
    which IEEE multiplication does not mind. A branch chooses the local
    derivative, never the contribution: ``g * (0.0 if a <= 0 else 1.0)``, so an
    upstream inf or nan gives 0·inf = nan here exactly as in the engine.
    """
    if op == "+":
        return ("{g}", "{g}")
    if op == "-":
        return ("{g}", "-{g}")
    if op == "*":
        return ("{g} * {b}", "{g} * {a}")
    if op == "/":
        return ("1.0 / {b} * {g}", "-{out} / {b} * {g}")
    if op == "neg":
        return ("-{g}",)
    if op == "abs":
        return (f"{{g}} * ({syntax.conditional('{a} > 0', '1.0', syntax.conditional('{a} < 0', '-1.0', '0.0'))})",)
    if op == "**":
        power = syntax.power(_Expr("{a}", _ATOM), _Expr("{b} - 1.0", _ADDITIVE)).text
        return (f"{{b}} * {power} * {{g}}", "{out} * _log({a}) * {g}")
    if op.startswith("**"):
        exponent = float(local_grads.exponent)
        if exponent == 0.0:  # a^0 is constant (and a^−1 may not exist)
            return ("0.0 * {g}",)
        if exponent == 1.0:  # a^1 is a
            return ("{g}",)
        if exponent == 2.0:  # 2·a^1: a ** 1.0 is a itself
            return ("2.0 * {a} * {g}",)
        factor = _literal(exponent).at(_MULTIPLICATIVE)
        power = syntax.power(_Expr("{a}", _ATOM), _literal(exponent - 1.0)).text
        return (f"{factor} * {power} * {{g}}",)
    if op == "leaky_relu":
        slope = _literal(float(local_grads.slope)).at(_MULTIPLICATIVE)
        return (syntax.conditional("{a} > 0", "{g}", f"{slope} * {{g}}"),)
    if op == "clamp":
        low, high = _literal(float(local_grads.low)), _literal(float(local_grads.high))
        inside = syntax.between(low.at(_ADDITIVE), "{a}", high.at(_ADDITIVE))
        return (f"{{g}} * ({syntax.conditional(inside, '1.0', '0.0')})",)
    if op == "sum":
        return ("{g}",) * arity
    if op == "logsumexp":
        return ("_exp({x} - {out}) * {g}",) * arity
    if op == "relu":  # the local derivative is chosen, then multiplied: 0·inf = nan, as in the engine
        return (f"{{g}} * ({syntax.conditional('{a} <= 0', '0.0', '1.0')})",)
    if op in _UNARY_TEMPLATES:
        return (_UNARY_TEMPLATES[op],)
    raise ValueError(_unknown_operation(op))


_UNARY_TEMPLATES = {
    "exp": "{out} * {g}",
    "log": "1.0 / {a} * {g}",
    "sqrt": "0.5 / {out} * {g}",
    "tanh": "(1.0 - {out} * {out}) * {g}",
    "sigmoid": "{out} * (1.0 - {out}) * {g}",
    "softplus": "_sigmoid({a}) * {g}",
    "sin": "_cos({a}) * {g}",
    "cos": "-_sin({a}) * {g}",
}

_KNOWN_OPERATIONS = (
    "+ - * / neg abs **c ** exp log sqrt tanh sigmoid relu leaky_relu clamp softplus sin cos sum logsumexp"
)


def _unknown_operation(op: str) -> str:
    return (
        f"autograd.compile cannot generate code for the operation {op!r}; "
        f"it knows {_KNOWN_OPERATIONS}. Build the function from those operations"
    )


# ------------------------------------------------------------- the generator


def generate(
    output: Value,
    inputs: Sequence[Value],
    params: Sequence[Value] = (),
    *,
    input_gradients: bool = True,
    extra_outputs: Sequence[Value] = (),
    docstring: str = "",
    language: str = "python",
    report: Sequence[Value] | None = None,
) -> GeneratedCode:
    """The source of ``forward_and_backward(inputs, params)`` for the graph that ends in `output`.

    Args:
        output: the node to differentiate (a loss).
        inputs, params: leaves whose numbers the function receives, in order,
            as two lists of floats. Any other leaf is a constant, written as
            a literal (`GeneratedCode.named_constants` lists the named ones:
            usually parameters left out of `params`).
        input_gradients: also compute ∂output/∂input (only ∂output/∂param otherwise).
        extra_outputs: further nodes whose values the function returns too.
        docstring: the generated function's docstring (a comment above the function in JavaScript).
        language: ``'python'`` (a module to exec) or ``'javascript'`` (also ``'js'``: a
            script that defines ``function forward_and_backward(inputs, params)``
            and the helpers it calls; see `autograd.compiler.javascript`).
        report: nodes whose value and gradient the function returns as well, each
            with a statement of its own, for pages that show every number
            (`autograd.views.live`). The function then returns three more
            sequences: their values, their gradients (0.0 where the output does
            not depend on them) and the local derivative of every edge of the
            graph, in the engine's order (reversed `topological_order`, each
            node's parents in order), from which ``contribution = local ×
            upstream`` is the engine's product. In JavaScript, an operation that
            throws (log, sqrt, exp, a power) then names its node: the error's
            ``node`` property is its position in `report`.

    The function returns ``(output, input_gradients or None, param_gradients,
    extra_values)`` (in JavaScript an array of these four, arrays for tuples
    and null for None); an input or parameter the output does not depend on
    has gradient 0.0. Both languages get the same statements, names and
    comments; only the text of each operation differs.
    """
    syntax = _syntax_of(language)
    generator = _Generator(
        output, list(inputs), list(params), input_gradients, list(extra_outputs), syntax, None if report is None else list(report)
    )
    return generator.source(docstring)


class _Generator:
    """One pass of analysis over the graph, then the forward and backward statements."""

    def __init__(
        self,
        output: Value,
        inputs: list[Value],
        params: list[Value],
        input_gradients: bool,
        extra_outputs: list[Value],
        syntax: _Syntax = _PYTHON,
        report: list[Value] | None = None,
    ) -> None:
        self.syntax = syntax
        self.report = report
        self.report_position = {node: position for position, node in enumerate(report or [])}
        self.output = output
        self.inputs = inputs
        self.params = params
        self.input_gradients = input_gradients
        self.extra_outputs = extra_outputs
        self.order = topological_order(output)
        self.forward_order = self.order + _nodes_outside(extra_outputs, set(self.order))
        self.names = _Names(["inputs", "params"])
        self.expression: dict[Value, _Expr] = {}
        self.variable: dict[Value, str] = {}
        self.gradient: dict[Value, str] = {}
        self.forward_lines: list[str] = []
        self.backward_lines: list[str] = []
        self._analyse()

    def _analyse(self) -> None:
        """Which nodes vary, which need a gradient, and which values the backward pass reads."""
        sources = set(self.inputs) | set(self.params)
        if len(sources) != len(self.inputs) + len(self.params):
            raise ValueError("inputs and params must be distinct Values, each listed once")
        wrt = set(self.params) | (set(self.inputs) if self.input_gradients else set())
        varies: set[Value] = set()
        needs_gradient: set[Value] = set()
        uses: dict[Value, int] = {}
        for node in self.forward_order:
            parents = node.parents
            if node not in sources:
                for parent in parents:
                    if parent in varies:
                        break
                else:
                    continue  # a constant: its parents are constants too and are never written
            varies.add(node)
            if node in wrt:
                needs_gradient.add(node)
            for parent in parents:
                uses[parent] = uses.get(parent, 0) + 1
                if parent in needs_gradient:
                    needs_gradient.add(node)
        read_again = {self.output, *self.extra_outputs}
        for node in self.forward_order:
            if node.op in _FORWARD_REUSES_OPERAND:
                read_again.add(node.parents[0])
            if node not in needs_gradient or not node.parents:
                continue
            for parent, edge in zip(node.parents, _edges(node, self.syntax)):
                if parent in needs_gradient:
                    if edge.reads_out:
                        read_again.add(node)
                    if edge.reads_a:
                        read_again.add(node.parents[0])
                    if edge.reads_b:
                        read_again.add(node.parents[1])
                    if edge.reads_x:
                        read_again.add(parent)
        self.varies, self.needs_gradient, self.uses, self.read_again = varies, needs_gradient, uses, read_again

    # ---------------------------------------------------------------- forward

    def _write_forward(self) -> None:
        for leaf in self.inputs:
            self._store(leaf, self.names.fresh(_identifier(leaf.name or "x")))
        for position, leaf in enumerate(self.params, start=1):
            self._store(leaf, self.names.fresh(_identifier(leaf.name or f"param{position}")))
        for node in self.forward_order:
            if node in self.expression:
                continue
            if node not in self.varies:
                self.expression[node] = _literal(node.data)
                continue
            value = _forward_expression(node, [self.expression[p] for p in node.parents], self.syntax)
            if self.syntax is _JAVASCRIPT and node in self.report_position and value.text.startswith(_CHECKED_CALLS):
                value = _Expr(f"{value.text[:-1]}, {self.report_position[node]})", value.precedence, value.depth)
            used_once = (
                node.name is None
                and self.uses.get(node, 0) == 1
                and node not in self.read_again
                and node not in self.report_position
            )
            if used_once and value.depth <= _MAX_INLINE_DEPTH:
                self.expression[node] = value  # written inside its one user
                continue
            name = self.names.fresh(_identifier(node.name)) if node.name is not None else self.names.temporary()
            self.forward_lines.append(self.syntax.statement(name, value.text))
            self._store(node, name)

    def _store(self, node: Value, variable: str) -> None:
        self.variable[node] = variable
        self.expression[node] = _Expr(variable, _ATOM)

    # --------------------------------------------------------------- backward

    def _gradient_name(self, node: Value) -> str:
        variable = self.variable.get(node) or self.names.temporary()  # a node written inline has no variable
        parsed = parse_network_name(node.name)
        if parsed is not None and parsed.kind == "z":
            return self.names.fresh("delta" + variable[1:])  # δ = ∂C/∂z
        return self.names.fresh("grad_" + variable)

    def _write_backward(self) -> None:
        """Each node's gradient as one sum of its contributions, written when the node is reached.

        Nodes are visited in the engine's order (reversed `topological_order`),
        so every user of a node has been visited, and has contributed, before
        the node itself: its gradient is then the sum of those contributions,
        added left to right in the order `propagate` adds them. For the
        weighted input of a hidden neuron this is the delta rule itself,
        ``grad_a1_1 = delta2_1 * w2_11 + delta2_2 * w2_21 + …``.
        """
        if self.output not in self.needs_gradient:
            return
        seed = self._gradient_name(self.output)
        self.gradient[self.output] = seed
        self._backward_line(self.syntax.statement(seed, "1.0"), "∂output/∂output = 1")
        pending: dict[Value, list[tuple[str, str]]] = {}  # node -> (contribution, rule) from each user so far
        for node in reversed(self.order):
            if node not in self.needs_gradient:
                continue
            if node not in self.gradient:
                self._write_gradient(node, pending.pop(node))
            if not node.parents:
                continue
            upstream = self.gradient[node]
            expression = self.expression
            for parent, edge in zip(node.parents, _edges(node, self.syntax)):
                if parent not in self.needs_gradient:
                    continue
                if edge.template == "{g}" and parent.parents and parent.name is None and self.uses[parent] == 1:
                    self.gradient[parent] = upstream  # ∂node/∂parent = 1 and no other path: the same gradient
                    continue
                contribution = edge.template.format(
                    g=upstream,
                    out=expression[node].at(_ATOM) if edge.reads_out else "",
                    a=expression[node.parents[0]].at(_ATOM) if edge.reads_a else "",
                    b=expression[node.parents[1]].at(_ATOM) if edge.reads_b else "",
                    x=expression[parent].at(_ATOM) if edge.reads_x else "",
                )
                pending.setdefault(parent, []).append((contribution, edge.rule))

    def _write_gradient(self, node: Value, contributions: list[tuple[str, str]]) -> None:
        """``grad = c1 + c2 + …``, in statements of at most _MAX_CHAINED_TERMS terms, added in order."""
        name = self._gradient_name(node)
        self.gradient[node] = name
        for start in range(0, len(contributions), _MAX_CHAINED_TERMS):
            chunk = contributions[start : start + _MAX_CHAINED_TERMS]
            terms = [f"({c})" if self.syntax.is_conditional(c) and len(contributions) > 1 else c for c, _ in chunk]
            if start:
                terms.insert(0, name)  # (g + c33) + c34 …, never g + (c33 + c34): the engine's order
            rules = list(dict.fromkeys(rule for _, rule in chunk if rule))
            rule = (
                "; ".join(rules) if len(contributions) == 1 else f"Σ over {len(contributions)} uses: {'; '.join(rules)}"
            )
            self._backward_line(self.syntax.statement(name, " + ".join(terms), declares=not start), rule)

    def _backward_line(self, statement: str, rule: str) -> None:
        self.backward_lines.append(self.syntax.commented(statement, rule))

    # ---------------------------------------------------------------- assembly

    def source(self, docstring: str) -> GeneratedCode:
        self._write_forward()
        self._write_backward()

        def names_of(leaves: list[Value]) -> list[str]:
            return [self.expression[leaf].text for leaf in leaves]

        def gradients_of(leaves: list[Value]) -> list[str]:
            return [self.gradient.get(leaf, "0.0") for leaf in leaves]

        syntax = self.syntax
        input_gradients = _tuple_text(gradients_of(self.inputs), syntax) if self.input_gradients else syntax.none
        extra_values = _tuple_text([self.expression[node].text for node in self.extra_outputs], syntax)
        results = [
            self.expression[self.output].text,
            input_gradients,
            _tuple_text(gradients_of(self.params), syntax),
            extra_values,
        ]
        body = _unpack(names_of(self.inputs), "inputs", syntax) + _unpack(names_of(self.params), "params", syntax)
        body += [f"{syntax.comment_start} forward: each value from its operands", *self.forward_lines]
        if self.backward_lines:
            body += [
                f"{syntax.comment_start} backward: each parent gets local derivative × upstream gradient",
                *self.backward_lines,
            ]
        if self.report is not None:
            results += self._report_results()
        if syntax is _JAVASCRIPT:
            body.append(f"return [{', '.join(results)}];")
            source = javascript.module(FUNCTION_NAME, body, docstring)
        else:
            if docstring:
                body.insert(0, _python_docstring(docstring))
            body.append(f"return {', '.join(results)}")
            function = "\n".join([f"def {FUNCTION_NAME}(inputs, params):", *("    " + line for line in body)])
            imports = _imports(function)
            source = "\n".join([*imports, "", "", function, ""]) if imports else function + "\n"
        return GeneratedCode(
            source=source,
            node_count=len(self.forward_order),
            named_constants=tuple(
                node.name
                for node in self.forward_order
                if node.name is not None
                and not is_data_name(node.name)
                and not node.parents
                and node not in self.variable
            ),
        )


    def _report_results(self) -> list[str]:
        """The reported nodes' values and gradients, and every edge's local derivative (its contribution at upstream 1)."""
        assert self.report is not None
        locals_ = []
        for node in reversed(self.order):
            if not node.parents:
                continue
            for parent, edge in zip(node.parents, _edges(node, self.syntax)):
                locals_.append(
                    edge.template.format(
                        g="1.0",
                        out=self.expression[node].at(_ATOM),
                        a=self.expression[node.parents[0]].at(_ATOM),
                        b=self.expression[node.parents[1]].at(_ATOM) if len(node.parents) > 1 else "",
                        x=self.expression[parent].at(_ATOM),
                    )
                )
        values = [self.expression[node].text for node in self.report]
        gradients = [self.gradient.get(node, "0.0") for node in self.report]
        return [_tuple_text(items, self.syntax) for items in (values, gradients, locals_)]


def _python_docstring(text: str) -> str:
    """``\"\"\"text\"\"\"`` when nothing in `text` can end or escape it, else a quoted literal (`inert.string_literal`)."""
    if '"' not in text and comment(text) == text:  # printable, no quote, no backslash
        return f'"""{text}"""'
    return string_literal(text, "python")


def _nodes_outside(extra: list[Value], seen: set[Value]) -> list[Value]:
    """The nodes that `extra` depends on and that are not in `seen`, parents first."""
    nodes = []
    for node in extra:
        if node not in seen:
            for ancestor in topological_order(node):
                if ancestor not in seen:
                    seen.add(ancestor)
                    nodes.append(ancestor)
    return nodes


def _tuple_text(items: list[str], syntax: _Syntax) -> str:
    if not items:
        return "()" if syntax is _PYTHON else "[]"
    return _tuple([_Expr(item, _ATOM) for item in items], syntax).text


def _unpack(names: list[str], source: str, syntax: _Syntax) -> list[str]:
    """``a, b, c = source`` (``let [a, b, c] = source;``), wrapped over lines of at most about 100 characters."""
    if not names:
        return []
    if syntax is _JAVASCRIPT:
        opening, closing = "let [", f"] = {source};"
    else:
        opening, closing = "(", f") = {source}"
    if len(names) == 1:
        return [f"let [{names[0]}] = {source};" if syntax is _JAVASCRIPT else f"({names[0]},) = {source}"]
    lines, line = [], ""
    for name in names:
        if line and len(line) + len(name) > 96:
            lines.append(line.rstrip())
            line = ""
        line += name + ", "
    lines.append(line.rstrip(", "))
    if len(lines) == 1:
        return [f"let [{lines[0]}] = {source};" if syntax is _JAVASCRIPT else f"{lines[0]} = {source}"]
    return [opening, *("    " + text for text in lines[:-1]), "    " + lines[-1], closing]


def _imports(function: str) -> list[str]:
    """``from module import name as _name`` for each helper the function text uses."""
    used = [helper for helper in sorted(_HELPERS) if helper in function]
    by_module: dict[str, list[str]] = {}
    for helper in used:
        module, attribute = _HELPERS[helper]
        by_module.setdefault(module, []).append(f"{attribute} as {helper}")
    return [f"from {module} import {', '.join(names)}" for module, names in sorted(by_module.items())]

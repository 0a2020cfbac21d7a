"""Random expression graphs for property tests: one recipe, built by several backends.

A `Recipe` is a list of `Step`s over one to three input variables. Each step
applies one operation to earlier nodes (by index) and to constants, so the same
recipe can be turned into

* nodes of our engine (`ENGINE_RULES`), the code under test,
* a SymPy expression (`SYMPY_RULES`), the exact oracle, and
* PyTorch tensors (`torch_rules`), the independent float64 implementation,

by `build`, which only looks rules up by operation name.

Keeping every operation inside its domain. While `recipes` draws a recipe it
also evaluates it with plain `math` floats (`FLOAT_RULES`, used for nothing
else) and accepts a step only if its operands are comfortably inside the
operation's domain: log and sqrt see values >= 0.05, a divisor is at least 0.1
away from 0, a Value exponent has a base >= 0.1, abs/relu/leaky_relu/clamp
never see a value within 1e-3 of a kink, and no node exceeds 100 in magnitude
(so exp, products and powers cannot overflow or lose all precision). The
margins are far larger than rounding error, so the float check and the exact
one agree. A step that does not fit is redrawn a few times; if it still does
not fit, its operand is first mapped into (0.5, 2.5) by ``tanh(n) + 1.5`` (or
into (0.75, 2.75), should that land on a clamp bound), where every operation
is defined.

Shape of a recipe. The first operand of every step is the previous node (the
"backbone"), so the output, the last node, depends on every step; the other
operands are any earlier node or a constant, on either side. That makes reused
nodes (``n + n``), diamonds (``f(x) * x``) and constants on both sides of binary
operations common. `recipes(required=...)` puts a given operation at a random
position, so a test parametrized over `OPERATIONS` covers each one.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
import sympy
from hypothesis import strategies as st

import autograd

#: Largest magnitude a node may take in a drawn recipe.
MAGNITUDE_LIMIT = 100.0
#: Smallest distance from a kink (abs, relu, leaky_relu at 0) or a pole (a divisor).
KINK_MARGIN = 1e-3
DIVISOR_MARGIN = 0.1
#: Smallest argument of log and sqrt, and smallest base of a non-integer power.
POSITIVE_MARGIN = 0.05

#: Constants are dyadic rationals, exact in binary, so SymPy sees the very number the engine sees.
CONSTANTS = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0)
NUMBER_EXPONENTS = (-2.0, -1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
LEAKY_SLOPES = (0.01, 0.1, 0.25)
CLAMP_BOUNDS = ((-1.0, 1.0), (0.0, 2.0), (-0.5, 0.25))
REPAIR_SHIFTS = (1.5, 1.75)


@dataclass(frozen=True)
class Constant:
    """A number operand (not a graph node): engines receive it as a Python float."""

    value: float


Operand = int | Constant  # an int is the index of an earlier node; inputs are nodes 0..k-1


@dataclass(frozen=True)
class Step:
    """One operation applied to earlier nodes and constants; `options` are keyword arguments."""

    op: str
    operands: tuple[Operand, ...]
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Recipe:
    """Input values and the steps that combine them; the last node is the output."""

    inputs: tuple[float, ...]
    steps: tuple[Step, ...]


Rules = Mapping[str, Callable[..., Any]]


def build(recipe: Recipe, rules: Rules, leaves: Sequence[Any], constant: Callable[[float], Any]) -> Any:
    """The output of `recipe` computed from `leaves` (one per input) with `rules`."""
    nodes = list(leaves)
    for step in recipe.steps:
        nodes.append(_apply(step, nodes, rules, constant))
    return nodes[-1]


def _apply(step: Step, nodes: Sequence[Any], rules: Rules, constant: Callable[[float], Any]) -> Any:
    arguments = [constant(o.value) if isinstance(o, Constant) else nodes[o] for o in step.operands]
    return rules[step.op](*arguments, **step.options)


# ---------------------------------------------------------------- the rules
# `+ - * / ** neg abs` are written once: Python's operators work on floats,
# Values, SymPy expressions and tensors alike, with a number on either side.

_ARITHMETIC: dict[str, Callable[..., Any]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,  # Value exponent: node ** node or number ** node
    "pow_number": operator.pow,  # number exponent: node ** number
    "neg": operator.neg,
    "abs": abs,
}

# Functions every backend's module offers under the operation's own name.
_SAME_NAMED = ("exp", "log", "sqrt", "tanh", "sin", "cos")


def _same_named(module: Any, names: Sequence[str] = _SAME_NAMED) -> dict[str, Callable[..., Any]]:
    return {name: getattr(module, name) for name in names}


def _float_log_sum_exp(*xs: float) -> float:
    return math.log(math.fsum(math.exp(x) for x in xs))


FLOAT_RULES: Rules = {
    **_ARITHMETIC,
    **_same_named(math),
    "sigmoid": lambda a: 1.0 / (1.0 + math.exp(-a)),
    "relu": lambda a: max(a, 0.0),
    "leaky_relu": lambda a, slope: a if a > 0 else slope * a,
    "clamp": lambda a, low, high: min(max(a, low), high),
    "softplus": lambda a: math.log1p(math.exp(a)),
    "sum": lambda *xs: math.fsum(xs),
    "logsumexp": _float_log_sum_exp,
    "softmax": lambda *xs, index: math.exp(xs[index] - _float_log_sum_exp(*xs)),
    "log_softmax": lambda *xs, index: xs[index] - _float_log_sum_exp(*xs),
}

ENGINE_RULES: Rules = {
    **_ARITHMETIC,
    **_same_named(autograd, (*_SAME_NAMED, "sigmoid", "relu", "leaky_relu", "softplus", "clamp")),
    "sum": lambda *xs: autograd.sum(xs),
    "logsumexp": lambda *xs: autograd.logsumexp(xs),
    "softmax": lambda *xs, index: autograd.softmax(xs)[index],
    "log_softmax": lambda *xs, index: autograd.log_softmax(xs)[index],
}


def _sympy_log_sum_exp(*xs: sympy.Expr) -> sympy.Expr:
    return sympy.log(sympy.Add(*[sympy.exp(x) for x in xs]))


class Ramp(sympy.Function):
    """max(a, 0), left unevaluated; its derivative is `UnitStep`.

    SymPy's own ``Max`` compares its arguments through the assumption system,
    which can recurse without end on expressions such as ``exp(x**(2x))``;
    this function asks SymPy nothing, and `NUMERIC_FUNCTIONS` evaluates it.
    (SymPy's ``Abs`` is avoided for a similar reason: unless SymPy can prove
    its argument real, its derivative comes out in terms of re() and im().)
    """

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return UnitStep(self.args[0])


class UnitStep(sympy.Function):
    """1 for a > 0, 0 for a < 0; its derivative is `UnitImpulse`."""

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return UnitImpulse(self.args[0])


class UnitImpulse(sympy.Function):
    """The derivative of the unit step: 0 everywhere except at a = 0, where recipes never evaluate it."""


def _only_off_the_kink(rule: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def numeric(a: Any) -> Any:
        if a == 0:
            raise ValueError("a recipe evaluated a kink exactly at its corner; graph_strategies should prevent that")
        return rule(a)

    return numeric


#: How `lambdify` evaluates the functions above.
NUMERIC_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "Ramp": _only_off_the_kink(lambda a: a if a > 0 else 0 * a),
    "UnitStep": _only_off_the_kink(lambda a: 1 + 0 * a if a > 0 else 0 * a),
    "UnitImpulse": _only_off_the_kink(lambda a: 0 * a),
    # SymPy writes sqrt(a**2) of a real a as Abs(a), whose second derivative holds DiracDelta(a): 0 off a = 0
    "DiracDelta": _only_off_the_kink(lambda a: 0 * a),
}


# Textbook definitions, not the stable forms: SymPy evaluates them exactly.
# |a| = ramp(a) + ramp(−a); relu(a) = ramp(a); leaky_relu(a) = ramp(a) − slope·ramp(−a);
# clamp(a) = low + ramp(a − low) − ramp(a − high).
SYMPY_RULES: Rules = {
    **_ARITHMETIC,
    "abs": lambda a: Ramp(a) + Ramp(-a),
    **_same_named(sympy),
    "sigmoid": lambda a: 1 / (1 + sympy.exp(-a)),
    "relu": Ramp,
    "leaky_relu": lambda a, slope: Ramp(a) - sympy.Rational(slope) * Ramp(-a),
    "clamp": lambda a, low, high: sympy.Rational(low) + Ramp(a - sympy.Rational(low)) - Ramp(a - sympy.Rational(high)),
    "softplus": lambda a: sympy.log(1 + sympy.exp(a)),
    "sum": lambda *xs: sympy.Add(*xs),
    "logsumexp": _sympy_log_sum_exp,
    "softmax": lambda *xs, index: sympy.exp(xs[index]) / sympy.Add(*[sympy.exp(x) for x in xs]),
    "log_softmax": lambda *xs, index: xs[index] - _sympy_log_sum_exp(*xs),
}


def torch_rules(torch: Any) -> Rules:
    """PyTorch's own functions for each operation (torch is imported by the caller, optionally)."""

    def stacked(xs: Sequence[Any]) -> Any:
        return torch.stack([torch.as_tensor(x, dtype=torch.float64) for x in xs])

    return {
        **_ARITHMETIC,
        **_same_named(torch, (*_SAME_NAMED, "sigmoid", "relu")),
        "leaky_relu": lambda a, slope: torch.nn.functional.leaky_relu(a, slope),
        "clamp": lambda a, low, high: torch.clamp(a, low, high),
        # F.softplus switches to the identity above x = 20; logaddexp(x, 0) is exact everywhere.
        "softplus": lambda a: torch.logaddexp(a, torch.zeros_like(a)),
        "sum": lambda *xs: stacked(xs).sum(),
        "logsumexp": lambda *xs: torch.logsumexp(stacked(xs), dim=0),
        "softmax": lambda *xs, index: torch.softmax(stacked(xs), dim=0)[index],
        "log_softmax": lambda *xs, index: torch.log_softmax(stacked(xs), dim=0)[index],
    }


# ------------------------------------------------------------- the domains


def _is_integer(x: float) -> bool:
    return float(x).is_integer()


def _number_power_defined(base: float, exponent: float) -> bool:
    if _is_integer(exponent):
        return exponent >= 0 or abs(base) >= DIVISOR_MARGIN
    return base >= POSITIVE_MARGIN


def _away_from_kink(a: float, *_: Any, **__: Any) -> bool:
    return abs(a) >= KINK_MARGIN


def _away_from_bounds(a: float, low: float, high: float) -> bool:
    return abs(a - low) >= KINK_MARGIN and abs(a - high) >= KINK_MARGIN


def _anywhere(*_: Any, **__: Any) -> bool:
    return True


@dataclass(frozen=True)
class Operation:
    """How `recipes` may use an operation.

    `slots` says, per operand, whether it must be a graph node (``"node"``),
    must be a number (``"number"``) or may be either (``"any"``); ``None``
    means n-ary: two to four operands of any kind. `defined` tells whether the
    float operands are well inside the domain.
    """

    name: str
    slots: tuple[str, ...] | None
    defined: Callable[..., bool] = _anywhere


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation("add", ("any", "any")),
        Operation("sub", ("any", "any")),
        Operation("mul", ("any", "any")),
        Operation("div", ("any", "any"), lambda a, b: abs(b) >= DIVISOR_MARGIN),
        Operation("pow", ("any", "node"), lambda a, b: a >= DIVISOR_MARGIN),
        Operation("pow_number", ("node", "number"), _number_power_defined),
        Operation("neg", ("node",)),
        Operation("abs", ("node",), _away_from_kink),
        Operation("exp", ("node",)),
        Operation("log", ("node",), lambda a: a >= POSITIVE_MARGIN),
        Operation("sqrt", ("node",), lambda a: a >= POSITIVE_MARGIN),
        Operation("tanh", ("node",)),
        Operation("sigmoid", ("node",)),
        Operation("relu", ("node",), _away_from_kink),
        Operation("leaky_relu", ("node",), _away_from_kink),
        Operation("clamp", ("node",), _away_from_bounds),
        Operation("softplus", ("node",)),
        Operation("sin", ("node",)),
        Operation("cos", ("node",)),
        Operation("sum", None),
        Operation("logsumexp", None),
        Operation("softmax", None),
        Operation("log_softmax", None),
    )
}


# ------------------------------------------------------------ the strategy


def _evaluate(step: Step, values: Sequence[float]) -> float | None:
    """The step's float value if it is well inside the operation's domain and bounded, else None."""
    arguments = [o.value if isinstance(o, Constant) else values[o] for o in step.operands]
    if not OPERATIONS[step.op].defined(*arguments, **step.options):
        return None
    try:
        result = FLOAT_RULES[step.op](*arguments, **step.options)
    except (ArithmeticError, ValueError):
        return None
    if not isinstance(result, float) or not abs(result) <= MAGNITUDE_LIMIT:
        return None
    return result


def _draw_options(draw: st.DrawFn, op: str, operand_count: int) -> dict[str, Any]:
    if op == "leaky_relu":
        return {"slope": draw(st.sampled_from(LEAKY_SLOPES))}
    if op == "clamp":
        low, high = draw(st.sampled_from(CLAMP_BOUNDS))
        return {"low": low, "high": high}
    if op in ("softmax", "log_softmax"):
        return {"index": draw(st.integers(0, operand_count - 1))}
    return {}


def _draw_step(draw: st.DrawFn, op: str, node_count: int) -> Step:
    """`op` applied to the newest node (at a random node-capable position) and drawn other operands."""
    operation = OPERATIONS[op]
    slots = operation.slots or ("any",) * draw(st.integers(2, 4))
    backbone_positions = [i for i, kind in enumerate(slots) if kind != "number"]
    backbone_position = draw(st.sampled_from(backbone_positions))
    newest = node_count - 1
    operands: list[Operand] = []
    for position, kind in enumerate(slots):
        if position == backbone_position:
            operands.append(newest)
        elif kind == "number":
            operands.append(Constant(draw(st.sampled_from(NUMBER_EXPONENTS))))
        elif kind == "any" and draw(st.booleans()):
            operands.append(Constant(draw(st.sampled_from(CONSTANTS))))
        else:
            operands.append(draw(st.integers(0, newest)))
    return Step(op, tuple(operands), _draw_options(draw, op, len(slots)))


def _repaired(step: Step, repaired_node: int) -> Step:
    """`step` with its node operands replaced by `repaired_node` and its free numbers by 2.0."""
    slots = OPERATIONS[step.op].slots or ("any",) * len(step.operands)
    operands: list[Operand] = []
    for kind, operand in zip(slots, step.operands):
        if kind == "number":
            operands.append(operand)
        elif kind == "node" or operand == repaired_node - 2:
            operands.append(repaired_node)
        else:
            operands.append(Constant(2.0))
    return Step(step.op, tuple(operands), step.options)


@st.composite
def recipes(draw: st.DrawFn, required: str | None = None, max_steps: int = 5, max_inputs: int = 3) -> Recipe:
    """A random recipe over 1..`max_inputs` inputs whose every step is inside its domain.

    With `required`, that operation is one of the steps (at a random position).
    """
    input_count = draw(st.integers(1, max_inputs))
    inputs = tuple(
        draw(st.lists(st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False), min_size=input_count, max_size=input_count))
    )
    step_count = draw(st.integers(1, max_steps))
    required_position = draw(st.integers(0, step_count - 1)) if required else None
    values = list(inputs)
    steps: list[Step] = []
    for position in range(step_count):
        op = required if position == required_position else draw(st.sampled_from(sorted(OPERATIONS)))
        assert op is not None
        for _attempt in range(3):
            step = _draw_step(draw, op, len(values))
            value = _evaluate(step, values)
            if value is not None:
                steps.append(step)
                values.append(value)
                break
        else:
            for repair_step, repair_value in _with_repair(step, values):
                steps.append(repair_step)
                values.append(repair_value)
    return Recipe(inputs, tuple(steps))


def _with_repair(step: Step, values: Sequence[float]) -> list[tuple[Step, float]]:
    """``tanh(newest) + shift``, then `step` applied to it: steps and values for the first shift that fits."""
    newest = len(values) - 1
    squash = Step("tanh", (newest,))
    squashed = _evaluate(squash, values)
    assert squashed is not None  # tanh is defined everywhere and bounded
    for shift_value in REPAIR_SHIFTS:
        shift = Step("add", (newest + 1, Constant(shift_value)))
        trial = [*values, squashed, squashed + shift_value]
        repaired = _repaired(step, newest + 2)
        value = _evaluate(repaired, trial)
        if value is not None:
            return [(squash, squashed), (shift, squashed + shift_value), (repaired, value)]
    raise AssertionError(f"graph_strategies: no repair brings {step} inside its domain")


# ------------------------------------------------- our engine, differentiated


def engine_leaves(recipe: Recipe) -> list[autograd.Value]:
    """One named leaf Value per input of `recipe`."""
    return [autograd.Value(x, name=f"x{i}") for i, x in enumerate(recipe.inputs)]


def engine_output(recipe: Recipe, leaves: Sequence[autograd.Value]) -> autograd.Value:
    """The recipe's output built by our engine (numbers stay Python floats)."""
    return build(recipe, ENGINE_RULES, leaves, float)


def engine_hessian(recipe: Recipe) -> list[list[float]]:
    """∂²out/∂xᵢ∂xⱼ from our engine: `grad(create_graph=True)`, then `grad` of each gradient."""
    leaves = engine_leaves(recipe)
    first = autograd.grad(engine_output(recipe, leaves), leaves, create_graph=True)
    return [[g.data for g in autograd.grad(gradient, leaves)] for gradient in first]


# ----------------------------------------------------- shared test scaffolding

#: Parametrizes a test over every operation; the test draws `recipes(required=op)`.
for_every_operation = pytest.mark.parametrize("op", sorted(OPERATIONS))


def assert_close(actual: float, expected: float, relative: float, floor: float, what: str) -> None:
    """`actual` (our engine) within `relative` of `expected` (an oracle), or within `floor` of it near 0."""
    assert math.isclose(actual, expected, rel_tol=relative, abs_tol=floor), f"{what}: engine {actual!r}, oracle {expected!r}"

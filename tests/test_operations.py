"""Every operation: its value and its derivative against hand-derived formulas, and a gradient check.

The expected numbers come from the `math` module and from derivatives worked
out by hand (written next to each case), never from the engine's own scalar
rules. Every case is checked at several points, on both sides of any kink.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pytest

import autograd
from autograd import Value, gradcheck

TOLERANCE = 1e-12


def _close(actual: float, expected: float) -> bool:
    return math.isclose(actual, expected, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


@dataclass(frozen=True)
class Unary:
    """y = op(x): the engine's form, and the value and derivative written out by hand."""

    name: str
    apply: Callable[[Value], Value]
    value: Callable[[float], float]
    derivative: Callable[[float], float]
    points: tuple[float, ...]


def _sech_squared(x: float) -> float:
    return 1.0 / math.cosh(x) ** 2


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


UNARY = [
    Unary("neg", lambda x: -x, lambda x: -x, lambda x: -1.0, (-1.5, 0.3, 2.0)),
    Unary("abs", abs, abs, lambda x: math.copysign(1.0, x), (-1.5, 0.3, 2.0)),
    Unary("exp", Value.exp, math.exp, math.exp, (-2.0, 0.0, 1.5)),
    Unary("log", Value.log, math.log, lambda x: 1.0 / x, (0.2, 1.0, 3.5)),
    Unary("sqrt", Value.sqrt, math.sqrt, lambda x: 0.5 / math.sqrt(x), (0.25, 1.0, 6.0)),
    # d tanh/dx = sech²x = 1/cosh²x
    Unary("tanh", Value.tanh, math.tanh, _sech_squared, (-2.0, 0.0, 0.7)),
    # d/dx 1/(1+e^-x) = e^-x/(1+e^-x)²
    Unary("sigmoid", Value.sigmoid, _logistic, lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2, (-3.0, 0.0, 2.5)),
    Unary("relu", Value.relu, lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0, (-1.0, 0.5, 2.0)),
    Unary(
        "leaky_relu(0.1)",
        lambda x: x.leaky_relu(0.1),
        lambda x: x if x > 0 else 0.1 * x,
        lambda x: 1.0 if x > 0 else 0.1,
        (-1.0, 0.5, 2.0),
    ),
    Unary(
        "leaky_relu default slope 0.01",
        Value.leaky_relu,
        lambda x: x if x > 0 else 0.01 * x,
        lambda x: 1.0 if x > 0 else 0.01,
        (-1.0, 2.0),
    ),
    # clamp to [−1, 2]: slope 1 inside the interval, 0 outside (the ends are tested below)
    Unary(
        "clamp(-1, 2)",
        lambda x: x.clamp(-1.0, 2.0),
        lambda x: min(max(x, -1.0), 2.0),
        lambda x: 1.0 if -1.0 <= x <= 2.0 else 0.0,
        (-3.0, 0.5, 2.5),
    ),
    # d/dx ln(1+e^x) = e^x/(1+e^x) = 1/(1+e^-x)
    Unary("softplus", Value.softplus, lambda x: math.log1p(math.exp(x)), _logistic, (-3.0, 0.0, 2.5)),
    Unary("sin", Value.sin, math.sin, math.cos, (-1.0, 0.0, 2.0)),
    Unary("cos", Value.cos, math.cos, lambda x: -math.sin(x), (-1.0, 0.0, 2.0)),
    Unary("x**3", lambda x: x**3, lambda x: x**3, lambda x: 3 * x**2, (-1.5, 0.5, 2.0)),
    Unary("x**-2", lambda x: x**-2, lambda x: x**-2, lambda x: -2 * x**-3, (-1.5, 0.5, 2.0)),
    Unary("x**0.5", lambda x: x**0.5, math.sqrt, lambda x: 0.5 / math.sqrt(x), (0.25, 2.0)),
    Unary("x**0", lambda x: x**0, lambda x: 1.0, lambda x: 0.0, (-1.5, 0.5, 2.0)),
    Unary("x**1", lambda x: x**1, lambda x: x, lambda x: 1.0, (-1.5, 0.0, 2.0)),
    # d/dx 2^x = 2^x·ln 2
    Unary("2**x", lambda x: 2**x, lambda x: 2.0**x, lambda x: 2.0**x * math.log(2.0), (-1.0, 0.0, 3.0)),
    Unary("x+5", lambda x: x + 5, lambda x: x + 5, lambda x: 1.0, (-1.0, 2.0)),
    Unary("5-x", lambda x: 5 - x, lambda x: 5 - x, lambda x: -1.0, (-1.0, 2.0)),
    Unary("3*x", lambda x: 3 * x, lambda x: 3 * x, lambda x: 3.0, (-1.0, 2.0)),
    Unary("x/4", lambda x: x / 4, lambda x: x / 4, lambda x: 0.25, (-1.0, 2.0)),
    # d/dx 2/x = -2/x²
    Unary("2/x", lambda x: 2 / x, lambda x: 2 / x, lambda x: -2 / x**2, (-1.0, 0.5, 2.0)),
]

UNARY_CASES = [pytest.param(case, x, id=f"{case.name} at {x}") for case in UNARY for x in case.points]


@dataclass(frozen=True)
class Binary:
    """y = op(a, b) of two Values, with both partial derivatives written out by hand."""

    name: str
    apply: Callable[[Value, Value], Value]
    value: Callable[[float, float], float]
    partials: Callable[[float, float], tuple[float, float]]
    points: tuple[tuple[float, float], ...]


BINARY = [
    Binary("a+b", lambda a, b: a + b, lambda a, b: a + b, lambda a, b: (1.0, 1.0), ((1.0, 2.0), (-3.0, 0.5))),
    Binary("a-b", lambda a, b: a - b, lambda a, b: a - b, lambda a, b: (1.0, -1.0), ((1.0, 2.0), (-3.0, 0.5))),
    Binary("a*b", lambda a, b: a * b, lambda a, b: a * b, lambda a, b: (b, a), ((1.5, 2.0), (-3.0, 0.5))),
    # ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = -a/b²
    Binary("a/b", lambda a, b: a / b, lambda a, b: a / b, lambda a, b: (1 / b, -a / b**2), ((1.5, 2.0), (-3.0, -0.5))),
    # ∂(a^b)/∂a = b·a^(b-1), ∂(a^b)/∂b = a^b·ln a
    Binary(
        "a**b",
        lambda a, b: a**b,
        lambda a, b: a**b,
        lambda a, b: (b * a ** (b - 1), a**b * math.log(a)),
        ((1.5, 2.0), (0.5, -1.5), (3.0, 0.25)),
    ),
]

BINARY_CASES = [pytest.param(case, a, b, id=f"{case.name} at {a},{b}") for case in BINARY for a, b in case.points]


# --------------------------------------------------------------- unary values


@pytest.mark.parametrize(("case", "x"), UNARY_CASES)
def test_unary_value_matches_formula(case: Unary, x: float) -> None:
    assert _close(case.apply(Value(x)).data, case.value(x))


@pytest.mark.parametrize(("case", "x"), UNARY_CASES)
def test_unary_derivative_matches_hand_derivation(case: Unary, x: float) -> None:
    leaf = Value(x)
    case.apply(leaf).backward()
    assert _close(leaf.grad, case.derivative(x))


@pytest.mark.parametrize(("case", "x"), UNARY_CASES)
def test_unary_passes_gradcheck(case: Unary, x: float) -> None:
    assert gradcheck(case.apply, [x])


# --------------------------------------------------------------- binary values


@pytest.mark.parametrize(("case", "a", "b"), BINARY_CASES)
def test_binary_value_matches_formula(case: Binary, a: float, b: float) -> None:
    assert _close(case.apply(Value(a), Value(b)).data, case.value(a, b))


@pytest.mark.parametrize(("case", "a", "b"), BINARY_CASES)
def test_binary_partial_derivatives_match_hand_derivation(case: Binary, a: float, b: float) -> None:
    left, right = Value(a), Value(b)
    case.apply(left, right).backward()
    expected_left, expected_right = case.partials(a, b)
    assert _close(left.grad, expected_left)
    assert _close(right.grad, expected_right)


@pytest.mark.parametrize(("case", "a", "b"), BINARY_CASES)
def test_binary_passes_gradcheck(case: Binary, a: float, b: float) -> None:
    assert gradcheck(case.apply, [a, b])


# ---------------------------------------------------------------- kinks and corners


@pytest.mark.parametrize("apply", [Value.relu, abs], ids=["relu", "abs"])
def test_kink_derivative_at_zero_is_zero(apply: Callable[[Value], Value]) -> None:
    x = Value(0.0)
    apply(x).backward()
    assert x.grad == 0.0


def test_leaky_relu_derivative_at_zero_is_the_slope() -> None:
    x = Value(0.0)
    x.leaky_relu(0.2).backward()
    assert x.grad == 0.2


def test_power_zero_has_zero_derivative_at_zero() -> None:
    """d/dx x⁰ = 0 everywhere, including x = 0 (0⁰ = 1 is a constant)."""
    x = Value(0.0)
    (x**0).backward()
    assert x.grad == 0.0


def test_square_has_zero_derivative_at_zero() -> None:
    x = Value(0.0)
    (x**2).backward()
    assert x.grad == 0.0


@pytest.mark.parametrize("end", [-1.0, 2.0])
def test_clamp_derivative_at_either_end_is_one(end: float) -> None:
    """The interval is closed: an input sitting exactly on a bound still passes its gradient."""
    x = Value(end)
    out = x.clamp(-1.0, 2.0)
    out.backward()
    assert (out.data, x.grad) == (end, 1.0)


def test_clamp_to_a_single_point_is_constant() -> None:
    x = Value(0.3)
    out = x.clamp(1.0, 1.0)
    assert out.data == 1.0


def test_negative_base_with_integer_exponent_is_differentiable() -> None:
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)


def test_value_exponent_and_base_both_get_gradients() -> None:
    a, b = Value(2.0), Value(3.0)
    (a**b).backward()
    assert _close(a.grad, 12.0)  # b·a^(b−1) = 3·4
    assert _close(b.grad, 8.0 * math.log(2.0))  # a^b·ln a


# ---------------------------------------------------------------- n-ary functions


POINTS = [[0.5, -1.0, 2.0], [3.0], [-0.25, 0.75]]


def _softmax_by_hand(xs: list[float]) -> list[float]:
    total = math.fsum(math.exp(x) for x in xs)
    return [math.exp(x) / total for x in xs]


@pytest.mark.parametrize("xs", POINTS)
def test_sum_value_and_unit_gradients(xs: list[float]) -> None:
    leaves = [Value(x) for x in xs]
    out = autograd.sum(leaves)
    out.backward()
    assert _close(out.data, math.fsum(xs))
    assert [leaf.grad for leaf in leaves] == [1.0] * len(xs)


def test_sum_is_one_node_with_every_operand_as_parent() -> None:
    leaves = [Value(float(i)) for i in range(5)]
    out = autograd.sum(leaves)
    assert (out.op, out.parents) == ("sum", tuple(leaves))


def test_sum_accepts_numbers_among_values() -> None:
    x = Value(2.0)
    out = autograd.sum([x, 3, 0.5])
    out.backward()
    assert (out.data, x.grad) == (5.5, 1.0)


@pytest.mark.parametrize("xs", POINTS)
def test_logsumexp_value_matches_formula(xs: list[float]) -> None:
    out = autograd.logsumexp([Value(x) for x in xs])
    assert _close(out.data, math.log(math.fsum(math.exp(x) for x in xs)))


@pytest.mark.parametrize("xs", POINTS)
def test_logsumexp_gradient_is_softmax(xs: list[float]) -> None:
    """∂/∂xᵢ log Σⱼ e^xⱼ = e^xᵢ / Σⱼ e^xⱼ."""
    leaves = [Value(x) for x in xs]
    autograd.logsumexp(leaves).backward()
    assert all(_close(leaf.grad, s) for leaf, s in zip(leaves, _softmax_by_hand(xs)))


@pytest.mark.parametrize("xs", POINTS)
def test_softmax_values_match_formula(xs: list[float]) -> None:
    probabilities = autograd.softmax([Value(x) for x in xs])
    assert all(_close(p.data, s) for p, s in zip(probabilities, _softmax_by_hand(xs)))


@pytest.mark.parametrize("xs", POINTS)
@pytest.mark.parametrize("i", [0, -1])
def test_softmax_jacobian_row_matches_formula(xs: list[float], i: int) -> None:
    """∂sᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ)."""
    leaves = [Value(x) for x in xs]
    autograd.softmax(leaves)[i].backward()
    s = _softmax_by_hand(xs)
    i %= len(xs)
    expected = [s[i] * ((1.0 if j == i else 0.0) - s[j]) for j in range(len(xs))]
    assert all(_close(leaf.grad, e) for leaf, e in zip(leaves, expected))


@pytest.mark.parametrize("xs", POINTS)
def test_log_softmax_values_match_formula(xs: list[float]) -> None:
    log_probabilities = autograd.log_softmax([Value(x) for x in xs])
    assert all(_close(p.data, math.log(s)) for p, s in zip(log_probabilities, _softmax_by_hand(xs)))


@pytest.mark.parametrize("xs", POINTS)
def test_log_softmax_jacobian_row_matches_formula(xs: list[float]) -> None:
    """∂(log sᵢ)/∂xⱼ = δᵢⱼ − sⱼ."""
    leaves = [Value(x) for x in xs]
    autograd.log_softmax(leaves)[0].backward()
    s = _softmax_by_hand(xs)
    expected = [(1.0 if j == 0 else 0.0) - s[j] for j in range(len(xs))]
    assert all(_close(leaf.grad, e) for leaf, e in zip(leaves, expected))


@pytest.mark.parametrize(
    "function",
    [
        lambda a, b, c: autograd.sum([a, b, c]),
        lambda a, b, c: autograd.logsumexp([a, b, c]),
        lambda a, b, c: autograd.softmax([a, b, c])[1],
        lambda a, b, c: autograd.log_softmax([a, b, c])[2],
    ],
    ids=["sum", "logsumexp", "softmax", "log_softmax"],
)
def test_list_function_passes_gradcheck(function) -> None:
    assert gradcheck(function, [0.3, -1.2, 0.8])


# ------------------------------------------------------- module-level functions


ELEMENTWISE = [
    ("exp", math.exp, 0.7),
    ("log", math.log, 0.7),
    ("sqrt", math.sqrt, 0.7),
    ("tanh", math.tanh, 0.7),
    ("sigmoid", _logistic, 0.7),
    ("relu", lambda x: max(x, 0.0), -0.7),
    ("leaky_relu", lambda x: 0.01 * x, -0.7),
    ("clamp", lambda x: max(x, -0.5), -0.7),
    ("softplus", lambda x: math.log1p(math.exp(x)), 0.7),
    ("sin", math.sin, 0.7),
    ("cos", math.cos, 0.7),
]


EXTRA_ARGUMENTS = {"clamp": (-0.5, 0.5)}


@pytest.mark.parametrize(("name", "formula", "x"), ELEMENTWISE)
def test_module_function_of_a_number_returns_a_float(name: str, formula, x: float) -> None:
    result = getattr(autograd, name)(x, *EXTRA_ARGUMENTS.get(name, ()))
    assert type(result) is float
    assert _close(result, formula(x))


@pytest.mark.parametrize(("name", "formula", "x"), ELEMENTWISE)
def test_module_function_of_a_value_records_the_operation(name: str, formula, x: float) -> None:
    leaf = Value(x)
    result = getattr(autograd, name)(leaf, *EXTRA_ARGUMENTS.get(name, ()))
    assert isinstance(result, Value)
    assert (result.op, result.parents) == (name, (leaf,))
    assert _close(result.data, formula(x))


def test_module_leaky_relu_passes_the_slope() -> None:
    assert autograd.leaky_relu(Value(-2.0), 0.3).data == pytest.approx(-0.6, rel=1e-15)
    assert autograd.leaky_relu(-2.0, 0.3) == pytest.approx(-0.6, rel=1e-15)


# --------------------------------------------------- stable forms at ±1000


EXTREMES = [1000.0, -1000.0]


@pytest.mark.parametrize("x", EXTREMES)
def test_tanh_is_finite_and_saturated_at_extremes(x: float) -> None:
    leaf = Value(x)
    out = leaf.tanh()
    out.backward()
    assert (out.data, leaf.grad) == (math.copysign(1.0, x), 0.0)


@pytest.mark.parametrize(("x", "expected"), [(1000.0, 1.0), (-1000.0, 0.0)])
def test_sigmoid_is_finite_and_saturated_at_extremes(x: float, expected: float) -> None:
    leaf = Value(x)
    out = leaf.sigmoid()
    out.backward()
    assert (out.data, leaf.grad) == (expected, 0.0)


@pytest.mark.parametrize(("x", "value", "slope"), [(1000.0, 1000.0, 1.0), (-1000.0, 0.0, 0.0)])
def test_softplus_is_finite_at_extremes(x: float, value: float, slope: float) -> None:
    """softplus(x) = x + ln(1 + e^−x) → x for large x; → e^x → 0 for very negative x."""
    leaf = Value(x)
    out = leaf.softplus()
    out.backward()
    assert (out.data, leaf.grad) == (value, slope)


@pytest.mark.parametrize("x", EXTREMES)
def test_logsumexp_of_two_equal_extremes_is_x_plus_ln2(x: float) -> None:
    a, b = Value(x), Value(x)
    out = autograd.logsumexp([a, b])
    out.backward()
    assert _close(out.data, x + math.log(2.0))
    assert _close(a.grad, 0.5)
    assert _close(b.grad, 0.5)


def test_logsumexp_of_opposite_extremes_is_the_maximum() -> None:
    a, b = Value(1000.0), Value(-1000.0)
    out = autograd.logsumexp([a, b])
    out.backward()
    assert (out.data, a.grad, b.grad) == (1000.0, 1.0, 0.0)


def test_softmax_of_opposite_extremes_is_one_hot() -> None:
    probabilities = autograd.softmax([Value(1000.0), Value(-1000.0)])
    assert [p.data for p in probabilities] == [1.0, 0.0]


@pytest.mark.parametrize("x", EXTREMES)
def test_softmax_gradient_is_finite_for_equal_extremes(x: float) -> None:
    """s = (½, ½); ∂s₀/∂x₀ = s₀(1 − s₀) = ¼, ∂s₀/∂x₁ = −s₀s₁ = −¼."""
    a, b = Value(x), Value(x)
    probabilities = autograd.softmax([a, b])
    probabilities[0].backward()
    assert _close(probabilities[0].data, 0.5)
    assert _close(a.grad, 0.25)
    assert _close(b.grad, -0.25)


def test_log_softmax_of_opposite_extremes_is_finite() -> None:
    a, b = Value(1000.0), Value(-1000.0)
    log_probabilities = autograd.log_softmax([a, b])
    log_probabilities[1].backward()
    assert [p.data for p in log_probabilities] == [0.0, -2000.0]
    assert (a.grad, b.grad) == (-1.0, 1.0)

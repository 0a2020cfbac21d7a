"""`autograd.grad`: gradients as Values, second derivatives with ``create_graph=True``, Hessians, Newton's method.

Every second derivative is compared with a formula derived by hand (written
next to it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pytest

import autograd
from autograd import Value, grad

TOLERANCE = 1e-12


def _close(actual: float, expected: float) -> bool:
    return math.isclose(actual, expected, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def _second_derivative(f: Callable[[Value], Value], x: float) -> float:
    leaf = Value(x)
    (first,) = grad(f(leaf), [leaf], create_graph=True)
    (second,) = grad(first, [leaf])
    return second.data


def _hessian(f: Callable[..., Value], point: list[float]) -> list[list[float]]:
    leaves = [Value(x) for x in point]
    first = grad(f(*leaves), leaves, create_graph=True)
    return [[g.data for g in grad(partial, leaves)] for partial in first]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass(frozen=True)
class SecondDerivative:
    name: str
    apply: Callable[[Value], Value]
    formula: Callable[[float], float]
    points: tuple[float, ...]


SECOND_DERIVATIVES = [
    SecondDerivative("neg", lambda x: -x, lambda x: 0.0, (-1.0, 2.0)),
    SecondDerivative("abs", abs, lambda x: 0.0, (-1.0, 2.0)),
    SecondDerivative("exp", Value.exp, math.exp, (-1.0, 0.5)),
    SecondDerivative("log", Value.log, lambda x: -1.0 / x**2, (0.3, 2.0)),
    SecondDerivative("sqrt", Value.sqrt, lambda x: -0.25 * x**-1.5, (0.3, 2.0)),
    # tanh'' = −2·tanh·sech²
    SecondDerivative("tanh", Value.tanh, lambda x: -2 * math.tanh(x) / math.cosh(x) ** 2, (-1.0, 0.0, 0.6)),
    # σ'' = σ(1 − σ)(1 − 2σ)
    SecondDerivative(
        "sigmoid", Value.sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x)), (-1.0, 0.0, 2.0)
    ),
    SecondDerivative("relu", Value.relu, lambda x: 0.0, (-1.0, 2.0)),
    SecondDerivative("leaky_relu", lambda x: x.leaky_relu(0.1), lambda x: 0.0, (-1.0, 2.0)),
    SecondDerivative("clamp", lambda x: x.clamp(-0.5, 0.5), lambda x: 0.0, (-1.0, 0.2, 2.0)),
    # softplus'' = σ' = σ(1 − σ)
    SecondDerivative("softplus", Value.softplus, lambda x: _sigmoid(x) * (1 - _sigmoid(x)), (-1.0, 0.0, 2.0)),
    SecondDerivative("sin", Value.sin, lambda x: -math.sin(x), (-1.0, 0.5)),
    SecondDerivative("cos", Value.cos, lambda x: -math.cos(x), (-1.0, 0.5)),
    SecondDerivative("x**3", lambda x: x**3, lambda x: 6 * x, (-1.5, 0.0, 2.0)),
    SecondDerivative("x**-2", lambda x: x**-2, lambda x: 6 * x**-4, (-1.5, 0.5)),
    SecondDerivative("x**0.5", lambda x: x**0.5, lambda x: -0.25 * x**-1.5, (0.5, 2.0)),
    SecondDerivative("x**1", lambda x: x**1, lambda x: 0.0, (-1.5, 0.0, 2.0)),
    SecondDerivative("x**2", lambda x: x**2, lambda x: 2.0, (-1.5, 0.0, 2.0)),
    # d²/dx² 2^x = 2^x·ln²2
    SecondDerivative("2**x", lambda x: 2**x, lambda x: 2.0**x * math.log(2.0) ** 2, (-1.0, 1.5)),
    # d²/dx² 2/x = 4/x³
    SecondDerivative("2/x", lambda x: 2 / x, lambda x: 4 / x**3, (-1.0, 0.5)),
    SecondDerivative("x*x", lambda x: x * x, lambda x: 2.0, (-1.0, 0.5)),
    SecondDerivative("x+x", lambda x: x + x, lambda x: 0.0, (-1.0, 0.5)),
]


@pytest.mark.parametrize(
    ("case", "x"), [pytest.param(c, x, id=f"{c.name} at {x}") for c in SECOND_DERIVATIVES for x in c.points]
)
def test_second_derivative_matches_hand_formula(case: SecondDerivative, x: float) -> None:
    assert _close(_second_derivative(case.apply, x), case.formula(x))


@dataclass(frozen=True)
class TwoVariable:
    name: str
    apply: Callable[[Value, Value], Value]
    hessian: Callable[[float, float], list[list[float]]]
    point: tuple[float, float]


TWO_VARIABLE = [
    TwoVariable("a+b", lambda a, b: a + b, lambda a, b: [[0.0, 0.0], [0.0, 0.0]], (1.0, 2.0)),
    TwoVariable("a-b", lambda a, b: a - b, lambda a, b: [[0.0, 0.0], [0.0, 0.0]], (1.0, 2.0)),
    TwoVariable("a*b", lambda a, b: a * b, lambda a, b: [[0.0, 1.0], [1.0, 0.0]], (1.5, -2.0)),
    # a/b: ∂²/∂a² = 0, ∂²/∂a∂b = −1/b², ∂²/∂b² = 2a/b³
    TwoVariable("a/b", lambda a, b: a / b, lambda a, b: [[0.0, -1 / b**2], [-1 / b**2, 2 * a / b**3]], (1.5, -2.0)),
    # a^b: ∂²/∂a² = b(b−1)a^(b−2), ∂²/∂a∂b = a^(b−1)(1 + b·ln a), ∂²/∂b² = a^b·ln²a
    TwoVariable(
        "a**b",
        lambda a, b: a**b,
        lambda a, b: [
            [b * (b - 1) * a ** (b - 2), a ** (b - 1) * (1 + b * math.log(a))],
            [a ** (b - 1) * (1 + b * math.log(a)), a**b * math.log(a) ** 2],
        ],
        (1.5, 2.5),
    ),
    # f = x²y + sin(x)·y³: f_xx = 2y − sin(x)·y³, f_xy = 2x + 3cos(x)·y², f_yy = 6sin(x)·y
    TwoVariable(
        "x²y + sin(x)y³",
        lambda x, y: x * x * y + x.sin() * y**3,
        lambda x, y: [
            [2 * y - math.sin(x) * y**3, 2 * x + 3 * math.cos(x) * y**2],
            [2 * x + 3 * math.cos(x) * y**2, 6 * math.sin(x) * y],
        ],
        (0.7, -1.2),
    ),
]


@pytest.mark.parametrize("case", TWO_VARIABLE, ids=[c.name for c in TWO_VARIABLE])
def test_hessian_matches_hand_formula(case: TwoVariable) -> None:
    actual = _hessian(case.apply, list(case.point))
    expected = case.hessian(*case.point)
    assert all(_close(actual[i][j], expected[i][j]) for i in range(2) for j in range(2)), (actual, expected)


def test_hessian_is_symmetric() -> None:
    h = _hessian(lambda x, y: (x * y).tanh() * x.exp() + y.log(), [0.4, 1.7])
    assert _close(h[0][1], h[1][0])


def test_logsumexp_hessian_is_diag_s_minus_s_s_transposed() -> None:
    """∂²lse/∂xᵢ∂xⱼ = sᵢδᵢⱼ − sᵢsⱼ with s = softmax(x)."""
    point = [0.3, -1.0, 1.2]
    total = math.fsum(math.exp(x) for x in point)
    s = [math.exp(x) / total for x in point]
    h = _hessian(lambda a, b, c: autograd.logsumexp([a, b, c]), point)
    expected = [[s[i] * ((1.0 if i == j else 0.0) - s[j]) for j in range(3)] for i in range(3)]
    assert all(_close(h[i][j], expected[i][j]) for i in range(3) for j in range(3))


def test_sum_hessian_is_zero() -> None:
    h = _hessian(lambda a, b: autograd.sum([a, b, a]), [0.3, -1.0])
    assert h == [[0.0, 0.0], [0.0, 0.0]]


def test_softmax_second_derivative_matches_formula() -> None:
    """s₀ = σ(x₀ − x₁) for two logits, so ∂²s₀/∂x₀² = σ(1 − σ)(1 − 2σ) at x₀ − x₁."""
    h = _hessian(lambda a, b: autograd.softmax([a, b])[0], [0.9, -0.4])
    s = _sigmoid(1.3)
    assert _close(h[0][0], s * (1 - s) * (1 - 2 * s))


def test_third_derivative_of_a_cube_is_six() -> None:
    x = Value(0.0)
    (first,) = grad(x**3, [x], create_graph=True)
    (second,) = grad(first, [x], create_graph=True)
    (third,) = grad(second, [x])
    assert third.data == 6.0


def test_backward_on_a_created_gradient_gives_the_second_derivative() -> None:
    """d/dx (d/dx x³) = 6x, read through .grad instead of grad()."""
    x = Value(2.0)
    (first,) = grad(x**3, [x], create_graph=True)
    first.backward()
    assert x.grad == 12.0


@pytest.mark.parametrize("op", ["tanh", "sigmoid", "softplus"])
@pytest.mark.parametrize("x", [1000.0, -1000.0])
def test_second_derivative_is_finite_at_extremes(op: str, x: float) -> None:
    assert _second_derivative(getattr(Value, op), x) == 0.0


def test_logsumexp_second_derivatives_are_finite_at_extremes() -> None:
    h = _hessian(lambda a, b: autograd.logsumexp([a, b]), [1000.0, -1000.0])
    assert all(math.isfinite(v) and abs(v) < 1e-300 for row in h for v in row)


# ----------------------------------------------------------------- Newton's method


def test_newton_method_finds_the_minimum_of_exp_x_minus_2x() -> None:
    """f = eˣ − 2x has f' = eˣ − 2 = 0 at x = ln 2; Newton's x ← x − f'/f'' converges quadratically."""
    x = 0.0
    for _ in range(8):
        leaf = Value(x)
        (slope,) = grad(leaf.exp() - 2 * leaf, [leaf], create_graph=True)
        (curvature,) = grad(slope, [leaf])
        x -= slope.data / curvature.data
    assert math.isclose(x, math.log(2.0), rel_tol=1e-15)


def test_newton_method_in_two_variables_solves_a_quadratic_in_one_step() -> None:
    """f = (x − 1)² + 2(y + 3)² + xy: one Newton step from anywhere lands on the minimum.

    ∇f = 0 ⇔ 2x + y = 2 and x + 4y = −12 ⇔ x = 20/7, y = −26/7.
    """
    point = [5.0, 5.0]
    leaves = [Value(v) for v in point]
    x, y = leaves
    gradient = grad((x - 1) ** 2 + 2 * (y + 3) ** 2 + x * y, leaves, create_graph=True)
    (hxx, hxy), (hyx, hyy) = ([h.data for h in grad(g, leaves)] for g in gradient)
    gx, gy = (g.data for g in gradient)
    determinant = hxx * hyy - hxy * hyx
    step = ((hyy * gx - hxy * gy) / determinant, (hxx * gy - hyx * gx) / determinant)
    assert math.isclose(point[0] - step[0], 20 / 7, rel_tol=1e-14)
    assert math.isclose(point[1] - step[1], -26 / 7, rel_tol=1e-14)


# ------------------------------------------------------------------ grad's contract


@pytest.mark.parametrize("create_graph", [False, True])
def test_grad_leaves_grad_attributes_untouched(create_graph: bool) -> None:
    x, w = Value(0.5), Value(-2.0)
    h = x * w
    y = h.tanh()
    grad(y, [x, w], create_graph=create_graph)
    assert [node.grad for node in (x, w, h, y)] == [0.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize("create_graph", [False, True])
def test_grad_of_an_input_not_reached_is_zero(create_graph: bool) -> None:
    x, unused = Value(2.0), Value(3.0)
    gradients = grad(x * x, [x, unused], create_graph=create_graph)
    assert [g.data for g in gradients] == [4.0, 0.0]


@pytest.mark.parametrize("create_graph", [False, True])
def test_grad_returns_one_value_per_input(create_graph: bool) -> None:
    x, y = Value(2.0), Value(3.0)
    gradients = grad(x * y, [x, y, x], create_graph=create_graph)
    assert all(isinstance(g, Value) for g in gradients)
    assert [g.data for g in gradients] == [3.0, 2.0, 3.0]


def test_grad_without_create_graph_returns_leaves() -> None:
    x = Value(2.0)
    (g,) = grad(x * x, [x])
    assert (g.op, g.parents) == ("", ())


def test_grad_with_create_graph_returns_a_differentiable_node() -> None:
    x = Value(2.0)
    (g,) = grad(x * x, [x], create_graph=True)
    assert g.parents  # it was computed from x, so it records how


def test_grad_with_respect_to_an_intermediate_node() -> None:
    x = Value(2.0)
    h = x * 3
    y = h * h
    assert [g.data for g in grad(y, [h, x])] == [12.0, 36.0]


def test_grad_of_the_output_with_respect_to_itself_is_one() -> None:
    x = Value(2.0)
    y = x.exp()
    assert grad(y, [y])[0].data == 1.0


def test_grad_agrees_with_backward() -> None:
    x, w = Value(0.5), Value(-2.0)
    y = (x * w).sigmoid() + w.sin()
    expected = [g.data for g in grad(y, [x, w])]
    y.backward()
    assert [x.grad, w.grad] == expected


def test_create_graph_inside_no_grad_still_builds_the_gradients_graph() -> None:
    """As in PyTorch: create_graph=True asks for differentiable gradients, so no_grad() does not turn them into constants."""
    x = Value(2.0)
    y = x * x * x
    with autograd.no_grad():
        (first,) = autograd.grad(y, [x], create_graph=True)
        (second,) = autograd.grad(first, [x])
        assert not autograd.is_grad_enabled()  # the enclosing no_grad() is back in force
    assert first.data == 3 * 2.0**2
    assert second.data == 6 * 2.0  # d²(x³)/dx² = 6x, not 0

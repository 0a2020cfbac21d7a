"""nan and inf never vanish: relu, abs, clamp and leaky_relu follow PyTorch, and compiled code agrees with eager.

Oracles: PyTorch (float64) for forward values and local derivatives at nan,
±inf and ±0; plain IEEE arithmetic written here (0·nan = nan, 0·inf = nan) for
the chain rule; the eager engine for `autograd.compile`, compared bit for bit
(nan equal to nan).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

import autograd
from autograd import Value
from nn import MLP

NAN, INF = math.nan, math.inf
POINTS = [NAN, INF, -INF, 0.0, -0.0, 1.5, -1.5]

OPERATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "abs": abs,
    "clamp": lambda x: x.clamp(-1.0, 1.0),
    "leaky_relu": lambda x: x.leaky_relu(0.01),
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "softplus": Value.softplus,
    "square": lambda x: x**2,
    "neg": lambda x: -x,
}


def same(a: float, b: float, rel: float = 0.0) -> bool:
    """Equal as IEEE numbers (within `rel` when finite), with nan equal to nan and the sign of zero ignored."""
    return (math.isnan(a) and math.isnan(b)) or a == b or math.isclose(a, b, rel_tol=rel) if rel else (
        (math.isnan(a) and math.isnan(b)) or a == b
    )


def test_relu_of_nan_is_nan_and_passes_the_gradient_on() -> None:
    x = Value(NAN)
    y = x.relu()
    y.backward()
    assert math.isnan(y.data)
    assert x.grad == 1.0  # PyTorch: relu'(nan) = 1 (its backward masks only where x <= 0)


def test_a_nan_input_makes_a_relu_networks_output_and_gradients_nan() -> None:
    model = MLP(2, [3, 1], activation="relu", seed=0)
    out = model([NAN, 1.0])
    out.backward()
    assert math.isnan(out.data)
    from_the_nan_input = [neuron.w[0] for neuron in model.layers[0].neurons]  # w[1]_k1 = ∂C/∂w = δ·x_1 = δ·nan
    assert all(math.isnan(w.grad) for w in from_the_nan_input)


@pytest.mark.parametrize("name", ["relu", "abs", "clamp", "leaky_relu"])
@pytest.mark.parametrize("upstream", [NAN, INF, -INF])
def test_a_zero_local_derivative_times_a_nonfinite_upstream_is_nan(name: str, upstream: float) -> None:
    """The engine's one chain rule multiplies: 0·nan = nan and 0·inf = nan, so a non-finite gradient is never zeroed."""
    x = Value(5.0 if name in ("clamp",) else -2.0 if name != "abs" else 0.0)
    y = OPERATIONS[name](x)
    local = {"relu": 0.0, "abs": 0.0, "clamp": 0.0, "leaky_relu": 0.01}[name]
    y.backward(upstream)
    assert same(x.grad, local * upstream)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["relu", "abs", "clamp", "leaky_relu", "tanh", "sigmoid", "softplus", "square"])
@pytest.mark.parametrize("point", POINTS, ids=str)
def test_values_and_local_derivatives_at_nan_and_inf_match_pytorch(name: str, point: float) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle (CI installs it)")
    functional = torch.nn.functional
    theirs = {
        "relu": torch.relu,
        "abs": torch.abs,
        "clamp": lambda t: torch.clamp(t, -1.0, 1.0),
        "leaky_relu": lambda t: functional.leaky_relu(t, 0.01),
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "softplus": functional.softplus,
        "square": lambda t: t**2,
    }[name]
    t = torch.tensor(point, dtype=torch.float64, requires_grad=True)
    expected = theirs(t)
    expected.backward()
    x = Value(point)
    y = OPERATIONS[name](x)
    y.backward()
    assert same(y.data, expected.item(), rel=1e-14), (y.data, expected.item())
    assert same(x.grad, t.grad.item(), rel=1e-14), (x.grad, t.grad.item())


@pytest.mark.parametrize("name", sorted(OPERATIONS))
@pytest.mark.parametrize("point", POINTS, ids=str)
@pytest.mark.parametrize("upstream", [1.0, NAN, INF, 0.0])
def test_compiled_code_agrees_with_eager_at_nan_and_inf(name: str, point: float, upstream: float) -> None:
    def f(inputs: list[Value]) -> Value:
        return OPERATIONS[name](inputs[0]) * inputs[1]  # inputs[1] is the upstream gradient of the operation

    compiled = autograd.compile(f, [0.5, 2.0])
    x, u = Value(point), Value(upstream)
    out = f([x, u])
    out.backward()
    value, (x_grad, u_grad) = compiled([point, upstream])
    assert same(value, out.data)
    assert same(x_grad, x.grad), (x_grad, x.grad)
    assert same(u_grad, u.grad)


def test_logsumexp_with_a_nan_is_nan_even_beside_inf() -> None:
    assert math.isnan(autograd.logsumexp([Value(INF), Value(NAN)]).data)
    assert math.isnan(autograd.logsumexp([Value(1.0), Value(NAN), Value(2.0)]).data)


def test_comparisons_with_nan_are_false_as_for_floats() -> None:
    x = Value(NAN)
    assert not (x < 0 or x <= 0 or x > 0 or x >= 0)

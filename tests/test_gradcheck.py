"""`gradcheck` and `numeric_gradient`: they pass correct code and catch a wrong local derivative."""

from __future__ import annotations

import math

import pytest

import autograd
from autograd import GradcheckError, Value, gradcheck, numeric_gradient


def wrong_sin(x: Value) -> Value:
    """sin(x) whose recorded local derivative is sin instead of cos: a deliberately broken operation.

    Built through the public attributes, as a user writing a custom operation would.
    """
    out = Value(math.sin(x.data))
    out.op = "wrong_sin"
    out.parents = (x,)
    out.local_grads = lambda out, a: (autograd.sin(a),)
    return out


def _table_rows(message: str) -> dict[int, list[float]]:
    """The numeric rows of gradcheck's table, keyed by input index."""
    rows = {}
    for line in message.splitlines():
        fields = line.split()
        if fields and fields[0].isdigit():
            rows[int(fields[0])] = [float(f) for f in fields[1:]]
    return rows


@pytest.mark.parametrize(
    ("function", "point"),
    [
        (lambda x: x * x, [3.0]),
        (lambda x, y: x * y.tanh(), [2.0, 0.5]),
        (lambda x, y, z: (x * y + z).sigmoid() * (x - z).exp(), [0.3, -0.7, 1.1]),
        (lambda x, y: autograd.logsumexp([x, y, x * y]) / (1 + y * y), [0.4, -1.3]),
    ],
)
def test_gradcheck_returns_true_for_correct_functions(function, point: list[float]) -> None:
    assert gradcheck(function, point) is True


def test_gradcheck_raises_for_a_wrong_local_derivative() -> None:
    with pytest.raises(GradcheckError):
        gradcheck(wrong_sin, [0.5])


def test_gradcheck_error_is_an_assertion_error_so_pytest_reports_it_as_a_failure() -> None:
    assert issubclass(GradcheckError, AssertionError)


def test_gradcheck_table_has_a_header_naming_its_columns() -> None:
    with pytest.raises(GradcheckError) as raised:
        gradcheck(wrong_sin, [0.5])
    header = next(line for line in str(raised.value).splitlines() if "analytic" in line)
    assert header.split() == ["input", "value", "analytic", "numeric", "|diff|"]


def test_gradcheck_table_lists_only_the_mismatching_inputs() -> None:
    """f = wrong_sin(x)·y: ∂f/∂y = sin x is right, ∂f/∂x is reported as sin(x)·y instead of cos(x)·y."""
    with pytest.raises(GradcheckError, match=r"1 of 2 inputs") as raised:
        gradcheck(lambda x, y: wrong_sin(x) * y, [0.5, 2.0])
    assert list(_table_rows(str(raised.value))) == [0]


def test_gradcheck_table_row_shows_value_analytic_numeric_and_difference() -> None:
    with pytest.raises(GradcheckError) as raised:
        gradcheck(lambda x, y: wrong_sin(x) * y, [0.5, 2.0])
    value, analytic, numeric, difference = _table_rows(str(raised.value))[0]
    assert value == 0.5
    assert math.isclose(analytic, math.sin(0.5) * 2.0, rel_tol=1e-8)
    assert math.isclose(numeric, math.cos(0.5) * 2.0, rel_tol=1e-6)
    assert math.isclose(difference, abs(analytic - numeric), rel_tol=1e-2)


def test_gradcheck_message_states_the_tolerances() -> None:
    with pytest.raises(GradcheckError, match=r"eps=1e-06, atol=1e-06, rtol=0.0001"):
        gradcheck(wrong_sin, [0.5])


def test_gradcheck_tolerances_decide_a_near_miss() -> None:
    """A derivative 0.1 % too large fails the default rtol=1e-4 and passes rtol=1e-2."""

    def slightly_wrong_square(x: Value) -> Value:
        out = Value(x.data**2)
        out.parents = (x,)
        out.op = "square"
        out.local_grads = lambda out, a: (2.002 * a,)
        return out

    assert gradcheck(slightly_wrong_square, [1.5], rtol=1e-2)
    with pytest.raises(GradcheckError):
        gradcheck(slightly_wrong_square, [1.5])


def test_gradcheck_leaves_no_trace_on_the_callers_numbers() -> None:
    point = [0.5, 2.0]
    gradcheck(lambda x, y: x * y, point)
    assert point == [0.5, 2.0]


def test_gradcheck_of_a_function_not_returning_a_value_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"must return a Value"):
        gradcheck(lambda x: 1.0, [0.5])


def test_numeric_gradient_matches_a_hand_derivative() -> None:
    """f = x³y: ∂f/∂x = 3x²y = 24, ∂f/∂y = x³ = 8 at (2, 2)."""
    dx, dy = numeric_gradient(lambda x, y: x**3 * y, [2.0, 2.0])
    assert math.isclose(dx, 24.0, rel_tol=1e-8)
    assert math.isclose(dy, 8.0, rel_tol=1e-8)


def test_numeric_gradient_builds_no_graph() -> None:
    made = []

    def record(x: Value) -> Value:
        out = x * x
        made.append(out)
        return out

    numeric_gradient(record, [1.0])
    assert all(out.parents == () for out in made)


@pytest.mark.parametrize("x", [1e8, -3e12, 1e15])
def test_gradcheck_passes_correct_functions_at_large_inputs(x: float) -> None:
    """d(x²)/dx = 2x and d(x·y)/dx = y: the step scales with |x|, so rounding does not swamp it."""
    assert gradcheck(lambda a: a * a, [x])
    assert gradcheck(lambda a, b: a * b, [x, 3.0])


@pytest.mark.parametrize("eps", [0.0, -1e-6, float("inf"), float("nan")])
def test_gradcheck_refuses_a_step_that_is_not_positive(eps: float) -> None:
    with pytest.raises(ValueError, match="eps must be a positive finite number"):
        gradcheck(lambda a: a * a, [1.0], eps=eps)
    with pytest.raises(ValueError, match="eps must be a positive finite number"):
        numeric_gradient(lambda a: a * a, [1.0], eps=eps)

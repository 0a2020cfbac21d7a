"""Check the engine's gradients against central differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from autograd.backprop import grad
from autograd.modes import no_grad
from autograd.value import Value, _real_number


class GradcheckError(AssertionError):
    """Raised by `gradcheck` when an analytic gradient disagrees with the numeric one."""


def numeric_gradient(f: Callable[..., Value], point: Sequence[float], eps: float = 1e-6) -> list[float]:
    """(f(x + h·eᵢ) − f(x − h·eᵢ)) / (2h) for each input i, where h = eps·max(1, |xᵢ|); builds no graph.

    The step grows with |xᵢ| because a float has about 16 significant digits:
    at x = 1e8 an absolute step of 1e-6 is lost to rounding (x + 1e-6 is
    barely a different number), so the quotient would be noise. The divisor is
    the distance between the two points as actually represented.
    """
    step_size = _positive_finite(eps, "eps")
    gradient = []
    with no_grad():
        for i, x_i in enumerate(point):
            step = step_size * max(1.0, abs(x_i))
            up, down = x_i + step, x_i - step
            shifted_up = [Value(up if j == i else x) for j, x in enumerate(point)]
            shifted_down = [Value(down if j == i else x) for j, x in enumerate(point)]
            gradient.append((_output(f, shifted_up).data - _output(f, shifted_down).data) / (up - down))
    return gradient


def _positive_finite(x: object, what: str) -> float:
    number = _real_number(x, what)
    if not 0 < number < math.inf:
        raise ValueError(f"{what} must be a positive finite number (a step such as 1e-6), got {number!r}")
    return number


def _output(f: Callable[..., Value], args: list[Value]) -> Value:
    out = f(*args)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck's function must return a Value, got {type(out).__name__}")
    return out


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
) -> bool:
    """Compare the engine's gradient of ``f(*inputs)`` with central differences.

    `f` takes one Value per input and returns a Value. An input passes when
    ``|analytic − numeric| <= atol + rtol·|numeric|``; the numeric step is
    ``eps·max(1, |x|)`` (see `numeric_gradient`). Returns True when all
    pass; otherwise raises `GradcheckError` with a table of the inputs that do
    not::

        >>> gradcheck(lambda x, y: x * y.tanh(), [2.0, 0.5])
        True
    """
    _positive_finite(eps, "eps")
    for tolerance, what in ((atol, "atol"), (rtol, "rtol")):
        if not 0 <= _real_number(tolerance, what) < math.inf:
            raise ValueError(f"{what} must be a finite number >= 0, got {tolerance!r}")
    point = [_real_number(x, f"gradcheck input {i}") for i, x in enumerate(inputs)]
    leaves = [Value(x) for x in point]
    analytic = [g.data for g in grad(_output(f, leaves), leaves)]
    numeric = numeric_gradient(f, point, eps)
    failures = [
        (i, point[i], a, n)
        for i, (a, n) in enumerate(zip(analytic, numeric))
        if not abs(a - n) <= atol + rtol * abs(n)
    ]
    if failures:
        rows = "\n".join(f"{i:>5}  {x:>14.6g}  {a:>16.9g}  {n:>16.9g}  {abs(a - n):>10.3g}" for i, x, a, n in failures)
        raise GradcheckError(
            f"gradient check failed for {len(failures)} of {len(point)} inputs "
            f"(eps={eps}, atol={atol}, rtol={rtol}):\n"
            f"input           value          analytic           numeric        |diff|\n{rows}"
        )
    return True

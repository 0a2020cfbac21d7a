"""Check the engine's gradients against central differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd.backprop import grad
from autograd.modes import no_grad
from autograd.value import Value, _real_number


class GradcheckError(AssertionError):
    """Raised by `gradcheck` when an analytic gradient disagrees with the numeric one."""


def numeric_gradient(f: Callable[..., Value], point: Sequence[float], eps: float = 1e-6) -> list[float]:
    """(f(x + eps·eᵢ) − f(x − eps·eᵢ)) / (2·eps) for each input i; builds no graph."""
    gradient = []
    with no_grad():
        for i in range(len(point)):
            shifted_up = [Value(x + eps if j == i else x) for j, x in enumerate(point)]
            shifted_down = [Value(x - eps if j == i else x) for j, x in enumerate(point)]
            gradient.append((_output(f, shifted_up).data - _output(f, shifted_down).data) / (2 * eps))
    return gradient


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
    ``|analytic − numeric| <= atol + rtol·|numeric|``. Returns True when all
    pass; otherwise raises `GradcheckError` with a table of the inputs that do
    not::

        >>> gradcheck(lambda x, y: x * y.tanh(), [2.0, 0.5])
        True
    """
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

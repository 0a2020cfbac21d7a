"""Forward rules on plain floats, with the domain checks every caller shares.

`Value` computes its forward values with these functions, and the module-level
functions (`autograd.exp(2.0)`, ...) use them when given a number, so a number
and a Value always agree, and a bad input gets the same message either way.
The forms chosen here are the numerically stable ones: none of them overflows
for inputs of +-1000.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence


def exp(x: float) -> float:
    """e**x; raises OverflowError with advice when the result exceeds a float."""
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(
            f"exp({x!r}) is too large for a float (the limit is about exp(709.78)); "
            "scale the input down, or use logsumexp/softplus, which stay finite"
        ) from None


def log(x: float) -> float:
    """Natural logarithm; defined only for x > 0."""
    if x <= 0:
        raise ValueError(
            f"log is defined only for positive numbers, got {x!r}; "
            "clip the input (e.g. max(x, 1e-12)) or use a log-domain form such as log_softmax"
        )
    return math.log(x)


def sqrt(x: float) -> float:
    """Square root; defined only for x >= 0."""
    if x < 0:
        raise ValueError(f"sqrt is defined only for numbers >= 0, got {x!r}; take abs() first if that is meant")
    return math.sqrt(x)


def tanh(x: float) -> float:
    """Hyperbolic tangent (math.tanh saturates to +-1 without overflow)."""
    return math.tanh(x)


def sigmoid(x: float) -> float:
    """1 / (1 + e^-x), evaluated so that e^(something large) is never formed."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def softplus(x: float) -> float:
    """log(1 + e^x) as max(x, 0) + log1p(e^-|x|), finite for any finite x."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def relu(x: float) -> float:
    """max(x, 0); nan stays nan (as in PyTorch), so a nan cannot vanish inside a network."""
    return 0.0 if x <= 0 else x


def leaky_relu(x: float, slope: float) -> float:
    """x for x > 0, slope·x otherwise."""
    return x if x > 0 else slope * x


def clamp(x: float, low: float, high: float) -> float:
    """x limited to [low, high]."""
    return min(max(x, low), high)


def sin(x: float) -> float:
    """Sine of x in radians; defined only for finite x."""
    return _periodic(math.sin, "sin", x)


def cos(x: float) -> float:
    """Cosine of x in radians; defined only for finite x."""
    return _periodic(math.cos, "cos", x)


def _periodic(function: Callable[[float], float], name: str, x: float) -> float:
    if math.isinf(x):
        raise ValueError(f"{name}({x!r}) is undefined (it has no limit at infinity); keep the input finite")
    return function(x)


def divide(a: float, b: float) -> float:
    """a / b with a message that says what to do about a zero divisor."""
    if b == 0:
        raise ZeroDivisionError(
            f"division by zero: {a!r} / 0; add a small epsilon to the divisor or guard the zero case"
        )
    return a / b


def power(base: float, exponent: float) -> float:
    """base ** exponent restricted to real results."""
    if base == 0 and exponent < 0:
        raise ZeroDivisionError(f"0 ** {exponent!r} is division by zero; keep the base away from 0")
    if base < 0 and not float(exponent).is_integer():
        raise ValueError(
            f"{base!r} ** {exponent!r} is not a real number (negative base, non-integer exponent); "
            "use abs(base) or an integer exponent"
        )
    try:
        return float(base**exponent)
    except OverflowError:
        raise OverflowError(f"{base!r} ** {exponent!r} is too large for a float") from None


def logsumexp(xs: Sequence[float]) -> float:
    """log(sum(e^x)) computed as m + log(sum(e^(x - m))) with m = max(x)."""
    if not xs:
        raise ValueError("logsumexp needs at least one value, got an empty sequence")
    if any(math.isnan(x) for x in xs):
        return math.nan  # max() would skip a nan and return an infinite m below
    m = max(xs)
    if math.isinf(m):
        return m
    return m + math.log(math.fsum(math.exp(x - m) for x in xs))

"""Forward rules on plain floats, with the domain checks every caller shares.

`Value` computes its forward values with these functions, and the module-level
functions (`autograd.exp(2.0)`, ...) use them when given a number, so a number
and a Value always agree, and a bad input gets the same message either way.
The forms chosen here are the numerically stable ones: none of them overflows
for inputs of +-1000.

The messages of the domain checks are in `DOMAIN_MESSAGES`, in the language of
the caller (`autograd.i18n`); the JavaScript that code generation writes
(`autograd.compiler.javascript`) throws the same ones, and a lesson page shows
them in its own language.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from autograd.i18n import N_, Catalog

_ = Catalog("autograd")

DOMAIN_MESSAGES = {
    "exp": N_(
        "exp({x}) is too large for a float (the limit is about exp(709.78)); "
        "scale the input down, or use logsumexp/softplus, which stay finite"
    ),
    "log": N_(
        "log is defined only for positive numbers, got {x}; "
        "clip the input (e.g. max(x, 1e-12)) or use a log-domain form such as log_softmax"
    ),
    "sqrt": N_("sqrt is defined only for numbers >= 0, got {x}; take abs() first if that is meant"),
    "power_zero": N_("0 ** {exponent} is division by zero; keep the base away from 0"),
    "power_real": N_(
        "{base} ** {exponent} is not a real number (negative base, non-integer exponent); "
        "use abs(base) or an integer exponent"
    ),
    "positive_base": N_(
        "a Value exponent needs a positive base, got base {base}: "
        "∂(a**b)/∂b = a**b·ln(a) exists only for a > 0; "
        "use a number exponent (x ** 2) if the exponent is a constant"
    ),
}
"""The message of each domain check, by rule, in English; its fields are numbers (`domain_message` translates)."""


def domain_message(rule: str, **numbers: float) -> str:
    """The message of domain check `rule` in the current language, each number written as Python writes it."""
    return _(DOMAIN_MESSAGES[rule]).format(**{name: repr(number) for name, number in numbers.items()})


PYTHON_REASONS = {
    "float division by zero": N_("a division by zero"),
    "division by zero": N_("a division by zero"),
    "0.0 cannot be raised to a negative power": N_("0 cannot be raised to a negative power"),
    "(34, 'Numerical result out of range')": N_("the result is too large for a float"),
    "math range error": N_("the result is too large for a float"),
    "math domain error": N_("a number outside the function's domain"),
}
"""Python's own messages for arithmetic on plain floats, which the engine reports in words it can translate."""


def python_reason(error: BaseException) -> str:
    """What went wrong in `error`, in the current language: Python's own arithmetic messages translated, others as they are."""
    reason = str(error)
    return _(PYTHON_REASONS[reason]) if reason in PYTHON_REASONS else reason


def exp(x: float) -> float:
    """e**x; raises OverflowError with advice when the result exceeds a float."""
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(domain_message("exp", x=x)) from None


def log(x: float) -> float:
    """Natural logarithm; defined only for x > 0."""
    if x <= 0:
        raise ValueError(domain_message("log", x=x))
    return math.log(x)


def sqrt(x: float) -> float:
    """Square root; defined only for x >= 0."""
    if x < 0:
        raise ValueError(domain_message("sqrt", x=x))
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
        message = _("{name}({x}) is undefined (it has no limit at infinity); keep the input finite")
        raise ValueError(message.format(name=name, x=repr(x)))
    return function(x)


def divide(a: float, b: float) -> float:
    """a / b with a message that says what to do about a zero divisor."""
    if b == 0:
        raise ZeroDivisionError(
            _("division by zero: {a} / 0; add a small epsilon to the divisor or guard the zero case").format(a=repr(a))
        )
    return a / b


def power(base: float, exponent: float) -> float:
    """base ** exponent restricted to real results."""
    if base == 0 and exponent < 0:
        raise ZeroDivisionError(domain_message("power_zero", exponent=exponent))
    if base < 0 and not float(exponent).is_integer():
        raise ValueError(domain_message("power_real", base=base, exponent=exponent))
    try:
        return float(base**exponent)
    except OverflowError:
        raise OverflowError(
            _("{base} ** {exponent} is too large for a float").format(base=repr(base), exponent=repr(exponent))
        ) from None


def logsumexp(xs: Sequence[float]) -> float:
    """log(sum(e^x)) computed as m + log(sum(e^(x - m))) with m = max(x)."""
    if not xs:
        raise ValueError(_("logsumexp needs at least one value, got an empty sequence"))
    if any(math.isnan(x) for x in xs):
        return math.nan  # max() would skip a nan and return an infinite m below
    m = max(xs)
    if math.isinf(m):
        return m
    return m + math.log(math.fsum(math.exp(x - m) for x in xs))

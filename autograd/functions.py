"""Module-level functions: `autograd.exp(x)`, `autograd.sum(xs)`, `autograd.softmax(xs)`, ...

The elementwise functions accept a Value (and return a graph node) or a real
number (and return a float), which is what lets one local-derivative function
serve plain and differentiable backward passes alike.

The functions over a list of values build one n-ary node (`sum`, `logsumexp`)
or compose primitives (`softmax`, `log_softmax`), never a chain as deep as the
list.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from typing import Any, overload

from autograd import scalar
from autograd.value import Operand, Value, _node_of, _operand, _real_number, local_rules


@overload
def exp(x: Value) -> Value: ...
@overload
def exp(x: float) -> float: ...
def exp(x: Operand) -> Operand:
    """e**x of a Value (a node) or a number (a float)."""
    return x.exp() if isinstance(x, Value) else scalar.exp(_real_number(x, "exp's argument"))


@overload
def log(x: Value) -> Value: ...
@overload
def log(x: float) -> float: ...
def log(x: Operand) -> Operand:
    """Natural logarithm of a Value or a positive number."""
    return x.log() if isinstance(x, Value) else scalar.log(_real_number(x, "log's argument"))


@overload
def sqrt(x: Value) -> Value: ...
@overload
def sqrt(x: float) -> float: ...
def sqrt(x: Operand) -> Operand:
    """Square root of a Value or a number >= 0."""
    return x.sqrt() if isinstance(x, Value) else scalar.sqrt(_real_number(x, "sqrt's argument"))


@overload
def tanh(x: Value) -> Value: ...
@overload
def tanh(x: float) -> float: ...
def tanh(x: Operand) -> Operand:
    """Hyperbolic tangent of a Value or a number."""
    return x.tanh() if isinstance(x, Value) else scalar.tanh(_real_number(x, "tanh's argument"))


@overload
def sigmoid(x: Value) -> Value: ...
@overload
def sigmoid(x: float) -> float: ...
def sigmoid(x: Operand) -> Operand:
    """Logistic function of a Value or a number."""
    return x.sigmoid() if isinstance(x, Value) else scalar.sigmoid(_real_number(x, "sigmoid's argument"))


@overload
def relu(x: Value) -> Value: ...
@overload
def relu(x: float) -> float: ...
def relu(x: Operand) -> Operand:
    """max(x, 0) of a Value or a number."""
    return x.relu() if isinstance(x, Value) else scalar.relu(_real_number(x, "relu's argument"))


@overload
def leaky_relu(x: Value, slope: float = 0.01) -> Value: ...
@overload
def leaky_relu(x: float, slope: float = 0.01) -> float: ...
def leaky_relu(x: Operand, slope: float = 0.01) -> Operand:
    """x for x > 0, slope·x otherwise, of a Value or a number."""
    if isinstance(x, Value):
        return x.leaky_relu(slope)
    return scalar.leaky_relu(_real_number(x, "leaky_relu's argument"), _real_number(slope, "leaky_relu slope"))


@overload
def clamp(x: Value, low: float, high: float) -> Value: ...
@overload
def clamp(x: float, low: float, high: float) -> float: ...
def clamp(x: Operand, low: float, high: float) -> Operand:
    """x limited to [low, high], of a Value or a number."""
    if isinstance(x, Value):
        return x.clamp(low, high)
    return scalar.clamp(
        _real_number(x, "clamp's argument"), _real_number(low, "clamp's low"), _real_number(high, "clamp's high")
    )


@overload
def softplus(x: Value) -> Value: ...
@overload
def softplus(x: float) -> float: ...
def softplus(x: Operand) -> Operand:
    """log(1 + e^x) of a Value or a number."""
    return x.softplus() if isinstance(x, Value) else scalar.softplus(_real_number(x, "softplus's argument"))


@overload
def sin(x: Value) -> Value: ...
@overload
def sin(x: float) -> float: ...
def sin(x: Operand) -> Operand:
    """Sine of a Value or a number (radians)."""
    return x.sin() if isinstance(x, Value) else scalar.sin(_real_number(x, "sin's argument"))


@overload
def cos(x: Value) -> Value: ...
@overload
def cos(x: float) -> float: ...
def cos(x: Operand) -> Operand:
    """Cosine of a Value or a number (radians)."""
    return x.cos() if isinstance(x, Value) else scalar.cos(_real_number(x, "cos's argument"))


def _operands(values: Iterable[Operand], what: str) -> tuple[Value, ...]:
    if isinstance(values, (Value, str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{what} takes a list of Values or numbers, got {type(values).__name__}")
    nodes = tuple([v if type(v) is Value else _operand(v, f"in {what}(...):") for v in values])
    if not nodes:
        raise ValueError(f"{what} needs at least one value, got an empty list")
    return nodes


@local_rules("∂(x₁+…+xₙ)/∂xᵢ = 1", op="sum")
def _sum_local(out: Any, *inputs: Any) -> tuple[Any, ...]:
    return (1.0,) * len(inputs)


def sum(values: Iterable[Operand]) -> Value:  # noqa: A001 - mirrors builtins.sum on purpose
    """x₁ + … + xₙ as one node with n parents (not a chain n deep)."""
    nodes = _operands(values, "sum")
    return _node_of(builtins.sum([v.data for v in nodes]), nodes, _sum_local)


@local_rules("∂logsumexp(x)/∂xᵢ = e^(xᵢ − out) = softmax(x)ᵢ", op="logsumexp")
def _logsumexp_local(out: Any, *inputs: Any) -> tuple[Any, ...]:
    return tuple(exp(x - out) for x in inputs)


def logsumexp(values: Iterable[Operand]) -> Value:
    """log(Σ e^xᵢ) as one node, computed stably (the maximum is subtracted first)."""
    nodes = _operands(values, "logsumexp")
    return _node_of(scalar.logsumexp([v.data for v in nodes]), nodes, _logsumexp_local)


def log_softmax(values: Sequence[Operand]) -> list[Value]:
    """[xᵢ − logsumexp(x)]: log-probabilities, finite even for logits of ±1000."""
    nodes = _operands(values, "log_softmax")
    normaliser = logsumexp(nodes)
    return [x - normaliser for x in nodes]


def softmax(values: Sequence[Operand]) -> list[Value]:
    """[e^(xᵢ − logsumexp(x))]: probabilities that sum to 1, stable for any logits."""
    return [x.exp() for x in log_softmax(values)]

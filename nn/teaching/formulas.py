"""The closed-form formulas `nn.derive` applies, each as numbers and as the text that shows it.

Each loss's ∂C/∂o and each activation's f'(z) are written out here by hand, on
purpose: `nn.derive` checks the gradients they give against the engine's
backward pass, so they must be a second, independent route to the same numbers.
Notation of BACKPROP.md: o is the prediction, y the target, k an output neuron
and K the number of output neurons (n counts the examples of a batch).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from autograd.i18n import N_, Catalog
from autograd.views.explain import format_factor, format_number
from nn.activations import LEAKY_RELU_SLOPE
from nn.losses import BCE_EPSILON, LOSSES

_ = Catalog("nn")

LOSS_FORMULAS = {
    "half_sse": "C = ½ Σ_k (y_k − o_k)²",
    "mse": "C = (1/K) Σ_k (o_k − y_k)²",
    "bce": "C = −Σ_k [y_k·ln o_k + (1 − y_k)·ln(1 − o_k)]",
    "bce_with_logits": N_("C = Σ_k [softplus(z_k) − y_k·z_k] = bce of o = σ(z)"),
    "cross_entropy": N_("C = −Σ_k y_k·ln o_k with o = softmax(z) (logsumexp(z) − Σ_k y_k·z_k)"),
    "hinge": "C = Σ_k max(0, 1 − y_k·o_k)",
}
"""Each loss per example; K is the number of output neurons (the ones with words are translated where shown)."""

LOGIT_LOSSES = {"cross_entropy": "softmax", "bce_with_logits": "σ"}
"""Losses that take the output layer's a[L] as logits and turn them into the prediction o themselves."""


def prediction(loss: str, output_layer: list[float]) -> list[float]:
    """o: the output layer's activations, or softmax/σ of them for a loss that takes logits."""
    if loss == "cross_entropy":
        return _softmax(output_layer)
    if loss == "bce_with_logits":
        return [_sigmoid(z) for z in output_layer]
    return list(output_layer)


def loss_gradient(loss: str, outputs: list[float], targets: list[float]) -> list[float]:
    """∂C/∂a[L]_k for one example: how the loss changes with each output neuron's activation."""
    n = len(outputs)
    if loss == "half_sse":
        return [o - y for o, y in zip(outputs, targets)]
    if loss == "mse":
        return [2.0 * (o - y) / n for o, y in zip(outputs, targets)]
    if loss == "bce":
        # a probability clipped to [ε, 1 − ε] is a constant inside the loss, so it gets no gradient
        return [
            (o - y) / (o * (1.0 - o)) if BCE_EPSILON <= o <= 1.0 - BCE_EPSILON else 0.0
            for o, y in zip(outputs, targets)
        ]
    if loss == "bce_with_logits":
        return [_sigmoid(z) - y for z, y in zip(outputs, targets)]
    if loss == "cross_entropy":
        return [p - y for p, y in zip(_softmax(outputs), targets)]
    if loss == "hinge":
        return [-y if y * s < 1.0 else 0.0 for s, y in zip(outputs, targets)]
    raise ValueError(_("unknown loss {loss!r}; valid names are {names}").format(
        loss=loss, names=', '.join(map(repr, LOSSES))
    ))


LOSS_GRADIENT_TEXT: dict[str, tuple[str, Callable[[float, float, int], str]]] = {
    "half_sse": ("o_{k} − y_{k}", lambda o, y, n: f"{format_factor(o)} − {format_factor(y)}"),
    "mse": ("(2/K)(o_{k} − y_{k})", lambda o, y, n: f"(2/{n}) × ({format_factor(o)} − {format_factor(y)})"),
    "bce": (
        "(o_{k} − y_{k}) / (o_{k}(1 − o_{k}))",
        lambda o, y, n: f"({format_factor(o)} − {format_factor(y)}) / ({format_factor(o)} × (1 − {format_factor(o)}))",
    ),
    "bce_with_logits": ("o_{k} − y_{k}", lambda o, y, n: f"{format_factor(o)} − {format_factor(y)}"),
    "cross_entropy": ("o_{k} − y_{k}", lambda o, y, n: f"{format_factor(o)} − {format_factor(y)}"),
    "hinge": (
        N_("−y_{k} if y_{k}·o_{k} < 1 else 0"),
        lambda o, y, n: f"{format_number(-y) if y * o < 1 else '0'}  (y·o = {format_number(y * o)})",
    ),
}
"""∂C/∂o_k of each loss (o is the prediction), as a formula and as numbers; `loss_gradient` computes it."""


@dataclass(frozen=True)
class Derivative:
    """f'(z) of an activation in network notation: the formula, its numbers and its value."""

    symbol: str
    formula: Callable[[str, str], str]
    numbers: Callable[[float, float], str]
    value: Callable[[float, float], float]


DERIVATIVES = {
    "sigmoid": Derivative(
        "σ'",
        lambda z, a: f"{a}·(1 − {a})",
        lambda z, a: f"{format_factor(a)} × (1 − {format_factor(a)})",
        lambda z, a: a * (1.0 - a),
    ),
    "tanh": Derivative(
        "tanh'",
        lambda z, a: f"1 − {a}²",
        lambda z, a: f"(1 − {format_factor(a)}²)",
        lambda z, a: 1.0 - a * a,
    ),
    "relu": Derivative(
        "relu'",
        lambda z, a: _("(1 if {z} > 0 else 0)").format(z=z),
        lambda z, a: "1" if z > 0 else "0",
        lambda z, a: 1.0 if z > 0 else 0.0,
    ),
    "leaky_relu": Derivative(
        "leaky_relu'",
        lambda z, a: _("(1 if {z} > 0 else {slope})").format(z=z, slope=format_number(LEAKY_RELU_SLOPE)),
        lambda z, a: "1" if z > 0 else format_number(LEAKY_RELU_SLOPE),
        lambda z, a: 1.0 if z > 0 else LEAKY_RELU_SLOPE,
    ),
    "linear": Derivative("f'", lambda z, a: "1", lambda z, a: "1", lambda z, a: 1.0),
}
"""f'(z) of each elementwise activation, written from a = f(z) as the textbook does."""


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _softmax(zs: list[float]) -> list[float]:
    top = max(zs)
    exps = [math.exp(z - top) for z in zs]
    total = math.fsum(exps)
    return [e / total for e in exps]


def bce_clip(o: float) -> float | None:
    """The probability `bce` puts into ln in place of o when o lies outside [ε, 1 − ε]; None when o is used as it is."""
    if o > 1.0 - BCE_EPSILON:
        return 1.0 - BCE_EPSILON
    if o < BCE_EPSILON:
        return BCE_EPSILON
    return None


def bce_clip_text(o: float, y: float, k: int) -> str | None:
    """How the clip of o_k changes bce's term for neuron k, written out; None when o_k is not clipped.

    The clipped value is constant in o, so this neuron's ∂C/∂o_k is 0: the
    output delta says so where it uses this.
    """
    clipped = bce_clip(o)
    if clipped is None:
        return None
    epsilon = format_number(BCE_EPSILON)
    shown = f"1 − {epsilon}" if clipped > 0.5 else epsilon
    other = epsilon if clipped > 0.5 else f"1 − {epsilon}"
    term = -(y * math.log(clipped) + (1.0 - y) * math.log1p(-clipped))
    return (
        f"bce clips o to [ε, 1 − ε], ε = {epsilon}, before ln: o_{k} = {format_number(o)} is used as ô_{k} = {shown}, "
        f"so its term is −[y_{k}·ln ô_{k} + (1 − y_{k})·ln(1 − ô_{k})] = "
        f"−[{format_factor(y)} × ln({shown}) + {format_factor(1.0 - y)} × ln({other})] = {format_number(term)}, "
        f"and ∂C/∂o_{k} = 0 (the clipped value does not move with o_{k})"
    )

"""The common mistakes of backpropagation that the grader recognises, each with the rule it breaks.

The grader recomputes a wrong answer under each misconception
(`nn.worksheets.network`, `nn.worksheets.expression`) and, when one gives the
student's number, names it and states the right rule in one sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from autograd.i18n import N_

Q = TypeVar("Q", bound=Hashable)

MISCONCEPTIONS: dict[str, str] = {
    "missing_activation_derivative": N_(
        "δ needs the activation's derivative: δ[l]_k = (∂C/∂a[l]_k)·f'(z[l]_k), so multiply by f'(z)."
    ),
    "derivative_at_activation": N_(
        "f' is evaluated at the weighted input z, not at the activation a: for the sigmoid, σ'(z) = a·(1 − a)."
    ),
    "missed_path_sum": N_(
        "A value used by several later nodes gets the sum of the gradients along every path: "
        "δ[l]_k = (Σ_m δ[l+1]_m·w[l+1]_mk)·f'(z[l]_k)."
    ),
    "update_sign": N_("Gradient descent steps against the gradient: w' = w − α·∂C/∂w."),
    "bias_times_input": N_("The bias enters z by addition, so ∂C/∂b[l]_k = δ[l]_k, with no input factor."),
    "mean_factor": N_(
        "The loss is a mean, so its 1/n stays in every derivative: mse gives ∂C/∂o_k = (2/n)(o_k − y_k)."
    ),
    "updated_weights_in_backward": N_(
        "The backward pass uses the weights of the forward pass; all updates come after every gradient is known."
    ),
    "layer_index": N_(
        "∂C/∂w[l]_kj = δ[l]_k·a[l−1]_j: the activation comes from the layer below, the delta from layer l."
    ),
}
"""Each misconception's name and the right rule, in one sentence (translated where it is said)."""

RULES: dict[str, str] = {
    "z": N_("z[l]_k = Σ_j w[l]_kj·a[l−1]_j + b[l]_k, with a[0] = x."),
    "a": N_("a[l]_k = f(z[l]_k) with the layer's activation f."),
    "C": N_("C is the loss of the output a[L] against the target y."),
    "delta": N_(
        "δ[L]_k = ∂C/∂a[L]_k·f'(z[L]_k) at the output; δ[l]_k = (Σ_m δ[l+1]_m·w[l+1]_mk)·f'(z[l]_k) below it."
    ),
    "dw": N_("∂C/∂w[l]_kj = δ[l]_k·a[l−1]_j."),
    "db": N_("∂C/∂b[l]_k = δ[l]_k."),
    "w'": N_("w' = w − α·∂C/∂w."),
    "b'": N_("b' = b − α·∂C/∂b."),
    "C'": N_("C' is the loss after the update: the forward pass again with the updated w' and b'."),
    "value": N_("Each node's value is its operation applied to the values of its operands."),
    "gradient": N_("∂out/∂node = Σ over the node's uses of (∂out/∂use)·(∂use/∂node)."),
    "update": "x' = x − α·∂out/∂x.",
}
"""The rule behind each kind of question, said when a wrong answer matches no misconception."""


def chain_under(
    quantities: Iterable[Q],
    candidates: Callable[[Q, Callable[[Q], float], str | None], list[float]],
    misconception: str | None = None,
    way: int = 0,
) -> dict[Q, float]:
    """Every quantity, each from the ones before it; under a misconception, wrong the same `way` wherever it applies.

    `candidates(quantity, known, misconception)` lists the values a quantity can
    take given `known` (the quantities already reached); with no misconception
    it lists the right value. Where the misconception does not apply, the right
    value is taken, so one mistake carries forward the way a student's would.
    """
    values: dict[Q, float] = {}
    for quantity in quantities:
        found = candidates(quantity, values.__getitem__, misconception) if misconception else []
        if not found:
            found = candidates(quantity, values.__getitem__, None)
        values[quantity] = found[min(way, len(found) - 1)]
    return values

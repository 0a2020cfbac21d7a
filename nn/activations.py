"""The activation functions a layer applies to its weighted inputs, by name.

A neuron computes z = Σ_j w_kj·a_j + b_k and then a = f(z). Most activations
act on each z alone (`ELEMENTWISE`); softmax normalises across the whole layer
(`LAYERWISE`), so it only makes sense for a layer, and in an `MLP` only for the
output layer. Every function here is a composition of engine operations, so
f'(z) is the engine's local derivative and nothing is differentiated twice.
"""

from __future__ import annotations

from collections.abc import Callable

from autograd.i18n import Catalog
import autograd
from autograd import Value

_ = Catalog("nn")

LEAKY_RELU_SLOPE = 0.01
"""Slope of 'leaky_relu' for z <= 0; PyTorch's default ``negative_slope``."""


def _identity(z: Value) -> Value:
    """'linear': a = z. No node is added, so the neuron's a and z are one node."""
    return z


def _leaky_relu(z: Value) -> Value:
    return z.leaky_relu(LEAKY_RELU_SLOPE)


ELEMENTWISE: dict[str, Callable[[Value], Value]] = {
    "linear": _identity,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "leaky_relu": _leaky_relu,
}
"""Activations applied to each neuron's z on its own: a_k = f(z_k)."""

LAYERWISE: dict[str, Callable[[list[Value]], list[Value]]] = {
    "softmax": autograd.softmax,
}
"""Activations that need every z of the layer: a_k = e^(z_k) / Σ_m e^(z_m)."""

ACTIVATIONS: tuple[str, ...] = (*ELEMENTWISE, *LAYERWISE)
"""Every activation name a `Neuron`, `Layer` or `MLP` accepts."""


def check_activation(name: object, where: str = "activation") -> str:
    """`name` if it is a known activation; otherwise an error that lists the valid names."""
    if not isinstance(name, str):
        raise TypeError(_("{where} must be a string such as 'relu', got {type_name}").format(
            where=where, type_name=type(name).__name__
        ))
    if name not in ELEMENTWISE and name not in LAYERWISE:
        valid = ", ".join(repr(n) for n in ACTIVATIONS)
        raise ValueError(_("{where}: unknown activation {name!r}; valid names are {valid}").format(
            where=where, name=name, valid=valid
        ))
    return name

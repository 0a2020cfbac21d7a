"""Carry an `MLP` over to PyTorch and back: `to_torch` and `from_torch`.

A scalargrad MLP becomes a ``torch.nn.Sequential`` of ``Linear`` layers in
float64, each followed by its activation module (none for 'linear'):

============  ==============================================
scalargrad    torch.nn
============  ==============================================
'linear'      (nothing)
'tanh'        Tanh()
'sigmoid'     Sigmoid()
'relu'        ReLU()
'leaky_relu'  LeakyReLU(0.01)
'softmax'     Softmax(dim=-1)
============  ==============================================

``Linear.weight[k][j]`` is w_kj (row k receives, column j sends), the layout
of BACKPROP.md and of `MLP.from_weights`, so the numbers copy across as they are.
PyTorch is optional: ``pip install 'scalargrad[torch]'``.

    seq = to_torch(model)                                 # Linear, ReLU, ..., float64
    seq(torch.tensor([0.5, -1.0], dtype=torch.float64))   # the same numbers as model([0.5, -1.0])
    model_again = from_torch(seq)
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

from autograd.i18n import Catalog
from nn.activations import LEAKY_RELU_SLOPE
from nn.layers import MLP, Layer

_ = Catalog("nn")

if TYPE_CHECKING:
    import torch

__all__ = ["from_torch", "to_torch"]

ABSENT_CONNECTIONS: tuple[str, ...] = ("error", "zero")
"""What `to_torch` may do with an absent connection or bias: refuse, or write 0."""


def _torch() -> ModuleType:
    try:
        return importlib.import_module("torch")
    except ImportError as error:
        raise ImportError(
            _("nn.interop needs PyTorch, which scalargrad does not install by default; install it with: pip install 'scalargrad[torch]'")
        ) from error


def _activation_module(torch: ModuleType, name: str) -> Any:
    """The torch module for activation `name`, or None for 'linear'."""
    modules = {
        "linear": None,
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
        "relu": torch.nn.ReLU,
        "leaky_relu": lambda: torch.nn.LeakyReLU(LEAKY_RELU_SLOPE),
        "softmax": lambda: torch.nn.Softmax(dim=-1),
    }
    make = modules[name]
    return None if make is None else make()


def _dense(layer: Layer, position: int, absent_connections: str) -> tuple[list[list[float]], list[float] | None]:
    """The layer's weight matrix and bias vector with every entry filled, as ``Linear`` needs them."""
    weights: list[list[float]] = []
    for k, neuron in enumerate(layer.neurons, start=1):
        row = []
        for j, weight in enumerate(neuron.w, start=1):
            if weight is None and absent_connections == "error":
                raise ValueError(
                    _(
                        "layers[{position}]: neuron {k} has no connection from input {j} "
                        "(w[{layer}]_{k}{j} is absent), but torch.nn.Linear is dense; "
                        "pass absent_connections='zero' to export it as a weight of 0 "
                        "(torch will then train that weight unless you mask its gradient)"
                    ).format(
                        position=position, k=k, j=j, layer=position + 1
                    )
                )
            row.append(0.0 if weight is None else weight.data)
        weights.append(row)
    present = [neuron.b is not None for neuron in layer.neurons]
    if not any(present):
        return weights, None
    if not all(present) and absent_connections == "error":
        missing = [k for k, has_bias in enumerate(present, start=1) if not has_bias]
        raise ValueError(
            _(
                "layers[{position}]: neurons {missing} have no bias while the others do, "
                "but torch.nn.Linear has a bias for every neuron or for none; pass "
                "absent_connections='zero' to export the missing ones as 0"
            ).format(
                position=position, missing=missing
            )
        )
    return weights, [0.0 if neuron.b is None else neuron.b.data for neuron in layer.neurons]


def to_torch(model: MLP, absent_connections: str = "error") -> torch.nn.Sequential:
    """A float64 ``torch.nn.Sequential`` that computes the same function as `model`.

    Every weight and bias is copied (the two models share no memory).
    torch.nn.Linear is dense, so an MLP with absent connections (``None``
    weights) or with some biases missing in a layer cannot be copied exactly:
    ``absent_connections='error'`` (the default) raises ValueError naming the
    first one; ``'zero'`` writes 0 there, which computes the same outputs but
    lets torch train those entries, since nothing masks their gradients.
    A layer with no biases at all becomes ``Linear(..., bias=False)``.
    """
    torch = _torch()
    if not isinstance(model, MLP):
        raise TypeError(_("to_torch converts an nn.MLP, got {type_name}").format(type_name=type(model).__name__))
    if absent_connections not in ABSENT_CONNECTIONS:
        raise ValueError(_("absent_connections must be 'error' or 'zero', got {absent_connections!r}").format(
            absent_connections=absent_connections
        ))
    modules = []
    for position, layer in enumerate(model.layers):
        weights, biases = _dense(layer, position, absent_connections)
        linear = torch.nn.Linear(layer.nin, layer.nout, bias=biases is not None, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(weights, dtype=torch.float64))
            if biases is not None:
                linear.bias.copy_(torch.tensor(biases, dtype=torch.float64))
        modules.append(linear)
        activation = _activation_module(torch, layer.activation)
        if activation is not None:
            modules.append(activation)
    return torch.nn.Sequential(*modules)


def _activation_name(torch: ModuleType, module: Any, index: int) -> str | None:
    """The scalargrad name of a torch activation module, None if `module` is not one."""
    if isinstance(module, torch.nn.Identity):
        return "linear"
    if isinstance(module, torch.nn.Tanh):
        return "tanh"
    if isinstance(module, torch.nn.Sigmoid):
        return "sigmoid"
    if isinstance(module, torch.nn.ReLU):
        return "relu"
    if isinstance(module, torch.nn.LeakyReLU):
        if module.negative_slope != LEAKY_RELU_SLOPE:
            raise ValueError(
                _(
                    "module {index}: LeakyReLU(negative_slope={negative_slope}) differs "
                    "from scalargrad's 'leaky_relu' slope {slope}; use "
                    "torch.nn.LeakyReLU({slope})"
                ).format(
                    index=index, negative_slope=module.negative_slope, slope=LEAKY_RELU_SLOPE
                )
            )
        return "leaky_relu"
    if isinstance(module, torch.nn.Softmax):
        if module.dim not in (-1, 1):
            raise ValueError(_("module {index}: Softmax(dim={dim}) must normalise over the features (dim=-1)").format(
                index=index, dim=module.dim
            ))
        return "softmax"
    return None


def from_torch(sequential: torch.nn.Sequential) -> MLP:
    """An `MLP` with the weights, biases and activations of a ``Sequential`` of Linear + activation modules.

    Accepted: ``Linear`` layers, each followed by at most one of ``Tanh``,
    ``Sigmoid``, ``ReLU``, ``LeakyReLU(0.01)``, ``Softmax(dim=-1)`` or
    ``Identity`` (a Linear with nothing after it is 'linear'). Anything else
    raises ValueError naming the module's position. The numbers are copied as
    floats, so a float32 model becomes float64 here.
    """
    torch = _torch()
    if not isinstance(sequential, torch.nn.Sequential):
        raise TypeError(_("from_torch converts a torch.nn.Sequential, got {type_name}").format(
            type_name=type(sequential).__name__
        ))
    weights: list[list[list[float]]] = []
    biases: list[list[float] | None] = []
    activations: list[str] = []
    awaiting_activation = False  # True right after a Linear, until its activation is read
    for index, module in enumerate(sequential):
        if isinstance(module, torch.nn.Linear):
            weights.append(module.weight.detach().to(torch.float64).tolist())
            biases.append(None if module.bias is None else module.bias.detach().to(torch.float64).tolist())
            activations.append("linear")
            awaiting_activation = True
            continue
        name = _activation_name(torch, module, index)
        if name is None:
            raise ValueError(
                _(
                    "module {index} ({type_name}) has no scalargrad counterpart; "
                    "from_torch takes Linear layers each followed by at most one Tanh, "
                    "Sigmoid, ReLU, LeakyReLU, Softmax or Identity"
                ).format(
                    index=index, type_name=type(module).__name__
                )
            )
        if not awaiting_activation:
            raise ValueError(
                _(
                    "module {index} ({type_name}) must follow a Linear layer directly; "
                    "an MLP applies one activation after each Linear"
                ).format(
                    index=index, type_name=type(module).__name__
                )
            )
        activations[-1] = name
        awaiting_activation = False
    if not weights:
        raise ValueError(_("the Sequential has no Linear layer, so there is no MLP to build"))
    return MLP.from_weights(weights, biases, activations)

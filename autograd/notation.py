"""Textbook names for the quantities of a layered network, and how to read them back.

The `nn` package names its Values in the notation of BACKPROP.md, so that
drawings, derivations and generated code read like the textbook:

    w[l]_kj   weight of layer l from sending neuron j to receiving neuron k
    b[l]_k    bias of neuron k in layer l
    z[l]_k    weighted input of neuron k in layer l
    a[l]_k    activation (output) of neuron k in layer l
    x_j, y_k  the network's inputs and targets, as leaves named x1, x2, ... and y1, y2, ...

Indices are 1-based. When a weight index has two digits or more, k and j are
separated by a comma (``w[2]_12,3``) so that the name stays unambiguous.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class NetworkName(NamedTuple):
    """A parsed network name: the kind ('w', 'b', 'z' or 'a'), the layer, the neuron k and, for weights, the input j."""

    kind: str
    layer: int
    neuron: int
    source: int | None = None


def weight_name(layer: int, neuron: int, source: int) -> str:
    """w[l]_kj: the weight into neuron k of layer l from neuron j of layer l−1 (1-based)."""
    separator = "" if neuron < 10 and source < 10 else ","
    return f"w[{layer}]_{neuron}{separator}{source}"


def bias_name(layer: int, neuron: int) -> str:
    """b[l]_k: the bias of neuron k in layer l (1-based)."""
    return f"b[{layer}]_{neuron}"


def weighted_input_name(layer: int, neuron: int) -> str:
    """z[l]_k: Σ_j w_kj·a_j + b_k for neuron k in layer l (1-based)."""
    return f"z[{layer}]_{neuron}"


def activation_name(layer: int, neuron: int) -> str:
    """a[l]_k: f(z[l]_k), the output of neuron k in layer l (1-based)."""
    return f"a[{layer}]_{neuron}"


_PATTERN = re.compile(r"^(?P<kind>[wbza])\[(?P<layer>\d+)\]_(?P<indices>\d+(?:,\d+)?)$")


def parse_network_name(name: str | None) -> NetworkName | None:
    """The parts of a network name, or None if `name` is not one."""
    if name is None:
        return None
    match = _PATTERN.match(name)
    if match is None:
        return None
    kind, layer, indices = match["kind"], int(match["layer"]), match["indices"]
    if kind == "w":
        if "," in indices:
            neuron_text, source_text = indices.split(",")
        elif len(indices) == 2:
            neuron_text, source_text = indices[0], indices[1]
        else:
            return None
        return NetworkName(kind, layer, int(neuron_text), int(source_text))
    if "," in indices:
        return None
    return NetworkName(kind, layer, int(indices))


_DATA_NAME = re.compile(r"^[xy][1-9]\d*$")


def is_data_name(name: str | None) -> bool:
    """Whether `name` is one `nn` gives a number of the data: an input ``x1``, ``x2``, ... or a target ``y1``, ...

    Such a leaf is data fixed for one computation, not a parameter: `autograd.compile`
    does not warn that it becomes a constant.
    """
    return name is not None and _DATA_NAME.match(name) is not None


_PARAMETER_NAME = re.compile(r"^(?:[wb]|[wb]\d+|[wb]_\w+|weight\w*|bias\w*)$")


def is_parameter_name(name: str | None) -> bool:
    """Whether `name` reads as a parameter's: ``w[l]_kj``, ``b[l]_k``, ``w``, ``w1``, ``b_2``, ``bias``.

    Gradient descent in a lesson moves the leaves named so; the other named
    leaves (``x1``, ``y``) are inputs and stay as given.
    """
    if name is None:
        return False
    network = parse_network_name(name)
    return (network is not None and network.kind in "wb") or _PARAMETER_NAME.match(name) is not None

"""The quantities a network worksheet asks for, named in textbook notation (BACKPROP.md).

Each `Quantity` prints as the key file writes it::

    z[l]_k  a[l]_k  C  delta[l]_k  dC/dw[l]_kj  dC/db[l]_k  w[l]_kj'  b[l]_k'  C'

(C' is the loss after the update). `parse_quantity` reads those names back, so
a key file is all the grader needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autograd.i18n import Catalog
from autograd.notation import activation_name, bias_name, parse_network_name, weight_name, weighted_input_name

_ = Catalog("nn")

ASK_KINDS = {
    "forward": ("z", "a", "C"),
    "delta": ("delta",),
    "weight_grad": ("dw",),
    "bias_grad": ("db",),
    "update": ("w'", "b'"),
    "loss_after": ("C'",),
}
"""What each ``--ask`` choice of a network worksheet asks for: kinds of `Quantity`."""

ORDER = ("z", "a", "C", "delta", "dw", "db", "w'", "b'", "C'")
"""Kinds in the order a derivation reaches them; the questions of a sheet follow it."""


@dataclass(frozen=True, order=True)
class Quantity:
    """One number of a training step: a kind from `ORDER`, then layer l, neuron k and sending neuron j (1-based).

    The loss before (``C``) and after (``C'``) the step have no indices (all 0).
    """

    kind: str
    layer: int = 0
    neuron: int = 0
    source: int = 0

    @property
    def notation(self) -> str:
        """The textbook name: ``delta[2]_1``, ``dC/dw[1]_12``, ``w[2]_21'``, ``C'``."""
        l, k, j = self.layer, self.neuron, self.source
        names = {
            "z": lambda: weighted_input_name(l, k),
            "a": lambda: activation_name(l, k),
            "C": lambda: "C",
            "delta": lambda: f"delta[{l}]_{k}",
            "dw": lambda: "dC/d" + weight_name(l, k, j),
            "db": lambda: "dC/d" + bias_name(l, k),
            "w'": lambda: weight_name(l, k, j) + "'",
            "b'": lambda: bias_name(l, k) + "'",
            "C'": lambda: "C'",
        }
        return names[self.kind]()

    def __str__(self) -> str:
        return self.notation


_DELTA = re.compile(r"^delta\[(\d+)\]_(\d+)$")


def parse_quantity(text: str) -> Quantity:
    """The `Quantity` a textbook name stands for; ValueError if `text` is not one of the names above."""
    if text in ("C", "C'"):
        return Quantity(text)
    if (match := _DELTA.match(text)) is not None:
        return Quantity("delta", int(match[1]), int(match[2]))
    kind_of = {("dC/d", "w"): "dw", ("dC/d", "b"): "db", ("", "z"): "z", ("", "a"): "a"}
    for prefix in ("dC/d", ""):
        if not text.startswith(prefix):
            continue
        body = text[len(prefix) :]
        updated = body.endswith("'") and prefix == ""
        name = parse_network_name(body[:-1] if updated else body)
        if name is None:
            continue
        if updated and name.kind in ("w", "b"):
            return Quantity(name.kind + "'", name.layer, name.neuron, name.source or 0)
        kind = kind_of.get((prefix, name.kind))
        if kind is not None and not updated:
            return Quantity(kind, name.layer, name.neuron, name.source or 0)
    raise ValueError(
        _(
            "{text!r} is not a quantity of a network worksheet; the names are z[l]_k, "
            "a[l]_k, C, delta[l]_k, dC/dw[l]_kj, dC/db[l]_k, w[l]_kj', b[l]_k' and C'"
        ).format(
            text=text
        )
    )

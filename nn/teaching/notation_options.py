"""Notation options, to write a derivation the way a given textbook does.

* ``input_layer``: 0 (the input is a[0], the first weights w[1]; BACKPROP.md) or
  1 (the input is layer 1, the first weights w[2], as in Nielsen and in Ng's
  course written with a[1] = x);
* ``rate``: the learning-rate symbol, α or η;
* ``cost``: the cost symbol, C, E or L;
* ``weights``: ``w_kj`` (row k receives, column j sends; BACKPROP.md) or
  ``w_jk`` (the (in, out) layout of NumPy code: the first index sends). With
  ``w_jk`` the matrix form writes z = Wᵀa + b and, for a batch, Z = A W + b and
  ∂C/∂W = Aᵀ Δ.

The derivation is computed once, in BACKPROP.md's notation; `Notation.rewrite`
changes how each printed line names things, never a number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from autograd.i18n import Catalog
from autograd.notation import weight_name
from nn.teaching.blocks import Block, Equation, MatrixEquation, Table
from nn._validation import describe, key_path

RATE_SYMBOLS = {"α": "α", "alpha": "α", "η": "η", "eta": "η"}
COST_SYMBOLS = ("C", "E", "L")
WEIGHT_LAYOUTS = ("w_kj", "w_jk")

_ = Catalog("nn")

# w[2], "layer 2", and "第 2 层" (layer 2 in Chinese): the layer numbers another input layer shifts
_LAYER = re.compile(r"(?<=[wbzaδWZAΔ])\[(\d+)\]|(?<=\blayer )(\d+)\b|(?<=第 )(\d+)(?= 层)")
_WEIGHT = re.compile(r"(?<=w\[)([^\]]+)\]_(\d+,\d+|[0-9a-z]{2})")
_COST = re.compile(r"(?<![A-Za-z])C(?![A-Za-z])")


@dataclass(frozen=True)
class Notation:
    """How a derivation names layers, the learning rate, the cost and the weights' indices."""

    input_layer: int = 0
    rate: str = "α"
    cost: str = "C"
    weights: str = "w_kj"

    @classmethod
    def parse(cls, data: object, where: str = "notation") -> Notation:
        """``{"input_layer": 1, "rate": "eta", "cost": "E", "weights": "w_jk"}`` (any subset); ValueError naming `where`."""
        if not isinstance(data, Mapping):
            raise ValueError(_(
                '{where}: expected an object such as {{"input_layer": 1, "rate": '
                '"eta"}}, got {got}'
            ).format(
                where=where, got=describe(data)
            ))
        known = ("input_layer", "rate", "cost", "weights")
        for key in data:
            if key not in known:
                raise ValueError(_("{path}: unknown key; notation has {names}").format(
                    path=key_path(where, key), names=', '.join(known)
                ))
        input_layer = data.get("input_layer", 0)
        if input_layer not in (0, 1) or isinstance(input_layer, bool):
            raise ValueError(_(
                "{where}.input_layer: expected 0 (input = a[0]) or 1 (input = layer 1), "
                "got {got}"
            ).format(
                where=where, got=describe(input_layer)
            ))
        rate = data.get("rate", "α")
        if rate not in RATE_SYMBOLS:
            raise ValueError(_("{where}.rate: expected 'alpha' or 'eta' (or α, η), got {got}").format(
                where=where, got=describe(rate)
            ))
        cost = data.get("cost", "C")
        if cost not in COST_SYMBOLS:
            raise ValueError(_("{where}.cost: expected one of {names}, got {got}").format(
                where=where, names=', '.join(map(repr, COST_SYMBOLS)), got=describe(cost)
            ))
        weights = data.get("weights", "w_kj")
        if weights not in WEIGHT_LAYOUTS:
            raise ValueError(_(
                "{where}.weights: expected 'w_kj' (row k receives) or 'w_jk' (the first "
                "index sends), got {got}"
            ).format(
                where=where, got=describe(weights)
            ))
        return cls(int(input_layer), RATE_SYMBOLS[rate], cost, weights)

    @property
    def is_default(self) -> bool:
        """True for BACKPROP.md's notation, which needs no rewriting."""
        return self == Notation()

    def to_dict(self) -> dict[str, object]:
        """The options as JSON-ready data."""
        return {"input_layer": self.input_layer, "rate": self.rate, "cost": self.cost, "weights": self.weights}

    def describe(self) -> str:
        """One header line that says which conventions the text follows."""
        return _("Conventions: {input}; learning rate {rate}; cost {cost}; {weights}").format(
            input=_("the input is a[1] (layer 1)") if self.input_layer == 1 else _("the input is a[0]"),
            rate=self.rate,
            cost=self.cost,
            weights=_("w[l]_jk from neuron j to neuron k (the first index sends)")
            if self.weights == "w_jk"
            else _("w[l]_kj into neuron k from neuron j (row k receives)"),
        )

    def rewrite(self, text: str) -> str:
        """`text` (written in BACKPROP.md's notation) in this notation."""
        if self.is_default:
            return text
        if self.weights == "w_jk":
            text = _WEIGHT.sub(_swap_weight_indices, text)
        if self.input_layer:
            text = _LAYER.sub(_shift_layer(self.input_layer), text)
        if self.rate != "α":
            text = text.replace("α", self.rate)
        if self.cost != "C":
            text = _COST.sub(self.cost, text)
        return text


def _shift_layer(offset: int) -> Callable[[re.Match[str]], str]:
    def shift(match: re.Match[str]) -> str:
        if match[1] is not None:
            return f"[{int(match[1]) + offset}]"
        return str(int(match[2] or match[3]) + offset)

    return shift


def _swap_weight_indices(match: re.Match[str]) -> str:
    """``1]_12`` → ``1]_21``, ``1]_10,2`` → ``1]_2,10``, ``l]_kj`` → ``l]_jk``: the sending index first."""
    layer, indices = match[1], match[2]
    if "," in indices:
        neuron, source = indices.split(",")
    else:
        neuron, source = indices[0], indices[1]
    if neuron.isdigit() and source.isdigit():
        swapped = weight_name(0, int(source), int(neuron)).split("_", 1)[1]
    else:
        swapped = f"{source}{neuron}"
    return f"{layer}]_{swapped}"


def rewrite_block(block: Block, notation: Notation) -> Block:
    """A copy of `block` with every title, formula, equation, remark, table cell and matrix label rewritten."""
    if notation.is_default:
        return block
    write = notation.rewrite
    return Block(
        write(block.title),
        [write(f) for f in block.formulas],
        [Equation(write(e.lhs), write(e.formula), write(e.numbers), e.value, e.relation) for e in block.equations],
        [write(r) for r in block.remarks],
        [Table([write(c) for c in t.header], [[write(c) for c in row] for row in t.rows]) for t in block.tables],
        [MatrixEquation([write(part) if isinstance(part, str) else part for part in m.parts]) for m in block.matrices],
    )

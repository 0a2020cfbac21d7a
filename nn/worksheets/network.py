"""One gradient-descent step on one example, computed rule by rule in plain floats, also the wrong ways.

A grader needs more than the right numbers. To give credit for an error
carried forward it must apply each rule to the *student's* earlier numbers,
and to name a misconception it must apply the rule the way the misconception
does. `NetworkStep.candidates` does both: it evaluates one quantity from the
quantities it depends on, looked up through a function the caller gives, by
the textbook rule or by a misconception (`nn.worksheets.misconceptions`).

The rules are the four equations of BACKPROP.md; the loss gradients and
f'(z) come from `nn.teaching.formulas`, the activations and losses from the
engine. `NetworkStep.chain` runs the rules from the inputs to the loss after
the update; the worksheet checks that this chain gives `nn.derive`'s numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from autograd.i18n import Catalog
import autograd
from autograd import Value
from nn.activations import ELEMENTWISE
from nn.losses import LOSSES
from nn.teaching.formulas import DERIVATIVES, loss_gradient
from nn.teaching.spec import Spec
from nn.worksheets.misconceptions import chain_under
from nn.worksheets.quantities import Quantity

_ = Catalog("nn")

Lookup = Callable[[Quantity], float]
"""Gives the number to use for an earlier quantity: the right one, or a student's."""

Candidate = Callable[[], float]

SLOPES = ("sigmoid", "tanh")
"""Activations whose f' differs when it is evaluated at a instead of z."""


class NetworkStep:
    """The rules of one step of gradient descent on the network, example, loss and rate of a spec."""

    def __init__(self, spec: Spec) -> None:
        if spec.batch:
            raise ValueError(
                _("inputs: a worksheet asks about one example; give the template 'input' and 'target' instead of a batch")
            )
        network = spec.model().to_dict()["layers"]
        unsupported = [layer["activation"] for layer in network if layer["activation"] not in ELEMENTWISE]
        if unsupported:
            raise ValueError(
                _(
                    "layers: worksheets take activations that act on each neuron alone "
                    "({names}), not {unsupported!r}"
                ).format(
                    names=', '.join(ELEMENTWISE), unsupported=unsupported[0]
                )
            )
        self.weights: list[list[list[float | None]]] = [layer["weights"] for layer in network]
        self.biases: list[list[float | None] | None] = [layer["biases"] for layer in network]
        self.activations: list[str] = [layer["activation"] for layer in network]
        self.input = list(spec.inputs[0])
        self.target = list(spec.targets[0])
        self.loss = spec.loss
        self.rate = spec.learning_rate
        self.sizes = [len(self.input)] + [len(layer) for layer in self.weights]

    @property
    def depth(self) -> int:
        """L, the number of layers."""
        return len(self.weights)

    # ------------------------------------------------------------ which quantities there are

    def quantities(self) -> list[Quantity]:
        """Every quantity of the step, in the order the rules reach them (`chain` computes them in this order)."""
        found = []
        for l in range(1, self.depth + 1):
            found += [Quantity("z", l, k) for k in range(1, self.sizes[l] + 1)]
            found += [Quantity("a", l, k) for k in range(1, self.sizes[l] + 1)]
        found.append(Quantity("C"))
        for l in range(self.depth, 0, -1):
            found += [Quantity("delta", l, k) for k in range(1, self.sizes[l] + 1)]
            found += [Quantity("dw", l, k, j) for k, j in self._weights_of(l)]
            found += [Quantity("db", l, k) for k in self._biases_of(l)]
            found += [Quantity("w'", l, k, j) for k, j in self._weights_of(l)]
            found += [Quantity("b'", l, k) for k in self._biases_of(l)]
        found.append(Quantity("C'"))
        return found

    def _weights_of(self, l: int) -> Iterator[tuple[int, int]]:
        for k, row in enumerate(self.weights[l - 1], start=1):
            for j, w in enumerate(row, start=1):
                if w is not None:
                    yield k, j

    def _biases_of(self, l: int) -> Iterator[int]:
        biases = self.biases[l - 1]
        for k, b in enumerate(biases or [], start=1):
            if b is not None:
                yield k

    def weight(self, l: int, k: int, j: int) -> float:
        """w[l]_kj of the spec (before the step)."""
        w = self.weights[l - 1][k - 1][j - 1]
        if w is None:
            raise KeyError(f"w[{l}]_{k}{j} is absent")
        return w

    def bias(self, l: int, k: int) -> float:
        """b[l]_k of the spec (before the step)."""
        biases = self.biases[l - 1]
        b = None if biases is None else biases[k - 1]
        if b is None:
            raise KeyError(f"b[{l}]_{k} is absent")
        return b

    # ------------------------------------------------------------ the rules

    def candidates(self, quantity: Quantity, known: Lookup, misconception: str | None = None) -> list[float]:
        """`quantity` from the earlier quantities `known` gives, by the right rule (one number) or by `misconception`.

        A misconception can go wrong in several ways (which path was left out,
        which input was multiplied in); each is one number of the list. The list
        is empty where the misconception does not apply. A way that needs a
        quantity `known` does not have (it raises KeyError) is left out.
        """
        rules = self._rules(quantity, known)
        found = []
        for rule in rules.get(misconception, []):
            try:
                value = rule()
            except (KeyError, IndexError):
                continue
            if math.isfinite(value):
                found.append(value)
        return found

    def chain(self, misconception: str | None = None, way: int = 0) -> dict[Quantity, float]:
        """Every quantity, each from the ones before it; under a misconception, wrong the same `way` wherever it applies."""
        return chain_under(self.quantities(), self.candidates, misconception, way)

    def _rules(self, q: Quantity, known: Lookup) -> dict[str | None, list[Candidate]]:
        builders = {
            "z": self._z_rules,
            "a": self._a_rules,
            "C": self._loss_rules,
            "delta": self._delta_rules,
            "dw": self._weight_gradient_rules,
            "db": self._bias_gradient_rules,
            "w'": self._weight_update_rules,
            "b'": self._bias_update_rules,
            "C'": self._loss_after_rules,
        }
        return builders[q.kind](q, known)

    def _delta(self, l: int, k: int, known: Lookup) -> float:
        """δ[l]_k from `known`; KeyError if layer l has no neuron k (an off-by-one layer may name one)."""
        if not 1 <= l <= self.depth or not 1 <= k <= self.sizes[l]:
            raise KeyError(f"delta[{l}]_{k}")
        return known(Quantity("delta", l, k))

    def _below(self, l: int, j: int, known: Lookup) -> float:
        """a[l]_j, with a[0] = x."""
        if l == 0:
            return self.input[j - 1]
        if not 1 <= l <= self.depth or not 1 <= j <= self.sizes[l]:
            raise KeyError(f"a[{l}]_{j}")
        return known(Quantity("a", l, j))

    def _z_rules(self, q: Quantity, known: Lookup) -> dict[str | None, list[Candidate]]:
        l, k = q.layer, q.neuron

        def z() -> float:
            row = self.weights[l - 1][k - 1]
            terms = [w * self._below(l - 1, j, known) for j, w in enumerate(row, start=1) if w is not None]
            return math.fsum(terms) + self._bias_or_zero(l, k)

        return {None: [z]}

    def _bias_or_zero(self, l: int, k: int) -> float:
        biases = self.biases[l - 1]
        b = None if biases is None else biases[k - 1]
        return 0.0 if b is None else b

    def _a_rules(self, q: Quantity, known: Lookup) -> dict[str | None, list[Candidate]]:
        activation = self.activations[q.layer - 1]
        return {None: [lambda: activate(activation, known(Quantity("z", q.layer, q.neuron)))]}

    def _outputs(self, known: Lookup) -> list[float]:
        return [known(Quantity("a", self.depth, k)) for k in range(1, self.sizes[-1] + 1)]

    def _loss_rules(self, q: Quantity, known: Lookup) -> dict[str | None, list[Candidate]]:
        rules: dict[str | None, list[Candidate]] = {
            None: [lambda: loss_value(self.loss, self._outputs(known), self.target)]
        }
        if self.loss == "mse":
            rules["mean_factor"] = [lambda: self.sizes[-1] * loss_value(self.loss, self._outputs(known), self.target)]
        return rules

    def _slope(self, l: int, k: int, known: Lookup, at_activation: bool = False) -> float:
        """f'(z[l]_k) from z and a, or (the misconception) f' evaluated at a as if a were z."""
        if not 1 <= l <= self.depth or not 1 <= k <= self.sizes[l]:
            raise KeyError(f"z[{l}]_{k}")
        activation = self.activations[l - 1]
        z, a = known(Quantity("z", l, k)), known(Quantity("a", l, k))
        if at_activation:
            return DERIVATIVES[activation].value(a, activate(activation, a))
        return DERIVATIVES[activation].value(z, a)

    def _delta_rules(self, q: Quantity, known: Lookup) -> dict[str | None, list[Candidate]]:
        l, k = q.layer, q.neuron
        activation = self.activations[l - 1]
        if l == self.depth:

            def upstream() -> float:
                return loss_gradient(self.loss, self._outputs(known), self.target)[k - 1]

            terms: list[Callable[[], float]] = [upstream]
        else:

            def path(m: int) -> float:
                return known(Quantity("delta", l + 1, m)) * self.weight(l + 1, m, k)

            terms = [
                partial(path, m) for m in range(1, self.sizes[l + 1] + 1) if self.weights[l][m - 1][k - 1] is not None
            ]

        def total() -> float:
            return math.fsum(term() for term in terms)

        rules: dict[str | None, list[Candidate]] = {None: [lambda: total() * self._slope(l, k, known)]}
        if activation != "linear":
            rules["missing_activation_derivative"] = [total]
        if activation in SLOPES:
            rules["derivative_at_activation"] = [lambda: total() * self._slope(l, k, known, at_activation=True)]
        if l == self.depth:
            if self.loss == "mse":
                rules["mean_factor"] = [lambda: self.sizes[-1] * total() * self._slope(l, k, known)]
            return rules

        def one_path(term: Callable[[], float]) -> float:
            return term() * self._slope(l, k, known)

        if len(terms) > 1:
            rules["missed_path_sum"] = [partial(one_path, term) for term in terms]

        def with_updated_weights() -> float:
            updated = [
                known(Quantity("delta", l + 1, m)) * known(Quantity("w'", l + 1, m, k))
                for m in range(1, self.sizes[l + 1] + 1)
                if self.weights[l][m - 1][k - 1] is not None
            ]
            return math.fsum(updated) * self._slope(l, k, known)

        rules["updated_weights_in_backward"] = [with_updated_weights]

        def slope_of_layer(other: int) -> float:
            return total() * self._slope(other, k, known)

        rules["layer_index"] = [partial(slope_of_layer, l + 1), partial(slope_of_layer, l - 1)]
        return rules

    def _weight_gradient_rules(self, q: Quantity, known: Lookup) -> dict[str | None, list[Candidate]]:
        l, k, j = q.layer, q.neuron, q.source

        def delta(layer: int) -> float:
            return self._delta(layer, k, known)

        return {
            None: [lambda: delta(l) * self._below(l - 1, j, known)],
            "layer_index": [
                lambda: delta(l) * self._below(l, j, known),
                lambda: delta(l) * self._below(l - 2, j, known),
                lambda: delta(l + 1) * self._below(l - 1, j, known),
                lambda: delta(l - 1) * self._below(l - 1, j, known),
            ],
        }

    def _bias_gradient_rules(self, q: Quantity, known: Lookup) -> dict[str | None, list[Candidate]]:
        l, k = q.layer, q.neuron

        def delta(layer: int) -> float:
            return self._delta(layer, k, known)

        def times_input(j: int) -> float:
            return delta(l) * self._below(l - 1, j, known)

        return {
            None: [lambda: delta(l)],
            "bias_times_input": [partial(times_input, j) for j in range(1, self.sizes[l - 1] + 1)],
            "layer_index": [lambda: delta(l + 1), lambda: delta(l - 1)],
        }

    def _weight_update_rules(self, q: Quantity, known: Lookup) -> dict[str | None, list[Candidate]]:
        l, k, j = q.layer, q.neuron, q.source
        w, gradient = self.weight(l, k, j), Quantity("dw", l, k, j)
        return {
            None: [lambda: w - self.rate * known(gradient)],
            "update_sign": [lambda: w + self.rate * known(gradient)],
        }

    def _bias_update_rules(self, q: Quantity, known: Lookup) -> dict[str | None, list[Candidate]]:
        l, k = q.layer, q.neuron
        b, gradient, delta = self.bias(l, k), Quantity("db", l, k), Quantity("delta", l, k)

        def times_input(j: int) -> float:
            return b - self.rate * known(delta) * self._below(l - 1, j, known)

        return {
            None: [lambda: b - self.rate * known(gradient)],
            "update_sign": [lambda: b + self.rate * known(gradient)],
            "bias_times_input": [partial(times_input, j) for j in range(1, self.sizes[l - 1] + 1)],
        }

    def _loss_after_rules(self, q: Quantity, known: Lookup) -> dict[str | None, list[Candidate]]:
        def loss_after() -> float:
            activations = list(self.input)
            for l, (rows, activation) in enumerate(zip(self.weights, self.activations), start=1):
                zs = []
                for k, row in enumerate(rows, start=1):
                    terms = [
                        known(Quantity("w'", l, k, j)) * activations[j - 1]
                        for j, w in enumerate(row, 1)
                        if w is not None
                    ]
                    bias = known(Quantity("b'", l, k)) if k in self._biases_of(l) else 0.0
                    zs.append(math.fsum(terms) + bias)
                activations = [activate(activation, z) for z in zs]
            return loss_value(self.loss, activations, self.target)

        rules: dict[str | None, list[Candidate]] = {None: [loss_after]}
        if self.loss == "mse":
            rules["mean_factor"] = [lambda: self.sizes[-1] * loss_after()]
        return rules


def activate(activation: str, z: float) -> float:
    """f(z) by the engine's own forward rule."""
    with autograd.no_grad():
        return ELEMENTWISE[activation](Value(z)).data


def loss_value(loss: str, outputs: list[float], target: list[float]) -> float:
    """C of one example by the engine's loss function."""
    with autograd.no_grad():
        value: Any = LOSSES[loss]([[Value(o) for o in outputs]], [target])
    return float(value.data)

"""Lesson steps neuron by neuron, for networks too big to step through node by node.

A 2→16→16→1 MLP has about 700 Values: a lesson with a step per Value and per
edge teaches nothing. `nn.lesson` then draws the network with one table per
neuron (`autograd.draw(collapse=True)`) and steps through it as the textbook
does (BACKPROP.md):

* forward, per neuron: z = Σ_j w_kj·a_j + b, then a = f(z);
* backward, per neuron from the output back: ∂C/∂a (from the loss, or
  Σ_i w_ik·δ_i of the next layer), δ = ∂C/∂a · f'(z), and the neuron's
  gradients ∂C/∂w_kj = δ·a_j, ∂C/∂b = δ;
* the updates w ← w − α·∂C/∂w, b ← b − α·∂C/∂b, per neuron.

Every number is a token of `autograd.views.live`: the value or gradient of a
node of the engine's graph, or the local derivative f'(z) of the activation's
edge, so the page recomputes them all after an edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from autograd import Value
from autograd.backprop import topological_order
from autograd.views import live
from autograd.notation import activation_name, bias_name, weight_name, weighted_input_name
from autograd.views.lesson import LessonGraph, LessonStep
from nn.teaching.derive import NetworkDerivation
from autograd.i18n import Catalog

_ = Catalog("nn")


class _Neuron(NamedTuple):
    """Neuron k of layer l (1-based) and its nodes in the graph; `sources` are what its weights multiply."""

    l: int
    k: int
    z: Value
    a: Value | None
    bias: Value | None
    weights: list[tuple[Value, Value]]  # (w[l]_kj, a[l−1]_j or x_j)

    @property
    def output(self) -> Value:
        return self.a if self.a is not None else self.z


def _neurons(graph: LessonGraph, sizes: Sequence[int]) -> list[list[_Neuron]]:
    """Every neuron of the graph, layer by layer (a neuron whose z is not in the graph is left out)."""
    layers: list[list[_Neuron]] = []
    for l in range(1, len(sizes)):
        layer = []
        for k in range(1, sizes[l] + 1):
            z = graph.named(weighted_input_name(l, k))
            if z is None:
                continue
            weights = []
            for j in range(1, sizes[l - 1] + 1):
                weight = graph.named(weight_name(l, k, j))
                source = graph.named(f"x{j}" if l == 1 else activation_name(l - 1, j))
                if source is None and l > 1:
                    source = graph.named(weighted_input_name(l - 1, j))
                if weight is not None and source is not None:
                    weights.append((weight, source))
            layer.append(_Neuron(l, k, z, graph.named(activation_name(l, k)), graph.named(bias_name(l, k)), weights))
        layers.append(layer)
    return layers


def _activation_edges(root: Value) -> dict[Value, int]:
    """For each node made by a one-operand operation, the index of its edge in the engine's order (`live` edges)."""
    index, found = 0, {}
    for node in reversed(topological_order(root)):
        if len(node.parents) == 1:
            found[node] = index
        index += len(node.parents)
    return found


class NeuronSteps:
    """The forward, backward and update steps of a network lesson, one per neuron."""

    def __init__(self, graph: LessonGraph, derivation: NetworkDerivation) -> None:
        self.graph = graph
        self.derivation = derivation
        self.layers = _neurons(graph, derivation.sizes)
        self.edges = _activation_edges(graph.root)
        self.records = graph.derivation.edges()  # in the same order: the recorded local derivatives
        self.count = sum(len(layer) for layer in self.layers)

    def _id(self, neuron: _Neuron) -> str:
        return self.graph.ids[neuron.output]

    def _sources(self, neuron: _Neuron) -> tuple[str, ...]:
        """The tables (or input boxes) a neuron reads: the highlighted ones of its steps."""
        ids = []
        for _weight, source in neuron.weights:
            layer = self.graph.ids[source]
            if layer not in ids:
                ids.append(layer)
        return tuple(ids)

    def _activation(self, neuron: _Neuron) -> str:
        return self.derivation.activations[neuron.l - 1]

    def start_step(self, title: str) -> LessonStep:
        sizes = " → ".join(map(str, self.derivation.sizes))
        nodes = len(self.graph.ids)
        return LessonStep(
            "start",
            _("how this lesson goes"),
            live.plain_text(title),
            details=(
                _(
                    "This {sizes} network has {nodes} Values, too many to step through one by one: "
                    "each neuron is one table, and each step is one neuron."
                ).format(sizes=sizes, nodes=nodes),
                _("Forward pass: for each neuron, z = Σ_j w·a + b, then its activation a = f(z)."),
                _(
                    "Backward pass, from the output back: ∂C/∂a, then δ = ∂C/∂a · f'(z), then ∂C/∂w = δ·a and ∂C/∂b = δ."
                ),
                _("Then the updates of the {count} neurons' weights and biases, w ← w − α·∂C/∂w.").format(
                    count=self.count
                ),
                _(
                    "→ or Next: one step forward; ← or Previous: one step back; Space: play or pause. "
                    "Drag the drawing to pan it, and use the mouse wheel to zoom."
                ),
            ),
        )

    def forward_steps(self) -> list[LessonStep]:
        graph, steps = self.graph, []
        for layer in self.layers:
            for neuron in layer:
                l, k = neuron.l, neuron.k
                terms = [f"{graph.data(w, 'f')} × {graph.data(source, 'f')}" for w, source in neuron.weights]
                if neuron.bias is not None:
                    terms.append(graph.data(neuron.bias, "f"))
                bias = f" + {neuron.bias.name}" if neuron.bias is not None else ""
                details = [
                    _("z[{l}]_{k} = {value}: the weighted input of neuron {k} in layer {l}").format(
                        l=l, k=k, value=graph.data(neuron.z)
                    )
                ]
                if neuron.a is not None:
                    details.append(
                        _("a[{l}]_{k} = {activation}(z[{l}]_{k}) = {value}: its output").format(
                            l=l, k=k, activation=self._activation(neuron), value=graph.data(neuron.a)
                        )
                    )
                steps.append(
                    LessonStep(
                        "forward",
                        _("layer {l} of {layers}, neuron {k} of {neurons}").format(
                            l=l, layers=len(self.layers), k=k, neurons=len(layer)
                        ),
                        f"z[{l}]_{k} = Σ_j w[{l}]_{k}j·{'x_j' if l == 1 else f'a[{l - 1}]_j'}{bias}",
                        f"= {' + '.join(terms)} = {graph.data(neuron.z)}",
                        details=tuple(details),
                        table=tuple(
                            (f"{w.name} · {graph.labels[source]}", f"{graph.data(w)} × {graph.data(source)}")
                            for w, source in neuron.weights
                        ),
                        focus=self._id(neuron),
                        related=self._sources(neuron),
                    )
                )
        return steps

    def backward_steps(self) -> list[LessonStep]:
        graph, steps = self.graph, []
        for position, layer in enumerate(reversed(self.layers)):
            following = self.layers[len(self.layers) - position] if position else []
            for neuron in layer:
                l, k = neuron.l, neuron.k
                delta = f"δ[{l}]_{k}"
                derivative = f"{self._activation(neuron)}'(z[{l}]_{k})"
                if neuron.a is None:
                    equation, numbers = f"{delta} = ∂C/∂z[{l}]_{k}", f"= {graph.grad(neuron.z)}"
                    upstream_text = ""
                else:
                    edge = self.edges[neuron.a]
                    local = graph.number("l", edge, self.records[edge].local, "f")
                    equation = f"{delta} = ∂C/∂a[{l}]_{k} · {derivative}"
                    numbers = f"= {graph.grad(neuron.a, 'f')} × {local} = {graph.grad(neuron.z)}"
                    upstream_text = self._upstream(neuron, following)
                rows = [
                    (f"∂C/∂{w.name} = {delta}·{graph.labels[source]}", f"{graph.grad(neuron.z, 'f')} × "
                     f"{graph.data(source, 'f')} = {graph.grad(w)}")
                    for w, source in neuron.weights
                ]
                if neuron.bias is not None:
                    rows.append((f"∂C/∂{neuron.bias.name} = {delta}", graph.grad(neuron.bias)))
                details = [upstream_text] if upstream_text else []
                details.append(
                    _("{delta} = ∂C/∂z[{l}]_{k}: the delta rule; the table gives the neuron's gradients").format(
                        delta=delta, l=l, k=k
                    )
                )
                steps.append(
                    LessonStep(
                        "backward",
                        _("layer {l}, neuron {k}: its delta").format(l=l, k=k),
                        equation,
                        numbers,
                        details=tuple(details),
                        table=tuple(rows),
                        focus=self._id(neuron),
                        related=tuple(self._id(n) for n in following) or (graph.ids[graph.root],),
                    )
                )
        return steps

    def _upstream(self, neuron: _Neuron, following: list[_Neuron]) -> str:
        """∂C/∂a of a neuron: from the loss (output layer) or Σ_i w_ik·δ_i of the next layer."""
        graph, l, k = self.graph, neuron.l, neuron.k
        assert neuron.a is not None
        if not following:
            return _("∂C/∂a[{l}]_{k} = {value}, from the loss C").format(l=l, k=k, value=graph.grad(neuron.a))
        terms = [
            f"{graph.data(w, 'f')} × {graph.grad(n.z, 'f')}"
            for n in following
            for w, source in n.weights
            if source is neuron.a
        ]
        return f"∂C/∂a[{l}]_{k} = Σ_i w[{l + 1}]_i{k}·δ[{l + 1}]_i = {' + '.join(terms)} = {graph.grad(neuron.a)}"

    def update_steps(self, learning_rate: float) -> list[LessonStep]:
        graph, steps = self.graph, []
        alpha = graph.number("a", "", learning_rate)
        number = 0
        for layer in self.layers:
            for neuron in layer:
                number += 1
                parameters = [w for w, _source in neuron.weights] + ([neuron.bias] if neuron.bias is not None else [])
                rows = tuple(
                    (
                        parameter.name or graph.labels[parameter],
                        f"{graph.data(parameter)} − {alpha} × {graph.grad(parameter, 'f')} = "
                        f"{graph.number('u', graph.ids[parameter], parameter.data - learning_rate * graph.gradient(parameter))}",
                    )
                    for parameter in parameters
                )
                steps.append(
                    LessonStep(
                        "update",
                        _("neuron {number} of {count}").format(number=number, count=self.count),
                        _("layer {l}, neuron {k}: w ← w − α·∂C/∂w, b ← b − α·∂C/∂b").format(l=neuron.l, k=neuron.k),
                        details=(
                            _("{count} parameters, each against its gradient, with α = {alpha}").format(
                                count=len(parameters), alpha=alpha
                            ),
                        ),
                        table=rows,
                        focus=self._id(neuron),
                    )
                )
        return steps


__all__ = ["NeuronSteps"]

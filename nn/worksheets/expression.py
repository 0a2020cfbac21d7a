"""An expression's values and gradients, node by node in plain floats, by the rules and under misconceptions.

The counterpart of `nn.worksheets.network` for an expression worksheet
(``scalargrad worksheet "tanh(x*w + b)" --var x=-2..2 ...``). The nodes and
their labels are `autograd.explain`'s (``v1``, ``v2``, … for unnamed nodes,
``L`` for an unnamed output); a question asks a node's value (its label) or a
gradient ``dL/dlabel``. Each node's value is replayed from its operands' values
with the engine's own operation, and each gradient is the sum over the node's
uses of upstream × local, the local derivative being the engine's own
local-derivative function evaluated at the values `known` gives.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from autograd.i18n import Catalog
import autograd
from autograd import Value, explain
from autograd.backprop import topological_order
from autograd.parser.expression import parse_expression
from nn.worksheets.misconceptions import chain_under

_ = Catalog("nn")

ACTIVATIONS = ("tanh", "sigmoid", "relu", "leaky_relu", "softplus")
"""Operations a student may treat as having derivative 1 (missing_activation_derivative)."""

_REPLAY: dict[str, Callable[..., Value]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
    "neg": lambda a: -a,
    "abs": abs,
    "exp": Value.exp,
    "log": Value.log,
    "sqrt": Value.sqrt,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "softplus": Value.softplus,
    "sin": Value.sin,
    "cos": Value.cos,
}


@dataclass(frozen=True, order=True)
class NodeQuantity:
    """A node's value (kind ``"value"``) or the output's gradient with respect to it (kind ``"gradient"``)."""

    kind: str
    label: str
    output: str = "L"

    @property
    def notation(self) -> str:
        """``v2`` for a value, ``dL/dx`` for a gradient."""
        return self.label if self.kind == "value" else f"d{self.output}/d{self.label}"

    def __str__(self) -> str:
        return self.notation


Lookup = Callable[[NodeQuantity], float]


class ExpressionStep:
    """The forward and backward pass of `expression` at the numbers `variables` gives."""

    def __init__(self, expression: str, variables: Mapping[str, float]) -> None:
        self.expression = expression
        self.variables = dict(variables)
        root = parse_expression(expression, self.variables)
        self.derivation = explain(root)
        self.output = self.derivation.root
        self.order = topological_order(root)
        self.labels = {node: self.derivation.label(node) for node in self.order}
        self.nodes = {label: node for node, label in self.labels.items()}
        self.uses: dict[str, list[tuple[Value, int]]] = {label: [] for label in self.nodes}
        for node in self.order:
            for position, parent in enumerate(node.parents):
                self.uses[self.labels[parent]].append((node, position))

    def quantities(self) -> list[NodeQuantity]:
        """Every operation's value in forward order, then every gradient (constants' aside) from the output back."""
        values = [NodeQuantity("value", self.labels[n], self.output) for n in self.order if n.local_grads is not None]
        gradients = [
            NodeQuantity("gradient", self.labels[n], self.output)
            for n in reversed(self.order)
            if (n.local_grads is not None or n.name is not None) and self.labels[n] != self.output
        ]
        return values + gradients

    def parse(self, notation: str) -> NodeQuantity:
        """The quantity a key's notation names; ValueError if the expression has no such node."""
        prefix = f"d{self.output}/d"
        kind, label = ("gradient", notation[len(prefix) :]) if notation.startswith(prefix) else ("value", notation)
        if label not in self.nodes:
            raise ValueError(
                _("{notation!r} names no node of {expression!r}; its nodes are {names}").format(
                    notation=notation, expression=self.expression, names=', '.join(self.nodes)
                )
            )
        return NodeQuantity(kind, label, self.output)

    def engine_numbers(self) -> dict[NodeQuantity, float]:
        """The engine's value of every node and gradient of the output with respect to each."""
        found = {NodeQuantity("value", step.label, self.output): step.value for step in self.derivation.forward}
        for label, gradient in self.derivation.gradients.items():
            found[NodeQuantity("gradient", label, self.output)] = gradient
        return found

    def _value(self, node: Value, known: Lookup) -> float:
        """A node's value: a leaf's own number, an operation's from `known`."""
        if node.local_grads is None:
            return node.data
        return known(NodeQuantity("value", self.labels[node], self.output))

    def candidates(self, quantity: NodeQuantity, known: Lookup, misconception: str | None = None) -> list[float]:
        """`quantity` from the numbers `known` gives, by the rule (one number) or by `misconception` (the ways it errs)."""
        node = self.nodes[quantity.label]
        try:
            if quantity.kind == "value":
                return [self._replay(node, known)] if misconception is None else []
            return self._gradients(node, known, misconception)
        except (KeyError, ArithmeticError, ValueError):
            return []

    def _replay(self, node: Value, known: Lookup) -> float:
        operands = [Value(self._value(parent, known)) for parent in node.parents]
        exponent = getattr(node.local_grads, "exponent", None)
        slope = getattr(node.local_grads, "slope", None)
        with autograd.no_grad():
            if exponent is not None:
                return (operands[0] ** exponent).data
            if slope is not None:
                return operands[0].leaky_relu(slope).data
            if node.op not in _REPLAY:
                raise KeyError(node.op)
            return _REPLAY[node.op](*operands).data

    def _local(self, user: Value, position: int, known: Lookup, at_output: bool = False) -> float:
        """∂user/∂(its operand at `position`) by the engine's rule; `at_output` evaluates f' at f's output instead."""
        inputs = [self._value(parent, known) for parent in user.parents]
        out = self._value(user, known)
        if at_output:
            inputs = [out]
            with autograd.no_grad():
                out = _REPLAY[user.op](Value(out)).data
        assert user.local_grads is not None  # a node with operands is an operation
        return float(user.local_grads(out, *inputs)[position])

    def _gradients(self, node: Value, known: Lookup, misconception: str | None) -> list[float]:
        label = self.labels[node]
        uses = self.uses[label]

        def upstream(user: Value) -> float:
            return (
                1.0
                if self.labels[user] == self.output
                else known(NodeQuantity("gradient", self.labels[user], self.output))
            )

        def term(user: Value, position: int, local: str = "") -> float:
            if local == "one" and user.op in ACTIVATIONS:
                return upstream(user)
            at_output = local == "at_output" and user.op in ("sigmoid", "tanh")
            return upstream(user) * self._local(user, position, known, at_output)

        right = math.fsum(term(user, position) for user, position in uses)
        if misconception is None:
            return [right]
        if misconception == "missed_path_sum" and len(uses) > 1:
            return [term(user, position) for user, position in uses]
        if misconception == "missing_activation_derivative" and any(u.op in ACTIVATIONS for u, _ in uses):
            return [math.fsum(term(user, position, "one") for user, position in uses)]
        if misconception == "derivative_at_activation" and any(u.op in ("sigmoid", "tanh") for u, _ in uses):
            return [math.fsum(term(user, position, "at_output") for user, position in uses)]
        return []

    def chain(self, misconception: str | None = None, way: int = 0) -> dict[NodeQuantity, float]:
        """Every quantity from the ones before it; under a misconception, wrong the same `way` wherever it applies."""
        return chain_under(self.quantities(), self.candidates, misconception, way)

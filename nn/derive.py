"""The textbook derivation of gradient-descent steps on a small network, with every number.

`derive(model, inputs, targets, loss, learning_rate)` writes out what the seed
tutorials write by hand (notation of BACKPROP.md; δ[l]_k = ∂C/∂z[l]_k):

1. the forward pass, layer by layer: z[l]_k = Σ_j w[l]_kj·a[l−1]_j + b[l]_k and a[l]_k = f(z[l]_k);
2. the loss C and the output delta δ[L] with the formula of that loss/activation
   pair (o − y for sigmoid + bce and for softmax + cross-entropy, (o − y)·o(1 − o)
   for sigmoid + half_sse, …);
3. the delta rule for each hidden layer: δ[l]_k = (Σ_m δ[l+1]_m · w[l+1]_mk) · f'(z[l]_k);
4. the gradients ∂C/∂w[l]_kj = δ[l]_k · a[l−1]_j and ∂C/∂b[l]_k = δ[l]_k (the
   bias enters z by addition, so ∂z/∂b = 1); with ``bias_as_weight=True`` also
   the bias as the weight w[l]_k0 of a constant input a[l−1]_0 = 1;
5. the updates w ← w − α·∂C/∂w, b ← b − α·∂C/∂b and the output and loss after the step;
6. a check: the gradients and deltas computed by these formulas must equal the
   engine's ``.grad`` after ``loss.backward()`` on the same forward graph, or
   `GradientMismatchError` is raised;
7. for a batch, every example's forward pass and deltas, and gradients summed
   (``reduction='sum'``, seed 004's C_T = Σ_n C_n) or averaged over the examples;
8. the mean |δ| of each layer, which shows vanishing gradients (seed 001).

The forward values come from the engine (the named nodes of `nn`); the deltas
and gradients are computed from them with the textbook formulas, written out
here on purpose, so the check compares two independent routes.

`NetworkDerivation` renders as aligned text (``str``), Markdown, LaTeX (a complete
document) and JSON-ready data (`NetworkDerivation.to_dict`, schema below).

JSON schema (``"schema": "scalargrad.derive/1"``)::

    {"schema": "scalargrad.derive/1",
     "network": {"inputs": n, "layers": [{"neurons", "activation"}], "loss",
                 "reduction", "learning_rate", "bias_as_weight"},
     "steps": [{"step": 1,
                "weights": [layer][k][j] (null = absent), "biases": [layer][k] or null,
                "examples": [{"input", "target", "z": [layer][k], "a": [layer][k],
                              "output" (o: a[L], or softmax/σ of it for a logits loss),
                              "loss" (C_n), "delta": [layer][k] (∂C_n/∂z)}],
                "loss" (C over the batch),
                "weight_gradients", "bias_gradients" (shaped as weights, biases),
                "updated_weights", "updated_biases",
                "outputs_after": [example][k], "loss_after",
                "mean_abs_delta": [layer], "check": {"compared", "max_abs_difference"}}]}
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import autograd
from autograd import Value
from autograd.explain import TERMINAL_WIDTH, align_columns, format_factor, format_number, text_to_latex
from autograd.notation import activation_name, bias_name, weight_name, weighted_input_name
from nn._validation import describe, finite_number, sequence
from nn.activations import LEAKY_RELU_SLOPE
from nn.layers import MLP
from nn.losses import BCE_EPSILON, LOSSES

SCHEMA = "scalargrad.derive/1"
"""Identifies the layout of `NetworkDerivation.to_dict`."""

CHECK_TOLERANCE = 1e-9
"""A formula gradient g and the engine's gradient e agree when |g − e| <= CHECK_TOLERANCE·max(1, |e|)."""

LONG_FORMULA = 72
"""Sums with more characters than this are written with Σ instead of term by term."""

Weights = list[list[list[float | None]]]
Biases = list[list[float | None] | None]


class GradientMismatchError(AssertionError):
    """A gradient from the textbook formulas differs from the engine's: one of the two is wrong."""


# ---------------------------------------------------------------- the textbook's formulas

LOSS_FORMULAS = {
    "half_sse": "C = ½ Σ_k (y_k − o_k)²",
    "mse": "C = (1/n) Σ_k (o_k − y_k)²",
    "bce": "C = −Σ_k [y_k·ln o_k + (1 − y_k)·ln(1 − o_k)]",
    "bce_with_logits": "C = Σ_k [softplus(z_k) − y_k·z_k] = bce of o = σ(z)",
    "cross_entropy": "C = −Σ_k y_k·ln o_k with o = softmax(z) (logsumexp(z) − Σ_k y_k·z_k)",
    "hinge": "C = Σ_k max(0, 1 − y_k·o_k)",
}
"""Each loss per example; n is the number of output neurons."""

_LOGIT_LOSSES = {"cross_entropy": "softmax", "bce_with_logits": "σ"}
"""Losses that take the output layer's a[L] as logits and turn them into the prediction o themselves."""


def _loss_gradient(loss: str, outputs: list[float], targets: list[float]) -> list[float]:
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
    raise ValueError(f"unknown loss {loss!r}; valid names are {', '.join(map(repr, LOSSES))}")


_LOSS_GRADIENT_TEXT: dict[str, tuple[str, Callable[[float, float, int], str]]] = {
    "half_sse": ("o_{k} − y_{k}", lambda o, y, n: f"{format_factor(o)} − {format_factor(y)}"),
    "mse": ("(2/n)(o_{k} − y_{k})", lambda o, y, n: f"(2/{n}) × ({format_factor(o)} − {format_factor(y)})"),
    "bce": (
        "(o_{k} − y_{k}) / (o_{k}(1 − o_{k}))",
        lambda o, y, n: f"({format_factor(o)} − {format_factor(y)}) / ({format_factor(o)} × (1 − {format_factor(o)}))",
    ),
    "bce_with_logits": ("o_{k} − y_{k}", lambda o, y, n: f"{format_factor(o)} − {format_factor(y)}"),
    "cross_entropy": ("o_{k} − y_{k}", lambda o, y, n: f"{format_factor(o)} − {format_factor(y)}"),
    "hinge": (
        "−y_{k} if y_{k}·o_{k} < 1 else 0",
        lambda o, y, n: f"{format_number(-y) if y * o < 1 else '0'}  (y·o = {format_number(y * o)})",
    ),
}
"""∂C/∂o_k of each loss (o is the prediction), as a formula and as numbers; `_loss_gradient` computes it."""


@dataclass(frozen=True)
class _Derivative:
    """f'(z) of an activation in network notation: the formula, its numbers and its value."""

    symbol: str
    formula: Callable[[str, str], str]
    numbers: Callable[[float, float], str]
    value: Callable[[float, float], float]


_DERIVATIVES = {
    "sigmoid": _Derivative(
        "σ'",
        lambda z, a: f"{a}·(1 − {a})",
        lambda z, a: f"{format_factor(a)} × (1 − {format_factor(a)})",
        lambda z, a: a * (1.0 - a),
    ),
    "tanh": _Derivative(
        "tanh'",
        lambda z, a: f"1 − {a}²",
        lambda z, a: f"(1 − {format_factor(a)}²)",
        lambda z, a: 1.0 - a * a,
    ),
    "relu": _Derivative(
        "relu'",
        lambda z, a: f"(1 if {z} > 0 else 0)",
        lambda z, a: "1" if z > 0 else "0",
        lambda z, a: 1.0 if z > 0 else 0.0,
    ),
    "leaky_relu": _Derivative(
        "leaky_relu'",
        lambda z, a: f"(1 if {z} > 0 else {format_number(LEAKY_RELU_SLOPE)})",
        lambda z, a: "1" if z > 0 else format_number(LEAKY_RELU_SLOPE),
        lambda z, a: 1.0 if z > 0 else LEAKY_RELU_SLOPE,
    ),
    "linear": _Derivative("f'", lambda z, a: "1", lambda z, a: "1", lambda z, a: 1.0),
}
"""f'(z) of each elementwise activation, written from a = f(z) as the textbook does."""

_ACTIVATION_SYMBOLS = {
    "sigmoid": "σ",
    "tanh": "tanh",
    "relu": "relu",
    "leaky_relu": "leaky_relu",
    "linear": "",
    "softmax": "softmax",
}


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _softmax(zs: list[float]) -> list[float]:
    top = max(zs)
    exps = [math.exp(z - top) for z in zs]
    total = math.fsum(exps)
    return [e / total for e in exps]


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class ExampleRecord:
    """One example's forward values and deltas in one step (lists indexed [layer − 1][k − 1])."""

    input: list[float]
    target: list[float]
    z: list[list[float]]
    a: list[list[float]]
    output: list[float]
    loss: float
    delta: list[list[float]]


@dataclass(frozen=True)
class StepRecord:
    """Every number of one gradient-descent step."""

    step: int
    weights: Weights
    biases: Biases
    examples: list[ExampleRecord]
    loss: float
    weight_gradients: Weights
    bias_gradients: Biases
    updated_weights: Weights
    updated_biases: Biases
    outputs_after: list[list[float]]
    loss_after: float
    mean_abs_delta: list[float]
    compared: int
    max_abs_difference: float


@dataclass(frozen=True)
class _Equation:
    """``lhs = formula = numbers = value``; empty parts are left out."""

    lhs: str
    formula: str
    numbers: str
    value: str
    relation: str = "="


@dataclass
class _Block:
    """A titled group of equations, with the general formulas it applies first."""

    title: str
    formulas: list[str] = field(default_factory=list)
    equations: list[_Equation] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the computation


def derive(
    model: MLP,
    inputs: Sequence[Any],
    targets: Sequence[Any] | float,
    loss: str,
    learning_rate: float,
    *,
    steps: int = 1,
    reduction: str = "sum",
    bias_as_weight: bool = False,
) -> NetworkDerivation:
    """Derive `steps` gradient-descent steps of `model` on one example or a batch, textbook style.

    Args:
        model: an `MLP`; it is not changed (the steps run on a copy).
        inputs: one example (a list of numbers) or a batch (a list of such lists).
        targets: the target of that example (a number or a list, one entry per
            output neuron), or for a batch one such target per example.
        loss: a name from `nn.losses.LOSSES`. ``'cross_entropy'`` and
            ``'bce_with_logits'`` take the output layer's a[L] as logits (build it
            'linear'); the prediction o is then softmax(a[L]) or σ(a[L]).
        learning_rate: α in w ← w − α·∂C/∂w.
        steps: how many steps to derive, each on the parameters the last one left.
        reduction: ``'sum'`` (C = Σ_n C_n, seed 004) or ``'mean'`` over a batch.
        bias_as_weight: also show each bias as the weight w[l]_k0 of a constant input 1.

    Raises:
        GradientMismatchError: a formula gradient differs from the engine's.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"derive needs an nn.MLP, got {describe(model)}")
    batch, batch_targets = _as_batch(inputs, targets)
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; valid names are {', '.join(map(repr, LOSSES))}")
    if loss in _LOGIT_LOSSES and model.layers[-1].activation != "linear":
        raise ValueError(
            f"{loss} takes logits and applies {_LOGIT_LOSSES[loss]} itself, so the output layer must be 'linear', "
            f"not {model.layers[-1].activation!r}; build the model with output_activation='linear'"
        )
    if reduction not in ("sum", "mean"):
        raise ValueError(f"reduction must be 'sum' or 'mean', got {reduction!r}")
    rate = finite_number(learning_rate, "learning_rate")
    if rate <= 0:
        raise ValueError(f"learning_rate must be positive, got {rate!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    if not isinstance(bias_as_weight, bool):
        raise TypeError(f"bias_as_weight must be True or False, got {bias_as_weight!r}")
    working = MLP.from_dict(model.to_dict())
    records = [_step(working, batch, batch_targets, loss, reduction, rate, number) for number in range(1, steps + 1)]
    return NetworkDerivation(model.to_dict(), batch, batch_targets, loss, reduction, rate, bias_as_weight, records)


def _as_batch(inputs: Sequence[Any], targets: Any) -> tuple[list[list[float]], list[Any]]:
    """(batch of inputs, one target per example): a single example is recognised by its numbers."""
    entries = sequence(inputs, "inputs")
    if not entries:
        raise ValueError("inputs: expected one example (a list of numbers) or a batch (a list of lists), got []")
    if not isinstance(entries[0], (list, tuple)):
        return [[finite_number(x, f"inputs[{j}]") for j, x in enumerate(entries)]], [targets]
    batch = [
        [finite_number(x, f"inputs[{n}][{j}]") for j, x in enumerate(sequence(e, f"inputs[{n}]"))]
        for n, e in enumerate(entries)
    ]
    target_list = sequence(targets, "targets")
    if len(target_list) != len(batch):
        raise ValueError(f"targets: expected {len(batch)} targets (one per example in inputs), got {len(target_list)}")
    return batch, target_list


def _parameters(model: MLP) -> tuple[Weights, Biases]:
    weights: Weights = [
        [[None if w is None else w.data for w in neuron.w] for neuron in layer.neurons] for layer in model.layers
    ]
    biases: Biases = []
    for layer in model.layers:
        layer_biases = [None if neuron.b is None else neuron.b.data for neuron in layer.neurons]
        biases.append(None if all(b is None for b in layer_biases) else layer_biases)
    return weights, biases


@dataclass
class _Forward:
    """One example's forward graph: z and a nodes per layer."""

    z: list[list[Value]]
    a: list[list[Value]]


def _forward(model: MLP, x: list[float]) -> _Forward:
    """Run the layers one by one and pick out each neuron's z node (a itself for a 'linear' neuron).

    Under `autograd.no_grad` there is no graph to find z in; only the a's are kept then.
    """
    activations: list[Value] = [Value(value) for value in x]
    zs, as_ = [], []
    for layer in model.layers:
        activations = layer(activations)
        as_.append(activations)
        if layer.activation == "linear":
            zs.append(activations)
        elif autograd.is_grad_enabled():
            zs.append(_weighted_inputs(activations, layer.neurons[0].layer_index))
    return _Forward(zs, as_)


def _weighted_inputs(outputs: list[Value], layer: int) -> list[Value]:
    """The z[l]_k nodes below a layer's outputs, found by name, without walking past them."""
    wanted = {weighted_input_name(layer, k): k for k in range(1, len(outputs) + 1)}
    found: dict[int, Value] = {}
    stack, seen = list(outputs), set(outputs)
    while stack and len(found) < len(wanted):
        node = stack.pop()
        if node.name in wanted:
            found[wanted[node.name]] = node
            continue
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return [found[k] for k in range(1, len(outputs) + 1)]


def _prediction(loss: str, output_layer: list[float]) -> list[float]:
    """o: the output layer's activations, or softmax/σ of them for a loss that takes logits."""
    if loss == "cross_entropy":
        return _softmax(output_layer)
    if loss == "bce_with_logits":
        return [_sigmoid(z) for z in output_layer]
    return list(output_layer)


def _output_delta(activation: str, loss: str, z: list[float], a: list[float], target: list[float]) -> list[float]:
    """δ[L]_k = ∂C/∂z[L]_k of one example from the loss's ∂C/∂a[L] and the output activation."""
    gradient = _loss_gradient(loss, a, target)
    if activation == "softmax":
        weighted = math.fsum(g * o for g, o in zip(gradient, a))
        return [o * (g - weighted) for g, o in zip(gradient, a)]
    derivative = _DERIVATIVES[activation]
    return [g * derivative.value(zk, ak) for g, zk, ak in zip(gradient, z, a)]


def _hidden_delta(
    weights_above: list[list[float | None]], delta_above: list[float], activation: str, z: list[float], a: list[float]
) -> list[float]:
    """The delta rule: δ[l]_k = (Σ_m δ[l+1]_m · w[l+1]_mk) · f'(z[l]_k); absent connections add nothing."""
    derivative = _DERIVATIVES[activation]
    return [
        math.fsum(d * row[k] for d, row in zip(delta_above, weights_above) if row[k] is not None)
        * derivative.value(z[k], a[k])
        for k in range(len(z))
    ]


def _step(
    model: MLP, batch: list[list[float]], targets: list[Any], loss: str, reduction: str, rate: float, number: int
) -> StepRecord:
    weights, biases = _parameters(model)
    forwards = [_forward(model, x) for x in batch]
    total = LOSSES[loss]([f.a[-1] for f in forwards], targets, reduction)
    # The loss function has checked every target; read them back as one number per output neuron.
    target_rows = [_target_row(loss, t, len(f.a[-1])) for t, f in zip(targets, forwards)]
    model.zero_grad()
    total.backward()

    activations = [layer.activation for layer in model.layers]
    examples = []
    for x, y, forward in zip(batch, target_rows, forwards):
        z = [[node.data for node in layer] for layer in forward.z]
        a = [[node.data for node in layer] for layer in forward.a]
        delta = [[] for _ in a]
        delta[-1] = _output_delta(activations[-1], loss, z[-1], a[-1], y)
        for l in range(len(a) - 2, -1, -1):
            delta[l] = _hidden_delta(weights[l + 1], delta[l + 1], activations[l], z[l], a[l])
        with autograd.no_grad():
            example_loss = LOSSES[loss]([forward.a[-1]], [y]).data
        examples.append(ExampleRecord(x, y, z, a, _prediction(loss, a[-1]), example_loss, delta))

    scale = 1.0 if reduction == "sum" else 1.0 / len(batch)
    weight_gradients, bias_gradients = _gradients(weights, biases, examples, scale)
    compared, difference = _check(model, forwards, examples, weight_gradients, bias_gradients, scale)

    updated_weights = [
        [[None if w is None else w - rate * g for w, g in zip(row, grow)] for row, grow in zip(layer, glayer)]
        for layer, glayer in zip(weights, weight_gradients)
    ]
    updated_biases: Biases = [
        None if layer is None else [None if b is None else b - rate * g for b, g in zip(layer, glayer)]
        for layer, glayer in zip(biases, bias_gradients)
    ]
    _set_parameters(model, updated_weights, updated_biases)
    with autograd.no_grad():
        after = [_forward(model, x).a[-1] for x in batch]
        loss_after = LOSSES[loss](after, target_rows, reduction).data
    outputs_after = [_prediction(loss, [node.data for node in outs]) for outs in after]

    sizes = [
        math.fsum(abs(d) for e in examples for d in e.delta[l]) / (len(examples) * len(e_l))
        for l, e_l in enumerate(examples[0].delta)
    ]
    return StepRecord(
        number,
        weights,
        biases,
        examples,
        total.data,
        weight_gradients,
        bias_gradients,
        updated_weights,
        updated_biases,
        outputs_after,
        loss_after,
        sizes,
        compared,
        difference,
    )


def _target_row(loss: str, target: Any, n_outputs: int) -> list[float]:
    """A target as one float per output neuron (a class index becomes one-hot for cross_entropy)."""
    if loss == "cross_entropy" and isinstance(target, int) and not isinstance(target, bool):
        return [1.0 if k == target else 0.0 for k in range(n_outputs)]
    if isinstance(target, (list, tuple)):
        return [float(t) for t in target]
    return [float(target)]


def _gradients(weights: Weights, biases: Biases, examples: list[ExampleRecord], scale: float) -> tuple[Weights, Biases]:
    """∂C/∂w[l]_kj = scale·Σ_n δ[l]_k·a[l−1]_j and ∂C/∂b[l]_k = scale·Σ_n δ[l]_k (a[0] = x)."""
    weight_gradients: Weights = []
    bias_gradients: Biases = []
    for l, layer in enumerate(weights):
        below = [e.input if l == 0 else e.a[l - 1] for e in examples]
        weight_gradients.append(
            [
                [
                    None if w is None else scale * math.fsum(e.delta[l][k] * a[j] for e, a in zip(examples, below))
                    for j, w in enumerate(row)
                ]
                for k, row in enumerate(layer)
            ]
        )
        layer_biases = biases[l]
        bias_gradients.append(
            None
            if layer_biases is None
            else [
                None if b is None else scale * math.fsum(e.delta[l][k] for e in examples)
                for k, b in enumerate(layer_biases)
            ]
        )
    return weight_gradients, bias_gradients


def _check(
    model: MLP,
    forwards: list[_Forward],
    examples: list[ExampleRecord],
    weight_gradients: Weights,
    bias_gradients: Biases,
    scale: float,
) -> tuple[int, float]:
    """Compare every formula gradient and delta with the engine's ``.grad``; raise on a mismatch."""
    pairs: list[tuple[str, float, float]] = []
    for l, layer in enumerate(model.layers):
        for k, neuron in enumerate(layer.neurons):
            for j, w in enumerate(neuron.w):
                if w is not None:
                    pairs.append((weight_name(l + 1, k + 1, j + 1), weight_gradients[l][k][j], w.grad))
            if neuron.b is not None:
                pairs.append((bias_name(l + 1, k + 1), bias_gradients[l][k], neuron.b.grad))
            for n, (forward, example) in enumerate(zip(forwards, examples), start=1):
                name = f"δ[{l + 1}]_{k + 1}" + (f" of example {n}" if len(examples) > 1 else "")
                pairs.append((name, scale * example.delta[l][k], forward.z[l][k].grad))
    worst = 0.0
    for name, formula, engine in pairs:
        difference = abs(formula - engine)
        if not difference <= CHECK_TOLERANCE * max(1.0, abs(engine)):
            raise GradientMismatchError(
                f"{name}: the formulas give {formula!r} but the engine's .grad is {engine!r} "
                f"(difference {difference:.3g}); the derivation or the engine is wrong"
            )
        worst = max(worst, difference)
    return len(pairs), worst


def _set_parameters(model: MLP, weights: Weights, biases: Biases) -> None:
    for layer, layer_weights, layer_biases in zip(model.layers, weights, biases):
        for k, neuron in enumerate(layer.neurons):
            for parameter, value in zip(neuron.w, layer_weights[k]):
                if parameter is not None and value is not None:
                    parameter.data = value
            if neuron.b is not None and layer_biases is not None and layer_biases[k] is not None:
                neuron.b.data = layer_biases[k]


# ---------------------------------------------------------------- the derivation


class NetworkDerivation:
    """The derivation of one or more gradient-descent steps; render with str(), to_markdown(), to_latex(), to_dict().

    Attributes:
        steps: one `StepRecord` per step, with every number.
        loss, reduction, learning_rate, bias_as_weight: as given to `derive`.
    """

    def __init__(
        self,
        network: dict[str, Any],
        inputs: list[list[float]],
        targets: list[Any],
        loss: str,
        reduction: str,
        learning_rate: float,
        bias_as_weight: bool,
        steps: list[StepRecord],
    ) -> None:
        self._network = network
        self._inputs = inputs
        self._targets = targets
        self.loss = loss
        self.reduction = reduction
        self.learning_rate = learning_rate
        self.bias_as_weight = bias_as_weight
        self.steps = steps

    @property
    def activations(self) -> list[str]:
        """Each layer's activation name."""
        return [layer["activation"] for layer in self._network["layers"]]

    @property
    def sizes(self) -> list[int]:
        """Number of inputs, then the number of neurons of each layer."""
        first = self._network["layers"][0]["weights"][0]
        return [len(first)] + [len(layer["weights"]) for layer in self._network["layers"]]

    def graph_loss(self, example: int = 0) -> Value:
        """The loss of one example at the first step's parameters, after ``backward()``: what ``--graph`` draws.

        Each call builds a fresh graph, so drawing it changes nothing here.
        """
        model = MLP.from_dict(self._network)
        outputs = model(self._inputs[example])
        loss = LOSSES[self.loss]([outputs], [self._targets[example]])
        loss.backward()
        return loss

    # ------------------------------------------------------------ content

    def _header(self) -> list[str]:
        sizes = self.sizes
        layers = " → ".join(f"{n} {activation}" for n, activation in zip(sizes[1:], self.activations))
        batch = len(self._inputs)
        lines = [
            f"Network: {sizes[0]} inputs → {layers}",
            f"Loss: {self.loss}, {LOSS_FORMULAS[self.loss]} per example"
            + (
                f"; over the batch of {batch}: C = {'Σ_n C_n' if self.reduction == 'sum' else '(1/N) Σ_n C_n'}"
                if batch > 1
                else ""
            ),
            f"Learning rate: α = {format_number(self.learning_rate)}",
            "Notation: z[l]_k = Σ_j w[l]_kj·a[l−1]_j + b[l]_k, a[l]_k = f(z[l]_k), a[0] = x, δ[l]_k = ∂C/∂z[l]_k",
        ]
        if self.loss in _LOGIT_LOSSES:
            prediction = f"{_LOGIT_LOSSES[self.loss]}(a[L])"
            lines.append(f"The output layer gives logits; {self.loss} turns them into the prediction o = {prediction}.")
        return lines

    def _blocks(self, record: StepRecord) -> list[_Block]:
        blocks: list[_Block] = []
        many = len(record.examples) > 1
        for n, example in enumerate(record.examples, start=1):
            blocks.extend(self._forward_blocks(record, example, n, many))
            blocks.append(self._output_delta_block(example, n, many))
            blocks.extend(self._hidden_delta_blocks(record, example, n, many))
        if many:
            blocks.append(self._loss_block(record))
        blocks.extend(self._gradient_blocks(record))
        blocks.append(self._update_block(record))
        blocks.append(self._after_block(record))
        blocks.append(self._size_block(record))
        return blocks

    def _forward_blocks(self, record: StepRecord, example: ExampleRecord, n: int, many: bool) -> list[_Block]:
        which = f"example {n}: " if many else ""
        blocks = []
        for l, activation in enumerate(self.activations):
            layer = l + 1
            title = f"Forward, {which}layer {layer} ({activation})"
            if l == 0:
                title += f", input a[0] = x = {_vector(example.input)}"
            block = _Block(
                title,
                [
                    f"z[{layer}]_k = Σ_j w[{layer}]_kj · a[{layer - 1}]_j"
                    + (f" + b[{layer}]_k" if record.biases[l] is not None else "")
                    + ",  "
                    + _activation_formula(activation, layer)
                ],
            )
            below = example.input if l == 0 else example.a[l - 1]
            for k, z in enumerate(example.z[l]):
                bias = None if record.biases[l] is None else record.biases[l][k]
                formula, numbers = _weighted_sum(layer, k + 1, record.weights[l][k], below, bias)
                block.equations.append(_Equation(weighted_input_name(layer, k + 1), formula, numbers, format_number(z)))
                if activation != "linear":
                    symbol = _ACTIVATION_SYMBOLS[activation]
                    arguments = (
                        f"z[{layer}]_1..{len(example.z[l])}"
                        if activation == "softmax"
                        else weighted_input_name(layer, k + 1)
                    )
                    block.equations.append(
                        _Equation(
                            activation_name(layer, k + 1),
                            f"{symbol}({arguments})" + (f"_{k + 1}" if activation == "softmax" else ""),
                            "" if activation == "softmax" else f"{symbol}({format_number(z)})",
                            format_number(example.a[l][k]),
                        )
                    )
            if l == len(self.activations) - 1:
                if self.loss in _LOGIT_LOSSES:
                    block.remarks.append(
                        f"prediction o = {_LOGIT_LOSSES[self.loss]}(a[{layer}]) = {_vector(example.output)}"
                    )
                else:
                    block.remarks.append(f"output o = a[{layer}] = {_vector(example.output)}")
                block.remarks.append(f"target y = {_vector(example.target)}")
                block.remarks.append(f"loss C{'_' + str(n) if many else ''} = {format_number(example.loss)}")
            blocks.append(block)
        return blocks

    def _output_delta_block(self, example: ExampleRecord, n: int, many: bool) -> _Block:
        layer = len(self.activations)
        activation = self.activations[-1]
        general, per_neuron = _output_delta_forms(activation, self.loss, layer)
        which = f"example {n}, " if many else ""
        block = _Block(
            f"Output delta, {which}layer {layer} ({activation} output, {self.loss} loss)", [f"δ[{layer}]_k = {general}"]
        )
        outputs_n = len(example.a[-1])
        for k in range(outputs_n):
            formula, numbers = per_neuron(k, example)
            block.equations.append(
                _Equation(f"δ[{layer}]_{k + 1}", formula, numbers, format_number(example.delta[-1][k]))
            )
        return block

    def _hidden_delta_blocks(self, record: StepRecord, example: ExampleRecord, n: int, many: bool) -> list[_Block]:
        blocks = []
        which = f"example {n}, " if many else ""
        for l in range(len(self.activations) - 2, -1, -1):
            layer, activation = l + 1, self.activations[l]
            derivative = _DERIVATIVES[activation]
            block = _Block(
                f"Delta rule, {which}layer {layer} ({activation})",
                [
                    f"δ[{layer}]_k = (Σ_m δ[{layer + 1}]_m · w[{layer + 1}]_mk) · {derivative.symbol}(z[{layer}]_k),"
                    f"  {derivative.symbol}(z[{layer}]_k) = {derivative.formula(f'z[{layer}]_k', f'a[{layer}]_k')}"
                ],
            )
            above = record.weights[l + 1]
            for k in range(len(example.z[l])):
                links = [(m, row[k]) for m, row in enumerate(above) if row[k] is not None]
                symbols = " + ".join(f"δ[{layer + 1}]_{m + 1}·{weight_name(layer + 1, m + 1, k + 1)}" for m, _ in links)
                numbers = " + ".join(f"{format_factor(example.delta[l + 1][m])} × {format_factor(w)}" for m, w in links)
                z, a = example.z[l][k], example.a[l][k]
                fprime = derivative.numbers(z, a)
                if not links:
                    symbols, numbers = "0", "0"
                numbers = f"({numbers}) × {fprime}"
                if len(numbers) > LONG_FORMULA:
                    numbers = f"{format_factor(math.fsum(example.delta[l + 1][m] * w for m, w in links))} × {fprime}"
                block.equations.append(
                    _Equation(
                        f"δ[{layer}]_{k + 1}",
                        f"({symbols}) · {derivative.symbol}(z[{layer}]_{k + 1})",
                        numbers,
                        format_number(example.delta[l][k]),
                    )
                )
            blocks.append(block)
        return blocks

    def _loss_block(self, record: StepRecord) -> _Block:
        terms = " + ".join(format_factor(e.loss) for e in record.examples)
        formula = "Σ_n C_n" if self.reduction == "sum" else "(1/N) Σ_n C_n"
        numbers = terms if self.reduction == "sum" else f"({terms}) / {len(record.examples)}"
        if len(numbers) > LONG_FORMULA:
            numbers = ""
        return _Block("Loss over the batch", [], [_Equation("C", formula, numbers, format_number(record.loss))])

    def _gradient_blocks(self, record: StepRecord) -> list[_Block]:
        many = len(record.examples) > 1
        scale_text = "" if self.reduction == "sum" else "(1/N) "
        total = f"{scale_text}Σ_n " if many else ""
        blocks = []
        for l in range(len(self.activations) - 1, -1, -1):
            layer = l + 1
            formulas = [f"∂C/∂w[{layer}]_kj = {total}δ[{layer}]_k · a[{layer - 1}]_j"]
            if record.biases[l] is not None:
                addition = f"∂z[{layer}]_k/∂b[{layer}]_k = 1"
                formulas.append(f"∂C/∂b[{layer}]_k = {total}δ[{layer}]_k · 1  (b enters z by addition: {addition})")
                if self.bias_as_weight:
                    formulas.append(
                        f"as a weight: b[{layer}]_k = w[{layer}]_k0 on a constant input a[{layer - 1}]_0 = 1, "
                        f"so ∂C/∂w[{layer}]_k0 = {total}δ[{layer}]_k · a[{layer - 1}]_0"
                    )
            block = _Block(f"Gradients, layer {layer}", formulas)
            scale = 1.0 if self.reduction == "sum" else 1.0 / len(record.examples)
            for k, row in enumerate(record.weights[l]):
                for j, w in enumerate(row):
                    if w is None:
                        continue
                    below = [e.input[j] if l == 0 else e.a[l - 1][j] for e in record.examples]
                    products = [(e.delta[l][k], a) for e, a in zip(record.examples, below)]
                    symbol = f"{total}δ[{layer}]_{k + 1} · a[{layer - 1}]_{j + 1}"
                    numbers = _sum_of_products(products, scale)
                    block.equations.append(
                        _Equation(
                            f"∂C/∂{weight_name(layer, k + 1, j + 1)}",
                            symbol,
                            numbers,
                            format_number(record.weight_gradients[l][k][j]),
                        )
                    )
                bias_gradients = record.bias_gradients[l]
                if bias_gradients is not None and bias_gradients[k] is not None:
                    deltas = [(e.delta[l][k], 1.0) for e in record.examples]
                    lhs = f"∂C/∂{bias_name(layer, k + 1)}"
                    symbol = f"{total}δ[{layer}]_{k + 1}"
                    if self.bias_as_weight:
                        lhs += f" = ∂C/∂w[{layer}]_{k + 1}0"
                        symbol += f" · a[{layer - 1}]_0"
                        numbers = _sum_of_products(deltas, scale)
                    else:
                        numbers = _sum_of_products([(d, None) for d, _ in deltas], scale)
                    block.equations.append(_Equation(lhs, symbol, numbers, format_number(bias_gradients[k])))
            blocks.append(block)
        return blocks

    def _update_block(self, record: StepRecord) -> _Block:
        alpha = format_number(self.learning_rate)
        block = _Block("Update (gradient descent)", ["w ← w − α·∂C/∂w,  b ← b − α·∂C/∂b,  α = " + alpha])
        for l, layer_weights in enumerate(record.weights):
            for k, row in enumerate(layer_weights):
                for j, w in enumerate(row):
                    if w is not None:
                        g = record.weight_gradients[l][k][j]
                        block.equations.append(
                            _Equation(
                                weight_name(l + 1, k + 1, j + 1),
                                "",
                                f"{format_factor(w)} − {alpha} × {format_factor(g)}",
                                format_number(record.updated_weights[l][k][j]),
                                "←",
                            )
                        )
                biases = record.biases[l]
                if biases is not None and biases[k] is not None:
                    g = record.bias_gradients[l][k]
                    block.equations.append(
                        _Equation(
                            bias_name(l + 1, k + 1),
                            "",
                            f"{format_factor(biases[k])} − {alpha} × {format_factor(g)}",
                            format_number(record.updated_biases[l][k]),
                            "←",
                        )
                    )
        return block

    def _after_block(self, record: StepRecord) -> _Block:
        block = _Block(f"After step {record.step}")
        for n, (example, after) in enumerate(zip(record.examples, record.outputs_after), start=1):
            which = f" of example {n}" if len(record.examples) > 1 else ""
            block.remarks.append(f"output o{which} = {_vector(after)}  (before the step: {_vector(example.output)})")
        block.remarks.append(
            f"loss C = {format_number(record.loss_after)}  (before the step: {format_number(record.loss)})"
        )
        block.remarks.append(
            f"check: the {record.compared} gradients and deltas above equal loss.backward()'s .grad: "
            f"max |difference| = {record.max_abs_difference:.3g}"
        )
        return block

    def _size_block(self, record: StepRecord) -> _Block:
        sizes = record.mean_abs_delta
        top = len(sizes)
        block = _Block(
            "Size of the deltas (mean of |δ[l]_k| over the neurons k"
            + (" and the examples)" if len(record.examples) > 1 else ")")
        )
        for l in range(top, 0, -1):
            relative = ""
            if l < top and sizes[-1] > 0:
                relative = f"{format_number(sizes[l - 1] / sizes[-1], 3)} × mean |δ[{top}]|"
            block.equations.append(_Equation(f"mean |δ[{l}]|", "", relative, format_number(sizes[l - 1], 4)))
        if top > 1 and all(sizes[l] < sizes[l + 1] for l in range(top - 1)):
            ratio = format_number(sizes[0] / sizes[-1], 3)
            block.remarks.append(
                f"the deltas shrink toward the input (layer 1: {ratio} × the output layer): vanishing gradients"
            )
        return block

    # ------------------------------------------------------------ renderers

    def __str__(self) -> str:
        lines = [_wrap(line, "") for line in self._header()]
        for record in self.steps:
            title = f"Step {record.step} of {len(self.steps)}"
            lines += ["", title, "=" * len(title)]
            for block in self._blocks(record):
                lines += ["", block.title]
                lines += [_wrap(formula, "  ") for formula in block.formulas]
                lines += _equation_lines(block.equations)
                lines += [_wrap(remark, "  ") for remark in block.remarks]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """Headings per step, a table of equations per block, formulas in code spans."""
        lines = [f"- {line}" for line in self._header()]
        for record in self.steps:
            lines += ["", f"## Step {record.step} of {len(self.steps)}"]
            for block in self._blocks(record):
                lines += ["", f"**{block.title}**", ""]
                lines += [f"`{formula}`  " for formula in block.formulas]
                if block.equations:
                    lines += ["", "| quantity | formula | numbers | value |", "|---|---|---|---:|"]
                    for e in block.equations:
                        formula = f"`{e.formula}`" if e.formula else ""
                        numbers = f"`{e.numbers}`" if e.numbers else ""
                        lines.append(f"| `{e.lhs}` {e.relation} | {formula} | {numbers} | {e.value} |")
                if block.remarks:
                    lines.append("")
                    lines += [f"- {remark}" for remark in block.remarks]
        return "\n".join(lines) + "\n"

    def to_latex(self) -> str:
        """A complete LaTeX document (article + amsmath): one ``align*`` per block."""
        parts = [
            r"\documentclass{article}",
            r"\usepackage{amsmath}",
            r"\usepackage[margin=2cm]{geometry}",
            r"\begin{document}",
            r"\begin{itemize}",
            *[rf"\item {_latex_text(line)}" for line in self._header()],
            r"\end{itemize}",
        ]
        for record in self.steps:
            parts.append(rf"\section*{{Step {record.step} of {len(self.steps)}}}")
            for block in self._blocks(record):
                parts.append(rf"\paragraph{{{_latex_text(block.title)}}}")
                rows = [rf"&{text_to_latex(formula)}" for formula in block.formulas]
                for e in block.equations:
                    sides = [text_to_latex(part) for part in (e.formula, e.numbers) if part]
                    relation = r"\leftarrow" if e.relation == "←" else "="
                    rows.append(f"{text_to_latex(e.lhs)} &{relation} " + " = ".join([*sides, text_to_latex(e.value)]))
                if rows:
                    parts += [r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"]
                if block.remarks:
                    parts += [
                        r"\begin{itemize}",
                        *[rf"\item {_latex_text(remark)}" for remark in block.remarks],
                        r"\end{itemize}",
                    ]
        parts.append(r"\end{document}")
        return "\n".join(parts) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """Every number of the derivation as JSON-ready data (layout in the module docstring)."""
        return {
            "schema": SCHEMA,
            "network": {
                "inputs": self.sizes[0],
                "layers": [{"neurons": n, "activation": f} for n, f in zip(self.sizes[1:], self.activations)],
                "loss": self.loss,
                "reduction": self.reduction,
                "learning_rate": self.learning_rate,
                "bias_as_weight": self.bias_as_weight,
            },
            "steps": [
                {
                    "step": r.step,
                    "weights": r.weights,
                    "biases": r.biases,
                    "examples": [
                        {
                            "input": e.input,
                            "target": e.target,
                            "z": e.z,
                            "a": e.a,
                            "output": e.output,
                            "loss": e.loss,
                            "delta": e.delta,
                        }
                        for e in r.examples
                    ],
                    "loss": r.loss,
                    "weight_gradients": r.weight_gradients,
                    "bias_gradients": r.bias_gradients,
                    "updated_weights": r.updated_weights,
                    "updated_biases": r.updated_biases,
                    "outputs_after": r.outputs_after,
                    "loss_after": r.loss_after,
                    "mean_abs_delta": r.mean_abs_delta,
                    "check": {"compared": r.compared, "max_abs_difference": r.max_abs_difference},
                }
                for r in self.steps
            ],
        }

    def __repr__(self) -> str:
        return f"NetworkDerivation({' → '.join(map(str, self.sizes))}, loss={self.loss!r}, steps={len(self.steps)})"


# ---------------------------------------------------------------- formatting helpers


def _wrap(text: str, indent: str) -> str:
    """`text` broken into lines of at most `TERMINAL_WIDTH` columns, continuation lines indented further."""
    return textwrap.fill(
        text, TERMINAL_WIDTH, initial_indent=indent, subsequent_indent=indent + "    ", break_long_words=False
    )


def _equation_lines(equations: list[_Equation]) -> list[str]:
    """Equations in aligned columns; one too wide for `TERMINAL_WIDTH` gets one part per line instead.

    The second layout is the textbook's for a long equation: the left side
    once, then each step of the right side under the previous one.
    """
    cells = [_cells(e) for e in equations]
    columnar = list(range(len(equations)))
    while True:
        lines = dict(zip(columnar, align_columns([cells[i] for i in columnar], indent="    ", right=(6,))))
        too_wide = [i for i in columnar if len(lines[i]) > TERMINAL_WIDTH]
        if not too_wide:
            break
        columnar.remove(max(too_wide, key=lambda i: len(" ".join(cells[i]))))
    width = max((len(cells[i][0]) for i in columnar), default=0)
    result = []
    for i, e in enumerate(equations):
        if i in lines:
            result.append(lines[i])
            continue
        for position, part in enumerate(p for p in (e.formula, e.numbers, e.value) if p):
            head = e.lhs.ljust(width) if position == 0 else " " * max(width, len(e.lhs))
            result.append(f"    {head} {e.relation if position == 0 else '='} {part}")
    return result


def _cells(e: _Equation) -> list[str]:
    cells = [e.lhs]
    for part in (e.formula, e.numbers):
        if part:
            cells += [e.relation if len(cells) == 1 else "=", part]
    while len(cells) < 5:
        cells += ["", ""]
    return [*cells, e.relation if len(cells) == 1 else "=", e.value]


def _vector(values: Sequence[float]) -> str:
    return "[" + ", ".join(format_number(v) for v in values) + "]"


def _activation_formula(activation: str, layer: int) -> str:
    if activation == "linear":
        return f"a[{layer}]_k = z[{layer}]_k (linear)"
    if activation == "softmax":
        return f"a[{layer}]_k = e^(z[{layer}]_k) / Σ_m e^(z[{layer}]_m)"
    return f"a[{layer}]_k = {_ACTIVATION_SYMBOLS[activation]}(z[{layer}]_k)"


def _weighted_sum(
    layer: int, k: int, row: list[float | None], below: list[float], bias: float | None
) -> tuple[str, str]:
    """z's formula (w·a terms and the bias) and the same with numbers, or Σ notation when too long."""
    terms = [(j, w) for j, w in enumerate(row, start=1) if w is not None]
    symbols = [f"{weight_name(layer, k, j)}·a[{layer - 1}]_{j}" for j, _ in terms]
    numbers = [f"{format_factor(w)} × {format_factor(below[j - 1])}" for j, w in terms]
    if bias is not None:
        symbols.append(bias_name(layer, k))
        numbers.append(format_factor(bias))
    formula, with_numbers = " + ".join(symbols), " + ".join(numbers)
    if len(formula) > LONG_FORMULA:
        formula = f"Σ_j w[{layer}]_{k}j·a[{layer - 1}]_j" + (f" + {bias_name(layer, k)}" if bias is not None else "")
    if len(with_numbers) > LONG_FORMULA:
        with_numbers = ""
    return formula, with_numbers


def _sum_of_products(products: list[tuple[float, float | None]], scale: float) -> str:
    """δ·a terms as numbers (a is None for a bare δ), summed over examples; '' if too long to read."""
    terms = [format_factor(d) if a is None else f"{format_factor(d)} × {format_factor(a)}" for d, a in products]
    if len(terms) > 1:
        terms = [format_factor(d if a is None else d * a) for d, a in products]
    text = " + ".join(terms)
    if scale != 1.0 and len(products) > 1:
        text = f"({text}) / {round(1 / scale)}"
    return text if len(text) <= LONG_FORMULA else ""


def _output_delta_forms(
    activation: str, loss: str, layer: int
) -> tuple[str, Callable[[int, ExampleRecord], tuple[str, str]]]:
    """The output delta's general formula, and per neuron its formula and numbers, for this pair."""
    gradient_formula, gradient_numbers = _LOSS_GRADIENT_TEXT[loss]

    def gradient_of(k: int, e: ExampleRecord) -> tuple[str, str]:
        formula = gradient_formula.replace("_{k}", f"_{k + 1}")
        return formula, gradient_numbers(e.output[k], e.target[k], len(e.output))

    simple = {
        ("sigmoid", "bce"): "o_k − y_k  (σ'(z) = o(1 − o) cancels the denominator of ∂C/∂o)",
        ("linear", "cross_entropy"): "o_k − y_k  with o = softmax(z[{L}])".replace("{L}", str(layer)),
        ("linear", "bce_with_logits"): "o_k − y_k  with o = σ(z[{L}])".replace("{L}", str(layer)),
        ("linear", "half_sse"): "o_k − y_k  (f' = 1 for a linear output)",
        ("linear", "mse"): "(2/n)(o_k − y_k)  (f' = 1 for a linear output)",
        ("linear", "hinge"): "−y_k if y_k·o_k < 1 else 0  (f' = 1 for a linear output)",
    }
    if (activation, loss) == ("sigmoid", "bce"):
        difference_formula, difference_numbers = _LOSS_GRADIENT_TEXT["half_sse"]
        return simple[(activation, loss)], lambda k, e: (
            difference_formula.replace("_{k}", f"_{k + 1}"),
            difference_numbers(e.output[k], e.target[k], len(e.output)),
        )
    if (activation, loss) in simple:
        return simple[(activation, loss)], gradient_of
    if activation == "softmax":

        def softmax_delta(k: int, e: ExampleRecord) -> tuple[str, str]:
            gradient = _loss_gradient(loss, e.a[-1], e.target)
            weighted = math.fsum(g * o for g, o in zip(gradient, e.a[-1]))
            return (
                f"o_{k + 1}·(∂C/∂o_{k + 1} − Σ_i ∂C/∂o_i·o_i)",
                f"{format_factor(e.a[-1][k])} × ({format_factor(gradient[k])} − {format_factor(weighted)})",
            )

        loss_part = gradient_formula.replace("_{k}", "_k")
        general = f"o_k·(∂C/∂o_k − Σ_i ∂C/∂o_i·o_i), since ∂o_i/∂z_k = o_i·(1[i=k] − o_k);  ∂C/∂o_k = {loss_part}"
        return general, softmax_delta
    derivative = _DERIVATIVES[activation]

    def chained(k: int, e: ExampleRecord) -> tuple[str, str]:
        formula, numbers = gradient_of(k, e)
        z, a = e.z[-1][k], e.a[-1][k]
        return (
            f"({formula}) · {derivative.formula(f'z[{layer}]_{k + 1}', f'a[{layer}]_{k + 1}')}",
            f"({numbers}) × {derivative.numbers(z, a)}",
        )

    loss_part = gradient_formula.replace("_{k}", "_k")
    activation_part = derivative.formula(f"z[{layer}]_k", f"a[{layer}]_k")
    general = f"∂C/∂o_k · {derivative.symbol}(z[{layer}]_k) = ({loss_part}) · {activation_part}"
    return general, chained


def _latex_text(text: str) -> str:
    """Prose for LaTeX: formulas between spaces stay readable, special characters are escaped."""
    return text_to_latex(text, prose=True)

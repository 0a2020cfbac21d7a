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
by hand on purpose (`nn.teaching.formulas`), so the check compares two independent routes.

`NetworkDerivation` renders as aligned text (``str``), Markdown, LaTeX (a complete
document; these three are laid out by `nn.teaching.render`) and JSON-ready data
(`NetworkDerivation.to_dict`, schema below).

JSON schema (``"schema": "scalargrad.derive/2"``)::

    {"schema": "scalargrad.derive/2",
     "network": {"inputs": n, "layers": [{"neurons", "activation"}], "loss",
                 "reduction", "learning_rate", "bias_as_weight", "form",
                 "notation": {"input_layer", "rate", "cost", "weights"} (how the text is written)},
     "training": {"mode", "batch_size", "shuffle_seed", "optimizer": {"name", hyper-parameters}},
     "start": {"loss" (over all examples), "outputs": [example][k]},
     "steps": [{"step": 1, "epoch", "example_numbers" (from 1, the examples this step uses),
                "weights": [layer][k][j] (null = absent), "biases": [layer][k] or null,
                "examples": [{"input", "target", "z": [layer][k], "a": [layer][k],
                              "output" (o: a[L], or softmax/σ of it for a logits loss),
                              "loss" (C_n), "delta": [layer][k] (∂C_n/∂z)}],
                "loss" (C over the batch),
                "weight_gradients", "bias_gradients" (shaped as weights, biases),
                "updated_weights", "updated_biases",
                "updates": [{"parameter", "value", "gradient", "t", "state_before", "quantities"
                             (the optimizer's numbers: b, v, m, m_hat, v_hat, ...), "updated"}],
                "forward_after": [{"z", "a", "output", "loss"}] (the step's examples after the update),
                "outputs_after": [example][k], "loss_after" (the step's examples),
                "data_loss_after", "data_outputs_after" (all examples, after the update),
                "mean_abs_delta": [layer], "check": {"compared", "max_abs_difference"}}]}
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import Any

import autograd
from autograd import Value
from autograd.i18n import Catalog, check_language, current_language, language
from autograd.notation import activation_name, bias_name, weight_name, weighted_input_name
from nn._validation import count, describe, finite_number, present, sequence
from nn.layers import MLP
from nn.losses import LOSSES
from nn.optim import Optimizer
from nn.teaching import render
from nn.teaching.formulas import DERIVATIVES, LOGIT_LOSSES, loss_gradient, prediction
from nn.teaching.notation_options import Notation
from nn.teaching.optimizer_steps import OptimizerChoice, OptimizerState
from nn.teaching.records import (
    Biases,
    DerivationRecord,
    ExampleRecord,
    ForwardRecord,
    ParameterUpdate,
    Regime,
    StepRecord,
    Weights,
)
from nn.train import epoch_batches

_ = Catalog("nn")

SCHEMA = "scalargrad.derive/2"
"""Identifies the layout of `NetworkDerivation.to_dict`."""

MODES = ("batch", "sgd", "minibatch")
"""Training modes: every example per step, one example per step, `batch_size` examples per step."""

FORMS = ("neuron", "matrix", "both")
"""How the sums are written: neuron by neuron, with matrices, or both (the matrices after the sums)."""

CHECK_TOLERANCE = 1e-9
"""A formula gradient g and the engine's gradient e agree when |g − e| <= CHECK_TOLERANCE·max(1, |e|)."""

MAX_STEPS = 1000
"""The most gradient-descent steps derived at once (a spec's "steps", --steps): each is recorded in full."""


class GradientMismatchError(AssertionError):
    """A gradient from the textbook formulas differs from the engine's: one of the two is wrong."""


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
    mode: str = "batch",
    batch_size: int | None = None,
    shuffle_seed: int | None = None,
    optimizer: OptimizerChoice | str | Mapping[str, Any] | None = None,
    stop_when_diverged: bool = False,
    form: str = "neuron",
    notation: Notation | Mapping[str, Any] | None = None,
    lang: str | None = None,
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
        mode: ``'batch'`` (every example in every step), ``'sgd'`` (one example
            per step) or ``'minibatch'`` (`batch_size` examples per step). A
            step is one update; an epoch of N examples takes ⌈N/batch size⌉ steps.
        batch_size: the mini-batch size (``'minibatch'`` only).
        shuffle_seed: None walks the examples in their order; a seed s shuffles
            them every epoch exactly as ``nn.train.fit(..., shuffle=True, seed=s)``.
        optimizer: a name of `nn.teaching.optimizer_steps.OPTIMIZERS`, an object
            ``{"name": ..., hyper-parameters}`` or an `OptimizerChoice`; None is plain
            gradient descent. `learning_rate` is its lr.
        stop_when_diverged: end the derivation early, with ``diverged`` set, at
            the first step that would start from an infinite or nan parameter or
            loss, or that overflows (to compare learning rates, some of which are too high).
        form: ``'neuron'`` writes every sum neuron by neuron; ``'matrix'`` writes the
            forward pass, the deltas and the gradients with W^[l], δ^[l] and, for a
            batch, one row per example (`nn.teaching.matrix_form`, checked against the neuron
            numbers); ``'both'`` writes the sums, then the same step with matrices.
        notation: how the text names things (`nn.teaching.notation_options.Notation`, or its
            options as a dict): layers from 0 or 1, α or η, C/E/L, w_kj or w_jk. Numbers are unchanged.
        lang: the language its text is written in, ``"en"`` or ``"zh"`` (default: the
            current one, `autograd.i18n`); the numbers are the same in both.

    Raises:
        GradientMismatchError: a formula gradient differs from the engine's.
    """
    text_language = current_language() if lang is None else check_language(lang)
    with language(text_language):  # its error messages too are in that language
        if not isinstance(model, MLP):
            raise TypeError(_("derive needs an nn.MLP, got {got}").format(got=describe(model)))
        batch, batch_targets = _as_batch(inputs, targets)
        if loss not in LOSSES:
            raise ValueError(_("unknown loss {loss!r}; valid names are {names}").format(
                loss=loss, names=', '.join(map(repr, LOSSES))
            ))
        if loss in LOGIT_LOSSES and model.layers[-1].activation != "linear":
            raise ValueError(
                _(
                    "{loss} takes logits and applies {function} itself, so the output "
                    "layer must be 'linear', not {activation!r}; build the model with "
                    "output_activation='linear'"
                ).format(
                    loss=loss, function=LOGIT_LOSSES[loss], activation=model.layers[-1].activation
                )
            )
        if reduction not in ("sum", "mean"):
            raise ValueError(_("reduction must be 'sum' or 'mean', got {reduction!r}").format(reduction=reduction))
        rate = finite_number(learning_rate, "learning_rate")
        if rate <= 0:
            raise ValueError(_("learning_rate must be positive, got {rate!r}").format(rate=rate))
        if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
            raise ValueError(_(
                "steps must be an int from 1 to {limit} (each step is recorded in full), "
                "got {steps!r}"
            ).format(
                limit=MAX_STEPS, steps=steps
            ))
        if not isinstance(bias_as_weight, bool):
            raise TypeError(_("bias_as_weight must be True or False, got {bias_as_weight!r}").format(
                bias_as_weight=bias_as_weight
            ))
        if form not in FORMS:
            raise ValueError(_("form must be one of {names}, got {got}").format(
                names=', '.join(map(repr, FORMS)), got=describe(form)
            ))
        written = notation if isinstance(notation, Notation) else Notation.parse(notation or {})
        size = _batch_size(mode, batch_size, len(batch))
        if shuffle_seed is not None and (isinstance(shuffle_seed, bool) or not isinstance(shuffle_seed, int)):
            raise TypeError(_("shuffle_seed must be None or an int, got {got}").format(got=describe(shuffle_seed)))
        choice = optimizer if isinstance(optimizer, OptimizerChoice) else OptimizerChoice.parse(optimizer or "sgd")
        working = MLP.from_dict(model.to_dict())
        data = _Data(batch, batch_targets, loss, reduction)
        start_outputs, start_loss = data.evaluate(working)
        state = OptimizerState(choice, rate)
        check = choice.build(working.parameters(), rate)
        schedule = epoch_batches(len(batch), size, shuffle=shuffle_seed is not None, seed=shuffle_seed or 0)
        records: list[StepRecord] = []
        diverged = False
        for epoch, batches in enumerate(schedule, start=1):
            for indices in batches[: steps - len(records)]:
                if stop_when_diverged and not _finite(working, records):
                    diverged = True
                    break
                try:
                    records.append(_step(working, data, indices, state, check, len(records) + 1, epoch))
                except ArithmeticError:
                    if not stop_when_diverged:
                        raise
                    diverged = True
                    break
            if len(records) == steps or diverged:
                break
        regime = Regime(mode, size, shuffle_seed, choice.to_dict())
        derivation = NetworkDerivation(
            model.to_dict(),
            batch,
            batch_targets,
            loss,
            reduction,
            rate,
            bias_as_weight,
            records,
            regime=regime,
            start_loss=start_loss,
            start_outputs=start_outputs,
            diverged=diverged,
            form=form,
            notation=written,
        )
        derivation.lang = text_language
        return derivation


def _finite(model: MLP, records: list[StepRecord]) -> bool:
    """Whether every parameter and the last loss over the data are finite numbers."""
    last = records[-1].data_loss_after if records else 0.0
    return math.isfinite(last or 0.0) and all(math.isfinite(p.data) for p in model.parameters())


def _batch_size(mode: str, batch_size: int | None, examples: int) -> int:
    """Examples per step for a training mode, refusing a batch size the mode does not take."""
    if mode not in MODES:
        raise ValueError(_("mode must be one of {names}, got {got}").format(
            names=', '.join(map(repr, MODES)), got=describe(mode)
        ))
    if mode == "minibatch":
        if batch_size is None:
            raise ValueError(_("mode 'minibatch' needs a batch_size (the number of examples per step)"))
        return min(count(batch_size, "batch_size"), examples)
    if batch_size is not None:
        raise ValueError(_("batch_size is for mode 'minibatch'; mode {mode!r} takes {value} examples per step").format(
            mode=mode, value='1' if mode == 'sgd' else _('all')
        ))
    return 1 if mode == "sgd" else examples


@dataclass(frozen=True)
class _Data:
    """The whole data set and the loss it is measured with."""

    inputs: list[list[float]]
    targets: list[Any]
    loss: str
    reduction: str

    def evaluate(self, model: MLP) -> tuple[list[list[float]], float]:
        """(every example's prediction o, the loss over the whole data set) at the model's parameters."""
        with autograd.no_grad():
            outputs = [_forward(model, x).a[-1] for x in self.inputs]
            try:
                total = LOSSES[self.loss](outputs, self.targets, self.reduction).data
            except OverflowError:  # too large for a float: the step that follows names where and why
                total = math.inf
        return [prediction(self.loss, [node.data for node in o]) for o in outputs], total


def _as_batch(inputs: Sequence[Any], targets: Any) -> tuple[list[list[float]], list[Any]]:
    """(batch of inputs, one target per example): a single example is recognised by its numbers."""
    entries = sequence(inputs, "inputs")
    if not entries:
        raise ValueError(_("inputs: expected one example (a list of numbers) or a batch (a list of lists), got []"))
    if not isinstance(entries[0], (list, tuple)):
        return [[finite_number(x, f"inputs[{j}]") for j, x in enumerate(entries)]], [targets]
    batch = [
        [finite_number(x, f"inputs[{n}][{j}]") for j, x in enumerate(sequence(e, f"inputs[{n}]"))]
        for n, e in enumerate(entries)
    ]
    target_list = sequence(targets, "targets")
    if len(target_list) != len(batch):
        raise ValueError(_(
            "targets: expected {count_batch} targets (one per example in inputs), got "
            "{count_target_list}"
        ).format(
            count_batch=len(batch), count_target_list=len(target_list)
        ))
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


def _output_delta(activation: str, loss: str, z: list[float], a: list[float], target: list[float]) -> list[float]:
    """δ[L]_k = ∂C/∂z[L]_k of one example from the loss's ∂C/∂a[L] and the output activation."""
    gradient = loss_gradient(loss, a, target)
    if activation == "softmax":
        weighted = math.fsum(g * o for g, o in zip(gradient, a))
        return [o * (g - weighted) for g, o in zip(gradient, a)]
    derivative = DERIVATIVES[activation]
    return [g * derivative.value(zk, ak) for g, zk, ak in zip(gradient, z, a)]


def _hidden_delta(
    weights_above: list[list[float | None]], delta_above: list[float], activation: str, z: list[float], a: list[float]
) -> list[float]:
    """The delta rule: δ[l]_k = (Σ_m δ[l+1]_m · w[l+1]_mk) · f'(z[l]_k); absent connections add nothing."""
    derivative = DERIVATIVES[activation]
    return [
        math.fsum(d * w for d, w in zip(delta_above, (row[k] for row in weights_above)) if w is not None)
        * derivative.value(z[k], a[k])
        for k in range(len(z))
    ]


def _step(
    model: MLP,
    data: _Data,
    indices: list[int],
    state: OptimizerState,
    check: Optimizer,
    number: int,
    epoch: int,
) -> StepRecord:
    """One update on the examples `indices`: forward, deltas, gradients, the optimizer's update, the check."""
    batch = [data.inputs[i] for i in indices]
    targets = [data.targets[i] for i in indices]
    loss, reduction = data.loss, data.reduction
    weights, biases = _parameters(model)
    forwards = [_forward(model, x) for x in batch]
    _check_finite_forward(forwards, number)
    try:
        total = LOSSES[loss]([f.a[-1] for f in forwards], targets, reduction)
    except OverflowError as error:
        raise OverflowError(_("step {number}: the loss overflowed although every z and a is finite: {error}").format(
            number=number, error=error
        )) from None
    if not math.isfinite(total.data):
        raise OverflowError(
            _(
                "step {number}: the loss is {data!r} although every z and a is finite; "
                "the outputs reach a point where the loss is infinite (e.g. log of 0): "
                "check the targets"
            ).format(
                number=number, data=total.data
            )
        )
    # The loss function has checked every target; read them back as one number per output neuron.
    target_rows = [_target_row(loss, t, len(f.a[-1])) for t, f in zip(targets, forwards)]
    model.zero_grad()
    total.backward()

    activations = [layer.activation for layer in model.layers]
    examples = []
    for x, y, forward in zip(batch, target_rows, forwards):
        z = [[node.data for node in layer] for layer in forward.z]
        a = [[node.data for node in layer] for layer in forward.a]
        delta: list[list[float]] = [[] for _ in a]
        delta[-1] = _output_delta(activations[-1], loss, z[-1], a[-1], y)
        for l in range(len(a) - 2, -1, -1):
            delta[l] = _hidden_delta(weights[l + 1], delta[l + 1], activations[l], z[l], a[l])
        with autograd.no_grad():
            example_loss = LOSSES[loss]([forward.a[-1]], [y]).data
        examples.append(ExampleRecord(x, y, z, a, prediction(loss, a[-1]), example_loss, delta))

    scale = 1.0 if reduction == "sum" else 1.0 / len(batch)
    weight_gradients, bias_gradients = _gradients(weights, biases, examples, scale)
    compared, difference = _check(model, forwards, examples, weight_gradients, bias_gradients, scale)

    state.begin_step()
    updates = _updates(state, weights, biases, weight_gradients, bias_gradients)
    by_name = {update.name: update.updated for update in updates}
    check.step()
    update_compared, update_difference = _check_updates(model, by_name)
    compared += update_compared
    difference = max(difference, update_difference)
    updated_weights: Weights = [
        [[None if w is None else by_name[weight_name(l + 1, k + 1, j + 1)] for j, w in enumerate(row)] for k, row in enumerate(layer)]
        for l, layer in enumerate(weights)
    ]
    updated_biases: Biases = [
        None if layer is None else [None if b is None else by_name[bias_name(l + 1, k + 1)] for k, b in enumerate(layer)]
        for l, layer in enumerate(biases)
    ]
    _set_parameters(model, updated_weights, updated_biases)
    forward_after = []
    for x, y in zip(batch, target_rows):
        forward = _forward(model, x)
        z = [[node.data for node in layer] for layer in forward.z]
        a = [[node.data for node in layer] for layer in forward.a]
        with autograd.no_grad():
            example_loss = LOSSES[loss]([forward.a[-1]], [y]).data
        forward_after.append(ForwardRecord(z, a, prediction(loss, a[-1]), example_loss))
    with autograd.no_grad():
        loss_after = LOSSES[loss]([_forward(model, x).a[-1] for x in batch], target_rows, reduction).data
    outputs_after = [f.output for f in forward_after]
    data_outputs_after, data_loss_after = data.evaluate(model)

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
        epoch=epoch,
        example_numbers=[i + 1 for i in indices],
        updates=updates,
        forward_after=forward_after,
        data_loss_after=data_loss_after,
        data_outputs_after=data_outputs_after,
    )


def _updates(
    state: OptimizerState, weights: Weights, biases: Biases, weight_gradients: Weights, bias_gradients: Biases
) -> list[ParameterUpdate]:
    """Every parameter's update by the textbook formulas, layer by layer, each neuron's weights then its bias."""
    updates = []
    for l, layer in enumerate(weights):
        for k, row in enumerate(layer):
            for j, w in enumerate(row):
                if w is not None:
                    g = present(weight_gradients[l][k][j], f"weight_gradients[{l}][{k}][{j}]")
                    updates.append(state.update(weight_name(l + 1, k + 1, j + 1), w, g))
            layer_biases = biases[l]
            if layer_biases is not None and layer_biases[k] is not None:
                gradients = present(bias_gradients[l], f"bias_gradients[{l}]")
                g = present(gradients[k], f"bias_gradients[{l}][{k}]")
                updates.append(state.update(bias_name(l + 1, k + 1), present(layer_biases[k], "bias"), g))
    return updates


def _check_updates(model: MLP, formulas: dict[str, float]) -> tuple[int, float]:
    """Compare each formula update with the parameter `nn.optim` has just moved; raise on a mismatch."""
    worst = 0.0
    compared = 0
    for l, layer in enumerate(model.layers):
        for k, neuron in enumerate(layer.neurons):
            named = [(weight_name(l + 1, k + 1, j + 1), w) for j, w in enumerate(neuron.w) if w is not None]
            if neuron.b is not None:
                named.append((bias_name(l + 1, k + 1), neuron.b))
            for name, parameter in named:
                formula, engine = formulas[name], parameter.data
                difference = _difference(formula, engine)
                if not difference <= CHECK_TOLERANCE * max(1.0, abs(engine)):
                    raise GradientMismatchError(
                        _(
                            "the update of {name}: the formulas give {formula!r} but "
                            "nn.optim gives {engine!r} (difference {difference:.3g}); "
                            "the derivation or the optimizer is wrong"
                        ).format(
                            name=name, formula=formula, engine=engine, difference=difference
                        )
                    )
                worst = max(worst, difference)
                compared += 1
    return compared, worst


def _target_row(loss: str, target: Any, n_outputs: int) -> list[float]:
    """A target as one float per output neuron (a class index becomes one-hot for cross_entropy)."""
    if loss == "cross_entropy" and isinstance(target, Integral) and not isinstance(target, bool):
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


def _check_finite_forward(forwards: list[_Forward], step: int) -> None:
    """OverflowError naming the first z or a that is inf or nan, before anything is computed from it."""
    for n, forward in enumerate(forwards, start=1):
        example = _(" of example {n}").format(n=n) if len(forwards) > 1 else ""
        for l, (z_layer, a_layer) in enumerate(zip(forward.z, forward.a), start=1):
            for k, (z, a) in enumerate(zip(z_layer, a_layer), start=1):
                for node, name in ((z, weighted_input_name(l, k)), (a, activation_name(l, k))):
                    if not math.isfinite(node.data):
                        raise OverflowError(
                            _(
                                "step {step}: the forward pass overflowed at "
                                "{name}{example} = {data!r}; the weights or inputs are "
                                "too large for floats: scale them down (or lower the "
                                "learning rate if an earlier step blew them up)"
                            ).format(
                                step=step, name=name, example=example, data=node.data
                            )
                        )


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
                    gradient = present(weight_gradients[l][k][j], f"weight_gradients[{l}][{k}][{j}]")
                    pairs.append((weight_name(l + 1, k + 1, j + 1), gradient, w.grad))
            if neuron.b is not None:
                layer_gradients = present(bias_gradients[l], f"bias_gradients[{l}]")
                gradient = present(layer_gradients[k], f"bias_gradients[{l}][{k}]")
                pairs.append((bias_name(l + 1, k + 1), gradient, neuron.b.grad))
            for n, (forward, example) in enumerate(zip(forwards, examples), start=1):
                name = f"δ[{l + 1}]_{k + 1}" + (f" of example {n}" if len(examples) > 1 else "")
                pairs.append((name, scale * example.delta[l][k], forward.z[l][k].grad))
    worst = 0.0
    for name, formula, engine in pairs:
        if not (math.isfinite(formula) and math.isfinite(engine)):
            raise OverflowError(
                _(
                    "{name}: the gradient overflowed (the formulas give {formula!r}, the "
                    "engine {engine!r}) although the forward pass is finite; scale the "
                    "weights, inputs or targets down"
                ).format(
                    name=name, formula=formula, engine=engine
                )
            )
        difference = abs(formula - engine)
        if not difference <= CHECK_TOLERANCE * max(1.0, abs(engine)):
            raise GradientMismatchError(
                _(
                    "{name}: the formulas give {formula!r} but the engine's .grad is "
                    "{engine!r} (difference {difference:.3g}); the derivation or the "
                    "engine is wrong"
                ).format(
                    name=name, formula=formula, engine=engine, difference=difference
                )
            )
        worst = max(worst, difference)
    return len(pairs), worst


def _difference(formula: float, engine: float) -> float:
    """|formula − engine|, 0 when both are the same infinity or both nan (the two routes agree a run diverged)."""
    if formula == engine or (math.isnan(formula) and math.isnan(engine)):
        return 0.0
    return abs(formula - engine)


def _set_parameters(model: MLP, weights: Weights, biases: Biases) -> None:
    for layer, layer_weights, layer_biases in zip(model.layers, weights, biases):
        for k, neuron in enumerate(layer.neurons):
            for parameter, value in zip(neuron.w, layer_weights[k]):
                if parameter is not None and value is not None:
                    parameter.data = value
            if neuron.b is not None and layer_biases is not None:
                bias = layer_biases[k]
                if bias is not None:
                    neuron.b.data = bias


# ---------------------------------------------------------------- the derivation


class NetworkDerivation(DerivationRecord):
    """The derivation of one or more gradient-descent steps; render with str(), to_markdown(), to_latex(), to_dict().

    Attributes:
        steps: one `StepRecord` per step, with every number.
        loss, reduction, learning_rate, bias_as_weight: as given to `derive`.
    """

    def graph_loss(self, example: int = 0) -> Value:
        """The loss of one example at the first step's parameters, after ``backward()``: what ``--graph`` draws.

        Each call builds a fresh graph, so drawing it changes nothing here.
        """
        model = MLP.from_dict(self._network)
        outputs = model(self._inputs[example])
        loss = LOSSES[self.loss]([outputs], [self._targets[example]])
        loss.backward()
        return loss

    # ------------------------------------------------------------ renderers (`nn.teaching.render`)

    def __str__(self) -> str:
        with language(self.lang):
            return render.to_text(self)

    def to_markdown(self) -> str:
        """Headings per step, a table of equations per block, formulas in code spans."""
        with language(self.lang):
            return render.to_markdown(self)

    def to_latex(self) -> str:
        """A complete LaTeX document (article + amsmath; in Chinese ctexart, compiled with XeLaTeX): one ``align*`` per block."""
        with language(self.lang):
            return render.to_latex(self)

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
                "form": self.form,
                "notation": self.notation.to_dict(),
            },
            "training": {
                "mode": self.regime.mode,
                "batch_size": self.regime.batch_size,
                "shuffle_seed": self.regime.shuffle_seed,
                "optimizer": self.regime.optimizer,
            },
            "start": {"loss": self.start_loss, "outputs": self.start_outputs},
            "steps": [
                {
                    "step": r.step,
                    "epoch": r.epoch,
                    "example_numbers": r.example_numbers,
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
                    "updates": [
                        {
                            "parameter": u.name,
                            "value": u.value,
                            "gradient": u.gradient,
                            "t": u.t,
                            "state_before": u.state_before,
                            "quantities": u.quantities,
                            "updated": u.updated,
                        }
                        for u in r.updates
                    ],
                    "forward_after": [{"z": f.z, "a": f.a, "output": f.output, "loss": f.loss} for f in r.forward_after],
                    "outputs_after": r.outputs_after,
                    "loss_after": r.loss_after,
                    "data_loss_after": r.data_loss_after,
                    "data_outputs_after": r.data_outputs_after,
                    "mean_abs_delta": r.mean_abs_delta,
                    "check": {"compared": r.compared, "max_abs_difference": r.max_abs_difference},
                }
                for r in self.steps
            ],
        }

    def __repr__(self) -> str:
        return f"NetworkDerivation({' → '.join(map(str, self.sizes))}, loss={self.loss!r}, steps={len(self.steps)})"


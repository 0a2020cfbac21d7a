"""Training: run a model over data in epochs and batches, one optimizer step per batch.

`fit` covers the three training modes of seed 001 with one loop, chosen by
``batch_size``:

* full batch (``batch_size=None``): one step per epoch on the gradient of the
  loss over every example;
* stochastic (``batch_size=1``): one step per example;
* mini-batch (``batch_size=n``): one step per n examples (the last batch of an
  epoch may be smaller).

With a batch, the loss is the sum (``reduction='sum'``, the project's
convention) or the mean (``'mean'``) of the per-example losses, so every
parameter's gradient is the sum or the mean of its per-example gradients; for
a bias that is the sum or mean of its per-example deltas δ. Nothing in this
loop computes a gradient itself: ``loss.backward()`` does, through the engine.

>>> from nn import MLP, datasets, optim
>>> from nn.train import fit
>>> inputs, labels = datasets.xor(signed=True)
>>> model = MLP(2, [4, 1], activation="tanh", seed=0)
>>> history = fit(model, inputs, labels, loss="hinge", optimizer=optim.Adam(model.parameters(), lr=0.1),
...               epochs=100, progress=False)
>>> history.accuracy[-1]
1.0
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any, Protocol, Union

from tqdm import tqdm

from autograd.i18n import Catalog
import autograd
from autograd import Value, no_grad
from nn import losses
from nn._validation import count, describe
from nn.module import Module
from nn.optim import Optimizer

_ = Catalog("nn")

__all__ = ["CLASSIFICATION_LOSSES", "Evaluation", "History", "StepInfo", "epoch_batches", "evaluate", "fit"]

CLASSIFICATION_LOSSES: tuple[str, ...] = ("hinge", "bce", "bce_with_logits", "cross_entropy")
"""Losses whose targets are classes; with ``metrics='auto'`` these get an accuracy."""

Output = Union[Value, list[Value]]
LossFunction = Callable[..., Value]


class Model(Protocol):
    """What running a model over data needs: ``model(x)`` gives a Value (one output) or a list.

    Every `nn.Module` that can be called is one (`MLP`, `Layer`, `Neuron`).
    """

    def __call__(self, x: Any, /) -> Output: ...


@dataclass
class StepInfo:
    """What a `fit` callback receives after every optimizer step.

    Attributes:
        epoch: index of the current epoch, from 0.
        step: index of the step just taken, from 0, counted over the whole run.
        loss: the number that was minimised in this step: the batch's data
            loss plus the regularization term, before the update.
        model: the model being trained (already updated by this step).
        optimizer: the optimizer; assign ``optimizer.lr`` here for a schedule.
    """

    epoch: int
    step: int
    loss: float
    model: Module
    optimizer: Optimizer


@dataclass
class History:
    """Per-epoch figures from `fit`, index e for epoch e.

    Attributes:
        loss: the data loss over the epoch's examples (no regularization term),
            each example counted with the parameters of the step it was in,
            before that step's update. With ``reduction='sum'`` it is the sum
            over the examples, with ``'mean'`` the mean. For full batch it is
            exactly the loss at the start of the epoch.
        accuracy: fraction of the epoch's examples classified correctly, on
            the same forward passes; empty when no accuracy is measured.
        steps: how many optimizer steps were taken in all.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    steps: int = 0


@dataclass
class Evaluation:
    """The loss and accuracy of a model on a data set, as `evaluate` returns them."""

    loss: float
    accuracy: float | None


# ------------------------------------------------------------------- losses


def _resolve_loss(loss: str | LossFunction, reduction: str) -> tuple[LossFunction, str | None]:
    """The loss as a function of (outputs, targets), and its name if it is one of `nn.losses`."""
    if reduction not in ("sum", "mean"):
        raise ValueError(_("reduction must be 'sum' or 'mean', got {reduction!r}").format(reduction=reduction))
    if isinstance(loss, str):
        if loss not in losses.LOSSES:
            valid = ", ".join(map(repr, losses.LOSSES))
            raise ValueError(_("unknown loss {loss!r}; valid names are {valid}, or pass a function").format(
                loss=loss, valid=valid
            ))
        return functools.partial(losses.LOSSES[loss], reduction=reduction), loss
    if not callable(loss):
        raise TypeError(_(
            "loss must be a name such as 'mse' or a function (outputs, targets) -> "
            "Value, got {got}"
        ).format(
            got=describe(loss)
        ))
    for name, function in losses.LOSSES.items():
        if loss is function:
            return functools.partial(loss, reduction=reduction), name
    if reduction != "sum":
        raise ValueError(
            _("reduction applies to the losses of nn.losses; a custom loss function reduces the batch itself, so leave reduction='sum'")
        )
    return loss, None


# ------------------------------------------------------------------ accuracy

Judge = Callable[[Output, Any], bool]


def _argmax(numbers: Sequence[float]) -> int:
    return max(range(len(numbers)), key=lambda i: numbers[i])


def _units(output: Output | float | list[float]) -> list[float]:
    units = output if isinstance(output, list) else [output]
    return [unit.data if isinstance(unit, Value) else unit for unit in units]


def _targets(target: Any) -> list[float]:
    return [float(t) for t in target] if isinstance(target, (list, tuple)) else [float(target)]


def _threshold_judge(threshold: float, positive_target: float) -> Judge:
    """Each output unit says "positive" above `threshold`; an example is right when every unit is."""

    def judge(output: Output, target: Any) -> bool:
        return all(
            (o > threshold) == (t >= positive_target) for o, t in zip(_units(output), _targets(target), strict=True)
        )

    return judge


def _argmax_judge(output: Output, target: Any) -> bool:
    """The class with the largest output must be the target class (an index, or the argmax of a one-hot)."""
    if not isinstance(output, list):
        raise ValueError(
            _("accuracy by largest output needs a model with several outputs; for one output use a classification loss (hinge, bce, bce_with_logits) or metrics=None")
        )
    predicted = _argmax(_units(output))
    if isinstance(target, (list, tuple)):
        return predicted == _argmax(_targets(target))
    return predicted == target


def _judge(loss_name: str | None, metrics: str | None) -> Judge | None:
    """How to tell a right answer from a wrong one, or None when no accuracy is measured."""
    if metrics not in ("auto", "accuracy", None):
        raise ValueError(_("metrics must be 'auto', 'accuracy' or None, got {metrics!r}").format(metrics=metrics))
    if metrics is None or (metrics == "auto" and loss_name not in CLASSIFICATION_LOSSES):
        return None
    if loss_name == "hinge":
        return _threshold_judge(0.0, 0.0)  # score > 0 ↔ label +1
    if loss_name == "bce":
        return _threshold_judge(0.5, 0.5)  # probability > 0.5 ↔ label 1
    if loss_name == "bce_with_logits":
        return _threshold_judge(0.0, 0.5)  # logit > 0 ↔ label 1
    return _argmax_judge  # cross_entropy, and 'accuracy' asked of any other loss


# ------------------------------------------------------------------- the loop


def _check_data(inputs: Sequence[Any], targets: Sequence[Any]) -> int:
    for name, data in (("inputs", inputs), ("targets", targets)):
        if not isinstance(data, (list, tuple)):
            raise TypeError(_("{name} must be a list (one entry per example), got {got}").format(
                name=name, got=describe(data)
            ))
    if len(inputs) != len(targets):
        raise ValueError(_(
            "inputs and targets must have one entry per example, got {count_inputs} and "
            "{count_targets}"
        ).format(
            count_inputs=len(inputs), count_targets=len(targets)
        ))
    if not inputs:
        raise ValueError(_("inputs is empty: training needs at least one example"))
    return len(inputs)


def _batch_objective(
    model: Model,
    loss_function: LossFunction,
    regularization: Callable[[list[Value]], Value] | None,
    parameters: list[Value],
    batch_inputs: Sequence[Any],
    batch_targets: Sequence[Any],
) -> tuple[Value, tuple[Value, list[Output]]]:
    """The objective to minimise (data loss + regularization), and (data loss, outputs) to report."""
    outputs = [model(x) for x in batch_inputs]
    data_loss = loss_function(outputs, batch_targets)
    objective = data_loss if regularization is None else data_loss + regularization(parameters)
    return objective, (data_loss, outputs)


class _CompiledSteps:
    """One `autograd.compile`d objective per batch shape: traced on the first batch of that shape, then re-run.

    The batch's inputs and targets are the traced inputs, the model's parameters
    the params, so each call computes with the current weights and the new
    data, and leaves ∂objective/∂parameter in ``.grad`` as backward() would.

    A model or loss that decides something on ``.data`` (or computes under
    ``no_grad()``) would train on the traced batch's path for ever. Tracing
    cannot see such a read, so the step is traced again and compared
    (`CompiledFunction.verify`) before it is used on each of the first
    `_VERIFIED_STEPS` batches of a shape and on every step whose number is a
    power of two after that, and a difference stops training with a TracingError.
    """

    def __init__(
        self,
        objective: Callable[[Sequence[Any], Sequence[Any]], tuple[Value, tuple[Value, list[Output]]]],
        parameters: list[Value],
        classes: int | None,
    ) -> None:
        self._objective = objective
        self._parameters = parameters
        self._classes = classes
        self._by_shape: dict[Any, autograd.CompiledFunction] = {}
        self._calls: dict[Any, int] = {}

    def __call__(self, batch_inputs: list[Any], batch_targets: list[Any]) -> tuple[float, float, list[Any]]:
        """(objective, data loss, outputs as numbers) for the batch."""
        data = {"inputs": batch_inputs, "targets": [_traceable(target, self._classes) for target in batch_targets]}
        shape = _shape_of(data["inputs"]), _shape_of(data["targets"])
        compiled = self._by_shape.get(shape)
        if compiled is None:
            compiled = autograd.compile(
                lambda traced: self._objective(traced["inputs"], traced["targets"]),
                data,
                params=self._parameters,
                input_gradients=False,
                has_aux=True,
            )
            self._by_shape[shape] = compiled
        else:
            self._verify(compiled, data, shape)
        objective, _, (data_loss, outputs) = compiled(data)
        return objective, data_loss, outputs

    def _verify(self, compiled: autograd.CompiledFunction, data: dict[str, Any], shape: Any) -> None:
        calls = self._calls[shape] = self._calls.get(shape, 0) + 1
        if calls > _VERIFIED_STEPS and calls & (calls - 1):
            return
        try:
            compiled.verify(data)
        except autograd.TracingError as error:
            raise autograd.TracingError(
                _(
                    "fit(compile=True) stopped before training on a wrong path: {error}. "
                    "The model or loss decides something on .data (or computes under "
                    "no_grad()), which the compiled step cannot follow; train with "
                    "compile=False, or keep the choice inside an operation (relu, abs, "
                    "clamp)"
                ).format(
                    error=error
                )
            ) from None


_VERIFIED_STEPS = 8
"""Batches of each shape that `_CompiledSteps` re-traces and compares before using the compiled step."""


def _shape_of(nest: Any) -> Any:
    """Where the numbers sit in a nest of lists and tuples: None for a number, a tuple for a container."""
    if isinstance(nest, (list, tuple)):
        return (type(nest), tuple(_shape_of(item) for item in nest))
    return None


def _compiled_steps_of(
    model: Module, key: tuple[Any, ...], make: Callable[[], _CompiledSteps]
) -> _CompiledSteps:
    """The compiled steps cached on `model` for this objective, made (and cached) if the key differs.

    Only the latest objective is kept, so a model does not collect generated
    code fit after fit; a `fit` with the same loss, reduction, regularization
    and parameters as the previous one re-runs its traced steps.
    """
    cached: tuple[tuple[Any, ...], _CompiledSteps] | None = getattr(model, "_compiled_steps", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    steps = make()
    model._compiled_steps = (key, steps)  # type: ignore[attr-defined]  # private: never walked as a parameter
    return steps


def _output_count(model: Model, example: Any) -> int:
    with no_grad():
        output = model(example)
    return len(output) if isinstance(output, list) else 1


def _traceable(target: Any, classes: int | None) -> Any:
    """A target as numbers that can become traced inputs: for cross-entropy, a class index becomes one-hot.

    (An index selects a logit, a structural choice that tracing would freeze;
    the one-hot list is the same cross-entropy written as numbers.)
    """
    if classes is None or not isinstance(target, Integral) or isinstance(target, bool):
        return target
    return [1.0 if k == target else 0.0 for k in range(classes)]


def epoch_batches(examples: int, batch_size: int, *, shuffle: bool, seed: int) -> Iterator[list[list[int]]]:
    """Each epoch's batches of example indices, epoch after epoch without end: the data order of `fit`.

    The examples 0..examples−1 are cut into consecutive batches of
    `batch_size` (the last one of an epoch may be smaller). With `shuffle`
    and batches smaller than the data, the order is shuffled at the start of
    every epoch by ``random.Random(seed)``, each shuffle starting from the
    previous epoch's order. `nn.teaching.derive` walks the same schedule, so a
    derivation and a training run with the same seed see the same batches.

    >>> schedule = epoch_batches(5, 2, shuffle=False, seed=0)
    >>> next(schedule)
    [[0, 1], [2, 3], [4]]
    """
    count(examples, "examples")
    count(batch_size, "batch_size")
    order = list(range(examples))
    rng = random.Random(seed)
    while True:
        if shuffle and batch_size < examples:
            rng.shuffle(order)
        yield [order[start : start + batch_size] for start in range(0, examples, batch_size)]


def fit(
    model: Module,
    inputs: Sequence[Sequence[float]],
    targets: Sequence[Any],
    *,
    loss: str | LossFunction,
    optimizer: Optimizer,
    epochs: int,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: int = 0,
    reduction: str = "sum",
    regularization: Callable[[list[Value]], Value] | None = None,
    progress: bool | None = None,
    callback: Callable[[StepInfo], None] | None = None,
    metrics: str | None = "auto",
    compile: bool = False,  # noqa: A002 - the name of autograd.compile, which it switches on
) -> History:
    """Train `model` on (inputs, targets) and return the per-epoch `History`.

    Args:
        model: a callable `Module`; ``model(x)`` gives a Value (one output) or a list.
        inputs, targets: one entry per example (targets as the loss expects them).
        loss: a name from ``nn.losses.LOSSES`` ('mse', 'hinge', ...) or any function
            ``(outputs, targets) -> Value`` over a batch.
        optimizer: built on ``model.parameters()``; `fit` calls its `zero_grad`
            and `step`.
        epochs: passes over the data.
        batch_size: None for full batch, 1 for stochastic, n for mini-batches.
        shuffle: visit the examples in a new random order every epoch (for
            stochastic and mini-batch training; a full batch needs no order).
        seed: seed of that order, so a run can be repeated exactly.
        reduction: 'sum' or 'mean' over each batch, for the losses of `nn.losses`.
        regularization: a function of the parameter list whose Value is added
            to every step's loss, e.g. ``lambda ps: nn.losses.l2(ps, 1e-4)``.
        progress: a tqdm progress bar over the epochs; None (the default) shows
            it only when stderr is a terminal, so logs and tests stay clean.
        callback: called after every optimizer step with a `StepInfo`.
        metrics: 'auto' measures accuracy for the classification losses
            (`CLASSIFICATION_LOSSES`); 'accuracy' also for the others, by the
            largest output (several outputs needed); None measures none.
        compile: trace each batch shape's step once with `autograd.compile` and
            run the generated code instead of building a graph every step: the
            same numbers (to rounding) many times faster. The loss may not
            branch on values in Python (see `autograd.compile`): a branch on
            ``.data`` is looked for by tracing again on the first batches and
            on steps 16, 32, 64, ..., and stops training with a TracingError.
            The traced steps are kept on the model, so another `fit` with the
            same loss, reduction, regularization function and parameters
            traces nothing again; a different one replaces them.
    """
    if not isinstance(model, Module) or not callable(model):
        raise TypeError(_("model must be a callable nn.Module such as an MLP, got {got}").format(got=describe(model)))
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            _(
                "optimizer must be an nn.optim optimizer, e.g. "
                "nn.optim.SGD(model.parameters(), lr=0.1), got {got}"
            ).format(
                got=describe(optimizer)
            )
        )
    examples = _check_data(inputs, targets)
    count(epochs, "epochs")
    size = examples if batch_size is None else min(count(batch_size, "batch_size"), examples)
    loss_function, loss_name = _resolve_loss(loss, reduction)
    judge = _judge(loss_name, metrics)
    parameters = model.parameters()
    if parameters and set(optimizer.params).isdisjoint(parameters):
        raise ValueError(
            _(
                "the optimizer updates none of this model's {count_parameters} "
                "parameters, so training would change nothing; build it on this model: "
                "nn.optim.SGD(model.parameters(), lr=...)"
            ).format(
                count_parameters=len(parameters)
            )
        )
    batch_objective = functools.partial(_batch_objective, model, loss_function, regularization, parameters)
    compiled_steps = None
    if compile:
        # The compiled step checks targets only when it traces; check them all once, eagerly, with the loss's messages.
        with no_grad():
            loss_function([model(x) for x in inputs], list(targets))
        classes = _output_count(model, inputs[0]) if loss_name == "cross_entropy" else None
        key = (loss, reduction, regularization, classes, tuple(map(id, parameters)))
        compiled_steps = _compiled_steps_of(model, key, lambda: _CompiledSteps(batch_objective, parameters, classes))
    schedule = epoch_batches(examples, size, shuffle=shuffle, seed=seed)
    history = History()
    progress_bar = tqdm(total=epochs, unit="epoch", disable=None if progress is None else not progress)
    with autograd.cyclic_gc_paused(), progress_bar as bar:
        for epoch, batches in zip(range(epochs), schedule):
            epoch_loss, correct = 0.0, 0
            for batch in batches:
                batch_inputs = [inputs[i] for i in batch]
                batch_targets = [targets[i] for i in batch]
                optimizer.zero_grad()
                if compiled_steps is not None:
                    objective_value, data_loss_value, outputs = compiled_steps(batch_inputs, batch_targets)
                else:
                    objective, (data_loss, outputs) = batch_objective(batch_inputs, batch_targets)
                    objective.backward()
                    objective_value, data_loss_value = objective.data, data_loss.data
                optimizer.step()
                epoch_loss += data_loss_value * (len(batch) if reduction == "mean" else 1)
                if judge is not None:
                    correct += sum(judge(output, target) for output, target in zip(outputs, batch_targets))
                if callback is not None:
                    callback(StepInfo(epoch, history.steps, objective_value, model, optimizer))
                history.steps += 1
            history.loss.append(epoch_loss / examples if reduction == "mean" else epoch_loss)
            postfix = {"loss": f"{history.loss[-1]:.4g}"}
            if judge is not None:
                history.accuracy.append(correct / examples)
                postfix["accuracy"] = f"{history.accuracy[-1]:.1%}"
            bar.set_postfix(postfix, refresh=False)
            bar.update()
    return history


def evaluate(
    model: Model,
    inputs: Sequence[Sequence[float]],
    targets: Sequence[Any],
    *,
    loss: str | LossFunction,
    reduction: str = "sum",
    metrics: str | None = "auto",
) -> Evaluation:
    """The model's loss and accuracy on (inputs, targets), without building a graph or changing anything.

    Arguments as in `fit`; accuracy is None when `metrics` measures none.
    """
    _check_data(inputs, targets)
    loss_function, loss_name = _resolve_loss(loss, reduction)
    judge = _judge(loss_name, metrics)
    with no_grad():
        outputs = [model(x) for x in inputs]
        value = loss_function(outputs, list(targets)).data
    accuracy = None if judge is None else sum(judge(o, t) for o, t in zip(outputs, targets)) / len(inputs)
    return Evaluation(value, accuracy)

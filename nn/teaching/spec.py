"""Spec files: a small network, its data, a loss and a learning rate, as JSON, checked before anything runs.

A spec is what ``scalargrad derive SPEC.json`` reads, and what the worked
examples in ``demos/examples/`` are::

    {"layers": [{"activation": "sigmoid", "weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35]},
                {"activation": "sigmoid", "weights": [[0.4, 0.45], [0.5, 0.55]], "biases": [0.6, 0.6]}],
     "input": [0.05, 0.1],            or "inputs": [[...], [...]] for a batch
     "target": [0.01, 0.99],          or "targets": [[...], [...]], one per example
     "loss": "half_sse",              a name from nn.losses.LOSSES
     "learning_rate": 0.5,
     "steps": 1,                      optional, default 1
     "reduction": "sum",              optional, 'sum' (default) or 'mean' over a batch
     "name": ..., "source": ..., "notes": ..., "expected": {...}}   optional, not computed with

``weights`` rows are receiving neurons (w_kj: row k, column j), ``null`` is an
absent connection, ``"biases": null`` a layer without biases. A target is a
list with one number per output neuron (a bare number for a single output);
with ``cross_entropy`` it may be a class index (0-based), as the loss takes it.
With ``cross_entropy`` the output layer may say ``"softmax"`` (as textbooks
draw it) or ``"linear"``: either way the network outputs logits and the loss
applies the softmax, since that is what `nn.losses.cross_entropy` takes.

Every error is a `SpecError` whose message starts with the JSON path of the
bad value, e.g. ``layers[1].weights[0]: expected 3 numbers, got 2``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from autograd import Value
from nn._validation import describe, did_you_mean, finite_number, numbers, sequence
from nn.teaching.derive import NetworkDerivation, derive
from nn.layers import MLP
from nn.losses import LOSSES

REQUIRED_KEYS = ("layers", "loss", "learning_rate")
"""Keys every spec has, besides one of input/inputs and one of target/targets."""

OPTIONAL_KEYS = ("steps", "reduction", "name", "source", "notes", "expected")
"""Keys a spec may have; name, source, notes and expected are kept but not computed with."""

OUTPUT_ACTIVATIONS_FOR_LOSS = {
    "bce": ("sigmoid", "softmax"),
    "bce_with_logits": ("linear",),
    "cross_entropy": ("softmax", "linear"),
}
"""Output activations a loss accepts; losses not listed accept every activation."""


class SpecError(ValueError):
    """A spec file that cannot be used; the message starts with the JSON path of the problem."""


@dataclass(frozen=True)
class Spec:
    """A checked spec: everything `derive` needs, plus the descriptive keys.

    ``inputs`` and ``targets`` are always batches (one example is a batch of
    one); ``batch`` says whether the file gave a batch.
    """

    layers: list[dict[str, Any]]
    inputs: list[list[float]]
    targets: list[list[float]]
    loss: str
    learning_rate: float
    steps: int
    reduction: str
    batch: bool
    name: str | None = None
    source: str | None = None
    notes: str | None = None
    expected: dict[str, Any] | None = None

    def model(self) -> MLP:
        """A fresh `MLP` with the spec's weights (a softmax output becomes logits for cross_entropy)."""
        layers = [dict(layer) for layer in self.layers]
        if self.loss == "cross_entropy":
            layers[-1]["activation"] = "linear"
        return MLP.from_dict({"layers": layers})

    def derive(self, steps: int | None = None, bias_as_weight: bool = False) -> NetworkDerivation:
        """The derivation of `steps` steps (the spec's own number if None) on the spec's data."""
        inputs: list[Any] = self.inputs if self.batch else self.inputs[0]
        targets: Any = self.targets if self.batch else self.targets[0]
        derivation = derive(
            self.model(),
            inputs,
            targets,
            self.loss,
            self.learning_rate,
            steps=self.steps if steps is None else steps,
            reduction=self.reduction,
            bias_as_weight=bias_as_weight,
        )
        derivation.title, derivation.source = self.name, self.source
        return derivation


def load_spec(path: str | os.PathLike[str]) -> Spec:
    """Read and check the spec file at `path`; SpecError (with the file name and JSON path) if it is bad."""
    name = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    except OSError as error:
        raise SpecError(f"{name}: cannot read the file: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise SpecError(f"{name}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except UnicodeDecodeError:
        raise SpecError(f"{name}: not a UTF-8 text file") from None
    try:
        return parse_spec(data)
    except SpecError as error:
        raise SpecError(f"{name}: {error}") from None


def parse_spec(data: object) -> Spec:
    """Check spec data (as loaded from JSON) and return it as a `Spec`; SpecError names the JSON path."""
    try:
        return _parse(data)
    except SpecError:
        raise
    except (TypeError, ValueError) as error:
        raise SpecError(str(error)) from None


def _parse(data: object) -> Spec:
    if not isinstance(data, Mapping):
        raise SpecError(
            f"(top level): expected a JSON object with keys {', '.join(REQUIRED_KEYS)}, got {describe(data)}"
        )
    known = {*REQUIRED_KEYS, *OPTIONAL_KEYS, "input", "inputs", "target", "targets"}
    for key in data:
        if key not in known:
            raise SpecError(f"{key}: unknown key{did_you_mean(key, known)}; a spec has {', '.join(sorted(known))}")
    for key in REQUIRED_KEYS:
        if key not in data:
            raise SpecError(f"{key}: missing key")
    entries = [dict(layer) if isinstance(layer, Mapping) else layer for layer in sequence(data["layers"], "layers")]
    model = MLP.from_dict({"layers": entries})  # checks every shape, number and activation, naming the path
    # Parsed JSON: from_dict has just refused any layer that is not an object, so each entry is a dict.
    layers = cast(list[dict[str, Any]], entries)

    loss = data["loss"]
    if loss not in LOSSES:
        raise SpecError(f"loss: unknown loss {loss!r}; valid names are {', '.join(map(repr, LOSSES))}")
    output_activation = layers[-1]["activation"]
    allowed = OUTPUT_ACTIVATIONS_FOR_LOSS.get(loss)
    if allowed is not None and output_activation not in allowed:
        raise SpecError(
            f"layers[{len(layers) - 1}].activation: the loss {loss!r} needs an output activation of "
            f"{' or '.join(map(repr, allowed))}, got {output_activation!r}"
        )

    batch = _one_of(data, "input", "inputs")
    targets_batch = _one_of(data, "target", "targets")
    if batch != targets_batch:
        given, wanted = ("inputs", "targets") if batch else ("input", "target")
        raise SpecError(f"{'target' if batch else 'targets'}: the spec gives {given!r}, so give {wanted!r} to match")
    input_key = "inputs" if batch else "input"
    examples = sequence(data[input_key], input_key) if batch else [data[input_key]]
    if not examples:
        raise SpecError("inputs: expected at least one example")
    paths = [f"inputs[{n}]" for n in range(len(examples))] if batch else ["input"]
    inputs = [_numbers(example, model.nin, path, "network input") for example, path in zip(examples, paths)]

    outputs = model.layers[-1].nout
    target_key = "targets" if batch else "target"
    target_list = sequence(data[target_key], target_key) if batch else [data[target_key]]
    if len(target_list) != len(inputs):
        raise SpecError(f"targets: expected {len(inputs)} targets (one per example in inputs), got {len(target_list)}")
    target_paths = [f"targets[{n}]" for n in range(len(target_list))] if batch else ["target"]
    targets = [_target(target, outputs, path, loss) for target, path in zip(target_list, target_paths)]
    _check_target_values(loss, targets, target_paths, outputs)

    learning_rate = finite_number(data["learning_rate"], "learning_rate")
    if learning_rate <= 0:
        raise SpecError(f"learning_rate: expected a positive number, got {learning_rate!r}")
    steps = data.get("steps", 1)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise SpecError(f"steps: expected a positive whole number, got {describe(steps)}")
    reduction = data.get("reduction", "sum")
    if reduction not in ("sum", "mean"):
        raise SpecError(f"reduction: expected 'sum' or 'mean', got {describe(reduction)}")
    for key in ("name", "source", "notes"):
        if key in data and not isinstance(data[key], str):
            raise SpecError(f"{key}: expected a string, got {describe(data[key])}")
    expected = data.get("expected")
    if expected is not None and not isinstance(expected, Mapping):
        raise SpecError(f"expected: expected an object, got {describe(expected)}")
    return Spec(
        layers=layers,
        inputs=inputs,
        targets=targets,
        loss=loss,
        learning_rate=learning_rate,
        steps=steps,
        reduction=reduction,
        batch=batch,
        name=data.get("name"),
        source=data.get("source"),
        notes=data.get("notes"),
        expected=None if expected is None else dict(expected),
    )


def _one_of(data: Mapping[str, Any], single: str, batch: str) -> bool:
    """True if `data` has the batch key, False if the single key; SpecError if it has both or neither."""
    if single in data and batch in data:
        raise SpecError(f"{batch}: give either {single!r} (one example) or {batch!r} (a batch), not both")
    if single not in data and batch not in data:
        raise SpecError(f"{single}: missing key (or {batch!r} for a batch)")
    return batch in data


def _target(target: object, outputs: int, path: str, loss: str) -> list[float]:
    """One example's target as one number per output neuron; for cross_entropy a class index becomes one-hot."""
    if loss == "cross_entropy" and isinstance(target, int) and not isinstance(target, bool):
        if not 0 <= target < outputs:
            raise SpecError(f"{path}: class index {target} is out of range for {outputs} output neurons (0..{outputs - 1})")
        return [1.0 if k == target else 0.0 for k in range(outputs)]
    return _numbers(target if isinstance(target, list) or outputs > 1 else [target], outputs, path, "output neuron")


def _numbers(value: object, count: int, path: str, per: str) -> list[float]:
    entries = sequence(value, path)
    if len(entries) != count:
        raise SpecError(f"{path}: expected {numbers(count)} (one per {per}), got {len(entries)}")
    return [finite_number(entry, f"{path}[{j}]") for j, entry in enumerate(entries)]


def _check_target_values(loss: str, targets: list[list[float]], paths: list[str], outputs: int) -> None:
    """Let the loss itself check the target values (probabilities, ±1 labels, one-hot), with the spec's paths."""
    stand_in_outputs = [[Value(0.5) for _ in range(outputs)] for _ in targets]
    try:
        LOSSES[loss](stand_in_outputs, targets)
    except ValueError as error:
        message = str(error)
        for n, path in enumerate(paths):
            prefix = f"targets[{n}]"
            if message.startswith(prefix):
                raise SpecError(f"{path}{message[len(prefix) :]}") from None
        raise SpecError(f"{paths[0].split('[')[0]}: {message}") from None

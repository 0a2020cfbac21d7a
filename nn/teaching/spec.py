"""Spec files: a small network, its data, a loss and a learning rate, as JSON, checked before anything runs.

A spec is what ``scalargrad derive SPEC.json`` reads, and what the worked
examples in ``demos/examples/`` are::

    {"layers": [{"activation": "sigmoid", "weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35]},
                {"activation": "sigmoid", "weights": [[0.4, 0.45], [0.5, 0.55]], "biases": [0.6, 0.6]}],
     "input": [0.05, 0.1],            or "inputs": [[...], [...]] for a batch
     "target": [0.01, 0.99],          or "targets": [[...], [...]], one per example
     "loss": "half_sse",              a name from nn.losses.LOSSES
     "learning_rate": 0.5,
     "steps": 1,                      optional, default 1: the number of updates (an epoch of N examples
                                      is ⌈N/batch size⌉ of them with mode sgd or minibatch)
     "reduction": "sum",              optional, 'sum' (default) or 'mean' over a batch
     "mode": {"name": "minibatch", "batch_size": 2, "shuffle_seed": 0},
                                      optional: 'batch' (default), 'sgd' or 'minibatch'; shuffle_seed
                                      shuffles every epoch as nn.train.fit(seed=...) does (absent: no shuffle)
     "form": "matrix",                optional: 'neuron' (default: every sum neuron by neuron), 'matrix'
                                      or 'both' (the matrices after the sums)
     "notation": {"input_layer": 1, "rate": "eta", "cost": "E", "weights": "w_jk"},
                                      optional, any subset: a textbook's conventions (nn.teaching.notation_options)
     "optimizer": {"name": "adam", "betas": [0.9, 0.999]},
                                      optional: 'sgd' (default), 'momentum', 'nesterov', 'rmsprop' or
                                      'adam' (or just the name), hyper-parameters as in nn.optim
     "name": ..., "source": ..., "notes": ..., "expected": {...}}   optional, not computed with

``name_zh``, ``source_zh`` and ``notes_zh`` give the title, source and notes
in Chinese: a derivation, lesson or worksheet written in Chinese shows them in
place of ``name``, ``source`` and ``notes`` (which it shows where they are absent).

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

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from autograd.i18n import LANGUAGES, N_, Catalog, current_language, language
from autograd import Value
from nn._json_files import read_json_file
from nn._validation import describe, did_you_mean, finite_number, key_path, located, numbers, sequence
from nn.teaching.derive import FORMS, MAX_STEPS, MODES, NetworkDerivation, derive
from nn.teaching.notation_options import Notation
from nn.teaching.optimizer_steps import OptimizerChoice
from nn.layers import MLP
from nn.losses import LOSSES

_ = Catalog("nn")

REQUIRED_KEYS = ("layers", "loss", "learning_rate")
"""Keys every spec has, besides one of input/inputs and one of target/targets."""

DESCRIPTIVE_KEYS = ("name", "source", "notes")
"""Text about the example (its title, where it was published, remarks), in English."""

TRANSLATED_KEYS = tuple(f"{key}_{lang}" for lang in LANGUAGES if lang != "en" for key in DESCRIPTIVE_KEYS)
"""The descriptive keys in another language: ``name_zh``, ``source_zh``, ``notes_zh``."""

OPTIONAL_KEYS = (
    "steps", "reduction", "mode", "optimizer", "form", "notation", *DESCRIPTIVE_KEYS, *TRANSLATED_KEYS, "expected"
)
"""Keys a spec may have; the descriptive keys and expected are kept but not computed with."""

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
    mode: str = "batch"
    batch_size: int | None = None
    shuffle_seed: int | None = None
    optimizer: OptimizerChoice = field(default_factory=OptimizerChoice)
    form: str = "neuron"
    notation: Notation = field(default_factory=Notation)
    translations: dict[str, str] = field(default_factory=dict)

    def text(self, key: str) -> str | None:
        """The spec's `key` (``"name"``, ``"source"``, ``"notes"``) in the current language, else in English."""
        return self.translations.get(f"{key}_{current_language()}") or getattr(self, key)

    def model(self) -> MLP:
        """A fresh `MLP` with the spec's weights (a softmax output becomes logits for cross_entropy)."""
        layers = [dict(layer) for layer in self.layers]
        if self.loss == "cross_entropy":
            layers[-1]["activation"] = "linear"
        return MLP.from_dict({"layers": layers})

    def derive(
        self,
        steps: int | None = None,
        bias_as_weight: bool = False,
        learning_rate: float | None = None,
        stop_when_diverged: bool = False,
        lang: str | None = None,
    ) -> NetworkDerivation:
        """The derivation of `steps` steps (the spec's own number if None) on the spec's data, in `lang`.

        `learning_rate` replaces the spec's for this derivation, and `stop_when_diverged`
        ends it early where the numbers stop being finite (both to compare rates).
        """
        inputs: list[Any] = self.inputs if self.batch else self.inputs[0]
        targets: Any = self.targets if self.batch else self.targets[0]
        derivation = derive(
            self.model(),
            inputs,
            targets,
            self.loss,
            self.learning_rate if learning_rate is None else learning_rate,
            steps=self.steps if steps is None else steps,
            reduction=self.reduction,
            bias_as_weight=bias_as_weight,
            mode=self.mode,
            batch_size=self.batch_size,
            shuffle_seed=self.shuffle_seed,
            optimizer=self.optimizer,
            stop_when_diverged=stop_when_diverged,
            form=self.form,
            notation=self.notation,
            lang=lang,
        )
        with language(derivation.lang):
            derivation.title, derivation.source = self.text("name"), self.text("source")
        return derivation


MAX_FILE_BYTES = 10 * 1024 * 1024
"""The largest spec file read (a spec is a small network: the worked examples are a few KiB)."""

_MAX_INTEGER_DIGITS = 400
"""Longer integers are refused while parsing: 10**309 is already too large for a float."""


def load_spec(path: str | os.PathLike[str]) -> Spec:
    """Read and check the spec file at `path`; SpecError (with the file name and JSON path) if it is bad.

    Only a regular file of at most `MAX_FILE_BYTES` is read (never a FIFO,
    device or directory, which could block or never end).
    """
    name = os.fspath(path)
    data = read_json_file(path, SpecError, kind=N_("spec"), read=_read_regular_file, parse_int=_json_integer)
    try:
        return parse_spec(data)
    except SpecError as error:
        raise SpecError(located(name, str(error))) from None


def _read_regular_file(path: str | os.PathLike[str]) -> str:
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        raise SpecError(_("not a regular file; give the path of a .json spec file"))
    if status.st_size > MAX_FILE_BYTES:
        raise SpecError(_("{st_size} bytes is too large for a spec (the limit is {limit})").format(
            st_size=status.st_size, limit=MAX_FILE_BYTES
        ))
    with open(path, "rb") as file:
        content = file.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise SpecError(_("the file is too large for a spec (the limit is {limit} bytes)").format(limit=MAX_FILE_BYTES))
    return content.decode("utf-8")


def _json_integer(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INTEGER_DIGITS:
        raise SpecError(_("an integer of {digits} digits is too large for a float; write it as 1e300").format(
            digits=len(text.lstrip('-'))
        ))
    return int(text)


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
            _("(top level): expected a JSON object with keys {names}, got {got}").format(
                names=', '.join(REQUIRED_KEYS), got=describe(data)
            )
        )
    known = {*REQUIRED_KEYS, *OPTIONAL_KEYS, "input", "inputs", "target", "targets"}
    for key in data:
        if key not in known:
            raise SpecError(_("{path}: unknown key{suggestion}; a spec has {names}").format(
                path=key_path(None, key), suggestion=did_you_mean(key, known), names=', '.join(sorted(known))
            ))
    for key in REQUIRED_KEYS:
        if key not in data:
            raise SpecError(_("{key}: missing key").format(key=key))
    entries = [dict(layer) if isinstance(layer, Mapping) else layer for layer in sequence(data["layers"], "layers")]
    model = MLP.from_dict({"layers": entries})  # checks every shape, number and activation, naming the path
    # Parsed JSON: from_dict has just refused any layer that is not an object, so each entry is a dict.
    layers = cast(list[dict[str, Any]], entries)

    loss = data["loss"]
    if not isinstance(loss, str) or loss not in LOSSES:
        raise SpecError(_("loss: unknown loss {loss!r}; valid names are {names}").format(
            loss=loss, names=', '.join(map(repr, LOSSES))
        ))
    output_activation = layers[-1]["activation"]
    allowed = OUTPUT_ACTIVATIONS_FOR_LOSS.get(loss)
    if allowed is not None and output_activation not in allowed:
        raise SpecError(
            _(
                "layers[{value}].activation: the loss {loss!r} needs an output "
                "activation of {names}, got {output_activation!r}"
            ).format(
                value=len(layers) - 1,
                loss=loss,
                names=_(" or ").join(map(repr, allowed)),
                output_activation=output_activation,
            )
        )

    batch = _one_of(data, "input", "inputs")
    targets_batch = _one_of(data, "target", "targets")
    if batch != targets_batch:
        given, wanted = ("inputs", "targets") if batch else ("input", "target")
        raise SpecError(_("{value}: the spec gives {given!r}, so give {wanted!r} to match").format(
            value='target' if batch else 'targets', given=given, wanted=wanted
        ))
    input_key = "inputs" if batch else "input"
    examples = sequence(data[input_key], input_key) if batch else [data[input_key]]
    if not examples:
        raise SpecError(_("inputs: expected at least one example"))
    paths = [f"inputs[{n}]" for n in range(len(examples))] if batch else ["input"]
    inputs = [_numbers(example, model.nin, path, N_("network input")) for example, path in zip(examples, paths)]

    outputs = model.layers[-1].nout
    target_key = "targets" if batch else "target"
    target_list = sequence(data[target_key], target_key) if batch else [data[target_key]]
    if len(target_list) != len(inputs):
        raise SpecError(_(
            "targets: expected {count_inputs} targets (one per example in inputs), got "
            "{count_target_list}"
        ).format(
            count_inputs=len(inputs), count_target_list=len(target_list)
        ))
    target_paths = [f"targets[{n}]" for n in range(len(target_list))] if batch else ["target"]
    targets = [_target(target, outputs, path, loss) for target, path in zip(target_list, target_paths)]
    _check_target_values(loss, targets, target_paths, outputs)

    learning_rate = finite_number(data["learning_rate"], "learning_rate")
    if learning_rate <= 0:
        raise SpecError(_("learning_rate: expected a positive number, got {learning_rate!r}").format(
            learning_rate=learning_rate
        ))
    steps = data.get("steps", 1)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise SpecError(_("steps: expected a whole number from 1 to {limit}, got {got}").format(
            limit=MAX_STEPS, got=describe(steps)
        ))
    reduction = data.get("reduction", "sum")
    if reduction not in ("sum", "mean"):
        raise SpecError(_("reduction: expected 'sum' or 'mean', got {got}").format(got=describe(reduction)))
    for key in (*DESCRIPTIVE_KEYS, *TRANSLATED_KEYS):
        if key in data and not isinstance(data[key], str):
            raise SpecError(_("{key}: expected a string, got {got}").format(key=key, got=describe(data[key])))
    expected = data.get("expected")
    if expected is not None and not isinstance(expected, Mapping):
        raise SpecError(_("expected: expected an object, got {got}").format(got=describe(expected)))
    mode, batch_size, shuffle_seed = parse_mode(data.get("mode", "batch"), "mode")
    optimizer = OptimizerChoice.parse(data.get("optimizer", "sgd"), "optimizer")
    notation = Notation.parse(data.get("notation", {}), "notation")
    form = data.get("form", "neuron")
    if form not in FORMS:
        raise SpecError(_("form: expected one of {names}, got {got}").format(
            names=', '.join(map(repr, FORMS)), got=describe(form)
        ))
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
        mode=mode,
        batch_size=batch_size,
        shuffle_seed=shuffle_seed,
        optimizer=optimizer,
        form=form,
        notation=notation,
        translations={key: data[key] for key in TRANSLATED_KEYS if key in data},
    )


def parse_mode(data: object, where: str) -> tuple[str, int | None, int | None]:
    """A training mode, ``"sgd"`` or ``{"name", "batch_size", "shuffle_seed"}``, as (name, batch size, seed).

    SpecError names the path below `where` (``mode.batch_size: ...``).
    """
    if isinstance(data, str):
        data = {"name": data}
    if not isinstance(data, Mapping):
        raise SpecError(_("{where}: expected a mode name or an object with a 'name', got {got}").format(
            where=where, got=describe(data)
        ))
    for key in data:
        if key not in ("name", "batch_size", "shuffle_seed"):
            raise SpecError(_("{path}: unknown key; a mode has name, batch_size and shuffle_seed").format(
                path=key_path(where, key)
            ))
    name = data.get("name")
    if name not in MODES:
        raise SpecError(_("{where}.name: expected one of {names}, got {got}").format(
            where=where, names=', '.join(map(repr, MODES)), got=describe(name)
        ))
    batch_size = data.get("batch_size")
    if name == "minibatch":
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise SpecError(_(
                "{where}.batch_size: mode 'minibatch' needs a whole number of examples "
                "per step, got {got}"
            ).format(
                where=where, got=describe(batch_size)
            ))
    elif batch_size is not None:
        raise SpecError(_(
            "{where}.batch_size: only mode 'minibatch' takes a batch size; remove it or "
            "set name to 'minibatch'"
        ).format(
            where=where
        ))
    seed = data.get("shuffle_seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise SpecError(_("{where}.shuffle_seed: expected a whole number (or null for no shuffle), got {got}").format(
            where=where, got=describe(seed)
        ))
    return name, batch_size, seed


def _one_of(data: Mapping[str, Any], single: str, batch: str) -> bool:
    """True if `data` has the batch key, False if the single key; SpecError if it has both or neither."""
    if single in data and batch in data:
        raise SpecError(_("{batch}: give either {single!r} (one example) or {batch!r} (a batch), not both").format(
            batch=batch, single=single
        ))
    if single not in data and batch not in data:
        raise SpecError(_("{single}: missing key (or {batch!r} for a batch)").format(single=single, batch=batch))
    return batch in data


def _target(target: object, outputs: int, path: str, loss: str) -> list[float]:
    """One example's target as one number per output neuron; for cross_entropy a class index becomes one-hot."""
    if loss == "cross_entropy" and isinstance(target, int) and not isinstance(target, bool):
        if not 0 <= target < outputs:
            raise SpecError(_(
                "{path}: class index {target} is out of range for {outputs} output "
                "neurons (0..{value})"
            ).format(
                path=path, target=target, outputs=outputs, value=outputs - 1
            ))
        return [1.0 if k == target else 0.0 for k in range(outputs)]
    return _numbers(target if isinstance(target, list) or outputs > 1 else [target], outputs, path, N_("output neuron"))


def _numbers(value: object, count: int, path: str, per: str) -> list[float]:
    entries = sequence(value, path)
    if len(entries) != count:
        raise SpecError(_("{path}: expected {numbers} (one per {per}), got {count_entries}").format(
            path=path, numbers=numbers(count), per=_(per), count_entries=len(entries)
        ))
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

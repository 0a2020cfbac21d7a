"""Loss functions: one Value C that says how far a batch of outputs is from its targets.

Every loss has the signature ``loss(outputs, targets, reduction='sum') -> Value``:

* `outputs` is always a batch, a list over examples; each example's output is
  a Value (one output unit) or a list of Values, as ``model(x)`` returns it.
  One example is written ``[output]``.
* `targets` is a list over examples; each a number or a list of numbers (one
  per output unit). `cross_entropy` also takes a class index.
* Per example, `half_sse`, `bce`, `bce_with_logits`, `cross_entropy` and
  `hinge` sum over the output units, while `mse` averages over them.
* Over the batch, ``reduction='sum'`` (Wakui & Wakui's C_T = Σ C) or ``'mean'``.
* In the graph, each target number is a leaf named ``y1``, ``y2``, ... (by
  output unit) and the loss is named ``C``; a sum of one term is the term
  itself, so pictures of one example show no one-input Σ and no ÷ 1.

Each docstring names the output delta δ = ∂C/∂z at the output pre-activation z
for one example (BACKPROP.md's table); with ``reduction='mean'`` divide it by
the batch size. The tests check each against the engine's ``z.grad``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from numbers import Integral
from typing import Literal

from autograd.i18n import Catalog
import autograd
from autograd import Value
from nn._validation import describe, finite_number, numbers

_ = Catalog("nn")

Output = Value | float | Sequence[Value | float]
Target = float | Sequence[float]
Reduction = Literal["sum", "mean"]

BCE_EPSILON = 1e-12
"""`bce` clips probabilities to [BCE_EPSILON, 1 − BCE_EPSILON] so that log never sees 0."""


def half_sse(outputs: Sequence[Output], targets: Sequence[Target], reduction: Reduction = "sum") -> Value:
    """½ Σ_i (y_i − o_i)² per example: the classic teaching loss (seed 004, Mazur).

    Output delta with an identity output: δ_i = o_i − y_i (the ½ cancels the 2);
    with a sigmoid output, δ_i = (o_i − y_i)·o_i·(1 − o_i).
    """
    return _reduce(
        [
            _total([0.5 * (o - y) ** 2 for o, y in zip(units, ys)])
            for units, ys in _examples(outputs, targets, reduction, _numbers_per_unit)
        ],
        reduction,
    )


def mse(outputs: Sequence[Output], targets: Sequence[Target], reduction: Reduction = "sum") -> Value:
    """(1/n) Σ_i (o_i − y_i)² per example, n = the number of output units (seed 002).

    Output delta with an identity output: δ_i = (2/n)(o_i − y_i); with a sigmoid
    output, δ_i = (2/n)(o_i − y_i)·o_i·(1 − o_i). The factor 2/n is why
    `half_sse` exists: it gives the bare o − y.
    """
    return _reduce(
        [
            _mean([(o - y) ** 2 for o, y in zip(units, ys)])
            for units, ys in _examples(outputs, targets, reduction, _numbers_per_unit)
        ],
        reduction,
    )


def bce(outputs: Sequence[Output], targets: Sequence[Target], reduction: Reduction = "sum") -> Value:
    """Binary cross-entropy from probabilities: −Σ_i [y_i·log o_i + (1 − y_i)·log(1 − o_i)] per example.

    Output delta with a sigmoid output: δ_i = o_i − y_i (σ' = o(1 − o) cancels
    the denominators). Outputs must lie in [0, 1] and targets in [0, 1]. Each
    output is clipped to [BCE_EPSILON, 1 − BCE_EPSILON] = [1e-12, 1 − 1e-12] so
    the loss stays finite when a sigmoid saturates; a clipped output is a
    constant, so it gets no gradient (as with a clamp). For saturating
    logits prefer `bce_with_logits`, which never clips.
    """
    per_example = []
    for index, (units, ys) in enumerate(_examples(outputs, targets, reduction, _probabilities)):
        terms = []
        for o, y in zip(units, ys):
            if not 0.0 <= o.data <= 1.0:
                raise ValueError(
                    _(
                        "outputs[{index}]: bce expects probabilities in [0, 1] (e.g. a "
                        "sigmoid output), got {data!r}; for raw scores use "
                        "bce_with_logits"
                    ).format(
                        index=index, data=o.data
                    )
                )
            p = o.clamp(BCE_EPSILON, 1.0 - BCE_EPSILON)
            terms.append(-(y * p.log() + (1.0 - y) * (1.0 - p).log()))
        per_example.append(_total(terms))
    return _reduce(per_example, reduction)


def bce_with_logits(outputs: Sequence[Output], targets: Sequence[Target], reduction: Reduction = "sum") -> Value:
    """Binary cross-entropy of σ(z), computed from the logits z: Σ_i [softplus(z_i) − y_i·z_i] per example.

    The same number as ``bce`` of ``sigmoid(z)`` (since log σ(z) = z − softplus(z)
    and log(1 − σ(z)) = −softplus(z)) but finite and exact for any z, as
    softplus is computed stably. Output delta at the logit: δ_i = σ(z_i) − y_i.
    Targets in [0, 1].
    """
    return _reduce(
        [
            _total([z.softplus() - y * z for z, y in zip(units, ys)])
            for units, ys in _examples(outputs, targets, reduction, _probabilities)
        ],
        reduction,
    )


def cross_entropy(outputs: Sequence[Output], targets: Sequence[Target | int], reduction: Reduction = "sum") -> Value:
    """Softmax cross-entropy from logits: −Σ_i y_i·log softmax(z)_i = logsumexp(z) − Σ_i y_i·z_i per example.

    Each example's output is the list of logits z (one per class; use
    ``output_activation='linear'``, since softmax is applied here, stably via
    logsumexp). Each target is a class index c (0-based int) or a one-hot list;
    any probability distribution (non-negative, summing to 1) is accepted too.
    Output delta at the logits: δ_i = softmax(z)_i − y_i, BACKPROP.md's
    softmax row o_i − y_i.
    """
    per_example = []
    for units, ys in _examples(outputs, targets, reduction, _class_distribution):
        expected = _total([y * z for z, y in zip(units, ys) if isinstance(y, Value) or y != 0.0])
        per_example.append(autograd.logsumexp(units) - expected)
    return _reduce(per_example, reduction)


def hinge(outputs: Sequence[Output], targets: Sequence[Target], reduction: Reduction = "sum") -> Value:
    """Max-margin loss Σ_i max(0, 1 − y_i·s_i) per example, labels y = ±1 (micrograd's moons demo).

    Output delta at the score s (identity output): δ_i = −y_i while the margin
    is violated (y_i·s_i < 1), else 0: examples classified with margin teach nothing.
    """
    return _reduce(
        [
            _total([(1.0 - y * s).relu() for s, y in zip(units, ys)])
            for units, ys in _examples(outputs, targets, reduction, _signs)
        ],
        reduction,
    )


def l2(parameters: Sequence[Value], coefficient: float) -> Value:
    """coefficient · Σ p²: a weight-decay penalty to add to a loss (micrograd's demo uses 1e-4).

    Its gradient is 2·coefficient·p for each parameter, which pulls weights toward 0.
    """
    strength = finite_number(coefficient, "l2 coefficient")
    if strength < 0:
        raise ValueError(_("l2 coefficient must be >= 0, got {strength!r}").format(strength=strength))
    if isinstance(parameters, Value) or not isinstance(parameters, (list, tuple)):
        raise TypeError(_("l2 expects a list of parameters (model.parameters()), got {got}").format(
            got=describe(parameters)
        ))
    for position, p in enumerate(parameters):
        if not isinstance(p, Value):
            raise TypeError(_("l2 parameters[{position}] must be a Value, got {got}").format(
                position=position, got=describe(p)
            ))
    if not parameters:
        return Value(0.0)
    return strength * autograd.sum([p * p for p in parameters])


LOSSES: dict[str, Callable[..., Value]] = {
    "mse": mse,
    "half_sse": half_sse,
    "bce": bce,
    "bce_with_logits": bce_with_logits,
    "cross_entropy": cross_entropy,
    "hinge": hinge,
}
"""Each batch loss by name, for spec files and command lines (``l2`` is a penalty, not listed)."""


# ---------------------------------------------------------------------------- validation

TargetReader = Callable[[object, int, str], list[float | Value]]
"""Reads one example's target as one number per output unit; (target, number of units, where) -> numbers.

A number is a float, or a Value when `autograd.compile` traces the targets (see `_target_number`).
"""


def _examples(
    outputs: object, targets: object, reduction: object, read_target: TargetReader
) -> list[tuple[list[Value], list[float | Value]]]:
    """(output units as Values, target per unit) for each example, after checking the whole batch."""
    if reduction not in ("sum", "mean"):
        raise ValueError(_("reduction must be 'sum' or 'mean', got {reduction!r}").format(reduction=reduction))
    if isinstance(outputs, Value) or not isinstance(outputs, (list, tuple)):
        raise TypeError(
            _("outputs must be a list over examples (a batch), got {got}; for one example write [output]").format(
                got=describe(outputs)
            )
        )
    if not isinstance(targets, (list, tuple)):
        raise TypeError(_("targets must be a list over examples, got {got}").format(got=describe(targets)))
    if not outputs:
        raise ValueError(_("outputs is empty: a loss needs at least one example"))
    if len(outputs) != len(targets):
        raise ValueError(
            _(
                "outputs has {count_outputs} examples but targets has {count_targets}; "
                "outputs is a batch, so one example with several output units is written "
                "[[o1, o2]]"
            ).format(
                count_outputs=len(outputs), count_targets=len(targets)
            )
        )
    examples = []
    for index, (output, target) in enumerate(zip(outputs, targets)):
        units = _output_units(output, f"outputs[{index}]")
        ys = read_target(target, len(units), f"targets[{index}]")
        examples.append((units, [_named_target(y, k) for k, y in enumerate(ys, start=1)]))
    return examples


def _named_target(y: float | Value, unit: int) -> float | Value:
    """A target number as a leaf named y1, y2, ... (a zero stays a number: cross_entropy leaves it out)."""
    return y if isinstance(y, Value) or y == 0.0 else Value(y, name=f"y{unit}")


def _output_units(output: object, where: str) -> list[Value]:
    entries = output if isinstance(output, (list, tuple)) else [output]
    if not entries:
        raise ValueError(_("{where}: an example's output needs at least one unit").format(where=where))
    units = []
    for unit in entries:
        if isinstance(unit, Value):
            units.append(unit)
        else:
            units.append(Value(finite_number(unit, where)))
    return units


def _target_number(y: object, where: str) -> float | Value:
    """A target number; a Value (a target traced by autograd.compile) is checked by its data and kept."""
    if isinstance(y, Value):
        finite_number(y.data, where)
        return y
    return finite_number(y, where)


def _data(y: float | Value) -> float:
    return y.data if isinstance(y, Value) else y


def _numbers_per_unit(target: object, n_units: int, where: str) -> list[float | Value]:
    """A number for a one-unit output, or a list with one number per unit."""
    if isinstance(target, (list, tuple)):
        if len(target) != n_units:
            raise ValueError(_("{where}: expected {numbers} (one per output unit), got {count_target}").format(
                where=where, numbers=numbers(n_units), count_target=len(target)
            ))
        return [_target_number(y, f"{where}[{i}]") for i, y in enumerate(target)]
    if n_units != 1:
        raise ValueError(_(
            "{where}: the output has {n_units} units, so the target must be a list of "
            "{n_units} numbers"
        ).format(
            where=where, n_units=n_units
        ))
    return [_target_number(target, where)]


def _probabilities(target: object, n_units: int, where: str) -> list[float | Value]:
    """Targets for a binary cross-entropy: numbers in [0, 1]."""
    ys = _numbers_per_unit(target, n_units, where)
    for y in ys:
        if not 0.0 <= _data(y) <= 1.0:
            raise ValueError(_("{where}: binary cross-entropy targets must lie in [0, 1], got {y!r}").format(
                where=where, y=y
            ))
    return ys


def _signs(target: object, n_units: int, where: str) -> list[float | Value]:
    """Targets for the hinge loss: labels −1 or +1."""
    ys = _numbers_per_unit(target, n_units, where)
    for y in ys:
        if _data(y) not in (-1.0, 1.0):
            raise ValueError(_("{where}: hinge labels must be -1 or +1, got {y!r}; map class 0 to -1").format(
                where=where, y=y
            ))
    return ys


def _class_distribution(target: object, n_classes: int, where: str) -> list[float | Value]:
    """A class index as a one-hot list, or a one-hot / probability list checked as such."""
    if isinstance(target, Integral) and not isinstance(target, bool):  # int, or NumPy's int64 and friends
        target = int(target)
        if not 0 <= target < n_classes:
            raise ValueError(_(
                "{where}: class index {target} is out of range for {n_classes} logits "
                "(0..{value})"
            ).format(
                where=where, target=target, n_classes=n_classes, value=n_classes - 1
            ))
        return [1.0 if i == target else 0.0 for i in range(n_classes)]
    if not isinstance(target, (list, tuple)):
        raise ValueError(_("{where}: expected a class index (int) or a one-hot list, got {got}").format(
            where=where, got=describe(target)
        ))
    ys = _numbers_per_unit(target, n_classes, where)
    if any(_data(y) < 0.0 for y in ys) or not math.isclose(math.fsum(map(_data, ys)), 1.0, abs_tol=1e-9):
        raise ValueError(_("{where}: a one-hot target must be non-negative and sum to 1, got {value!r}").format(
            where=where, value=list(target)
        ))
    return ys


def _total(terms: list[Value]) -> Value:
    """The sum of `terms` as one Σ node; a single term is returned as it is (a Σ of one adds nothing)."""
    return terms[0] if len(terms) == 1 else autograd.sum(terms)


def _mean(terms: list[Value]) -> Value:
    """The mean of `terms`; of a single term, the term itself (no ÷ 1)."""
    return terms[0] if len(terms) == 1 else autograd.sum(terms) / len(terms)


def _reduce(per_example: list[Value], reduction: Reduction) -> Value:
    """The batch's loss, named C: the sum or the mean of the examples' losses."""
    loss = _total(per_example) if reduction == "sum" else _mean(per_example)
    loss.name = "C"
    return loss

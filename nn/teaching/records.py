"""The records of a derivation: every number of every step, as plain data.

`nn.teaching.derive` fills them and `nn.teaching.render` lays them out; both
import them from here, so neither imports the other's side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nn.teaching.notation_options import Notation

Weights = list[list[list[float | None]]]
Biases = list[list[float | None] | None]


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
class ForwardRecord:
    """One example's forward values at some parameters (lists indexed [layer − 1][k − 1])."""

    z: list[list[float]]
    a: list[list[float]]
    output: list[float]
    loss: float


@dataclass(frozen=True)
class ParameterUpdate:
    """One parameter's optimizer update: the numbers of each line of its update rule.

    ``state_before`` holds what the optimizer carried into this step (empty at
    the first); ``quantities`` the numbers computed in it, by the names of
    `nn.teaching.optimizer_steps` (``g`` with weight decay, ``b`` velocity,
    ``v`` running average of squares, ``m``, ``v``, ``m_hat``, ``v_hat``, ...).
    """

    name: str
    value: float
    gradient: float
    state_before: dict[str, float]
    quantities: dict[str, float]
    updated: float
    t: int


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
    epoch: int = 1
    example_numbers: list[int] = field(default_factory=list)
    updates: list[ParameterUpdate] = field(default_factory=list)
    forward_after: list[ForwardRecord] = field(default_factory=list)
    data_loss_after: float | None = None
    data_outputs_after: list[list[float]] = field(default_factory=list)


@dataclass(frozen=True)
class Regime:
    """How the steps walk the data and move the parameters.

    Attributes:
        mode: 'batch' (every example in every step), 'sgd' (one example per
            step) or 'minibatch' (`batch_size` examples per step).
        batch_size: examples per step (the last batch of an epoch may be smaller).
        shuffle_seed: the seed of `nn.train.fit`'s shuffle, or None for the data's own order.
        optimizer: ``{"name": ..., hyper-parameters}`` (`nn.teaching.optimizer_steps`).
    """

    mode: str
    batch_size: int
    shuffle_seed: int | None
    optimizer: dict[str, Any]


class DerivationRecord:
    """Every number of a derivation and what it was derived with; `NetworkDerivation` adds how it reads.

    Attributes:
        steps: one `StepRecord` per step, with every number.
        loss, reduction, learning_rate, bias_as_weight: as given to `derive`.
        title, source: what the example is and where it was published, for the
            rendered header (a spec file's ``name`` and ``source``); None if unknown.
        lang: the language of its text (`autograd.i18n`); `derive` sets it, the numbers do not depend on it.
    """

    title: str | None = None
    source: str | None = None
    lang = "en"

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
        *,
        regime: Regime | None = None,
        start_loss: float | None = None,
        start_outputs: list[list[float]] | None = None,
        diverged: bool = False,
        form: str = "neuron",
        notation: Notation | None = None,
    ) -> None:
        self._network = network
        self._inputs = inputs
        self._targets = targets
        self.loss = loss
        self.reduction = reduction
        self.learning_rate = learning_rate
        self.bias_as_weight = bias_as_weight
        self.steps = steps
        self.regime = regime if regime is not None else Regime("batch", len(inputs), None, {"name": "sgd"})
        self.start_loss = start_loss
        self.start_outputs = start_outputs if start_outputs is not None else []
        self.diverged = diverged
        self.form = form
        self.notation = notation if notation is not None else Notation()

    @property
    def activations(self) -> list[str]:
        """Each layer's activation name."""
        return [layer["activation"] for layer in self._network["layers"]]

    @property
    def sizes(self) -> list[int]:
        """Number of inputs, then the number of neurons of each layer."""
        first = self._network["layers"][0]["weights"][0]
        return [len(first)] + [len(layer["weights"]) for layer in self._network["layers"]]

    @property
    def batch_size(self) -> int:
        """Number of examples each step is derived on (at most; an epoch's last mini-batch may be smaller)."""
        return self.regime.batch_size

    @property
    def examples(self) -> int:
        """Number of examples in the data set."""
        return len(self._inputs)

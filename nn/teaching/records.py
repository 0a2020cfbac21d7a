"""The records of a derivation: every number of every step, as plain data.

`nn.teaching.derive` fills them and `nn.teaching.render` lays them out; both
import them from here, so neither imports the other's side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


class DerivationRecord:
    """Every number of a derivation and what it was derived with; `NetworkDerivation` adds how it reads.

    Attributes:
        steps: one `StepRecord` per step, with every number.
        loss, reduction, learning_rate, bias_as_weight: as given to `derive`.
        title, source: what the example is and where it was published, for the
            rendered header (a spec file's ``name`` and ``source``); None if unknown.
    """

    title: str | None = None
    source: str | None = None

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

    @property
    def batch_size(self) -> int:
        """Number of examples each step is derived on (1 for a single example)."""
        return len(self._inputs)

"""The oracle for code generated from a spec file: the eager engine's loss and gradients on the spec's network."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nn.losses import LOSSES
from nn.teaching.spec import load_spec


@dataclass(frozen=True)
class EngineRun:
    """What generated code is given (every example's inputs in a row, the parameters' values) and must return."""

    inputs: list[float]
    parameters: list[float]
    loss: float
    gradients: list[float]
    names: list[str]


def engine_run(spec_file: Path) -> EngineRun:
    """The spec's loss over all its examples and ∂loss/∂parameter, from ``loss.backward()``."""
    spec = load_spec(spec_file)
    model = spec.model()
    parameters = model.parameters()
    loss = LOSSES[spec.loss]([model(x) for x in spec.inputs], spec.targets, reduction=spec.reduction)
    loss.backward()
    return EngineRun(
        inputs=[x for example in spec.inputs for x in example],
        parameters=[p.data for p in parameters],
        loss=loss.data,
        gradients=[p.grad for p in parameters],
        names=[str(p.name) for p in parameters],
    )

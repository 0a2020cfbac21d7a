"""micrograd's demo, with scalargrad: an MLP 2→16→16→1 separates two moons perfectly.

100 two-moons points (labels ±1), ReLU hidden layers, a linear output score s;
the loss is the mean hinge loss max(0, 1 − y·s) plus 1e-4·Σp² over every
weight and bias; plain SGD, full batch, 100 steps with the learning rate falling
linearly from 1.0 to 0.1, exactly as in micrograd's demo notebook. Writes the
decision boundary and the training curve to the output folder and prints where.

    python -m demos.moons [output_dir]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd import Value
from demos import plots
from nn import MLP, datasets, losses
from nn.optim import SGD, Optimizer
from nn.train import History, StepInfo, evaluate, fit

DATA_SEED = 0
MODEL_SEED = 1
L2_COEFFICIENT = 1e-4
FIRST_LEARNING_RATE, LAST_LEARNING_RATE = 1.0, 0.1


@dataclass
class MoonsResult:
    """What the demo produced: the trained model, its history and accuracy, and the picture files."""

    model: MLP
    history: History
    accuracy: float
    paths: list[Path]


def _class_scores(score: Value) -> list[float]:
    """[−s, s]: class 1 (label +1) wins where the score s is positive, class 0 (label −1) elsewhere."""
    return [-score.data, score.data]


def train(
    model: MLP, inputs: Sequence[Sequence[float]], labels: Sequence[float], optimizer: Optimizer, **fit_options: Any
) -> History:
    """micrograd's objective, the mean hinge loss + 1e-4·Σp², minimised with `fit`.

    `fit_options` go to `nn.train.fit` (epochs, callback, batch_size, ...);
    ``benchmarks/training.py`` times exactly this.
    """
    return fit(
        model,
        inputs,
        labels,
        loss="hinge",
        reduction="mean",
        optimizer=optimizer,
        regularization=lambda parameters: losses.l2(parameters, L2_COEFFICIENT),
        **fit_options,
    )


def main(
    output_dir: str | Path = "demo-output", epochs: int = 100, n: int = 100, progress: bool | None = None
) -> MoonsResult:
    """Train, report, draw; `epochs` and `n` are parameters so tests can run a small version quickly."""
    print("== Two moons: MLP 2→16→16→1, hinge loss + L2, SGD (micrograd's demo) ==")
    inputs, labels = datasets.moons(n, noise=0.1, seed=DATA_SEED)
    model = MLP(2, [16, 16, 1], seed=MODEL_SEED)
    optimizer = SGD(model.parameters(), lr=FIRST_LEARNING_RATE)

    def decay_learning_rate(info: StepInfo) -> None:
        # The rate for the next step: 1.0 at step 0 down to 0.1 at the end, linearly.
        done = (info.step + 1) / epochs
        info.optimizer.lr = FIRST_LEARNING_RATE - (FIRST_LEARNING_RATE - LAST_LEARNING_RATE) * done

    print(f"{model}; {len(inputs)} points")
    start = time.perf_counter()
    history = train(model, inputs, labels, optimizer, epochs=epochs, callback=decay_learning_rate, progress=progress)
    seconds = time.perf_counter() - start
    accuracy = evaluate(model, inputs, labels, loss="hinge").accuracy or 0.0
    print(f"trained {epochs} full-batch steps in {seconds:.1f} s; final hinge loss {history.loss[-1]:.4f}")
    print(f"training accuracy: {accuracy:.0%} ({round(accuracy * len(inputs))}/{len(inputs)})")

    paths = plots.save_classifier_pictures(
        model,
        history,
        inputs,
        [(label + 1) // 2 for label in labels],
        _class_scores,
        output_dir,
        "moons",
        (f"two moons: decision boundary ({accuracy:.0%} correct)", "two moons: SGD, lr 1.0 → 0.1"),
        "mean hinge loss",
        class_names=["label −1", "label +1"],
    )
    return MoonsResult(model, history, accuracy, paths)


if __name__ == "__main__":
    main(*sys.argv[1:2])

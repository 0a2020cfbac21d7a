"""Three interleaved spirals: a 3-class MLP trained with softmax cross-entropy, Adam and mini-batches.

150 points on three spiral arms (CS231n's data set, noise 0.2 rad), an MLP
2→16→16→3 with ReLU hidden layers and one logit per class, the mean
cross-entropy of the softmax, Adam with learning rate 0.02 on shuffled
mini-batches of 16. Writes the three decision regions and the training curve.

    python -m demos.spiral [output_dir]
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from demos.classifier import save_softmax_classifier_pictures, train_softmax_classifier
from nn import MLP, datasets
from nn.train import History

DATA_SEED = 0
MODEL_SEED = 0
LEARNING_RATE = 0.02
BATCH_SIZE = 16


@dataclass
class SpiralResult:
    """The trained model, its history and training accuracy, and the picture files."""

    model: MLP
    history: History
    accuracy: float
    paths: list[Path]


def main(
    output_dir: str | Path = "demo-output", epochs: int = 100, n_per_class: int = 50, progress: bool | None = None
) -> SpiralResult:
    """Train, report, draw; `epochs` and `n_per_class` are parameters so tests can run a small version."""
    print("== Spiral: 3 classes, MLP 2→16→16→3, softmax cross-entropy, Adam, mini-batches ==")
    inputs, classes = datasets.spiral(n_per_class, n_classes=3, noise=0.2, seed=DATA_SEED)
    model = MLP(2, [16, 16, 3], seed=MODEL_SEED)
    print(f"{model}; {len(inputs)} points; batches of {BATCH_SIZE}, shuffled with seed 0")
    start = time.perf_counter()
    history, accuracy = train_softmax_classifier(
        model, inputs, classes, LEARNING_RATE, epochs, batch_size=BATCH_SIZE, progress=progress
    )
    seconds = time.perf_counter() - start
    print(f"trained {epochs} epochs ({history.steps} Adam steps) in {seconds:.1f} s")
    print(f"training accuracy: {accuracy:.1%} ({round(accuracy * len(inputs))}/{len(inputs)})")
    titles = (
        f"spiral, 2→16→16→3: decision regions ({accuracy:.0%} correct)",
        f"spiral: Adam, lr {LEARNING_RATE}, mini-batches of {BATCH_SIZE}",
    )
    paths = save_softmax_classifier_pictures(model, history, inputs, classes, output_dir, "spiral", titles)
    return SpiralResult(model, history, accuracy, paths)


if __name__ == "__main__":
    main(*sys.argv[1:2])

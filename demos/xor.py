"""XOR: what one layer cannot learn and one hidden layer can, with softmax cross-entropy and Adam.

100 points scattered around the four corners of the unit square, class
x1 XOR x2. Two models get the same training (cross-entropy of the softmax of
two logits, Adam, full batch): a single layer 2→2, whose boundary is a
straight line and cannot separate the classes, and a 2→4→2 network with a tanh
hidden layer, which can. Prints both accuracies and the trained network's
probabilities on the truth table; writes both models' decision boundaries and
training curves, side by side in the file names (xor_single_layer_*, xor_*).

    python -m demos.xor [output_dir]
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import autograd
from autograd import no_grad
from demos.classifier import save_softmax_classifier_pictures, train_softmax_classifier
from nn import MLP, datasets
from nn.train import History

DATA_SEED = 0
MODEL_SEED = 0
LEARNING_RATE = 0.05


@dataclass
class XorResult:
    """Both models' training accuracies, the hidden-layer model and its history, and the picture files."""

    single_layer_accuracy: float
    single_layer: MLP
    model: MLP
    history: History
    accuracy: float
    paths: list[Path]


def main(output_dir: str | Path = "demo-output", epochs: int = 150, progress: bool | None = None) -> XorResult:
    """Train both models, report, draw; `epochs` is a parameter so tests can run fewer."""
    print("== XOR: softmax cross-entropy and Adam, without and with a hidden layer ==")
    inputs, classes = datasets.xor(100, noise=0.15, seed=DATA_SEED, signed=False)
    single_layer = MLP(2, [2], seed=MODEL_SEED)
    single_history, single_accuracy = train_softmax_classifier(
        single_layer, inputs, classes, LEARNING_RATE, epochs, progress=progress
    )
    print(f"one layer 2→2 (a straight boundary): {single_accuracy:.0%} correct")
    model = MLP(2, [4, 2], activation="tanh", seed=MODEL_SEED)
    history, accuracy = train_softmax_classifier(model, inputs, classes, LEARNING_RATE, epochs, progress=progress)
    print(f"2→4→2 with a tanh hidden layer:      {accuracy:.0%} correct")
    print("the trained network on the truth table:")
    with no_grad():
        for (x1, x2), expected in datasets.XOR_TRUTH_TABLE:
            probability = autograd.softmax(model([x1, x2]))[1].data
            print(f"  {x1:.0f} XOR {x2:.0f} = {expected}   P(class 1) = {probability:.3f}")
    names = ["x1 XOR x2 = 0", "x1 XOR x2 = 1"]
    paths = save_softmax_classifier_pictures(
        single_layer,
        single_history,
        inputs,
        classes,
        output_dir,
        "xor_single_layer",
        (
            f"XOR, one layer 2→2: a straight boundary ({single_accuracy:.0%} correct)",
            "XOR without a hidden layer: Adam, lr 0.05, full batch",
        ),
        class_names=names,
    )
    paths += save_softmax_classifier_pictures(
        model,
        history,
        inputs,
        classes,
        output_dir,
        "xor",
        (f"XOR, 2→4→2 tanh: decision boundary ({accuracy:.0%} correct)", "XOR: Adam, lr 0.05, full batch"),
        class_names=names,
    )
    return XorResult(single_accuracy, single_layer, model, history, accuracy, paths)


if __name__ == "__main__":
    main(*sys.argv[1:2])

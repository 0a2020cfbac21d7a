"""Lesson pages to open in a browser: Yehoshua's (2023) network and micrograd's neuron, stepped through node by node.

1. Seed 001's worked example (two hidden layers, sigmoid, log loss, α = 0.5):
   forward, loss, backward, the 14 updates, and the output 0.6718 → 0.6981.
2. micrograd's neuron o = tanh(x1·w1 + x2·w2 + b), with one gradient-descent
   step on its variables (α = 0.1).

Each is one self-contained HTML file: open it from the folder, offline.

    python -m demos.lessons [output_dir]
"""

from __future__ import annotations

import sys
from pathlib import Path

from autograd import lesson as expression_lesson
from autograd.parser.expression import parse_expression
from demos.derivations import YEHOSHUA_2023
from demos.graphs import W1, W2, X1, X2, B
from nn import lesson as network_lesson
from nn.teaching.spec import load_spec

NEURON = "tanh(x1*w1 + x2*w2 + b)"
NEURON_LEARNING_RATE = 0.1


def main(output_dir: str | Path = "demo-output") -> list[Path]:
    """Write the two lesson pages; print and return their paths."""
    print("== Lessons: pages that step through forward and backward ==")
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)

    spec = load_spec(YEHOSHUA_2023)
    yehoshua = network_lesson(
        spec.model(),
        spec.inputs,
        spec.targets,
        spec.loss,
        spec.learning_rate,
        reduction=spec.reduction,
        title=spec.name,
    )
    output = parse_expression(NEURON, {"x1": X1, "x2": X2, "w1": W1, "w2": W2, "b": B})
    neuron = expression_lesson(output, learning_rate=NEURON_LEARNING_RATE, title=f"L = {NEURON}")

    written = []
    for name, page in (("lesson_yehoshua_2023.html", yehoshua), ("lesson_neuron.html", neuron)):
        written.append(page.save(folder / name))
        print(f"  {written[-1]}  ({len(page.steps)} steps; open it in a browser)")
    return written


if __name__ == "__main__":
    main(*sys.argv[1:])

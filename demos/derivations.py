"""Backpropagation written out: scalar warm-ups with `autograd.explain`, Yehoshua's (2023) network with `nn.derive`.

1. Gradient descent on f(x) = x² from x0 = 1000 with learning rate 0.1, each
   step's gradient read from the derivation of f (seed 002: x ≈ 2.04e-7 after
   100 steps, since every step multiplies x by 1 − 0.1·2 = 0.8).
2. f(x, y) = x² + y²: its derivation, and one step of gradient descent.
3. Seed 001's worked example (two hidden layers, sigmoid, log loss, α = 0.5),
   whose output rises from 0.6718 to 0.6981 after one step: printed in full,
   and written as Markdown with a picture of its computation graph.

    python -m demos.derivations [output_dir]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from autograd import Value, draw, explain
from nn.teaching.spec import load_spec

EXAMPLES = Path(__file__).parent / "examples"
YEHOSHUA_2023 = EXAMPLES / "yehoshua_2023_two_hidden_layers.json"


def descend(f: Callable[..., Value], start: dict[str, float], learning_rate: float, steps: int) -> dict[str, float]:
    """Plain gradient descent on f(**variables), each step's gradient taken from `explain`'s derivation."""
    point = dict(start)
    for _ in range(steps):
        variables = {name: Value(value, name=name) for name, value in point.items()}
        derivation = explain(f(**variables))
        point = {name: value - learning_rate * derivation.gradient(variables[name]) for name, value in point.items()}
    return point


def square(x: Value) -> Value:
    """Seed 002's first warm-up, f(x) = x²."""
    return x**2


def sum_of_squares(x: Value, y: Value) -> Value:
    """Seed 002's second warm-up, f(x, y) = x² + y²."""
    return x**2 + y**2


def main(output_dir: str | Path = "demo-output") -> list[Path]:
    """Print the three derivations; write Yehoshua's as Markdown and its graph as SVG. Returns the paths written."""
    print("== Step-by-step derivations ==")
    print("Warm-up: f(x) = x², x0 = 1000, learning rate 0.1. The first step's derivation:")
    print(_indented(str(explain(square(Value(1000.0, name="x"))))))
    x = descend(square, {"x": 1000.0}, 0.1, 100)["x"]
    print(
        f"after 100 steps x = {x:.4g} (1000·0.8^100 = {1000 * 0.8**100:.4g}; the tutorial: ≈ 2.04e-7), "
        f"f(x) = {x * x:.3g}"
    )

    print("\nWarm-up: f(x, y) = x² + y² at (3, 4):")
    print(_indented(str(explain(sum_of_squares(Value(3.0, name="x"), Value(4.0, name="y"))))))
    point = descend(sum_of_squares, {"x": 3.0, "y": 4.0}, 0.1, 1)
    print(f"one step with learning rate 0.1: (x, y) = ({point['x']:.4g}, {point['y']:.4g}), i.e. 0.8 × (3, 4)")

    print()
    derivation = load_spec(YEHOSHUA_2023).derive()
    print(derivation)

    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    markdown = folder / "yehoshua_2023_derivation.md"
    markdown.write_text(derivation.to_markdown(), encoding="utf-8")
    graph = draw(derivation.graph_loss(), group=True).save(folder / "yehoshua_2023_graph.svg")
    print(f"\nwrote {markdown}\nwrote {graph}")
    return [markdown, graph]


def _indented(text: str) -> str:
    return "\n".join(("  " + line).rstrip() for line in text.splitlines())


if __name__ == "__main__":
    main(*sys.argv[1:])

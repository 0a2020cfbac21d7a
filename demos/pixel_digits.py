"""Seed 004's network learns to tell a 0 from a 1 in 3×4-pixel images, by backpropagation.

The 64 training images of Wakui & Wakui's "Deep learning math" (12 pixels
each), a 12→3→2 network with sigmoid units everywhere, targets [1, 0] for a 0
and [0, 1] for a 1, the loss C_T = Σ over images of ½Σ(t − a)² (half_sse,
summed), and plain gradient descent on the whole set with learning rate 0.2,
as in the book. The answer for an image is the output unit with the larger
activation. Writes the training curve, the 64 images with the network's
answers, and the hidden units' weights as pictures.

    python -m demos.pixel_digits [output_dir]
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from autograd import no_grad
from demos import plots
from nn import MLP, datasets
from nn.optim import SGD
from nn.train import History, fit

MODEL_SEED = 0
LEARNING_RATE = 0.2
ROWS, COLUMNS = 4, 3


@dataclass
class PixelDigitsResult:
    """The trained model, its history, how many of the 64 images it gets right, and the picture files."""

    model: MLP
    history: History
    correct: int
    paths: list[Path]


def _answer(model: MLP, pixels: list[float]) -> tuple[int, list[float]]:
    """The digit the network reads in `pixels` (the more active output unit) and both activations."""
    with no_grad():
        activations = [a.data for a in model(pixels)]
    return (0 if activations[0] >= activations[1] else 1), activations


def _ascii(pixels: list[float]) -> list[str]:
    return ["".join("█" if pixels[r * COLUMNS + c] else "·" for c in range(COLUMNS)) for r in range(ROWS)]


def _images_figure(inputs: list[list[float]], digits: list[int], answers: list[int]) -> plots.Figure:
    figure = plots.Figure(figsize=(9.0, 3.6))
    grid = figure.add_gridspec(4, 16, wspace=0.15, hspace=0.45)
    for index, (pixels, digit, answer) in enumerate(zip(inputs, digits, answers)):
        axes = figure.add_subplot(grid[index // 16, index % 16])
        axes.imshow([pixels[r * COLUMNS : (r + 1) * COLUMNS] for r in range(ROWS)], cmap="Greys", vmin=0, vmax=1)
        axes.set_xticks([])
        axes.set_yticks([])
        colour = "#2ca02c" if answer == digit else "#d62728"
        axes.set_title(str(answer), fontsize=9, color=colour, pad=2)
        for spine in axes.spines.values():
            spine.set_edgecolor(colour)
    correct = sum(a == d for a, d in zip(answers, digits))
    figure.suptitle(f"the network's answer above each image ({correct}/64 correct; red = wrong)", fontsize=11)
    return figure


def _hidden_weights_figure(model: MLP) -> plots.Figure:
    """Each hidden unit's 12 incoming weights w[1]_kj laid out as the image they multiply."""
    neurons = model.layers[0].neurons
    weights = [[w.data for w in neuron.w] for neuron in neurons]
    bound = max(abs(w) for row in weights for w in row)
    figure = plots.Figure(figsize=(1.9 * len(neurons) + 0.8, 2.9))
    axes_list = figure.subplots(1, len(neurons))
    for k, (axes, row) in enumerate(zip(axes_list, weights), start=1):
        image = axes.imshow(
            [row[r * COLUMNS : (r + 1) * COLUMNS] for r in range(ROWS)], cmap="RdBu_r", vmin=-bound, vmax=bound
        )
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_title(f"hidden unit {k}\nw[1]_{k}j", fontsize=9)
    figure.colorbar(image, ax=list(axes_list), shrink=0.8, label="weight")
    figure.suptitle("what each hidden unit looks for (red: ink raises z, blue: lowers it)", fontsize=10)
    return figure


def main(output_dir: str | Path = "demo-output", epochs: int = 100, progress: bool | None = None) -> PixelDigitsResult:
    """Train on the 64 images, print the answers, draw; `epochs` is a parameter so tests can run fewer."""
    print("== Seed 004: 3×4-pixel images of 0 and 1, a 12→3→2 sigmoid network, ½Σ(t − a)² ==")
    inputs, targets = datasets.pixel_digits()
    _, digits = datasets.pixel_digits(one_hot=False)
    model = MLP(12, [3, 2], activation="sigmoid", output_activation="sigmoid", seed=MODEL_SEED)
    print(f"{model}; {len(inputs)} images; gradient descent on the whole set, learning rate {LEARNING_RATE}")
    start = time.perf_counter()
    history = fit(
        model,
        inputs,
        targets,
        loss="half_sse",
        optimizer=SGD(model.parameters(), lr=LEARNING_RATE),
        epochs=epochs,
        metrics="accuracy",
        progress=progress,
    )
    seconds = time.perf_counter() - start
    answers = [_answer(model, pixels)[0] for pixels in inputs]
    correct = sum(a == d for a, d in zip(answers, digits))
    print(f"trained {epochs} steps in {seconds:.1f} s; C_T = {history.loss[0]:.3f} before, {history.loss[-1]:.4f} after")
    print(f"correct: {correct}/{len(inputs)}")
    for index in (0, len(inputs) - 1):
        answer, activations = _answer(model, inputs[index])
        picture = _ascii(inputs[index])
        label = f"  image {index + 1} (a {digits[index]}): "
        notes = ["", f"outputs a[2] = ({activations[0]:.3f}, {activations[1]:.3f})", f"→ reads a {answer}", ""]
        for row, (line, note) in enumerate(zip(picture, notes)):
            print(f"{label if row == 0 else ' ' * len(label)}{line}   {note}".rstrip())

    folder = Path(output_dir)
    paths = plots.save(
        plots.training_curve(history, "pixel digits: gradient descent, lr 0.2", "C_T = Σ ½Σ(t − a)²"),
        folder,
        "pixel_digits_loss",
    )
    paths += plots.save(_images_figure(inputs, digits, answers), folder, "pixel_digits_answers")
    paths += plots.save(_hidden_weights_figure(model), folder, "pixel_digits_hidden_weights")
    for path in paths:
        print(f"wrote {path}")
    return PixelDigitsResult(model, history, correct, paths)


if __name__ == "__main__":
    main(*sys.argv[1:2])

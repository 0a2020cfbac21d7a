"""Pictures the training demos share: a decision-region plot and a training curve, saved as PNG and SVG.

Figures are built with matplotlib's object API on an Agg canvas (no pyplot, no
window, no global backend switch), so the demos run the same on a desktop, over
ssh and in CI. matplotlib is the optional ``demo`` extra:
``pip install 'scalargrad[demo]'``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from autograd import no_grad
from nn.module import Module
from nn.train import History

try:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "the training demos draw with matplotlib; install it with: pip install 'scalargrad[demo]'"
    ) from error

CLASS_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")
"""Points of class 0, 1, 2, ... (a region is the same colour, lighter)."""

REGION_COLOURS = ("#c6dbef", "#fcbba1", "#c7e9c0", "#dadaeb", "#fdd0a2")
"""The region the model gives to class 0, 1, 2, ..."""


def logit_scores(logits: Sequence[Any]) -> list[float]:
    """The class scores of a model with one output per class: its outputs' numbers (for `decision_regions`)."""
    return [z.data for z in logits]


def save(figure: Figure, output_dir: Path, name: str) -> list[Path]:
    """Write `figure` as ``name.png`` and ``name.svg`` in `output_dir` (created if needed); return both paths."""
    output_dir.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(figure)
    paths = [output_dir / f"{name}.png", output_dir / f"{name}.svg"]
    for path in paths:
        figure.savefig(path, dpi=120, bbox_inches="tight")
    return paths


def decision_regions(
    model: Module,
    inputs: Sequence[Sequence[float]],
    classes: Sequence[int],
    class_scores: Callable[[Any], list[float]],
    title: str,
    resolution: int = 60,
    margin: float = 0.5,
    class_names: Sequence[str] | None = None,
) -> Figure:
    """The plane coloured by the class the model picks, with the data on top.

    `classes` holds each point's class index (0, 1, ...). `class_scores` maps
    a model output to one score per class, the largest winning (the logits, or
    ``[−s, s]`` for a single score s). Region k is where
    d_k = score_k − max_(j≠k) score_j > 0; contouring d_k at 0 interpolates
    between grid points, so a coarse grid still gives smooth boundaries. The
    `resolution` × `resolution` grid is evaluated under `no_grad`. The legend
    names the classes `class_names`, or "class 0", "class 1", ...
    """
    xs = [p[0] for p in inputs]
    ys = [p[1] for p in inputs]
    x_low, x_high = min(xs) - margin, max(xs) + margin
    y_low, y_high = min(ys) - margin, max(ys) + margin
    grid_x = [x_low + (x_high - x_low) * i / (resolution - 1) for i in range(resolution)]
    grid_y = [y_low + (y_high - y_low) * i / (resolution - 1) for i in range(resolution)]
    with no_grad():
        scores = [[class_scores(model([x, y])) for x in grid_x] for y in grid_y]
    count = len(scores[0][0])
    figure = Figure(figsize=(5.5, 4.5))
    axes = figure.add_subplot()
    for k in range(count):
        lead = [[row[k] - max(s for j, s in enumerate(row) if j != k) for row in line] for line in scores]
        axes.contourf(grid_x, grid_y, lead, levels=[0.0, float("inf")], colors=[REGION_COLOURS[k]])
        axes.contour(grid_x, grid_y, lead, levels=[0.0], colors="#444444", linewidths=0.8)
    for k in range(count):
        members = [p for p, c in zip(inputs, classes) if c == k]
        axes.scatter(
            [p[0] for p in members],
            [p[1] for p in members],
            s=22,
            color=CLASS_COLOURS[k],
            edgecolors="white",
            linewidths=0.5,
            label=class_names[k] if class_names else f"class {k}",
        )
    axes.set_xlim(x_low, x_high)
    axes.set_ylim(y_low, y_high)
    axes.set_aspect("equal")
    axes.set_xlabel("x1")
    axes.set_ylabel("x2")
    axes.set_title(title)
    axes.legend(loc="best", fontsize="small", framealpha=0.9)
    return figure


def training_curve(history: History, title: str, loss_label: str) -> Figure:
    """Loss per epoch (left axis, log scale while it stays positive) and, if recorded, accuracy (right axis)."""
    figure = Figure(figsize=(6.0, 3.6))
    axes = figure.add_subplot()
    epochs = list(range(1, len(history.loss) + 1))
    axes.plot(epochs, history.loss, color="#1f77b4", label=loss_label)
    axes.set_yscale("log" if min(history.loss) > 0 else "linear")
    axes.set_xlabel("epoch")
    axes.set_ylabel(loss_label, color="#1f77b4")
    axes.grid(True, which="major", alpha=0.3)
    axes.set_title(title)
    if history.accuracy:
        right = axes.twinx()
        right.plot(epochs, [100 * a for a in history.accuracy], color="#d62728", label="accuracy")
        right.set_ylabel("training accuracy (%)", color="#d62728")
        right.set_ylim(0, 105)
    return figure


def save_classifier_pictures(
    model: Module,
    history: History,
    inputs: Sequence[Sequence[float]],
    classes: Sequence[int],
    class_scores: Callable[[Any], list[float]],
    output_dir: str | Path,
    name: str,
    titles: tuple[str, str],
    loss_label: str,
    class_names: Sequence[str] | None = None,
) -> list[Path]:
    """`decision_regions` and `training_curve` of a 2-D classifier, as ``{name}_decision_boundary``
    and ``{name}_loss`` (PNG and SVG each) in `output_dir`; prints and returns the paths.

    `titles` are (decision-boundary title, training-curve title).
    """
    folder = Path(output_dir)
    regions = decision_regions(model, inputs, classes, class_scores, titles[0], class_names=class_names)
    paths = save(regions, folder, f"{name}_decision_boundary")
    paths += save(training_curve(history, titles[1], loss_label), folder, f"{name}_loss")
    for path in paths:
        print(f"wrote {path}")
    return paths

"""What the xor and spiral demos share: training a softmax classifier with Adam, measuring it, drawing it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from demos import plots
from nn import MLP
from nn.optim import Adam
from nn.train import History, evaluate, fit


def train_softmax_classifier(
    model: MLP,
    inputs: Sequence[Sequence[float]],
    classes: Sequence[int],
    learning_rate: float,
    epochs: int,
    batch_size: int | None = None,
    progress: bool | None = None,
) -> tuple[History, float]:
    """Minimise the mean cross-entropy of softmax(model(x)) with Adam; return the history and the training accuracy.

    The model's outputs are the logits, one per class (a linear output layer);
    ``nn.losses.cross_entropy`` applies the softmax itself, stably.
    """
    history = fit(
        model,
        list(inputs),
        list(classes),
        loss="cross_entropy",
        reduction="mean",
        optimizer=Adam(model.parameters(), lr=learning_rate),
        epochs=epochs,
        batch_size=batch_size,
        progress=progress,
    )
    accuracy = evaluate(model, list(inputs), list(classes), loss="cross_entropy").accuracy
    return history, accuracy or 0.0


def save_softmax_classifier_pictures(
    model: MLP,
    history: History,
    inputs: Sequence[Sequence[float]],
    classes: Sequence[int],
    output_dir: str | Path,
    name: str,
    titles: tuple[str, str],
    class_names: Sequence[str] | None = None,
) -> list[Path]:
    """`plots.save_classifier_pictures` for a model trained by `train_softmax_classifier`.

    The class scores are the model's logits and the training curve is the mean cross-entropy.
    """
    return plots.save_classifier_pictures(
        model,
        history,
        inputs,
        classes,
        plots.logit_scores,
        output_dir,
        name,
        titles,
        "mean cross-entropy",
        class_names=class_names,
    )

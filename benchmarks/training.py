"""Training benchmark: one epoch of the moons demo with `nn.train.fit`, against the hand-written delta rule.

The computation is the engine benchmark's (benchmarks/engine.py): an MLP
2→16→16→1 (ReLU hidden, linear output) on 100 two-moons points, the mean hinge
loss + 1e-4·Σp², SGD with learning rate 0.1. Here it runs through the whole
`nn` stack as the moons demo trains (``demos.moons.train``: ``MLP``,
``nn.losses.hinge`` and ``l2``, ``nn.optim.SGD``, ``nn.train.fit``) for one
epoch in each training mode, and the reference is
the same epoch done by `benchmarks.handwritten.hinge_step` (plain floats and
the delta rule written out), one call per batch. Before timing, one epoch of
each is run from the same weights and the parameters compared, so the two
really compute the same thing. Figures, not a pass/fail test.

    python -m benchmarks.training
"""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.engine import ALPHA, LEARNING_RATE, SEED, SIZES, interleaved_medians, moons
from benchmarks.handwritten import DenseLayer, hinge_step, random_network
from demos import moons as moons_demo
from nn import MLP
from nn.optim import SGD

MODES: dict[str, int | None] = {"full batch": None, "mini-batch of 10": 10, "stochastic": 1}
"""Training mode → batch_size."""


def _mlp(layers: list[DenseLayer]) -> MLP:
    activations = ["relu"] * (len(layers) - 1) + ["linear"]
    return MLP.from_weights([layer.weights for layer in layers], [layer.biases for layer in layers], activations)


def fit_epoch(model: MLP, optimizer: SGD, inputs: list[list[float]], labels: list[float], batch_size: int | None) -> None:
    """One epoch of the moons demo's training, batches in data order so the reference can follow."""
    moons_demo.train(
        model, inputs, labels, optimizer, epochs=1, batch_size=batch_size, shuffle=False, progress=False, metrics=None
    )


def handwritten_epoch(layers: list[DenseLayer], inputs: list[list[float]], labels: list[float], batch_size: int | None) -> None:
    """The same epoch with the hand-written step: one `hinge_step` per batch."""
    size = batch_size or len(inputs)
    for start in range(0, len(inputs), size):
        hinge_step(layers, inputs[start : start + size], labels[start : start + size], ALPHA, LEARNING_RATE)


def check_same_computation(inputs: list[list[float]], labels: list[float], batch_size: int | None) -> None:
    """After one epoch from the same weights, every parameter must agree (1e-9), or the ratio means nothing."""
    reference = random_network(SIZES, SEED)
    model = _mlp(random_network(SIZES, SEED))
    fit_epoch(model, SGD(model.parameters(), lr=LEARNING_RATE), inputs, labels, batch_size)
    handwritten_epoch(reference, inputs, labels, batch_size)
    for layer, dense in zip(model.layers, reference):
        for neuron, row, bias in zip(layer.neurons, dense.weights, dense.biases):
            ours = [w.data for w in neuron.w] + [neuron.b.data]
            theirs = [*row, bias]
            if any(abs(a - b) > 1e-9 for a, b in zip(ours, theirs)):
                raise RuntimeError(f"fit and the hand-written epoch disagree: {ours} vs {theirs}")


def epoch_times(rounds: int) -> dict[str, tuple[float, float]]:
    """Median seconds per epoch: for each mode, (fit, hand-written)."""
    inputs, labels = moons()
    runs: dict[str, tuple[Callable[[], object], int]] = {}
    for mode, batch_size in MODES.items():
        check_same_computation(inputs, labels, batch_size)
        model = _mlp(random_network(SIZES, SEED))
        optimizer = SGD(model.parameters(), lr=LEARNING_RATE)
        reference = random_network(SIZES, SEED)
        runs[f"fit/{mode}"] = (lambda m=model, o=optimizer, b=batch_size: fit_epoch(m, o, inputs, labels, b), 1)
        runs[f"hand/{mode}"] = (lambda r=reference, b=batch_size: handwritten_epoch(r, inputs, labels, b), 3)
    medians = interleaved_medians(runs, rounds)
    return {mode: (medians[f"fit/{mode}"][0], medians[f"hand/{mode}"][0]) for mode in MODES}


def main(rounds: int = 7) -> None:
    print("scalargrad training benchmark: one moons epoch (MLP 2→16→16→1, 100 points, mean hinge + 1e-4·L2, SGD)")
    print(f"medians of {rounds} interleaved rounds; the garbage collection after each run is not counted\n")
    print(f"    {'mode':<18} {'nn.train.fit':>13} {'hand-written':>13} {'× hand-written':>15}")
    for mode, (ours, reference) in epoch_times(rounds).items():
        print(f"    {mode:<18} {ours * 1e3:>11.1f}ms {reference * 1e3:>11.1f}ms {ours / reference:>14.1f}×")


if __name__ == "__main__":
    main()

"""The hand-written reference: one SGD step of an MLP in plain Python floats and loops.

No graph objects at all: the forward pass keeps each layer's z and a, and the
backward pass is the delta rule of BACKPROP.md written out by hand

    δ^L = ∂C/∂a^L · f'(z^L),   δ^l = (Σ_m δ_m^(l+1) · w_mk^(l+1)) · f'(z^l),
    ∂C/∂w_kj^l = δ_k^l · a_j^(l−1),   ∂C/∂b_k^l = δ_k^l.

This is the practical speed limit for scalar Python; the engine benchmarks
report their time as a multiple of it. The step computes exactly what the
benchmarked engine step computes (a ReLU network with a linear output, the
mean hinge loss max(0, 1 − y·s) plus alpha·Σp² over the weights and biases),
so the two can be checked against each other.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass
class DenseLayer:
    """weights[k][j] = w_kj (row k receives, column j sends); biases[k] = b_k."""

    weights: list[list[float]]
    biases: list[float]


def random_network(sizes: list[int], seed: int) -> list[DenseLayer]:
    """Weights uniform in [−1, 1], biases 0 (micrograd's initialisation)."""
    rng = random.Random(seed)
    return [
        DenseLayer([[rng.uniform(-1.0, 1.0) for _ in range(nin)] for _ in range(nout)], [0.0] * nout)
        for nin, nout in zip(sizes, sizes[1:])
    ]


def hinge_step(
    layers: list[DenseLayer],
    inputs: list[list[float]],
    labels: list[float],
    alpha: float,
    learning_rate: float,
) -> tuple[float, list[tuple[list[list[float]], list[float]]]]:
    """One full-batch SGD step in place; returns the loss before the step and the gradients."""
    n = len(inputs)
    grads = [([[0.0] * len(row) for row in layer.weights], [0.0] * len(layer.biases)) for layer in layers]
    data_loss = 0.0
    last = len(layers) - 1
    for x, y in zip(inputs, labels):
        activations = [x]
        pre_activations = []
        for index, layer in enumerate(layers):
            a_prev = activations[-1]
            z = [sum(w * a for w, a in zip(row, a_prev)) + b for row, b in zip(layer.weights, layer.biases)]
            pre_activations.append(z)
            activations.append(z if index == last else [v if v > 0 else 0.0 for v in z])
        score = activations[-1][0]
        margin = 1.0 - y * score
        if margin <= 0:
            continue
        data_loss += margin
        # Output delta: ∂(mean hinge)/∂score = −y/n where the margin is active; linear output, f' = 1.
        delta = [-y / n]
        for index in range(last, -1, -1):
            weight_grads, bias_grads = grads[index]
            a_prev = activations[index]
            for k, d in enumerate(delta):
                bias_grads[k] += d
                row = weight_grads[k]
                for j, a in enumerate(a_prev):
                    row[j] += d * a
            if index == 0:
                break
            weights = layers[index].weights
            z_prev = pre_activations[index - 1]
            delta = [
                sum(delta[m] * weights[m][k] for m in range(len(delta))) if z_prev[k] > 0 else 0.0
                for k in range(len(z_prev))
            ]
    penalty = 0.0
    for layer, (weight_grads, bias_grads) in zip(layers, grads):
        for row, grad_row in zip(layer.weights, weight_grads):
            for j, w in enumerate(row):
                penalty += w * w
                grad_row[j] += 2.0 * alpha * w
        for k, b in enumerate(layer.biases):
            penalty += b * b
            bias_grads[k] += 2.0 * alpha * b
    loss = data_loss / n + alpha * penalty
    for layer, (weight_grads, bias_grads) in zip(layers, grads):
        for row, grad_row in zip(layer.weights, weight_grads):
            for j, g in enumerate(grad_row):
                row[j] -= learning_rate * g
        for k, g in enumerate(bias_grads):
            layer.biases[k] -= learning_rate * g
    return loss, grads

"""Every weight and bias gradient of random MLPs equals BACKPROP.md's four equations.

Oracle: the delta rule written out here from scratch on plain Python floats —
a forward pass, δ^L = ∂C/∂a^L · f'(z^L), δ^l = (Σ_m δ_m^(l+1)·w_mk^(l+1))·f'(z^l),
∂C/∂w_kj = δ_k·a_j and ∂C/∂b_k = δ_k — with each activation's derivative typed
in from the textbook, not taken from the engine. The engine's side gets only
the loss, built with plain Value operations (not `nn.losses`), and `backward()`.
"""

from __future__ import annotations

import math
import random

import pytest

from autograd import Value, topological_order
from nn import MLP

LEAKY_SLOPE = 0.01  # the slope nn.activations documents (PyTorch's default negative_slope)
HIDDEN_ACTIVATIONS = ("linear", "tanh", "sigmoid", "relu", "leaky_relu")
OUTPUT_ACTIVATIONS = (*HIDDEN_ACTIVATIONS, "softmax")
STRUCTURES = {
    "dense, biases": (False, True),
    "absent connections, biases": (True, True),
    "dense, no biases": (False, False),
    "absent connections, no biases": (True, False),
}


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def activate(name: str, zs: list[float]) -> list[float]:
    if name == "softmax":
        m = max(zs)
        exps = [math.exp(z - m) for z in zs]
        return [e / sum(exps) for e in exps]
    rule = {
        "linear": lambda z: z,
        "tanh": math.tanh,
        "sigmoid": _sigmoid,
        "relu": lambda z: z if z > 0 else 0.0,
        "leaky_relu": lambda z: z if z > 0 else LEAKY_SLOPE * z,
    }[name]
    return [rule(z) for z in zs]


def derivative(name: str, z: float) -> float:
    """f'(z) from BACKPROP.md's list of activations and their derivatives."""
    if name == "linear":
        return 1.0
    if name == "tanh":
        return 1.0 - math.tanh(z) ** 2
    if name == "sigmoid":
        return _sigmoid(z) * (1.0 - _sigmoid(z))
    if name == "relu":
        return 1.0 if z > 0 else 0.0
    if name == "leaky_relu":
        return 1.0 if z > 0 else LEAKY_SLOPE
    raise AssertionError(name)


def random_network(seed: int, depth: int, sparse: bool, biased: bool, hidden: str, output: str):
    """Layer sizes 1..4, weights U(−1.5, 1.5), 30% of connections absent when sparse."""
    rng = random.Random(seed)
    sizes = [rng.randint(1, 4) for _ in range(depth + 1)]
    if output == "softmax":
        sizes[-1] = rng.randint(2, 4)
    weights, biases = [], []
    for layer in range(depth):
        rows = []
        for _ in range(sizes[layer + 1]):
            row = [None if sparse and rng.random() < 0.3 else rng.uniform(-1.5, 1.5) for _ in range(sizes[layer])]
            if not biased and all(w is None for w in row):
                row[0] = rng.uniform(-1.5, 1.5)  # a neuron needs a weight or a bias
            rows.append(row)
        weights.append(rows)
        biases.append([rng.uniform(-1.0, 1.0) for _ in rows] if biased else None)
    activations = [hidden] * (depth - 1) + [output]
    x = [rng.uniform(-2.0, 2.0) for _ in range(sizes[0])]
    y = [rng.uniform(0.0, 1.0) for _ in range(sizes[-1])]
    return weights, biases, activations, x, y


def reference_gradients(weights, biases, activations, x, y, loss):
    """(a per layer, δ per layer) by the four equations, on floats."""
    a = [list(x)]
    z = []
    for layer, rows in enumerate(weights):
        zs = []
        for k, row in enumerate(rows):
            total = sum(w * a_j for w, a_j in zip(row, a[-1]) if w is not None)
            if biases[layer] is not None:
                total += biases[layer][k]
            zs.append(total)
        z.append(zs)
        a.append(activate(activations[layer], zs))
    o = a[-1]
    if loss == "half_sse":
        dC_da = [o_i - y_i for o_i, y_i in zip(o, y)]  # ∂/∂o of ½Σ(o−y)²
    else:  # cross-entropy on probabilities: ∂/∂o of −Σ y·log o
        dC_da = [-y_i / o_i for o_i, y_i in zip(o, y)]
    if activations[-1] == "softmax":  # ∂a_m/∂z_i = a_m(1[m=i] − a_i)
        weighted = sum(o_m * g_m for o_m, g_m in zip(o, dC_da))
        output_delta = [o_i * (g_i - weighted) for o_i, g_i in zip(o, dC_da)]
    else:
        output_delta = [g * derivative(activations[-1], z_k) for g, z_k in zip(dC_da, z[-1])]
    deltas = [output_delta]
    for layer in range(len(weights) - 2, -1, -1):
        above = weights[layer + 1]
        deltas.insert(
            0,
            [
                sum(above[m][k] * deltas[0][m] for m in range(len(above)) if above[m][k] is not None)
                * derivative(activations[layer], z[layer][k])
                for k in range(len(weights[layer]))
            ],
        )
    return a, deltas


def engine_backward(model: MLP, x: list[float], y: list[float], loss: str) -> Value:
    out = model(x)
    outputs = out if isinstance(out, list) else [out]
    if loss == "half_sse":
        terms = [0.5 * (o - t) ** 2 for o, t in zip(outputs, y)]
    else:
        terms = [-t * o.log() for o, t in zip(outputs, y)]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    total.backward()
    return total


def assert_gradients_follow_delta_rule(weights, biases, activations, x, y, loss="half_sse"):
    model = MLP.from_weights(weights, biases, activations)
    loss_node = engine_backward(model, x, y, loss)
    nodes_by_name = {node.name: node for node in topological_order(loss_node) if node.name is not None}
    a, deltas = reference_gradients(weights, biases, activations, x, y, loss)
    close = {"rel_tol": 1e-12, "abs_tol": 1e-12}
    for layer_position, layer in enumerate(model.layers):
        for k, neuron in enumerate(layer.neurons):
            delta = deltas[layer_position][k]
            where = f"layer {layer_position + 1}, neuron {k + 1}"
            if neuron.b is not None:
                assert math.isclose(neuron.b.grad, delta, **close), f"∂C/∂b at {where}"
            for j, w in enumerate(neuron.w):
                if w is not None:
                    want = delta * a[layer_position][j]
                    assert math.isclose(w.grad, want, **close), f"∂C/∂w_{k + 1}{j + 1} at {where}"
            # δ = ∂C/∂z read off the z node (for 'linear' the one node is named a[l]_k)
            z_name = f"z[{layer_position + 1}]_{k + 1}" if layer.activation != "linear" else f"a[{layer_position + 1}]_{k + 1}"
            if z_name in nodes_by_name:
                assert math.isclose(nodes_by_name[z_name].grad, delta, **close), f"δ at {where}"
            else:  # a neuron whose output no connection reads is not in the graph
                assert delta == 0.0


@pytest.mark.parametrize("structure", STRUCTURES)
@pytest.mark.parametrize("output", OUTPUT_ACTIVATIONS)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_every_gradient_equals_the_delta_rule(hidden: str, output: str, structure: str) -> None:
    sparse, biased = STRUCTURES[structure]
    for depth in (1, 2, 3, 4):
        for seed in range(3):
            assert_gradients_follow_delta_rule(*random_network(seed * 10 + depth, depth, sparse, biased, hidden, output))


@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_softmax_with_cross_entropy_gives_output_delta_o_minus_y(hidden: str) -> None:
    for seed in range(5):
        weights, biases, activations, x, y = random_network(seed, 3, True, True, hidden, "softmax")
        y = [1.0 if i == seed % len(y) else 0.0 for i in range(len(y))]
        assert_gradients_follow_delta_rule(weights, biases, activations, x, y, loss="cross_entropy")
        # and the table's row, δ_i = o_i − y_i, directly:
        model = MLP.from_weights(weights, biases, activations)
        engine_backward(model, x, y, "cross_entropy")
        a, _ = reference_gradients(weights, biases, activations, x, y, "cross_entropy")
        for neuron, o_i, y_i in zip(model.layers[-1].neurons, a[-1], y):
            assert math.isclose(neuron.b.grad, o_i - y_i, rel_tol=1e-12, abs_tol=1e-12)


def test_bias_gradient_is_exactly_the_delta_of_its_neuron() -> None:
    """b.grad == z.grad with ==, not ≈: the addition node passes δ to b times 1."""
    weights, biases, activations, x, y = random_network(7, 3, False, True, "tanh", "sigmoid")
    model = MLP.from_weights(weights, biases, activations)
    loss_node = engine_backward(model, x, y, "half_sse")
    nodes_by_name = {node.name: node for node in topological_order(loss_node) if node.name is not None}
    for layer_position, layer in enumerate(model.layers):
        for k, neuron in enumerate(layer.neurons):
            assert neuron.b.grad == nodes_by_name[f"z[{layer_position + 1}]_{k + 1}"].grad


def test_weight_gradient_is_delta_times_the_sending_activation() -> None:
    """Equation 3 on the engine's own numbers: w_kj.grad == δ_k · a_j (each product node multiplies once)."""
    weights, biases, activations, x, y = random_network(3, 2, False, True, "sigmoid", "sigmoid")
    model = MLP.from_weights(weights, biases, activations)
    loss_node = engine_backward(model, x, y, "half_sse")
    nodes_by_name = {node.name: node for node in topological_order(loss_node) if node.name is not None}
    for k, neuron in enumerate(model.layers[1].neurons, start=1):
        delta = nodes_by_name[f"z[2]_{k}"].grad
        for j, w in enumerate(neuron.w, start=1):
            assert w.grad == delta * nodes_by_name[f"a[1]_{j}"].data

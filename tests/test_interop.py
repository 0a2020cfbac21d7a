"""nn.interop: an MLP and its torch.nn.Sequential compute the same outputs and the same gradients."""

from __future__ import annotations

import random
import sys

import pytest

from nn.interop import from_torch, to_torch
from nn.layers import MLP

HIDDEN_ACTIVATIONS = ["tanh", "sigmoid", "relu", "leaky_relu", "linear"]
OUTPUT_ACTIVATIONS = ["linear", "sigmoid", "softmax", "tanh"]
ACTIVATION_PAIRS = [(hidden, output) for hidden in HIDDEN_ACTIVATIONS for output in OUTPUT_ACTIVATIONS]


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="torch is not installed; the PyTorch interop tests are skipped")


def _inputs(nin: int, seed: int) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.uniform(-2.0, 2.0) for _ in range(nin)] for _ in range(4)]


def _as_list(output):
    return output if isinstance(output, list) else [output]


def _our_outputs(model, x):
    return [a.data for a in _as_list(model(x))]


def _torch_outputs(torch, sequential, x):
    return sequential(torch.tensor(x, dtype=torch.float64)).tolist()


def _weighted_output_sum(outputs, coefficients):
    """C = Σ_k c_k·o_k: a scalar whose gradient reaches every parameter with different weights."""
    total = outputs[0] * coefficients[0]
    for output, c in zip(outputs[1:], coefficients[1:]):
        total = total + output * c
    return total


def _assert_same_gradients(torch, model, sequential, x, coefficients):
    _weighted_output_sum(_as_list(model(x)), coefficients).backward()
    _weighted_output_sum(sequential(torch.tensor(x, dtype=torch.float64)), coefficients).backward()
    linears = [m for m in sequential if isinstance(m, torch.nn.Linear)]
    for layer, linear in zip(model.layers, linears):
        for k, neuron in enumerate(layer.neurons):
            assert [w.grad for w in neuron.w] == pytest.approx(linear.weight.grad[k].tolist(), abs=1e-12)
            assert neuron.b.grad == pytest.approx(linear.bias.grad[k].item(), abs=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize(("hidden", "output"), ACTIVATION_PAIRS)
def test_to_torch_gives_the_same_outputs(torch, hidden, output):
    model = MLP(3, [4, 3, 2], activation=hidden, output_activation=output, seed=11)
    sequential = to_torch(model)
    for x in _inputs(3, seed=1):
        assert _torch_outputs(torch, sequential, x) == pytest.approx(_our_outputs(model, x), abs=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize(("hidden", "output"), ACTIVATION_PAIRS)
def test_to_torch_gives_the_same_parameter_gradients(torch, hidden, output):
    model = MLP(3, [4, 3, 2], activation=hidden, output_activation=output, seed=12)
    sequential = to_torch(model)
    _assert_same_gradients(torch, model, sequential, _inputs(3, seed=2)[0], [0.7, -1.3])


@pytest.mark.torch
def test_to_torch_makes_float64_linear_layers_with_activation_modules(torch):
    sequential = to_torch(MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=0))
    assert [type(m).__name__ for m in sequential] == ["Linear", "Tanh", "Linear", "Sigmoid"]
    assert {p.dtype for p in sequential.parameters()} == {torch.float64}


@pytest.mark.torch
def test_from_torch_gives_the_same_outputs_and_gradients(torch):
    torch.manual_seed(0)
    sequential = torch.nn.Sequential(
        torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)
    ).double()
    model = from_torch(sequential)
    assert [layer.activation for layer in model.layers] == ["relu", "tanh", "linear"]
    for x in _inputs(3, seed=3):
        assert _our_outputs(model, x) == pytest.approx(_torch_outputs(torch, sequential, x), abs=1e-12)
    _assert_same_gradients(torch, model, sequential, _inputs(3, seed=4)[0], [1.5, -0.25])


@pytest.mark.torch
def test_round_trip_keeps_every_parameter_and_activation(torch):
    model = MLP(2, [3, 3, 2], activation="leaky_relu", output_activation="softmax", seed=5)
    again = from_torch(to_torch(model))
    assert again.state_dict() == model.state_dict()
    assert [layer.activation for layer in again.layers] == [layer.activation for layer in model.layers]


@pytest.mark.torch
def test_a_layer_without_biases_becomes_linear_without_bias_and_back(torch):
    model = MLP.from_weights([[[1.0, 2.0]], [[3.0]]], [None, [0.5]], ["tanh", "linear"])
    sequential = to_torch(model)
    assert sequential[0].bias is None
    assert from_torch(sequential).state_dict() == model.state_dict()


@pytest.mark.torch
def test_absent_connection_raises_value_error_naming_it(torch):
    model = MLP.from_weights([[[1.0, None], [0.5, 0.5]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]], "sigmoid")
    with pytest.raises(ValueError, match=r"layers\[0\]: neuron 1 has no connection from input 2"):
        to_torch(model)


@pytest.mark.torch
def test_absent_connection_exported_as_zero_gives_the_same_outputs(torch):
    model = MLP.from_weights([[[1.0, None], [0.5, 0.5]], [[1.0, -1.0]]], [[0.1, None], [0.0]], "sigmoid")
    sequential = to_torch(model, absent_connections="zero")
    assert sequential[0].weight[0, 1].item() == 0.0 and sequential[0].bias[1].item() == 0.0
    for x in _inputs(2, seed=6):
        assert _torch_outputs(torch, sequential, x) == pytest.approx(_our_outputs(model, x), abs=1e-12)


@pytest.mark.torch
def test_unknown_absent_connections_mode_raises_value_error(torch):
    with pytest.raises(ValueError, match="absent_connections"):
        to_torch(MLP(2, [1], seed=0), absent_connections="mask")


@pytest.mark.torch
def test_from_torch_rejects_a_module_without_counterpart(torch):
    sequential = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5))
    with pytest.raises(ValueError, match=r"module 1 \(Dropout\) has no scalargrad counterpart"):
        from_torch(sequential)


@pytest.mark.torch
def test_from_torch_rejects_an_activation_that_does_not_follow_a_linear(torch):
    sequential = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Tanh())
    with pytest.raises(ValueError, match=r"module 2 \(Tanh\) must follow a Linear"):
        from_torch(sequential)


@pytest.mark.torch
def test_from_torch_rejects_a_leaky_relu_with_another_slope(torch):
    sequential = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.LeakyReLU(0.2), torch.nn.Linear(2, 1))
    with pytest.raises(ValueError, match="negative_slope=0.2"):
        from_torch(sequential)


@pytest.mark.torch
def test_from_torch_rejects_what_is_not_a_sequential(torch):
    with pytest.raises(TypeError, match="torch.nn.Sequential"):
        from_torch(torch.nn.Linear(2, 2))


def test_without_torch_to_torch_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    with pytest.raises(ImportError, match=r"scalargrad\[torch\]"):
        to_torch(MLP(2, [1], seed=0))

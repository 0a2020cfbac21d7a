"""Neuron, Layer and MLP: construction, initialisation, names, forward values and input checks.

Oracles: forward values computed by hand in plain floats; initialisation bounds
from the formulas of Glorot & Bengio (2010) and He et al. (2015); micrograd's
documented defaults (ReLU hidden, linear output, U(−1, 1) weights, zero biases).
"""

from __future__ import annotations

import math
import random

import pytest

from autograd import Value, topological_order
from nn import MLP, Layer, Neuron
from nn.activations import ACTIVATIONS


def all_weights(model: MLP) -> list[float]:
    return [w.data for layer in model.layers for neuron in layer.neurons for w in neuron.w if w is not None]


def nodes_by_name(output: Value) -> dict[str, Value]:
    return {node.name: node for node in topological_order(output) if node.name is not None}


# ------------------------------------------------------------------------ construction and defaults


def test_mlp_defaults_are_micrograds_relu_hidden_and_linear_output() -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    assert [layer.activation for layer in model.layers] == ["relu", "relu", "linear"]


def test_default_weights_are_uniform_between_minus_one_and_one_and_biases_zero() -> None:
    model = MLP(3, [50, 50], seed=1)
    weights = all_weights(model)
    assert all(-1.0 <= w <= 1.0 for w in weights)
    assert min(weights) < -0.9 and max(weights) > 0.9  # the whole interval is used, not a narrower one
    assert all(neuron.b.data == 0.0 for layer in model.layers for neuron in layer.neurons)


def test_moons_network_has_micrograds_337_parameters() -> None:
    assert MLP(2, [16, 16, 1], seed=0).num_parameters() == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1


def test_same_seed_gives_identical_weights() -> None:
    assert all_weights(MLP(2, [4, 3, 1], seed=42)) == all_weights(MLP(2, [4, 3, 1], seed=42))


def test_different_seeds_give_different_weights() -> None:
    assert all_weights(MLP(2, [4, 1], seed=1)) != all_weights(MLP(2, [4, 1], seed=2))


def test_a_shared_rng_continues_its_stream_across_models() -> None:
    rng = random.Random(5)
    first, second = MLP(2, [3], rng=rng), MLP(2, [3], rng=rng)
    assert all_weights(first) != all_weights(second)
    again = random.Random(5)
    assert all_weights(MLP(2, [3], rng=again)) == all_weights(first)


def test_seed_and_rng_together_are_refused() -> None:
    with pytest.raises(ValueError, match="either seed= or rng="):
        MLP(2, [1], seed=1, rng=random.Random(1))


def test_xavier_weights_stay_within_the_glorot_bound() -> None:
    model = MLP(6, [10, 4], activation="tanh", init="xavier", seed=3)
    for layer, (fan_in, fan_out) in zip(model.layers, [(6, 10), (10, 4)]):
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        weights = [w.data for neuron in layer.neurons for w in neuron.w]
        assert max(abs(w) for w in weights) <= bound
        assert max(abs(w) for w in weights) > 0.8 * bound


def test_he_weights_stay_within_the_kaiming_uniform_bound() -> None:
    model = MLP(8, [20, 5], init="he", seed=4)
    for layer, fan_in in zip(model.layers, [8, 20]):
        bound = math.sqrt(6.0 / fan_in)
        weights = [w.data for neuron in layer.neurons for w in neuron.w]
        assert max(abs(w) for w in weights) <= bound
        assert max(abs(w) for w in weights) > 0.8 * bound


def test_unknown_init_lists_the_valid_names() -> None:
    with pytest.raises(ValueError, match="'uniform', 'xavier', 'he'"):
        MLP(2, [1], init="gaussian")


def test_unknown_activation_lists_every_valid_name() -> None:
    with pytest.raises(ValueError) as error:
        MLP(2, [3, 1], activation="swish")
    for name in ACTIVATIONS:
        assert repr(name) in str(error.value)


def test_softmax_is_refused_for_hidden_layers() -> None:
    with pytest.raises(ValueError, match="only valid for the output layer"):
        MLP(2, [3, 2], activation="softmax")


def test_layer_sizes_must_be_positive_ints() -> None:
    with pytest.raises(ValueError, match=r"nouts\[1\] must be at least 1"):
        MLP(2, [3, 0])
    with pytest.raises(TypeError, match="non-empty list"):
        MLP(2, 3)  # type: ignore[arg-type]


def test_bias_false_builds_neurons_without_biases() -> None:
    model = MLP(2, [3, 1], bias=False, seed=0)
    assert all(neuron.b is None for layer in model.layers for neuron in layer.neurons)
    assert model.num_parameters() == 2 * 3 + 3


# ------------------------------------------------------------------------ calling a model


def test_one_output_neuron_gives_a_value() -> None:
    assert isinstance(MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)


def test_several_output_neurons_give_a_list() -> None:
    out = MLP(2, [3, 2], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2


def test_a_layer_always_returns_a_list_even_for_one_neuron() -> None:
    out = Layer(2, 1, seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1


def test_wrong_input_length_names_both_counts() -> None:
    with pytest.raises(ValueError, match=r"^MLP expects 2 inputs, got 3$"):
        MLP(2, [1], seed=0)([1.0, 2.0, 3.0])


def test_a_bare_number_as_input_asks_for_a_list() -> None:
    with pytest.raises(TypeError, match=r"wrap a single input as \[x\]"):
        MLP(1, [1], seed=0)(3.0)  # type: ignore[arg-type]


def test_a_non_number_input_names_its_position() -> None:
    with pytest.raises(TypeError, match="MLP input 1 must be a number or a Value, got str"):
        MLP(2, [1], seed=0)([1.0, "2"])  # type: ignore[list-item]


def test_value_inputs_receive_gradients() -> None:
    model = MLP.from_weights([[[2.0, -3.0]]], [[0.5]], ["linear"])
    x = [Value(1.0), Value(4.0)]
    model(x).backward()
    assert [v.grad for v in x] == [2.0, -3.0]


def test_forward_pass_matches_a_hand_computation() -> None:
    model = MLP.from_weights(
        [[[0.5, -1.0], [2.0, 0.25]], [[1.5, -0.5]]],
        [[0.1, -0.2], [0.3]],
        ["tanh", "sigmoid"],
    )
    x = [0.7, -1.3]
    h1 = math.tanh(0.5 * 0.7 - 1.0 * -1.3 + 0.1)
    h2 = math.tanh(2.0 * 0.7 + 0.25 * -1.3 - 0.2)
    want = 1.0 / (1.0 + math.exp(-(1.5 * h1 - 0.5 * h2 + 0.3)))
    assert math.isclose(model(x).data, want, rel_tol=1e-15)


@pytest.mark.parametrize(
    ("activation", "rule"),
    [
        ("linear", lambda z: z),
        ("tanh", math.tanh),
        ("sigmoid", lambda z: 1.0 / (1.0 + math.exp(-z))),
        ("relu", lambda z: max(z, 0.0)),
        ("leaky_relu", lambda z: z if z > 0 else 0.01 * z),
    ],
)
def test_each_activation_applies_its_formula(activation: str, rule) -> None:
    neuron = Neuron.from_dict({"activation": activation, "weights": [1.0], "bias": 0.0})
    for z in (-1.5, 0.4):
        assert math.isclose(neuron([z]).data, rule(z), rel_tol=1e-15)


def test_softmax_layer_outputs_probabilities_that_sum_to_one() -> None:
    layer = Layer(3, 4, "softmax", seed=0)
    probabilities = [a.data for a in layer([0.2, -1.0, 0.5])]
    assert math.isclose(sum(probabilities), 1.0, rel_tol=1e-15)
    assert all(p > 0 for p in probabilities)


def test_a_softmax_neuron_alone_cannot_be_evaluated() -> None:
    neuron = Layer(2, 2, "softmax", seed=0).neurons[0]
    with pytest.raises(ValueError, match="call the Layer"):
        neuron([1.0, 2.0])


# ------------------------------------------------------------------------ names and graph structure


def test_parameters_carry_textbook_names() -> None:
    model = MLP(2, [3, 1], seed=0)
    neuron = model.layers[0].neurons[1]
    assert [w.name for w in neuron.w] == ["w[1]_21", "w[1]_22"]
    assert neuron.b.name == "b[1]_2"
    assert model.layers[1].neurons[0].w[2].name == "w[2]_13"


def test_weight_names_separate_two_digit_indices_with_a_comma() -> None:
    model = MLP(12, [3], seed=0)
    assert model.layers[0].neurons[0].w[11].name == "w[1]_1,12"


def test_forward_names_each_weighted_input_z_and_activation_a() -> None:
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="tanh", seed=0)
    nodes = nodes_by_name(model([0.5, -0.5]))
    for name in ("z[1]_1", "z[1]_2", "a[1]_1", "a[1]_2", "z[2]_1", "a[2]_1"):
        assert name in nodes
    assert nodes["a[1]_1"].op == "sigmoid" and nodes["a[1]_1"].parents == (nodes["z[1]_1"],)


def test_a_linear_neuron_has_one_node_named_a() -> None:
    """For 'linear', a = z: no extra node; the weighted-input node carries the name a[l]_k."""
    out = MLP(2, [1], activation="relu", output_activation="linear", seed=0)([0.5, -0.5])
    assert out.name == "a[1]_1" and out.op == "sum"
    assert "z[1]_1" not in nodes_by_name(out)


def test_softmax_layer_names_its_z_and_a_nodes() -> None:
    outputs = Layer(2, 3, "softmax", seed=0, layer_index=2)([0.1, 0.2])
    assert [a.name for a in outputs] == ["a[2]_1", "a[2]_2", "a[2]_3"]
    assert {"z[2]_1", "z[2]_2", "z[2]_3"} <= set(nodes_by_name(outputs[0]))


def test_weighted_input_is_one_sum_node_with_the_bias_as_an_operand() -> None:
    """z = sum(w·a ..., b): the bias enters by addition, so ∂z/∂b = 1 comes from the sum rule."""
    neuron = Neuron(3, "tanh", seed=0)
    z = neuron([1.0, 2.0, 3.0]).parents[0]
    assert z.op == "sum" and z.name == "z[1]_1"
    assert z.parents[-1] is neuron.b
    assert [p.op for p in z.parents[:-1]] == ["*", "*", "*"]
    assert [p.parents[0] for p in z.parents[:-1]] == neuron.w


# ------------------------------------------------------------------------ from_weights


def test_from_weights_uses_rows_as_receiving_neurons() -> None:
    model = MLP.from_weights([[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]], [[0.0, 0.0, 0.0]], ["linear"])
    assert [a.data for a in model([1.0, 10.0])] == [21.0, 43.0, 65.0]


def test_an_absent_connection_is_no_parameter_and_contributes_nothing() -> None:
    model = MLP.from_weights([[[None, 2.0]]], [[1.0]], ["linear"])
    assert model.layers[0].neurons[0].w[0] is None
    assert model.num_parameters() == 2
    assert model([1000.0, 3.0]).data == 7.0


def test_a_layer_without_biases_has_none_for_each_bias() -> None:
    model = MLP.from_weights([[[1.0]], [[2.0]]], [[0.5], None], ["relu", "linear"])
    assert model.layers[1].neurons[0].b is None
    assert model([1.0]).data == 3.0


def test_a_neuron_with_only_a_bias_outputs_f_of_the_bias() -> None:
    model = MLP.from_weights([[[None]]], [[-0.1]], ["sigmoid"])
    assert math.isclose(model([5.0]).data, 1.0 / (1.0 + math.exp(0.1)), rel_tol=1e-15)


def test_from_weights_row_of_wrong_length_names_its_position() -> None:
    with pytest.raises(ValueError, match=r"^weights\[1\]\[0\]: expected 3 numbers, got 2$"):
        MLP.from_weights([[[1.0], [2.0], [3.0]], [[1.0, 2.0]]], None, "relu")


def test_from_weights_non_number_names_its_position() -> None:
    with pytest.raises(ValueError, match=r"weights\[0\]\[1\]\[0\]: expected a number, got str 'a'"):
        MLP.from_weights([[[1.0], ["a"]]], None, "relu")


def test_from_weights_bias_count_must_match_the_rows() -> None:
    with pytest.raises(ValueError, match=r"biases\[0\]: expected 2 biases"):
        MLP.from_weights([[[1.0], [2.0]]], [[0.0]], "relu")


def test_from_weights_needs_one_activation_per_layer() -> None:
    with pytest.raises(ValueError, match="activations: expected 2 entries"):
        MLP.from_weights([[[1.0]], [[1.0]]], None, ["relu"])


def test_from_weights_refuses_a_neuron_with_no_weight_and_no_bias() -> None:
    with pytest.raises(ValueError, match=r"weights\[0\]\[0\]: this neuron has no connections and no bias"):
        MLP.from_weights([[[None, None]]], None, ["linear"])


def test_from_weights_refuses_softmax_before_the_last_layer() -> None:
    with pytest.raises(ValueError, match=r"activations\[0\]: 'softmax'"):
        MLP.from_weights([[[1.0], [1.0]], [[1.0, 1.0]]], None, ["softmax", "linear"])


def test_from_weights_refuses_infinite_weights() -> None:
    with pytest.raises(ValueError, match=r"weights\[0\]\[0\]\[0\]: expected a finite number"):
        MLP.from_weights([[[math.inf]]], None, "linear")


def test_repr_shows_the_architecture() -> None:
    assert repr(MLP(2, [16, 16, 1], seed=0)) == "MLP(2 -> 16 relu -> 16 relu -> 1 linear; 337 parameters)"


@pytest.mark.parametrize("inputs", [{0: 1.0, 1: 2.0}, {1.0, 2.0}, {"a": 1.0, "b": 2.0}.keys()], ids=["dict", "set", "keys"])
@pytest.mark.parametrize(
    "call", [lambda m, x: m(x), lambda m, x: m.layers[0](x), lambda m, x: m.layers[0].neurons[0](x)], ids=["mlp", "layer", "neuron"]
)
def test_a_dict_or_set_of_inputs_is_refused_not_read_by_its_keys(inputs: object, call) -> None:  # type: ignore[no-untyped-def]
    model = MLP(2, [2, 1], seed=0)
    with pytest.raises(TypeError, match="has no input order"):
        call(model, inputs)

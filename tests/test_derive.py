"""`nn.derive`: textbook derivations of gradient-descent steps, checked against published numbers and the engine.

Oracles: the numbers published for seed 001 (Yehoshua, with its companion
notebook) and for Mazur's 2-2-2 network, both with their sources in the
example files; central differences of the loss (forward passes only) for the
seed 004 pixel network, whose initial weights are generated (see its spec);
and, for random networks, a separate ``loss.backward()`` on a fresh copy of
the model.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from nn import MLP, derive, losses
from nn.teaching.derive import SCHEMA, GradientMismatchError
from nn.teaching.formulas import DERIVATIVES, Derivative
from nn.teaching.spec import load_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


def assert_close_nested(actual, expected, tolerance):
    """Equal shapes, None where None, numbers within `tolerance`."""
    if expected is None:
        assert actual is None
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected)
        for a, e in zip(actual, expected):
            assert_close_nested(a, e, tolerance)
    else:
        assert actual == pytest.approx(expected, abs=tolerance)


# ---------------------------------------------------------------- golden: seed 001


@pytest.fixture(scope="module")
def seed001():
    return load_spec(EXAMPLES / "yehoshua_2023_two_hidden_layers.json").derive()


def test_seed001_forward_values_and_loss_match_the_published_example(seed001):
    expected = example("yehoshua_2023_two_hidden_layers.json")["expected"]
    step = seed001.steps[0]
    assert_close_nested(step.examples[0].z, expected["z"], expected["tolerance"])
    assert_close_nested(step.examples[0].a, expected["a"], expected["tolerance"])
    assert step.loss == pytest.approx(expected["loss"], abs=expected["tolerance"])


def test_seed001_deltas_match_the_published_example(seed001):
    expected = example("yehoshua_2023_two_hidden_layers.json")["expected"]
    assert_close_nested(seed001.steps[0].examples[0].delta, expected["delta"], expected["tolerance"])


def test_seed001_updates_match_the_published_example(seed001):
    expected = example("yehoshua_2023_two_hidden_layers.json")["expected"]
    step = seed001.steps[0]
    assert_close_nested(step.updated_weights, expected["updated_weights"], expected["tolerance"])
    assert_close_nested(step.updated_biases, expected["updated_biases"], expected["tolerance"])


def test_seed001_output_rises_from_0_6718_to_0_6981(seed001):
    expected = example("yehoshua_2023_two_hidden_layers.json")["expected"]
    step = seed001.steps[0]
    assert step.examples[0].output[0] == pytest.approx(0.671846, abs=1e-6)
    assert step.outputs_after[0][0] == pytest.approx(0.698076, abs=1e-6)
    assert step.examples[0].output[0] == pytest.approx(expected["published"]["output_before"], abs=5e-5)
    assert step.outputs_after[0][0] == pytest.approx(expected["published"]["output_after"], abs=5e-5)
    assert step.loss_after == pytest.approx(expected["loss_after_step"], abs=expected["tolerance"])


def test_seed001_text_shows_the_output_delta_as_o_minus_y(seed001):
    text = str(seed001)
    assert "δ[3]_k = o_k − y_k" in text
    assert "δ[3]_1 = o_1 − y_1 = 0.671846 − 1 = -0.328154" in text


def test_seed001_deltas_shrink_toward_the_input_and_the_text_says_so(seed001):
    sizes = seed001.steps[0].mean_abs_delta
    assert sizes[0] < sizes[1] < sizes[2]
    assert "the deltas shrink toward the input (layer 1: 0.0173 × the output layer): vanishing gradients" in str(seed001)


def test_seed001_text_fits_a_100_column_terminal(seed001):
    assert max(len(line) for line in str(seed001).splitlines()) <= 100


def test_the_bias_gradient_is_stated_as_the_delta(seed001):
    text = str(seed001)
    assert "∂C/∂b[1]_k = δ[1]_k · 1  (b enters z by addition: ∂z[1]_k/∂b[1]_k = 1)" in text
    assert re.search(r"∂C/∂b\[1\]_1 +=\s+δ\[1\]_1 +=\s+0.00118889 +=\s+0.00118889", text)


def test_bias_as_weight_shows_the_constant_input_view_with_the_same_numbers(seed001):
    spec = load_spec(EXAMPLES / "yehoshua_2023_two_hidden_layers.json")
    as_weight = spec.derive(bias_as_weight=True)
    assert as_weight.steps[0].bias_gradients == seed001.steps[0].bias_gradients
    text = str(as_weight)
    assert "b[1]_k = w[1]_k0 on a constant input a[0]_0 = 1" in text
    assert "∂C/∂b[1]_1 = ∂C/∂w[1]_10" in text


# ---------------------------------------------------------------- golden: Mazur


def test_mazur_loss_gradients_and_updated_weights_match_the_article():
    expected = example("mazur_2015_2_2_2.json")["expected"]
    step = load_spec(EXAMPLES / "mazur_2015_2_2_2.json").derive().steps[0]
    tolerance = expected["tolerance"]
    assert step.loss == pytest.approx(expected["loss"], abs=tolerance)
    assert_close_nested(step.examples[0].z, expected["z"], tolerance)
    assert_close_nested(step.examples[0].a, expected["a"], tolerance)
    assert step.weight_gradients[1][0][0] == pytest.approx(expected["grad_w5"], abs=tolerance)  # Mazur's w5 = w[2]_11
    assert step.weight_gradients[0][0][0] == pytest.approx(expected["grad_w1"], abs=tolerance)  # Mazur's w1 = w[1]_11
    assert_close_nested(step.updated_weights, expected["updated_weights"], tolerance)


# ---------------------------------------------------------------- seed 004's pixel network, on a batch


def central_difference_gradients(spec, eps=1e-6):
    """∂C/∂p for every weight and bias by (C(p + eps) − C(p − eps)) / 2eps, forward passes only."""

    def loss_at(weights, biases):
        model = MLP.from_weights(weights, biases, [layer["activation"] for layer in spec.layers])
        with autograd.no_grad():
            return losses.half_sse([model(x) for x in spec.inputs], spec.targets, reduction=spec.reduction).data

    weights = [[list(row) for row in layer["weights"]] for layer in spec.layers]
    biases = [list(layer["biases"]) for layer in spec.layers]
    weight_gradients = [[[0.0] * len(row) for row in layer] for layer in weights]
    bias_gradients = [[0.0] * len(layer) for layer in biases]
    for table, gradients in ((weights, weight_gradients), (biases, bias_gradients)):
        for l, layer in enumerate(table):
            rows = layer if isinstance(layer[0], list) else [layer]
            gradient_rows = gradients[l] if isinstance(layer[0], list) else [gradients[l]]
            for row, gradient_row in zip(rows, gradient_rows):
                for j, value in enumerate(row):
                    row[j] = value + eps
                    up = loss_at(weights, biases)
                    row[j] = value - eps
                    down = loss_at(weights, biases)
                    row[j] = value
                    gradient_row[j] = (up - down) / (2 * eps)
    return weight_gradients, bias_gradients


def test_pixel_digit_batch_gradients_match_central_differences():
    spec = load_spec(EXAMPLES / "wakui_pixel_digits_step.json")
    assert spec.batch and len(spec.inputs) == 4 and [len(x) for x in spec.inputs] == [12] * 4
    step = spec.derive().steps[0]
    weight_gradients, bias_gradients = central_difference_gradients(spec)
    assert_close_nested(step.weight_gradients, weight_gradients, 1e-7)
    assert_close_nested(step.bias_gradients, bias_gradients, 1e-7)
    assert step.loss_after < step.loss


def test_pixel_digit_batch_gradients_are_the_sums_of_the_per_example_delta_products():
    spec = load_spec(EXAMPLES / "wakui_pixel_digits_step.json")
    step = spec.derive().steps[0]
    # seed 004: C_T = Σ C, so ∂C_T/∂w = Σ_n δ_n·a_n; check one weight and one bias by hand
    assert step.weight_gradients[1][0][2] == pytest.approx(
        sum(e.delta[1][0] * e.a[0][2] for e in step.examples), abs=1e-15
    )
    assert step.bias_gradients[0][1] == pytest.approx(sum(e.delta[0][1] for e in step.examples), abs=1e-15)


def test_pixel_digit_text_lists_every_example_and_fits_100_columns():
    text = str(load_spec(EXAMPLES / "wakui_pixel_digits_step.json").derive())
    for n in range(1, 5):
        assert f"Forward, example {n}: layer 1" in text
        assert f"Output delta, example {n}, layer 2" in text
    assert "C = Σ_n C_n" in text
    assert max(len(line) for line in text.splitlines()) <= 100


# ---------------------------------------------------------------- behaviour


def two_layer_model() -> MLP:
    return MLP.from_weights([[[0.3, -0.2], [0.5, 0.1]], [[0.7, -0.4]]], [[0.1, -0.1], [0.2]], ["tanh", "sigmoid"])


def test_mean_reduction_gives_the_sum_divided_by_the_batch_size():
    batch, targets = [[0.5, -1.0], [1.0, 2.0], [0.0, 0.3]], [[1.0], [0.0], [1.0]]
    summed = derive(two_layer_model(), batch, targets, "half_sse", 0.1).steps[0]
    averaged = derive(two_layer_model(), batch, targets, "half_sse", 0.1, reduction="mean").steps[0]
    assert averaged.loss == pytest.approx(summed.loss / 3, rel=1e-12)
    assert averaged.weight_gradients[0][1][0] == pytest.approx(summed.weight_gradients[0][1][0] / 3, rel=1e-12)


def test_each_step_starts_from_the_parameters_the_previous_step_left():
    derivation = derive(two_layer_model(), [0.5, -1.0], [1.0], "bce", 0.5, steps=3)
    assert len(derivation.steps) == 3
    for before, after in zip(derivation.steps, derivation.steps[1:]):
        assert after.weights == before.updated_weights
        assert after.loss == pytest.approx(before.loss_after, rel=1e-12)
    assert derivation.steps[2].loss < derivation.steps[0].loss


def test_derive_does_not_change_the_model():
    model = two_layer_model()
    before = model.state_dict()
    derive(model, [0.5, -1.0], [1.0], "mse", 0.5)
    assert model.state_dict() == before


def test_records_missing_the_gradient_of_a_present_weight_are_refused_by_its_path(seed001):
    step = seed001.steps[0]
    gradients = copy.deepcopy(step.weight_gradients)
    gradients[0][0][0] = None
    broken = copy.copy(seed001)
    broken.steps = [dataclasses.replace(step, weight_gradients=gradients)]
    with pytest.raises(ValueError, match=r"^weight_gradients\[0\]\[0\]\[0\]: expected a value"):
        str(broken)


def test_a_wrong_formula_is_an_error_not_a_footnote(monkeypatch):
    sigmoid = DERIVATIVES["sigmoid"]
    wrong = Derivative(sigmoid.symbol, sigmoid.formula, sigmoid.numbers, lambda z, a: a)  # σ' is a(1 − a), not a
    monkeypatch.setitem(DERIVATIVES, "sigmoid", wrong)
    with pytest.raises(GradientMismatchError, match=r"the engine's \.grad is"):
        derive(two_layer_model(), [0.5, -1.0], [1.0], "half_sse", 0.1)


def test_cross_entropy_needs_a_logits_output_layer():
    model = MLP.from_weights([[[0.3], [0.5]]], None, "softmax")
    with pytest.raises(ValueError, match="output layer must be 'linear'"):
        derive(model, [1.0], [[1.0, 0.0]], "cross_entropy", 0.1)


@pytest.mark.parametrize(
    ("activation", "loss", "target", "formula"),
    [
        ("sigmoid", "bce", [1.0, 0.0], "δ[1]_k = o_k − y_k"),
        ("linear", "cross_entropy", [1.0, 0.0], "δ[1]_k = o_k − y_k  with o = softmax(z[1])"),
        ("sigmoid", "half_sse", [1.0, 0.0], "δ[1]_k = ∂C/∂o_k · σ'(z[1]_k) = (o_k − y_k) · a[1]_k·(1 − a[1]_k)"),
        ("sigmoid", "mse", [1.0, 0.0], "δ[1]_k = ∂C/∂o_k · σ'(z[1]_k) = ((2/K)(o_k − y_k)) · a[1]_k·(1 − a[1]_k)"),
        ("linear", "half_sse", [1.0, 0.0], "δ[1]_k = o_k − y_k"),
        ("softmax", "half_sse", [1.0, 0.0], "δ[1]_k = o_k·(∂C/∂o_k − Σ_i ∂C/∂o_i·o_i)"),
        ("linear", "hinge", [1.0, -1.0], "δ[1]_k = −y_k if y_k·o_k < 1 else 0"),
    ],
)
def test_the_output_delta_is_written_with_the_formula_of_its_loss_and_activation(activation, loss, target, formula):
    model = MLP.from_weights([[[0.3, -0.2], [0.5, 0.1]]], [[0.1, -0.1]], activation)
    assert formula in str(derive(model, [0.5, -1.0], target, loss, 0.1))


def test_markdown_has_a_table_per_block_and_latex_is_a_balanced_ascii_document(seed001):
    markdown = seed001.to_markdown()
    assert markdown.count("| quantity | formula | numbers | value |") >= 8
    latex = seed001.to_latex()
    assert latex.startswith("\\documentclass") and latex.rstrip().endswith("\\end{document}")
    assert latex.isascii()
    assert latex.count("\\begin{") == latex.count("\\end{")
    depth = 0
    for character in latex.replace("\\{", "").replace("\\}", ""):
        depth += {"{": 1, "}": -1}.get(character, 0)
        assert depth >= 0
    assert depth == 0


def test_to_dict_follows_the_documented_schema(seed001):
    data = seed001.to_dict()
    assert data["schema"] == SCHEMA
    assert set(data) == {"schema", "network", "training", "start", "steps"}
    assert set(data["network"]) == {
        "inputs", "layers", "loss", "reduction", "learning_rate", "bias_as_weight", "form", "notation"
    }
    assert set(data["training"]) == {"mode", "batch_size", "shuffle_seed", "optimizer"}
    assert set(data["start"]) == {"loss", "outputs"}
    assert set(data["steps"][0]) == {
        "step",
        "epoch",
        "example_numbers",
        "updates",
        "forward_after",
        "data_loss_after",
        "data_outputs_after",
        "weights",
        "biases",
        "examples",
        "loss",
        "weight_gradients",
        "bias_gradients",
        "updated_weights",
        "updated_biases",
        "outputs_after",
        "loss_after",
        "mean_abs_delta",
        "check",
    }
    assert set(data["steps"][0]["examples"][0]) == {"input", "target", "z", "a", "output", "loss", "delta"}


# ---------------------------------------------------------------- property: every loss/activation pair

HIDDEN = ("linear", "tanh", "sigmoid", "relu", "leaky_relu")
PAIRS = [
    *[(activation, loss) for loss in ("half_sse", "mse") for activation in (*HIDDEN, "softmax")],
    ("sigmoid", "bce"),
    ("softmax", "bce"),
    ("linear", "bce_with_logits"),
    ("linear", "cross_entropy"),
    ("linear", "hinge"),
    ("tanh", "hinge"),
]


def random_target(rng: random.Random, loss: str, outputs: int) -> list[float]:
    if loss in ("bce", "bce_with_logits"):
        return [rng.random() for _ in range(outputs)]
    if loss == "cross_entropy":
        hot = rng.randrange(outputs)
        return [1.0 if k == hot else 0.0 for k in range(outputs)]
    if loss == "hinge":
        return [rng.choice((-1.0, 1.0)) for _ in range(outputs)]
    return [rng.uniform(-1, 1) for _ in range(outputs)]


@pytest.mark.parametrize(("output_activation", "loss"), PAIRS)
@settings(max_examples=8, derandomize=True, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_on_random_networks_the_derivation_equals_the_engines_gradients_and_round_trips(output_activation, loss, seed):
    rng = random.Random(seed)
    sizes = [rng.randint(1, 3) for _ in range(rng.randint(1, 3))] + [rng.randint(2, 3)]
    nin = rng.randint(1, 3)
    weights = [
        [[None if rng.random() < 0.15 and j > 0 else rng.uniform(-1, 1) for j in range(fan_in)] for _ in range(fan_out)]
        for fan_in, fan_out in zip([nin, *sizes[:-1]], sizes)
    ]
    biases = [None if rng.random() < 0.2 else [rng.uniform(-1, 1) for _ in range(n)] for n in sizes]
    activations = [rng.choice(HIDDEN) for _ in sizes[:-1]] + [output_activation]
    batch = [[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(rng.randint(1, 3))]
    targets = [random_target(rng, loss, sizes[-1]) for _ in batch]
    reduction = rng.choice(("sum", "mean"))

    derivation = derive(MLP.from_weights(weights, biases, activations), batch, targets, loss, 0.1, reduction=reduction)

    engine_model = MLP.from_weights(weights, biases, activations)
    losses.LOSSES[loss]([engine_model(x) for x in batch], targets, reduction).backward()
    step = derivation.steps[0]
    for l, layer in enumerate(engine_model.layers):
        for k, neuron in enumerate(layer.neurons):
            for j, w in enumerate(neuron.w):
                if w is not None:
                    assert step.weight_gradients[l][k][j] == pytest.approx(w.grad, rel=1e-9, abs=1e-12)
            if neuron.b is not None:
                assert step.bias_gradients[l][k] == pytest.approx(neuron.b.grad, rel=1e-9, abs=1e-12)
    data = derivation.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["steps"][0]["check"]["compared"] > 0


@pytest.mark.parametrize("spec", ["yehoshua_2023_two_hidden_layers.json", "mazur_2015_2_2_2.json", "wakui_pixel_digits_step.json"])
def test_latex_document_compiles_with_pdflatex(spec, compile_latex):
    compile_latex(load_spec(EXAMPLES / spec).derive().to_latex())


@pytest.mark.parametrize(
    ("activations", "loss", "target"),
    [
        (["relu", "softmax"], "half_sse", [1.0, 0.0]),
        (["tanh", "linear"], "cross_entropy", [0.0, 1.0]),
        (["leaky_relu", "linear"], "hinge", [1.0, -1.0]),
        (["sigmoid", "sigmoid"], "bce", [1.0, 0.0]),
        (["linear", "tanh"], "mse", [0.5, 0.1]),
    ],
)
def test_every_latex_equation_parses_as_math(activations, loss, target):
    mathtext = pytest.importorskip(
        "matplotlib.mathtext", reason="matplotlib (the demo extra) parses the LaTeX equations"
    )
    parser = mathtext.MathTextParser("path")
    model = MLP.from_weights([[[0.3, -0.2], [0.5, None]], [[0.7, -0.4], [0.1, 0.3]]], [[0.1, -0.1], None], activations)
    latex = derive(model, [0.5, -1.0], target, loss, 0.1, bias_as_weight=True).to_latex()
    blocks = re.findall(r"\\begin\{align\*\}\n(.*?)\n\\end\{align\*\}", latex, re.S)
    cells = {cell.strip() for block in blocks for row in block.split(" \\\\\n") for cell in row.split("&")} - {""}
    assert len(cells) > 20
    for cell in cells:
        parser.parse(f"${cell}$")


def test_a_forward_overflow_is_named_not_blamed_on_the_engine():
    model = MLP.from_weights([[[1e200, 1e200]], [[1e200]]], [[0.0], [0.0]], ["linear", "linear"])
    with pytest.raises(OverflowError, match=r"step 1: the forward pass overflowed at z\[1\]_1 = inf"):
        derive(model, [1e200, 1.0], [1.0], "mse", 0.1)


def test_a_loss_overflow_is_named_not_blamed_on_the_engine():
    model = MLP.from_weights([[[1e200, 0.0]]], [[0.0]], ["linear"])  # z = 1e200 is finite; its square is not
    with pytest.raises(OverflowError, match="step 1: the loss overflowed although every z and a is finite"):
        derive(model, [1.0, 1.0], [1.0], "mse", 0.1)


def test_a_moderate_shrink_of_the_deltas_is_not_called_vanishing_gradients():
    # Mazur's 2-2-2 network: layer 1's mean |δ| is about 0.106 × the output layer's (0.009363 / 0.0883)
    derivation = load_spec(EXAMPLES / "mazur_2015_2_2_2.json").derive()
    sizes = derivation.steps[0].mean_abs_delta
    assert 0.05 < sizes[0] / sizes[1] < 0.2
    text = str(derivation)
    assert "the deltas shrink toward the input (layer 1: 0.106 × the output layer)" in text
    assert "vanishing" not in text


def test_the_check_line_keeps_max_difference_and_its_value_together_when_it_wraps():
    rng = random.Random(7)
    sizes = [12, 30, 10]
    weights = [[[rng.uniform(-1, 1) for _ in range(sizes[l])] for _ in range(sizes[l + 1])] for l in range(2)]
    model = MLP.from_weights(weights, [[0.1] * n for n in sizes[1:]], ["tanh", "sigmoid"])
    lines = str(derive(model, [0.1] * 12, [0.0] * 10, "bce", 0.1)).splitlines()
    assert any(re.search(r"max \|difference\| = \S+$", line) for line in lines)
    check = next(i for i, line in enumerate(lines) if "check:" in line)
    assert not any(line.rstrip().endswith(("max", "|difference|", "|difference| =")) for line in lines[check : check + 3])
    assert max(map(len, lines)) <= 100


def test_n_counts_the_examples_and_k_the_output_neurons_never_both():
    model = MLP.from_weights([[[0.3, -0.2], [0.5, 0.1]]], [[0.1, -0.1]], ["sigmoid"])
    text = str(derive(model, [[0.5, -1.0], [1.0, 0.0]], [[0.2, 0.7], [0.9, 0.1]], "mse", 0.1))
    assert "C = (1/K) Σ_k (o_k − y_k)²" in text and "(2/K)(o_1 − y_1)" in text
    assert "C = Σ_n C_n" in text
    assert "/n)" not in text

"""The published worked examples, reproduced number by number.

Oracles: the numbers in ``demos/examples/*.json``, each file naming its source
(seed 001: Roi Yehoshua's "Backpropagation: Step-By-Step Derivation", output
0.6718 → 0.6981; Matt Mazur's "A Step by Step Backpropagation Example", loss
0.298371109). The SGD step is written out here, ``p.data -= lr * p.grad``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, topological_order
from nn import MLP, losses
from nn.teaching.spec import TRANSLATED_KEYS

EXAMPLES = Path(__file__).parents[1] / "demos" / "examples"
REFERENCE = Path("/work/shared/reference/examples")


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def build(data: dict[str, Any]) -> MLP:
    layers = data["layers"]
    return MLP.from_weights(
        [layer["weights"] for layer in layers],
        [layer["biases"] for layer in layers],
        [layer["activation"] for layer in layers],
    )


def forward_and_backward(data: dict[str, Any]) -> tuple[MLP, Value, dict[str, Value]]:
    model = build(data)
    out = model(data["input"])
    outputs = out if isinstance(out, list) else [out]
    loss = losses.LOSSES[data["loss"]]([outputs], [data["target"]])
    loss.backward()
    nodes = {node.name: node for node in topological_order(loss) if node.name is not None}
    return model, loss, nodes


def sgd_step(model: MLP, learning_rate: float) -> None:
    for p in model.parameters():
        p.data -= learning_rate * p.grad


def per_layer(nodes: dict[str, Value], kind: str, shape: list[list[float]], attribute: str) -> list[list[float]]:
    return [
        [getattr(nodes[f"{kind}[{layer}]_{k}"], attribute) for k in range(1, len(row) + 1)]
        for layer, row in enumerate(shape, start=1)
    ]


def assert_nested_close(got: Any, want: Any, tolerance: float) -> None:
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want)
        for g, w in zip(got, want):
            assert_nested_close(g, w, tolerance)
    elif want is None:
        assert got is None
    else:
        assert abs(got - want) <= tolerance, (got, want)


def weight_matrices(model: MLP) -> list[list[list[float | None]]]:
    return [[[None if w is None else w.data for w in n.w] for n in layer.neurons] for layer in model.layers]


def bias_lists(model: MLP) -> list[list[float] | None]:
    return [
        None if all(n.b is None for n in layer.neurons) else [n.b.data for n in layer.neurons] for layer in model.layers
    ]


@pytest.mark.parametrize(
    ("name", "reference"),
    [("yehoshua_2023_two_hidden_layers.json", "seed001_two_hidden_layers.json"), ("mazur_2015_2_2_2.json", "mazur_2_2_2.json")],
)
def test_example_copy_matches_the_shared_reference(name: str, reference: str) -> None:
    # Our copies are named after their published sources; the numbers are the reference's, unchanged.
    if not (REFERENCE / reference).exists():
        pytest.skip(f"shared reference {REFERENCE / reference} not present on this machine")
    shared, ours = json.loads((REFERENCE / reference).read_text(encoding="utf-8")), example(name)
    descriptive = ("name", "source", *TRANSLATED_KEYS)  # ours add name_zh, source_zh, notes_zh
    assert {k: v for k, v in shared.items() if k not in descriptive} == {k: v for k, v in ours.items() if k not in descriptive}
    author = name.split("_")[0].capitalize()
    assert author in shared["source"] and author in ours["source"] and ours["name"].startswith(author)


SEED001 = "yehoshua_2023_two_hidden_layers.json"
MAZUR = "mazur_2015_2_2_2.json"


@pytest.mark.parametrize("name", [SEED001, MAZUR])
def test_forward_weighted_inputs_activations_and_loss(name: str) -> None:
    data = example(name)
    _, loss, nodes = forward_and_backward(data)
    expected, tolerance = data["expected"], data["expected"]["tolerance"]
    assert_nested_close(per_layer(nodes, "z", expected["z"], "data"), expected["z"], tolerance)
    assert_nested_close(per_layer(nodes, "a", expected["a"], "data"), expected["a"], tolerance)
    assert abs(loss.data - expected["loss"]) <= tolerance


@pytest.mark.parametrize("name", [SEED001, MAZUR])
def test_one_sgd_step_gives_the_published_weights_and_biases(name: str) -> None:
    data = example(name)
    model, _, _ = forward_and_backward(data)
    sgd_step(model, data["learning_rate"])
    expected = data["expected"]
    assert_nested_close(weight_matrices(model), expected["updated_weights"], expected["tolerance"])
    if "updated_biases" in expected:  # Mazur's article keeps its biases fixed, so publishes none
        assert_nested_close(bias_lists(model), expected["updated_biases"], expected["tolerance"])


# ------------------------------------------------------------------------ seed 001


def test_seed001_deltas_are_the_gradients_at_z_and_shrink_toward_the_input() -> None:
    data = example(SEED001)
    _, _, nodes = forward_and_backward(data)
    expected = data["expected"]
    deltas = per_layer(nodes, "z", expected["delta"], "grad")
    assert_nested_close(deltas, expected["delta"], expected["tolerance"])
    largest = [max(abs(d) for d in layer) for layer in deltas]
    assert largest[0] < largest[1] < largest[2]  # vanishing gradients, as the article points out


def test_seed001_bias_gradients_equal_the_deltas() -> None:
    data = example(SEED001)
    model, _, nodes = forward_and_backward(data)
    for k, neuron in enumerate(model.layers[0].neurons, start=1):
        assert neuron.b.grad == nodes[f"z[1]_{k}"].grad


def test_seed001_output_rises_from_0_6718_to_0_6981_after_one_step() -> None:
    data = example(SEED001)
    model, _, _ = forward_and_backward(data)
    before = model(data["input"]).data
    sgd_step(model, data["learning_rate"])
    after = model(data["input"])
    expected = data["expected"]
    assert abs(before - expected["a"][-1][0]) <= expected["tolerance"]
    assert abs(after.data - expected["output_after_step"][0]) <= expected["tolerance"]
    assert (round(before, 4), round(after.data, 4)) == (0.6718, 0.6981)  # the article's printed numbers
    loss_after = losses.bce([after], [data["target"]]).data
    assert abs(loss_after - expected["loss_after_step"]) <= expected["tolerance"]


# ------------------------------------------------------------------------ Mazur 2-2-2


def test_mazur_gradients_of_w5_and_w1() -> None:
    data = example(MAZUR)
    model, _, _ = forward_and_backward(data)
    tolerance = data["expected"]["tolerance"]
    w5 = model.layers[1].neurons[0].w[0]  # hidden h1 -> output o1
    w1 = model.layers[0].neurons[0].w[0]  # input i1 -> hidden h1
    assert (w5.name, w1.name) == ("w[2]_11", "w[1]_11")
    assert abs(w5.grad - data["expected"]["grad_w5"]) <= tolerance
    assert abs(w1.grad - data["expected"]["grad_w1"]) <= tolerance


# ------------------------------------------------------------------------ files


def test_mlp_load_builds_the_example_networks_from_the_files_alone() -> None:
    for name in (SEED001, MAZUR):
        assert MLP.load(EXAMPLES / name).state_dict() == build(example(name)).state_dict()
    assert math.isclose(MLP.load(EXAMPLES / SEED001)(example(SEED001)["input"]).data, 0.671846, abs_tol=1e-6)

"""Spec files (`nn.spec`): the shipped examples load, and every kind of mistake is named by its JSON path."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from nn.teaching.spec import SpecError, load_spec, parse_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"

VALID = {
    "layers": [
        {"activation": "sigmoid", "weights": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], "biases": [0.0, 0.1, 0.2]},
        {"activation": "sigmoid", "weights": [[0.7, 0.8, 0.9]], "biases": None},
    ],
    "input": [1.0, 0.0],
    "target": [1.0],
    "loss": "bce",
    "learning_rate": 0.5,
}


def spec_with(**changes) -> dict:
    """VALID with top-level keys replaced (a value of None deletes the key)."""
    data = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    return data


def error_of(data: object) -> str:
    with pytest.raises(SpecError) as caught:
        parse_spec(data)
    return str(caught.value)


@pytest.mark.parametrize("name", ["yehoshua_2023_two_hidden_layers.json", "mazur_2015_2_2_2.json", "wakui_pixel_digits_step.json"])
def test_every_shipped_example_loads(name):
    spec = load_spec(EXAMPLES / name)
    assert spec.model().nin == len(spec.inputs[0])


def test_a_single_example_is_a_batch_of_one():
    spec = parse_spec(VALID)
    assert (spec.inputs, spec.targets, spec.batch) == ([[1.0, 0.0]], [[1.0]], False)
    assert (spec.steps, spec.reduction) == (1, "sum")


def test_a_bare_number_is_the_target_of_a_single_output():
    assert parse_spec(spec_with(target=1)).targets == [[1.0]]


def test_a_softmax_output_with_cross_entropy_becomes_logits():
    data = spec_with(loss="cross_entropy", target=[0, 1])
    data["layers"][1] = {"activation": "softmax", "weights": [[0.7, 0.8, 0.9], [0.1, 0.2, 0.3]], "biases": None}
    assert parse_spec(data).model().layers[-1].activation == "linear"


def test_the_descriptive_keys_are_kept_and_not_computed_with():
    spec = parse_spec(spec_with(name="n", source="s", notes="x", expected={"loss": 1}))
    assert (spec.name, spec.source, spec.notes, spec.expected) == ("n", "s", "x", {"loss": 1})


# ---------------------------------------------------------------- errors, each naming the JSON path


def test_a_weight_row_of_the_wrong_length_names_the_row():
    data = copy.deepcopy(VALID)
    data["layers"][1]["weights"][0] = [0.7, 0.8]
    assert error_of(data) == "layers[1].weights[0]: expected 3 numbers, got 2"


def test_an_unknown_activation_names_the_layer():
    data = copy.deepcopy(VALID)
    data["layers"][0]["activation"] = "sigmod"
    assert error_of(data).startswith("layers[0].activation: unknown activation 'sigmod'")


def test_an_unknown_loss_is_named():
    assert error_of(spec_with(loss="l1")).startswith("loss: unknown loss 'l1'; valid names are 'mse', 'half_sse'")


def test_a_target_of_the_wrong_size_is_named():
    assert error_of(spec_with(target=[1.0, 0.0])) == "target: expected 1 number (one per output neuron), got 2"


def test_a_batch_target_of_the_wrong_size_names_its_position():
    data = spec_with(input=None, target=None, inputs=[[1, 0], [0, 1]], targets=[[1], [0, 1]])
    assert error_of(data) == "targets[1]: expected 1 number (one per output neuron), got 2"


def test_an_input_of_the_wrong_size_is_named():
    assert error_of(spec_with(input=[1.0])) == "input: expected 2 numbers (one per network input), got 1"


def test_a_non_number_input_names_its_position():
    assert error_of(spec_with(input=[1.0, "a"])) == "input[1]: expected a number, got str 'a'"


def test_a_non_number_weight_names_its_position():
    data = copy.deepcopy(VALID)
    data["layers"][0]["weights"][2][1] = "0.6"
    assert error_of(data) == "layers[0].weights[2][1]: expected a number, got str '0.6'"


def test_a_non_number_learning_rate_is_named():
    assert error_of(spec_with(learning_rate="fast")) == "learning_rate: expected a number, got str 'fast'"


@pytest.mark.parametrize("key", ["layers", "loss", "learning_rate"])
def test_a_missing_key_is_named(key):
    assert error_of(spec_with(**{key: None})) == f"{key}: missing key"


def test_a_missing_layer_key_names_the_layer():
    data = copy.deepcopy(VALID)
    del data["layers"][1]["biases"]
    assert error_of(data) == "layers[1]: missing key 'biases'"


def test_a_missing_input_is_named():
    assert error_of(spec_with(input=None)) == "input: missing key (or 'inputs' for a batch)"


def test_input_and_inputs_together_are_refused():
    assert error_of(spec_with(inputs=[[1, 0]])).startswith("inputs: give either 'input' (one example) or 'inputs'")


def test_a_batch_needs_targets_not_target():
    data = spec_with(input=None, inputs=[[1, 0]])
    assert error_of(data) == "target: the spec gives 'inputs', so give 'targets' to match"


def test_a_batch_with_too_few_targets_is_named():
    data = spec_with(input=None, target=None, inputs=[[1, 0], [0, 1]], targets=[[1]])
    assert error_of(data) == "targets: expected 2 targets (one per example in inputs), got 1"


def test_an_unknown_key_is_named():
    assert error_of(spec_with(learning_rat=0.5)).startswith("learning_rat: unknown key")


def test_a_bias_list_of_the_wrong_length_is_named():
    data = copy.deepcopy(VALID)
    data["layers"][0]["biases"] = [0.0]
    assert error_of(data) == "layers[0].biases: expected 3 biases (one per row of weights), got 1"


def test_a_hidden_softmax_layer_is_refused():
    data = copy.deepcopy(VALID)
    data["layers"][0]["activation"] = "softmax"
    assert error_of(data).startswith("layers[0].activation: 'softmax' normalises across a layer")


def test_a_loss_that_does_not_fit_the_output_activation_names_the_output_layer():
    data = copy.deepcopy(VALID)
    data["layers"][1]["activation"] = "relu"
    assert (
        error_of(data)
        == "layers[1].activation: the loss 'bce' needs an output activation of 'sigmoid' or 'softmax', got 'relu'"
    )


def test_a_target_outside_the_losss_range_is_named():
    assert error_of(spec_with(target=[2.0])) == "target: binary cross-entropy targets must lie in [0, 1], got 2.0"


def test_a_hinge_label_that_is_not_plus_or_minus_one_names_its_example():
    data = spec_with(loss="hinge", input=None, target=None, inputs=[[1, 0], [0, 1]], targets=[[1], [0]])
    data["layers"][1]["activation"] = "linear"
    assert error_of(data).startswith("targets[1]: hinge labels must be -1 or +1, got 0.0")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"learning_rate": -0.1}, "learning_rate: expected a positive number, got -0.1"),
        ({"steps": 0}, "steps: expected a whole number from 1 to 1000, got int 0"),
        ({"steps": 10**30}, "steps: expected a whole number from 1 to 1000, got int 1000000000000000000000000000000"),
        (
            {"loss": ["bce"]},
            "loss: unknown loss ['bce']; valid names are 'mse', 'half_sse', 'bce', 'bce_with_logits', "
            "'cross_entropy', 'hinge'",
        ),
        ({"reduction": "avg"}, "reduction: expected 'sum' or 'mean', got str 'avg'"),
        ({"name": 3}, "name: expected a string, got int 3"),
    ],
)
def test_bad_optional_values_are_named(changes, message):
    assert error_of(spec_with(**changes)) == message


def test_a_spec_that_is_not_an_object_is_refused():
    assert error_of([1, 2]).startswith("(top level): expected a JSON object")


def test_a_file_that_is_not_json_names_the_file_and_the_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "layers": [,\n}')
    with pytest.raises(SpecError, match=r"broken.json: not valid JSON: .* at line 2, column 14"):
        load_spec(path)


def test_a_file_error_names_the_file_before_the_json_path(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec_with(loss="l1")))
    with pytest.raises(SpecError, match=r"^.*spec.json: loss: unknown loss 'l1'"):
        load_spec(path)


def test_a_missing_file_is_a_spec_error(tmp_path):
    with pytest.raises(SpecError, match="cannot read the file"):
        load_spec(tmp_path / "absent.json")


def test_load_spec_is_reachable_as_the_readme_writes_it():
    import nn

    spec = nn.spec.load_spec(EXAMPLES / "mazur_2015_2_2_2.json")
    assert spec.loss == "half_sse" and spec.name is not None and spec.name.startswith("Mazur (2015)")


def test_a_misspelt_key_is_named_with_the_key_it_was_probably_meant_to_be():
    data = copy.deepcopy(VALID)
    data["layers"][0]["bias"] = data["layers"][0].pop("biases")
    assert error_of(data) == "layers[0].bias: unknown key (did you mean 'biases'?); a layer has activation, biases, weights"
    assert error_of(spec_with(learnig_rate=0.5, learning_rate=None)).startswith(
        "learnig_rate: unknown key (did you mean 'learning_rate'?)"
    )


def test_cross_entropy_targets_may_be_class_indices_as_the_loss_takes_them():
    layers = [{"activation": "linear", "weights": [[0.1, 0.2], [0.3, -0.1], [-0.2, 0.2]], "biases": [0.0, 0.1, 0.0]}]
    base = {"layers": layers, "loss": "cross_entropy", "learning_rate": 0.5}
    by_index = parse_spec({**base, "inputs": [[1.0, 0.0], [0.0, 1.0]], "targets": [2, 0]})
    one_hot = parse_spec({**base, "inputs": [[1.0, 0.0], [0.0, 1.0]], "targets": [[0, 0, 1], [1, 0, 0]]})
    assert by_index.targets == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]] == one_hot.targets
    assert by_index.derive().steps[0].weight_gradients == one_hot.derive().steps[0].weight_gradients
    assert error_of({**base, "input": [1.0, 0.0], "target": 3}) == (
        "target: class index 3 is out of range for 3 output neurons (0..2)"
    )


@pytest.mark.parametrize("where", ["top", "layer", "mode", "notation"])
def test_a_key_that_is_no_name_is_quoted_after_its_objects_path(tmp_path: Path, where: str) -> None:
    # found by the CLI fuzz test: an empty key once gave the path "layers[0].:", which names nothing
    spec = json.loads((EXAMPLES / "mazur_2015_2_2_2.json").read_text(encoding="utf-8"))
    target = {"top": spec, "layer": spec["layers"][0], "mode": None, "notation": None}[where]
    if target is None:
        spec[where] = {"": 1} if where == "notation" else {"name": "batch", "": 1}
        expected = f"{where} key '': unknown key"
    else:
        target[""] = 1
        expected = "(top level) key '': unknown key" if where == "top" else "layers[0] key '': unknown key"
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(SpecError, match=re.escape(expected)):
        load_spec(path)

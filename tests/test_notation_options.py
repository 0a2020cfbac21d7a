"""Notation options: the same derivation written with a textbook's conventions, every number unchanged.

Oracles: the derivation in BACKPROP.md's notation (the numbers must not move),
Mazur's 2-2-2 network whose weights are known by position, and the batch
matrices worked in plain floats in this file for the (in, out) layout.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from nn import MLP
from nn.teaching.derive import derive
from nn.teaching.matrix_form import matrix_blocks
from nn.teaching.notation_options import Notation
from nn.teaching.spec import SpecError, load_spec, parse_spec
from scalargrad.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"
MAZUR = EXAMPLES / "mazur_2015_2_2_2.json"


def mazur(**notation):
    return dataclasses.replace(load_spec(MAZUR), notation=Notation.parse(notation)).derive()


def test_notation_changes_the_words_and_never_a_number():
    plain, written = mazur(), mazur(input_layer=1, rate="eta", cost="E", weights="w_jk")
    assert written.to_dict()["steps"] == plain.to_dict()["steps"]
    numbers = re.compile(r"-?\d+\.\d+")
    assert numbers.findall(str(written).split("Step 1 of 1")[1]) == numbers.findall(str(plain).split("Step 1 of 1")[1])


def test_layers_numbered_from_one_make_the_input_layer_1():
    text = str(mazur(input_layer=1))
    assert "Forward, layer 2 (sigmoid), input a[1] = x = [0.05, 0.1]" in text
    assert "z[2]_1 = w[2]_11·a[1]_1 + w[2]_12·a[1]_2 + b[2]_1" in text
    assert "Conventions: the input is a[1] (layer 1)" in text
    assert "a[0]" not in text and "w[1]" not in text


def test_eta_and_e_replace_alpha_and_c():
    text = str(mazur(rate="η", cost="E"))
    assert "Learning rate: η = 0.5" in text and "w ← w − η·∂E/∂w" in text
    assert "α" not in text.split("Conventions")[0] and "∂C/" not in text
    assert "∂E/∂w[2]_11 = δ[2]_1 · a[1]_1" in text


def test_w_jk_names_the_sending_neuron_first():
    """Mazur's w2 joins input 2 to hidden neuron 1 and is 0.2: w[1]_12 with k first, w[1]_21 with j first."""
    kj, jk = str(mazur()), str(mazur(weights="w_jk"))
    assert "w[1]_12 ← 0.2 − 0.5 × 0.000877135" in kj
    assert "w[1]_21 ← 0.2 − 0.5 × 0.000877135" in jk
    assert "δ[1]_k = (Σ_m δ[2]_m · w[2]_km)" in jk


def test_w_jk_with_ten_neurons_keeps_the_comma_rule():
    model = MLP(11, [2], activation="tanh", seed=1)
    text = str(derive(model, [0.1] * 11, [0.0, 1.0], "half_sse", 0.1, notation={"weights": "w_jk"}))
    assert "∂C/∂w[1]_11,1 = δ[1]_1 · a[0]_11" in text  # from input 11 into neuron 1


def test_the_matrix_form_in_the_in_out_layout_is_z_equals_a_w_plus_b():
    w = [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.25]]  # w_kj: 3 neurons × 2 inputs
    xs, ys = [[0.5, -1.0], [1.5, 0.25]], [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]
    model = MLP.from_weights([w], [[0.0, 0.0, 0.0]], activations=["linear"])
    derivation = derive(model, xs, ys, "half_sse", 0.1, form="matrix", notation={"weights": "w_jk"})
    forward, backward = matrix_blocks(derivation, derivation.steps[0])
    shown = {eq.parts[0].split(" =")[0]: eq.parts[-1] for eq in forward.matrices + backward.matrices}
    assert shown["W[1]"] == [[0.3, 0.1, -0.5], [-0.2, 0.4, 0.25]]  # (in, out)
    z = [[sum(x[j] * w[k][j] for j in range(2)) for k in range(3)] for x in xs]
    delta = [[z[n][k] - ys[n][k] for k in range(3)] for n in range(2)]
    dw_in_out = [[sum(xs[n][j] * delta[n][k] for n in range(2)) for k in range(3)] for j in range(2)]
    assert shown["∂C/∂W[1]"] == [pytest.approx(r, rel=1e-13) for r in dw_in_out]
    text = str(derivation)
    assert "Z[1] = A[0] W[1] + b[1] =" in text and "∂C/∂W[1] = (A[0])ᵀ Δ[1] =" in text


def test_latex_with_eta_e_and_layers_from_one_compiles(compile_latex):
    compile_latex(mazur(input_layer=1, rate="eta", cost="E", weights="w_jk").to_latex())


@pytest.mark.parametrize(
    ("notation", "message"),
    [
        ({"input_layer": 2}, "notation.input_layer: expected 0 (input = a[0]) or 1"),
        ({"rate": "gamma"}, "notation.rate: expected 'alpha' or 'eta'"),
        ({"cost": "J"}, "notation.cost: expected one of 'C', 'E', 'L'"),
        ({"weights": "kj"}, "notation.weights: expected 'w_kj'"),
        ({"layers": 1}, "notation.layers: unknown key"),
    ],
)
def test_a_bad_notation_is_refused_by_its_json_path(notation, message):
    data = json.loads(MAZUR.read_text())
    with pytest.raises(SpecError, match="^" + re.escape(message)):
        parse_spec({**data, "notation": notation})


def test_cli_options_override_the_spec_notation(capsys):
    code = main(["derive", str(MAZUR), "--input-layer", "1", "--rate-symbol", "eta", "--cost-symbol", "L", "--weights", "w_jk"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Learning rate: η = 0.5" in out and "∂L/∂w[2]_21" in out and "input a[1] = x" in out

"""`derive(..., form='matrix')`: the step with W[l], δ[l] and, for a batch, one row per example.

Oracles: Mazur's published gradients for his 2-2-2 network ("A Step by Step
Backpropagation Example", 2015: ∂E/∂w1 = 0.000438568, ∂E/∂w5 = 0.082167041);
the matrix products worked out in plain floats in this file for a batch.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest

from nn import MLP
from nn.teaching.blocks import MatrixEquation
from nn.teaching.derive import derive
from nn.teaching.matrix_form import MatrixMismatchError, matrix_blocks
from nn.teaching.spec import SpecError, load_spec, parse_spec
from scalargrad.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"


def results(block) -> dict[str, list[list[float]]]:
    """Each matrix equation's left side (up to its first '=') and the matrix after its last '='."""
    found = {}
    for equation in block.matrices:
        assert isinstance(equation, MatrixEquation)
        name = equation.parts[0].split(" =")[0]
        found[name] = equation.parts[-1]
    return found


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_mazur_gradients_in_matrix_form_match_the_article():
    derivation = load_spec(EXAMPLES / "mazur_2015_2_2_2.json").derive()
    forward, backward = matrix_blocks(derivation, derivation.steps[0])
    gradients = results(backward)
    assert gradients["∂C/∂W[1]"][0][0] == pytest.approx(0.000438568, abs=1e-9)  # w1
    assert gradients["∂C/∂W[2]"][0][0] == pytest.approx(0.082167041, abs=1e-9)  # w5
    assert [row[0] for row in results(forward)["z[1]"]] == pytest.approx([0.3775, 0.3925], abs=1e-12)


def test_a_batch_in_matrix_form_equals_the_products_worked_in_plain_floats():
    w1 = [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.25]]
    b1 = [0.05, -0.1, 0.15]
    w2 = [[0.6, -0.35, 0.2]]
    b2 = [0.1]
    xs = [[0.5, -1.0], [1.5, 0.25], [-0.75, 0.8]]
    ys = [0.2, 0.9, 0.4]
    model = MLP.from_weights([w1, w2], [b1, b2], activations=["tanh", "sigmoid"])
    derivation = derive(model, xs, ys, "half_sse", 0.1, reduction="mean", form="matrix")
    forward, backward = matrix_blocks(derivation, derivation.steps[0])
    # plain floats: Z1 = X W1ᵀ + b1, A1 = tanh, Z2 = A1 W2ᵀ + b2, o = σ
    z1 = [[sum(x[j] * w1[k][j] for j in range(2)) + b1[k] for k in range(3)] for x in xs]
    a1 = [[math.tanh(z) for z in row] for row in z1]
    z2 = [[sum(a[j] * w2[0][j] for j in range(3)) + b2[0]] for a in a1]
    o = [[sigmoid(row[0])] for row in z2]
    delta2 = [[(o[n][0] - ys[n]) * o[n][0] * (1 - o[n][0])] for n in range(3)]
    delta1 = [[delta2[n][0] * w2[0][k] * (1 - a1[n][k] ** 2) for k in range(3)] for n in range(3)]
    dw1 = [[sum(delta1[n][k] * xs[n][j] for n in range(3)) / 3 for j in range(2)] for k in range(3)]
    db1 = [[sum(delta1[n][k] for n in range(3)) / 3 for k in range(3)]]
    dw2 = [[sum(delta2[n][0] * a1[n][j] for n in range(3)) / 3 for j in range(3)]]
    found = {**results(forward), **results(backward)}
    assert found["Z[1]"] == [pytest.approx(row, rel=1e-13) for row in z1]
    assert found["Z[2]"] == [pytest.approx(row, rel=1e-13) for row in z2]
    assert found["Δ[2]"] == [pytest.approx(row, rel=1e-12) for row in delta2]
    assert found["Δ[1]"] == [pytest.approx(row, rel=1e-12) for row in delta1]
    assert found["∂C/∂W[1]"] == [pytest.approx(row, rel=1e-12) for row in dw1]
    assert found["∂C/∂b[1]"] == [pytest.approx(row, rel=1e-12) for row in db1]
    assert found["∂C/∂W[2]"] == [pytest.approx(row, rel=1e-12) for row in dw2]


def test_a_matrix_entry_that_differs_from_the_per_neuron_number_is_an_error():
    derivation = load_spec(EXAMPLES / "mazur_2015_2_2_2.json").derive()
    record = derivation.steps[0]
    example = record.examples[0]
    wrong_z = [[example.z[0][0] + 1e-3, example.z[0][1]], example.z[1]]
    tampered = dataclasses.replace(record, examples=[dataclasses.replace(example, z=wrong_z)])
    with pytest.raises(MatrixMismatchError, match=r"z\[1\]_1 of example 1"):
        matrix_blocks(derivation, tampered)


def test_text_writes_the_matrices_between_brackets():
    derivation = derive(
        MLP.from_weights([[[0.15, 0.2], [0.25, 0.3]]], [[0.35, 0.35]], activations=["sigmoid"]),
        [0.05, 0.1],
        [0.01, 0.99],
        "half_sse",
        0.5,
        form="matrix",
    )
    text = str(derivation)
    assert "z[1] = W[1] a[0] + b[1] = ⎡ 0.15  0.2 ⎤ ⎡ 0.05 ⎤ + ⎡ 0.35 ⎤ = ⎡ 0.3775 ⎤" in text
    assert "                          ⎣ 0.25  0.3 ⎦ ⎣  0.1 ⎦   ⎣ 0.35 ⎦   ⎣ 0.3925 ⎦" in text
    assert "every entry equals the per-neuron number of the same step (checked)" in text


@pytest.mark.parametrize("spec", ["mazur_2015_2_2_2.json", "wakui_pixel_digits_step.json"])
def test_matrix_form_latex_compiles(spec, compile_latex):
    compile_latex(dataclasses.replace(load_spec(EXAMPLES / spec), form="matrix").derive().to_latex())


def test_matrix_form_markdown_puts_matrices_in_code_blocks():
    markdown = dataclasses.replace(load_spec(EXAMPLES / "mazur_2015_2_2_2.json"), form="matrix").derive().to_markdown()
    assert "```text\nz[1] = W[1] a[0] + b[1] = ⎡ 0.15  0.2 ⎤" in markdown


def test_spec_and_cli_choose_the_form(tmp_path, capsys):
    data = json.loads((EXAMPLES / "mazur_2015_2_2_2.json").read_text())
    with pytest.raises(SpecError, match="^form: expected one of 'neuron', 'matrix', 'both', got str 'tensor'"):
        parse_spec({**data, "form": "tensor"})
    assert parse_spec({**data, "form": "matrix"}).derive().form == "matrix"
    code = main(["derive", str(EXAMPLES / "mazur_2015_2_2_2.json"), "--form", "matrix"])
    assert code == 0 and "∂C/∂W[2] = δ[2] (a[1])ᵀ =" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["derive", str(EXAMPLES / "mazur_2015_2_2_2.json"), "--form", "tensor"])
    assert exit_info.value.code == 2 and "--form: invalid choice: 'tensor'" in capsys.readouterr().err


def test_form_both_writes_the_sums_and_then_the_matrices():
    text = str(dataclasses.replace(load_spec(EXAMPLES / "mazur_2015_2_2_2.json"), form="both").derive())
    sums = text.index("∂C/∂w[1]_11 = δ[1]_1 · a[0]_1")
    matrices = text.index("∂C/∂W[1] = δ[1] (a[0])ᵀ =")
    assert sums < matrices < text.index("Update (gradient descent)")


def test_a_matrix_too_wide_for_a_line_is_written_in_slices_of_columns():
    text = str(dataclasses.replace(load_spec(EXAMPLES / "wakui_pixel_digits_step.json"), form="both").derive())
    assert "(columns 1–9)" in text and "(columns 10–12)" in text
    assert max(len(line) for line in text.splitlines()) <= 100

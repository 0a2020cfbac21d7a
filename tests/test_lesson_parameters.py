"""Expression lessons move only the parameters: inputs stay, the page says which is which and shows the new output."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from autograd import Value, lesson
from autograd.notation import is_parameter_name
from autograd.views.draw import node_ids
from scalargrad.cli import main

NEURON = ["tanh(x1*w1 + x2*w2 + b)", "--var", "x1=2", "--var", "x2=0", "--var", "w1=-3", "--var", "w2=1"]
B = 6.8813735870195432


def _steps(path: Path) -> list[dict]:
    match = re.search(r'<script type="application/json" id="lesson-data">(.*?)</script>', path.read_text(), re.S)
    assert match is not None
    return json.loads(match.group(1))["steps"]


def test_the_neuron_lesson_moves_the_weights_and_the_bias_and_leaves_the_inputs(tmp_path):
    page = tmp_path / "neuron.html"
    assert main(["lesson", *NEURON, "--var", f"b={B}", "--learning-rate", "0.1", "-o", str(page)]) == 0
    steps = _steps(page)
    moved = [s["equation"].split(" ←")[0] for s in steps if s["phase"] == "update"]
    assert moved == ["w1", "w2", "b"]
    start = " ".join(steps[0]["details"])
    assert "Parameters, which gradient descent moves: w1, w2 and b." in start
    assert "The data, which stays as given: x1 and x2." in start
    # the output after the step, computed here: tanh(x1·w1' + x2·w2' + b') with the gradients of tanh
    o = math.tanh(2 * -3 + 0 * 1 + B)
    local = 1 - o * o
    w1, w2, b = -3 - 0.1 * local * 2, 1 - 0.1 * local * 0, B - 0.1 * local
    after = math.tanh(2 * w1 + 0 * w2 + b)
    end = steps[-1]
    assert end["phase"] == "end" and end["table"][-1] == ["L", f"{o:.6g} → {after:.6g}"]
    assert "gradient descent on L itself" in " ".join(end["details"])


def test_textbook_names_and_declared_parameters_are_accepted_on_the_command_line(tmp_path):
    page = tmp_path / "p.html"
    arguments = ["tanh(x*w[1]_11 + b[1]_1)", "--var", "x=2", "--var", "w[1]_11=-0.5", "--var", "b[1]_1=0.1"]
    assert main(["lesson", *arguments, "--learning-rate", "0.1", "-o", str(page)]) == 0
    assert [s["equation"].split(" ←")[0] for s in _steps(page) if s["phase"] == "update"] == ["w[1]_11", "b[1]_1"]
    assert main(["lesson", "x*y + x", "--var", "x=3", "--param", "y=4", "--learning-rate", "0.1", "-o", str(page)]) == 0
    assert [s["equation"].split(" ←")[0] for s in _steps(page) if s["phase"] == "update"] == ["y"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x*y", "--var", "x=1", "--var", "y=2", "--learning-rate", "0.1"], "no parameters to update"),
        (["x*y", "--var", "x=1", "--param", "x=2", "--var", "y=1"], "--param x: x is also given with --var"),
        (["x*2", "--var", "x=1", "--param", "w=2"], "--param w: 'w' does not occur"),
    ],
)
def test_lessons_without_parameters_or_with_clashing_ones_exit_2(tmp_path, capsys, arguments, message):
    assert main(["lesson", *arguments, "-o", str(tmp_path / "l.html")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "l.html").exists()


@pytest.mark.parametrize("name", ["w", "w1", "b", "b2", "w_out", "bias", "w[1]_11", "b[2]_1", "weight"])
def test_names_that_read_as_parameters(name):
    assert is_parameter_name(name)


@pytest.mark.parametrize("name", ["x", "x1", "y", "out", "a[1]_1", "z[2]_1", "wx", None])
def test_names_that_read_as_data(name):
    assert not is_parameter_name(name)


def test_no_step_computes_the_gradient_of_a_constant():
    w = Value(0.5, name="w")
    root = (1.0 - w) * 3.0
    ids = node_ids(root)
    constants = {ids[node] for node in ids if not node.parents and node.name is None}
    steps = lesson(root).data["steps"]
    backward = [s for s in steps if s["phase"] == "backward"]
    assert len(constants) == 2 and backward
    assert not [s for s in backward if s["focus"] in constants]
    assert all(not any(c in s["equation"] for c in ("∂L/∂v1 ", "∂L/∂v4 ")) for s in backward)
    assert "2 chain-rule steps" in " ".join(steps[0]["details"])  # (1 − w)·3: into 1 − w, then into w

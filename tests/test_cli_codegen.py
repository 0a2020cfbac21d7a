"""`scalargrad codegen SPEC.json`: the printed code is the spec's backward pass, and it runs.

Oracle: the eager engine's ``.grad`` after ``loss.backward()`` on the spec's
network, and the published numbers of the seed 001 example.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from scalargrad.cli import main
from nn.teaching.spec import load_spec
from tests.spec_engine import engine_run

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"
SEED001 = EXAMPLES / "yehoshua_2023_two_hidden_layers.json"


def generated_function(text: str):
    namespace: dict = {"__name__": "generated"}
    exec(text, namespace)
    return namespace["forward_and_backward"]


@pytest.mark.parametrize("spec_file", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.stem)
def test_printed_code_computes_the_engines_loss_and_gradients(
    spec_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["codegen", str(spec_file)]) == 0
    forward_and_backward = generated_function(capsys.readouterr().out)
    engine = engine_run(spec_file)
    value, input_gradients, gradients, _ = forward_and_backward(engine.inputs, engine.parameters)
    assert input_gradients is None
    assert value == pytest.approx(engine.loss, rel=1e-12)
    assert list(gradients) == pytest.approx(engine.gradients, rel=1e-12, abs=1e-15)


def test_seed001_code_reads_like_the_delta_rule(capsys: pytest.CaptureFixture[str]) -> None:
    main(["codegen", str(SEED001)])
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "z1_1 = w1_11 * x_1 + w1_12 * x_2 + b1_1" in lines
    assert "delta3_1 = a3_1 * (1.0 - a3_1) * grad_a3_1  # ∂σ(a)/∂a = σ(a)·(1 − σ(a)) = out·(1 − out)" in lines
    assert "grad_w3_11 = delta3_1 * a2_1  # ∂(a·b)/∂a = b" in lines


def test_written_script_runs_the_published_step(tmp_path: Path) -> None:
    """seed 001: output 0.6718 before the step, so C = −ln 0.6718 (Yehoshua, 2023)."""
    script = tmp_path / "step.py"
    assert main(["codegen", str(SEED001), "-o", str(script)]) == 0
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    first_line = run.stdout.splitlines()[0]
    loss = float(first_line.split("C = ")[1])
    assert loss == pytest.approx(-math.log(0.6718), abs=1e-4)


def test_input_gradients_flag_adds_the_input_gradients(capsys: pytest.CaptureFixture[str]) -> None:
    main(["codegen", str(SEED001), "--input-gradients"])
    forward_and_backward = generated_function(capsys.readouterr().out)
    spec = load_spec(SEED001)
    _, input_gradients, _, _ = forward_and_backward(spec.inputs[0], [p.data for p in spec.model().parameters()])
    assert len(input_gradients) == 2


def test_a_bad_spec_exits_2_naming_the_json_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = json.loads(SEED001.read_text(encoding="utf-8"))
    spec["learning_rate"] = -1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    assert main(["codegen", str(path)]) == 2
    assert "learning_rate: expected a positive number" in capsys.readouterr().err


def test_an_output_in_a_missing_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codegen", str(SEED001), "-o", str(tmp_path / "missing" / "step.py")]) == 2
    assert "does not exist" in capsys.readouterr().err

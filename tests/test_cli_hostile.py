"""Every command refuses malformed input with one line and exit code 2: no traceback, no hang, the culprit named.

A Hypothesis fuzz test mutates a valid spec at random JSON paths and writes
random expressions; the named cases are the ones an adversarial review found.
"""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scalargrad.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"
SEED001 = EXAMPLES / "yehoshua_2023_two_hidden_layers.json"
SPEC = json.loads(SEED001.read_text(encoding="utf-8"))


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The exit code and stderr of the command; an exception escaping `main` (a traceback) fails the test."""
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's usage errors
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err


# ---------------------------------------------------------------- the cases the review found


@pytest.mark.parametrize("command", [["graph", "sqrt(x)", "--var", "x=0"], ["lesson", "sqrt(x)", "--var", "x=0"]])
def test_an_undefined_derivative_exits_2_naming_the_expression(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suffix = ".html" if command[0] == "lesson" else ".svg"
    code, err = run([*command, "-o", str(tmp_path / f"out{suffix}")], capsys)
    assert code == 2
    assert "sqrt" in err and "undefined or infinite" in err and "Traceback" not in err


@pytest.mark.parametrize("expression", ["-x", "-log(x)", "-x*-x"])
def test_an_expression_that_starts_with_a_minus_is_the_expression(
    expression: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(["graph", expression, "--var", "x=0.5", "-o", str(tmp_path / "g.dot")], capsys)
    assert code == 0
    assert (tmp_path / "g.dot").exists()


def test_an_unknown_long_option_is_still_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["graph", "x", "--var", "x=1", "--colour", "-o", str(tmp_path / "g.dot")], capsys)
    assert code == 2 and "--colour" in err


@pytest.mark.parametrize(
    ("expression", "message"),
    [("1e999*x", "the number 1e999 is too large"), ("1e200*x*x", "overflows to inf"), ("exp(x*1000)", "too large")],
)
def test_an_overflow_in_an_expression_exits_2(
    expression: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(["graph", expression, "--var", "x=1e200", "-o", str(tmp_path / "g.dot")], capsys)
    assert code == 2 and message in err


def _spec_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "spec.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


BAD_FILES = {
    "an integer too large for a float": (json.dumps({**SPEC, "learning_rate": 10**320})[:-1] + "}", "learning_rate"),
    "an integer of 5,000 digits": (json.dumps(SPEC)[:-1] + ', "notes": ' + "7" * 5000 + "}", "5000 digits"),
    "JSON nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "a list as the loss": (json.dumps({**SPEC, "loss": ["bce"]}), "loss: unknown loss ['bce']"),
    "10**30 steps": (json.dumps({**SPEC, "steps": 10**30}), "steps: expected a whole number from 1 to 1000"),
    "a float too large": (json.dumps(SPEC)[:-1] + ', "learning_rate": 1e999}', "learning_rate"),
}


@pytest.mark.parametrize("command", ["derive", "codegen", "lesson"])
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_malformed_spec_file_exits_2_naming_the_key(
    command: str, case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, named = BAD_FILES[case]
    path = _spec_file(tmp_path, text)
    extra = ["-o", str(tmp_path / "out.html")] if command == "lesson" else []
    code, err = run([command, path, *extra], capsys)
    assert code == 2
    assert err.startswith(f"scalargrad: error: {path}: ") and named in err


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "folder"])
@pytest.mark.parametrize("command", ["derive", "codegen"])
def test_a_spec_path_that_is_no_regular_file_is_refused_without_reading(
    special: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = special
    if special == "fifo":
        path = str(tmp_path / "spec.json")
        os.mkfifo(path)  # opening it for reading would block until a writer comes
    elif special == "folder":
        path = str(tmp_path)
    code, err = run([command, path], capsys)
    assert code == 2 and "not a regular file" in err


def test_derive_refuses_a_huge_steps_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["derive", str(SEED001), "--steps", "1" + "0" * 30], capsys)
    assert code == 2 and "--steps" in err and "at most 1000" in err


def test_derive_graph_beyond_max_nodes_exits_2_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(["derive", str(SEED001), "--graph", str(tmp_path / "g.dot"), "--max-nodes", "5"], capsys)
    assert code == 2 and err.startswith("scalargrad: error: --graph ") and "5" in err
    assert not (tmp_path / "g.dot").exists()


# ---------------------------------------------------------------- the fuzz test

HOSTILE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.lists(st.integers(-3, 3), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just("\n__import__('os').system('echo hacked')\n"),
)


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every JSON path of `data` (keys and list positions)."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for position, value in enumerate(data):
            found += _paths(value, (*prefix, position))
    return found


PATHS = _paths(SPEC)


@st.composite
def malformed_specs(draw: st.DrawFn) -> dict:
    spec = copy.deepcopy(SPEC)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent = spec
        try:
            for step in path[:-1]:
                parent = parent[step]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(HOSTILE_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
    return spec


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(spec=malformed_specs(), command=st.sampled_from(["derive", "codegen", "lesson"]))
def test_fuzz_malformed_specs_never_end_in_a_traceback(
    spec: dict, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "spec.json")
        Path(path).write_text(json.dumps(spec), encoding="utf-8")
        extra = ["-o", os.path.join(folder, "out.html")] if command == "lesson" else ["-o", os.path.join(folder, "out")]
        code, err = run([command, path, *extra], capsys)
    assert code in (0, 2), err
    if code == 2:
        assert err.startswith(f"scalargrad: error: {path}: "), err
        culprit = err[len(f"scalargrad: error: {path}: ") :]
        assert JSON_PATH.match(culprit) or culprit.startswith(COMPUTATION_FAILED), culprit
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


JSON_PATH = re.compile(r"^(\(top level\)|[a-z_]+(\[\d+\]|\.[a-z_]+)*)[: ]")
"""What a spec error starts with: the JSON path of the bad value, such as ``layers[1].weights[0][2]``."""

COMPUTATION_FAILED = ("the computation failed", "step ")
"""A spec whose every value is valid but whose numbers overflow: the failing step or operation is named."""


EXPRESSION_PIECES = ["x", "y", "2", "0", "1e308", "1e999", "-", "+", "*", "/", "**", "(", ")", ",", " ", "."]
FUNCTION_PIECES = ["sqrt(", "log(", "exp(", "relu(", "abs(", "leaky_relu(", "tanh(", "sin(", "nope("]


@FUZZ
@given(
    pieces=st.lists(st.sampled_from(EXPRESSION_PIECES + FUNCTION_PIECES), min_size=1, max_size=12),
    x=st.sampled_from(["0", "-1", "1e308", "2.5"]),
    command=st.sampled_from(["graph", "lesson"]),
)
def test_fuzz_expressions_never_end_in_a_traceback(
    pieces: list[str], x: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    expression = "".join(pieces)
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "out.html" if command == "lesson" else "out.dot")
        code, err = run([command, expression, "--var", f"x={x}", "--var", "y=1", "-o", output], capsys)
    assert code in (0, 2), err
    if code == 2:
        assert err.startswith("scalargrad: error: ") and "Traceback" not in err

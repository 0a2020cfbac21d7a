"""`scalargrad graph`: pictures by extension, and one-line errors with exit code 2 that leave no file behind."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from scalargrad.cli import main

NEURON = [
    "tanh(x1*w1 + x2*w2 + b)",
    "--var",
    "x1=2",
    "--var",
    "x2=0",
    "--var",
    "w1=-3",
    "--var",
    "w2=1",
    "--var",
    "b=6.8813735870195432",
]


def run_graph(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(["graph", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_graph_writes_the_svg_and_prints_path_value_and_gradients(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    output = tmp_path / "neuron.svg"
    code, out, err = run_graph(capsys, *NEURON, "-o", str(output))
    assert (code, err) == (0, "")
    ET.parse(output)  # valid XML
    # micrograd's lecture: o = 0.7071, do/dx1 = -1.5, do/dw1 = 1
    assert out.splitlines()[:2] == [f"wrote {output}", "value: 0.7071"]
    assert "d/dx1 = -1.5" in out and "d/dw1 = 1" in out


@pytest.mark.parametrize(("extension", "magic"), [(".png", b"\x89PNG"), (".pdf", b"%PDF"), (".dot", b"digraph")])
def test_graph_chooses_the_format_from_the_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extension, magic
):
    output = tmp_path / f"g{extension}"
    code, _, _ = run_graph(capsys, "x*x", "--var", "x=3", "-o", str(output))
    assert code == 0
    assert output.read_bytes().startswith(magic)


def test_no_grad_draws_data_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    output = tmp_path / "g.dot"
    code, out, _ = run_graph(capsys, "x*x", "--var", "x=3", "-o", str(output), "--no-grad")
    assert code == 0 and "grad" not in output.read_text() and "gradients" not in out


def test_highlight_names_a_variable(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    output = tmp_path / "g.dot"
    code, _, _ = run_graph(capsys, "x*y", "--var", "x=3", "--var", "y=2", "-o", str(output), "--highlight", "y")
    assert code == 0 and "penwidth=4" in output.read_text()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x", "--var", "x"], "--var 'x' is not NAME=NUMBER"),
        (["x", "--var", "x=abc"], "'abc' is not a number"),
        (["x", "--var", "x=nan"], "finite number"),
        (["x", "--var", "1x=2"], "is not a variable name"),
        (["x", "--var", "exp=2"], "is the name of a function"),
        (["x", "--var", "x=1", "--var", "x=2"], "--var x is given twice"),
        (["x", "--var", "x=1", "--highlight", "y"], "--highlight y"),
        (["x", "--var", "x=1", "--precision", "0"], "precision"),
    ],
)
def test_bad_options_exit_2_with_one_line_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments, message
):
    output = tmp_path / "g.svg"
    code, out, err = run_graph(capsys, *arguments, "-o", str(output))
    assert code == 2 and out == ""
    assert err.startswith("scalargrad: error:") and message in err
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("expression", "message", "caret_line"),
    [
        (
            "x * y",
            "undefined variable 'y'; the variables given are x (at column 5); give it a value with --var y=NUMBER",
            "      ^",
        ),
        ("x + (1", "'(' at column 5 is never closed", "        ^"),
        ("x $ 1", "unexpected character '$'", "    ^"),
    ],
)
def test_expression_errors_show_a_caret_under_the_culprit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expression, message, caret_line
):
    output = tmp_path / "g.svg"
    code, _, err = run_graph(capsys, expression, "--var", "x=1", "-o", str(output))
    first, shown, caret = err.splitlines()
    assert code == 2
    assert first.startswith("scalargrad: error:") and message in first
    assert (shown, caret) == ("  " + expression, caret_line)
    assert not output.exists()


def test_an_unwritable_output_exits_2_and_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "taken.svg").mkdir()  # a folder where the picture should go
    code, _, err = run_graph(capsys, "x", "--var", "x=1", "-o", str(tmp_path / "taken.svg"))
    assert code == 2 and err.startswith("scalargrad: error: cannot write")
    assert [path.name for path in tmp_path.iterdir()] == ["taken.svg"]


@pytest.mark.parametrize(
    ("output", "message"), [("missing/g.svg", "does not exist"), ("g.gif", "extensions .svg, .png, .pdf, .dot")]
)
def test_a_bad_output_path_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], output, message
):
    code, _, err = run_graph(capsys, "x", "--var", "x=1", "-o", str(tmp_path / output))
    assert code == 2 and message in err
    assert list(tmp_path.iterdir()) == []


def test_a_usage_error_is_one_line_with_exit_code_2(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as caught:
        main(["graph", "x"])
    err = capsys.readouterr().err
    assert caught.value.code == 2
    assert (
        err == "scalargrad: error: the following arguments are required: -o/--output (see: scalargrad graph --help)\n"
    )


def installed_script() -> str:
    script = shutil.which("scalargrad", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip(
            f"the scalargrad script is not installed beside {sys.executable}; run `make test`, which installs it"
        )
    return script


def test_the_installed_script_draws_quietly(tmp_path: Path):
    output = tmp_path / "neuron.png"
    result = subprocess.run(
        [installed_script(), "graph", *NEURON, "-o", str(output)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stderr == ""  # not even the bundled fontconfig's warning about newer configuration files
    assert output.read_bytes().startswith(b"\x89PNG")


def test_the_installed_script_exits_2_on_an_undefined_variable(tmp_path: Path):
    output = tmp_path / "g.svg"
    result = subprocess.run(
        [installed_script(), "graph", "x*y", "--var", "x=1", "-o", str(output)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("scalargrad: error: undefined variable 'y'")
    assert not output.exists()


def test_highlight_accepts_any_node_by_its_label_as_drawn(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    output = tmp_path / "g.svg"
    # x*y + x: x (v1), y (v2), x*y (v3), the output L (v4)
    code, _, _ = run_graph(capsys, "x*y + x", "--var", "x=3", "--var", "y=2", "-o", str(output), "--highlight", "v3", "--highlight", "L")
    assert code == 0
    shapes = {}
    for group in ET.parse(output).getroot().iter("{http://www.w3.org/2000/svg}g"):
        title = group.find("{http://www.w3.org/2000/svg}title")
        if group.get("class") == "node" and title is not None:
            shapes[title.text] = [p.get("stroke") for p in group.iter("{http://www.w3.org/2000/svg}polygon")]
    assert "#c0001a" in shapes["v3"] and "#c0001a" in shapes["v4"] and "#c0001a" not in shapes["v1"]
    code, _, err = run_graph(capsys, "x*y", "--var", "x=3", "--var", "y=2", "-o", str(output), "--highlight", "q")
    assert code == 2 and "no node of the graph is called 'q'; its nodes are x, y, L" in err

"""User text (names, titles, paths, rule texts) never runs in generated Python or LaTeX.

Oracle: running the generated script in a fresh interpreter, and compiling the
LaTeX with pdflatex, next to a file that would announce itself if the hostile
text had been executed instead of printed.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import autograd
from autograd import Value
from autograd.compiler import codegen
from autograd.compiler.inert import comment, string_literal
from autograd.value import _node, local_rules
from autograd.views.explain import explain
from autograd.views.latex import latex_label, text_to_latex
from scalargrad.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"
SEED001 = EXAMPLES / "yehoshua_2023_two_hidden_layers.json"

MARKER = "INERT_TEST_MARKER"


def payloads(marker_file: Path) -> list[str]:
    """Text that would create `marker_file` if any of it ended a comment or a string and ran as Python."""
    code = f"open({str(marker_file)!r}, 'w').write('ran')"
    return [
        f"x\n{code}",
        f"x\r{code}",
        f"x\r\n{code}",
        f"x\u2028{code}",
        f"x\u2029{code}",
        f"x\x0b{code}",
        f"x\x0c{code}",
        f"x\x85{code}",
        f"x\\\n{code}",
        f"x'\n{code}\n'",
        f'x"\n{code}\n"',
        f'x"""\n{code}\n"""',
        f"x'''\n{code}\n'''",
        f"x\\'; {code}; '",
        f"\u202e{code}",
    ]


HOSTILE = payloads(Path("/nonexistent/marker"))


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_a_comment_is_one_line_that_python_reads_as_nothing(text: str) -> None:
    line = "# " + comment(text)
    assert len(line.splitlines()) == 1
    assert ast.parse(line).body == []


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_a_string_literal_evaluates_to_the_text_in_both_targets(text: str) -> None:
    assert ast.literal_eval(string_literal(text, "python")) == text
    javascript = string_literal(text, "javascript")
    assert javascript.isascii() and json.loads(javascript) == text


def _spec_named(name: str, tmp_path: Path, file_name: str = "spec.json") -> Path:
    spec = json.loads(SEED001.read_text(encoding="utf-8"))
    spec["name"] = name
    path = tmp_path / file_name
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def _run_script(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("position", range(len(HOSTILE)))
def test_a_spec_name_in_the_generated_script_runs_nothing(tmp_path: Path, position: int) -> None:
    marker = tmp_path / "marker"
    path = _spec_named(payloads(marker)[position], tmp_path)
    script = tmp_path / "step.py"
    assert main(["codegen", str(path), "-o", str(script)]) == 0
    run = _run_script(script)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("step 1: C = ")
    assert not marker.exists()


def test_a_spec_path_with_a_newline_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    file_name = "a\n__import__('pathlib').Path(__file__).with_name('marker').touch()\n.json"
    path = _spec_named("plain", tmp_path, file_name=file_name)
    script = tmp_path / "step.py"
    assert main(["codegen", str(path), "-o", str(script)]) == 0
    run = _run_script(script)
    assert run.returncode == 0, run.stderr
    assert not marker.exists()


def test_parameter_names_reach_the_script_as_data(tmp_path: Path) -> None:
    from scalargrad.commands.codegen import generate_script
    from nn.teaching.spec import load_spec

    marker = tmp_path / "marker"
    spec = load_spec(SEED001)
    hostile = payloads(marker)[0]
    original_model = type(spec).model

    def model_with_hostile_names(self):  # type: ignore[no-untyped-def]
        model = original_model(self)
        for parameter in model.parameters():
            parameter.name = hostile + parameter.name
        return model

    type(spec).model = model_with_hostile_names  # type: ignore[method-assign]
    try:
        text = generate_script(spec, "spec.json")
    finally:
        type(spec).model = original_model  # type: ignore[method-assign]
    script = tmp_path / "step.py"
    script.write_text(text, encoding="utf-8")
    run = _run_script(script)
    assert run.returncode == 0, run.stderr
    assert not marker.exists()
    assert "∂C/∂x\nopen(" in run.stdout  # the name is data: printed as it is, never run


@pytest.mark.parametrize("position", range(len(HOSTILE)))
def test_a_rule_text_in_a_backward_comment_runs_nothing(tmp_path: Path, position: int) -> None:
    marker = tmp_path / "marker"

    @local_rules(payloads(marker)[position], op="+")
    def hostile_add_local(out, a, b):  # type: ignore[no-untyped-def]
        return (1.0, 1.0)

    x, y = Value(1.0, "x"), Value(2.0, "y")
    out = _node(x.data + y.data, x, y, hostile_add_local)
    generated = codegen.generate(out, [x, y])
    namespace: dict = {}
    exec(compile(generated.source, "<generated>", "exec"), namespace)
    assert namespace[codegen.FUNCTION_NAME]([3.0, 4.0], []) == (7.0, (1.0, 1.0), (), ())
    assert not marker.exists()


@pytest.mark.parametrize("position", range(len(HOSTILE)))
def test_a_function_name_in_the_compiled_docstring_runs_nothing(tmp_path: Path, position: int) -> None:
    marker = tmp_path / "marker"

    def f(x):  # type: ignore[no-untyped-def]
        return x[0] * x[1]

    f.__name__ = payloads(marker)[position]
    compiled = autograd.compile(f, [2.0, 3.0])
    assert compiled([4.0, 5.0]) == (20.0, [5.0, 4.0])
    assert not marker.exists()


# ---------------------------------------------------------------- LaTeX

LATEX_ATTACKS = [r"\input{secret}", r"a}\input{secret}\mathrm{", r"\include{secret}", r"x^\input{secret}", "#1~$\\"]


@pytest.mark.parametrize("name", LATEX_ATTACKS)
def test_a_latex_label_holds_no_command_from_the_name(name: str) -> None:
    latex = latex_label(name)
    assert "\\input" not in latex and "\\include" not in latex
    assert latex.count("{") - latex.count("\\{") == latex.count("}") - latex.count("\\}")


def test_a_copy_number_is_only_a_trailing_hash_and_digits() -> None:
    assert latex_label("x#2") == r"{x}\langle 2\rangle"
    assert "\\input" not in latex_label(r"x#\input{secret}")


def test_text_to_latex_escapes_stray_backslashes_and_braces() -> None:
    assert "\\input" not in text_to_latex(r"∂C/∂w \input{secret}")


def test_a_hostile_name_prints_in_a_compiled_derivation_and_runs_nothing(  # type: ignore[no-untyped-def]
    tmp_path: Path, compile_latex
) -> None:
    (tmp_path / "secret.tex").write_text("\\errmessage{the name ran as LaTeX}\n", encoding="utf-8")
    x = Value(2.0, name=r"\input{secret}")
    w = Value(-3.0, name=r"a}\input{secret}{")
    y = Value(1.0, name="#1~$^_\\")
    out = x * w + y
    out.name = r"\include{secret}"
    compile_latex(
        "\\documentclass{article}\\usepackage{amsmath}\\begin{document}\n"
        + explain(out).to_latex()
        + "\\end{document}\n"
    )
    pdf_text = subprocess.run(
        ["pdftotext", str(tmp_path / "d.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "input" in pdf_text

"""`scalargrad descend` and `autograd.views.descend`: gradient descent on a plain function.

Oracles: the closed forms of descent on f = x² (x_n = x₀·(1 − 2α)ⁿ), with the
numbers the issue quotes for x₀ = 1000, α = 0.1, n = 100 (x = 2.037036e-7,
f = 4.149516e-14); plain-float descent on f = (x − 2)² + x·y written in this file.
"""

from __future__ import annotations

import json

import pytest

from autograd.views.descend import descend
from scalargrad.cli import main


def square(variables):
    return variables["x"] ** 2


def test_a_rate_of_one_on_x_squared_jumps_between_plus_and_minus_x0():
    result = descend(square, {"x": 1000.0}, 1.0, 6)
    assert [it.values["x"] for it in result.iterates] == [1000.0, -1000.0, 1000.0, -1000.0, 1000.0, -1000.0, 1000.0]
    assert {it.f for it in result.iterates} == {1e6}


def test_a_rate_of_a_tenth_on_x_squared_shrinks_x_by_0_8_every_step():
    result = descend(square, {"x": 1000.0}, 0.1, 100)
    for it in result.iterates:
        assert it.values["x"] == pytest.approx(1000.0 * 0.8**it.n, rel=1e-12)
        assert it.gradient["x"] == pytest.approx(2 * 1000.0 * 0.8**it.n, rel=1e-12)
    last = result.iterates[-1]
    assert last.n == 100
    assert last.values["x"] == pytest.approx(2.037036e-7, rel=1e-6)
    assert last.f == pytest.approx(4.149516e-14, rel=1e-6)


def test_two_variables_follow_plain_float_descent():
    def f(v):
        return (v["x"] - 2) ** 2 + v["x"] * v["y"]

    result = descend(f, {"x": 0.5, "y": -1.0}, 0.2, 5)
    x, y = 0.5, -1.0
    for it in result.iterates:
        assert it.values == pytest.approx({"x": x, "y": y}, rel=1e-13)
        assert it.f == pytest.approx((x - 2) ** 2 + x * y, rel=1e-13)
        gx, gy = 2 * (x - 2) + y, x
        assert it.gradient == pytest.approx({"x": gx, "y": gy}, rel=1e-13)
        x, y = x - 0.2 * gx, y - 0.2 * gy


def test_the_first_step_is_derived_by_the_chain_rule_and_its_update_written_out():
    text = str(descend(square, {"x": 3.0}, 0.25, 2, "x**2"))
    assert "∂f/∂x  = ∂f/∂x · ∂x/∂x" not in text
    # the local derivative is written with the operation's own expression, not the total's symbol (issue 12)
    assert "∂f/∂x = ∂f/∂f · ∂x^2/∂x = 1 × 6 = 6" in " ".join(text.split())
    assert "∂f/∂f · ∂f/∂x" not in text
    assert "x ← x − α·∂f/∂x = 3 − 0.25 × 6 = 1.5" in text


def test_iterates_that_overflow_end_the_descent_and_say_so():
    result = descend(square, {"x": 1000.0}, 2.0, 2000)  # x_n = 1000·(−3)ⁿ
    assert result.diverged
    assert len(result.iterates) < 2001
    assert "stop being finite" in str(result)


def run(capsys, *arguments):
    code = main(["descend", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_prints_the_iterates_table_and_the_chain_rule(capsys):
    code, out, _ = run(capsys, "x**2 + y**2", "--var", "x=1000", "--var", "y=-3", "--lr", "0.1", "--steps", "100")
    assert code == 0
    row = next(line for line in out.splitlines() if line.split()[:1] == ["100"])
    assert row.split()[1:4] == ["2.03704e-07", f"{-3 * 0.8**100:.6g}", f"{(1000**2 + 9) * 0.64**100:.6g}"]
    assert "Step 1: the gradient at the start, by the chain rule" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_cli_json_carries_every_iterate(capsys):
    code, out, _ = run(capsys, "x**2", "--var", "x=1000", "--lr", "1", "--steps", "3", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["schema"] == "scalargrad.descend/1"
    assert [it["values"]["x"] for it in data["iterates"]] == [1000.0, -1000.0, 1000.0, -1000.0]
    assert data["first_step"]["gradients"]["x"] == 2000.0


def test_cli_markdown_has_a_table(capsys):
    code, out, _ = run(capsys, "x**2", "--var", "x=2", "--lr", "0.1", "--steps", "2", "--format", "markdown")
    assert code == 0
    assert "| `n` | `x` | `f` | `∂f/∂x` |" in out
    assert "| 2 | 1.28 | 1.6384 | 2.56 |" in out


def test_cli_latex_compiles(capsys, compile_latex):
    code, out, _ = run(capsys, "x**2 + tanh(y)", "--var", "x=1000", "--var", "y=-3", "--lr", "0.1", "--steps", "60", "--format", "latex")
    assert code == 0
    compile_latex(out)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x**2", "--var", "x=1", "--lr", "0"], "--lr 0.0: the learning rate must be a positive number"),
        (["x**2", "--var", "x=1", "--lr", "0.1", "--steps", "0"], "--steps 0: give at least 1 step"),
        (["x**2 + y", "--var", "x=1", "--lr", "0.1"], "give it a value with --var y=NUMBER"),
        (["x**2", "--lr", "0.1"], "give the starting point with --var NAME=NUMBER"),
        (["x**", "--var", "x=1", "--lr", "0.1"], "  x**"),
        (["log(x)", "--var", "x=-1", "--lr", "0.1"], "cannot compute 'log' here"),
    ],
)
def test_cli_refuses_bad_arguments_with_exit_code_2(capsys, arguments, message):
    code, _, err = run(capsys, *arguments)
    assert code == 2 and message in err and "Traceback" not in err


def test_cli_plots_f_over_the_steps(tmp_path, capsys):
    plot = tmp_path / "f.svg"
    code, out, _ = run(capsys, "x**2", "--var", "x=1000", "--lr", "0.1", "--steps", "20", "--plot", str(plot))
    assert code == 0 and f"wrote {plot}" in out
    svg = plot.read_text()
    assert "f = x**2" in svg and "(log scale)" in svg  # f falls from 1e6 by 0.64 a step: many decades


def test_cli_refuses_a_plot_it_cannot_draw(tmp_path, capsys):
    code, _, err = run(capsys, "x**2", "--var", "x=1", "--lr", "0.1", "--plot", str(tmp_path / "f.gif"))
    assert code == 2 and "the file needs one of the extensions .svg, .png, .pdf" in err
    assert list(tmp_path.iterdir()) == []


def test_markdown_fences_the_expression_so_its_powers_are_not_bold(capsys):
    code, out, _ = run(capsys, "x**2 + y**2", "--var", "x=1", "--var", "y=2", "--lr", "0.1", "--steps", "1", "--format", "markdown")
    assert code == 0 and out.startswith("## Gradient descent on `f = x**2 + y**2` with α = 0.1, 1 step")

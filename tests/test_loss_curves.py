"""The loss across steps: the closing table, --plot, --compare-learning-rates and the forward pass after an update.

Oracle: gradient descent on a line y = w·x + b with the mean of ½(y − o)²,
worked in plain floats in this file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from autograd.views.plot import line_plot
from nn.teaching.loss_curves import compare_learning_rates, loss_curve
from nn.teaching.spec import load_spec
from scalargrad.cli import main

LINE = Path(__file__).resolve().parent.parent / "demos" / "examples" / "line_learning_rates.json"
XS, YS = [0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 5.0, 7.0]


def line_losses(rate: float, steps: int) -> list[float]:
    """Mean ½(y − (w·x + b))² at the start and after each full-batch step from w = b = 0."""
    w = b = 0.0

    def loss() -> float:
        residuals = [y - (w * x + b) for x, y in zip(XS, YS)]
        return sum(0.5 * r * r for r in residuals) / len(XS)

    losses = [loss()]
    for _ in range(steps):
        errors = [(w * x + b) - y for x, y in zip(XS, YS)]
        gw = sum(e * x for e, x in zip(errors, XS)) / len(XS)
        gb = sum(errors) / len(XS)
        w, b = w - rate * gw, b - rate * gb
        losses.append(loss())
        if not math.isfinite(losses[-1]):
            break
    return losses


def test_the_loss_curve_is_the_loss_over_all_examples_at_the_start_and_after_each_step():
    derivation = load_spec(LINE).derive(steps=6)
    assert loss_curve(derivation) == pytest.approx(line_losses(0.1, 6), rel=1e-12)


def test_several_steps_end_with_a_table_of_the_loss_and_the_outputs_at_every_step():
    derivation = load_spec(LINE).derive(steps=3)
    text = str(derivation)
    table = text[text.index("Across the steps") :].splitlines()
    header = next(i for i, line in enumerate(table) if line.split()[:2] == ["step", "C"])
    assert table[header].split()[2:] == ["o⁽¹⁾", "o⁽²⁾", "o⁽³⁾", "o⁽⁴⁾"]
    for step, loss in enumerate(line_losses(0.1, 3)):
        assert table[header + 1 + step].split()[-5] == f"{loss:.6g}"


def test_the_forward_pass_after_the_update_is_a_second_table():
    derivation = load_spec(LINE).derive(steps=1)
    w, b = 0.0, 0.0
    errors = [(w * x + b) - y for x, y in zip(XS, YS)]
    w, b = -0.1 * sum(e * x for e, x in zip(errors, XS)) / 4, -0.1 * sum(errors) / 4
    after = derivation.steps[0].forward_after
    assert [f.z[0][0] for f in after] == pytest.approx([w * x + b for x in XS], rel=1e-13)
    assert "Forward pass after the update of step 1" in str(derivation)


def test_comparing_learning_rates_shows_the_high_one_diverging_and_the_small_ones_converging():
    spec = load_spec(LINE)
    comparison = compare_learning_rates(
        lambda rate: spec.derive(steps=200, learning_rate=rate, stop_when_diverged=True), [5.0, 0.5, 0.1], 200
    )
    curves = comparison.curves()
    expected_diverging = line_losses(5.0, 200)
    assert not math.isfinite(expected_diverging[-1])  # the oracle, too, leaves the floats
    # the derivation keeps every step whose numbers are finite, and stops where the oracle overflowed
    assert curves[0] == pytest.approx(expected_diverging[:-1], rel=1e-9)
    assert curves[1] == pytest.approx(line_losses(0.5, 200), rel=1e-9)
    assert curves[2] == pytest.approx(line_losses(0.1, 200), rel=1e-9)
    verdicts = comparison.verdicts()
    assert verdicts[0].startswith(f"α = 5: the numbers stop being finite after step {len(expected_diverging) - 2}")
    assert verdicts[1].startswith("α = 0.5: the loss rises")
    assert verdicts[2].startswith("α = 0.1: the loss falls")
    data = comparison.to_dict()
    assert data["runs"][0]["diverged"] and len(data["runs"][0]["loss"]) == len(expected_diverging) - 1
    json.dumps(data, allow_nan=False)


def test_cli_compares_rates_in_one_table_and_draws_one_plot(tmp_path, capsys):
    plot = tmp_path / "rates.svg"
    code = main(["derive", str(LINE), "--compare-learning-rates", "0.5,0.1", "--steps", "5", "--plot", str(plot)])
    out = capsys.readouterr().out
    assert code == 0
    assert "C (α = 0.5)" in out and "C (α = 0.1)" in out
    for step, (high, low) in enumerate(zip(line_losses(0.5, 5), line_losses(0.1, 5))):
        row = out.splitlines()[2 + 1 + step]
        assert f"{high:.6g}" in row and f"{low:.6g}" in row
    svg = plot.read_text()
    assert "α = 0.5" in svg and "α = 0.1" in svg and svg.count("<path") >= 2


def test_cli_plot_writes_a_png_of_the_loss(tmp_path, capsys):
    plot = tmp_path / "loss.png"
    code = main(["derive", str(LINE), "--steps", "4", "--plot", str(plot), "-o", str(tmp_path / "d.md")])
    capsys.readouterr()
    assert code == 0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--plot", "loss.gif"], "--plot loss.gif: the file needs one of the extensions .svg, .png, .pdf"),
        (["--compare-learning-rates", "1,fast"], "--compare-learning-rates 1,fast: 'fast' is not a number"),
        (["--compare-learning-rates", "1,-0.1"], "every rate must be a positive number, got -0.1"),
        (["--compare-learning-rates", "1", "--graph", "g.svg"], "--graph draws one derivation's graph"),
    ],
)
def test_cli_refuses_bad_plot_and_rate_arguments(tmp_path, capsys, monkeypatch, arguments, message):
    monkeypatch.chdir(tmp_path)
    code = main(["derive", str(LINE), *arguments])
    err = capsys.readouterr().err
    assert code == 2 and message in err
    assert list(tmp_path.iterdir()) == []


def test_plot_text_stays_inert_in_the_picture():
    picture = line_plot([('"]; evil [label="x', [1.0, 2.0])], title="a\\nb <b>", x_label="step", y_label="C")
    svg = picture.svg()
    assert "evil" not in picture.source.split('label="\\"]; evil')[0]
    assert "&lt;b&gt;" in svg and "a\\nb" in svg


def test_the_comparison_in_markdown_and_latex(compile_latex):
    spec = load_spec(LINE)
    comparison = compare_learning_rates(lambda rate: spec.derive(steps=3, learning_rate=rate), [0.5, 0.1], 3)
    markdown = comparison.to_markdown()
    assert "| `step` | `C (α = 0.5)` | `C (α = 0.1)` |" in markdown
    high, low = line_losses(0.5, 3), line_losses(0.1, 3)
    assert f"| 3 | {high[3]:.6g} | {low[3]:.6g} |" in markdown
    compile_latex(comparison.to_latex())

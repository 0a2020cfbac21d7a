"""The derivations as a teacher prints them: LaTeX that typesets on the page, Markdown tables that parse.

The LaTeX documents are compiled with pdflatex and read back: the log must
have no error and no box more than 1 pt too wide or too tall, the text
pdftotext extracts must read with its spaces, and the rendered pages must
leave the margins empty. These tests skip (saying why) where pdflatex or
poppler is absent; CI installs both.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import autograd
from autograd import Value, explain
from nn import MLP, derive
from nn.teaching.spec import load_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"
EXAMPLE_FILES = sorted(path.name for path in EXAMPLES.glob("*.json"))


def _random_network(sizes: list[int], activations: list[str], seed: int) -> MLP:
    rng = random.Random(seed)
    weights = [
        [[round(rng.uniform(-1, 1), rng.choice((3, 6))) for _ in range(sizes[l])] for _ in range(sizes[l + 1])]
        for l in range(len(activations))
    ]
    biases = [[round(rng.uniform(-1, 1), 6) for _ in range(n)] for n in sizes[1:]]
    return MLP.from_weights(weights, biases, activations)


def _pixel_network_batch() -> str:
    """A 12→3→2 sigmoid network on a batch of four 12-pixel images, two steps, mean loss, biases as weights."""
    rng = random.Random(12)
    images = [[float(rng.random() < 0.5) for _ in range(12)] for _ in range(4)]
    targets = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]
    model = _random_network([12, 3, 2], ["sigmoid", "sigmoid"], seed=3)
    return derive(model, images, targets, "half_sse", 0.2, steps=2, reduction="mean", bias_as_weight=True).to_latex()


def _wide_network_single() -> str:
    """A 12→12→10 network on one example: the widest sums and the longest update block."""
    model = _random_network([12, 12, 10], ["tanh", "sigmoid"], seed=7)
    return derive(model, [round(0.1 * j - 0.55, 6) for j in range(12)], [float(k == 3) for k in range(10)], "bce", 0.1).to_latex()


DOCUMENTS = {
    **{name: (lambda name=name: load_spec(EXAMPLES / name).derive().to_latex()) for name in EXAMPLE_FILES},
    "12-3-2 batch of 4, 2 steps": _pixel_network_batch,
    "12-12-10 single example": _wide_network_single,
}


def _overfull_boxes(log: str) -> list[str]:
    """The log's Overfull \\hbox / \\vbox warnings that exceed 1 pt."""
    return [
        line
        for line in log.splitlines()
        if (found := re.search(r"Overfull \\[hv]box \(([\d.]+)pt", line)) is not None and float(found[1]) > 1.0
    ]


def _needs(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed here (CI installs poppler-utils)")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_derivation_typesets_with_no_error_and_nothing_off_the_page(name, compile_latex):
    pdf = compile_latex(DOCUMENTS[name]())
    log = pdf.with_suffix(".log").read_text(errors="replace")
    assert "\n! " not in log
    assert _overfull_boxes(log) == []


@pytest.mark.parametrize("name", ["seed001_two_hidden_layers.json", "12-3-2 batch of 4, 2 steps"])
def test_no_ink_falls_in_the_side_margins_of_any_page(name, compile_latex, tmp_path):
    _needs("pdftoppm")
    image_module = pytest.importorskip("PIL.Image", reason="pillow (the test extra) reads the rendered pages")
    pdf = compile_latex(DOCUMENTS[name]())
    subprocess.run(["pdftoppm", "-r", "36", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    margin = int(36 * 2 / 2.54) - 4  # the 2 cm margin at 36 dpi, less a few pixels of antialiasing
    for page in pages:
        image = image_module.open(page).convert("L")
        width, height = image.size
        for x0, x1 in ((0, margin), (width - margin, width)):
            darkest, _ = image.crop((x0, 0, x1, height)).getextrema()
            assert darkest > 200, f"{page.name}: ink in the margin between x = {x0} and {x1}"


def test_the_pdf_text_reads_with_the_spaces_between_words(compile_latex):
    _needs("pdftotext")
    pdf = compile_latex(DOCUMENTS["seed001_two_hidden_layers.json"]())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, timeout=60).stdout.decode()
    flat = " ".join(text.split())
    assert "b enters z by addition" in flat
    assert "cancels the denominator of" in flat
    assert "the neurons k" in flat
    assert "]_" not in text and "δ[" not in text  # every network name is typeset, none printed as written


def test_the_header_and_the_size_block_typeset_their_notation():
    latex = DOCUMENTS["seed001_two_hidden_layers.json"]()
    header = latex[latex.index(r"\begin{itemize}") : latex.index(r"\end{itemize}")]
    assert r"\_" not in header
    assert "{z^{[{l}]}_{k}}" in header
    assert r"\text{mean } |{\delta^{[3]}}|" in latex
    assert r"{a^{[1]}_{k}}^{2}" in derive(
        MLP.from_weights([[[0.5]], [[1.0]]], [[0.1], [0.0]], ["tanh", "linear"]), [1.0], [0.0], "half_sse", 0.1
    ).to_latex()


def test_the_document_opens_with_the_examples_title_and_source_as_inert_text():
    spec = load_spec(EXAMPLES / "seed001_two_hidden_layers.json")
    derivation = spec.derive()
    derivation.title = r"100% \input{x} & y_1"
    latex = derivation.to_latex()
    assert r"\section*{100\% \textbackslash{}input\{x\} \& y\_1}" in latex
    assert "Source: Roi Yehoshua" in latex


def test_a_long_explain_block_typesets_within_the_page_and_breaks_across_pages(compile_latex):
    squares = [Value(0.1 * i, name=f"p{i}") for i in range(40)]
    x1, w1, b = Value(2.0, name="x1"), Value(-3.0, name="w1"), Value(6.88, name="b")
    neuron = (x1 * w1 + b).tanh()
    output = autograd.sum([p * p for p in squares]).log() * neuron + autograd.leaky_relu(neuron, 0.01)
    preamble = "\\documentclass{article}\\usepackage{amsmath}\\usepackage[margin=2cm]{geometry}\\begin{document}\n"
    pdf = compile_latex(preamble + explain(output).to_latex() + "\\end{document}\n")
    log = pdf.with_suffix(".log").read_text(errors="replace")
    assert _overfull_boxes(log) == []
    assert re.search(r"Output written on d\.pdf \(([2-9]|\d\d+) pages", log)

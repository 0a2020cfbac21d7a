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


def _pixel_batch() -> tuple[list[list[float]], list[list[float]]]:
    """Four 12-pixel images and their one-hot targets."""
    rng = random.Random(12)
    images = [[float(rng.random() < 0.5) for _ in range(12)] for _ in range(4)]
    return images, [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]


def _pixel_network_batch() -> str:
    """A 12→3→2 sigmoid network on a batch of four 12-pixel images, two steps, mean loss, biases as weights."""
    model = _random_network([12, 3, 2], ["sigmoid", "sigmoid"], seed=3)
    return derive(model, *_pixel_batch(), "half_sse", 0.2, steps=2, reduction="mean", bias_as_weight=True).to_latex()


def _pixel_network_regime():
    """The same network and images in shuffled mini-batches of 2 with Adam, written with matrices (issue 13's blocks)."""
    model = _random_network([12, 3, 2], ["sigmoid", "sigmoid"], seed=3)
    return derive(
        model, *_pixel_batch(), "half_sse", 0.2, steps=2, reduction="mean", mode="minibatch", batch_size=2,
        shuffle_seed=1, optimizer="adam", form="matrix",
    )


def _wide_network_single() -> str:
    """A 12→12→10 network on one example: the widest sums and the longest update block."""
    model = _random_network([12, 12, 10], ["tanh", "sigmoid"], seed=7)
    return derive(model, [round(0.1 * j - 0.55, 6) for j in range(12)], [float(k == 3) for k in range(10)], "bce", 0.1).to_latex()


DOCUMENTS = {
    **{name: (lambda name=name: load_spec(EXAMPLES / name).derive().to_latex()) for name in EXAMPLE_FILES},
    "12-3-2 batch of 4, 2 steps": _pixel_network_batch,
    "12-12-10 single example": _wide_network_single,
    "12-3-2 mini-batches of 2, Adam, matrix form": lambda: _pixel_network_regime().to_latex(),
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


@pytest.mark.parametrize(
    "name", ["yehoshua_2023_two_hidden_layers.json", "12-3-2 batch of 4, 2 steps", "12-3-2 mini-batches of 2, Adam, matrix form"]
)
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
    pdf = compile_latex(DOCUMENTS["yehoshua_2023_two_hidden_layers.json"]())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, timeout=60).stdout.decode()
    flat = " ".join(text.split())
    assert "b enters z by addition" in flat
    assert "cancels the denominator of" in flat
    assert "the neurons k" in flat
    assert "]_" not in text and "δ[" not in text  # every network name is typeset, none printed as written


def test_the_header_and_the_size_block_typeset_their_notation():
    latex = DOCUMENTS["yehoshua_2023_two_hidden_layers.json"]()
    header = latex[latex.index(r"\begin{itemize}") : latex.index(r"\end{itemize}")]
    assert r"\_" not in header
    assert "{z^{[{l}]}_{k}}" in header
    assert r"\text{mean } |{\delta^{[3]}}|" in latex
    assert r"(a^{[1]}_{k})^{2}" in derive(
        MLP.from_weights([[[0.5]], [[1.0]]], [[0.1], [0.0]], ["tanh", "linear"]), [1.0], [0.0], "half_sse", 0.1
    ).to_latex()


def test_the_document_opens_with_the_examples_title_and_source_as_inert_text():
    spec = load_spec(EXAMPLES / "yehoshua_2023_two_hidden_layers.json")
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


# ---------------------------------------------------------------- Markdown


def _tables(markdown: str) -> list[list[list[str]]]:
    """Each GFM table as its rows of cell texts (header row first), as markdown-it-py parses it."""
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py (the test extra) parses the Markdown")
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(markdown)
    tables: list[list[list[str]]] = []
    for token in tokens:
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            tables[-1].append([])
        elif token.type == "inline" and tables and tables[-1] and token.level > 0 and _inside_cell(tokens, token):
            tables[-1][-1].append("".join(child.content for child in token.children or []))
    return tables


def _inside_cell(tokens, token) -> bool:
    before = tokens[tokens.index(token) - 1]
    return before.type in ("th_open", "td_open")


MARKDOWN = {
    **{name: (lambda name=name: load_spec(EXAMPLES / name).derive().to_markdown()) for name in EXAMPLE_FILES},
    "12-3-2 batch of 4": lambda: derive(
        _random_network([12, 3, 2], ["sigmoid", "sigmoid"], seed=3),
        [[float((j + n) % 3 == 0) for j in range(12)] for n in range(4)],
        [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]],
        "half_sse",
        0.2,
        reduction="mean",
        bias_as_weight=True,
    ).to_markdown(),
    "12-3-2 mini-batches of 2, Adam, matrix form": lambda: _pixel_network_regime().to_markdown(),
}


EQUATION_HEADER = ["quantity", "formula", "numbers", "value"]


def _is_number(cell: str) -> bool:
    """A number as the derivation prints it (``-0.5``, ``1e-05``, ``inf``), or a bracketed list of them."""
    items = cell[1:-1].split(", ") if cell.startswith("[") and cell.endswith("]") else [cell]
    try:
        [float(item) for item in items]
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("name", MARKDOWN)
def test_every_markdown_table_row_has_the_headers_cells_and_a_number_in_each_value_cell(name):
    """Equation tables need a number in their value column; every other table (per example, per step) in every cell.

    The first column names the row (a quantity, an example n, a step, or the
    average (1/N)Σ_n); the equation table's formula and numbers may be empty
    (a value given as is), nothing else may.
    """
    markdown = MARKDOWN[name]()
    tables = _tables(markdown)
    assert tables
    kinds = set()
    for table in tables:
        header, *rows = table
        assert rows and all(header), header
        value_columns = [3] if header == EQUATION_HEADER else range(1, len(header))
        kinds.add(header[0])
        for row in rows:
            assert len(row) == len(header), (header, row)
            assert row[0], row
            assert all(_is_number(row[c]) for c in value_columns), (header, row)
    assert "quantity" in kinds
    size_rows = [row for table in tables for row in table if row[0].startswith("mean |δ[")]
    assert size_rows and all(row[0].endswith("| =") for row in size_rows)


def test_the_markdown_opens_with_a_heading_and_the_source():
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py (the test extra) parses the Markdown")
    markdown = load_spec(EXAMPLES / "yehoshua_2023_two_hidden_layers.json").derive().to_markdown()
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(markdown)
    assert tokens[0].type == "heading_open" and tokens[0].tag == "h1"
    assert "Source: Roi Yehoshua" in markdown


def test_formulas_outside_tables_are_code_spans_without_escapes():
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py (the test extra) parses the Markdown")
    markdown = load_spec(EXAMPLES / "yehoshua_2023_two_hidden_layers.json").derive().to_markdown()
    codes = [
        child.content
        for token in markdown_it.MarkdownIt("commonmark").enable("table").parse(markdown)
        if token.type == "inline"
        for child in token.children or []
        if child.type == "code_inline"
    ]
    assert "z[l]_k = Σ_j w[l]_kj·a[l−1]_j + b[l]_k, a[l]_k = f(z[l]_k), a[0] = x, δ[l]_k = ∂C/∂z[l]_k" in codes
    assert "|δ[l]_k|" in codes
    assert not any("\\" in code for code in codes)


def test_an_explain_markdown_table_keeps_its_cells_with_an_absolute_value():
    x = Value(-2.0, name="x")
    tables = _tables(explain(abs(x) * x).to_markdown())
    for table in tables:
        assert all(len(row) == len(table[0]) for row in table)
    assert any(row[1] == "|x|" for row in tables[0])


# ---------------------------------------------------------------- names a student recognises


OWN_EXAMPLES = {"line_learning_rates.json"}
"""Examples made up for scalargrad; every other example is from a publication whose author starts its file name."""
OWN = "scalargrad's own example"


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_every_example_is_named_after_its_published_source_everywhere_a_reader_meets_it(name):
    """A published example names its author in file, title, source and README; one of our own says it is ours there."""
    author = OWN if name in OWN_EXAMPLES else name.split("_")[0].capitalize()
    spec = load_spec(EXAMPLES / name)
    assert spec.name is not None and spec.name.startswith(author)
    assert spec.source is not None and spec.source.startswith(OWN) == (name in OWN_EXAMPLES)
    assert author in spec.source
    assert "seed 0" not in spec.name + spec.source
    text = str(spec.derive())
    assert text.startswith(spec.name.split(":")[0]) and f"Source: {spec.source[:40]}" in text
    readme = (EXAMPLES.parent.parent / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}` |"))
    assert author in row and (OWN in row) == (name in OWN_EXAMPLES)


def test_prose_stays_text_and_formulas_become_math():
    from autograd.views.latex import prose_to_latex, text_to_latex

    assert prose_to_latex("loss C = 0.397726  (before the step: 0.5)") == "loss ${C} = 0.397726$  (before the step: $0.5$)"
    # "a" between two words is the article; before a name it is part of the formula
    assert prose_to_latex("as a weight: b[1]_k = w[1]_k0 on a constant input a[1]_0 = 1") == (
        "as a weight: ${b^{[1]}_{k}} = {w^{[1]}_{k0}}$ on a constant input ${a^{[1]}_{0}} = 1$"
    )
    assert text_to_latex("b enters z by addition: ∂z/∂b = 1") == (
        r"{b} \text{ enters } {z} \text{ by addition: } \frac{\partial {z}}{\partial {b}} = 1"
    )
    assert text_to_latex("mean |δ[3]|") == r"\text{mean } |{\delta^{[3]}}|"

"""`autograd.explain`: the forward pass and every chain-rule step, with the engine's own numbers.

Oracles: the engine's ``.grad`` after ``backward()`` on the same graph (every
printed gradient must equal it), hand-derived derivatives (2x for x², the
product rule), seed 002's published warm-up numbers and its closed form
x_n = x0·0.8^n, and, for the LaTeX, matplotlib's mathtext parser (and
pdflatex where a TeX installation exists).
"""

from __future__ import annotations

import itertools
import json
import math
import re

import pytest
from graph_strategies import engine_leaves, engine_output, recipes
from hypothesis import HealthCheck, given, settings

import autograd
from autograd import Value, explain, topological_order
from autograd.views.explain import SCHEMA, EdgeStep, GradientSum, format_number, text_to_latex

PROPERTY_SETTINGS = settings(
    max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def neuron() -> tuple[Value, dict[str, Value]]:
    """micrograd's neuron o = tanh(x1·w1 + x2·w2 + b), every node named."""
    leaves = {
        name: Value(value, name=name)
        for name, value in (("x1", 2.0), ("w1", -3.0), ("x2", 0.0), ("w2", 1.0), ("b", 6.8813735870195432))
    }
    n = leaves["x1"] * leaves["w1"] + leaves["x2"] * leaves["w2"] + leaves["b"]
    n.name = "n"
    o = n.tanh()
    o.name = "o"
    return o, leaves


def printed_gradients(derivation: autograd.Derivation) -> dict[str, float]:
    """∂root/∂label as printed in the text: the value of each label's row that is not one of several contributions."""
    rules = {step.rule for step in derivation.edges()}
    found = {}
    pattern = re.compile(rf"^\s+∂{re.escape(derivation.root)}/∂(?P<label>\S+)(?P<part> \(\d+ of \d+\))?\s+= ")
    for line in (
        str(derivation).split("Backward pass", 1)[1].splitlines()[2:]
    ):  # after the title and the general formula
        match = pattern.match(line)
        if match is None or match["part"]:
            continue
        body = line.rstrip()
        for rule in rules:
            if body.endswith(rule):
                body = body[: -len(rule)].rstrip()
        found[match["label"]] = float(body.rsplit("= ", 1)[1])
    return found


# ---------------------------------------------------------------- numbers


def test_every_printed_gradient_equals_the_engines_grad():
    o, _ = neuron()
    derivation = explain(o)
    o.backward()
    printed = printed_gradients(derivation)
    assert set(printed) == {derivation.label(node) for node in topological_order(o)}
    for node in topological_order(o):
        assert printed[derivation.label(node)] == pytest.approx(node.grad, rel=1e-5, abs=1e-12)


def test_every_recorded_gradient_equals_the_engines_grad_exactly_on_a_graph_with_reuse():
    x, y = Value(1.5, name="x"), Value(-0.5, name="y")
    shared = x * y
    loss = (shared.tanh() * shared + x * x + (x / y).exp()).log()
    derivation = explain(loss)
    loss.backward()
    for node in topological_order(loss):
        assert derivation.gradient(node) == node.grad


def test_explain_leaves_the_graphs_gradients_untouched():
    o, _ = neuron()
    explain(o)
    assert all(node.grad == 0.0 for node in topological_order(o))


def test_each_contribution_is_the_upstream_gradient_times_the_local_derivative():
    o, _ = neuron()
    for step in explain(o).edges():
        assert step.contribution == step.upstream * step.local


def test_the_seed_of_a_backward_pass_scales_every_gradient():
    x = Value(3.0, name="x")
    assert explain(x * x, seed=2.0).gradient(x) == 12.0


def test_the_neuron_gradients_match_the_hand_derived_ones():
    # do/dn = 1 − tanh²(n) = 0.5 for micrograd's b; then do/dw1 = 0.5·x1, do/dx1 = 0.5·w1
    o, leaves = neuron()
    derivation = explain(o)
    assert derivation.gradient("n") == pytest.approx(0.5, abs=1e-12)
    assert derivation.gradient(leaves["w1"]) == pytest.approx(1.0, abs=1e-12)
    assert derivation.gradient(leaves["x1"]) == pytest.approx(-1.5, abs=1e-12)
    assert derivation.gradient(leaves["b"]) == pytest.approx(0.5, abs=1e-12)


# ---------------------------------------------------------------- structure


def test_backward_steps_follow_the_engines_order_node_by_node_in_operand_order():
    o, _ = neuron()
    derivation = explain(o)
    position = {derivation.label(node): index for index, node in enumerate(topological_order(o))}
    edges = derivation.edges()
    assert len(edges) == sum(len(node.parents) for node in topological_order(o))
    for earlier, later in itertools.pairwise(edges):
        assert position[earlier.node] >= position[later.node]  # reverse topological order
        if earlier.node == later.node:
            assert later.position == earlier.position + 1


def test_a_reused_node_gets_one_step_per_use_and_the_sum_of_its_contributions():
    x = Value(3.0, name="x")
    derivation = explain(x * x)
    steps = [
        s for s in derivation.backward if (isinstance(s, EdgeStep) and s.parent == "x") or isinstance(s, GradientSum)
    ]
    assert [(s.index, s.count) for s in steps if isinstance(s, EdgeStep)] == [(1, 2), (2, 2)]
    (total,) = [s for s in steps if isinstance(s, GradientSum)]
    assert total.contributions == (3.0, 3.0)
    assert total.total == 6.0  # d(x²)/dx = 2x
    text = str(derivation)
    assert "∂L/∂x (1 of 2)" in text and "∂L/∂x (2 of 2)" in text
    assert "sum of the 2 contributions = 3 + 3 = 6" in text


def test_a_reused_intermediate_node_is_summed_before_its_own_edges():
    x = Value(0.5, name="x")
    shared = x.sin()
    shared.name = "s"
    derivation = explain(shared * shared.exp())
    kinds = [(type(step).__name__, getattr(step, "label", getattr(step, "node", None))) for step in derivation.backward]
    first_edge_of_s = kinds.index(("EdgeStep", "s"))
    assert kinds[first_edge_of_s - 1] == ("GradientSum", "s")


def test_each_step_names_its_local_derivative_rule():
    a, b = Value(2.0, name="a"), Value(5.0, name="b")
    derivation = explain((a * b).tanh())
    rules = {(step.node, step.parent): step.rule for step in derivation.edges()}
    assert rules[("v1", "a")] == "∂(a·b)/∂a = b"
    assert rules[("v1", "b")] == "∂(a·b)/∂b = a"
    assert rules[("L", "v1")] == "∂tanh(a)/∂a = 1 − tanh²(a) = 1 − out²"


def test_a_rule_with_a_constant_states_its_value():
    x = Value(2.0, name="x")
    derivation = explain(x**3 + x.leaky_relu(0.2))
    rules = [step.rule for step in derivation.edges() if step.parent == "x"]
    assert "∂(a^c)/∂a = c·a^(c−1), c = 3" in rules
    assert "∂leaky_relu(a)/∂a = 1 if a > 0 else slope, slope = 0.2" in rules


def test_the_forward_pass_lists_every_node_after_its_operands_with_its_value():
    o, _ = neuron()
    derivation = explain(o)
    seen: set[str] = set()
    for step, node in zip(derivation.forward, topological_order(o)):
        assert step.value == node.data
        assert set(step.operands) <= seen
        seen.add(step.label)
    assert derivation.forward[-1].expression == "tanh(n)"


def test_unnamed_nodes_get_stable_labels_that_avoid_the_names_in_use():
    x = Value(1.0, name="v1")
    loss = (x * 2.0 + 1.0) * x
    labels = [step.label for step in explain(loss).forward]
    assert labels == [step.label for step in explain(loss).forward]  # stable
    assert labels.count("v1") == 1
    assert {"c1", "c2", "v2", "L"} <= set(labels)


def test_distinct_nodes_with_the_same_name_get_distinct_labels():
    first, second = Value(1.0, name="x"), Value(2.0, name="x")
    labels = {step.label for step in explain(first + second).forward}
    assert {"x", "x#2"} <= labels


def test_explain_refuses_a_number():
    with pytest.raises(TypeError, match="explain needs the Value"):
        explain(3.0)  # type: ignore[arg-type]


# ---------------------------------------------------------------- renderers


def test_text_output_is_aligned_and_fits_a_100_column_terminal():
    o, _ = neuron()
    lines = str(explain(o)).splitlines()
    assert max(len(line) for line in lines) <= 100
    rows = [line for line in lines if line.startswith("  ∂o/∂") and "upstream" not in line]
    assert len({line.index("=") for line in rows}) == 1  # the first "=" of every row in one column


def test_markdown_has_one_table_row_per_node_and_per_step():
    x = Value(-2.0, name="x")
    derivation = explain(abs(x) * x)
    markdown = derivation.to_markdown()
    rows = [line for line in markdown.splitlines() if line.startswith("| `")]
    assert len(rows) == len(derivation.forward) + 1 + len(derivation.backward)  # +1: the seed
    assert "`\\|x\\|`" in markdown  # a | inside a cell is escaped


def test_to_dict_round_trips_through_json_and_follows_the_schema():
    o, _ = neuron()
    data = explain(o).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["schema"] == SCHEMA
    assert set(data) == {"schema", "root", "seed", "forward", "backward", "gradients"}
    assert set(data["forward"][0]) == {"label", "op", "operands", "expression", "value"}
    edge = next(step for step in data["backward"] if step["kind"] == "edge")
    assert set(edge) == {
        "kind",
        "node",
        "parent",
        "position",
        "rule",
        "local",
        "upstream",
        "contribution",
        "index",
        "count",
    }


def _balanced(latex: str) -> bool:
    depth = 0
    for character in re.sub(r"\\[{}]", "", latex):
        depth += {"{": 1, "}": -1}.get(character, 0)
        if depth < 0:
            return False
    return depth == 0


def _mixed_graph() -> Value:
    x, y = Value(0.7, name="x"), Value(-1.2, name="w[1]_12")
    terms = [x.sigmoid(), y.relu(), x.softplus(), abs(y), x.sqrt(), (x * y).cos(), x ** y.exp(), y / x, -x]
    return autograd.logsumexp(terms) + x.leaky_relu(0.1) * autograd.sum([x, y, x])


def test_latex_is_one_balanced_ascii_align_block():
    latex = explain(_mixed_graph()).to_latex()
    assert latex.startswith("{\\allowdisplaybreaks\n\\begin{align*}\n") and latex.rstrip().endswith("\\end{align*}}")
    assert latex.count("\\begin{") == latex.count("\\end{") == 1
    assert latex.isascii()
    assert _balanced(latex)


def test_latex_rows_parse_as_math():
    # mathtext knows neither \Big nor \textstyle (layout only), so they are dropped before parsing
    mathtext = pytest.importorskip("matplotlib.mathtext", reason="matplotlib (the demo extra) parses the LaTeX rows")
    parser = mathtext.MathTextParser("path")
    body = explain(_mixed_graph()).to_latex().split("\\begin{align*}\n", 1)[1].rsplit("\\end{align*}", 1)[0]
    cells = {cell.strip() for row in body.split(" \\\\\n") for cell in row.replace("&&", "&").split("&")} - {""}
    for cell in cells:
        parser.parse("$" + cell.replace("\\textstyle", "").replace("\\Big|", "|") + "$")


def test_latex_compiles_with_pdflatex(compile_latex):
    compile_latex(
        "\\documentclass{article}\\usepackage{amsmath}\\begin{document}\n"
        + explain(_mixed_graph()).to_latex()
        + "\\end{document}\n"
    )


def test_text_to_latex_writes_network_names_fractions_and_sums():
    assert text_to_latex("∂C/∂w[2]_13") == r"\frac{\partial {C}}{\partial {w^{[2]}_{13}}}"
    assert text_to_latex("Σ_j δ[1]_k") == r"\sum_{j} {\delta^{[1]}_{k}}"
    assert text_to_latex("2.04e-07") == r"2.04 \cdot 10^{-7}"


def test_text_to_latex_refuses_a_symbol_it_cannot_write():
    with pytest.raises(ValueError, match="no LaTeX for the character"):
        text_to_latex("x ⊗ y")


def test_format_number_prints_negative_zero_as_zero():
    assert format_number(-0.0) == "0"


# ---------------------------------------------------------------- seed 002's warm-ups


def test_seed002_gradient_descent_on_x_squared_matches_the_closed_form_and_the_published_numbers():
    # seed 002: x ← x − 0.1·2x = 0.8x; from x0 = 1000, x ≈ 2.04e-7 and f ≈ 4.15e-14 after 100 steps
    x = 1000.0
    for _ in range(100):
        node = Value(x, name="x")
        x -= 0.1 * explain(node**2).gradient(node)
    assert x == pytest.approx(1000 * 0.8**100, rel=1e-12)
    assert x == pytest.approx(2.04e-7, rel=5e-3)
    assert x * x == pytest.approx(4.15e-14, rel=5e-3)


def test_seed002_x_squared_plus_y_squared_has_gradient_2x_2y():
    x, y = Value(3.0, name="x"), Value(-4.0, name="y")
    derivation = explain(x**2 + y**2)
    assert (derivation.gradient(x), derivation.gradient(y)) == (6.0, -8.0)


# ---------------------------------------------------------------- property: any graph


@PROPERTY_SETTINGS
@given(recipe=recipes())
def test_on_random_graphs_every_gradient_equals_the_engines_and_every_format_renders(recipe):
    leaves = engine_leaves(recipe)
    output = engine_output(recipe, leaves)
    derivation = explain(output)
    output.backward()
    for node in topological_order(output):
        assert derivation.gradient(node) == node.grad
    data = derivation.to_dict()
    assert json.loads(json.dumps(data)) == data
    text = str(derivation)
    assert all(len(line) <= 100 or "where" in line for line in text.splitlines())
    latex = derivation.to_latex()
    assert latex.isascii() and _balanced(latex)
    assert math.isfinite(sum(data["gradients"].values()))


def test_the_legend_uses_words_where_a_letter_could_be_a_node_of_the_graph():
    w, z = Value(2.0, name="w"), Value(3.0, name="z")
    text = str(explain(w * z))
    legend = next(line for line in text.splitlines() if "upstream × local" in line)
    assert "∂L/∂operand = ∂L/∂result · ∂result/∂operand" in legend
    assert "∂w" not in legend and "∂z" not in legend


def test_the_first_backward_step_writes_the_local_derivative_with_the_roots_expression():
    x = Value(2.0, name="x")
    derivation = explain((x * 3.0).tanh())
    text = str(derivation)
    assert "∂L/∂v1 = ∂L/∂L · ∂tanh(v1)/∂v1" in text
    assert "∂L/∂L · ∂L/∂v1" not in text
    assert r"\frac{\partial L}{\partial L} \cdot \frac{\partial (\tanh(v_{1}))}{\partial v_{1}}" in derivation.to_latex()

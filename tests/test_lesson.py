"""Lesson pages: what the steps say and write, that every number is the engine's, and that the page is safe.

These tests read the page without a browser (its embedded JSON, its SVG and
its HTML); tests/test_lesson_browser.py drives it in Chromium.
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import pytest

from autograd import Value, explain, lesson
from autograd.backprop import propagate, topological_order
from scalargrad.cli import main
from autograd.views.draw import node_ids
from nn import MLP
from nn import lesson as network_lesson
from nn.teaching.spec import load_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"
SEED001 = EXAMPLES / "yehoshua_2023_two_hidden_layers.json"
HOSTILE = ["<script>alert(1)</script>", "say \"hi\" & 'bye'", "</script><img src=x onerror=alert(2)>"]


def page_data(page_html: str) -> dict:
    match = re.search(r'<script type="application/json" id="lesson-data">(.*?)</script>', page_html, re.DOTALL)
    assert match is not None, "the page embeds no lesson data"
    return json.loads(match.group(1))


def final_boxes(steps: list[dict]) -> dict[tuple[str, str], str]:
    """What each box shows after the last step: every change replayed in order, as the page does."""
    shown: dict[tuple[str, str], str] = {}
    for step in steps:
        for node_id, field, text, _ in step["changes"]:
            shown[(node_id, field)] = text
    return shown


def seed001_lesson():
    spec = load_spec(SEED001)
    return network_lesson(spec.model(), spec.inputs, spec.targets, spec.loss, spec.learning_rate, title=spec.name)


def seed001_graph() -> tuple[Value, dict[str, Value]]:
    """The seed 001 loss built independently of the lesson, after backward: the engine's gradients."""
    spec = load_spec(SEED001)
    model = spec.model()
    output = model([Value(x, name=f"x{j}") for j, x in enumerate(spec.inputs[0], start=1)])
    from nn.losses import bce

    loss = bce([output], spec.targets)
    loss.backward()
    return loss, {p.name: p for p in model.parameters()}


@pytest.fixture(scope="module")
def seed001_page() -> str:
    return seed001_lesson().html


# ---------------------------------------------------------------- the page is one safe, offline file


def test_the_page_references_no_network_resource(seed001_page: str):
    expression_page = lesson(Value(2.0, name="x") * Value(3.0, name="y")).html
    for page in (seed001_page, expression_page):
        assert "http://" not in page and "https://" not in page
        assert not re.search(r"\b(?:src|href)\s*=|@import|url\(", page), "the page loads something"


def test_the_svg_is_inline_without_prolog_doctype_or_fixed_size(seed001_page: str):
    assert "<?xml" not in seed001_page and "<!DOCTYPE svg" not in seed001_page
    opening = re.search(r"<svg\b[^>]*>", seed001_page)
    assert opening is not None and "width=" not in opening.group(0) and "viewBox=" in opening.group(0)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_name_is_text_in_the_svg_and_the_data(name: str):
    x = Value(2.0, name=name)
    page = lesson(x * x + 1.0, title=name).html
    assert page.count("<script") == 2, "a name opened a script element"
    assert name not in page
    assert html.escape(name) in page  # the drawing shows it, escaped
    data = page_data(page)
    assert data["title"] == name
    assert name in {node["label"] for node in data["nodes"]}
    assert any(name in step["equation"] for step in data["steps"])


def test_a_name_that_looks_like_a_placeholder_stays_a_name():
    page = lesson(Value(1.0, name="@@DATA@@") * 2.0, title="@@SVG@@").html
    data = page_data(page)
    assert data["title"] == "@@SVG@@" and "@@DATA@@" in {node["label"] for node in data["nodes"]}


def test_the_data_script_cannot_be_closed_early():
    page = lesson(Value(1.0, name="</script>") + Value(2.0, name="<!--")).html
    embedded = re.search(r'id="lesson-data">(.*?)</script>', page, re.DOTALL).group(1)
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded


# ---------------------------------------------------------------- every number is the engine's


def test_the_page_embeds_explains_derivation():
    x, y = Value(3.0, name="x"), Value(-2.0, name="y")
    root = (x * y).tanh() + x
    data = page_data(lesson(root).html)
    assert data["schema"] == "scalargrad.lesson/1"
    assert data["derivation"] == explain(root).to_dict()


def test_backward_steps_are_the_engines_edges_in_the_engines_order():
    x, w, b = Value(0.5, name="x"), Value(-1.5, name="w"), Value(0.25, name="b")
    root = (x * w + b).sigmoid() * x
    ids = node_ids(root)
    engine_edges: list[tuple[str, str]] = []
    propagate(
        topological_order(root),
        1.0,
        differentiable=False,
        on_step=lambda node, parent, *numbers: engine_edges.append((ids[parent], ids[node])),
    )
    steps = page_data(lesson(root).html)["steps"]
    shown = [(s["focus"], s["related"][0]) for s in steps if s["phase"] == "backward"]
    assert shown == engine_edges


def test_the_final_gradients_in_the_boxes_are_the_engines_grads():
    x, y = Value(1.5, name="x"), Value(-0.5, name="y")
    root = (x * y + x.exp()) / (y * y + 1.0)
    page = lesson(root)
    root.backward()
    ids = node_ids(root)
    boxes = final_boxes(page.data["steps"])
    for node, node_id in ids.items():
        if not node.parents and node.name is None:  # a constant: no step computes its gradient
            assert boxes[(node_id, "grad")] == "grad –"
            continue
        shown = float(boxes[(node_id, "grad")].removeprefix("grad "))
        assert math.isclose(shown, node.grad, rel_tol=5e-4, abs_tol=1e-12), node_id


def test_every_value_appears_once_in_the_forward_pass_after_its_operands():
    a, b = Value(2.0, name="a"), Value(3.0, name="b")
    root = (a * b + a).relu() * (b - 1.0)
    ids = node_ids(root)
    steps = page_data(lesson(root).html)["steps"]
    written = [s["focus"] for s in steps if s["phase"] == "forward"]
    assert sorted(written) == sorted(ids.values())
    for node, node_id in ids.items():
        for parent in node.parents:
            assert written.index(ids[parent]) < written.index(node_id)


def test_a_reused_node_shows_its_running_sum_and_total():
    # f = x·x + x at x = 3: x receives 3 and 3 through the product and 1 through the sum; 2x + 1 = 7
    x = Value(3.0, name="x")
    steps = lesson(x * x + x).data["steps"]
    into_x = [s for s in steps if s["phase"] == "backward" and s["equation"].startswith("∂L/∂x =")]
    assert [s["numbers"].rsplit("= ", 1)[1] for s in into_x] == ["1", "3", "3"]
    running = [s["changes"][0][2] for s in into_x]
    assert running == ["grad 1", "grad 4", "grad 7"]
    (total,) = [s for s in steps if s["phase"] == "sum"]
    assert total["numbers"] == "= 1 + 3 + 3 = 7"


def test_each_step_writes_upstream_times_local():
    x, w = Value(2.0, name="x"), Value(-3.0, name="w")
    steps = lesson((x * w).tanh()).data["steps"]
    into_w = next(s for s in steps if s["phase"] == "backward" and s["equation"].startswith("∂L/∂w ="))
    # ∂tanh(u)/∂u = 1 − tanh²(−6); ∂L/∂w = that × x
    upstream = 1 - math.tanh(-6.0) ** 2
    assert into_w["equation"] == "∂L/∂w = ∂L/∂v3 · ∂v3/∂w"
    assert into_w["numbers"] == f"= {upstream:.6g} × 2 = {2 * upstream:.6g}"


def test_the_lesson_leaves_the_graph_untouched():
    w = Value(2.0, name="w")
    root = w * w
    root.backward()
    lesson(root, learning_rate=0.1)
    assert (w.grad, root.grad, w.data, root.name) == (4.0, 1.0, 2.0, None)


def test_updates_step_each_variable_against_its_gradient():
    # seed 002: f(x, y) = x² + y² at (3, 4), α = 0.1 → (2.4, 3.2)
    x, y = Value(3.0, name="x"), Value(4.0, name="y")
    steps = lesson(x**2 + y**2, learning_rate=0.1, params=[x, y]).data["steps"]
    updates = [s for s in steps if s["phase"] == "update"]
    assert [s["numbers"] for s in updates] == ["= 3 − 0.1 × 6 = 2.4", "= 4 − 0.1 × 8 = 3.2"]
    # the new output: 2.4² + 3.2² = 5.76 + 10.24 = 16, from 3² + 4² = 25
    assert steps[-1]["phase"] == "end"
    assert steps[-1]["table"] == [["x", "3 → 2.4"], ["y", "4 → 3.2"], ["L", "25 → 16"]]
    assert "Then 2 updates" in " ".join(steps[0]["details"])


def test_a_graph_larger_than_max_nodes_is_refused():
    total = Value(0.0, name="x")
    for _ in range(20):
        total = total + 1.0
    with pytest.raises(ValueError, match="max_nodes=10"):
        lesson(total, max_nodes=10)


def test_a_non_value_root_is_a_type_error():
    with pytest.raises(TypeError, match="Value"):
        lesson(3.0)  # type: ignore[arg-type]


def test_save_writes_the_page_and_returns_its_path(tmp_path: Path):
    page = lesson(Value(1.0, name="x") * 2.0)
    path = page.save(tmp_path / "page.html")
    assert path == tmp_path / "page.html" and path.read_text(encoding="utf-8") == page.html
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


# ---------------------------------------------------------------- networks


def test_seed001_lesson_reproduces_the_published_step(seed001_page: str):
    data = page_data(seed001_page)
    spec = load_spec(SEED001)
    expected = spec.expected
    last = data["steps"][-1]
    # Roi Yehoshua, seed 001: 0.6718 before, 0.6981 after one step
    assert last["equation"] == "o: (0.671846) → (0.698076)"
    updates = {s["equation"].split(" ←")[0]: s for s in data["steps"] if s["phase"] == "update"}
    assert len(updates) == 14
    for name, published in (
        ("w[1]_21", expected["updated_weights"][0][1][0]),
        ("w[2]_11", expected["updated_weights"][1][0][0]),
        ("w[3]_12", expected["updated_weights"][2][0][1]),
        ("b[1]_3", expected["updated_biases"][0][2]),
    ):
        shown = float(updates[name]["numbers"].rsplit("= ", 1)[1])
        assert shown == pytest.approx(published, abs=expected["tolerance"]), name


def test_seed001_gradients_in_the_boxes_are_the_engines(seed001_page: str):
    _, parameters = seed001_graph()
    data = page_data(seed001_page)
    ids = {node["label"]: node["id"] for node in data["nodes"]}
    boxes = final_boxes([s for s in data["steps"] if s["phase"] != "update"])
    assert len(parameters) == 14
    for name, parameter in parameters.items():
        shown = float(boxes[(ids[name], "grad")].removeprefix("grad "))
        assert math.isclose(shown, parameter.grad, rel_tol=5e-4, abs_tol=1e-12), name
    table = dict(next(s for s in data["steps"] if s["phase"] == "gradients")["table"])
    for name, parameter in parameters.items():
        assert float(table[f"∂C/∂{name}"]) == pytest.approx(parameter.grad, rel=1e-5, abs=1e-12)


def test_a_network_lesson_on_a_batch_sums_the_examples_gradients():
    model = MLP.from_weights([[[0.5, -0.25]], [[1.5]]], [[0.1], [-0.2]], ["tanh", "linear"])
    page = network_lesson(model, [[1.0, 2.0], [-1.0, 0.5]], [[0.5], [0.0]], "half_sse", 0.1)
    updates = [s for s in page.data["steps"] if s["phase"] == "update"]
    assert len(updates) == 5 and all("∂C/∂" in s["equation"] for s in updates)
    assert page.data["network"]["steps"][0]["examples"][1]["input"] == [-1.0, 0.5]


def test_the_demo_writes_both_lesson_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from demos import lessons

    paths = lessons.main(tmp_path)
    assert [path.name for path in paths] == ["lesson_yehoshua_2023.html", "lesson_neuron.html"]
    out = capsys.readouterr().out
    for path in paths:
        assert str(path) in out and page_data(path.read_text(encoding="utf-8"))["steps"]


# ---------------------------------------------------------------- the command line


def test_cli_writes_a_spec_lesson(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    output = tmp_path / "seed001.html"
    assert main(["lesson", str(SEED001), "-o", str(output)]) == 0
    # 131 steps with the target y1 as a leaf the page can edit, less the two chain-rule steps into the
    # constant 1s of (1 − p) and (1 − y1), which change nothing
    assert f"wrote {output} (129 steps" in capsys.readouterr().out
    assert page_data(output.read_text(encoding="utf-8"))["title"].startswith("Yehoshua (2023)")


def test_cli_writes_an_expression_lesson_with_updates(tmp_path: Path):
    output = tmp_path / "expr.html"
    code = main(["lesson", "x*y + x", "--param", "x=3", "--param", "y=4", "--learning-rate", "0.1", "-o", str(output)])
    assert code == 0
    steps = page_data(output.read_text(encoding="utf-8"))["steps"]
    assert steps[0]["equation"] == "L = x*y + x"
    assert [s["numbers"] for s in steps if s["phase"] == "update"] == ["= 3 − 0.1 × 5 = 2.5", "= 4 − 0.1 × 3 = 3.7"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x*y", "--var", "x=1"], "undefined variable 'y'"),
        (["x*", "--var", "x=1"], "column"),
        ([str(EXAMPLES / "missing.json")], "cannot read the file"),
        ([str(SEED001), "--var", "x=1"], "--var is for an expression"),
    ],
)
def test_cli_errors_exit_with_2_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
):
    output = tmp_path / "lesson.html"
    assert main(["lesson", *arguments, "-o", str(output)]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_cli_wants_an_html_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["lesson", "x", "--var", "x=1", "-o", str(tmp_path / "lesson.svg")]) == 2
    assert "extension .html" in capsys.readouterr().err


def test_the_root_s_local_derivative_is_written_with_its_expression_not_as_the_gradient_itself() -> None:
    """Written ∂L/∂v5, the first chain-rule step would read ∂L/∂v5 = ∂L/∂L · ∂L/∂v5, which says nothing."""
    x, w, b = Value(2.0, name="x"), Value(-3.0, name="w"), Value(1.0, name="b")
    z = x * w + b
    loss = z.tanh()
    loss.name = "L"
    steps = [step.equation for step in lesson(loss).steps if step.phase == "backward"]
    first_operand = steps[0].split(" = ")[0].removeprefix("∂L/∂")
    assert steps[0] == f"∂L/∂{first_operand} = ∂L/∂L · ∂tanh({first_operand})/∂{first_operand}"
    assert all("· ∂L/∂" not in equation for equation in steps)

"""Pictures of networks a teacher can put on a slide: textbook names, layers and neurons in order, readable text.

The sizes are measured from the rendered SVG here, independently of
`Graph.smallest_text_on_screen`: the ``width``/``height`` in pt of the
``<svg>`` element, and the ``font-size`` of every text, scaled as a
1920 × 1080 slide shows the picture.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd import Value, draw
from autograd.backprop import topological_order
from nn import MLP, losses
from nn.teaching.spec import load_spec
from scalargrad.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"
YEHOSHUA = EXAMPLES / "yehoshua_2023_two_hidden_layers.json"
SVG = "{http://www.w3.org/2000/svg}"


def _boxes(svg: str) -> dict[str, tuple[float, float, list[str]]]:
    """Each drawn node's first text (its name, or a table's title) → (x, y) of that text and all its texts."""
    found = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") == "node":
            texts = list(group.iter(f"{SVG}text"))
            if texts and texts[0].text:
                found[texts[0].text] = (
                    float(texts[0].get("x", 0)),
                    float(texts[0].get("y", 0)),
                    [t.text or "" for t in texts],
                )
    return found


def _smallest_text_px_on_a_slide(svg: str) -> tuple[float, float, float]:
    width, height = (float(x) for x in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    scale = min(1920 / width, 1080 / height)
    smallest = min(float(size) for size in re.findall(r'font-size="([\d.]+)"', svg))
    return width, height, smallest * scale


def _seed_loss() -> Value:
    return load_spec(YEHOSHUA).derive().graph_loss()


def test_inputs_targets_and_the_loss_carry_the_textbook_names():
    loss = _seed_loss()
    leaves = {node.name for node in topological_order(loss) if not node.parents}
    assert {"x1", "x2", "y1"} <= leaves
    assert loss.name == "C"
    svg = draw(loss, group=True).svg()
    names = set(_boxes(svg))
    assert {"x1", "x2", "y1", "C"} <= names
    assert not any(re.fullmatch(r"v\d+", name) and name in ("v5", "v8", "v44", "v52") for name in names)


def test_the_loss_of_one_example_has_no_one_input_sum_and_no_division_by_one():
    for loss_name, output_activation in (("half_sse", "sigmoid"), ("mse", "sigmoid"), ("bce", "sigmoid"),
                                         ("bce_with_logits", "linear"), ("hinge", "linear")):
        model = MLP.from_weights([[[0.5, -0.2]], [[0.7]]], [[0.1], [0.0]], ["sigmoid", output_activation])
        target = [1.0]
        loss = losses.LOSSES[loss_name]([model([1.0, 0.0])], [target], "mean")
        after_network = [node for node in topological_order(loss) if node.name is None or node.name == "C"]
        assert after_network, loss_name
        assert not [node for node in after_network if node.op == "sum" and len(node.parents) == 1], loss_name
        assert not [node for node in after_network if node.op == "/" and node.parents[1].data == 1.0], loss_name


def test_a_constant_is_written_into_its_operations_oval():
    y = Value(1.0, name="y1")
    out = (1.0 - y) * 0.5
    svg = draw(out).svg()
    boxes = _boxes(svg)
    assert {"1 −", "× 0.5"} <= set(boxes)
    # the constants 1.0 (v1) and 0.5 (v4) have no box; y1, 1 − y1 (v3) and the product (v5) have
    assert sorted(name for name, (_, _, texts) in boxes.items() if len(texts) == 3) == ["v3", "v5", "y1"]
    kept = _boxes(draw(out, fold_constants=False).svg())
    assert {"−", "×"} <= set(kept)


def test_layers_run_left_to_right_and_neurons_top_to_bottom():
    for svg in (draw(_seed_loss(), group=True).svg(), draw(_seed_loss(), group=True, collapse=True, rankdir="LR").svg()):
        boxes = _boxes(svg)

        def where(name: str) -> tuple[float, float]:
            key = next(key for key in boxes if key == name or key.startswith(name + " ="))
            return boxes[key][0], boxes[key][1]

        for first, second in (("a[1]_1", "a[1]_2"), ("a[1]_2", "a[1]_3"), ("a[2]_1", "a[2]_2")):
            assert where(first)[1] < where(second)[1], (first, second)  # SVG y grows downwards
        assert max(where(f"a[1]_{k}")[0] for k in (1, 2, 3)) < min(where(f"a[2]_{k}")[0] for k in (1, 2))
        assert max(where(f"a[2]_{k}")[0] for k in (1, 2)) < where("a[3]_1")[0]
    boxes = _boxes(draw(_seed_loss(), group=True).svg())
    for first, second in (("w[3]_11", "w[3]_12"), ("w[2]_21", "w[2]_22"), ("w[2]_22", "w[2]_23"), ("x1", "x2")):
        assert boxes[first][1] < boxes[second][1], (first, second)  # the issue found w[3]_12 above w[3]_11


def test_the_derive_picture_of_yehoshuas_example_fits_a_16_9_slide_with_text_of_10_px(tmp_path, capsys):
    picture = tmp_path / "graph.svg"
    assert main(["derive", str(YEHOSHUA), "--graph", str(picture), "-o", str(tmp_path / "d.md")]) == 0
    width, height, text_px = _smallest_text_px_on_a_slide(picture.read_text(encoding="utf-8"))
    assert text_px >= 10.0, (width, height, text_px)
    assert {"x1", "y1", "C"} <= set(_boxes(picture.read_text(encoding="utf-8")))


def test_graph_measures_the_smallest_text_on_a_slide_as_the_svg_says():
    graph = draw(_seed_loss(), group=True)
    assert graph.smallest_text_on_screen() == pytest.approx(_smallest_text_px_on_a_slide(graph.svg())[2])


def test_scalargrad_graph_names_its_output_l(tmp_path, capsys):
    picture = tmp_path / "g.svg"
    assert main(["graph", "tanh(x*w + b)", "--var", "x=2", "--var", "w=-3", "--var", "b=6.88", "-o", str(picture)]) == 0
    boxes = _boxes(picture.read_text(encoding="utf-8"))
    assert "L" in boxes and boxes["L"][2][1] == "data 0.7064"
    assert main(["graph", "L*2", "--var", "L=1", "-o", str(picture)]) == 0
    assert "out" in _boxes(picture.read_text(encoding="utf-8"))


def test_drawn_top_to_bottom_the_neurons_of_a_layer_run_left_to_right_in_order():
    boxes = _boxes(draw(_seed_loss(), group=True, rankdir="TB").svg())
    x = {name: boxes[name][0] for name in ("a[1]_1", "a[1]_2", "a[1]_3", "a[2]_1", "a[2]_2", "w[3]_11", "w[3]_12")}
    assert x["a[1]_1"] < x["a[1]_2"] < x["a[1]_3"] and x["a[2]_1"] < x["a[2]_2"] and x["w[3]_11"] < x["w[3]_12"]

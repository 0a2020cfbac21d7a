"""autograd.draw: what the pictures show, that they are valid, deterministic and safe, and how files are written."""

from __future__ import annotations

import importlib
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pygraphviz
import pytest

from autograd import Graph, Value, draw
from nn import MLP

draw_module = importlib.import_module("autograd.views.draw")

SVG = "{http://www.w3.org/2000/svg}"


def svg_nodes(svg: str) -> dict[str, list[str]]:
    """Each drawn node of an SVG (by its DOT id) with the texts shown in it; parsing also proves the SVG is XML."""
    nodes = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") == "node":
            title = group.find(f"{SVG}title")
            assert title is not None and title.text is not None
            nodes[title.text] = [text.text or "" for text in group.iter(f"{SVG}text")]
    return nodes


def texts_of(svg: str, label: str) -> list[str]:
    """The texts of the value box whose first text (its name) is `label`."""
    matches = [texts for texts in svg_nodes(svg).values() if texts and texts[0] == label]
    assert len(matches) == 1, f"expected one box labelled {label!r}, found {len(matches)}"
    return matches[0]


def micrograd_neuron() -> tuple[Value, dict[str, Value]]:
    """o = tanh(x1*w1 + x2*w2 + b) with the numbers of micrograd's README and lecture, after backward."""
    leaves = {
        "x1": Value(2.0, name="x1"),
        "x2": Value(0.0, name="x2"),
        "w1": Value(-3.0, name="w1"),
        "w2": Value(1.0, name="w2"),
        "b": Value(6.8813735870195432, name="b"),
    }
    n = leaves["x1"] * leaves["w1"] + leaves["x2"] * leaves["w2"] + leaves["b"]
    n.name = "n"
    o = n.tanh()
    o.name = "o"
    o.backward()
    return o, leaves


# ------------------------------------------------------------------- content


def test_svg_has_one_box_per_value_and_one_oval_per_operation():
    o, _ = micrograd_neuron()
    nodes = svg_nodes(draw(o).svg())
    # By hand: 5 leaves, 2 products, 2 sums, tanh -> 10 Values; 5 of them made by an operation.
    assert len([title for title in nodes if not title.endswith("op")]) == 10
    assert sorted(texts[0] for title, texts in nodes.items() if title.endswith("op")) == ["+", "+", "tanh", "×", "×"]


def test_svg_shows_micrograd_neuron_data_and_gradients():
    # micrograd's lecture (nn-zero-to-hero, micrograd notebook): o = 0.7071, do/dx1 = -1.5, do/dw1 = 1,
    # do/dx2 = 0.5, do/dw2 = 0, do/db = 0.5.
    o, _ = micrograd_neuron()
    svg = draw(o).svg()
    assert texts_of(svg, "o") == ["o", "data 0.7071", "grad 1"]
    assert texts_of(svg, "x1") == ["x1", "data 2", "grad -1.5"]
    assert texts_of(svg, "w1") == ["w1", "data -3", "grad 1"]
    assert texts_of(svg, "x2") == ["x2", "data 0", "grad 0.5"]
    assert texts_of(svg, "w2") == ["w2", "data 1", "grad 0"]
    assert texts_of(svg, "b") == ["b", "data 6.881", "grad 0.5"]


def test_micrograd_readme_expression_shows_the_published_numbers():
    # karpathy/micrograd README: g.data = 24.7041, dg/da = 138.8338, dg/db = 645.5773.
    a, b = Value(-4.0, name="a"), Value(2.0, name="b")
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.name = "g"
    g.backward()
    svg = draw(g, precision=7).svg()
    assert texts_of(svg, "g")[1] == "data 24.70408"
    assert texts_of(svg, "a")[2] == "grad 138.8338"
    assert texts_of(svg, "b")[2] == "grad 645.5773"


def test_precision_sets_the_significant_digits_shown():
    o, _ = micrograd_neuron()
    assert "data 0.71" in texts_of(draw(o, precision=2).svg(), "o")


def test_show_grad_false_and_show_data_false_leave_only_the_names():
    o, _ = micrograd_neuron()
    assert texts_of(draw(o, show_data=False, show_grad=False).svg(), "x1") == ["x1"]


def test_unnamed_values_are_labelled_with_ids_in_topological_order():
    x, y = Value(3.0, name="x"), Value(4.0, name="y")
    out = (x * y) + x
    source = draw(out).source
    # Operands first, left to right: x is v1, y is v2, x*y is v3, the output v4.
    assert "<B>v3</B>" in source and "<B>v4</B>" in source
    assert source.index("<B>x</B>") < source.index("<B>y</B>") < source.index("<B>v3</B>")


def test_both_edges_of_x_times_x_are_drawn():
    x = Value(3.0, name="x")
    source = draw(x * x).source
    assert source.count("v1 -> v2op") == 2


def test_operands_of_subtraction_division_and_power_are_labelled_by_role():
    x, y = Value(3.0, name="x"), Value(4.0, name="y")
    graph = pygraphviz.AGraph(string=draw((x - y) / y + x**y).source)
    labels = {(edge[0], edge[1], edge.attr["label"]) for edge in graph.edges()}
    # x is v1, y is v2; x - y is v3, (x-y)/y is v4, x**y is v5.
    assert {("v1", "v3op", "left"), ("v2", "v3op", "right")} <= labels
    assert {("v3", "v4op", "left"), ("v2", "v4op", "right")} <= labels
    assert {("v1", "v5op", "base"), ("v2", "v5op", "exponent")} <= labels


def test_kinds_of_nodes_are_styled_distinctly():
    w, x = Value(0.5, name="w[1]_11"), Value(2.0, name="x1")
    out = w * x + 1.0
    graph = pygraphviz.AGraph(string=draw(out, fold_constants=False).source)
    styles = {name: graph.get_node(name).attr for name in ("v1", "v2", "v3", "v4", "v5")}
    # w (parameter), x (input), w*x (intermediate), 1.0 (constant), out (output)
    looks = {(s["fillcolor"], s["style"], s.get("peripheries") or "1", s["penwidth"]) for s in styles.values()}
    assert len(looks) == 5
    assert styles["v1"]["peripheries"] == "2"
    assert "dashed" in styles["v4"]["style"]


# ------------------------------------------------------------------- determinism and size


def test_the_same_graph_gives_byte_identical_dot_every_time():
    first, _ = micrograd_neuron()
    second, _ = micrograd_neuron()
    assert draw(first, group=True).source == draw(second, group=True).source
    assert draw(first).source == draw(first).source


def test_a_100000_node_chain_fails_with_the_max_nodes_error_before_walking_it_all(monkeypatch):
    node = Value(0.0, name="x")
    for _ in range(100_000):
        node = node + 1.0
    walked = []
    monkeypatch.setattr(draw_module, "topological_order", lambda root: walked.append(root) or [])
    with pytest.raises(ValueError, match="collapse=True"):
        draw(node)
    assert walked == []  # refused by the bounded count, never ordered in full


def test_a_chain_deeper_than_the_recursion_limit_is_drawn_without_recursion():
    node = Value(0.0, name="x")
    for _ in range(3000):
        node = node + 1.0
    source = draw(node, max_nodes=10_000).source
    assert "<B>v6001</B>" in source  # 1 leaf + 3000 constants + 3000 sums


# ------------------------------------------------------------------- escaping


@pytest.mark.parametrize(
    "name",
    ['<b & "c">', "{x|y}", "back\\slash", "a<TD>b</TD>", "quote's", "\\N \\G \\l", "]]> & &amp;"],
)
def test_hostile_names_parse_as_dot_and_appear_literally_in_the_svg(name):
    leaf = Value(1.5, name=name)
    out = leaf * 2.0
    source = draw(out).source
    assert len(pygraphviz.AGraph(string=source).nodes()) == 3  # leaf, product and its operation "× 2" (the constant folded in)
    assert texts_of(draw(out).svg(), name) == [name, "data 1.5", "grad 0"]


def test_invisible_characters_in_names_are_shown_as_escapes():
    leaf = Value(1.0, name="tab\there")
    assert texts_of(draw(leaf * 2.0).svg(), "tab\\there")[0] == "tab\\there"


# ------------------------------------------------------------------- group, collapse, highlight


def neuron_from_nn() -> Value:
    model = MLP.from_weights([[[-3.0, 1.0]]], [[6.8813735870195432]], "tanh")
    out = model([Value(2.0, name="x1"), Value(0.0, name="x2")])
    assert isinstance(out, Value)
    out.backward()
    return out


def test_group_boxes_a_neurons_parameters_products_and_sum_but_not_its_inputs():
    graph = pygraphviz.AGraph(string=draw(neuron_from_nn(), group=True).source)
    (layer,) = [subgraph for subgraph in graph.subgraphs() if (subgraph.name or "").startswith("cluster")]
    (neuron,) = layer.subgraphs()
    labels = {graph.get_node(n).attr["label"] for n in neuron.nodes() if not n.endswith("op")}
    names = {label.split("<B>")[1].split("</B>")[0] for label in labels}
    # parameters, the two products w·x (unnamed: v-ids), their sum z and the activation a
    assert {"w[1]_11", "w[1]_12", "b[1]_1", "z[1]_1", "a[1]_1"} <= names
    assert len(names) == 7
    assert not {"x1", "x2"} & names


def mlp_loss() -> tuple[MLP, Value]:
    model = MLP(2, [16, 16, 1], seed=3)
    out = model([Value(0.5, name="x1"), Value(-1.0, name="x2")])
    assert isinstance(out, Value)
    loss = (out - 1.0) ** 2
    loss.name = "loss"
    loss.backward()
    return model, loss


def test_collapse_draws_an_mlp_2_16_16_1_as_one_table_per_neuron():
    _, loss = mlp_loss()
    with pytest.raises(ValueError, match="collapse=True"):
        draw(loss)  # 711 Values: too many without collapsing
    nodes = svg_nodes(draw(loss, collapse=True).svg())
    tables = [texts for texts in nodes.values() if "input" in texts]
    assert len(tables) == 16 + 16 + 1
    headers = sorted(texts[0] for texts in tables)
    assert headers[0] == "a[1]_1 = relu(z[1]_1)" and headers[-1] == "a[3]_1"
    boxes = [texts[0] for title, texts in nodes.items() if texts not in tables and not title.endswith("op")]
    # Besides the tables: the inputs, out - 1.0 and the loss (the constant 1.0 is written into the
    # oval "− 1"). The network has 2 inputs + 16·7 (2 w, b, 2 products, z, a) + 16·35 (16 w, b,
    # 16 products, z, a) + 34 (linear: z is a) = 708 Values, so the constant is v709 and out - 1.0 is v710.
    assert sorted(boxes) == sorted(["x1", "x2", "v710", "loss"])
    assert nodes["v710op"] == ["− 1"]


def test_a_collapsed_table_lists_each_weight_with_its_input_data_and_grad():
    model, loss = mlp_loss()
    nodes = svg_nodes(draw(loss, collapse=True, precision=6).svg())
    neuron = model.layers[1].neurons[4]  # a[2]_5
    (table,) = [texts for texts in nodes.values() if texts and texts[0] == "a[2]_5 = relu(z[2]_5)"]
    weight = neuron.w[2]
    assert weight is not None and weight.name == "w[2]_53"
    row = table[table.index("w[2]_53") :][:4]
    a_1_3 = model.layers[0]([0.5, -1.0])[2].data  # the input it multiplies: a[1]_3, recomputed by a fresh forward pass
    assert row == ["w[2]_53", f"{a_1_3:.6g}", f"{weight.data:.6g}", f"{weight.grad + 0.0:.6g}"]


def test_collapse_counts_tables_against_max_nodes():
    _, loss = mlp_loss()
    with pytest.raises(ValueError, match="38 boxes"):
        draw(loss, collapse=True, max_nodes=20)


def test_highlight_marks_the_nodes_and_the_edges_of_a_path():
    o, leaves = micrograd_neuron()
    n = o.parents[0]
    graph = pygraphviz.AGraph(string=draw(o, highlight=[leaves["b"], n, o]).source)
    red = draw_module._RED
    emphasised = {node for node in graph.nodes() if node.attr["color"] == red}
    names = {
        graph.get_node(node).attr["label"].split("<B>")[1].split("</B>")[0]
        for node in emphasised
        if not node.endswith("op")
    }
    assert names == {"b", "n", "o"}
    red_edges = {(edge[0], edge[1]) for edge in graph.edges() if edge.attr["color"] == red}
    b_id, n_id, o_id = (
        next(node for node in graph.nodes() if f"<B>{name}</B>" in node.attr["label"]) for name in ("b", "n", "o")
    )
    assert red_edges == {(b_id, n_id + "op"), (n_id + "op", n_id), (n_id, o_id + "op"), (o_id + "op", o_id)}


def test_highlight_of_a_value_outside_the_graph_is_refused():
    o, _ = micrograd_neuron()
    with pytest.raises(ValueError, match="not in the graph"):
        draw(o, highlight=Value(1.0))


@pytest.mark.parametrize(
    "options",
    [{"precision": 0}, {"rankdir": "XY"}, {"max_nodes": 0}, {"show_grad": "no"}],
)
def test_bad_options_are_refused_with_a_message(options):
    o, _ = micrograd_neuron()
    with pytest.raises((TypeError, ValueError)):
        draw(o, **options)


def test_drawing_something_other_than_a_value_is_a_type_error():
    with pytest.raises(TypeError, match="Value"):
        draw(3.0)  # type: ignore[arg-type]


# ------------------------------------------------------------------- files and rendering


def test_save_chooses_the_format_from_the_extension(tmp_path: Path):
    o, _ = micrograd_neuron()
    graph = draw(o)
    assert graph.save(tmp_path / "g.svg").read_bytes().startswith(b"<?xml")
    assert graph.save(tmp_path / "g.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert graph.save(tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")
    assert graph.save(tmp_path / "g.dot").read_text(encoding="utf-8") == graph.source


def test_save_refuses_an_unknown_extension_and_names_the_valid_ones(tmp_path: Path):
    o, _ = micrograd_neuron()
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf, \.dot"):
        draw(o).save(tmp_path / "g.jpeg")
    assert list(tmp_path.iterdir()) == []


def test_save_leaves_nothing_behind_when_rendering_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def failing_render(source: str, output_format: str, layout: str = "dot") -> bytes:
        raise RuntimeError("simulated Graphviz failure")

    monkeypatch.setattr(draw_module, "_render", failing_render)
    o, _ = micrograd_neuron()
    with pytest.raises(RuntimeError):
        draw(o).save(tmp_path / "g.png")
    assert list(tmp_path.iterdir()) == []


def test_save_leaves_nothing_behind_when_the_target_cannot_be_replaced(tmp_path: Path):
    (tmp_path / "g.svg").mkdir()  # a folder where the file should go: the final rename fails
    o, _ = micrograd_neuron()
    with pytest.raises(OSError):
        draw(o).save(tmp_path / "g.svg")
    assert [path.name for path in tmp_path.iterdir()] == ["g.svg"]


def test_repr_svg_gives_jupyter_the_svg():
    o, _ = micrograd_neuron()
    graph = draw(o)
    assert graph._repr_svg_() == graph.svg()
    assert graph.svg().lstrip().startswith("<?xml")


def test_invalid_dot_raises_instead_of_rendering_a_broken_picture():
    with pytest.raises(RuntimeError, match="Graphviz could not render"):
        Graph("digraph { a [label=<<B>x</I>>] }").svg()


def test_fontconfig_version_warnings_are_dropped_and_other_messages_kept(capfd: pytest.CaptureFixture[str]):
    from autograd.views.layout_worker import graphviz_messages

    with graphviz_messages() as messages:
        os.write(2, b'Fontconfig warning: "/etc/x.conf", line 6: unknown element "reset-dirs"\n')
        os.write(2, b"Warning: something real\n")
    assert messages == ["Warning: something real"]
    assert capfd.readouterr().err == ""  # collected, for the caller's process to print


def test_graphviz_warnings_reach_the_callers_stderr(capfd: pytest.CaptureFixture[str]):
    Graph('digraph { a -> b [bogus_attribute_value=1, arrowhead="nosuchshape"] }').svg()
    assert "nosuchshape" in capfd.readouterr().err


def test_rendering_prints_nothing_to_stderr(capfd: pytest.CaptureFixture[str]):
    o, _ = micrograd_neuron()
    draw(o).svg()
    assert capfd.readouterr().err == ""

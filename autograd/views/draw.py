"""Pictures of computation graphs: DOT text built with `graphviz`, rendered by the Graphviz inside `pygraphviz`.

`draw(root)` returns a `Graph`; ``graph.save("g.svg")`` writes a picture
(``.svg``, ``.png``, ``.pdf`` or the ``.dot`` text) and Jupyter shows a
`Graph` inline. No system Graphviz is needed: the `pygraphviz` wheel carries
its own, loaded only when a picture is rendered.

The drawing reads only what the engine recorded (``data``, ``grad``, ``op``,
``parents``, ``name``); it never recomputes anything. Nodes are numbered in
topological order, so the same graph gives byte-identical DOT text on every
run, and every walk over the graph is iterative, so depth is no problem.
"""

from __future__ import annotations

import html
import re
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import graphviz

from autograd.backprop import topological_order
from autograd.files import write_atomically
from autograd.i18n import N_, Catalog, language
from autograd.notation import NetworkName, parse_network_name
from autograd.value import Value
from autograd.views import layout
from autograd.views.layout import PROGRAMS as LAYOUT_PROGRAMS

Highlight = Value | Sequence[Value] | None

FORMATS = ("svg", "png", "pdf", "dot")
SLIDE = (1920, 1080)
"""A full-HD 16:9 slide, in pixels: what `Graph.smallest_text_on_screen` measures against by default."""
RANKDIRS = ("LR", "TB", "RL", "BT")

_FONT = "Helvetica,Arial,sans-serif"
_RED = "#c0001a"
_PARAMETER_FILL = "#ffc58a"

# Fills light enough for black text on a projector; the border (rounded,
# dashed, double, thick) tells the kinds apart in greyscale as well.
_VALUE_STYLES = {
    "input": {"style": "rounded,filled", "fillcolor": "#a9d3f5", "color": "#1d4f80", "penwidth": "1.5"},
    "constant": {"style": "dashed,filled", "fillcolor": "#e6e6e6", "color": "#555555", "penwidth": "1.2"},
    "parameter": {
        "style": "filled",
        "fillcolor": _PARAMETER_FILL,
        "color": "#8a4500",
        "penwidth": "1.2",
        "peripheries": "2",
    },
    "intermediate": {"style": "filled", "fillcolor": "#ffffff", "color": "#333333", "penwidth": "1.2"},
    "output": {"style": "filled", "fillcolor": "#a8e6a1", "color": "#1b5e20", "penwidth": "3"},
}
_OPERATION_STYLE = {"shape": "ellipse", "style": "filled", "fillcolor": "#e0e0e0", "color": "#666666", "fontsize": "16"}
_EMPHASIS = {"color": _RED, "penwidth": "3"}
# Collapsed tables by rankdir: the side where edges enter, and the port where they leave.
# In LR an edge enters at the row of the weight its value multiplies and leaves from the a row.
_TABLE_PORTS = {"LR": ("w", ":out:e"), "RL": ("e", ":w"), "TB": ("n", ":s"), "BT": ("s", ":n")}

# Operation symbols as a student writes them. Where the operands play different
# roles their edges are labelled (role words, not letters, which could be mistaken
# for variables named a or b).
_SYMBOLS = {"*": "×", "-": "−", "/": "÷", "neg": "−", "sum": "Σ"}
_OPERAND_ROLES = {"-": (N_("left"), N_("right")), "/": (N_("left"), N_("right")), "**": (N_("base"), N_("exponent"))}
_SYMMETRIC_OPS = frozenset({"+", "*", "sum", "logsumexp"})

_ = Catalog("autograd")


class Graph:
    """A drawn computation graph: its DOT text and the pictures rendered from it.

    Attributes:
        source: the DOT text (byte-identical for the same graph on every run).
        layout: the Graphviz layout program: 'dot' (ranked, for graphs) or
            'neato' (for pictures whose nodes carry fixed positions, such as `autograd.views.plot`).
    """

    def __init__(self, source: str, layout: str = "dot") -> None:
        if not isinstance(source, str):
            raise TypeError(
                f"Graph needs DOT text (a str), got {type(source).__name__}; build one with autograd.draw(root)"
            )
        if layout not in LAYOUT_PROGRAMS:
            raise ValueError(f"layout must be one of {', '.join(map(repr, LAYOUT_PROGRAMS))}, got {layout!r}")
        self.source = source
        self.layout = layout
        self._svg: str | None = None

    def __repr__(self) -> str:
        return f"<Graph: {self.source.count(chr(10))} lines of DOT; .svg() for the picture, .save(path) to write it>"

    def svg(self) -> str:
        """The picture as SVG text (rendered once, then kept)."""
        if self._svg is None:
            self._svg = _render(self.source, "svg", self.layout).decode("utf-8")
        return self._svg

    def size(self) -> tuple[float, float]:
        """The picture's width and height in points (the units of its SVG coordinates)."""
        found = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', self.svg())
        if found is None:
            raise RuntimeError("the rendered SVG has no width and height in pt; please report this as a bug")
        return float(found[1]), float(found[2])

    def smallest_text_on_screen(self, width: int = SLIDE[0], height: int = SLIDE[1]) -> float:
        """How high, in pixels, the smallest text is when the picture is scaled to fit a `width` × `height` screen.

        With the default, a 1920 × 1080 slide (16:9): a picture for a slide
        needs 10 px or more to be read from the back of a room.
        """
        picture_width, picture_height = self.size()
        sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', self.svg())]
        return min(sizes, default=0.0) * min(width / picture_width, height / picture_height)

    def _repr_svg_(self) -> str:
        """Lets Jupyter and IPython show the graph inline."""
        return self.svg()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the picture to `path`, the format chosen by its extension (.svg, .png, .pdf or .dot).

        The picture is rendered completely before anything is written, and the
        file appears in one step (a temporary file renamed over the target), so
        an error never leaves a half-written file behind. Returns the path.
        """
        target = Path(path)
        output_format = target.suffix.lower().lstrip(".")
        if output_format not in FORMATS:
            valid = ", ".join("." + name for name in FORMATS)
            raise ValueError(
                f"cannot tell the picture format of {str(target)!r}: give it one of the extensions {valid}"
            )
        if output_format == "dot":
            data = self.source.encode("utf-8")
        elif output_format == "svg":
            data = self.svg().encode("utf-8")
        else:
            data = _render(self.source, output_format, self.layout)
        write_atomically(target, data)
        return target


def draw(
    root: Value,
    *,
    show_data: bool = True,
    show_grad: bool = True,
    precision: int = 4,
    rankdir: str | None = None,
    highlight: Highlight = None,
    group: bool = False,
    collapse: bool = False,
    max_nodes: int = 500,
    fold_constants: bool = True,
    lang: str | None = None,
) -> Graph:
    """Draw the graph that `root` was computed from, as in micrograd's pictures, readable at every size.

    Every Value is a box with its name, its ``data`` and its ``grad``
    (∂root/∂node after ``root.backward()``; 0 before). A Value made by an
    operation gets a small grey oval with the operation (``+``, ``×``,
    ``tanh``, ``**2``, ...) between its operands and itself. Where the order of
    the operands matters the edges say which is which: ``left`` and ``right``
    for ``−`` and ``÷``, ``base`` and ``exponent`` for ``**`` (other operations
    with several operands number them). ``x*x`` draws both of its edges. An
    unnamed Value is labelled with a generated id, ``v1``, ``v2``, ..., numbered
    in topological order (operands before results).

    Legend (colours chosen for a projector; the borders tell the kinds apart in greyscale too):

    ============  ===========================  ===================================================
    kind          look                         which nodes
    ============  ===========================  ===================================================
    input         blue, rounded corners        a named leaf that is not a parameter (``x1``)
    constant      grey, dashed border          an unnamed leaf (a number mixed into an operation)
    parameter     orange, double border        a leaf named ``w[l]_kj`` or ``b[l]_k`` (`autograd.notation`)
    intermediate  white, thin border           the result of an operation
    output        green, thick border          `root`
    operation     small grey oval              the operation that made the Value it points to
    highlighted   thick red border and edges   the nodes (and path) given as `highlight`
    ============  ===========================  ===================================================

    Args:
        root: the Value to draw, usually the loss or the output.
        show_data: show each node's ``data``.
        show_grad: show each node's ``grad``.
        precision: significant digits of the numbers shown (1 to 17).
        rankdir: ``'LR'`` (inputs on the left; the default) or ``'TB'`` (inputs at the top;
            the default with `collapse`, where a layer's tables then stand side by side);
            ``'RL'`` and ``'BT'`` work too.
        highlight: a Value, or a list of Values, drawn with a thick red border. Where two
            consecutive Values of the list are operand and result, the edges between
            them are red too, so a list such as ``[x, z, a, loss]`` marks a path.
        group: for a network whose nodes carry the names of `autograd.notation`
            (as `nn` names them), a dashed box per layer and inside it a yellow box
            per neuron, holding the neuron's weights, bias, the products ``w·a``,
            their sum ``z`` and the activation ``a``. With `collapse`, the name of each
            layer beside its tables.
        collapse: draw each neuron as one table with edges between neurons, for
            networks too big to draw scalar by scalar (an MLP 2→16→16→1 becomes 33
            tables). A table lists, for each weight ``w[l]_kj``, the input it
            multiplies and the weight's data and grad, then the bias ``b``, the
            weighted input ``z`` and the activation ``a``. A neuron is found by its
            ``a[l]_k`` node (or ``z[l]_k`` if it has none). An input that several
            neurons read stays a box of its own, and with ``rankdir='LR'`` its edge
            ends at the row of the weight it is multiplied by; a constant that only
            one neuron reads appears only in its input column. The loss after the
            network is drawn node by node. Draw the loss of one example: in a batch
            each example has its own copy of every neuron.
        fold_constants: write an unnamed constant that only one ``+ − × ÷`` reads into
            that operation's oval (``1 −``, ``× 0.5``) instead of drawing a box for it.
        max_nodes: the most boxes to draw (Values; tables and Values when collapsed).
            A bigger graph raises ValueError instead of producing an unreadable
            picture; without `collapse` this is checked before the graph is walked.
        lang: the language of the words in the picture (``data``/``grad``, edge roles,
            layer and neuron names): ``"en"`` or ``"zh"``; default: the current one (`autograd.i18n`).

    Returns:
        a `Graph`: ``.source`` (DOT), ``.svg()``, ``.save(path)``, and inline display in Jupyter.
    """
    with language(lang):
        return _draw(root, show_data, show_grad, precision, rankdir, highlight, group, collapse, max_nodes, fold_constants)


def _draw(
    root: Value,
    show_data: bool,
    show_grad: bool,
    precision: int,
    rankdir: str | None,
    highlight: Highlight,
    group: bool,
    collapse: bool,
    max_nodes: int,
    fold_constants: bool,
) -> Graph:
    if rankdir is None:
        rankdir = "TB" if collapse else "LR"
    _check_options(root, show_data, show_grad, precision, rankdir, max_nodes, fold_constants)
    if not collapse:
        _check_size(root, max_nodes)
    order = topological_order(root)
    position = {node: index for index, node in enumerate(order, start=1)}
    neurons = _find_neurons(order, position) if (group or collapse) else {}
    emphasised, emphasised_edges = _highlighted(highlight, position)
    builder = _Builder(
        order, position, neurons, show_data, show_grad, precision, emphasised, emphasised_edges, fold_constants
    )
    dot = builder.collapsed(rankdir, group, max_nodes) if collapse else builder.full(rankdir, group)
    return Graph(dot.source)


def node_ids(root: Value) -> dict[Value, str]:
    """The DOT id `draw` gives each Value of `root`'s graph (``v1``, ``v2``, ...), in drawing order.

    In a drawing made node by node (without `collapse`) each Value is one DOT
    node with this id, and Graphviz's SVG keeps it as the ``<title>`` of the
    node's ``<g>``; the oval of the operation that made the Value has the id
    followed by ``op``. An unnamed Value shows its id as its label. Pages that
    script the SVG (`autograd.lesson`) find their nodes by these ids.
    """
    if not isinstance(root, Value):
        raise TypeError(f"node_ids needs the Value that was drawn, got {type(root).__name__}")
    return {node: _node_id(position) for position, node in enumerate(topological_order(root), start=1)}


def _node_id(position: int) -> str:
    return f"v{position}"


# ----------------------------------------------------------------------------- checks


def _check_options(
    root: object,
    show_data: object,
    show_grad: object,
    precision: object,
    rankdir: object,
    max_nodes: object,
    fold_constants: object = False,
) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"draw needs the Value to draw, got {type(root).__name__}; pass the output or loss Value")
    for flag, value in (("show_data", show_data), ("show_grad", show_grad), ("fold_constants", fold_constants)):
        if not isinstance(value, bool):
            raise TypeError(f"{flag} must be True or False, got {value!r}")
    if isinstance(precision, bool) or not isinstance(precision, int) or not 1 <= precision <= 17:
        raise ValueError(f"precision is a number of significant digits from 1 to 17, got {precision!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(map(repr, RANKDIRS))}, got {rankdir!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")


def _too_big(what: str) -> ValueError:
    return ValueError(
        _(
            "the graph has {what}: a picture that big is unreadable. "
            "Draw a network with collapse=True (one table per neuron), draw a smaller part of the graph, "
            "or raise max_nodes"
        ).format(what=what)
    )


def _check_size(root: Value, max_nodes: int) -> None:
    """Count the nodes up to max_nodes + 1 and stop there: a huge graph is refused without being walked."""
    seen = {root}
    stack = [root]
    while stack:
        for parent in stack.pop().parents:
            if parent not in seen:
                seen.add(parent)
                if len(seen) > max_nodes:
                    raise _too_big(_("more than max_nodes={max_nodes} Values").format(max_nodes=max_nodes))
                stack.append(parent)


def _highlighted(highlight: Highlight, position: dict[Value, int]) -> tuple[set[Value], set[tuple[Value, Value]]]:
    """The Values to emphasise, and the (operand, result) pairs among consecutive ones."""
    if highlight is None:
        return set(), set()
    nodes = [highlight] if isinstance(highlight, Value) else highlight
    if isinstance(nodes, (str, bytes)) or not isinstance(nodes, Iterable):
        raise TypeError(f"highlight must be a Value or a list of Values, got {type(highlight).__name__}")
    nodes = list(nodes)
    for index, node in enumerate(nodes):
        if not isinstance(node, Value):
            raise TypeError(f"highlight[{index}] must be a Value, got {type(node).__name__}")
        if node not in position:
            raise ValueError(
                f"highlight[{index}] {node!r} is not in the graph being drawn; highlight nodes the root depends on"
            )
    edges = set()
    for first, second in zip(nodes, nodes[1:]):
        if first in second.parents:
            edges.add((first, second))
        if second in first.parents:
            edges.add((second, first))
    return set(nodes), edges


# ----------------------------------------------------------------------------- neurons


class _Neuron(NamedTuple):
    """One neuron of one forward pass: the node that names it (a[l]_k, else z[l]_k) and its members in order."""

    anchor: Value
    layer: int
    k: int  # the neuron's number in its layer
    members: tuple[Value, ...]


def _find_neurons(order: list[Value], position: dict[Value, int]) -> dict[Value, _Neuron]:
    """Map each node that belongs to a neuron to that neuron.

    A neuron's members are its a and z nodes, its parameters, and everything
    between its parameters and its a/z node (the products w·a and their sum);
    an unnamed constant joins when all its consumers are members. Its inputs
    (the previous layer's a nodes, the network's inputs) are not members. A node
    that two neurons would claim (a parameter shared by the examples of a batch,
    a softmax's normaliser) belongs to neither.
    """
    names = {node: name for node in order if (name := parse_network_name(node.name)) is not None}
    consumers: dict[Value, list[Value]] = {}
    for node in order:
        for parent in node.parents:
            consumers.setdefault(parent, []).append(node)
    anchors = [node for node in reversed(order) if node in names and names[node].kind == "a"]
    regions = [_neuron_region(anchor, names, consumers, position) for anchor in anchors]
    covered = set().union(*regions)
    for node in reversed(order):
        if node in names and names[node].kind == "z" and node not in covered:
            anchors.append(node)
            regions.append(_neuron_region(node, names, consumers, position))
    claims: dict[Value, int] = {}
    for region in regions:
        for node in region:
            claims[node] = claims.get(node, 0) + 1
    membership: dict[Value, _Neuron] = {}
    for anchor, region in zip(anchors, regions):
        members = tuple(
            sorted((node for node in region if claims[node] == 1 or node is anchor), key=position.__getitem__)
        )
        neuron = _Neuron(anchor, names[anchor].layer, names[anchor].neuron, members)
        for node in members:
            membership[node] = neuron
    return membership


def _neuron_region(
    anchor: Value, names: dict[Value, NetworkName], consumers: dict[Value, list[Value]], position: dict[Value, int]
) -> set[Value]:
    neuron = (names[anchor].layer, names[anchor].neuron)
    # Walk back from the anchor, stopping at nodes named for another neuron: those are its inputs.
    reached = {anchor}
    stack = [anchor]
    while stack:
        for parent in stack.pop().parents:
            other = names.get(parent)
            if parent not in reached and (other is None or (other.layer, other.neuron) == neuron):
                reached.add(parent)
                stack.append(parent)
    # Keep what lies between the neuron's own named nodes (parameters, z) and the anchor.
    region: set[Value] = set()
    for node in sorted(reached, key=position.__getitem__):
        if node in names or any(parent in region for parent in node.parents):
            region.add(node)
    region.add(anchor)
    for node in reached:
        if node.name is None and not node.parents and all(consumer in region for consumer in consumers.get(node, ())):
            region.add(node)
    return region


class _NeuronRows(NamedTuple):
    """What a collapsed neuron's table lists: per input (weight, its input, their product), then b, z and a."""

    weights: list[tuple[Value, Value | None, Value | None]]
    named: list[Value]
    weighted_input: Value | None

    def weights_in_order(self) -> list[Value]:
        """The neuron's weights by j, then its bias: the parameters as the textbook lists them."""
        bias = [node for node in self.named if (name := parse_network_name(node.name)) is not None and name.kind == "b"]
        return [weight for weight, _, _ in self.weights] + bias


def _neuron_rows(neuron: _Neuron) -> _NeuronRows:
    names = {node: name for node in neuron.members if (name := parse_network_name(node.name)) is not None}
    weights = []
    for weight in sorted((node for node in names if names[node].kind == "w"), key=lambda node: names[node]):
        product = next((node for node in neuron.members if node.op == "*" and weight in node.parents), None)
        operand = None
        if product is not None:
            others = [parent for parent in product.parents if parent is not weight]
            operand = others[0] if others else weight
        weights.append((weight, operand, product))
    kinds = "bza"
    named = sorted(
        (node for node in names if names[node].kind in kinds), key=lambda node: kinds.index(names[node].kind)
    )
    if neuron.anchor not in names:
        named.append(neuron.anchor)
    weighted_input = next((node for node in names if names[node].kind == "z"), None)
    return _NeuronRows(weights, named, weighted_input)


# ----------------------------------------------------------------------------- DOT


def _number(x: float, precision: int) -> str:
    return f"{x + 0.0:.{precision}g}"  # + 0.0 turns -0.0 into 0.0: a gradient of "-0" only confuses


def _text(text: str) -> str:
    """`text` for an HTML-like label, shown literally.

    Markup characters become entities; invisible characters become visible
    escapes; a backslash is doubled, because Graphviz expands escapes such as
    ``\\N`` (the node's id) even inside HTML-like labels, after entities.
    """
    visible = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)
    return html.escape(visible.replace("\\", "\\\\"), quote=True)


_FOLDING_OPS = frozenset({"+", "-", "*", "/"})


def _foldable_constants(order: list[Value], emphasised: set[Value]) -> set[Value]:
    """Unnamed leaves that one binary operation alone reads, next to a drawn operand: written into its oval.

    ``1 − y1`` reads better as one oval "1 −" fed by y1 than as a box "1" and an
    oval "−"; a constant the picture should point at (highlighted) keeps its box.
    """
    consumers: dict[Value, list[Value]] = {}
    for node in order:
        for parent in node.parents:
            consumers.setdefault(parent, []).append(node)
    folded = set()
    for node in order:
        if node.op not in _FOLDING_OPS or len(node.parents) != 2:
            continue
        constants = [p for p in node.parents if not p.parents and p.name is None and p not in emphasised]
        if len(constants) == 1 and len(consumers[constants[0]]) == 1:
            folded.add(constants[0])
    return folded


def _edge_roles(node: Value) -> tuple[str, ...]:
    """Labels for the edges into `node`'s operation: roles or positions where the order of operands matters."""
    if node.op in _OPERAND_ROLES:
        return tuple(_(role) for role in _OPERAND_ROLES[node.op])
    count = len(node.parents)
    if count < 2 or node.op in _SYMMETRIC_OPS:
        return ("",) * count
    return tuple(str(index) for index in range(1, count + 1))


class _Builder:
    """Writes the DOT text of one drawing; holds what every part of it needs."""

    def __init__(
        self,
        order: list[Value],
        position: dict[Value, int],
        neurons: dict[Value, _Neuron],
        show_data: bool,
        show_grad: bool,
        precision: int,
        emphasised: set[Value],
        emphasised_edges: set[tuple[Value, Value]],
        fold_constants: bool = False,
    ) -> None:
        self.order = order
        self.position = position
        self.neurons = neurons
        self.show_data = show_data
        self.show_grad = show_grad
        self.precision = precision
        self.emphasised = emphasised
        self.emphasised_edges = emphasised_edges
        self.root = order[-1]
        self.folded = _foldable_constants(order, emphasised) if fold_constants else set()
        self._rows: dict[Value, _NeuronRows] = {}
        self._tail_port = ""
        self.grouped = False
        self.rankdir = "LR"

    # -- names and kinds

    def node_id(self, node: Value) -> str:
        return _node_id(self.position[node])

    def label_of(self, node: Value) -> str:
        return node.name if node.name is not None else self.node_id(node)

    def kind(self, node: Value) -> str:
        if node is self.root:
            return "output"
        if node.parents:
            return "intermediate"
        if node.name is None:
            return "constant"
        name = parse_network_name(node.name)
        return "parameter" if name is not None and name.kind in "wb" else "input"

    def operation_label(self, node: Value) -> str:
        """The oval's text: the operation's symbol, with a folded constant written in (``1 −``, ``× 0.5``)."""
        symbol = _SYMBOLS.get(node.op, node.op)
        constants = [parent for parent in node.parents if parent in self.folded]
        if not constants:
            return symbol
        number = _number(constants[0].data, self.precision)
        return f"{number} {symbol}" if node.parents[0] is constants[0] else f"{symbol} {number}"

    def numbers(self, node: Value) -> list[str]:
        """The data and grad of `node` as shown, each if switched on."""
        shown = [node.data] if self.show_data else []
        shown += [node.grad] if self.show_grad else []
        return [_number(x, self.precision) for x in shown]

    # -- whole drawings

    def _digraph(self, rankdir: str, nodesep: str = "0.25", ranksep: str = "0.35") -> graphviz.Digraph:
        dot = graphviz.Digraph("computation_graph")
        dot.attr(rankdir=rankdir, nodesep=nodesep, ranksep=ranksep, fontname=_FONT, fontsize="16", newrank="true")
        dot.attr("node", fontname=_FONT, fontsize="14", margin="0.04,0.02", height="0.3")
        dot.attr("edge", fontname=_FONT, fontsize="12", color="#444444", arrowsize="0.7")
        return dot

    def full(self, rankdir: str, group: bool) -> graphviz.Digraph:
        dot = self._digraph(rankdir)
        self.grouped = group
        self.rankdir = rankdir
        if group:
            self._emit_clusters(dot)
            self._order_neurons(dot)
        else:
            for node in self.order:
                self._value_and_operation(dot, node)
        for node in self.order:
            self._operand_edges(dot, node, self.node_id)
        return dot

    def collapsed(self, rankdir: str, group: bool, max_nodes: int) -> graphviz.Digraph:
        values = [node for node in self.order if node not in self.neurons]
        tables = sorted(
            {neuron.anchor: neuron for neuron in self.neurons.values()}.values(),
            key=lambda neuron: (neuron.layer, neuron.k, self.position[neuron.anchor]),
        )
        if len(values) + len(tables) > max_nodes:
            raise _too_big(
                _("{count} boxes even with each neuron collapsed, more than max_nodes={max_nodes}").format(
                    count=len(values) + len(tables), max_nodes=max_nodes
                )
            )
        # Tables close together (dot spaces them by nodesep per edge passing between them),
        # ranks far apart, so the bundles of edges between layers stay visible.
        dot = self._digraph(rankdir, nodesep="0.12", ranksep="0.8")
        for node in values + [neuron.anchor for neuron in tables]:
            self._value_or_neuron(dot, node)
        # Each layer's tables in the order of k, as in the textbook's figures, after the
        # layer's name with `group` (a cluster would not keep the order: dot reorders inside clusters).
        for layer in sorted({neuron.layer for neuron in tables}):
            ids = [self.node_id(neuron.anchor) for neuron in tables if neuron.layer == layer]
            with dot.subgraph() as same_rank:
                same_rank.attr(rank="same")
                if group:
                    same_rank.node(
                        f"layer{layer}", _("layer {layer}").format(layer=layer), shape="plaintext", fontsize="18"
                    )
                    ids.insert(0, f"layer{layer}")
                for tail, head in zip(ids, ids[1:]):
                    same_rank.edge(tail, head, style="invis")
        # Edges enter a table on the side facing its inputs and leave on the other: bundles, not a tangle.
        head_side, tail_port = _TABLE_PORTS[rankdir]
        self._tail_port = tail_port
        into_tables: dict[tuple[str, str], None] = {}  # an ordered set: one edge per value a table reads
        for node in self.order:
            neuron = self.neurons.get(node)
            if neuron is None:
                self._operand_edges(dot, node, self._tail_of)
                continue
            rows = enumerate(self.rows(neuron).weights, 1)
            ports = {product: f":w{index}:w" for index, (_, _, product) in rows} if rankdir == "LR" else {}
            for parent in node.parents:
                if self.neurons.get(parent) is not neuron and parent not in self.folded:
                    head = self.node_id(neuron.anchor) + ports.get(node, f":{head_side}")
                    into_tables.setdefault((self._tail_of(parent), head), None)
        for tail, head in into_tables:
            dot.edge(tail, head)
        return dot

    def rows(self, neuron: _Neuron) -> _NeuronRows:
        if neuron.anchor not in self._rows:
            self._rows[neuron.anchor] = _neuron_rows(neuron)
        return self._rows[neuron.anchor]

    def _tail_of(self, node: Value) -> str:
        """Where an edge from `node` starts: its own box, or its neuron's table at the output."""
        neuron = self.neurons.get(node)
        return self.node_id(node) if neuron is None else self.node_id(neuron.anchor) + self._tail_port

    # -- clusters

    def _order_neurons(self, dot: graphviz.Digraph) -> None:
        """Each layer's neurons side by side in the order of k (neuron 1 first), layers one after the other.

        The a (or z) nodes of a layer share a rank, joined in order by invisible
        edges; so do the layer's weights, by k then j. That keeps neuron 1 above
        neuron 2 in a left-to-right picture and the layers on one line instead of a staircase.
        """
        anchors: dict[int, list[_Neuron]] = {}
        for neuron in {neuron.anchor: neuron for neuron in self.neurons.values()}.values():
            anchors.setdefault(neuron.layer, []).append(neuron)
        for layer, neurons in sorted(anchors.items()):
            neurons.sort(key=lambda neuron: neuron.k)
            weights = [
                node
                for neuron in neurons
                for node in self.rows(neuron).weights_in_order()
                if node not in self.folded
            ]
            for nodes in ([neuron.anchor for neuron in neurons],):
                ids = [self.node_id(node) for node in nodes]
                with dot.subgraph() as same_rank:
                    same_rank.attr(rank="same")
                    for tail, head in zip(ids, ids[1:]):
                        same_rank.edge(tail, head, style="invis")

    def _emit_clusters(self, dot: graphviz.Digraph) -> None:
        """The nodes, those of a neuron inside a box for it, inside a box for its layer."""
        by_neuron: dict[Value, list[Value]] = {}
        outside = []
        for node in self.order:
            neuron = self.neurons.get(node)
            if neuron is None:
                outside.append(node)
            else:
                by_neuron.setdefault(neuron.anchor, []).append(node)
        # With crossing minimisation nearly off (mclimit), dot keeps the order it meets the neurons (and
        # their nodes) in: the first at the left of a top-to-bottom picture, but at the bottom of a
        # left-to-right one, where neuron 1 and its w_k1 therefore go last, to end on top.
        dot.attr(mclimit="0.01")
        backwards = self.rankdir in ("LR", "RL")
        for node in outside:
            self._value_and_operation(dot, node)
        neurons = sorted(
            (self.neurons[anchor] for anchor in by_neuron),
            key=lambda n: (n.layer, -n.k if backwards else n.k, self.position[n.anchor]),
        )
        for layer in sorted({neuron.layer for neuron in neurons}):
            with dot.subgraph(name=f"cluster_layer{layer}") as layer_graph:
                layer_graph.attr(
                    label=_("layer {layer}").format(layer=layer), style="dashed,rounded", color="#666666", labeljust="l"
                )
                for neuron in (neuron for neuron in neurons if neuron.layer == layer):
                    with layer_graph.subgraph(name=f"cluster_{self.node_id(neuron.anchor)}") as neuron_graph:
                        neuron_graph.attr(
                            label=_("neuron {k}").format(k=neuron.k),
                            style="rounded,filled",
                            fillcolor="#fff8d6",
                            color="#a08800",
                            fontsize="14",
                        )
                        for node in reversed(by_neuron[neuron.anchor]) if backwards else by_neuron[neuron.anchor]:
                            self._value_and_operation(neuron_graph, node)

    # -- nodes and edges

    def _value_and_operation(self, target: graphviz.Digraph, node: Value) -> None:
        if node in self.folded:
            return
        # name, data and grad one above the other: narrow boxes keep a network's picture slide-shaped
        cells = [f"<B>{_text(self.label_of(node))}</B>"]
        cells += [f"{what} {shown}" for what, shown in zip(self._number_names(), self.numbers(node))]
        label = '<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">'
        label += "".join(f"<TR><TD>{cell}</TD></TR>" for cell in cells) + "</TABLE>>"
        style = dict(_VALUE_STYLES[self.kind(node)])
        if node in self.emphasised:
            style.update(color=_RED, penwidth="4")
        target.node(self.node_id(node), label, shape="box", **style)
        if node.parents:
            on_path = any((parent, node) in self.emphasised_edges for parent in node.parents)
            emphasis = _EMPHASIS if on_path else {}
            target.node(
                self.node_id(node) + "op",
                f"<{_text(self.operation_label(node))}>",
                **{**_OPERATION_STYLE, **emphasis},
            )
            target.edge(self.node_id(node) + "op", self.node_id(node), **emphasis)

    def _number_names(self) -> list[str]:
        return ([_("data")] if self.show_data else []) + ([_("grad")] if self.show_grad else [])

    def _operand_edges(self, dot: graphviz.Digraph, node: Value, tail_of: Callable[[Value], str]) -> None:
        folded = any(parent in self.folded for parent in node.parents)
        for parent, role in zip(node.parents, _edge_roles(node)):
            if parent in self.folded:
                continue
            if folded:  # the oval shows the constant in its place ("1 −"), so the other operand's role is plain
                role = ""
            attributes = {"label": role, "fontcolor": "#1d4f80"} if role else {}
            if self._between_neurons(parent, node):
                # a rank of room between neurons: the next layer's weights then share no rank with this
                # layer, so dot can put the layers' boxes side by side instead of in a staircase
                attributes["minlen"] = "2"
            if (parent, node) in self.emphasised_edges:
                attributes.update(_EMPHASIS)
            dot.edge(tail_of(parent), self.node_id(node) + "op", **attributes)

    def _between_neurons(self, parent: Value, node: Value) -> bool:
        """Whether the edge parent → node leaves one neuron's box for another's (only drawn with `group`)."""
        source, target = self.neurons.get(parent), self.neurons.get(node)
        return self.grouped and source is not None and target is not None and source is not target

    def _value_or_neuron(self, target: graphviz.Digraph, node: Value) -> None:
        neuron = self.neurons.get(node)
        if neuron is None:
            self._value_and_operation(target, node)
        else:
            target.node(self.node_id(node), self._neuron_table(neuron), shape="none", margin="0")

    def _neuron_table(self, neuron: _Neuron) -> str:
        rows = self.rows(neuron)
        anchor, z_node = neuron.anchor, rows.weighted_input
        title = self.label_of(anchor)
        if z_node is not None and anchor.parents == (z_node,):
            title += f" = {_SYMBOLS.get(anchor.op, anchor.op)}({self.label_of(z_node)})"
        headings = ["", _("input"), *self._number_names()]
        lines = [
            f'<TR><TD COLSPAN="{len(headings)}" BGCOLOR="#fff2b3"><B>{_text(title)}</B></TD></TR>',
            "<TR>"
            + "".join(f"<TD><I>{heading}</I></TD>" if heading else "<TD></TD>" for heading in headings)
            + "</TR>",
        ]

        def line(node: Value, attributes: str, input_text: str) -> str:
            cells = [f"<TD{attributes}>{_text(self.label_of(node))}</TD>", f'<TD ALIGN="RIGHT">{input_text}</TD>']
            cells += [f'<TD ALIGN="RIGHT">{shown}</TD>' for shown in self.numbers(node)]
            if node is anchor:  # edges leave from the right end of the output's row
                cells[-1] = cells[-1].replace("<TD", '<TD PORT="out"', 1)
            return "<TR>" + "".join(cells) + "</TR>"

        for index, (weight, operand, _product) in enumerate(rows.weights, start=1):
            if operand is None:
                input_text = "–"
            else:  # without data the column names the input, so no number is shown that could be stale
                input_text = _number(operand.data, self.precision) if self.show_data else _text(self.label_of(operand))
            lines.append(line(weight, f' PORT="w{index}" BGCOLOR="{_PARAMETER_FILL}"', input_text))
        for node in rows.named:
            lines.append(line(node, f' BGCOLOR="{_PARAMETER_FILL}"' if self.kind(node) == "parameter" else "", ""))
        emphasised = any(node in self.emphasised for node in neuron.members)
        border = f'BORDER="4" COLOR="{_RED}"' if emphasised else 'BORDER="1" COLOR="#333333"'
        return (
            f'<<TABLE {border} CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" BGCOLOR="white">{"".join(lines)}</TABLE>>'
        )


# ----------------------------------------------------------------------------- rendering and files


def _render(source: str, output_format: str, program: str = "dot") -> bytes:
    """Lay out (with the Graphviz program `program`) and render DOT text with the Graphviz that pygraphviz bundles.

    It runs in a child process: a crash, a runaway layout or a memory blow-up in
    Graphviz (C code) then ends that process, not the caller's: it becomes a
    `LayoutError` (see `autograd.views.layout`).
    """
    return layout.render(source, output_format, program)

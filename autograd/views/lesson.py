"""Lesson pages: one self-contained HTML file that steps through the forward and backward pass of a graph.

A picture of a graph shows the final gradients; a student learns backpropagation
by watching them arrive. `lesson(root)` builds a page a teacher can open in any
browser, offline, from ``file://``, and step through on a projector:

* the forward pass node by node (each node's value appears in its box),
* the output (the loss), where backward starts with ∂L/∂L = 1,
* the backward pass, one chain-rule step per edge in the engine's own order:
  ``∂L/∂p = ∂L/∂n · ∂n/∂p = upstream × local = contribution``, and the running
  sum where a node is used more than once,
* the gradients of the leaves, then, given a learning rate, the updates
  ``x ← x − α·∂L/∂x`` (`nn.lesson` writes a network's, w ← w − α·δ·a, b ← b − α·δ).

Every number on the page comes from the records of the engine: the derivation
of `autograd.explain` (itself recorded from `autograd.backprop.propagate`) and,
for a network, `nn.derive`. The page embeds them as JSON and draws the graph
with `autograd.draw`, inline; the steps find the drawing's nodes by the ids of
`autograd.draw.node_ids`. Nothing is fetched from anywhere: no CDN, no fonts.

JSON embedded in the page (``"schema": "scalargrad.lesson/1"``)::

    {"schema", "title", "lang" ("en" or "zh"), "words": {key of `PAGE_WORDS`: the page's words},
     "steps": [{"phase" (start, forward, loss, backward, sum, gradients, update, end),
                "phase_name", "heading", "equation", "numbers", "details": [text],
                "table": [[text, text]], "focus": DOT id or null, "related": [DOT ids],
                "edges": ["tail->head" DOT edge names], "operations": [DOT ids],
                "changes": [[DOT id, "data" | "grad", text shown in the box, "" | "updated"]]}],
     "nodes": [{"id": DOT id, "label": label on the page, "record": label in "derivation"}],
     "derivation": `Derivation.to_dict()`, "network": `NetworkDerivation.to_dict()` or null,
     "translations": {} for one language, else {lang: {"title", "words", "steps", "drawing": [the
                     text of each <text> of the drawing]}} for each language the toggle offers}

A page is written in one language (``lang="zh"``) or, given several
(``lang=("zh", "en")``), in the first with a toggle to the others; the
numbers and the drawing's layout are the same in all (`autograd.i18n`).
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from autograd.backprop import topological_order
from autograd.views.draw import RANKDIRS, draw, node_ids
from autograd.views.explain import (
    Derivation,
    EdgeStep,
    ForwardStep,
    GradientSum,
    explain,
    format_factor,
    format_number,
    node_expression,
    partial_of_expression,
)
from autograd.files import write_atomically
from autograd.i18n import HTML_LANGS, LANGUAGES, N_, Catalog, check_language, current_language, language
from autograd.compiler.codegen import generate
from autograd.notation import is_parameter_name, parse_network_name
from autograd.scalar import DOMAIN_MESSAGES
from autograd.views import live
from autograd.value import Value

SCHEMA = "scalargrad.lesson/1"
"""Identifies the layout of the JSON a lesson page embeds."""

UNDEFINED = N_("undefined")
"""What a lesson shows for the output after an update whose forward pass leaves an operation's domain (translated where shown)."""

GRAPH_PRECISION = 4
"""Significant digits of the numbers written into the drawing's boxes (the panel shows 6)."""

MAX_NODES = 300
"""The most Values a lesson steps through by default: each is a forward step and each edge a backward step."""

GRAPH_PANE = (1000.0, 720.0)
"""The size (CSS pixels) of the page's graph pane on a 1600 × 900 screen: `rankdir=None` picks the layout that fills it best."""

PHASE_NAMES = {
    "start": N_("Start"),
    "forward": N_("Forward"),
    "loss": N_("Output"),
    "backward": N_("Backward"),
    "sum": N_("Backward"),
    "gradients": N_("Gradients"),
    "update": N_("Update"),
    "end": N_("Result"),
}
"""The name the page shows for each kind of step (in English; translated on the page); consecutive steps of one name form a phase."""

_ = Catalog("autograd")

PAGE_WORDS = {
    "phases": N_("jump to a phase"),
    "graph": N_("the computation graph"),
    "whole_graph": N_("Whole graph"),
    "follow": N_("Follow the step"),
    "view_toggle": N_("show the whole graph, or follow the current step (key W)"),
    "panel": N_("the current step"),
    "legend_focus": N_("this step's node"),
    "legend_related": N_("the nodes it uses"),
    "legend_fresh": N_("number just written"),
    "legend_arrows": N_("arrows point forward; gradients flow back against them"),
    "start": N_("Start"),
    "first_step": N_("first step"),
    "previous": N_("Previous"),
    "previous_step": N_("previous step"),
    "play": N_("Play"),
    "pause": N_("Pause"),
    "next": N_("Next"),
    "next_step": N_("next step"),
    "end": N_("End"),
    "last_step": N_("last step"),
    "slider": N_("step"),
    "speed": N_("Speed"),
    "speed_label": N_("playing speed"),
    "counter": N_("Step {number} / {count}"),
    "keys": N_(
        "Keys: → / ← next and previous, Space play or pause, Home and End, W whole graph "
        "(Enter presses the focused button)."
    ),
    "noscript": N_(
        "This lesson needs JavaScript to step through the derivation; the graph above shows the final numbers."
    ),
    "data": N_("data"),
    "grad": N_("grad"),
    "language": N_("switch the language of the page"),
    "lab": N_("change the numbers, train, practise"),
    "lab_edit": N_("Change the numbers"),
    "lab_reset": N_("Reset to the recorded values"),
    "lab_train": N_("Train for many steps"),
    "train_steps": N_("steps N"),
    "train_compare": N_("compare α"),
    "train_none": N_("none"),
    "train_run": N_("Train"),
    "train_chart": N_("the loss over the training steps"),
    "train_open": N_("open step"),
    "train_show": N_("Open in the stepper"),
    "lab_practice": N_("Practise: predict each number"),
    "practice_on": N_("hide each number until I give it"),
    "practice_check": N_("Check"),
    "practice_reveal": N_("Reveal"),
    "went_down": N_("went down"),
    "not_down": N_("did not go down: α is too large here"),
    "learning_rate": N_("learning rate"),
    "weight": N_("weight"),
    "bias": N_("bias"),
    "target": N_("target"),
    "input": N_("input"),
    "parameter": N_("parameter"),
    "slider_of": N_("{name} slider"),
    "a_node": N_("a node"),
    "node": N_("node {label}"),
    "after_problem": N_("After the update, at {where}: {message}."),
    "division": N_("{node} = {operands}, a division by zero: its value is {value}"),
    "not_finite": N_("{node} is {value} with these numbers, not a finite value"),
    "gradient_not_finite": N_("the gradient at {node} is {value} with these numbers"),
    "problem_at": N_("At {where}: {message}."),
    "kept": N_("At {where}. The page keeps showing the last numbers that worked."),
    "chart_step": N_("step {number}"),
    "chart_loss": N_("loss {root}"),
    "chart_log": N_("loss {root} (log scale)"),
    "chart_point": N_("α = {alpha}, step {step}: {loss}"),
    "train_summary": N_("α = {alpha}: {first} → {last} after {steps} steps"),
    "train_stopped": N_("α = {alpha}: the pass of step {step} failed, at {where}: {message}"),
    "what_d": N_("the value"),
    "what_g": N_("the gradient"),
    "what_l": N_("the local derivative"),
    "what_c": N_("the contribution (upstream × local)"),
    "what_s": N_("the gradient so far (the running sum)"),
    "what_u": N_("the new value"),
    "what_n": N_("the value after the update"),
    "what_number": N_("the number"),
    "your_number": N_("Your number for {what}, the first ? of this step ({heading}):"),
    "score": N_("Score: {right} right of {tried} answered (within 0.1 %)"),
    "score_rule": N_("An answer within 0.1 percent of the number counts as right."),
    "practice_right": N_("Right: {number}."),
    "practice_wrong": N_("Not yet{given}. Apply {equation}{rule}{inputs}. Try again, or Reveal."),
    "practice_rule": N_(" — the rule {rule}"),
    "practice_inputs": N_("; its inputs are the dashed blue boxes: {inputs}"),
    "by_the_rule": N_("by the rule"),
    "undefined": UNDEFINED,
    "train_hint": N_("{summary}. Click a point, or give a step, to open it in the stepper."),
    "error_steps": N_("steps must be a whole number from 1 to 100000, got {count}"),
    "error_rate": N_("the learning rate must be a number >= 0, got {rate}"),
    "error_no_parameters": N_(
        "this lesson has no parameters to train: gradient descent moves only parameters, and every leaf "
        "here is an input. Name the leaves to train like parameters (w, w1, b, w[1]_11) or pass params=[...] to lesson()"
    ),
    "error_no_run": N_("no training run yet: call train(steps, learningRate) first"),
    "error_step": N_("step must be a whole number from 0 to {last}"),
    "error_no_leaf": N_("no editable leaf is called {name}; leaves() lists them"),
    "error_set": N_("set(name, number) needs a finite number, got {number}"),
}
"""The words of the page around the steps (buttons, legend, labels, the messages and errors of its
script), by the key the template uses (``@@WORD:key@@``, ``words.key``, ``say("key")``). The page
also gets each message of the engine's domain checks as ``domain_<rule>`` (`autograd.scalar.DOMAIN_MESSAGES`),
for the errors its generated code throws."""

LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
"""Each language by its own name, as the language toggle of a page written in several shows it."""

_TEMPLATE = "lesson_template.html"
_PLACEHOLDER = re.compile(r"@@(TITLE|SVG|DATA|LANG|WORD:(\w+))@@")


@dataclass(frozen=True)
class LessonStep:
    """What the page shows at one step: the panel's text, the highlighted nodes and the numbers written in the boxes.

    Attributes:
        phase: the kind of step, a key of `PHASE_NAMES`.
        heading: where the step is (``node 3 of 51``).
        equation: the step's formula, in words and symbols (the page's largest text).
        numbers: the same formula with the engine's numbers (``= 0.5 × 1 = 0.5``).
        details: short lines that say why.
        table: rows of two cells (a quantity and its value), for summaries.
        focus: the DOT id of the node the step computes, or None.
        related: the DOT ids of the nodes it uses.
        edges: DOT edges to highlight, as Graphviz names them: ``"v3->v5op"``.
        operations: DOT ids of operation ovals to highlight.
        changes: ``(DOT id, 'data' or 'grad', text, style)``: what the step writes
            into a box; style ``'updated'`` marks a parameter after its update.
        templates: the texts that show numbers, with each number as a token of
            `autograd.views.live` (the fields hold them filled with the recorded
            numbers); the page fills them with live numbers. Made from the
            arguments: a text given with tokens is kept here and filled in its field.
    """

    phase: str
    heading: str
    equation: str
    numbers: str = ""
    details: tuple[str, ...] = ()
    table: tuple[tuple[str, str], ...] = ()
    focus: str | None = None
    related: tuple[str, ...] = ()
    edges: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    changes: tuple[tuple[str, str, str, str], ...] = ()
    templates: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.phase not in PHASE_NAMES:
            raise ValueError(f"unknown lesson phase {self.phase!r}; use one of {', '.join(PHASE_NAMES)}")
        templates = dict(self.templates)  # `dataclasses.replace` passes the old ones on
        for name in _TEMPLATED:
            given = getattr(self, name)
            if _tokens_in(given):
                templates[name] = given
                object.__setattr__(self, name, _mapped(given, live.filled))
            elif name in templates and _mapped(templates[name], live.filled) != given:
                del templates[name]  # replaced by a text without numbers
        object.__setattr__(self, "templates", templates)

    def to_dict(self) -> dict[str, Any]:
        """The step as JSON-ready data (lists, as the page reads them back), with the name of its phase.

        Texts with numbers are under ``"live"``, as templates without the recorded numbers.
        """
        data = {name: _as_lists(value) for name, value in asdict(self).items() if name != "templates"}
        data["phase_name"] = _(PHASE_NAMES[self.phase])
        data["live"] = {name: _as_lists(_mapped(text, live.template)) for name, text in self.templates.items()}
        return data


_TEMPLATED = ("heading", "equation", "numbers", "details", "table", "changes")
"""The fields of a `LessonStep` whose text may show numbers."""


def _tokens_in(value: Any) -> bool:
    if isinstance(value, str):
        return live.has_tokens(value)
    return isinstance(value, tuple) and any(_tokens_in(item) for item in value)


def _mapped(value: Any, function: Any) -> Any:
    """`value` (a text, or tuples of texts nested in any way) with `function` applied to every text."""
    if isinstance(value, str):
        return function(value)
    return tuple(_mapped(item, function) for item in value)


def _as_lists(value: Any) -> Any:
    return [_as_lists(item) for item in value] if isinstance(value, tuple) else value


def _scale_in_pane(svg: str) -> float:
    """How much an SVG must be scaled to fit `GRAPH_PANE` (Graphviz states its size in points)."""
    size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if size is None:
        return 0.0
    width, height = (max(float(number), 1.0) for number in size.groups())
    return min(GRAPH_PANE[0] / width, GRAPH_PANE[1] / height)


def _distinct(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _graph_number(x: float) -> str:
    """A number as the drawing writes it (`draw`'s precision, −0 shown as 0)."""
    return format_number(x, GRAPH_PRECISION)


class LessonGraph:
    """A graph with its derivation and its drawing, and the steps of a lesson about it.

    The derivation (`autograd.explain`) holds every number; the drawing is
    `autograd.draw`'s SVG. It is drawn when `svg` is first read, after the
    steps are made, with every box wide enough for the widest number a step
    writes into it (the running sums, a parameter's new value). On the page,
    a node is called by its name, by ``L`` if it is an unnamed root (as in
    `explain`), and otherwise by the id the drawing shows (``v7``), so that the
    panel and the picture agree. With ``rankdir=None`` the graph is drawn both
    left to right and top to bottom, and the page gets the drawing that is
    largest when fitted into its graph pane. With ``collapse=True`` (a network
    too big to step node by node) any size is accepted and the drawing is
    `draw`'s ``collapse=True``, one table per neuron, without numbers: the
    steps (`nn.teaching.neuron_steps`) show them in the panel.

    Attributes:
        root: the Value the lesson differentiates.
        derivation: its `Derivation`.
        ids: the DOT id of every node (`autograd.draw.node_ids`), in drawing order.
        labels: the label the page uses for every node.
    """

    def __init__(
        self,
        root: Value,
        *,
        group: bool = False,
        rankdir: str | None = None,
        max_nodes: int = MAX_NODES,
        collapse: bool = False,
        params: Sequence[Value] | None = None,
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"a lesson needs the Value to differentiate, got {type(root).__name__}")
        if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
            raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
        if not isinstance(group, bool):
            raise TypeError(f"group must be True or False, got {group!r}")
        if rankdir is not None and rankdir not in RANKDIRS:
            raise ValueError(
                f"rankdir must be None (choose the larger picture) or one of {', '.join(RANKDIRS)}, got {rankdir!r}"
            )
        order = topological_order(root)
        if len(order) > max_nodes and not collapse:
            raise ValueError(
                _(
                    "the graph has {count} Values, more than max_nodes={max_nodes}: a lesson shows each one "
                    "as a step, and that many steps teach nothing. Use a smaller expression or network (one example, "
                    "fewer neurons), or raise max_nodes"
                ).format(count=len(order), max_nodes=max_nodes)
            )
        self.root = root
        self.params = _checked_params(params, set(order))
        self.derivation: Derivation = explain(root)
        self.ids = node_ids(root)
        self._record_label = {node: self.derivation.label(node) for node in self.ids}
        self._node_of = {label: node for node, label in self._record_label.items()}
        self.labels = {node: live.plain_text(self._page_label(node)) for node in self.ids}
        self._forward: dict[str, ForwardStep] = {step.label: step for step in self.derivation.forward}
        self._group, self._rankdir, self._max_nodes = group, rankdir, max_nodes
        self.collapse = collapse
        self._widest: dict[tuple[Value, str], float] = {}
        self._svg: str | None = None

    @property
    def svg(self) -> str:
        """The drawing, as SVG text: drawn on first use, in the layout that shows it largest (unless `rankdir`)."""
        if self._svg is None and self.collapse:
            # One table per neuron, without numbers: the panel shows them, live (see `nodes`).
            self._svg = draw(
                self.root, collapse=True, group=True, show_data=False, show_grad=False, max_nodes=self._max_nodes
            ).svg()
        if self._svg is None:
            directions = ("LR", "TB") if self._rankdir is None else (self._rankdir,)
            with self._drawn_with_widest_numbers():
                drawings = [
                    draw(
                        self.root,
                        group=self._group,
                        precision=GRAPH_PRECISION,
                        rankdir=direction,
                        max_nodes=self._max_nodes,
                        fold_constants=False,  # every node has steps on the page, so every node needs its box
                    ).svg()
                    for direction in directions
                ]
            self._svg = max(drawings, key=_scale_in_pane)
        return self._svg

    # ---------------------------------------------------------------- names and numbers

    def _page_label(self, node: Value) -> str:
        if node.name is not None or (node is self.root and self._names_root()):
            return self._record_label[node]
        return self.ids[node]

    def _names_root(self) -> bool:
        """Whether the drawing calls an unnamed root by explain's label L (if L is free)."""
        return self.root.name is None and self.derivation.root == "L"

    def _write(
        self, node: Value, field: str, number: float, style: str = "", quantity: tuple[str, str | int] | None = None
    ) -> tuple[str, str, str, str]:
        """A step's change to a box (``field`` 'data' or 'grad'), remembering the widest number each box shows.

        `quantity` is the (kind, key) of the number's token (`autograd.views.live`): by default the node's
        value or gradient.
        """
        text = _graph_number(number)
        key = (node, field)
        if key not in self._widest or len(text) > len(_graph_number(self._widest[key])):
            self._widest[key] = number
        kind, token_key = quantity or ("d" if field == "data" else "g", self.ids[node])
        return (self.ids[node], field, f"{_(field)} {live.token(kind, token_key, 'b', text)}", style)

    def number(self, kind: str, key: str | int, number: float, form: str = "n") -> str:
        """`number` as the page shows it, as a token that the page fills with the live value (`autograd.views.live`)."""
        text = format_factor(number) if form == "f" else format_number(number)
        return live.token(kind, key, form, text)

    def verdict(self, recorded: str) -> str:
        """Whether the loss went down after the update, as a token the page decides again."""
        return live.token("v", self.ids[self.root], "t", recorded)

    def data(self, node: Value, form: str = "n") -> str:
        """The node's value, as a token."""
        return self.number("d", self.ids[node], self.value(node), form)

    def grad(self, node: Value, form: str = "n") -> str:
        """∂root/∂node, as a token."""
        return self.number("g", self.ids[node], self.gradient(node), form)

    @contextmanager
    def _drawn_with_widest_numbers(self) -> Iterator[None]:
        """While drawing: each box holds the widest number the steps write into it, an unnamed root is named L.

        Graphviz sizes a box for the text drawn in it, so the drawing must be made
        with those numbers; the page then writes each step's numbers in. The
        user's graph is restored afterwards.
        """
        saved = [(node, node.data, node.grad) for node in self.ids]
        renamed = self._names_root()
        try:
            for node in self.ids:
                node.data = self._widest.get((node, "data"), self.value(node))
                node.grad = self._widest.get((node, "grad"), self.gradient(node))
            if renamed:
                self.root.name = self.derivation.root
            yield
        finally:
            for node, data, grad in saved:
                node.data, node.grad = data, grad
            if renamed:
                self.root.name = None

    def value(self, node: Value) -> float:
        """The node's value as the derivation recorded it."""
        return self._forward[self._record_label[node]].value

    def gradient(self, node: Value) -> float:
        """∂root/∂node as the derivation recorded it."""
        return self.derivation.gradient(node)

    def named(self, name: str) -> Value | None:
        """The first node (in drawing order) with this name, or None."""
        return next((node for node in self.ids if node.name == name), None)

    def _partial(self, node: Value) -> str:
        return f"∂{self.labels[self.root]}/∂{self.labels[node]}"

    # ---------------------------------------------------------------- the steps

    def start_step(self, title: str, updates: int = 0) -> LessonStep:
        """The first page: what the lesson will show, and how to move through it."""
        nodes, edges = len(self.derivation.forward), len(self.shown_edges())
        root = self.labels[self.root]
        details = [
            _("Forward pass: the value of each of the {nodes} nodes, from the leaves to {root}.").format(
                nodes=nodes, root=root
            ),
            _(
                "Backward pass: {edges} chain-rule steps in the engine's order, each "
                "∂{root}/∂(operand) = upstream × local, and the sums where a node is used more than once."
            ).format(edges=edges, root=root),
        ]
        if updates:
            details.append(
                _("Then {updates} updates of gradient descent, each against its gradient.").format(updates=updates)
            )
            trained, fixed = self.trained_leaves(), self.fixed_leaves()
            details.append(
                _("Parameters, which gradient descent moves: {names}.").format(
                    names=_listing([self.labels[n] for n in trained])
                )
            )
            if fixed:
                details.append(
                    _("The data, which stays as given: {names}.").format(names=_listing([self.labels[n] for n in fixed]))
                )
        details.append(_("→ or Next: one step forward; ← or Previous: one step back; Space: play or pause."))
        # a constant's gradient changes nothing, so no step computes it; its box says so from the start
        constants = [node for node in self.ids if not node.parents and node.name is None]
        changes = tuple((self.ids[node], "grad", _("grad") + " –", "") for node in constants)
        return LessonStep(
            "start", _("how this lesson goes"), live.plain_text(title), details=tuple(details), changes=changes
        )

    def forward_order(self) -> list[Value]:
        """The nodes in the order the lesson computes them: wave by wave, each leaf just before its first use.

        A node's wave is its depth (the longest path from a leaf), so a network
        is computed layer by layer as the textbook does: the products w·a, then the
        sums z, then the activations a, then the next layer. Within a wave the
        drawing's order decides. Any such order is a topological order, as the
        engine's is; only the reading order differs.
        """
        depth: dict[Value, int] = {}
        for node in self.ids:  # drawing order lists operands first
            depth[node] = 1 + max((depth[parent] for parent in node.parents), default=-1)
        position = {node: index for index, node in enumerate(self.ids)}
        computed = sorted((node for node in self.ids if node.parents), key=lambda n: (depth[n], position[n]))
        order: list[Value] = []
        placed: set[Value] = set()
        for node in computed:
            for parent in node.parents:
                if not parent.parents and parent not in placed:
                    placed.add(parent)
                    order.append(parent)
            order.append(node)
        return order or [self.root]

    def forward_steps(self) -> list[LessonStep]:
        """One step per node: its rule, the same with its operands' values, and its value appearing in its box."""
        order = self.forward_order()
        steps = []
        for number, node in enumerate(order, start=1):
            label, node_id = self.labels[node], self.ids[node]
            value = self.value(node)
            change = self._write(node, "data", value)
            heading = _("node {number} of {count}").format(number=number, count=len(order))
            if not node.parents:
                steps.append(
                    LessonStep(
                        "forward",
                        heading,
                        f"{label} = {self.data(node)}",
                        details=(_leaf_role(node, node in self.trained_leaves()),),
                        focus=node_id,
                        changes=(change,),
                    )
                )
                continue
            operands = [self.labels[parent] for parent in node.parents]
            numbers = [self.data(parent, "f") for parent in node.parents]
            rule = node_expression(node, operands, operands)[0]
            with_numbers = node_expression(node, numbers, numbers)[0]
            role = _network_role(node) or _(
                "{label} is computed from {operands}, which the forward pass already has"
            ).format(label=label, operands=_listing(_distinct(operands)))
            steps.append(
                LessonStep(
                    "forward",
                    heading,
                    f"{label} = {rule}",
                    f"= {with_numbers} = {self.data(node)}",
                    details=(role,),
                    focus=node_id,
                    related=_distinct([self.ids[parent] for parent in node.parents]),
                    edges=self._edges_into(node),
                    operations=(node_id + "op",),
                    changes=(change,),
                )
            )
        return steps

    def _edges_into(self, node: Value, parents: Sequence[Value] | None = None) -> tuple[str, ...]:
        node_id = self.ids[node]
        tails = node.parents if parents is None else parents
        return _distinct([f"{self.ids[parent]}->{node_id}op" for parent in tails] + [f"{node_id}op->{node_id}"])

    def output_step(self) -> LessonStep:
        """The forward pass is done: the root's value, and the seed ∂root/∂root that backward starts from."""
        root, seed = self.labels[self.root], self.derivation.seed
        return LessonStep(
            "loss",
            _("the end of the forward pass"),
            f"{root} = {self.data(self.root)}",
            f"∂{root}/∂{root} = {format_number(seed)}",
            details=(
                _(
                    "{root} is the number to differentiate: the backward pass finds ∂{root}/∂node for every node."
                ).format(root=root),
                _(
                    "It starts here, with ∂{root}/∂{root} = {seed} (the seed): {root} changes one for one with itself."
                ).format(root=root, seed=format_number(seed)),
            ),
            focus=self.ids[self.root],
            changes=(self._write(self.root, "grad", seed),),
        )

    def _is_constant(self, label: str) -> bool:
        """Whether the node with this derivation label is a constant: an unnamed leaf."""
        node = self._node_of[label]
        return not node.parents and node.name is None

    def shown_edges(self) -> list[EdgeStep]:
        """The chain-rule steps the lesson shows: all but those into constants."""
        return [edge for edge in self.derivation.edges() if not self._is_constant(edge.parent)]

    def backward_steps(self) -> list[LessonStep]:
        """One step per edge in the engine's order (none into a constant), and one per reused node's sum."""
        edges = self.shown_edges()
        consumers: dict[str, list[str]] = {}
        for edge in edges:
            consumers.setdefault(edge.parent, []).append(edge.node)
        running: dict[str, list[tuple[int, float]]] = {}  # parent -> (edge index, contribution) so far
        sums: dict[str, float] = {}
        steps = []
        number = 0  # the chain-rule steps shown
        edge_index = -1  # the edge's place in the engine's order (the page's live numbers are indexed so)
        for record in self.derivation.backward:
            if isinstance(record, GradientSum):
                if not self._is_constant(record.label):
                    steps.append(self._sum_step(record, consumers[record.label], [e for e, _ in running[record.label]]))
                continue
            edge_index += 1
            if self._is_constant(record.parent):
                continue  # ∂L/∂(a number written into the formula) changes nothing: no step for it
            number += 1
            contributions = running.setdefault(record.parent, [])
            contributions.append((edge_index, record.contribution))
            # The engine's own accumulation, in its order: previous + contribution.
            sums[record.parent] = (
                record.contribution if len(contributions) == 1 else sums[record.parent] + record.contribution
            )
            steps.append(self._edge_step(record, number, len(edges), edge_index, contributions, sums[record.parent]))
        return steps

    def _edge_step(
        self,
        record: EdgeStep,
        number: int,
        total: int,
        edge: int,
        contributions: list[tuple[int, float]],
        running: float,
    ) -> LessonStep:
        """Chain-rule step `number` of `total` shown, edge `edge` of the engine's order: upstream × local = contribution."""
        node, parent = self._node_of[record.node], self._node_of[record.parent]
        upstream, local = self.grad(node), self.number("l", edge, record.local)
        n, p = self.labels[node], self.labels[parent]
        local_partial = f"∂{n}/∂{p}"
        if node is self.root:
            operands = [self.labels[operand] for operand in node.parents]
            local_partial = partial_of_expression(node_expression(node, operands, operands)[0], p)
        path = (
            "   " + _("(path {index} of {count})").format(index=record.index, count=record.count)
            if record.count > 1
            else ""
        )
        upstream_source = _("the seed") if node is self.root else _("from an earlier step")
        details = [
            _("upstream {partial} = {value}, {source}").format(
                partial=self._partial(node), value=upstream, source=upstream_source
            ),
            _("local ∂{node}/∂{operand} = {value}, by the rule {rule}").format(
                node=n, operand=p, value=local, rule=record.rule
            )
            + self._operand_names(node),
        ]
        if record.count > 1:
            terms = " + ".join(self.number("c", e, c, "f") for e, c in contributions)
            total_so_far = self.number("s", edge, running)
            so_far = total_so_far if len(contributions) == 1 else f"{terms} = {total_so_far}"
            details.append(
                _("{operand} is used {count} times; its gradient adds the contributions: so far {so_far}").format(
                    operand=p, count=record.count, so_far=so_far
                )
            )
        elif not parent.parents or parse_network_name(parent.name) is not None:
            details.extend(self._gradient_notes(parent))
        return LessonStep(
            "backward",
            _("chain-rule step {number} of {count}").format(number=number, count=total),
            f"{self._partial(parent)} = {self._partial(node)} · {local_partial}{path}",
            f"= {self.grad(node, 'f')} × {self.number('l', edge, record.local, 'f')} = "
            f"{self.number('c', edge, record.contribution)}",
            details=tuple(details),
            focus=self.ids[parent],
            related=(self.ids[node],),
            edges=self._edges_into(node, [parent]),
            operations=(self.ids[node] + "op",),
            changes=(self._write(parent, "grad", running, quantity=("s", edge)),),
        )

    def _operand_names(self, node: Value) -> str:
        """Which operand each letter of a local rule stands for: ``, where a = w[2]_11 (-0.5), b = …``."""
        if node.op == "sum" or len(node.parents) > 2:
            return ""
        letters = "ab"
        names = [
            f"{letter} = {self.labels[parent]} ({self.data(parent)})"
            for letter, parent in zip(letters, node.parents)
        ]
        return _(", where ") + ", ".join(names)

    def _sum_step(self, record: GradientSum, consumer_labels: list[str], edges: list[int]) -> LessonStep:
        node = self._node_of[record.label]
        label = self.labels[node]
        consumers = [self._node_of[name] for name in _distinct(consumer_labels)]
        count = len(record.contributions)
        details = [
            _(
                "{label} is an operand of {count} operations, so a change in {label} reaches "
                "{root} along {count} paths: the chain rule adds their contributions."
            ).format(label=label, count=count, root=self.labels[self.root]),
            *self._gradient_notes(node),
        ]
        return LessonStep(
            "sum",
            _("{label} is used {count} times").format(label=label, count=count),
            _("{partial} = sum of its {count} contributions").format(partial=self._partial(node), count=count),
            f"= {' + '.join(self.number('c', e, c, 'f') for e, c in zip(edges, record.contributions))} = "
            f"{self.grad(node)}",
            details=tuple(details),
            focus=self.ids[node],
            related=tuple(self.ids[consumer] for consumer in consumers),
            edges=tuple(f"{self.ids[node]}->{self.ids[consumer]}op" for consumer in consumers),
            changes=(self._write(node, "grad", record.total),),
        )

    def _gradient_notes(self, node: Value) -> list[str]:
        """What a completed gradient means, for the nodes of a network and for leaves."""
        name = parse_network_name(node.name)
        partial = self._partial(node)
        if name is not None and name.kind == "z":
            return [
                _("{partial} is δ[{layer}]_{neuron}, the delta of neuron {neuron} in layer {layer}").format(
                    partial=partial, layer=name.layer, neuron=name.neuron
                )
            ]
        if name is not None and name.kind in "wb":
            return [
                _("{partial} is complete: the gradient that gradient descent will use for {name}").format(
                    partial=partial, name=node.name
                )
            ]
        if not node.parents:
            return [
                _("{partial} is complete: {label} is a leaf, so nothing flows further back").format(
                    partial=partial, label=self.labels[node]
                )
            ]
        return []

    def named_leaves(self) -> list[Value]:
        """The named leaves: parameters first, in the textbook's order (layer, neuron, input), then the others."""
        position = {node: index for index, node in enumerate(self.ids)}

        def textbook_order(leaf: Value) -> tuple[int, ...]:
            name = parse_network_name(leaf.name)
            if name is None or name.kind not in "wb":
                return (1, position[leaf])
            return (0, name.layer, name.neuron, "wb".index(name.kind), name.source or 0)

        return sorted((node for node in self.ids if not node.parents and node.name is not None), key=textbook_order)

    def gradients_step(self) -> LessonStep:
        """After the backward pass: a table of the named leaves' gradients (parameters, then inputs)."""
        leaves = self.named_leaves()
        root = self.labels[self.root]
        return LessonStep(
            "gradients",
            _("the end of the backward pass"),
            _("Every node now holds ∂{root}/∂node").format(root=root),
            details=(_("The gradients of the named leaves, the numbers backward() leaves in their .grad:"),),
            table=tuple((self._partial(leaf), self.grad(leaf)) for leaf in leaves),
            related=tuple(self.ids[leaf] for leaf in leaves),
        )

    def trained_leaves(self) -> list[Value]:
        """What gradient descent changes: the `params` given, else the leaves named as parameters (w…, b…).

        Every other leaf (an input such as ``x1``, a constant) stays as given.
        """
        if self.params is not None:
            return list(self.params)
        return [leaf for leaf in self.named_leaves() if is_parameter_name(leaf.name)]

    def fixed_leaves(self) -> list[Value]:
        """The named leaves gradient descent leaves alone: the inputs."""
        trained = set(self.trained_leaves())
        return [leaf for leaf in self.named_leaves() if leaf not in trained]

    def update_step(
        self,
        leaf: Value | None,
        label: str,
        heading: str,
        rule: str,
        numbers: str,
        updated: float,
        details: Sequence[str] = (),
        related: Sequence[Value] = (),
    ) -> LessonStep:
        """One update ``label ← rule = numbers``; its new value is written, marked, into the leaf's box.

        `leaf` is None for a parameter the graph does not contain (a neuron
        nothing reads): the panel shows the update, the drawing has no box for it.
        """
        changes = () if leaf is None else (self._write(leaf, "data", updated, "updated", ("u", self.ids[leaf])),)
        shown = format_number(updated) if leaf is None else self.number("u", self.ids[leaf], updated)
        return LessonStep(
            "update",
            heading,
            f"{label} ← {rule}",
            f"= {numbers} = {shown}",
            details=tuple(details),
            focus=None if leaf is None else self.ids[leaf],
            related=_distinct([self.ids[node] for node in related]),
            changes=changes,
        )

    def update_steps(self, learning_rate: float) -> list[LessonStep]:
        """Gradient descent on `trained_leaves`, w ← w − α·∂root/∂w, then the old and new values and the output."""
        leaves = self.trained_leaves()
        if not leaves:
            raise ValueError(
                _(
                    "the expression has no parameters to update: name them like parameters (w, w1, b, w[1]_11, ...) "
                    "or pass params=[...] (--param NAME=VALUE on the command line); the other leaves are inputs, "
                    "which gradient descent leaves as they are"
                )
            )
        alpha, root = self.number("a", "", learning_rate), self.labels[self.root]
        steps, rows, updated_values = [], [], {}
        for number, leaf in enumerate(leaves, start=1):
            label, gradient, value = self.labels[leaf], self.gradient(leaf), self.value(leaf)
            updated = updated_values[leaf] = value - learning_rate * gradient
            rows.append((label, self.data(leaf), self.number("u", self.ids[leaf], updated)))
            steps.append(
                self.update_step(
                    leaf,
                    label,
                    _("update {number} of {count}").format(number=number, count=len(leaves)),
                    f"{label} − α·{self._partial(leaf)}",
                    f"{self.data(leaf, 'f')} − {alpha} × {self.grad(leaf, 'f')}",
                    updated,
                    details=(
                        _("a step against the gradient, scaled by the learning rate α = {alpha}").format(alpha=alpha),
                    ),
                )
            )
        after = self.output_with(updated_values)
        before_text, after_text = self.data(self.root), self.new_output(after)
        steps.append(
            LessonStep(
                "end",
                _("after one step of gradient descent"),
                _("{root} = {after}  (before the step: {before})").format(root=root, after=after_text, before=before_text),
                details=(
                    (
                        _("Each of the {count} parameters moved against its gradient").format(count=len(leaves))
                        if len(leaves) > 1
                        else _("The parameter {name} moved against its gradient").format(name=self.labels[leaves[0]])
                    )
                    + (_("; the inputs stayed.") if self.fixed_leaves() else _(".")),
                    _(
                        "This is gradient descent on {root} itself: it makes {root} smaller (for a small enough α). "
                        "With a loss as the output, that is training; with any other output, it pushes that output down."
                    ).format(root=root),
                ),
                table=(*updates_table(rows), (root, f"{before_text} → {after_text}")),
                focus=self.ids[self.root],
                related=tuple(self.ids[leaf] for leaf in leaves),
                changes=(self._new_output_box(after),),
            )
        )
        return steps

    def new_output(self, after: float | None) -> str:
        """The root's value after the update as a token; `UNDEFINED` where the new forward pass fails."""
        text = _(UNDEFINED) if after is None else format_number(after)
        return live.token("n", self.ids[self.root], "n", text)

    def _new_output_box(self, after: float | None) -> tuple[str, str, str, str]:
        """The root's box after the update: its new value, marked, or `UNDEFINED`."""
        if after is not None:
            return self._write(self.root, "data", after, "updated", ("n", self.ids[self.root]))
        return (self.ids[self.root], "data", f"{_('data')} {live.token('n', self.ids[self.root], 'b', _(UNDEFINED))}", "updated")

    def output_with(self, values: dict[Value, float]) -> float | None:
        """The root's value when the leaves in `values` hold those numbers: the graph run again as compiled code.

        None when that pass leaves an operation's domain (a log of 0 after too large a step): the lesson
        still shows the pass and the update, and its page names the node where the new pass failed.
        """
        leaves = list(values)
        function = generate(self.root, [], leaves, input_gradients=False).function("<lesson: the pass after the step>")
        try:
            output: float = function([], [values[leaf] for leaf in leaves])[0]
        except (ValueError, ArithmeticError):
            return None
        return output

    def nodes(self) -> list[dict[str, Any]]:
        """Each node's DOT id, its labels on the page and in the derivation, whether its box shows numbers, its operation and operands."""
        return [
            {
                "id": self.ids[node],
                "label": self.labels[node],
                "record": self._record_label[node],
                "box": not self.collapse,
                "op": node.op,
                "operands": [self.labels[parent] for parent in node.parents],
            }
            for node in self.ids
        ]


def _checked_params(params: Sequence[Value] | None, graph: set[Value]) -> tuple[Value, ...] | None:
    """`params` as a tuple after checking that each is a leaf of the graph; None stays None."""
    if params is None:
        return None
    if isinstance(params, Value) or not isinstance(params, (list, tuple)):
        raise TypeError(f"params must be a list of Values (the leaves to train), got {type(params).__name__}")
    for position, parameter in enumerate(params):
        if not isinstance(parameter, Value) or parameter.parents or parameter not in graph:
            raise ValueError(f"params[{position}] must be a leaf of the graph being taught, got {parameter!r}")
    return tuple(params)


def updates_table(rows: Sequence[tuple[str, str, str]]) -> tuple[tuple[str, str], ...]:
    """(label, old, new) rows, numbers as text, as the cells of a panel table: ``w[1]_11``, ``0.5 → 0.499406``."""
    return tuple((label, f"{old} → {new}") for label, old, new in rows)


def _listing(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=_(", ").join(items[:-1]), last=items[-1])


def _leaf_role(node: Value, trained: bool = False) -> str:
    name = parse_network_name(node.name)
    if name is not None and name.kind == "w":
        return _(
            "a leaf: the weight from neuron {source} of layer {below} to neuron {neuron} of "
            "layer {layer}, a parameter that gradient descent will change"
        ).format(source=name.source, below=name.layer - 1, neuron=name.neuron, layer=name.layer)
    if name is not None and name.kind == "b":
        return _(
            "a leaf: the bias of neuron {neuron} in layer {layer}, a parameter that gradient descent will change"
        ).format(neuron=name.neuron, layer=name.layer)
    if node.name is None:
        return _("a leaf: a constant, a number written into the formula")
    if trained:
        return _("a leaf: a parameter, which gradient descent will change")
    return _("a leaf: an input, given rather than computed; gradient descent leaves it as it is")


def _network_role(node: Value) -> str:
    name = parse_network_name(node.name)
    if name is None:
        return ""
    if name.kind == "z":
        return _("the weighted input of neuron {neuron} in layer {layer}: Σ_j w·a + b").format(
            neuron=name.neuron, layer=name.layer
        )
    if name.kind == "a":
        return _("the activation (output) of neuron {neuron} in layer {layer}").format(
            neuron=name.neuron, layer=name.layer
        )
    return ""


# -------------------------------------------------------------------- the page


class Lesson:
    """A lesson page: ``.html`` is the whole self-contained page, ``.save(path)`` writes it.

    Attributes:
        title: the page's title.
        steps: the `LessonStep`s, in order.
        lang: the language the page is written in (made in: the current language, `autograd.i18n`).
        data: everything the page embeds as JSON (layout in the module docstring).
    """

    def __init__(
        self,
        title: str,
        graph: LessonGraph,
        steps: Sequence[LessonStep],
        network: Mapping[str, Any] | None = None,
        *,
        learning_rate: float | None = None,
    ) -> None:
        if not isinstance(title, str):
            raise TypeError(f"a lesson's title must be a str, got {type(title).__name__}")
        if not steps:
            raise ValueError("a lesson needs at least one step")
        self.title = title
        self.steps = list(steps)
        self.lang = current_language()
        self._svg = graph.svg
        self.data: dict[str, Any] = {
            "schema": SCHEMA,
            "title": title,
            "lang": self.lang,
            "words": _page_words(),
            "steps": [step.to_dict() for step in self.steps],
            "nodes": graph.nodes(),
            "derivation": graph.derivation.to_dict(),
            "network": None if network is None else dict(network),
            "live": live.program(
                graph.root,
                graph.ids,
                graph.labels,
                graph.named_leaves(),
                graph.trained_leaves(),
                learning_rate,
                network=network is not None,
            ),
            "translations": {},
        }
        self._html: str | None = None

    def add_translation(self, other: Lesson) -> None:
        """Carry `other`, the same lesson in another language, so that the page gets a language toggle.

        The page then holds the title, steps, words and drawing labels of both;
        the toggle swaps them, the numbers and the drawing's layout stay.
        """
        if len(other.steps) != len(self.steps) or other.lang == self.lang:
            raise ValueError("a translation must be the same lesson (as many steps) in another language")
        self.data["translations"][other.lang] = {
            "title": other.title,
            "words": other.data["words"],
            "steps": other.data["steps"],
            "drawing": _svg_texts(other._svg),
        }
        self.data["translations"].setdefault(self.lang, {
            "title": self.title,
            "words": self.data["words"],
            "steps": self.data["steps"],
            "drawing": _svg_texts(self._svg),
        })
        self._html = None

    def __repr__(self) -> str:
        return f"<Lesson {self.title!r}: {len(self.steps)} steps; .html for the page, .save(path) to write it>"

    @property
    def html(self) -> str:
        """The page: one HTML file with the SVG, the CSS, the JavaScript and the data inline."""
        if self._html is None:
            template = resources.files(__package__).joinpath(_TEMPLATE).read_text(encoding="utf-8")
            words = self.data["words"]
            parts = {
                "TITLE": html.escape(self.title),
                "SVG": _inline_svg(self._svg, words["graph"]),
                "DATA": script_json(self.data),
                "LANG": HTML_LANGS[self.lang],
            }
            # One pass: text put in by one placeholder is never read as another.
            self._html = _PLACEHOLDER.sub(
                lambda match: html.escape(words[match[2]]) if match[2] else parts[match[1]], template
            )
        return self._html

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to `path` in one step (never half-written); returns the path."""
        target = Path(path)
        write_atomically(target, self.html.encode("utf-8"))
        return target

    def _repr_html_(self) -> str:
        """Lets Jupyter show the lesson inline, in a frame of its own."""
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" title="{html.escape(self.title, quote=True)}" '
            'style="width: 100%; height: 760px; border: 1px solid #bbb"></iframe>'
        )


def script_json(data: Mapping[str, Any]) -> str:
    """`data` as JSON safe inside ``<script>``: no ``<``, ``>`` or ``&`` can end the element or start markup."""
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        raise ValueError(
            "the lesson has an infinite or NaN number, which a page cannot show; "
            "check the graph with autograd.detect_anomaly() or lower the learning rate"
        ) from None
    # JSON has these characters only inside strings, where the \u escapes mean the same.
    for character, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _page_words() -> dict[str, str]:
    """`PAGE_WORDS` and the domain messages in the current language, with the names of the languages for the toggle."""
    return (
        {key: _(word) for key, word in PAGE_WORDS.items()}
        | {f"domain_{rule}": _(message) for rule, message in DOMAIN_MESSAGES.items()}
        | {f"language_{lang}": name for lang, name in LANGUAGE_NAMES.items()}
    )


def _svg_texts(svg: str) -> list[str]:
    """The text of every ``<text>`` of a drawing, in document order (what a language toggle swaps)."""
    return [html.unescape(text) for text in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.DOTALL)]


def in_languages(build: Callable[[], Lesson], lang: str | Sequence[str] | None) -> Lesson:
    """The lesson `build` makes, in `lang`; given several languages, the first's page with a toggle to the others.

    `lang` is ``"en"``, ``"zh"``, a sequence such as ``("zh", "en")``, or None
    (the current language, `autograd.i18n`). The drawing is laid out once, in
    the first language; the toggle swaps its words.
    """
    languages = [lang] if lang is None or isinstance(lang, str) else list(lang)
    if not languages:
        raise ValueError(f"lang must name at least one of {', '.join(LANGUAGES)}")
    pages = []
    for each in dict.fromkeys(None if each is None else check_language(each) for each in languages):
        with language(each):
            pages.append(build())
    for page in pages[1:]:
        pages[0].add_translation(page)
    return pages[0]


def _inline_svg(svg: str, label: str) -> str:
    """Graphviz's SVG document as an element of an HTML page.

    The XML prolog, the DOCTYPE (which names a DTD by URL) and the comments go;
    so do the namespace declarations, which HTML does not need, and the fixed
    size, so that the picture fills its pane and the page can zoom it.
    """
    body = svg[svg.index("<svg") :]
    body = re.sub(r"<!--.*?-->\n?", "", body, flags=re.DOTALL)
    end = body.index(">") + 1
    opening = re.sub(r'\s(?:width|height|xmlns(?::\w+)?)="[^"]*"', "", body[:end])
    opening = opening.replace("<svg", f'<svg role="img" aria-label="{html.escape(label, quote=True)}"', 1)
    return opening + body[end:]


def lesson(
    root: Value,
    *,
    learning_rate: float | None = None,
    title: str | None = None,
    group: bool = False,
    rankdir: str | None = None,
    max_nodes: int = MAX_NODES,
    params: Sequence[Value] | None = None,
    lang: str | Sequence[str] | None = None,
) -> Lesson:
    """A lesson page that steps through the forward and backward pass of `root`'s graph.

    Args:
        root: the Value to differentiate (an expression's output, a loss).
        learning_rate: if given, the lesson ends with one step of gradient descent,
            w ← w − α·∂root/∂w, on the parameters, and the new value of `root`. The
            inputs (every other leaf) stay; the page says which is which.
        params: the leaves gradient descent moves; None: the leaves named like
            parameters (``w``, ``w1``, ``b``, ``w[l]_kj``, ``b[l]_k``; `autograd.notation.is_parameter_name`).
        title: the page's title (default: says what is differentiated).
        group: box the nodes of each neuron and layer, for graphs built by `nn`.
        rankdir: ``'LR'`` or ``'TB'`` as in `autograd.draw`; None picks the one that
            shows the graph largest on the page.
        max_nodes: refuse graphs with more Values than this (ValueError).
        lang: the page's language, ``"en"`` or ``"zh"`` (default: the current one,
            `autograd.i18n`); several, e.g. ``("zh", "en")``, give a page with a language toggle.

    The graph is not changed: its ``.grad`` values are the same afterwards.

        >>> from autograd import Value, lesson
        >>> x, y = Value(3.0, name="x"), Value(4.0, name="y")
        >>> page = lesson(x * y + x)
        >>> page.save("lesson.html")  # doctest: +SKIP
    """
    return in_languages(
        lambda: _lesson(root, learning_rate, title, group, rankdir, max_nodes, params), lang
    )


def _lesson(
    root: Value,
    learning_rate: float | None,
    title: str | None,
    group: bool,
    rankdir: str | None,
    max_nodes: int,
    params: Sequence[Value] | None,
) -> Lesson:
    rate = None
    if learning_rate is not None:
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)):
            raise TypeError(f"learning_rate must be a number or None, got {type(learning_rate).__name__}")
        rate = float(learning_rate)
        if not rate > 0 or rate == float("inf"):
            raise ValueError(f"learning_rate must be a positive finite number, got {learning_rate!r}")
    graph = LessonGraph(root, group=group, rankdir=rankdir, max_nodes=max_nodes, params=params)
    root_label = graph.labels[graph.root]
    if title is None:
        title = _("Backpropagation through {root}").format(root=root_label)
    updates = graph.update_steps(rate) if rate is not None else []
    steps = [
        graph.start_step(title, sum(step.phase == "update" for step in updates)),
        *graph.forward_steps(),
        graph.output_step(),
        *graph.backward_steps(),
        graph.gradients_step(),
        *updates,
    ]
    return Lesson(title, graph, steps, learning_rate=rate)


__all__ = [
    "LANGUAGE_NAMES",
    "MAX_NODES",
    "PAGE_WORDS",
    "SCHEMA",
    "Lesson",
    "LessonGraph",
    "LessonStep",
    "in_languages",
    "lesson",
    "updates_table",
]

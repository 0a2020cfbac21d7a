"""A lesson page on one step of gradient descent on a small network: `nn.lesson`.

The page is `autograd.lesson`'s (see there): the loss's graph drawn by
`autograd.draw`, its forward pass node by node and its backward pass edge by
edge from `autograd.explain`'s records. To them it adds the textbook's view of
the step, with the numbers of `nn.derive`: the loss formula, the updates
w ← w − α·δ·a and b ← b − α·δ, and the output and loss after the step. The
gradients of the two routes are compared before the page is built; they must
agree (`GradientMismatchError` otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from autograd import Value
from autograd.backprop import topological_order
from autograd.views.explain import format_factor, format_number
from autograd.i18n import Catalog
from autograd.views.lesson import MAX_NODES, Lesson, LessonGraph, LessonStep, in_languages, updates_table
from autograd.notation import activation_name, bias_name, weight_name, weighted_input_name
from nn.teaching.derive import CHECK_TOLERANCE, GradientMismatchError, NetworkDerivation, derive
from nn.teaching.formulas import LOSS_FORMULAS
from nn.teaching.neuron_steps import NeuronSteps
from nn.layers import MLP
from nn.losses import LOSSES

_ = Catalog("nn")

LOSS_NAME = "C"
"""The name of the loss node, so that the page writes ∂C/∂w as BACKPROP.md does."""


def lesson(
    model: MLP,
    inputs: Sequence[Any],
    targets: Sequence[Any] | float,
    loss: str,
    learning_rate: float,
    *,
    reduction: str = "sum",
    title: str | None = None,
    group: bool = False,
    rankdir: str | None = None,
    max_nodes: int = MAX_NODES,
    lang: str | Sequence[str] | None = None,
) -> Lesson:
    """A lesson page on one gradient-descent step of `model`: forward, loss, backward, updates, result.

    The arguments are `nn.derive`'s (one example or a batch, a loss name from
    `nn.losses.LOSSES`, the learning rate α, the batch `reduction`); `model` is
    not changed. The network's inputs are named x1, x2, …, its targets y1, y2, …
    and the loss C. One example gives the clearest page: in a batch every
    example has its own copy of every neuron's nodes. A network of more than
    `max_nodes` Values (one example) is drawn with a table per neuron and
    stepped through neuron by neuron (`nn.teaching.neuron_steps`). `title`,
    `group`, `rankdir`, `max_nodes` and `lang` (``"zh"``, or ``("zh", "en")`` for
    a page with a language toggle) are as in `autograd.lesson`.

        >>> from nn import MLP, lesson
        >>> model = MLP.from_weights([[[0.5, -0.2]]], [[0.1]], "sigmoid")
        >>> page = lesson(model, [1.0, 0.0], [1.0], "bce", 0.5)
        >>> page.save("lesson.html")  # doctest: +SKIP
    """
    derivation = derive(model, inputs, targets, loss, learning_rate, reduction=reduction)
    return in_languages(
        lambda: _lesson(model, derivation, loss, learning_rate, reduction, title, group, rankdir, max_nodes), lang
    )


def _lesson(
    model: MLP,
    derivation: NetworkDerivation,
    loss: str,
    learning_rate: float,
    reduction: str,
    title: str | None,
    group: bool,
    rankdir: str | None,
    max_nodes: int,
) -> Lesson:
    record = derivation.to_dict()["steps"][0]
    root, outputs, targets = _loss_graph(model, record["examples"], loss, reduction)
    nodes = _ExampleNodes(outputs, targets)
    by_neuron = len(topological_order(root)) > max_nodes
    if by_neuron and len(record["examples"]) > 1:
        raise ValueError(
            _(
                "the graph has {values} Values, more than max_nodes={max_nodes}, and a "
                "batch of {examples} examples: a lesson steps through a big network "
                "neuron by neuron for one example only. Give one example, or raise "
                "max_nodes"
            ).format(
                values=len(topological_order(root)), max_nodes=max_nodes, examples=len(record['examples'])
            )
        )
    graph = LessonGraph(root, group=group, rankdir=rankdir, max_nodes=max_nodes, collapse=by_neuron)
    _check_agreement(graph, record)
    if title is None:
        sizes = " → ".join(map(str, derivation.sizes))
        title = _("One step of gradient descent on a {sizes} network ({loss}, α = {alpha})").format(
            sizes=sizes, loss=loss, alpha=format_number(learning_rate)
        )
    if by_neuron:
        neurons = NeuronSteps(graph, derivation)
        steps = [
            _with_delta_names(neurons.start_step(title)),
            *neurons.forward_steps(),
            _loss_step(graph, derivation, record, nodes),
            *neurons.backward_steps(),
            *neurons.update_steps(derivation.learning_rate),
            _result_step(graph, derivation, record, nodes),
        ]
        return Lesson(title, graph, steps, network=derivation.to_dict(), learning_rate=derivation.learning_rate)
    updates = _update_steps(graph, derivation, record)
    steps = [
        _with_delta_names(graph.start_step(title, len(updates))),
        *graph.forward_steps(),
        _loss_step(graph, derivation, record, nodes),
        *graph.backward_steps(),
        graph.gradients_step(),
        *updates,
        _result_step(graph, derivation, record, nodes),
    ]
    return Lesson(title, graph, steps, network=derivation.to_dict(), learning_rate=derivation.learning_rate)


def _loss_graph(
    model: MLP, examples: list[dict[str, Any]], loss: str, reduction: str
) -> tuple[Value, list[list[Value]], list[list[Value]]]:
    """The loss of a fresh copy of `model` on the examples as `derive` recorded them.

    Inputs are named x1, x2, … and targets y1, y2, …: leaves a live page can edit.
    Returns the loss, and per example its output nodes and its target leaves.
    """
    network = MLP.from_dict(model.to_dict())
    outputs = [
        network([Value(x, name=f"x{j}") for j, x in enumerate(example["input"], start=1)]) for example in examples
    ]
    targets = [[Value(y, name=f"y{k}") for k, y in enumerate(example["target"], start=1)] for example in examples]
    total = LOSSES[loss](outputs, targets, reduction)
    total.name = LOSS_NAME
    return total, [list(output) if isinstance(output, list) else [output] for output in outputs], targets


class _Parameter(NamedTuple):
    """A weight (kind 'w', row k, column j of layer l) or a bias (kind 'b', j unused); indices 0-based."""

    kind: str
    l: int
    k: int
    j: int = 0

    @property
    def name(self) -> str:
        return (
            weight_name(self.l + 1, self.k + 1, self.j + 1) if self.kind == "w" else bias_name(self.l + 1, self.k + 1)
        )

    def entry(self, record: dict[str, Any], table: str) -> float:
        """The parameter's number in a table of a derive record: 'value', 'gradient' or 'updated'."""
        numbers = record[_TABLES[table][self.kind == "b"]]
        return numbers[self.l][self.k][self.j] if self.kind == "w" else numbers[self.l][self.k]


_TABLES = {
    "value": ("weights", "biases"),
    "gradient": ("weight_gradients", "bias_gradients"),
    "updated": ("updated_weights", "updated_biases"),
}
"""The keys of a derive record's per-parameter tables: (weights, biases) for each kind of number."""


def _parameters(record: dict[str, Any]) -> list[_Parameter]:
    """Every weight and bias of a derive record, layer by layer, each neuron's weights then its bias."""
    found = []
    for l, layer in enumerate(record["weights"]):
        biases = record["biases"][l]
        for k, row in enumerate(layer):
            found += [_Parameter("w", l, k, j) for j, w in enumerate(row) if w is not None]
            if biases is not None and biases[k] is not None:
                found.append(_Parameter("b", l, k))
    return found


def _check_agreement(graph: LessonGraph, record: dict[str, Any]) -> None:
    """The backward pass on the page (explain) and the updates (derive) must use the same gradients."""
    for parameter in _parameters(record):
        node = graph.named(parameter.name)
        if node is None:
            continue
        shown, formula = graph.gradient(node), parameter.entry(record, "gradient")
        if not abs(shown - formula) <= CHECK_TOLERANCE * max(1.0, abs(shown)):
            raise GradientMismatchError(
                _(
                    "{name}: the engine's backward pass gives {shown!r} but nn.derive's "
                    "formulas {formula!r}; the lesson would contradict itself"
                ).format(
                    name=parameter.name, shown=shown, formula=formula
                )
            )


def _delta_names() -> str:
    """What the page calls δ, and the other names a reader of the tutorials may know it by."""
    return _("δ[l]_k = ∂C/∂z[l]_k, the delta (error term) of neuron k in layer l, is what the backward pass carries.")


def _with_delta_names(start: LessonStep) -> LessonStep:
    """The start page with `_delta_names` just before its last line (the keys)."""
    return replace(start, details=(*start.details[:-1], _delta_names(), start.details[-1]))


class _ExampleNodes(NamedTuple):
    """Per example, the output nodes a[L]_k and the target leaves y_k of the loss graph."""

    outputs: list[list[Value]]
    targets: list[list[Value]]


def _live_vector(graph: LessonGraph, kind: str, nodes: Sequence[Value], recorded: Sequence[float]) -> str:
    """Numbers of `nodes` as tokens of their live values (`kind` 'd' now, 'n' after the update)."""
    return ", ".join(graph.number(kind, graph.ids[node], number) for node, number in zip(nodes, recorded, strict=True))


def _loss_step(
    graph: LessonGraph, derivation: NetworkDerivation, record: dict[str, Any], nodes: _ExampleNodes
) -> LessonStep:
    examples = record["examples"]
    shown = [
        _("output o = ({output}), target y = ({target})").format(
            output=_live_vector(graph, "d", outputs, e["output"]), target=_live_vector(graph, "d", targets, e["target"])
        )
        for e, outputs, targets in zip(examples, nodes.outputs, nodes.targets, strict=True)
    ]
    details = [
        _("example {n}: {text}").format(n=n, text=text) if len(shown) > 1 else text
        for n, text in enumerate(shown, start=1)
    ]
    if len(examples) > 1:
        over = "Σ_n C_n" if derivation.reduction == "sum" else "(1/N) Σ_n C_n"
        details.append(_("over the batch of {count}: C = {over}").format(count=len(examples), over=over))
    details.append(
        _("The backward pass starts at C with ∂C/∂C = {seed}, the seed.").format(
            seed=format_number(graph.derivation.seed)
        )
    )
    return replace(
        graph.output_step(),
        heading=_("the {loss} loss").format(loss=derivation.loss),
        equation=_(LOSS_FORMULAS[derivation.loss]),
        numbers=f"= {graph.data(graph.root)}",
        details=tuple(details),
        related=tuple(graph.ids[node] for node in nodes.outputs[0]),
    )


def _update_steps(graph: LessonGraph, derivation: NetworkDerivation, record: dict[str, Any]) -> list[LessonStep]:
    """w ← w − α·δ·a and b ← b − α·δ for every parameter, with `derive`'s numbers."""
    single = len(record["examples"]) == 1
    example = record["examples"][0]
    alpha = graph.number("a", "", derivation.learning_rate)
    parameters = _parameters(record)
    steps = []
    for number, parameter in enumerate(parameters, start=1):
        kind, l, k, j = parameter
        name = parameter.name
        old, gradient = parameter.entry(record, "value"), parameter.entry(record, "gradient")
        updated = parameter.entry(record, "updated")
        delta_name = f"δ[{l + 1}]_{k + 1}"
        delta = example["delta"][l][k]
        neuron = graph.named(weighted_input_name(l + 1, k + 1)) or graph.named(activation_name(l + 1, k + 1))
        source_name = f"x{j + 1}" if l == 0 else activation_name(l, j + 1)
        source = graph.named(source_name) if kind == "w" else None
        node = graph.named(name)
        weighted_input = graph.named(weighted_input_name(l + 1, k + 1))
        shown_old = format_factor(old) if node is None else graph.data(node, "f")
        shown_gradient = format_number(gradient) if node is None else graph.grad(node)
        shown_delta = format_factor(delta) if weighted_input is None else graph.grad(weighted_input, "f")
        if not single:
            shown_factor = format_factor(gradient) if node is None else graph.grad(node, "f")
            rule, numbers = f"{name} − α·∂C/∂{name}", f"{shown_old} − {alpha} × {shown_factor}"
            why = _("∂C/∂{name} = {gradient}, over the batch ({reduction} of the examples)").format(
                name=name, gradient=shown_gradient, reduction=derivation.reduction
            )
        elif kind == "w":
            a = example["input"][j] if l == 0 else example["a"][l - 1][j]
            shown_a = format_factor(a) if source is None else graph.data(source, "f")
            rule = f"{name} − α·{delta_name}·{source_name}"
            numbers = f"{shown_old} − {alpha} × {shown_delta} × {shown_a}"
            why = _("∂C/∂{name} = {delta}·{source} = {numbers} = {gradient}, the gradient backward left in {name}").format(
                name=name,
                delta=delta_name,
                source=source_name,
                numbers=f"{shown_delta} × {shown_a}",
                gradient=shown_gradient,
            )
        else:
            rule, numbers = f"{name} − α·{delta_name}", f"{shown_old} − {alpha} × {shown_delta}"
            why = _(
                "∂C/∂{name} = {delta}·1 = {gradient}: the bias enters {z} by addition, so ∂z/∂b = 1"
            ).format(name=name, delta=delta_name, gradient=shown_gradient, z=weighted_input_name(l + 1, k + 1))
        details = [why]
        if number == 1:
            details.append(_("The boxes get the new parameters; the other values stay those of this forward pass."))
        steps.append(
            graph.update_step(
                node,
                name,
                _("parameter {number} of {count}").format(number=number, count=len(parameters)),
                rule,
                numbers,
                updated,
                details=details,
                related=[node for node in (neuron, source) if node is not None],
            )
        )
    return steps


def _result_step(
    graph: LessonGraph, derivation: NetworkDerivation, record: dict[str, Any], nodes: _ExampleNodes
) -> LessonStep:
    before, after = record["loss"], record["loss_after"]
    outputs = " ; ".join(
        f"({_live_vector(graph, 'd', output_nodes, e['output'])}) → ({_live_vector(graph, 'n', output_nodes, o)})"
        for e, o, output_nodes in zip(record["examples"], record["outputs_after"], nodes.outputs, strict=True)
    )
    root = graph.ids[graph.root]
    verdict = _("went down") if after < before else _("did not go down: α is too large here")
    rows = []
    for parameter in _parameters(record):
        node = graph.named(parameter.name)
        old, new = parameter.entry(record, "value"), parameter.entry(record, "updated")
        if node is None:
            rows.append((parameter.name, format_number(old), format_number(new)))
        else:
            rows.append((parameter.name, graph.data(node), graph.number("u", graph.ids[node], new)))
    return LessonStep(
        "end",
        _("after one step of gradient descent"),
        f"o: {outputs}",
        f"C: {graph.data(graph.root)} → {graph.number('n', root, after)}",
        details=(
            _("A new forward pass with the updated parameters: the loss {verdict}.").format(
                verdict=graph.verdict(verdict)
            ),
            _(
                "Check: when the page was made, the {compared} gradients and deltas of the "
                "textbook formulas (nn.derive) equalled the engine's .grad."
            ).format(compared=record["check"]["compared"]),
        ),
        table=updates_table(rows),
        focus=graph.ids[graph.root],
        related=tuple(graph.ids[node] for node in nodes.outputs[0]),
    )


__all__ = ["LOSS_NAME", "lesson"]

"""Step-by-step derivations of any expression: the forward pass, then every chain-rule step.

`explain(root)` runs the engine's own backward pass (`autograd.backprop.propagate`)
with a recorder attached, so every number in the derivation is the number the
engine computed: nothing here applies the chain rule a second time. The result,
a `Derivation`, lists

* the forward pass in topological order: each node's rule (``v1 = x · y``) and value;
* the backward pass, one step per edge in the order the engine processes them::

      ∂L/∂operand = ∂L/∂result · ∂result/∂operand = (upstream) × (local) = contribution   [local rule]

  and, for a node used more than once (``x*x``, a weight shared by two paths),
  the sum of its contributions, which is the multivariable chain rule.

It renders as aligned plain text (``str(d)``), Markdown (`Derivation.to_markdown`),
a LaTeX ``align*`` block (`Derivation.to_latex`) and JSON-ready data
(`Derivation.to_dict`). Nodes are labelled by their ``name``; an unnamed root
is ``L``, unnamed leaves get ``c1, c2, …``, other unnamed nodes ``v1, v2, …``
(numbered in forward order, skipping labels a name already uses), and a name
carried by several distinct nodes gets ``#2``, ``#3``, … on its later nodes.

JSON schema of `Derivation.to_dict` (``"schema": "scalargrad.explain/1"``)::

    {"schema": "scalargrad.explain/1",
     "root": label of the differentiated node, "seed": ∂root/∂root (1.0),
     "forward": [{"label", "op" ('' for a leaf), "operands": [labels],
                  "expression" (text form, '' for a leaf), "value"}],
     "backward": [{"kind": "edge", "node", "parent", "position" (0-based operand
                   position), "rule", "local", "upstream", "contribution",
                   "index", "count" (the edge brings contribution `index` of the
                   `count` that `parent` receives)}
                  | {"kind": "sum", "label", "contributions": [numbers], "total"}],
     "gradients": {label: ∂root/∂node for every node}}
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd.backprop import propagate, topological_order
from autograd.i18n import Catalog, language
from autograd.views.markdown import code_span
from autograd.views.latex import DISPLAY_LINE_WIDTH, display_width, latex_escape, latex_label, text_to_latex
from autograd.value import Value

SCHEMA = "scalargrad.explain/1"
"""Identifies the layout of `Derivation.to_dict`; bumped if the layout changes."""

NUMBER_DIGITS = 6
"""Significant digits of the numbers in text, Markdown and LaTeX output (JSON keeps every digit)."""

SUM_WIDTH = 30
"""A sum of contributions longer than this (in characters) is not written out term by term."""

TERMINAL_WIDTH = 100
"""Text output fits this many columns: wider rows put their local rule on a line of their own."""

_ = Catalog("autograd")


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class ForwardStep:
    """One node of the forward pass: ``label = expression = value``."""

    label: str
    op: str
    operands: tuple[str, ...]
    expression: str
    latex: str
    value: float


@dataclass(frozen=True)
class EdgeStep:
    """One chain-rule step, exactly as the engine took it.

    ``contribution = upstream × local`` is the part of ∂root/∂parent that flows
    through `node`; it is contribution `index` of `count` that `parent` receives.
    """

    node: str
    parent: str
    position: int
    rule: str
    local: float
    upstream: float
    contribution: float
    index: int
    count: int


@dataclass(frozen=True)
class GradientSum:
    """∂root/∂label as the sum of its contributions, for a node the graph uses more than once."""

    label: str
    contributions: tuple[float, ...]
    total: float


BackwardStep = EdgeStep | GradientSum


# ---------------------------------------------------------------- numbers and tables


def format_number(x: float, digits: int = NUMBER_DIGITS) -> str:
    """`x` with `digits` significant digits, without a trailing ``.0`` (``1``, ``0.671846``, ``2.04e-07``).

    Negative zero prints as ``0``: a product such as ``-0.5 × 0`` is zero, not "minus zero".
    """
    return f"{x + 0.0:.{digits}g}"


def format_factor(x: float) -> str:
    """A number as a factor of a product: negatives in parentheses, so ``1 × (-3)`` reads right."""
    text = format_number(x)
    return f"({text})" if x < 0 else text


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded with spaces to `width` terminal columns, on the right (or on the left if `right`)."""
    fill = " " * max(0, width - terminal_width(text))
    return fill + text if right else text + fill


def align_columns(
    rows: Sequence[Sequence[str]], indent: str = "  ", right: Sequence[int] = (), separator: str = " "
) -> list[str]:
    """Rows of cells as lines whose columns line up (columns listed in `right` are right-aligned).

    Widths are terminal columns (`terminal_width`), so Chinese text and CJK names
    line up too. Trailing blanks are stripped, so the text copies cleanly out of a terminal.
    """
    columns = max((len(row) for row in rows), default=0)
    widths = [max((terminal_width(row[i]) for row in rows if i < len(row)), default=0) for i in range(columns)]
    lines = []
    for row in rows:
        cells = [pad(cell, widths[i], right=i in right) for i, cell in enumerate(row)]
        lines.append((indent + separator.join(cells)).rstrip())
    return lines


def terminal_width(text: str) -> int:
    """Columns `text` takes in a terminal: two for a wide (CJK) character, none for a combining accent (the hat of m̂)."""
    return sum(
        0 if unicodedata.combining(character) else 2 if unicodedata.east_asian_width(character) in "WF" else 1
        for character in text
    )


# ---------------------------------------------------------------- how each operation reads

# op -> (plain text, LaTeX); {0}, {1}, ... are the operands' labels.
_FORMS: dict[str, tuple[str, str]] = {
    "+": ("{0} + {1}", "{0} + {1}"),
    "-": ("{0} − {1}", "{0} - {1}"),
    "*": ("{0} · {1}", r"{0} \cdot {1}"),
    "/": ("{0} / {1}", r"\frac{{{0}}}{{{1}}}"),
    "neg": ("−{0}", "-{0}"),
    "abs": ("|{0}|", r"\left|{0}\right|"),
    "**": ("{0}^{1}", "{{{0}}}^{{{1}}}"),
    "exp": ("exp({0})", "e^{{{0}}}"),
    "log": ("ln({0})", r"\ln({0})"),
    "sqrt": ("√{0}", r"\sqrt{{{0}}}"),
    "tanh": ("tanh({0})", r"\tanh({0})"),
    "sigmoid": ("σ({0})", r"\sigma({0})"),
    "relu": ("relu({0})", r"\operatorname{{relu}}({0})"),
    "softplus": ("softplus({0})", r"\operatorname{{softplus}}({0})"),
    "sin": ("sin({0})", r"\sin({0})"),
    "cos": ("cos({0})", r"\cos({0})"),
}


def _parameter(node: Value) -> tuple[str, float] | None:
    """The constant a parametrised operation carries (the c of x**c, leaky_relu's slope), if any."""
    for attribute, symbol in (("exponent", "c"), ("slope", "slope")):
        value = getattr(node.local_grads, attribute, None)
        if value is not None:
            return symbol, value
    return None


def partial_of_expression(expression: str, operand: str) -> str:
    """The local derivative of the root by its operand, written with the root's expression.

    ``∂L/∂v1 = ∂L/∂L · ∂tanh(v1)/∂v1``: written ∂L/∂v1, the local derivative
    would look like the total gradient it helps compute.
    """
    return f"∂{expression if ' ' not in expression else f'({expression})'}/∂{operand}"


def node_expression(node: Value, operands: list[str], latex_operands: list[str]) -> tuple[str, str]:
    """How `node` is computed from its operands' labels, as plain text and as LaTeX.

    `operands` and `latex_operands` stand for ``node.parents`` in order (``x · y``
    and ``x \\cdot y``); any text will do: labels, or numbers as `autograd.lesson` writes them.
    """
    op = node.op
    parameter = _parameter(node)
    if op.startswith("**") and parameter is not None:
        exponent = format_number(parameter[1])
        return f"{operands[0]}^{exponent}", f"{{{latex_operands[0]}}}^{{{exponent}}}"
    if op == "leaky_relu" and parameter is not None:
        slope = format_number(parameter[1])
        return (
            f"leaky_relu({operands[0]}, {slope})",
            rf"\operatorname{{leaky\_relu}}({latex_operands[0]}, {slope})",
        )
    if op == "sum":
        return " + ".join(operands), " + ".join(latex_operands)
    if op in _FORMS:
        text, latex = _FORMS[op]
        return text.format(*operands), latex.format(*latex_operands)
    joined = ", ".join(operands)
    return f"{op}({joined})", rf"\operatorname{{{latex_escape(op)}}}({', '.join(latex_operands)})"


def _rule(node: Value, position: int) -> str:
    """The local derivative rule of `node` with respect to its operand at `position`, as text."""
    rules: tuple[str, ...] = getattr(node.local_grads, "rules", ())
    if not rules:
        return _("∂{op}/∂operand {position} (no rule text recorded)").format(op=node.op, position=position + 1)
    rule = _(rules[position] if len(rules) > 1 else rules[0])
    parameter = _parameter(node)
    if parameter is not None:
        rule += f", {parameter[0]} = {format_number(parameter[1])}"
    return rule


# ---------------------------------------------------------------- labels


def _labels(order: Sequence[Value]) -> dict[Value, str]:
    """A distinct, stable label for every node: its name, L for an unnamed root, or a generated c1/v1 label."""
    taken = {node.name for node in order if node.name is not None}
    labels: dict[Value, str] = {}
    root = order[-1]
    if root.name is None and "L" not in taken:
        labels[root] = "L"
    used: dict[str, int] = {}
    counters = {"c": 0, "v": 0}
    for node in order:
        if node in labels:
            continue
        if node.name is not None:
            seen = used.get(node.name, 0) + 1
            used[node.name] = seen
            labels[node] = node.name if seen == 1 else f"{node.name}#{seen}"
            continue
        prefix = "c" if node.local_grads is None else "v"
        while True:
            counters[prefix] += 1
            candidate = f"{prefix}{counters[prefix]}"
            if candidate not in taken:
                break
        labels[node] = candidate
    return labels


# ---------------------------------------------------------------- the derivation


class Derivation:
    """The forward and backward pass of one expression, step by step, with the engine's numbers.

    Attributes:
        root: the label of the differentiated node (the L of ∂L/∂w).
        seed: ∂root/∂root, where the backward pass starts (1.0).
        forward: one `ForwardStep` per node, each after its operands.
        backward: the `EdgeStep` records in the engine's order, with a `GradientSum`
            where a node's contributions are complete and there is more than one.
        gradients: ∂root/∂node for every node, by label.
        lang: the language its text is written in (``"en"`` or ``"zh"``, `autograd.i18n`).
    """

    def __init__(
        self,
        root: str,
        seed: float,
        forward: tuple[ForwardStep, ...],
        backward: tuple[BackwardStep, ...],
        gradients: dict[str, float],
        labels: dict[Value, str],
        lang: str = "en",
    ) -> None:
        self.root = root
        self.seed = seed
        self.forward = forward
        self.backward = backward
        self.gradients = gradients
        self._labels = labels
        self.lang = lang

    def label(self, node: Value) -> str:
        """The label this derivation uses for `node` (KeyError if the node is not in the graph)."""
        return self._labels[node]

    def gradient(self, node: Value | str) -> float:
        """∂root/∂node, for a node of the graph or its label."""
        return self.gradients[node if isinstance(node, str) else self._labels[node]]

    def edges(self) -> list[EdgeStep]:
        """The chain-rule steps alone, in the engine's order."""
        return [step for step in self.backward if isinstance(step, EdgeStep)]

    # ------------------------------------------------------------ plain text

    @staticmethod
    def _partial(of: str, by: str) -> str:
        return f"∂{of}/∂{by}"

    def _local_partial(self, step: EdgeStep) -> str:
        """∂node/∂parent, written with the root's expression where the node is the root (see `partial_of_expression`)."""
        if step.node != self.root:
            return self._partial(step.node, step.parent)
        return partial_of_expression(self.forward[-1].expression, step.parent)

    def _edge_cells(self, step: EdgeStep) -> list[str]:
        target = self._partial(self.root, step.parent)
        if step.count > 1:
            target += _(" ({index} of {count})").format(index=step.index, count=step.count)
        chain = f"{self._partial(self.root, step.node)} · {self._local_partial(step)}"
        numbers = f"{format_factor(step.upstream)} × {format_factor(step.local)}"
        return [target, "=", chain, "=", numbers, "=", format_number(step.contribution), step.rule]

    def _chain_rule_legend(self) -> str:
        """What each backward row says, in words where a letter could be mistaken for a node of the graph."""
        root = self.root
        return _("∂{root}/∂operand = ∂{root}/∂result · ∂result/∂operand = upstream × local = contribution").format(
            root=root
        )

    def _seed_cells(self) -> list[str]:
        return [self._partial(self.root, self.root), "=", _("seed"), "", "", "=", format_number(self.seed), ""]

    def _sum_cells(self, step: GradientSum) -> list[str]:
        terms = (
            " + ".join(format_factor(c) for c in step.contributions)
            if _written_out(step)
            else _("(the contributions above)")
        )
        chain = _("sum of the {count} contributions").format(count=len(step.contributions))
        return [self._partial(self.root, step.label), "=", chain, "=", terms, "=", format_number(step.total), ""]

    def _backward_rows(self) -> list[list[str]]:
        """The seed, then one row per backward step: target, =, chain, =, numbers, =, value, local rule."""
        rows = [self._seed_cells()]
        for step in self.backward:
            rows.append(self._edge_cells(step) if isinstance(step, EdgeStep) else self._sum_cells(step))
        return rows

    def __str__(self) -> str:
        with language(self.lang):
            forward_rows = [
                [step.label, "=", step.expression, "=", format_number(step.value)]
                if step.op
                else [step.label, "=", "", "", format_number(step.value), _("leaf")]
                for step in self.forward
            ]
            lines = [
                _("Forward pass (topological order: every node after its operands)"),
                *align_columns(forward_rows, right=(4,)),
                "",
                _("Backward pass: one chain-rule step per edge, in the order the engine takes them"),
                "  " + _("{legend}; then the local rule").format(legend=self._chain_rule_legend()),
                *_fit(self._backward_rows(), right=(6,), note_under=2),
            ]
        return "\n".join(lines)

    # ------------------------------------------------------------ Markdown

    def to_markdown(self) -> str:
        """The derivation as two Markdown tables (forward, backward), formulas in code spans."""
        with language(self.lang):
            lines = [
                _("**Forward pass** (topological order: every node after its operands)"),
                "",
                _("| node | computed as | value |"),
                "|---|---|---:|",
            ]
            for step in self.forward:
                expression = code_span(step.expression) if step.op else _("leaf")
                lines.append(f"| {code_span(step.label)} | {expression} | {format_number(step.value)} |")
            lines += [
                "",
                _("**Backward pass** (the engine's order; {legend})").format(legend=self._chain_rule_legend()),
                "",
                _("| gradient | chain rule | numbers | value | local rule |"),
                "|---|---|---|---:|---|",
            ]
            for target, _equals, chain, _equals, numbers, _equals, value, note in self._backward_rows():
                cells = [code_span(target), code_span(chain), code_span(numbers), value, code_span(note)]
                lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------ LaTeX

    @staticmethod
    def _latex_partial(of: str, by: str) -> str:
        return rf"\frac{{\partial {latex_label(of)}}}{{\partial {latex_label(by)}}}"

    def to_latex(self) -> str:
        r"""The derivation as one ``align*`` block (needs amsmath), rules in a ``&&`` column.

        The block may break across pages (it sits in a group with
        ``\allowdisplaybreaks``). When the rules' column would push the block
        past the page's width, every rule goes on a line of its own under its
        row instead; a row still too wide continues on the next line after its
        chain rule, and a long sum is broken before a ``+``.
        In Chinese (``lang="zh"``) the words in ``\text{}`` are Chinese: compile with
        XeLaTeX and the ``ctex`` package.
        """
        with language(self.lang):
            return self._latex_block()

    def _latex_block(self) -> str:
        forward, backward = _latex_words(_("forward pass")), _latex_words(_("backward pass"))
        # each entry: the left side, the lines of the right side, the rule, and the right side's width in text
        entries: list[tuple[str, list[str], str, float]] = [("", [rf"\text{{{forward}}}"], "", 0.0)]
        for forward_step in self.forward:
            label, number = latex_label(forward_step.label), _latex_number(forward_step.value)
            if not forward_step.op:
                entries.append((label, [f"= {number}"], rf"\text{{{_latex_words(_('leaf'))}}}", len(number) + 2))
                continue
            text = f"{forward_step.label} = {forward_step.expression} = {format_number(forward_step.value)}"
            width = display_width(text)
            pieces = _latex_pieces(forward_step.latex, width)
            if len(pieces) == 1:
                entries.append((label, [f"= {pieces[0]} = {number}"], "", width))
            else:
                lines = [f"= {pieces[0]}", *[rf"\quad {piece}" for piece in pieces[1:]], f"= {number}"]
                entries.append((label, lines, "", DISPLAY_LINE_WIDTH - 10))
        entries.append(("", [rf"\text{{{backward}}}"], "", 0.0))
        root = self.root
        text_rows = self._backward_rows()
        seed = _latex_words(_("seed"))
        entries.append((self._latex_partial(root, root), [f"= {_latex_number(self.seed)}"], rf"\text{{{seed}}}", 4.0))
        for step, (target_text, _equals, chain_text, _equals, numbers_text, _equals, value_text, _note) in zip(self.backward, text_rows[1:]):
            target = self._latex_partial(root, step.label if isinstance(step, GradientSum) else step.parent)
            if isinstance(step, EdgeStep):
                local = (
                    rf"\frac{{\partial ({self.forward[-1].latex})}}{{\partial {latex_label(step.parent)}}}"
                    if step.node == root
                    else self._latex_partial(step.node, step.parent)
                )
                chain = rf"{self._latex_partial(root, step.node)} \cdot {local}"
                numbers = rf"{_latex_factor(step.upstream)} \times {_latex_factor(step.local)}"
                value, note = step.contribution, text_to_latex(step.rule)
                if step.count > 1:
                    target += rf"\Big|_{{{step.index}/{step.count}}}"
            else:
                contributions, above = _("contributions"), _("(the contributions above)")
                chain = rf"\textstyle\sum \text{{{_latex_words(contributions)}}}"
                numbers = " + ".join(_latex_factor(c) for c in step.contributions)
                if not _written_out(step):
                    numbers = rf"\text{{{_latex_words(_('(the contributions above)'))}}}"
                used = _latex_words(_("used {count} times").format(count=len(step.contributions)))
                value, note = step.total, rf"\text{{{used}}}"
            result = f"{numbers} = {_latex_number(value)}"
            width = display_width(f"{target_text} = {chain_text} = {numbers_text} = {value_text}")
            if width > DISPLAY_LINE_WIDTH:
                halves = (f"{target_text} = {chain_text}", f"{target_text} = {numbers_text} = {value_text}")
                entries.append((target, [f"= {chain}", f"= {result}"], note, max(map(display_width, halves))))
            else:
                entries.append((target, [f"= {chain} = {result}"], note, width))
        notes = [self._rule_text(entry[2]) for entry in entries]
        rules_apart = max(entry[3] for entry in entries) + 4 + max(map(display_width, notes)) > DISPLAY_LINE_WIDTH
        rows = []
        for lhs, lines, note, _width in entries:
            rows += [f"{lhs} &{lines[0]}", *[f"&{line}" for line in lines[1:]]]
            if note and rules_apart:
                # a rule on a line of its own; the short words (leaf, seed, used n times) stay on the row
                if note.startswith(r"\text"):
                    rows[-1] += rf" \qquad {note}"
                else:
                    rows.append(rf"&\qquad \text{{{_latex_words(_('where '))}}} {note}")
            elif note:
                rows[-1] += f" && {note}"
        return "{\\allowdisplaybreaks\n\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}}\n"

    @staticmethod
    def _rule_text(note: str) -> str:
        """A rule's LaTeX stripped to about the characters it shows, to measure it."""
        return re.sub(r"\\[a-z]+|[{}]", "", note)

    # ------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        """Every number of the derivation as JSON-ready data (layout in the module docstring)."""
        backward: list[dict[str, Any]] = []
        for step in self.backward:
            if isinstance(step, EdgeStep):
                backward.append({"kind": "edge", **_fields(step)})
            else:
                backward.append(
                    {"kind": "sum", "label": step.label, "contributions": list(step.contributions), "total": step.total}
                )
        return {
            "schema": SCHEMA,
            "root": self.root,
            "seed": self.seed,
            "forward": [
                {
                    "label": s.label,
                    "op": s.op,
                    "operands": list(s.operands),
                    "expression": s.expression,
                    "value": s.value,
                }
                for s in self.forward
            ],
            "backward": backward,
            "gradients": dict(self.gradients),
        }

    def __repr__(self) -> str:
        return f"Derivation(root={self.root!r}, nodes={len(self.forward)}, edges={len(self.edges())})"


def _latex_pieces(latex: str, text_width: float) -> list[str]:
    """A forward expression's LaTeX in pieces that fit a line: broken before a top-level ``+`` when too wide.

    `text_width` is the `display_width` of the expression's text form; each
    piece is given its share of it by length.
    """
    if text_width <= DISPLAY_LINE_WIDTH - 10:
        return [latex]
    terms, depth, start = [], 0, 0
    for i, character in enumerate(latex):
        depth += {"{": 1, "}": -1}.get(character, 0)
        if depth == 0 and latex.startswith(" + ", i):
            terms.append(latex[start:i])
            start = i + 1
    terms.append(latex[start:])
    scale = text_width / len(latex)
    pieces: list[str] = []
    for term in terms:
        if pieces and (len(pieces[-1]) + len(term)) * scale <= DISPLAY_LINE_WIDTH - 10:
            pieces[-1] += " " + term
        else:
            pieces.append(term)
    return pieces


def _written_out(step: GradientSum) -> bool:
    """Whether a sum of contributions is short enough (`SUM_WIDTH`) to be written term by term."""
    return len(" + ".join(format_factor(c) for c in step.contributions)) <= SUM_WIDTH


def _fields(step: EdgeStep) -> dict[str, Any]:
    return {name: getattr(step, name) for name in EdgeStep.__dataclass_fields__}


def _fit(rows: list[list[str]], right: Sequence[int], note_under: int) -> list[str]:
    """Aligned rows with each row's last cell (its note) in a column of its own.

    If a note would pass `TERMINAL_WIDTH`, every note instead goes on a line of
    its own under its row, starting below column `note_under`, so that no
    line wraps in a terminal.
    """
    body = align_columns([row[:-1] for row in rows], right=right)
    note_column = max(terminal_width(line) for line in body) + 3
    if all(note_column + terminal_width(row[-1]) <= TERMINAL_WIDTH for row in rows):
        return [(pad(line, note_column) + row[-1]).rstrip() for line, row in zip(body, rows)]
    indent = 2 + sum(terminal_width(cell) + 1 for cell in _column_cells(rows, note_under))
    lines = []
    for line, row in zip(body, rows):
        lines.append(line)
        if row[-1]:
            lines.append(" " * indent + _("where ") + row[-1])
    return lines


def _column_cells(rows: list[list[str]], before: int) -> list[str]:
    """The widest cell of each column left of column `before` (what the columns' starts are made of)."""
    return [max((row[i] for row in rows), key=terminal_width) for i in range(before)]


def _latex_words(words: str) -> str:
    """Words for ``\\text{}``: LaTeX's special characters escaped, Chinese left as it is (ctex sets it)."""
    return latex_escape(words) if words.isascii() else words




def _latex_number(x: float) -> str:
    text = format_number(x)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    return text


def _latex_factor(x: float) -> str:
    text = _latex_number(x)
    return rf"\left({text}\right)" if x < 0 else text


def explain(root: Value, seed: float = 1.0, *, lang: str | None = None) -> Derivation:
    """The forward pass and every chain-rule step of ∂root/∂(each node), with the engine's numbers.

    `root` is usually a loss; `seed` is ∂root/∂root (1.0). `lang` is the
    language of the derivation's text, ``"en"`` or ``"zh"`` (default: the
    current one, `autograd.i18n`); numbers, labels and formulas are the same in both. The graph and the
    nodes' ``.grad`` are left untouched: the derivation holds its own copy of
    every number, recorded from `autograd.backprop.propagate` as the engine
    computed it::

        >>> from autograd import Value
        >>> x = Value(3.0, name="x")
        >>> d = explain(x * x)
        >>> d.gradient(x)
        6.0
    """
    with language(lang) as chosen:
        if not isinstance(root, Value):
            raise TypeError(
                _("explain needs the Value to differentiate, got {type}").format(type=type(root).__name__)
            )
        return _explain(root, seed, chosen)


def _explain(root: Value, seed: float, lang: str) -> Derivation:
    order = topological_order(root)
    labels = _labels(order)
    forward = []
    latex_labels = {node: latex_label(label) for node, label in labels.items()}
    for node in order:
        operands = [labels[p] for p in node.parents]
        if node.local_grads is None:
            text = latex = ""
        else:
            text, latex = node_expression(node, operands, [latex_labels[p] for p in node.parents])
        forward.append(ForwardStep(labels[node], node.op, tuple(operands), text, latex, node.data))

    records: list[tuple[Value, Value, int, float, float, float]] = []
    position_in = _Positions()

    def record(node: Value, parent: Value, local: float, upstream: float, contribution: float) -> None:
        records.append((node, parent, position_in.next(node), local, upstream, contribution))

    grads = propagate(order, seed, differentiable=False, on_step=record)
    backward = _backward_steps(records, grads, labels)
    gradients = {labels[node]: grads[node] for node in order if node in grads}
    return Derivation(labels[root], seed, tuple(forward), backward, gradients, labels, lang)


class _Positions:
    """Numbers a node's edges 0, 1, 2, … as the engine reports them (consecutively, in operand order)."""

    def __init__(self) -> None:
        self._node: Value | None = None
        self._position = 0

    def next(self, node: Value) -> int:
        if node is self._node:
            self._position += 1
        else:
            self._node, self._position = node, 0
        return self._position


def _backward_steps(
    records: list[tuple[Value, Value, int, float, float, float]],
    grads: dict[Value, float],
    labels: dict[Value, str],
) -> tuple[BackwardStep, ...]:
    """Edge steps in the engine's order, with a sum step where a reused node's gradient is complete.

    A non-leaf's gradient is complete when the engine starts on its own edges;
    a leaf's at the end. The total shown is the engine's accumulated gradient.
    """
    counts: dict[Value, int] = {}
    for _, parent, *_ in records:
        counts[parent] = counts.get(parent, 0) + 1
    contributions: dict[Value, list[float]] = {}
    steps: list[BackwardStep] = []
    summed: set[Value] = set()

    def sum_step(node: Value) -> None:
        if counts.get(node, 0) > 1 and node not in summed:
            summed.add(node)
            steps.append(GradientSum(labels[node], tuple(contributions[node]), grads[node]))

    for node, parent, position, local, upstream, contribution in records:
        sum_step(node)
        contributions.setdefault(parent, []).append(contribution)
        steps.append(
            EdgeStep(
                node=labels[node],
                parent=labels[parent],
                position=position,
                rule=_rule(node, position),
                local=local,
                upstream=upstream,
                contribution=contribution,
                index=len(contributions[parent]),
                count=counts[parent],
            )
        )
    for parent in contributions:
        sum_step(parent)
    return tuple(steps)


__all__ = [
    "SCHEMA",
    "Derivation",
    "EdgeStep",
    "ForwardStep",
    "GradientSum",
    "align_columns",
    "explain",
    "format_factor",
    "format_number",
    "latex_label",
    "node_expression",
    "text_to_latex",
]

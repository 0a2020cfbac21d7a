"""How a `DerivationRecord` reads: aligned text, Markdown and a LaTeX document.

The numbers all come from the derivation's records (`nn.teaching.derive`) and the
formulas' text from `nn.teaching.formulas`; nothing is computed here but the
layout. Each step is a list of blocks (the forward pass of a layer, a delta
rule, the gradients of a layer, the updates, ...), each a title, the general
formulas it applies, equations ``lhs = formula = numbers = value`` and remarks;
the three formats write the same blocks.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Sequence

from autograd.i18n import N_, Catalog
from autograd.views.explain import TERMINAL_WIDTH, align_columns, format_factor, format_number, terminal_width
from autograd.views.latex import DISPLAY_LINE_WIDTH, contains_chinese, display_width, prose_segments, text_escape, text_to_latex
from autograd.views.markdown import code_span, markdown_text
from autograd.notation import activation_name, bias_name, weight_name, weighted_input_name
from nn._validation import present
from nn.losses import BCE_EPSILON
from nn.teaching.formulas import (
    DERIVATIVES,
    LOGIT_LOSSES,
    LOSS_FORMULAS,
    LOSS_GRADIENT_TEXT,
    bce_clip,
    bce_clip_text,
    loss_gradient,
)
from nn.teaching.blocks import Block as _Block
from nn.teaching.blocks import Equation as _Equation
from nn.teaching.blocks import (
    latex_document_class,
    matrix_equation_latex,
    matrix_equation_text,
    table_latex,
    table_markdown,
    table_text,
)
from nn.teaching import regime_blocks
from nn.teaching.matrix_form import matrix_blocks
from nn.teaching.notation_options import rewrite_block
from nn.teaching.records import DerivationRecord, ExampleRecord, StepRecord

_ = Catalog("nn")

LONG_FORMULA = 72
"""Sums with more characters than this are written with Σ instead of term by term."""

_ACTIVATION_SYMBOLS = {
    "sigmoid": "σ",
    "tanh": "tanh",
    "relu": "relu",
    "leaky_relu": "leaky_relu",
    "linear": "",
    "softmax": "softmax",
}


# ---------------------------------------------------------------- the three formats


def to_text(derivation: DerivationRecord) -> str:
    """Aligned plain text that fits `TERMINAL_WIDTH` columns: the title and source, a header, then each step's blocks."""
    heading = derivation.title or _(DEFAULT_TITLE)
    lines = [_wrap(heading, "")]
    if derivation.source:
        lines.append(_wrap(_("Source: {source}").format(source=derivation.source), ""))
    lines.append("")
    lines += [_wrap(line, "") for line in _header(derivation)]
    for title, blocks in _sections(derivation):
        lines += ["", title, "=" * terminal_width(title)]
        for block in blocks:
            lines += ["", _wrap(block.title, "")]
            lines += [_wrap(formula, "  ") for formula in block.formulas]
            lines += _equation_lines(block.equations)
            lines += [_wrap(remark, "  ") for remark in block.remarks]
            for table in block.tables:
                lines += ["", *table_text(table)]
            for matrix in block.matrices:
                lines += ["", *matrix_equation_text(matrix)]
    return "\n".join(lines)


def to_markdown(derivation: DerivationRecord) -> str:
    """A heading, then headings per step and a table of equations per block, formulas in code spans.

    Every ``|`` inside a code span is escaped, so GFM tables keep their cells.
    """
    lines = [f"# {markdown_text(derivation.title or _(DEFAULT_TITLE))}", ""]
    if derivation.source:
        lines += [_("Source: {source}").format(source=markdown_text(derivation.source)), ""]
    lines += [f"- {_markdown_prose(line)}" for line in _header(derivation)]
    for title, blocks in _sections(derivation):
        lines += ["", f"## {markdown_text(title)}"]
        for block in blocks:
            lines += ["", f"**{_markdown_prose(block.title)}**", ""]
            lines += [f"{_markdown_formula(formula)}  " for formula in block.formulas]
            if block.equations:
                lines += ["", _("| quantity | formula | numbers | value |"), "|---|---|---|---:|"]
                for e in block.equations:
                    cells = [
                        f"{_markdown_formula(e.lhs)} {e.relation}",
                        _markdown_formula(e.formula),
                        _markdown_formula(e.numbers),
                        e.value,
                    ]
                    lines.append("| " + " | ".join(cells) + " |")
            if block.remarks:
                lines.append("")
                lines += [f"- {_markdown_prose(remark)}" for remark in block.remarks]
            for table in block.tables:
                lines += ["", *table_markdown(table)]
            for matrix in block.matrices:
                lines += ["", "```text", *matrix_equation_text(matrix, indent=""), "```"]
    return "\n".join(lines) + "\n"


DEFAULT_TITLE = N_("Gradient descent, step by step")
"""The heading of a derivation whose example has no title."""


def _markdown_prose(text: str, in_table: bool = False) -> str:
    """A sentence for Markdown: its words as text, its formulas (``z[l]_k``, ``|δ[1]|``) as code spans."""
    return "".join(
        code_span(run, in_table) if is_formula else markdown_text(run) for is_formula, run in prose_segments(text)
    )


def _markdown_formula(text: str) -> str:
    """A formula (a table cell or a line of its own) as one code span; Chinese words in it are set as text."""
    return _markdown_prose(text, in_table=True) if contains_chinese(text) else code_span(text)


def to_latex(derivation: DerivationRecord) -> str:
    """A complete LaTeX document (article + amsmath; in Chinese ctexart, for XeLaTeX): one ``align*`` per block, long lines broken.

    Each equation that would be wider than the page is set over several lines
    (`_latex_rows`), and ``\\allowdisplaybreaks`` lets a long block continue
    on the next page, so nothing runs off the paper.
    """
    parts = [
        latex_document_class(),
        r"\usepackage{amsmath}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\allowdisplaybreaks",
        r"\setlength{\emergencystretch}{3em}",  # long vectors in prose break with looser spacing, not overflow
        r"\begin{document}",
        *_latex_title(derivation),
        r"\begin{itemize}",
        *[rf"\item {_latex_text(line)}" for line in _header(derivation)],
        r"\end{itemize}",
    ]
    for title, blocks in _sections(derivation):
        parts.append(rf"\section*{{{_latex_text(title)}}}")
        for block in blocks:
            parts.append(rf"\paragraph{{{_latex_text(block.title)}}}")
            rows = _latex_rows(block)
            if not rows and not block.remarks and block.tables:
                # a run-in heading would share its line with the table and push it past the margin
                parts.append(r"\leavevmode\par\nopagebreak")
            if rows:
                parts += [r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"]
            if block.remarks:
                parts += [
                    r"\begin{itemize}",
                    *[rf"\item {_latex_text(remark)}" for remark in block.remarks],
                    r"\end{itemize}",
                ]
            for table in block.tables:
                parts += table_latex(table)
            for matrix in block.matrices:
                parts += matrix_equation_latex(matrix)
    parts.append(r"\end{document}")
    return "\n".join(parts) + "\n"


def _latex_rows(block: _Block) -> list[str]:
    """The rows of a block's ``align*``: the general formulas, then each equation, over several rows if long.

    A long equation is set as the textbook does: the left side once, then
    each further side on a row of its own after ``=``; a side still too long
    is broken before a ``+``, ``−`` or ``×`` (or between clauses) and continued
    on indented rows.
    """
    lhs_width = max((display_width(e.lhs) for e in block.equations), default=0)
    room = DISPLAY_LINE_WIDTH - lhs_width - 3
    rows = []
    for formula in block.formulas:
        rows += [f"&{piece}" for piece in _broken(formula, DISPLAY_LINE_WIDTH - 3)]
    for e in block.equations:
        relation = r"\leftarrow" if e.relation == "←" else "="
        sides = [part for part in (e.formula, e.numbers) if part] + [e.value]
        if display_width(" = ".join(sides)) <= room:
            lines = [" = ".join(sides)]
        else:
            lines = [" = ".join(sides[-2:])] if display_width(" = ".join(sides[-2:])) <= room else sides[-2:]
            lines = sides[:-2] + lines if len(sides) > 2 else lines
        first = True
        for line in lines:
            for piece in _broken(line, room):
                if first:
                    rows.append(f"{text_to_latex(e.lhs)} &{relation} {piece}")
                    first = False
                elif piece.startswith(r"\quad"):
                    rows.append(f"&{piece}")
                else:
                    rows.append(f"&= {piece}")
    return rows


def _broken(text: str, room: float) -> list[str]:
    """`text` as LaTeX pieces no wider than `room`, broken before ``+ − ×`` or between clauses; later ones indented."""
    if display_width(text) <= room:
        return [text_to_latex(text)]
    pieces = re.split(r"(?=  \S)|(?<=\S) (?=[+−×] )", text)
    lines: list[str] = []
    for piece in pieces:
        if lines and display_width(lines[-1] + piece) <= room:
            lines[-1] += piece
        else:
            lines.append(piece)
    return [text_to_latex(line.strip()) if i == 0 else r"\quad " + text_to_latex(line.strip()) for i, line in enumerate(lines)]


def _latex_title(derivation: DerivationRecord) -> list[str]:
    """The document's heading: the example's title and its published source, as inert text."""
    lines = [rf"\section*{{{text_escape(derivation.title or _(DEFAULT_TITLE))}}}"]
    if derivation.source:
        source = _("Source: {source}").format(source=text_escape(derivation.source))
        lines.append(rf"{{\raggedright\noindent {source}\par}}")
    return lines


# ---------------------------------------------------------------- the blocks of a step


def _header(derivation: DerivationRecord) -> list[str]:
    sizes = derivation.sizes
    layers = " → ".join(f"{n} {activation}" for n, activation in zip(sizes[1:], derivation.activations))
    batch = derivation.batch_size
    loss = _("Loss: {loss}, {formula} per example").format(
        loss=derivation.loss, formula=_(LOSS_FORMULAS[derivation.loss])
    )
    if derivation.loss == "bce":
        loss += _(" (o clipped to [ε, 1 − ε] inside ln, ε = {epsilon})").format(epsilon=format_number(BCE_EPSILON))
    if batch > 1:
        total = "Σ_n C_n" if derivation.reduction == "sum" else "(1/N) Σ_n C_n"
        loss += _("; over the batch of {batch}: C = {total}").format(batch=batch, total=total)
    lines = [
        _("Network: {inputs} inputs → {layers}").format(inputs=sizes[0], layers=layers),
        loss,
        _("Learning rate: α = {alpha}").format(alpha=format_number(derivation.learning_rate)),
        *regime_blocks.regime_lines(derivation),
        _("Notation: z[l]_k = Σ_j w[l]_kj·a[l−1]_j + b[l]_k, a[l]_k = f(z[l]_k), a[0] = x, δ[l]_k⁽ⁿ⁾ = ∂C_n/∂z[l]_k is the delta of example n (of its own loss C_n)")
        if batch > 1
        else _("Notation: z[l]_k = Σ_j w[l]_kj·a[l−1]_j + b[l]_k, a[l]_k = f(z[l]_k), a[0] = x, δ[l]_k = ∂C/∂z[l]_k"),
    ]
    if derivation.loss in LOGIT_LOSSES:
        prediction = f"{LOGIT_LOSSES[derivation.loss]}(a[L])"
        lines.append(
            _("The output layer gives logits; {loss} turns them into the prediction o = {prediction}.").format(
                loss=derivation.loss, prediction=prediction
            )
        )
    lines = [derivation.notation.rewrite(line) for line in lines]
    if not derivation.notation.is_default:
        lines.append(derivation.notation.describe())
    return lines


def _sections(derivation: DerivationRecord) -> list[tuple[str, list[_Block]]]:
    """(title, blocks) of each step, then the loss over the steps when there are several."""
    sections = [(regime_blocks.step_title(derivation, record), _blocks(derivation, record)) for record in derivation.steps]
    if len(derivation.steps) > 1:
        sections.append((_("Across the steps"), [regime_blocks.steps_table_block(derivation)]))
    notation = derivation.notation
    return [(title, [rewrite_block(block, notation) for block in blocks]) for title, blocks in sections]


def _blocks(derivation: DerivationRecord, record: StepRecord) -> list[_Block]:
    blocks: list[_Block] = []
    many = len(record.examples) > 1
    if derivation.form == "matrix":
        forward, backward = matrix_blocks(derivation, record)
        blocks.append(forward)
        if many:
            blocks.append(_loss_block(derivation, record))
        for n, example in zip(regime_blocks.example_numbers(record), record.examples):
            blocks.append(_output_delta_block(derivation, example, n, many))
        blocks.append(backward)
    else:
        for n, example in zip(regime_blocks.example_numbers(record), record.examples):
            blocks.extend(_forward_blocks(derivation, record, example, n, many))
            blocks.append(_output_delta_block(derivation, example, n, many))
            blocks.extend(_hidden_delta_blocks(derivation, record, example, n, many))
        if many:
            blocks.append(_loss_block(derivation, record))
            blocks.append(regime_blocks.example_table_block(derivation, record))
        blocks.extend(_gradient_blocks(derivation, record))
        if derivation.form == "both":  # the same step again with matrices, beside the sums
            blocks.extend(matrix_blocks(derivation, record))
    blocks.append(regime_blocks.update_block(derivation, record))
    blocks.append(regime_blocks.forward_after_block(derivation, record))
    blocks.append(_after_block(derivation, record))
    blocks.append(_size_block(record))
    return blocks


def _forward_blocks(
    derivation: DerivationRecord, record: StepRecord, example: ExampleRecord, n: int, many: bool
) -> list[_Block]:
    which = _("example {n}: ").format(n=n) if many else ""
    blocks = []
    for l, activation in enumerate(derivation.activations):
        layer = l + 1
        title = _("Forward, {which}layer {layer} ({activation})").format(
            which=which, layer=layer, activation=activation
        )
        if l == 0:
            title += _(", input a[0] = x = {input}").format(input=_vector(example.input))
        as_weight = derivation.bias_as_weight and record.biases[l] is not None
        if as_weight:
            weighted = _(
                "z[{layer}]_k = Σ_j w[{layer}]_kj · a[{below}]_j  (j from 0: w[{layer}]_k0 = b[{layer}]_k "
                "on the constant input a[{below}]_0 = 1)"
            ).format(layer=layer, below=layer - 1)
        else:
            weighted = f"z[{layer}]_k = Σ_j w[{layer}]_kj · a[{layer - 1}]_j" + (
                f" + b[{layer}]_k" if record.biases[l] is not None else ""
            )
        block = _Block(title, [weighted + ",  " + _activation_formula(activation, layer)])
        below = example.input if l == 0 else example.a[l - 1]
        layer_biases = record.biases[l]
        for k, z in enumerate(example.z[l]):
            bias = None if layer_biases is None else layer_biases[k]
            formula, numbers = _weighted_sum(layer, k + 1, record.weights[l][k], below, bias, as_weight)
            block.equations.append(_Equation(weighted_input_name(layer, k + 1), formula, numbers, format_number(z)))
            if activation != "linear":
                symbol = _ACTIVATION_SYMBOLS[activation]
                arguments = (
                    f"z[{layer}]_1..{len(example.z[l])}"
                    if activation == "softmax"
                    else weighted_input_name(layer, k + 1)
                )
                block.equations.append(
                    _Equation(
                        activation_name(layer, k + 1),
                        f"{symbol}({arguments})" + (f"_{k + 1}" if activation == "softmax" else ""),
                        "" if activation == "softmax" else f"{symbol}({format_number(z)})",
                        format_number(example.a[l][k]),
                    )
                )
        if l == len(derivation.activations) - 1:
            if derivation.loss in LOGIT_LOSSES:
                block.remarks.append(
                    _("prediction o = {function}(a[{layer}]) = {output}").format(
                        function=LOGIT_LOSSES[derivation.loss], layer=layer, output=_vector(example.output)
                    )
                )
            else:
                block.remarks.append(
                    _("output o = a[{layer}] = {output}").format(layer=layer, output=_vector(example.output))
                )
            block.remarks.append(_("target y = {target}").format(target=_vector(example.target)))
            if derivation.loss == "bce":
                clips = [bce_clip_text(o, y, k) for k, (o, y) in enumerate(zip(example.output, example.target), 1)]
                block.remarks += [clip for clip in clips if clip is not None]
            block.remarks.append(
                _("loss {C} = {value}").format(C="C_" + str(n) if many else "C", value=format_number(example.loss))
            )
        blocks.append(block)
    return blocks


def _output_delta_block(derivation: DerivationRecord, example: ExampleRecord, n: int, many: bool) -> _Block:
    layer = len(derivation.activations)
    activation = derivation.activations[-1]
    general, per_neuron = _output_delta_forms(activation, derivation.loss, layer)
    if many:  # example n's delta comes from its own loss C_n
        general = general.replace("∂C/∂o", "∂C_n/∂o")
    which = _("example {n}, ").format(n=n) if many else ""
    block = _Block(
        _("Output delta, {which}layer {layer} ({activation} output, {loss} loss)").format(
            which=which, layer=layer, activation=activation, loss=derivation.loss
        ),
        [f"δ[{layer}]_k{_example_index('n', many)} = {general}"],
    )
    if derivation.loss == "bce" and activation == "sigmoid" and any(bce_clip(o) is not None for o in example.output):
        block.formulas.append(_("for an o_k clipped by bce the loss is constant in o_k, so there δ = 0, not o_k − y_k"))
    outputs_n = len(example.a[-1])
    for k in range(outputs_n):
        formula, numbers = per_neuron(k, example)
        if derivation.loss == "bce" and activation == "sigmoid" and bce_clip(example.output[k]) is not None:
            a = example.a[-1][k]
            formula = _("∂C/∂o_{k} · σ'(z[{layer}]_{k})  (o_{k} is clipped: ∂C/∂o_{k} = 0)").format(k=k + 1, layer=layer)
            numbers = f"0 × {format_factor(a * (1.0 - a))}"
        block.equations.append(
            _Equation(
                f"δ[{layer}]_{k + 1}{_example_index(n, many)}", formula, numbers, format_number(example.delta[-1][k])
            )
        )
    return block


def _hidden_delta_blocks(
    derivation: DerivationRecord, record: StepRecord, example: ExampleRecord, n: int, many: bool
) -> list[_Block]:
    blocks = []
    which = _("example {n}, ").format(n=n) if many else ""
    for l in range(len(derivation.activations) - 2, -1, -1):
        layer, activation = l + 1, derivation.activations[l]
        derivative = DERIVATIVES[activation]
        block = _Block(
            _("Delta rule, {which}layer {layer} ({activation})").format(which=which, layer=layer, activation=activation),
            [
                f"δ[{layer}]_k{_example_index('n', many)} = (Σ_m δ[{layer + 1}]_m · w[{layer + 1}]_mk) · "
                f"{derivative.symbol}(z[{layer}]_k),"
                f"  {derivative.symbol}(z[{layer}]_k) = {derivative.formula(f'z[{layer}]_k', f'a[{layer}]_k')}"
            ],
        )
        above = record.weights[l + 1]
        for k in range(len(example.z[l])):
            links = [(m, w) for m, w in enumerate(row[k] for row in above) if w is not None]
            symbols = " + ".join(f"δ[{layer + 1}]_{m + 1}·{weight_name(layer + 1, m + 1, k + 1)}" for m, _w in links)
            numbers = " + ".join(f"{format_factor(example.delta[l + 1][m])} × {format_factor(w)}" for m, w in links)
            z, a = example.z[l][k], example.a[l][k]
            fprime = derivative.numbers(z, a)
            if not links:
                symbols, numbers = "0", "0"
            elif len(symbols) > LONG_FORMULA:
                separator = "," if k + 1 >= 10 else ""
                symbols = f"Σ_m δ[{layer + 1}]_m·w[{layer + 1}]_m{separator}{k + 1}"
            numbers = f"({numbers}) × {fprime}"
            if len(numbers) > LONG_FORMULA:
                numbers = f"{format_factor(math.fsum(example.delta[l + 1][m] * w for m, w in links))} × {fprime}"
            block.equations.append(
                _Equation(
                    f"δ[{layer}]_{k + 1}{_example_index(n, many)}",
                    f"({symbols}) · {derivative.symbol}(z[{layer}]_{k + 1})",
                    numbers,
                    format_number(example.delta[l][k]),
                )
            )
        blocks.append(block)
    return blocks


def _loss_block(derivation: DerivationRecord, record: StepRecord) -> _Block:
    terms = " + ".join(format_factor(e.loss) for e in record.examples)
    formula = "Σ_n C_n" if derivation.reduction == "sum" else "(1/N) Σ_n C_n"
    numbers = terms if derivation.reduction == "sum" else f"({terms}) / {len(record.examples)}"
    if len(numbers) > LONG_FORMULA:
        numbers = ""
    return _Block(_("Loss over the batch"), [], [_Equation("C", formula, numbers, format_number(record.loss))])


def _gradient_blocks(derivation: DerivationRecord, record: StepRecord) -> list[_Block]:
    many = len(record.examples) > 1
    scale_text = "" if derivation.reduction == "sum" else "(1/N) "
    total = f"{scale_text}Σ_n " if many else ""
    blocks = []
    for l in range(len(derivation.activations) - 1, -1, -1):
        layer = l + 1
        index = _example_index("n", many)
        formulas = [f"∂C/∂w[{layer}]_kj = {total}δ[{layer}]_k{index} · a[{layer - 1}]_j{index}"]
        if record.biases[l] is not None:
            addition = f"∂z[{layer}]_k/∂b[{layer}]_k = 1"
            formulas.append(
                _("∂C/∂b[{layer}]_k = {total}δ[{layer}]_k{index} · 1  (b enters z by addition: {addition})").format(
                    layer=layer, total=total, index=index, addition=addition
                )
            )
            if derivation.bias_as_weight:
                formulas.append(
                    _(
                        "as a weight: b[{layer}]_k = w[{layer}]_k0 on a constant input a[{below}]_0 = 1, "
                        "so ∂C/∂w[{layer}]_k0 = {total}δ[{layer}]_k{index} · a[{below}]_0"
                    ).format(layer=layer, below=layer - 1, total=total, index=index)
                )
        block = _Block(_("Gradients, layer {layer}").format(layer=layer), formulas)
        if many and l == len(derivation.activations) - 1:
            block.remarks.append(regime_blocks.batch_gradient_remark(derivation))
        scale = 1.0 if derivation.reduction == "sum" else 1.0 / len(record.examples)
        for k, row in enumerate(record.weights[l]):
            for j, w in enumerate(row):
                if w is None:
                    continue
                below = [e.input[j] if l == 0 else e.a[l - 1][j] for e in record.examples]
                products = [(e.delta[l][k], a) for e, a in zip(record.examples, below)]
                symbol = f"{total}δ[{layer}]_{k + 1}{index} · a[{layer - 1}]_{j + 1}{index}"
                numbers = _sum_of_products(products, scale)
                block.equations.append(
                    _Equation(
                        f"∂C/∂{weight_name(layer, k + 1, j + 1)}",
                        symbol,
                        numbers,
                        format_number(present(record.weight_gradients[l][k][j], f"weight_gradients[{l}][{k}][{j}]")),
                    )
                )
            bias_gradients = record.bias_gradients[l]
            bias_gradient = None if bias_gradients is None else bias_gradients[k]
            if bias_gradient is not None:
                deltas = [(e.delta[l][k], 1.0) for e in record.examples]
                lhs = f"∂C/∂{bias_name(layer, k + 1)}"
                symbol = f"{total}δ[{layer}]_{k + 1}{index}"
                if derivation.bias_as_weight:
                    lhs += f" = ∂C/∂{weight_name(layer, k + 1, 0)}"
                    symbol += f" · a[{layer - 1}]_0{index}"
                    numbers = _sum_of_products(deltas, scale)
                else:
                    numbers = _sum_of_products([(d, None) for d, _one in deltas], scale)
                block.equations.append(_Equation(lhs, symbol, numbers, format_number(bias_gradient)))
        blocks.append(block)
    return blocks


def _after_block(derivation: DerivationRecord, record: StepRecord) -> _Block:
    block = _Block(_("After step {step}").format(step=record.step))
    for n, example, after in zip(regime_blocks.example_numbers(record), record.examples, record.outputs_after):
        output = _("output o of example {n}") if len(record.examples) > 1 else _("output o")
        block.remarks.append(
            _("{output} = {after}  (before the step: {before})").format(
                output=output.format(n=n), after=_vector(after), before=_vector(example.output)
            )
        )
    block.remarks.append(
        _("loss C = {after}  (before the step: {before})").format(
            after=format_number(record.loss_after), before=format_number(record.loss)
        )
    )
    if len(record.examples) < derivation.examples and record.data_loss_after is not None:
        block.remarks.append(
            _("loss over all {count} examples after the update: C = {loss}").format(
                count=derivation.examples, loss=format_number(record.data_loss_after)
            )
        )
    block.remarks.append(
        _(
            "check: the {compared} gradients, deltas and updates above equal loss.backward()'s .grad "
            "and nn.optim's step: max |difference| = {difference}"
        ).format(compared=record.compared, difference=f"{record.max_abs_difference:.3g}")
    )
    return block


def _size_block(record: StepRecord) -> _Block:
    sizes = record.mean_abs_delta
    top = len(sizes)
    block = _Block(
        _("Size of the deltas (mean of |δ[l]_k| over the neurons k and the examples)")
        if len(record.examples) > 1
        else _("Size of the deltas (mean of |δ[l]_k| over the neurons k)")
    )
    for l in range(top, 0, -1):
        relative = ""
        if l < top and sizes[-1] > 0:
            relative = _("{ratio} × mean |δ[{top}]|").format(ratio=format_number(sizes[l - 1] / sizes[-1], 3), top=top)
        block.equations.append(
            _Equation(_("mean |δ[{layer}]|").format(layer=l), "", relative, format_number(sizes[l - 1], 4))
        )
    if top > 1 and sizes[-1] > 0 and all(sizes[l] < sizes[l + 1] for l in range(top - 1)):
        ratio = sizes[0] / sizes[-1]
        remark = _("the deltas shrink toward the input (layer 1: {ratio} × the output layer)").format(
            ratio=format_number(ratio, 3)
        )
        if ratio < VANISHING_RATIO:
            remark += _(": vanishing gradients")
        block.remarks.append(remark)
    return block


VANISHING_RATIO = 0.05
"""Layer 1's mean |δ| below this fraction of the output layer's is called vanishing gradients; above it, a shrink."""


# ---------------------------------------------------------------- formatting helpers


def _wrap(text: str, indent: str) -> str:
    """`text` broken into lines of at most `TERMINAL_WIDTH` columns, continuation lines indented further.

    An equation ``name = value`` (``max |difference| = 0``) is never split
    across lines: its spaces are held together while the text is broken.
    Chinese text (two columns a character) is broken by terminal width, between characters or at spaces.
    """
    if not text.isascii():
        return _wrap_wide(text, indent)
    glue = "\u00a0"
    held = re.sub(r"(?:max )?\S+ = \S+", lambda match: match[0].replace(" ", glue), text)
    wrapped = textwrap.fill(
        held, TERMINAL_WIDTH, initial_indent=indent, subsequent_indent=indent + "    ", break_long_words=False
    )
    return wrapped.replace(glue, " ")


def _wrap_wide(text: str, indent: str) -> str:
    """`_wrap` for text with Chinese in it: `textwrap` counts characters, a terminal shows a Chinese one two columns wide.

    A line breaks between Chinese characters or at a space, never before Chinese punctuation
    (the character before it moves down with it).
    """
    pieces = re.findall(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+", text)
    lines: list[str] = []
    line: list[str] = []
    for piece in pieces:
        prefix = indent if not lines else indent + "    "
        if line and terminal_width(prefix + "".join(line) + piece.rstrip()) > TERMINAL_WIDTH:
            carried = [line.pop()] if piece[:1] in "，。；：、）”" and len(line) > 1 else []
            lines.append((prefix + "".join(line)).rstrip())
            line = [part.lstrip() for part in carried]
            piece = piece if line else piece.lstrip()
        line.append(piece)
    lines.append(((indent if not lines else indent + "    ") + "".join(line)).rstrip())
    return "\n".join(lines)


def _equation_lines(equations: list[_Equation]) -> list[str]:
    """Equations in aligned columns; one too wide for `TERMINAL_WIDTH` gets one part per line instead.

    The second layout is the textbook's for a long equation: the left side
    once, then each step of the right side under the previous one.
    """
    cells = [_cells(e) for e in equations]
    columnar = list(range(len(equations)))
    while True:
        lines = dict(zip(columnar, align_columns([cells[i] for i in columnar], indent="    ", right=(6,))))
        # a Chinese character takes two columns; a combining accent (m̂) none, but some terminals give it one
        too_wide = [i for i in columnar if max(len(lines[i]), terminal_width(lines[i])) > TERMINAL_WIDTH]
        if not too_wide:
            break
        columnar.remove(max(too_wide, key=lambda i: len(" ".join(cells[i]))))
    width = max((terminal_width(cells[i][0]) for i in columnar), default=0)
    result = []
    for i, e in enumerate(equations):
        if i in lines:
            result.append(lines[i])
            continue
        for position, part in enumerate(p for p in (e.formula, e.numbers, e.value) if p):
            lhs_width = terminal_width(e.lhs)
            head = e.lhs + " " * (width - lhs_width) if position == 0 else " " * max(width, lhs_width)
            result.append(f"    {head} {e.relation if position == 0 else '='} {part}")
    return result


def _cells(e: _Equation) -> list[str]:
    cells = [e.lhs]
    for part in (e.formula, e.numbers):
        if part:
            cells += [e.relation if len(cells) == 1 else "=", part]
    while len(cells) < 5:
        cells += ["", ""]
    return [*cells, e.relation if len(cells) == 1 else "=", e.value]


def _vector(values: Sequence[float]) -> str:
    return "[" + ", ".join(format_number(v) for v in values) + "]"


def _activation_formula(activation: str, layer: int) -> str:
    if activation == "linear":
        return _("a[{layer}]_k = z[{layer}]_k (linear)").format(layer=layer)
    if activation == "softmax":
        return f"a[{layer}]_k = e^(z[{layer}]_k) / Σ_m e^(z[{layer}]_m)"
    return f"a[{layer}]_k = {_ACTIVATION_SYMBOLS[activation]}(z[{layer}]_k)"


def _weighted_sum(
    layer: int, k: int, row: list[float | None], below: list[float], bias: float | None, bias_as_weight: bool = False
) -> tuple[str, str]:
    """z's formula (w·a terms and the bias) and the same with numbers, or Σ notation when too long.

    With `bias_as_weight` the bias is the first term, w[l]_k0 · a[l−1]_0 with a[l−1]_0 = 1.
    """
    terms = [(j, w) for j, w in enumerate(row, start=1) if w is not None]
    symbols = [f"{weight_name(layer, k, j)}·a[{layer - 1}]_{j}" for j, _ in terms]
    numbers = [f"{format_factor(w)} × {format_factor(below[j - 1])}" for j, w in terms]
    if bias is not None and bias_as_weight:
        symbols.insert(0, f"{weight_name(layer, k, 0)}·a[{layer - 1}]_0")
        numbers.insert(0, f"{format_factor(bias)} × 1")
    elif bias is not None:
        symbols.append(bias_name(layer, k))
        numbers.append(format_factor(bias))
    formula, with_numbers = " + ".join(symbols), " + ".join(numbers)
    if len(formula) > LONG_FORMULA:
        formula = f"Σ_j w[{layer}]_{k}j·a[{layer - 1}]_j" + (
            f" + {bias_name(layer, k)}" if bias is not None and not bias_as_weight else ""
        )
    if len(with_numbers) > LONG_FORMULA:
        with_numbers = ""
    return formula, with_numbers


def _sum_of_products(products: Sequence[tuple[float, float | None]], scale: float) -> str:
    """δ·a terms as numbers (a is None for a bare δ), summed over examples; '' if too long to read."""
    terms = [format_factor(d) if a is None else f"{format_factor(d)} × {format_factor(a)}" for d, a in products]
    if len(terms) > 1:
        terms = [format_factor(d if a is None else d * a) for d, a in products]
    text = " + ".join(terms)
    if scale != 1.0 and len(products) > 1:
        text = f"({text}) / {round(1 / scale)}"
    return text if len(text) <= LONG_FORMULA else ""


def _output_delta_forms(
    activation: str, loss: str, layer: int
) -> tuple[str, Callable[[int, ExampleRecord], tuple[str, str]]]:
    """The output delta's general formula, and per neuron its formula and numbers, for this pair."""
    gradient_formula, gradient_numbers = LOSS_GRADIENT_TEXT[loss]

    def gradient_of(k: int, e: ExampleRecord) -> tuple[str, str]:
        formula = _(gradient_formula).replace("_{k}", f"_{k + 1}")
        return formula, gradient_numbers(e.output[k], e.target[k], len(e.output))

    linear = _("(f' = 1 for a linear output)")
    simple = {
        ("sigmoid", "bce"): "o_k − y_k  " + _("(σ'(z) = o(1 − o) cancels the denominator of ∂C/∂o)"),
        ("linear", "cross_entropy"): _("o_k − y_k  with o = softmax(z[{L}])").format(L=layer),
        ("linear", "bce_with_logits"): _("o_k − y_k  with o = σ(z[{L}])").format(L=layer),
        ("linear", "half_sse"): "o_k − y_k  " + linear,
        ("linear", "mse"): "(2/K)(o_k − y_k)  " + linear,
        ("linear", "hinge"): _(LOSS_GRADIENT_TEXT["hinge"][0]).replace("_{k}", "_k") + "  " + linear,
    }
    if (activation, loss) == ("sigmoid", "bce"):
        difference_formula, difference_numbers = LOSS_GRADIENT_TEXT["half_sse"]
        return simple[(activation, loss)], lambda k, e: (
            difference_formula.replace("_{k}", f"_{k + 1}"),
            difference_numbers(e.output[k], e.target[k], len(e.output)),
        )
    if (activation, loss) in simple:
        return simple[(activation, loss)], gradient_of
    if activation == "softmax":

        def softmax_delta(k: int, e: ExampleRecord) -> tuple[str, str]:
            gradient = loss_gradient(loss, e.a[-1], e.target)
            weighted = math.fsum(g * o for g, o in zip(gradient, e.a[-1]))
            return (
                f"o_{k + 1}·(∂C/∂o_{k + 1} − Σ_i ∂C/∂o_i·o_i)",
                f"{format_factor(e.a[-1][k])} × ({format_factor(gradient[k])} − {format_factor(weighted)})",
            )

        loss_part = _(gradient_formula).replace("_{k}", "_k")
        general = _(
            "o_k·(∂C/∂o_k − Σ_i ∂C/∂o_i·o_i), since ∂o_i/∂z_k = o_i·(1[i=k] − o_k);  ∂C/∂o_k = {loss_part}"
        ).format(loss_part=loss_part)
        return general, softmax_delta
    derivative = DERIVATIVES[activation]

    def chained(k: int, e: ExampleRecord) -> tuple[str, str]:
        formula, numbers = gradient_of(k, e)
        z, a = e.z[-1][k], e.a[-1][k]
        return (
            f"({formula}) · {derivative.formula(f'z[{layer}]_{k + 1}', f'a[{layer}]_{k + 1}')}",
            f"({numbers}) × {derivative.numbers(z, a)}",
        )

    loss_part = _(gradient_formula).replace("_{k}", "_k")
    activation_part = derivative.formula(f"z[{layer}]_k", f"a[{layer}]_k")
    general = f"∂C/∂o_k · {derivative.symbol}(z[{layer}]_k) = ({loss_part}) · {activation_part}"
    return general, chained


def _example_index(n: int | str, many: bool) -> str:
    """The superscript ⁽ⁿ⁾ that marks a quantity of example n in a batch; nothing for a single example."""
    return f"⁽{regime_blocks.superscript(n)}⁾" if many else ""


def _latex_text(text: str) -> str:
    """Prose for LaTeX: formulas between spaces stay readable, special characters are escaped."""
    return text_to_latex(text, prose=True)
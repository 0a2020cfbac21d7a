"""A student's question sheet as Markdown and as a LaTeX document, and the teacher's answer key as Markdown.

The sheet gives the student's own numbers (the network's weights, biases,
input, target, loss and learning rate, or the expression, its nodes and the
variables' values) and lists the questions with their ids; the key adds the
answers and the full worked derivation. User text (title, names) is escaped
for each format, so it can never become markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from autograd.views.explain import format_number
from autograd.views.latex import text_to_latex
from nn.teaching.formulas import LOSS_FORMULAS
from nn.teaching.spec import parse_spec
from nn.worksheets.records import StudentSheet, WorksheetRecord
from nn.worksheets.expression import ExpressionStep

# ---------------------------------------------------------------- escaping user text


def markdown_text(text: str) -> str:
    """User text for Markdown: every character Markdown or HTML could read as markup is escaped."""
    escaped = re.sub(r"([\\`*_{}\[\]()#+\-.!|~>])", r"\\\1", text)
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace("\n", " ")


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "\n": " ",
}


_SYMBOLS = {
    "α": r"\alpha",
    "δ": r"\delta",
    "σ": r"\sigma",
    "Σ": r"\Sigma",
    "∂": r"\partial",
    "−": "-",
    "·": r"\cdot",
    "½": r"\frac{1}{2}",
    "√": r"\surd",
    "′": "'",
}
"""Symbols of the sheets' formulas, which the LaTeX preamble declares as math."""


def latex_text(text: str) -> str:
    """Text for LaTeX prose: special characters escaped; characters pdflatex cannot set become U+XXXX."""
    return "".join(
        _LATEX_SPECIAL.get(c, c if c in _SYMBOLS or (ord(c) < 0x180 and c.isprintable()) else f"U+{ord(c):04X}")
        for c in text
    )


def quantity_text(notation: str) -> str:
    """A key's notation as a derivation writes it: ``delta[2]_1`` → ``δ[2]_1``, ``dC/dw[1]_12`` → ``∂C/∂w[1]_12``."""
    if notation.startswith("delta"):
        return "δ" + notation[len("delta") :]
    if match := re.match(r"^d(\w+)/d(.+)$", notation):
        return f"∂{match[1]}/∂{match[2]}"
    return notation


def quantity_latex(notation: str) -> str:
    """A key's notation as LaTeX math (a prime for an updated value)."""
    text = quantity_text(notation)
    primed = text.endswith("'")
    base = text[:-1] if primed else text
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", base) and not re.fullmatch(r"[A-Za-z]\d*", base):
        latex = rf"\mathrm{{{base}}}"
    else:
        latex = text_to_latex(base)
    return latex + ("'" if primed else "")


# ---------------------------------------------------------------- what the student is given


def givens(sheet: StudentSheet) -> list[tuple[str, str]]:
    """(what, numbers) lines that describe the student's network or expression, in text notation."""
    if sheet.spec is not None:
        spec = parse_spec(sheet.spec)
        lines = [
            ("input", _vector("x", spec.inputs[0])),
            ("target", _vector("y", spec.targets[0])),
            ("loss", f"{spec.loss}: {LOSS_FORMULAS[spec.loss]}"),
            ("learning rate", f"α = {format_number(spec.learning_rate)}"),
        ]
        for l, layer in enumerate(spec.layers, start=1):
            lines.append((f"layer {l}", f"activation {layer['activation']}"))
            for k, row in enumerate(layer["weights"], start=1):
                weights = [f"w[{l}]_{k}{j} = {format_number(w)}" for j, w in enumerate(row, start=1) if w is not None]
                bias = layer["biases"][k - 1] if layer["biases"] is not None else None
                if bias is not None:
                    weights.append(f"b[{l}]_{k} = {format_number(bias)}")
                lines.append((f"neuron {k} of layer {l}", ",  ".join(weights)))
        return lines
    rules = sheet.rules()
    assert isinstance(rules, ExpressionStep)
    lines = [("variables", ",  ".join(f"{name} = {format_number(v)}" for name, v in sheet.variables.items()))]
    lines += [("node", f"{step.label} = {step.expression}") for step in rules.derivation.forward if step.op]
    return lines


def _vector(symbol: str, values: Sequence[float]) -> str:
    return ",  ".join(f"{symbol}{j} = {format_number(v)}" for j, v in enumerate(values, start=1))


def instructions(worksheet: WorksheetRecord) -> str:
    """What the student is asked to do."""
    decimals = worksheet.tolerance.decimals
    if worksheet.kind == "network":
        return (
            "Do one step of gradient descent on your network by hand (forward pass, deltas, gradients, update). "
            f"Give each answer to {decimals} decimal places. δ[l]_k = ∂C/∂z[l]_k; "
            "w[l]_kj joins neuron j of layer l−1 to neuron k of layer l; a prime marks a value after the update."
        )
    return (
        "Compute each node's value (forward pass), then the gradient of the output with respect to each node "
        f"(backward pass). Give each answer to {decimals} decimal places."
    )


# ---------------------------------------------------------------- Markdown


def _markdown_top(heading: str, sheet: StudentSheet) -> list[str]:
    """The heading (already Markdown) and the line naming the student, as a sheet and its key both begin."""
    return [f"# {heading}", "", f"**Student:** {markdown_text(sheet.name)} (`{sheet.student}`)", ""]


def sheet_markdown(worksheet: WorksheetRecord, sheet: StudentSheet) -> str:
    """The question sheet as Markdown."""
    lines = _markdown_top(markdown_text(worksheet.title), sheet)
    if worksheet.expression is not None:
        lines += [f"**Expression:** `{worksheet.expression.replace('`', '')}`", ""]
    lines += ["## Your numbers", ""]
    lines += [f"- {what}: `{numbers}`" for what, numbers in givens(sheet)]
    lines += [
        "",
        "## Questions",
        "",
        instructions(worksheet),
        "",
        "| # | id | quantity | your answer |",
        "|---|---|---|---|",
    ]
    lines += [f"| {n} | `{q.id}` | `{quantity_text(q.quantity)}` | |" for n, q in enumerate(sheet.questions, start=1)]
    return "\n".join(lines) + "\n"


def key_markdown(worksheet: WorksheetRecord, sheet: StudentSheet) -> str:
    """The teacher's key: the answers, then the full worked derivation."""
    lines = _markdown_top(f"Key: {markdown_text(worksheet.title)}", sheet)
    lines += ["| id | quantity | answer | tolerance |", "|---|---|---:|---:|"]
    lines += [
        f"| `{q.id}` | `{quantity_text(q.quantity)}` | {format_number(q.answer)} | {format_number(q.tolerance, 2)} |"
        for q in sheet.questions
    ]
    lines += ["", "## Worked derivation", "", sheet.worked_derivation()]
    return "\n".join(lines)


# ---------------------------------------------------------------- LaTeX


def _latex_given(text: str) -> str:
    """A line of the student's numbers as math where it is a formula (``w[1]_11 = 0.13``), else as prose."""
    name, colon, formula = text.partition(": ")
    if colon and re.fullmatch(r"\w+", name):
        return rf"{latex_text(name)}: {_latex_given(formula)}"
    if "=" not in text or text.startswith("activation") or "√" in text:
        return latex_text(text)
    try:
        return f"${text_to_latex(text)}$"
    except ValueError:
        return latex_text(text)


def sheet_latex(worksheet: WorksheetRecord, sheet: StudentSheet) -> str:
    """The question sheet as a complete LaTeX document for pdflatex."""
    rows = [rf"\item \textbf{{{latex_text(what)}:}} {_latex_given(numbers)}" for what, numbers in givens(sheet)]
    questions = [
        rf"{n} & \texttt{{{latex_text(q.id)}}} & ${quantity_latex(q.quantity)}$ & \\[1.2ex] \hline"
        for n, q in enumerate(sheet.questions, start=1)
    ]
    expression = (
        [rf"\noindent\textbf{{Expression:}} \texttt{{{latex_text(worksheet.expression)}}}\par\medskip"]
        if worksheet.expression is not None
        else []
    )
    return "\n".join(
        [
            r"\documentclass[11pt]{article}",
            r"\usepackage[utf8]{inputenc}",
            r"\usepackage[T1]{fontenc}",
            r"\usepackage{textcomp}",
            r"\usepackage{amsmath}",
            r"\usepackage{longtable}",
            r"\usepackage[margin=2cm]{geometry}",
            *[rf"\DeclareUnicodeCharacter{{{ord(c):04X}}}{{\ensuremath{{{latex}}}}}" for c, latex in _SYMBOLS.items()],
            r"\pagestyle{empty}",
            r"\begin{document}",
            rf"\section*{{{latex_text(worksheet.title)}}}",
            rf"\noindent\textbf{{Student:}} {latex_text(sheet.name)} (\texttt{{{latex_text(sheet.student)}}})\par\medskip",
            *expression,
            r"\subsection*{Your numbers}",
            r"\begin{itemize}",
            *rows,
            r"\end{itemize}",
            r"\subsection*{Questions}",
            latex_text(instructions(worksheet)),
            r"\begin{longtable}{|r|l|l|p{6cm}|}",
            r"\hline \# & id & quantity & your answer \\ \hline",
            *questions,
            r"\end{longtable}",
            r"\end{document}",
            "",
        ]
    )

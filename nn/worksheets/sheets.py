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

from autograd.i18n import Catalog, current_language
from autograd.views.explain import format_number
from autograd.views.latex import text_to_latex
from nn.teaching.formulas import LOSS_FORMULAS
from nn.teaching.spec import parse_spec
from nn.worksheets.records import StudentSheet, WorksheetRecord
from nn.worksheets.expression import ExpressionStep

_ = Catalog("nn")

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
    """Text for LaTeX prose: special characters escaped; characters the document cannot set become U+XXXX.

    A Chinese sheet (XeLaTeX and ctex) sets Chinese characters and punctuation too.
    """
    chinese = current_language() == "zh"
    return "".join(
        _LATEX_SPECIAL.get(
            c,
            c
            if c in _SYMBOLS or (ord(c) < 0x180 and c.isprintable()) or (chinese and _is_chinese(c))
            else f"U+{ord(c):04X}",
        )
        for c in text
    )


def _is_chinese(character: str) -> bool:
    """A CJK ideograph, CJK punctuation, a full-width form or a curly quote: what ctex sets in a Chinese sheet."""
    return any(low <= ord(character) <= high for low, high in _CHINESE_RANGES)


_CHINESE_RANGES = ((0x2018, 0x201F), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF))


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
            (_("input"), _vector("x", spec.inputs[0])),
            (_("target"), _vector("y", spec.targets[0])),
            (_("loss"), f"{spec.loss}: {_(LOSS_FORMULAS[spec.loss])}"),
            (_("learning rate"), f"α = {format_number(spec.learning_rate)}"),
        ]
        for l, layer in enumerate(spec.layers, start=1):
            lines.append((_("layer {l}").format(l=l), _("activation {name}").format(name=layer["activation"])))
            for k, row in enumerate(layer["weights"], start=1):
                weights = [f"w[{l}]_{k}{j} = {format_number(w)}" for j, w in enumerate(row, start=1) if w is not None]
                bias = layer["biases"][k - 1] if layer["biases"] is not None else None
                if bias is not None:
                    weights.append(f"b[{l}]_{k} = {format_number(bias)}")
                lines.append((_("neuron {k} of layer {l}").format(k=k, l=l), ",  ".join(weights)))
        return lines
    rules = sheet.rules()
    assert isinstance(rules, ExpressionStep)
    lines = [(_("variables"), ",  ".join(f"{name} = {format_number(v)}" for name, v in sheet.variables.items()))]
    lines += [(_("node"), f"{step.label} = {step.expression}") for step in rules.derivation.forward if step.op]
    return lines


def _vector(symbol: str, values: Sequence[float]) -> str:
    return ",  ".join(f"{symbol}{j} = {format_number(v)}" for j, v in enumerate(values, start=1))


def instructions(worksheet: WorksheetRecord) -> str:
    """What the student is asked to do."""
    decimals = worksheet.tolerance.decimals
    if worksheet.kind == "network":
        return _(
            "Do one step of gradient descent on your network by hand (forward pass, deltas, gradients, update). "
            "Give each answer to {decimals} decimal places. δ[l]_k = ∂C/∂z[l]_k is the error of neuron k of layer l, "
            "and w[l]_kj joins neuron j of layer l−1 to neuron k of layer l. Values after the update are marked with a prime."
        ).format(decimals=decimals)
    return _(
        "Compute each node's value (forward pass), then the gradient of the output with respect to each node "
        "(backward pass). Give each answer to {decimals} decimal places."
    ).format(decimals=decimals)


# ---------------------------------------------------------------- Markdown


def _markdown_top(heading: str, sheet: StudentSheet) -> list[str]:
    """The heading (already Markdown) and the line naming the student, as a sheet and its key both begin."""
    student = _("**Student:** {name} (`{student}`)").format(name=markdown_text(sheet.name), student=sheet.student)
    return [f"# {heading}", "", student, ""]


def sheet_markdown(worksheet: WorksheetRecord, sheet: StudentSheet) -> str:
    """The question sheet as Markdown."""
    lines = _markdown_top(markdown_text(worksheet.title), sheet)
    if worksheet.expression is not None:
        lines += [_("**Expression:** `{expression}`").format(expression=worksheet.expression.replace("`", "")), ""]
    lines += [_("## Your numbers"), ""]
    lines += [f"- {what}: `{numbers}`" for what, numbers in givens(sheet)]
    lines += [
        "",
        _("## Questions"),
        "",
        instructions(worksheet),
        "",
        _("| # | id | quantity | your answer |"),
        "|---|---|---|---|",
    ]
    lines += [f"| {n} | `{q.id}` | `{quantity_text(q.quantity)}` | |" for n, q in enumerate(sheet.questions, start=1)]
    return "\n".join(lines) + "\n"


def key_markdown(worksheet: WorksheetRecord, sheet: StudentSheet) -> str:
    """The teacher's key: the answers, then the full worked derivation."""
    lines = _markdown_top(_("Key: {title}").format(title=markdown_text(worksheet.title)), sheet)
    lines += [_("| id | quantity | answer | tolerance |"), "|---|---|---:|---:|"]
    lines += [
        f"| `{q.id}` | `{quantity_text(q.quantity)}` | {format_number(q.answer)} | {format_number(q.tolerance, 2)} |"
        for q in sheet.questions
    ]
    lines += ["", _("## Worked derivation"), "", sheet.worked_derivation()]
    return "\n".join(lines)


# ---------------------------------------------------------------- LaTeX


def _latex_given(text: str) -> str:
    """A line of the student's numbers as math where it is a formula (``w[1]_11 = 0.13``), else as prose."""
    name, colon, formula = text.partition(": ")
    if colon and re.fullmatch(r"\w+", name):
        return rf"{latex_text(name)}: {_latex_given(formula)}"
    if "=" not in text or text.startswith(_("activation {name}").format(name="")) or "√" in text:
        return latex_text(text)
    try:
        return f"${text_to_latex(text)}$"
    except ValueError:
        return latex_text(text)


def sheet_latex(worksheet: WorksheetRecord, sheet: StudentSheet) -> str:
    """The question sheet as a complete LaTeX document: for pdflatex, or in Chinese for XeLaTeX (ctexart)."""
    rows = [rf"\item \textbf{{{latex_text(what)}:}} {_latex_given(numbers)}" for what, numbers in givens(sheet)]
    questions = [
        rf"{n} & \texttt{{{latex_text(q.id)}}} & ${quantity_latex(q.quantity)}$ & \\[1.2ex] \hline"
        for n, q in enumerate(sheet.questions, start=1)
    ]
    expression_label = latex_text(_("Expression:"))
    expression = (
        [rf"\noindent\textbf{{{expression_label}}} \texttt{{{latex_text(worksheet.expression)}}}\par\medskip"]
        if worksheet.expression is not None
        else []
    )
    student, your_numbers, questions_title = _("Student:"), _("Your numbers"), _("Questions")
    header = _("\\# & id & quantity & your answer")
    return "\n".join(
        [
            *_latex_preamble(),
            r"\usepackage{amsmath}",
            r"\usepackage{longtable}",
            r"\usepackage[margin=2cm]{geometry}",
            r"\pagestyle{empty}",
            r"\begin{document}",
            rf"\section*{{{latex_text(worksheet.title)}}}",
            rf"\noindent\textbf{{{latex_text(student)}}} {latex_text(sheet.name)} (\texttt{{{latex_text(sheet.student)}}})"
            r"\par\medskip",
            *expression,
            rf"\subsection*{{{latex_text(your_numbers)}}}",
            r"\begin{itemize}",
            *rows,
            r"\end{itemize}",
            rf"\subsection*{{{latex_text(questions_title)}}}",
            text_to_latex(instructions(worksheet), prose=True),  # the notation in it as math
            r"\begin{longtable}{|r|l|l|p{6cm}|}",
            rf"\hline {header} \\ \hline",
            *questions,
            r"\end{longtable}",
            r"\end{document}",
            "",
        ]
    )


def _latex_preamble() -> list[str]:
    """The document class and the sheets' symbols: pdflatex for English, XeLaTeX with ctex for Chinese."""
    if current_language() == "zh":
        return [
            r"\documentclass[11pt]{ctexart}",
            r"\usepackage{newunicodechar}",
            *[rf"\newunicodechar{{{c}}}{{\ensuremath{{{latex}}}}}" for c, latex in _SYMBOLS.items()],
        ]
    return [
        r"\documentclass[11pt]{article}",
        r"\usepackage[utf8]{inputenc}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{textcomp}",
        *[rf"\DeclareUnicodeCharacter{{{ord(c):04X}}}{{\ensuremath{{{latex}}}}}" for c, latex in _SYMBOLS.items()],
    ]

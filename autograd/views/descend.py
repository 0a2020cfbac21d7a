"""Gradient descent on a plain function, iterate by iterate: the classic first example of the method.

`descend(build, start, learning_rate, steps)` evaluates f at the start, lets
the engine's backward pass give ∂f/∂x for every variable, moves each variable
by x ← x − α·∂f/∂x, and repeats. It records every iterate (the variables, f
and the gradient) and, for the first step, the chain-rule derivation of the
gradient (`autograd.explain`), so the numbers of the table can be traced back
to the rule that made them. For f = x² and α = 0.1 the iterates are
x₀·0.8ⁿ; for α = 1 they jump between ±x₀ forever.

JSON schema of `Descent.to_dict` (``"schema": "scalargrad.descend/1"``)::

    {"schema": "scalargrad.descend/1", "expression", "learning_rate", "steps",
     "diverged" (the iterates stopped being finite before the last step),
     "iterates": [{"n", "values": {name: x}, "f", "gradient": {name: ∂f/∂x}}],
     "first_step": the first iterate's explain derivation (``scalargrad.explain/1``)}
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from autograd.i18n import Catalog, current_language, language
from autograd.value import Value
from autograd.views.explain import Derivation, align_columns, explain, format_factor, format_number
from autograd.views.latex import text_to_latex

SCHEMA = "scalargrad.descend/1"
"""Identifies the layout of `Descent.to_dict`."""


@dataclass(frozen=True)
class Iterate:
    """The variables at iterate n, f there and its gradient."""

    n: int
    values: dict[str, float]
    f: float
    gradient: dict[str, float]


_ = Catalog("autograd")


@dataclass(frozen=True)
class Descent:
    """The iterates of gradient descent on f and the derivation of its first gradient.

    Render with str(), `to_markdown`, `to_latex` (a complete document) or `to_dict`.
    """

    expression: str
    learning_rate: float
    steps: int
    iterates: list[Iterate]
    first_step: Derivation
    diverged: bool
    lang: str = "en"  # the language of the text (`autograd.i18n`); the first step's derivation has the same

    def _rows(self) -> list[list[str]]:
        names = list(self.iterates[0].values)
        header = ["n", *names, "f", *[f"∂f/∂{name}" for name in names]]
        rows = [header]
        for it in self.iterates:
            rows.append(
                [str(it.n), *[format_number(it.values[v]) for v in names], format_number(it.f)]
                + [format_number(it.gradient[v]) for v in names]
            )
        return rows

    def _update_lines(self) -> list[str]:
        first, second = self.iterates[0], self.iterates[1] if len(self.iterates) > 1 else None
        alpha = format_number(self.learning_rate)
        lines = []
        for name, x in first.values.items():
            after = "" if second is None else f" = {format_number(second.values[name])}"
            lines.append(f"{name} ← {name} − α·∂f/∂{name} = {format_factor(x)} − {alpha} × {format_factor(first.gradient[name])}{after}")
        return lines

    def _closing(self) -> list[str]:
        if self.diverged:
            return [
                _("the iterates stop being finite after step {step}: the learning rate is too high").format(
                    step=self.iterates[-1].n
                )
            ]
        return []

    def _title(self, code: str = "") -> str:
        """The title; `code` (a backtick for Markdown) fences the expression, whose ** would otherwise be bold."""
        expression = f"{code}f = {self.expression}{code}"
        steps = (_("{count} step") if self.steps == 1 else _("{count} steps")).format(count=self.steps)
        return _("Gradient descent on {expression} with α = {alpha}, {steps}").format(
            expression=expression, alpha=format_number(self.learning_rate), steps=steps
        )

    def __str__(self) -> str:
        with language(self.lang):
            return self._text()

    def _text(self) -> str:
        return "\n".join(
            [
                self._title(),
                "",
                _("Iterates: {rule}").format(rule="x_(n+1) = x_n − α·∂f/∂x(x_n)"),
                *align_columns(self._rows(), right=tuple(range(len(self._rows()[0]))), separator="  "),
                *self._closing(),
                "",
                _("Step 1: the gradient at the start, by the chain rule"),
                str(self.first_step),
                "",
                _("Step 1: the update"),
                *["  " + line for line in self._update_lines()],
            ]
        )

    def to_markdown(self) -> str:
        """The iterates as a Markdown table, then the first step's derivation and update."""
        with language(self.lang):
            return self._markdown()

    def _markdown(self) -> str:
        rows = self._rows()
        iterates = _("Iterates: {rule}").format(rule="`x_(n+1) = x_n − α·∂f/∂x(x_n)`")
        lines = [f"## {self._title('`')}", "", iterates, ""]
        lines += ["| " + " | ".join(f"`{cell}`" for cell in rows[0]) + " |", "|" + "---:|" * len(rows[0])]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        lines += [f"- {line}" for line in self._closing()]
        gradient, update = _("Step 1: the gradient at the start, by the chain rule"), _("Step 1: the update")
        lines += ["", f"### {gradient}", "", self.first_step.to_markdown()]
        lines += [f"### {update}", "", *[f"- `{line}`" for line in self._update_lines()]]
        return "\n".join(lines) + "\n"

    def to_latex(self) -> str:
        """A complete LaTeX document (article + amsmath; in Chinese ctexart, for XeLaTeX): iterates, derivation, update."""
        with language(self.lang):
            return self._latex()

    def _latex(self) -> str:
        rows = self._rows()
        gradient = text_to_latex(_("Step 1: the gradient at the start, by the chain rule"), prose=True)
        update = text_to_latex(_("Step 1: the update"), prose=True)
        table = [" & ".join(f"${text_to_latex(cell)}$" for cell in row) for row in rows]
        body = [
            rf"\section*{{{text_to_latex(self._title(), prose=True)}}}",
            r"\begin{longtable}{" + "r" * len(rows[0]) + "}",
            table[0] + r" \\ \hline\endhead",
            " \\\\\n".join(table[1:]) + r" \\",
            r"\end{longtable}",
            *[text_to_latex(line, prose=True) for line in self._closing()],
            rf"\subsection*{{{gradient}}}",
            self.first_step.to_latex(),
            rf"\subsection*{{{update}}}",
            r"\begin{align*}",
            " \\\\\n".join(text_to_latex(line).replace(r"\leftarrow", r"&\leftarrow", 1) for line in self._update_lines()),
            r"\end{align*}",
        ]
        document_class = r"\documentclass{ctexart}" if current_language() == "zh" else r"\documentclass{article}"
        preamble = [document_class, r"\usepackage{amsmath}", r"\usepackage{longtable}"]
        return "\n".join([*preamble, r"\usepackage[margin=2cm]{geometry}", r"\begin{document}", *body, r"\end{document}"]) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """Every iterate and the first derivation as JSON-ready data (layout in the module docstring)."""
        return {
            "schema": SCHEMA,
            "expression": self.expression,
            "learning_rate": self.learning_rate,
            "steps": self.steps,
            "diverged": self.diverged,
            "iterates": [{"n": it.n, "values": it.values, "f": it.f, "gradient": it.gradient} for it in self.iterates],
            "first_step": self.first_step.to_dict(),
        }


def descend(
    build: Callable[[dict[str, Value]], Value],
    start: Mapping[str, float],
    learning_rate: float,
    steps: int,
    expression: str = "f",
    lang: str | None = None,
) -> Descent:
    """Run `steps` steps of x ← x − α·∂f/∂x from `start`, with f = build(variables).

    Args:
        build: makes f from leaf Values named after the variables (called once per iterate).
        start: each variable's starting value, in the order the table shows them.
        learning_rate: α > 0.
        steps: how many updates (the table has steps + 1 iterates, n = 0 … steps).
        expression: how f is written, for titles.
        lang: the language of the text, ``"en"`` or ``"zh"`` (default: the current one, `autograd.i18n`).

    Iterates that stop being finite end the descent early (``diverged``).
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive whole number, got {steps!r}")
    if not (isinstance(learning_rate, (int, float)) and math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    if not start:
        raise ValueError("descend needs at least one variable to move")
    values = {name: float(x) for name, x in start.items()}
    iterates: list[Iterate] = []
    first: Derivation | None = None
    diverged = False
    for n in range(steps + 1):
        variables = {name: Value(x, name=name) for name, x in values.items()}
        try:
            f = build(variables)
            if first is None:
                if f.name is None:
                    f.name = "f"
                first = explain(f, lang=lang)
            f.backward()
        except (ArithmeticError, ValueError):
            if first is None:
                raise
            diverged = True
            break
        gradient = {name: leaf.grad for name, leaf in variables.items()}
        if not all(math.isfinite(v) for v in (f.data, *gradient.values())):
            if not iterates:
                raise ValueError(f"f = {f.data!r} or its gradient is not finite at the start; start somewhere else")
            diverged = True
            break
        iterates.append(Iterate(n, dict(values), f.data, gradient))
        values = {name: x - learning_rate * gradient[name] for name, x in values.items()}
    assert first is not None  # the loop ran at least once and raised if the first f failed
    return Descent(expression, float(learning_rate), steps, iterates, first, diverged, first.lang)

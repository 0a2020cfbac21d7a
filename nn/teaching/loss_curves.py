"""The loss over the steps: one derivation's curve as a plot, and the same spec at several learning rates compared.

`compare_learning_rates` derives the same network at each rate and lays the
losses side by side in one table (text, Markdown, LaTeX, JSON) and one plot,
so that "too high a rate is unstable" can be seen: a run whose numbers stop
being finite ends there and says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd.views.draw import Graph
from autograd.views.explain import format_number
from autograd.views.plot import line_plot
from autograd.views.latex import text_to_latex
from nn.teaching.blocks import Table, latex_document, table_latex, table_markdown, table_text
from nn.teaching.records import DerivationRecord

COMPARISON_SCHEMA = "scalargrad.compare-learning-rates/1"
"""Identifies the layout of `LearningRateComparison.to_dict`."""


def loss_curve(derivation: DerivationRecord) -> list[float]:
    """The loss over all the examples at the start and after every step."""
    losses = [derivation.start_loss if derivation.start_loss is not None else math.nan]
    losses += [r.data_loss_after if r.data_loss_after is not None else r.loss_after for r in derivation.steps]
    return losses


def loss_plot(derivation: DerivationRecord) -> Graph:
    """The plot of `loss_curve` (step 0 is the start), in the derivation's notation."""
    write = derivation.notation.rewrite
    return line_plot(
        [(write(f"α = {format_number(derivation.learning_rate)}"), loss_curve(derivation))],
        title=f"Loss over {_examples(derivation)}, step by step",
        x_label="step",
        y_label=write("C"),
    )


@dataclass(frozen=True)
class LearningRateComparison:
    """The same derivation at several learning rates; render with str(), to_markdown(), to_latex(), to_dict()."""

    rates: list[float]
    derivations: list[DerivationRecord]
    steps: int

    def curves(self) -> list[list[float]]:
        """Each rate's `loss_curve`; a diverged run's is shorter."""
        return [loss_curve(d) for d in self.derivations]

    def table(self) -> Table:
        """One row per step, one loss column per rate; '—' after a run diverged."""
        curves = self.curves()
        header = ["step", *[f"C (α = {format_number(rate)})" for rate in self.rates]]
        rows = []
        for step in range(self.steps + 1):
            cells = [format_number(c[step]) if step < len(c) else "—" for c in curves]
            rows.append(["0 (start)" if step == 0 else str(step), *cells])
        return Table(header, rows)

    def verdicts(self) -> list[str]:
        """One sentence per rate: the loss fell, rose or diverged."""
        lines = []
        for rate, derivation, curve in zip(self.rates, self.derivations, self.curves()):
            name = f"α = {format_number(rate)}"
            last = curve[-1]
            if derivation.diverged or not math.isfinite(last):
                lines.append(f"{name}: the numbers stop being finite after step {len(curve) - 1}: too high, the steps diverge")
            elif last > curve[0]:
                lines.append(f"{name}: the loss rises from {format_number(curve[0])} to {format_number(last)}: too high")
            else:
                lines.append(f"{name}: the loss falls from {format_number(curve[0])} to {format_number(last)}")
        return lines

    def title(self) -> str:
        return f"Loss over {_examples(self.derivations[0])} after each of {self.steps} steps, at each learning rate"

    def _rewrite(self, text: str) -> str:
        return self.derivations[0].notation.rewrite(text)

    def __str__(self) -> str:
        lines = [self.title(), "", *table_text(self.table(), indent=""), "", *self.verdicts()]
        return "\n".join(self._rewrite(line) for line in lines)

    def to_markdown(self) -> str:
        """A heading, the table as a Markdown table, the verdicts as a list."""
        lines = [f"## {self.title()}", "", *table_markdown(self.table()), ""]
        return "\n".join(self._rewrite(line) for line in lines + [f"- {line}" for line in self.verdicts()]) + "\n"

    def to_latex(self) -> str:
        """A complete LaTeX document with the table and the verdicts."""
        table = self.table()
        written = Table([self._rewrite(cell) for cell in table.header], table.rows)
        return latex_document(
            [
                rf"\section*{{{text_to_latex(self._rewrite(self.title()), prose=True)}}}",
                *table_latex(written),
                r"\begin{itemize}",
                *[rf"\item {text_to_latex(self._rewrite(line), prose=True)}" for line in self.verdicts()],
                r"\end{itemize}",
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"schema", "steps", "runs": [{"learning_rate", "loss" (start, then after each step; null where not finite), "diverged"}]}``."""
        return {
            "schema": COMPARISON_SCHEMA,
            "steps": self.steps,
            "runs": [
                {"learning_rate": rate, "loss": [c if math.isfinite(c) else None for c in curve], "diverged": d.diverged}
                for rate, d, curve in zip(self.rates, self.derivations, self.curves())
            ],
        }

    def plot(self) -> Graph:
        """Every rate's loss curve in one plot."""
        return line_plot(
            [(self._rewrite(f"α = {format_number(r)}"), c) for r, c in zip(self.rates, self.curves())],
            title=self._rewrite(self.title()),
            x_label="step",
            y_label=self._rewrite("C"),
        )


def compare_learning_rates(
    derive_at: Callable[[float], DerivationRecord], rates: Sequence[float], steps: int
) -> LearningRateComparison:
    """Derive at each rate with `derive_at` (which should stop a diverging run, not fail) and compare."""
    if not rates:
        raise ValueError("compare_learning_rates needs at least one learning rate")
    return LearningRateComparison(list(rates), [derive_at(rate) for rate in rates], steps)


def _examples(derivation: DerivationRecord) -> str:
    return "the example" if derivation.examples == 1 else f"all {derivation.examples} examples"

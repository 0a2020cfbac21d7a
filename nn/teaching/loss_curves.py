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

from autograd.i18n import Catalog, language
from autograd.views.draw import Graph
from autograd.views.explain import format_number
from autograd.views.plot import line_plot
from autograd.views.latex import text_to_latex
from nn.teaching.blocks import Table, latex_document, table_latex, table_markdown, table_text
from nn.teaching.records import DerivationRecord

COMPARISON_SCHEMA = "scalargrad.compare-learning-rates/1"
"""Identifies the layout of `LearningRateComparison.to_dict`."""

_ = Catalog("nn")


def loss_curve(derivation: DerivationRecord) -> list[float]:
    """The loss over all the examples at the start and after every step."""
    losses = [derivation.start_loss if derivation.start_loss is not None else math.nan]
    losses += [r.data_loss_after if r.data_loss_after is not None else r.loss_after for r in derivation.steps]
    return losses


def loss_plot(derivation: DerivationRecord) -> Graph:
    """The plot of `loss_curve` (step 0 is the start), in the derivation's notation and language."""
    write = derivation.notation.rewrite
    with language(derivation.lang):
        title = _("Loss over {examples}, step by step").format(examples=_examples(derivation))
        series = [(write(f"α = {format_number(derivation.learning_rate)}"), loss_curve(derivation))]
        return _loss_plot(series, title, write)


@dataclass(frozen=True)
class LearningRateComparison:
    """The same derivation at several learning rates; render with str(), to_markdown(), to_latex(), to_dict().

    Its text is in the language of the derivations (`derive`'s ``lang``).
    """

    rates: list[float]
    derivations: list[DerivationRecord]
    steps: int

    def curves(self) -> list[list[float]]:
        """Each rate's `loss_curve`; a diverged run's is shorter."""
        return [loss_curve(d) for d in self.derivations]

    def table(self) -> Table:
        """One row per step, one loss column per rate; '—' after a run diverged."""
        curves = self.curves()
        header = [_("step"), *[f"C (α = {format_number(rate)})" for rate in self.rates]]
        rows = []
        for step in range(self.steps + 1):
            cells = [format_number(c[step]) if step < len(c) else "—" for c in curves]
            rows.append([_("0 (start)") if step == 0 else str(step), *cells])
        return Table(header, rows)

    def verdicts(self) -> list[str]:
        """One sentence per rate: the loss fell, rose or diverged."""
        lines = []
        for rate, derivation, curve in zip(self.rates, self.derivations, self.curves()):
            name = f"α = {format_number(rate)}"
            last = curve[-1]
            if derivation.diverged or not math.isfinite(last):
                verdict = _("{rate}: the numbers stop being finite after step {step}: too high, the steps diverge")
            elif last > curve[0]:
                verdict = _("{rate}: the loss rises from {start} to {end}: too high")
            else:
                verdict = _("{rate}: the loss falls from {start} to {end}")
            start, end = format_number(curve[0]), format_number(last)
            lines.append(verdict.format(rate=name, step=len(curve) - 1, start=start, end=end))
        return lines

    def title(self) -> str:
        """The heading: over which examples, how many steps."""
        return _("Loss over {examples} after each of {steps} steps, at each learning rate").format(
            examples=_examples(self.derivations[0]), steps=self.steps
        )

    @property
    def _lang(self) -> str:
        return self.derivations[0].lang

    def _rewrite(self, text: str) -> str:
        return self.derivations[0].notation.rewrite(text)

    def __str__(self) -> str:
        with language(self._lang):
            lines = [self.title(), "", *table_text(self.table(), indent=""), "", *self.verdicts()]
        return "\n".join(self._rewrite(line) for line in lines)

    def to_markdown(self) -> str:
        """A heading, the table as a Markdown table, the verdicts as a list."""
        with language(self._lang):
            lines = [f"## {self.title()}", "", *table_markdown(self.table()), ""]
            verdicts = [f"- {line}" for line in self.verdicts()]
        return "\n".join(self._rewrite(line) for line in lines + verdicts) + "\n"

    def to_latex(self) -> str:
        """A complete LaTeX document with the table and the verdicts (in Chinese for XeLaTeX with ctex)."""
        with language(self._lang):
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
        with language(self._lang):
            series = [(self._rewrite(f"α = {format_number(r)}"), c) for r, c in zip(self.rates, self.curves())]
            return _loss_plot(series, self._rewrite(self.title()), self._rewrite)


def compare_learning_rates(
    derive_at: Callable[[float], DerivationRecord], rates: Sequence[float], steps: int
) -> LearningRateComparison:
    """Derive at each rate with `derive_at` (which should stop a diverging run, not fail) and compare."""
    if not rates:
        raise ValueError("compare_learning_rates needs at least one learning rate")
    return LearningRateComparison(list(rates), [derive_at(rate) for rate in rates], steps)


def _loss_plot(series: list[tuple[str, list[float]]], title: str, write: Callable[[str], str]) -> Graph:
    """Loss curves over the steps, every word around them in the current language, the cost written by `write`."""
    return line_plot(
        series,
        title=title,
        x_label=_("step"),
        y_label=write("C"),
    )


def _examples(derivation: DerivationRecord) -> str:
    return _("the example") if derivation.examples == 1 else _("all {count} examples").format(count=derivation.examples)

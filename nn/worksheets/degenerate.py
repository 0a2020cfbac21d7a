"""What makes a draw unfit for a sheet: numbers whose rule a student cannot see at work.

* a relu neuron at, or within `KINK_MARGIN` of, its kink at z = 0, where f'
  is ambiguous and a rounding of z decides it;
* a delta, gradient or update too small to show at the sheet's precision: a
  saturated sigmoid whose δ rounds to 0, a dead relu, an input of 0, gradients
  that vanish on their way back.
"""

from __future__ import annotations

from autograd.i18n import Catalog
from nn.worksheets.expression import ExpressionStep
from nn.worksheets.network import NetworkStep
from nn.worksheets.quantities import Quantity
from nn.worksheets.questions import Asked, Question, Tolerance

_ = Catalog("nn")

KINK_MARGIN = 0.05
"""A relu's z must be at least this far from 0."""

SIGNIFICANT = 10
"""A delta or gradient must be at least this many times the smallest tolerance, so that it shows when rounded."""


def network_degeneracy(
    step: NetworkStep, values: dict[Quantity, float], ask: Asked, tolerance: Tolerance
) -> str | None:
    """Why the numbers `values` of `step` make a poor sheet, or None if they are fine."""
    smallest = tolerance.of(0.0)
    if any(w == 0 for layer in step.weights for row in layer for w in row):
        return _("a weight of 0, which hides the path through it")
    for quantity, value in values.items():
        activation = step.activations[quantity.layer - 1] if quantity.layer else ""
        if quantity.kind == "z" and activation in ("relu", "leaky_relu") and abs(value) < KINK_MARGIN:
            return _("a relu at its kink ({quantity} within {margin} of 0)").format(
                quantity=quantity, margin=KINK_MARGIN
            )
        if quantity.kind == "delta" and abs(value) < SIGNIFICANT * smallest:
            return _("a delta that rounds to about 0 (a saturated or dead unit)")
        if quantity.kind in ("dw", "db") and abs(value) < SIGNIFICANT * smallest:
            return _("a gradient that vanishes at the sheet's precision")
    for quantity, value in values.items():
        if quantity.kind in ("w'", "b'") and ask.covers(quantity):
            gradient = values[Quantity("d" + quantity.kind[0], quantity.layer, quantity.neuron, quantity.source)]
            if step.rate * abs(gradient) <= 2 * tolerance.of(value):
                return _("an update too small to tell w − α·g from w + α·g")
    return None


def expression_degeneracy(step: ExpressionStep, questions: list[Question], tolerance: Tolerance) -> str | None:
    """Why an expression's numbers make a poor sheet (a relu at its kink, a vanishing gradient), or None."""
    for node in step.order:
        if node.op in ("relu", "leaky_relu") and abs(node.parents[0].data) < KINK_MARGIN:
            return _("a relu at its kink (its input {input:g} is within {margin} of 0)").format(
                input=node.parents[0].data, margin=KINK_MARGIN
            )
    for question in questions:
        if question.quantity.startswith(f"d{step.output}/d") and abs(question.answer) < SIGNIFICANT * tolerance.of(0.0):
            return _("a gradient that vanishes at the sheet's precision")
    return None

"""The questions of a sheet: which quantities are asked, their answers from the engine, and how close counts.

Every question has a stable id (``s07-q03``: student, then its place on the
sheet), the quantity in textbook notation, the answer and a tolerance. The
answers of a network sheet are `nn.derive`'s numbers; they are checked here
against `nn.worksheets.network`'s rule-by-rule chain, the route the grader
recomputes with, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd.i18n import Catalog
from nn.teaching.derive import NetworkDerivation
from nn.worksheets.expression import ExpressionStep, NodeQuantity
from nn.worksheets.network import NetworkStep
from nn.worksheets.quantities import ASK_KINDS, ORDER, Quantity, parse_quantity

_ = Catalog("nn")

AGREEMENT = 1e-9
"""The engine's answer e and the rules' r agree when |e − r| <= AGREEMENT·max(1, |e|)."""


@dataclass(frozen=True)
class Tolerance:
    """How close an answer must be: within max(0.5·10^−decimals, relative·|answer|) of it.

    The absolute part is the rounding of an answer written with `decimals`
    places; the relative part allows for intermediate numbers rounded by hand.
    """

    decimals: int = 4
    relative: float = 0.005

    def of(self, answer: float) -> float:
        """The tolerance of a question whose answer is `answer`."""
        return max(0.5 * 10.0**-self.decimals, self.relative * abs(answer))


@dataclass(frozen=True)
class Question:
    """One question of one student's sheet, as the key file holds it."""

    id: str
    student: str
    quantity: str
    answer: float
    tolerance: float

    def to_dict(self) -> dict[str, Any]:
        """The question as key.json writes it."""
        return {
            "id": self.id,
            "student": self.student,
            "quantity": self.quantity,
            "answer": self.answer,
            "tolerance": self.tolerance,
        }


_SHEET_GROUPS = {"z": 0, "a": 0}
"""A sheet asks z and a layer by layer (z[1], a[1], z[2], ...), then every other kind in `ORDER`."""


def question_id(student: str, number: int) -> str:
    """The stable id of question `number` (1-based) of `student`'s sheet."""
    return f"{student}-q{number:02d}"


@dataclass(frozen=True)
class Asked:
    """What a network sheet asks: whole kinds of `Quantity` (from ``--ask delta``) and single ones (``dC/dw[1]_12``)."""

    choices: tuple[str, ...]
    kinds: frozenset[str]
    quantities: frozenset[Quantity]

    def covers(self, quantity: Quantity) -> bool:
        """Whether the sheet asks `quantity`."""
        return quantity.kind in self.kinds or quantity in self.quantities

    def check(self, step: NetworkStep) -> None:
        """ValueError if a quantity asked by name is not one of the network's."""
        absent = sorted(str(q) for q in self.quantities - set(step.quantities()))
        if absent:
            raise ValueError(_("--ask: the network has no quantity {absent}").format(absent=absent[0]))


def parse_ask(ask: str | Sequence[str]) -> Asked:
    """What ``--ask forward,delta,dC/dw[1]_12,...`` chooses: choices of `ASK_KINDS` or quantities by their names."""
    choices = tuple(part.strip() for part in ask.split(",")) if isinstance(ask, str) else tuple(ask)
    kinds: set[str] = set()
    quantities: set[Quantity] = set()
    for choice in choices:
        if choice in ASK_KINDS:
            kinds.update(ASK_KINDS[choice])
            continue
        try:
            quantities.add(parse_quantity(choice))
        except ValueError:
            raise ValueError(
                _(
                    "--ask: unknown choice {choice!r}; choose from {names}, or name "
                    "quantities such as delta[1]_2 or dC/dw[2]_11"
                ).format(
                    choice=choice, names=', '.join(ASK_KINDS)
                )
            ) from None
    if not kinds and not quantities:
        raise ValueError(_("--ask: choose at least one of {names}").format(names=', '.join(ASK_KINDS)))
    return Asked(choices, frozenset(kinds), frozenset(quantities))


def engine_numbers(derivation: NetworkDerivation) -> dict[Quantity, float]:
    """Every quantity of the derivation's first step, read from `nn.derive`'s records."""
    record = derivation.steps[0]
    example = record.examples[0]
    found: dict[Quantity, float] = {Quantity("C"): record.loss, Quantity("C'"): record.loss_after}
    for l, (zs, as_, deltas) in enumerate(zip(example.z, example.a, example.delta), start=1):
        for k, (z, a, delta) in enumerate(zip(zs, as_, deltas), start=1):
            found[Quantity("z", l, k)] = z
            found[Quantity("a", l, k)] = a
            found[Quantity("delta", l, k)] = delta
    for l, (gradients, updated) in enumerate(zip(record.weight_gradients, record.updated_weights), start=1):
        for k, (row, new_row) in enumerate(zip(gradients, updated), start=1):
            for j, (gradient, new) in enumerate(zip(row, new_row), start=1):
                if gradient is not None and new is not None:
                    found[Quantity("dw", l, k, j)] = gradient
                    found[Quantity("w'", l, k, j)] = new
    for l, (bias_gradients, new_biases) in enumerate(zip(record.bias_gradients, record.updated_biases), start=1):
        for k, (bias_gradient, new_bias) in enumerate(zip(bias_gradients or [], new_biases or []), start=1):
            if bias_gradient is not None and new_bias is not None:
                found[Quantity("db", l, k)] = bias_gradient
                found[Quantity("b'", l, k)] = new_bias
    return found


def network_answers(step: NetworkStep, derivation: NetworkDerivation) -> dict[Quantity, float]:
    """The engine's numbers, after checking that the rules the grader applies give the same ones."""
    engine = engine_numbers(derivation)
    rules = step.chain()
    for quantity, value in rules.items():
        expected = engine[quantity]
        if not abs(expected - value) <= AGREEMENT * max(1.0, abs(expected)):
            raise ArithmeticError(
                _(
                    "{quantity}: nn.derive gives {expected!r} but the worksheet's rules "
                    "give {value!r}; one of them is wrong"
                ).format(
                    quantity=quantity, expected=expected, value=value
                )
            )
    return engine


def network_questions(
    student: str, step: NetworkStep, answers: dict[Quantity, float], ask: Asked, tolerance: Tolerance
) -> list[Question]:
    """The questions of a student's sheet: every quantity asked, in the order the rules reach them."""
    ask.check(step)
    asked = [quantity for quantity in step.quantities() if ask.covers(quantity)]
    asked.sort(key=lambda quantity: _SHEET_GROUPS.get(quantity.kind, ORDER.index(quantity.kind)))
    return [
        Question(question_id(student, n), student, q.notation, answers[q], tolerance.of(answers[q]))
        for n, q in enumerate(asked, start=1)
    ]


def expression_questions(
    student: str, step: ExpressionStep, choices: list[str], tolerance: Tolerance
) -> list[Question]:
    """The questions of an expression sheet: ``values``, ``gradients``, or single nodes (``v2``, ``dL/dx``).

    The answers are `autograd.explain`'s numbers, checked against the node-by-node rules the grader applies.
    """
    every = step.quantities()
    wanted: set[NodeQuantity] = set()
    for choice in choices:
        if choice in ("values", "gradients"):
            wanted.update(q for q in every if q.kind == choice[:-1])
        else:
            try:
                wanted.add(step.parse(choice))
            except ValueError as error:
                raise ValueError(_("--ask: {error}; or choose values or gradients").format(error=error)) from None
    if not wanted:
        raise ValueError(_("--ask: choose values, gradients, or nodes of the expression"))
    engine = step.engine_numbers()
    for quantity, value in step.chain().items():
        expected = engine[quantity]
        if not abs(expected - value) <= AGREEMENT * max(1.0, abs(expected)):
            raise ArithmeticError(
                _("{quantity}: autograd.explain gives {expected!r} but the worksheet's rules give {value!r}").format(
                    quantity=quantity, expected=expected, value=value
                )
            )
    asked = [q for q in every if q in wanted] + sorted(wanted - set(every))
    return [
        Question(question_id(student, n), student, q.notation, engine[q], tolerance.of(engine[q]))
        for n, q in enumerate(asked, start=1)
    ]

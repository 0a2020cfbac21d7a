"""`nn.worksheet`: a class set of sheets, each student with their own numbers, and the key that grades them.

>>> import nn
>>> sheets = nn.worksheet("x*w + b", students=3, seed=7, variables={"x": "-2..2", "w": "-1..1", "b": 0.5})
>>> [s.student for s in sheets.students]
['s1', 's2', 's3']
>>> sheets.students[0].variables
{'x': -0.84, 'w': -0.58, 'b': 0.5}
>>> [q.quantity for q in sheets.students[0].questions]
['v1', 'L', 'dL/db', 'dL/dv1', 'dL/dw', 'dL/dx']

A network template is a spec file, e.g. ``nn.worksheet("mazur_2015_2_2_2.json",
students=30, seed=2026, ask="delta,bias_grad")``.

`Worksheet.save(folder)` writes, per student, a question sheet as Markdown,
LaTeX and an offline HTML page, and an answer key with the worked derivation;
for the class, ``roster.csv`` and ``key.json`` (the layout is in
`nn.worksheets.key`).
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from autograd.i18n import Catalog, current_language, language
from autograd.parser.expression import DomainError, ParseError
from nn._validation import finite_number, located
from nn.teaching.spec import SpecError, parse_spec
from nn.worksheets.degenerate import expression_degeneracy, network_degeneracy
from nn.worksheets.draws import NetworkTemplate, Range, draw_class, load_template, parse_range
from nn.worksheets.expression import ExpressionStep
from nn.worksheets.network import NetworkStep
from nn.worksheets.files import save_worksheet
from nn.worksheets.records import StudentSheet, WorksheetRecord
from nn.worksheets.questions import (
    Tolerance,
    expression_questions,
    network_answers,
    network_questions,
    parse_ask,
)

NETWORK_ASK = "forward,delta,weight_grad,bias_grad,update,loss_after"
"""What a network worksheet asks when ``ask`` is not given."""

PROBES = 100
"""Draws tried to find numbers an expression can be evaluated at, before drawing a class."""

EXPRESSION_ASK = "values,gradients"
"""What an expression worksheet asks when ``ask`` is not given."""

_ = Catalog("nn")


class Worksheet(WorksheetRecord):
    """A class set of sheets; `save` writes them with roster.csv and key.json."""

    def save(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Write every sheet, key, the roster and key.json into `folder` (created if missing); the paths written.

        Sheets and keys that an earlier run left there for students not in this worksheet are removed.
        """
        written, _removed = save_worksheet(self, Path(folder))
        return written


def is_expression(template: str | os.PathLike[str] | Mapping[str, Any]) -> bool:
    """Whether a template is an expression: a str that neither ends in .json nor names a file."""
    return isinstance(template, str) and not template.lower().endswith(".json") and not os.path.isfile(template)


def worksheet(
    template: str | os.PathLike[str] | Mapping[str, Any],
    *,
    students: int,
    seed: int,
    ask: str | Sequence[str] | None = None,
    variables: Mapping[str, str | float] | None = None,
    ranges: Mapping[str, str | Range] | None = None,
    decimals: int = 2,
    tolerance: Tolerance = Tolerance(),
    names: Sequence[str] | None = None,
    title: str | None = None,
    checks: bool = True,
    lang: str | None = None,
) -> Worksheet:
    """Sheets for `students` students, each with their own numbers drawn with `seed`.

    Args:
        template: a network spec file (or its data) whose numbers may be ranges
            such as ``"-1..1"``, or an expression such as ``"tanh(x*w + b)"``.
        students: how many sheets.
        seed: the same seed gives the same sheets.
        ask: for a network, choices of `nn.worksheets.quantities.ASK_KINDS`
            (default `NETWORK_ASK`); for an expression ``values``, ``gradients``,
            node labels (``v2``) or gradients (``dL/dx``) (default `EXPRESSION_ASK`).
        variables: an expression's variables, each a number or a range ``"-2..2"``.
        ranges: a network template: draw every weight, bias or input from one range.
        decimals: the places the drawn numbers are rounded to.
        tolerance: how close answers must be (decimals asked for, relative slack).
        names: the students' names, printed on their sheets (ids are s1, s2, …).
        title: the sheets' title (default: the template's name, or the expression).
        checks: let the HTML page check each answer (its source then holds the answers).
        lang: the language of the sheets, keys and pages, ``"en"`` or ``"zh"`` (default:
            the current one, `autograd.i18n`); the numbers are the same in both.
    """
    with language(lang) as chosen:
        made = _worksheet(template, students, seed, ask, variables, ranges, decimals, tolerance, names, title, checks)
    made.lang = chosen
    return made


def _worksheet(
    template: str | os.PathLike[str] | Mapping[str, Any],
    students: int,
    seed: int,
    ask: str | Sequence[str] | None,
    variables: Mapping[str, str | float] | None,
    ranges: Mapping[str, str | Range] | None,
    decimals: int,
    tolerance: Tolerance,
    names: Sequence[str] | None,
    title: str | None,
    checks: bool,
) -> Worksheet:
    if isinstance(students, bool) or not isinstance(students, int) or students < 1:
        raise ValueError(_("students must be a positive whole number, got {students!r}").format(students=students))
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(_("seed must be a whole number, got {seed!r}").format(seed=seed))
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise ValueError(_("decimals must be a whole number from 0 to 6, got {decimals!r}").format(decimals=decimals))
    if names is not None and len(names) != students:
        raise ValueError(_("names: expected {students} names (one per student), got {count_names}").format(
            students=students, count_names=len(names)
        ))
    width = len(str(students))
    ids = [f"s{n:0{width}d}" for n in range(1, students + 1)]
    shown = [str(name) for name in names] if names is not None else list(ids)
    if is_expression(template):
        assert isinstance(template, str)
        return _expression_worksheet(
            template, ids, shown, seed, ask, variables or {}, decimals, tolerance, title, checks
        )
    if variables:
        raise ValueError(_("variables are for an expression; a network template gives its inputs itself"))
    if isinstance(template, Mapping):
        return _network_worksheet(dict(template), ids, shown, seed, ask, ranges, decimals, tolerance, title, checks)
    data = load_template(template)
    try:
        return _network_worksheet(data, ids, shown, seed, ask, ranges, decimals, tolerance, title, checks)
    except SpecError as error:  # a JSON path inside the template file: name the file first, as load_template does
        raise SpecError(located(os.fspath(template), str(error))) from None


def _network_worksheet(
    data: dict[str, Any],
    ids: list[str],
    names: list[str],
    seed: int,
    ask: str | Sequence[str] | None,
    ranges: Mapping[str, str | Range] | None,
    decimals: int,
    tolerance: Tolerance,
    title: str | None,
    checks: bool,
) -> Worksheet:
    asked = parse_ask(NETWORK_ASK if ask is None else ask)
    parsed_ranges = {
        kind: value if isinstance(value, Range) else parse_range(value, f"ranges[{kind!r}]")
        for kind, value in (ranges or {}).items()
    }
    template = NetworkTemplate(data, parsed_ranges, decimals)
    # Before a class is drawn: a batch or a softmax layer is refused, and so is a quantity the network lacks.
    asked.check(NetworkStep(parse_spec(template.draw(random.Random(0)))))

    def degenerate(spec_data: dict[str, Any]) -> str | None:
        step = NetworkStep(parse_spec(spec_data))
        return network_degeneracy(step, step.chain(), asked, tolerance)

    drawn = draw_class(len(ids), seed, template.draw, degenerate)
    sheets = []
    for student, name, spec_data in zip(ids, names, drawn):
        spec = parse_spec(spec_data)
        step = NetworkStep(spec)
        answers = network_answers(step, spec.derive())
        questions = network_questions(student, step, answers, asked, tolerance)
        sheets.append(StudentSheet(student, name, questions, spec=spec_data))
    own_title = data.get(f"name_{current_language()}") or data.get("name")
    shown_title = title if title is not None else str(own_title or _("Backpropagation worksheet"))
    return Worksheet(shown_title, seed, list(asked.choices), tolerance, sheets, template=data, checks=checks)


def _probe(expression: str, draw: Callable[[random.Random], dict[str, float]]) -> ExpressionStep:
    """The expression at the first of a few draws it can be evaluated at; ParseError if it does not parse.

    The parser evaluates as it reads, so a number outside a function's domain is
    a ParseError too; only that kind is worth another draw.
    """
    failure: Exception | None = None
    for attempt in range(PROBES):
        try:
            return ExpressionStep(expression, draw(random.Random(attempt)))
        except DomainError as error:  # another draw may land inside the domain
            failure = error
        except ParseError:  # a mistake in the expression itself: no draw mends it
            raise
        except (ArithmeticError, ValueError) as error:
            failure = error
    raise ValueError(_("the expression cannot be evaluated at numbers drawn from its ranges: {failure}").format(
        failure=failure
    ))


def _expression_worksheet(
    expression: str,
    ids: list[str],
    names: list[str],
    seed: int,
    ask: str | Sequence[str] | None,
    variables: Mapping[str, str | float],
    decimals: int,
    tolerance: Tolerance,
    title: str | None,
    checks: bool,
) -> Worksheet:
    drawn_ranges: dict[str, Range | float] = {}
    for name, value in variables.items():
        if isinstance(value, str) and ".." in value:
            drawn_ranges[name] = parse_range(value, _("variable {name}").format(name=name))
        else:
            try:
                drawn_ranges[name] = finite_number(float(value), _("variable {name}").format(name=name))
            except ValueError:
                raise ValueError(
                    _("variable {name}: expected a number or a range such as -2..2, got {value!r}").format(
                        name=name, value=value
                    )
                ) from None
    if not any(isinstance(value, Range) for value in drawn_ranges.values()):
        raise ValueError(_("variables: give at least one a range such as x=-2..2, so each student gets other numbers"))
    wanted = EXPRESSION_ASK if ask is None else ask
    choices = [part.strip() for part in wanted.split(",")] if isinstance(wanted, str) else list(wanted)

    def draw(generator: Any) -> dict[str, float]:
        return {
            name: value.draw(generator, decimals) if isinstance(value, Range) else value
            for name, value in drawn_ranges.items()
        }

    # A syntax error, an undefined variable or an --ask that names no node is refused before a class is drawn.
    expression_questions("s", _probe(expression, draw), choices, tolerance)

    def degenerate(numbers: dict[str, float]) -> str | None:
        try:
            step = ExpressionStep(expression, numbers)
            asked = expression_questions("s", step, choices, tolerance)
        except (ArithmeticError, ValueError) as error:
            return _("numbers outside the expression's domain ({error})").format(error=error)
        return expression_degeneracy(step, asked, tolerance)

    drawn = draw_class(len(ids), seed, draw, degenerate)
    sheets = [
        StudentSheet(
            student,
            name,
            expression_questions(student, ExpressionStep(expression, numbers), choices, tolerance),
            expression=expression,
            variables=numbers,
        )
        for student, name, numbers in zip(ids, names, drawn)
    ]
    shown_title = title if title is not None else _("Backpropagation through {expression}").format(
        expression=expression.strip()
    )
    return Worksheet(shown_title, seed, choices, tolerance, sheets, expression=expression, checks=checks)

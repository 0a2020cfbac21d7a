"""The records of a worksheet: each student's numbers and questions, and the class set's settings.

`nn.worksheets.classroom` fills them; the renderers, the key file and the grader
read them; none of those imports the others' side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nn.teaching.spec import parse_spec
from nn.worksheets.expression import ExpressionStep
from nn.worksheets.network import NetworkStep
from nn.worksheets.questions import Question, Tolerance


@dataclass
class StudentSheet:
    """One student's numbers and questions.

    ``spec`` is the student's network in the spec-file format (None for an
    expression sheet); ``variables`` the student's numbers for an expression.
    """

    student: str
    name: str
    questions: list[Question]
    spec: dict[str, Any] | None = None
    expression: str | None = None
    variables: dict[str, float] = field(default_factory=dict)

    def rules(self) -> NetworkStep | ExpressionStep:
        """The rules that recompute this sheet's numbers (what the grader uses)."""
        if self.spec is not None:
            return NetworkStep(parse_spec(self.spec))
        assert self.expression is not None
        return ExpressionStep(self.expression, self.variables)

    def worked_derivation(self) -> str:
        """The full derivation as Markdown: `nn.derive` for a network, `autograd.explain` for an expression."""
        if self.spec is not None:
            return parse_spec(self.spec).derive().to_markdown()
        rules = self.rules()
        assert isinstance(rules, ExpressionStep)
        return rules.derivation.to_markdown()


@dataclass
class WorksheetRecord:
    """A class set of sheets: what they ask, how close counts, and each student's numbers and questions."""

    title: str
    seed: int
    ask: list[str]
    tolerance: Tolerance
    students: list[StudentSheet]
    template: dict[str, Any] | None = None
    expression: str | None = None
    checks: bool = True
    lang: str = "en"  # the language the sheets, keys and pages are written in (`autograd.i18n`)

    @property
    def kind(self) -> str:
        """``'network'`` or ``'expression'``."""
        return "expression" if self.expression is not None else "network"

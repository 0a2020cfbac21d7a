"""`nn.grade`: mark answer files against key.json, crediting errors carried forward and naming misconceptions.

For each question of each student the grader decides, in this order:

1. ``right``: within the question's tolerance of the answer;
2. ``carried_forward``: wrong, but right by the rule applied to the student's
   own (wrong) earlier answers; credited with `CARRIED_FORWARD_CREDIT`;
3. a misconception of `nn.worksheets.misconceptions`: the student's number is
   what the quantity comes to under that mistake (applied to the right earlier
   numbers, to the student's, or all the way through the step); where several
   fit, the one whose number is closest;
4. ``wrong`` (no explanation found) or ``unanswered``.

The feedback is one sentence with the right rule.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd.files import write_atomically
from autograd.i18n import Catalog, current_language, language
from autograd.views.explain import format_number
from nn.worksheets.answers import Answers, AnswersError, read_answers
from nn.worksheets.records import StudentSheet, WorksheetRecord
from nn.worksheets.expression import ExpressionStep
from nn.worksheets.key import load_key
from nn.worksheets.misconceptions import MISCONCEPTIONS, RULES
from nn.worksheets.quantities import parse_quantity
from nn.worksheets.sheets import quantity_text

CARRIED_FORWARD_CREDIT = 1.0
"""Credit for an answer that is right given the student's own wrong earlier answers."""

WAYS = 4
"""How many ways of erring each misconception is tried in, carried all the way through the step."""

MARKS_COLUMNS = ("student", "question", "quantity", "given", "expected", "correct", "feedback")
"""The columns of marks.csv."""

_ = Catalog("nn")


@dataclass(frozen=True)
class Mark:
    """The mark of one question: `verdict` is right, carried_forward, a misconception's name, wrong or unanswered."""

    student: str
    question: str
    quantity: str
    given: float | None
    expected: float
    credit: float
    verdict: str
    feedback: str


class Marks:
    """Every mark of a class; `csv` is marks.csv, `summary` the per-student and per-question report.

    ``students`` are the students graded, ``missing`` those of the key with no answers file;
    ``lang`` the language of the feedback and the summary (`autograd.i18n`).
    """

    def __init__(self, marks: list[Mark], students: list[str], missing: list[str], lang: str = "en") -> None:
        self.marks = marks
        self.students = students
        self.missing = missing
        self.lang = lang

    def csv(self) -> str:
        """marks.csv: one row per question of each graded student."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(MARKS_COLUMNS)
        for m in self.marks:
            given = "" if m.given is None else repr(m.given)
            writer.writerow([m.student, m.question, m.quantity, given, repr(m.expected), f"{m.credit:g}", m.feedback])
        return out.getvalue()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write marks.csv to `path` in one step."""
        target = Path(path)
        write_atomically(target, self.csv().encode("utf-8"))
        return target

    def scores(self) -> dict[str, tuple[float, int]]:
        """Each graded student's (credit, number of questions)."""
        found: dict[str, tuple[float, int]] = {}
        for m in self.marks:
            credit, count = found.get(m.student, (0.0, 0))
            found[m.student] = (credit + m.credit, count + 1)
        return found

    def missed(self) -> list[tuple[str, int, int, str | None]]:
        """Per quantity: (quantity, students who missed it, students asked it, most common misconception), most missed first."""
        asked: Counter[str] = Counter()
        missed: Counter[str] = Counter()
        causes: dict[str, Counter[str]] = {}
        for m in self.marks:
            asked[m.quantity] += 1
            if m.credit == 0:
                missed[m.quantity] += 1
                if m.verdict in MISCONCEPTIONS:
                    causes.setdefault(m.quantity, Counter())[m.verdict] += 1
        rows = [(q, missed[q], asked[q], causes[q].most_common(1)[0][0] if q in causes else None) for q in asked]
        return sorted(rows, key=lambda row: (-row[1] / row[2], list(asked).index(row[0])))

    def summary(self) -> str:
        """Scores per student, then the questions by how many missed them, flagging those most of the class missed."""
        with language(self.lang):
            return self._summary()

    def _summary(self) -> str:
        lines = [_("Per student:")]
        for student, (credit, count) in self.scores().items():
            carried = sum(1 for m in self.marks if m.student == student and m.verdict == "carried_forward")
            named = Counter(m.verdict for m in self.marks if m.student == student and m.verdict in MISCONCEPTIONS)
            notes = [_("{count} carried forward").format(count=carried)] if carried else []
            notes += [f"{name} ×{n}" for name, n in named.most_common()]
            lines.append(f"  {student}: {credit:g}/{count}" + (f"  ({_(', ').join(notes)})" if notes else ""))
        if self.missing:
            lines.append("  " + _("no answers file from: {students}").format(students=", ".join(self.missing)))
        lines += ["", _("Per question (students who missed it / students asked):")]
        rows = [row for row in self.missed() if row[1] > 0]
        if not rows:
            lines.append("  " + _("no question was missed"))
        for quantity, missed, asked, cause in rows:
            flag = "  " + _("← most of the class missed this") if missed * 2 > asked else ""
            because = "  " + _("most often {cause}").format(cause=cause) if cause else ""
            lines.append(f"  {quantity}: {missed}/{asked}{because}{flag}")
        return "\n".join(lines)


def grade(
    key: str | os.PathLike[str] | WorksheetRecord,
    answers: Sequence[str | os.PathLike[str] | Answers],
    *,
    carried_forward_credit: float = CARRIED_FORWARD_CREDIT,
    lang: str | None = None,
) -> Marks:
    """Mark answer files (paths or `Answers`) against a key (key.json's path or a `WorksheetRecord`).

    `lang` is the language of the feedback and the summary, ``"en"`` or ``"zh"``
    (default: the current one, `autograd.i18n`); the marks are the same in both.
    Raises `nn.worksheets.answers.AnswersError` for a malformed answers file, naming the file and the line or key.
    """
    with language(lang):
        return _grade(key, answers, carried_forward_credit)


def _grade(
    key: str | os.PathLike[str] | WorksheetRecord,
    answers: Sequence[str | os.PathLike[str] | Answers],
    carried_forward_credit: float,
) -> Marks:
    worksheet = key if isinstance(key, WorksheetRecord) else load_key(key)
    sheets = {sheet.student: sheet for sheet in worksheet.students}
    student_of = {q.id: sheet.student for sheet in worksheet.students for q in sheet.questions}
    read = [a if isinstance(a, Answers) else read_answers(a, student_of) for a in answers]
    seen: dict[str, str] = {}
    for entry in read:
        if entry.student in seen:
            raise AnswersError(
                _("{source}: a second answers file of {student} (the first is {seen})").format(
                    source=entry.source, student=entry.student, seen=seen[entry.student]
                )
            )
        seen[entry.student] = entry.source
    marks = [m for entry in read for m in _grade_sheet(sheets[entry.student], entry.answers, carried_forward_credit)]
    missing = [student for student in sheets if student not in seen]
    return Marks(marks, [entry.student for entry in read], missing, current_language())


def _grade_sheet(sheet: StudentSheet, given: dict[str, float], carried_credit: float) -> list[Mark]:
    rules = sheet.rules()
    parse: Callable[[str], Any] = rules.parse if isinstance(rules, ExpressionStep) else parse_quantity
    right: dict[Any, float] = dict(rules.chain())
    quantities = {q.id: parse(q.quantity) for q in sheet.questions}
    for q in sheet.questions:
        right[quantities[q.id]] = q.answer  # the key's numbers are the reference
    tolerance = {quantities[q.id]: q.tolerance for q in sheet.questions}
    theirs = {quantities[qid]: value for qid, value in given.items()}

    def student_lookup(quantity: Any) -> float:
        return theirs.get(quantity, right[quantity])

    chains = {
        (name, way): rules.chain(name, way) for name in MISCONCEPTIONS for way in range(WAYS)  # type: ignore[arg-type]
    }
    marks = []
    for q in sheet.questions:
        quantity = quantities[q.id]
        answer = given.get(q.id)

        def mark(credit: float, verdict: str, feedback: str) -> Mark:
            return Mark(sheet.student, q.id, q.quantity, answer, q.answer, credit, verdict, feedback)

        rule = _(RULES[getattr(quantity, "kind", "value")])
        if answer is None:
            marks.append(mark(0.0, "unanswered", _("unanswered; {rule}").format(rule=rule)))
            continue

        def near(candidates: list[float]) -> bool:
            return any(abs(answer - c) <= max(q.tolerance, tolerance.get(quantity, 0.0)) for c in candidates)

        if abs(answer - q.answer) <= q.tolerance:
            marks.append(mark(1.0, "right", _("right")))
            continue
        used: list[Any] = []

        def recording(earlier: Any) -> float:
            used.append(earlier)
            return student_lookup(earlier)

        if near(rules.candidates(quantity, recording)):  # type: ignore[arg-type]
            wrong_before = [
                f"{quantity_text(str(u))} = {format_number(theirs[u])}"
                for u in dict.fromkeys(used)
                if u in theirs and abs(theirs[u] - right[u]) > tolerance.get(u, 0.0)
            ]
            if wrong_before:
                marks.append(
                    mark(
                        carried_credit,
                        "carried_forward",
                        _(
                            "carried_forward: right by the rule from your earlier {answers}, "
                            "which was wrong; the error is counted there once."
                        ).format(answers=_(", ").join(wrong_before)),
                    )
                )
                continue
        # Each misconception's number closest to the student's; the closest one within tolerance is named.
        distances = {}
        for name in MISCONCEPTIONS:
            found = (
                rules.candidates(quantity, right.__getitem__, name)  # type: ignore[arg-type]
                + rules.candidates(quantity, student_lookup, name)  # type: ignore[arg-type]
                + [chains[(name, way)][quantity] for way in range(WAYS)]
            )
            if near(found):
                distances[name] = min(abs(answer - c) for c in found)
        verdict = min(distances, key=distances.__getitem__) if distances else None
        if verdict is not None:
            marks.append(mark(0.0, verdict, f"{verdict}: {_(MISCONCEPTIONS[verdict])}"))
        else:
            marks.append(
                mark(
                    0.0,
                    "wrong",
                    _("wrong, and no common mistake gives {answer}; {rule}").format(
                        answer=format_number(answer), rule=rule
                    ),
                )
            )
    return marks

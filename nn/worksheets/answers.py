"""Reading a student's answers file: JSON ``{"student": id, "answers": {question_id: number}}`` or CSV ``question_id,answer``.

The HTML sheet saves the JSON form. A CSV file may start with a header row
``question_id,answer``; its student is read from the question ids. Anything
malformed raises `AnswersError`, whose message names the file and the line
(CSV) or the key (JSON).
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from autograd.i18n import Catalog
from nn._json_files import cannot_read, invalid_json
from nn._validation import located

_ = Catalog("nn")


class AnswersError(ValueError):
    """An answers file that cannot be graded; the message names the file and the line or key."""


@dataclass(frozen=True)
class Answers:
    """One student's answers, by question id; `source` is the file they came from."""

    student: str
    answers: dict[str, float]
    source: str


def read_answers(path: str | os.PathLike[str], student_of: Mapping[str, str]) -> Answers:
    """The answers in `path`; `student_of` maps each question id of the key to its student."""
    name = os.fspath(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            text = file.read()
    except OSError as error:
        raise AnswersError(cannot_read(name, error)) from None
    except UnicodeDecodeError:
        raise AnswersError(_("{name}: not a UTF-8 text file").format(name=name)) from None
    if name.lower().endswith(".json") or text.lstrip().startswith("{"):
        return _json_answers(name, text, student_of)
    return _csv_answers(name, text, student_of)


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AnswersError(_("{where}: expected a number, got {value}").format(
            where=where, value=json.dumps(value, ensure_ascii=False)[:40]
        ))
    number = float(value)
    if not math.isfinite(number):
        raise AnswersError(_("{where}: expected a finite number").format(where=where))
    return number


def _json_answers(name: str, text: str, student_of: Mapping[str, str]) -> Answers:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise AnswersError(located(name, invalid_json(error))) from None
    if not isinstance(data, dict):
        raise AnswersError(_('{name}: expected an object {{"student": ..., "answers": {{...}}}}').format(name=name))
    unknown = sorted(set(data) - {"student", "answers"})
    if unknown:
        raise AnswersError(_("{name}: key {unknown!r}: unknown; an answers file has 'student' and 'answers'").format(
            name=name, unknown=unknown[0]
        ))
    student = data.get("student")
    if not isinstance(student, str):
        raise AnswersError(_('{name}: key \'student\': expected the student id as a string, such as "s01"').format(
            name=name
        ))
    if student not in set(student_of.values()):
        raise AnswersError(_("{name}: key 'student': {student!r} is not a student of this key").format(
            name=name, student=student
        ))
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise AnswersError(_("{name}: key 'answers': expected an object {{question_id: number}}").format(name=name))
    found = {}
    for question, value in answers.items():
        where = _("{name}: key answers[{question}]").format(name=name, question=json.dumps(question, ensure_ascii=False))
        _check_question(question, student, student_of, where)
        found[question] = _number(value, where)
    return Answers(student, found, name)


def _csv_answers(name: str, text: str, student_of: Mapping[str, str]) -> Answers:
    found: dict[str, float] = {}
    students: set[str] = set()
    for line, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        where = _("{name}: line {line}").format(name=name, line=line)
        if line == 1 and [cell.strip().lower() for cell in row] == ["question_id", "answer"]:
            continue
        if len(row) != 2:
            raise AnswersError(_("{where}: expected two columns question_id,answer, got {count_row}").format(
                where=where, count_row=len(row)
            ))
        question, text_value = row[0].strip(), row[1].strip()
        if question not in student_of:
            raise AnswersError(_("{where}: unknown question id {question!r}; the ids are in key.json").format(
                where=where, question=question
            ))
        if question in found:
            raise AnswersError(_("{where}: question {question!r} is answered twice").format(
                where=where, question=question
            ))
        try:
            number = float(text_value.replace("−", "-"))
        except ValueError:
            raise AnswersError(_("{where}: {text_value!r} is not a number").format(
                where=where, text_value=text_value
            )) from None
        if not math.isfinite(number):
            raise AnswersError(_("{where}: expected a finite number").format(where=where))
        found[question] = number
        students.add(student_of[question])
    if not found:
        raise AnswersError(_("{name}: no answers; each line is question_id,answer").format(name=name))
    if len(students) > 1:
        raise AnswersError(_("{name}: answers of several students ({names}); one file per student").format(
            name=name, names=', '.join(sorted(students))
        ))
    return Answers(students.pop(), found, name)


def _check_question(question: str, student: str, student_of: Mapping[str, str], where: str) -> None:
    if question not in student_of:
        raise AnswersError(_("{where}: unknown question id; the ids are in key.json").format(where=where))
    if student_of[question] != student:
        raise AnswersError(_("{where}: the question belongs to {student_of}, not to {student}").format(
            where=where, student_of=student_of[question], student=student
        ))

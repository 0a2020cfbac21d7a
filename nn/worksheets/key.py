"""key.json: every student's exact numbers and every question, which is all `nn.grade` needs.

Layout (``"schema": "scalargrad.worksheet-key/1"``)::

    {"schema", "title", "kind": "network" | "expression", "seed", "ask": [...],
     "expression": the template expression (null for a network),
     "answer_decimals", "relative_tolerance",
     "students": [{"student": "s01", "name",
                   "spec": the student's network in the spec-file format (network),
                   "variables": {name: number} (expression),
                   "files": {"markdown", "latex", "html", "key"} (paths relative to key.json)}],
     "questions": [{"id": "s01-q01", "student", "quantity", "answer", "tolerance"}]}

Anyone can recompute a student's answers from the key alone: ``scalargrad
derive`` reads a student's ``spec`` saved as a file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from autograd.i18n import N_, Catalog
from nn._json_files import read_json_file
from nn._validation import located
from nn.worksheets.records import StudentSheet, WorksheetRecord
from nn.worksheets.questions import Question, Tolerance

_ = Catalog("nn")

SCHEMA = "scalargrad.worksheet-key/1"
"""Identifies the layout of key.json."""


def sheet_files(student: str) -> dict[str, str]:
    """Where a student's files go, relative to the folder of key.json."""
    return {
        "markdown": f"sheets/{student}.md",
        "latex": f"sheets/{student}.tex",
        "html": f"sheets/{student}.html",
        "key": f"keys/{student}.md",
    }


def key_data(worksheet: WorksheetRecord) -> dict[str, Any]:
    """key.json as data."""
    students = []
    for sheet in worksheet.students:
        entry: dict[str, Any] = {"student": sheet.student, "name": sheet.name}
        if sheet.spec is not None:
            entry["spec"] = sheet.spec
        else:
            entry["variables"] = sheet.variables
        entry["files"] = sheet_files(sheet.student)
        students.append(entry)
    return {
        "schema": SCHEMA,
        "title": worksheet.title,
        "kind": worksheet.kind,
        "seed": worksheet.seed,
        "ask": worksheet.ask,
        "expression": worksheet.expression,
        "answer_decimals": worksheet.tolerance.decimals,
        "relative_tolerance": worksheet.tolerance.relative,
        "students": students,
        "questions": [q.to_dict() for s in worksheet.students for q in s.questions],
    }


def load_key(path: str | os.PathLike[str]) -> WorksheetRecord:
    """The worksheet a key.json describes (its sheets' numbers and questions); ValueError naming the problem."""
    name = os.fspath(path)
    data = read_json_file(path, ValueError, kind=N_("key"))
    try:
        return _worksheet(data)
    except (KeyError, TypeError, ValueError) as error:
        message = error.args[0] if error.args else str(error)
        raise ValueError(_("{name}: not a worksheet key: {message}").format(name=name, message=message)) from None


def _worksheet(data: Any) -> WorksheetRecord:
    if not isinstance(data, Mapping) or data.get("schema") != SCHEMA:
        raise ValueError(_("schema: expected {schema!r}; give the key.json that `scalargrad worksheet` wrote").format(
            schema=SCHEMA
        ))
    questions: dict[str, list[Question]] = {}
    for n, entry in enumerate(_list(data, "questions")):
        where = f"questions[{n}]"
        if not isinstance(entry, Mapping):
            raise ValueError(_("{where}: expected an object").format(where=where))
        try:
            question = Question(
                str(entry["id"]),
                str(entry["student"]),
                str(entry["quantity"]),
                float(entry["answer"]),
                float(entry["tolerance"]),
            )
        except KeyError as missing:
            raise ValueError(_("{where}: missing key {missing}").format(where=where, missing=missing)) from None
        except (TypeError, ValueError):
            raise ValueError(_("{where}: answer and tolerance must be numbers").format(where=where)) from None
        questions.setdefault(question.student, []).append(question)
    sheets = []
    for n, entry in enumerate(_list(data, "students")):
        where = f"students[{n}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("student"), str):
            raise ValueError(_("{where}: expected an object with a 'student' id").format(where=where))
        student = entry["student"]
        sheet = StudentSheet(
            student,
            str(entry.get("name", student)),
            questions.get(student, []),
            spec=entry.get("spec"),
            expression=data.get("expression"),
            variables={str(k): float(v) for k, v in dict(entry.get("variables") or {}).items()},
        )
        if sheet.spec is None and sheet.expression is None:
            raise ValueError(_("{where}: expected a 'spec' (a network sheet) or a top-level 'expression'").format(
                where=where
            ))
        try:
            sheet.rules()  # the student's numbers must still make their sheet
        except (ArithmeticError, ValueError) as error:
            raise ValueError(located(f"{where}.{'spec' if sheet.spec is not None else 'variables'}", error)) from None
        sheets.append(sheet)
    tolerance = Tolerance(int(data.get("answer_decimals", 4)), float(data.get("relative_tolerance", 0.005)))
    return WorksheetRecord(
        str(data.get("title", "")),
        int(data.get("seed", 0)),
        list(data.get("ask", [])),
        tolerance,
        sheets,
        expression=data.get("expression"),
    )


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise ValueError(_("{key}: expected a list").format(key=key))
    return value

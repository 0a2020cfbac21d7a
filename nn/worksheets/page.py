"""A student's sheet as one offline HTML page: type the answers, see each checked, save them as an answers file.

The page is `sheet_template.html` with the sheet's data as JSON in a
``<script type="application/json">`` element; its script builds the page
from that data with ``textContent`` only, so names and titles can never
become markup, and a Content-Security-Policy forbids any network access.
"Save my answers" downloads ``answers-<student>.json`` in the form
``scalargrad grade`` reads. With ``checks`` the page holds the answers and
tolerances (a student who reads the page source can find them); without, it
only checks that each answer is a number.
"""

from __future__ import annotations

from importlib import resources

from autograd.views.lesson import _script_json  # the lesson pages' inert JSON-in-<script>, shared on purpose

from nn.worksheets.records import StudentSheet, WorksheetRecord
from nn.worksheets.sheets import givens, instructions, quantity_text

_PLACEHOLDER = "__SHEET_DATA__"


def sheet_html(worksheet: WorksheetRecord, sheet: StudentSheet) -> str:
    """The student's page, complete and self-contained."""
    data = {
        "title": worksheet.title,
        "student": sheet.student,
        "name": sheet.name,
        "expression": worksheet.expression,
        "instructions": instructions(worksheet),
        "givens": givens(sheet),
        "checks": worksheet.checks,
        "questions": [
            {
                "id": q.id,
                "quantity": quantity_text(q.quantity),
                **({"answer": q.answer, "tolerance": q.tolerance} if worksheet.checks else {}),
            }
            for q in sheet.questions
        ],
    }
    template = resources.files("nn.worksheets").joinpath("sheet_template.html").read_text(encoding="utf-8")
    return template.replace(_PLACEHOLDER, _script_json(data))

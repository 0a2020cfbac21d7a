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

import html
import re
from importlib import resources

from autograd.i18n import HTML_LANGS, N_, Catalog, current_language
from autograd.views.lesson import script_json

from nn.worksheets.records import StudentSheet, WorksheetRecord
from nn.worksheets.sheets import givens, instructions, quantity_text

_PLACEHOLDER = "__SHEET_DATA__"
_LANG_PLACEHOLDER = "__SHEET_LANG__"

_ = Catalog("nn")

PAGE_WORDS = {
    "questions": N_("Questions"),
    "number": N_("#"),
    "id": N_("id"),
    "quantity": N_("quantity"),
    "your_answer": N_("your answer"),
    "check": N_("check"),
    "save": N_("Save my answers"),
    "student": N_("Student: {name} ({student})"),
    "expression": N_("Expression: {expression}"),
    "answer_to": N_("answer to {quantity}"),
    "not_a_number": N_("not a number"),
    "saved": N_("saved"),
    "right": N_("✓ right"),
    "wrong": N_("✗ try again"),
    "answered": N_("{answered} of {count} answered"),
    "answered_right": N_("{answered} of {count} answered, {right} right"),
}
"""The words of the page around the student's numbers, by the key its script uses (filled in with ``{name}``)."""


def sheet_html(worksheet: WorksheetRecord, sheet: StudentSheet) -> str:
    """The student's page, complete and self-contained."""
    words = {key: _(word) for key, word in PAGE_WORDS.items()}
    data = {
        "title": worksheet.title,
        "words": words,
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
    page = template.replace(_LANG_PLACEHOLDER, HTML_LANGS[current_language()]).replace(_PLACEHOLDER, script_json(data))
    title = html.escape(f"{worksheet.title} · {sheet.name}")
    page = page.replace("<title>worksheet</title>", f"<title>{title}</title>", 1)
    return _written_words(page, words)


def _written_words(page: str, words: dict[str, str]) -> str:
    """The page with each ``data-word`` element's text already in the sheet's language, as the script would set it.

    The script sets them again when it runs; written into the HTML, they are
    right also where it has not run yet (a preview, a page saved as text).
    """
    def word(match: re.Match[str]) -> str:
        return f'{match[1]}{html.escape(words[match[2]])}<'

    return re.sub(r'(data-word="(\w+)"[^>]*>)[^<]*<', word, page)

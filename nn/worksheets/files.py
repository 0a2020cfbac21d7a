"""Writing a worksheet to a folder: every sheet, every key, roster.csv and key.json, each file in one step.

Everything is rendered in memory first, so a failure (a bad number, a full
disk) leaves no half-written file: each appears whole (`autograd.files.write_atomically`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from autograd.files import write_atomically
from autograd.i18n import language
from nn.worksheets.records import WorksheetRecord
from nn.worksheets.key import key_data, sheet_files
from nn.worksheets.page import sheet_html
from nn.worksheets.sheets import key_markdown, sheet_latex, sheet_markdown

ROSTER_COLUMNS = ("student", "name", "markdown", "latex", "html", "key")
"""The columns of roster.csv: the student's id and name, then the paths of their files."""


def spreadsheet_text(text: str) -> str:
    """A name for a CSV cell that a spreadsheet shows as text: one starting with = + - @ would run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_worksheet(worksheet: WorksheetRecord) -> dict[str, str]:
    """Every file of the worksheet as text, by path relative to the folder, in the worksheet's language."""
    with language(worksheet.lang):
        return _render(worksheet)


def _render(worksheet: WorksheetRecord) -> dict[str, str]:
    files: dict[str, str] = {}
    roster = io.StringIO()
    writer = csv.writer(roster, lineterminator="\n")
    writer.writerow(ROSTER_COLUMNS)
    for sheet in worksheet.students:
        paths = sheet_files(sheet.student)
        files[paths["markdown"]] = sheet_markdown(worksheet, sheet)
        files[paths["latex"]] = sheet_latex(worksheet, sheet)
        files[paths["html"]] = sheet_html(worksheet, sheet)
        files[paths["key"]] = key_markdown(worksheet, sheet)
        writer.writerow(
            [sheet.student, spreadsheet_text(sheet.name), *(paths[column] for column in ROSTER_COLUMNS[2:])]
        )
    files["roster.csv"] = roster.getvalue()
    files["key.json"] = json.dumps(key_data(worksheet), indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    return files


def save_worksheet(worksheet: WorksheetRecord, folder: Path) -> tuple[list[Path], list[Path]]:
    """Render, then write every file under `folder` (created with its subfolders); the paths written, and removed.

    Then the sheets and keys that an earlier run wrote there for students
    this worksheet does not have are removed (`earlier_run_files`): they
    would match no key in the new key.json, so handing one out is a mistake.
    """
    files = render_worksheet(worksheet)
    earlier = earlier_run_files(worksheet, folder)
    written = []
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, text.encode("utf-8"))
        written.append(target)
    for path in earlier:
        path.unlink(missing_ok=True)
    return written, earlier


_SHEET_NAME = re.compile(r"s\d+\.(?:md|tex|html)")
"""A file name that `sheet_files` gives a student (ids are s1, s2, … or s01, s02, …)."""


def earlier_run_files(worksheet: WorksheetRecord, folder: Path) -> list[Path]:
    """Files in `folder`'s sheets/ and keys/ named as this tool names a student's files, for students not in `worksheet`.

    Only those names: anything else there (a PDF compiled from a sheet, a
    teacher's notes) is left alone.
    """
    ours = {folder / relative for sheet in worksheet.students for relative in sheet_files(sheet.student).values()}
    found = []
    for subfolder in ("sheets", "keys"):
        directory = folder / subfolder
        if directory.is_dir():
            found += [
                path
                for path in sorted(directory.iterdir())
                if _SHEET_NAME.fullmatch(path.name) and path not in ours and path.is_file()
            ]
    return found

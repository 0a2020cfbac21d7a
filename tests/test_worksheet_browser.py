"""A student uses the HTML sheet in Chromium (Playwright, file://): types answers, sees the checks, saves a file that `grade` accepts.

Screenshots at 1400 px and 390 px go to /tmp/worksheet_shots/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import nn
from tests.worksheet_oracle import step as oracle_step

MAZUR = Path(__file__).resolve().parent / "worksheet_mazur_2_2_2.json"
SHOTS = Path("/tmp/worksheet_shots")


def test_a_student_fills_in_the_sheet_and_saves_answers_that_grade_accepts(chromium: Any, tmp_path: Path) -> None:
    sheets = nn.worksheet(MAZUR, students=2, seed=31, names=["Zoë <b>Ng</b>", "Ann"])
    sheets.save(tmp_path)
    sheet = sheets.students[0]
    numbers = oracle_step(sheet.spec)
    page = chromium.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: requests.append(request.url))
    page.goto((tmp_path / "sheets" / "s1.html").resolve().as_uri())
    assert page.text_content("#who") == "Student: Zoë <b>Ng</b> (s1)"
    assert page.locator("#who b").count() == 0

    wrong = {"delta[2]_1", "C'"}
    inputs = page.locator("#questions input")
    assert inputs.count() == len(sheet.questions) == 38
    for n, question in enumerate(sheet.questions):
        value = numbers[question.quantity] + (0.5 if question.quantity in wrong else 0.0)
        inputs.nth(n).fill(f"{value:.4f}")
        inputs.nth(n).press("Tab")
    inputs.nth(2).fill("0,5x")
    inputs.nth(2).press("Tab")
    states = page.eval_on_selector_all(
        "#questions tr", "rows => rows.map(r => [r.dataset.id, r.querySelector('td.check').dataset.state])"
    )
    expected = {q.id: ("wrong" if q.quantity in wrong else "right") for q in sheet.questions}
    expected[sheet.questions[2].id] = "unread"
    assert dict(states) == expected
    assert page.text_content("#summary") == "37 of 38 answered, 35 right"
    inputs.nth(2).fill(f"{numbers[sheet.questions[2].quantity]:.4f}".replace(".", ","))  # a decimal comma is read
    inputs.nth(2).press("Tab")
    assert page.text_content("#summary") == "38 of 38 answered, 36 right"

    page.reload()  # what was typed survives a reload
    assert page.text_content("#summary") == "38 of 38 answered, 36 right"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "sheet_1400.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("#export")
    download = download_info.value
    assert download.suggested_filename == "answers-s1.json"
    saved = tmp_path / "answers-s1.json"
    download.save_as(saved)
    assert json.loads(saved.read_text())["student"] == "s1"

    marks = nn.grade(tmp_path / "key.json", [saved])
    verdicts = {m.quantity: m.verdict for m in marks.marks}
    assert {q for q, v in verdicts.items() if v != "right"} == wrong
    assert marks.scores()["s1"] == (36.0, 38)

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "sheet_390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert errors == []
    assert all(url.startswith(("file:", "blob:", "data:")) for url in requests), requests
    page.close()

"""Worksheets and their grader, checked against an independent plain-float oracle (tests/worksheet_oracle.py)."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path
from typing import Any, Callable

import pytest

import nn
from nn.worksheets import Answers, AnswersError
from scalargrad.cli import main
from tests.worksheet_oracle import step as oracle_step

MAZUR = Path(__file__).resolve().parent / "worksheet_mazur_2_2_2.json"
"""Mazur's 2-2-2 network as a spec (a copy of the demo, so that renaming the demos leaves these tests alone)."""

MSE_TEMPLATE = {
    "name": "2-2-2 tanh/sigmoid with mse",
    "layers": [
        {
            "activation": "tanh",
            "weights": [["-1..1", "-1..1"], ["-1..1", "-1..1"]],
            "biases": ["-0.5..0.5", "-0.5..0.5"],
        },
        {
            "activation": "sigmoid",
            "weights": [["-1..1", "-1..1"], ["-1..1", "-1..1"]],
            "biases": ["-0.5..0.5", "-0.5..0.5"],
        },
    ],
    "input": ["0.1..1", "-1..-0.1"],
    "target": [0.1, 0.9],
    "loss": "mse",
    "learning_rate": 0.5,
}


@pytest.fixture(scope="module")
def mazur_class() -> nn.worksheets.Worksheet:
    return nn.worksheet(MAZUR, students=30, seed=2026)


@pytest.fixture(scope="module")
def mse_class() -> nn.worksheets.Worksheet:
    return nn.worksheet(MSE_TEMPLATE, students=30, seed=5)


def _independent_answers(sheet: Any, mistake: str | None = None) -> dict[str, float]:
    """The oracle's numbers for every question of a sheet, rounded as a student writes them."""
    numbers = oracle_step(sheet.spec, mistake)
    return {q.id: round(numbers[q.quantity], 4) for q in sheet.questions}


def _verdicts(worksheet: Any, sheet: Any, answers: dict[str, float]) -> dict[str, str]:
    marks = nn.grade(worksheet, [Answers(sheet.student, answers, "test")])
    return {m.quantity: m.verdict for m in marks.marks}


# ---------------------------------------------------------------- drawing


def test_thirty_sheets_are_distinct(mazur_class: Any) -> None:
    numbers = {json.dumps(s.spec, sort_keys=True) for s in mazur_class.students}
    assert len(numbers) == 30
    assert len({s.student for s in mazur_class.students}) == 30


def test_the_same_seed_gives_the_same_sheets_and_another_seed_others(mazur_class: Any, tmp_path: Path) -> None:
    again = nn.worksheet(MAZUR, students=30, seed=2026)
    assert [s.spec for s in again.students] == [s.spec for s in mazur_class.students]
    mazur_class.save(tmp_path / "a")
    again.save(tmp_path / "b")
    for path in (tmp_path / "a").rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes(), path
    other = nn.worksheet(MAZUR, students=30, seed=2027)
    assert all(a.spec != b.spec for a, b in zip(other.students, mazur_class.students))


def test_adding_students_keeps_the_first_sheets(mazur_class: Any) -> None:
    fewer = nn.worksheet(MAZUR, students=5, seed=2026)
    assert [s.spec for s in fewer.students] == [s.spec for s in mazur_class.students[:5]]


def test_drawn_numbers_are_rounded_and_in_range(mazur_class: Any) -> None:
    for sheet in mazur_class.students:
        for layer in sheet.spec["layers"]:
            for number in [w for row in layer["weights"] for w in row] + layer["biases"]:
                assert -1 <= number <= 1 and round(number, 2) == number
        assert all(0 <= x <= 1 and round(x, 2) == x for x in sheet.spec["input"])
        assert sheet.spec["target"] == [0.01, 0.99] and sheet.spec["loss"] == "half_sse"


def test_no_sheet_has_a_degenerate_draw(mazur_class: Any) -> None:
    relu_class = nn.worksheet(
        {**MSE_TEMPLATE, "layers": [{**MSE_TEMPLATE["layers"][0], "activation": "relu"}, MSE_TEMPLATE["layers"][1]]},
        students=30,
        seed=3,
    )
    for sheet in [*mazur_class.students, *relu_class.students]:
        numbers = oracle_step(sheet.spec)
        activations = [layer["activation"] for layer in sheet.spec["layers"]]
        for name, value in numbers.items():
            if name.startswith("z[") and activations[int(name[2]) - 1] == "relu":
                assert abs(value) >= 0.05, (sheet.student, name, value)
            if name.startswith(("delta", "dC/d")):
                assert abs(value) >= 5e-4, (sheet.student, name, value)  # shows at 4 decimals
        assert all(w != 0 for layer in sheet.spec["layers"] for row in layer["weights"] for w in row)


def test_an_impossible_template_says_what_to_change() -> None:
    dead = {
        **MSE_TEMPLATE,
        "layers": [
            {
                **MSE_TEMPLATE["layers"][0],
                "activation": "relu",
                "biases": [-5, -5],
                "weights": [["-0.1..0", "-0.1..0"], ["-0.1..0", "-0.1..0"]],
            },
            MSE_TEMPLATE["layers"][1],
        ],
    }
    with pytest.raises(ValueError, match="no usable numbers.*widen the template's ranges"):
        nn.worksheet(dead, students=1, seed=1)


# ---------------------------------------------------------------- the key


def test_key_holds_each_students_spec_and_the_answers_follow_from_it(mazur_class: Any, tmp_path: Path) -> None:
    mazur_class.save(tmp_path)
    key = json.loads((tmp_path / "key.json").read_text())
    assert key["schema"] == "scalargrad.worksheet-key/1"
    assert len(key["questions"]) == 30 * 38
    by_student = {entry["student"]: entry["spec"] for entry in key["students"]}
    for question in key["questions"]:
        assert set(question) == {"id", "student", "quantity", "answer", "tolerance"}
        expected = oracle_step(by_student[question["student"]])[question["quantity"]]
        assert question["answer"] == pytest.approx(expected, rel=1e-9, abs=1e-12)
        assert question["tolerance"] == max(5e-5, 0.005 * abs(question["answer"]))
    roster = (tmp_path / "roster.csv").read_text().splitlines()
    assert roster[0] == "student,name,markdown,latex,html,key"
    assert roster[1] == "s01,s01,sheets/s01.md,sheets/s01.tex,sheets/s01.html,keys/s01.md"
    assert "Worked derivation" in (tmp_path / "keys" / "s01.md").read_text()


def test_quantities_are_named_in_textbook_notation(mazur_class: Any) -> None:
    names = [q.quantity for q in mazur_class.students[0].questions]
    assert names[:5] == ["z[1]_1", "z[1]_2", "a[1]_1", "a[1]_2", "z[2]_1"]
    for name in ("C", "delta[2]_1", "dC/dw[1]_12", "dC/db[2]_2", "w[2]_21'", "b[1]_1'", "C'"):
        assert name in names


def test_ask_chooses_the_quantities() -> None:
    sheets = nn.worksheet(MAZUR, students=2, seed=1, ask="delta,loss_after")
    assert [q.quantity for q in sheets.students[0].questions] == [
        "delta[2]_1",
        "delta[2]_2",
        "delta[1]_1",
        "delta[1]_2",
        "C'",
    ]
    single = nn.worksheet(MAZUR, students=2, seed=1, ask="dC/dw[1]_12,C,delta[1]_2")
    assert [q.quantity for q in single.students[0].questions] == ["C", "delta[1]_2", "dC/dw[1]_12"]
    with pytest.raises(ValueError, match="unknown choice 'gradient'"):
        nn.worksheet(MAZUR, students=2, seed=1, ask="gradient")
    with pytest.raises(ValueError, match=r"the network has no quantity dC/dw\[3\]_11"):
        nn.worksheet(MAZUR, students=2, seed=1, ask="delta,dC/dw[3]_11")


# ---------------------------------------------------------------- grading


@pytest.mark.parametrize("class_name", ["mazur_class", "mse_class"])
def test_independent_answers_score_full_marks(class_name: str, request: pytest.FixtureRequest) -> None:
    worksheet = request.getfixturevalue(class_name)
    answers = [Answers(s.student, _independent_answers(s), "test") for s in worksheet.students]
    marks = nn.grade(worksheet, answers)
    assert {m.verdict for m in marks.marks} == {"right"}
    assert all(credit == count for credit, count in marks.scores().values())


INJECTED = [
    # (misconception, the quantity it is injected into, which class)
    ("missing_activation_derivative", "delta[2]_1", "mazur_class"),
    ("derivative_at_activation", "delta[2]_2", "mazur_class"),
    ("missed_path_sum", "delta[1]_1", "mazur_class"),
    ("update_sign", "w[2]_12'", "mazur_class"),
    ("bias_times_input", "dC/db[1]_2", "mazur_class"),
    ("mean_factor", "delta[2]_1", "mse_class"),
    ("updated_weights_in_backward", "delta[1]_2", "mazur_class"),
    ("layer_index", "dC/dw[2]_21", "mazur_class"),
]


@pytest.mark.parametrize(("misconception", "quantity", "class_name"), INJECTED)
def test_each_misconception_is_diagnosed_by_name(
    misconception: str, quantity: str, class_name: str, request: pytest.FixtureRequest
) -> None:
    worksheet = request.getfixturevalue(class_name)
    diagnosed = 0
    for sheet in worksheet.students:
        answers = _independent_answers(sheet)
        wrong = oracle_step(sheet.spec, misconception)[quantity]
        question = next(q for q in sheet.questions if q.quantity == quantity)
        if abs(wrong - question.answer) <= question.tolerance:
            continue  # this student's numbers hide the mistake: the answer counts as right
        answers[question.id] = round(wrong, 4)
        verdicts = _verdicts(worksheet, sheet, answers)
        assert verdicts[quantity] == misconception, (sheet.student, verdicts[quantity])
        assert [v for q, v in verdicts.items() if q != quantity] == ["right"] * (len(verdicts) - 1)
        diagnosed += 1
    assert diagnosed >= 25  # of 30 students


def test_feedback_states_the_right_rule(mazur_class: Any) -> None:
    sheet = mazur_class.students[0]
    answers = _independent_answers(sheet)
    question = next(q for q in sheet.questions if q.quantity == "w[1]_21'")
    answers[question.id] = round(oracle_step(sheet.spec, "update_sign")["w[1]_21'"], 4)
    marks = nn.grade(mazur_class, [Answers(sheet.student, answers, "test")])
    mark = next(m for m in marks.marks if m.question == question.id)
    assert mark.credit == 0
    assert mark.feedback == "update_sign: Gradient descent steps against the gradient: w' = w − α·∂C/∂w."


def test_an_error_carried_forward_gets_the_credit(mazur_class: Any) -> None:
    sheet = mazur_class.students[3]
    numbers = oracle_step(sheet.spec)
    ids = {q.quantity: q.id for q in sheet.questions}
    answers = _independent_answers(sheet)
    wrong_delta = numbers["delta[2]_1"] + 0.05
    answers[ids["delta[2]_1"]] = round(wrong_delta, 4)
    # the student goes on correctly from their wrong delta
    gradient = round(wrong_delta, 4) * numbers["a[1]_2"]
    answers[ids["dC/dw[2]_12"]] = round(gradient, 4)
    answers[ids["dC/db[2]_1"]] = round(wrong_delta, 4)
    answers[ids["w[2]_12'"]] = round(sheet.spec["layers"][1]["weights"][0][1] - 0.5 * round(gradient, 4), 4)
    marks = {m.quantity: m for m in nn.grade(mazur_class, [Answers(sheet.student, answers, "t")]).marks}
    assert marks["delta[2]_1"].credit == 0
    for quantity in ("dC/dw[2]_12", "dC/db[2]_1", "w[2]_12'"):
        assert marks[quantity].verdict == "carried_forward", quantity
        assert marks[quantity].credit == 1
        assert marks[quantity].feedback.startswith("carried_forward: right by the rule from your earlier")
    partial = nn.grade(mazur_class, [Answers(sheet.student, answers, "t")], carried_forward_credit=0.5)
    assert {m.credit for m in partial.marks if m.verdict == "carried_forward"} == {0.5}


def test_an_unexplained_wrong_answer_gets_the_rule(mazur_class: Any) -> None:
    sheet = mazur_class.students[1]
    answers = _independent_answers(sheet)
    first = sheet.questions[0]
    answers[first.id] = 123.0
    del answers[sheet.questions[1].id]
    marks = nn.grade(mazur_class, [Answers(sheet.student, answers, "t")]).marks
    assert (marks[0].verdict, marks[0].credit) == ("wrong", 0)
    assert "z[l]_k = Σ_j w[l]_kj·a[l−1]_j + b[l]_k" in marks[0].feedback
    assert (marks[1].verdict, marks[1].given) == ("unanswered", None)


def test_summary_names_the_questions_most_of_the_class_missed(mazur_class: Any) -> None:
    answers = []
    for sheet in mazur_class.students[:10]:
        numbers = _independent_answers(sheet)
        if sheet.student != "s01":
            wrong = oracle_step(sheet.spec, "missing_activation_derivative")["delta[2]_2"]
            numbers[next(q.id for q in sheet.questions if q.quantity == "delta[2]_2")] = round(wrong, 4)
        answers.append(Answers(sheet.student, numbers, "t"))
    summary = nn.grade(mazur_class, answers).summary()
    assert "delta[2]_2: 9/10  most often missing_activation_derivative  ← most of the class missed this" in summary
    assert "  s01: 38/38" in summary


# ---------------------------------------------------------------- expressions


def test_expression_sheets_grade_independent_answers_and_name_mistakes() -> None:
    sheets = nn.worksheet("tanh(x*w + b) * x", students=6, seed=9, variables={"x": "-2..2", "w": "-1..1", "b": 0.5})
    assert [q.quantity for q in sheets.students[0].questions] == [
        "v1",
        "v2",
        "v3",
        "L",
        "dL/dv3",
        "dL/dv2",
        "dL/db",
        "dL/dv1",
        "dL/dw",
        "dL/dx",
    ]
    for sheet in sheets.students:
        x, w, b = sheet.variables["x"], sheet.variables["w"], sheet.variables["b"]
        t = math.tanh(x * w + b)
        right = {
            "v1": x * w,
            "v2": x * w + b,
            "v3": t,
            "L": t * x,
            "dL/dv3": x,
            "dL/dv2": x * (1 - t * t),
            "dL/db": x * (1 - t * t),
            "dL/dv1": x * (1 - t * t),
            "dL/dw": x * (1 - t * t) * x,
            "dL/dx": x * (1 - t * t) * w + t,
        }
        answers = {q.id: round(right[q.quantity], 4) for q in sheet.questions}
        assert {m.verdict for m in nn.grade(sheets, [Answers(sheet.student, answers, "t")]).marks} == {"right"}
        ids = {q.quantity: q.id for q in sheet.questions}
        answers[ids["dL/dx"]] = round(t, 4)  # only the path through L = v3·x
        answers[ids["dL/dv2"]] = round(x, 4)  # tanh's derivative left out
        verdicts = _verdicts(sheets, sheet, answers)
        assert verdicts["dL/dx"] in ("missed_path_sum", "carried_forward") or abs(t - right["dL/dx"]) < 1e-3
        assert verdicts["dL/dv2"] == "missing_activation_derivative"


# ---------------------------------------------------------------- answer files


def _student_of(worksheet: Any) -> dict[str, str]:
    return {q.id: s.student for s in worksheet.students for q in s.questions}


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.json", '{"student": "s01", "answers": {"s01-q01": 0.5,}}', r"a\.json: not valid JSON: .* at line 1"),
        ("a.json", '{"student": "s01"}', r"a\.json: key 'answers': expected an object"),
        ("a.json", '{"student": 7, "answers": {}}', r"a\.json: key 'student': expected the student id"),
        ("a.json", '{"student": "s99", "answers": {}}', r"a\.json: key 'student': 's99' is not a student"),
        (
            "a.json",
            '{"student": "s01", "answers": {"s01-q01": "0.5"}}',
            r'a\.json: key answers\["s01-q01"\]: expected a number',
        ),
        (
            "a.json",
            '{"student": "s01", "answers": {"s02-q01": 0.5}}',
            r'key answers\["s02-q01"\]: the question belongs to s02',
        ),
        ("a.json", '{"student": "s01", "answers": {"nope": 0.5}}', r'key answers\["nope"\]: unknown question id'),
        (  # a student's words come back as they wrote them, not as \u escapes
            "a.json",
            '{"student": "s01", "answers": {"s01-q01": "零点五"}}',
            r'key answers\["s01-q01"\]: expected a number, got "零点五"',
        ),
        ("a.json", '{"student": "s01", "answers": {"第一题": 0.5}}', r'key answers\["第一题"\]: unknown question id'),
        ("a.json", '{"student": "s01", "answers": {}, "extra": 1}', r"key 'extra': unknown"),
        ("a.csv", "question_id,answer\ns01-q01,0.5\ns01-q02,zero\n", r"a\.csv: line 3: 'zero' is not a number"),
        ("a.csv", "s01-q01,0.5,7\n", r"a\.csv: line 1: expected two columns"),
        ("a.csv", "s01-q01,0.5\ns01-q01,0.6\n", r"a\.csv: line 2: question 's01-q01' is answered twice"),
        ("a.csv", "s01-q01,0.5\ns02-q01,0.6\n", r"answers of several students \(s01, s02\)"),
        ("a.csv", "s01-q01,nan\n", r"line 1: expected a finite number"),
    ],
)
def test_malformed_answer_files_are_refused(
    name: str, text: str, message: str, mazur_class: Any, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(AnswersError, match=message):
        nn.grade(mazur_class, [path])


def test_a_second_answers_file_of_one_student_is_refused(mazur_class: Any, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.csv"
    first.write_text('{"student": "s01", "answers": {"s01-q01": 0.5}}')
    second.write_text("s01-q02,0.5\n")
    with pytest.raises(AnswersError, match=r"b\.csv: a second answers file of s01 \(the first is .*a\.json\)"):
        nn.grade(mazur_class, [first, second])


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("{", "not valid JSON"),
        ('{"schema": "other"}', "schema: expected 'scalargrad.worksheet-key/1'"),
        (
            '{"schema": "scalargrad.worksheet-key/1", "questions": [{"id": "q"}], "students": []}',
            "questions\\[0\\]: missing key",
        ),
        ('{"schema": "scalargrad.worksheet-key/1", "questions": []}', "students: expected a list"),
        (
            '{"schema": "scalargrad.worksheet-key/1", "questions": [], "students": [{"student": "s1", "spec": {}}]}',
            "students\\[0\\].spec: \\(top level\\)|students\\[0\\].spec: layers: missing key",
        ),
    ],
)
def test_a_bad_key_is_refused(key: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "key.json").write_text(key)
    (tmp_path / "a.csv").write_text("q,1\n")
    assert main(["grade", str(tmp_path / "key.json"), str(tmp_path / "a.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"scalargrad: error: {tmp_path / 'key.json'}: not a worksheet key") or "not valid JSON" in err
    assert re.search(message, err), err


def test_roster_names_cannot_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    nn.worksheet(MAZUR, students=2, seed=1, names=["=HYPERLINK(1)", "Ann"]).save(tmp_path)
    rows = list(csv.reader((tmp_path / "roster.csv").read_text().splitlines()))
    assert rows[1][1] == "'=HYPERLINK(1)" and rows[2][1] == "Ann"


def test_csv_answers_are_read(mazur_class: Any, tmp_path: Path) -> None:
    sheet = mazur_class.students[2]
    answers = _independent_answers(sheet)
    path = tmp_path / "s03.csv"
    path.write_text("question_id,answer\n" + "".join(f"{q},{v}\n" for q, v in answers.items()))
    marks = nn.grade(mazur_class, [path])
    assert marks.scores() == {"s03": (38.0, 38)}
    assert "no answers file from: s01, s02, s04," in marks.summary()


# ---------------------------------------------------------------- the command line


def test_cli_makes_sheets_and_grades_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "class"
    assert main(["worksheet", str(MAZUR), "--students", "3", "--seed", "11", "-o", str(folder)]) == 0
    key = json.loads((folder / "key.json").read_text())
    files = []
    for entry in key["students"]:
        answers = {
            q["id"]: round(oracle_step(entry["spec"])[q["quantity"]], 4)
            for q in key["questions"]
            if q["student"] == entry["student"]
        }
        path = tmp_path / f"{entry['student']}.json"
        path.write_text(json.dumps({"student": entry["student"], "answers": answers}))
        files.append(str(path))
    capsys.readouterr()
    assert main(["grade", str(folder / "key.json"), *files]) == 0
    out = capsys.readouterr().out
    assert "s1: 38/38" in out and "no question was missed" in out
    marks = (folder / "marks.csv").read_text().splitlines()
    assert marks[0] == "student,question,quantity,given,expected,correct,feedback"
    assert len(marks) == 1 + 3 * 38


def test_a_batch_template_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = {**json.loads(MAZUR.read_text()), "inputs": [[0.1, 0.2], [0.3, 0.4]], "targets": [[0, 1], [1, 0]]}
    del batch["input"], batch["target"]
    (tmp_path / "batch.json").write_text(json.dumps(batch))
    assert (
        main(["worksheet", str(tmp_path / "batch.json"), "--students", "2", "--seed", "1", "-o", str(tmp_path / "o")])
        == 2
    )
    assert "inputs: a worksheet asks about one example" in capsys.readouterr().err


def test_a_students_spec_in_the_key_recomputes_with_derive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nn.worksheet(MAZUR, students=2, seed=3, ask="update").save(tmp_path)
    key = json.loads((tmp_path / "key.json").read_text())
    spec = tmp_path / "s2.spec"  # any file name: a template that names a file is read as a spec
    spec.write_text(json.dumps(key["students"][1]["spec"]))
    capsys.readouterr()
    assert main(["derive", str(spec), "--format", "json"]) == 0
    derived = json.loads(capsys.readouterr().out)["steps"][0]["updated_weights"]
    asked = {q["quantity"]: q["answer"] for q in key["questions"] if q["student"] == "s2"}
    assert asked["w[2]_12'"] == derived[1][0][1] and asked["w[1]_21'"] == derived[0][1][0]
    again = nn.worksheet(str(spec), students=1, seed=3)
    assert again.kind == "network"


def test_a_smaller_class_in_the_same_folder_removes_the_earlier_students_sheets_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "class"
    assert main(["worksheet", str(MAZUR), "--students", "12", "--seed", "1", "-o", str(folder)]) == 0
    (folder / "sheets" / "s11.pdf").write_text("compiled by the teacher")  # not a name this tool writes
    (folder / "keys" / "notes.md").write_text("the teacher's notes")
    capsys.readouterr()
    assert main(["worksheet", str(MAZUR), "--students", "3", "--seed", "2", "-o", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "removed 48 sheets and keys that an earlier run wrote for students not in this one (s01 … s12)" in out
    # 12 students need two digits (s01…s12), 3 need one (s1…s3): every sheet of the first run is gone.
    assert sorted(p.name for p in (folder / "sheets").iterdir()) == sorted(
        [f"s{n}.{kind}" for n in (1, 2, 3) for kind in ("md", "tex", "html")] + ["s11.pdf"]
    )
    assert sorted(p.name for p in (folder / "keys").iterdir()) == ["notes.md", "s1.md", "s2.md", "s3.md"]
    key = json.loads((folder / "key.json").read_text())
    assert [entry["student"] for entry in key["students"]] == ["s1", "s2", "s3"]


def test_saving_the_same_class_again_removes_nothing(tmp_path: Path) -> None:
    sheets = nn.worksheet(MAZUR, students=4, seed=5)
    first = sorted(sheets.save(tmp_path))
    assert sorted(sheets.save(tmp_path)) == first
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == first


def test_cli_refuses_a_malformed_answers_file_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "class"
    assert main(["worksheet", str(MAZUR), "--students", "2", "--seed", "1", "-o", str(folder)]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("s1-q01,0.1\ns1-q02,\n")
    capsys.readouterr()
    assert main(["grade", str(folder / "key.json"), str(bad)]) == 2
    assert capsys.readouterr().err.strip() == f"scalargrad: error: {bad}: line 2: '' is not a number"
    assert not (folder / "marks.csv").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x*y", "--var", "x=1", "--var", "y=2"], "give at least one a range"),
        (["x*y", "--var", "x=-1..1"], "undefined variable 'y'"),
        (["x*y", "--var", "x=2..1", "--var", "y=1"], "a range needs finite LOW < HIGH"),
        (["x*y", "--var", "x=1..2", "--var", "y=1", "--ask", "v9"], "'v9' names no node of 'x*y'"),
        (["log(x)", "--var", "x=-2..-1"], "cannot be evaluated at numbers drawn from its ranges"),
        (["x*", "--var", "x=-2..-1"], "(at column 3)"),
        ([str(MAZUR), "--ask", "forward,nothing"], "unknown choice 'nothing'"),
        ([str(MAZUR), "--var", "x=1..2"], "--var is for an expression"),
    ],
)
def test_cli_refuses_bad_worksheet_arguments(
    arguments: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["worksheet", *arguments, "--students", "2", "--seed", "1", "-o", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_first_draw_outside_the_domain_is_drawn_again_in_any_language(lang: str, tmp_path: Path) -> None:
    """x from [-1, 0.1]: the first probe draws x = -0.07, where log is undefined, and later ones land above 0.

    Whether to draw again must not depend on the words of the message, which are Chinese under --lang zh.
    """
    folder = tmp_path / "out"
    assert main(["worksheet", "log(x)", "--var", "x=-1..0.1", "--students", "2", "--seed", "1",
                 "-o", str(folder), "--lang", lang]) == 0
    answers = json.loads((folder / "key.json").read_text())
    assert answers


# ---------------------------------------------------------------- rendering and inert user text

HOSTILE = r"Zoë </script><script>alert(1)</script> \input{/etc/passwd} $x$ & 100% #1 _a_ ^~ `code` [l](j:x)"


def test_user_text_stays_inert_in_every_format(tmp_path: Path, compile_latex: Callable[[str], None]) -> None:
    sheets = nn.worksheet(MAZUR, students=2, seed=4, names=[HOSTILE, "Ann"], title=HOSTILE)
    files = {path.relative_to(tmp_path).as_posix(): path.read_text() for path in sheets.save(tmp_path)}
    html = files["sheets/s1.html"]
    assert "<script>alert" not in html and "</script><script>" not in html
    assert html.count("</script>") == 2  # the data element and the page's own script
    latex = files["sheets/s1.tex"]
    assert r"\input{/etc" not in latex and r"\textbackslash{}input\{/etc/passwd\}" in latex
    compile_latex(latex)
    markdown = files["sheets/s1.md"]
    assert "<script>" not in markdown and r"\[l\]\(j:x\)" in markdown


def test_latex_sheets_compile(compile_latex: Callable[[str], None]) -> None:
    from nn.worksheets.sheets import sheet_latex

    network = nn.worksheet(MAZUR, students=1, seed=2)
    compile_latex(sheet_latex(network, network.students[0]))
    expression = nn.worksheet(
        "sigmoid(x*w) + sqrt(x*x + 1)", students=1, seed=2, variables={"x": "-2..2", "w": "0.5..1"}
    )
    compile_latex(sheet_latex(expression, expression.students[0]))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_latex_sheet_sets_the_notation_as_math(lang: str) -> None:
    from nn.worksheets.sheets import sheet_latex

    network = nn.worksheet(MAZUR, students=1, seed=2, lang=lang)
    latex = sheet_latex(network, network.students[0])
    assert "δ[l]" not in latex and "w[l]_kj" not in latex and "z[l]" not in latex
    for math in (r"\delta^{[{l}]}_{k}", r"\frac{\partial {C}}{\partial {z^{[{l}]}_{k}}}", r"{w^{[{l}]}_{kj}}"):
        assert math in latex


def test_a_page_without_checks_holds_no_answers() -> None:
    from nn.worksheets.page import sheet_html

    with_checks = nn.worksheet(MAZUR, students=1, seed=2)
    without = nn.worksheet(MAZUR, students=1, seed=2, checks=False)
    answer = repr(with_checks.students[0].questions[4].answer)
    assert answer in sheet_html(with_checks, with_checks.students[0])
    page = sheet_html(without, without.students[0])
    assert answer not in page and '"answer"' not in page and '"checks":false' in page


def test_the_docstring_example_runs() -> None:
    import doctest

    import nn.worksheets.classroom

    assert doctest.testmod(nn.worksheets.classroom).failed == 0

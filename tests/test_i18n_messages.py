"""简体中文 in every message a lesson page, the parser, the engine, the plots and the command line can show.

The lesson page is driven in Chromium into each state its script has words
for (a value outside an operation's domain, a division by zero, an update whose
new pass fails, training, practice, each error of ``window.scalargrad``), and
every text it then shows — visible text, aria labels, titles, placeholders,
the chart, the errors it throws — is held to the no-English-prose rule of
`test_i18n.english_words`. The expected numbers in the messages are worked out
by hand from the inputs (log(2·(−1)) = log(−2); w ← 1 − 2·(1/1 + 1) = −3).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import autograd
from autograd import Value, scalar
from autograd.i18n import language
from autograd.parser.expression import ParseError, parse_expression
from autograd.views.plot import line_plot
from nn.teaching.lesson import lesson as nn_lesson
from nn.teaching.spec import load_spec
from scalargrad.cli import main
from test_i18n import SEED001, english_words

# Every text of the page a reader can meet: text nodes outside scripts and styles (the drawing's and the chart's too),
# and the attributes that a screen reader or a tooltip shows. Closed <details> are opened first.
PAGE_TEXTS = """() => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('script, style, noscript')) continue;
    if (node.textContent.trim()) texts.push(node.textContent.trim());
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
    for (const name of ['aria-label', 'title', 'placeholder']) if (el.getAttribute(name)) texts.push(el.getAttribute(name));
  }
  texts.push(document.title);
  return texts;
}"""

# Each error of the page's API, caught: the message it throws.
API_ERRORS = """() => {
  const caught = (call) => { try { call(); return null; } catch (error) { return error.message; } };
  const api = window.scalargrad;
  return [
    caught(() => api.set('nobody', 1)),
    caught(() => api.set('x', Infinity)),
    caught(() => api.go(10000)),
    caught(() => api.trainingStep(0)),
    caught(() => api.train(0, 0.1)),
    caught(() => api.train(3, -1)),
  ];
}"""


class ChinesePage:
    """A lesson page opened from file:// with the errors it reports."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.goto(path.resolve().as_uri())

    def api(self, call: str, *arguments: Any) -> Any:
        return self.page.evaluate(f"(args) => window.scalargrad.{call}(...args)", list(arguments))

    def texts(self) -> list[str]:
        return list(self.page.evaluate(PAGE_TEXTS))


@pytest.fixture
def open_page(chromium: Any, tmp_path: Path) -> Iterator[Any]:
    pages: list[ChinesePage] = []

    def opener(lesson_page: Any) -> ChinesePage:
        path = tmp_path / f"page{len(pages)}.html"
        lesson_page.save(path)
        pages.append(ChinesePage(chromium, path))
        return pages[-1]

    yield opener
    for page in pages:
        assert page.errors == [], page.errors
        page.context.close()


def assert_chinese(texts: list[str], labels: set[str]) -> None:
    for text in texts:
        assert english_words(text, labels) == [], text


def node_labels(lesson_page: Any) -> set[str]:
    return {node["label"] for node in lesson_page.data["nodes"]} | {"English"}  # the toggle names the other language


# ---------------------------------------------------------------- the lesson page in Chromium


def test_every_state_of_a_chinese_live_lesson_speaks_chinese(open_page: Any) -> None:
    x, w = Value(2.0, name="x"), Value(1.0, name="w")
    lesson_page = autograd.lesson((x * w).log() + w, learning_rate=0.1, lang="zh")
    labels = node_labels(lesson_page)
    page = open_page(lesson_page)
    assert_chinese(page.texts(), labels)

    assert page.api("set", "x", -2.0) is False  # log(x·w) = log(−2)
    problem = page.api("problem")
    assert "log 只对正数有定义，这里是 -2" in problem and problem.startswith("在节点")
    assert page.page.text_content("#lab-problem") == problem
    assert_chinese([problem, *page.texts()], labels)

    page.api("set", "x", 2.0)
    assert page.api("set", "α", 2.0) is True  # ∂/∂w = x/(x·w) + 1 = 2: w ← 1 − 2·2 = −3, log(2·(−3)) after the update
    after = page.api("problem")
    assert after.startswith("更新之后") and "这里是 -6" in after
    page.api("go", len(lesson_page.steps) - 1)
    assert "无定义" in page.page.text_content("#equation")
    assert_chinese([after, *page.texts()], labels)

    page.api("set", "α", 0.1)
    # By hand: L = log(2w) + w, w ← w − 0.1·(1/w + 1) from w = 1; w goes below 0 at step 4, where log fails.
    weights = [1.0]
    while weights[-1] > 0:
        weights.append(weights[-1] - 0.1 * (1.0 / weights[-1] + 1.0))
    assert len(weights) == 5
    assert page.api("train", 4, 0.1) == pytest.approx([math.log(2.0 * v) + v for v in weights[:4]], rel=1e-12)
    summary = page.page.text_content("#train-summary")
    assert summary.startswith("α = 0.1：第 4 步的前向传播失败，在节点 ") and f"这里是 {2.0 * weights[4]:.6g}" in summary
    assert_chinese([summary], labels)
    page.api("compare", 2, 0.1, 0.05)
    summary = page.page.text_content("#train-summary")
    assert "点击一个点" in summary
    chart = page.page.evaluate("() => [...document.querySelectorAll('#train-chart text, #train-chart title')].map((t) => t.textContent)")
    assert any("损失" in text for text in chart)
    assert_chinese([summary, *chart, *page.texts()], labels)

    errors = page.page.evaluate(API_ERRORS)
    assert errors[0] == '没有名为 "nobody" 的可编辑叶节点；leaves() 会列出它们'
    assert errors[1] == "set(name, number) 需要一个有限的数，这里是 inf"
    assert errors[2] == f"步数必须是 0 到 {len(lesson_page.steps) - 1} 之间的整数"
    assert errors[3] is None  # a training run exists: step 0 opens
    assert errors[4] == "步数必须是 1 到 100000 之间的整数，这里是 0"
    assert errors[5] == "学习率必须是 >= 0 的数，这里是 -1"
    assert_chinese([error for error in errors if error is not None], labels)

    page.api("reset")
    page.api("practise", True)
    page.api("go", 3)
    assert page.api("answer", "123456") is False
    feedback = page.page.text_content("#practice-feedback")
    assert feedback.startswith("还不对")
    assert_chinese([feedback, *page.texts()], labels)


def test_a_chinese_network_lesson_speaks_chinese_while_training_and_practising(open_page: Any) -> None:
    spec = load_spec(SEED001)
    lesson_page = nn_lesson(spec.model(), spec.inputs, spec.targets, spec.loss, spec.learning_rate, lang="zh")
    labels = node_labels(lesson_page)
    page = open_page(lesson_page)
    losses = page.api("train", 3, spec.learning_rate)
    recorded = lesson_page.data["network"]["steps"][0]  # nn.derive's textbook formulas, not the page's generated code
    assert len(losses) == 4
    assert losses[:2] == pytest.approx([recorded["loss"], recorded["loss_after"]], rel=1e-12)
    page.api("trainingStep", 2)
    page.api("practise", True)
    page.api("go", len(lesson_page.steps) - 3)
    page.api("answer", "123456")
    page.api("set", "w[1]_11", 0.25)
    texts = page.texts()
    assert any("点击一个点" in text for text in texts)
    assert_chinese(texts, labels)


def test_a_division_by_zero_and_the_errors_of_a_page_without_parameters_in_chinese(open_page: Any) -> None:
    x, y = Value(2.0, name="x"), Value(3.0, name="y")
    lesson_page = autograd.lesson(y / (x + 1.0), lang="zh")
    page = open_page(lesson_page)
    assert page.api("set", "x", -1.0) is False
    problem = page.api("problem")
    assert "除以零" in problem and "inf" in problem
    errors = page.page.evaluate("""() => {
      const caught = (call) => { try { call(); return null; } catch (error) { return error.message; } };
      return [caught(() => window.scalargrad.train(3, 0.1)), caught(() => window.scalargrad.trainingStep(0))];
    }""")
    assert errors[0].startswith("这个课程演示没有可训练的参数")
    assert errors[1] == "还没有训练过：请先调用 train(steps, learningRate)"
    page.page.click("#lab-train summary")
    page.page.click("#train-run")
    assert page.page.text_content("#train-summary") == errors[0]
    assert_chinese([problem, *errors, *page.texts()], node_labels(lesson_page))


def test_the_language_toggle_says_the_problem_the_lab_and_the_chart_again(open_page: Any) -> None:
    x, w = Value(2.0, name="x"), Value(1.0, name="w")
    lesson_page = autograd.lesson((x * w).log() + w, learning_rate=0.1, lang=("zh", "en"))
    page = open_page(lesson_page)
    page.api("set", "x", -2.0)
    page.api("train", 3, 0.1)  # the pass at x = −2 fails: the run stops at step 0
    lab = "() => [...document.querySelectorAll('#lab-fields label small')].map((s) => s.textContent)"
    assert "log 只对正数有定义" in page.page.text_content("#lab-problem")
    assert set(page.page.evaluate(lab)) == {"输入", "参数", "学习率"}
    page.page.click("#language")
    assert page.page.text_content("#lab-problem").startswith("At node ")
    assert "log is defined only for positive numbers, got -2" in page.page.text_content("#lab-problem")
    assert set(page.page.evaluate(lab)) == {"input", "parameter", "learning rate"}
    assert "Click a point" in page.page.text_content("#train-summary")
    assert page.page.get_attribute("#lab-fields input[type=number]", "aria-label").endswith("(input)")
    page.page.click("#language")
    assert "log 只对正数有定义" in page.page.text_content("#lab-problem")
    assert "点击一个点" in page.page.text_content("#train-summary")
    assert_chinese(page.texts(), node_labels(lesson_page))


# ---------------------------------------------------------------- the parser and the engine


@pytest.mark.parametrize(
    "expression",
    ["x + $", "x ^ 2", "x +", "(x + 1", "x + 1)", "f(x)", "tanh(x, 2)", "leaky_relu(x, 1, 2)", "clamp(x, 1)",
     "leaky_relu(x, x)", "clamp(x, x, 1)", "tanh + 1", "2x", "", "q * x", "softmax(x, x)", "softmax(x, x)[5]",
     "softmax(x, x)[0", "sum()", "log(x - 5)", "1 / (x - 2)", "(0 - 8) ** 0.5", "sqrt(0 - x)", "exp(x * 1000)",
     "(0 - x) ** x", "0 ** (0 - 1)", "1e999", "10.0 ** 400"],
)
def test_every_parser_error_is_chinese_and_points_at_its_column(expression: str) -> None:
    with language("zh"), pytest.raises(ParseError) as caught:
        parse_expression(expression, {"x": 2.0})
    message = str(caught.value)
    assert re.search(r"（在第 \d+ 列）$", message), message
    assert english_words(message) == [], message


def test_a_name_that_is_no_variable_is_refused_in_chinese() -> None:
    with language("zh"), pytest.raises(ValueError) as caught:
        parse_expression("x", {"1x": 2.0})
    assert str(caught.value).startswith("'1x' 不是变量名") and english_words(str(caught.value)) == []


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda: Value(-1.0).log(), "log 只对正数有定义，这里是 -1.0"),
        (lambda: Value(-4.0).sqrt(), "sqrt 只对 >= 0 的数有定义，这里是 -4.0"),
        (lambda: Value(800.0).exp(), "exp(800.0) 超出了浮点数的范围"),
        (lambda: Value(-8.0) ** 0.5, "-8.0 ** 0.5 不是实数"),
        (lambda: Value(0.0) ** -1.0, "0 ** -1.0 是除以零"),
        (lambda: Value(-2.0) ** Value(2.0), "指数是 Value 时底数必须为正，这里底数是 -2.0"),
        (lambda: Value(1.0) / 0.0, "除以零：1.0 / 0"),
        (lambda: Value(float("inf")).sin(), "sin(inf) 无定义"),
        (lambda: scalar.logsumexp([]), "logsumexp 至少需要一个值"),
    ],
)
def test_the_engines_domain_errors_are_chinese_in_a_chinese_block_and_english_outside(build: Any, words: str) -> None:
    with language("zh"), pytest.raises((ValueError, ArithmeticError)) as chinese:
        build()
    assert words in str(chinese.value) and english_words(str(chinese.value)) == [], str(chinese.value)
    with language("en"), pytest.raises((ValueError, ArithmeticError)) as english:
        build()
    assert not re.search(r"[\u4e00-\u9fff]", str(english.value))


def test_an_undefined_derivative_is_chinese() -> None:
    root = Value(0.0, name="x").sqrt()
    with language("zh"), pytest.raises(ArithmeticError) as caught:
        root.backward()
    assert str(caught.value).startswith("'sqrt' 在 (0.0) 处的导数无定义或为无穷大：除以零")
    assert english_words(str(caught.value)) == []


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["graph", "log(x)", "--var", "x=-1"], "log 只对正数有定义"),
        (["graph", "sqrt(x)", "--var", "x=0"], "导数无定义或为无穷大"),
        (["graph", "x/y", "--var", "x=1", "--var", "y=0"], "除以零"),
        (["graph", "x ^ 2", "--var", "x=1"], "乘方请写 **"),
        (["graph", "x*y", "--var", "x=1"], "未定义的变量 'y'"),
        (["graph", "x*x*x*x", "--var", "x=2", "--max-nodes", "2"], "这么大的图没法看清"),
        (["lesson", "log(x)", "--var", "x=-1"], "log 只对正数有定义"),
        (["lesson", "x*w", "--var", "x=1", "--var", "w=2", "--max-nodes", "2"], "超过 max_nodes=2"),
        (["lesson", "x*y", "--var", "x=1", "--var", "y=2", "--learning-rate", "0.1"], "没有可更新的参数"),
        (["descend", "log(x)", "--var", "x=-1", "--lr", "0.1"], "log 只对正数有定义"),
        (["worksheet", "tanh(x*w", "--var", "x=-1..1", "--var", "w=1", "--students", "2", "--seed", "1"], "没有闭合"),
    ],
)
def test_an_engine_or_parser_error_from_the_command_line_is_one_chinese_message_with_exit_code_2(
    arguments: list[str], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = {"graph": "g.svg", "lesson": "l.html", "descend": None, "worksheet": "class"}[arguments[0]]
    extra = [] if output is None else ["-o", str(tmp_path / output)]
    assert main([*arguments, *extra, "--lang", "zh"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("scalargrad：错误：") and words in error and "Traceback" not in error, error
    message = error.splitlines()[0].removeprefix("scalargrad：错误：")
    assert english_words(message, {"EXPR", arguments[1]}) == [], error
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_lesson_with_two_languages_writes_the_page_with_a_toggle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "both.html"
    arguments = ["lesson", "x*w + b", "--var", "x=2", "--var", "w=-3", "--var", "b=1", "--learning-rate", "0.1", "-o", str(path)]
    assert main([*arguments, "--lang", "zh,en"]) == 0
    assert "已写出" in capsys.readouterr().out  # the messages are in the first language
    data = json.loads(re.search(r'id="lesson-data">(.*?)</script>', path.read_text(encoding="utf-8"), re.S)[1])  # type: ignore[index]
    assert data["lang"] == "zh" and set(data["translations"]) == {"zh", "en"}
    assert data["translations"]["en"]["title"] == data["translations"]["zh"]["title"] == "L = x*w + b"
    assert main([*arguments, "--lang=en,zh"]) == 0
    english_first = json.loads(re.search(r'id="lesson-data">(.*?)</script>', path.read_text(encoding="utf-8"), re.S)[1])  # type: ignore[index]
    assert english_first["lang"] == "en" and set(english_first["translations"]) == {"zh", "en"}
    assert main([*arguments, "--lang", "zh"]) == 0
    one = json.loads(re.search(r'id="lesson-data">(.*?)</script>', path.read_text(encoding="utf-8"), re.S)[1])  # type: ignore[index]
    assert one["lang"] == "zh" and one["translations"] == {}


@pytest.mark.parametrize("command", [["graph", "x*x", "--var", "x=1", "-o", "g.svg"], ["derive", "SPEC"], ["descend", "x*x", "--var", "x=1", "--lr", "0.1"]])
def test_two_languages_for_an_output_that_is_no_page_exit_2_naming_lang(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = Path(__file__).resolve().parent / "i18n_seed001_two_hidden_layers.json"
    command = [str(spec) if part == "SPEC" else str(tmp_path / part) if part == "g.svg" else part for part in command]
    assert main([*command, "--lang", "zh,en"]) == 2
    chinese = capsys.readouterr().err
    assert chinese.startswith("scalargrad：错误：--lang zh,en：") and "例如 --lang zh" in chinese
    assert english_words(chinese.removeprefix("scalargrad：错误："), {command[0]}) == []
    assert main([*command, "--lang", "en,zh"]) == 2
    english = capsys.readouterr().err
    assert english.startswith(f"scalargrad: error: --lang en,zh: scalargrad {command[0]} writes one language")
    assert "e.g. --lang en" in english
    assert not list(tmp_path.iterdir())


def test_a_language_that_is_not_one_is_refused_in_a_list_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lesson", "x", "--var", "x=1", "-o", "x.html", "--lang", "zh,fr"]) == 2
    assert "--lang must be one of 'en', 'zh'" in capsys.readouterr().err


# ---------------------------------------------------------------- plots


def test_a_chinese_plot_says_log_scale_and_divergence_in_chinese() -> None:
    with language("zh"):
        picture = line_plot([("α = 2", [1.0, 100.0, 1e6, float("inf")])], title="损失", x_label="步", y_label="C")
    labels = re.findall(r'label="([^"]*)"', picture.source)
    assert "C（对数坐标）" in labels and "第 2 步之后发散" in labels
    assert english_words(" ".join(labels)) == []
    english = line_plot([("α = 2", [1.0, 100.0, 1e6, float("inf")])], title="loss", x_label="step", y_label="C")
    assert 'label="C (log scale)"' in english.source and 'label="diverged after step 2"' in english.source


# ---------------------------------------------------------------- explain's data


def _strings(data: object, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, f"{path}[{index}]")


def test_every_text_of_a_chinese_explains_data_is_chinese_except_its_enumerations() -> None:
    from autograd.views.explain import explain
    from test_i18n import neuron_graph

    derivation = explain(neuron_graph(), lang="zh")
    texts = [(path, text) for path, text in _strings(derivation.to_dict()) if not path.endswith((".kind", ".schema"))]
    assert any("∂" in text for _, text in texts)
    assert [(path, text) for path, text in texts if english_words(text, set(derivation.gradients))] == []


# ---------------------------------------------------------------- a worksheet page in Chromium


def test_a_chinese_worksheet_page_speaks_chinese_in_every_state_of_its_checks(chromium: Any, tmp_path: Path) -> None:
    from nn.worksheets.files import render_worksheet
    from test_i18n import SPEC_WORDS, chinese_class

    worksheet = chinese_class()
    files = render_worksheet(worksheet)
    pages = [path for path in files if path.startswith("sheets/") and path.endswith(".html")]
    assert pages
    path = tmp_path / "sheet.html"
    path.write_text(files[pages[0]], encoding="utf-8")
    page = ChinesePage(chromium, path)
    try:
        questions = worksheet.students[0].questions
        inputs = page.page.locator("#questions input")
        inputs.nth(0).fill(repr(questions[0].answer))  # right
        inputs.nth(0).dispatch_event("change")
        inputs.nth(1).fill("123456")  # wrong
        inputs.nth(1).dispatch_event("change")
        inputs.nth(2).fill("abc")  # not a number
        inputs.nth(2).dispatch_event("change")
        checks = page.page.evaluate("() => [...document.querySelectorAll('#questions td.check')].slice(0, 3).map((c) => c.textContent)")
        assert checks[0].startswith("✓") and checks[1].startswith("✗") and checks[2]
        ids = {question.id for question in questions} | SPEC_WORDS | {"abc"}
        assert_chinese([*checks, *page.texts()], ids)
        assert page.errors == []
    finally:
        page.context.close()

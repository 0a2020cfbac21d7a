"""Live lesson pages in Chromium: edit any leaf and every number follows; train; practise; window.scalargrad.

Oracle: the Python engine on the same numbers — the graph is built again with
the edited leaves, ``backward()`` is called, and every node's ``.data`` and
``.grad`` is compared with the page's ``scalargrad.state()`` (1e-12 relative).
Textbook numbers for training: gradient descent on f = x² from x = 1000 gives
x ← x − α·2x = (1 − 2α)·x, so α = 1 flips the sign and α = 0.1 multiplies by 0.8.
Pages are opened from file:// in Debian's Chromium driven by Playwright.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value
from autograd.backprop import topological_order
from autograd.views.explain import explain, format_number
from autograd.views import live
from autograd.views.lesson import LessonGraph
from graph_strategies import engine_leaves, engine_output, recipes
from nn import MLP
from nn import lesson as network_lesson
from nn.losses import LOSSES
from nn.teaching.spec import load_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"
SEED001 = EXAMPLES / "yehoshua_2023_two_hidden_layers.json"
SHOTS = Path("/tmp/lesson_shots")

# Every text the page shows for the current step, and every box of the drawing.
VISIBLE_TEXT = """() => {
  const text = (id) => document.getElementById(id).textContent;
  const boxes = [...document.querySelectorAll('#graph g.node text')].map((t) => t.textContent);
  return [text('heading'), text('equation'), text('numbers'), text('details'), text('table'), ...boxes]
    .join(' | ').replace(/\\u2060/g, '');
}"""


class LivePage:
    """A lesson opened from file://, with the console errors, page errors, dialogs and requests it produced."""

    def __init__(self, browser: Any, path: Path, viewport: dict[str, int] | None = None, offline: bool = False) -> None:
        self.context = browser.new_context(viewport=viewport or {"width": 1400, "height": 900}, offline=offline)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(path.resolve().as_uri())

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def api(self, call: str, *arguments: Any) -> Any:
        return self.page.evaluate(f"(args) => window.scalargrad.{call}(...args)", list(arguments))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_page(chromium: Any, tmp_path: Path) -> Iterator[Any]:
    pages: list[LivePage] = []

    def opener(lesson_page: Any, **options: Any) -> LivePage:
        path = tmp_path / f"lesson{len(pages)}.html"
        lesson_page.save(path)
        page = LivePage(chromium, path, **options)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        assert page.errors == [], page.errors
        page.close()


def assert_state_is_the_engines(state: dict[str, Any], root: Value, what: str) -> None:
    """Every node of `root`'s graph (called by its page label) has the page's data and grad, to 1e-12."""
    labels = LessonGraph(root, collapse=True).labels  # any size: only the labels are read
    assert set(state) == set(labels.values()), what
    for node, label in labels.items():
        for field, expected in (("data", node.data), ("grad", node.grad)):
            actual = state[label][field]
            assert math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-300), (
                f"{what}: {field} of {label}: page {actual!r}, engine {expected!r}"
            )


def recorded_numbers(root: Value) -> set[str]:
    """Every number of the derivation of `root`, as the page writes it (6 and 4 significant digits)."""
    numbers: set[str] = set()

    def walk(item: Any) -> None:
        if isinstance(item, float):
            numbers.update({format_number(item), format_number(item, 4)})
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, (list, tuple)):
            for value in item:
                walk(value)

    walk(explain(root).to_dict())
    return numbers


NUMBER = re.compile(r"(?<![\w.\[])-?\d+(?:\.\d+)?(?:e[+-]\d+)?")


# ------------------------------------------------------------------ expressions


def edited(recipe: Any, rng: random.Random) -> list[float]:
    """New inputs for the recipe: each input moved anywhere in [-3, 3] (branches may flip)."""
    return [round(rng.uniform(-3.0, 3.0), 3) for _ in recipe.inputs]


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate],  # each example opens a page: no shrinking, the failing recipe is printed as it is
    suppress_health_check=[HealthCheck.too_slow],
)
@given(recipe=recipes(max_steps=6), seed=st.integers(0, 10**6))
def test_state_after_random_edits_is_the_engines(chromium: Any, tmp_path_factory: Any, recipe: Any, seed: int) -> None:
    """30 random expression graphs; each page gets edits of every leaf, then state() equals the engine's.

    Every leaf the graph uses is declared a parameter (the recipe names them x0, x1, …, as inputs), so the
    lesson ends with an update and the page runs the forward pass after it too.
    """
    leaves = engine_leaves(recipe)
    root = engine_output(recipe, leaves)
    used = set(topological_order(root))
    path = tmp_path_factory.mktemp("live") / "lesson.html"
    params = [leaf for leaf in leaves if leaf in used]
    autograd.lesson(root, learning_rate=0.1, rankdir="LR", params=params).save(path)
    page = LivePage(chromium, path)
    try:
        root.backward()
        assert_state_is_the_engines(page.api("state"), root, "as recorded")
        rng = random.Random(seed)
        numbers = edited(recipe, rng)
        editable = page.api("leaves")
        for leaf, number in zip(leaves, numbers):
            if leaf.name in editable:  # an input the recipe never uses is not in the graph
                page.api("set", leaf.name, number)
        new_leaves = [Value(x if leaf.name in editable else leaf.data, name=leaf.name) for x, leaf in zip(numbers, leaves)]
        try:
            new_root = engine_output(recipe, new_leaves)
            new_root.backward()
        except (ArithmeticError, ValueError):
            assert page.api("problem") is not None  # the engine refuses these numbers: so does the page
            return
        problem = page.api("problem")
        if problem is not None and not problem.startswith("After the update"):  # the page refuses this pass:
            assert not all(math.isfinite(n.data) and math.isfinite(n.grad) for n in LessonGraph(new_root).labels)
            return  # only because the engine cannot compute it either
        assert_state_is_the_engines(page.api("state"), new_root, f"after the edit {numbers}")
        assert page.errors == []
    finally:
        page.close()


def test_no_number_of_the_recorded_run_remains_after_an_edit(open_page: Any) -> None:
    x, w, b = Value(1.5, name="x"), Value(-0.75, name="w"), Value(0.25, name="b")
    root = ((x * w + b).tanh() - 0.5) ** 2
    page = open_page(autograd.lesson(root, learning_rate=0.3))
    recorded = recorded_numbers(root)
    page.api("set", "x", -2.25)
    page.api("set", "w", 0.6)
    x2, w2, b2 = Value(-2.25, name="x"), Value(0.6, name="w"), Value(0.25, name="b")
    new_root = ((x2 * w2 + b2).tanh() - 0.5) ** 2
    new_root.backward()
    now = recorded_numbers(new_root) | {format_number(v.data - 0.3 * v.grad) for v in (x2, w2, b2)}
    stale = {n for n in recorded - now if not re.fullmatch(r"-?\d", n)}  # 1-digit integers also count steps
    assert len(stale) > 10
    steps = page.page.evaluate("() => document.getElementById('slider').max")
    for step in range(int(steps) + 1):
        page.api("go", step)
        shown = set(NUMBER.findall(page.page.evaluate(VISIBLE_TEXT)))
        assert not shown & stale, f"step {step} still shows {shown & stale}"


def numbers_in(data: Any) -> set[str]:
    """Every float in a lesson's data (its derivation and network records), as the page writes it."""
    found: set[str] = set()
    if isinstance(data, float):
        found.update({format_number(data), format_number(data, 4)})
    elif isinstance(data, dict):
        for value in data.values():
            found |= numbers_in(value)
    elif isinstance(data, list):
        for value in data:
            found |= numbers_in(value)
    return found


def test_no_number_of_the_recorded_network_step_remains_after_an_edit(open_page: Any) -> None:
    """seed 001: after editing a weight and the input, every step shows the new step's numbers, none of the old."""
    spec = load_spec(SEED001)
    original = network_lesson(spec.model(), spec.inputs[0], spec.targets[0], spec.loss, spec.learning_rate)
    page = open_page(original)
    page.api("set", "w[2]_11", 1.25)
    page.api("set", "x1", 0.5)
    model = spec.model()
    next(p for p in model.parameters() if p.name == "w[2]_11").data = 1.25
    edited_lesson = network_lesson(model, [0.5, spec.inputs[0][1]], spec.targets[0], spec.loss, spec.learning_rate)
    keys = ("derivation", "network")
    recorded = numbers_in({key: original.data[key] for key in keys})
    now = numbers_in({key: edited_lesson.data[key] for key in keys})
    stale = {n for n in recorded - now if not re.fullmatch(r"-?\d", n)}
    assert len(stale) > 50
    for step in range(len(original.steps)):
        page.api("go", step)
        shown = set(NUMBER.findall(page.page.evaluate(VISIBLE_TEXT)))
        assert not shown & stale, f"step {step} ({original.steps[step].heading}) still shows {shown & stale}"


def test_a_batch_lesson_keeps_no_recorded_number_after_an_edit(open_page: Any) -> None:
    def model() -> MLP:
        return MLP.from_weights([[[0.5, -0.25], [0.75, 0.5]], [[1.0, -1.0]]], [[0.1, -0.1], [0.2]], "sigmoid")

    inputs, targets = [[1.0, 0.5], [-0.5, 2.0]], [[1.0], [0.0]]
    original = network_lesson(model(), inputs, targets, "bce", 0.5)
    page = open_page(original)
    page.api("set", "w[2]_11", -0.75)
    edited_model = model()
    next(p for p in edited_model.parameters() if p.name == "w[2]_11").data = -0.75
    edited_lesson = network_lesson(edited_model, inputs, targets, "bce", 0.5)
    keys = ("derivation", "network")
    stale = numbers_in({k: original.data[k] for k in keys}) - numbers_in({k: edited_lesson.data[k] for k in keys})
    stale = {n for n in stale if not re.fullmatch(r"-?\d", n)}
    for step in range(len(original.steps)):
        page.api("go", step)
        shown = set(NUMBER.findall(page.page.evaluate(VISIBLE_TEXT)))
        assert not shown & stale, f"step {step} ({original.steps[step].heading}) still shows {shown & stale}"


PANEL_TEXTS = """() => ['equation', 'numbers', 'details', 'table'].map(
  (id) => document.getElementById(id).innerText.replace(/\\u2060/g, '').replace(/\\s+/g, ' ').trim())"""


def test_the_page_fills_every_template_as_python_wrote_it(open_page: Any) -> None:
    """Before any edit, the texts the page fills from its own run equal the recorded ones, number for number.

    The leaves include binary ties (1.0625 has 4 digits after rounding to 1.062 or 1.063; Python rounds half
    to even), 1e-05 and 123456789.0 (exponent notation) and a negative zero.
    """
    a, b, c = Value(1.0625, name="a"), Value(10.125, name="b"), Value(1e-05, name="c")
    d, e = Value(123456789.0, name="d"), Value(-0.0, name="e")
    root = (a * b + c * d).tanh() * a + e * b + (a - b) ** 2
    lesson_page = autograd.lesson(root, learning_rate=0.25)
    page = open_page(lesson_page)
    page.api("go", next(i for i, step in enumerate(lesson_page.steps) if step.phase == "gradients"))
    boxes = page.page.evaluate("() => [...document.querySelectorAll('#graph g.node text')].map((t) => t.textContent)")
    assert "data 1.062" in boxes and "data 10.12" in boxes  # half to even, as Python's format
    assert_page_texts_are_the_recorded_ones(page, lesson_page)


def assert_page_texts_are_the_recorded_ones(page: LivePage, lesson_page: Any, stride: int = 1) -> None:
    """Every `stride`-th step's panel, as the page fills it, is the step's text as Python recorded it."""
    for index, step in list(enumerate(lesson_page.steps))[::stride]:
        page.api("go", index)
        equation, numbers, details, table = page.page.evaluate(PANEL_TEXTS)
        assert equation == " ".join(step.equation.split()), index
        assert numbers == " ".join(step.numbers.split()), index
        assert details == " ".join(" ".join(step.details).split()), index
        assert table == " ".join(" ".join(cell for row in step.table for cell in row).split()), index


@pytest.mark.parametrize("big", [False, True], ids=["seed001", "2-16-16-1"])
def test_the_page_fills_a_network_lesson_as_python_wrote_it(open_page: Any, big: bool) -> None:
    spec = load_spec(SEED001)
    if big:
        lesson_page = network_lesson(mlp_2_16_16_1(4), [0.5, -1.0], [1.0], "bce", 0.1)
    else:
        lesson_page = network_lesson(spec.model(), spec.inputs[0], spec.targets[0], spec.loss, spec.learning_rate)
    assert_page_texts_are_the_recorded_ones(open_page(lesson_page), lesson_page, stride=5 if big else 2)


def test_branches_follow_the_new_values(open_page: Any) -> None:
    x = Value(2.0, name="x")
    root = autograd.relu(x) + abs(x) * 0.5 + autograd.clamp(x, -1.0, 1.0) + autograd.leaky_relu(x, 0.1)
    page = open_page(autograd.lesson(root))
    for number in (-3.0, 0.5, 5.0):
        page.api("set", "x", number)
        state = page.api("state")
        by_hand = (1.0 if number > 0 else 0.0) + 0.5 * math.copysign(1.0, number) + (1.0 if -1 <= number <= 1 else 0.0)
        by_hand += 1.0 if number > 0 else 0.1
        assert state["x"]["grad"] == pytest.approx(by_hand, rel=1e-12)


def test_a_value_outside_the_domain_names_the_node(open_page: Any) -> None:
    x, y = Value(2.0, name="x"), Value(3.0, name="y")
    inner = x * y
    inner.name = "product"
    page = open_page(autograd.lesson(inner.log() + y))
    assert page.api("problem") is None
    page.api("set", "x", -1.0)
    problem = page.api("problem")
    assert "log is defined only for positive numbers, got -3" in problem
    assert re.search(r"node (v\d+|L)", problem)
    shown = page.page.locator("#lab-problem")
    assert shown.is_visible() and shown.text_content() == problem
    page.api("set", "x", 0.5)
    assert page.api("problem") is None
    assert page.api("state")["x"]["grad"] == pytest.approx(3.0 / 1.5, rel=1e-12)


def test_a_negative_base_of_a_value_exponent_and_a_zero_divisor_name_their_node(open_page: Any) -> None:
    x, y = Value(2.0, name="x"), Value(3.0, name="y")
    power = x**y
    power.name = "power"
    ratio = y / x
    ratio.name = "ratio"
    page = open_page(autograd.lesson(power + ratio))
    assert page.api("set", "x", -2.0) is False
    assert page.api("problem").startswith("At node power: a Value exponent needs a positive base, got base -2")
    assert page.api("set", "x", 0.0) is False
    assert "node power" in page.api("problem")  # 0 is no positive base either
    page.api("set", "x", 1.0)
    assert page.api("problem") is None
    divided = open_page(autograd.lesson(y / (x + 1.0)))
    assert divided.api("set", "x", -1.0) is False  # the engine raises ZeroDivisionError here
    assert divided.api("problem").startswith("At node L = y / v4, a division by zero: its value is inf")  # v4 = x + 1


def test_an_update_that_leaves_the_domain_is_named_but_the_pass_still_shows(open_page: Any) -> None:
    w = Value(1.0, name="w")
    page = open_page(autograd.lesson(w.log() + w, learning_rate=0.5))  # ∂/∂w = 1/w + 1 = 2
    assert page.api("set", "α", 2.0) is True  # w ← 1 − 2·2 = −3: the pass is fine, the loss after is not
    assert page.api("problem").startswith("After the update, at node ")
    assert "log is defined only for positive numbers, got -3" in page.api("problem")
    assert page.api("state")["w"] == {"data": 1.0, "grad": 2.0}


def test_an_update_that_leaves_the_domain_shows_an_undefined_result_in_python_and_in_the_page(open_page: Any) -> None:
    """w = 1, α = 0.5: w ← 1 − 0.5·(1/1 + 1) = 0, and log 0 is undefined; the lesson is still made."""
    w = Value(1.0, name="w")
    lesson_page = autograd.lesson(w.log() + w, learning_rate=0.5)
    end = lesson_page.steps[-1]
    assert end.phase == "end" and end.equation.startswith("L = undefined  (before the step: 1)")
    page = open_page(lesson_page)
    assert "log is defined only for positive numbers, got 0" in page.api("problem")
    assert_page_texts_are_the_recorded_ones(page, lesson_page)
    page.api("practise", True)
    page.api("go", len(lesson_page.steps) - 1)
    assert page.page.locator("#practice-task").is_hidden()  # no exercise asks for an undefined number
    page.api("practise", False)
    page.api("set", "α", 0.25)  # w ← 1 − 0.25·2 = 0.5: L = log 0.5 + 0.5
    assert page.api("problem") is None
    page.api("go", len(lesson_page.steps) - 1)
    assert page.page.text_content("#equation").startswith(f"L = {format_number(math.log(0.5) + 0.5)}  (before")


def test_train_moves_only_the_parameters(open_page: Any) -> None:
    """f = (w·x − 1)² with the input x = 2 kept: w ← w − α·2(w·x − 1)·x, by hand, for 5 steps."""
    w, x = Value(1.5, name="w"), Value(2.0, name="x")
    page = open_page(autograd.lesson((w * x - 1.0) ** 2, learning_rate=0.05))
    kinds = page.page.evaluate("() => [...document.querySelectorAll('#lab-fields label')].map((l) => l.textContent)")
    assert {"w parameter", "x input"} <= set(kinds)  # the panel says which is which
    losses = page.api("train", 5, 0.05)
    weight = 1.5
    for step in range(6):
        assert losses[step] == pytest.approx((weight * 2.0 - 1.0) ** 2, rel=1e-12)
        page.api("trainingStep", step)
        state = page.api("state")
        assert state["x"]["data"] == 2.0  # the input stays
        assert state["w"]["data"] == pytest.approx(weight, rel=1e-12)
        weight -= 0.05 * 2.0 * (weight * 2.0 - 1.0) * 2.0


def test_train_without_parameters_says_what_to_do(open_page: Any) -> None:
    x = Value(3.0, name="x")
    page = open_page(autograd.lesson(x**2))  # no learning rate: a lesson, but x is an input
    with pytest.raises(Exception, match="no parameters to train.*params="):
        page.api("train", 5, 0.1)
    page.page.click("#lab-train summary")
    page.page.click("#train-run")
    assert "no parameters to train" in page.page.text_content("#train-summary")


def test_reset_returns_to_the_recorded_values(open_page: Any) -> None:
    x, y = Value(3.0, name="x"), Value(-2.0, name="y")
    page = open_page(autograd.lesson(x * y + x, learning_rate=0.1, params=[x, y]))
    before = page.api("state")
    page.api("set", "x", 7.0)
    page.api("set", "α", 0.9)
    assert page.api("state") != before
    page.page.click("#lab-reset")
    assert page.api("state") == before
    assert page.page.input_value("#lab-fields input[type=number] >> nth=0") == "3"


def test_keyboard_nudges_a_field_and_leaves_the_steps_alone(open_page: Any) -> None:
    x = Value(1.0, name="x")
    page = open_page(autograd.lesson(x * x))
    page.api("go", 2)
    field = page.page.locator("#lab-fields input[type=number]").first
    field.focus()
    for _ in range(3):
        page.page.keyboard.press("ArrowUp")
    value = float(field.input_value())
    assert value > 1.0
    assert page.api("state")["x"]["grad"] == pytest.approx(2 * value, rel=1e-12)
    assert page.page.evaluate("() => document.body.dataset.step") == "2"  # arrows in a field move the number only
    page.page.keyboard.press("Tab")
    page.page.locator("#lab-reset").focus()
    page.page.keyboard.press("Enter")
    assert page.api("state")["x"]["data"] == 1.0


def test_hostile_names_stay_text(open_page: Any) -> None:
    name = '<img src=x onerror=alert(1)></script><script>alert(2)</script>"\'\\\u2028'
    x = Value(2.0, name=name)
    page = open_page(autograd.lesson(x * x + 1.0, title=name))
    assert page.dialogs == []
    assert name in page.api("leaves")
    label = page.page.locator("#lab-fields label").first.text_content()
    assert label.startswith(name)
    page.api("set", name, 3.0)
    assert page.api("state")[name] == {"data": 3.0, "grad": 6.0}
    assert page.page.locator("#lab img, #panel img").count() == 0


def test_page_works_with_the_network_disabled(open_page: Any) -> None:
    spec = load_spec(SEED001)
    page = open_page(
        network_lesson(spec.model(), spec.inputs[0], spec.targets[0], spec.loss, spec.learning_rate), offline=True
    )
    assert all(url.startswith("file://") for url in page.requests), page.requests
    kinds = page.page.evaluate("() => [...document.querySelectorAll('#lab-fields label')].map((l) => l.textContent)")
    assert {"w[1]_11 weight", "b[1]_1 bias", "x1 input", "y1 target", "α learning rate"} <= set(kinds)
    assert page.api("set", "w[1]_11", -1.0) is True
    assert page.api("problem") is None


# ------------------------------------------------------------------ networks

ACTIVATIONS = ("sigmoid", "tanh", "relu")


def random_network(rng: random.Random) -> tuple[MLP, list[float], list[float], str]:
    sizes = [2, rng.choice([2, 3]), rng.choice([1, 2])]
    weights = [
        [[round(rng.uniform(-1, 1), 2) for _ in range(sizes[l])] for _ in range(sizes[l + 1])] for l in range(2)
    ]
    biases = [[round(rng.uniform(-0.5, 0.5), 2) for _ in range(sizes[l + 1])] for l in range(2)]
    activations = [rng.choice(ACTIVATIONS), "sigmoid"]
    inputs = [round(rng.uniform(-1, 1), 2) for _ in range(2)]
    targets = [float(rng.choice([0, 1])) for _ in range(sizes[2])]
    return MLP.from_weights(weights, biases, activations), inputs, targets, rng.choice(["mse", "bce"])


def network_loss(model: MLP, inputs: list[float], targets: list[float], loss: str) -> Value:
    """The loss graph as nn.lesson builds it: inputs x1, x2, …, targets y1, y2, …, the loss called C."""
    outputs = model([Value(x, name=f"x{j}") for j, x in enumerate(inputs, start=1)])
    total = LOSSES[loss]([outputs], [[Value(y, name=f"y{k}") for k, y in enumerate(targets, start=1)]], "sum")
    total.name = "C"
    return total


@pytest.mark.parametrize("seed", range(10))
def test_network_state_after_random_edits_is_the_engines(open_page: Any, seed: int) -> None:
    rng = random.Random(seed)
    model, inputs, targets, loss = random_network(rng)
    page = open_page(network_lesson(model, inputs, targets, loss, 0.5))
    names = page.api("leaves")
    assert "α" in names and "x1" in names and "y1" in names and "w[1]_11" in names
    parameters = {p.name: p for p in model.parameters()}
    for name in rng.sample([n for n in names if n != "α"], 4):
        number = round(rng.uniform(0.05, 0.95), 3) if name.startswith("y") else round(rng.uniform(-2, 2), 3)
        page.api("set", name, number)
        if name in parameters:
            parameters[name].data = number
        elif name.startswith("x"):
            inputs[int(name[1:]) - 1] = number
        else:
            targets[int(name[1:]) - 1] = number
    root = network_loss(model, inputs, targets, loss)
    root.backward()
    assert_state_is_the_engines(page.api("state"), root, f"network {seed}")


# ------------------------------------------------------------------ many steps


def test_training_x_squared_from_1000_follows_the_textbook(open_page: Any) -> None:
    x = Value(1000.0, name="x")
    page = open_page(autograd.lesson(x**2, learning_rate=0.1, params=[x]))  # x is the parameter here
    assert page.page.text_content("#lab-fields label") == "x parameter"
    losses = page.api("train", 6, 1.0)
    assert losses == [1e6] * 7  # x = 1000, -1000, 1000, ...: the loss never moves
    for step in range(7):
        page.api("trainingStep", step)
        assert page.api("state")["x"]["data"] == (1000.0 if step % 2 == 0 else -1000.0)
    losses = page.api("train", 10, 0.1)
    for step, loss in enumerate(losses):
        assert loss == pytest.approx((1000.0 * 0.8**step) ** 2, rel=1e-12)
    page.api("trainingStep", 3)
    assert page.api("state")["x"]["data"] == pytest.approx(1000.0 * 0.8**3, rel=1e-12)
    numbers = page.page.evaluate("() => document.getElementById('numbers').textContent")
    assert numbers is not None


def test_train_control_draws_two_learning_rates_on_one_chart(open_page: Any) -> None:
    x = Value(1000.0, name="x")
    page = open_page(autograd.lesson(x**2, learning_rate=0.1, params=[x]))  # x is the parameter here
    page.page.click("#lab-train summary")
    page.page.fill("#train-steps", "12")
    page.page.fill("#train-rate", "1")
    page.page.fill("#train-compare", "0.1")
    page.page.click("#train-run")
    chart = page.page.locator("#train-chart")
    assert chart.is_visible()
    assert chart.locator("polyline").count() == 2
    assert chart.locator("circle").count() == 26
    assert "α = 1: 1e+06 → 1e+06 after 12 steps" in page.page.text_content("#train-summary")
    chart.locator("circle").nth(13 + 2).click()  # the second run (α = 0.1), step 2
    assert page.api("state")["x"]["data"] == pytest.approx(640.0, rel=1e-12)
    SHOTS.mkdir(exist_ok=True)
    page.page.locator("#lab-train").scroll_into_view_if_needed()
    page.page.screenshot(path=str(SHOTS / "live_train_chart.png"))


def test_the_chart_axis_ends_differ_when_the_loss_hardly_moves(open_page: Any) -> None:
    x = Value(0.5, name="x")
    page = open_page(autograd.lesson((x - 0.3) ** 2, learning_rate=0.1, params=[x]))
    losses = page.api("train", 4, 1e-5)  # the loss goes 0.04 → 0.03999968…: equal to three digits
    assert f"{losses[0]:.3g}" == f"{losses[-1]:.3g}" and losses[-1] < losses[0]
    ends = page.page.evaluate("() => [...document.querySelectorAll('#train-chart > text')].slice(0, 2).map((t) => t.textContent)")
    high, low = (float(text.replace("\u2212", "-")) for text in ends)
    assert high != low
    assert high == pytest.approx(losses[0], rel=2e-4) and low == pytest.approx(losses[-1], rel=2e-4)  # rounded, not wrong


# ------------------------------------------------------------------ practice


def test_practice_hides_the_number_and_checks_the_answer(open_page: Any) -> None:
    x, y = Value(3.0, name="x"), Value(-2.0, name="y")
    page = open_page(autograd.lesson(x * y + x, learning_rate=0.1, params=[x, y]))
    page.api("practise", True)
    page.api("go", 3)  # v3 = x · y, the first computed node
    assert page.page.text_content("#numbers").endswith("= ?")
    assert page.page.locator("#practice-task").is_visible()
    assert page.api("answer", "5") is False
    feedback = page.page.text_content("#practice-feedback")
    assert "Apply v3 = x · y" in feedback and "dashed blue boxes: x, y" in feedback
    assert page.api("answer", "-6.005") is True  # within 0.1 % of -6
    assert page.page.text_content("#numbers").endswith("= -6")
    assert page.api("score") == {"right": 0, "answered": 1}
    page.api("set", "x", 4.0)  # after an edit the exercise is the new number, hidden again
    page.api("go", 3)
    assert page.page.text_content("#numbers").endswith("= ?")
    assert page.api("answer", "-6") is False
    assert page.api("answer", "-8") is True
    assert page.api("score") == {"right": 0, "answered": 2}  # a right answer after a wrong one is not scored
    page.api("go", 4)
    assert page.api("answer", "4") is False
    page.api("reveal")
    assert page.page.text_content("#numbers").endswith("= -4")
    page.api("go", 4)
    page.api("go", 3)
    assert page.page.text_content("#numbers").endswith("= -8")  # answered: it stays shown
    SHOTS.mkdir(exist_ok=True)
    page.api("go", 7)
    page.api("answer", "0")
    page.page.locator("#lab-practice").scroll_into_view_if_needed()
    page.page.screenshot(path=str(SHOTS / "live_practice_feedback.png"))


def test_a_chain_rule_exercise_asks_local_then_contribution_then_running_sum(open_page: Any) -> None:
    """L = x·y + x at x = 4, y = −2: through v3 = x·y, x gets local ∂v3/∂x = y = −2, contribution 1 × (−2),
    and its gradient so far 1 + (−2) = −1 (it already had 1 from L = v3 + x)."""
    x, y = Value(4.0, name="x"), Value(-2.0, name="y")
    lesson_page = autograd.lesson(x * y + x)
    page = open_page(lesson_page)
    step = next(
        i for i, s in enumerate(lesson_page.steps) if s.phase == "backward" and s.equation.startswith("∂L/∂x = ∂L/∂v3")
    )
    page.api("practise", True)
    page.api("go", step)
    assert page.page.text_content("#numbers") == "= 1 × ? = ?"
    assert "the local derivative" in page.page.text_content("#practice-question")
    assert page.api("answer", "-2") is True
    assert page.page.text_content("#numbers") == "= 1 × (-2) = ?"
    assert page.api("answer", "-2") is True
    assert "so far 1 + (-2) = ?" in page.page.text_content("#details")
    assert page.api("answer", "-1") is True
    assert page.page.locator("#practice-task").is_hidden()
    assert page.api("score") == {"right": 3, "answered": 3}


# ------------------------------------------------------------------ size and pictures


def test_seed001_live_lesson_stays_under_400_kib(tmp_path: Path) -> None:
    spec = load_spec(SEED001)
    page = network_lesson(spec.model(), spec.inputs[0], spec.targets[0], spec.loss, spec.learning_rate)
    size = len(page.html.encode("utf-8"))
    assert size < 400 * 1024, f"{size / 1024:.0f} KiB"


@pytest.mark.parametrize("viewport", [{"width": 1400, "height": 900}, {"width": 390, "height": 844}], ids=["wide", "phone"])
def test_screenshots_of_an_edit(open_page: Any, viewport: dict[str, int]) -> None:
    spec = load_spec(SEED001)
    lesson_page = network_lesson(spec.model(), spec.inputs[0], spec.targets[0], spec.loss, spec.learning_rate)
    page = open_page(lesson_page, viewport=viewport)
    page.api("set", "w[1]_11", -1.5)
    product = next(i for i, s in enumerate(lesson_page.steps) if s.related and "w[1]_11 ·" in s.equation)
    page.api("go", product)  # w[1]_11 · x1, with the new weight
    assert "-1.5" in page.page.text_content("#numbers")
    SHOTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(SHOTS / f"live_edit_{viewport['width']}.png"))
    page.page.locator("#lab-edit").scroll_into_view_if_needed()  # the panel scrolls to the fields
    page.page.screenshot(path=str(SHOTS / f"live_fields_{viewport['width']}.png"))
    assert page.page.locator("#lab-fields input[type=number]").first.is_visible()
    assert page.page.locator("#lab-fields input.changed").count() == 1


# ------------------------------------------------------------------ big networks, neuron by neuron


def mlp_2_16_16_1(seed: int) -> MLP:
    rng = random.Random(seed)
    sizes = [2, 16, 16, 1]
    weights = [
        [[round(rng.uniform(-1, 1), 3) for _ in range(sizes[l])] for _ in range(sizes[l + 1])] for l in range(3)
    ]
    biases = [[round(rng.uniform(-0.5, 0.5), 3) for _ in range(sizes[l + 1])] for l in range(3)]
    return MLP.from_weights(weights, biases, ["tanh", "tanh", "sigmoid"])


def test_a_2_16_16_1_lesson_steps_neuron_by_neuron_within_1_5_mib() -> None:
    page = network_lesson(mlp_2_16_16_1(0), [0.5, -1.0], [1.0], "bce", 0.1)
    assert len(page.html.encode("utf-8")) < 1.5 * 1024 * 1024
    phases = [step.phase for step in page.steps]
    assert phases.count("forward") == 33 and phases.count("backward") == 33 and phases.count("update") == 33
    first = page.steps[1]
    assert first.heading == "layer 1 of 3, neuron 1 of 16"
    assert first.equation == "z[1]_1 = Σ_j w[1]_1j·x_j + b[1]_1"


def test_a_2_16_16_1_lesson_is_live(open_page: Any) -> None:
    model = mlp_2_16_16_1(1)
    page = open_page(network_lesson(model, [0.5, -1.0], [1.0], "bce", 0.1))
    rng = random.Random(1)
    parameters = {p.name: p for p in model.parameters()}
    for name in rng.sample(sorted(parameters), 6):
        number = round(rng.uniform(-2, 2), 3)
        page.api("set", name, number)
        parameters[name].data = number
    root = network_loss(model, [0.5, -1.0], [1.0], "bce")
    root.backward()
    assert_state_is_the_engines(page.api("state"), root, "2→16→16→1")
    delta = parameters["b[2]_5"].grad  # ∂C/∂b = δ
    step = next(i for i, s in enumerate(page.page.evaluate("() => window.scalargradPage.lesson.steps"))
                if s["heading"] == "layer 2, neuron 5: its delta")
    page.api("go", step)
    assert page.page.text_content("#numbers").endswith(f"= {format_number(delta)}")
    page.api("practise", True)  # the exercise: tanh'(z) = 1 − a², then the neuron's delta
    assert page.page.text_content("#numbers").endswith("× ? = ?")
    activation = LessonGraph(root, collapse=True).named("a[2]_5")
    assert page.api("answer", repr(1.0 - activation.data**2)) is True
    assert page.api("answer", repr(delta * 1.0005)) is True
    page.api("practise", False)
    for width, height in ((1400, 900), (390, 844)):
        page.page.set_viewport_size({"width": width, "height": height})
        page.page.click("#next")
        SHOTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(SHOTS / f"live_collapsed_{width}.png"))


def test_the_drawing_zooms_with_the_wheel_and_pans_by_dragging(open_page: Any) -> None:
    page = open_page(network_lesson(mlp_2_16_16_1(2), [0.5, -1.0], [1.0], "bce", 0.1))
    view = "() => document.querySelector('#graph > svg').getAttribute('viewBox').split(' ').map(Number)"
    page.api("go", 3)
    page.page.wait_for_timeout(500)
    before = page.page.evaluate(view)
    box = page.page.locator("#graph").bounding_box()
    page.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.page.mouse.wheel(0, 400)  # zoom out
    zoomed = page.page.evaluate(view)
    assert zoomed[2] > before[2] * 1.3 and zoomed[3] > before[3] * 1.3
    page.page.mouse.down()
    page.page.mouse.move(box["x"] + box["width"] / 2 + 100, box["y"] + box["height"] / 2 + 50)
    page.page.mouse.up()
    panned = page.page.evaluate(view)
    assert panned[0] < zoomed[0] and panned[1] < zoomed[1] and panned[2] == zoomed[2]
    page.page.click("#view-toggle")  # the whole network fits the pane
    page.page.wait_for_timeout(600)
    whole = page.page.evaluate(view)
    drawing = page.page.evaluate(
        "() => { const g = document.querySelector('#graph > svg g.graph'); const b = g.getBBox();"
        " const m = g.transform.baseVal.consolidate().matrix; return [b.x + m.e, b.y + m.f, b.width, b.height]; }"
    )
    assert whole[0] <= drawing[0] + 1 and whole[1] <= drawing[1] + 1
    assert whole[0] + whole[2] >= drawing[0] + drawing[2] - 1 and whole[1] + whole[3] >= drawing[1] + drawing[3] - 1


# ------------------------------------------------------------------ tokens (no browser)


def test_a_token_is_its_recorded_number_for_python_and_a_blank_for_the_page() -> None:
    text = f"= {live.token('d', 'v3', 'n', '0.5')} × 2"
    assert live.filled(text) == "= 0.5 × 2"
    assert live.template(text) == f"= {live.START}d:v3:n{live.END} × 2"
    with pytest.raises(ValueError, match="unknown token kind 'q'"):
        live.token("q", "v3", "n", "1")


def test_a_name_holding_token_delimiters_stays_text(open_page: Any) -> None:
    name = f"x{live.START}d:v1:n{live.MIDDLE}9{live.END}"
    x = Value(2.0, name=name)
    page = open_page(autograd.lesson(x * x, title=name))
    label = name.replace(live.START, "\ufffd").replace(live.MIDDLE, "\ufffd").replace(live.END, "\ufffd")
    assert page.api("leaves") == [label]
    page.api("go", 1)
    assert page.page.text_content("#equation").startswith(label)

"""A real browser steps through lesson pages: Debian's Chromium, driven by Playwright, from file://.

No browser is downloaded: Playwright launches the system's /usr/bin/chromium
(installed by .ci/run). Screenshots of the first, a middle and the last step
of the seed 001 lesson go to pytest's tmp folder and to /tmp/lesson_shots/.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, lesson
from nn import lesson as network_lesson
from nn.losses import bce
from nn.teaching.spec import load_spec

SEED001 = Path(__file__).resolve().parent.parent / "demos" / "examples" / "yehoshua_2023_two_hidden_layers.json"
SHOTS = Path("/tmp/lesson_shots")
VIEWPORT = {"width": 1600, "height": 900}

# What the page shows now: the panel's texts, the highlighted nodes and the step counter.
STATE = """() => {
  const svg = document.querySelector('#graph > svg');
  const text = (id) => document.getElementById(id).textContent.replace(/\\u2060/g, '');
  return {
    step: document.body.dataset.step,
    counter: text('counter'),
    phase: text('phase'),
    equation: text('equation'),
    numbers: text('numbers'),
    focus: svg.dataset.focus,
    related: svg.dataset.related,
    halos: document.querySelectorAll('#lesson-marks rect.focus').length,
  };
}"""

# Each Value box's last text (its grad), by DOT id.
GRADIENTS = """(ids) => Object.fromEntries(ids.map((id) => {
  const g = [...document.querySelectorAll('#graph g.node')].find((n) => n.querySelector('title').textContent === id);
  const texts = g.querySelectorAll(':scope > text');
  return [id, texts[texts.length - 1].textContent];
}))"""


class OpenPage:
    """A lesson opened from file://, with every console error, page error and dialog it produced."""

    def __init__(self, browser: Any, path: Path, viewport: dict[str, int] = VIEWPORT) -> None:
        self.page = browser.new_page(viewport=viewport)
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.resolve().as_uri())

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def state(self) -> dict[str, Any]:
        return self.page.evaluate(STATE)


def engine_gradients() -> dict[str, float]:
    """Seed 001's gradients from the engine itself: the same network and loss, built here, after backward()."""
    spec = load_spec(SEED001)
    model = spec.model()
    output = model([Value(x, name=f"x{j}") for j, x in enumerate(spec.inputs[0], start=1)])
    loss = bce([output], spec.targets)
    loss.backward()
    named = {p.name: p.grad for p in model.parameters()}
    named["C"] = loss.grad
    return named


def test_stepping_through_the_seed001_lesson(chromium: Any, tmp_path: Path):
    spec = load_spec(SEED001)
    page_object = network_lesson(
        spec.model(), spec.inputs, spec.targets, spec.loss, spec.learning_rate, title=spec.name
    )
    path = page_object.save(tmp_path / "seed001.html")
    total = len(page_object.steps)
    opened = OpenPage(chromium, path)
    page = opened.page
    SHOTS.mkdir(exist_ok=True)
    middle = next(i for i, step in enumerate(page_object.steps) if step.phase == "backward") + 14
    shots = {0: "first", middle: "middle", total - 1: "last"}

    previous = opened.state()
    assert previous["counter"] == f"Step 1 / {total}"
    for index in range(total):
        if index:
            page.keyboard.press("ArrowRight")
            state = opened.state()
            assert state["step"] == str(index) and state["counter"] == f"Step {index + 1} / {total}"
            assert state["equation"] != previous["equation"] or state["numbers"] != previous["numbers"], index
            assert (state["focus"], state["related"]) != (previous["focus"], previous["related"]), index
            assert state["halos"] == (1 if state["focus"] else 0)
            previous = state
        if index in shots:
            page.wait_for_timeout(400)  # the camera's move
            picture = tmp_path / f"lesson_{shots[index]}.png"
            page.screenshot(path=str(picture))
            shutil.copy(picture, SHOTS / picture.name)
    assert previous["phase"] == "Result" and "0.671846) → (0.698076)" in previous["equation"]

    # The gradients in the boxes at the end are the engine's (the boxes show 4 significant digits).
    ids = {node["label"]: node["id"] for node in page_object.data["nodes"]}
    expected = engine_gradients()
    shown = page.evaluate(GRADIENTS, [ids[name] for name in expected])
    for name, gradient in expected.items():
        assert float(shown[ids[name]].removeprefix("grad ")) == pytest.approx(gradient, rel=5e-4, abs=1e-12), name
    page.keyboard.press("ArrowRight")  # past the end: nothing happens
    assert opened.state()["step"] == str(total - 1)
    assert opened.errors == [] and opened.dialogs == []


def test_the_controls_move_through_the_steps(chromium: Any, tmp_path: Path):
    x, y = Value(3.0, name="x"), Value(4.0, name="y")
    path = lesson(x * y + x, learning_rate=0.1, params=[x, y]).save(tmp_path / "controls.html")
    opened = OpenPage(chromium, path)
    page = opened.page
    total = int(page.get_attribute("#slider", "max")) + 1
    page.click("#end")
    assert opened.state()["step"] == str(total - 1)
    page.click("#previous")
    assert opened.state()["step"] == str(total - 2)
    page.click("#start")
    assert opened.state()["step"] == "0"
    page.click("#next")
    assert opened.state()["step"] == "1"
    page.keyboard.press("ArrowLeft")
    assert opened.state()["step"] == "0"
    page.keyboard.press("End")
    assert opened.state()["step"] == str(total - 1)
    page.keyboard.press("Home")
    page.fill("#slider", "5")
    assert opened.state()["step"] == "5"
    page.click("#play")
    page.wait_for_function("document.body.dataset.step === '6'", timeout=5000)
    page.click("#play")
    assert page.get_attribute("#play", "aria-pressed") == "false"
    page.click("#next")  # the focus stays on Next, yet Space plays rather than pressing it
    page.keyboard.press(" ")
    assert page.get_attribute("#play", "aria-pressed") == "true" and opened.state()["step"] == "7"
    page.keyboard.press(" ")
    assert page.get_attribute("#play", "aria-pressed") == "false"
    assert opened.errors == []


def test_hostile_names_show_as_text_and_run_nothing(chromium: Any, tmp_path: Path):
    names = ["<script>alert(1)</script>", '"><img src=x onerror=alert(2)>', "a & b 'c'"]
    x, y, z = (Value(float(i + 1), name=name) for i, name in enumerate(names))
    path = lesson((x * y + z).tanh(), title=names[0]).save(tmp_path / "hostile.html")
    opened = OpenPage(chromium, path)
    page = opened.page
    total = int(page.get_attribute("#slider", "max")) + 1
    seen = ""
    for _ in range(total):
        seen += opened.state()["equation"] + "\n"
        page.keyboard.press("ArrowRight")
    for name in names:
        assert name in seen
        assert page.locator("#graph svg text", has_text=name).count() == 1
    assert page.title() == names[0]
    assert page.locator("img").count() == 0
    assert opened.dialogs == [] and opened.errors == []


# ---------------------------------------------------------------- layout at a desk and on a phone

LAYOUT = """() => {
  const box = (selector) => {
    const r = document.querySelector(selector).getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height};
  };
  const title = document.getElementById('title');
  const texts = [...document.querySelectorAll('#graph svg g.node text')].map((t) => t.getBoundingClientRect())
    .filter((r) => r.width > 0);
  return {
    title: box('#title'), titleClipped: title.scrollWidth > title.clientWidth + 1,
    graph: box('#graph'), panel: box('#panel'), equation: box('#equation'), toggle: box('#view-toggle'),
    toggleHidden: document.getElementById('view-toggle').hidden,
    pending: document.querySelectorAll('#graph g.lesson-pending').length,
    smallestText: Math.min(...texts.map((r) => r.height)),
  };
}"""


def _two_two_one_lesson(tmp_path: Path) -> Path:
    """Mazur's 2-2-1 sized network (his first output neuron only), one step: the page the issue found unreadable."""
    from nn import MLP

    model = MLP.from_weights([[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45]]], [[0.35, 0.35], [0.6]], ["sigmoid", "sigmoid"])
    title = "A 2-2-1 network, one step of gradient descent with half squared error"
    return network_lesson(model, [0.05, 0.1], [0.01], "half_sse", 0.5, title=title).save(tmp_path / "l221.html")


def _overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize(("width", "height"), [(1400, 900), (390, 844)])
def test_a_small_network_lesson_is_readable_at_a_desk_and_on_a_phone(chromium: Any, tmp_path: Path, width, height):
    opened = OpenPage(chromium, _two_two_one_lesson(tmp_path), viewport={"width": width, "height": height})
    page = opened.page
    page.wait_for_timeout(300)
    start = page.evaluate(LAYOUT)
    SHOTS.mkdir(exist_ok=True)
    for name in ("start", "whole", "step"):
        if name == "whole":
            page.keyboard.press("w")
        if name == "step":
            page.keyboard.press("w")
            for _ in range(12):
                page.keyboard.press("ArrowRight")
        page.wait_for_timeout(400)
        picture = tmp_path / f"lesson_221_{width}x{height}_{name}.png"
        page.screenshot(path=str(picture))
        shutil.copy(picture, SHOTS / picture.name)
        if name == "whole":
            whole = page.evaluate(LAYOUT)
    step = page.evaluate(LAYOUT)
    # the whole title shows; the start page and the whole-graph view show the graph plainly, text ≥ 10 px
    assert not start["titleClipped"] and start["title"]["right"] <= width
    assert start["pending"] == 0 and start["smallestText"] >= 10, start
    assert whole["smallestText"] >= 10, whole
    # the "Whole graph" button sits outside the graph, never over a node
    assert not step["toggleHidden"] and not _overlaps(step["toggle"], step["graph"])
    # the step panel has room: its equation is on screen, and the panel is at least a third of the height
    assert step["equation"]["bottom"] <= height and step["panel"]["height"] >= height / 3, step
    assert opened.errors == []


PHASE_IN_VIEW = """() => {
  const row = document.getElementById('phases').getBoundingClientRect();
  const current = document.querySelector('#phases button[aria-current="step"]');
  const box = current.getBoundingClientRect();
  return {name: current.textContent, left: box.left - row.left, right: box.right - row.left, row: row.width,
          scrolls: document.getElementById('phases').scrollWidth > row.width + 1};
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_on_a_phone_the_current_phase_stays_in_view(chromium: Any, tmp_path: Path, lang: str):
    page_file = tmp_path / f"phases_{lang}.html"
    from nn import MLP

    model = MLP.from_weights([[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45]]], [[0.35, 0.35], [0.6]], ["sigmoid", "sigmoid"])
    network_lesson(model, [0.05, 0.1], [0.01], "half_sse", 0.5, lang=lang).save(page_file)
    opened = OpenPage(chromium, page_file, viewport={"width": 390, "height": 844})
    page = opened.page
    page.wait_for_timeout(300)
    page.keyboard.press("End")
    page.wait_for_timeout(300)
    last = page.evaluate(PHASE_IN_VIEW)
    assert last["scrolls"], "at 390 px the phases no longer overflow their row: this test checks nothing"
    assert last["left"] >= -1 and last["right"] <= last["row"] + 1, last  # the last phase (Result) is fully visible
    page.keyboard.press("Home")
    page.wait_for_timeout(300)
    first = page.evaluate(PHASE_IN_VIEW)
    assert first["left"] >= -1 and first["right"] <= first["row"] + 1, first
    page.screenshot(path=str(tmp_path / f"phases_{lang}_390.png"))
    assert opened.errors == []


def test_play_has_a_speed_control(chromium: Any, tmp_path: Path):
    opened = OpenPage(chromium, _two_two_one_lesson(tmp_path))
    page = opened.page
    page.select_option("#speed", "4")
    page.click("#play")
    # 1.8 s per step at 1× would need 5.4 s for three steps; at 4× (0.45 s each) they come well within 4 s
    page.wait_for_function("Number(document.body.dataset.step) >= 3", timeout=4000)
    fast = int(opened.state()["step"])
    page.click("#play")
    page.click("#start")
    page.select_option("#speed", "0.5")
    page.click("#play")
    page.wait_for_timeout(1200)  # at ½×, 3.6 s per step: none yet
    slow = int(opened.state()["step"])
    page.click("#play")
    assert fast >= 3 and slow == 0, (fast, slow)
    assert opened.errors == []

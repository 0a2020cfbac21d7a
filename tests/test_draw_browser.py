"""A real browser opens a drawn SVG: headless Chromium takes a screenshot, and the screenshot shows the picture."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from autograd import Value, draw

WIDTH, HEIGHT = 1600, 400  # the browser window, larger than the picture


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found is not None:
            return found
    pytest.skip(
        "Chromium is not installed, so no browser can open the SVG "
        "(Debian: apt-get install chromium; .ci/run installs it)"
    )


def test_chromium_renders_the_svg_as_a_nonblank_picture_of_the_requested_size(
    tmp_path: Path, chromium_flags: list[str]
):
    image_module = pytest.importorskip(
        "PIL.Image", reason="Pillow reads the screenshot; install the test extra: pip install -e '.[test]'"
    )
    browser = chromium()
    x, w = Value(2.0, name="x1"), Value(-3.0, name="w[1]_11")
    out = (x * w + 1.0).tanh()
    out.backward()
    picture = draw(out).save(tmp_path / "graph.svg")
    screenshot = tmp_path / "screenshot.png"
    command = [
        browser,
        "--headless",
        *chromium_flags,
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={screenshot}",
        f"--window-size={WIDTH},{HEIGHT}",
        picture.resolve().as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert screenshot.exists(), f"Chromium wrote no screenshot (exit {result.returncode}): {result.stderr[-2000:]}"
    with image_module.open(screenshot) as image:
        assert image.size == (WIDTH, HEIGHT)
        colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=WIDTH * HEIGHT)}
        drawn = image.convert("L").point(lambda level: 255 if level < 250 else 0).getbbox()
    # The picture has the size the SVG declares (points; a browser shows 96 px per 72 pt), less Graphviz's margin.
    declared = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', picture.read_text(encoding="utf-8"))
    assert declared is not None and drawn is not None
    width, height = (float(size) * 96 / 72 for size in declared.groups())
    assert width < WIDTH and height < HEIGHT
    assert 0.9 * width <= drawn[2] <= width + 1 and 0.8 * height <= drawn[3] <= height + 1
    # Not blank: the drawing's fills are there (the input's blue, the parameter's orange, the output's
    # green, as draw's legend defines them), and dark text on them.
    for fill in ((0xA9, 0xD3, 0xF5), (0xFF, 0xC5, 0x8A), (0xA8, 0xE6, 0xA1)):
        assert fill in colours, f"colour {fill} of the drawing is missing from the screenshot"
    assert any(sum(colour) < 150 for colour in colours), "no dark pixels: the text is missing"

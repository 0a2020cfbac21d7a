"""Line plots of numbers over steps (a loss, an iterate), drawn by the Graphviz the core install already has.

`line_plot` places every point, tick and label at a fixed position in a DOT
picture and lets Graphviz's ``neato`` render it, so the same `Graph` that
computation graphs use writes .svg, .png and .pdf files without matplotlib.
A value that is not finite (a run that diverged) ends its line, and the
plot says where. When the values span more than `LOG_SPAN` and are all
positive, the y axis is logarithmic, so a loss that falls from 10 to 1e-6
stays readable.

>>> picture = line_plot([("α = 0.1", [4.0, 2.0, 1.0])], title="loss", x_label="step", y_label="C")
>>> picture.layout
'neato'
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd.views.draw import Graph
from autograd.views.explain import format_number

PLOT_SUFFIXES = (".svg", ".png", ".pdf")
"""The file extensions a plot can be saved with."""

LOG_SPAN = 100.0
"""Positive values whose largest is more than this many times the smallest get a logarithmic y axis."""

WIDTH, HEIGHT = 480.0, 280.0
"""The plotting area in points; the axes' labels and the legend sit around it."""

_LEFT, _BOTTOM = 80.0, 60.0
_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def line_plot(
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    x_label: str,
    y_label: str,
    log_y: bool | None = None,
    log_note: str = " (log scale)",
    diverged_note: str = "diverged after step {step}",
) -> Graph:
    """A plot of each named series against its index 0, 1, 2, ... (one colour each, with a legend).

    Args:
        series: (name, values) pairs; values may contain inf or nan where a run diverged.
        title, x_label, y_label: text around the plot (kept inert: quoted for DOT).
        log_y: a logarithmic y axis; None chooses one when the values span more than `LOG_SPAN`.
        log_note, diverged_note: the words after the y label of a logarithmic axis, and at the end
            of a diverged line (``{step}``: its last finite step); a caller writing another language passes its own.
    """
    if not series or not all(len(values) for _, values in series):
        raise ValueError("line_plot needs at least one series with at least one value")
    finite = [v for _, values in series for v in values if math.isfinite(v)]
    if not finite:
        raise ValueError("line_plot: every value is inf or nan, so there is nothing to draw")
    positive = all(v > 0 for v in finite)
    if log_y is None:
        log_y = positive and max(finite) > LOG_SPAN * min(finite)
    elif log_y and not positive:
        raise ValueError("a logarithmic y axis needs positive values; draw this plot with log_y=False")
    scale = _Scale(finite, log_y)
    steps = max(len(values) for _, values in series) - 1
    lines = [
        "graph plot {",
        '  graph [bgcolor=white, pad=0.3, inputscale=72, overlap=true, outputorder=edgesfirst, splines=line];',
        '  node [shape=point, width=0.02, height=0.02, label="", fontname="Helvetica", fontsize=11];',
        "  edge [penwidth=1];",
    ]
    lines += _text("title", title, _LEFT + WIDTH / 2, _BOTTOM + HEIGHT + 36, size=14)
    lines += _axes(scale, steps, x_label, y_label + (log_note if scale.log else ""))
    for number, (name, values) in enumerate(series):
        colour = _COLOURS[number % len(_COLOURS)]
        lines += _polyline(f"s{number}", values, steps, scale, colour, diverged_note)
        lines += _legend(number, name, colour)
    lines.append("}")
    return Graph("\n".join(lines) + "\n", layout="neato")


class _Scale:
    """Where a value sits on the y axis (linear or logarithmic), and the ticks to label."""

    def __init__(self, values: list[float], log: bool) -> None:
        self.log = log
        low, high = min(values), max(values)
        if log:
            low, high = math.floor(math.log10(low)), math.ceil(math.log10(high))
        if high == low:
            low, high = low - 1, high + 1
        self.low, self.high = low, high

    def y(self, value: float) -> float:
        position = math.log10(value) if self.log else value
        return _BOTTOM + HEIGHT * (position - self.low) / (self.high - self.low)

    def ticks(self) -> list[tuple[float, str]]:
        if self.log:
            every = max(1, math.ceil((self.high - self.low) / 8))
            return [(10.0**e, f"1e{e:+d}") for e in range(int(self.low), int(self.high) + 1, every)]
        step = _nice_step((self.high - self.low) / 5)
        first = math.ceil(self.low / step)
        ticks = []
        for i in range(first, int(math.floor(self.high / step)) + 1):
            value = i * step
            ticks.append((value, format_number(value, 4)))
        return ticks


def _nice_step(rough: float) -> float:
    """1, 2 or 5 times a power of ten, the smallest not below `rough`."""
    power = 10.0 ** math.floor(math.log10(rough))
    for factor in (1.0, 2.0, 5.0, 10.0):
        if factor * power >= rough:
            return factor * power
    return 10.0 * power


def _x(step: int, steps: int) -> float:
    return _LEFT + WIDTH * step / max(steps, 1)


def _axes(scale: _Scale, steps: int, x_label: str, y_label: str) -> list[str]:
    lines = [
        f'  origin [pos="{_LEFT},{_BOTTOM}!", style=invis]; xend [pos="{_LEFT + WIDTH},{_BOTTOM}!", style=invis]; '
        f'yend [pos="{_LEFT},{_BOTTOM + HEIGHT}!", style=invis];',
        "  origin -- xend; origin -- yend;",
    ]
    x_step = max(1, int(_nice_step(max(steps, 1) / 8)))
    for step in range(0, steps + 1, x_step):
        x = _x(step, steps)
        lines.append(
            f'  xt{step} [pos="{x},{_BOTTOM - 5}!", style=invis]; xt{step}b [pos="{x},{_BOTTOM}!", style=invis]; '
            f"xt{step} -- xt{step}b;"
        )
        lines += _text(f"xl{step}", str(step), x, _BOTTOM - 16)
    for number, (value, label) in enumerate(scale.ticks()):
        y = scale.y(value)
        lines.append(
            f'  yt{number} [pos="{_LEFT - 5},{y}!", style=invis]; yg{number} [pos="{_LEFT + WIDTH},{y}!", style=invis]; '
            f'yt{number} -- yg{number} [color="#dddddd"];'
        )
        lines += _text(f"yl{number}", label, _LEFT - 30, y)
    lines += _text("xlabel", x_label, _LEFT + WIDTH / 2, _BOTTOM - 38)
    lines += _text("ylabel", y_label, _LEFT - 30, _BOTTOM + HEIGHT + 14)
    return lines


def _polyline(
    prefix: str, values: Sequence[float], steps: int, scale: _Scale, colour: str, diverged_note: str
) -> list[str]:
    lines = []
    previous = None
    for step, value in enumerate(values):
        if not math.isfinite(value) or (scale.log and value <= 0):
            if previous is not None:
                x, y = _x(previous, steps), scale.y(values[previous])
                lines += _text(f"{prefix}end", diverged_note.format(step=previous), x, y + 12, colour=colour)
            break
        node = f"{prefix}p{step}"
        lines.append(f'  {node} [pos="{_x(step, steps)},{scale.y(value)}!", color="{colour}"];')
        if previous is not None:
            lines.append(f'  {prefix}p{previous} -- {node} [color="{colour}", penwidth=2];')
        previous = step
    return lines


def _legend(number: int, name: str, colour: str) -> list[str]:
    x, y = _LEFT + WIDTH + 20, _BOTTOM + HEIGHT - 16 * number
    return [
        f'  k{number}a [pos="{x},{y}!", style=invis]; k{number}b [pos="{x + 20},{y}!", style=invis];',
        f'  k{number}a -- k{number}b [color="{colour}", penwidth=2];',
        *_text(f"k{number}t", name, x + 28, y, anchor="l"),
    ]


def _text(node: str, text: str, x: float, y: float, *, size: int = 11, colour: str = "black", anchor: str = "c") -> list[str]:
    """A text label at (x, y); anchor 'l' puts its left end there instead of its centre."""
    label = _quoted(text)
    if anchor == "l":
        x += 3.2 * len(text)  # about half the width of the text at 11 points
    return [
        f'  {node} [shape=plaintext, width=0, height=0, margin=0, pos="{x},{y}!", label={label}, '
        f'fontsize={size}, fontcolor="{colour}"];'
    ]


def _quoted(text: str) -> str:
    """`text` as a DOT string that shows exactly those characters (no escapes, no HTML, no record fields)."""
    inert = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{inert}"'

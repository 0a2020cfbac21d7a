"""Switches that change how operations record the graph: `no_grad` and `detect_anomaly`.

Both are context managers that restore the previous setting on exit, also when
the block raises, and both nest. The state is process-wide (not per thread),
like the rest of this single-threaded teaching engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class _Modes:
    """The current switches; read by every operation, so kept to two plain attributes."""

    __slots__ = ("recording", "anomaly")

    def __init__(self) -> None:
        self.recording = True
        self.anomaly = False


state = _Modes()


@contextmanager
def no_grad() -> Iterator[None]:
    """Operations inside the block build no graph: their results are leaves.

    Use it for parameter updates and for inference, where recording parents and
    local derivatives would only cost time and memory::

        with no_grad():
            for p in params:
                p.data -= learning_rate * p.grad
    """
    previous = state.recording
    state.recording = False
    try:
        yield
    finally:
        state.recording = previous


def is_grad_enabled() -> bool:
    """True unless inside `no_grad()`."""
    return state.recording


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Inside the block, the first non-finite number raises `FloatingPointError`.

    Forward: a result that is inf or nan names the operation and its operands.
    Backward: a gradient contribution that is inf or nan names the operation
    whose local derivative produced it. Off by default because it checks every node.
    """
    previous = state.anomaly
    state.anomaly = True
    try:
        yield
    finally:
        state.anomaly = previous

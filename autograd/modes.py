"""Switches that change how operations record the graph: `no_grad` and `detect_anomaly`.

Both are context managers that restore the previous setting on exit, also when
the block raises, and both nest. The switches are per thread, as PyTorch's
grad mode is: ``no_grad()`` in one thread leaves the graphs that other threads
build untouched. A new thread starts with the defaults (recording on, anomaly
detection off), whatever the thread that started it had switched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class _Modes(threading.local):
    """The current switches of this thread; read by every operation.

    The class attributes are the defaults that every thread starts with; a
    thread that switches a mode gets its own value, which no other thread sees.
    """

    recording: bool = True
    anomaly: bool = False
    comparison_guard: Callable[[Any, object, str], None] | None = None
    """Called by Value's ``<``, ``<=``, ``>``, ``>=`` with (value, other, symbol) while `autograd.compile` traces."""


state = _Modes()

blocks_open = [0]
"""How many `no_grad`, `enable_grad` and `detect_anomaly` blocks are open, in all threads together.

While it is 0 every thread has the defaults, so making a node needs no look at
`state`: reading a thread-local costs about as much as the rest of making a
node, and the forward pass makes one node per operation. It is a one-item list
so that a module that imported it sees it change."""

_blocks_lock = threading.Lock()


@contextmanager
def _switched(mode: str, setting: bool) -> Iterator[None]:
    """Set this thread's `mode` inside the block, restore it on exit (also when the block raises)."""
    with _blocks_lock:
        blocks_open[0] += 1
    previous = getattr(state, mode)
    setattr(state, mode, setting)
    try:
        yield
    finally:
        setattr(state, mode, previous)
        with _blocks_lock:
            blocks_open[0] -= 1


@contextmanager
def no_grad() -> Iterator[None]:
    """Operations inside the block build no graph: their results are leaves.

    Use it for parameter updates and for inference, where recording parents and
    local derivatives would only cost time and memory::

        with no_grad():
            for p in params:
                p.data -= learning_rate * p.grad
    """
    with _switched("recording", False):
        yield


@contextmanager
def enable_grad() -> Iterator[None]:
    """Operations inside the block record the graph, also inside an enclosing `no_grad()` (as torch.enable_grad)."""
    with _switched("recording", True):
        yield


def is_grad_enabled() -> bool:
    """True unless inside `no_grad()`."""
    return state.recording


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Inside the block, the first non-finite number raises `FloatingPointError`.

    Forward: a result that is inf or nan names the operation and its operands.
    Backward: first, a node whose value no longer follows from its operands
    (``.data`` changed after the forward pass) is a ValueError naming it; then a
    gradient contribution that is inf or nan names the operation whose local
    derivative produced it. Off by default because it checks every node.
    """
    with _switched("anomaly", True):
        yield

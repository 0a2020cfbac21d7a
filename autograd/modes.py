"""Switches that change how operations record the graph: `no_grad` and `detect_anomaly`.

Both are context managers that withdraw their setting on exit, also when the
block raises or when blocks end out of order, and both nest (the innermost
open block decides). The switches are per thread, as PyTorch's
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
    """The current switches of this thread; read by every operation while a mode block is open somewhere.

    Each thread keeps the blocks it has open, innermost last, and a switch is
    the setting of the innermost open block that sets it (the default when
    none does). A block removes its own entry when it ends, so blocks that end
    out of order (asyncio tasks or generators interleaved in one thread, a
    generator closed from another thread) still leave the defaults once all
    have ended, as the shared count `blocks_open` then says.
    """

    comparison_guard: Callable[[Any, object, str], None] | None = None
    """Called by Value's ``<``, ``<=``, ``>``, ``>=`` with (value, other, symbol) while `autograd.compile` traces."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, bool]] = []

    @property
    def recording(self) -> bool:
        """Whether operations record the graph (off inside `no_grad`)."""
        return self._setting("recording", True)

    @property
    def anomaly(self) -> bool:
        """Whether every number is checked (on inside `detect_anomaly`)."""
        return self._setting("anomaly", False)

    def _setting(self, mode: str, default: bool) -> bool:
        for switched, setting in reversed(self.blocks):
            if switched == mode:
                return setting
        return default


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
    """Set `mode` in this thread inside the block; at its end the block's own entry goes, whatever ended before it."""
    entry = (mode, setting)
    blocks = state.blocks  # this thread's, also if the block is ended from another thread (a generator closed there)
    with _blocks_lock:
        blocks_open[0] += 1
    blocks.append(entry)
    try:
        yield
    finally:
        for position in range(len(blocks) - 1, -1, -1):
            if blocks[position] is entry:
                del blocks[position]
                break
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

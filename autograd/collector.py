"""Python's cycle collector and scalargrad graphs: `cyclic_gc_paused`.

A graph holds no reference cycles (a node refers to its parents, never to its
children or to itself), so it is freed by reference counting the moment its
output is dropped; the cycle collector never finds anything in it. It still
runs while a graph is built, because every node, parents tuple and constant
is an object it tracks, and each of its passes walks the nodes that are still
alive: building a 100,000-step chain spends most of its time there.

scalargrad never switches the collector off on its own (only `nn.train.fit`
pauses it, inside its loop). This context manager is the explicit way to do
the same in your own loop.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector inside the block, then restore its previous state.

    Reference counting still frees every graph dropped inside the block; only
    reference cycles made by other code wait until the collector runs again::

        with autograd.cyclic_gc_paused():
            for step in range(1000):
                loss = model_loss()
                loss.backward()
                ...
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

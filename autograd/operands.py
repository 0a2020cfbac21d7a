"""How a node keeps its operands: in two slots of its own, not in a tuple.

`Value.parents` reads as a tuple, but a tuple per node was 56 of the 160
bytes of an ``x * y`` node, and a second object per node for Python's cyclic
garbage collector to walk while a graph is built (for a deep chain, the
collector was about half of building it). So a node stores

==============  ======================  ==========================
operands        ``_first``              ``_second``
==============  ======================  ==========================
none (a leaf)   ``None``                ``None``
one             the operand             ``None``
two             the first operand       the second operand
three or more   the tuple of operands   `SEVERAL`
==============  ======================  ==========================

`pack` turns a tuple of operands into the two slots, and `unpack` (what
the property `Value.parents` returns) reads them back as a tuple. The loops of `autograd.backprop`
read the two slots directly; everything else reads ``.parents``.
"""

from __future__ import annotations

from typing import Any


class _Several:
    """The type of `SEVERAL`, for a readable repr."""

    def __repr__(self) -> str:
        return "SEVERAL"


SEVERAL: Any = _Several()
"""In ``_second``: the node has three or more operands, and ``_first`` holds their tuple."""


def pack(parents: tuple[Any, ...]) -> tuple[Any, Any]:
    """The two slots that hold `parents`."""
    if len(parents) == 2:
        return parents[0], parents[1]
    if len(parents) == 1:
        return parents[0], None
    if not parents:
        return None, None
    return parents, SEVERAL


def unpack(first: Any, second: Any) -> tuple[Any, ...]:
    """The tuple of operands that the two slots hold."""
    if second is None:
        return () if first is None else (first,)
    if second is SEVERAL:
        return first  # type: ignore[no-any-return]
    return (first, second)

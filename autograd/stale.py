"""Finding numbers that changed after the forward pass, before backward mixes them with the old ones.

Backward reads every node's ``.data`` as it is *now*: ∂(a·b)/∂a is the current
``b.data``, ∂tanh/∂a uses the node's stored output. Setting ``p.data`` after
the forward pass (an optimizer step, a manual edit) and then calling
``backward()`` on the old graph therefore mixes new inputs with old outputs.
PyTorch finds this with a version counter on every tensor; here, inside
`autograd.detect_anomaly()`, backward first recomputes each node from its
parents' current numbers with the engine's own forward rules and raises if one
differs. Outside that mode the check is skipped, since it costs about one more
forward pass.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd import scalar

_Rule = Callable[[Any, list[float]], float]

_FORWARD: dict[str, _Rule] = {
    "+": lambda node, x: x[0] + x[1],
    "-": lambda node, x: x[0] - x[1],
    "*": lambda node, x: x[0] * x[1],
    "/": lambda node, x: scalar.divide(x[0], x[1]),
    "neg": lambda node, x: -x[0],
    "abs": lambda node, x: abs(x[0]),
    "**": lambda node, x: scalar.power(x[0], x[1]),
    "leaky_relu": lambda node, x: scalar.leaky_relu(x[0], node.local_grads.slope),
    "clamp": lambda node, x: scalar.clamp(x[0], node.local_grads.low, node.local_grads.high),
    "sum": lambda node, x: builtins.sum(x),
    "logsumexp": lambda node, x: scalar.logsumexp(x),
    **{
        name: (lambda rule: lambda node, x: rule(x[0]))(getattr(scalar, name))
        for name in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "softplus", "sin", "cos")
    },
}
"""op -> the forward rule `autograd.value` computed the node with, from its parents' numbers."""


def _forward_rule(op: str) -> _Rule | None:
    if op.startswith("**") and op != "**":  # x ** c: the constant c is kept with the local derivative
        return lambda node, x: scalar.power(x[0], node.local_grads.exponent)
    return _FORWARD.get(op)


def check_unchanged(order: Sequence[Any]) -> None:
    """Raise ValueError naming the first node whose stored value no longer follows from its parents' numbers."""
    for node in order:
        rule = _forward_rule(node.op) if node.parents else None
        if rule is None:
            continue
        operands = [parent.data for parent in node.parents]
        try:
            now = rule(node, operands)
        except (ArithmeticError, ValueError):
            now = math.nan
        if now != node.data and not (math.isnan(now) and math.isnan(node.data)):
            shown = ", ".join(f"{parent.name or 'operand'}={value!r}" for parent, value in zip(node.parents, operands))
            label = f"the {node.op!r} node" + (f" {node.name!r}" if node.name is not None else "")
            raise ValueError(
                f"a number changed after the forward pass: {label} holds {node.data!r}, "
                f"but its operands now give {now!r} ({shown}). Backward would mix old and new numbers; "
                "run the forward pass again after changing .data (e.g. after optimizer.step()), then call backward()"
            )

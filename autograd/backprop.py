"""Reverse-mode differentiation: the topological order and the chain rule, in one place.

`propagate` is the only code that applies the chain rule. For each node, from
the output back to the inputs, it asks the node's local-derivative function for
∂node/∂parent and adds ``local × upstream`` to each parent's gradient. A parent
reached along several paths (a reused node, ``x*x``, a diamond) receives one
contribution per path, and the contributions add up: that is the multivariable
chain rule.

`backward` (which fills ``.grad``) and `grad` (which returns gradients, and with
``create_graph=True`` returns them as differentiable Values) both call it.

This module sits below `autograd.value` (``Value.backward`` calls it), so it
does not import `Value`: it works on anything shaped like a node, `Node`.
The loops that visit every node read how a `Value` stores it, which is
quicker than its properties: its parents in ``_first`` and ``_second``
(`autograd.operands`) and its local-derivative function in ``_tag``
(`autograd.value.Tag`). `topological_order` reads ``.parents`` of a node of
another class instead, and `propagate` reads the properties; plain
`backward`'s fast loops take only Values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any, Literal, Protocol, TypeVar, overload, runtime_checkable

from autograd.i18n import Catalog
from autograd.modes import enable_grad, state
from autograd.operands import SEVERAL, pack
from autograd.scalar import python_reason
from autograd.stale import check_unchanged

_ = Catalog("autograd")


@runtime_checkable
class Node(Protocol):
    """What backpropagation reads and writes on a graph node; `autograd.Value` is one."""

    data: float
    grad: float
    op: str
    parents: tuple[Any, ...]
    local_grads: Callable[..., tuple[Any, ...]] | None


N = TypeVar("N", bound=Node)


def is_node(x: object) -> bool:
    """``isinstance(x, Node)``, remembered for a class once one of its objects passed.

    The protocol's own check looks up every attribute of `Node` on each call,
    about 20 µs, and `grad` made two per input. A failed check is not
    remembered: it is a single object's (a node whose slots are not set yet).
    """
    cls = type(x)
    if cls in _NODE_CLASSES:
        return True
    if isinstance(x, Node):
        _NODE_CLASSES.add(cls)
        return True
    return False


_NODE_CLASSES: set[type] = set()
"""The classes of which an object passed `is_node`."""


def topological_order(root: N) -> list[N]:
    """Every node that `root` depends on, each after all of its parents, `root` last.

    Operands are visited left to right, so the order reads like the forward
    computation as written (``x*w + b`` gives x, w, x*w, b, ...).

    Iterative depth-first search, so the depth of the graph is limited by memory,
    not by Python's recursion limit (a 1,000,000-deep chain is fine).
    """
    if not is_node(root):
        raise TypeError(f"expected a Value to differentiate, got {type(root).__name__}")
    order: list[N] = []
    expanded: set[N] = set()
    # A node is expanded once, when first popped: a leaf is ordered at once; an
    # operation goes back on the stack under the marker `_PARENTS_ORDERED`, with
    # its parents above both, and is ordered when the marker comes off, after
    # all of them (a parent popped when already expanded is skipped). Marking
    # nodes when *pushed* instead would be wrong: in y = h·tanh(h), tanh(h)
    # could then be ordered before h. The stack holds bare nodes, not (node,
    # state) pairs: a tuple per edge was about a third of this loop's time.
    stack: list[Any] = [root]
    pop, extend, append, expand = stack.pop, stack.extend, order.append, expanded.add
    while stack:
        node = pop()
        if node is _PARENTS_ORDERED:
            append(pop())
            continue
        if node in expanded:
            continue
        expand(node)
        try:
            first, second = node._first, node._second  # a Value's parents (see the module's docstring)
        except AttributeError:
            first, second = pack(tuple(node.parents))  # a node of another class
        if second is None:
            if first is None or first in expanded:
                append(node)  # a leaf, or an operation whose one operand is ordered already
            else:
                extend((node, _PARENTS_ORDERED, first))
        elif second is not SEVERAL:
            # Most operations are binary, and their operands are often ordered
            # already (a weight, an activation used by every neuron of the next
            # layer): only the others are pushed, and with none the node is
            # ordered at once. (In a graph without cycles, an expanded operand
            # is an ordered one.)
            if second in expanded:
                if first in expanded:
                    append(node)
                    continue
                extend((node, _PARENTS_ORDERED, first))
            elif first in expanded:
                extend((node, _PARENTS_ORDERED, second))
            else:
                extend((node, _PARENTS_ORDERED, second, first))
        else:
            extend((node, _PARENTS_ORDERED))
            extend(first[::-1])  # reversed, so the first operand is ordered first
    return order


_PARENTS_ORDERED = object()
"""Stack marker in `topological_order`: the node below it has all its parents ordered."""


@overload
def propagate(
    order: Sequence[N],
    seed: Any,
    differentiable: bool,
    on_step: Callable[[N, N, Any, Any, Any], None] | None = None,
    *,
    into_grad: Literal[False] = False,
) -> dict[N, Any]: ...
@overload
def propagate(
    order: Sequence[N],
    seed: Any,
    differentiable: bool,
    on_step: Callable[[N, N, Any, Any, Any], None] | None = None,
    *,
    into_grad: Literal[True],
) -> None: ...
def propagate(
    order: Sequence[N],
    seed: Any,
    differentiable: bool,
    on_step: Callable[[N, N, Any, Any, Any], None] | None = None,
    *,
    into_grad: bool = False,
) -> dict[N, Any] | None:
    """Apply the chain rule from ``order[-1]`` (whose gradient is `seed`) back to every node.

    Returns ∂output/∂node for every node that the output depends on through a
    differentiable path. With ``differentiable=False`` gradients are floats and
    local derivatives are evaluated on the nodes' data; with ``True`` they are
    evaluated on the nodes themselves, so every gradient is a graph node too.

    With ``into_grad=True`` (what `backward` asks for) nothing is returned:
    each node's ``.grad`` is set to 0 and the contributions are added to it
    directly, so afterwards it holds the node's gradient from this pass. That
    is how backward spends its time on the chain rule rather than on a table;
    without it no ``.grad`` is touched (what `grad` and `explain` need).

    `on_step`, if given, is called for every edge as it is processed, with
    ``(node, parent, local, upstream, contribution)``; a node's edges come one
    after another in the order of ``node.parents``. Derivations are written
    from these records, so they show exactly what the engine computed.
    """
    check = state.anomaly
    observed = check or on_step is not None
    output = order[-1]
    grads: dict[N, Any] = {}
    if into_grad:
        for node in order:
            node.grad = 0.0
        output.grad = seed
    else:
        grads[output] = seed
    node = output
    upstream: Any  # a float, or a Value when differentiable
    try:
        for node in reversed(order):
            local_grads = node.local_grads
            if local_grads is None:
                continue
            if into_grad:
                upstream = node.grad
            else:
                upstream = grads.get(node)
                if upstream is None:
                    continue
            parents = node.parents
            if differentiable:
                local_derivatives = local_grads(node, *parents)
            elif len(parents) == 2:
                local_derivatives = local_grads(node.data, parents[0].data, parents[1].data)
            elif len(parents) == 1:
                local_derivatives = local_grads(node.data, parents[0].data)
            else:
                local_derivatives = local_grads(node.data, *[p.data for p in parents])
            if len(local_derivatives) != len(parents):
                raise _wrong_count(node, local_derivatives)
            for parent, local in zip(parents, local_derivatives):
                contribution = local * upstream  # the chain rule: ∂out/∂parent = ∂out/∂node · ∂node/∂parent
                if observed:
                    if check:
                        _check_finite(contribution, node, parent)
                    if on_step is not None:
                        on_step(node, parent, local, upstream, contribution)
                if into_grad:
                    parent.grad += contribution
                else:
                    previous = grads.get(parent)
                    grads[parent] = contribution if previous is None else previous + contribution
    except FloatingPointError:
        raise  # already names the operation (detect_anomaly)
    except (ArithmeticError, ValueError) as error:
        raise _undefined_derivative(node, error, FloatingPointError if check else type(error)) from error
    return None if into_grad else grads


def _propagate_floats_into_grad(order: Sequence[Any], seed: float) -> None:
    """`propagate` with ``into_grad=True`` for plain `backward`: float gradients, nothing observed.

    Every ``.grad`` in `order` must be 0 already: `_order_marking_gradients`
    leaves its mark there, which is a zero. Then this is the general loop of
    `propagate`, edge for edge and in the same order, so every gradient is the
    same float to the last bit (tested).
    It is written out for one and two operands because those are almost all
    nodes, and iterating ``zip(parents, local_derivatives)`` for two edges took
    about 40% of the pass; an operation with more operands takes the loop.
    The nodes are stored as `Value` stores them (see the module's docstring).
    """
    node = order[-1]
    node.grad = seed
    try:
        for node in reversed(order):
            local_grads = node._tag.local_grads  # what the property .local_grads reads, without its call
            if local_grads is None:
                continue
            upstream = node.grad
            first, second = node._first, node._second  # the operands, as `autograd.operands` keeps them
            if second is None:
                if first is not None:
                    (local_first,) = local_grads(node.data, first.data)
                    first.grad += local_first * upstream  # the chain rule, as in `propagate`
                    continue
            elif second is not SEVERAL:
                local_first, local_second = local_grads(node.data, first.data, second.data)
                first.grad += local_first * upstream
                second.grad += local_second * upstream
                continue
            parents = node.parents
            local_derivatives = local_grads(node.data, *[p.data for p in parents])
            if len(local_derivatives) != len(parents):
                raise _wrong_count(node, local_derivatives)
            for parent, local in zip(parents, local_derivatives):
                parent.grad += local * upstream
    except (ArithmeticError, ValueError) as error:
        # Unpacking a one- or two-operand node's derivatives fails with a ValueError too when there are too many.
        try:
            derivatives = node.local_grads(node.data, *[p.data for p in node.parents])  # type: ignore[misc]
        except (ArithmeticError, ValueError):
            derivatives = node.parents  # it fails on its own: an undefined derivative
        if len(derivatives) != len(node.parents):
            raise _wrong_count(node, derivatives) from None
        raise _undefined_derivative(node, error, type(error)) from error


def _wrong_count(node: Node, local_derivatives: Sequence[Any]) -> TypeError:
    """A hand-made local-derivative function must give one derivative per operand, or the chain rule would skip some."""
    return TypeError(
        f"the local-derivative function of {node.op!r} gave {len(local_derivatives)} derivatives for "
        f"{len(node.parents)} operands; it must return one per operand, in the order of .parents"
    )


def _undefined_derivative(node: Node, error: Exception, kind: type[Exception]) -> Exception:
    """The error for a local derivative that cannot be evaluated at the node's operands, saying what to do."""
    inputs = ", ".join(f"{p.data!r}" for p in node.parents)
    return kind(
        _(
            "the derivative of {op!r} at ({inputs}) is undefined or infinite: {reason}; "
            "move the input away from that point (e.g. add a small epsilon)"
        ).format(op=node.op, inputs=inputs, reason=python_reason(error))
    )


def _check_finite(contribution: Any, node: Node, parent: Node) -> None:
    number = getattr(contribution, "data", contribution)  # a float, or a Value when differentiable
    if not math.isfinite(number):
        inputs = ", ".join(f"{p.data!r}" for p in node.parents)
        raise FloatingPointError(
            f"backward through {node.op!r} (operands {inputs}) gave the gradient {number!r} "
            f"for operand {parent!r}"
        )


def _order_to_differentiate(root: N) -> list[N]:
    """`root`'s topological order; under `detect_anomaly`, after checking that no ``.data`` changed since the forward pass."""
    order = topological_order(root)
    if state.anomaly:
        check_unchanged(order)
    return order


def backward(root: Node, seed: float = 1.0) -> None:
    """Set ``.grad`` of every node below `root`: recomputed on non-leaves, accumulated on leaves.

    A leaf's gradient from this pass is added to the ``.grad`` it had before in
    one addition, so calling backward twice gives exactly twice the gradient.
    If the pass fails (an undefined derivative, `detect_anomaly`), the leaves
    keep the gradients they had; those of intermediate nodes are incomplete.

    Under `detect_anomaly` (or for a node that is not a `Value`) it takes the
    general `topological_order` and `propagate`, which check every step.
    Otherwise it takes their versions written for this one case, which give
    the same order and the same floats (tested): `_order_marking_gradients`
    and `_propagate_floats_into_grad`.
    """
    order: list[Node] = []
    holding: list[Node] = []  # the leaves that held a gradient before this pass,
    earlier: list[float] = []  # and those gradients
    try:
        if state.anomaly or not hasattr(root, "_tag"):  # checking every step, or a node that is not a Value
            order += _order_to_differentiate(root)
            holding += [node for node in order if node.local_grads is None and node.grad]
            earlier += [leaf.grad for leaf in holding]
            propagate(order, seed, differentiable=False, into_grad=True)
        else:
            _order_marking_gradients(root, order, holding, earlier)
            _propagate_floats_into_grad(order, seed)
        for leaf, gradient in zip(holding, earlier):
            leaf.grad += gradient
    except BaseException:  # also KeyboardInterrupt while ordering: the leaves get their gradients back
        for node in order:
            if node.local_grads is None:
                node.grad = 0.0
        for leaf, gradient in zip(holding, earlier):
            leaf.grad = gradient
        raise


def _order_marking_gradients(root: Node, order: list[Node], holding: list[Node], earlier: list[float]) -> None:
    """`topological_order` for `backward`, which is about to overwrite every ``.grad`` below `root` anyway.

    The same depth-first search, giving the same order (tested), but a node is
    marked as expanded by setting its ``.grad`` to a float object made for
    this call, and recognised by identity, instead of being put in a set: on
    a 400,000-node chain that is a third less time, and the pass that zeroed
    every gradient is no longer needed. Fills `order`, and, so that backward
    can add the leaves' earlier gradients back, `holding` with the leaves
    (nodes without a local-derivative function) that held a gradient other
    than 0 and `earlier` with those gradients, each read before its node is
    marked. The caller owns the lists, so if ordering is interrupted it can
    still put back what was read. `topological_order` itself never writes
    ``.grad``: drawing or pickling a graph must leave it as it is, also while
    another thread reads it.
    """
    if not is_node(root):
        raise TypeError(f"expected a Value to differentiate, got {type(root).__name__}")
    # A new object on every call, so a mark left by an interrupted pass means nothing; its value
    # is 0.0, so every gradient of the pass starts from it as `propagate` starts from 0.
    expanded = float("0.0")
    stack: list[Any] = [root]
    pop, extend, append = stack.pop, stack.extend, order.append
    while stack:
        node = pop()
        if node is _PARENTS_ORDERED:
            append(pop())
            continue
        gradient = node.grad
        if gradient is expanded:
            continue
        if gradient and node._tag.local_grads is None:
            holding.append(node)  # first: interrupted before the next line, it still holds its gradient
            earlier.append(gradient)
        node.grad = expanded
        first, second = node._first, node._second  # the operands, as `autograd.operands` keeps them
        if second is None:
            if first is None or first.grad is expanded:
                append(node)  # a leaf, or one operand that is ordered already
            else:
                extend((node, _PARENTS_ORDERED, first))
        elif second is not SEVERAL:
            if second.grad is expanded:
                if first.grad is expanded:
                    append(node)
                    continue
                extend((node, _PARENTS_ORDERED, first))
            elif first.grad is expanded:
                extend((node, _PARENTS_ORDERED, second))
            else:
                extend((node, _PARENTS_ORDERED, second, first))
        else:
            extend((node, _PARENTS_ORDERED))
            extend(first[::-1])


def grad(output: N, inputs: Sequence[N], create_graph: bool = False) -> list[N]:
    """∂output/∂input for each input, returned as Values; ``.grad`` is left untouched.

    With ``create_graph=True`` the returned gradients are graph nodes built
    from the same local-derivative functions, so they can be differentiated in
    turn: second derivatives, Hessians, Newton's method. An input the output
    does not depend on gets a gradient of 0.
    """
    if not is_node(output):
        raise TypeError(f"grad's output must be a Value, got {type(output).__name__}")
    if is_node(inputs):
        raise TypeError("grad's inputs must be a list of Values; write grad(y, [x]) for one input")
    inputs = list(inputs)
    for position, node in enumerate(inputs):
        if not is_node(node):
            raise TypeError(f"grad's inputs[{position}] must be a Value, got {type(node).__name__}")
    # As in PyTorch, create_graph records the gradients' graph even inside no_grad(): they are asked to be differentiable.
    order = _order_to_differentiate(output)
    with enable_grad() if create_graph else nullcontext():
        grads = propagate(order, 1.0, differentiable=create_graph)
    result: list[N] = []
    for node in inputs:
        g = grads.get(node, 0.0)
        # A float gradient becomes a leaf of the input's own class, `Value`, which this module does not import.
        result.append(type(node)(g) if isinstance(g, float) else g)  # type: ignore[call-arg, arg-type]
    return result

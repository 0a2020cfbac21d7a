"""The graph node, `Value`, and every primitive operation on it.

Each operation is written in one pattern: compute the forward value with the
float rule from `autograd.scalar`, and record a *local-derivative function*
that gives ∂out/∂parent for each parent. The local-derivative functions sit
right above the operation that uses them. They take ``(out, *inputs)`` and
are written with operators and the `_on_either` helpers below, which work on
floats and on Values alike, so the same function serves:

* plain backward (called with floats: ``local(out.data, a.data, b.data)``), and
* differentiable backward for higher derivatives (called with the Values
  themselves, so the returned derivatives are new graph nodes).

Nothing else about backward lives here: the chain rule, ``parent.grad +=
local × upstream``, is applied in one place, `autograd.backprop`.

A node keeps references to its parents only, never to its children or to
itself, so a graph has no reference cycles and is freed by reference counting
the moment its output is dropped.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable
from numbers import Real
from typing import Any, Union

from autograd import backprop, scalar
from autograd.i18n import N_  # rules with words in them are translated where they are shown (autograd.explain)
from autograd.modes import blocks_open, state
from autograd.operands import pack, unpack

Operand = Union["Value", int, float]
LocalGrads = Callable[..., tuple[Any, ...]]


def describe(x: object) -> str:
    """How an error message names an argument it refuses: its type and its repr, clipped to 40 characters."""
    text = repr(x)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(x).__name__} {text}"


def _real_number(x: object, what: str) -> float:
    """x as a float, or a TypeError that says what a real number is here."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(
            f"{what} must be a real number (int or float), got {describe(x)}; "
            "convert it with float(...) first"
        )
    try:
        return float(x)
    except OverflowError:
        raise OverflowError(f"{what} {describe(x)} is too large for a float (the limit is about 1.8e308)") from None


class Tag:
    """What a node is called and how it was made: its name, its operation and the local-derivative function.

    A node holds these three through one reference, its tag, and every
    unnamed node of an operation shares the operation's tag (`local_rules`
    makes it), as every unnamed leaf shares `_LEAF`. So a node is five slots:
    its number, its gradient, two for its operands (`autograd.operands`) and
    its tag. That makes it smaller, and quicker for Python's cycle collector
    to walk, which it does again and again while a large graph is built
    (seven slots took it about 15% longer). A tag never changes: naming a
    node, or setting its ``op`` or ``local_grads`` by hand, gives the node a
    tag of its own (`_tag_for`).
    """

    __slots__ = ("op", "local_grads", "name")

    def __init__(self, op: str, local_grads: LocalGrads | None, name: str | None = None) -> None:
        self.op = op
        self.local_grads = local_grads
        self.name = name


_LEAF = Tag("", None)
"""The tag of every unnamed leaf: no operation, no local-derivative function."""


def _tag_for(op: str, local_grads: LocalGrads | None, name: str | None) -> Tag:
    """The shared tag of this operation (or of a leaf) when it fits and there is no name; otherwise a new one."""
    shared = _LEAF if local_grads is None else getattr(local_grads, "tag", None)
    if name is None and isinstance(shared, Tag) and shared.op == op and shared.local_grads is local_grads:
        return shared
    return Tag(op, local_grads, name)


def local_rules(*rules: str, op: str) -> Callable[[LocalGrads], LocalGrads]:
    """Attach the rule of each local derivative, as text, to the function that computes it, and the operation's tag.

    The text (one entry per parent, or one entry for all parents of an n-ary
    operation) is what derivations print beside the numbers, so the formula
    and the code that evaluates it are written in the same place. `op` is
    the operation's symbol (``'*'``, ``'tanh'``): every node the operation
    makes shares the tag ``Tag(op, local_grads)``.
    """

    def attach(local_grads: LocalGrads) -> LocalGrads:
        local_grads.rules = rules  # type: ignore[attr-defined]
        local_grads.__doc__ = "; ".join(rules)
        local_grads.tag = Tag(op, local_grads)  # type: ignore[attr-defined]
        return local_grads

    return attach


def _on_either(method: str, float_rule: Callable[[float], float]) -> Callable[[Any], Any]:
    """A function a local derivative can call on a float (giving a float) or on a Value (giving a node)."""

    def apply(x: Any) -> Any:
        return getattr(x, method)() if isinstance(x, Value) else float_rule(x)

    return apply


def _power(base: Any, exponent: Any) -> Any:
    """base ** exponent inside a local derivative: a node for Values, `scalar.power` (engine-style errors) for floats."""
    if isinstance(base, Value) or isinstance(exponent, Value):
        return base**exponent
    return scalar.power(base, exponent)


_log, _sigmoid, _sin, _cos = (
    _on_either("log", scalar.log),
    _on_either("sigmoid", scalar.sigmoid),
    _on_either("sin", scalar.sin),
    _on_either("cos", scalar.cos),
)


class Value:
    """A scalar in a computation graph: its number, its gradient and how it was made.

    Attributes:
        data: the number (a float).
        grad: ∂(output)/∂(this node) after `backward()`; 0.0 until then.
        name: a label for drawings and derivations (``None`` if not given).
        op: the operation that produced this node (``'+'``, ``'*'``, ``'tanh'``, ...),
            ``''`` for a leaf (an input, a parameter or a constant).
        parents: the operand nodes, in operand order, duplicates kept
            (``x*x`` has parents ``(x, x)``).
        local_grads: ``f(out, *inputs) -> tuple`` giving ∂out/∂parent for each
            parent; ``None`` for a leaf.

    There is deliberately no ``float(value)``: ``math.exp(value)`` would then
    quietly return a float and cut the graph. Read ``value.data`` instead.

    Equality and hashing are by identity (``a == b`` only if they are the same
    node), so nodes can be dictionary keys and set members while a graph is
    walked. Ordering comparisons (``<``, ``<=``, ``>``, ``>=``) compare ``data``
    and return a bool; they are not recorded in the graph.
    """

    # The operands live in two slots rather than a tuple (see `autograd.operands`), and the name, the
    # operation and the local-derivative function in one `Tag`: five slots, the fewest for a node.
    __slots__ = ("data", "grad", "_first", "_second", "_tag")

    data: float
    grad: float
    _first: Any
    _second: Any
    _tag: Tag

    def __init__(self, data: float, name: str | None = None) -> None:
        if isinstance(data, Value):
            raise TypeError(
                "Value(...) got another Value; use the Value itself, or value.detach() "
                "for a copy that is cut off from its graph"
            )
        self.data = _real_number(data, "Value data")
        self.grad = 0.0
        self._first = self._second = None
        self._tag = _LEAF
        if name is not None:
            self.name = name

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operand nodes, in operand order, duplicates kept; ``()`` for a leaf."""
        return unpack(self._first, self._second)

    @parents.setter
    def parents(self, parents: tuple[Value, ...]) -> None:
        parents = tuple(parents)
        for position, parent in enumerate(parents):
            if not isinstance(parent, Value):
                raise TypeError(f"parents[{position}] must be a Value, got {describe(parent)}")
        self._first, self._second = pack(parents)

    @property
    def name(self) -> str | None:
        """A label for drawings, derivations and generated code (``None`` if not given)."""
        return self._tag.name

    @name.setter
    def name(self, name: str | None) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string or None, got {describe(name)}; write str(...) for a number")
        tag = self._tag
        self._tag = _tag_for(tag.op, tag.local_grads, name)

    @property
    def op(self) -> str:
        """The operation that made this node (``'+'``, ``'*'``, ``'tanh'``, ...); ``''`` for a leaf."""
        return self._tag.op

    @op.setter
    def op(self, op: str) -> None:
        tag = self._tag
        self._tag = _tag_for(op, tag.local_grads, tag.name)

    @property
    def local_grads(self) -> LocalGrads | None:
        """``f(out, *inputs) -> tuple``, ∂out/∂parent for each parent; ``None`` for a leaf."""
        return self._tag.local_grads

    @local_grads.setter
    def local_grads(self, local_grads: LocalGrads | None) -> None:
        tag = self._tag
        self._tag = _tag_for(tag.op, local_grads, tag.name)

    # ------------------------------------------------------------------ display

    def __repr__(self) -> str:
        parts = [f"data={self.data:.4g}", f"grad={self.grad:.4g}"]
        if self.op:
            parts.append(f"op={self.op!r}")
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        return f"Value({', '.join(parts)})"

    def __format__(self, spec: str) -> str:
        """``format(v, '.3f')`` formats the data; an empty spec gives ``str(v)``, as Python's convention asks."""
        return format(self.data, spec) if spec else str(self)

    # ------------------------------------------------------------- comparisons

    def __lt__(self, other: Operand) -> bool:
        return self.data < _compared(self, other, "<")

    def __le__(self, other: Operand) -> bool:
        return self.data <= _compared(self, other, "<=")

    def __gt__(self, other: Operand) -> bool:
        return self.data > _compared(self, other, ">")

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _compared(self, other, ">=")

    __hash__ = object.__hash__

    __array_ufunc__ = None
    """NumPy defers to Value's own operators, so ``array * v`` and ``v * array`` give the same TypeError
    (an array is not a scalar), instead of one of them building an object array; NumPy scalars are real
    numbers and work on either side."""

    # ---------------------------------------------------------------- arithmetic

    @staticmethod
    @local_rules("∂(a+b)/∂a = 1", "∂(a+b)/∂b = 1", op="+")
    def _add_local(out: Any, a: Any, b: Any) -> tuple[Any, ...]:
        return (1.0, 1.0)

    def __add__(self, other: Operand) -> Value:
        if type(other) is not Value:
            other = _operand(other, "+")
        return _node(self.data + other.data, self, other, Value._add_local)

    def __radd__(self, other: Operand) -> Value:
        return _operand(other, "+").__add__(self)

    @staticmethod
    @local_rules("∂(a−b)/∂a = 1", "∂(a−b)/∂b = −1", op="-")
    def _sub_local(out: Any, a: Any, b: Any) -> tuple[Any, ...]:
        return (1.0, -1.0)

    def __sub__(self, other: Operand) -> Value:
        if type(other) is not Value:
            other = _operand(other, "-")
        return _node(self.data - other.data, self, other, Value._sub_local)

    def __rsub__(self, other: Operand) -> Value:
        return _operand(other, "-").__sub__(self)

    @staticmethod
    @local_rules("∂(a·b)/∂a = b", "∂(a·b)/∂b = a", op="*")
    def _mul_local(out: Any, a: Any, b: Any) -> tuple[Any, ...]:
        return (b, a)

    def __mul__(self, other: Operand) -> Value:
        if type(other) is not Value:
            other = _operand(other, "*")
        return _node(self.data * other.data, self, other, Value._mul_local)

    def __rmul__(self, other: Operand) -> Value:
        return _operand(other, "*").__mul__(self)

    @staticmethod
    @local_rules("∂(a/b)/∂a = 1/b", "∂(a/b)/∂b = −a/b² = −out/b", op="/")
    def _div_local(out: Any, a: Any, b: Any) -> tuple[Any, ...]:
        return (1.0 / b, -out / b)

    def __truediv__(self, other: Operand) -> Value:
        other = _operand(other, "/")
        return _node(scalar.divide(self.data, other.data), self, other, Value._div_local)

    def __rtruediv__(self, other: Operand) -> Value:
        return _operand(other, "/").__truediv__(self)

    @staticmethod
    @local_rules("∂(−a)/∂a = −1", op="neg")
    def _neg_local(out: Any, a: Any) -> tuple[Any, ...]:
        return (-1.0,)

    def __neg__(self) -> Value:
        return _node(-self.data, self, None, Value._neg_local)

    @staticmethod
    @local_rules(N_("∂|a|/∂a = sign(a)  (0 at a = 0)"), op="abs")
    def _abs_local(out: Any, a: Any) -> tuple[Any, ...]:
        return (1.0 if a > 0 else -1.0 if a < 0 else 0.0,)

    def __abs__(self) -> Value:
        return _node(abs(self.data), self, None, Value._abs_local)

    @staticmethod
    @local_rules("∂(a^b)/∂a = b·a^(b−1)", "∂(a^b)/∂b = a^b·ln a", op="**")
    def _pow_local(out: Any, a: Any, b: Any) -> tuple[Any, ...]:
        return (b * _power(a, b - 1.0), out * _log(a))

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def _constant_power_local(c: float) -> LocalGrads:
        @local_rules("∂(a^c)/∂a = c·a^(c−1)", op=f"**{_short(c)}")
        def local(out: Any, a: Any) -> tuple[Any, ...]:
            if c == 0.0 or c == 1.0:  # a^0 is constant and a^1 is a: no a^(−1) or a^0 to evaluate at a = 0
                return (c,)
            return (c * _power(a, c - 1.0),)

        local.exponent = c  # type: ignore[attr-defined]  # read by code generation and derivations
        local.recipe = (Value._constant_power_local, (c,))  # type: ignore[attr-defined]  # how pickle remakes it
        return local

    def __pow__(self, exponent: Operand) -> Value:
        if isinstance(exponent, Value):
            if self.data <= 0:
                raise ValueError(scalar.domain_message("positive_base", base=self.data))
            out = scalar.power(self.data, exponent.data)
            return _node(out, self, exponent, Value._pow_local)
        c = _real_number(exponent, "the exponent of **")
        return _node(scalar.power(self.data, c), self, None, Value._constant_power_local(c))

    def __rpow__(self, base: Operand) -> Value:
        return _operand(base, "**").__pow__(self)

    # ----------------------------------------------------- elementary functions

    @staticmethod
    @local_rules("∂e^a/∂a = e^a = out", op="exp")
    def _exp_local(out: Any, a: Any) -> tuple[Any, ...]:
        return (out,)

    def exp(self) -> Value:
        """e**self."""
        return _node(scalar.exp(self.data), self, None, Value._exp_local)

    @staticmethod
    @local_rules("∂ln(a)/∂a = 1/a", op="log")
    def _log_local(out: Any, a: Any) -> tuple[Any, ...]:
        return (1.0 / a,)

    def log(self) -> Value:
        """Natural logarithm; raises ValueError for data <= 0."""
        return _node(scalar.log(self.data), self, None, Value._log_local)

    @staticmethod
    @local_rules("∂√a/∂a = 1/(2√a) = 0.5/out", op="sqrt")
    def _sqrt_local(out: Any, a: Any) -> tuple[Any, ...]:
        return (0.5 / out,)

    def sqrt(self) -> Value:
        """Square root; raises ValueError for data < 0."""
        return _node(scalar.sqrt(self.data), self, None, Value._sqrt_local)

    @staticmethod
    @local_rules("∂tanh(a)/∂a = 1 − tanh²(a) = 1 − out²", op="tanh")
    def _tanh_local(out: Any, a: Any) -> tuple[Any, ...]:
        return (1.0 - out * out,)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return _node(scalar.tanh(self.data), self, None, Value._tanh_local)

    @staticmethod
    @local_rules("∂σ(a)/∂a = σ(a)·(1 − σ(a)) = out·(1 − out)", op="sigmoid")
    def _sigmoid_local(out: Any, a: Any) -> tuple[Any, ...]:
        return (out * (1.0 - out),)

    def sigmoid(self) -> Value:
        """Logistic function 1/(1+e^-x), stable for large |x|."""
        return _node(scalar.sigmoid(self.data), self, None, Value._sigmoid_local)

    @staticmethod
    @local_rules(N_("∂relu(a)/∂a = 1 if a > 0 else 0"), op="relu")
    def _relu_local(out: Any, a: Any) -> tuple[Any, ...]:
        return (0.0 if a <= 0 else 1.0,)  # 1 at nan, as in PyTorch: the nan passes on, it is not zeroed

    def relu(self) -> Value:
        """max(x, 0), and nan for nan; its derivative at exactly 0 is taken as 0."""
        return _node(scalar.relu(self.data), self, None, Value._relu_local)

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def _leaky_relu_local(slope: float) -> LocalGrads:
        @local_rules(N_("∂leaky_relu(a)/∂a = 1 if a > 0 else slope"), op="leaky_relu")
        def local(out: Any, a: Any) -> tuple[Any, ...]:
            return (1.0 if a > 0 else slope,)

        local.slope = slope  # type: ignore[attr-defined]  # read by code generation and derivations
        local.recipe = (Value._leaky_relu_local, (slope,))  # type: ignore[attr-defined]  # how pickle remakes it
        return local

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0, slope·x otherwise."""
        s = _real_number(slope, "leaky_relu slope")
        return _node(scalar.leaky_relu(self.data, s), self, None, Value._leaky_relu_local(s))

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def _clamp_local(low: float, high: float) -> LocalGrads:
        @local_rules(N_("∂clamp(a)/∂a = 1 on [low, high], else 0"), op="clamp")
        def local(out: Any, a: Any) -> tuple[Any, ...]:
            return (1.0 if low <= a <= high else 0.0,)

        local.low, local.high = low, high  # type: ignore[attr-defined]  # read by code generation and derivations
        local.recipe = (Value._clamp_local, (low, high))  # type: ignore[attr-defined]  # how pickle remakes it
        return local

    def clamp(self, low: float, high: float) -> Value:
        """x limited to [low, high]; the gradient is 1 inside the interval (ends included), 0 outside.

        This is how a loss keeps a probability away from 0 and 1 *inside the
        graph*, so the limit is applied again whenever the graph is re-run
        (as by `autograd.compile`), not decided once in Python.
        """
        lo, hi = _real_number(low, "clamp's low"), _real_number(high, "clamp's high")
        if not lo <= hi:
            raise ValueError(f"clamp needs low <= high, got low={lo!r}, high={hi!r}")
        return _node(scalar.clamp(self.data, lo, hi), self, None, Value._clamp_local(lo, hi))

    @staticmethod
    @local_rules("∂softplus(a)/∂a = σ(a)", op="softplus")
    def _softplus_local(out: Any, a: Any) -> tuple[Any, ...]:
        return (_sigmoid(a),)

    def softplus(self) -> Value:
        """log(1 + e^x), stable for large |x|; its derivative is sigmoid(x)."""
        return _node(scalar.softplus(self.data), self, None, Value._softplus_local)

    @staticmethod
    @local_rules("∂sin(a)/∂a = cos(a)", op="sin")
    def _sin_local(out: Any, a: Any) -> tuple[Any, ...]:
        return (_cos(a),)

    def sin(self) -> Value:
        """Sine (radians)."""
        return _node(scalar.sin(self.data), self, None, Value._sin_local)

    @staticmethod
    @local_rules("∂cos(a)/∂a = −sin(a)", op="cos")
    def _cos_local(out: Any, a: Any) -> tuple[Any, ...]:
        return (-_sin(a),)

    def cos(self) -> Value:
        """Cosine (radians)."""
        return _node(scalar.cos(self.data), self, None, Value._cos_local)

    # ---------------------------------------------------------------- gradients

    def backward(self, grad: float = 1.0) -> None:
        """Fill ``.grad`` of every node this one depends on with ∂self/∂node.

        ``grad`` is the seed ∂(final)/∂self (1.0 when self is the loss).
        Gradients of intermediate nodes are recomputed by each call; gradients of
        leaves (inputs, parameters) *accumulate* across calls, so calling
        ``backward()`` twice doubles them, exactly as in PyTorch. That is what
        lets a mini-batch sum per-example gradients, and why optimizers offer
        ``zero_grad()``. The graph is kept: you can draw or explain it afterwards.

        Backward reads the numbers as they are now: change ``.data`` (an
        optimizer step) and the old graph mixes new inputs with old outputs,
        so run the forward pass again first. Inside
        ``autograd.detect_anomaly()`` such a change is found and raised.
        """
        backprop.backward(self, _real_number(grad, "backward's grad"))

    def detach(self) -> Value:
        """A new leaf with the same data and name, cut off from this graph."""
        return Value(self.data, self.name)

    # ----------------------------------------------------------- pickle and copy

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        """Pickle and deepcopy a graph of any depth, keeping shared nodes shared (see `_reduce`)."""
        return _reduce(self)

    def __copy__(self) -> Value:
        """A new node with the same numbers, name and parents (the parents themselves are not copied)."""
        return _rebuild([], *_fields(self))


def _compared(value: Value, other: object, symbol: str) -> float:
    """The number `value` is compared with; while `autograd.compile` traces in this thread, its guard sees it first."""
    guard = state.comparison_guard
    if guard is not None:
        guard(value, other, symbol)
    if isinstance(other, Value):
        return other.data
    return _real_number(other, f"the right operand of Value {symbol}")


def _operand(x: object, symbol: str) -> Value:
    """x as a Value: Values pass through, real numbers become constant leaves."""
    if type(x) is float:  # the common constant, checked first: the test for Real below is slow
        data = x
    elif isinstance(x, Value):
        return x
    elif isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(
            f"unsupported operand for Value {symbol} {describe(x)}: the other operand "
            "must be a Value or a real number (int or float); convert it with float(...) "
            "or build a Value for each element of a list"
        )
    else:
        data = _real_number(x, f"the operand of Value {symbol}")
    # The leaf is made here rather than by Value(data): the number is checked already, and a
    # constant is made for every `x * 2.0`, so the call to __init__ would be a fair part of it.
    leaf = _new_value(Value)
    leaf.data = data
    leaf.grad = 0.0
    leaf._first = leaf._second = None
    leaf._tag = _LEAF
    return leaf


def _short(c: float) -> str:
    return str(int(c)) if c.is_integer() and abs(c) < 1e15 else repr(c)


_new_value = object.__new__


def _node(data: float, first: Any, second: Any, local_grads: LocalGrads) -> Value:
    """Make the output node of an operation on `first` and `second` (None for one operand).

    `local_grads` is the operation's local-derivative function, which carries
    its tag (`local_rules`). Under `no_grad` the node is a plain leaf. An
    operation with three or more operands makes its node with `_node_of`.
    """
    node = _new_value(Value)
    node.data = data
    node.grad = 0.0
    if not blocks_open[0]:  # every thread has the default modes: record, check nothing
        node._first = first
        node._second = second
        node._tag = local_grads.tag  # type: ignore[attr-defined]
        return node
    if state.recording:
        node._first = first
        node._second = second
        node._tag = local_grads.tag  # type: ignore[attr-defined]
    else:
        node._first = node._second = None
        node._tag = _LEAF
    if state.anomaly and not math.isfinite(data):
        operands = ", ".join(f"{p.data!r}" for p in unpack(first, second))
        op = local_grads.tag.op  # type: ignore[attr-defined]
        raise FloatingPointError(f"operation {op!r} produced {data!r} from operands ({operands})")
    return node


def _node_of(data: float, parents: tuple[Value, ...], local_grads: LocalGrads) -> Value:
    """`_node` for an operation with any number of operands (`autograd.sum`, `logsumexp`)."""
    return _node(data, *pack(parents), local_grads)


# ------------------------------------------------------------------ pickle and deepcopy
#
# pickle and copy.deepcopy walk an object's references recursively, so a node
# that held its parents directly would need one level of recursion per node
# of depth: a chain of a few thousand operations raised RecursionError. So the
# outermost node reduced lists its ancestors first, in topological order
# (parents before children): each ancestor is then written with parents that
# are already written, and the recursion stays one level deep. Shared nodes
# stay shared, since pickle and deepcopy remember what they have written.

_pickling = threading.local()
"""``pending``: the ancestors (by id) that the outermost node being reduced listed, each reduced shallowly once."""


def _fields(node: Value) -> tuple[Any, ...]:
    local = node.local_grads
    recipe = getattr(local, "recipe", None)  # a local-derivative function made for one constant (x**c, clamp, ...)
    return node.data, node.grad, node.name, node.op, node.parents, recipe if recipe is not None else local


def _reduce(node: Value) -> tuple[Any, ...]:
    pending: dict[int, Value] | None = getattr(_pickling, "pending", None)
    if pending is not None and pending.pop(id(node), None) is not None:
        return _rebuild, ([], *_fields(node))  # its parents come earlier in the outermost node's list
    ancestors = backprop.topological_order(node)[:-1] if node.parents else []
    _pickling.pending = {id(ancestor): ancestor for ancestor in ancestors}
    return _rebuild, (ancestors, *_fields(node))


def _rebuild(
    ancestors: list[Value], data: float, grad: float, name: str | None, op: str, parents: tuple[Value, ...], local: Any
) -> Value:
    """A node from its fields; `ancestors` only made sure that its parents were rebuilt first."""
    node = _new_value(Value)
    node.data, node.grad, node.parents = data, grad, parents
    node._tag = _tag_for(op, local[0](*local[1]) if isinstance(local, tuple) else local, name)
    return node

"""`autograd.compile`: trace a function once, then run its forward and backward pass as generated Python.

The eager engine builds a graph of `Value` objects on every call and walks it
backward. When the *shape* of the computation does not change between calls
(the same network on new data, the same loss with new parameters), that work
can be done once: `compile` calls the function on example inputs, records the
graph, and has `autograd.compiler.codegen` write it out as straight-line Python, one
local variable per number, which Python's own ``compile`` turns into a
function. Calling the result runs only float arithmetic.

>>> import autograd
>>> f = autograd.compile(lambda x: x[0] * x[1] + x[0].relu(), [2.0, 3.0])
>>> f([-1.0, 4.0])          # value, then ∂/∂x for each input (relu is decided again)
(-4.0, [4.0, -1.0])
>>> print(f.source)         # doctest: +SKIP
"""

from __future__ import annotations

import functools
import itertools
import linecache
import time
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from numbers import Real
from typing import Any

from autograd.compiler import codegen
from autograd.modes import is_grad_enabled, state
from autograd.value import Value, _real_number, describe

Structure = Any
"""A number, or a list, tuple or str-keyed dict of Structures, nested in any way."""


class TracingError(TypeError):
    """`fn` did something that tracing cannot record: its compiled code would not follow new inputs."""


# ------------------------------------------------------------ input structures

Path = tuple[str | int, ...]


def _path_text(root: str, path: Path) -> str:
    return root + "".join(f"[{step!r}]" for step in path)


@dataclass(frozen=True)
class _Shape:
    """The shape of a nest of numbers: a number (``kind=None``), or a list, tuple or dict of shapes."""

    kind: type | None
    children: tuple[_Shape, ...] = ()
    keys: tuple[str, ...] = ()

    @classmethod
    def of(cls, value: object, root: str, is_leaf: Callable[[object], bool], path: Path = ()) -> _Shape:
        """The shape of `value`; anything that is neither a leaf nor a container is a TypeError naming its place."""
        if is_leaf(value):
            return cls(None)
        if isinstance(value, (list, tuple)):
            return cls(type(value), tuple(cls.of(v, root, is_leaf, (*path, i)) for i, v in enumerate(value)))
        if isinstance(value, Mapping):
            for key in value:
                if not isinstance(key, str):
                    raise TypeError(f"{_path_text(root, path)} has the key {key!r}; dict keys must be strings")
            keys = tuple(value)
            return cls(dict, tuple(cls.of(value[k], root, is_leaf, (*path, k)) for k in keys), keys)
        raise TypeError(
            f"{_path_text(root, path)} must be a number, or a list, tuple or dict of them, got {describe(value)}"
        )

    @functools.cached_property
    def holds_numbers_only(self) -> bool:
        """A list or tuple whose entries are all numbers: flattened and rebuilt in one step."""
        return self.kind in (list, tuple) and all(child.kind is None for child in self.children)

    def paths(self, path: Path = ()) -> Iterator[Path]:
        """The path of every number, in flattening order."""
        if self.kind is None:
            yield path
            return
        steps: Sequence[str | int] = self.keys if self.kind is dict else range(len(self.children))
        for step, child in zip(steps, self.children):
            yield from child.paths((*path, step))

    def flatten(self, value: object, root: str, leaf: Callable[[object, str], Any], path: Path = ()) -> list[Any]:
        """The numbers of `value`, in order, after checking that it has this shape."""
        flat: list[Any] = []
        self._flatten_into(value, root, leaf, path, flat)
        return flat

    def _flatten_into(
        self, value: object, root: str, leaf: Callable[[object, str], Any], path: Path, flat: list
    ) -> None:
        if self.kind is None:
            flat.append(leaf(value, _path_text(root, path)))
        elif self.kind is dict:
            if not isinstance(value, Mapping) or set(value) != set(self.keys):
                expected = ", ".join(map(repr, self.keys))
                raise ValueError(
                    f"{_path_text(root, path)} must be a dict with the keys {expected}, got {describe(value)}"
                )
            for key, child in zip(self.keys, self.children):
                child._flatten_into(value[key], root, leaf, (*path, key), flat)
        else:
            if not isinstance(value, (list, tuple)) or len(value) != len(self.children):
                raise ValueError(
                    f"{_path_text(root, path)} must be a list of {len(self.children)} entries "
                    f"(the shape of the example inputs), got {describe(value)}"
                )
            if self.holds_numbers_only and all(type(v) is float for v in value):
                flat.extend(value)  # the common case, checked at C speed
                return
            for position, (item, child) in enumerate(zip(value, self.children)):
                child._flatten_into(item, root, leaf, (*path, position), flat)

    def unflatten(self, items: Iterator[Any]) -> Any:
        """A nest of this shape holding the next items, as many as it has numbers."""
        if self.kind is None:
            return next(items)
        if self.kind is dict:
            return {key: child.unflatten(items) for key, child in zip(self.keys, self.children)}
        if self.holds_numbers_only:
            return self.kind(itertools.islice(items, len(self.children)))
        return self.kind(child.unflatten(items) for child in self.children)


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _input_name(path: Path) -> str:
    """The Value name of an input: ``x_1`` for ``inputs[0]``, ``x_4,2`` for ``inputs[3][1]``, ``y_2`` for ``inputs['y'][1]``.

    1-based indices after ``_``, separated by commas, as in BACKPROP.md's x_j.
    """
    name, indices = "x", list[str]()
    for position, step in enumerate(path):
        if isinstance(step, str):
            if indices:
                name += "_" + ",".join(indices)
                indices = []
            name = step if position == 0 else f"{name}.{step}"
        else:
            indices.append(str(step + 1))
    return name + ("_" + ",".join(indices) if indices else "")


# ------------------------------------------------------------------ tracing


def _depends_on(value: object, sources: set[Value]) -> bool:
    if not isinstance(value, Value):
        return False
    stack, seen = [value], {value}
    while stack:
        node = stack.pop()
        if node in sources:
            return True
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return False


def _refusing(sources: set[Value]) -> Callable[[Value, object, str], None]:
    """The comparison guard of one trace: a TracingError for a comparison whose answer depends on `sources`."""

    def guard(value: Value, other: object, symbol: str) -> None:
        if _depends_on(value, sources) or _depends_on(other, sources):
            what = f"{_label(value)} {symbol} {_label(other)}"
            raise TracingError(
                f"fn evaluated `{what}` on a Value that depends on the inputs while autograd.compile traced it. "
                "Python decides that once, during tracing, so the compiled code would always use the example "
                "inputs' answer (a Python `if`, `max`, `min` or `sorted` records one path, as in "
                "jax.jit). Keep the choice inside an operation that is re-evaluated for every call — relu, abs, "
                "leaky_relu (max(x, 0) is x.relu()) — or decide it outside fn and compile one function per case"
            )

    return guard


def _label(x: object) -> str:
    if isinstance(x, Value):
        return f"Value {x.name!r}" if x.name is not None else f"Value({x.data!r})"
    return repr(x)


@contextmanager
def _python_decisions_refused(sources: set[Value]) -> Iterator[None]:
    """While `fn` is traced, comparing a Value that depends on `sources` raises TracingError.

    The guard is a per-thread switch (`autograd.modes.state.comparison_guard`)
    that Value's comparison methods consult; the class itself is never
    changed, so other threads, and every comparison after the trace, are
    untouched. The previous guard is restored on exit (a trace inside a trace
    nests), also when `fn` raises.
    """
    previous = state.comparison_guard
    state.comparison_guard = _refusing(sources)
    try:
        yield
    finally:
        state.comparison_guard = previous


@dataclass(frozen=True)
class _Trace:
    generated: codegen.GeneratedCode
    numbers: list[float]
    aux_shape: _Shape | None
    seconds_tracing: float
    seconds_generating: float


def _trace(
    fn: Callable[[Any], Any],
    shape: _Shape,
    numbers: list[float],
    params: tuple[Value, ...],
    input_gradients: bool,
    has_aux: bool,
    language: str = "python",
) -> _Trace:
    """Call `fn` once on Values holding `numbers` and generate the code of the graph it records."""
    if not is_grad_enabled():
        raise ValueError("autograd.compile records a graph, which no_grad() switches off; call it outside no_grad()")
    start = time.perf_counter()
    leaves = [Value(x, _input_name(path)) for x, path in zip(numbers, shape.paths())]
    with _python_decisions_refused(set(leaves) | set(params)):
        result = fn(shape.unflatten(iter(leaves)))
    output, aux_shape, aux_values = _split_result(result, has_aux)
    traced = time.perf_counter()
    generated = codegen.generate(
        output,
        leaves,
        params,
        input_gradients=input_gradients,
        extra_outputs=aux_values,
        docstring=f"Forward and backward pass of {getattr(fn, '__name__', 'fn')}, written by autograd.compile.",
        language=language,
    )
    return _Trace(generated, numbers, aux_shape, traced - start, time.perf_counter() - traced)


def _split_result(result: object, has_aux: bool) -> tuple[Value, _Shape | None, list[Value]]:
    """The output Value, and with `has_aux` the shape and Values of the auxiliary results."""
    if has_aux:
        if not isinstance(result, tuple) or len(result) != 2:
            raise TypeError(f"with has_aux=True, fn must return a pair (output, aux), got {describe(result)}")
        result, aux = result
    if not isinstance(result, Value):
        hint = "; for several outputs, return their sum, or one of them and the rest with has_aux=True"
        raise TypeError(f"fn must return one Value (the output to differentiate), got {describe(result)}{hint}")
    if not has_aux:
        return result, None, []
    aux_shape = _Shape.of(aux, "aux", lambda v: isinstance(v, Value) or _is_number(v))
    aux_values = aux_shape.flatten(
        aux, "aux", lambda v, where: v if isinstance(v, Value) else Value(_real_number(v, where))
    )
    return result, aux_shape, aux_values


# -------------------------------------------------------- the compiled function

_compiled_count = itertools.count(1)


class CompiledFunction:
    """The forward and backward pass of a traced function, as a Python function over floats.

    Call it with inputs shaped like the example inputs: it returns
    ``(value, gradients)`` — or ``(value, gradients, aux)`` when compiled with
    ``has_aux=True`` — and adds each parameter's gradient to its ``.grad``.

    Attributes:
        source: the generated Python module (print it to read the backward pass).
        javascript: the same function as a JavaScript script (made on first use, by tracing again).
        params: the parameter Values, read at every call.
        node_count: nodes in the traced graph.
        timings: seconds spent on ``'trace'`` (running fn), ``'generate'``
            (writing the source) and ``'compile'`` (Python's compile and exec).
    """

    def __init__(
        self,
        fn: Callable[[Any], Any],
        shape: _Shape,
        params: tuple[Value, ...],
        input_gradients: bool,
        trace: _Trace,
    ) -> None:
        self._fn = fn
        self._shape = shape
        self._input_gradients = input_gradients
        self._aux_shape = trace.aux_shape
        self._example_numbers = trace.numbers
        self.params = params
        self.source = trace.generated.source
        self.node_count = trace.generated.node_count
        start = time.perf_counter()
        filename = f"<autograd.compile #{next(_compiled_count)}: {getattr(fn, '__name__', 'fn')}>"
        self._function = trace.generated.function(filename)
        # Tracebacks through the generated code show its lines; the entry goes when this object does.
        linecache.cache[filename] = (len(self.source), None, self.source.splitlines(True), filename)
        weakref.finalize(self, linecache.cache.pop, filename, None)
        self.timings = {
            "trace": trace.seconds_tracing,
            "generate": trace.seconds_generating,
            "compile": time.perf_counter() - start,
        }

    def __call__(self, inputs: Structure) -> tuple[Any, ...]:
        """Forward and backward at `inputs`: ``(value, input gradients or None[, aux])``.

        Each parameter's ``.grad`` is increased by ∂value/∂parameter, as
        `Value.backward` does for leaves (call ``zero_grad()`` between steps).
        """
        numbers = self._shape.flatten(inputs, "inputs", _real_number)
        params = self.params
        value, input_grads, param_grads, aux = self._function(numbers, [p.data for p in params])
        for parameter, gradient in zip(params, param_grads):
            parameter.grad += gradient
        gradients = None if input_grads is None else self._shape.unflatten(iter(input_grads))
        if self._aux_shape is None:
            return value, gradients
        return value, gradients, self._aux_shape.unflatten(iter(aux))

    @functools.cached_property
    def javascript(self) -> str:
        """The same forward and backward pass as JavaScript: ``function forward_and_backward(inputs, params)``.

        It takes the flat lists of numbers the Python function takes and
        returns ``[value, input gradients or null, parameter gradients, aux]``;
        `autograd.compiler.javascript` describes the helpers it carries. fn is
        traced again at the example inputs, so the Python function stays as fast to make.
        """
        retraced = _trace(
            self._fn,
            self._shape,
            self._example_numbers,
            self.params,
            self._input_gradients,
            self._aux_shape is not None,
            language="javascript",
        )
        return retraced.generated.source

    def verify(self, inputs: Structure) -> None:
        """Trace fn again at `inputs`; raise TracingError if it records a different computation.

        Tracing refuses comparisons of Values, but a Python branch
        on ``value.data`` or a computation under ``no_grad()`` cannot be seen:
        it silently records the example inputs' path or numbers. Re-tracing at
        other inputs and comparing the generated code finds such a branch
        whenever these inputs take another path.
        """
        numbers = self._shape.flatten(inputs, "inputs", _real_number)
        retraced = _trace(
            self._fn, self._shape, numbers, self.params, self._input_gradients, self._aux_shape is not None
        )
        if retraced.generated.source == self.source:
            return
        ours, theirs = self.source.splitlines(), retraced.generated.source.splitlines()
        line = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
        expected = ours[line].strip() if line < len(ours) else "(end of code)"
        found = theirs[line].strip() if line < len(theirs) else "(end of code)"
        raise TracingError(
            f"fn records a different computation at these inputs than at the example inputs: line {line + 1} of "
            f"the compiled source is `{expected}`, tracing these inputs gives `{found}`. fn probably branches on "
            "`.data` or computes under no_grad(); the compiled function is only valid where fn takes the example "
            "inputs' path"
        )

    def __repr__(self) -> str:
        return f"CompiledFunction({getattr(self._fn, '__name__', 'fn')}, {self.node_count} nodes)"


def _check_params(params: Sequence[Value]) -> tuple[Value, ...]:
    if isinstance(params, Value) or not isinstance(params, (list, tuple)):
        raise TypeError(f"params must be a list of Values (e.g. model.parameters()), got {describe(params)}")
    for position, parameter in enumerate(params):
        if not isinstance(parameter, Value):
            raise TypeError(f"params[{position}] must be a Value, got {describe(parameter)}")
        if parameter.local_grads is not None:
            raise ValueError(
                f"params[{position}] ({_label(parameter)}) was made by {parameter.op!r}; params must be leaves "
                "(Values you created), whose .data the compiled code reads at every call"
            )
    if len(set(params)) != len(params):
        raise ValueError("params lists the same Value twice; list each parameter once (model.parameters() does)")
    return tuple(params)


def compile(
    fn: Callable[[Any], Any],
    example_inputs: Structure,
    *,
    params: Sequence[Value] = (),
    input_gradients: bool = True,
    has_aux: bool = False,
) -> CompiledFunction:
    """Trace `fn` once at `example_inputs` and return a fast function for its value and gradients.

    Args:
        fn: called once, with `example_inputs` turned into Values (same
            structure, each number replaced by a leaf `Value` named after its
            place: ``x_1, x_2, ...`` for a list, ``y_3`` for ``{'y': [..]}[2]``).
            It must return one Value, the output to differentiate (with
            `has_aux`, a pair ``(output, aux)``).
        example_inputs: a number, or a list, tuple or dict (str keys) of
            numbers, nested in any way; a flat list of floats is the simplest.
        params: leaf Values that ``fn`` uses from outside, such as
            ``model.parameters()``. Their current ``.data`` is read at every
            call, and ∂output/∂param is *added* to their ``.grad``, as
            `backward` does. Any other leaf that fn uses (a number, a Value
            made outside) is a constant: its value at tracing time is written
            into the code (a named one gives a warning: probably a forgotten
            parameter).
        input_gradients: compute ∂output/∂input (set False for data that is
            never differentiated, e.g. training examples; the call then
            returns None in their place and skips their statements).
        has_aux: fn returns ``(output, aux)`` where aux is a Value, number,
            or list/tuple/dict nest of them; their values are returned too.

    Returns:
        a `CompiledFunction`. ``compiled(new_inputs)`` takes inputs of the
        same structure and returns ``(value, gradients)``, the gradients in
        that structure, as floats (``(value, gradients, aux)`` with
        `has_aux`). ``compiled.source`` is the generated code.

    What tracing can and cannot record (as with ``jax.jit``): the compiled
    code repeats the *operations* fn performed on Values, with new numbers.
    Branches inside operations are re-decided at every call: relu, abs,
    leaky_relu and their derivatives become conditional expressions. A Python
    decision taken *on* a Value is taken once, while tracing, so:

    * comparing a Value that depends on the inputs or params (``if z > 0``,
      ``max(a, b)``) raises `TracingError` during tracing (the comparisons
      of `Value` consult a check for the duration of the call, in this thread
      only; other threads may compile or compare at the same time);
      ``float(v)`` and ``math.exp(v)`` raise TypeError anywhere, as a Value
      has no float conversion;
    * reading ``.data`` in fn, or computing under ``no_grad()``, cannot be
      detected while tracing (it is plain attribute access): the numbers seen
      then become constants. ``compiled.verify(other_inputs)`` re-traces and
      raises `TracingError` if the recorded computation differs, which
      catches such a branch whenever the other inputs take another path.

    Python-level structure that does not depend on the numbers — loops over a
    list, the layers of a network — is fine: it is unrolled once. Errors in
    the compiled code (log of a negative number, an overflow) are the
    engine's errors; the traceback shows the generated line.
    """
    if not callable(fn):
        raise TypeError(f"compile needs a function to trace, got {describe(fn)}")
    checked_params = _check_params(params)
    shape = _Shape.of(example_inputs, "example_inputs", _is_number)
    numbers = shape.flatten(example_inputs, "example_inputs", _real_number)
    trace = _trace(fn, shape, numbers, checked_params, input_gradients, has_aux)
    named = trace.generated.named_constants
    if named:
        shown = ", ".join(map(repr, named[:5])) + (", ..." if len(named) > 5 else "")
        warnings.warn(
            f"{len(named)} named leaves ({shown}) are neither inputs nor params, so their current values are "
            "written into the compiled code as constants; pass them in params=[...] if they should change",
            stacklevel=2,
        )
    return CompiledFunction(fn, shape, checked_params, input_gradients, trace)

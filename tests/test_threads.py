"""no_grad, detect_anomaly and autograd.compile's tracing are per thread.

Each test makes the two threads meet inside each other's blocks with events or
barriers, so the interleaving that used to break the engine happens every run.
Oracle: the derivative d(x·x·x)/dx = 3x², written here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

import autograd
from autograd import Value
from autograd.compiler.trace import TracingError
from autograd.modes import blocks_open

TIMEOUT = 30


def run_in_thread(target: Callable[[], Any]) -> Callable[[], Any]:
    """Start `target` in a thread; the returned function joins it and re-raises what it raised."""
    outcome: dict[str, Any] = {}

    def body() -> None:
        try:
            outcome["result"] = target()
        except BaseException as error:  # handed to the joining thread
            outcome["error"] = error

    thread = threading.Thread(target=body, daemon=True)
    thread.start()

    def join() -> Any:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "the thread did not finish"
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")

    return join


def cube_gradient(at: float) -> float:
    x = Value(at)
    (x * x * x).backward()
    return x.grad


def test_no_grad_in_one_thread_leaves_another_threads_graph_recorded() -> None:
    inside, done = threading.Event(), threading.Event()

    def hold_no_grad() -> bool:
        with autograd.no_grad():
            inside.set()
            assert done.wait(TIMEOUT)
            return autograd.is_grad_enabled()

    join = run_in_thread(hold_no_grad)
    assert inside.wait(TIMEOUT)
    try:
        assert autograd.is_grad_enabled()
        assert cube_gradient(2.0) == 3 * 2.0**2
    finally:
        done.set()
    assert join() is False  # and the other thread's own no_grad held throughout


def test_a_new_thread_starts_recording_even_when_started_inside_no_grad() -> None:
    with autograd.no_grad():
        join = run_in_thread(lambda: cube_gradient(3.0))
        assert join() == 3 * 3.0**2


def test_detect_anomaly_in_one_thread_does_not_raise_in_another() -> None:
    inside, done = threading.Event(), threading.Event()

    def hold_anomaly() -> None:
        with autograd.detect_anomaly():
            inside.set()
            assert done.wait(TIMEOUT)
            with pytest.raises(FloatingPointError):
                Value(1e308) * 10

    join = run_in_thread(hold_anomaly)
    assert inside.wait(TIMEOUT)
    try:
        assert (Value(1e308) * 10).data == float("inf")  # no anomaly mode here
    finally:
        done.set()
    join()


def test_two_concurrent_compiles_leave_comparisons_plain() -> None:
    both_tracing = threading.Barrier(2, timeout=TIMEOUT)

    def traced(x: list[Value]) -> Value:
        both_tracing.wait()  # each trace is under way while the other one is
        return x[0] * x[0]

    joins = [run_in_thread(lambda: autograd.compile(traced, [2.0])) for _ in range(2)]
    for join in joins:
        assert join()([3.0]) == (9.0, [6.0])
    w = Value(1.0)
    assert (w * 3 > 0) is True
    assert autograd.modes.state.comparison_guard is None


def test_a_comparison_in_another_thread_during_a_trace_is_not_refused() -> None:
    tracing, compared = threading.Event(), threading.Event()

    def traced(x: list[Value]) -> Value:
        tracing.set()
        assert compared.wait(TIMEOUT)
        return x[0].relu()

    plain_comparison = Value.__dict__["__gt__"]
    join = run_in_thread(lambda: autograd.compile(traced, [2.0]))
    assert tracing.wait(TIMEOUT)
    try:
        assert Value.__dict__["__gt__"] is plain_comparison  # the class is never patched
        w = Value(1.0)
        assert (w * 3 > 0) is True
    finally:
        compared.set()
    assert join()([-1.0]) == (0.0, [0.0])


def test_a_trace_still_refuses_its_own_comparisons_while_another_thread_traces() -> None:
    other_tracing, done = threading.Event(), threading.Event()

    def slow(x: list[Value]) -> Value:
        other_tracing.set()
        assert done.wait(TIMEOUT)
        return x[0] * 2

    join = run_in_thread(lambda: autograd.compile(slow, [1.0]))
    assert other_tracing.wait(TIMEOUT)
    try:
        with pytest.raises(TracingError, match="x_1"):
            autograd.compile(lambda x: x[0] if x[0] > 0 else -x[0], [1.0])
    finally:
        done.set()
    join()


@pytest.mark.parametrize("block", [autograd.no_grad, autograd.detect_anomaly, autograd.enable_grad])
def test_a_mode_block_that_raises_leaves_operations_recording_plainly(block: Callable[[], Any]) -> None:
    """Nodes skip the per-thread modes while no block is open anywhere: a block that ends in an
    exception must still count itself closed, and one that is open must be seen."""
    with pytest.raises(KeyError), block():
        raise KeyError("inside the block")
    assert blocks_open == [0]
    x = Value(2.0)
    y = x * x
    assert y.parents == (x, x)
    with autograd.no_grad():
        assert Value(2.0) * x is not None and (x * x).parents == ()
    assert (x * x).parents == (x, x)


def test_no_grad_opened_in_another_thread_after_this_thread_started_building() -> None:
    """The shared count of open blocks must not make this thread's nodes leaves: only its own modes do."""
    inside = threading.Event()
    leave = threading.Event()

    def hold_no_grad() -> None:
        with autograd.no_grad():
            inside.set()
            assert leave.wait(TIMEOUT)

    join = run_in_thread(hold_no_grad)
    assert inside.wait(TIMEOUT)
    try:
        assert cube_gradient(2.0) == 12.0  # d(x³)/dx = 3x² = 12 at x = 2, recorded while the other thread is in no_grad
        with autograd.detect_anomaly(), pytest.raises(FloatingPointError):
            Value(1e308) * 10.0
    finally:
        leave.set()
        join()


def test_no_grad_blocks_that_end_out_of_order_leave_recording_on_and_say_so() -> None:
    """Two asyncio tasks each in no_grad, interleaved in one thread, end in the order they did not begin."""
    import asyncio

    async def inside_no_grad() -> None:
        with autograd.no_grad():
            await asyncio.sleep(0)

    async def both() -> None:
        await asyncio.gather(inside_no_grad(), inside_no_grad())

    asyncio.run(both())
    x = Value(2.0)
    assert autograd.is_grad_enabled() and (x * x).parents == (x, x) and blocks_open == [0]


def test_a_generator_closed_in_another_thread_ends_its_block_in_its_own_thread() -> None:
    def paused_in_no_grad():
        with autograd.no_grad():
            yield

    generator = paused_in_no_grad()
    next(generator)
    assert not autograd.is_grad_enabled()
    run_in_thread(generator.close)()
    x = Value(2.0)
    assert autograd.is_grad_enabled() and (x * x).parents == (x, x) and blocks_open == [0]


def test_nested_blocks_take_the_innermost_setting() -> None:
    x = Value(2.0)
    with autograd.no_grad():
        with autograd.enable_grad():
            assert (x * x).parents == (x, x)
            with autograd.detect_anomaly(), pytest.raises(FloatingPointError):
                Value(1e308) * 10.0
        assert (x * x).parents == () and not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()

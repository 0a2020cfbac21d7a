"""A graph holds no reference cycles, so dropping its output frees it by reference counting alone.

Method (why it is sound). CPython frees an object the moment its reference
count reaches zero; only objects that sit in a reference cycle survive that and
wait for the cyclic garbage collector. `Value` has ``__slots__`` without
``__weakref__``, so weak references cannot watch nodes die; instead we use the
collector's own bookkeeping, which sees every `Value` (they are GC-tracked:
the first test checks this precondition).

* Counting: with the collector *disabled*, count live Values (from
  ``gc.get_objects()``) before building a graph and after dropping it. With no
  collector running, anything that disappeared was freed by reference
  counting, so equal counts prove the graph had no cycles.
* Saving: with ``gc.DEBUG_SAVEALL`` set, every object the collector finds
  unreachable is kept in ``gc.garbage`` instead of being freed. After dropping
  the graph, ``gc.collect()`` must put no `Value` there: none was left to the
  collector.

The graph is MLP-like: 2 → 4 → 4 → 1 with tanh and leaky ReLU hidden layers,
a hinge loss with an L2 term over eight points, built with operators, `sum`
and n-ary nodes, then differentiated.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Iterator

import pytest

import autograd
from autograd import Value, grad

LAYER_SIZES = (2, 4, 4, 1)
POINT_COUNT = 8


def _parameters(seed: int) -> list[list[tuple[list[Value], Value]]]:
    """Per layer, per neuron: (weights, bias), drawn from a seeded generator."""
    rng = random.Random(seed)
    return [
        [([Value(rng.uniform(-1, 1)) for _ in range(fan_in)], Value(0.0)) for _ in range(fan_out)]
        for fan_in, fan_out in zip(LAYER_SIZES, LAYER_SIZES[1:])
    ]


def _loss(layers: list[list[tuple[list[Value], Value]]], seed: int) -> Value:
    """Hinge loss + 1e-4·L2 of the MLP on POINT_COUNT seeded points with ±1 labels."""
    rng = random.Random(seed)
    margins = []
    for _ in range(POINT_COUNT):
        activations: list[Value | float] = [rng.uniform(-2, 2), rng.uniform(-2, 2)]
        label = rng.choice((-1.0, 1.0))
        for depth, layer in enumerate(layers):
            last = depth == len(layers) - 1
            sums = [autograd.sum([w * a for w, a in zip(weights, activations)]) + bias for weights, bias in layer]
            activations = sums if last else [s.tanh() if depth == 0 else s.leaky_relu(0.1) for s in sums]
        margins.append((1 - label * activations[0]).relu())
    penalty = autograd.sum([w * w for layer in layers for weights, _ in layer for w in weights])
    return autograd.sum(margins) / POINT_COUNT + 1e-4 * penalty


def _all_parameters(layers: list[list[tuple[list[Value], Value]]]) -> list[Value]:
    return [p for layer in layers for weights, bias in layer for p in (*weights, bias)]


def _live_values() -> int:
    return sum(1 for obj in gc.get_objects() if type(obj) is Value)


@pytest.fixture
def collector_paused() -> Iterator[None]:
    """Collect leftovers, then keep the cyclic collector off for the test."""
    gc.collect()
    with autograd.cyclic_gc_paused():
        yield


@pytest.fixture
def values_left_to_the_collector() -> Iterator[Callable[[], list[Value]]]:
    """A function that runs the collector in DEBUG_SAVEALL mode and returns the Values it found."""
    gc.collect()
    start = len(gc.garbage)
    previous_flags = gc.get_debug()
    gc.set_debug(previous_flags | gc.DEBUG_SAVEALL)

    def collect() -> list[Value]:
        gc.collect()
        return [obj for obj in gc.garbage[start:] if type(obj) is Value]

    try:
        yield collect
    finally:
        gc.set_debug(previous_flags)
        del gc.garbage[start:]


def test_values_are_tracked_by_the_cyclic_collector() -> None:
    """The counting method needs every Value to be visible in gc.get_objects()."""
    assert gc.is_tracked(Value(1.0))
    assert gc.is_tracked(Value(1.0) * 2)


@pytest.mark.usefixtures("collector_paused")
def test_dropping_the_loss_frees_every_node_by_reference_counting() -> None:
    layers = _parameters(seed=0)
    baseline = _live_values()
    loss = _loss(layers, seed=1)
    loss.backward()
    assert _live_values() > baseline + 100  # the graph really exists
    del loss
    assert _live_values() == baseline, f"{_live_values() - baseline} nodes outlived their graph"


def test_collector_finds_no_values_after_backward(values_left_to_the_collector) -> None:
    layers = _parameters(seed=0)
    loss = _loss(layers, seed=1)
    loss.backward()
    del loss
    assert values_left_to_the_collector() == []


def test_collector_finds_no_values_after_a_differentiable_gradient(values_left_to_the_collector) -> None:
    layers = _parameters(seed=0)
    parameters = _all_parameters(layers)
    loss = _loss(layers, seed=1)
    gradients = grad(loss, parameters, create_graph=True)
    squared_norm = autograd.sum([g * g for g in gradients])
    grad(squared_norm, parameters)
    del loss, gradients, squared_norm
    assert values_left_to_the_collector() == []


@pytest.mark.usefixtures("collector_paused")
def test_dropping_a_differentiable_gradient_frees_its_graph_by_reference_counting() -> None:
    layers = _parameters(seed=0)
    parameters = _all_parameters(layers)
    baseline = _live_values()
    gradients = grad(_loss(layers, seed=1), parameters, create_graph=True)
    assert _live_values() > baseline + 100
    del gradients
    assert _live_values() == baseline


@pytest.mark.parametrize("enabled_before", [True, False])
def test_cyclic_gc_paused_restores_the_collector_as_it_was(enabled_before: bool) -> None:
    was_enabled = gc.isenabled()
    (gc.enable if enabled_before else gc.disable)()
    try:
        with autograd.cyclic_gc_paused():
            assert not gc.isenabled()
            with autograd.cyclic_gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the inner block restores the outer block's state
        assert gc.isenabled() == enabled_before
        with pytest.raises(KeyError), autograd.cyclic_gc_paused():
            raise KeyError("inside")
        assert gc.isenabled() == enabled_before
    finally:
        (gc.enable if was_enabled else gc.disable)()

"""pickle and copy.deepcopy keep a graph whole: any depth, shared nodes shared, every operation's derivative.

Oracle: the derivative of the original graph, and plain-float products written here.
"""

from __future__ import annotations

import copy
import pickle

import pytest

import autograd
from autograd import Value

DEPTH = 20_000


def deep_chain() -> tuple[Value, Value]:
    x = Value(1.0, name="x")
    y = x
    for _ in range(DEPTH):
        y = y * 1.0001
    return x, y


def expected_chain_gradient() -> float:
    gradient = 1.0
    for _ in range(DEPTH):
        gradient *= 1.0001
    return gradient


@pytest.mark.parametrize("copier", [lambda v: pickle.loads(pickle.dumps(v)), copy.deepcopy], ids=["pickle", "deepcopy"])
def test_a_deep_graph_survives_and_differentiates(copier) -> None:  # type: ignore[no-untyped-def]
    _, y = deep_chain()
    y_copy = copier(y)
    leaf = autograd.topological_order(y_copy)[0]
    y_copy.backward()
    assert leaf.name == "x"
    assert leaf.grad == expected_chain_gradient()
    assert y_copy.data == y.data


def test_shared_nodes_stay_shared_in_one_pickle() -> None:
    x, y = deep_chain()
    y_copy, x_copy = pickle.loads(pickle.dumps([y, x]))
    assert autograd.topological_order(y_copy)[0] is x_copy
    square = pickle.loads(pickle.dumps(x * x))
    assert square.parents[0] is square.parents[1]


@pytest.mark.parametrize("copier", [lambda v: pickle.loads(pickle.dumps(v)), copy.deepcopy], ids=["pickle", "deepcopy"])
def test_parametrised_operations_pickle_with_their_constants(copier) -> None:  # type: ignore[no-untyped-def]
    def build() -> tuple[Value, Value]:
        w = Value(1.5, name="w")
        return w, autograd.sum([w**3, (w - 2.0).leaky_relu(0.2), (w * 4).clamp(-1.0, 5.0), w**Value(2.0)])

    w, out = build()
    out.backward()
    out_copy = copier(out)
    w_copy = next(node for node in autograd.topological_order(out_copy) if node.name == "w")
    w_copy.grad = 0.0
    out_copy.backward()
    assert w_copy.grad == w.grad
    assert [n.op for n in autograd.topological_order(out_copy)] == [n.op for n in autograd.topological_order(out)]


def test_copy_copy_is_a_new_node_over_the_same_parents() -> None:
    a, b = Value(2.0), Value(3.0)
    product = a * b
    twin = copy.copy(product)
    assert twin is not product and twin.parents == (a, b) and twin.data == 6.0

"""A node keeps its operands in two slots (`autograd.operands`); `.parents` must read them back exactly.

The oracle is the operand list each test writes down itself: the operands as
given to the operation, in order, with duplicates.
"""

from __future__ import annotations

import pytest

import autograd
from autograd import Value, backprop
from autograd.operands import SEVERAL


@pytest.mark.parametrize("count", [0, 1, 2, 3, 7])
def test_parents_set_by_hand_read_back_in_order(count: int) -> None:
    operands = tuple(Value(float(i)) for i in range(count))
    node = Value(0.0)
    node.parents = operands
    assert node.parents == operands
    assert all(a is b for a, b in zip(node.parents, operands))


def test_parents_accept_a_list_and_read_back_a_tuple() -> None:
    x, y = Value(1.0), Value(2.0)
    node = Value(0.0)
    node.parents = [x, y]  # type: ignore[assignment]
    assert node.parents == (x, y)


def test_each_operation_records_its_operands_in_order() -> None:
    x, y, z = Value(2.0), Value(3.0), Value(4.0)
    assert (x * y).parents == (x, y)
    assert (y - x).parents == (y, x)
    assert (x * x).parents == (x, x)  # duplicates kept: two edges, two contributions
    assert x.tanh().parents == (x,)
    assert autograd.sum([x, y, z, x]).parents == (x, y, z, x)
    assert autograd.sum([y, x]).parents == (y, x)
    assert autograd.sum([z]).parents == (z,)
    assert x.parents == () and Value(5.0).parents == ()


def test_a_constant_operand_becomes_a_leaf_parent() -> None:
    x = Value(2.0)
    first, second = (3.0 * x).parents
    assert second is x and first.data == 3.0 and first.parents == ()


def test_three_or_more_operands_are_one_tuple_and_the_marker() -> None:
    x, y, z = Value(1.0), Value(2.0), Value(3.0)
    node = autograd.sum([x, y, z])
    assert node._first == (x, y, z) and node._second is SEVERAL


def test_no_grad_records_no_operands() -> None:
    x = Value(1.0)
    with autograd.no_grad():
        assert (x * x).parents == () and autograd.sum([x, x, x]).parents == ()


def test_gradients_through_every_arity_match_hand_derivatives() -> None:
    x, y, z = Value(0.5), Value(-1.5), Value(2.0)
    out = autograd.sum([x * y, y.tanh(), z, x * x]) * z  # d/dx = z·(y + 2x), d/dy = z·(x + 1 − tanh²y), d/dz = sum + z
    out.backward()
    tanh_y = -0.9051482536448664  # math.tanh(-1.5)
    assert x.grad == pytest.approx(2.0 * (-1.5 + 1.0))
    assert y.grad == pytest.approx(2.0 * (0.5 + 1.0 - tanh_y**2))
    assert z.grad == pytest.approx((0.5 * -1.5 + tanh_y + 2.0 + 0.25) + 2.0)


class _DuckNode:
    """Shaped like a node by its own attributes, not a Value."""

    def __init__(self) -> None:
        self.data, self.grad, self.op, self.parents, self.local_grads = 1.0, 0.0, "", (), None
        self._first = self._second = None


@pytest.mark.parametrize("thing", [Value(1.0), Value(1.0) * 2.0, 1.0, 3, "x", [Value(1.0)], None, _DuckNode()])
def test_is_node_answers_as_the_protocol_does(thing: object) -> None:
    assert backprop.is_node(thing) == isinstance(thing, backprop.Node)
    assert backprop.is_node(thing) == isinstance(thing, backprop.Node)  # the cached answer too

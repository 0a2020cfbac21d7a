"""A node keeps its operands in two slots (`autograd.operands`); `.parents` must read them back exactly.

The oracle is the operand list each test writes down itself: the operands as
given to the operation, in order, with duplicates.
"""

from __future__ import annotations

import subprocess
import sys

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


@pytest.mark.parametrize("bad", [None, 1.0, "x"])
def test_parents_must_be_values(bad: object) -> None:
    node = Value(0.0)
    with pytest.raises(TypeError, match=r"parents\[1\] must be a Value"):
        node.parents = (Value(1.0), bad)  # type: ignore[assignment]
    assert node.parents == ()


def test_a_failed_node_check_on_one_object_does_not_condemn_its_class() -> None:
    # In a fresh interpreter, so that no Value has been checked before the half-made one.
    script = (
        "import autograd\n"
        "from autograd import Value\n"
        "try:\n"
        "    autograd.topological_order(Value.__new__(Value))  # no slot set yet: not shaped like a node\n"
        "except TypeError:\n"
        "    pass\n"
        "x = Value(2.0)\n"
        "(x * x).backward()\n"
        "print(x.grad)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "4.0"), done.stderr


class _PlainNode:
    """A node of another class, with only the attributes `backprop.Node` names."""

    def __init__(self, data: float, parents: tuple = (), op: str = "", local_grads: object = None) -> None:
        self.data, self.grad, self.parents, self.op, self.local_grads = data, 0.0, parents, op, local_grads


def test_nodes_of_another_class_are_ordered_and_differentiated_by_the_general_loops() -> None:
    x = _PlainNode(3.0)
    square = _PlainNode(9.0, (x,), "square", lambda out, a: (2.0 * a,))
    y = _PlainNode(27.0, (square, x), "*", lambda out, a, b: (b, a))
    assert autograd.topological_order(y) == [x, square, y]
    backprop.backward(y)  # y = x³: dy/dx = 3x² = 27
    assert x.grad == 27.0 and square.grad == 3.0

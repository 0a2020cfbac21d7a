"""Nodes share their operation's tag (name, op, local-derivative function); one node's change must stay its own.

The oracle is what each test sets and the operation it ran, written down in
the test: never the tag objects' own bookkeeping.
"""

from __future__ import annotations

import copy
import math
import pickle

import autograd
from autograd import Value


def test_naming_one_node_leaves_the_others_of_its_operation_unnamed() -> None:
    x, y = Value(2.0), Value(3.0)
    first, second = x * y, y * x
    first.name = "product"
    assert (first.name, second.name) == ("product", None)
    assert first.op == second.op == "*"
    assert first.local_grads is second.local_grads is Value._mul_local


def test_naming_one_leaf_leaves_the_other_leaves_unnamed() -> None:
    a, b = Value(1.0), Value(2.0)
    a.name = "a"
    constant = (b * 4.0).parents[1]
    assert (a.name, b.name, constant.name) == ("a", None, None)
    assert a.op == b.op == constant.op == "" and a.local_grads is None


def test_a_name_can_be_changed_and_removed() -> None:
    node = Value(1.0, "first") + 1.0
    node.name = "sum"
    node.name = "total"
    assert node.name == "total" and node.op == "+"
    node.name = None
    assert node.name is None and node.op == "+" and node.local_grads is Value._add_local


def test_setting_op_and_local_grads_by_hand_changes_only_that_node() -> None:
    x = Value(0.5, "x")
    made, other = x.sin(), x.sin()
    made.op = "wrong_sin"
    made.local_grads = lambda out, a: (2.0,)
    made.backward()
    assert x.grad == 2.0  # the hand-made derivative was used
    assert (made.op, other.op) == ("wrong_sin", "sin")
    x.grad = 0.0
    other.backward()
    assert x.grad == math.cos(0.5)  # the operation's own derivative is untouched


def test_no_grad_makes_leaves_without_op_or_name() -> None:
    x = Value(1.0, "x")
    with autograd.no_grad():
        y = x.exp()
    assert (y.op, y.name, y.local_grads, y.parents) == ("", None, None, ())


def test_pickle_and_copy_keep_names_ops_and_derivatives() -> None:
    x = Value(1.5, "x")
    y = (x**2.0).tanh()
    y.name = "y"
    for clone in (pickle.loads(pickle.dumps(y)), copy.deepcopy(y)):
        (power,) = clone.parents
        (leaf,) = power.parents
        assert (clone.name, clone.op, power.name, power.op, leaf.name, leaf.op) == ("y", "tanh", None, "**2", "x", "")
        clone.backward()
        y.backward()
        assert leaf.grad == x.grad
        x.grad = 0.0
    shallow = copy.copy(y)
    assert (shallow.name, shallow.op, shallow.parents) == ("y", "tanh", y.parents)


def test_a_hand_made_derivative_with_its_own_tag_attribute_is_used_as_it_is() -> None:
    class Tripled:
        tag = "v1"  # an attribute of the user's own, not a Tag

        def __call__(self, out: float, a: float) -> tuple[float]:
            return (3.0,)

    x = Value(2.0)
    y = Value(0.0)
    y.parents = (x,)
    y.op = "triple"
    y.local_grads = Tripled()
    y.backward()
    assert (x.grad, y.op) == (3.0, "triple")
    clone = copy.copy(y)
    assert clone.op == "triple" and isinstance(clone.local_grads, Tripled)

"""The order backward walks: every node after all of its parents, each node once."""

import math
import random

import autograd
from autograd import Value, topological_order


def random_dag(seed: int, size: int = 60) -> Value:
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(0.5, 1.5)) for _ in range(3)]
    for _ in range(size):
        a, b = rng.choice(nodes), rng.choice(nodes[-5:])
        nodes.append(rng.choice([lambda: a * b, lambda: a + b, lambda: a.tanh(), lambda: a - b])())
    return nodes[-1]


def test_every_node_comes_after_all_of_its_parents() -> None:
    for seed in range(50):
        order = topological_order(random_dag(seed))
        position = {node: i for i, node in enumerate(order)}
        assert len(position) == len(order)
        for node in order:
            for parent in node.parents:
                assert position[parent] < position[node]


def test_a_node_used_directly_and_through_another_path_is_finished_first() -> None:
    # y = h·tanh(h): tanh(h) must not be ordered before h.
    x = Value(0.5)
    h = x * 3.0
    y = h * h.tanh()
    y.backward()
    t = math.tanh(1.5)
    assert math.isclose(x.grad, 3 * t + 1.5 * (1 - t * t) * 3, rel_tol=1e-12)


def test_operands_are_ordered_left_to_right() -> None:
    x, w, b = Value(1.0, name="x"), Value(2.0, name="w"), Value(3.0, name="b")
    product = x * w
    out = product + b
    assert topological_order(out) == [x, w, product, b, out]


def _depth_first_order(root: Value) -> list[Value]:
    """The documented order, written recursively as the definition: parents left to right, then the node."""
    order: list[Value] = []
    seen: set[Value] = set()

    def visit(node: Value) -> None:
        if node in seen:
            return
        seen.add(node)
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order


def unusual_dag(seed: int, size: int = 80) -> Value:
    """Operands drawn from anywhere in the graph built so far, new leaves made late, nodes used many times."""
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(0.5, 1.5))]
    for _ in range(size):
        if rng.random() < 0.15:
            nodes.append(Value(rng.uniform(0.5, 1.5)))  # a leaf created after operations that do not use it
            continue
        a, b, c = rng.choice(nodes), rng.choice(nodes), rng.choice(nodes)
        nodes.append(
            rng.choice([lambda: b * a, lambda: a + a, lambda: (a - b).tanh(), lambda: autograd.sum([c, a, b, a])])()
        )
    late = Value(0.25)  # the last operand is the newest leaf: ordered last of the root's parents
    return autograd.sum([nodes[-1], *rng.sample(nodes, 5), late])


def test_the_order_is_the_depth_first_order_on_graphs_built_out_of_order() -> None:
    for seed in range(40):
        root = unusual_dag(seed)
        assert topological_order(root) == _depth_first_order(root)


def test_an_operation_on_nodes_made_in_the_opposite_order_orders_its_left_operand_first() -> None:
    x, y, z, w = Value(1.0), Value(2.0), Value(3.0), Value(4.0)
    first = x * y
    second = z * w
    out = second + first
    assert topological_order(out) == [z, w, second, x, y, first, out]


def test_backward_on_graphs_built_out_of_order_matches_central_differences() -> None:
    for seed in range(10):
        rng = random.Random(seed)
        leaves = [Value(rng.uniform(0.5, 1.5)) for _ in range(4)]

        def build(*xs: Value) -> Value:
            inner = random.Random(seed)
            nodes = list(xs)
            for _ in range(30):
                a, b = inner.choice(nodes), inner.choice(nodes)
                nodes.append(inner.choice([lambda: b * a, lambda: (a - b).tanh(), lambda: a + b])())
            return autograd.sum(nodes[-6:])

        build(*leaves).backward()
        for leaf, numeric in zip(leaves, autograd.numeric_gradient(build, [leaf.data for leaf in leaves])):
            assert math.isclose(leaf.grad, numeric, rel_tol=1e-6, abs_tol=1e-8)


def backwards_order(root: Value) -> tuple[list[Value], list[Value], list[float]]:
    from autograd.backprop import _order_marking_gradients

    order: list[Value] = []
    holding: list[Value] = []
    earlier: list[float] = []
    _order_marking_gradients(root, order, holding, earlier)
    return order, holding, earlier


def test_backwards_own_order_is_the_depth_first_order() -> None:
    """backward orders the graph by marking .grad instead of filling a set: the order must be the definition's."""
    for seed in range(40):
        for root in (unusual_dag(seed), random_dag(seed)):
            expected = _depth_first_order(root)
            order, _, _ = backwards_order(root)
            assert order == expected


def test_backwards_order_reports_the_leaves_that_hold_a_gradient() -> None:
    x, w, b = Value(1.0), Value(2.0), Value(3.0)
    w.grad, b.grad = 0.5, float("nan")
    out = x * w + b
    order, holding, earlier = backwards_order(out)
    assert order == [x, w, order[2], b, out]
    assert holding == [w, b] and earlier[0] == 0.5 and math.isnan(earlier[1])


def test_marks_left_by_an_interrupted_backward_hide_nothing_from_the_next() -> None:
    """y = x·x + x: dy/dx = 2x + 1 = 7 at x = 3, whatever an earlier pass left in .grad."""
    x = Value(3.0)
    y = x * x + x
    backwards_order(y)  # as if interrupted right after ordering: every .grad holds that pass's mark
    x.grad = 0.0
    y.backward()
    assert x.grad == 7.0

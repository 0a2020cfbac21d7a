"""The order backward walks: every node after all of its parents, each node once."""

import math
import random

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

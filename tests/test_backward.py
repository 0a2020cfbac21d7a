"""The backward pass: reused nodes, diamonds, repeated calls, seeds, depth, width, no_grad, detach, anomalies.

Expected gradients are worked out by hand in each test's comment or docstring.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import subprocess
import sys
import textwrap

import pytest
from graph_strategies import engine_leaves, engine_output, recipes
from hypothesis import given, settings

import autograd
from autograd import Value, detect_anomaly, is_grad_enabled, no_grad, topological_order
from autograd.backprop import propagate

# ------------------------------------------------------------------ reused nodes


def test_adding_a_node_to_itself_gives_gradient_two() -> None:
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0


def test_multiplying_a_node_by_itself_gives_two_a() -> None:
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0


def test_reused_product_node_passes_both_contributions() -> None:
    """p = a·b; out = p + p = 2ab, so ∂out/∂a = 2b and ∂out/∂b = 2a."""
    a, b = Value(3.0), Value(-2.0)
    p = a * b
    (p + p).backward()
    assert (a.grad, b.grad, p.grad) == (-4.0, 6.0, 2.0)


def test_two_separate_products_of_the_same_leaves_add_up() -> None:
    a, b = Value(3.0), Value(-2.0)
    ((a * b) + (a * b)).backward()
    assert (a.grad, b.grad) == (-4.0, 6.0)


def test_non_leaf_reused_twice_in_a_row() -> None:
    """b = a + a, c = b + b = 4a: ∂c/∂a = 4, ∂c/∂b = 2, ∂c/∂c = 1."""
    a = Value(1.5)
    b = a + a
    c = b + b
    c.backward()
    assert (a.grad, b.grad, c.grad) == (4.0, 2.0, 1.0)


# ---------------------------------------------------------------------- diamonds


def test_diamond_where_one_branch_is_the_parent_of_the_other() -> None:
    """a = 2x, b = 3a, r = a + b = 8x: both routes into a must reach x."""
    x = Value(1.0)
    a = x * 2
    b = a * 3
    (a + b).backward()
    assert (x.grad, a.grad) == (8.0, 4.0)


def test_diamond_with_operands_in_the_other_order() -> None:
    x = Value(1.0)
    a = x * 2
    b = a * 3
    (b + a).backward()
    assert (x.grad, a.grad) == (8.0, 4.0)


def test_diamond_through_a_nonlinearity() -> None:
    """h = x², y = h·tanh(h): dy/dx = (tanh h + h·sech²h)·2x."""
    x = Value(0.8)
    h = x * x
    y = h * h.tanh()
    y.backward()
    hv = 0.64
    expected = (math.tanh(hv) + hv / math.cosh(hv) ** 2) * 2 * 0.8
    assert math.isclose(x.grad, expected, rel_tol=1e-14)


def test_classic_diamond_of_two_branches_joining() -> None:
    """u = x + 1, v = x·3, w = u·v = 3x² + 3x: dw/dx = 6x + 3."""
    x = Value(2.0)
    w = (x + 1) * (x * 3)
    w.backward()
    assert x.grad == 15.0


def test_topological_order_puts_every_node_after_its_parents() -> None:
    x = Value(1.0)
    h = x * x
    t = h.tanh()
    y = (h * t) + (t - x)
    order = topological_order(y)
    position = {node: i for i, node in enumerate(order)}
    assert order[-1] is y
    assert len(order) == len(position)  # each node once
    assert all(position[parent] < position[node] for node in order for parent in node.parents)


def test_topological_order_contains_exactly_the_nodes_reached() -> None:
    x, unused = Value(1.0), Value(2.0)
    y = x * 3
    assert set(topological_order(y)) == {x, y, y.parents[1]}
    assert unused not in topological_order(y)


# ------------------------------------------------------------- calling backward


def test_backward_twice_doubles_leaf_gradients_exactly() -> None:
    x, w = Value(0.7), Value(-1.3)
    y = (x * w).tanh()
    y.backward()
    once = (x.grad, w.grad)
    y.backward()
    assert (x.grad, w.grad) == (2 * once[0], 2 * once[1])


def test_backward_twice_doubles_a_leaf_reached_along_several_paths_exactly() -> None:
    """y = 0.7x + 0.8x + 0.2x: x gets three contributions per pass.

    Adding a second pass's contributions one by one onto the first pass's sum
    gives 2·1.7 only up to rounding, in every order (checked below); backward
    sums a pass apart and adds it once, so the result is exactly twice.
    """
    contributions = (0.7, 0.8, 0.2)
    for order in itertools.permutations(contributions):
        first = 0.0
        for c in order:
            first += c
        assert all(_added_one_by_one(first, other) != 2 * first for other in itertools.permutations(contributions))
    x = Value(2.0)
    y = x * 0.7 + x * 0.8 + x * 0.2
    y.backward()
    once = x.grad
    y.backward()
    assert x.grad == 2 * once


def _added_one_by_one(start: float, terms: tuple[float, ...]) -> float:
    for term in terms:
        start += term
    return start


def test_backward_from_a_leaf_gives_the_seed_and_accumulates() -> None:
    x = Value(4.0)
    x.backward()
    x.backward(grad=0.5)
    assert x.grad == 1.5


def test_nodes_shared_by_two_graphs_recompute_their_gradient_and_leaves_accumulate() -> None:
    """h = x·w feeds g1 = tanh(h) and g2 = h·h; backward on each in turn."""
    x, w = Value(0.3), Value(-1.2)
    h = x * w
    g1, g2 = h.tanh(), h * h
    hv = 0.3 * -1.2
    g1.backward()
    assert h.grad == 1 - math.tanh(hv) ** 2
    g2.backward()
    assert h.grad == 2 * hv  # recomputed for g2, not added to g1's
    assert g1.grad == 1.0  # a node of g1 alone is not touched by g2's pass
    assert math.isclose(x.grad, (1 - math.tanh(hv) ** 2) * -1.2 + 2 * hv * -1.2, rel_tol=1e-15)
    assert math.isclose(w.grad, (1 - math.tanh(hv) ** 2) * 0.3 + 2 * hv * 0.3, rel_tol=1e-15)


@pytest.mark.parametrize("anomaly_mode", [False, True])
def test_a_failed_backward_leaves_the_leaves_gradients_as_they_were(anomaly_mode: bool) -> None:
    """y = w·sqrt(x) at x = 0: w gets its contribution before ∂sqrt/∂x = 1/(2·0) fails."""
    x, w = Value(0.0), Value(3.0)
    x.grad, w.grad = 5.0, -2.0
    y = w * x.sqrt()
    with detect_anomaly() if anomaly_mode else contextlib.nullcontext():
        with pytest.raises((FloatingPointError, ZeroDivisionError), match="sqrt"):
            y.backward()
    assert (x.grad, w.grad) == (5.0, -2.0)


def test_backward_twice_recomputes_non_leaf_gradients() -> None:
    a = Value(1.5)
    b = a + a
    c = b + b
    c.backward()
    c.backward()
    assert (a.grad, b.grad, c.grad) == (8.0, 2.0, 1.0)


def test_backward_seed_scales_every_gradient() -> None:
    x = Value(3.0)
    y = x * x
    y.backward(grad=0.5)
    assert (y.grad, x.grad) == (0.5, 3.0)


def test_backward_seed_can_be_given_positionally() -> None:
    x = Value(3.0)
    (x * 2).backward(-1.0)
    assert x.grad == -2.0


def test_backward_from_a_leaf_sets_its_gradient_to_one() -> None:
    x = Value(3.0)
    x.backward()
    assert x.grad == 1.0


def test_backward_leaves_other_graphs_untouched() -> None:
    x = Value(1.0)
    other = Value(2.0)
    unrelated = other * 5
    (x * 3).backward()
    assert (other.grad, unrelated.grad) == (0.0, 0.0)


def test_backward_through_a_subgraph_fills_only_that_part() -> None:
    """Backward from an inner node d = x·y ignores what was built on top of it."""
    x, y = Value(2.0), Value(5.0)
    d = x * y
    top = d * 10
    d.backward()
    assert (x.grad, y.grad, top.grad) == (5.0, 2.0, 0.0)


# ------------------------------------------------------------------ depth and width

CHAIN_DEPTH = 1_000_000


def test_million_deep_chain_backward_has_no_recursion_error() -> None:
    """y = −(−(…−x)) a million times = x, so dy/dx = 1."""
    x = Value(1.5)
    y = x
    for _ in range(CHAIN_DEPTH):
        y = -y
    y.backward()
    assert (y.data, x.grad) == (1.5, 1.0)


def test_million_deep_chain_is_freed_without_crashing() -> None:
    """Dropping the last node frees the chain node by node; a recursive free would overflow the C stack.

    Run in a child process, so a crash shows up as a failing exit status
    instead of taking pytest down.
    """
    script = textwrap.dedent(
        f"""
        from autograd import Value
        y = Value(1.5)
        for _ in range({CHAIN_DEPTH}):
            y = -y
        del y
        print("freed")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout.strip()) == (0, "freed"), result.stderr[-2000:]


TERM_COUNT = 100_000


def test_sum_of_100000_terms_is_one_node() -> None:
    terms = [Value(float(i)) for i in range(TERM_COUNT)]
    total = autograd.sum(terms)
    assert len(total.parents) == TERM_COUNT
    assert all(parent.op == "" for parent in total.parents)


def test_sum_of_100000_terms_has_exact_value_and_unit_gradients() -> None:
    terms = [Value(i * 0.5) for i in range(TERM_COUNT)]
    total = autograd.sum(terms)
    total.backward()
    assert total.data == 0.5 * TERM_COUNT * (TERM_COUNT - 1) / 2
    assert all(term.grad == 1.0 for term in terms)


def test_loop_chain_of_100000_additions_has_exact_value_and_unit_gradients() -> None:
    terms = [Value(i * 0.5) for i in range(TERM_COUNT)]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    total.backward()
    assert total.data == 0.5 * TERM_COUNT * (TERM_COUNT - 1) / 2
    assert all(term.grad == 1.0 for term in terms)


# --------------------------------------------------------------------- no_grad


def test_no_grad_makes_results_leaves() -> None:
    x = Value(2.0)
    with no_grad():
        y = (x * 3).tanh()
    assert (y.op, y.parents, y.local_grads) == ("", (), None)


def test_no_grad_still_computes_values() -> None:
    with no_grad():
        y = Value(2.0) * 3 + 1
    assert y.data == 7.0


def test_no_grad_result_passes_no_gradient_back() -> None:
    x = Value(2.0)
    with no_grad():
        frozen = x * 3
    (frozen * x).backward()
    assert x.grad == 6.0  # only the direct route; frozen is a constant 6


def test_grad_is_enabled_outside_no_grad_and_disabled_inside() -> None:
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_no_grad_nests_and_restores_the_outer_setting() -> None:
    with no_grad():
        with no_grad():
            pass
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_no_grad_restores_recording_after_an_exception() -> None:
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError("inside no_grad")
    assert is_grad_enabled()
    assert (Value(1.0) + 1).op == "+"


def test_parameter_update_under_no_grad_keeps_the_graph_usable() -> None:
    w = Value(1.0)
    loss = (w - 3) * (w - 3)
    loss.backward()  # ∂/∂w = 2(w − 3) = −4
    with no_grad():
        w.data -= 0.1 * w.grad
    assert (w.data, w.op, w.parents) == (1.4, "", ())


# ---------------------------------------------------------------------- detach


def test_detach_makes_a_leaf_with_the_same_data_and_name() -> None:
    y = Value(2.0) * 3
    y.name = "y"
    detached = y.detach()
    assert detached is not y
    assert (detached.data, detached.name, detached.op, detached.parents) == (6.0, "y", "", ())


def test_detach_starts_with_zero_gradient() -> None:
    x = Value(2.0)
    y = x * 3
    y.backward()
    assert y.detach().grad == 0.0


def test_gradient_does_not_flow_through_a_detached_value() -> None:
    x = Value(2.0)
    out = x * (x * 3).detach()  # = x · 6 (a constant)
    out.backward()
    assert x.grad == 6.0


# -------------------------------------------------------------- detect_anomaly


def test_anomaly_mode_raises_on_an_infinite_forward_value_naming_the_op() -> None:
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"'\*'.*1e\+308"):
        Value(1e308) * 10


def test_anomaly_mode_raises_on_a_nan_forward_value_naming_the_op() -> None:
    infinity = Value(math.inf)
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"'-'.*nan"):
        infinity - infinity


def test_anomaly_mode_raises_on_an_infinite_gradient_naming_the_op() -> None:
    """Forward is finite: log(1e-300)·1e300 ≈ −6.9e302; backward: 1e300 · (1/1e-300) = inf."""
    x = Value(1e-300)
    with detect_anomaly():
        z = x.log() * 1e300
        with pytest.raises(FloatingPointError, match="'log'"):
            z.backward()


def test_without_anomaly_mode_an_infinite_forward_value_is_returned() -> None:
    assert (Value(1e308) * 10).data == math.inf


def test_anomaly_mode_is_restored_after_an_exception() -> None:
    with pytest.raises(FloatingPointError), detect_anomaly():
        Value(1e308) * 10
    assert (Value(1e308) * 10).data == math.inf


def test_anomaly_mode_leaves_finite_computations_alone() -> None:
    x = Value(0.5)
    with detect_anomaly():
        y = (x * x).tanh()
        y.backward()
    assert math.isclose(x.grad, 2 * 0.5 / math.cosh(0.25) ** 2, rel_tol=1e-14)


def test_detect_anomaly_turns_an_infinite_local_derivative_into_a_floating_point_error() -> None:
    x = Value(0.0, name="x")
    y = x.sqrt()
    with autograd.detect_anomaly(), pytest.raises(FloatingPointError, match="sqrt"):
        y.backward()


def test_detect_anomaly_finds_data_changed_after_the_forward_pass() -> None:
    w, x = Value(2.0, name="w"), Value(3.0, name="x")
    y = (w * x).tanh()
    w.data = 5.0  # e.g. an optimizer step between the forward pass and backward()
    with autograd.detect_anomaly():
        with pytest.raises(ValueError, match=r"changed after the forward pass: the '\*' node holds 6\.0.*w=5\.0"):
            y.backward()
        with pytest.raises(ValueError, match="run the forward pass again"):
            autograd.grad(y, [w])


def test_detect_anomaly_passes_every_operation_of_an_unchanged_graph() -> None:
    """Each forward rule the check recomputes gives the engine's number bit for bit (no false alarm)."""
    a, b = Value(0.7, name="a"), Value(1.3, name="b")
    terms = [
        a + b, a - b, a * b, a / b, -a, abs(a - b), a**b, a**2.5, a.exp(), a.log(), a.sqrt(), a.tanh(),
        a.sigmoid(), (a - b).relu(), (a - b).leaky_relu(0.1), a.clamp(0.0, 0.5), a.softplus(), a.sin(), a.cos(),
        autograd.logsumexp([a, b]),
    ]
    total = autograd.sum(terms)
    with autograd.detect_anomaly():
        total.backward()
    assert a.grad != 0.0


# --------------------------------------------- plain backward's loop against the general one


def _gradients_by_the_general_loop(root: Value) -> dict[Value, float]:
    """∂root/∂node for every node, by `propagate`'s general loop (an observer makes it take that loop)."""
    return propagate(topological_order(root), 1.0, differentiable=False, on_step=lambda *edge: None)


@settings(max_examples=150, deadline=None)
@given(recipes(max_steps=8))
def test_plain_backward_gives_the_general_loops_gradients_to_the_last_bit(recipe) -> None:
    """backward's written-out loop for one and two operands must be the general loop, edge for edge.

    The oracle is the general loop of `propagate` (what `grad` and `explain` use), taken with an
    observer attached; equality is exact, so a change in the order of any addition shows.
    """
    leaves = engine_leaves(recipe)
    root = engine_output(recipe, leaves)
    expected = _gradients_by_the_general_loop(root)
    root.backward()
    for node in topological_order(root):
        assert node.grad == expected.get(node, 0.0), (node, recipe)


def test_plain_backward_matches_the_general_loop_on_an_operation_of_many_operands() -> None:
    """sum and logsumexp take the loop for three or more operands; a reused operand must add up."""
    x, y = Value(0.3), Value(-1.2)
    root = autograd.logsumexp([x, y, x * y, x]) * autograd.sum([x, x, y, y.tanh()])
    expected = _gradients_by_the_general_loop(root)
    root.backward()
    assert (x.grad, y.grad) == (expected[x], expected[y])


# ------------------------------------------------ hand-made nodes and interrupted passes


def _hand_made(parents: tuple, local_grads, op: str = "custom") -> Value:
    node = Value(sum(p.data for p in parents))
    node.op, node.parents, node.local_grads = op, parents, local_grads
    return node


@pytest.mark.parametrize("anomaly_mode", [False, True])
@pytest.mark.parametrize("count", [1, 3])
def test_a_local_derivative_function_with_the_wrong_count_is_named_on_every_path(anomaly_mode: bool, count: int) -> None:
    x, y = Value(1.0), Value(2.0)
    node = _hand_made((x, y), lambda out, a, b: (1.0,) * count)
    mode = detect_anomaly() if anomaly_mode else contextlib.nullcontext()
    with mode, pytest.raises(TypeError, match=rf"gave {count} derivatives for 2 operands"):
        (node * 1.0).backward()
    with pytest.raises(TypeError, match=rf"gave {count} derivatives for 2 operands"):
        autograd.grad(node, [x])


def test_an_n_ary_local_derivative_function_with_too_few_derivatives_is_named() -> None:
    x, y, z = Value(1.0), Value(2.0), Value(3.0)
    node = _hand_made((x, y, z), lambda out, *inputs: (1.0, 1.0))
    with pytest.raises(TypeError, match="gave 2 derivatives for 3 operands"):
        node.backward()


class _ExplodingParents(Value):
    """A node whose parents cannot be read: stands in for anything that stops backward while it orders the graph."""

    @property  # type: ignore[override]
    def parents(self):
        raise KeyboardInterrupt

    @parents.setter
    def parents(self, value) -> None:
        pass


@pytest.mark.parametrize("anomaly_mode", [False, True])
def test_an_interruption_while_ordering_leaves_the_leaves_their_gradients(anomaly_mode: bool) -> None:
    x, w = Value(2.0), Value(3.0)
    x.grad, w.grad = 5.0, -1.5
    stuck = _ExplodingParents(1.0)
    stuck.local_grads = Value._mul_local
    out = (x * w) * stuck
    mode = detect_anomaly() if anomaly_mode else contextlib.nullcontext()
    with mode, pytest.raises(KeyboardInterrupt):
        out.backward()
    assert (x.grad, w.grad) == (5.0, -1.5)
    out2 = x * w
    out2.backward()  # ∂(xw)/∂x = w = 3, ∂/∂w = x = 2, added to what they held
    assert (x.grad, w.grad) == (8.0, 0.5)


def test_a_node_without_a_local_derivative_function_accumulates_like_a_leaf_on_every_path() -> None:
    """A node with parents but no local-derivative function passes nothing back: like a leaf, it accumulates."""
    results = []
    for mode in (contextlib.nullcontext, detect_anomaly):
        x = Value(1.0)
        blocked = _hand_made((x,), None)
        blocked.grad = 10.0
        out = blocked * 2.0
        with mode():
            out.backward()
            out.backward()
        results.append((blocked.grad, x.grad))
    assert results == [(14.0, 0.0), (14.0, 0.0)]  # 10 + 2 + 2; nothing reaches x

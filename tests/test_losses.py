"""nn.losses: values, output deltas (BACKPROP.md's table), reductions and input checks.

Oracles: each loss's formula evaluated in plain floats, and each output delta
δ = ∂C/∂z written from BACKPROP.md's table (o − y for identity+half_sse,
sigmoid+bce and softmax+cross-entropy; (2/n)(o − y) for mse), compared with the
engine's gradient at the output pre-activation z.
"""

from __future__ import annotations

import math

import pytest

import autograd
from autograd import Value
from nn import losses
from nn.losses import LOSSES, bce, bce_with_logits, cross_entropy, half_sse, hinge, l2, mse

Z = [[0.3, -1.2, 2.0], [-0.4, 0.9, 0.1]]  # two examples, three output units each, as pre-activations
Y = [[0.0, 1.0, 0.25], [1.0, 0.5, 0.0]]


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def softmax(zs: list[float]) -> list[float]:
    exps = [math.exp(z) for z in zs]
    return [e / sum(exps) for e in exps]


def leaves(rows: list[list[float]]) -> list[list[Value]]:
    return [[Value(z) for z in row] for row in rows]


def grads(rows: list[list[Value]]) -> list[list[float]]:
    return [[z.grad for z in row] for row in rows]


def assert_close_rows(got: list[list[float]], want: list[list[float]]) -> None:
    for got_row, want_row in zip(got, want):
        for g, w in zip(got_row, want_row):
            assert math.isclose(g, w, rel_tol=1e-12, abs_tol=1e-12), (got, want)


# ------------------------------------------------------------------------ values


def test_half_sse_is_half_the_summed_squared_error() -> None:
    want = sum(0.5 * (y - o) ** 2 for row_o, row_y in zip(Z, Y) for o, y in zip(row_o, row_y))
    assert math.isclose(half_sse(leaves(Z), Y).data, want, rel_tol=1e-15)


def test_mse_averages_over_output_units_and_sums_over_examples() -> None:
    want = sum(sum((o - y) ** 2 for o, y in zip(row_o, row_y)) / 3 for row_o, row_y in zip(Z, Y))
    assert math.isclose(mse(leaves(Z), Y).data, want, rel_tol=1e-15)


def test_bce_is_the_log_loss_of_probabilities() -> None:
    probabilities = [[sigmoid(z) for z in row] for row in Z]
    want = -sum(
        y * math.log(p) + (1 - y) * math.log(1 - p)
        for row_p, row_y in zip(probabilities, Y)
        for p, y in zip(row_p, row_y)
    )
    assert math.isclose(bce(leaves(probabilities), Y).data, want, rel_tol=1e-13)


def test_bce_with_logits_equals_bce_of_the_sigmoid() -> None:
    probabilities = [[sigmoid(z) for z in row] for row in Z]
    assert math.isclose(bce_with_logits(leaves(Z), Y).data, bce(leaves(probabilities), Y).data, rel_tol=1e-13)


def test_cross_entropy_is_minus_log_of_the_softmax_probability_of_the_class() -> None:
    want = -math.log(softmax(Z[0])[2]) - math.log(softmax(Z[1])[0])
    assert math.isclose(cross_entropy(leaves(Z), [2, 0]).data, want, rel_tol=1e-13)


def test_cross_entropy_takes_a_class_index_or_the_same_one_hot_list() -> None:
    by_index = cross_entropy(leaves(Z), [2, 0]).data
    assert cross_entropy(leaves(Z), [[0, 0, 1], [1, 0, 0]]).data == by_index


def test_hinge_is_the_summed_margin_violation() -> None:
    scores, labels = [0.3, -2.0, 1.5, -0.2], [1, -1, -1, -1]
    want = sum(max(0.0, 1.0 - y * s) for s, y in zip(scores, labels))
    assert hinge([Value(s) for s in scores], labels).data == want


def test_l2_is_coefficient_times_sum_of_squares_with_gradient_2cp() -> None:
    parameters = [Value(0.5), Value(-2.0), Value(3.0)]
    penalty = l2(parameters, 1e-2)
    assert math.isclose(penalty.data, 1e-2 * (0.25 + 4.0 + 9.0), rel_tol=1e-15)
    penalty.backward()
    assert [p.grad for p in parameters] == pytest.approx([2e-2 * 0.5, 2e-2 * -2.0, 2e-2 * 3.0], rel=1e-15)


def test_l2_of_no_parameters_is_zero() -> None:
    assert l2([], 0.1).data == 0.0


def test_a_single_unit_output_may_be_a_value_with_a_number_target() -> None:
    assert half_sse([Value(3.0), Value(1.0)], [1.0, 1.0]).data == 2.0


# ------------------------------------------------------------------------ stability


def test_bce_with_logits_stays_exact_for_huge_logits() -> None:
    assert bce_with_logits([Value(1000.0), Value(-1000.0)], [1.0, 1.0]).data == 1000.0


def test_cross_entropy_stays_finite_for_huge_logits() -> None:
    assert cross_entropy([[Value(1000.0), Value(0.0)]], [1]).data == 1000.0


def test_bce_clips_a_saturated_probability_instead_of_failing() -> None:
    o = Value(1.0)
    loss = bce([o], [0.0])
    assert math.isclose(loss.data, -math.log(losses.BCE_EPSILON), rel_tol=1e-4)
    loss.backward()
    assert o.grad == 0.0  # a clipped output is a constant, as with a clamp


# ------------------------------------------------------------------------ output deltas at z


def test_half_sse_with_identity_output_gives_delta_o_minus_y() -> None:
    z = leaves(Z)
    half_sse(z, Y).backward()
    assert_close_rows(grads(z), [[o - y for o, y in zip(ro, ry)] for ro, ry in zip(Z, Y)])


def test_half_sse_with_sigmoid_output_gives_delta_o_minus_y_times_sigmoid_prime() -> None:
    z = leaves(Z)
    half_sse([[v.sigmoid() for v in row] for row in z], Y).backward()
    want = [[(sigmoid(v) - y) * sigmoid(v) * (1 - sigmoid(v)) for v, y in zip(ro, ry)] for ro, ry in zip(Z, Y)]
    assert_close_rows(grads(z), want)


def test_mse_with_identity_output_gives_delta_two_over_n_times_o_minus_y() -> None:
    z = leaves(Z)
    mse(z, Y).backward()
    assert_close_rows(grads(z), [[2 / 3 * (o - y) for o, y in zip(ro, ry)] for ro, ry in zip(Z, Y)])


def test_mse_with_sigmoid_output_gives_seed_002_delta() -> None:
    z = leaves(Z)
    mse([[v.sigmoid() for v in row] for row in z], Y).backward()
    want = [[2 / 3 * (sigmoid(v) - y) * sigmoid(v) * (1 - sigmoid(v)) for v, y in zip(ro, ry)] for ro, ry in zip(Z, Y)]
    assert_close_rows(grads(z), want)


def test_bce_with_sigmoid_output_gives_delta_o_minus_y() -> None:
    z = leaves(Z)
    bce([[v.sigmoid() for v in row] for row in z], Y).backward()
    assert_close_rows(grads(z), [[sigmoid(v) - y for v, y in zip(ro, ry)] for ro, ry in zip(Z, Y)])


def test_bce_with_logits_gives_delta_sigmoid_z_minus_y() -> None:
    z = leaves(Z)
    bce_with_logits(z, Y).backward()
    assert_close_rows(grads(z), [[sigmoid(v) - y for v, y in zip(ro, ry)] for ro, ry in zip(Z, Y)])


def test_cross_entropy_gives_delta_softmax_minus_one_hot() -> None:
    z = leaves(Z)
    cross_entropy(z, [2, 0]).backward()
    one_hot = [[0, 0, 1], [1, 0, 0]]
    assert_close_rows(grads(z), [[p - y for p, y in zip(softmax(ro), ry)] for ro, ry in zip(Z, one_hot)])


def test_cross_entropy_of_the_softmax_layer_table_row_o_minus_y() -> None:
    """BACKPROP.md's softmax row, −Σ y·log o on softmax outputs, has the same δ as cross_entropy from logits."""
    z = leaves(Z)
    outputs = [autograd.softmax(row) for row in z]
    targets = [[0, 0, 1], [1, 0, 0]]
    autograd.sum([-(y * o.log()) for row_o, row_y in zip(outputs, targets) for o, y in zip(row_o, row_y)]).backward()
    assert_close_rows(grads(z), [[p - y for p, y in zip(softmax(ro), ry)] for ro, ry in zip(Z, targets)])


def test_hinge_gives_delta_minus_y_inside_the_margin_and_zero_outside() -> None:
    scores = [Value(0.3), Value(-2.0), Value(1.5), Value(-0.2)]
    hinge(scores, [1, -1, -1, 1]).backward()
    assert [s.grad for s in scores] == [-1.0, 0.0, 1.0, -1.0]


# ------------------------------------------------------------------------ reductions


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_mean_reduction_is_the_sum_divided_by_the_batch_size(name: str) -> None:
    loss = LOSSES[name]
    outputs, targets = _batch_for(name)
    total = loss(leaves(outputs), targets).data
    assert math.isclose(loss(leaves(outputs), targets, reduction="mean").data, total / 2, rel_tol=1e-15)


def test_sum_is_the_default_reduction() -> None:
    assert half_sse(leaves(Z), Y).data == half_sse(leaves(Z), Y, reduction="sum").data


def test_mean_reduction_divides_each_delta_by_the_batch_size() -> None:
    z = leaves(Z)
    half_sse(z, Y, reduction="mean").backward()
    assert_close_rows(grads(z), [[(o - y) / 2 for o, y in zip(ro, ry)] for ro, ry in zip(Z, Y)])


def test_unknown_reduction_is_refused() -> None:
    with pytest.raises(ValueError, match="reduction must be 'sum' or 'mean', got 'avg'"):
        half_sse(leaves(Z), Y, reduction="avg")  # type: ignore[arg-type]


def _batch_for(name: str) -> tuple[list[list[float]], list]:
    if name == "bce":
        return [[sigmoid(z) for z in row] for row in Z], Y
    if name == "cross_entropy":
        return Z, [2, 0]
    if name == "hinge":
        return Z, [[1, -1, 1], [-1, -1, 1]]
    return Z, Y


# ------------------------------------------------------------------------ registry and bad input


def test_registry_names_every_batch_loss_by_its_function_name() -> None:
    assert sorted(LOSSES) == ["bce", "bce_with_logits", "cross_entropy", "half_sse", "hinge", "mse"]
    assert all(LOSSES[name] is getattr(losses, name) for name in LOSSES)


def test_outputs_must_be_a_batch() -> None:
    with pytest.raises(TypeError, match=r"for one example write \[output\]"):
        half_sse(Value(1.0), [1.0])  # type: ignore[arg-type]


def test_a_different_number_of_targets_is_refused() -> None:
    with pytest.raises(ValueError, match="outputs has 2 examples but targets has 1"):
        half_sse(leaves(Z), [Y[0]])


def test_an_empty_batch_is_refused() -> None:
    with pytest.raises(ValueError, match="outputs is empty"):
        half_sse([], [])


def test_a_target_of_the_wrong_size_names_its_example() -> None:
    with pytest.raises(ValueError, match=r"targets\[1\]: expected 3 numbers \(one per output unit\), got 2"):
        mse(leaves(Z), [Y[0], [1.0, 0.0]])


def test_a_number_target_for_several_units_names_its_example() -> None:
    with pytest.raises(ValueError, match=r"targets\[0\]: the output has 3 units"):
        half_sse(leaves(Z), [1.0, Y[1]])


def test_a_non_number_target_names_its_example_and_unit() -> None:
    with pytest.raises(ValueError, match=r"targets\[1\]\[2\]: expected a number, got str"):
        half_sse(leaves(Z), [Y[0], [1.0, 0.5, "0"]])


def test_a_non_number_output_names_its_example() -> None:
    with pytest.raises(ValueError, match=r"outputs\[1\]: expected a number, got str"):
        half_sse([Value(1.0), "x"], [1.0, 1.0])


def test_bce_refuses_targets_outside_zero_one() -> None:
    with pytest.raises(ValueError, match=r"targets\[0\]: binary cross-entropy targets must lie in \[0, 1\]"):
        bce_with_logits([Value(0.0)], [2.0])


def test_bce_refuses_outputs_that_are_not_probabilities() -> None:
    with pytest.raises(ValueError, match=r"outputs\[1\]: bce expects probabilities in \[0, 1\].*bce_with_logits"):
        bce([Value(0.5), Value(1.5)], [1.0, 1.0])


def test_hinge_refuses_labels_other_than_plus_or_minus_one() -> None:
    with pytest.raises(ValueError, match=r"targets\[1\]: hinge labels must be -1 or \+1, got 0.0"):
        hinge([Value(0.5), Value(0.5)], [1, 0])


def test_cross_entropy_refuses_a_class_index_out_of_range() -> None:
    with pytest.raises(ValueError, match=r"targets\[1\]: class index 3 is out of range for 3 logits"):
        cross_entropy(leaves(Z), [0, 3])


def test_cross_entropy_refuses_a_target_that_is_not_a_distribution() -> None:
    with pytest.raises(ValueError, match=r"targets\[0\]: a one-hot target must be non-negative and sum to 1"):
        cross_entropy(leaves(Z), [[1, 1, 0], 0])


def test_cross_entropy_refuses_a_boolean_class_index() -> None:
    with pytest.raises(ValueError, match=r"targets\[0\]: expected a class index"):
        cross_entropy(leaves(Z), [True, 0])


def test_l2_refuses_a_negative_coefficient() -> None:
    with pytest.raises(ValueError, match="l2 coefficient must be >= 0"):
        l2([Value(1.0)], -0.1)

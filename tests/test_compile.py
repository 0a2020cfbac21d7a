"""`autograd.compile`: the generated code computes what the eager engine computes, at any inputs.

Oracles: the eager engine on the same inputs (an independent implementation of
the same mathematics: objects and a graph walk instead of generated text), and
hand-derived values where a branch decides the answer.
"""

from __future__ import annotations

import math
import random
import warnings

import pytest
from graph_strategies import OPERATIONS, engine_output, recipes
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import TracingError, Value
from nn import datasets, losses

TOLERANCE = 1e-12


def assert_close(compiled: float, eager: float) -> None:
    """Equal to 1e-12, relative to the size of the numbers (absolute below 1); inf equals inf, nan nan."""
    if compiled == eager:
        return
    if math.isnan(eager):
        assert math.isnan(compiled)
        return
    assert abs(compiled - eager) <= TOLERANCE * max(1.0, abs(eager)), (compiled, eager)


def eager_value_and_gradients(fn, numbers: list[float]) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in numbers]
    output = fn(leaves)
    return output.data, [g.data for g in autograd.grad(output, leaves)]


def assert_matches_eager(compiled, fn, numbers: list[float]) -> None:
    """compiled(numbers) gives eager's value and gradients, or raises the error eager raises."""
    try:
        expected_value, expected_gradients = eager_value_and_gradients(fn, numbers)
    except (ArithmeticError, ValueError) as error:
        with pytest.raises(type(error)):
            compiled(numbers)
        return
    value, gradients = compiled(numbers)
    assert_close(value, expected_value)
    assert len(gradients) == len(expected_gradients)
    for got, expected in zip(gradients, expected_gradients):
        assert_close(got, expected)


# ------------------------------------------------------------- random graphs


@settings(max_examples=25, derandomize=True, database=None, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_compiled_graph_matches_eager_at_new_inputs(operation: str, data: st.DataObject) -> None:
    """Every operation, in random graphs with reused nodes and constants, at the example inputs and at new ones."""
    recipe = data.draw(recipes(required=operation))

    def fn(xs: list[Value]) -> Value:
        return engine_output(recipe, xs)

    compiled = autograd.compile(fn, list(recipe.inputs))
    assert_matches_eager(compiled, fn, list(recipe.inputs))
    new_inputs = data.draw(st.lists(st.floats(-3.0, 3.0), min_size=len(recipe.inputs), max_size=len(recipe.inputs)))
    assert_matches_eager(compiled, fn, new_inputs)


@pytest.mark.parametrize(
    ("operation", "example", "new", "expected_value", "expected_slope"),
    [
        (Value.relu, 2.0, -3.0, 0.0, 0.0),
        (Value.relu, -2.0, 3.0, 3.0, 1.0),
        (abs, 2.0, -3.0, 3.0, -1.0),
        (abs, -2.0, 3.0, 3.0, 1.0),
        (lambda x: x.leaky_relu(0.1), 2.0, -3.0, -0.3, 0.1),
        (lambda x: x.leaky_relu(0.1), -2.0, 3.0, 3.0, 1.0),
    ],
)
def test_kinked_operations_decide_their_branch_at_every_call(operation, example, new, expected_value, expected_slope):
    """Traced on one side of the kink, called on the other: value and slope are the other side's."""
    compiled = autograd.compile(lambda xs: operation(xs[0]), [example])
    value, (slope,) = compiled([new])
    assert value == pytest.approx(expected_value, abs=1e-15)
    assert slope == expected_slope


def test_long_chains_and_wide_sums_compile() -> None:
    """A 5,000-deep chain and a 5,000-term sum: nesting is bounded, so Python's compiler copes."""

    def fn(xs: list[Value]) -> Value:
        chain = xs[0]
        for _ in range(5000):
            chain = chain * 0.999 + 0.001
        return chain + autograd.sum([x * x for x in xs])

    numbers = [random.Random(3).uniform(-1, 1) for _ in range(5000)]
    assert_matches_eager(autograd.compile(fn, numbers), fn, numbers[::-1])


# -------------------------------------------------------------------- nn losses

LOSS_CASES = {
    "mse": (lambda outs: losses.mse(outs, [[0.5, -1.0], [2.0, 0.0]]), 2),
    "half_sse": (lambda outs: losses.half_sse(outs, [[0.5, -1.0], [2.0, 0.0]]), 2),
    "bce": (lambda outs: losses.bce([[o.sigmoid() for o in out] for out in outs], [[1.0, 0.0], [0.0, 1.0]]), 2),
    "bce_with_logits": (lambda outs: losses.bce_with_logits(outs, [[1.0, 0.0], [0.25, 1.0]]), 2),
    "cross_entropy": (lambda outs: losses.cross_entropy(outs, [1, [0.0, 0.0, 1.0]]), 3),
    "hinge": (lambda outs: losses.hinge(outs, [[1.0, -1.0], [-1.0, 1.0]]), 2),
    "l2": (lambda outs: losses.l2([o for out in outs for o in out], 1e-2), 2),
}


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
@pytest.mark.parametrize("reduction_seed", [0, 1, 2])
def test_every_nn_loss_matches_eager_at_new_outputs(name: str, reduction_seed: int) -> None:
    """Each loss of nn.losses on a batch of two examples, compiled at one set of outputs and run at others."""
    loss, units = LOSS_CASES[name]

    def fn(flat: list[Value]) -> Value:
        return loss([flat[:units], flat[units:]])

    rng = random.Random(reduction_seed)
    example = [rng.uniform(-2, 2) for _ in range(2 * units)]
    compiled = autograd.compile(fn, example)
    for _ in range(3):
        assert_matches_eager(compiled, fn, [rng.uniform(-2, 2) for _ in range(2 * units)])


# ------------------------------------------------------------------------- MLP


def moons_mlp(seed: int = 5) -> tuple[nn.MLP, list[list[float]], list[float]]:
    inputs, labels = datasets.moons(20, noise=0.1, seed=seed)
    return nn.MLP(2, [8, 8, 1], seed=seed), [list(map(float, x)) for x in inputs], list(map(float, labels))


def mlp_loss(model: nn.MLP, inputs: list, labels: list[float]) -> Value:
    outputs = [model(x) for x in inputs]
    return losses.hinge(outputs, labels, reduction="mean") + losses.l2(model.parameters(), 1e-4)


def test_compiled_mlp_equals_eager_bit_for_bit_as_parameters_change() -> None:
    """The MLP loss and every parameter gradient, over three SGD steps that change the parameters in place."""
    model, inputs, labels = moons_mlp()
    twin, _, _ = moons_mlp()
    compiled = autograd.compile(
        lambda xs: mlp_loss(model, xs, labels), inputs, params=model.parameters(), input_gradients=False
    )
    for _ in range(3):
        model.zero_grad()
        twin.zero_grad()
        value, no_gradients = compiled(inputs)
        expected = mlp_loss(twin, inputs, labels)
        expected.backward()
        assert no_gradients is None
        assert value == expected.data
        assert [p.grad for p in model.parameters()] == [p.grad for p in twin.parameters()]
        for module in (model, twin):
            for p in module.parameters():
                p.data -= 0.1 * p.grad


def test_parameter_gradients_accumulate_like_backward() -> None:
    """Two calls without zero_grad add up, as two backward() calls do."""
    w = Value(3.0, name="w")
    compiled = autograd.compile(lambda xs: w * xs[0], [2.0], params=[w])
    compiled([2.0])
    compiled([5.0])
    assert w.grad == 7.0


def test_parameters_are_read_at_every_call() -> None:
    w = Value(3.0, name="w")
    compiled = autograd.compile(lambda xs: w * w * xs[0], [2.0], params=[w])
    w.data = -1.0
    value, (dx,) = compiled([4.0])
    assert (value, dx, w.grad) == (4.0, 1.0, -8.0)


# --------------------------------------------------------------- structures


def test_dict_of_nested_lists_keeps_its_structure() -> None:
    compiled = autograd.compile(lambda d: d["a"][1][0] * d["b"], {"a": [[1.0], [2.0, 3.0]], "b": 4.0})
    value, gradients = compiled({"a": [[5.0], [6.0, 7.0]], "b": 0.5})
    assert value == 3.0
    assert gradients == {"a": [[0.0], [0.5, 0.0]], "b": 6.0}


def test_tuples_stay_tuples() -> None:
    _, gradients = autograd.compile(lambda t: t[0] + t[1], (1.0, 2.0))((3.0, 4.0))
    assert gradients == (1.0, 1.0)


def test_aux_values_are_returned_with_the_output() -> None:
    compiled = autograd.compile(lambda xs: (xs[0] * xs[1], {"sum": xs[0] + xs[1], "k": 2}), [1.0, 2.0], has_aux=True)
    value, gradients, aux = compiled([3.0, 4.0])
    assert (value, gradients, aux) == (12.0, [4.0, 3.0], {"sum": 7.0, "k": 2.0})


def test_wrong_shape_of_new_inputs_is_a_value_error_naming_the_place() -> None:
    compiled = autograd.compile(lambda d: d["x"][0] + d["x"][1], {"x": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"inputs\['x'\] must be a list of 2 entries"):
        compiled({"x": [1.0, 2.0, 3.0]})


def test_a_non_number_input_is_a_type_error_naming_the_place() -> None:
    compiled = autograd.compile(lambda xs: xs[0] + xs[1], [1.0, 2.0])
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a real number"):
        compiled([1.0, "2"])


def test_integer_inputs_are_computed_as_floats() -> None:
    value, gradients = autograd.compile(lambda xs: xs[0] / xs[1], [1.0, 2.0])([1, 3])
    assert value == 1 / 3 and isinstance(gradients[0], float)


# ------------------------------------------------------------ what fn may do


def test_python_comparison_on_a_traced_value_raises_tracing_error() -> None:
    def branchy(xs: list[Value]) -> Value:
        return xs[0] * 2 if xs[0] > 0 else xs[0] * 3

    with pytest.raises(TracingError, match="relu, abs"):
        autograd.compile(branchy, [1.0])


def test_max_of_traced_values_raises_tracing_error() -> None:
    with pytest.raises(TracingError):
        autograd.compile(lambda xs: max(xs[0], xs[1]), [1.0, 2.0])


def test_math_function_on_a_traced_value_raises_type_error() -> None:
    with pytest.raises(TypeError):
        autograd.compile(lambda xs: xs[0] * math.exp(xs[0]), [1.0])


def test_comparing_constants_while_tracing_is_allowed() -> None:
    c = Value(2.0)
    compiled = autograd.compile(lambda xs: xs[0] * (3.0 if c > 1 else 4.0), [1.0])
    assert compiled([2.0]) == (6.0, [3.0])


def test_value_comparisons_work_again_after_tracing_failed() -> None:
    x = Value(1.0)
    with pytest.raises(TracingError):
        autograd.compile(lambda xs: max(x, xs[0]), [2.0])
    assert (x + 1) > x and (x + 1) >= 2.0


def test_verify_finds_a_branch_on_data() -> None:
    compiled = autograd.compile(lambda xs: xs[0] * 2 if xs[0].data > 0 else -xs[0], [1.0])
    compiled.verify([5.0])
    with pytest.raises(TracingError, match="different computation"):
        compiled.verify([-5.0])


def test_fn_must_return_one_value() -> None:
    with pytest.raises(TypeError, match="must return one Value"):
        autograd.compile(lambda xs: [xs[0], xs[1]], [1.0, 2.0])


def test_params_must_be_distinct_leaves() -> None:
    w = Value(1.0)
    with pytest.raises(ValueError, match="must be leaves"):
        autograd.compile(lambda xs: xs[0] * w, [1.0], params=[w + 1])
    with pytest.raises(ValueError, match="twice"):
        autograd.compile(lambda xs: xs[0] * w, [1.0], params=[w, w])


def test_a_named_leaf_left_out_of_params_warns_that_it_is_baked_in() -> None:
    w = Value(1.5, name="w[1]_11")
    with pytest.warns(UserWarning, match=r"'w\[1\]_11'.*params"):
        compiled = autograd.compile(lambda xs: xs[0] * w, [1.0])
    w.data = 100.0
    assert compiled([2.0]) == (3.0, [1.5])


def test_compile_inside_no_grad_is_refused() -> None:
    with autograd.no_grad(), pytest.raises(ValueError, match="no_grad"):
        autograd.compile(lambda xs: xs[0] * 2, [1.0])


def test_an_operation_unknown_to_the_generator_is_named() -> None:
    def fn(xs: list[Value]) -> Value:
        node = xs[0] * 2
        node.op = "mystery"
        return node

    with pytest.raises(ValueError, match="'mystery'"):
        autograd.compile(fn, [1.0])


def test_errors_in_compiled_code_are_the_engines() -> None:
    compiled = autograd.compile(lambda xs: xs[0].log(), [1.0])
    with pytest.raises(ValueError, match="log is defined only for positive numbers"):
        compiled([-1.0])


# ------------------------------------------------------------------- source


def test_source_uses_textbook_names_and_deltas() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    compiled = autograd.compile(lambda xs: losses.half_sse([model(xs)], [1.0]), [0.5, -1.0], params=model.parameters())
    lines = [line.strip() for line in compiled.source.splitlines()]
    assert "z1_1 = w1_11 * x_1 + w1_12 * x_2 + b1_1" in lines
    assert "a1_1 = 0.0 if z1_1 <= 0 else z1_1" in lines
    assert "delta1_1 = grad_a1_1 * (0.0 if z1_1 <= 0 else 1.0)  # ∂relu(a)/∂a = 1 if a > 0 else 0" in lines
    assert "grad_b1_1 = delta1_1  # ∂(x₁+…+xₙ)/∂xᵢ = 1" in lines  # the bias gradient is δ


def test_constants_are_written_as_exact_literals() -> None:
    third = 1 / 3
    compiled = autograd.compile(lambda xs: xs[0] * third + math.inf * 0 + Value(-math.inf) * 0 + xs[0], [1.0])
    assert repr(third) in compiled.source
    value, _ = compiled([1.0])
    assert math.isnan(value)


def test_repeated_and_awkward_names_become_distinct_identifiers() -> None:
    def fn(xs: list[Value]) -> Value:
        first, second, keyword = xs[0] * 2, xs[0] * 3, xs[0] * 4
        first.name, second.name, keyword.name = "z[2]_1", "z[2]_1", "lambda"
        return first * second * keyword

    source = autograd.compile(fn, [1.0]).source
    assert "z2_1 = " in source and "z2_1__2 = " in source and "lambda_ = " in source
    assert "delta2_1 = " in source and "delta2_1__2 = " in source


def test_source_runs_on_its_own() -> None:
    """The printed source is a complete module: exec it and call the function it defines."""
    compiled = autograd.compile(lambda xs: xs[0].tanh() * xs[1].exp(), [0.3, -0.2])
    namespace: dict = {}
    exec(compiled.source, namespace)
    value, gradients, _, _ = namespace["forward_and_backward"]([0.3, -0.2], [])
    assert (value, list(gradients)) == compiled([0.3, -0.2])


def test_no_warnings_for_an_ordinary_compile() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        autograd.compile(lambda xs: xs[0] * 2.0, [1.0])

"""`Value` as an object: construction, attributes, display, comparisons, identity, operands and parents."""

from __future__ import annotations

import math
import operator
from fractions import Fraction

import pytest

from autograd import Value

# --------------------------------------------------------------- construction


@pytest.mark.parametrize("number", [3, 3.0, -2.5, 0, Fraction(1, 4)])
def test_data_is_stored_as_float(number: object) -> None:
    value = Value(number)
    assert type(value.data) is float
    assert value.data == float(number)


def test_grad_starts_at_zero() -> None:
    grad = Value(2.0).grad
    assert type(grad) is float
    assert grad == 0.0


def test_name_is_kept() -> None:
    assert Value(1.0, name="w").name == "w"


def test_name_defaults_to_none() -> None:
    assert Value(1.0).name is None


def test_name_can_be_given_positionally() -> None:
    assert Value(1.0, "b").name == "b"


def test_leaf_has_empty_op_no_parents_and_no_local_grads() -> None:
    leaf = Value(1.0)
    assert (leaf.op, leaf.parents, leaf.local_grads) == ("", (), None)


def test_value_has_slots_and_no_instance_dict() -> None:
    assert not hasattr(Value(1.0), "__dict__")


def test_unknown_attribute_cannot_be_set() -> None:
    with pytest.raises(AttributeError):
        Value(1.0).gard = 1.0  # type: ignore[attr-defined]


# ------------------------------------------------------------------ operation nodes


@pytest.mark.parametrize(
    ("make", "op"),
    [
        (lambda a, b: a + b, "+"),
        (lambda a, b: a * b, "*"),
        (lambda a, b: a.tanh(), "tanh"),
        (lambda a, b: a.exp(), "exp"),
    ],
)
def test_operation_records_its_op_symbol(make, op: str) -> None:
    assert make(Value(0.5), Value(2.0)).op == op


def test_operation_result_starts_unnamed_with_zero_grad() -> None:
    out = Value(1.0, name="a") + Value(2.0, name="b")
    assert (out.name, out.grad) == (None, 0.0)


def test_operation_records_a_local_derivative_function() -> None:
    assert callable((Value(1.0) * Value(2.0)).local_grads)


def test_local_derivative_function_gives_one_entry_per_parent() -> None:
    a, b = Value(3.0), Value(5.0)
    out = a * b
    assert tuple(out.local_grads(out.data, a.data, b.data)) == (5.0, 3.0)


def test_parents_are_in_operand_order() -> None:
    a, b = Value(1.0), Value(2.0)
    assert (a - b).parents == (a, b)
    assert (b - a).parents == (b, a)


def test_parents_is_a_tuple() -> None:
    a, b = Value(1.0), Value(2.0)
    assert type((a * b).parents) is tuple


def test_square_keeps_both_parent_edges() -> None:
    x = Value(3.0)
    assert (x * x).parents == (x, x)


def test_sum_of_a_node_with_itself_keeps_both_parent_edges() -> None:
    x = Value(3.0)
    assert (x + x).parents == (x, x)


def test_unary_operation_has_one_parent() -> None:
    x = Value(0.3)
    assert x.sin().parents == (x,)


# ------------------------------------------------------------- mixing with numbers


@pytest.mark.parametrize(
    ("operation", "left", "right", "expected"),
    [
        (operator.add, 2.0, 3, 5.0),
        (operator.sub, 2.0, 3, -1.0),
        (operator.mul, 2.0, 3, 6.0),
        (operator.truediv, 3.0, 4, 0.75),
        (operator.pow, 2.0, 3, 8.0),
    ],
)
def test_number_on_the_right(operation, left: float, right: float, expected: float) -> None:
    out = operation(Value(left), right)
    assert isinstance(out, Value)
    assert out.data == expected


@pytest.mark.parametrize(
    ("operation", "left", "right", "expected"),
    [
        (operator.add, 3, 2.0, 5.0),
        (operator.sub, 3, 2.0, 1.0),
        (operator.mul, 3, 2.0, 6.0),
        (operator.truediv, 3, 4.0, 0.75),
        (operator.pow, 2, 3.0, 8.0),
    ],
)
def test_number_on_the_left(operation, left: float, right: float, expected: float) -> None:
    out = operation(left, Value(right))
    assert isinstance(out, Value)
    assert out.data == expected


def test_number_operand_becomes_a_constant_leaf_parent() -> None:
    x = Value(2.0)
    constant = (x * 3).parents[1]
    assert isinstance(constant, Value)
    assert (constant.data, constant.op, constant.parents, constant.local_grads) == (3.0, "", (), None)


def test_number_on_the_left_keeps_operand_order() -> None:
    x = Value(2.0)
    out = 10 - x
    assert out.data == 8.0
    assert out.parents[0].data == 10.0
    assert out.parents[1] is x


def test_reflected_division_divides_the_number_by_the_value() -> None:
    assert (1 / Value(4.0)).data == 0.25


def test_number_base_with_value_exponent_records_a_power_node() -> None:
    x = Value(3.0)
    out = 2**x
    assert (out.data, out.op) == (8.0, "**")
    assert out.parents[1] is x


def test_number_operand_gets_a_gradient_like_any_leaf() -> None:
    x = Value(2.0)
    out = x * 3
    out.backward()
    assert out.parents[1].grad == 2.0


# ------------------------------------------------------------------ display


def test_repr_of_an_operation_node_shows_data_grad_op_and_name() -> None:
    h = Value(1.0).tanh()
    h.name = "h"
    h.grad = 0.42
    assert repr(h) == "Value(data=0.7616, grad=0.42, op='tanh', name='h')"


def test_repr_of_a_leaf_omits_the_empty_op() -> None:
    assert repr(Value(2.0, name="x")) == "Value(data=2, grad=0, name='x')"


def test_repr_of_an_unnamed_leaf_shows_data_and_grad() -> None:
    assert repr(Value(-0.5)) == "Value(data=-0.5, grad=0)"


def test_repr_is_concise_for_long_numbers() -> None:
    assert len(repr(Value(1 / 3))) < 30


def test_format_spec_applies_to_data() -> None:
    assert format(Value(2 / 3), ".3f") == "0.667"


def test_format_spec_works_in_f_strings() -> None:
    assert f"{Value(1234.5678):10.2e}" == "  1.23e+03"


def test_there_is_no_float_conversion_so_math_functions_cannot_cut_the_graph() -> None:
    with pytest.raises(TypeError):
        float(Value(2.5))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        math.exp(Value(1.0))  # type: ignore[arg-type]


# -------------------------------------------------------------- comparisons


@pytest.mark.parametrize(
    ("operation", "left", "right", "expected"),
    [
        (operator.lt, 1.0, 2.0, True),
        (operator.lt, 2.0, 2.0, False),
        (operator.le, 2.0, 2.0, True),
        (operator.le, 3.0, 2.0, False),
        (operator.gt, 3.0, 2.0, True),
        (operator.gt, 2.0, 2.0, False),
        (operator.ge, 2.0, 2.0, True),
        (operator.ge, 1.0, 2.0, False),
    ],
)
def test_ordering_compares_data_between_values(operation, left: float, right: float, expected: bool) -> None:
    assert operation(Value(left), Value(right)) is expected


@pytest.mark.parametrize(
    ("operation", "expected"),
    [(operator.lt, True), (operator.le, True), (operator.gt, False), (operator.ge, False)],
)
def test_ordering_against_a_number_on_the_right(operation, expected: bool) -> None:
    assert operation(Value(1.0), 2) is expected


@pytest.mark.parametrize(
    ("operation", "expected"),
    [(operator.lt, True), (operator.le, True), (operator.gt, False), (operator.ge, False)],
)
def test_ordering_against_a_number_on_the_left(operation, expected: bool) -> None:
    assert operation(1, Value(2.0)) is expected


def test_sorting_orders_values_by_data() -> None:
    values = [Value(3.0), Value(-1.0), Value(2.0)]
    assert [v.data for v in sorted(values)] == [-1.0, 2.0, 3.0]


def test_max_picks_the_value_with_the_largest_data() -> None:
    a, b = Value(1.0), Value(5.0)
    assert max(a, b) is b


def test_comparison_builds_no_graph_node() -> None:
    assert type(Value(1.0) < Value(2.0)) is bool


def test_ordering_against_a_string_raises_type_error() -> None:
    with pytest.raises(TypeError):
        Value(1.0) < "2"  # noqa: B015


# ------------------------------------------------------------ identity semantics


def test_equal_data_does_not_make_values_equal() -> None:
    assert Value(1.0) != Value(1.0)


def test_a_value_equals_itself() -> None:
    v = Value(1.0)
    assert v == v


def test_a_value_does_not_equal_its_number() -> None:
    assert Value(1.0) != 1.0


def test_hash_is_identity_based() -> None:
    v = Value(1.0)
    assert hash(v) == object.__hash__(v)


def test_values_with_equal_data_are_distinct_dictionary_keys() -> None:
    a, b = Value(1.0), Value(1.0)
    table = {a: "a", b: "b"}
    assert (len(table), table[a], table[b]) == (2, "a", "b")


def test_hash_does_not_change_when_data_changes() -> None:
    v = Value(1.0)
    before = hash(v)
    v.data = 7.0
    assert hash(v) == before


def test_membership_in_a_set_is_by_identity() -> None:
    a = Value(1.0)
    assert a in {a}
    assert Value(1.0) not in {a}


def test_an_empty_format_spec_gives_the_repr_like_str() -> None:
    v = Value(1.5, name="v")
    assert format(v) == str(v) == f"{v}"


def test_an_integer_too_large_for_a_float_is_refused_with_the_limit() -> None:
    with pytest.raises(OverflowError, match="too large for a float"):
        Value(10**400)


@pytest.mark.parametrize("name", [5, 2.0, b"x", ["x"]])
def test_a_name_that_is_not_a_string_is_refused_when_assigned(name: object) -> None:
    v = Value(1.0)
    with pytest.raises(TypeError, match="name must be a string or None"):
        v.name = name  # type: ignore[assignment]
    with pytest.raises(TypeError, match="name must be a string or None"):
        Value(1.0, name=name)  # type: ignore[arg-type]
    assert v.name is None
    v.name = "w"
    assert v.name == "w"

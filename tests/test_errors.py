"""Errors are part of the interface: the right exception type, and a message that names the problem."""

from __future__ import annotations

import pytest

import autograd
from autograd import Value, grad

# ------------------------------------------------------------------ bad data


@pytest.mark.parametrize(
    ("data", "type_name"),
    [("abc", "str"), (None, "NoneType"), (True, "bool"), ([1.0], "list"), (1 + 2j, "complex")],
)
def test_non_real_data_is_a_type_error_naming_the_type(data: object, type_name: str) -> None:
    with pytest.raises(TypeError, match=rf"real number.*{type_name}"):
        Value(data)  # type: ignore[arg-type]


def test_value_of_a_value_is_a_type_error_suggesting_detach() -> None:
    with pytest.raises(TypeError, match=r"another Value.*detach"):
        Value(Value(1.0))  # type: ignore[arg-type]


def test_non_string_name_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"name must be a string"):
        Value(1.0, name=3)  # type: ignore[arg-type]


# -------------------------------------------------------------- bad operands


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        (lambda: Value(1.0) + "x", r"Value \+ str"),
        (lambda: "x" + Value(1.0), r"Value \+ str"),
        (lambda: Value(1.0) * [1], r"Value \* list"),
        (lambda: [1] * Value(1.0), r"Value \* list"),
        (lambda: Value(1.0) - None, r"Value - NoneType"),
        (lambda: Value(1.0) / "2", r"Value / str"),
        (lambda: Value(1.0) + True, r"Value \+ bool"),
        (lambda: Value(2.0) ** "2", r"exponent of \*\*.*str"),
    ],
    ids=["value+str", "str+value", "value*list", "list*value", "value-None", "value/str", "value+bool", "value**str"],
)
def test_bad_operand_is_a_type_error_naming_operator_and_type(operation, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        operation()


def test_bad_operand_message_says_what_is_expected() -> None:
    with pytest.raises(TypeError, match=r"Value or a real number"):
        Value(1.0) + "x"


def test_module_function_of_a_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"exp.*real number.*str"):
        autograd.exp("a")  # type: ignore[call-overload]


def test_ordering_against_a_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"real number.*str"):
        Value(1.0) < "x"  # noqa: B015


def test_backward_seed_must_be_a_number() -> None:
    with pytest.raises(TypeError, match=r"grad.*real number"):
        Value(1.0).backward("1")  # type: ignore[arg-type]


def test_leaky_relu_slope_must_be_a_number() -> None:
    with pytest.raises(TypeError, match=r"slope"):
        Value(1.0).leaky_relu("0.1")  # type: ignore[arg-type]


def test_clamp_bound_must_be_a_number() -> None:
    with pytest.raises(TypeError, match=r"clamp's low"):
        Value(1.0).clamp(None, 1.0)  # type: ignore[arg-type]


# ------------------------------------------------------------------- domains


@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_of_a_non_positive_value_is_a_value_error(x: float) -> None:
    with pytest.raises(ValueError, match=r"log.*positive"):
        Value(x).log()


@pytest.mark.parametrize("x", [0, -2.5])
def test_module_log_of_a_non_positive_number_is_a_value_error(x: float) -> None:
    with pytest.raises(ValueError, match=r"log.*positive"):
        autograd.log(x)


def test_sqrt_of_a_negative_value_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"sqrt.*>= 0"):
        Value(-1.0).sqrt()


def test_clamp_with_low_above_high_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"low <= high.*low=2.0, high=1.0"):
        Value(1.5).clamp(2.0, 1.0)


def test_sqrt_of_zero_is_allowed() -> None:
    assert Value(0.0).sqrt().data == 0.0


@pytest.mark.parametrize(
    "power",
    [
        lambda: Value(0.0) ** Value(2.0),
        lambda: Value(-2.0) ** Value(2.0),
        lambda: 0 ** Value(2.0),
        lambda: (-3) ** Value(0.5),
    ],
    ids=["zero Value base", "negative Value base", "zero number base", "negative number base"],
)
def test_value_exponent_with_non_positive_base_is_a_value_error(power) -> None:
    with pytest.raises(ValueError, match=r"positive base"):
        power()


@pytest.mark.parametrize("exponent", [0.5, 1 / 3, -1.5])
def test_negative_base_with_non_integer_number_exponent_is_a_value_error(exponent: float) -> None:
    with pytest.raises(ValueError, match=r"negative base.*non-integer exponent"):
        Value(-8.0) ** exponent


def test_zero_to_a_negative_power_is_a_zero_division_error() -> None:
    with pytest.raises(ZeroDivisionError, match=r"division by zero"):
        Value(0.0) ** -1


# ---------------------------------------------------------------- division by zero


@pytest.mark.parametrize(
    "division",
    [lambda: Value(1.0) / Value(0.0), lambda: Value(1.0) / 0, lambda: Value(1.0) / 0.0, lambda: 1 / Value(0.0)],
    ids=["value/value", "value/int", "value/float", "number/value"],
)
def test_division_by_zero_is_a_zero_division_error(division) -> None:
    with pytest.raises(ZeroDivisionError, match=r"division by zero"):
        division()


def test_division_by_negative_zero_is_a_zero_division_error() -> None:
    with pytest.raises(ZeroDivisionError, match=r"division by zero"):
        Value(1.0) / -0.0


# ----------------------------------------------------------- list functions and grad


@pytest.mark.parametrize("function", [autograd.sum, autograd.logsumexp, autograd.softmax, autograd.log_softmax])
def test_list_function_of_an_empty_list_is_a_value_error(function) -> None:
    with pytest.raises(ValueError, match=r"at least one value"):
        function([])


@pytest.mark.parametrize("function", [autograd.sum, autograd.logsumexp, autograd.softmax, autograd.log_softmax])
def test_list_function_of_a_single_value_is_a_type_error(function) -> None:
    with pytest.raises(TypeError, match=r"list of Values"):
        function(Value(1.0))


def test_list_function_with_a_string_element_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"str"):
        autograd.sum([Value(1.0), "2"])


def test_grad_inputs_given_as_one_value_is_a_type_error_showing_the_fix() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"grad\(y, \[x\]\)"):
        grad(x * x, x)  # type: ignore[arg-type]


def test_grad_of_a_non_value_output_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"output must be a Value"):
        grad(1.0, [Value(1.0)])  # type: ignore[arg-type]


def test_grad_with_a_non_value_input_is_a_type_error_naming_its_position() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"inputs\[1\]"):
        grad(x * x, [x, 2.0])  # type: ignore[list-item]

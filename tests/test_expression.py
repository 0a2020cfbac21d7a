"""autograd.expression: Python's precedence, Values named after variables, and errors that point at the culprit."""

from __future__ import annotations

import math
import re

import pytest

from autograd import Value
from autograd.parser.expression import (
    FUNCTIONS,
    MAX_DEPTH,
    ParseError,
    UndefinedVariableError,
    check_variable_name,
    parse_expression,
    tokenize,
)


def value_of(expression: str, **variables: float) -> float:
    return parse_expression(expression, variables).data


# ------------------------------------------------------------------- precedence, checked against Python's arithmetic


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2 + 3 * 4", 2 + 3 * 4),
        ("1 - 2 - 3", 1 - 2 - 3),
        ("8 / 4 / 2", 8 / 4 / 2),
        ("2 ** 3 ** 2", 2**3**2),
        ("-3 ** 2", -(3**2)),
        ("2 ** -1", 2**-1),
        ("2 ** -3 ** 2", 2 ** -(3**2)),
        ("-(-3)", -(-3)),
        ("+-+3", +-+3),
        ("(1 + 2) * (3 - 5) / 4", (1 + 2) * (3 - 5) / 4),
        ("1e-3 + .5 + 2.", 1e-3 + 0.5 + 2.0),
        ("2 * -3", 2 * -3),
    ],
)
def test_numbers_follow_pythons_precedence_and_associativity(expression, expected):
    assert value_of(expression) == expected


def test_unary_minus_binds_looser_than_power_on_variables():
    assert value_of("-x**2", x=3.0) == -9.0


def test_each_function_computes_what_the_math_module_does():
    oracles = {
        "tanh": math.tanh,
        "exp": math.exp,
        "log": math.log,
        "sqrt": math.sqrt,
        "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
        "relu": lambda x: max(x, 0.0),
        "softplus": lambda x: math.log1p(math.exp(x)),
        "sin": math.sin,
        "cos": math.cos,
        "abs": abs,
        "leaky_relu": lambda x: x if x > 0 else 0.01 * x,
        "sum": lambda x: x,
        "logsumexp": lambda x: x,
    }
    assert set(oracles) == set(FUNCTIONS) - {"clamp"}  # clamp needs its bounds: tested below
    for name, oracle in oracles.items():
        assert value_of(f"{name}(x)", x=0.7) == pytest.approx(oracle(0.7), rel=1e-15), name


def test_leaky_relu_takes_a_number_as_its_slope():
    assert value_of("leaky_relu(x, 0.2)", x=-2.0) == pytest.approx(-0.4)


# ------------------------------------------------------------------- the graph built


def test_variables_become_leaves_named_after_them_and_reused():
    out = parse_expression("x*x + w", {"x": 3.0, "w": -1.0})
    product, w = out.parents
    x = product.parents[0]
    assert product.parents == (x, x)
    assert (x.name, x.data, w.name, w.data) == ("x", 3.0, "w", -1.0)
    out.backward()
    assert x.grad == 6.0  # d(x² + w)/dx = 2x


def test_variables_given_as_values_are_used_as_they_are():
    x = Value(2.0, name="my x")
    out = parse_expression("x * 3", {"x": x})
    assert out.parents[0] is x


def test_micrograd_neuron_from_text_has_micrograds_gradients():
    variables = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
    out = parse_expression("tanh(x1*w1 + x2*w2 + b)", variables)
    out.backward()
    leaves = {}
    stack = [out]
    while stack:
        node = stack.pop()
        if node.name in variables:
            leaves[node.name] = node
        stack.extend(node.parents)
    # micrograd's lecture: o = 0.7071, do/dx1 = -1.5, do/dw1 = 1, do/dx2 = 0.5, do/dw2 = 0, do/db = 0.5
    assert out.data == pytest.approx(0.7071, abs=1e-4)
    grads = {name: round(leaf.grad, 4) for name, leaf in leaves.items()}
    assert grads == {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}


def test_a_constant_power_records_the_constant_exponent():
    out = parse_expression("x ** 2", {"x": -3.0})  # a Value exponent would need a positive base
    assert out.op == "**2" and out.data == 9.0


def test_an_expression_without_variables_still_gives_a_value():
    assert isinstance(parse_expression("2 * 3", {}), Value)


def test_two_hundred_nested_parentheses_and_calls_are_fine():
    assert value_of("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, x=2.0) == 2.0
    assert value_of("abs(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, x=-2.0) == 2.0


def test_long_chains_of_signs_and_powers_need_no_recursion():
    assert value_of("-" * 10_000 + "x", x=2.0) == 2.0
    assert value_of("x" + "**1" * 10_000, x=2.0) == 2.0


# ------------------------------------------------------------------- errors with positions


@pytest.mark.parametrize(
    ("expression", "position", "words"),
    [
        ("x + $", 4, "unexpected character '$'"),
        ("x +", 3, "got the end of the expression"),
        ("(x + 1", 6, "'(' at column 1 is never closed"),
        ("x + 1)", 5, "unmatched ')'"),
        ("f(x)", 0, "unknown function 'f'"),
        ("tanh(x, 2)", 0, "tanh takes 1 argument, got 2"),
        ("leaky_relu(x, 1, 2)", 0, "takes 1 or 2 arguments, got 3"),
        ("leaky_relu(x, x)", 0, "slope of leaky_relu must be a number"),
        ("tanh + 1", 0, "tanh is a function"),
        ("2x", 1, "write '*' for a product"),
        ("", 0, "got the end of the expression"),
        ("x . y", 2, "unexpected character '.'"),
        ("__import__('os')", 11, 'unexpected character "\'"'),
        ("log(x - 5)", 0, "log is defined only for positive numbers"),
        ("1 / (x - 2)", 2, "cannot compute '/'"),
        ("(0 - 8) ** 0.5", 8, "not real"),
    ],
)
def test_bad_input_raises_a_parse_error_at_the_culprit(expression, position, words):
    with pytest.raises(ParseError) as caught:
        parse_expression(expression, {"x": 2.0, "y": 1.0})
    assert caught.value.position == position
    assert words in str(caught.value)


def test_an_undefined_variable_is_named_with_the_variables_given():
    with pytest.raises(UndefinedVariableError) as caught:
        parse_expression("x * y", {"x": 1.0})
    assert (caught.value.name, caught.value.position) == ("y", 4)
    assert "the variables given are x" in str(caught.value)


def test_nesting_deeper_than_the_limit_is_a_parse_error_not_a_recursion_error():
    depth = MAX_DEPTH + 1
    with pytest.raises(ParseError, match="nests more than 200") as caught:
        parse_expression("(" * depth + "x" + ")" * depth, {"x": 1.0})
    assert caught.value.position == MAX_DEPTH
    with pytest.raises(ParseError, match="nests more than 200"):
        parse_expression("(" * 100_000, {})


def test_pointer_puts_a_caret_under_the_position():
    with pytest.raises(ParseError) as caught:
        parse_expression("x +\t$", {"x": 1.0})
    assert caught.value.pointer() == "x + $\n    ^"  # the tab shown as one space, so the caret stays aligned


def test_tokens_carry_their_positions():
    assert [(t.kind, t.text, t.position) for t in tokenize("x**2")] == [
        ("name", "x", 0),
        ("**", "**", 1),
        ("number", "2", 3),
        ("end", "", 4),
    ]


@pytest.mark.parametrize("name", ["1x", "x-y", "", "tanh", "x y"])
def test_names_that_cannot_appear_in_an_expression_are_refused_as_variables(name):
    with pytest.raises(ValueError):
        check_variable_name(name)
    with pytest.raises(ValueError):
        parse_expression("1", {name: 1.0})


def test_clamp_sum_and_logsumexp_take_their_several_arguments():
    assert value_of("clamp(x, -1, 0.5)", x=0.7) == 0.5
    assert value_of("clamp(x, -1, 0.5)", x=-0.2) == -0.2
    assert value_of("sum(x, 2*x, 3)", x=0.7) == pytest.approx(0.7 + 1.4 + 3)
    assert value_of("logsumexp(x, 0)", x=0.7) == pytest.approx(math.log(math.exp(0.7) + 1.0), rel=1e-15)
    with pytest.raises(ParseError, match="the bounds of clamp"):
        parse_expression("clamp(x, x, 1)", {"x": 1.0})
    with pytest.raises(ParseError, match="clamp takes 3 arguments, got 2"):
        parse_expression("clamp(x, 1)", {"x": 1.0})


def test_a_caret_for_a_power_suggests_two_stars():
    with pytest.raises(ParseError, match=r"unexpected character '\^'; for a power write \*\* \(x\*\*2\)") as caught:
        parse_expression("x^2", {"x": 1.0})
    assert caught.value.position == 1


@pytest.mark.parametrize(
    ("expression", "position", "typed", "meant"),
    [("tanh（x）", 4, "（", "("), ("x＊2", 1, "＊", "*"), ("ｘ + 1", 0, "ｘ", "x"), ("x，1", 1, "，", ",")],
)
def test_a_full_width_character_gets_its_ascii_form(expression: str, position: int, typed: str, meant: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_expression(expression, {"x": 1.0})
    assert caught.value.message == f"unexpected character {typed!r}, a full-width form; write {meant!r} instead"
    assert caught.value.position == position


def test_a_wide_character_without_an_ascii_form_gets_no_suggestion() -> None:
    with pytest.raises(ParseError) as caught:
        parse_expression("x + 变量", {"x": 1.0})
    assert caught.value.message == "unexpected character '变'"


def test_every_function_of_the_readmes_operations_table_parses():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| operation | forward `out` |") :].split("\n\n", 1)[0]
    names = set(re.findall(r"^\| `(?:autograd\.)?(\w+)\(", table, re.M))
    assert {"exp", "clamp", "sum", "logsumexp", "leaky_relu"} <= names
    lists = {"softmax", "log_softmax"}  # one Value per argument: an expression picks one, softmax(a, b)[1]
    arguments = {"leaky_relu": "x, 0.1", "clamp": "x, 0, 1", "sum": "x, x", "logsumexp": "x, x"}
    for name in names - lists:
        assert isinstance(parse_expression(f"{name}({arguments.get(name, 'x')})", {"x": 0.5}), Value), name
    assert lists <= names
    for name in lists:
        with pytest.raises(ParseError, match=f"{name} gives one value per argument: pick one with \\[i\\]"):
            parse_expression(f"{name}(x, x)", {"x": 0.5})


def test_softmax_picked_by_index_is_the_probability_written_out():
    a, b, c = 0.3, -1.2, 2.0
    denominator = math.exp(a) + math.exp(b) + math.exp(c)
    leaves = {"a": Value(a, name="a"), "b": Value(b, name="b"), "c": Value(c, name="c")}
    assert parse_expression("softmax(a, b, c)[2]", leaves).data == pytest.approx(math.exp(c) / denominator, rel=1e-15)
    log_p = parse_expression("log_softmax(a, b, c)[0]", leaves)
    assert log_p.data == pytest.approx(a - math.log(denominator), rel=1e-15)
    log_p.backward()  # ∂ log p_0/∂a = 1 − p_0, ∂ log p_0/∂b = −p_1
    assert leaves["a"].grad == pytest.approx(1 - math.exp(a) / denominator, rel=1e-12)
    assert leaves["b"].grad == pytest.approx(-math.exp(b) / denominator, rel=1e-12)
    for text, problem in [("softmax(a, b)[2]", "from 0 to 1"), ("softmax(a, b)[x]", "from 0 to 1"), ("softmax(a, b)[0", "']'")]:
        with pytest.raises(ParseError, match=re.escape(problem)):
            parse_expression(text, {"a": 1.0, "b": 2.0, "x": 0.0})

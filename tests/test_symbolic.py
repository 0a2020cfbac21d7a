"""Random expression graphs against SymPy: values, every gradient, every second derivative.

The oracle is exact for our purpose: SymPy differentiates the textbook
definition of each operation symbolically, and the derivative is evaluated at
the very float inputs in 50-digit arithmetic (mpmath, fixed precision, so an
expression that cancels to 0 costs no more than any other), then rounded to
float64; its own rounding error is dozens of orders of magnitude below the
tolerance.
The engine passes when it is within a relative 1e-9 of that, with an absolute
floor of 1e-10 for results near 0 (where a relative bound means nothing: a
saturated tanh or sigmoid legitimately rounds 1 − out² to 0).

Each test is parametrized over every operation, and each recipe contains that
operation at a random position among random others, with reused nodes,
diamonds and constants on both sides (see `graph_strategies`). Hypothesis is
derandomized, so CI sees the same examples on every run.
"""

from __future__ import annotations

from collections.abc import Sequence

import mpmath
import sympy
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from graph_strategies import (
    NUMERIC_FUNCTIONS,
    SYMPY_RULES,
    Recipe,
    assert_close,
    build,
    engine_hessian,
    engine_leaves,
    engine_output,
    for_every_operation,
    recipes,
)

RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_FLOOR = 1e-10
DIGITS = 50

# Second derivatives are the costly part of SymPy's work, hence fewer examples.
_deterministic = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    report_multiple_bugs=False,
)
FIRST_ORDER = settings(_deterministic, max_examples=15)
SECOND_ORDER = settings(_deterministic, max_examples=8)


def _symbols(recipe: Recipe) -> list[sympy.Symbol]:
    return [sympy.Symbol(f"x{i}", real=True) for i in range(len(recipe.inputs))]


def _symbolic_output(recipe: Recipe, symbols: Sequence[sympy.Symbol]) -> sympy.Expr:
    expression = build(recipe, SYMPY_RULES, symbols, sympy.Rational)
    note(f"SymPy expression: {expression}")
    return expression


def _exact(expression: sympy.Expr, symbols: Sequence[sympy.Symbol], recipe: Recipe) -> float:
    """`expression` at the recipe's inputs, evaluated with DIGITS digits, as the nearest float."""
    function = sympy.lambdify(symbols, expression, modules=[NUMERIC_FUNCTIONS, "mpmath"])
    with mpmath.workdps(DIGITS):
        return float(function(*[mpmath.mpf(x) for x in recipe.inputs]))


def _assert_close(actual: float, expected: float, what: str) -> None:
    assert_close(actual, expected, RELATIVE_TOLERANCE, ABSOLUTE_FLOOR, what)


@for_every_operation
@FIRST_ORDER
@given(data=st.data())
def test_value_matches_sympy(op: str, data: st.DataObject) -> None:
    recipe = data.draw(recipes(required=op), label="recipe")
    symbols = _symbols(recipe)
    output = engine_output(recipe, engine_leaves(recipe))
    _assert_close(output.data, _exact(_symbolic_output(recipe, symbols), symbols, recipe), "value")


@for_every_operation
@FIRST_ORDER
@given(data=st.data())
def test_backward_gradients_match_sympy(op: str, data: st.DataObject) -> None:
    recipe = data.draw(recipes(required=op), label="recipe")
    symbols = _symbols(recipe)
    expression = _symbolic_output(recipe, symbols)
    leaves = engine_leaves(recipe)
    engine_output(recipe, leaves).backward()
    for leaf, symbol in zip(leaves, symbols):
        expected = _exact(sympy.diff(expression, symbol), symbols, recipe)
        _assert_close(leaf.grad, expected, f"∂out/∂{symbol}")


@for_every_operation
@SECOND_ORDER
@given(data=st.data())
def test_second_derivatives_match_sympy(op: str, data: st.DataObject) -> None:
    recipe = data.draw(recipes(required=op, max_steps=4), label="recipe")
    symbols = _symbols(recipe)
    expression = _symbolic_output(recipe, symbols)
    hessian = engine_hessian(recipe)
    for i, row_symbol in enumerate(symbols):
        row_derivative = sympy.diff(expression, row_symbol)
        for j, column_symbol in enumerate(symbols):
            expected = _exact(sympy.diff(row_derivative, column_symbol), symbols, recipe)
            _assert_close(hessian[i][j], expected, f"∂²out/∂{row_symbol}∂{column_symbol}")

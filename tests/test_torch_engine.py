"""Random expression graphs built in our engine and in PyTorch (float64): the same numbers.

PyTorch is an independent implementation of every operation and of reverse
mode, so agreement to a relative 1e-12 (absolute floor 1e-12 near 0) over
random graphs, with reused nodes, diamonds and constants on both sides, is
strong evidence for values, gradients and second derivatives alike. The
recipes come from `graph_strategies`, shared with the SymPy tests.

Run with ``pytest -m torch``; skipped with a printed reason where torch is not
installed (CI installs it).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_strategies import (
    Recipe,
    assert_close,
    build,
    engine_hessian,
    engine_leaves,
    engine_output,
    for_every_operation,
    recipes,
    torch_rules,
)

torch = pytest.importorskip("torch", reason="PyTorch is not installed: `pip install torch` to run the cross-check")

pytestmark = pytest.mark.torch

RELATIVE_TOLERANCE = 1e-12
ABSOLUTE_FLOOR = 1e-12
TORCH_RULES = torch_rules(torch)
DETERMINISTIC = settings(max_examples=15, derandomize=True, database=None, deadline=None, report_multiple_bugs=False)


def _torch_leaves(recipe: Recipe) -> list:
    return [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in recipe.inputs]


def _torch_output(recipe: Recipe, leaves: list):
    return build(recipe, TORCH_RULES, leaves, float)


def _assert_close(actual: float, expected: float, what: str) -> None:
    assert_close(actual, expected, RELATIVE_TOLERANCE, ABSOLUTE_FLOOR, what)


@for_every_operation
@DETERMINISTIC
@given(data=st.data())
def test_value_matches_torch(op: str, data: st.DataObject) -> None:
    recipe = data.draw(recipes(required=op), label="recipe")
    expected = _torch_output(recipe, _torch_leaves(recipe)).item()
    _assert_close(engine_output(recipe, engine_leaves(recipe)).data, expected, "value")


@for_every_operation
@DETERMINISTIC
@given(data=st.data())
def test_gradients_match_torch(op: str, data: st.DataObject) -> None:
    recipe = data.draw(recipes(required=op), label="recipe")
    torch_leaves = _torch_leaves(recipe)
    _torch_output(recipe, torch_leaves).backward()
    leaves = engine_leaves(recipe)
    engine_output(recipe, leaves).backward()
    for i, (leaf, torch_leaf) in enumerate(zip(leaves, torch_leaves)):
        expected = 0.0 if torch_leaf.grad is None else torch_leaf.grad.item()
        _assert_close(leaf.grad, expected, f"∂out/∂x{i}")


@for_every_operation
@DETERMINISTIC
@given(data=st.data())
def test_second_derivatives_match_torch(op: str, data: st.DataObject) -> None:
    recipe = data.draw(recipes(required=op), label="recipe")
    torch_leaves = _torch_leaves(recipe)
    first = torch.autograd.grad(_torch_output(recipe, torch_leaves), torch_leaves, create_graph=True, allow_unused=True)
    hessian = engine_hessian(recipe)
    for i, gradient in enumerate(first):
        if gradient is None or not gradient.requires_grad:
            row = [0.0] * len(torch_leaves)
        else:
            second = torch.autograd.grad(gradient, torch_leaves, retain_graph=True, allow_unused=True)
            row = [0.0 if g is None else g.item() for g in second]
        for j, expected in enumerate(row):
            _assert_close(hessian[i][j], expected, f"∂²out/∂x{i}∂x{j}")

"""NumPy numbers and other numeric types work where Python's do, and refusals read alike either way round.

Oracle: the same computation with Python ints and floats.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import autograd
from autograd import Value
from nn import MLP, losses

np = pytest.importorskip("numpy", reason="NumPy (the demo extra) provides the numeric types under test")


def test_layer_sizes_may_be_numpy_integers(tmp_path: Path) -> None:
    model = MLP(np.int64(2), [np.int32(3), np.int64(1)], seed=0)
    reference = MLP(2, [3, 1], seed=0)
    assert model.state_dict() == reference.state_dict()
    model.save(tmp_path / "model.json")  # sizes are plain ints again, so JSON can hold them
    saved = json.loads((tmp_path / "model.json").read_text())
    assert saved["layers"][0]["weights"] == reference.to_dict()["layers"][0]["weights"]


def test_a_numpy_class_index_is_a_class_index() -> None:
    logits = [[Value(0.5), Value(-1.0), Value(2.0)]]
    expected = losses.cross_entropy(logits, [2]).data
    assert losses.cross_entropy(logits, [np.int64(2)]).data == expected


@pytest.mark.parametrize(
    "operation",
    [lambda v, a: a * v, lambda v, a: v * a, lambda v, a: a + v, lambda v, a: v + a, lambda v, a: a - v],
    ids=["array*v", "v*array", "array+v", "v+array", "array-v"],
)
@pytest.mark.parametrize("array", [np.array([2.0]), np.array(2.0)], ids=["1-d", "0-d"])
def test_an_array_operand_is_the_same_type_error_on_either_side(operation, array) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="the other operand must be a Value or a real number"):
        operation(Value(3.0), array)


def test_numpy_scalars_work_on_either_side() -> None:
    v = Value(3.0)
    assert (np.float64(2.0) * v).data == 6.0
    assert (v - np.float32(1.0)).data == 2.0
    assert (np.int64(5) - v).data == 2.0


def test_an_integer_too_large_for_a_float_says_so() -> None:
    with pytest.raises(OverflowError, match=r"the operand of Value \* int 1000.* is too large for a float"):
        Value(1.0) * 10**400


@pytest.mark.parametrize("function", ["sin", "cos"])
@pytest.mark.parametrize("x", [math.inf, -math.inf])
def test_sin_and_cos_of_infinity_say_what_is_wrong(function: str, x: float) -> None:
    with pytest.raises(ValueError, match=rf"{function}\(-?inf\) is undefined"):
        getattr(Value(x), function)()
    with pytest.raises(ValueError, match=rf"{function}\(-?inf\) is undefined"):
        getattr(autograd, function)(x)


def test_an_overflowing_local_derivative_names_itself_without_an_errno_tuple() -> None:
    x = Value(1e-200)
    y = x**-1.0  # 1e200 is fine; its derivative −x⁻² = −1e400 is not
    with pytest.raises(OverflowError) as error:
        y.backward()
    message = str(error.value)
    assert "1e-200 ** -2.0 is too large for a float" in message and "(34," not in message

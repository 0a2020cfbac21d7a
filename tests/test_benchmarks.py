"""The benchmarks compare like with like: every implementation computes the same numbers.

Speed itself is never tested here (see `make bench`); these tests only keep the
comparison honest, with the hand-written delta rule and plain-float formulas as
the oracles.
"""

from __future__ import annotations

import pytest

pytest.importorskip("micrograd", reason="micrograd 0.1.0 (a test dependency) is not installed")

from benchmarks import engine  # noqa: E402


def test_the_eager_compiled_and_micrograd_steps_compute_the_hand_written_step() -> None:
    inputs, labels = engine.moons(20)
    engine.check_same_computation(inputs, labels)


def test_the_chain_gives_both_engines_the_same_value_and_gradient() -> None:
    """y ← y·1.0001 + 0.0001 from 1, n times: y = (1 + 0.0001/0.0001)·1.0001ⁿ − 1 = 2·1.0001ⁿ − 1, ∂y/∂y₀ = 1.0001ⁿ."""
    depth = 2_000
    ours, theirs = engine.chain(engine.Value, depth), engine.chain(engine.MicrogradValue, depth)
    assert ours.data == pytest.approx(2 * 1.0001**depth - 1, rel=1e-12)
    assert ours.data == theirs.data
    first = ours
    while first.parents:
        first = first.parents[0]
    ours.backward()
    assert first.grad == pytest.approx(1.0001**depth, rel=1e-12)

"""The training demos: each runs (small where the full run is long), reaches its result and writes its pictures."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib", reason="matplotlib (the 'demo' extra) is not installed; the demo tests are skipped")

from demos import moons, pixel_digits, spiral, xor  # noqa: E402


def _assert_pictures(paths, output_dir, names):
    expected = {output_dir / f"{name}.{suffix}" for name in names for suffix in ("png", "svg")}
    assert set(paths) == expected
    assert all(path.stat().st_size > 1000 for path in paths)


def test_pixel_digits_demo_classifies_all_64_images(tmp_path, capsys):
    result = pixel_digits.main(tmp_path, progress=False)
    assert result.correct == 64
    _assert_pictures(
        result.paths, tmp_path, ["pixel_digits_loss", "pixel_digits_answers", "pixel_digits_hidden_weights"]
    )
    assert "correct: 64/64" in capsys.readouterr().out


def test_xor_demo_needs_the_hidden_layer(tmp_path):
    result = xor.main(tmp_path, epochs=60, progress=False)
    assert result.accuracy == 1.0
    assert result.single_layer_accuracy < 0.8
    # both models are drawn: the straight boundary of the single layer, and the hidden layer's
    names = ["xor_single_layer_decision_boundary", "xor_single_layer_loss", "xor_decision_boundary", "xor_loss"]
    _assert_pictures(result.paths, tmp_path, names)


def test_moons_demo_small_run_learns_and_draws(tmp_path, capsys):
    result = moons.main(tmp_path, epochs=30, n=30, progress=False)
    assert len(result.history.loss) == 30
    assert result.accuracy >= 0.8
    _assert_pictures(result.paths, tmp_path, ["moons_decision_boundary", "moons_loss"])
    assert f"wrote {tmp_path / 'moons_loss.png'}" in capsys.readouterr().out


def test_spiral_demo_small_run_lowers_the_loss_and_draws(tmp_path):
    result = spiral.main(tmp_path, epochs=8, n_per_class=10, progress=False)
    assert result.history.steps == 8 * 2  # 30 points in batches of 16
    assert result.history.loss[-1] < result.history.loss[0]
    _assert_pictures(result.paths, tmp_path, ["spiral_decision_boundary", "spiral_loss"])

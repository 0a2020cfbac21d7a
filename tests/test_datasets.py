"""nn.datasets: sizes, labels, balance, determinism by seed, and the shipped seed-004 images."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest

from nn import datasets

REFERENCE = Path("/work/shared/reference/examples/seed004_pixel_digits.json")

GENERATORS = {
    "moons": lambda seed: datasets.moons(60, noise=0.1, seed=seed),
    "circles": lambda seed: datasets.circles(60, noise=0.05, seed=seed),
    "xor": lambda seed: datasets.xor(60, noise=0.1, seed=seed),
    "spiral": lambda seed: datasets.spiral(20, n_classes=3, seed=seed),
    "blobs": lambda seed: datasets.blobs(60, centers=3, seed=seed),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_gives_identical_data(name):
    assert GENERATORS[name](5) == GENERATORS[name](5)


@pytest.mark.parametrize("name", GENERATORS)
def test_different_seeds_give_different_data(name):
    assert GENERATORS[name](5)[0] != GENERATORS[name](6)[0]


@pytest.mark.parametrize("name", GENERATORS)
def test_returns_one_label_per_point_of_floats(name):
    inputs, targets = GENERATORS[name](0)
    assert len(inputs) == len(targets) == 60
    assert all(len(x) == 2 and all(isinstance(c, float) for c in x) for x in inputs)


@pytest.mark.parametrize("name", ["moons", "circles", "xor"])
def test_two_class_sets_are_balanced_with_signed_labels(name):
    _, targets = GENERATORS[name](0)
    assert Counter(targets) == {-1: 30, 1: 30}


@pytest.mark.parametrize(
    "make", [datasets.moons, datasets.circles, datasets.xor], ids=["moons", "circles", "xor"]
)
def test_signed_false_gives_zero_one_labels_for_the_same_points(make):
    signed_inputs, signed = make(10, seed=3)
    inputs, plain = make(10, seed=3, signed=False)
    assert inputs == signed_inputs
    assert plain == [(y + 1) // 2 for y in signed]


@pytest.mark.parametrize("name", ["spiral", "blobs"])
def test_many_class_sets_are_balanced_with_class_indices(name):
    _, targets = GENERATORS[name](0)
    assert Counter(targets) == {0: 20, 1: 20, 2: 20}


def test_moons_without_noise_lie_on_their_two_arcs():
    inputs, targets = datasets.moons(20, noise=0.0, seed=0)
    for (x, y), label in zip(inputs, targets):
        centre = (0.0, 0.0) if label == -1 else (1.0, 0.5)
        assert math.hypot(x - centre[0], y - centre[1]) == pytest.approx(1.0, abs=1e-12)
        assert (y >= -1e-12) if label == -1 else (y <= 0.5 + 1e-12)


def test_circles_without_noise_lie_on_radius_one_and_factor():
    inputs, targets = datasets.circles(20, noise=0.0, factor=0.3, seed=0)
    radii = {(label, round(math.hypot(x, y), 12)) for (x, y), label in zip(inputs, targets)}
    assert radii == {(-1, 1.0), (1, 0.3)}


def test_xor_defaults_are_the_truth_table():
    assert datasets.xor(signed=False) == ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])


def test_spiral_radius_grows_from_zero_to_one_along_each_arm():
    inputs, targets = datasets.spiral(11, n_classes=2, noise=0.0, seed=0)
    radii = sorted(round(math.hypot(x, y), 12) for (x, y), label in zip(inputs, targets) if label == 0)
    assert radii == [round(i / 10, 12) for i in range(11)]


def test_blobs_with_given_centres_scatter_around_them():
    inputs, targets = datasets.blobs(300, centers=[[5.0, 5.0], [-5.0, -5.0]], std=0.5, seed=1)
    for label, centre in enumerate(([5.0, 5.0], [-5.0, -5.0])):
        members = [x for x, y in zip(inputs, targets) if y == label]
        mean = [sum(c) / len(members) for c in zip(*members)]
        assert mean == pytest.approx(centre, abs=0.15)  # 3 standard errors of 0.5/√150


def test_blobs_n_features_sets_the_dimension():
    inputs, _ = datasets.blobs(10, centers=2, n_features=5, seed=0)
    assert {len(x) for x in inputs} == {5}


def test_pixel_digits_has_64_images_of_12_pixels_32_of_each_digit():
    inputs, targets = datasets.pixel_digits()
    assert len(inputs) == 64 and {len(x) for x in inputs} == {12}
    assert Counter(tuple(t) for t in targets) == {(1.0, 0.0): 32, (0.0, 1.0): 32}


@pytest.mark.skipif(not REFERENCE.exists(), reason="the shared reference folder is not on this machine")
def test_pixel_digits_match_the_seed_004_reference_file():
    images = json.loads(REFERENCE.read_text(encoding="utf-8"))["images"]
    inputs, digits = datasets.pixel_digits(one_hot=False)
    assert inputs == [[float(p) for p in image["pixels"]] for image in images]
    assert digits == [image["label"] for image in images]


def test_pixel_digits_one_hot_target_marks_the_digit():
    _, one_hot = datasets.pixel_digits()
    _, digits = datasets.pixel_digits(one_hot=False)
    assert all(target[digit] == 1.0 and sum(target) == 1.0 for target, digit in zip(one_hot, digits))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: datasets.moons(1), ValueError, "n must be at least 2"),
        (lambda: datasets.moons(10.5), TypeError, "n must be an int"),
        (lambda: datasets.moons(10, noise=-0.1), ValueError, "noise"),
        (lambda: datasets.circles(10, factor=1.5), ValueError, "factor"),
        (lambda: datasets.spiral(10, n_classes=1), ValueError, "n_classes"),
        (lambda: datasets.blobs(10, centers=[[0.0], [1.0, 2.0]]), ValueError, "same number of coordinates"),
        (lambda: datasets.blobs(10, centers="three"), TypeError, "centers"),
    ],
)
def test_invalid_arguments_raise_errors_naming_them(call, error, message):
    with pytest.raises(error, match=message):
        call()

"""Small classification data sets, generated in pure Python from a seed; nothing is downloaded.

Every function returns ``(inputs, targets)``: ``inputs`` is a list of points,
each a list of floats, and ``targets`` a list with one label per point. The
same arguments give the same data on every machine (each function draws from
its own ``random.Random(seed)``).

Label conventions:

* two-class sets (`moons`, `circles`, `xor`) give ``-1``/``+1`` by default,
  ready for the hinge loss (micrograd's demo); ``signed=False`` gives ``0``/``1``
  for ``bce`` or ``cross_entropy``. Class 0 ↔ −1, class 1 ↔ +1.
* many-class sets (`spiral`, `blobs`) give class indices ``0 .. k−1``, ready for
  ``cross_entropy``.
* `pixel_digits` gives one-hot targets (``[1, 0]`` for a 0, ``[0, 1]`` for a 1),
  as in its source, or the digit with ``one_hot=False``.

>>> inputs, targets = moons(4, noise=0.0, seed=0)
>>> len(inputs), len(inputs[0]), sorted(targets)
(4, 2, [-1, -1, 1, 1])
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from importlib import resources

from autograd.i18n import Catalog
from nn._validation import count, finite_number

_ = Catalog("nn")

__all__ = ["blobs", "circles", "moons", "pixel_digits", "spiral", "xor"]

Dataset = tuple[list[list[float]], list[int]]


def _noise_level(noise: object) -> float:
    level = finite_number(noise, "noise")
    if level < 0:
        raise ValueError(_("noise is a standard deviation and must be >= 0, got {level!r}").format(level=level))
    return level


def _label(class_index: int, signed: bool) -> int:
    """Class 0/1 as 0/1, or as −1/+1 when `signed`."""
    return 2 * class_index - 1 if signed else class_index


def _even_angles(count_: int, stop: float, endpoint: bool) -> list[float]:
    """`count_` evenly spaced angles from 0 to `stop` (included only if `endpoint`)."""
    if count_ == 1:
        return [0.0]
    divisions = count_ - 1 if endpoint else count_
    return [stop * i / divisions for i in range(count_)]


def _shuffled(points: list[list[float]], labels: list[int], rng: random.Random) -> Dataset:
    """The points in a seeded random order, so that slicing off a test set takes both classes."""
    order = list(range(len(points)))
    rng.shuffle(order)
    return [points[i] for i in order], [labels[i] for i in order]


def _with_noise(point: Sequence[float], noise: float, rng: random.Random) -> list[float]:
    return [x + rng.gauss(0.0, noise) for x in point]


def moons(n: int = 100, noise: float = 0.1, seed: int = 0, signed: bool = True) -> Dataset:
    """Two interleaving half circles in 2-D, the classic not-linearly-separable set.

    Class 0 is the upper arc (centre (0, 0), radius 1), class 1 the lower arc
    (centre (1, 0.5)); ``n // 2`` points on the upper arc and the rest on the
    lower one, evenly spaced along each arc, then moved by Gaussian noise of
    standard deviation `noise` and shuffled. The same shape as scikit-learn's
    ``make_moons``, though not the same random numbers.
    """
    total = count(n, "n", minimum=2)
    level = _noise_level(noise)
    rng = random.Random(seed)
    upper = total // 2
    points: list[list[float]] = []
    labels: list[int] = []
    for angle in _even_angles(upper, math.pi, endpoint=True):
        points.append(_with_noise((math.cos(angle), math.sin(angle)), level, rng))
        labels.append(_label(0, signed))
    for angle in _even_angles(total - upper, math.pi, endpoint=True):
        points.append(_with_noise((1.0 - math.cos(angle), 0.5 - math.sin(angle)), level, rng))
        labels.append(_label(1, signed))
    return _shuffled(points, labels, rng)


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int = 0, signed: bool = True) -> Dataset:
    """Two concentric circles in 2-D: class 0 on radius 1, class 1 on radius `factor` (0 < factor < 1).

    ``n // 2`` points on the outer circle and the rest on the inner one, evenly
    spaced in angle, moved by Gaussian noise of standard deviation `noise`, shuffled.
    """
    total = count(n, "n", minimum=2)
    level = _noise_level(noise)
    radius = finite_number(factor, "factor")
    if not 0.0 < radius < 1.0:
        raise ValueError(_(
            "factor is the inner radius relative to the outer one and must be in (0, 1), "
            "got {radius!r}"
        ).format(
            radius=radius
        ))
    rng = random.Random(seed)
    outer = total // 2
    points: list[list[float]] = []
    labels: list[int] = []
    for class_index, (size, scale) in enumerate(((outer, 1.0), (total - outer, radius))):
        for angle in _even_angles(size, 2.0 * math.pi, endpoint=False):
            points.append(_with_noise((scale * math.cos(angle), scale * math.sin(angle)), level, rng))
            labels.append(_label(class_index, signed))
    return _shuffled(points, labels, rng)


XOR_TRUTH_TABLE: tuple[tuple[tuple[float, float], int], ...] = (
    ((0.0, 0.0), 0),
    ((0.0, 1.0), 1),
    ((1.0, 0.0), 1),
    ((1.0, 1.0), 0),
)
"""(x1, x2) → x1 XOR x2: the four corners of the unit square."""


def xor(n: int = 4, noise: float = 0.0, seed: int = 0, signed: bool = True) -> Dataset:
    """Points around the four corners of the unit square, labelled x1 XOR x2.

    Point i sits at corner ``i % 4`` of `XOR_TRUTH_TABLE` (in truth-table order,
    not shuffled), moved by Gaussian noise of standard deviation `noise`. With
    the defaults (n=4, noise=0) this is exactly the truth table, the smallest
    problem a single neuron cannot solve. Classes are balanced when n is even.
    """
    total = count(n, "n")
    level = _noise_level(noise)
    rng = random.Random(seed)
    points: list[list[float]] = []
    labels: list[int] = []
    for i in range(total):
        corner, class_index = XOR_TRUTH_TABLE[i % 4]
        points.append(_with_noise(corner, level, rng))
        labels.append(_label(class_index, signed))
    return points, labels


def spiral(n_per_class: int = 100, n_classes: int = 3, noise: float = 0.2, seed: int = 0) -> Dataset:
    """`n_classes` interleaved spiral arms in 2-D (CS231n's spiral), labels 0 .. n_classes−1.

    Arm c has `n_per_class` points at radius r from 0 to 1 and angle
    θ = 4c + 4r (radians) plus Gaussian noise of standard deviation `noise`
    on the angle; point = (r·sin θ, r·cos θ). Shuffled.
    """
    per_class = count(n_per_class, "n_per_class")
    classes = count(n_classes, "n_classes", minimum=2)
    level = _noise_level(noise)
    rng = random.Random(seed)
    points: list[list[float]] = []
    labels: list[int] = []
    for class_index in range(classes):
        for i in range(per_class):
            radius = i / (per_class - 1) if per_class > 1 else 1.0
            angle = 4.0 * class_index + 4.0 * radius + rng.gauss(0.0, level)
            points.append([radius * math.sin(angle), radius * math.cos(angle)])
            labels.append(class_index)
    return _shuffled(points, labels, rng)


def blobs(
    n: int = 100,
    centers: int | Sequence[Sequence[float]] = 3,
    std: float = 1.0,
    seed: int = 0,
    n_features: int = 2,
) -> Dataset:
    """Gaussian clusters, one per class, labels 0 .. k−1.

    `centers` is either a number k of centres, drawn uniformly from the box
    [−10, 10]^n_features, or the centres themselves (k points of equal
    dimension; `n_features` is then ignored). The n points are dealt out
    evenly (the first ``n % k`` clusters get one more), each centre plus
    Gaussian noise of standard deviation `std` per coordinate, then shuffled.
    """
    total = count(n, "n")
    spread = _noise_level(std)
    rng = random.Random(seed)
    if isinstance(centers, int) and not isinstance(centers, bool):
        k = count(centers, "centers")
        dimension = count(n_features, "n_features")
        centre_points = [[rng.uniform(-10.0, 10.0) for _ in range(dimension)] for _ in range(k)]
    else:
        centre_points = _centre_list(centers)
    k = len(centre_points)
    points: list[list[float]] = []
    labels: list[int] = []
    for i in range(total):
        class_index = i % k
        points.append(_with_noise(centre_points[class_index], spread, rng))
        labels.append(class_index)
    return _shuffled(points, labels, rng)


def _centre_list(centers: object) -> list[list[float]]:
    if not isinstance(centers, (list, tuple)) or not centers:
        raise TypeError(_("centers must be an int or a non-empty list of points, got {type_name}").format(
            type_name=type(centers).__name__
        ))
    result = []
    for index, centre in enumerate(centers):
        if not isinstance(centre, (list, tuple)) or not centre:
            raise TypeError(_("centers[{index}] must be a list of coordinates, got {type_name}").format(
                index=index, type_name=type(centre).__name__
            ))
        result.append([finite_number(x, f"centers[{index}][{j}]") for j, x in enumerate(centre)])
    if len({len(c) for c in result}) != 1:
        raise ValueError(_("every centre needs the same number of coordinates, got {value}").format(
            value=[len(c) for c in result]
        ))
    return result


def pixel_digits(one_hot: bool = True) -> tuple[list[list[float]], list[list[float]] | list[int]]:
    """The 64 black-and-white 3×4-pixel images of a 0 or a 1 from seed 004 (Wakui & Wakui).

    Inputs: 64 lists of 12 pixels (1.0 = black), row-major, 4 rows of 3.
    Targets: ``[1.0, 0.0]`` for a 0 and ``[0.0, 1.0]`` for a 1 (the two sigmoid
    outputs of the book's 12→3→2 network), or the digit itself with
    ``one_hot=False``. 32 images of each digit, in the book's order.
    The data ships with the package (``nn/data/pixel_digits.json``, with its source).
    """
    text = resources.files("nn").joinpath("data/pixel_digits.json").read_text(encoding="utf-8")
    images = json.loads(text)["images"]
    inputs = [[float(p) for p in image["pixels"]] for image in images]
    digits = [int(image["label"]) for image in images]
    if not one_hot:
        return inputs, digits
    return inputs, [[1.0 if digit == k else 0.0 for k in range(2)] for digit in digits]

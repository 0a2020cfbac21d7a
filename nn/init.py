"""Initial weights: how large the random starting weights of a layer are, and where the randomness comes from.

All three schemes draw each weight from a uniform distribution U(−bound, bound);
they differ only in the bound. Biases always start at 0.

============  =============================  =====================================================
name          bound                          why
============  =============================  =====================================================
'uniform'     1                              micrograd's choice; fine for small networks
'xavier'      √(6 / (fan_in + fan_out))      Glorot & Bengio (2010): keeps the variance of a and δ
                                             about equal across tanh/sigmoid layers
'he'          √(6 / fan_in)                  He et al. (2015): variance 2/fan_in, which ReLU halves
                                             back to 1/fan_in (PyTorch's kaiming_uniform_ for ReLU)
============  =============================  =====================================================

fan_in is the number of inputs of the layer, fan_out its number of neurons.
Randomness always comes from a `random.Random`: pass ``seed=`` for a
reproducible one, or ``rng=`` to share a generator across several objects.
"""

from __future__ import annotations

import math
import random

from autograd.i18n import Catalog
from nn._validation import describe

_ = Catalog("nn")

INITIALISERS: tuple[str, ...] = ("uniform", "xavier", "he")
"""The names accepted by ``init=``."""


def weight_bound(init: str, fan_in: int, fan_out: int) -> float:
    """The bound of U(−bound, bound) that scheme `init` uses for a layer of this shape."""
    if init == "uniform":
        return 1.0
    if init == "xavier":
        return math.sqrt(6.0 / (fan_in + fan_out))
    if init == "he":
        return math.sqrt(6.0 / fan_in)
    valid = ", ".join(repr(name) for name in INITIALISERS)
    raise ValueError(_("unknown init {init!r}; valid names are {valid}").format(init=init, valid=valid))


def initial_weights(init: str, fan_in: int, fan_out: int, rng: random.Random) -> list[float]:
    """`fan_in` weights for one neuron, drawn from U(−bound, bound) of scheme `init`."""
    bound = weight_bound(init, fan_in, fan_out)
    return [rng.uniform(-bound, bound) for _ in range(fan_in)]


def make_rng(seed: int | None = None, rng: random.Random | None = None) -> random.Random:
    """The generator to draw from: ``Random(seed)``, the given `rng`, or a fresh unseeded one.

    Passing both is an error rather than a silent choice, because either
    reading ("seed this rng" or "ignore the seed") would surprise someone.
    """
    if seed is not None and rng is not None:
        raise ValueError(_("pass either seed= or rng=, not both"))
    if rng is not None:
        if not isinstance(rng, random.Random):
            raise TypeError(_("rng must be a random.Random, got {got}; or pass seed=<int>").format(got=describe(rng)))
        return rng
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(_("seed must be an int, got {got}").format(got=describe(seed)))
        return random.Random(seed)
    return random.Random()

"""The update rules of `nn.optim`, written out by hand for derivations: each parameter's update with its state.

A derivation (`nn.teaching.derive`) computes every update twice: once here,
with the textbook formulas below written in plain floats, and once by the
`nn.optim` optimizer of the same name on the engine's gradients; the two must
agree, or the derivation is refused. The names and the defaults of the
hyper-parameters are those of `nn.optim` (read from its signatures):

* ``sgd``: θ ← θ − α·g
* ``momentum``: b ← g at the first step, then b ← μ·b + (1 − τ)·g;  θ ← θ − α·b   (μ = 0.9 unless given)
* ``nesterov``: b as for momentum;  θ ← θ − α·(g + μ·b)
* ``rmsprop``: v ← ρ·v + (1 − ρ)·g²;  θ ← θ − α·g/(√v + ε)   (ρ is `nn.optim.RMSProp`'s ``alpha``)
* ``adam``: m ← β₁·m + (1 − β₁)·g, v ← β₂·v + (1 − β₂)·g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ);
  θ ← θ − α·m̂/(√v̂ + ε)

With ``weight_decay`` λ the gradient is g + λ·θ first. α is the learning
rate (torch writes γ; RMSprop's ``alpha`` is the smoothing constant, written ρ
here so that the two never share a symbol).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from autograd.i18n import Catalog
from autograd import Value
from nn import optim
from nn._validation import describe, key_path, located
from nn.teaching.records import ParameterUpdate

_ = Catalog("nn")

_CLASSES: dict[str, type[optim.Optimizer]] = {
    "sgd": optim.SGD,
    "momentum": optim.SGD,
    "nesterov": optim.SGD,
    "rmsprop": optim.RMSProp,
    "adam": optim.Adam,
}
OPTIMIZERS = tuple(_CLASSES)
"""The optimizer names a derivation takes."""

TEXTBOOK_MOMENTUM = 0.9
"""μ for ``momentum`` and ``nesterov`` when not given (`nn.optim.SGD`'s default of 0 would switch momentum off)."""


def _defaults(name: str) -> dict[str, Any]:
    """The keyword hyper-parameters of the `nn.optim` class behind `name`, with their defaults (lr excluded)."""
    parameters = inspect.signature(_CLASSES[name]).parameters
    defaults = {key: p.default for key, p in parameters.items() if key not in ("params", "lr")}
    if name in ("momentum", "nesterov"):
        defaults["momentum"] = TEXTBOOK_MOMENTUM
    if name == "nesterov":
        defaults["nesterov"] = True
    if name == "adam":
        defaults["betas"] = list(defaults["betas"])
    return defaults


@dataclass(frozen=True)
class OptimizerChoice:
    """An optimizer name and its hyper-parameters (every one filled in, defaults from `nn.optim`).

    Build it with `OptimizerChoice.parse`, which checks the hyper-parameters
    by building the `nn.optim` optimizer once, so a bad value is refused with
    that class's own message before anything is derived.
    """

    name: str = "sgd"
    hyperparameters: dict[str, Any] = field(default_factory=lambda: _defaults("sgd"))

    @classmethod
    def parse(cls, data: object, where: str = "optimizer") -> OptimizerChoice:
        """A name (``"adam"``) or an object (``{"name": "adam", "betas": [0.9, 0.99]}``); ValueError naming `where`."""
        if isinstance(data, str):
            data = {"name": data}
        if not isinstance(data, Mapping):
            raise ValueError(_("{where}: expected an optimizer name or an object with a 'name', got {got}").format(
                where=where, got=describe(data)
            ))
        name = data.get("name")
        if name not in _CLASSES:
            raise ValueError(_("{where}.name: expected one of {names}, got {got}").format(
                where=where, names=', '.join(map(repr, OPTIMIZERS)), got=describe(name)
            ))
        hyperparameters = _defaults(name)
        for key, value in data.items():
            if key == "name":
                continue
            if key == "lr":
                raise ValueError(_(
                    "{where}.lr: the learning rate is the spec's 'learning_rate'; remove "
                    "it here"
                ).format(
                    where=where
                ))
            if key not in hyperparameters:
                valid = ", ".join(sorted(hyperparameters))
                raise ValueError(_("{path}: {name} has no hyper-parameter {key!r}; it has {valid}").format(
                    path=key_path(where, key), name=name, key=key, valid=valid
                ))
            hyperparameters[key] = value
        choice = cls(name, hyperparameters)
        try:
            choice.build([Value(0.0)], 1.0)
        except (TypeError, ValueError) as error:
            raise ValueError(located(where, error)) from None
        if name in ("momentum", "nesterov") and choice.hyperparameters["momentum"] == 0:
            raise ValueError(_("{where}.momentum: {name} needs a momentum above 0; use 'sgd' for none").format(
                where=where, name=name
            ))
        return choice

    def build(self, params: Iterable[Value], lr: float) -> optim.Optimizer:
        """The `nn.optim` optimizer of this choice on `params`, the check on the hand-written updates."""
        arguments = dict(self.hyperparameters)
        if "betas" in arguments:
            betas = arguments["betas"]
            arguments["betas"] = tuple(betas) if isinstance(betas, list) else betas
        return _CLASSES[self.name](params, lr, **arguments)

    def to_dict(self) -> dict[str, Any]:
        """``{"name": ..., every hyper-parameter}`` as JSON-ready data."""
        return {"name": self.name, **self.hyperparameters}

    @property
    def momentum(self) -> float:
        """μ of SGD and RMSProp (0 for none)."""
        return float(self.hyperparameters.get("momentum", 0.0))


class OptimizerState:
    """Every parameter's optimizer state across the steps of a derivation, updated by the textbook formulas."""

    def __init__(self, choice: OptimizerChoice, learning_rate: float) -> None:
        self.choice = choice
        self.learning_rate = learning_rate
        self.step = 0
        self._states: dict[str, dict[str, float]] = {}

    def begin_step(self) -> None:
        """Count one more step t (every parameter of the step shares it)."""
        self.step += 1

    def update(self, name: str, value: float, gradient: float) -> ParameterUpdate:
        """The new value of the parameter `name`, with the state before and after and every intermediate number."""
        before = dict(self._states.get(name, {}))
        h = self.choice.hyperparameters
        decay = float(h.get("weight_decay", 0.0))
        g = gradient + decay * value if decay else gradient
        quantities: dict[str, float] = {"g": g} if decay else {}
        rule = {"sgd": _sgd, "momentum": _sgd, "nesterov": _sgd, "rmsprop": _rmsprop, "adam": _adam}[self.choice.name]
        state, direction = rule(h, before, g, self.step)
        quantities.update(state)
        self._states[name] = {key: state[key] for key in _kept(self.choice.name) if key in state}
        updated = value - self.learning_rate * direction
        return ParameterUpdate(name, value, gradient, before, quantities, updated, self.step)


def _kept(name: str) -> tuple[str, ...]:
    """The quantities an optimizer carries from one step to the next."""
    return {"rmsprop": ("v", "g_avg", "b"), "adam": ("m", "v")}.get(name, ("b",))


def _sgd(h: Mapping[str, Any], before: Mapping[str, float], g: float, t: int) -> tuple[dict[str, float], float]:
    mu = float(h["momentum"])
    if not mu:
        return {}, g
    tau = float(h["dampening"])
    b = g if "b" not in before else mu * before["b"] + (1.0 - tau) * g
    if h["nesterov"]:
        return {"b": b, "g_nesterov": g + mu * b}, g + mu * b
    return {"b": b}, b


def _rmsprop(h: Mapping[str, Any], before: Mapping[str, float], g: float, t: int) -> tuple[dict[str, float], float]:
    rho, eps, mu = float(h["alpha"]), float(h["eps"]), float(h["momentum"])
    state = {"v": rho * before.get("v", 0.0) + (1.0 - rho) * g * g}
    square = state["v"]
    if h["centered"]:
        state["g_avg"] = rho * before.get("g_avg", 0.0) + (1.0 - rho) * g
        state["v_centered"] = square = state["v"] - state["g_avg"] ** 2
    scaled = g / (math.sqrt(square) + eps)
    if mu > 0:
        state["b"] = mu * before.get("b", 0.0) + scaled
        return state, state["b"]
    return state, scaled


def _adam(h: Mapping[str, Any], before: Mapping[str, float], g: float, t: int) -> tuple[dict[str, float], float]:
    beta1, beta2 = (float(b) for b in h["betas"])
    eps = float(h["eps"])
    m = beta1 * before.get("m", 0.0) + (1.0 - beta1) * g
    v = beta2 * before.get("v", 0.0) + (1.0 - beta2) * g * g
    m_hat, v_hat = m / (1.0 - beta1**t), v / (1.0 - beta2**t)
    return {"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat}, m_hat / (math.sqrt(v_hat) + eps)

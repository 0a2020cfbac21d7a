"""Optimizers: how a parameter moves once backward has filled its ``.grad``.

Each optimizer keeps its own state per parameter (a velocity, running
averages) and applies one update rule in `step`. Names, defaults and formulas
follow ``torch.optim`` exactly (SGD, RMSprop, Adam as documented there), so a
model and its training recipe carry over in either direction; the tests check
each rule against ``torch.optim`` in float64.

Typical loop::

    optimizer = SGD(model.parameters(), lr=0.1)
    for step in range(100):
        loss = ...                  # a Value built from the model
        optimizer.zero_grad()       # leaf gradients accumulate: clear them first
        loss.backward()
        optimizer.step()

Notation in the docstrings: g = ∂C/∂θ (the parameter's ``.grad``), γ = lr,
λ = weight_decay, μ = momentum.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real

from autograd.i18n import Catalog
from autograd import Value, no_grad

_ = Catalog("nn")

__all__ = ["Adam", "Optimizer", "RMSProp", "SGD"]


def _hyperparameter(
    value: object, name: str, low: float = 0.0, high: float = math.inf, high_open: bool = False, low_open: bool = False
) -> float:
    """`value` as a finite float in [low, high] (or with an open end), or a ValueError that names the argument.

    Infinity is never a hyperparameter: lr=inf turns every weight into inf or nan at the first step.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(_("{name} must be a real number, got {type_name} {value!r}").format(
            name=name, type_name=type(value).__name__, value=value
        ))
    number = float(value)
    above = low < number if low_open else low <= number
    below = number < high if high_open else number <= high
    if not (above and below and math.isfinite(number)):
        lower = f"({low}" if low_open else f"[{low}"
        upper = f"{high})" if high_open or math.isinf(high) else f"{high}]"
        raise ValueError(_("{name} must be a finite number in {lower}, {upper}, got {number!r}").format(
            name=name, lower=lower, upper=upper, number=number
        ))
    return number


class Optimizer:
    """What every optimizer shares: the parameter list, the learning rate, `zero_grad`, `step`.

    Subclasses implement `_update(index, parameter, gradient)`, which returns
    the parameter's new value; `index` picks the parameter's slot in the
    subclass's state lists. `step` calls it once per parameter under
    `autograd.no_grad()`, so an update never becomes part of a graph.
    """

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        if isinstance(params, Value):
            raise TypeError(_("params must be a list of Values, got a single Value; write [value]"))
        self.params: list[Value] = list(params)
        if not self.params:
            raise ValueError(_("params is empty: pass model.parameters() (a model with at least one parameter)"))
        seen: set[int] = set()
        for position, parameter in enumerate(self.params):
            if not isinstance(parameter, Value):
                raise TypeError(_("params[{position}] must be a Value, got {type_name}").format(
                    position=position, type_name=type(parameter).__name__
                ))
            if id(parameter) in seen:
                raise ValueError(
                    _(
                        "params[{position}] appears more than once; it would be updated "
                        "twice per step. Pass each parameter once"
                    ).format(
                        position=position
                    )
                )
            seen.add(id(parameter))
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate γ. Assign to it between steps for a schedule (it is validated)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _hyperparameter(value, "lr")

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0: backward *adds* to leaf gradients."""
        for parameter in self.params:
            parameter.grad = 0.0

    def step(self) -> None:
        """Move every parameter by the optimizer's rule, using the ``.grad`` backward left."""
        with no_grad():
            for index, parameter in enumerate(self.params):
                parameter.data = self._update(index, parameter.data, parameter.grad)

    def _update(self, index: int, value: float, gradient: float) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement _update")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr!r})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum, as ``torch.optim.SGD``.

    Per parameter, per step t:

    * g ← g + λ·θ                                 (if weight_decay ≠ 0)
    * b ← g at t = 1, else μ·b + (1 − τ)·g        (if momentum ≠ 0; τ = dampening)
    * g ← g + μ·b (nesterov) or g ← b             (if momentum ≠ 0)
    * θ ← θ − γ·g

    With the defaults this is the textbook rule of BACKPROP.md, θ ← θ − γ·∂C/∂θ.
    Momentum's buffer ``b`` starts as the first gradient itself, not as
    (1 − τ)·g, exactly as torch does.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _hyperparameter(momentum, "momentum")
        self.dampening = _hyperparameter(dampening, "dampening")
        self.weight_decay = _hyperparameter(weight_decay, "weight_decay")
        if not isinstance(nesterov, bool):
            raise TypeError(_("nesterov must be True or False, got {nesterov!r}").format(nesterov=nesterov))
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                _(
                    "nesterov=True needs momentum > 0 and dampening = 0, got "
                    "momentum={momentum!r}, dampening={dampening!r}; set momentum (e.g. "
                    "0.9) or nesterov=False"
                ).format(
                    momentum=self.momentum, dampening=self.dampening
                )
            )
        self.nesterov = nesterov
        self.velocity: list[float | None] = [None] * len(self.params)

    def _update(self, index: int, value: float, gradient: float) -> float:
        if self.weight_decay:
            gradient += self.weight_decay * value
        if self.momentum:
            previous = self.velocity[index]
            if previous is None:
                buffer = gradient
            else:
                buffer = self.momentum * previous + (1.0 - self.dampening) * gradient
            self.velocity[index] = buffer
            gradient = gradient + self.momentum * buffer if self.nesterov else buffer
        return value - self.lr * gradient


class RMSProp(Optimizer):
    """RMSProp: divide each step by a running root-mean-square of the gradient, as ``torch.optim.RMSprop``.

    Per parameter, per step (v, ḡ, b start at 0):

    * g ← g + λ·θ                                 (if weight_decay ≠ 0)
    * v ← α·v + (1 − α)·g²
    * ṽ ← v − ḡ², with ḡ ← α·ḡ + (1 − α)·g         (if centered; else ṽ = v)
    * b ← μ·b + g/(√ṽ + ε);  θ ← θ − γ·b           (if momentum > 0)
    * θ ← θ − γ·g/(√ṽ + ε)                          (otherwise)

    ε is added *after* the square root, as in torch.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self.alpha = _hyperparameter(alpha, "alpha", high=1.0)
        self.eps = _hyperparameter(eps, "eps", low_open=True)  # it keeps a division away from 0
        self.weight_decay = _hyperparameter(weight_decay, "weight_decay")
        self.momentum = _hyperparameter(momentum, "momentum")
        if not isinstance(centered, bool):
            raise TypeError(_("centered must be True or False, got {centered!r}").format(centered=centered))
        self.centered = centered
        count = len(self.params)
        self.square_average = [0.0] * count
        self.gradient_average = [0.0] * count
        self.velocity = [0.0] * count

    def _update(self, index: int, value: float, gradient: float) -> float:
        if self.weight_decay:
            gradient += self.weight_decay * value
        square_average = self.alpha * self.square_average[index] + (1.0 - self.alpha) * gradient * gradient
        self.square_average[index] = square_average
        if self.centered:
            gradient_average = self.alpha * self.gradient_average[index] + (1.0 - self.alpha) * gradient
            self.gradient_average[index] = gradient_average
            square_average -= gradient_average * gradient_average
        scaled = gradient / (math.sqrt(square_average) + self.eps)
        if self.momentum > 0:
            scaled += self.momentum * self.velocity[index]
            self.velocity[index] = scaled
        return value - self.lr * scaled


class Adam(Optimizer):
    """Adam: momentum on the gradient and on its square, with bias correction, as ``torch.optim.Adam``.

    Per parameter, at step t = 1, 2, ... (m, v start at 0):

    * g ← g + λ·θ                                 (if weight_decay ≠ 0; L2, not AdamW's decoupled decay)
    * m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²
    * m̂ = m/(1 − β₁ᵗ);   v̂ = v/(1 − β₂ᵗ)
    * θ ← θ − γ·m̂/(√v̂ + ε)

    The bias correction undoes the pull toward the zero start of m and v,
    which would otherwise make the first steps tiny.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(_("betas must be a pair (beta1, beta2), got {betas!r}").format(betas=betas))
        self.betas = (
            _hyperparameter(betas[0], "betas[0]", high=1.0, high_open=True),
            _hyperparameter(betas[1], "betas[1]", high=1.0, high_open=True),
        )
        self.eps = _hyperparameter(eps, "eps", low_open=True)  # it keeps a division away from 0
        self.weight_decay = _hyperparameter(weight_decay, "weight_decay")
        count = len(self.params)
        self.first_moment = [0.0] * count
        self.second_moment = [0.0] * count
        self.steps = 0

    def step(self) -> None:
        """One Adam step for every parameter; all parameters share the step count t."""
        self.steps += 1
        super().step()

    def _update(self, index: int, value: float, gradient: float) -> float:
        beta1, beta2 = self.betas
        if self.weight_decay:
            gradient += self.weight_decay * value
        first = beta1 * self.first_moment[index] + (1.0 - beta1) * gradient
        second = beta2 * self.second_moment[index] + (1.0 - beta2) * gradient * gradient
        self.first_moment[index] = first
        self.second_moment[index] = second
        # θ − γ·m̂/(√v̂ + ε), arranged as torch arranges it: (γ/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)
        step_size = self.lr / (1.0 - beta1**self.steps)
        denominator = math.sqrt(second) / math.sqrt(1.0 - beta2**self.steps) + self.eps
        return value - step_size * first / denominator

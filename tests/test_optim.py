"""nn.optim: each update rule against its closed form on hand-computed numbers, and against torch.optim."""

from __future__ import annotations

import math
import random
import re

import pytest

from autograd import Value
from nn.optim import SGD, Adam, Optimizer, RMSProp

NEGLIGIBLE_EPS = 1e-300
"""eps must be > 0; this one vanishes in rounding next to the square roots here, so the formulas without eps hold."""


def _steps(optimizer: Optimizer, parameter: Value, gradients: list[float]) -> list[float]:
    """Feed `gradients` one per step (as backward would leave them); the parameter after each step."""
    trajectory = []
    for gradient in gradients:
        optimizer.zero_grad()
        parameter.grad = gradient
        optimizer.step()
        trajectory.append(parameter.data)
    return trajectory


# ------------------------------------------------------------------ closed forms


def test_sgd_moves_against_the_gradient_by_lr_times_gradient():
    theta = Value(1.0)
    assert _steps(SGD([theta], lr=0.1), theta, [0.5]) == [pytest.approx(0.95, abs=1e-15)]


def test_sgd_momentum_buffer_starts_at_the_first_gradient_then_accumulates():
    # b1 = 1 → θ = 1 − 0.1·1 = 0.9;  b2 = 0.9·1 + 1 = 1.9 → θ = 0.9 − 0.19 = 0.71
    theta = Value(1.0)
    assert _steps(SGD([theta], lr=0.1, momentum=0.9), theta, [1.0, 1.0]) == pytest.approx([0.9, 0.71], abs=1e-15)


def test_sgd_dampening_scales_only_the_new_gradient_after_the_first_step():
    # b1 = 1 (no dampening at t = 1) → 0.9;  b2 = 0.9·1 + 0.5·1 = 1.4 → 0.9 − 0.14 = 0.76
    theta = Value(1.0)
    optimizer = SGD([theta], lr=0.1, momentum=0.9, dampening=0.5)
    assert _steps(optimizer, theta, [1.0, 1.0]) == pytest.approx([0.9, 0.76], abs=1e-15)


def test_sgd_nesterov_steps_along_gradient_plus_momentum_times_buffer():
    # t=1: b = 1, g + μb = 1.9 → 1 − 0.19 = 0.81;  t=2: b = 1.9, g + μb = 2.71 → 0.81 − 0.271 = 0.539
    theta = Value(1.0)
    optimizer = SGD([theta], lr=0.1, momentum=0.9, nesterov=True)
    assert _steps(optimizer, theta, [1.0, 1.0]) == pytest.approx([0.81, 0.539], abs=1e-15)


def test_sgd_weight_decay_adds_lambda_theta_to_the_gradient():
    # g' = 0.5 + 0.1·2 = 0.7 → θ = 2 − 0.1·0.7 = 1.93
    theta = Value(2.0)
    assert _steps(SGD([theta], lr=0.1, weight_decay=0.1), theta, [0.5]) == pytest.approx([1.93], abs=1e-15)


def test_rmsprop_divides_by_the_root_of_the_running_mean_square():
    # v1 = 0.01·0.25 = 0.0025, √v1 = 0.05 → θ = 1 − 0.01·0.5/0.05 = 0.9
    # v2 = 0.99·0.0025 + 0.0025 = 0.004975 → θ = 0.9 − 0.01·0.5/√0.004975
    theta = Value(1.0)
    optimizer = RMSProp([theta], lr=0.01, eps=NEGLIGIBLE_EPS)
    expected = [0.9, 0.9 - 0.01 * 0.5 / math.sqrt(0.004975)]
    assert _steps(optimizer, theta, [0.5, 0.5]) == pytest.approx(expected, abs=1e-14)


def test_rmsprop_centered_subtracts_the_squared_running_mean_gradient():
    # v = 0.0025, ḡ = 0.01·0.5 = 0.005, ṽ = 0.0025 − 0.000025 = 0.002475
    theta = Value(1.0)
    optimizer = RMSProp([theta], lr=0.01, eps=NEGLIGIBLE_EPS, centered=True)
    assert _steps(optimizer, theta, [0.5]) == pytest.approx([1.0 - 0.01 * 0.5 / math.sqrt(0.002475)], abs=1e-14)


def test_rmsprop_momentum_accumulates_the_scaled_steps():
    # b1 = 0.5/0.05 = 10 → 0.9;  b2 = 0.9·10 + 0.5/√0.004975 → 0.9 − 0.01·b2
    theta = Value(1.0)
    optimizer = RMSProp([theta], lr=0.01, eps=NEGLIGIBLE_EPS, momentum=0.9)
    second = 0.9 - 0.01 * (9.0 + 0.5 / math.sqrt(0.004975))
    assert _steps(optimizer, theta, [0.5, 0.5]) == pytest.approx([0.9, second], abs=1e-14)


def test_adam_with_a_constant_gradient_moves_exactly_lr_per_step():
    # With bias correction, m̂ = g and v̂ = g² for a constant g, so each step is γ·g/|g| (ε = 0).
    theta = Value(1.0)
    optimizer = Adam([theta], lr=0.1, eps=NEGLIGIBLE_EPS)
    assert _steps(optimizer, theta, [0.5] * 5) == pytest.approx([0.9, 0.8, 0.7, 0.6, 0.5], abs=1e-14)


def test_adam_first_step_is_lr_times_gradient_over_its_size_plus_eps():
    theta = Value(1.0)
    optimizer = Adam([theta], lr=0.1, eps=0.5)
    assert _steps(optimizer, theta, [-2.0]) == pytest.approx([1.0 + 0.1 * 2.0 / 2.5], abs=1e-15)


def test_adam_weight_decay_is_an_l2_term_in_the_gradient():
    # g' = 0 + 0.5·2 = 1 → first step is γ·sign(g') = 0.1
    theta = Value(2.0)
    optimizer = Adam([theta], lr=0.1, eps=NEGLIGIBLE_EPS, weight_decay=0.5)
    assert _steps(optimizer, theta, [0.0]) == pytest.approx([1.9], abs=1e-15)


# ----------------------------------------------------------------- behaviour


def test_zero_grad_sets_every_gradient_to_zero():
    params = [Value(1.0), Value(2.0)]
    params[0].grad, params[1].grad = 3.0, -4.0
    SGD(params, lr=0.1).zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0]


def test_step_leaves_parameters_as_leaves_with_their_gradients():
    theta = Value(1.0)
    theta.grad = 0.5
    Adam([theta]).step()
    assert (theta.op, theta.parents, theta.local_grads, theta.grad) == ("", (), None, 0.5)


def test_lr_can_be_changed_between_steps():
    theta = Value(1.0)
    optimizer = SGD([theta], lr=0.1)
    optimizer.lr = 0.5
    assert _steps(optimizer, theta, [1.0]) == [0.5]


def test_optimizer_accepts_a_generator_of_parameters():
    params = [Value(1.0), Value(2.0)]
    assert SGD((p for p in params), lr=0.1).params == params


# ------------------------------------------------------------ invalid arguments


@pytest.mark.parametrize(
    ("make", "argument"),
    [
        (lambda p: SGD(p, lr=-0.1), "lr"),
        (lambda p: SGD(p, lr=0.1, momentum=-1.0), "momentum"),
        (lambda p: SGD(p, lr=0.1, weight_decay=-1.0), "weight_decay"),
        (lambda p: SGD(p, lr=0.1, nesterov=True), "nesterov"),
        (lambda p: SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov"),
        (lambda p: RMSProp(p, lr=-1.0), "lr"),
        (lambda p: RMSProp(p, alpha=1.5), "alpha"),
        (lambda p: RMSProp(p, eps=-1e-8), "eps"),
        (lambda p: Adam(p, lr=-1e-3), "lr"),
        (lambda p: Adam(p, betas=(1.0, 0.999)), "betas[0]"),
        (lambda p: Adam(p, betas=(0.9, -0.1)), "betas[1]"),
        (lambda p: Adam(p, eps=-1.0), "eps"),
    ],
)
def test_invalid_hyperparameter_raises_value_error_naming_it(make, argument):
    with pytest.raises(ValueError, match=re.escape(argument)):
        make([Value(1.0)])


def test_setting_a_negative_lr_later_raises_value_error():
    optimizer = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        optimizer.lr = -1.0


def test_empty_parameter_list_raises_value_error():
    with pytest.raises(ValueError, match="params is empty"):
        SGD([], lr=0.1)


def test_a_parameter_listed_twice_raises_value_error():
    theta = Value(1.0)
    with pytest.raises(ValueError, match="more than once"):
        SGD([theta, theta], lr=0.1)


def test_a_non_value_parameter_raises_type_error():
    with pytest.raises(TypeError, match=r"params\[1\] must be a Value"):
        SGD([Value(1.0), 2.0], lr=0.1)


def test_a_single_value_instead_of_a_list_raises_type_error():
    with pytest.raises(TypeError, match="single Value"):
        SGD(Value(1.0), lr=0.1)


def test_betas_that_are_not_a_pair_raise_type_error():
    with pytest.raises(TypeError, match="betas"):
        Adam([Value(1.0)], betas=0.9)


# ------------------------------------------------------------- against torch

CONFIGURATIONS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.02}),
    ("RMSProp", {}),
    ("RMSProp", {"lr": 0.02, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5}),
    ("RMSProp", {"lr": 0.02, "centered": True, "weight_decay": 0.1}),
    ("RMSProp", {"lr": 0.01, "centered": True, "momentum": 0.9}),
    ("Adam", {}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05}),
]


@pytest.mark.torch
@pytest.mark.parametrize(("name", "hyperparameters"), CONFIGURATIONS)
def test_matches_torch_optim_step_by_step_in_float64(name, hyperparameters):
    torch = pytest.importorskip("torch", reason="torch is not installed; the cross-check against torch.optim is skipped")
    ours_class = {"SGD": SGD, "RMSProp": RMSProp, "Adam": Adam}[name]
    torch_class = {"SGD": torch.optim.SGD, "RMSProp": torch.optim.RMSprop, "Adam": torch.optim.Adam}[name]
    rng = random.Random(7)
    start = [rng.uniform(-2.0, 2.0) for _ in range(5)]
    ours = [Value(x) for x in start]
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    our_optimizer = ours_class(ours, **hyperparameters)
    their_optimizer = torch_class(theirs, **hyperparameters)
    for _ in range(6):
        gradients = [rng.uniform(-3.0, 3.0) for _ in start]
        our_optimizer.zero_grad()
        for parameter, tensor, gradient in zip(ours, theirs, gradients):
            parameter.grad = gradient
            tensor.grad = torch.tensor(gradient, dtype=torch.float64)
        our_optimizer.step()
        their_optimizer.step()
        assert [p.data for p in ours] == pytest.approx([t.item() for t in theirs], abs=1e-12)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ps: SGD(ps, lr=math.inf), "lr must be a finite number"),
        (lambda ps: SGD(ps, lr=math.nan), "lr must be a finite number"),
        (lambda ps: SGD(ps, lr=0.1, momentum=math.inf), "momentum must be a finite number"),
        (lambda ps: Adam(ps, eps=0.0), r"eps must be a finite number in \(0.0, inf\)"),
        (lambda ps: RMSProp(ps, eps=0.0), r"eps must be a finite number in \(0.0, inf\)"),
        (lambda ps: Adam(ps, eps=math.inf), "eps must be a finite number"),
    ],
    ids=["sgd-lr-inf", "sgd-lr-nan", "sgd-momentum-inf", "adam-eps-0", "rmsprop-eps-0", "adam-eps-inf"],
)
def test_infinite_or_zero_hyperparameters_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make([Value(1.0)])

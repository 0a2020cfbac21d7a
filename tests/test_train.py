"""nn.train: the three training modes, batch gradients as sums of per-example deltas, history, hooks, errors."""

from __future__ import annotations

import gc

import pytest

from autograd import TracingError, Value
from nn import datasets, losses
from nn.layers import MLP
from nn.module import Module
from nn.optim import SGD, Adam
from nn.train import History, StepInfo, evaluate, fit

# Seed 003's example (one input row, target 0.4) plus three more rows for a batch.
BATCH_INPUTS = [[0.1, 0.2, 0.3], [0.5, -0.4, 0.2], [-0.3, 0.8, -0.6], [0.9, 0.1, -0.2]]
BATCH_TARGETS = [[0.4, -0.1], [0.0, 0.3], [-0.5, 0.2], [0.7, 0.6]]
WEIGHTS = [[0.2, -0.5, 0.1], [0.4, 0.3, -0.7]]  # w_kj: row k = output neuron, column j = input
BIASES = [0.05, -0.2]


def _linear_layer() -> MLP:
    return MLP.from_weights([WEIGHTS], [BIASES], "linear")


def _mse_deltas(x: list[float], y: list[float]) -> list[float]:
    """δ_k = ∂/∂z_k of (1/n)Σ(z − y)² = (2/n)(z_k − y_k), with z = W·x + b computed in plain floats."""
    z = [sum(w * a for w, a in zip(row, x)) + b for row, b in zip(WEIGHTS, BIASES)]
    return [2.0 / len(z) * (zk - yk) for zk, yk in zip(z, y)]


def _train(model: MLP | None = None, lr: float = 0.01, **overrides) -> History:
    """`fit` on the batch above with mse, SGD(lr), one epoch and no progress bar, unless `overrides` say otherwise.

    The model is a fresh `_linear_layer()` unless given; the optimizer is built on its parameters.
    """
    if model is None:
        model = _linear_layer()
    arguments = {
        "inputs": BATCH_INPUTS,
        "targets": BATCH_TARGETS,
        "loss": "mse",
        "epochs": 1,
        "progress": False,
    }
    if isinstance(model, Module):
        arguments["optimizer"] = SGD(model.parameters(), lr=lr)
    arguments.update(overrides)
    return fit(model, arguments.pop("inputs"), arguments.pop("targets"), **arguments)


def _gradients_of_first_step(model: MLP, **fit_arguments) -> list[tuple[list[float], float]]:
    """(weight gradients, bias gradient) of each output neuron right after the first optimizer step."""
    seen: list[list[tuple[list[float], float]]] = []

    def record(info: StepInfo) -> None:
        if info.step == 0:
            seen.append([([w.grad for w in n.w], n.b.grad) for n in info.model.layers[0].neurons])

    _train(model, lr=0.0, callback=record, **fit_arguments)
    return seen[0]


def _batch_gradients_and_deltas(reduction: str):
    """fit's gradients after one full-batch step, each example's deltas, and the reduction's factor."""
    gradients = _gradients_of_first_step(_linear_layer(), reduction=reduction)
    deltas = [_mse_deltas(x, y) for x, y in zip(BATCH_INPUTS, BATCH_TARGETS)]
    return gradients, deltas, 1.0 if reduction == "sum" else 1.0 / len(BATCH_INPUTS)


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_bias_gradient_of_a_batch_is_the_sum_or_mean_of_its_per_example_deltas(reduction):
    gradients, deltas, scale = _batch_gradients_and_deltas(reduction)
    for k, (_, bias_gradient) in enumerate(gradients):
        assert bias_gradient == pytest.approx(scale * sum(d[k] for d in deltas), abs=1e-12)


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_weight_gradient_of_a_batch_is_x_transpose_times_deltas(reduction):
    gradients, deltas, scale = _batch_gradients_and_deltas(reduction)
    for k, (weight_gradients, _) in enumerate(gradients):
        expected = [scale * sum(d[k] * x[j] for d, x in zip(deltas, BATCH_INPUTS)) for j in range(3)]
        assert weight_gradients == pytest.approx(expected, abs=1e-12)


def test_a_mini_batch_gradient_sums_the_deltas_of_that_batch_only():
    gradients = _gradients_of_first_step(_linear_layer(), batch_size=2, shuffle=False)
    deltas = [_mse_deltas(x, y) for x, y in zip(BATCH_INPUTS[:2], BATCH_TARGETS[:2])]
    assert [b for _, b in gradients] == pytest.approx([deltas[0][k] + deltas[1][k] for k in range(2)], abs=1e-12)


def test_seed_003_single_example_bias_gradient_is_its_delta():
    # Seed 003: one linear unit, MSE on x = [0.1, 0.2, 0.3], y = 0.4; db = Σ of upstream gradients = 2(z − y).
    model = MLP.from_weights([[[0.3, -0.2, 0.5]]], [[0.1]], "linear")
    gradients = _gradients_of_first_step(model, inputs=[[0.1, 0.2, 0.3]], targets=[0.4], loss="mse")
    z = 0.3 * 0.1 - 0.2 * 0.2 + 0.5 * 0.3 + 0.1
    assert gradients[0][1] == pytest.approx(2.0 * (z - 0.4), abs=1e-12)


@pytest.mark.parametrize(("batch_size", "steps_per_epoch"), [(None, 1), (1, 4), (3, 2), (4, 1), (10, 1)])
def test_steps_per_epoch_follow_the_batch_size(batch_size, steps_per_epoch):
    history = _train(epochs=3, batch_size=batch_size)
    assert history.steps == 3 * steps_per_epoch
    assert len(history.loss) == 3


def _targets_seen(batch_size: int | None, shuffle: bool, seed: int = 0, epochs: int = 2) -> list[list[list[float]]]:
    """The targets of each batch, in the order fit presents them."""
    batches: list[list[list[float]]] = []

    def recording_loss(outputs, targets):
        batches.append(list(targets))
        return losses.mse(outputs, targets)

    _train(loss=recording_loss, epochs=epochs, batch_size=batch_size, shuffle=shuffle, seed=seed)
    return batches


def test_without_shuffle_batches_follow_the_data_order():
    assert _targets_seen(batch_size=3, shuffle=False) == [BATCH_TARGETS[:3], BATCH_TARGETS[3:]] * 2


def test_stochastic_epochs_visit_every_example_once_in_a_new_order():
    batches = _targets_seen(batch_size=1, shuffle=True, epochs=6)
    epochs = [[b[0] for b in batches[i : i + 4]] for i in range(0, 24, 4)]
    assert all(sorted(epoch) == sorted(BATCH_TARGETS) for epoch in epochs)
    assert len({tuple(map(tuple, epoch)) for epoch in epochs}) > 1


def test_the_same_seed_repeats_the_order_and_another_seed_changes_it():
    first = _targets_seen(batch_size=1, shuffle=True, seed=3, epochs=4)
    assert _targets_seen(batch_size=1, shuffle=True, seed=3, epochs=4) == first
    assert _targets_seen(batch_size=1, shuffle=True, seed=4, epochs=4) != first


def test_full_batch_history_loss_is_the_loss_at_the_start_of_each_epoch():
    model = _linear_layer()
    before = evaluate(model, BATCH_INPUTS, BATCH_TARGETS, loss="mse").loss
    history = _train(model, lr=0.1, epochs=2)
    assert history.loss[0] == pytest.approx(before, abs=1e-12)
    assert history.loss[1] < history.loss[0]


def test_mean_reduction_history_loss_is_the_mean_per_example_loss():
    model = _linear_layer()
    before = evaluate(model, BATCH_INPUTS, BATCH_TARGETS, loss="mse").loss
    history = _train(model, lr=0.0, reduction="mean", batch_size=3)
    assert history.loss == [pytest.approx(before / 4, abs=1e-12)]


def test_loss_given_by_name_or_function_trains_identically():
    by_name, by_function = (_train(lr=0.1, loss=loss, epochs=3) for loss in ("half_sse", losses.half_sse))
    assert by_name == by_function


def test_regularization_adds_its_gradient_to_every_step():
    coefficient = 0.25
    with_penalty = _gradients_of_first_step(
        _linear_layer(), regularization=lambda parameters: losses.l2(parameters, coefficient)
    )
    without = _gradients_of_first_step(_linear_layer())
    for k in range(2):
        assert with_penalty[k][1] - without[k][1] == pytest.approx(2 * coefficient * BIASES[k], abs=1e-12)
        differences = [a - b for a, b in zip(with_penalty[k][0], without[k][0])]
        assert differences == pytest.approx([2 * coefficient * w for w in WEIGHTS[k]], abs=1e-12)


def test_hinge_training_records_accuracy_and_separates_xor():
    inputs, labels = datasets.xor()
    model = MLP(2, [8, 1], activation="tanh", seed=1)
    history = _train(model, inputs=inputs, targets=labels, loss="hinge", optimizer=Adam(model.parameters(), lr=0.05), epochs=150)
    assert len(history.accuracy) == 150
    assert evaluate(model, inputs, labels, loss="hinge").accuracy == 1.0


def test_regression_loss_records_no_accuracy_by_default():
    assert _train(epochs=2).accuracy == []


def test_metrics_accuracy_with_a_regression_loss_compares_the_largest_output():
    model = MLP.from_weights([[[1.0, 0.0], [0.0, 1.0]]], [[0.0, 0.0]], "linear")
    inputs = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [2.0, 1.0]]
    one_hot = [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
    assert evaluate(model, inputs, one_hot, loss="half_sse", metrics="accuracy").accuracy == 0.75


def test_cross_entropy_accuracy_accepts_class_indices_and_one_hot_targets():
    model = MLP.from_weights([[[1.0, 0.0], [0.0, 1.0]]], [[0.0, 0.0]], "linear")
    inputs = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    assert evaluate(model, inputs, [0, 1, 1], loss="cross_entropy").accuracy == pytest.approx(2 / 3)
    assert evaluate(model, inputs, [[1, 0], [0, 1], [0, 1]], loss="cross_entropy").accuracy == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("loss", "output_activation", "labels"),
    [("bce", "sigmoid", [0, 1, 1]), ("bce_with_logits", "linear", [0, 1, 1]), ("hinge", "linear", [-1, 1, 1])],
)
def test_binary_losses_judge_by_their_own_threshold(loss, output_activation, labels):
    # z = x: inputs −2, 3, −1 give z < 0, z > 0, z < 0 → predicted classes 0, 1, 0.
    model = MLP.from_weights([[[1.0]]], [[0.0]], output_activation)
    assert evaluate(model, [[-2.0], [3.0], [-1.0]], labels, loss=loss).accuracy == pytest.approx(2 / 3)


def test_metrics_none_records_no_accuracy_even_for_classification():
    inputs, labels = datasets.xor()
    model = MLP(2, [1], seed=0)
    assert _train(model, inputs=inputs, targets=labels, loss="hinge", metrics=None).accuracy == []


def test_callback_gets_epoch_and_step_indexes_after_every_step():
    calls: list[tuple[int, int]] = []
    _train(epochs=2, batch_size=2, callback=lambda info: calls.append((info.epoch, info.step)))
    assert calls == [(0, 0), (0, 1), (1, 2), (1, 3)]


def test_callback_can_schedule_the_learning_rate():
    rates: list[float] = []

    def decay(info: StepInfo) -> None:
        rates.append(info.optimizer.lr)
        info.optimizer.lr = 1.0 - 0.9 * (info.step + 1) / 10

    _train(lr=1.0, epochs=10, callback=decay)
    assert rates == pytest.approx([1.0 - 0.09 * k for k in range(10)], abs=1e-15)


def test_callback_loss_includes_the_regularization_term():
    model = _linear_layer()
    data_loss = evaluate(model, BATCH_INPUTS, BATCH_TARGETS, loss="mse").loss
    penalty = 0.5 * sum(p.data**2 for p in model.parameters())
    seen: list[float] = []
    _train(
        model,
        lr=0.0,
        regularization=lambda parameters: losses.l2(parameters, 0.5),
        callback=lambda info: seen.append(info.loss),
    )
    assert seen == [pytest.approx(data_loss + penalty, abs=1e-12)]


def test_progress_false_writes_nothing(capsys):
    _train(epochs=2)
    assert capsys.readouterr() == ("", "")


def test_progress_true_draws_a_bar_on_stderr(capsys):
    _train(epochs=2, progress=True)
    assert "2/2" in capsys.readouterr().err


def test_progress_none_draws_no_bar_when_stderr_is_not_a_terminal(capsys):
    _train(epochs=2, progress=None)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("enabled_before", [True, False])
def test_fit_restores_the_garbage_collector_state(enabled_before):
    was_enabled = gc.isenabled()
    try:
        gc.enable() if enabled_before else gc.disable()
        _train()
        assert gc.isenabled() == enabled_before
    finally:
        gc.enable() if was_enabled else gc.disable()


def test_fit_restores_the_garbage_collector_when_training_fails():
    with pytest.raises(ZeroDivisionError):
        _train(callback=lambda info: 1 / 0)
    assert gc.isenabled()


def test_evaluate_builds_no_graph_and_changes_nothing():
    model = _linear_layer()
    state = model.state_dict()
    result = evaluate(model, BATCH_INPUTS, BATCH_TARGETS, loss="half_sse")
    expected = sum(
        0.5 * sum((zk - yk) ** 2 for zk, yk in zip([sum(w * a for w, a in zip(row, x)) + b for row, b in zip(WEIGHTS, BIASES)], y))
        for x, y in zip(BATCH_INPUTS, BATCH_TARGETS)
    )
    assert result.loss == pytest.approx(expected, abs=1e-12)
    assert result.accuracy is None
    assert model.state_dict() == state and all(p.grad == 0.0 for p in model.parameters())


# ------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"targets": BATCH_TARGETS[:3]}, ValueError, "one entry per example, got 4 and 3"),
        ({"inputs": [], "targets": []}, ValueError, "inputs is empty"),
        ({"inputs": "abc"}, TypeError, "inputs must be a list"),
        ({"epochs": 0}, ValueError, "epochs must be at least 1"),
        ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be an int"),
        ({"loss": "hinge_loss"}, ValueError, "unknown loss 'hinge_loss'"),
        ({"loss": 3}, TypeError, "loss must be a name"),
        ({"reduction": "average"}, ValueError, "reduction must be 'sum' or 'mean'"),
        ({"loss": lambda o, t: losses.mse(o, t), "reduction": "mean"}, ValueError, "custom loss"),
        ({"metrics": "f1"}, ValueError, "metrics must be"),
        ({"optimizer": "sgd"}, TypeError, "optimizer must be an nn.optim optimizer"),
        ({"model": lambda x: x, "optimizer": SGD([Value(1.0)], lr=0.1)}, TypeError, "model must be a callable nn.Module"),
    ],
)
def test_bad_arguments_raise_errors_that_name_them(overrides, error, message):
    with pytest.raises(error, match=message):
        _train(**overrides)


def test_accuracy_by_largest_output_needs_several_outputs():
    model = MLP.from_weights([[[1.0]]], [[0.0]], "linear")
    with pytest.raises(ValueError, match="several outputs"):
        evaluate(model, [[1.0]], [1.0], loss="mse", metrics="accuracy")


# ------------------------------------------------------------ compile=True


def _train_twice(compiled_too: bool, **setup):
    """Train the same seeded model eagerly and with compile=True; return both histories and parameter lists."""
    results = []
    for compile_flag in (False, True):
        model = MLP(2, setup["nouts"], activation="tanh", output_activation=setup.get("output", "linear"), seed=3)
        history = fit(
            model,
            setup["inputs"],
            setup["targets"],
            loss=setup["loss"],
            optimizer=SGD(model.parameters(), lr=0.05, momentum=0.9),
            epochs=3,
            batch_size=setup.get("batch_size"),
            reduction=setup.get("reduction", "sum"),
            regularization=setup.get("regularization"),
            progress=False,
            compile=compile_flag,
        )
        results.append((history, [p.data for p in model.parameters()]))
    return results


_X, _SIGNED = datasets.moons(24, noise=0.1, seed=5)
_CLASSES = [0 if y < 0 else 1 for y in _SIGNED]


@pytest.mark.parametrize(
    "setup",
    [
        {"nouts": [4, 1], "targets": _SIGNED, "loss": "hinge", "regularization": lambda ps: losses.l2(ps, 1e-4)},
        {"nouts": [4, 1], "targets": _SIGNED, "loss": "hinge", "batch_size": 5, "reduction": "mean"},
        {"nouts": [4, 1], "targets": [0.5 * y for y in _SIGNED], "loss": "mse", "batch_size": 1},
        {"nouts": [4, 1], "targets": _CLASSES, "loss": "bce", "output": "sigmoid", "batch_size": 8},
        {"nouts": [4, 1], "targets": _CLASSES, "loss": "bce_with_logits", "batch_size": 8},
        {"nouts": [4, 2], "targets": [[1.0, 0.0] if c == 0 else [0.0, 1.0] for c in _CLASSES], "loss": "cross_entropy"},
        {"nouts": [4, 2], "targets": _CLASSES, "loss": "cross_entropy", "batch_size": 7},
    ],
    ids=["hinge-l2-full", "hinge-mean-minibatch", "mse-stochastic", "bce-sigmoid", "bce-logits", "ce-one-hot", "ce-index"],
)
def test_compiled_training_equals_eager_training(setup):
    (eager_history, eager_parameters), (compiled_history, compiled_parameters) = _train_twice(True, inputs=_X, **setup)
    assert compiled_history.loss == pytest.approx(eager_history.loss, rel=1e-12, abs=1e-12)
    assert compiled_history.accuracy == eager_history.accuracy
    assert compiled_parameters == pytest.approx(eager_parameters, rel=1e-12, abs=1e-12)


def test_compiled_training_checks_every_target_before_the_first_step():
    model = MLP(2, [3, 1], seed=0)
    labels = [1, -1, 1, 0]  # the last label is not ±1, and it is not in the first batch
    with pytest.raises(ValueError, match=r"targets\[3\].*hinge labels"):
        fit(
            model, _X[:4], labels, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1),
            epochs=1, batch_size=2, shuffle=False, progress=False, compile=True,
        )


def _squared_error_branching_on_data(outputs, targets):
    """A loss with a Python branch on .data: the traced path is right for one sign of the output only."""
    total = Value(0.0)
    for output, target in zip(outputs, targets):
        difference = output - target
        total = total + (difference * difference if output.data > 0 else -(difference * difference))
    return total


def test_compiled_training_stops_on_a_branch_on_data_before_a_wrong_step():
    model = MLP(1, [1], seed=0)
    inputs, targets = [[1.0], [-1.0]], [0.0, 0.0]  # the two examples take the two branches
    first_output = model([1.0]).data
    inputs = inputs if first_output > 0 else inputs[::-1]
    before = [p.data for p in model.parameters()]
    steps = []
    with pytest.raises(TracingError, match=r"fit\(compile=True\) stopped before training on a wrong path"):
        fit(
            model, inputs, targets, loss=_squared_error_branching_on_data, optimizer=SGD(model.parameters(), lr=0.1),
            epochs=1, batch_size=1, shuffle=False, progress=False, compile=True, callback=steps.append,
        )
    assert len(steps) == 1  # the first batch, on which it was traced, trained; the second never did
    assert [p.data for p in model.parameters()] != before


def test_compiled_training_of_a_model_without_data_branches_is_not_stopped_by_the_checks():
    model = MLP(2, [3, 1], seed=0)
    history = fit(
        model, _X, _SIGNED, loss="mse", optimizer=SGD(model.parameters(), lr=0.01),
        epochs=3, batch_size=1, progress=False, compile=True,
    )
    assert len(history.loss) == 3


def test_fit_refuses_an_optimizer_over_another_models_parameters():
    model, other = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=1)
    with pytest.raises(ValueError, match="the optimizer updates none of this model's 13 parameters"):
        fit(model, _X, _SIGNED, loss="mse", optimizer=SGD(other.parameters(), lr=0.1), epochs=1, progress=False)


def _count_traces(monkeypatch) -> list[int]:
    """Counts the calls of autograd.compile that fit makes (each one is a trace)."""
    import autograd

    traces: list[int] = []
    real_compile = autograd.compile

    def counting_compile(*args, **kwargs):
        traces.append(1)
        return real_compile(*args, **kwargs)

    monkeypatch.setattr(autograd, "compile", counting_compile)
    return traces


def _fit_moons(model, loss="hinge", batch_size=None, compile_flag=True, inputs=_X, targets=_SIGNED):
    return fit(
        model, inputs, targets, loss=loss, optimizer=SGD(model.parameters(), lr=0.05),
        epochs=2, batch_size=batch_size, shuffle=False, progress=False, compile=compile_flag,
    )


def test_a_second_compiled_fit_reuses_the_traced_steps_and_trains_as_eager_fit_does(monkeypatch):
    traces = _count_traces(monkeypatch)
    compiled_model, eager_model = MLP(2, [4, 1], seed=3), MLP(2, [4, 1], seed=3)
    _fit_moons(compiled_model, batch_size=10)  # batches of 10, 10 and 4: two shapes
    assert len(traces) == 2
    second = _fit_moons(compiled_model, batch_size=10)
    assert len(traces) == 2
    _fit_moons(eager_model, batch_size=10, compile_flag=False)
    eager_second = _fit_moons(eager_model, batch_size=10, compile_flag=False)
    assert second.loss == pytest.approx(eager_second.loss, rel=1e-12, abs=1e-12)
    assert [p.data for p in compiled_model.parameters()] == pytest.approx(
        [p.data for p in eager_model.parameters()], rel=1e-12, abs=1e-12
    )


def test_a_compiled_fit_with_another_loss_or_batch_shape_traces_again(monkeypatch):
    traces = _count_traces(monkeypatch)
    model = MLP(2, [4, 1], seed=3)
    _fit_moons(model)
    _fit_moons(model, loss="mse", targets=[0.5 * y for y in _SIGNED])
    assert len(traces) == 2
    _fit_moons(model, loss="mse", targets=[[0.5 * y] for y in _SIGNED])  # same loss, targets now lists
    assert len(traces) == 3
    _fit_moons(model, loss="mse", targets=[[0.5 * y] for y in _SIGNED[:12]], inputs=_X[:12])  # a smaller batch
    assert len(traces) == 4


def test_a_compiled_fit_after_a_parameter_is_replaced_traces_again(monkeypatch):
    traces = _count_traces(monkeypatch)
    model = MLP(2, [4, 1], seed=3)
    _fit_moons(model)
    model.layers[0].neurons[0].b = Value(0.25)
    history = _fit_moons(model)
    assert len(traces) == 2
    eager = MLP(2, [4, 1], seed=3)
    _fit_moons(eager, compile_flag=False)
    eager.layers[0].neurons[0].b = Value(0.25)
    assert history.loss == pytest.approx(_fit_moons(eager, compile_flag=False).loss, rel=1e-12, abs=1e-12)

"""`derive` across training regimes: stochastic and mini-batch sequences, and optimizers written out with their state.

Oracles: `nn.train.fit` on the same model and data (the regime must see the same
batches and reach the same parameters, number for number); a single sigmoid
neuron trained by hand in plain floats in this file; Adam and momentum
written out in plain floats here; and `torch.optim` in float64 on the same
network (marked ``torch``).
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from nn import MLP, optim
from nn.teaching.derive import derive
from nn.teaching.regime_blocks import example_table_block
from nn.teaching.spec import SpecError, load_spec, parse_spec
from nn.train import fit
from scalargrad.cli import main

INPUTS = [[0.5, -1.0], [1.5, 0.25], [-0.75, 0.8], [0.1, 0.9], [-1.2, -0.3]]
TARGETS = [[0.2], [0.9], [0.4], [0.7], [0.1]]


def small_model() -> MLP:
    return MLP.from_weights(
        [[[0.3, -0.2], [0.1, 0.4], [-0.5, 0.25]], [[0.6, -0.35, 0.2]]],
        [[0.05, -0.1, 0.15], [0.1]],
        activations=["tanh", "sigmoid"],
    )


def flat_parameters(weights, biases) -> list[float]:
    """Each neuron's weights then its bias, layer by layer (the order of MLP.parameters())."""
    flat = []
    for layer_weights, layer_biases in zip(weights, biases):
        for k, row in enumerate(layer_weights):
            flat += [w for w in row if w is not None]
            if layer_biases is not None:
                flat.append(layer_biases[k])
    return flat


# ---------------------------------------------------------------- fit and derive agree


REGIMES = [
    ("sgd", None, None),
    ("sgd", None, 3),
    ("minibatch", 2, None),
    ("minibatch", 2, 11),
    ("minibatch", 3, 5),
    ("batch", None, None),
]
OPTIMIZERS = [
    ("sgd", {}, lambda ps, lr: optim.SGD(ps, lr)),
    ("momentum", {"momentum": 0.8}, lambda ps, lr: optim.SGD(ps, lr, momentum=0.8)),
    ("adam", {}, lambda ps, lr: optim.Adam(ps, lr)),
]


@pytest.mark.parametrize(("mode", "batch_size", "seed"), REGIMES)
@pytest.mark.parametrize(("name", "settings", "build"), OPTIMIZERS)
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_fit_and_derive_take_the_same_batches_and_reach_the_same_parameters(
    mode, batch_size, seed, name, settings, build, reduction
):
    rate, epochs = 0.3, 2
    derivation_model, trained = small_model(), small_model()
    steps_per_epoch = {"sgd": 5, "batch": 1}.get(mode) or math.ceil(5 / batch_size)
    derivation = derive(
        derivation_model,
        INPUTS,
        TARGETS,
        "half_sse",
        rate,
        steps=epochs * steps_per_epoch,
        reduction=reduction,
        mode=mode,
        batch_size=batch_size,
        shuffle_seed=seed,
        optimizer={"name": name, **settings},
    )
    seen = []
    fit(
        trained,
        INPUTS,
        TARGETS,
        loss="half_sse",
        optimizer=build(trained.parameters(), rate),
        epochs=epochs,
        batch_size={"sgd": 1, "batch": None}.get(mode, batch_size),
        shuffle=seed is not None,
        seed=seed or 0,
        reduction=reduction,
        progress=False,
        callback=lambda info: seen.append((info.loss, [p.data for p in info.model.parameters()])),
    )
    assert len(seen) == len(derivation.steps)
    for record, (loss, parameters) in zip(derivation.steps, seen):
        assert record.loss == pytest.approx(loss, rel=1e-12, abs=1e-15)
        derived = flat_parameters(record.updated_weights, record.updated_biases)
        assert derived == pytest.approx(parameters, rel=1e-12, abs=1e-15)


def test_shuffled_steps_take_the_examples_in_the_order_of_a_seeded_shuffle_every_epoch():
    derivation = derive(
        small_model(), INPUTS, TARGETS, "half_sse", 0.1, steps=10, mode="minibatch", batch_size=2, shuffle_seed=4
    )
    rng, order, expected = random.Random(4), list(range(5)), []
    for _ in range(4):
        rng.shuffle(order)
        expected += [[i + 1 for i in order[s : s + 2]] for s in (0, 2, 4)]
    assert [r.example_numbers for r in derivation.steps] == expected[:10]
    assert [r.epoch for r in derivation.steps] == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4]


def test_unshuffled_sgd_takes_the_examples_in_their_order_and_starts_again_after_an_epoch():
    derivation = derive(small_model(), INPUTS, TARGETS, "half_sse", 0.1, steps=7, mode="sgd")
    assert [r.example_numbers for r in derivation.steps] == [[1], [2], [3], [4], [5], [1], [2]]


# ---------------------------------------------------------------- plain floats, by hand


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_sgd_on_one_sigmoid_neuron_equals_the_update_rule_worked_by_hand():
    """w, b of σ(w·x + b) with C = ½(y − o)², one example per step, in the data's order."""
    xs, ys = [1.0, -2.0, 0.5], [1.0, 0.0, 1.0]
    w, b, rate = 0.4, -0.1, 0.5
    model = MLP.from_weights([[[w]]], [[b]], activations=["sigmoid"])
    derivation = derive(model, [[x] for x in xs], ys, "half_sse", rate, steps=5, mode="sgd")
    for step, record in enumerate(derivation.steps):
        x, y = xs[step % 3], ys[step % 3]
        o = sigmoid(w * x + b)
        delta = (o - y) * o * (1 - o)
        assert record.examples[0].delta[0][0] == pytest.approx(delta, rel=1e-13)
        assert record.loss == pytest.approx(0.5 * (y - o) ** 2, rel=1e-13)
        w, b = w - rate * delta * x, b - rate * delta
        assert record.updated_weights[0][0][0] == pytest.approx(w, rel=1e-13)
        assert record.updated_biases[0][0] == pytest.approx(b, rel=1e-13)
        everything = sum(0.5 * (yy - sigmoid(w * xx + b)) ** 2 for xx, yy in zip(xs, ys))
        assert record.data_loss_after == pytest.approx(everything, rel=1e-13)
        assert record.forward_after[0].a[0][0] == pytest.approx(sigmoid(w * x + b), rel=1e-13)


def test_a_mean_mini_batch_gradient_is_the_average_of_the_per_example_products():
    xs, ys = [1.0, -2.0, 0.5, 3.0], [1.0, 0.0, 1.0, 0.0]
    w, b = 0.4, -0.1
    model = MLP.from_weights([[[w]]], [[b]], activations=["sigmoid"])
    derivation = derive(
        model, [[x] for x in xs], ys, "half_sse", 1.0, steps=2, mode="minibatch", batch_size=2, reduction="mean"
    )
    for record, pair in zip(derivation.steps, ([0, 1], [2, 3])):
        deltas = []
        for i in pair:
            o = sigmoid(w * xs[i] + b)
            deltas.append((o - ys[i]) * o * (1 - o))
        gw = (deltas[0] * xs[pair[0]] + deltas[1] * xs[pair[1]]) / 2
        gb = (deltas[0] + deltas[1]) / 2
        assert record.weight_gradients[0][0][0] == pytest.approx(gw, rel=1e-13)
        assert record.bias_gradients[0][0] == pytest.approx(gb, rel=1e-13)
        w, b = w - gw, b - gb


def test_adam_on_one_linear_neuron_equals_adam_worked_by_hand():
    """Adam's m, v, m̂, v̂ written out here from Kingma & Ba's algorithm 1, on C = ½(w·x − y)²."""
    x, y, rate, beta1, beta2, eps = 2.0, 1.0, 0.1, 0.8, 0.95, 1e-8
    w = 0.3
    model = MLP.from_weights([[[w]]], [None], activations=["linear"])
    derivation = derive(model, [x], [y], "half_sse", rate, steps=3, optimizer={"name": "adam", "betas": [beta1, beta2]})
    m = v = 0.0
    for t, record in enumerate(derivation.steps, start=1):
        g = (w * x - y) * x
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        w -= rate * m_hat / (math.sqrt(v_hat) + eps)
        (update,) = record.updates
        assert update.quantities == pytest.approx({"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat}, rel=1e-13)
        assert update.updated == pytest.approx(w, rel=1e-13)


def test_momentum_velocity_starts_at_the_first_gradient_and_is_written_out():
    x, y, rate, mu = 2.0, 1.0, 0.1, 0.5
    w = 0.3
    model = MLP.from_weights([[[w]]], [None], activations=["linear"])
    derivation = derive(model, [x], [y], "half_sse", rate, steps=2, optimizer={"name": "momentum", "momentum": mu})
    g1 = (w * x - y) * x
    w1 = w - rate * g1
    g2 = (w1 * x - y) * x
    velocity = mu * g1 + g2
    second = derivation.steps[1].updates[0]
    assert second.state_before == pytest.approx({"b": g1}, rel=1e-13)
    assert second.quantities["b"] == pytest.approx(velocity, rel=1e-13)
    text = str(derivation)
    assert "Update (gradient descent with momentum)" in text
    assert f"b(w[1]_11) ← μ·b + (1 − τ)·g = 0.5 × ({g1:.6g}) + 1 × ({g2:.6g})" in " ".join(text.split())


def test_adam_text_writes_m_v_and_their_bias_corrections_with_formulas():
    model = MLP.from_weights([[[0.3]]], [None], activations=["linear"])
    derivation = derive(model, [2.0], [1.0], "half_sse", 0.1, optimizer="adam")
    g = (0.3 * 2 - 1) * 2
    text = " ".join(str(derivation).split())
    assert f"m(w[1]_11) ← β₁·m + (1 − β₁)·g = 0.9 × 0 + 0.1 × ({g:.6g}) = {0.1 * g:.6g}" in text
    assert f"v(w[1]_11) ← β₂·v + (1 − β₂)·g² = 0.999 × 0 + 0.001 × ({g:.6g})² = {0.001 * g * g:.6g}" in text
    assert f"m̂(w[1]_11) = m/(1 − β₁ᵗ) = {0.1 * g:.6g} / (1 − 0.9^1) = {g:.6g}" in text
    assert "θ ← θ − α·m̂/(√v̂ + ε)" in text


# ---------------------------------------------------------------- torch.optim


TORCH_OPTIMIZERS = [
    ("sgd", {}, "SGD", {}),
    ("momentum", {"momentum": 0.9}, "SGD", {"momentum": 0.9}),
    ("nesterov", {"momentum": 0.7}, "SGD", {"momentum": 0.7, "nesterov": True}),
    ("rmsprop", {"alpha": 0.9}, "RMSprop", {"alpha": 0.9}),
    ("rmsprop", {"momentum": 0.5, "centered": True}, "RMSprop", {"momentum": 0.5, "centered": True}),
    ("adam", {"betas": [0.8, 0.99]}, "Adam", {"betas": (0.8, 0.99)}),
    ("adam", {"weight_decay": 0.1}, "Adam", {"weight_decay": 0.1}),
]


@pytest.mark.torch
@pytest.mark.parametrize(("name", "settings", "torch_name", "torch_settings"), TORCH_OPTIMIZERS)
def test_mini_batch_updates_equal_torch_optim_for_three_steps(name, settings, torch_name, torch_settings):
    torch = pytest.importorskip("torch", reason="torch is not installed; the cross-check against torch.optim is skipped")
    rate = 0.05
    derivation = derive(
        small_model(),
        INPUTS,
        TARGETS,
        "half_sse",
        rate,
        steps=3,
        reduction="mean",
        mode="minibatch",
        batch_size=2,
        shuffle_seed=1,
        optimizer={"name": name, **settings},
    )
    model = small_model()
    w1 = torch.tensor([[n.w[j].data for j in range(2)] for n in model.layers[0].neurons], dtype=torch.float64)
    b1 = torch.tensor([n.b.data for n in model.layers[0].neurons], dtype=torch.float64)
    w2 = torch.tensor([[w.data for w in model.layers[1].neurons[0].w]], dtype=torch.float64)
    b2 = torch.tensor([model.layers[1].neurons[0].b.data], dtype=torch.float64)
    parameters = [p.requires_grad_() for p in (w1, b1, w2, b2)]
    optimizer = getattr(torch.optim, torch_name)(parameters, lr=rate, **torch_settings)
    for record in derivation.steps:
        rows = [n - 1 for n in record.example_numbers]
        x = torch.tensor([INPUTS[i] for i in rows], dtype=torch.float64)
        y = torch.tensor([TARGETS[i] for i in rows], dtype=torch.float64)
        output = torch.sigmoid(torch.tanh(x @ w1.T + b1) @ w2.T + b2)
        loss = (0.5 * ((y - output) ** 2).sum(dim=1)).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        assert record.loss == pytest.approx(loss.item(), abs=1e-12)
        ours = flat_parameters(record.updated_weights, record.updated_biases)
        theirs = []
        for weights, biases in ((w1, b1), (w2, b2)):
            for k in range(weights.shape[0]):
                theirs += [*weights[k].tolist(), biases[k].item()]
        assert max(abs(a - b) for a, b in zip(ours, theirs)) <= 1e-12
        state = optimizer.state[w1]
        update = record.updates[0]  # w[1]_11
        pairs = (
            ("b", "momentum_buffer"),
            ("m", "exp_avg"),
            ("v", "exp_avg_sq" if name == "adam" else "square_avg"),
            ("g_avg", "grad_avg"),
        )
        for ours_key, torch_key in pairs:
            if torch_key in state and state[torch_key] is not None and ours_key in update.quantities:
                assert update.quantities[ours_key] == pytest.approx(state[torch_key][0, 0].item(), abs=1e-12)


# ---------------------------------------------------------------- spec and command line


def spec_data(**extra) -> dict:
    return {
        "layers": [{"activation": "sigmoid", "weights": [[0.4]], "biases": [-0.1]}],
        "inputs": [[1.0], [-2.0], [0.5]],
        "targets": [1.0, 0.0, 1.0],
        "loss": "half_sse",
        "learning_rate": 0.5,
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"mode": {"name": "minibatch"}}, "mode.batch_size: mode 'minibatch' needs a whole number"),
        ({"mode": {"name": "sgd", "batch_size": 2}}, "mode.batch_size: only mode 'minibatch' takes a batch size"),
        ({"mode": {"name": "online"}}, "mode.name: expected one of 'batch', 'sgd', 'minibatch'"),
        ({"mode": {"name": "sgd", "shuffle_seed": 1.5}}, "mode.shuffle_seed: expected a whole number"),
        ({"mode": {"name": "sgd", "seed": 1}}, "mode.seed: unknown key"),
        ({"optimizer": {"name": "adagrad"}}, "optimizer.name: expected one of 'sgd', 'momentum'"),
        ({"optimizer": {"name": "adam", "beta1": 0.9}}, "optimizer.beta1: adam has no hyper-parameter 'beta1'"),
        ({"optimizer": {"name": "adam", "lr": 0.1}}, "optimizer.lr: the learning rate is the spec's 'learning_rate'"),
        ({"optimizer": {"name": "adam", "betas": [0.9, 1.5]}}, "optimizer: betas[1] must be a finite number in [0.0, 1.0)"),
        ({"optimizer": {"name": "momentum", "momentum": 0}}, "optimizer.momentum: momentum needs a momentum above 0"),
    ],
)
def test_a_bad_mode_or_optimizer_is_refused_by_its_json_path(extra, message):
    with pytest.raises(SpecError, match="^" + message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")):
        parse_spec(spec_data(**extra))


def test_spec_mode_and_optimizer_reach_the_derivation():
    spec = parse_spec(spec_data(mode={"name": "minibatch", "batch_size": 2, "shuffle_seed": 3}, optimizer="rmsprop", steps=3))
    derivation = spec.derive()
    assert derivation.regime.mode == "minibatch" and derivation.regime.batch_size == 2
    assert derivation.regime.optimizer == {
        "name": "rmsprop", "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False
    }
    assert [len(r.examples) for r in derivation.steps] == [2, 1, 2]


def write_spec(tmp_path, **extra) -> str:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec_data(**extra)))
    return str(path)


def test_cli_options_choose_mode_and_optimizer(tmp_path, capsys):
    path = write_spec(tmp_path)
    code = main(["derive", path, "--mode", "sgd", "--shuffle-seed", "2", "--optimizer", "adam:betas=0.8,0.9", "--steps", "4", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["training"] == {
        "mode": "sgd",
        "batch_size": 1,
        "shuffle_seed": 2,
        "optimizer": {"name": "adam", "betas": [0.8, 0.9], "eps": 1e-8, "weight_decay": 0.0},
    }
    assert [step["epoch"] for step in data["steps"]] == [1, 1, 1, 2]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--batch-size", "2"], "--batch-size 2: only --mode minibatch takes a batch size"),
        (["--mode", "minibatch"], "--mode minibatch needs --batch-size N"),
        (["--optimizer", "adam:beta1=0.9"], "--optimizer.beta1: adam has no hyper-parameter 'beta1'"),
        (["--optimizer", "adam:eps"], "--optimizer adam:eps: 'eps' is not KEY=VALUE"),
        (["--optimizer", "adam:eps=small"], "--optimizer adam:eps=small: eps='small' is not a number"),
        (["--optimizer", "lion"], "--optimizer.name: expected one of"),
    ],
)
def test_cli_refuses_a_bad_mode_or_optimizer_with_exit_code_2(tmp_path, capsys, arguments, message):
    code = main(["derive", write_spec(tmp_path), *arguments])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err


# ---------------------------------------------------------------- the review's fixes


def test_a_saturated_sigmoid_with_bce_shows_the_clip_and_every_line_agrees_with_its_formula():
    model = MLP.from_weights([[[10.0]]], [[20.0]], activations=["sigmoid"])
    derivation = derive(model, [1.0], [0.0], "bce", 0.1)
    text = " ".join(str(derivation).split())
    o = sigmoid(30.0)
    # y = 0: −ln(1 − ô) with ô = 1 − 1e-12 as a float (1 − ô is then 1.0000889e-12, not exactly 1e-12)
    clipped_term = -math.log(1.0 - (1.0 - 1e-12))
    assert derivation.steps[0].loss == pytest.approx(clipped_term, rel=1e-9)
    assert "(o clipped to [ε, 1 − ε] inside ln, ε = 1e-12)" in text
    assert f"−[0 × ln(1 − 1e-12) + 1 × ln(1e-12)] = {clipped_term:.6g}" in text
    assert f"δ[1]_1 = ∂C/∂o_1 · σ'(z[1]_1) (o_1 is clipped: ∂C/∂o_1 = 0) = 0 × {o * (1 - o):.6g} = 0" in text
    assert "= 1 − 0 = 0" not in text


def test_bias_as_weight_names_follow_the_comma_rule_and_show_the_constant_input():
    model = MLP(2, [11, 1], activation="tanh", seed=3)
    text = str(derive(model, [1.0, 0.5], [0.0], "half_sse", 0.1, bias_as_weight=True))
    assert "(j from 0: w[1]_k0 = b[1]_k on the constant input a[0]_0 = 1)" in " ".join(text.split())
    assert "z[1]_10 = w[1]_10,0·a[0]_0 + w[1]_10,1·a[0]_1 + w[1]_10,2·a[0]_2" in text
    assert "∂C/∂b[1]_11 = ∂C/∂w[1]_11,0" in text
    assert "\n    b[1]_10 = w[1]_10,0 " in text
    assert "w[1]_100" not in text and "w[1]_110" not in text


def test_batch_deltas_carry_the_example_index_and_the_mean_says_where_1_over_n_enters():
    model = MLP.from_weights([[[0.4]]], [[-0.1]], activations=["sigmoid"])
    derivation = derive(model, [[1.0], [-2.0]], [1.0, 0.0], "half_sse", 0.5, reduction="mean")
    text = str(derivation)
    assert "δ[l]_k⁽ⁿ⁾ = ∂C_n/∂z[l]_k is the delta of example n" in " ".join(text.split())
    assert "δ[1]_1⁽²⁾ = " in text
    assert "∂C/∂w[1]_kj = (1/N) Σ_n δ[1]_k⁽ⁿ⁾ · a[0]_j⁽ⁿ⁾" in text
    assert "the 1/N enters once, here" in " ".join(text.split())


# ---------------------------------------------------------------- every format


@pytest.mark.parametrize(
    "optimizer",
    ["adam", "nesterov", {"name": "rmsprop", "centered": True, "momentum": 0.5, "weight_decay": 0.01}],
)
def test_mini_batch_latex_with_each_optimizer_compiles(optimizer, compile_latex):
    derivation = derive(
        small_model(), INPUTS, TARGETS, "half_sse", 0.1, steps=2, mode="minibatch", batch_size=2, optimizer=optimizer
    )
    compile_latex(derivation.to_latex())


def test_mini_batch_markdown_has_the_batch_table_and_the_update_lines():
    derivation = derive(small_model(), INPUTS, TARGETS, "half_sse", 0.1, steps=2, mode="minibatch", batch_size=2, optimizer="adam")
    markdown = derivation.to_markdown()
    assert "## Step 2 of 2 (epoch 1, examples 3, 4)" in markdown
    assert "| `n` | `z[1]_1` | `z[1]_2` | `z[1]_3` |" in markdown
    assert "| `m(w[1]_11)` ← | `β₁·m + (1 − β₁)·g` |" in markdown


def test_json_carries_each_updates_state():
    derivation = derive(small_model(), INPUTS, TARGETS, "half_sse", 0.1, steps=2, mode="sgd", optimizer="adam")
    data = json.loads(json.dumps(derivation.to_dict(), allow_nan=False))
    second = data["steps"][1]["updates"][0]
    assert second["parameter"] == "w[1]_11" and second["t"] == 2
    assert set(second["state_before"]) == {"m", "v"}
    assert set(second["quantities"]) == {"m", "v", "m_hat", "v_hat"}
    assert data["steps"][1]["example_numbers"] == [2]


def test_the_batch_table_lists_each_examples_gradient_and_their_sum():
    """One sigmoid neuron, two examples: rows δ⁽ⁿ⁾·x⁽ⁿ⁾ and δ⁽ⁿ⁾, then the batch's sum, worked in plain floats."""
    xs, ys, w, b = [1.0, -2.0], [1.0, 0.0], 0.4, -0.1
    model = MLP.from_weights([[[w]]], [[b]], activations=["sigmoid"])
    derivation = derive(model, [[x] for x in xs], ys, "half_sse", 0.5)
    gradients = example_table_block(derivation, derivation.steps[0]).tables[-1]
    deltas = []
    for x, y in zip(xs, ys):
        o = sigmoid(w * x + b)
        deltas.append((o - y) * o * (1 - o))
    assert gradients.header == ["n", "∂C_n/∂w[1]_11", "∂C_n/∂b[1]_1"]
    assert gradients.rows[0] == ["1", f"{deltas[0] * xs[0]:.6g}", f"{deltas[0]:.6g}"]
    assert gradients.rows[1] == ["2", f"{deltas[1] * xs[1]:.6g}", f"{deltas[1]:.6g}"]
    total = deltas[0] * xs[0] + deltas[1] * xs[1]
    assert gradients.rows[2] == ["Σ_n", f"{total:.6g}", f"{deltas[0] + deltas[1]:.6g}"]


def test_every_regime_and_optimizer_fits_a_100_column_terminal():
    spec = load_spec(Path(__file__).resolve().parent.parent / "demos" / "examples" / "wakui_pixel_digits_step.json")
    for optimizer in ("adam", {"name": "rmsprop", "centered": True, "momentum": 0.5, "weight_decay": 0.1}, "nesterov"):
        derivation = derive(
            spec.model(), spec.inputs, spec.targets, "half_sse", 0.2, steps=3, mode="minibatch", batch_size=3,
            shuffle_seed=2, optimizer=optimizer, bias_as_weight=True,
        )
        assert max(len(line) for line in str(derivation).splitlines()) <= 100

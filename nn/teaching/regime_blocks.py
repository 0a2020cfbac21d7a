"""The blocks of a derivation that show the training regime: which examples a step uses, the batch as a
table, the optimizer's update written out with its state, the forward pass after the update, and the
loss over all the steps.

Nothing is computed here but the layout and the sums that a table row shows
(a per-example gradient δ·a); the numbers come from the records of
`nn.teaching.derive`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from autograd.i18n import N_, Catalog
from autograd.notation import bias_name, parse_network_name, weight_name
from autograd.views.explain import format_factor, format_number
from nn.teaching.blocks import Block, Equation, Table
from nn.teaching.records import DerivationRecord, ParameterUpdate, StepRecord

_ = Catalog("nn")

_GENERAL_RULES = {
    "sgd": "θ ← θ − α·g",
    "momentum": N_("b ← g at the first step, then b ← μ·b + (1 − τ)·g;  θ ← θ − α·b"),
    "nesterov": N_("b ← g at the first step, then b ← μ·b + (1 − τ)·g;  θ ← θ − α·(g + μ·b)"),
    "rmsprop": "v ← ρ·v + (1 − ρ)·g²;  θ ← θ − α·g/(√v + ε)",
    "adam": "m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²,  m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ);  "
    "θ ← θ − α·m̂/(√v̂ + ε)",
}
_TITLES = {
    "sgd": N_("Update (gradient descent)"),
    "momentum": N_("Update (gradient descent with momentum)"),
    "nesterov": N_("Update (gradient descent with Nesterov momentum)"),
    "rmsprop": N_("Update (RMSProp)"),
    "adam": N_("Update (Adam)"),
}


def step_title(derivation: DerivationRecord, record: StepRecord) -> str:
    """``Step 3 of 8``, and for stochastic or mini-batch steps the epoch and the examples the step uses."""
    title = _("Step {step} of {count}").format(step=record.step, count=len(derivation.steps))
    if derivation.regime.mode == "batch" and derivation.regime.shuffle_seed is None:
        return title
    which = _("example {numbers}") if len(record.example_numbers) == 1 else _("examples {numbers}")
    return _("{title} (epoch {epoch}, {which})").format(
        title=title, epoch=record.epoch, which=which.format(numbers=", ".join(map(str, record.example_numbers)))
    )


def example_numbers(record: StepRecord) -> list[int]:
    """The numbers (from 1, in the data set) of the examples a step uses."""
    return record.example_numbers or list(range(1, len(record.examples) + 1))


def regime_lines(derivation: DerivationRecord) -> list[str]:
    """Header lines: the training mode and its data order, and the optimizer with its hyper-parameters."""
    regime = derivation.regime
    lines = []
    if regime.mode != "batch" or derivation.examples > 1:
        described = {
            "batch": _("full batch: every step uses all {count} examples"),
            "sgd": _("stochastic (sgd): every step uses one example"),
            "minibatch": _("mini-batch: every step uses {size} examples (the last of an epoch may be fewer)"),
        }[regime.mode].format(count=derivation.examples, size=regime.batch_size)
        order = (
            _("the examples in their own order")
            if regime.shuffle_seed is None
            else _("shuffled every epoch as nn.train.fit(shuffle=True, seed={seed}) does").format(
                seed=regime.shuffle_seed
            )
        )
        lines.append(_("Training mode: {mode}; {order}").format(mode=described, order=order))
    optimizer = regime.optimizer
    if optimizer["name"] != "sgd" or _decay(optimizer):
        settings = ", ".join(f"{key} = {_setting(value)}" for key, value in optimizer.items() if key != "name")
        lines.append(
            _("Optimizer: {name} ({settings}): {rule}").format(
                name=optimizer["name"], settings=settings, rule=_rule(optimizer)
            )
        )
    return lines


def example_table_block(derivation: DerivationRecord, record: StepRecord) -> Block:
    """The batch as a spreadsheet: one row per example, a table per layer, then each example's gradients."""
    numbers = [str(n) for n in example_numbers(record)]
    block = Block(
        _("The batch as a table"),
        remarks=[_("one row per example n; δ[l]_k⁽ⁿ⁾ = ∂C_n/∂z[l]_k is example n's delta, ∂C_n/∂w its own gradient")],
    )
    block.tables.append(
        Table(
            ["n", "x", "y", "o", "C_n"],
            [
                [n, _vector(e.input), _vector(e.target), _vector(e.output), format_number(e.loss)]
                for n, e in zip(numbers, record.examples)
            ],
        )
    )
    for l in range(len(derivation.activations)):
        layer, size = l + 1, len(record.examples[0].z[l])
        header = ["n"]
        for symbol in ("z", "a", "δ"):
            header += [f"{symbol}[{layer}]_{k}" + ("⁽ⁿ⁾" if symbol == "δ" else "") for k in range(1, size + 1)]
        rows = [[n, *map(format_number, [*e.z[l], *e.a[l], *e.delta[l]])] for n, e in zip(numbers, record.examples)]
        block.tables.append(Table(header, rows))
    block.tables += _gradient_tables(derivation, record, numbers)
    return block


def _gradient_tables(derivation: DerivationRecord, record: StepRecord, numbers: list[str]) -> list[Table]:
    """Per layer: each example's ∂C_n/∂w = δ⁽ⁿ⁾·a⁽ⁿ⁾ and ∂C_n/∂b = δ⁽ⁿ⁾, and a last row with the batch's gradient."""
    mean = derivation.reduction == "mean"
    total_label = "(1/N)Σ_n" if mean else "Σ_n"
    tables = []
    for l, layer_weights in enumerate(record.weights):
        layer = l + 1
        header = ["n"]
        columns: list[tuple[Callable[[int], float], float]] = []
        for k, row in enumerate(layer_weights):
            for j, w in enumerate(row):
                gradient = record.weight_gradients[l][k][j]
                if w is None or gradient is None:
                    continue
                header.append(f"∂C_n/∂{weight_name(layer, k + 1, j + 1)}")
                columns.append((_product(record, l, k, j), gradient))
            biases, gradients = record.biases[l], record.bias_gradients[l]
            bias_gradient = None if gradients is None else gradients[k]
            if biases is not None and bias_gradient is not None:
                name = weight_name(layer, k + 1, 0) if derivation.bias_as_weight else bias_name(layer, k + 1)
                header.append(f"∂C_n/∂{name}")
                columns.append((_delta(record, l, k), bias_gradient))
        rows = [[label, *(format_number(value(n)) for value, _ in columns)] for n, label in enumerate(numbers)]
        rows.append([total_label, *(format_number(total) for _, total in columns)])
        tables.append(Table(header, rows))
    return tables


def _delta(record: StepRecord, l: int, k: int) -> Callable[[int], float]:
    """Example n's δ[l]_k: its own gradient of the bias b[l]_k."""
    return lambda n: record.examples[n].delta[l][k]


def _product(record: StepRecord, l: int, k: int, j: int) -> Callable[[int], float]:
    def product(n: int) -> float:
        example = record.examples[n]
        below = example.input if l == 0 else example.a[l - 1]
        return example.delta[l][k] * below[j]

    return product


def batch_gradient_remark(derivation: DerivationRecord) -> str:
    """Where the 1/N of a mean loss enters: once, in the sum of the per-example gradients."""
    if derivation.reduction == "mean":
        return _(
            "with C = (1/N) Σ_n C_n the deltas are per example, δ[l]_k⁽ⁿ⁾ = ∂C_n/∂z[l]_k; "
            "the 1/N enters once, here: ∂C/∂w[l]_kj = (1/N) Σ_n δ[l]_k⁽ⁿ⁾ · a[l−1]_j⁽ⁿ⁾"
        )
    return _(
        "with C = Σ_n C_n the deltas are per example, δ[l]_k⁽ⁿ⁾ = ∂C_n/∂z[l]_k, "
        "and the batch's gradient is their sum: ∂C/∂w[l]_kj = Σ_n δ[l]_k⁽ⁿ⁾ · a[l−1]_j⁽ⁿ⁾"
    )


def update_block(derivation: DerivationRecord, record: StepRecord) -> Block:
    """Every parameter's update with the optimizer's state, each line formula = numbers = value."""
    optimizer = derivation.regime.optimizer
    alpha = format_number(derivation.learning_rate)
    name = optimizer["name"]
    if name == "sgd" and not _decay(optimizer) and not optimizer.get("momentum"):
        block = Block(_(_TITLES["sgd"]), ["w ← w − α·∂C/∂w,  b ← b − α·∂C/∂b,  α = " + alpha])
    else:
        settings = ", ".join(f"{symbol} = {value}" for symbol, value in _symbols(optimizer, alpha))
        rules = re.split(r"[;,]  ", _rule(optimizer))  # one rule a line: long rules do not fit a page otherwise
        # the prose goes in the title, so that the formula lines are formulas alone
        title = _("{title} of every parameter θ, with g = ∂C/∂θ").format(title=_(_TITLES[name]))
        if record.updates and record.updates[0].t == 1 and name in ("rmsprop", "adam"):
            state = _("m and v") if name == "adam" else "v"
            title += _("; at t = 1 the state starts at 0 ({state})").format(state=state)
        block = Block(title, [*rules, settings])
    for update in record.updates:
        block.equations += _update_equations(derivation, optimizer, update, alpha)
    return block


def _update_equations(
    derivation: DerivationRecord, optimizer: dict[str, object], update: ParameterUpdate, alpha: str
) -> list[Equation]:
    name = optimizer["name"]
    theta = _display_name(derivation, update.name)
    g = format_factor(update.gradient)
    q, before = update.quantities, update.state_before
    lines = []
    if "g" in q:
        decay = format_number(_number(optimizer["weight_decay"]))
        lines.append(
            Equation(f"g({theta})", "∂C/∂θ + λ·θ", f"{g} + {decay} × {format_factor(update.value)}", format_number(q["g"]))
        )
        g = format_factor(q["g"])
    step = g
    if name in ("sgd", "momentum", "nesterov") and "b" in q:
        mu, tau = _number(optimizer["momentum"]), _number(optimizer["dampening"])
        if "b" in before:
            numbers = f"{format_number(mu)} × {format_factor(before['b'])} + {format_number(1 - tau)} × {g}"
            lines.append(Equation(f"b({theta})", "μ·b + (1 − τ)·g", numbers, format_number(q["b"]), "←"))
        else:
            lines.append(Equation(f"b({theta})", _("g  (first step)"), "", format_number(q["b"]), "←"))
        step = format_factor(q["b"])
        if "g_nesterov" in q:
            numbers = f"{g} + {format_number(mu)} × {step}"
            lines.append(Equation(f"g + μ·b({theta})", "", numbers, format_number(q["g_nesterov"])))
            step = format_factor(q["g_nesterov"])
        rule = "θ − α·(g + μ·b)" if "g_nesterov" in q else "θ − α·b"
    elif name == "rmsprop":
        rho, eps = _number(optimizer["alpha"]), format_number(_number(optimizer["eps"]))
        previous = before.get("v", 0.0)
        numbers = f"{format_number(rho)} × {format_factor(previous)} + {format_number(1 - rho)} × {_squared(g)}"
        lines.append(Equation(f"v({theta})", "ρ·v + (1 − ρ)·g²", numbers, format_number(q["v"]), "←"))
        root = format_number(q["v"])
        if "g_avg" in q:
            numbers = f"{format_number(rho)} × {format_factor(before.get('g_avg', 0.0))} + {format_number(1 - rho)} × {g}"
            lines.append(Equation(f"ḡ({theta})", "ρ·ḡ + (1 − ρ)·g", numbers, format_number(q["g_avg"]), "←"))
            numbers = f"{format_number(q['v'])} − {_squared(format_factor(q['g_avg']))}"
            lines.append(Equation(f"v − ḡ²({theta})", "", numbers, format_number(q["v_centered"])))
            root = format_number(q["v_centered"])
        scaled = f"{g} / (√{root} + {eps})"
        if "b" in q:
            numbers = f"{format_number(_number(optimizer['momentum']))} × {format_factor(before.get('b', 0.0))} + {scaled}"
            lines.append(Equation(f"b({theta})", "μ·b + g/(√v + ε)", numbers, format_number(q["b"]), "←"))
            step, rule = format_factor(q["b"]), "θ − α·b"
        else:
            step, rule = f"{g} / (√{root} + {eps})", "θ − α·g/(√v + ε)"
    elif name == "adam":
        beta1, beta2 = _pair(optimizer["betas"])
        eps = format_number(_number(optimizer["eps"]))
        t = update.t
        for symbol, beta, value, square in (("m", beta1, q["m"], ""), ("v", beta2, q["v"], "²")):
            index = "₁" if symbol == "m" else "₂"
            factor = _squared(g) if square else g
            numbers = f"{format_number(beta)} × {format_factor(before.get(symbol, 0.0))} + {format_number(1 - beta)} × {factor}"
            formula = f"β{index}·{symbol} + (1 − β{index})·g{square}"
            lines.append(Equation(f"{symbol}({theta})", formula, numbers, format_number(value), "←"))
        for symbol, beta, index in (("m", beta1, "₁"), ("v", beta2, "₂")):
            numbers = f"{format_number(q[symbol])} / (1 − {format_number(beta)}^{t})"
            lines.append(Equation(f"{symbol}̂({theta})", f"{symbol}/(1 − β{index}ᵗ)", numbers, format_number(q[symbol + '_hat'])))
        step, rule = f"{format_factor(q['m_hat'])} / (√{format_number(q['v_hat'])} + {eps})", "θ − α·m̂/(√v̂ + ε)"
    else:
        rule = "θ − α·g"
    lines.append(
        Equation(theta, rule, f"{format_factor(update.value)} − {alpha} × {step}", format_number(update.updated), "←")
        if name != "sgd" or "g" in q or "b" in q
        else Equation(theta, "", f"{format_factor(update.value)} − {alpha} × {step}", format_number(update.updated), "←")
    )
    return lines


def forward_after_block(derivation: DerivationRecord, record: StepRecord) -> Block:
    """The forward pass again, at the updated parameters, as a table: one row per example of the step."""
    numbers = [str(n) for n in example_numbers(record)]
    block = Block(_("Forward pass after the update of step {step}").format(step=record.step))
    for l in range(len(derivation.activations)):
        layer, size = l + 1, len(record.forward_after[0].z[l])
        header = ["n", *[f"z[{layer}]_{k}" for k in range(1, size + 1)], *[f"a[{layer}]_{k}" for k in range(1, size + 1)]]
        rows = [[n, *map(format_number, [*f.z[l], *f.a[l]])] for n, f in zip(numbers, record.forward_after)]
        block.tables.append(Table(header, rows))
    outputs = len(record.forward_after[0].output)
    header = ["n", *[f"o_{k}" for k in range(1, outputs + 1)], "C_n"]
    block.tables.append(
        Table(header, [[n, *map(format_number, [*f.output, f.loss])] for n, f in zip(numbers, record.forward_after)])
    )
    return block


def steps_table_block(derivation: DerivationRecord) -> Block:
    """The loss over the whole data set and every example's output, at the start and after every step."""
    examples = derivation.examples
    outputs = len(derivation.start_outputs[0]) if derivation.start_outputs else 0
    header = [_("step"), "C"]
    for n in range(1, examples + 1):
        header += [f"o_{k}⁽{superscript(n)}⁾" if outputs > 1 else f"o⁽{superscript(n)}⁾" for k in range(1, outputs + 1)]
    rows = [[_("0 (start)"), format_number(derivation.start_loss or 0.0)] + [format_number(o) for out in derivation.start_outputs for o in out]]
    for record in derivation.steps:
        loss = record.data_loss_after if record.data_loss_after is not None else record.loss_after
        rows.append([str(record.step), format_number(loss)] + [format_number(o) for out in record.data_outputs_after for o in out])
    over = "Σ_n C_n" if derivation.reduction == "sum" else "(1/N) Σ_n C_n"
    return Block(
        _(
            "Loss and outputs over the steps (C = {over} over all {examples} examples, o⁽ⁿ⁾ the output for example n)"
        ).format(over=over, examples=examples),
        tables=[Table(header, rows)],
    )


def _squared(factor: str) -> str:
    """A number written as a factor, squared: ``(-0.5)²``, ``(7.2e-05)²`` (an exponent needs the parentheses), ``0.5²``."""
    return f"{factor}²" if factor.startswith("(") or "e" not in factor else f"({factor})²"


def superscript(n: int | str) -> str:
    """``12`` → ``¹²``, ``n`` → ``ⁿ``: an example index written above the line."""
    return str(n).translate(str.maketrans("0123456789n", "⁰¹²³⁴⁵⁶⁷⁸⁹ⁿ"))


def _display_name(derivation: DerivationRecord, name: str) -> str:
    """A parameter's name; with bias-as-weight a bias also by its weight name, b[l]_k = w[l]_k0."""
    parsed = parse_network_name(name)
    if derivation.bias_as_weight and parsed is not None and parsed.kind == "b":
        return f"{name} = {weight_name(parsed.layer, parsed.neuron, 0)}"
    return name


def _rule(optimizer: dict[str, object]) -> str:
    name = str(optimizer["name"])
    rule = _(_GENERAL_RULES[name])
    if name == "sgd" and optimizer.get("momentum"):
        rule = _(_GENERAL_RULES["nesterov" if optimizer.get("nesterov") else "momentum"])
    if name == "rmsprop" and optimizer.get("centered"):
        rule = "v ← ρ·v + (1 − ρ)·g², ḡ ← ρ·ḡ + (1 − ρ)·g;  θ ← θ − α·g/(√(v − ḡ²) + ε)"
    if name == "rmsprop" and _number(optimizer.get("momentum", 0.0)) > 0:
        rule = rule.replace("θ ← θ − α·g/", "b ← μ·b + g/").rstrip() + ";  θ ← θ − α·b"
    if _decay(optimizer):
        rule = "g ← ∂C/∂θ + λ·θ;  " + rule
    return rule


def _symbols(optimizer: dict[str, object], alpha: str) -> list[tuple[str, str]]:
    symbols = [("α", alpha)]
    name = optimizer["name"]
    if name in ("sgd", "momentum", "nesterov") and optimizer.get("momentum"):
        symbols += [("μ", _setting(optimizer["momentum"])), ("τ", _setting(optimizer["dampening"]))]
    if name == "rmsprop":
        symbols += [("ρ", _setting(optimizer["alpha"])), ("ε", _setting(optimizer["eps"]))]
        if _number(optimizer["momentum"]) > 0:
            symbols.append(("μ", _setting(optimizer["momentum"])))
    if name == "adam":
        beta1, beta2 = _pair(optimizer["betas"])
        symbols += [("β₁", _setting(beta1)), ("β₂", _setting(beta2)), ("ε", _setting(optimizer["eps"]))]
    if _decay(optimizer):
        symbols.append(("λ", _setting(optimizer["weight_decay"])))
    return symbols


def _decay(optimizer: dict[str, object]) -> bool:
    return _number(optimizer.get("weight_decay", 0.0)) != 0


def _pair(value: object) -> tuple[float, float]:
    """Adam's betas (a list or tuple of two numbers) as two floats."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return _number(value[0]), _number(value[1])
    raise TypeError(f"expected a pair of numbers, got {value!r}")


def _number(value: object) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    raise TypeError(f"expected a number, got {value!r}")


def _setting(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return format_number(float(value))
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_setting(v) for v in value) + ")"
    return str(value)


def _vector(values: list[float]) -> str:
    return "[" + ", ".join(format_number(v) for v in values) + "]"

"""An independent oracle for worksheet tests: one gradient step of a small network in plain Python floats.

Written from BACKPROP.md's four equations, without the engine or any of
`nn`'s code, so that the worksheet's answers are checked against a second
route. `step(spec, mistake=...)` computes every quantity by the textbook names
of key.json, optionally with one classic mistake built in.
"""

from __future__ import annotations

import math
from typing import Any


def _f(name: str, z: float) -> float:
    if name == "sigmoid":
        return 1.0 / (1.0 + math.exp(-z))
    if name == "tanh":
        return math.tanh(z)
    if name == "relu":
        return z if z > 0 else 0.0
    return z


def _df(name: str, z: float) -> float:
    if name == "sigmoid":
        s = 1.0 / (1.0 + math.exp(-z))
        return s * (1 - s)
    if name == "tanh":
        return 1 - math.tanh(z) ** 2
    if name == "relu":
        return 1.0 if z > 0 else 0.0
    return 1.0


def _loss(loss: str, o: list[float], y: list[float]) -> float:
    if loss == "half_sse":
        return sum(0.5 * (t - a) ** 2 for a, t in zip(o, y))
    if loss == "mse":
        return sum((a - t) ** 2 for a, t in zip(o, y)) / len(o)
    raise ValueError(loss)


def _dloss(loss: str, o: list[float], y: list[float]) -> list[float]:
    if loss == "half_sse":
        return [a - t for a, t in zip(o, y)]
    return [2 * (a - t) / len(o) for a, t in zip(o, y)]


def _forward(
    W: list[Any], B: list[Any], acts: list[str], x: list[float]
) -> tuple[list[list[float]], list[list[float]]]:
    zs, as_ = [], []
    a = x
    for w, b, act in zip(W, B, acts):
        z = [sum(wkj * aj for wkj, aj in zip(row, a)) + bk for row, bk in zip(w, b)]
        a = [_f(act, v) for v in z]
        zs.append(z)
        as_.append(a)
    return zs, as_


def step(spec: dict[str, Any], mistake: str | None = None) -> dict[str, float]:
    """Every quantity of one step, by key.json's names; `mistake` builds one classic mistake in throughout."""
    W = [layer["weights"] for layer in spec["layers"]]
    B = [layer["biases"] for layer in spec["layers"]]
    acts = [layer["activation"] for layer in spec["layers"]]
    x, y, loss, alpha = spec["input"], spec["target"], spec["loss"], spec["learning_rate"]
    L = len(W)
    zs, as_ = _forward(W, B, acts, x)
    out: dict[str, float] = {}
    for l in range(L):
        for k in range(len(zs[l])):
            out[f"z[{l + 1}]_{k + 1}"] = zs[l][k]
            out[f"a[{l + 1}]_{k + 1}"] = as_[l][k]
    out["C"] = _loss(loss, as_[-1], y)

    def slope(l: int, k: int) -> float:
        if mistake == "missing_activation_derivative":
            return 1.0
        if mistake == "derivative_at_activation":
            return _df(acts[l], as_[l][k])
        return _df(acts[l], zs[l][k])

    deltas: list[list[float]] = [[] for _ in range(L)]
    dloss = _dloss(loss, as_[-1], y)
    if mistake == "mean_factor":
        dloss = [g * len(y) for g in dloss]
    deltas[-1] = [dloss[k] * slope(L - 1, k) for k in range(len(dloss))]
    new_W = [[list(row) for row in w] for w in W]
    new_B = [list(b) for b in B]
    for l in range(L - 1, -1, -1):
        if l < L - 1:
            above = new_W[l + 1] if mistake == "updated_weights_in_backward" else W[l + 1]
            terms = [[deltas[l + 1][m] * above[m][k] for m in range(len(deltas[l + 1]))] for k in range(len(zs[l]))]
            if mistake == "missed_path_sum":
                terms = [t[:1] for t in terms]
            deltas[l] = [sum(terms[k]) * slope(l, k) for k in range(len(zs[l]))]
        below = x if l == 0 else as_[l - 1]
        for k in range(len(zs[l])):
            out[f"delta[{l + 1}]_{k + 1}"] = deltas[l][k]
            gb = deltas[l][k] * (below[0] if mistake == "bias_times_input" else 1.0)
            out[f"dC/db[{l + 1}]_{k + 1}"] = gb
            sign = 1.0 if mistake == "update_sign" else -1.0
            new_B[l][k] = B[l][k] + sign * alpha * gb
            out[f"b[{l + 1}]_{k + 1}'"] = new_B[l][k]
            for j in range(len(below)):
                source = as_[l] if mistake == "layer_index" else below
                g = deltas[l][k] * source[j]
                out[f"dC/dw[{l + 1}]_{k + 1}{j + 1}"] = g
                new_W[l][k][j] = W[l][k][j] + sign * alpha * g
                out[f"w[{l + 1}]_{k + 1}{j + 1}'"] = new_W[l][k][j]
    _, after = _forward(new_W, new_B, acts, x)
    out["C'"] = _loss(loss, after[-1], y) * (len(y) if mistake == "mean_factor" and loss == "mse" else 1)
    return out

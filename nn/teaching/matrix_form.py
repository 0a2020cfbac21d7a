"""The same step in matrix form: W^[l], the delta rule as (W^[l+1])ᵀ δ^[l+1] ⊙ f′(z^[l]), and a batch as rows.

For one example (column vectors, as most textbooks write it)::

    z^[l] = W^[l] a^[l−1] + b^[l]         a^[l] = f(z^[l])
    δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(z^[l])
    ∂C/∂W^[l] = δ^[l] (a^[l−1])ᵀ          ∂C/∂b^[l] = δ^[l]

For a batch (one row per example, as NumPy code writes it)::

    Z^[l] = A^[l−1] (W^[l])ᵀ + b^[l]      (b added to every row)
    Δ^[l] = Δ^[l+1] W^[l+1] ⊙ f′(Z^[l])
    ∂C/∂W^[l] = (Δ^[l])ᵀ A^[l−1]           ∂C/∂b^[l] = the sum of the rows of Δ^[l]   (× 1/N for a mean)

Every matrix here is computed with the products written out below, in plain
floats, from the weights and the output deltas of the step's records; each
z, δ and gradient is then compared with the per-neuron number the derivation
found, and `MatrixMismatchError` is raised if one differs. An absent
connection is a 0 in W (it carries nothing either way).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from autograd.i18n import Catalog
from autograd.views.explain import format_number

from nn.teaching.blocks import Block, MatrixEquation
from nn.teaching.formulas import DERIVATIVES
from nn.teaching.records import DerivationRecord, StepRecord

_ = Catalog("nn")

Matrix = list[list[float]]

CHECK_TOLERANCE = 1e-9
"""A matrix entry m and the per-neuron number p agree when |m − p| <= CHECK_TOLERANCE·max(1, |p|)."""


class MatrixMismatchError(AssertionError):
    """A number of the matrix form differs from the per-neuron derivation's: one of the two is wrong."""


def multiply(left: Matrix, right: Matrix) -> Matrix:
    """The matrix product left·right (rows of left against columns of right)."""
    return [[math.fsum(a * b for a, b in zip(row, column)) for column in zip(*right)] for row in left]


def transpose(matrix: Matrix) -> Matrix:
    """Rows become columns."""
    return [list(column) for column in zip(*matrix)]


def hadamard(left: Matrix, right: Matrix) -> Matrix:
    """The elementwise product ⊙."""
    return [[a * b for a, b in zip(row_a, row_b)] for row_a, row_b in zip(left, right)]


def column(values: list[float]) -> Matrix:
    """A column vector."""
    return [[v] for v in values]


@dataclass(frozen=True)
class _Layer:
    """One layer's matrices for the step: rows are examples (one row for a single example)."""

    weights: Matrix
    biases: list[float] | None
    below: Matrix
    z: Matrix
    a: Matrix
    derivative: Matrix
    delta: Matrix
    weight_gradient: Matrix
    bias_gradient: list[float] | None


def _layers(derivation: DerivationRecord, record: StepRecord) -> list[_Layer]:
    """Every layer's matrices, computed from the weights, the inputs and the output deltas, then checked."""
    examples = record.examples
    scale = 1.0 if derivation.reduction == "sum" else 1.0 / len(examples)
    weights = [[[0.0 if w is None else w for w in row] for row in layer] for layer in record.weights]
    below: Matrix = [list(e.input) for e in examples]
    forward = []
    for l, w in enumerate(weights):
        biases = None if record.biases[l] is None else [0.0 if b is None else b for b in record.biases[l] or []]
        z = multiply(below, transpose(w))
        if biases is not None:
            z = [[zk + bk for zk, bk in zip(row, biases)] for row in z]
        a = [list(e.a[l]) for e in examples]  # f(z): the activation itself is the engine's
        forward.append((w, biases, below, z, a))
        below = a
    top = len(weights) - 1
    delta: Matrix = [list(e.delta[top]) for e in examples]  # the output delta, as the derivation found it
    layers: list[_Layer] = []
    for l in range(top, -1, -1):
        w, biases, below_l, z, a = forward[l]
        derivative: Matrix = []
        if l < top:
            if derivation.activations[l] not in DERIVATIVES:
                raise ValueError(
                    _("the matrix form needs elementwise hidden activations, not {activation!r}").format(
                        activation=derivation.activations[l]
                    )
                )
            f_prime = DERIVATIVES[derivation.activations[l]].value
            derivative = [[f_prime(zk, ak) for zk, ak in zip(z_row, a_row)] for z_row, a_row in zip(z, a)]
            delta = hadamard(multiply(layers[0].delta, weights[l + 1]), derivative)
        weight_gradient = [[scale * g for g in row] for row in multiply(transpose(delta), below_l)]
        bias_gradient = None if biases is None else [scale * math.fsum(col) for col in zip(*delta)]
        layers.insert(0, _Layer(w, biases, below_l, z, a, derivative, delta, weight_gradient, bias_gradient))
    _check(record, layers)
    return layers


def _check(record: StepRecord, layers: list[_Layer]) -> None:
    for l, layer in enumerate(layers):
        pairs = []
        for n, example in enumerate(record.examples):
            pairs += [(f"z[{l + 1}]_{k + 1} of example {n + 1}", m, p) for k, (m, p) in enumerate(zip(layer.z[n], example.z[l]))]
            pairs += [(f"δ[{l + 1}]_{k + 1} of example {n + 1}", m, p) for k, (m, p) in enumerate(zip(layer.delta[n], example.delta[l]))]
        for k, row in enumerate(record.weight_gradients[l]):
            pairs += [(f"∂C/∂w[{l + 1}]_{k + 1},{j + 1}", layer.weight_gradient[k][j], g) for j, g in enumerate(row) if g is not None]
        bias_gradients = record.bias_gradients[l]
        if bias_gradients is not None and layer.bias_gradient is not None:
            pairs += [(f"∂C/∂b[{l + 1}]_{k + 1}", m, g) for k, (m, g) in enumerate(zip(layer.bias_gradient, bias_gradients)) if g is not None]
        for name, matrix_value, neuron_value in pairs:
            if not abs(matrix_value - neuron_value) <= CHECK_TOLERANCE * max(1.0, abs(neuron_value)):
                raise MatrixMismatchError(
                    f"{name}: the matrix form gives {matrix_value!r} but the per-neuron derivation {neuron_value!r}"
                )


def matrix_blocks(derivation: DerivationRecord, record: StepRecord) -> tuple[Block, Block]:
    """(the forward pass, the deltas and gradients) of the step in matrix form, checked against the per-neuron numbers."""
    layers = _layers(derivation, record)
    forward, backward = (_vector_blocks if len(record.examples) == 1 else _batch_blocks)(derivation, layers)
    remark = (
        _("output o of example {n} = {output}, target y = {target}, loss C_{n} = {loss}")
        if len(record.examples) > 1
        else _("output o = {output}, target y = {target}, loss C = {loss}")
    )
    for n, example in enumerate(record.examples, start=1):
        forward.remarks.append(
            remark.format(
                n=n, output=_vector(example.output), target=_vector(example.target), loss=format_number(example.loss)
            )
        )
    return forward, backward


def _vector(values: list[float]) -> str:
    return "[" + ", ".join(format_number(v) for v in values) + "]"


def _vector_blocks(derivation: DerivationRecord, layers: list[_Layer]) -> tuple[Block, Block]:
    sends_first = derivation.notation.weights == "w_jk"  # W[l] is (in, out): z = (W[l])ᵀ a + b
    product = "(W[{l}])ᵀ a[{below}]" if sends_first else "W[{l}] a[{below}]"
    forward = Block(
        _("Forward pass in matrix form (column vectors)"),
        [f"z[l] = {product.format(l='l', below='l−1')} + b[l],  a[l] = f(z[l])"],
    )
    for l, layer in enumerate(layers, start=1):
        forward.matrices.append(MatrixEquation([f"W[{l}] =", transpose(layer.weights) if sends_first else layer.weights]))
        bias = f" + b[{l}]" if layer.biases is not None else ""
        parts: list[str | Matrix] = [f"z[{l}] = {product.format(l=l, below=l - 1)}{bias} =", layer.weights, column(layer.below[0])]
        if layer.biases is not None:
            parts += ["+", column(layer.biases)]
        forward.matrices.append(MatrixEquation([*parts, "=", column(layer.z[0])]))
        forward.matrices.append(MatrixEquation([f"a[{l}] = {derivation.activations[l - 1]}(z[{l}]) =", column(layer.a[0])]))
    top = len(layers)
    back = "W[l+1] δ[l+1]" if sends_first else "(W[l+1])ᵀ δ[l+1]"
    gradient = "a[l−1] (δ[l])ᵀ" if sends_first else "δ[l] (a[l−1])ᵀ"
    backward = Block(
        _("Deltas and gradients in matrix form"),
        [f"δ[l] = {back} ⊙ f′(z[l]),  ∂C/∂W[l] = {gradient},  ∂C/∂b[l] = δ[l]"],
    )
    backward.matrices.append(MatrixEquation([f"δ[{top}] =", column(layers[-1].delta[0])]))
    for l in range(top - 1, 0, -1):
        layer, above = layers[l - 1], layers[l]
        label = f"W[{l + 1}] δ[{l + 1}]" if sends_first else f"(W[{l + 1}])ᵀ δ[{l + 1}]"
        backward.matrices.append(
            MatrixEquation(
                [f"δ[{l}] = {label} ⊙ f′(z[{l}]) =", transpose(above.weights), column(above.delta[0]), "⊙", column(layer.derivative[0]), "=", column(layer.delta[0])]
            )
        )
    for l, layer in enumerate(layers, start=1):
        if sends_first:
            parts = [f"∂C/∂W[{l}] = a[{l - 1}] (δ[{l}])ᵀ =", column(layer.below[0]), [layer.delta[0]], "=", transpose(layer.weight_gradient)]
        else:
            parts = [f"∂C/∂W[{l}] = δ[{l}] (a[{l - 1}])ᵀ =", column(layer.delta[0]), [layer.below[0]], "=", layer.weight_gradient]
        backward.matrices.append(MatrixEquation(parts))
        if layer.bias_gradient is not None:
            backward.matrices.append(MatrixEquation([f"∂C/∂b[{l}] = δ[{l}] =", column(layer.bias_gradient)]))
    backward.remarks.append(_checked_remark())
    return forward, backward


def _checked_remark() -> str:
    """The closing remark of a matrix form: its numbers were compared with the per-neuron derivation's."""
    return _("every entry equals the per-neuron number of the same step (checked)")


def _batch_blocks(derivation: DerivationRecord, layers: list[_Layer]) -> tuple[Block, Block]:
    sends_first = derivation.notation.weights == "w_jk"  # W[l] is (in, out): Z = A W + b, ∂C/∂W = Aᵀ Δ
    mean = derivation.reduction == "mean"
    n = len(layers[0].z)
    product = "A[{below}] W[{l}]" if sends_first else "A[{below}] (W[{l}])ᵀ"
    forward = Block(
        _("Forward pass in matrix form (one row per example, N = {n})").format(n=n),
        [f"Z[l] = {product.format(l='l', below='l−1')} + b[l],  A[l] = f(Z[l]),  A[0] = X"],
        remarks=[_("row n of A[0] = X is example n's input; the bias row b[l] is added to every row of Z[l]")],
    )
    for l, layer in enumerate(layers, start=1):
        forward.matrices.append(MatrixEquation([f"W[{l}] =", transpose(layer.weights) if sends_first else layer.weights]))
        bias = f" + b[{l}]" if layer.biases is not None else ""
        parts: list[str | Matrix] = [f"Z[{l}] = {product.format(l=l, below=l - 1)}{bias} =", layer.below, transpose(layer.weights)]
        if layer.biases is not None:
            parts += ["+", [layer.biases]]
        forward.matrices.append(MatrixEquation([*parts, "=", layer.z]))
        forward.matrices.append(MatrixEquation([f"A[{l}] = {derivation.activations[l - 1]}(Z[{l}]) =", layer.a]))
    top = len(layers)
    scale = "(1/N) " if mean else ""
    back = "Δ[l+1] (W[l+1])ᵀ" if sends_first else "Δ[l+1] W[l+1]"
    gradient = "(A[l−1])ᵀ Δ[l]" if sends_first else "(Δ[l])ᵀ A[l−1]"
    backward = Block(
        _("Deltas and gradients in matrix form (row n of Δ is example n's δ⁽ⁿ⁾)"),
        [f"Δ[l] = {back} ⊙ f′(Z[l]),  ∂C/∂W[l] = {scale}{gradient},  ∂C/∂b[l] = {scale}Σ_n Δ[l]_n"],
        remarks=[_("Δ[l]_n, row n of Δ[l], is example n's delta δ[l]⁽ⁿ⁾")],
    )
    backward.matrices.append(MatrixEquation([f"Δ[{top}] =", layers[-1].delta]))
    for l in range(top - 1, 0, -1):
        layer, above = layers[l - 1], layers[l]
        label = f"Δ[{l + 1}] (W[{l + 1}])ᵀ" if sends_first else f"Δ[{l + 1}] W[{l + 1}]"
        backward.matrices.append(
            MatrixEquation([f"Δ[{l}] = {label} ⊙ f′(Z[{l}]) =", above.delta, above.weights, "⊙", layer.derivative, "=", layer.delta])
        )
    for l, layer in enumerate(layers, start=1):
        factor: list[str | Matrix] = [f"(1/{n}) ·"] if mean else []
        operands: list[str | Matrix]
        if sends_first:
            operands = [transpose(layer.below), layer.delta, "=", transpose(layer.weight_gradient)]
            label = f"∂C/∂W[{l}] = {scale}(A[{l - 1}])ᵀ Δ[{l}] ="
        else:
            operands = [transpose(layer.delta), layer.below, "=", layer.weight_gradient]
            label = f"∂C/∂W[{l}] = {scale}(Δ[{l}])ᵀ A[{l - 1}] ="
        backward.matrices.append(MatrixEquation([label, *factor, *operands]))
        if layer.bias_gradient is not None:
            backward.matrices.append(
                MatrixEquation([f"∂C/∂b[{l}] = {scale}Σ_n Δ[{l}]_n =", [layer.bias_gradient]])
            )
    backward.remarks.append(_checked_remark())
    return forward, backward

"""A short tour of the engine: an expression, its gradients, a gradient check, a second derivative."""

from __future__ import annotations

import autograd
from autograd import Value


def main() -> None:
    print("== The engine ==")
    x1, w1 = Value(2.0, name="x1"), Value(-3.0, name="w1")
    x2, w2 = Value(0.0, name="x2"), Value(1.0, name="w2")
    b = Value(6.8813735870195432, name="b")
    n = x1 * w1 + x2 * w2 + b
    n.name = "n"
    o = n.tanh()
    o.name = "o"
    o.backward()
    print("a neuron: o = tanh(x1*w1 + x2*w2 + b)")
    print(f"  o = {o.data:.6f}")
    for leaf in (x1, w1, x2, w2, b):
        print(f"  do/d{leaf.name:<2} = {leaf.grad:+.6f}")
    print("  db gets the gradient of n unchanged, because d(n)/d(b) = 1:", f"{b.grad:.6f} == {n.grad:.6f}")

    print("\na gradient check (central differences against backward):")
    ok = autograd.gradcheck(lambda a, c: (a * c).sin() + a**c / c.exp(), [1.3, 0.7])
    print(f"  f(a, c) = sin(a*c) + a**c / e**c at (1.3, 0.7): {'passed' if ok else 'failed'}")

    print("\na second derivative (grad with create_graph=True):")
    x = Value(0.5, name="x")
    y = x**3 + x.sin()
    (dy,) = autograd.grad(y, [x], create_graph=True)
    (d2y,) = autograd.grad(dy, [x])
    print(f"  y = x**3 + sin(x) at x = 0.5: y' = {dy.data:.6f} (3x² + cos x), y'' = {d2y.data:.6f} (6x − sin x)")


if __name__ == "__main__":
    main()

"""A baseline in micrograd's design, written here for side-by-side measurement.

Each node keeps its parents in a set and a backward closure that captures the
node itself, and backward orders the graph by recursive depth-first search.
That closure refers back to its own node, so every node sits in a reference
cycle and the graph is freed only by the cyclic garbage collector: the cost
scalargrad's design avoids. Only what the benchmark needs is here.
"""

from __future__ import annotations

from typing import Callable


class ClosureValue:
    def __init__(self, data: float, _children: tuple = (), _op: str = "") -> None:
        self.data = data
        self.grad = 0.0
        self._backward: Callable[[], None] = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other: "ClosureValue | float") -> "ClosureValue":
        other = other if isinstance(other, ClosureValue) else ClosureValue(other)
        out = ClosureValue(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: "ClosureValue | float") -> "ClosureValue":
        other = other if isinstance(other, ClosureValue) else ClosureValue(other)
        out = ClosureValue(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def relu(self) -> "ClosureValue":
        out = ClosureValue(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward() -> None:
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other: float) -> "ClosureValue":
        return self + other

    def __rmul__(self, other: float) -> "ClosureValue":
        return self * other

    def __neg__(self) -> "ClosureValue":
        return self * -1.0

    def __sub__(self, other: "ClosureValue | float") -> "ClosureValue":
        return self + (-other)

    def __rsub__(self, other: float) -> "ClosureValue":
        return other + (-self)

    def __truediv__(self, other: float) -> "ClosureValue":
        return self * (1.0 / other)

    def backward(self) -> None:
        topo: list[ClosureValue] = []
        visited: set[ClosureValue] = set()

        def build(v: ClosureValue) -> None:
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)

        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

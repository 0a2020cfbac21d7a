"""scalargrad's engine: scalar reverse-mode automatic differentiation.

>>> from autograd import Value
>>> x = Value(2.0, name="x")
>>> y = x * x + x.tanh()
>>> y.backward()
>>> round(x.grad, 6)   # 2x + 1 - tanh(x)^2
4.070651

Where things live: `value` (the node and each operation's local derivative),
`backprop` (topological order and the chain rule), `functions` (exp, log, sum,
softmax, ... on Values or numbers), `modes` (no_grad, detect_anomaly),
`gradcheck` (central differences), `explain` (step-by-step derivations),
`compile` (trace once, then run the generated straight-line code of `codegen`).
"""

from autograd.backprop import grad, topological_order
from autograd.compile import CompiledFunction, TracingError, compile
from autograd.functions import (
    clamp,
    cos,
    exp,
    leaky_relu,
    log,
    log_softmax,
    logsumexp,
    relu,
    sigmoid,
    sin,
    softmax,
    softplus,
    sqrt,
    sum,
    tanh,
)
from autograd.draw import Graph, draw
from autograd.explain import Derivation, explain
from autograd.gradcheck import GradcheckError, gradcheck, numeric_gradient
from autograd.lesson import Lesson, lesson
from autograd.modes import detect_anomaly, is_grad_enabled, no_grad
from autograd.value import Value

__version__ = "0.1.0"

__all__ = [
    "CompiledFunction",
    "Derivation",
    "GradcheckError",
    "Graph",
    "Lesson",
    "TracingError",
    "Value",
    "__version__",
    "clamp",
    "compile",
    "cos",
    "detect_anomaly",
    "draw",
    "exp",
    "explain",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "leaky_relu",
    "lesson",
    "log",
    "log_softmax",
    "logsumexp",
    "no_grad",
    "numeric_gradient",
    "relu",
    "sigmoid",
    "sin",
    "softmax",
    "softplus",
    "sqrt",
    "sum",
    "tanh",
    "topological_order",
]
